//! Hostile documents on the host: inputs that would make the engine run for minutes or
//! exhaust memory get an error (or a false condition) within a bounded time, and the engine
//! answers normally afterwards. Regression tests for what `cargo xtask fuzz` and
//! tests/node/hostile.test.mjs found. What stops them is the work budget (`MAX_WORK`, a
//! count, so the errors are deterministic); the wall-clock bound here only catches a hang,
//! so it is wide enough (60 s) that a busy shared machine running a debug build never trips
//! it. The measured times are in tests/HARDENING.md.

use std::time::{Duration, Instant};
use vitrin::json;
use vitrin::logic::{Logic, MAX_WORK};
use vitrin::value::Value;
use vitrin::Engine;

const BOUND: Duration = Duration::from_secs(60);
const NOW: f64 = 1_793_610_000_000.0;

fn timed<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
    out
}

fn range(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(i)).collect())
}

/// `reduce` whose body doubles the accumulator: 2^40 bytes or values without a bound.
fn doubling(op: &str, list: Value, initial: Value) -> Value {
    json!({"reduce": [list, {op: [{"var": "accumulator"}, {"var": "accumulator"}]}, initial]})
}

#[test]
fn a_doubling_reduce_over_data_stops_with_an_error() {
    let data = json!({"xs": range(40)});
    for rule in [
        doubling("cat", json!({"var": "xs"}), json!("ab")),
        doubling("merge", json!({"var": "xs"}), json!([1])),
    ] {
        let logic = Logic::compile(&rule).expect("the rule is valid JsonLogic");
        let err = timed(|| logic.try_apply(&data)).expect_err("runs out of work");
        assert!(
            err.message.contains(&MAX_WORK.to_string()),
            "{}",
            err.message
        );
        assert!(!timed(|| logic.matches(&data)));
        assert_eq!(logic.apply(&data), Value::Null);
    }
    let fine = Logic::compile(&json!({"+": [1, {"var": "a"}]})).unwrap();
    assert_eq!(
        fine.apply(&json!({"a": 2})),
        json!(3),
        "evaluation works after a spent budget"
    );
}

#[test]
fn loops_nested_over_constant_lists_are_bounded() {
    // 1000^3 tests; the lists are constants, the bodies read the item, so nothing folds.
    let some = |body: Value| json!({"some": [range(1000), body]});
    let logic = Logic::compile(&some(some(some(json!({"==": [{"var": ""}, -1]}))))).unwrap();
    assert!(!timed(|| logic.matches(&Value::Null)));
    timed(|| logic.try_apply(&Value::Null)).expect_err("runs out of work");
}

#[test]
fn copying_the_data_into_every_slot_of_a_literal_is_bounded() {
    let big = json!({"s": "x".repeat(1 << 20)});
    let rule = Value::Array((0..3000).map(|_| json!({"var": ""})).collect());
    let logic = Logic::compile(&rule).unwrap();
    timed(|| logic.try_apply(&big)).expect_err("3000 copies of a megabyte");
}

#[test]
fn a_campaign_whose_condition_runs_out_is_false_and_the_engine_goes_on() {
    let products: Vec<Value> = (0..5)
        .map(|i| json!({"id": format!("p{i}"), "title": "t", "category": "a/b", "price": 1}))
        .collect();
    let when = json!({"!=": [doubling("cat", range(40), json!("ab")), ""]});
    let rules = json!({"version": 1, "campaigns": [
        {"id": "hostile", "priority": 2, "trigger": {"type": "always"}, "when": when, "prompt": {"text": {"en": "no"}}},
        {"id": "plain", "priority": 1, "trigger": {"type": "always"}, "prompt": {"text": {"en": "yes"}}}]});
    let mut e =
        Engine::new(&json!({"catalog": {"products": products}, "rules": rules, "localId": "v"}))
            .expect("the rules are valid");
    let ids: Vec<String> = timed(|| e.prompts(NOW))
        .into_iter()
        .map(|p| p.campaign_id)
        .collect();
    assert_eq!(ids, ["plain"]);
    e.track(&json!({"type": "add_to_cart", "productId": "p1"}), NOW)
        .unwrap();
    assert_eq!(e.recommend("for_you", None, Some(3), NOW).unwrap().len(), 3);
}
