// Smoke run of `cargo xtask bench` inside `cargo xtask test`: every case runs once (Node
// only, 1k products) and reports numbers. Timings are never asserted: the machine is shared
// and noisy; a bench that stopped producing figures is what this catches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/repo.mjs";

test("cargo xtask bench --smoke produces a figure for every case", () => {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, "tests/bench/run.mjs"), "--smoke"], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(run.status, 0, `bench --smoke failed:\n${run.stdout}\n${run.stderr}`);
  const r = JSON.parse(readFileSync(join(REPO_ROOT, "target/bench/smoke/results.json"), "utf8"));
  const positive = (v, what) => assert.ok(Number.isFinite(v) && v > 0, `${what} is ${v}`);
  const rows = (table, what) => {
    assert.ok(table && Object.keys(table).length > 0, `${what} has no rows`);
    for (const [k, row] of Object.entries(table)) positive(row.median, `${what}: ${k}`);
  };
  rows(r.node.scoring[1000].rows, "scoring at 1k");
  rows(r.node.rules.rows, "rules");
  // Timed through the bench build's own export (target/pkg-bench/), which pkg/ lacks.
  positive(r.node.rules.rows["vitrin compiled condition in the engine"]?.median, "the condition in the engine");
  for (const k of ["track", "prompts", "create"]) rows(r.node.throughput[k], k);
  positive(r.node.cold.vitrin.totalMs.median, "cold start");
  positive(r.node.memory.afterLoad, "wasm memory after load");
  positive(r.node.bandwidth.gbPerS, "JS read bandwidth");
  assert.ok(readFileSync(join(REPO_ROOT, "target/bench/smoke/results.md"), "utf8").includes("| vitrin recommend"));
});
