// Traffic simulator: plays N simulated visitors through the real package (pkg/node.js) against
// a running vitrin-server, so an experiment fills up the way it would on a live shop. Each
// visitor is one engine with memory storage, a persona's profile (www/personas.js) under an
// id of its own, the server's catalog and rules, and the SDK's own sync posting its events.
//
//   node www/traffic.mjs --server http://127.0.0.1:8787 [--token T] [--visitors 5000] [--seed 1]
//                        [--effect A=0.04,B=0.01,default=0.02] [--concurrency 250]
//
// Each simulated visitor is anonymous to the server: its sync gets an id and token from
// `POST /v1/visitors`, as a new shopper's page does. `--token` (the store's) reads the
// results at the end.
//
// The simulated truth (what the experiment should find): a visitor buys with a base
// probability (6% for a persona whose profile matches a pet campaign, 4% otherwise), plus the
// effect of the prompt they were shown: `--effect VARIANT=points` (default: the first variant
// of each campaign +4 points, every other arm +1 point). Holdout visitors never see a prompt,
// so they keep the base rate. Runs are deterministic for a seed.

import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { REPO_ROOT } from "./serve.mjs";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** mulberry32: a small seeded generator, so a run can be repeated. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseArgs(argv) {
  const out = { server: null, token: null, visitors: 1000, seed: 1, effect: null, concurrency: 250, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--server": out.server = value().replace(/\/$/, ""); break;
      case "--token": out.token = value(); break;
      case "--visitors": out.visitors = Number(value()); break;
      case "--seed": out.seed = Number(value()); break;
      case "--concurrency": out.concurrency = Number(value()); break;
      case "--effect": out.effect = Object.fromEntries((inline !== undefined ? argv[i].slice(flag.length + 1) : value()).split(",").map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)])); break;
      case "--quiet": out.quiet = true; break;
      default: throw new Error(`traffic: unknown argument ${argv[i]}`);
    }
  }
  if (!out.server) throw new Error("traffic: --server URL is required (the vitrin-server to play against)");
  if (!(out.visitors > 0) || !(out.concurrency > 0)) throw new Error("traffic: --visitors and --concurrency must be positive");
  return out;
}

/** Counts the requests the engines' syncs have in flight, so a wave ends when they are delivered. */
function trackFetch() {
  const original = globalThis.fetch;
  const state = { inFlight: 0, failed: 0 };
  globalThis.fetch = async (...args) => {
    state.inFlight++;
    try {
      const res = await original(...args);
      if (!res.ok) state.failed++;
      return res;
    } catch (e) {
      state.failed++;
      throw e;
    } finally {
      state.inFlight--;
    }
  };
  return state;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function getJson(url, token) {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!res.ok) throw new Error(`traffic: GET ${url} answered ${res.status}`);
  return res.json();
}

/** The arm's simulated effect on the chance to buy, in points. */
function effectOf(effect, rules, campaignId, variant) {
  if (effect && variant in effect) return effect[variant];
  if (effect) return 0;
  const c = rules.campaigns?.find((x) => x.id === campaignId);
  const first = c?.variants?.[0]?.id ?? "default";
  return variant === first ? 0.04 : 0.01;
}

/**
 * Plays `visitors` visitors; returns `{ visitors, prompted, purchases, revenue, failed }`.
 * `onProgress(done)` after every wave. Visitor ids are `sim-<runId>-<n>`, and ids decide the
 * arms: the default `runId` is new each run, so runs against one server do not merge; a test
 * passes its own, so the same seed splits the same visitors into the same arms every time.
 */
export async function playTraffic({ server, visitors, seed = 1, runId = `${seed}-${Date.now().toString(36)}`, effect = null, concurrency = 250, onProgress = () => {} }) {
  const { loadVitrin } = await import(pathToFileURL(join(REPO_ROOT, "pkg", "node.js")).href);
  const { PERSONAS } = await import(pathToFileURL(join(REPO_ROOT, "www", "personas.js")).href);
  const vitrin = await loadVitrin();
  const catalog = await getJson(`${server}/v1/catalog`);
  const rules = await getJson(`${server}/v1/rules`);
  const fetches = trackFetch();
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const byCategory = new Map();
  for (const p of catalog.products) {
    if (p.inStock === false) continue;
    const leaf = byCategory.get(p.category) ?? [];
    leaf.push(p);
    byCategory.set(p.category, leaf);
  }
  const leaves = [...byCategory.keys()];
  // Who comes: personas with a profile the store's server would sync, and new visitors.
  const mix = [["can", 0.4], ["new", 0.3], ["ayse", 0.15], ["mehmet", 0.15]].filter(([id]) => PERSONAS.some((p) => p.id === id));
  const personaFor = () => {
    let x = random() * mix.reduce((s, [, w]) => s + w, 0);
    for (const [id, w] of mix) if ((x -= w) < 0) return PERSONAS.find((p) => p.id === id);
    return PERSONAS[0];
  };
  const totals = { visitors: 0, prompted: 0, purchases: 0, revenue: 0, failed: 0 };

  for (let start = 0; start < visitors; start += concurrency) {
    const wave = [];
    for (let i = start; i < Math.min(visitors, start + concurrency); i++) {
      const visitorId = `sim-${runId}-${i}`;
      const persona = personaFor();
      // Visitors arrive over the last two weeks of real time, so events are dated like a live
      // shop's; an hour back at least, so a visit's last step is not ahead of the server's clock.
      let clock = Date.now() - 60 * MINUTE - Math.floor(random() * 14 * DAY);
      const base = persona.build?.(catalog, clock);
      const profile = base ? { ...base, visitorId } : { visitorId, updatedAt: clock };
      const engine = vitrin.create({
        catalog, rules, profile, storage: "memory", storageKey: `sim:${visitorId}`, locale: "tr-TR", currency: "TRY",
        now: () => clock,
        sync: { eventsUrl: `${server}/v1/events`, intervalMs: 3_600_000 },
      });
      wave.push(engine);
      let seen = null;
      const step = (event, minutes = 1 + random() * 3) => {
        clock += Math.floor(minutes * MINUTE);
        if (event) engine.track(event);
        const [prompt] = engine.prompts();
        if (prompt && !seen) {
          seen = prompt;
          engine.shown(prompt.id);
          if (random() < 0.3) engine.clicked(prompt.id);
        }
      };
      const affinity = Object.entries(profile.affinities?.category ?? {}).filter(([c]) => byCategory.has(c)).sort((a, b) => b[1] - a[1])[0]?.[0];
      const leaf = affinity && random() < 0.7 ? affinity : pick(leaves);
      step({ type: "page", page: "home" }, 0);
      step({ type: "page", page: "category", categoryId: leaf });
      const viewed = [];
      for (let k = 0, n = 1 + Math.floor(random() * 4); k < n; k++) {
        const p = pick(byCategory.get(leaf));
        viewed.push(p);
        step({ type: "view", productId: p.id });
      }
      if (random() < 0.35) step({ type: "add_to_cart", productId: viewed.at(-1).id });
      // Some leave the cart alone for a while (cart-idle campaigns speak then).
      if (random() < 0.3) step(null, 11);
      const matches = persona.id === "can" ? 0.06 : 0.04;
      const chance = matches + (seen ? effectOf(effect, rules, seen.campaignId, seen.variant ?? "default") : 0);
      if (random() < chance) {
        const ids = seen?.productIds?.length ? seen.productIds.slice(0, 1) : [viewed.at(-1).id];
        const items = ids.map((productId) => ({ productId, quantity: 1 }));
        step({ type: "purchase", orderId: `o-${visitorId}`, items }, 2);
        totals.purchases++;
        totals.revenue += ids.reduce((s, id) => s + (catalog.products.find((p) => p.id === id)?.price ?? 0), 0);
      }
      totals.prompted += seen ? 1 : 0;
      totals.visitors++;
      // Lets the syncs' sockets write what they started: a request held back for seconds
      // behind a busy loop meets the server's header timeout.
      await new Promise((r) => setImmediate(r));
    }
    // The syncs send each visitor's batch a second after its first event; wait for delivery.
    await sleep(1_100);
    while (fetches.inFlight > 0) await sleep(20);
    for (const engine of wave) engine.destroy();
    onProgress(totals.visitors);
  }
  totals.failed = fetches.failed;
  return totals;
}

/** The server's results as a text table: campaign, arm, visitors, conversion, revenue/visitor, uplift, verdict. */
export function resultsTable(results) {
  const pct = (x) => (x == null ? "–" : `${(x * 100).toFixed(2)}%`);
  const signed = (x, unit) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}${unit}`;
  const lines = ["| campaign | arm | visitors (share / planned) | converted | conversion | revenue / visitor | uplift vs holdout, points (anytime-valid 95%) | relative | verdict |", "|---|---|---|---|---|---|---|---|---|"];
  for (const c of results.campaigns) {
    for (const a of c.arms) {
      const any = a.conversionUplift?.anytime;
      const rel = a.conversionUplift?.relative;
      lines.push(`| ${c.id} | ${a.id} | ${a.visitors} (${pct(a.share)} / ${pct(a.expectedShare)}) | ${a.convertedVisitors} | ${pct(a.conversionRate)} | ${a.revenuePerVisitor?.toFixed(2) ?? "–"} | ${any ? `${signed(any.effect, "")} [${signed(any.low, "")}, ${signed(any.high, "")}]` : "–"} | ${rel ? signed(rel.effect, "%") : "–"} | ${a.verdict?.code ?? ""} |`);
    }
    if (c.srm) lines.push(`| ${c.id} | SRM | p = ${c.srm.pValue} | | | | | | ${c.srm.mismatch ? "mismatch" : "ok"} |`);
  }
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const totals = await playTraffic({
    ...args,
    onProgress: (done) => args.quiet || process.stdout.write(`\rtraffic: ${done}/${args.visitors} visitors`),
  });
  console.log(`\ntraffic: ${totals.visitors} visitors in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${totals.prompted} saw a prompt, ${totals.purchases} bought (${totals.revenue.toFixed(2)} TRY); ${totals.failed} failed requests`);
  // The server aggregates what arrived; show what a marketer now reads.
  if (args.token) console.log(resultsTable(await getJson(`${args.server}/v1/results`, args.token)));
  process.exit(0);
}
