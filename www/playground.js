// The marketers' playground: edit the rules JSON with live validation (every error listed with
// its JSON Pointer and marked in the text), preview what the storefront's current visitor would
// get under the draft and why, publish to the open storefront tabs without reloading them, and
// read the results per campaign and variant.

import { loadVitrin } from "vitrin";
import { t, setLang, getLang, locale } from "/www/text.js";
import { settings, now, reload as reloadSettings, SETTINGS_KEY } from "/www/settings.js";
import { mountSimulator } from "/www/simulator.js";
import { publishedRules, publish, onApplied } from "/www/rules.js";
import { locate } from "/www/pointer.js";
import { demoCatalog, createDemoEngine } from "/www/engine.js";
import { mountConditionBuilder } from "/www/condition-builder.js";
import { PERSONAS } from "/www/personas.js";

setLang(settings.lang);
document.documentElement.lang = getLang();

const EXAMPLES = [
  "demo-storefront",
  "01-live-reranking",
  "02-cart-abandonment",
  "03-browse-abandonment",
  "04-replenishment",
  "05-seasonal-habit",
  "06-post-purchase-cross-sell",
  "08-experiment-with-holdout",
];
const SLOTS = ["for_you", "similar", "bought_together", "recently_viewed", "replenish", "trending"];
// The draft survives a reload of this tab (the simulator's reset reloads it).
const DRAFT_KEY = "vitrin-demo-draft";

const { catalog, products } = demoCatalog();
const money = new Intl.NumberFormat(locale(), { style: "currency", currency: "TRY" });
const percent = new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 });
const points = new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1, signDisplay: "always" });
const clock = new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" });

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const $ = (id) => document.getElementById(id);

const vitrin = await loadVitrin();
let published = publishedRules(vitrin);
// The preview engine shares the storefront's storage key: it sees the same visitor (cart, views,
// sessions, caps) and the results the storefront tabs record. It is read-only: previewing
// draft rules records no impression or exposure into the visitor's state.
const engine = createDemoEngine(vitrin, catalog, published.rules, { readOnly: true });

const textarea = $("rules");
const marks = document.querySelector(".editor-marks");
/** The last draft that validated: what the preview shows and what Publish sends. */
let draft = published.rules;
let draftValid = true;
let acks = 0;
/** The visual condition builder, following every valid draft (www/condition-builder.js). */
let conditionBuilder = null;

// ---- editor and validation ----

/** Line and column (1-based) of a character offset. */
function lineOf(text, offset) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1).length + 1 };
}

/** Draws the text behind the textarea with the error ranges marked. */
function drawMarks(text, ranges) {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let html = "";
  let at = 0;
  for (const { start, end } of sorted) {
    if (start < at) continue;
    html += esc(text.slice(at, start)) + `<mark>${esc(text.slice(start, Math.max(end, start + 1)))}</mark>`;
    at = Math.max(end, start + 1);
  }
  // The trailing space keeps the last line as tall as the textarea's.
  marks.innerHTML = html + esc(text.slice(at)) + " ";
  syncScroll();
}

function syncScroll() {
  marks.scrollTop = textarea.scrollTop;
  marks.scrollLeft = textarea.scrollLeft;
}

/** An error entry: clicking it selects its place in the text. */
function errorItem(text, { path, message, start, end }) {
  const { line, column } = lineOf(text, start);
  return `<li><button type="button" class="link" data-start="${start}" data-end="${end}">
    ${path !== undefined ? `<code>${esc(path || "/")}</code> ` : ""}${esc(message)} <span class="muted">(${t("pgLine", { line, column })})</span></button></li>`;
}

function validate() {
  const text = textarea.value;
  sessionStorage.setItem(DRAFT_KEY, text);
  const out = $("validation");
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // V8 says where: "… at position 123 (line 4 column 5)".
    const start = Math.min(Number(/position (\d+)/.exec(error.message)?.[1] ?? text.length), text.length);
    setValid(false);
    drawMarks(text, [{ start, end: start + 1 }]);
    out.innerHTML = `<p class="bad">${t("pgSyntax")}</p><ol class="errors">${errorItem(text, { message: error.message, start, end: start + 1 })}</ol>`;
    return;
  }
  const { ok, errors } = vitrin.validateRules(doc);
  if (!ok) {
    const where = locate(text);
    const found = errors.map((e) => ({ ...e, ...where(e.path) }));
    setValid(false);
    drawMarks(text, found);
    out.innerHTML = `<p class="bad">${t("pgErrors", { n: errors.length })}</p><ol class="errors">${found.map((e) => errorItem(text, e)).join("")}</ol>`;
    offerPartial(doc, errors, out);
    return;
  }
  drawMarks(text, []);
  out.innerHTML = `<p class="good">${t("pgValid", { campaigns: doc.campaigns?.length ?? 0, slots: Object.keys(doc.slots ?? {}).length })}</p>`;
  draft = doc;
  engine.setRules(draft);
  conditionBuilder?.show(doc);
  setValid(true);
  render();
}

/** The draft without its broken campaigns, published only if the marketer asks (issue 19):
 * offered when every error lies inside a campaign and what remains is valid. */
let partial = null;
function offerPartial(doc, errors, out) {
  const broken = new Set(errors.map((e) => /^\/campaigns\/(\d+)(\/|$)/.exec(e.path)?.[1]));
  partial = null;
  if (broken.has(undefined) || !Array.isArray(doc.campaigns)) return;
  const rest = { ...doc, campaigns: doc.campaigns.filter((_, i) => !broken.has(String(i))) };
  if (!vitrin.validateRules(rest).ok) return;
  partial = rest;
  out.insertAdjacentHTML("beforeend", `<button type="button" id="publish-valid">${esc(t("pgPublishValid", { n: broken.size }))}</button>`);
}

function setValid(valid) {
  draftValid = valid;
  $("publish").disabled = !valid;
  $("preview-note").textContent = t(valid ? "pgPreviewDraft" : "pgPreviewStale");
}

/** Selects the text at a validation error or an explain() path and scrolls it into view. */
function select(start, end) {
  textarea.focus();
  textarea.setSelectionRange(start, end);
  const { line } = lineOf(textarea.value, start);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight);
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  syncScroll();
}

// ---- preview ----

function recCard(rec) {
  const p = products.get(rec.productId);
  return `<li data-product-id="${esc(rec.productId)}"${rec.campaignId ? ` data-campaign="${esc(rec.campaignId)}"` : ""}>
    <strong>${esc(p?.title ?? rec.productId)}</strong> <span class="muted">${esc(rec.productId)} · ${rec.score.toFixed(2)}</span>
    <span class="why"><code>${esc(rec.reason.code)}</code> ${esc(rec.reason.text)}${rec.campaignId ? ` · ${esc(rec.campaignId)}/${esc(rec.variant ?? "default")}` : ""}</span></li>`;
}

function renderSlots(state) {
  const context = state.recentlyViewed[0];
  const names = [...SLOTS, ...Object.keys(draft.slots ?? {})];
  $("slots").innerHTML = names.map((slot) => {
    const spec = draft.slots?.[slot];
    const strategy = spec?.strategy ?? slot;
    const needsProduct = strategy === "similar";
    const recs = needsProduct && !context ? null : engine.recommend({ slot, productId: context, limit: 5 });
    const about = (strategy === "similar" || strategy === "bought_together") && context
      ? `<span class="muted small">${t("pgOfProduct", { title: esc(products.get(context)?.title ?? context) })}</span>` : "";
    const body = recs === null ? `<p class="muted small">${t("pgNeedsProduct")}</p>`
      : recs.length ? `<ol>${recs.map(recCard).join("")}</ol>` : `<p class="muted small">${t("pgEmptySlot")}</p>`;
    return `<article class="pg-slot" data-slot="${esc(slot)}"><h3><code>${esc(slot)}</code>${spec ? ` → ${esc(strategy)}` : ""} ${about}</h3>${body}</article>`;
  }).join("");
}

function renderCampaigns() {
  const campaigns = draft.campaigns ?? [];
  const where = locate(textarea.value);
  const link = (path) => {
    const { start, end } = where(path);
    return draftValid ? `<button type="button" class="link" data-start="${start}" data-end="${end}"><code>${esc(path)}</code></button>` : `<code>${esc(path)}</code>`;
  };
  $("campaigns").innerHTML = campaigns.length ? `<ul class="pg-campaigns">${campaigns.map((c) => {
    const why = engine.explain(c.id);
    const because = why.because.map((b) => `<li>${link(b.path)} ${esc(b.reason)}</li>`).join("");
    return `<li data-campaign="${esc(c.id)}" data-acts="${why.acts}"><span class="${why.acts ? "good" : "bad"}">${why.acts ? "✓" : "✗"} ${t(why.acts ? "pgActs" : "pgBlocked")}</span>
      <strong>${esc(c.id)}</strong>${c.name ? ` <span class="muted">${esc(c.name)}</span>` : ""}${why.variant ? ` · ${t("pgVariant").toLowerCase()} <code>${esc(why.variant)}</code>` : ""}
      ${because ? `<ul class="because">${because}</ul>` : ""}</li>`;
  }).join("")}</ul>` : `<p class="muted small">${t("pgNoCampaigns")}</p>`;
}

function renderPrompt() {
  const [top] = engine.prompts();
  $("prompt").innerHTML = top
    ? `<div class="bubble-preview" data-campaign="${esc(top.campaignId)}"><p>${top.html}</p>
        ${top.productIds.length ? `<p class="muted small">${top.productIds.map((id) => esc(products.get(id)?.title ?? id)).join(" · ")}</p>` : ""}
        ${top.cta ? `<p class="small"><strong>${esc(top.cta.label)}</strong> → <code>${esc(top.cta.url)}</code></p>` : ""}
        <p class="why small"><code>${esc(top.campaignId)}/${esc(top.variant ?? "default")}</code> · ${esc(top.reason.text)} · priority ${top.priority}</p></div>`
    : `<p class="muted small">${t("pgNoPrompt")}</p>`;
}

function renderMetrics() {
  const metrics = engine.metrics();
  const rate = (n, d) => (d ? percent.format(n / d) : "–");
  const rows = Object.entries(metrics).flatMap(([campaign, variants]) => {
    const holdout = variants.holdout;
    const base = holdout?.impressions ? holdout.conversions / holdout.impressions : null;
    return Object.entries(variants).map(([variant, m]) => {
      const uplift = base !== null && variant !== "holdout" && m.impressions ? points.format(m.conversions / m.impressions - base) : "";
      return `<tr data-campaign="${esc(campaign)}" data-variant="${esc(variant)}"><td>${esc(campaign)}</td><td>${esc(variant)}</td>
        <td class="num" data-metric="impressions">${m.impressions}</td><td class="num" data-metric="clicks">${m.clicks}</td><td class="num">${rate(m.clicks, m.impressions)}</td>
        <td class="num" data-metric="conversions">${m.conversions}</td><td class="num">${rate(m.conversions, m.impressions)}</td>
        <td class="num">${money.format(m.revenue)}</td><td class="num">${uplift}</td></tr>`;
    });
  });
  const head = ["pgCampaign", "pgVariant", "pgImpressions", "pgClicks", "pgCtr", "pgConversions", "pgRate", "pgRevenue", "pgUplift"].map((k) => `<th>${t(k)}</th>`).join("");
  $("metrics").innerHTML = rows.length ? `<table class="pg-metrics"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`
    : `<p class="muted small">${t("pgNoMetrics")}</p>`;
}

function renderVisitor() {
  const state = engine.state();
  const cart = state.cart.reduce((n, l) => n + l.quantity, 0);
  const value = state.cart.reduce((s, l) => s + (products.get(l.productId)?.price ?? 0) * l.quantity, 0);
  $("visitor").textContent = [settings.profile?.name ?? t("visitor"), clock.format(now()), `${t("cart")}: ${cart} (${money.format(value)})`].join(" · ");
  return state;
}

function render() {
  const state = renderVisitor();
  renderPrompt();
  renderCampaigns();
  renderSlots(state);
  renderMetrics();
  simulator.update();
}

// ---- publishing ----

function showPublished() {
  $("published").textContent = published.publishedAt === null
    ? t("pgInForce", { n: published.revision })
    : t("pgPublishedAt", { n: published.revision, tabs: acks });
}

function fillSources() {
  $("source").innerHTML = `<option value="">${t("pgPublishedSource", { n: published.revision })}</option>`
    + EXAMPLES.map((name) => `<option value="${name}">${t("pgExample", { name })}</option>`).join("");
}

// ---- page ----

document.querySelector("#tagline").textContent = t("pgTagline");
$("editor-title").textContent = t("pgEditor");
$("format").textContent = t("pgFormat");
$("publish").textContent = t("pgPublish");
for (const [id, key] of [["preview-title", "pgPreview"], ["prompt-title", "pgPromptNow"], ["campaigns-title", "pgCampaigns"], ["slots-title", "pgSlots"], ["metrics-title", "pgMetrics"], ["metrics-note", "pgMetricsNote"]]) {
  $(id).textContent = t(key);
}
fillSources();

// Resetting from here erases the visitor for every tab: through an engine that may write.
const forget = () => createDemoEngine(vitrin, catalog).forget();
const simulator = mountSimulator({ container: $("simbar"), engine, catalog, onChange: render, forget });

// A paste can fire an input event per line: validate once per frame.
let pending = 0;
textarea.addEventListener("input", () => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(validate);
});
textarea.addEventListener("scroll", syncScroll);
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-start]");
  if (target) select(Number(target.dataset.start), Number(target.dataset.end));
});
$("format").addEventListener("click", () => {
  try {
    textarea.value = JSON.stringify(JSON.parse(textarea.value), null, 2) + "\n";
    validate();
  } catch {
    // Unparseable text cannot be formatted; the validation already says where.
  }
});
$("source").addEventListener("change", async (event) => {
  const name = event.target.value;
  textarea.value = name
    ? await (await fetch(`/examples/rules/${name}.json`)).text()
    : JSON.stringify(published.rules, null, 2) + "\n";
  validate();
});
$("publish").addEventListener("click", () => {
  if (!draftValid) return;
  acks = 0;
  published = publish(vitrin, draft, now());
  fillSources();
  showPublished();
});
$("validation").addEventListener("click", (event) => {
  if (!event.target.closest("#publish-valid") || !partial) return;
  acks = 0;
  published = publish(vitrin, partial, now());
  fillSources();
  showPublished();
});
onApplied(({ revision, ok }) => {
  if (revision !== published.revision || !ok) return;
  acks += 1;
  showPublished();
});

// The storefront tabs change the visitor: their events come over the engine's tab channel
// ("change"); prompt impressions, clicks and dismissals arrive without one, and are on disk
// after the tab's flush (a storage event here).
engine.on("change", render);
addEventListener("storage", (event) => {
  if (event.key === SETTINGS_KEY) {
    // The simulator moved in another tab: same clock, persona and consent here.
    reloadSettings();
    if (settings.profile) engine.setProfile(settings.profile);
    engine.setConsent(settings.consent);
  }
  render();
});

conditionBuilder = await mountConditionBuilder({
  container: $("builder"),
  catalog,
  segments: PERSONAS.filter((p) => p.build).flatMap((p) => p.build(catalog, now()).segments ?? []),
  onText(text) {
    textarea.value = text;
    validate();
  },
});
textarea.value = sessionStorage.getItem(DRAFT_KEY) ?? JSON.stringify(published.rules, null, 2) + "\n";
validate();
render();
showPublished();
document.body.dataset.ready = "1";
