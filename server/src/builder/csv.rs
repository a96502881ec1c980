//! The lines of a CSV export, shared by the session-log and orders readers: gzip detected by
//! its magic bytes, blank lines and an optional header skipped, errors numbered by line.

use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// The file at `path`, decompressed when it is gzip.
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

pub struct Lines<R> {
    input: R,
    line: String,
    line_no: u64,
    /// How the optional header line starts.
    header: &'static str,
}

impl<R: BufRead> Lines<R> {
    pub fn new(input: R, header: &'static str) -> Lines<R> {
        Lines {
            input,
            line: String::new(),
            line_no: 0,
            header,
        }
    }

    /// The next data line (its number, its text without the line ending); `None` at the end.
    pub fn next(&mut self) -> io::Result<Option<(u64, &str)>> {
        loop {
            self.line.clear();
            if self.input.read_line(&mut self.line)? == 0 {
                return Ok(None);
            }
            self.line_no += 1;
            let line = self.line.trim_end_matches(['\n', '\r']);
            let skip = line.is_empty() || (self.line_no == 1 && line.starts_with(self.header));
            if !skip {
                // Sliced again: returning `line` itself would keep `self.line` borrowed across iterations.
                let len = line.len();
                return Ok(Some((self.line_no, &self.line[..len])));
            }
        }
    }
}

/// The error for line `line_no`.
pub fn bad(line_no: u64, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("line {line_no}: {what}"),
    )
}
