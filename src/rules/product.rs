//! Rule conditions over the product alone: which `product.*` fields a condition reads,
//! whether it reads nothing else, and the set of products it holds for in a catalog
//! (`ProductCondition`, computed once per catalog generation). Must not know slots,
//! scoring or campaigns: it answers "which products" for the layers above.

use super::Condition;
// The fields of `product.*`, the vocabulary's, in bit order (`product_context` fills them in
// this order).
use super::vocabulary::PRODUCT as PRODUCT_FIELDS;
use crate::catalog::Catalog;
use crate::json;
use crate::prelude::*;
use crate::value::Value;
use alloc::rc::Rc;
use core::cell::RefCell;

const ALL_FIELDS: u16 = (1 << PRODUCT_FIELDS.len()) - 1;

/// What a condition reads of the product, in one walk: which `product.*` fields it may read,
/// as a bit set over `PRODUCT_FIELDS` (every string naming `product.<field>` counts, a
/// superset of the `var`s, which is safe; a `var` whose path is computed, or names the whole
/// product, reads them all), and whether it reads nothing but `product.*` (every `var` a
/// constant path into it, no `missing`, no clock), so its answer depends on the product alone.
pub fn product_reads(condition: &Value) -> (u16, bool) {
    let mut reads = (0, true);
    let mut add = |(fields, only): (u16, bool)| {
        reads.0 |= fields;
        reads.1 &= only;
    };
    match condition {
        Value::String(s) => add((
            match s.strip_prefix("product") {
                Some("") => ALL_FIELDS,
                Some(rest) => rest.strip_prefix('.').map_or(0, |f| {
                    let f = crate::jsontext::split(f, b'.').next().unwrap_or(f);
                    PRODUCT_FIELDS
                        .iter()
                        .position(|k| k.name == f)
                        .map_or(0, |b| 1 << b)
                }),
                None => 0,
            },
            true,
        )),
        // Loops, not `fold`s: one copy of the walk serves arrays and objects.
        Value::Array(a) => {
            for v in a {
                add(product_reads(v));
            }
        }
        Value::Object(o) => {
            for (op, arg) in o {
                let (mut fields, mut only) = product_reads(arg);
                match op.as_str() {
                    "var" => {
                        // The path; what follows it in a list is the default, walked above.
                        let path = arg.as_array().and_then(|a| a.first()).unwrap_or(arg);
                        if !matches!(path, Value::String(_) | Value::Number(_) | Value::Null) {
                            fields = ALL_FIELDS;
                        }
                        only &= matches!(path, Value::String(p) if p == "product" || p.starts_with("product."));
                    }
                    "missing" | "missing_some" => only = false,
                    // The clock changes after the product sets are computed.
                    name if crate::logic::reads_clock(name) => only = false,
                    _ => {}
                }
                add((fields, only));
            }
        }
        _ => {}
    }
    reads
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
        ProductCondition {
            cond,
            fields,
            set: RefCell::new(None),
        }
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
            // `get_mut`, not `data["product"] = …`: IndexMut's panic would keep `Debug`
            // formatting in the wasm.
            if let Some(p) = data.get_mut("product") {
                *p = product_context(c, ix as u32, self.fields);
            }
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

/// The product as conditions see it (`product.*` in the rules reference), with only the
/// `fields` they read filled in: building the rest for every candidate costs more than
/// evaluating the conditions.
pub fn product_context(c: &Catalog, ix: u32, fields: u16) -> Value {
    let i = ix as usize;
    let mut m = crate::value::Map::new();
    // Loops, not `filter`, `map(..).collect()` adapters: each compiled its own copy.
    for (b, k) in PRODUCT_FIELDS.iter().enumerate() {
        if fields & (1 << b) == 0 {
            continue;
        }
        let mut list = Vec::new();
        let v = match b {
            0 => json!(c.id(ix)),
            1 => json!(c.title(ix)),
            2 => json!(c.category_paths[c.category[i] as usize]),
            3 => {
                for n in c.ancestors(c.category[i]) {
                    list.push(json!(c.category_paths[n as usize]));
                }
                Value::Array(list)
            }
            4 => match c.brand_names.get(c.brand[i] as usize) {
                Some(b) => json!(b),
                None => Value::Null,
            },
            5 => json!(c.prices[i]),
            6 => json!(c.in_stock[i]),
            7 => {
                for t in c.tags(ix) {
                    list.push(json!(t));
                }
                Value::Array(list)
            }
            _ => json!(c.popularity[i]),
        };
        m.insert(k.name.to_string(), v);
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_conditions_over_the_product_alone_are_product_only() {
        for (condition, want) in [
            (json!({"<=": [{"var": "product.price"}, 50]}), true),
            (
                json!({"and": [{"var": ["product.tags.0", {"var": "product.brand"}]}, {"in": ["x", {"var": "product.categories"}]}]}),
                true,
            ),
            (
                json!({"<=": [{"var": "product.price"}, {"var": "visitor.cart.value"}]}),
                false,
            ),
            (
                json!({"var": ["product.price", {"var": "visitor.hour"}]}),
                false,
            ),
            (json!({"var": {"cat": ["product.", "price"]}}), false),
            (json!({"missing": ["product.price"]}), false),
            (json!({"var": "productivity"}), false),
        ] {
            assert_eq!(product_reads(&condition).1, want, "{condition}");
        }
    }

    #[test]
    fn conditions_fill_only_the_product_fields_they_read() {
        let bit = |f: &str| 1u16 << PRODUCT_FIELDS.iter().position(|k| k.name == f).unwrap();
        let cases = [
            (json!({"<=": [{"var": "product.price"}, 50]}), bit("price")),
            (
                json!({"in": ["x", {"var": "product.categories"}]}),
                bit("categories"),
            ),
            (
                json!({"and": [{"var": "product.tags.0"}, {"==": [{"var": ["product.brand", "?"]}, "A"]}]}),
                bit("tags") | bit("brand"),
            ),
            (json!({"var": "product"}), ALL_FIELDS),
            (json!({"var": {"cat": ["product.", "price"]}}), ALL_FIELDS),
            (json!({">": [{"var": "visitor.cart.count"}, 1]}), 0),
        ];
        for (condition, want) in cases {
            assert_eq!(product_reads(&condition).0, want, "{condition}");
        }
        let c = Catalog::from_json(
            &json!({"products": [{"id": "a", "title": "A", "category": "x/y", "price": 5}]}),
        )
        .unwrap();
        assert_eq!(
            product_context(&c, 0, bit("price") | bit("categories")),
            json!({"price": 5.0, "categories": ["x/y", "x"]})
        );
    }
}
