//! The figures read first: whale curve, concentration, the headline analytics.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::units::Ratio;

pub(super) fn ratio(num: Decimal, den: Decimal) -> Option<Ratio> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
            .map(|r| Ratio::new(r.round_dp(6).normalize()))
    }
}

pub(super) fn ratio_if(defined: bool, num: Decimal, den: Decimal) -> Option<Ratio> {
    if defined {
        ratio(num, den)
    } else {
        None
    }
}

/// The whale curve (Kaplan and Narayanan: the most profitable 20 % of customers typically earn
/// 150-300 % of total profit).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhaleCurve {
    /// Total profit.
    pub total_profit: Money,
    /// Highest cumulative profit along the curve.
    pub peak_profit: Money,
    /// How many of the most profitable customers reach the peak.
    pub peak_rank: usize,
    /// Those customers as a share of all.
    pub peak_customer_share: f64,
    /// The peak as a share of total profit; `None` when total profit is zero or negative.
    pub peak_share: Option<Ratio>,
    /// Profit share of the most profitable 20 %; `None` when total profit is not positive.
    pub top_20_share: Option<Ratio>,
    /// `(share of customers, cumulative share of profit)`, sampled.
    pub points: Vec<(f64, Option<Ratio>)>,
}

/// Revenue concentration.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Concentration {
    /// How many top customers.
    pub top: usize,
    /// Their share of revenue.
    pub top_share: Option<Ratio>,
    /// Herfindahl index of revenue shares (0 to 1).
    pub herfindahl: Option<f64>,
}

/// The headline figures of a complete report, so that its JSON can be rendered alone.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    /// Margin ratio now.
    pub margin_before: Option<Ratio>,
    /// Margin ratio after the plan.
    pub margin_after: Option<Ratio>,
    /// The whale curve, with up to 20 points, its peak and where it is, the top-20 % share.
    pub whale_curve: WhaleCurve,
    /// Revenue concentration of the ten largest customers.
    pub concentration: Concentration,
    /// Customers who lose money.
    pub loss_makers: u64,
    /// What they lose together (zero or negative).
    pub losses: Money,
}
