// Edge entry point (Cloudflare Workers, Vercel Edge, Next.js edge routes): these runtimes
// forbid compiling wasm from bytes, so the module is imported precompiled; their bundlers
// turn a `.wasm?module` import into a WebAssembly.Module. Edge runtimes all run SIMD128.
import module from "./vitrin_core_bg.wasm?module";
import init, * as wasm from "./vitrin_core.js";
import { makeLoader } from "./loader.js";

export { VitrinError } from "./core.js";
export { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

export const { loadVitrin, createVitrin } = makeLoader(async () => {
  // The asynchronous init, not initSync: `next start` runs edge code in a VM context whose
  // WebAssembly.Module is not the one the module was compiled with, and only
  // WebAssembly.instantiate accepts a module from another context.
  await init({ module_or_path: module });
  return wasm;
});
