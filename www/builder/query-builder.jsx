// The visual condition builder's editor: react-querybuilder 8 with vitrin's field
// configuration (vitrin/editor), bundled with React by `cargo xtask demo` / `cargo xtask test`
// (esbuild) into www/generated/query-builder.js, which www/condition-builder.js loads.

import { createElement, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { QueryBuilder, formatQuery } from "react-querybuilder";
import { parseJsonLogic } from "react-querybuilder/parseJsonLogic";
import "react-querybuilder/dist/query-builder.css";
import { reactQueryBuilderFields, reactQueryBuilderFormat, reactQueryBuilderTexts } from "../../pkg/editor.js";

const EMPTY = { combinator: "and", rules: [] };

/** The editor's JsonLogic for a query; null when it has no rule. */
export function toJsonLogic(query, fields) {
  const out = formatQuery(query, { ...reactQueryBuilderFormat, fields });
  return out && typeof out === "object" ? out : null;
}

/** A query from JsonLogic, by the editor's own importer. */
export function fromJsonLogic(json, fields) {
  return json ? parseJsonLogic(json, { fields, listsAsArrays: true }) : EMPTY;
}

/**
 * Mounts the builder in `element`, speaking `lang` ("tr" or "en"); `onQuery(query)` on every
 * edit. Answers `{ setQuery(query), fields }` for changes made elsewhere (the JSON view).
 */
export function mountQueryBuilder(element, { catalog, segments, lang, onQuery }) {
  const fields = reactQueryBuilderFields({ catalog, segments, lang });
  const texts = reactQueryBuilderTexts(lang);
  let push = () => {};
  function Builder() {
    const [query, setQuery] = useState(EMPTY);
    useEffect(() => {
      push = setQuery;
    }, []);
    return createElement(QueryBuilder, {
      fields,
      ...texts,
      query,
      onQueryChange: (q) => {
        setQuery(q);
        onQuery(q);
      },
      controlClassnames: { queryBuilder: "queryBuilder-branches" },
    });
  }
  createRoot(element).render(createElement(Builder));
  return { fields, setQuery: (q) => push(q) };
}
