// The built pkg/ loads in Chromium from a plain <script type="module"> page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { screenshot, withPage } from "../support/browser.mjs";
import { crateVersion } from "../support/repo.mjs";

test("pkg/index.js loads from a plain module script and reports the crate version", async () => {
  await withPage(
    async ({ page, errors }) => {
      await page.waitForFunction(() => document.body.dataset.version || document.body.dataset.error, null, {
        timeout: 20_000,
      });
      const { version, error } = await page.evaluate(() => ({ ...document.body.dataset }));
      await screenshot(page, "smoke-module");
      assert.equal(error, undefined, `page reported: ${error}`);
      assert.equal(version, crateVersion());
      assert.deepEqual(errors, []);
    },
    { path: "/tests/browser/pages/module.html" },
  );
});

test("pkg/index.js: a .wasm served as another type still loads, and a 404 says to import vitrin/inline", async () => {
  // Both paths go through fallback.js, which index.js imports only then.
  await withPage(async ({ page, context, url }) => {
    const warnings = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    await context.route("**/pkg/vitrin_core_bg.wasm", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-type": "application/octet-stream" } });
    });
    await page.goto(`${url}/tests/browser/pages/module.html`);
    await page.waitForFunction(() => document.body.dataset.version || document.body.dataset.error, null, { timeout: 20_000 });
    assert.deepEqual(await page.evaluate(() => ({ ...document.body.dataset })), { version: crateVersion() });
    assert.ok(warnings.some((w) => w.includes("does not serve the .wasm as application/wasm")), warnings.join("\n"));
  });
  await withPage(async ({ page, context, url }) => {
    await context.route("**/pkg/vitrin_core_bg.wasm", (route) => route.fulfill({ status: 404, body: "" }));
    await page.goto(`${url}/tests/browser/pages/module.html`);
    await page.waitForFunction(() => document.body.dataset.version || document.body.dataset.error, null, { timeout: 20_000 });
    const { error } = await page.evaluate(() => ({ ...document.body.dataset }));
    assert.match(error, /could not be loaded: failed to fetch Wasm: 404 .*; if your bundler did not copy the \.wasm, import "vitrin\/inline"/);
  });
});
