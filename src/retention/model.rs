//! The shifted-beta-geometric model: survival, churn, retention rates, lifetimes and
//! discounted expected residual lifetime.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::fit::Tally;
use super::special::{hyp_one, ln_1p_ratio, ln_gamma_ratio};
use super::value::{payback_ratio, PaybackRatio};
use super::*;
use crate::error::{Error, Problem, Result};
use crate::money::Money;

/// The shifted-beta-geometric retention model with parameters `alpha` and `beta`.
///
/// Periods `t` count contract periods from acquisition: `S(t)` is the probability of being
/// still a customer after `t` renewal decisions, so `S(0) = 1`. A value that exists is valid:
/// both parameters are positive, finite and at most [`MAX_PARAMETER`]; deserialization checks
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
pub(super) struct SbgParameters {
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

pub(super) fn check_parameter(name: &str, value: f64) -> std::result::Result<(), RetentionError> {
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
    pub(super) fn rate_at(&self, t: f64) -> f64 {
        1.0 / (1.0 + self.alpha / (self.beta + (t - 1.0)))
    }

    /// `ln S(t)`.
    pub(super) fn ln_survival(&self, t: f64) -> f64 {
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
    /// use custfit::retention::{ShiftedBetaGeometric, ltv_to_cac};
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

pub(super) const DIRECT_PAYBACK_PERIODS: u32 = 1024;

pub(super) fn finite(value: f64, quantity: &str) -> std::result::Result<f64, RetentionError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(numerical(quantity))
    }
}

pub(super) fn money_times(margin: Money, factor: f64, field: &str) -> Result<Money> {
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
