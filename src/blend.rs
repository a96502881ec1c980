//! The weights `for_you` blends, as one plain value: the store's builder learns them from
//! its own session log (`vitrin-server build` fits them on a validation split) and ships
//! them in the catalog's optional `blend` object; a catalog without one ranks with the
//! defaults. The field table `Blend::FIELDS` is the only list of their names: reading,
//! writing, the bounds and the builder's search all derive from it. Depends on `json`.

use crate::error::Result;
use crate::json::Obj;
use crate::prelude::*;
use crate::value::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blend {
    /// The k-th most recent view seeds the related lists with weight `recency^k`.
    pub recency: f32,
    /// How many recent views seed.
    pub seeds: f32,
    /// A product the visitor viewed is a candidate itself: the k-th most recent view adds
    /// `revisit * revisit_recency^k` (repeat views add up). Shops differ a lot here.
    pub revisit: f32,
    pub revisit_recency: f32,
    /// A related list's r-th entry weighs `1 / (1 + rank_decay * r)`.
    pub rank_decay: f32,
    /// Beside the recency-weighted sum over the seeds, the best single seed's
    /// contribution to a candidate (max pooling), times this.
    pub max_pool: f32,
    /// Neighbours of neighbours: the `two_hop_seeds` most recent views pass on the
    /// "viewed together" lists of the first `two_hop_fanout` products in their own, times
    /// this and both ranks' factors. It reaches products no seed lists (a third of the next
    /// views on Diginetica) and costs the catalog nothing; 0 turns it off.
    pub two_hop: f32,
    pub two_hop_seeds: f32,
    pub two_hop_fanout: f32,
    /// Relation weights of the related lists.
    pub similar: f32,
    pub bought_with: f32,
    pub goes_with: f32,
    /// Dense terms: embedding similarity to the taste vector, category/brand affinity,
    /// popularity prior.
    pub embedding: f32,
    pub affinity: f32,
    pub popularity: f32,
}

/// One tunable weight: its JSON name, where it sits in `Blend` and its accepted range.
pub struct Field {
    pub name: &'static str,
    /// `offset_of!` the weight, not a getter and a setter per weight: thirty closures in
    /// the wasm's function table cost more than the two methods below (wasm size).
    at: usize,
    pub min: f32,
    pub max: f32,
}

macro_rules! fields {
    ($($name:literal $field:ident $min:literal..$max:literal),* $(,)?) => {
        &[$(Field {
            name: $name,
            // The closure, never called, only checks that the weight is an `f32`.
            at: { let _ = |b: &Blend| -> f32 { b.$field }; core::mem::offset_of!(Blend, $field) },
            min: $min,
            max: $max,
        }),*]
    };
}

impl Field {
    pub fn get(&self, b: &Blend) -> f32 {
        // SAFETY: `at` is the offset of an `f32` field of `Blend` (`fields!`, the only maker
        // of a `Field`), so the read stays inside `b`, aligned.
        unsafe { *(b as *const Blend).cast::<u8>().add(self.at).cast::<f32>() }
    }

    pub fn set(&self, b: &mut Blend, x: f32) {
        // SAFETY: as in `get`.
        unsafe { *(b as *mut Blend).cast::<u8>().add(self.at).cast::<f32>() = x }
    }
}

impl Default for Blend {
    /// Chosen on the Diginetica replay's validation split; a store's own fit replaces them.
    fn default() -> Blend {
        Blend {
            recency: 0.75,
            seeds: 20.0,
            revisit: 2.0,
            revisit_recency: 0.85,
            rank_decay: 0.15,
            max_pool: 0.0,
            two_hop: 0.0,
            two_hop_seeds: 3.0,
            two_hop_fanout: 10.0,
            similar: 1.0,
            bought_with: 0.8,
            goes_with: 0.6,
            embedding: 0.6,
            affinity: 0.3,
            popularity: 0.1,
        }
    }
}

impl Blend {
    pub const FIELDS: &'static [Field] = fields![
        "recency" recency 0.0..1.0,
        "seeds" seeds 1.0..50.0,
        "revisit" revisit 0.0..100.0,
        "revisitRecency" revisit_recency 0.0..1.0,
        "rankDecay" rank_decay 0.0..10.0,
        "maxPool" max_pool 0.0..100.0,
        "twoHop" two_hop 0.0..100.0,
        "twoHopSeeds" two_hop_seeds 1.0..20.0,
        "twoHopFanout" two_hop_fanout 1.0..50.0,
        "similar" similar 0.0..100.0,
        "boughtWith" bought_with 0.0..100.0,
        "goesWith" goes_with 0.0..100.0,
        "embedding" embedding 0.0..100.0,
        "affinity" affinity 0.0..100.0,
        "popularity" popularity 0.0..100.0,
    ];

    /// Reads a `blend` object: every field optional (the default stands in), each within
    /// its range; an unknown name is an error, since a misspelt weight would silently do nothing.
    pub fn from_obj(o: &Obj) -> Result<Blend> {
        let mut b = Blend::default();
        for key in o.map.keys() {
            if !Blend::FIELDS.iter().any(|f| f.name == key) {
                let names = crate::error::listed(Blend::FIELDS.iter().map(|f| f.name));
                return Err(o.err(key, crate::cat!("unknown weight; known: ", names)));
            }
        }
        for f in Blend::FIELDS {
            if let Some(x) = o.opt_num_in(f.name, f.min as f64, f.max as f64)? {
                f.set(&mut b, x as f32);
            }
        }
        Ok(b)
    }

    /// The `blend` object, every field written.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for f in Blend::FIELDS {
            // Four significant digits are plenty for a weight and keep the JSON short.
            let x = f.get(self) as f64;
            let rounded = format!("{x:.4e}").parse::<f64>().unwrap_or(x);
            m.insert(f.name.to_string(), Value::from(rounded));
        }
        Value::Object(m)
    }

    /// How many recent views seed, as a count.
    pub fn seed_count(&self) -> usize {
        self.seeds.round() as usize
    }

    /// How many recent views pass on their neighbours' lists, and how many neighbours each.
    pub fn two_hop_counts(&self) -> (usize, usize) {
        (
            self.two_hop_seeds.round() as usize,
            self.two_hop_fanout.round() as usize,
        )
    }

    /// The weight of a related list's entry at `rank`.
    #[inline(always)]
    pub fn rank_factor(&self, rank: usize) -> f32 {
        1.0 / (1.0 + self.rank_decay * rank as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn read(v: Value) -> Result<Blend> {
        Blend::from_obj(&Obj::new(&v, "/blend", "invalid_catalog")?)
    }

    #[test]
    fn round_trips_and_defaults_what_is_absent() {
        let mut b = Blend::default();
        b.revisit = 3.5;
        b.max_pool = 0.25;
        assert_eq!(read(b.to_json()).unwrap(), b);
        assert_eq!(
            read(json!({"revisit": 0.5})).unwrap(),
            Blend {
                revisit: 0.5,
                ..Blend::default()
            }
        );
    }

    #[test]
    fn each_field_reads_and_writes_its_own_weight() {
        let mut b = Blend::default();
        for (k, f) in Blend::FIELDS.iter().enumerate() {
            f.set(&mut b, k as f32);
        }
        let named = [
            b.recency,
            b.seeds,
            b.revisit,
            b.revisit_recency,
            b.rank_decay,
            b.max_pool,
            b.two_hop,
            b.two_hop_seeds,
            b.two_hop_fanout,
            b.similar,
            b.bought_with,
            b.goes_with,
            b.embedding,
            b.affinity,
            b.popularity,
        ];
        assert_eq!(named.len(), Blend::FIELDS.len());
        for (k, f) in Blend::FIELDS.iter().enumerate() {
            assert_eq!((named[k], f.get(&b)), (k as f32, k as f32), "{}", f.name);
        }
    }

    #[test]
    fn rejects_unknown_names_and_out_of_range_values_with_their_path() {
        let e = read(json!({"revisits": 1})).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_deref()),
            ("invalid_catalog", Some("/blend/revisits"))
        );
        let e = read(json!({"recency": 2})).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("/blend/recency"));
        assert!(read(json!({"seeds": "many"})).is_err());
    }
}
