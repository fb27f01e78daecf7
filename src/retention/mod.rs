//! Contract-setting retention: the shifted-beta-geometric (sBG) model, fitted on cohort survival
//! counts, and the lifetime value that follows from it.
//!
//! The model is the one of Fader & Hardie, "How to Project Customer Retention" (Journal of
//! Interactive Marketing, 2007). Customers renew at the end of every contract period (a year, a
//! month: the **retention period** of the crate's conventions). Each customer has a constant
//! churn probability `θ` per period, and `θ` varies across customers as a beta distribution
//! with parameters `alpha` and `beta`. With `T` the period in which a customer is lost (1 for a
//! customer who does not renew after the first period):
//!
//! | quantity | formula |
//! |---|---|
//! | churn probability | `P(T = 1) = α / (α + β)`, `P(T = t) = P(T = t - 1) (β + t - 2) / (α + β + t - 1)` |
//! | survival | `S(0) = 1`, `S(t) = S(t - 1) (β + t - 1) / (α + β + t - 1)` |
//! | retention rate | `r(t) = S(t) / S(t - 1) = (β + t - 1) / (α + β + t - 1)`, rising with `t` |
//! | mean lifetime | `E[T] = (α + β - 1) / (α - 1)` when `α > 1`, infinite otherwise |
//!
//! Retention rates rise with tenure not because customers change but because the ones likely
//! to churn leave first: this is what a naive constant-churn projection misses.
//!
//! # What is here
//!
//! - [`ShiftedBetaGeometric`]: the model, with survival, churn, retention rates, projections,
//!   expected lifetimes and discounted expected residual lifetime ([`derl`]).
//! - [`Cohort`] and [`ShiftedBetaGeometric::fit`]: maximum-likelihood fitting on one or several
//!   cohorts of different ages, with a deterministic optimizer that reports its convergence in
//!   a [`Fit`].
//! - Lifetime value: [`lifetime_value`] (margin per period × DERL),
//!   [`prospect_lifetime_value`], [`ltv_to_cac`], [`payback_period`] and
//!   [`expected_payback_period`].
//! - [`RetentionModels`]: one model per segment (contract type, plan) with a default.
//! - [`renewals_from_tenure`]: a customer's renewal count from its tenure and term length.
//!
//! Model parameters and probabilities are `f64`; money is [`Money`](crate::Money) and is rounded to the
//! currency's minor unit. No function panics or returns NaN: invalid input is a typed
//! [`RetentionError`] (or a crate [`Error`] for money problems).
//!
//! # Example
//!
//! ```
//! use custfit::retention::{Cohort, ShiftedBetaGeometric};
//!
//! // Fader & Hardie's "regular" customers: survivors of 1,000 over the first seven years.
//! let cohort = Cohort::from_survivor_curve(&[1000, 631, 468, 382, 326, 289, 262, 241])?;
//! let fit = ShiftedBetaGeometric::fit(&[cohort])?;
//! assert!(fit.converged);
//! let model = fit.model;
//! assert_eq!(format!("{:.4} {:.4}", model.alpha(), model.beta()), "0.7041 1.1820");
//!
//! // Expected survivors of 1,000 in year 8, and the discounted expected residual lifetime of a
//! // customer about to make a first renewal decision, at 10 % per year.
//! assert_eq!(format!("{:.1}", model.projected_survivors(1000, 8)), "220.1");
//! assert_eq!(format!("{:.4}", model.derl(0.10, 0)?), "2.9644");
//! # Ok::<(), custfit::retention::RetentionError>(())
//! ```
//!
//! [`derl`]: ShiftedBetaGeometric::derl
//! [`lifetime_value`]: ShiftedBetaGeometric::lifetime_value
//! [`prospect_lifetime_value`]: ShiftedBetaGeometric::prospect_lifetime_value
//! [`expected_payback_period`]: ShiftedBetaGeometric::expected_payback_period
//! [`Error`]: crate::Error

mod cohort;
mod fit;
mod lifetimes;
mod model;
mod period;
mod special;
mod value;

pub use cohort::Cohort;
pub use fit::{Fit, FitOptions, FitOutcome};
pub use lifetimes::{ExpectedLifetime, Payback};
pub use model::{ShiftedBetaGeometric, SurvivalCurve};
pub use period::{Curve, RetentionModel, MAX_PERIOD_MONTHS};
pub use value::{ltv_to_cac, payback_period, renewals_from_tenure, RetentionModels};

/// The largest value accepted for `alpha` and `beta`.
///
/// Beyond it the model cannot be told apart from a plain geometric one (every customer churns
/// with the same probability) and sums over periods lose precision.
pub const MAX_PARAMETER: f64 = 1e12;

/// The smallest discount rate per period accepted by the discounted quantities.
///
/// Rates below it are indistinguishable from no discounting at `f64` precision; use
/// [`ShiftedBetaGeometric::expected_lifetime`] for undiscounted figures.
pub const MIN_DISCOUNT_RATE: f64 = 1e-6;

/// Bounds of `alpha` and `beta` searched by the fit.
const FIT_MIN_PARAMETER: f64 = 1e-6;
const FIT_MAX_PARAMETER: f64 = 1e6;

/// Relative size of the gradient (against the log-likelihood) at which the fit stops.
const FIT_TOLERANCE: f64 = 1e-9;

/// Up to this period, survival is a product of retention rates; beyond, a log-gamma ratio.
const DIRECT_SURVIVAL_PERIODS: u32 = 64;

/// Cap on the terms of the continued fraction (about 25,000 are needed at the smallest rate).
const MAX_FRACTION_TERMS: u64 = 2_000_000;

pub use crate::error::RetentionError;

pub(crate) fn check_discount_rate(d: f64) -> std::result::Result<(), RetentionError> {
    if d.is_finite() && d >= MIN_DISCOUNT_RATE {
        Ok(())
    } else {
        Err(RetentionError::InvalidDiscountRate { value: d })
    }
}

pub(super) fn numerical(quantity: &str) -> RetentionError {
    RetentionError::Numerical {
        quantity: quantity.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::{fit::*, model::*, special::*};

    fn brute_force_derl(m: &ShiftedBetaGeometric, d: f64, renewals: u32) -> f64 {
        let n = f64::from(renewals) + 1.0;
        let q = 1.0 / (1.0 + d);
        let mut term = m.rate_at(n);
        let mut sum = 0.0;
        let mut k = 0.0;
        while term > 1e-18 * sum || sum == 0.0 {
            sum += term;
            k += 1.0;
            term *= m.rate_at(n + k) * q;
        }
        sum
    }

    #[test]
    fn continued_fraction_matches_power_series() {
        for &(a, b) in &[
            (0.7041, 1.182),
            (0.05, 0.3),
            (3.0, 0.2),
            (12.0, 40.0),
            (1.0, 1.0),
            (1.0 + 1e-9, 2.0),
        ] {
            let m = ShiftedBetaGeometric::new(a, b).unwrap();
            for &d in &[1e-4, 0.003, 0.01, 0.1, 0.5, 3.0] {
                for &r in &[0, 1, 4, 50] {
                    let fast = m.derl(d, r).unwrap();
                    let slow = brute_force_derl(&m, d, r);
                    assert!(
                        ((fast - slow) / slow).abs() < 1e-11,
                        "a={a} b={b} d={d} r={r}: {fast} vs {slow}"
                    );
                }
            }
        }
    }

    #[test]
    fn log_gamma_path_matches_product() {
        for &(a, b) in &[
            (0.7041, 1.182),
            (0.01, 0.02),
            (5.0, 300.0),
            (1e-3, 1e4),
            (200.0, 0.5),
        ] {
            let m = ShiftedBetaGeometric::new(a, b).unwrap();
            let mut ln_s = m.ln_survival(f64::from(DIRECT_SURVIVAL_PERIODS));
            for t in DIRECT_SURVIVAL_PERIODS + 1..3000 {
                ln_s += m.rate_at(f64::from(t)).ln();
                let closed = m.ln_survival(f64::from(t));
                assert!(
                    (closed - ln_s).abs() <= 1e-11 * ln_s.abs().max(1.0),
                    "a={a} b={b} t={t}: {closed} vs {ln_s}"
                );
            }
        }
    }

    #[test]
    fn fit_on_exact_expectations_recovers_parameters() {
        for &(a, b) in &[(0.7041, 1.182), (0.3, 2.5), (2.0, 8.0), (1.2, 0.4)] {
            let m = ShiftedBetaGeometric::new(a, b).unwrap();
            let periods = 10;
            let mut tally = Tally::new(&[]);
            tally.churned = (0..=periods)
                .map(|t| 1e6 * m.churn_probability(t))
                .collect();
            tally.censored = vec![0.0; periods as usize + 1];
            tally.censored[periods as usize] = 1e6 * m.survival(periods);
            let run = newton(
                &tally,
                [0.0, 0.0],
                100,
                FIT_MIN_PARAMETER.ln(),
                FIT_MAX_PARAMETER.ln(),
            );
            assert!(run.converged);
            let (fa, fb) = (run.x[0].exp(), run.x[1].exp());
            assert!((fa / a - 1.0).abs() < 1e-7, "{fa} vs {a}");
            assert!((fb / b - 1.0).abs() < 1e-7, "{fb} vs {b}");
        }
    }

    #[test]
    fn ln_gamma_ratio_known_values() {
        // Γ(5) / Γ(2) = 24 / 1; Γ(10.5) / Γ(0.5).
        assert!((ln_gamma_ratio(2.0, 3.0) - 24f64.ln()).abs() < 1e-14);
        let expected: f64 = (0..10).map(|k| (0.5 + f64::from(k)).ln()).sum();
        assert!((ln_gamma_ratio(0.5, 10.0) - expected).abs() < 1e-13);
    }
}
