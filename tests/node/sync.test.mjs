// Server sync (pkg/sync.js) against the real `vitrin-server serve` on a free loopback port
// with a temporary database: events delivered once through retries and offline spells,
// ETag/304, rules refusal, profiles built from purchases and applied to the engine,
// visitor tokens (anonymous ids from the server, login merging), metrics from exposures.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVitrin } from "../../pkg/node.js";
import { restoreSync } from "../../pkg/core.js";
import { runSync, MAX_QUEUE } from "../../pkg/sync.js";
import { buildServer, startVitrinServer, mintToken } from "../support/sync-server.mjs";

const TOKEN = "sync-test-token-0123456789";
const DAY = 86_400_000;
// Within the 30 days before the server's clock it accepts event times from.
const T0 = Math.floor(Date.now() / DAY) * DAY - 25 * DAY;
// Nothing listens on port 1: every request there fails like a server that is down.
const DOWN = "http://127.0.0.1:1";

const catalog = {
  products: [
    { id: "lens", title: "Monthly lens", category: "eyewear/lenses", brand: "Acme", price: 450 },
    { id: "solution", title: "Lens solution", category: "eyewear/solution", price: 120 },
    { id: "book", title: "Novel", category: "books/novels", price: 150, popularity: 50 },
  ],
};
const rules = { version: 1, campaigns: [{ id: "hello", trigger: { type: "always" }, holdout: 0, prompt: { text: { en: "Hello" } } }] };

let dir;
let server;
let base;

before(async () => {
  buildServer();
  dir = mkdtempSync(join(tmpdir(), "vitrin-sync-"));
  writeFileSync(join(dir, "catalog.json"), JSON.stringify(catalog));
  writeFileSync(join(dir, "rules.json"), JSON.stringify(rules));
  server = await startVitrinServer(["--db", join(dir, "vitrin.db"), "--catalog", join(dir, "catalog.json"), "--rules", join(dir, "rules.json"), "--token", TOKEN, "--rate", "1000"]);
  base = server.base;
});

after(() => {
  server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let keys = 0;

/** Sync started the way core.js starts it: restored while the engine is created, then run. */
const startSync = (engine, options, hooks) => runSync(restoreSync(engine, options, hooks));

/** An engine with sync started the way core.js does it: every accepted event to `event`. */
async function visitor({ sync, storageKey = `sync${keys++}`, now = () => T0 } = {}) {
  const engine = await createVitrin({ catalog, storage: "memory", storageKey, now });
  const errors = [];
  const hooks = {
    error: (code, message, details) => errors.push({ code, message, ...details }),
    storage: null,
    storageKey,
  };
  const s = startSync(engine, sync, hooks);
  const track = engine.track.bind(engine);
  engine.track = (event) => {
    track(event);
    s.event({ ...event, at: event.at ?? now() });
  };
  return { engine, sync: s, errors, storageKey };
}

/** Replaces fetch while `fn` runs; `wrap(real)` returns the fetch to use. */
async function withFetch(wrap, fn) {
  const real = globalThis.fetch;
  globalThis.fetch = wrap(real);
  try {
    return await fn();
  } finally {
    globalThis.fetch = real;
  }
}

const buy = (orderId, productId, at) => ({ type: "purchase", orderId, items: [{ productId, quantity: 1, price: 450 }], at });
/** The profile as the store's backend reads it (its token reads any visitor's). */
const profileOf = async (id) => (await fetch(`${base}/v1/profile/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
/** Sync options for a logged-in customer: their id and the token the store minted. */
const customer = (visitorId, urls) => ({ ...urls, visitorId, token: mintToken(visitorId) });

test("a retried batch is stored once, and nothing is sent again after a success", async () => {
  const v = await visitor({ sync: customer("retry-1", { eventsUrl: `${base}/v1/events` }) });
  const replies = [];
  await withFetch(
    (real) => async (url, init) => {
      const res = await real(url, init);
      if (init?.method === "POST") {
        replies.push(await res.clone().json());
        // The first answer is lost on the way back: the events were stored all the same.
        if (replies.length === 1) throw new TypeError("network error");
      }
      return res;
    },
    async () => {
      v.engine.track({ type: "view", productId: "lens", at: T0 });
      v.engine.track(buy("o-1", "lens", T0 + 1000));
      await v.sync.flush();
      await v.sync.flush();
      await v.sync.flush();
    },
  );
  assert.deepEqual(replies, [{ accepted: 2, duplicates: 0 }, { accepted: 0, duplicates: 2 }]);
  assert.equal((await profileOf("retry-1")).purchases.length, 1);
  v.sync.stop();
});

test("events tracked while the server is down survive a reload and arrive once", async () => {
  const key = `offline${keys++}`;
  const first = await visitor({ storageKey: key, sync: customer("offline-1", { eventsUrl: `${DOWN}/v1/events` }) });
  first.engine.track({ type: "view", productId: "lens", at: T0 });
  first.engine.track({ type: "add_to_cart", productId: "lens", at: T0 + 1 });
  await first.sync.flush(); // fails: kept for later
  first.sync.stop();
  assert.deepEqual(first.errors, [], "an unreachable server is not an error");

  const replies = [];
  const second = await withFetch(
    (real) => async (url, init) => {
      const res = await real(url, init);
      if (init?.method === "POST") replies.push(await res.clone().json());
      return res;
    },
    async () => {
      const s = await visitor({ storageKey: key, sync: customer("offline-1", { eventsUrl: `${base}/v1/events` }) });
      await s.sync.flush();
      return s;
    },
  );
  assert.deepEqual(replies, [{ accepted: 2, duplicates: 0 }]);
  const profile = await profileOf("offline-1");
  assert.deepEqual(profile.affinities.category, { "eyewear/lenses": 1 });
  second.sync.stop();
});

test(`past ${MAX_QUEUE} unsent events the oldest are dropped with an error`, async () => {
  const key = `overflow${keys++}`;
  const v = await visitor({ storageKey: key, sync: customer("overflow-1", { eventsUrl: `${DOWN}/v1/events` }) });
  for (let i = 0; i < MAX_QUEUE + 3; i++) v.engine.track({ type: "view", productId: "book", at: T0 + i });
  assert.equal(v.errors.filter((e) => e.code === "sync_overflow").length, 3);
  v.sync.stop();
  await new Promise((r) => setTimeout(r, 0)); // the queue is stored after the task

  let accepted = 0;
  await withFetch(
    (real) => async (url, init) => {
      const res = await real(url, init);
      if (init?.method === "POST") accepted += (await res.clone().json()).accepted;
      return res;
    },
    async () => {
      const s = await visitor({ storageKey: key, sync: customer("overflow-1", { eventsUrl: `${base}/v1/events` }) });
      await s.sync.flush();
      s.sync.stop();
    },
  );
  assert.equal(accepted, MAX_QUEUE, "sent in several batches under the beacon size limit");
});

test("a catalogUrl answered with the binary catalog is applied as bytes, and not stored", async () => {
  const key = `binary${keys++}`;
  const engine = await createVitrin({ catalog: { products: [] }, storage: "memory" });
  const stored = new Map();
  const storage = { getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => stored.set(k, v), removeItem: (k) => stored.delete(k) };
  const applied = [];
  const setCatalog = engine.setCatalog.bind(engine);
  engine.setCatalog = (c) => (applied.push(c), setCatalog(c));
  const s = startSync(engine, { catalogUrl: `${base}/v1/catalog.bin` }, { error: () => {}, storage, storageKey: key });
  await s.ready;
  s.stop();
  assert.equal(applied.length, 1);
  assert.ok(applied[0] instanceof Uint8Array, "handed over as bytes");
  assert.equal(engine.recommend({ slot: "trending", limit: 1 })[0].productId, "book");
  assert.ok(![...stored.keys()].some((k) => k.endsWith(":catalog")), "bytes are not kept in storage");
  const res = await fetch(`${base}/v1/catalog.bin`);
  assert.equal(res.headers.get("content-type"), "application/vnd.vitrin.catalog");
});

test("the catalog answers 304 when unchanged, and the next start applies the stored copy before any request", async () => {
  const statuses = [];
  const spy = (real) => async (url, init) => {
    const res = await real(url, init);
    statuses.push([init?.headers?.["if-none-match"] ? "conditional" : "plain", res.status]);
    return res;
  };
  const key = `catalog${keys++}`;
  await withFetch(spy, async () => {
    const v = await visitor({ storageKey: key, sync: { catalogUrl: `${base}/v1/catalog` } });
    await v.sync.ready;
    await v.sync.refresh();
    v.sync.stop();
  });
  assert.deepEqual(statuses, [["plain", 200], ["conditional", 304]]);

  // Direct GETs: the same ETag gives 304 with no body.
  const first = await fetch(`${base}/v1/catalog`);
  const again = await fetch(`${base}/v1/catalog`, { headers: { "if-none-match": first.headers.get("etag") } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");

  const applied = [];
  await withFetch(
    () => async () => new Promise(() => {}), // a server that never answers
    async () => {
      const engine = await createVitrin({ catalog: { products: [] }, storage: "memory" });
      const setCatalog = engine.setCatalog.bind(engine);
      engine.setCatalog = (c) => (applied.push(c.products.length), setCatalog(c));
      const s = startSync(engine, { catalogUrl: `${base}/v1/catalog` }, { error: () => {}, storage: null, storageKey: key });
      assert.deepEqual(applied, [catalog.products.length], "applied synchronously from storage");
      assert.equal(engine.recommend({ slot: "trending", limit: 1 })[0].productId, "book");
      s.stop();
    },
  );
});

test("PUT /v1/rules with a broken document answers 422 with every path and the live rules stay", async () => {
  const live = await fetch(`${base}/v1/rules`);
  const etag = live.headers.get("etag");
  const broken = { version: 1, campaigns: [{ id: "a", trigger: { type: "cart_idel" } }, { trigger: { type: "always" }, holdout: 90 }] };
  const put = (body, token = TOKEN) =>
    fetch(`${base}/v1/rules`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await put(rules, "wrong-token-0123456789")).status, 401);
  const res = await put(broken);
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.code, "invalid_rules");
  const paths = body.errors.map((e) => e.path);
  for (const p of ["/campaigns/0/trigger/type", "/campaigns/1/id", "/campaigns/1/holdout"]) assert.ok(paths.includes(p), `${p} in ${paths}`);
  assert.equal((await fetch(`${base}/v1/rules`, { headers: { "if-none-match": etag } })).status, 304, "unchanged");

  // The SDK gets the live rules; a document the engine refuses is reported and not applied.
  const v = await visitor({ sync: { rulesUrl: `${base}/v1/rules` } });
  await v.sync.ready;
  assert.equal(v.engine.prompts()[0]?.text, "Hello");
  await withFetch(
    () => async () => new Response(JSON.stringify(broken), { status: 200, headers: { etag: '"broken"' } }),
    () => v.sync.refresh(),
  );
  assert.equal(v.errors.length, 1);
  assert.equal(v.errors[0].code, "invalid_rules");
  assert.ok(v.errors[0].errors.some((e) => e.path === "/campaigns/0/trigger/type"));
  assert.equal(v.engine.prompts()[0]?.text, "Hello", "the old rules stay in force");
  v.sync.stop();
});

test("the profile built from the visitor's purchases reaches the engine: replenishment comes due", async () => {
  let clock = T0;
  const v = await visitor({
    now: () => clock,
    sync: customer("buyer-1", { eventsUrl: `${base}/v1/events`, profileUrl: `${base}/v1/profile/{visitorId}` }),
  });
  await v.sync.ready; // 404: no profile yet, and no error
  assert.deepEqual(v.errors, []);
  v.engine.track(buy("p-1", "lens", T0));
  v.engine.track(buy("p-2", "lens", T0 + 20 * DAY));
  await v.sync.flush();
  const profile = await profileOf("buyer-1");
  assert.deepEqual(profile.purchases.map((p) => p.at), [T0, T0 + 20 * DAY]);
  assert.deepEqual(profile.cycles, [{ productId: "lens", everyDays: 20, lastAt: T0 + 20 * DAY }]);
  assert.ok(profile.segments.includes("repeat_buyer"));

  // A new visit 38 days in: the visitor's own history is gone, the synced profile is not.
  v.engine.forget();
  clock = T0 + 38 * DAY;
  assert.deepEqual(v.engine.recommend({ slot: "replenish" }), []);
  await v.sync.refresh();
  assert.equal(v.engine.recommend({ slot: "replenish" })[0]?.productId, "lens");
  v.sync.stop();
});

test("on pagehide the queue leaves by beacon; the next page resends it and the server counts it once", async () => {
  // A page's globals: window events and navigator.sendBeacon, which here posts for real.
  const page = new EventTarget();
  const beacons = [];
  const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  globalThis.addEventListener = page.addEventListener.bind(page);
  globalThis.removeEventListener = page.removeEventListener.bind(page);
  Object.defineProperty(globalThis, "navigator", {
    configurable: true,
    value: { sendBeacon: (url, blob) => (beacons.push(blob.text().then((body) => fetch(url, { method: "POST", body }))), true) },
  });
  const key = `beacon${keys++}`;
  try {
    const v = await visitor({ storageKey: key, sync: customer("beacon-1", { eventsUrl: `${base}/v1/events` }) });
    v.engine.track(buy("b-1", "solution", T0));
    page.dispatchEvent(new Event("pagehide"));
    v.sync.stop();
    const [sent] = await Promise.all(beacons);
    assert.deepEqual(await sent.json(), { accepted: 1, duplicates: 0 });
  } finally {
    delete globalThis.addEventListener;
    delete globalThis.removeEventListener;
    if (saved) Object.defineProperty(globalThis, "navigator", saved);
    else delete globalThis.navigator;
  }
  const replies = [];
  await withFetch(
    (real) => async (url, init) => {
      const res = await real(url, init);
      if (init?.method === "POST") replies.push(await res.clone().json());
      return res;
    },
    async () => {
      const next = await visitor({ storageKey: key, sync: customer("beacon-1", { eventsUrl: `${base}/v1/events` }) });
      await next.sync.flush();
      await next.sync.flush();
      next.sync.stop();
    },
  );
  assert.deepEqual(replies, [{ accepted: 0, duplicates: 1 }], "resent once, stored once, then never again");
  assert.equal((await profileOf("beacon-1")).purchases.length, 1);
});

test("an anonymous visitor gets its id and token from the server, and logging in merges its history into the customer", async () => {
  const key = `anon${keys++}`;
  const persistent = new Map();
  const storage = { getItem: (k) => persistent.get(k) ?? null, setItem: (k, v) => persistent.set(k, v), removeItem: (k) => persistent.delete(k) };
  const start = async (sync) => {
    const engine = await createVitrin({ catalog, storage: "memory", storageKey: key, now: () => T0 });
    const errors = [];
    const s = startSync(engine, sync, { error: (code) => errors.push(code), storage, storageKey: key });
    const track = (e) => (engine.track(e), s.event({ ...e, at: e.at ?? T0 }));
    return { engine, sync: s, track, errors };
  };
  const anon = await start({ eventsUrl: `${base}/v1/events`, profileUrl: `${base}/v1/profile/{visitorId}` });
  anon.track({ type: "view", productId: "solution", at: T0 });
  await anon.sync.flush();
  const saved = JSON.parse(persistent.get(`${key}:sync`));
  assert.match(saved.visitorId, /^anon-[0-9a-f]{32}$/, "an id the server issued");
  assert.equal(saved.queue.length, 0, "delivered under it");
  assert.deepEqual((await profileOf(saved.visitorId)).affinities.category, { "eyewear/solution": 1 });
  // Nobody else reads it: the profile needs the visitor's own token.
  assert.equal((await fetch(`${base}/v1/profile/${saved.visitorId}`)).status, 401);
  anon.sync.stop();

  // The same device logs in as cust-9: its past moves to the customer.
  const login = await start(customer("cust-9", { eventsUrl: `${base}/v1/events`, profileUrl: `${base}/v1/profile/{visitorId}` }));
  login.track({ type: "view", productId: "lens", at: T0 + 1 });
  await login.sync.flush();
  const merged = await profileOf("cust-9");
  assert.deepEqual(Object.keys(merged.affinities.category).sort(), ["eyewear/lenses", "eyewear/solution"]);
  assert.equal((await fetch(`${base}/v1/profile/${saved.visitorId}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
  await login.sync.refresh();
  assert.deepEqual(login.errors, []);
  login.sync.stop();
});

test("metrics on the server come from the page's exposures and its purchases, not from its counters", async () => {
  const put = await fetch(`${base}/v1/rules`, {
    method: "PUT",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ version: 1, campaigns: [{ id: "promo", trigger: { type: "always" }, attributionHours: 1, prompt: { text: { en: "Hi" } } }] }),
  });
  assert.equal(put.status, 200);
  let clock = Date.now();
  const v = await visitor({ now: () => clock, sync: customer("metrics-1", { eventsUrl: `${base}/v1/events`, rulesUrl: `${base}/v1/rules` }) });
  await v.sync.ready;
  const [p] = v.engine.prompts();
  assert.equal(p.campaignId, "promo");
  v.engine.shown(p.id);
  v.engine.clicked(p.id);
  clock += 1000;
  v.engine.track({ type: "purchase", orderId: "m-1", items: [{ productId: "lens", quantity: 2, price: 450 }], at: clock });
  await v.sync.flush();
  const metrics = await (await fetch(`${base}/v1/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const arm = metrics.promo.default;
  assert.deepEqual([arm.visitors, arm.impressions, arm.clicks, arm.conversions, arm.revenue], [1, 1, 1, 1, 900]);
  assert.equal((await fetch(`${base}/v1/metrics`)).status, 401, "metrics are the store's to read");
  v.sync.stop();
});
