// A preview link of the playground: `/?preview=<campaignId>:<variant>` shows that campaign's
// variant on the real storefront, for this page only, leaving no trace: the engine is
// read-only (no storage writes, nothing posted to other tabs), sync is off (no events, no
// metrics), and the campaign is made due now for everyone (no trigger, condition, schedule
// start, caps or holdout), so what the marketer sees is the variant's prompt and slot tweaks.

import { getLang } from "/www/text.js";

/** The chosen campaign and variant from the page's URL, or null. */
export function previewRequest(search = location.search) {
  const value = new URLSearchParams(search).get("preview");
  if (!value) return null;
  const cut = value.lastIndexOf(":");
  return cut > 0 ? { campaignId: value.slice(0, cut), variant: value.slice(cut + 1) } : { campaignId: value, variant: "default" };
}

/** `rules` reduced to the one campaign, due now, showing `variant`; null when it is not there. */
export function previewRules(rules, { campaignId, variant }) {
  const c = rules.campaigns?.find((x) => x.id === campaignId);
  if (!c) return null;
  const arm = c.variants?.find((v) => v.id === variant);
  if (variant !== "default" && !arm) return null;
  const { when: _when, caps: _caps, holdout: _holdout, variants: _variants, schedule, trigger: _trigger, ...rest } = c;
  const campaign = { ...rest, trigger: { type: "always" }, ...(arm?.prompt && { prompt: arm.prompt }), ...(arm?.slots && { slots: arm.slots }) };
  // The end date stays ({{endsAt}} may quote it); a start in the future would hide it.
  if (schedule?.to) campaign.schedule = { to: schedule.to };
  const { caps: _globalCaps, ...doc } = rules;
  return { ...doc, campaigns: [campaign] };
}

/** The banner's words. */
export function previewBanner({ campaignId, variant }) {
  return getLang() === "en"
    ? `Preview of campaign “${campaignId}”, variant “${variant}”: nothing here is stored or sent.`
    : `Önizleme: “${campaignId}” kampanyası, “${variant}” varyantı; burada hiçbir şey kaydedilmez ya da gönderilmez.`;
}
