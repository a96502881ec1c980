// `cargo xtask bench` (Node part): vitrin against JavaScript baselines in one run,
// interleaved A B A B so a noisy machine slows both alike. Prints medians with min–max and
// the ratio, writes target/bench/results.json. A report, not a test: nothing here fails.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import jsonLogic from "json-logic-js";
import { createVitrin, loadVitrin } from "../../pkg/node.js";

const ROUNDS = 15;
const root = new URL("../../", import.meta.url);

function rng(seed) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** n products, 64-dim embeddings, 20 categories, related lists, popularity. */
function makeCatalog(n, dim = 64) {
  const r = rng(7);
  const products = [];
  for (let i = 0; i < n; i++) {
    const c = i % 20;
    products.push({
      id: `p${i}`, title: `Product ${i}`, category: `dept${c % 4}/cat${c}`, brand: `b${i % 13}`, price: 10 + (i % 90),
      inStock: i % 17 !== 0, popularity: Math.floor(r() * 1000),
      embedding: Array.from({ length: dim }, (_, d) => (d % 20 === c ? 1 : 0) + r() - 0.5),
      related: { similar: [1, 2, 3].map((k) => `p${(i + k * 20) % n}`) },
    });
  }
  return { products };
}

/** Times `fn` run `batch` times; returns ms per call. */
function time(fn, batch) {
  const t0 = performance.now();
  for (let i = 0; i < batch; i++) fn();
  return (performance.now() - t0) / batch;
}

/** Interleaves the candidates round by round; returns per-candidate sorted samples. */
function interleave(candidates, batch) {
  const samples = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
  for (const fn of Object.values(candidates)) time(fn, batch); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(candidates)) samples[k].push(time(fn, batch));
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, s.sort((a, b) => a - b)]));
}

const stats = (s) => ({ median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] });
const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(2)} µs`);

function report(title, samples, base) {
  console.log(`\n${title}`);
  const out = {};
  const ref = stats(samples[base]).median;
  for (const [k, s] of Object.entries(samples)) {
    const st = stats(s);
    out[k] = { ...st, ratioVsVitrin: st.median / ref };
    console.log(`  ${k.padEnd(34)} ${fmt(st.median).padStart(10)}  (${fmt(st.min)}–${fmt(st.max)})  ${k === base ? "" : `${(st.median / ref).toFixed(2)}× vitrin's time`}`);
  }
  return out;
}

/** The same blend as for_you (src/scoring.rs) for a visitor with three recent views. */
function baselines(catalog, viewed) {
  const ps = catalog.products;
  const n = ps.length;
  const dim = ps[0].embedding.length;
  const norm = (v) => { const s = Math.hypot(...v) || 1; return v.map((x) => x / s); };
  const objects = ps.map((p) => ({ ...p, embedding: norm(p.embedding), pop: p.popularity / 1000 }));
  const idx = new Map(ps.map((p, i) => [p.id, i]));
  const query = norm(viewed.reduce((q, id, k) => q.map((x, d) => x + 0.75 ** k * objects[idx.get(id)].embedding[d]), new Array(dim).fill(0)));
  const idiomatic = () => objects
    .filter((p) => p.inStock !== false)
    .map((p) => ({ id: p.id, score: 0.6 * p.embedding.reduce((s, x, d) => s + x * query[d], 0) + 0.1 * p.pop }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 20);
  const emb = new Float32Array(n * dim);
  objects.forEach((p, i) => emb.set(p.embedding, i * dim));
  const pop = Float32Array.from(objects, (p) => p.pop);
  const stock = Uint8Array.from(objects, (p) => (p.inStock === false ? 0 : 1));
  const q = Float32Array.from(query);
  const heapS = new Float32Array(20), heapI = new Int32Array(20);
  const tuned = () => {
    let size = 0;
    for (let i = 0; i < n; i++) {
      if (!stock[i]) continue;
      let s = 0;
      const o = i * dim;
      for (let d = 0; d < dim; d++) s += emb[o + d] * q[d];
      s = 0.6 * s + 0.1 * pop[i];
      if (size < 20) { heapS[size] = s; heapI[size++] = i; if (size === 20) for (let k = 9; k >= 0; k--) sift(k); }
      else if (s > heapS[0]) { heapS[0] = s; heapI[0] = i; sift(0); }
    }
    return heapI;
  };
  function sift(k) {
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < 20 && heapS[l] < heapS[m]) m = l;
      if (r < 20 && heapS[r] < heapS[m]) m = r;
      if (m === k) return;
      [heapS[k], heapS[m]] = [heapS[m], heapS[k]];
      [heapI[k], heapI[m]] = [heapI[m], heapI[k]];
      k = m;
    }
  }
  return { idiomatic, tuned, bytes: n * dim * 4 + n * 9 };
}

const results = { machine: { node: process.version }, scoring: {}, rules: {}, size: {} };
for (const n of [1_000, 10_000]) {
  const catalog = makeCatalog(n);
  const engine = await createVitrin({ catalog, storage: "memory", storageKey: `bench${n}`, now: () => 1_800_000_000_000 });
  const viewed = ["p3", "p23", "p43"];
  for (const id of viewed) engine.track({ type: "view", productId: id });
  const b = baselines(catalog, viewed);
  const samples = interleave({
    "vitrin recommend(for_you, 20)": () => engine.recommend({ slot: "for_you", limit: 20 }),
    "JS objects + sort": b.idiomatic,
    "JS Float32Array + heap": b.tuned,
  }, n >= 10_000 ? 20 : 200);
  results.scoring[n] = { ...report(`scoring, ${n.toLocaleString("en")} products × 64 dims (embedding bytes touched per call ≈ ${(b.bytes / 1e6).toFixed(1)} MB)`, samples, "vitrin recommend(for_you, 20)"), bytesTouched: b.bytes };
  engine.destroy();
}

const condition = { and: [
  { ">=": [{ var: "cart.value" }, 200] },
  { in: ["fashion/shoes", { var: "cart.categories" }] },
  { ">=": [{ var: "views.session" }, 3] },
  { "<=": [9, { var: "hour" }, 21] },
  { or: [{ "==": [{ var: "purchases.daysSinceLast" }, null] }, { ">": [{ var: "purchases.daysSinceLast" }, 14] }] },
] };
const data = { cart: { value: 350, categories: ["fashion", "fashion/shoes"] }, views: { session: 4 }, hour: 14, purchases: { daysSinceLast: 30 } };
const vitrin = await loadVitrin();
if (vitrin.evaluateCondition(condition, data) !== jsonLogic.apply(condition, data)) throw new Error("vitrin and json-logic-js disagree");
results.rules = report("rules: a 15-node campaign condition", interleave({
  "vitrin evaluateCondition (per-call JSON boundary)": () => vitrin.evaluateCondition(condition, data),
  "json-logic-js apply": () => jsonLogic.apply(condition, data),
}, 2000), "vitrin evaluateCondition (per-call JSON boundary)");
console.log("  (the engine evaluates compiled conditions against a context built once per prompts() call; that figure is not measured yet)");

try {
  results.size = JSON.parse(readFileSync(new URL("target/size.json", root), "utf8"));
  console.log(`\nsize: see the table of cargo xtask build (target/size.json); published: GrowthBook 15.1 KB gz, Optimizely 30.5 KB gz, Adobe decisioning ~56 KB gz`);
} catch {
  console.log("\nsize: target/size.json missing (run cargo xtask build)");
}
mkdirSync(new URL("target/bench/", root), { recursive: true });
writeFileSync(new URL("target/bench/results.json", root), JSON.stringify(results, null, 2));
console.log("\nwrote target/bench/results.json");
