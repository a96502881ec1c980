//! Prompts over their life on the host: complements from the visitor's purchases within a
//! category subtree, offers with an end date, the quiet time after a dismiss, the button's
//! action, and `withdrawal` telling the page when a prompt on screen stopped being true.

use vitrin::json;
use vitrin::value::Value;
use vitrin::Engine;

/// The JSON text the engine answers, read back for the test's assertions.
fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const MIN: f64 = 60_000.0;
const DAY: f64 = 24.0 * 60.0 * MIN;
/// 2026-11-02T00:00:00Z.
const T0: f64 = 1_793_577_600_000.0;

fn product(id: &str, category: &str, related: Value) -> Value {
    json!({"id": id, "title": format!("T-{id}"), "category": category, "price": 500, "url": format!("/p/{id}"), "related": related})
}

/// A blouse and a skirt that go with casual shoes; running shoes nothing goes with; cat food
/// bought with toys; a lens with its solution.
fn catalog() -> Value {
    json!({"products": [
        product("blouse", "fashion/blouses", json!({"goesWith": ["casual1", "casual2"], "boughtWith": ["skirt", "blouse2"]})),
        product("blouse2", "fashion/blouses", json!({})),
        product("skirt", "fashion/skirts", json!({"goesWith": ["casual2", "casual3"], "boughtWith": ["blouse"]})),
        product("casual1", "fashion/shoes/casual", json!({})),
        product("casual2", "fashion/shoes/casual", json!({})),
        product("casual3", "fashion/shoes/casual", json!({})),
        product("run1", "fashion/shoes/running", json!({})),
        product("run2", "fashion/shoes/running", json!({})),
        product("food", "pets/cat/food", json!({"boughtWith": ["toy1", "food", "toy2"]})),
        product("toy1", "pets/cat/toys", json!({})),
        product("toy2", "pets/cat/toys", json!({})),
    ], "categoryNames": {"fashion/shirts": {"tr": "Gömlek", "en": "Shirts"}}})
}

fn engine(rules: Value, profile: Value, locale: &str) -> Engine {
    Engine::new(&json!({"catalog": catalog(), "rules": rules, "profile": profile, "locale": locale, "localId": "v"})).unwrap()
}

fn track(e: &mut Engine, event: Value, at: f64) {
    e.track(&event, at).unwrap();
}

fn browse_rules() -> Value {
    json!({"version": 1, "campaigns": [{"id": "shoes", "trigger": {"type": "browse_abandon", "views": 3, "category": "fashion/shoes"},
        "prompt": {"text": {"en": "Shoes for you"}, "products": "complements"}}]})
}

#[test]
fn complements_come_from_purchases_in_the_campaigns_category_subtree_with_the_purchase_named() {
    let profile = json!({"visitorId": "ayse", "updatedAt": T0, "purchases": [
        {"productId": "blouse", "at": T0 - 32.0 * DAY, "quantity": 1}, {"productId": "skirt", "at": T0 - 31.0 * DAY, "quantity": 1}]});
    let mut e = engine(browse_rules(), profile, "en");
    // Running and casual shoes count together for fashion/shoes.
    for (k, id) in ["run1", "casual3", "run2"].iter().enumerate() {
        assert!(
            e.prompts(T0 + k as f64 * MIN).is_empty(),
            "not before the third view"
        );
        track(
            &mut e,
            json!({"type": "view", "productId": id}),
            T0 + k as f64 * MIN,
        );
    }
    let p = &e.prompts(T0 + 3.0 * MIN)[0];
    // The skirt is the newer purchase: its complements come first, then the blouse's, in turns.
    assert_eq!(p.product_ids, ["casual2", "casual1", "casual3"]);
    assert_eq!(
        p.products[0].reason.as_ref().unwrap().text,
        "Goes with the T-skirt you bought on 2 October"
    );
    assert_eq!(
        p.products[1].reason.as_ref().unwrap().text,
        "Goes with the T-blouse you bought on 1 October"
    );
    assert_eq!(p.reason.code, "goes_with_purchase");
    assert_eq!(p.products[0].url.as_deref(), Some("/p/casual2"));
}

#[test]
fn a_complements_prompt_with_nothing_to_offer_stays_quiet_and_nothing_bought_comes_back() {
    // Only the blouse bought; its complements outside shoes are the skirt and another blouse.
    let profile = json!({"visitorId": "v", "updatedAt": T0, "purchases": [{"productId": "blouse", "at": T0 - DAY, "quantity": 1}]});
    let rules = json!({"version": 1, "campaigns": [
        {"id": "skirts", "priority": 2, "trigger": {"type": "always"}, "prompt": {"text": {"en": "x"}, "products": "complements", "productsCategory": "pets"}},
        {"id": "fashion", "priority": 1, "trigger": {"type": "always"}, "prompt": {"text": {"en": "y"}, "products": "complements", "productsCategory": "fashion"}}]});
    let mut e = engine(rules, profile, "tr");
    let p = &e.prompts(T0)[0];
    assert_eq!(
        p.campaign_id, "fashion",
        "no pet complements: the first campaign says nothing"
    );
    assert!(!p.product_ids.contains(&"blouse".to_string()));
    assert_eq!(p.product_ids, ["casual1", "skirt", "casual2"]);
    assert_eq!(
        p.products[1].reason.as_ref().unwrap().text,
        "1 Kasım tarihinde aldığınız T-blouse ile sıkça birlikte alınıyor"
    );
}

#[test]
fn an_offer_ends_with_its_window_shows_its_date_and_is_withdrawn_then() {
    let rules = json!({"version": 1, "utcOffsetMinutes": 180, "campaigns": [{"id": "toys", "trigger": {"type": "post_purchase", "category": "pets/cat", "withinDays": 14},
        "prompt": {"text": {"en": "Until {{endsAt}}"}, "products": "cross_sell", "productsCategory": "pets/cat/toys"}}]});
    let bought = T0 - 3.0 * DAY;
    let profile = json!({"visitorId": "can", "updatedAt": T0, "purchases": [{"productId": "food", "at": bought, "quantity": 1}]});
    let mut e = engine(rules, profile, "en");
    let p = e.prompts(T0).remove(0);
    assert_eq!(p.ends_at, Some(bought + 14.0 * DAY));
    assert_eq!(
        p.product_ids,
        ["toy1", "toy2"],
        "the food itself is not offered again"
    );
    assert_eq!(
        json_of(&vitrin::jsontext::to_text(&p.parts))[1]["format"],
        "date",
        "{{endsAt}} is a date without a filter"
    );
    assert_eq!(p.utc_offset_minutes, 180.0);
    e.page_prompt_action("shown", &p.id, T0).unwrap();
    assert_eq!(
        e.next_check(T0),
        Some(bought + 14.0 * DAY),
        "the page is woken when the offer ends"
    );
    assert_eq!(e.withdrawal(bought + 14.0 * DAY - 1.0), None);
    assert_eq!(
        e.withdrawal(bought + 14.0 * DAY),
        Some((p.id.clone(), "offer_ended"))
    );
    assert_eq!(e.withdrawal(bought + 15.0 * DAY), None, "reported once");
}

fn cart_rules() -> Value {
    json!({"version": 1, "campaigns": [
        {"id": "idle", "priority": 2, "trigger": {"type": "cart_idle", "minutes": 10}, "caps": {"dismissCooldownMinutes": 1440},
         "prompt": {"text": {"en": "Your cart"}, "products": "cart", "cta": {"label": {"en": "Cart"}, "url": "/cart"}}},
        {"id": "exit", "priority": 1, "trigger": {"type": "exit_intent"}, "prompt": {"text": {"en": "Before you go"}, "products": "cart"}},
        {"id": "hello", "trigger": {"type": "always"}, "prompt": {"text": {"en": "Hello"}}}]})
}

#[test]
fn a_dismiss_brings_quiet_time_and_no_other_prompt_about_the_same_cart() {
    let mut e = engine(
        cart_rules(),
        json!({"visitorId": "v", "updatedAt": T0}),
        "en",
    );
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "run1"}),
        T0,
    );
    assert_eq!(e.prompts(T0 + 11.0 * MIN)[0].id, "idle:default");
    e.page_prompt_action("shown", "idle:default", T0 + 11.0 * MIN)
        .unwrap();
    e.page_prompt_action("dismiss", "idle:default", T0 + 12.0 * MIN)
        .unwrap();
    track(&mut e, json!({"type": "exit_intent"}), T0 + 20.0 * MIN);
    assert!(
        e.prompts(T0 + 20.0 * MIN).is_empty(),
        "quiet for 30 minutes after any dismiss"
    );
    let why = json_of(&e.explain("exit", T0 + 20.0 * MIN).unwrap());
    let paths: Vec<&str> = why["because"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"/caps/quietAfterDismissMinutes")
            && paths.contains(&"/campaigns/1/prompt/products"),
        "{paths:?}"
    );
    // Each block has a stable code and what other languages' texts need (minutes left).
    let quiet = why["because"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["path"] == "/caps/quietAfterDismissMinutes")
        .unwrap();
    assert_eq!(
        (&quiet["code"], &quiet["params"], &quiet["reason"]),
        (
            &json!("quiet_after_dismiss"),
            &json!({"minutes": 22}),
            &json!("quiet time after the visitor dismissed a prompt (22 min left)")
        )
    );
    track(&mut e, json!({"type": "exit_intent"}), T0 + 50.0 * MIN);
    let due: Vec<String> = e
        .prompts(T0 + 50.0 * MIN)
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        due,
        ["hello:default"],
        "after the quiet time, a prompt about something else; the cart stays quiet for the day"
    );
}

#[test]
fn a_prompt_on_screen_is_withdrawn_when_it_stops_being_true_and_says_why() {
    let mut e = engine(
        cart_rules(),
        json!({"visitorId": "v", "updatedAt": T0}),
        "en",
    );
    let show = |e: &mut Engine, at: f64| {
        let p = e.prompts(at).remove(0);
        e.page_prompt_action("shown", &p.id, at).unwrap();
        p
    };
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "run1"}),
        T0,
    );
    let p = show(&mut e, T0 + 11.0 * MIN);
    assert_eq!(p.cta.as_ref().unwrap().action, "open");
    assert_eq!(
        e.withdrawal(T0 + 12.0 * MIN),
        None,
        "still idle with a cart"
    );
    track(
        &mut e,
        json!({"type": "remove_from_cart", "productId": "run1"}),
        T0 + 13.0 * MIN,
    );
    assert_eq!(
        e.withdrawal(T0 + 13.0 * MIN),
        Some(("idle:default".into(), "no_longer_due"))
    );

    // Another tab dismissed it.
    let p = show(&mut e, T0 + 14.0 * MIN);
    e.prompt_action("dismiss", &p.id, T0 + 15.0 * MIN).unwrap();
    assert_eq!(
        e.withdrawal(T0 + 15.0 * MIN),
        Some((p.id.clone(), "acted_elsewhere"))
    );

    // The visitor is forgotten, or withdraws consent.
    let p = show(&mut e, T0 + 120.0 * MIN);
    e.forget("someone-else");
    assert_eq!(
        e.withdrawal(T0 + 121.0 * MIN),
        Some((p.id.clone(), "visitor_changed"))
    );
    let p = show(&mut e, T0 + 122.0 * MIN);
    e.set_consent(&json!({"messaging": false})).unwrap();
    assert_eq!(
        e.withdrawal(T0 + 123.0 * MIN),
        Some((p.id, "consent_withdrawn"))
    );

    // Dismissed here: the page took it down itself, nothing to report.
    e.set_consent(&json!({"messaging": true})).unwrap();
    let p = show(&mut e, T0 + 124.0 * MIN);
    e.page_prompt_action("dismiss", &p.id, T0 + 125.0 * MIN)
        .unwrap();
    e.set_rules(&json!({"version": 1})).unwrap();
    assert_eq!(e.withdrawal(T0 + 126.0 * MIN), None);
}

#[test]
fn a_reorder_button_carries_its_action_and_the_reason_names_the_cycle() {
    let rules = json!({"version": 1, "campaigns": [{"id": "lens", "trigger": {"type": "replenishment_due", "withinDays": 5},
        "prompt": {"text": {"en": "Reorder"}, "products": "replenish", "cta": {"label": {"en": "Add both"}, "url": "/cart", "action": "add_to_cart"}}}]});
    let profile = json!({"visitorId": "m", "updatedAt": T0, "cycles": [{"productId": "food", "everyDays": 30, "lastAt": T0 - 27.0 * DAY}]});
    let mut e = engine(rules, profile, "en");
    let p = e.prompts(T0).remove(0);
    assert_eq!(p.cta.unwrap().action, "add_to_cart");
    assert_eq!(p.product_ids[0], "food");
    assert_eq!(p.reason.text, "You buy this every ~30 days");
    // Bought here: the cycle starts again, the prompt goes.
    e.page_prompt_action("shown", &p.id, T0).unwrap();
    track(
        &mut e,
        json!({"type": "purchase", "orderId": "o1", "items": [{"productId": "food", "quantity": 1}]}),
        T0 + MIN,
    );
    assert_eq!(e.withdrawal(T0 + MIN), Some((p.id, "no_longer_due")));
    assert!(e.prompts(T0 + DAY).is_empty());
}

#[test]
fn for_you_keeps_variety_by_default_and_rules_can_turn_it_off() {
    let products: Vec<Value> = (0..40).map(|i| json!({"id": format!("p{i}"), "title": "t", "category": if i < 30 { "a/x" } else { "b/y" }, "price": 1, "popularity": 100 - i})).collect();
    let cat = json!({"products": products});
    let count_a = |recs: &[vitrin::engine::Recommendation]| {
        recs.iter()
            .filter(|r| r.product_id[1..].parse::<u32>().unwrap() < 30)
            .count()
    };
    let mut e = Engine::new(&json!({"catalog": cat, "localId": "v"})).unwrap();
    track(&mut e, json!({"type": "view", "productId": "p0"}), T0);
    let recs = e.recommend("for_you", None, Some(10), T0).unwrap();
    assert_eq!(count_a(&recs), 5, "half the slot per category");
    assert!(
        recs.iter().all(|r| r.product_id != "p0"),
        "the product just viewed is not repeated"
    );
    let off = json!({"version": 1, "slots": {"for_you": {"strategy": "for_you", "diversity": {"maxShare": 1, "repeatViewed": true}}}});
    let mut e = Engine::new(&json!({"catalog": cat, "rules": off, "localId": "v"})).unwrap();
    track(&mut e, json!({"type": "view", "productId": "p0"}), T0);
    assert_eq!(
        count_a(&e.recommend("for_you", None, Some(10), T0).unwrap()),
        10
    );
}

#[test]
fn affinity_reasons_name_the_category_in_the_visitors_language() {
    let products: Vec<Value> = (0..5).map(|i| json!({"id": format!("s{i}"), "title": "t", "category": "fashion/shirts", "price": 1})).collect();
    let cat = json!({"products": products, "categoryNames": {"fashion/shirts": {"tr": "Gömlek", "en": "Shirts"}}});
    let profile = json!({"visitorId": "z", "updatedAt": T0, "affinities": {"category": {"fashion/shirts": 1}}});
    for (locale, text) in [
        ("tr-TR", "İlgilendiğiniz Gömlek kategorisinden"),
        ("en", "Because you like Shirts"),
    ] {
        let mut e = Engine::new(
            &json!({"catalog": cat, "profile": profile, "locale": locale, "localId": "v"}),
        )
        .unwrap();
        let r = &e.recommend("for_you", None, Some(1), T0).unwrap()[0];
        assert_eq!((r.reason.code, r.reason.text.as_str()), ("affinity", text));
    }
}

#[test]
fn the_share_holds_when_the_strategys_best_are_all_one_category() {
    // The 100 most popular products are shoes; a few shirts and bags rank far below them.
    let products: Vec<Value> = (0..120)
        .map(|i| {
            let category = match i {
                0..100 => "fashion/shoes",
                100..110 => "fashion/shirts",
                _ => "fashion/bags",
            };
            json!({"id": format!("p{i}"), "title": "t", "category": category, "price": 1, "popularity": 1000 - i})
        })
        .collect();
    let shoes = |recs: &[vitrin::engine::Recommendation]| {
        recs.iter()
            .filter(|r| r.product_id[1..].parse::<u32>().unwrap() < 100)
            .count()
    };
    let cat = json!({"products": products});
    let mut e = Engine::new(&json!({"catalog": cat, "localId": "v"})).unwrap();
    let recs = e.recommend("for_you", None, Some(12), T0).unwrap();
    assert_eq!(recs.len(), 12);
    assert_eq!(
        shoes(&recs),
        6,
        "half the slot, the rest from the other categories"
    );
    assert_eq!(recs[0].product_id, "p0", "the best shoe still leads");
    assert!(
        recs.windows(2).all(|w| w[0].score >= w[1].score),
        "scores stay best first"
    );
    // Tuned per slot: a quarter.
    let quarter = json!({"version": 1, "slots": {"shop": {"strategy": "for_you", "diversity": {"maxShare": 0.25}}}});
    let mut e = Engine::new(&json!({"catalog": cat, "rules": quarter, "localId": "v"})).unwrap();
    let recs = e.recommend("shop", None, Some(12), T0).unwrap();
    // Three categories of three fill nine places; the best shoes left fill the last three.
    assert_eq!((recs.len(), shoes(&recs[..9]), shoes(&recs)), (12, 3, 6));
    // Off: the twelve best shoes.
    let off = json!({"version": 1, "slots": {"for_you": {"strategy": "for_you", "diversity": {"maxShare": 1}}}});
    let mut e = Engine::new(&json!({"catalog": cat, "rules": off, "localId": "v"})).unwrap();
    assert_eq!(
        shoes(&e.recommend("for_you", None, Some(12), T0).unwrap()),
        12
    );
    // A shop of shoes only still fills the slot.
    let only: Vec<Value> = (0..30).map(|i| json!({"id": format!("p{i}"), "title": "t", "category": "fashion/shoes", "price": 1, "popularity": 100 - i})).collect();
    let mut e = Engine::new(&json!({"catalog": {"products": only}, "localId": "v"})).unwrap();
    let ids: Vec<String> = e
        .recommend("for_you", None, Some(12), T0)
        .unwrap()
        .into_iter()
        .map(|r| r.product_id)
        .collect();
    assert_eq!(ids, (0..12).map(|i| format!("p{i}")).collect::<Vec<_>>());
}

#[test]
fn explain_says_when_a_complements_prompt_would_have_nothing_to_show() {
    // A new visitor bought nothing: the shoes prompt would be empty, so it stays quiet.
    let mut e = engine(browse_rules(), json!(null), "en");
    for (k, id) in ["run1", "casual3", "run2"].iter().enumerate() {
        track(
            &mut e,
            json!({"type": "view", "productId": id}),
            T0 + k as f64 * MIN,
        );
    }
    assert!(e.prompts(T0 + 3.0 * MIN).is_empty());
    let why = json_of(&e.explain("shoes", T0 + 3.0 * MIN).unwrap());
    assert_eq!(why["acts"], json!(false));
    assert_eq!(
        why["because"],
        json!([{"path": "/campaigns/0/prompt/products", "code": "no_products", "params": {},
            "reason": "no product fits the prompt (it would show none)"}])
    );
    // Two views: the trigger names how many it needs.
    let mut e = engine(browse_rules(), json!(null), "en");
    track(&mut e, json!({"type": "view", "productId": "run1"}), T0);
    let why = json_of(&e.explain("shoes", T0 + MIN).unwrap());
    assert_eq!(why["because"][0]["code"], json!("too_few_views"));
    assert_eq!(why["because"][0]["params"], json!({"views": 3}));
}

#[test]
fn every_explain_code_has_its_texts_and_each_parameter_in_both() {
    for &b in vitrin::reasons::Blocked::ALL {
        let (en, tr) = (b.english(), b.turkish());
        assert!(!en.is_empty() && !tr.is_empty() && en != tr, "{}", b.name());
        for name in ["limit", "minutes", "views"] {
            let key = format!("{{{name}}}");
            assert_eq!(en.contains(&key), tr.contains(&key), "{} {key}", b.name());
        }
    }
}

#[test]
fn bought_together_draws_on_the_visitors_purchases_and_says_which() {
    // Cat food and a toy three days ago; a blouse and a skirt (which a cycle makes
    // replenishable) a month ago.
    let profile = json!({"visitorId": "can", "updatedAt": T0,
        "purchases": [{"productId": "food", "at": T0 - 3.0 * DAY, "quantity": 1}, {"productId": "toy1", "at": T0 - 3.0 * DAY, "quantity": 1},
                      {"productId": "blouse", "at": T0 - 32.0 * DAY, "quantity": 1}, {"productId": "skirt", "at": T0 - 31.0 * DAY, "quantity": 1}],
        "cycles": [{"productId": "skirt", "everyDays": 30, "lastAt": T0 - 31.0 * DAY}]});
    let mut e = engine(json!({"version": 1}), profile, "en");
    let recs = e.recommend("bought_together", None, Some(10), T0).unwrap();
    let reason = |id: &str| {
        recs.iter()
            .find(|r| r.product_id == id)
            .map(|r| (r.reason.code, r.reason.text.clone()))
    };
    assert_eq!(
        reason("toy2"),
        Some((
            "bought_with_purchase",
            "Often bought with the T-food you bought on 30 October".to_string()
        ))
    );
    assert_eq!(
        reason("casual1"),
        Some((
            "goes_with_purchase",
            "Goes with the T-blouse you bought on 1 October".to_string()
        ))
    );
    assert!(reason("blouse2").is_some());
    // Bought before: not again, unless a cycle makes it replenishable.
    assert_eq!(reason("toy1"), None, "the toy was bought");
    assert_eq!(reason("blouse"), None, "the blouse was bought");
    assert!(reason("skirt").is_some(), "the skirt is replenishable");
    // The newer purchase weighs more: the food's companions lead the blouse's.
    let at = |id: &str| recs.iter().position(|r| r.product_id == id).unwrap();
    assert!(at("toy2") < at("casual1"), "{recs:#?}");

    // A cart line weighs more than a purchase, and is never suggested itself.
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "skirt"}),
        T0,
    );
    let recs = e.recommend("bought_together", None, Some(10), T0).unwrap();
    assert!(recs.iter().all(|r| r.product_id != "skirt"));
    assert_eq!(recs[0].reason.code, "goes_with", "{recs:#?}");

    // Without personalization consent, purchases are not read.
    let mut e = Engine::new(&json!({"catalog": catalog(), "profile": {"visitorId": "can", "updatedAt": T0,
        "purchases": [{"productId": "blouse", "at": T0 - DAY, "quantity": 1}]}, "consent": {"personalization": false}, "localId": "v"})).unwrap();
    assert!(e
        .recommend("bought_together", None, Some(10), T0)
        .unwrap()
        .is_empty());
}
