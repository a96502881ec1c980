// The package as storefront developers meet it: `npm pack` of pkg/, installed into the
// committed fixture apps of tests/consumers/apps (no bundler configuration in any of them),
// built with each tool, loaded in Chromium (or its runtime) and asked for recommendations.
// Each must render them with no console error; the Next.js page is server-rendered from a
// snapshot and must hydrate with no warning and no layout shift. Writes the table of
// target/consumers/results.md (project × zero config × bytes × time × layout shift).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser, REPO_ROOT, screenshot, startServer, watchErrors } from "../support/browser.mjs";
import { BIN, MEASURE_LAYOUT_SHIFT, WORK, bytes, filesUnder, freePort, kb, prepare, run, serve, strayPackageFiles } from "./support.mjs";

const LONG = { timeout: 900_000 };
const rows = [];
let browser;
let packed;

before(async () => {
  packed = prepare();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const table = [
    "| project | zero config | bytes vitrin adds (raw / gzip) | time to first recommendation | layout shift |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.project} | ${r.zeroConfig} | ${r.bytes} | ${r.time} | ${r.cls} |`),
  ].join("\n");
  writeFileSync(join(WORK, "results.md"), `${table}\n`);
  console.log(`\n${table}\n`);
});

/**
 * Opens `url`, waits for the app's report (window.__vitrin), asserts no console error, and
 * returns what the page measured.
 */
async function visit(url, name, { ready = () => window.__vitrin, then } = {}) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(MEASURE_LAYOUT_SHIFT);
    const errors = watchErrors(page);
    const warnings = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    await page.goto(url);
    await page.waitForFunction(ready, null, { timeout: 60_000 });
    await page.waitForTimeout(300);
    const report = await page.evaluate(() => ({ ...window.__vitrin, cls: window.__cls, fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime, items: [...document.querySelectorAll("#recs li")].map((li) => li.dataset.productId) }));
    await screenshot(page, `consumer-${name}`);
    if (then) report.then = await then(page);
    assert.deepEqual(errors, [], `${name}: console errors`);
    assert.equal(report.items.length, 4, `${name}: four recommendations on the page`);
    return { ...report, warnings };
  } finally {
    await context.close();
  }
}

/** A bundler's output: only the page's own files and the package's .wasm, nothing else of the package. */
function checkOutput(dir, name) {
  const files = filesUnder(dir);
  assert.deepEqual(strayPackageFiles(files), [], `${name}: package files copied into the output`);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  assert.ok(wasm.length >= 1 && wasm.length <= 2, `${name}: the SIMD and scalar .wasm, no other copies (${wasm.join(", ")})`);
  return vitrinBytes(dir, files);
}

/**
 * What a browser downloads of vitrin from a build output: the JavaScript files holding
 * vitrin's code (found by a string of its loader) and one .wasm (the SIMD build, the smaller)
 * when the wasm is not inside the JavaScript.
 */
function vitrinBytes(dir, files) {
  const js = files.filter((f) => /\.m?js$/.test(f) && readFileSync(join(dir, f), "utf8").includes("could not be loaded"));
  const [wasm] = files.filter((f) => f.endsWith(".wasm")).sort((a, b) => statSync(join(dir, a)).size - statSync(join(dir, b)).size);
  return bytes(dir, wasm ? [...js, wasm] : js);
}

function row(project, size, report, zeroConfig = "yes") {
  rows.push({
    project,
    zeroConfig,
    bytes: size ? `${kb(size.raw)} / ${kb(size.gzip)}` : "—",
    time: report.firstRecommendationMs != null ? `${Math.round(report.firstRecommendationMs)} ms` : "—",
    cls: report.cls != null ? report.cls.toFixed(3) : "—",
  });
}

test("the tarball holds what it names and passes publint and arethetypeswrong", LONG, async () => {
  for (const f of ["README.md", "LICENSE", "index.js", "node.js", "edge.js", "inline.js", "vitrin_core_inline.js", "react.js", "testing.js", "jest-environment.js", "vitrin.global.js", "vitrin_core_bg.wasm", "vitrin_core_scalar_bg.wasm"]) {
    assert.ok(packed.files.includes(f), `tarball lacks ${f}`);
  }
  const manifest = JSON.parse(readFileSync(join(WORK, "node_modules/vitrin/package.json"), "utf8"));
  assert.ok(manifest.repository?.url && manifest.homepage && manifest.license === "MIT");
  const lint = await run(join(BIN, "publint"), ["--strict", join(WORK, "node_modules/vitrin")]);
  assert.doesNotMatch(lint, /error|warning|suggestion/i, lint);
  // ESM only by design: a require() of it is not a supported way to load wasm here.
  // The .wasm exports (for edge setups that bind the module themselves) are not JavaScript.
  const attw = await run(join(BIN, "attw"), [packed.tarball, "--profile", "esm-only", "--no-color", "--exclude-entrypoints", "./vitrin_core_bg.wasm", "./vitrin_core_scalar_bg.wasm"]);
  // attw exits non-zero on a problem; check the table too, minus the ignored CommonJS columns.
  assert.doesNotMatch(attw.replace(/\(ignored[^│]*/g, ""), /❌|💀|⚠️|🐛|🎭/u, attw);
});

test("Node ≥ 20: imports and recommends with no flags", LONG, async () => {
  const out = JSON.parse(await run("node", [join(WORK, "apps/node/index.mjs")]));
  assert.equal(out.items.length, 4);
  assert.equal(out.snapshot.decisions[0].items.length, 4);
  row("Node 20 (`node index.mjs`)", null, { firstRecommendationMs: out.firstRecommendationMs });
});

test("Vite build: zero config, only the .wasm emitted, recommends in Chromium", LONG, async () => {
  const app = join(WORK, "apps/vite");
  rmSync(join(app, "dist"), { recursive: true, force: true });
  await run(join(BIN, "vite"), ["build", "--logLevel", "warn"], { cwd: app });
  const size = checkOutput(join(app, "dist"), "vite build");
  const server = await startServer({ port: 0, root: join(app, "dist") });
  try {
    const report = await visit(`${server.url}/index.html`, "vite-build");
    row("Vite 8 build", size, report);
  } finally {
    await server.close();
  }
});

test("Vite dev server: zero config (no optimizeDeps), recommends in Chromium", LONG, async () => {
  const app = join(WORK, "apps/vite");
  rmSync(join(app, "node_modules/.vite"), { recursive: true, force: true });
  const port = await freePort();
  const dev = await serve(join(BIN, "vite"), ["--port", String(port), "--strictPort", "--host", "127.0.0.1"], { cwd: app, ready: /ready in|Local:/ });
  try {
    const report = await visit(`http://127.0.0.1:${port}/`, "vite-dev");
    row("Vite 8 dev server", null, report);
  } finally {
    await dev.stop();
  }
});

test("webpack 5: zero config (`webpack --mode production`), recommends in Chromium", LONG, async () => {
  const app = join(WORK, "apps/webpack");
  rmSync(join(app, "dist"), { recursive: true, force: true });
  await run(join(BIN, "webpack"), ["--mode", "production"], { cwd: app });
  cpSync(join(app, "index.html"), join(app, "dist/index.html"));
  const size = checkOutput(join(app, "dist"), "webpack");
  const server = await startServer({ port: 0, root: join(app, "dist") });
  try {
    row("webpack 5", size, await visit(`${server.url}/index.html`, "webpack"));
  } finally {
    await server.close();
  }
});

/**
 * A bundle of `vitrin/inline` (the wasm inside the JavaScript): no .wasm and no other package
 * file in the output; the bytes are the JavaScript files holding vitrin's loader.
 */
function checkInlineOutput(dir, name) {
  const files = filesUnder(dir);
  assert.deepEqual(strayPackageFiles(files), [], `${name}: package files copied into the output`);
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm")), [], `${name}: the wasm is inside the bundle, no file beside it`);
  return vitrinBytes(dir, files);
}

async function serveInlineBundle(dir, app, name, project) {
  cpSync(join(app, "index.html"), join(dir, "index.html"));
  const size = checkInlineOutput(dir, name);
  const server = await startServer({ port: 0, root: dir });
  try {
    row(project, size, await visit(`${server.url}/index.html`, name), "yes (`vitrin/inline`)");
  } finally {
    await server.close();
  }
}

// esbuild and Rollup emit no file for `new URL("./x.wasm", import.meta.url)` (esbuild#795;
// Rollup needs an assets plugin), so the default entry's fetch would 404 there: these apps
// import `vitrin/inline`, whose wasm is inside the JavaScript. No bundler option beyond the
// bundling itself.
test("esbuild: `esbuild --bundle --minify` of an app importing vitrin/inline, recommends in Chromium", LONG, async () => {
  const app = join(WORK, "apps/esbuild");
  const out = join(app, "dist");
  rmSync(out, { recursive: true, force: true });
  await run(join(BIN, "esbuild"), [join(app, "main.js"), "--bundle", "--minify", "--format=esm", `--outdir=${out}`, "--log-level=warning"]);
  await serveInlineBundle(out, app, "esbuild", "esbuild (`vitrin/inline`)");
});

test("Rollup: `rollup -p node-resolve` of an app importing vitrin/inline, recommends in Chromium", LONG, async () => {
  const app = join(WORK, "apps/rollup");
  const out = join(app, "dist");
  rmSync(out, { recursive: true, force: true });
  // node-resolve is how Rollup finds anything in node_modules; no other plugin.
  await run(join(BIN, "rollup"), ["main.js", "--plugin", "node-resolve", "--format", "es", "--dir", "dist", "--silent"], { cwd: app });
  await serveInlineBundle(out, app, "rollup", "Rollup 4 + node-resolve (`vitrin/inline`, not minified)");
});

test("Rollup with the default entry: no .wasm emitted, and load_failed tells the developer to import vitrin/inline", LONG, async () => {
  // Why vitrin/inline exists: the same Rollup build of an app importing "vitrin" leaves the
  // wasm behind, and the error a developer sees must say what to do.
  const app = join(WORK, "apps/vite");
  const out = join(WORK, "apps/rollup/dist-default");
  rmSync(out, { recursive: true, force: true });
  await run(join(BIN, "rollup"), ["main.js", "--plugin", "node-resolve", "--format", "es", "--dir", out, "--silent"], { cwd: app });
  assert.deepEqual(filesUnder(out).filter((f) => f.endsWith(".wasm")), [], "Rollup emitted a .wasm without a plugin");
  cpSync(join(app, "index.html"), join(out, "index.html"));
  const server = await startServer({ port: 0, root: out });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const failure = new Promise((resolve) => page.on("pageerror", resolve));
    await page.goto(`${server.url}/index.html`);
    const error = await failure;
    assert.match(error.message, /could not be loaded: failed to fetch Wasm: 404/);
    assert.match(error.message, /import "vitrin\/inline"/);
  } finally {
    await context.close();
    await server.close();
  }
});

test("a plain page with an import map, the script-tag build, and a Web Worker", LONG, async () => {
  // As a CDN serves it: the script and the wasm in one folder, nothing else.
  const cdn = join(WORK, "cdn");
  rmSync(cdn, { recursive: true, force: true });
  for (const f of ["vitrin.global.js", "vitrin_core_bg.wasm", "vitrin_core_scalar_bg.wasm"]) cpSync(join(WORK, "node_modules/vitrin", f), join(cdn, f));
  const { catalog, profile } = await import(pathToFileURL(join(WORK, "shared/catalog.js")).href);
  writeFileSync(join(WORK, "shared/catalog.json"), JSON.stringify({ catalog, profile }));
  const server = await startServer({ port: 0, root: WORK });
  const pkg = join(WORK, "node_modules/vitrin");
  try {
    const plain = await visit(`${server.url}/apps/plain/`, "plain");
    row("plain page + import map", bytes(pkg, ["index.js", "vitrin_core_bg.wasm"]), plain);
    const script = await visit(`${server.url}/apps/script/`, "script");
    row("script tag (`vitrin.global.js`)", bytes(cdn, ["vitrin.global.js", "vitrin_core_bg.wasm"]), script);
    // The first download of the engine fails (a flaky network): load_failed, then a retry works.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      let aborted = false;
      await page.route("**/vitrin_core_bg.wasm", (route) => (aborted ? route.continue() : ((aborted = true), route.abort())));
      await page.goto(`${server.url}/apps/plain/retry.html`);
      const retry = await (await page.waitForFunction(() => window.__retry, null, { timeout: 60_000 })).jsonValue();
      assert.equal(retry.first.vitrinError, true);
      assert.equal(retry.first.code, "load_failed");
      assert.match(retry.first.cause, /TypeError/);
      assert.deepEqual(retry.second, { loaded: true });
    } finally {
      await context.close();
    }
    const worker = await visit(`${server.url}/apps/worker/`, "worker");
    assert.equal(worker.where, "worker (storage: memory)");
    row("Web Worker (module)", null, worker);
  } finally {
    await server.close();
  }
});

test("an edge runtime that refuses to compile wasm from bytes: the edge entry's precompiled module", LONG, async () => {
  const app = join(WORK, "apps/edge");
  const bundle = join(app, "dist/index.js");
  const wasmPath = join(WORK, "node_modules/vitrin/vitrin_core_bg.wasm");
  // What Vercel's and Cloudflare's bundlers do with `import m from "x.wasm?module"`: the
  // platform compiles the file at deploy time and binds the module; here the host compiles it.
  const { build } = await import(pathToFileURL(join(WORK, "node_modules/esbuild/lib/main.js")).href);
  await build({
    entryPoints: [join(app, "index.js")],
    bundle: true,
    format: "iife",
    platform: "neutral",
    conditions: ["edge-light"],
    mainFields: ["module", "main"],
    outfile: bundle,
    logLevel: "error",
    plugins: [
      {
        name: "wasm-module-binding",
        setup(b) {
          b.onResolve({ filter: /\.wasm\?module$/ }, (a) => ({ path: a.path, namespace: "wasm-binding" }));
          b.onLoad({ filter: /.*/, namespace: "wasm-binding" }, () => ({ contents: "export default globalThis.__VITRIN_WASM__;" }));
        },
      },
    ],
  });
  const { EdgeRuntime } = await import(pathToFileURL(join(WORK, "node_modules/edge-runtime/dist/index.js")).href);
  // As on Vercel (and under `next start`): the platform compiles the module outside the
  // isolate and binds it; inside, compiling wasm from bytes is disallowed.
  const runtime = new EdgeRuntime({
    codeGeneration: { strings: false, wasm: false },
    extend: (ctx) => Object.assign(ctx, { __VITRIN_WASM__: new WebAssembly.Module(readFileSync(wasmPath)) }),
  });
  const refused = await runtime.evaluate(`WebAssembly.compile(new Uint8Array([0,97,115,109,1,0,0,0])).then(() => false, () => true)`);
  assert.equal(refused, true, "the runtime refuses to compile wasm from bytes");
  await runtime.evaluate(readFileSync(bundle, "utf8"));
  const res = await runtime.dispatchFetch("https://shop.example/recs");
  const body = await res.json();
  assert.equal(body.items.length, 4);
  row("edge-runtime (Vercel Edge), wasm from bytes refused", null, body);
});

test("Cloudflare's workerd: a module worker importing the precompiled wasm, as wrangler bundles it", LONG, async () => {
  const app = join(WORK, "apps/workerd");
  const { build } = await import(pathToFileURL(join(WORK, "node_modules/esbuild/lib/main.js")).href);
  // wrangler's bundling: esbuild with the `workerd` condition, and a `.wasm?module` import
  // kept as an import of a wasm module that the upload carries beside the script.
  await build({
    entryPoints: [join(app, "worker.js")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    outfile: join(app, "dist/worker.js"),
    logLevel: "error",
    plugins: [
      {
        name: "wasm-module",
        setup(b) {
          b.onResolve({ filter: /\.wasm\?module$/ }, (a) => ({ path: `./${a.path.replace(/^.*\//, "").replace(/\?module$/, "")}`, external: true }));
        },
      },
    ],
  });
  const port = await freePort();
  const started = performance.now();
  const workerd = await serve(join(BIN, "workerd"), ["serve", "config.capnp", "--socket-addr", `http=127.0.0.1:${port}`], { cwd: app, ready: null });
  try {
    // workerd prints nothing once it listens: poll until it answers.
    let res;
    for (let i = 0; i < 600 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/recs`).catch(() => null);
      if (!res) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(res, `workerd answered: ${workerd.output()}`);
    const body = await res.json();
    const elapsed = performance.now() - started;
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.compileFromBytesRefused, true, "workerd refuses to compile wasm from bytes");
    assert.equal(body.items.length, 4);
    // Inside a worker the clock stands still while code runs (timers advance only on I/O):
    // the time is the first request's, from outside, including workerd's start.
    row("workerd (Cloudflare Workers), `vitrin` → edge entry", null, { firstRecommendationMs: elapsed });
  } finally {
    await workerd.stop();
  }
});

test("vitrin/testing in a store's own tests: Vitest, no configuration, Node and jsdom", LONG, async () => {
  const out = await run(join(BIN, "vitest"), ["run", "--reporter=verbose"], { cwd: join(WORK, "apps/vitest"), env: { CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" } });
  assert.match(out, /Tests\s+5 passed/, out);
});

test("vitrin/testing in a store's own tests: Jest (ESM), Node and jsdom environments", LONG, async () => {
  // ESM as Jest documents it (node --experimental-vm-modules); the jsdom files name
  // vitrin/jest-environment in their docblock (jsdom lacks TextEncoder/TextDecoder).
  const out = await run("node", ["--experimental-vm-modules", join(WORK, "node_modules/jest/bin/jest.js"), "--ci", "--verbose"], { cwd: join(WORK, "apps/jest"), env: { NO_COLOR: "1", FORCE_COLOR: "0" } });
  assert.match(out, /Tests:\s+4 passed, 4 total/, out);
  assert.match(out, /PASS \.\/react\.dom\.test\.js/, out);
});

test("the types as a TypeScript React store meets them (tsc over the installed package)", LONG, async () => {
  await run(join(REPO_ROOT, "node_modules/.bin/tsc"), ["-p", join(WORK, "apps/types")]);
});

test("the types reject a misspelt slot and an unknown event type (tsc must fail, on exactly the marked lines)", LONG, async () => {
  const app = join(WORK, "apps/types-reject");
  const failed = await run(join(REPO_ROOT, "node_modules/.bin/tsc"), ["-p", app, "--pretty", "false"]).then(
    (out) => assert.fail(`tsc accepted the mistakes:\n${out}`),
    (e) => e.message,
  );
  const source = readFileSync(join(app, "wrong.ts"), "utf8").split("\n");
  const marked = source.flatMap((line, i) => (line.includes("// REJECT") ? [i + 1] : []));
  const rejected = [...failed.matchAll(/wrong\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]));
  assert.ok(marked.length >= 6);
  assert.deepEqual(rejected, marked, failed);
  // The message names the right spelling, as an editor shows it.
  assert.match(failed, /"for-you"' is not assignable to type 'SlotName'. Did you mean '"for_you"'/);
});

/**
 * Two tabs of the store (one browser context: one localStorage, one BroadcastChannel): a
 * product view in the second re-ranks the first tab's list, which nobody touched, through
 * the engine's `change` and the vitrin/react hook.
 */
async function otherTab(base, name) {
  const context = await browser.newContext();
  try {
    const [here, there] = [await context.newPage(), await context.newPage()];
    const errors = watchErrors(here);
    watchErrors(there, errors);
    for (const page of [here, there]) {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => window.__vitrin?.engineReadyMs, null, { timeout: 60_000 });
    }
    const texts = () => here.$$eval("#recs li", (lis) => lis.map((li) => li.textContent));
    const before = await texts();
    assert.ok(!before.some((t) => /viewed Product 1\b/.test(t)), `${name}: ${before}`);
    await there.click("#view-p1");
    await here.waitForFunction(() => [...document.querySelectorAll("#recs li")].some((li) => /viewed Product 1\b/.test(li.textContent)), null, { timeout: 10_000 });
    await screenshot(here, `consumer-${name}-other-tab`);
    assert.deepEqual(errors, [], `${name}: console errors with two tabs`);
  } finally {
    await context.close();
  }
}

async function nextApp(name, buildArgs) {
  const app = join(WORK, "apps", name);
  const routes = ["/api/recs", "/edge-recs"];
  if (name !== "next") {
    rmSync(join(app, "app"), { recursive: true, force: true });
    cpSync(join(WORK, "apps/next/app"), join(app, "app"), { recursive: true });
  }
  if (buildArgs.includes("--webpack")) {
    // Next.js 16's webpack build fails on any edge route handler, vitrin or not
    // ("route_client-reference-manifest.js" missing; the edge runtime is deprecated there).
    rmSync(join(app, "app/edge-recs"), { recursive: true, force: true });
    routes.pop();
  }
  await run(join(BIN, "next"), ["build", ...buildArgs], { cwd: app, env: { NEXT_TELEMETRY_DISABLED: "1" } });
  const port = await freePort();
  const server = await serve(join(BIN, "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: app, env: { NEXT_TELEMETRY_DISABLED: "1" }, ready: /Ready in|started server/i });
  try {
    const base = `http://127.0.0.1:${port}`;
    const html = await (await fetch(`${base}/`)).text();
    assert.equal((html.match(/data-product-id=/g) ?? []).length, 4, `${name}: the server-rendered HTML holds the four recommendations`);
    // After a product view the live session re-ranks and the hook re-renders.
    const reranked = async (page) => {
      const before = await page.$$eval("#recs li", (lis) => lis.map((li) => li.dataset.productId).join());
      await page.click("#view-p1");
      await page.waitForFunction((b) => [...document.querySelectorAll("#recs li")].map((li) => li.dataset.productId).join() !== b, before, { timeout: 10_000 });
      return page.$$eval("#recs li", (lis) => lis.map((li) => li.textContent));
    };
    const report = await visit(`${base}/`, name, { ready: () => window.__vitrin?.engineReadyMs, then: reranked });
    assert.ok(report.then.some((t) => /viewed Product 1\b/.test(t)), `${name}: re-ranked toward the viewed product: ${report.then}`);
    assert.ok(!report.warnings.some((w) => /hydrat/i.test(w)), `${name}: hydration warning: ${report.warnings.join("\n")}`);
    assert.equal(report.cls, 0, `${name}: layout shift`);
    const snapshotIds = [...html.matchAll(/data-product-id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(report.items, snapshotIds, `${name}: the engine kept the server's first paint`);
    await otherTab(base, name);
    for (const route of routes) {
      const res = await fetch(base + route);
      assert.equal(res.status, 200, `${name} ${route}: ${res.status} ${await res.clone().text()}`);
      assert.equal((await res.json()).items.length, 4, `${name} ${route}`);
    }
    const staticDir = join(app, ".next/static");
    const files = filesUnder(staticDir);
    assert.deepEqual(strayPackageFiles(files), [], `${name}: package files in .next/static`);
    return { report, size: vitrinBytes(staticDir, files) };
  } finally {
    await server.stop();
  }
}

test("Next.js (Turbopack): server component snapshot, client hydration, route handlers (Node and edge)", LONG, async () => {
  const { report, size } = await nextApp("next", []);
  row("Next.js 16, Turbopack (SSR snapshot)", size, { firstRecommendationMs: report.fcp, cls: report.cls });
});

test("Next.js (webpack): the same app with `next build --webpack`", LONG, async () => {
  const { report, size } = await nextApp("next-webpack", ["--webpack"]);
  row("Next.js 16, webpack (SSR snapshot)", size, { firstRecommendationMs: report.fcp, cls: report.cls });
});
