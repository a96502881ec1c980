// Entry of the script-tag build `vitrin.global.js` (bundled by `cargo xtask build`): for
// pages without a bundler. The wasm is fetched from beside the script, wherever it is served.
import init, * as wasm from "./vitrin_core.js";
import { simd, VitrinError } from "./core.js";
import { makeLoader } from "./loader.js";
import { takeSnapshot, snapshotJson, readSnapshot } from "./snapshot.js";

// Read while the script runs: document.currentScript is null afterwards.
const base = globalThis.document?.currentScript?.src || globalThis.location?.href;

const { loadVitrin, createVitrin } = makeLoader(async () => {
  await init({ module_or_path: new URL(simd() ? "vitrin_core_bg.wasm" : "vitrin_core_scalar_bg.wasm", base) });
  return wasm;
});

globalThis.vitrin = Object.freeze({ loadVitrin, createVitrin, VitrinError, takeSnapshot, snapshotJson, readSnapshot });
