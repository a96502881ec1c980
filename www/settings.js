// The demo's own settings (language, simulated clock, persona, consent), kept in localStorage
// under a key of their own: `forget()` erases the visitor's data ("vitrin", "vitrin:*"), not
// the simulator's, and every tab of the demo shares one simulated clock.

export const SETTINGS_KEY = "vitrin-demo";

const DEFAULTS = { lang: "tr", offsetMs: 0, personaId: "new", profile: null, consent: { personalization: true, messaging: true } };

function read() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}

export const settings = read();

/** Updates and stores the settings. */
export function save(changes) {
  Object.assign(settings, changes);
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

/** Back to a fresh visitor on today's clock, keeping the language. */
export function resetSettings() {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ lang: settings.lang }));
}

/** Re-reads the settings another tab changed; returns the new values. */
export function reload() {
  return Object.assign(settings, read());
}

/** The simulated clock: real time moved by the simulator's offset. */
export const now = () => Date.now() + settings.offsetMs;
