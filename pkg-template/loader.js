// What every entry point (index.js, node.js, edge.js, the script-tag build) shares: load the
// wasm once, retry after a failure, and add the JavaScript-only options to `create`
// (`snapshot`, `debug`) around the engine that core.js builds.

import { bind, loadSync, VitrinError } from "./core.js";
import { adoptSnapshot } from "./snapshot.js";
import { debugEnabled, logDecisions } from "./debug.js";

/**
 * `instantiate()` resolves to an initialised wasm-bindgen module. A failed load is not
 * cached: the next `loadVitrin()` tries again (a flaky network, a CDN hiccup).
 */
export function makeLoader(instantiate) {
  let loading = null;
  function loadVitrin() {
    loading ??= Promise.resolve()
      .then(instantiate)
      .then(
        (wasm) => withJsOptions(bind(wasm)),
        (cause) => {
          loading = null;
          throw loadFailed(cause);
        },
      );
    return loading;
  }
  async function createVitrin(options) {
    // A catalog still on its way (`fetch(url)`, a promise) downloads while the wasm compiles,
    // and so does sync.js when the options sync: the engine then syncs from its first call
    // (create retries an import that failed here, and reports `sync_failed` if it fails again).
    const [vitrin, catalog] = await Promise.all([loadVitrin(), received(options?.catalog), options?.sync && loadSync().catch(() => {})]);
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
      if (options === null || typeof options !== "object" || Array.isArray(options)) return vitrin.create(options);
      const { snapshot, debug, ...rest } = options;
      if (debug !== undefined && typeof debug !== "boolean") throw new VitrinError("invalid_options", "debug must be a boolean", { path: "/debug" });
      const pinned = snapshot === undefined ? null : adoptSnapshot(snapshot, rest.catalog);
      const engine = vitrin.create(rest);
      if (pinned) pinned.attach(engine);
      if (debug ?? debugEnabled()) logDecisions(engine);
      return engine;
    },
  });
}
