//! The cost model's configuration: rates, per-ticket costs, shares and amortization.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::*;
use crate::customer::activity::Severity;
use crate::money::{Currency, Money};
use crate::units::Share;

/// Cost of one ticket of each severity, used when a ticket group's handling hours are unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketCosts {
    /// Critical.
    pub critical: Money,
    /// High.
    pub high: Money,
    /// Normal.
    pub normal: Money,
    /// Low.
    pub low: Money,
}

impl TicketCosts {
    /// The cost of one ticket of `severity`.
    pub fn get(&self, severity: Severity) -> Money {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Normal => self.normal,
            Severity::Low => self.low,
        }
    }
}

/// Configuration of the cost model: plain serde-able data, validated by [`CostModel::new`].
///
/// The [`Default`] values are **examples** in USD, of the order a mid-sized B2B software
/// company might see; replace them with your own rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostModelConfig {
    /// The one currency of every rate and of the customers it prices.
    pub currency: Currency,
    /// Hourly rate of each role. A time-driven rate that cannot be derived is refused naming
    /// the role: `rates.support.time_driven.practical_capacity`.
    #[serde(deserialize_with = "rates_by_role")]
    pub rates: PerRole<HourlyRate>,
    /// Cost per ticket by severity, for tickets whose handling hours are unknown.
    pub ticket_costs: TicketCosts,
    /// Cost of goods sold as a share of revenue (hosting, licenses, payment fees).
    pub cogs_share_of_revenue: Share,
    /// Cost of goods sold per usage unit.
    pub cogs_per_usage_unit: Money,
    /// Months over which an implementation's cost is spread from go-live (at least 1).
    pub implementation_amortization_months: u32,
    /// Months over which one-time revenue (set-up fees) is recognized, like implementation
    /// cost is amortized. `None` (the default) counts it in full in the period it was billed.
    ///
    /// When set, the one-time revenue of the period is taken as billed on the customer-since
    /// date when that falls in the period, else on the period's first day; the share of the
    /// window's days that fall in the period is recognized (rounded to the minor unit), the
    /// rest is [`CostToServe::deferred_revenue`]. Only this period's billing is on the record:
    /// revenue deferred into it by earlier periods is not (add it to recurring revenue if you
    /// track it).
    #[serde(default)]
    pub one_time_revenue_amortization_months: Option<u32>,
    /// Yearly cost of keeping one custom feature alive (prorated by the days of the period).
    pub custom_feature_upkeep_per_year: Money,
    /// Cost of one escalation beyond the executive hours recorded (meetings, reports, credits).
    pub cost_per_escalation: Money,
    /// Overhead allocated as a share of the direct cost to serve (0 for none).
    pub overhead_share: Share,
}

impl Default for CostModelConfig {
    /// Example values in USD; see the type's documentation.
    fn default() -> Self {
        let usd = |cents: i64| Money::new(Decimal::new(cents, 2), Currency::USD);
        let hourly = |cents| HourlyRate::PerHour(usd(cents));
        CostModelConfig {
            currency: Currency::USD,
            rates: PerRole {
                support: hourly(4_500),
                engineering: hourly(12_000),
                success: hourly(7_500),
                executive: hourly(25_000),
                implementation: hourly(11_000),
            },
            ticket_costs: TicketCosts {
                critical: usd(40_000),
                high: usd(18_000),
                normal: usd(6_000),
                low: usd(2_500),
            },
            cogs_share_of_revenue: Share::new(Decimal::new(12, 2)).unwrap_or(Share::ZERO),
            cogs_per_usage_unit: usd(0),
            implementation_amortization_months: 24,
            one_time_revenue_amortization_months: None,
            custom_feature_upkeep_per_year: usd(600_000),
            cost_per_escalation: usd(50_000),
            overhead_share: Share::new(Decimal::new(10, 2)).unwrap_or(Share::ZERO),
        }
    }
}

/// A rate as written, before a time-driven one is derived.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum RateRepr {
    PerHour(Money),
    TimeDriven(super::capacity::CapacityRepr),
}

/// Rates by role, with the role in the path of a time-driven rate's error.
fn rates_by_role<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<PerRole<HourlyRate>, D::Error> {
    let raw = PerRole::<RateRepr>::deserialize(d)?;
    let mut first_error = None;
    let rates = PerRole::from_fn(|role| match raw.get(role) {
        RateRepr::PerHour(m) => HourlyRate::PerHour(*m),
        RateRepr::TimeDriven(c) => match CapacityCostRate::try_from(c.clone()) {
            Ok(rate) => HourlyRate::TimeDriven(rate),
            Err(e) => {
                first_error.get_or_insert_with(|| match e {
                    crate::Error::InvalidConfig { field, problem } => crate::Error::InvalidConfig {
                        field: format!("rates.{role}.time_driven.{field}"),
                        problem,
                    },
                    other => other,
                });
                HourlyRate::PerHour(Money::zero(Currency::USD))
            }
        },
    });
    match first_error {
        Some(e) => Err(serde::de::Error::custom(e)),
        None => Ok(rates),
    }
}
