// Writes each demo product's picture as an SVG file, from the same drawing the pages inline
// (www/drawing.js), so the catalog's `image` URLs point at real images: prompt cards and any
// page that takes the catalog's images show them. Run by `cargo xtask demo-catalog`.
//
//   node www/pictures.mjs CATALOG.json OUT_DIR

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { picture } from "./drawing.js";

const [catalogPath, outDir] = process.argv.slice(2);
if (!catalogPath || !outDir) throw new Error("usage: node www/pictures.mjs CATALOG.json OUT_DIR");
const { products } = JSON.parse(readFileSync(catalogPath, "utf8"));
mkdirSync(outDir, { recursive: true });
for (const p of products) {
  // A standalone file needs the namespace and a size; the inline one takes the page's CSS.
  const svg = picture(p, "picture").replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" ');
  writeFileSync(join(outDir, `${p.id}.svg`), `${svg}\n`);
}
console.log(`pictures: ${products.length} SVG files → ${outDir}`);
