// The JavaScript face of vitrin, shared by the browser (index.js) and Node (node.js)
// entry points. It turns the wasm exports (JSON text in, JSON text out) into the API of
// API.md, turns the engine's error JSON into VitrinError, does the engine's storage and
// keeps its writes off the hot path, and contains panics: a trap inside wasm disables vitrin
// instead of the page.

// Each call into the wasm by its number (generated from src/calls.rs).
import * as calls from "./calls.js";

/** The one error type vitrin throws for bad input. */
export class VitrinError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = "VitrinError";
    this.code = code;
    if (details.path !== undefined) this.path = details.path;
    if (details.errors !== undefined) this.errors = details.errors;
  }

  // The browser entry is built with a copy of this module of its own (xtask/src/build.rs,
  // BUNDLED): an error from another entry (vitrin/testing's engine in a jsdom test) is a
  // VitrinError to it too.
  static [Symbol.hasInstance](e) {
    return e instanceof Error && e.name === "VitrinError" && typeof e.code === "string";
  }
}

// `@__PURE__` marks a top-level value esbuild may drop where nothing reads it: the build
// bundles sync.js with only the few helpers it imports from here.

/** A module using one SIMD128 instruction: valid only where the engine's SIMD build runs. */
const SIMD_PROBE = /* @__PURE__ */ new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this runtime runs the engine's SIMD128 build (else the loaders take the scalar one). */
export function simd() {
  return WebAssembly.validate(SIMD_PROBE);
}

const EVENTS = ["prompt", "withdraw", "error", "change"];
/** Bits of what the session wants after a call (src/session.rs `Wants`). */
const WANTS_FLUSH = 1;
const WANTS_END_TASK = 2;
const WANTS_DRAIN = 4;

export function mintId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Events kept while the server cannot be reached; older ones are dropped past this (sync.js). */
export const MAX_QUEUE = 1000;

let minted = 0;
/**
 * An event id that sorts in the order the page tracked: the time, a counter, then a random
 * part for uniqueness. The server orders a visitor's events by time, then id, so events of
 * the same millisecond (a purchase right after its add_to_cart) keep their order.
 */
export function eventId() {
  minted = (minted + 1) % 36 ** 4;
  return `${Date.now().toString(36).padStart(9, "0")}-${minted.toString(36).padStart(4, "0")}-${mintId()}`;
}

/** The channel to the page's other tabs with this storage key, or null where there is none. */
function openChannel(key) {
  try {
    if (typeof BroadcastChannel !== "function") return null;
    const channel = new BroadcastChannel(`vitrin:${key}`);
    // Node keeps a process alive while a channel is open; vitrin should not.
    channel.unref?.();
    return channel;
  } catch {
    return null;
  }
}
const live = new Set();
let broken = null;

function toJson(value, code) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new VitrinError(code, `input cannot be serialised as JSON: ${e.message}`, { path: "" });
  }
  return text === undefined ? "null" : text;
}

/**
 * What a wasm export answered: `undefined` when the call failed, which throws the
 * VitrinError for the error that `run(calls.error)` then answers (src/calls.rs).
 */
function answered(wasm, answer) {
  if (answer !== undefined) return answer;
  const e = JSON.parse(wasm.run(calls.error));
  throw new VitrinError(e.code, e.message, e);
}

/** Marks the instance broken after a trap and tells every engine, once. */
function contain(e) {
  if (!broken) {
    broken = new VitrinError("internal_error", `vitrin stopped after an internal error: ${e && e.message ? e.message : e}`);
    for (const engine of live) engine._emit("error", broken);
  }
}

function guarded(fn, fallback) {
  if (broken) return fallback();
  try {
    return fn();
  } catch (e) {
    if (e instanceof VitrinError) throw e;
    contain(e);
    return fallback();
  }
}

function argError(path, message) {
  return new VitrinError("invalid_argument", message, { path });
}

export function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const isBytes = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const bytesOf = (v) => (v instanceof Uint8Array ? v : new Uint8Array(v.buffer ?? v, v.byteOffset ?? 0, v.byteLength));

/**
 * Splits a catalog's embeddings out of its JSON, so a large catalog's numbers are copied
 * into wasm instead of written and parsed as text: `catalog.embeddings`, a binary VTE1
 * table (README, "Large catalogs"), goes as bytes; otherwise the products' number
 * arrays go as one Float32Array (row i: product i). An embedding that is not an array of
 * `dim` finite numbers stays in the JSON, where the engine reports it with its path; a
 * product without one gets a row starting with NaN. Returns `[json, table, rows, dim]`, the
 * arguments the wasm's create and setCatalog take (`json` still to be written as text).
 */
function packCatalog(catalog) {
  // The binary catalog (README, "Binary catalog") goes as it is, with no JSON.
  if (isBytes(catalog)) return [undefined, bytesOf(catalog), undefined, 0];
  const none = [catalog, undefined, undefined, 0];
  if (!isObject(catalog)) return none;
  const { embeddings: table, ...rest } = catalog;
  if (isBytes(table)) return [rest, bytesOf(table), undefined, 0];
  const products = Array.isArray(catalog.products) ? catalog.products : null;
  const first = products?.find((p) => isObject(p) && p.embedding?.length > 0)?.embedding;
  const dim = first?.length ?? 0;
  if (!products || dim === 0 || dim > 1024) return none;
  const rows = new Float32Array(products.length * dim);
  const stripped = products.map((p, i) => {
    const e = isObject(p) ? p.embedding : undefined;
    if (e == null || e.length !== dim) {
      if (e == null) rows[i * dim] = NaN;
      return p;
    }
    for (let k = 0; k < dim; k++) {
      const x = e[k];
      if (typeof x !== "number" || !Number.isFinite(x)) return p;
      rows[i * dim + k] = x;
    }
    const { embedding, ...fields } = p;
    return fields;
  });
  return [{ ...catalog, products: stripped }, undefined, rows, dim];
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/** The page's localStorage, or null where reading it throws (sandboxed frames, some private modes). */
function localStorageOrNull() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** `k` is stored under the storage key `key`: the key itself or `key:…` (all vitrin stores under it). */
const under = (k, key) => k === key || k.startsWith(`${key}:`);

/** Page memory with the Storage methods vitrin calls: a stand-in for localStorage, shared like it. */
function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

/** The engines' memory storage: shared by the page's engines with the same key. */
const engineMemory = /* @__PURE__ */ memoryStorage();
/** Sync's where there is no localStorage: shared by the page's syncs. */
const syncMemory = /* @__PURE__ */ memoryStorage();

/**
 * A Storage (localStorage or page memory) as an engine's storage; a failed step throws
 * `storage_failed` with what failed.
 */
function engineStore(s) {
  const attempt = (what, step) => {
    try {
      return step();
    } catch (e) {
      throw new VitrinError("storage_failed", `localStorage ${what} failed: ${e instanceof Error ? e.message : ""}`);
    }
  };
  return {
    get: (k) => attempt("read", () => s.getItem(k)),
    set: (k, v) => attempt("write", () => s.setItem(k, v)),
    removeAll(key) {
      const keys = [];
      for (let i = 0, n = attempt("read", () => s.length); i < n; i++) {
        try {
          const k = s.key(i);
          if (k !== null && under(k, key)) keys.push(k);
        } catch {
          // a key that cannot be read is not removed
        }
      }
      for (const k of keys) attempt("remove", () => s.removeItem(k));
    },
  };
}

/**
 * Where an engine stores the visitor document (API.md `storage`): localStorage when asked
 * for or `auto` and usable, else memory, with the error that says why not.
 */
function openStore(kind) {
  if (kind === "memory") return [engineMemory, null];
  let inWindow = false;
  try {
    inWindow = globalThis instanceof Window;
  } catch {
    // no Window here (Node, a worker)
  }
  if (!inWindow) return [engineMemory, kind === "local" ? new VitrinError("storage_unavailable", "no localStorage here; keeping state in memory") : null];
  let s;
  try {
    s = globalThis.localStorage;
  } catch (e) {
    return [engineMemory, new VitrinError("storage_failed", `localStorage access failed: ${e instanceof Error ? e.message : ""}`)];
  }
  if (s == null) return [engineMemory, new VitrinError("storage_unavailable", "localStorage is disabled; keeping state in memory")];
  return [s, null];
}

/** The documents sync keeps in step with the server: name, URL option, the engine's setter. */
export const SYNC_DOCS = [
  ["catalog", "catalogUrl", "setCatalog"],
  ["profile", "profileUrl", "setProfile"],
  ["rules", "rulesUrl", "setRules"],
];

/** A non-empty string option, else null. */
export const nonEmpty = (v) => (typeof v === "string" && v ? v : null);

/** `load()` once, its promise shared by every caller; after a failure the next call tries again. */
export function once(load) {
  let loading = null;
  return () =>
    (loading ??= load().catch((e) => {
      loading = null;
      throw e;
    }));
}

let syncModule = null;
/** sync.js, imported once by the first engine (or `createVitrin`) that syncs. */
export const loadSync = /* @__PURE__ */ once(() => import("./sync.js").then((m) => (syncModule = m)));

/**
 * The part of server sync (API.md `sync`) that `create()` does itself, before it returns:
 * the visitor id and the last good copies of the documents that sync.js stored, read and
 * applied, so the first answers use them and the one visitor id is in force from the first
 * call. The rest, `runSync` in sync.js (requests, the event queue), is imported only by a
 * page that syncs and continues from what this returns; until it has arrived, `event`
 * holds what the page tracks and `forget` erases what is stored.
 *
 * `hooks`: `{ error(code, message, details?), storage?, storageKey?, visitorId?(), identify?(id) }`
 * (sync.js's `runSync` documents them).
 */
export function restoreSync(engine, opts, hooks) {
  const storage = hooks.storage ?? syncMemory;
  // The queue and visitor id live under `${storageKey}:sync`; each document under
  // `${storageKey}:sync:<name>`, so a large catalog never rewrites the queue.
  const key = `${hooks.storageKey ?? "vitrin"}:sync`;
  const eventsUrl = nonEmpty(opts.eventsUrl);
  const s = {
    engine,
    opts,
    storage,
    key,
    given: nonEmpty(opts.visitorId),
    visitorUrl: nonEmpty(opts.visitorUrl) ?? (eventsUrl?.match(/\/events(?=$|\?)/) ? eventsUrl.replace(/\/events(?=$|\?)/, "/visitors") : null),
    etags: {},
    eventId,
    // The rules document in force from the server (sync.js reports exposures of its campaigns).
    rules: null,
    report(code, message, details) {
      try {
        hooks.error(code, message, details);
      } catch {
        // the error channel's listeners must not break sync
      }
    },
    read(k) {
      try {
        const t = storage.getItem(k);
        return t ? JSON.parse(t) : null;
      } catch {
        return null; // a damaged copy is as good as none
      }
    },
    url(name) {
      const u = nonEmpty(opts[name]);
      if (!u?.includes("{visitorId}")) return u;
      return s.visitorId ? u.replaceAll("{visitorId}", encodeURIComponent(s.visitorId)) : null;
    },
    /** The visitor id when none is given or stored: the engine's, unless a token service issues one. */
    localId: () => (s.visitorUrl ? null : hooks.visitorId?.() || mintId()),
    /** One visitor id: the engine buckets by the id the server knows (arms already met stay). */
    tellEngine() {
      if (s.visitorId && s.visitorId !== hooks.visitorId?.()) hooks.identify?.(s.visitorId);
    },
    /** Applies a document; a refused one is reported and the one in force kept. */
    apply(name, setter, doc) {
      try {
        engine[setter](doc);
        if (name === "rules") s.rules = doc;
        return true;
      } catch (e) {
        s.report(e?.code ?? `invalid_${name}`, `sync: the server's ${name} was refused: ${e?.message ?? e}`, { path: e?.path, errors: e?.errors });
        return false;
      }
    },
    /** Removes every copy sync stored (the engine's `forget()`). */
    erase() {
      for (const k of [key, ...SYNC_DOCS.map(([name]) => `${key}:${name}`)]) {
        try {
          storage.removeItem(k);
        } catch {
          // storage gone: nothing left to remove
        }
      }
    },
    // Until sync.js runs: events wait with the engine's counters as they were (exposures are
    // dated by them), and forget() erases at once and is carried out again when it runs.
    // The page may close first, so each waiting event is also stored in the queue at once,
    // under the id sync.js sends it with: the next page sends it, and the server, idempotent
    // by id, counts it once even if this page's sync.js sends it too.
    pending: [],
    event(e) {
      const id = eventId();
      s.pending.push([e, engine.metrics(), id]);
      if (!eventsUrl || s.pending.length > MAX_QUEUE || engine.state().consent?.personalization === false) return;
      const saved = s.saved ?? {};
      const queue = (Array.isArray(saved.queue) ? saved.queue : []).concat(s.pending.map(([e, , id]) => ({ ...e, id })));
      try {
        storage.setItem(key, JSON.stringify({ ...saved, v: 1, queue }));
      } catch {
        // storage full or gone: the events still wait in memory for sync.js
      }
    },
    forget() {
      s.erase();
      s.forgot = true;
      s.pending = [];
    },
  };
  s.saved = s.read(key);
  s.visitorId = s.given ?? nonEmpty(s.saved?.visitorId) ?? s.localId();
  s.tellEngine();
  // Last good copies first, synchronously: the first paint never waits on the network.
  // A copy counts only for the URL it came from (another visitor's profile does not).
  for (const [name, urlKey, setter] of SYNC_DOCS) {
    const copy = s.read(`${key}:${name}`);
    if (copy && copy.url === s.url(urlKey) && "doc" in copy && s.apply(name, setter, copy.doc)) s.etags[name] = copy.etag;
  }
  return s;
}

const EMPTY_STATE = () => ({ cart: [], recentlyViewed: [], purchases: [], searches: [] });
const MAX_TIMER_MS = 2 ** 31 - 1;
/** One exit-intent event per this long at most. */
const EXIT_INTENT_GAP_MS = 60_000;

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Intl formatters for a locale and currency, made once per engine. */
function formatters(locale, currency) {
  const safe = (make, fallback) => {
    try {
      return make();
    } catch {
      return fallback;
    }
  };
  const plain = { format: (v) => String(v) };
  // Each number's text remembered: an answer that changed still shows mostly the same
  // prices, and Intl's format is the slowest step of rendering one (four prices: ~4 µs in
  // Node, against ~0.1 µs remembered). 0 and -0 are told apart by Intl, not by a Map, so
  // they are not remembered.
  const remembered = (fmt) => {
    const seen = new Map();
    return {
      format: (v) => {
        let s = seen.get(v);
        if (s === undefined) {
          s = fmt.format(v);
          if (v === 0) return s;
          if (seen.size >= 256) seen.clear();
          seen.set(v, s);
        }
        return s;
      },
    };
  };
  return {
    locale,
    money: remembered(safe(() => new Intl.NumberFormat(locale, { style: "currency", currency }), { format: (v) => `${v} ${currency}` })),
    number: remembered(safe(() => new Intl.NumberFormat(locale), plain)),
    // Dates are shown in the store's zone: the value moved by the store's offset, read as UTC.
    date: safe(() => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }), { format: (d) => d.toISOString().slice(0, 10) }),
    plural: safe(() => new Intl.PluralRules(locale), { select: (n) => (n === 1 ? "one" : "other") }),
  };
}

/** Text of a template part: literal text, or a value formatted by its filter with Intl (dates at `zoneMs` from UTC). */
function partText(part, f, zoneMs = 0) {
  if ("text" in part) return part.text;
  const { value: v, format, args = [] } = part;
  const num = typeof v === "number";
  switch (format) {
    case "money":
      return num ? f.money.format(v) : "";
    case "number":
      return num ? f.number.format(v) : "";
    case "date":
      return num ? f.date.format(new Date(v + zoneMs)) : "";
    case "plural": {
      const n = Number(v);
      return `${f.number.format(n)} ${(f.plural.select(n) === "one" ? args[0] : args[1]) ?? ""}`;
    }
    case "default":
      return v == null || v === "" ? args[0] ?? "" : String(v);
    case "upper":
      return String(v ?? "").toLocaleUpperCase(f.locale);
    case "lower":
      return String(v ?? "").toLocaleLowerCase(f.locale);
    default:
      return v == null ? "" : num ? f.number.format(v) : String(v);
  }
}

/**
 * `o` without the keys in `skip`, with `extra`'s `[key, value]` pairs (sorted) inserted
 * where they sort among `o`'s keys, which the core writes sorted: the page's objects keep
 * the key order they always had.
 */
function withKeys(o, extra, skip) {
  const out = {};
  let i = 0;
  for (const k in o) {
    if (skip?.has(k)) continue;
    for (; i < extra.length && extra[i][0] < k; i++) out[extra[i][0]] = extra[i][1];
    out[k] = o[k];
  }
  for (; i < extra.length; i++) out[extra[i][0]] = extra[i][1];
  return out;
}

const partsText = (parts, f, zoneMs) => {
  let s = "";
  for (const p of parts ?? []) s += partText(p, f, zoneMs);
  return s;
};

/**
 * The public prompt. The core sends its text as parts only; they are rendered once, here,
 * with Intl: the text, its HTML with every character escaped, and the button's label.
 */
function renderPrompt(raw, f) {
  const zoneMs = (raw.utcOffsetMinutes ?? 0) * 60_000;
  const text = partsText(raw.parts, f, zoneMs);
  // What a product card shows: its price formatted for the visitor's locale and currency.
  for (const p of raw.products ?? []) p.priceText = f.money.format(p.price);
  if (raw.cta) raw.cta = withKeys(raw.cta, [["label", partsText(raw.ctaParts, f, zoneMs)]]);
  return withKeys(raw, [["html", escapeHtml(text)], ["text", text]], FOR_RENDERING);
}

/** A copy of plain data (objects, arrays, values): a remembered answer handed out anew. */
function copy(v) {
  if (Array.isArray(v)) return v.map(copy);
  if (v === null || typeof v !== "object") return v;
  const o = {};
  for (const k in v) o[k] = copy(v[k]);
  return o;
}

/** What the raw prompt carries only for rendering it. */
const FOR_RENDERING = new Set(["parts", "ctaParts", "utcOffsetMinutes"]);

class Engine {
  #raw;
  #now;
  #listeners = new Map(EVENTS.map((k) => [k, new Set()]));
  #flushTimer = null;
  #checkTimer = null;
  #lastPromptId = null;
  #format;
  #formatters = null;
  /** The core's last prompts() text and its rendering. */
  #rendered = ["[]", []];
  #onHide = null;
  #onExit = null;
  #lastExit = 0;
  #destroyed = false;
  #sync = null;
  #wasm;
  #channel = null;
  #store;
  #key;

  constructor(wasm, options) {
    if (!isObject(options)) throw new VitrinError("invalid_options", "options must be an object", { path: "" });
    const { now = Date.now, sync, ...rest } = options;
    if (typeof now !== "function") throw new VitrinError("invalid_options", "now must be a function returning ms since the epoch", { path: "/now" });
    if (sync !== undefined && !isObject(sync)) throw new VitrinError("invalid_options", "sync must be an object", { path: "/sync" });
    this.#now = now;
    this.#wasm = wasm;
    // Made when a prompt is first rendered: a page's first Intl formatters cost tens of ms
    // (ICU), which a page that only recommends never needs to pay at start.
    const locale = typeof rest.locale === "string" ? rest.locale : "en";
    const currency = typeof rest.currency === "string" ? rest.currency : "TRY";
    this.#format = () => (this.#formatters ??= formatters(locale, currency));
    // The visitor's id when none is stored (the stored one wins; the store's own
    // `visitorId`, given here or as `sync.visitorId`, wins over both).
    const localId = mintId();
    const visitorId = rest.visitorId ?? sync?.visitorId;
    const [catalog, table, rows, dim] = packCatalog(rest.catalog);
    const json = utf8.encode(toJson({ localId, ...rest, ...(visitorId === undefined ? {} : { visitorId }), catalog }, "invalid_options"));
    const key = typeof rest.storageKey === "string" ? rest.storageKey : "vitrin";
    const channel = openChannel(key);
    const [storage, storeError] = openStore(rest.storage);
    const store = engineStore(storage);
    // What the key holds, handed to the engine, which uses it only with the visitor's consent.
    let stored = null;
    let unread;
    try {
      stored = store.get(key);
    } catch (e) {
      unread = e.message;
    }
    this.#store = store;
    this.#key = key;
    try {
      this.#raw = guarded(() => answered(wasm, wasm.create(json, table, rows, dim, channel !== null, stored, unread)), () => {
        throw broken;
      });
    } catch (e) {
      channel?.close();
      throw e;
    }
    this.#channel = channel;
    if (channel) {
      channel.onmessage = (e) => {
        if (typeof e.data === "string" && !this.#destroyed) this.#act(calls.receive, e.data);
      };
    }
    live.add(this);
    if (storeError) this.#report(storeError);
    this.#act(calls.wants);
    if (typeof addEventListener === "function") {
      this.#onHide = () => this.#flush();
      addEventListener("pagehide", this.#onHide);
      addEventListener("visibilitychange", this.#onHide);
    }
    if (sync) {
      const restored = restoreSync(this, sync, {
        error: (code, message, details) => this._emit("error", new VitrinError(code, message, details ?? {})),
        storage: rest.storage === "memory" ? null : localStorageOrNull(),
        storageKey: rest.storageKey,
        visitorId: () => guarded(() => this.#call(calls.visitorId), () => ""),
        identify: (id) => this.#act(calls.identify, id),
      });
      this.#sync = restored;
      const run = ({ runSync }) => {
        if (!this.#destroyed) this.#sync = runSync(restored);
      };
      // sync.js is here already when createVitrin or an earlier engine imported it; else
      // requests and the event queue start when it arrives.
      if (syncModule) run(syncModule);
      else
        loadSync().then(run, (e) => {
          restored.event = () => {};
          if (!this.#destroyed) restored.report("sync_failed", `sync could not be loaded: ${e?.message ?? e}`);
        });
    }
  }

  /**
   * A call into the engine by its number (calls.js; src/calls.rs says what each reads of
   * `a`, `now`, `b` and `x`): its text answer, or the engine's error thrown.
   */
  #call(op, a, now, b, x) {
    return answered(this.#wasm, this.#raw.call(op, a, now, b, x));
  }

  #time() {
    const t = this.#now();
    return typeof t === "number" ? t : NaN;
  }

  #check() {
    if (this.#destroyed) throw new VitrinError("destroyed", "this engine was destroyed");
  }

  #scheduleFlush() {
    if (this.#flushTimer !== null) return;
    this.#flushTimer = setTimeout(() => this.#flush(), 0);
    this.#flushTimer.unref?.();
  }

  /**
   * A call on the engine's session (calls.js), as `#call` but contained; then arranges what
   * the session wants after it (its `Wants` bits): a flush, an end-of-task post, effects.
   */
  #act(op, a, now, b) {
    const wants = guarded(() => answered(this.#wasm, this.#raw.act(op, a, now, b)), () => 0);
    if (wants & WANTS_FLUSH) this.#scheduleFlush();
    if (wants & WANTS_END_TASK) queueMicrotask(() => this.#endTask());
    if (wants & WANTS_DRAIN) this.#drain();
    return wants;
  }

  #endTask() {
    if (!this.#destroyed) this.#act(calls.endTask);
  }

  #flush() {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (!this.#destroyed) this.#act(calls.flush);
  }

  /**
   * An error for the `error` listeners, after the current call returns: listeners attached
   * right after create() still hear about a damaged stored state found while creating.
   */
  #report(err) {
    queueMicrotask(() => this._emit("error", err));
  }

  /** Carries out the session's effects for the page: storage and tab posts now, notices after the call. */
  #drain() {
    const effects = guarded(() => JSON.parse(this.#call(calls.drain)), () => []);
    for (const effect of effects) {
      if (effect.post !== undefined) {
        try {
          this.#channel?.postMessage(effect.post);
        } catch {
          // A closed channel or a detached page: the other tabs catch up from storage.
        }
      } else if (effect.store !== undefined || effect.erase) {
        try {
          if (effect.erase) this.#store.removeAll(this.#key);
          else this.#store.set(this.#key, effect.store);
        } catch (e) {
          this.#report(e);
        }
      } else if (effect.discard) {
        try {
          this.#store.removeAll(this.#key);
        } catch {
          // not worth reporting (src/session.rs, `discard`): the next write replaces it
        }
      } else if (effect.error) {
        this.#report(new VitrinError(effect.error.code, effect.error.message, effect.error));
      } else if (effect.change) {
        const detail = { cause: effect.change };
        queueMicrotask(() => this._emit("change", detail));
        // Another tab changed the visitor: what is due here may have changed too.
        this.#promptsChanged();
      }
    }
  }

  _emit(kind, payload) {
    for (const cb of this.#listeners.get(kind) ?? []) {
      try {
        cb(payload);
      } catch (e) {
        // A listener's bug must not stop the others or reach the engine.
        setTimeout(() => {
          throw e;
        });
      }
    }
  }

  track(event) {
    this.#check();
    const at = this.#time();
    // After an internal error, input is no longer read (nor refused), as by every call.
    if (broken) return;
    this.#act(calls.track, toJson(event, "invalid_event"), at);
    if (!broken) this.#sync?.event({ ...event, at: event.at ?? at });
    this.#promptsChanged();
  }

  /** After anything that can change what is due: tell listeners now, and time the next check. */
  #promptsChanged() {
    if ((this.#listeners.get("prompt").size === 0 && this.#listeners.get("withdraw").size === 0) || this.#destroyed) return;
    queueMicrotask(() => this.#checkPrompts());
  }

  /**
   * Checks now what is due: emits `withdraw` for a prompt on screen that stopped being
   * true, then `prompt` for a new top prompt. Pages that move their own clock call it.
   */
  refresh() {
    this.#check();
    this.#checkPrompts();
  }

  #checkPrompts() {
    if (this.#destroyed || broken) return;
    clearTimeout(this.#checkTimer);
    this.#checkTimer = null;
    const gone = guarded(() => this.#call(calls.withdrawal, undefined, this.#time()), () => "");
    if (gone) {
      const cut = gone.indexOf(" ");
      const id = gone.slice(cut + 1);
      if (this.#lastPromptId === id) this.#lastPromptId = null;
      this._emit("withdraw", { id, campaignId: id.slice(0, id.lastIndexOf(":")), reason: gone.slice(0, cut) });
    }
    const [top] = this.prompts();
    if (top && top.id !== this.#lastPromptId) this._emit("prompt", top);
    this.#lastPromptId = top ? top.id : null;
    const now = this.#time();
    const next = guarded(() => this.#call(calls.nextCheck, undefined, now), () => "");
    if (next !== "") {
      this.#checkTimer = setTimeout(() => this.#checkPrompts(), Math.min(Math.max(+next - now, 0), MAX_TIMER_MS));
      this.#checkTimer.unref?.();
    }
  }

  /** Exit intent: the pointer leaves through the top edge of the window. */
  #watchExit() {
    if (this.#onExit || typeof document === "undefined") return;
    this.#onExit = (e) => {
      if (e.relatedTarget || e.clientY > 0) return;
      const t = this.#time();
      if (t - this.#lastExit < EXIT_INTENT_GAP_MS || this.state().cart.length === 0) return;
      this.#lastExit = t;
      this.track({ type: "exit_intent" });
    };
    document.addEventListener("mouseout", this.#onExit);
  }

  recommend(request = {}) {
    this.#check();
    if (!isObject(request)) throw argError("", "recommend takes { slot, productId?, limit? }");
    const { slot, productId, limit } = request;
    if (typeof slot !== "string") throw argError("/slot", "slot must be a string");
    if (productId != null && typeof productId !== "string") throw argError("/productId", "productId must be a string");
    if (limit != null && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) throw argError("/limit", "limit must be an integer between 1 and 100");
    const recs = guarded(() => JSON.parse(this.#call(calls.recommend, slot, this.#time(), productId ?? undefined, limit ?? undefined)), () => []);
    this.#act(calls.wants);
    return recs;
  }

  prompts() {
    this.#check();
    const text = guarded(() => this.#call(calls.prompts, undefined, this.#time()), () => "[]");
    this.#act(calls.wants);
    // Rendering is a function of the text alone: the same prompt again (the usual answer
    // between events) is parsed and formatted once, and copied after.
    if (text !== this.#rendered[0]) this.#rendered = [text, JSON.parse(text).map((p) => renderPrompt(p, this.#format()))];
    return copy(this.#rendered[1]);
  }

  #promptAction(action, id) {
    this.#check();
    if (typeof id !== "string") throw argError("", "a prompt id is a string");
    this.#act(calls.promptAction, action, this.#time(), id);
    if (action !== "shown") this.#lastPromptId = null;
    this.#promptsChanged();
  }

  shown(id) {
    this.#promptAction("shown", id);
  }

  dismiss(id) {
    this.#promptAction("dismiss", id);
  }

  clicked(id) {
    this.#promptAction("clicked", id);
  }

  on(kind, callback) {
    if (!this.#listeners.has(kind)) throw argError("", `unknown event ${JSON.stringify(kind)}; expected ${EVENTS.join(", ")}`);
    if (typeof callback !== "function") throw argError("", "callback must be a function");
    this.#listeners.get(kind).add(callback);
    if (kind === "prompt" || kind === "withdraw") {
      this.#watchExit();
      this.#promptsChanged();
    }
    return this;
  }

  off(kind, callback) {
    this.#listeners.get(kind)?.delete(callback);
    return this;
  }

  setRules(rules, options) {
    this.#check();
    // Only on request: by default a document with any error changes nothing.
    const skip = options?.skipInvalidCampaigns === true;
    const skipped = guarded(() => JSON.parse(this.#call(calls.setRules, toJson(rules, "invalid_rules"), undefined, undefined, skip ? 1 : 0)), () => []);
    this.#promptsChanged();
    return { skipped };
  }

  setProfile(profile) {
    this.#check();
    guarded(() => this.#call(calls.setProfile, toJson(profile, "invalid_profile")), () => undefined);
    this.#promptsChanged();
  }

  setCatalog(catalog) {
    this.#check();
    const [doc, table, rows, dim] = packCatalog(catalog);
    const json = doc === undefined && table ? new Uint8Array(0) : utf8.encode(toJson(doc, "invalid_catalog"));
    guarded(() => answered(this.#wasm, this.#raw.setCatalog(json, table, rows, dim)), () => undefined);
  }

  setConsent(consent) {
    this.#check();
    if (broken) return;
    this.#act(calls.setConsent, toJson(consent, "invalid_consent"));
    this.#promptsChanged();
  }

  state() {
    this.#check();
    return guarded(() => JSON.parse(this.#call(calls.state)), EMPTY_STATE);
  }

  metrics() {
    this.#check();
    return guarded(() => JSON.parse(this.#call(calls.metrics)), () => ({}));
  }

  explain(campaignId) {
    this.#check();
    if (typeof campaignId !== "string") throw argError("", "a campaign id is a string");
    return guarded(() => JSON.parse(this.#call(calls.explain, campaignId, this.#time())), () => ({ acts: false, because: [] }));
  }

  /** Internal, for `<vitrin-assistant>`: the core's URL rule (src/url.rs). */
  _isSafeUrl(url) {
    return typeof url === "string" && guarded(() => this.#wasm.run(calls.isSafeUrl, url) === "true", () => false);
  }

  /**
   * The store names the visitor: its customer id after a login, or the id its server
   * issued. The one visitor id from now on (bucketing, sync, storage, every tab); arms
   * the visitor already met stay as they were.
   */
  identify(visitorId) {
    this.#check();
    if (typeof visitorId !== "string") throw argError("", "a visitor id is a string");
    this.#act(calls.identify, visitorId);
  }

  forget() {
    this.#check();
    this.#act(calls.forget, mintId());
    this.#sync?.forget();
    this.#promptsChanged();
  }

  destroy() {
    if (this.#destroyed) return;
    this.#flush();
    this.#destroyed = true;
    live.delete(this);
    clearTimeout(this.#checkTimer);
    this.#sync?.stop?.();
    if (this.#onHide) {
      removeEventListener("pagehide", this.#onHide);
      removeEventListener("visibilitychange", this.#onHide);
    }
    if (this.#onExit) document.removeEventListener("mouseout", this.#onExit);
    if (this.#channel) {
      this.#channel.onmessage = null;
      this.#channel.close();
    }
    guarded(() => this.#raw.free(), () => undefined);
  }
}

/** Builds the public API over the initialised glue module (vitrin_core.js: `create`, `run`). */
export function bind(wasm) {
  return Object.freeze({
    version: wasm.run(calls.version),
    evaluateCondition(condition, data, options) {
      // The clock and zone `now`, `today` and the date operators read: this browser's unless given.
      const now = options?.now ?? Date.now();
      const offset = options?.utcOffsetMinutes ?? -new Date(now).getTimezoneOffset();
      if (!Number.isFinite(now)) throw argError("/now", "now must be ms since the epoch");
      if (!Number.isFinite(offset)) throw argError("/utcOffsetMinutes", "utcOffsetMinutes must be a number");
      // Read as the engine reads a campaign's (or slot's) condition, by the call for the scope.
      const op = new Map([["", calls.evaluateCondition], ["campaign", calls.evaluateCampaignCondition], ["slot", calls.evaluateSlotCondition]]).get(options?.scope ?? "");
      if (op === undefined) throw argError("/scope", "scope must be \"campaign\" or \"slot\"");
      return guarded(() => JSON.parse(answered(wasm, wasm.run(op, toJson(condition, "invalid_condition"), now, toJson(data ?? null, "invalid_data"), offset))), () => null);
    },
    isSafeUrl(url) {
      return typeof url === "string" && guarded(() => wasm.run(calls.isSafeUrl, url) === "true", () => false);
    },
    validateRules(rules) {
      let text;
      try {
        text = toJson(rules, "invalid_rules");
      } catch (e) {
        // validateRules answers rather than throws, even for what JSON cannot hold.
        return { ok: false, errors: [{ path: e.path ?? "", message: e.message }] };
      }
      return guarded(() => JSON.parse(wasm.run(calls.validateRules, text)), () => ({ ok: false, errors: [{ path: "", message: broken.message }] }));
    },
    create(options) {
      return new Engine(wasm, options);
    },
  });
}
