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
//!   cohorts of different ages, with a deterministic optimiser that reports its convergence in
//!   a [`Fit`].
//! - Lifetime value: [`lifetime_value`] (margin per period × DERL),
//!   [`prospect_lifetime_value`], [`ltv_to_cac`], [`payback_period`] and
//!   [`expected_payback_period`].
//! - [`RetentionModels`]: one model per segment (contract type, plan) with a default.
//! - [`renewals_from_tenure`]: a customer's renewal count from its tenure and term length.
//!
//! Model parameters and probabilities are `f64`; money is [`Money`] and is rounded to the
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

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};
use crate::money::Money;

mod period;

pub use period::{Curve, RetentionModel, MAX_PERIOD_MONTHS};

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

/// Why a retention model could not be built, fitted or evaluated.
///
/// Messages are lowercase without a trailing period. Inside the crate's [`Error`]
/// it appears as [`Error::Retention`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "retention_error")]
pub enum RetentionError {
    /// A model parameter (`alpha` or `beta`) is not a positive finite number up to
    /// [`MAX_PARAMETER`].
    #[error("parameter `{name}` must be positive, finite and at most 1e12, got {value}")]
    InvalidParameter {
        /// `alpha` or `beta`.
        name: String,
        /// The value given.
        value: f64,
    },
    /// A discount rate is not finite or below [`MIN_DISCOUNT_RATE`].
    #[error("discount rate must be finite and at least 1e-6 per period, got {value}")]
    InvalidDiscountRate {
        /// The rate given.
        value: f64,
    },
    /// A retention rate was asked for period 0; periods start at 1.
    #[error("retention rates start at period 1, got period 0")]
    PeriodZero,
    /// A cohort has no customers.
    #[error("cohort has no customers")]
    EmptyCohort,
    /// A cohort's survivor count rises from one period to the next.
    #[error("survivors rise from {before} at period {} to {after} at period {period}", .period.saturating_sub(1))]
    SurvivorsIncrease {
        /// The period at which the count rose.
        period: u32,
        /// Survivors at the period before.
        before: u64,
        /// Survivors at `period`.
        after: u64,
    },
    /// A cohort's survivor count exceeds the cohort's size.
    #[error("survivors at period {period} ({survivors}) exceed the cohort size ({size})")]
    SurvivorsAboveCohortSize {
        /// The period of the count.
        period: u32,
        /// Survivors at that period.
        survivors: u64,
        /// The cohort's size.
        size: u64,
    },
    /// A cohort's losses per period add up to more than its size.
    #[error("losses add up to {lost} by period {period}, more than the cohort size ({size})")]
    LostAboveCohortSize {
        /// The first period at which the losses exceed the size.
        period: u32,
        /// Losses up to that period.
        lost: u64,
        /// The cohort's size.
        size: u64,
    },
    /// No customer was lost in any observed period, so churn cannot be estimated.
    #[error("no churn among {customers} observed customers: churn cannot be estimated")]
    NoChurn {
        /// Customers in cohorts observed for at least one period.
        customers: u64,
    },
    /// Every customer was lost in the first period, so retention cannot be estimated.
    #[error("all {customers} observed customers were lost in the first period: retention cannot be estimated")]
    AllLostInFirstPeriod {
        /// Customers in cohorts observed for at least one period.
        customers: u64,
    },
    /// Customers are at risk of churning in fewer than two periods, too few for two parameters.
    #[error(
        "too little data: customers are at risk in {periods} period(s), the fit needs at least 2"
    )]
    TooLittleData {
        /// Number of periods in which some customer was observed at risk.
        periods: u32,
    },
    /// The optimiser did not reach its tolerance within its iteration budget.
    #[error("fit did not converge after {iterations} iterations (alpha {alpha:.6}, beta {beta:.6}, log-likelihood {log_likelihood:.4})")]
    NotConverged {
        /// Iterations of the best run.
        iterations: u32,
        /// The best `alpha` found.
        alpha: f64,
        /// The best `beta` found.
        beta: f64,
        /// Log-likelihood at the best estimate.
        log_likelihood: f64,
    },
    /// A tenure is negative or a term length is not positive.
    #[error("tenure of {tenure_days} days with terms of {term_days} days: tenure must not be negative and a term must last at least one day")]
    InvalidTenure {
        /// The tenure given, in days.
        tenure_days: i64,
        /// The term length given, in days.
        term_days: i64,
    },
    /// A computation did not produce a finite number (not expected for valid input; reported
    /// rather than returning NaN or infinity).
    #[error("numerical failure computing {quantity}")]
    Numerical {
        /// What was being computed.
        quantity: String,
    },
}

fn check_discount_rate(d: f64) -> std::result::Result<(), RetentionError> {
    if d.is_finite() && d >= MIN_DISCOUNT_RATE {
        Ok(())
    } else {
        Err(RetentionError::InvalidDiscountRate { value: d })
    }
}

fn numerical(quantity: &str) -> RetentionError {
    RetentionError::Numerical {
        quantity: quantity.to_owned(),
    }
}

/// An expected lifetime in periods, which is infinite for some models.
///
/// The undiscounted mean lifetime of the sBG model is finite only when `alpha > 1`; it is
/// represented as [`ExpectedLifetime::Infinite`] otherwise, never as a huge number.
///
/// ```
/// use custfit::retention::{ExpectedLifetime, ShiftedBetaGeometric};
/// let model = ShiftedBetaGeometric::new(2.0, 3.0)?;
/// assert_eq!(model.expected_lifetime(), ExpectedLifetime::Finite(4.0));
/// assert_eq!(ShiftedBetaGeometric::new(0.7, 1.2)?.expected_lifetime(), ExpectedLifetime::Infinite);
/// # Ok::<(), custfit::retention::RetentionError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedLifetime {
    /// A finite expectation, in periods.
    Finite(f64),
    /// The expectation diverges: enough customers are nearly certain to stay forever.
    Infinite,
}

impl ExpectedLifetime {
    /// The value, or `None` when infinite.
    pub fn finite(self) -> Option<f64> {
        match self {
            ExpectedLifetime::Finite(v) => Some(v),
            ExpectedLifetime::Infinite => None,
        }
    }

    /// Whether the expectation is finite.
    pub fn is_finite(self) -> bool {
        matches!(self, ExpectedLifetime::Finite(_))
    }
}

impl fmt::Display for ExpectedLifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedLifetime::Finite(v) => write!(f, "{v} periods"),
            ExpectedLifetime::Infinite => f.write_str("infinite"),
        }
    }
}

/// When acquisition cost is earned back.
///
/// ```
/// use custfit::retention::{payback_period, Payback};
/// let cac: custfit::Money = "12000.00 EUR".parse()?;
/// assert_eq!(payback_period(cac, "5000.00 EUR".parse()?)?, Payback::Periods(3));
/// assert_eq!(payback_period(cac, "-10.00 EUR".parse()?)?, Payback::Never);
/// # Ok::<(), custfit::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payback {
    /// Paid back within this many periods (0 when there is nothing to pay back).
    Periods(u32),
    /// Never paid back: the margin is not positive, or the cost is not recovered within
    /// `u32::MAX` periods (or, with churn, ever).
    Never,
}

impl fmt::Display for Payback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payback::Periods(1) => f.write_str("1 period"),
            Payback::Periods(n) => write!(f, "{n} periods"),
            Payback::Never => f.write_str("never"),
        }
    }
}

/// The shifted-beta-geometric retention model with parameters `alpha` and `beta`.
///
/// Periods `t` count contract periods from acquisition: `S(t)` is the probability of being
/// still a customer after `t` renewal decisions, so `S(0) = 1`. A value that exists is valid:
/// both parameters are positive, finite and at most [`MAX_PARAMETER`]; deserialisation checks
/// the same rules. On the wire it is `{"alpha": 0.7041, "beta": 1.182}`.
///
/// ```
/// use custfit::retention::ShiftedBetaGeometric;
/// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
/// assert_eq!(format!("{:.4}", model.churn_probability(1)), "0.3733");
/// assert_eq!(format!("{:.4}", model.survival(2)), "0.4738");
/// assert!(model.retention_rate(5)? > model.retention_rate(2)?);
/// assert!(ShiftedBetaGeometric::new(-1.0, 1.0).is_err());
/// # Ok::<(), custfit::retention::RetentionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SbgParameters", into = "SbgParameters")]
pub struct ShiftedBetaGeometric {
    alpha: f64,
    beta: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SbgParameters {
    alpha: f64,
    beta: f64,
}

impl TryFrom<SbgParameters> for ShiftedBetaGeometric {
    type Error = RetentionError;
    fn try_from(p: SbgParameters) -> std::result::Result<Self, RetentionError> {
        ShiftedBetaGeometric::new(p.alpha, p.beta)
    }
}

impl From<ShiftedBetaGeometric> for SbgParameters {
    fn from(m: ShiftedBetaGeometric) -> Self {
        SbgParameters {
            alpha: m.alpha,
            beta: m.beta,
        }
    }
}

fn check_parameter(name: &str, value: f64) -> std::result::Result<(), RetentionError> {
    if value.is_finite() && value > 0.0 && value <= MAX_PARAMETER {
        Ok(())
    } else {
        Err(RetentionError::InvalidParameter {
            name: name.to_owned(),
            value,
        })
    }
}

impl ShiftedBetaGeometric {
    /// A model with the given parameters.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidParameter`] unless both are finite, above zero and at most
    /// [`MAX_PARAMETER`].
    pub fn new(alpha: f64, beta: f64) -> std::result::Result<Self, RetentionError> {
        check_parameter("alpha", alpha)?;
        check_parameter("beta", beta)?;
        Ok(ShiftedBetaGeometric { alpha, beta })
    }

    /// The `alpha` parameter of the beta distribution of churn probabilities.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The `beta` parameter of the beta distribution of churn probabilities.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// The mean churn probability per period across new customers, `alpha / (alpha + beta)`.
    pub fn mean_churn(&self) -> f64 {
        1.0 / (1.0 + self.beta / self.alpha)
    }

    /// `r(t)` for a period given as `f64` (`t >= 1`).
    fn rate_at(&self, t: f64) -> f64 {
        1.0 / (1.0 + self.alpha / (self.beta + (t - 1.0)))
    }

    /// `ln S(t)`.
    fn ln_survival(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        if t <= f64::from(DIRECT_SURVIVAL_PERIODS) {
            let mut ln_s = 0.0;
            let mut k = 1.0;
            while k <= t {
                ln_s -= ln_1p_ratio(self.alpha, self.beta + (k - 1.0));
                k += 1.0;
            }
            ln_s
        } else {
            // S(t) = Γ(β + t) Γ(α + β) / (Γ(β) Γ(α + β + t)).
            ln_gamma_ratio(self.beta, self.alpha) - ln_gamma_ratio(self.beta + t, self.alpha)
        }
    }

    /// `P(T = t)`: the probability that a new customer is lost in period `t` (does not renew
    /// at the end of period `t`). It is 0 for `t = 0`.
    ///
    /// ```
    /// use custfit::retention::ShiftedBetaGeometric;
    /// let model = ShiftedBetaGeometric::new(1.0, 1.0)?;
    /// assert_eq!(model.churn_probability(1), 0.5);
    /// assert!((model.churn_probability(2) - 1.0 / 6.0).abs() < 1e-15);
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn churn_probability(&self, t: u32) -> f64 {
        if t == 0 {
            return 0.0;
        }
        let t = f64::from(t);
        // P(T = t) = S(t - 1) α / (α + β + t - 1).
        (self.ln_survival(t - 1.0) - ln_1p_ratio(self.beta + (t - 1.0), self.alpha)).exp()
    }

    /// `S(t)`: the probability that a new customer is still a customer after `t` periods.
    ///
    /// `S(0) = 1` and `S` never increases. For extreme parameters it may underflow to 0.
    pub fn survival(&self, t: u32) -> f64 {
        self.ln_survival(f64::from(t)).exp()
    }

    /// `r(t) = S(t) / S(t - 1)`: the share of customers alive after period `t - 1` who renew
    /// at the end of period `t`. It rises with `t` toward 1.
    ///
    /// # Errors
    ///
    /// [`RetentionError::PeriodZero`] for `t = 0`.
    ///
    /// ```
    /// use custfit::retention::ShiftedBetaGeometric;
    /// let model = ShiftedBetaGeometric::new(1.0, 3.0)?;
    /// assert_eq!(model.retention_rate(1)?, 0.75);
    /// assert_eq!(model.retention_rate(2)?, 0.8);
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn retention_rate(&self, t: u32) -> std::result::Result<f64, RetentionError> {
        if t == 0 {
            return Err(RetentionError::PeriodZero);
        }
        Ok(self.rate_at(f64::from(t)))
    }

    /// The survival curve `S(from), S(from + 1), ...`, without end (take what you need).
    ///
    /// ```
    /// use custfit::retention::ShiftedBetaGeometric;
    /// let model = ShiftedBetaGeometric::new(1.0, 1.0)?;
    /// let curve: Vec<f64> = model.survival_curve(0).take(4).collect();
    /// assert_eq!(curve, [1.0, 0.5, 1.0 / 3.0, 0.25]);
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn survival_curve(&self, from: u32) -> SurvivalCurve {
        SurvivalCurve {
            model: *self,
            period: f64::from(from),
            survival: self.survival(from),
        }
    }

    /// Expected survivors after `t` periods of a cohort of `cohort_size` new customers,
    /// `cohort_size × S(t)`.
    pub fn projected_survivors(&self, cohort_size: u64, t: u32) -> f64 {
        // u64 -> f64 rounds above 2^53, which is harmless for a projection.
        #[allow(clippy::cast_precision_loss)]
        let size = cohort_size as f64;
        size * self.survival(t)
    }

    /// The undiscounted expected lifetime of a new customer in periods, counting the first
    /// period: `E[T] = (alpha + beta - 1) / (alpha - 1)` when `alpha > 1`, infinite otherwise.
    pub fn expected_lifetime(&self) -> ExpectedLifetime {
        self.expected_residual_lifetime(0).plus_one()
    }

    /// The undiscounted expected number of further renewals of a customer who has renewed
    /// `renewals` times (has been a customer for `n = renewals + 1` periods and is about to
    /// make renewal decision `n`): `sum over t >= n of S(t) / S(n - 1) = (beta + n - 1) /
    /// (alpha - 1)` when `alpha > 1`, infinite otherwise.
    pub fn expected_residual_lifetime(&self, renewals: u32) -> ExpectedLifetime {
        if self.alpha > 1.0 {
            ExpectedLifetime::Finite((self.beta + f64::from(renewals)) / (self.alpha - 1.0))
        } else {
            ExpectedLifetime::Infinite
        }
    }

    /// Discounted expected residual lifetime (DERL) of a customer who has renewed `renewals`
    /// times, at discount rate `discount_rate` per period.
    ///
    /// With `n = renewals + 1` (the customer has been with us for `n` periods, has paid for
    /// period `n` and is about to make its `n`-th renewal decision) and `d` the discount rate:
    ///
    /// `DERL = sum over t >= n of S(t) / S(n - 1) / (1 + d)^(t - n)
    ///       = (beta + n - 1) / (alpha + beta + n - 1) × 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))`
    ///
    /// that is, the expected number of future payments, each discounted to the time of the
    /// coming renewal (the first one undiscounted). Multiplied by the margin per period it is
    /// the customer's residual lifetime value (Fader & Hardie 2010). The hypergeometric
    /// function is evaluated by Gauss's continued fraction with a bound on the remainder; the
    /// result agrees with direct summation to about `1e-12` (relative) at rates of `1e-3` and
    /// above, and to better than `1e-9` down to [`MIN_DISCOUNT_RATE`].
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidDiscountRate`] unless `discount_rate` is finite and at least
    /// [`MIN_DISCOUNT_RATE`].
    ///
    /// ```
    /// use custfit::retention::ShiftedBetaGeometric;
    /// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
    /// assert_eq!(format!("{:.4}", model.derl(0.10, 0)?), "2.9642"); // n = 1
    /// assert_eq!(format!("{:.4}", model.derl(0.10, 4)?), "5.8940"); // n = 5
    /// assert!(model.derl(0.0, 0).is_err());
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn derl(
        &self,
        discount_rate: f64,
        renewals: u32,
    ) -> std::result::Result<f64, RetentionError> {
        check_discount_rate(discount_rate)?;
        let n = f64::from(renewals) + 1.0;
        let rate = self.rate_at(n);
        let f = hyp_one(self.beta + n, self.alpha, discount_rate)?;
        finite(rate * f, "discounted expected residual lifetime")
    }

    /// Discounted expected lifetime (DEL) of a new customer, in periods, at discount rate
    /// `discount_rate` per period: `sum over t >= 1 of S(t - 1) / (1 + d)^(t - 1) =
    /// 2F1(1, beta; alpha + beta; 1 / (1 + d))`.
    ///
    /// It counts the first period's payment (made at acquisition, undiscounted) and every
    /// renewal after it; it equals `1 + derl(d, 0) / (1 + d)`. Multiplied by the margin per
    /// period it is a prospect's lifetime value.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidDiscountRate`] as for [`derl`](Self::derl).
    ///
    /// ```
    /// use custfit::retention::ShiftedBetaGeometric;
    /// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
    /// let del = model.discounted_expected_lifetime(0.10)?;
    /// assert!((del - (1.0 + model.derl(0.10, 0)? / 1.1)).abs() < 1e-12);
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn discounted_expected_lifetime(
        &self,
        discount_rate: f64,
    ) -> std::result::Result<f64, RetentionError> {
        check_discount_rate(discount_rate)?;
        let f = hyp_one(self.beta, self.alpha, discount_rate)?;
        finite(f, "discounted expected lifetime")
    }

    /// Log-likelihood of cohort data under this model:
    /// `sum over t of n_t ln P(T = t) + sum over cohorts of (survivors at its age) ln S(age)`,
    /// where `n_t` is the number of customers lost in period `t`. Cohorts of age 0 add nothing.
    pub fn log_likelihood(&self, cohorts: &[Cohort]) -> f64 {
        let tally = Tally::new(cohorts);
        tally.log_likelihood(self.alpha, self.beta)
    }

    /// Fit a model by maximum likelihood on one or several cohorts (of any ages), with the
    /// default [`FitOptions`].
    ///
    /// # Errors
    ///
    /// As [`fit_with`](Self::fit_with).
    ///
    /// ```
    /// use custfit::retention::{Cohort, ShiftedBetaGeometric};
    /// let cohorts = [
    ///     Cohort::from_survivor_curve(&[1000, 631, 468, 382, 326, 289, 262, 241])?,
    ///     Cohort::from_survivor_curve(&[800, 510, 380])?,
    /// ];
    /// let fit = ShiftedBetaGeometric::fit(&cohorts)?;
    /// assert!(fit.converged && !fit.at_bound);
    /// assert_eq!(fit.customers, 1800);
    /// # Ok::<(), custfit::retention::RetentionError>(())
    /// ```
    pub fn fit(cohorts: &[Cohort]) -> std::result::Result<Fit, RetentionError> {
        Self::fit_with(cohorts, &FitOptions::default())
    }

    /// Fit a model by maximum likelihood on one or several cohorts.
    ///
    /// The optimiser is a damped Newton method on `(ln alpha, ln beta)` with exact first and
    /// second derivatives and a backtracking line search, restricted to parameters in
    /// `[1e-6, 1e6]`, run from four deterministic starting points (`alpha = beta = 1` and three
    /// around the first period's churn rate); the best converged run wins. It stops when every
    /// component of the gradient with respect to `(ln alpha, ln beta)` is at most `1e-9 ×
    /// max(1, |log-likelihood|)`; a parameter pushed against a bound of the range counts as
    /// converged there and is flagged in [`Fit::at_bound`] (the data show no heterogeneity in
    /// that direction). The same data always give the same fit.
    ///
    /// # Errors
    ///
    /// - [`RetentionError::TooLittleData`] when no cohort is observed for a period, or
    ///   customers are at risk in fewer than two periods;
    /// - [`RetentionError::NoChurn`] when nobody was lost;
    /// - [`RetentionError::AllLostInFirstPeriod`] when nobody survived the first period;
    /// - [`RetentionError::NotConverged`] when no run converged within
    ///   [`FitOptions::max_iterations`] and [`FitOptions::require_convergence`] is set.
    pub fn fit_with(
        cohorts: &[Cohort],
        options: &FitOptions,
    ) -> std::result::Result<Fit, RetentionError> {
        let tally = Tally::new(cohorts);
        tally.check()?;
        let lo = FIT_MIN_PARAMETER.ln();
        let hi = FIT_MAX_PARAMETER.ln();
        let p1 = (tally.churned_first / tally.at_risk_first).clamp(0.02, 0.98);
        let starts = [
            [0.0, 0.0],
            [p1.ln(), (1.0 - p1).ln()],
            [(4.0 * p1).ln(), (4.0 * (1.0 - p1)).ln()],
            [(20.0 * p1).ln(), (20.0 * (1.0 - p1)).ln()],
        ];
        let mut best: Option<Run> = None;
        for start in starts {
            let run = newton(&tally, start, options.max_iterations, lo, hi);
            let better = match &best {
                None => true,
                Some(b) => {
                    (run.converged && !b.converged)
                        || (run.converged == b.converged && run.log_likelihood > b.log_likelihood)
                }
            };
            if better {
                best = Some(run);
            }
        }
        let run = best.ok_or_else(|| numerical("fit"))?;
        let alpha = run.x[0].exp().clamp(FIT_MIN_PARAMETER, FIT_MAX_PARAMETER);
        let beta = run.x[1].exp().clamp(FIT_MIN_PARAMETER, FIT_MAX_PARAMETER);
        if !run.log_likelihood.is_finite() || !run.gradient_norm.is_finite() {
            return Err(numerical("fit"));
        }
        if !run.converged && options.require_convergence {
            return Err(RetentionError::NotConverged {
                iterations: run.iterations,
                alpha,
                beta,
                log_likelihood: run.log_likelihood,
            });
        }
        // At the upper bound of the search the likelihood has no finite maximum: it climbs
        // toward the constant-churn model, which is the estimate.
        let outcome = if run.x.iter().any(|&v| v >= hi) {
            FitOutcome::ConstantChurnLimit {
                churn: alpha / (alpha + beta),
            }
        } else {
            FitOutcome::Maximum
        };
        Ok(Fit {
            model: ShiftedBetaGeometric::new(alpha, beta)?,
            log_likelihood: run.log_likelihood,
            iterations: run.iterations,
            converged: run.converged,
            gradient_norm: run.gradient_norm,
            at_bound: run.at_bound,
            outcome,
            customers: tally.customers,
            periods: tally.periods,
        })
    }

    /// Residual lifetime value of a customer who has renewed `renewals` times:
    /// `margin_per_period × DERL(discount_rate, renewals)`, rounded to the currency's minor unit
    /// (half to even).
    ///
    /// The margin is what one retention period of the customer earns after cost to serve; the
    /// value is that of the renewals still to come (the current period is already paid).
    ///
    /// # Errors
    ///
    /// - [`Error::Retention`] with [`RetentionError::InvalidDiscountRate`];
    /// - [`Error::Arithmetic`] on field `lifetime_value` when the amount overflows.
    ///
    /// ```
    /// use custfit::retention::ShiftedBetaGeometric;
    /// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
    /// let ltv = model.lifetime_value("800.00 EUR".parse()?, 0, 0.10)?;
    /// assert_eq!(ltv.to_string(), "2371.39 EUR");
    /// # Ok::<(), custfit::Error>(())
    /// ```
    pub fn lifetime_value(
        &self,
        margin_per_period: Money,
        renewals: u32,
        discount_rate: f64,
    ) -> Result<Money> {
        let derl = self.derl(discount_rate, renewals)?;
        money_times(margin_per_period, derl, "lifetime_value")
    }

    /// Lifetime value of a prospect (a customer about to sign): `margin_per_period ×
    /// discounted_expected_lifetime(discount_rate)`, rounded to the currency's minor unit. It
    /// counts the first period; compare it with the acquisition cost ([`ltv_to_cac`]).
    ///
    /// # Errors
    ///
    /// As [`lifetime_value`](Self::lifetime_value), on field `prospect_lifetime_value`.
    ///
    /// ```
    /// use custfit::retention::{ltv_to_cac, ShiftedBetaGeometric};
    /// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
    /// let ltv = model.prospect_lifetime_value("800.00 EUR".parse()?, 0.10)?;
    /// assert_eq!(ltv.to_string(), "2955.81 EUR");
    /// let ratio = ltv_to_cac(ltv, "1200.00 EUR".parse()?)?.expect("cost is not zero");
    /// assert_eq!(ratio.round_dp(2).to_string(), "2.46");
    /// # Ok::<(), custfit::Error>(())
    /// ```
    pub fn prospect_lifetime_value(
        &self,
        margin_per_period: Money,
        discount_rate: f64,
    ) -> Result<Money> {
        let del = self.discounted_expected_lifetime(discount_rate)?;
        money_times(margin_per_period, del, "prospect_lifetime_value")
    }

    /// Expected payback period of a new customer's acquisition cost, allowing for churn and
    /// discounting: the smallest `k` such that the expected discounted margin of the first `k`
    /// periods, `margin × sum over t < k of S(t) / (1 + d)^t`, covers `acquisition_cost`
    /// (margins are received at the start of each period).
    ///
    /// [`Payback::Periods(0)`](Payback::Periods) when the cost is zero or negative;
    /// [`Payback::Never`] when the margin is not positive or the whole expected discounted
    /// margin (the prospect lifetime value) falls short of the cost. Compare with the
    /// churn-free [`payback_period`].
    ///
    /// # Errors
    ///
    /// - [`Error::Retention`] with [`RetentionError::InvalidDiscountRate`];
    /// - [`Error::Arithmetic`] on field `payback_period` when the currencies differ.
    ///
    /// ```
    /// use custfit::retention::{Payback, ShiftedBetaGeometric};
    /// let model = ShiftedBetaGeometric::new(0.7041, 1.1820)?;
    /// let margin = "1000.00 EUR".parse()?;
    /// // S(0) + S(1)/1.1 + S(2)/1.21 = 1 + 0.574 + 0.390 covers 1,800.
    /// assert_eq!(model.expected_payback_period("1800.00 EUR".parse()?, margin, 0.10)?, Payback::Periods(3));
    /// assert_eq!(model.expected_payback_period("5000.00 EUR".parse()?, margin, 0.10)?, Payback::Never);
    /// # Ok::<(), custfit::Error>(())
    /// ```
    pub fn expected_payback_period(
        &self,
        acquisition_cost: Money,
        margin_per_period: Money,
        discount_rate: f64,
    ) -> Result<Payback> {
        check_discount_rate(discount_rate)?;
        let ratio = match payback_ratio(acquisition_cost, margin_per_period)? {
            PaybackRatio::Zero => return Ok(Payback::Periods(0)),
            PaybackRatio::Never => return Ok(Payback::Never),
            PaybackRatio::Ratio(r) => r,
        };
        let target = match ratio.to_f64() {
            Some(t) if t.is_finite() => t,
            _ => return Ok(Payback::Never),
        };
        let del = self.discounted_expected_lifetime(discount_rate)?;
        if target >= del {
            return Ok(Payback::Never);
        }
        // Direct sums for the first periods.
        let q = 1.0 / (1.0 + discount_rate);
        let mut cumulative = 0.0;
        let mut weight = 1.0; // S(t) q^t
        for k in 1..=DIRECT_PAYBACK_PERIODS {
            cumulative += weight;
            if cumulative >= target {
                return Ok(Payback::Periods(k));
            }
            weight *= self.rate_at(f64::from(k)) * q;
        }
        // Then bisection on the closed form DEL - q^k S(k) 2F1(1, β + k; α + β + k; q).
        let ln_1p_d = discount_rate.ln_1p();
        let cumulative_at = |k: u32| -> std::result::Result<f64, RetentionError> {
            let kf = f64::from(k);
            let head = (self.ln_survival(kf) - kf * ln_1p_d).exp();
            let tail = head * hyp_one(self.beta + kf, self.alpha, discount_rate)?;
            Ok(del - tail)
        };
        if cumulative_at(u32::MAX)? < target {
            return Ok(Payback::Never);
        }
        let (mut lo, mut hi) = (DIRECT_PAYBACK_PERIODS, u32::MAX);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if cumulative_at(mid)? >= target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(Payback::Periods(hi))
    }
}

const DIRECT_PAYBACK_PERIODS: u32 = 1024;

fn finite(value: f64, quantity: &str) -> std::result::Result<f64, RetentionError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(numerical(quantity))
    }
}

fn money_times(margin: Money, factor: f64, field: &str) -> Result<Money> {
    let factor = Decimal::from_f64(factor)
        .ok_or_else(|| Error::arithmetic(None, field, Problem::Overflow))?;
    margin
        .checked_mul(factor)
        .map(Money::round)
        .map_err(|e| Error::arithmetic(None, field, e))
}

impl ExpectedLifetime {
    fn plus_one(self) -> ExpectedLifetime {
        match self {
            ExpectedLifetime::Finite(v) => ExpectedLifetime::Finite(v + 1.0),
            ExpectedLifetime::Infinite => ExpectedLifetime::Infinite,
        }
    }
}

/// The survival curve of a model from some period on: an endless iterator of `S(t)`.
///
/// Made by [`ShiftedBetaGeometric::survival_curve`]; each step multiplies by the next
/// retention rate.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalCurve {
    model: ShiftedBetaGeometric,
    period: f64,
    survival: f64,
}

impl Iterator for SurvivalCurve {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        let current = self.survival;
        self.period += 1.0;
        self.survival = current * self.model.rate_at(self.period);
        Some(current)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

impl std::iter::FusedIterator for SurvivalCurve {}

/// Survival counts of one cohort: customers acquired together, followed period by period.
///
/// Holds the cohort's size and the number still customers at the end of each observed period
/// `1..=age`. A value that exists is consistent: the size is positive, and survivors never
/// rise nor exceed the size. Deserialisation checks the same rules; on the wire it is
/// `{"size": 1000, "survivors": [631, 468]}`.
///
/// ```
/// use custfit::retention::{Cohort, RetentionError};
/// let cohort = Cohort::from_survivor_curve(&[1000, 631, 468])?;
/// assert_eq!((cohort.size(), cohort.age()), (1000, 2));
/// assert_eq!(cohort.lost(), [369, 163]);
/// assert_eq!(Cohort::from_losses(1000, &[369, 163])?, cohort);
/// assert!(matches!(
///     Cohort::new(1000, vec![631, 700]),
///     Err(RetentionError::SurvivorsIncrease { period: 2, .. })
/// ));
/// # Ok::<(), RetentionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CohortData", into = "CohortData")]
pub struct Cohort {
    size: u64,
    survivors: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CohortData {
    size: u64,
    survivors: Vec<u64>,
}

impl TryFrom<CohortData> for Cohort {
    type Error = RetentionError;
    fn try_from(c: CohortData) -> std::result::Result<Self, RetentionError> {
        Cohort::new(c.size, c.survivors)
    }
}

impl From<Cohort> for CohortData {
    fn from(c: Cohort) -> Self {
        CohortData {
            size: c.size,
            survivors: c.survivors,
        }
    }
}

fn period_number(index: usize) -> u32 {
    u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1))
}

impl Cohort {
    /// A cohort of `size` customers with `survivors[i]` still customers at the end of period
    /// `i + 1`. An empty `survivors` is a cohort of age 0 (just acquired).
    ///
    /// # Errors
    ///
    /// - [`RetentionError::EmptyCohort`] when `size` is 0;
    /// - [`RetentionError::SurvivorsAboveCohortSize`] when a count exceeds `size`;
    /// - [`RetentionError::SurvivorsIncrease`] when a count exceeds the one before.
    pub fn new(size: u64, survivors: Vec<u64>) -> std::result::Result<Self, RetentionError> {
        if size == 0 {
            return Err(RetentionError::EmptyCohort);
        }
        let mut before = size;
        for (i, &after) in survivors.iter().enumerate() {
            let period = period_number(i);
            if after > size {
                return Err(RetentionError::SurvivorsAboveCohortSize {
                    period,
                    survivors: after,
                    size,
                });
            }
            if after > before {
                return Err(RetentionError::SurvivorsIncrease {
                    period,
                    before,
                    after,
                });
            }
            before = after;
        }
        Ok(Cohort { size, survivors })
    }

    /// A cohort from its survivor curve at periods `0, 1, ..., age`: `curve[0]` is the size.
    ///
    /// # Errors
    ///
    /// [`RetentionError::EmptyCohort`] for an empty curve or a size of 0, otherwise as
    /// [`new`](Self::new).
    pub fn from_survivor_curve(curve: &[u64]) -> std::result::Result<Self, RetentionError> {
        match curve.split_first() {
            Some((&size, rest)) => Cohort::new(size, rest.to_vec()),
            None => Err(RetentionError::EmptyCohort),
        }
    }

    /// A cohort of `size` customers of whom `lost[i]` were lost in period `i + 1`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::EmptyCohort`] when `size` is 0;
    /// [`RetentionError::LostAboveCohortSize`] when the losses add up to more than `size`.
    pub fn from_losses(size: u64, lost: &[u64]) -> std::result::Result<Self, RetentionError> {
        if size == 0 {
            return Err(RetentionError::EmptyCohort);
        }
        let mut total: u64 = 0;
        let mut survivors = Vec::with_capacity(lost.len());
        for (i, &l) in lost.iter().enumerate() {
            total = total.saturating_add(l);
            if total > size {
                return Err(RetentionError::LostAboveCohortSize {
                    period: period_number(i),
                    lost: total,
                    size,
                });
            }
            survivors.push(size - total);
        }
        Ok(Cohort { size, survivors })
    }

    /// Customers acquired.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Survivors at the end of periods `1..=age`.
    pub fn survivors(&self) -> &[u64] {
        &self.survivors
    }

    /// Periods observed.
    pub fn age(&self) -> u32 {
        u32::try_from(self.survivors.len()).unwrap_or(u32::MAX)
    }

    /// Customers lost in each period `1..=age`.
    pub fn lost(&self) -> Vec<u64> {
        let mut before = self.size;
        self.survivors
            .iter()
            .map(|&s| {
                let l = before - s;
                before = s;
                l
            })
            .collect()
    }
}

/// Settings of the fit.
///
/// ```
/// use custfit::retention::FitOptions;
/// let options = FitOptions::default().max_iterations(50).require_convergence(false);
/// assert_eq!(options.max_iterations, 50);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    /// Newton iterations allowed per starting point; default 100 (the fits of typical data
    /// take fewer than 15).
    pub max_iterations: u32,
    /// Whether a fit that did not converge is an error ([`RetentionError::NotConverged`], the
    /// default) or returned with [`Fit::converged`] false.
    pub require_convergence: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            max_iterations: 100,
            require_convergence: true,
        }
    }
}

impl FitOptions {
    /// Set [`max_iterations`](Self::max_iterations).
    pub fn max_iterations(mut self, iterations: u32) -> Self {
        self.max_iterations = iterations;
        self
    }

    /// Set [`require_convergence`](Self::require_convergence).
    pub fn require_convergence(mut self, require: bool) -> Self {
        self.require_convergence = require;
        self
    }
}

/// The result of fitting a model: the estimate and how the optimiser got there.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// The maximum-likelihood model.
    pub model: ShiftedBetaGeometric,
    /// Log-likelihood of the data at [`model`](Self::model).
    pub log_likelihood: f64,
    /// Newton iterations of the run that gave the estimate.
    pub iterations: u32,
    /// Whether the gradient reached the tolerance (always true unless
    /// [`FitOptions::require_convergence`] was turned off).
    pub converged: bool,
    /// Largest component of the gradient with respect to `(ln alpha, ln beta)` at the
    /// estimate, leaving out components that push against a bound of the search range.
    pub gradient_norm: f64,
    /// Whether a parameter sits at a bound of the search range `[1e-6, 1e6]`: the data show no
    /// (or extreme) heterogeneity and the likelihood keeps rising toward the bound.
    pub at_bound: bool,
    /// What the estimate is: a maximum of the likelihood, or the constant-churn limit the
    /// likelihood climbs toward without a finite maximum.
    pub outcome: FitOutcome,
    /// Customers in cohorts observed for at least one period.
    pub customers: u64,
    /// The oldest cohort's age, in periods.
    pub periods: u32,
}

/// What a fit found.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum FitOutcome {
    /// A maximum of the likelihood at finite parameters (possibly with a parameter at the
    /// lower bound of the search range: extreme heterogeneity, flagged in [`Fit::at_bound`]).
    Maximum,
    /// No finite maximum: the likelihood keeps rising as `alpha` or `beta` grow, toward the
    /// constant-churn model (every customer churns with the same probability). The estimate
    /// is that limit, with this churn probability per period; [`Fit::model`] holds the
    /// parameters where the search stopped and should not be read as estimates.
    ConstantChurnLimit {
        /// The churn probability per period, `alpha / (alpha + beta)` at the bound.
        churn: f64,
    },
}

impl Fit {
    /// The fitted model as a [`RetentionModel`] whose periods last `period_months`: the sBG
    /// model for a [`FitOutcome::Maximum`], the constant-churn model for a
    /// [`FitOutcome::ConstantChurnLimit`].
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidParameter`] for a period outside 1..=[`MAX_PERIOD_MONTHS`].
    pub fn retention_model(
        &self,
        period_months: u32,
    ) -> std::result::Result<RetentionModel, RetentionError> {
        match self.outcome {
            FitOutcome::ConstantChurnLimit { churn } => {
                RetentionModel::constant_churn(churn, period_months)
            }
            FitOutcome::Maximum => RetentionModel::new(self.model, period_months),
        }
    }
}

/// Retention models by segment (contract type, plan, region), with a default for segments
/// without their own model. Each model carries its period length.
///
/// Segment names are compared exactly; iteration is in name order.
///
/// ```
/// use custfit::retention::{RetentionModel, RetentionModels, ShiftedBetaGeometric};
/// let annual = RetentionModel::new(ShiftedBetaGeometric::new(0.7, 1.2)?, 12)?;
/// let monthly = RetentionModel::new(ShiftedBetaGeometric::new(1.5, 6.0)?, 1)?;
/// let models = RetentionModels::new(annual).with_segment("self-serve", monthly);
/// assert_eq!(models.get("self-serve").period_months(), 1);
/// assert_eq!(models.get("enterprise").period_months(), 12); // the default
/// assert!(models.segment("enterprise").is_none());
/// # Ok::<(), custfit::retention::RetentionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionModels {
    default: RetentionModel,
    #[serde(default)]
    segments: BTreeMap<String, RetentionModel>,
}

impl RetentionModels {
    /// Models with only a default.
    pub fn new(default: RetentionModel) -> Self {
        RetentionModels {
            default,
            segments: BTreeMap::new(),
        }
    }

    /// Add (or replace) the model of a segment.
    #[must_use]
    pub fn with_segment(mut self, segment: impl Into<String>, model: RetentionModel) -> Self {
        self.insert(segment, model);
        self
    }

    /// Add (or replace) the model of a segment, returning the model it replaced.
    pub fn insert(
        &mut self,
        segment: impl Into<String>,
        model: RetentionModel,
    ) -> Option<RetentionModel> {
        self.segments.insert(segment.into(), model)
    }

    /// The model of a segment, or the default when the segment has none.
    pub fn get(&self, segment: &str) -> &RetentionModel {
        self.segments.get(segment).unwrap_or(&self.default)
    }

    /// The model of a segment, without falling back to the default.
    pub fn segment(&self, segment: &str) -> Option<&RetentionModel> {
        self.segments.get(segment)
    }

    /// The default model.
    pub fn default_model(&self) -> &RetentionModel {
        &self.default
    }

    /// Segments with their own model, in name order.
    pub fn segments(&self) -> impl Iterator<Item = (&str, &RetentionModel)> {
        self.segments.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// A customer's renewals so far from its tenure and the length of its contract term, both in
/// days: `floor(tenure_days / term_days)`, saturating at `u32::MAX`.
///
/// A customer with `renewals` renewals is in its period `n = renewals + 1`; pass `renewals` to
/// [`ShiftedBetaGeometric::derl`] and [`ShiftedBetaGeometric::lifetime_value`]. Tenure runs
/// from the customer-since date to `as_of`.
///
/// # Errors
///
/// [`RetentionError::InvalidTenure`] when the tenure is negative or the term shorter than a
/// day.
///
/// ```
/// use custfit::retention::renewals_from_tenure;
/// assert_eq!(renewals_from_tenure(364, 365)?, 0); // first year: n = 1
/// assert_eq!(renewals_from_tenure(400, 365)?, 1); // second year: n = 2
/// assert_eq!(renewals_from_tenure(95, 30)?, 3);   // monthly terms
/// # Ok::<(), custfit::retention::RetentionError>(())
/// ```
pub fn renewals_from_tenure(
    tenure_days: i64,
    term_days: i64,
) -> std::result::Result<u32, RetentionError> {
    if tenure_days < 0 || term_days < 1 {
        return Err(RetentionError::InvalidTenure {
            tenure_days,
            term_days,
        });
    }
    Ok(u32::try_from(tenure_days / term_days).unwrap_or(u32::MAX))
}

/// The LTV:CAC ratio, `lifetime_value / acquisition_cost`, unrounded; `None` when the
/// acquisition cost is zero.
///
/// # Errors
///
/// - [`Error::InvalidField`] on field `acquisition_cost` when it is negative;
/// - [`Error::Arithmetic`] on field `ltv_to_cac` when the currencies differ.
///
/// ```
/// use custfit::retention::ltv_to_cac;
/// let ratio = ltv_to_cac("9000.00 EUR".parse()?, "3000.00 EUR".parse()?)?;
/// assert_eq!(ratio, Some(rust_decimal::Decimal::from(3)));
/// assert_eq!(ltv_to_cac("9000.00 EUR".parse()?, "0.00 EUR".parse()?)?, None);
/// # Ok::<(), custfit::Error>(())
/// ```
pub fn ltv_to_cac(lifetime_value: Money, acquisition_cost: Money) -> Result<Option<Decimal>> {
    if acquisition_cost.is_negative() {
        return Err(Error::invalid(
            None,
            "acquisition_cost",
            Problem::Negative {
                value: acquisition_cost.amount(),
            },
        ));
    }
    lifetime_value
        .ratio_to(acquisition_cost)
        .map_err(|e| Error::arithmetic(None, "ltv_to_cac", e))
}

enum PaybackRatio {
    Zero,
    Never,
    Ratio(Decimal),
}

fn payback_ratio(cost: Money, margin: Money) -> Result<PaybackRatio> {
    if cost.currency() != margin.currency() {
        return Err(Error::arithmetic(
            None,
            "payback_period",
            crate::money::MoneyError::CurrencyMismatch {
                left: cost.currency(),
                right: margin.currency(),
            },
        ));
    }
    if cost.is_negative() || cost.is_zero() {
        return Ok(PaybackRatio::Zero);
    }
    if margin.is_negative() || margin.is_zero() {
        return Ok(PaybackRatio::Never);
    }
    Ok(match cost.amount().checked_div(margin.amount()) {
        Some(r) => PaybackRatio::Ratio(r),
        None => PaybackRatio::Never,
    })
}

/// Simple payback period, ignoring churn and discounting: `ceil(acquisition_cost /
/// margin_per_period)` periods.
///
/// [`Payback::Periods(0)`](Payback::Periods) when the cost is zero or negative;
/// [`Payback::Never`] when the margin is not positive or more than `u32::MAX` periods would be
/// needed. See [`ShiftedBetaGeometric::expected_payback_period`] for the version that allows
/// for churn.
///
/// # Errors
///
/// [`Error::Arithmetic`] on field `payback_period` when the currencies differ.
pub fn payback_period(acquisition_cost: Money, margin_per_period: Money) -> Result<Payback> {
    Ok(match payback_ratio(acquisition_cost, margin_per_period)? {
        PaybackRatio::Zero => Payback::Periods(0),
        PaybackRatio::Never => Payback::Never,
        PaybackRatio::Ratio(r) => r.ceil().to_u32().map_or(Payback::Never, Payback::Periods),
    })
}

// ---------------------------------------------------------------------------------------------
// Numerics
// ---------------------------------------------------------------------------------------------

/// `ln(1 + x / y)` for `x, y > 0`, without overflow in `x / y`.
fn ln_1p_ratio(x: f64, y: f64) -> f64 {
    if x <= y {
        (x / y).ln_1p()
    } else {
        (x + y).ln() - y.ln()
    }
}

/// `ln Γ(x + h) - ln Γ(x)` for `x, h > 0`, accurate in absolute terms.
///
/// Shifts `x` up to 16 with `Γ(x + 1) = x Γ(x)`, then uses the difference of Stirling's series.
fn ln_gamma_ratio(x: f64, h: f64) -> f64 {
    let mut x = x;
    let mut shift = 0.0;
    while x < 16.0 {
        shift += ln_1p_ratio(h, x);
        x += 1.0;
    }
    // (x + h - 1/2) ln(x + h) - (x - 1/2) ln x - h, rearranged to avoid cancellation.
    let main = (x - 0.5) * ln_1p_ratio(h, x) + h * (x + h).ln() - h;
    main + stirling_correction(x + h) - stirling_correction(x) - shift
}

/// `ln Γ(z) - [(z - 1/2) ln z - z + ln(2π)/2]` for `z >= 16` (error below 1e-19).
fn stirling_correction(z: f64) -> f64 {
    const C: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
    ];
    let w = 1.0 / (z * z);
    let mut sum = 0.0;
    for c in C.iter().rev() {
        sum = sum * w + c;
    }
    sum / z
}

/// `2F1(1, b; b + a; 1 / (1 + d))` for `a, b > 0`, `d >= MIN_DISCOUNT_RATE`.
///
/// Gauss's continued fraction for `2F1(1, b; c; z)` (`c = a + b`),
/// `1 / (1 - e1 z / (1 - e2 z / (1 - ...)))` with `e1 = b / c`,
/// `e(2i) = i (a + i - 1) / ((c + 2i - 2)(c + 2i - 1))` and
/// `e(2i + 1) = (c + i - 1)(b + i) / ((c + 2i - 1)(c + 2i))`, all positive. It is summed as the
/// series of differences of successive convergents (Euler's equivalence), whose terms are
/// products of ratios and so lose no precision. The term ratio tends to `(1 - s) / (1 + s)`
/// with `s = sqrt(d / (1 + d))`; the remainder is bounded by the last term times
/// `ρ / (1 - ρ)` with `ρ` the larger of that limit and the last ratio. Near `z = 1` this needs
/// about `1 / sqrt(d)` terms where the power series needs `1 / d`.
fn hyp_one(b: f64, a: f64, d: f64) -> std::result::Result<f64, RetentionError> {
    let z = 1.0 / (1.0 + d);
    let c = a + b;
    let s = (d / (1.0 + d)).sqrt();
    let rho_limit = (1.0 - s) / (1.0 + s);
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut beta_prev = 1.0;
    let mut j: u64 = 1;
    while j <= MAX_FRACTION_TERMS {
        #[allow(clippy::cast_precision_loss)]
        let e = if j == 1 {
            b / c
        } else if j % 2 == 0 {
            let i = (j / 2) as f64;
            i * (a + (i - 1.0)) / ((c + (2.0 * i - 2.0)) * (c + (2.0 * i - 1.0)))
        } else {
            let i = ((j - 1) / 2) as f64;
            (c + (i - 1.0)) * (b + i) / ((c + (2.0 * i - 1.0)) * (c + 2.0 * i))
        };
        let ez = e * z;
        let beta_next = 1.0 - ez / beta_prev;
        if !(beta_next > 0.0 && beta_next.is_finite()) {
            return Err(numerical("hypergeometric series"));
        }
        let ratio = ez / (beta_prev * beta_next);
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return Err(numerical("hypergeometric series"));
        }
        let rho = ratio.max(rho_limit);
        if rho < 1.0 && term * rho <= 1e-16 * sum * (1.0 - rho) {
            return Ok(sum);
        }
        beta_prev = beta_next;
        j += 1;
    }
    Err(numerical("hypergeometric series"))
}

// ---------------------------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------------------------

/// Cohort data pooled by period: churners in each period and customers censored (still alive
/// at the end of observation) at each age.
struct Tally {
    churned: Vec<f64>,
    censored: Vec<f64>,
    customers: u64,
    total_churned: u64,
    first_survivors: u64,
    churned_first: f64,
    at_risk_first: f64,
    /// Oldest cohort age.
    periods: u32,
    /// Number of periods in which some customer is at risk.
    at_risk_periods: u32,
}

impl Tally {
    #[allow(clippy::cast_precision_loss)]
    fn new(cohorts: &[Cohort]) -> Tally {
        let max_age = cohorts.iter().map(|c| c.survivors.len()).max().unwrap_or(0);
        let mut churned = vec![0.0; max_age + 1];
        let mut censored = vec![0.0; max_age + 1];
        let mut tally = Tally {
            churned: Vec::new(),
            censored: Vec::new(),
            customers: 0,
            total_churned: 0,
            first_survivors: 0,
            churned_first: 0.0,
            at_risk_first: 0.0,
            periods: u32::try_from(max_age).unwrap_or(u32::MAX),
            at_risk_periods: 0,
        };
        for cohort in cohorts {
            let age = cohort.survivors.len();
            let mut before = cohort.size;
            for (i, &after) in cohort.survivors.iter().enumerate() {
                churned[i + 1] += (before - after) as f64;
                before = after;
            }
            censored[age] += before as f64;
            if age == 0 {
                continue;
            }
            tally.customers = tally.customers.saturating_add(cohort.size);
            tally.total_churned = tally.total_churned.saturating_add(cohort.size - before);
            let first = cohort.survivors[0];
            tally.first_survivors = tally.first_survivors.saturating_add(first);
            tally.churned_first += (cohort.size - first) as f64;
            tally.at_risk_first += cohort.size as f64;
            // At risk in period t when alive after t - 1 and observed through t.
            let alive_before_last = cohort.survivors[..age - 1]
                .iter()
                .take_while(|&&s| s > 0)
                .count();
            let at_risk = u32::try_from(alive_before_last + 1).unwrap_or(u32::MAX);
            tally.at_risk_periods = tally.at_risk_periods.max(at_risk);
        }
        tally.churned = churned;
        tally.censored = censored;
        tally
    }

    fn check(&self) -> std::result::Result<(), RetentionError> {
        if self.customers == 0 {
            return Err(RetentionError::TooLittleData { periods: 0 });
        }
        if self.total_churned == 0 {
            return Err(RetentionError::NoChurn {
                customers: self.customers,
            });
        }
        if self.first_survivors == 0 {
            return Err(RetentionError::AllLostInFirstPeriod {
                customers: self.customers,
            });
        }
        if self.at_risk_periods < 2 {
            return Err(RetentionError::TooLittleData {
                periods: self.at_risk_periods,
            });
        }
        Ok(())
    }

    fn log_likelihood(&self, a: f64, b: f64) -> f64 {
        let mut ll = 0.0;
        let mut ln_s = 0.0;
        let ln_a = a.ln();
        for t in 1..self.churned.len() {
            #[allow(clippy::cast_precision_loss)]
            let bt = b + (t - 1) as f64;
            let ln_den = (a + bt).ln();
            let ln_p = ln_s + ln_a - ln_den;
            ln_s += bt.ln() - ln_den;
            if self.churned[t] > 0.0 {
                ll += self.churned[t] * ln_p;
            }
            if self.censored[t] > 0.0 {
                ll += self.censored[t] * ln_s;
            }
        }
        ll
    }

    /// Log-likelihood with gradient and Hessian with respect to `(ln a, ln b)`.
    fn evaluate(&self, x: [f64; 2]) -> Eval {
        let (a, b) = (x[0].exp(), x[1].exp());
        let ln_a = a.ln();
        let mut ll = 0.0;
        let (mut ga, mut gb) = (0.0, 0.0);
        let (mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0);
        // ln S(t-1) and its derivatives with respect to (a, b).
        let mut ln_s = 0.0;
        let (mut sa, mut sb) = (0.0, 0.0);
        let (mut saa, mut sab, mut sbb) = (0.0, 0.0, 0.0);
        for t in 1..self.churned.len() {
            #[allow(clippy::cast_precision_loss)]
            let bt = b + (t - 1) as f64;
            let den = a + bt;
            let (id, ibt) = (1.0 / den, 1.0 / bt);
            let id2 = id * id;
            let w_p = self.churned[t];
            if w_p > 0.0 {
                ll += w_p * (ln_s + ln_a - den.ln());
                ga += w_p * (sa + 1.0 / a - id);
                gb += w_p * (sb - id);
                haa += w_p * (saa - 1.0 / (a * a) + id2);
                hab += w_p * (sab + id2);
                hbb += w_p * (sbb + id2);
            }
            ln_s += bt.ln() - den.ln();
            sa -= id;
            sb += ibt - id;
            saa += id2;
            sab += id2;
            sbb += id2 - ibt * ibt;
            let w_s = self.censored[t];
            if w_s > 0.0 {
                ll += w_s * ln_s;
                ga += w_s * sa;
                gb += w_s * sb;
                haa += w_s * saa;
                hab += w_s * sab;
                hbb += w_s * sbb;
            }
        }
        Eval {
            ll,
            g: [a * ga, b * gb],
            h: [
                [a * a * haa + a * ga, a * b * hab],
                [a * b * hab, b * b * hbb + b * gb],
            ],
        }
    }
}

struct Eval {
    ll: f64,
    g: [f64; 2],
    h: [[f64; 2]; 2],
}

struct Run {
    x: [f64; 2],
    log_likelihood: f64,
    iterations: u32,
    converged: bool,
    gradient_norm: f64,
    at_bound: bool,
}

/// Damped projected Newton ascent on `(ln a, ln b)` within `[lo, hi]²`.
fn newton(tally: &Tally, start: [f64; 2], max_iterations: u32, lo: f64, hi: f64) -> Run {
    let clamp = |x: [f64; 2]| [x[0].clamp(lo, hi), x[1].clamp(lo, hi)];
    let mut x = clamp(start);
    let mut iterations = 0;
    loop {
        let e = tally.evaluate(x);
        // Components pushing against a bound are held fixed.
        let free = [0, 1].map(|i| !((x[i] <= lo && e.g[i] < 0.0) || (x[i] >= hi && e.g[i] > 0.0)));
        let pg = [0, 1].map(|i| if free[i] { e.g[i] } else { 0.0 });
        let gradient_norm = pg[0].abs().max(pg[1].abs());
        let tolerance = FIT_TOLERANCE * e.ll.abs().max(1.0);
        let finish = |converged: bool, iterations: u32| Run {
            x,
            log_likelihood: e.ll,
            iterations,
            converged,
            gradient_norm,
            at_bound: x.iter().any(|&v| v <= lo || v >= hi),
        };
        if !e.ll.is_finite() || !gradient_norm.is_finite() {
            return finish(false, iterations);
        }
        if gradient_norm <= tolerance {
            return finish(true, iterations);
        }
        if iterations >= max_iterations {
            return finish(false, iterations);
        }
        iterations += 1;
        let mut p = newton_direction(&e, pg, free);
        let longest = p[0].abs().max(p[1].abs());
        if longest > 5.0 {
            p = [p[0] * 5.0 / longest, p[1] * 5.0 / longest];
        }
        // Backtracking line search with the Armijo condition on the projected step.
        let mut step = 1.0;
        let mut next = None;
        while step >= 1e-12 {
            let candidate = clamp([x[0] + step * p[0], x[1] + step * p[1]]);
            let gain = e.g[0] * (candidate[0] - x[0]) + e.g[1] * (candidate[1] - x[1]);
            let ll = tally.log_likelihood(candidate[0].exp(), candidate[1].exp());
            if ll.is_finite() && ll >= e.ll + 1e-4 * gain && candidate != x {
                next = Some(candidate);
                break;
            }
            step *= 0.5;
        }
        match next {
            Some(candidate) => x = candidate,
            // No measurable progress: converged only if the documented stop rule holds.
            None => return finish(gradient_norm <= tolerance, iterations),
        }
    }
}

/// Newton direction on the free components when the Hessian there is negative definite,
/// otherwise the normalised gradient.
fn newton_direction(e: &Eval, pg: [f64; 2], free: [bool; 2]) -> [f64; 2] {
    let ascent = || {
        let norm = pg[0].hypot(pg[1]);
        [pg[0] / norm, pg[1] / norm]
    };
    match free {
        [true, true] => {
            let [[h00, h01], [h10, h11]] = e.h;
            let det = h00 * h11 - h01 * h10;
            if h00 < 0.0 && det > 0.0 {
                [
                    -(h11 * pg[0] - h01 * pg[1]) / det,
                    -(-h10 * pg[0] + h00 * pg[1]) / det,
                ]
            } else {
                ascent()
            }
        }
        [true, false] if e.h[0][0] < 0.0 => [-pg[0] / e.h[0][0], 0.0],
        [false, true] if e.h[1][1] < 0.0 => [0.0, -pg[1] / e.h[1][1]],
        _ => ascent(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
