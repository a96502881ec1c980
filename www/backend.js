// The demo's reference server (vitrin-server), when one runs: `cargo xtask demo` writes its
// address and publishing token into www/generated/server.js; a page (or a test) may point
// at another one by storing `{ url, token }` under SERVER_KEY. Without a server the demo
// runs on its own: rules published through localStorage, results of this browser only.

import generated from "/www/generated/server.js";

export const SERVER_KEY = "vitrin-demo-server";

/** `{ url, token }` of the server, or null. */
export function backend() {
  try {
    const stored = JSON.parse(localStorage.getItem(SERVER_KEY) ?? "null");
    if (typeof stored?.url === "string") return stored;
  } catch {
    // a damaged value is no server
  }
  return typeof generated?.url === "string" ? generated : null;
}

/** Options for the storefront's engine: the SDK's sync of rules and events to the server. */
export function syncOptions() {
  const server = backend();
  // Rules are polled every 2 s so an open shop tab follows a publication from any browser.
  return server ? { sync: { rulesUrl: `${server.url}/v1/rules`, eventsUrl: `${server.url}/v1/events`, intervalMs: 2_000 } } : {};
}

/** A JSON request to the server; throws an Error carrying the server's `code`, `path` and `errors`. */
export async function api(path, { method = "GET", body, auth = false } = {}) {
  const server = backend();
  if (!server) throw new Error("no demo server");
  const headers = { "content-type": "application/json" };
  if (auth) headers.authorization = `Bearer ${server.token}`;
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  const doc = await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(doc?.message ?? `HTTP ${res.status}`), { status: res.status, code: doc?.code, path: doc?.path, errors: doc?.errors });
  return doc;
}
