// Browser entry point: fetches and instantiates the wasm next to this file once. The two
// URLs are literal so bundlers (Vite, webpack, Turbopack) see them, emit the two
// .wasm files and rewrite the URLs; a plain page resolves them itself. esbuild and Rollup
// leave them alone and copy nothing: `vitrin/inline` (inline.js) is for them.
// By name, not `* as`: the bundle then leaves out the glue's exports core.js does not call
// (`initSync`, for Node). These are what `bind` reads.
import init, { create, run } from "./vitrin_core.js";
import { simd } from "./core.js";
import { makeLoader } from "./loader.js";

export { VitrinError } from "./core.js";
export { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

export const { loadVitrin, createVitrin } = makeLoader(async () => {
  const url = simd() ? new URL("./vitrin_core_bg.wasm", import.meta.url) : new URL("./vitrin_core_scalar_bg.wasm", import.meta.url);
  await init({ module_or_path: url }).catch((e) => {
    // A bundler that emits no file for `new URL` (esbuild, Rollup without an assets plugin).
    if (/\b404\b/.test(e?.message)) e.message += '; if your bundler did not copy the .wasm, import "vitrin/inline"';
    throw e;
  });
  return { create, run };
});
