// One cold start in a fresh Node process (spawned by tests/bench/run.mjs): the catalog is
// made first, then vitrin is imported, loaded, created and asked once; prints JSON.
//   node tests/bench/cold.mjs vitrin|js [n]
import { performance } from "node:perf_hooks";
import { baselines, coldStart, DIM } from "./cases.mjs";
import { makeCatalog } from "../support/catalog.mjs";

const [which = "vitrin", n = "10000"] = process.argv.slice(2);
const catalog = makeCatalog(Number(n), DIM);
let result;
if (which === "js") {
  const t0 = performance.now();
  baselines(catalog).tuned();
  result = { totalMs: performance.now() - t0 };
} else {
  result = await coldStart(() => import("../../pkg/node.js"), () => import("../../pkg/vitrin_core.js"), catalog);
}
console.log(JSON.stringify(result));
