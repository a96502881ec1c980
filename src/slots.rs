//! Rule-tuned slots. Filters and boosts that read only `product.*` are fixed sets of
//! products for a catalog: computed once (`ProductCondition`) and applied to every product
//! in the scoring pass (`prefilter`), so a filter never empties a slot and a boost can lift
//! any product. The rest — exclusions, conditions that read the visitor, pins, diversity —
//! re-rank the strategy's pool, which is small (at most `scoring::MAX_LIMIT`), so
//! per-candidate JSON contexts stay cheap.

use crate::catalog::Catalog;
use crate::reasons::Why;
use crate::rules::{Condition, Slot, Tweak};
use crate::scoring::{Pick, Prefilter, Subject};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// A tweak with the campaign and variant that asked for it (`None`: the slot's own).
pub type Active<'a> = (&'a Tweak, Option<(String, String)>);

/// The fields of `product.*` in the rules reference, in bit order.
const PRODUCT_FIELDS: [&str; 9] = ["id", "title", "category", "categories", "brand", "price", "inStock", "tags", "popularity"];
const ALL_FIELDS: u16 = (1 << PRODUCT_FIELDS.len()) - 1;

/// Which `product.*` fields a condition may read, as a bit set over `PRODUCT_FIELDS`:
/// every string naming `product.<field>` counts (a superset of the `var`s, which is safe),
/// and a `var` whose path is computed, or names the whole product, reads them all.
pub fn product_fields(condition: &Value) -> u16 {
    match condition {
        Value::String(s) => match s.strip_prefix("product") {
            Some("") => ALL_FIELDS,
            Some(rest) => rest.strip_prefix('.').map_or(0, |f| {
                let f = f.split('.').next().unwrap_or(f);
                PRODUCT_FIELDS.iter().position(|&k| k == f).map_or(0, |b| 1 << b)
            }),
            None => 0,
        },
        Value::Array(a) => a.iter().fold(0, |m, v| m | product_fields(v)),
        Value::Object(o) => o.iter().fold(0, |m, (op, arg)| {
            let computed = op == "var" && !matches!(arg.as_array().and_then(|a| a.first()).unwrap_or(arg), Value::String(_) | Value::Number(_) | Value::Null);
            m | if computed { ALL_FIELDS } else { product_fields(arg) }
        }),
        _ => 0,
    }
}

/// True when the condition reads nothing but `product.*` (every `var` a constant path
/// into it, no `missing`), so its answer depends on the product alone.
pub fn reads_only_product(condition: &Value) -> bool {
    match condition {
        Value::Array(a) => a.iter().all(reads_only_product),
        Value::Object(o) => o.iter().all(|(op, arg)| match op.as_str() {
            "var" => {
                let (path, default) = match arg {
                    Value::Array(a) => (a.first().unwrap_or(&Value::Null), a.get(1..).unwrap_or_default()),
                    path => (path, &[][..]),
                };
                matches!(path, Value::String(p) if p == "product" || p.starts_with("product.")) && default.iter().all(reads_only_product)
            }
            "missing" | "missing_some" => false,
            _ => reads_only_product(arg),
        }),
        _ => true,
    }
}

/// A slot condition over the product alone: for a given catalog, the set of products it
/// holds for (bit i: product i), evaluated on first use and kept until the catalog changes.
pub struct ProductCondition {
    pub cond: Condition,
    fields: u16,
    set: RefCell<Option<(u64, Rc<[u64]>)>>,
}

impl ProductCondition {
    pub fn new(cond: Condition, fields: u16) -> ProductCondition {
        ProductCondition { cond, fields, set: RefCell::new(None) }
    }

    pub fn products(&self, c: &Catalog) -> Rc<[u64]> {
        if let Some((generation, set)) = &*self.set.borrow() {
            if *generation == c.generation {
                return set.clone();
            }
        }
        let mut bits = vec![0u64; c.len().div_ceil(64)];
        let mut data = json!({"product": null});
        for ix in 0..c.len() {
            data["product"] = product_context(c, ix as u32, self.fields);
            if self.cond.logic.matches(&data) {
                bits[ix / 64] |= 1 << (ix % 64);
            }
        }
        let set: Rc<[u64]> = bits.into();
        *self.set.borrow_mut() = Some((c.generation, set.clone()));
        set
    }

    pub fn holds(&self, c: &Catalog, ix: u32) -> bool {
        self.products(c)[ix as usize / 64] & (1 << (ix % 64)) != 0
    }
}

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

/// The product as conditions see it (`product.*` in the rules reference), with only the
/// `fields` they read filled in: building the rest for every candidate costs more than
/// evaluating the conditions.
pub fn product_context(c: &Catalog, ix: u32, fields: u16) -> Value {
    let i = ix as usize;
    let mut m = serde_json::Map::new();
    for (b, &k) in PRODUCT_FIELDS.iter().enumerate().filter(|&(b, _)| fields & (1 << b) != 0) {
        let v = match b {
            0 => json!(c.id(ix)),
            1 => json!(c.titles[i]),
            2 => json!(c.category_paths[c.category[i] as usize]),
            3 => c.ancestors(c.category[i]).map(|n| json!(c.category_paths[n as usize])).collect(),
            4 => json!(c.brand_names.get(c.brand[i] as usize)),
            5 => json!(c.prices[i]),
            6 => json!(c.in_stock[i]),
            7 => json!(c.tags[i]),
            _ => json!(c.popularity[i]),
        };
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_conditions_over_the_product_alone_are_product_only() {
        for (condition, want) in [
            (json!({"<=": [{"var": "product.price"}, 50]}), true),
            (json!({"and": [{"var": ["product.tags.0", {"var": "product.brand"}]}, {"in": ["x", {"var": "product.categories"}]}]}), true),
            (json!({"<=": [{"var": "product.price"}, {"var": "visitor.cart.value"}]}), false),
            (json!({"var": ["product.price", {"var": "visitor.hour"}]}), false),
            (json!({"var": {"cat": ["product.", "price"]}}), false),
            (json!({"missing": ["product.price"]}), false),
            (json!({"var": "productivity"}), false),
        ] {
            assert_eq!(reads_only_product(&condition), want, "{condition}");
        }
    }

    #[test]
    fn conditions_fill_only_the_product_fields_they_read() {
        let bit = |f: &str| 1u16 << PRODUCT_FIELDS.iter().position(|&k| k == f).unwrap();
        let cases = [
            (json!({"<=": [{"var": "product.price"}, 50]}), bit("price")),
            (json!({"in": ["x", {"var": "product.categories"}]}), bit("categories")),
            (json!({"and": [{"var": "product.tags.0"}, {"==": [{"var": ["product.brand", "?"]}, "A"]}]}), bit("tags") | bit("brand")),
            (json!({"var": "product"}), ALL_FIELDS),
            (json!({"var": {"cat": ["product.", "price"]}}), ALL_FIELDS),
            (json!({">": [{"var": "visitor.cart.count"}, 1]}), 0),
        ];
        for (condition, want) in cases {
            assert_eq!(product_fields(&condition), want, "{condition}");
        }
        let c = Catalog::from_json(&json!({"products": [{"id": "a", "title": "A", "category": "x/y", "price": 5}]})).unwrap();
        assert_eq!(product_context(&c, 0, bit("price") | bit("categories")), json!({"price": 5.0, "categories": ["x/y", "x"]}));
    }
}
