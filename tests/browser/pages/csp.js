// The store page of csp.html: loads the package and its assistant under the page's CSP,
// ranks, shows a prompt, and records every CSP violation for the test.
window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(`${e.violatedDirective}: ${e.blockedURI}`));

const { loadVitrin } = await import("/pkg/index.js");
await import("/pkg/assistant.js");
const { makeCatalog } = await import("/tests/support/catalog.mjs");

const vitrin = await loadVitrin();
const engine = vitrin.create({
  catalog: makeCatalog(30),
  storage: "memory",
  rules: { version: 1, campaigns: [{ id: "hello", trigger: { type: "always" }, prompt: { text: { en: "Hello <b>{{cart.count}}</b> & welcome" }, products: "cart" } }] },
});
engine.track({ type: "add_to_cart", productId: "p1" });
window.recs = engine.recommend({ slot: "for_you", limit: 5 }).length;
document.querySelector("vitrin-assistant").engine = engine;
document.body.dataset.ready = "1";
