// Server sync for an engine (API.md `sync` option): catalog, rules and profile fetched
// with ETags on start and every `intervalMs`; events batched to `eventsUrl`. Nothing here
// is on the page's critical path: the last good copies are applied from storage before
// any request, and every request runs in the background.
//
// Delivery: each event gets an id minted here; the queue is stored after every change
// and a batch leaves the queue only when the server acknowledged it (2xx), so an event is
// never resent after a success. An unacknowledged one (server down, 5xx, lost response,
// a page-hide beacon) is resent with exponential backoff and the server, idempotent by
// id, counts it once. The queue holds at most MAX_QUEUE events: past that the oldest are
// dropped with a `sync_overflow` error. A batch the server refuses with a 4xx (other
// than 408/429) cannot succeed on retry and is dropped with a `sync_rejected` error.
//
// Storage follows the engine's consent rule: nothing is stored, and no event is sent,
// without personalization consent.

/** Events kept while the server cannot be reached; older ones are dropped past this. */
export const MAX_QUEUE = 1000;
/** Largest batch body: `fetch(…, {keepalive})` and `sendBeacon` refuse more than 64 KiB. */
const MAX_BATCH_BYTES = 60_000;
const DEFAULT_INTERVAL_MS = 5 * 60_000;
/** Tracked events are sent together after this quiet time. */
const BATCH_DELAY_MS = 1_000;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;
/** A request slower than this is abandoned (and retried like a failure). */
const TIMEOUT_MS = 15_000;
const DOCS = [
  ["catalog", "catalogUrl", "setCatalog"],
  ["profile", "profileUrl", "setProfile"],
  ["rules", "rulesUrl", "setRules"],
];

/** Stand-in for localStorage where there is none: shared by the page's syncs, like it. */
const memory = new Map();
const memoryStorage = {
  getItem: (k) => (memory.has(k) ? memory.get(k) : null),
  setItem: (k, v) => void memory.set(k, String(v)),
  removeItem: (k) => void memory.delete(k),
};

const utf8 = new TextEncoder();
const bytes = (value) => utf8.encode(JSON.stringify(value)).length;

function unref(timer) {
  timer?.unref?.();
  return timer;
}

function mintId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

let minted = 0;
/**
 * An event id that sorts in the order the page tracked: the time, a counter, then a random
 * part for uniqueness. The server orders a visitor's events by time, then id, so events of
 * the same millisecond (a purchase right after its add_to_cart) keep their order.
 */
function eventId() {
  minted = (minted + 1) % 36 ** 4;
  return `${Date.now().toString(36).padStart(9, "0")}-${minted.toString(36).padStart(4, "0")}-${mintId()}`;
}

/**
 * Starts syncing `engine` with the store's server.
 *
 * @param engine   the engine (its setCatalog / setRules / setProfile / state / metrics)
 * @param options  `{ catalogUrl?, rulesUrl?, profileUrl?, eventsUrl?, intervalMs?, visitorId? }`;
 *                 `{visitorId}` in `profileUrl` is replaced by the visitor's id: `visitorId`
 *                 when given (the store's customer id), else one minted and stored here
 * @param hooks    `{ onEvent(cb) → unsubscribe, error(code, message, details?), storage?, storageKey? }`:
 *                 `onEvent` delivers each event the engine accepted (with `at`); `error`
 *                 reports on the engine's error channel; `storage` is a Storage
 *                 (localStorage) or null for page memory
 * @returns `{ ready, refresh(), flush(), stop(), forget() }`; `ready` settles after the
 *          first refresh
 */
export function startSync(engine, options, hooks) {
  const opts = options ?? {};
  const storage = hooks.storage ?? memoryStorage;
  const key = `${hooks.storageKey ?? "vitrin"}:sync`;
  const fetchFn = (...args) => globalThis.fetch(...args);
  const intervalMs = Number.isFinite(opts.intervalMs) && opts.intervalMs > 0 ? opts.intervalMs : DEFAULT_INTERVAL_MS;
  const report = (code, message, details) => {
    try {
      hooks.error(code, message, details);
    } catch {
      // the error channel's listeners must not break sync
    }
  };

  const consented = () => {
    try {
      return engine.state().consent?.personalization !== false;
    } catch {
      return false;
    }
  };
  const read = (k) => {
    try {
      const text = storage.getItem(k);
      return text ? JSON.parse(text) : null;
    } catch {
      return null; // a damaged copy is as good as none
    }
  };
  const write = (k, value) => {
    if (!consented()) return;
    try {
      storage.setItem(k, JSON.stringify(value));
    } catch (e) {
      report("storage_failed", `sync could not store ${k}: ${e?.message ?? e}`);
    }
  };

  // The queue and visitor id live under `${storageKey}:sync`; each document under
  // `${storageKey}:sync:<name>`, so a large catalog never rewrites the queue.
  const saved = read(key);
  const state = {
    visitorId: typeof opts.visitorId === "string" && opts.visitorId ? opts.visitorId : typeof saved?.visitorId === "string" ? saved.visitorId : mintId(),
    queue: Array.isArray(saved?.queue) ? saved.queue.filter((e) => e && typeof e.id === "string") : [],
  };
  const etags = {};
  const persistQueue = () => write(key, { v: 1, visitorId: state.visitorId, queue: state.queue });
  // Many events in one task are stored (and consent checked) once, after it.
  let persistQueued = false;
  const persistSoon = () => {
    if (persistQueued) return;
    persistQueued = true;
    queueMicrotask(() => {
      persistQueued = false;
      if (!consented()) state.queue = [];
      else persistQueue();
    });
  };

  const url = (name) => {
    const u = opts[name];
    return typeof u === "string" && u ? u.replaceAll("{visitorId}", encodeURIComponent(state.visitorId)) : null;
  };

  /** Applies a document; a refused one is reported and the one in force kept. */
  const apply = (name, setter, doc) => {
    try {
      engine[setter](doc);
      return true;
    } catch (e) {
      report(e?.code ?? `invalid_${name}`, `sync: the server's ${name} was refused: ${e?.message ?? e}`, { path: e?.path, errors: e?.errors });
      return false;
    }
  };

  // Last good copies first, synchronously: the first paint never waits on the network.
  // A copy counts only for the URL it came from (another visitor's profile does not).
  for (const [name, urlKey, setter] of DOCS) {
    const copy = read(`${key}:${name}`);
    if (copy && copy.url === url(urlKey) && "doc" in copy && apply(name, setter, copy.doc)) etags[name] = copy.etag;
  }

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
    const target = url(urlKey);
    if (!target) return;
    let res;
    try {
      res = await request(target, { headers: etags[name] ? { "if-none-match": etags[name] } : {}, cache: "no-store" });
    } catch {
      return; // offline or slow: the copy in force stays; next interval tries again
    }
    if (res.status === 304 || res.status === 404 || !res.ok) return;
    let doc;
    try {
      doc = await res.json();
    } catch (e) {
      // A body cut off on the way (TypeError) is tried again next time, silently like
      // an unreachable server; a complete body that is not JSON is the server's fault.
      if (e?.name === "SyntaxError") report("sync_failed", `sync: the server's ${name} is not JSON: ${e.message}`);
      return;
    }
    if (stopped) return;
    const etag = res.headers.get("etag");
    // A refused document's ETag is remembered too: it is reported once, not every interval.
    etags[name] = etag ?? undefined;
    if (apply(name, setter, doc)) write(`${key}:${name}`, { url: target, etag, doc });
  }

  /** Fetches every configured document once (conditional on its ETag). */
  async function refresh() {
    await Promise.all(DOCS.map((d) => refreshOne(...d)));
  }

  let sending = null;
  let sendTimer = null;
  let attempt = 0;

  /** The oldest events that fit one request, with the visitor's metric counters. */
  function nextBatch() {
    const body = { visitorId: state.visitorId, events: [], metrics: engine.metrics() };
    let total = bytes(body);
    for (const e of state.queue) {
      const size = bytes(e) + 1;
      if (body.events.length > 0 && total + size > MAX_BATCH_BYTES) break;
      body.events.push(e);
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
    if (!target || stopped || state.queue.length === 0) return Promise.resolve();
    if (!consented()) {
      state.queue = [];
      return Promise.resolve();
    }
    sending = (async () => {
      while (state.queue.length > 0 && !stopped) {
        const batch = nextBatch();
        let res;
        try {
          res = await request(target, { method: "POST", body: JSON.stringify(batch), headers: { "content-type": "text/plain;charset=UTF-8" }, keepalive: true });
        } catch {
          res = null;
        }
        if (res && res.ok) {
          attempt = 0;
          drop(batch.events);
          continue;
        }
        if (res && res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          const why = await res.json().catch(() => ({}));
          drop(batch.events);
          report("sync_rejected", `sync: the server refused ${batch.events.length} event(s): ${why.message ?? res.status}`, { path: why.path });
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
    state.queue = state.queue.filter((e) => !sent.has(e.id));
    persistQueue();
  }

  const unsubscribe = hooks.onEvent?.((event) => {
    if (stopped || !url("eventsUrl")) return;
    state.queue.push({ ...event, id: eventId() });
    if (state.queue.length > MAX_QUEUE) {
      const over = state.queue.length - MAX_QUEUE;
      state.queue.splice(0, over);
      report("sync_overflow", `sync: over ${MAX_QUEUE} unsent events; dropped the ${over} oldest`);
    }
    persistSoon();
    scheduleSend(BATCH_DELAY_MS);
  });

  // Leaving the page: whatever is queued goes by beacon. It stays queued (its delivery is
  // unknown), so the next page resends it and the server counts it once.
  const onHide = () => {
    const target = url("eventsUrl");
    if (!target || state.queue.length === 0 || typeof navigator === "undefined" || !navigator.sendBeacon) return;
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
    later(tick, intervalMs);
  };
  const ready = refresh();
  later(tick, intervalMs);
  if (state.queue.length > 0) scheduleSend(0);

  return {
    ready,
    refresh,
    flush,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      unsubscribe?.();
      if (typeof removeEventListener === "function") {
        removeEventListener("pagehide", onHide);
        removeEventListener("online", online);
      }
    },
    /** Drops the queue, copies and visitor id (the engine's `forget()`). */
    forget() {
      state.queue = [];
      state.visitorId = typeof opts.visitorId === "string" && opts.visitorId ? opts.visitorId : mintId();
      for (const k of [key, ...DOCS.map(([name]) => `${key}:${name}`)]) {
        try {
          storage.removeItem(k);
        } catch {
          // storage gone: nothing left to remove
        }
      }
      for (const [name] of DOCS) delete etags[name];
    },
  };
}
