//! Rules documents (`setRules`, `validateRules`, `create({rules})`): validation with paths,
//! compilation, then the compiled campaigns and slots driven through the engine.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::rules::{read, MAX_RULES_BYTES};
use vitrin_fuzz::{engine, exercise, json};

fuzz_target!(|data: &[u8]| {
    let Some(doc) = json(data, MAX_RULES_BYTES, "invalid_rules") else { return };
    let (rules, found) = read(&doc);
    let Some(rules) = rules else {
        assert!(!found.errors.is_empty(), "a refused document names a problem");
        return;
    };
    let slots: Vec<String> = rules.slots.iter().map(|s| s.name.clone()).collect();
    let campaigns: Vec<String> = rules.campaigns.iter().map(|c| c.id.clone()).collect();
    let mut e = engine(Some(&doc));
    exercise(&mut e, &slots, &campaigns);
});
