// Node entry point: reads the wasm from the package directory instead of fetching it.
import { readFile } from "node:fs/promises";
import * as wasm from "./vitrin_core.js";
import { bind, wasmFile } from "./core.js";

export { VitrinError } from "./core.js";

let loading = null;

/** Instantiates vitrin's WebAssembly once; later calls return the same instance. */
export function loadVitrin() {
  loading ??= readFile(new URL(`./${wasmFile()}`, import.meta.url)).then((bytes) => {
    wasm.initSync({ module: bytes });
    return bind(wasm);
  });
  return loading;
}

/** `loadVitrin()` then `create(options)`. */
export async function createVitrin(options) {
  return (await loadVitrin()).create(options);
}
