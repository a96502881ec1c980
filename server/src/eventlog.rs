//! The event log any engine can read: accepted events as Parquet files partitioned by day
//! (`day=YYYY-MM-DD/part-….parquet`, hive style) in a local directory or an object store
//! (`s3://bucket/prefix`, credentials from the usual `AWS_*` variables). The server appends
//! to it beside SQLite (`serve --log`), `vitrin-server log export` writes a database into
//! it and `log import-sessions` a session log; the builder's DataFusion plans read it
//! (`crate::plans`), and so can Spark, DuckDB, BigQuery or pandas.
//!
//! One row per event, and per line of a purchase (columns in server/README.md):
//! `visitor_id`, `id`, `type`, `at` (ms since the epoch, float), `line` (the line of a
//! purchase; for a session log, the position in its session; else 0), `product_id`,
//! `quantity`, `price`, `order_id`, `session` (the session's place in an imported session
//! log, whose order dates it; null for the SDK's events, whose sessions come from time
//! gaps), `source` (web, orders, log), `received_at`, `body` (the event's JSON as
//! validated, on line 0 only). `day` is the UTC day of `at`.
//!
//! Files are only ever added, never rewritten; a writer that retries may add a row twice,
//! so readers treat (`visitor_id`, `id`, `line`) as the key (the plans keep one of each;
//! `import_sessions` writes a session log once, and the plans read its rows as they are).

use crate::db::{Db, NewEvent, Source};
use datafusion::arrow::array::{
    ArrayRef, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;
use vitrin::events::{Event, EventKind};

/// Rows gathered before a file is written (per day; the export and the import).
const FILE_ROWS: usize = 1 << 20;
/// The server's appender writes what it holds at least this often, and at shutdown.
pub const FLUSH_EVERY: Duration = Duration::from_secs(60);
/// … or as soon as it holds this many rows.
const FLUSH_ROWS: usize = 100_000;

pub fn schema() -> SchemaRef {
    use DataType::{Float64, Int32, Int64, Utf8};
    Arc::new(Schema::new(vec![
        Field::new("visitor_id", Utf8, false),
        Field::new("id", Utf8, false),
        Field::new("type", Utf8, false),
        Field::new("at", Float64, false),
        Field::new("line", Int32, false),
        Field::new("product_id", Utf8, true),
        Field::new("quantity", Int64, true),
        Field::new("price", Float64, true),
        Field::new("order_id", Utf8, true),
        Field::new("session", Int64, true),
        Field::new("source", Utf8, false),
        Field::new("received_at", Float64, true),
        Field::new("body", Utf8, true),
    ]))
}

/// Where the log lives: a store and the prefix inside it, and the URL an engine reads.
#[derive(Clone)]
pub struct Location {
    pub store: Arc<dyn ObjectStore>,
    pub prefix: StorePath,
    /// `file:///…/` or `s3://bucket/prefix/`, ending in a slash (a directory to engines).
    pub url: Url,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}", self.url)
    }
}

impl Location {
    /// A local directory (created when missing) or an `s3://` / `file://` URL.
    pub fn parse(text: &str) -> io::Result<Location> {
        let bad = |e: &dyn std::fmt::Display| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("log {text}: {e}"))
        };
        match Url::parse(text) {
            Ok(url) if url.scheme() == "s3" => {
                let url =
                    Url::parse(&format!("{}/", text.trim_end_matches('/'))).map_err(|e| bad(&e))?;
                let store = object_store::aws::AmazonS3Builder::from_env()
                    .with_url(url.as_str())
                    .build()
                    .map_err(|e| bad(&e))?;
                let prefix = StorePath::from_url_path(url.path()).map_err(|e| bad(&e))?;
                Ok(Location {
                    store: Arc::new(store),
                    prefix,
                    url,
                })
            }
            Ok(url) if url.scheme() == "file" => {
                Location::directory(&url.to_file_path().map_err(|_| bad(&"not a local path"))?)
            }
            Ok(url) if url.scheme().len() > 1 => Err(bad(&format!(
                "{}:// is not supported (a directory, file:// or s3://)",
                url.scheme()
            ))),
            // A path (a one-letter "scheme" is a Windows drive).
            _ => Location::directory(std::path::Path::new(text)),
        }
    }

    fn directory(path: &std::path::Path) -> io::Result<Location> {
        std::fs::create_dir_all(path)?;
        let path = path.canonicalize()?;
        let url = Url::from_directory_path(&path).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not an absolute path", path.display()),
            )
        })?;
        let store = object_store::local::LocalFileSystem::new();
        let prefix =
            StorePath::from_filesystem_path(&path).map_err(|e| io::Error::other(e.to_string()))?;
        Ok(Location {
            store: Arc::new(store),
            prefix,
            url,
        })
    }
}

/// Columns being filled for one day's file.
struct Columns {
    visitor: StringBuilder,
    id: StringBuilder,
    kind: StringBuilder,
    at: Float64Builder,
    line: Int32Builder,
    product: StringBuilder,
    quantity: Int64Builder,
    price: Float64Builder,
    order: StringBuilder,
    session: Int64Builder,
    source: StringBuilder,
    received: Float64Builder,
    body: StringBuilder,
    rows: usize,
}

impl Columns {
    fn new() -> Columns {
        Columns {
            visitor: StringBuilder::new(),
            id: StringBuilder::new(),
            kind: StringBuilder::new(),
            at: Float64Builder::new(),
            line: Int32Builder::new(),
            product: StringBuilder::new(),
            quantity: Int64Builder::new(),
            price: Float64Builder::new(),
            order: StringBuilder::new(),
            session: Int64Builder::new(),
            source: StringBuilder::new(),
            received: Float64Builder::new(),
            body: StringBuilder::new(),
            rows: 0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        visitor: &str,
        id: &str,
        event: &Event,
        line: i32,
        product: Option<&str>,
        quantity: Option<u32>,
        price: Option<f64>,
        order: Option<&str>,
        session: Option<i64>,
        source: &str,
        received: Option<f64>,
        body: Option<&str>,
    ) {
        self.visitor.append_value(visitor);
        self.id.append_value(id);
        self.kind.append_value(event.kind.name());
        self.at.append_value(event.at);
        self.line.append_value(line);
        self.product.append_option(product);
        self.quantity.append_option(quantity.map(i64::from));
        self.price.append_option(price);
        self.order.append_option(order);
        self.session.append_option(session);
        self.source.append_value(source);
        self.received.append_option(received);
        self.body.append_option(body);
        self.rows += 1;
    }

    fn finish(&mut self) -> io::Result<RecordBatch> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.visitor.finish()),
            Arc::new(self.id.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.at.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.product.finish()),
            Arc::new(self.quantity.finish()),
            Arc::new(self.price.finish()),
            Arc::new(self.order.finish()),
            Arc::new(self.session.finish()),
            Arc::new(self.source.finish()),
            Arc::new(self.received.finish()),
            Arc::new(self.body.finish()),
        ];
        self.rows = 0;
        RecordBatch::try_new(schema(), columns).map_err(|e| io::Error::other(e.to_string()))
    }
}

/// UTC day of a time in ms, `YYYY-MM-DD`.
pub fn day(ms: f64) -> String {
    let days = (ms / 86_400_000.0).floor() as i64;
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's civil_from_days.
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Rows bound for the log, a file per day when written.
pub struct Writer {
    location: Location,
    days: BTreeMap<String, Columns>,
    rows: usize,
    /// Files written, for unique names within one process.
    files: AtomicU64,
    runtime: tokio::runtime::Runtime,
    pub written_rows: u64,
}

impl Writer {
    pub fn new(location: Location) -> io::Result<Writer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Writer {
            location,
            days: BTreeMap::new(),
            rows: 0,
            files: AtomicU64::new(0),
            runtime,
            written_rows: 0,
        })
    }

    /// Rows held, not yet written.
    pub fn pending(&self) -> usize {
        self.rows
    }

    /// One stored event: a row, or a row per line of a purchase.
    pub fn event(
        &mut self,
        visitor: &str,
        e: &NewEvent,
        source: Source,
        received: Option<f64>,
    ) -> io::Result<()> {
        let body = vitrin::jsontext::to_text(&e.event);
        let cols = self
            .days
            .entry(day(e.event.at))
            .or_insert_with(Columns::new);
        let source = source.name();
        match &e.event.kind {
            EventKind::View { product_id } => cols.push(
                visitor,
                &e.id,
                &e.event,
                0,
                Some(product_id),
                None,
                None,
                None,
                None,
                source,
                received,
                Some(&body),
            ),
            EventKind::AddToCart {
                product_id,
                quantity,
            } => cols.push(
                visitor,
                &e.id,
                &e.event,
                0,
                Some(product_id),
                Some(*quantity),
                None,
                None,
                None,
                source,
                received,
                Some(&body),
            ),
            EventKind::RemoveFromCart {
                product_id,
                quantity,
            } => cols.push(
                visitor,
                &e.id,
                &e.event,
                0,
                Some(product_id),
                *quantity,
                None,
                None,
                None,
                source,
                received,
                Some(&body),
            ),
            EventKind::Purchase { order_id, items } => {
                for (k, it) in items.iter().enumerate() {
                    let body = (k == 0).then_some(body.as_str());
                    cols.push(
                        visitor,
                        &e.id,
                        &e.event,
                        k as i32,
                        Some(&it.product_id),
                        Some(it.quantity),
                        it.price,
                        Some(order_id),
                        None,
                        source,
                        received,
                        body,
                    );
                }
                self.rows += items.len().saturating_sub(1);
            }
            _ => cols.push(
                visitor,
                &e.id,
                &e.event,
                0,
                None,
                None,
                None,
                None,
                None,
                source,
                received,
                Some(&body),
            ),
        }
        self.rows += 1;
        if cols.rows >= FILE_ROWS {
            let day = day(e.event.at);
            self.write_day(&day)?;
        }
        Ok(())
    }

    /// One view of an imported session log: session `session` (its place in the log),
    /// item at `position` within it. No time: the log's order dates its sessions.
    pub fn session_view(
        &mut self,
        session_id: &str,
        session: i64,
        position: i32,
        item: &str,
    ) -> io::Result<()> {
        let event = Event {
            kind: EventKind::View {
                product_id: item.to_string(),
            },
            at: 0.0,
        };
        let cols = self.days.entry(day(0.0)).or_insert_with(Columns::new);
        cols.push(
            session_id,
            &session.to_string(),
            &event,
            position,
            Some(item),
            None,
            None,
            None,
            Some(session),
            "log",
            None,
            None,
        );
        self.rows += 1;
        if cols.rows >= FILE_ROWS {
            self.write_day(&day(0.0))?;
        }
        Ok(())
    }

    fn write_day(&mut self, day: &str) -> io::Result<()> {
        let Some(cols) = self.days.get_mut(day) else {
            return Ok(());
        };
        if cols.rows == 0 {
            return Ok(());
        }
        let n = cols.rows;
        let batch = cols.finish()?;
        self.days.remove(day);
        self.rows -= n;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let mut bytes = Vec::new();
        let mut w = ArrowWriter::try_new(&mut bytes, schema(), Some(props))
            .map_err(|e| io::Error::other(e.to_string()))?;
        w.write(&batch)
            .map_err(|e| io::Error::other(e.to_string()))?;
        w.close().map_err(|e| io::Error::other(e.to_string()))?;
        // Unique across processes and restarts: time, process, and a counter.
        let name = format!(
            "part-{}-{}-{}.parquet",
            crate::http::now_ms() as u64,
            std::process::id(),
            self.files.fetch_add(1, Ordering::Relaxed)
        );
        let path = self
            .location
            .prefix
            .clone()
            .join(format!("day={day}"))
            .join(name);
        let store = self.location.store.clone();
        self.runtime
            .block_on(store.put(&path, PutPayload::from(bytes)))
            .map_err(|e| io::Error::other(format!("writing {path}: {e}")))?;
        self.written_rows += n as u64;
        Ok(())
    }

    /// Writes everything held.
    pub fn flush(&mut self) -> io::Result<()> {
        let days: Vec<String> = self.days.keys().cloned().collect();
        for d in days {
            self.write_day(&d)?;
        }
        Ok(())
    }
}

/// Every stored event of the database into the log; returns the rows written.
pub fn export(db: &Db, location: Location) -> io::Result<u64> {
    let mut w = Writer::new(location)?;
    let mut failed = None;
    db.each_stored(None, |visitor, id, source, body| {
        if failed.is_some() {
            return;
        }
        let event = serde_json::from_str(body)
            .ok()
            .and_then(|v| Event::from_json(&v, 0.0).ok());
        let Some(event) = event else {
            failed = Some(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("stored event {visitor}/{id} does not read back"),
            ));
            return;
        };
        let source = if source == "orders" {
            Source::Orders
        } else {
            Source::Web
        };
        if let Err(e) = w.event(
            visitor,
            &NewEvent {
                id: id.to_string(),
                event,
            },
            source,
            None,
        ) {
            failed = Some(e);
        }
    })
    .map_err(|e| io::Error::other(format!("database: {e}")))?;
    if let Some(e) = failed {
        return Err(e);
    }
    w.flush()?;
    Ok(w.written_rows)
}

/// A session log (`session_id,item_id,position`) into the log; returns (sessions, rows).
pub fn import_sessions(path: &std::path::Path, location: Location) -> io::Result<(u64, u64)> {
    let mut reader = crate::builder::sessions::open(path)?;
    let mut w = Writer::new(location)?;
    let mut session = crate::builder::sessions::Session::default();
    let mut n = 0i64;
    while reader.next_into(&mut session)? {
        for (k, item) in session.items.iter().enumerate() {
            w.session_view(&session.id, n, k as i32, item)?;
        }
        n += 1;
    }
    w.flush()?;
    Ok((n as u64, w.written_rows))
}

/// The server's appender: accepted batches go to a thread that writes a file per day every
/// `FLUSH_EVERY` or `FLUSH_ROWS` rows, and what it holds when the server stops. SQLite
/// stays the record: a crash loses at most the last minute of the log, which
/// `log export` rebuilds.
pub struct Appender {
    tx: Mutex<Option<mpsc::Sender<(String, Vec<NewEvent>, Source, f64)>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Appender {
    pub fn start(location: Location) -> io::Result<Appender> {
        let mut w = Writer::new(location)?;
        let (tx, rx) = mpsc::channel::<(String, Vec<NewEvent>, Source, f64)>();
        let thread = std::thread::spawn(move || {
            let mut since = Instant::now();
            let report = |r: io::Result<()>| {
                if let Err(e) = r {
                    eprintln!("vitrin-server: event log: {e}");
                }
            };
            loop {
                match rx.recv_timeout(FLUSH_EVERY.saturating_sub(since.elapsed())) {
                    Ok((visitor, events, source, received)) => {
                        if w.pending() == 0 {
                            since = Instant::now();
                        }
                        for e in &events {
                            report(w.event(&visitor, e, source, Some(received)));
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        report(w.flush());
                        return;
                    }
                }
                if w.pending() >= FLUSH_ROWS || (w.pending() > 0 && since.elapsed() >= FLUSH_EVERY)
                {
                    report(w.flush());
                    since = Instant::now();
                }
            }
        });
        Ok(Appender {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Queues a visitor's accepted events.
    pub fn append(&self, visitor: &str, events: Vec<NewEvent>, source: Source, received: f64) {
        if let Some(tx) = self.tx.lock().unwrap().as_ref() {
            let _ = tx.send((visitor.to_string(), events, source, received));
        }
    }

    /// Writes what is held and stops the thread.
    pub fn close(&self) {
        drop(self.tx.lock().unwrap().take());
        if let Some(t) = self.thread.lock().unwrap().take() {
            let _ = t.join();
        }
    }
}

impl Drop for Appender {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_are_utc_calendar_days() {
        let day = 86_400_000.0;
        assert_eq!(super::day(0.0), "1970-01-01");
        assert_eq!(super::day(-1.0), "1969-12-31");
        assert_eq!(super::day(1e12), "2001-09-09");
        // 2000-02-29 (a leap day of a century year) is day 11016.
        assert_eq!(super::day(11_016.0 * day), "2000-02-29");
        assert_eq!(super::day(11_017.0 * day - 1.0), "2000-02-29");
        assert_eq!(super::day(11_017.0 * day), "2000-03-01");
    }
}
