// The demo's catalog in the page's language and its engine, as the storefront and the
// playground both create them (the playground's preview must see what the storefront does).
import source from "/www/generated/catalog.js";
import { getLang, locale } from "/www/text.js";
import { settings, now } from "/www/settings.js";

/** The catalog with titles in the page's language (the engine quotes them in its reasons), and its products by id. Call after `setLang`. */
export function demoCatalog() {
  const catalog = getLang() === "en" ? { ...source, products: source.products.map((p) => ({ ...p, title: p.titleEn })) } : source;
  return { catalog, products: new Map(catalog.products.map((p) => [p.id, p])) };
}

/** An engine over `catalog` with `rules` for the simulated visitor (persona profile, consent, clock); `extra`: more options. */
export function createDemoEngine(vitrin, catalog, rules, extra = {}) {
  // The store knows its customer: the persona's id is the visitor's (bucketing, sync).
  const engine = vitrin.create({ catalog, rules, profile: settings.profile ?? undefined, visitorId: settings.profile?.visitorId, locale: locale(), currency: "TRY", consent: settings.consent, now, ...extra });
  engine.on("error", (error) => console.warn(`vitrin: ${error.code}: ${error.message}`));
  return engine;
}
