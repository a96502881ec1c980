//! Conditions as the JsonLogic query builders write them, through the engine: the date
//! operators read the engine's clock in the store's zone at each decision, and product
//! conditions that read the clock are never cached past it.

use serde_json::{json, Value};
use vitrin::Engine;

const HOUR: f64 = 3_600_000.0;
/// 2026-12-23T22:30:00Z: already the 24th in Istanbul (UTC+3).
const EVE: f64 = 1_798_065_000_000.0;

fn engine(rules: Value) -> Engine {
    let products: Vec<Value> = (0..6).map(|i| json!({"id": format!("p{i}"), "title": format!("P{i}"), "category": if i < 3 { "pets/cat/litter" } else { "fashion/shirts" }, "price": 10 + i})).collect();
    Engine::new(&json!({"catalog": {"products": products}, "rules": rules, "localId": "v"}))
        .unwrap()
}

#[test]
fn date_conditions_read_the_engine_clock_in_the_store_zone() {
    let campaign = |when: Value| json!({"version": 1, "utcOffsetMinutes": 180, "campaigns": [{"id": "xmas", "trigger": {"type": "always"}, "when": when, "prompt": {"text": {"en": "Merry"}}}]});
    let mut e = engine(campaign(json!({"date==": [{"today": []}, "2026-12-24"]})));
    assert_eq!(e.prompts(EVE).len(), 1, "the 24th in the store's zone");
    assert!(
        e.prompts(EVE - 2.0 * HOUR).is_empty(),
        "20:30 UTC is still the 23rd in Istanbul"
    );
    let mut e = engine(campaign(
        json!({"<": [{"now": []}, {"date_add": ["2026-12-24", 1, "day"]}]}),
    ));
    assert_eq!(e.prompts(EVE).len(), 1);
    assert!(e.prompts(EVE + 24.0 * HOUR).is_empty());
}

#[test]
fn product_filters_that_read_the_clock_follow_it() {
    let rules = json!({"version": 1, "utcOffsetMinutes": 180, "slots": {"deals": {"strategy": "trending",
        "filters": [{"or": [{"startsWith": [{"var": "product.category"}, "pets/"]}, {"date==": [{"now": []}, "2026-12-25"]}]}]}}});
    let mut e = engine(rules);
    let ids = |e: &mut Engine, at: f64| {
        e.recommend("deals", None, Some(10), at)
            .unwrap()
            .into_iter()
            .map(|r| r.product_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&mut e, EVE).len(),
        3,
        "only the pets products on the 24th"
    );
    assert_eq!(
        ids(&mut e, EVE + 24.0 * HOUR).len(),
        6,
        "everything on the 25th"
    );
}
