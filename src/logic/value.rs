//! JavaScript value semantics over JSON values, as json-logic-js inherits them: truthiness,
//! `Number()`, `parseFloat`, `String()`, abstract (`==`) and strict (`===`) equality, and
//! relational comparison. Depends only on serde_json.

use serde_json::{Number, Value};

/// JsonLogic truthiness: JS truthiness, except that an empty array is false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// A number as JSON holds it: integral values as integers, non-finite ones as null.
pub fn number(f: f64) -> Value {
    if !f.is_finite() {
        Value::Null
    } else if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// JS `Number(v)`.
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                decimal(t).unwrap_or(f64::NAN)
            }
        }
        Value::Array(a) if a.is_empty() => 0.0,
        Value::Array(a) if a.len() == 1 => to_number(&Value::String(to_string(&a[0]))),
        _ => f64::NAN,
    }
}

/// JS `parseFloat(v)`: the longest numeric prefix of the string form.
pub fn parse_float(v: &Value) -> f64 {
    if let Value::Number(n) = v {
        return n.as_f64().unwrap_or(f64::NAN);
    }
    let s = to_string(v);
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    if end < b.len() && (b[end] == b'+' || b[end] == b'-') {
        end += 1;
    }
    let digits_start = end;
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    if end == digits_start || (end == digits_start + 1 && b[digits_start] == b'.') {
        return f64::NAN;
    }
    if end < b.len() && (b[end] == b'e' || b[end] == b'E') {
        let mut e = end + 1;
        if e < b.len() && (b[e] == b'+' || b[e] == b'-') {
            e += 1;
        }
        let exp_digits = e;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        if e > exp_digits {
            end = e;
        }
    }
    decimal(&t[..end]).unwrap_or(f64::NAN)
}

/// A decimal number in JS syntax (`+1`, `.5`, `1.` allowed), parsed by serde_json's number
/// reader: core's `f64::from_str` would add its own ~10 KB of tables to the wasm.
pub fn decimal(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => ("-", &s[1..]),
        Some(b'+') => ("", &s[1..]),
        _ => ("", s),
    };
    let (int, rest) = body.split_at(body.find(|c| c == '.' || c == 'e' || c == 'E').unwrap_or(body.len()));
    // JSON allows no leading zeros; JS ignores them.
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let rest = match rest.strip_prefix('.') {
        Some(r) if r.is_empty() || r.starts_with(['e', 'E']) => format!(".0{r}"),
        _ => rest.to_string(),
    };
    serde_json::from_str::<f64>(&format!("{sign}{int}{rest}")).ok()
}

/// JS number-to-string for the finite values JSON carries.
pub fn number_string(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        match number(f) {
            Value::Number(n) => n.to_string(),
            _ => "NaN".into(),
        }
    }
}

/// JS `String(v)`.
pub fn to_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_string(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(|x| if x.is_null() { String::new() } else { to_string(x) }).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// JS `===` (arrays and objects are equal only to themselves, which JSON values never are).
pub fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(_), _) | (Value::Object(_), _) => false,
        _ => a == b,
    }
}

/// JS `==` (abstract equality).
pub fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Number(_), Value::Number(_)) | (Value::String(_), Value::String(_)) | (Value::Bool(_), Value::Bool(_)) => strict_eq(a, b),
        (Value::Bool(_), _) => loose_eq(&number(to_number(a)), b),
        (_, Value::Bool(_)) => loose_eq(a, &number(to_number(b))),
        (Value::Number(_), Value::String(_)) | (Value::String(_), Value::Number(_)) => to_number(a) == to_number(b),
        (Value::Array(_) | Value::Object(_), Value::Array(_) | Value::Object(_)) => false,
        (Value::Array(_) | Value::Object(_), _) => loose_eq(&Value::String(to_string(a)), b),
        (_, Value::Array(_) | Value::Object(_)) => loose_eq(a, &Value::String(to_string(b))),
    }
}

/// JS `a < b` (`or_equal`: `a <= b`): strings compare as strings, anything else as numbers.
pub fn less(a: &Value, b: &Value, or_equal: bool) -> bool {
    let prim = |v: &Value| match v {
        Value::Array(_) | Value::Object(_) => Value::String(to_string(v)),
        v => v.clone(),
    };
    match (prim(a), prim(b)) {
        (Value::String(x), Value::String(y)) => {
            // JS compares UTF-16 code units.
            let (x, y): (Vec<u16>, Vec<u16>) = (x.encode_utf16().collect(), y.encode_utf16().collect());
            if or_equal {
                x <= y
            } else {
                x < y
            }
        }
        (x, y) => {
            let (x, y) = (to_number(&x), to_number(&y));
            if or_equal {
                x <= y
            } else {
                x < y
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_like_javascript() {
        for (s, want) in [("1", 1.0), ("+1.5", 1.5), (".5", 0.5), ("-.5", -0.5), ("2.", 2.0), ("1e3", 1000.0), ("007", 7.0)] {
            assert_eq!(to_number(&json!(s)), want, "{s}");
        }
        for s in ["abc", "1x", "inf", "--1", "1e"] {
            assert!(to_number(&json!(s)).is_nan(), "{s}");
        }
        assert_eq!(parse_float(&json!("3.5kg")), 3.5);
        assert!(parse_float(&json!("kg")).is_nan());
    }
}
