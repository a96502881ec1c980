// The demo storefront: one page, hash routes (#/, #/c/<category>, #/p/<id>, #/cart,
// #/checkout, #/search/<q>, #/thanks/<order>), over the built package imported as a store
// would ("vitrin", mapped to /pkg/ by the page's import map). Every slot is filled
// synchronously from the engine; after the first load nothing goes over the network.

import { loadVitrin } from "vitrin";
import "vitrin/assistant";
import { picture } from "/www/drawing.js";
import { t, setLang, getLang, locale, categoryName, TOP_CATEGORIES } from "/www/text.js";
import { settings, now, save, reload as reloadSettings, SETTINGS_KEY } from "/www/settings.js";
import { mountSimulator } from "/www/simulator.js";
import { publishedRules, onPublish } from "/www/rules.js";
import { demoCatalog, createDemoEngine } from "/www/engine.js";
import { syncOptions } from "/www/backend.js";
import { previewRequest, previewRules, previewBanner } from "/www/preview.js";

setLang(settings.lang);
document.documentElement.lang = getLang();

const { catalog, products } = demoCatalog();
const money = new Intl.NumberFormat(locale(), { style: "currency", currency: "TRY" });
const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 });
const FREE_SHIPPING_FROM = 1000;
const SHIPPING = 49.9;

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const href = (...parts) => `#/${parts.map(encodeURIComponent).join("/")}`;

// The header needs no engine: paint it while the wasm downloads.
mountChrome();
const vitrin = await loadVitrin();
const published = publishedRules(vitrin);
// A playground preview link shows one campaign's variant with a read-only engine and no sync;
// otherwise, with the demo server (cargo xtask demo), events and rules go through the SDK's sync.
const preview = previewRequest();
const shown = preview && previewRules(published.rules, preview);
const engine = shown ? createDemoEngine(vitrin, catalog, shown, { readOnly: true }) : createDemoEngine(vitrin, catalog, published.rules, syncOptions());
if (shown) {
  document.documentElement.dataset.preview = `${preview.campaignId}:${preview.variant}`;
  document.body.insertAdjacentHTML("afterbegin", `<p class="notice preview-banner" role="status"></p>`);
  document.querySelector(".preview-banner").textContent = previewBanner(preview);
}
document.documentElement.dataset.rulesRevision = String(published.revision);

const main = document.getElementById("main");
const timing = { firstRecommendationMs: null, lastRecommendMs: null };
let lastOrder = null;

// ---- time to the first recommendation (Performance API) ----

function markFirstRecommendation() {
  if (timing.firstRecommendationMs !== null) return;
  performance.mark("vitrin:first-recommendation");
  const measure = performance.measure("vitrin:time-to-first-recommendation", { start: 0, end: "vitrin:first-recommendation" });
  timing.firstRecommendationMs = measure.duration;
  document.documentElement.dataset.firstRecommendationMs = measure.duration.toFixed(1);
}

function renderFooter() {
  const parts = [];
  const first = timing.firstRecommendationMs;
  if (first !== null) {
    parts.push(`${t("firstRecommendation")}: <strong>${number.format(first)} ms</strong> ${t("afterNavigation")}`);
  }
  if (timing.lastRecommendMs !== null) {
    // Below the browser's timer resolution the call shows as "< 0.1 ms".
    const ms = timing.lastRecommendMs < 0.1 ? `< ${number.format(0.1)}` : number.format(timing.lastRecommendMs);
    parts.push(`${t("lastRecommend")}: ${ms} ms`);
  }
  if (first !== null) {
    // What the page fetched after its first recommendation: decisions never fetch anything.
    parts.push(t("requestsSince", { n: performance.getEntriesByType("resource").filter((e) => e.startTime > first).length }));
  }
  parts.push(`vitrin ${esc(vitrin.version)}`);
  document.getElementById("timing").innerHTML = parts.join(" · ");
}

// ---- building blocks ----

function card(p, rec) {
  const link = href("p", p.id);
  return `<article class="card" data-product-id="${esc(p.id)}" data-category="${esc(p.category)}">
    <a class="card-media" href="${link}" tabindex="-1">${picture(p)}</a>
    <div class="card-body">
      <p class="card-brand">${esc(p.brand)}</p>
      <h3 class="card-title"><a href="${link}">${esc(p.title)}</a></h3>
      <p class="card-price">${money.format(p.price)}${p.inStock === false ? ` <span class="sold-out">${t("outOfStock")}</span>` : ""}</p>
      ${rec ? `<p class="card-reason" data-reason="${esc(rec.reason.code)}">${esc(rec.reason.text)}</p>` : ""}
    </div>
  </article>`;
}

/** A slot's frame; `fillSlots` asks the engine for its products. */
function slot(name, title, { productId = "", limit = 6 } = {}) {
  return `<section class="slot" data-slot="${name}" data-product="${esc(productId)}" data-limit="${limit}" hidden>
    <h2>${title}</h2><div class="grid"></div></section>`;
}

function fillSlots() {
  for (const section of main.querySelectorAll("[data-slot]")) {
    const { slot: name, product, limit } = section.dataset;
    const started = performance.now();
    const recs = engine.recommend({ slot: name, productId: product || undefined, limit: Number(limit) });
    timing.lastRecommendMs = performance.now() - started;
    section.querySelector(".grid").innerHTML = recs.map((r) => card(products.get(r.productId), r)).join("");
    section.hidden = recs.length === 0;
    if (recs.length) markFirstRecommendation();
  }
  renderFooter();
}

function breadcrumbs(path, last) {
  const parts = path ? path.split("/") : [];
  const links = [`<a href="#/">${t("home")}</a>`, ...parts.map((_, k) => {
    const p = parts.slice(0, k + 1).join("/");
    return `<a href="${href("c", ...p.split("/"))}">${esc(categoryName(p))}</a>`;
  })];
  if (last) links.push(`<span>${esc(last)}</span>`);
  return `<nav class="crumbs" aria-label="breadcrumb">${links.join("<span class=sep>/</span>")}</nav>`;
}

/** Direct sub-categories of `path` ("" for the top level), in catalog order. */
function childrenOf(path) {
  const depth = path ? path.split("/").length : 0;
  const found = new Set();
  for (const p of catalog.products) {
    if (path && !p.category.startsWith(path + "/")) continue;
    const parts = p.category.split("/");
    if (parts.length > depth) found.add(parts.slice(0, depth + 1).join("/"));
  }
  return [...found];
}

const inCategory = (path) => catalog.products.filter((p) => p.category === path || p.category.startsWith(path + "/"));
const byPopularity = (a, b) => (b.popularity ?? 0) - (a.popularity ?? 0);

function cartLines() {
  return engine.state().cart.flatMap((l) => (products.has(l.productId) ? [{ ...l, product: products.get(l.productId) }] : []));
}

function totals(lines) {
  const subtotal = lines.reduce((s, l) => s + l.product.price * l.quantity, 0);
  const shipping = subtotal >= FREE_SHIPPING_FROM || subtotal === 0 ? 0 : SHIPPING;
  return { subtotal, shipping, total: subtotal + shipping };
}

function summary({ subtotal, shipping, total }) {
  return `<dl class="totals">
    <dt>${t("subtotal")}</dt><dd>${money.format(subtotal)}</dd>
    <dt>${t("shipping")}</dt><dd>${shipping ? money.format(shipping) : t("free")}</dd>
    <dt class="grand">${t("total")}</dt><dd class="grand">${money.format(total)}</dd></dl>`;
}

// ---- views: each returns its HTML and what to track ----

function home() {
  const tiles = TOP_CATEGORIES.map((path) => {
    const face = inCategory(path).sort(byPopularity)[0];
    const subs = childrenOf(path).map((c) => `<a href="${href("c", ...c.split("/"))}">${esc(categoryName(c))}</a>`).join("");
    return `<article class="tile"><a class="tile-media" href="${href("c", path)}">${picture(face)}</a>
      <div><h3><a href="${href("c", path)}">${esc(categoryName(path))}</a></h3><p class="tile-links">${subs}</p></div></article>`;
  }).join("");
  return {
    page: "home",
    html: `<section class="hero"><h1>${t("heroTitle")}</h1><p>${t("heroText")}</p></section>
      ${slot("replenish", t("reorder"))}
      ${slot("for_you", t("forYou"), { limit: 12 })}
      <section><h2>${t("categories")}</h2><div class="tiles">${tiles}</div></section>`,
  };
}

function category(path) {
  const list = inCategory(path).sort(byPopularity);
  if (!list.length) return notFound();
  const chips = childrenOf(path).map((c) => `<a class="chip" href="${href("c", ...c.split("/"))}">${esc(categoryName(c))}</a>`).join("");
  return {
    page: "category",
    categoryId: path,
    html: `${breadcrumbs(path)}
      <div class="heading"><h1>${esc(categoryName(path))}</h1><span class="muted">${list.length} ${t("products")}</span></div>
      ${chips ? `<nav class="chips">${chips}</nav>` : ""}
      <div class="grid catalog-grid">${list.map((p) => card(p)).join("")}</div>`,
  };
}

function product(id) {
  const p = products.get(id);
  if (!p) return notFound();
  const inStock = p.inStock !== false;
  return {
    page: "product",
    productId: p.id,
    html: `${breadcrumbs(p.category, p.title)}
      <div class="product" data-product-id="${esc(p.id)}">
        <div class="product-media">${picture(p, "picture large")}</div>
        <div class="product-info">
          <p class="card-brand">${esc(p.brand)}</p>
          <h1>${esc(p.title)}</h1>
          <p class="product-price">${money.format(p.price)}</p>
          <p class="${inStock ? "stock" : "sold-out"}">${t(inStock ? "inStock" : "outOfStock")}</p>
          <button class="primary" data-action="add" data-id="${esc(p.id)}" ${inStock ? "" : "disabled"}>${t("addToCart")}</button>
          <p class="status" role="status"></p>
          <p class="muted small">${t("freeShipping")}</p>
          <dl class="facts">
            <dt>${t("brand")}</dt><dd>${esc(p.brand)}</dd>
            <dt>${t("category")}</dt><dd><a href="${href("c", ...p.category.split("/"))}">${esc(categoryName(p.category))}</a></dd>
            <dt>${t("sku")}</dt><dd>${esc(p.id)}</dd>
          </dl>
        </div>
      </div>
      ${slot("similar", t("similar"), { productId: p.id })}
      ${slot("bought_together", t("boughtTogether"), { productId: p.id })}`,
  };
}

function cart() {
  const lines = cartLines();
  const rows = lines.map(({ product: p, quantity }) => `<li class="line" data-product-id="${esc(p.id)}">
      <a class="line-media" href="${href("p", p.id)}">${picture(p)}</a>
      <div class="line-info"><a href="${href("p", p.id)}">${esc(p.title)}</a><span class="muted">${esc(p.brand)} · ${money.format(p.price)}</span>
        <button class="link" data-action="remove" data-id="${esc(p.id)}">${t("remove")}</button></div>
      <div class="qty"><button data-action="dec" data-id="${esc(p.id)}" aria-label="−1">−</button><span>${quantity}</span><button data-action="inc" data-id="${esc(p.id)}" aria-label="+1">+</button></div>
      <strong class="line-total">${money.format(p.price * quantity)}</strong></li>`).join("");
  const body = lines.length
    ? `<div class="cart"><ul class="lines">${rows}</ul>
        <aside class="panel">${summary(totals(lines))}<a class="button primary" href="#/checkout">${t("checkout")}</a></aside></div>`
    : `<p class="empty">${t("emptyCart")} <a href="#/">${t("continueShopping")}</a></p>`;
  return {
    page: "cart",
    html: `<h1>${t("cart")}</h1>${body}
      ${slot("bought_together", t("completeCart"))}
      ${slot("recently_viewed", t("recentlyViewed"))}`,
  };
}

function checkout() {
  const lines = cartLines();
  if (!lines.length) return cart();
  const items = lines.map(({ product: p, quantity }) => `<li><span>${quantity} × ${esc(p.title)}</span><span>${money.format(p.price * quantity)}</span></li>`).join("");
  return {
    page: "checkout",
    html: `<h1>${t("checkoutTitle")}</h1>
      <div class="cart">
        <form id="checkout-form" class="panel form">
          <h2>${t("delivery")}</h2>
          <label>${t("fullName")}<input name="name" autocomplete="name" value="${esc(settings.profile?.name ?? "")}" required></label>
          <label>${t("address")}<textarea name="address" rows="3" required>Bağdat Cad. 1, Kadıköy, İstanbul</textarea></label>
          <fieldset><legend>${t("payment")}</legend>
            <label class="inline"><input type="radio" name="pay" value="card" checked> ${t("card")}</label>
            <label class="inline"><input type="radio" name="pay" value="door"> ${t("onDelivery")}</label></fieldset>
          <button class="primary" type="submit">${t("placeOrder")}</button>
        </form>
        <aside class="panel"><h2>${t("orderSummary")}</h2><ul class="summary-items">${items}</ul>${summary(totals(lines))}</aside>
      </div>`,
  };
}

function thanks(orderId) {
  const total = lastOrder?.id === orderId ? `<p>${t("total")}: <strong>${money.format(lastOrder.total)}</strong></p>` : "";
  return {
    html: `<section class="hero"><h1>${t("thanks")}</h1><p>${t("orderNumber")}: <strong>${esc(orderId)}</strong></p>${total}</section>
      ${slot("for_you", t("alsoLike"), { limit: 6 })}`,
  };
}

function search(query) {
  const words = query.toLocaleLowerCase(locale()).split(/\s+/).filter(Boolean);
  const text = (p) => [p.title, p.titleEn, p.brand, ...(p.tags ?? [])].join(" ").toLocaleLowerCase(locale());
  const found = words.length ? catalog.products.filter((p) => words.every((w) => text(p).includes(w))).sort(byPopularity) : [];
  return {
    search: query,
    html: `<div class="heading"><h1>${t("searchResults")}: “${esc(query)}”</h1><span class="muted">${found.length} ${t("products")}</span></div>
      ${found.length ? `<div class="grid catalog-grid">${found.map((p) => card(p)).join("")}</div>` : `<p class="empty">${t("noResults")}</p>`}
      ${slot("for_you", t("forYou"), { limit: 6 })}`,
  };
}

function notFound() {
  return { html: `<p class="empty">${t("notFound")} <a href="#/">${t("home")}</a></p>` };
}

const VIEWS = { "": home, c: category, p: product, cart, checkout, search, thanks };

function currentView() {
  const [, name = "", ...rest] = location.hash.split("/");
  const arg = rest.map(decodeURIComponent).join("/");
  return (VIEWS[name] ?? notFound)(arg);
}

// ---- rendering and tracking ----

function renderHeader() {
  const count = engine.state().cart.reduce((s, l) => s + l.quantity, 0);
  const badge = document.getElementById("cart-count");
  badge.textContent = String(count);
  badge.hidden = count === 0;
  const name = settings.consent.personalization ? settings.profile?.name : null;
  document.getElementById("greeting").textContent = name ? (getLang() === "en" ? `Hi, ${name}` : `Merhaba ${name}`) : "";
}

function draw(view) {
  main.innerHTML = view.html;
  fillSlots();
  renderHeader();
  simulator.update();
}

/** Draws the current view again (cart changed, another tab, the simulator) without tracking. */
const refresh = () => draw(currentView());

/** A new route: tell the engine what the visitor opened, then draw it. */
function navigate() {
  const view = currentView();
  if (view.page) engine.track({ type: "page", page: view.page, ...(view.categoryId && { categoryId: view.categoryId }) });
  if (view.productId) engine.track({ type: "view", productId: view.productId });
  if (view.search) engine.track({ type: "search", query: view.search });
  draw(view);
  scrollTo(0, 0);
}

function placeOrder() {
  const lines = cartLines();
  const orderId = `D${now().toString(36).toUpperCase()}`;
  engine.track({ type: "purchase", orderId, items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, price: l.product.price })) });
  lastOrder = { id: orderId, total: totals(lines).total };
  location.hash = href("thanks", orderId);
}

const ACTIONS = {
  add(id) {
    engine.track({ type: "add_to_cart", productId: id, quantity: 1 });
    refresh();
    main.querySelector(".product .status").textContent = t("added");
  },
  inc: (id) => {
    engine.track({ type: "add_to_cart", productId: id, quantity: 1 });
    refresh();
  },
  dec: (id) => {
    engine.track({ type: "remove_from_cart", productId: id, quantity: 1 });
    refresh();
  },
  remove: (id) => {
    engine.track({ type: "remove_from_cart", productId: id });
    refresh();
  },
};

function mountChrome() {
  const nav = TOP_CATEGORIES.map((path) => `<a href="${href("c", path)}">${esc(categoryName(path))}</a>`).join("");
  document.getElementById("topbar").innerHTML = `
    <a class="logo" href="#/">vitrin<span>${t("tagline")}</span></a>
    <form class="search" role="search"><input name="q" type="search" placeholder="${t("search")}" aria-label="${t("search")}"><button>${t("searchButton")}</button></form>
    <div class="top-actions">
      <span id="greeting" class="muted"></span>
      <a class="playground-link" href="/www/playground.html" target="_blank">${t("playground")}</a>
      <div class="lang" role="group" aria-label="Language">${["tr", "en"].map((l) => `<button data-lang="${l}" aria-pressed="${l === getLang()}">${l.toUpperCase()}</button>`).join("")}</div>
      <a class="cart-link" href="#/cart">${t("cart")} <span id="cart-count" class="badge" hidden></span></a>
    </div>`;
  document.getElementById("catnav").innerHTML = nav;
  document.querySelector("vitrin-assistant").setAttribute("close-label", getLang() === "en" ? "Close" : "Kapat");
}

const assistant = document.querySelector("vitrin-assistant");
const simulator = mountSimulator({
  container: document.getElementById("catnav"),
  engine,
  catalog,
  onChange() {
    refresh();
    // The simulator moves the clock behind the engine's back: ask for due prompts again.
    assistant.refresh();
  },
});

document.addEventListener("click", (event) => {
  const lang = event.target.closest("[data-lang]");
  if (lang) {
    // The engine writes reasons in the locale it was created with: switch by reloading.
    save({ lang: lang.dataset.lang });
    location.reload();
    return;
  }
  const button = event.target.closest("[data-action]");
  if (button) ACTIONS[button.dataset.action](button.dataset.id);
});
document.addEventListener("submit", (event) => {
  event.preventDefault();
  if (event.target.id === "checkout-form") placeOrder();
  else if (event.target.matches(".search")) {
    const q = new FormData(event.target).get("q").trim();
    if (q) location.hash = href("search", q);
  }
});
addEventListener("hashchange", navigate);
// Another tab changed the cart or the views: draw the slots again.
engine.on("change", refresh);
// The assistant acted for the visitor (a reorder put items in the cart): show it.
assistant.addEventListener("vitrin-action", () => queueMicrotask(refresh));
// Another tab moved the simulated clock (redraw) or changed anything else (start over).
addEventListener("storage", (event) => {
  if (event.key !== SETTINGS_KEY) return;
  const before = JSON.stringify({ ...settings, offsetMs: 0 });
  reloadSettings();
  if (JSON.stringify({ ...settings, offsetMs: 0 }) !== before) location.reload();
  else refresh();
});

// The playground published new rules: apply them in place, keep the visitor where they are.
onPublish(({ rules, revision }) => {
  if (shown) return false; // a preview keeps showing what it was asked to
  try {
    engine.setRules(rules);
  } catch (error) {
    console.warn(`vitrin: rules revision ${revision} refused, the previous rules stay: ${error.message}`);
    return false;
  }
  document.documentElement.dataset.rulesRevision = String(revision);
  refresh();
  assistant.refresh();
  announce(t("rulesApplied", { n: revision }));
  return true;
});

const notice = document.getElementById("notice");
let noticeTimer;
/** A short message at the top of the page, read out by screen readers. */
function announce(text) {
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (notice.hidden = true), 4000);
}

navigate();
assistant.engine = engine;
document.body.dataset.ready = "1";
