//! A valid rules document checked against the store it runs in: the catalog (category
//! paths, product ids), the store's page routes (where a call to action may lead) and the
//! languages the rules themselves write in. What would leave a campaign silently inert or
//! send a visitor to a missing page is an error; what is merely doubtful (a missing
//! translation) is a warning. Every finding carries its JSON Pointer. Unknown context
//! variables are refused earlier, by the format's own check (`vocabulary`).

use super::Findings;
use crate::catalog::Catalog;
use crate::error::{did_you_mean, join, PathError};
use crate::prelude::*;
use crate::value::Value;

struct Checker<'a> {
    catalog: &'a Catalog,
    routes: &'a [String],
    out: Findings,
}

/// Checks `doc` (already valid by `rules::problems`) against `catalog`. `routes` are the
/// store's pages as patterns (`/#/c/{category}`, `/#/p/{product}`, `/#/cart`, …; `*` ends a
/// pattern that takes anything after it); with no routes, links are not checked.
pub fn check(doc: &Value, catalog: &Catalog, routes: &[String]) -> Findings {
    let mut c = Checker {
        catalog,
        routes,
        out: Findings::default(),
    };
    let mut languages: Vec<String> = Vec::new();
    collect_languages(doc, &mut languages);
    if let Some(slots) = doc.get("slots").and_then(Value::as_object) {
        for (name, s) in slots {
            c.slot(s, &join("/slots", name));
        }
    }
    for (i, camp) in doc
        .get("campaigns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = join("/campaigns", i);
        if let Some(when) = camp.get("when") {
            c.logic(when, &crate::cat!(path, "/when"));
        }
        if let Some(cat) = camp.pointer("/trigger/category").and_then(Value::as_str) {
            c.category(cat, &crate::cat!(path, "/trigger/category"));
        }
        c.prompt_and_slots(camp, &path, &languages);
        for (k, v) in camp
            .get("variants")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            c.prompt_and_slots(v, &crate::cat!(path, "/variants/", k), &languages);
        }
    }
    c.out
}

/// Every language key of every `{ "tr": …, "en": … }` text in the document.
fn collect_languages(doc: &Value, into: &mut Vec<String>) {
    let texts = |p: &Value| {
        [p.get("text"), p.pointer("/cta/label")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|m| m.keys().cloned())
            .collect::<Vec<_>>()
    };
    for camp in doc
        .get("campaigns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let prompts = camp.get("prompt").into_iter().chain(
            camp.get("variants")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.get("prompt")),
        );
        for lang in prompts.flat_map(texts) {
            if !into.contains(&lang) {
                into.push(lang);
            }
        }
    }
}

impl Checker<'_> {
    fn error(&mut self, path: String, message: String) {
        self.out.errors.push(PathError { path, message });
    }

    fn warn(&mut self, path: String, message: String) {
        self.out.warnings.push(PathError { path, message });
    }

    fn prompt_and_slots(&mut self, holder: &Value, path: &str, languages: &[String]) {
        if let Some(p) = holder.get("prompt") {
            for key in ["text", "cta/label"] {
                let Some(texts) = p.pointer(&crate::cat!("/", key)).and_then(Value::as_object)
                else {
                    continue;
                };
                for lang in languages.iter().filter(|l| !texts.contains_key(*l)) {
                    let fallback = if texts.contains_key("en") {
                        "English"
                    } else {
                        "another language"
                    };
                    self.warn(
                        crate::cat!(path, "/prompt/", key),
                        crate::cat!(
                            "no \"",
                            lang,
                            "\" text although the rules write in \"",
                            lang,
                            "\" elsewhere; those visitors get ",
                            fallback
                        ),
                    );
                }
            }
            if let Some(url) = p.pointer("/cta/url").and_then(Value::as_str) {
                self.link(url, &crate::cat!(path, "/prompt/cta/url"));
            }
        }
        if let Some(slots) = holder.get("slots").and_then(Value::as_object) {
            for (name, s) in slots {
                self.slot(s, &join(&crate::cat!(path, "/slots"), name));
            }
        }
    }

    fn slot(&mut self, s: &Value, path: &str) {
        for (i, f) in s
            .get("filters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.logic(f, &join(&crate::cat!(path, "/filters"), i));
        }
        for (i, b) in s
            .get("boosts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(when) = b.get("when") {
                self.logic(
                    when,
                    &crate::cat!(join(&crate::cat!(path, "/boosts"), i), "/when"),
                );
            }
        }
        for key in ["pin", "exclude"] {
            for (i, id) in s
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(id) = id.as_str() {
                    self.product(id, &join(&crate::cat!(path, "/", key), i));
                }
            }
        }
    }

    fn category(&mut self, path_text: &str, at: &str) {
        if self.catalog.category_paths.iter().any(|p| p == path_text) {
            return;
        }
        let hint = did_you_mean(
            path_text,
            self.catalog.category_paths.iter().map(String::as_str),
        );
        self.error(
            at.to_string(),
            crate::cat!("no category \"", path_text, "\" in the catalog", hint),
        );
    }

    fn product(&mut self, id: &str, at: &str) {
        if self.catalog.index(id).is_none() {
            self.error(
                at.to_string(),
                crate::cat!("no product \"", id, "\" in the catalog"),
            );
        }
    }

    /// A call to action's target against the store's routes.
    fn link(&mut self, url: &str, at: &str) {
        if self.routes.is_empty()
            || url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with("mailto:")
            || url.starts_with("tel:")
        {
            return;
        }
        let mut why = None;
        for route in self.routes {
            match self.route_matches(route, url) {
                Ok(()) => return,
                Err(Some(reason)) => why = Some(reason),
                Err(None) => {}
            }
        }
        let reason = why.unwrap_or_else(|| {
            crate::cat!(
                "it matches none of the store's pages (",
                self.routes.join(", "),
                ")"
            )
        });
        self.error(
            at.to_string(),
            crate::cat!(
                "the button leads to \"",
                url,
                "\", which is not a page of the store: ",
                reason
            ),
        );
    }

    /// Ok when `url` is a page of `route`; Err(Some(why)) when its shape matches but a
    /// category or product does not exist.
    fn route_matches(&self, route: &str, url: &str) -> Result<(), Option<String>> {
        let (prefix, tail) = match crate::jsontext::find_any(route, b"{") {
            Some(k) => (&route[..k], Some(&route[k..])),
            None => match route.strip_suffix('*') {
                Some(p) => {
                    return if url.starts_with(p) {
                        Ok(())
                    } else {
                        Err(None)
                    }
                }
                None => return if url == route { Ok(()) } else { Err(None) },
            },
        };
        let Some(rest) = url.strip_prefix(prefix) else {
            return Err(None);
        };
        let end = crate::jsontext::find_any(rest, b"?#").unwrap_or(rest.len());
        let rest = crate::jsontext::cut(rest, 0, end);
        let decoded: String = percent_decode(rest);
        match tail {
            Some("{category}") if self.catalog.category_paths.contains(&decoded) => Ok(()),
            Some("{category}") => {
                let hint = did_you_mean(
                    &decoded,
                    self.catalog.category_paths.iter().map(String::as_str),
                );
                Err(Some(crate::cat!(
                    "no category \"",
                    decoded,
                    "\" in the catalog",
                    hint
                )))
            }
            Some("{product}") if self.catalog.index(&decoded).is_some() => Ok(()),
            Some("{product}") => Err(Some(crate::cat!(
                "no product \"",
                decoded,
                "\" in the catalog"
            ))),
            _ if !decoded.is_empty() => Ok(()),
            _ => Err(None),
        }
    }

    /// Every literal category path a JsonLogic condition compares with a category variable.
    fn logic(&mut self, rule: &Value, at: &str) {
        match rule {
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.logic(x, &join(at, i));
                }
            }
            Value::Object(map) if map.len() == 1 => {
                let (op, args) = map.iter().next().expect("one key");
                let here = join(at, op);
                if op == "var" {
                    return;
                }
                if matches!(op.as_str(), "in" | "==" | "===" | "!=" | "!==") {
                    self.literal_categories(args, &here);
                }
                self.logic(args, &here);
            }
            _ => {}
        }
    }

    /// `{"in": ["pets/cat", {"var": "purchases.categories"}]}` and the like: a category
    /// path compared with a variable that holds categories must exist.
    fn literal_categories(&mut self, args: &Value, at: &str) {
        let Some(items) = args.as_array() else { return };
        let reads_categories = items.iter().any(|x| {
            x.get("var")
                .and_then(|v| v.as_str().or_else(|| v.get(0).and_then(Value::as_str)))
                .is_some_and(|name| {
                    name.ends_with("categories")
                        || name.ends_with("category")
                        || name.ends_with("byCategory")
                        || name.ends_with("categoryAffinity")
                })
        });
        if !reads_categories {
            return;
        }
        for (i, x) in items.iter().enumerate() {
            if let Some(s) = x.as_str() {
                self.category(s, &join(at, i));
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
