//! Prompt templates: text with `{{ variable | filter: arg, … }}` holes. Parsed and checked
//! when rules are set (an unknown variable or filter is a validation error there, never a
//! broken sentence later); rendered per prompt into parts — literal text and values with
//! the filter to format them — so the page can format money, dates and plurals with the
//! browser's `Intl` and escape every value for HTML. Depends on `error`, `logic` (`index_of`),
//! `value`.

use crate::jsontext::{cut, split_once};
use crate::logic::index_of;
use crate::prelude::*;
use crate::value::Value;

/// The variables a template may use, written once: `parse` accepts these names, the
/// rules reference lists them, and `assistant::build` gives each a value (its match has
/// no fallback, so a variable added here without a value does not compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// The visitor's name; may be absent at run time, so it needs a `default`.
    Name,
    Voucher,
    EndsAt,
    Campaign,
    CartCount,
    CartLines,
    CartValue,
    ProductTitle,
    ProductPrice,
    ProductBrand,
    ProductCategory,
    ProductsCount,
    Days,
}

impl Var {
    pub const ALL: [(&'static str, Var); 13] = [
        ("name", Var::Name),
        ("voucher", Var::Voucher),
        ("endsAt", Var::EndsAt),
        ("campaign", Var::Campaign),
        ("cart.count", Var::CartCount),
        ("cart.lines", Var::CartLines),
        ("cart.value", Var::CartValue),
        ("product.title", Var::ProductTitle),
        ("product.price", Var::ProductPrice),
        ("product.brand", Var::ProductBrand),
        ("product.category", Var::ProductCategory),
        ("products.count", Var::ProductsCount),
        ("days", Var::Days),
    ];

    pub fn from_name(name: &str) -> Option<Var> {
        Var::ALL.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        Var::ALL.iter().map(|(n, _)| *n)
    }
}

pub const FILTERS: &[&str] = &[
    "money", "date", "number", "plural", "default", "upper", "lower",
];

/// The template language's section of the rules reference, from the tables above.
pub fn reference() -> String {
    let names = |it: &mut dyn Iterator<Item = &'static str>| {
        it.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    };
    format!(
        "## Templates\n\nPrompt texts and call-to-action labels are templates: text with `{{{{ variable }}}}` or\n\
         `{{{{ variable | filter: argument, … }}}}` holes; arguments are quoted strings. Unknown\n\
         variables and filters are validation errors with their path; every value is escaped for\n\
         HTML, and the filters format with the browser's `Intl` in the engine's locale and currency.\n\n\
         - Variables: {}. `name` may be unknown: write `{{{{name | default: \"…\"}}}}`; `endsAt` is the\n  \
         offer's end (the campaign's `schedule.to` or its window): `{{{{endsAt}}}}` shows it as a date.\n\
         - Filters: {}. `plural` takes two forms (`plural: \"item\", \"items\"`) and shows the number\n  \
         with the form its plural category takes; `default` takes the text shown when the value is\n  \
         unknown or empty; `money` formats in the store's currency, `date` a long date.\n",
        names(&mut Var::names()),
        names(&mut FILTERS.iter().copied())
    )
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    /// The filter by its name in `FILTERS`, not a copy: rendering then allocates no name.
    Hole {
        var: Var,
        filter: Option<(&'static str, Vec<String>)>,
    },
}

/// A part of a rendered prompt: literal template text, or a value and how to format it.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text {
        text: String,
    },
    Value {
        value: Value,
        format: Option<&'static str>,
        args: Vec<String>,
    },
}

/// Parses a template, naming every problem.
pub fn parse(src: &str) -> Result<Vec<Piece>, Vec<String>> {
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut rest = src;
    while let Some(open) = index_of(rest, "{{") {
        if open > 0 {
            pieces.push(Piece::Text(cut(rest, 0, open).to_string()));
        }
        let Some(close) = index_of(cut(rest, open, rest.len()), "}}") else {
            errors.push("\"{{\" without a closing \"}}\"".to_string());
            return Err(errors);
        };
        let inner = cut(rest, open + 2, open + close).trim();
        let (var, filter) = match split_once(inner, b'|') {
            Some((v, f)) => (v.trim(), Some(f.trim())),
            None => (inner, None),
        };
        let known = Var::from_name(var);
        if known.is_none() {
            errors.push(crate::cat!(
                "unknown variable \"",
                var,
                "\"",
                crate::error::did_you_mean(var, Var::names()),
                "; variables are ",
                crate::error::listed(Var::names())
            ));
        }
        let filter = filter.map(|f| {
            let (name, args) = match split_once(f, b':') {
                Some((n, a)) => (n.trim(), split_args(a)),
                None => (f, Vec::new()),
            };
            let known = crate::names::position(FILTERS, name).map(|i| FILTERS[i]);
            if known.is_none() {
                errors.push(crate::cat!(
                    "unknown filter \"",
                    name,
                    "\"",
                    crate::error::did_you_mean(name, FILTERS.iter().copied()),
                    "; filters are ",
                    crate::error::listed(FILTERS.iter().copied())
                ));
            }
            if name == "plural" && args.len() != 2 {
                errors.push("plural takes two forms: plural: \"item\", \"items\"".to_string());
            }
            // An unknown filter is an error reported above: its piece is never used.
            (known.unwrap_or_default(), args)
        });
        // A time is a number of ms: `render` formats `{{endsAt}}` as a date when no filter
        // says otherwise, so the visitor never reads 1.767.225.600.000.
        if var == "name" && !matches!(&filter, Some((f, _)) if *f == "default") {
            errors.push(
                "the visitor's name may be unknown: write {{name | default: \"…\"}}".to_string(),
            );
        }
        if let Some(var) = known {
            pieces.push(Piece::Hole { var, filter });
        }
        rest = cut(rest, open + close + 2, rest.len());
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    if errors.is_empty() {
        Ok(pieces)
    } else {
        Err(errors)
    }
}

fn split_args(s: &str) -> Vec<String> {
    let mut args = Vec::new();
    for a in crate::jsontext::split(s, b',') {
        args.push(a.trim().trim_matches('"').to_string());
    }
    args
}

/// The variables of a template that a campaign must provide (for `voucher`, `endsAt`).
pub fn uses(pieces: &[Piece], var: Var) -> bool {
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Hole { var: v, .. } if *v == var))
}

/// `{ text }` or `{ args?, format?, value }`, as `core.js` reads them.
impl crate::jsontext::WriteJson for Part {
    fn write_json(&self, out: &mut String) {
        let mut o = crate::jsontext::fields(out);
        match self {
            Part::Text { text } => o.field("text", text),
            // A filter's name and arguments only when there are some (`core.js` reads a
            // missing one as none): most holes have neither, and every byte is parsed again.
            Part::Value {
                value,
                format,
                args,
            } => {
                if !args.is_empty() {
                    o.field("args", args);
                }
                o.opt("format", format).field("value", value)
            }
        }
        .end()
    }
}

/// Fills the holes from `values`.
pub fn render(pieces: &[Piece], values: &dyn Fn(Var) -> Value) -> Vec<Part> {
    // A loop, not `map(..).collect()`: the adapter compiled its own copy.
    let mut parts = Vec::new();
    for p in pieces {
        parts.push(match p {
            Piece::Text(t) => Part::Text { text: t.clone() },
            Piece::Hole { var, filter } => Part::Value {
                value: values(*var),
                // A date needs no filter to read as one.
                format: filter
                    .as_ref()
                    .map(|(f, _)| *f)
                    .or((*var == Var::EndsAt).then_some("date")),
                args: filter.as_ref().map(|(_, a)| a.clone()).unwrap_or_default(),
            },
        });
    }
    parts
}

/// Plain text of the parts without `Intl` (host tests, and the fallback where the page
/// has no `Intl`): numbers as JSON writes them, money with its currency code, a date as
/// "12 December 2026" in the store's zone, case left as written (Unicode case tables
/// would cost more wasm than the rest of this module).
pub fn plain(
    parts: &[Part],
    currency: &str,
    lang: crate::reasons::Lang,
    utc_offset_ms: f64,
) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text { text } => out.push_str(text),
            Part::Value {
                value,
                format,
                args,
            } => {
                let s = match value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    v => crate::jsontext::text(v),
                };
                match (*format, value) {
                    (Some("default"), Value::Null) => {
                        out.push_str(args.first().map_or("", String::as_str))
                    }
                    (Some("money"), _) => crate::cat!(into(&mut out), s, " ", currency),
                    (Some("date"), Value::Number(n)) => {
                        let at = n.as_f64().unwrap_or(0.0);
                        let (year, ..) = crate::logic::dates::calendar(at, utc_offset_ms);
                        out.push_str(&crate::reasons::day_month(at, utc_offset_ms, lang));
                        out.push(' ');
                        crate::cat!(into(&mut out), year);
                    }
                    (Some("plural"), v) => {
                        let one = v.as_f64() == Some(1.0);
                        crate::cat!(
                            into(&mut out),
                            s,
                            " ",
                            args.get(usize::from(!one)).map_or("", String::as_str)
                        );
                    }
                    _ => out.push_str(&s),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn an_end_date_reads_as_a_date_in_the_store_zone_without_intl() {
        let p = parse("{{endsAt}}").unwrap();
        // 2026-12-14T21:00:00Z is 15 December in Istanbul (+03:00).
        let parts = render(&p, &|_| json!(1_797_282_000_000.0));
        let istanbul = 180.0 * 60_000.0;
        assert_eq!(
            plain(&parts, "TRY", crate::reasons::Lang::Tr, istanbul),
            "15 Aralık 2026"
        );
        assert_eq!(
            plain(&parts, "TRY", crate::reasons::Lang::En, 0.0),
            "14 December 2026"
        );
    }

    #[test]
    fn parses_holes_and_filters() {
        let p = parse("Merhaba {{name | default: \"misafir\"}}, {{cart.count | plural: \"ürün\", \"ürün\"}} {{cart.value|money}}").unwrap();
        assert_eq!(p.len(), 6);
        let parts = render(&p, &|v| match v {
            Var::CartCount => json!(2),
            Var::CartValue => json!(99.5),
            _ => Value::Null,
        });
        assert_eq!(
            plain(&parts, "TRY", crate::reasons::Lang::Tr, 0.0),
            "Merhaba misafir, 2 ürün 99.5 TRY"
        );
    }

    #[test]
    fn names_unknown_variables_and_filters() {
        let errs = parse("{{nmae}} {{cart.value | mony}} {{name}} {{x").unwrap_err();
        assert!(errs[0].contains("did you mean \"name\""), "{errs:?}");
        assert!(errs[1].contains("did you mean \"money\""), "{errs:?}");
        assert!(errs[2].contains("default"), "{errs:?}");
        assert!(errs[3].contains("closing"), "{errs:?}");
    }
}
