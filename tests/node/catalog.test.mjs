// The binary catalog in the built package (pkg/), as a store serves it: written by
// `vitrin-server binary` (the builder's writer) from a JSON catalog, handed to `create` and
// `setCatalog` as bytes; damaged bytes refused with invalid_catalog and the catalog in force
// kept.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { createVitrin, VitrinError } from "../../pkg/node.js";
import { makeCatalog } from "../support/catalog.mjs";
import { buildServer, SERVER_BIN } from "../support/sync-server.mjs";

const NOW = 1_700_000_000_000;
let dir;
let json;
let bytes;

/** The binary catalog `vitrin-server binary` writes for `doc`. */
function binaryOf(doc, name) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  execFileSync(SERVER_BIN, ["binary", "--catalog", file], { encoding: "utf8" });
  return new Uint8Array(readFileSync(join(dir, `${name}.bin`)));
}

before(() => {
  buildServer();
  dir = mkdtempSync(join(tmpdir(), "vitrin-binary-"));
  json = makeCatalog(300, 8);
  json.products.forEach((p, i) => Object.assign(p, { tags: [`t${i % 3}`], url: `/p/${p.id}`, image: i % 2 ? undefined : `https://cdn.example/${p.id}.png` }));
  json.categoryNames = { "shoes/running": { tr: "Koşu ayakkabısı", en: "Running shoes" } };
  bytes = binaryOf(json, "catalog");
});

after(() => dir && rmSync(dir, { recursive: true, force: true }));

let keys = 0;
const engine = (catalog, extra = {}) => createVitrin({ catalog, storage: "memory", storageKey: `bin${keys++}`, now: () => NOW, locale: "tr", ...extra });

/** What a visitor sees from every built-in slot after the same few events. */
function journey(e) {
  e.track({ type: "view", productId: "p0", at: NOW - 5_000 });
  e.track({ type: "view", productId: "p6", at: NOW - 4_000 });
  e.track({ type: "add_to_cart", productId: "p12", at: NOW - 3_000 });
  return ["for_you", "trending", "recently_viewed", "bought_together"].map((slot) => e.recommend({ slot, productId: "p6", limit: 8 }))
    .concat([e.recommend({ slot: "similar", productId: "p6", limit: 8 })]);
}

test("the binary catalog gives the engine the JSON catalog gives, recommendations and reasons", async () => {
  const fromJson = journey(await engine(json));
  const fromBytes = journey(await engine(bytes));
  assert.deepEqual(fromBytes, fromJson);
  assert.ok(fromJson.every((recs) => recs.length > 0), "every slot answers");
  assert.match(fromJson[0].map((r) => r.reason.text).join(" "), /\S/);
});

test("an ArrayBuffer, a view at an offset and a DataView are taken alike", async () => {
  const padded = new Uint8Array(bytes.length + 7);
  padded.set(bytes, 7);
  const expected = journey(await engine(bytes));
  for (const catalog of [bytes.slice().buffer, padded.subarray(7), new DataView(padded.buffer, 7, bytes.length)]) {
    assert.deepEqual(journey(await engine(catalog)), expected);
  }
});

test("setCatalog takes bytes; damaged bytes are refused with where, and the catalog in force stays", async () => {
  const small = binaryOf({ products: [{ id: "only", title: "Only", category: "a", price: 1 }] }, "small");
  const e = await engine(json);
  e.setCatalog(small);
  assert.deepEqual(e.recommend({ slot: "trending", limit: 5 }).map((r) => r.productId), ["only"]);
  e.setCatalog(bytes);
  const before = e.recommend({ slot: "trending", limit: 5 });
  assert.equal(before.length, 5);
  const version = bytes.slice();
  version[4] = 9;
  const cases = [
    [bytes.subarray(0, bytes.length - 1), /ends early/],
    [bytes.subarray(0, 100), /more products than the bytes can hold/],
    [version, /another version/],
    [new TextEncoder().encode(JSON.stringify(json)), /not a binary catalog/],
    [new Uint8Array(0), /not a binary catalog/],
  ];
  for (const [bad, message] of cases) {
    assert.throws(() => e.setCatalog(bad), (err) => {
      assert.ok(err instanceof VitrinError);
      assert.equal(err.code, "invalid_catalog");
      assert.equal(typeof err.path, "string");
      assert.match(err.message, message);
      assert.match(err.message, /\(byte \d+\)/);
      return true;
    });
    assert.deepEqual(e.recommend({ slot: "trending", limit: 5 }), before, "the catalog in force stays");
  }
});

test("create refuses damaged bytes under /catalog", async () => {
  await assert.rejects(engine(bytes.subarray(0, 40)), (err) => err.code === "invalid_catalog" && err.path.startsWith("/catalog") && /byte/.test(err.message));
  await assert.rejects(engine(new Uint8Array(0)), (err) => err.code === "invalid_catalog" && /not a binary catalog/.test(err.message));
});

test("createVitrin takes the catalog still on its way: a Response or a promise, JSON by its type, else bytes", async () => {
  const expected = journey(await engine(bytes));
  const make = (catalog) => createVitrin({ catalog, storage: "memory", storageKey: `bin${keys++}`, now: () => NOW, locale: "tr" });
  const binary = () => new Response(bytes, { headers: { "content-type": "application/vnd.vitrin.catalog" } });
  const asJson = () => new Response(JSON.stringify(json), { headers: { "content-type": "application/json; charset=utf-8" } });
  for (const catalog of [binary(), Promise.resolve(binary()), Promise.resolve(asJson()), asJson(), Promise.resolve(bytes)]) {
    assert.deepEqual(journey(await make(catalog)), expected);
  }
  await assert.rejects(make(Promise.resolve(new Response("gone", { status: 404 }))), (err) => err instanceof VitrinError && err.code === "invalid_catalog" && /HTTP 404/.test(err.message));
  // A fetch that failed rejects with its own reason, as the page's own `await fetch` would.
  await assert.rejects(make(Promise.reject(new TypeError("network down"))), /network down/);
  await assert.rejects(make(new Response(bytes.subarray(0, 50))), (err) => err.code === "invalid_catalog" && err.path.startsWith("/catalog"));
});
