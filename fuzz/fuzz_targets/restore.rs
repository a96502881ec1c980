//! Stored visitor state (localStorage, written by any version or by anyone): `restore`
//! refuses or takes it whole; what it takes is used, and its snapshot restores again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin_fuzz::{engine, exercise, NOW};

const RULES: &str = include_str!("../../examples/rules/08-experiment-with-holdout.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rules = serde_json::from_str(RULES).expect("the example parses");
    let mut e = engine(Some(&rules));
    let before = e.state();
    if e.restore(text).is_err() {
        assert_eq!(e.state(), before, "a refused document changes nothing");
        return;
    }
    exercise(&mut e, &[], &["welcome-back".to_string()]);
    let _ = e.prompts(NOW);
});
