// The package in headless Chromium: localStorage persistence, damaged stored state,
// storage faults, consent, forget(), and two tabs sharing one cart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, startServer } from "../support/browser.mjs";

let browser, server;
before(async () => {
  server = await startServer({ port: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(context, init) {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(`${server.url}/tests/browser/pages/engine.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  page.problems = problems;
  return page;
}

test("the visitor's cart and views survive a reload", async () => {
  const context = await browser.newContext();
  const page = await open(context);
  await page.evaluate(async () => {
    const e = make();
    e.track({ type: "add_to_cart", productId: "p1", quantity: 2 });
    e.track({ type: "view", productId: "p2" });
    await settle();
  });
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("vitrin")));
  assert.equal(stored.v, 1);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  const state = await page.evaluate(() => make().state());
  assert.deepEqual(state.cart, [{ productId: "p1", quantity: 2 }]);
  assert.deepEqual(state.recentlyViewed, ["p2"]);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("damaged, foreign or other-version stored state is reset and reported, never thrown", async () => {
  const cases = [
    ["{garbage", "storage_corrupt"],
    ["hello", "storage_corrupt"],
    ['{"v":1,"visitor":{"cart":"nope"}}', "storage_corrupt"],
    ['{"v":99,"visitor":{}}', "storage_version"],
  ];
  for (const [value, code] of cases) {
    const context = await browser.newContext();
    const page = await open(context);
    const result = await page.evaluate(async (value) => {
      localStorage.setItem("vitrin", value);
      const e = make();
      await settle();
      const state = e.state();
      e.track({ type: "add_to_cart", productId: "p3" });
      const recs = e.recommend({ slot: "for_you", limit: 3 });
      await settle();
      return { errors, state, recs: recs.length, stored: JSON.parse(localStorage.getItem("vitrin")) };
    }, value);
    assert.deepEqual(result.errors, [code], value);
    assert.deepEqual(result.state.cart, []);
    assert.equal(result.recs, 3);
    assert.deepEqual(result.stored.visitor.cart.map((l) => l.productId), ["p3"], "a good document replaced the bad one");
    assert.deepEqual(page.problems, []);
    await context.close();
  }
});

test("localStorage that throws (private mode) or is full: the engine keeps working in memory", async () => {
  const context = await browser.newContext();
  const denied = await open(context, () => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("denied", "SecurityError"); } });
  });
  const a = await denied.evaluate(async () => {
    const e = make({ storage: "local" });
    e.track({ type: "add_to_cart", productId: "p1" });
    await settle();
    return { errors, cart: e.state().cart.length };
  });
  assert.deepEqual(a, { errors: ["storage_failed"], cart: 1 });
  const full = await open(context, () => {
    Storage.prototype.setItem = function () { throw new DOMException("full", "QuotaExceededError"); };
  });
  const b = await full.evaluate(async () => {
    const e = make();
    e.track({ type: "add_to_cart", productId: "p1" });
    await settle();
    e.track({ type: "add_to_cart", productId: "p2" });
    await settle();
    return { errors, cart: e.state().cart.length, recs: e.recommend({ slot: "for_you" }).length };
  });
  // Each write that fails is reported (how many writes a page makes depends on its timers).
  assert.ok(b.errors.length >= 2 && b.errors.every((c) => c === "storage_failed"), JSON.stringify(b.errors));
  assert.equal(b.cart, 2);
  assert.equal(b.recs, 10);
  assert.deepEqual([...denied.problems, ...full.problems], []);
  await context.close();
});

test("two tabs interleaving 200 cart changes lose none", async () => {
  const context = await browser.newContext();
  const tabs = [await open(context), await open(context)];
  for (const t of tabs) await t.evaluate(() => { window.engine = make({ storageKey: "shop" }); });
  for (let i = 0; i < 200; i++) {
    const op = i % 10 === 9 ? { type: "remove_from_cart", productId: `p${i % 4}`, quantity: 1 } : { type: "add_to_cart", productId: `p${i % 4}` };
    await tabs[i % 2].evaluate((op) => engine.track(op), op);
  }
  await tabs[0].evaluate(() => settle());
  const carts = await Promise.all(tabs.map((t) => t.evaluate(() => engine.state().cart)));
  const total = (cart) => cart.reduce((s, l) => s + l.quantity, 0);
  assert.equal(total(carts[0]), 160);
  assert.deepEqual(carts[1], carts[0]);
  const third = await open(context);
  assert.deepEqual(await third.evaluate(() => make({ storageKey: "shop" }).state().cart), carts[0], "storage holds the merged cart");
  await context.close();
});

test("forget() erases every stored key of the store in every tab", async () => {
  const context = await browser.newContext();
  const [a, b] = [await open(context), await open(context)];
  await a.evaluate(() => { window.engine = make({ storageKey: "shop" }); localStorage.setItem("shop:extra", "1"); localStorage.setItem("other", "kept"); });
  await b.evaluate(() => { window.engine = make({ storageKey: "shop" }); });
  await a.evaluate(async () => { engine.track({ type: "add_to_cart", productId: "p1" }); await settle(); });
  await a.evaluate(async () => { engine.forget(); await settle(); });
  const keys = await a.evaluate(() => Object.keys(localStorage).sort());
  assert.deepEqual(keys, ["other"]);
  assert.deepEqual(await b.evaluate(() => engine.state().cart), []);
  await context.close();
});

test("without personalization consent nothing reaches localStorage; withdrawing consent erases it", async () => {
  const context = await browser.newContext();
  const page = await open(context);
  const result = await page.evaluate(async () => {
    const e = make({ consent: { personalization: false } });
    e.track({ type: "view", productId: "p1" });
    e.track({ type: "add_to_cart", productId: "p1" });
    await settle();
    const before = localStorage.length;
    e.setConsent({ personalization: true });
    e.track({ type: "view", productId: "p2" });
    await settle();
    const granted = localStorage.getItem("vitrin") !== null;
    e.setConsent({ personalization: false });
    await settle();
    return { before, granted, after: localStorage.length };
  });
  assert.deepEqual(result, { before: 0, granted: true, after: 0 });
  await context.close();
});

test("a visitor's variant stays the same after setProfile with another visitor id, a login, a reload and in a second tab", async () => {
  const rules = {
    version: 1,
    campaigns: [
      {
        id: "exp",
        trigger: { type: "always" },
        caps: { perSession: 100, perDay: 100 },
        variants: [
          { id: "A", weight: 1, prompt: { text: { en: "Variant A" } } },
          { id: "B", weight: 1, prompt: { text: { en: "Variant B" } } },
        ],
      },
    ],
  };
  for (let n = 0; n < 6; n++) {
    const context = await browser.newContext();
    const page = await open(context);
    const first = await page.evaluate(async ([rules, n]) => {
      const e = make({ rules });
      const first = e.prompts()[0].variant;
      e.setProfile({ visitorId: `server-${n}`, updatedAt: 0 });
      const afterProfile = e.prompts()[0].variant;
      e.identify(`customer-${n}`);
      const afterLogin = e.prompts()[0].variant;
      await settle();
      return { first, afterProfile, afterLogin, id: e.state().visitorId };
    }, [rules, n]);
    assert.equal(first.afterProfile, first.first, `visitor ${n}: after setProfile`);
    assert.equal(first.afterLogin, first.first, `visitor ${n}: after identify`);
    const second = await open(context);
    const inSecond = await second.evaluate((rules) => {
      const e = make({ rules });
      return { variant: e.prompts()[0].variant, id: e.state().visitorId };
    }, rules);
    assert.deepEqual(inSecond, { variant: first.first, id: `customer-${n}` }, `visitor ${n}: in a second tab`);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const reloaded = await page.evaluate((rules) => make({ rules }).prompts()[0].variant, rules);
    assert.equal(reloaded, first.first, `visitor ${n}: after a reload`);
    assert.deepEqual(page.problems, []);
    await context.close();
  }
});
