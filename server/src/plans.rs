//! The builder's aggregations as DataFusion plans over the Parquet event log
//! (`crate::eventlog`), run in this process or, given a scheduler's address, on a Ballista
//! cluster: the same SQL either way. The plans compute what `builder::model::Model`
//! accumulates in its streaming pass (views and trend per item, sequence-weighted pairs,
//! co-purchases) and `model::train` turns those counts into the same `Trained`; the
//! catalog and profiles are written by the builder's own `write` and `profile` code.
//!
//! What each plan does, in the builder's terms:
//! - one row per (`visitor_id`, `id`, `line`): a retried append may have written a row twice
//!   (an imported session log is written once, and read as it is);
//! - sessions: an imported log's sessions as numbered (the last `holdout` of them held
//!   out, each dated by its place); the SDK's views cut per visitor at 30-minute gaps,
//!   dated by their start between the log's first and last event;
//! - items in order of first appearance (the builder interns them so, and ranks ties
//!   by that order);
//! - an integer per product, so that the pairs are sorted, fanned out and summed as
//!   integers (`build` maps them back to the interned items);
//! - pairs: for d = 1..window, the item d steps later, weighted `Params::step_weights`
//!   forward and backward, summed per ordered pair (both orders of a pair in one row);
//! - baskets: distinct products per (visitor, order), each two counted once per order;
//! - profiles: each visitor's latest `MAX_PROFILE_EVENTS` events in time order, turned into
//!   a profile by `builder::profile::build`.

use crate::builder::model::{self, Counts, Params};
use crate::builder::sessions::Items;
use crate::builder::{self, profile, write, Report, SESSION_GAP_MS};
use crate::db::Source;
use crate::eventlog::{self, Location};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::datasource::MemTable;
use datafusion::execution::options::ParquetReadOptions;
use datafusion::logical_expr::Partitioning;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::StreamExt;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vitrin::events::Event;

#[derive(Debug, Clone)]
pub struct Options {
    /// The event log: a directory or an `s3://` URL.
    pub log: String,
    /// A Ballista scheduler (`df://host:port`); in process when `None`.
    pub cluster: Option<String>,
    pub out: PathBuf,
    pub base: Option<PathBuf>,
    pub profiles_out: Option<PathBuf>,
    /// Share of an imported session log's last sessions kept out of the model.
    pub holdout: f64,
    pub validation_out: Option<PathBuf>,
    pub params: Params,
    /// As `builder::Options`: the share of the model's last log sessions that fit the
    /// ranking weights, and the prefixes replayed per trial.
    pub fit: f64,
    pub fit_cases: usize,
    /// Partitions per plan in process (default: the machine's cores).
    pub partitions: Option<usize>,
    /// The longest one plan may run (default on a cluster: `JOB_TIMEOUT`; none in process).
    pub job_timeout: Option<Duration>,
}

/// How long one plan may run on a cluster unless told otherwise. A task that dies on an
/// executor (a panic, a killed process) is not always reported to the scheduler, and then
/// its job never ends: the deadline turns that into an error.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(1800);

/// Where the plans run, and how long each may take.
pub struct Engine {
    pub ctx: SessionContext,
    timeout: Option<Duration>,
    /// The plans' common tables `uniq` (see `UNIQ`) and `ids` (see `IDS`), as `share`
    /// made them.
    uniq: String,
    ids: String,
    cluster: bool,
}

impl Engine {
    /// When a plan started now must have ended.
    fn deadline(&self) -> Option<tokio::time::Instant> {
        self.timeout.map(|t| tokio::time::Instant::now() + t)
    }

    /// `work` bounded by `deadline`.
    async fn within<T>(
        &self,
        deadline: Option<tokio::time::Instant>,
        work: impl std::future::Future<Output = io::Result<T>>,
    ) -> io::Result<T> {
        let Some(at) = deadline else {
            return work.await;
        };
        match tokio::time::timeout_at(at, work).await {
            Ok(done) => done,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "a plan ran longer than {} s (--job-timeout); on a cluster, a task may have failed on an executor: see the executors' logs",
                    self.timeout.unwrap_or_default().as_secs()
                ),
            )),
        }
    }

    /// Starts `sql`, returning its stream and its deadline for reading it.
    async fn stream(
        &self,
        sql: &str,
    ) -> io::Result<(
        datafusion::execution::SendableRecordBatchStream,
        Option<tokio::time::Instant>,
    )> {
        let deadline = self.deadline();
        let stream = self
            .within(deadline, async {
                self.ctx
                    .sql(sql)
                    .await
                    .map_err(failed)?
                    .execute_stream()
                    .await
                    .map_err(failed)
            })
            .await?;
        Ok((stream, deadline))
    }

    /// The next batch of a stream from `stream`, within its deadline.
    async fn next(
        &self,
        stream: &mut datafusion::execution::SendableRecordBatchStream,
        deadline: Option<tokio::time::Instant>,
    ) -> io::Result<Option<RecordBatch>> {
        self.within(deadline, async {
            stream.next().await.transpose().map_err(failed)
        })
        .await
    }
}

fn failed(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("query: {e}"))
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.into())
}

pub fn build(opts: &Options) -> io::Result<Report> {
    if !(0.0..1.0).contains(&opts.holdout) || !(0.0..1.0).contains(&opts.fit) {
        return Err(invalid("the holdout and fit fractions must be in [0, 1)"));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 << 20)
        .build()?;
    runtime.block_on(build_async(opts))
}

/// A context in process, or one whose plans run on the Ballista cluster at `cluster`.
pub async fn context(
    cluster: Option<&str>,
    partitions: Option<usize>,
) -> io::Result<SessionContext> {
    match cluster {
        None => {
            let mut config = SessionConfig::new();
            if let Some(n) = partitions {
                config = config.with_target_partitions(n.max(1));
            }
            Ok(SessionContext::new_with_config(config))
        }
        Some(url) => {
            use ballista::prelude::{SessionConfigExt, SessionContextExt};
            // Ballista's static planner. Under its adaptive planner (on by default in 55) a
            // sort of these plans ended up with zero partitions in a task; each executor
            // resets every node of a task's plan, DataFusion 55.2's SortExec asserts (in a
            // debug build) that it has a partition, the task panics, the scheduler is never
            // told, and the job never ends. The static planner runs the same stages.
            let config =
                SessionConfig::new_with_ballista().with_ballista_adaptive_query_planner(false);
            let state = datafusion::execution::SessionStateBuilder::new()
                .with_config(config)
                .with_default_features()
                .build();
            SessionContext::remote_with_state(url, state)
                .await
                .map_err(|e| io::Error::other(format!("Ballista scheduler {url}: {e}")))
        }
    }
}

/// Registers the log as table `events` (with its `day` partition column).
pub async fn register(ctx: &SessionContext, location: &Location) -> io::Result<()> {
    if location.url.scheme() != "file" {
        ctx.register_object_store(&location.url, location.store.clone());
    }
    let schema = eventlog::schema();
    let options = ParquetReadOptions::default()
        .schema(&schema)
        .table_partition_cols(vec![("day".to_string(), DataType::Utf8)]);
    ctx.register_parquet("events", location.url.as_str(), options)
        .await
        .map_err(failed)
}

async fn query(engine: &Engine, sql: &str) -> io::Result<Vec<RecordBatch>> {
    engine
        .within(engine.deadline(), async {
            engine
                .ctx
                .sql(sql)
                .await
                .map_err(failed)?
                .collect()
                .await
                .map_err(failed)
        })
        .await
}

/// Column `i` as strings, whatever string type the engine chose.
fn strings(batch: &RecordBatch, i: usize) -> io::Result<datafusion::arrow::array::StringArray> {
    let col = datafusion::arrow::compute::cast(batch.column(i), &DataType::Utf8).map_err(failed)?;
    Ok(col.as_string::<i32>().clone())
}

fn numbers(batch: &RecordBatch, i: usize) -> io::Result<datafusion::arrow::array::Float64Array> {
    let col =
        datafusion::arrow::compute::cast(batch.column(i), &DataType::Float64).map_err(failed)?;
    Ok(col.as_primitive::<Float64Type>().clone())
}

fn integers(batch: &RecordBatch, i: usize) -> io::Result<datafusion::arrow::array::Int64Array> {
    let col =
        datafusion::arrow::compute::cast(batch.column(i), &DataType::Int64).map_err(failed)?;
    Ok(col.as_primitive::<Int64Type>().clone())
}

/// The events the model reads, one row per (visitor_id, id, line). A retried append
/// writes the same row again, so a hash `DISTINCT` removes it without sorting the log.
/// An imported session log's rows (source `log`) are written once, by one
/// `log import-sessions`, never appended: they skip the `DISTINCT`, which cost Diginetica's
/// build a quarter of a second. (Both parts filter alike, by `source`: a part that a later
/// filter contradicts, such as `session IS NULL` on `session IS NOT NULL`, is planned as an
/// empty plan, and a debug build's Ballista executor then never finished that job.)
const UNIQ: &str = "SELECT visitor_id, id, type, at, line, product_id, order_id, session
  FROM events WHERE source = 'log' AND type IN ('view', 'purchase') AND product_id IS NOT NULL
UNION ALL
SELECT DISTINCT visitor_id, id, type, at, line, product_id, order_id, session
  FROM events WHERE source <> 'log' AND type IN ('view', 'purchase') AND product_id IS NOT NULL";

/// An integer per product (1, 2, 3… by id), so that the pairs plan sorts, fans out and
/// groups integers rather than strings; `count` maps them to the interned items.
const IDS: &str =
    "SELECT product_id, CAST(ROW_NUMBER() OVER (ORDER BY product_id) AS BIGINT) AS item
  FROM (SELECT DISTINCT product_id FROM uniq)";

/// The common table `name AS (sql)` for later plans (`sql` may read `uniq`). In process
/// its rows are computed once into memory, where every plan reads them; on a cluster,
/// where a table in the client's memory cannot go, each plan computes them.
async fn share(engine: &Engine, name: &str, sql: &str) -> io::Result<String> {
    if engine.cluster {
        return Ok(format!("{name} AS ({sql})"));
    }
    let sql = match engine.uniq.as_str() {
        "" => sql.to_string(),
        uniq => format!("WITH {uniq} {sql}"),
    };
    let table = engine
        .within(engine.deadline(), async {
            // Batches dealt round the partitions: the imported log's scan comes in one
            // partition, and later plans would read it on one thread.
            let df = engine
                .ctx
                .sql(&sql)
                .await
                .map_err(failed)?
                .repartition(Partitioning::RoundRobinBatch(
                    engine.ctx.copied_config().target_partitions(),
                ))
                .map_err(failed)?;
            let schema = df.schema().inner().clone();
            let parts = df.collect_partitioned().await.map_err(failed)?;
            MemTable::try_new(schema, parts).map_err(failed)
        })
        .await?;
    let table_name = format!("shared_{name}");
    engine
        .ctx
        .register_table(table_name.as_str(), Arc::new(table))
        .map_err(failed)?;
    Ok(format!("{name} AS (SELECT * FROM {table_name})"))
}

/// `IDS`' integers as interned items (`u32::MAX`: a product no counted session has).
async fn item_ids(engine: &Engine, items: &Items) -> io::Result<Vec<u32>> {
    let mut out = Vec::new();
    let sql = format!(
        "WITH {}, {} SELECT product_id, item FROM ids",
        engine.uniq, engine.ids
    );
    for b in query(engine, &sql).await? {
        let (ids, item) = (strings(&b, 0)?, integers(&b, 1)?);
        for k in 0..b.num_rows() {
            let at = item.value(k) as usize;
            if out.len() <= at {
                out.resize(at + 1, u32::MAX);
            }
            out[at] = items.get(ids.value(k)).unwrap_or(u32::MAX);
        }
    }
    Ok(out)
}

/// What the log holds: sizes that set the plans' constants.
struct Shape {
    rows: u64,
    /// Sessions of an imported session log.
    log_sessions: u64,
    /// First and last time of the SDK's and the orders' events.
    span: Option<(f64, f64)>,
    /// Rows of purchased products (none in a session log: its baskets are skipped).
    purchased: u64,
}

async fn shape(ctx: &Engine) -> io::Result<Shape> {
    let b = query(ctx, "SELECT COUNT(*), MAX(session), MIN(CASE WHEN session IS NULL THEN at END), MAX(CASE WHEN session IS NULL THEN at END),
  COUNT(CASE WHEN type = 'purchase' AND session IS NULL AND product_id IS NOT NULL THEN 1 END) FROM events").await?;
    let b = &b[0];
    let (n, s, lo, hi, bought) = (
        integers(b, 0)?,
        integers(b, 1)?,
        numbers(b, 2)?,
        numbers(b, 3)?,
        integers(b, 4)?,
    );
    Ok(Shape {
        rows: n.value(0) as u64,
        log_sessions: if s.is_null(0) {
            0
        } else {
            s.value(0) as u64 + 1
        },
        span: (!lo.is_null(0)).then(|| (lo.value(0), hi.value(0))),
        purchased: bought.value(0) as u64,
    })
}

/// Buckets of sessions (`sessions_sql`'s `g`): more than any machine's partitions.
const BUCKETS: u32 = 64;

/// Views in sessions: `visitor_id, s, p` (session key, the log's visitor ids empty since
/// `s` names its sessions; position 0, 1, 2… without gaps: a session log's `line` as
/// `log import-sessions` writes it, the web's views numbered),
/// `product_id`,
/// `age`: the imported log's sessions numbered in [lo, hi) (of `model` sessions, each
/// dated by its place), and with `web` the SDK's views cut into sessions at time gaps.
/// `g`: a bucket of the session (the pairs plan's window partitions: every session whole
/// in one, and few of them, since a window pays per partition);
/// `None` when both parts are empty. A part known to be empty is left out of the plan:
/// each part sorts the whole log for its window functions.
fn sessions_sql(
    uniq: &str,
    lo: u64,
    hi: u64,
    model: u64,
    web: bool,
    span: Option<(f64, f64)>,
) -> Option<String> {
    let m = model.max(1);
    let mut parts = vec![format!(
        "{uniq},
views AS (SELECT visitor_id, id, at, line, product_id, session FROM uniq WHERE type = 'view')"
    )];
    let mut seq = Vec::new();
    if lo < hi {
        parts.push(format!(
            "logv AS (
  SELECT '' AS visitor_id, -1 - session AS s, CAST(line AS BIGINT) AS p, product_id,
    CAST({m} - session - 1 AS DOUBLE) / {m} AS age, CAST(session % {BUCKETS} AS BIGINT) AS g
  FROM views WHERE session IS NOT NULL AND session >= {lo} AND session < {hi})"
        ));
        seq.push("SELECT visitor_id, s, p, product_id, age, g FROM logv");
    }
    if let (true, Some((first, last))) = (web, span) {
        let span = (last - first).max(1.0);
        parts.push(format!(
            "webv AS (
  SELECT visitor_id, at, id, product_id,
    CASE WHEN LAG(at) OVER (PARTITION BY visitor_id ORDER BY at, id) IS NULL
           OR at - LAG(at) OVER (PARTITION BY visitor_id ORDER BY at, id) > {gap:?} THEN 1 ELSE 0 END AS starts
  FROM views WHERE session IS NULL),
webs AS (
  SELECT visitor_id, at, id, product_id,
    SUM(starts) OVER (PARTITION BY visitor_id ORDER BY at, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s
  FROM webv),
webp AS (
  SELECT visitor_id, s, CAST(ROW_NUMBER() OVER (PARTITION BY visitor_id, s ORDER BY at, id) - 1 AS BIGINT) AS p, product_id,
    ({last:?} - MIN(at) OVER (PARTITION BY visitor_id, s)) / {span:?} AS age,
    CAST((s + ascii(right(visitor_id, 1))) % {BUCKETS} AS BIGINT) AS g
  FROM webs)",
            gap = SESSION_GAP_MS,
        ));
        seq.push("SELECT visitor_id, s, p, product_id, age, g FROM webp");
    }
    if seq.is_empty() {
        return None;
    }
    parts.push(format!("seq AS ({})", seq.join(" UNION ALL ")));
    Some(parts.join(",\n"))
}

/// Sums of the step weights per pair of `IDS`' integers lo < hi, keyed
/// `ab = lo * SHIFT + hi` (one integer column groups faster than two): each view a with
/// the view b d = 1..window steps later in its session adds the forward weight to (a, b)
/// and the backward weight to (b, a); `lo_hi` sums what (lo, hi) gets, `hi_lo` what
/// (hi, lo) gets. One row per unordered pair gives both ordered pairs, so `count` only
/// maps them (as the hand-written builder, it keeps both even when one weighs 0).
///
/// Each view is keyed `k = p * SHIFT + item`; the d-th next view is a `LEAD(k, d)` in
/// session order within the view's bucket, kept when it is in the same session:
/// positions run 0, 1, 2… in every session (`sessions_sql`), so the row d ahead is in
/// the same session exactly when its position is p + d. A window partitioned by session
/// cost about 2 s per function on Diginetica (its 186k partitions); buckets cost little
/// and run in parallel. Each view then fans out over its nexts by unnesting one array of
/// keys, whose position gives back d (and so the weights) and whose low bits give b.
///
/// `whole`, a `CUME_DIST` over the same window (always > 0, so its filter keeps every
/// row), is there for how DataFusion runs the window: with `LEAD`s alone every function
/// can run on a stream, and BoundedWindowAggExec evaluates each `LEAD` row by row (a
/// scalar value per row and offset, 7.2M of them); `CUME_DIST` needs its partition whole,
/// so the window runs as WindowAggExec, which shifts each `LEAD`'s column in one go per
/// bucket. The sort before it is the same either way.
fn pairs_sql(sessions: &str, ids: &str, params: &Params) -> String {
    // Sessions need only be contiguous: `s` first compares integers, not visitor ids;
    // a session log's `s` alone names the session, and its visitor id is left empty.
    let order = "OVER (PARTITION BY g ORDER BY s, visitor_id, p)";
    let (mut nexts, mut forward, mut backward) = (Vec::new(), String::new(), String::new());
    for (k, (f, b)) in params.step_weights().iter().enumerate() {
        let d = k + 1;
        nexts.push(format!(
            "CASE WHEN LEAD(k, {d}) {order} / {SHIFT} = p + {d} THEN LEAD(k, {d}) {order} END"
        ));
        let _ = write!(forward, " WHEN {d} THEN {f:?}");
        let _ = write!(backward, " WHEN {d} THEN {b:?}");
    }
    format!(
        "{sessions}, {ids},
keyed AS (SELECT g, visitor_id, s, p, item, p * {SHIFT} + item AS k FROM seq JOIN ids USING (product_id)),
windowed AS (SELECT p, item AS a, make_array({nexts}) AS xs, CUME_DIST() {order} AS whole FROM keyed),
fanned AS (SELECT p, a, unnest(xs) AS x FROM windowed WHERE whole > 0),
near AS (SELECT a, x % {SHIFT} AS b, x / {SHIFT} - p AS d FROM fanned WHERE x IS NOT NULL AND x % {SHIFT} <> a),
weighed AS (SELECT a < b AS up, least(a, b) * {SHIFT} + greatest(a, b) AS ab, CASE d{forward} END AS f, CASE d{backward} END AS bw FROM near)
SELECT ab, SUM(CASE WHEN up THEN f ELSE bw END) AS lo_hi, SUM(CASE WHEN up THEN bw ELSE f END) AS hi_lo
FROM weighed GROUP BY ab",
        nexts = nexts.join(", ")
    )
}

/// Two integers in one key: a position above and an item below (`pairs_sql`; `IDS`
/// counts far fewer than 2^32), or a session above and a line below (the items' firsts).
const SHIFT: i64 = 1 << 32;

/// Views, trend and pairs of the sessions `sessions_sql` selects; the web sessions counted.
struct Counted {
    views: Vec<u32>,
    trend: Vec<f64>,
    pairs: Vec<(u32, u32, f64)>,
    web_sessions: u64,
}

async fn count(
    ctx: &Engine,
    sessions: Option<String>,
    items: &Items,
    ids: &[u32],
    p: &Params,
    report: &mut Report,
    lap: &mut Instant,
) -> io::Result<Counted> {
    let n = items.len();
    let index = |id: &str| {
        items
            .get(id)
            .ok_or_else(|| failed(format!("item {id} is counted but was never seen")))
    };
    let mut c = Counted {
        views: vec![0; n],
        trend: vec![0.0; n],
        pairs: Vec::new(),
        web_sessions: 0,
    };
    let Some(sessions) = sessions else {
        return Ok(c);
    };
    let sessions = sessions.as_str();
    let counts_sql = format!(
        "WITH {sessions} SELECT product_id, COUNT(*) AS views, SUM(power(0.5, age / {h:?})) AS trend, SUM(CASE WHEN p = 0 AND s >= 0 THEN 1 ELSE 0 END) AS starts FROM seq GROUP BY product_id",
        h = p.trend_half_life
    );
    for b in query(ctx, &counts_sql).await? {
        let (ids, v, t, st) = (
            strings(&b, 0)?,
            integers(&b, 1)?,
            numbers(&b, 2)?,
            integers(&b, 3)?,
        );
        for k in 0..b.num_rows() {
            let ix = index(ids.value(k))? as usize;
            c.views[ix] = v.value(k) as u32;
            c.trend[ix] = t.value(k);
            c.web_sessions += st.value(k) as u64;
        }
    }
    report.lap("views and trend", lap);
    if p.window > 0 {
        // Weights are f32 step weights summed as f64: exact, so the same in any order.
        let item = |id: i64| match ids.get(id as usize) {
            Some(&ix) if ix != u32::MAX => Ok(ix),
            _ => Err(failed(format!("item #{id} is counted but was never seen"))),
        };
        let sql = format!("WITH {}", pairs_sql(sessions, &ctx.ids, p));
        for b in query(ctx, &sql).await? {
            let (ab, lo_hi, hi_lo) = (integers(&b, 0)?, numbers(&b, 1)?, numbers(&b, 2)?);
            c.pairs.reserve(2 * b.num_rows());
            for k in 0..b.num_rows() {
                let ab = ab.value(k);
                let (x, y) = (item(ab / SHIFT)?, item(ab % SHIFT)?);
                c.pairs.push((x, y, lo_hi.value(k)));
                c.pairs.push((y, x, hi_lo.value(k)));
            }
        }
        report.lap("pairs", lap);
    }
    Ok(c)
}

async fn build_async(opts: &Options) -> io::Result<Report> {
    let start = Instant::now();
    let mut report = Report::default();
    let base = opts.base.as_deref().map(builder::read_base).transpose()?;
    let location = Location::parse(&opts.log)?;
    let mut ctx = Engine {
        ctx: context(opts.cluster.as_deref(), opts.partitions).await?,
        timeout: opts
            .job_timeout
            .or(opts.cluster.is_some().then_some(JOB_TIMEOUT)),
        uniq: String::new(),
        ids: String::new(),
        cluster: opts.cluster.is_some(),
    };
    register(&ctx.ctx, &location).await?;
    let mut lap = Instant::now();
    let shape = shape(&ctx).await?;
    report.lap("shape", &mut lap);
    ctx.uniq = share(&ctx, "uniq", UNIQ).await?;
    report.lap("dedup", &mut lap);
    report.rows = shape.rows;
    report.holdout_sessions = (shape.log_sessions as f64 * opts.holdout).round() as u64;
    report.model_sessions = shape.log_sessions - report.holdout_sessions;
    let model = report.model_sessions;
    // As the hand-written builder: the model's last sessions fit the ranking weights first.
    report.fit_sessions = (model as f64 * opts.fit).round() as u64;
    if report.fit_sessions < builder::MIN_FIT_SESSIONS {
        report.fit_sessions = 0;
    }
    let fit_from = model - report.fit_sessions;
    let p = &opts.params;

    // Items in order of first appearance: the imported log's model sessions, then the SDK's
    // and the orders' events by visitor and time, interned here in that order. In the
    // log a product's first view is its least (session, line) (a session has one visitor,
    // id and time), so a group-by finds it and only one row per product is sorted; the
    // SDK's events are sorted whole. A window per product sorted the same rows and then
    // its firsts again.
    let items_sql = format!(
        "WITH {uniq}
SELECT product_id, src, first / {SHIFT} AS session FROM (
  SELECT product_id, 0 AS src, MIN(session * {SHIFT} + line) AS first,
    NULL AS visitor_id, NULL AS at, NULL AS id, NULL AS line
  FROM uniq WHERE type = 'view' AND session < {model} GROUP BY product_id
  UNION ALL
  SELECT product_id, 1, NULL, visitor_id, at, id, line FROM uniq WHERE session IS NULL)
ORDER BY src, first, visitor_id, at, id, line",
        uniq = ctx.uniq
    );
    let baskets_sql = format!(
        "WITH {},
lines AS (SELECT DISTINCT visitor_id, order_id, product_id FROM uniq WHERE type = 'purchase' AND session IS NULL)
SELECT x.product_id AS a, y.product_id AS b, COUNT(*) AS n
FROM lines x JOIN lines y ON x.visitor_id = y.visitor_id AND x.order_id = y.order_id AND x.product_id <> y.product_id
GROUP BY x.product_id, y.product_id",
        ctx.uniq
    );
    let orders_sql = format!("WITH {} SELECT COUNT(*) FROM (SELECT DISTINCT visitor_id, order_id FROM uniq WHERE type = 'purchase' AND session IS NULL)", ctx.uniq);

    // The plans run one after another (each uses every partition); in a cluster the
    // scheduler spreads each over the executors.
    let mut items = Items::default();
    // Items of the log (they come first), and of the log before the fit's sessions.
    let (mut from_log, mut before_fit) = (0usize, 0usize);
    for b in query(&ctx, &items_sql).await? {
        let (ids, src, session) = (strings(&b, 0)?, integers(&b, 1)?, integers(&b, 2)?);
        for k in 0..b.num_rows() {
            let known = items.len();
            if (items.intern(ids.value(k)) as usize) < known {
                continue;
            }
            if src.value(k) == 0 {
                from_log += 1;
                before_fit += usize::from((session.value(k) as u64) < fit_from);
            }
        }
    }
    report.lap("items", &mut lap);
    let ids = if p.window > 0 {
        ctx.ids = share(&ctx, "ids", IDS).await?;
        item_ids(&ctx, &items).await?
    } else {
        Vec::new()
    };
    report.lap("ids", &mut lap);
    let ctx = ctx;
    let n = items.len();
    let index = |id: &str| {
        items
            .get(id)
            .ok_or_else(|| failed(format!("item {id} is bought but was never seen")))
    };
    let mut baskets = Vec::new();
    // A log with no purchase (a session log) has no baskets and no orders to count.
    let bought = if shape.purchased > 0 {
        query(&ctx, &baskets_sql).await?
    } else {
        Vec::new()
    };
    for b in bought {
        let (a, bb, c) = (strings(&b, 0)?, strings(&b, 1)?, integers(&b, 2)?);
        for k in 0..b.num_rows() {
            baskets.push((index(a.value(k))?, index(bb.value(k))?, c.value(k) as f64));
        }
    }
    report.lap("baskets", &mut lap);
    report.orders = if shape.purchased > 0 {
        query(&ctx, &orders_sql).await?
    } else {
        Vec::new()
    }
    .first()
    .map(|b| integers(b, 0).map(|c| c.value(0) as u64))
    .transpose()?
    .unwrap_or(0);
    report.lap("orders", &mut lap);
    if let Some(path) = &opts.validation_out {
        report.validation_prefixes = validation(&ctx, model, &items, from_log, path).await?;
        report.lap("validation", &mut lap);
    }
    let mut counted = count(
        &ctx,
        sessions_sql(&ctx.uniq, 0, fit_from, model, true, shape.span),
        &items,
        &ids,
        p,
        &mut report,
        &mut lap,
    )
    .await?;
    report.event_sessions = counted.web_sessions;
    let blend = if report.fit_sessions > 0 {
        let held = builder::Held {
            sessions: held_sessions(&ctx, fit_from, model, &items).await?,
            known_items: before_fit,
        };
        let first = model::train(
            p,
            Counts {
                views: counted.views.clone(),
                trend: counted.trend.clone(),
                pairs: counted.pairs.iter().copied(),
                baskets: baskets.iter().copied(),
            },
            n,
        );
        let fitted = builder::fit_blend(first, &items, base.as_ref(), &held, opts.fit_cases)?;
        let blend = fitted.blend;
        report.fit = Some(fitted);
        report.lap("fit", &mut lap);
        let later = count(
            &ctx,
            sessions_sql(&ctx.uniq, fit_from, model, model, false, shape.span),
            &items,
            &ids,
            p,
            &mut report,
            &mut lap,
        )
        .await?;
        counted = merge(counted, later);
        Some(blend)
    } else {
        None
    };
    report.items = n;
    let trained = model::train(
        p,
        Counts {
            views: counted.views,
            trend: counted.trend,
            pairs: counted.pairs,
            baskets,
        },
        n,
    );
    report.lap("train", &mut lap);
    // The hand-written builder's writing, with the second core put to work: the JSON
    // catalog's gzip size is counted on a thread of its own as the JSON is written, and
    // then while the binary catalog is read from it and its own gzip size counted.
    (report.catalog, report.binary) = std::thread::scope(|scope| -> io::Result<_> {
        let gzip = write::Beside::new(scope);
        let (raw, gzip) = match &base {
            Some(base) => {
                let (raw, gzip, learned) = builder::replace(&opts.out, |out| {
                    write::merged_with(out, gzip, base, &items, &trained, blend.as_ref())
                })?;
                report.base = Some((base["products"].as_array().map_or(0, Vec::len), learned));
                (raw, gzip)
            }
            None => builder::replace(&opts.out, |out| {
                write::catalog_with(out, gzip, &items, &trained, blend.as_ref())
            })?,
        };
        drop((trained, items, base));
        let binary = write::binary(&opts.out)?;
        let gzip = gzip.count()?;
        Ok((write::Bytes { raw, gzip }, binary))
    })?;
    report.lap("write", &mut lap);
    if let Some(path) = &opts.profiles_out {
        report.profiles = profiles(&ctx, &opts.out, path).await?;
        report.lap("profiles", &mut lap);
    }
    report.seconds = start.elapsed().as_secs_f64();
    report.peak_bytes = builder::peak_memory();
    Ok(report)
}

/// The counts of two sets of sessions added up.
fn merge(mut a: Counted, b: Counted) -> Counted {
    for (x, y) in a.views.iter_mut().zip(&b.views) {
        *x += y;
    }
    for (x, y) in a.trend.iter_mut().zip(&b.trend) {
        *x += y;
    }
    let key = |x: u32, y: u32| (x as u64) << 32 | y as u64;
    let mut later: std::collections::HashMap<u64, f64> =
        b.pairs.iter().map(|&(x, y, w)| (key(x, y), w)).collect();
    for (x, y, w) in a.pairs.iter_mut() {
        if let Some(more) = later.remove(&key(*x, *y)) {
            *w += more;
        }
    }
    a.pairs.extend(
        later
            .into_iter()
            .map(|(k, w)| ((k >> 32) as u32, k as u32, w)),
    );
    a.web_sessions += b.web_sessions;
    a
}

/// The imported log's sessions in [lo, hi) as interned items in view order.
async fn held_sessions(ctx: &Engine, lo: u64, hi: u64, items: &Items) -> io::Result<Vec<Vec<u32>>> {
    let sql = format!("WITH {} SELECT session, product_id FROM uniq WHERE type = 'view' AND session >= {lo} AND session < {hi} ORDER BY session, line", ctx.uniq);
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut current = None;
    for b in query(ctx, &sql).await? {
        let (s, ids) = (integers(&b, 0)?, strings(&b, 1)?);
        for k in 0..b.num_rows() {
            if current != Some(s.value(k)) {
                out.push(Vec::new());
                current = Some(s.value(k));
            }
            let ix = items
                .get(ids.value(k))
                .ok_or_else(|| failed("a held session's item was never seen"))?;
            out.last_mut().expect("pushed").push(ix);
        }
    }
    Ok(out)
}

/// The held-out sessions' prefixes, with the items the model never saw left out.
async fn validation(
    ctx: &Engine,
    model_sessions: u64,
    items: &Items,
    known: usize,
    path: &std::path::Path,
) -> io::Result<u64> {
    let sql = format!("WITH {} SELECT session, product_id FROM uniq WHERE type = 'view' AND session >= {model_sessions} ORDER BY session, line", ctx.uniq);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let (mut stream, deadline) = ctx.stream(&sql).await?;
    let (mut current, mut session, mut written) = (None, Vec::<String>::new(), 0);
    let mut emit =
        |session: &mut Vec<String>, out: &mut BufWriter<std::fs::File>| -> io::Result<()> {
            let ids: Vec<&str> = session.iter().map(String::as_str).collect();
            written += write::prefixes(out, &ids)?;
            session.clear();
            Ok(())
        };
    while let Some(b) = ctx.next(&mut stream, deadline).await? {
        let (s, ids) = (integers(&b, 0)?, strings(&b, 1)?);
        for k in 0..b.num_rows() {
            if current != Some(s.value(k)) {
                emit(&mut session, &mut out)?;
                current = Some(s.value(k));
            }
            let id = ids.value(k);
            if items.get(id).is_some_and(|ix| (ix as usize) < known) {
                session.push(id.to_string());
            }
        }
    }
    emit(&mut session, &mut out)?;
    out.flush()?;
    Ok(written)
}

/// Every visitor's profile from their latest events, against the catalog just written.
async fn profiles(
    ctx: &Engine,
    catalog: &std::path::Path,
    out: &std::path::Path,
) -> io::Result<u64> {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(catalog)?).map_err(|e| invalid(e.to_string()))?;
    let catalog = vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc))
        .map_err(|e| invalid(e.to_string()))?;
    let sql = format!(
        "WITH firsts AS (
  SELECT visitor_id, id, at, source, body FROM (
    SELECT visitor_id, id, at, source, body, LAG(id) OVER (PARTITION BY visitor_id ORDER BY at, id) AS prev_id
    FROM events WHERE line = 0 AND session IS NULL)
  WHERE prev_id IS NULL OR prev_id <> id),
latest AS (
  SELECT visitor_id, id, at, source, body, ROW_NUMBER() OVER (PARTITION BY visitor_id ORDER BY at DESC, id DESC) AS rn FROM firsts)
SELECT visitor_id, source, body FROM latest WHERE rn <= {max} ORDER BY visitor_id, at, id",
        max = crate::http::MAX_PROFILE_EVENTS
    );
    let (mut stream, deadline) = ctx.stream(&sql).await?;
    builder::replace(out, |mut w| {
        let (mut owner, mut events, mut n) = (String::new(), Vec::new(), 0u64);
        let mut emit = |owner: &str,
                        events: &mut Vec<(Event, Source)>,
                        w: &mut BufWriter<std::fs::File>|
         -> io::Result<()> {
            if let Some(p) = profile::build(owner, events, &catalog) {
                writeln!(w, "{p}")?;
                n += 1;
            }
            events.clear();
            Ok(())
        };
        let handle = tokio::runtime::Handle::current();
        loop {
            let next =
                tokio::task::block_in_place(|| handle.block_on(ctx.next(&mut stream, deadline)))?;
            let Some(b) = next else { break };
            let (visitors, sources, bodies) = (strings(&b, 0)?, strings(&b, 1)?, strings(&b, 2)?);
            for k in 0..b.num_rows() {
                let visitor = visitors.value(k);
                if visitor != owner {
                    emit(&owner, &mut events, &mut w)?;
                    owner = visitor.to_string();
                }
                let event = serde_json::from_str(bodies.value(k))
                    .ok()
                    .and_then(|v| Event::from_json(&v, 0.0).ok());
                let event = event.ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("a logged event of {visitor} does not read back"),
                    )
                })?;
                events.push((
                    event,
                    if sources.value(k) == "orders" {
                        Source::Orders
                    } else {
                        Source::Web
                    },
                ));
            }
        }
        emit(&owner, &mut events, &mut w)?;
        w.flush()?;
        Ok(n)
    })
}
