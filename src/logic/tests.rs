//! Unit tests for the JsonLogic module: errors and their pointers, limits, variables(),
//! JS semantics at the edges, and compile/apply never panicking. Depends only on `value` (the JSON tree).

use super::*;
use crate::json;
use crate::value::Map;

fn run(rule: Value, data: Value) -> Value {
    Logic::compile(&rule)
        .unwrap_or_else(|e| panic!("{rule}: {e:?}"))
        .apply(&data)
}

fn errors(rule: Value) -> Vec<LogicError> {
    match Logic::compile(&rule) {
        Ok(_) => panic!("{rule} compiled"),
        Err(e) => e,
    }
}

/// Errors of a rule passed by reference: cloning a 10,000-deep value would recurse.
fn errors_ref(rule: &Value) -> Vec<LogicError> {
    Logic::compile(rule).err().unwrap_or_default()
}

fn err(path: &str, message: &str) -> LogicError {
    LogicError {
        path: path.into(),
        message: message.into(),
    }
}

/// Takes a value apart without recursion: dropping a 10,000-deep value the normal way
/// recurses once per level.
fn drop_deep(v: Value) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// `{"!": [{"!": [ … true … ]}]}`, `levels` rule objects deep, built without recursion.
fn nested_nots(levels: usize) -> Value {
    let mut v = json!(true);
    for _ in 0..levels {
        v = Value::Object(Map::from_iter([("!".to_string(), Value::Array(vec![v]))]));
    }
    v
}

#[test]
fn index_of_finds_what_str_find_finds() {
    // Every string of up to 3 characters over ASCII, 2- and 3-byte characters, as needle
    // and haystack: the byte search lands where core's does, on a character boundary.
    let alphabet = ["a", "b", "é", "ğ", "€"];
    let mut all = vec![String::new()];
    for len in 1..=3 {
        let shorter: Vec<String> = all
            .iter()
            .filter(|s| s.chars().count() == len - 1)
            .cloned()
            .collect();
        for s in shorter {
            all.extend(alphabet.iter().map(|c| format!("{s}{c}")));
        }
    }
    for hay in &all {
        for needle in &all {
            assert_eq!(
                index_of(hay, needle),
                hay.find(needle.as_str()),
                "{hay:?} {needle:?}"
            );
        }
    }
}

#[test]
fn unknown_operators_are_reported_at_their_path_with_a_suggestion() {
    assert_eq!(
        errors(json!({"and": [{"==": [1, 1]}, {"=": [1, 1]}]})),
        vec![err(
            "/and/1",
            "unknown operator \"=\" (did you mean \"==\"?)"
        )]
    );
    assert_eq!(
        errors(json!({"AND": [true]}))[0].message,
        "unknown operator \"AND\" (did you mean \"and\"?)"
    );
    assert_eq!(
        errors(json!({"=>": [2, 1]}))[0].message,
        "unknown operator \"=>\" (did you mean \">=\"?)"
    );
    assert_eq!(
        errors(json!({"mising": ["a"]}))[0].message,
        "unknown operator \"mising\" (did you mean \"missing\"?)"
    );
    assert_eq!(
        errors(json!({"frobnicate": []}))[0].message,
        "unknown operator \"frobnicate\""
    );
    assert_eq!(
        errors(json!({"a": []}))[0].message,
        "unknown operator \"a\""
    );
    assert_eq!(
        errors(json!({"ni": ["a", "abc"]}))[0].message,
        "unknown operator \"ni\" (did you mean \"in\"?)"
    );
    assert_eq!(
        errors(json!({"Math.abs": [-1]}))[0].message,
        "unknown operator \"Math.abs\""
    );
}

#[test]
fn every_error_is_listed_with_an_escaped_pointer() {
    let rule = json!({"/": [{"xyzzy": 1}, {"if": [{"var": "x"}, {"a": 1, "b": {"zz": 2}}, {}]}]});
    assert_eq!(
        errors(rule),
        vec![
            err("/~1/0", "unknown operator \"xyzzy\""),
            err(
                "/~1/1/if/1",
                "a rule has exactly one operator key, found 2: \"a\", \"b\""
            ),
            err("/~1/1/if/1", "unknown operator \"a\""),
            err("/~1/1/if/1", "unknown operator \"b\""),
            err("/~1/1/if/1/b", "unknown operator \"zz\""),
        ]
    );
    // A single argument not wrapped in an array sits right under the operator.
    assert_eq!(errors(json!({"!": {"x~y": 1}}))[0].path, "/!");
    assert_eq!(errors(json!({"a/b~c": 1}))[0].path, "");
}

#[test]
fn arity_errors_only_where_json_logic_js_throws() {
    assert_eq!(
        errors(json!({"*": []})),
        vec![err(
            "/*",
            "needs at least 1 argument (json-logic-js throws)"
        )]
    );
    assert_eq!(run(json!({"all": []}), json!(null)), json!(false));
    assert_eq!(run(json!({}), json!(null)), json!({}));
    assert_eq!(
        errors(json!({"missing_some": [1]}))[0].message,
        "needs at least 2 arguments (json-logic-js throws)"
    );
    // Lenient like the reference: extra or missing arguments are fine elsewhere.
    assert_eq!(run(json!({"!": [false, 1, 2]}), json!(null)), json!(true));
    assert_eq!(run(json!({"if": []}), json!(null)), json!(null));
    assert_eq!(run(json!({">": [1]}), json!(null)), json!(false));
    assert_eq!(run(json!({"==": [null]}), json!(null)), json!(true));
    assert_eq!(run(json!({"===": [null]}), json!(null)), json!(false));
}

#[test]
fn depth_limit_is_checked_before_recursing() {
    // MAX_DEPTH rule objects nest fine; one more is an error at the first one too deep.
    assert!(Logic::compile(&nested_nots(MAX_DEPTH)).is_ok());
    let too_deep = errors(nested_nots(MAX_DEPTH + 1));
    assert_eq!(too_deep.len(), 1);
    assert_eq!(too_deep[0].path, "/!/0".repeat(MAX_DEPTH));
    assert_eq!(too_deep[0].message, "rule nests deeper than 64 levels");

    let deep = nested_nots(10_000);
    assert_eq!(errors_ref(&deep).len(), 1);
    drop_deep(deep);

    let mut array = json!(1);
    for _ in 0..10_000 {
        array = Value::Array(vec![array]);
    }
    assert_eq!(errors_ref(&array)[0].path, "/0".repeat(MAX_DEPTH));
    drop_deep(array);
}

#[test]
fn node_limit_reports_once() {
    let wide = Value::Array((0..MAX_NODES as i64).map(|i| json!(i)).collect());
    let errs = errors_ref(&wide);
    assert_eq!(errs, vec![err("/9999", "rule has more than 10000 values")]);
    let fits = Value::Array((0..MAX_NODES as i64 - 1).map(|i| json!(i)).collect());
    assert!(Logic::compile(&fits).is_ok());
}

#[test]
fn non_finite_results_are_null() {
    for rule in [
        json!({"/": [1, 0]}),
        json!({"/": [{"var": "a"}, {"var": "zero"}]}),
        json!({"%": [{"var": "a"}, 0]}),
        json!({"*": [{"var": "a"}, 1e308, 10]}),
        json!({"+": ["abc"]}),
        json!({"-": []}),
        json!({"max": []}),
        json!({"min": [1, "x"]}),
        json!({"-": [{"var": "obj"}, 1]}),
    ] {
        assert_eq!(
            run(rule.clone(), json!({"a": 1, "zero": 0, "obj": {}})),
            Value::Null,
            "{rule}"
        );
    }
    // Only the final result is null: operators in between see what JS would.
    let data = json!({"zero": 0});
    assert_eq!(
        run(
            json!({"cat": ["x", {"/": [1, 0]}, {"-": "a"}]}),
            json!(null)
        ),
        json!("xInfinityNaN")
    );
    assert_eq!(
        run(json!({">": [{"/": [1, {"var": "zero"}]}, 2]}), data.clone()),
        json!(true)
    );
    assert_eq!(
        run(
            json!({"<": [{"/": [0, {"var": "zero"}]}, 0.5]}),
            data.clone()
        ),
        json!(false)
    );
    assert_eq!(run(json!({"!!": [{"min": []}]}), data.clone()), json!(true));
    assert_eq!(
        run(json!({"var": [{"/": [0, 0]}, "d"]}), json!({"NaN": "n"})),
        json!("n")
    );
    assert_eq!(
        run(
            json!({"map": [[1, 0], {"/": [1, {"var": ""}]}]}),
            data.clone()
        ),
        json!([1, null])
    );
    assert_eq!(
        run(
            json!({"reduce": [[1, 2], {"*": [{"var": "accumulator"}, 2]}, {"max": []}]}),
            data.clone()
        ),
        Value::Null
    );
    assert!(
        !Logic::compile(&json!({"==": [{"/": [0, 0]}, {"/": [0, 0]}]}))
            .unwrap()
            .matches(&data)
    );
    // `undefined` likewise: {"and": []} gives undefined, which is === only to itself.
    assert_eq!(
        run(json!({"===": [{"and": []}, {"log": []}]}), json!(null)),
        json!(true)
    );
    assert_eq!(
        run(json!({"substr": [{"or": []}, 0, 3]}), json!(null)),
        json!("und")
    );
    assert_eq!(run(json!({"-": [5, {"and": []}]}), json!(null)), json!(-5));
}

#[test]
fn numbers_print_like_javascript() {
    let cat = |v: Value| run(json!({"cat": [v]}), json!(null));
    assert_eq!(cat(json!(3.0)), json!("3"));
    assert_eq!(cat(json!(0.5)), json!("0.5"));
    assert_eq!(cat(json!(-0.0)), json!("0"));
    assert_eq!(cat(json!(1e21)), json!("1e+21"));
    assert_eq!(cat(json!(1.5e-7)), json!("1.5e-7"));
    assert_eq!(cat(json!(0.000001)), json!("0.000001"));
    assert_eq!(
        cat(json!(123456789012345680000.0)),
        json!("123456789012345680000")
    );
    assert_eq!(cat(json!(-1234.5678)), json!("-1234.5678"));
    assert_eq!(cat(json!(5e-324)), json!("5e-324"));
    // Where JS and serde_json's printer choose different notations.
    assert_eq!(cat(json!(1e16)), json!("10000000000000000"));
    assert_eq!(cat(json!(2.5e-6)), json!("0.0000025"));
    assert_eq!(cat(json!(1.25e-5)), json!("0.0000125"));
    assert_eq!(cat(json!(1.5e300)), json!("1.5e+300"));
    assert_eq!(cat(json!(12345.5)), json!("12345.5"));
    let data = json!({"v": [1, null, [2, [3]], true, {}]});
    assert_eq!(
        run(json!({"cat": [{"var": "v"}]}), data),
        json!("1,,2,3,true,[object Object]")
    );
    assert_eq!(
        run(json!({"+": [0.1, 0.2]}), json!(null)),
        json!(0.30000000000000004)
    );
    assert_eq!(
        run(json!({"*": [{"var": "x"}, 2]}), json!({"x": "1.5"})),
        json!(3)
    );
}

#[test]
fn strings_convert_to_numbers_like_javascript() {
    let num = |s: &str| run(json!({"+": [{"-": [{"var": "s"}, 0]}]}), json!({ "s": s }));
    assert_eq!(num(" 12 "), json!(12));
    assert_eq!(num("0x1F"), json!(31));
    assert_eq!(num("0b101"), json!(5));
    assert_eq!(num(".5"), json!(0.5));
    assert_eq!(num("5."), json!(5));
    assert_eq!(num("-1e3"), json!(-1000));
    assert_eq!(num(""), json!(0));
    assert_eq!(num("1e400"), Value::Null);
    assert_eq!(num("12px"), Value::Null);
    assert_eq!(num("-0x10"), Value::Null);
    // JS white space (not only ASCII) around the number; none inside it.
    assert_eq!(num("\u{a0}\t12\u{3000}\u{feff}\n"), json!(12));
    assert_eq!(num("\u{2028}\u{2029}"), json!(0));
    assert_eq!(num("1 2"), Value::Null);
    assert_eq!(num("\u{85}1"), Value::Null); // NEL is not JS white space
                                             // parseFloat (used by + and *) takes a numeric prefix instead.
    assert_eq!(
        run(json!({"+": [{"var": "s"}]}), json!({"s": "12px"})),
        json!(12)
    );
    assert_eq!(
        run(json!({"+": [{"var": "s"}]}), json!({"s": "-Infinityx"})),
        Value::Null
    );
    assert_eq!(
        run(json!({"+": [{"var": "s"}]}), json!({"s": "\u{205f} 1.5 x"})),
        json!(1.5)
    );
    assert_eq!(decimal("007.50"), Some(7.5));
    assert_eq!(decimal("+1"), Some(1.0));
    assert_eq!(decimal("1e"), None);
    assert_eq!(decimal(" 1"), None);
}

#[test]
fn equality_and_comparison_follow_javascript() {
    let eq = |a: Value, b: Value| {
        run(
            json!({"==": [{"var": "a"}, {"var": "b"}]}),
            json!({"a": a, "b": b}),
        )
    };
    assert_eq!(eq(json!(1), json!("1")), json!(true));
    assert_eq!(eq(json!(0), json!("")), json!(true));
    assert_eq!(eq(json!(true), json!("1")), json!(true));
    assert_eq!(eq(json!(false), json!([])), json!(true));
    assert_eq!(eq(json!([1, 2]), json!("1,2")), json!(true));
    assert_eq!(eq(json!(null), json!(0)), json!(false));
    assert_eq!(eq(json!(null), json!(false)), json!(false));
    assert_eq!(eq(json!({}), json!("[object Object]")), json!(true));
    assert_eq!(eq(json!([1]), json!([1])), json!(false));
    // The same data value is identical to itself, as in JS.
    assert_eq!(
        run(
            json!({"===": [{"var": "a"}, {"var": "a"}]}),
            json!({"a": [1]})
        ),
        json!(true)
    );
    assert_eq!(
        run(
            json!({"in": [{"var": "a.0"}, {"var": "a"}]}),
            json!({"a": [[1]]})
        ),
        json!(true)
    );

    let lt = |a: Value, b: Value| {
        run(
            json!({"<": [{"var": "a"}, {"var": "b"}]}),
            json!({"a": a, "b": b}),
        )
    };
    assert_eq!(lt(json!("10"), json!("9")), json!(true)); // both strings: text order
    assert_eq!(lt(json!("10"), json!(9)), json!(false)); // otherwise numbers
    assert_eq!(lt(json!(null), json!(1)), json!(true));
    assert_eq!(lt(json!("a"), json!(1)), json!(false));
    assert_eq!(lt(json!(1), json!("a")), json!(false));
    assert_eq!(lt(json!("\u{ffff}"), json!("\u{10000}")), json!(false)); // UTF-16 order
                                                                         // Strings order by UTF-16 code units, as `encode_utf16` compares them.
    let texts = [
        "",
        "a",
        "ab",
        "b",
        "\u{7f}",
        "é",
        "\u{d7ff}",
        "\u{e000}",
        "\u{ffff}",
        "\u{10000}",
        "\u{10ffff}",
        "a\u{e000}",
        "a\u{10000}",
        "a\u{10000}b",
        "\u{1f600}",
        "\u{1f600}a",
    ];
    for a in texts {
        for b in texts {
            let want = a.encode_utf16().cmp(b.encode_utf16()).is_lt();
            assert_eq!(lt(json!(a), json!(b)), json!(want), "{a:?} < {b:?}");
        }
    }
    assert_eq!(
        run(json!({"<=": [1, {"var": "x"}, 3]}), json!({"x": 3})),
        json!(true)
    );
    assert_eq!(
        run(json!({"<": [1, {"var": "x"}, 3]}), json!({"x": 3})),
        json!(false)
    );
}

#[test]
fn var_reads_paths_lengths_and_defaults() {
    let data = json!({"a": {"b": [10, 20, {"c": "hé"}]}, "n": null, "s": "abc", "u": "éb"});
    assert_eq!(run(json!({"var": "a.b.1"}), data.clone()), json!(20));
    assert_eq!(run(json!({"var": "a.b.01"}), data.clone()), Value::Null);
    assert_eq!(run(json!({"var": "a.b.length"}), data.clone()), json!(3));
    assert_eq!(
        run(json!({"var": "a.b.2.c.length"}), data.clone()),
        json!(2)
    );
    assert_eq!(run(json!({"var": "s.1"}), data.clone()), json!("b"));
    // Characters, not bytes: "é" is two bytes; past the last character is absent.
    assert_eq!(run(json!({"var": "u.0"}), data.clone()), json!("é"));
    assert_eq!(run(json!({"var": "u.1"}), data.clone()), json!("b"));
    assert_eq!(run(json!({"var": ["u.2", 7]}), data.clone()), json!(7));
    assert_eq!(run(json!({"var": ["s.3", 7]}), data.clone()), json!(7));
    assert_eq!(run(json!({"var": ["n", 5]}), data.clone()), Value::Null); // present null wins
    assert_eq!(run(json!({"var": ["n.x", 5]}), data.clone()), json!(5));
    assert_eq!(
        run(json!({"var": ["zz", {"+": [1, 1]}]}), data.clone()),
        json!(2)
    );
    assert_eq!(
        run(
            json!({"var": {"cat": ["a.b.", {"var": "i"}]}}),
            json!({"a": {"b": [7, 8]}, "i": 1})
        ),
        json!(8)
    );
    assert_eq!(
        run(json!({"reduce": [[1, 2], {"var": ""}, 0]}), json!(null)),
        json!({"current": 2, "accumulator": {"current": 1, "accumulator": 0}})
    );
    assert_eq!(
        run(
            json!({"reduce": [[1, 2], {"var": "other"}, 0]}),
            json!(null)
        ),
        Value::Null
    );
}

#[test]
fn operators_at_their_edges() {
    let cases = [
        (json!({"substr": ["héllo wörld", -5]}), json!("wörld")),
        (json!({"substr": ["héllo", 1, -1]}), json!("éll")),
        (json!({"substr": ["héllo", 10]}), json!("")),
        (json!({"substr": ["héllo", -100, 2]}), json!("hé")),
        (json!({"substr": ["héllo", 1, 1e300]}), json!("éllo")),
        (json!({"substr": ["héllo", 1, -100]}), json!("")),
        (json!({"substr": [12345, 1, 2]}), json!("23")),
        (json!({"in": ["b", "abc"]}), json!(true)),
        (json!({"in": [1, "a1"]}), json!(true)),
        (json!({"in": [1, null]}), json!(false)),
        (json!({"in": ["", ""]}), json!(false)),
        (json!({"in": ["", "a"]}), json!(true)),
        (json!({"in": ["1", [1]]}), json!(false)),
        (json!({"*": ["2"]}), json!("2")),
        (json!({"+": "3"}), json!(3)),
        (json!({"-": "3"}), json!(-3)),
        (
            json!({"merge": [[1, [2]], 3, null]}),
            json!([1, [2], 3, null]),
        ),
        (json!({"and": []}), Value::Null),
        (json!({"log": "x"}), json!("x")),
        (json!({"map": [[1, 2]]}), json!([null, null])),
        (json!({"filter": ["abc", true]}), json!([])),
        (json!({"all": [[1], {"var": ""}]}), json!(true)),
        (json!({"all": ["ab", true]}), json!(false)),
        (json!({"missing_some": [1, "a"]}), json!(["a"])),
        (json!({"missing": [["a", 1], "b"]}), json!(["a", 1])),
        (json!({"missing": [[["a", 1], "b"]]}), json!(["b"])),
        (json!({"%": [-7, 3]}), json!(-1)),
    ];
    for (rule, want) in cases {
        assert_eq!(run(rule.clone(), json!({})), want, "{rule}");
    }
}

#[test]
fn constant_subtrees_are_folded_and_data_reads_are_not() {
    let l = Logic::compile(&json!({"if": [{"<": [1, 2]}, {"cat": ["a", {"+": [1, 2]}]}, "no"]}))
        .unwrap();
    assert!(matches!(l.root, Node::Const(ref v) if v == "a3"));
    let l = Logic::compile(&json!({"==": [{"var": "x"}, {"*": [2, 3]}]})).unwrap();
    assert!(
        matches!(&l.root, Node::Op(_, args) if matches!(args[1], Node::Const(ref v) if v == 6))
    );
}

/// `<`, `<=`, `>`, `>=` between a `var` and numbers compile to a node of their own (campaign
/// conditions' usual shape, tested on the number read); whatever the `var` reads, over data
/// or over indexed fields, they answer as the general comparison does (here reached through
/// a `var` with a default, which reads the same: null when absent).
#[test]
fn comparisons_of_a_var_with_numbers_answer_as_the_general_ones() {
    static NAMES: [&str; 1] = ["a.x"];
    let reads = [
        json!(5),
        json!(4.5),
        json!(-1),
        json!(0),
        json!(9),
        json!("5"),
        json!("4.5x"),
        json!(""),
        json!(null),
        json!(true),
        json!([5]),
        json!([]),
        json!({}),
    ];
    let (var, general) = (json!({"var": "a.x"}), json!({"var": ["a.x", null]}));
    for op in ["<", "<=", ">", ">="] {
        for at in 0..8 {
            // The last three with constants out of order or equal, which no read satisfies
            // (or, equal, only `<=` does).
            let with = |v: &Value| match at {
                0 => json!([v, 5]),
                1 => json!([5, v]),
                2 => json!([1, v, 5]),
                3 => json!([v, 5, 9]),
                4 => json!([1, 5, v]),
                5 => json!([9, 5, v]),
                6 => json!([v, 9, 5]),
                _ => json!([5, 5, v]),
            };
            let fast = Logic::compile(&json!({ op: with(&var) })).unwrap();
            let slow = Logic::compile(&json!({ op: with(&general) })).unwrap();
            // `>` and `>=` take two arguments; json-logic-js ignores a third.
            let between = at >= 2 && op.starts_with('<');
            assert_eq!(matches!(fast.root, Node::Cmp { .. }), at < 2 || between);
            let fast = fast.index(&NAMES);
            for read in reads.iter().map(Some).chain([None]) {
                let data = json!({"a": read.map_or(json!({}), |x| json!({"x": x}))});
                let fill = |_| read.cloned().unwrap_or(Value::Null);
                let want = slow.matches(&data);
                let case = format!("{op} {} over {read:?}", with(&var));
                assert_eq!(fast.apply(&data), json!(want), "{case}");
                assert_eq!(fast.matches(&data), want, "{case}");
                assert_eq!(
                    fast.matches_fields(&Fields::new(&NAMES, &fill)),
                    want,
                    "{case}"
                );
            }
        }
    }
}

/// `==`, `!=`, `===`, `!==` and `in` between operands read in place (constants, `var`s
/// without a default), which `test` answers without `predicate`, answer as the general
/// path does (reached through a `var` with a default), over data and over indexed fields.
#[test]
fn equalities_read_in_place_answer_as_the_general_ones() {
    static NAMES: [&str; 1] = ["a.x"];
    let values = [
        json!(null),
        json!(5),
        json!("5"),
        json!(""),
        json!(0),
        json!(true),
        json!([5, "b"]),
        json!("ab5"),
        json!({}),
    ];
    let (var, general) = (json!({"var": "a.x"}), json!({"var": ["a.x", null]}));
    for op in ["==", "!=", "===", "!==", "in"] {
        for c in &values {
            for var_first in [true, false] {
                let with = |v: &Value| match var_first {
                    true => json!({ op: [v, c] }),
                    false => json!({ op: [c, v] }),
                };
                let fast = Logic::compile(&with(&var)).unwrap().index(&NAMES);
                let slow = Logic::compile(&with(&general)).unwrap();
                for read in values.iter().map(Some).chain([None]) {
                    let data = json!({"a": read.map_or(json!({}), |x| json!({"x": x}))});
                    let fill = |_| read.cloned().unwrap_or(Value::Null);
                    let want = slow.matches(&data);
                    let case = format!("{} over {read:?}", with(&var));
                    assert_eq!(fast.matches(&data), want, "{case}");
                    let fields = Fields::new(&NAMES, &fill);
                    assert_eq!(fast.matches_fields(&fields), want, "{case}");
                }
            }
        }
    }
}

/// Deterministic pseudo-random numbers (xorshift), so that failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize].clone()
    }
}

const NAMES: [&str; 37] = [
    "var",
    "missing",
    "missing_some",
    "if",
    "?:",
    "==",
    "===",
    "!=",
    "!==",
    "!",
    "!!",
    "or",
    "and",
    ">",
    ">=",
    "<",
    "<=",
    "max",
    "min",
    "+",
    "-",
    "*",
    "/",
    "%",
    "map",
    "filter",
    "reduce",
    "all",
    "none",
    "some",
    "merge",
    "in",
    "cat",
    "substr",
    "log",
    "=",
    "nope",
];

fn leaf(r: &mut Rng) -> Value {
    r.pick(&[
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(1e308),
        json!(-1e308),
        json!(u64::MAX),
        json!(""),
        json!("0"),
        json!("a.b"),
        json!("héllo"),
        json!("current.x"),
        json!("length"),
        json!([]),
        json!({}),
        json!([1, "2", null]),
    ])
}

fn random_rule(r: &mut Rng, depth: usize) -> Value {
    if depth == 0 || r.next() % 4 == 0 {
        return leaf(r);
    }
    let name = r.pick(&NAMES);
    let args: Vec<Value> = (0..r.next() % 4)
        .map(|_| random_rule(r, depth - 1))
        .collect();
    match r.next() % 5 {
        0 => json!({ name: args.into_iter().next().unwrap_or(Value::Null) }),
        1 => Value::Array(args),
        _ => json!({ name: args }),
    }
}

#[test]
fn compile_and_apply_never_panic() {
    let datas = [
        json!(null),
        json!(3),
        json!("abc"),
        json!([1, [2, 3], "x"]),
        json!({"a": {"b": [1, 2, {"x": "y"}]}, "current": {"x": 1}, "length": 2, "": "empty", "héllo": [null, "", 0]}),
    ];
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut compiled = 0;
    for _ in 0..5_000 {
        let rule = random_rule(&mut r, 6);
        if let Ok(l) = Logic::compile(&rule) {
            compiled += 1;
            for d in &datas {
                let _ = (l.apply(d), l.matches(d));
            }
        }
    }
    assert!(compiled > 1_000, "only {compiled} random rules compiled");
    for odd in [
        json!({}),
        json!({"var": [[[[]]]]}),
        json!({"": 1}),
        json!({"missing_some": [null, null]}),
        json!({"var": {"var": {"var": ""}}}),
    ] {
        if let Ok(l) = Logic::compile(&odd) {
            datas.iter().for_each(|d| drop(l.apply(d)));
        }
    }
}

#[test]
fn remainder_is_exactly_rusts_and_javascripts() {
    let same = |a: f64, b: f64| {
        let (got, want) = (super::js::rem(a, b), a % b);
        assert!(
            got.to_bits() == want.to_bits() || got.is_nan() && want.is_nan(),
            "{a:e} % {b:e}: {got:e}, expected {want:e}"
        );
    };
    let edges = [
        0.0,
        -0.0,
        1.0,
        -1.5,
        0.1,
        3.0,
        1e308,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        -2.5e-310,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for a in edges {
        for b in edges {
            same(a, b);
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..300_000 {
        // Any bits, then operands within a few binades of each other (most loop paths).
        same(f64::from_bits(rng.next()), f64::from_bits(rng.next()));
        let a = f64::from_bits(rng.next());
        let b = a / (1.0 + (rng.next() % 4096) as f64 / 7.0);
        same(a, b);
        same(b, a);
        let tiny = f64::from_bits(rng.next() >> 12);
        same(a, tiny);
        same(tiny, f64::from_bits(rng.next() >> 14));
    }
}
