//! Streaming reader of a session log: CSV `session_id,item_id,position` (header optional,
//! gzip detected by its magic bytes), rows of one session contiguous, sessions in time
//! order. Holds one session in memory at a time.

use super::csv::{self, Lines};
use std::collections::HashMap;
use std::io::{self, BufRead};
use std::path::Path;

/// Item ids interned to dense indices in order of first appearance.
#[derive(Debug, Default)]
pub struct Items {
    ids: Vec<String>,
    by_id: HashMap<String, u32>,
}

impl Items {
    pub fn intern(&mut self, id: &str) -> u32 {
        if let Some(&ix) = self.by_id.get(id) {
            return ix;
        }
        let ix = self.ids.len() as u32;
        self.ids.push(id.to_string());
        self.by_id.insert(id.to_string(), ix);
        ix
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    pub fn id(&self, ix: u32) -> &str {
        &self.ids[ix as usize]
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// One session: its id and its item ids ordered by `position`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub items: Vec<String>,
}

pub struct SessionReader<R> {
    lines: Lines<R>,
    /// The first row of the next session, read while finding the end of the current one.
    pending: Option<(String, u64, String)>,
    rows: u64,
}

/// Opens a log file, gunzipping it when it starts with the gzip magic bytes.
pub fn open(path: &Path) -> io::Result<SessionReader<Box<dyn BufRead>>> {
    Ok(SessionReader::new(csv::open(path)?))
}

impl<R: BufRead> SessionReader<R> {
    pub fn new(input: R) -> SessionReader<R> {
        SessionReader {
            lines: Lines::new(input, "session_id,"),
            pending: None,
            rows: 0,
        }
    }

    /// Rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The next session into `out`; false at the end of the log.
    pub fn next_into(&mut self, out: &mut Session) -> io::Result<bool> {
        out.id.clear();
        out.items.clear();
        let mut rows: Vec<(u64, String)> = Vec::new();
        if let Some((session, position, item)) = self.pending.take() {
            out.id = session;
            rows.push((position, item));
        }
        while let Some((session, position, item)) = self.row()? {
            if rows.is_empty() {
                out.id = session;
            } else if session != out.id {
                self.pending = Some((session, position, item));
                break;
            }
            rows.push((position, item));
        }
        if rows.is_empty() {
            return Ok(false);
        }
        rows.sort_by_key(|r| r.0);
        out.items.extend(rows.into_iter().map(|r| r.1));
        Ok(true)
    }

    fn row(&mut self) -> io::Result<Option<(String, u64, String)>> {
        let Some((line_no, line)) = self.lines.next()? else {
            return Ok(None);
        };
        let mut f = line.split(',');
        let (Some(session), Some(item), Some(position), None) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(csv::bad(
                line_no,
                "expected 3 fields: session_id,item_id,position",
            ));
        };
        let position = position
            .trim()
            .parse()
            .map_err(|_| csv::bad(line_no, "position is not a whole number"))?;
        if session.is_empty() || item.is_empty() {
            return Err(csv::bad(line_no, "empty session_id or item_id"));
        }
        self.rows += 1;
        Ok(Some((session.to_string(), position, item.to_string())))
    }
}

/// Counts the sessions of a log without keeping any (the first pass of a holdout split).
pub fn count_sessions<R: BufRead>(reader: &mut SessionReader<R>) -> io::Result<u64> {
    let mut session = Session::default();
    let mut n = 0;
    while reader.next_into(&mut session)? {
        n += 1;
    }
    Ok(n)
}
