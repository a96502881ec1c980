//! The official JsonLogic test file (tests/conformance/jsonlogic.json, from
//! jwadhams/json-logic): every case must pass. Strings in the file are section headers;
//! every other entry is `[rule, data, expected]`. A second table holds edge cases recorded
//! from json-logic-js itself.

use vitrin::logic::{truthy, Fields, Logic};
use vitrin::value::Value;

const CASES: usize = 277;

/// Deep equality with numbers compared by value: the suite writes 1 where the evaluator may
/// produce 1.0.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Why `rule` over `data` does not give `expected`, if it does not.
fn check(rule: &Value, data: &Value, expected: &Value) -> Option<String> {
    match Logic::compile(rule) {
        Ok(logic) => {
            let got = logic.apply(data);
            if !same(&got, expected) {
                Some(format!("{rule} with {data}: got {got}, want {expected}"))
            } else if logic.matches(data) != truthy(expected) {
                Some(format!(
                    "{rule} with {data}: matches() disagrees with apply()"
                ))
            } else if indexed(&logic, data).is_some_and(|m| m != truthy(expected)) {
                Some(format!(
                    "{rule} with {data}: reading the data by index disagrees with apply()"
                ))
            } else {
                None
            }
        }
        Err(errors) => {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Some(format!("{rule}: compile error {}", errors.join("; ")))
        }
    }
}

/// `matches_fields` over the data cut into fields (top-level keys, and the keys one level
/// down in non-empty objects, as `a.b`), the rule indexed against their names, as campaign
/// conditions read the visitor context; `None` for data that is not an object or has
/// dotted keys.
fn indexed(logic: &Logic, data: &Value) -> Option<bool> {
    let top = data.as_object()?;
    let mut names: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for (k, v) in top {
        match v.as_object().filter(|m| !m.is_empty()) {
            Some(inner) => {
                for (k2, v2) in inner {
                    names.push(format!("{k}.{k2}"));
                    values.push(v2.clone());
                }
            }
            None => {
                names.push(k.clone());
                values.push(v.clone());
            }
        }
    }
    if names
        .iter()
        .any(|n| n.split('.').count() > 2 || n.is_empty())
    {
        return None;
    }
    let names: &'static [&'static str] = Box::leak(
        names
            .into_iter()
            .map(|n| &*Box::leak(n.into_boxed_str()))
            .collect(),
    );
    let logic = logic.clone().index(names);
    let fill = |i: usize| values[i].clone();
    let fields = Fields::new(names, &fill);
    assert_eq!(fields.whole(), data, "the fields nest back into the data");
    Some(logic.matches_fields(&fields))
}

#[test]
fn official_suite_passes_completely() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/jsonlogic.json"
    ))
    .expect("suite file");
    let suite: Vec<Value> = serde_json::from_str(&text).expect("suite is JSON");
    let mut section = "";
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in &suite {
        let case = match entry {
            Value::String(header) => {
                section = header;
                continue;
            }
            Value::Array(case) if case.len() == 3 => case,
            other => panic!("malformed suite entry {other}"),
        };
        total += 1;
        if let Some(failure) = check(&case[0], &case[1], &case[2]) {
            failures.push(format!("[{section}] {failure}"));
        }
    }
    println!(
        "jsonlogic conformance: {}/{total} passed",
        total - failures.len()
    );
    assert_eq!(total, CASES, "the suite file should hold {CASES} cases");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn edge_cases_match_json_logic_js() {
    let data: Value = serde_json::from_str(EDGE_DATA).expect("edge data is JSON");
    let cases: Vec<(Value, Value)> = serde_json::from_str(EDGE_CASES).expect("edge cases are JSON");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(rule, expected)| check(rule, &data, expected))
        .collect();
    println!(
        "json-logic-js edge cases: {}/{} passed",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Edge cases beyond the official file: each rule with what json-logic-js 2.0.5 returns for
/// `EDGE_DATA` (after `JSON.stringify`), recorded by running the reference.
const EDGE_DATA: &str = r#"{"n": 0, "s": "héllo wörld", "e": "", "z": "0", "t": true, "nul": null,
    "arr": [1, 2, 3], "strs": ["10", "9", "b"], "objs": [{"x": 1}, {"x": "2"}, {"x": null}],
    "nested": {"k": [10, "20"]}, "f": 1.5, "big": 1e+21}"#;
const EDGE_CASES: &str = r#"[
    [{"==": [1, "1.0"]}, true],
    [{"==": [0, ""]}, true],
    [{"==": [0, " \n"]}, true],
    [{"==": [true, "1"]}, true],
    [{"==": [false, []]}, true],
    [{"==": [null, 0]}, false],
    [{"==": [null, false]}, false],
    [{"==": [{"var": "arr"}, "1,2,3"]}, true],
    [{"==": [[1], [1]]}, false],
    [{"===": [{"var": "arr"}, {"var": "arr"}]}, true],
    [{"!=": [{"var": "nul"}, {"var": "missing"}]}, false],
    [{"<": ["10", "9"]}, true],
    [{"<": ["10", 9]}, false],
    [{"<": [null, 1]}, true],
    [{"<": ["a", 1]}, false],
    [{">": [{"var": "strs"}, "1"]}, true],
    [{"<=": [1, {"var": "f"}, 2]}, true],
    [{"<": [1, 1, 2]}, false],
    [{">=": [[2], 2]}, true],
    [{"<": [{"var": "e"}, 1]}, true],
    [{"+": ["1e3", "0x10", " 2 "]}, 1002],
    [{"+": ["12px"]}, 12],
    [{"*": ["2"]}, "2"],
    [{"*": [{"var": "arr"}]}, [1, 2, 3]],
    [{"*": ["3", "4"]}, 12],
    [{"-": ["10"]}, -10],
    [{"-": ["0x10", 1]}, 15],
    [{"/": [{"var": "arr.length"}, 2]}, 1.5],
    [{"%": [-7, 3]}, -1],
    [{"%": [7.5, 2]}, 1.5],
    [{"max": [1, "3", [2]]}, 3],
    [{"min": [1, "a"]}, null],
    [{"+": [0.1, 0.2]}, 0.30000000000000004],
    [{">": [{"/": [1, 0]}, 1e+308]}, true],
    [{"<": [{"/": [0, 0]}, 1]}, false],
    [{"!!": [{"/": [0, 0]}]}, false],
    [{"cat": [{"/": [1, 0]}, {"-": "x"}]}, "InfinityNaN"],
    [{"cat": [1.5, 3, null, true, [1, [2, null]], 1e+21, 1e-07, 1e-06, 0]}, "1.53true1,2,1e+211e-70.0000010"],
    [{"cat": [{"var": "objs.0"}]}, "[object Object]"],
    [{"in": ["ll", {"var": "s"}]}, true],
    [{"in": ["", ""]}, false],
    [{"in": [1, "a1"]}, true],
    [{"in": ["1", [1]]}, false],
    [{"in": [{"var": "arr.0"}, {"var": "arr"}]}, true],
    [{"in": [1, null]}, false],
    [{"substr": [{"var": "s"}, -5]}, "wörld"],
    [{"substr": [{"var": "s"}, 1, -7]}, "éll"],
    [{"substr": [{"var": "s"}, 2.7, 2.2]}, "ll"],
    [{"substr": [12345, -3, "2"]}, "34"],
    [{"substr": ["abc", null]}, "abc"],
    [{"substr": ["abc", "x"]}, "abc"],
    [{"var": "s.length"}, 11],
    [{"var": "arr.length"}, 3],
    [{"var": "s.1"}, "é"],
    [{"var": "arr.01"}, null],
    [{"var": "nested.k.1"}, "20"],
    [{"var": ["nul", 5]}, null],
    [{"var": ["nul.x", 5]}, 5],
    [{"var": 1.5}, null],
    [{"var": [["arr"]]}, [1, 2, 3]],
    [{"var": {"cat": ["nested.", "k"]}}, [10, "20"]],
    [{"var": ["missing", {"+": [1, 1]}]}, 2],
    [{"missing": ["n", "e", "z", "nul", "nope", "objs.2.x", "arr.5"]}, ["e", "nul", "nope", "objs.2.x", "arr.5"]],
    [{"missing": [["s", "t"], "nope"]}, []],
    [{"missing": {"merge": ["s", ["nope"]]}}, ["nope"]],
    [{"missing_some": [2, ["s", "nope", "e"]]}, ["nope", "e"]],
    [{"missing_some": [1, ["nope", "nada"]]}, ["nope", "nada"]],
    [{"missing_some": [0, []]}, []],
    [{"and": []}, null],
    [{"or": []}, null],
    [{"and": [1, "", 2]}, ""],
    [{"or": [0, [], "x"]}, "x"],
    [{"if": []}, null],
    [{"if": [0, 1]}, null],
    [{"if": [0, 1, 0, 2, 3]}, 3],
    [{"?:": [[], "a", "b"]}, "b"],
    [{"!": [[]]}, true],
    [{"!!": ["0"]}, true],
    [{"map": [{"var": "objs"}, {"var": "x"}]}, [1, "2", null]],
    [{"map": [{"var": "arr"}]}, [null, null, null]],
    [{"filter": [{"var": "objs"}, {"var": "x"}]}, [{"x": 1}, {"x": "2"}]],
    [{"filter": ["abc", true]}, []],
    [{"reduce": [{"var": "arr"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 10]}, 16],
    [{"reduce": [{"var": "arr"}, {"var": ""}, 0]}, {"current": 3, "accumulator": {"current": 2, "accumulator": {"current": 1, "accumulator": 0}}}],
    [{"reduce": [{"filter": [{"var": "objs"}, {"!==": [{"var": "x"}, null]}]}, {"cat": [{"var": "accumulator"}, {"var": "current.x"}]}, ""]}, "12"],
    [{"reduce": [[], {"var": "current"}]}, null],
    [{"reduce": [null, 1, {"var": "f"}]}, 1.5],
    [{"all": [{"var": "arr"}, {">": [{"var": ""}, 0]}]}, true],
    [{"all": [[], true]}, false],
    [{"all": [{"var": "objs"}]}, false],
    [{"none": [{"var": "strs"}, {"==": [{"var": ""}, 9]}]}, false],
    [{"some": [{"var": "strs"}, {"===": [{"var": ""}, "9"]}]}, true],
    [{"some": [{"filter": [{"var": "arr"}, {">": [{"var": ""}, 1]}]}, {"==": [{"var": ""}, 3]}]}, true],
    [{"merge": [[1, [2]], 3, null, {"var": "arr"}]}, [1, [2], 3, null, 1, 2, 3]],
    [{"merge": []}, []],
    [{"log": "x"}, "x"],
    [{"log": [{"var": "arr"}]}, [1, 2, 3]],
    [{"===": [{"and": []}, {"log": []}]}, true],
    [{"-": [5, {"and": []}]}, -5],
    [{"substr": [{"or": []}, 0, 3]}, "und"],
    [{"var": [{"/": [0, 0]}, "d"]}, "d"],
    [{}, {}]
]"#;

/// The operators the JsonLogic query builders add (RULES.md "Operators from the query
/// builders"), against what the editors' own implementations answer: recorded by
/// `tests/conformance/editors.mjs` at a fixed clock in the store's zone.
#[test]
fn editor_operators_match_the_editors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/editors.json"
    ))
    .expect("editors file");
    let suite: Value = serde_json::from_str(&text).expect("editors file is JSON");
    vitrin::logic::set_clock(vitrin::logic::Clock {
        now: suite["now"].as_f64().unwrap(),
        utc_offset_ms: suite["utcOffsetMinutes"].as_f64().unwrap() * 60_000.0,
    });
    let cases: Vec<&Value> = suite["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.is_array())
        .collect();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check(&c[0], &suite["data"], &c[1]))
        .collect();
    println!(
        "editor operators: {}/{} passed",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(cases.len() >= 50, "the editors file should hold its cases");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
