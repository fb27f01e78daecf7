//! A retention model for lifetime value: a survival curve per retention period and the
//! period's length, so that a model fitted on monthly renewals is never applied to annual
//! contracts as if it were annual.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::{finite, money_times};
use super::{check_discount_rate, RetentionError, ShiftedBetaGeometric};
use crate::error::Result;
use crate::money::Money;

/// The longest retention period accepted, in months (ten years).
pub const MAX_PERIOD_MONTHS: u32 = 120;

/// The survival curve of a [`RetentionModel`], per retention period.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Curve {
    /// The shifted-beta-geometric model: churn probabilities vary across customers.
    ShiftedBetaGeometric(ShiftedBetaGeometric),
    /// Every customer churns with the same probability each period: the limit of the sBG
    /// model when heterogeneity vanishes (`alpha`, `beta` → ∞ with `alpha / (alpha + beta)`
    /// fixed), which is where a fit without a finite maximum ends
    /// ([`FitOutcome::ConstantChurnLimit`](super::FitOutcome::ConstantChurnLimit)).
    ConstantChurn {
        /// The churn probability per period, 0 to 1.
        churn: f64,
    },
}

/// A retention model with the length of its period, in months (12 for annual renewals, 1 for
/// monthly). Lifetime value applies it to a customer only when the customer's renewal term
/// has the same length (see [`LifetimeValueConfig`](crate::assessment::LifetimeValueConfig)).
///
/// On the wire: `{"alpha": 0.7041, "beta": 1.182, "period_months": 12}` or
/// `{"constant_churn": 0.2, "period_months": 12}`; the period is required.
///
/// For the constant-churn curve with churn `θ` and discount rate `d` per period, survival is
/// `(1 − θ)^t`, the discounted expected residual lifetime is `(1 − θ)(1 + d) / (d + θ)` for
/// every customer (it is memoryless), and a prospect's discounted expected lifetime is
/// `(1 + d) / (d + θ)`.
///
/// ```
/// use custfit::retention::{RetentionModel, ShiftedBetaGeometric};
/// let annual = RetentionModel::new(ShiftedBetaGeometric::new(0.7041, 1.1820)?, 12)?;
/// assert_eq!(annual.period_months(), 12);
/// assert_eq!(format!("{:.4}", annual.derl(0.10, 0)?), "2.9642");
/// let flat = RetentionModel::constant_churn(0.2, 12)?;
/// assert_eq!(format!("{:.4}", flat.derl(0.10, 5)?), "2.9333"); // 0.8 × 1.1 / 0.3
/// assert!(RetentionModel::constant_churn(1.5, 12).is_err());
/// # Ok::<(), custfit::retention::RetentionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ModelRepr", into = "ModelRepr")]
pub struct RetentionModel {
    curve: Curve,
    period_months: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alpha: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    beta: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    constant_churn: Option<f64>,
    period_months: u32,
}

impl TryFrom<ModelRepr> for RetentionModel {
    type Error = RetentionError;
    fn try_from(r: ModelRepr) -> std::result::Result<Self, RetentionError> {
        match (r.alpha, r.beta, r.constant_churn) {
            (Some(a), Some(b), None) => {
                RetentionModel::new(ShiftedBetaGeometric::new(a, b)?, r.period_months)
            }
            (None, None, Some(churn)) => RetentionModel::constant_churn(churn, r.period_months),
            _ => Err(RetentionError::InvalidParameter {
                name: "alpha and beta, or constant_churn".into(),
                value: f64::NAN,
            }),
        }
    }
}

impl From<RetentionModel> for ModelRepr {
    fn from(m: RetentionModel) -> Self {
        let (alpha, beta, constant_churn) = match m.curve {
            Curve::ShiftedBetaGeometric(s) => (Some(s.alpha()), Some(s.beta()), None),
            Curve::ConstantChurn { churn } => (None, None, Some(churn)),
        };
        ModelRepr {
            alpha,
            beta,
            constant_churn,
            period_months: m.period_months,
        }
    }
}

fn check_period(months: u32) -> std::result::Result<(), RetentionError> {
    if (1..=MAX_PERIOD_MONTHS).contains(&months) {
        Ok(())
    } else {
        Err(RetentionError::InvalidParameter {
            name: "period_months".into(),
            value: f64::from(months),
        })
    }
}

impl RetentionModel {
    /// An sBG model whose periods last `period_months`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidParameter`] for a period outside 1..=[`MAX_PERIOD_MONTHS`].
    pub fn new(
        model: ShiftedBetaGeometric,
        period_months: u32,
    ) -> std::result::Result<Self, RetentionError> {
        check_period(period_months)?;
        Ok(RetentionModel {
            curve: Curve::ShiftedBetaGeometric(model),
            period_months,
        })
    }

    /// A constant-churn model: churn probability `churn` (0 to 1) every period of
    /// `period_months`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidParameter`] for a churn outside 0..=1 or a period outside
    /// 1..=[`MAX_PERIOD_MONTHS`].
    pub fn constant_churn(
        churn: f64,
        period_months: u32,
    ) -> std::result::Result<Self, RetentionError> {
        if !(0.0..=1.0).contains(&churn) {
            return Err(RetentionError::InvalidParameter {
                name: "constant_churn".into(),
                value: churn,
            });
        }
        check_period(period_months)?;
        Ok(RetentionModel {
            curve: Curve::ConstantChurn { churn },
            period_months,
        })
    }

    /// The survival curve.
    pub fn curve(&self) -> Curve {
        self.curve
    }

    /// The length of a period, in months.
    pub fn period_months(&self) -> u32 {
        self.period_months
    }

    /// The churn probability of the constant-churn curve, `None` for an sBG model.
    pub fn constant_churn_probability(&self) -> Option<f64> {
        match self.curve {
            Curve::ConstantChurn { churn } => Some(churn),
            Curve::ShiftedBetaGeometric(_) => None,
        }
    }

    /// Discounted expected residual lifetime, in periods, of a customer who has renewed
    /// `renewals` times (see [`ShiftedBetaGeometric::derl`]).
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidDiscountRate`] unless the rate is finite and at least
    /// [`MIN_DISCOUNT_RATE`](super::MIN_DISCOUNT_RATE).
    pub fn derl(
        &self,
        discount_rate: f64,
        renewals: u32,
    ) -> std::result::Result<f64, RetentionError> {
        match self.curve {
            Curve::ShiftedBetaGeometric(m) => m.derl(discount_rate, renewals),
            Curve::ConstantChurn { churn } => {
                check_discount_rate(discount_rate)?;
                finite(
                    (1.0 - churn) * (1.0 + discount_rate) / (discount_rate + churn),
                    "discounted expected residual lifetime",
                )
            }
        }
    }

    /// Discounted expected lifetime, in periods, of a new customer (see
    /// [`ShiftedBetaGeometric::discounted_expected_lifetime`]).
    ///
    /// # Errors
    ///
    /// As [`derl`](Self::derl).
    pub fn discounted_expected_lifetime(
        &self,
        discount_rate: f64,
    ) -> std::result::Result<f64, RetentionError> {
        match self.curve {
            Curve::ShiftedBetaGeometric(m) => m.discounted_expected_lifetime(discount_rate),
            Curve::ConstantChurn { churn } => {
                check_discount_rate(discount_rate)?;
                finite(
                    (1.0 + discount_rate) / (discount_rate + churn),
                    "discounted expected lifetime",
                )
            }
        }
    }

    /// Residual lifetime value: `margin_per_period × derl`, rounded to the minor unit.
    ///
    /// # Errors
    ///
    /// As [`ShiftedBetaGeometric::lifetime_value`].
    pub fn lifetime_value(
        &self,
        margin_per_period: Money,
        renewals: u32,
        discount_rate: f64,
    ) -> Result<Money> {
        let derl = self.derl(discount_rate, renewals)?;
        money_times(margin_per_period, derl, "lifetime_value")
    }

    /// A prospect's lifetime value: `margin_per_period × discounted expected lifetime`.
    ///
    /// # Errors
    ///
    /// As [`ShiftedBetaGeometric::prospect_lifetime_value`].
    pub fn prospect_lifetime_value(
        &self,
        margin_per_period: Money,
        discount_rate: f64,
    ) -> Result<Money> {
        let del = self.discounted_expected_lifetime(discount_rate)?;
        money_times(margin_per_period, del, "prospect_lifetime_value")
    }
}

impl fmt::Display for RetentionModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.curve {
            Curve::ShiftedBetaGeometric(m) => {
                write!(f, "sBG alpha {:.4} beta {:.4}", m.alpha(), m.beta())?
            }
            Curve::ConstantChurn { churn } => write!(f, "constant churn {:.1}%", churn * 100.0)?,
        }
        write!(f, " per {} months", self.period_months)
    }
}
