// The built package (pkg/) in Node: the API of API.md, error shapes, tabs, consent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadVitrin, createVitrin, VitrinError } from "../../pkg/node.js";
import { makeCatalog, categoryOf } from "../support/catalog.mjs";

const catalog = makeCatalog();
const cargoVersion = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8").match(/^version = "(.+)"/m)[1];
let keys = 0;
const fresh = (extra = {}) => createVitrin({ catalog, storage: "memory", storageKey: `t${keys++}`, now: () => 1_700_000_000_000, ...extra });
const nextTask = () => new Promise((r) => setTimeout(r, 20));
// Tabs talk over BroadcastChannel, whose delivery a loaded machine can delay past one task:
// wait for what must arrive (bounded), and keep the fixed wait only where nothing may arrive.
async function until(arrived, what) {
  for (const start = Date.now(); !arrived(); await nextTask()) {
    if (Date.now() - start > 10_000) assert.fail(`still waiting after 10 s: ${what}`);
  }
}

test("loadVitrin is idempotent and reports the crate version", async () => {
  const a = await loadVitrin();
  assert.equal(await loadVitrin(), a);
  assert.equal(a.version, cargoVersion);
});

test("scenario 1: three running-shoe views re-rank for_you and similar", async () => {
  const engine = await fresh();
  const running = (recs) => recs.filter((r) => categoryOf(r.productId) === "shoes/running").length;
  const before = engine.recommend({ slot: "for_you", limit: 10 });
  for (const id of ["p0", "p6", "p12"]) engine.track({ type: "view", productId: id });
  const after = engine.recommend({ slot: "for_you", limit: 10 });
  // Running shoes fill the storefront's default share of the slot (half), no more.
  assert.equal(running(after), 5, JSON.stringify(after));
  assert.ok(running(after) >= running(before) + 3, JSON.stringify(before));
  for (const r of after) {
    assert.equal(r.slot, "for_you");
    assert.equal(typeof r.score, "number");
    assert.ok(r.reason.code && r.reason.text);
  }
  const similar = engine.recommend({ slot: "similar", productId: "p18", limit: 5 });
  assert.equal(running(similar), 5);
  assert.deepEqual(engine.state().recentlyViewed, ["p12", "p6", "p0"]);
});

test("bad input throws VitrinError with a code and a JSON Pointer", async () => {
  const engine = await fresh();
  const cases = [
    [() => engine.track({ type: "view" }), "invalid_event", "/productId"],
    [() => engine.track({ type: "view", productId: "nope" }), "unknown_product", "/productId"],
    [() => engine.track("view"), "invalid_event", ""],
    [() => engine.track({ type: "add_to_cart", productId: "p1", quantity: -1 }), "invalid_event", "/quantity"],
    [() => engine.recommend({ slot: "nope" }), "unknown_slot", "/slot"],
    [() => engine.recommend({ slot: "for_you", limit: 0 }), "invalid_argument", "/limit"],
    [() => engine.recommend({ slot: "similar", productId: 7 }), "invalid_argument", "/productId"],
    [() => engine.setProfile({ visitorId: "v" }), "invalid_profile", "/updatedAt"],
    [() => engine.setRules({ version: 2 }), "invalid_rules", "/version"],
    [() => engine.on("click", () => {}), "invalid_argument", ""],
  ];
  for (const [call, code, path] of cases) {
    assert.throws(call, (e) => e instanceof VitrinError && e instanceof Error && e.code === code && e.path === path && e.message.length > 0, `${call}`);
  }
  const cyclic = { type: "view" };
  cyclic.self = cyclic;
  assert.throws(() => engine.track(cyclic), (e) => e instanceof VitrinError && e.code === "invalid_event");
  await assert.rejects(createVitrin({ catalog: { products: [{ id: "a", title: "A", category: "x", price: "1" }] } }), (e) => e instanceof VitrinError && e.code === "invalid_catalog" && e.path === "/catalog/products/0/price");
  await assert.rejects(createVitrin(null), (e) => e.code === "invalid_options");
  assert.deepEqual(engine.state().cart, [], "failed calls change nothing");
});

test("a refused catalog or profile keeps the previous one", async () => {
  const engine = await fresh();
  assert.throws(() => engine.setCatalog({ products: "many" }), (e) => e.code === "invalid_catalog" && e.path === "/products");
  assert.equal(engine.recommend({ slot: "trending", limit: 1 })[0].productId, "p0");
});

test("two engines with one storage key see each other's cart changes", async () => {
  const key = `tabs${keys++}`;
  const a = await fresh({ storageKey: key });
  const b = await fresh({ storageKey: key });
  const other = await fresh({ storageKey: `${key}-other` });
  let changes = 0;
  b.on("change", () => changes++);
  for (let i = 0; i < 20; i++) {
    (i % 2 ? a : b).track({ type: "add_to_cart", productId: `p${i % 5}` });
  }
  const items = (e) => e.state().cart.reduce((n, l) => n + l.quantity, 0);
  await until(() => items(a) === 20 && items(b) === 20, "both tabs hold all 20 additions");
  await nextTask(); // the storage flushes (zero-delay timers) the last batch scheduled
  const cart = (e) => Object.fromEntries(e.state().cart.map((l) => [l.productId, l.quantity]));
  assert.deepEqual(cart(a), { p0: 4, p1: 4, p2: 4, p3: 4, p4: 4 });
  assert.deepEqual(cart(b), cart(a));
  assert.deepEqual(other.state().cart, []);
  assert.equal(changes, 1, "the other tab's burst of changes arrives as one batch");
  const c = await fresh({ storageKey: key });
  assert.deepEqual(cart(c), cart(a), "a new engine starts from the stored state");
  a.forget();
  await until(() => b.state().cart.length === 0 && c.state().cart.length === 0, "forget reaches the other tabs");
  const d = await fresh({ storageKey: key });
  assert.deepEqual(d.state().cart, [], "and nothing is left stored");
});

test("a prompt dismissed in one tab is gone from the other, which hears one change", async () => {
  const key = `dismiss${keys++}`;
  const rules = { version: 1, campaigns: [{ id: "hi", trigger: { type: "always" }, caps: { dismissCooldownMinutes: 60 }, prompt: { text: { en: "Hi" } } }] };
  const [a, b] = [await fresh({ storageKey: key, rules }), await fresh({ storageKey: key, rules })];
  let changes = 0;
  b.on("change", () => changes++);
  const [p] = a.prompts();
  assert.equal(b.prompts()[0].id, p.id);
  a.dismiss(p.id);
  await until(() => changes > 0, "the other tab hears the dismissal");
  await nextTask();
  assert.equal(changes, 1);
  assert.deepEqual(b.prompts(), []);
});

test("a read-only engine follows the stored state and the other tabs but records nothing", async () => {
  const key = `preview${keys++}`;
  const rules = { version: 1, campaigns: [{ id: "hi", trigger: { type: "always" }, caps: { perSession: 1 }, prompt: { text: { en: "Hi" } } }] };
  const shop = await fresh({ storageKey: key, rules });
  shop.track({ type: "add_to_cart", productId: "p1" });
  await nextTask();
  const preview = await fresh({ storageKey: key, rules, readOnly: true });
  assert.deepEqual(preview.state().cart, [{ productId: "p1", quantity: 1 }], "reads the stored state");
  let changes = 0;
  shop.on("change", () => changes++);
  preview.track({ type: "add_to_cart", productId: "p2" });
  preview.shown(preview.prompts()[0].id);
  preview.forget();
  await nextTask();
  assert.equal(changes, 0, "the other tab hears nothing");
  assert.deepEqual(shop.state().cart, [{ productId: "p1", quantity: 1 }]);
  assert.equal(shop.prompts().length, 1, "the preview's impression used no cap");
  shop.track({ type: "view", productId: "p3" });
  await until(() => preview.state().recentlyViewed.length > 0, "the preview follows the other tab");
  assert.deepEqual(preview.state().recentlyViewed, ["p3"], "follows the other tab");
  const later = await fresh({ storageKey: key });
  assert.deepEqual(later.state().cart, [{ productId: "p1", quantity: 1 }], "and storage holds the shop's state only");
});

test("without personalization consent nothing is stored and for_you is not personal", async () => {
  const key = `consent${keys++}`;
  const a = await fresh({ storageKey: key, consent: { personalization: false } });
  const before = a.recommend({ slot: "for_you", limit: 5 });
  for (const id of ["p0", "p6", "p12"]) a.track({ type: "view", productId: id });
  a.track({ type: "add_to_cart", productId: "p1" });
  assert.deepEqual(a.recommend({ slot: "for_you", limit: 5 }), before);
  assert.deepEqual(a.recommend({ slot: "recently_viewed" }), []);
  await nextTask();
  a.destroy();
  const b = await fresh({ storageKey: key, consent: { personalization: false } });
  b.destroy();
  const c = await fresh({ storageKey: key });
  assert.deepEqual(c.state().cart, [], "no trace was stored");
});

test("a destroyed engine refuses further calls clearly", async () => {
  const engine = await fresh();
  engine.destroy();
  assert.throws(() => engine.recommend({ slot: "trending" }), (e) => e instanceof VitrinError && e.code === "destroyed");
});

test("rules: validation errors with paths, campaigns, prompts, explain and metrics", async () => {
  const vitrin = await loadVitrin();
  const bad = vitrin.validateRules({ version: 1, campaigns: [{ id: "a", trigger: { type: "cart_idel" }, priorty: 1 }] });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.errors.map((e) => e.path).sort(), ["/campaigns/0/priorty", "/campaigns/0/trigger/type"]);
  assert.match(bad.errors.find((e) => e.path === "/campaigns/0/priorty").message, /did you mean "priority"/);
  assert.deepEqual(vitrin.validateRules({ version: 1 }), { ok: true, errors: [] });

  let now = 1_800_000_000_000;
  const engine = await fresh({ now: () => now, locale: "tr-TR" });
  assert.throws(() => engine.setRules({ version: 1, slots: { x: { strategy: "nope" } } }), (e) => e instanceof VitrinError && e.code === "invalid_rules" && e.errors[0].path === "/slots/x/strategy");
  engine.setRules({
    version: 1,
    campaigns: [{ id: "idle", trigger: { type: "cart_idle", minutes: 10 }, caps: { perSession: 1 },
      prompt: { text: { en: "Your cart is waiting", tr: "Sepetiniz bekliyor" }, products: "cart" } }],
  });
  engine.track({ type: "add_to_cart", productId: "p3", quantity: 2 });
  assert.deepEqual(engine.prompts(), []);
  assert.equal(engine.explain("idle").because[0].path, "/campaigns/0/trigger");
  now += 11 * 60_000;
  const [prompt] = engine.prompts();
  assert.equal(prompt.text, "Sepetiniz bekliyor");
  assert.deepEqual(prompt.productIds, ["p3"]);
  assert.equal(prompt.reason.code, "cart_abandonment");
  // The same prompt again is new objects: what the page did to the last one stays there.
  const before = structuredClone(prompt);
  prompt.text = "changed";
  prompt.products[0].priceText = "changed";
  prompt.productIds.push("p9");
  const [again] = engine.prompts();
  assert.deepEqual(again, before);
  assert.notEqual(again.products, prompt.products);
  engine.shown(prompt.id);
  engine.clicked(prompt.id);
  assert.deepEqual(engine.prompts(), [], "per-session cap");
  assert.deepEqual(engine.metrics(), { idle: { default: { impressions: 1, clicks: 1, conversions: 0, revenue: 0 } } });
  engine.track({ type: "purchase", orderId: "o1", items: [{ productId: "p3", quantity: 2, price: 20 }] });
  assert.equal(engine.metrics().idle.default.conversions, 1);
  assert.equal(engine.metrics().idle.default.revenue, 40);
  assert.throws(() => engine.dismiss("nope:default"), (e) => e.code === "unknown_prompt");
  assert.throws(() => engine.explain("nope"), (e) => e.code === "unknown_campaign");
});

test("evaluateCondition follows JsonLogic and reports bad rules with paths", async () => {
  const vitrin = await loadVitrin();
  assert.equal(vitrin.evaluateCondition({ ">": [{ var: "cart.value" }, 100] }, { cart: { value: 150 } }), true);
  assert.deepEqual(vitrin.evaluateCondition({ map: [{ var: "xs" }, { "*": [{ var: "" }, 2] }] }, { xs: [1, 2] }), [2, 4]);
  assert.throws(() => vitrin.evaluateCondition({ and: [{ "=": [1, 1] }] }, {}), (e) => e instanceof VitrinError && e.code === "invalid_condition" && e.errors[0].path === "/and/0");
});

test("hostile rules documents are refused quickly and leave the engine usable", async () => {
  const vitrin = await loadVitrin();
  const engine = await fresh();
  let deep = { "==": [1, 1] };
  for (let i = 0; i < 5000; i++) deep = { "!": [deep] };
  const huge = { version: 1, campaigns: Array.from({ length: 100_000 }, (_, i) => ({ id: `c${i}`, trigger: { type: "always" } })) };
  for (const [doc, code] of [[{ version: 1, campaigns: [{ id: "d", trigger: { type: "always" }, when: deep }] }, "invalid_rules"], [huge, "invalid_rules"], [{ version: 1, slots: { ["x".repeat(3_000_000)]: {} } }, "invalid_rules"]]) {
    const t0 = performance.now();
    assert.throws(() => engine.setRules(doc), (e) => e instanceof VitrinError && e.code === code);
    assert.ok(performance.now() - t0 < 2000, "refused within 2 s");
    assert.equal(vitrin.validateRules(doc).ok, false);
  }
  assert.equal(engine.recommend({ slot: "trending", limit: 2 }).length, 2);
});
