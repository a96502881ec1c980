//! Rules checked against the store (`Engine::check_rules`): the marketer's cat-litter
//! campaign of issue 16 with the mistakes a marketer makes, each found at its JSON Pointer.

use vitrin::engine::Engine;
use vitrin::json;
use vitrin::value::Value;

fn catalog() -> Value {
    json!({"products": [
        {"id": "cat-food-1", "title": "Dry cat food", "category": "pets/cat/food", "price": 300},
        {"id": "cat-toy-1", "title": "Feather toy", "category": "pets/cat/toys", "price": 90},
        {"id": "dog-food-1", "title": "Dog food", "category": "pets/dog/food", "price": 400},
    ]})
}

const ROUTES: [&str; 6] = [
    "/#/",
    "/#/c/{category}",
    "/#/p/{product}",
    "/#/cart",
    "/#/checkout",
    "/#/search/{query}",
];

/// (path, message) pairs.
type Found = Vec<(String, String)>;

fn check(rules: &Value) -> (Found, Found) {
    let engine = Engine::new(&json!({"catalog": catalog(), "localId": "v"})).unwrap();
    let routes: Vec<String> = ROUTES.iter().map(|r| r.to_string()).collect();
    let f = engine.check_rules(rules, &routes);
    let pairs =
        |v: Vec<vitrin::error::PathError>| v.into_iter().map(|e| (e.path, e.message)).collect();
    (pairs(f.errors), pairs(f.warnings))
}

fn litter(when: Value, cta_url: &str, cta_label: Value) -> Value {
    json!({"version": 1, "campaigns": [{
        "id": "cat-litter", "name": "10% off cat litter", "holdout": 10,
        "trigger": {"type": "post_purchase", "category": "pets/cat/food", "withinDays": 14},
        "when": when,
        "caps": {"perDay": 1},
        "prompt": {"text": {"tr": "Kedi kumunda %10 indirim", "en": "10% off cat litter"}, "cta": {"label": cta_label, "url": cta_url}},
        "variants": [{"id": "A", "weight": 50}, {"id": "B", "weight": 50, "prompt": {"text": {"tr": "Kum bitmeden: %10 indirim", "en": "Before the litter runs out: 10% off"}}}]
    }]})
}

#[test]
fn each_mistake_is_found_at_its_path() {
    let at = |path: &str, list: &[(String, String)]| {
        list.iter()
            .find(|(p, _)| p == path)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("nothing at {path} in {list:?}"))
    };
    // An unknown variable is the format's own error (the vocabulary), found first.
    let rules = litter(
        json!({"<=": [{"var": "purchase.daysSinceLast"}, 14]}),
        "/#/c/pets/cat/litter",
        json!({"tr": "Kuma göz at"}),
    );
    let (errors, _) = check(&rules);
    let var = at("/campaigns/0/when/<=/0/var", &errors);
    assert!(
        var.contains("purchase.daysSinceLast")
            && var.contains("did you mean \"purchases.daysSinceLast\""),
        "{var}"
    );

    // Then the store's: a category and a link not in the shop, an English label missing.
    let rules = litter(
        json!({"and": [{"<=": [{"var": "purchases.daysSinceLast"}, 14]}, {"in": ["pets/cat/litter", {"var": "purchases.categories"}]}]}),
        "/#/c/pets/cat/litter",
        json!({"tr": "Kuma göz at"}),
    );
    let (errors, warnings) = check(&rules);
    let cat = at("/campaigns/0/when/and/1/in/0", &errors);
    assert!(cat.contains("no category \"pets/cat/litter\""), "{cat}");
    let link = at("/campaigns/0/prompt/cta/url", &errors);
    assert!(
        link.contains("not a page of the store") && link.contains("pets/cat/litter"),
        "{link}"
    );
    let label = at("/campaigns/0/prompt/cta/label", &warnings);
    assert!(label.contains("no \"en\" text"), "{label}");
    assert_eq!(errors.len(), 2, "{errors:?}");

    // Fixed: nothing left.
    let fixed = litter(
        json!({"and": [{"<=": [{"var": "purchases.daysSinceLast"}, 14]}, {"in": ["pets/cat/food", {"var": "purchases.categories"}]}]}),
        "/#/c/pets/cat/toys",
        json!({"tr": "Kuma göz at", "en": "See cat litter"}),
    );
    assert_eq!(check(&fixed), (vec![], vec![]));
}

#[test]
fn operator_typos_are_structural_errors_with_the_operator_meant() {
    let rules = litter(
        json!({"lte": [{"var": "purchases.daysSinceLast"}, 14]}),
        "/#/cart",
        json!({"tr": "Sepet", "en": "Cart"}),
    );
    let (errors, _) = check(&rules);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "/campaigns/0/when");
    assert!(
        errors[0]
            .1
            .contains("unknown operator \"lte\" (did you mean \"<=\"?)"),
        "{}",
        errors[0].1
    );
}

#[test]
fn slots_products_and_categories() {
    // A slot name is any key: its `/` is escaped in the pointer.
    let rules = json!({"version": 1, "slots": {"cat/shelf": {"strategy": "trending",
        "filters": [{"in": ["pets/cats", {"var": "product.categories"}]}],
        "boosts": [{"when": {">": [{"var": "visitor.views.session"}, 0]}, "weight": 0.5}],
        "pin": ["cat-toy-1", "cat-toy-9"]}}});
    let (errors, warnings) = check(&rules);
    assert_eq!(warnings, vec![]);
    let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/slots/cat~1shelf/filters/0/in/0",
            "/slots/cat~1shelf/pin/1"
        ],
        "{errors:?}"
    );
    assert!(
        errors[0].1.contains("did you mean \"pets/cat\""),
        "{}",
        errors[0].1
    );
    // External links and links with no routes configured are not checked.
    let engine = Engine::new(&json!({"catalog": catalog(), "localId": "v"})).unwrap();
    let f = engine.check_rules(
        &litter(json!(true), "/anywhere", json!({"tr": "a", "en": "b"})),
        &[],
    );
    assert_eq!(f.errors, vec![]);
}

#[test]
fn an_end_date_needs_no_filter() {
    // `{{endsAt}}` renders as a date in the store's zone by itself (issue 14); `| date` still works.
    let mut rules = litter(json!(true), "/#/cart", json!({"tr": "Sepet", "en": "Cart"}));
    rules["campaigns"][0]["schedule"] = json!({"to": "2026-02-01T00:00:00+03:00"});
    rules["campaigns"][0]["prompt"]["text"]["tr"] = json!("{{endsAt}} tarihine kadar %10 indirim");
    assert_eq!(check(&rules).0, vec![]);
    rules["campaigns"][0]["prompt"]["text"]["tr"] =
        json!("{{endsAt | date}} tarihine kadar %10 indirim");
    assert_eq!(check(&rules).0, vec![]);
}
