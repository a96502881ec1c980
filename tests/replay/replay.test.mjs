// The replay harness end to end over the built pkg/: on 200 Diginetica prefixes per split
// where that data sits beside the repository (it is not ours to ship), and on a small
// synthetic shop with another repeat behaviour, which runs everywhere.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import { REPO_ROOT } from "../support/repo.mjs";
import { generate } from "./synthetic.mjs";

const DATA = join(REPO_ROOT, "..", "shared", "data", "diginetica");
const LIMIT = 200;
const BASELINES = ["pop", "sessionPop", "itemKnn", "sequentialRules"];

function replay(data, extra, out) {
  const run = spawnSync(process.execPath, ["tests/replay/run.mjs", "--data", data, "--out", out, ...extra], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return { r: JSON.parse(readFileSync(out, "utf8")), stdout: run.stdout };
}

function assertMetrics(m, where, cases = LIMIT) {
  assert.deepEqual(Object.keys(m).sort(), ["cases", "hr10", "hr20", "mrr10", "mrr20"], where);
  if (cases !== null) assert.equal(m.cases, cases, `${where}.cases`);
  for (const k of ["hr20", "mrr20", "hr10", "mrr10"]) assert.ok(m[k] >= 0 && m[k] <= 100, `${where}.${k} = ${m[k]} is a percentage`);
  assert.ok(m.hr10 <= m.hr20 && m.mrr10 <= m.mrr20 && m.mrr20 <= m.hr20, `${where}: ${JSON.stringify(m)}`);
}

test("replay of 200 prefixes per split writes the result file and vitrin beats POP", {
  skip: !existsSync(DATA) && `no data at ${DATA}`,
  // A cold `cargo build --profile server` of the builder comes first.
  timeout: 600_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrin-replay-"));
  try {
    // A small fit keeps the smoke test fast; the full replay fits on 5,000 prefixes.
    const { r } = replay(DATA, ["--limit", String(LIMIT), "--fit-cases", "300"], join(dir, "diginetica.json"));
    assert.equal(r.published?.rows?.["GCE-GNN"]?.hr20, 54.22, "Diginetica is recognised and its published rows shown");
    for (const split of ["validation", "test"]) {
      assertMetrics(r[split], split);
      for (const name of BASELINES) assertMetrics(r.baselines[name][split], `baselines.${name}.${split}`);
      assert.ok(r[split].hr20 > r.baselines.pop[split].hr20, `${split} HR@20: vitrin ${r[split].hr20}, POP ${r.baselines.pop[split].hr20}`);
      assert.ok(r[split].mrr20 > r.baselines.pop[split].mrr20, `${split} MRR@20: vitrin ${r[split].mrr20}, POP ${r.baselines.pop[split].mrr20}`);
    }
    assert.ok(r.latencyMs.p50 > 0 && r.latencyMs.p50 <= r.latencyMs.p99, JSON.stringify(r.latencyMs));
    assert.ok(r.bundleBytes.gzip > 0 && r.bundleBytes.gzip < r.bundleBytes.raw, JSON.stringify(r.bundleBytes));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a shop whose shoppers go back to what they viewed: fitted weights, baselines, no published rows", { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "vitrin-replay-shop-"));
  try {
    const data = join(dir, "shop");
    mkdirSync(data);
    const { train, test: prefixes } = generate({ sessions: 6_000, items: 800 });
    writeFileSync(join(data, "train_interactions.csv.gz"), gzipSync(train));
    writeFileSync(join(data, "test_prefixes.jsonl.gz"), gzipSync(prefixes));
    const { r, stdout } = replay(data, ["--fit-cases", "1500"], join(dir, "shop.json"));
    assert.equal(r.published, null, "no other dataset's published figures beside this shop");
    assert.doesNotMatch(stdout, /published/);
    // The builder learned this shop's repeat behaviour: a weight the defaults do not hold.
    assert.ok(r.blend.test && r.blend.test.revisitRecency !== 0.85, JSON.stringify(r.blend));
    for (const split of ["validation", "test"]) {
      assertMetrics(r[split], split, null);
      for (const name of BASELINES) {
        const b = r.baselines[name][split];
        assertMetrics(b, `baselines.${name}.${split}`, r[split].cases);
        assert.ok(r[split].hr20 >= b.hr20 && r[split].mrr20 >= b.mrr20, `${split}: vitrin ${JSON.stringify(r[split])} vs ${name} ${JSON.stringify(b)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
