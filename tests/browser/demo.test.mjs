// The demo storefront (www/) in headless Chromium, driven through its UI like a visitor.
// Needs pkg/ (`cargo xtask build`) and the demo catalog (`cargo xtask demo-catalog`); `cargo xtask
// test` makes both before the browser suites.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, screenshot, withPage } from "../support/browser.mjs";

const RUNNING = "fashion/shoes/running";

/** The cards of the home page's for_you slot. */
function forYou(page) {
  return page.$$eval('[data-slot="for_you"] .card', (cards) =>
    cards.map((c) => ({ id: c.dataset.productId, category: c.dataset.category, reason: c.querySelector(".card-reason").textContent })),
  );
}

test("scenario 1: after three running shoes, the home's for_you slot shows running shoes and says why, with no request leaving the page", async () => {
  assert.ok(existsSync(join(REPO_ROOT, "www/generated/catalog.js")), "www/generated/catalog.js is missing: run `cargo xtask demo-catalog`");
  await withPage(
    async ({ page, url, errors }) => {
      const requests = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`${url}/`);
      await page.waitForFunction(() => document.body.dataset.ready === "1");

      const ttfr = await page.evaluate(() => performance.getEntriesByName("vitrin:time-to-first-recommendation")[0]?.duration);
      assert.ok(ttfr > 0, "the page measured its time to the first recommendation");
      console.log(`demo storefront: first recommendation rendered ${ttfr.toFixed(1)} ms after navigation`);

      const before = await forYou(page);
      assert.ok(before.length >= 8, "the home page shows for_you before any activity");
      const initialLoad = requests.length;

      // Moda → Ayakkabı → Koşu Ayakkabısı, then the first three products, back through the breadcrumb.
      await page.click('.catnav a[href="#/c/fashion"]');
      await page.click('.chips a[href="#/c/fashion/shoes"]');
      await page.click(`.chips a[href="#/c/${RUNNING}"]`);
      for (let k = 0; k < 3; k++) {
        if (k > 0) await page.click(`.crumbs a[href="#/c/${RUNNING}"]`);
        const card = page.locator(".catalog-grid .card").nth(k);
        const id = await card.getAttribute("data-product-id");
        await card.locator(".card-title a").click();
        await page.waitForSelector(`.product[data-product-id="${id}"]`);
      }
      await page.waitForSelector('[data-slot="similar"]:not([hidden]) .card');
      await screenshot(page, "product");

      await page.click(".logo");
      await page.waitForSelector('[data-slot="for_you"]:not([hidden]) .card');
      const after = await forYou(page);
      const running = (cards) => cards.filter((c) => c.category === RUNNING).length;
      assert.ok(running(after) >= 0.75 * after.length, `mostly running shoes: ${JSON.stringify(after)}`);
      assert.ok(running(after) > running(before), "the slot moved toward running shoes");
      assert.ok(after.some((c) => /baktığınız için|Because you viewed/.test(c.reason)), `a reason names a viewed product: ${JSON.stringify(after)}`);

      assert.deepEqual(requests.slice(initialLoad), [], "no request after the initial load");
      assert.deepEqual(requests.filter((u) => !u.startsWith(`${url}/`)), [], "every request went to the local server");
      assert.deepEqual(errors, []);
      await screenshot(page, "home");
    },
    { contextOptions: { viewport: { width: 1280, height: 900 } } },
  );
});
