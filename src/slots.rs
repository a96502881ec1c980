//! Rule-tuned slots. Filters and boosts that read only `product.*` are fixed sets of
//! products for a catalog: computed once (`rules::product::ProductCondition`) and applied to every product
//! in the scoring pass (`prefilter`), so a filter never empties a slot and a boost can lift
//! any product. The rest — exclusions, conditions that read the visitor, pins, diversity —
//! re-rank the strategy's pool, which is small (at most `scoring::MAX_LIMIT`), so
//! per-candidate JSON contexts stay cheap.

use crate::catalog::Catalog;
use crate::reasons::Why;
use crate::rules::product::product_context;
use crate::rules::{Slot, Tweak};
use crate::scoring::{Pick, Prefilter, Subject};
use serde_json::Value;
use std::rc::Rc;

/// A tweak with the campaign and variant that asked for it (`None`: the slot's own).
pub type Active<'a> = (&'a Tweak, Option<(String, String)>);

/// Loads the product-only filters and boosts of `tweaks` into the scorer's prefilter for
/// the next `recommend`: one number per product (its boosts, or -inf when a filter drops
/// it), rebuilt only when the sets in force change.
pub fn prefilter(p: &mut Prefilter, c: &Catalog, tweaks: &[Active]) {
    p.wanted.clear();
    for (t, _) in tweaks {
        p.wanted.extend(t.product_filters.iter().map(|f| (f.products(c), None)));
        p.wanted.extend(t.product_boosts.iter().map(|(b, w)| (b.products(c), Some(*w))));
    }
    p.active = !p.wanted.is_empty();
    let same = p.wanted.len() == p.made_from.len() && p.wanted.iter().zip(&p.made_from).all(|((a, x), (b, y))| Rc::ptr_eq(a, b) && x == y);
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
    std::mem::swap(&mut p.made_from, &mut p.wanted);
}

/// A pick in a tuned slot, with the campaign and variant whose tweak touched it last.
pub struct Candidate<'a> {
    pub pick: Pick,
    pub by: Option<&'a (String, String)>,
}

/// Re-ranks `cands` (the strategy's pool, best first): exclusions, filters, boosts, pins,
/// diversity. `data` is `{"product": …, "visitor": <the visitor context>}`; each
/// candidate's product is written into it in turn; the product-only conditions were
/// applied by the scoring pass (`prefilter`).
pub fn tune<'a>(cands: &mut Vec<Candidate<'a>>, c: &Catalog, slot: Option<&Slot>, tweaks: &'a [Active], data: &mut Value, page_product: Option<u32>) {
    let excluded = |ix: u32| tweaks.iter().any(|(t, _)| t.exclude.iter().any(|x| x == c.id(ix)));
    cands.retain(|r| !excluded(r.pick.ix));
    // A campaign whose product-only boost lifted a pick is credited with it.
    for r in cands.iter_mut() {
        if let Some((_, who)) = tweaks.iter().rev().find(|(t, who)| who.is_some() && t.product_boosts.iter().any(|(b, _)| b.holds(c, r.pick.ix))) {
            r.by = who.as_ref();
        }
    }
    if tweaks.iter().any(|(t, _)| !t.filters.is_empty() || !t.boosts.is_empty()) {
        let fields = tweaks.iter().fold(0, |m, (t, _)| m | t.product_fields);
        cands.retain_mut(|r| {
            data["product"] = product_context(c, r.pick.ix, fields);
            let data = &*data;
            if !tweaks.iter().all(|(t, _)| t.filters.iter().all(|f| f.logic.matches(data))) {
                return false;
            }
            for (t, who) in tweaks {
                for b in t.boosts.iter().filter(|b| b.when.logic.matches(data)) {
                    r.pick.score += b.weight;
                    if who.is_some() {
                        r.by = who.as_ref();
                    }
                }
            }
            true
        });
        // Equal scores keep the strategy's order (an unstable sort keyed on position is
        // several KB of wasm smaller than a stable one).
        let mut keyed: Vec<(usize, Candidate)> = std::mem::take(cands).into_iter().enumerate().collect();
        keyed.sort_unstable_by(|(i, a), (j, b)| b.pick.score.total_cmp(&a.pick.score).then(i.cmp(j)));
        *cands = keyed.into_iter().map(|(_, r)| r).collect();
    }
    let mut pinned: Vec<Candidate> = Vec::new();
    let top = cands.first().map_or(1.0, |r| r.pick.score);
    for (t, who) in tweaks {
        for id in &t.pin {
            let Some(ix) = c.index(id) else { continue };
            if !c.in_stock[ix as usize] || excluded(ix) || Some(ix) == page_product || pinned.iter().any(|p| p.pick.ix == ix) {
                continue;
            }
            cands.retain(|r| r.pick.ix != ix);
            pinned.push(Candidate { pick: Pick { ix, score: top + 1.0, why: Why::Featured, subject: Subject::None }, by: who.as_ref() });
        }
    }
    pinned.append(cands);
    *cands = pinned;
    if let Some(s) = slot {
        diversify(cands, c, s.max_per_category, s.max_per_brand);
    }
}

/// Drops results past the per-category / per-brand maximum, keeping order.
fn diversify(cands: &mut Vec<Candidate>, c: &Catalog, per_category: Option<usize>, per_brand: Option<usize>) {
    if per_category.is_none() && per_brand.is_none() {
        return;
    }
    let mut seen: Vec<(u32, u32)> = Vec::new();
    cands.retain(|r| {
        let ix = r.pick.ix as usize;
        let (cat, brand) = (c.category[ix], c.brand[ix]);
        let same_cat = seen.iter().filter(|(sc, _)| *sc == cat).count();
        let same_brand = seen.iter().filter(|(_, sb)| *sb == brand && brand != u32::MAX).count();
        let keep = per_category.is_none_or(|n| same_cat < n) && per_brand.is_none_or(|n| same_brand < n);
        if keep {
            seen.push((cat, brand));
        }
        keep
    });
}
