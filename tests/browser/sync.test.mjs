// The built package in headless Chromium with sync on, against the real `vitrin-server`
// on another origin (CORS), through a proxy that can break the network: a visitor's
// journey stored on the server, the builder run, the next page using the new profile and
// catalog, 304s, rules published to an open page, and faults (down, 500, truncated
// bodies, a hang) with every event stored exactly once and the page never waiting.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, startServer, REPO_ROOT } from "../support/browser.mjs";
import { buildServer, startVitrinServer, startFaultProxy, runBuilder, storedEvents, until, mintToken } from "../support/sync-server.mjs";

const TOKEN = "browser-sync-token-0123456789";
const DAY = 86_400_000;
const feed = {
  products: [
    { id: "shoe-1", title: "Trail runner", category: "shoes/running", brand: "Acme", price: 900 },
    { id: "shoe-2", title: "Road runner", category: "shoes/running", brand: "Acme", price: 800 },
    { id: "socks", title: "Running socks", category: "shoes/socks", price: 60 },
    { id: "lens", title: "Monthly lens", category: "eyewear/lenses", price: 450 },
    { id: "solution", title: "Lens solution", category: "eyewear/solution", price: 120 },
    { id: "book", title: "Novel", category: "books/novels", price: 150, popularity: 50 },
  ],
};
const rules = (text) => ({ version: 1, campaigns: [{ id: "hello", trigger: { type: "always" }, prompt: { text: { en: text } } }] });

let dir, db, site, api, proxy, browser;

before(async () => {
  buildServer();
  dir = mkdtempSync(join(tmpdir(), "vitrin-browser-sync-"));
  db = join(dir, "vitrin.db");
  writeFileSync(join(dir, "feed.json"), JSON.stringify(feed));
  // The store serves its feed until the builder first writes over it.
  writeFileSync(join(dir, "catalog.json"), JSON.stringify(feed));
  writeFileSync(join(dir, "rules.json"), JSON.stringify(rules("Hello")));
  site = await startServer({ port: 0 });
  const args = ["--db", db, "--catalog", join(dir, "catalog.json"), "--rules", join(dir, "rules.json"), "--token", TOKEN, "--rate", "1000"];
  api = await startVitrinServer([...args, "--cors", site.url]);
  proxy = await startFaultProxy(api.base);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  api?.stop();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the sync page as `visitor` in `context`; `problems` collects uncaught page errors. */
async function open(context, visitor, { interval, catalog } = {}) {
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(e.message));
  // A logged-in customer: the store's backend minted the page its visitor token.
  const q = new URLSearchParams({ api: proxy.url, visitor, token: mintToken(visitor), ...(interval ? { interval: String(interval) } : {}), ...(catalog ? { catalog } : {}) });
  await page.goto(`${site.url}/tests/browser/pages/sync.html?${q}`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  return page;
}

async function reload(page) {
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
}

const stored = (page, name) => page.evaluate((n) => window.stored(n), name);
const track = (page, events) => page.evaluate((list) => list.forEach((e) => window.engine.track(e)), events);
const recommend = (page, args) => page.evaluate((a) => window.engine.recommend(a).map((r) => [r.productId, r.reason.code]), args);
const requestsSince = (mark, method, path) => proxy.log.slice(mark).filter((r) => r.method === method && r.path.startsWith(path));

/** The package files `context`'s pages request, in order (`sync.js`, `core.js`, …). */
function packageRequests(context) {
  const files = [];
  context.on("request", (r) => {
    const { pathname } = new URL(r.url());
    if (pathname.startsWith("/pkg/")) files.push(pathname.slice("/pkg/".length));
  });
  return files;
}

/** The files of target/size.json (written by `cargo xtask build`) in `parts`. */
function measured(...parts) {
  const { files } = JSON.parse(readFileSync(join(REPO_ROOT, "target", "size.json"), "utf8"));
  return files.filter((f) => parts.includes(f.part)).map((f) => f.file).sort();
}

test("a page without sync never requests sync.js: it fetches exactly the files the size total counts", async () => {
  const context = await browser.newContext();
  const fetched = packageRequests(context);
  const page = await context.newPage();
  await page.goto(`${site.url}/tests/browser/pages/engine.html`);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  const answered = await page.evaluate(async () => {
    const engine = window.make({ rules: { version: 1, campaigns: [{ id: "hi", trigger: { type: "always" }, prompt: { text: { en: "Hi" } } }] } });
    engine.track({ type: "view", productId: window.catalog.products[0].id });
    const answers = [engine.recommend({ slot: "for_you", limit: 3 }).length, engine.prompts().length];
    engine.forget();
    await window.settle();
    engine.destroy();
    return answers;
  });
  assert.deepEqual(answered, [3, 1]);
  assert.ok(!fetched.includes("sync.js"), `requested: ${fetched}`);
  assert.deepEqual([...new Set(fetched)].sort(), measured("storefront"));
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  await context.close();
});

test("with sync, sync.js comes once, after create: until it arrives the stored copies answer and events wait, then they reach the server once", async () => {
  const visitor = "early-1";
  const context = await browser.newContext();
  const fetched = packageRequests(context);
  const first = await open(context, visitor);
  await until(() => stored(first, "catalog"), "the catalog copy");
  await first.close();
  assert.deepEqual([...new Set(fetched)].sort(), measured("storefront", "lazy"), "the storefront's files and sync.js");

  // The next page: sync.js held on its way.
  let release;
  const held = new Promise((r) => (release = r));
  await context.route("**/pkg/sync.js", async (route) => {
    await held;
    await route.continue();
  });
  const mark = proxy.log.length;
  const page = await open(context, visitor);
  const firstPaint = await page.evaluate(() => window.firstPaint);
  assert.ok(firstPaint.length === 3 && !firstPaint.includes("inline"), `the stored catalog from the first call: ${firstPaint}`);
  const early = [{ type: "view", productId: "shoe-2" }, { type: "add_to_cart", productId: "shoe-2" }];
  await track(page, early);
  assert.deepEqual(proxy.log.slice(mark), [], "no request to the server before sync.js is here");
  release();
  await until(() => storedEvents(db, visitor).length === early.length, "the events tracked before sync.js arrived");
  await until(() => requestsSince(mark, "GET", "/v1/catalog").length === 1, "the catalog asked for");
  assert.deepEqual(storedEvents(db, visitor).map((e) => e.event.type), early.map((e) => e.type));
  assert.equal(fetched.filter((f) => f === "sync.js").length, 2, "once per page");

  // sync.js cannot be fetched: the page answers from the stored copies and says why it does not sync.
  await context.unroute("**/pkg/sync.js");
  await context.route("**/pkg/sync.js", (route) => route.abort());
  await reload(page);
  assert.ok(!(await page.evaluate(() => window.firstPaint)).includes("inline"), "the stored catalog");
  await until(() => page.evaluate(() => window.errors.includes("sync_failed")), "sync_failed reported");
  assert.deepEqual(page.problems, []);
  await context.close();
});

test("a page closed before sync.js arrived loses nothing: the next page sends its events, once", async () => {
  const visitor = "early-2";
  const context = await browser.newContext();
  const first = await open(context, visitor);
  await until(() => stored(first, "catalog"), "the catalog copy");
  await first.close();

  let release;
  const held = new Promise((r) => (release = r));
  await context.route("**/pkg/sync.js", async (route) => {
    await held;
    await route.continue().catch(() => {}); // its page is gone
  });
  const page = await open(context, visitor);
  const early = [{ type: "view", productId: "lens" }, { type: "add_to_cart", productId: "lens", quantity: 2 }];
  await track(page, early);
  await page.close();
  release();
  await context.unroute("**/pkg/sync.js");
  assert.deepEqual(storedEvents(db, visitor), [], "nothing reached the server from the closed page");

  const next = await open(context, visitor);
  await until(() => storedEvents(db, visitor).length === early.length, "the closed page's events, sent by the next page");
  assert.deepEqual(storedEvents(db, visitor).map((e) => [e.event.type, e.event.productId]), early.map((e) => [e.type, e.productId]));
  await track(next, [{ type: "view", productId: "solution" }]);
  await until(() => storedEvents(db, visitor).length === early.length + 1, "the next page's own event");
  assert.deepEqual(next.problems, []);
  await context.close();
});

test("a journey reaches the server; after the builder runs, the visitor's next page uses the new profile and catalog; unchanged documents answer 304", async () => {
  const visitor = "cust-7";
  const shop = await browser.newContext();
  const page = await open(shop, visitor);
  await until(() => stored(page, "catalog"), "the catalog copy");
  assert.deepEqual((await recommend(page, { slot: "trending", limit: 1 }))[0], ["book", "popular"], "the store's catalog, synced across origins");

  const journey = [
    { type: "view", productId: "shoe-1" },
    { type: "view", productId: "shoe-2" },
    { type: "add_to_cart", productId: "shoe-1" },
    { type: "purchase", orderId: "W-1", items: [{ productId: "shoe-1", quantity: 1, price: 900 }, { productId: "socks", quantity: 2, price: 60 }] },
  ];
  await track(page, journey);
  await until(() => storedEvents(db, visitor).length === journey.length, "the journey stored");
  assert.deepEqual(storedEvents(db, visitor).map((e) => [e.source, e.event.type]), journey.map((e) => ["web", e.type]));

  // The same customer on another device, before the builder ran: the profile knows the
  // web purchase only, and the catalog has no learned lists yet.
  const device = await browser.newContext();
  const next = await open(device, visitor);
  await until(async () => (await stored(next, "profile"))?.doc.purchases?.length === 2, "the profile copy");
  assert.deepEqual(await recommend(next, { slot: "replenish" }), []);
  assert.ok(!(await recommend(next, { slot: "bought_together", productId: "lens" })).some(([, why]) => why === "bought_with"));

  // Shop orders of the same customer (lenses about every 30 days, with solution) and of
  // another one, imported by the builder into the same database: one profile across channels.
  const at = (days) => Date.now() - days * DAY;
  const orders = ["visitorId,orderId,productId,quantity,price,at"];
  for (const [order, days] of [["S-1", 58], ["S-2", 28]]) orders.push(`${visitor},${order},lens,1,450,${at(days)}`, `${visitor},${order},solution,1,120,${at(days)}`);
  orders.push(`cust-9,S-3,shoe-1,1,900,${at(3)}`, `cust-9,S-3,socks,1,60,${at(3)}`);
  writeFileSync(join(dir, "orders.csv"), orders.join("\n"));
  const report = runBuilder(["--db", db, "--orders", join(dir, "orders.csv"), "--base", join(dir, "feed.json"), "--out", join(dir, "catalog.json"), "--embedding-dim", "8"]);
  assert.match(report, /orders file: 6 rows imported/);

  const mark = proxy.log.length;
  await reload(next);
  await until(async () => (await stored(next, "profile"))?.doc.cycles?.some((c) => c.productId === "lens"), "the new profile copy");
  await until(async () => (await stored(next, "catalog"))?.doc.products[0].related?.boughtWith, "the new catalog copy");
  assert.deepEqual(requestsSince(mark, "GET", "/v1/catalog").map((r) => r.status), [200], "a new catalog, so a new ETag");
  const profile = (await stored(next, "profile")).doc;
  assert.deepEqual(profile.segments.sort(), ["buyer", "cross_channel", "repeat_buyer", "replenisher"]);
  assert.equal(profile.embedding.length, 8, "from the embeddings the builder learned");
  assert.deepEqual((await recommend(next, { slot: "replenish" }))[0], ["lens", "replenish"], "due: last bought 28 days ago, every 30");
  assert.deepEqual((await recommend(next, { slot: "bought_together", productId: "lens" }))[0], ["solution", "bought_with"]);
  assert.deepEqual((await recommend(next, { slot: "bought_together", productId: "shoe-1" }))[0], ["socks", "bought_with"]);

  // Nothing changed since: every document answers 304 and the stored copies stay in force.
  const again = proxy.log.length;
  await reload(next);
  await until(() => requestsSince(again, "GET", "/v1/").filter((r) => r.status).length === 3, "three GETs answered");
  assert.deepEqual(requestsSince(again, "GET", "/v1/").map((r) => r.status), [304, 304, 304]);
  assert.deepEqual((await recommend(next, { slot: "replenish" }))[0], ["lens", "replenish"]);
  for (const p of [page, next]) {
    assert.deepEqual(await p.evaluate(() => window.errors), []);
    assert.deepEqual(p.problems, []);
  }
  await shop.close();
  await device.close();
});

test("a store serving the binary catalog: the page applies its bytes across origins and answers like the JSON", async () => {
  const context = await browser.newContext();
  const mark = proxy.log.length;
  const page = await open(context, "cust-bin", { catalog: "bin" });
  // The page's own catalog holds "inline" only: anything else is the server's.
  await until(async () => ["inline", undefined].indexOf((await recommend(page, { slot: "trending", limit: 1 }))[0]?.[0]) < 0, "the server's binary catalog in force");
  assert.deepEqual(requestsSince(mark, "GET", "/v1/catalog").map((r) => [r.path, r.status]), [["/v1/catalog.bin", 200]]);
  assert.equal(await stored(page, "catalog"), null, "bytes are not kept in storage");
  // The same catalog as JSON, on a page of its own: the same answers.
  const json = await open(context, "cust-json");
  await until(() => stored(json, "catalog"), "the JSON catalog copy");
  for (const args of [{ slot: "trending", limit: 6 }, { slot: "similar", productId: "shoe-1", limit: 3 }]) {
    assert.deepEqual(await recommend(page, args), await recommend(json, args));
  }
  for (const p of [page, json]) {
    assert.deepEqual(await p.evaluate(() => window.errors), []);
    assert.deepEqual(p.problems, []);
  }
  await context.close();
});

test("rules published with PUT reach an open page without a reload; metrics ride with the events", async () => {
  const context = await browser.newContext();
  const page = await open(context, "marketer-view", { interval: 200 });
  await until(() => page.evaluate(() => window.engine.prompts()[0]?.text), "the rules applied");
  const prompt = await page.evaluate(() => {
    const [p] = window.engine.prompts();
    window.engine.shown(p.id);
    return { text: p.text, variant: p.variant ?? "default" };
  });
  assert.equal(prompt.text, "Hello");

  const put = await fetch(`${api.base}/v1/rules`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(rules("Merhaba")) });
  assert.equal(put.status, 200);
  await until(() => page.evaluate(() => window.engine.prompts()[0]?.text === "Merhaba"), "the published rules on the open page");

  await track(page, [{ type: "view", productId: "book" }]);
  const metrics = await until(async () => {
    const m = await (await fetch(`${api.base}/v1/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    return m.hello && m;
  }, "the metrics snapshot");
  assert.deepEqual(Object.values(metrics.hello).map((v) => v.impressions), [1]);
  assert.deepEqual(await page.evaluate(() => window.errors), []);
  await context.close();
});

test("server down, 500s, truncated bodies and a hang: every event stored exactly once, and the page never waits", async () => {
  const visitor = "fault-1";
  const context = await browser.newContext();
  let page = await open(context, visitor);
  await until(() => stored(page, "catalog"), "the catalog copy");
  const tracked = [];
  const step = async (fault, events) => {
    proxy.fault = fault;
    const mark = proxy.log.length;
    await track(page, events);
    tracked.push(...events);
    // The page tried at least once under this fault.
    await until(() => requestsSince(mark, "POST", "/v1/events").length > 0, `a send under "${fault}"`);
  };

  // Down for part of the journey, across a page load: the queue waits in storage.
  await step("down", [{ type: "view", productId: "shoe-1" }, { type: "view", productId: "shoe-2" }]);
  await reload(page);
  await step("down", [{ type: "add_to_cart", productId: "shoe-2" }]);
  // The server stores the batch but the page sees a 500; then, on the next page, answers
  // come cut off (delivery unknown: resent later) until the network heals.
  await step("error", [{ type: "view", productId: "socks" }]);
  proxy.fault = "truncate";
  const cut = proxy.log.length;
  await reload(page);
  await until(() => requestsSince(cut, "POST", "/v1/events").some((r) => r.reply) && requestsSince(cut, "GET", "/v1/profile").some((r) => r.status === 200), "cut-off answers");
  proxy.fault = "none";
  await until(() => page.evaluate(() => JSON.parse(localStorage.getItem("vitrin:sync")).queue.length === 0), "the queue acknowledged");
  assert.equal(storedEvents(db, visitor).length, tracked.length);

  // A hanging server on the next page: the engine is created from the stored copies and
  // answers while every request is held.
  proxy.fault = "hang";
  const hang = proxy.log.length;
  await reload(page);
  const firstPaint = await page.evaluate(() => window.firstPaint);
  assert.ok(firstPaint.length === 3 && !firstPaint.includes("inline"), `the stored catalog, not the page's own: ${firstPaint}`);
  await until(() => proxy.held.length >= 3, "the page's requests held");
  const purchase = { type: "purchase", orderId: "F-1", items: [{ productId: "shoe-2", quantity: 1 }] };
  await track(page, [purchase]);
  tracked.push(purchase);
  assert.equal((await recommend(page, { slot: "recently_viewed" }))[0]?.[0], "socks", "recommend answers while requests hang");
  assert.ok(proxy.log.slice(hang).every((r) => r.method === "OPTIONS" || r.status === undefined), "nothing was answered meanwhile");
  proxy.fault = "none";
  proxy.release();
  await until(() => storedEvents(db, visitor).length === tracked.length, "the held and queued events delivered");

  const events = storedEvents(db, visitor);
  const key = (e) => `${e.type}:${e.productId ?? e.orderId}`;
  assert.deepEqual(events.map((e) => key(e.event)).sort(), tracked.map(key).sort(), "none lost, none twice");
  const sent = proxy.log.filter((r) => r.method === "POST").flatMap((r) => r.ids);
  assert.ok(sent.length > new Set(sent).size, "some batch was sent more than once");
  assert.ok(proxy.log.some((r) => r.reply?.duplicates > 0), "and the server counted its events once");
  assert.deepEqual(await page.evaluate(() => window.errors), [], "a bad network is not an error");
  assert.deepEqual(page.problems, []);
  await context.close();
});
