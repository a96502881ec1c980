// Helpers for browser tests (node:test + playwright-core driving the system Chromium).
//
//   import { withPage, screenshot } from "../support/browser.mjs";
//   await withPage(async ({ page, errors }) => {
//     await page.waitForFunction(() => document.body.dataset.ready);
//     await screenshot(page, "my-test");
//     assert.deepEqual(errors, []);
//   }, { path: "/tests/browser/pages/module.html" });

import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "../../www/serve.mjs";
import { REPO_ROOT } from "./repo.mjs";

export { startServer, REPO_ROOT };

/** Chromium binary (`cargo xtask setup` installs it with apt); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Launches headless Chromium. Close it with `browser.close()`. */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run \`cargo xtask setup\` (installs chromium with apt)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, ...options });
}

/**
 * Records console errors, uncaught page errors and failed requests of `page` into `errors`
 * (strings), which a test can assert empty.
 */
export function watchErrors(page, errors = []) {
  page.on("console", (message) => {
    if (message.type() === "error") {
      const where = message.location()?.url;
      errors.push(`console.error: ${message.text()}${where ? ` (${where})` : ""}`);
    }
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on("requestfailed", (request) =>
    errors.push(`requestfailed: ${request.url()}: ${request.failure()?.errorText ?? "unknown"}`),
  );
  return errors;
}

/**
 * Serves the repository root on a random port, launches Chromium, opens a page (navigated to
 * `path` when given), runs `fn({ page, context, browser, url, errors })`, and closes everything,
 * whatever `fn` does. `url` is the server's origin (no trailing slash). Returns `fn`'s result.
 */
export async function withPage(fn, { path, root = REPO_ROOT, contextOptions = {}, browser: shared } = {}) {
  const server = await startServer({ port: 0, root });
  let browser = shared;
  let context;
  try {
    browser ??= await launchBrowser();
    context = await browser.newContext(contextOptions);
    const page = await context.newPage();
    const errors = watchErrors(page);
    if (path !== undefined) await page.goto(server.url + path);
    return await fn({ page, context, browser, url: server.url, errors });
  } finally {
    await context?.close().catch(() => {});
    if (!shared) await browser?.close().catch(() => {});
    await server.close();
  }
}

/** Saves a full-page PNG to `target/screenshots/<name>.png` and returns its path. */
export async function screenshot(page, name) {
  const dir = join(REPO_ROOT, "target", "screenshots");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
