//! The statistics of an experiment read by a marketer: per-arm summaries, the effect of a
//! variant against the holdout with a fixed-horizon interval (Welch's t) and an
//! anytime-valid one (a confidence sequence), and the sample-ratio-mismatch check.
//! Pure functions of counts; nothing here knows campaigns, HTTP or SQLite.
//!
//! The methods are GrowthBook's (`gbstats`, `packages/stats/gbstats/frequentist/tests.py`),
//! so results here can be checked against theirs; the unit tests reproduce the worked
//! examples of its test suite to five decimals:
//! - effects are absolute (`b − a`) or relative (`b / a − 1`, variance by the delta method);
//! - the fixed-horizon interval and p-value use Student's t with Welch–Satterthwaite
//!   degrees of freedom;
//! - the anytime-valid interval is the asymptotic confidence sequence of Waudby-Smith et al.
//!   (2023, arXiv:2103.06476, eq. 9 with ρ from eq. 161, tuned to be tightest near
//!   `tuning` visitors): it holds at every peek at once, so a dashboard read daily may
//!   stop as soon as it excludes zero;
//! - SRM is Pearson's χ² goodness of fit of the visitors per arm to the configured split.

/// A metric summed over an arm's visitors: `n` visitors, `sum` of the per-visitor values and
/// `sum_sq` of their squares. A conversion rate is the special case of 0/1 values.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub n: u64,
    pub sum: f64,
    pub sum_sq: f64,
}

impl Sample {
    /// `converted` of `n` visitors: a proportion (variance p(1−p), as gbstats).
    pub fn proportion(n: u64, converted: u64) -> Sample {
        Sample {
            n,
            sum: converted as f64,
            sum_sq: converted as f64,
        }
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    /// The unbiased sample variance; for a proportion (`sum == sum_sq`, values 0/1), p(1−p).
    pub fn variance(&self) -> f64 {
        let n = self.n as f64;
        if self.n < 2 {
            return 0.0;
        }
        if self.sum == self.sum_sq && self.sum <= n {
            let p = self.sum / n;
            return p * (1.0 - p);
        }
        ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// treatment − control, in the metric's unit.
    Absolute,
    /// treatment / control − 1.
    Relative,
}

/// An effect with a two-sided interval at 1 − alpha and its p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub effect: f64,
    /// Standard error of `effect`.
    pub se: f64,
    pub low: f64,
    pub high: f64,
    pub p_value: f64,
}

impl Estimate {
    /// The interval lies wholly on one side of zero.
    pub fn significant(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// Effect, its variance and the Welch–Satterthwaite degrees of freedom; `None` when either
/// arm has fewer than two visitors, no variance, or (relative) a zero control mean.
fn moments(control: &Sample, treatment: &Sample, kind: Difference) -> Option<(f64, f64, f64)> {
    if control.n < 2 || treatment.n < 2 {
        return None;
    }
    let (ma, mb) = (control.mean(), treatment.mean());
    let (va, vb) = (
        control.variance() / control.n as f64,
        treatment.variance() / treatment.n as f64,
    );
    if va + vb <= 0.0 {
        return None;
    }
    let df =
        (va + vb).powi(2) / (va * va / (control.n - 1) as f64 + vb * vb / (treatment.n - 1) as f64);
    match kind {
        Difference::Absolute => Some((mb - ma, va + vb, df)),
        Difference::Relative if ma != 0.0 => Some((
            mb / ma - 1.0,
            vb / (ma * ma) + va * mb * mb / ma.powi(4),
            df,
        )),
        Difference::Relative => None,
    }
}

/// Fixed-horizon two-sided Welch t-test of treatment against control (valid when read once,
/// at a sample size fixed in advance).
pub fn t_test(
    control: &Sample,
    treatment: &Sample,
    kind: Difference,
    alpha: f64,
) -> Option<Estimate> {
    let (effect, var, df) = moments(control, treatment, kind)?;
    let se = var.sqrt();
    let half = t_quantile(1.0 - alpha / 2.0, df) * se;
    let p_value = 2.0 * (1.0 - t_cdf((effect / se).abs(), df));
    Some(Estimate {
        effect,
        se,
        low: effect - half,
        high: effect + half,
        p_value: p_value.clamp(0.0, 1.0),
    })
}

/// The confidence sequence's tuning: ρ for a sequence tightest near `tuning` visitors.
fn rho(alpha: f64, tuning: f64) -> f64 {
    let l = -2.0 * alpha.ln();
    ((l + (l + 1.0).ln()) / tuning).sqrt()
}

/// Anytime-valid interval: holds simultaneously at every sample size, so reading it every
/// day does not inflate false positives. Its p-value is the smallest alpha whose sequence
/// excludes zero (capped at 1).
pub fn sequential(
    control: &Sample,
    treatment: &Sample,
    kind: Difference,
    alpha: f64,
    tuning: f64,
) -> Option<Estimate> {
    let (effect, var, _) = moments(control, treatment, kind)?;
    let n = (control.n + treatment.n) as f64;
    let rho2 = rho(alpha, tuning).powi(2);
    let s2 = var * n;
    let a = n * rho2 + 1.0;
    let scale = 2.0 * a / (n * n * rho2);
    let half = (s2 * scale * (a.sqrt() / alpha).ln()).sqrt();
    // Solve half(alpha') = |effect| for alpha'.
    let p_value = (a.sqrt() * (-(effect * effect) / (s2 * scale)).exp()).min(1.0);
    Some(Estimate {
        effect,
        se: var.sqrt(),
        low: effect - half,
        high: effect + half,
        p_value,
    })
}

/// Sample-ratio mismatch: the p-value of Pearson's χ² test that `observed` visitors per arm
/// came from a split by `weights` (any positive scale). `None` without visitors or with
/// fewer than two arms of positive weight.
pub fn srm_p_value(observed: &[u64], weights: &[f64]) -> Option<f64> {
    let total: f64 = observed.iter().map(|&o| o as f64).sum();
    let wsum: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    let arms = weights.iter().filter(|w| **w > 0.0).count();
    if total == 0.0 || arms < 2 || observed.len() != weights.len() {
        return None;
    }
    let mut chi2 = 0.0;
    for (&o, &w) in observed.iter().zip(weights) {
        if w <= 0.0 {
            if o > 0 {
                return Some(0.0); // visitors in an arm that should have none
            }
            continue;
        }
        let e = total * w / wsum;
        chi2 += (o as f64 - e).powi(2) / e;
    }
    Some(chi2_sf(chi2, (arms - 1) as f64))
}

// ---- distributions ----

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 digits).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let s = C[1..]
        .iter()
        .enumerate()
        .fold(C[0], |s, (i, c)| s + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

/// Regularized incomplete beta I_x(a, b) by its continued fraction (Lentz).
fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - beta_inc(b, a, 1.0 - x);
    }
    const TINY: f64 = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    d = 1.0 / if d.abs() < TINY { TINY } else { d };
    let mut f = d;
    for m in 1..500 {
        let m = m as f64;
        for num in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + num * d;
            d = 1.0 / if d.abs() < TINY { TINY } else { d };
            c = 1.0 + num / c;
            c = if c.abs() < TINY { TINY } else { c };
            f *= c * d;
        }
        if (c * d - 1.0).abs() < 1e-15 {
            break;
        }
    }
    front * f / a
}

/// Student's t cumulative distribution with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * beta_inc(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The `p` quantile of Student's t (bisection on the CDF; 0 < p < 1).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (-1e3, 1e3);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Regularized upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let front = (-x + a * x.ln() - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        return (1.0 - sum * front).max(0.0);
    }
    const TINY: f64 = 1e-300;
    let mut b = x + 1.0 - a;
    let (mut c, mut d) = (1.0 / TINY, 1.0 / b);
    let mut h = d;
    for i in 1..1000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        d = 1.0 / if d.abs() < TINY { TINY } else { d };
        c = b + an / c;
        c = if c.abs() < TINY { TINY } else { c };
        h *= d * c;
        if (d * c - 1.0).abs() < 1e-16 {
            break;
        }
    }
    front * h
}

/// P(χ²_df > x).
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    gamma_q(df / 2.0, x / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round5(x: f64) -> f64 {
        (x * 1e5).round() / 1e5
    }

    fn close(got: f64, want: f64) {
        assert!(
            (round5(got) - want).abs() < 1.5e-5,
            "got {got}, want {want}"
        );
    }

    // The worked examples below are gbstats' own unit tests
    // (growthbook/growthbook, packages/stats/tests/frequentist/test_tests.py and
    // packages/stats/tests/test_gbstats.py), expected values as published there.

    /// `SampleMeanStatistic(sum, sum_squares, n)` of gbstats' examples.
    fn mean(sum: f64, sum_sq: f64, n: u64) -> Sample {
        Sample { n, sum, sum_sq }
    }

    #[test]
    fn welch_t_test_of_means_matches_gbstats_absolute_example() {
        // test_two_sided_ttest_absolute: expected 0.29, ci [0.04538, 0.53462], p 0.02016.
        let a = mean(1396.87, 52377.9767, 3407);
        let b = mean(2422.7, 134698.29, 3461);
        let e = t_test(&a, &b, Difference::Absolute, 0.05).unwrap();
        close(e.effect, 0.29);
        close(e.low, 0.04538);
        close(e.high, 0.53462);
        close(e.se, 0.12478);
        close(e.p_value, 0.02016);
    }

    #[test]
    fn relative_uplift_uses_the_delta_method_as_gbstats() {
        // test_two_sided_ttest: expected (0.7 − 0.41)/0.41, ci [−0.03526, 1.44989], p 0.06191.
        let e = t_test(
            &mean(1396.87, 52377.9767, 3407),
            &mean(2422.7, 134698.29, 3461),
            Difference::Relative,
            0.05,
        )
        .unwrap();
        close(e.effect, 0.70732);
        close(e.se, 0.37879);
        close(e.low, -0.03526);
        close(e.high, 1.44989);
        close(e.p_value, 0.06191);
        // test_two_sided_ttest_binom: 14/28 against 16/30: ci [−0.47767, 0.61101], p 0.80707.
        let e = t_test(
            &Sample::proportion(28, 14),
            &Sample::proportion(30, 16),
            Difference::Relative,
            0.05,
        )
        .unwrap();
        close(e.effect, 0.06667);
        close(e.se, 0.2717);
        close(e.low, -0.47767);
        close(e.high, 0.61101);
        close(e.p_value, 0.80707);
    }

    #[test]
    fn confidence_sequence_matches_gbstats_sequential_examples() {
        // test_sequential_test_runs_prop (alpha 0.05, tuning 5000): ci [0.40098, 0.60675], p 0.
        let e = sequential(
            &Sample::proportion(3000, 1396),
            &Sample::proportion(3461, 2422),
            Difference::Relative,
            0.05,
            5000.0,
        )
        .unwrap();
        close(e.effect, 0.50386);
        close(e.se, 0.03386);
        close(e.low, 0.40098);
        close(e.high, 0.60675);
        assert!(e.p_value < 1e-9 && e.significant());
        // test_sequential_test_runs (tuning 1000): ci [−0.55844, 1.56516], p 1.
        let e = sequential(
            &mean(1396.87, 52377.9767, 3000),
            &mean(2422.7, 134698.29, 3461),
            Difference::Relative,
            0.05,
            1000.0,
        )
        .unwrap();
        close(e.effect, 0.50336);
        close(e.low, -0.55844);
        close(e.high, 1.56516);
        assert_eq!(e.p_value, 1.0);
        assert!(!e.significant());
    }

    #[test]
    fn the_sequence_is_wider_than_the_fixed_interval_and_tightest_near_its_tuning() {
        let (a, b) = (
            mean(1396.87, 52377.9767, 3000),
            mean(2422.7, 134698.29, 3461),
        );
        let fixed = t_test(&a, &b, Difference::Relative, 0.05).unwrap();
        let width = |tuning| {
            let e = sequential(&a, &b, Difference::Relative, 0.05, tuning).unwrap();
            e.high - e.low
        };
        assert!(width(5000.0) > fixed.high - fixed.low);
        // test_sequential_test_tuning_as_expected: tuned near n (6461) beats 10 and 10,000.
        assert!(width(6461.0) < width(10.0) && width(6461.0) < width(10_000.0));
    }

    #[test]
    fn srm_matches_gbstats_and_flags_broken_splits() {
        // test_srm: check_srm([1000, 1200], [0.5, 0.5]) == 0.000020079 (9 decimals).
        let p = srm_p_value(&[1000, 1200], &[0.5, 0.5]).unwrap();
        assert!((p - 0.000_020_079).abs() < 5e-10, "{p}");
        // A 10% holdout and a 45/45 split, as configured: no mismatch.
        assert!(srm_p_value(&[101, 449, 452], &[10.0, 45.0, 45.0]).unwrap() > 0.5);
        assert_eq!(srm_p_value(&[0, 0], &[1.0, 1.0]), None);
        assert_eq!(
            srm_p_value(&[5, 5, 3], &[1.0, 1.0, 0.0]),
            Some(0.0),
            "visitors in an arm of weight 0"
        );
    }

    #[test]
    fn distributions_match_tables() {
        // χ²: the 95th percentiles 3.841 (1 df) and 5.991 (2 df); t: 12.706 (1 df), 1.960 (∞).
        assert!((chi2_sf(3.841_458_8, 1.0) - 0.05).abs() < 1e-7);
        assert!((chi2_sf(5.991_464_5, 2.0) - 0.05).abs() < 1e-7);
        assert!((chi2_sf(100.0, 3.0)) < 1e-20);
        assert!((t_quantile(0.975, 1.0) - 12.706_204_7).abs() < 1e-5);
        assert!((t_quantile(0.975, 1e7) - 1.959_964).abs() < 1e-5);
        assert!((t_cdf(0.0, 5.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn too_little_data_gives_no_estimate() {
        assert_eq!(
            t_test(
                &Sample::proportion(1, 1),
                &Sample::proportion(10, 5),
                Difference::Absolute,
                0.05
            ),
            None
        );
        assert_eq!(
            t_test(
                &Sample::proportion(10, 0),
                &Sample::proportion(10, 0),
                Difference::Absolute,
                0.05
            ),
            None,
            "no variance"
        );
        assert_eq!(
            sequential(
                &Sample::proportion(10, 0),
                &Sample::proportion(10, 3),
                Difference::Relative,
                0.05,
                5000.0
            ),
            None,
            "relative to zero"
        );
        assert!(sequential(
            &Sample::proportion(10, 0),
            &Sample::proportion(10, 3),
            Difference::Absolute,
            0.05,
            5000.0
        )
        .is_some());
    }
}
