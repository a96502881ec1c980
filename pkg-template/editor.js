// vitrin/editor: the field configuration of the two common JsonLogic query builders
// (react-querybuilder 8, @react-awesome-query-builder 6), generated from the context
// vocabulary, so an editor offers only the variables, operators and values vitrin runs and
// exports conditions with vitrin's meaning. Loaded by marketers' tools, never by a
// storefront: it imports neither the engine nor either editor.

import { VOCABULARY, EXPLAIN_TEXTS } from "./vocabulary.js";

export { VOCABULARY, EXPLAIN_TEXTS };

/**
 * One block of `engine.explain(id).because` in a marketer's language ("tr" or "en"; others
 * read English): its code's text with the parameters written in. The engine's own `reason`
 * stays English; a code this table does not know shows it.
 */
export function explainText(block, lang = "en") {
  const texts = EXPLAIN_TEXTS[block?.code];
  const text = texts?.[String(lang).slice(0, 2).toLowerCase()] ?? texts?.en;
  if (!text) return block?.reason ?? "";
  return text.replace(/\{(\w+)\}/g, (whole, name) => String(block.params?.[name] ?? whole));
}

// Variable types, as the vocabulary names them.
const NUMBER = "number", TEXT = "text", DATE = "datetime", BOOL = "boolean", SELECT = "select", LIST = "list";
const PER = { "per category": "categories", "per brand": "brands" };

/** The values the store's data allows: category paths with every ancestor, brands, tags, products, segments. */
function storeValues({ catalog, segments } = {}) {
  const categories = new Set(), brands = new Set(), tags = new Set();
  const products = [];
  for (const p of catalog?.products ?? []) {
    const parts = String(p.category ?? "").split("/").filter(Boolean);
    parts.forEach((_, i) => categories.add(parts.slice(0, i + 1).join("/")));
    if (p.brand) brands.add(p.brand);
    for (const t of p.tags ?? []) tags.add(t);
    products.push({ value: p.id, label: p.title ?? p.id });
  }
  const list = (set) => [...set].sort().map((v) => ({ value: v, label: v }));
  return { categories: list(categories), brands: list(brands), tags: list(tags), products, segments: list(new Set(segments ?? [])) };
}

/** The editors' languages; any other reads English. */
const language = (lang) => (String(lang ?? "en").slice(0, 2).toLowerCase() === "tr" ? "tr" : "en");

/** Before a visitor variable's label in a slot condition. */
const VISITOR_PREFIX = { en: "Visitor: ", tr: "Ziyaretçi: " };

/**
 * The variables one kind of condition reads, with their allowed values resolved and maps
 * expanded into one number variable per category (or brand).
 * `scope`: "campaign" (the visitor context) or "slot" (`product.*` and `visitor.*`);
 * `lang`: the labels' language, "en" (default) or "tr".
 */
export function variables({ catalog, segments, scope = "campaign", lang } = {}) {
  const store = storeValues({ catalog, segments });
  const ln = language(lang);
  const out = [];
  for (const v of VOCABULARY) {
    if (scope === "campaign" && v.scope !== "visitor") continue;
    const slotVisitor = scope === "slot" && v.scope === "visitor";
    const name = slotVisitor ? `visitor.${v.name}` : v.name;
    const own = v.labels?.[ln] ?? v.label;
    const label = slotVisitor ? `${VISITOR_PREFIX[ln]}${own}` : own;
    if (PER[v.type]) {
      // A map: one number variable per category path (or brand) of the store.
      for (const k of store[PER[v.type]]) out.push({ name: `${name}.${k.value}`, type: NUMBER, label: `${label} ${k.value}` });
      continue;
    }
    const values = typeof v.values === "string" ? store[v.values]
      : v.values?.map((x) => ({ value: v.type === NUMBER ? Number(x) : x, label: v.valueLabels?.[x]?.[ln] ?? String(x) }));
    out.push({ name, type: v.type, label, ...(values ? { values } : {}) });
  }
  return out;
}

// --- react-querybuilder 8 ---------------------------------------------------------------

const RQB_OPERATORS = {
  [NUMBER]: ["=", "!=", "<", "<=", ">", ">=", "between", "notBetween", "in", "notIn", "null", "notNull"],
  [TEXT]: ["=", "!=", "contains", "beginsWith", "endsWith", "doesNotContain", "doesNotBeginWith", "doesNotEndWith", "in", "notIn", "null", "notNull"],
  [SELECT]: ["=", "!=", "in", "notIn", "beginsWith", "doesNotBeginWith", "null", "notNull"],
  [LIST]: ["contains", "doesNotContain", "null", "notNull"],
  [BOOL]: ["="],
  [DATE]: ["<", "<=", ">", ">=", "between", "notBetween"],
};

// Operator labels and the builder's own words (react-querybuilder's `translations` and
// `combinators` props), per language.
const RQB_LABELS = {
  en: { "=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", between: "between", notBetween: "not between", in: "is one of",
    notIn: "is not one of", null: "is empty", notNull: "is set", contains: "contains", doesNotContain: "does not contain", beginsWith: "begins with",
    doesNotBeginWith: "does not begin with", endsWith: "ends with", doesNotEndWith: "does not end with" },
  tr: { "=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", between: "arasında", notBetween: "arasında değil", in: "şunlardan biri",
    notIn: "şunlardan biri değil", null: "boş", notNull: "dolu", contains: "içerir", doesNotContain: "içermez", beginsWith: "ile başlar",
    doesNotBeginWith: "ile başlamaz", endsWith: "ile biter", doesNotEndWith: "ile bitmez" },
};

const RQB_WORDS = {
  en: { and: "AND", or: "OR", field: "Variable", operator: "Operator", value: "Value", values: "Values", combinator: "All or any",
    addRule: ["+ Rule", "Add a rule"], addGroup: ["+ Group", "Add a group"], removeRule: "Remove this rule", removeGroup: "Remove this group" },
  tr: { and: "VE", or: "VEYA", field: "Değişken", operator: "İşlem", value: "Değer", values: "Değerler", combinator: "Tümü ya da biri",
    addRule: ["+ Kural", "Kural ekle"], addGroup: ["+ Grup", "Grup ekle"], removeRule: "Bu kuralı sil", removeGroup: "Bu grubu sil" },
};

/**
 * react-querybuilder 8's own words in `lang` ("en" or "tr"): spread into `<QueryBuilder>`
 * beside `fields` so its buttons, tooltips and AND/OR speak the marketer's language.
 * @example createElement(QueryBuilder, { fields, ...reactQueryBuilderTexts("tr") })
 */
export function reactQueryBuilderTexts(lang) {
  const w = RQB_WORDS[language(lang)];
  const title = (title) => ({ title });
  return {
    combinators: [{ name: "and", value: "and", label: w.and }, { name: "or", value: "or", label: w.or }],
    translations: {
      fields: title(w.field), operators: title(w.operator), value: title(w.value), values: title(w.values), combinators: title(w.combinator),
      addRule: { label: w.addRule[0], title: w.addRule[1] }, addGroup: { label: w.addGroup[0], title: w.addGroup[1] },
      removeRule: { label: "⨯", title: w.removeRule }, removeGroup: { label: "⨯", title: w.removeGroup },
    },
  };
}

/**
 * Fields for react-querybuilder 8's `<QueryBuilder fields={…}>` and `formatQuery`: each with
 * only the operators vitrin runs for its type and, where the store's data has them, its values.
 * Export with `formatQuery(query, { ...reactQueryBuilderFormat, fields })`.
 * @example const fields = reactQueryBuilderFields({ catalog, segments: ["vip"] });
 */
export function reactQueryBuilderFields(options) {
  const labels = RQB_LABELS[language(options?.lang)];
  return variables(options).map((v) => {
    const field = { name: v.name, label: v.label, operators: RQB_OPERATORS[v.type].map((name) => ({ name, value: name, label: labels[name] })) };
    if (v.type === NUMBER) field.inputType = "number";
    if (v.type === DATE) field.inputType = "datetime-local";
    if (v.type === BOOL) Object.assign(field, { valueEditorType: "checkbox", defaultValue: true });
    if (v.values) {
      field.valueEditorType = "select";
      field.values = v.values.map((x) => ({ name: String(x.value), value: String(x.value), label: x.label }));
    }
    return field;
  });
}

/** `formatQuery` options: JsonLogic, with numbers written as numbers for number fields. */
export const reactQueryBuilderFormat = Object.freeze({ format: "jsonlogic", parseNumbers: "strict-limited" });

// --- @react-awesome-query-builder 6 -----------------------------------------------------

const RAQB_TYPES = { [NUMBER]: "number", [TEXT]: "text", [SELECT]: "select", [LIST]: "multiselect", [BOOL]: "boolean", [DATE]: "datetime" };

const RAQB_OPERATORS = {
  [NUMBER]: ["equal", "not_equal", "less", "less_or_equal", "greater", "greater_or_equal", "between", "not_between", "is_null", "is_not_null"],
  [TEXT]: ["equal", "not_equal", "like", "not_like", "starts_with", "ends_with", "is_empty", "is_not_empty", "is_null", "is_not_null"],
  [SELECT]: ["select_equals", "select_not_equals", "select_any_in", "select_not_any_in", "is_null", "is_not_null"],
  [LIST]: ["multiselect_contains", "multiselect_not_contains", "is_null", "is_not_null"],
  [BOOL]: ["equal", "not_equal"],
  [DATE]: ["equal", "not_equal", "less", "less_or_equal", "greater", "greater_or_equal", "between", "not_between"],
};

/** The editor's functions vitrin runs (RULES.md "Operators from the query builders") that
 * fit a vocabulary variable (no variable holds a bare date, so TODAY and RELATIVE_DATE have
 * nothing to compare with; START_OF_TODAY and RELATIVE_DATETIME say the same for `now`). */
const RAQB_FUNCS = ["LOWER", "UPPER", "NOW", "START_OF_TODAY", "RELATIVE_DATETIME", "TRUNCATE_DATETIME"];

function raqbField(v) {
  const field = { label: v.label, type: RAQB_TYPES[v.type], operators: RAQB_OPERATORS[v.type], valueSources: ["value", "func"] };
  if (v.values) field.fieldSettings = { listValues: v.values.map((x) => ({ value: x.value, title: x.label })) };
  if (v.values && v.type === NUMBER) Object.assign(field, { type: "select", operators: RAQB_OPERATORS[SELECT] });
  return field;
}

/**
 * A configuration for @react-awesome-query-builder 6: pass the editor's own base
 * (`CoreConfig` from `@react-awesome-query-builder/core`, or `BasicConfig` from its UI
 * package) and its `BasicFuncs`. Fields nest by dots (`cart.value` is `cart` › `value`), so
 * exports read the same variables; operators and functions are limited to what vitrin runs;
 * `starts with` / `ends with` export as `startsWith` / `endsWith` (the editor would drop
 * them); dates export as `YYYY-MM-DD` and date-times as wall-clock ISO strings, read in the
 * store's zone; date `==` exports as `date==` / `datetime==`.
 * @example const config = awesomeQueryBuilderConfig(CoreConfig, BasicFuncs, { catalog });
 */
export function awesomeQueryBuilderConfig(base, funcs, options) {
  const fields = {};
  for (const v of variables(options)) {
    const parts = v.name.split(".");
    let level = fields;
    parts.slice(0, -1).forEach((part, i) => {
      level[part] ??= { label: parts.slice(0, i + 1).join("."), type: "!struct", subfields: {} };
      level = level[part].subfields;
    });
    level[parts.at(-1)] = raqbField(v);
  }
  const ops = base.operators;
  const operators = { ...ops,
    starts_with: { ...ops.starts_with, jsonLogic: "startsWith" },
    ends_with: { ...ops.ends_with, jsonLogic: "endsWith" } };
  delete operators.proximity;
  // Called with the editor's context as `this` (its moment is `this.utils.moment`).
  const widgets = { ...base.widgets,
    date: { ...base.widgets.date,
      jsonLogic(val, _field, w) { return this.utils.moment(val, w.valueFormat).format("YYYY-MM-DD"); },
      jsonLogicImport(val) { return this.utils.moment(val, "YYYY-MM-DD").format("YYYY-MM-DD"); } },
    datetime: { ...base.widgets.datetime,
      jsonLogic(val, _field, w) { return this.utils.moment(val, w.valueFormat).format("YYYY-MM-DDTHH:mm:ss"); },
      jsonLogicImport(val) { return this.utils.moment(val, "YYYY-MM-DDTHH:mm:ss").format("YYYY-MM-DD HH:mm:ss"); } } };
  return {
    ...base,
    fields,
    operators,
    widgets,
    funcs: Object.fromEntries(RAQB_FUNCS.filter((f) => funcs?.[f]).map((f) => [f, funcs[f]])),
    settings: { ...base.settings, fixJsonLogicDateCompareOp: true, fieldSeparator: "." },
  };
}
