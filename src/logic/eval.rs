//! Evaluating a compiled rule against data, with json-logic-js semantics. Results borrow
//! from the data or the rule wherever they can; only new values allocate. Recursion follows
//! the compiled tree, whose depth the compiler bounds. Work is bounded too (`budget`):
//! every node evaluated, value copied and string byte written spends from it, so a rule
//! that doubles its `reduce` accumulator or nests loops stops in milliseconds instead of
//! exhausting the wasm memory. Constants and `var` reads without a default, the usual
//! operands, are read in place (`leaf`); a `Node::Cmp` checks the number it reads against
//! its range at once, and `and`/`or`/`!`, and `==`/`!=`/`===`/`!==`/`in` between two such
//! operands, are tested in `test` itself. Depends only on `value` (the JSON tree).

use super::case;
use super::compile::{array_index, Node, Seg};
use super::dates::{self, Unit};
use super::js::{
    compare, index_of, loose_eq, num_of, number, parse_float, push_js_string, rem, strict_eq,
    to_js_string, to_number, truthy_v, V,
};
use super::ops::Op;
use crate::prelude::*;
use crate::value::{Map, Value};
use core::cell::OnceCell;
use core::cmp::Ordering;

static NULL: Value = Value::Null;

// Work left to the evaluation under way; outside `budget`, unlimited.
thread_cell!(fn fuel: u64 = u64::MAX);

/// Runs `f` with `work` units to spend; answers its result and whether the work ran out.
/// Once it has, every node evaluates to undefined (and tests to false) at once.
pub(super) fn budget<R>(work: u64, f: impl FnOnce() -> R) -> (R, bool) {
    let outer = fuel(|c| c.replace(work));
    let r = f();
    let left = fuel(|c| c.replace(outer));
    (r, left == 0)
}

/// Takes `n` units; false, and nothing left, when fewer remain.
#[inline(always)]
fn spend(n: u64) -> bool {
    fuel(|c| {
        let left = c.get();
        c.set(left.saturating_sub(n));
        left > n
    })
}

/// What copying a value costs: a unit per JSON value and per 8 bytes of its strings.
fn weight(v: &Value) -> u64 {
    match v {
        Value::Array(items) => 1 + items.iter().map(weight).sum::<u64>(),
        Value::Object(map) => {
            1 + map
                .iter()
                .map(|(k, v)| k.len() as u64 / 8 + weight(v))
                .sum::<u64>()
        }
        Value::String(s) => 1 + s.len() as u64 / 8,
        _ => 1,
    }
}

/// A copy of `v`, paid for; null once the budget is spent.
fn copy(v: &Value) -> Value {
    if spend(weight(v)) {
        v.clone()
    } else {
        Value::Null
    }
}

/// An evaluation result: borrowed from the data or the rule, or new. `Undef` and `Num` hold
/// what JS operators can produce but JSON cannot (undefined, NaN, ±Infinity); later
/// operators see them as JS would, and the final result turns them into null.
pub(super) enum Val<'a> {
    Undef,
    Ref(&'a Value),
    Own(Value),
    Num(f64),
}

impl<'a> Val<'a> {
    pub fn v(&self) -> V<'_> {
        match self {
            Val::Undef => V::Undef,
            Val::Ref(r) => V::Json(r),
            Val::Own(o) => V::Json(o),
            Val::Num(f) => V::Num(*f),
        }
    }

    /// The value as JSON: what `JSON.stringify` makes of it.
    pub fn into_value(self) -> Value {
        match self {
            Val::Undef => Value::Null,
            Val::Ref(r) => copy(r),
            Val::Own(o) => o,
            Val::Num(f) => number(f),
        }
    }

    /// True when the value is JSON as it stands (no undefined, NaN or infinity).
    pub fn is_json(&self) -> bool {
        match self {
            Val::Undef => false,
            Val::Num(f) => f.is_finite(),
            _ => true,
        }
    }

    fn into_static(self) -> Val<'static> {
        match self {
            Val::Undef => Val::Undef,
            Val::Ref(r) => Val::Own(copy(r)),
            Val::Own(o) => Val::Own(o),
            Val::Num(f) => Val::Num(f),
        }
    }
}

/// Data given as values at fixed names ("cart.value", one dot at most), each made by `fill` the first
/// time a rule reads it. A rule indexed with the same names (`Logic::index`) reads a value
/// by its index, with no lookup by name; anything else (a computed `var`, `missing`, the
/// whole data) reads the object the values nest into, built once when first needed.
pub struct Fields<'a> {
    names: &'a [&'a str],
    cells: Vec<OnceCell<Value>>,
    fill: &'a dyn Fn(usize) -> Value,
    whole: OnceCell<Value>,
}

impl<'a> Fields<'a> {
    pub fn new(names: &'a [&'a str], fill: &'a dyn Fn(usize) -> Value) -> Self {
        Fields {
            names,
            cells: names.iter().map(|_| OnceCell::new()).collect(),
            fill,
            whole: OnceCell::new(),
        }
    }

    /// Whether rules indexed with `names` may read these fields by index.
    pub(super) fn has_names(&self, names: usize) -> bool {
        self.names.as_ptr() as usize == names
    }

    pub fn get(&self, i: usize) -> &Value {
        let cell = &self.cells[i];
        // Filled once, read many times: the read stays off the initialising call.
        match cell.get() {
            Some(v) => v,
            None => cell.get_or_init(|| (self.fill)(i)),
        }
    }

    /// The values nested into one object by their names ("cart.value": `cart` → `value`;
    /// a name has one dot at most).
    pub fn whole(&self) -> &Value {
        self.whole.get_or_init(|| {
            let mut root = Map::new();
            for (i, name) in self.names.iter().enumerate() {
                let v = self.get(i).clone();
                // `insert` and `get_mut`, not `entry(..).or_insert_with(..)`, which compiled
                // a copy of its own here.
                let Some((outer, inner)) = crate::jsontext::split_once(name, b'.') else {
                    root.insert(name.to_string(), v);
                    continue;
                };
                if !root.contains_key(outer) {
                    root.insert(outer.to_string(), Value::Object(Map::new()));
                }
                if let Some(Value::Object(m)) = root.get_mut(outer) {
                    m.insert(inner.to_string(), v);
                }
            }
            Value::Object(root)
        })
    }

    pub fn into_value(self) -> Value {
        self.whole();
        self.whole.into_inner().unwrap_or(Value::Null)
    }
}

/// What `var` reads: the data, or inside a `reduce` body the pair json-logic-js passes as
/// `{"current": …, "accumulator": …}`, kept as two references instead of a built object.
/// A tag and a pointer: small enough for the wasm to pass it by value in every call of the
/// evaluation, not through a copy in memory.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    Data(&'a Value),
    /// Indexed fields: a `var` whose path starts at one of them reads it by index.
    Fields(&'a Fields<'a>),
    /// `current` and `accumulator`.
    Reduce(&'a (&'a Value, V<'a>)),
}

pub(super) fn eval<'a>(node: &'a Node, scope: Scope<'a>) -> Val<'a> {
    if !spend(1) {
        return Val::Undef;
    }
    match node {
        Node::Const(v) => Val::Ref(v),
        Node::Array(items) => {
            // A loop, not `map(..).collect()`: the adapter compiled its own copy.
            let mut out = Vec::new();
            for n in items {
                out.push(eval(n, scope).into_value());
            }
            Val::Own(Value::Array(out))
        }
        Node::Var {
            path,
            default,
            slot,
        } => {
            let (start, path) = var_start(scope, path, *slot);
            match lookup(start, &mut path.iter().map(|s| (&*s.key, s.index))) {
                Some(v) => v,
                None => not_found(default.as_deref().map(|d| eval(d, scope))),
            }
        }
        Node::Op(op, args) | Node::Cmp { op, args, .. } => apply_op(*op, args, scope),
    }
}

/// Where a constant `var` path starts: at its field, read by index, when the rule runs over
/// `Fields` (the path's rest is walked from there), else at the scope.
#[inline(always)]
fn var_start<'a>(
    scope: Scope<'a>,
    path: &'a [Seg],
    slot: Option<(u16, u8)>,
) -> (Scope<'a>, &'a [Seg]) {
    match (scope, slot) {
        (Scope::Fields(f), Some((ix, skip))) => {
            // `index` set `skip` within the path; `get` keeps a panicking call out.
            let rest = path.get(usize::from(skip)..).unwrap_or_default();
            (Scope::Data(f.get(ix.into())), rest)
        }
        _ => (scope, path),
    }
}

/// `var`'s default: null unless one was given (and is not undefined).
fn not_found(default: Option<Val<'_>>) -> Val<'_> {
    match default {
        None | Some(Val::Undef) => Val::Ref(&NULL),
        Some(v) => v,
    }
}

/// Argument `i`; JS `undefined` when the rule gave fewer.
fn arg<'a>(args: &'a [Node], i: usize, scope: Scope<'a>) -> Val<'a> {
    args.get(i).map_or(Val::Undef, |n| eval(n, scope))
}

fn boolean<'a>(b: bool) -> Val<'a> {
    Val::Own(Value::Bool(b))
}

fn apply_op<'a>(op: Op, args: &'a [Node], scope: Scope<'a>) -> Val<'a> {
    let a0 = || arg(args, 0, scope);
    let a1 = || arg(args, 1, scope);
    match op {
        Op::Var => match lookup_key(scope, a0().v()) {
            Some(v) => v,
            None => not_found(args.get(1).map(|n| eval(n, scope))),
        },
        Op::Missing => {
            let mut vals = Vec::new();
            for n in args {
                vals.push(eval(n, scope));
            }
            // `{"missing": [[...keys]]}` (typically from merge or if) takes the inner list.
            let keys: Vec<V> = match vals.first().map(Val::v) {
                Some(V::Json(Value::Array(list))) => views(list),
                _ => {
                    let mut keys = Vec::new();
                    for v in &vals {
                        keys.push(v.v());
                    }
                    keys
                }
            };
            Val::Own(Value::Array(missing(scope, &keys)))
        }
        Op::MissingSome => {
            let need = to_number(a0().v());
            let options = a1();
            // JS compares `options.length` (undefined, so NaN, unless array or string).
            let (len, keys): (f64, Vec<V>) = match options.v() {
                V::Json(Value::Array(list)) => match list.first() {
                    Some(Value::Array(inner)) => (list.len() as f64, views(inner)),
                    _ => (list.len() as f64, views(list)),
                },
                s @ V::Json(Value::String(text)) => (char_count(text) as f64, vec![s]),
                other => (f64::NAN, vec![other]),
            };
            let absent = missing(scope, &keys);
            Val::Own(Value::Array(if len - absent.len() as f64 >= need {
                Vec::new()
            } else {
                absent
            }))
        }
        Op::If => {
            let mut pairs = args.chunks_exact(2);
            for pair in pairs.by_ref() {
                if truthy_v(eval(&pair[0], scope).v()) {
                    return eval(&pair[1], scope);
                }
            }
            // An odd last argument is the else branch; without one the result is null.
            pairs
                .remainder()
                .first()
                .map_or(Val::Ref(&NULL), |n| eval(n, scope))
        }
        Op::Or | Op::And => {
            // The deciding value itself, or the last one.
            let mut last = Val::Undef;
            for n in args {
                last = eval(n, scope);
                if truthy_v(last.v()) == (op == Op::Or) {
                    break;
                }
            }
            last
        }
        Op::Eq
        | Op::Ne
        | Op::StrictEq
        | Op::StrictNe
        | Op::Not
        | Op::NotNot
        | Op::Gt
        | Op::Ge
        | Op::Lt
        | Op::Le
        | Op::All
        | Op::None
        | Op::Some
        | Op::In => boolean(predicate(op, args, scope)),
        Op::Max | Op::Min => {
            let mut acc = if op == Op::Max {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            for n in args {
                let x = number_arg(n, scope, to_number);
                acc = if x.is_nan() || acc.is_nan() {
                    f64::NAN
                } else if op == Op::Max {
                    acc.max(x)
                } else {
                    acc.min(x)
                };
            }
            Val::Num(acc)
        }
        Op::Add => Val::Num(
            args.iter()
                .fold(0.0, |sum, n| sum + number_arg(n, scope, parse_float)),
        ),
        Op::Mul => match args {
            // JS reduce without an initial value returns a lone item untouched.
            [only] => eval(only, scope),
            _ => Val::Num(
                args.iter()
                    .map(|n| number_arg(n, scope, parse_float))
                    .product(),
            ),
        },
        // One `pair` for the three: a `pair` per arm compiled a copy each.
        Op::Sub | Op::Div | Op::Mod => Val::Num(pair(args, scope, |a, b| {
            let (x, y) = (to_number(a), to_number(b));
            match (op, b) {
                (Op::Sub, V::Undef) => -x,
                (Op::Sub, _) => x - y,
                (Op::Div, _) => x / y,
                _ => rem(x, y),
            }
        })),
        Op::Map | Op::Filter => {
            let mut held = None;
            let items = items(args.first(), scope, &mut held);
            let f = args.get(1);
            let mut out = Vec::new();
            items.each(&mut |x| {
                if op == Op::Map {
                    // A missing body is undefined for every item.
                    out.push(
                        f.map_or(Val::Undef, |n| eval(n, Scope::Data(x)))
                            .into_value(),
                    );
                } else if f.is_some_and(|n| test(n, Scope::Data(x))) {
                    out.push(copy(x));
                }
                true
            });
            Val::Own(Value::Array(out))
        }
        Op::Reduce => {
            // Only a missing initial value is null; one that evaluates to undefined stays so.
            let initial = args.get(2).map_or(Val::Ref(&NULL), |n| eval(n, scope));
            let mut held = None;
            let items = items(args.first(), scope, &mut held);
            if items.is_empty() {
                return initial;
            }
            let mut acc = initial.into_static();
            items.each(&mut |x| {
                acc = match args.get(1) {
                    Some(f) => eval(f, Scope::Reduce(&(x, acc.v()))).into_static(),
                    None => Val::Undef,
                };
                true
            });
            acc
        }
        Op::Merge => {
            let mut out = Vec::new();
            for n in args {
                match eval(n, scope) {
                    Val::Own(Value::Array(items)) => out.extend(items),
                    Val::Ref(Value::Array(items)) => out.extend(items.iter().map(copy)),
                    other => out.push(other.into_value()),
                }
            }
            Val::Own(Value::Array(out))
        }
        Op::Cat => {
            let mut out = String::new();
            for n in args {
                let v = eval(n, scope);
                // Array.prototype.join writes null and undefined as nothing.
                if !matches!(v.v(), V::Undef | V::Json(Value::Null)) {
                    let before = out.len();
                    push_js_string(&mut out, v.v());
                    if !spend(1 + (out.len() - before) as u64 / 8) {
                        return Val::Undef;
                    }
                }
            }
            Val::Own(Value::String(out))
        }
        Op::Substr => Val::Own(Value::String(substr(
            a0().v(),
            a1().v(),
            arg(args, 2, scope).v(),
        ))),
        Op::Log => a0(),
        Op::StartsWith
        | Op::EndsWith
        | Op::DateEq
        | Op::DateNe
        | Op::DatetimeEq
        | Op::DatetimeNe => boolean(predicate(op, args, scope)),
        Op::ToLowerCase | Op::ToUpperCase => match a0().v() {
            // JS throws for anything but a string (json-logic-js lets it); here, undefined.
            V::Json(Value::String(s)) if spend(1 + s.len() as u64 / 8) => {
                Val::Own(Value::String(if op == Op::ToLowerCase {
                    case::to_lower(s)
                } else {
                    case::to_upper(s)
                }))
            }
            _ => Val::Undef,
        },
        Op::Now => Val::Num(dates::clock().now),
        Op::Today => {
            let c = dates::clock();
            Val::Num(dates::truncate(c.now, Unit::Day, c.utc_offset_ms))
        }
        Op::DateAdd => {
            let offset = dates::clock().utc_offset_ms;
            let (t, unit) = (date(a0().v()), unit(arg(args, 2, scope).v()));
            let n = to_number(a1().v());
            Val::Num(match (t, unit) {
                (Some(t), Some(unit)) => dates::add(t, n, unit, offset),
                _ => f64::NAN,
            })
        }
        Op::DatetimeTruncate => {
            let offset = dates::clock().utc_offset_ms;
            Val::Num(match (date(a0().v()), unit(a1().v())) {
                (Some(t), Some(unit)) => dates::truncate(t, unit, offset),
                _ => f64::NAN,
            })
        }
    }
}

/// A date operand in ms: a number, or an ISO 8601 string read in the store's zone.
fn date(v: V) -> Option<f64> {
    let t = match v {
        V::Num(f) => f,
        V::Json(Value::Number(n)) => n.as_f64()?,
        V::Json(Value::String(s)) => dates::parse_iso(s, dates::clock().utc_offset_ms)?,
        _ => return None,
    };
    t.is_finite().then_some(t)
}

fn unit(v: V) -> Option<Unit> {
    match v {
        V::Json(Value::String(s)) => Unit::parse(s),
        _ => None,
    }
}

/// Constants and plain `var` reads, the usual operands of comparisons, viewed without
/// building (and later dropping) a `Val`; `None` for anything else, and for what only
/// `lookup` answers (a reduce body's names, `length`, characters of strings).
fn leaf<'a>(node: &'a Node, scope: Scope<'a>) -> Option<&'a Value> {
    let (path, slot) = match node {
        Node::Const(v) => return Some(v),
        Node::Var {
            path,
            default: None,
            slot,
        } => (path, *slot),
        _ => return None,
    };
    let (start, path) = var_start(scope, path, slot);
    let mut cur = match start {
        Scope::Data(d) => d,
        Scope::Fields(f) => f.whole(),
        Scope::Reduce(_) => return None,
    };
    // Absent is null here: `var` without a default answers null, and null has no keys.
    for s in path {
        cur = match (cur, s.index) {
            (Value::Object(m), _) => m.get(&*s.key).unwrap_or(&NULL),
            (Value::Array(items), Some(i)) => items.get(i).unwrap_or(&NULL),
            (Value::Array(_) | Value::String(_), _) => return None,
            _ => &NULL,
        }
    }
    Some(cur)
}

/// A view of an argument (undefined when absent), evaluating into `held` if need be.
fn view<'s, 'a: 's>(
    node: Option<&'a Node>,
    scope: Scope<'a>,
    held: &'s mut Option<Val<'a>>,
) -> V<'s> {
    let Some(n) = node else {
        return V::Undef;
    };
    if let Some(v) = leaf(n, scope) {
        return V::Json(v);
    }
    held.insert(eval(n, scope)).v()
}

/// The items a scoped operator walks: its list's array (none for anything else). When the
/// list is itself a `filter`, the passing items are kept by reference instead of copied
/// into the new array `filter` alone has to return.
enum Items<'a> {
    All(&'a [Value]),
    Picked(Vec<&'a Value>),
}

impl Items<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Items::All(all) => all.is_empty(),
            Items::Picked(some) => some.is_empty(),
        }
    }

    /// Runs `f` on each item in order while it returns true. Loops, not a `chain` of the
    /// two lists: each adapter use compiled its own copy. `dyn`, so the four scoped
    /// operators share one copy of the two loops.
    fn each(&self, f: &mut dyn FnMut(&Value) -> bool) {
        match self {
            Items::All(all) => {
                for x in *all {
                    if !f(x) {
                        return;
                    }
                }
            }
            Items::Picked(some) => {
                for x in some {
                    if !f(x) {
                        return;
                    }
                }
            }
        }
    }
}

fn items<'s, 'a: 's>(
    list: Option<&'a Node>,
    scope: Scope<'a>,
    held: &'s mut Option<Val<'a>>,
) -> Items<'s> {
    if let Some(Node::Op(Op::Filter, args)) = list {
        let V::Json(Value::Array(all)) = view(args.first(), scope, held) else {
            return Items::All(&[]);
        };
        let f = args.get(1);
        let mut picked = Vec::new();
        for x in all {
            if f.is_some_and(|n| test(n, Scope::Data(x))) {
                picked.push(x);
            }
        }
        return Items::Picked(picked);
    }
    match view(list, scope, held) {
        V::Json(Value::Array(all)) => Items::All(all),
        _ => Items::All(&[]),
    }
}

/// A number read from an argument by `conv` (JS `Number` or `parseFloat`).
fn number_arg(node: &Node, scope: Scope<'_>, conv: fn(V) -> f64) -> f64 {
    let mut held = None;
    conv(view(Some(node), scope, &mut held))
}

/// Runs `f` on views of the first two arguments.
fn pair<R>(args: &[Node], scope: Scope<'_>, f: impl FnOnce(V, V) -> R) -> R {
    let (mut a, mut b) = (None, None);
    f(
        view(args.first(), scope, &mut a),
        view(args.get(1), scope, &mut b),
    )
}

/// JsonLogic truthiness of a node's value. Operators whose truthiness follows from their
/// arguments' (comparisons, `!`, `and`, `or`, `if`, the array tests) answer without building
/// the value; `matches` and filter/all/none/some bodies run through here.
pub(super) fn test(node: &Node, scope: Scope<'_>) -> bool {
    if !spend(1) {
        return false;
    }
    match node {
        // The connectives here, not in `predicate`: conditions nest them, and the small
        // function calls faster than the large one. `and` of nothing is undefined.
        Node::Op(Op::And, args) => !args.is_empty() && args.iter().all(|n| test(n, scope)),
        Node::Op(Op::Or, args) => args.iter().any(|n| test(n, scope)),
        Node::Op(Op::Not, args) => !args.first().is_some_and(|n| test(n, scope)),
        // Two operands read in place (`== null`, `in` a list): no call into `predicate`.
        Node::Op(op @ (Op::Eq | Op::Ne | Op::StrictEq | Op::StrictNe | Op::In), args) => {
            match &args[..] {
                [a, b, ..] => match (leaf(a, scope), leaf(b, scope)) {
                    (Some(a), Some(b)) => equality(*op, V::Json(a), V::Json(b)),
                    _ => predicate(*op, args, scope),
                },
                _ => predicate(*op, args, scope),
            }
        }
        Node::Op(op, args) => predicate(*op, args, scope),
        Node::Cmp {
            op,
            args,
            var,
            lo,
            hi,
        } => match leaf(&args[*var], scope) {
            Some(Value::Number(n)) => {
                let x = num_of(n);
                if matches!(op, Op::Lt | Op::Gt) {
                    *lo < x && x < *hi
                } else {
                    *lo <= x && x <= *hi
                }
            }
            _ => predicate(*op, args, scope),
        },
        other => truthy_v(eval(other, scope).v()),
    }
}

/// `==`, `!=`, `===`, `!==` or `in` (`a` in `b`) on two values.
fn equality(op: Op, a: V, b: V) -> bool {
    match op {
        Op::Eq | Op::Ne => loose_eq(a, b) == (op == Op::Eq),
        Op::StrictEq | Op::StrictNe => strict_eq(a, b) == (op == Op::StrictEq),
        _ => match b {
            // json-logic-js returns false for any falsy haystack, "" included.
            V::Json(Value::String(s)) => !s.is_empty() && index_of(s, &to_js_string(a)).is_some(),
            V::Json(Value::Array(items)) => items.iter().any(|x| strict_eq(a, V::Json(x))),
            _ => false,
        },
    }
}

fn predicate(op: Op, args: &[Node], scope: Scope<'_>) -> bool {
    match op {
        Op::If => {
            let mut pairs = args.chunks_exact(2);
            for pair in pairs.by_ref() {
                if test(&pair[0], scope) {
                    return test(&pair[1], scope);
                }
            }
            pairs.remainder().first().is_some_and(|n| test(n, scope))
        }
        Op::Not => !args.first().is_some_and(|n| test(n, scope)),
        Op::NotNot => args.first().is_some_and(|n| test(n, scope)),
        Op::All | Op::None | Op::Some => {
            let mut held = None;
            let items = items(args.first(), scope, &mut held);
            // A missing body is undefined, so false, for every item.
            let pass = |x: &Value| args.get(1).is_some_and(|n| test(n, Scope::Data(x)));
            // `all` stops at the first item that fails, `none` and `some` at the first that
            // passes.
            let stop_at = op != Op::All;
            let mut stopped = false;
            items.each(&mut |x| {
                stopped = pass(x) == stop_at;
                !stopped
            });
            match op {
                // All of nothing is false.
                Op::All => !items.is_empty() && !stopped,
                Op::None => !stopped,
                _ => stopped,
            }
        }
        Op::Eq
        | Op::Ne
        | Op::StrictEq
        | Op::StrictNe
        | Op::In
        | Op::Gt
        | Op::Ge
        | Op::Lt
        | Op::Le
        | Op::StartsWith
        | Op::EndsWith
        | Op::DateEq
        | Op::DateNe
        | Op::DatetimeEq
        | Op::DatetimeNe => pair(args, scope, |a, b| binary(op, a, b, args, scope)),
        _ => truthy_v(apply_op(op, args, scope).v()),
    }
}

/// The comparisons of two values: one function reached through one `pair`, not an arm
/// (and a `pair` copy) each. `args` and `scope` give `<` and `<=` their third value.
fn binary(op: Op, a: V, b: V, args: &[Node], scope: Scope<'_>) -> bool {
    match op {
        Op::Gt | Op::Ge | Op::Lt | Op::Le => {
            let ok = |o: Option<Ordering>| {
                o.is_some_and(|o| match op {
                    Op::Gt => o.is_gt(),
                    Op::Ge => o.is_ge(),
                    Op::Lt => o.is_lt(),
                    _ => o.is_le(),
                })
            };
            if matches!(op, Op::Gt | Op::Ge) {
                return ok(compare(a, b));
            }
            // With a third value that is not undefined, "between": a < b < c.
            let c = arg(args, 2, scope);
            ok(compare(a, b)) && (matches!(c, Val::Undef) || ok(compare(b, c.v())))
        }
        Op::StartsWith | Op::EndsWith => match a {
            // react-querybuilder's definition: a string subject, the needle as `String(b)`.
            V::Json(Value::String(s)) => {
                let needle = to_js_string(b);
                if op == Op::StartsWith {
                    s.starts_with(&*needle)
                } else {
                    s.ends_with(&*needle)
                }
            }
            _ => false,
        },
        Op::DateEq | Op::DateNe => {
            // Null on either side is never the same day (react-awesome-query-builder).
            let offset = dates::clock().utc_offset_ms;
            let same = match (date(a), date(b)) {
                (Some(a), Some(b)) => dates::day_of(a, offset) == dates::day_of(b, offset),
                _ => false,
            };
            same == (op == Op::DateEq)
        }
        Op::DatetimeEq | Op::DatetimeNe => {
            matches!((date(a), date(b)), (Some(a), Some(b)) if a == b) == (op == Op::DatetimeEq)
        }
        _ => equality(op, a, b),
    }
}

/// A path's segments with their array indexes; dynamic, so that the constant and the
/// computed paths share one copy of the walk (leaf reads, the hot ones, walk on their own).
type Segs<'i, 'k> = dyn Iterator<Item = (&'k str, Option<usize>)> + 'i;

/// Follows `segs` from the scope; `None` is JS `undefined` (absent), which `var` turns into
/// its default. Arrays and strings also have `length`; strings index by character.
fn lookup<'a, 'k>(scope: Scope<'a>, segs: &mut Segs<'_, 'k>) -> Option<Val<'a>> {
    let start = match root(scope, segs) {
        Root::Walk(v) => v,
        Root::Done(answer) => return answer,
    };
    match walk(start, segs) {
        Walk::Found(v) => Some(Val::Ref(v)),
        Walk::Absent => None,
        Walk::Derived(v, key, index) => {
            let mut val = derived(v, key, index)?;
            // Rarely descended into: a number has no properties, a one-character string
            // only itself ("0") and its length.
            for (key, index) in segs {
                val = derived(&val.into_value(), key, index)?;
            }
            Some(val)
        }
    }
}

/// Where a path starts: a value to walk from, or (in a reduce body) already the answer.
enum Root<'a> {
    Walk(&'a Value),
    Done(Option<Val<'a>>),
}

fn root<'a>(scope: Scope<'a>, segs: &mut Segs) -> Root<'a> {
    let &(current, accumulator) = match scope {
        Scope::Data(d) => return Root::Walk(d),
        Scope::Fields(f) => return Root::Walk(f.whole()),
        Scope::Reduce(pair) => pair,
    };
    match segs.next() {
        None => Root::Done(Some(whole(scope))),
        Some(("current", _)) => Root::Walk(current),
        Some(("accumulator", _)) => match accumulator {
            V::Json(acc) => Root::Walk(acc),
            // A number has no properties to descend into; undefined is absent.
            V::Num(f) => Root::Done(segs.next().is_none().then_some(Val::Num(f))),
            V::Undef => Root::Done(None),
        },
        Some(_) => Root::Done(None),
    }
}

/// The whole data `var` reads with an empty path.
fn whole(scope: Scope<'_>) -> Val<'_> {
    match scope {
        Scope::Data(d) => Val::Ref(d),
        Scope::Fields(f) => Val::Ref(f.whole()),
        Scope::Reduce(&(current, accumulator)) => {
            let mut pair = Map::new();
            pair.insert("current".into(), current.clone());
            if !matches!(accumulator, V::Undef) {
                pair.insert("accumulator".into(), accumulator.to_value());
            }
            Val::Own(Value::Object(pair))
        }
    }
}

/// Where following a path by reference ends.
enum Walk<'a, 'k> {
    Found(&'a Value),
    Absent,
    /// A `length` or a string character comes next: a new value (see `derived`).
    Derived(&'a Value, &'k str, Option<usize>),
}

fn walk<'a, 'k>(mut cur: &'a Value, segs: &mut Segs<'_, 'k>) -> Walk<'a, 'k> {
    for (key, index) in segs {
        let next = match (cur, index) {
            (Value::Object(m), _) => m.get(key),
            (Value::Array(items), Some(i)) => items.get(i),
            (Value::Array(_) | Value::String(_), _) => return Walk::Derived(cur, key, index),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return Walk::Absent,
        }
    }
    Walk::Found(cur)
}

/// The `length` of arrays and strings, and the characters of strings: new values, kept off
/// the borrowing path above.
fn derived(v: &Value, key: &str, index: Option<usize>) -> Option<Val<'static>> {
    match (v, index) {
        (Value::Array(items), None) if key == "length" => Some(Val::Num(items.len() as f64)),
        (Value::String(s), Some(i)) => {
            let c = s.get(char_start(s, i)..)?.chars().next()?;
            Some(Val::Own(Value::String(c.into())))
        }
        (Value::String(s), None) if key == "length" => Some(Val::Num(char_count(s) as f64)),
        _ => None,
    }
}

/// `var` with a computed key: undefined, null and "" name the whole data.
fn lookup_key<'a>(scope: Scope<'a>, key: V) -> Option<Val<'a>> {
    match key {
        V::Undef | V::Json(Value::Null) => Some(whole(scope)),
        V::Json(Value::String(s)) if s.is_empty() => Some(whole(scope)),
        k => lookup(
            scope,
            &mut crate::jsontext::split(&to_js_string(k), b'.').map(|k| (k, array_index(k))),
        ),
    }
}

/// Views of a list's items: a loop, not `map(V::Json).collect()` (an adapter copy).
fn views(list: &[Value]) -> Vec<V<'_>> {
    let mut out = Vec::new();
    for x in list {
        out.push(V::Json(x));
    }
    out
}

/// The keys whose `var` is absent, null or "". An array key is `var`'s `[path, default]`.
fn missing(scope: Scope<'_>, keys: &[V]) -> Vec<Value> {
    let blank = |v: V| {
        matches!(v, V::Json(Value::Null)) || matches!(v, V::Json(Value::String(s)) if s.is_empty())
    };
    // A loop, not `filter(..).map(..).collect()`: the adapter compiled its own copy.
    let mut out = Vec::new();
    for key in keys {
        let missing = match key {
            V::Json(Value::Array(pair)) => {
                match lookup_key(scope, pair.first().map_or(V::Undef, V::Json)) {
                    Some(v) => blank(v.v()),
                    None => pair.get(1).map_or(true, |d| blank(V::Json(d))),
                }
            }
            k => lookup_key(scope, *k).map_or(true, |v| blank(v.v())),
        };
        if missing {
            out.push(key.to_value());
        }
    }
    out
}

/// JS `String(source).substr(start, length)`, with json-logic-js's twist that a negative
/// length drops that many characters from the end. Indexes by character, as JS does for
/// text in the Basic Multilingual Plane, so every cut falls on a UTF-8 boundary.
fn substr(source: V, start: V, length: V) -> String {
    let s = to_js_string(source);
    let size = char_count(&s) as f64;
    // ToIntegerOrInfinity.
    let int = |v: V| {
        let f = to_number(v);
        if f.is_nan() {
            0.0
        } else {
            f.trunc()
        }
    };
    let from = int(start);
    let from = if from < 0.0 {
        (size + from).max(0.0)
    } else {
        from.min(size)
    };
    let len = to_number(length);
    let to = if matches!(length, V::Undef) {
        size
    } else if len < 0.0 {
        from + (size - from + len).trunc().max(0.0)
    } else {
        from + int(length).min(size - from)
    };
    // `get`, not indexing: both ends start characters, and indexing would link core's
    // formatted slice panic.
    let cut = s.get(char_start(&s, from as usize)..char_start(&s, to as usize));
    cut.unwrap_or_default().to_string()
}

/// Where character `n` of `s` starts, in bytes (`s.len()` past the last). Counted by hand:
/// `chars().nth` (or `skip`) links a 396-byte routine used nowhere else in the wasm.
fn char_start(s: &str, n: usize) -> usize {
    let mut left = n;
    for (at, b) in s.bytes().enumerate() {
        // Every byte but a UTF-8 continuation byte (0b10xxxxxx) starts a character.
        if b & 0xC0 != 0x80 {
            if left == 0 {
                return at;
            }
            left -= 1;
        }
    }
    s.len()
}

/// The characters in `s`: its bytes that are not UTF-8 continuation bytes (0b10xxxxxx).
/// Smaller in the wasm than `chars().count()`, whose inlined fast path and general case
/// outweigh this loop (core's word-at-a-time count stays, for `fmt`'s padding).
fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}
