// The benchmark cases of `cargo xtask bench`, one module for Node and for the Chromium page
// (tests/bench/page.html): everything platform-specific comes in through `deps`, so both
// runs measure the same code against the same data. Candidates of one case run interleaved,
// round by round (A B C A B C …), so a noisy, shared machine slows them alike and the
// ratios within a run hold even when the absolute figures drift. prompts() has two vitrin
// rows (PROMPTS_ROWS): the same answer asked again, which core.js hands out from its cached
// rendering, and an answer that changes every call, parsed and rendered each time (with the
// core's answer alone at the same clocks beside them: the difference is the rendering).
import { makeCatalog } from "../support/catalog.mjs";
import { vteTable } from "../support/vte.mjs";
import { prompts as PROMPTS_CALL } from "../../pkg/calls.js";

/** The engine's clock in every case: 2027-01-15 08:00 UTC, 11:00 in the store's zone (+03:00). */
export const NOW = 1_800_000_000_000;
const MIN = 60_000;
const DAY = 86_400_000;
export const DIM = 64;
export const TOP = 20;

/** Per product, what vitrin's for_you pass reads or writes (src/scoring.rs, src/embeddings.rs):
 * an int8 row (64 B), its f32 scale, popularity, category and brand ids, the in-stock flag,
 * and the f32 score written by the dense pass and read back by the top-k selection. */
export const VITRIN_BYTES_PER_PRODUCT = DIM + 4 + 4 + 4 + 4 + 1 + 4 + 4;
/** The tuned baseline: an f32 row, popularity, price, category and brand ids, in-stock flag,
 * the score written and read back. */
export const TUNED_BYTES_PER_PRODUCT = DIM * 4 + 4 + 4 + 4 + 4 + 1 + 4 + 4;

// ---------------------------------------------------------------------------- timing

const clock = () => performance.now();

/** Lets queued microtasks and timers (vitrin's deferred storage flush, tab posts) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs `fn` `batch` times; ms per operation (`per` operations per call). */
function sample(fn, batch, per) {
  const t0 = clock();
  for (let i = 0; i < batch; i++) fn();
  return (clock() - t0) / batch / per;
}

/** Calls per sample so one sample lasts about `targetMs` (timers in browsers are coarse). */
function calibrate(fn, targetMs) {
  fn();
  let batch = 1;
  for (;;) {
    const t0 = clock();
    for (let i = 0; i < batch; i++) fn();
    const t = clock() - t0;
    if (t >= targetMs / 4 || batch >= 1 << 20) return Math.max(1, Math.ceil((batch * targetMs) / Math.max(t, 1e-3)));
    batch *= 4;
  }
}

const stats = (s) => {
  const v = [...s].sort((a, b) => a - b);
  return { median: v[Math.floor(v.length / 2)], min: v[0], max: v[v.length - 1], samples: v.length };
};

/**
 * Interleaves `candidates` ({ name: fn | { fn, per } }) for `opts.rounds` rounds; returns
 * { name: { median, min, max, samples, ratio } } in ms per operation, where `ratio` is the
 * candidate's median over the first candidate's (vitrin's) median: 5 = vitrin 5× faster.
 */
export async function interleave(candidates, opts) {
  const list = Object.entries(candidates).map(([name, c]) => ({ name, fn: c.fn ?? c, per: c.per ?? 1, s: [] }));
  // Warm-up, interleaved too: the JIT settles (optimises, deoptimises on a new shape,
  // recompiles in the background) only after it has seen the candidates take turns.
  const warm = Math.max(4 * opts.targetMs, 40);
  for (const c of list) c.warm = 0;
  while (list.some((c) => c.warm < warm)) {
    for (const c of list.filter((c) => c.warm < warm)) {
      const t0 = clock();
      c.fn();
      c.warm += clock() - t0;
    }
  }
  for (const c of list) c.batch = calibrate(c.fn, opts.targetMs);
  for (let r = 0; r < opts.rounds; r++) {
    for (const c of list) {
      c.s.push(sample(c.fn, c.batch, c.per));
      await settle();
    }
  }
  const out = {};
  const ref = stats(list[0].s).median;
  for (const c of list) {
    const st = stats(c.s);
    out[c.name] = { ...st, ratio: st.median / ref };
  }
  return out;
}

export const fmt = (ms) => (ms == null ? "–" : ms >= 1 ? `${ms.toFixed(2)} ms` : ms >= 0.001 ? `${(ms * 1000).toFixed(2)} µs` : `${(ms * 1e6).toFixed(0)} ns`);

/** How row `name` compares with the first row (vitrin): a baseline's speed-up, or for
 * another vitrin row its time as a fraction of the first's. */
export function ratioText(name, r, first, bold = "") {
  if (!r || name === first) return "";
  if (name.startsWith("vitrin")) return `${r.ratio.toFixed(2)}× the first row's time`;
  return r.ratio >= 1 ? `vitrin ${bold}${r.ratio.toFixed(1)}×${bold} faster` : `vitrin ${bold}${(1 / r.ratio).toFixed(1)}×${bold} slower`;
}

function logCase(log, title, rows) {
  log(title);
  const first = Object.keys(rows)[0];
  for (const [k, r] of Object.entries(rows)) log(`  ${k.padEnd(52)} ${fmt(r.median).padStart(10)}  (${fmt(r.min)}–${fmt(r.max)})  ${ratioText(k, r, first)}`);
}

// ---------------------------------------------------------------------------- scoring

/** The slot the scoring case asks for: for_you under a price filter and a category boost. */
export const SCORING_RULES = {
  version: 1,
  slots: {
    deals: {
      strategy: "for_you",
      limit: TOP,
      filters: [{ "<=": [{ var: "product.price" }, 40] }],
      boosts: [{ when: { in: ["shoes", { var: "product.categories" }] }, weight: 0.3 }],
    },
  },
};
const PRICE_MAX = 40;
const BOOST_CATEGORY = "shoes";
/** The scoring visitor: recent views, most recent first, and one cart line. */
const VIEWED = ["p1", "p7", "p4"];
const CART = ["p10"];

const ancestors = (path) => path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));

/**
 * Two JavaScript versions of vitrin's for_you blend (src/scoring.rs) for the scoring visitor,
 * with the slot's filter and boost applied to every product: 0.6 × cosine with the taste
 * vector (recency-weighted views and the cart) + 0.3 × category/brand affinity + 0.1 ×
 * popularity + related-list and revisit bonuses; cart items excluded; top 20. Everything
 * that depends on the visitor is recomputed per call, as vitrin does; what depends only on
 * the catalog is prepared once, as a store would.
 */
export function baselines(catalog) {
  const ps = catalog.products;
  const n = ps.length;
  const maxPop = Math.max(...ps.map((p) => p.popularity ?? 0)) || 1;
  const unit = (v) => {
    const s = Math.hypot(...v) || 1;
    return v.map((x) => x / s);
  };
  const objects = ps.map((p) => ({
    id: p.id, price: p.price, brand: p.brand, inStock: p.inStock !== false, pop: (p.popularity ?? 0) / maxPop,
    categories: ancestors(p.category), embedding: unit(p.embedding), similar: p.related?.similar ?? [],
  }));
  const byId = new Map(objects.map((p) => [p.id, p]));
  const seeds = () => [...VIEWED.map((id, k) => [id, 0.75 ** k]), ...CART.map((id) => [id, 1])];

  const idiomatic = () => {
    const q = unit(seeds().reduce((acc, [id, w]) => acc.map((x, d) => x + w * byId.get(id).embedding[d]), new Array(DIM).fill(0)));
    const bonus = new Map();
    for (const [id, w] of seeds()) byId.get(id).similar.forEach((j, r) => bonus.set(j, (bonus.get(j) ?? 0) + w / (1 + 0.15 * r)));
    VIEWED.forEach((id, k) => bonus.set(id, (bonus.get(id) ?? 0) + 2 * 0.85 ** k));
    const catInterest = {};
    const brandInterest = {};
    for (const id of VIEWED) {
      for (const c of byId.get(id).categories) catInterest[c] = (catInterest[c] ?? 0) + 1 / VIEWED.length;
      brandInterest[byId.get(id).brand] = (brandInterest[byId.get(id).brand] ?? 0) + 1 / VIEWED.length;
    }
    return objects
      .filter((p) => p.inStock && p.price <= PRICE_MAX && !CART.includes(p.id))
      .map((p) => {
        const dot = p.embedding.reduce((s, x, d) => s + x * q[d], 0);
        const affinity = p.categories.reduce((s, c) => s + (catInterest[c] ?? 0), 0) + 0.5 * (brandInterest[p.brand] ?? 0);
        const boost = p.categories.includes(BOOST_CATEGORY) ? 0.3 : 0;
        return { id: p.id, score: 0.6 * dot + 0.3 * affinity + 0.1 * p.pop + (bonus.get(p.id) ?? 0) + boost };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, TOP);
  };

  // Tuned: columns, interned categories (parents before children) and brands, a reused
  // score buffer and a bounded min-heap.
  const nodeIx = new Map();
  const parent = [];
  const intern = (path) => {
    if (!nodeIx.has(path)) {
      const cut = path.lastIndexOf("/");
      const up = cut < 0 ? -1 : intern(path.slice(0, cut));
      nodeIx.set(path, parent.length);
      parent.push(up);
    }
    return nodeIx.get(path);
  };
  const brandIx = new Map();
  const emb = new Float32Array(n * DIM);
  const pop = new Float32Array(n), price = new Float32Array(n), stock = new Uint8Array(n), cat = new Int32Array(n), brand = new Int32Array(n);
  objects.forEach((p, i) => {
    emb.set(p.embedding, i * DIM);
    pop[i] = p.pop;
    price[i] = p.price;
    stock[i] = p.inStock ? 1 : 0;
    cat[i] = intern(ps[i].category);
    if (!brandIx.has(p.brand)) brandIx.set(p.brand, brandIx.size);
    brand[i] = brandIx.get(p.brand);
  });
  const nodes = parent.length;
  const nodeParent = Int32Array.from(parent);
  const boostNode = new Float32Array(nodes);
  for (const [path, k] of nodeIx) boostNode[k] = ancestors(path).includes(BOOST_CATEGORY) ? 0.3 : 0;
  const idIx = new Map(objects.map((p, i) => [p.id, i]));
  const similar = objects.map((p) => Int32Array.from(p.similar, (id) => idIx.get(id)));
  const scores = new Float32Array(n);
  const q = new Float32Array(DIM);
  const nodeAff = new Float32Array(nodes);
  const brandAff = new Float32Array(brandIx.size);
  const heapS = new Float32Array(TOP), heapI = new Int32Array(TOP);
  const sift = (k, size) => {
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < size && heapS[l] < heapS[m]) m = l;
      if (r < size && heapS[r] < heapS[m]) m = r;
      if (m === k) return;
      const s = heapS[k], i = heapI[k];
      heapS[k] = heapS[m], heapI[k] = heapI[m], heapS[m] = s, heapI[m] = i;
      k = m;
    }
  };
  const tuned = () => {
    q.fill(0);
    nodeAff.fill(0);
    brandAff.fill(0);
    const sd = seeds().map(([id, w]) => [idIx.get(id), w]);
    for (const [i, w] of sd) for (let d = 0; d < DIM; d++) q[d] += w * emb[i * DIM + d];
    let norm = 0;
    for (let d = 0; d < DIM; d++) norm += q[d] * q[d];
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < DIM; d++) q[d] /= norm;
    for (const id of VIEWED) {
      const i = idIx.get(id);
      nodeAff[cat[i]] += 1 / VIEWED.length;
      brandAff[brand[i]] += 1 / VIEWED.length;
    }
    for (let k = 0; k < nodes; k++) if (nodeParent[k] >= 0) nodeAff[k] += nodeAff[nodeParent[k]];
    for (let i = 0; i < n; i++) {
      if (!stock[i] || price[i] > PRICE_MAX) {
        scores[i] = -Infinity;
        continue;
      }
      const o = i * DIM;
      let dot = 0;
      for (let d = 0; d < DIM; d++) dot += emb[o + d] * q[d];
      scores[i] = 0.6 * dot + 0.3 * (nodeAff[cat[i]] + 0.5 * brandAff[brand[i]]) + 0.1 * pop[i] + boostNode[cat[i]];
    }
    for (const [i, w] of sd) similar[i].forEach((j, r) => (scores[j] += w / (1 + 0.15 * r)));
    VIEWED.forEach((id, k) => (scores[idIx.get(id)] += 2 * 0.85 ** k));
    for (const id of CART) scores[idIx.get(id)] = -Infinity;
    let size = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (s === -Infinity) continue;
      if (size < TOP) {
        heapS[size] = s;
        heapI[size++] = i;
        if (size === TOP) for (let k = (TOP >> 1) - 1; k >= 0; k--) sift(k, TOP);
      } else if (s > heapS[0]) {
        heapS[0] = s;
        heapI[0] = i;
        sift(0, TOP);
      }
    }
    return Array.from(heapI.subarray(0, size)).sort((a, b) => scores[b] - scores[a] || a - b);
  };
  return { idiomatic, tuned };
}

async function scoring(deps, opts, n) {
  const catalog = makeCatalog(n, DIM);
  const engine = deps.vitrin.create({ catalog, rules: SCORING_RULES, storage: "memory", storageKey: `bench-scoring-${n}`, now: () => NOW });
  VIEWED.slice().reverse().forEach((id, k) => engine.track({ type: "view", productId: id, at: NOW - (10 - k) * MIN }));
  for (const id of CART) engine.track({ type: "add_to_cart", productId: id, at: NOW - 5 * MIN });
  const b = baselines(catalog);
  const got = [engine.recommend({ slot: "deals" }).length, b.idiomatic().length, b.tuned().length];
  if (got.some((k) => k !== TOP)) throw new Error(`scoring at ${n}: expected ${TOP} results from each candidate, got ${got}`);
  const rows = await interleave({
    "vitrin recommend(deals: for_you + filter + boost)": () => engine.recommend({ slot: "deals" }),
    "vitrin recommend(for_you), no slot rules": () => engine.recommend({ slot: "for_you", limit: TOP }),
    "JS objects + sort": b.idiomatic,
    "JS Float32Array + heap": b.tuned,
  }, opts);
  engine.destroy();
  logCase(deps.log, `scoring, ${n.toLocaleString("en")} products × ${DIM} dims, top ${TOP}`, rows);
  return { rows, bytes: { vitrin: n * VITRIN_BYTES_PER_PRODUCT, tuned: n * TUNED_BYTES_PER_PRODUCT } };
}

/**
 * Read bandwidth as JavaScript sees it: a tight sum over a Float32Array of 64 MB (larger
 * than any cache), best of a few passes. A scalar JS loop may be compute-bound below the
 * memory's limit, so this is a lower bound; the native helper gives the machine's figure.
 */
export function jsReadBandwidth(passes) {
  const a = new Float32Array(16 << 20);
  for (let i = 0; i < a.length; i++) a[i] = i & 7;
  let best = Infinity;
  let sink = 0;
  for (let p = 0; p < passes; p++) {
    const t0 = clock();
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < a.length; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    best = Math.min(best, clock() - t0);
    sink += s0 + s1 + s2 + s3;
  }
  return { gbPerS: a.byteLength / (best / 1e3) / 1e9, bytes: a.byteLength, check: sink };
}

// ---------------------------------------------------------------------------- rules

/**
 * The rules cases' timing: four times the rounds, a quarter as long each. Their calls take
 * well under a millisecond; on a shared machine a long sample is often cut into by the
 * scheduler, and more, shorter samples keep the median (and the ratio) steady.
 */
const fine = (opts) => ({ ...opts, rounds: 4 * opts.rounds, targetMs: opts.targetMs / 4 });

/** The campaign condition: 17 JsonLogic operations over cart value, category membership,
 * view counts, a time window, days since the last purchase, and a segment. */
export const CONDITION = {
  and: [
    { ">=": [{ var: "cart.value" }, 40] },
    { ">": [{ var: "cart.categories.pets/cat" }, 0] },
    { ">=": [{ var: "views.byCategory.pets" }, 3] },
    { "<=": [9, { var: "hour" }, 21] },
    { or: [{ "==": [{ var: "purchases.daysSinceLast" }, null] }, { ">": [{ var: "purchases.daysSinceLast" }, 14] }] },
    { "!": { in: ["vip", { var: "profile.segments" }] } },
  ],
};

/** The same condition for GrowthBook (Mongo-style; nested fields by dotted path). */
export const MONGO_CONDITION = {
  "cart.value": { $gte: 40 },
  "cart.categories.pets/cat": { $gt: 0 },
  "views.byCategory.pets": { $gte: 3 },
  hour: { $gte: 9, $lte: 21 },
  $or: [{ "purchases.daysSinceLast": { $exists: false } }, { "purchases.daysSinceLast": { $gt: 14 } }],
  "profile.segments": { $nin: ["vip"] },
};

/** Catalog (300 products, tests/support/catalog.mjs: p4, p10, p16, p22 are pets/cat/food at
 * 14, 20, 26, 32; p1 is shoes/casual) and the visitor both the engine and the mirror hold. */
const RULES_PROFILE = {
  visitorId: "bench-visitor", updatedAt: NOW - DAY, segments: ["newsletter"],
  purchases: [{ productId: "p16", at: NOW - 30 * DAY, quantity: 1 }],
};
function rulesVisitor(engine) {
  engine.track({ type: "page", page: "category", categoryId: "pets/cat/food", at: NOW - 10 * MIN });
  for (const [id, m] of [["p4", 9], ["p10", 8], ["p22", 7], ["p1", 6]]) engine.track({ type: "view", productId: id, at: NOW - m * MIN });
  engine.track({ type: "add_to_cart", productId: "p4", quantity: 2, at: NOW - 5 * MIN });
  engine.track({ type: "add_to_cart", productId: "p10", at: NOW - 4 * MIN });
}

/**
 * The visitor context of rulesVisitor at NOW, built by hand to mirror what the engine's
 * conditions see (src/campaigns.rs `context`; the rules reference lists the names). The
 * rules case checks, clause by clause, that vitrin's compiled evaluation agrees with
 * json-logic-js on this object.
 */
export function mirrorContext() {
  const pets = { pets: 3, "pets/cat": 3, "pets/cat/food": 3 };
  return {
    now: NOW, year: 2027, month: 1, day: 15, hour: 11, weekday: 5, locale: "en", page: "category",
    cart: { count: 3, lines: 2, value: 48, productIds: ["p4", "p10"], categories: pets, minutesSinceChange: 4 },
    views: { session: 4, byCategory: { ...pets, shoes: 1, "shoes/casual": 1 }, recent: ["p1", "p22", "p10", "p4"] },
    session: { count: 1, minutes: 10 },
    purchases: { count: 1, daysSinceLast: 30, categories: { pets: 1, "pets/cat": 1, "pets/cat/food": 1 } },
    daysSinceFirstVisit: 0.01,
    searches: [],
    profile: { name: null, segments: ["newsletter"], categoryAffinity: {}, brandAffinity: {} },
    variant: null,
  };
}

/** Mutations of the mirror for the agreement check: each flips one clause or none. */
const VARIATIONS = [
  (c) => c,
  (c) => ({ ...c, cart: { ...c.cart, value: 39.5 } }),
  (c) => ({ ...c, cart: { ...c.cart, categories: { shoes: 1 } } }),
  (c) => ({ ...c, views: { ...c.views, byCategory: { pets: 2 } } }),
  (c) => ({ ...c, hour: 22 }),
  (c) => ({ ...c, purchases: { ...c.purchases, daysSinceLast: 3 } }),
  (c) => ({ ...c, purchases: { ...c.purchases, daysSinceLast: null } }),
  (c) => ({ ...c, profile: { ...c.profile, segments: ["vip"] } }),
];

async function rules(deps, opts) {
  const { vitrin, jsonLogic, evalCondition } = deps;
  const clauses = CONDITION.and;
  const campaigns = [CONDITION, ...clauses].map((when, i) => ({ id: i ? `clause-${i}` : "campaign", trigger: { type: "always" }, when, prompt: { text: { en: "Hello" } } }));
  const engine = vitrin.create({
    catalog: makeCatalog(300, 8), profile: RULES_PROFILE, rules: { version: 1, utcOffsetMinutes: 180, campaigns },
    storage: "memory", storageKey: "bench-rules", now: () => NOW,
  });
  // The bench build's export (tests/bench/vitrin.mjs): the condition evaluated in a loop
  // inside the wasm, against the visitor context built once, as prompts() builds it.
  const raw = deps.lastRawEngine();
  const benchCondition = (id, n) => raw.benchCondition(id, n, NOW);
  rulesVisitor(engine);
  const ctx = mirrorContext();
  clauses.forEach((clause, i) => {
    const inEngine = benchCondition(`clause-${i + 1}`, 1) === 1;
    if (inEngine !== jsonLogic.truthy(jsonLogic.apply(clause, ctx))) throw new Error(`the mirrored context disagrees with the engine's on ${JSON.stringify(clause)}`);
  });
  if (benchCondition("campaign", 1) !== 1) throw new Error("the campaign condition should hold for the bench visitor");
  for (const vary of VARIATIONS) {
    const c = vary(ctx);
    const answers = [jsonLogic.truthy(jsonLogic.apply(CONDITION, c)), evalCondition(c, MONGO_CONDITION), vitrin.evaluateCondition(CONDITION, c) === true];
    if (new Set(answers).size !== 1) throw new Error(`json-logic-js, GrowthBook and vitrin disagree (${answers}) on ${JSON.stringify(c)}`);
  }
  const N = 1000;
  const rows = await interleave({
    "vitrin compiled condition in the engine": { fn: () => benchCondition("campaign", N), per: N },
    "json-logic-js apply": () => jsonLogic.apply(CONDITION, ctx),
    "GrowthBook evalCondition": () => evalCondition(ctx, MONGO_CONDITION),
    "vitrin evaluateCondition (reference: JSON both ways per call)": () => vitrin.evaluateCondition(CONDITION, ctx),
  }, fine(opts));
  engine.destroy();
  logCase(deps.log, `rules: campaign condition (17 JsonLogic operations), per evaluation`, rows);
  return { rows, operations: 17 };
}

// ---------------------------------------------------------------------------- throughput

/** 20 campaigns of every trigger kind, conditions of 1–6 clauses; several due at once. */
export function twentyCampaigns() {
  const triggers = [
    { type: "always" }, { type: "page", page: "category" }, { type: "cart_idle", minutes: 2 },
    { type: "event", event: "add_to_cart" }, { type: "browse_abandon", views: 2 }, { type: "returning" },
    { type: "event", event: "view", withinMinutes: 60 }, { type: "exit_intent" },
  ];
  return {
    version: 1, utcOffsetMinutes: 180, caps: { perSession: 5, perDay: 10 },
    campaigns: Array.from({ length: 20 }, (_, i) => ({
      id: `c${i}`, priority: (i * 7) % 11, trigger: triggers[i % triggers.length],
      when: { and: CONDITION.and.slice(0, 1 + (i % 6)) },
      schedule: { from: "2026-01-01T00:00:00+03:00", to: "2028-01-01T00:00:00+03:00" },
      caps: { perSession: 2, cooldownMinutes: 30 },
      prompt: {
        text: { en: `Offer ${i}: {{cart.count | plural: "item", "items"}} worth {{cart.value | money}}`, tr: `Teklif ${i}` },
        cta: { label: { en: "Go" }, url: "/cart" }, products: i % 2 ? "cart" : "for_you",
      },
      ...(i % 4 === 0 ? { variants: [{ id: "a", weight: 1 }, { id: "b", weight: 1 }], holdout: 10 } : {}),
    })),
  };
}

/** The prompts() case's rows: core.js keeps the last answer's rendering and hands out
 * copies while the core's answer text is unchanged, so one row asks at one clock (the
 * rendering cached, what a page asking again between events gets) and one alternates two
 * clocks whose answers differ (another campaign due), so every call parses and renders;
 * the core's answer text at those clocks alone, for reference. */
export const PROMPTS_ROWS = {
  cached: "vitrin prompts(), 20 campaigns, same answer (rendering cached)",
  changing: "vitrin prompts(), 20 campaigns, answer changing every call",
  core: "vitrin the same two clocks, the core's answer alone (no parse, no rendering)",
  js: "JS: json-logic-js over the 20 conditions only",
};

/** prompts() with 20 campaigns, against json-logic-js over the same 20 conditions on a
 * context built once (the JS side skips schedules, caps, triggers and templates). */
async function prompts(deps, opts) {
  const { vitrin, jsonLogic } = deps;
  const rulesDoc = twentyCampaigns();
  const ok = vitrin.validateRules(rulesDoc);
  if (!ok.ok) throw new Error(`the 20-campaign rules are invalid: ${JSON.stringify(ok.errors)}`);
  let now = NOW;
  const pe = vitrin.create({ catalog: makeCatalog(300, 8), profile: RULES_PROFILE, rules: rulesDoc, storage: "memory", storageKey: "bench-prompts", now: () => now });
  rulesVisitor(pe);
  const ctx = mirrorContext();
  const jsPrompts = () => rulesDoc.campaigns.filter((c) => jsonLogic.truthy(jsonLogic.apply(c.when, ctx))).sort((a, b) => b.priority - a.priority)[0];
  // Two hours later another campaign is due (the first two have a trigger window), with
  // products from the cart as at NOW (no strategy run): the alternating row never meets
  // the answer it rendered last, and the core's own work stays about the same, which the
  // core-alone row (the bench build's RawEngine behind `pe`, no parse, no rendering) shows.
  const raw = deps.lastRawEngine();
  const LATER = NOW + 120 * MIN;
  const at = (t) => ((now = t), pe.prompts());
  const [first, later] = [at(NOW), at(LATER)];
  if (first.length === 0 || later.length === 0) throw new Error("prompts() found nothing due among the 20 campaigns");
  if (first[0].text === later[0].text) throw new Error("prompts() gives the same text at both clocks: the changing row would measure the cached rendering");
  if (JSON.parse(raw.call(PROMPTS_CALL, "", LATER))[0]?.id !== later[0].id) throw new Error("the core-alone row would time another engine than prompts()'s");
  const rows = await interleave({
    [PROMPTS_ROWS.cached]: () => at(NOW),
    [PROMPTS_ROWS.changing]: () => at(now === NOW ? LATER : NOW),
    [PROMPTS_ROWS.core]: () => raw.call(PROMPTS_CALL, "", (now = now === NOW ? LATER : NOW)),
    [PROMPTS_ROWS.js]: jsPrompts,
  }, fine(opts));
  logCase(deps.log, "prompts() with 20 campaigns, per call", rows);
  pe.destroy();
  return rows;
}

async function throughput(deps, opts) {
  const { vitrin } = deps;
  const catalog = makeCatalog(1000, DIM);
  const ids = catalog.products.map((p) => p.id);
  const out = {};

  // track: view / add / page events in turn on one engine with the platform's persistence.
  deps.resetStorage?.();
  const engine = vitrin.create({ catalog, storage: deps.storage, storageKey: "bench-track", now: () => NOW });
  let k = 0;
  const event = () => {
    k++;
    return k % 5 === 0 ? { type: "add_to_cart", productId: ids[k % ids.length] } : k % 5 === 1 ? { type: "page", page: "product" } : { type: "view", productId: ids[(k * 7) % ids.length] };
  };
  const trackCases = { "vitrin track (storage write deferred to the task's end)": () => engine.track(event()) };
  if (deps.flushNow) trackCases["vitrin track + storage write every event"] = () => (engine.track(event()), deps.flushNow());
  out.track = await interleave(trackCases, opts);
  logCase(deps.log, "track, per event", out.track);
  engine.destroy();

  out.prompts = await prompts(deps, opts);

  // create with a 10k catalog to the first recommendation, the wasm already loaded; the
  // baseline prepares its columns from the same catalog object and answers once.
  const big = makeCatalog(10_000, DIM);
  const packed = { products: big.products.map(({ embedding, ...p }) => p), embeddings: vteTable(big.products.map((p) => p.embedding)) };
  const createFirst = (catalog) => () => {
    const e = vitrin.create({ catalog, rules: SCORING_RULES, storage: "memory", storageKey: "bench-create", now: () => NOW });
    e.recommend({ slot: "deals" });
    e.destroy();
  };
  out.create = await interleave({
    "vitrin create(10k) + first recommend (wasm loaded)": createFirst(big),
    "vitrin the same, embeddings as a VTE1 binary table": createFirst(packed),
    // The 10k catalog as vitrin-server writes it (tests/bench/run.mjs), when given.
    ...(deps.servedBinary ? { "vitrin the same, the binary catalog (bytes)": createFirst(deps.servedBinary) } : {}),
    "JS Float32Array + heap: prepare 10k + first answer": () => baselines(big).tuned(),
  }, { ...opts, targetMs: 0, rounds: Math.max(3, Math.ceil(opts.rounds / 2)) });
  logCase(deps.log, "create with a 10k catalog to the first recommendation (warm)", out.create);

  // Many engines in one wasm memory, then all destroyed (the traffic simulator's waves):
  // per engine, 250 at once should cost about what 25 do. An allocator whose free is
  // linear in the free blocks made the 250 case quadratic (session 15: 16 s for 250).
  const small = makeCatalog(200, DIM);
  const wave = (n) => ({
    per: n,
    fn: () => {
      const engines = [];
      for (let i = 0; i < n; i++) {
        const e = vitrin.create({ catalog: small, storage: "memory", storageKey: `bench-wave-${i}`, now: () => NOW });
        e.track({ type: "view", productId: small.products[i % 200].id });
        e.recommend({ slot: "for_you", limit: 4 });
        engines.push(e);
      }
      for (const e of engines) e.destroy();
    },
  });
  out.engines = await interleave({ "vitrin 25 engines created, then destroyed": wave(25), "vitrin 250 engines created, then destroyed": wave(250) }, { ...opts, targetMs: 0, rounds: Math.max(3, Math.ceil(opts.rounds / 2)) });
  logCase(deps.log, "many engines in one page, per engine", out.engines);
  return out;
}

// ---------------------------------------------------------------------------- start-up

/**
 * One cold start: `importVitrin()` (a fresh module: a new page, a new process), loadVitrin,
 * create with `catalog()` (what the store served made into what `create` takes: the JSON
 * parsed, or the binary catalog's bytes as they are), the first recommend; ms per phase,
 * and the wasm memory after it (`memoryBytes()`).
 */
export async function coldStart(importVitrin, memoryBytes, catalog) {
  const t0 = clock();
  const mod = await importVitrin();
  const vitrin = await mod.loadVitrin();
  const t1 = clock();
  const engine = vitrin.create({ catalog: catalog(), storage: "memory", storageKey: "bench-cold", now: () => NOW });
  const t2 = clock();
  const picks = engine.recommend({ slot: "for_you", limit: TOP });
  const t3 = clock();
  if (picks.length !== TOP) throw new Error(`cold start: ${picks.length} recommendations`);
  return { loadMs: t1 - t0, createMs: t2 - t1, firstRecommendMs: t3 - t2, totalMs: t3 - t0, memoryBytes: await memoryBytes() };
}

/** Byte length of the wasm instance's memory (the glue's `initSync()` returns the
 * instance's exports once initialised; the public API does not expose them). */
export async function wasmMemoryBytes(importCore) {
  const core = await importCore();
  return core.initSync().memory.buffer.byteLength;
}

// ---------------------------------------------------------------------------- all

/** Every in-process case; `opts` = { rounds, targetMs, sizes, rulesOnly }; with `rulesOnly`,
 * the campaign condition and prompts() only. */
export async function runAll(deps, opts) {
  if (opts.rulesOnly) return { memory: {}, rules: await rules(deps, opts), throughput: { prompts: await prompts(deps, opts) } };
  const out = { scoring: {}, memory: {} };
  out.memory.afterLoad = await wasmMemoryBytes(deps.importCore);
  out.bandwidth = jsReadBandwidth(opts.rounds > 3 ? 5 : 2);
  deps.log(`JS read bandwidth (Float32Array sum over 64 MB): ${out.bandwidth.gbPerS.toFixed(1)} GB/s`);
  for (const n of opts.sizes) {
    out.scoring[n] = await scoring(deps, opts, n);
    out.memory[`afterScoring${n}`] = await wasmMemoryBytes(deps.importCore);
  }
  out.rules = await rules(deps, opts);
  out.throughput = await throughput(deps, opts);
  out.memory.atEnd = await wasmMemoryBytes(deps.importCore);
  deps.log(`wasm memory: ${(out.memory.afterLoad / 1048576).toFixed(1)} MiB after load, ${(out.memory.atEnd / 1048576).toFixed(1)} MiB at the end (memory never shrinks)`);
  return out;
}
