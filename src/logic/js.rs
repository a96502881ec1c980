//! JavaScript value semantics over JSON values, as json-logic-js inherits them: truthiness,
//! `Number()`, `parseFloat`, `String()`, `==`, `===` and `<`. Depends on `value` and `jsontext`.

use crate::jsontext::cut;
use crate::prelude::*;
use crate::value::{Number, Value};
use alloc::borrow::Cow;
use core::cmp::Ordering;

/// JsonLogic truthiness: JS truthiness, except that an empty array is false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => {
            let f = num_of(n);
            f != 0.0 && !f.is_nan()
        }
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// Integers up to 2^53 are exact in an f64; integral results in that range become JSON
/// integers so that `1 + 1` is `2`, not `2.0`.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// A JS number as JSON holds it: NaN and the infinities (which JSON cannot hold) as null,
/// as `JSON.stringify` writes them.
pub(super) fn number(f: f64) -> Value {
    if !f.is_finite() {
        Value::Null
    } else if f.fract() == 0.0 && f.abs() <= EXACT {
        Value::from(f as i64)
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

#[inline(always)]
pub(super) fn num_of(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// JS white space and line terminators, which `trim` removes (not Rust's `is_whitespace`).
fn js_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
}

/// `s` without JS white space at its start (and with `end`, at its end): one forward loop,
/// as `trim_matches` with a predicate compiled a searcher for these two calls alone.
fn js_trim(s: &str, end: bool) -> &str {
    let (mut from, mut to) = (None, s.len());
    for (i, c) in s.char_indices() {
        if !js_space(c) {
            from.get_or_insert(i);
            if end {
                to = i + c.len_utf8();
            }
        }
    }
    from.map_or("", |from| cut(s, from, to))
}

/// Length of the longest prefix of `b` that is a JS decimal literal (`-1.5e3`, `.5`, `2.`),
/// 0 when there is none.
fn decimal_len(b: &[u8]) -> usize {
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let start = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let mut end = digits(start);
    let mut any = end > start;
    if b.get(end) == Some(&b'.') {
        let frac = digits(end + 1);
        any |= frac > end + 1;
        end = frac;
    }
    if !any {
        return 0;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let from = end + 1 + usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let to = digits(from);
        if to > from {
            end = to;
        }
    }
    end
}

/// Where `needle` first occurs in `hay` (JavaScript's `indexOf`, in bytes; a match of valid
/// UTF-8 starts on a character boundary). One small loop instead of core's two-way searcher,
/// which `str::find(&str)` and `str::contains(&str)` bring into the wasm (1.2 KB gzip).
pub fn index_of(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    if n.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(n.len()).position(|w| w == n)
}

/// A whole string in JS decimal syntax (`+1`, `.5`, `2.`, `007`, `1e3`; no spaces, no
/// `Infinity`). Read by the JSON number reader (`jsontext::js_decimal`) because core's
/// `f64::from_str` would add its own tables to the wasm.
pub fn decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.is_empty() || decimal_len(b) != b.len() {
        return None;
    }
    Some(crate::jsontext::js_decimal(s))
}

/// JS `Number(s)` for a string (`whole`), or `parseFloat(s)` (the longest numeric prefix):
/// one reader for the two, which differ only in what may follow the number.
fn str_to_number(s: &str, whole: bool) -> f64 {
    let t = js_trim(s, whole);
    let b = t.as_bytes();
    if whole && b.is_empty() {
        return 0.0;
    }
    let sign = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let rest = cut(t, sign, t.len());
    if rest.starts_with("Infinity") && (!whole || rest.len() == 8) {
        return if b.first() == Some(&b'-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let radix = match (whole && b.len() > 2 && b[0] == b'0').then(|| b[1]) {
        Some(b'x' | b'X') => 16,
        Some(b'o' | b'O') => 8,
        Some(b'b' | b'B') => 2,
        _ => {
            let n = decimal_len(b);
            if n == 0 || (whole && n != b.len()) {
                return f64::NAN;
            }
            return crate::jsontext::js_decimal(cut(t, 0, n));
        }
    };
    cut(t, 2, t.len())
        .chars()
        .try_fold(0.0, |n, c| {
            c.to_digit(radix)
                .map(|d| n * f64::from(radix) + f64::from(d))
        })
        .unwrap_or(f64::NAN)
}

/// A value as JS operators see it: JSON, plus what JSON cannot hold (`undefined`, and the
/// NaN and infinities arithmetic can produce), which become null only in the final result.
#[derive(Clone, Copy)]
pub(super) enum V<'a> {
    Undef,
    Json(&'a Value),
    Num(f64),
}

impl V<'_> {
    fn nullish(self) -> bool {
        matches!(self, V::Undef | V::Json(Value::Null))
    }

    pub fn to_value(self) -> Value {
        match self {
            V::Undef => Value::Null,
            V::Json(v) => v.clone(),
            V::Num(f) => number(f),
        }
    }
}

pub(super) fn truthy_v(v: V) -> bool {
    match v {
        V::Undef => false,
        V::Json(j) => truthy(j),
        V::Num(f) => f != 0.0 && !f.is_nan(),
    }
}

/// JS `Number(v)`.
pub(super) fn to_number(v: V) -> f64 {
    match v {
        V::Undef => f64::NAN,
        V::Num(f) => f,
        V::Json(Value::Null) => 0.0,
        V::Json(Value::Bool(b)) => f64::from(u8::from(*b)),
        V::Json(Value::Number(n)) => num_of(n),
        V::Json(Value::String(s)) => str_to_number(s, true),
        V::Json(a @ Value::Array(_)) => str_to_number(&to_js_string(V::Json(a)), true),
        V::Json(Value::Object(_)) => f64::NAN,
    }
}

/// JS `parseFloat(v)`: the longest numeric prefix of `String(v)`.
pub(super) fn parse_float(v: V) -> f64 {
    match v {
        V::Num(f) => f,
        V::Json(Value::Number(n)) => num_of(n),
        V::Json(Value::String(_) | Value::Array(_)) => str_to_number(&to_js_string(v), false),
        // "undefined", "null", "true", "false" and "[object Object]" have no numeric prefix.
        _ => f64::NAN,
    }
}

/// Appends JS `Number.prototype.toString()` of `f`.
fn push_f64(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else if f.fract() == 0.0 && f.abs() <= EXACT {
        crate::cat!(into(out), f as i64);
    } else {
        if f < 0.0 {
            out.push('-');
        }
        push_digits(out, f.abs());
    }
}

/// The shortest round-trip digits, as serde_json's float printer writes them (already in the
/// binary, unlike core's; `f` is finite and above 0): its notation is JS `Number::toString`'s
/// but for an integer's `.0` and where JS keeps to fixed notation for longer (10^-6 <= f <
/// 10^21, serde_json's 10^-5 <= f < 10^16).
fn push_digits(out: &mut String, f: f64) {
    let mut printed = String::new();
    crate::jsontext::write_f64(&mut printed, f);
    let Some((mantissa, exp)) = crate::jsontext::split_once(&printed, b'e') else {
        return out.push_str(printed.strip_suffix(".0").unwrap_or(&printed));
    };
    let digits = mantissa.bytes().filter(|&b| b != b'.').map(char::from);
    // `exp` is a sign and digits (`e-7`, `e+16`).
    let e = exp
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |e, b| e * 10 + i32::from(b - b'0'));
    match (exp.starts_with('-'), e) {
        (true, 6) => {
            out.push_str("0.00000");
            out.extend(digits);
        }
        (false, 16..=20) => {
            // All the integer digits: the significant ones, then zeros.
            let end = out.len() + e as usize + 1;
            out.extend(digits);
            while out.len() < end {
                out.push('0');
            }
        }
        _ => out.push_str(&printed),
    }
}

fn push_scalar(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i.unsigned_abs() <= 1 << 53 => crate::cat!(into(out), i),
            _ => push_f64(out, num_of(n)),
        },
        Value::String(s) => out.push_str(s),
        Value::Array(_) | Value::Object(_) => out.push_str("[object Object]"),
    }
}

/// Appends JS `String(v)`. Arrays join their items with commas, null items as empty, nested
/// arrays flattened the same way; iterative so that deeply nested data cannot overflow the stack.
pub(super) fn push_js_string(out: &mut String, v: V) {
    let items = match v {
        V::Undef => return out.push_str("undefined"),
        V::Num(f) => return push_f64(out, f),
        V::Json(Value::Array(items)) => items,
        V::Json(other) => return push_scalar(out, other),
    };
    let mut stack = vec![(items.iter(), true)];
    while let Some((iter, first)) = stack.last_mut() {
        let Some(item) = iter.next() else {
            stack.pop();
            continue;
        };
        if !core::mem::take(first) {
            out.push(',');
        }
        match item {
            Value::Array(inner) => stack.push((inner.iter(), true)),
            Value::Null => {}
            other => push_scalar(out, other),
        }
    }
}

/// JS `String(v)`, borrowing when `v` is already a string.
pub(super) fn to_js_string(v: V<'_>) -> Cow<'_, str> {
    match v {
        V::Json(Value::String(s)) => Cow::Borrowed(s),
        other => {
            let mut out = String::new();
            push_js_string(&mut out, other);
            Cow::Owned(out)
        }
    }
}

/// A value after JS `ToPrimitive`: arrays and objects become strings; the rest are numbers
/// here, because every comparison that reaches this converts them to numbers anyway.
enum Prim<'a> {
    Num(f64),
    Str(Cow<'a, str>),
}

impl Prim<'_> {
    fn of(v: V<'_>) -> Prim<'_> {
        match v {
            V::Json(Value::String(_) | Value::Array(_) | Value::Object(_)) => {
                Prim::Str(to_js_string(v))
            }
            other => Prim::Num(to_number(other)),
        }
    }

    fn num(&self) -> f64 {
        match self {
            Prim::Num(f) => *f,
            Prim::Str(s) => str_to_number(s, true),
        }
    }
}

#[inline(always)]
fn as_num(v: V) -> Option<f64> {
    match v {
        V::Num(f) => Some(f),
        V::Json(Value::Number(n)) => Some(num_of(n)),
        _ => None,
    }
}

/// JS `a === b`. Arrays and objects are identical only to themselves, as in JS: two reads of
/// the same data value are, two separately built values never are.
pub(super) fn strict_eq(a: V, b: V) -> bool {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return x == y;
    }
    match (a, b) {
        (V::Undef, V::Undef) | (V::Json(Value::Null), V::Json(Value::Null)) => true,
        (V::Json(Value::Bool(x)), V::Json(Value::Bool(y))) => x == y,
        (V::Json(Value::String(x)), V::Json(Value::String(y))) => x == y,
        (V::Json(x @ Value::Array(_)), V::Json(y @ Value::Array(_)))
        | (V::Json(x @ Value::Object(_)), V::Json(y @ Value::Object(_))) => core::ptr::eq(x, y),
        _ => false,
    }
}

/// JS `a == b` (abstract equality): null and undefined equal only each other; otherwise
/// both sides go to primitives and, unless both are strings, to numbers.
pub(super) fn loose_eq(a: V, b: V) -> bool {
    if a.nullish() || b.nullish() {
        return a.nullish() && b.nullish();
    }
    match (a, b) {
        (
            V::Json(x @ (Value::Array(_) | Value::Object(_))),
            V::Json(y @ (Value::Array(_) | Value::Object(_))),
        ) => core::ptr::eq(x, y),
        _ => match (Prim::of(a), Prim::of(b)) {
            (Prim::Str(s), Prim::Str(t)) => s == t,
            (p, q) => p.num() == q.num(),
        },
    }
}

/// JS relational comparison: two strings compare by UTF-16 code units, anything else as
/// numbers; `None` when either side is NaN (every `<`, `>`, `<=`, `>=` is then false).
pub(super) fn compare(a: V, b: V) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return x.partial_cmp(&y);
    }
    match (Prim::of(a), Prim::of(b)) {
        (Prim::Str(s), Prim::Str(t)) => Some(utf16_cmp(&s, &t)),
        (p, q) => p.num().partial_cmp(&q.num()),
    }
}

/// The order of two strings' UTF-16 code units, by characters: code point order, except
/// that U+E000–U+FFFF sort after the characters past U+FFFF (whose first unit, a
/// surrogate, is below U+E000). Smaller in the wasm than comparing `encode_utf16()`.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    let unit_order = |c: char| match c as u32 {
        u @ 0xE000..=0xFFFF => u + 0x20_0000,
        u => u,
    };
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (Some(c), Some(d)) if c == d => {}
            (Some(c), Some(d)) => return unit_order(c).cmp(&unit_order(d)),
            (c, d) => return c.is_some().cmp(&d.is_some()),
        }
    }
}

/// JS `a % b`: the exact remainder, its sign `a`'s (C's `fmod`, what Rust's `%` computes).
/// Shift-and-subtract on the significands, as musl's `fmod`: the wasm's own `fmod` (through
/// compiler-builtins) divides 128-bit integers and costs 2 KB more (issue 13).
pub(super) fn rem(a: f64, b: f64) -> f64 {
    let (ux, uy) = (a.to_bits(), b.to_bits());
    let mut ex = (ux >> 52 & 0x7ff) as i64;
    let mut ey = (uy >> 52 & 0x7ff) as i64;
    if uy << 1 == 0 || b.is_nan() || ex == 0x7ff {
        return f64::NAN;
    }
    if ux << 1 <= uy << 1 {
        return if ux << 1 == uy << 1 { 0.0 * a } else { a };
    }
    // Significands with the implicit bit; subnormals shifted up to it.
    let norm = |u: u64, e: &mut i64| {
        if *e == 0 {
            let shift = (u << 12).leading_zeros() as i64;
            *e = -shift;
            u << (shift + 1)
        } else {
            u & (u64::MAX >> 12) | 1 << 52
        }
    };
    let mut mx = norm(ux, &mut ex);
    let my = norm(uy, &mut ey);
    loop {
        if let Some(d) = mx.checked_sub(my) {
            if d == 0 {
                return 0.0 * a;
            }
            mx = d;
        }
        if ex == ey {
            break;
        }
        mx <<= 1;
        ex -= 1;
    }
    let shift = mx.leading_zeros() as i64 - 11;
    mx <<= shift;
    ex -= shift;
    let bits = if ex > 0 {
        mx - (1 << 52) | (ex as u64) << 52
    } else {
        mx >> (1 - ex)
    };
    f64::from_bits(bits | ux & 1 << 63)
}
