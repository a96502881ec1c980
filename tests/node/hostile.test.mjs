// Hostile documents through the built package (pkg/) in Node: each gets a VitrinError with
// a code and a path (or, for validateRules, an answer) within BOUND_MS, and the engine
// answers normally afterwards. What stops each input is a size or work limit (deterministic);
// BOUND_MS only catches a hang, wide enough that a shared, loaded machine never trips it (2 s
// did). The times measured go to target/hardening/hostile.json (tests/HARDENING.md reports the worst).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadVitrin, createVitrin, VitrinError } from "../../pkg/node.js";
import { makeCatalog } from "../support/catalog.mjs";
import { REPO_ROOT } from "../support/repo.mjs";

const BOUND_MS = 30_000;
const NOW = 1_793_610_000_000;
const catalog = makeCatalog(40);
const vitrin = await loadVitrin();
const figures = [];
let keys = 0;
const fresh = (extra = {}) => createVitrin({ catalog, storage: "memory", storageKey: `hostile${keys++}`, now: () => NOW, ...extra });

after(() => {
  const dir = join(REPO_ROOT, "target", "hardening");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hostile.json"), JSON.stringify({ boundMs: BOUND_MS, cases: figures }, null, 2) + "\n");
});

/**
 * Runs `call`, which must throw a VitrinError with `code` within the bound, and `path` when
 * given (`null`: the clock, not an input, was at fault, so there is no path).
 */
function refuses(name, call, code, path) {
  const start = performance.now();
  let error;
  try {
    call();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - start;
  figures.push({ name, ms: Math.round(ms * 10) / 10, code: error?.code, path: error?.path });
  assert.ok(error instanceof VitrinError, `${name}: threw ${error} instead of a VitrinError`);
  assert.equal(error.code, code, `${name}: ${error.message}`);
  if (path !== undefined && path !== null) assert.equal(error.path, path, `${name}: ${error.message}`);
  if (path !== null) assert.ok(typeof error.path === "string" || Array.isArray(error.errors), `${name}: no path`);
  assert.ok(ms < BOUND_MS, `${name}: ${ms} ms`);
  return error;
}

/** The engine still tracks and ranks. */
function usable(engine) {
  engine.track({ type: "view", productId: "p1" });
  assert.equal(engine.recommend({ slot: "for_you", limit: 5 }).length, 5);
  assert.deepEqual(vitrin.evaluateCondition({ "+": [1, 2] }, null), 3);
}

const nest = (depth, leaf, wrap) => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
};
const range = (n) => Array.from({ length: n }, (_, i) => i);
const rulesWith = (when) => ({ version: 1, campaigns: [{ id: "c", trigger: { type: "always" }, when, prompt: { text: { en: "hi" } } }] });

test("rules and conditions nested thousands deep", async () => {
  const engine = await fresh();
  const deepAnd = nest(5000, true, (x) => ({ and: [x] }));
  refuses("rules: condition 5,000 deep", () => engine.setRules(rulesWith(deepAnd)), "invalid_rules", "");
  refuses("rules: arrays 100,000 deep (beyond JSON.stringify)", () => engine.setRules(nest(100_000, 1, (x) => [x])), "invalid_rules", "");
  const within = nest(70, true, (x) => ({ "!": x }));
  const err = refuses("rules: condition 70 deep (parses, deeper than JsonLogic's 64)", () => engine.setRules(rulesWith(within)), "invalid_rules");
  assert.ok(err.errors.some((e) => e.path.startsWith("/campaigns/0/when")), JSON.stringify(err.errors.slice(0, 2)));
  refuses("evaluateCondition: 5,000 deep", () => vitrin.evaluateCondition(deepAnd, {}), "invalid_condition", "");
  const start = performance.now();
  const answer = vitrin.validateRules(nest(5000, {}, (x) => ({ campaigns: x })));
  figures.push({ name: "validateRules: objects 5,000 deep", ms: Math.round((performance.now() - start) * 10) / 10, code: "answer", path: answer.errors[0]?.path });
  assert.equal(answer.ok, false);
  usable(engine);
});

test("megabyte strings and a million campaigns, products or items", async () => {
  const engine = await fresh();
  const mb = "x".repeat(1 << 20);
  refuses("event: 1 MB productId", () => engine.track({ type: "view", productId: mb }), "invalid_event", "/productId");
  refuses("event: 1 MB search", () => engine.track({ type: "search", query: mb }), "invalid_event", "/query");
  refuses("rules: 1 MB campaign name", () => engine.setRules({ version: 1, campaigns: [{ id: "c", name: mb, trigger: { type: "always" } }] }), "invalid_rules");
  refuses("rules: 3 MB document", () => engine.setRules({ version: 1, campaigns: [], note: mb.repeat(3) }), "invalid_rules", "");
  refuses("catalog: 1 MB title", () => engine.setCatalog({ products: [{ id: "a", title: mb, category: "x", price: 1 }] }), "invalid_catalog", "/products/0/title");
  refuses("profile: 1 MB name", () => engine.setProfile({ visitorId: "v", updatedAt: 0, name: mb }), "invalid_profile", "/name");
  refuses("recommend: 1 MB slot name", () => engine.recommend({ slot: mb }), "unknown_slot", "/slot");
  const million = new Array(1_000_000).fill({});
  refuses("rules: a million campaigns", () => engine.setRules({ version: 1, campaigns: million }), "invalid_rules", "");
  refuses("catalog: a million products", () => engine.setCatalog({ products: million }), "invalid_catalog", "/products");
  refuses("event: a purchase of a million items", () => engine.track({ type: "purchase", orderId: "o", items: million }), "invalid_event", "/items");
  refuses("profile: a million segments", () => engine.setProfile({ visitorId: "v", updatedAt: 0, segments: million.map(() => "s") }), "invalid_profile", "/segments");
  usable(engine);
});

test("JsonLogic that loops or doubles its values stops with an error", async () => {
  const engine = await fresh();
  const doubling = (op, initial) => ({ reduce: [{ var: "xs" }, { [op]: [{ var: "accumulator" }, { var: "accumulator" }] }, initial] });
  refuses("JsonLogic: reduce doubling a string 40 times", () => vitrin.evaluateCondition(doubling("cat", "ab"), { xs: range(40) }), "evaluation_limit", "");
  refuses("JsonLogic: reduce doubling an array 40 times", () => vitrin.evaluateCondition(doubling("merge", [1]), { xs: range(40) }), "evaluation_limit", "");
  const some = (body) => ({ some: [range(1000), body] });
  refuses("JsonLogic: some nested 3 deep over 1,000 items", () => vitrin.evaluateCondition(some(some(some({ "==": [{ var: "" }, -1] }))), null), "evaluation_limit", "");
  refuses("JsonLogic: 3,000 copies of a 1 MB document", () => vitrin.evaluateCondition(range(3000).map(() => ({ var: "" })), { s: "x".repeat(1 << 20) }), "evaluation_limit", "");
  refuses("JsonLogic: a regex-like operator", () => vitrin.evaluateCondition({ match: [{ var: "s" }, "(a+)+$"] }, { s: "a".repeat(30) }), "invalid_condition");
  // As a campaign condition the same rule is false: the next campaign speaks.
  engine.setRules({ version: 1, campaigns: [
    { id: "hostile", priority: 2, trigger: { type: "always" }, when: { "!=": [{ reduce: [range(40), { cat: [{ var: "accumulator" }, { var: "accumulator" }] }, "ab"] }, ""] }, prompt: { text: { en: "no" } } },
    { id: "plain", priority: 1, trigger: { type: "always" }, prompt: { text: { en: "yes" } } },
  ] });
  const start = performance.now();
  const shown = engine.prompts().map((p) => p.campaignId);
  figures.push({ name: "prompts() with a doubling campaign condition", ms: Math.round((performance.now() - start) * 10) / 10, code: "false condition" });
  assert.deepEqual(shown, ["plain"]);
  assert.ok(performance.now() - start < BOUND_MS);
  usable(engine);
});

test("numbers at the edges: NaN, ±Infinity, 1e308, -0", async () => {
  const engine = await fresh();
  // JSON.stringify writes NaN and ±Infinity as null: a required field is then refused at
  // its path; an optional one is absent (an event's `at` becomes now()).
  refuses("catalog: price NaN", () => engine.setCatalog({ products: [{ id: "a", title: "A", category: "x", price: NaN }] }), "invalid_catalog", "/products/0/price");
  refuses("catalog: price -Infinity", () => engine.setCatalog({ products: [{ id: "a", title: "A", category: "x", price: -Infinity }] }), "invalid_catalog", "/products/0/price");
  refuses("profile: updatedAt Infinity", () => engine.setProfile({ visitorId: "v", updatedAt: Infinity }), "invalid_profile", "/updatedAt");
  refuses("event: at 1e308", () => engine.track({ type: "view", productId: "p1", at: 1e308 }), "invalid_event", "/at");
  refuses("event: at -1e308", () => engine.track({ type: "view", productId: "p1", at: -1e308 }), "invalid_event", "/at");
  refuses("event: quantity 1e308", () => engine.track({ type: "add_to_cart", productId: "p1", quantity: 1e308 }), "invalid_event", "/quantity");
  refuses("event: quantity -0.5", () => engine.track({ type: "add_to_cart", productId: "p1", quantity: -0.5 }), "invalid_event", "/quantity");
  refuses("catalog: price 1e308", () => engine.setCatalog({ products: [{ id: "a", title: "A", category: "x", price: 1e308 }] }), "invalid_catalog", "/products/0/price");
  refuses("recommend: limit NaN", () => engine.recommend({ slot: "for_you", limit: NaN }), "invalid_argument", "/limit");
  refuses("recommend: limit Infinity", () => engine.recommend({ slot: "for_you", limit: Infinity }), "invalid_argument", "/limit");
  const clock = await fresh({ now: () => NaN });
  refuses("now() returning NaN", () => clock.recommend({ slot: "for_you" }), "invalid_clock", null);
  const late = await fresh({ now: () => Infinity });
  refuses("now() returning Infinity", () => late.track({ type: "view", productId: "p1" }), "invalid_clock", null);
  engine.track({ type: "view", productId: "p3", at: NaN });
  assert.equal(engine.state().recentlyViewed[0], "p3");
  // -0 is 0 in JSON.
  engine.track({ type: "add_to_cart", productId: "p2", quantity: 1, at: -0 });
  assert.deepEqual(engine.state().cart, [{ productId: "p2", quantity: 1 }]);
  assert.equal(vitrin.evaluateCondition({ "*": [1e308, 10] }, null), null, "Infinity becomes null, as JSON.stringify writes it");
  assert.equal(vitrin.evaluateCondition({ "<": [{ var: "a" }, 1e308] }, { a: -0 }), true);
  assert.equal(vitrin.evaluateCondition({ "/": [1, 0] }, null), null);
  assert.equal(vitrin.evaluateCondition({ "+": [1e308, 1e308, -1e308] }, null), null);
  usable(engine);
});

test("lone surrogates (invalid UTF-16) from JavaScript strings", async () => {
  const engine = await fresh();
  for (const s of ["\uD800", "a\uDFFFb", "\uDC00\uD800"]) {
    refuses(`event: productId ${JSON.stringify(s)}`, () => engine.track({ type: "view", productId: s }), "invalid_event", "");
    refuses(`rules: campaign id ${JSON.stringify(s)}`, () => engine.setRules({ version: 1, campaigns: [{ id: s, trigger: { type: "always" } }] }), "invalid_rules", "");
    refuses(`recommend: slot ${JSON.stringify(s)}`, () => engine.recommend({ slot: s }), "unknown_slot", "/slot");
    assert.equal(vitrin.validateRules({ version: 1, campaigns: [{ id: s }] }).ok, false);
  }
  await assert.rejects(fresh({ catalog: { products: [{ id: "\uD83D", title: "t", category: "x", price: 1 }] } }), (e) => e instanceof VitrinError && e.code === "invalid_options");
  usable(engine);
});

test("prototype-pollution keys through the JS wrapper change nothing but their own entries", async () => {
  const hostile = (extra) => JSON.parse(`{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, ${extra}}`);
  const products = ["__proto__", "constructor", "hasOwnProperty", "p0"].map((id, i) => ({ id, title: `T${i}`, category: "x/__proto__", brand: "constructor", price: 1 + i }));
  const engine = await createVitrin(hostile(`"catalog": ${JSON.stringify({ products })}, "storage": "memory", "storageKey": "__proto__", "now": null`.replace(', "now": null', "")));
  engine.track(hostile(`"type": "view", "productId": "__proto__"`));
  engine.track({ type: "add_to_cart", productId: "constructor", quantity: 2 });
  engine.setProfile(hostile(`"visitorId": "__proto__", "updatedAt": 0, "affinities": {"category": {"__proto__": 1}, "brand": {"constructor": 1}}`));
  engine.setRules({ version: 1, campaigns: [
    // A variable the context has (one number per category path), keyed by a prototype name.
    { id: "__proto__", priority: 2, trigger: { type: "always" }, when: { "==": [{ var: "cart.categories.__proto__" }, 1] }, prompt: { text: { en: "a" } } },
    { id: "constructor", priority: 1, trigger: { type: "always" }, prompt: { text: { en: "b" } } },
  ] });
  const [prompt] = engine.prompts();
  assert.equal(prompt.campaignId, "constructor", "a __proto__ var reads nothing");
  engine.shown(prompt.id);
  const metrics = engine.metrics();
  assert.deepEqual(Object.keys(metrics), ["constructor"]);
  assert.equal(Object.getPrototypeOf(metrics), Object.prototype);
  assert.deepEqual(engine.state().cart, [{ productId: "constructor", quantity: 2 }]);
  assert.ok(engine.recommend({ slot: "similar", productId: "__proto__" }).every((r) => typeof r.productId === "string"));
  assert.equal(engine.explain("__proto__").acts, false);
  assert.equal(vitrin.evaluateCondition({ var: "constructor" }, {}), null, "no prototype property is read");
  assert.equal(vitrin.evaluateCondition({ var: "__proto__" }, JSON.parse('{"__proto__": 5}')), 5, "an own __proto__ key is data");
  assert.equal({}.polluted, undefined, "Object.prototype untouched");
  assert.equal(Object.prototype.polluted, undefined);
  refuses("event: type __proto__", () => engine.track({ type: "__proto__" }), "invalid_event", "/type");
  refuses("recommend: slot constructor", () => engine.recommend({ slot: "constructor" }), "unknown_slot", "/slot");
});
