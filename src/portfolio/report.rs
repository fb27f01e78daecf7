//! Phase 2: the mergeable portfolio report, its tallies and rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::analytics::ratio;
use super::*;
use crate::assessment::inputs::Dimension;
use crate::assessment::{FitAssessment, FitClass, Quadrant};
use crate::cost::RoleHours;
use crate::customer::{Customer, CustomerId};
use crate::error::{Error, Problem, Result};
use crate::money::{Currency, Money};
use crate::policy::recommendation::{Action, Recommendation};
use crate::policy::Provisional;
use crate::units::{decimal_to_f64, Ratio};

/// Customers, money and hours of one slice of the portfolio.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// Customers.
    pub customers: u64,
    /// Revenue.
    pub revenue: Money,
    /// Cost to serve.
    pub cost: Money,
    /// Gross margin.
    pub margin: Money,
    /// Hours per role.
    pub hours: RoleHours,
    /// Bad-fit customers.
    pub bad_fit: u64,
    /// Bad customers.
    pub bad: u64,
    /// Customers recommended for offboarding.
    pub offboard: u64,
}

impl Tally {
    pub(super) fn new(currency: Currency) -> Self {
        Tally {
            customers: 0,
            revenue: Money::zero(currency),
            cost: Money::zero(currency),
            margin: Money::zero(currency),
            hours: RoleHours::default(),
            bad_fit: 0,
            bad: 0,
            offboard: 0,
        }
    }

    /// Add `other`; on overflow nothing changes.
    pub(super) fn merge(&mut self, other: &Tally) -> std::result::Result<(), Problem> {
        let add = |a: u64, b: u64| a.checked_add(b).ok_or(Problem::Overflow);
        *self = Tally {
            customers: add(self.customers, other.customers)?,
            revenue: self.revenue.checked_add(other.revenue)?,
            cost: self.cost.checked_add(other.cost)?,
            margin: self.margin.checked_add(other.margin)?,
            hours: self
                .hours
                .checked_add(&other.hours)
                .ok_or(Problem::Overflow)?,
            bad_fit: add(self.bad_fit, other.bad_fit)?,
            bad: add(self.bad, other.bad)?,
            offboard: add(self.offboard, other.offboard)?,
        };
        Ok(())
    }
}

/// One compact row per customer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerRow {
    /// The customer.
    pub id: CustomerId,
    /// Its display name.
    #[serde(default)]
    pub name: String,
    /// Revenue.
    pub revenue: Money,
    /// Gross margin (profit after all costs to serve).
    pub profit: Money,
    /// Margin ratio.
    pub margin: Option<Ratio>,
    /// Growth-potential score, to 0.1.
    pub growth: Option<f64>,
    /// Overall score, to 0.1.
    pub score: f64,
    /// Quadrant.
    pub quadrant: Quadrant,
    /// Class.
    pub class: FitClass,
    /// Recommendation.
    pub action: Action,
    /// Success and executive hours it received, per unit of revenue (attention).
    pub attention: Option<f64>,
}

/// The effect of the recommended plan.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEffect {
    /// Revenue lost by offboarding and declining.
    pub revenue_lost: Money,
    /// Revenue gained by repricing.
    pub revenue_gained: Money,
    /// Margin gained: losses no longer made and levers pulled.
    pub margin_gained: Money,
    /// Hours freed per role.
    pub hours_freed: RoleHours,
}

impl PlanEffect {
    pub(super) fn absorb(
        &mut self,
        revenue_lost: Money,
        revenue_gained: Money,
        margin_gained: Money,
        hours_freed: &RoleHours,
    ) -> std::result::Result<(), Problem> {
        self.revenue_lost = self.revenue_lost.checked_add(revenue_lost)?;
        self.revenue_gained = self.revenue_gained.checked_add(revenue_gained)?;
        self.margin_gained = self.margin_gained.checked_add(margin_gained)?;
        self.hours_freed = self
            .hours_freed
            .checked_add(hours_freed)
            .ok_or(Problem::Overflow)?;
        Ok(())
    }
}

/// Let-goes tallied apart: confirmed on known facts, or provisional while unknown facts could
/// still change them. Together they are `by_action[offboard]`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetGoSplit {
    /// Offboardings no unknown fact could change.
    pub confirmed: Tally,
    /// Offboardings that unknown facts could still change, each with its confirm-by date
    /// ([`PortfolioReport::to_confirm`]).
    pub provisional: Tally,
}

/// A provisional let-go: its customer, and the facts to confirm by when.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToConfirm {
    /// The customer.
    pub customer: CustomerId,
    /// The facts to confirm, the confirm-by date, whether it is urgent, the cost of missing it.
    pub provisional: Provisional,
}

/// Account-group roll-up.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRollup {
    /// Revenue, margin and hours of the group.
    pub tally: Tally,
    /// Recommendations of its members.
    pub actions: BTreeMap<Action, u64>,
}

/// The portfolio report: aggregates and one compact row per customer. Mergeable.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{Action, Config, Customer};
/// use rust_decimal::Decimal;
///
/// # fn main() -> custfit::Result<()> {
/// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let analyzer = Config::default().analyzer()?;
/// let customer = |id: &str, revenue: i64, engineering_hours: i64| {
///     Customer::builder(id, id).currency("USD")
///         .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 1, 1))
///         .recurring_revenue(Decimal::from(revenue))
///         .engineering_hours(Decimal::from(engineering_hours))
///         .build()
/// };
/// let customers = [customer("a", 80_000, 20)?, customer("b", 40_000, 300)?, customer("c", 25_000, 10)?];
/// let report = analyzer.analyze_slice(&customers, d(2026, 1, 15), 2, &|_, _, _| Ok(()))?;
/// assert!(report.counts_add_up()); // records read = assessed + refused
/// assert_eq!((report.records, report.totals.customers, report.bad_records.len()), (3, 3, 0));
/// assert_eq!(report.by_action[&Action::Retain].customers, 2);
/// assert_eq!(report.by_action[&Action::Restructure].customers, 1); // "b" loses money
/// assert_eq!(report.totals.revenue.to_string(), "145000.00 USD");
/// assert_eq!(report.margin_before().map(|m| m.to_string()).as_deref(), Some("56.8%"));
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
// The derived functions are inherent (`remote = "Self"`), so that reading one back can check it.
#[serde(remote = "Self")]
pub struct PortfolioReport {
    /// The currency of every amount.
    pub currency: Currency,
    /// The assessment date.
    pub as_of: NaiveDate,
    /// The facts phase 2 used.
    pub facts: PortfolioFacts,
    /// Records read; always `totals.customers + bad_records.len()`.
    pub records: u64,
    /// Records refused, with their id and error.
    pub bad_records: Vec<BadRecord>,
    /// The whole portfolio.
    pub totals: Tally,
    /// By quadrant.
    pub by_quadrant: BTreeMap<Quadrant, Tally>,
    /// By class.
    pub by_class: BTreeMap<FitClass, Tally>,
    /// By recommendation.
    pub by_action: BTreeMap<Action, Tally>,
    /// By segment (`(none)` when untagged).
    pub by_segment: BTreeMap<String, Tally>,
    /// By acquisition channel.
    pub by_channel: BTreeMap<String, Tally>,
    /// By account owner.
    pub by_owner: BTreeMap<String, Tally>,
    /// Account groups, by parent.
    pub groups: BTreeMap<CustomerId, GroupRollup>,
    /// Churned customers: the revenue and margin of the period lost to churn (they are in
    /// the totals too, as the period's figures).
    pub churned: Tally,
    /// Churned customers by segment: where churn comes from.
    pub churned_by_segment: BTreeMap<String, Tally>,
    /// Churned customers by acquisition channel.
    pub churned_by_channel: BTreeMap<String, Tally>,
    /// Effect of the plan.
    pub plan: PlanEffect,
    /// Let-goes, confirmed and provisional, tallied apart.
    pub let_go: LetGoSplit,
    /// Provisional let-goes, by confirm-by date then customer: what to confirm, and by when
    /// ([`PortfolioReport::to_confirm_by`] for "this week").
    pub to_confirm: Vec<ToConfirm>,
    /// The figures a reader wants first, computed from the rows once the report is complete
    /// ([`PortfolioReport::with_summary`]); `None` on a shard's partial report.
    #[serde(default)]
    pub analytics: Option<Analytics>,
    /// One row per customer, by id.
    pub rows: Vec<CustomerRow>,
}

impl Serialize for PortfolioReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        PortfolioReport::serialize(self, s)
    }
}

/// A report read back gets the checks a report made here satisfies ([`PortfolioReport::counts_add_up`]
/// is left to the caller: a report whose counts do not add up may still be read).
impl<'de> Deserialize<'de> for PortfolioReport {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        PortfolioReport::deserialize(d)?
            .checked()
            .map_err(serde::de::Error::custom)
    }
}

pub(super) const UNTAGGED: &str = "(none)";

impl PortfolioReport {
    pub(super) fn new(currency: Currency, as_of: NaiveDate, facts: PortfolioFacts) -> Self {
        PortfolioReport {
            currency,
            as_of,
            facts,
            records: 0,
            bad_records: Vec::new(),
            totals: Tally::new(currency),
            by_quadrant: BTreeMap::new(),
            by_class: BTreeMap::new(),
            by_action: BTreeMap::new(),
            by_segment: BTreeMap::new(),
            by_channel: BTreeMap::new(),
            by_owner: BTreeMap::new(),
            groups: BTreeMap::new(),
            churned: Tally::new(currency),
            churned_by_segment: BTreeMap::new(),
            churned_by_channel: BTreeMap::new(),
            plan: PlanEffect {
                revenue_lost: Money::zero(currency),
                revenue_gained: Money::zero(currency),
                margin_gained: Money::zero(currency),
                hours_freed: RoleHours::default(),
            },
            let_go: LetGoSplit {
                confirmed: Tally::new(currency),
                provisional: Tally::new(currency),
            },
            to_confirm: Vec::new(),
            analytics: None,
            rows: Vec::new(),
        }
    }

    /// Add the row of an assessed customer (its figures go to the shard's running sums).
    pub(super) fn add_row(&mut self, customer: &Customer, a: &FitAssessment, r: &Recommendation) {
        let attention = (!a.cost.revenue.is_zero()).then(|| {
            decimal_to_f64(
                a.cost
                    .hours
                    .success
                    .checked_add(a.cost.hours.executive)
                    .unwrap_or(Decimal::MAX),
            ) / decimal_to_f64(a.cost.revenue.amount())
        });
        let tenth = |x: f64| (x * 10.0).round() / 10.0;
        self.rows.push(CustomerRow {
            id: customer.id().clone(),
            name: customer.name().to_owned(),
            revenue: a.cost.revenue,
            profit: a.cost.gross_margin,
            margin: a.cost.margin,
            growth: a.effective_score(Dimension::GrowthPotential).map(tenth),
            score: tenth(a.effective_overall()),
            quadrant: a.quadrant,
            class: a.classification.class,
            action: r.action,
            attention,
        });
        if let Some(p) = &r.provisional {
            self.to_confirm.push(ToConfirm {
                customer: customer.id().clone(),
                provisional: p.clone(),
            });
        }
    }

    pub(super) fn finish(&mut self) {
        self.rows.sort_by(row_order);
        self.to_confirm.sort_by(confirm_order);
        sort_bad(&mut self.bad_records);
    }

    /// The provisional let-goes to confirm by `date` (inclusive), soonest first: for "what to
    /// confirm this week", `as_of` plus six days.
    pub fn to_confirm_by(&self, date: NaiveDate) -> impl Iterator<Item = &ToConfirm> + '_ {
        let end = self
            .to_confirm
            .partition_point(|t| t.provisional.confirm_by <= date);
        self.to_confirm[..end].iter()
    }

    /// Margin ratio of the portfolio now (`None` without revenue).
    pub fn margin_before(&self) -> Option<Ratio> {
        ratio(self.totals.margin.amount(), self.totals.revenue.amount())
    }

    /// Margin ratio after the plan: margin plus what it gains, over revenue less what it loses
    /// plus what repricing brings in.
    pub fn margin_after(&self) -> Option<Ratio> {
        let margin = self
            .totals
            .margin
            .amount()
            .checked_add(self.plan.margin_gained.amount())?;
        let revenue = self
            .totals
            .revenue
            .amount()
            .checked_sub(self.plan.revenue_lost.amount())?
            .checked_add(self.plan.revenue_gained.amount())?;
        ratio(margin, revenue)
    }

    /// Customers with growth potential who get the least attention: where freed hours should go
    /// (seed 002). Invest or retain, growth score at least `min_growth`, least success and
    /// executive hours per revenue first.
    pub fn potential_for_freed_hours(&self, min_growth: f64, n: usize) -> Vec<CustomerId> {
        let mut candidates: Vec<&CustomerRow> = self
            .rows
            .iter()
            .filter(|r| matches!(r.action, Action::Invest | Action::Retain))
            .filter(|r| r.growth.is_some_and(|g| g >= min_growth))
            .collect();
        let order = |a: &&CustomerRow, b: &&CustomerRow| {
            a.attention
                .unwrap_or(f64::MAX)
                .total_cmp(&b.attention.unwrap_or(f64::MAX))
                .then_with(|| a.id.cmp(&b.id))
        };
        // The first `n` only: select them, then sort those (rows the order calls equal have
        // the same id, so which of them is taken cannot show).
        if n < candidates.len() {
            candidates.select_nth_unstable_by(n, order);
            candidates.truncate(n);
        }
        candidates.sort_by(order);
        candidates.into_iter().map(|r| r.id.clone()).collect()
    }
}

/// Provisional let-goes by confirm-by date, then customer (ids are unique in a report).
pub(super) fn confirm_order(a: &ToConfirm, b: &ToConfirm) -> std::cmp::Ordering {
    a.provisional
        .confirm_by
        .cmp(&b.provisional.confirm_by)
        .then_with(|| a.customer.cmp(&b.customer))
}

/// Rows by id; duplicate ids (a data problem) are ordered by their figures, so that the order
/// never depends on the input's.
pub(super) fn row_order(a: &CustomerRow, b: &CustomerRow) -> std::cmp::Ordering {
    a.id.cmp(&b.id)
        .then_with(|| a.revenue.amount().cmp(&b.revenue.amount()))
        .then_with(|| a.profit.amount().cmp(&b.profit.amount()))
        .then_with(|| a.score.total_cmp(&b.score))
        .then_with(|| a.action.cmp(&b.action))
        .then_with(|| a.quadrant.cmp(&b.quadrant))
        .then_with(|| a.class.cmp(&b.class))
        .then_with(|| a.margin.cmp(&b.margin))
        .then_with(|| {
            a.growth
                .unwrap_or(f64::NAN)
                .total_cmp(&b.growth.unwrap_or(f64::NAN))
        })
        .then_with(|| {
            a.attention
                .unwrap_or(f64::NAN)
                .total_cmp(&b.attention.unwrap_or(f64::NAN))
        })
}

/// Rows from which the headline analytics are worth a second thread: below, its start costs
/// more than the sort it takes over.
const PARALLEL_ANALYTICS_FROM: usize = 4096;

/// Count the records phase 1 read and add the records it refused; the headline analytics are
/// computed on up to `workers` threads (the whale curve beside the concentration: the same
/// figures).
pub(super) fn with_phase_one(
    mut report: PortfolioReport,
    summary: PortfolioSummary,
    workers: usize,
) -> PortfolioReport {
    report.add_summary(summary);
    let parallel = workers > 1 && report.rows.len() >= PARALLEL_ANALYTICS_FROM;
    report.analytics = Some(if parallel {
        std::thread::scope(|scope| {
            // The concentration's index takes about as long as the whale curve and the
            // losses together.
            let whale = scope.spawn(|| (report.whale_curve(20), report.losses()));
            let concentration = report.revenue_concentration(10);
            let (whale, losses) = whale
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            report.analytics_of(whale, concentration, losses)
        })
    } else {
        report.analytics()
    });
    report
}

impl PortfolioReport {
    /// Complete a report of phase 2 (merged over shards) with the merged phase-1 summary: the
    /// records read and the records refused. Call it once, after merging.
    pub fn with_summary(mut self, summary: PortfolioSummary) -> Self {
        self.add_summary(summary);
        self.analytics = Some(self.analytics());
        self
    }

    fn add_summary(&mut self, summary: PortfolioSummary) {
        self.records = summary.records;
        self.bad_records.extend(summary.bad_records);
        sort_bad(&mut self.bad_records);
    }

    /// Records assessed plus records refused: always the records read, for a report this
    /// crate made. A report read back from storage is checked here, never trusted: counts that
    /// do not add up (or whose sum would not fit in a `u64`) give `false`, without panicking
    /// or wrapping.
    pub fn counts_add_up(&self) -> bool {
        let refused = self.bad_records.len() as u64;
        self.totals.customers.checked_add(refused) == Some(self.records)
            && self.rows.len() as u64 == self.totals.customers
    }

    /// The checks of a report read back from storage: every amount in the report's currency,
    /// as every report this crate makes; the rows, the provisional let-goes and the refused
    /// records in the report's order (sorted, not refused: the order carries no fact).
    fn checked(mut self) -> Result<Self> {
        let currency = self.currency;
        let wrong = |field: String, found: Currency| {
            Error::invalid(
                None,
                field,
                Problem::CurrencyMismatch {
                    expected: currency,
                    found,
                },
            )
        };
        let tally = |field: &str, t: &Tally| -> Result<()> {
            for (name, m) in [
                ("revenue", t.revenue),
                ("cost", t.cost),
                ("margin", t.margin),
            ] {
                if m.currency() != currency {
                    return Err(wrong(format!("{field}.{name}"), m.currency()));
                }
            }
            Ok(())
        };
        tally("totals", &self.totals)?;
        tally("churned", &self.churned)?;
        tally("let_go.confirmed", &self.let_go.confirmed)?;
        tally("let_go.provisional", &self.let_go.provisional)?;
        for (k, t) in &self.by_quadrant {
            tally(&format!("by_quadrant.{k}"), t)?;
        }
        for (k, t) in &self.by_class {
            tally(&format!("by_class.{k}"), t)?;
        }
        for (k, t) in &self.by_action {
            tally(&format!("by_action.{k}"), t)?;
        }
        for (name, map) in [
            ("by_segment", &self.by_segment),
            ("by_channel", &self.by_channel),
            ("by_owner", &self.by_owner),
            ("churned_by_segment", &self.churned_by_segment),
            ("churned_by_channel", &self.churned_by_channel),
        ] {
            for (k, t) in map {
                tally(&format!("{name}.{k}"), t)?;
            }
        }
        for (k, g) in &self.groups {
            tally(&format!("groups.{k}.tally"), &g.tally)?;
        }
        let p = &self.plan;
        for (name, m) in [
            ("plan.revenue_lost", p.revenue_lost),
            ("plan.revenue_gained", p.revenue_gained),
            ("plan.margin_gained", p.margin_gained),
        ] {
            if m.currency() != currency {
                return Err(wrong(name.into(), m.currency()));
            }
        }
        for (i, r) in self.rows.iter().enumerate() {
            for (name, m) in [("revenue", r.revenue), ("profit", r.profit)] {
                if m.currency() != currency {
                    return Err(wrong(format!("rows[{i}].{name}"), m.currency()));
                }
            }
        }
        for (i, t) in self.to_confirm.iter().enumerate() {
            let m = t.provisional.cost_of_missing;
            if m.currency() != currency {
                return Err(wrong(
                    format!("to_confirm[{i}].provisional.cost_of_missing"),
                    m.currency(),
                ));
            }
        }
        for (k, g) in &self.facts.groups {
            for (name, m) in [("revenue", g.revenue), ("margin", g.margin)] {
                if m.currency() != currency {
                    return Err(wrong(format!("facts.groups.{k}.{name}"), m.currency()));
                }
            }
        }
        self.finish();
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn report(rows: Vec<CustomerRow>) -> PortfolioReport {
        let facts = PortfolioFacts {
            typical_service_ratio: 0.2,
            typical_from_portfolio: false,
            plausible: crate::assessment::PlausibleRanges::default(),
            systemic: SystemicSignal {
                customers: Vec::new(),
                share: 0.0,
                threshold: 0.1,
                flagged: false,
            },
            groups: BTreeMap::new(),
            parents_included: BTreeSet::new(),
            duplicates: BTreeSet::new(),
        };
        let date = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let mut r = PortfolioReport::new(Currency::EUR, date, facts);
        r.rows = rows;
        r
    }

    fn row(i: u8, action: Action, growth: Option<u8>, attention: Option<u8>) -> CustomerRow {
        let zero = Money::zero(Currency::EUR);
        CustomerRow {
            // Few ids, so that some repeat (as rows merged from runs can).
            id: CustomerId::new(format!("c{}", i % 16)).unwrap(),
            name: String::new(),
            revenue: zero,
            profit: zero,
            margin: None,
            growth: growth.map(|g| f64::from(g % 10) * 10.0),
            score: 50.0,
            quadrant: Quadrant::Star,
            class: FitClass::GoodFit,
            action,
            attention: attention.map(|a| f64::from(a % 8) / 8.0),
        }
    }

    proptest! {
        /// The first `n` by attention, then id: the same as sorting every candidate.
        #[test]
        fn freed_hours_go_to_the_same_customers_as_a_full_sort(
            rows in prop::collection::vec(
                (any::<u8>(), 0usize..3, proptest::option::of(any::<u8>()), proptest::option::of(any::<u8>())),
                0..60,
            ),
            min_growth in 0.0f64..100.0,
            n in 0usize..70,
        ) {
            let actions = [Action::Invest, Action::Retain, Action::Restructure];
            let rows: Vec<CustomerRow> =
                rows.iter().map(|&(i, a, g, t)| row(i, actions[a], g, t)).collect();
            let r = report(rows);
            let mut all: Vec<&CustomerRow> = r
                .rows
                .iter()
                .filter(|x| matches!(x.action, Action::Invest | Action::Retain))
                .filter(|x| x.growth.is_some_and(|g| g >= min_growth))
                .collect();
            all.sort_by(|a, b| {
                a.attention
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.attention.unwrap_or(f64::MAX))
                    .then_with(|| a.id.cmp(&b.id))
            });
            let expected: Vec<CustomerId> = all.iter().take(n).map(|x| x.id.clone()).collect();
            prop_assert_eq!(r.potential_for_freed_hours(min_growth, n), expected);
        }

        /// Merged rows are the rows of both, sorted, whatever order they came in (an empty
        /// side included): the same list as sorting them all.
        #[test]
        fn merged_rows_are_sorted_in_any_case(
            a in prop::collection::vec((any::<u8>(), proptest::option::of(any::<u8>())), 0..20),
            b in prop::collection::vec((any::<u8>(), proptest::option::of(any::<u8>())), 0..20),
            sort_a in any::<bool>(),
            sort_b in any::<bool>(),
        ) {
            let rows = |xs: &[(u8, Option<u8>)], sorted: bool| {
                let mut rows: Vec<CustomerRow> =
                    xs.iter().map(|&(i, g)| row(i, Action::Retain, g, None)).collect();
                if sorted {
                    rows.sort_by(row_order);
                }
                rows
            };
            let (a, b) = (rows(&a, sort_a), rows(&b, sort_b));
            let mut expected: Vec<CustomerRow> = a.iter().chain(&b).cloned().collect();
            expected.sort_by(row_order);
            let mut merged = report(a);
            merged.merge(report(b)).unwrap();
            prop_assert_eq!(merged.rows, expected);
        }
    }
}
