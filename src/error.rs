//! The one error type of the engine: a stable snake_case code, a human message and the
//! JSON Pointer of the input at fault. Depends on nothing but std and `value`.

use crate::prelude::*;

/// One problem found in a document, located by a JSON Pointer (RFC 6901).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(serde::Serialize))]
pub struct PathError {
    pub path: String,
    pub message: String,
}

/// What every fallible public entry point returns; its fields are `ErrorData`'s (read
/// through `Deref`). Boxed so that a `Result` is a pointer wide: every `?` in the engine
/// moves and drops one word instead of 44 bytes, which made the wasm's code smaller
/// (issue 13).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.message)]
pub struct Error(Box<ErrorData>);

/// `code` is part of the public contract (`VitrinError.code` in JS), so codes are only
/// ever added, never renamed.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorData {
    pub code: &'static str,
    pub message: String,
    pub path: Option<String>,
    pub errors: Vec<PathError>,
}

impl core::ops::Deref for Error {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl ErrorData {
    /// Boxed into an `Error`. (Not a `From` impl: a second conversion into `Error` would
    /// leave `?` in closures without an inferable error type.)
    pub fn boxed(self) -> Error {
        Error(Box::new(self))
    }
}

/// "message (at /path)", or "(at the rule root)" for the empty pointer: how tests and hosts
/// print one error; nothing on the wasm's paths formats it.
impl core::fmt::Display for PathError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let path = if self.path.is_empty() {
            "the rule root"
        } else {
            &self.path
        };
        write!(f, "{} (at {path})", self.message)
    }
}

impl crate::jsontext::WriteJson for PathError {
    fn write_json(&self, out: &mut String) {
        crate::jsontext::fields(out)
            .field("message", &self.message)
            .field("path", &self.path)
            .end()
    }
}

impl Error {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        (ErrorData {
            code,
            message: message.into(),
            path: None,
            errors: Vec::new(),
        })
        .boxed()
    }

    /// The fields, owned.
    pub fn into_data(self) -> ErrorData {
        *self.0
    }

    pub fn at(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::at_owned(code, path.into(), message.into())
    }

    /// `at`'s body, compiled once rather than per argument type (issue 13: wasm size).
    fn at_owned(code: &'static str, path: String, message: String) -> Self {
        (ErrorData {
            code,
            message: crate::cat!(
                message,
                " (at ",
                if path.is_empty() { "/" } else { &path },
                ")"
            ),
            errors: vec![PathError {
                path: path.clone(),
                message,
            }],
            path: Some(path),
        })
        .boxed()
    }

    /// Several errors in one document, each with its path; `path` is the first one.
    pub fn many(code: &'static str, what: &str, errors: Vec<PathError>) -> Self {
        let first = errors
            .first()
            .map(|e| crate::cat!(": ", e.message, " at ", display_path(&e.path)));
        (ErrorData {
            code,
            message: crate::cat!(
                what,
                ": ",
                errors.len(),
                " error(s)",
                first.unwrap_or_default()
            ),
            path: errors.first().map(|e| e.path.clone()),
            errors,
        })
        .boxed()
    }

    pub fn to_json(&self) -> String {
        crate::jsontext::to_text(self)
    }
}

/// `{ code, message, path?, errors? }`, the shape `VitrinError` is built from.
impl crate::jsontext::WriteJson for Error {
    fn write_json(&self, out: &mut String) {
        let mut o = crate::jsontext::fields(out);
        o.field("code", &self.code);
        if !self.errors.is_empty() {
            o.field("errors", &self.errors);
        }
        o.field("message", &self.message)
            .opt("path", &self.path)
            .end()
    }
}

fn display_path(p: &str) -> &str {
    if p.is_empty() {
        "/"
    } else {
        p
    }
}

pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Appends one reference token to a JSON Pointer, escaping `~` and `/`.
pub fn join(path: &str, token: impl crate::jsontext::Piece) -> String {
    join_str(path, &crate::cat!(token))
}

/// `join`'s body, compiled once rather than per token type.
fn join_str(path: &str, token: &str) -> String {
    let mut out = String::with_capacity(path.len() + token.len() + 1);
    out.push_str(path);
    push_token(&mut out, token);
    out
}

/// Appends `/` and `token` escaped (`~0`, `~1`) to a JSON Pointer: `join` and the
/// condition compiler's pointer share this loop.
pub(crate) fn push_token(out: &mut String, token: &str) {
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

crate::names! {
    /// Every `VitrinError.code`, from the engine and from the package's JavaScript alike
    /// (the TypeScript union `ErrorCode` is generated from this list; a test checks that
    /// every code the sources raise is here).
    pub enum Code {
        InvalidOptions = "invalid_options",
        InvalidArgument = "invalid_argument",
        InvalidCatalog = "invalid_catalog",
        InvalidProfile = "invalid_profile",
        InvalidRules = "invalid_rules",
        InvalidEvent = "invalid_event",
        InvalidConsent = "invalid_consent",
        InvalidCondition = "invalid_condition",
        InvalidData = "invalid_data",
        InvalidClock = "invalid_clock",
        InvalidSnapshot = "invalid_snapshot",
        UnknownProduct = "unknown_product",
        UnknownSlot = "unknown_slot",
        UnknownPrompt = "unknown_prompt",
        UnknownCampaign = "unknown_campaign",
        EvaluationLimit = "evaluation_limit",
        StorageCorrupt = "storage_corrupt",
        StorageVersion = "storage_version",
        StorageFailed = "storage_failed",
        StorageUnavailable = "storage_unavailable",
        SyncFailed = "sync_failed",
        SyncOverflow = "sync_overflow",
        SyncRejected = "sync_rejected",
        SyncUnauthorized = "sync_unauthorized",
        LoadFailed = "load_failed",
        Destroyed = "destroyed",
        InternalError = "internal_error",
    }
}

/// `" (did you mean \"x\"?)"` when a candidate is within two edits, else empty.
pub fn did_you_mean<'a>(word: &str, mut candidates: impl Iterator<Item = &'a str>) -> String {
    nearest(word, &mut candidates)
}

/// The names joined with ", ", for messages that list what is allowed: std's generic
/// `join` and a `Vec` per call site cost 0.4 KB gzip of wasm more than this.
pub fn listed<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    list(&mut names)
}

/// `listed`'s body, compiled once rather than per iterator type.
fn list<'a>(names: &mut dyn Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

/// `did_you_mean`'s body, compiled once rather than per iterator type.
fn nearest<'a>(word: &str, candidates: &mut dyn Iterator<Item = &'a str>) -> String {
    // The first of the closest: a loop, not `filter(..).min_by_key(..)` (more wasm).
    let word: Vec<char> = word.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&word, &c.chars().collect::<Vec<char>>(), false);
        if d <= 2 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    hint(best.map(|(_, c)| c))
}

/// `" (did you mean \"x\"?)"` for a suggestion, else empty: the field names' and the
/// operators' suggestions share it.
pub(crate) fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|c| crate::cat!(" (did you mean \"", c, "\"?)"))
        .unwrap_or_default()
}

/// Levenshtein distance, with `swaps` the optimal string alignment distance (adjacent
/// transpositions count one): field names use the first, operator names the second; one
/// body serves both.
pub(crate) fn edit_distance(a: &[char], b: &[char], swaps: bool) -> usize {
    // Rows pushed by one loop, and ranges without `..=`: `collect`, `clone`, `vec!` and
    // `RangeInclusive` compiled copies for this function alone.
    let (mut before, mut prev, mut cur) = (Vec::new(), Vec::new(), Vec::new());
    for j in 0..b.len() + 1 {
        before.push(0);
        prev.push(j);
        cur.push(0);
    }
    for i in 1..a.len() + 1 {
        cur[0] = i;
        for j in 1..b.len() + 1 {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if swaps && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        core::mem::swap(&mut before, &mut prev);
        core::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// Without swaps it is plain Levenshtein, as field-name suggestions always had: checked
    /// against the textbook one-row version over every pair of a few words.
    #[test]
    fn without_swaps_it_is_levenshtein() {
        fn levenshtein(a: &str, b: &str) -> usize {
            let b: Vec<char> = b.chars().collect();
            let mut row: Vec<usize> = (0..=b.len()).collect();
            for (i, ca) in a.chars().enumerate() {
                let mut prev = row[0];
                row[0] = i + 1;
                for (j, cb) in b.iter().enumerate() {
                    let cur = row[j + 1];
                    row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                    prev = cur;
                }
            }
            row[b.len()]
        }
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "priority",
            "priorty",
            "pirority",
            "kitten",
            "sitting",
            "perDay",
            "perdya",
            "çğü",
            "ğçü",
            "withinMinutes",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    edit_distance(&chars(a), &chars(b), false),
                    levenshtein(a, b),
                    "{a} {b}"
                );
            }
        }
        assert_eq!(edit_distance(&chars("ab"), &chars("ba"), false), 2);
        assert_eq!(edit_distance(&chars("ab"), &chars("ba"), true), 1);
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting"), true), 3);
    }
}
