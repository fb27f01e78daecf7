//! Lifetime value on the assessment: the retention model of the customer's segment applied to
//! its margin per renewal period.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::segment::plural;
use crate::cost::CostToServe;
use crate::customer::{Customer, LifecycleStage};
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::retention::{ltv_to_cac, renewals_from_tenure, RetentionModels};

/// Which customer tag selects the retention model of a customer.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKey {
    /// [`Customer::segment`].
    #[default]
    Segment,
    /// [`Customer::plan`].
    Plan,
}

/// Lifetime value settings: retention models per segment and the discount rate per renewal
/// period (DESIGN: lifetime value = margin per renewal period × DERL).
///
/// A model is applied to a customer only when its period has the length of the customer's
/// renewal term (a customer without a contract renews by the model's period): a model
/// fitted on monthly renewals says nothing exact about annual contracts, so a mismatch is an
/// error naming the customer and the model, never a silent reinterpretation. Give such
/// customers a model of their own term (by segment or plan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifetimeValueConfig {
    /// Retention models by segment or plan, with a default.
    pub models: RetentionModels,
    /// Discount rate per renewal period (> 0).
    pub discount_rate: f64,
    /// The tag that selects the model.
    #[serde(default)]
    pub segment_key: SegmentKey,
}

/// A customer's lifetime value from the retention model.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifetimeValue {
    /// Renewals so far (from tenure and the renewal term); `None` for a prospect.
    pub renewals: Option<u32>,
    /// Gross margin per renewal period (the period's margin scaled to the renewal term).
    pub margin_per_period: Money,
    /// Margin per period × DERL (for a prospect: × the discounted expected lifetime).
    pub value: Money,
    /// Lifetime value over acquisition cost, when the cost is known and not zero.
    pub ltv_to_cac: Option<Decimal>,
    /// The churn probability per period when the model is the constant-churn limit (a fit
    /// without a finite maximum), `None` for an sBG model.
    #[serde(default)]
    pub constant_churn: Option<f64>,
}

/// Lifetime value = margin per renewal period × DERL, with the model of the customer's segment.
pub(super) fn lifetime_value(
    customer: &Customer,
    cost: &CostToServe,
    as_of: NaiveDate,
    config: &LifetimeValueConfig,
) -> Result<LifetimeValue> {
    let id = customer.id();
    let tag = match config.segment_key {
        SegmentKey::Segment => customer.segment(),
        SegmentKey::Plan => customer.plan(),
    };
    let tag = tag.unwrap_or_default();
    let model = config.models.get(tag);
    let months = customer
        .contract()
        .map_or(model.period_months(), |c| c.renewal_term_months());
    if months != model.period_months() {
        let which = if config.models.segment(tag).is_some() {
            format!("lifetime_value.models.segments.{tag}.period_months")
        } else {
            "lifetime_value.models.default.period_months".to_owned()
        };
        return Err(Error::invalid(
            Some(id),
            which,
            Problem::Rule {
                rule: format!(
                    "the retention model's period is {} {}, the contract renews every {months} {}: give this renewal term a model of its own",
                    model.period_months(),
                    plural(u64::from(model.period_months()), "month", "months"),
                    plural(u64::from(months), "month", "months"),
                ),
            },
        ));
    }
    // The period's margin scaled to one renewal term: × (months × 365 / 12) / days.
    let term_days = Decimal::from(months) * Decimal::from(365) / Decimal::from(12);
    let margin_per_period = cost
        .gross_margin
        .checked_mul(term_days)
        .and_then(|m| m.checked_div(Decimal::from(customer.period().days())))
        .map(Money::round)
        .map_err(|e| Error::arithmetic(Some(id), "lifetime_value.margin_per_period", e))?;
    // A prospect has not signed: it is valued from signing, whatever dates it carries.
    let tenure = match customer.stage() {
        LifecycleStage::Prospect => None,
        _ => customer.tenure_days(as_of),
    };
    let (renewals, value) = match tenure {
        Some(tenure) => {
            let whole_term_days = term_days.round().to_i64().unwrap_or(365);
            let renewals = renewals_from_tenure(tenure.max(0), whole_term_days.max(1))?;
            let value = model.lifetime_value(margin_per_period, renewals, config.discount_rate)?;
            (Some(renewals), value)
        }
        None => (
            None,
            model.prospect_lifetime_value(margin_per_period, config.discount_rate)?,
        ),
    };
    let ltv_to_cac = match customer.acquisition_cost() {
        Some(cac) => ltv_to_cac(value, cac)?,
        None => None,
    };
    Ok(LifetimeValue {
        renewals,
        margin_per_period,
        value,
        ltv_to_cac,
        constant_churn: model.constant_churn_probability(),
    })
}
