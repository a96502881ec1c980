//! Fitting the engine's ranking weights (`vitrin::blend::Blend`) to one store. The last
//! sessions of the model's own log are held out of a first model; each of their prefixes
//! becomes a case (the visitor's views so far, the product viewed next), replayed through
//! the engine's own `Scorer` exactly as a browser would rank it. A coordinate search over
//! the weights the data can inform keeps every change that raises HR@20 + MRR@20 on those
//! cases. Nothing here reads a test split: a store's fit sees only its training log.
//!
//! It works on a built `Catalog`, so it is the same whichever aggregation produced the
//! catalog's lists.

use vitrin::blend::{Blend, Field};
use vitrin::catalog::{Catalog, Relation};
use vitrin::events::{Event, EventKind};
use vitrin::reasons::Lang;
use vitrin::scoring::{Scorer, Signals, Strategy};
use vitrin::visitor::VisitorState;

const K: usize = 20;
/// A change must gain this much (HR@20 + MRR@20, in points) to be kept: smaller gains are
/// noise at a few thousand cases.
const MIN_GAIN: f64 = 0.05;

/// One held-out prefix: the visitor state after its views, and the product viewed next.
pub struct Case {
    state: VisitorState,
    target: u32,
}

/// HR@20 and MRR@20 in percent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    pub hr20: f64,
    pub mrr20: f64,
    pub cases: usize,
}

impl Score {
    fn objective(&self) -> f64 {
        self.hr20 + self.mrr20
    }
}

#[derive(Debug, Clone)]
pub struct Fit {
    pub blend: Blend,
    /// With the default weights, and with the fitted ones.
    pub before: Score,
    pub after: Score,
    pub trials: usize,
}

/// The prefixes of `sessions` (product ids in view order) as cases, up to `max` of them
/// taken from sessions spread evenly over the list. Products the catalog lacks are skipped,
/// as a storefront would never report them.
pub fn cases<'a>(
    catalog: &Catalog,
    sessions: impl ExactSizeIterator<Item = Vec<&'a str>>,
    max: usize,
) -> Vec<Case> {
    let sessions: Vec<Vec<u32>> = sessions
        .map(|s| s.into_iter().filter_map(|id| catalog.index(id)).collect())
        .collect();
    let total: usize = sessions.iter().map(|s| s.len().saturating_sub(1)).sum();
    // Every `step`-th session, so that a capped sample still spans the whole period.
    let step = total.div_ceil(max.max(1)).max(1);
    let mut out = Vec::new();
    for s in sessions.iter().step_by(step) {
        let mut state = VisitorState::default();
        let mut at = 1.7e12;
        for k in 0..s.len().saturating_sub(1) {
            at += 30_000.0;
            let event = Event {
                kind: EventKind::View {
                    product_id: catalog.id(s[k]).to_string(),
                },
                at,
            };
            state.apply(&event, catalog, true);
            if out.len() == max {
                return out;
            }
            out.push(Case {
                state: state.clone(),
                target: s[k + 1],
            });
        }
    }
    out
}

/// HR@20 and MRR@20 of `for_you` over the cases, with the catalog's current blend.
pub fn evaluate(catalog: &Catalog, cases: &[Case], scorer: &mut Scorer) -> Score {
    let (mut hits, mut rr) = (0usize, 0f64);
    for case in cases {
        let s = Signals {
            catalog,
            state: &case.state,
            profile: None,
            now: case.state.last_seen + 5_000.0,
            personal: true,
            lang: Lang::En,
        };
        let picks = scorer.recommend(&s, Strategy::ForYou, None, K);
        if let Some(rank) = picks.iter().position(|p| p.ix == case.target) {
            hits += 1;
            rr += 1.0 / (rank + 1) as f64;
        }
    }
    let n = cases.len().max(1) as f64;
    Score {
        hr20: 100.0 * hits as f64 / n,
        mrr20: 100.0 * rr / n,
        cases: cases.len(),
    }
}

/// The weights this catalog's data can say something about: the lists and dense terms it
/// has, and the session weights always.
fn tunable(c: &Catalog) -> Vec<&'static Field> {
    let has = |rel| (0..c.len() as u32).any(|i| !c.related(i, rel).is_empty());
    let mut names = vec![
        "revisit",
        "revisitRecency",
        "recency",
        "rankDecay",
        "maxPool",
        "seeds",
        "popularity",
    ];
    if has(Relation::Similar) {
        // After its strength, how many views and how many of their neighbours pass on.
        names.extend(["twoHop", "twoHopSeeds", "twoHopFanout"]);
    }
    if has(Relation::BoughtWith) {
        names.push("boughtWith");
    }
    if has(Relation::GoesWith) {
        names.push("goesWith");
    }
    if c.embeddings.dim() > 0 {
        names.push("embedding");
    }
    if c.category_paths.len() > 1 || !c.brand_names.is_empty() {
        names.push("affinity");
    }
    names
        .iter()
        .filter_map(|n| Blend::FIELDS.iter().find(|f| f.name == *n))
        .collect()
}

/// Values to try for a field now at `x`; `wide` in the first round, closer in the next.
fn candidates(f: &Field, x: f32, wide: bool) -> Vec<f32> {
    let tried: Vec<f32> = if f.max <= 1.0 {
        // A decay in [0, 1]: additive steps.
        let steps: &[f32] = if wide {
            &[-0.3, -0.15, 0.1, 0.2]
        } else {
            &[-0.07, -0.03, 0.03, 0.07]
        };
        steps.iter().map(|d| x + d).collect()
    } else if x == 0.0 {
        if wide {
            vec![0.1, 0.3, 1.0]
        } else {
            vec![0.03]
        }
    } else {
        let steps: &[f32] = if wide {
            &[0.0, 0.3, 0.6, 1.6, 3.0]
        } else {
            &[0.8, 1.25]
        };
        steps.iter().map(|m| x * m).collect()
    };
    let mut out: Vec<f32> = tried
        .into_iter()
        .map(|v| v.clamp(f.min, f.max))
        .filter(|&v| (v - x).abs() > 1e-6)
        .collect();
    out.dedup();
    out
}

/// Coordinate search from the catalog's current blend; leaves the best blend in the
/// catalog and returns it with the scores before and after.
pub fn fit(catalog: &mut Catalog, cases: &[Case]) -> Fit {
    let mut scorer = Scorer::default();
    let before = evaluate(catalog, cases, &mut scorer);
    let mut best = before;
    let mut trials = 1;
    let fields = tunable(catalog);
    for wide in [true, false] {
        for f in &fields {
            let current = f.get(&catalog.blend);
            let mut chosen = current;
            for x in candidates(f, current, wide) {
                let mut trial = catalog.blend;
                f.set(&mut trial, x);
                let kept = std::mem::replace(&mut catalog.blend, trial);
                let score = evaluate(catalog, cases, &mut scorer);
                trials += 1;
                catalog.blend = kept;
                if score.objective() > best.objective() + MIN_GAIN {
                    best = score;
                    chosen = x;
                }
            }
            f.set(&mut catalog.blend, chosen);
        }
    }
    Fit {
        blend: catalog.blend,
        before,
        after: best,
        trials,
    }
}
