// Orders the wasm's functions so that similar ones sit side by side, where gzip's 32 KiB
// window (and brotli's) finds their shared byte runs: a greedy walk from the first function
// to the most similar one left (Jaccard similarity of the 3-word shingles of their
// instruction text). Deterministic: the same input gives the same bytes.
// `cargo xtask build` runs it after wasm-opt, then wasm-opt -O1 once more (xtask/src/build.rs).
//   node xtask/order-functions.mjs IN.wasm OUT.wasm
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
const m = binaryen.readBinary(readFileSync(input));
const F = binaryen.Features;
m.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.SignExt | F.ReferenceTypes | F.Multivalue | F.CallIndirectOverlong);

const fns = [];
for (let i = 0; i < m.getNumFunctions(); i++) {
  const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
  if (info.module) continue; // imports stay where they are
  // Names are kept in the text: the built wasm has none, so they are the numbers of locals
  // and callees, which is what makes two bodies' bytes alike (names replaced by one mark
  // gave 554 B gzip more).
  const words = binaryen.emitText(info.body).split(/\s+/);
  const shingles = new Set();
  for (let j = 0; j + 2 < words.length; j++) shingles.add(`${words[j]} ${words[j + 1]} ${words[j + 2]}`);
  fns.push({ ...info, shingles });
}
const similarity = (a, b) => {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared || 1);
};
const order = [0];
const left = new Set(fns.keys());
left.delete(0);
while (left.size) {
  const last = fns[order[order.length - 1]].shingles;
  let best = -1;
  let score = -1;
  for (const j of left) {
    const s = similarity(last, fns[j].shingles);
    if (s > score) [best, score] = [j, s];
  }
  order.push(best);
  left.delete(best);
}
const bodies = order.map((i) => ({ ...fns[i], body: m.copyExpression(fns[i].body) }));
for (const f of fns) m.removeFunction(f.name);
for (const f of bodies) m.addFunction(f.name, f.params, f.results, f.vars, f.body);
if (!m.validate()) throw new Error(`${input}: the reordered module does not validate`);
writeFileSync(output, m.emitBinary());
