// The visitor simulator: a collapsible panel that plays the store's server and the passing of
// time — pick a persona (its profile goes to `engine.setProfile`), move the clock the engine
// reads, grant or withdraw consent, or forget the visitor and start over.

import { PERSONAS } from "/www/personas.js";
import { t, getLang, locale } from "/www/text.js";
import { settings, save, resetSettings, now } from "/www/settings.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Long enough for the cart-idle campaign (10 minutes), short of the 30-minute gap that starts a new session.
const IDLE = 10 * 60_000;

const pick = (pair) => pair[getLang() === "en" ? 1 : 0];

/** Adds the panel to `container`; `onChange` runs after anything that changes what the page shows. */
export function mountSimulator({ container, engine, catalog, onChange, forget = () => engine.forget() }) {
  const panel = document.createElement("details");
  panel.className = "simulator";
  panel.id = "simulator";
  panel.innerHTML = `<summary>${t("simulator")}</summary>
    <div class="sim-body">
      <label class="sim-field">${t("persona")}
        <select name="persona">${PERSONAS.map((p) => `<option value="${p.id}">${pick(p.label)}</option>`).join("")}</select></label>
      <p class="sim-about muted"></p>
      <fieldset><legend>${t("clock")}</legend>
        <p class="sim-now"></p>
        <div class="sim-buttons">
          <button type="button" data-advance="${IDLE}" title="${t("idleHint")}">${t("idle")}</button>
          <button type="button" data-advance="${HOUR}">${t("hour")}</button>
          <button type="button" data-advance="${DAY}">${t("day")}</button>
          <button type="button" data-advance="${7 * DAY}">${t("week")}</button>
        </div>
        <label class="sim-field">${t("goTo")} <input type="date" name="date"></label>
      </fieldset>
      <fieldset><legend>${t("consent")}</legend>
        <label class="inline"><input type="checkbox" name="personalization"> ${t("personalization")}</label>
        <label class="inline"><input type="checkbox" name="messaging"> ${t("messaging")}</label>
      </fieldset>
      <fieldset><legend>${t("visitor")}</legend><p class="sim-state muted"></p>
        <button type="button" class="danger" data-reset>${t("reset")}</button></fieldset>
    </div>`;
  container.append(panel);

  const field = (name) => panel.querySelector(`[name="${name}"]`);
  const clockFormat = new Intl.DateTimeFormat(locale(), { dateStyle: "full", timeStyle: "short" });

  function update() {
    const persona = PERSONAS.find((p) => p.id === settings.personaId) ?? PERSONAS[0];
    field("persona").value = persona.id;
    panel.querySelector(".sim-about").textContent = pick(persona.about);
    panel.querySelector(".sim-now").textContent = `${t("simulatedNow")}: ${clockFormat.format(now())}`;
    field("personalization").checked = settings.consent.personalization;
    field("messaging").checked = settings.consent.messaging;
    const s = engine.state();
    panel.querySelector(".sim-state").textContent = t("stateLine", {
      cart: s.cart.reduce((n, l) => n + l.quantity, 0),
      viewed: s.recentlyViewed.length,
      bought: s.purchases.length,
      sessions: s.sessionCount ?? 0,
    });
  }

  function forgetVisitor() {
    forget();
    resetSettings();
    location.hash = "#/";
    location.reload();
  }

  field("persona").addEventListener("change", (event) => {
    const persona = PERSONAS.find((p) => p.id === event.target.value);
    // A new visitor has no profile to set: start over instead.
    if (!persona.build) return forgetVisitor();
    const profile = persona.build(catalog, now());
    save({ personaId: persona.id, profile });
    // The store knows its customer: the persona's id is the visitor's, as a new tab's
    // `visitorId` option makes it (www/engine.js), so every tab is the same visitor.
    engine.identify(profile.visitorId);
    engine.setProfile(profile);
    onChange();
  });
  panel.addEventListener("click", (event) => {
    const advance = event.target.closest("[data-advance]");
    if (advance) {
      save({ offsetMs: settings.offsetMs + Number(advance.dataset.advance) });
      onChange();
    }
    if (event.target.closest("[data-reset]")) forgetVisitor();
  });
  field("date").addEventListener("change", (event) => {
    const [y, m, d] = event.target.value.split("-").map(Number);
    if (!y) return;
    // 10:00 on that day, local time: shops are open.
    save({ offsetMs: new Date(y, m - 1, d, 10).getTime() - Date.now() });
    onChange();
  });
  for (const name of ["personalization", "messaging"]) {
    field(name).addEventListener("change", () => {
      const consent = { personalization: field("personalization").checked, messaging: field("messaging").checked };
      save({ consent });
      engine.setConsent(consent);
      onChange();
    });
  }

  return { update };
}
