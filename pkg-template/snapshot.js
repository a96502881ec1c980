// Server-rendered first paint: the store's server computes the first recommendations with
// the same engine (takeSnapshot), embeds them in the HTML (snapshotJson), and the browser's
// engine adopts them at creation (`create({ snapshot })`), so the first paint is the
// server's and nothing moves when the wasm arrives.

import { isObject, VitrinError } from "./core.js";

const VERSION = 1;
const HOLDS = ["interaction", "page"];

function key(slot, productId, limit) {
  return `${slot}\u0000${productId ?? ""}\u0000${limit ?? ""}`;
}

function bad(path, message) {
  return new VitrinError("invalid_snapshot", message, { path: `/snapshot${path}` });
}

/**
 * Runs `engine.recommend` for each request and returns the decisions as plain JSON.
 * `hold` says how long the browser keeps them: `"interaction"` (default) until the visitor's
 * first event other than a page view (in this tab or another), `"page"` for the engine's
 * whole life.
 */
export function takeSnapshot(engine, requests, { hold = "interaction" } = {}) {
  if (!Array.isArray(requests)) throw new VitrinError("invalid_argument", "requests must be an array of { slot, productId?, limit? }", { path: "" });
  if (!HOLDS.includes(hold)) throw new VitrinError("invalid_argument", `hold must be one of ${HOLDS.join(", ")}`, { path: "/hold" });
  const decisions = requests.map((r) => ({
    slot: r.slot,
    ...(r.productId != null && { productId: r.productId }),
    ...(r.limit != null && { limit: r.limit }),
    items: engine.recommend(r),
  }));
  return { vitrin: VERSION, hold, decisions };
}

/** The snapshot as JSON safe inside `<script type="application/json">` (no `</script>`, no U+2028). */
export function snapshotJson(snapshot) {
  return JSON.stringify(snapshot).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Reads the snapshot the server embedded as `<script type="application/json" id="…">`; null when absent or unreadable. */
export function readSnapshot(id = "vitrin-snapshot") {
  const el = typeof document === "undefined" ? null : document.getElementById(id);
  if (!el) return null;
  try {
    return JSON.parse(el.textContent);
  } catch {
    return null;
  }
}

/**
 * Validates a snapshot and prepares the engine's pinned answers. Items naming a product the
 * browser's catalog lacks are dropped (the server's catalog may be newer or older).
 */
export function adoptSnapshot(snapshot, catalog) {
  if (snapshot === null) return null;
  if (!isObject(snapshot)) throw bad("", "snapshot must be an object from takeSnapshot");
  if (snapshot.vitrin !== VERSION) throw bad("/vitrin", `snapshot format ${JSON.stringify(snapshot.vitrin)} is not ${VERSION}`);
  if (!HOLDS.includes(snapshot.hold)) throw bad("/hold", `hold must be one of ${HOLDS.join(", ")}`);
  if (!Array.isArray(snapshot.decisions)) throw bad("/decisions", "decisions must be an array");
  const known = Array.isArray(catalog?.products) ? new Set(catalog.products.map((p) => p?.id)) : null;
  const pinned = new Map();
  snapshot.decisions.forEach((d, i) => {
    if (d === null || typeof d !== "object" || typeof d.slot !== "string") throw bad(`/decisions/${i}/slot`, "slot must be a string");
    if (!Array.isArray(d.items)) throw bad(`/decisions/${i}/items`, "items must be an array");
    d.items.forEach((it, j) => {
      if (it === null || typeof it !== "object" || typeof it.productId !== "string") throw bad(`/decisions/${i}/items/${j}/productId`, "productId must be a string");
    });
    pinned.set(key(d.slot, d.productId, d.limit), known ? d.items.filter((it) => known.has(it.productId)) : d.items);
  });
  return {
    attach(engine) {
      const recommend = engine.recommend;
      const track = engine.track;
      let held = true;
      engine.recommend = function (request) {
        const items = held && request ? pinned.get(key(request.slot, request.productId, request.limit)) : undefined;
        return items ? items.map((it) => ({ ...it, reason: { ...it.reason } })) : recommend.call(this, request);
      };
      if (snapshot.hold === "interaction") {
        engine.track = function (event) {
          track.call(this, event);
          if (event?.type !== "page") held = false;
        };
        // The visitor acting in another tab (or being forgotten or identified there) is an
        // interaction too; catching up with the other tabs at start is not.
        engine.on("change", (change) => {
          if (change?.cause !== "restored") held = false;
        });
      }
    },
  };
}
