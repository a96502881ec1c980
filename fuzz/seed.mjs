// Seeds fuzz/corpus/<target>/ for `cargo xtask fuzz`: the small hand-written inputs in
// fuzz/seeds/, plus what the repository already holds — every example rules document,
// their conditions and prompt templates, the official JsonLogic suite's [rule, data]
// pairs, the test catalog and its binary embedding table. Run from anywhere:
//   node fuzz/seed.mjs
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeCatalog } from "../tests/support/catalog.mjs";
import { vteTable } from "../tests/support/vte.mjs";

const fuzz = fileURLToPath(new URL(".", import.meta.url));
const root = join(fuzz, "..");
const TARGETS = ["rules", "catalog", "catalog_binary", "embeddings_table", "profile", "restore", "events", "template", "jsonlogic"];

const counts = {};
const put = (target, name, data) => {
  const dir = join(fuzz, "corpus", target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `seed-${name}`), data);
  counts[target] = (counts[target] ?? 0) + 1;
};

for (const target of TARGETS) {
  const dir = join(fuzz, "seeds", target);
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    // no hand-written seeds for this target
  }
  for (const name of names) {
    mkdirSync(join(fuzz, "corpus", target), { recursive: true });
    copyFileSync(join(dir, name), join(fuzz, "corpus", target, `seed-${name}`));
    counts[target] = (counts[target] ?? 0) + 1;
  }
}

/** Every value under `key` anywhere in a JSON document. */
function collect(doc, key, out = []) {
  if (Array.isArray(doc)) doc.forEach((d) => collect(d, key, out));
  else if (doc && typeof doc === "object") {
    for (const [k, v] of Object.entries(doc)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

const examples = join(root, "examples", "rules");
for (const name of readdirSync(examples).filter((n) => n.endsWith(".json"))) {
  const text = readFileSync(join(examples, name), "utf8");
  put("rules", name, text);
  const doc = JSON.parse(text);
  collect(doc, "when").forEach((when, i) => put("jsonlogic", `${name}-when-${i}`, JSON.stringify(when)));
  collect(doc, "prompt")
    .flatMap((p) => Object.values(p?.text ?? {}))
    .forEach((t, i) => put("template", `${name}-${i}.txt`, String(t)));
}

const suite = JSON.parse(readFileSync(join(root, "tests", "conformance", "jsonlogic.json"), "utf8"));
suite.filter(Array.isArray).forEach(([rule, data], i) => put("jsonlogic", `suite-${i}.json`, JSON.stringify([rule, data])));

const catalog = makeCatalog(20, 8);
put("catalog", "test-catalog.json", JSON.stringify(catalog));
// embeddings_table's first byte is the product count (mod 8) the table must cover.
const table = vteTable(catalog.products.slice(0, 7).map((p) => p.embedding));
put("embeddings_table", "vte1-7rows.bin", Buffer.concat([Buffer.from([7]), table]));

console.log(TARGETS.map((t) => `${t}: ${counts[t] ?? 0} seeds`).join(", "));
