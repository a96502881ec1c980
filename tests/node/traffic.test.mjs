// The traffic simulator (www/traffic.mjs): simulated visitors through the built package and its
// sync against the real vitrin-server; the server's /v1/results then reads the experiment with
// its holdout, split as configured, and the simulated effect shows in the right direction.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, startVitrinServer } from "../support/sync-server.mjs";
import { REPO_ROOT } from "../support/repo.mjs";
import { playTraffic, resultsTable } from "../../www/traffic.mjs";

const rules = {
  version: 1,
  campaigns: [{
    id: "cat-toys",
    name: "Cat toys after cat food",
    holdout: 20,
    trigger: { type: "page", page: "category" },
    prompt: { text: { tr: "Kedi oyuncaklarına göz atın", en: "Have a look at cat toys" }, products: "for_you" },
    variants: [{ id: "A", weight: 50 }, { id: "B", weight: 50 }],
  }],
};

let dir;
let server;

before(async () => {
  buildServer();
  dir = mkdtempSync(join(tmpdir(), "vitrin-traffic-"));
  writeFileSync(join(dir, "rules.json"), JSON.stringify(rules));
  // The demo's generated catalog (cargo xtask demo-catalog; cargo xtask test writes it).
  const catalog = join(REPO_ROOT, "target", "demo", "catalog.json");
  readFileSync(catalog);
  server = await startVitrinServer(["--db", join(dir, "vitrin.db"), "--catalog", catalog, "--rules", join(dir, "rules.json"), "--token", "traffic-test-token-0123", "--rate", "100000"]);
});

after(() => {
  server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("simulated visitors fill the experiment: every arm, split as configured, the strong variant ahead", async () => {
  const visitors = 600;
  const totals = await playTraffic({ server: server.base, visitors, seed: 7, runId: "traffic-test", effect: { A: 0.3, B: 0 }, concurrency: 200 });
  assert.equal(totals.visitors, visitors);
  assert.equal(totals.failed, 0, "every batch was accepted");
  const results = await (await fetch(`${server.base}/v1/results`, { headers: { authorization: "Bearer traffic-test-token-0123" } })).json();
  const c = results.campaigns.find((x) => x.id === "cat-toys");
  assert.ok(c, JSON.stringify(results));
  const arm = (id) => c.arms.find((a) => a.id === id);
  // Everyone lands on a category page, so every visitor is exposed once, in one arm.
  assert.equal(c.visitors, visitors);
  assert.deepEqual(c.arms.map((a) => a.id), ["holdout", "A", "B"]);
  assert.equal(arm("holdout").expectedShare, 0.2);
  assert.equal(c.srm.mismatch, false, `split ${c.arms.map((a) => a.visitors)}: ${c.srm.text}`);
  // A +30-point effect for A against none for B and the holdout.
  assert.ok(arm("A").conversionRate > arm("holdout").conversionRate + 0.1, resultsTable(results));
  assert.ok(arm("A").conversionUplift.absolute.low > 0, resultsTable(results));
  assert.equal(arm("A").verdict.code, "better", resultsTable(results));
  assert.notEqual(arm("B").verdict.code, "better", resultsTable(results));
  assert.match(resultsTable(results), /\| cat-toys \| A \| \d+ /);
});
