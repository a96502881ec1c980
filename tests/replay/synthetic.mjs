// Writes a small synthetic shop's session log in the replay's shape, with a repeat
// behaviour unlike Diginetica's: shoppers go back to what they already viewed about half
// the time (most often to what they viewed most), so a store whose weights were fitted on
// another shop would rank it poorly. Item ids are SKU strings, not numbers.
//
//   node tests/replay/synthetic.mjs --out DIR [--sessions N] [--items N] [--repeat P] [--seed N]
//
// DIR gets train_interactions.csv.gz (session_id,item_id,position) and
// test_prefixes.jsonl.gz (every prefix of the last 10% of sessions, items unseen in
// training dropped, as in the SR-GNN preprocessing).

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

/** Deterministic 32-bit PRNG (mulberry32), uniform in [0, 1). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index drawn with probability proportional to `weights`. */
function pick(rand, weights) {
  let total = 0;
  for (const w of weights) total += w;
  let x = rand() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

export function generate({ sessions = 12_000, items = 1_500, repeat = 0.5, seed = 7 } = {}) {
  const rand = random(seed);
  // Popularity: Zipf-like. Each item's "next" items: a few neighbours near it in a
  // hidden ordering (a product family), tried in order of closeness.
  const pop = Array.from({ length: items }, (_, i) => 1 / (i + 1) ** 0.8);
  const family = (i) => Array.from({ length: 6 }, (_, k) => (i + 1 + k + Math.floor(rand() * 3)) % items);
  const next = Array.from({ length: items }, (_, i) => family(i));
  const nextWeights = [8, 5, 3, 2, 1, 1];
  const log = [];
  for (let s = 0; s < sessions; s++) {
    const length = 2 + Math.floor(-Math.log(1 - rand()) * 4);
    const views = [pick(rand, pop)];
    while (views.length < length) {
      const last = views[views.length - 1];
      if (views.length > 1 && rand() < repeat) {
        // Back to an item of the session: the more often viewed, the likelier.
        const counts = new Map();
        for (const v of views) counts.set(v, (counts.get(v) ?? 0) + 1);
        const own = [...counts.keys()];
        views.push(own[pick(rand, own.map((v) => counts.get(v) ** 2))]);
      } else if (rand() < 0.8) {
        views.push(next[last][pick(rand, nextWeights)]);
      } else {
        views.push(pick(rand, pop));
      }
    }
    log.push(views.map((v) => `sku-${v}`));
  }
  const cut = sessions - Math.round(sessions * 0.1);
  const seen = new Set(log.slice(0, cut).flat());
  const rows = ["session_id,item_id,position"];
  log.slice(0, cut).forEach((views, s) => views.forEach((v, p) => rows.push(`${s + 1},${v},${p}`)));
  const prefixes = [];
  for (const views of log.slice(cut)) {
    const known = views.filter((v) => seen.has(v));
    for (let k = known.length - 1; k >= 1; k--) prefixes.push(JSON.stringify({ prefix: known.slice(0, k), target: known[k] }));
  }
  return { train: `${rows.join("\n")}\n`, test: `${prefixes.join("\n")}\n` };
}

function main() {
  const args = process.argv.slice(2);
  const opts = {};
  let out = null;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--out") out = resolve(value);
    else if (["--sessions", "--items", "--seed"].includes(flag)) opts[flag.slice(2)] = Number.parseInt(value, 10);
    else if (flag === "--repeat") opts.repeat = Number(value);
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!out) throw new Error("usage: node tests/replay/synthetic.mjs --out DIR [--sessions N] [--items N] [--repeat P] [--seed N]");
  const { train, test } = generate(opts);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "train_interactions.csv.gz"), gzipSync(train));
  writeFileSync(join(out, "test_prefixes.jsonl.gz"), gzipSync(test));
  console.log(`wrote ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
