// The package's JavaScript-side features over the built pkg/: a failed load retried and
// reported as load_failed, the server-rendered snapshot adopted by the browser's engine,
// debug mode's three switches, and vitrin/testing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createVitrin, takeSnapshot, snapshotJson, VitrinError } from "../../pkg/node.js";
import { makeLoader } from "../../pkg/loader.js";
import { createTestVitrin, fixtureCatalog, TEST_EPOCH } from "../../pkg/testing.js";

const NOW = () => 1_800_000_000_000;
const products = Array.from({ length: 30 }, (_, i) => ({
  id: `p${i}`,
  title: `Product ${i}`,
  category: ["shoes/running", "clothing/shirts", "pets/cat/food"][i % 3],
  price: 10 + i,
  popularity: 30 - i,
  related: { similar: [`p${(i + 3) % 30}`, `p${(i + 6) % 30}`] },
}));
const catalog = { products };
const profile = { visitorId: "v1", updatedAt: NOW() - 86_400_000, affinities: { category: { "pets/cat/food": 1 } } };
let keys = 0;
const nextTask = () => new Promise((r) => setTimeout(r, 20));
// BroadcastChannel delivery can lag on a loaded machine: wait for what must arrive (bounded).
async function until(arrived, what) {
  for (const start = Date.now(); !arrived(); await nextTask()) {
    if (Date.now() - start > 10_000) assert.fail(`still waiting after 10 s: ${what}`);
  }
}
const fresh = (extra = {}) => createVitrin({ catalog, storage: "memory", storageKey: `entries-${++keys}`, now: NOW, ...extra });

test("a failed load rejects with load_failed and its cause, and the next call tries again", async () => {
  let attempts = 0;
  const glue = await import("../../pkg/vitrin_core.js?entries-retry");
  const { loadVitrin } = makeLoader(async () => {
    attempts++;
    if (attempts === 1) throw new TypeError("Failed to fetch");
    glue.initSync({ module: await readFile(new URL("../../pkg/vitrin_core_bg.wasm", import.meta.url)) });
    return glue;
  });
  await assert.rejects(loadVitrin(), (e) => e instanceof VitrinError && e.code === "load_failed" && e.cause instanceof TypeError && /Failed to fetch/.test(e.message));
  const vitrin = await loadVitrin();
  assert.equal(typeof vitrin.create, "function");
  assert.equal(await loadVitrin(), vitrin, "once loaded, the same instance");
  assert.equal(attempts, 2);
});

test("the browser's engine answers from the server's snapshot until the visitor acts", async () => {
  const server = await fresh({ profile });
  const snapshot = takeSnapshot(server, [{ slot: "for_you", limit: 5 }, { slot: "similar", productId: "p1", limit: 3 }]);
  server.destroy();
  const serverIds = snapshot.decisions[0].items.map((r) => r.productId);
  // for_you keeps variety by default (at most about half from one category while others rank).
  assert.ok(serverIds.filter((id) => products[Number(id.slice(1))].category === "pets/cat/food").length >= 3, "the server's profile shaped the snapshot");
  // Through HTML and back, as a page carries it.
  const carried = JSON.parse(snapshotJson(snapshot));
  const browser = await fresh({ snapshot: carried });
  const live = await fresh();
  assert.notDeepEqual(live.recommend({ slot: "for_you", limit: 5 }).map((r) => r.productId), serverIds, "without the snapshot the browser (no profile) ranks otherwise");
  assert.deepEqual(browser.recommend({ slot: "for_you", limit: 5 }).map((r) => r.productId), serverIds);
  assert.deepEqual(browser.recommend({ slot: "for_you", limit: 5 })[0].reason, snapshot.decisions[0].items[0].reason);
  assert.equal(browser.recommend({ slot: "for_you", limit: 4 }).length, 4, "another request is live");
  browser.track({ type: "page", page: "home" });
  assert.deepEqual(browser.recommend({ slot: "for_you", limit: 5 }).map((r) => r.productId), serverIds, "a page view keeps the first paint");
  browser.track({ type: "view", productId: "p1" });
  assert.notDeepEqual(browser.recommend({ slot: "for_you", limit: 5 }).map((r) => r.productId), serverIds, "after an interaction the session re-ranks");
  browser.destroy();
  live.destroy();
});

test("hold: interaction also ends when the visitor acts in another tab; opening on that tab's stored state keeps it", async () => {
  const server = await fresh({ profile });
  const snapshot = takeSnapshot(server, [{ slot: "for_you", limit: 5 }]);
  server.destroy();
  const serverIds = snapshot.decisions[0].items.map((r) => r.productId);
  const ids = (e) => e.recommend({ slot: "for_you", limit: 5 }).map((r) => r.productId);
  // Another tab of the store is already open, with a live session of its own.
  const storageKey = `entries-tabs-${++keys}`;
  const other = await fresh({ storageKey });
  other.track({ type: "view", productId: "p4" });
  await nextTask();
  const here = await fresh({ storageKey, snapshot });
  const causes = [];
  here.on("change", (change) => causes.push(change.cause));
  await nextTask();
  await nextTask();
  // (A tab that finds storage damaged catches up from the others with cause "restored",
  // which keeps the hold too: tests/session.rs covers that cause.)
  assert.ok(causes.every((c) => c === "restored"), `nothing acted yet: ${causes}`);
  assert.deepEqual(here.state().recentlyViewed, ["p4"], "this tab started from the other's state");
  assert.deepEqual(ids(here), serverIds, "which keeps the first paint");
  other.track({ type: "add_to_cart", productId: "p7" });
  await until(() => causes.includes("acted"), "the other tab's add to cart");
  assert.deepEqual(here.state().cart, [{ productId: "p7", quantity: 1 }]);
  assert.notDeepEqual(ids(here), serverIds, "after the visitor acted elsewhere this tab re-ranks");
  here.destroy();
  other.destroy();
});

test("hold: page keeps the snapshot; items of products the browser lacks are dropped", async () => {
  const server = await fresh({ profile });
  const snapshot = takeSnapshot(server, [{ slot: "for_you", limit: 5 }], { hold: "page" });
  server.destroy();
  const kept = snapshot.decisions[0].items.map((r) => r.productId);
  const smaller = { products: products.filter((p) => p.id !== kept[0]) };
  const browser = await createVitrin({ catalog: smaller, storage: "memory", storageKey: `entries-${++keys}`, now: NOW, snapshot });
  browser.track({ type: "view", productId: "p1" });
  assert.deepEqual(browser.recommend({ slot: "for_you", limit: 5 }).map((r) => r.productId), kept.slice(1));
  browser.destroy();
});

test("a malformed snapshot is a VitrinError with its path; nothing is created", async () => {
  const cases = [
    [[], "/snapshot"],
    [{ vitrin: 2, hold: "page", decisions: [] }, "/snapshot/vitrin"],
    [{ vitrin: 1, hold: "forever", decisions: [] }, "/snapshot/hold"],
    [{ vitrin: 1, hold: "page", decisions: [{ slot: "for_you", items: [{ productId: 3 }] }] }, "/snapshot/decisions/0/items/0/productId"],
  ];
  for (const [snapshot, path] of cases) {
    await assert.rejects(fresh({ snapshot }), (e) => e instanceof VitrinError && e.code === "invalid_snapshot" && e.path === path, JSON.stringify(snapshot));
  }
  assert.throws(() => takeSnapshot({}, [], { hold: "always" }), (e) => e.code === "invalid_argument");
});

test("snapshotJson cannot close the script element it is embedded in", () => {
  const text = snapshotJson({ vitrin: 1, hold: "page", decisions: [{ slot: "</script><script>alert(1)</script>", items: [] }] });
  assert.doesNotMatch(text, /<\/script/i);
  assert.equal(JSON.parse(text).decisions[0].slot, "</script><script>alert(1)</script>");
});

async function captureConsole(fn) {
  const lines = [];
  const saved = { debug: console.debug, info: console.info, groupCollapsed: console.groupCollapsed, groupEnd: console.groupEnd };
  console.debug = (...a) => lines.push(a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" "));
  console.info = console.groupCollapsed = (...a) => lines.push(a.join(" "));
  console.groupEnd = () => {};
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
  return lines.join("\n");
}

test("debug mode logs each decision with its reason; off by default", async () => {
  const quiet = await captureConsole(async () => {
    const e = await fresh();
    e.recommend({ slot: "for_you", limit: 3 });
    e.destroy();
  });
  assert.equal(quiet, "");
  const logged = await captureConsole(async () => {
    const e = await fresh({ debug: true });
    e.track({ type: "view", productId: "p3" });
    e.recommend({ slot: "similar", productId: "p3", limit: 2 });
    e.prompts();
    e.destroy();
  });
  assert.match(logged, /debug mode on/);
  assert.match(logged, /track .*"view"/);
  assert.match(logged, /recommend similar \(p3\): 2 items/);
  assert.match(logged, /#1 p6 .*similar/);
  assert.match(logged, /prompts: 0 due/);
  await assert.rejects(fresh({ debug: "yes" }), (e) => e.code === "invalid_options" && e.path === "/debug");
});

test("create({ debug: true }) after loadVitrin(), before debug.js is here: the engine logs once it arrives", async () => {
  // A loader.js of its own (by query string): debug.js not imported yet (a browser page never
  // downloads it outside debug mode: tests/browser/sync.test.mjs counts its requests).
  const { makeLoader: fresh } = await import("../../pkg/loader.js?debug-late");
  const glue = await import("../../pkg/vitrin_core.js?debug-late");
  const { loadVitrin } = fresh(async () => {
    glue.initSync({ module: await readFile(new URL("../../pkg/vitrin_core_bg.wasm", import.meta.url)) });
    return glue;
  });
  const vitrin = await loadVitrin();
  const logged = await captureConsole(async () => {
    const quiet = vitrin.create({ catalog, storage: "memory", storageKey: `entries-${++keys}`, now: NOW });
    quiet.recommend({ slot: "trending", limit: 1 });
    quiet.destroy();
    const e = vitrin.create({ catalog, storage: "memory", storageKey: `entries-${++keys}`, now: NOW, debug: true });
    await until(() => Object.hasOwn(e, "recommend"), "debug.js wrapping the engine's methods");
    e.recommend({ slot: "trending", limit: 1 });
    e.destroy();
  });
  assert.match(logged, /debug mode on/);
  assert.equal(logged.match(/recommend trending/g)?.length, 1, `only the engine in debug mode logs:\n${logged}`);
});

test("debug mode also turns on from ?vitrin_debug=1 and from the vitrin:debug storage flag", async () => {
  for (const [name, value] of [
    ["location", { search: "?q=shoes&vitrin_debug=1" }],
    ["localStorage", { getItem: (k) => (k === "vitrin:debug" ? "1" : null) }],
  ]) {
    const had = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    try {
      const logged = await captureConsole(async () => {
        const e = await fresh({ storage: "memory" });
        e.recommend({ slot: "trending", limit: 1 });
        e.destroy();
      });
      assert.match(logged, /recommend trending: 1 items/, name);
    } finally {
      if (had) Object.defineProperty(globalThis, name, had);
      else delete globalThis[name];
    }
  }
});

test("vitrin/testing: fixed clock, memory storage per engine, a fixture catalog every slot answers from", async () => {
  const { engine, clock } = await createTestVitrin();
  assert.equal(clock.now(), TEST_EPOCH);
  engine.track({ type: "view", productId: "shoe-1" });
  const similar = engine.recommend({ slot: "similar", productId: "shoe-1", limit: 2 }).map((r) => r.productId);
  assert.deepEqual(similar.sort(), ["shoe-2", "shoe-3"]);
  engine.track({ type: "add_to_cart", productId: "shoe-1" });
  assert.ok(engine.recommend({ slot: "bought_together", limit: 3 }).some((r) => r.productId === "sock-1"));
  assert.equal(clock.advance(60_000), TEST_EPOCH + 60_000);
  assert.deepEqual(engine.state().cart, [{ productId: "shoe-1", quantity: 1 }]);
  const other = await createTestVitrin();
  assert.deepEqual(other.engine.state().cart, [], "a second test's engine starts empty");
  assert.equal(fixtureCatalog.products.length, 8);
  engine.destroy();
  other.engine.destroy();
});
