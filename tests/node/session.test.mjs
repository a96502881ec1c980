// The built package in Node: one visitor id shared by bucketing and sync, and a variant
// that never changes once the visitor met it (a profile with another visitor id, a login,
// a reload, a second tab). Forty visitors, so a coin flip per visitor cannot pass by luck.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVitrin } from "../../pkg/node.js";
import { makeCatalog } from "../support/catalog.mjs";

const catalog = makeCatalog();
const NOW = 1_700_000_000_000;
const rules = {
  version: 1,
  campaigns: [
    {
      id: "exp",
      trigger: { type: "always" },
      caps: { perSession: 100, perDay: 100 },
      variants: [
        { id: "A", weight: 1, prompt: { text: { en: "A" } } },
        { id: "B", weight: 1, prompt: { text: { en: "B" } } },
      ],
    },
  ],
};
let keys = 0;
const open = (key, extra = {}) => createVitrin({ catalog, rules, storage: "memory", storageKey: key, now: () => NOW, ...extra });
const settle = () => new Promise((r) => setTimeout(r, 30));
const variant = (engine) => engine.prompts()[0]?.variant;

test("a variant, once shown, survives a profile with another visitor id, a login, a reload and a second tab", async () => {
  const seen = new Set();
  for (let n = 0; n < 40; n++) {
    const key = `sticky${keys++}`;
    const page = await open(key);
    const first = variant(page);
    assert.ok(first === "A" || first === "B", `visitor ${n}: the experiment speaks`);
    seen.add(first);
    page.setProfile({ visitorId: `server-visitor-${n}`, updatedAt: NOW });
    assert.equal(variant(page), first, `visitor ${n}: after setProfile with the server's visitor id`);
    page.identify(`customer-${n}`);
    assert.equal(page.state().visitorId, `customer-${n}`, "identify names the visitor");
    assert.equal(variant(page), first, `visitor ${n}: after a login`);
    await settle();
    const second = await open(key);
    assert.equal(variant(second), first, `visitor ${n}: in a second tab`);
    assert.equal(second.state().visitorId, `customer-${n}`, "one visitor id in every tab");
    page.destroy();
    await settle();
    const reload = await open(key);
    assert.equal(variant(reload), first, `visitor ${n}: after a reload`);
    second.destroy();
    reload.destroy();
  }
  assert.deepEqual([...seen].sort(), ["A", "B"], "the split is real: both arms occur");
});

/** Waits until `check()` holds (tabs hear each other within a task or two; a busy machine is slower). */
async function until(check, what) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

test("one visitor id for bucketing, tabs and the server: the engine takes the id the server issued; forget makes a new visitor everywhere", async () => {
  const key = `ids${keys++}`;
  const batches = [];
  let issued = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    if (String(url).endsWith("/visitors")) return Response.json({ visitorId: `anon-${++issued}`, token: `token-${issued}` });
    if (init?.method === "POST") batches.push(JSON.parse(init.body));
    return new Response(null, { status: 204 });
  };
  try {
    const sync = { eventsUrl: "http://127.0.0.1:9/v1/events", intervalMs: 3_600_000 };
    // The real clock: sync drops events older than the server accepts.
    const a = await open(key, { sync, now: Date.now });
    await until(() => a.state().visitorId === "anon-1", "the engine buckets by the id the server issued");
    const b = await open(key, { now: Date.now });
    assert.equal(b.state().visitorId, "anon-1", "a second tab shares it");
    const arm = variant(a);
    assert.equal(variant(b), arm);
    a.track({ type: "view", productId: "p1" });
    await until(() => batches.length > 0, "the events were sent");
    assert.equal(batches[0].visitorId, "anon-1", "sync sends the same id");
    a.forget();
    const fresh = a.state().visitorId;
    assert.ok(fresh !== "anon-1" && fresh.length > 0, "forget makes a new visitor at once");
    await until(() => b.state().visitorId === fresh, "in the other tab too");
    a.track({ type: "view", productId: "p2" });
    await until(() => a.state().visitorId === "anon-2", "the next send asks the server for the new visitor's id, and the engine takes it");
    await until(() => b.state().visitorId === "anon-2", "in the other tab too");
    a.destroy();
    b.destroy();
  } finally {
    globalThis.fetch = realFetch;
  }
});
