//! The operator table: each JsonLogic operator as an enum variant (resolved once, at
//! compile time), its spellings, and "did you mean" suggestions. Depends on nothing but
//! std.
//!
//! Adding an operator: a variant here, its name in `NAMES`, an arm in `eval::apply_op` (one
//! with a boolean result can answer in `eval::predicate` instead, and one comparing two
//! values in `eval::binary`, as the comparisons do). If
//! its result depends on anything but its arguments (the clock, say), leave it out of
//! `is_pure`, or calls with constant arguments get folded at compile time.

use crate::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Var,
    Missing,
    MissingSome,
    If,
    Eq,
    StrictEq,
    Ne,
    StrictNe,
    Not,
    NotNot,
    Or,
    And,
    Gt,
    Ge,
    Lt,
    Le,
    Max,
    Min,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Map,
    Filter,
    Reduce,
    All,
    None,
    Some,
    Merge,
    In,
    Cat,
    Substr,
    Log,
    // What the JsonLogic query builders add (see `dates.rs` and RULES.md).
    StartsWith,
    EndsWith,
    ToLowerCase,
    ToUpperCase,
    DateEq,
    DateNe,
    DatetimeEq,
    DatetimeNe,
    Now,
    Today,
    DateAdd,
    DatetimeTruncate,
}

/// Spellings in rules. `==` comes first so that it wins ties among suggestions for `=`.
const NAMES: [(&str, Op); 49] = [
    ("==", Op::Eq),
    ("===", Op::StrictEq),
    ("!=", Op::Ne),
    ("!==", Op::StrictNe),
    ("var", Op::Var),
    ("missing", Op::Missing),
    ("missing_some", Op::MissingSome),
    ("if", Op::If),
    ("?:", Op::If),
    ("!", Op::Not),
    ("!!", Op::NotNot),
    ("or", Op::Or),
    ("and", Op::And),
    (">", Op::Gt),
    (">=", Op::Ge),
    ("<", Op::Lt),
    ("<=", Op::Le),
    ("max", Op::Max),
    ("min", Op::Min),
    ("+", Op::Add),
    ("-", Op::Sub),
    ("*", Op::Mul),
    ("/", Op::Div),
    ("%", Op::Mod),
    ("map", Op::Map),
    ("filter", Op::Filter),
    ("reduce", Op::Reduce),
    ("all", Op::All),
    ("none", Op::None),
    ("some", Op::Some),
    ("merge", Op::Merge),
    ("in", Op::In),
    ("cat", Op::Cat),
    ("substr", Op::Substr),
    ("log", Op::Log),
    ("startsWith", Op::StartsWith),
    ("endsWith", Op::EndsWith),
    ("toLowerCase", Op::ToLowerCase),
    ("toUpperCase", Op::ToUpperCase),
    ("date==", Op::DateEq),
    ("date!=", Op::DateNe),
    ("datetime==", Op::DatetimeEq),
    ("datetime!=", Op::DatetimeNe),
    ("now", Op::Now),
    ("today", Op::Today),
    ("start_of_today", Op::Today),
    ("date_add", Op::DateAdd),
    ("datetime_add", Op::DateAdd),
    ("datetime_truncate", Op::DatetimeTruncate),
];

/// Operators the JsonLogic query builders can emit that vitrin does not run, with the
/// editor option each comes from, so an error names what the marketer picked.
const EDITOR_ONLY: [(&str, &str); 2] = [
    (
        "regexTest",
        "react-awesome-query-builder's regex test; use startsWith, endsWith or in",
    ),
    ("strlen", "react-awesome-query-builder's string length"),
];

/// The editor option an operator vitrin does not run comes from.
pub(super) fn editor_origin(name: &str) -> Option<&'static str> {
    EDITOR_ONLY
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, what)| what)
}

impl Op {
    pub(super) fn from_name(name: &str) -> Option<Op> {
        NAMES.iter().find(|(n, _)| *n == name).map(|&(_, op)| op)
    }

    /// Operators whose second argument is a rule run once per array item, against the item.
    pub(super) fn is_scoped(self) -> bool {
        matches!(
            self,
            Op::Map | Op::Filter | Op::Reduce | Op::All | Op::None | Op::Some
        )
    }

    /// Operators whose result depends only on their arguments' values, so a call with
    /// constant arguments can be evaluated once at compile time. Scoped operators are left
    /// out: nested ones over constant arrays could multiply into unbounded compile work.
    pub(super) fn is_pure(self) -> bool {
        !matches!(self, Op::Var | Op::Missing | Op::MissingSome)
            && !self.is_scoped()
            && !self.reads_clock()
    }

    /// Operators that read the engine's clock or the store's time zone (strings without a
    /// zone are read in it), so their result changes with the time of evaluation.
    pub(super) fn reads_clock(self) -> bool {
        matches!(
            self,
            Op::DateEq
                | Op::DateNe
                | Op::DatetimeEq
                | Op::DatetimeNe
                | Op::Now
                | Op::Today
                | Op::DateAdd
                | Op::DatetimeTruncate
        )
    }

    /// The least number of arguments below which json-logic-js throws.
    pub(super) fn min_args(self) -> usize {
        match self {
            // `*` reduces an empty list without an initial value; `missing_some` reads
            // `.length` of its missing option list.
            Op::Mul => 1,
            Op::MissingSome => 2,
            _ => 0,
        }
    }
}

/// The operator a mistyped name most likely meant, case ignored: edit distance (with
/// transpositions) at most 2, at most half the name's length (but 1 always allowed, for
/// `=` → `==`), and less than the longer name's length (so `=` does not suggest `<`). Ties
/// go to a candidate with the same characters (`=>` → `>=`), then to table order.
pub(super) fn suggest(name: &str) -> Option<&'static str> {
    // Operators spelt as words in other query languages (Mongo, Django, SQL): not typos.
    const WORDS: [(&str, &str); 11] = [
        ("lte", "<="),
        ("le", "<="),
        ("gte", ">="),
        ("ge", ">="),
        ("lt", "<"),
        ("gt", ">"),
        ("eq", "=="),
        ("ne", "!="),
        ("neq", "!="),
        ("not", "!"),
        ("contains", "in"),
    ];
    if let Some(&(_, op)) = WORDS.iter().find(|(w, _)| w.eq_ignore_ascii_case(name)) {
        return Some(op);
    }
    // Operator names are ASCII; Unicode case tables would cost the wasm more than they help.
    let lower: Vec<char> = name.to_ascii_lowercase().chars().collect();
    // No operator is longer than 17 characters, so nothing longer than 19 is within 2.
    if lower.len() > 19 {
        return None;
    }
    // The first of the closest (as `min_by_key`), by a loop: the adapters compiled copies.
    let mut best: Option<((usize, bool), &'static str)> = None;
    for &(cand, _) in &NAMES {
        let c: Vec<char> = cand.to_ascii_lowercase().chars().collect();
        let d = crate::error::edit_distance(&lower, &c, true);
        if !(d <= 2 && d <= (lower.len() / 2).max(1) && d < c.len().max(lower.len())) {
            continue;
        }
        let key = (d, !same_chars(&lower, &c));
        if best.is_none_or(|(b, _)| key < b) {
            best = Some((key, cand));
        }
    }
    best.map(|(_, cand)| cand)
}

/// Whether `b` is a rearrangement of `a`.
fn same_chars(a: &[char], b: &[char]) -> bool {
    let count = |s: &[char], c: char| s.iter().filter(|&&x| x == c).count();
    a.len() == b.len() && a.iter().all(|&c| count(a, c) == count(b, c))
}
