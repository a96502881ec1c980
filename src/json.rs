//! Reading untrusted JSON documents field by field, with the JSON Pointer of every value
//! at hand so each validation error names where it is. Depends only on `value` (the JSON tree).

use crate::error::{join, Error, Result};
use crate::prelude::*;
use crate::value::{Map, Value};

/// Longest string field accepted anywhere (ids, titles, queries): keeps a hostile
/// document from making every later copy expensive.
pub const MAX_STRING: usize = 4096;

/// A JSON object being validated, with its pointer and the error code its faults carry.
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: String,
    code: &'static str,
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// "expected a string, got a number" at `path`: every value of the wrong type is reported
/// by this one function (one message template, one call per site).
fn mistyped(code: &'static str, path: String, what: &str, v: &Value) -> Error {
    Error::at(
        code,
        path,
        crate::cat!("expected ", what, ", got ", type_name(v)),
    )
}

impl<'a> Obj<'a> {
    pub fn new(v: &'a Value, path: &str, code: &'static str) -> Result<Self> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_string(),
                code,
            }),
            other => Err(mistyped(code, path.to_string(), "an object", other)),
        }
    }

    /// The value at `key` is not `what`.
    fn mistyped(&self, key: &str, what: &str, v: &Value) -> Error {
        mistyped(self.code, self.at(key), what, v)
    }

    /// Item `i` of the array at `key` is not `what`.
    fn mistyped_item(&self, key: &str, i: usize, what: &str, v: &Value) -> Error {
        mistyped(self.code, join(&self.at(key), i), what, v)
    }

    pub fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub fn err(&self, key: &str, message: impl Into<String>) -> Error {
        Error::at(self.code, self.at(key), message)
    }

    /// A present, non-null value.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.len() > MAX_STRING => Err(self.err(
                key,
                crate::cat!("string longer than ", MAX_STRING, " bytes"),
            )),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.mistyped(key, "a string", v)),
        }
    }

    /// A required, non-empty string.
    pub fn str(&self, key: &str) -> Result<&'a str> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            Some(_) => Err(self.err(key, "must not be empty")),
            None => Err(self.err(key, "is required")),
        }
    }

    pub fn opt_num(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.is_finite() => Ok(Some(f)),
                _ => Err(self.err(key, "expected a finite number")),
            },
            Some(v) => Err(self.mistyped(key, "a number", v)),
        }
    }

    pub fn num(&self, key: &str) -> Result<f64> {
        self.opt_num(key)?
            .ok_or_else(|| self.err(key, "is required"))
    }

    /// A required number within `[min, max]`.
    pub fn num_in(&self, key: &str, min: f64, max: f64) -> Result<f64> {
        let n = self.num(key)?;
        self.check_range(key, n, min, max)
    }

    pub fn opt_num_in(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>> {
        self.opt_num(key)?
            .map(|n| self.check_range(key, n, min, max))
            .transpose()
    }

    fn check_range(&self, key: &str, n: f64, min: f64, max: f64) -> Result<f64> {
        if n < min || n > max {
            Err(self.err(
                key,
                crate::cat!(
                    "must be between ",
                    num(min),
                    " and ",
                    num(max),
                    ", got ",
                    num(n)
                ),
            ))
        } else {
            Ok(n)
        }
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.mistyped(key, "a boolean", v)),
        }
    }

    /// An optional array of at most `max` elements.
    pub fn opt_arr(&self, key: &str, max: usize) -> Result<Option<&'a [Value]>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) if a.len() > max => Err(self.err(
                key,
                crate::cat!("at most ", max, " entries allowed, got ", a.len()),
            )),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.mistyped(key, "an array", v)),
        }
    }

    pub fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>> {
        self.get(key)
            .map(|v| Obj::new(v, &self.at(key), self.code))
            .transpose()
    }

    /// Reads each object of `items` (the array at `key`) with `f`. One function for every
    /// list of objects, not one per item type: neither `collect::<Result<_>>()` (an adapter
    /// per item type and closure, ~1 KB of wasm each) nor a generic loop (a copy per type).
    pub fn each(
        &self,
        key: &str,
        items: &'a [Value],
        f: &mut dyn FnMut(&Obj<'a>) -> Result<()>,
    ) -> Result<()> {
        for (i, v) in items.iter().enumerate() {
            f(&Obj::new(v, &join(&self.at(key), i), self.code)?)?;
        }
        Ok(())
    }

    /// An optional array of strings (ids, tags, segments).
    pub fn opt_strs(&self, key: &str, max: usize) -> Result<Vec<&'a str>> {
        let Some(items) = self.opt_arr(key, max)? else {
            return Ok(Vec::new());
        };
        // Loops here and below: `collect::<Result<_>>()` compiles an adapter per use.
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) if !s.is_empty() && s.len() <= MAX_STRING => out.push(s.as_str()),
                other => return Err(self.mistyped_item(key, i, "a non-empty string", other)),
            }
        }
        Ok(out)
    }

    /// Appends `values` (the array at `key`: an embedding) to `out`, each a finite number.
    pub fn floats(&self, key: &str, values: &[Value], out: &mut Vec<f32>) -> Result<()> {
        for (i, v) in values.iter().enumerate() {
            match v.as_f64() {
                Some(f) if f.is_finite() => out.push(f as f32),
                _ => return Err(self.mistyped_item(key, i, "a finite number", v)),
            }
        }
        Ok(())
    }

    /// An optional map of name → finite number (affinities), appended to `out` owned (no
    /// borrowed list in between: its Vec code was wasm of its own, issue 13).
    pub fn opt_weights(&self, key: &str, max: usize, out: &mut Vec<(String, f32)>) -> Result<()> {
        let Some(obj) = self.opt_obj(key)? else {
            return Ok(());
        };
        if obj.map.len() > max {
            return Err(self.err(key, crate::cat!("at most ", max, " entries allowed")));
        }
        for k in obj.map.keys() {
            let w = obj.num_in(k, -1e6, 1e6)? as f32;
            out.push((k.to_string(), w));
        }
        Ok(())
    }
}

/// Formats a number as JSON does (`NaN`, `Infinity` as JS writes them); keeps core's float
/// `Display` out of the wasm (its Grisu/Dragon code is about 19 KB before wasm-opt).
pub fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        return crate::cat!(n as i64);
    }
    if n.is_finite() {
        let mut out = String::new();
        crate::jsontext::write_f64(&mut out, n);
        return out;
    }
    if n.is_nan() {
        "NaN"
    } else if n > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
    .to_string()
}

/// Parses a document handed over as JSON text, with a size bound.
pub fn parse(text: &str, max_bytes: usize, code: &'static str) -> Result<Value> {
    if text.len() > max_bytes {
        return Err(Error::at(
            code,
            "",
            crate::cat!("document larger than ", max_bytes, " bytes"),
        ));
    }
    crate::jsontext::read(text).map_err(|e| Error::at(code, "", crate::cat!("malformed JSON: ", e)))
}
