//! Cost lines and the itemized cost to serve.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::*;
use crate::customer::activity::Severity;
use crate::customer::CustomerId;
use crate::money::{sum_non_negative, Money, MoneyError};
use crate::units::Ratio;

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
    /// Implementation amortized over the days of the period: quantity is days, rate the daily
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
            CostItem::Implementation => f.write_str("implementation (amortized)"),
            CostItem::CustomFeatureUpkeep => f.write_str("custom feature upkeep"),
            CostItem::Overhead => f.write_str("overhead"),
        }
    }
}

/// One itemized cost: `amount = round(quantity × rate)` to the currency's minor unit.
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

/// The totals of a customer's cost to serve, without its lines ([`CostModel::totals`]).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostTotals {
    /// Revenue over the period, as [`CostToServe::revenue`].
    pub revenue: Money,
    /// Sum of the lines, as [`CostToServe::total`].
    pub total: Money,
    /// Revenue minus total cost, as [`CostToServe::gross_margin`].
    pub gross_margin: Money,
    /// Sum of the lines that price people's time (those whose item has a [`Role`]).
    pub service: Money,
}

/// The itemized cost to serve one customer over its assessment period, and its margin.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostToServe {
    /// The customer.
    pub customer: CustomerId,
    /// Every cost line with a non-zero quantity and rate, in a fixed order.
    pub lines: Vec<CostLine>,
    /// Sum of the lines.
    pub total: Money,
    /// Revenue over the period: recurring plus the one-time revenue recognized in it.
    pub revenue: Money,
    /// One-time revenue billed in the period but recognized in later ones; `None` unless the
    /// model amortizes one-time revenue.
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
        let currency = self.total.currency();
        let lines = || self.lines.iter().filter(|l| pred(&l.item));
        // The usual lines, in one currency and not negative, are summed in integers: the same
        // decimal as the fold below, which decides every other case.
        if lines().all(|l| l.amount.currency() == currency) {
            if let Some(sum) = sum_non_negative(lines().map(|l| l.amount.amount())) {
                return Ok(Money::new(sum, currency));
            }
        }
        Money::checked_sum(currency, lines().map(|l| l.amount))
    }
}
