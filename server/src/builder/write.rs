//! Output formats, written by hand: the Catalog JSON of API.md (measured raw and gzipped
//! as it is written, since that is what a browser downloads), the binary catalog beside it
//! (`binary`), and validation prefixes in the `{"prefix":[…],"target":…}` lines of
//! `test_prefixes.jsonl`.

use super::model::Trained;
use super::sessions::Items;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::fmt::Write as _;
use std::io::{self, Write};
use vitrin::blend::Blend;

/// Counts the bytes written through it.
#[derive(Default)]
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A gzip size counter at level 6, the common server default.
fn gzip6() -> GzEncoder<Count> {
    GzEncoder::new(Count::default(), Compression::new(6))
}

/// A gzip size counter on a thread of its own: what is written to it goes there in chunks
/// (an unbounded channel, so the writer never waits), so that a builder with a core to
/// spare (the plans) counts the JSON catalog's gzip size beside its writing and the binary
/// catalog's reading; `count` gives the same size as `gzip6` in line.
pub struct Beside<'scope> {
    chunk: Vec<u8>,
    to: std::sync::mpsc::Sender<Vec<u8>>,
    counter: std::thread::ScopedJoinHandle<'scope, io::Result<u64>>,
}

/// Bytes sent to `Beside`'s thread at a time.
const CHUNK: usize = 256 << 10;

impl<'scope> Beside<'scope> {
    pub fn new(scope: &'scope std::thread::Scope<'scope, '_>) -> Beside<'scope> {
        let (to, from) = std::sync::mpsc::channel::<Vec<u8>>();
        let counter = scope.spawn(move || {
            let mut gz = gzip6();
            for chunk in from {
                gz.write_all(&chunk)?;
            }
            Ok(gz.finish()?.0)
        });
        Beside {
            chunk: Vec::with_capacity(CHUNK),
            to,
            counter,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        self.to
            .send(full)
            .map_err(|_| io::Error::other("the gzip counter stopped"))
    }

    /// The gzip size of everything written, once the thread has compressed it.
    pub fn count(mut self) -> io::Result<u64> {
        if !self.chunk.is_empty() {
            self.send()?;
        }
        drop(self.to);
        self.counter
            .join()
            .map_err(|_| io::Error::other("the gzip counter panicked"))?
    }
}

impl Write for Beside<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.chunk.extend_from_slice(buf);
        if self.chunk.len() >= CHUNK {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes of the catalog as served: raw and gzipped (level 6, the common server default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bytes {
    pub raw: u64,
    pub gzip: u64,
}

/// Writes the catalog to `out`. Placeholders where the log knows nothing (title, category,
/// price); `related.similar` holds the "viewed next" list, `related.boughtWith` the
/// co-purchases (when any), `embedding` the item's vector (when built); `blend` the
/// ranking weights fitted for the store (when fitted). Returns its sizes.
pub fn catalog<W: Write>(
    out: W,
    items: &Items,
    model: &Trained,
    blend: Option<&Blend>,
) -> io::Result<Bytes> {
    let (raw, gzip) = catalog_with(out, gzip6(), items, model, blend)?;
    Ok(Bytes {
        raw,
        gzip: gzip.finish()?.0,
    })
}

/// `catalog` with its gzip counting done by `gzip`, left to the caller to finish (`Beside`
/// counts on another thread); returns the raw size.
pub fn catalog_with<W: Write, G: Write>(
    out: W,
    gzip: G,
    items: &Items,
    model: &Trained,
    blend: Option<&Blend>,
) -> io::Result<(u64, G)> {
    let mut out = Measured { out, raw: 0, gzip };
    let mut line = String::new();
    out.put("{\"products\":[")?;
    for ix in 0..items.len() {
        line.clear();
        let id = items.id(ix as u32);
        line.push_str(if ix == 0 { "\n{\"id\":" } else { ",\n{\"id\":" });
        json_str(&mut line, id);
        line.push_str(",\"title\":");
        json_str(&mut line, &format!("Item {id}"));
        line.push_str(",\"category\":\"all\",\"price\":0,\"popularity\":");
        significant(&mut line, model.popularity[ix]);
        if let Some(row) = model
            .embeddings
            .get(ix * model.dim..(ix + 1) * model.dim)
            .filter(|r| r.iter().any(|x| *x != 0.0))
        {
            line.push_str(",\"embedding\":[");
            for (k, x) in row.iter().enumerate() {
                if k > 0 {
                    line.push(',');
                }
                // Four decimals of a unit vector: the engine scores in f32 anyway.
                let _ = write!(line, "{}", (x * 1e4).round() / 1e4);
            }
            line.push(']');
        }
        line.push_str(",\"related\":{\"similar\":");
        id_list(&mut line, items, &model.similar[ix]);
        if !model.bought_with[ix].is_empty() {
            line.push_str(",\"boughtWith\":");
            id_list(&mut line, items, &model.bought_with[ix]);
        }
        line.push_str("}}");
        out.put(&line)?;
    }
    out.put(&end(blend))?;
    out.out.flush()?;
    Ok((out.raw, out.gzip))
}

/// Where the binary catalog of the JSON catalog at `json` goes: beside it, `.bin`.
pub fn binary_path(json: &std::path::Path) -> std::path::PathBuf {
    json.with_extension("bin")
}

/// Writes the binary catalog (`vitrin::catalog::binary`, what a page reads with no JSON
/// parsing) of the JSON catalog at `json` beside it (`binary_path`), through the engine's
/// own reader: both files hold the same catalog. Returns its sizes.
pub fn binary(json: &std::path::Path) -> io::Result<Bytes> {
    let invalid = |e: &dyn std::fmt::Display| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", json.display()),
        )
    };
    // Read by the engine's own reader into its tree: through serde_json's tree and a
    // conversion it was two copies of the 12.7 MB document (Diginetica: peak 392 MB).
    let text = std::fs::read_to_string(json)?;
    let doc = vitrin::jsontext::read(&text).map_err(|e| invalid(&e))?;
    drop(text);
    let catalog = vitrin::catalog::Catalog::from_json(&doc).map_err(|e| invalid(&e))?;
    drop(doc);
    let bytes = catalog.to_bytes();
    super::replace(&binary_path(json), |mut out| {
        out.write_all(&bytes)?;
        out.flush()
    })?;
    let mut gz = gzip6();
    gz.write_all(&bytes)?;
    Ok(Bytes {
        raw: bytes.len() as u64,
        gzip: gz.finish()?.0,
    })
}

/// The end of the catalog document, after its products.
fn end(blend: Option<&Blend>) -> String {
    match blend {
        Some(b) => format!("\n],\n\"blend\":{}}}\n", b.to_json()),
        None => "\n]}\n".to_string(),
    }
}

/// Writes the store's own catalog `base` (its product feed) to `out` with what was learned
/// laid over each product: `popularity` (0 for a product nobody touched), `embedding`,
/// `related.similar` and `related.boughtWith`; every other field, `related.goesWith`
/// included, is the store's. Learned items missing from the feed are left out: the feed
/// decides what is for sale, in the products and in their lists. A fitted `blend` replaces
/// the feed's. Returns the sizes and how many products were learned about.
pub fn merged<W: Write>(
    out: W,
    base: &serde_json::Value,
    items: &Items,
    model: &Trained,
    blend: Option<&Blend>,
) -> io::Result<(Bytes, usize)> {
    let (raw, gzip, learned) = merged_with(out, gzip6(), base, items, model, blend)?;
    let gzip = gzip.finish()?.0;
    Ok((Bytes { raw, gzip }, learned))
}

/// `merged` with its gzip counting done by `gzip`, as `catalog_with`; returns the raw size.
pub fn merged_with<W: Write, G: Write>(
    out: W,
    gzip: G,
    base: &serde_json::Value,
    items: &Items,
    model: &Trained,
    blend: Option<&Blend>,
) -> io::Result<(u64, G, usize)> {
    use serde_json::{json, Value};
    let products = base
        .get("products")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the base catalog has no `products` array",
            )
        })?;
    let mut out = Measured { out, raw: 0, gzip };
    // Lists name only products of the feed.
    let sold: std::collections::HashSet<&str> = products
        .iter()
        .filter_map(|p| p.get("id").and_then(Value::as_str))
        .collect();
    let ids = |list: &[u32]| -> Value {
        list.iter()
            .map(|&j| items.id(j))
            .filter(|id| sold.contains(id))
            .map(Value::from)
            .collect()
    };
    let mut learned = 0;
    out.put("{\"products\":[")?;
    for (k, product) in products.iter().enumerate() {
        let mut p = product.clone();
        let ix = p
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| items.get(id))
            .map(|ix| ix as usize);
        if let (Some(ix), Some(obj)) = (ix, p.as_object_mut()) {
            learned += 1;
            obj.insert("popularity".into(), json!(model.popularity[ix]));
            if let Some(row) = model
                .embeddings
                .get(ix * model.dim..(ix + 1) * model.dim)
                .filter(|r| r.iter().any(|x| *x != 0.0))
            {
                obj.insert(
                    "embedding".into(),
                    row.iter()
                        .map(|&x| json!((f64::from(x) * 1e4).round() / 1e4))
                        .collect(),
                );
            }
            let related = obj.entry("related").or_insert_with(|| json!({}));
            if let Some(related) = related.as_object_mut() {
                related.insert("similar".into(), ids(&model.similar[ix]));
                if !model.bought_with[ix].is_empty() {
                    related.insert("boughtWith".into(), ids(&model.bought_with[ix]));
                }
            }
        } else if let Some(obj) = p.as_object_mut() {
            obj.insert("popularity".into(), json!(0));
        }
        out.put(if k == 0 { "\n" } else { ",\n" })?;
        out.put(&p.to_string())?;
    }
    match (blend, base.get("blend")) {
        (None, Some(theirs)) => out.put(&format!("\n],\n\"blend\":{theirs}}}\n"))?,
        (blend, _) => out.put(&end(blend))?,
    }
    out.out.flush()?;
    Ok((out.raw, out.gzip, learned))
}

fn id_list(line: &mut String, items: &Items, list: &[u32]) {
    line.push('[');
    for (k, &j) in list.iter().enumerate() {
        if k > 0 {
            line.push(',');
        }
        json_str(line, items.id(j));
    }
    line.push(']');
}

struct Measured<W, G> {
    out: W,
    raw: u64,
    gzip: G,
}

impl<W: Write, G: Write> Measured<W, G> {
    fn put(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())?;
        self.gzip.write_all(s.as_bytes())?;
        self.raw += s.len() as u64;
        Ok(())
    }
}

/// Every prefix of `session` with the item viewed next, longest first (the order of
/// `test_prefixes.jsonl`). Returns how many lines were written.
pub fn prefixes<W: Write>(out: &mut W, session: &[&str]) -> io::Result<u64> {
    let mut line = String::new();
    for k in (1..session.len()).rev() {
        line.clear();
        line.push_str("{\"prefix\":[");
        for (n, item) in session[..k].iter().enumerate() {
            if n > 0 {
                line.push(',');
            }
            json_item(&mut line, item);
        }
        line.push_str("],\"target\":");
        json_item(&mut line, session[k]);
        line.push_str("}\n");
        out.write_all(line.as_bytes())?;
    }
    Ok(session.len().saturating_sub(1) as u64)
}

/// `x` to 4 significant digits: the engine only compares popularities, and long-gone
/// items' trend-decayed counts are tiny but still order the tail.
fn significant(out: &mut String, x: f64) {
    if !(x.is_finite() && x > 0.0) {
        out.push('0');
        return;
    }
    let decimals = (3 - x.log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    out.push_str(text);
}

/// Numeric ids as numbers (as in `test_prefixes.jsonl`), any other id as a string.
fn json_item(out: &mut String, id: &str) {
    let plain = !id.is_empty()
        && id.len() < 16
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id == "0" || !id.starts_with('0'));
    if plain {
        out.push_str(id);
    } else {
        json_str(out, id);
    }
}

fn json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("a string serialises"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_gzip_beside_gives_the_size_counted_in_line() {
        // Text over several chunks, written in uneven pieces, as the catalog's lines are.
        let mut text = String::new();
        for k in 0..120_000u64 {
            let _ = write!(text, "{{\"id\":\"{k}\",\"popularity\":{}}},", k * k % 977);
        }
        let pieces = text.as_bytes().chunks(1 + text.len() / 613);
        let mut inline = gzip6();
        let beside = std::thread::scope(|scope| {
            let mut beside = Beside::new(scope);
            for piece in pieces {
                inline.write_all(piece).unwrap();
                beside.write_all(piece).unwrap();
            }
            beside.count().unwrap()
        });
        assert!(text.len() > 4 * CHUNK);
        assert_eq!(beside, inline.finish().unwrap().0);
    }
}
