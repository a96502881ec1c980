// Writes the VTE1 binary embedding table (README, "Large catalogs") from number arrays,
// quantising each unit-length row to int8 with one scale, as the engine does.
export function vteTable(embeddings) {
  const n = embeddings.length;
  const dim = embeddings.find((e) => e)?.length ?? 0;
  const buf = new ArrayBuffer(12 + 4 * n + n * dim);
  const view = new DataView(buf);
  new Uint8Array(buf, 0, 4).set([86, 84, 69, 49]);
  view.setUint32(4, n, true);
  view.setUint32(8, dim, true);
  const values = new Int8Array(buf, 12 + 4 * n);
  embeddings.forEach((e, r) => {
    if (!e) return;
    const norm = Math.hypot(...e);
    const scale = Math.max(...e.map(Math.abs)) / norm / 127;
    view.setFloat32(12 + 4 * r, scale, true);
    e.forEach((x, k) => (values[r * dim + k] = Math.round(x / norm / scale)));
  });
  return new Uint8Array(buf);
}
