// The marketers' playground (www/playground.html) next to an open storefront tab, in headless
// Chromium: BRIEF scenario 8. A rule edited in the playground is refused with its JSON path
// while wrong, previewed on a simulated visitor once right, and published to the open
// storefront tab, which applies it without reloading. Fails on any console or page error.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, screenshot, watchErrors, withPage } from "../support/browser.mjs";

const ready = (page) => page.waitForFunction(() => document.body.dataset.ready === "1");
const forYouIds = (page) => page.$$eval('[data-slot="for_you"] .card', (cards) => cards.map((c) => c.dataset.productId));

test("scenario 8: a rule edited in the playground shows its error path, previews, and changes the open storefront without a reload", async () => {
  const { default: catalog } = await import(pathToFileURL(join(REPO_ROOT, "www/generated/catalog.js")));
  await withPage(
    async ({ page: shop, context, url, errors }) => {
      await shop.goto(`${url}/`);
      await ready(shop);
      const before = await forYouIds(shop);
      assert.ok(before.length > 0);
      // A product the home page does not show yet: the campaign will pin it first.
      const pick = catalog.products.find((p) => p.category === "eyewear/solution" && p.inStock !== false && !before.includes(p.id)).id;

      // Anything that reloads or navigates the storefront tab from here on is recorded.
      const navigations = [];
      shop.on("framenavigated", (frame) => frame === shop.mainFrame() && navigations.push(frame.url()));
      await shop.evaluate(() => (window.sameDocument = true));

      const playground = await context.newPage();
      watchErrors(playground, errors);
      await playground.goto(`${url}/www/playground.html`);
      await ready(playground);
      const rules = JSON.parse(await playground.inputValue("#rules"));
      const campaign = { id: "pin-solution", name: "Lens solution first on the home page", trigger: { type: "alwys" }, slots: { for_you: { pin: [pick] } } };
      const at = `/campaigns/${rules.campaigns.length}`;

      // A typo: refused, listed at its JSON Pointer with a suggestion, marked in the text.
      await playground.fill("#rules", JSON.stringify({ ...rules, campaigns: [...rules.campaigns, campaign] }, null, 2));
      await playground.waitForSelector("#validation .bad");
      const refused = await playground.textContent("#validation");
      assert.match(refused, new RegExp(`${at}/trigger/type`), refused);
      assert.match(refused, /did you mean "always"/, refused);
      assert.equal(await playground.isDisabled("#publish"), true, "an invalid draft cannot be published");
      assert.deepEqual(await playground.$$eval(".editor-marks mark", (m) => m.map((e) => e.textContent)), ['"type": "alwys"']);

      // Fixed: valid, and the preview shows what a visitor would get, and why.
      campaign.trigger.type = "always";
      await playground.fill("#rules", JSON.stringify({ ...rules, campaigns: [...rules.campaigns, campaign] }, null, 2));
      await playground.waitForSelector("#validation .good");
      assert.equal(await playground.getAttribute('#campaigns [data-campaign="pin-solution"]', "data-acts"), "true");
      const preview = playground.locator('#slots [data-slot="for_you"] li').first();
      assert.equal(await preview.getAttribute("data-product-id"), pick);
      assert.equal(await preview.getAttribute("data-campaign"), "pin-solution");
      assert.match(await preview.textContent(), /featured/);
      assert.deepEqual(await forYouIds(shop), before, "nothing changes in the store before publishing");

      // Publishing shows the change and asks to confirm it.
      await playground.click("#publish");
      await playground.waitForSelector("#confirm[open]");
      assert.match(await playground.textContent("#diff"), new RegExp(`${at}\\s+eklendi`));
      await playground.click("#confirm-ok");
      await shop.waitForFunction((id) => document.querySelector('[data-slot="for_you"] .card')?.dataset.productId === id, pick);
      const card = await shop.$eval('[data-slot="for_you"] .card', (c) => c.querySelector(".card-reason").dataset.reason);
      assert.equal(card, "featured");
      assert.match(await shop.textContent("#notice"), /sürüm 1/);
      assert.equal(await shop.evaluate(() => document.documentElement.dataset.rulesRevision), "1");
      assert.equal(await shop.evaluate(() => window.sameDocument), true, "the storefront tab was not reloaded");
      assert.deepEqual(navigations, [], "the storefront tab did not navigate");
      await playground.waitForSelector("#published:has-text('1 ')");
      assert.match(await playground.textContent("#published"), /Sürüm 1 yayınlandı .*açık 1 mağaza sekmesi/);

      await screenshot(playground, "playground");
      assert.deepEqual(errors, []);
    },
    { contextOptions: { viewport: { width: 1400, height: 900 } } },
  );
});
