// The package's two engine builds (SIMD128 and scalar, pkg/vitrin_core*_bg.wasm) rank the
// same: the loader may hand either to a visitor, so they must not disagree. Neither carries
// a bench or test hook: those live in builds of their own (target/pkg-bench/, pkg-panic/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { bind, simd } from "../../pkg/core.js";
import { makeCatalog } from "../support/catalog.mjs";

async function load(file, tag) {
  // A second import of the glue (by query string) is a second module with its own instance.
  const glue = await import(`../../pkg/vitrin_core.js?${tag}`);
  glue.initSync({ module: await readFile(new URL(`../../pkg/${file}`, import.meta.url)) });
  return bind(glue);
}

test("the SIMD and scalar builds give the same recommendations", async () => {
  assert.equal(simd(), true, "Node 20 has SIMD128: the loaders pick the SIMD build");
  const catalog = makeCatalog(2_000, 64);
  const rules = { version: 1, slots: { home: { strategy: "for_you", limit: 20, filters: [{ "<=": [{ var: "product.price" }, 40] }] } } };
  const lists = [];
  for (const [file, tag] of [["vitrin_core_bg.wasm", "simd"], ["vitrin_core_scalar_bg.wasm", "scalar"]]) {
    const vitrin = await load(file, tag);
    const engine = vitrin.create({ catalog, rules, storage: "memory", storageKey: `builds-${tag}`, now: () => 1_800_000_000_000 });
    for (const id of ["p3", "p23", "p40", "p41"]) engine.track({ type: "view", productId: id });
    lists.push(["for_you", "home"].map((slot) => engine.recommend({ slot, limit: 20 }).map((r) => r.productId)));
    engine.destroy();
  }
  assert.equal(lists[0][0].length, 20);
  assert.deepEqual(lists[0], lists[1]);
});

test("a catalog whose embeddings come as a VTE1 table ranks like one with number arrays", async () => {
  const { createVitrin } = await import("../../pkg/node.js");
  const { vteTable } = await import("../support/vte.mjs");
  const catalog = makeCatalog(500, 32);
  const binary = { products: catalog.products.map(({ embedding, ...p }) => p), embeddings: vteTable(catalog.products.map((p) => p.embedding)) };
  const ids = [];
  for (const [tag, c] of [["arrays", catalog], ["table", binary]]) {
    const engine = await createVitrin({ catalog: c, storage: "memory", storageKey: `vte-${tag}`, now: () => 1_800_000_000_000 });
    engine.track({ type: "view", productId: "p7" });
    ids.push(engine.recommend({ slot: "for_you", limit: 20 }).map((r) => r.productId));
    engine.destroy();
  }
  assert.deepEqual(ids[1], ids[0]);
  const damaged = { ...binary, embeddings: binary.embeddings.slice(0, 100) };
  await assert.rejects(createVitrin({ catalog: damaged, storage: "memory" }), (e) => e.code === "invalid_catalog" && e.path === "/catalog/embeddings");
});

test("pkg/ carries no bench or test hook: not among either wasm's exports, not in its JavaScript", async () => {
  const pkg = new URL("../../pkg/", import.meta.url);
  const hook = /bench/i;
  for (const file of ["vitrin_core_bg.wasm", "vitrin_core_scalar_bg.wasm"]) {
    const bytes = await readFile(new URL(file, pkg));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    assert.ok(exports.includes("call"), `${file}: the engine's exports are read`);
    assert.deepEqual(exports.filter((name) => hook.test(name)), [], `${file} exports a bench hook`);
    // The forced panic of the test-panic build (cargo feature `test-panic`) leaves no export.
    assert.ok(!bytes.includes("vitrin-test-panic"), `${file} holds the test-panic build's marker`);
  }
  // Every shipped script and type file; vitrin_core_inline.js is the SIMD wasm above, base64.
  const files = (await readdir(pkg)).filter((f) => /\.(js|d\.ts)$/.test(f) && f !== "vitrin_core_inline.js");
  assert.ok(files.includes("core.js") && files.includes("vitrin_core.js"), `${files}`);
  for (const file of files) assert.doesNotMatch(await readFile(new URL(file, pkg), "utf8"), hook, `pkg/${file} names a bench hook`);
});
