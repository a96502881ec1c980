// The eleven BRIEF scenarios as a shopper meets them in the demo storefront (www/), in headless
// Chromium: clicks through the real pages, the visitor simulator's personas and clock (never a
// sleep racing a timer), and asserts what a person sees — the assistant's words, its products
// and button, its disappearance, the cart after a reorder, the date shown, the reasons'
// language. One screenshot per step under target/screenshots/scenario-NN-*.png. Every journey
// fails on a console error or an uncaught page error. Needs pkg/ and the demo catalog
// (`cargo xtask test` builds both first).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, launchBrowser, screenshot, watchErrors, withPage } from "../support/browser.mjs";

const { default: catalog } = await import(pathToFileURL(join(REPO_ROOT, "www/generated/catalog.js")));
const byId = new Map(catalog.products.map((p) => [p.id, p]));
const inCategory = (id, path) => byId.get(id).category === path || byId.get(id).category.startsWith(`${path}/`);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const VIEWPORT = { viewport: { width: 1280, height: 900 } };

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Runs a journey in a fresh browser context (its own storage) on the demo storefront. */
function journey(fn) {
  return withPage(
    async (ctx) => {
      await open(ctx.page, `${ctx.url}/`);
      await fn(ctx);
      assert.deepEqual(ctx.errors, []);
    },
    { browser, contextOptions: VIEWPORT },
  );
}

async function open(page, address) {
  await page.goto(address);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  // Record every withdrawal the element reports, with the engine's reason.
  await page.evaluate(() => {
    window.withdrawn = [];
    document.querySelector("vitrin-assistant").addEventListener("vitrin-withdrawn", (e) => window.withdrawn.push(e.detail.reason));
  });
}

/** Lets the engine's prompt check (a microtask) and two frames pass. */
const settle = (page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

/** The assistant's bubble as the visitor sees it. */
function bubble(page) {
  return page.evaluate(() => {
    const b = document.querySelector("vitrin-assistant").shadowRoot.querySelector(".bubble");
    const cta = b.querySelector(".cta");
    return {
      hidden: b.hidden,
      text: b.querySelector("p")?.textContent ?? "",
      why: b.querySelector(".why")?.textContent ?? "",
      products: [...b.querySelectorAll(".products li")].map((li) => ({
        id: li.dataset.productId,
        href: li.querySelector("a")?.getAttribute("href") ?? null,
        title: li.querySelector(".title").textContent,
        price: li.querySelector(".price").textContent,
        image: li.querySelector("img")?.getAttribute("src") ?? null,
      })),
      cta: cta && { label: cta.textContent, href: cta.getAttribute("href"), action: cta.dataset.action },
    };
  });
}

const bubbleShown = (page) => page.waitForFunction(() => !document.querySelector("vitrin-assistant").shadowRoot.querySelector(".bubble").hidden);
const bubbleGone = (page) => page.waitForFunction(() => document.querySelector("vitrin-assistant").shadowRoot.querySelector(".bubble").hidden);

async function simulator(page) {
  if (!(await page.$eval("#simulator", (d) => d.open))) await page.click("#simulator summary");
}

async function closeSimulator(page) {
  if (await page.$eval("#simulator", (d) => d.open)) await page.click("#simulator summary");
}

async function persona(page, id) {
  await simulator(page);
  await page.selectOption('#simulator [name="persona"]', id);
  await closeSimulator(page);
  await settle(page);
}

/** The simulator's clock buttons: 10 minutes idle, +1 hour, +1 day, +7 days. */
async function advance(page, ms) {
  await simulator(page);
  await page.click(`#simulator [data-advance="${ms}"]`);
  await closeSimulator(page);
  await settle(page);
}

/** The simulator's "go to date" field (10:00 that day). */
async function goToDate(page, isoDay) {
  await simulator(page);
  await page.fill('#simulator [name="date"]', isoDay);
  await closeSimulator(page);
  await settle(page);
}

/** Opens the k-th product of a category page by clicking its card, as a shopper would. */
async function viewProduct(page, url, category, k = 0) {
  await page.goto(`${url}/#/c/${category}`);
  const card = page.locator(".catalog-grid .card").nth(k);
  const id = await card.getAttribute("data-product-id");
  await card.locator(".card-title a").click();
  await page.waitForSelector(`.product[data-product-id="${id}"]`);
  await settle(page);
  return id;
}

async function addToCart(page) {
  await page.click('.product [data-action="add"]');
  await page.waitForSelector("#cart-count:not([hidden])");
  await settle(page);
}

/** The for_you cards of the home page. */
async function forYou(page, url) {
  await page.goto(`${url}/#/`);
  await page.waitForSelector('[data-slot="for_you"]:not([hidden]) .card');
  return page.$$eval('[data-slot="for_you"] .card', (cards) =>
    cards.map((c) => ({ id: c.dataset.productId, category: c.dataset.category, reason: c.querySelector(".card-reason").textContent })),
  );
}

const cartIds = (page) => page.$$eval(".lines .line", (lines) => lines.map((l) => l.dataset.productId));

/** The date `at` as the page's Intl shows it in the store's zone (Türkiye, +03:00). */
const storeDate = (page, at, locale) => page.evaluate(([t, l]) => new Intl.DateTimeFormat(l, { dateStyle: "long", timeZone: "Europe/Istanbul" }).format(new Date(t)), [at, locale]);

/** The simulator's stored persona profile (what the store's server would have synced). */
const storedProfile = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("vitrin-demo")).profile);

const exitIntent = (page) => page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientX: 400, clientY: 0, bubbles: true })));

// A Turkish reason never shows a raw category slug or an English word for one.
const SLUG = /\b(fashion|blouses|skirts|shirts|shoes|running|casual|books|novels|pets|cat|dog|food|toys|eyewear|lenses|solution|frames)\b|\//;

test("scenario 1 — live re-ranking: three running shoes move for_you and similar toward running shoes, with variety and without a request", async () => {
  await journey(async ({ page, url }) => {
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    const before = await forYou(page, url);
    await screenshot(page, "scenario-01-1-home-before");
    const start = requests.length;
    const viewed = [];
    for (const k of [0, 1, 2]) viewed.push(await viewProduct(page, url, "fashion/shoes/running", k));
    const similar = await page.$$eval('[data-slot="similar"] .card', (cards) => cards.map((c) => c.dataset.category));
    assert.ok(similar.length >= 4 && similar.every((c) => c === "fashion/shoes/running"), `similar: ${similar}`);
    await screenshot(page, "scenario-01-2-product-similar");

    const after = await forYou(page, url);
    const running = (cards) => cards.filter((c) => c.category === "fashion/shoes/running").length;
    assert.ok(running(after) > running(before), `the slot moved toward running shoes: ${running(before)} → ${running(after)}`);
    assert.ok(running(after) <= Math.ceil(after.length / 2), `no more than half from one category: ${JSON.stringify(after)}`);
    assert.ok(after.slice(0, 6).every((c) => !viewed.includes(c.id)), "the three shoes just viewed are not repeated at the top");
    assert.ok(after.some((c) => /baktığınız için/.test(c.reason)), `a reason names a viewed product: ${JSON.stringify(after)}`);
    assert.deepEqual(requests.slice(start).filter((u) => !u.startsWith(`${url}/#`)), [], "no request after the first load");
    await screenshot(page, "scenario-01-3-home-after");
  });
});

test("scenario 2 — cart abandonment: the idle cart brings the named greeting, the item card and the voucher; emptied in another tab it goes; once per session", async () => {
  await journey(async ({ page, context, url, errors }) => {
    await persona(page, "ayse");
    await page.waitForSelector("#greeting:has-text('Ayşe')");
    const id = await viewProduct(page, url, "fashion/shoes/casual", 0);
    await addToCart(page);
    assert.equal((await bubble(page)).hidden, true, "nothing is said while the visitor is active");

    await advance(page, 10 * MINUTE);
    await bubbleShown(page);
    const b = await bubble(page);
    assert.match(b.text, /^Ayşe, sepetinizdeki 1 ürün sizi bekliyor \(₺[\d.]+,\d\d\)\. SEPET10 koduyla %10 indirim\.$/);
    assert.deepEqual(b.products.map((p) => p.id), [id]);
    assert.equal(b.products[0].title, byId.get(id).title);
    assert.equal(b.products[0].href, `/#/p/${id}`, "the item is a link to its page");
    assert.match(b.products[0].price, /^₺[\d.]+,\d\d$/);
    assert.deepEqual([b.cta.label, b.cta.href], ["Sepete git", "/#/cart"]);
    assert.equal(b.why, "Bunları sepetinize eklediniz");
    await screenshot(page, "scenario-02-1-idle-cart-prompt");

    // The visitor empties the cart in another tab: the prompt about it leaves this one.
    const other = await context.newPage();
    watchErrors(other, errors);
    await other.goto(`${url}/#/cart`);
    await other.waitForSelector(".lines .line");
    await other.click('[data-action="remove"]');
    await other.waitForSelector(".empty");
    await bubbleGone(page);
    await page.waitForSelector("#cart-count[hidden]", { state: "attached" });
    assert.deepEqual(await page.evaluate(() => window.withdrawn), ["no_longer_due"]);
    await screenshot(page, "scenario-02-2-emptied-in-another-tab");
    await other.close();

    // Same session: a new idle cart is not asked about again.
    await viewProduct(page, url, "fashion/shoes/casual", 1);
    await addToCart(page);
    await advance(page, 10 * MINUTE);
    assert.equal((await bubble(page)).hidden, true, "at most once per session");
    await screenshot(page, "scenario-02-3-not-again");
  });
});

test("scenario 3 — browse abandonment: shoes of any kind, then shoes that go with her blouse and skirt, never what she bought, with the purchase named", async () => {
  await journey(async ({ page, url }) => {
    await persona(page, "ayse");
    const bought = (await storedProfile(page)).purchases.map((p) => p.productId);
    // Running and casual shoes both count for a campaign watching fashion/shoes.
    await viewProduct(page, url, "fashion/shoes/running", 0);
    await viewProduct(page, url, "fashion/shoes/casual", 0);
    assert.equal((await bubble(page)).hidden, true, "two views are not enough");
    await viewProduct(page, url, "fashion/shoes/running", 1);
    await bubbleShown(page);
    // Each card's picture has loaded (a real image file, drawn for the demo catalog).
    await page.waitForFunction(() => {
      const imgs = [...document.querySelector("vitrin-assistant").shadowRoot.querySelectorAll(".products img")];
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    });
    const b = await bubble(page);
    assert.equal(b.text, "Geçen ay aldıklarınızla uyumlu ayakkabılar");
    assert.ok(b.products.length >= 2, JSON.stringify(b.products));
    for (const p of b.products) {
      assert.ok(inCategory(p.id, "fashion/shoes"), `${p.id} is a shoe`);
      assert.ok(!bought.includes(p.id), `${p.id} was not bought already`);
      assert.ok(bought.some((x) => byId.get(x).related.goesWith?.includes(p.id) || byId.get(x).related.boughtWith?.includes(p.id)), `${p.id} goes with a purchase`);
      assert.match(p.price, /^₺[\d.]+,\d\d$/);
      assert.equal(p.title, byId.get(p.id).title);
      assert.equal(p.href, `/#/p/${p.id}`);
      assert.equal(p.image, byId.get(p.id).image);
    }
    const blouse = byId.get(bought[0]).title;
    assert.match(b.why, new RegExp(`^\\d{1,2} (Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|Kasım|Aralık) tarihinde aldığınız ${blouse} ile uyumlu$`), b.why);
    await screenshot(page, "scenario-03-1-complements");

    // A product in the bubble is a link to its page; following it closes the bubble.
    await page.locator("vitrin-assistant .products a").first().click();
    await page.waitForSelector(`.product[data-product-id="${b.products[0].id}"]`);
    await bubbleGone(page);
    await screenshot(page, "scenario-03-2-followed");
  });
});

test("scenario 4 — replenishment: a one-click reorder puts the lens and its solution in the cart; bought, it is not offered again", async () => {
  await journey(async ({ page, url }) => {
    await persona(page, "mehmet");
    await bubbleShown(page);
    const profile = await storedProfile(page);
    const lens = profile.cycles[0].productId;
    const solution = byId.get(lens).related.boughtWith[0];
    const b = await bubble(page);
    assert.equal(b.text, `${byId.get(lens).title} ürününü yaklaşık 30 günde bir alıyorsunuz: solüsyonuyla birlikte tek tıkla yeniden sipariş verin.`);
    assert.deepEqual(b.products.map((p) => p.id), [lens, solution]);
    assert.deepEqual([b.cta.label, b.cta.action], ["İkisini de sepete ekle", "add_to_cart"]);
    assert.equal(b.why, "Bunu yaklaşık 30 günde bir alıyorsunuz");
    await screenshot(page, "scenario-04-1-reorder-prompt");

    await page.locator("vitrin-assistant .cta").click();
    await page.waitForSelector(".lines .line");
    assert.deepEqual((await cartIds(page)).sort(), [lens, solution].sort(), "the cart holds the lens and its solution");
    assert.equal(await page.textContent("#cart-count"), "2");
    await bubbleGone(page);
    await screenshot(page, "scenario-04-2-cart-after-reorder");

    await page.click('a[href="#/checkout"]');
    await page.click('#checkout-form button[type="submit"]');
    await page.waitForSelector(".hero h1");
    await advance(page, DAY);
    await settle(page);
    assert.equal((await bubble(page)).hidden, true, "bought today: no reorder prompt tomorrow");
    await screenshot(page, "scenario-04-3-bought-no-prompt");
  });
});

test("scenario 5 — seasonal habit: in January the home leans to her shirts and the campaign invites her; in February the invitation is gone", async () => {
  await journey(async ({ page, url }) => {
    const year = new Date().getFullYear() + 1;
    await goToDate(page, `${year}-01-12`);
    await persona(page, "zeynep");
    await bubbleShown(page);
    const b = await bubble(page);
    assert.equal(b.text, "Sevdiğiniz markaların yeni gömlekleri geldi.");
    assert.equal(b.why, "Her Ocak ayında Gömlek alıyorsunuz");
    assert.deepEqual([b.cta.label, b.cta.href], ["Gömleklere bak", "/#/c/fashion/shirts"]);
    const cards = await forYou(page, url);
    const shirts = cards.filter((c) => c.category === "fashion/shirts").length;
    assert.ok(shirts >= 3 && shirts <= Math.ceil(cards.length / 2), `leans to shirts with variety: ${shirts} of ${cards.length}`);
    await screenshot(page, "scenario-05-1-january");

    await goToDate(page, `${year}-02-02`);
    await bubbleGone(page);
    assert.deepEqual(await page.evaluate(() => window.withdrawn), ["no_longer_due"]);
    await screenshot(page, "scenario-05-2-february");
  });
});

test("scenario 6 — post-purchase cross-sell: cat toys with a voucher until a date shown in the store's zone; the offer disappears when it ends", async () => {
  await journey(async ({ page, url }) => {
    await persona(page, "can");
    await bubbleShown(page);
    const profile = await storedProfile(page);
    const food = profile.purchases[0];
    const ends = await storeDate(page, food.at + 14 * DAY, "tr-TR");
    const b = await bubble(page);
    assert.equal(b.text, `${ends} tarihine kadar KEDI15 koduyla kedi oyuncaklarında %15 indirim.`);
    assert.ok(b.products.length >= 1 && b.products.every((p) => inCategory(p.id, "pets/cat/toys")), JSON.stringify(b.products));
    assert.match(b.why, new RegExp(`tarihinde aldığınız ${byId.get(food.productId).title} ile sıkça birlikte alınıyor$`));
    const cards = await forYou(page, url);
    assert.ok(cards.filter((c) => c.category === "pets/cat/food").length <= cards.length / 2, "for_you does not fill up with more cat food");
    await screenshot(page, "scenario-06-1-cross-sell");

    await advance(page, 7 * DAY);
    assert.equal((await bubble(page)).hidden, false, "day 10 of 14: the offer stands");
    await advance(page, 7 * DAY);
    await bubbleGone(page);
    assert.deepEqual(await page.evaluate(() => window.withdrawn), ["offer_ended"]);
    await screenshot(page, "scenario-06-2-offer-ended");
  });
});

test("scenario 7 — consent: withdrawing messaging takes the prompt down, withdrawing personalization erases storage, forget() starts over", async () => {
  await journey(async ({ page, url }) => {
    const stored = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k === "vitrin" || k.startsWith("vitrin:")));
    await persona(page, "ayse");
    await viewProduct(page, url, "fashion/shoes/casual", 0);
    await addToCart(page);
    await advance(page, 10 * MINUTE);
    await bubbleShown(page);
    assert.match((await bubble(page)).text, /^Ayşe, sepetinizdeki 1 ürün/);
    assert.ok((await stored()).length > 0, "with consent the visitor is kept");
    await screenshot(page, "scenario-07-1-prompt-with-consent");

    await simulator(page);
    await page.uncheck('#simulator [name="messaging"]');
    await bubbleGone(page);
    assert.deepEqual(await page.evaluate(() => window.withdrawn), ["consent_withdrawn"]);
    await page.uncheck('#simulator [name="personalization"]');
    await settle(page);
    assert.deepEqual(await stored(), [], "no personalization consent: nothing stored");
    await closeSimulator(page);
    await viewProduct(page, url, "books/novels", 0);
    const cards = await forYou(page, url);
    assert.ok(cards.every((c) => c.reason === "Şu an çok tercih ediliyor"), `not personalized: ${JSON.stringify(cards.map((c) => c.reason))}`);
    assert.deepEqual(await stored(), [], "still nothing stored after browsing");
    await screenshot(page, "scenario-07-2-no-consent");

    await simulator(page);
    await Promise.all([page.waitForNavigation(), page.click("#simulator [data-reset]")]);
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    assert.equal(await page.isHidden("#cart-count"), true, "forget(): the cart is gone");
    // A new visitor (consent is back to the shop's default): nothing of the old one is kept.
    const doc = await page.evaluate(() => JSON.parse(localStorage.getItem("vitrin") ?? "{}").visitor ?? {});
    assert.deepEqual([doc.cart ?? [], doc.purchases ?? []], [[], []]);
    assert.equal(await page.textContent("#greeting"), "");
    await screenshot(page, "scenario-07-3-forgotten");
  });
});

test("scenario 8 — marketer loop: a prompt written in the playground is refused with its path, then published to the open store, which shows it without a reload", async () => {
  await journey(async ({ page: shop, context, url, errors }) => {
    await shop.evaluate(() => (window.sameDocument = true));
    const playground = await context.newPage();
    watchErrors(playground, errors);
    await playground.goto(`${url}/www/playground.html`);
    await playground.waitForFunction(() => document.body.dataset.ready === "1");
    const rules = JSON.parse(await playground.inputValue("#rules"));
    const campaign = { id: "winter-sale", priority: 100, trigger: { type: "always" }, prompt: { text: { tr: "Kış indirimi başladı: {{campain}}", en: "Winter sale" } } };
    const draft = () => JSON.stringify({ ...rules, campaigns: [...rules.campaigns, campaign] }, null, 2);
    await playground.fill("#rules", draft());
    await playground.waitForSelector("#validation .bad");
    const refused = await playground.textContent("#validation");
    assert.match(refused, new RegExp(`/campaigns/${rules.campaigns.length}/prompt/text/tr`), refused);
    assert.match(refused, /did you mean "campaign"/, refused);
    await screenshot(playground, "scenario-08-1-error-path");

    campaign.prompt.text.tr = "Kış indirimi başladı!";
    await playground.fill("#rules", draft());
    await playground.waitForSelector("#validation .good");
    await playground.click("#publish");
    await playground.waitForSelector("#confirm[open]"); // the diff against the live rules
    await playground.click("#confirm-ok");
    await bubbleShown(shop);
    assert.equal((await bubble(shop)).text, "Kış indirimi başladı!");
    assert.equal(await shop.evaluate(() => window.sameDocument), true, "no reload");
    await screenshot(shop, "scenario-08-2-published-in-store");

    await playground.reload();
    await playground.waitForFunction(() => document.body.dataset.ready === "1");
    await playground.waitForSelector('#metrics [data-campaign="winter-sale"]');
    assert.equal(await playground.textContent('#metrics [data-campaign="winter-sale"][data-variant="default"] [data-metric="impressions"]'), "1");
    await screenshot(playground, "scenario-08-3-results");
  });
});

test("scenario 9 — explain why: every card and prompt says why in words, with category names and never a slug", async () => {
  await journey(async ({ page, url }) => {
    await persona(page, "ayse");
    const cards = await forYou(page, url);
    assert.ok(cards.length >= 6);
    for (const c of cards) {
      assert.ok(c.reason.length > 5, `card ${c.id} has a reason`);
      assert.doesNotMatch(c.reason, SLUG, `no raw category in "${c.reason}"`);
    }
    assert.ok(cards.some((c) => /^İlgilendiğiniz (Bluz|Etek|Moda) kategorisinden$/.test(c.reason)), JSON.stringify(cards.map((c) => c.reason)));
    await screenshot(page, "scenario-09-1-reasons-tr");

    await page.click('[data-lang="en"]');
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const en = await forYou(page, url);
    assert.ok(en.some((c) => /^Because you like (Blouses|Skirts|Fashion)$/.test(c.reason)), JSON.stringify(en.map((c) => c.reason)));
    for (let k = 0; k < 3; k++) await viewProduct(page, url, "fashion/shoes/casual", k);
    await bubbleShown(page);
    const b = await bubble(page);
    assert.equal(b.text, "Shoes that go with what you bought last month");
    assert.match(b.why, /^Goes with the .+ you bought on \d{1,2} [A-Z][a-z]+$/);
    await screenshot(page, "scenario-09-2-reasons-en");
  });
});

test("scenario 10 — don't spam: after a dismissed cart prompt, leaving the page does not bring another prompt about the same cart", async () => {
  await journey(async ({ page, url }) => {
    await persona(page, "ayse");
    await viewProduct(page, url, "fashion/skirts", 0);
    await addToCart(page);
    await advance(page, 10 * MINUTE);
    await bubbleShown(page);
    await page.locator("vitrin-assistant .close").click();
    await bubbleGone(page);
    await screenshot(page, "scenario-10-1-dismissed");

    await exitIntent(page);
    await settle(page);
    assert.equal((await bubble(page)).hidden, true, "quiet time after a dismiss");
    await advance(page, 60 * MINUTE);
    await exitIntent(page);
    await settle(page);
    const later = await bubble(page);
    assert.ok(later.hidden || !/sepet/i.test(later.text), `an hour later: nothing about the same cart (${later.text})`);
    await screenshot(page, "scenario-10-2-exit-intent-quiet");
    // Why it stays quiet (`/campaigns/1/prompt/products` in explain) is asserted on the host
    // (tests/prompts.rs): the playground now explains a simulated visitor of its own, never
    // the shop's.
  });
});

test("scenario 11 — language and money: the offer in English with its date and ₺ prices by Intl; the cart's money in both languages", async () => {
  await journey(async ({ page, url }) => {
    await page.click('[data-lang="en"]');
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    await persona(page, "can");
    await bubbleShown(page);
    const food = (await storedProfile(page)).purchases[0];
    const ends = await storeDate(page, food.at + 14 * DAY, "en-US");
    const b = await bubble(page);
    assert.equal(b.text, `15% off toys for your cat with KEDI15, until ${ends}.`);
    assert.match(ends, /^[A-Z][a-z]+ \d{1,2}, \d{4}$/);
    // Prices as the browser's Intl writes TRY for the visitor's locale, as the store's own cards do.
    const money = (locale, id) => page.evaluate(([l, v]) => new Intl.NumberFormat(l, { style: "currency", currency: "TRY" }).format(v), [locale, byId.get(id).price]);
    for (const p of b.products) assert.equal(p.price, await money("en-US", p.id));
    assert.match(b.why, /^Often bought with the .+ you bought on \d{1,2} [A-Z][a-z]+$/);
    assert.equal(b.cta.label, "See cat toys");
    await screenshot(page, "scenario-11-1-english");

    // The same money in the cart, English then Turkish.
    await viewProduct(page, url, "pets/cat/toys", 0);
    await addToCart(page);
    await page.goto(`${url}/#/cart`);
    const line = await page.getAttribute(".lines .line", "data-product-id");
    assert.equal(await page.textContent(".line-total"), await money("en-US", line));
    await page.click('[data-lang="tr"]');
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    assert.equal(await page.textContent(".line-total"), await money("tr-TR", line));
    assert.match(await page.textContent(".line-total"), /^₺[\d.]+,\d\d$/);
    await screenshot(page, "scenario-11-2-turkish");
  });
});
