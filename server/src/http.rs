//! `vitrin-server serve`: the HTTP API of `server/openapi.yaml` on axum. Catalog, rules,
//! profiles and metrics are served with strong ETags (FNV-1a of the body) and answer
//! `If-None-Match` with 304; the catalog file is re-read when it changes on disk (the
//! builder replaces it atomically), and a file the engine refuses leaves the served one
//! in place. SQLite calls run on the blocking pool. Every error is JSON
//! `{ code, message, path, errors? }`, `path` a JSON Pointer into the request body.

use crate::db::{Db, Source};
use crate::{builder, ingest, metrics, results};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path as UrlPath, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use flate2::write::GzEncoder;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use vitrin::catalog::Catalog;
use vitrin::error::Error;

/// Largest `POST /v1/events` body.
pub const MAX_EVENTS_BYTES: usize = 1024 * 1024;
/// A visitor's profile reads at most this many of their latest events.
pub const MAX_PROFILE_EVENTS: usize = 10_000;
/// Rate-limit buckets kept before idle (full) ones are dropped.
const MAX_BUCKETS: usize = 100_000;

#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub catalog: PathBuf,
    /// Rules published at start when the database holds none yet.
    pub rules: Option<PathBuf>,
    pub host: IpAddr,
    pub port: u16,
    pub token: String,
    /// Origins allowed by CORS; `*` allows any.
    pub cors: Vec<String>,
    /// Sustained requests per second per client address; bursts of five seconds' worth.
    pub rate: f64,
}

/// A document as served: its bytes, gzipped copy for large ones, and ETag.
struct Doc {
    body: Bytes,
    gzip: Option<Bytes>,
    etag: String,
}

impl Doc {
    fn new(body: impl Into<Bytes>) -> Doc {
        let body: Bytes = body.into();
        let gzip = (body.len() > 1024).then(|| {
            let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            gz.write_all(&body).and_then(|_| gz.finish()).map(Bytes::from).ok()
        });
        Doc { etag: Doc::etag_of(&body), gzip: gzip.flatten(), body }
    }

    fn etag_of(body: &[u8]) -> String {
        format!("\"{:016x}\"", fnv1a(body))
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

struct ServedCatalog {
    doc: Doc,
    parsed: Catalog,
}

pub struct App {
    db: Mutex<Db>,
    catalog_path: PathBuf,
    catalog: RwLock<Arc<ServedCatalog>>,
    /// Modification time of the catalog file when last read.
    catalog_seen: Mutex<Option<SystemTime>>,
    rules: RwLock<Option<Arc<Doc>>>,
    token: String,
    limiter: Mutex<HashMap<IpAddr, Bucket>>,
    rate: f64,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// An error response: the engine's error document with an HTTP status.
pub struct ApiError(StatusCode, Error);

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError(status, Error { path: Some(String::new()), ..Error::new(code, message) })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(status, e) = self;
        let mut doc = json!({"code": e.code, "message": e.message, "path": e.path.unwrap_or_default()});
        if !e.errors.is_empty() {
            doc["errors"] = json!(e.errors);
        }
        let mut res = (status, [(header::CONTENT_TYPE, "application/json")], doc.to_string()).into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    eprintln!("vitrin-server: {e}");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "the server failed; try again")
}

pub fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64)
}

fn load_catalog(path: &std::path::Path) -> Result<ServedCatalog, String> {
    let text = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let value: Value = serde_json::from_slice(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let parsed = Catalog::from_json(&value).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ServedCatalog { doc: Doc::new(text), parsed })
}

impl App {
    pub fn open(cfg: &Config) -> Result<App, String> {
        let mut db = Db::open(&cfg.db).map_err(|e| format!("database {}: {e}", cfg.db.display()))?;
        let seen = std::fs::metadata(&cfg.catalog).and_then(|m| m.modified()).ok();
        let catalog = load_catalog(&cfg.catalog)?;
        if let (Some(path), None) = (&cfg.rules, db.rules().map_err(|e| e.to_string())?) {
            let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
            vitrin::rules::validate(&value).map_err(|e| format!("{}: {e}", path.display()))?;
            db.publish_rules(&text, now_ms()).map_err(|e| e.to_string())?;
        }
        let rules = db.rules().map_err(|e| e.to_string())?.map(|(_, body)| Arc::new(Doc::new(body)));
        Ok(App {
            db: Mutex::new(db),
            catalog_path: cfg.catalog.clone(),
            catalog: RwLock::new(Arc::new(catalog)),
            catalog_seen: Mutex::new(seen),
            rules: RwLock::new(rules),
            token: cfg.token.clone(),
            limiter: Mutex::new(HashMap::new()),
            rate: cfg.rate,
        })
    }

    /// The catalog in force, first re-read when its file changed since the last look.
    fn catalog(&self) -> Arc<ServedCatalog> {
        let modified = std::fs::metadata(&self.catalog_path).and_then(|m| m.modified()).ok();
        // One request re-reads; the others wait for it rather than serve the old catalog,
        // which would answer a client asking right after the change with a stale 304.
        let mut seen = self.catalog_seen.lock().unwrap();
        let current = self.catalog.read().unwrap().clone();
        if modified.is_none() || modified == *seen {
            return current;
        }
        // A refused file is not retried until it changes again.
        *seen = modified;
        match load_catalog(&self.catalog_path) {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *self.catalog.write().unwrap() = fresh.clone();
                fresh
            }
            Err(e) => {
                eprintln!("vitrin-server: keeping the catalog in force: {e}");
                current
            }
        }
    }

    /// Takes one token from the client's bucket; false when it is empty.
    fn admit(&self, ip: IpAddr) -> bool {
        let burst = self.rate * 5.0;
        let now = Instant::now();
        let mut buckets = self.limiter.lock().unwrap();
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * self.rate < burst);
        }
        let b = buckets.entry(ip).or_insert(Bucket { tokens: burst, at: now });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * self.rate).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        // Compared in full whatever the first difference, so timing tells nothing.
        given.is_some_and(|g| g.len() == self.token.len() && g.bytes().zip(self.token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
    }
}

type Shared = Arc<App>;

/// The router with every endpoint, the rate limit and CORS.
pub fn router(app: Shared, cors: &[String]) -> Router {
    let api = Router::new()
        .route("/v1/events", axum::routing::post(post_events))
        .route("/v1/catalog", get(get_catalog))
        .route("/v1/rules", get(get_rules).put(put_rules))
        .route("/v1/profile/{visitor_id}", get(get_profile))
        .route("/v1/metrics", get(get_metrics))
        .route("/v1/results", get(get_results))
        .route("/v1/rules/revisions", get(get_revisions))
        .route("/v1/rules/revisions/{version}", get(get_revision))
        .route("/v1/rules/rollback", axum::routing::post(post_rollback))
        .layer(middleware::from_fn_with_state(app.clone(), rate_limit))
        .with_state(app);
    if cors.is_empty() {
        return api;
    }
    let origins = if cors.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(cors.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    api.layer(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST, Method::PUT])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::IF_NONE_MATCH])
            .expose_headers([header::ETAG])
            .max_age(Duration::from_secs(600)),
    )
}

/// Serves until SIGINT or SIGTERM. Prints `listening on http://ADDR` once bound (port 0
/// picks a free one), which scripts wait for.
pub async fn serve(cfg: Config) -> Result<(), String> {
    let app = Arc::new(App::open(&cfg)?);
    let listener = tokio::net::TcpListener::bind((cfg.host, cfg.port)).await.map_err(|e| format!("binding {}:{}: {e}", cfg.host, cfg.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}");
    std::io::stdout().flush().ok();
    let service = router(app, &cfg.cors).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
}

#[cfg(unix)]
async fn shutdown() {
    use std::task::Poll;
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        return std::future::pending().await;
    };
    std::future::poll_fn(|cx| if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() { Poll::Ready(()) } else { Poll::Pending }).await
}

#[cfg(not(unix))]
async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

async fn rate_limit(State(app): State<Shared>, request: Request, next: Next) -> Response {
    // Without connection info (in-process tests) every request shares one bucket.
    let ip = request.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if app.admit(ip) {
        return next.run(request).await;
    }
    let mut res = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests from this address; retry later").into_response();
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

/// 304 when `If-None-Match` names the document's ETag, else the document (gzipped when
/// the client takes it). `no-cache`: caches keep it but ask every time.
fn conditional(headers: &HeaderMap, doc: &Doc) -> Response {
    let mut res = if if_none_match(headers, &doc.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let gzip = doc.gzip.as_ref().filter(|_| accepts_gzip(headers));
        let mut res = Response::new(Body::from(gzip.unwrap_or(&doc.body).clone()));
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if gzip.is_some() {
            res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        res
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_str(&doc.etag).expect("hex in quotes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
        let tag = tag.trim();
        // Weak comparison (RFC 9110 §13.1.2): a W/ prefix does not matter here.
        tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
    })
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|c| {
        let mut parts = c.split(';').map(str::trim);
        parts.next() == Some("gzip") && !parts.any(|p| p.replace(' ', "") == "q=0")
    })
}

/// The body as JSON, refused with 413 past `limit` bytes and 400 when it is not JSON.
async fn json_body(body: Body, limit: usize) -> Result<Value, ApiError> {
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", format!("the body is over {limit} bytes")))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", format!("the body is not JSON: {e}")))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(internal)
}

/// Batches come from `sendBeacon` (text/plain) as well as `fetch`, so any content type is read as JSON.
async fn post_events(State(app): State<Shared>, body: Body) -> Result<Response, ApiError> {
    let value = json_body(body, MAX_EVENTS_BYTES).await?;
    let batch = ingest::parse(&value, now_ms()).map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let got = blocking(move || app.db.lock().unwrap().ingest(&batch.visitor, &batch.events, &batch.metrics, Source::Web, now_ms())).await?.map_err(internal)?;
    Ok(axum::Json(json!({"accepted": got.accepted, "duplicates": got.duplicates})).into_response())
}

async fn get_catalog(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let served = blocking(move || app.catalog()).await?;
    Ok(conditional(&headers, &served.doc))
}

async fn get_rules(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let rules = app.rules.read().unwrap().clone();
    let rules = rules.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no_rules", "no rules have been published"))?;
    Ok(conditional(&headers, &rules))
}

/// Publishes rules after the engine's own validation; a refused document changes nothing.
async fn put_rules(State(app): State<Shared>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    if !app.authorized(&headers) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "publishing rules needs `Authorization: Bearer <token>`"));
    }
    let value = json_body(body, vitrin::rules::MAX_RULES_BYTES).await?;
    vitrin::rules::validate(&value).map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    publish(app, value.to_string()).await
}

/// Stores `text` (validated) as the next revision and puts it in force; answers
/// `{ version, etag }` with that revision's own ETag.
async fn publish(app: Shared, text: String) -> Result<Response, ApiError> {
    let (version, etag) = blocking(move || {
        let mut db = app.db.lock().unwrap();
        let version = db.publish_rules(&text, now_ms())?;
        let doc = Arc::new(Doc::new(text));
        let etag = doc.etag.clone();
        // Swapped while the database lock is held, so concurrent publishes land in order.
        *app.rules.write().unwrap() = Some(doc);
        Ok::<_, rusqlite::Error>((version, etag))
    })
    .await?
    .map_err(internal)?;
    let mut res = axum::Json(json!({"version": version, "etag": etag})).into_response();
    res.headers_mut().insert(header::ETAG, HeaderValue::from_str(&etag).map_err(internal)?);
    Ok(res)
}

/// Every published revision, newest first: `[{ version, publishedAt, etag, live }]`.
async fn get_revisions(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let revisions = blocking(move || app.db.lock().unwrap().rules_revisions()).await?.map_err(internal)?;
    let list: Vec<Value> = revisions
        .iter()
        .enumerate()
        .map(|(i, (version, at, body))| json!({"version": version, "publishedAt": at, "etag": Doc::etag_of(body.as_bytes()), "live": i == 0}))
        .collect();
    Ok(conditional(&headers, &Doc::new(Value::Array(list).to_string())))
}

fn revision_number(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "invalid_revision", "a revision is a positive whole number"))
}

async fn revision_body(app: &Shared, version: i64) -> Result<String, ApiError> {
    let state = app.clone();
    let body = blocking(move || state.db.lock().unwrap().rules_revision(version)).await?.map_err(internal)?;
    body.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown_revision", format!("no revision {version} was published")))
}

async fn get_revision(State(app): State<Shared>, UrlPath(version): UrlPath<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let body = revision_body(&app, revision_number(&version)?).await?;
    Ok(conditional(&headers, &Doc::new(body)))
}

/// `POST /v1/rules/rollback { version }`: publishes an earlier revision again, as a new
/// revision (history only grows), after checking it against today's engine.
async fn post_rollback(State(app): State<Shared>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    if !app.authorized(&headers) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "rolling back needs `Authorization: Bearer <token>`"));
    }
    let value = json_body(body, 1024).await?;
    let version = value.get("version").and_then(Value::as_i64).filter(|v| *v > 0);
    let version = version.ok_or_else(|| ApiError(StatusCode::UNPROCESSABLE_ENTITY, Error::at("invalid_revision", "/version", "`version` must be a positive whole number")))?;
    let text = revision_body(&app, version).await?;
    let doc: Value = serde_json::from_str(&text).map_err(internal)?;
    vitrin::rules::validate(&doc).map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    publish(app, text).await
}

async fn get_profile(State(app): State<Shared>, UrlPath(visitor): UrlPath<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    if !ingest::visitor_id(&visitor) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_visitor", format!("a visitor id is 1–{} bytes", ingest::MAX_VISITOR_ID)));
    }
    let profile = blocking(move || -> Result<Option<Value>, ApiError> {
        let events = app.db.lock().unwrap().visitor_events(&visitor, MAX_PROFILE_EVENTS).map_err(internal)?;
        let catalog = app.catalog();
        Ok(builder::profile::build(&visitor, &events, &catalog.parsed))
    })
    .await??;
    let profile = profile.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown_visitor", "no events stored for this visitor"))?;
    // Never serve what the engine would refuse.
    vitrin::profile::Profile::from_json(&profile).map_err(internal)?;
    Ok(conditional(&headers, &Doc::new(profile.to_string())))
}

async fn get_metrics(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let rows = blocking(move || app.db.lock().unwrap().metric_rows()).await?.map_err(internal)?;
    Ok(conditional(&headers, &Doc::new(metrics::report(&rows).to_string())))
}

/// The marketer's report (`results`) over the metric rows and the rules in force.
async fn get_results(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let state = app.clone();
    let rows = blocking(move || state.db.lock().unwrap().metric_rows()).await?.map_err(internal)?;
    let rules = app.rules.read().unwrap().clone();
    let rules: Option<Value> = rules.and_then(|d| serde_json::from_slice(&d.body).ok());
    Ok(conditional(&headers, &Doc::new(results::report(&rows, rules.as_ref()).to_string())))
}
