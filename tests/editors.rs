//! Conditions as the JsonLogic query builders write them, through the engine: the date
//! operators read the engine's clock in the store's zone at each decision, and product
//! conditions that read the clock are never cached past it.

use vitrin::json;
use vitrin::value::Value;
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

fn errors(doc: Value) -> Vec<(String, String)> {
    vitrin::rules::problems(&doc)
        .into_iter()
        .map(|e| (e.path, e.message))
        .collect()
}

#[test]
fn variables_the_context_does_not_have_are_refused_where_they_are() {
    let doc = json!({"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"}, "when": {"and": [
        {">=": [{"var": "cart.valeu"}, 200]}, {"startsWith": [{"var": "product.category"}, "pets/"]}, {"in": ["vip", {"var": "profile.segments"}]},
        {">": [{"var": "cart.categories.pets/cat/litter"}, 0]}, {"some": [{"var": "cart.productIds"}, {"==": [{"var": ""}, "x"]}]}]}}],
        "slots": {"deals": {"strategy": "trending", "filters": [{"==": [{"var": "product.brnd"}, "Pati"]}, {"in": ["vip", {"var": "visitor.profile.segments"}]}]}}});
    let found = errors(doc);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, "/slots/deals/filters/0/==/0/var");
    assert!(
        found[0].1.contains("unknown variable \"product.brnd\"")
            && found[0].1.contains("did you mean \"product.brand\""),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, "/campaigns/0/when/and/0/>=/0/var");
    assert!(
        found[1].1.contains("did you mean \"cart.value\""),
        "{}",
        found[1].1
    );
    assert_eq!(found[2].0, "/campaigns/0/when/and/1/startsWith/0/var");
    assert!(
        found[2]
            .1
            .contains("campaign conditions read the visitor context"),
        "{}",
        found[2].1
    );
}

#[test]
fn editor_operators_vitrin_does_not_run_name_the_editor_option() {
    let doc = json!({"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"}, "when": {"regexTest": [{"var": "profile.name"}, "^A"]}}]});
    let found = errors(doc);
    assert_eq!(found[0].0, "/campaigns/0/when");
    assert!(
        found[0]
            .1
            .contains("react-awesome-query-builder's regex test"),
        "{}",
        found[0].1
    );
    let typo = errors(
        json!({"version": 1, "campaigns": [{"id": "c", "trigger": {"type": "always"}, "when": {"startswith": [{"var": "page"}, "c"]}}]}),
    );
    assert!(
        typo[0].1.contains("did you mean \"startsWith\""),
        "{}",
        typo[0].1
    );
}

#[test]
fn numeric_strings_in_lists_over_numbers_are_numbers_with_a_warning() {
    // react-querybuilder without parseNumbers exports "weekday in Sunday, Saturday" as text.
    let rules = json!({"version": 1, "campaigns": [{"id": "weekend", "trigger": {"type": "always"},
        "when": {"in": [{"var": "weekday"}, ["0", "6"]]}, "prompt": {"text": {"en": "Weekend"}}}]});
    let warnings = vitrin::rules::read(&rules).1.warnings;
    assert_eq!(warnings.len(), 2);
    assert_eq!(warnings[0].path, "/campaigns/0/when/in/1/0");
    assert!(
        warnings[0].message.contains("taken as the number 0"),
        "{}",
        warnings[0].message
    );
    assert!(errors(rules.clone()).is_empty());
    let mut e = engine(rules);
    // 2026-12-26T12:00+03:00 is a Saturday; the 24th a Thursday.
    assert_eq!(e.prompts(EVE + 2.0 * 24.0 * HOUR + 10.0 * HOUR).len(), 1);
    assert!(e.prompts(EVE + 10.0 * HOUR).is_empty());
}

#[test]
fn date_strings_compared_with_now_are_dates_in_the_store_zone() {
    let campaign = |when: Value| json!({"version": 1, "utcOffsetMinutes": 180, "campaigns": [{"id": "sale", "trigger": {"type": "always"}, "when": when, "prompt": {"text": {"en": "Sale"}}}]});
    // What an editor's date widget becomes in the saved JSON: text.
    let mut e = engine(campaign(
        json!({"<=": ["2026-12-24T00:00", {"var": "now"}, "2026-12-26"]}),
    ));
    assert_eq!(e.prompts(EVE).len(), 1, "00:30 on the 24th in Istanbul");
    assert!(
        e.prompts(EVE - 2.0 * HOUR).is_empty(),
        "still the 23rd in Istanbul"
    );
    assert!(
        e.prompts(EVE + 2.0 * 24.0 * HOUR).is_empty(),
        "the 26th has begun"
    );
}

#[test]
fn one_bad_campaign_is_left_out_only_when_asked() {
    let doc = json!({"version": 1, "campaigns": [
        {"id": "good", "trigger": {"type": "always"}, "prompt": {"text": {"en": "Hi"}}},
        {"id": "bad", "trigger": {"type": "always"}, "when": {"regexTest": [{"var": "profile.name"}, "^A"]}},
        {"id": "also-good", "trigger": {"type": "always"}, "when": {"startsWith": [{"var": "page"}, "c"]}}]});
    assert!(
        vitrin::rules::compile(&doc).is_err(),
        "by default the whole document is refused"
    );
    let (kept, skipped) = vitrin::rules::without_invalid_campaigns(&doc).unwrap();
    let ids: Vec<&str> = kept["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["good", "also-good"]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].id, "bad");
    assert_eq!(skipped[0].path, "/campaigns/1");
    assert!(skipped[0].errors[0].message.contains("regex test"));
    assert!(vitrin::jsontext::to_text(&skipped).starts_with(r#"[{"errors":[{"message":"#));
    // An error outside the campaigns cannot be left out.
    let mut broken = doc.clone();
    broken["utcOffsetMinutes"] = json!("three hours");
    assert!(vitrin::rules::without_invalid_campaigns(&broken).is_err());
}
