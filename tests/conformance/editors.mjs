// Records tests/conformance/editors.json: conditions over the operators the JsonLogic query
// builders add, each with what the editor's own implementation answers (react-querybuilder's
// `jsonLogicAdditionalOperators`, react-awesome-query-builder's `customJsonLogicOperations`,
// run by json-logic-js) in the store's zone (TZ below) at a fixed clock. Dates in the data
// and rules are revived into JS `Date`s, as they are in the editor before `JSON.stringify`.
// One deliberate difference: `today` is the start of today in the store's zone (the editor's
// is UTC midnight of the local date, which matches its date widget's UTC-midnight values;
// vitrin's date values are read in the store's zone instead, see RULES.md).
// Regenerate: TZ=Europe/Istanbul node tests/conformance/editors.mjs
import jsonLogic from "json-logic-js";
import moment from "moment";
import { writeFileSync } from "node:fs";
import { jsonLogicAdditionalOperators } from "react-querybuilder";
import { createRequire } from "node:module";

// The editor's ESM build imports directories, which Node refuses; its CommonJS build loads.
const { Utils } = createRequire(import.meta.url)("@react-awesome-query-builder/core");

if (process.env.TZ !== "Europe/Istanbul") throw new Error("run with TZ=Europe/Istanbul (UTC+3, the suite's store zone)");
export const NOW = Date.parse("2026-12-24T10:30:00+03:00");
export const UTC_OFFSET_MINUTES = 180;
// The editors read the clock through `new Date()` and `Date.now()`: both answer NOW.
globalThis.Date = class extends Date {
  constructor(...args) {
    super(...(args.length ? args : [NOW]));
  }
  static now() {
    return NOW;
  }
};

const raqb = Utils.JsonLogicUtils?.customJsonLogicOperations ?? Utils.customJsonLogicOperations;
for (const [name, f] of Object.entries(jsonLogicAdditionalOperators)) jsonLogic.add_operation(name, f);
for (const name of ["toLowerCase", "toUpperCase", "date==", "date!=", "datetime==", "datetime!=", "now", "start_of_today", "date_add", "datetime_add", "datetime_truncate"]) {
  jsonLogic.add_operation(name, raqb[name]);
}
jsonLogic.add_operation("today", () => moment().startOf("day").toDate());

const ISO = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/;
const revive = (v) => (typeof v === "string" && ISO.test(v) ? moment(v).toDate() : Array.isArray(v) ? v.map(revive) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)])) : v);

const day = (s) => Date.parse(s);
export const DATA = {
  name: "Ayşe Yılmaz", city: "İstanbul", category: "pets/cat/litter", n: 42, nul: null,
  bought: day("2026-12-15T09:00:00+03:00"), lastWeek: day("2026-12-17T23:30:00+03:00"),
  early: day("2026-12-24T00:30:00+03:00"), lateYesterday: day("2026-12-23T23:59:00+03:00"),
  stamp: day("2026-12-24T10:30:00+03:00"), iso: "2026-12-24T07:30:00.000Z", date: "2026-12-24",
};

const CASES = [
  "# react-querybuilder: begins with / ends with (a string subject, the needle as String(b))",
  { startsWith: [{ var: "category" }, "pets/"] }, { startsWith: [{ var: "category" }, "cat"] },
  { startsWith: [{ var: "category" }, ""] }, { startsWith: [{ var: "n" }, "4"] }, { startsWith: [{ var: "nul" }, ""] },
  { startsWith: [{ var: "missing" }, "x"] }, { startsWith: ["42", { var: "n" }] }, { endsWith: [{ var: "category" }, "/litter"] },
  { endsWith: [{ var: "category" }, "cat"] }, { endsWith: [{ var: "name" }, "ılmaz"] }, { "!": { endsWith: [{ var: "category" }, "food"] } },
  "# react-awesome-query-builder: Lowercase / Uppercase (Unicode, as JS)",
  { "==": [{ toLowerCase: [{ var: "name" }] }, "ayşe yılmaz"] }, { "==": [{ toUpperCase: [{ var: "name" }] }, "AYŞE YILMAZ"] },
  { "==": [{ toLowerCase: [{ var: "city" }] }, "i̇stanbul"] }, { in: ["cat", { toLowerCase: ["PETS/CAT"] }] },
  { startsWith: [{ toUpperCase: [{ var: "category" }] }, "PETS"] },
  "# date== / date!=: the same day in the store's zone; null is never the same day",
  { "date==": [{ var: "stamp" }, "2026-12-24"] }, { "date==": [{ var: "early" }, { var: "stamp" }] },
  { "date==": [{ var: "lateYesterday" }, { var: "stamp" }] }, { "date==": [{ var: "iso" }, { var: "date" }] },
  { "date==": [{ var: "nul" }, "2026-12-24"] }, { "date==": [{ var: "missing" }, { var: "nul" }] },
  { "date!=": [{ var: "lateYesterday" }, "2026-12-24"] }, { "date!=": [{ var: "early" }, "2026-12-24"] }, { "date!=": [{ var: "nul" }, "2026-12-24"] },
  { "date==": [{ now: [] }, { var: "early" }] }, { "date==": [{ today: [] }, "2026-12-24"] },
  "# datetime== / datetime!=: the same instant",
  { "datetime==": [{ var: "stamp" }, { var: "iso" }] }, { "datetime==": [{ var: "stamp" }, "2026-12-24T10:30"] },
  { "datetime==": [{ var: "stamp" }, "2026-12-24T10:31"] }, { "datetime!=": [{ var: "stamp" }, "2026-12-24T10:31"] },
  { "datetime==": [{ now: [] }, { var: "stamp" }] }, { "datetime!=": [{ var: "nul" }, { var: "stamp" }] },
  "# now, today, start_of_today: the engine's clock in the store's zone",
  { "<": [{ var: "bought" }, { now: [] }] }, { ">=": [{ var: "early" }, { today: [] }] }, { ">=": [{ var: "lateYesterday" }, { today: [] }] },
  { ">=": [{ var: "early" }, { start_of_today: [] }] }, { "<": [{ today: [] }, { now: [] }] },
  "# date_add / datetime_add (RELATIVE): moment's units and rounding, months clamped",
  { ">=": [{ var: "bought" }, { date_add: [{ today: [] }, -14, "day"] }] }, { ">=": [{ var: "bought" }, { date_add: [{ today: [] }, -7, "day"] }] },
  { ">=": [{ var: "lastWeek" }, { date_add: [{ today: [] }, -7, "day"] }] }, { "<=": [{ var: "lastWeek" }, { date_add: [{ now: [] }, -1, "week"] }] },
  { "datetime==": [{ date_add: ["2026-01-31", 1, "month"] }, "2026-02-28"] }, { "datetime==": [{ date_add: ["2024-02-29", 1, "year"] }, "2025-02-28"] },
  { "datetime==": [{ datetime_add: [{ var: "stamp" }, 90, "minute"] }, "2026-12-24T12:00"] }, { "datetime==": [{ datetime_add: [{ var: "stamp" }, -2, "hour"] }, "2026-12-24T08:30"] },
  { "datetime==": [{ date_add: [{ var: "date" }, 1.5, "day"] }, "2026-12-26"] }, { "datetime==": [{ date_add: [{ var: "date" }, -1, "quarter"] }, "2026-09-24"] },
  { "date==": [{ date_add: [{ now: [] }, 1, "day"] }, "2026-12-25"] },
  "# datetime_truncate (TRUNCATE): the start of the unit in the store's zone, weeks from Sunday",
  { "datetime==": [{ datetime_truncate: [{ var: "stamp" }, "day"] }, "2026-12-24"] }, { "datetime==": [{ datetime_truncate: [{ var: "stamp" }, "week"] }, "2026-12-20"] },
  { "datetime==": [{ datetime_truncate: [{ var: "stamp" }, "month"] }, "2026-12-01"] }, { "datetime==": [{ datetime_truncate: [{ var: "stamp" }, "year"] }, "2026-01-01"] },
  { "datetime==": [{ datetime_truncate: [{ var: "stamp" }, "hour"] }, "2026-12-24T10:00"] }, { "datetime==": [{ datetime_truncate: [{ var: "early" }, "day"] }, { today: [] }] },
  { ">=": [{ var: "lastWeek" }, { datetime_truncate: [{ now: [] }, "month"] }] },
];

// JSON.stringify turns a Date into its ISO string, as the saved rule does.
const record = (rule) => JSON.parse(JSON.stringify(jsonLogic.apply(revive(rule), revive(DATA)) ?? null));
const out = CASES.map((c) => (typeof c === "string" ? c : [c, record(c)]));
if (process.argv[1] === new URL(import.meta.url).pathname) {
  writeFileSync(new URL("./editors.json", import.meta.url), JSON.stringify({ now: NOW, utcOffsetMinutes: UTC_OFFSET_MINUTES, data: DATA, cases: out }, null, 1) + "\n");
  console.log(`${out.filter((c) => typeof c !== "string").length} cases recorded`);
}
