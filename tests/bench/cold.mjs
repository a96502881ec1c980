// One cold start in a fresh Node process (spawned by tests/bench/run.mjs), from what a
// store serves, read from disk before the clock starts: `vitrin` the binary catalog
// (catalog.bin, written by vitrin-server), `vitrin-json` and `js` the JSON catalog (text,
// parsed inside the timing). Prints JSON.
//   node tests/bench/cold.mjs vitrin|vitrin-json|js CATALOG.json
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { baselines, coldStart } from "./cases.mjs";

const [which = "vitrin", json] = process.argv.slice(2);
const importVitrin = () => import("../../pkg/node.js");
// node.js imports the glue module, so its `initSync()` returns the instance already made.
const memoryBytes = async () => (await import("../../pkg/vitrin_core.js")).initSync().memory.buffer.byteLength;
let result;
if (which === "js") {
  const text = readFileSync(json, "utf8");
  const t0 = performance.now();
  baselines(JSON.parse(text)).tuned();
  result = { totalMs: performance.now() - t0 };
} else if (which === "vitrin-json") {
  const text = readFileSync(json, "utf8");
  result = await coldStart(importVitrin, memoryBytes, () => JSON.parse(text));
} else {
  const bytes = readFileSync(json.replace(/\.json$/, ".bin"));
  result = await coldStart(importVitrin, memoryBytes, () => bytes);
}
console.log(JSON.stringify(result));
