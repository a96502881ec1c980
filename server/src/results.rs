//! `GET /v1/results`: what a marketer reads per campaign. Each arm (variants and the
//! holdout) with its exposed visitors, conversions, conversion rate and revenue per visitor;
//! each variant against the holdout on both metrics with a fixed-horizon and an
//! anytime-valid interval (`stats`); the sample-ratio check against the split configured in
//! the rules in force; and a verdict as a stable code with a plain-words sentence.
//!
//! The unit is the visitor, as in `metrics`: a visitor counts in an arm once exposed (an
//! impression; for the holdout, a moment the campaign would have spoken), converted when
//! they converted at least once, and brings their attributed revenue.

use crate::metrics::{Totals, HOLDOUT};
use crate::stats::{self, Difference, Estimate, Sample};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Two-sided error rate of every interval (95% intervals).
pub const ALPHA: f64 = 0.05;
/// Visitors (both arms) at which the confidence sequence is tightest (gbstats' default).
pub const TUNING: f64 = 5000.0;
/// Below this many visitors in the variant or the holdout no verdict is given: the normal
/// approximation behind every interval here needs a few dozen per arm.
pub const MIN_VISITORS: u64 = 30;
/// Below this SRM p-value the split is called broken (GrowthBook's threshold).
pub const SRM_THRESHOLD: f64 = 0.001;

/// One arm's visitor-level totals.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct ArmTotals {
    pub visitors: u64,
    pub converted: u64,
    pub conversions: u64,
    pub impressions: u64,
    pub clicks: u64,
    pub revenue: f64,
    /// Σ over visitors of (their revenue)², for the variance of revenue per visitor.
    pub revenue_sq: f64,
}

impl ArmTotals {
    fn conversion(&self) -> Sample {
        Sample::proportion(self.visitors, self.converted)
    }

    fn revenue(&self) -> Sample {
        Sample {
            n: self.visitors,
            sum: self.revenue,
            sum_sq: self.revenue_sq,
        }
    }
}

/// campaign → arm → totals, from the server's running totals (exposed visitors only).
pub fn totals(totals: &Totals) -> BTreeMap<String, BTreeMap<String, ArmTotals>> {
    let arm = |a: &crate::metrics::Arm| ArmTotals {
        visitors: a.visitors,
        converted: a.converted,
        conversions: a.conversions,
        impressions: a.impressions,
        clicks: a.clicks,
        revenue: a.revenue,
        revenue_sq: a.revenue_squares,
    };
    totals
        .arms
        .iter()
        .map(|(c, arms)| {
            (
                c.clone(),
                arms.iter()
                    .filter(|(_, a)| a.visitors > 0)
                    .map(|(v, a)| (v.clone(), arm(a)))
                    .collect(),
            )
        })
        .collect()
}

/// Arms and the share of visitors each should get, the holdout first.
pub type Split = Vec<(String, f64)>;

/// A campaign's name and configured split from the rules document. A campaign without
/// variants has the arm `default`.
pub fn configured_split(rules: &Value, campaign: &str) -> Option<(Option<String>, Split)> {
    let c = rules
        .get("campaigns")?
        .as_array()?
        .iter()
        .find(|c| c.get("id").and_then(Value::as_str) == Some(campaign))?;
    let holdout = c.get("holdout").and_then(Value::as_f64).unwrap_or(0.0) / 100.0;
    let mut split = vec![(HOLDOUT.to_string(), holdout)];
    let variants: Vec<(String, f64)> = c
        .get("variants")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter_map(|v| {
                    Some((
                        v.get("id")?.as_str()?.to_string(),
                        v.get("weight").and_then(Value::as_f64).unwrap_or(0.0),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let total: f64 = variants.iter().map(|(_, w)| w).sum();
    if variants.is_empty() || total <= 0.0 {
        split.push(("default".to_string(), 1.0 - holdout));
    } else {
        split.extend(
            variants
                .into_iter()
                .map(|(id, w)| (id, (1.0 - holdout) * w / total)),
        );
    }
    let name = c.get("name").and_then(Value::as_str).map(str::to_string);
    Some((name, split))
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

fn estimate(e: &Estimate) -> Value {
    json!({"effect": round(e.effect, 6), "low": round(e.low, 6), "high": round(e.high, 6), "pValue": round(e.p_value, 6)})
}

/// One metric of a variant against the holdout: absolute and relative differences read
/// once (fixed horizon), and both anytime-valid (`anytime`: absolute, `anytimeRelative`).
fn comparison(control: &Sample, treatment: &Sample) -> Value {
    let mut v = Map::new();
    for (key, kind) in [
        ("absolute", Difference::Absolute),
        ("relative", Difference::Relative),
    ] {
        if let Some(e) = stats::t_test(control, treatment, kind, ALPHA) {
            v.insert(key.into(), estimate(&e));
        }
    }
    for (key, kind) in [
        ("anytime", Difference::Absolute),
        ("anytimeRelative", Difference::Relative),
    ] {
        if let Some(e) = stats::sequential(control, treatment, kind, ALPHA, TUNING) {
            v.insert(key.into(), estimate(&e));
        }
    }
    Value::Object(v)
}

/// A difference of rates in percentage points: `+2.4 points`.
fn points(x: f64) -> String {
    format!("{:+.1} points", x * 100.0)
}

/// The verdict on a variant's conversion rate against the holdout: `(code, sentence)`. It
/// reads the anytime-valid interval of the difference in points, so it may be read at any
/// time; a relative interval needs many control conversions before it says anything.
pub fn verdict(
    arm: &str,
    variant: &ArmTotals,
    holdout: Option<&ArmTotals>,
    srm_broken: bool,
) -> (&'static str, String) {
    if srm_broken {
        return ("sample_ratio_mismatch", "The visitors are not split as configured, so no comparison can be trusted until the cause is found.".into());
    }
    let Some(h) = holdout.filter(|h| h.visitors > 0) else {
        return (
            "no_holdout",
            "No holdout visitors yet: without a control group the uplift cannot be measured."
                .into(),
        );
    };
    let (pv, ph) = (variant.conversion().mean(), h.conversion().mean());
    let e = (variant.visitors >= MIN_VISITORS && h.visitors >= MIN_VISITORS)
        .then(|| {
            stats::sequential(
                &h.conversion(),
                &variant.conversion(),
                Difference::Absolute,
                ALPHA,
                TUNING,
            )
        })
        .flatten();
    let Some(e) = e else {
        return (
            "too_few",
            format!(
                "Too few visitors or conversions to compare yet ({} in {arm}, {} in the holdout).",
                variant.visitors, h.visitors
            ),
        );
    };
    let rates = format!(
        "{:.1}% against {:.1}% in the holdout",
        pv * 100.0,
        ph * 100.0
    );
    let range = format!("{} to {}", points(e.low), points(e.high));
    if e.low > 0.0 {
        ("better", format!("{arm} converts better than the holdout: {rates}, {} (95% anytime-valid interval {range}). This holds however often the results were looked at.", points(e.effect)))
    } else if e.high < 0.0 {
        ("worse", format!("{arm} converts worse than the holdout: {rates}, {} (95% anytime-valid interval {range}).", points(e.effect)))
    } else {
        ("not_significant", format!("Not significant yet: {rates}; the difference could be anywhere from {range}. Keep it running; the interval stays valid however often you look."))
    }
}

/// The response document: `{ alpha, tuning, campaigns: [{ id, name?, arms: [...],
/// srm: { pValue, mismatch, expected } | null }] }`, arms in the configured order (the
/// holdout first) then any no longer configured.
pub fn report(running: &Totals, rules: Option<&Value>) -> Value {
    let mut campaigns = Vec::new();
    for (campaign, arms) in totals(running) {
        let config = rules.and_then(|r| configured_split(r, &campaign));
        let split = config.as_ref().map(|(_, s)| s.clone()).unwrap_or_default();
        // SRM over the configured arms with visitors expected (weight > 0).
        let srm = if split.is_empty() {
            None
        } else {
            let observed: Vec<u64> = split
                .iter()
                .map(|(id, _)| arms.get(id).map_or(0, |a| a.visitors))
                .collect();
            let weights: Vec<f64> = split.iter().map(|(_, w)| *w).collect();
            stats::srm_p_value(&observed, &weights)
        };
        let broken = srm.is_some_and(|p| p < SRM_THRESHOLD);
        // A configured holdout is listed before its first visitor (the control is missing);
        // other arms once they have visitors.
        let mut order: Vec<String> = split
            .iter()
            .filter(|(id, share)| arms.contains_key(id) || (id == HOLDOUT && *share > 0.0))
            .map(|(id, _)| id.clone())
            .collect();
        order.extend(
            arms.keys()
                .filter(|id| !split.iter().any(|(s, _)| s == *id))
                .cloned(),
        );
        let holdout = arms.get(HOLDOUT);
        let total_visitors: u64 = arms.values().map(|a| a.visitors).sum();
        let list: Vec<Value> = order
            .iter()
            .map(|id| {
                let a = arms.get(id).copied().unwrap_or_default();
                let rate = (a.visitors > 0).then(|| round(a.converted as f64 / a.visitors as f64, 6));
                let rpv = (a.visitors > 0).then(|| round(a.revenue / a.visitors as f64, 4));
                let mut v = json!({
                    "id": id,
                    "holdout": id == HOLDOUT,
                    "visitors": a.visitors,
                    "share": (total_visitors > 0).then(|| round(a.visitors as f64 / total_visitors as f64, 6)),
                    "expectedShare": split.iter().find(|(s, _)| s == id).map(|(_, w)| round(*w, 6)),
                    "impressions": a.impressions,
                    "clicks": a.clicks,
                    "convertedVisitors": a.converted,
                    "conversions": a.conversions,
                    "conversionRate": rate,
                    "revenue": round(a.revenue, 2),
                    "revenuePerVisitor": rpv,
                });
                if id != HOLDOUT {
                    if let Some(h) = holdout {
                        v["conversionUplift"] = comparison(&h.conversion(), &a.conversion());
                        v["revenueUplift"] = comparison(&h.revenue(), &a.revenue());
                    }
                    let (code, text) = verdict(id, &a, holdout, broken);
                    v["verdict"] = json!({"code": code, "text": text});
                }
                v
            })
            .collect();
        let srm = srm.map(|p| {
            json!({
                "pValue": round(p, 6),
                "mismatch": p < SRM_THRESHOLD,
                "text": if p < SRM_THRESHOLD {
                    format!("Sample ratio mismatch (p = {p:.2e}): the arms did not get the configured shares of visitors; check for bugs in exposure or assignment before reading results.")
                } else {
                    format!("The visitors are split as configured (p = {p:.2}).")
                },
            })
        });
        let mut c = json!({"id": campaign, "visitors": total_visitors, "arms": list, "srm": srm});
        if let Some((Some(name), _)) = &config {
            c["name"] = json!(name);
        }
        campaigns.push(c);
    }
    json!({"alpha": ALPHA, "tuning": TUNING, "campaigns": campaigns})
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::db::VisitorArm;

    /// A known event log: `n` exposed visitors in `variant` of whom `converted` bought once for `price`.
    fn arm(rows: &mut Totals, variant: &str, n: usize, converted: usize, price: f64) {
        for i in 0..n {
            let c = u64::from(i < converted);
            rows.row(
                "c",
                variant,
                VisitorArm {
                    shown: 1,
                    conversions: c,
                    revenue: c as f64 * price,
                    ..VisitorArm::default()
                },
            );
        }
    }

    fn rules() -> Value {
        json!({"version": 1, "campaigns": [{"id": "c", "name": "Cat litter", "holdout": 10, "variants": [{"id": "A", "weight": 50}, {"id": "B", "weight": 50}]}]})
    }

    #[test]
    fn arithmetic_on_a_known_log() {
        let mut rows = Totals::default();
        arm(&mut rows, HOLDOUT, 1000, 50, 100.0);
        arm(&mut rows, "A", 4500, 450, 100.0);
        arm(&mut rows, "B", 4500, 226, 100.0);
        let doc = report(&rows, Some(&rules()));
        let c = &doc["campaigns"][0];
        assert_eq!(
            (c["id"].as_str(), c["name"].as_str(), c["visitors"].as_u64()),
            (Some("c"), Some("Cat litter"), Some(10_000))
        );
        let arms = c["arms"].as_array().unwrap();
        assert_eq!(
            arms.iter()
                .map(|a| a["id"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["holdout", "A", "B"]
        );
        let (h, a, b) = (&arms[0], &arms[1], &arms[2]);
        assert_eq!(
            (
                h["visitors"].as_u64(),
                h["conversionRate"].as_f64(),
                h["revenuePerVisitor"].as_f64()
            ),
            (Some(1000), Some(0.05), Some(5.0))
        );
        assert_eq!(
            (
                a["convertedVisitors"].as_u64(),
                a["conversionRate"].as_f64(),
                a["revenue"].as_f64()
            ),
            (Some(450), Some(0.1), Some(45000.0))
        );
        assert_eq!(
            (a["share"].as_f64(), a["expectedShare"].as_f64()),
            (Some(0.45), Some(0.45))
        );
        // A: 10% against 5%: +5 points absolute, +100% relative.
        let abs = &a["conversionUplift"]["absolute"];
        assert!((abs["effect"].as_f64().unwrap() - 0.05).abs() < 1e-9);
        let se = (0.1f64 * 0.9 / 4500.0 + 0.05 * 0.95 / 1000.0).sqrt();
        assert!(
            (abs["high"].as_f64().unwrap() - 0.05 - 1.96 * se).abs() < 2e-4,
            "{abs}"
        );
        assert!(
            (a["conversionUplift"]["relative"]["effect"]
                .as_f64()
                .unwrap()
                - 1.0)
                .abs()
                < 1e-9
        );
        assert!((a["revenueUplift"]["absolute"]["effect"].as_f64().unwrap() - 5.0).abs() < 1e-9);
        let any = &a["conversionUplift"]["anytime"];
        let rel = &a["conversionUplift"]["absolute"];
        assert!(
            any["low"].as_f64() < rel["low"].as_f64()
                && any["high"].as_f64() > rel["high"].as_f64(),
            "anytime-valid is wider"
        );
        assert_eq!(a["verdict"]["code"], "better", "{}", a["verdict"]);
        // B: 5.02% against 5%: no evidence either way.
        assert_eq!(b["verdict"]["code"], "not_significant");
        assert!(b["verdict"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Not significant yet"));
        assert!(h.get("verdict").is_none() && h.get("conversionUplift").is_none());
        assert_eq!(c["srm"]["mismatch"], false);
    }

    #[test]
    fn a_broken_split_is_flagged_and_overrides_every_verdict() {
        let mut rows = Totals::default();
        arm(&mut rows, HOLDOUT, 500, 25, 10.0);
        arm(&mut rows, "A", 3000, 300, 10.0);
        arm(&mut rows, "B", 1500, 75, 10.0);
        let doc = report(&rows, Some(&rules()));
        let c = &doc["campaigns"][0];
        assert_eq!(c["srm"]["mismatch"], true);
        assert!(c["srm"]["pValue"].as_f64().unwrap() < 1e-6);
        assert_eq!(c["arms"][1]["verdict"]["code"], "sample_ratio_mismatch");
    }

    #[test]
    fn missing_holdout_and_small_samples_say_so() {
        let mut rows = Totals::default();
        arm(&mut rows, "A", 10, 1, 10.0);
        let doc = report(&rows, None);
        let c = &doc["campaigns"][0];
        assert_eq!(c["srm"], Value::Null, "no configuration, no SRM");
        assert_eq!(c["arms"][0]["verdict"]["code"], "no_holdout");
        arm(&mut rows, HOLDOUT, 3, 0, 10.0);
        let doc = report(&rows, Some(&rules()));
        let a = doc["campaigns"][0]["arms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == "A")
            .unwrap()
            .clone();
        assert_eq!(a["verdict"]["code"], "too_few");
        // Arms no longer configured are still listed, after the configured ones.
        let mut rows2 = rows.clone();
        arm(&mut rows2, "old", 4, 1, 10.0);
        let doc = report(&rows2, Some(&rules()));
        let ids: Vec<_> = doc["campaigns"][0]["arms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["holdout", "A", "old"]);
    }
}
