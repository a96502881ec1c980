// The hand-written glue between core.js and the wasm (pkg/vitrin_core.js): text crosses both
// ways as the JavaScript string it was (or as TextEncoder writes it), also once the wasm's
// memory has grown under the glue's views, a freed engine traps instead of being read, and
// one the page drops without `free` is freed when collected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as calls from "../../pkg/calls.js";
import { makeCatalog } from "../support/catalog.mjs";

async function load(tag) {
  // Its own instance: a second import of the glue (by query string) is a second module.
  const glue = await import(`../../pkg/vitrin_core.js?glue-${tag}`);
  glue.initSync({ module: await readFile(new URL("../../pkg/vitrin_core_bg.wasm", import.meta.url)) });
  return glue;
}

const options = (extra = {}) => new TextEncoder().encode(JSON.stringify({ localId: "v0", catalog: { products: [] }, storage: "memory", ...extra }));

/** `id` as the engine keeps it: `identify` takes it as it is (up to 256 bytes of UTF-8) and `visitorId` answers it. */
function roundTrip(engine, id) {
  assert.notEqual(engine.act(calls.identify, id, 0), undefined);
  return engine.call(calls.visitorId);
}

test("text crosses as it was: non-ASCII anywhere, a leading BOM, lone surrogates as TextEncoder writes them", async () => {
  const glue = await load("text");
  const engine = glue.create(options(), undefined, undefined, 0, false, undefined, undefined);
  const kept = ["ascii-only", "é", "aé", "ğüşıöç", "a€b😀c", "😀", "\uFEFFbom", "x\uFEFF", "é".repeat(120), "a".repeat(250) + "€"];
  for (const id of kept) assert.equal(roundTrip(engine, id), id);
  for (const [id, written] of [["\uD800", "\uFFFD"], ["a\uDFFFb", "a\uFFFDb"], ["é\uDC00\uD800", "é\uFFFD\uFFFD"]]) assert.equal(roundTrip(engine, id), written);
  // Long text one way (10^5 characters, ASCII then not), and its JSON back.
  const long = "a".repeat(50_000) + "ç😀".repeat(25_000);
  const answer = glue.run(calls.evaluateCondition, JSON.stringify({ var: "s" }), 0, JSON.stringify({ s: long }), 0);
  assert.equal(JSON.parse(answer), long);
  assert.equal(glue.run(calls.isSafeUrl, "https://shop.example/ürün"), "true");
  assert.equal(glue.run(calls.error), "", "no call failed");
  engine.free();
});

test("answers read right after the wasm's memory grew (its old views detach)", async () => {
  const glue = await load("grow");
  const memory = glue.initSync().memory;
  const engine = glue.create(options(), undefined, undefined, 0, false, undefined, undefined);
  assert.equal(roundTrip(engine, "before-ğ"), "before-ğ");
  const before = memory.buffer.byteLength;
  const big = glue.create(options({ catalog: makeCatalog(5_000, 64) }), undefined, undefined, 0, false, undefined, undefined);
  assert.ok(memory.buffer.byteLength > before, "the catalog grew the memory");
  assert.equal(roundTrip(engine, "after-ş"), "after-ş");
  assert.equal(big.call(calls.visitorId), "v0");
  big.free();
  engine.free();
});

test("a failed call answers undefined and its error; a freed engine traps, and freeing twice is harmless", async () => {
  const glue = await load("free");
  assert.equal(glue.create(options({ storage: "disk" }), undefined, undefined, 0, false, undefined, undefined), undefined);
  assert.equal(JSON.parse(glue.run(calls.error)).code, "invalid_options");
  const engine = glue.create(options(), undefined, undefined, 0, false, undefined, undefined);
  assert.equal(engine.act(calls.identify, "", 0), undefined, "an empty visitor id is refused");
  assert.equal(JSON.parse(glue.run(calls.error)).code, "invalid_argument");
  engine.free();
  engine.free();
  assert.throws(() => engine.call(calls.visitorId), WebAssembly.RuntimeError);
});

test("engines dropped without free are freed when collected (FinalizationRegistry)", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  const glue = await load("finalize");
  const memory = glue.initSync().memory;
  const catalog = options({ catalog: makeCatalog(3_000, 32) });
  const collect = async () => {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  };
  let held = glue.create(catalog, undefined, undefined, 0, false, undefined, undefined);
  const before = memory.buffer.byteLength;
  held = null;
  await collect();
  // Each engine holds its catalog (about 0.5 MB here): 40 of them kept would grow the memory by ~20 MB.
  for (let i = 0; i < 40; i++) {
    glue.create(catalog, undefined, undefined, 0, false, undefined, undefined);
    if (i % 5 === 4) await collect();
  }
  assert.ok(memory.buffer.byteLength - before < 8 << 20, `the memory grew from ${before} to ${memory.buffer.byteLength} bytes`);
});
