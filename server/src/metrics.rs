//! `GET /v1/metrics`: the SDK's per-visitor counters summed per campaign and variant, and
//! each variant's uplift against the campaign's `holdout`.
//!
//! The unit of the experiment is the visitor (variants are assigned per visitor), so a
//! variant's conversion rate is the share of its exposed visitors (at least one
//! impression; for the holdout, one moment the campaign would have spoken) who converted
//! at least once. Uplift is the difference of two proportions, p_variant − p_holdout,
//! with a 95% confidence interval from the normal approximation:
//! ± 1.96 · sqrt(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀).

use crate::db::MetricRow;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const HOLDOUT: &str = "holdout";
/// The 97.5th percentile of the standard normal distribution.
const Z_95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Arm {
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: u64,
    pub revenue: f64,
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
    let se = (p1 * (1.0 - p1) / variant.visitors as f64 + p0 * (1.0 - p0) / holdout.visitors as f64).sqrt();
    let difference = p1 - p0;
    Some(Uplift { difference, low: difference - Z_95 * se, high: difference + Z_95 * se })
}

/// campaign → variant → totals.
pub fn aggregate(rows: &[MetricRow]) -> BTreeMap<String, BTreeMap<String, Arm>> {
    let mut out: BTreeMap<String, BTreeMap<String, Arm>> = BTreeMap::new();
    for r in rows {
        let arm = out.entry(r.campaign.clone()).or_default().entry(r.variant.clone()).or_default();
        arm.impressions += r.impressions;
        arm.clicks += r.clicks;
        arm.conversions += r.conversions;
        arm.revenue += r.revenue;
        if r.impressions > 0 {
            arm.visitors += 1;
            arm.converted += u64::from(r.conversions > 0);
        }
    }
    out
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The response document: `{ campaignId: { variant: { impressions, clicks, conversions,
/// revenue, visitors, convertedVisitors, conversionRate, uplift? } } }`, the shape of the
/// SDK's `metrics()` with the experiment's figures added.
pub fn report(rows: &[MetricRow]) -> Value {
    let mut doc = Map::new();
    for (campaign, arms) in aggregate(rows) {
        let holdout = arms.get(HOLDOUT).copied();
        let mut c = Map::new();
        for (variant, arm) in &arms {
            let mut v = json!({
                "impressions": arm.impressions,
                "clicks": arm.clicks,
                "conversions": arm.conversions,
                "revenue": (arm.revenue * 100.0).round() / 100.0,
                "visitors": arm.visitors,
                "convertedVisitors": arm.converted,
                "conversionRate": arm.rate().map(round),
            });
            if let Some(u) = holdout.filter(|_| variant != HOLDOUT).and_then(|h| uplift(arm, &h)) {
                v["uplift"] = json!({"difference": round(u.difference), "low": round(u.low), "high": round(u.high), "confidence": 0.95});
            }
            c.insert(variant.clone(), v);
        }
        doc.insert(campaign, Value::Object(c));
    }
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(visitor: usize, variant: &str, impressions: u64, conversions: u64) -> MetricRow {
        MetricRow {
            visitor_id: format!("v{visitor}"),
            campaign: "c".into(),
            variant: variant.into(),
            impressions,
            clicks: 0,
            conversions,
            revenue: conversions as f64 * 10.0,
        }
    }

    #[test]
    fn uplift_is_the_difference_of_proportions_with_a_normal_interval() {
        // 200 visitors saw variant a, 30 converted; 100 were held out, 10 converted.
        let a = Arm { visitors: 200, converted: 30, ..Arm::default() };
        let h = Arm { visitors: 100, converted: 10, ..Arm::default() };
        let u = uplift(&a, &h).unwrap();
        let se = (0.15f64 * 0.85 / 200.0 + 0.1 * 0.9 / 100.0).sqrt();
        assert!((u.difference - 0.05).abs() < 1e-12);
        assert!((u.high - u.low - 2.0 * 1.959964 * se).abs() < 1e-6);
        assert!((se - 0.039_211).abs() < 1e-6, "{se}");
        assert!(uplift(&a, &Arm::default()).is_none(), "no holdout visitors, no uplift");
    }

    #[test]
    fn report_counts_visitors_once_and_adds_uplift_to_variants() {
        let mut rows = vec![row(0, "a", 3, 2), row(1, "a", 1, 0), row(2, "a", 0, 0)];
        rows.extend([row(3, HOLDOUT, 1, 0), row(4, HOLDOUT, 1, 1)]);
        let doc = report(&rows);
        let a = &doc["c"]["a"];
        assert_eq!((a["impressions"].as_u64(), a["conversions"].as_u64(), a["visitors"].as_u64()), (Some(4), Some(2), Some(2)));
        assert_eq!(a["conversionRate"], 0.5);
        assert_eq!(a["revenue"], 20.0);
        assert_eq!(a["uplift"]["difference"], 0.0);
        let half = 1.959964 * (0.25f64 / 2.0 + 0.25 / 2.0).sqrt();
        assert!((a["uplift"]["high"].as_f64().unwrap() - half).abs() < 1e-5);
        assert!(doc["c"][HOLDOUT].get("uplift").is_none());
    }
}
