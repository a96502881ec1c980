//! What the builder learns from sessions: per item a trend-weighted popularity and a
//! "viewed next" list, from sequence-aware co-occurrence. It keeps counters per item and
//! one weight per distinct item pair seen within `window` steps; no session is kept.

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
}

impl Default for Params {
    fn default() -> Params {
        Params { window: 8, decay: 0.7, backward: 0.5, damping: 0.25, list_len: 30, trend_half_life: 0.1 }
    }
}

/// The model's output, indexed by interned item.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    pub popularity: Vec<f64>,
    pub similar: Vec<Vec<u32>>,
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

pub struct Model {
    params: Params,
    /// Sessions the model will see, to place each on the trend's time axis.
    expected: u64,
    seen: u64,
    views: Vec<u32>,
    trend: Vec<f64>,
    pairs: HashMap<u64, f32, BuildHasherDefault<PairHasher>>,
}

impl Model {
    pub fn new(params: Params, expected_sessions: u64) -> Model {
        Model { params, expected: expected_sessions.max(1), seen: 0, views: Vec::new(), trend: Vec::new(), pairs: HashMap::default() }
    }

    /// Learns from one session (interned items in view order); call in time order.
    pub fn add(&mut self, items: &[u32]) {
        let p = &self.params;
        let age = self.expected.saturating_sub(self.seen + 1) as f64 / self.expected as f64;
        let recency = 0.5f64.powf(age / p.trend_half_life);
        self.seen += 1;
        for &i in items {
            let i = i as usize;
            if i >= self.views.len() {
                self.views.resize(i + 1, 0);
                self.trend.resize(i + 1, 0.0);
            }
            self.views[i] += 1;
            self.trend[i] += recency;
        }
        for (k, &a) in items.iter().enumerate() {
            let mut w = 1.0;
            for &b in items.iter().skip(k + 1).take(p.window) {
                if a != b {
                    *self.pairs.entry(key(a, b)).or_default() += w;
                    *self.pairs.entry(key(b, a)).or_default() += p.backward * w;
                }
                w *= p.decay;
            }
        }
    }

    /// Popularity and related lists for `n_items` items (items never seen get neither).
    pub fn finish(self, n_items: usize) -> Trained {
        let Model { params, mut views, mut trend, pairs, .. } = self;
        views.resize(n_items, 0);
        trend.resize(n_items, 0.0);
        let norm: Vec<f32> = views.iter().map(|&v| (v.max(1) as f32).powf(params.damping)).collect();
        let mut scored: Vec<(u32, f32, u32)> = pairs.into_iter().map(|(k, w)| ((k >> 32) as u32, w / norm[(k as u32) as usize], k as u32)).collect();
        // Best first per item; ties to the lower index so that builds are reproducible.
        scored.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)));
        let mut similar = vec![Vec::new(); n_items];
        for (a, _, b) in scored {
            let list = &mut similar[a as usize];
            if list.len() < params.list_len {
                list.push(b);
            }
        }
        Trained { popularity: trend, similar }
    }
}

fn key(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}
