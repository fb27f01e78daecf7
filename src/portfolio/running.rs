//! Phase 2's running sums of one shard, in exact integers.
//!
//! Every assessed customer is added to a dozen tallies (totals, quadrant, class, action,
//! segment, channel, owner, churn, group, plan): summing `Decimal`s aligns scales and checks
//! the range on every addition, so the sums are kept as integers of minor units and turned
//! into decimals once, when the shard's report is complete. The result is the same decimal,
//! value and scale, as adding the decimals one by one.

use std::collections::BTreeMap;

use super::report::{GroupRollup, PortfolioReport, Tally, UNTAGGED};
use crate::assessment::{FitAssessment, FitClass, Quadrant};
use crate::cost::RoleHours;
use crate::customer::{Customer, CustomerId, LifecycleStage};
use crate::error::{Error, Problem, Result};
use crate::money::{Addend, Currency, ExactSum as Sum, Money, MoneyError};
use crate::policy::recommendation::{Action, Effect, Recommendation};

/// Running hours per role.
#[derive(Debug, Clone, Copy, Default)]
struct Hours([Sum; 5]);

/// Hours per role taken apart for [`Hours::add`], in its order.
type RoleAddends = [Addend; 5];

fn role_addends(h: &RoleHours) -> RoleAddends {
    [
        h.support,
        h.engineering,
        h.success,
        h.executive,
        h.implementation,
    ]
    .map(Addend::of)
}

impl Hours {
    fn add(&mut self, h: &RoleAddends) -> std::result::Result<(), Problem> {
        for (sum, &hours) in self.0.iter_mut().zip(h) {
            sum.add_parts(hours)?;
        }
        Ok(())
    }

    fn fits(&self) -> bool {
        self.0.iter().all(Sum::fits)
    }

    fn role_hours(&self) -> std::result::Result<RoleHours, Problem> {
        let [a, b, c, d, e] = &self.0;
        Ok(RoleHours {
            support: a.decimal()?,
            engineering: b.decimal()?,
            success: c.decimal()?,
            executive: d.decimal()?,
            implementation: e.decimal()?,
        })
    }
}

/// A [`Tally`] being summed.
#[derive(Debug, Clone, Copy, Default)]
struct Running {
    customers: u64,
    revenue: Sum,
    cost: Sum,
    margin: Sum,
    hours: Hours,
    bad_fit: u64,
    bad: u64,
    offboard: u64,
}

impl Running {
    fn add(&mut self, c: &Customer1) -> std::result::Result<(), Problem> {
        // Matched, not `ok_or`: a `Problem` made eagerly is dropped on every count.
        let count = |a: u64, b: bool| match a.checked_add(u64::from(b)) {
            Some(n) => Ok(n),
            None => Err(Problem::Overflow),
        };
        self.customers = count(self.customers, true)?;
        self.revenue.add_parts(c.revenue)?;
        self.cost.add_parts(c.cost)?;
        self.margin.add_parts(c.margin)?;
        self.hours.add(&c.hours)?;
        self.bad_fit = count(self.bad_fit, c.bad_fit)?;
        self.bad = count(self.bad, c.bad)?;
        self.offboard = count(self.offboard, c.offboard)?;
        Ok(())
    }

    fn fits(&self) -> bool {
        self.revenue.fits() && self.cost.fits() && self.margin.fits() && self.hours.fits()
    }

    fn tally(&self, currency: Currency) -> std::result::Result<Tally, Problem> {
        let money = |s: &Sum| s.decimal().map(|d| Money::new(d, currency));
        let mut t = Tally::new(currency);
        t.customers = self.customers;
        t.revenue = money(&self.revenue)?;
        t.cost = money(&self.cost)?;
        t.margin = money(&self.margin)?;
        t.hours = self.hours.role_hours()?;
        t.bad_fit = self.bad_fit;
        t.bad = self.bad;
        t.offboard = self.offboard;
        Ok(t)
    }
}

/// One assessed customer's figures, as every tally adds them: taken apart once, as each is
/// added to several tallies.
struct Customer1 {
    revenue: Addend,
    cost: Addend,
    margin: Addend,
    hours: RoleAddends,
    bad_fit: bool,
    bad: bool,
    offboard: bool,
}

/// The running sums of a shard's report.
#[derive(Debug, Default)]
pub(super) struct Sums {
    totals: Running,
    by_quadrant: BTreeMap<Quadrant, Running>,
    by_class: BTreeMap<FitClass, Running>,
    by_action: BTreeMap<Action, Running>,
    by_segment: BTreeMap<String, Running>,
    by_channel: BTreeMap<String, Running>,
    by_owner: BTreeMap<String, Running>,
    groups: BTreeMap<CustomerId, (Running, BTreeMap<Action, u64>)>,
    churned: Running,
    churned_by_segment: BTreeMap<String, Running>,
    churned_by_channel: BTreeMap<String, Running>,
    let_go_confirmed: Running,
    let_go_provisional: Running,
    plan: Plan,
}

/// The plan's effect being summed.
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    revenue_lost: Sum,
    revenue_gained: Sum,
    margin_gained: Sum,
    hours_freed: Hours,
}

impl Plan {
    fn add(&mut self, e: &Effect) -> std::result::Result<(), Problem> {
        self.revenue_lost.add(e.revenue_lost.amount())?;
        self.revenue_gained.add(e.revenue_gained.amount())?;
        self.margin_gained.add(e.margin_gained.amount())?;
        self.hours_freed.add(&role_addends(&e.hours_freed))
    }

    fn fits(&self) -> bool {
        self.revenue_lost.fits()
            && self.revenue_gained.fits()
            && self.margin_gained.fits()
            && self.hours_freed.fits()
    }
}

/// `t` in `map` under `key` (`(none)` when untagged); the key is copied once per tag.
fn by_tag(
    map: &mut BTreeMap<String, Running>,
    key: Option<&str>,
    c: &Customer1,
) -> std::result::Result<(), Problem> {
    let key = key.unwrap_or(UNTAGGED);
    match map.get_mut(key) {
        Some(t) => t.add(c),
        None => map.entry(key.to_owned()).or_default().add(c),
    }
}

impl Sums {
    /// Add an assessed customer to the totals and the plan's effect: the first step of adding
    /// it, and the only one that can refuse it — a customer whose figures would take the
    /// totals or the plan's sums out of the `Decimal` range (`rust_decimal` would drop decimal
    /// places; with bounded inputs it takes thousands of customers at the largest amounts) or
    /// whose money is in another currency than the report's. On error nothing changed.
    pub(super) fn add_to_totals(
        &mut self,
        currency: Currency,
        a: &FitAssessment,
        r: &Recommendation,
    ) -> Result<()> {
        let arithmetic = |p| Error::arithmetic(Some(&a.customer), "portfolio.totals", p);
        for m in [a.cost.revenue, a.cost.total, a.cost.gross_margin] {
            if m.currency() != currency {
                return Err(arithmetic(Problem::from(MoneyError::CurrencyMismatch {
                    left: currency,
                    right: m.currency(),
                })));
            }
        }
        let mut totals = self.totals;
        totals.add(&figures(a, r)).map_err(arithmetic)?;
        let mut plan = self.plan;
        plan.add(&r.effect).map_err(arithmetic)?;
        if !(totals.fits() && plan.fits()) {
            return Err(arithmetic(Problem::Overflow));
        }
        (self.totals, self.plan) = (totals, plan);
        Ok(())
    }

    /// Add the customer just added to the totals to every breakdown and its group.
    pub(super) fn add(
        &mut self,
        customer: &Customer,
        a: &FitAssessment,
        r: &Recommendation,
        parents_included: &std::collections::HashSet<&str>,
    ) -> Result<()> {
        let arithmetic = |p| Error::arithmetic(Some(customer.id()), "portfolio", p);
        let c = &figures(a, r);
        self.by_quadrant
            .entry(a.quadrant)
            .or_default()
            .add(c)
            .map_err(arithmetic)?;
        self.by_class
            .entry(a.classification.class)
            .or_default()
            .add(c)
            .map_err(arithmetic)?;
        self.by_action
            .entry(r.action)
            .or_default()
            .add(c)
            .map_err(arithmetic)?;
        by_tag(&mut self.by_segment, customer.segment(), c).map_err(arithmetic)?;
        by_tag(&mut self.by_channel, customer.acquisition_channel(), c).map_err(arithmetic)?;
        by_tag(&mut self.by_owner, customer.account_owner(), c).map_err(arithmetic)?;
        if r.action == Action::Offboard {
            let split = if r.is_provisional() {
                &mut self.let_go_provisional
            } else {
                &mut self.let_go_confirmed
            };
            split.add(c).map_err(arithmetic)?;
        }
        if customer.stage() == LifecycleStage::Churned {
            self.churned.add(c).map_err(arithmetic)?;
            by_tag(&mut self.churned_by_segment, customer.segment(), c).map_err(arithmetic)?;
            by_tag(
                &mut self.churned_by_channel,
                customer.acquisition_channel(),
                c,
            )
            .map_err(arithmetic)?;
        }
        // A parent account that is a customer belongs to its own group.
        let group = customer.parent().or_else(|| {
            parents_included
                .contains(customer.id().as_str())
                .then(|| customer.id())
        });
        if let Some(parent) = group {
            let g = match self.groups.get_mut(parent) {
                Some(g) => g,
                None => self.groups.entry(parent.clone()).or_default(),
            };
            g.0.add(c).map_err(arithmetic)?;
            let n = g.1.entry(r.action).or_insert(0);
            *n = n
                .checked_add(1)
                .ok_or_else(|| arithmetic(Problem::Overflow))?;
        }
        Ok(())
    }

    /// The sums as the report's tallies (the report has none yet).
    pub(super) fn into_report(self, report: &mut PortfolioReport) -> Result<()> {
        let currency = report.currency;
        let arithmetic = |p| Error::arithmetic(None, "portfolio", p);
        let tally = |r: &Running| r.tally(currency).map_err(arithmetic);
        fn tallies<K: Ord>(
            map: BTreeMap<K, Running>,
            tally: impl Fn(&Running) -> Result<Tally>,
        ) -> Result<BTreeMap<K, Tally>> {
            map.into_iter().map(|(k, r)| Ok((k, tally(&r)?))).collect()
        }
        report.totals = tally(&self.totals)?;
        report.by_quadrant = tallies(self.by_quadrant, tally)?;
        report.by_class = tallies(self.by_class, tally)?;
        report.by_action = tallies(self.by_action, tally)?;
        report.by_segment = tallies(self.by_segment, tally)?;
        report.by_channel = tallies(self.by_channel, tally)?;
        report.by_owner = tallies(self.by_owner, tally)?;
        report.churned = tally(&self.churned)?;
        report.churned_by_segment = tallies(self.churned_by_segment, tally)?;
        report.churned_by_channel = tallies(self.churned_by_channel, tally)?;
        report.let_go.confirmed = tally(&self.let_go_confirmed)?;
        report.let_go.provisional = tally(&self.let_go_provisional)?;
        report.groups = self
            .groups
            .into_iter()
            .map(|(parent, (running, actions))| {
                let rollup = GroupRollup {
                    tally: tally(&running)?,
                    actions,
                };
                Ok((parent, rollup))
            })
            .collect::<Result<_>>()?;
        let money = |s: &Sum| {
            s.decimal()
                .map(|d| Money::new(d, currency))
                .map_err(arithmetic)
        };
        let plan = &self.plan;
        report.plan.revenue_lost = money(&plan.revenue_lost)?;
        report.plan.revenue_gained = money(&plan.revenue_gained)?;
        report.plan.margin_gained = money(&plan.margin_gained)?;
        report.plan.hours_freed = plan.hours_freed.role_hours().map_err(arithmetic)?;
        Ok(())
    }
}

fn figures(a: &FitAssessment, r: &Recommendation) -> Customer1 {
    Customer1 {
        revenue: Addend::of(a.cost.revenue.amount()),
        cost: Addend::of(a.cost.total.amount()),
        margin: Addend::of(a.cost.gross_margin.amount()),
        hours: role_addends(&a.cost.hours),
        bad_fit: a.classification.class == FitClass::BadFit,
        bad: a.classification.class == FitClass::Bad,
        offboard: r.action == Action::Offboard,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::MAX_MANTISSA;
    use rust_decimal::Decimal;

    fn d(mantissa: i64, scale: u32) -> Decimal {
        Decimal::new(mantissa, scale)
    }

    /// A sum at `Decimal::MAX`.
    const LIMIT: Sum = Sum {
        units: MAX_MANTISSA,
        scale: 0,
    };

    /// A running tally with every sum at `Decimal::MAX`.
    fn at_the_limit() -> Running {
        Running {
            revenue: LIMIT,
            cost: LIMIT,
            margin: LIMIT,
            hours: Hours([LIMIT; 5]),
            ..Running::default()
        }
    }

    #[test]
    fn a_customer_past_the_range_of_the_totals_is_refused_and_changes_nothing() {
        use crate::policy::recommendation::RecommendationPolicy;
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        let c = Customer::builder("c1", "C")
            .currency("USD")
            .period(day(1, 1), day(12, 31))
            .customer_since(day(1, 1))
            .recurring_revenue(Decimal::from(10_000))
            .build()
            .unwrap();
        let config = crate::Config::default();
        let a = config.assessor().unwrap().assess(&c, day(12, 31)).unwrap();
        let r = config
            .policy()
            .unwrap()
            .recommend(&c, &a, &crate::PolicyContext::default())
            .unwrap();
        let mut sums = Sums::default();
        sums.add_to_totals(Currency::USD, &a, &r).unwrap();
        assert_eq!(sums.totals.customers, 1);
        // Totals at the limit of the decimal range: the next customer is refused.
        sums.totals = at_the_limit();
        let before = (sums.totals.revenue, sums.totals.customers);
        let e = sums.add_to_totals(Currency::USD, &a, &r).unwrap_err();
        assert!(e.to_string().contains("c1"), "{e}");
        assert_eq!((sums.totals.revenue, sums.totals.customers), before);
        // Money in another currency is refused too.
        let mut sums = Sums::default();
        assert!(sums.add_to_totals(Currency::EUR, &a, &r).is_err());
        assert_eq!(sums.totals.customers, 0);
    }

    #[test]
    fn a_plan_fits_while_every_sum_does() {
        let limit = Plan {
            revenue_lost: LIMIT,
            revenue_gained: LIMIT,
            margin_gained: LIMIT,
            hours_freed: Hours([LIMIT; 5]),
        };
        assert!(Plan::default().fits());
        assert!(limit.fits());
        for i in 0..8 {
            let mut p = limit;
            let sum = match i {
                0 => &mut p.revenue_lost,
                1 => &mut p.revenue_gained,
                2 => &mut p.margin_gained,
                k => &mut p.hours_freed.0[k - 3],
            };
            sum.add(d(1, 0)).unwrap();
            assert!(!p.fits(), "sum {i}");
        }
    }

    #[test]
    fn a_tally_fits_while_every_sum_does() {
        assert!(Running::default().fits());
        assert!(at_the_limit().fits());
        // One sum past the limit is enough to refuse, whichever it is.
        for i in 0..8 {
            let mut r = at_the_limit();
            let sum = match i {
                0 => &mut r.revenue,
                1 => &mut r.cost,
                2 => &mut r.margin,
                k => &mut r.hours.0[k - 3],
            };
            sum.add(d(1, 0)).unwrap();
            assert!(!r.fits(), "sum {i}");
        }
    }

    /// Every role's hours go to that role's sum, each time they are added.
    #[test]
    fn hours_are_summed_role_by_role() {
        let h = RoleHours {
            support: d(1, 0),
            engineering: d(20, 0),
            success: d(300, 1),
            executive: d(4_000, 0),
            implementation: d(50_000, 2),
        };
        let mut sum = Hours::default();
        sum.add(&role_addends(&h)).unwrap();
        sum.add(&role_addends(&h)).unwrap();
        let twice = sum.role_hours().unwrap();
        assert_eq!(twice.support, d(2, 0));
        assert_eq!(twice.engineering, d(40, 0));
        assert_eq!(twice.success, d(600, 1));
        assert_eq!(twice.executive, d(8_000, 0));
        assert_eq!(twice.implementation, d(100_000, 2));
        // The scale of each sum is its addends' (`Decimal` addition's).
        assert_eq!(twice.implementation.scale(), 2);
    }
}
