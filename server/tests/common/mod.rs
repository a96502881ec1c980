//! Shared by the plans and cluster tests: a small shop's events and catalog comparison.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use vitrin_server::db::{Db, NewEvent, Source};

pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vitrin-plans-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small deterministic generator (xorshift), so the shop is the same every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn event(v: Value) -> vitrin::events::Event {
    vitrin::events::Event::from_json(&vitrin::value::Value::from(v), 0.0).unwrap()
}

/// 60 visitors over 40 products and 400 days: browsing sessions with gaps of minutes
/// (sometimes over 30), repeats, cart adds, multi-line orders, and shop orders imported
/// from a file. Returns the database path.
pub fn shop(dir: &Path) -> PathBuf {
    let path = dir.join("vitrin.db");
    let mut db = Db::open(&path).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let t0 = 1_700_000_000_000.0;
    let minute = 60_000.0;
    for v in 0..60 {
        let visitor = format!("v{v:02}");
        let mut events = Vec::new();
        let mut at = t0 + rng.below(400) as f64 * 86_400_000.0;
        for k in 0..(5 + rng.below(40)) {
            at += minute * [1.0, 2.0, 3.0, 45.0, 0.5][rng.below(5) as usize];
            // Popular products are seen more: the lower half twice as often.
            let product = format!(
                "p{}",
                rng.below(20) + if rng.below(3) == 0 { 20 } else { 0 }
            );
            let e = match rng.below(10) {
                0 => json!({"type": "add_to_cart", "productId": product, "quantity": 1, "at": at}),
                1 => {
                    let lines: Vec<Value> = (0..1 + rng.below(3)).map(|_| json!({"productId": format!("p{}", rng.below(40)), "quantity": 1 + rng.below(2), "price": 10})).collect();
                    json!({"type": "purchase", "orderId": format!("o{v}-{k}"), "items": lines, "at": at})
                }
                2 => json!({"type": "search", "query": "shoes", "at": at}),
                _ => json!({"type": "view", "productId": product, "at": at}),
            };
            events.push(NewEvent {
                id: format!("e{k:03}"),
                event: event(e),
            });
        }
        db.ingest(&visitor, &events, &[], Source::Web, 0.0).unwrap();
    }
    // The shop's orders: some visitors buy the same products every ~30 days.
    let mut rows = Vec::new();
    for v in 0..20 {
        for n in 0..4 {
            let at = t0 + (n * 30 + v) as f64 * 86_400_000.0;
            for p in [v % 7, 30 + v % 3] {
                let e = event(
                    json!({"type": "purchase", "orderId": format!("S{v}-{n}"), "items": [{"productId": format!("p{p}"), "quantity": 1}], "at": at}),
                );
                rows.push((
                    format!("v{v:02}"),
                    NewEvent {
                        id: format!("order:S{v}-{n}:p{p}"),
                        event: e,
                    },
                ));
            }
        }
    }
    db.import(&rows, Source::Orders, 0.0).unwrap();
    path
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Catalogs equal field by field; popularity (a sum of decayed weights, added in another
/// order by each engine) to 12 significant digits.
pub fn assert_same_catalog(a: &Value, b: &Value) {
    let (pa, pb) = (
        a["products"].as_array().unwrap(),
        b["products"].as_array().unwrap(),
    );
    assert_eq!(pa.len(), pb.len(), "product counts");
    for (x, y) in pa.iter().zip(pb) {
        let (mut x, mut y) = (x.clone(), y.clone());
        let (px, py) = (
            x["popularity"].as_f64().unwrap(),
            y["popularity"].as_f64().unwrap(),
        );
        assert!(
            (px - py).abs() <= 1e-12 * px.abs().max(1.0),
            "{}: popularity {px} vs {py}",
            x["id"]
        );
        x["popularity"] = json!(0);
        y["popularity"] = json!(0);
        assert_eq!(x, y);
    }
}
