//! SQLite storage of the server: events (idempotent by the id the browser minted), the
//! rules in force (every published version kept), and per-visitor metric counters. One
//! connection, WAL journal; every write is one transaction. Migrations are numbered SQL
//! scripts applied in order and recorded in `schema_version`.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;
use std::path::Path;
use vitrin::events::Event;

/// Schema history, oldest first. Never edit a published entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: events, rules, metrics.
    "CREATE TABLE events (
        visitor_id TEXT NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        at REAL NOT NULL,
        body TEXT NOT NULL,
        source TEXT NOT NULL,
        received_at REAL NOT NULL,
        PRIMARY KEY (visitor_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX events_by_visitor_time ON events (visitor_id, at);
    CREATE TABLE rules (
        version INTEGER PRIMARY KEY AUTOINCREMENT,
        body TEXT NOT NULL,
        published_at REAL NOT NULL
    );
    CREATE TABLE metrics (
        visitor_id TEXT NOT NULL,
        campaign TEXT NOT NULL,
        variant TEXT NOT NULL,
        impressions INTEGER NOT NULL,
        clicks INTEGER NOT NULL,
        conversions INTEGER NOT NULL,
        revenue REAL NOT NULL,
        PRIMARY KEY (visitor_id, campaign, variant)
    ) WITHOUT ROWID;",
];

/// Where an event came from: the browser SDK, or an orders import (shop, app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Web,
    Orders,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Orders => "orders",
        }
    }

    fn from_name(name: &str) -> Source {
        if name == "orders" {
            Source::Orders
        } else {
            Source::Web
        }
    }
}

/// An event to store: its id (unique per visitor) and the validated event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: String,
    pub event: Event,
}

/// One visitor's counters for one campaign arm, as the SDK's `metrics()` reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub visitor_id: String,
    pub campaign: String,
    pub variant: String,
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: u64,
    pub revenue: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ingested {
    pub accepted: usize,
    pub duplicates: usize,
}

pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens (creating when missing) and migrates the database at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        // WAL lets the builder read while the server writes; the timeout rides out its locks.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mut db = Db { conn };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&mut self) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", [])?;
        let current: Option<i64> = tx.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))?;
        let current = current.unwrap_or(0) as usize;
        if current > MIGRATIONS.len() {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "the database has schema version {current}; this build knows up to {}",
                MIGRATIONS.len()
            )));
        }
        for (k, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [k as i64 + 1])?;
        }
        tx.commit()
    }

    pub fn schema_version(&self) -> rusqlite::Result<u32> {
        self.conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))
    }

    /// Stores a visitor's batch in one transaction: events whose id is already stored
    /// count as duplicates; metric counters only ever grow (a late, older snapshot
    /// cannot lower them).
    pub fn ingest(&mut self, visitor: &str, events: &[NewEvent], metrics: &[MetricRow], source: Source, now: f64) -> rusqlite::Result<Ingested> {
        let tx = self.conn.transaction()?;
        let got = insert_events(&tx, visitor, events, source, now)?;
        {
            let mut up = tx.prepare_cached(
                "INSERT INTO metrics (visitor_id, campaign, variant, impressions, clicks, conversions, revenue)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (visitor_id, campaign, variant) DO UPDATE SET
                   impressions = MAX(impressions, excluded.impressions), clicks = MAX(clicks, excluded.clicks),
                   conversions = MAX(conversions, excluded.conversions), revenue = MAX(revenue, excluded.revenue)",
            )?;
            for m in metrics {
                up.execute(params![visitor, m.campaign, m.variant, m.impressions as i64, m.clicks as i64, m.conversions as i64, m.revenue])?;
            }
        }
        tx.commit()?;
        Ok(got)
    }

    /// Imports events of many visitors (an orders file) in one transaction.
    pub fn import(&mut self, rows: &[(String, NewEvent)], source: Source, now: f64) -> rusqlite::Result<Ingested> {
        let tx = self.conn.transaction()?;
        let mut total = Ingested::default();
        for (visitor, event) in rows {
            let got = insert_events(&tx, visitor, std::slice::from_ref(event), source, now)?;
            total.accepted += got.accepted;
            total.duplicates += got.duplicates;
        }
        tx.commit()?;
        Ok(total)
    }

    /// The visitor's most recent `limit` events, oldest first, with where each came from.
    pub fn visitor_events(&self, visitor: &str, limit: usize) -> rusqlite::Result<Vec<(Event, Source)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT body, source FROM (SELECT body, source, at, id FROM events WHERE visitor_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2) ORDER BY at, id",
        )?;
        let rows = st.query_map(params![visitor, limit as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (body, source) = row?;
            out.push((stored_event(&body)?, Source::from_name(&source)));
        }
        Ok(out)
    }

    /// Every stored event ordered by visitor then time, streamed to `f` (the builder's input).
    pub fn each_event(&self, mut f: impl FnMut(&str, Event, Source)) -> rusqlite::Result<u64> {
        let mut st = self.conn.prepare("SELECT visitor_id, body, source FROM events ORDER BY visitor_id, at, id")?;
        let mut rows = st.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let visitor: String = r.get(0)?;
            let body: String = r.get(1)?;
            let source: String = r.get(2)?;
            f(&visitor, stored_event(&body)?, Source::from_name(&source));
            n += 1;
        }
        Ok(n)
    }

    /// Stored events as stored, oldest first, of one visitor or of all: `f(visitor, id,
    /// source, body)` with `body` the event's JSON text (`vitrin-server events`).
    pub fn each_stored(&self, visitor: Option<&str>, mut f: impl FnMut(&str, &str, &str, &str)) -> rusqlite::Result<u64> {
        let mut st = self.conn.prepare(
            "SELECT visitor_id, id, source, body FROM events WHERE ?1 IS NULL OR visitor_id = ?1 ORDER BY visitor_id, at, id",
        )?;
        let mut rows = st.query([visitor])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            f(r.get_ref(0)?.as_str()?, r.get_ref(1)?.as_str()?, r.get_ref(2)?.as_str()?, r.get_ref(3)?.as_str()?);
            n += 1;
        }
        Ok(n)
    }

    /// The times of the oldest and the newest stored event.
    pub fn time_span(&self) -> rusqlite::Result<Option<(f64, f64)>> {
        let span: (Option<f64>, Option<f64>) = self.conn.query_row("SELECT MIN(at), MAX(at) FROM events", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(span.0.zip(span.1))
    }

    /// The rules in force (the last published version) and its version number.
    pub fn rules(&self) -> rusqlite::Result<Option<(i64, String)>> {
        self.conn.query_row("SELECT version, body FROM rules ORDER BY version DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()
    }

    /// Publishes a rules document (already validated); returns its version.
    pub fn publish_rules(&mut self, body: &str, now: f64) -> rusqlite::Result<i64> {
        let tx = self.conn.transaction()?;
        tx.execute("INSERT INTO rules (body, published_at) VALUES (?1, ?2)", params![body, now])?;
        let version = tx.last_insert_rowid();
        tx.commit()?;
        Ok(version)
    }

    /// Every published revision, newest first: (version, published at, body).
    pub fn rules_revisions(&self) -> rusqlite::Result<Vec<(i64, f64, String)>> {
        let mut st = self.conn.prepare_cached("SELECT version, published_at, body FROM rules ORDER BY version DESC")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    }

    /// One published revision's body.
    pub fn rules_revision(&self, version: i64) -> rusqlite::Result<Option<String>> {
        self.conn.query_row("SELECT body FROM rules WHERE version = ?1", [version], |r| r.get(0)).optional()
    }

    /// Every visitor's metric counters.
    pub fn metric_rows(&self) -> rusqlite::Result<Vec<MetricRow>> {
        let mut st = self.conn.prepare_cached(
            "SELECT visitor_id, campaign, variant, impressions, clicks, conversions, revenue FROM metrics ORDER BY campaign, variant, visitor_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(MetricRow {
                visitor_id: r.get(0)?,
                campaign: r.get(1)?,
                variant: r.get(2)?,
                impressions: r.get::<_, i64>(3)? as u64,
                clicks: r.get::<_, i64>(4)? as u64,
                conversions: r.get::<_, i64>(5)? as u64,
                revenue: r.get(6)?,
            })
        })?;
        rows.collect()
    }
}

fn insert_events(tx: &Transaction, visitor: &str, events: &[NewEvent], source: Source, now: f64) -> rusqlite::Result<Ingested> {
    let mut st = tx.prepare_cached(
        "INSERT INTO events (visitor_id, id, type, at, body, source, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (visitor_id, id) DO NOTHING",
    )?;
    let mut got = Ingested::default();
    for e in events {
        let body = e.event.to_json().to_string();
        match st.execute(params![visitor, e.id, e.event.kind.name(), e.event.at, body, source.name(), now])? {
            0 => got.duplicates += 1,
            _ => got.accepted += 1,
        }
    }
    Ok(got)
}

/// A stored body was validated on the way in; failing to read it back means the file was
/// changed behind the server's back.
fn stored_event(body: &str) -> rusqlite::Result<Event> {
    let v: Value = serde_json::from_str(body).map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    Event::from_json(&v, 0.0).map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("vitrin-db-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("vitrin.db")
    }

    fn view(id: &str, product: &str, at: f64) -> NewEvent {
        NewEvent { id: id.into(), event: Event::from_json(&json!({"type": "view", "productId": product, "at": at}), 0.0).unwrap() }
    }

    #[test]
    fn migrates_once_and_refuses_a_newer_schema() {
        let path = temp("migrate");
        assert_eq!(Db::open(&path).unwrap().schema_version().unwrap(), MIGRATIONS.len() as u32);
        // Reopening applies nothing twice.
        let db = Db::open(&path).unwrap();
        let rows: i64 = db.conn.query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, MIGRATIONS.len() as i64);
        db.conn.execute("INSERT INTO schema_version (version) VALUES (99)", []).unwrap();
        drop(db);
        let err = Db::open(&path).err().unwrap().to_string();
        assert!(err.contains("schema version 99"), "{err}");
    }

    #[test]
    fn ingest_is_idempotent_per_visitor_and_metrics_only_grow() {
        let mut db = Db::open(&temp("ingest")).unwrap();
        let batch = [view("e1", "a", 1.0), view("e2", "b", 2.0)];
        let m = |impressions, conversions| MetricRow {
            visitor_id: String::new(),
            campaign: "c".into(),
            variant: "a".into(),
            impressions,
            clicks: 0,
            conversions,
            revenue: 0.0,
        };
        assert_eq!(db.ingest("v1", &batch, &[m(2, 1)], Source::Web, 0.0).unwrap(), Ingested { accepted: 2, duplicates: 0 });
        // The retried batch (its response was lost) adds nothing; an older snapshot lowers nothing.
        assert_eq!(db.ingest("v1", &batch, &[m(1, 0)], Source::Web, 0.0).unwrap(), Ingested { accepted: 0, duplicates: 2 });
        // Another visitor's ids are their own.
        assert_eq!(db.ingest("v2", &batch[..1], &[], Source::Web, 0.0).unwrap().accepted, 1);
        let events = db.visitor_events("v1", 100).unwrap();
        assert_eq!(events.iter().map(|(e, _)| e.at).collect::<Vec<_>>(), [1.0, 2.0]);
        assert_eq!(db.visitor_events("v1", 1).unwrap()[0].0.at, 2.0, "the limit keeps the most recent");
        let rows = db.metric_rows().unwrap();
        assert_eq!((rows.len(), rows[0].impressions, rows[0].conversions), (1, 2, 1));
        let mut seen = Vec::new();
        assert_eq!(db.each_event(|v, e, _| seen.push((v.to_string(), e.at))).unwrap(), 3);
        assert_eq!(db.time_span().unwrap(), Some((1.0, 2.0)));
        assert_eq!(seen[2], ("v2".to_string(), 1.0));
        let mut stored = Vec::new();
        assert_eq!(db.each_stored(Some("v1"), |v, id, source, _| stored.push(format!("{v}/{id}/{source}"))).unwrap(), 2);
        assert_eq!(stored, ["v1/e1/web", "v1/e2/web"]);
        assert_eq!(db.each_stored(None, |_, _, _, _| {}).unwrap(), 3);
    }

    #[test]
    fn rules_versions_are_kept_and_the_last_is_in_force() {
        let mut db = Db::open(&temp("rules")).unwrap();
        assert_eq!(db.rules().unwrap(), None);
        db.publish_rules(r#"{"version":1}"#, 1.0).unwrap();
        let v2 = db.publish_rules(r#"{"version":1,"campaigns":[]}"#, 2.0).unwrap();
        assert_eq!(db.rules().unwrap(), Some((v2, r#"{"version":1,"campaigns":[]}"#.to_string())));
        let all = db.rules_revisions().unwrap();
        assert_eq!(all.iter().map(|(v, at, _)| (*v, *at)).collect::<Vec<_>>(), [(v2, 2.0), (v2 - 1, 1.0)]);
        assert_eq!(db.rules_revision(v2 - 1).unwrap().as_deref(), Some(r#"{"version":1}"#));
        assert_eq!(db.rules_revision(99).unwrap(), None);
    }
}
