//! JsonLogic (jsonlogic.com) with the semantics of the reference json-logic-js: a rule is
//! compiled once into a tree of resolved operators and evaluated many times without reading
//! its JSON again. Depends only on `value` (the JSON tree).
//!
//! Written here rather than taken from a crate: `jsonlogic-rs` adds ~46 KB and `datalogic-rs`
//! ~210 KB gzipped to the package (TOOLCHAIN.md), more than the whole budget allows.
//!
//! Semantics are json-logic-js 2.0.5's. Where it throws, or JSON cannot carry what it
//! does, this module decides:
//! - compile errors: unknown operators, objects with several keys (json-logic-js passes
//!   them through as values), `*` without arguments and `missing_some` with fewer than two
//!   (json-logic-js throws when it reaches them; these are reported wherever they are);
//! - `undefined`, NaN and ±Infinity pass between operators as in JS, and become null in the
//!   final result, as `JSON.stringify` writes them, and inside arrays an operator builds
//!   (`merge`, `map`, `missing`), where JS would keep them;
//! - `var` reads the data's own keys plus the `length` of arrays and strings, never JS
//!   prototype properties; strings are indexed by character (`substr`, "s.0", "s.length"),
//!   which is what JS does for text within the Basic Multilingual Plane;
//! - methods and dotted operator names (`{"Math.abs": …}`) are not supported, and data
//!   values passed as `missing` keys are never evaluated as rules;
//! - `apply` never fails: where json-logic-js throws on data (`missing_some` over null
//!   options) it answers as if the missing length were NaN.
//!
//! Recursion is bounded by `MAX_DEPTH`, and work by `MAX_WORK`: json-logic-js would run a
//! rule that doubles a string in `reduce` until the page runs out of memory; here it stops
//! (`try_apply` reports it, `apply` answers null, `matches` false) and the engine goes on.

use crate::prelude::*;

mod case;
mod compile;
pub mod dates;
mod eval;
mod js;
mod ops;
#[cfg(test)]
mod tests;

use crate::value::Value;
use compile::{Compiler, Node};
pub use eval::Fields;
use eval::{budget, eval, Scope};

pub use dates::{set_clock, Clock};
pub use js::{decimal, index_of, truthy};

/// Whether the operator spelt `name` reads the engine's clock or the store's time zone, so
/// a condition using it must be evaluated at the time of the decision, not cached.
pub fn reads_clock(name: &str) -> bool {
    ops::Op::from_name(name).is_some_and(ops::Op::reads_clock)
}

/// Deepest nesting of arrays and rule objects a rule may have.
pub const MAX_DEPTH: usize = 64;
/// Most JSON values (rules, arguments, literals) a rule may contain.
pub const MAX_NODES: usize = 10_000;

/// Work one evaluation may do: a unit per node evaluated, per JSON value copied and per
/// 8 bytes of string written. Conditions over a visitor's context spend a few hundred; the
/// bound keeps a hostile rule to tens of milliseconds and a few tens of MB.
pub const MAX_WORK: u64 = 4_000_000;

/// A compile error at a JSON Pointer relative to the rule root (`/and/1/==/0`): the crate's
/// `PathError` itself, so the errors pass out of the compiler without a copy.
pub use crate::error::PathError as LogicError;

/// A compiled JsonLogic rule.
#[derive(Debug, Clone)]
pub struct Logic {
    root: Node,
    /// Address of the names `index` pointed the rule's paths at (0: none).
    indexed: usize,
}

impl Logic {
    /// Compile a rule. Lists every error found (not just the first).
    pub fn compile(rule: &Value) -> Result<Logic, Vec<LogicError>> {
        let mut c = Compiler::new();
        let root = c.node(rule, 0);
        if c.errors.is_empty() {
            Ok(Logic { root, indexed: 0 })
        } else {
            Err(c.errors)
        }
    }

    /// Evaluate against data (the JsonLogic "data" object); an error when the evaluation
    /// needs more than `MAX_WORK`.
    pub fn try_apply(&self, data: &Value) -> Result<Value, LogicError> {
        match budget(MAX_WORK, || {
            eval(&self.root, Scope::Data(data)).into_value()
        }) {
            (v, false) => Ok(v),
            (_, true) => Err(LogicError {
                path: String::new(),
                message: crate::cat!("evaluating the rule takes more than ", MAX_WORK, " steps"),
            }),
        }
    }

    /// `try_apply`, with null for a rule that runs out of work.
    pub fn apply(&self, data: &Value) -> Value {
        self.try_apply(data).unwrap_or(Value::Null)
    }

    /// Evaluate and apply JsonLogic truthiness; false when the rule runs out of work.
    pub fn matches(&self, data: &Value) -> bool {
        let (pass, spent) = budget(MAX_WORK, || eval::test(&self.root, Scope::Data(data)));
        pass && !spent
    }

    /// Points the rule's constant `var` paths at `names`, so that over `Fields` made with
    /// the same (static) list it reads them by index. Evaluation over other data is unchanged.
    pub fn index(mut self, names: &'static [&'static str]) -> Logic {
        self.root.index(names);
        self.indexed = names.as_ptr() as usize;
        self
    }

    /// `matches` over fields: by index when the rule was indexed with their names, else over
    /// the object they nest into.
    pub fn matches_fields(&self, data: &Fields) -> bool {
        let scope = if data.has_names(self.indexed) {
            Scope::Fields(data)
        } else {
            Scope::Data(data.whole())
        };
        let (pass, spent) = budget(MAX_WORK, || eval::test(&self.root, scope));
        pass && !spent
    }
}
