// The replay harness end to end on 200 prefixes per split, over the built pkg/: runs only
// where the Diginetica data sits beside the repository (it is not ours to ship).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../support/repo.mjs";

const DATA = join(REPO_ROOT, "..", "shared", "data", "diginetica");
const LIMIT = 200;

function assertMetrics(m, where) {
  assert.deepEqual(Object.keys(m).sort(), ["cases", "hr10", "hr20", "mrr10", "mrr20"], where);
  assert.equal(m.cases, LIMIT, `${where}.cases`);
  for (const k of ["hr20", "mrr20", "hr10", "mrr10"]) assert.ok(m[k] >= 0 && m[k] <= 100, `${where}.${k} = ${m[k]} is a percentage`);
  assert.ok(m.hr10 <= m.hr20 && m.mrr10 <= m.mrr20 && m.mrr20 <= m.hr20, `${where}: ${JSON.stringify(m)}`);
}

test("replay of 200 prefixes per split writes the result file and vitrin beats POP", {
  skip: !existsSync(DATA) && `no data at ${DATA}`,
  // A cold `cargo build --release` of the builder comes first.
  timeout: 600_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrin-replay-"));
  try {
    const out = join(dir, "diginetica.json");
    const run = spawnSync(process.execPath, ["tests/replay/run.mjs", "--data", DATA, "--limit", String(LIMIT), "--out", out], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const r = JSON.parse(readFileSync(out, "utf8"));
    for (const split of ["validation", "test"]) {
      assertMetrics(r[split], split);
      for (const name of ["pop", "itemKnn"]) assertMetrics(r.baselines[name][split], `baselines.${name}.${split}`);
      assert.ok(r[split].hr20 > r.baselines.pop[split].hr20, `${split} HR@20: vitrin ${r[split].hr20}, POP ${r.baselines.pop[split].hr20}`);
      assert.ok(r[split].mrr20 > r.baselines.pop[split].mrr20, `${split} MRR@20: vitrin ${r[split].mrr20}, POP ${r.baselines.pop[split].mrr20}`);
    }
    assert.ok(r.latencyMs.p50 > 0 && r.latencyMs.p50 <= r.latencyMs.p99, JSON.stringify(r.latencyMs));
    assert.ok(r.bundleBytes.gzip > 0 && r.bundleBytes.gzip < r.bundleBytes.raw, JSON.stringify(r.bundleBytes));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
