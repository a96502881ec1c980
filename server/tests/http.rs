//! The HTTP API in process (the router driven with `tower::ServiceExt::oneshot`, no
//! socket): ingest, conditional GETs, rules publishing, profiles, metrics, CORS, limits.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;
use vitrin_server::http::{router, App, Config, MAX_EVENTS_BYTES};

const TOKEN: &str = "test-token-0123456789";
const DAY: f64 = 86_400_000.0;
const T0: f64 = 1_750_000_000_000.0;

struct Server {
    dir: PathBuf,
    cfg: Config,
    router: Router,
}

fn catalog() -> Value {
    json!({"products": [
        {"id": "lens", "title": "Lens", "category": "eyewear/lenses", "brand": "Acme", "price": 10},
        {"id": "sol", "title": "Solution", "category": "eyewear/solution", "price": 5},
    ]})
}

fn server(name: &str, rate: f64) -> Server {
    let dir = std::env::temp_dir().join(format!("vitrin-http-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("catalog.json"), catalog().to_string()).unwrap();
    std::fs::write(dir.join("rules.json"), json!({"version": 1, "campaigns": []}).to_string()).unwrap();
    let cfg = Config {
        db: dir.join("vitrin.db"),
        catalog: dir.join("catalog.json"),
        rules: Some(dir.join("rules.json")),
        host: "127.0.0.1".parse().unwrap(),
        port: 0,
        token: TOKEN.into(),
        cors: vec!["https://shop.example".into()],
        rate,
    };
    let router = router(Arc::new(App::open(&cfg).unwrap()), &cfg.cors);
    Server { dir, cfg, router }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

impl Server {
    async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
        Reply { status, headers, body }
    }

    async fn get(&self, path: &str, etag: Option<&str>) -> Reply {
        let mut req = Request::get(path);
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(Request::post(path).header(header::CONTENT_TYPE, "text/plain").body(Body::from(body.to_string())).unwrap()).await
    }

    async fn put_rules(&self, body: &Value, token: Option<&str>) -> Reply {
        let mut req = Request::put("/v1/rules");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap()).await
    }
}

fn etag(r: &Reply) -> String {
    r.headers.get(header::ETAG).unwrap().to_str().unwrap().to_string()
}

fn buy(id: &str, product: &str, at: f64) -> Value {
    json!({"id": id, "type": "purchase", "orderId": id, "items": [{"productId": product, "quantity": 1, "price": 10}], "at": at})
}

#[tokio::test]
async fn ingest_is_idempotent_and_the_profile_reflects_purchases() {
    let s = server("ingest", 1000.0);
    let batch = json!({"visitorId": "v1", "events": [
        {"id": "e1", "type": "view", "productId": "lens", "at": T0},
        buy("o1", "lens", T0), buy("o2", "lens", T0 + 30.0 * DAY),
    ]});
    let first = s.post("/v1/events", &batch).await;
    assert_eq!((first.status, first.body.clone()), (StatusCode::OK, json!({"accepted": 3, "duplicates": 0})));
    // A retry of the same batch (its response was lost) is counted once.
    assert_eq!(s.post("/v1/events", &batch).await.body, json!({"accepted": 0, "duplicates": 3}));
    let p = s.get("/v1/profile/v1", None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.body["purchases"].as_array().unwrap().len(), 2);
    assert_eq!(p.body["cycles"], json!([{"productId": "lens", "everyDays": 30.0, "lastAt": T0 + 30.0 * DAY}]));
    assert_eq!(p.body["affinities"]["category"], json!({"eyewear/lenses": 1.0}));
    assert_eq!(s.get("/v1/profile/v1", Some(&etag(&p))).await.status, StatusCode::NOT_MODIFIED);
    // A new purchase changes the profile and its ETag.
    s.post("/v1/events", &json!({"visitorId": "v1", "events": [buy("o3", "sol", T0 + 31.0 * DAY)]})).await;
    let changed = s.get("/v1/profile/v1", Some(&etag(&p))).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(changed.body["purchases"].as_array().unwrap().len(), 3);
    let unknown = s.get("/v1/profile/nobody", None).await;
    assert_eq!((unknown.status, unknown.body["code"].as_str()), (StatusCode::NOT_FOUND, Some("unknown_visitor")));
}

#[tokio::test]
async fn bad_batches_are_refused_whole_with_the_pointer_of_the_fault() {
    let s = server("bad", 1000.0);
    let r = s.post("/v1/events", &json!({"visitorId": "v", "events": [{"id": "a", "type": "view", "productId": "lens"}, {"id": "b", "type": "view"}]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((r.body["code"].as_str(), r.body["path"].as_str()), (Some("invalid_event"), Some("/events/1/productId")));
    assert_eq!(s.get("/v1/profile/v", None).await.status, StatusCode::NOT_FOUND, "nothing of a refused batch is stored");
    let not_json = s.send(Request::post("/v1/events").body(Body::from("{")).unwrap()).await;
    assert_eq!((not_json.status, not_json.body["code"].as_str(), not_json.body["path"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json"), Some("")));
    let huge = s.send(Request::post("/v1/events").body(Body::from(vec![b' '; MAX_EVENTS_BYTES + 1])).unwrap()).await;
    assert_eq!((huge.status, huge.body["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));
}

#[tokio::test]
async fn catalog_and_rules_answer_304_to_their_etag_and_the_catalog_follows_its_file() {
    let s = server("etag", 1000.0);
    let c = s.get("/v1/catalog", None).await;
    assert_eq!((c.status, c.body.clone()), (StatusCode::OK, catalog()));
    let tag = etag(&c);
    let again = s.get("/v1/catalog", Some(&tag)).await;
    assert_eq!((again.status, again.body.clone()), (StatusCode::NOT_MODIFIED, Value::Null));
    assert_eq!(s.get("/v1/catalog", Some(&format!("\"other\", W/{tag}"))).await.status, StatusCode::NOT_MODIFIED);
    let rules = s.get("/v1/rules", None).await;
    assert_eq!(rules.body, json!({"version": 1, "campaigns": []}), "--rules was published at start");
    assert_eq!(s.get("/v1/rules", Some(&etag(&rules))).await.status, StatusCode::NOT_MODIFIED);

    // A new file is served; a file the engine refuses is not.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut next = catalog();
    next["products"][1]["price"] = json!(6);
    std::fs::write(&s.cfg.catalog, next.to_string()).unwrap();
    let fresh = s.get("/v1/catalog", Some(&tag)).await;
    assert_eq!((fresh.status, fresh.body.clone()), (StatusCode::OK, next.clone()));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&s.cfg.catalog, r#"{"products": [{"id": "x"}]}"#).unwrap();
    assert_eq!(s.get("/v1/catalog", None).await.body, next);
    std::fs::remove_dir_all(&s.dir).unwrap();
}

#[tokio::test]
async fn rules_need_the_token_and_a_refused_document_changes_nothing() {
    let s = server("rules", 1000.0);
    let before = s.get("/v1/rules", None).await;
    let good = json!({"version": 1, "campaigns": [{"id": "hi", "trigger": {"type": "always"}, "prompt": {"text": {"en": "Hi"}}}]});
    assert_eq!(s.put_rules(&good, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.put_rules(&good, Some("test-token-0123456788")).await.status, StatusCode::UNAUTHORIZED);
    let bad = json!({"version": 1, "campaigns": [{"id": "a", "trigger": {"type": "cart_idel"}}, {"trigger": {"type": "always"}, "holdout": 90}]});
    let refused = s.put_rules(&bad, Some(TOKEN)).await;
    assert_eq!((refused.status, refused.body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_rules")));
    let paths: Vec<&str> = refused.body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    for p in ["/campaigns/0/trigger/type", "/campaigns/1/id", "/campaigns/1/holdout"] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    let after = s.get("/v1/rules", Some(&etag(&before))).await;
    assert_eq!(after.status, StatusCode::NOT_MODIFIED, "the live rules are unchanged");

    let ok = s.put_rules(&good, Some(TOKEN)).await;
    assert_eq!((ok.status, ok.body["version"].as_i64()), (StatusCode::OK, Some(2)));
    let live = s.get("/v1/rules", Some(&etag(&before))).await;
    assert_eq!((live.status, live.body.clone(), etag(&live)), (StatusCode::OK, good, ok.body["etag"].as_str().unwrap().to_string()));
}

#[tokio::test]
async fn metrics_sum_visitors_snapshots_with_uplift_against_holdout() {
    let s = server("metrics", 1000.0);
    let snapshot = |visitor: &str, variant: &str, conversions: u64| {
        json!({"visitorId": visitor, "events": [], "metrics": {"cart": {variant: {"impressions": 1, "clicks": 0, "conversions": conversions, "revenue": conversions as f64 * 5.0}}}})
    };
    for (v, arm, conv) in [("a1", "a", 1), ("a2", "a", 1), ("a3", "a", 0), ("a4", "a", 0), ("h1", "holdout", 1), ("h2", "holdout", 0), ("h3", "holdout", 0), ("h4", "holdout", 0)] {
        assert_eq!(s.post("/v1/events", &snapshot(v, arm, conv)).await.status, StatusCode::OK);
    }
    // A repeated, older snapshot does not double or lower anything.
    s.post("/v1/events", &snapshot("a1", "a", 0)).await;
    let m = s.get("/v1/metrics", None).await;
    let a = &m.body["cart"]["a"];
    assert_eq!((a["visitors"].as_u64(), a["conversions"].as_u64(), a["revenue"].as_f64()), (Some(4), Some(2), Some(10.0)));
    assert_eq!(a["conversionRate"], 0.5);
    assert_eq!(m.body["cart"]["holdout"]["conversionRate"], 0.25);
    // p1 = 0.5, p0 = 0.25 over 4 visitors each: 0.25 ± 1.96·sqrt(0.25/4 + 0.1875/4).
    let half = 1.959964 * (0.25f64 / 4.0 + 0.1875 / 4.0).sqrt();
    assert_eq!(a["uplift"]["difference"], 0.25);
    assert!((a["uplift"]["low"].as_f64().unwrap() - (0.25 - half)).abs() < 1e-5);
    assert!((a["uplift"]["high"].as_f64().unwrap() - (0.25 + half)).abs() < 1e-5);
    assert_eq!(s.get("/v1/metrics", Some(&etag(&m))).await.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn cors_answers_the_configured_origins_only() {
    let s = server("cors", 1000.0);
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/v1/rules")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization,if-none-match")
            .body(Body::empty())
            .unwrap()
    };
    let ok = s.send(preflight("https://shop.example")).await;
    assert_eq!(ok.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://shop.example");
    assert!(ok.headers.get(header::ACCESS_CONTROL_ALLOW_HEADERS).unwrap().to_str().unwrap().contains("if-none-match"));
    let other = s.send(preflight("https://evil.example")).await;
    assert!(other.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let get = s.send(Request::get("/v1/catalog").header(header::ORIGIN, "https://shop.example").body(Body::empty()).unwrap()).await;
    assert_eq!(get.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), "https://shop.example");
    assert!(get.headers.get(header::ACCESS_CONTROL_EXPOSE_HEADERS).unwrap().to_str().unwrap().contains("etag"));
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    // One request per second, bursts of five.
    let s = server("rate", 1.0);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(s.get("/v1/catalog", None).await.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
    let limited = s.get("/v1/catalog", None).await;
    assert_eq!((limited.body["code"].as_str(), limited.headers.get(header::RETRY_AFTER).is_some()), (Some("rate_limited"), true));
}

#[tokio::test]
async fn large_documents_are_gzipped_for_clients_that_take_it() {
    let s = server("gzip", 1000.0);
    let products: Vec<Value> = (0..100).map(|i| json!({"id": format!("p{i}"), "title": "T", "category": "c", "price": 1})).collect();
    std::fs::write(&s.cfg.catalog, json!({"products": products}).to_string()).unwrap();
    let s = Server { router: router(Arc::new(App::open(&s.cfg).unwrap()), &s.cfg.cors), ..s };
    let res = s.router.clone().oneshot(Request::get("/v1/catalog").header(header::ACCEPT_ENCODING, "br, gzip").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["products"].as_array().unwrap().len(), 100);
}
