// Round trips through the two common JsonLogic query builders, with `vitrin/editor`'s field
// configuration: for conditions covering every operator each editor offers there, export
// with the library's own exporter, evaluate in vitrin on generated visitor contexts against
// the editor's intended semantics (json-logic-js plus the editor's own operator
// implementations, dates as the JS `Date`s the editor holds before `JSON.stringify`), then
// re-import with the editor's own JsonLogic importer and get the same query back. Prints the
// table of the note: editor × operators offered × exported × accepted × behaves as meant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import jsonLogic from "json-logic-js";
import { formatQuery, jsonLogicAdditionalOperators } from "react-querybuilder";
import { parseJsonLogic } from "react-querybuilder/parseJsonLogic";
import { loadVitrin } from "../../pkg/node.js";
import { reactQueryBuilderFields, reactQueryBuilderFormat, awesomeQueryBuilderConfig, variables } from "../../pkg/editor.js";

// The editor's ESM build imports directories, which Node refuses; its CommonJS build loads.
const require = createRequire(import.meta.url);
const raqb = require("@react-awesome-query-builder/core");
const moment = require("moment");

const NOW = Date.parse("2026-12-24T10:30:00Z");
const OFFSET = -new Date(NOW).getTimezoneOffset();
const vitrin = await loadVitrin();

const catalog = { products: [
  { id: "litter-1", title: "Clumping litter", category: "pets/cat/litter", brand: "Pati", price: 120, tags: ["bulk"] },
  { id: "food-1", title: "Dry cat food", category: "pets/cat/food", brand: "Mırmır", price: 240 },
  { id: "shirt-1", title: "Oxford shirt", category: "fashion/shirts", brand: "Ata", price: 300 },
] };
const segments = ["vip", "cat-owner", "new"];

// json-logic-js with each editor's own operators; `today` is the start of today here (the
// editor's is UTC midnight of the local date: RULES.md says why vitrin differs).
const oracle = jsonLogic;
for (const [name, f] of Object.entries(jsonLogicAdditionalOperators)) oracle.add_operation(name, f);
const raqbOps = raqb.Utils.JsonLogicUtils.customJsonLogicOperations;
for (const name of ["toLowerCase", "toUpperCase", "date==", "date!=", "datetime==", "datetime!=", "date_add", "datetime_add", "datetime_truncate"]) oracle.add_operation(name, raqbOps[name]);
// The clock the editor's `now` reads: each context's own `now`, as vitrin is given it.
let clockNow = NOW;
oracle.add_operation("now", () => new Date(clockNow));
oracle.add_operation("start_of_today", () => moment(clockNow).startOf("day").toDate());
oracle.add_operation("today", () => moment(clockNow).startOf("day").toDate());
const ISO = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/;
const revive = (v) => (typeof v === "string" && ISO.test(v) ? moment(v).toDate() : Array.isArray(v) ? v.map(revive) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)])) : v);
function intended(rule, data) {
  clockNow = data.now ?? data.visitor.now;
  return Boolean(oracle.truthy(oracle.apply(revive(rule), data)));
}

// Seeded visitor contexts with the vocabulary's shape, boundary values included.
function contexts(n) {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  return Array.from({ length: n }, () => ({
    now: NOW + Math.round((rnd() - 0.5) * 6 * 86_400_000), weekday: Math.floor(rnd() * 7), month: pick([1, 6, 12]), hour: Math.floor(rnd() * 24),
    locale: pick(["en", "tr"]), page: pick(["home", "cart", "product", "checkout"]),
    cart: { count: Math.floor(rnd() * 4), value: pick([0, 99.5, 100, 150, 200, 250, 300, 420]), categories: rnd() < 0.5 ? { "pets/cat/litter": pick([1, 2]) } : {},
      productIds: rnd() < 0.5 ? ["litter-1"] : [], minutesSinceChange: pick([null, 5, 45]) },
    purchases: { count: pick([0, 1, 3]), daysSinceLast: pick([null, 3, 14, 15, 40]) },
    profile: { name: pick([null, "Ayşe", "ali", "Alper", "Zeynep"]), segments: segments.filter(() => rnd() < 0.4) },
    searches: pick([[], ["kedi kumu"], ["shirt", "litter"]]),
    product: { id: pick(["litter-1", "food-1", "shirt-1"]), category: pick(["pets/cat/litter", "pets/cat/food", "fashion/shirts"]), price: pick([50, 120, 240]), inStock: rnd() < 0.7, brand: pick(["Pati", "Ata"]) },
  }));
}
const CONTEXTS = contexts(120);

/** Exports, evaluates and re-imports every case; answers the note's row. */
function judge(editor, offered, cases) {
  const row = { editor, offered: offered.size, covered: new Set(), exported: 0, accepted: 0, meant: 0, failures: [] };
  for (const c of cases) {
    const rule = c.export();
    if (!rule || typeof rule !== "object") {
      row.failures.push(`${c.label}: not exported`);
      continue;
    }
    row.exported++;
    const saved = JSON.parse(JSON.stringify(rule));
    const valid = vitrin.validateRules({ version: 1, campaigns: [{ id: "c", trigger: { type: "always" }, when: saved }] });
    let ok = true;
    try {
      for (const data of c.slot ? CONTEXTS.map((x) => ({ product: x.product, visitor: x })) : CONTEXTS) {
        const want = intended(rule, data);
        const got = vitrin.evaluateCondition(saved, data, { now: data.now ?? data.visitor.now, utcOffsetMinutes: OFFSET, scope: c.slot ? "slot" : "campaign" });
        if (Boolean(got) !== want) {
          row.failures.push(`${c.label}: ${JSON.stringify(saved)} gives ${got} where the editor means ${want} for ${JSON.stringify(data).slice(0, 200)}`);
          ok = false;
          break;
        }
      }
    } catch (e) {
      row.failures.push(`${c.label}: ${e.message}`);
      ok = false;
    }
    if (c.slot || valid.ok) row.accepted++;
    else row.failures.push(`${c.label}: refused ${JSON.stringify(valid.errors)}`);
    const back = c.reimport(saved);
    if (ok && back) {
      row.meant++;
      c.operators.forEach((o) => row.covered.add(o));
    } else if (!back) row.failures.push(`${c.label}: re-import differs`);
  }
  return row;
}

const rows = [];

test("react-querybuilder 8: every operator offered exports, runs as meant and re-imports", () => {
  const campaignFields = reactQueryBuilderFields({ catalog, segments });
  const slotFields = reactQueryBuilderFields({ catalog, segments, scope: "slot" });
  const offered = new Set(campaignFields.concat(slotFields).flatMap((f) => f.operators.map((o) => o.name)));
  const strip = (q) => JSON.parse(JSON.stringify(q, (k, v) => (k === "id" || k === "path" || k === "valueSource" ? undefined : v)));
  const rule = (field, operator, value) => ({ field, operator, value });
  const group = (combinator, rules, not = false) => ({ combinator, rules, ...(not ? { not } : {}) });
  const RQB = [
    ...["=", "!=", "<", "<=", ">", ">="].map((op) => [`cart value ${op} 200`, rule("cart.value", op, 200)]),
    ["cart value between 100 and 300", rule("cart.value", "between", [100, 300])],
    ["cart value not between 100 and 300", rule("cart.value", "notBetween", [100, 300])],
    ["cart value in 100, 200", rule("cart.value", "in", [100, 200])],
    ["cart value not in 100, 200", rule("cart.value", "notIn", [100, 200])],
    ["days since purchase is empty", rule("purchases.daysSinceLast", "null", null)],
    ["days since purchase is set", rule("purchases.daysSinceLast", "notNull", null)],
    ["bought in the last 14 days", rule("purchases.daysSinceLast", "<=", 14)],
    ["weekday in Sunday, Saturday", rule("weekday", "in", ["0", "6"])],
    ["weekday is Saturday", rule("weekday", "=", "6")],
    ["name = Ayşe", rule("profile.name", "=", "Ayşe")],
    ["name != Ayşe", rule("profile.name", "!=", "Ayşe")],
    ["name contains l", rule("profile.name", "contains", "l")],
    ["name begins with Al", rule("profile.name", "beginsWith", "Al")],
    ["name ends with p", rule("profile.name", "endsWith", "p")],
    ["name does not contain y", rule("profile.name", "doesNotContain", "y")],
    ["name does not begin with A", rule("profile.name", "doesNotBeginWith", "A")],
    ["name does not end with e", rule("profile.name", "doesNotEndWith", "e")],
    ["name in Ayşe, ali", rule("profile.name", "in", ["Ayşe", "ali"])],
    ["name not in Ayşe, ali", rule("profile.name", "notIn", ["Ayşe", "ali"])],
    ["name is empty", rule("profile.name", "null", null)],
    ["name is set", rule("profile.name", "notNull", null)],
    ["page = cart", rule("page", "=", "cart")],
    ["page != cart", rule("page", "!=", "cart")],
    ["page in cart, checkout", rule("page", "in", ["cart", "checkout"])],
    ["page not in cart, checkout", rule("page", "notIn", ["cart", "checkout"])],
    ["page begins with c", rule("page", "beginsWith", "c")],
    ["page does not begin with c", rule("page", "doesNotBeginWith", "c")],
    ["segment contains vip", rule("profile.segments", "contains", "vip")],
    ["segment does not contain vip", rule("profile.segments", "doesNotContain", "vip")],
    ["search list is set", rule("searches", "notNull", null)],
    ["search list is empty", rule("searches", "null", null)],
    ["before Christmas", rule("now", "<", "2026-12-25T00:00")],
    ["on or before Christmas eve noon", rule("now", "<=", "2026-12-24T12:00")],
    ["after the 22nd", rule("now", ">", "2026-12-22T00:00")],
    ["from the 23rd", rule("now", ">=", "2026-12-23T00:00")],
    ["during the sale", rule("now", "between", ["2026-12-23T00:00", "2026-12-26T00:00"])],
    ["outside the sale", rule("now", "notBetween", ["2026-12-23T00:00", "2026-12-26T00:00"])],
    ["cat litter audience", group("and", [rule("profile.segments", "contains", "cat-owner"), group("or", [rule("cart.categories.pets/cat/litter", ">=", 1), rule("purchases.daysSinceLast", ">", 14)])])],
    ["not (tr and cart value < 100)", group("and", [rule("locale", "=", "tr"), rule("cart.value", "<", 100)], true)],
  ].map(([label, q]) => ({ label, q: q.rules ? q : group("and", [q]), fields: campaignFields }));
  const SLOT = [
    ["category begins with pets/", rule("product.category", "beginsWith", "pets/")],
    ["category does not begin with pets/", rule("product.category", "doesNotBeginWith", "pets/")],
    ["in stock", rule("product.inStock", "=", true)],
    ["brand = Pati", rule("product.brand", "=", "Pati")],
    ["price between 100 and 250", rule("product.price", "between", [100, 250])],
    ["visitor is vip and price > 100", group("and", [rule("visitor.profile.segments", "contains", "vip"), rule("product.price", ">", 100)])],
  ].map(([label, q]) => ({ label, q: q.rules ? q : group("and", [q]), fields: slotFields, slot: true }));
  const ops = (q) => (q.rules ? q.rules.flatMap(ops) : [q.operator]);
  const cases = [...RQB, ...SLOT].map((c) => ({
    label: c.label, slot: c.slot, operators: ops(c.q),
    export: () => formatQuery(c.q, { ...reactQueryBuilderFormat, fields: c.fields }),
    reimport: (saved) => {
      // The editor holds values as its inputs give them (text); compare them as text.
      const norm = (q) => JSON.stringify(strip(q), (k, v) => (k === "value" && v !== null && typeof v !== "object" ? String(v) : k === "value" && Array.isArray(v) ? v.map(String) : v));
      const back = parseJsonLogic(saved, { fields: c.fields, listsAsArrays: true });
      const same = norm(back) === norm(c.q);
      if (!same) console.log(c.label, norm(back), norm(c.q));
      return same;
    },
  }));
  const row = judge("react-querybuilder 8", offered, cases);
  rows.push(row);
  assert.deepEqual(row.failures, []);
  assert.deepEqual([...offered].filter((o) => !row.covered.has(o)), [], "every operator offered is covered");
});

test("react-awesome-query-builder 6: every operator and function offered exports, runs as meant and re-imports", () => {
  const { CoreConfig, BasicFuncs, Utils } = raqb;
  const campaign = awesomeQueryBuilderConfig(CoreConfig, BasicFuncs, { catalog, segments });
  const slot = awesomeQueryBuilderConfig(CoreConfig, BasicFuncs, { catalog, segments, scope: "slot" });
  const offered = new Set();
  const walk = (fields) => Object.values(fields).forEach((f) => (f.subfields ? walk(f.subfields) : f.operators.forEach((o) => offered.add(o))));
  walk(campaign.fields);
  walk(slot.fields);
  Object.keys(campaign.funcs).forEach((f) => offered.add(f));
  const types = (value, t) => value.map(() => t);
  const rule = (field, operator, value, valueType, valueSrc) => ({ type: "rule", properties: { field, operator, value, valueSrc: valueSrc ?? types(value, "value"), valueType: valueType ?? types(value, "number") } });
  const group = (conjunction, children1, not = false) => ({ type: "group", properties: { conjunction, not }, children1 });
  const fn = (func, args = {}) => ({ func, args });
  const now = fn("NOW");
  const rel = (date, op, val, dim) => fn("RELATIVE_DATETIME", { date: { valueSrc: "func", value: date }, op: { value: op }, val: { value: val }, dim: { value: dim } });
  const trunc = (date, dim) => fn("TRUNCATE_DATETIME", { date: { valueSrc: "func", value: date }, dim: { value: dim } });
  const T = (v) => types(v, "text"), D = (v) => types(v, "datetime"), F = (v) => types(v, "func");
  const CASES = [
    ...["equal", "not_equal", "less", "less_or_equal", "greater", "greater_or_equal"].map((op) => [`cart value ${op} 200`, rule("cart.value", op, [200])]),
    ["cart value between 100 and 300", rule("cart.value", "between", [100, 300])],
    ["cart value not between 100 and 300", rule("cart.value", "not_between", [100, 300])],
    ["days since purchase is null", rule("purchases.daysSinceLast", "is_null", [])],
    ["days since purchase is not null", rule("purchases.daysSinceLast", "is_not_null", [])],
    ["bought in the last 14 days", rule("purchases.daysSinceLast", "less_or_equal", [14])],
    ["name = Ayşe", rule("profile.name", "equal", ["Ayşe"], T([1]))],
    ["name != Ayşe", rule("profile.name", "not_equal", ["Ayşe"], T([1]))],
    ["name contains l", rule("profile.name", "like", ["l"], T([1]))],
    ["name does not contain y", rule("profile.name", "not_like", ["y"], T([1]))],
    ["name starts with Al", rule("profile.name", "starts_with", ["Al"], T([1]))],
    ["name ends with p", rule("profile.name", "ends_with", ["p"], T([1]))],
    ["name is empty", rule("profile.name", "is_empty", [])],
    ["name is not empty", rule("profile.name", "is_not_empty", [])],
    ["name is null", rule("profile.name", "is_null", [])],
    ["name is not null", rule("profile.name", "is_not_null", [])],
    ["lower-cased name = ali", rule("profile.name", "equal", [fn("LOWER", { str: { valueSrc: "value", value: "ALI" } })], T([1]), F([1]))],
    ["upper-cased name = ALPER", rule("profile.name", "equal", [fn("UPPER", { str: { valueSrc: "value", value: "alper" } })], T([1]), F([1]))],
    ["page = cart", rule("page", "select_equals", ["cart"], types([1], "select"))],
    ["page != cart", rule("page", "select_not_equals", ["cart"], types([1], "select"))],
    ["page any in cart, checkout", rule("page", "select_any_in", [["cart", "checkout"]], types([1], "multiselect"))],
    ["page not in cart, checkout", rule("page", "select_not_any_in", [["cart", "checkout"]], types([1], "multiselect"))],
    ["page is null", rule("page", "is_null", [])],
    ["page is not null", rule("page", "is_not_null", [])],
    ["weekday in Sunday, Saturday", rule("weekday", "select_any_in", [[0, 6]], types([1], "multiselect"))],
    ["segment contains vip", rule("profile.segments", "multiselect_contains", [["vip"]], types([1], "multiselect"))],
    ["segment does not contain vip", rule("profile.segments", "multiselect_not_contains", [["vip"]], types([1], "multiselect"))],
    ["segments null", rule("profile.segments", "is_null", [])],
    ["segments not null", rule("profile.segments", "is_not_null", [])],
    ["now is Christmas eve 10:00", rule("now", "equal", ["2026-12-24 10:00:00"], D([1]))],
    ["now is not Christmas eve 10:00", rule("now", "not_equal", ["2026-12-24 10:00:00"], D([1]))],
    ["before Christmas", rule("now", "less", ["2026-12-25 00:00:00"], D([1]))],
    ["on or before Christmas eve noon", rule("now", "less_or_equal", ["2026-12-24 12:00:00"], D([1]))],
    ["after the 22nd", rule("now", "greater", ["2026-12-22 00:00:00"], D([1]))],
    ["from the 23rd", rule("now", "greater_or_equal", ["2026-12-23 00:00:00"], D([1]))],
    ["during the sale", rule("now", "between", ["2026-12-23 00:00:00", "2026-12-26 00:00:00"], D([1, 2]))],
    ["outside the sale", rule("now", "not_between", ["2026-12-23 00:00:00", "2026-12-26 00:00:00"], D([1, 2]))],
    ["after the start of today", rule("now", "greater_or_equal", [fn("START_OF_TODAY")], D([1]), F([1]))],
    ["before now + 2 hours", rule("now", "less", [rel(now, "plus", 2, "hour")], D([1]), F([1]))],
    ["after 3 days ago", rule("now", "greater", [rel(fn("START_OF_TODAY"), "minus", 3, "day")], D([1]), F([1]))],
    ["this month", rule("now", "greater_or_equal", [trunc(now, "month")], D([1]), F([1]))],
    ["now is now", rule("now", "equal", [now], D([1]), F([1]))],
    ["cat litter audience", group("AND", [rule("profile.segments", "multiselect_contains", [["cat-owner"]], types([1], "multiselect")),
      group("OR", [rule("cart.categories.pets/cat/litter", "greater_or_equal", [1]), rule("purchases.daysSinceLast", "greater", [14])])])],
    ["not (tr and cart value < 100)", group("AND", [rule("locale", "select_equals", ["tr"], types([1], "select")), rule("cart.value", "less", [100])], true)],
  ].map(([label, r]) => ({ label, tree: r.type === "group" ? r : group("AND", [r]), config: campaign }));
  const SLOT = [
    ["category any in pets/cat/litter", rule("product.category", "select_any_in", [["pets/cat/litter", "pets/cat/food"]], types([1], "multiselect"))],
    ["in stock", rule("product.inStock", "equal", [true], types([1], "boolean"))],
    ["not in stock", rule("product.inStock", "not_equal", [true], types([1], "boolean"))],
    ["brand = Pati", rule("product.brand", "select_equals", ["Pati"], types([1], "select"))],
    ["category parent contains pets", rule("product.categories", "multiselect_contains", [["pets"]], types([1], "multiselect"))],
    ["visitor is vip and price > 100", group("AND", [rule("visitor.profile.segments", "multiselect_contains", [["vip"]], types([1], "multiselect")), rule("product.price", "greater", [100])])],
  ].map(([label, r]) => ({ label, tree: r.type === "group" ? r : group("AND", [r]), config: slot, slot: true }));
  const used = (node) => (node.type === "group" ? node.children1.flatMap(used) : [node.properties.operator, ...JSON.stringify(node.properties.value).match(/"func":"[A-Z_]+"/g)?.map((m) => m.slice(8, -1)) ?? []]);
  const cases = [...CASES, ...SLOT].map((c) => {
    const tree = Utils.checkTree(Utils.loadTree({ ...c.tree, id: "root" }), c.config);
    return {
      label: c.label, slot: c.slot, operators: used(c.tree),
      export: () => {
        const out = Utils.jsonLogicFormat(tree, c.config);
        return out.errors?.length ? undefined : out.logic;
      },
      reimport: (saved) => {
        const back = Utils.loadFromJsonLogic(saved, c.config);
        const same = back && Utils.queryString(back, c.config) === Utils.queryString(tree, c.config);
        if (!same) console.log(c.label, back && Utils.queryString(back, c.config), "vs", Utils.queryString(tree, c.config));
        return same;
      },
    };
  });
  const row = judge("@react-awesome-query-builder/core 6", offered, cases);
  rows.push(row);
  assert.deepEqual(row.failures, []);
  assert.deepEqual([...offered].filter((o) => !row.covered.has(o)), [], "every operator and function offered is covered");
  assert.equal(row.meant, cases.length);
});

test.after(() => {
  console.log("\n| editor | operators offered | conditions exported | accepted | behave as meant | operators covered |\n|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.editor} | ${r.offered} | ${r.exported} | ${r.accepted} | ${r.meant} / ${r.exported} | ${r.covered.size} / ${r.offered} |`);
});

test("the vocabulary offers store values and only variables the engine reads", () => {
  const vars = variables({ catalog, segments });
  assert.deepEqual(vars.find((v) => v.name === "profile.segments").values.map((v) => v.value), ["cat-owner", "new", "vip"]);
  assert.ok(vars.some((v) => v.name === "cart.categories.pets/cat"), "per-category variables for every ancestor");
  assert.ok(!vars.some((v) => v.name.startsWith("product.")), "campaign conditions do not read products");
  const context = vitrin.create({ catalog, storage: "memory" });
  assert.ok(context);
});

test("validateRules warns where an editor wrote numbers as text, and refuses unknown variables with the editor option named", () => {
  const doc = (when) => ({ version: 1, campaigns: [{ id: "c", trigger: { type: "always" }, when }] });
  const clean = vitrin.validateRules(doc({ in: [{ var: "weekday" }, [0, 6]] }));
  assert.deepEqual(clean, { ok: true, errors: [] });
  const text = vitrin.validateRules(doc({ in: [{ var: "weekday" }, ["0", "6"]] }));
  assert.equal(text.ok, true);
  assert.deepEqual(text.warnings.map((w) => w.path), ["/campaigns/0/when/in/1/0", "/campaigns/0/when/in/1/1"]);
  const bad = vitrin.validateRules(doc({ and: [{ regexTest: [{ var: "profile.name" }, "^A"] }, { "==": [{ var: "product.brand" }, "Pati"] }] }));
  assert.equal(bad.ok, false);
  assert.match(bad.errors.find((e) => e.path === "/campaigns/0/when/and/0").message, /react-awesome-query-builder's regex test/);
  assert.match(bad.errors.find((e) => e.path === "/campaigns/0/when/and/1/==/0/var").message, /unknown variable "product.brand"/);
  assert.throws(() => vitrin.evaluateCondition({ "==": [{ var: "cart.valeu" }, 1] }, {}, { scope: "campaign" }), (e) => e.code === "invalid_condition" && /did you mean "cart.value"/.test(e.errors[0].message));
});

test("a document with one bad campaign changes nothing, unless the marketer asks to leave it out", async () => {
  const engine = vitrin.create({ catalog, storage: "memory" });
  const good = { id: "good", trigger: { type: "always" }, prompt: { text: { en: "Hi" } } };
  engine.setRules({ version: 1, campaigns: [good] });
  const doc = { version: 1, campaigns: [{ ...good, id: "new" }, { id: "bad", trigger: { type: "always" }, when: { strlen: [{ var: "profile.name" }] } }] };
  assert.throws(() => engine.setRules(doc), (e) => e.code === "invalid_rules" && /string length/.test(e.errors[0].message));
  assert.deepEqual(engine.prompts().map((p) => p.campaignId), ["good"], "the rules in force are kept");
  const { skipped } = engine.setRules(doc, { skipInvalidCampaigns: true });
  assert.deepEqual(skipped.map((s) => [s.id, s.path]), [["bad", "/campaigns/1"]]);
  assert.deepEqual(engine.prompts().map((p) => p.campaignId), ["new"]);
  assert.throws(() => engine.setRules({ ...doc, utcOffsetMinutes: "x" }, { skipInvalidCampaigns: true }), (e) => e.code === "invalid_rules");
  assert.deepEqual(engine.prompts().map((p) => p.campaignId), ["new"]);
});
