//! Rule-tuned slots. Filters and boosts that read only `product.*` are fixed sets of
//! products for a catalog: computed once (`rules::product::ProductCondition`) and applied to every product
//! in the scoring pass (`prefilter`), so a filter never empties a slot and a boost can lift
//! any product. The rest — exclusions, conditions that read the visitor, pins, diversity —
//! re-rank the strategy's pool, which is small (at most `scoring::MAX_LIMIT`), so
//! per-candidate JSON contexts stay cheap.

use crate::catalog::Catalog;
use crate::prelude::*;
use crate::reasons::Why;
use crate::rules::product::product_context;
use crate::rules::{Slot, Tweak};
use crate::scoring::{keep, Pick, Prefilter, Strategy, Subject};
use crate::value::Value;
use crate::visitor::VisitorState;
use alloc::rc::Rc;

/// A tweak with the campaign and variant that asked for it (`None`: the slot's own).
pub type Active<'a> = (&'a Tweak, Option<(&'a str, &'a str)>);

/// Loads the product-only filters and boosts of `tweaks` into the scorer's prefilter for
/// the next `recommend`: one number per product (its boosts, or -inf when a filter drops
/// it), rebuilt only when the sets in force change.
pub fn prefilter(p: &mut Prefilter, c: &Catalog, tweaks: &[Active]) {
    p.wanted.clear();
    // Loops, not `extend(map(..))`: the adapters compiled to more wasm.
    for (t, _) in tweaks {
        for f in &t.product_filters {
            p.wanted.push((f.products(c), None));
        }
        for (b, w) in &t.product_boosts {
            p.wanted.push((b.products(c), Some(*w)));
        }
    }
    p.active = !p.wanted.is_empty();
    let same = p.wanted.len() == p.made_from.len()
        && p.wanted
            .iter()
            .zip(&p.made_from)
            .all(|((a, x), (b, y))| Rc::ptr_eq(a, b) && x == y);
    if same || !p.active {
        return;
    }
    p.adjust.clear();
    p.adjust.resize(c.len(), 0.0);
    for (set, weight) in &p.wanted {
        for (ix, a) in p.adjust.iter_mut().enumerate() {
            let holds = set[ix / 64] & (1 << (ix % 64)) != 0;
            match weight {
                None if !holds => *a = f32::NEG_INFINITY,
                Some(w) if holds => *a += w,
                _ => {}
            }
        }
    }
    p.max = p.adjust.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    core::mem::swap(&mut p.made_from, &mut p.wanted);
}

/// Re-ranks `cands` (the strategy's pool, best first): exclusions, filters, boosts, pins,
/// diversity. A pick's `by` becomes the place in `tweaks` of the campaign tweak that
/// boosted it last, or of the tweak that pinned it. `data` is `{"product": …, "visitor":
/// <the visitor context>}`; each candidate's product is written into it in turn; the
/// product-only conditions were applied by the scoring pass (`prefilter`).
pub fn tune(
    cands: &mut Vec<Pick>,
    c: &Catalog,
    variety: Option<&Diversity>,
    tweaks: &[Active],
    data: &mut Value,
    page_product: Option<u32>,
) {
    let excluded = |ix: u32| {
        tweaks
            .iter()
            .any(|(t, _)| t.exclude.iter().any(|x| x == c.id(ix)))
    };
    keep(cands, &mut |r| !excluded(r.ix));
    // A campaign whose product-only boost lifted a pick is credited with it.
    for r in cands.iter_mut() {
        if let Some(k) = tweaks.iter().rposition(|(t, who)| {
            who.is_some() && t.product_boosts.iter().any(|(b, _)| b.holds(c, r.ix))
        }) {
            r.by = k as u32;
        }
    }
    if tweaks
        .iter()
        .any(|(t, _)| !t.filters.is_empty() || !t.boosts.is_empty())
    {
        let fields = tweaks.iter().fold(0, |m, (t, _)| m | t.product_fields);
        keep(cands, &mut |r| {
            // `get_mut`, not `data["product"] = …`: the caller made the key, and IndexMut's
            // panic would keep `Debug` formatting in the wasm.
            if let Some(p) = data.get_mut("product") {
                *p = product_context(c, r.ix, fields);
            }
            let data = &*data;
            if !tweaks
                .iter()
                .all(|(t, _)| t.filters.iter().all(|f| f.logic.matches(data)))
            {
                return false;
            }
            for (k, (t, who)) in tweaks.iter().enumerate() {
                for b in t.boosts.iter().filter(|b| b.when.logic.matches(data)) {
                    r.score += b.weight;
                    if who.is_some() {
                        r.by = k as u32;
                    }
                }
            }
            true
        });
        // Best first; equal scores keep the strategy's order.
        crate::order::sort_by_key(cands, |r| (-f64::from(r.score), 0));
    }
    let mut pinned: Vec<Pick> = Vec::new();
    let top = cands.first().map_or(1.0, |r| r.score);
    for (k, (t, _)) in tweaks.iter().enumerate() {
        for id in &t.pin {
            let Some(ix) = c.index(id) else { continue };
            if !c.in_stock[ix as usize]
                || excluded(ix)
                || Some(ix) == page_product
                || pinned.iter().any(|p| p.ix == ix)
            {
                continue;
            }
            keep(cands, &mut |r| r.ix != ix);
            pinned.push(Pick {
                ix,
                score: top + 1.0,
                why: Why::Featured,
                subject: Subject::None,
                by: k as u32,
            });
        }
    }
    pinned.append(cands);
    *cands = pinned;
    if let Some(d) = variety {
        diversify(cands, c, d);
    }
}

/// Variety in a slot's results: at most so many per category (leaf) and per brand, and
/// the products the visitor just viewed after the rest (`recently_viewed` shows those).
/// Storefront `for_you` slots get it by default: half the slot per category, viewed items
/// last (unless the catalog's fitted `blend` ranks them); a rule slot's `diversity` tunes or
/// turns it off (`maxShare: 1, repeatViewed: true`).
pub struct Diversity {
    per_category: Option<usize>,
    per_brand: Option<usize>,
    /// The share cap (`maxShare`, default for `for_you`): the scorer's pool keeps at most
    /// this many per category while others have candidates; picks past it move after the
    /// rest instead of leaving, so a slot over a narrow catalog still fills.
    per_category_soft: Option<usize>,
    /// Catalog indices of the visitor's recent views, moved after the other picks.
    viewed: Vec<u32>,
}

/// Share of a `for_you` slot one category may fill when the rules say nothing.
pub const DEFAULT_MAX_SHARE: f64 = 0.5;

impl Diversity {
    /// `defaults`: whether a `for_you` slot gets the storefront's variety when its rules say nothing.
    pub fn of(
        slot: Option<&Slot>,
        strategy: Strategy,
        limit: usize,
        defaults: bool,
        s: &VisitorState,
        c: &Catalog,
    ) -> Option<Diversity> {
        let for_you = defaults && strategy == Strategy::ForYou;
        let share = slot
            .and_then(|s| s.max_share)
            .or(for_you.then_some(DEFAULT_MAX_SHARE));
        let per_category_soft = share
            .filter(|&x| x < 1.0)
            .map(|x| ((limit as f64 * x).ceil() as usize).max(1));
        let per_category = slot.and_then(|s| s.max_per_category);
        let per_brand = slot.and_then(|s| s.max_per_brand);
        // A store whose catalog ships a fitted blend has measured how its shoppers return
        // to what they viewed: its ranking decides, unless the rules say otherwise.
        let repeat = slot
            .and_then(|s| s.repeat_viewed)
            .unwrap_or(!for_you || c.blend_fitted);
        let mut viewed = Vec::new();
        if !repeat {
            // A loop, not `filter_map(..).collect()`: the adapter compiled to more wasm.
            for v in &s.recently_viewed {
                if let Some(ix) = c.index(&v.product_id) {
                    viewed.push(ix);
                }
            }
        }
        (per_category.is_some()
            || per_brand.is_some()
            || per_category_soft.is_some()
            || !viewed.is_empty())
        .then_some(Diversity {
            per_category,
            per_brand,
            per_category_soft,
            viewed,
        })
    }
}

impl Diversity {
    /// Places per leaf category the strategy's pool keeps while other categories have
    /// candidates (`Scorer::per_category`): the share, or the hard maximum if lower.
    pub fn pool_cap(&self) -> Option<usize> {
        match (self.per_category, self.per_category_soft) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The viewed products the slot moves after the rest (not counted against the share).
    pub fn moved_last(&self) -> &[u32] {
        &self.viewed
    }
}

/// Drops results past the per-category / per-brand maximum, and moves viewed products and
/// those past the share cap after the rest, keeping order otherwise.
fn diversify(cands: &mut Vec<Pick>, c: &Catalog, d: &Diversity) {
    let (per_category, per_brand) = (d.per_category, d.per_brand);
    if !d.viewed.is_empty() || d.per_category_soft.is_some() {
        let mut seen = Vec::new();
        // Picks kept so far per category node.
        let mut counts = vec![0usize; c.category_paths.len()];
        let mut k = 0;
        while k < cands.len() {
            let r = &cands[k];
            let n = &mut counts[c.category[r.ix as usize] as usize];
            let over = d.per_category_soft.is_some_and(|cap| *n >= cap);
            if r.why != Why::Featured && (over || d.viewed.contains(&r.ix)) {
                seen.push(cands.remove(k));
            } else {
                *n += 1;
                k += 1;
            }
        }
        // Scores stay best first: a moved pick scores at most the last one it now follows.
        let floor = cands.last().map_or(f32::INFINITY, |r| r.score);
        for mut r in seen {
            r.score = r.score.min(floor);
            cands.push(r);
        }
    }
    if per_category.is_none() && per_brand.is_none() {
        return;
    }
    let mut seen: Vec<(u32, u32)> = Vec::new();
    keep(cands, &mut |r| {
        let ix = r.ix as usize;
        let (cat, brand) = (c.category[ix], c.brand[ix]);
        let same_cat = seen.iter().filter(|(sc, _)| *sc == cat).count();
        let same_brand = seen
            .iter()
            .filter(|(_, sb)| *sb == brand && brand != u32::MAX)
            .count();
        let keep =
            per_category.is_none_or(|n| same_cat < n) && per_brand.is_none_or(|n| same_brand < n);
        if keep {
            seen.push((cat, brand));
        }
        keep
    });
}
