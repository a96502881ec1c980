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

test("one visitor id for bucketing and sync: the events the server gets carry it; forget mints a new one everywhere", async () => {
  const key = `ids${keys++}`;
  const bodies = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    if (init?.method === "POST") bodies.push(JSON.parse(init.body));
    return new Response(null, { status: 204 });
  };
  try {
    const a = await open(key, { sync: { eventsUrl: "http://127.0.0.1:9/events", intervalMs: 3_600_000 } });
    const b = await open(key);
    // Opened in the same task, before the first stored its id: they settle on one.
    await settle();
    const id = a.state().visitorId;
    assert.match(id, /\S{8,}/);
    assert.equal(b.state().visitorId, id, "the second tab shares the id");
    a.track({ type: "view", productId: "p1" });
    await new Promise((r) => setTimeout(r, 1_300));
    assert.equal(bodies.at(-1)?.visitorId, id, "sync sends the engine's visitor id");
    a.forget();
    await settle();
    const renewed = a.state().visitorId;
    assert.notEqual(renewed, id, "forget makes a new visitor");
    assert.equal(b.state().visitorId, renewed, "in the other tab too");
    a.destroy();
    b.destroy();
  } finally {
    globalThis.fetch = realFetch;
  }
});
