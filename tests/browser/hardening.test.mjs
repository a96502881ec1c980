// Hardening in headless Chromium: storage faults, two and three tabs interleaving 1,000
// cart and view operations, a real panic in the test-panic build (target/pkg-panic/, built
// by `cargo xtask test`), and the package under a strict CSP with Trusted Types required.
// Figures go to target/hardening/browser.json for tests/HARDENING.md.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser, startServer, watchErrors, REPO_ROOT } from "../support/browser.mjs";

const figures = { storageFaults: [], tabs: [], panic: null, csp: null };
let browser, server;
before(async () => {
  server = await startServer({ port: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  const dir = join(REPO_ROOT, "target", "hardening");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "browser.json"), JSON.stringify(figures, null, 2) + "\n");
});

async function open(context, { init, path = "/tests/browser/pages/engine.html" } = {}) {
  const page = await context.newPage();
  page.errors = watchErrors(page);
  if (init) await page.addInitScript(init);
  await page.goto(server.url + path);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  return page;
}

/** In the page: an engine that tracks, ranks and keeps its cart whatever storage does. */
async function survives(page, options = {}) {
  return page.evaluate(async (options) => {
    const e = make(options);
    await settle();
    e.track({ type: "add_to_cart", productId: "p1", quantity: 2 });
    e.track({ type: "view", productId: "p2" });
    await settle();
    e.track({ type: "add_to_cart", productId: "p3" });
    await settle();
    return { errors: [...new Set(errors)], cart: e.state().cart.map((l) => `${l.productId}x${l.quantity}`), recs: e.recommend({ slot: "for_you", limit: 5 }).length };
  }, options);
}

const STORAGE_FAULTS = [
  ["quota full on every write", () => { Storage.prototype.setItem = function () { throw new DOMException("full", "QuotaExceededError"); }; }, ["storage_failed"]],
  ["localStorage disabled (null)", () => { Object.defineProperty(window, "localStorage", { get: () => null }); }, ["storage_unavailable"]],
  ["localStorage throws on access", () => { Object.defineProperty(window, "localStorage", { get() { throw new DOMException("denied", "SecurityError"); } }); }, ["storage_failed"]],
  ["reads throw (private mode)", () => { Storage.prototype.getItem = function () { throw new DOMException("denied", "SecurityError"); }; }, ["storage_failed"]],
  ["removals throw", () => { localStorage.setItem("vitrin", "{bad"); Storage.prototype.removeItem = function () { throw new DOMException("denied", "SecurityError"); }; }, ["storage_corrupt"]],
  ["foreign value", () => localStorage.setItem("vitrin", JSON.stringify({ cart: ["someone else's"] })), ["storage_corrupt"]],
  ["older version", () => localStorage.setItem("vitrin", JSON.stringify({ v: 0, visitor: { cart: [] } })), ["storage_version"]],
  ["truncated document", () => localStorage.setItem("vitrin", '{"v":1,"visitor":{"cart":[{"productId":"p1","quanti'), ["storage_corrupt"]],
  ["huge value (2 MB)", () => localStorage.setItem("vitrin", `{"v":1,"visitor":{"searches":["${"x".repeat(2 << 20)}"]}}`), ["storage_corrupt"]],
];

for (const [name, init, codes] of STORAGE_FAULTS) {
  test(`storage fault: ${name}: the engine works in memory and reports on error`, async () => {
    const context = await browser.newContext();
    const page = await open(context, { init });
    const r = await survives(page);
    assert.deepEqual(r.errors, codes);
    assert.deepEqual(r.cart, ["p1x2", "p3x1"]);
    assert.equal(r.recs, 5);
    assert.deepEqual(page.errors, []);
    figures.storageFaults.push({ fault: name, reported: r.errors, cartKept: true });
    await context.close();
  });
}

test("storage fault: another writer changes the stored state before and after the engine's write", async () => {
  const context = await browser.newContext();
  const [a, other] = [await open(context), await open(context)];
  await a.evaluate(async () => {
    window.engine = make({ storageKey: "shop" });
    engine.track({ type: "add_to_cart", productId: "p1" });
    // Lands between the change and its write (the write runs on the next timer).
    localStorage.setItem("shop", '{"v":1,"visitor":{"cart":[{"productId":"p9","quan');
    await settle();
  });
  const reload = async () => (await open(context)).evaluate(async () => {
    const e = make({ storageKey: "shop" });
    await settle();
    return { errors, cart: e.state().cart.map((l) => l.productId) };
  });
  assert.deepEqual(await reload(), { errors: [], cart: ["p1"] }, "the engine's write replaces the whole value");
  // Lands after the write: the next tab to load reports it, takes the state of the tab
  // still open (its own view kept) and stores it again.
  await other.evaluate(() => localStorage.setItem("shop", "garbage"));
  const late = await open(context);
  const adopted = await late.evaluate(async () => {
    window.engine = make({ storageKey: "shop" });
    engine.track({ type: "view", productId: "p5" });
    await new Promise((r) => setTimeout(r, 200));
    return { errors, cart: engine.state().cart.map((l) => l.productId), viewed: engine.state().recentlyViewed };
  });
  assert.deepEqual(adopted, { errors: ["storage_corrupt"], cart: ["p1"], viewed: ["p5"] });
  await a.evaluate(async () => { engine.track({ type: "add_to_cart", productId: "p2" }); await settle(); });
  await late.waitForTimeout(100);
  const stored = await a.evaluate(() => JSON.parse(localStorage.getItem("shop")).visitor.cart.map((l) => l.productId));
  assert.deepEqual(stored, ["p1", "p2"]);
  assert.deepEqual(await late.evaluate(() => engine.state().cart.map((l) => l.productId)), ["p1", "p2"]);
  figures.storageFaults.push({ fault: "changed by another writer before / after the engine's write", reported: ["storage_corrupt"], cartKept: true });
  await context.close();
});

/** `tabs` pages of one store, `ops` cart and view operations dealt round-robin in bursts. */
async function interleave(tabCount, ops) {
  const context = await browser.newContext();
  const rules = {
    version: 1,
    campaigns: [{ id: "exp", trigger: { type: "always" }, caps: { perSession: 1 }, variants: [{ id: "A", weight: 50 }, { id: "B", weight: 50 }], prompt: { text: { en: "hi" } } }],
  };
  const first = await open(context);
  await first.evaluate(async (rules) => { window.engine = make({ storageKey: "shop", rules }); engine.track({ type: "view", productId: "p0" }); await settle(); }, rules);
  const tabs = [first];
  for (let i = 1; i < tabCount; i++) {
    const t = await open(context);
    await t.evaluate((rules) => { window.engine = make({ storageKey: "shop", rules }); }, rules);
    tabs.push(t);
  }
  const expected = new Map();
  const BURST = 5;
  for (let start = 0; start < ops; start += BURST) {
    const burst = [];
    for (let i = start; i < Math.min(start + BURST, ops); i++) {
      const id = `p${i % 7}`;
      const op = i % 3 === 0 ? { type: "view", productId: id } : i % 11 === 10 ? { type: "remove_from_cart", productId: id, quantity: 1 } : { type: "add_to_cart", productId: id };
      burst.push(op);
    }
    await tabs[(start / BURST) % tabCount].evaluate((burst) => burst.forEach((op) => engine.track(op)), burst);
  }
  // The expected cart: the same operations applied in order on one engine.
  const reference = await first.evaluate((all) => {
    const e = make({ storage: "memory", storageKey: "reference" });
    all.forEach((op) => e.track(op));
    return e.state().cart;
  }, Array.from({ length: ops }, (_, i) => {
    const id = `p${i % 7}`;
    return i % 3 === 0 ? { type: "view", productId: id } : i % 11 === 10 ? { type: "remove_from_cart", productId: id, quantity: 1 } : { type: "add_to_cart", productId: id };
  }));
  await first.evaluate(() => settle());
  await first.waitForTimeout(100);
  const states = await Promise.all(tabs.map((t) => t.evaluate(() => ({ cart: engine.state().cart, viewed: engine.state().recentlyViewed }))));
  const sortCart = (c) => [...c].sort((x, y) => x.productId.localeCompare(y.productId));
  const total = (c) => c.reduce((s, l) => s + l.quantity, 0);
  const lost = total(reference) - Math.min(...states.map((s) => total(s.cart)));
  for (const s of states) {
    assert.deepEqual(sortCart(s.cart), sortCart(reference), "every tab holds every change");
    assert.deepEqual(new Set(s.viewed), new Set(states[0].viewed));
  }
  // One visitor, one variant in every tab; a prompt shown in one tab uses up the cap in all.
  const variants = await Promise.all(tabs.map((t) => t.evaluate(() => engine.explain("exp").variant)));
  assert.equal(new Set(variants).size, 1, JSON.stringify(variants));
  const shown = await first.evaluate(() => { const [p] = engine.prompts(); if (p) engine.shown(p.id); return p?.variant ?? null; });
  await first.evaluate(() => settle());
  const elsewhere = await Promise.all(tabs.slice(1).map((t) => t.evaluate(() => engine.prompts().length)));
  assert.ok(elsewhere.every((n) => n === 0), `cap per session shared: ${elsewhere}`);
  const stored = await (await open(context)).evaluate(() => make({ storageKey: "shop" }).state().cart);
  assert.deepEqual(sortCart(stored), sortCart(reference), "storage holds the merged cart");
  figures.tabs.push({ tabs: tabCount, operations: ops, lost, variant: variants[0], shownVariant: shown, capHeldInOtherTabs: true });
  assert.equal(lost, 0);
  await context.close();
}

test("two tabs interleaving 1,000 cart and view operations lose none; caps and variants agree", async () => {
  await interleave(2, 1000);
});

test("three tabs interleaving 1,000 cart and view operations lose none; caps and variants agree", async () => {
  await interleave(3, 1000);
});

test("a real panic (test-panic build): the page goes on, later calls return empty results, error reported once", async () => {
  assert.ok(existsSync(join(REPO_ROOT, "target/pkg-panic/index.js")), "target/pkg-panic/ is missing: `cargo xtask test` builds it");
  const context = await browser.newContext();
  const page = await open(context, { path: "/tests/browser/pages/panic.html" });
  const r = await page.evaluate(async () => {
    a.track({ type: "add_to_cart", productId: "p1" });
    const before = a.recommend({ slot: "for_you", limit: 3 }).length;
    a.track({ type: "view", productId: "vitrin-test-panic" });
    const after = {
      recs: a.recommend({ slot: "for_you", limit: 3 }),
      others: b.recommend({ slot: "for_you", limit: 3 }),
      state: a.state().cart,
      prompts: a.prompts(),
      metrics: a.metrics(),
    };
    a.track({ type: "view", productId: "p2" });
    b.track({ type: "view", productId: "p2" });
    let invalid = null;
    try {
      a.recommend({ slot: 7 });
    } catch (e) {
      invalid = e.code;
    }
    await new Promise((r) => setTimeout(r, 50));
    document.getElementById("buy").click();
    return { before, after, errors, clicks, invalid };
  });
  assert.equal(r.before, 3);
  assert.deepEqual(r.after, { recs: [], others: [], state: [], prompts: [], metrics: {} });
  assert.deepEqual(r.errors, { a: ["internal_error"], b: ["internal_error"] }, "each engine hears it once");
  assert.equal(r.invalid, "invalid_argument", "argument checks still answer");
  assert.equal(r.clicks, 1, "the page's own handlers still run");
  assert.deepEqual(page.errors.filter((e) => !e.includes("unreachable")), []);
  figures.panic = { pass: true, errorsReported: r.errors.a.length, emptyResults: true };
  await context.close();
});

test("strict CSP (no unsafe-eval, no inline) with Trusted Types required: loads, ranks, shows a prompt, no violation", async () => {
  const CSP = "script-src 'self' 'wasm-unsafe-eval'; require-trusted-types-for 'script'";
  const context = await browser.newContext();
  await context.route("**/tests/browser/pages/csp.html", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": CSP } });
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/tests/browser/pages/csp.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 15_000 });
  const bubble = page.locator("vitrin-assistant .bubble");
  await bubble.waitFor({ state: "visible" });
  const text = await bubble.innerText();
  const r = await page.evaluate(() => ({ recs, violations, tt: typeof trustedTypes }));
  assert.match(text, /Hello <b>1<\/b> & welcome/, "the prompt's markup characters show as text");
  assert.equal(r.recs, 5);
  assert.equal(r.tt, "object", "this Chromium enforces Trusted Types");
  assert.deepEqual(r.violations, []);
  assert.deepEqual(errors, []);
  figures.csp = { pass: true, policy: CSP, violations: 0 };
  await context.close();
});
