//! Lifetime value in money: models per segment, renewals from tenure, LTV:CAC and payback.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::*;
use crate::error::{Error, Problem, Result};
use crate::money::Money;

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

pub(super) enum PaybackRatio {
    Zero,
    Never,
    Ratio(Decimal),
}

pub(super) fn payback_ratio(cost: Money, margin: Money) -> Result<PaybackRatio> {
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
