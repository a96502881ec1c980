//! The compact profile the store's server computes for a visitor (API.md `Profile`),
//! validated. Product ids stay strings: the profile may outlive a catalog refresh.
//! Depends on `json`/`error`.

use crate::error::{join, Result};
use crate::json::Obj;
use crate::logic::dates::DAY_MS;
use crate::prelude::*;
use crate::value::Value;

const CODE: &str = "invalid_profile";
const MAX_LIST: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Purchase {
    pub product_id: String,
    pub at: f64,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub product_id: String,
    pub every_days: f64,
    pub last_at: f64,
}

impl Cycle {
    /// When the visitor last bought the product: the profile's `lastAt`, or a purchase
    /// tracked on the page since.
    pub fn last_bought(&self, purchases: &[crate::visitor::Bought]) -> f64 {
        purchases
            .iter()
            .filter(|b| b.product_id == self.product_id)
            .map(|b| b.at)
            .fold(self.last_at, f64::max)
    }

    /// Days until the next purchase is due; negative when overdue.
    pub fn days_left(&self, purchases: &[crate::visitor::Bought], now: f64) -> f64 {
        (self.last_bought(purchases) + self.every_days * DAY_MS - now) / DAY_MS
    }

    /// "A replenishment is due": within `window_days` of the due date and not a whole
    /// cycle past it. The one definition the `replenish` slot, the `replenishment_due`
    /// trigger and the prompt timer share.
    pub fn due_within(
        &self,
        purchases: &[crate::visitor::Bought],
        now: f64,
        window_days: f64,
    ) -> bool {
        let left = self.days_left(purchases, now);
        left <= window_days && left > -self.every_days
    }

    /// When `due_within` stops holding: a whole cycle past the due date.
    pub fn due_until(&self, purchases: &[crate::visitor::Bought]) -> f64 {
        self.last_bought(purchases) + 2.0 * self.every_days * DAY_MS
    }

    /// When `due_within(…, window_days)` starts to hold.
    pub fn due_from(&self, purchases: &[crate::visitor::Bought], window_days: f64) -> f64 {
        self.last_bought(purchases) + (self.every_days - window_days) * DAY_MS
    }
}

/// The visitor's purchases up to `now`, this browser's and the profile's: (when, product id).
/// Collected by plain loops: a chain of iterator adapters compiled to more wasm.
pub fn purchases_until<'a>(
    local: &'a [crate::visitor::Bought],
    profile: Option<&'a Profile>,
    now: f64,
) -> Vec<(f64, &'a str)> {
    let mut out = Vec::new();
    for b in local {
        if b.at <= now {
            out.push((b.at, b.product_id.as_str()));
        }
    }
    for b in profile.map_or(&[][..], |p| &p.purchases) {
        if b.at <= now {
            out.push((b.at, b.product_id.as_str()));
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Habit {
    pub category: String,
    /// Months 1–12.
    pub months: Vec<u8>,
    pub per_year: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profile {
    pub visitor_id: String,
    pub name: Option<String>,
    pub updated_at: f64,
    pub embedding: Vec<f32>,
    pub category_affinity: Vec<(String, f32)>,
    pub brand_affinity: Vec<(String, f32)>,
    pub purchases: Vec<Purchase>,
    pub cycles: Vec<Cycle>,
    pub habits: Vec<Habit>,
    pub segments: Vec<String>,
}

impl Profile {
    pub fn from_json(v: &Value) -> Result<Profile> {
        let p = Obj::new(v, "", CODE)?;
        let mut profile = Profile::default();
        profile.read(&p)?;
        Ok(profile)
    }

    /// `from_json`'s fields, one by one into `self`: borrowed, so that a fault's early
    /// return drops nothing (a struct literal dropped every field read so far at each `?`,
    /// and an owned one the whole profile: wasm size, issue 13).
    fn read(&mut self, p: &Obj) -> Result<()> {
        let profile = self;
        profile.visitor_id = p.str("visitorId")?.to_string();
        profile.name = p.opt_str("name")?.map(String::from);
        profile.updated_at = p.num_in("updatedAt", 0.0, 1e15)?;
        // Loops, here and below: `map(..).collect()` compiled an adapter per use.
        for s in p.opt_strs("segments", 1000)? {
            profile.segments.push(s.to_string());
        }
        if let Some(values) = p.opt_arr("embedding", crate::catalog::MAX_DIM)? {
            p.floats("embedding", values, &mut profile.embedding)?;
            crate::catalog::normalize(&mut profile.embedding);
        }
        if let Some(aff) = p.opt_obj("affinities")? {
            aff.opt_weights("category", MAX_LIST, &mut profile.category_affinity)?;
            aff.opt_weights("brand", MAX_LIST, &mut profile.brand_affinity)?;
        }
        let list = |key| Ok(p.opt_arr(key, MAX_LIST)?.unwrap_or_default());
        p.each("purchases", list("purchases")?, &mut |o| {
            // Every field read before one is owned: a `?` after a `to_string` would
            // compile a drop of it (wasm size, issue 13).
            let (id, at) = (o.str("productId")?, o.num_in("at", 0.0, 1e15)?);
            let quantity = o.opt_num_in("quantity", 1.0, 1e6)?.unwrap_or(1.0) as u32;
            profile.purchases.push(Purchase {
                product_id: id.to_string(),
                at,
                quantity,
            });
            Ok(())
        })?;
        p.each("cycles", list("cycles")?, &mut |o| {
            let (id, every_days) = (o.str("productId")?, o.num_in("everyDays", 0.5, 3650.0)?);
            let last_at = o.num_in("lastAt", 0.0, 1e15)?;
            profile.cycles.push(Cycle {
                product_id: id.to_string(),
                every_days,
                last_at,
            });
            Ok(())
        })?;
        p.each("habits", list("habits")?, &mut |o| {
            let mut months = Vec::new();
            for (k, m) in o
                .opt_arr("months", 12)?
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                match m.as_u64() {
                    Some(m @ 1..=12) => months.push(m as u8),
                    _ => {
                        return Err(crate::error::Error::at(
                            CODE,
                            join(&o.at("months"), k),
                            "expected a month number 1–12",
                        ))
                    }
                }
            }
            let category = o.str("category")?;
            let per_year = o.opt_num_in("perYear", 0.0, 1e6)?.unwrap_or(1.0);
            profile.habits.push(Habit {
                category: category.to_string(),
                months,
                per_year,
            });
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn reads_every_field() {
        let p = Profile::from_json(&json!({
            "visitorId": "v1", "name": "Ayşe", "updatedAt": 1,
            "affinities": {"category": {"fashion/shirts": 0.8}, "brand": {"Mavi": 0.5}},
            "purchases": [{"productId": "p1", "at": 5, "quantity": 2}],
            "cycles": [{"productId": "lens", "everyDays": 30, "lastAt": 9}],
            "habits": [{"category": "fashion/shirts", "months": [1], "perYear": 3}],
            "segments": ["vip"]
        }))
        .unwrap();
        assert_eq!(p.name.as_deref(), Some("Ayşe"));
        assert_eq!(
            p.category_affinity,
            vec![("fashion/shirts".to_string(), 0.8)]
        );
        assert_eq!(p.purchases[0].quantity, 2);
        assert_eq!(p.cycles[0].every_days, 30.0);
        assert_eq!(p.habits[0].months, vec![1]);
    }

    #[test]
    fn the_due_window_opens_and_closes_where_due_within_says() {
        let cy = Cycle {
            product_id: "lens".into(),
            every_days: 30.0,
            last_at: 0.0,
        };
        // A purchase tracked on the page after the profile's lastAt moves the whole window.
        let bought = [crate::visitor::Bought {
            product_id: "lens".into(),
            order_id: "o".into(),
            quantity: 1,
            price: None,
            at: 10.0 * DAY_MS,
        }];
        for purchases in [&[][..], &bought[..]] {
            let (from, until) = (cy.due_from(purchases, 3.0), cy.due_until(purchases));
            assert!(!cy.due_within(purchases, from - 1.0, 3.0));
            assert!(cy.due_within(purchases, from, 3.0));
            assert!(cy.due_within(purchases, until - 1.0, 3.0));
            assert!(!cy.due_within(purchases, until, 3.0));
        }
    }

    #[test]
    fn names_the_bad_field() {
        let err = Profile::from_json(&json!({"visitorId": "v", "updatedAt": 1, "habits": [{"category": "x", "months": [13]}]})).unwrap_err();
        assert_eq!(err.path.as_deref(), Some("/habits/0/months/0"));
        let err = Profile::from_json(&json!({"updatedAt": 1})).unwrap_err();
        assert_eq!(
            (err.code, err.path.as_deref()),
            ("invalid_profile", Some("/visitorId"))
        );
    }
}
