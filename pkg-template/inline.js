// Entry for bundlers that do not emit files named by `new URL(…, import.meta.url)` (esbuild,
// Rollup without an assets plugin): the SIMD wasm travels inside the JavaScript, gzipped and
// base64-encoded by `cargo xtask build` (vitrin_core_inline.js), so there is no file to copy
// and no URL to get right. It costs ~1.3× the .wasm's bytes on disk and about the same over a
// gzip/brotli connection (base64 of compressed bytes recompresses to ~¾); it cannot be cached
// apart from your bundle. Needs WebAssembly SIMD128 and DecompressionStream (Chrome 91,
// Firefox 113, Safari 16.4): older browsers get `load_failed`; serve them the default entry.
import init, * as wasm from "./vitrin_core.js";
import { simd } from "./core.js";
import { makeLoader } from "./loader.js";
import packed from "./vitrin_core_inline.js";

export { VitrinError } from "./core.js";
export { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

export const { loadVitrin, createVitrin } = makeLoader(async () => {
  if (!simd() || typeof DecompressionStream !== "function") {
    throw new Error("vitrin/inline needs WebAssembly SIMD128 and DecompressionStream; import \"vitrin\" for this browser");
  }
  const gzipped = Uint8Array.fromBase64 ? Uint8Array.fromBase64(packed) : Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream("gzip"));
  // A Response with the wasm type: compiled while it is decompressed (instantiateStreaming).
  await init({ module_or_path: new Response(stream, { headers: { "content-type": "application/wasm" } }) });
  return wasm;
});
