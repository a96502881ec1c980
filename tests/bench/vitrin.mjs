// The vitrin the in-process bench cases run, in Node and in the bench page: pkg/'s own
// JavaScript (loader.js, core.js) over the bench's build of the wasm in target/pkg-bench/
// (`cargo xtask bench` builds it as pkg/'s SIMD wasm is built, with the cargo feature
// `bench`: the export `benchCondition`, which no storefront downloads). The cold starts load
// pkg/ itself.
import * as glue from "../../target/pkg-bench/vitrin_core.js";
import { makeLoader } from "../../pkg/loader.js";

const WASM = new URL("../../target/pkg-bench/vitrin_core_bg.wasm", import.meta.url);
let lastRaw = null;

export const { loadVitrin } = makeLoader(async () => {
  // Node's fetch reads no file: URL; a page fetches (and compiles while downloading).
  const source = WASM.protocol === "file:" ? await (await import("node:fs/promises")).readFile(WASM) : WASM;
  await glue.default({ module_or_path: source });
  // core.js builds each engine's RawEngine with `wasm.create(…)`: kept, so that the rules
  // case can call the bench's export on the engine it set up through the public API.
  return { ...glue, create: (...args) => (lastRaw = withBench(glue.create(...args))) };
});

/**
 * `raw` with `benchCondition(campaignId, iterations, now)`: the bench build's export
 * (src/web/bindings.rs), which pkg/'s glue does not know; the id passed as the glue passes text.
 */
function withBench(raw) {
  raw.benchCondition = (id, iterations, now) => {
    const wasm = glue.initSync();
    const bytes = new TextEncoder().encode(id);
    const at = wasm.alloc(0, 0, bytes.length);
    new Uint8Array(wasm.memory.buffer, at, bytes.length).set(bytes);
    const held = wasm.benchCondition(raw.at, at, bytes.length, iterations, now);
    return held < 0 ? undefined : held;
  };
  return raw;
}

/** The glue's engine behind the last `create()`, with its `benchCondition`. */
export const lastRawEngine = () => lastRaw;

/** The bench build's glue module: `wasmMemoryBytes` reads its instance's memory. */
export const importCore = () => import("../../target/pkg-bench/vitrin_core.js");
