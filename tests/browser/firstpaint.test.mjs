// The demo storefront's first paint: the shell (header, category bar, page frame) paints
// while the wasm is still downloading, nothing on the page moves when the storefront fills it
// (layout shift, desktop and a 390×844 phone), and on the phone the checkout stays usable
// with the assistant open. Needs pkg/ and the demo catalog, as demo.test.mjs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { screenshot, withPage } from "../support/browser.mjs";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

/** Before any page script: every layout shift without recent input, summed as CLS counts it. */
function measureShifts() {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: "layout-shift", buffered: true });
}

for (const [name, contextOptions] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`${name}: the shell paints before the wasm arrives, and nothing moves when the store fills it`, async () => {
    await withPage(
      async ({ page, url, errors }) => {
        await page.addInitScript(measureShifts);
        // Hold the engine's download, as on a slow phone network, until the shell is checked.
        let release;
        const held = new Promise((ok) => (release = ok));
        await page.route("**/vitrin_core_bg.wasm", async (route) => {
          await held;
          await route.continue();
        });
        await page.goto(`${url}/`);
        await page.waitForFunction(() => document.querySelectorAll("#catnav a").length > 0);
        assert.equal(await page.evaluate(() => document.documentElement.dataset.firstRecommendationMs), undefined, "still waiting for the wasm");
        assert.ok(await page.isVisible("#topbar .logo"), "the logo is painted");
        assert.ok(await page.isVisible("#main .shell"), "the page's frame is painted");
        await screenshot(page, `firstpaint-shell-${name}`);
        release();
        await page.waitForFunction(() => document.body.dataset.ready === "1" && document.documentElement.dataset.firstRecommendationMs);
        await page.waitForTimeout(500);
        const cls = await page.evaluate(() => window.__cls);
        console.log(`demo first paint, ${name}: layout shift ${cls.toFixed(4)}`);
        await screenshot(page, `firstpaint-filled-${name}`);
        assert.ok(cls < 0.01, `layout shift ${cls}`);
        assert.deepEqual(errors, []);
      },
      { contextOptions },
    );
  });
}

test("phone: with the assistant open, the checkout can still be completed", async () => {
  await withPage(
    async ({ page, url, errors }) => {
      await page.goto(`${url}/`);
      await page.waitForFunction(() => document.body.dataset.ready === "1");
      await page.click("#simulator summary");
      await page.selectOption('#simulator [name="persona"]', "ayse");
      await page.waitForSelector("#greeting:has-text('Ayşe')", { state: "attached" });
      await page.click("#simulator summary");
      await page.click('[data-slot="for_you"] .card .card-title a');
      await page.click('[data-action="add"]');
      await page.waitForSelector("#cart-count:not([hidden])");
      await page.evaluate(() => (location.hash = "#/checkout"));
      await page.waitForSelector("#checkout-form");
      // Idle for ten minutes (the simulator's clock): the cart-abandonment prompt opens.
      await page.click("#simulator summary");
      await page.click(`#simulator [data-advance="${10 * 60_000}"]`);
      await page.click("#simulator summary");
      await page.waitForFunction(() => !document.querySelector("vitrin-assistant").shadowRoot.querySelector(".bubble").hidden);
      const box = await page.evaluate(() => document.querySelector("vitrin-assistant").getBoundingClientRect().toJSON());
      assert.ok(box.height <= 844 * 0.5, `the assistant takes at most half the phone's height (${box.height}px)`);
      // The page scrolls far enough that its last control clears the assistant.
      await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
      const footer = await page.evaluate(() => document.querySelector(".footer").getBoundingClientRect().toJSON());
      await screenshot(page, "firstpaint-phone-checkout-assistant");
      assert.ok(footer.bottom <= box.top + 1 || footer.top >= box.bottom, `the page's end is reachable above the assistant (footer ${footer.top}–${footer.bottom}, assistant from ${box.top})`);
      // Playwright's click refuses an element another one covers.
      await page.click("#checkout-form button.primary", { timeout: 5_000 });
      await page.waitForFunction(() => location.hash.startsWith("#/thanks/"));
      assert.deepEqual(errors, []);
    },
    { contextOptions: PHONE },
  );
});
