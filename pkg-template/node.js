// Node entry point: reads the wasm from the package directory instead of fetching it. The
// URLs are literal so server bundlers (Next.js route handlers and server components) copy
// the files next to their output.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as wasm from "./vitrin_core.js";
import { simd } from "./core.js";
import { makeLoader } from "./loader.js";

export { VitrinError } from "./core.js";
export { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

export const { loadVitrin, createVitrin } = makeLoader(async () => {
  const [url, file] = simd()
    ? [new URL("./vitrin_core_bg.wasm", import.meta.url), "vitrin_core_bg.wasm"]
    : [new URL("./vitrin_core_scalar_bg.wasm", import.meta.url), "vitrin_core_scalar_bg.wasm"];
  wasm.initSync({ module: await readFile(wasmPath(url, file)) });
  return wasm;
});

/**
 * Where the wasm is on disk. A bundler may have rewritten the URL into the path a browser
 * would fetch it from (Turbopack does in server components, so that server and client agree);
 * then the installed package's copy is read, found from the working directory.
 */
function wasmPath(url, file) {
  if (url.protocol === "file:") return fileURLToPath(url.href);
  return createRequire(pathToFileURL(`${process.cwd()}/`)).resolve(`vitrin/${file}`);
}
