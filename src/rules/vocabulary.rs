//! The context vocabulary: every variable a condition can read, with its type and where its
//! allowed values come from. The one list: the rules reference's context table, the query
//! builders' field configuration (`vitrin/editor`, through the generated
//! `pkg-template/vocabulary.js`) and the checks on conditions derive from it. Checking walks
//! a condition's JSON: unknown variables are errors; numeric strings in an `in` list over a
//! number variable are warnings (and compile as numbers); date strings compared with a date
//! variable are read as dates. Knows nothing of campaigns beyond where conditions sit.

use crate::error::PathError;
use crate::json;
use crate::prelude::*;
use crate::rules::spec::Host;
use crate::value::{Map, Value};

/// What a variable holds, as the editors type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Number,
    Text,
    /// ms since the epoch.
    Date,
    Bool,
    /// One of `values`.
    Select,
    /// A list of `values`.
    List,
    /// An object with one number per category path (with ancestors) or brand.
    PerCategory,
    PerBrand,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Text => "text",
            Kind::Date => "datetime",
            Kind::Bool => "boolean",
            Kind::Select => "select",
            Kind::List => "list",
            Kind::PerCategory => "per category",
            Kind::PerBrand => "per brand",
        }
    }
}

/// Where the allowed values come from: a fixed list, or the store's data.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    Any,
    Fixed(&'static [&'static str]),
    /// `categories`, `brands`, `tags`, `products` (from the catalog) or `segments` (profiles).
    Store(&'static str),
}

pub struct Var {
    pub name: &'static str,
    pub kind: Kind,
    /// Read by the editors' configuration only (`json`).
    pub values: Host<Values>,
}

const fn var(name: &'static str, kind: Kind, values: Values) -> Var {
    Var {
        name,
        kind,
        values: Host::new(values),
    }
}

use Kind::*;
use Values::{Any, Fixed, Store};

/// The visitor context campaign conditions read (and slot conditions as `visitor.*`).
pub const VISITOR: [Var; 28] = [
    var("now", Date, Any),
    var("year", Number, Any),
    var("month", Number, Any),
    var("day", Number, Any),
    var("hour", Number, Any),
    var(
        "weekday",
        Number,
        Fixed(&["0", "1", "2", "3", "4", "5", "6"]),
    ),
    var("locale", Select, Fixed(&["en", "tr"])),
    var(
        "page",
        Select,
        Fixed(&["home", "category", "product", "cart", "checkout", "search"]),
    ),
    var("cart.count", Number, Any),
    var("cart.lines", Number, Any),
    var("cart.value", Number, Any),
    var("cart.productIds", List, Store("products")),
    var("cart.categories", PerCategory, Store("categories")),
    var("cart.minutesSinceChange", Number, Any),
    var("views.session", Number, Any),
    var("views.byCategory", PerCategory, Store("categories")),
    var("views.recent", List, Store("products")),
    var("session.count", Number, Any),
    var("session.minutes", Number, Any),
    var("purchases.count", Number, Any),
    var("purchases.daysSinceLast", Number, Any),
    var("purchases.categories", PerCategory, Store("categories")),
    var("daysSinceFirstVisit", Number, Any),
    var("searches", List, Any),
    var("profile.name", Text, Any),
    var("profile.segments", List, Store("segments")),
    var("profile.categoryAffinity", PerCategory, Store("categories")),
    var("profile.brandAffinity", PerBrand, Store("brands")),
];

/// The visitor context's names, as conditions read them: the vocabulary's variables, then
/// `variant` (always null; kept for conditions written before variants had their own arms).
pub static CONTEXT: [&str; VISITOR.len() + 1] = {
    let mut names = [""; VISITOR.len() + 1];
    let mut i = 0;
    while i < VISITOR.len() {
        names[i] = VISITOR[i].name;
        i += 1;
    }
    names[i] = "variant";
    names
};

/// A variable's words for people: its label in English and Turkish (the editors'), its
/// meaning (the reference's), and the labels of its fixed values, value for value.
struct Words {
    en: &'static str,
    tr: &'static str,
    doc: &'static str,
    values: &'static [(&'static str, &'static str)],
}

const fn words(en: &'static str, tr: &'static str, doc: &'static str) -> Words {
    Words {
        en,
        tr,
        doc,
        values: &[],
    }
}

const fn words_values(
    en: &'static str,
    tr: &'static str,
    doc: &'static str,
    values: &'static [(&'static str, &'static str)],
) -> Words {
    Words {
        en,
        tr,
        doc,
        values,
    }
}

/// The words of `VISITOR`, row for row: apart, so the wasm build (which checks names only)
/// does not carry them. A per-category (or brand) label is followed by the key.
const VISITOR_TEXT: [Words; 28] = [
    words("Now", "Şu an", "ms since the epoch (the engine's clock)"),
    words("Year", "Yıl", "the year in the store's time zone"),
    words("Month (1–12)", "Ay (1–12)", "the month, 1–12"),
    words("Day of month", "Ayın günü", "the day of the month"),
    words("Hour (0–23)", "Saat (0–23)", "the hour, 0–23"),
    words_values(
        "Weekday",
        "Haftanın günü",
        "the day of the week, 0 = Sunday",
        &[
            ("Sunday", "Pazar"),
            ("Monday", "Pazartesi"),
            ("Tuesday", "Salı"),
            ("Wednesday", "Çarşamba"),
            ("Thursday", "Perşembe"),
            ("Friday", "Cuma"),
            ("Saturday", "Cumartesi"),
        ],
    ),
    words_values(
        "Language",
        "Dil",
        "`en` or `tr`",
        &[("English", "İngilizce"), ("Turkish", "Türkçe")],
    ),
    words_values(
        "Page type",
        "Sayfa türü",
        "the last page type tracked",
        &[
            ("Home", "Ana sayfa"),
            ("Category", "Kategori"),
            ("Product", "Ürün"),
            ("Cart", "Sepet"),
            ("Checkout", "Ödeme"),
            ("Search", "Arama"),
        ],
    ),
    words("Cart units", "Sepetteki adet", "units in the cart"),
    words("Cart lines", "Sepetteki satır", "lines in the cart"),
    words("Cart value", "Sepet tutarı", "catalog prices × quantity"),
    words("Cart products", "Sepetteki ürünler", "the ids in the cart"),
    words(
        "Cart units in",
        "Sepetteki adet:",
        "units per category path and every ancestor (`{\"pets\": 2, \"pets/cat\": 2}`)",
    ),
    words(
        "Minutes since the cart changed",
        "Sepet değişeli geçen dakika",
        "whole minutes since the cart last changed, `null` when empty",
    ),
    words(
        "Views this session",
        "Bu oturumdaki görüntüleme",
        "product views this session",
    ),
    words(
        "Views this session in",
        "Bu oturumdaki görüntüleme:",
        "views this session per category path (with ancestors)",
    ),
    words(
        "Recently viewed",
        "Son bakılanlar",
        "the last 10 product ids viewed",
    ),
    words(
        "Sessions",
        "Oturum sayısı",
        "sessions so far (a 30-minute gap starts one)",
    ),
    words(
        "Minutes into this session",
        "Bu oturumdaki dakika",
        "minutes into this session",
    ),
    words(
        "Purchases",
        "Satın alma sayısı",
        "purchases here and in the profile",
    ),
    words(
        "Days since the last purchase",
        "Son satın almadan beri gün",
        "days since the last purchase (`null` if none)",
    ),
    words(
        "Purchases in",
        "Satın alma:",
        "purchases per category path (with ancestors)",
    ),
    words(
        "Days since the first visit",
        "İlk ziyaretten beri gün",
        "days since the first tracked event",
    ),
    words(
        "Recent searches",
        "Son aramalar",
        "the last search queries, newest first",
    ),
    words("Name", "Ad", "the name in the synced profile"),
    words("Segments", "Segmentler", "the profile's segments"),
    words(
        "Affinity to",
        "Kategori ilgisi:",
        "the profile's affinity per category path",
    ),
    words(
        "Affinity to brand",
        "Marka ilgisi:",
        "the profile's affinity per brand",
    ),
];

/// The candidate product slot filters and boosts read as `product.*`.
pub const PRODUCT: [Var; 9] = [
    var("id", Select, Store("products")),
    var("title", Text, Any),
    var("category", Select, Store("categories")),
    var("categories", List, Store("categories")),
    var("brand", Select, Store("brands")),
    var("price", Number, Any),
    var("inStock", Bool, Any),
    var("tags", List, Store("tags")),
    var("popularity", Number, Any),
];

/// The words of `PRODUCT`, row for row (see `VISITOR_TEXT`).
const PRODUCT_TEXT: [Words; 9] = [
    words("Product", "Ürün", "the product id"),
    words("Product title", "Ürün adı", "the title"),
    words("Product category", "Ürün kategorisi", "the category path"),
    words(
        "Product category or parent",
        "Ürün kategorisi ya da üstü",
        "its category path and every ancestor",
    ),
    words("Product brand", "Ürün markası", "the brand"),
    words("Product price", "Ürün fiyatı", "the price"),
    words(
        "Product in stock",
        "Ürün stokta",
        "false when the catalog says so",
    ),
    words("Product tags", "Ürün etiketleri", "the catalog's tags"),
    words(
        "Product popularity",
        "Ürün popülerliği",
        "the catalog's popularity",
    ),
];

/// What a condition reads: the visitor context (campaign `when`) or `{product, visitor}`
/// (slot filters and boosts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Campaign,
    Slot,
}

impl Scope {
    /// `"campaign"` or `"slot"`; `None` for anything else.
    pub fn named(name: &str) -> Option<Scope> {
        match name {
            "campaign" => Some(Scope::Campaign),
            "slot" => Some(Scope::Slot),
            _ => None,
        }
    }
}

/// The variable a `var` path reads, if the vocabulary has one; `Err` with a suggestion when
/// it names none. Paths may stop at an object (`cart`) or go one step into a list
/// (`length`, an index) or a per-category map (its key).
fn resolve(path: &str, scope: Scope) -> Result<Option<&'static Var>, Option<String>> {
    let (list, rest, prefix): (&[Var], &str, &str) = match scope {
        Scope::Campaign => (&VISITOR, path, ""),
        Scope::Slot => {
            match crate::jsontext::split_once(path, b'.').map_or((path, ""), |(a, b)| (a, b)) {
                ("product", rest) => (&PRODUCT, rest, "product."),
                ("visitor", rest) => (&VISITOR, rest, "visitor."),
                _ if path == "product" || path == "visitor" => return Ok(None),
                _ => {
                    return Err(Some(
                        "slot conditions read `product.*` and `visitor.*`".into(),
                    ))
                }
            }
        }
    };
    if rest.is_empty() {
        return Ok(None);
    }
    for v in list {
        if rest == v.name {
            return Ok(Some(v));
        }
        if let Some(tail) = rest.strip_prefix(v.name).and_then(|t| t.strip_prefix('.')) {
            let deeper = match v.kind {
                PerCategory | PerBrand => !tail.is_empty(),
                List => tail == "length" || tail.bytes().all(|b| b.is_ascii_digit()),
                Text => tail == "length",
                _ => false,
            };
            if deeper {
                return Ok(Some(v));
            }
        }
        // A path that stops at an object the variable sits in (`cart`).
        if v.name
            .strip_prefix(rest)
            .is_some_and(|t| t.starts_with('.'))
        {
            return Ok(None);
        }
    }
    let mut names = Vec::new();
    for v in list {
        names.push(crate::cat!(prefix, v.name));
    }
    Err(Some(crate::rules::spec::did_you_mean(
        path,
        names.iter().map(String::as_str),
    )))
}

/// Findings on one condition, and the condition as it compiles.
pub struct Checked {
    pub errors: Vec<PathError>,
    pub warnings: Vec<PathError>,
    pub condition: Value,
}

const COMPARISONS: [&str; 8] = ["==", "!=", "===", "!==", "<", "<=", ">", ">="];
const SCOPED: [&str; 6] = ["map", "filter", "reduce", "all", "none", "some"];

/// Checks the variables a condition reads against the vocabulary and returns it as it
/// compiles (see the module comment). `path` is the condition's JSON Pointer.
pub fn check(condition: &Value, scope: Scope, path: &str) -> Checked {
    let mut c = Checked {
        errors: Vec::new(),
        warnings: Vec::new(),
        condition: Value::Null,
    };
    let mut condition = condition.clone();
    walk(&mut condition, scope, path, &mut c);
    c.condition = condition;
    c
}

fn var_path(v: &Value) -> Option<&str> {
    let arg = v.as_object().filter(|o| o.len() == 1)?.get("var")?;
    match arg {
        Value::String(s) => Some(s),
        Value::Array(a) => a.first()?.as_str(),
        _ => None,
    }
}

/// Checks `v` and rewrites it in place into the condition as it compiles.
fn walk(v: &mut Value, scope: Scope, path: &str, c: &mut Checked) {
    if let Some(name) = var_path(v) {
        if let Err(hint) = resolve(name, scope) {
            let reads = if scope == Scope::Campaign {
                "campaign conditions read the visitor context"
            } else {
                "slot conditions read `product.*` and `visitor.*`"
            };
            let hint = hint
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| crate::cat!("; ", reads, " (RULES.md \"Conditions\")"));
            c.errors.push(PathError {
                path: crate::error::join(path, "var"),
                message: crate::cat!("unknown variable \"", name, "\"", hint),
            });
        }
    }
    let Some((op, args)) = v
        .as_object_mut()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter_mut().next())
    else {
        if let Value::Array(items) = v {
            for (i, x) in items.iter_mut().enumerate() {
                walk(x, scope, &crate::error::join(path, i), c);
            }
        }
        return;
    };
    if op == "var" {
        return;
    }
    let at = crate::error::join(path, op);
    let list = match args {
        Value::Array(a) => a.as_mut_slice(),
        other => core::slice::from_mut(other),
    };
    for (i, x) in list.iter_mut().enumerate() {
        // Bodies of map/filter/… read the array's items, not the context.
        if i != 1 || !SCOPED.contains(&op.as_str()) {
            walk(x, scope, &crate::error::join(&at, i), c);
        }
    }
    // Checking leaves `var`s as they are, so their kinds are the ones written.
    let kind_of = |x: &Value| {
        var_path(x)
            .and_then(|p| resolve(p, scope).ok().flatten())
            .map(|v| v.kind)
    };
    if COMPARISONS.contains(&op.as_str()) && list.iter().any(|x| kind_of(x) == Some(Date)) {
        // A date string compared with a date variable is a date (the editors' export of a
        // `Date`), read in the store's zone when the condition runs.
        for x in list.iter_mut() {
            if matches!(x, Value::String(s) if crate::logic::dates::parse_iso(s, 0.0).is_some()) {
                *x = json!({"datetime_add": [x.take(), 0, "ms"]});
            }
        }
    }
    if op == "in" && list.first().and_then(kind_of) == Some(Number) {
        let (first, rest) = list.split_at_mut(1);
        if let Some(Value::Array(items)) = rest.first_mut() {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(n) = item
                    .as_str()
                    .and_then(crate::logic::decimal)
                    .filter(|n| n.is_finite())
                {
                    c.warnings.push(PathError {
                        path: crate::cat!(at, "/1/", i),
                        message: crate::cat!(
                            "\"",
                            item.as_str().unwrap_or_default(),
                            "\" is text where ",
                            var_path(&first[0]).unwrap_or_default(),
                            " is a number; taken as the number ",
                            crate::json::num(n)
                        ),
                    });
                    *item = json!(n);
                }
            }
        }
    }
}

/// The vocabulary as JSON, for the editors' configuration (`vitrin/editor`).
pub fn json() -> Value {
    let list = |vars: &[Var], texts: &[Words], scope: &str| -> Vec<Value> {
        vars.iter()
            .zip(texts)
            .map(|(v, w)| {
                let name = if scope == "product" { crate::cat!("product.", v.name) } else { v.name.to_string() };
                let mut o = json!({"name": name, "type": v.kind.name(), "label": w.en, "labels": {"en": w.en, "tr": w.tr}, "scope": scope, "doc": w.doc});
                match v.values.get().unwrap_or(Values::Any) {
                    Values::Fixed(list) => {
                        o["values"] = json!(list);
                        assert!(w.values.is_empty() || w.values.len() == list.len(), "{name}: a label for each value");
                        if !w.values.is_empty() {
                            o["valueLabels"] = list
                                .iter()
                                .zip(w.values)
                                .map(|(value, (en, tr))| (value.to_string(), json!({"en": en, "tr": tr})))
                                .collect::<Map<String, Value>>()
                                .into();
                        }
                    }
                    Values::Store(source) => o["values"] = json!(source),
                    Values::Any => {}
                }
                o
            })
            .collect()
    };
    Value::Array(
        [
            list(&VISITOR, &VISITOR_TEXT, "visitor"),
            list(&PRODUCT, &PRODUCT_TEXT, "product"),
        ]
        .concat(),
    )
}

/// The context table of the rules reference.
pub fn reference() -> String {
    let mut s = String::from("| context value | type | meaning |\n|---|---|---|\n");
    for (v, w) in VISITOR.iter().zip(VISITOR_TEXT) {
        crate::cat!(
            into(&mut s),
            "| `",
            v.name,
            "` | ",
            v.kind.name(),
            " | ",
            w.doc,
            " |\n"
        );
    }
    for (v, w) in PRODUCT.iter().zip(PRODUCT_TEXT) {
        crate::cat!(
            into(&mut s),
            "| `product.",
            v.name,
            "` | ",
            v.kind.name(),
            " | in slot filters and boosts: the candidate product's ",
            w.doc.trim_start_matches("the "),
            " |\n"
        );
    }
    s
}
