//! The rules format described once, as data: every object's fields with their types,
//! bounds and docs. `check` validates a document against it (listing every error with
//! its JSON Pointer and a "did you mean"), `schema` turns it into the JSON Schema shipped
//! as `vitrin/rules.schema.json`, and `reference` into the rules reference page.
//! Depends on `error`.

pub use crate::error::did_you_mean;
use crate::error::{join, listed, PathError};
use crate::json;
use crate::json::{num, type_name};
use crate::prelude::*;
use crate::value::{Map, Value};

pub enum Ty {
    Str,
    /// Bounds by reference, here and in `Int`: every `Ty` is then a word or two, and the
    /// format's tables stay small.
    Num(&'static Range),
    Int(&'static Range),
    Bool,
    OneOf(&'static [&'static str]),
    /// A JsonLogic condition: any JSON here, checked when compiled (`compiled::cond`).
    Logic,
    /// An RFC 3339 date-time with an offset, e.g. `2026-01-31T23:59:59+03:00`.
    DateTime,
    List(&'static Ty, usize),
    /// An object whose keys are names chosen by the marketer.
    Map(&'static Ty, usize),
    Obj(&'static Shape),
    /// Objects told apart by their `type` field.
    Tagged(&'static [&'static Shape]),
}

/// A number's bounds, inclusive.
pub struct Range {
    pub min: f64,
    pub max: f64,
}

pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: Doc,
    /// What an optional field is when left out: written here once for the compiler, the
    /// schema and the reference. By reference: few fields have one, and the table stays small.
    pub preset: Option<&'static Preset>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Preset {
    Num(f64),
    Str(&'static str),
}

pub struct Shape {
    pub name: &'static str,
    /// For `Tagged` unions: the value of `type` that selects this shape.
    pub tag: Option<&'static str>,
    pub doc: Doc,
    pub fields: &'static [Field],
}

pub const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        doc: doc_text(doc),
        preset: None,
    }
}

pub const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc: doc_text(doc),
        preset: None,
    }
}

/// An optional field with the value it takes when left out.
pub const fn opt_or(
    name: &'static str,
    ty: Ty,
    preset: &'static Preset,
    doc: &'static str,
) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc: doc_text(doc),
        preset: Some(preset),
    }
}

impl Shape {
    fn preset(&self, name: &str) -> Option<Preset> {
        self.fields.iter().find(|f| f.name == name)?.preset.copied()
    }

    /// `v`'s number field `name`, or its preset.
    pub fn num_or_preset(&self, v: &Value, name: &str) -> f64 {
        match (v.get(name).and_then(Value::as_f64), self.preset(name)) {
            (Some(x), _) => x,
            (None, Some(Preset::Num(x))) => x,
            // Only a name without a numeric preset gets here: `tests/rules.rs` compiles
            // every preset's field left out.
            (None, _) => f64::NAN,
        }
    }

    /// `v`'s string field `name`, or its preset.
    pub fn str_or_preset<'a>(&self, v: &'a Value, name: &str) -> &'a str {
        match (v.get(name).and_then(Value::as_str), self.preset(name)) {
            (Some(x), _) => x,
            (None, Some(Preset::Str(x))) => x,
            (None, _) => "",
        }
    }
}

/// What only the generated files read (docs, the vocabulary's value lists), made on the
/// host: the wasm build keeps none of it, and there a `Host` takes no room in the tables.
#[derive(Clone, Copy)]
pub struct Host<T: Copy + 'static> {
    #[cfg(not(target_arch = "wasm32"))]
    value: T,
    #[cfg(target_arch = "wasm32")]
    none: core::marker::PhantomData<T>,
}

impl<T: Copy> Host<T> {
    pub const fn new(value: T) -> Host<T> {
        #[cfg(target_arch = "wasm32")]
        let _ = value;
        Host {
            #[cfg(not(target_arch = "wasm32"))]
            value,
            #[cfg(target_arch = "wasm32")]
            none: core::marker::PhantomData,
        }
    }

    /// The value; none in the wasm build.
    pub fn get(self) -> Option<T> {
        #[cfg(not(target_arch = "wasm32"))]
        let value = Some(self.value);
        #[cfg(target_arch = "wasm32")]
        let value = None;
        value
    }
}

/// A doc text, for the schema and the reference.
pub type Doc = Host<&'static str>;

impl Doc {
    /// The text; empty in the wasm build.
    pub fn text(self) -> &'static str {
        self.get().unwrap_or_default()
    }
}

pub const fn doc_text(text: &'static str) -> Doc {
    Host::new(text)
}

/// Validates `v` against `ty`, appending every problem found.
pub fn check(v: &Value, ty: &Ty, path: &str, errors: &mut Vec<PathError>) {
    let mut fail = |message: String| {
        errors.push(PathError {
            path: path.to_string(),
            message,
        })
    };
    match (ty, v) {
        (Ty::Str, Value::String(s)) if s.len() > crate::json::MAX_STRING => fail(crate::cat!(
            "longer than ",
            crate::json::MAX_STRING,
            " bytes"
        )),
        (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) => {}
        (Ty::Num(&Range { min, max }) | Ty::Int(&Range { min, max }), Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // The number as the document wrote it, by the crate's writer: serde_json's
            // `Display` would bring `itoa` (and its `Result::expect`) into the wasm.
            let got = || crate::jsontext::text(v);
            if !(f >= min && f <= max) {
                fail(crate::cat!(
                    "must be between ",
                    num(min),
                    " and ",
                    num(max),
                    ", got ",
                    got()
                ));
            } else if matches!(ty, Ty::Int(_)) && f.fract() != 0.0 {
                fail(crate::cat!("must be a whole number, got ", got()));
            }
        }
        (Ty::OneOf(options), Value::String(s)) => {
            if !options.contains(&s.as_str()) {
                fail(crate::cat!(
                    "\"",
                    s,
                    "\" is not one of ",
                    listed(options.iter().copied()),
                    did_you_mean(s, options.iter().copied())
                ));
            }
        }
        // Checked where it is compiled (`compiled::cond`): against the vocabulary, then as JsonLogic.
        (Ty::Logic, _) => {}
        (Ty::DateTime, Value::String(s)) => {
            if parse_datetime(s).is_none() {
                fail(crate::cat!(
                    "\"",
                    s,
                    "\" is not a date-time like 2026-01-31T23:59:59+03:00"
                ));
            }
        }
        (Ty::List(inner, max), Value::Array(items)) => {
            if items.len() > *max {
                fail(crate::cat!(
                    "at most ",
                    max,
                    " entries allowed, got ",
                    items.len()
                ));
            } else {
                for (i, item) in items.iter().enumerate() {
                    check(item, inner, &join(path, i), errors);
                }
            }
        }
        (Ty::Map(inner, max), Value::Object(map)) => {
            if map.len() > *max {
                fail(crate::cat!(
                    "at most ",
                    max,
                    " entries allowed, got ",
                    map.len()
                ));
            } else {
                for (k, item) in map {
                    check(item, inner, &join(path, k), errors);
                }
            }
        }
        (Ty::Obj(shape), Value::Object(map)) => check_fields(map, shape, path, errors),
        (Ty::Tagged(shapes), Value::Object(map)) => {
            let tags = || shapes.iter().filter_map(|s| s.tag);
            match map.get("type").and_then(Value::as_str) {
                Some(t) => match shapes.iter().find(|s| s.tag == Some(t)) {
                    Some(shape) => check_fields(map, shape, path, errors),
                    None => errors.push(PathError {
                        path: join(path, "type"),
                        message: crate::cat!(
                            "unknown type \"",
                            t,
                            "\"; expected one of ",
                            listed(tags()),
                            did_you_mean(t, tags())
                        ),
                    }),
                },
                None => errors.push(PathError {
                    path: join(path, "type"),
                    message: crate::cat!("is required: one of ", listed(tags())),
                }),
            }
        }
        (ty, v) => fail(crate::cat!(
            "expected ",
            expected(ty),
            ", got ",
            type_name(v)
        )),
    }
}

fn check_fields(map: &Map<String, Value>, shape: &Shape, path: &str, errors: &mut Vec<PathError>) {
    for (key, value) in map {
        match shape.fields.iter().find(|f| f.name == key) {
            Some(field) => check(value, &field.ty, &join(path, key), errors),
            None if shape.tag.is_some() && key == "type" => {}
            None => errors.push(PathError {
                path: join(path, key),
                message: crate::cat!(
                    "unknown field \"",
                    key,
                    "\" in ",
                    shape.name,
                    did_you_mean(key, shape.fields.iter().map(|f| f.name))
                ),
            }),
        }
    }
    for field in shape.fields {
        if !field.required || map.contains_key(field.name) {
            continue;
        }
        errors.push(PathError {
            path: join(path, field.name),
            message: crate::cat!("is required in ", shape.name),
        });
    }
}

fn expected(ty: &Ty) -> &'static str {
    match ty {
        Ty::Str | Ty::OneOf(_) => "a string",
        Ty::DateTime => "a date-time string",
        Ty::Num(_) => "a number",
        Ty::Int(_) => "a whole number",
        Ty::Bool => "a boolean",
        Ty::List(..) => "an array",
        Ty::Map(..) | Ty::Obj(_) | Ty::Tagged(_) => "an object",
        Ty::Logic => "a JsonLogic condition",
    }
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`: a schedule names
/// its zone, so only the strict form of what `logic::dates::parse_iso` reads.
pub fn parse_datetime(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let zoned = s.ends_with('Z')
        || (b.len() >= 22 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':');
    if b.len() < 17 || b[10] != b'T' || !zoned {
        return None;
    }
    crate::logic::dates::parse_iso(s, 0.0)
}

/// The JSON Schema (draft 2020-12) of a type.
pub fn schema(ty: &Ty) -> Value {
    match ty {
        Ty::Str => json!({"type": "string", "maxLength": crate::json::MAX_STRING}),
        Ty::Num(Range { min, max }) => json!({"type": "number", "minimum": min, "maximum": max}),
        Ty::Int(Range { min, max }) => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::OneOf(options) => json!({"enum": options}),
        Ty::Logic => json!({"$ref": "#/$defs/JsonLogic"}),
        Ty::DateTime => json!({"type": "string", "format": "date-time"}),
        Ty::List(inner, max) => json!({"type": "array", "items": schema(inner), "maxItems": max}),
        Ty::Map(inner, max) => {
            json!({"type": "object", "additionalProperties": schema(inner), "maxProperties": max})
        }
        Ty::Obj(shape) => shape_schema(shape),
        Ty::Tagged(shapes) => {
            json!({"oneOf": shapes.iter().map(|s| shape_schema(s)).collect::<Vec<_>>()})
        }
    }
}

fn shape_schema(shape: &Shape) -> Value {
    let mut props = Map::new();
    if let Some(tag) = shape.tag {
        props.insert("type".into(), json!({"const": tag}));
    }
    for f in shape.fields {
        let mut s = schema(&f.ty);
        s["description"] = json!(f.doc.text());
        match f.preset.copied() {
            // Whole numbers as integers, as a person writes them.
            Some(Preset::Num(x)) if x.fract() == 0.0 => s["default"] = json!(x as i64),
            Some(Preset::Num(x)) => s["default"] = json!(x),
            Some(Preset::Str(x)) => s["default"] = json!(x),
            None => {}
        }
        props.insert(f.name.into(), s);
    }
    let mut required: Vec<&str> = shape.tag.map(|_| "type").into_iter().collect();
    required.extend(shape.fields.iter().filter(|f| f.required).map(|f| f.name));
    json!({"type": "object", "title": shape.name, "description": shape.doc.text(), "properties": props, "required": required, "additionalProperties": false})
}

fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::Str => "string".into(),
        Ty::Num(Range { min, max }) => crate::cat!("number ", num(*min), "–", num(*max)),
        Ty::Int(Range { min, max }) => crate::cat!("integer ", num(*min), "–", num(*max)),
        Ty::Bool => "boolean".into(),
        Ty::OneOf(o) => o
            .iter()
            .map(|s| crate::cat!("`\"", s, "\"`"))
            .collect::<Vec<_>>()
            .join(" \\| "),
        Ty::Logic => "JsonLogic".into(),
        Ty::DateTime => "date-time".into(),
        Ty::List(inner, max) => crate::cat!("array (≤ ", max, ") of ", ty_name(inner)),
        Ty::Map(inner, _) => crate::cat!("map of name → ", ty_name(inner)),
        Ty::Obj(s) => crate::cat!("[", s.name, "](#", s.name.to_lowercase(), ")"),
        Ty::Tagged(shapes) => shapes
            .iter()
            .map(|s| crate::cat!("[", s.name, "](#", s.name.to_lowercase(), ")"))
            .collect::<Vec<_>>()
            .join(" \\| "),
    }
}

/// One Markdown section per object type reachable from `root`, in order of first use.
pub fn reference(root: &'static Shape) -> String {
    let mut seen: Vec<&'static Shape> = Vec::new();
    collect(root, &mut seen);
    let mut out = String::new();
    for shape in seen {
        crate::cat!(
            into(&mut out),
            "## ",
            shape.name,
            "\n\n",
            shape.doc.text(),
            "\n\n"
        );
        if let Some(tag) = shape.tag {
            crate::cat!(into(&mut out), "`\"type\": \"", tag, "\"`\n\n");
        }
        out.push_str("| field | type | required | meaning |\n|---|---|---|---|\n");
        for f in shape.fields {
            crate::cat!(
                into(&mut out),
                "| `",
                f.name,
                "` | ",
                ty_name(&f.ty),
                " | ",
                if f.required { "yes" } else { "" },
                " | ",
                match f.preset.copied() {
                    Some(Preset::Num(x)) => crate::cat!(f.doc.text(), " Default: ", num(x), "."),
                    Some(Preset::Str(x)) => crate::cat!(f.doc.text(), " Default: `", x, "`."),
                    None => f.doc.text().to_string(),
                },
                " |\n"
            );
        }
        out.push('\n');
    }
    out
}

fn collect(shape: &'static Shape, seen: &mut Vec<&'static Shape>) {
    if seen.iter().any(|s| core::ptr::eq(*s, shape)) {
        return;
    }
    seen.push(shape);
    for f in shape.fields {
        collect_ty(&f.ty, seen);
    }
}

fn collect_ty(ty: &'static Ty, seen: &mut Vec<&'static Shape>) {
    match ty {
        Ty::Obj(s) => collect(s, seen),
        Ty::Tagged(shapes) => shapes.iter().for_each(|s| collect(s, seen)),
        Ty::List(inner, _) | Ty::Map(inner, _) => collect_ty(inner, seen),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_with_offsets_and_round_trip_days() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_datetime("1970-01-01T03:00+03:00"), Some(0.0));
        assert_eq!(
            parse_datetime("2026-01-01T00:00:00Z"),
            Some(1_767_225_600_000.0)
        );
        assert_eq!(
            parse_datetime("2025-12-31T22:29:59.5-01:30"),
            Some(1_767_225_599_500.0)
        );
        for bad in [
            "2026-02-30T00:00Z",
            "2026-01-01",
            "2026-01-01T25:00Z",
            "2026-01-01T00:00+0300",
            "2026-1-01T00:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn suggestions_come_within_two_edits() {
        assert_eq!(
            did_you_mean("priorty", ["priority", "caps"].into_iter()),
            " (did you mean \"priority\"?)"
        );
        assert_eq!(did_you_mean("zzz", ["priority"].into_iter()), "");
    }
}
