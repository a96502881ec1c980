// What every entry point (index.js, node.js, edge.js, the script-tag build) shares: load the
// wasm once, retry after a failure, and add the JavaScript-only options to `create`
// (`snapshot`, `debug`) around the engine that core.js builds.

import { bind, isObject, loadSync, once, VitrinError } from "./core.js";
import { adoptSnapshot } from "./snapshot.js";

/**
 * Debug mode's switches besides the option: the page URL parameter `vitrin_debug=1` and the
 * storage flag `localStorage["vitrin:debug"] = "1"` (survives reloads; remove it to stop).
 */
function debugSwitched() {
  try {
    if (typeof location !== "undefined" && new URLSearchParams(location.search).get("vitrin_debug") === "1") return true;
    return globalThis.localStorage?.getItem("vitrin:debug") === "1";
  } catch {
    return false;
  }
}

let debugModule = null;
/**
 * debug.js, imported only in debug mode (a shopper's page never downloads it), like sync.js:
 * alongside the wasm when a switch is on at load or `createVitrin` asks for it, so the engine
 * logs from its first call.
 */
const loadDebug = once(() => import("./debug.js").then((m) => (debugModule = m)));

/**
 * `instantiate()` resolves to the initialised glue module (vitrin_core.js). A failed load is not
 * cached: the next `loadVitrin()` tries again (a flaky network, a CDN hiccup).
 */
export function makeLoader(instantiate) {
  const loadVitrin = once(() =>
    Promise.resolve()
      .then(() => Promise.all([instantiate(), debugSwitched() && loadDebug().catch(() => {})]))
      .then(
        ([wasm]) => withJsOptions(bind(wasm)),
        (cause) => {
          throw loadFailed(cause);
        },
      ),
  );
  async function createVitrin(options) {
    // A catalog still on its way (`fetch(url)`, a promise) downloads while the wasm compiles,
    // and so do sync.js when the options sync and debug.js in debug mode: the engine then
    // syncs and logs from its first call (create retries an import that failed here).
    const [vitrin, catalog] = await Promise.all([
      loadVitrin(),
      received(options?.catalog),
      options?.sync && loadSync().catch(() => {}),
      (options?.debug ?? debugSwitched()) === true && loadDebug().catch(() => {}),
    ]);
    return vitrin.create(catalog === options?.catalog ? options : { ...options, catalog });
  }
  return { loadVitrin, createVitrin };
}

/** The catalog `c` holds once it arrived: a Response is read as JSON by its type, else as bytes. */
async function received(c) {
  const res = await c;
  if (!(typeof Response == "function" && res instanceof Response)) return res;
  if (!res.ok) throw new VitrinError("invalid_catalog", `the catalog could not be fetched: HTTP ${res.status}`, { path: "/catalog" });
  return res.headers.get("content-type")?.includes("json") ? res.json() : new Uint8Array(await res.arrayBuffer());
}

function loadFailed(cause) {
  const why = cause && cause.message ? cause.message : String(cause);
  const e = new VitrinError("load_failed", `vitrin's WebAssembly could not be loaded: ${why}`);
  e.cause = cause;
  return e;
}

/** The API of core.js with `create` taking the options only JavaScript handles. */
function withJsOptions(vitrin) {
  return Object.freeze({
    ...vitrin,
    create(options) {
      if (!isObject(options)) return vitrin.create(options);
      const { snapshot, debug, ...rest } = options;
      if (debug !== undefined && typeof debug !== "boolean") throw new VitrinError("invalid_options", "debug must be a boolean", { path: "/debug" });
      const pinned = snapshot === undefined ? null : adoptSnapshot(snapshot, rest.catalog);
      const engine = vitrin.create(rest);
      if (pinned) pinned.attach(engine);
      if (debug ?? debugSwitched()) {
        // Only `loadVitrin()` then `create({ debug: true })` meets debug.js not here yet: the
        // engine logs from when it arrives (one module fetch).
        if (debugModule) debugModule.logDecisions(engine);
        else loadDebug().then((m) => m.logDecisions(engine), (e) => console.warn(`[vitrin] debug mode could not be loaded: ${e?.message ?? e}`));
      }
      return engine;
    },
  });
}
