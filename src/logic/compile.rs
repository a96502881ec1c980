//! Compiling a JsonLogic rule (a JSON value) into a tree of resolved nodes: operator names
//! looked up once, constant `var` paths pre-split, constant subtrees folded, comparisons of a
//! `var` with numbers given a node of their own (`Node::Cmp`, a range), limits on depth and size
//! checked, every error collected with its JSON Pointer. Depends only on `value` (the JSON tree).

use super::eval::{eval, Scope};
use super::js::{num_of, to_js_string, V};
use super::ops::{editor_origin, suggest, Op};
use super::{LogicError, MAX_DEPTH, MAX_NODES};
use crate::prelude::*;
use crate::value::{Map, Value};

/// One segment of a `var` path, with its array index parsed once.
#[derive(Debug, Clone)]
pub(super) struct Seg {
    pub key: Box<str>,
    pub index: Option<usize>,
}

/// A JS array index is the canonical decimal form of an integer: `"01"` or `"+1"` is an
/// ordinary property name, which arrays do not have.
pub(super) fn array_index(key: &str) -> Option<usize> {
    let b = key.as_bytes();
    if b.is_empty() || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    b.iter().try_fold(0usize, |n, &d| {
        n.checked_mul(10)?
            .checked_add(usize::from(d.checked_sub(b'0').filter(|d| *d < 10)?))
    })
}

/// The segments `var` splits a constant path into: null and "" name the whole data, anything
/// else is split on dots after JS `String()` (so `1` is `"1"`, `[]` is `""`).
fn static_path(key: &Value) -> Vec<Seg> {
    match key {
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        other => {
            let mut segs = Vec::new();
            for k in crate::jsontext::split(&to_js_string(V::Json(other)), b'.') {
                segs.push(Seg {
                    key: k.into(),
                    index: array_index(k),
                });
            }
            segs
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Const(Value),
    /// An array whose items are not all constant: each evaluated.
    Array(Vec<Node>),
    /// `var` with a constant path; the default is evaluated only when the path is absent.
    /// `slot`: the `Fields` value the path starts in and how many segments it spans, set by
    /// `Logic::index` (read only when the rule runs over `Fields`).
    Var {
        path: Vec<Seg>,
        default: Option<Box<Node>>,
        slot: Option<(u16, u8)>,
    },
    Op(Op, Vec<Node>),
    /// `<`, `<=`, `>` or `>=` between a `var` without a default and number constants, either
    /// way round (`<` and `<=` also as "between": `[9, {"var": "hour"}, 21]`), turned into
    /// the range a number read must lie in: above `lo` and below `hi` (or equal to them
    /// for `<=` and `>=`). A read that is no number goes the way of `Op` over `args`; `var`
    /// is the `var`'s place in `args`.
    Cmp {
        op: Op,
        args: Vec<Node>,
        var: usize,
        lo: f64,
        hi: f64,
    },
}

pub(super) struct Compiler {
    pub errors: Vec<LogicError>,
    nodes: usize,
    /// JSON Pointer of the value being compiled.
    path: String,
}

impl Compiler {
    pub fn new() -> Self {
        Compiler {
            errors: Vec::new(),
            nodes: 0,
            path: String::new(),
        }
    }

    fn error(&mut self, message: String) {
        self.errors.push(LogicError {
            path: self.path.clone(),
            message,
        });
    }

    /// Runs `f` with `token` appended to the current pointer (escaped per RFC 6901).
    fn at<T>(&mut self, token: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.path.len();
        crate::error::push_token(&mut self.path, token);
        let out = f(self);
        self.path.truncate(len);
        out
    }

    /// An array's items compiled in order, each at its index: a loop, not
    /// `enumerate().map(..).collect()`, whose adapter compiled a copy per use.
    fn items(&mut self, items: &[Value], depth: usize) -> Vec<Node> {
        let mut nodes = Vec::new();
        for (i, x) in items.iter().enumerate() {
            nodes.push(self.at(&crate::cat!(i), |c| c.node(x, depth)));
        }
        nodes
    }

    /// `depth` counts enclosing arrays and rule objects; it is checked before descending, so
    /// compiling never recurses more than `MAX_DEPTH` levels whatever the input.
    pub fn node(&mut self, v: &Value, depth: usize) -> Node {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            if self.nodes == MAX_NODES + 1 {
                self.error(crate::cat!("rule has more than ", MAX_NODES, " values"));
            }
            return Node::Const(Value::Null);
        }
        match v {
            Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => {
                self.error(crate::cat!("rule nests deeper than ", MAX_DEPTH, " levels"));
                Node::Const(Value::Null)
            }
            Value::Array(items) => {
                let nodes = self.items(items, depth + 1);
                match consts(nodes) {
                    Ok(values) => Node::Const(Value::Array(values)),
                    Err(nodes) => Node::Array(nodes),
                }
            }
            Value::Object(map) => self.rule(map, depth),
            other => Node::Const(other.clone()),
        }
    }

    fn rule(&mut self, map: &Map<String, Value>, depth: usize) -> Node {
        let mut entries = map.iter();
        if let (Some((name, args)), None) = (entries.next(), entries.next()) {
            return self.operator(name, args, depth);
        }
        if map.is_empty() {
            // json-logic-js passes an object without keys through as a value.
            return Node::Const(Value::Object(Map::new()));
        }
        // Written by a loop: joining `String`s compiled a second copy of std's `join`.
        let mut keys = String::new();
        for k in map.keys() {
            if !keys.is_empty() {
                keys.push_str(", ");
            }
            keys.push('"');
            keys.push_str(k);
            keys.push('"');
        }
        self.error(crate::cat!(
            "a rule has exactly one operator key, found ",
            map.len(),
            ": ",
            keys
        ));
        // Each entry compiled as a rule of its own, so errors inside them are listed too.
        for (name, args) in map {
            self.operator(name, args, depth);
        }
        Node::Const(Value::Null)
    }

    fn operator(&mut self, name: &str, args: &Value, depth: usize) -> Node {
        let op = Op::from_name(name);
        if op.is_none() {
            match editor_origin(name) {
                Some(origin) => {
                    self.error(crate::cat!("unsupported operator \"", name, "\": ", origin))
                }
                None => {
                    let hint = crate::error::hint(suggest(name));
                    self.error(crate::cat!("unknown operator \"", name, "\"", hint));
                }
            }
        }
        self.at(name, |c| {
            // `{"op": x}` is `{"op": [x]}`, with x's pointer being "/op".
            let nodes: Vec<Node> = match args {
                Value::Array(items) => c.items(items, depth + 1),
                other => vec![c.node(other, depth + 1)],
            };
            match op {
                Some(op) => c.build(op, nodes),
                None => Node::Const(Value::Null),
            }
        })
    }

    /// Called with the pointer at the operator's key, so arity errors point there.
    fn build(&mut self, op: Op, nodes: Vec<Node>) -> Node {
        if nodes.len() < op.min_args() {
            let n = op.min_args();
            self.error(crate::cat!(
                "needs at least ",
                n,
                " argument",
                if n == 1 { "" } else { "s" },
                " (json-logic-js throws)"
            ));
        }
        match op {
            Op::Var => match nodes.first() {
                None => {
                    return Node::Var {
                        path: Vec::new(),
                        default: None,
                        slot: None,
                    }
                }
                Some(Node::Const(key)) => {
                    let path = static_path(key);
                    // `swap_remove`, not `into_iter().nth(1)`: no `IntoIter<Node>` in the wasm.
                    let mut nodes = nodes;
                    let default = (nodes.len() > 1).then(|| Box::new(nodes.swap_remove(1)));
                    return Node::Var {
                        path,
                        default,
                        slot: None,
                    };
                }
                Some(_) => {}
            },
            _ => {}
        }
        if op.is_pure() && nodes.iter().all(|n| matches!(n, Node::Const(_))) {
            let call = Node::Op(op, nodes);
            // Kept as a call when the result is not JSON (NaN, Infinity, undefined), so later
            // operators still see what JS would.
            let folded = {
                let v = eval(&call, Scope::Data(&Value::Null));
                v.is_json().then(|| v.into_value())
            };
            return folded.map_or(call, Node::Const);
        }
        if matches!(
            (op, nodes.len()),
            (Op::Gt | Op::Ge | Op::Lt | Op::Le, 2) | (Op::Lt | Op::Le, 3)
        ) {
            let (mut nums, mut var) = ([0.0; 3], None);
            let fits = nodes
                .iter()
                .zip(&mut nums)
                .enumerate()
                .all(|(i, (n, x))| match n {
                    Node::Const(Value::Number(n)) => {
                        *x = num_of(n);
                        true
                    }
                    Node::Var { default: None, .. } => var.replace(i).is_none(),
                    _ => false,
                });
            if let (true, Some(var)) = (fits, var) {
                // Read as an ascending chain (`>` and `>=` right to left): the constant
                // before the `var` bounds it below, the one after above; a pair of
                // constants out of order leaves no number in range.
                let (mut v, n) = (var, nodes.len());
                if matches!(op, Op::Gt | Op::Ge) {
                    nums.swap(0, 1);
                    v = 1 - var;
                }
                let (mut lo, mut hi, mut never) = (f64::NEG_INFINITY, f64::INFINITY, false);
                for j in 1..n {
                    let (a, b) = (nums[j - 1], nums[j]);
                    if j == v {
                        lo = a;
                    } else if j - 1 == v {
                        hi = b;
                    } else {
                        never = !(a < b || (a == b && matches!(op, Op::Le | Op::Ge)));
                    }
                }
                if never {
                    lo = f64::INFINITY;
                }
                return Node::Cmp {
                    op,
                    args: nodes,
                    var,
                    lo,
                    hi,
                };
            }
        }
        Node::Op(op, nodes)
    }
}

/// The values of `nodes` if all are constants, else the nodes back. Taken out in place,
/// not by `into_iter()`, whose `IntoIter<Node>` compiled a copy of its own.
fn consts(mut nodes: Vec<Node>) -> Result<Vec<Value>, Vec<Node>> {
    if !nodes.iter().all(|n| matches!(n, Node::Const(_))) {
        return Err(nodes);
    }
    let mut values = Vec::new();
    for n in &mut nodes {
        if let Node::Const(v) = n {
            values.push(core::mem::take(v));
        }
    }
    Ok(values)
}

impl Node {
    /// Points every constant `var` path that starts with one of `names` (dotted, as
    /// `Fields` holds them) at that name's index; the longest name wins.
    pub fn index(&mut self, names: &[&str]) {
        match self {
            Node::Const(_) => {}
            Node::Array(items) | Node::Op(_, items) | Node::Cmp { args: items, .. } => {
                items.iter_mut().for_each(|n| n.index(names))
            }
            Node::Var {
                path,
                default,
                slot,
            } => {
                *slot = None;
                for (i, name) in names.iter().enumerate() {
                    let parts = crate::jsontext::split(name, b'.').count();
                    let longer = slot.map_or(0, |(_, n)| usize::from(n)) < parts;
                    if longer
                        && parts <= path.len().min(255)
                        && i <= usize::from(u16::MAX)
                        && crate::jsontext::split(name, b'.')
                            .zip(path.iter())
                            .all(|(a, b)| a == &*b.key)
                    {
                        *slot = Some((i as u16, parts as u8));
                    }
                }
                if let Some(d) = default {
                    d.index(names);
                }
            }
        }
    }
}
