//! Activity-based, time-driven cost to serve.
//!
//! Each activity a customer consumes (support tickets, engineering, customer-success and
//! executive hours, escalations, implementation, custom-feature upkeep, usage) is priced at a
//! rate, and every priced activity is one itemized [`CostLine`]. A rate is given directly or
//! derived the time-driven way (Kaplan and Anderson): the cost of the resources supplied divided
//! by their practical capacity in hours — see [`CapacityCostRate`].
//!
//! Rounding follows the crate's conventions: each line is rounded to the currency's minor unit,
//! half to even, and the total is the sum of the rounded lines, so a person can redo it by hand
//! as `amount = round(quantity × rate)`.

use rust_decimal::Decimal;

mod builder;
mod capacity;
mod config;
mod line;
mod model;
mod role;

pub use capacity::{CapacityCostRate, CapacityUsage, HourlyRate};
pub use config::{CostModelConfig, TicketCosts};
pub use line::{CostItem, CostLine, CostToServe, CostTotals};
pub use model::CostModel;
pub use role::{PerRole, Role, RoleHours};

/// The most decimal places accepted on an amount of the cost model's configuration (a rate,
/// a cost per ticket, unit or escalation): enough for prices per API call.
///
/// Its amounts are at most [`MAX_MONEY`](crate::customer::MAX_MONEY). Every cost line is
/// rounded to the currency's minor unit, so the rates' decimals never reach a total: totals
/// stay sums of rounded lines, exact in any order.
pub const MAX_RATE_DECIMALS: u32 = 8;

/// Decimal places kept in derived quantities (hours of standby, ...).
pub(super) const QUANTITY_DP: u32 = 2;
/// Decimal places kept in margin ratios (0.0001 % resolution).
pub(super) const RATIO_DP: u32 = 6;

pub(super) fn round_dp(d: Decimal, dp: u32) -> Decimal {
    crate::money::round_half_even(d, dp)
}
