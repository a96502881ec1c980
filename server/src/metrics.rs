//! `GET /v1/metrics`: per campaign and variant, figures derived on the server from the
//! event stream (see `db::Db::ingest`): exposures and clicks from the SDK's exposure
//! reports, conversions and revenue from the visitor's own purchases. Only campaigns and
//! variants of a published rules revision are counted (`Campaigns`); the totals are kept
//! up to date as batches arrive (`Totals::apply`), so a read never scans the database.
//!
//! The unit of the experiment is the visitor (variants are assigned per visitor), so a
//! variant's conversion rate is the share of its exposed visitors (at least one
//! impression; for the holdout, one moment the campaign would have spoken) who converted
//! at least once. Uplift is the difference of two proportions, p_variant − p_holdout,
//! with a 95% confidence interval from the normal approximation:
//! ± 1.96 · sqrt(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀).

use crate::db::{ArmChange, VisitorArm};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const HOLDOUT: &str = "holdout";
/// The 97.5th percentile of the standard normal distribution.
const Z_95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Arm {
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: u64,
    pub revenue: f64,
    /// Σ over the arm's visitors of (their revenue)², for the variance of revenue per visitor.
    pub revenue_squares: f64,
    /// Visitors with at least one impression.
    pub visitors: u64,
    /// Of those, visitors with at least one conversion.
    pub converted: u64,
}

impl Arm {
    pub fn rate(&self) -> Option<f64> {
        (self.visitors > 0).then(|| self.converted as f64 / self.visitors as f64)
    }
}

/// Difference of conversion rates, variant − holdout, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uplift {
    pub difference: f64,
    pub low: f64,
    pub high: f64,
}

pub fn uplift(variant: &Arm, holdout: &Arm) -> Option<Uplift> {
    let (p1, p0) = (variant.rate()?, holdout.rate()?);
    let se = (p1 * (1.0 - p1) / variant.visitors as f64
        + p0 * (1.0 - p0) / holdout.visitors as f64)
        .sqrt();
    let difference = p1 - p0;
    Some(Uplift {
        difference,
        low: difference - Z_95 * se,
        high: difference + Z_95 * se,
    })
}

/// The default `attributionHours` of a campaign (the engine's).
const DEFAULT_ATTRIBUTION_HOURS: f64 = 72.0;
/// The arm of a campaign without variants.
pub const DEFAULT_VARIANT: &str = "default";

/// The campaigns and variants of every published rules revision: an exposure naming
/// anything else is refused. The attribution window is the latest revision's.
#[derive(Debug, Default, Clone)]
pub struct Campaigns {
    known: HashMap<String, (BTreeSet<String>, f64)>,
}

impl Campaigns {
    /// Adds a published rules document (already validated).
    pub fn add(&mut self, rules: &Value) {
        for c in rules
            .get("campaigns")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = c.get("id").and_then(Value::as_str) else {
                continue;
            };
            let hours = c
                .get("attributionHours")
                .and_then(Value::as_f64)
                .unwrap_or(DEFAULT_ATTRIBUTION_HOURS);
            let entry = self.known.entry(id.to_string()).or_default();
            entry.1 = hours * 3_600_000.0;
            let variants: Vec<&str> = c
                .get("variants")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.get("id")?.as_str())
                .collect();
            if variants.is_empty() {
                entry.0.insert(DEFAULT_VARIANT.to_string());
            }
            entry.0.extend(variants.into_iter().map(String::from));
            if c.get("holdout").and_then(Value::as_f64).unwrap_or(0.0) > 0.0 {
                entry.0.insert(HOLDOUT.to_string());
            }
        }
    }

    pub fn knows(&self, campaign: &str, variant: &str) -> bool {
        self.known
            .get(campaign)
            .is_some_and(|(variants, _)| variants.contains(variant))
    }

    pub fn knows_campaign(&self, campaign: &str) -> bool {
        self.known.contains_key(campaign)
    }

    pub fn window_ms(&self, campaign: &str) -> f64 {
        self.known
            .get(campaign)
            .map_or(DEFAULT_ATTRIBUTION_HOURS * 3_600_000.0, |c| c.1)
    }
}

/// Without a catalog, a line without a price is worth nothing.
impl crate::db::Attribution for Campaigns {
    fn window_ms(&self, campaign: &str) -> f64 {
        Campaigns::window_ms(self, campaign)
    }
    fn price(&self, _: &str) -> f64 {
        0.0
    }
}

/// campaign → variant → totals, kept up to date from the arm rows ingest changes.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    pub arms: BTreeMap<String, BTreeMap<String, Arm>>,
    /// Bumped on every change: a rendered report is reused until it moves.
    pub version: u64,
}

impl Totals {
    /// Adds (`sign` 1) or removes (−1) one visitor's row from its arm's totals.
    fn add(&mut self, campaign: &str, variant: &str, row: &VisitorArm, sign: f64) {
        let arms = self.arms.entry(campaign.to_string()).or_default();
        let arm = arms.entry(variant.to_string()).or_default();
        let n = |x: u64, acc: &mut u64| {
            *acc = if sign > 0.0 {
                *acc + x
            } else {
                acc.saturating_sub(x)
            }
        };
        n(row.shown, &mut arm.impressions);
        n(row.clicks, &mut arm.clicks);
        n(row.conversions, &mut arm.conversions);
        n(1, &mut arm.visitors);
        n(u64::from(row.conversions > 0), &mut arm.converted);
        arm.revenue += sign * row.revenue;
        arm.revenue_squares += sign * row.revenue * row.revenue;
    }

    /// Starts from the stored rows.
    pub fn row(&mut self, campaign: &str, variant: &str, row: VisitorArm) {
        self.add(campaign, variant, &row, 1.0);
        self.version += 1;
    }

    pub fn apply(&mut self, changes: &[ArmChange]) {
        for c in changes {
            if let Some(before) = &c.before {
                self.add(&c.campaign, &c.variant, before, -1.0);
            }
            if let Some(after) = &c.after {
                self.add(&c.campaign, &c.variant, after, 1.0);
            }
        }
        self.version += !changes.is_empty() as u64;
    }
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The response document: `{ campaignId: { variant: { impressions, clicks, conversions,
/// revenue, revenueSquares, visitors, convertedVisitors, conversionRate, uplift? } } }`,
/// the shape of the SDK's `metrics()` with the experiment's figures added.
pub fn report(totals: &Totals) -> Value {
    let mut doc = Map::new();
    for (campaign, arms) in &totals.arms {
        let holdout = arms.get(HOLDOUT).copied();
        let mut c = Map::new();
        for (variant, arm) in arms {
            let mut v = json!({
                "impressions": arm.impressions,
                "clicks": arm.clicks,
                "conversions": arm.conversions,
                "revenue": (arm.revenue * 100.0).round() / 100.0,
                "revenueSquares": (arm.revenue_squares * 100.0).round() / 100.0,
                "visitors": arm.visitors,
                "convertedVisitors": arm.converted,
                "conversionRate": arm.rate().map(round),
            });
            if let Some(u) = holdout
                .filter(|_| variant != HOLDOUT)
                .and_then(|h| uplift(arm, &h))
            {
                v["uplift"] = json!({"difference": round(u.difference), "low": round(u.low), "high": round(u.high), "confidence": 0.95});
            }
            c.insert(variant.clone(), v);
        }
        doc.insert(campaign.clone(), Value::Object(c));
    }
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(shown: u64, conversions: u64) -> VisitorArm {
        VisitorArm {
            first_at: 0.0,
            last_at: 0.0,
            shown,
            clicks: 0,
            conversions,
            revenue: conversions as f64 * 10.0,
        }
    }

    #[test]
    fn uplift_is_the_difference_of_proportions_with_a_normal_interval() {
        // 200 visitors saw variant a, 30 converted; 100 were held out, 10 converted.
        let a = Arm {
            visitors: 200,
            converted: 30,
            ..Arm::default()
        };
        let h = Arm {
            visitors: 100,
            converted: 10,
            ..Arm::default()
        };
        let u = uplift(&a, &h).unwrap();
        let se = (0.15f64 * 0.85 / 200.0 + 0.1 * 0.9 / 100.0).sqrt();
        assert!((u.difference - 0.05).abs() < 1e-12);
        assert!((u.high - u.low - 2.0 * 1.959964 * se).abs() < 1e-6);
        assert!((se - 0.039_211).abs() < 1e-6, "{se}");
        assert!(
            uplift(&a, &Arm::default()).is_none(),
            "no holdout visitors, no uplift"
        );
    }

    #[test]
    fn totals_follow_changes_and_report_uplift_against_the_holdout() {
        let mut t = Totals::default();
        for (variant, r) in [
            ("a", row(3, 2)),
            ("a", row(1, 0)),
            (HOLDOUT, row(1, 0)),
            (HOLDOUT, row(1, 1)),
        ] {
            t.row("c", variant, r);
        }
        // A visitor's row grows: its old contribution goes, the new one comes.
        t.apply(&[ArmChange {
            campaign: "c".into(),
            variant: "a".into(),
            before: Some(row(1, 0)),
            after: Some(row(2, 0)),
        }]);
        let doc = report(&t);
        let a = &doc["c"]["a"];
        assert_eq!(
            (
                a["impressions"].as_u64(),
                a["conversions"].as_u64(),
                a["visitors"].as_u64()
            ),
            (Some(5), Some(2), Some(2))
        );
        assert_eq!(a["conversionRate"], 0.5);
        assert_eq!(
            (a["revenue"].as_f64(), a["revenueSquares"].as_f64()),
            (Some(20.0), Some(400.0))
        );
        assert_eq!(a["uplift"]["difference"], 0.0);
        let half = 1.959964 * (0.25f64 / 2.0 + 0.25 / 2.0).sqrt();
        assert!((a["uplift"]["high"].as_f64().unwrap() - half).abs() < 1e-5);
        assert!(doc["c"][HOLDOUT].get("uplift").is_none());
    }

    #[test]
    fn campaigns_know_the_arms_of_every_published_revision() {
        let mut c = Campaigns::default();
        c.add(&json!({"campaigns": [{"id": "x", "variants": [{"id": "a"}, {"id": "b"}], "holdout": 10, "attributionHours": 1}, {"id": "y"}]}));
        c.add(&json!({"campaigns": [{"id": "x", "variants": [{"id": "c"}]}]}));
        for (campaign, variant, known) in [
            ("x", "a", true),
            ("x", "c", true),
            ("x", HOLDOUT, true),
            ("x", "default", false),
            ("y", "default", true),
            ("y", HOLDOUT, false),
            ("z", "default", false),
        ] {
            assert_eq!(c.knows(campaign, variant), known, "{campaign}/{variant}");
        }
        assert_eq!(
            (c.window_ms("x"), c.window_ms("y")),
            (72.0 * 3_600_000.0, 72.0 * 3_600_000.0)
        );
    }
}
