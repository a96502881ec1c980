//! SQLite storage of the server: events and exposures (idempotent by the id the browser
//! minted), the rules in force (every published version kept), each visitor's figures per
//! campaign arm (derived from their events, see `ingest`), and the token secret. One
//! connection, WAL journal; every write is one transaction. Migrations are numbered SQL
//! scripts applied in order and recorded in `schema_version`.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
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
    // 2: metrics derived from events instead of the browser's counters (which anyone could
    // inflate): exposures as sent, per-visitor arm figures, the token secret.
    "DROP TABLE metrics;
    CREATE TABLE exposures (
        visitor_id TEXT NOT NULL,
        id TEXT NOT NULL,
        campaign TEXT NOT NULL,
        variant TEXT NOT NULL,
        shown INTEGER NOT NULL,
        clicks INTEGER NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (visitor_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE arms (
        visitor_id TEXT NOT NULL,
        campaign TEXT NOT NULL,
        variant TEXT NOT NULL,
        first_at REAL NOT NULL,
        last_at REAL NOT NULL,
        shown INTEGER NOT NULL,
        clicks INTEGER NOT NULL,
        conversions INTEGER NOT NULL,
        revenue REAL NOT NULL,
        PRIMARY KEY (visitor_id, campaign, variant)
    ) WITHOUT ROWID;
    CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;",
];

/// Where an event came from: the browser SDK, or an orders import (shop, app).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Web,
    Orders,
}

impl Source {
    pub fn name(self) -> &'static str {
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

/// A visitor's exposure to a campaign arm as the SDK reports it: prompts shown (for the
/// holdout: moments the campaign would have spoken) and clicked since its last report.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub id: String,
    pub campaign: String,
    pub variant: String,
    pub shown: u32,
    pub clicks: u32,
    pub at: f64,
}

/// One visitor's figures in one campaign arm, derived on the server: exposures and clicks
/// from their exposures, conversions and revenue from their purchases.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VisitorArm {
    pub first_at: f64,
    pub last_at: f64,
    pub shown: u64,
    pub clicks: u64,
    pub conversions: u64,
    pub revenue: f64,
}

/// A visitor's arm row before and after a write (`None`: absent), for the totals.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmChange {
    pub campaign: String,
    pub variant: String,
    pub before: Option<VisitorArm>,
    pub after: Option<VisitorArm>,
}

/// What ingest needs to know of the published rules: how long after an exposure a
/// purchase counts for a campaign, and the price of a line without one.
pub trait Attribution {
    fn window_ms(&self, campaign: &str) -> f64;
    fn price(&self, product: &str) -> f64;
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
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
            [],
        )?;
        let current: Option<i64> =
            tx.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))?;
        let current = current.unwrap_or(0) as usize;
        if current > MIGRATIONS.len() {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "the database has schema version {current}; this build knows up to {}",
                MIGRATIONS.len()
            )));
        }
        for (k, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [k as i64 + 1],
            )?;
        }
        tx.commit()
    }

    pub fn schema_version(&self) -> rusqlite::Result<u32> {
        self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )
    }

    /// Stores a visitor's batch in one transaction: events and exposures whose id is
    /// already stored count as duplicates and change nothing. A new exposure opens or
    /// extends the visitor's row for that arm; a new purchase within the campaign's
    /// attribution window of an arm the visitor was exposed to (first exposure ≤ purchase ≤
    /// last exposure + window) adds a conversion and its value there. Returns the arm rows
    /// it changed, for the running totals.
    pub fn ingest_with(
        &mut self,
        visitor: &str,
        events: &[NewEvent],
        exposures: &[Exposure],
        attribution: &dyn Attribution,
        source: Source,
        now: f64,
    ) -> rusqlite::Result<(Ingested, Vec<ArmChange>)> {
        let tx = self.conn.transaction()?;
        let mut got = Ingested::default();
        let mut arms = visitor_arms(&tx, visitor)?;
        let before = arms.clone();
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO exposures (visitor_id, id, campaign, variant, shown, clicks, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (visitor_id, id) DO NOTHING",
            )?;
            for x in exposures {
                if st.execute(params![
                    visitor, x.id, x.campaign, x.variant, x.shown, x.clicks, x.at
                ])? == 0
                {
                    got.duplicates += 1;
                    continue;
                }
                got.accepted += 1;
                let arm = arms
                    .entry((x.campaign.clone(), x.variant.clone()))
                    .or_insert(VisitorArm {
                        first_at: x.at,
                        last_at: x.at,
                        ..VisitorArm::default()
                    });
                arm.first_at = arm.first_at.min(x.at);
                arm.last_at = arm.last_at.max(x.at);
                arm.shown += u64::from(x.shown);
                arm.clicks += u64::from(x.clicks);
            }
        }
        let stored = insert_events(&tx, visitor, events, source, now)?;
        got.accepted += stored.iter().filter(|s| **s).count();
        got.duplicates += stored.iter().filter(|s| !**s).count();
        for (e, _) in events.iter().zip(&stored).filter(|(_, s)| **s) {
            let vitrin::events::EventKind::Purchase { items, .. } = &e.event.kind else {
                continue;
            };
            let value: f64 = items
                .iter()
                .map(|i| {
                    i.price.unwrap_or_else(|| attribution.price(&i.product_id))
                        * f64::from(i.quantity)
                })
                .sum();
            for ((campaign, _), arm) in arms.iter_mut() {
                if arm.first_at <= e.event.at
                    && e.event.at <= arm.last_at + attribution.window_ms(campaign)
                {
                    arm.conversions += 1;
                    arm.revenue = ((arm.revenue + value) * 100.0).round() / 100.0;
                }
            }
        }
        let mut changes = Vec::new();
        {
            let mut up = tx.prepare_cached(
                "INSERT OR REPLACE INTO arms (visitor_id, campaign, variant, first_at, last_at, shown, clicks, conversions, revenue)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for ((campaign, variant), arm) in &arms {
                let was = before.get(&(campaign.clone(), variant.clone())).copied();
                if was == Some(*arm) {
                    continue;
                }
                up.execute(params![
                    visitor,
                    campaign,
                    variant,
                    arm.first_at,
                    arm.last_at,
                    arm.shown as i64,
                    arm.clicks as i64,
                    arm.conversions as i64,
                    arm.revenue
                ])?;
                changes.push(ArmChange {
                    campaign: campaign.clone(),
                    variant: variant.clone(),
                    before: was,
                    after: Some(*arm),
                });
            }
        }
        tx.commit()?;
        Ok((got, changes))
    }

    /// `ingest_with` the default attribution window and no catalog prices.
    pub fn ingest(
        &mut self,
        visitor: &str,
        events: &[NewEvent],
        exposures: &[Exposure],
        source: Source,
        now: f64,
    ) -> rusqlite::Result<(Ingested, Vec<ArmChange>)> {
        self.ingest_with(
            visitor,
            events,
            exposures,
            &crate::metrics::Campaigns::default(),
            source,
            now,
        )
    }

    /// Moves everything of visitor `from` (an anonymous visitor who logged in) to `into`:
    /// events, exposures and arm rows (summed where both have one). Returns the events
    /// moved and the arm rows changed.
    pub fn merge(&mut self, from: &str, into: &str) -> rusqlite::Result<(usize, Vec<ArmChange>)> {
        let tx = self.conn.transaction()?;
        let moved = tx.execute(
            "UPDATE OR IGNORE events SET visitor_id = ?2 WHERE visitor_id = ?1",
            params![from, into],
        )?;
        tx.execute("DELETE FROM events WHERE visitor_id = ?1", [from])?;
        tx.execute(
            "UPDATE OR IGNORE exposures SET visitor_id = ?2 WHERE visitor_id = ?1",
            params![from, into],
        )?;
        tx.execute("DELETE FROM exposures WHERE visitor_id = ?1", [from])?;
        let theirs = visitor_arms(&tx, from)?;
        let mut ours = visitor_arms(&tx, into)?;
        let mut changes = Vec::new();
        for ((campaign, variant), arm) in theirs {
            changes.push(ArmChange {
                campaign: campaign.clone(),
                variant: variant.clone(),
                before: Some(arm),
                after: None,
            });
            let key = (campaign, variant);
            let was = ours.get(&key).copied();
            let sum = match was {
                None => arm,
                Some(o) => VisitorArm {
                    first_at: o.first_at.min(arm.first_at),
                    last_at: o.last_at.max(arm.last_at),
                    shown: o.shown + arm.shown,
                    clicks: o.clicks + arm.clicks,
                    conversions: o.conversions + arm.conversions,
                    revenue: o.revenue + arm.revenue,
                },
            };
            tx.execute(
                "INSERT OR REPLACE INTO arms (visitor_id, campaign, variant, first_at, last_at, shown, clicks, conversions, revenue)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![into, key.0, key.1, sum.first_at, sum.last_at, sum.shown as i64, sum.clicks as i64, sum.conversions as i64, sum.revenue],
            )?;
            changes.push(ArmChange {
                campaign: key.0.clone(),
                variant: key.1.clone(),
                before: was,
                after: Some(sum),
            });
            ours.insert(key, sum);
        }
        tx.execute("DELETE FROM arms WHERE visitor_id = ?1", [from])?;
        tx.commit()?;
        Ok((moved, changes))
    }

    /// Imports events of many visitors (an orders file) in one transaction.
    pub fn import(
        &mut self,
        rows: &[(String, NewEvent)],
        source: Source,
        now: f64,
    ) -> rusqlite::Result<Ingested> {
        let tx = self.conn.transaction()?;
        let mut total = Ingested::default();
        for (visitor, event) in rows {
            match insert_events(&tx, visitor, std::slice::from_ref(event), source, now)?[0] {
                true => total.accepted += 1,
                false => total.duplicates += 1,
            }
        }
        tx.commit()?;
        Ok(total)
    }

    /// The visitor's most recent `limit` events, oldest first, with where each came from.
    pub fn visitor_events(
        &self,
        visitor: &str,
        limit: usize,
    ) -> rusqlite::Result<Vec<(Event, Source)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT body, source FROM (SELECT body, source, at, id FROM events WHERE visitor_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2) ORDER BY at, id",
        )?;
        let rows = st.query_map(params![visitor, limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (body, source) = row?;
            out.push((stored_event(&body)?, Source::from_name(&source)));
        }
        Ok(out)
    }

    /// Every stored event ordered by visitor then time, streamed to `f` (the builder's input).
    pub fn each_event(&self, mut f: impl FnMut(&str, Event, Source)) -> rusqlite::Result<u64> {
        let mut st = self
            .conn
            .prepare("SELECT visitor_id, body, source FROM events ORDER BY visitor_id, at, id")?;
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
    pub fn each_stored(
        &self,
        visitor: Option<&str>,
        mut f: impl FnMut(&str, &str, &str, &str),
    ) -> rusqlite::Result<u64> {
        let mut st = self.conn.prepare("SELECT visitor_id, id, source, body FROM events WHERE ?1 IS NULL OR visitor_id = ?1 ORDER BY visitor_id, at, id")?;
        let mut rows = st.query([visitor])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            f(
                r.get_ref(0)?.as_str()?,
                r.get_ref(1)?.as_str()?,
                r.get_ref(2)?.as_str()?,
                r.get_ref(3)?.as_str()?,
            );
            n += 1;
        }
        Ok(n)
    }

    /// The times of the oldest and the newest stored event.
    pub fn time_span(&self) -> rusqlite::Result<Option<(f64, f64)>> {
        let span: (Option<f64>, Option<f64>) =
            self.conn
                .query_row("SELECT MIN(at), MAX(at) FROM events", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        Ok(span.0.zip(span.1))
    }

    /// The rules in force (the last published version) and its version number.
    pub fn rules(&self) -> rusqlite::Result<Option<(i64, String)>> {
        self.conn
            .query_row(
                "SELECT version, body FROM rules ORDER BY version DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// Publishes a rules document (already validated); returns its version.
    pub fn publish_rules(&mut self, body: &str, now: f64) -> rusqlite::Result<i64> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO rules (body, published_at) VALUES (?1, ?2)",
            params![body, now],
        )?;
        let version = tx.last_insert_rowid();
        tx.commit()?;
        Ok(version)
    }

    /// Every published revision, newest first: (version, published at, body).
    pub fn rules_revisions(&self) -> rusqlite::Result<Vec<(i64, f64, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT version, published_at, body FROM rules ORDER BY version DESC",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    }

    /// One published revision's body.
    pub fn rules_revision(&self, version: i64) -> rusqlite::Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT body FROM rules WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()
    }

    /// Every published rules document, oldest first (the campaigns metrics may name).
    pub fn all_rules(&self) -> rusqlite::Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT body FROM rules ORDER BY version")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Every visitor's arm rows, streamed to `f(campaign, variant, row)` (the totals at start).
    pub fn each_arm(&self, mut f: impl FnMut(&str, &str, VisitorArm)) -> rusqlite::Result<()> {
        let mut st = self.conn.prepare("SELECT campaign, variant, first_at, last_at, shown, clicks, conversions, revenue FROM arms")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            f(
                r.get_ref(0)?.as_str()?,
                r.get_ref(1)?.as_str()?,
                arm_row(r, 2)?,
            );
        }
        Ok(())
    }

    /// The secret named `name`, created from `make` on first use and kept from then on.
    pub fn secret(
        &mut self,
        name: &str,
        make: impl FnOnce() -> Vec<u8>,
    ) -> rusqlite::Result<Vec<u8>> {
        let tx = self.conn.transaction()?;
        let found: Option<Vec<u8>> = tx
            .query_row("SELECT value FROM secrets WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        let value = match found {
            Some(v) => v,
            None => {
                let v = make();
                tx.execute(
                    "INSERT INTO secrets (name, value) VALUES (?1, ?2)",
                    params![name, v],
                )?;
                v
            }
        };
        tx.commit()?;
        Ok(value)
    }
}

fn arm_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<VisitorArm> {
    Ok(VisitorArm {
        first_at: r.get(at)?,
        last_at: r.get(at + 1)?,
        shown: r.get::<_, i64>(at + 2)? as u64,
        clicks: r.get::<_, i64>(at + 3)? as u64,
        conversions: r.get::<_, i64>(at + 4)? as u64,
        revenue: r.get(at + 5)?,
    })
}

type Arms = std::collections::BTreeMap<(String, String), VisitorArm>;

fn visitor_arms(tx: &Transaction, visitor: &str) -> rusqlite::Result<Arms> {
    let mut st = tx.prepare_cached("SELECT campaign, variant, first_at, last_at, shown, clicks, conversions, revenue FROM arms WHERE visitor_id = ?1")?;
    let mut rows = st.query([visitor])?;
    let mut out = Arms::new();
    while let Some(r) = rows.next()? {
        out.insert((r.get(0)?, r.get(1)?), arm_row(r, 2)?);
    }
    Ok(out)
}

/// Inserts the events; for each, whether it was new (false: its id was already stored).
fn insert_events(
    tx: &Transaction,
    visitor: &str,
    events: &[NewEvent],
    source: Source,
    now: f64,
) -> rusqlite::Result<Vec<bool>> {
    let mut st = tx.prepare_cached(
        "INSERT INTO events (visitor_id, id, type, at, body, source, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (visitor_id, id) DO NOTHING",
    )?;
    let mut got = Vec::with_capacity(events.len());
    for e in events {
        let body = vitrin::jsontext::to_text(&e.event);
        got.push(
            st.execute(params![
                visitor,
                e.id,
                e.event.kind.name(),
                e.event.at,
                body,
                source.name(),
                now
            ])? > 0,
        );
    }
    Ok(got)
}

/// A stored body was validated on the way in; failing to read it back means the file was
/// changed behind the server's back.
fn stored_event(body: &str) -> rusqlite::Result<Event> {
    let bad = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e)
    };
    // Read straight into the crate's tree: no serde_json document on the way.
    let v = vitrin::jsontext::read(body).map_err(|e| bad(e.into()))?;
    Event::from_json(&v, 0.0).map_err(|e| bad(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A fresh directory (removed when dropped) and the database's path in it.
    fn temp(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::Builder::new()
            .prefix(&format!("vitrin-db-{name}-"))
            .tempdir()
            .unwrap();
        let path = dir.path().join("vitrin.db");
        (dir, path)
    }

    fn view(id: &str, product: &str, at: f64) -> NewEvent {
        NewEvent {
            id: id.into(),
            event: Event::from_json(
                &vitrin::value::Value::from(
                    &json!({"type": "view", "productId": product, "at": at}),
                ),
                0.0,
            )
            .unwrap(),
        }
    }

    #[test]
    fn migrates_once_and_refuses_a_newer_schema() {
        let (_dir, path) = temp("migrate");
        assert_eq!(
            Db::open(&path).unwrap().schema_version().unwrap(),
            MIGRATIONS.len() as u32
        );
        // Reopening applies nothing twice.
        let db = Db::open(&path).unwrap();
        let rows: i64 = db
            .conn
            .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, MIGRATIONS.len() as i64);
        db.conn
            .execute("INSERT INTO schema_version (version) VALUES (99)", [])
            .unwrap();
        drop(db);
        let err = Db::open(&path).err().unwrap().to_string();
        assert!(err.contains("schema version 99"), "{err}");
    }

    struct Fixed;
    impl Attribution for Fixed {
        fn window_ms(&self, _: &str) -> f64 {
            10.0
        }
        fn price(&self, _: &str) -> f64 {
            4.0
        }
    }

    fn exposure(id: &str, variant: &str, at: f64) -> Exposure {
        Exposure {
            id: id.into(),
            campaign: "c".into(),
            variant: variant.into(),
            shown: 1,
            clicks: 0,
            at,
        }
    }

    fn buy(id: &str, at: f64) -> NewEvent {
        NewEvent {
            id: id.into(),
            event: Event::from_json(&vitrin::value::Value::from(&json!({"type": "purchase", "orderId": id, "items": [{"productId": "p", "quantity": 2}], "at": at})), 0.0).unwrap(),
        }
    }

    #[test]
    fn ingest_is_idempotent_per_visitor() {
        let (_dir, path) = temp("ingest");
        let mut db = Db::open(&path).unwrap();
        let batch = [view("e1", "a", 1.0), view("e2", "b", 2.0)];
        assert_eq!(
            db.ingest_with("v1", &batch, &[], &Fixed, Source::Web, 0.0)
                .unwrap()
                .0,
            Ingested {
                accepted: 2,
                duplicates: 0
            }
        );
        // The retried batch (its response was lost) adds nothing.
        assert_eq!(
            db.ingest_with("v1", &batch, &[], &Fixed, Source::Web, 0.0)
                .unwrap()
                .0,
            Ingested {
                accepted: 0,
                duplicates: 2
            }
        );
        // Another visitor's ids are their own.
        assert_eq!(
            db.ingest_with("v2", &batch[..1], &[], &Fixed, Source::Web, 0.0)
                .unwrap()
                .0
                .accepted,
            1
        );
        let events = db.visitor_events("v1", 100).unwrap();
        assert_eq!(
            events.iter().map(|(e, _)| e.at).collect::<Vec<_>>(),
            [1.0, 2.0]
        );
        assert_eq!(
            db.visitor_events("v1", 1).unwrap()[0].0.at,
            2.0,
            "the limit keeps the most recent"
        );
        let mut seen = Vec::new();
        assert_eq!(
            db.each_event(|v, e, _| seen.push((v.to_string(), e.at)))
                .unwrap(),
            3
        );
        assert_eq!(db.time_span().unwrap(), Some((1.0, 2.0)));
        assert_eq!(seen[2], ("v2".to_string(), 1.0));
        let mut stored = Vec::new();
        assert_eq!(
            db.each_stored(Some("v1"), |v, id, source, _| stored
                .push(format!("{v}/{id}/{source}")))
                .unwrap(),
            2
        );
        assert_eq!(stored, ["v1/e1/web", "v1/e2/web"]);
        assert_eq!(db.each_stored(None, |_, _, _, _| {}).unwrap(), 3);
    }

    #[test]
    fn purchases_convert_in_the_arms_the_visitor_was_exposed_to_within_the_window() {
        let (_dir, path) = temp("arms");
        let mut db = Db::open(&path).unwrap();
        // A purchase before any exposure converts nowhere.
        let (_, changes) = db
            .ingest_with(
                "v",
                &[buy("o0", 5.0)],
                &[exposure("x1", "a", 10.0)],
                &Fixed,
                Source::Web,
                0.0,
            )
            .unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].before, changes[0].after.unwrap().conversions),
            (None, 0)
        );
        // Within 10 ms of the last exposure: a conversion worth 2 × 4; later: none.
        let (_, changes) = db
            .ingest_with(
                "v",
                &[buy("o1", 15.0), buy("o2", 30.0)],
                &[],
                &Fixed,
                Source::Web,
                0.0,
            )
            .unwrap();
        let after = changes[0].after.unwrap();
        assert_eq!((after.conversions, after.revenue, after.shown), (1, 8.0, 1));
        // Retried: nothing changes, nothing is reported.
        let (got, changes) = db
            .ingest_with(
                "v",
                &[buy("o1", 15.0)],
                &[exposure("x1", "a", 10.0)],
                &Fixed,
                Source::Web,
                0.0,
            )
            .unwrap();
        assert_eq!((got.duplicates, changes.len()), (2, 0));
        // Merging an anonymous visitor sums the rows of the same arm.
        db.ingest_with(
            "anon",
            &[view("e9", "p", 1.0)],
            &[exposure("x2", "a", 1.0)],
            &Fixed,
            Source::Web,
            0.0,
        )
        .unwrap();
        let (moved, changes) = db.merge("anon", "v").unwrap();
        assert_eq!(moved, 1);
        assert_eq!(
            changes.iter().filter(|c| c.after.is_none()).count(),
            1,
            "the anonymous row goes"
        );
        let mut rows = Vec::new();
        db.each_arm(|c, v, arm| rows.push((c.to_string(), v.to_string(), arm.shown, arm.first_at)))
            .unwrap();
        assert_eq!(rows, [("c".to_string(), "a".to_string(), 2, 1.0)]);
        assert_eq!(db.visitor_events("anon", 10).unwrap().len(), 0);
        assert_eq!(db.visitor_events("v", 10).unwrap().len(), 4);
    }

    #[test]
    fn a_secret_is_made_once_and_kept() {
        let (_dir, path) = temp("secret");
        let first = Db::open(&path)
            .unwrap()
            .secret("token", || vec![1, 2, 3])
            .unwrap();
        let again = Db::open(&path)
            .unwrap()
            .secret("token", || vec![9])
            .unwrap();
        assert_eq!((first, again), (vec![1, 2, 3], vec![1, 2, 3]));
    }

    #[test]
    fn rules_versions_are_kept_and_the_last_is_in_force() {
        let (_dir, path) = temp("rules");
        let mut db = Db::open(&path).unwrap();
        assert_eq!(db.rules().unwrap(), None);
        db.publish_rules(r#"{"version":1}"#, 1.0).unwrap();
        let v2 = db
            .publish_rules(r#"{"version":1,"campaigns":[]}"#, 2.0)
            .unwrap();
        assert_eq!(
            db.rules().unwrap(),
            Some((v2, r#"{"version":1,"campaigns":[]}"#.to_string()))
        );
        let all = db.rules_revisions().unwrap();
        assert_eq!(
            all.iter().map(|(v, at, _)| (*v, *at)).collect::<Vec<_>>(),
            [(v2, 2.0), (v2 - 1, 1.0)]
        );
        assert_eq!(
            db.rules_revision(v2 - 1).unwrap().as_deref(),
            Some(r#"{"version":1}"#)
        );
        assert_eq!(db.rules_revision(99).unwrap(), None);
    }
}
