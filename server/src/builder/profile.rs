//! One visitor's compact profile (API.md `Profile`) from their stored events, web and
//! imported orders alike. A pure function of the events and the catalog: time weighs
//! from the visitor's latest event, not the wall clock, so an unchanged history gives the
//! same document (and the same ETag).
//!
//! - `affinities`: views weigh 1, cart adds 3, purchased lines 5, halved every
//!   `HALF_LIFE_DAYS` before the latest event; per leaf category and brand of the catalog,
//!   scaled so the largest is 1, the top `MAX_AFFINITIES` kept.
//! - `purchases`: every purchased line, the last `MAX_PURCHASES`.
//! - `cycles`: a product bought on ≥2 different days; `everyDays` is the median gap.
//! - `habits`: a category bought in the same calendar month (UTC) in ≥2 different years;
//!   `months` are those months, `perYear` its purchases per year it was bought in.
//! - `embedding`: the same weighted mean over the catalog's item embeddings, when it has any.
//! - `segments`: `new` (never bought) or `buyer`, `repeat_buyer` (≥2 orders),
//!   `cross_channel` (web events and imported orders), `replenisher`, `seasonal`.

use crate::db::Source;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use vitrin::catalog::Catalog;
use vitrin::events::{Event, EventKind};

pub const HALF_LIFE_DAYS: f64 = 30.0;
pub const MAX_AFFINITIES: usize = 20;
pub const MAX_PURCHASES: usize = 200;
const DAY_MS: f64 = 86_400_000.0;

/// The profile of `visitor` from their events (oldest first); `None` when there are none.
pub fn build(visitor: &str, events: &[(Event, Source)], catalog: &Catalog) -> Option<Value> {
    let latest = events.iter().map(|(e, _)| e.at).fold(f64::NAN, f64::max);
    if latest.is_nan() {
        return None;
    }
    let mut categories: HashMap<&str, f64> = HashMap::new();
    let mut brands: HashMap<&str, f64> = HashMap::new();
    let mut embedding = vec![0f32; catalog.embeddings.dim()];
    let mut interest = |product: &str, weight: f64, at: f64| {
        let Some(ix) = catalog.index(product) else {
            return;
        };
        let w = weight * 0.5f64.powf((latest - at) / DAY_MS / HALF_LIFE_DAYS);
        *categories.entry(category_path(catalog, ix)).or_default() += w;
        if let Some(name) = catalog.brand_names.get(catalog.brand[ix as usize] as usize) {
            *brands.entry(name).or_default() += w;
        }
        catalog.embeddings.add_to(ix, w as f32, &mut embedding);
    };
    let mut purchases: Vec<(&str, f64, u32)> = Vec::new();
    let mut orders: BTreeSet<&str> = BTreeSet::new();
    for (e, _) in events {
        match &e.kind {
            EventKind::View { product_id } => interest(product_id, 1.0, e.at),
            EventKind::AddToCart {
                product_id,
                quantity: _,
            } => interest(product_id, 3.0, e.at),
            EventKind::Purchase { order_id, items } => {
                orders.insert(order_id);
                for it in items {
                    interest(&it.product_id, 5.0, e.at);
                    purchases.push((&it.product_id, e.at, it.quantity));
                }
            }
            _ => {}
        }
    }
    let cycles = cycles(&purchases);
    let habits = habits(&purchases, catalog);
    let mut segments = vec![if orders.is_empty() { "new" } else { "buyer" }];
    if orders.len() >= 2 {
        segments.push("repeat_buyer");
    }
    if events.iter().any(|(_, s)| *s == Source::Web)
        && events.iter().any(|(_, s)| *s == Source::Orders)
    {
        segments.push("cross_channel");
    }
    if !cycles.is_empty() {
        segments.push("replenisher");
    }
    if !habits.is_empty() {
        segments.push("seasonal");
    }
    let recent = purchases.len().saturating_sub(MAX_PURCHASES);
    let mut profile = json!({
        "visitorId": visitor,
        "updatedAt": latest,
        "affinities": {"category": top(categories), "brand": top(brands)},
        "purchases": purchases[recent..].iter().map(|(p, at, q)| json!({"productId": p, "at": at, "quantity": q})).collect::<Vec<_>>(),
        "cycles": cycles,
        "habits": habits,
        "segments": segments,
    });
    vitrin::catalog::normalize(&mut embedding);
    if embedding.iter().any(|x| *x != 0.0) {
        profile["embedding"] = embedding.iter().map(|x| round(*x as f64, 4)).collect();
    }
    Some(profile)
}

/// The product's full category path ("pets/cat/food"), the key of the engine's affinities.
fn category_path(catalog: &Catalog, ix: u32) -> &str {
    &catalog.category_paths[catalog.category[ix as usize] as usize]
}

fn round(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (x * k).round() / k
}

/// The largest weights scaled to at most 1; ties by name so builds are reproducible.
fn top(weights: HashMap<&str, f64>) -> Map<String, Value> {
    let max = weights.values().cloned().fold(0.0, f64::max);
    let mut v: Vec<(&str, f64)> = weights.into_iter().filter(|(_, w)| *w > 0.0).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .take(MAX_AFFINITIES)
        .map(|(k, w)| (k.to_string(), json!(round(w / max, 3))))
        .collect()
}

/// Products bought on at least two different days, with the median gap between buys.
fn cycles(purchases: &[(&str, f64, u32)]) -> Vec<Value> {
    let mut days: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (p, at, _) in purchases {
        days.entry(p).or_default().push(*at);
    }
    let mut out = Vec::new();
    for (product, mut times) in days {
        times.sort_by(f64::total_cmp);
        // Buys less than a day apart are one shopping trip, not a cycle.
        times.dedup_by(|later, earlier| *later - *earlier < DAY_MS);
        if times.len() < 2 {
            continue;
        }
        let mut gaps: Vec<f64> = times.windows(2).map(|w| (w[1] - w[0]) / DAY_MS).collect();
        gaps.sort_by(f64::total_cmp);
        let mid = gaps.len() / 2;
        let median = if gaps.len() % 2 == 1 {
            gaps[mid]
        } else {
            (gaps[mid - 1] + gaps[mid]) / 2.0
        };
        out.push(json!({"productId": product, "everyDays": round(median.min(3650.0), 1), "lastAt": times[times.len() - 1]}));
    }
    out
}

/// Categories bought in the same month of at least two different years.
fn habits(purchases: &[(&str, f64, u32)], catalog: &Catalog) -> Vec<Value> {
    // category → (year, month) of every purchased line
    let mut by_category: BTreeMap<&str, Vec<(i64, u8)>> = BTreeMap::new();
    for (p, at, _) in purchases {
        if let Some(ix) = catalog.index(p) {
            by_category
                .entry(category_path(catalog, ix))
                .or_default()
                .push(year_month(*at));
        }
    }
    let mut out = Vec::new();
    for (category, dates) in by_category {
        let months: Vec<u8> = (1..=12u8)
            .filter(|m| {
                dates
                    .iter()
                    .filter(|d| d.1 == *m)
                    .map(|d| d.0)
                    .collect::<BTreeSet<_>>()
                    .len()
                    >= 2
            })
            .collect();
        if months.is_empty() {
            continue;
        }
        let years = dates.iter().map(|d| d.0).collect::<BTreeSet<_>>().len();
        out.push(json!({"category": category, "months": months, "perYear": round(dates.len() as f64 / years as f64, 2)}));
    }
    out
}

/// UTC year and month (1–12) of a time in ms since the epoch (Howard Hinnant's civil_from_days).
pub fn year_month(ms: f64) -> (i64, u8) {
    let z = (ms / DAY_MS).floor() as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(month <= 2), month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::from_json(&vitrin::value::Value::from(&json!({"products": [
            {"id": "lens", "title": "Lens", "category": "eyewear/lenses", "brand": "Acme", "price": 10},
            {"id": "coat", "title": "Coat", "category": "fashion/coats", "price": 90},
            {"id": "shirt", "title": "Shirt", "category": "fashion/shirts", "brand": "Mavi", "price": 20},
        ]})))
        .unwrap()
    }

    fn ev(v: Value) -> Event {
        Event::from_json(&vitrin::value::Value::from(&v), 0.0).unwrap()
    }

    fn buy(order: &str, product: &str, at: f64) -> Event {
        ev(
            json!({"type": "purchase", "orderId": order, "items": [{"productId": product, "quantity": 1}], "at": at}),
        )
    }

    /// 2024-11-15 and 2025-11-20 (UTC) in ms.
    const NOV_2024: f64 = 1_731_628_800_000.0;
    const NOV_2025: f64 = 1_763_596_800_000.0;

    #[test]
    fn computes_cycles_habits_affinities_and_segments() {
        let c = catalog();
        let events = vec![
            (buy("o1", "lens", NOV_2024), Source::Orders),
            (buy("o2", "coat", NOV_2024), Source::Web),
            (buy("o3", "lens", NOV_2024 + 30.0 * DAY_MS), Source::Orders),
            (buy("o3b", "lens", NOV_2024 + 30.2 * DAY_MS), Source::Web),
            (buy("o4", "lens", NOV_2024 + 70.0 * DAY_MS), Source::Web),
            (buy("o5", "coat", NOV_2025), Source::Web),
            (
                ev(json!({"type": "view", "productId": "shirt", "at": NOV_2025})),
                Source::Web,
            ),
        ];
        let p = build("v1", &events, &c).unwrap();
        // The same-day repeat is one trip: gaps 30 and 40 days, median 35. Coats: 370 days.
        assert_eq!(
            p["cycles"],
            json!([
                {"productId": "coat", "everyDays": 370.0, "lastAt": NOV_2025},
                {"productId": "lens", "everyDays": 35.0, "lastAt": NOV_2024 + 70.0 * DAY_MS}
            ])
        );
        assert_eq!(
            p["habits"],
            json!([{"category": "fashion/coats", "months": [11], "perYear": 1.0}])
        );
        assert_eq!(
            p["affinities"]["category"]["fashion/coats"], 1.0,
            "the latest purchase weighs most"
        );
        assert!(
            p["affinities"]["brand"]["Mavi"].as_f64().unwrap()
                > p["affinities"]["brand"]["Acme"].as_f64().unwrap()
        );
        assert_eq!(
            p["segments"],
            json!([
                "buyer",
                "repeat_buyer",
                "cross_channel",
                "replenisher",
                "seasonal"
            ])
        );
        assert_eq!(p["purchases"].as_array().unwrap().len(), 6);
        assert_eq!(p["updatedAt"], NOV_2025);
        // What the builder writes is what the engine reads.
        vitrin::profile::Profile::from_json(&vitrin::value::Value::from(&p)).unwrap();
        assert_eq!(build("v1", &events, &c), Some(p), "deterministic");
        assert_eq!(build("v2", &[], &c), None);
    }

    #[test]
    fn a_single_buy_is_no_cycle_and_views_make_a_new_visitor() {
        let c = catalog();
        let p = build(
            "v",
            &[(
                ev(json!({"type": "view", "productId": "lens", "at": 5})),
                Source::Web,
            )],
            &c,
        )
        .unwrap();
        assert_eq!(
            (p["cycles"].clone(), p["segments"].clone()),
            (json!([]), json!(["new"]))
        );
        assert!(p.get("embedding").is_none());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(year_month(0.0), (1970, 1));
        assert_eq!(year_month(NOV_2024), (2024, 11));
        assert_eq!(year_month(951_782_400_000.0), (2000, 2)); // 2000-02-29
        assert_eq!(year_month(951_868_800_000.0), (2000, 3));
    }
}
