//! JsonLogic (jsonlogic.com) with the semantics of the reference json-logic-js, compiled
//! once into a tree of resolved operators (`var` paths pre-split, operator names looked
//! up once) and evaluated many times without re-reading JSON. Evaluation borrows from
//! the data wherever it can and allocates only for new values.
//! Written here rather than taken from a crate: `jsonlogic-rs` adds ~46 KB and
//! `datalogic-rs` ~210 KB gzipped to the package (TOOLCHAIN.md), over our whole budget.
//! Depends only on serde_json.

mod value;

use serde_json::{Map, Value};
use std::borrow::Cow;
pub use value::{decimal, truthy};
use value::{less, loose_eq, number, parse_float, strict_eq, to_number, to_string};

pub const MAX_DEPTH: usize = 64;
pub const MAX_NODES: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct LogicError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
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
}

const OPS: [(&str, Op); 35] = [
    ("var", Op::Var),
    ("missing", Op::Missing),
    ("missing_some", Op::MissingSome),
    ("if", Op::If),
    ("?:", Op::If),
    ("==", Op::Eq),
    ("===", Op::StrictEq),
    ("!=", Op::Ne),
    ("!==", Op::StrictNe),
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
];

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    /// A segment that is also a valid array index.
    Index(usize, String),
}

#[derive(Debug, Clone)]
enum Node {
    Lit(Value),
    /// An array in rule position: each element evaluated.
    List(Vec<Node>),
    /// `var` with a constant path.
    Path { segs: Vec<Seg>, default: Option<Box<Node>> },
    Op(Op, Vec<Node>),
}

/// A compiled JsonLogic rule.
#[derive(Debug, Clone)]
pub struct Logic {
    root: Node,
}

struct Compiler {
    nodes: usize,
    errors: Vec<LogicError>,
}

fn split_path(path: &str) -> Vec<Seg> {
    if path.is_empty() {
        return Vec::new();
    }
    path.split('.').map(|s| match s.parse::<usize>() {
        Ok(i) => Seg::Index(i, s.to_string()),
        Err(_) => Seg::Key(s.to_string()),
    }).collect()
}

fn pointer_token(path: &str, token: &str) -> String {
    crate::error::join(path, token)
}

impl Compiler {
    fn node(&mut self, v: &Value, path: &str, depth: usize) -> Node {
        self.nodes += 1;
        if depth > MAX_DEPTH {
            self.errors.push(LogicError { path: path.to_string(), message: format!("nested deeper than {MAX_DEPTH} levels") });
            return Node::Lit(Value::Null);
        }
        if self.nodes > MAX_NODES {
            if self.nodes == MAX_NODES + 1 {
                self.errors.push(LogicError { path: path.to_string(), message: format!("more than {MAX_NODES} nodes") });
            }
            return Node::Lit(Value::Null);
        }
        match v {
            Value::Array(items) => {
                let nodes: Vec<Node> = items.iter().enumerate().map(|(i, x)| self.node(x, &pointer_token(path, &i.to_string()), depth + 1)).collect();
                // Constant arrays stay one literal; after an error the value may be deeper
                // than the limit, and cloning it would recurse just as deep.
                if self.errors.is_empty() && nodes.iter().all(|n| matches!(n, Node::Lit(_))) {
                    Node::Lit(v.clone())
                } else {
                    Node::List(nodes)
                }
            }
            Value::Object(map) if map.len() == 1 => {
                let (name, args) = map.iter().next().map(|(k, a)| (k.as_str(), a)).unwrap_or(("", &Value::Null));
                let Some(op) = OPS.iter().find(|(n, _)| *n == name).map(|(_, op)| *op) else {
                    let hint = crate::rules::spec::did_you_mean(name, OPS.iter().map(|(n, _)| *n));
                    self.errors.push(LogicError { path: path.to_string(), message: format!("unknown operator \"{name}\"{hint}") });
                    return Node::Lit(Value::Null);
                };
                let here = pointer_token(path, name);
                let args: Vec<Node> = match args {
                    Value::Array(items) => items.iter().enumerate().map(|(i, x)| self.node(x, &pointer_token(&here, &i.to_string()), depth + 1)).collect(),
                    other => vec![self.node(other, &here, depth + 1)],
                };
                if op == Op::Var {
                    if let Some(Node::Lit(p)) = args.first() {
                        let path = match p {
                            Value::Null => Some(String::new()),
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(value::number_string(n.as_f64().unwrap_or(f64::NAN))),
                            _ => None,
                        };
                        if let Some(p) = path {
                            let default = args.into_iter().nth(1).map(Box::new);
                            return Node::Path { segs: split_path(&p), default };
                        }
                    }
                }
                Node::Op(op, args)
            }
            Value::Object(map) if map.is_empty() => Node::Lit(v.clone()),
            Value::Object(_) => {
                self.errors.push(LogicError { path: path.to_string(), message: "a JsonLogic rule object has exactly one operator key".into() });
                Node::Lit(Value::Null)
            }
            other => Node::Lit(other.clone()),
        }
    }
}

fn lookup<'a>(data: &'a Value, segs: &[Seg]) -> Option<&'a Value> {
    let mut cur = data;
    for seg in segs {
        cur = match (cur, seg) {
            (Value::Object(m), Seg::Key(k) | Seg::Index(_, k)) => m.get(k)?,
            (Value::Array(a), Seg::Index(i, _)) => a.get(*i)?,
            (Value::String(s), Seg::Index(..)) | (Value::String(s), Seg::Key(_)) if s.is_empty() => return None,
            _ => return None,
        };
    }
    Some(cur)
}

fn path_of(v: &Value) -> Vec<Seg> {
    match v {
        Value::Null => Vec::new(),
        Value::String(s) => split_path(s),
        other => split_path(&to_string(other)),
    }
}

type Out<'a> = Cow<'a, Value>;

impl Logic {
    pub fn compile(rule: &Value) -> Result<Logic, Vec<LogicError>> {
        let mut c = Compiler { nodes: 0, errors: Vec::new() };
        let root = c.node(rule, "", 0);
        if c.errors.is_empty() {
            Ok(Logic { root })
        } else {
            Err(c.errors)
        }
    }

    pub fn apply(&self, data: &Value) -> Value {
        eval(&self.root, data).into_owned()
    }

    pub fn matches(&self, data: &Value) -> bool {
        truthy(&eval(&self.root, data))
    }

    /// Top-level data names the rule reads through constant `var` paths.
    pub fn variables(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_vars(&self.root, &mut out);
        out
    }
}

fn collect_vars(n: &Node, out: &mut Vec<String>) {
    match n {
        Node::Path { segs, default } => {
            if let Some(Seg::Key(k) | Seg::Index(_, k)) = segs.first() {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
            if let Some(d) = default {
                collect_vars(d, out);
            }
        }
        // Bodies of map/filter/reduce/all/none/some read their items, not the data.
        Node::Op(Op::Map | Op::Filter | Op::Reduce | Op::All | Op::None | Op::Some, args) => args.iter().take(1).chain(args.iter().skip(2)).for_each(|a| collect_vars(a, out)),
        Node::Op(_, args) | Node::List(args) => args.iter().for_each(|a| collect_vars(a, out)),
        Node::Lit(_) => {}
    }
}

fn arg<'a>(args: &'a [Node], i: usize, data: &'a Value) -> Out<'a> {
    match args.get(i) {
        Some(n) => eval(n, data),
        None => Cow::Owned(Value::Null),
    }
}

fn boolean<'a>(b: bool) -> Out<'a> {
    Cow::Owned(Value::Bool(b))
}

fn num<'a>(f: f64) -> Out<'a> {
    Cow::Owned(number(f))
}

fn eval<'a>(node: &'a Node, data: &'a Value) -> Out<'a> {
    match node {
        Node::Lit(v) => Cow::Borrowed(v),
        Node::List(items) => Cow::Owned(Value::Array(items.iter().map(|n| eval(n, data).into_owned()).collect())),
        Node::Path { segs, default } => match lookup(data, segs) {
            Some(v) => Cow::Borrowed(v),
            None => default.as_ref().map_or(Cow::Owned(Value::Null), |d| eval(d, data)),
        },
        Node::Op(op, args) => eval_op(*op, args, data),
    }
}

fn eval_op<'a>(op: Op, args: &'a [Node], data: &'a Value) -> Out<'a> {
    match op {
        Op::Var => {
            let p = arg(args, 0, data);
            match lookup(data, &path_of(&p)) {
                Some(v) => Cow::Borrowed(v),
                None => arg(args, 1, data),
            }
        }
        Op::Missing => Cow::Owned(Value::Array(missing(args, data))),
        Op::MissingSome => {
            let need = to_number(&arg(args, 0, data));
            let keys = arg(args, 1, data).into_owned();
            let keys: Vec<Value> = match keys {
                Value::Array(k) => k,
                other => vec![other],
            };
            let absent: Vec<Value> = keys.iter().filter(|k| is_missing(data, k)).cloned().collect();
            if (keys.len() - absent.len()) as f64 >= need {
                Cow::Owned(Value::Array(Vec::new()))
            } else {
                Cow::Owned(Value::Array(absent))
            }
        }
        Op::If => {
            let mut i = 0;
            while i + 1 < args.len() {
                if truthy(&eval(&args[i], data)) {
                    return eval(&args[i + 1], data);
                }
                i += 2;
            }
            if i < args.len() {
                eval(&args[i], data)
            } else {
                Cow::Owned(Value::Null)
            }
        }
        Op::Eq => boolean(loose_eq(&arg(args, 0, data), &arg(args, 1, data))),
        Op::Ne => boolean(!loose_eq(&arg(args, 0, data), &arg(args, 1, data))),
        Op::StrictEq => boolean(strict_eq(&arg(args, 0, data), &arg(args, 1, data))),
        Op::StrictNe => boolean(!strict_eq(&arg(args, 0, data), &arg(args, 1, data))),
        Op::Not => boolean(!truthy(&arg(args, 0, data))),
        Op::NotNot => boolean(truthy(&arg(args, 0, data))),
        Op::Or | Op::And => {
            let mut last = Cow::Owned(Value::Null);
            for n in args {
                last = eval(n, data);
                if truthy(&last) == (op == Op::Or) {
                    return last;
                }
            }
            last
        }
        Op::Gt => boolean(less(&arg(args, 1, data), &arg(args, 0, data), false)),
        Op::Ge => boolean(less(&arg(args, 1, data), &arg(args, 0, data), true)),
        Op::Lt | Op::Le => {
            let or_equal = op == Op::Le;
            let (a, b) = (arg(args, 0, data), arg(args, 1, data));
            let first = less(&a, &b, or_equal);
            if args.len() >= 3 {
                boolean(first && less(&b, &arg(args, 2, data), or_equal))
            } else {
                boolean(first)
            }
        }
        Op::Max | Op::Min => {
            let vals: Vec<f64> = args.iter().map(|n| to_number(&eval(n, data))).collect();
            let pick = if op == Op::Max { f64::max } else { f64::min };
            match vals.iter().any(|v| v.is_nan()) {
                true => Cow::Owned(Value::Null),
                false => num(vals.into_iter().reduce(pick).unwrap_or(f64::NAN)),
            }
        }
        Op::Add => num(args.iter().map(|n| parse_float(&eval(n, data))).sum()),
        Op::Mul => num(args.iter().map(|n| parse_float(&eval(n, data))).product()),
        Op::Sub => {
            let a = to_number(&arg(args, 0, data));
            if args.len() < 2 {
                num(-a)
            } else {
                num(a - to_number(&arg(args, 1, data)))
            }
        }
        Op::Div => num(to_number(&arg(args, 0, data)) / to_number(&arg(args, 1, data))),
        Op::Mod => num(to_number(&arg(args, 0, data)) % to_number(&arg(args, 1, data))),
        Op::Map | Op::Filter | Op::All | Op::None | Op::Some => {
            let scope = arg(args, 0, data);
            let items: &[Value] = match &*scope {
                Value::Array(a) => a,
                _ => &[],
            };
            let Some(body) = args.get(1) else {
                return match op {
                    Op::Map | Op::Filter => Cow::Owned(Value::Array(Vec::new())),
                    Op::None => boolean(true),
                    _ => boolean(false),
                };
            };
            match op {
                Op::Map => Cow::Owned(Value::Array(items.iter().map(|x| eval(body, x).into_owned()).collect())),
                Op::Filter => Cow::Owned(Value::Array(items.iter().filter(|x| truthy(&eval(body, x))).cloned().collect())),
                Op::All => boolean(!items.is_empty() && items.iter().all(|x| truthy(&eval(body, x)))),
                Op::None => boolean(!items.iter().any(|x| truthy(&eval(body, x)))),
                _ => boolean(items.iter().any(|x| truthy(&eval(body, x)))),
            }
        }
        Op::Reduce => {
            let scope = arg(args, 0, data);
            let mut acc = arg(args, 2, data).into_owned();
            let (Value::Array(items), Some(body)) = (&*scope, args.get(1)) else { return Cow::Owned(acc) };
            let mut ctx = Map::new();
            for x in items {
                ctx.insert("current".into(), x.clone());
                ctx.insert("accumulator".into(), acc);
                let frame = Value::Object(std::mem::take(&mut ctx));
                acc = eval(body, &frame).into_owned();
                if let Value::Object(m) = frame {
                    ctx = m;
                }
            }
            Cow::Owned(acc)
        }
        Op::Merge => {
            let mut out = Vec::new();
            for n in args {
                match eval(n, data).into_owned() {
                    Value::Array(a) => out.extend(a),
                    other => out.push(other),
                }
            }
            Cow::Owned(Value::Array(out))
        }
        Op::In => {
            let (a, b) = (arg(args, 0, data), arg(args, 1, data));
            boolean(match &*b {
                Value::String(s) => s.contains(to_string(&a).as_str()),
                Value::Array(items) => items.iter().any(|x| strict_eq(x, &a)),
                _ => false,
            })
        }
        Op::Cat => Cow::Owned(Value::String(args.iter().map(|n| to_string(&eval(n, data))).collect())),
        Op::Substr => {
            let s: Vec<char> = to_string(&arg(args, 0, data)).chars().collect();
            let len = s.len() as i64;
            let start = to_number(&arg(args, 1, data));
            let start = if start.is_nan() { 0 } else { start as i64 };
            let from = if start < 0 { (len + start).max(0) } else { start.min(len) };
            let end = match args.get(2) {
                None => len,
                Some(n) => {
                    let l = to_number(&eval(n, data));
                    let l = if l.is_nan() { 0 } else { l as i64 };
                    if l < 0 {
                        (len + l).max(from)
                    } else {
                        (from + l).min(len)
                    }
                }
            };
            Cow::Owned(Value::String(s[from as usize..end.max(from) as usize].iter().collect()))
        }
        Op::Log => arg(args, 0, data),
    }
}

fn is_missing(data: &Value, key: &Value) -> bool {
    match lookup(data, &path_of(key)) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

fn missing(args: &[Node], data: &Value) -> Vec<Value> {
    let first = args.first().map(|n| eval(n, data).into_owned());
    let keys: Vec<Value> = match first {
        Some(Value::Array(k)) => k,
        _ => args.iter().map(|n| eval(n, data).into_owned()).collect(),
    };
    keys.into_iter().filter(|k| is_missing(data, k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_path_and_suggest() {
        let errs = Logic::compile(&json!({"and": [{"==": [1, 1]}, {"=": [1, 1]}, {"a": 1, "b": 2}]})).unwrap_err();
        assert_eq!(errs[0], LogicError { path: "/and/1".into(), message: "unknown operator \"=\" (did you mean \"==\"?)".into() });
        assert_eq!(errs[1].path, "/and/2");
    }

    #[test]
    fn deep_or_huge_rules_are_refused_without_overflow() {
        let mut deep = json!(true);
        for _ in 0..10_000 {
            // Built by hand: `json!` would copy `deep` recursively.
            deep = Value::Object(Map::from_iter([("!".to_string(), Value::Array(vec![deep]))]));
        }
        let errs = Logic::compile(&deep).unwrap_err();
        assert!(errs[0].message.contains("deeper"));
        std::mem::forget(deep); // dropping a 10,000-deep Value recurses as deep as building it did
        let wide = Value::Array((0..20_000).map(|i| json!({"+": [i, 1]})).collect());
        assert!(Logic::compile(&wide).unwrap_err()[0].message.contains("nodes"));
    }

    #[test]
    fn lists_the_variables_read() {
        let l = Logic::compile(&json!({"and": [{">": [{"var": "cart.value"}, 10]}, {"some": [{"var": "views"}, {"var": "x"}]}]})).unwrap();
        assert_eq!(l.variables(), vec!["cart", "views"]);
    }

    #[test]
    fn non_finite_arithmetic_is_null() {
        assert_eq!(Logic::compile(&json!({"/": [1, 0]})).unwrap().apply(&json!({})), Value::Null);
        assert_eq!(Logic::compile(&json!({"cat": [0.5, 3.0, null]})).unwrap().apply(&json!({})), json!("0.53null"));
    }
}
