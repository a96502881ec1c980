//! The marketer's side of the API in process: the results report over a known event log,
//! and rules revisions (every publication kept, any one put back in force).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;
use vitrin_server::http::{now_ms, router, App, Config};

const TOKEN: &str = "test-token-0123456789";
const SECRET: &[u8] = b"results-test-secret-0123456789abcd";

fn rules(text: &str) -> Value {
    json!({"version": 1, "campaigns": [{
        "id": "litter", "name": "Cat litter", "holdout": 10,
        "trigger": {"type": "page", "page": "product"},
        "prompt": {"text": {"tr": text, "en": text}},
        "variants": [{"id": "A", "weight": 50}, {"id": "B", "weight": 50}]
    }]})
}

/// The router, and its directory (removed when dropped).
fn server(name: &str) -> (tempfile::TempDir, Router) {
    let temp = tempfile::Builder::new()
        .prefix(&format!("vitrin-results-{name}-"))
        .tempdir()
        .unwrap();
    let dir = temp.path();
    let catalog = json!({"products": [{"id": "litter-5l", "title": "Litter", "category": "pets/cat/litter", "price": 100}]});
    std::fs::write(dir.join("catalog.json"), catalog.to_string()).unwrap();
    std::fs::write(dir.join("rules.json"), rules("v1").to_string()).unwrap();
    let cfg = Config {
        rules: Some(dir.join("rules.json")),
        rate: 1e6,
        secret: Some(SECRET.to_vec()),
        ..Config::new(
            dir.join("vitrin.db"),
            dir.join("catalog.json"),
            TOKEN.into(),
        )
    };
    (temp, router(Arc::new(App::open(&cfg).unwrap()), &cfg.cors))
}

async fn send(r: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        },
    )
}

/// A GET with the store's token (results and revisions are the store's to read).
async fn get(r: &Router, path: &str) -> (StatusCode, Value) {
    send(
        r,
        Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn with_token(
    r: &Router,
    method: &str,
    path: &str,
    body: &Value,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    send(r, req.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn results_per_arm_from_a_known_log() {
    let (_dir, r) = server("log");
    // 100 holdout visitors (5 convert), 450 in A (45 convert), 450 in B (23 convert),
    // each conversion a purchase worth 100 after the exposure.
    let mut n = 0;
    let now = now_ms();
    for (arm, visitors, converted) in [("holdout", 100, 5), ("A", 450, 45), ("B", 450, 23)] {
        for i in 0..visitors {
            let visitor = format!("v{n}");
            let token = vitrin_server::token::mint(SECRET, &visitor, (now / 1000.0) as u64 + 3600);
            let exposure = json!({"id": "x", "campaignId": "litter", "variant": arm, "shown": 1, "clicks": u32::from(i < converted), "at": now - 2000.0});
            let events = if i < converted {
                vec![
                    json!({"id": "o", "type": "purchase", "orderId": "o", "items": [{"productId": "litter-5l", "quantity": 1}], "at": now - 1000.0}),
                ]
            } else {
                vec![]
            };
            let body = json!({"visitorId": visitor, "token": token, "events": events, "exposures": [exposure]});
            n += 1;
            assert_eq!(
                send(
                    &r,
                    Request::post("/v1/events")
                        .body(Body::from(body.to_string()))
                        .unwrap()
                )
                .await
                .0,
                StatusCode::OK
            );
        }
    }
    let (status, doc) = get(&r, "/v1/results").await;
    assert_eq!(status, StatusCode::OK);
    let c = &doc["campaigns"][0];
    assert_eq!(
        (c["id"].as_str(), c["name"].as_str(), c["visitors"].as_u64()),
        (Some("litter"), Some("Cat litter"), Some(1000))
    );
    let arms = c["arms"].as_array().unwrap();
    let pick = |id: &str| arms.iter().find(|a| a["id"] == id).unwrap().clone();
    let (h, a, b) = (pick("holdout"), pick("A"), pick("B"));
    assert_eq!(
        (
            h["conversionRate"].as_f64(),
            h["revenuePerVisitor"].as_f64(),
            h["expectedShare"].as_f64()
        ),
        (Some(0.05), Some(5.0), Some(0.1))
    );
    assert_eq!(
        (
            a["conversionRate"].as_f64(),
            a["revenuePerVisitor"].as_f64(),
            a["share"].as_f64()
        ),
        (Some(0.1), Some(10.0), Some(0.45))
    );
    // +5 points: 0.05 ± t·sqrt(0.1·0.9/450 + 0.05·0.95/100).
    let abs = &a["conversionUplift"]["absolute"];
    let se = (0.1f64 * 0.9 / 450.0 + 0.05 * 0.95 / 100.0).sqrt();
    assert!((abs["effect"].as_f64().unwrap() - 0.05).abs() < 1e-9);
    assert!(
        (abs["high"].as_f64().unwrap() - abs["low"].as_f64().unwrap() - 2.0 * 1.97 * se).abs()
            < 0.01 * se * 2.0 * 1.97 + 1e-3
    );
    // At 100 holdout visitors nothing is settled yet, and the report says so in words.
    assert_eq!(a["verdict"]["code"], "not_significant");
    assert!(a["verdict"]["text"]
        .as_str()
        .unwrap()
        .contains("Not significant yet"));
    assert_eq!(
        b["conversionRate"].as_f64(),
        Some(0.051111),
        "rounded to 6 places"
    );
    assert_eq!(c["srm"]["mismatch"], false);
}

#[tokio::test]
async fn every_revision_is_kept_and_any_can_be_put_back() {
    let (_dir, r) = server("revisions");
    let (status, list) = get(&r, "/v1/rules/revisions").await;
    assert_eq!(
        (
            status,
            list.as_array().unwrap().len(),
            list[0]["version"].as_i64(),
            list[0]["live"].as_bool()
        ),
        (StatusCode::OK, 1, Some(1), Some(true))
    );
    let (status, put) = with_token(&r, "PUT", "/v1/rules", &rules("v2"), Some(TOKEN)).await;
    assert_eq!((status, put["version"].as_i64()), (StatusCode::OK, Some(2)));
    let (_, list) = get(&r, "/v1/rules/revisions").await;
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| (v["version"].as_i64().unwrap(), v["live"].as_bool().unwrap()))
            .collect::<Vec<_>>(),
        [(2, true), (1, false)]
    );
    assert_eq!(list[0]["etag"], put["etag"]);
    let (status, first) = get(&r, "/v1/rules/revisions/1").await;
    assert_eq!(
        (
            status,
            first["campaigns"][0]["prompt"]["text"]["en"].as_str()
        ),
        (StatusCode::OK, Some("v1"))
    );

    // Rolling back needs the token; an unknown or malformed revision changes nothing.
    assert_eq!(
        with_token(
            &r,
            "POST",
            "/v1/rules/rollback",
            &json!({"version": 1}),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, err) = with_token(
        &r,
        "POST",
        "/v1/rules/rollback",
        &json!({"version": 9}),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_revision"))
    );
    let (status, err) = with_token(
        &r,
        "POST",
        "/v1/rules/rollback",
        &json!({"version": "one"}),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        (status, err["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/version"))
    );
    assert_eq!(
        get(&r, "/v1/rules/revisions/x").await.0,
        StatusCode::BAD_REQUEST
    );

    let (status, back) = with_token(
        &r,
        "POST",
        "/v1/rules/rollback",
        &json!({"version": 1}),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        (status, back["version"].as_i64()),
        (StatusCode::OK, Some(3)),
        "a rollback is a new revision: history only grows"
    );
    let (_, live) = get(&r, "/v1/rules").await;
    assert_eq!(live["campaigns"][0]["prompt"]["text"]["en"], "v1");
    let (_, list) = get(&r, "/v1/rules/revisions").await;
    assert_eq!(
        list[0]["etag"], list[2]["etag"],
        "the same document as revision 1"
    );
}

#[tokio::test]
async fn rules_are_checked_against_the_store() {
    let (_dir, r) = server("check");
    let mut doc = rules("v");
    doc["campaigns"][0]["when"] = json!({"<=": [{"var": "purchases.daysSinceLast"}, 14]});
    doc["campaigns"][0]["prompt"]["cta"] =
        json!({"label": {"tr": "Bak"}, "url": "/#/c/pets/cat/liter"});
    let body = json!({"rules": doc, "routes": ["/#/", "/#/c/{category}", "/#/p/{product}"]});
    assert_eq!(
        with_token(&r, "POST", "/v1/rules/check", &body, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, found) = with_token(&r, "POST", "/v1/rules/check", &body, Some(TOKEN)).await;
    assert_eq!(
        (status, found["ok"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let paths: Vec<&str> = found["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/campaigns/0/prompt/cta/url"], "{found}");
    assert!(
        found["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"pets/cat/litter\""),
        "{found}"
    );
    assert_eq!(
        found["warnings"][0]["path"],
        "/campaigns/0/prompt/cta/label"
    );
    let (status, err) = with_token(
        &r,
        "POST",
        "/v1/rules/check",
        &json!({"rules": {}, "routes": [1]}),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        (status, err["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/routes/0"))
    );
    // A document that is not valid as a format gets the format's errors.
    let (_, found) = with_token(
        &r,
        "POST",
        "/v1/rules/check",
        &json!({"rules": {"version": 1, "campaigns": [{"id": "x"}]}}),
        Some(TOKEN),
    )
    .await;
    assert!(
        found["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "/campaigns/0/trigger"),
        "{found}"
    );
}
