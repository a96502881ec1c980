// Writes tests/HARDENING.md from the figures the hardening runs leave in target/hardening/:
//   fuzz-*.json   cargo xtask fuzz --seconds N (one file per target)
//   hostile.json  tests/node/hostile.test.mjs       (cargo xtask test runs it)
//   browser.json  tests/browser/hardening.test.mjs  (cargo xtask test runs it)
// Usage: cargo xtask fuzz --seconds 90 && cargo xtask test && node tests/hardening.mjs
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./support/repo.mjs";

const dir = join(REPO_ROOT, "target", "hardening");
const load = (name) => {
  const file = join(dir, name);
  if (!existsSync(file)) throw new Error(`${file} is missing: see the usage line at the top of tests/hardening.mjs`);
  return JSON.parse(readFileSync(file, "utf8"));
};
/** What the fuzzers and the hostile inputs found in earlier runs, and the tests that keep it fixed. */
const FOUND = [
  {
    by: "fuzz: events",
    what: "an empty search query was kept in the visitor state, which the stored-state reader refuses: the whole state (cart included) was lost on the next page",
    test: "tests/engine.rs an_empty_search_does_not_spoil_the_stored_state",
  },
  {
    by: "fuzz: catalog",
    what: "a product with an empty brand gave the visitor a brand interest keyed \"\", which the stored-state reader refuses: the state was lost on the next page",
    test: "tests/engine.rs a_blank_brand_does_not_spoil_the_stored_state",
  },
  {
    by: "hostile inputs",
    what: "JsonLogic that doubles a reduce accumulator or nests loops over constant lists ran the wasm out of memory, disabling vitrin for the page; now bounded by a work budget",
    test: "tests/hardening.rs (4 tests)",
  },
];
const ORDER = ["rules", "catalog", "embeddings_table", "profile", "restore", "events", "template", "jsonlogic"];
const fuzz = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => /^fuzz-.+\.json$/.test(f))
  .map(load)
  .sort((a, b) => ORDER.indexOf(a.target) - ORDER.indexOf(b.target));
if (fuzz.length === 0) throw new Error(`no ${dir}/fuzz-*.json: run cargo xtask fuzz --seconds N first`);
const hostile = load("hostile.json");
const browser = load("browser.json");
const n = (x) => x.toLocaleString("en-US");

const lines = [
  "# Hardening: measured",
  "",
  "Written by `node tests/hardening.mjs` from the figures of the last runs of",
  "`cargo xtask fuzz --seconds N` and `cargo xtask test` (target/hardening/*.json); do not edit by hand.",
  "",
  "## Fuzzing (cargo-fuzz, libFuzzer + AddressSanitizer, one process per target)",
  "",
  "| target | what it reads | seconds | executions | crashes |",
  "|---|---|---:|---:|---:|",
];
const WHAT = {
  rules: "rules document → validate, compile, then prompts/explain/slots",
  catalog: "catalog JSON → engine → ranking",
  catalog_binary: "binary catalog bytes → engine → ranking",
  embeddings_table: "binary VTE1 embedding table → ranking",
  profile: "server profile → ranking and prompts",
  restore: "stored visitor state (localStorage) → restore, use, snapshot round trip",
  events: "events → track, other tabs' apply_remote, same cart",
  template: "prompt template → parse, render, plain text",
  jsonlogic: "JsonLogic [rule, data] → compile, apply",
};
for (const r of fuzz) lines.push(`| ${r.target} | ${WHAT[r.target] ?? ""} | ${r.seconds} | ${n(r.executions)} | ${r.crashes.length} |`);
const execs = fuzz.reduce((s, r) => s + r.executions, 0);
const secs = fuzz.reduce((s, r) => s + r.seconds, 0);
lines.push(`| **all** | | **${secs}** (${(secs / 3600).toFixed(2)} h) | **${n(execs)}** | **${fuzz.reduce((s, r) => s + r.crashes.length, 0)}** |`, "");
lines.push(
  "### Found and fixed (each now a regression test)",
  "",
  "| found by | what | test |",
  "|---|---|---|",
  ...FOUND.map((f) => `| ${f.by} | ${f.what} | \`${f.test}\` |`),
  "",
);

const worst = hostile.cases.reduce((a, b) => (b.ms > a.ms ? b : a));
lines.push(
  "## Hostile documents (Node, the built package)",
  "",
  `${hostile.cases.length} inputs, each answered with a \`VitrinError\` (code and JSON Pointer) or a refusal, the engine usable afterwards; bound asserted ${hostile.boundMs} ms, worst measured **${worst.ms} ms** (${worst.name}).`,
  "",
  "| input | code | path | ms |",
  "|---|---|---|---:|",
  ...hostile.cases.map((c) => `| ${c.name.replace(/\|/g, "\\|")} | ${c.code ?? ""} | ${c.path === undefined ? "" : `\`${c.path}\``} | ${c.ms} |`),
  "",
  "## Storage faults (headless Chromium)",
  "",
  "| fault | reported on `error` | cart kept, ranking works |",
  "|---|---|---|",
  ...browser.storageFaults.map((f) => `| ${f.fault} | ${f.reported.join(", ") || "nothing (nothing lost)"} | ${f.cartKept ? "yes" : "NO"} |`),
  "",
  "## Tabs (headless Chromium, one store key, BroadcastChannel)",
  "",
  "| tabs | operations | lost updates | one variant in every tab | cap shared |",
  "|---:|---:|---:|---|---|",
  ...browser.tabs.map((t) => `| ${t.tabs} | ${n(t.operations)} | ${t.lost} | yes (${t.variant}) | ${t.capHeldInOtherTabs ? "yes" : "NO"} |`),
  "",
  "## Panic and CSP (headless Chromium)",
  "",
  "| check | result |",
  "|---|---|",
  `| real panic (test-panic build): page keeps working, later calls return empty results, \`error\` once per engine | ${browser.panic?.pass ? "pass" : "not run"} |`,
  `| \`${browser.csp?.policy ?? "strict CSP"}\`: loads, ranks, assistant prompt shown, 0 violations | ${browser.csp?.pass ? "pass" : "not run"} |`,
  "",
);
writeFileSync(join(REPO_ROOT, "tests", "HARDENING.md"), lines.join("\n"));
console.log(`tests/HARDENING.md: ${fuzz.length} fuzz targets, ${hostile.cases.length} hostile inputs, ${browser.storageFaults.length} storage faults, ${browser.tabs.length} tab runs`);
