// Replays real shopping sessions through the built package exactly as a storefront runs
// it: the catalog from `vitrin-server build`, one engine with memory storage, and per
// session prefix `forget()`, one `view` event per item, then `recommend` on the
// `for_you` slot. Scores next-item HR/MRR against the harness baselines computed here
// (POP, S-POP, item-kNN on the last item, sequential rules) and, for a dataset whose
// figures are published, those (shared/data/README.md has the protocol).
//
//   node tests/replay/run.mjs --data DIR [--pkg DIR] [--limit N] [--fit-cases N] [--out FILE] [--builder plans]
//
// DIR holds train_interactions.csv.gz and test_prefixes.jsonl.gz (any shop's log in that
// shape). The builder fits the engine's weights on the last sessions of each catalog's own
// training log (--fit-cases: prefixes replayed per trial); the validation split (the last
// 10% of the training sessions, held out of its catalog) checks them; the test split is
// for the final figure only.
// `--builder plans` builds both catalogs with the DataFusion plans over the session log
// imported as a Parquet event log (server/README.md) instead of the hand-written builder:
// the figures must not change.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { PKG_DIR, REPO_ROOT } from "../support/repo.mjs";

const USAGE = "usage: node tests/replay/run.mjs --data DIR [--pkg DIR] [--limit N] [--fit-cases N] [--out FILE] [--builder plans] [--rules FILE]";
const SLOT = "for_you";
const K = 20;
const HOLDOUT = 0.1;
// Published HR@20 / MRR@20, per dataset, recognised by its size (training rows, test
// prefixes) rather than its folder name, so no other shop is ever compared with them.
const PUBLISHED = [
  {
    name: "Diginetica (SR-GNN split)",
    trainRows: 906_140,
    testCases: 60_858,
    rows: {
      // SR-GNN paper, Table 2; then GCE-GNN (SIGIR 2020), COTREC (CIKM 2021), S2-DHCN (AAAI 2021).
      "Item-KNN": [35.75, 11.57],
      NARM: [49.7, 16.17],
      "SR-GNN": [50.73, 17.59],
      "S2-DHCN": [53.66, 18.51],
      COTREC: [54.18, 19.07],
      "GCE-GNN": [54.22, 19.04],
    },
  },
];
// GRU4Rec's item-kNN regularisation: sim = co / (sqrt(n_i * n_j) + LAMBDA).
const KNN_LAMBDA = 20;

function parseArgs(argv) {
  const opts = { data: null, pkg: PKG_DIR, limit: Infinity, fitCases: null, out: null, builder: "hand", rules: null };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value\n${USAGE}`);
      return argv[++i];
    };
    switch (argv[i]) {
      case "--data": opts.data = resolve(value()); break;
      case "--pkg": opts.pkg = resolve(value()); break;
      case "--out": opts.out = resolve(value()); break;
      case "--builder": {
        opts.builder = value();
        if (!["hand", "plans"].includes(opts.builder)) throw new Error(`--builder is hand or plans\n${USAGE}`);
        break;
      }
      // Rules the engine runs with, e.g. tests/replay/diversity-off.json to measure the slot
      // without the storefront's default variety.
      case "--rules": opts.rules = JSON.parse(readFileSync(resolve(value()), "utf8")); break;
      case "--limit":
      case "--fit-cases": {
        const flag = argv[i];
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number\n${USAGE}`);
        if (flag === "--limit") opts.limit = n;
        else opts.fitCases = n;
        break;
      }
      default: throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  if (!opts.data) throw new Error(USAGE);
  opts.out ??= join(REPO_ROOT, "target", "replay", `${basename(opts.data)}.json`);
  return opts;
}

/** `vitrin-server …` (its optimised build; with the plans when they build), its report echoed. */
function server(args, features = []) {
  const r = spawnSync("cargo", ["run", "--profile", "server", "--quiet", "-p", "vitrin-server", ...features, "--", ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`vitrin-server ${args[0]} failed (${r.error?.message ?? `exit ${r.status}`})`);
  for (const line of r.stdout.trimEnd().split("\n")) console.log(`  builder: ${line}`);
}

let features = [];
const build = (args) => server(["build", ...args], features);

function lines(file) {
  const bytes = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  return text.split("\n").filter((l) => l.trim() !== "");
}

/** Prefix cases with ids as strings (the catalog's ids), and how many the file holds. */
function readCases(file, limit) {
  const out = [];
  const all = lines(file);
  for (const line of all) {
    if (out.length >= limit) break;
    const { prefix, target } = JSON.parse(line);
    out.push({ prefix: prefix.map(String), target: String(target) });
  }
  return { cases: out, total: all.length };
}

/** Sessions of the log in file order, items ordered by position (the grouping the builder
 *  uses), and the log's row count. */
function readSessions(file) {
  const sessions = [];
  let count = 0;
  let id = null;
  let rows = [];
  const flush = () => {
    if (rows.length) sessions.push(rows.sort((a, b) => a[0] - b[0]).map((r) => r[1]));
    rows = [];
  };
  for (const [n, line] of lines(file).entries()) {
    if (n === 0 && line.startsWith("session_id,")) continue;
    const [session, item, position] = line.trim().split(",");
    if (session !== id) {
      flush();
      id = session;
    }
    rows.push([Number(position), item]);
    count++;
  }
  flush();
  return { sessions, rows: count };
}

function newMetrics() {
  return { hr20: 0, mrr20: 0, hr10: 0, mrr10: 0, cases: 0 };
}

function score(m, list, target) {
  m.cases++;
  const rank = list.indexOf(target);
  if (rank < 0 || rank >= 20) return;
  m.hr20++;
  m.mrr20 += 1 / (rank + 1);
  if (rank < 10) {
    m.hr10++;
    m.mrr10 += 1 / (rank + 1);
  }
}

/** Sums to percentages, two decimals. */
function finish(m) {
  const pct = (x) => Math.round((10000 * x) / Math.max(m.cases, 1)) / 100;
  return { hr20: pct(m.hr20), mrr20: pct(m.mrr20), hr10: pct(m.hr10), mrr10: pct(m.mrr10), cases: m.cases };
}

/** The engine as a storefront runs it; returns metrics and every recommend latency (ms). */
async function replayEngine(createVitrin, catalog, cases, rules) {
  let clock = Date.UTC(2026, 0, 1);
  const engine = await createVitrin({ catalog, storage: "memory", now: () => clock, ...(rules && { rules }) });
  const known = new Set(catalog.products.map((p) => p.id));
  const m = newMetrics();
  const latencies = new Float64Array(cases.length);
  for (const [n, { prefix, target }] of cases.entries()) {
    engine.forget();
    clock += 3_600_000; // a new visitor, well past the 30-minute session gap
    for (const productId of prefix) {
      // A storefront only reports products it sells; items outside the catalog are skipped.
      if (!known.has(productId)) continue;
      clock += 30_000;
      engine.track({ type: "view", productId, at: clock });
    }
    clock += 5_000;
    const t0 = performance.now();
    const recs = engine.recommend({ slot: SLOT, limit: K });
    latencies[n] = performance.now() - t0;
    score(m, recs.map((r) => r.productId), target);
  }
  engine.destroy();
  return { metrics: finish(m), latencies };
}

/** Training view counts per item. */
function viewCounts(train) {
  const counts = new Map();
  for (const s of train) for (const item of s) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** POP: the K items viewed most often in training, for every case. */
function popBaseline(train) {
  const top = [...viewCounts(train)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, K).map((e) => e[0]);
  return () => top;
}

/**
 * S-POP: the session's own items, most often viewed in it first (ties: the more popular
 * in training), then POP's list for the rest.
 */
function sessionPopBaseline(train) {
  const counts = viewCounts(train);
  const pop = popBaseline(train)();
  return (prefix) => {
    const inSession = new Map();
    for (const item of prefix) inSession.set(item, (inSession.get(item) ?? 0) + 1);
    const own = [...inSession].sort((a, b) => b[1] - a[1] || (counts.get(b[0]) ?? 0) - (counts.get(a[0]) ?? 0)).map((e) => e[0]);
    for (const item of pop) {
      if (own.length >= K) break;
      if (!inSession.has(item)) own.push(item);
    }
    return own.slice(0, K);
  };
}

/**
 * Sequential rules (Ludewig & Jannach 2018, "SR"): item b viewed up to SR_STEPS views after
 * item a makes a rule a → b weighing 1/distance; the last item's strongest rules.
 */
const SR_STEPS = 10;
function sequentialRulesBaseline(train) {
  const index = new Map();
  const ids = [];
  const intern = (id) => {
    let ix = index.get(id);
    if (ix === undefined) {
      index.set(id, (ix = ids.length));
      ids.push(id);
    }
    return ix;
  };
  const sessions = train.map((s) => Int32Array.from(s, intern));
  // Occurrences item → (session, position), as an offset table.
  const n = ids.length;
  const start = new Int32Array(n + 1);
  for (const s of sessions) for (const i of s) start[i + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const occSession = new Int32Array(start[n]);
  const occPos = new Int32Array(start[n]);
  sessions.forEach((s, k) => s.forEach((i, p) => {
    occSession[fill[i]] = k;
    occPos[fill[i]++] = p;
  }));
  const weight = new Float64Array(n);
  const cache = new Map();
  return (prefix) => {
    const last = index.get(prefix[prefix.length - 1]);
    if (last === undefined) return [];
    let list = cache.get(last);
    if (list) return list;
    const touched = [];
    for (let o = start[last]; o < start[last + 1]; o++) {
      const s = sessions[occSession[o]];
      for (let d = 1; d <= SR_STEPS && occPos[o] + d < s.length; d++) {
        const j = s[occPos[o] + d];
        if (j === last) continue;
        if (weight[j] === 0) touched.push(j);
        weight[j] += 1 / d;
      }
    }
    list = touched.map((j) => [j, weight[j]]).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, K).map((e) => ids[e[0]]);
    for (const j of touched) weight[j] = 0;
    cache.set(last, list);
    return list;
  };
}

/**
 * Item-KNN as in the published row: the K items whose session-co-occurrence cosine
 * (regularised) with the prefix's last item is highest.
 */
function itemKnnBaseline(train) {
  const index = new Map();
  const intern = (id) => {
    let ix = index.get(id);
    if (ix === undefined) index.set(id, (ix = index.size));
    return ix;
  };
  const sessions = train.map((s) => Int32Array.from(new Set(s.map(intern))));
  const n = index.size;
  const ids = new Array(n);
  for (const [id, ix] of index) ids[ix] = id;
  const support = new Int32Array(n);
  for (const s of sessions) for (const i of s) support[i]++;
  // Inverted index item → sessions, as offset table.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + support[i];
  const fill = start.slice(0, n);
  const bySession = new Int32Array(start[n]);
  sessions.forEach((s, k) => s.forEach((i) => (bySession[fill[i]++] = k)));
  const co = new Float64Array(n);
  const cache = new Map();
  return (prefix) => {
    const last = index.get(prefix[prefix.length - 1]);
    if (last === undefined) return [];
    let list = cache.get(last);
    if (list) return list;
    const touched = [];
    for (let p = start[last]; p < start[last + 1]; p++) {
      for (const j of sessions[bySession[p]]) {
        if (j === last) continue;
        if (co[j] === 0) touched.push(j);
        co[j]++;
      }
    }
    const sims = touched.map((j) => [j, co[j] / (Math.sqrt(support[last] * support[j]) + KNN_LAMBDA)]);
    for (const j of touched) co[j] = 0;
    list = sims.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, K).map((e) => ids[e[0]]);
    cache.set(last, list);
    return list;
  };
}

function baseline(recommend, cases) {
  const m = newMetrics();
  for (const { prefix, target } of cases) score(m, recommend(prefix), target);
  return finish(m);
}

function percentile(sorted, q) {
  return sorted.length ? Math.round(sorted[Math.floor(q * (sorted.length - 1))] * 1000) / 1000 : 0;
}

/** The harness baselines, computed from each split's training sessions. */
const BASELINES = [
  ["pop", "POP", popBaseline],
  ["sessionPop", "S-POP", sessionPopBaseline],
  ["itemKnn", "item-KNN (last item)", itemKnnBaseline],
  ["sequentialRules", "sequential rules", sequentialRulesBaseline],
];

function table(result) {
  const rows = [["vitrin (for_you)", result.validation, result.test]];
  for (const [key, label] of BASELINES) rows.push([label, result.baselines[key].validation, result.baselines[key].test]);
  const f = (x) => x.toFixed(2).padStart(7);
  const out = [`${"".padEnd(22)}${"validation: HR@20  MRR@20   HR@10  MRR@10".padEnd(44)}   test: HR@20  MRR@20   HR@10  MRR@10`];
  for (const [name, v, t] of rows) {
    out.push(`${name.padEnd(22)}${" ".repeat(10)}${f(v.hr20)} ${f(v.mrr20)} ${f(v.hr10)} ${f(v.mrr10)}${" ".repeat(11)}${f(t.hr20)} ${f(t.mrr20)} ${f(t.hr10)} ${f(t.mrr10)}`);
  }
  if (result.published) {
    out.push(`published on ${result.published.dataset}:`);
    for (const [name, { hr20, mrr20 }] of Object.entries(result.published.rows)) {
      out.push(`${`${name}`.padEnd(22)}${" ".repeat(54)}     ${f(hr20)} ${f(mrr20)}`);
    }
  }
  out.push(`cases: validation ${result.validation.cases}, test ${result.test.cases}`);
  return out.join("\n");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const name = basename(opts.data);
  const sessionsFile = join(opts.data, "train_interactions.csv.gz");
  const testFile = join(opts.data, "test_prefixes.jsonl.gz");
  // Beside the result file, so that runs writing elsewhere (the node test) do not collide.
  const work = join(dirname(opts.out), name);
  mkdirSync(work, { recursive: true });
  const files = {
    validationCatalog: join(work, "validation-catalog.json"),
    validationCases: join(work, "validation-prefixes.jsonl"),
    testCatalog: join(work, "test-catalog.json"),
  };

  const fit = opts.fitCases ? ["--fit-cases", String(opts.fitCases)] : [];
  let source = ["--sessions", sessionsFile];
  if (opts.builder === "plans") {
    features = ["--features", "plans"];
    const log = join(work, "event-log");
    rmSync(log, { recursive: true, force: true });
    server(["log", "import-sessions", "--sessions", sessionsFile, "--to", log], features);
    source = ["--log", log];
  }
  console.log(`replay ${name}: building the validation catalog (last ${HOLDOUT * 100}% of training sessions held out)`);
  build([...source, "--holdout-last-fraction", String(HOLDOUT), "--validation-out", files.validationCases, "--out", files.validationCatalog, ...fit]);
  console.log(`replay ${name}: building the test catalog (all training sessions)`);
  build([...source, "--out", files.testCatalog, ...fit]);

  const { createVitrin } = await import(pathToFileURL(join(opts.pkg, "node.js")).href);
  const { sessions, rows } = readSessions(sessionsFile);
  const modelSessions = sessions.length - Math.round(sessions.length * HOLDOUT);
  const test = readCases(testFile, opts.limit);
  const splits = {
    validation: { catalog: files.validationCatalog, cases: readCases(files.validationCases, opts.limit).cases, train: sessions.slice(0, modelSessions) },
    test: { catalog: files.testCatalog, cases: test.cases, train: sessions },
  };
  const published = PUBLISHED.find((p) => p.trainRows === rows && p.testCases === test.total);

  const result = { slot: SLOT, limit: K, validation: null, test: null, latencyMs: null, bundleBytes: null, blend: {}, baselines: Object.fromEntries(BASELINES.map(([key]) => [key, {}])) };
  for (const [split, { catalog, cases, train }] of Object.entries(splits)) {
    const t0 = performance.now();
    const bytes = readFileSync(catalog);
    const doc = JSON.parse(bytes.toString("utf8"));
    result.blend[split] = doc.blend ?? null;
    const { metrics, latencies } = await replayEngine(createVitrin, doc, cases, opts.rules);
    result[split] = metrics;
    for (const [key, , make] of BASELINES) result.baselines[key][split] = baseline(make(train), cases);
    console.log(`replay ${name}: ${split}: ${cases.length} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (split === "test") {
      // What ships: the full catalog, and the latency a visitor sees with it.
      const sorted = Array.from(latencies).sort((a, b) => a - b);
      result.latencyMs = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
      result.bundleBytes = { raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length };
    }
  }
  result.published = published ? { dataset: published.name, rows: Object.fromEntries(Object.entries(published.rows).map(([k, [hr20, mrr20]]) => [k, { hr20, mrr20 }])) } : null;
  result.casesLimit = Number.isFinite(opts.limit) ? opts.limit : null;
  result.rules = opts.rules;
  result.seconds = Math.round((performance.now() - started) / 100) / 10;

  console.log(`\nslot "${SLOT}", limit ${K}, no productId: the personalised slot a storefront shows on its home page or beside a product, fed by the session's views`);
  console.log(table(result));
  console.log(`recommend latency (test): p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`);
  console.log(`catalog bundle (test): ${result.bundleBytes.raw} bytes raw, ${result.bundleBytes.gzip} bytes gzip`);
  console.log(`fitted blend (test catalog): ${JSON.stringify(result.blend.test)}`);
  console.log(`replay took ${result.seconds} s`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${opts.out}`);
}

main().catch((e) => {
  console.error(`replay: ${e.message}`);
  process.exit(1);
});
