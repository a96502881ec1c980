//! The catalog builder: streams a session log once to count sessions and once to learn
//! (`model`), then writes the Catalog JSON a storefront serves to the engine and,
//! optionally, validation prefixes from the held-out last sessions (`write`). The HTTP
//! server will call `build` (or `model` directly) to refresh what it serves.

pub mod model;
pub mod sessions;
pub mod write;

use model::{Model, Params};
use sessions::{Items, Session};
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Options {
    pub sessions: PathBuf,
    pub out: PathBuf,
    /// Share of the log's last sessions kept out of the model, in [0, 1).
    pub holdout: f64,
    /// Where the held-out sessions' prefixes go.
    pub validation_out: Option<PathBuf>,
    pub params: Params,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub rows: u64,
    pub model_sessions: u64,
    pub holdout_sessions: u64,
    pub items: usize,
    pub validation_prefixes: u64,
    pub catalog: write::Bytes,
    pub seconds: f64,
    /// Peak resident memory (VmHWM), when the platform tells it.
    pub peak_bytes: Option<u64>,
}

pub fn build(opts: &Options) -> io::Result<Report> {
    if !(0.0..1.0).contains(&opts.holdout) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the holdout fraction must be in [0, 1)"));
    }
    let start = Instant::now();
    let total = sessions::count_sessions(&mut sessions::open(&opts.sessions)?)?;
    let holdout_sessions = (total as f64 * opts.holdout).round() as u64;
    let model_sessions = total - holdout_sessions;

    let mut reader = sessions::open(&opts.sessions)?;
    let mut validation = opts.validation_out.as_ref().map(|p| File::create(p).map(BufWriter::new)).transpose()?;
    let mut items = Items::default();
    let mut model = Model::new(opts.params.clone(), model_sessions);
    let mut session = Session::default();
    let mut interned = Vec::new();
    let (mut seen, mut validation_prefixes) = (0u64, 0u64);
    while reader.next_into(&mut session)? {
        if seen < model_sessions {
            interned.clear();
            interned.extend(session.items.iter().map(|id| items.intern(id)));
            model.add(&interned);
        } else if let Some(out) = validation.as_mut() {
            // Like the test split: items the model never saw cannot be served, so they go.
            let known: Vec<&str> = session.items.iter().map(String::as_str).filter(|id| items.get(id).is_some()).collect();
            validation_prefixes += write::prefixes(out, &known)?;
        }
        seen += 1;
    }
    if let Some(mut out) = validation {
        out.flush()?;
    }
    let trained = model.finish(items.len());
    let catalog = write::catalog(BufWriter::new(File::create(&opts.out)?), &items, &trained)?;
    Ok(Report {
        rows: reader.rows(),
        model_sessions,
        holdout_sessions,
        items: items.len(),
        validation_prefixes,
        catalog,
        seconds: start.elapsed().as_secs_f64(),
        peak_bytes: peak_memory(),
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
        writeln!(f, "sessions: {} in the model, {} held out; {} items", self.model_sessions, self.holdout_sessions, self.items)?;
        if self.holdout_sessions > 0 {
            writeln!(f, "validation prefixes: {}", self.validation_prefixes)?;
        }
        writeln!(f, "catalog: {:.2} MB raw, {:.2} MB gzip", mb(self.catalog.raw), mb(self.catalog.gzip))?;
        // End to end: both passes over the log, learning and writing.
        write!(f, "time: {:.2} s for {} rows ({:.0} rows/s)", self.seconds, self.rows, self.rows as f64 / self.seconds.max(1e-9))?;
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
        let got = read_all("session_id,item_id,position\ns1,x,1\ns1,y,0\ns2,z,0\n\ns1,w,0\n").unwrap();
        assert_eq!(got, [vec!["y", "x"], vec!["z"], vec!["w"]]);
        let err = read_all("s1,x,0\ns1,y\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: expected 3 fields: session_id,item_id,position");
        assert!(read_all("s1,x,first\n").is_err());
    }

    /// a=0 b=1 c=2 d=3. Forward pairs weigh 1 at one step and 0.5 at two, backward half that:
    /// a→b 2, a→c 1, a→d 1; b→a 1, b→c 1; c→a 1.25, c→b 0.5; d→a 0.5.
    fn tiny(damping: f32) -> Trained {
        let params = Params { window: 2, decay: 0.5, backward: 0.5, damping, list_len: 2, trend_half_life: 0.5 };
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
        assert_eq!(t.similar, [vec![1, 2], vec![0, 2], vec![0, 1], vec![0], vec![]]);
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
        let mut gz = GzEncoder::new(File::create(&sessions).unwrap(), flate2::Compression::default());
        gz.write_all(log.as_bytes()).unwrap();
        gz.finish().unwrap();
        let opts =
            Options { sessions, out: dir.join("catalog.json"), holdout: 0.34, validation_out: Some(dir.join("validation.jsonl")), params: Params::default() };
        let report = build(&opts).unwrap();
        assert_eq!((report.rows, report.model_sessions, report.holdout_sessions, report.items), (9, 2, 1, 3));
        // Item 99 was never seen by the model, so it leaves the held-out session like in the test split.
        let validation = std::fs::read_to_string(dir.join("validation.jsonl")).unwrap();
        assert_eq!(validation, "{\"prefix\":[10,20],\"target\":10}\n{\"prefix\":[10],\"target\":20}\n");
        assert_eq!(report.validation_prefixes, 2);

        let text = std::fs::read_to_string(&opts.out).unwrap();
        assert_eq!(report.catalog.raw, text.len() as u64);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["products"][0]["title"], "Item 10");
        let catalog = vitrin::catalog::Catalog::from_json(&doc).unwrap();
        let ids = |ix: u32| -> Vec<&str> { catalog.related(ix, vitrin::catalog::Relation::Similar).iter().map(|&j| catalog.id(j)).collect() };
        let ix = |id: &str| catalog.index(id).unwrap();
        assert_eq!(ids(ix("10")), ["20", "30"]);
        assert_eq!(ids(ix("30")), ["20", "10"]);
        assert!(catalog.popularity[ix("10") as usize] == 1.0 && catalog.popularity[ix("30") as usize] < 1.0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
