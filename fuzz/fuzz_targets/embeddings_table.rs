//! The binary VTE1 embedding table (`catalog.embeddings` as bytes): header, row count,
//! width, scales and size, then scoring with the rows it held.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::json;
use vitrin::catalog::Packed;
use vitrin::Engine;
use vitrin_fuzz::exercise_catalog;

fuzz_target!(|data: &[u8]| {
    // The first byte picks how many products the table must cover (0–7), like a catalog
    // whose JSON and binary table disagree.
    let Some((&n, table)) = data.split_first() else { return };
    let products: Vec<_> = (0..n % 8).map(|i| json!({"id": format!("p{i}"), "title": "t", "category": "a/b", "price": 1})).collect();
    let options = json!({"catalog": {"products": products}, "localId": "fuzz-visitor"});
    if let Ok(e) = Engine::with_packed(&options, Some(Packed::Table(table))) {
        exercise_catalog(e);
    }
});
