//! The validated cost model.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::builder::CostBuilder;
use super::*;
use crate::customer::activity::Severity;
use crate::customer::{Customer, MAX_MONEY};
use crate::error::{Error, Problem, Result};
use crate::money::{Currency, Money};

/// The validated cost model: prices a customer's activity into a [`CostToServe`].
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{CostModel, Customer};
/// use custfit::cost::CostModelConfig;
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let model = CostModel::new(CostModelConfig::default())?;
/// let customer = Customer::builder("acme", "Acme")
///     .currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31))
///     .customer_since(d(2023, 1, 1))
///     .recurring_revenue(Decimal::from(50_000))
///     .engineering_hours(Decimal::from(100))
///     .build()?;
/// let cts = model.cost_to_serve(&customer)?;
/// // COGS 12 % of 50,000 = 6,000; engineering 100 h x 120 = 12,000; overhead 10 % = 1,800.
/// assert_eq!(cts.total.to_string(), "19800.00 USD");
/// assert_eq!(cts.gross_margin.to_string(), "30200.00 USD");
/// assert_eq!(cts.margin.unwrap().to_string(), "60.4%");
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CostModelConfig", into = "CostModelConfig")]
pub struct CostModel {
    pub(super) config: CostModelConfig,
    per_hour: PerRole<Money>,
}

impl CostModel {
    /// Validate a configuration.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the field: an amount in another currency than
    /// `currency`, a negative rate or cost, an amount above [`MAX_MONEY`] or with more than
    /// [`MAX_RATE_DECIMALS`] decimal places, zero amortization months, or a COGS share that
    /// with overhead takes a unit or more of each unit of revenue.
    pub fn new(config: CostModelConfig) -> Result<Self> {
        let currency = config.currency;
        let check = |field: &str, m: Money| -> Result<()> {
            if m.currency() != currency {
                Err(Error::config(
                    field,
                    Problem::CurrencyMismatch {
                        expected: currency,
                        found: m.currency(),
                    },
                ))
            } else if m.is_negative() {
                Err(Error::config(
                    field,
                    Problem::Negative { value: m.amount() },
                ))
            } else if m.amount() > MAX_MONEY || m.amount().normalize().scale() > MAX_RATE_DECIMALS {
                Err(Error::config(
                    field,
                    Problem::OutOfRange {
                        value: m.amount().to_string(),
                        allowed: format!(
                            "0..={MAX_MONEY}, at most {MAX_RATE_DECIMALS} decimal places"
                        ),
                    },
                ))
            } else {
                Ok(())
            }
        };
        for role in Role::ALL {
            match config.rates.get(role) {
                HourlyRate::PerHour(rate) => check(&format!("rates.{role}.per_hour"), *rate)?,
                // The derived rate is exact and may have any number of decimals; what was
                // given is the resource cost.
                HourlyRate::TimeDriven(c) => check(
                    &format!("rates.{role}.time_driven.resource_cost"),
                    c.resource_cost(),
                )?,
            }
        }
        for severity in Severity::ALL {
            check(
                &format!("ticket_costs.{}", severity.as_str()),
                config.ticket_costs.get(severity),
            )?;
        }
        check("cogs_per_usage_unit", config.cogs_per_usage_unit)?;
        check(
            "custom_feature_upkeep_per_year",
            config.custom_feature_upkeep_per_year,
        )?;
        check("cost_per_escalation", config.cost_per_escalation)?;
        let per_revenue = config
            .cogs_share_of_revenue
            .get()
            .checked_mul(Decimal::ONE + config.overhead_share.get())
            .unwrap_or(Decimal::MAX);
        if per_revenue >= Decimal::ONE {
            return Err(Error::config(
                "cogs_share_of_revenue",
                Problem::Rule {
                    rule: format!(
                        "with the overhead share, each unit of revenue would cost {per_revenue} units: \
                         COGS x (1 + overhead) must stay below 1"
                    ),
                },
            ));
        }
        if config.implementation_amortization_months == 0 {
            return Err(Error::config(
                "implementation_amortization_months",
                Problem::OutOfRange {
                    value: "0".into(),
                    allowed: "1..".into(),
                },
            ));
        }
        if config.one_time_revenue_amortization_months == Some(0) {
            return Err(Error::config(
                "one_time_revenue_amortization_months",
                Problem::OutOfRange {
                    value: "0".into(),
                    allowed: "1.. or none".into(),
                },
            ));
        }
        let per_hour = config.rates.map(|_, r| r.per_hour());
        Ok(CostModel { config, per_hour })
    }

    /// The configuration.
    pub fn config(&self) -> &CostModelConfig {
        &self.config
    }

    /// The currency of every amount.
    pub fn currency(&self) -> Currency {
        self.config.currency
    }

    /// Cost of one hour of `role`.
    pub fn hourly_rate(&self, role: Role) -> Money {
        *self.per_hour.get(role)
    }

    /// Capacity used and left for each role whose rate is time-driven, given the hours used
    /// (for example the total over a portfolio, [`CostToServe::hours`] added up).
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn capacity_usage(&self, used: &RoleHours) -> Result<Vec<(Role, CapacityUsage)>> {
        let mut out = Vec::new();
        for role in Role::ALL {
            if let HourlyRate::TimeDriven(c) = self.config.rates.get(role) {
                out.push((role, c.usage_of_hours(*used.get(role))?));
            }
        }
        Ok(out)
    }

    /// The itemized cost to serve `customer` over its assessment period, and its margin.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer and the cost line when an amount overflows,
    /// or when the customer's currency differs from the model's.
    pub fn cost_to_serve(&self, customer: &Customer) -> Result<CostToServe> {
        CostBuilder::new(self, customer, true)?.finish()
    }

    /// The totals of [`cost_to_serve`](Self::cost_to_serve) — revenue, total cost, gross
    /// margin and the cost of people's time — without itemizing the lines: the same amounts
    /// (property-tested), for a pass that needs only them, such as a portfolio's first phase.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::cost::CostModelConfig;
    /// use custfit::{CostModel, Customer};
    /// use rust_decimal::Decimal;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let model = CostModel::new(CostModelConfig::default())?;
    /// let c = Customer::builder("c", "C").currency("USD")
    ///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 1, 1))
    ///     .recurring_revenue(Decimal::from(80_000)).success_hours(Decimal::from(40))
    ///     .build()?;
    /// let (full, totals) = (model.cost_to_serve(&c)?, model.totals(&c)?);
    /// assert_eq!(totals.total, full.total);
    /// assert_eq!(totals.gross_margin, full.gross_margin);
    /// assert_eq!(totals.service, full.sum_where(|item| item.role().is_some())?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`cost_to_serve`](Self::cost_to_serve).
    pub fn totals(&self, customer: &Customer) -> Result<CostTotals> {
        CostBuilder::new(self, customer, false)?.totals()
    }
}

impl TryFrom<CostModelConfig> for CostModel {
    type Error = Error;
    fn try_from(config: CostModelConfig) -> Result<Self> {
        CostModel::new(config)
    }
}

impl From<CostModel> for CostModelConfig {
    fn from(m: CostModel) -> Self {
        m.config
    }
}
