//! The official JsonLogic test file (tests/conformance/jsonlogic.json, from
//! jwadhams/json-logic): every case must pass.

use serde_json::Value;
use vitrin::logic::Logic;

/// Deep equality with numbers compared by value (1 == 1.0).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

#[test]
fn official_suite_passes_completely() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/jsonlogic.json")).unwrap();
    let suite: Vec<Value> = serde_json::from_str(&text).unwrap();
    let cases: Vec<&Vec<Value>> = suite.iter().filter_map(Value::as_array).collect();
    let mut failures = Vec::new();
    for case in &cases {
        let (rule, data, expected) = (&case[0], &case[1], &case[2]);
        match Logic::compile(rule) {
            Ok(logic) => {
                let got = logic.apply(data);
                if !same(&got, expected) {
                    failures.push(format!("{rule} with {data}: got {got}, want {expected}"));
                }
            }
            Err(e) => failures.push(format!("{rule}: compile error {e:?}")),
        }
    }
    println!("jsonlogic conformance: {}/{} passed", cases.len() - failures.len(), cases.len());
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
}
