// Orders the wasm's functions so that similar ones sit side by side, where gzip's 32 KiB
// window (and brotli's) finds their shared byte runs: a greedy walk from the first function.
// At each step the 8 functions left most similar to the last one placed (Jaccard similarity
// of the 3-word shingles of their instruction text) are candidates, and the one that deflates
// best after the last 32 KiB placed (as a dictionary), relative to its size deflated alone,
// goes next. The most similar one alone was 395 to 566 B gzip more on the SIMD wasm; 4 to 64
// candidates, or the smallest deflated size instead of the ratio, 50 to 550 B more (12 was
// -149 and +58 on two builds: noise); byte 4- to 8-grams of the bodies instead of text, the
// 128 most called functions first (one-byte call indices), 0.1 to 0.3 KB more.
// Deterministic: the same input gives the same bytes.
// `cargo xtask build` runs it after wasm-opt, then wasm-opt -O1 once more (xtask/src/build.rs).
//   node xtask/order-functions.mjs IN.wasm OUT.wasm
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";

const CANDIDATES = 8;
const WINDOW = 32 * 1024;
const [input, output] = process.argv.slice(2);
const wasm = readFileSync(input);
const m = binaryen.readBinary(wasm);
const F = binaryen.Features;
m.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.SignExt | F.ReferenceTypes | F.Multivalue | F.CallIndirectOverlong);

// The bytes of each body, from the code section (id 10), in the order of the defined functions.
const uleb = (at) => {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = wasm[at.i++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return value;
  }
};
const code = [];
for (const at = { i: 8 }; at.i < wasm.length; ) {
  const id = wasm[at.i++];
  const end = uleb(at) + at.i;
  if (id === 10) {
    for (let n = uleb(at); n > 0; n--) {
      const size = uleb(at);
      code.push(wasm.subarray(at.i, (at.i += size)));
    }
  }
  at.i = end;
}

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
  const bytes = code[fns.length];
  fns.push({ ...info, shingles, bytes, alone: deflateRawSync(bytes, { level: 9 }).length });
}
if (fns.length !== code.length) throw new Error(`${input}: ${code.length} bodies for ${fns.length} functions`);
const similarity = (a, b) => {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared || 1);
};
const order = [0];
const left = new Set(fns.keys());
left.delete(0);
let placed = fns[0].bytes;
while (left.size) {
  const last = fns[order[order.length - 1]].shingles;
  const nearest = [...left]
    .map((j) => [similarity(last, fns[j].shingles), j])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, CANDIDATES);
  const dictionary = placed.subarray(Math.max(0, placed.length - WINDOW));
  let best = -1;
  let ratio = Infinity;
  for (const [, j] of nearest) {
    const r = deflateRawSync(fns[j].bytes, { level: 9, dictionary }).length / fns[j].alone;
    if (r < ratio) [best, ratio] = [j, r];
  }
  order.push(best);
  left.delete(best);
  placed = Buffer.concat([dictionary, fns[best].bytes]);
}
const bodies = order.map((i) => ({ ...fns[i], body: m.copyExpression(fns[i].body) }));
for (const f of fns) m.removeFunction(f.name);
for (const f of bodies) m.addFunction(f.name, f.params, f.results, f.vars, f.body);
if (!m.validate()) throw new Error(`${input}: the reordered module does not validate`);
writeFileSync(output, m.emitBinary());
