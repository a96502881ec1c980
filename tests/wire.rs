//! The wire stays byte-compatible: the JSON text the engine writes for the page (prompts,
//! recommendations, state, metrics, explain, errors), for storage (the visitor document)
//! and for the other tabs (session messages) is compared with files written by the
//! package before the engine wrote JSON text directly (main 9edca9b, which built a
//! `serde_json::Value` and printed it). A document stored by that package restores here
//! and is written back byte for byte. Every text is also checked to be what serde_json
//! itself prints for it: keys in order, numbers as it writes them.
//!
//! One change on purpose since: the raw `prompts()` answer (read only by `core.js`) carries
//! the text as parts, not `text`, `html` and the button's `label`, which `core.js` always
//! rendered again with `Intl` (the page's object is unchanged: `tests/node/assistant.test.mjs`),
//! and a part without a filter leaves out `args` and `format`.
//!
//! `VITRIN_BLESS_WIRE=1 cargo test --test wire` rewrites the files: only for a format
//! changed on purpose (and then stored documents need a new `STORAGE_VERSION`).

use std::path::PathBuf;
use vitrin::json;
use vitrin::session::Session;
use vitrin::value::Value;
use vitrin::Engine;

const MIN: f64 = 60_000.0;
const DAY: f64 = 24.0 * 60.0 * MIN;
/// 2026-11-02T00:00:00Z.
const T0: f64 = 1_793_577_600_000.0;

fn catalog() -> Value {
    let mut products: Vec<Value> = (0..8)
        .map(|i| {
            json!({"id": format!("p{i}"), "title": format!("Ürün \"{i}\" <b>"), "category": if i < 4 { "pets/cat/food" } else { "pets/cat/toys" },
                   "price": 10.5 + f64::from(i) * 3.25, "brand": if i % 2 == 0 { "Acme" } else { "Zed" },
                   "url": format!("/p/{i}"), "image": format!("/img/{i}.jpg"), "tags": ["t"],
                   "related": {"boughtWith": [format!("p{}", (i + 1) % 8)], "goesWith": [format!("p{}", (i + 5) % 8)]}})
        })
        .collect();
    products.push(json!({"id": "lens", "title": "Lens", "category": "health/lens", "price": 100}));
    json!({"products": products})
}

fn rules() -> Value {
    json!({"version": 1, "caps": {"quietAfterDismissMinutes": 1},
        "campaigns": [
        {"id": "cart", "name": "Cart nudge", "trigger": {"type": "cart_idle", "minutes": 5}, "priority": 5,
         "caps": {"perSession": 100, "perDay": 100},
         "variants": [{"id": "A", "weight": 1, "prompt": {"text": {"en": "{{name | default: \"Hi\"}}, {{cart.count}} items for {{cart.value | money}}, {{product.title}} at {{product.price | money}} by {{product.brand}} in {{product.category}} ({{products.count}})", "tr": "Sepet"},
                       "products": "cart", "voucher": "SAVE10", "cta": {"label": {"en": "Use {{voucher}}"}, "url": "/cart", "action": "add_to_cart"}}},
                      {"id": "B", "weight": 1, "prompt": {"text": {"en": "B: {{campaign}} {{cart.lines}}"}, "products": "cart"}}]},
        {"id": "restock", "trigger": {"type": "replenishment_due", "withinDays": 30}, "priority": 4,
         "prompt": {"text": {"en": "Restock in {{days}} days"}, "products": "replenish"}},
        {"id": "sale", "trigger": {"type": "always"}, "priority": 1, "schedule": {"to": "2026-12-01T00:00:00Z"},
         "when": {">=": [{"var": "views.session"}, 1]},
         "slots": {"for_you": {"boosts": [{"when": {"==": [{"var": "product.brand"}, "Acme"]}, "weight": 2}]}},
         "prompt": {"text": {"en": "Until {{endsAt}}"}, "products": "for_you"}},
        {"id": "held", "trigger": {"type": "page", "page": "cart"}, "holdout": 50, "priority": 2,
         "prompt": {"text": {"en": "Held"}}}
    ]})
}

fn profile() -> Value {
    json!({"visitorId": "server-1", "updatedAt": T0 - DAY, "name": "Ayşe", "segments": ["vip"],
        "purchases": [{"productId": "p2", "at": T0 - 40.0 * DAY, "quantity": 2}],
        "cycles": [{"productId": "p2", "everyDays": 30, "lastAt": T0 - 28.0 * DAY}]})
}

fn options() -> Value {
    json!({"catalog": catalog(), "rules": rules(), "profile": profile(), "locale": "en",
        "currency": "TRY", "localId": "local-visitor"})
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/wire")
}

/// What serde_json prints for the same document: the check that keys are in its order and
/// numbers written as it writes them.
fn as_serde_json_writes(text: &str) {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(serde_json::to_string(&v).unwrap(), text);
}

struct Golden {
    bless: bool,
    seen: Vec<String>,
}

impl Golden {
    fn check(&mut self, name: &str, text: &str) {
        as_serde_json_writes(text);
        let path = dir().join(format!("{name}.json"));
        self.seen.push(name.to_string());
        if self.bless {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, format!("{text}\n")).unwrap();
            return;
        }
        let want =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(text, want.trim_end_matches('\n'), "{name}");
    }
}

/// The posts and notices a session queued, as the wrapper receives them.
fn posts(s: &mut Session) -> Vec<String> {
    s.wants();
    let effects: Value = serde_json::from_str(&s.drain()).unwrap();
    effects
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.get("post").or(e.get("store")))
        .map(|text| text.as_str().unwrap().to_string())
        .collect()
}

fn prompts_text(e: &mut Engine, now: f64) -> String {
    vitrin::jsontext::to_text(&e.prompts(now))
}

fn recommend_text(e: &mut Engine, slot: &str, product: Option<&str>, now: f64) -> String {
    let recs = e.recommend(slot, product, Some(4), now).unwrap();
    vitrin::jsontext::to_text(&recs)
}

#[test]
fn the_engine_writes_what_the_package_wrote_before() {
    let mut g = Golden {
        bless: std::env::var_os("VITRIN_BLESS_WIRE").is_some(),
        seen: Vec::new(),
    };
    let engine = Engine::new(&options()).unwrap();
    let mut s = Session::open(engine, Ok(None), true, false);
    let mut now = T0;
    let mut events = vec![
        json!({"type": "page", "page": "category", "categoryId": "pets/cat"}),
        json!({"type": "view", "productId": "p1"}),
        json!({"type": "view", "productId": "p4"}),
        json!({"type": "search", "query": "kedi \"maması\"\n"}),
        json!({"type": "add_to_cart", "productId": "p1", "quantity": 2}),
        json!({"type": "add_to_cart", "productId": "p5"}),
        json!({"type": "remove_from_cart", "productId": "p1", "quantity": 1}),
        json!({"type": "purchase", "orderId": "o-1", "items": [{"productId": "p6", "quantity": 1, "price": 12.75}, {"productId": "p7"}]}),
        json!({"type": "add_to_cart", "productId": "p3", "quantity": 3}),
        json!({"type": "exit_intent"}),
    ]
    .into_iter();
    for e in events.by_ref().take(4) {
        now += MIN;
        s.track(&e, now).unwrap();
    }
    let first = posts(&mut s);
    s.end_task();
    s.flush();
    let mut tabs = first;
    tabs.extend(posts(&mut s));
    for e in events {
        now += 0.5 * MIN;
        s.track(&e, now).unwrap();
    }
    now += 10.0 * MIN;
    let p = prompts_text(s.engine_mut(), now);
    g.check("prompts-cart", &p);
    s.prompt_action("shown", "cart:A", now).ok();
    s.prompt_action("shown", "cart:B", now).ok();
    s.prompt_action("clicked", "cart:A", now + 1.0).ok();
    s.prompt_action("clicked", "cart:B", now + 1.0).ok();
    s.end_task();
    s.flush();
    tabs.extend(posts(&mut s));
    for (i, t) in tabs.iter().enumerate() {
        g.check(&format!("tab-{i}"), t);
    }
    now += 2.0 * MIN;
    s.prompt_action("dismiss", "cart:A", now).ok();
    s.prompt_action("dismiss", "cart:B", now).ok();
    now += 2.0 * MIN;
    g.check("prompts-later", &prompts_text(s.engine_mut(), now));
    let e = s.engine_mut();
    g.check(
        "recommend-for-you",
        &recommend_text(e, "for_you", None, now),
    );
    g.check(
        "recommend-trending",
        &recommend_text(e, "trending", None, now),
    );
    g.check(
        "recommend-bought-together",
        &recommend_text(e, "bought_together", Some("p1"), now),
    );
    g.check("state", &e.state());
    g.check("metrics", &vitrin::jsontext::text(&e.metrics()));
    for id in ["cart", "restock", "sale", "held"] {
        g.check(&format!("explain-{id}"), &e.explain(id, now).unwrap());
    }
    let err = e
        .track(&json!({"type": "view", "productId": "nope"}), now)
        .unwrap_err();
    g.check("error-track", &err.to_json());
    let err = e
        .set_rules(
            &json!({"version": 1, "campaigns": [{"id": "x", "trigger": {"type": "alwayz"}}]}),
        )
        .unwrap_err();
    g.check("error-rules", &err.to_json());
    s.end_task();
    s.flush();
    let stored = s.engine().snapshot().unwrap();
    g.check("stored", &stored);
    s.forget("fresh");
    for (i, t) in posts(&mut s).iter().enumerate() {
        g.check(&format!("forget-{i}"), t);
    }
    // A second tab asks for the state (its stored copy was damaged) and gets it.
    let mut other = Session::open(
        Engine::new(&options()).unwrap(),
        Ok(Some("{".into())),
        true,
        false,
    );
    for (i, t) in posts(&mut other).iter().enumerate() {
        g.check(&format!("hello-{i}"), t);
    }
    let mut third = Session::open(
        Engine::new(&options()).unwrap(),
        Ok(Some(stored.clone())),
        true,
        false,
    );
    third.receive(r#"{"kind":"hello"}"#);
    for (i, t) in posts(&mut third).iter().enumerate() {
        g.check(&format!("answer-{i}"), t);
    }

    // Without a cart: the replenishment prompt (days, products with reasons), then the
    // sale (an end date, products for the visitor).
    let mut e = Engine::new(&options()).unwrap();
    e.track(&json!({"type": "view", "productId": "p5"}), T0)
        .unwrap();
    g.check("prompts-restock", &prompts_text(&mut e, T0 + MIN));
    let mut rules = rules();
    rules["campaigns"].as_array_mut().unwrap().remove(1);
    e.set_rules(&rules).unwrap();
    g.check("prompts-sale", &prompts_text(&mut e, T0 + 2.0 * MIN));
    e.set_consent(&json!({"messaging": false})).unwrap();
    g.check("prompts-none", &prompts_text(&mut e, T0 + 3.0 * MIN));

    // Every file is one this test writes: a file left over from a removed check fails.
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|f| {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            name.trim_end_matches(".json").to_string()
        })
        .collect();
    files.sort();
    g.seen.sort();
    assert_eq!(files, g.seen);
}

/// A visitor document stored by the package before this change (`tests/wire/stored.json`,
/// written by main 9edca9b) restores and is written back byte for byte, and the restored
/// visitor gets the prompt the old package would have shown.
#[test]
fn a_document_stored_by_the_previous_package_restores() {
    let stored = std::fs::read_to_string(dir().join("stored.json")).unwrap();
    let stored = stored.trim_end_matches('\n');
    let mut e = Engine::new(&options()).unwrap();
    e.restore(stored).unwrap();
    assert_eq!(e.snapshot().unwrap(), stored);
    assert_eq!(e.visitor_id(), "local-visitor");
    let state: Value = serde_json::from_str(stored).unwrap();
    assert_eq!(state["visitor"]["cart"].as_array().unwrap().len(), 3);
    // Its cart and history still decide: the cart campaign acts again after its idle time.
    let later = state["visitor"]["lastSeen"].as_f64().unwrap() + 30.0 * MIN;
    let prompts = e.prompts(later);
    assert!(
        prompts.iter().any(|p| p.campaign_id == "cart"),
        "{prompts:?}"
    );
}

/// core.js names each call into the wasm by the number `src/calls.rs` gives it, from the
/// generated `pkg-template/calls.js`; `VITRIN_BLESS=1 cargo test --test wire` rewrites it.
#[test]
fn shipped_call_numbers_are_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/calls.js");
    let fresh = vitrin::calls::calls_js();
    if std::env::var_os("VITRIN_BLESS").is_some() {
        std::fs::write(path, &fresh).unwrap();
    }
    let shipped = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        shipped == fresh,
        "calls.js is stale: run VITRIN_BLESS=1 cargo test --test wire"
    );
}
