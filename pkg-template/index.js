// Browser entry point: fetches and instantiates the wasm next to this file once.
import init, * as wasm from "./vitrin_core.js";
import { bind, wasmFile } from "./core.js";

export { VitrinError } from "./core.js";

let loading = null;

/** Instantiates vitrin's WebAssembly once; later calls return the same instance. */
export function loadVitrin() {
  loading ??= init({ module_or_path: new URL(`./${wasmFile()}`, import.meta.url) }).then(() => bind(wasm));
  return loading;
}

/** `loadVitrin()` then `create(options)`. */
export async function createVitrin(options) {
  return (await loadVitrin()).create(options);
}
