//! What the builder learns from sessions and orders: per item a trend-weighted popularity,
//! a "viewed next" list from sequence-aware co-occurrence, a "bought with" list from
//! orders holding both items, and optionally an embedding. It keeps counters per item and
//! one weight per distinct item pair; no session or order is kept.
//!
//! **Embeddings** are a random projection of each item's row of the co-occurrence matrix
//! (the same damped weights that rank `similar`, plus co-purchases): item a gets
//! Σ_b w(a, b)·s_b, where s_b is a fixed random ±1 vector of item b drawn from a hash of
//! its index. By Johnson–Lindenstrauss, dot products between rows survive the projection
//! up to a small distortion, so items with the same neighbours point the same way. It
//! costs one pass over the pair weights already in memory (O(pairs × dim)) and no extra
//! state, where a truncated SVD of the same matrix would need several passes of sparse
//! products and orthogonalisation for a modest gain at this size. Off by default
//! (`embedding_dim` 0): the catalog grows by ~dim×8 bytes per product, and the related
//! lists already carry the signal for session-based ranking.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Pairs are counted up to this many steps apart within a session.
    pub window: usize,
    /// A pair `d` steps apart weighs `decay^(d-1)`: the next view says most.
    pub decay: f32,
    /// Weight of "viewed before" relative to "viewed after".
    pub backward: f32,
    /// A neighbour scores pair weight / views(neighbour)^damping: 0.5 orders like
    /// item-kNN's cosine, 0 by raw co-occurrence (which favours bestsellers).
    pub damping: f32,
    /// Length of each related list.
    pub list_len: usize,
    /// Popularity half-life as a share of the sessions: the recent trend counts more.
    pub trend_half_life: f64,
    /// Embedding width (0: none; at most `MAX_EMBEDDING_DIM`).
    pub embedding_dim: usize,
}

pub const MAX_EMBEDDING_DIM: usize = 64;

impl Default for Params {
    fn default() -> Params {
        Params {
            window: 8,
            decay: 0.7,
            backward: 0.5,
            damping: 0.25,
            list_len: 30,
            trend_half_life: 0.1,
            embedding_dim: 0,
        }
    }
}

/// The model's output, indexed by interned item.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    pub popularity: Vec<f64>,
    pub similar: Vec<Vec<u32>>,
    pub bought_with: Vec<Vec<u32>>,
    /// `n_items × dim` floats, each row unit length; empty when `dim` is 0.
    pub embeddings: Vec<f32>,
    pub dim: usize,
}

/// Multiplicative hashing of the packed pair key: far cheaper than SipHash, and the keys
/// are our own indices, not attacker input.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The counts the model learns from: what this module's streaming pass accumulates and what
/// the DataFusion plans (`crate::plans`) compute over the event log. `train` turns either
/// into the same `Trained`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts<P> {
    /// Views per interned item.
    pub views: Vec<u32>,
    /// Σ over an item's views of 0.5^(session age / trend half-life).
    pub trend: Vec<f64>,
    /// (a, b, weight), any iterable: Σ over sessions of the sequence weights of b near a,
    /// in either direction (`Params::step_weights`); one entry per ordered pair.
    pub pairs: P,
    /// (a, b, orders holding both); one entry per ordered pair.
    pub baskets: P,
}

pub struct Model {
    params: Params,
    /// Sessions the model will see, to place each on the trend's time axis.
    expected: u64,
    seen: u64,
    views: Vec<u32>,
    trend: Vec<f64>,
    // f64 sums (the entry is 16 bytes with an f32 too): a sum does not depend on the order
    // of its terms at f32 precision, so every engine that adds them agrees.
    pairs: HashMap<u64, f64, BuildHasherDefault<PairHasher>>,
    /// Orders holding both items, per ordered pair.
    baskets: HashMap<u64, f64, BuildHasherDefault<PairHasher>>,
}

impl Model {
    pub fn new(params: Params, expected_sessions: u64) -> Model {
        Model {
            params,
            expected: expected_sessions.max(1),
            seen: 0,
            views: Vec::new(),
            trend: Vec::new(),
            pairs: HashMap::default(),
            baskets: HashMap::default(),
        }
    }

    /// Learns from one session of a log (interned items in view order); call in log order:
    /// its place in the log dates it.
    pub fn add(&mut self, items: &[u32]) {
        let age = self.expected.saturating_sub(self.seen + 1) as f64 / self.expected as f64;
        self.seen += 1;
        self.add_dated(items, age);
    }

    /// Learns from one session whose age is known: 0 for the newest, 1 for the oldest.
    pub fn add_dated(&mut self, items: &[u32], age: f64) {
        let p = &self.params;
        let recency = 0.5f64.powf(age / p.trend_half_life);
        for &i in items {
            let i = i as usize;
            if i >= self.views.len() {
                self.views.resize(i + 1, 0);
                self.trend.resize(i + 1, 0.0);
            }
            self.views[i] += 1;
            self.trend[i] += recency;
        }
        let steps = p.step_weights();
        for (k, &a) in items.iter().enumerate() {
            for (&b, &(forward, backward)) in items[k + 1..].iter().zip(&steps) {
                if a != b {
                    *self.pairs.entry(key(a, b)).or_default() += forward;
                    *self.pairs.entry(key(b, a)).or_default() += backward;
                }
            }
        }
    }

    /// Learns from one order (interned items, repeats allowed): every two products in it
    /// were bought together once.
    pub fn add_basket(&mut self, items: &[u32]) {
        let mut distinct = items.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        for (k, &a) in distinct.iter().enumerate() {
            for &b in &distinct[k + 1..] {
                *self.baskets.entry(key(a, b)).or_default() += 1.0;
                *self.baskets.entry(key(b, a)).or_default() += 1.0;
            }
        }
    }

    /// Popularity, related lists and embeddings for `n_items` items (items never seen get none).
    /// Leaves the model as it was, so that it can learn more and finish again (the fit
    /// finishes it once before the held-out sessions join it).
    pub fn finish(&self, n_items: usize) -> Trained {
        let unpack = |(&k, &w): (&u64, &f64)| ((k >> 32) as u32, k as u32, w);
        let counts = Counts {
            views: self.views.clone(),
            trend: self.trend.clone(),
            pairs: self.pairs.iter().map(unpack),
            baskets: self.baskets.iter().map(unpack),
        };
        train(&self.params, counts, n_items)
    }
}

impl Params {
    /// (forward, backward) weight of an item `d` steps after another, for d = 1..=window:
    /// `decay^(d-1)` in f32 as it always was, widened to f64 for summing.
    pub fn step_weights(&self) -> Vec<(f64, f64)> {
        let mut w = 1.0f32;
        (0..self.window)
            .map(|_| {
                let step = (f64::from(w), f64::from(self.backward * w));
                w *= self.decay;
                step
            })
            .collect()
    }
}

/// Popularity, related lists and embeddings for `n_items` items from their counts.
pub fn train<P: IntoIterator<Item = (u32, u32, f64)>>(
    params: &Params,
    counts: Counts<P>,
    n_items: usize,
) -> Trained {
    let Counts {
        mut views,
        mut trend,
        pairs,
        baskets,
    } = counts;
    views.resize(n_items, 0);
    trend.resize(n_items, 0.0);
    let norm: Vec<f32> = views
        .iter()
        .map(|&v| (v.max(1) as f32).powf(params.damping))
        .collect();
    let scored = |m: P, damped: bool| -> Vec<(u32, f32, u32)> {
        m.into_iter()
            .map(|(a, b, w)| {
                (
                    a,
                    if damped {
                        w as f32 / norm[b as usize]
                    } else {
                        w as f32
                    },
                    b,
                )
            })
            .collect()
    };
    // Sorted once, for the lists and so that the embeddings add up in the same order
    // whichever engine counted the pairs.
    let similar = by_item(scored(pairs, true));
    let bought = by_item(scored(baskets, false));
    let dim = params.embedding_dim.min(MAX_EMBEDDING_DIM);
    let mut embeddings = vec![0f32; n_items * dim];
    if dim > 0 {
        for &(a, w, b) in similar.iter().chain(&bought) {
            let signs = splitmix(b as u64);
            let row = &mut embeddings[a as usize * dim..(a as usize + 1) * dim];
            for (k, x) in row.iter_mut().enumerate() {
                *x += if signs >> k & 1 == 1 { w } else { -w };
            }
        }
        embeddings
            .chunks_mut(dim)
            .for_each(vitrin::catalog::normalize);
    }
    Trained {
        popularity: trend,
        similar: top_lists(similar, n_items, params.list_len),
        bought_with: top_lists(bought, n_items, params.list_len),
        embeddings,
        dim,
    }
}

/// (item, score, neighbour) by item, best score first, ties to the lower index so that
/// builds are reproducible.
fn by_item(mut scored: Vec<(u32, f32, u32)>) -> Vec<(u32, f32, u32)> {
    scored.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)));
    scored
}

/// Per item, its `len` best-scored neighbours from `by_item`'s order.
fn top_lists(scored: Vec<(u32, f32, u32)>, n_items: usize, len: usize) -> Vec<Vec<u32>> {
    let mut lists = vec![Vec::new(); n_items];
    for (a, _, b) in scored {
        let list = &mut lists[a as usize];
        if list.len() < len {
            list.push(b);
        }
    }
    lists
}

/// 64 well-mixed bits from an item index: its random ±1 signs.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn key(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}
