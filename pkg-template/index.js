// Browser entry point: fetches and instantiates the wasm next to this file once. The two
// URLs are literal so bundlers (Vite, webpack, Turbopack) see them, emit the two
// .wasm files and rewrite the URLs; a plain page resolves them itself. esbuild and Rollup
// leave them alone and copy nothing: `vitrin/inline` (inline.js) is for them.
// By name, not `* as`: the bundle then leaves out the glue's exports core.js does not call.
// These are what `bind` reads, and `initSync`: this file fetches and compiles the wasm
// itself, as the glue's async `init` does for a URL, so the bundle leaves out `init`.
// Instantiating a compiled module synchronously is allowed on a
// page's main thread (browsers refuse only modules of megabytes).
import { initSync, create, run } from "./vitrin_core.js";
import { simd } from "./core.js";
import { makeLoader } from "./loader.js";

export { VitrinError } from "./core.js";
export { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

export const { loadVitrin, createVitrin } = makeLoader(async () => {
  const url = simd() ? new URL("./vitrin_core_bg.wasm", import.meta.url) : new URL("./vitrin_core_scalar_bg.wasm", import.meta.url);
  initSync({ module: await compile(url) });
  return { create, run };
});

/**
 * The wasm at `url`, compiled while it downloads: the glue's `init` for a URL, less the
 * instance. A failed download or a server that does not send `application/wasm` is handled
 * by fallback.js, imported only then (no page that loads normally downloads it).
 */
async function compile(url) {
  const response = await fetch(url);
  let error;
  if (response.ok) {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      error = e;
    }
  }
  return (await import("./fallback.js")).compiled(response, error);
}
