//! JSON text ⇄ `value::Value`: the lean reader and writer every document crosses at the
//! edge (options, events, catalog, profile, rules, stored state, tab messages, answers).
//! serde_json's own `from_str`/`to_string` are generic over serde's visitor and serializer
//! traits and carry its error formatting and `std::io` adapters; in the wasm they cost more
//! than this whole module (ARCHITECTURE.md, "JSON at the edge", has the measured figure).
//! Semantics follow serde_json: numbers read as u64, i64 or f64 the way it reads them (same
//! digits, same rounding), objects keep serde_json's key order, strings escape alike, 128
//! levels of nesting at most. Depends on `value`'s tree only.

use crate::prelude::*;
use crate::value::{Map, Number, Value};

/// Deepest nesting of arrays and objects read (serde_json's limit too).
const MAX_DEPTH: usize = 128;

/// Reads one JSON document (surrounding whitespace allowed); the error says what and where
/// ("expected `:` at line 1 column 7").
pub fn read(text: &str) -> Result<Value, String> {
    let mut r = Reader {
        b: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    let v = r.value().and_then(|v| {
        r.skip_ws();
        if r.pos < r.b.len() {
            Err("trailing characters")
        } else {
            Ok(v)
        }
    });
    v.map_err(|what| {
        let before = &r.b[..r.pos.min(r.b.len())];
        let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
        let column = 1 + before.iter().rev().take_while(|&&c| c != b'\n').count();
        crate::cat!(what, " at line ", line, " column ", column)
    })
}

/// A whole string in JS decimal literal syntax (`-1.5e3`, and what JSON refuses: `+1`, `007`,
/// `.5`, `2.`), which the caller has checked, read as serde_json reads a JSON number (the
/// same digits give the same f64); beyond the f64 range, an infinity.
pub fn js_decimal(s: &str) -> f64 {
    let mut r = Reader {
        b: s.as_bytes(),
        text: s,
        pos: 0,
        depth: 0,
    };
    match r.number(true) {
        Ok(v) => v.as_f64().unwrap_or_default(),
        Err(_) if s.starts_with('-') => f64::NEG_INFINITY,
        Err(_) => f64::INFINITY,
    }
}

/// The document as compact JSON text, byte for byte what `serde_json::to_string` writes.
pub fn text(v: &Value) -> String {
    let mut out = String::new();
    write(&mut out, v);
    out
}

pub fn write(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(u) = n.as_u64() {
        write_u64(out, u);
    } else if let Some(i) = n.as_i64() {
        write_i64(out, i);
    } else {
        write_f64(out, n.as_f64().unwrap_or_default());
    }
}

fn write_i64(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    write_u64(out, i.unsigned_abs());
}

/// A float as serde_json prints it (its own shortest round-trip printer, `zmij`: `3.0`,
/// `1e-7`), a non-finite one as `null` (serde_json holds no such number). Also the digits
/// of `json::num` and of JS number strings: serde_json's `Number` `Display` would bring
/// `itoa`, whose integer half carries a `Result::expect` and with it core's `Debug` builders.
pub fn write_f64(out: &mut String, f: f64) {
    if f.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(f));
    } else {
        out.push_str("null");
    }
}

fn write_u64(out: &mut String, mut u: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(core::str::from_utf8(&digits[i..]).unwrap_or("0"));
}

/// `&s[from..to]` without its panic: core's str-slicing panic prints the string with
/// `Debug`, which alone keeps core's Unicode printable tables and escaping in the wasm. Every
/// caller cuts at an offset of an ASCII byte it found (or a validated boundary), so the
/// empty fallback is never taken.
pub fn cut(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or_default()
}

/// Where the first of the ASCII bytes `set` is in `s` (`s.find([..])` for ASCII chars), by
/// bytes, as the splits below: core's char and char-set searchers (and `memchr`, which
/// `[u8]::contains` calls) cost more wasm than this loop.
pub fn find_any(s: &str, set: &[u8]) -> Option<usize> {
    s.bytes().position(|b| set.iter().any(|&x| x == b))
}

/// `s.rsplit_once(sep)` for an ASCII `sep`, by bytes: core's reverse char searcher cost
/// about half a KB of wasm for the three splits that used it.
pub fn rsplit_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = s.bytes().rposition(|b| b == sep)?;
    Some((cut(s, 0, at), cut(s, at + 1, s.len())))
}

/// `s.split_once(sep)` for an ASCII `sep`, by bytes (as `rsplit_once`: core's char searcher
/// and its `memchr` are left out of the wasm).
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == sep)?;
    Some((cut(s, 0, at), cut(s, at + 1, s.len())))
}

/// `s.split(sep)` for an ASCII `sep`, by bytes: the same pieces, empty ones included.
pub fn split(s: &str, sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep }
}

pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let (piece, rest) = split_once(s, self.sep).map_or((s, None), |(a, b)| (a, Some(b)));
        self.rest = rest;
        Some(piece)
    }
}

/// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
/// escapes (lowercase hex, as serde_json writes them), everything else as is.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        let escape = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(cut(s, start, i));
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(c >> 4) as usize] as char);
            out.push(HEX[(c & 15) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(cut(s, start, s.len()));
    out.push('"');
}

struct Reader<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

type Step<T> = Result<T, &'static str>;

impl Reader<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn value(&mut self) -> Step<Value> {
        self.skip_ws();
        match self.peek() {
            None => Err("EOF while parsing a value"),
            Some(b'n') => self.word("null", Value::Null),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(false),
            // Lists and objects share one loop: an object's entries have a key before `:`.
            Some(open @ (b'[' | b'{')) => {
                self.nest()?;
                let object = open == b'{';
                // `]` and `}` follow `[` and `{` by two in ASCII.
                let close = open + 2;
                let (eof, expected) = if object {
                    ("EOF while parsing an object", "expected `,` or `}`")
                } else {
                    ("EOF while parsing a list", "expected `,` or `]`")
                };
                let mut items = Vec::new();
                let mut entries = Vec::new();
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                } else {
                    loop {
                        let mut key = None;
                        if object {
                            self.skip_ws();
                            match self.peek() {
                                Some(b'"') => {}
                                None => return Err(eof),
                                _ => return Err("key must be a string"),
                            }
                            key = Some(self.string()?);
                            self.skip_ws();
                            match self.peek() {
                                Some(b':') => self.pos += 1,
                                None => return Err(eof),
                                _ => return Err("expected `:`"),
                            }
                        }
                        let item = self.value()?;
                        match key {
                            Some(key) => entries.push((key, item)),
                            None => items.push(item),
                        }
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(c) if c == close => {
                                self.pos += 1;
                                break;
                            }
                            None => return Err(eof),
                            _ => return Err(expected),
                        }
                    }
                }
                self.depth -= 1;
                Ok(if object {
                    Value::Object(Map::from_entries(entries))
                } else {
                    Value::Array(items)
                })
            }
            Some(_) => Err("expected value"),
        }
    }

    fn nest(&mut self) -> Step<()> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err("recursion limit exceeded")
        } else {
            Ok(())
        }
    }

    fn word(&mut self, word: &str, v: Value) -> Step<Value> {
        if self.b[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err("expected value")
        }
    }

    /// A string starting at `"`; the text is valid UTF-8, so runs without escapes are
    /// found with one scan and copied as they are.
    fn string(&mut self) -> Step<String> {
        self.pos += 1;
        let mut out = String::new();
        let b = self.b;
        loop {
            let rest = &b[self.pos..];
            let run = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .ok_or_else(|| {
                    self.pos = self.b.len();
                    "EOF while parsing a string"
                })?;
            out.push_str(cut(self.text, self.pos, self.pos + run));
            self.pos += run + 1;
            match rest[run] {
                b'"' => return Ok(out),
                b'\\' => {
                    let c = self.peek().ok_or("EOF while parsing a string")?;
                    self.pos += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode()?),
                        _ => return Err("invalid escape"),
                    }
                }
                _ => {
                    self.pos -= 1;
                    return Err("control character (\\u0000-\\u001F) found while parsing a string");
                }
            }
        }
    }

    /// After `\u`: one code point, a surrogate pair taking two escapes.
    fn unicode(&mut self) -> Step<char> {
        let first = self.hex4()?;
        let code = match first {
            0xd800..=0xdbff => {
                if !self.b[self.pos..].starts_with(b"\\u") {
                    return Err("lone leading surrogate in hex escape");
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err("lone leading surrogate in hex escape");
                }
                0x10000 + ((first - 0xd800) << 10) + (low - 0xdc00)
            }
            0xdc00..=0xdfff => return Err("lone trailing surrogate in hex escape"),
            c => c,
        };
        char::from_u32(code).ok_or("invalid unicode code point")
    }

    fn hex4(&mut self) -> Step<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let c = self.peek().ok_or("EOF while parsing a string")?;
            n = n * 16 + char::from(c).to_digit(16).ok_or("invalid escape")?;
            self.pos += 1;
        }
        Ok(n)
    }

    /// serde_json's number reading: digits into a u64 significand (integer digits past its
    /// precision count in the exponent, fraction digits past it are dropped), then scaled by
    /// a power of ten. `js` also takes JS's syntax (`js_decimal`).
    fn number(&mut self, js: bool) -> Step<Value> {
        let negative = self.peek() == Some(b'-');
        if negative || (js && self.peek() == Some(b'+')) {
            self.pos += 1;
        }
        let mut significand: u64 = 0;
        let mut exponent: i64 = 0;
        // The next digit, when the significand can still take it.
        let push = |s: u64, d: u8| s.checked_mul(10).and_then(|s| s.checked_add(u64::from(d)));
        match self.peek() {
            Some(b'0') if !js => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err("invalid number");
                }
            }
            // JS: leading zeros (`007`), no integer digits (`.5`).
            Some(b'0'..=b'9') => {}
            Some(b'.') if js => {}
            None => return Err("EOF while parsing a value"),
            _ => return Err("invalid number"),
        }
        // The integer and fraction digits in one loop; `fraction`: where the fraction's
        // digits start, once past the `.`.
        let mut fraction = None;
        let mut full = false;
        loop {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    self.pos += 1;
                    match push(significand, c - b'0') {
                        Some(s) if !full => {
                            significand = s;
                            if fraction.is_some() {
                                exponent -= 1;
                            }
                        }
                        _ => {
                            full = true;
                            if fraction.is_none() {
                                exponent += 1;
                            }
                        }
                    }
                }
                Some(b'.') if fraction.is_none() => {
                    self.pos += 1;
                    fraction = Some(self.pos);
                }
                _ => break,
            }
        }
        let mut float = full || fraction.is_some();
        // JS: no fraction digits (`2.`).
        if let (Some(from), false) = (fraction, js) {
            self.digits_from(from)?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            float = true;
            let positive = match self.peek() {
                Some(b'+') => {
                    self.pos += 1;
                    true
                }
                Some(b'-') => {
                    self.pos += 1;
                    false
                }
                _ => true,
            };
            let from = self.pos;
            let mut e: i64 = 0;
            while let Some(c @ b'0'..=b'9') = self.peek() {
                self.pos += 1;
                // Saturates far beyond any f64 exponent; the scaling below decides.
                e = (e * 10 + i64::from(c - b'0')).min(1 << 40);
            }
            self.digits_from(from)?;
            exponent += if positive { e } else { -e };
        }
        if float {
            return float_value(negative, significand as f64, exponent);
        }
        Ok(if !negative {
            Value::from(significand)
        } else if significand == 0 {
            // serde_json reads `-0` as the float -0.0.
            Value::from(-0.0)
        } else if significand <= 1 << 63 {
            Value::from(0i64.wrapping_sub_unsigned(significand))
        } else {
            Value::from(-(significand as f64))
        })
    }

    /// At least one digit since `from`.
    fn digits_from(&self, from: usize) -> Step<()> {
        match (self.pos > from, self.pos < self.b.len()) {
            (true, _) => Ok(()),
            (false, true) => Err("invalid number"),
            (false, false) => Err("EOF while parsing a value"),
        }
    }
}

/// `f × 10^exponent`, scaled as serde_json scales it (one multiplication or division by an
/// exact power of ten, divisions by 1e308 first for the smallest numbers).
fn float_value(negative: bool, mut f: f64, mut exponent: i64) -> Step<Value> {
    loop {
        match exponent.unsigned_abs() {
            e @ 0..=308 => {
                let pow = pow10(e as u32);
                if exponent >= 0 {
                    f *= pow;
                    if f.is_infinite() {
                        return Err("number out of range");
                    }
                } else {
                    f /= pow;
                }
                break;
            }
            _ => {
                if f == 0.0 {
                    break;
                }
                if exponent >= 0 {
                    return Err("number out of range");
                }
                f /= 1e308;
                exponent += 308;
            }
        }
    }
    Ok(Value::from(if negative { -f } else { f }))
}

/// 10^n as the literal `1e{n}` is (correctly rounded), for n up to 308, computed rather than
/// read from a 309-entry table: the table's doubles were 2.4 KB of `.rodata` that gzip hardly
/// shrinks. 5^n exactly in 32-bit limbs (5^308 < 2^736); its leading 64 bits, the bits below
/// folded into the last one so the conversion rounds as the full value would (5^n is odd,
/// so there is no tie), then times 2^n and 2^(the bits dropped), both exact. Up to 1e22
/// (every power of ten a double holds exactly, and all the exponents of ordinary numbers) a
/// small table answers at once: computing 1e17 cost `create` with a 5,000-product JSON
/// catalog ~9% in the bench.
fn pow10(n: u32) -> f64 {
    #[rustfmt::skip]
    const EXACT: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if let Some(&p) = EXACT.get(n as usize) {
        return p;
    }
    let mut limbs = [0u32; 23];
    limbs[0] = 1;
    let mut len = 1; // limbs in use
    for _ in 0..n {
        let mut carry = 0;
        for limb in limbs.iter_mut().take(len) {
            let v = u64::from(*limb) * 5 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if let (1.., Some(limb)) = (carry, limbs.get_mut(len)) {
            *limb = carry as u32;
            len += 1;
        }
    }
    let high = limbs.get(len - 1).copied().unwrap_or(1);
    let drop = (32 * len as u32 - high.leading_zeros()).saturating_sub(64);
    let limb = |i: u32| u128::from(limbs.get(i as usize).copied().unwrap_or(0));
    let (q, r) = (drop / 32, drop % 32);
    let top = ((limb(q) | limb(q + 1) << 32 | limb(q + 2) << 64) >> r) as u64;
    let below = limbs.iter().take(q as usize).any(|&l| l != 0) || limb(q) & ((1 << r) - 1) != 0;
    // 2^(n + drop) as a double: n + drop < 1024.
    (top | u64::from(below)) as f64 * f64::from_bits(u64::from(n + drop + 1023) << 52)
}

/// Writes itself as JSON text: byte for byte what serde_json prints for the same document
/// (objects' keys in its order, sorted; numbers as it prints them), with no tree built on
/// the way. Answers, the stored visitor and tab messages are written this way
/// (`tests/wire.rs` holds them to what the package wrote before).
pub trait WriteJson {
    fn write_json(&self, out: &mut String);
}

/// The JSON text of `v`.
pub fn to_text<T: WriteJson + ?Sized>(v: &T) -> String {
    // Room for a typical answer at once, not a dozen doublings from 8 bytes.
    let mut out = String::with_capacity(1024);
    v.write_json(&mut out);
    out
}

/// An object being written: fields in serde_json's key order (sorted by bytes), which the
/// caller keeps; host builds check it.
pub struct Fields<'a> {
    out: &'a mut String,
    first: bool,
    #[cfg(debug_assertions)]
    last: String,
}

/// Starts an object in `out`; `end` closes it.
pub fn fields(out: &mut String) -> Fields<'_> {
    out.push('{');
    Fields {
        out,
        first: true,
        #[cfg(debug_assertions)]
        last: String::new(),
    }
}

impl Fields<'_> {
    /// One field (through `dyn`: one copy of this code for every type written).
    pub fn field(&mut self, key: &str, v: &dyn WriteJson) -> &mut Self {
        #[cfg(debug_assertions)]
        {
            assert!(
                self.first || self.last.as_str() < key,
                "key {key:?} after {:?}: serde_json writes keys sorted",
                self.last
            );
            self.last = key.to_string();
        }
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, key);
        self.out.push(':');
        v.write_json(self.out);
        self
    }

    /// A field left out when absent (serde's `skip_serializing_if = "Option::is_none"`).
    pub fn opt<T: WriteJson>(&mut self, key: &str, v: &Option<T>) -> &mut Self {
        if let Some(v) = v {
            self.field(key, v);
        }
        self
    }

    pub fn end(&mut self) {
        self.out.push('}');
    }
}

/// A list written item by item with `each`: for items written another way than their own
/// `WriteJson` (a shorter form of the same struct).
pub fn list<T>(out: &mut String, items: &[T], each: impl Fn(&mut String, &T)) {
    write_items(out, items.len(), &|i: usize, out: &mut String| {
        each(out, &items[i])
    })
}

/// Writes item `i` of a list, for `write_items`.
trait Items {
    fn write_item(&self, i: usize, out: &mut String);
}

impl<F: Fn(usize, &mut String)> Items for F {
    fn write_item(&self, i: usize, out: &mut String) {
        self(i, out)
    }
}

impl<T: WriteJson> Items for Vec<T> {
    fn write_item(&self, i: usize, out: &mut String) {
        self[i].write_json(out)
    }
}

/// The brackets and commas of a list of `n` items: one copy of this loop for all the item
/// types (a generic one was compiled for each). A `Vec` is passed as the `dyn` itself, with
/// no closure to build around it.
fn write_items(out: &mut String, n: usize, items: &dyn Items) {
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        items.write_item(i, out);
    }
    out.push(']');
}

/// What the closure writes: an object or list made in place, from values at hand.
pub struct With<F: Fn(&mut String)>(pub F);

impl<F: Fn(&mut String)> WriteJson for With<F> {
    fn write_json(&self, out: &mut String) {
        (self.0)(out)
    }
}

impl WriteJson for Value {
    fn write_json(&self, out: &mut String) {
        write(out, self)
    }
}

impl WriteJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self)
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self)
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" })
    }
}

/// Integers exact, floats (f32 widened, as serde_json holds them) through `write_f64`.
macro_rules! write_numbers {
    ($($t:ty => $via:ident as $wide:ty),*) => {$(
        impl WriteJson for $t {
            fn write_json(&self, out: &mut String) {
                $via(out, *self as $wide)
            }
        }
    )*};
}
write_numbers!(u8 => write_u64 as u64, u16 => write_u64 as u64, u32 => write_u64 as u64,
    u64 => write_u64 as u64, usize => write_u64 as u64, i32 => write_i64 as i64,
    i64 => write_i64 as i64, f32 => write_f64 as f64, f64 => write_f64 as f64);

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, out: &mut String) {
        list(out, self, |out, item| item.write_json(out))
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        write_items(out, self.len(), self)
    }
}

/// A value as a `crate::value::Value`, for the crate's `json!` (the visitor context, template
/// values, schemas); answers are written as text by `WriteJson` instead.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl ToJson for Map<String, Value> {
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_owned())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

/// Numbers as serde_json holds them: integers exact, floats (f32 widened) as f64, a
/// non-finite float as `null`.
macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::from(*self)
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i32, i64, f32, f64);

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_json)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

/// `serde_json::json!`'s syntax (`null`, `true`, `[…]`, `{"key": value, (expr): value}`),
/// with every other value turned into JSON by `ToJson` rather than serde.
#[macro_export]
macro_rules! json {
    (@array [$($elems:expr,)*]) => { vec![$($elems,)*] };
    (@array [$($elems:expr),*]) => { vec![$($elems),*] };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!(null)] $($rest)*) };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!(true)] $($rest)*) };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!(false)] $($rest)*) };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!([$($array)*])] $($rest)*) };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!({$($map)*})] $($rest)*) };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => { $crate::json!(@array [$($elems,)* $crate::json!($next),] $($rest)*) };
    (@array [$($elems:expr,)*] $last:expr) => { $crate::json!(@array [$($elems,)* $crate::json!($last)]) };
    (@array [$($elems:expr),*] , $($rest:tt)*) => { $crate::json!(@array [$($elems,)*] $($rest)*) };

    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        let _ = $object.insert(($($key)+).into(), $value);
        $crate::json!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        let _ = $object.insert(($($key)+).into(), $value);
    };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!(null)) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!(true)) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!(false)) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!([$($array)*])) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!({$($map)*})) $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!($value)) , $($rest)*); };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => { $crate::json!(@object $object [$($key)+] ($crate::json!($value))); };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object ($key) (: $($rest)*) (: $($rest)*)); };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => { $crate::json!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*)); };

    (null) => { $crate::value::Value::Null };
    (true) => { $crate::value::Value::Bool(true) };
    (false) => { $crate::value::Value::Bool(false) };
    ([]) => { $crate::value::Value::Array(vec![]) };
    ([ $($tt:tt)+ ]) => { $crate::value::Value::Array($crate::json!(@array [] $($tt)+)) };
    ({}) => { $crate::value::Value::Object($crate::value::Map::new()) };
    ({ $($tt:tt)+ }) => {
        $crate::value::Value::Object({
            let mut object = $crate::value::Map::new();
            $crate::json!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    ($other:expr) => { $crate::jsontext::ToJson::to_json(&$other) };
}

/// Text made of pieces without `core::fmt` (issue 13): `cat!("at most ", max, " entries")` is
/// `format!("at most {max} entries")`, byte for byte. Strings go in as they are, integers as
/// `Display` writes them; floats are not pieces (`Display`'s digits are not JSON's: write them
/// through `json::num`). `cat!(into(out), …)` appends to a `&mut String`. Like
/// `format_args!`, the literals become one static template (a NUL where each other piece
/// goes; no literal holds one) and only the other pieces are passed, as `&dyn Piece`, to one
/// non-generic loop: no `Formatter`, padding or `Arguments` in the wasm.
#[macro_export]
macro_rules! cat {
    (into($out:expr), $($piece:tt)+) => {
        $crate::cat!(@ $crate::jsontext::cat_into, ($out,) [] ("") $($piece)+)
    };
    // Munching: literals join the template, every other piece leaves a NUL in it.
    (@ $f:path, ($($out:expr,)?) [$($arg:expr,)*] ($template:expr)) => {
        $f($($out,)? $template, &[$(&$arg as &dyn $crate::jsontext::Piece),*])
    };
    (@ $f:path, $out:tt $args:tt ($template:expr) $l:literal $(, $($rest:tt)*)?) => {
        $crate::cat!(@ $f, $out $args (concat!($template, $l)) $($($rest)*)?)
    };
    (@ $f:path, $out:tt [$($arg:expr,)*] ($template:expr) $e:expr $(, $($rest:tt)*)?) => {
        $crate::cat!(@ $f, $out [$($arg,)* $e,] (concat!($template, "\0")) $($($rest)*)?)
    };
    ($($piece:tt)+) => {
        $crate::cat!(@ $crate::jsontext::cat, () [] ("") $($piece)+)
    };
}

/// A piece of `cat!`'s text that is not a literal.
pub trait Piece {
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

/// `Utf8Error`'s `Display` text.
impl Piece for core::str::Utf8Error {
    fn push_to(&self, out: &mut String) {
        match self.error_len() {
            Some(n) => cat!(
                into(out),
                "invalid utf-8 sequence of ",
                n,
                " bytes from index "
            ),
            None => out.push_str("incomplete utf-8 byte sequence from index "),
        }
        write_u64(out, self.valid_up_to() as u64);
    }
}

macro_rules! integer_pieces {
    ($write:ident as $wide:ty: $($t:ty),+) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                $write(out, *self as $wide);
            }
        }
    )+};
}
integer_pieces!(write_u64 as u64: u8, u16, u32, u64, usize);
integer_pieces!(write_i64 as i64: i32, i64);

/// `cat!`'s body: `template` holds a NUL for each of `args`.
pub fn cat(template: &str, args: &[&dyn Piece]) -> String {
    let mut out = String::new();
    cat_into(&mut out, template, args);
    out
}

/// `cat!(into(…), …)`'s body.
pub fn cat_into(out: &mut String, template: &str, args: &[&dyn Piece]) {
    let mut args = args.iter();
    let mut from = 0;
    for (i, &b) in template.as_bytes().iter().enumerate() {
        if b == 0 {
            out.push_str(cut(template, from, i));
            if let Some(arg) = args.next() {
                arg.push_to(out);
            }
            from = i + 1;
        }
    }
    out.push_str(cut(template, from, template.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_splits_cut_as_core_does() {
        for s in [
            "",
            "/",
            "a",
            "a/b",
            "/a//b/",
            "é/ü/",
            "campaign:arm:x",
            "::",
        ] {
            for sep in [b'/', b':'] {
                let c = sep as char;
                assert_eq!(
                    split(s, sep).collect::<Vec<_>>(),
                    s.split(c).collect::<Vec<_>>()
                );
                assert_eq!(split_once(s, sep), s.split_once(c));
                assert_eq!(rsplit_once(s, sep), s.rsplit_once(c));
            }
        }
    }

    #[test]
    fn cat_writes_what_format_writes() {
        let (s, n, i) = ("x{}\"é", usize::MAX, i64::MIN);
        assert_eq!(cat!("a ", s, " b"), format!("a {s} b"));
        assert_eq!(
            cat!(n, i, "", 7u8, -3i32),
            format!("{n}{i}{}{}", 7u8, -3i32)
        );
        assert_eq!(cat!("only", " literals {}"), "only literals {}");
        assert_eq!(cat!(String::from("own"), 0u64), "own0");
        let mut out = String::from(">");
        cat!(into(&mut out), u32::MAX, " of ", &&s);
        assert_eq!(out, format!(">{} of {s}", u32::MAX));
        for bytes in [&b"ok\xff"[..], b"\xe2\x82", b"ab\xc3\x28"] {
            let e = std::str::from_utf8(bytes).unwrap_err();
            assert_eq!(cat!(e), e.to_string());
        }
    }

    /// Documents of every kind read as serde_json reads them and write back as it writes.
    #[test]
    fn reads_and_writes_as_serde_json_does() {
        let docs = [
            r#"{"b":[1,-2,3.5,-0.0,1e3,1E-3,0,-0,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809],"a":"x\"\\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude00é","c":{},"d":[],"e":null,"f":true,"g":false}"#,
            " [ 1 , { \"k\" : [ ] } ] \n",
            "123456789012345678901234567890.123456789e-5",
            "0.1",
            "2.5e-310",
            "1e-400",
            "4.9406564584124654e-324",
            "1.7976931348623157e308",
            "-1234.5678e+12",
            "\"\\u001f\\u007f\"",
            // Integer digits past the significand's precision, then fraction digits.
            "18446744073709551616.5",
            "1844674407370955161999.25e-3",
            "0.000",
        ];
        for doc in docs {
            let ours = read(doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            let theirs: Value = serde_json::from_str(doc).unwrap();
            assert_eq!(ours, theirs, "{doc}");
            assert_eq!(
                text(&ours),
                serde_json::to_string(&theirs).unwrap(),
                "{doc}"
            );
        }
    }

    /// Keys out of order and repeated (the last one wins) read as serde_json reads them, and
    /// 200,000 keys in reverse order take one sort, not a shift of the entries per key.
    #[test]
    fn reads_keys_in_any_order() {
        let many = format!(
            "{{{}}}",
            (0..200_000)
                .rev()
                .map(|i| format!("\"k{i}\":{i}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        for doc in [
            r#"{"b":1,"a":2,"b":3,"c":{"z":0,"y":1,"z":[2]},"a":{}}"#,
            r#"{"a":1,"a":2,"a":3}"#,
            r#"{"c":1,"b":2,"a":3,"b":4}"#,
            &many,
        ] {
            let ours = read(doc).unwrap();
            let theirs: Value = serde_json::from_str(doc).unwrap();
            assert_eq!(ours, theirs);
            assert_eq!(text(&ours), serde_json::to_string(&theirs).unwrap());
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        let bad = [
            "",
            " ",
            "{",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{1:2}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "1e+",
            "tru",
            "nul",
            "\"abc",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"a\u{1}b\"",
            "1 2",
            "1e400",
            "-1e400",
            "[1]x",
            "NaN",
            "Infinity",
            "+1",
        ];
        for doc in bad {
            assert!(read(doc).is_err(), "{doc:?} read");
            assert!(
                serde_json::from_str::<Value>(doc).is_err(),
                "{doc:?} serde_json"
            );
        }
        let deep = "[".repeat(129) + &"]".repeat(129);
        assert_eq!(
            read(&deep).unwrap_err(),
            "recursion limit exceeded at line 1 column 130"
        );
        assert!(read(&("[".repeat(128) + &"]".repeat(128))).is_ok());
        assert_eq!(
            read("{\"a\":\n  tru}").unwrap_err(),
            "expected value at line 2 column 3"
        );
    }

    /// Every power of ten the reader scales by is the literal's double.
    #[test]
    fn powers_of_ten_are_exact() {
        for n in 0..=308 {
            assert_eq!(pow10(n), format!("1e{n}").parse::<f64>().unwrap(), "1e{n}");
        }
    }

    #[test]
    fn js_decimals() {
        assert_eq!(js_decimal("1e3"), 1000.0);
        assert_eq!(js_decimal("-0.5"), -0.5);
        assert_eq!(js_decimal("+007.50"), 7.5);
        assert_eq!(js_decimal("-.5e1"), -5.0);
        assert_eq!(js_decimal("2."), 2.0);
        assert_eq!(js_decimal("1e400"), f64::INFINITY);
        assert_eq!(js_decimal("-1e400"), f64::NEG_INFINITY);
    }

    /// Many random numbers in every notation: the same f64 bits as serde_json's reader.
    #[test]
    fn numbers_round_like_serde_json() {
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let r = next();
            let f = f64::from_bits(r);
            let doc = match r % 4 {
                0 if f.is_finite() => serde_json::to_string(&f).unwrap(),
                1 => format!(
                    "{}.{}e{}",
                    r % 100_000,
                    next() % 1_000_000_007,
                    (next() % 700) as i64 - 350
                ),
                2 => format!("-{}{}", next(), next()),
                _ => format!("{}e-{}", next() % 1000, next() % 30),
            };
            let theirs: Value = serde_json::from_str(&doc).unwrap_or(Value::Null);
            match read(&doc) {
                Ok(ours) => assert_eq!(ours, theirs, "{doc}"),
                Err(_) => assert_eq!(theirs, Value::Null, "{doc}"),
            }
        }
    }
}
