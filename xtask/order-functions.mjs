// Orders the wasm's functions so that similar ones sit side by side, where gzip's 32 KiB
// window (and brotli's) finds their shared byte runs: a greedy walk from the first function.
// At each step the 8 functions left most similar to the last one placed (Jaccard similarity
// of the 3-word shingles of their instruction text) are candidates, and the one that deflates
// best after the last 32 KiB placed (as a dictionary), relative to its size deflated alone,
// goes next. The most similar one alone was 395 to 566 B gzip more on the SIMD wasm; 4 to 64
// candidates, or the smallest deflated size instead of the ratio, 50 to 550 B more (12 was
// -149 and +58 on two builds: noise); byte 4- to 8-grams of the bodies instead of text, the
// 128 most called functions first (one-byte call indices), 0.1 to 0.3 KB more.
// Then two passes move single functions (below). Deterministic: the same input gives the same bytes.
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
// Then each function in turn may move to just before or just after one of the 8 functions
// most similar to it, where that saves the most: the cost of a place is the deflated size of
// the 8 KiB either side of it with the function and without (a stand-in for the whole file,
// quick enough). Two such passes; the moved order is kept if the whole code deflates smaller.
// One pass, after only: SIMD wasm gzip -96 and -268 B on two inputs (session 16); before and
// after, two passes: a further -133 (SIMD) and -164 B (scalar), about 10 s more CPU each
// (one pass: -89); level 6 instead of 9 for the windows: +73 B, hardly quicker.
const bytesOf = (list) => Buffer.concat(list.map((i) => fns[i].bytes));
// Windows come back often (the same place tried for another function): their sizes are kept.
const sizes = new Map();
const deflated = (list) => {
  const key = list.join();
  let size = sizes.get(key);
  if (size === undefined) {
    size = deflateRawSync(bytesOf(list), { level: 9 }).length;
    sizes.set(key, size);
  }
  return size;
};
const SIDE = 8 * 1024;
// The functions within SIDE bytes either side of place `at` of `list`.
const around = (list, at) => {
  let [start, end, n] = [at, at, 0];
  while (start > 0 && n < SIDE) n += fns[list[--start]].bytes.length;
  for (n = 0; end < list.length && n < SIDE; ) n += fns[list[end++]].bytes.length;
  return list.slice(start, end);
};
const similar = fns.map((_, f) =>
  [...fns.keys()]
    .filter((j) => j !== f)
    .map((j) => [similarity(fns[f].shingles, fns[j].shingles), j])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, CANDIDATES)
    .map(([, j]) => j),
);
const moved = order.slice();
for (let pass = 0; pass < 2; pass++) {
  for (let f = 1; f < fns.length; f++) {
    const from = moved.indexOf(f);
    const here = around(moved, from);
    let saving = deflated(here) - deflated(here.filter((i) => i !== f));
    if (saving <= 0) continue;
    // `to`: the place f goes before (moved.length: the end).
    let to = -1;
    for (const j of similar[f]) {
      for (const at of [moved.indexOf(j) + 1, moved.indexOf(j)]) {
        if (at === from || at === from + 1) continue; // where f already is
        const without = around(moved, at).filter((i) => i !== f);
        const k = at < moved.length ? without.indexOf(moved[at]) : without.length;
        const cost = deflated([...without.slice(0, k), f, ...without.slice(k)]) - deflated(without);
        if (cost < saving) [to, saving] = [at, cost];
      }
    }
    if (to < 0) continue;
    const next = moved[to]; // undefined: the end
    moved.splice(from, 1);
    moved.splice(next === undefined ? moved.length : moved.indexOf(next), 0, f);
  }
}
if (deflated(moved) < deflated(order)) order.splice(0, order.length, ...moved);
const bodies = order.map((i) => ({ ...fns[i], body: m.copyExpression(fns[i].body) }));
for (const f of fns) m.removeFunction(f.name);
for (const f of bodies) m.addFunction(f.name, f.params, f.results, f.vars, f.body);
if (!m.validate()) throw new Error(`${input}: the reordered module does not validate`);
writeFileSync(output, m.emitBinary());
