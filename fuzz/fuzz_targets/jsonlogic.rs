//! JsonLogic (`evaluateCondition`, campaign `when`): compile, then apply. A two-item array
//! is `[rule, data]`; anything else is a rule applied to a fixed visitor-like document.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::json;
use vitrin::value::Value;
use vitrin::logic::Logic;
use vitrin_fuzz::json;

fuzz_target!(|data: &[u8]| {
    let Some(doc) = json(data, 1 << 20, "invalid_condition") else { return };
    let (rule, data) = match doc {
        Value::Array(mut pair) if pair.len() == 2 => {
            let data = pair.pop().expect("two items");
            (pair.pop().expect("two items"), data)
        }
        rule => (rule, json!({"cart": {"count": 2, "value": 70.5, "lines": [{"productId": "p1", "quantity": 2}]},
                              "visitor": {"segments": ["vip"], "sessions": 3}, "n": [1, 2, 3], "s": "kedi", "z": null})),
    };
    let Ok(logic) = Logic::compile(&rule) else { return };
    let _ = logic.apply(&data);
    let _ = logic.matches(&data);
    // The same rule over indexed fields, as campaign conditions read the visitor context.
    static NAMES: [&str; 4] = ["cart.count", "cart.value", "visitor.segments", "n"];
    let fill = |i: usize| {
        let pointer = format!("/{}", NAMES[i].replace('.', "/"));
        data.pointer(&pointer).cloned().unwrap_or(Value::Null)
    };
    let _ = logic.index(&NAMES).matches_fields(&vitrin::logic::Fields::new(&NAMES, &fill));
});
