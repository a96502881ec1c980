//! Product embeddings stored for scoring speed: each row L2-normalised, then quantised to
//! `i8` with one scale per row, padded to a multiple of 16 lanes. A 10k × 64 catalog is
//! 640 KB instead of 2.5 MB of `f32`, so the scoring pass reads a quarter of the bytes, and
//! the dot product runs on wasm SIMD128 (`i32x4.dot_i16x8_s`) in the SIMD wasm (feature `simd`).
//! The query (the visitor's taste vector) is quantised to `i16`, so its own rounding error
//! is negligible; a row's is at most half a step of its scale (max |x| / 254), which moves
//! a cosine by well under 1% — less than the gaps between the ranks it decides.
//! Depends on nothing else in the crate.

use crate::prelude::*;

/// Lanes a row is padded to: one `v128` of `i8`.
const LANES: usize = 16;

/// The binary table a store can serve beside its catalog JSON (`catalog.embeddings`), read
/// with no number parsing: the magic `VTE1`, then little-endian `u32` rows and `u32` dim,
/// `rows` × `f32` scales (0: no embedding), and `rows × dim` `i8` values, row-major. Row r
/// is `scale[r] × values[r]`, unit length (the builder quantises as `push` does).
pub const MAGIC: &[u8; 4] = b"VTE1";

/// The embedding table: `len() × stride` quantised values and one scale per row (0: none).
#[derive(Debug, Default, Clone)]
pub struct Embeddings {
    dim: usize,
    stride: usize,
    rows: Vec<i8>,
    scales: Vec<f32>,
}

/// A query vector quantised once per call, dotted against every row.
#[derive(Debug, Default, Clone)]
pub struct Query {
    values: Vec<i16>,
    scale: f32,
}

impl Query {
    /// Quantises `v` (length `dim`, any norm) to `i16`, padded to the table's stride.
    pub fn set(&mut self, v: &[f32], table: &Embeddings) {
        let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        self.scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            0.0
        };
        self.values.clear();
        self.values.resize(table.stride, 0);
        if max > 0.0 {
            for (q, x) in self.values.iter_mut().zip(v) {
                *q = (x / self.scale).round_ties_even() as i16;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.scale == 0.0
    }

    /// Its length.
    pub fn norm(&self) -> f32 {
        let sum: f32 = self
            .values
            .iter()
            .map(|&v| f32::from(v) * f32::from(v))
            .sum();
        self.scale * sum.sqrt()
    }
}

impl Embeddings {
    /// An empty table for rows of `dim` values (`dim` 0: the catalog has no embeddings).
    pub fn new(dim: usize) -> Embeddings {
        Embeddings {
            dim,
            stride: dim.div_ceil(LANES) * LANES,
            rows: Vec::new(),
            scales: Vec::new(),
        }
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Appends a row: normalised, quantised. All zeros means "no embedding".
    pub fn push(&mut self, values: &[f32]) {
        debug_assert_eq!(values.len(), self.dim);
        let norm = values.iter().map(|x| x * x).sum::<f32>().sqrt();
        if !(norm > 0.0 && norm.is_finite()) {
            return self.push_none();
        }
        let max = values.iter().fold(0.0f32, |m, x| m.max(x.abs())) / norm;
        let start = self.rows.len();
        self.rows.resize(start + self.stride, 0);
        let scale = max / f32::from(i8::MAX);
        for (q, x) in self.rows[start..].iter_mut().zip(values) {
            *q = (x / norm / scale).round_ties_even() as i8;
        }
        self.scales.push(scale);
    }

    /// Reads a `VTE1` table (see `MAGIC`) for exactly `rows` products.
    pub fn from_bytes(bytes: &[u8], rows: usize, max_dim: usize) -> Result<Embeddings, String> {
        let word = |at: usize| {
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        if bytes.get(..4) != Some(&MAGIC[..]) {
            return Err("not a VTE1 embedding table (it starts with the bytes \"VTE1\")".into());
        }
        let (n, dim) = (word(4).unwrap_or(0), word(8).unwrap_or(0));
        if n != rows {
            return Err(crate::cat!(
                "the embedding table has ",
                n,
                " rows for ",
                rows,
                " products"
            ));
        }
        if dim == 0 || dim > max_dim {
            return Err(crate::cat!(
                "the embedding table's width ",
                dim,
                " is not within 1–",
                max_dim
            ));
        }
        let values_at = 12 + 4 * n;
        if bytes.len() != values_at + n * dim {
            return Err(crate::cat!(
                "the embedding table holds ",
                bytes.len(),
                " bytes, not the ",
                values_at + n * dim,
                " its header announces"
            ));
        }
        let mut t = Embeddings::new(dim);
        t.rows.reserve(n * t.stride);
        let values = as_i8(&bytes[values_at..]);
        for r in 0..n {
            let at = 12 + 4 * r;
            let scale =
                f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
            if !(scale.is_finite() && scale >= 0.0) {
                return Err(crate::cat!(
                    "row ",
                    r,
                    " has the scale ",
                    crate::json::num(f64::from(scale)),
                    "; scales are finite and not negative"
                ));
            }
            t.scales.push(scale);
            // Rows as wide as the stride (dim 64) are one copy with the next ones.
            if dim < t.stride {
                t.rows.extend_from_slice(&values[r * dim..(r + 1) * dim]);
                t.rows.resize((r + 1) * t.stride, 0);
            }
        }
        if dim == t.stride {
            t.rows.extend_from_slice(values);
        }
        Ok(t)
    }

    /// The table in the `VTE1` format (`from_bytes` reads it back).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.scales.len();
        let mut out = Vec::with_capacity(12 + n * (4 + self.dim));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(n as u32).to_le_bytes());
        out.extend_from_slice(&(self.dim as u32).to_le_bytes());
        self.scales
            .iter()
            .for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
        for r in 0..n {
            out.extend(self.row(r as u32)[..self.dim].iter().map(|&q| q as u8));
        }
        out
    }

    /// Appends a row for a product without an embedding.
    pub fn push_none(&mut self) {
        self.rows.resize(self.rows.len() + self.stride, 0);
        self.scales.push(0.0);
    }

    pub fn has(&self, ix: u32) -> bool {
        self.scales.get(ix as usize).is_some_and(|&s| s > 0.0)
    }

    #[inline(always)]
    fn row(&self, ix: u32) -> &[i8] {
        let i = ix as usize * self.stride;
        &self.rows[i..i + self.stride]
    }

    /// Adds `w` × the (unit-length) row to `out`; false when the product has no embedding.
    pub fn add_to(&self, ix: u32, w: f32, out: &mut [f32]) -> bool {
        if !self.has(ix) {
            return false;
        }
        let s = w * self.scales[ix as usize];
        out.iter_mut()
            .zip(self.row(ix))
            .for_each(|(o, &q)| *o += s * f32::from(q));
        true
    }

    /// Cosine of two products' embeddings (0 when either has none).
    pub fn cosine(&self, a: u32, b: u32) -> f32 {
        let sum: i32 = self
            .row(a)
            .iter()
            .zip(self.row(b))
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum();
        sum as f32 * self.scales[a as usize] * self.scales[b as usize]
    }

    /// Dot product of row `ix` with the query (the query's norm times the cosine).
    /// Inlined by force: the release profile optimises for size, which would otherwise
    /// leave the scoring loop calling through iterator adapters.
    #[inline(always)]
    pub fn dot(&self, ix: u32, q: &Query) -> f32 {
        let s = self.scales[ix as usize] * q.scale;
        if s == 0.0 {
            return 0.0;
        }
        // SAFETY: as in `add_dots`.
        let dot = unsafe { dot_i8_i16(self.row(ix), &q.values) };
        dot as f32 * s
    }
}

impl Embeddings {
    /// `out[i] += w × dot(row i, q)` for every row, the same sum `dot` gives: the scoring
    /// pass's inner loop, over the table in one sweep. Rows already at -inf (filtered out)
    /// are skipped.
    pub fn add_dots(&self, q: &Query, w: f32, out: &mut [f32]) {
        // SAFETY: `sweep` is unsafe only for the SIMD wasm's `target_feature` (Cargo.toml, `simd`):
        // that wasm runs only where SIMD128 validates (pkg-template/core.js's `simd()`).
        unsafe { self.sweep(q, w, out) }
    }

    /// `add_dots`, compiled for SIMD128 in the SIMD wasm so that the kernels inline here.
    #[cfg_attr(
        all(target_arch = "wasm32", feature = "simd"),
        target_feature(enable = "simd128")
    )]
    unsafe fn sweep(&self, q: &Query, w: f32, out: &mut [f32]) {
        let n = self.scales.len().min(out.len());
        let qs = q.scale;
        if w == 0.0 || qs == 0.0 || self.stride == 0 {
            return;
        }
        let (rows, scales, out) = (
            &self.rows[..n * self.stride],
            &self.scales[..n],
            &mut out[..n],
        );
        if self.stride == 64 {
            // `first_chunk`, not `try_into`: `Result::expect` formats its error with `Debug`.
            let q = q
                .values
                .first_chunk::<64>()
                .expect("the query has the table's stride");
            for ((o, &s), row) in out.iter_mut().zip(scales).zip(rows.chunks_exact(64)) {
                if *o == f32::NEG_INFINITY {
                    continue;
                }
                let row = row.first_chunk::<64>().expect("rows are 64 wide");
                *o += w * (dot64(row, q) as f32 * (s * qs));
            }
        } else {
            for ((o, &s), row) in out
                .iter_mut()
                .zip(scales)
                .zip(rows.chunks_exact(self.stride))
            {
                *o += w * (dot_i8_i16(row, &q.values) as f32 * (s * qs));
            }
        }
    }

    /// The longest row (a row's length bounds its dot product with a query).
    pub fn max_norm(&self) -> f32 {
        (0..self.scales.len())
            .map(|r| {
                let row = self.row(r as u32);
                let sum: f32 = row.iter().map(|&x| f32::from(x) * f32::from(x)).sum();
                self.scales[r] * sum.sqrt()
            })
            .fold(0.0, f32::max)
    }
}

/// The bytes as `i8` values, without a copy (a page's binary catalog is read with one
/// `memory.copy` per table instead of a loop over its bytes).
fn as_i8(bytes: &[u8]) -> &[i8] {
    // SAFETY: `i8` and `u8` have the same size and alignment and every bit pattern is valid
    // for both; the slice keeps the borrow's lifetime.
    unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<i8>(), bytes.len()) }
}

/// `dot_i8_i16` for the common width of 64, unrolled (the size-optimised build would not).
#[cfg(all(target_arch = "wasm32", feature = "simd"))]
#[target_feature(enable = "simd128")]
#[inline]
unsafe fn dot64(row: &[i8; 64], q: &[i16; 64]) -> i32 {
    use core::arch::wasm32::*;
    // SAFETY: the array types fix the lengths: 4 v128 of i8 and 8 of i16, all in bounds;
    // wasm loads need no alignment.
    unsafe {
        let (r, q) = (row.as_ptr().cast::<v128>(), q.as_ptr().cast::<v128>());
        let (r0, r1, r2, r3) = (
            v128_load(r),
            v128_load(r.add(1)),
            v128_load(r.add(2)),
            v128_load(r.add(3)),
        );
        let a = i32x4_add(
            i32x4_dot_i16x8(i16x8_extend_low_i8x16(r0), v128_load(q)),
            i32x4_dot_i16x8(i16x8_extend_high_i8x16(r0), v128_load(q.add(1))),
        );
        let b = i32x4_add(
            i32x4_dot_i16x8(i16x8_extend_low_i8x16(r1), v128_load(q.add(2))),
            i32x4_dot_i16x8(i16x8_extend_high_i8x16(r1), v128_load(q.add(3))),
        );
        let c = i32x4_add(
            i32x4_dot_i16x8(i16x8_extend_low_i8x16(r2), v128_load(q.add(4))),
            i32x4_dot_i16x8(i16x8_extend_high_i8x16(r2), v128_load(q.add(5))),
        );
        let d = i32x4_add(
            i32x4_dot_i16x8(i16x8_extend_low_i8x16(r3), v128_load(q.add(6))),
            i32x4_dot_i16x8(i16x8_extend_high_i8x16(r3), v128_load(q.add(7))),
        );
        let acc = i32x4_add(i32x4_add(a, b), i32x4_add(c, d));
        i32x4_extract_lane::<0>(acc)
            + i32x4_extract_lane::<1>(acc)
            + i32x4_extract_lane::<2>(acc)
            + i32x4_extract_lane::<3>(acc)
    }
}

/// Unsafe as the SIMD kernel is, so that callers are the same in both builds.
#[cfg(not(all(target_arch = "wasm32", feature = "simd")))]
#[inline(always)]
unsafe fn dot64(row: &[i8; 64], q: &[i16; 64]) -> i32 {
    dot_i8_i16(row, q)
}

/// Integer dot product of a row with a query of the same padded length.
#[cfg(all(target_arch = "wasm32", feature = "simd"))]
#[target_feature(enable = "simd128")]
#[inline]
unsafe fn dot_i8_i16(row: &[i8], q: &[i16]) -> i32 {
    use core::arch::wasm32::*;
    assert!(row.len() % LANES == 0 && q.len() >= row.len());
    let mut acc = i32x4_splat(0);
    let (r, q) = (row.as_ptr(), q.as_ptr());
    for k in (0..row.len()).step_by(LANES) {
        // SAFETY: k + 16 <= row.len() <= q.len() (asserted above): one v128 of i8 and two
        // of i16 are in bounds; wasm loads need no alignment.
        let (r, q0, q1) = unsafe {
            (
                v128_load(r.add(k).cast()),
                v128_load(q.add(k).cast()),
                v128_load(q.add(k + 8).cast()),
            )
        };
        acc = i32x4_add(acc, i32x4_dot_i16x8(i16x8_extend_low_i8x16(r), q0));
        acc = i32x4_add(acc, i32x4_dot_i16x8(i16x8_extend_high_i8x16(r), q1));
    }
    i32x4_extract_lane::<0>(acc)
        + i32x4_extract_lane::<1>(acc)
        + i32x4_extract_lane::<2>(acc)
        + i32x4_extract_lane::<3>(acc)
}

/// Integer dot product of a row with a query of the same padded length (unsafe as `dot64`).
#[cfg(not(all(target_arch = "wasm32", feature = "simd")))]
#[inline]
unsafe fn dot_i8_i16(row: &[i8], q: &[i16]) -> i32 {
    row.iter()
        .zip(q)
        .map(|(&r, &q)| i32::from(r) * i32::from(q))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[f32]]) -> Embeddings {
        let mut t = Embeddings::new(rows[0].len());
        rows.iter().for_each(|r| t.push(r));
        t
    }

    #[test]
    fn quantised_dot_products_stay_within_a_percent_of_the_exact_cosine() {
        let mut seed = 7u32;
        let mut rand = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1 << 24) as f32 - 0.5
        };
        let rows: Vec<Vec<f32>> = (0..50).map(|_| (0..64).map(|_| rand()).collect()).collect();
        let t = table(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>());
        let unit = |v: &[f32]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter().map(|x| x / n).collect::<Vec<f32>>()
        };
        let query: Vec<f32> = (0..64).map(|_| rand()).collect();
        let mut q = Query::default();
        q.set(&unit(&query), &t);
        for (i, r) in rows.iter().enumerate() {
            let exact: f32 = unit(r).iter().zip(unit(&query)).map(|(a, b)| a * b).sum();
            let got = t.dot(i as u32, &q);
            assert!((got - exact).abs() < 0.01, "row {i}: {got} vs {exact}");
            assert!((t.cosine(i as u32, i as u32) - 1.0).abs() < 0.01);
        }
    }

    #[test]
    fn the_sweep_adds_exactly_the_row_by_row_dot_products() {
        for dim in [64, 20] {
            let rows: Vec<Vec<f32>> = (0..9)
                .map(|r| {
                    (0..dim)
                        .map(|k| ((r * 7 + k * 3) % 11) as f32 - 5.0)
                        .collect()
                })
                .collect();
            let t = table(&rows.iter().map(Vec::as_slice).collect::<Vec<_>>());
            let mut q = Query::default();
            q.set(&rows[2], &t);
            let mut out = vec![1.0f32; 9];
            t.add_dots(&q, 0.5, &mut out);
            for (i, o) in out.iter().enumerate() {
                assert_eq!(*o, 1.0 + 0.5 * t.dot(i as u32, &q), "dim {dim} row {i}");
            }
        }
    }

    #[test]
    fn the_binary_table_reads_back_what_was_written_and_refuses_damage() {
        let t = table(&[&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0], &[-1.0, 0.5, 0.0]]);
        let bytes = t.to_bytes();
        let back = Embeddings::from_bytes(&bytes, 3, 1024).unwrap();
        assert_eq!(
            (back.dim, &back.rows, &back.scales),
            (t.dim, &t.rows, &t.scales)
        );
        assert!(Embeddings::from_bytes(&bytes, 4, 1024)
            .unwrap_err()
            .contains("3 rows for 4 products"));
        assert!(Embeddings::from_bytes(&bytes[..bytes.len() - 1], 3, 1024).is_err());
        assert!(Embeddings::from_bytes(b"JSON{}", 3, 1024).is_err());
        let mut bad = bytes.clone();
        bad[12..16].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(Embeddings::from_bytes(&bad, 3, 1024)
            .unwrap_err()
            .contains("row 0"));
    }

    #[test]
    fn rows_without_embeddings_score_zero_and_pad_to_sixteen_lanes() {
        let mut t = Embeddings::new(3);
        t.push(&[3.0, 4.0, 0.0]);
        t.push_none();
        t.push(&[0.0, 0.0, 0.0]);
        assert!(t.has(0) && !t.has(1) && !t.has(2));
        assert_eq!(t.row(0).len(), 16);
        let mut out = [0.0f32; 3];
        assert!(t.add_to(0, 1.0, &mut out));
        assert!((out[0] - 0.6).abs() < 0.01 && (out[1] - 0.8).abs() < 0.01);
        let mut q = Query::default();
        q.set(&out, &t);
        assert_eq!(t.dot(1, &q), 0.0);
        assert!(t.dot(0, &q) > 0.99);
    }
}
