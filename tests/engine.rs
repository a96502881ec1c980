//! Host tests of the engine through its public Rust API: ranking invariants (property
//! tests), the built-in strategies, live re-ranking (BRIEF scenario 1), consent, storage.

use proptest::prelude::*;
use vitrin::catalog::Packed;
use vitrin::json;
use vitrin::value::Value;
use vitrin::Engine;

/// The JSON text the engine answers, read back for the test's assertions.
fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const CATEGORIES: [&str; 6] = [
    "shoes/running",
    "shoes/casual",
    "fashion/shirts",
    "books/novels",
    "pets/cat/food",
    "eyewear/lenses",
];

/// A deterministic catalog: each category a cluster in embedding space, some products
/// out of stock, popularity decreasing with the index, related lists inside a category.
fn catalog(n: usize, seed: u64) -> Value {
    let mut rng = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((rng >> 33) as f64 / (1u64 << 31) as f64) as f32 - 0.5
    };
    let products: Vec<Value> = (0..n)
        .map(|i| {
            let c = i % CATEGORIES.len();
            let embedding: Vec<f32> = (0..8)
                .map(|d| if d == c { 1.0 } else { 0.0 } + 0.3 * next())
                .collect();
            let same: Vec<String> = (1..4)
                .map(|k| format!("p{}", (i + k * CATEGORIES.len()) % n))
                .collect();
            json!({
                "id": format!("p{i}"), "title": format!("Product {i}"), "category": CATEGORIES[c],
                "brand": format!("brand{}", i % 4), "price": 10 + i % 50, "inStock": i % 7 != 3,
                "embedding": embedding, "popularity": n - i,
                "related": {"similar": same, "boughtWith": [format!("p{}", (i + 1) % n)]}
            })
        })
        .collect();
    json!({ "products": products })
}

fn engine(n: usize) -> Engine {
    Engine::new(&json!({ "catalog": catalog(n, 7) })).unwrap()
}

fn category_of(id: &str) -> &'static str {
    CATEGORIES[id[1..].parse::<usize>().unwrap() % CATEGORIES.len()]
}

fn ids(recs: &[vitrin::engine::Recommendation]) -> Vec<String> {
    recs.iter().map(|r| r.product_id.clone()).collect()
}

const SLOTS: [&str; 5] = [
    "for_you",
    "similar",
    "bought_together",
    "recently_viewed",
    "trending",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rankings_keep_their_invariants(
        n in 1usize..120,
        views in proptest::collection::vec(0usize..200, 0..12),
        carted in proptest::collection::vec(0usize..200, 0..4),
        slot in 0usize..SLOTS.len(),
        limit in 1u32..30,
    ) {
        let mut e = engine(n);
        let out_of_stock: Vec<bool> = (0..n).map(|i| i % 7 == 3).collect();
        for (k, v) in views.iter().enumerate() {
            e.track(&json!({"type": "view", "productId": format!("p{}", v % n), "at": k}), 0.0).unwrap();
        }
        for c in &carted {
            e.track(&json!({"type": "add_to_cart", "productId": format!("p{}", c % n)}), 100.0).unwrap();
        }
        let product = format!("p{}", views.first().copied().unwrap_or(0) % n);
        let run = |e: &mut Engine| e.recommend(SLOTS[slot], Some(&product), Some(limit), 1000.0).unwrap();
        let first = run(&mut e);
        let again = run(&mut e);
        prop_assert_eq!(&first, &again, "same input, same ranking");
        prop_assert!(first.len() <= limit as usize);
        let mut seen = std::collections::HashSet::new();
        for r in &first {
            prop_assert!(seen.insert(r.product_id.clone()), "duplicate {}", r.product_id);
            let i: usize = r.product_id[1..].parse().unwrap();
            prop_assert!(!out_of_stock[i], "out of stock {}", r.product_id);
            prop_assert!(r.product_id != product || SLOTS[slot] == "trending", "the page's own product");
            prop_assert!(!r.reason.code.is_empty() && !r.reason.text.is_empty());
        }
        prop_assert!(first.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    }
}

#[test]
fn live_reranking_moves_for_you_and_similar_toward_running_shoes() {
    let mut e = engine(300);
    let running = |recs: &[vitrin::engine::Recommendation]| {
        recs.iter()
            .filter(|r| category_of(&r.product_id) == "shoes/running")
            .count()
    };
    let before = e.recommend("for_you", None, Some(10), 0.0).unwrap();
    for (k, id) in ["p0", "p6", "p12"].iter().enumerate() {
        e.track(
            &json!({"type": "view", "productId": id, "at": 1000 + k}),
            0.0,
        )
        .unwrap();
    }
    let after = e.recommend("for_you", None, Some(10), 2000.0).unwrap();
    // The views themselves come last (the storefront default), and running shoes fill the
    // storefront's share of the slot (half), though the strategy's best 40 are all running shoes.
    assert_eq!(
        running(&after),
        5,
        "after three running-shoe views: {:?}",
        ids(&after)
    );
    assert!(
        running(&after) >= running(&before) + 3,
        "before {:?}",
        ids(&before)
    );
    assert!(
        !ids(&after[..5])
            .iter()
            .any(|id| ["p0", "p6", "p12"].contains(&id.as_str())),
        "viewed items are not repeated at the top: {:?}",
        ids(&after)
    );
    assert!(
        after
            .iter()
            .any(|r| r.reason.text.starts_with("Because you viewed Product ")),
        "{after:?}"
    );
    let similar = e
        .recommend("similar", Some("p18"), Some(5), 2000.0)
        .unwrap();
    assert_eq!(running(&similar), 5, "{similar:?}");
    assert_eq!(similar[0].reason.code, "similar");
}

#[test]
fn bought_together_uses_the_product_or_else_the_cart() {
    let mut e = engine(60);
    let recs = e
        .recommend("bought_together", Some("p1"), Some(5), 0.0)
        .unwrap();
    assert_eq!(ids(&recs), vec!["p2"]);
    assert_eq!(recs[0].reason.text, "Often bought with Product 1");
    e.track(&json!({"type": "add_to_cart", "productId": "p4"}), 0.0)
        .unwrap();
    let recs = e.recommend("bought_together", None, Some(5), 0.0).unwrap();
    assert_eq!(ids(&recs), vec!["p5"]);
}

#[test]
fn recently_viewed_is_most_recent_first_without_repeats() {
    let mut e = engine(30);
    for id in ["p1", "p2", "p1", "p4"] {
        e.track(&json!({"type": "view", "productId": id}), 0.0)
            .unwrap();
    }
    let recs = e.recommend("recently_viewed", None, Some(10), 0.0).unwrap();
    assert_eq!(ids(&recs), vec!["p4", "p1", "p2"]);
    assert_eq!(
        json_of(&e.state())["recentlyViewed"],
        json!(["p4", "p1", "p2"])
    );
}

#[test]
fn already_bought_products_are_not_offered_again() {
    let mut e = engine(60);
    e.track(&json!({"type": "view", "productId": "p0"}), 0.0)
        .unwrap();
    let top = e.recommend("for_you", None, Some(1), 0.0).unwrap()[0]
        .product_id
        .clone();
    e.track(
        &json!({"type": "purchase", "orderId": "o1", "items": [{"productId": top, "quantity": 1}]}),
        0.0,
    )
    .unwrap();
    let recs = e.recommend("for_you", None, Some(20), 0.0).unwrap();
    assert!(!ids(&recs).contains(&top));
}

#[test]
fn replenish_offers_a_due_cycle_and_its_companion() {
    let day = 86_400_000.0;
    let now = 100.0 * day;
    let mut e = Engine::new(&json!({ "catalog": catalog(60, 1), "profile": {
        "visitorId": "v", "updatedAt": 0,
        "cycles": [{"productId": "p5", "everyDays": 30, "lastAt": now - 27.0 * day},
                   {"productId": "p8", "everyDays": 30, "lastAt": now - 2.0 * day}]
    }}))
    .unwrap();
    let recs = e.recommend("replenish", None, Some(10), now).unwrap();
    assert_eq!(ids(&recs), vec!["p5", "p6"], "p8 is not due for 28 days");
    assert_eq!(recs[0].reason.text, "You buy this every ~30 days");
    assert_eq!(recs[1].reason.code, "replenish_companion");
}

#[test]
fn turkish_locale_gives_turkish_reasons() {
    let mut e = Engine::new(&json!({ "catalog": catalog(30, 1), "locale": "tr-TR" })).unwrap();
    let recs = e.recommend("trending", None, Some(1), 0.0).unwrap();
    assert_eq!(recs[0].reason.text, "Şu an çok tercih ediliyor");
}

#[test]
fn without_consent_for_you_is_not_personal_and_nothing_is_stored() {
    let mut e =
        Engine::new(&json!({ "catalog": catalog(120, 3), "consent": {"personalization": false} }))
            .unwrap();
    let before = e.recommend("for_you", None, Some(10), 0.0).unwrap();
    for id in ["p0", "p6", "p12"] {
        e.track(&json!({"type": "view", "productId": id}), 0.0)
            .unwrap();
    }
    assert_eq!(e.recommend("for_you", None, Some(10), 0.0).unwrap(), before);
    assert_eq!(before[0].reason.code, "popular");
    assert_eq!(e.snapshot(), None);
    e.set_consent(&json!({"personalization": true})).unwrap();
    assert!(e.snapshot().is_some());
}

#[test]
fn stored_state_round_trips_and_damage_is_refused_without_loss() {
    let mut a = engine(30);
    a.track(
        &json!({"type": "add_to_cart", "productId": "p3", "quantity": 2}),
        5.0,
    )
    .unwrap();
    let doc = a.snapshot().unwrap();
    let mut b = engine(30);
    b.restore(&doc).unwrap();
    assert_eq!(
        json_of(&b.state())["cart"],
        json!([{"productId": "p3", "quantity": 2}])
    );
    for bad in [
        "",
        "{",
        "[]",
        r#"{"v":99,"visitor":{}}"#,
        r#"{"v":1,"visitor":{"cart":"x"}}"#,
        &doc[..doc.len() / 2],
    ] {
        let err = b.restore(bad).unwrap_err();
        assert!(
            err.code == "storage_corrupt" || err.code == "storage_version",
            "{bad}: {err:?}"
        );
        assert_eq!(
            json_of(&b.state())["cart"],
            json!([{"productId": "p3", "quantity": 2}]),
            "kept after {bad}"
        );
    }
}

/// Found by `cargo xtask fuzz` (catalog): a product with an empty brand gave the visitor a
/// brand interest keyed "", which the stored state refuses, losing it on the next page.
#[test]
fn a_blank_brand_does_not_spoil_the_stored_state() {
    let catalog = json!({"products": [{"id": "a", "title": "A", "category": "x/y", "brand": "", "price": 1}, {"id": "b", "title": "B", "category": "x/y", "brand": " ", "price": 2}]});
    let mut a = Engine::new(&json!({ "catalog": catalog })).unwrap();
    a.track(&json!({"type": "view", "productId": "a"}), 5.0)
        .unwrap();
    a.track(&json!({"type": "add_to_cart", "productId": "b"}), 6.0)
        .unwrap();
    let mut b = Engine::new(&json!({ "catalog": catalog })).unwrap();
    b.restore(&a.snapshot().unwrap()).unwrap();
    assert_eq!(
        json_of(&b.state())["cart"],
        json!([{"productId": "b", "quantity": 1}])
    );
}

/// Found by `cargo xtask fuzz` (events): an empty search was kept as a query that the
/// stored state refuses, so the visitor's whole state was lost on the next page.
#[test]
fn an_empty_search_does_not_spoil_the_stored_state() {
    let mut a = engine(30);
    a.track(&json!({"type": "add_to_cart", "productId": "p3"}), 5.0)
        .unwrap();
    for query in ["", "   ", " kedi "] {
        a.track(&json!({"type": "search", "query": query}), 6.0)
            .unwrap();
    }
    let mut b = engine(30);
    b.restore(&a.snapshot().unwrap()).unwrap();
    assert_eq!(
        json_of(&b.state())["cart"],
        json!([{"productId": "p3", "quantity": 1}])
    );
    assert_eq!(json_of(&b.state())["searches"], json!(["kedi"]));
}

#[test]
fn bad_calls_name_what_is_wrong() {
    let mut e = engine(10);
    let err = e
        .track(&json!({"type": "view", "productId": "nope"}), 0.0)
        .unwrap_err();
    assert_eq!(
        (err.code, err.path.as_deref()),
        ("unknown_product", Some("/productId"))
    );
    let err = e.recommend("for_them", None, None, 0.0).unwrap_err();
    assert_eq!(err.code, "unknown_slot");
    let err = e.recommend("similar", None, None, 0.0).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_deref()),
        ("invalid_argument", Some("/productId"))
    );
    let err = Engine::new(&json!({"catalog": {"products": [{"id": "a"}]}}))
        .err()
        .unwrap();
    assert_eq!(
        (err.code, err.path.as_deref()),
        ("invalid_catalog", Some("/catalog/products/0/title"))
    );
}

#[test]
fn a_catalog_without_embeddings_still_ranks_every_strategy() {
    let mut doc = catalog(60, 3);
    for p in doc["products"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("embedding");
    }
    let mut e = Engine::new(&json!({ "catalog": doc })).unwrap();
    for id in ["p2", "p8", "p14"] {
        e.track(&json!({"type": "view", "productId": id}), 1_000.0)
            .unwrap();
    }
    let mine = e.recommend("for_you", None, Some(5), 2_000.0).unwrap();
    assert_eq!(mine.len(), 5);
    assert!(mine.iter().all(|r| !r.reason.text.is_empty()));
    let similar = e
        .recommend("similar", Some("p2"), Some(5), 2_000.0)
        .unwrap();
    assert_eq!(category_of(&similar[0].product_id), category_of("p2"));
}

#[test]
fn embeddings_passed_packed_rank_like_embeddings_in_the_json() {
    let doc = catalog(300, 11);
    let dim = 8;
    let mut packed = vec![0.0f32; 300 * dim];
    let mut stripped = doc.clone();
    for (i, p) in stripped["products"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let e = p.as_object_mut().unwrap().remove("embedding").unwrap();
        for (k, x) in e.as_array().unwrap().iter().enumerate() {
            packed[i * dim + k] = x.as_f64().unwrap() as f32;
        }
    }
    let mut a = Engine::new(&json!({ "catalog": doc })).unwrap();
    let mut b = Engine::with_packed(
        &json!({ "catalog": stripped }),
        Some(Packed::Floats { dim, rows: &packed }),
    )
    .unwrap();
    for e in [&mut a, &mut b] {
        e.track(&json!({"type": "view", "productId": "p4"}), 1_000.0)
            .unwrap();
    }
    let ids = |e: &mut Engine| {
        e.recommend("for_you", None, Some(20), 2_000.0)
            .unwrap()
            .into_iter()
            .map(|r| r.product_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&mut a), ids(&mut b));
    let bad = Engine::with_packed(
        &json!({ "catalog": catalog(3, 1) }),
        Some(Packed::Floats {
            dim: 8,
            rows: &[0.0; 7],
        }),
    );
    assert_eq!(
        bad.err().unwrap().path.as_deref(),
        Some("/catalog/products")
    );
    // The same rows as a binary table (what a store serves beside its catalog JSON).
    let table = a.catalog().embeddings.to_bytes();
    let mut c = Engine::with_packed(
        &json!({ "catalog": { "products": stripped["products"] } }),
        Some(Packed::Table(&table)),
    )
    .unwrap();
    c.track(&json!({"type": "view", "productId": "p4"}), 1_000.0)
        .unwrap();
    assert_eq!(ids(&mut c), ids(&mut a));
    let damaged = Engine::with_packed(
        &json!({ "catalog": { "products": stripped["products"] } }),
        Some(Packed::Table(&table[..40])),
    );
    assert_eq!(
        damaged.err().unwrap().path.as_deref(),
        Some("/catalog/embeddings")
    );
}

#[test]
fn the_catalogs_blend_sets_how_strongly_viewed_products_come_back() {
    // Two views, then `for_you`: with the store's revisit weight at 0 the viewed products
    // give way to their neighbours; with a strong one (a shop whose shoppers return to
    // what they viewed) the last viewed product leads.
    let for_you = |blend: Value| {
        let mut doc = catalog(60, 7);
        doc["blend"] = blend;
        let mut e = Engine::new(&json!({ "catalog": doc })).unwrap();
        for (k, p) in ["p1", "p8"].iter().enumerate() {
            e.track(&json!({"type": "view", "productId": p, "at": k}), 0.0)
                .unwrap();
        }
        ids(&e.recommend("for_you", None, Some(5), 10.0).unwrap())
    };
    let none = for_you(json!({"revisit": 0}));
    assert!(!none.iter().any(|id| id == "p1" || id == "p8"), "{none:?}");
    let strong = for_you(json!({"revisit": 20, "revisitRecency": 0.5}));
    assert_eq!(strong[..2], ["p8", "p1"], "{strong:?}");
    // A misspelt weight is refused with its path, not ignored.
    let mut doc = catalog(5, 7);
    doc["blend"] = json!({"revisitt": 1});
    let Err(err) = Engine::new(&json!({ "catalog": doc })) else {
        panic!("a misspelt weight is refused")
    };
    assert_eq!(
        (err.code, err.path.as_deref()),
        ("invalid_catalog", Some("/catalog/blend/revisitt"))
    );
}

#[test]
fn two_hop_reaches_what_the_viewed_products_neighbours_are_viewed_with() {
    // "kettle" is viewed with "teapot", which is viewed with "cups" and "tea": nobody
    // viewed cups or tea right beside the kettle, and "umbrella" is the bestseller. With the
    // store's two-hop weight the teapot's neighbours follow it, named after the kettle;
    // without it the bestseller comes first among products no view relates to.
    let products: Vec<Value> = [
        ("kettle", vec!["teapot"], 1),
        ("teapot", vec!["cups", "tea"], 1),
        ("cups", vec![], 1),
        ("tea", vec![], 1),
        ("umbrella", vec![], 100),
    ]
    .iter()
    .map(|(id, similar, pop)| {
        json!({"id": id, "title": id.to_uppercase(), "category": "home", "price": 5,
               "popularity": pop, "related": {"similar": similar}})
    })
    .collect();
    let for_you = |blend: Value| {
        let doc = json!({"products": products, "blend": blend});
        let mut e = Engine::new(&json!({ "catalog": doc })).unwrap();
        e.track(&json!({"type": "view", "productId": "kettle"}), 0.0)
            .unwrap();
        e.recommend("for_you", None, Some(4), 10.0).unwrap()
    };
    let off = for_you(json!({"twoHop": 0, "revisit": 0}));
    assert_eq!(ids(&off)[..2], ["teapot", "umbrella"], "{:?}", ids(&off));
    let on = for_you(json!({"twoHop": 0.5, "revisit": 0}));
    assert_eq!(ids(&on)[..3], ["teapot", "cups", "tea"], "{:?}", ids(&on));
    assert_eq!(on[1].reason.text, "Because you viewed KETTLE");
}

#[test]
fn the_binary_catalog_gives_the_engine_the_json_catalog_gives() {
    // Every field a catalog can carry, so a column the binary format dropped shows.
    let mut doc = catalog(300, 13);
    for (i, p) in doc["products"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        p["tags"] = json!([format!("t{}", i % 5)]);
        p["url"] = json!(format!("/p/{i}"));
        if i % 2 == 0 {
            p["image"] = json!(format!("https://cdn.example/{i}.png"));
        }
        p["related"]["goesWith"] = json!([format!("p{}", (i + 2) % 300), "not-sold"]);
    }
    doc["categoryNames"] = json!({"shoes/running": {"tr": "Koşu ayakkabısı"}});
    doc["blend"] = json!({"revisit": 0.5});
    let options = json!({"catalog": doc, "locale": "tr", "localId": "v1"});
    let mut a = Engine::new(&options).unwrap();
    let bytes = a.catalog().to_bytes();
    let mut b = Engine::with_catalog(
        &json!({"locale": "tr", "localId": "v1"}),
        vitrin::catalog::Catalog::from_bytes(&bytes).unwrap(),
    )
    .unwrap();
    let mut at = 1_000.0;
    for e in [
        json!({"type": "view", "productId": "p4"}),
        json!({"type": "view", "productId": "p10"}),
        json!({"type": "add_to_cart", "productId": "p16"}),
        json!({"type": "purchase", "orderId": "o1", "items": [{"productId": "p22", "quantity": 1, "price": 10}]}),
        json!({"type": "view", "productId": "p40"}),
    ] {
        at += 60_000.0;
        for engine in [&mut a, &mut b] {
            engine.track(&e, at).unwrap();
        }
    }
    let mut answered = 0;
    for slot in vitrin::names::Strategy::NAMES {
        for product in [None, Some("p4")] {
            let got: Vec<_> = [&mut a, &mut b]
                .map(|e| e.recommend(slot, product, Some(20), at + 1.0))
                .into();
            assert_eq!(got[0], got[1], "{slot} {product:?}");
            answered += got[0].as_ref().map_or(0, |r| r.len().min(1));
        }
    }
    assert!(answered >= 8, "{answered} slots answered");
    // Put in force over another catalog, it answers the same too.
    let mut c = engine(20);
    c.replace_catalog(vitrin::catalog::Catalog::from_bytes(&bytes).unwrap());
    c.track(&json!({"type": "view", "productId": "p4"}), at)
        .unwrap();
    assert!(
        c.recommend("similar", Some("p4"), Some(5), at)
            .unwrap()
            .len()
            == 5
    );
}
