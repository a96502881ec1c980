//! The HTTP API in process (the router driven with `tower::ServiceExt::oneshot`, no
//! socket): ingest, conditional GETs, rules publishing, profiles, metrics, CORS, limits,
//! and what an attacker tries against each (visitor tokens, origins, times, made-up
//! campaigns, concurrent publishes).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;
use vitrin_server::http::{now_ms, router, App, Config, MAX_EVENTS_BYTES};
use vitrin_server::token;

const TOKEN: &str = "test-token-0123456789";
const SECRET: &[u8] = b"test-secret-0123456789-0123456789";
const DAY: f64 = 86_400_000.0;

/// Twenty-five days ago: inside the window of accepted event times.
fn t0() -> f64 {
    (now_ms() / 1000.0).floor() * 1000.0 - 25.0 * DAY
}

/// A visitor token for `visitor`, valid for a day.
fn visitor_token(visitor: &str) -> String {
    token::mint(SECRET, visitor, (now_ms() / 1000.0) as u64 + 86_400)
}

struct Server {
    cfg: Config,
    router: Router,
    /// Removed when the last server on it ends (a test may reopen the same files); last, so
    /// that the database closes first.
    _dir: Arc<tempfile::TempDir>,
}

fn catalog() -> Value {
    json!({"products": [
        {"id": "lens", "title": "Lens", "category": "eyewear/lenses", "brand": "Acme", "price": 10},
        {"id": "sol", "title": "Solution", "category": "eyewear/solution", "price": 5},
    ]})
}

fn server(name: &str, rate: f64) -> Server {
    let temp = tempfile::Builder::new()
        .prefix(&format!("vitrin-http-{name}-"))
        .tempdir()
        .unwrap();
    let dir = temp.path();
    std::fs::write(dir.join("catalog.json"), catalog().to_string()).unwrap();
    std::fs::write(
        dir.join("rules.json"),
        json!({"version": 1, "campaigns": []}).to_string(),
    )
    .unwrap();
    let cfg = Config {
        rules: Some(dir.join("rules.json")),
        cors: vec!["https://shop.example".into()],
        rate,
        secret: Some(SECRET.to_vec()),
        ..Config::new(
            dir.join("vitrin.db"),
            dir.join("catalog.json"),
            TOKEN.into(),
        )
    };
    let router = router(Arc::new(App::open(&cfg).unwrap()), &cfg.cors);
    Server {
        cfg,
        router,
        _dir: Arc::new(temp),
    }
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
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str, etag: Option<&str>) -> Reply {
        self.get_as(path, etag, None).await
    }

    async fn get_as(&self, path: &str, etag: Option<&str>, bearer: Option<&str>) -> Reply {
        let mut req = Request::get(path);
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        if let Some(t) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A visitor's profile, read with their own token.
    async fn profile(&self, visitor: &str, etag: Option<&str>) -> Reply {
        self.get_as(
            &format!("/v1/profile/{visitor}"),
            etag,
            Some(&visitor_token(visitor)),
        )
        .await
    }

    /// Posts as is (no token added).
    async fn post_raw(&self, path: &str, body: &Value) -> Reply {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Posts a batch with its visitor's token in the body, as the SDK does.
    async fn post(&self, path: &str, body: &Value) -> Reply {
        let mut body = body.clone();
        if let Some(v) = body["visitorId"].as_str() {
            body["token"] = json!(visitor_token(v));
        }
        self.post_raw(path, &body).await
    }

    async fn put_rules(&self, body: &Value, token: Option<&str>) -> Reply {
        let mut req = Request::put("/v1/rules");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

fn etag(r: &Reply) -> String {
    r.headers
        .get(header::ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

fn buy(id: &str, product: &str, at: f64) -> Value {
    json!({"id": id, "type": "purchase", "orderId": id, "items": [{"productId": product, "quantity": 1, "price": 10}], "at": at})
}

#[tokio::test]
async fn ingest_is_idempotent_and_the_profile_reflects_purchases() {
    let s = server("ingest", 1000.0);
    let t0 = t0();
    let batch = json!({"visitorId": "v1", "events": [
        {"id": "e1", "type": "view", "productId": "lens", "at": t0},
        buy("o1", "lens", t0), buy("o2", "lens", t0 + 20.0 * DAY),
    ]});
    let first = s.post("/v1/events", &batch).await;
    assert_eq!(
        (first.status, first.body.clone()),
        (StatusCode::OK, json!({"accepted": 3, "duplicates": 0}))
    );
    // A retry of the same batch (its response was lost) is counted once.
    assert_eq!(
        s.post("/v1/events", &batch).await.body,
        json!({"accepted": 0, "duplicates": 3})
    );
    let p = s.profile("v1", None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.body["purchases"].as_array().unwrap().len(), 2);
    assert_eq!(
        p.body["cycles"],
        json!([{"productId": "lens", "everyDays": 20.0, "lastAt": t0 + 20.0 * DAY}])
    );
    assert_eq!(
        p.body["affinities"]["category"],
        json!({"eyewear/lenses": 1.0})
    );
    assert_eq!(
        s.profile("v1", Some(&etag(&p))).await.status,
        StatusCode::NOT_MODIFIED
    );
    // A new purchase changes the profile and its ETag.
    s.post(
        "/v1/events",
        &json!({"visitorId": "v1", "events": [buy("o3", "sol", t0 + 21.0 * DAY)]}),
    )
    .await;
    let changed = s.profile("v1", Some(&etag(&p))).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(changed.body["purchases"].as_array().unwrap().len(), 3);
    let unknown = s.profile("nobody", None).await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_visitor"))
    );
}

#[tokio::test]
async fn bad_batches_are_refused_whole_with_the_pointer_of_the_fault() {
    let s = server("bad", 1000.0);
    let r = s.post("/v1/events", &json!({"visitorId": "v", "events": [{"id": "a", "type": "view", "productId": "lens"}, {"id": "b", "type": "view"}]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (r.body["code"].as_str(), r.body["path"].as_str()),
        (Some("invalid_event"), Some("/events/1/productId"))
    );
    assert_eq!(
        s.profile("v", None).await.status,
        StatusCode::NOT_FOUND,
        "nothing of a refused batch is stored"
    );
    let not_json = s
        .send(Request::post("/v1/events").body(Body::from("{")).unwrap())
        .await;
    assert_eq!(
        (
            not_json.status,
            not_json.body["code"].as_str(),
            not_json.body["path"].as_str()
        ),
        (StatusCode::BAD_REQUEST, Some("invalid_json"), Some(""))
    );
    let huge = s
        .send(
            Request::post("/v1/events")
                .body(Body::from(vec![b' '; MAX_EVENTS_BYTES + 1]))
                .unwrap(),
        )
        .await;
    assert_eq!(
        (huge.status, huge.body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large"))
    );
}

#[tokio::test]
async fn catalog_and_rules_answer_304_to_their_etag_and_the_catalog_follows_its_file() {
    let s = server("etag", 1000.0);
    let c = s.get("/v1/catalog", None).await;
    assert_eq!((c.status, c.body.clone()), (StatusCode::OK, catalog()));
    let tag = etag(&c);
    let again = s.get("/v1/catalog", Some(&tag)).await;
    assert_eq!(
        (again.status, again.body.clone()),
        (StatusCode::NOT_MODIFIED, Value::Null)
    );
    assert_eq!(
        s.get("/v1/catalog", Some(&format!("\"other\", W/{tag}")))
            .await
            .status,
        StatusCode::NOT_MODIFIED
    );
    let rules = s.get("/v1/rules", None).await;
    assert_eq!(
        rules.body,
        json!({"version": 1, "campaigns": []}),
        "--rules was published at start"
    );
    assert_eq!(
        s.get("/v1/rules", Some(&etag(&rules))).await.status,
        StatusCode::NOT_MODIFIED
    );

    // A new file is served; a file the engine refuses is not.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut next = catalog();
    next["products"][1]["price"] = json!(6);
    std::fs::write(&s.cfg.catalog, next.to_string()).unwrap();
    let fresh = s.get("/v1/catalog", Some(&tag)).await;
    assert_eq!(
        (fresh.status, fresh.body.clone()),
        (StatusCode::OK, next.clone())
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&s.cfg.catalog, r#"{"products": [{"id": "x"}]}"#).unwrap();
    assert_eq!(s.get("/v1/catalog", None).await.body, next);
}

#[tokio::test]
async fn the_binary_catalog_is_the_catalog_in_force_with_its_own_type_and_etag() {
    let s = server("binary", 1000.0);
    let get = |tag: Option<String>| {
        let mut req = Request::get("/v1/catalog.bin");
        if let Some(tag) = tag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        let router = s.router.clone();
        async move {
            let res = router
                .oneshot(req.body(Body::empty()).unwrap())
                .await
                .unwrap();
            let (status, headers) = (res.status(), res.headers().clone());
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, headers, body)
        }
    };
    let (status, headers, body) = get(None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.vitrin.catalog"
    );
    let read = vitrin::catalog::Catalog::from_bytes(&body).unwrap();
    let lens = read.index("lens").unwrap();
    assert_eq!(
        (read.len(), read.title(lens), read.prices[lens as usize]),
        (2, "Lens", 10.0)
    );
    let tag = headers[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(tag, etag(&s.get("/v1/catalog", None).await));
    assert_eq!(get(Some(tag.clone())).await.0, StatusCode::NOT_MODIFIED);
    // It follows the catalog file like the JSON.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut next = catalog();
    next["products"][0]["price"] = json!(12);
    std::fs::write(&s.cfg.catalog, next.to_string()).unwrap();
    let (status, _, body) = get(Some(tag)).await;
    assert_eq!(status, StatusCode::OK);
    let read = vitrin::catalog::Catalog::from_bytes(&body).unwrap();
    assert_eq!(read.prices[read.index("lens").unwrap() as usize], 12.0);
}

#[tokio::test]
async fn rules_need_the_token_and_a_refused_document_changes_nothing() {
    let s = server("rules", 1000.0);
    let before = s.get("/v1/rules", None).await;
    let good = json!({"version": 1, "campaigns": [{"id": "hi", "trigger": {"type": "always"}, "prompt": {"text": {"en": "Hi"}}}]});
    assert_eq!(
        s.put_rules(&good, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.put_rules(&good, Some("test-token-0123456788"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let bad = json!({"version": 1, "campaigns": [{"id": "a", "trigger": {"type": "cart_idel"}}, {"trigger": {"type": "always"}, "holdout": 90}]});
    let refused = s.put_rules(&bad, Some(TOKEN)).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_rules"))
    );
    let paths: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    for p in [
        "/campaigns/0/trigger/type",
        "/campaigns/1/id",
        "/campaigns/1/holdout",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    let after = s.get("/v1/rules", Some(&etag(&before))).await;
    assert_eq!(
        after.status,
        StatusCode::NOT_MODIFIED,
        "the live rules are unchanged"
    );

    let ok = s.put_rules(&good, Some(TOKEN)).await;
    assert_eq!(
        (ok.status, ok.body["version"].as_i64()),
        (StatusCode::OK, Some(2))
    );
    let live = s.get("/v1/rules", Some(&etag(&before))).await;
    assert_eq!(
        (live.status, live.body.clone(), etag(&live)),
        (
            StatusCode::OK,
            good,
            ok.body["etag"].as_str().unwrap().to_string()
        )
    );
}

/// Rules with one campaign, variant `a` and a holdout, published with the store's token.
async fn publish_cart_campaign(s: &Server) {
    let rules = json!({"version": 1, "campaigns": [{"id": "cart", "trigger": {"type": "always"}, "holdout": 50,
        "variants": [{"id": "a", "weight": 1, "prompt": {"text": {"en": "Hi"}}}]}]});
    assert_eq!(
        s.put_rules(&rules, Some(TOKEN)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn metrics_come_from_exposures_and_purchases_with_uplift_against_holdout() {
    let s = server("metrics", 1000.0);
    publish_cart_campaign(&s).await;
    let now = now_ms();
    let visit = |visitor: &str, variant: &str, buys: bool| {
        let mut events =
            vec![json!({"id": "v", "type": "view", "productId": "lens", "at": now - 2000.0})];
        if buys {
            events
                .push(json!({"id": "o", "type": "purchase", "orderId": "o", "items": [{"productId": "lens", "quantity": 1, "price": 5}], "at": now - 1000.0}));
        }
        // The browser's own counters are no longer believed: these are ignored.
        json!({"visitorId": visitor, "events": events, "exposures": [{"id": "x", "campaignId": "cart", "variant": variant, "shown": 1, "at": now - 1500.0}],
               "metrics": {"cart": {variant: {"impressions": 1, "conversions": 30_000_000_000u64}}}})
    };
    for (v, arm, buys) in [
        ("a1", "a", true),
        ("a2", "a", true),
        ("a3", "a", false),
        ("a4", "a", false),
        ("h1", "holdout", true),
        ("h2", "holdout", false),
        ("h3", "holdout", false),
        ("h4", "holdout", false),
    ] {
        assert_eq!(
            s.post("/v1/events", &visit(v, arm, buys)).await.status,
            StatusCode::OK
        );
    }
    // A retried batch counts once.
    s.post("/v1/events", &visit("a1", "a", true)).await;
    // A purchase before the exposure does not convert; one long after the window does not either.
    s.post("/v1/events", &json!({"visitorId": "a3", "events": [{"id": "early", "type": "purchase", "orderId": "e", "items": [{"productId": "lens", "quantity": 1}], "at": now - 29.0 * DAY}]})).await;
    assert_eq!(
        s.get("/v1/metrics", None).await.status,
        StatusCode::UNAUTHORIZED,
        "metrics need a token"
    );
    let m = s.get_as("/v1/metrics", None, Some(TOKEN)).await;
    let a = &m.body["cart"]["a"];
    assert_eq!(
        (
            a["visitors"].as_u64(),
            a["impressions"].as_u64(),
            a["conversions"].as_u64(),
            a["revenue"].as_f64()
        ),
        (Some(4), Some(4), Some(2), Some(10.0))
    );
    assert_eq!(
        (a["conversionRate"].as_f64(), a["revenueSquares"].as_f64()),
        (Some(0.5), Some(50.0))
    );
    assert_eq!(m.body["cart"]["holdout"]["conversionRate"], 0.25);
    // p1 = 0.5, p0 = 0.25 over 4 visitors each: 0.25 ± 1.96·sqrt(0.25/4 + 0.1875/4).
    let half = 1.959964 * (0.25f64 / 4.0 + 0.1875 / 4.0).sqrt();
    assert_eq!(a["uplift"]["difference"], 0.25);
    assert!((a["uplift"]["low"].as_f64().unwrap() - (0.25 - half)).abs() < 1e-5);
    assert!((a["uplift"]["high"].as_f64().unwrap() - (0.25 + half)).abs() < 1e-5);
    assert_eq!(
        s.get_as("/v1/metrics", Some(&etag(&m)), Some(TOKEN))
            .await
            .status,
        StatusCode::NOT_MODIFIED
    );
}

#[tokio::test]
async fn made_up_campaigns_are_refused_and_change_no_metric() {
    let s = server("madeup", 1000.0);
    publish_cart_campaign(&s).await;
    let before = s.get_as("/v1/metrics", None, Some(TOKEN)).await;
    let exposures: Vec<Value> = (0..1000).map(|i| json!({"id": format!("x{i}"), "campaignId": format!("fake-{i}"), "variant": "a", "shown": 1000})).collect();
    let r = s
        .post(
            "/v1/events",
            &json!({"visitorId": "amp", "events": [], "exposures": exposures}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["code"].as_str(), r.body["path"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("unknown_campaign"),
            Some("/exposures/0/campaignId")
        )
    );
    let r =
        s.post("/v1/events", &json!({"visitorId": "amp", "events": [], "exposures": [{"id": "x", "campaignId": "cart", "variant": "b", "shown": 1}]})).await;
    assert_eq!(
        (r.status, r.body["path"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("/exposures/0/variant")
        )
    );
    let after = s
        .get_as("/v1/metrics", Some(&etag(&before)), Some(TOKEN))
        .await;
    assert_eq!(after.status, StatusCode::NOT_MODIFIED, "nothing counted");
}

#[tokio::test]
async fn a_metrics_reader_is_answered_from_running_totals() {
    // The totals survive a restart: they are rebuilt from the stored rows.
    let s = server("totals", 1000.0);
    publish_cart_campaign(&s).await;
    let now = now_ms();
    for i in 0..50 {
        let body = json!({"visitorId": format!("v{i}"), "events": [], "exposures": [{"id": "x", "campaignId": "cart", "variant": "a", "shown": 2, "clicks": 1, "at": now}]});
        assert_eq!(s.post("/v1/events", &body).await.status, StatusCode::OK);
    }
    let live = s.get_as("/v1/metrics", None, Some(TOKEN)).await.body;
    assert_eq!(
        (
            live["cart"]["a"]["visitors"].as_u64(),
            live["cart"]["a"]["clicks"].as_u64()
        ),
        (Some(50), Some(50))
    );
    let again = Server {
        router: router(Arc::new(App::open(&s.cfg).unwrap()), &s.cfg.cors),
        _dir: s._dir.clone(),
        cfg: s.cfg.clone(),
    };
    assert_eq!(
        again.get_as("/v1/metrics", None, Some(TOKEN)).await.body,
        live
    );
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
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization,if-none-match",
            )
            .body(Body::empty())
            .unwrap()
    };
    let ok = s.send(preflight("https://shop.example")).await;
    assert_eq!(
        ok.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
        "https://shop.example"
    );
    assert!(ok
        .headers
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("if-none-match"));
    let other = s.send(preflight("https://evil.example")).await;
    assert!(other
        .headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    let get = s
        .send(
            Request::get("/v1/catalog")
                .header(header::ORIGIN, "https://shop.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        get.headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "https://shop.example"
    );
    assert!(get
        .headers
        .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("etag"));
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
    assert_eq!(
        (
            limited.body["code"].as_str(),
            limited.headers.get(header::RETRY_AFTER).is_some()
        ),
        (Some("rate_limited"), true)
    );
}

#[tokio::test]
async fn large_documents_are_gzipped_for_clients_that_take_it() {
    let s = server("gzip", 1000.0);
    let products: Vec<Value> = (0..100)
        .map(|i| json!({"id": format!("p{i}"), "title": "T", "category": "c", "price": 1}))
        .collect();
    std::fs::write(&s.cfg.catalog, json!({"products": products}).to_string()).unwrap();
    let s = Server {
        router: router(Arc::new(App::open(&s.cfg).unwrap()), &s.cfg.cors),
        ..s
    };
    let res = s
        .router
        .clone()
        .oneshot(
            Request::get("/v1/catalog")
                .header(header::ACCEPT_ENCODING, "br, gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["products"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
}

#[tokio::test]
async fn a_profile_and_its_events_are_only_for_the_visitor_the_token_names() {
    let s = server("tokens", 1000.0);
    let now = now_ms();
    let view = json!({"visitorId": "cust-42", "events": [{"id": "e1", "type": "view", "productId": "lens", "at": now}]});
    assert_eq!(s.post("/v1/events", &view).await.status, StatusCode::OK);
    // Reading: no token, someone else's, a forged or an expired one are all refused.
    let path = "/v1/profile/cust-42";
    let no = s.get(path, None).await;
    assert_eq!(
        (no.status, no.body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let other = s.get_as(path, None, Some(&visitor_token("cust-43"))).await;
    assert_eq!(
        (other.status, other.body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("token_mismatch"))
    );
    let forged = token::mint(
        b"not-the-server-secret-0123456789!",
        "cust-42",
        (now / 1000.0) as u64 + 60,
    );
    assert_eq!(
        s.get_as(path, None, Some(&forged)).await.body["code"],
        "invalid_token"
    );
    let expired = token::mint(SECRET, "cust-42", (now / 1000.0) as u64 - 1);
    assert_eq!(
        s.get_as(path, None, Some(&expired)).await.body["code"],
        "token_expired"
    );
    assert_eq!(
        s.get_as(path, None, Some(&visitor_token("cust-42")))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        s.get_as(path, None, Some(TOKEN)).await.status,
        StatusCode::OK,
        "the store's backend reads any profile"
    );
    // Writing: without the token, or with another visitor's, nothing is stored.
    let forged_buy = json!({"visitorId": "cust-42", "events": [{"id": "x", "type": "purchase", "orderId": "x", "items": [{"productId": "sol", "quantity": 1}], "at": now}]});
    assert_eq!(
        s.post_raw("/v1/events", &forged_buy).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut theirs = forged_buy.clone();
    theirs["token"] = json!(visitor_token("attacker"));
    let r = s.post_raw("/v1/events", &theirs).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("token_mismatch"))
    );
    assert!(s
        .profile("cust-42", None)
        .await
        .body
        .get("purchases")
        .is_none_or(|p| p.as_array().unwrap().is_empty()));
}

#[tokio::test]
async fn anonymous_visitors_get_an_unguessable_id_and_merge_into_the_customer_on_login() {
    let s = server("anon", 1000.0);
    let new = |bearer: Option<String>| {
        let mut req = Request::post("/v1/visitors");
        if let Some(t) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        s.send(req.body(Body::empty()).unwrap())
    };
    let (a, b) = (new(None).await, new(None).await);
    assert_eq!(a.status, StatusCode::CREATED);
    let id = a.body["visitorId"].as_str().unwrap().to_string();
    assert_ne!(id, b.body["visitorId"].as_str().unwrap());
    assert!(
        id.starts_with("anon-") && id.len() == 37 && id[5..].chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    let anon_token = a.body["token"].as_str().unwrap().to_string();
    // A valid token renews the same visitor.
    assert_eq!(
        new(Some(anon_token.clone())).await.body["visitorId"],
        json!(id)
    );
    let now = now_ms();
    let batch = json!({"visitorId": id, "token": anon_token, "events": [{"id": "e1", "type": "view", "productId": "lens", "at": now}]});
    assert_eq!(
        s.post_raw("/v1/events", &batch).await.status,
        StatusCode::OK
    );
    // Login: the store mints the customer's token; the page merges its anonymous past.
    let merge = |bearer: String, from: String| {
        s.send(
            Request::post("/v1/visitors/merge")
                .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
                .body(Body::from(json!({"from": from}).to_string()))
                .unwrap(),
        )
    };
    let refused = merge(visitor_token("cust-1"), visitor_token("cust-2")).await;
    assert_eq!(
        (refused.status, refused.body["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/from")),
        "a customer is not merged away"
    );
    let merged = merge(visitor_token("cust-1"), anon_token).await;
    assert_eq!(
        (merged.status, merged.body["moved"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    assert_eq!(
        s.profile("cust-1", None).await.body["affinities"]["category"],
        json!({"eyewear/lenses": 1.0})
    );
    assert_eq!(s.profile(&id, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn writes_from_other_origins_are_refused() {
    let s = server("origin", 1000.0);
    let body = json!({"visitorId": "v", "token": visitor_token("v"), "events": []}).to_string();
    let post = |origin: &str, host: &str| {
        s.send(
            Request::post("/v1/events")
                .header(header::ORIGIN, origin)
                .header(header::HOST, host)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(body.clone()))
                .unwrap(),
        )
    };
    let evil = post("https://evil.example", "api.shop.example").await;
    assert_eq!(
        (evil.status, evil.body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("origin_not_allowed"))
    );
    assert_eq!(
        post("https://shop.example", "api.shop.example")
            .await
            .status,
        StatusCode::OK,
        "a --cors origin"
    );
    assert_eq!(
        post("https://api.shop.example", "api.shop.example")
            .await
            .status,
        StatusCode::OK,
        "the server's own origin"
    );
    // A cross-origin preflight for JSON writes names only the allowed origin.
    let pre = s
        .send(
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/v1/events")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(pre
        .headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
}

#[tokio::test]
async fn event_times_are_bounded_so_one_event_cannot_erase_a_profile() {
    let s = server("times", 1000.0);
    let t0 = t0();
    let history =
        json!({"visitorId": "v", "events": [buy("o1", "lens", t0), buy("o2", "lens", t0 + DAY)]});
    assert_eq!(s.post("/v1/events", &history).await.status, StatusCode::OK);
    let far = json!({"visitorId": "v", "events": [{"id": "w", "type": "view", "productId": "sol", "at": 999_999_999_999_999.0}]});
    let r = s.post("/v1/events", &far).await;
    assert_eq!(
        (r.status, r.body["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/events/0/at"))
    );
    // The latest allowed time leaves the history's weight where it was.
    let soon = json!({"visitorId": "v", "events": [{"id": "w", "type": "view", "productId": "sol", "at": now_ms() + 9.0 * 60_000.0}]});
    assert_eq!(s.post("/v1/events", &soon).await.status, StatusCode::OK);
    let p = s.profile("v", None).await.body;
    assert_eq!(p["affinities"]["category"]["eyewear/lenses"], 1.0, "{p}");
    assert_eq!(p["purchases"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_visitor_over_their_event_rate_gets_429() {
    let s = server("vrate", 1000.0);
    let now = now_ms();
    let batch = |from: usize| {
        let events: Vec<Value> = (from..from + 500)
            .map(|i| json!({"id": format!("e{i}"), "type": "view", "productId": "lens", "at": now}))
            .collect();
        json!({"visitorId": "flood", "events": events})
    };
    assert_eq!(s.post("/v1/events", &batch(0)).await.status, StatusCode::OK);
    assert_eq!(
        s.post("/v1/events", &batch(500)).await.status,
        StatusCode::OK
    );
    let over = s.post("/v1/events", &batch(1000)).await;
    assert_eq!(
        (over.status, over.body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    assert!(over.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(
        s.post("/v1/events", &json!({"visitorId": "other", "events": [{"id": "e", "type": "view", "productId": "lens", "at": now}]})).await.status,
        StatusCode::OK,
        "another visitor is not held back"
    );
}

#[tokio::test]
async fn concurrent_publishes_each_answer_their_own_etag_and_if_match_refuses_a_stale_one() {
    let s = server("publish", 1_000_000.0);
    let doc = |n: usize| json!({"version": 1, "campaigns": [{"id": format!("c{n}"), "trigger": {"type": "always"}, "prompt": {"text": {"en": "Hi"}}}]});
    let mut tasks = Vec::new();
    for n in 0..40 {
        let router = s.router.clone();
        tasks.push(tokio::spawn(async move {
            let req = Request::put("/v1/rules")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::from(doc(n).to_string()))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let tag = res
                .headers()
                .get(header::ETAG)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            (n, tag)
        }));
    }
    for t in tasks {
        let (n, tag) = t.await.unwrap();
        // The ETag of publish n is the ETag of document n as served.
        let expected = format!(
            "\"{:016x}\"",
            doc(n)
                .to_string()
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64)
                    .wrapping_mul(0x0100_0000_01b3))
        );
        assert_eq!(tag, expected, "publish {n}");
    }
    let live = s.get("/v1/rules", None).await;
    let put_if = |tag: String, body: Value| {
        s.send(
            Request::put("/v1/rules")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .header(header::IF_MATCH, tag)
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
    };
    assert_eq!(put_if(etag(&live), doc(100)).await.status, StatusCode::OK);
    let stale = put_if(etag(&live), doc(101)).await;
    assert_eq!(
        (stale.status, stale.body["code"].as_str()),
        (StatusCode::PRECONDITION_FAILED, Some("precondition_failed"))
    );
    assert_eq!(s.get("/v1/rules", None).await.body, doc(100));
}

#[tokio::test]
async fn unknown_routes_methods_and_bad_paths_answer_the_json_error_body() {
    let s = server("errors", 1000.0);
    let cases = [
        (
            Request::get("/nope").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Request::delete("/v1/rules").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Request::get("/v1/profile/%FF%FE")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_visitor",
        ),
        (
            Request::get(format!("/v1/catalog?{}", "a".repeat(9000)))
                .body(Body::empty())
                .unwrap(),
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
        ),
    ];
    for (req, status, code) in cases {
        let r = s.send(req).await;
        assert_eq!(
            (r.status, r.body["code"].as_str(), r.body["path"].as_str()),
            (status, Some(code), Some(""))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ingest_and_publishes_at_once_never_wait_on_each_other() {
    let s = server("together", 1_000_000.0);
    publish_cart_campaign(&s).await;
    let now = now_ms();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let router = s.router.clone();
        tasks.push(tokio::spawn(async move {
            let req = if i % 2 == 0 {
                let visitor = format!("v{i}");
                let body = json!({"visitorId": visitor, "token": visitor_token(&visitor), "events": [{"id": "e", "type": "view", "productId": "lens", "at": now}],
                                  "exposures": [{"id": "x", "campaignId": "cart", "variant": "a", "shown": 1, "at": now}]});
                Request::post("/v1/events").body(Body::from(body.to_string())).unwrap()
            } else {
                let rules = json!({"version": 1, "campaigns": [{"id": "cart", "trigger": {"type": "always"}, "holdout": 50, "variants": [{"id": "a", "weight": 1, "prompt": {"text": {"en": format!("Hi {i}")}}}]}]});
                Request::put("/v1/rules").header(header::AUTHORIZATION, format!("Bearer {TOKEN}")).body(Body::from(rules.to_string())).unwrap()
            };
            router.oneshot(req).await.unwrap().status()
        }));
    }
    let all = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        statuses
    })
    .await
    .expect("ingest and publishing deadlocked");
    assert!(all.iter().all(|s| *s == StatusCode::OK), "{all:?}");
    assert_eq!(
        s.get_as("/v1/metrics", None, Some(TOKEN)).await.body["cart"]["a"]["visitors"],
        100
    );
}
