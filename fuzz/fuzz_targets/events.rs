//! Events (`track`, and other tabs' batches through `apply_remote`): one event or an array
//! of them. An event one tab accepts must be accepted by the others in its canonical form.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrin::value::Value;
use vitrin::events::Event;
use vitrin_fuzz::{engine, exercise, json, NOW};

fuzz_target!(|data: &[u8]| {
    let Some(doc) = json(data, 1 << 20, "invalid_event") else { return };
    let events = match doc {
        Value::Array(items) => items,
        one => vec![one],
    };
    let mut e = engine(None);
    let mut other = engine(None);
    for (i, ev) in events.iter().enumerate() {
        if let Ok(accepted) = e.track(ev, NOW + i as f64) {
            let canonical = vitrin::jsontext::read(&vitrin::jsontext::to_text(&accepted))
                .expect("the canonical form of an accepted event is JSON");
            Event::from_json(&canonical, 0.0).expect("the canonical form of an accepted event is valid");
            other.apply_remote(&canonical).expect("another tab applies it");
        }
    }
    let cart = |e: &vitrin::Engine| vitrin::jsontext::read(&e.state()).expect("state() is JSON")["cart"].clone();
    assert_eq!(cart(&e), cart(&other), "both tabs hold the same cart");
    exercise(&mut e, &[], &[]);
});
