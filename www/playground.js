// The marketers' playground: edit the rules JSON with live validation (the format, then the
// store: catalog, context variables, the shop's routes, translations; every finding with its
// JSON Pointer and marked in the text), preview the draft on a simulated visitor of its own,
// publish after confirming the diff (to the demo server when one runs, and to the open shop
// tabs without a reload), roll back to any revision, and read the results per campaign,
// variant and holdout.

import { loadVitrin } from "vitrin";
import { t, setLang, getLang, locale } from "/www/text.js";
import { settings } from "/www/settings.js";
import { publishedRules, publish, onApplied } from "/www/rules.js";
import { locate } from "/www/pointer.js";
import { demoCatalog } from "/www/engine.js";
import { PERSONAS } from "/www/personas.js";
import { mountConditionBuilder } from "/www/condition-builder.js";
import { backend, api } from "/www/backend.js";
import { pt, verdictText, formatRate, formatPoints } from "/www/playground-text.js";
import { explainText } from "/pkg/editor.js";

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
// The demo storefront's pages (www/app.js routes): where a call to action may lead.
const ROUTES = ["/#/", "/#/c/{category}", "/#/p/{product}", "/#/cart", "/#/checkout", "/#/search/{query}"];
// The draft survives a reload of this tab.
const DRAFT_KEY = "vitrin-demo-draft";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const { catalog, products } = demoCatalog();
const money = new Intl.NumberFormat(locale(), { style: "currency", currency: "TRY" });
const percent = new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 });
const clock = new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" });
const timeOnly = new Intl.DateTimeFormat(locale(), { timeStyle: "short" });

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const $ = (id) => document.getElementById(id);

const vitrin = await loadVitrin();
const server = backend();

/** The revision in force: `{ rules, revision, publishedAt }`, from the server when one runs. */
let live = publishedRules(vitrin);
let serverError = null;
if (server) {
  try {
    const [rules, revisions] = await Promise.all([api("/v1/rules"), api("/v1/rules/revisions")]);
    live = { rules, revision: revisions[0]?.version ?? 0, publishedAt: revisions[0]?.publishedAt ?? null, fromServer: true };
  } catch (error) {
    serverError = error;
  }
}

const textarea = $("rules");
const marks = document.querySelector(".editor-marks");
/** The last draft that validated: what the preview shows and what Publish sends. */
let draft = live.rules;
let draftValid = true;
/** Acknowledgements from open shop tabs for the last publication. */
let acks = 0;
let lastAction = null;
/** The visual condition builder, following every valid draft (www/condition-builder.js). */
let conditionBuilder = null;

// ---- the simulated visitor (isolated: memory storage, its own clock, never the shop's) ----

const sim = { personaId: "new", clock: Date.now(), generation: 0, seq: 0, log: [], engine: null };

function simProfile() {
  const persona = PERSONAS.find((p) => p.id === sim.personaId) ?? PERSONAS[0];
  const visitorId = `preview-${persona.id}-${sim.seq}`;
  const built = persona.build?.(catalog, sim.clock);
  return { persona, profile: built ? { ...built, visitorId } : { visitorId, updatedAt: sim.clock } };
}

function startSimulatedVisitor() {
  sim.engine?.destroy();
  const { profile } = simProfile();
  sim.generation += 1;
  sim.engine = vitrin.create({
    catalog, rules: draft, profile, locale: locale(), currency: "TRY",
    // A storage key of its own in page memory: nothing reaches localStorage or the shop's tabs.
    storage: "memory", storageKey: `vitrin-preview-${sim.generation}`,
    consent: { personalization: true, messaging: true },
    now: () => sim.clock,
  });
  sim.engine.on("error", (error) => console.warn(`vitrin preview: ${error.code}: ${error.message}`));
  sim.log = [];
}

function simAct(label, event, advance = MINUTE) {
  sim.clock += advance;
  if (event) sim.engine.track(event);
  sim.log.unshift(`${timeOnly.format(sim.clock)} · ${label}`);
  render();
}

function mountSim() {
  const byCategory = new Map();
  for (const p of catalog.products) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
  const options = [...byCategory].map(([cat, list]) => `<optgroup label="${esc(cat)}">${list.map((p) => `<option value="${esc(p.id)}">${esc(p.title)}</option>`).join("")}</optgroup>`).join("");
  const label = (p) => p.label[getLang() === "en" ? 1 : 0];
  $("sim").innerHTML = `
    <label>${pt("persona")} <select id="sim-persona">${PERSONAS.map((p) => `<option value="${p.id}">${esc(label(p))}</option>`).join("")}</select></label>
    <label>${pt("product")} <select id="sim-product">${options}</select></label>
    <div class="pg-sim-buttons">
      <button type="button" data-sim="category">${pt("category")}</button>
      <button type="button" data-sim="view">${pt("view")}</button>
      <button type="button" data-sim="cart">${pt("addToCart")}</button>
      <button type="button" data-sim="buy">${pt("buy")}</button>
      <button type="button" data-sim="wait10">${pt("wait10")}</button>
      <button type="button" data-sim="wait1h">${pt("wait1h")}</button>
      <button type="button" data-sim="wait1d">${pt("wait1d")}</button>
      <button type="button" data-sim="other">${pt("otherVisitor")}</button>
      <button type="button" data-sim="reset">${pt("reset")}</button>
    </div>`;
  $("sim-persona").value = sim.personaId;
  $("sim-persona").addEventListener("change", (event) => {
    sim.personaId = event.target.value;
    startSimulatedVisitor();
    render();
  });
  $("sim").addEventListener("click", (event) => {
    const action = event.target.closest("[data-sim]")?.dataset.sim;
    if (!action) return;
    const productId = $("sim-product").value;
    const p = products.get(productId);
    const title = p?.title ?? productId;
    switch (action) {
      case "category": return simAct(`${pt("category")}: ${p.category}`, { type: "page", page: "category", categoryId: p.category });
      case "view": return simAct(`${pt("view")}: ${title}`, { type: "view", productId });
      case "cart": return simAct(`${pt("addToCart")}: ${title}`, { type: "add_to_cart", productId });
      case "buy": return simAct(`${pt("buy")}: ${title}`, { type: "purchase", orderId: `preview-${Date.now()}`, items: [{ productId, quantity: 1, price: p.price }] });
      case "wait10": return simAct(pt("wait10"), null, 10 * MINUTE);
      case "wait1h": return simAct(pt("wait1h"), null, HOUR);
      case "wait1d": return simAct(pt("wait1d"), null, DAY);
      case "other":
        sim.seq += 1;
        startSimulatedVisitor();
        return render();
      case "reset":
        sim.clock = Date.now();
        startSimulatedVisitor();
        return render();
    }
  });
}

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
  return `<li data-path="${esc(path ?? "")}"><button type="button" class="link" data-start="${start}" data-end="${end}">
    ${path !== undefined ? `<code>${esc(path || "/")}</code> ` : ""}${esc(message)} <span class="muted">(${t("pgLine", { line, column })})</span></button></li>`;
}

/** Increments per edit: a store check answered after a newer edit is dropped. */
let edits = 0;

/** Checks the draft; `data-validated` on the body counts the edits checked (for tests). */
async function validate() {
  const edit = ++edits;
  await checkDraft(edit);
  if (edit === edits) document.body.dataset.validated = String(edit);
}

async function checkDraft(edit) {
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
    $("store-check").innerHTML = "";
    out.innerHTML = `<p class="bad">${t("pgSyntax")}</p><ol class="errors">${errorItem(text, { message: error.message, start, end: start + 1 })}</ol>`;
    return;
  }
  const where = locate(text);
  const { ok, errors } = vitrin.validateRules(doc);
  if (!ok) {
    const found = errors.map((e) => ({ ...e, ...where(e.path) }));
    setValid(false);
    drawMarks(text, found);
    $("store-check").innerHTML = "";
    out.innerHTML = `<p class="bad">${t("pgErrors", { n: errors.length })}</p><ol class="errors">${found.map((e) => errorItem(text, e)).join("")}</ol>`;
    offerPartial(doc, errors, out);
    return;
  }
  // Valid as a format; now against the store (catalog, context variables, the shop's pages,
  // translations), which the server checks: the check is not in the shoppers' package.
  let store = { errors: [], warnings: [] };
  if (server && !serverError) {
    try {
      store = await api("/v1/rules/check", { method: "POST", body: { rules: doc, routes: ROUTES }, auth: true });
    } catch (error) {
      store.warnings = [{ path: "", message: pt("serverDown", { message: error.message }) }];
    }
    if (edit !== edits) return;
  }
  const storeErrors = store.errors.map((e) => ({ ...e, ...where(e.path) }));
  const warnings = store.warnings.map((e) => ({ ...e, ...where(e.path) }));
  drawMarks(text, storeErrors);
  $("store-check").innerHTML = (storeErrors.length ? `<p class="bad">${pt("storeErrors", { n: storeErrors.length })}</p><ol class="errors">${storeErrors.map((e) => errorItem(text, e)).join("")}</ol>` : "")
    + (warnings.length ? `<p class="warn">${pt("storeWarnings", { n: warnings.length })}</p><ol class="errors warnings">${warnings.map((e) => errorItem(text, e)).join("")}</ol>` : "");
  if (storeErrors.length) {
    out.innerHTML = "";
    setValid(false);
    return;
  }
  out.innerHTML = `<p class="good">${t("pgValid", { campaigns: doc.campaigns?.length ?? 0, slots: Object.keys(doc.slots ?? {}).length })}</p>`;
  draft = doc;
  sim.engine.setRules(draft);
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
  $("preview-note").textContent = valid ? pt("previewNote") : pt("previewStale");
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
    const recs = needsProduct && !context ? null : sim.engine.recommend({ slot, productId: context, limit: 5 });
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
  const shopLink = (c, variant) => `<a class="small" target="_blank" data-preview-link href="/?preview=${encodeURIComponent(`${c.id}:${variant}`)}">${pt("previewLink")}: ${esc(variant)}</a>`;
  $("campaigns").innerHTML = campaigns.length ? `<ul class="pg-campaigns">${campaigns.map((c) => {
    const why = sim.engine.explain(c.id);
    const because = why.because.map((b) => `<li data-code="${esc(b.code)}">${link(b.path)} ${esc(explainText(b, getLang()))}</li>`).join("");
    const arms = c.prompt || c.variants?.some((v) => v.prompt) ? (c.variants?.map((v) => v.id) ?? ["default"]) : [];
    return `<li data-campaign="${esc(c.id)}" data-acts="${why.acts}"><span class="${why.acts ? "good" : "bad"}">${why.acts ? "✓" : "✗"} ${t(why.acts ? "pgActs" : "pgBlocked")}</span>
      <strong>${esc(c.id)}</strong>${c.name ? ` <span class="muted">${esc(c.name)}</span>` : ""}${why.variant ? ` · ${t("pgVariant").toLowerCase()} <code>${esc(why.variant)}</code>` : ""}
      ${because ? `<ul class="because">${because}</ul>` : ""}${arms.length ? `<p class="pg-links">${arms.map((a) => shopLink(c, a)).join(" · ")}</p>` : ""}</li>`;
  }).join("")}</ul>` : `<p class="muted small">${t("pgNoCampaigns")}</p>`;
}

function renderPrompt() {
  const [top] = sim.engine.prompts();
  $("prompt").innerHTML = top
    ? `<div class="bubble-preview" data-campaign="${esc(top.campaignId)}" data-variant="${esc(top.variant ?? "default")}"><p>${top.html}</p>
        ${top.productIds.length ? `<p class="muted small">${top.productIds.map((id) => esc(products.get(id)?.title ?? id)).join(" · ")}</p>` : ""}
        ${top.cta ? `<p class="small"><strong>${esc(top.cta.label)}</strong> → <code>${esc(top.cta.url)}</code></p>` : ""}
        <p class="why small"><code>${esc(top.campaignId)}/${esc(top.variant ?? "default")}</code> · ${esc(top.reason.text)} · ${pt("priority", { n: top.priority })}</p></div>`
    : `<p class="muted small">${t("pgNoPrompt")}</p>`;
}

function renderVisitor() {
  const state = sim.engine.state();
  const { persona, profile } = simProfile();
  const name = profile.name ?? pt("newVisitor");
  $("visitor").textContent = pt("simLine", { name, clock: clock.format(sim.clock), cart: state.cart.reduce((n, l) => n + l.quantity, 0), id: profile.visitorId });
  $("visitor").dataset.persona = persona.id;
  $("sim-log").innerHTML = sim.log.slice(0, 8).map((line) => `<li>${esc(line)}</li>`).join("");
  return state;
}

function render() {
  const state = renderVisitor();
  renderPrompt();
  renderCampaigns();
  renderSlots(state);
}

// ---- results ----

function renderLocalMetrics() {
  // Without a server: the counters this browser's shop visitor recorded (one visitor).
  let metrics = {};
  try {
    const stored = JSON.parse(localStorage.getItem("vitrin") ?? "null");
    metrics = Object.fromEntries((stored?.visitor?.metrics ?? []).map((m) => [m.campaign, {}]));
    for (const m of stored?.visitor?.metrics ?? []) metrics[m.campaign][m.variant] = m;
  } catch {
    // no readable visitor: no local results
  }
  const rows = Object.entries(metrics).flatMap(([campaign, variants]) => Object.entries(variants).map(([variant, m]) =>
    `<tr data-campaign="${esc(campaign)}" data-variant="${esc(variant)}"><td>${esc(campaign)}</td><td>${esc(variant)}</td>
      <td class="num" data-metric="impressions">${m.impressions ?? 0}</td><td class="num" data-metric="conversions">${m.conversions ?? 0}</td><td class="num">${money.format(m.revenue ?? 0)}</td></tr>`));
  const head = ["pgCampaign", "pgVariant", "pgImpressions", "pgConversions", "pgRevenue"].map((k) => `<th>${t(k)}</th>`).join("");
  $("metrics").innerHTML = rows.length ? `<table class="pg-metrics"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>` : `<p class="muted small">${pt("noResults")}</p>`;
}

function renderResults(results) {
  if (!results.campaigns.length) {
    $("metrics").innerHTML = `<p class="muted small">${pt("noResults")}</p>`;
    return;
  }
  const head = ["arm", "visitors", "converted", "rate", "rpv", "uplift", "relative", "verdict"].map((k) => `<th>${pt(k)}</th>`).join("");
  $("metrics").innerHTML = results.campaigns.map((c) => {
    const holdout = c.arms.find((a) => a.holdout);
    const rows = c.arms.map((a) => {
      const any = a.conversionUplift?.anytime;
      const rel = a.conversionUplift?.relative;
      return `<tr data-campaign="${esc(c.id)}" data-variant="${esc(a.id)}" data-verdict="${esc(a.verdict?.code ?? "")}">
        <td><strong>${esc(a.id)}</strong></td>
        <td class="num" data-metric="visitors">${a.visitors} <span class="muted">(${formatRate(a.share)} / ${formatRate(a.expectedShare)})</span></td>
        <td class="num">${a.convertedVisitors}</td>
        <td class="num" data-metric="rate">${formatRate(a.conversionRate)}</td>
        <td class="num">${a.revenuePerVisitor == null ? "–" : money.format(a.revenuePerVisitor)}</td>
        <td class="num" data-metric="uplift">${any ? `${formatPoints(any.effect)} <span class="muted">[${formatPoints(any.low)}, ${formatPoints(any.high)}]</span>` : "–"}</td>
        <td class="num">${rel ? percent.format(rel.effect) : "–"}</td>
        <td class="verdict">${a.holdout ? "" : esc(verdictText(a, holdout))}</td></tr>`;
    }).join("");
    const srm = c.srm ? `<p class="small ${c.srm.mismatch ? "bad" : "muted"}" data-srm="${c.srm.mismatch ? "mismatch" : "ok"}">${pt(c.srm.mismatch ? "srmBad" : "srmOk", { p: c.srm.pValue.toPrecision(2) })}</p>` : "";
    return `<article class="pg-result" data-campaign="${esc(c.id)}"><h3>${esc(c.id)}${c.name ? ` <span class="muted">${esc(c.name)}</span>` : ""} · ${c.visitors}</h3>
      <table class="pg-metrics"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${srm}</article>`;
  }).join("");
}

let resultsTag = null;
async function refreshResults() {
  if (!server || serverError) return renderLocalMetrics();
  try {
    const results = await api("/v1/results", { auth: true });
    const tag = JSON.stringify(results);
    if (tag !== resultsTag) {
      resultsTag = tag;
      renderResults(results);
    }
    document.body.dataset.resultsAt = String(Date.now());
  } catch (error) {
    $("metrics").innerHTML = `<p class="bad small">${esc(pt("serverDown", { message: error.message }))}</p>`;
  }
}

// ---- publishing: diff, confirm, revisions, rollback ----

/** Every leaf that differs between two documents: `[{ path, kind, before, after }]`. */
function diff(a, b, path = "", out = []) {
  const isObj = (x) => x !== null && typeof x === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const p = `${path}/${String(k).replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (!(k in a)) out.push({ path: p, kind: "added", after: b[k] });
      else if (!(k in b)) out.push({ path: p, kind: "removed", before: a[k] });
      else diff(a[k], b[k], p, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push({ path: path || "/", kind: "changed", before: a, after: b });
  }
  return out;
}

const short = (v) => {
  const s = JSON.stringify(v);
  return s.length > 90 ? `${s.slice(0, 87)}…` : s;
};

/** Shows the changes and resolves true when the marketer confirms. */
function confirmChanges(title, changes) {
  const dialog = $("confirm");
  $("confirm-title").textContent = title;
  $("diff").innerHTML = changes.length ? changes.map((c) => `<li data-kind="${c.kind}"><code>${esc(c.path)}</code> ${pt(c.kind)}:
      ${c.kind !== "added" ? `<del>${esc(short(c.before))}</del>` : ""} ${c.kind !== "removed" ? `<ins>${esc(short(c.after))}</ins>` : ""}</li>`).join("")
    : `<li class="muted">${pt("noChanges")}</li>`;
  // Nothing changes: said so, and still publishable (a new revision of the same document).
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (ok) => {
      $("confirm-ok").onclick = $("confirm-cancel").onclick = dialog.oncancel = null;
      dialog.close();
      resolve(ok);
    };
    $("confirm-ok").onclick = () => done(true);
    $("confirm-cancel").onclick = () => done(false);
    dialog.oncancel = () => done(false);
  });
}

function showPublished() {
  const at = live.publishedAt ? clock.format(live.publishedAt) : "–";
  const status = $("published");
  status.dataset.revision = String(live.revision);
  if (serverError) status.textContent = pt("serverDown", { message: serverError.message });
  else if (!lastAction) status.textContent = live.publishedAt === null ? t("pgInForce", { n: live.revision }) : pt("liveSince", { n: live.revision, at });
  else if (lastAction.kind === "rollback") status.textContent = pt("rolledBack", { from: lastAction.from, n: live.revision, at, tabs: acks });
  else status.textContent = pt("published", { n: live.revision, at, tabs: acks });
  if (!server) status.textContent += ` ${pt("noServer")}`;
}

async function renderRevisions() {
  $("revisions-title").textContent = pt("revisions");
  if (!server || serverError) {
    $("revisions").innerHTML = `<li class="muted small">${pt("noServer")}</li>`;
    return;
  }
  const revisions = await api("/v1/rules/revisions");
  $("revisions").innerHTML = revisions.map((r) => {
    const same = revisions.find((o) => o.version < r.version && o.etag === r.etag);
    return `<li data-revision="${r.version}"${r.live ? ' data-live="true"' : ""}><strong>${r.version}</strong> · ${clock.format(r.publishedAt)}
      ${same ? `<span class="muted">${pt("sameAs", { n: same.version })}</span>` : ""}
      ${r.live ? `<span class="good">${pt("live")}</span>` : `<button type="button" data-rollback="${r.version}">${pt("rollback")}</button>`}</li>`;
  }).join("");
}

/** Makes `rules` the live revision everywhere: the page state, the open shop tabs. */
function goLive(rules, revision, publishedAt, action) {
  acks = 0;
  lastAction = action;
  live = { rules, revision, publishedAt, fromServer: Boolean(server) };
  publish(vitrin, rules, publishedAt, revision);
  fillSources();
  showPublished();
}

/** Publishes `doc` (the valid draft, or the draft without its broken campaigns) once confirmed. */
async function publishDraft(doc = draft) {
  if (doc === draft && !draftValid) return;
  const ok = await confirmChanges(pt("confirmPublish", { n: live.revision }), diff(live.rules, doc));
  if (!ok) return;
  try {
    if (server && !serverError) {
      const { version } = await api("/v1/rules", { method: "PUT", body: doc, auth: true });
      goLive(doc, version, Date.now(), { kind: "publish" });
      await renderRevisions();
    } else {
      goLive(doc, live.revision + 1, Date.now(), { kind: "publish" });
    }
  } catch (error) {
    $("published").textContent = pt("serverDown", { message: error.message });
  }
}

async function rollback(version) {
  const old = await api(`/v1/rules/revisions/${version}`);
  const ok = await confirmChanges(pt("confirmRollback", { n: live.revision, to: version }), diff(live.rules, old));
  if (!ok) return;
  try {
    const { version: now } = await api("/v1/rules/rollback", { method: "POST", body: { version }, auth: true });
    goLive(old, now, Date.now(), { kind: "rollback", from: version });
    textarea.value = JSON.stringify(old, null, 2) + "\n";
    validate();
    await renderRevisions();
  } catch (error) {
    $("published").textContent = pt("serverDown", { message: error.message });
  }
}

function fillSources() {
  $("source").innerHTML = `<option value="">${t("pgPublishedSource", { n: live.revision })}</option>`
    + EXAMPLES.map((name) => `<option value="${name}">${t("pgExample", { name })}</option>`).join("");
}

// ---- page ----

document.querySelector("#tagline").textContent = t("pgTagline");
$("editor-title").textContent = t("pgEditor");
$("format").textContent = t("pgFormat");
$("publish").textContent = t("pgPublish");
$("preview-title").textContent = pt("preview");
$("confirm-ok").textContent = pt("confirm");
$("confirm-cancel").textContent = pt("cancel");
for (const [id, key] of [["prompt-title", "pgPromptNow"], ["campaigns-title", "pgCampaigns"], ["slots-title", "pgSlots"]]) {
  $(id).textContent = t(key);
}
$("metrics-title").textContent = server ? pt("results") : pt("localResults");
$("metrics-note").textContent = server ? pt("resultsNote") : t("pgMetricsNote");
fillSources();

startSimulatedVisitor();
mountSim();
conditionBuilder = await mountConditionBuilder({
  container: $("builder"),
  catalog,
  segments: PERSONAS.filter((p) => p.build).flatMap((p) => p.build(catalog, sim.clock).segments ?? []),
  onText(text) {
    textarea.value = text;
    validate();
  },
});

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
  const back = event.target.closest("[data-rollback]");
  if (back) rollback(Number(back.dataset.rollback));
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
    : JSON.stringify(live.rules, null, 2) + "\n";
  validate();
});
$("publish").addEventListener("click", () => publishDraft());
$("validation").addEventListener("click", (event) => {
  if (event.target.closest("#publish-valid") && partial) publishDraft(partial);
});
onApplied(({ revision, ok }) => {
  if (revision !== live.revision || !ok) return;
  acks += 1;
  showPublished();
});

textarea.value = sessionStorage.getItem(DRAFT_KEY) ?? JSON.stringify(live.rules, null, 2) + "\n";
validate();
render();
showPublished();
await renderRevisions().catch(() => {});
await refreshResults();
// The results fill as visitors arrive: read them again every few seconds.
setInterval(refreshResults, 3_000);
addEventListener("storage", () => server || refreshResults());
document.body.dataset.ready = "1";
