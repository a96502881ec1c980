// Server sync for an engine (API.md `sync` option): catalog, rules and profile fetched
// with ETags on start and every `intervalMs`; events batched to `eventsUrl`. Imported by
// core.js only for an engine created with `sync` (a page without it never downloads this
// file), and never on the page's critical path: `create()` itself reads the visitor id and
// applies the last good copies from storage (core.js `restoreSync`), and everything here
// runs in the background from that state.
//
// Delivery: each event gets an id when tracked; the queue is stored after every change
// and a batch leaves the queue only when the server acknowledged it (2xx), so an event is
// never resent after a success. An unacknowledged one (server down, 5xx, lost response,
// a page-hide beacon) is resent with exponential backoff and the server, idempotent by
// id, counts it once. The queue holds at most MAX_QUEUE events: past that the oldest are
// dropped with a `sync_overflow` error. A batch the server refuses with a 4xx (other
// than 408/429) cannot succeed on retry and is dropped with a `sync_rejected` error.
//
// Storage follows the engine's consent rule: nothing is stored, and no event is sent,
// without personalization consent.
//
// Who the events are for: a visitor token (server/README.md, "Visitor tokens"). The store
// passes its logged-in customer's `visitorId` and `token` (minted by its backend); else
// the page asks `visitorUrl` (by default `eventsUrl` with `/events` → `/visitors`) for an
// anonymous id and token once and keeps them. When a customer logs in on a device that
// was anonymous, the anonymous history is merged into the customer on the server. The
// token goes in the events body (a beacon cannot carry headers) and as a Bearer header
// for the profile.
//
// Metrics: the server counts conversions and revenue from the purchases themselves; the
// page only reports exposures (prompts shown, holdout moments, clicks) as they grow in
// the engine's counters, for campaigns of the rules the server published.

import { MAX_QUEUE, nonEmpty as text, SYNC_DOCS } from "./core.js";

export { MAX_QUEUE };
/** Largest batch body: `fetch(…, {keepalive})` and `sendBeacon` refuse more than 64 KiB. */
const MAX_BATCH_BYTES = 60_000;
const DEFAULT_INTERVAL_MS = 5 * 60_000;
/** Tracked events are sent together after this quiet time. */
const BATCH_DELAY_MS = 1_000;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;
/** A request slower than this is abandoned (and retried like a failure). */
const TIMEOUT_MS = 15_000;
/** The server refuses events older than 30 days; older queued ones are dropped unsent. */
const MAX_EVENT_AGE_MS = 29 * 86_400_000;
/** Prompts counted in one exposure report (the server's bound). */
const MAX_EXPOSURE_COUNT = 1000;
const ANONYMOUS_PREFIX = "anon-";
const BINARY_CATALOG = "application/vnd.vitrin.catalog";

const utf8 = new TextEncoder();
const bytes = (value) => utf8.encode(JSON.stringify(value)).length;

function unref(timer) {
  timer?.unref?.();
  return timer;
}

/**
 * Starts syncing an engine with the store's server, from what `restoreSync` (core.js) read
 * and applied while the engine was created.
 *
 * @param s  `restoreSync(engine, options, hooks)`'s state. `options`: `{ catalogUrl?, rulesUrl?,
 *           profileUrl?, eventsUrl?, visitorUrl?, intervalMs?, visitorId?, token? }`;
 *           `{visitorId}` in `profileUrl` is replaced by the visitor's id: `visitorId` when
 *           given (the store's customer id, with the `token` its backend minted), else the
 *           anonymous one `visitorUrl` issued. `hooks`: `{ error(code, message, details?),
 *           storage?, storageKey?, visitorId?(), identify?(id) }`: `error` reports on the
 *           engine's error channel; `storage` is a Storage (localStorage) or null for page
 *           memory; `visitorId` is the engine's one visitor id and `identify` tells the
 *           engine the id the server knows the visitor by (bucketing and sync share it)
 * @returns `{ ready, event(e, metrics?), refresh(), flush(), stop(), forget() }`; `ready`
 *          settles after the first refresh; the engine passes `event` each event it
 *          accepted (with `at`), and the events that waited for this module with the
 *          engine's counters as they were then
 */
export function runSync(s) {
  // `eventId` is the engine's core.js's (one counter per page: the ids of the events that
  // waited for this file and of later ones keep their order), not a copy bundled in here.
  const { engine, opts, key, report, url, eventId } = s;
  const fetchFn = (...args) => globalThis.fetch(...args);
  const intervalMs = Number.isFinite(opts.intervalMs) && opts.intervalMs > 0 ? opts.intervalMs : DEFAULT_INTERVAL_MS;

  const consented = () => {
    try {
      return engine.state().consent?.personalization !== false;
    } catch {
      return false;
    }
  };
  const write = (k, value) => {
    if (!consented()) return;
    try {
      s.storage.setItem(k, JSON.stringify(value));
    } catch (e) {
      report("storage_failed", `sync could not store ${k}: ${e?.message ?? e}`);
    }
  };

  const { saved, given, visitorUrl } = s;
  const savedId = text(saved?.visitorId);
  s.token = text(opts.token) ?? (savedId && savedId === (given ?? savedId) ? text(saved?.token) : null);
  // An anonymous past on this device to merge into the customer who just logged in.
  s.mergeFrom = given && savedId !== given && savedId?.startsWith(ANONYMOUS_PREFIX) ? text(saved?.token) : null;
  if (text(saved?.mergeFrom) && !s.mergeFrom && s.visitorId === savedId) s.mergeFrom = saved.mergeFrom;
  s.queue = Array.isArray(saved?.queue) ? saved.queue.filter((e) => e && typeof e.id === "string") : [];
  // The engine's impression and click counters already reported, per campaign and variant.
  s.sent = saved?.sent && typeof saved.sent === "object" ? saved.sent : {};
  const persistQueue = () => write(key, { v: 1, visitorId: s.visitorId, token: s.token, mergeFrom: s.mergeFrom, queue: s.queue, sent: s.sent });
  /** What the engine's `forget()` leaves: no queue, no token, a new visitor id. */
  const startOver = () => {
    s.queue = [];
    s.sent = {};
    s.mergeFrom = null;
    // A forgotten anonymous visitor gets a new id from the server next time.
    // The engine forgot first: without a token service its new id is the visitor's.
    s.visitorId = given ?? s.localId();
    s.token = given ? text(opts.token) : null;
    s.etags = {};
  };
  // Forgotten before this module arrived: storage was erased then.
  if (s.forgot) startOver();
  // Many events in one task are stored (and consent checked) once, after it.
  let persistQueued = false;
  const persistSoon = () => {
    if (persistQueued) return;
    persistQueued = true;
    queueMicrotask(() => {
      persistQueued = false;
      if (!consented()) s.queue = [];
      else persistQueue();
    });
  };

  const auth = () => (s.token ? { authorization: `Bearer ${s.token}` } : {});

  // campaign → its variants, from the rules the server published (null: no rulesUrl, so
  // every campaign the engine counts is reported).
  let published = null;
  let learned = null;
  const publishedVariants = () => {
    if (s.rules === learned) return published;
    learned = s.rules;
    published = new Map();
    for (const c of Array.isArray(learned?.campaigns) ? learned.campaigns : []) {
      const ids = (Array.isArray(c?.variants) ? c.variants : []).map((v) => v?.id).filter((id) => typeof id === "string");
      if (ids.length === 0) ids.push("default");
      if (c?.holdout > 0) ids.push("holdout");
      published.set(c?.id, new Set(ids));
    }
    return published;
  };

  let stopped = false;
  const timers = new Set();
  const later = (fn, ms) => {
    const t = unref(setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms));
    timers.add(t);
    return t;
  };

  async function request(target, init) {
    const abort = new AbortController();
    const t = unref(setTimeout(() => abort.abort(), TIMEOUT_MS));
    try {
      return await fetchFn(target, { ...init, signal: abort.signal });
    } finally {
      clearTimeout(t);
    }
  }

  async function refreshOne(name, urlKey, setter) {
    if (name === "profile") await identify();
    const target = url(urlKey);
    if (!target) return;
    const etag = s.etags[name];
    let res;
    try {
      res = await request(target, { headers: { ...(etag ? { "if-none-match": etag } : {}), ...(name === "profile" ? auth() : {}) }, cache: "no-store" });
    } catch {
      return; // offline or slow: the copy in force stays; next interval tries again
    }
    if (res.status === 304 || res.status === 404 || !res.ok) return;
    // The binary catalog (application/vnd.vitrin.catalog) goes to the engine as its bytes.
    const binary = name === "catalog" && res.headers.get("content-type")?.startsWith(BINARY_CATALOG);
    let doc;
    try {
      doc = binary ? new Uint8Array(await res.arrayBuffer()) : await res.json();
    } catch (e) {
      // A body cut off on the way (TypeError) is tried again next time, silently like
      // an unreachable server; a complete body that is not JSON is the server's fault.
      if (e?.name === "SyntaxError") report("sync_failed", `sync: the server's ${name} is not JSON: ${e.message}`);
      return;
    }
    if (stopped) return;
    const got = res.headers.get("etag");
    // A refused document's ETag is remembered too: it is reported once, not every interval.
    s.etags[name] = got ?? undefined;
    // Bytes are not kept in storage (it holds JSON text): each start fetches them again.
    if (s.apply(name, setter, doc) && !binary) write(`${key}:${name}`, { url: target, etag: got, doc });
  }

  /** Fetches every configured document once (conditional on its ETag). */
  async function refresh() {
    await Promise.all(SYNC_DOCS.map((d) => refreshOne(...d)));
  }

  let sending = null;
  let sendTimer = null;
  let attempt = 0;

  let identifying = null;
  /**
   * Makes sure the page has a visitor token: asks `visitorUrl` for an anonymous one when
   * it has none (and no customer id was given), then merges a pending anonymous past.
   */
  function identify() {
    if (identifying) return identifying;
    identifying = (async () => {
      if (!s.token && !given && visitorUrl && consented()) {
        try {
          const res = await request(visitorUrl, { method: "POST" });
          const got = res.ok ? await res.json() : null;
          if (text(got?.visitorId) && text(got?.token)) {
            s.visitorId = got.visitorId;
            s.token = got.token;
            s.tellEngine();
            persistQueue();
          }
        } catch {
          // offline: the next send or refresh asks again
        }
      }
      if (s.mergeFrom && s.token && visitorUrl) {
        try {
          const res = await request(`${visitorUrl}/merge`, { method: "POST", headers: { ...auth(), "content-type": "application/json" }, body: JSON.stringify({ from: s.mergeFrom }) });
          // Merged, or refused for good (an expired anonymous token): not asked again.
          if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)) {
            s.mergeFrom = null;
            persistQueue();
          }
        } catch {
          // offline: merged on a later send
        }
      }
    })().finally(() => {
      identifying = null;
    });
    return identifying;
  }

  /** Queues exposure reports for what the engine's impression and click counters (`metrics`, by default now) gained. */
  function noteExposures(at, metrics) {
    if (!url("eventsUrl") || !consented()) return false;
    try {
      metrics ??= engine.metrics();
    } catch {
      return false;
    }
    const published = publishedVariants();
    let added = false;
    for (const [campaignId, variants] of Object.entries(metrics ?? {})) {
      for (const [variant, c] of Object.entries(variants ?? {})) {
        const k = `${campaignId}\u0000${variant}`;
        const was = s.sent[k] ?? { shown: 0, clicks: 0 };
        const now = { shown: c?.impressions ?? 0, clicks: c?.clicks ?? 0 };
        // Counters that went down were reset (forget): they count from zero again.
        const reset = now.shown < was.shown || now.clicks < was.clicks;
        const shown = reset ? now.shown : now.shown - was.shown;
        const clicks = reset ? now.clicks : now.clicks - was.clicks;
        if (shown <= 0 && clicks <= 0) continue;
        s.sent[k] = now;
        if (published && !published.get(campaignId)?.has(variant)) continue;
        const cap = (n) => Math.min(Math.max(n, 0), MAX_EXPOSURE_COUNT);
        s.queue.push({ type: "exposure", id: eventId(), campaignId, variant, shown: cap(shown), clicks: cap(clicks), at });
        added = true;
      }
    }
    return added;
  }

  /** The oldest events and exposure reports that fit one request, with the visitor's token. */
  function nextBatch() {
    const stale = Date.now() - MAX_EVENT_AGE_MS;
    s.queue = s.queue.filter((e) => !(typeof e.at === "number" && e.at < stale));
    const body = { visitorId: s.visitorId, ...(s.token ? { token: s.token } : {}), events: [], exposures: [] };
    let total = bytes(body);
    let n = 0;
    for (const e of s.queue) {
      const size = bytes(e) + 1;
      if (n > 0 && total + size > MAX_BATCH_BYTES) break;
      if (e.type === "exposure") {
        const { type: _, ...report } = e;
        body.exposures.push(report);
      } else body.events.push(e);
      n++;
      total += size;
    }
    return body;
  }

  function scheduleSend(ms) {
    if (sendTimer !== null || stopped) return;
    sendTimer = later(() => {
      sendTimer = null;
      flush();
    }, ms);
  }

  /** Sends queued events now, batch after batch, until the queue is empty or a send fails. */
  function flush() {
    if (sending) return sending;
    const target = url("eventsUrl");
    if (!target || stopped || s.queue.length === 0) return Promise.resolve();
    if (!consented()) {
      s.queue = [];
      return Promise.resolve();
    }
    sending = (async () => {
      await identify();
      while (s.queue.length > 0 && !stopped) {
        const batch = s.visitorId ? nextBatch() : null;
        if (batch && batch.events.length + batch.exposures.length === 0) break;
        let res;
        try {
          // No visitor yet (the token service unreachable): waits like a failed send.
          res = batch && (await request(target, { method: "POST", body: JSON.stringify(batch), headers: { "content-type": "text/plain;charset=UTF-8" }, keepalive: true }));
        } catch {
          res = null;
        }
        const sent = batch ? [...batch.events, ...batch.exposures] : [];
        if (res && res.ok) {
          attempt = 0;
          drop(sent);
          continue;
        }
        if (res && (res.status === 401 || res.status === 403)) {
          // The token is missing, expired or not this visitor's: the events wait. An
          // anonymous visitor starts over with a new id; a customer needs a fresh token
          // from the store (the next page gets one).
          const why = await res.json().catch(() => ({}));
          if (!given && visitorUrl) {
            s.visitorId = null;
            s.token = null;
            persistQueue();
          } else report("sync_unauthorized", `sync: the server refused the visitor token: ${why.message ?? res.status}`, { path: why.path });
        } else if (res && res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          const why = await res.json().catch(() => ({}));
          drop(sent);
          report("sync_rejected", `sync: the server refused ${sent.length} event(s): ${why.message ?? res.status}`, { path: why.path });
          continue;
        }
        // Down, 5xx, 408/429 or a lost response: the batch stays and goes again later.
        const wait = Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_MAX_MS);
        attempt++;
        scheduleSend(wait / 2 + Math.random() * (wait / 2));
        break;
      }
    })().finally(() => {
      sending = null;
    });
    return sending;
  }

  function drop(events) {
    const sent = new Set(events.map((e) => e.id));
    s.queue = s.queue.filter((e) => !sent.has(e.id));
    persistQueue();
  }

  function event(e, metrics, id = eventId()) {
    if (stopped || !url("eventsUrl")) return;
    // Exposures first, dated no later than this event: a purchase after a prompt converts.
    noteExposures(e.at, metrics);
    s.queue.push({ ...e, id });
    if (s.queue.length > MAX_QUEUE) {
      const over = s.queue.length - MAX_QUEUE;
      s.queue.splice(0, over);
      report("sync_overflow", `sync: over ${MAX_QUEUE} unsent events; dropped the ${over} oldest`);
    }
    persistSoon();
    scheduleSend(BATCH_DELAY_MS);
  }

  // Leaving the page: whatever is queued goes by beacon. It stays queued (its delivery is
  // unknown), so the next page resends it and the server counts it once.
  const onHide = () => {
    const target = url("eventsUrl");
    if (target && noteExposures(Date.now())) persistQueue();
    if (!target || !s.visitorId || s.queue.length === 0 || typeof navigator === "undefined" || !navigator.sendBeacon) return;
    try {
      navigator.sendBeacon(target, new Blob([JSON.stringify(nextBatch())], { type: "text/plain;charset=UTF-8" }));
    } catch {
      // a refused beacon leaves the events queued
    }
  };
  const online = () => flush();
  if (typeof addEventListener === "function") {
    addEventListener("pagehide", onHide);
    addEventListener("online", online);
  }

  const tick = () => {
    refresh();
    if (noteExposures(Date.now())) {
      persistSoon();
      scheduleSend(BATCH_DELAY_MS);
    }
    later(tick, intervalMs);
  };
  const ready = refresh();
  later(tick, intervalMs);
  if (s.queue.length > 0) scheduleSend(0);
  for (const [e, metrics, id] of s.pending) event(e, metrics, id);
  s.pending = null;

  return {
    ready,
    event,
    refresh,
    flush,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (typeof removeEventListener === "function") {
        removeEventListener("pagehide", onHide);
        removeEventListener("online", online);
      }
    },
    /** Drops the queue, copies and visitor id (the engine's `forget()`). */
    forget() {
      s.erase();
      startOver();
    },
  };
}
