// The marketer's rules as the demo publishes them. Until the playground publishes, every tab
// uses the example document examples/rules/demo-storefront.json (imported as a JSON module:
// no fetch before the first recommendation). A publication is kept in localStorage under a key
// of its own — `forget()` erases the visitor, not the store's rules — so new tabs start with
// it, and is sent over a BroadcastChannel to the open storefront tabs, which apply it with
// `engine.setRules` without reloading and answer with an acknowledgement.

import example from "/examples/rules/demo-storefront.json" with { type: "json" };

const RULES_KEY = "vitrin-demo-rules";
const CHANNEL = "vitrin-demo-rules";

/** `{ rules, revision, publishedAt }` in force: the last publication, or the example (revision 0). */
export function publishedRules(vitrin) {
  let stored = null;
  try {
    stored = JSON.parse(localStorage.getItem(RULES_KEY) ?? "null");
  } catch {
    // A damaged value is no publication: the example applies.
  }
  // Rules stored by an older build may no longer validate: the example keeps the shop working.
  if (stored?.rules && vitrin.validateRules(stored.rules).ok) return stored;
  return { rules: example, revision: 0, publishedAt: null };
}

const channel = new BroadcastChannel(CHANNEL);

/**
 * Stores `rules` (already validated) and sends them to the open tabs; returns the publication.
 * `revision`: the server's number for it, when a server keeps the revisions.
 */
export function publish(vitrin, rules, publishedAt, revision = publishedRules(vitrin).revision + 1) {
  const publication = { rules, revision, publishedAt };
  localStorage.setItem(RULES_KEY, JSON.stringify(publication));
  channel.postMessage({ kind: "publish", ...publication });
  return publication;
}

/** Storefront side: `apply(publication)` returns true when the engine took the rules. */
export function onPublish(apply) {
  channel.addEventListener("message", ({ data }) => {
    if (data?.kind !== "publish") return;
    channel.postMessage({ kind: "applied", revision: data.revision, ok: apply(data) });
  });
}

/** Playground side: `callback({ revision, ok })` for every tab that answered a publication. */
export function onApplied(callback) {
  channel.addEventListener("message", ({ data }) => {
    if (data?.kind === "applied") callback(data);
  });
}
