// How an engine with `sync` starts now that sync.js is imported only by engines that sync
// (core.js `loadSync`): `create()` itself applies the stored visitor id and copies, and
// events tracked before sync.js arrives wait for it. A file of its own, so that the first
// engine of this process meets sync.js not imported yet. The server is a stub `fetch`;
// tests/node/sync.test.mjs runs sync.js against the real one.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { loadVitrin } from "../../pkg/node.js";

const API = "http://shop.test/v1";
const served = {
  products: [
    { id: "book", title: "Novel", category: "books/novels", price: 150, popularity: 50 },
    { id: "lens", title: "Monthly lens", category: "eyewear/lenses", price: 450, popularity: 5 },
  ],
};
const inline = { products: [{ id: "inline", title: "Inline", category: "misc", price: 1 }] };

// The page's storage, which Node lacks: sync keeps its copies and queue here.
const stored = new Map();
globalThis.localStorage = { getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => void stored.set(k, String(v)), removeItem: (k) => void stored.delete(k) };
const requests = [];
let issued = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const { pathname } = new URL(url);
  const request = { path: pathname, method: init.method ?? "GET", headers: init.headers ?? {}, body: init.body && JSON.parse(init.body) };
  requests.push(request);
  if (pathname === "/v1/catalog") return request.headers["if-none-match"] === '"c1"' ? new Response(null, { status: 304 }) : Response.json(served, { headers: { etag: '"c1"' } });
  if (pathname === "/v1/visitors") return Response.json({ visitorId: `anon-${++issued}`, token: `token-${issued}` });
  if (pathname === "/v1/events") return Response.json({ accepted: request.body.events.length, duplicates: 0 });
  return new Response(null, { status: 404 });
};
after(() => {
  globalThis.fetch = realFetch;
  delete globalThis.localStorage;
});

/** A visitor an earlier page stored: anonymous id and token from the server, the catalog copy. */
function storedVisitor(key, catalogUrl) {
  stored.set(`${key}:sync`, JSON.stringify({ v: 1, visitorId: `anon-${key}`, token: `token-${key}`, mergeFrom: null, queue: [], sent: {} }));
  stored.set(`${key}:sync:catalog`, JSON.stringify({ url: catalogUrl, etag: '"c1"', doc: served }));
}

async function until(check, what) {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

const sent = (visitorId) => requests.filter((r) => r.path === "/v1/events" && r.body.visitorId === visitorId);
const options = (key, catalogUrl) => ({ catalog: inline, storageKey: key, now: Date.now, sync: { catalogUrl, eventsUrl: `${API}/events` } });

test("before sync.js has arrived: create() applies the stored visitor id and copies, events wait and are sent once, forget() erases at once", async () => {
  const vitrin = await loadVitrin();
  storedVisitor("a", `${API}/catalog`);
  storedVisitor("b", `${API}/catalog?b`);
  // Two engines in one task: sync.js cannot have arrived for either.
  const a = vitrin.create(options("a", `${API}/catalog`));
  const b = vitrin.create(options("b", `${API}/catalog?b`));
  assert.deepEqual(requests, [], "no request yet: sync.js runs them");
  assert.equal(a.state().visitorId, "anon-a", "the stored visitor id, from the first call");
  assert.deepEqual(a.recommend({ slot: "trending" }).map((r) => r.productId), ["book", "lens"], "the stored catalog, from the first call");
  a.track({ type: "view", productId: "lens" });
  // The page could close now: the waiting event is already in the stored queue, under its id.
  const kept = JSON.parse(stored.get("a:sync"));
  assert.deepEqual(kept.queue.map((e) => [e.type, e.productId, typeof e.id]), [["view", "lens", "string"]], "stored at once");
  assert.equal(kept.visitorId, "anon-a", "the stored visitor untouched");
  assert.equal(kept.token, "token-a");
  // Without personalization consent nothing is stored.
  storedVisitor("c", `${API}/catalog?c`);
  const c = vitrin.create({ ...options("c", `${API}/catalog?c`), consent: { personalization: false } });
  c.track({ type: "view", productId: "lens" });
  assert.deepEqual(JSON.parse(stored.get("c:sync")).queue, [], "no event stored without consent");

  // Event ids sort in the order the page tracked, across sync.js's arrival: events within
  // one millisecond are told apart by one counter (core.js's, which sync.js is handed).
  storedVisitor("d", `${API}/catalog?d`);
  const d = vitrin.create(options("d", `${API}/catalog?d`));
  const realNow = Date.now;
  const instant = realNow();
  Date.now = () => instant;
  try {
    for (const productId of ["book", "lens", "book"]) d.track({ type: "view", productId });
  } finally {
    Date.now = realNow;
  }
  b.track({ type: "view", productId: "book" });
  b.forget();
  assert.deepEqual([...stored.keys()].filter((k) => k.startsWith("b:")), [], "forget() erased sync's copies and queue at once");
  assert.notEqual(b.state().visitorId, "anon-b");
  b.track({ type: "view", productId: "lens" });

  await until(() => sent("anon-a").length === 1 && sent("anon-1").length === 1 && sent("anon-d").length === 1, "the batches sent");
  Date.now = () => instant;
  try {
    d.track({ type: "add_to_cart", productId: "lens" });
  } finally {
    Date.now = realNow;
  }
  await until(() => sent("anon-d").length === 2, "d's second batch");
  const ids = sent("anon-d").flatMap((r) => r.body.events.filter((e) => e.type !== "exposure").map((e) => e.id));
  assert.equal(ids.length, 4);
  assert.deepEqual([...ids].sort(), ids, "ids of one millisecond in the order tracked");
  assert.deepEqual(sent("anon-a")[0].body.events.map((e) => [e.type, e.productId, e.id]), [["view", "lens", kept.queue[0].id]], "sent once, under the stored id");
  assert.equal(sent("anon-a")[0].body.token, "token-a", "under the stored token");
  assert.ok(requests.some((r) => r.path === "/v1/catalog" && r.headers["if-none-match"] === '"c1"'), "the stored copy's ETag asked with");
  // The forgotten visitor: a new anonymous id from the server, and only what came after.
  assert.deepEqual(sent("anon-1")[0].body.events.map((e) => [e.type, e.productId]), [["view", "lens"]]);
  assert.equal(b.state().visitorId, "anon-1", "the engine took the new id");
  assert.equal(requests.filter((r) => r.path === "/v1/events" && r.body.visitorId !== "anon-d").length, 2, "nothing else sent");
  assert.equal(sent("anon-c").length, 0, "nothing sent without consent");
  a.destroy();
  b.destroy();
  c.destroy();
  d.destroy();
});

test("once sync.js is here, create() starts syncing before it returns", async () => {
  const vitrin = await loadVitrin();
  const before = requests.length;
  const c = vitrin.create(options("c", `${API}/catalog`));
  const asked = requests.slice(before).map((r) => r.path);
  assert.ok(asked.includes("/v1/catalog"), `requested inside create: ${asked}`);
  c.destroy();
});
