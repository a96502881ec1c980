//! `vitrin-server serve`: the HTTP API of `server/openapi.yaml` on axum (the connection
//! loop, its timeouts and limits are in `conn`). Catalog, rules, profiles and metrics are
//! served with strong ETags (FNV-1a of the body) and answer `If-None-Match` with 304; the
//! catalog file is re-read when it changes on disk (the builder replaces it atomically),
//! and a file the engine refuses leaves the served one in place. SQLite calls run on the
//! blocking pool. Every error is JSON `{ code, message, path, errors? }`, `path` a JSON
//! Pointer into the request body.
//!
//! Who may do what: a visitor's events and profile need that visitor's token (`token`);
//! rules publishing needs the store's token; metrics the store's token or the read token.
//! A write from a browser page must come from the server's own origin or a `--cors` one.

use crate::db::{Db, Source};
use crate::metrics::{Campaigns, Totals};
use crate::{builder, ingest, metrics, results, token};
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
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
/// A visitor may send this many events at once (the SDK's whole offline queue).
const VISITOR_BURST: f64 = 1000.0;
/// Longest URI answered; longer ones get 414 (hyper's own cap is 64 KiB).
const MAX_URI: usize = 8 * 1024;
/// Most header bytes answered; more get 431.
const MAX_HEADER_BYTES: usize = 16 * 1024;

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
    /// Token signing secret; `None`: the one stored in the database (made on first start).
    pub secret: Option<Vec<u8>>,
    /// A second token that may read metrics only (a dashboard's).
    pub read_token: Option<String>,
    /// Sustained events per minute per visitor; bursts of `VISITOR_BURST`.
    pub visitor_rate: f64,
    pub limits: crate::conn::Limits,
    /// Accepted events are also written here as Parquet (`crate::logsink`): a directory
    /// or an `s3://` URL.
    pub log: Option<String>,
}

impl Config {
    /// A configuration with the default rates and limits.
    pub fn new(db: PathBuf, catalog: PathBuf, token: String) -> Config {
        Config {
            db,
            catalog,
            rules: None,
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            token,
            cors: Vec::new(),
            rate: 20.0,
            secret: None,
            read_token: None,
            visitor_rate: 120.0,
            limits: crate::conn::Limits::default(),
            log: None,
        }
    }
}

/// A document as served: its bytes, gzipped copy for large ones, and ETag.
struct Doc {
    body: Bytes,
    gzip: Option<Bytes>,
    etag: String,
    content_type: &'static str,
}

/// The binary catalog's media type (`GET /v1/catalog.bin`).
pub const BINARY_CATALOG_TYPE: &str = "application/vnd.vitrin.catalog";

impl Doc {
    /// A JSON document.
    fn new(body: impl Into<Bytes>) -> Doc {
        Doc::typed(body, "application/json")
    }

    fn typed(body: impl Into<Bytes>, content_type: &'static str) -> Doc {
        let body: Bytes = body.into();
        let gzip = (body.len() > 1024).then(|| {
            let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            gz.write_all(&body)
                .and_then(|_| gz.finish())
                .map(Bytes::from)
                .ok()
        });
        Doc {
            etag: Doc::etag_of(&body),
            gzip: gzip.flatten(),
            body,
            content_type,
        }
    }

    fn etag_of(body: &[u8]) -> String {
        format!("\"{:016x}\"", fnv1a(body))
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

struct ServedCatalog {
    doc: Doc,
    /// The same catalog in the binary format, written from `parsed`.
    binary: Doc,
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
    read_token: Option<String>,
    secret: Vec<u8>,
    limiter: Mutex<HashMap<IpAddr, Bucket>>,
    rate: f64,
    visitors: Mutex<HashMap<String, Bucket>>,
    visitor_rate: f64,
    cors: Vec<String>,
    /// Campaigns of every published revision: what exposures may name.
    campaigns: RwLock<Campaigns>,
    /// Running metrics; ingest adds to them after each commit, readers copy them out.
    totals: Mutex<Totals>,
    /// The last rendered metrics document and the totals version it shows.
    metrics_doc: Mutex<Option<(u64, Arc<Doc>)>>,
    body_timeout: Duration,
    log: Option<crate::logsink::LogSink>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// An error response: the engine's error document with an HTTP status.
pub struct ApiError(StatusCode, Error);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        let mut e = Error::new(code, message);
        e.path = Some(String::new());
        ApiError(status, e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(status, e) = self;
        let e = e.into_data();
        let mut doc =
            json!({"code": e.code, "message": e.message, "path": e.path.unwrap_or_default()});
        if !e.errors.is_empty() {
            doc["errors"] = json!(e.errors);
        }
        let mut res = (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            doc.to_string(),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

pub fn internal(e: impl std::fmt::Display) -> ApiError {
    eprintln!("vitrin-server: {e}");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "the server failed; try again",
    )
}

pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

fn load_catalog(path: &std::path::Path) -> Result<ServedCatalog, String> {
    let text = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let value: Value =
        serde_json::from_slice(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let parsed = Catalog::from_json(&vitrin::value::Value::from(&value))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ServedCatalog {
        doc: Doc::new(text),
        binary: Doc::typed(parsed.to_bytes(), BINARY_CATALOG_TYPE),
        parsed,
    })
}

impl App {
    pub fn open(cfg: &Config) -> Result<App, String> {
        let mut db =
            Db::open(&cfg.db).map_err(|e| format!("database {}: {e}", cfg.db.display()))?;
        let seen = std::fs::metadata(&cfg.catalog)
            .and_then(|m| m.modified())
            .ok();
        let catalog = load_catalog(&cfg.catalog)?;
        if let (Some(path), None) = (&cfg.rules, db.rules().map_err(|e| e.to_string())?) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("reading {}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
            vitrin::rules::compile(&vitrin::value::Value::from(&value))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            db.publish_rules(&text, now_ms())
                .map_err(|e| e.to_string())?;
        }
        let rules = db
            .rules()
            .map_err(|e| e.to_string())?
            .map(|(_, body)| Arc::new(Doc::new(body)));
        let mut campaigns = Campaigns::default();
        for body in db.all_rules().map_err(|e| e.to_string())? {
            campaigns.add(&serde_json::from_str(&body).unwrap_or_default());
        }
        let mut totals = Totals::default();
        db.each_arm(|c, v, row| totals.row(c, v, row))
            .map_err(|e| e.to_string())?;
        let secret = match &cfg.secret {
            Some(s) => s.clone(),
            None => db
                .secret("token", || token::random(32))
                .map_err(|e| e.to_string())?,
        };
        Ok(App {
            db: Mutex::new(db),
            catalog_path: cfg.catalog.clone(),
            catalog: RwLock::new(Arc::new(catalog)),
            catalog_seen: Mutex::new(seen),
            rules: RwLock::new(rules),
            token: cfg.token.clone(),
            read_token: cfg.read_token.clone(),
            secret,
            limiter: Mutex::new(HashMap::new()),
            rate: cfg.rate,
            visitors: Mutex::new(HashMap::new()),
            visitor_rate: cfg.visitor_rate,
            cors: cfg.cors.clone(),
            campaigns: RwLock::new(campaigns),
            totals: Mutex::new(totals),
            metrics_doc: Mutex::new(None),
            body_timeout: cfg.limits.body,
            log: cfg
                .log
                .as_deref()
                .map(crate::logsink::LogSink::open)
                .transpose()?,
        })
    }

    /// The catalog in force, first re-read when its file changed since the last look.
    fn catalog(&self) -> Arc<ServedCatalog> {
        let modified = std::fs::metadata(&self.catalog_path)
            .and_then(|m| m.modified())
            .ok();
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

    /// Takes one request from the client's bucket; false when it is empty.
    fn admit(&self, ip: IpAddr) -> bool {
        take(&self.limiter, ip, 1.0, self.rate, self.rate * 5.0)
    }

    /// Takes `n` events from the visitor's bucket; false when there are not that many left.
    fn admit_events(&self, visitor: &str, n: usize) -> bool {
        take(
            &self.visitors,
            visitor.to_string(),
            n as f64,
            self.visitor_rate / 60.0,
            VISITOR_BURST,
        )
    }

    /// `Ok` for the store's token (or, where `read`, the read token); else the answer
    /// saying what `what` needs.
    fn authorize(&self, headers: &HeaderMap, read: bool, what: &str) -> Result<(), ApiError> {
        if self.store(headers, read) {
            return Ok(());
        }
        let tokens = if read {
            " (the store's token or the read token)"
        } else {
            ""
        };
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("{what} needs `Authorization: Bearer <token>`{tokens}"),
        ))
    }

    /// Whether the request carries the store's token (or, when `read` is allowed, the read token).
    fn store(&self, headers: &HeaderMap, read: bool) -> bool {
        let given = bearer(headers);
        let same = |want: &str| given.is_some_and(|g| same_bytes(g.as_bytes(), want.as_bytes()));
        same(&self.token) || (read && self.read_token.as_deref().is_some_and(same))
    }

    /// The visitor a token names, or the answer refusing it.
    fn visitor(&self, token: Option<&str>) -> Result<String, ApiError> {
        let token = token.ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "this needs the visitor's token (`token` in the body or `Authorization: Bearer <token>`)")
        })?;
        let now = (now_ms() / 1000.0) as u64;
        token::verify(&self.secret, token, now)
            .map(|(id, _)| id)
            .map_err(|why| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    why.code(),
                    "the visitor token is not valid here; get a new one",
                )
            })
    }

    /// A browser's write must come from this server's origin or a configured one: a page
    /// elsewhere could otherwise post for whoever visits it.
    fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let authority = origin.split_once("://").map(|(_, a)| a);
        self.cors.iter().any(|o| o == "*" || o == origin) || (host.is_some() && authority == host)
    }

    /// The metrics document, rendered again only when the totals moved since the last one.
    fn metrics(&self) -> Arc<Doc> {
        let totals = self.totals.lock().unwrap();
        let mut cached = self.metrics_doc.lock().unwrap();
        if let Some((version, doc)) = cached.as_ref().filter(|(v, _)| *v == totals.version) {
            let _ = version;
            return doc.clone();
        }
        let doc = Arc::new(Doc::new(metrics::report(&totals).to_string()));
        *cached = Some((totals.version, doc.clone()));
        doc
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Compared in full whatever the first difference, so timing tells nothing.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Token bucket: takes `n` from `key`'s bucket (refilled at `rate` per second up to `burst`).
fn take<K: std::hash::Hash + Eq>(
    buckets: &Mutex<HashMap<K, Bucket>>,
    key: K,
    n: f64,
    rate: f64,
    burst: f64,
) -> bool {
    let now = Instant::now();
    let mut buckets = buckets.lock().unwrap();
    if buckets.len() >= MAX_BUCKETS {
        buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
    }
    let b = buckets.entry(key).or_insert(Bucket {
        tokens: burst,
        at: now,
    });
    b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
    b.at = now;
    if b.tokens >= n {
        b.tokens -= n;
        true
    } else {
        false
    }
}

struct Attribution<'a> {
    campaigns: &'a Campaigns,
    catalog: &'a Catalog,
}

impl crate::db::Attribution for Attribution<'_> {
    fn window_ms(&self, campaign: &str) -> f64 {
        self.campaigns.window_ms(campaign)
    }
    fn price(&self, product: &str) -> f64 {
        self.catalog
            .index(product)
            .map_or(0.0, |ix| self.catalog.prices[ix as usize] as f64)
    }
}

type Shared = Arc<App>;

/// The router with every endpoint, the rate limit and CORS.
pub fn router(app: Shared, cors: &[String]) -> Router {
    let api = Router::new()
        .route("/v1/visitors", axum::routing::post(post_visitor))
        .route("/v1/visitors/merge", axum::routing::post(post_merge))
        .route("/v1/events", axum::routing::post(post_events))
        .route("/v1/catalog", get(get_catalog))
        .route("/v1/catalog.bin", get(get_binary_catalog))
        .route("/v1/rules", get(get_rules).put(put_rules))
        .route("/v1/profile/{visitor_id}", get(get_profile))
        .route("/v1/metrics", get(get_metrics))
        .route("/v1/results", get(get_results))
        .route("/v1/rules/revisions", get(get_revisions))
        .route("/v1/rules/revisions/{version}", get(get_revision))
        .route("/v1/rules/rollback", axum::routing::post(post_rollback))
        .route("/v1/rules/check", axum::routing::post(post_check))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), rate_limit))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
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
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::IF_NONE_MATCH,
                header::IF_MATCH,
            ])
            .expose_headers([header::ETAG])
            .max_age(Duration::from_secs(600)),
    )
}

/// Serves until SIGINT or SIGTERM, then drains (see `conn`). Prints `listening on
/// http://ADDR` once bound (port 0 picks a free one), which scripts wait for.
pub async fn serve(cfg: Config) -> Result<(), String> {
    let app = Arc::new(App::open(&cfg)?);
    let listener = tokio::net::TcpListener::bind((cfg.host, cfg.port))
        .await
        .map_err(|e| format!("binding {}:{}: {e}", cfg.host, cfg.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}");
    std::io::stdout().flush().ok();
    crate::conn::run(listener, router(app, &cfg.cors), cfg.limits, shutdown()).await;
    Ok(())
}

#[cfg(unix)]
async fn shutdown() {
    use std::task::Poll;
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    std::future::poll_fn(|cx| {
        if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}

#[cfg(not(unix))]
async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Refuses what no endpoint should read: an overlong URI or header section, and writes
/// from origins not allowed.
async fn guard(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if request.uri().to_string().len() > MAX_URI {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the URI is over {MAX_URI} bytes"),
        )
        .into_response();
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("the headers are over {MAX_HEADER_BYTES} bytes"),
        )
        .into_response();
    }
    let write = matches!(*request.method(), Method::POST | Method::PUT);
    if write && !app.origin_allowed(request.headers()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "this origin may not write here (see the server's --cors)",
        )
        .into_response();
    }
    next.run(request).await
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see openapi.yaml",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method; see openapi.yaml",
    )
}

async fn rate_limit(State(app): State<Shared>, request: Request, next: Next) -> Response {
    // Without connection info (in-process tests) every request shares one bucket.
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if app.admit(ip) {
        return next.run(request).await;
    }
    let mut res = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "too many requests from this address; retry later",
    )
    .into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
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
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(doc.content_type),
        );
        if gzip.is_some() {
            res.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        res
    };
    let h = res.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&doc.etag).expect("hex in quotes"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            // Weak comparison (RFC 9110 §13.1.2): a W/ prefix does not matter here.
            tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
        })
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|c| {
            let mut parts = c.split(';').map(str::trim);
            parts.next() == Some("gzip") && !parts.any(|p| p.replace(' ', "") == "q=0")
        })
}

/// The body as JSON, refused with 413 past `limit` bytes, 408 when it does not arrive in
/// the body timeout (a trickled body would hold the connection), 400 when it is not JSON.
async fn json_body(body: Body, limit: usize, wait: Duration) -> Result<Value, ApiError> {
    let late = || {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "the body did not arrive in time",
        )
    };
    let bytes = tokio::time::timeout(wait, axum::body::to_bytes(body, limit))
        .await
        .map_err(|_| late())?
        .map_err(|e| {
            if e.into_inner()
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!("the body is over {limit} bytes"),
                )
            } else {
                late()
            }
        })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not JSON: {e}"),
        )
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(internal)
}

/// A new anonymous visitor: a random id and its token. With a valid token already
/// (`Authorization: Bearer`), the same visitor's token renewed.
async fn post_visitor(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let visitor = match bearer(&headers) {
        Some(t) => app.visitor(Some(t))?,
        None => token::anonymous_id(),
    };
    let expires = (now_ms() / 1000.0) as u64 + token::ANONYMOUS_SECS;
    let token = token::mint(&app.secret, &visitor, expires);
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"visitorId": visitor, "token": token, "expiresAt": expires * 1000})),
    )
        .into_response())
}

/// Logging in: the anonymous visitor named by `from` (their token) becomes the visitor of
/// the bearer token, with everything stored for them.
async fn post_merge(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let into = app.visitor(bearer(&headers))?;
    let value = json_body(body, 4096, app.body_timeout).await?;
    let from = value.get("from").and_then(Value::as_str).ok_or_else(|| {
        ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            Error::at(
                "invalid_merge",
                "/from",
                "is required: the anonymous visitor's token",
            ),
        )
    })?;
    let from = app.visitor(Some(from)).map_err(|ApiError(_, mut e)| {
        e.path = Some("/from".into());
        ApiError(StatusCode::UNPROCESSABLE_ENTITY, e)
    })?;
    if !from.starts_with(token::ANONYMOUS_PREFIX) {
        return Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            Error::at(
                "invalid_merge",
                "/from",
                "only an anonymous (server-issued) visitor merges into another",
            ),
        ));
    }
    if from == into {
        return Ok(axum::Json(json!({"visitorId": into, "moved": 0})).into_response());
    }
    let (state, customer) = (app.clone(), into.clone());
    let (moved, changes) = blocking(move || state.db.lock().unwrap().merge(&from, &customer))
        .await?
        .map_err(internal)?;
    app.totals.lock().unwrap().apply(&changes);
    Ok(axum::Json(json!({"visitorId": into, "moved": moved})).into_response())
}

/// Batches come from `sendBeacon` (text/plain) as well as `fetch`, so any content type is
/// read as JSON; a beacon cannot carry headers, so the token may come in the body.
async fn post_events(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let value = json_body(body, MAX_EVENTS_BYTES, app.body_timeout).await?;
    let batch = ingest::parse(
        &vitrin::value::Value::from(value),
        now_ms(),
        &app.campaigns.read().unwrap(),
    )
    .map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let visitor = app.visitor(batch.token.as_deref().or(bearer(&headers)))?;
    if visitor != batch.visitor {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            Error::at(
                "token_mismatch",
                "/visitorId",
                "the token names another visitor",
            ),
        ));
    }
    if !app.admit_events(&visitor, batch.events.len() + batch.exposures.len()) {
        let mut res = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many events from this visitor; retry later",
        )
        .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        return Ok(res);
    }
    let state = app.clone();
    let (got, changes) = blocking(move || {
        // Lock order everywhere: the database, then the campaigns (a publish holds the
        // first while it adds to the second).
        let mut db = state.db.lock().unwrap();
        let campaigns = state.campaigns.read().unwrap();
        let catalog = state.catalog.read().unwrap().clone();
        let attribution = Attribution {
            campaigns: &campaigns,
            catalog: &catalog.parsed,
        };
        let now = now_ms();
        let out = db.ingest_with(
            &batch.visitor,
            &batch.events,
            &batch.exposures,
            &attribution,
            Source::Web,
            now,
        );
        // Readers of the log keep one row per event id, so a batch with some events
        // already stored goes whole.
        if let (Some(log), Ok((got, _))) = (&state.log, &out) {
            if got.accepted > 0 {
                log.append(&batch.visitor, batch.events, Source::Web, now);
            }
        }
        out
    })
    .await?
    .map_err(internal)?;
    // After the commit and outside the database lock: a metrics reader never waits on SQLite.
    app.totals.lock().unwrap().apply(&changes);
    Ok(axum::Json(json!({"accepted": got.accepted, "duplicates": got.duplicates})).into_response())
}

async fn get_catalog(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let served = blocking(move || app.catalog()).await?;
    Ok(conditional(&headers, &served.doc))
}

/// The catalog in force as the binary catalog (`vitrin::catalog::binary`): what a page
/// reads with no JSON parsing. Same revision as `GET /v1/catalog`.
async fn get_binary_catalog(
    State(app): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let served = blocking(move || app.catalog()).await?;
    Ok(conditional(&headers, &served.binary))
}

async fn get_rules(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let rules = app.rules.read().unwrap().clone();
    let rules = rules.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_rules",
            "no rules have been published",
        )
    })?;
    Ok(conditional(&headers, &rules))
}

/// Publishes rules after the engine's own validation; a refused document changes nothing.
/// Publishes are serialised by the database lock; `If-Match` (the ETag the editor started
/// from) refuses a publish over someone else's with 412.
async fn put_rules(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, false, "Publishing rules")?;
    let value = json_body(body, vitrin::rules::MAX_RULES_BYTES, app.body_timeout).await?;
    vitrin::rules::compile(&vitrin::value::Value::from(&value))
        .map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let expected: Option<Vec<String>> = headers.get(header::IF_MATCH).map(|v| {
        v.to_str()
            .unwrap_or("")
            .split(',')
            .map(|t| t.trim().to_string())
            .collect()
    });
    publish(app, value.to_string(), expected).await
}

/// Stores `text` (validated) as the next revision and puts it in force; answers
/// `{ version, etag }` with that revision's own ETag. Publishes are serialised by the
/// database lock; with `expected` (If-Match) a publish over another is refused with 412.
async fn publish(
    app: Shared,
    text: String,
    expected: Option<Vec<String>>,
) -> Result<Response, ApiError> {
    let value: Value = serde_json::from_str(&text).map_err(internal)?;
    let state = app.clone();
    let (version, etag) = blocking(move || {
        let mut db = state.db.lock().unwrap();
        if let Some(tags) = expected {
            let live = state.rules.read().unwrap().as_ref().map(|d| d.etag.clone());
            if !tags
                .iter()
                .any(|t| t == "*" && live.is_some() || Some(t) == live.as_ref())
            {
                return Err(ApiError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition_failed",
                    "the rules changed since the ETag in If-Match; reload and publish again",
                ));
            }
        }
        let version = db.publish_rules(&text, now_ms()).map_err(internal)?;
        state.campaigns.write().unwrap().add(&value);
        let doc = Arc::new(Doc::new(text));
        let etag = doc.etag.clone();
        // Swapped while the database lock is held, so concurrent publishes land in order;
        // the answer names this publish's document, whatever came after it.
        *state.rules.write().unwrap() = Some(doc);
        Ok((version, etag))
    })
    .await??;
    let mut res = axum::Json(json!({"version": version, "etag": etag})).into_response();
    res.headers_mut().insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(internal)?,
    );
    Ok(res)
}

/// Every published revision, newest first: `[{ version, publishedAt, etag, live }]`.
async fn get_revisions(
    State(app): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let revisions = blocking(move || app.db.lock().unwrap().rules_revisions())
        .await?
        .map_err(internal)?;
    let list: Vec<Value> = revisions
        .iter()
        .enumerate()
        .map(|(i, (version, at, body))| json!({"version": version, "publishedAt": at, "etag": Doc::etag_of(body.as_bytes()), "live": i == 0}))
        .collect();
    Ok(conditional(
        &headers,
        &Doc::new(Value::Array(list).to_string()),
    ))
}

fn revision_number(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_revision",
            "a revision is a positive whole number",
        )
    })
}

async fn revision_body(app: &Shared, version: i64) -> Result<String, ApiError> {
    let state = app.clone();
    let body = blocking(move || state.db.lock().unwrap().rules_revision(version))
        .await?
        .map_err(internal)?;
    body.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_revision",
            format!("no revision {version} was published"),
        )
    })
}

async fn get_revision(
    State(app): State<Shared>,
    UrlPath(version): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = revision_body(&app, revision_number(&version)?).await?;
    Ok(conditional(&headers, &Doc::new(body)))
}

/// `POST /v1/rules/rollback { version }`: publishes an earlier revision again, as a new
/// revision (history only grows), after checking it against today's engine.
async fn post_rollback(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, false, "Rolling back")?;
    let value = json_body(body, 1024, app.body_timeout).await?;
    let version = value
        .get("version")
        .and_then(Value::as_i64)
        .filter(|v| *v > 0);
    let version = version.ok_or_else(|| {
        ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            Error::at(
                "invalid_revision",
                "/version",
                "`version` must be a positive whole number",
            ),
        )
    })?;
    let text = revision_body(&app, version).await?;
    let doc: Value = serde_json::from_str(&text).map_err(internal)?;
    vitrin::rules::compile(&vitrin::value::Value::from(&doc))
        .map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    publish(app, text, None).await
}

/// A visitor's profile: for that visitor's token, or the store's.
async fn get_profile(
    State(app): State<Shared>,
    path: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let UrlPath(visitor) = path.map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_visitor",
            "the visitor id in the path is not valid UTF-8",
        )
    })?;
    if !ingest::visitor_id(&visitor) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_visitor",
            format!("a visitor id is 1–{} bytes", ingest::MAX_VISITOR_ID),
        ));
    }
    if !app.store(&headers, false) && app.visitor(bearer(&headers))? != visitor {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "token_mismatch",
            "the token names another visitor",
        ));
    }
    let profile = blocking(move || -> Result<Option<Value>, ApiError> {
        let events = app
            .db
            .lock()
            .unwrap()
            .visitor_events(&visitor, MAX_PROFILE_EVENTS)
            .map_err(internal)?;
        let catalog = app.catalog();
        Ok(builder::profile::build(&visitor, &events, &catalog.parsed))
    })
    .await??;
    let profile = profile.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_visitor",
            "no events stored for this visitor",
        )
    })?;
    // Never serve what the engine would refuse.
    vitrin::profile::Profile::from_json(&vitrin::value::Value::from(&profile)).map_err(internal)?;
    let mut res = conditional(&headers, &Doc::new(profile.to_string()));
    private(&mut res);
    Ok(res)
}

/// Personal or store-only: no shared cache may keep it.
fn private(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
}

/// The running totals (never a database read): for the store's token or the read token.
async fn get_metrics(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    app.authorize(&headers, true, "Reading metrics")?;
    let mut res = conditional(&headers, &app.metrics());
    private(&mut res);
    Ok(res)
}

/// The marketer's report (`results`) over the running totals and the rules in force: for
/// the store's token or the read token, like the metrics it is made of.
async fn get_results(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    app.authorize(&headers, true, "Reading results")?;
    let totals = app.totals.lock().unwrap().clone();
    let rules = app.rules.read().unwrap().clone();
    let rules: Option<Value> = rules.and_then(|d| serde_json::from_slice(&d.body).ok());
    let mut res = conditional(
        &headers,
        &Doc::new(results::report(&totals, rules.as_ref()).to_string()),
    );
    private(&mut res);
    Ok(res)
}

/// `POST /v1/rules/check { rules, routes? }`: the rules against this store (the catalog in
/// force, the visitor context, the storefront's `routes`), by the engine's own
/// `Engine::check_rules`: `{ ok, errors, warnings }`. A marketer's tool, so it needs the
/// token; the check lives here, not in the browser package, to keep shoppers' download small.
async fn post_check(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    app.authorize(&headers, false, "Checking rules")?;
    let value = json_body(
        body,
        vitrin::rules::MAX_RULES_BYTES + 64 * 1024,
        app.body_timeout,
    )
    .await?;
    let rules = value.get("rules").cloned().ok_or_else(|| {
        ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            Error::at("invalid_check", "/rules", "`rules` is required"),
        )
    })?;
    let routes: Vec<String> = match value.get("routes") {
        None => Vec::new(),
        Some(Value::Array(list)) if list.len() <= 100 => list
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.as_str().map(str::to_string).ok_or_else(|| {
                    ApiError(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Error::at(
                            "invalid_check",
                            format!("/routes/{i}"),
                            "a route is a string",
                        ),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(ApiError(
                StatusCode::UNPROCESSABLE_ENTITY,
                Error::at(
                    "invalid_check",
                    "/routes",
                    "`routes` is a list of at most 100 strings",
                ),
            ))
        }
    };
    let found = blocking(move || -> Result<vitrin::rules::Findings, ApiError> {
        let catalog = app.catalog();
        let doc: Value = serde_json::from_slice(&catalog.doc.body).map_err(internal)?;
        let engine = vitrin::engine::Engine::new(&vitrin::value::Value::from(
            &json!({"catalog": doc, "localId": "rules-check"}),
        ))
        .map_err(internal)?;
        Ok(engine.check_rules(&vitrin::value::Value::from(&rules), &routes))
    })
    .await??;
    Ok(axum::Json(
        json!({"ok": found.errors.is_empty(), "errors": found.errors, "warnings": found.warnings}),
    )
    .into_response())
}
