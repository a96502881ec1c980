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
