//! The binary catalog (`create({catalog: bytes})`, `setCatalog(bytes)`): header, counts,
//! string tables, indices, numbers, related lists and the embedded VTE1 table, then ranking
//! over the catalog it held. Seeded with a catalog the builder's writer made.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::json;
use vitrin::Engine;
use vitrin_fuzz::exercise_catalog;

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = Engine::with_binary(&json!({"localId": "fuzz-visitor"}), data) {
        exercise_catalog(e);
    }
});
