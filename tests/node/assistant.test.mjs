// BRIEF scenarios 2–7 and 9–11 through the built package with a controlled clock, using
// the example rules in examples/rules/: text, products and reason of each prompt, caps,
// consent, Turkish and ₺; and the XSS corpus through every text that reaches a prompt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createVitrin, loadVitrin } from "../../pkg/node.js";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const rules = (name) => JSON.parse(readFileSync(new URL(`../../examples/rules/${name}.json`, import.meta.url), "utf8"));
const xss = ["IntrudersXSS.txt", "XSS_Polyglots.txt"].flatMap((f) =>
  readFileSync(new URL(`../conformance/xss/${f}`, import.meta.url), "utf8").split("\n").filter((l) => l.trim()),
);

function product(id, title, category, price, extra = {}) {
  return { id, title, category, price, brand: extra.brand ?? "Vitrin", popularity: extra.popularity ?? 1, ...extra };
}

const catalog = {
  products: [
    product("blouse", "İpek bluz", "fashion/blouses", 800, { related: { goesWith: ["shoe-1", "shoe-2"] } }),
    product("skirt", "Pileli etek", "fashion/skirts", 650, { related: { goesWith: ["shoe-2", "shoe-3"] } }),
    product("shoe-1", "Deri babet", "fashion/shoes", 1200),
    product("shoe-2", "Topuklu ayakkabı", "fashion/shoes", 1500),
    product("shoe-3", "Sneaker", "fashion/shoes", 1100),
    product("shoe-4", "Bot", "fashion/shoes", 1900),
    product("lens", "Aylık lens", "eyewear/lenses", 450, { related: { boughtWith: ["solution"] } }),
    product("solution", "Lens solüsyonu", "eyewear/solution", 120),
    product("shirt-1", "Keten gömlek", "fashion/shirts", 700, { brand: "Mavi" }),
    product("shirt-2", "Oxford gömlek", "fashion/shirts", 750, { brand: "Mavi" }),
    product("shirt-3", "Flanel gömlek", "fashion/shirts", 690, { brand: "Koton" }),
    product("catfood", "Kuru kedi maması", "pets/cat/food", 520, { related: { boughtWith: ["cattoy"] } }),
    product("cattoy", "Kedi oltası", "pets/cat/toys", 90),
    product("book", "Roman", "books/novels", 150, { popularity: 50 }),
  ],
};

/** An engine with its own clock, in memory, for one visitor. */
async function visitor({ start, profile, rules: r, locale = "tr-TR", consent } = {}) {
  const clock = { now: start };
  // The store knows its customer: the profile's visitor is the engine's (bucketing uses it).
  const engine = await createVitrin({ catalog, rules: r, profile, visitorId: profile?.visitorId, locale, currency: "TRY", consent, storage: "memory", storageKey: `a${Math.random()}`, now: () => clock.now });
  return { engine, clock, later: (ms) => (clock.now += ms) };
}

// A visitor id outside the cart campaign's 10% holdout (bucketing is deterministic).
const PROFILE = { visitorId: "ayse-42", name: "Ayşe", updatedAt: 0 };

test("scenario 2 + 11: cart abandonment greets by name, lists the cart, offers the voucher in ₺, once", async () => {
  const v = await visitor({ start: Date.UTC(2026, 10, 2, 9), profile: PROFILE, rules: rules("02-cart-abandonment") });
  const assigned = v.engine.explain("cart-idle").variant;
  assert.notEqual(assigned, "holdout", "test visitor must be outside the holdout");
  v.engine.track({ type: "add_to_cart", productId: "blouse" });
  v.engine.track({ type: "add_to_cart", productId: "skirt", quantity: 2 });
  v.later(5 * MIN);
  assert.deepEqual(v.engine.prompts(), [], "not idle long enough");
  v.later(6 * MIN);
  const [p] = v.engine.prompts();
  assert.equal(p.campaignId, "cart-idle");
  assert.equal(p.text, "Ayşe, sepetinizdeki 3 ürün sizi bekliyor (₺2.100,00). SEPET10 koduyla %10 indirim.");
  assert.deepEqual(p.productIds, ["blouse", "skirt"]);
  assert.equal(p.reason.code, "cart_abandonment");
  assert.deepEqual(p.cta, { label: "Sepete git", url: "/cart", action: "open" });
  // The page's object has its keys in the order it always had (a page that prints or
  // snapshots a prompt sees no change), though the core no longer sends text, html or label.
  assert.deepEqual(Object.keys(p), ["campaignId", "cta", "html", "id", "priority", "productIds", "products", "reason", "text"]);
  assert.deepEqual(Object.keys(p.cta), ["action", "label", "url"]);
  assert.deepEqual(Object.keys(p.products[0]), ["brand", "category", "id", "image", "price", "title", "url", "priceText"].filter((k) => k in p.products[0]));
  v.engine.shown(p.id);
  v.later(30 * MIN);
  assert.deepEqual(v.engine.prompts(), [], "at most once per session");
  v.later(2 * 60 * MIN);
  v.engine.track({ type: "page", page: "home" });
  v.later(11 * MIN);
  assert.deepEqual(v.engine.prompts(), [], "not again within the day's cap and the cool-down");
  assert.ok(v.engine.explain("cart-idle").because.some((b) => b.path === "/campaigns/0/caps/cooldownMinutes"));
  v.later(DAY);
  v.engine.track({ type: "page", page: "home" });
  v.later(11 * MIN);
  assert.equal(v.engine.prompts()[0]?.campaignId, "cart-idle", "after the cool-down it may speak again");
});

test("scenario 2: exit intent with a full cart outranks the idle prompt", async () => {
  const v = await visitor({ start: Date.UTC(2026, 10, 2, 9), profile: PROFILE, rules: rules("02-cart-abandonment"), locale: "en" });
  v.engine.track({ type: "add_to_cart", productId: "shoe-4" });
  v.engine.track({ type: "exit_intent" });
  const [p] = v.engine.prompts();
  assert.equal(p.campaignId, "cart-exit");
  assert.equal(p.text, "Before you go: your cart is saved.");
});

test("scenario 3: browsing shoes without buying suggests shoes that go with last month's blouse and skirt", async () => {
  const now = Date.UTC(2026, 10, 20, 12);
  const profile = { ...PROFILE, purchases: [{ productId: "blouse", at: now - 30 * DAY, quantity: 1 }, { productId: "skirt", at: now - 29 * DAY, quantity: 1 }] };
  const v = await visitor({ start: now, profile, rules: rules("03-browse-abandonment") });
  for (const id of ["shoe-1", "shoe-4", "shoe-3"]) {
    v.engine.track({ type: "view", productId: id });
    v.later(MIN);
  }
  const [p] = v.engine.prompts();
  assert.equal(p.campaignId, "shoes-browse");
  // The reason names what drove the pick: the purchase the first shoe goes with, and its date.
  assert.equal(p.reason.code, "goes_with_purchase");
  assert.match(p.reason.text, /^\d{1,2} (Ekim|Kasım) tarihinde aldığınız .+ ile uyumlu$/, p.reason.text);
  assert.ok(p.productIds.every((id) => !["blouse", "skirt"].includes(id)), "nothing bought is offered again");
  assert.ok(p.productIds.length > 0 && p.productIds.every((id) => id.startsWith("shoe-")), JSON.stringify(p.productIds));
  assert.ok(p.productIds.includes("shoe-2"), "goes with both purchases");
  v.engine.track({ type: "add_to_cart", productId: "shoe-3" });
  assert.deepEqual(v.engine.prompts(), [], "adding to the cart ends browse abandonment");
});

test("scenario 4: a lens cycle due in 3 days offers a one-click reorder of the lens and its solution", async () => {
  const now = Date.UTC(2026, 10, 20, 12);
  const profile = { ...PROFILE, cycles: [{ productId: "lens", everyDays: 30, lastAt: now - 27 * DAY }] };
  const v = await visitor({ start: now, profile, rules: rules("04-replenishment") });
  const [p] = v.engine.prompts();
  assert.deepEqual(p.productIds, ["lens", "solution"]);
  assert.equal(p.text, "Aylık lens ürününü yaklaşık 30 günde bir alıyorsunuz: solüsyonuyla birlikte tek tıkla yeniden sipariş verin.");
  assert.equal(p.reason.code, "replenish");
  assert.equal(p.reason.text, "Bunu yaklaşık 30 günde bir alıyorsunuz");
  assert.equal(p.cta.action, "add_to_cart");
  const recs = v.engine.recommend({ slot: "replenish" });
  assert.equal(recs[0].reason.text, "Bunu yaklaşık 30 günde bir alıyorsunuz");
});

test("scenario 5: in January the shirt habit leans the home slot to shirts and prompts the campaign", async () => {
  const profile = { ...PROFILE, habits: [{ category: "fashion/shirts", months: [1], perYear: 3 }], affinities: { brand: { Mavi: 1 } } };
  const january = Date.UTC(2027, 0, 10, 10);
  const v = await visitor({ start: january, profile, rules: rules("05-seasonal-habit"), locale: "en" });
  const [p] = v.engine.prompts();
  assert.equal(p.campaignId, "january-shirts");
  assert.equal(p.reason.code, "seasonal");
  // The slot leans to shirts and keeps variety: half of it at most from one category.
  const top = v.engine.recommend({ slot: "for_you", limit: 4 });
  assert.deepEqual(top.slice(0, 2).map((r) => r.productId).sort(), ["shirt-1", "shirt-2"]);
  assert.equal(top.filter((r) => r.productId.startsWith("shirt-")).length, 2, JSON.stringify(top));
  assert.equal(top[0].campaignId, "january-shirts");
  assert.deepEqual(p.productIds.slice().sort(), ["shirt-1", "shirt-2", "shirt-3"], "the prompt itself is about shirts only");
  assert.equal(p.reason.text, "You buy Shirts every January");
  const march = await visitor({ start: Date.UTC(2027, 2, 10, 10), profile, rules: rules("05-seasonal-habit") });
  assert.deepEqual(march.engine.prompts(), []);
});

test("scenario 6: after dry cat food, a discount on other pet products until the offer's end", async () => {
  const bought = Date.UTC(2026, 11, 1, 10);
  const v = await visitor({ start: bought, profile: PROFILE, rules: rules("06-post-purchase-cross-sell") });
  v.engine.track({ type: "purchase", orderId: "o1", items: [{ productId: "catfood", quantity: 1, price: 520 }] });
  const [p] = v.engine.prompts();
  // Two weeks after the order (before the schedule's end on 31 December), in the store's zone, no filter needed.
  assert.equal(p.endsAt, bought + 14 * DAY);
  assert.equal(p.text, "15 Aralık 2026 tarihine kadar KEDI15 koduyla kedi oyuncaklarında %15 indirim.");
  assert.deepEqual(p.productIds, ["cattoy"]);
  assert.equal(p.reason.code, "bought_with_purchase");
  v.later(14 * DAY);
  assert.deepEqual(v.engine.prompts(), [], "the offer ended");
});

test("scenario 7 + 9: no prompts without messaging consent, and explain says why", async () => {
  const v = await visitor({ start: Date.UTC(2026, 10, 2, 9), profile: PROFILE, rules: rules("02-cart-abandonment"), consent: { messaging: false } });
  v.engine.track({ type: "add_to_cart", productId: "shoe-4" });
  v.later(11 * MIN);
  assert.deepEqual(v.engine.prompts(), []);
  assert.ok(v.engine.explain("cart-idle").because.some((b) => /consent/.test(b.reason)));
  v.engine.setConsent({ messaging: true });
  assert.equal(v.engine.prompts()[0].campaignId, "cart-idle");
});

test("prompt events fire when a prompt becomes due after an event", async () => {
  const v = await visitor({
    start: Date.UTC(2026, 10, 2, 9), locale: "en",
    rules: { version: 1, campaigns: [{ id: "after-add", trigger: { type: "event", event: "add_to_cart" }, prompt: { text: { en: "Added {{product.title}}" }, products: "cart" } }] },
  });
  const seen = [];
  v.engine.on("prompt", (p) => seen.push(p.text));
  v.engine.track({ type: "add_to_cart", productId: "book" });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, ["Added Roman"]);
});

test("XSS corpus: no payload in a title, a name or a campaign text adds markup to the html", async () => {
  const vitrin = await loadVitrin();
  assert.ok(xss.length >= 150);
  let refused = 0;
  for (const [i, payload] of xss.entries()) {
    const c = { products: [{ id: "x", title: payload, category: "fashion/shoes", price: 10, brand: payload }] };
    const text = `${payload} {{product.title}} {{name | default: "?"}}`;
    const r = { version: 1, campaigns: [{ id: "c", trigger: { type: "always" }, prompt: { text: { en: text }, products: "cart", cta: { label: { en: payload }, url: "/cart" } } }] };
    if (!vitrin.validateRules(r).ok) {
      refused++; // payloads with "{{" are template syntax errors, refused at setRules
      continue;
    }
    const engine = vitrin.create({ catalog: c, rules: r, profile: { visitorId: `v${i}`, name: payload, updatedAt: 0 }, storage: "memory", storageKey: `x${i}` });
    engine.track({ type: "add_to_cart", productId: "x" });
    const [p] = engine.prompts();
    assert.ok(p, payload);
    assert.ok(!/[<>]/.test(p.html), `markup in html for ${payload}: ${p.html}`);
    assert.ok(!/["']/.test(p.html), `a quote could break out of an attribute: ${p.html}`);
    assert.equal(p.html.replace(/&lt;|&gt;|&quot;|&#39;|&amp;/g, "_").length, p.text.replace(/[<>"'&]/g, "_").length);
    engine.destroy();
  }
  assert.ok(refused < xss.length / 4, `${refused} refused`);
  const bad = vitrin.validateRules({ version: 1, campaigns: [{ id: "c", trigger: { type: "always" }, prompt: { text: { en: "x" }, cta: { label: { en: "x" }, url: "javascript:alert(1)" } } }] });
  assert.deepEqual(bad.errors.map((e) => e.path), ["/campaigns/0/prompt/cta/url"]);
});
