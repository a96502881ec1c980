// The demo storefront (www/) in headless Chromium, driven through its UI like a visitor:
// BRIEF scenario 1 (live re-ranking) and scenario 2 (cart abandonment, with the simulator's
// idle control instead of real minutes). Every journey fails on a console error or an uncaught
// page error. Needs pkg/ (`cargo xtask build`) and the demo catalog (`cargo xtask demo-catalog`);
// `cargo xtask test` makes both before the browser suites.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, screenshot, watchErrors, withPage } from "../support/browser.mjs";

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
      // Variety by default: half the slot at most from one category.
      assert.equal(running(after), Math.ceil(after.length / 2), `half running shoes: ${JSON.stringify(after)}`);
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

const IDLE = 10 * 60_000;

/** The assistant's bubble as the visitor sees it. */
function bubble(page) {
  return page.evaluate(() => {
    const b = document.querySelector("vitrin-assistant").shadowRoot.querySelector(".bubble");
    return { hidden: b.hidden, text: b.textContent };
  });
}

/** Lets the engine's prompt check (a microtask) and a frame pass. */
const settle = (page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

/** The visitor simulator's "idle 10 minutes" button (opening the panel first). */
async function idle(page) {
  if (!(await page.$eval("#simulator", (d) => d.open))) await page.click("#simulator summary");
  await page.click(`#simulator [data-advance="${IDLE}"]`);
  await settle(page);
}

test("scenario 2: a cart left idle brings the assistant with the visitor's name, items and voucher; dismissed, it does not come back", async () => {
  await withPage(
    async ({ page, context, url, errors }) => {
      await page.goto(`${url}/`);
      await page.waitForFunction(() => document.body.dataset.ready === "1");
      const ttfr = await page.evaluate(() => document.documentElement.dataset.firstRecommendationMs);
      console.log(`demo storefront (scenario 2 start): first recommendation rendered ${ttfr} ms after navigation`);

      // The simulator plays Ayşe's profile.
      await page.click("#simulator summary");
      await page.selectOption('#simulator [name="persona"]', "ayse");
      await page.waitForSelector("#greeting:has-text('Ayşe')");
      await page.click("#simulator summary");

      await page.click('[data-slot="for_you"] .card .card-title a');
      await page.waitForSelector(".product h1");
      const title = await page.textContent(".product h1");
      await page.click('[data-action="add"]');
      await page.waitForSelector("#cart-count:not([hidden])");
      await settle(page);
      assert.equal((await bubble(page)).hidden, true, "nothing is said while the visitor is active");

      await idle(page);
      await page.waitForFunction(() => !document.querySelector("vitrin-assistant").shadowRoot.querySelector(".bubble").hidden);
      const shown = await bubble(page);
      assert.match(shown.text, /^Ayşe, sepetinizdeki 1 ürün sizi bekliyor \(₺[\d.]+,\d\d\)\. SEPET10 koduyla %10 indirim\./);
      assert.ok(shown.text.includes(title), `the bubble lists the item in the cart: ${shown.text}`);
      assert.match(shown.text, /Sepete git/);
      await page.click("#simulator summary");
      await screenshot(page, "assistant");

      await page.locator("vitrin-assistant .close").click();
      assert.equal((await bubble(page)).hidden, true, "the close button dismisses it");

      // Idle again, and again after a reload (same session): the campaign stays quiet.
      await idle(page);
      assert.equal((await bubble(page)).hidden, true, "not shown again after another idle period");
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === "1");
      await idle(page);
      assert.equal((await bubble(page)).hidden, true, "not shown again after a reload");

      // The playground previews on a visitor of its own (an empty cart: the trigger does not
      // hold), never the shop's, and counts the shop visitor's one impression.
      const playground = await context.newPage();
      watchErrors(playground, errors);
      await playground.goto(`${url}/www/playground.html`);
      await playground.waitForFunction(() => document.body.dataset.ready === "1");
      const why = await playground.textContent('#campaigns [data-campaign="cart-idle"]');
      assert.match(why, /\/campaigns\/0\/trigger/, why);
      assert.doesNotMatch(why, /dismissCooldownMinutes/, "the shop visitor's dismissal is not the preview's");
      assert.equal(await playground.getAttribute('#campaigns [data-campaign="cart-idle"]', "data-acts"), "false");
      assert.equal(await playground.textContent('#metrics [data-campaign="cart-idle"][data-variant="default"] [data-metric="impressions"]'), "1");

      assert.deepEqual(errors, []);
    },
    { contextOptions: { viewport: { width: 1280, height: 900 } } },
  );
});
