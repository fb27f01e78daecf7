//! Pricing one customer, line by line, with checked arithmetic.

use rust_decimal::Decimal;

use super::*;
use crate::customer::Customer;
use crate::error::{Error, Problem, Result};
use crate::money::{mul_round_half_even, Money};
use crate::units::{normalized, Ratio};

/// Accumulates lines with checked arithmetic.
pub(super) struct CostBuilder<'a> {
    model: &'a CostModel,
    customer: &'a Customer,
    /// `None` when only the totals are wanted: the lines are summed, not kept.
    lines: Option<Vec<CostLine>>,
    /// Running sum of the rounded line amounts.
    total: Decimal,
    /// Running sum of the lines that price people's time, when the lines are not kept.
    service: Decimal,
    hours: RoleHours,
    days: Decimal,
}

impl<'a> CostBuilder<'a> {
    /// `keep_lines`: itemize (the cost to serve), or only sum (its totals).
    pub(super) fn new(
        model: &'a CostModel,
        customer: &'a Customer,
        keep_lines: bool,
    ) -> Result<Self> {
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
            lines: keep_lines.then(|| Vec::with_capacity(12)),
            total: Decimal::ZERO,
            service: Decimal::ZERO,
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
        let currency = self.model.currency();
        let amount = match mul_round_half_even(quantity, rate, currency.minor_units()) {
            Some(exact) => Money::new(exact, currency),
            None => Money::new(self.mul(item, quantity, rate)?, currency).round(),
        };
        self.total = self
            .total
            .checked_add(amount.amount())
            .ok_or_else(|| self.overflow(item))?;
        match &mut self.lines {
            Some(lines) => lines.push(CostLine {
                item,
                quantity,
                rate,
                amount,
            }),
            // In line order, as `CostToServe::sum_where` adds them: the same decimal.
            None if item.role().is_some() => {
                self.service = self
                    .service
                    .checked_add(amount.amount())
                    .ok_or_else(|| self.overflow(item))?;
            }
            None => {}
        }
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

    pub(super) fn finish(mut self) -> Result<CostToServe> {
        let (revenue, deferred_revenue) = self.price()?;
        let customer = self.customer;
        let (total, gross_margin) = self.margin(revenue)?;
        let margin = gross_margin
            .ratio_to(revenue)
            .map_err(|e| Error::arithmetic(Some(customer.id()), "margin", e))?
            .map(|r| Ratio::new(normalized(round_dp(r, RATIO_DP))));
        Ok(CostToServe {
            customer: customer.id().clone(),
            lines: self.lines.unwrap_or_default(),
            total,
            revenue,
            deferred_revenue,
            gross_margin,
            margin,
            hours: self.hours.map(|_, &h| normalized(h)),
        })
    }

    /// The totals, without the lines (built with `keep_lines` false). They fail when the cost
    /// to serve does: what `finish` computes beyond them, the margin ratio, cannot fail for a
    /// validated customer (|margin| stays below 10^24 and a revenue that is not zero is at
    /// least 10^-4, so the quotient fits a `Decimal`).
    pub(super) fn totals(mut self) -> Result<CostTotals> {
        let (revenue, _) = self.price()?;
        let (total, gross_margin) = self.margin(revenue)?;
        Ok(CostTotals {
            revenue,
            total,
            gross_margin,
            service: Money::new(self.service, self.model.currency()),
        })
    }

    /// The total and the gross margin on `revenue`.
    fn margin(&self, revenue: Money) -> Result<(Money, Money)> {
        let total = Money::new(self.total, self.model.currency());
        let gross_margin = revenue
            .checked_sub(total)
            .map_err(|e| Error::arithmetic(Some(self.customer.id()), "gross_margin", e))?;
        Ok((total, gross_margin))
    }

    /// Price every line; the revenue recognized in the period and the one-time revenue
    /// deferred beyond it.
    fn price(&mut self) -> Result<(Money, Option<Money>)> {
        let model = self.model;
        let config = &model.config;
        let customer = self.customer;
        let activity = customer.activity();
        let (revenue, deferred_revenue) = self.recognized_revenue()?;

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
        let custom_features = activity.custom_feature_count();
        if custom_features > 0 {
            let item = CostItem::CustomFeatureUpkeep;
            let per_period = self.mul(
                item,
                config.custom_feature_upkeep_per_year.amount(),
                self.days,
            )? / Decimal::from(365);
            self.line(
                item,
                Decimal::from(custom_features),
                round_dp(per_period, model.currency().minor_units()),
            )?;
        }
        self.line(CostItem::Overhead, self.total, config.overhead_share.get())?;
        Ok((revenue, deferred_revenue))
    }

    /// Revenue recognized in the period, and the one-time revenue deferred beyond it.
    fn recognized_revenue(&self) -> Result<(Money, Option<Money>)> {
        let customer = self.customer;
        let revenue = customer.revenue();
        let one_time = customer.one_time_revenue();
        let Some(months) = self.model.config.one_time_revenue_amortization_months else {
            return Ok((revenue, None));
        };
        if one_time.is_zero() {
            return Ok((revenue, None));
        }
        let period = customer.period();
        let field = "revenue.one_time_recognized";
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
        let recognized = one_time
            .checked_mul(Decimal::from(overlap))
            .and_then(|m| m.checked_div(Decimal::from(window)))
            .map(Money::round)
            .map_err(|e| Error::arithmetic(Some(customer.id()), field, e))?;
        let deferred = one_time
            .checked_sub(recognized)
            .map_err(|e| Error::arithmetic(Some(customer.id()), field, e))?;
        let revenue = revenue
            .checked_sub(deferred)
            .map_err(|e| Error::arithmetic(Some(customer.id()), "revenue", e))?;
        Ok((revenue, Some(deferred)))
    }

    /// Spread the implementation's cost evenly over the days of the amortization window and
    /// charge the days the window shares with the period.
    fn implementation(
        &mut self,
        implementation: &crate::customer::activity::Implementation,
    ) -> Result<()> {
        let item = CostItem::Implementation;
        let start = implementation.go_live;
        let months = self.model.config.implementation_amortization_months;
        let Some(window_end) = crate::calendar::window_end(start, months) else {
            return Err(Error::arithmetic(
                Some(self.customer.id()),
                item.field(),
                Problem::Rule {
                    rule: "amortization window leaves the supported date range".into(),
                },
            ));
        };
        let window_days = (window_end - start).num_days() + 1;
        let overlap = self.customer.period().overlap_days(start, window_end);
        if overlap == 0 {
            return Ok(());
        }
        let labor = self.mul(
            item,
            implementation.hours.get(),
            self.model.hourly_rate(Role::Implementation).amount(),
        )?;
        let external = implementation
            .external_cost
            .map_or(Decimal::ZERO, |m| m.amount());
        let total = labor
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
