//! Catalogs (`create({catalog})`, `setCatalog`): validation, interning, category tree,
//! related lists and embeddings, then ranking over the accepted catalog.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::json;
use vitrin::catalog::Catalog;
use vitrin::Engine;
use vitrin_fuzz::{exercise_catalog, json};

fuzz_target!(|data: &[u8]| {
    let Some(doc) = json(data, 1 << 20, "invalid_catalog") else { return };
    if Catalog::from_json(&doc).is_err() {
        return;
    }
    let e = Engine::new(&json!({"catalog": doc, "localId": "fuzz-visitor"})).expect("a valid catalog makes an engine");
    exercise_catalog(e);
});
