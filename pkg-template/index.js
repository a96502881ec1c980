// Browser entry point: fetches and instantiates the wasm next to this file once. The two
// URLs are literal so every bundler (Vite, webpack, Turbopack, Rollup, esbuild) sees them,
// emits the two .wasm files and rewrites the URLs; a plain page resolves them itself.
import init, * as wasm from "./vitrin_core.js";
import { simd } from "./core.js";
import { makeLoader } from "./loader.js";

export { VitrinError } from "./core.js";
export { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

export const { loadVitrin, createVitrin } = makeLoader(async () => {
  const url = simd() ? new URL("./vitrin_core_bg.wasm", import.meta.url) : new URL("./vitrin_core_scalar_bg.wasm", import.meta.url);
  await init({ module_or_path: url });
  return wasm;
});
