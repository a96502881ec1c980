// The playground's visual condition builder (react-querybuilder with vitrin/editor's fields)
// in headless Chromium, next to an open storefront tab: the cat-litter audience is built by
// clicking, the JSON view follows, a JSON edit flows back into the builder, and once
// published the campaign acts on the storefront for a cat owner and for nobody else.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, screenshot, watchErrors, withPage } from "../support/browser.mjs";

const ready = (page) => page.waitForFunction(() => document.body.dataset.ready === "1");
const firstForYou = (page) => page.$eval('[data-slot="for_you"] .card', (c) => c.dataset.productId);
const when = async (page, id) => JSON.parse(await page.inputValue("#rules")).campaigns.find((c) => c.id === id).when;

test("the cat-litter audience built visually, two-way with the JSON, published, acts on the storefront", async () => {
  const { default: catalog } = await import(pathToFileURL(join(REPO_ROOT, "www/generated/catalog.js")));
  await withPage(
    async ({ page: shop, context, url, errors }) => {
      await shop.goto(`${url}/`);
      await ready(shop);
      const before = await firstForYou(shop);
      // The demo catalog's cat products (litter where it has some).
      const cat = (prefix) => catalog.products.find((p) => p.category.startsWith(prefix) && p.inStock !== false && p.id !== before);
      const litter = cat("pets/cat/litter") ?? cat("pets/cat");

      const playground = await context.newPage();
      watchErrors(playground, errors);
      await playground.goto(`${url}/www/playground.html`);
      await ready(playground);
      await playground.waitForSelector("#builder .queryBuilder");

      // A new campaign from the builder; the JSON gains it; its slot tweak is written in the JSON.
      await playground.click('#builder [data-builder="add"]');
      const id = await playground.inputValue('#builder [data-builder="campaign"]');
      const rules = JSON.parse(await playground.inputValue("#rules"));
      const added = rules.campaigns.find((c) => c.id === id);
      assert.deepEqual(added, { id, trigger: { type: "always" } });
      Object.assign(added, { name: "Cat litter first for cat owners", priority: 90, slots: { for_you: { pin: [litter.id] } } });
      await playground.fill("#rules", JSON.stringify(rules, null, 2));
      await playground.waitForSelector("#validation .good");

      // The audience, by clicking: segments contains cat-owner.
      await playground.click("#builder .ruleGroup-addRule");
      const rule = playground.locator("#builder .rule").first();
      await rule.locator(".rule-fields").selectOption("profile.segments");
      await rule.locator(".rule-operators").selectOption("contains");
      await rule.locator(".rule-value").selectOption("cat-owner");
      await playground.waitForFunction((id) => JSON.parse(document.querySelector("#rules").value).campaigns.find((c) => c.id === id).when, id);
      assert.deepEqual(await when(playground, id), { and: [{ in: ["cat-owner", { var: "profile.segments" }] }] });
      await playground.waitForSelector("#validation .good");
      // The preview's visitor (no profile) is not in the audience.
      await playground.waitForSelector(`#campaigns [data-campaign="${id}"]`);
      assert.equal(await playground.getAttribute(`#campaigns [data-campaign="${id}"]`, "data-acts"), "false");

      // The JSON view edited by hand: the builder follows.
      const text = await playground.inputValue("#rules");
      await playground.fill("#rules", text.replace('"cat-owner"', '"pets"'));
      await playground.waitForFunction(() => document.querySelector("#builder .rule .rule-value")?.value === "pets");
      await playground.fill("#rules", text);
      await playground.waitForFunction(() => document.querySelector("#builder .rule .rule-value")?.value === "cat-owner");
      await screenshot(playground, "condition-builder");

      await playground.click("#publish");
      await playground.click("#confirm-ok"); // the diff shown, confirmed
      await shop.waitForFunction(() => document.documentElement.dataset.rulesRevision === "1");
      assert.notEqual(await firstForYou(shop), litter.id, "a visitor outside the audience sees no change");

      // A cat owner (the simulator's persona Can) is in the audience: the litter comes first.
      await shop.click("#simulator summary");
      await shop.selectOption('#simulator [name="persona"]', "can");
      await shop.click("#simulator summary");
      await shop.waitForFunction((id) => document.querySelector('[data-slot="for_you"] .card')?.dataset.productId === id, litter.id);
      assert.equal(await shop.$eval('[data-slot="for_you"] .card .card-reason', (r) => r.dataset.reason), "featured");
      await screenshot(shop, "condition-builder-storefront");

      // A condition an editor exported with an operator vitrin does not run: the error names
      // the editor's option, nothing is published, unless the marketer leaves that campaign out.
      const next = JSON.parse(await playground.inputValue("#rules"));
      next.campaigns.push({ id: "by-regex", trigger: { type: "always" }, when: { regexTest: [{ var: "profile.name" }, "^C"] } });
      await playground.fill("#rules", JSON.stringify(next, null, 2));
      await playground.waitForSelector("#validation .bad");
      assert.match(await playground.textContent("#validation"), /react-awesome-query-builder's regex test/);
      assert.equal(await playground.isDisabled("#publish"), true);
      await playground.click("#publish-valid");
      await playground.click("#confirm-ok"); // the diff shown, confirmed
      await shop.waitForFunction(() => document.documentElement.dataset.rulesRevision === "2");
      assert.equal(await firstForYou(shop), litter.id, "the audience campaign still acts in revision 2");
      assert.deepEqual(errors, []);
    },
    { contextOptions: { viewport: { width: 1400, height: 1000 } } },
  );
});
