// The package's scripts as shipped: minified (the bytes every page downloads) and each with a
// source map holding its readable source, so a store's developer still reads a stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const pkg = new URL("../../pkg/", import.meta.url);
const template = new URL("../../pkg-template/", import.meta.url);
const read = (url) => readFile(url, "utf8");

test("every shipped script is minified and links a map that holds its source", async () => {
  // vitrin_core_inline.js is the SIMD wasm as one base64 string: nothing to minify or map.
  const scripts = (await readdir(pkg)).filter((f) => f.endsWith(".js") && f !== "vitrin_core_inline.js");
  const inTemplate = new Set(await readdir(template));
  for (const name of ["index.js", "core.js", "loader.js", "vitrin_core.js", "sync.js", "vitrin.global.js"]) assert.ok(scripts.includes(name), `pkg/ lacks ${name}`);
  for (const name of scripts) {
    const js = await read(new URL(name, pkg));
    const link = `\n//# sourceMappingURL=${name}.map\n`;
    assert.ok(js.endsWith(link), `pkg/${name} does not end with a link to its map`);
    const map = JSON.parse(await read(new URL(`${name}.map`, pkg)));
    assert.equal(map.version, 3, name);
    assert.ok(map.sources.length > 0 && map.sourcesContent?.length === map.sources.length, `pkg/${name}.map: a source without its text`);
    for (const [i, source] of map.sources.entries()) {
      assert.match(source, /^source\/[\w.-]+\.js$/, `pkg/${name}.map names ${source}`);
      assert.ok(typeof map.sourcesContent[i] === "string" && map.sourcesContent[i].length > 0, `pkg/${name}.map: ${source} is empty`);
      // A hand-written file's map holds it as written (comments and all).
      const file = source.slice("source/".length);
      if (inTemplate.has(file)) assert.equal(map.sourcesContent[i], await read(new URL(file, template)), `pkg/${name}.map: ${source} is not pkg-template/${file}`);
    }
    // Minified: whitespace, comments and local names gone (36–73% of the source today); a
    // file shipped as written would be 100%.
    const source = map.sourcesContent.join("\n").length;
    const shipped = js.length - link.length;
    assert.ok(shipped < 0.8 * source, `pkg/${name} is not minified: ${shipped} B of ${source} B of source`);
  }
});

test("a stack trace through the minified scripts leads back to the readable source", async () => {
  // What a developer runs with `node --enable-source-maps` (devtools do the same from the maps).
  const script = `
    import { createVitrin } from "./node.js";
    const engine = await createVitrin({ catalog: { products: [{ id: "a", title: "A", category: "c", price: 1 }] }, storage: "memory" });
    try { engine.recommend({ slot: 42 }); } catch (e) { console.log(e.stack); }
    engine.destroy();`;
  const run = (flags) =>
    new Promise((resolve, reject) =>
      execFile(process.execPath, [...flags, "--input-type=module", "-e", script], { cwd: fileURLToPath(pkg) }, (err, out) => (err ? reject(err) : resolve(out))),
    );
  const mapped = await run(["--enable-source-maps"]);
  assert.match(mapped, /slot must be a string/);
  // The frames name pkg-template/core.js's lines: argError's, then recommend's check.
  const lines = (await read(new URL("core.js", template))).split("\n");
  const frames = [...mapped.matchAll(/source\/core\.js:(\d+):\d+/g)].map((m) => lines[Number(m[1]) - 1]);
  assert.ok(frames.length >= 2, `no frames in source/core.js:\n${mapped}`);
  assert.ok(frames.some((line) => line.includes('throw argError("/slot", "slot must be a string")')), `the frames' lines in pkg-template/core.js:\n${frames.join("\n")}`);
  // Without the maps the same frame is a column on the minified file's one line.
  assert.match(await run([]), /core\.js:1:\d+/);
});

test("the browser entry's own copy of core.js: its VitrinError is the other entries' one", async () => {
  // index.js is built with core.js inside it; node.js (and vitrin/testing) import pkg/core.js.
  const browser = await import("../../pkg/index.js");
  const { createVitrin, VitrinError } = await import("../../pkg/node.js");
  assert.notEqual(browser.VitrinError, VitrinError, "two copies of the class");
  const engine = await createVitrin({ catalog: { products: [{ id: "a", title: "A", category: "c", price: 1 }] }, storage: "memory" });
  const thrown = (() => {
    try {
      engine.recommend({ slot: 42 });
    } catch (e) {
      return e;
    }
  })();
  engine.destroy();
  assert.ok(thrown instanceof VitrinError && thrown instanceof browser.VitrinError, "an engine's error is a VitrinError to both entries");
  assert.ok(new browser.VitrinError("invalid_argument", "x") instanceof VitrinError);
  assert.ok(!(new Error("x") instanceof browser.VitrinError) && !(null instanceof VitrinError), "other errors are not");
});

test("every file a shipped script imports is in the tarball (package.json's files)", async () => {
  const { files } = JSON.parse(await read(new URL("package.json", pkg)));
  const listed = (name) => files.some((f) => f === name || (f.startsWith("*") && name.endsWith(f.slice(1))));
  const scripts = (await readdir(pkg)).filter((f) => f.endsWith(".js") && listed(f));
  for (const name of scripts) {
    const js = await read(new URL(name, pkg));
    // Static and dynamic imports of a sibling, as esbuild writes them (`from"./x.js"`, `import("./x.js")`).
    for (const [, target] of js.matchAll(/(?:from|import\()\s*["']\.\/([\w.-]+)["']/g)) {
      assert.ok(listed(target), `pkg/${name} imports ./${target}, which package.json's files leave out of the tarball`);
    }
  }
});
