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

/** The wasm at `url`, compiled while it downloads: the glue's `init` for a URL, less the instance. */
async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) {
    let message = `failed to fetch Wasm: ${response.status} ${response.statusText} fetching '${response.url}'`;
    // A bundler that emits no file for `new URL` (esbuild, Rollup without an assets plugin).
    if (response.status === 404) message += '; if your bundler did not copy the .wasm, import "vitrin/inline"';
    throw new Error(message);
  }
  try {
    return await WebAssembly.compileStreaming(response);
  } catch (e) {
    // Streaming needs the `application/wasm` type; a same-origin or CORS response served
    // with another is compiled from its bytes instead, as the glue does.
    if (!["basic", "cors", "default"].includes(response.type) || response.headers.get("Content-Type") === "application/wasm") throw e;
    console.warn("[vitrin] the server does not serve the .wasm as application/wasm: compiling it after the download (slower)", e);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}
