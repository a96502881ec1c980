//! Prompt templates (rules' `prompt.text`): parsing every hole and filter, then rendering
//! with values of every JSON type, and the plain-text fallback.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::json;
use vitrin::value::Value;
use vitrin::reasons::Lang;
use vitrin::template::{parse, plain, render};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let Ok(pieces) = parse(src) else { return };
    let values = [Value::Null, json!(""), json!("Ayşe <b>"), json!(1), json!(-0.0), json!(1e308), json!([1, 2]), json!({"a": 1})];
    for v in &values {
        let parts = render(&pieces, &|_| v.clone());
        for lang in [Lang::En, Lang::Tr] {
            let _ = plain(&parts, "TRY", lang, 180.0 * 60_000.0);
        }
        let written = vitrin::jsontext::to_text(&parts);
        vitrin::jsontext::read(&written).expect("the parts are JSON");
    }
});
