//! Rules through the engine's public API: validation errors with paths, every example
//! document, a simulated week of caps, cool-downs, schedules and priorities, bucketing,
//! holdout and conversions, tuned slots, and `explain`.

use vitrin::campaigns::{arm, bucket};
use vitrin::json;
use vitrin::reasons::Lang;
use vitrin::rules::problems;
use vitrin::value::Value;
use vitrin::Engine;

/// The JSON text the engine answers, read back for the test's assertions.
fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const MIN: f64 = 60_000.0;
const HOUR: f64 = 60.0 * MIN;
const DAY: f64 = 24.0 * HOUR;
/// 2026-11-02T00:00:00Z, a Monday.
const T0: f64 = 1_793_577_600_000.0;

fn catalog() -> Value {
    let cats = [
        "fashion/shoes/running",
        "fashion/shirts",
        "pets/cat/food",
        "pets/cat/toys",
        "eyewear/lenses",
    ];
    let products: Vec<Value> = (0..40)
        .map(|i| json!({"id": format!("p{i}"), "title": format!("Product {i}"), "category": cats[i % 5], "brand": format!("b{}", i % 3),
                        "price": 100 + i, "popularity": 40 - i, "related": {"boughtWith": [format!("p{}", (i + 3) % 40)]}}))
        .collect();
    json!({ "products": products })
}

fn engine(rules: Value) -> Engine {
    Engine::new(&json!({"catalog": catalog(), "rules": rules, "localId": "visitor-1"})).unwrap()
}

fn track(e: &mut Engine, event: Value, at: f64) {
    e.track(&event, at).unwrap();
}

fn due(e: &mut Engine, at: f64) -> Vec<String> {
    e.prompts(at).into_iter().map(|p| p.id).collect()
}

fn paths(doc: Value) -> Vec<(String, String)> {
    problems(&doc)
        .into_iter()
        .map(|e| (e.path, e.message))
        .collect()
}

#[test]
fn every_example_validates_and_compiles() {
    let mut n = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/rules")).unwrap()
    {
        let path = entry.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(problems(&doc), vec![], "{}", path.display());
        engine(doc);
        n += 1;
    }
    assert!(n >= 7);
}

#[test]
fn validation_lists_every_error_with_its_path() {
    let errs = paths(json!({
        "version": 1,
        "slots": {"home": {"strategy": "for_me", "limit": 0}},
        "campaigns": [
            {"id": "a", "priorty": 3, "trigger": {"type": "cart_idle", "minutes": 10},
             "when": {"and": [{"=": [1, 1]}]}, "prompt": {"text": {"en": "Hi"}}},
            {"id": "a", "trigger": {"type": "cart_idel"},
             "schedule": {"from": "2026-02-01T00:00:00+03:00", "to": "2026-01-01T00:00:00+03:00"}},
            {"trigger": {"type": "page", "page": 3}}
        ]
    }));
    let has = |path: &str, words: &str| errs.iter().any(|(p, m)| p == path && m.contains(words));
    assert!(
        has("/slots/home/strategy", "\"for_me\" is not one of"),
        "{errs:#?}"
    );
    assert!(has("/slots/home/limit", "between 1 and 100"), "{errs:#?}");
    assert!(
        has("/campaigns/0/priorty", "did you mean \"priority\""),
        "{errs:#?}"
    );
    assert!(
        has("/campaigns/0/when/and/0", "did you mean \"==\""),
        "{errs:#?}"
    );
    assert!(has("/campaigns/1/id", "used twice"), "{errs:#?}");
    assert!(
        has("/campaigns/1/trigger/type", "did you mean \"cart_idle\""),
        "{errs:#?}"
    );
    assert!(
        has("/campaigns/1/schedule/to", "ends before it starts"),
        "{errs:#?}"
    );
    assert!(has("/campaigns/2/id", "is required"), "{errs:#?}");
    assert!(
        has("/campaigns/2/trigger/page", "expected a string"),
        "{errs:#?}"
    );
    assert_eq!(errs.len(), 9, "{errs:#?}");
    assert_eq!(
        paths(json!({"version": 2, "whatever": 1})),
        vec![(
            "/version".into(),
            "unsupported rules version 2; this build reads version 1".into()
        )]
    );
}

#[test]
fn a_refused_document_keeps_the_rules_in_force() {
    let mut e =
        engine(json!({"version": 1, "slots": {"home": {"strategy": "trending", "limit": 2}}}));
    let err = e
        .set_rules(&json!({"version": 1, "slots": {"home": {"strategy": "nope"}}}))
        .unwrap_err();
    assert_eq!(
        (err.code, err.path.as_deref()),
        ("invalid_rules", Some("/slots/home/strategy"))
    );
    assert_eq!(e.recommend("home", None, None, T0).unwrap().len(), 2);
}

fn week_rules() -> Value {
    json!({
        "version": 1,
        "caps": {"perDay": 2},
        "campaigns": [
            {"id": "idle", "priority": 5, "trigger": {"type": "cart_idle", "minutes": 10},
             "schedule": {"from": "2026-11-03T00:00:00Z", "to": "2026-11-08T00:00:00Z"},
             "caps": {"perSession": 1, "perDay": 1, "cooldownMinutes": 1200, "dismissCooldownMinutes": 4320},
             "prompt": {"text": {"en": "Your cart is waiting", "tr": "Sepetiniz bekliyor"}, "products": "cart"}},
            {"id": "tie", "priority": 5, "trigger": {"type": "cart_idle", "minutes": 10},
             "prompt": {"text": {"en": "Same priority, later in the list"}}},
            {"id": "low", "priority": 1, "trigger": {"type": "always"}, "when": {">=": [{"var": "cart.value"}, 1]},
             "caps": {"perSession": 1}, "prompt": {"text": {"en": "Low priority"}}}
        ]
    })
}

#[test]
fn a_week_of_caps_cooldowns_schedule_and_priorities() {
    let mut e = engine(week_rules());
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "p1"}),
        T0 + 9.0 * HOUR,
    );
    // Monday: "idle" has not started; "tie" is next by priority.
    assert_eq!(
        due(&mut e, T0 + 9.0 * HOUR + 11.0 * MIN),
        vec!["tie:default"]
    );
    let why = json_of(&e.explain("idle", T0 + 9.0 * HOUR + 11.0 * MIN).unwrap());
    assert_eq!(why["acts"], json!(false));
    assert_eq!(
        why["because"][0]["path"],
        json!("/campaigns/0/schedule/from")
    );

    // Tuesday 10:00, idle 11 minutes: "idle" wins the priority tie by coming first.
    let day1 = T0 + DAY + 10.0 * HOUR;
    track(&mut e, json!({"type": "page", "page": "cart"}), day1);
    assert_eq!(
        due(&mut e, day1 + 5.0 * MIN),
        vec!["low:default"],
        "not idle long enough: only the low-priority one is due"
    );
    let p = e.prompts(day1 + 11.0 * MIN);
    assert_eq!(p.len(), 1, "only the top prompt shows");
    assert_eq!(
        (
            p[0].id.as_str(),
            p[0].text(e.currency(), Lang::En).as_str(),
            p[0].product_ids.clone()
        ),
        (
            "idle:default",
            "Your cart is waiting",
            vec!["p1".to_string()]
        )
    );
    assert_eq!(p[0].reason.code, "cart_abandonment");
    e.prompt_action("shown", "idle:default", day1 + 11.0 * MIN)
        .unwrap();
    // Per session: the same session never sees it again; "tie" is next.
    assert_eq!(due(&mut e, day1 + 25.0 * MIN), vec!["tie:default"]);
    e.prompt_action("shown", "tie:default", day1 + 25.0 * MIN)
        .unwrap();
    // Global per-day cap of 2 is now reached: even "low" stays quiet today.
    assert_eq!(due(&mut e, day1 + 3.0 * HOUR), Vec::<String>::new());
    let why = json_of(&e.explain("low", day1 + 3.0 * HOUR).unwrap());
    assert!(
        why["because"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["path"] == "/caps/perDay"),
        "{why}"
    );

    // Wednesday 05:00 (19 h after): new session and a new day, but the 20 h cool-down holds.
    let day2 = T0 + 2.0 * DAY + 5.0 * HOUR;
    track(&mut e, json!({"type": "page", "page": "home"}), day2);
    let why = json_of(&e.explain("idle", day2 + 11.0 * MIN).unwrap());
    assert_eq!(
        why["because"][0]["path"],
        json!("/campaigns/0/caps/cooldownMinutes"),
        "{why}"
    );
    // Wednesday 10:00: cool-down over; shown again, then dismissed.
    let day2b = T0 + 2.0 * DAY + 10.0 * HOUR;
    track(&mut e, json!({"type": "page", "page": "home"}), day2b);
    assert_eq!(due(&mut e, day2b + 11.0 * MIN), vec!["idle:default"]);
    e.prompt_action("shown", "idle:default", day2b + 11.0 * MIN)
        .unwrap();
    e.prompt_action("dismiss", "idle:default", day2b + 12.0 * MIN)
        .unwrap();
    // Thursday and Friday: quiet for 72 h after the dismiss.
    for d in [3.0, 4.0] {
        let t = T0 + d * DAY + 10.0 * HOUR;
        track(&mut e, json!({"type": "page", "page": "home"}), t);
        let why = json_of(&e.explain("idle", t + 11.0 * MIN).unwrap());
        assert!(
            why["because"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["path"] == "/campaigns/0/caps/dismissCooldownMinutes"),
            "day {d}: {why}"
        );
    }
    // Saturday 11:00: 72 h have passed.
    let day5 = T0 + 5.0 * DAY + 11.0 * HOUR;
    track(&mut e, json!({"type": "page", "page": "home"}), day5);
    assert_eq!(due(&mut e, day5 + 11.0 * MIN), vec!["idle:default"]);
    // Sunday 08 Nov 00:00 UTC: the schedule has ended (its end is exclusive).
    let end = T0 + 6.0 * DAY;
    track(
        &mut e,
        json!({"type": "page", "page": "home"}),
        end - 11.0 * MIN,
    );
    let why = json_of(&e.explain("idle", end).unwrap());
    assert_eq!(
        why["because"][0]["path"],
        json!("/campaigns/0/schedule/to"),
        "{why}"
    );
    assert!(json_of(&e.explain("idle", end - MIN).unwrap())["because"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["path"] != "/campaigns/0/schedule/to"));
    assert_eq!(e.metrics()["idle"]["default"]["impressions"], json!(2));
}

#[test]
fn explain_points_at_the_failing_part_of_a_condition() {
    let mut e = engine(
        json!({"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"},
        "when": {"and": [{">=": [{"var": "cart.count"}, 1]}, {"==": [{"var": "page"}, "cart"]}]}, "prompt": {"text": {"en": "x"}}}]}),
    );
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "p2"}),
        T0,
    );
    let why = json_of(&e.explain("c", T0).unwrap());
    assert_eq!(
        why["because"],
        json!([{"path": "/campaigns/0/when/and/1", "code": "condition_false", "params": {}, "reason": "this condition is false for the visitor"}])
    );
    track(&mut e, json!({"type": "page", "page": "cart"}), T0);
    assert_eq!(json_of(&e.explain("c", T0).unwrap())["acts"], json!(true));
    assert_eq!(e.explain("nope", T0).unwrap_err().code, "unknown_campaign");
}

#[test]
fn variants_split_within_one_percent_and_never_change_for_a_visitor() {
    let rules = vitrin::rules::compile(
        &json!({"version": 1, "campaigns": [{"id": "exp", "trigger": {"type": "always"}, "holdout": 10,
        "variants": [{"id": "A", "weight": 30}, {"id": "B", "weight": 60}]}]}),
    )
    .unwrap();
    let c = &rules.campaigns[0];
    let mut counts = std::collections::HashMap::new();
    for i in 0..100_000 {
        *counts
            .entry(arm(c, &format!("visitor-{i}")).to_string())
            .or_insert(0u32) += 1;
    }
    for (variant, share) in [("holdout", 10.0), ("A", 30.0), ("B", 60.0)] {
        let got = counts[variant] as f64 / 1000.0;
        assert!(
            (got - share).abs() <= 1.0,
            "{variant}: {got}% of visitors, want {share}%"
        );
    }
    assert!((0..10).all(|i| arm(c, &format!("v{i}")) == arm(c, &format!("v{i}"))));
    // Across a reload: the stored visitor keeps its id, so its variant.
    let doc = json!({"version": 1, "campaigns": [{"id": "exp", "trigger": {"type": "always"}, "variants": [{"id": "A", "weight": 1}, {"id": "B", "weight": 1}]}]});
    let mut a =
        Engine::new(&json!({"catalog": catalog(), "rules": doc, "localId": "first"})).unwrap();
    track(&mut a, json!({"type": "view", "productId": "p1"}), T0);
    let variant = json_of(&a.explain("exp", T0).unwrap())["variant"].clone();
    let mut b =
        Engine::new(&json!({"catalog": catalog(), "rules": doc, "localId": "second-tab"})).unwrap();
    b.restore(&a.snapshot().unwrap()).unwrap();
    assert_eq!(json_of(&b.explain("exp", T0).unwrap())["variant"], variant);
    assert!(bucket("first", "exp") != bucket("second-tab", "exp"));
}

#[test]
fn the_holdout_sees_nothing_but_its_conversions_count() {
    let doc = json!({"version": 1, "campaigns": [{"id": "wb", "trigger": {"type": "always"}, "holdout": 50,
        "prompt": {"text": {"en": "Hello"}}, "slots": {"trending": {"pin": ["p9"]}}}]});
    let ids: Vec<String> = (0..200).map(|i| format!("v{i}")).collect();
    let rules = vitrin::rules::compile(&doc).unwrap();
    let held = ids
        .iter()
        .find(|id| arm(&rules.campaigns[0], id) == "holdout")
        .unwrap();
    let shown = ids
        .iter()
        .find(|id| arm(&rules.campaigns[0], id) != "holdout")
        .unwrap();

    let mut h = Engine::new(&json!({"catalog": catalog(), "rules": doc, "localId": held})).unwrap();
    track(&mut h, json!({"type": "page", "page": "home"}), T0);
    assert!(h.prompts(T0).is_empty());
    assert_ne!(
        h.recommend("trending", None, Some(3), T0).unwrap()[0].product_id,
        "p9",
        "no slot change either"
    );
    track(
        &mut h,
        json!({"type": "purchase", "orderId": "o1", "items": [{"productId": "p1", "quantity": 2, "price": 50}]}),
        T0 + HOUR,
    );
    assert_eq!(
        h.metrics()["wb"]["holdout"],
        json!({"impressions": 1, "clicks": 0, "conversions": 1, "revenue": 100.0})
    );

    let mut s =
        Engine::new(&json!({"catalog": catalog(), "rules": doc, "localId": shown})).unwrap();
    track(&mut s, json!({"type": "page", "page": "home"}), T0);
    let p = s.prompts(T0);
    assert_eq!(p[0].campaign_id, "wb");
    let top = &s.recommend("trending", None, Some(3), T0).unwrap()[0];
    assert_eq!(
        (
            top.product_id.as_str(),
            top.campaign_id.as_deref(),
            top.reason.code
        ),
        ("p9", Some("wb"), "featured")
    );
    s.prompt_action("shown", &p[0].id, T0).unwrap();
    s.prompt_action("clicked", &p[0].id, T0).unwrap();
    track(
        &mut s,
        json!({"type": "purchase", "orderId": "o2", "items": [{"productId": "p2", "quantity": 1}]}),
        T0 + 80.0 * HOUR,
    );
    assert_eq!(
        s.metrics()["wb"]["default"],
        json!({"impressions": 1, "clicks": 1, "conversions": 0, "revenue": 0.0}),
        "outside the 72 h window"
    );
    assert_eq!(
        s.prompt_action("shown", "wb:Z", T0).unwrap_err().code,
        "unknown_prompt"
    );
}

/// A campaign's holdout sees what it would without the campaign: a lower-priority prompt
/// that is due, not silence, so the uplift compares the campaign with the shop as it was.
#[test]
fn the_holdout_gets_the_prompt_it_would_get_without_the_campaign() {
    let doc = json!({"version": 1, "campaigns": [
        {"id": "big", "priority": 9, "trigger": {"type": "always"}, "holdout": 50, "prompt": {"text": {"en": "Big"}}},
        {"id": "small", "priority": 1, "trigger": {"type": "always"}, "prompt": {"text": {"en": "Small"}}}]});
    let rules = vitrin::rules::compile(&doc).unwrap();
    let ids: Vec<String> = (0..200).map(|i| format!("v{i}")).collect();
    for (held, expect) in [(true, "small"), (false, "big")] {
        let id = ids
            .iter()
            .find(|id| (arm(&rules.campaigns[0], id) == "holdout") == held)
            .unwrap();
        let mut e =
            Engine::new(&json!({"catalog": catalog(), "rules": doc, "localId": id})).unwrap();
        track(&mut e, json!({"type": "page", "page": "home"}), T0);
        let p = e.prompts(T0);
        assert_eq!(p[0].campaign_id, expect, "holdout: {held}");
        if held {
            // The moment `big` would have spoken counts for its holdout.
            assert_eq!(e.metrics()["big"]["holdout"]["impressions"], json!(1));
        }
    }
}

#[test]
fn slots_obey_filters_boosts_pins_exclusions_and_diversity() {
    let mut e = engine(json!({"version": 1, "slots": {"shelf": {
        "strategy": "trending", "limit": 6,
        "filters": [{"<": [{"var": "product.price"}, 130]}],
        "boosts": [{"when": {"in": ["pets", {"var": "product.categories"}]}, "weight": 5}],
        "pin": ["p35", "p1"], "exclude": ["p2"],
        "diversity": {"maxPerCategory": 2}
    }}}));
    let recs = e.recommend("shelf", None, None, T0).unwrap();
    let ids: Vec<&str> = recs.iter().map(|r| r.product_id.as_str()).collect();
    // p35 costs 135 but a pin outranks the filter; p2 (cat food) is excluded.
    assert_eq!(ids, vec!["p35", "p1", "p3", "p7", "p8", "p12"], "{recs:#?}");
    assert_eq!(recs[0].reason.code, "featured");
    assert!(recs.iter().all(|r| r.slot == "shelf"));
}

/// Product-only filters and boosts apply to the whole catalog, not just the strategy's
/// best: a filter matching only unpopular products still fills the slot, a boost lifts the
/// least popular product to the top (crediting the campaign that asked), and both follow a
/// new catalog.
#[test]
fn product_conditions_reach_past_the_strategy_pool() {
    let big = |n: usize, rare: &str| {
        let products: Vec<Value> = (0..n)
            .map(|i| {
                json!({"id": format!("p{i}"), "title": "x", "price": 10, "popularity": n - i,
                            "category": if i >= n - 5 { rare } else { "fashion/shirts" }})
            })
            .collect();
        json!({ "products": products })
    };
    let rules = json!({"version": 1,
        "slots": {"lenses": {"strategy": "trending", "limit": 4, "filters": [{"==": [{"var": "product.category"}, "eyewear/lenses"]}]}},
        "campaigns": [{"id": "last", "trigger": {"type": "always"}, "slots": {"trending": {"boosts": [{"when": {"==": [{"var": "product.id"}, "p299"]}, "weight": 10}]}}}]});
    let mut e = Engine::new(
        &json!({"catalog": big(300, "eyewear/lenses"), "rules": rules, "localId": "v"}),
    )
    .unwrap();
    let ids = |e: &mut Engine, slot: &str| {
        e.recommend(slot, None, None, T0)
            .unwrap()
            .into_iter()
            .map(|r| (r.product_id, r.campaign_id))
            .collect::<Vec<_>>()
    };
    let lenses: Vec<String> = ids(&mut e, "lenses")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        lenses,
        ["p295", "p296", "p297", "p298"],
        "ranks 296-299 of 300, far past any pool"
    );
    let trending = ids(&mut e, "trending");
    assert_eq!(trending[0], ("p299".to_string(), Some("last".to_string())));
    assert_eq!(trending[1], ("p0".to_string(), None));
    e.set_catalog(&big(300, "pets/cat")).unwrap();
    assert_eq!(ids(&mut e, "lenses"), [], "the new catalog has no lenses");
}

#[test]
fn messaging_consent_silences_prompts() {
    let mut e = Engine::new(&json!({"catalog": catalog(), "consent": {"messaging": false},
        "rules": {"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"}, "prompt": {"text": {"en": "x"}}}]}})).unwrap();
    assert!(e.prompts(T0).is_empty());
    let why = json_of(&e.explain("c", T0).unwrap());
    assert_eq!(
        why["because"][0]["reason"],
        json!("the visitor did not consent to messaging")
    );
}

/// The package ships the schema and reference generated from the rules' definition;
/// `VITRIN_BLESS=1 cargo test --test rules` rewrites them after a change.
#[test]
fn shipped_schema_and_reference_are_current() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template");
    let files = [
        ("rules.schema.json", serde_json::to_string_pretty(&vitrin::rules::schema()).unwrap() + "\n"),
        ("RULES.md", vitrin::rules::reference()),
        ("vocabulary.js", format!("// Generated from src/rules/vocabulary.rs (the context vocabulary) and src/reasons.rs (the explain codes' texts); `cargo test` fails when stale.\nexport const VOCABULARY = {};\nexport const EXPLAIN_TEXTS = {};\n", serde_json::to_string_pretty(&vitrin::rules::vocabulary::json()).unwrap(), serde_json::to_string_pretty(&vitrin::reasons::explain_texts()).unwrap())),
    ];
    for (name, fresh) in files {
        let path = format!("{dir}/{name}");
        if std::env::var_os("VITRIN_BLESS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == fresh,
            "{name} is stale: run VITRIN_BLESS=1 cargo test --test rules"
        );
    }
}

#[test]
fn the_schema_describes_what_validation_accepts() {
    let schema = vitrin::rules::schema();
    let campaign = &schema["properties"]["campaigns"]["items"];
    assert_eq!(campaign["additionalProperties"], json!(false));
    assert!(campaign["required"]
        .as_array()
        .unwrap()
        .contains(&json!("trigger")));
    let triggers = campaign["properties"]["trigger"]["oneOf"]
        .as_array()
        .unwrap();
    assert_eq!(triggers.len(), 10);
    assert!(triggers
        .iter()
        .any(|t| t["properties"]["type"]["const"] == "cart_idle"));
}

#[test]
fn a_cta_the_browser_would_send_off_the_site_is_refused_as_it_reads_it() {
    let doc = |url: &str| json!({"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"}, "prompt": {"text": {"en": "Hi"}, "cta": {"label": {"en": "Go"}, "url": url}}}]});
    for url in [
        "/\\evil.example/x",
        "/\t/evil.example/x",
        "/\n/evil.example/x",
        "\\\\evil.example",
        " javascript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,x",
    ] {
        let found = paths(doc(url));
        assert!(
            found
                .iter()
                .any(|(p, _)| p == "/campaigns/0/prompt/cta/url"),
            "{url:?}: {found:?}"
        );
    }
    for url in ["/cart", "https://shop.example/cart", "cart?x=1"] {
        assert!(paths(doc(url)).is_empty(), "{url:?}");
    }
}

#[test]
fn every_template_variable_that_validates_renders_a_value() {
    let text = "{{product.title}}|{{product.brand}}|{{product.category}}|{{product.price}}|{{products.count}}|{{cart.count}}|{{cart.lines}}|{{cart.value}}|{{campaign}}|{{voucher}}|{{endsAt | date}}|{{name | default: \"x\"}}";
    let doc = json!({"version": 1, "campaigns": [{"id": "all", "name": "All", "trigger": {"type": "always"}, "schedule": {"to": "2030-01-01T00:00:00+03:00"},
        "prompt": {"text": {"en": text}, "products": "cart", "voucher": "V10"}}]});
    assert!(problems(&doc).is_empty(), "{:?}", problems(&doc));
    let mut e = engine(doc);
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "p4", "quantity": 2}),
        T0,
    );
    let text = e.prompts(T0).remove(0).text(e.currency(), Lang::En);
    let fields: Vec<&str> = text.split('|').collect();
    assert_eq!(&fields[..3], ["Product 4", "b1", "Lenses"], "{text}");
    assert!(
        fields.iter().all(|f| !f.is_empty()),
        "every variable has a value: {text}"
    );
}

#[test]
fn the_replenish_slot_and_the_replenishment_due_trigger_agree_after_a_purchase() {
    let doc = json!({"version": 1, "campaigns": [{"id": "lens", "trigger": {"type": "replenishment_due", "withinDays": 7},
        "prompt": {"text": {"en": "Time to reorder"}, "products": "replenish"}}]});
    let mut e = engine(doc);
    e.set_profile(&json!({"visitorId": "v", "updatedAt": T0, "cycles": [{"productId": "p4", "everyDays": 30, "lastAt": T0 - 27.0 * DAY}]})).unwrap();
    let slot = |e: &mut Engine| {
        e.recommend("replenish", None, Some(3), T0 + HOUR)
            .unwrap()
            .into_iter()
            .map(|r| r.product_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(slot(&mut e).first().map(String::as_str), Some("p4"));
    assert_eq!(due(&mut e, T0 + HOUR), ["lens:default"]);
    // Bought again on the page: neither the slot nor the trigger calls it due any more.
    track(
        &mut e,
        json!({"type": "purchase", "orderId": "o1", "items": [{"productId": "p4", "quantity": 1}]}),
        T0 + 30.0 * MIN,
    );
    assert!(!slot(&mut e).contains(&"p4".to_string()));
    assert!(
        due(&mut e, T0 + HOUR).is_empty(),
        "the trigger agrees with the slot"
    );
}

/// A variable the vocabulary accepts but the context never fills makes a campaign silently
/// inert: for a visitor who has done everything (viewed, searched, carted, bought, has a
/// profile), every visitor variable holds a value.
#[test]
fn every_context_variable_has_a_value_for_an_active_visitor() {
    for var in vitrin::rules::vocabulary::VISITOR.iter().map(|v| v.name) {
        let rules = json!({"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"},
            "when": {"!==": [{"var": var}, null]}, "prompt": {"text": {"en": "x"}}}]});
        let mut e = engine(rules);
        e.set_profile(
            &json!({"visitorId": "visitor-1", "name": "Ayşe", "updatedAt": T0 - 86_400_000.0,
            "affinities": {"category": {"pets/cat/food": 0.8}, "brand": {"b1": 0.5}},
            "segments": ["vip"]}),
        )
        .unwrap();
        let events = [
            json!({"type": "page", "page": "home"}),
            json!({"type": "view", "productId": "p2"}),
            json!({"type": "search", "query": "kedi maması"}),
            json!({"type": "add_to_cart", "productId": "p2", "quantity": 1}),
            json!({"type": "purchase", "orderId": "o1", "items": [{"productId": "p2", "quantity": 1}]}),
            json!({"type": "view", "productId": "p7"}),
            json!({"type": "add_to_cart", "productId": "p7", "quantity": 2}),
        ];
        for (i, event) in events.into_iter().enumerate() {
            track(&mut e, event, T0 + i as f64 * 60_000.0);
        }
        let why = json_of(&e.explain("c", T0 + 3_600_000.0).unwrap());
        assert_eq!(why["acts"], json!(true), "`{var}` has no value: {why}");
        assert_eq!(
            due(&mut e, T0 + 3_600_000.0).len(),
            1,
            "`{var}` has no value"
        );
    }
}

/// A field left out takes the default RULES.md states, and the schema offers the same
/// value to editors.
#[test]
fn left_out_fields_take_their_stated_defaults() {
    use vitrin::rules::Trigger;
    let doc = json!({"version": 1, "campaigns": [
        {"id": "e", "trigger": {"type": "event", "event": "add_to_cart"},
         "prompt": {"text": {"en": "x"}, "cta": {"label": {"en": "Go"}, "url": "/cart"}}},
        {"id": "r", "trigger": {"type": "replenishment_due"}, "prompt": {"text": {"en": "x"}}}]});
    assert!(problems(&doc).is_empty());
    let rules = vitrin::rules::compile(&doc).unwrap();
    assert_eq!(rules.caps.quiet_ms[1], 30.0 * 60_000.0);
    let (e, r) = (&rules.campaigns[0], &rules.campaigns[1]);
    assert!(matches!(e.trigger, Trigger::Event { within_ms, .. } if within_ms == 30.0 * 60_000.0));
    assert!(matches!(r.trigger, Trigger::ReplenishmentDue { within_days } if within_days == 7.0));
    assert_eq!(e.prompt.as_ref().unwrap().action, "open");
    assert_eq!(e.attribution_ms, 72.0 * 3_600_000.0);

    let reference = vitrin::rules::reference();
    for row in [
        "How long after the event the campaign stays due. Default: 30.",
        "Default: `open`.",
        "Default: 72.",
    ] {
        assert!(reference.contains(row), "RULES.md lacks {row:?}");
    }
    let schema = vitrin::rules::schema().to_string();
    assert!(
        schema.contains(r#""default":72"#),
        "the schema carries the defaults"
    );
}

#[test]
fn the_visitor_context_has_a_value_at_every_name_conditions_read() {
    let mut e = engine(json!({"version": 1, "campaigns": []}));
    track(&mut e, json!({"type": "view", "productId": "p2"}), T0);
    track(
        &mut e,
        json!({"type": "add_to_cart", "productId": "p7"}),
        T0 + MIN,
    );
    let ctx = e.visitor_context(T0 + 2.0 * MIN);
    for name in vitrin::rules::vocabulary::CONTEXT {
        let at = name.split('.').try_fold(&ctx, |v, k| v.get(k));
        assert!(at.is_some(), "no {name} in {ctx}");
    }
    assert_eq!(ctx["cart"]["categories"]["pets/cat"], json!(1.0));
    assert_eq!(ctx["views"]["byCategory"]["pets"], json!(1.0));
    assert_eq!(ctx["cart"]["value"], json!(107.0));
}

/// `Caps` is read in its shape's field order (counts, then quiet times) and
/// `campaigns::cap_blocks` names each slot by its place: the shapes must keep that order.
#[test]
fn caps_shapes_list_counts_then_quiet_times_in_the_order_caps_reads_them() {
    use vitrin::rules::{CAMPAIGN_CAPS, GLOBAL_CAPS};
    let names =
        |s: &vitrin::rules::spec::Shape| s.fields.iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(
        names(&CAMPAIGN_CAPS),
        [
            "perSession",
            "perDay",
            "lifetime",
            "cooldownMinutes",
            "dismissCooldownMinutes"
        ]
    );
    assert_eq!(
        names(&GLOBAL_CAPS),
        [
            "perSession",
            "perDay",
            "minGapMinutes",
            "quietAfterDismissMinutes"
        ]
    );
}
