//! The server's compact profile (`setProfile`, `create({profile})`), then ranking and
//! prompts that read its affinities, purchases, cycles, habits and embedding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin_fuzz::{engine, exercise, json};

const RULES: &str = include_str!("../../examples/rules/04-replenishment.json");

fuzz_target!(|data: &[u8]| {
    let Some(doc) = json(data, 1 << 20, "invalid_profile") else { return };
    let rules = serde_json::from_str(RULES).expect("the example parses");
    let mut e = engine(Some(&rules));
    if e.set_profile(&doc).is_ok() {
        exercise(&mut e, &[], &[]);
    }
});
