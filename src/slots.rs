//! Rule-tuned slots: exclusions, JsonLogic filters and boosts over each candidate
//! product, pins, and diversity, applied to a strategy's ranked pool. The pool is small
//! (at most `scoring::MAX_LIMIT`), so per-candidate JSON contexts stay cheap.

use crate::catalog::Catalog;
use crate::engine::{Reason, Recommendation};
use crate::reasons::{Lang, Why};
use crate::rules::{Slot, Tweak};
use serde_json::{json, Value};

/// A tweak with the campaign and variant that asked for it (`None`: the slot's own).
pub type Active<'a> = (&'a Tweak, Option<(String, String)>);

/// The product as conditions see it (`product.*` in the rules reference).
pub fn product_context(c: &Catalog, ix: u32) -> Value {
    let i = ix as usize;
    json!({
        "id": c.id(ix),
        "title": c.titles[i],
        "category": c.category_paths[c.category[i] as usize],
        "categories": c.ancestors(c.category[i]).map(|n| c.category_paths[n as usize].as_str()).collect::<Vec<_>>(),
        "brand": c.brand_names.get(c.brand[i] as usize),
        "price": c.prices[i],
        "inStock": c.in_stock[i],
        "tags": c.tags[i],
        "popularity": c.popularity[i],
    })
}

pub fn tune(recs: &mut Vec<Recommendation>, c: &Catalog, slot: Option<&Slot>, tweaks: &[Active], visitor: &Value, page_product: Option<u32>, lang: Lang) {
    let excluded = |id: &str| tweaks.iter().any(|(t, _)| t.exclude.iter().any(|x| x == id));
    recs.retain(|r| !excluded(&r.product_id));
    if tweaks.iter().any(|(t, _)| !t.filters.is_empty() || !t.boosts.is_empty()) {
        let mut data = json!({"product": null, "visitor": visitor});
        recs.retain_mut(|r| {
            let Some(ix) = c.index(&r.product_id) else { return false };
            data["product"] = product_context(c, ix);
            if !tweaks.iter().all(|(t, _)| t.filters.iter().all(|f| f.logic.matches(&data))) {
                return false;
            }
            for (t, who) in tweaks {
                for b in t.boosts.iter().filter(|b| b.when.logic.matches(&data)) {
                    r.score += b.weight;
                    if let Some((campaign, variant)) = who {
                        r.campaign_id = Some(campaign.clone());
                        r.variant = Some(variant.clone());
                    }
                }
            }
            true
        });
        // Equal scores keep the strategy's order (an unstable sort keyed on position is
        // several KB of wasm smaller than a stable one).
        let mut keyed: Vec<(usize, Recommendation)> = std::mem::take(recs).into_iter().enumerate().collect();
        keyed.sort_unstable_by(|(i, a), (j, b)| b.score.total_cmp(&a.score).then(i.cmp(j)));
        *recs = keyed.into_iter().map(|(_, r)| r).collect();
    }
    let mut pinned: Vec<Recommendation> = Vec::new();
    let top = recs.first().map_or(1.0, |r| r.score);
    for (t, who) in tweaks {
        for id in &t.pin {
            let Some(ix) = c.index(id) else { continue };
            if !c.in_stock[ix as usize] || excluded(id) || Some(ix) == page_product || pinned.iter().any(|p| &p.product_id == id) {
                continue;
            }
            recs.retain(|r| &r.product_id != id);
            pinned.push(Recommendation {
                product_id: id.clone(),
                score: top + 1.0,
                slot: recs.first().map_or_else(|| slot.map_or(String::new(), |s| s.name.clone()), |r| r.slot.clone()),
                reason: Reason { code: Why::Featured.code(), text: Why::Featured.text(lang, "") },
                campaign_id: who.as_ref().map(|w| w.0.clone()),
                variant: who.as_ref().map(|w| w.1.clone()),
            });
        }
    }
    pinned.append(recs);
    *recs = pinned;
    if let Some(s) = slot {
        diversify(recs, c, s.max_per_category, s.max_per_brand);
    }
}

/// Drops results past the per-category / per-brand maximum, keeping order.
fn diversify(recs: &mut Vec<Recommendation>, c: &Catalog, per_category: Option<usize>, per_brand: Option<usize>) {
    if per_category.is_none() && per_brand.is_none() {
        return;
    }
    let mut seen: Vec<(u32, u32)> = Vec::new();
    recs.retain(|r| {
        let Some(ix) = c.index(&r.product_id) else { return false };
        let (cat, brand) = (c.category[ix as usize], c.brand[ix as usize]);
        let same_cat = seen.iter().filter(|(sc, _)| *sc == cat).count();
        let same_brand = seen.iter().filter(|(_, sb)| *sb == brand && brand != u32::MAX).count();
        let keep = per_category.is_none_or(|n| same_cat < n) && per_brand.is_none_or(|n| same_brand < n);
        if keep {
            seen.push((cat, brand));
        }
        keep
    });
}
