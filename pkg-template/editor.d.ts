/** One variable of the context vocabulary (RULES.md "Conditions"). */
export interface Variable {
  /** The JsonLogic `var` path, e.g. `cart.value`, `visitor.profile.segments`, `cart.categories.pets/cat`. */
  name: string;
  type: "number" | "text" | "datetime" | "boolean" | "select" | "list";
  label: string;
  /** Allowed values, from a fixed list or the store's data (categories, brands, tags, products, segments). */
  values?: { value: string | number; label: string }[];
}

/** The store's data the allowed values come from. */
export interface VocabularyOptions {
  catalog?: { products: { id: string; title?: string; category?: string; brand?: string; tags?: string[] }[] };
  /** The profile segments a marketer may target. */
  segments?: string[];
  /** "campaign" (the visitor context; default) or "slot" (`product.*` and `visitor.*`). */
  scope?: "campaign" | "slot";
  /** The labels' language: "en" (default) or "tr"; any other reads English. */
  lang?: string;
}

/** The vocabulary as written, before the store's values are filled in. */
/** Every `explain` code's text in English and Turkish, `{limit}`, `{minutes}`, `{views}` standing for its params. */
export const EXPLAIN_TEXTS: Readonly<Record<import("./index.js").ExplainCode, { en: string; tr: string }>>;

/**
 * One block of `engine.explain(id).because` in `lang` ("tr" or "en"; others read English).
 * @example explainText({ code: "quiet_after_prompt", params: { minutes: 12 }, path: "/caps/minGapMinutes", reason: "…" }, "tr") // "Başka bir mesajdan sonraki sessiz süre (12 dk kaldı)"
 */
export function explainText(block: import("./index.js").ExplainBlock, lang?: string): string;

export const VOCABULARY: readonly {
  /** `label` is the English one of `labels`. */
  name: string; label: string; labels: { en: string; tr: string }; doc: string; scope: "visitor" | "product";
  type: Variable["type"] | "per category" | "per brand";
  /** A fixed list, or the store data the values come from ("categories", "brands", "tags", "products", "segments"). */
  values?: string[] | string;
  /** Labels of a fixed list's values, e.g. `page`'s `cart`: `{ en: "Cart", tr: "Sepet" }`. */
  valueLabels?: Record<string, { en: string; tr: string }>;
}[];

/**
 * The variables one kind of condition reads, values resolved, per-category maps expanded.
 * @example variables({ catalog, segments: ["vip"] }).map((v) => v.name) // ["now", "year", …]
 */
export function variables(options?: VocabularyOptions): Variable[];

/**
 * Fields for react-querybuilder 8 (`<QueryBuilder fields>`, `formatQuery`, `parseJsonLogic`).
 * @example formatQuery(query, { ...reactQueryBuilderFormat, fields: reactQueryBuilderFields({ catalog }) })
 */
export function reactQueryBuilderFields(options?: VocabularyOptions): {
  name: string; label: string; operators: { name: string; value: string; label: string }[];
  inputType?: string; valueEditorType?: string; values?: { name: string; value: string; label: string }[]; defaultValue?: unknown;
}[];

/**
 * react-querybuilder 8's own words (buttons, tooltips, AND/OR) in `lang` ("en" or "tr"), as
 * `<QueryBuilder>` props beside `fields` built with the same `lang`.
 * @example createElement(QueryBuilder, { fields: reactQueryBuilderFields({ catalog, lang: "tr" }), ...reactQueryBuilderTexts("tr") })
 */
export function reactQueryBuilderTexts(lang?: string): {
  combinators: { name: "and" | "or"; value: "and" | "or"; label: string }[];
  translations: Record<string, { label?: string; title: string }>;
};

/** `formatQuery` options: JsonLogic with numbers as numbers for number fields. */
export const reactQueryBuilderFormat: Readonly<{ format: "jsonlogic"; parseNumbers: "strict-limited" }>;

/**
 * A @react-awesome-query-builder 6 configuration from its base config and functions.
 * @example const config = awesomeQueryBuilderConfig(CoreConfig, BasicFuncs, { catalog, segments });
 */
export function awesomeQueryBuilderConfig<C extends { operators: Record<string, object>; widgets: Record<string, object>; settings: object }>(
  base: C, funcs: Record<string, object> | undefined, options?: VocabularyOptions): C & { fields: Record<string, object>; funcs: Record<string, object> };
