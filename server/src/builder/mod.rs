//! The catalog builder. Sources, any mix of them:
//! - a session log (`sessions`), streamed once to count sessions and once to learn;
//!   optionally its last sessions held out as validation prefixes (`write::prefixes`);
//! - the server's stored events (`--db`): views cut into sessions per visitor (30-minute
//!   gap) and dated by time, purchases as orders;
//! - an orders export (`orders`): imported into the database when there is one (so the
//!   profiles span channels), else learned from directly.
//!
//! `model` learns popularity, related lists and embeddings; `write` writes the Catalog
//! JSON (atomically: the server re-reads it when it changes) and `profile` builds each
//! visitor's profile, served by `GET /v1/profile/{id}` and written in bulk with
//! `--profiles-out` for a CDN or key-value store.

mod csv;
pub mod fit;
pub mod model;
pub mod orders;
pub mod profile;
pub mod sessions;
pub mod write;

use crate::db::{Db, NewEvent, Source};
use model::{Model, Params};
use sessions::{Items, Session};
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use vitrin::events::EventKind;

/// Views further apart than this start a new session (the engine's rule too).
pub const SESSION_GAP_MS: f64 = 30.0 * 60_000.0;
/// Order rows stored per transaction while importing.
const IMPORT_CHUNK: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Options {
    pub sessions: Option<PathBuf>,
    pub db: Option<PathBuf>,
    pub orders: Option<PathBuf>,
    pub out: PathBuf,
    /// The store's catalog (product feed) to lay the learned fields over; without it the
    /// catalog holds placeholders (title, category, price) for every learned item.
    pub base: Option<PathBuf>,
    /// One profile per line for every visitor in the database.
    pub profiles_out: Option<PathBuf>,
    /// Share of the log's last sessions kept out of the model, in [0, 1).
    pub holdout: f64,
    /// Where the held-out sessions' prefixes go.
    pub validation_out: Option<PathBuf>,
    pub params: Params,
    /// Share of the model's last log sessions whose prefixes fit the ranking weights
    /// (`fit`), in [0, 1); 0 ships the engine's defaults.
    pub fit: f64,
    /// At most this many prefixes are replayed per trial of the fit.
    pub fit_cases: usize,
}

/// Defaults of the fit: a tenth of the log, 5,000 prefixes.
pub const FIT_FRACTION: f64 = 0.1;
pub const FIT_CASES: usize = 5_000;
/// Fewer held-out sessions than this say too little to move a weight: the defaults stand.
pub(crate) const MIN_FIT_SESSIONS: u64 = 20;

impl Options {
    /// Options for a session log alone, with the default parameters.
    pub fn sessions(sessions: PathBuf, out: PathBuf) -> Options {
        Options {
            sessions: Some(sessions),
            db: None,
            orders: None,
            out,
            base: None,
            profiles_out: None,
            holdout: 0.0,
            validation_out: None,
            params: Params::default(),
            fit: FIT_FRACTION,
            fit_cases: FIT_CASES,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Rows read from every source: log rows, order rows, stored events.
    pub rows: u64,
    pub model_sessions: u64,
    pub holdout_sessions: u64,
    /// Sessions and orders learned from the database and the orders file.
    pub event_sessions: u64,
    pub orders: u64,
    /// Order rows newly stored in the database, and those it held already.
    pub imported: u64,
    pub already_imported: u64,
    pub items: usize,
    /// With a base catalog: its products, and how many of them were learned about.
    pub base: Option<(usize, usize)>,
    pub validation_prefixes: u64,
    /// Sessions held out of the first model to fit the weights, and what the fit found.
    pub fit_sessions: u64,
    pub fit: Option<fit::Fit>,
    pub profiles: u64,
    pub catalog: write::Bytes,
    /// The binary catalog written beside the JSON one (`write::binary`).
    pub binary: write::Bytes,
    pub seconds: f64,
    /// Wall time of each stage, in order, where the builder tells them apart (the plans:
    /// where a build's time goes, since each plan rereads the log).
    pub stages: Vec<(&'static str, f64)>,
    /// Peak resident memory (VmHWM), when the platform tells it.
    pub peak_bytes: Option<u64>,
}

impl Report {
    /// Records the time since `*since` as stage `name`, and restarts the clock.
    pub fn lap(&mut self, name: &'static str, since: &mut Instant) {
        self.stages.push((name, since.elapsed().as_secs_f64()));
        *since = Instant::now();
    }
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.into())
}

fn db_error(e: rusqlite::Error) -> io::Error {
    io::Error::other(format!("database: {e}"))
}

/// Runs `build(opts)` every `every` in a thread of its own until `stop` is set
/// (`vitrin-server serve --build-every`): the server follows the catalog file it writes. A
/// failed build is reported and the next one tried on time.
pub fn every(
    opts: Options,
    every: std::time::Duration,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || loop {
        std::thread::sleep(every);
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        match build(&opts) {
            Ok(report) => println!("vitrin-server: scheduled build\n{report}"),
            Err(e) => eprintln!("vitrin-server: scheduled build failed: {e}"),
        }
    })
}

pub fn build(opts: &Options) -> io::Result<Report> {
    if !(0.0..1.0).contains(&opts.holdout) {
        return Err(invalid("the holdout fraction must be in [0, 1)"));
    }
    if !(0.0..1.0).contains(&opts.fit) {
        return Err(invalid("the fit fraction must be in [0, 1)"));
    }
    if opts.sessions.is_none() && opts.db.is_none() && opts.orders.is_none() {
        return Err(invalid(
            "nothing to learn from: give a session log, a database or an orders file",
        ));
    }
    if opts.profiles_out.is_some() && opts.db.is_none() {
        return Err(invalid(
            "profiles come from the database: --profiles-out needs --db",
        ));
    }
    let start = Instant::now();
    let mut report = Report::default();
    // Read (and checked by the engine) first: a bad feed fails before an hour of learning.
    let base = opts.base.as_deref().map(read_base).transpose()?;
    let mut items = Items::default();
    let total = match &opts.sessions {
        Some(path) => sessions::count_sessions(&mut sessions::open(path)?)?,
        None => 0,
    };
    report.holdout_sessions = (total as f64 * opts.holdout).round() as u64;
    report.model_sessions = total - report.holdout_sessions;
    let mut model = Model::new(opts.params.clone(), report.model_sessions);
    // The model's last sessions wait outside it until the weights are fitted on them.
    report.fit_sessions = (report.model_sessions as f64 * opts.fit).round() as u64;
    if report.fit_sessions < MIN_FIT_SESSIONS {
        report.fit_sessions = 0;
    }
    let mut held = Held::default();
    if let Some(path) = &opts.sessions {
        held = learn_log(path, opts, &mut items, &mut model, &mut report)?;
    }
    let mut db = opts
        .db
        .as_deref()
        .map(Db::open)
        .transpose()
        .map_err(db_error)?;
    if let Some(path) = &opts.orders {
        match db.as_mut() {
            Some(db) => import_orders(path, db, &mut report)?,
            None => learn_orders(path, &mut items, &mut model, &mut report)?,
        }
    }
    if let Some(db) = &db {
        learn_events(db, &mut items, &mut model, &mut report)?;
    }
    report.items = items.len();
    let blend = if held.sessions.is_empty() {
        None
    } else {
        let fitted = fit_blend(
            model.finish(items.len()),
            &items,
            base.as_ref(),
            &held,
            opts.fit_cases,
        )?;
        for s in &held.sessions {
            model.add(s);
        }
        let blend = fitted.blend;
        report.fit = Some(fitted);
        Some(blend)
    };
    let trained = model.finish(items.len());
    report.catalog = match &base {
        Some(base) => {
            let (bytes, learned) = replace(&opts.out, |out| {
                write::merged(out, base, &items, &trained, blend.as_ref())
            })?;
            report.base = Some((base["products"].as_array().map_or(0, Vec::len), learned));
            bytes
        }
        None => replace(&opts.out, |out| {
            write::catalog(out, &items, &trained, blend.as_ref())
        })?,
    };
    // The model's memory goes back before the profiles' catalog is read.
    drop((trained, items, base));
    report.binary = write::binary(&opts.out)?;
    if let (Some(path), Some(db)) = (&opts.profiles_out, &db) {
        report.profiles = write_profiles(db, &opts.out, path)?;
    }
    report.seconds = start.elapsed().as_secs_f64();
    report.peak_bytes = peak_memory();
    Ok(report)
}

pub(crate) fn read_base(path: &Path) -> io::Result<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)
        .map_err(|e| invalid(format!("{}: not JSON: {e}", path.display())))?;
    vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc))
        .map_err(|e| invalid(format!("{}: {e}", path.display())))?;
    Ok(doc)
}

/// Writes `path` through a temporary file renamed over it, so a reader (the server)
/// never sees half a file.
pub(crate) fn replace<T>(
    path: &Path,
    write: impl FnOnce(BufWriter<File>) -> io::Result<T>,
) -> io::Result<T> {
    let name = path
        .file_name()
        .ok_or_else(|| invalid(format!("{} is not a file path", path.display())))?;
    let tmp = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    let got = write(BufWriter::new(File::create(&tmp)?))?;
    std::fs::rename(&tmp, path)?;
    Ok(got)
}

/// The log's sessions kept out of the model until the fit, and how many items were known
/// before the first of them (later ones are new to the fitted model).
#[derive(Default)]
pub(crate) struct Held {
    pub(crate) sessions: Vec<Vec<u32>>,
    pub(crate) known_items: usize,
}

/// The catalog the model knows without the held sessions, the held sessions' prefixes
/// replayed against it, and the weights that rank them best.
pub(crate) fn fit_blend(
    trained: model::Trained,
    items: &Items,
    base: Option<&serde_json::Value>,
    held: &Held,
    max_cases: usize,
) -> io::Result<fit::Fit> {
    let mut bytes = Vec::new();
    match base {
        Some(base) => write::merged(&mut bytes, base, items, &trained, None)?.0,
        None => write::catalog(&mut bytes, items, &trained, None)?,
    };
    drop(trained);
    let doc: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    drop(bytes);
    let mut catalog = vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc))
        .map_err(|e| invalid(e.to_string()))?;
    drop(doc);
    let sessions = held.sessions.iter().map(|s| {
        s.iter()
            .filter(|&&ix| (ix as usize) < held.known_items)
            .map(|&ix| items.id(ix))
            .collect()
    });
    let cases = fit::cases(&catalog, sessions, max_cases);
    Ok(fit::fit(&mut catalog, &cases))
}

fn learn_log(
    path: &Path,
    opts: &Options,
    items: &mut Items,
    model: &mut Model,
    report: &mut Report,
) -> io::Result<Held> {
    let mut reader = sessions::open(path)?;
    let mut validation = opts
        .validation_out
        .as_ref()
        .map(|p| File::create(p).map(BufWriter::new))
        .transpose()?;
    let mut session = Session::default();
    let mut interned = Vec::new();
    let mut seen = 0u64;
    let mut held = Held::default();
    let fit_from = report.model_sessions - report.fit_sessions;
    while reader.next_into(&mut session)? {
        if seen < report.model_sessions {
            if seen == fit_from {
                held.known_items = items.len();
            }
            interned.clear();
            interned.extend(session.items.iter().map(|id| items.intern(id)));
            if seen < fit_from {
                model.add(&interned);
            } else {
                held.sessions.push(interned.clone());
            }
        } else if let Some(out) = validation.as_mut() {
            // Like the test split: items the model never saw cannot be served, so they go.
            let known: Vec<&str> = session
                .items
                .iter()
                .map(String::as_str)
                .filter(|id| items.get(id).is_some())
                .collect();
            report.validation_prefixes += write::prefixes(out, &known)?;
        }
        seen += 1;
    }
    if let Some(mut out) = validation {
        out.flush()?;
    }
    report.rows += reader.rows();
    Ok(held)
}

/// Stores the orders file's rows as events of their visitors, in chunked transactions.
fn import_orders(path: &Path, db: &mut Db, report: &mut Report) -> io::Result<()> {
    let mut reader = orders::open(path)?;
    let mut chunk: Vec<(String, NewEvent)> = Vec::with_capacity(IMPORT_CHUNK);
    let now = crate::http::now_ms();
    loop {
        let row = reader.next_row()?;
        let done = row.is_none();
        if let Some(r) = row {
            report.rows += 1;
            chunk.push((r.visitor, r.event));
        }
        if chunk.len() >= IMPORT_CHUNK || (done && !chunk.is_empty()) {
            let got = db.import(&chunk, Source::Orders, now).map_err(db_error)?;
            report.imported += got.accepted as u64;
            report.already_imported += got.duplicates as u64;
            chunk.clear();
        }
        if done {
            return Ok(());
        }
    }
}

/// Learns co-purchases straight from the orders file (no database to keep them in).
fn learn_orders(
    path: &Path,
    items: &mut Items,
    model: &mut Model,
    report: &mut Report,
) -> io::Result<()> {
    let mut reader = orders::open(path)?;
    let mut basket = Basket::default();
    while let Some(r) = reader.next_row()? {
        report.rows += 1;
        if let EventKind::Purchase { items: lines, .. } = &r.event.event.kind {
            basket.add(
                &r.visitor,
                &r.order,
                lines.iter().map(|l| items.intern(&l.product_id)),
                model,
                report,
            );
        }
    }
    basket.flush(model, report);
    Ok(())
}

/// The order being gathered: rows of one order arrive next to each other.
#[derive(Default)]
struct Basket {
    key: (String, String),
    items: Vec<u32>,
}

impl Basket {
    fn add(
        &mut self,
        visitor: &str,
        order: &str,
        items: impl Iterator<Item = u32>,
        model: &mut Model,
        report: &mut Report,
    ) {
        if self.key.0 != visitor || self.key.1 != order {
            self.flush(model, report);
            self.key = (visitor.to_string(), order.to_string());
        }
        self.items.extend(items);
    }

    fn flush(&mut self, model: &mut Model, report: &mut Report) {
        if !self.items.is_empty() {
            model.add_basket(&self.items);
            report.orders += 1;
            self.items.clear();
        }
    }
}

/// Stored events, visitor by visitor in time order: views cut into sessions dated by
/// their start (age 0 for the newest event, 1 for the oldest), purchases into orders.
fn learn_events(
    db: &Db,
    items: &mut Items,
    model: &mut Model,
    report: &mut Report,
) -> io::Result<()> {
    let Some((first, last)) = db.time_span().map_err(db_error)? else {
        return Ok(());
    };
    let span = (last - first).max(1.0);
    let mut session: Vec<u32> = Vec::new();
    let (mut owner, mut session_start, mut last_view) = (String::new(), 0.0, f64::NEG_INFINITY);
    let mut basket = Basket::default();
    let mut sessions = 0u64;
    let mut end_session = |session: &mut Vec<u32>, start: f64, model: &mut Model| {
        if !session.is_empty() {
            model.add_dated(session, (last - start) / span);
            sessions += 1;
            session.clear();
        }
    };
    let rows = db
        .each_event(|visitor, event, _| match &event.kind {
            EventKind::View { product_id } => {
                if visitor != owner || event.at - last_view > SESSION_GAP_MS {
                    end_session(&mut session, session_start, model);
                    owner.clear();
                    owner.push_str(visitor);
                    session_start = event.at;
                }
                last_view = event.at;
                session.push(items.intern(product_id));
            }
            EventKind::Purchase {
                order_id,
                items: lines,
            } => {
                basket.add(
                    visitor,
                    order_id,
                    lines.iter().map(|l| items.intern(&l.product_id)),
                    model,
                    report,
                );
            }
            _ => {}
        })
        .map_err(db_error)?;
    end_session(&mut session, session_start, model);
    basket.flush(model, report);
    report.rows += rows;
    report.event_sessions += sessions;
    Ok(())
}

/// Every stored visitor's profile, one JSON document per line, against the catalog just built.
fn write_profiles(db: &Db, catalog: &Path, out: &Path) -> io::Result<u64> {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(catalog)?).map_err(|e| invalid(e.to_string()))?;
    let catalog = vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc))
        .map_err(|e| invalid(e.to_string()))?;
    replace(out, |mut w| {
        let mut events = Vec::new();
        let mut owner = String::new();
        let mut n = 0u64;
        let mut failed = None;
        let mut emit = |owner: &str, events: &mut Vec<_>, w: &mut BufWriter<File>| {
            if let Some(p) = profile::build(owner, events, &catalog) {
                if let Err(e) = writeln!(w, "{p}") {
                    failed.get_or_insert(e);
                }
                n += 1;
            }
            events.clear();
        };
        db.each_event(|visitor, event, source| {
            if visitor != owner {
                emit(&owner, &mut events, &mut w);
                owner = visitor.to_string();
            }
            // Like the server: a visitor's latest MAX_PROFILE_EVENTS events.
            if events.len() == crate::http::MAX_PROFILE_EVENTS {
                events.remove(0);
            }
            events.push((event, source));
        })
        .map_err(db_error)?;
        emit(&owner, &mut events, &mut w);
        w.flush()?;
        failed.map_or(Ok(n), Err)
    })
}

/// VmHWM of this process from /proc (Linux); None elsewhere.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mb = |b: u64| b as f64 / 1e6;
        writeln!(
            f,
            "sessions: {} in the model, {} held out; {} items",
            self.model_sessions, self.holdout_sessions, self.items
        )?;
        if let Some((products, learned)) = self.base {
            writeln!(
                f,
                "base catalog: {products} products, {learned} of them learned about"
            )?;
        }
        if self.holdout_sessions > 0 {
            writeln!(f, "validation prefixes: {}", self.validation_prefixes)?;
        }
        if self.event_sessions + self.orders + self.imported + self.already_imported > 0 {
            writeln!(f, "events: {} sessions and {} orders learned; orders file: {} rows imported, {} already stored", self.event_sessions, self.orders, self.imported, self.already_imported)?;
        }
        if let Some(fit) = &self.fit {
            let (a, b) = (fit.before, fit.after);
            writeln!(f, "fit: {} sessions held out, {} prefixes, {} trials: HR@20 {:.2} → {:.2}, MRR@20 {:.2} → {:.2}", self.fit_sessions, b.cases, fit.trials, a.hr20, b.hr20, a.mrr20, b.mrr20)?;
            writeln!(f, "blend: {}", fit.blend.to_json())?;
        }
        if self.profiles > 0 {
            writeln!(f, "profiles: {}", self.profiles)?;
        }
        writeln!(
            f,
            "catalog: {:.2} MB raw, {:.2} MB gzip; binary: {:.2} MB raw, {:.2} MB gzip",
            mb(self.catalog.raw),
            mb(self.catalog.gzip),
            mb(self.binary.raw),
            mb(self.binary.gzip)
        )?;
        if !self.stages.is_empty() {
            let stages: Vec<String> = self
                .stages
                .iter()
                .map(|(name, s)| format!("{name} {s:.2} s"))
                .collect();
            writeln!(f, "stages: {}", stages.join(", "))?;
        }
        // End to end: every pass over every source, learning and writing.
        write!(
            f,
            "time: {:.2} s for {} rows ({:.0} rows/s)",
            self.seconds,
            self.rows,
            self.rows as f64 / self.seconds.max(1e-9)
        )?;
        match self.peak_bytes {
            Some(b) => write!(f, "; peak memory {:.1} MB", mb(b)),
            None => write!(f, "; peak memory not available on this platform"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::model::Trained;
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Cursor;

    fn read_all(text: &str) -> io::Result<Vec<Vec<String>>> {
        let mut reader = sessions::SessionReader::new(Cursor::new(text.as_bytes()));
        let mut s = Session::default();
        let mut out = Vec::new();
        while reader.next_into(&mut s)? {
            out.push(s.items.clone());
        }
        Ok(out)
    }

    #[test]
    fn reads_sessions_in_position_order() {
        let got =
            read_all("session_id,item_id,position\ns1,x,1\ns1,y,0\ns2,z,0\n\ns1,w,0\n").unwrap();
        assert_eq!(got, [vec!["y", "x"], vec!["z"], vec!["w"]]);
        let err = read_all("s1,x,0\ns1,y\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: expected 3 fields: session_id,item_id,position"
        );
        assert!(read_all("s1,x,first\n").is_err());
    }

    /// a=0 b=1 c=2 d=3. Forward pairs weigh 1 at one step and 0.5 at two, backward half that:
    /// a→b 2, a→c 1, a→d 1; b→a 1, b→c 1; c→a 1.25, c→b 0.5; d→a 0.5.
    fn tiny(damping: f32) -> Trained {
        let params = Params {
            window: 2,
            decay: 0.5,
            backward: 0.5,
            damping,
            list_len: 2,
            trend_half_life: 0.5,
            embedding_dim: 0,
        };
        let mut model = Model::new(params, 4);
        for s in [&[0, 1, 2][..], &[0, 1], &[0, 3], &[2, 0]] {
            model.add(s);
        }
        model.finish(5)
    }

    #[test]
    fn related_lists_follow_sequence_aware_co_occurrence() {
        let t = tiny(0.0);
        // Ties go to the lower index; lists are cut at list_len; no item relates to itself.
        assert_eq!(
            t.similar,
            [vec![1, 2], vec![0, 2], vec![0, 1], vec![0], vec![]]
        );
        // Damping by the neighbour's views (a 4, b 2, c 2, d 1) lifts the rarely seen d.
        assert_eq!(tiny(1.0).similar[0], [1, 3]);
        // Sessions 3, 2, 1 and 0 sessions before the end weigh 0.5^(age / 0.5) with age in quarters.
        let w = |age: f64| 0.5f64.powf(age / 4.0 / 0.5);
        assert!((t.popularity[3] - w(1.0)).abs() < 1e-12);
        assert!((t.popularity[0] - (w(3.0) + w(2.0) + w(1.0) + w(0.0))).abs() < 1e-12);
        assert_eq!(t.popularity[4], 0.0);
    }

    #[test]
    fn builds_a_catalog_the_engine_loads_and_validation_prefixes() {
        let dir = std::env::temp_dir().join(format!("vitrin-builder-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = "session_id,item_id,position\n1,10,0\n1,20,1\n1,30,2\n2,20,0\n2,10,1\n3,10,0\n3,99,1\n3,20,2\n3,10,3\n";
        let sessions = dir.join("sessions.csv.gz");
        let mut gz = GzEncoder::new(
            File::create(&sessions).unwrap(),
            flate2::Compression::default(),
        );
        gz.write_all(log.as_bytes()).unwrap();
        gz.finish().unwrap();
        let opts = Options {
            holdout: 0.34,
            validation_out: Some(dir.join("validation.jsonl")),
            ..Options::sessions(sessions, dir.join("catalog.json"))
        };
        let report = build(&opts).unwrap();
        assert_eq!(
            (
                report.rows,
                report.model_sessions,
                report.holdout_sessions,
                report.items
            ),
            (9, 2, 1, 3)
        );
        // Item 99 was never seen by the model, so it leaves the held-out session like in the test split.
        let validation = std::fs::read_to_string(dir.join("validation.jsonl")).unwrap();
        assert_eq!(
            validation,
            "{\"prefix\":[10,20],\"target\":10}\n{\"prefix\":[10],\"target\":20}\n"
        );
        assert_eq!(report.validation_prefixes, 2);

        let text = std::fs::read_to_string(&opts.out).unwrap();
        assert_eq!(report.catalog.raw, text.len() as u64);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["products"][0]["title"], "Item 10");
        let catalog =
            vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc)).unwrap();
        let ids = |ix: u32| -> Vec<&str> {
            catalog
                .related(ix, vitrin::catalog::Relation::Similar)
                .iter()
                .map(|&j| catalog.id(j))
                .collect()
        };
        let ix = |id: &str| catalog.index(id).unwrap();
        // Beside it, the binary catalog: the same catalog for the engine.
        let binary = std::fs::read(write::binary_path(&opts.out)).unwrap();
        assert_eq!(report.binary.raw, binary.len() as u64);
        assert_eq!(
            vitrin::catalog::Catalog::from_bytes(&binary)
                .unwrap()
                .to_bytes(),
            catalog.to_bytes()
        );
        assert_eq!(ids(ix("10")), ["20", "30"]);
        assert_eq!(ids(ix("30")), ["20", "10"]);
        assert!(
            catalog.popularity[ix("10") as usize] == 1.0
                && catalog.popularity[ix("30") as usize] < 1.0
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fits_the_blend_to_a_shop_whose_shoppers_never_go_back() {
        // Every session walks a chain of products forward: the next product is always new,
        // so the default pull of the products already viewed only gets in the way.
        let dir = std::env::temp_dir().join(format!("vitrin-builder-fit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut log = String::from("session_id,item_id,position\n");
        for s in 0..400 {
            for k in 0..4 {
                log.push_str(&format!("{s},sku-{},{k}\n", (s * 7 + k) % 60));
            }
        }
        let sessions = dir.join("sessions.csv");
        std::fs::write(&sessions, log).unwrap();
        let report = build(&Options::sessions(sessions, dir.join("catalog.json"))).unwrap();
        let fit = report.fit.clone().expect("a log long enough is fitted");
        assert_eq!(report.fit_sessions, 40);
        assert!(fit.after.mrr20 > fit.before.mrr20 + 10.0, "{fit:?}");
        assert!(
            fit.blend.revisit < vitrin::blend::Blend::default().revisit,
            "{fit:?}"
        );
        // Shipped in the catalog, and read back by the engine.
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("catalog.json")).unwrap()).unwrap();
        let catalog =
            vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc)).unwrap();
        assert_eq!(catalog.blend.to_json(), fit.blend.to_json());
        // Without a fit the catalog carries no blend: the engine's defaults apply.
        let plain = Options {
            fit: 0.0,
            ..Options::sessions(dir.join("sessions.csv"), dir.join("plain.json"))
        };
        assert!(build(&plain).unwrap().fit.is_none());
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("plain.json")).unwrap()).unwrap();
        assert!(doc.get("blend").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fits_two_hops_for_a_shop_whose_next_view_is_a_neighbours_neighbour() {
        // Shoppers view a kettle with its teapot and the teapot with its cups, and lately go
        // from the kettle straight to the cups: no list joins those two, two hops do.
        let dir = std::env::temp_dir().join(format!("vitrin-builder-hop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut log = String::from("session_id,item_id,position\n");
        for s in 0..400 {
            let k = (s / 2) % 40;
            let pair = match (s >= 360, s % 2) {
                (true, _) => ["kettle", "cups"],
                (false, 0) => ["kettle", "teapot"],
                (false, _) => ["teapot", "cups"],
            };
            for (p, item) in pair.iter().enumerate() {
                log.push_str(&format!("{s},{item}-{k},{p}\n"));
            }
        }
        let sessions = dir.join("sessions.csv");
        std::fs::write(&sessions, log).unwrap();
        let report = build(&Options::sessions(sessions, dir.join("catalog.json"))).unwrap();
        let fit = report.fit.expect("a log long enough is fitted");
        assert!(fit.blend.two_hop > 0.0, "{fit:?}");
        assert!(fit.after.hr20 > fit.before.hr20 + 30.0, "{fit:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn builds_from_stored_events_and_an_orders_import_with_profiles_across_channels() {
        use crate::db::{Db, NewEvent, Source};
        use serde_json::{json, Value};
        let dir = std::env::temp_dir().join(format!("vitrin-builder-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (db_path, orders_path) = (dir.join("vitrin.db"), dir.join("orders.csv"));
        let minute = 60_000.0;
        let view = |id: &str, product: &str, at: f64| NewEvent {
            id: id.into(),
            event: vitrin::events::Event::from_json(
                &vitrin::value::Value::from(
                    &json!({"type": "view", "productId": product, "at": at}),
                ),
                0.0,
            )
            .unwrap(),
        };
        // Web: v1 views a, b then (after an hour, a new session) c, a; v2 views b, c.
        let t = 1_767_225_600_000.0;
        let mut db = Db::open(&db_path).unwrap();
        db.ingest(
            "v1",
            &[
                view("1", "a", t),
                view("2", "b", t + minute),
                view("3", "c", t + 90.0 * minute),
                view("4", "a", t + 91.0 * minute),
            ],
            &[],
            Source::Web,
            0.0,
        )
        .unwrap();
        db.ingest(
            "v2",
            &[view("1", "b", t), view("2", "c", t + minute)],
            &[],
            Source::Web,
            0.0,
        )
        .unwrap();
        drop(db);
        // In the shop: v1 buys a and c in one order, v3 buys a and b.
        std::fs::write(&orders_path, format!("{}\nv1,S1,a,1,5,{t}\nv1,S1,c,2,,{t}\nv3,S2,a,1,,2026-01-02\nv3,S2,b,1,,2026-01-02\n", orders::HEADER)).unwrap();
        let mut opts = Options {
            db: Some(db_path.clone()),
            orders: Some(orders_path.clone()),
            profiles_out: Some(dir.join("profiles.jsonl")),
            params: Params {
                embedding_dim: 8,
                ..Params::default()
            },
            ..Options::sessions(PathBuf::new(), dir.join("catalog.json"))
        };
        opts.sessions = None;
        let report = build(&opts).unwrap();
        assert_eq!(
            (
                report.imported,
                report.already_imported,
                report.orders,
                report.event_sessions
            ),
            (4, 0, 2, 3)
        );
        assert_eq!(
            (report.rows, report.items, report.profiles),
            (4 + 6 + 4, 3, 3)
        );
        // Importing the same file again stores nothing twice.
        let again = build(&opts).unwrap();
        assert_eq!(
            (again.imported, again.already_imported, again.orders),
            (0, 4, 2)
        );

        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&opts.out).unwrap()).unwrap();
        let catalog =
            vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc)).unwrap();
        let ids = |id: &str, rel| -> Vec<&str> {
            catalog
                .related(catalog.index(id).unwrap(), rel)
                .iter()
                .map(|&j| catalog.id(j))
                .collect()
        };
        // One order each: a tie, which goes to c, seen before b.
        assert_eq!(ids("a", vitrin::catalog::Relation::BoughtWith), ["c", "b"]);
        assert_eq!(ids("c", vitrin::catalog::Relation::BoughtWith), ["a"]);
        assert_eq!(ids("b", vitrin::catalog::Relation::Similar)[0], "c");
        assert_eq!(catalog.embeddings.dim(), 8);
        assert!(catalog.embedding(catalog.index("a").unwrap()).is_some());

        let profiles: Vec<Value> = std::fs::read_to_string(dir.join("profiles.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let v1 = profiles.iter().find(|p| p["visitorId"] == "v1").unwrap();
        assert_eq!(v1["segments"], json!(["buyer", "cross_channel"]));
        assert_eq!(v1["purchases"].as_array().unwrap().len(), 2);
        assert_eq!(v1["embedding"].as_array().unwrap().len(), 8);
        for p in &profiles {
            vitrin::profile::Profile::from_json(&vitrin::value::Value::from(p)).unwrap();
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn scheduled_builds_rewrite_the_catalog_as_events_arrive() {
        use crate::db::{Db, NewEvent, Source};
        let dir = std::env::temp_dir().join(format!("vitrin-builder-every-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (db_path, feed, out) = (
            dir.join("vitrin.db"),
            dir.join("feed.json"),
            dir.join("catalog.json"),
        );
        let product =
            |id: &str| serde_json::json!({"id": id, "title": id, "category": "c", "price": 1});
        std::fs::write(
            &feed,
            serde_json::json!({"products": [product("a"), product("b")]}).to_string(),
        )
        .unwrap();
        let view = |id: &str, p: &str, at: f64| NewEvent {
            id: id.into(),
            event: vitrin::events::Event::from_json(
                &vitrin::value::Value::from(
                    &serde_json::json!({"type": "view", "productId": p, "at": at}),
                ),
                0.0,
            )
            .unwrap(),
        };
        Db::open(&db_path)
            .unwrap()
            .ingest(
                "v",
                &[view("1", "a", 1e12), view("2", "b", 1e12 + 1.0)],
                &[],
                Source::Web,
                0.0,
            )
            .unwrap();
        let opts = Options {
            db: Some(db_path),
            base: Some(feed),
            sessions: None,
            ..Options::sessions(PathBuf::new(), out.clone())
        };
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = every(opts, std::time::Duration::from_millis(20), stop.clone());
        let related = || -> Option<serde_json::Value> {
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&out).ok()?).ok()?;
            Some(doc["products"][0]["related"]["similar"].clone())
        };
        let start = Instant::now();
        while related() != Some(serde_json::json!(["b"])) {
            assert!(
                start.elapsed().as_secs() < 10,
                "no scheduled build wrote the catalog"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        thread.join().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_base_catalog_keeps_the_stores_fields_and_gets_the_learned_ones() {
        use serde_json::{json, Value};
        let dir = std::env::temp_dir().join(format!("vitrin-builder-base-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (orders_path, base_path) = (dir.join("orders.csv"), dir.join("feed.json"));
        // `gone` was bought but is no longer in the feed; `z` is in the feed but never touched.
        std::fs::write(&orders_path, "v1,O1,a,1,,2026-01-02\nv1,O1,b,1,,2026-01-02\nv2,O2,a,1,,2026-01-03\nv2,O2,gone,1,,2026-01-03\n").unwrap();
        let feed = json!({"products": [
            {"id": "a", "title": "Shoe", "category": "shoes/running", "price": 900, "related": {"goesWith": ["z"]}, "popularity": 7},
            {"id": "b", "title": "Socks", "category": "shoes/socks", "price": 50},
            {"id": "z", "title": "Bag", "category": "bags", "price": 300, "popularity": 3}]});
        std::fs::write(&base_path, feed.to_string()).unwrap();
        let mut opts = Options {
            orders: Some(orders_path),
            base: Some(base_path.clone()),
            ..Options::sessions(PathBuf::new(), dir.join("catalog.json"))
        };
        opts.sessions = None;
        let report = build(&opts).unwrap();
        assert_eq!(report.base, Some((3, 2)));
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&opts.out).unwrap()).unwrap();
        let products = doc["products"].as_array().unwrap();
        assert_eq!(
            products
                .iter()
                .map(|p| p["id"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["a", "b", "z"]
        );
        assert_eq!(
            (products[0]["title"].as_str(), products[0]["price"].as_i64()),
            (Some("Shoe"), Some(900))
        );
        assert_eq!(
            products[0]["related"]["boughtWith"],
            json!(["b"]),
            "`gone` is not for sale"
        );
        assert_eq!(
            products[0]["related"]["goesWith"],
            json!(["z"]),
            "the store's own lists stay"
        );
        assert_eq!(products[2]["popularity"], json!(0), "nobody touched it");
        vitrin::catalog::Catalog::from_json(&vitrin::value::Value::from(&doc)).unwrap();

        // A feed the engine refuses stops the build before anything is written over.
        std::fs::write(&base_path, r#"{"products": [{"id": "a"}]}"#).unwrap();
        let before = std::fs::read_to_string(&opts.out).unwrap();
        let err = build(&opts).unwrap_err().to_string();
        assert!(
            err.contains("feed.json") && err.contains("/products/0/"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&opts.out).unwrap(), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn random_projection_points_items_with_the_same_neighbours_the_same_way() {
        // Items 0 and 1 are both always followed by 2 and 3; item 4 only by 5.
        let mut model = Model::new(
            Params {
                embedding_dim: 32,
                backward: 0.0,
                ..Params::default()
            },
            3,
        );
        for s in [&[0, 2, 3][..], &[1, 2, 3], &[4, 5]] {
            model.add(s);
        }
        let t = model.finish(6);
        let row = |i: usize| &t.embeddings[i * 32..(i + 1) * 32];
        let dot = |a: usize, b: usize| row(a).iter().zip(row(b)).map(|(x, y)| x * y).sum::<f32>();
        assert!((dot(0, 0) - 1.0).abs() < 1e-5, "unit length");
        assert!(
            (dot(0, 1) - 1.0).abs() < 1e-5,
            "same neighbours, same direction"
        );
        assert!(dot(0, 4).abs() < 0.7, "different neighbours: {}", dot(0, 4));
        assert!(
            row(5).iter().all(|x| *x == 0.0),
            "no neighbours after it, no backward weight: no vector"
        );
    }
}
