//! What every fuzz target shares: bytes → JSON the way `src/web/bindings.rs` reads them, a small
//! fixed catalog, and one pass over every engine call so a document that is accepted is
//! also used (ranking, prompts, explain, snapshot and restore), not only validated.

use vitrin::json;
use vitrin::value::Value;
use vitrin::Engine;

/// 2026-11-02T09:00:00Z: inside the examples' schedules.
pub const NOW: f64 = 1_793_610_000_000.0;
const DAY: f64 = 86_400_000.0;

/// The input as the bindings read it: UTF-8 text, size-bounded JSON (`json::parse`).
pub fn json(data: &[u8], max: usize, code: &'static str) -> Option<Value> {
    let text = std::str::from_utf8(data).ok()?;
    vitrin::json::parse(text, max, code).ok()
}

/// Twelve products over nested categories and brands, with related lists and embeddings,
/// ids `p0`…`p11` (the seeds and examples name these).
pub fn catalog() -> Value {
    let cats = ["fashion/shoes/running", "fashion/shirts", "pets/cat/food", "pets/cat/toys", "eyewear/lenses", "home"];
    let products: Vec<Value> = (0..12)
        .map(|i| {
            json!({"id": format!("p{i}"), "title": format!("Product {i}"), "category": cats[i % cats.len()], "brand": format!("b{}", i % 3),
                   "price": 10 * i + 5, "popularity": 12 - i, "inStock": i % 5 != 4, "tags": ["t"],
                   "embedding": [(i as f64).sin(), (i as f64).cos(), 0.5, -0.25],
                   "related": {"boughtWith": [format!("p{}", (i + 1) % 12)], "similar": [format!("p{}", (i + 5) % 12)]}})
        })
        .collect();
    json!({ "products": products })
}

/// An engine over `catalog()` with the visitor holding a cart, views, a purchase and a search.
pub fn engine(rules: Option<&Value>) -> Engine {
    let mut options = json!({"catalog": catalog(), "localId": "fuzz-visitor", "locale": "tr-TR"});
    if let Some(r) = rules {
        options["rules"] = r.clone();
    }
    let mut e = Engine::new(&options).expect("the fixed options are valid");
    for (i, ev) in [
        json!({"type": "page", "page": "product"}),
        json!({"type": "view", "productId": "p1"}),
        json!({"type": "view", "productId": "p2"}),
        json!({"type": "add_to_cart", "productId": "p2", "quantity": 2}),
        json!({"type": "search", "query": "kedi maması"}),
        json!({"type": "purchase", "orderId": "o1", "items": [{"productId": "p3", "quantity": 1, "price": 35}]}),
    ]
    .iter()
    .enumerate()
    {
        e.track(ev, NOW - DAY + i as f64 * 60_000.0).expect("the fixed events are valid");
    }
    e
}

/// Every read and write of the engine at a few clock times; the answers are dropped:
/// the targets look for panics, overflows and hangs, not for particular results.
pub fn exercise(e: &mut Engine, slots: &[String], campaigns: &[String]) {
    let builtin = ["for_you", "similar", "bought_together", "recently_viewed", "trending", "replenish"];
    for now in [NOW, NOW + 11.0 * 60_000.0, NOW + 40.0 * DAY] {
        for slot in builtin.iter().copied().chain(slots.iter().map(String::as_str)) {
            let _ = e.recommend(slot, None, Some(5), now);
            let _ = e.recommend(slot, Some("p2"), None, now);
        }
        for p in e.prompts(now) {
            let _ = e.prompt_action("shown", &p.id, now);
            let _ = e.prompt_action("dismiss", &p.id, now + 1.0);
        }
        for c in campaigns {
            let _ = e.explain(c, now);
        }
        let _ = e.next_check(now);
    }
    let _ = e.metrics();
    let _ = e.state();
    let doc = e.snapshot().expect("personalization consent is on");
    e.restore(&doc).expect("a snapshot restores");
}

/// An engine over a catalog from outside: views and carts its first products (the
/// related lists and embeddings they point at are then read), then `exercise`.
pub fn exercise_catalog(mut e: Engine) {
    let ids: Vec<String> = (0..e.catalog().len().min(3) as u32).map(|ix| e.catalog().id(ix).to_string()).collect();
    for (i, id) in ids.iter().enumerate() {
        let at = NOW - 3_600_000.0 + i as f64 * 60_000.0;
        e.track(&json!({"type": "view", "productId": id}), at).expect("a catalog product can be viewed");
        e.track(&json!({"type": "add_to_cart", "productId": id}), at).expect("a catalog product can be added");
    }
    exercise(&mut e, &[], &[]);
    for id in &ids {
        let _ = e.recommend("similar", Some(id), None, NOW);
        let _ = e.recommend("bought_together", Some(id), None, NOW);
    }
}
