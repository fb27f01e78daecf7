//! Activity-based, time-driven cost to serve.
//!
//! Each activity a customer consumes (support tickets, engineering, customer-success and
//! executive hours, escalations, implementation, custom-feature upkeep, usage) is priced at a
//! rate, and every priced activity is one itemised [`CostLine`]. A rate is given directly or
//! derived the time-driven way (Kaplan and Anderson): the cost of the resources supplied divided
//! by their practical capacity in hours — see [`CapacityCostRate`].
//!
//! Rounding follows the crate's conventions: each line is rounded to the currency's minor unit,
//! half to even, and the total is the sum of the rounded lines, so a person can redo it by hand
//! as `amount = round(quantity × rate)`.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::customer::activity::Severity;
use crate::customer::{Customer, CustomerId};
use crate::error::{Error, Problem, Result};
use crate::money::{Currency, Money, MoneyError};
use crate::units::{Hours, Ratio, Share};

/// Decimal places kept in derived quantities (hours of standby, ...).
const QUANTITY_DP: u32 = 2;
/// Decimal places kept in margin ratios (0.0001 % resolution).
const RATIO_DP: u32 = 6;

fn round_dp(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven)
}

/// A role whose hours the cost model prices.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Support engineers.
    Support,
    /// Product engineering.
    Engineering,
    /// Customer-success managers.
    Success,
    /// Executives.
    Executive,
    /// Implementation consultants.
    Implementation,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Support,
        Role::Engineering,
        Role::Success,
        Role::Executive,
        Role::Implementation,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Engineering => "engineering",
            Role::Success => "success",
            Role::Executive => "executive",
            Role::Implementation => "implementation",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value per [`Role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerRole<T> {
    /// Support engineers.
    pub support: T,
    /// Product engineering.
    pub engineering: T,
    /// Customer-success managers.
    pub success: T,
    /// Executives.
    pub executive: T,
    /// Implementation consultants.
    pub implementation: T,
}

impl<T> PerRole<T> {
    /// The value for `role`.
    pub fn get(&self, role: Role) -> &T {
        match role {
            Role::Support => &self.support,
            Role::Engineering => &self.engineering,
            Role::Success => &self.success,
            Role::Executive => &self.executive,
            Role::Implementation => &self.implementation,
        }
    }

    /// The value for `role`, mutably.
    pub fn get_mut(&mut self, role: Role) -> &mut T {
        match role {
            Role::Support => &mut self.support,
            Role::Engineering => &mut self.engineering,
            Role::Success => &mut self.success,
            Role::Executive => &mut self.executive,
            Role::Implementation => &mut self.implementation,
        }
    }

    /// Apply `f` to every value.
    pub fn map<U>(&self, mut f: impl FnMut(Role, &T) -> U) -> PerRole<U> {
        PerRole {
            support: f(Role::Support, &self.support),
            engineering: f(Role::Engineering, &self.engineering),
            success: f(Role::Success, &self.success),
            executive: f(Role::Executive, &self.executive),
            implementation: f(Role::Implementation, &self.implementation),
        }
    }
}

/// Hours per role (exact decimals).
pub type RoleHours = PerRole<Decimal>;

impl RoleHours {
    /// Hours of every role added up, or `None` on overflow.
    pub fn total(&self) -> Option<Decimal> {
        [
            self.engineering,
            self.success,
            self.executive,
            self.implementation,
        ]
        .into_iter()
        .try_fold(self.support, Decimal::checked_add)
    }

    /// `self + other`, role by role, or `None` on overflow.
    pub fn checked_add(&self, other: &RoleHours) -> Option<RoleHours> {
        Some(PerRole {
            support: self.support.checked_add(other.support)?,
            engineering: self.engineering.checked_add(other.engineering)?,
            success: self.success.checked_add(other.success)?,
            executive: self.executive.checked_add(other.executive)?,
            implementation: self.implementation.checked_add(other.implementation)?,
        })
    }
}

/// A time-driven capacity cost rate: the cost of the resources supplied over a period divided
/// by their practical capacity in hours.
///
/// This is the published time-driven ABC exercise: $600,000 of resources with 10,000 practical
/// hours cost $60 an hour; an activity of 0.75 h costs $45.
///
/// ```
/// use custfit::{CapacityCostRate, Hours, Money};
/// use rust_decimal::Decimal;
/// let rate = CapacityCostRate::new("600000 USD".parse()?, Hours::new(Decimal::from(10_000))?)?;
/// assert_eq!(rate.rate().to_string(), "60.00 USD");
/// assert_eq!(rate.activity_cost(Hours::new(Decimal::new(75, 2))?)?.to_string(), "45.00 USD");
/// let usage = rate.usage([(Decimal::new(75, 2), 8_000), (Decimal::new(35, 1), 400), (Decimal::from(3), 450)])?;
/// assert_eq!(usage.used_hours, Decimal::from(8_750));
/// assert_eq!(usage.unused_hours, Decimal::from(1_250));
/// assert_eq!(usage.unused_cost.to_string(), "75000.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CapacityRepr", into = "CapacityRepr")]
pub struct CapacityCostRate {
    resource_cost: Money,
    practical_capacity: Hours,
    rate: Money,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CapacityRepr {
    resource_cost: Money,
    practical_capacity: Hours,
}

impl CapacityCostRate {
    /// The rate of `resource_cost` spread over `practical_capacity` hours.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the capacity is zero or the cost negative.
    pub fn new(resource_cost: Money, practical_capacity: Hours) -> Result<Self> {
        if practical_capacity.get().is_zero() {
            return Err(Error::config(
                "practical_capacity",
                Problem::OutOfRange {
                    value: "0".into(),
                    allowed: "more than 0 hours".into(),
                },
            ));
        }
        if resource_cost.is_negative() {
            return Err(Error::config(
                "resource_cost",
                Problem::Negative {
                    value: resource_cost.amount(),
                },
            ));
        }
        let rate = resource_cost
            .checked_div(practical_capacity.get())
            .map_err(|e| Error::config("resource_cost", e.into()))?;
        Ok(CapacityCostRate {
            resource_cost,
            practical_capacity,
            // Kept exact (not rounded), so that used plus unused cost is the resources supplied.
            rate: Money::new(rate.amount().normalize(), rate.currency()),
        })
    }

    /// Cost per hour of capacity, exact.
    pub fn rate(&self) -> Money {
        self.rate
    }

    /// Cost of the resources supplied.
    pub fn resource_cost(&self) -> Money {
        self.resource_cost
    }

    /// Practical capacity in hours.
    pub fn practical_capacity(&self) -> Hours {
        self.practical_capacity
    }

    /// Cost of one activity that takes `unit_time`, rounded to the minor unit.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn activity_cost(&self, unit_time: Hours) -> Result<Money> {
        self.rate
            .checked_mul(unit_time.get())
            .map(Money::round)
            .map_err(|e| Error::arithmetic(None, "activity_cost", e))
    }

    /// Capacity used by activities given as `(hours per activity, count)`, and what is left.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn usage<I>(&self, activities: I) -> Result<CapacityUsage>
    where
        I: IntoIterator<Item = (Decimal, u64)>,
    {
        let overflow = || Error::arithmetic(None, "capacity.used_hours", Problem::Overflow);
        let mut used = Decimal::ZERO;
        for (hours, count) in activities {
            let h = hours
                .checked_mul(Decimal::from(count))
                .ok_or_else(overflow)?;
            used = used.checked_add(h).ok_or_else(overflow)?;
        }
        self.usage_of_hours(used)
    }

    /// Capacity used by `used` hours, and what is left.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] on overflow.
    pub fn usage_of_hours(&self, used: Decimal) -> Result<CapacityUsage> {
        let unused = self
            .practical_capacity
            .get()
            .checked_sub(used)
            .ok_or_else(|| Error::arithmetic(None, "capacity.unused_hours", Problem::Overflow))?;
        let unused_cost = self
            .rate
            .checked_mul(unused)
            .map(Money::round)
            .map_err(|e| Error::arithmetic(None, "capacity.unused_cost", e))?;
        Ok(CapacityUsage {
            used_hours: used.normalize(),
            unused_hours: unused.normalize(),
            unused_cost,
        })
    }
}

impl TryFrom<CapacityRepr> for CapacityCostRate {
    type Error = Error;
    fn try_from(r: CapacityRepr) -> Result<Self> {
        CapacityCostRate::new(r.resource_cost, r.practical_capacity)
    }
}

impl From<CapacityCostRate> for CapacityRepr {
    fn from(c: CapacityCostRate) -> Self {
        CapacityRepr {
            resource_cost: c.resource_cost,
            practical_capacity: c.practical_capacity,
        }
    }
}

/// How much of a resource's practical capacity was used.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityUsage {
    /// Hours used.
    pub used_hours: Decimal,
    /// Hours of capacity left unused; negative when demand exceeded practical capacity.
    pub unused_hours: Decimal,
    /// Cost of the unused hours (negative when over capacity).
    pub unused_cost: Money,
}

/// An hourly rate: given directly, or derived from capacity (time-driven).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HourlyRate {
    /// A rate per hour.
    PerHour(Money),
    /// Resources supplied divided by practical capacity.
    TimeDriven(CapacityCostRate),
}

impl HourlyRate {
    /// The cost of one hour.
    pub fn per_hour(&self) -> Money {
        match self {
            HourlyRate::PerHour(m) => *m,
            HourlyRate::TimeDriven(c) => c.rate(),
        }
    }
}

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
    /// Hourly rate of each role.
    pub rates: PerRole<HourlyRate>,
    /// Cost per ticket by severity, for tickets whose handling hours are unknown.
    pub ticket_costs: TicketCosts,
    /// Cost of goods sold as a share of revenue (hosting, licences, payment fees).
    pub cogs_share_of_revenue: Share,
    /// Cost of goods sold per usage unit.
    pub cogs_per_usage_unit: Money,
    /// Months over which an implementation's cost is spread from go-live (at least 1).
    pub implementation_amortisation_months: u32,
    /// Months over which one-time revenue (set-up fees) is recognised, like implementation
    /// cost is amortised. `None` (the default) counts it in full in the period it was billed.
    ///
    /// When set, the one-time revenue of the period is taken as billed on the customer-since
    /// date when that falls in the period, else on the period's first day; the share of the
    /// window's days that fall in the period is recognised (rounded to the minor unit), the
    /// rest is [`CostToServe::deferred_revenue`]. Only this period's billing is on the record:
    /// revenue deferred into it by earlier periods is not (add it to recurring revenue if you
    /// track it).
    #[serde(default)]
    pub one_time_revenue_amortisation_months: Option<u32>,
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
            implementation_amortisation_months: 24,
            one_time_revenue_amortisation_months: None,
            custom_feature_upkeep_per_year: usd(600_000),
            cost_per_escalation: usd(50_000),
            overhead_share: Share::new(Decimal::new(10, 2)).unwrap_or(Share::ZERO),
        }
    }
}

/// The validated cost model: prices a customer's activity into a [`CostToServe`].
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{CostModel, CostModelConfig, Customer};
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
    config: CostModelConfig,
    per_hour: PerRole<Money>,
}

impl CostModel {
    /// Validate a configuration.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the field: an amount in another currency than
    /// `currency`, a negative rate or cost, zero amortisation months, or a COGS share that
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
            } else {
                Ok(())
            }
        };
        for role in Role::ALL {
            let rate = config.rates.get(role);
            check(&format!("rates.{role}"), rate.per_hour())?;
            if let HourlyRate::TimeDriven(c) = rate {
                check(&format!("rates.{role}.resource_cost"), c.resource_cost())?;
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
        if config.implementation_amortisation_months == 0 {
            return Err(Error::config(
                "implementation_amortisation_months",
                Problem::OutOfRange {
                    value: "0".into(),
                    allowed: "1..".into(),
                },
            ));
        }
        if config.one_time_revenue_amortisation_months == Some(0) {
            return Err(Error::config(
                "one_time_revenue_amortisation_months",
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

    /// The itemised cost to serve `customer` over its assessment period, and its margin.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] naming the customer and the cost line when an amount overflows,
    /// or when the customer's currency differs from the model's.
    pub fn cost_to_serve(&self, customer: &Customer) -> Result<CostToServe> {
        CostBuilder::new(self, customer)?.finish()
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

/// What a cost line prices.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "item")]
pub enum CostItem {
    /// COGS as a share of revenue: quantity is revenue, rate the share.
    CogsShareOfRevenue,
    /// COGS per usage unit.
    CogsUsage,
    /// Tickets with measured handling hours, at the support rate: quantity is hours.
    SupportHours {
        /// Their severity.
        severity: Severity,
    },
    /// Tickets without measured hours, at the cost per ticket: quantity is tickets.
    SupportTickets {
        /// Their severity.
        severity: Severity,
    },
    /// Support hours not tied to tickets (chat, calls), at the support rate.
    SupportTime,
    /// Support hours reserved by the SLA, at the support rate.
    SlaStandby,
    /// Engineering hours on customer-specific work.
    Engineering,
    /// Customer-success hours.
    CustomerSuccess,
    /// Executive hours.
    Executive,
    /// Escalations, at the cost per escalation.
    Escalations,
    /// Implementation amortised over the days of the period: quantity is days, rate the daily
    /// share of the implementation's cost.
    Implementation,
    /// Upkeep of custom features: quantity is features, rate the upkeep of one over the period.
    CustomFeatureUpkeep,
    /// Overhead: quantity is the direct cost to serve, rate the overhead share.
    Overhead,
}

impl CostItem {
    /// The role whose time the line prices, if any.
    pub fn role(&self) -> Option<Role> {
        match self {
            CostItem::SupportHours { .. }
            | CostItem::SupportTickets { .. }
            | CostItem::SupportTime
            | CostItem::SlaStandby => Some(Role::Support),
            CostItem::Engineering | CostItem::CustomFeatureUpkeep => Some(Role::Engineering),
            CostItem::CustomerSuccess => Some(Role::Success),
            CostItem::Executive | CostItem::Escalations => Some(Role::Executive),
            CostItem::Implementation => Some(Role::Implementation),
            CostItem::CogsShareOfRevenue | CostItem::CogsUsage | CostItem::Overhead => None,
        }
    }

    /// Dotted name used in error messages and reports (`cost.support.high`).
    pub fn field(&self) -> String {
        match self {
            CostItem::CogsShareOfRevenue => "cost.cogs_share_of_revenue".into(),
            CostItem::CogsUsage => "cost.cogs_usage".into(),
            CostItem::SupportHours { severity } => {
                format!("cost.support_hours.{}", severity.as_str())
            }
            CostItem::SupportTickets { severity } => {
                format!("cost.support_tickets.{}", severity.as_str())
            }
            CostItem::SupportTime => "cost.support_time".into(),
            CostItem::SlaStandby => "cost.sla_standby".into(),
            CostItem::Engineering => "cost.engineering".into(),
            CostItem::CustomerSuccess => "cost.customer_success".into(),
            CostItem::Executive => "cost.executive".into(),
            CostItem::Escalations => "cost.escalations".into(),
            CostItem::Implementation => "cost.implementation".into(),
            CostItem::CustomFeatureUpkeep => "cost.custom_feature_upkeep".into(),
            CostItem::Overhead => "cost.overhead".into(),
        }
    }
}

impl fmt::Display for CostItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostItem::CogsShareOfRevenue => f.write_str("COGS (share of revenue)"),
            CostItem::CogsUsage => f.write_str("COGS (usage)"),
            CostItem::SupportHours { severity } => {
                write!(f, "support, {} tickets (hours)", severity.as_str())
            }
            CostItem::SupportTickets { severity } => {
                write!(f, "support, {} tickets (per ticket)", severity.as_str())
            }
            CostItem::SupportTime => f.write_str("support, not tied to tickets"),
            CostItem::SlaStandby => f.write_str("SLA standby"),
            CostItem::Engineering => f.write_str("engineering"),
            CostItem::CustomerSuccess => f.write_str("customer success"),
            CostItem::Executive => f.write_str("executive attention"),
            CostItem::Escalations => f.write_str("escalations"),
            CostItem::Implementation => f.write_str("implementation (amortised)"),
            CostItem::CustomFeatureUpkeep => f.write_str("custom feature upkeep"),
            CostItem::Overhead => f.write_str("overhead"),
        }
    }
}

/// One itemised cost: `amount = round(quantity × rate)` to the currency's minor unit.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    /// What it prices.
    pub item: CostItem,
    /// How much (hours, tickets, units, days, features, or money for share-based lines).
    pub quantity: Decimal,
    /// Price of one unit of quantity, in the currency of `amount` (a share for share-based
    /// lines).
    pub rate: Decimal,
    /// The rounded amount.
    pub amount: Money,
}

impl fmt::Display for CostLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} x {} = {}",
            self.item, self.quantity, self.rate, self.amount
        )
    }
}

/// The itemised cost to serve one customer over its assessment period, and its margin.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostToServe {
    /// The customer.
    pub customer: CustomerId,
    /// Every cost line with a non-zero quantity and rate, in a fixed order.
    pub lines: Vec<CostLine>,
    /// Sum of the lines.
    pub total: Money,
    /// Revenue over the period: recurring plus the one-time revenue recognised in it.
    pub revenue: Money,
    /// One-time revenue billed in the period but recognised in later ones; `None` unless the
    /// model amortises one-time revenue.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub deferred_revenue: Option<Money>,
    /// Revenue minus total cost.
    pub gross_margin: Money,
    /// Gross margin over revenue (rounded to six places); `None` with zero revenue.
    pub margin: Option<Ratio>,
    /// Hours each role spent on the customer over the period. Tickets priced per ticket add no
    /// hours; implementation adds its hours prorated like its cost.
    pub hours: RoleHours,
}

impl CostToServe {
    /// The sum of the lines of `item`s that satisfy `pred`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] (impossible for lines that summed to [`CostToServe::total`]).
    pub fn sum_where(
        &self,
        pred: impl Fn(&CostItem) -> bool,
    ) -> std::result::Result<Money, MoneyError> {
        Money::checked_sum(
            self.total.currency(),
            self.lines
                .iter()
                .filter(|l| pred(&l.item))
                .map(|l| l.amount),
        )
    }
}

/// Accumulates lines with checked arithmetic.
struct CostBuilder<'a> {
    model: &'a CostModel,
    customer: &'a Customer,
    lines: Vec<CostLine>,
    /// Running sum of the rounded line amounts.
    total: Decimal,
    hours: RoleHours,
    days: Decimal,
}

impl<'a> CostBuilder<'a> {
    fn new(model: &'a CostModel, customer: &'a Customer) -> Result<Self> {
        if customer.currency() != model.currency() {
            return Err(Error::arithmetic(
                Some(customer.id()),
                "currency",
                Problem::CurrencyMismatch {
                    expected: model.currency(),
                    found: customer.currency(),
                },
            ));
        }
        Ok(CostBuilder {
            model,
            customer,
            lines: Vec::with_capacity(12),
            total: Decimal::ZERO,
            hours: RoleHours::default(),
            days: Decimal::from(customer.period().days()),
        })
    }

    fn overflow(&self, item: CostItem) -> Error {
        Error::arithmetic(Some(self.customer.id()), item.field(), Problem::Overflow)
    }

    fn mul(&self, item: CostItem, a: Decimal, b: Decimal) -> Result<Decimal> {
        a.checked_mul(b).ok_or_else(|| self.overflow(item))
    }

    /// Add `quantity × rate`, rounded, unless either is zero (a line of nothing is noise).
    fn line(&mut self, item: CostItem, quantity: Decimal, rate: Decimal) -> Result<()> {
        if quantity.is_zero() || rate.is_zero() {
            return Ok(());
        }
        let amount = Money::new(self.mul(item, quantity, rate)?, self.model.currency()).round();
        self.total = self
            .total
            .checked_add(amount.amount())
            .ok_or_else(|| self.overflow(item))?;
        self.lines.push(CostLine {
            item,
            quantity,
            rate,
            amount,
        });
        Ok(())
    }

    fn add_hours(&mut self, role: Role, item: CostItem, hours: Decimal) -> Result<()> {
        let slot = self.hours.get_mut(role);
        *slot = slot.checked_add(hours).ok_or_else(|| {
            Error::arithmetic(Some(self.customer.id()), item.field(), Problem::Overflow)
        })?;
        Ok(())
    }

    fn hourly(&mut self, role: Role, item: CostItem, hours: Decimal) -> Result<()> {
        self.add_hours(role, item, hours)?;
        self.line(item, hours, self.model.hourly_rate(role).amount())
    }

    fn finish(mut self) -> Result<CostToServe> {
        let model = self.model;
        let config = &model.config;
        let customer = self.customer;
        let activity = customer.activity();
        let (revenue, deferred_revenue) = self.recognised_revenue()?;

        self.line(
            CostItem::CogsShareOfRevenue,
            revenue.amount(),
            config.cogs_share_of_revenue.get(),
        )?;
        self.line(
            CostItem::CogsUsage,
            activity.usage_units.get(),
            config.cogs_per_usage_unit.amount(),
        )?;
        for group in &activity.tickets {
            let severity = group.severity;
            match group.handling_hours {
                Some(hours) => self.hourly(
                    Role::Support,
                    CostItem::SupportHours { severity },
                    hours.get(),
                )?,
                None => self.line(
                    CostItem::SupportTickets { severity },
                    Decimal::from(group.count),
                    config.ticket_costs.get(severity).amount(),
                )?,
            }
        }
        self.hourly(
            Role::Support,
            CostItem::SupportTime,
            activity.support_hours.get(),
        )?;
        if let Some(sla) = customer.contract().map(|c| c.sla()) {
            // Standby hours per month, over the days of the period: hours x 12 x days / 365.
            let item = CostItem::SlaStandby;
            let per_year = self.mul(item, sla.standby_hours_per_month.get(), Decimal::from(12))?;
            let hours = self.mul(item, per_year, self.days)? / Decimal::from(365);
            self.hourly(Role::Support, item, round_dp(hours, QUANTITY_DP))?;
        }
        self.hourly(
            Role::Engineering,
            CostItem::Engineering,
            activity.engineering_hours.get(),
        )?;
        self.hourly(
            Role::Success,
            CostItem::CustomerSuccess,
            activity.success_hours.get(),
        )?;
        self.hourly(
            Role::Executive,
            CostItem::Executive,
            activity.executive_hours.get(),
        )?;
        self.line(
            CostItem::Escalations,
            Decimal::from(activity.escalations),
            config.cost_per_escalation.amount(),
        )?;
        if let Some(implementation) = &activity.implementation {
            self.implementation(implementation)?;
        }
        if !activity.custom_features.is_empty() {
            let item = CostItem::CustomFeatureUpkeep;
            let per_period = self.mul(
                item,
                config.custom_feature_upkeep_per_year.amount(),
                self.days,
            )? / Decimal::from(365);
            self.line(
                item,
                Decimal::from(activity.custom_features.len()),
                round_dp(per_period, model.currency().minor_units()),
            )?;
        }
        self.line(CostItem::Overhead, self.total, config.overhead_share.get())?;

        let total = Money::new(self.total, model.currency());
        let gross_margin = revenue
            .checked_sub(total)
            .map_err(|e| Error::arithmetic(Some(customer.id()), "gross_margin", e))?;
        let margin = gross_margin
            .ratio_to(revenue)
            .map_err(|e| Error::arithmetic(Some(customer.id()), "margin", e))?
            .map(|r| Ratio::new(round_dp(r, RATIO_DP).normalize()));
        Ok(CostToServe {
            customer: customer.id().clone(),
            lines: self.lines,
            total,
            revenue,
            deferred_revenue,
            gross_margin,
            margin,
            hours: self.hours.map(|_, h| h.normalize()),
        })
    }

    /// Revenue recognised in the period, and the one-time revenue deferred beyond it.
    fn recognised_revenue(&self) -> Result<(Money, Option<Money>)> {
        let customer = self.customer;
        let revenue = customer.revenue();
        let one_time = customer.one_time_revenue();
        let Some(months) = self.model.config.one_time_revenue_amortisation_months else {
            return Ok((revenue, None));
        };
        if one_time.is_zero() {
            return Ok((revenue, None));
        }
        let period = customer.period();
        let field = "revenue.one_time_recognised";
        let fail = |rule: &str| {
            Error::arithmetic(
                Some(customer.id()),
                field,
                Problem::Rule { rule: rule.into() },
            )
        };
        let billed = customer
            .customer_since()
            .filter(|d| *d >= period.start() && *d <= period.end())
            .unwrap_or(period.start());
        let window_end = crate::calendar::window_end(billed, months)
            .ok_or_else(|| fail("recognition window leaves the supported date range"))?;
        let window = (window_end - billed).num_days() + 1;
        let overlap = period.overlap_days(billed, window_end);
        let recognised = one_time
            .checked_mul(Decimal::from(overlap))
            .and_then(|m| m.checked_div(Decimal::from(window)))
            .map(Money::round)
            .map_err(|e| Error::arithmetic(Some(customer.id()), field, e))?;
        let deferred = one_time
            .checked_sub(recognised)
            .map_err(|e| Error::arithmetic(Some(customer.id()), field, e))?;
        let revenue = revenue
            .checked_sub(deferred)
            .map_err(|e| Error::arithmetic(Some(customer.id()), "revenue", e))?;
        Ok((revenue, Some(deferred)))
    }

    /// Spread the implementation's cost evenly over the days of the amortisation window and
    /// charge the days the window shares with the period.
    fn implementation(
        &mut self,
        implementation: &crate::customer::activity::Implementation,
    ) -> Result<()> {
        let item = CostItem::Implementation;
        let start = implementation.go_live;
        let months = self.model.config.implementation_amortisation_months;
        let Some(window_end) = crate::calendar::window_end(start, months) else {
            return Err(Error::arithmetic(
                Some(self.customer.id()),
                item.field(),
                Problem::Rule {
                    rule: "amortisation window leaves the supported date range".into(),
                },
            ));
        };
        let window_days = (window_end - start).num_days() + 1;
        let overlap = self.customer.period().overlap_days(start, window_end);
        if overlap == 0 {
            return Ok(());
        }
        let labour = self.mul(
            item,
            implementation.hours.get(),
            self.model.hourly_rate(Role::Implementation).amount(),
        )?;
        let external = implementation
            .external_cost
            .map_or(Decimal::ZERO, |m| m.amount());
        let total = labour
            .checked_add(external)
            .ok_or_else(|| self.overflow(item))?;
        // The daily rate is kept exact: rounding it would make the lines of successive periods
        // add up to more or less than the implementation cost.
        let window = Decimal::from(window_days);
        let daily = total / window;
        let hours = self.mul(item, implementation.hours.get(), Decimal::from(overlap))? / window;
        self.add_hours(Role::Implementation, item, round_dp(hours, QUANTITY_DP))?;
        self.line(item, Decimal::from(overlap), daily)
    }
}
