// The playground's visual condition builder (react-querybuilder with vitrin/editor's fields)
// in headless Chromium, next to an open storefront tab: the cat-litter audience is built by
// clicking, the JSON view follows, a JSON edit flows back into the builder, and once
// published the campaign acts on the storefront for a cat owner and for nobody else. The
// builder speaks the page's language: no English word of the editor in the Turkish page, no
// Turkish one in the English page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, screenshot, watchErrors, withPage } from "../support/browser.mjs";

const ready = (page) => page.waitForFunction(() => document.body.dataset.ready === "1");
const firstForYou = (page) => page.$eval('[data-slot="for_you"] .card', (c) => c.dataset.productId);
const when = async (page, id) => JSON.parse(await page.inputValue("#rules")).campaigns.find((c) => c.id === id).when;

/** What a person reads in the editor: option texts, button labels, tooltips. */
const builderTexts = (page) =>
  page.$eval("#builder .queryBuilder", (root) => [
    ...[...root.querySelectorAll("option, button")].map((e) => e.textContent),
    ...[...root.querySelectorAll("[title]")].map((e) => e.title),
  ]);

const words = (texts) => new Set(texts.flatMap((t) => String(t).toLowerCase().match(/\p{L}+/gu) ?? []));

/**
 * The words of the editor's texts in `lang` that its other language does not share, the
 * store's own data (category paths, brands, titles, segments) left out: what must never show
 * in the other language's builder. From vitrin/editor itself, so a new label is covered.
 */
function ownWords(editor, lang, { catalog, segments }) {
  const texts = (l) => {
    const fields = editor.reactQueryBuilderFields({ catalog, segments, lang: l });
    const { translations, combinators } = editor.reactQueryBuilderTexts(l);
    return [
      ...fields.flatMap((f) => [f.label, ...f.operators.map((o) => o.label), ...(f.values ?? []).map((v) => v.label)]),
      ...Object.values(translations).flatMap((t) => [t.label, t.title]),
      ...combinators.map((c) => c.label),
    ];
  };
  const other = words(texts(lang === "tr" ? "en" : "tr"));
  const store = words(catalog.products.flatMap((p) => [p.id, p.title, p.category, p.brand, ...(p.tags ?? [])]).concat(segments));
  return [...words(texts(lang))].filter((w) => !other.has(w) && !store.has(w));
}

test("the cat-litter audience built visually, two-way with the JSON, published, acts on the storefront", async () => {
  const { default: catalog } = await import(pathToFileURL(join(REPO_ROOT, "www/generated/catalog.js")));
  const editor = await import(pathToFileURL(join(REPO_ROOT, "pkg/editor.js")));
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

      // The builder in the page's language (Turkish): its buttons, variables, operators and
      // fixed values, and no English word of the editor anywhere in it.
      await playground.click("#builder .ruleGroup-addRule");
      const scratch = playground.locator("#builder .rule").first();
      await scratch.locator(".rule-fields").selectOption("page");
      assert.equal((await playground.textContent("#builder .ruleGroup-addRule")).trim(), "+ Kural");
      assert.equal(await scratch.locator(".rule-fields option:checked").textContent(), "Sayfa türü");
      assert.ok((await scratch.locator(".rule-value option").allTextContents()).includes("Sepet"));
      let texts = await builderTexts(playground);
      assert.ok(texts.includes("Sepet tutarı") && texts.includes("VE") && texts.includes("Kural ekle"), JSON.stringify(texts));
      await screenshot(playground, "condition-builder-tr");
      // A number's field (the widest row) stays inside the builder: its controls wrap.
      await scratch.locator(".rule-fields").selectOption("cart.value");
      const outside = await playground.$eval("#builder .queryBuilder", (root) => {
        const edge = root.getBoundingClientRect().right;
        return [...root.querySelectorAll(".rule > *")].filter((e) => e.getBoundingClientRect().right > edge + 0.5).map((e) => e.className);
      });
      assert.deepEqual(outside, [], "controls past the builder's right edge");
      await scratch.locator(".rule-fields").selectOption("profile.segments");
      texts = texts.concat(await builderTexts(playground));
      assert.ok(texts.includes("içermez"), JSON.stringify(texts));
      const storeSegments = await scratch.locator(".rule-value option").allTextContents();
      const englishWords = ownWords(editor, "en", { catalog, segments: storeSegments });
      // The list can fail: it holds the words the issue found on the Turkish page.
      for (const w of ["cart", "value", "rule", "does", "contain"]) assert.ok(englishWords.includes(w), w);
      assert.deepEqual([...words(texts)].filter((w) => englishWords.includes(w)), [], "English words in the Turkish builder");
      await scratch.locator(".rule-remove").click();
      await playground.waitForFunction(() => !document.querySelector("#builder .rule"));

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

      // The shop switched to English: a playground opened now speaks English, no Turkish word
      // of the editor in it.
      await shop.click('[data-lang="en"]');
      const english = await context.newPage();
      watchErrors(english, errors);
      await english.goto(`${url}/www/playground.html`);
      await ready(english);
      await english.waitForSelector("#builder .queryBuilder");
      assert.equal((await english.textContent("#builder .ruleGroup-addRule")).trim(), "+ Rule");
      await english.click("#builder .ruleGroup-addRule");
      await english.locator("#builder .rule").last().locator(".rule-fields").selectOption("profile.segments");
      const shown = await builderTexts(english);
      assert.ok(shown.includes("Cart value") && shown.includes("does not contain") && shown.includes("AND"), JSON.stringify(shown));
      const turkish = ownWords(editor, "tr", { catalog, segments: storeSegments });
      for (const w of ["sepet", "tutarı", "kural", "içermez"]) assert.ok(turkish.includes(w), w);
      assert.deepEqual([...words(shown)].filter((w) => turkish.includes(w)), [], "Turkish words in the English builder");
      await screenshot(english, "condition-builder-en");
      assert.deepEqual(errors, []);
    },
    { contextOptions: { viewport: { width: 1400, height: 1000 } } },
  );
});
