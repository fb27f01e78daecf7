//! Portfolio analysis (seed 001 "Strategic Customer Portfolio Management"; seed 002's systemic
//! warning), in the two phases of DESIGN.md:
//!
//! 1. each customer is priced and summarised into a mergeable [`PortfolioSummary`];
//! 2. summaries merge into [`PortfolioFacts`] — the typical customer's resource use (the
//!    portfolio median, or the configured benchmark), the systemic signal, account-group
//!    totals — and every customer is assessed and recommended with those facts into a mergeable
//!    [`PortfolioReport`] of aggregates and one compact row per customer.
//!
//! Shards (threads, processes, a distributed engine) run phase 1 apart, merge, compute the
//! facts once, run phase 2 apart and merge: the report equals that of one run, whatever the
//! split and the order. Full assessments go to a caller's sink as they are made, not held.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::Dimension;
use crate::assessment::scoring::ScoringStrategy;
use crate::assessment::{AssessmentContext, Assessor, FitAssessment, FitClass, Quadrant};
use crate::cost::RoleHours;
use crate::customer::{Customer, CustomerId, LifecycleStage};
use crate::error::{check_range, Error, Problem, Result};
use crate::money::{Currency, Money};
use crate::policy::recommendation::{
    Action, GroupTotals, PolicyContext, Recommendation, RecommendationPolicy,
};
use crate::source::CustomerSource;
use crate::units::{decimal_to_f64, Ratio};

/// Portfolio settings; plain serde data with documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct PortfolioConfig {
    /// Measure resource intensity against the portfolio's median customer rather than the
    /// configured benchmark (default true).
    pub use_portfolio_median: bool,
    /// Share of customers above which heavy help despite consumed content is a systemic signal
    /// (default 0.10).
    pub systemic_share_threshold: f64,
    /// Service cost over revenue, relative to the typical customer, from which a customer needs
    /// heavy help (default 1.5).
    pub heavy_help_factor: f64,
    /// Share of recommended content consumed from which a customer "consumes the content"
    /// (default 0.7).
    pub content_consumed_min: f64,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            use_portfolio_median: true,
            systemic_share_threshold: 0.10,
            heavy_help_factor: 1.5,
            content_consumed_min: 0.7,
        }
    }
}

impl PortfolioConfig {
    fn validate(&self) -> Result<()> {
        let check = |field: &str, v: f64, lo: f64, hi: f64| {
            check_range(&format!("portfolio.{field}"), v, lo, hi)
        };
        check(
            "systemic_share_threshold",
            self.systemic_share_threshold,
            0.0,
            1.0,
        )?;
        check("content_consumed_min", self.content_consumed_min, 0.0, 1.0)?;
        check("heavy_help_factor", self.heavy_help_factor, 0.0, f64::MAX)?;
        Ok(())
    }
}

/// A record the source could not deliver or that failed validation: reported, never dropped.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadRecord {
    /// The record's id, when known.
    pub record: Option<String>,
    /// Why it was refused.
    pub error: Error,
}

impl BadRecord {
    fn new(error: Error) -> Self {
        let record = match &error {
            Error::Source { record, .. } => record.clone(),
            other => other.customer().map(|c| c.to_string()),
        };
        BadRecord { record, error }
    }

    fn sort_key(&self) -> (Option<&str>, String) {
        (self.record.as_deref(), self.error.to_string())
    }
}

fn sort_bad(records: &mut [BadRecord]) {
    records.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Phase 1: what each customer contributes to the portfolio facts. Mergeable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PortfolioSummary {
    /// Records read.
    pub records: u64,
    /// Records refused.
    pub bad_records: Vec<BadRecord>,
    /// Service cost over revenue of each customer with revenue.
    pub service_ratios: Vec<f64>,
    /// Customers who consume the recommended content, with their service ratio.
    pub content_consumers: Vec<(CustomerId, f64)>,
    /// Account groups.
    pub groups: BTreeMap<CustomerId, GroupTotals>,
    /// The id of every record read, sorted: ids that repeat across the whole portfolio (in
    /// any shard) are refused in phase 2.
    pub ids: Vec<CustomerId>,
}

impl PortfolioSummary {
    /// Fold `other` in.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when group totals or counts overflow, or amounts mix currencies.
    pub fn merge(&mut self, other: PortfolioSummary) -> Result<()> {
        self.records = self
            .records
            .checked_add(other.records)
            .ok_or_else(|| Error::arithmetic(None, "portfolio.records", Problem::Overflow))?;
        self.bad_records.extend(other.bad_records);
        sort_bad(&mut self.bad_records);
        self.service_ratios.extend(other.service_ratios);
        self.content_consumers.extend(other.content_consumers);
        let mine = std::mem::take(&mut self.ids);
        self.ids = merge_sorted_by(mine, other.ids, |a, b| a.cmp(b));
        for (parent, g) in other.groups {
            match self.groups.get_mut(&parent) {
                Some(mine) => add_group(mine, &g)?,
                None => {
                    self.groups.insert(parent, g);
                }
            }
        }
        Ok(())
    }
}

fn add_group(into: &mut GroupTotals, other: &GroupTotals) -> Result<()> {
    let arithmetic = |e| Error::arithmetic(Some(&into.parent), "group", e);
    into.members = into
        .members
        .checked_add(other.members)
        .ok_or_else(|| Error::arithmetic(Some(&into.parent), "group.members", Problem::Overflow))?;
    into.revenue = into
        .revenue
        .checked_add(other.revenue)
        .map_err(arithmetic)?;
    into.margin = into.margin.checked_add(other.margin).map_err(arithmetic)?;
    Ok(())
}

/// The systemic signal (seed 002): "If you have dozens of customers who need a lot of
/// additional help despite consuming the recommended content ... it's likely not them who are
/// the problem."
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemicSignal {
    /// Customers who need heavy help although they consume the recommended content, by id.
    pub customers: Vec<CustomerId>,
    /// Their share of the customers assessed.
    pub share: f64,
    /// The configured threshold.
    pub threshold: f64,
    /// Whether the share exceeds the threshold: a likely product or onboarding problem.
    pub flagged: bool,
}

impl fmt::Display for SystemicSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} customers ({:.1}%) need heavy help although they consume the recommended content",
            self.customers.len(),
            self.share * 100.0
        )?;
        if self.flagged {
            write!(
                f,
                "; above {:.1}%: likely a product or onboarding problem, not the customers",
                self.threshold * 100.0
            )
        } else {
            write!(f, "; below the {:.1}% threshold", self.threshold * 100.0)
        }
    }
}

/// Facts from the whole portfolio that phase 2 uses.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioFacts {
    /// Service cost over revenue of the typical customer.
    pub typical_service_ratio: f64,
    /// Whether that is the portfolio median (else the configured benchmark).
    pub typical_from_portfolio: bool,
    /// The systemic signal.
    pub systemic: SystemicSignal,
    /// Account groups: their subsidiaries, and the parent's own record when it is a customer
    /// (see [`PortfolioAnalyzer::include_parents`]).
    pub groups: BTreeMap<CustomerId, GroupTotals>,
    /// Parents whose own record is in their group's totals.
    #[serde(default)]
    pub parents_included: BTreeSet<CustomerId>,
    /// Ids found in more than one record: every record with one is refused
    /// ([`Error::DuplicateCustomer`]), whatever the order or sharding.
    pub duplicates: BTreeSet<CustomerId>,
}

/// Customers, money and hours of one slice of the portfolio.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    fn new(currency: Currency) -> Self {
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

    fn merge(&mut self, other: &Tally) -> std::result::Result<(), Problem> {
        let add = |a: u64, b: u64| a.checked_add(b).ok_or(Problem::Overflow);
        self.customers = add(self.customers, other.customers)?;
        self.revenue = self.revenue.checked_add(other.revenue)?;
        self.cost = self.cost.checked_add(other.cost)?;
        self.margin = self.margin.checked_add(other.margin)?;
        self.hours = self
            .hours
            .checked_add(&other.hours)
            .ok_or(Problem::Overflow)?;
        self.bad_fit = add(self.bad_fit, other.bad_fit)?;
        self.bad = add(self.bad, other.bad)?;
        self.offboard = add(self.offboard, other.offboard)?;
        Ok(())
    }
}

/// One compact row per customer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    fn absorb(
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

/// Account-group roll-up.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRollup {
    /// Revenue, margin and hours of the group.
    pub tally: Tally,
    /// Recommendations of its members.
    pub actions: BTreeMap<Action, u64>,
}

/// The portfolio report: aggregates and one compact row per customer. Mergeable.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The figures a reader wants first, computed from the rows once the report is complete
    /// ([`PortfolioReport::with_summary`]); `None` on a shard's partial report.
    #[serde(default)]
    pub analytics: Option<Analytics>,
    /// One row per customer, by id.
    pub rows: Vec<CustomerRow>,
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

/// Where a long run is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Pricing and summarising.
    Summarise,
    /// Assessing and recommending.
    Assess,
}

/// Hears about progress on long runs. Called every [`PROGRESS_EVERY`] records per shard.
pub trait Progress: Send + Sync {
    /// `done` more records of `phase` are finished.
    fn advanced(&self, phase: Phase, done: u64);
}

/// Records between two progress calls.
pub const PROGRESS_EVERY: u64 = 1_000;

const UNTAGGED: &str = "(none)";

fn add_to(
    map: &mut BTreeMap<String, Tally>,
    key: Option<&str>,
    t: &Tally,
    currency: Currency,
) -> Result<()> {
    let entry = map
        .entry(key.unwrap_or(UNTAGGED).to_owned())
        .or_insert_with(|| Tally::new(currency));
    entry
        .merge(t)
        .map_err(|p| Error::arithmetic(None, "portfolio.breakdown", p))
}

fn merge_maps<K: Ord + Clone>(
    into: &mut BTreeMap<K, Tally>,
    from: BTreeMap<K, Tally>,
) -> Result<()> {
    for (k, t) in from {
        match into.get_mut(&k) {
            Some(mine) => mine
                .merge(&t)
                .map_err(|p| Error::arithmetic(None, "portfolio.merge", p))?,
            None => {
                into.insert(k, t);
            }
        }
    }
    Ok(())
}

impl PortfolioReport {
    fn new(currency: Currency, as_of: NaiveDate, facts: PortfolioFacts) -> Self {
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
            analytics: None,
            rows: Vec::new(),
        }
    }

    /// The headline figures from the rows and totals.
    pub fn analytics(&self) -> Analytics {
        let losses = self
            .rows
            .iter()
            .filter(|r| r.profit.is_negative())
            .try_fold(Money::zero(self.currency), |acc, r| {
                acc.checked_add(r.profit)
            })
            .unwrap_or(Money::zero(self.currency));
        Analytics {
            margin_before: self.margin_before(),
            margin_after: self.margin_after(),
            whale_curve: self.whale_curve(20),
            concentration: self.revenue_concentration(10),
            loss_makers: self.rows.iter().filter(|r| r.profit.is_negative()).count() as u64,
            losses,
        }
    }

    /// Whether `a`'s figures can be added to the totals without overflow (with bounded
    /// inputs they always can).
    fn fits(&self, a: &FitAssessment) -> Result<()> {
        let arithmetic = |p| Error::arithmetic(Some(&a.customer), "portfolio.totals", p);
        let mut probe = self.totals.clone();
        let mut t = Tally::new(self.currency);
        t.revenue = a.cost.revenue;
        t.cost = a.cost.total;
        t.margin = a.cost.gross_margin;
        t.hours = a.cost.hours;
        probe.merge(&t).map_err(arithmetic)
    }

    fn add(&mut self, customer: &Customer, a: &FitAssessment, r: &Recommendation) -> Result<()> {
        let c = self.currency;
        let mut t = Tally::new(c);
        t.customers = 1;
        t.revenue = a.cost.revenue;
        t.cost = a.cost.total;
        t.margin = a.cost.gross_margin;
        t.hours = a.cost.hours;
        t.bad_fit = u64::from(a.classification.class == FitClass::BadFit);
        t.bad = u64::from(a.classification.class == FitClass::Bad);
        t.offboard = u64::from(r.action == Action::Offboard);
        let arithmetic = |p| Error::arithmetic(Some(customer.id()), "portfolio", p);
        self.totals.merge(&t).map_err(arithmetic)?;
        self.by_quadrant
            .entry(a.quadrant)
            .or_insert_with(|| Tally::new(c))
            .merge(&t)
            .map_err(arithmetic)?;
        self.by_class
            .entry(a.classification.class)
            .or_insert_with(|| Tally::new(c))
            .merge(&t)
            .map_err(arithmetic)?;
        self.by_action
            .entry(r.action)
            .or_insert_with(|| Tally::new(c))
            .merge(&t)
            .map_err(arithmetic)?;
        add_to(&mut self.by_segment, customer.segment(), &t, c)?;
        add_to(&mut self.by_channel, customer.acquisition_channel(), &t, c)?;
        add_to(&mut self.by_owner, customer.account_owner(), &t, c)?;
        if customer.stage() == LifecycleStage::Churned {
            self.churned.merge(&t).map_err(arithmetic)?;
            add_to(&mut self.churned_by_segment, customer.segment(), &t, c)?;
            add_to(
                &mut self.churned_by_channel,
                customer.acquisition_channel(),
                &t,
                c,
            )?;
        }
        // A parent account that is a customer belongs to its own group.
        let group = customer.parent().or_else(|| {
            self.facts
                .parents_included
                .contains(customer.id())
                .then(|| customer.id())
        });
        if let Some(parent) = group {
            let g = self
                .groups
                .entry(parent.clone())
                .or_insert_with(|| GroupRollup {
                    tally: Tally::new(c),
                    actions: BTreeMap::new(),
                });
            g.tally.merge(&t).map_err(arithmetic)?;
            *g.actions.entry(r.action).or_insert(0) += 1;
        }
        let e = &r.effect;
        self.plan
            .absorb(
                e.revenue_lost,
                e.revenue_gained,
                e.margin_gained,
                &e.hours_freed,
            )
            .map_err(arithmetic)?;
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
        Ok(())
    }

    fn finish(&mut self) {
        self.rows.sort_by(row_order);
        sort_bad(&mut self.bad_records);
    }

    /// Fold `other` — a report of another shard, made with the same facts — in.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the shards used different facts, currencies or dates;
    /// [`Error::Arithmetic`] on overflow.
    pub fn merge(&mut self, other: PortfolioReport) -> Result<()> {
        if other.facts != self.facts || other.currency != self.currency || other.as_of != self.as_of
        {
            return Err(Error::config(
                "portfolio.merge",
                Problem::Rule {
                    rule: "reports of shards must share the portfolio facts, currency and date"
                        .into(),
                },
            ));
        }
        let arithmetic = |p| Error::arithmetic(None, "portfolio.merge", p);
        self.records = self
            .records
            .checked_add(other.records)
            .ok_or_else(|| arithmetic(Problem::Overflow))?;
        self.bad_records.extend(other.bad_records);
        self.totals.merge(&other.totals).map_err(arithmetic)?;
        merge_maps(&mut self.by_quadrant, other.by_quadrant)?;
        merge_maps(&mut self.by_class, other.by_class)?;
        merge_maps(&mut self.by_action, other.by_action)?;
        merge_maps(&mut self.by_segment, other.by_segment)?;
        merge_maps(&mut self.by_channel, other.by_channel)?;
        merge_maps(&mut self.by_owner, other.by_owner)?;
        self.churned.merge(&other.churned).map_err(arithmetic)?;
        merge_maps(&mut self.churned_by_segment, other.churned_by_segment)?;
        merge_maps(&mut self.churned_by_channel, other.churned_by_channel)?;
        for (parent, g) in other.groups {
            match self.groups.get_mut(&parent) {
                Some(mine) => {
                    mine.tally.merge(&g.tally).map_err(arithmetic)?;
                    for (a, n) in g.actions {
                        *mine.actions.entry(a).or_insert(0) += n;
                    }
                }
                None => {
                    self.groups.insert(parent, g);
                }
            }
        }
        let p = other.plan;
        self.plan
            .absorb(
                p.revenue_lost,
                p.revenue_gained,
                p.margin_gained,
                &p.hours_freed,
            )
            .map_err(arithmetic)?;
        // Both row lists are sorted: merge them in one pass rather than sorting again.
        let mine = std::mem::take(&mut self.rows);
        self.rows = merge_sorted(mine, other.rows);
        sort_bad(&mut self.bad_records);
        // Figures of a partial report are stale once merged.
        self.analytics = None;
        Ok(())
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

    /// The whale curve: customers ranked by profit, cumulative profit as a share of the total.
    pub fn whale_curve(&self, max_points: usize) -> WhaleCurve {
        let mut profits: Vec<Decimal> = self.rows.iter().map(|r| r.profit.amount()).collect();
        profits.sort_by(|a, b| b.cmp(a));
        let total: Decimal = profits
            .iter()
            .try_fold(Decimal::ZERO, |a, p| a.checked_add(*p))
            .unwrap_or(Decimal::MAX);
        let n = profits.len();
        let (mut cumulative, mut peak, mut peak_rank) = (Decimal::ZERO, Decimal::MIN, 0usize);
        let step = (n / max_points.max(1)).max(1);
        let defined = total > Decimal::ZERO;
        let mut points = vec![(0.0, defined.then(|| Ratio::new(Decimal::ZERO)))];
        let mut top_profit = Decimal::ZERO;
        let top_n = ((n as f64) * 0.2).ceil() as usize;
        for (i, p) in profits.iter().enumerate() {
            cumulative = cumulative.checked_add(*p).unwrap_or(cumulative);
            if cumulative > peak {
                peak = cumulative;
                peak_rank = i + 1;
            }
            if i + 1 == top_n {
                top_profit = cumulative;
            }
            if (i + 1) % step == 0 || i + 1 == n {
                points.push((
                    (i + 1) as f64 / n as f64,
                    ratio_if(defined, cumulative, total).map(|r| Ratio::new(r.get().round_dp(4))),
                ));
            }
        }
        let currency = self.currency;
        WhaleCurve {
            total_profit: Money::new(total, currency),
            peak_profit: Money::new(if n == 0 { Decimal::ZERO } else { peak }, currency),
            peak_rank,
            peak_customer_share: if n == 0 {
                0.0
            } else {
                peak_rank as f64 / n as f64
            },
            peak_share: ratio_if(defined, peak, total),
            top_20_share: ratio_if(defined && n > 0, top_profit, total),
            points,
        }
    }

    /// Revenue concentration: share of the top customers and the Herfindahl index.
    pub fn revenue_concentration(&self, top: usize) -> Concentration {
        let mut revenues: Vec<Decimal> = self.rows.iter().map(|r| r.revenue.amount()).collect();
        revenues.sort_by(|a, b| b.cmp(a));
        let total: Decimal = revenues
            .iter()
            .try_fold(Decimal::ZERO, |a, r| a.checked_add(*r))
            .unwrap_or(Decimal::MAX);
        let defined = total > Decimal::ZERO;
        let top_sum = revenues
            .iter()
            .take(top)
            .try_fold(Decimal::ZERO, |a, r| a.checked_add(*r))
            .unwrap_or(Decimal::MAX);
        let total_f = decimal_to_f64(total);
        let hhi = defined.then(|| {
            revenues
                .iter()
                .map(|r| {
                    let s = decimal_to_f64(*r) / total_f;
                    s * s
                })
                .sum::<f64>()
        });
        Concentration {
            top,
            top_share: ratio_if(defined, top_sum, total),
            herfindahl: hhi,
        }
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
        candidates.sort_by(|a, b| {
            a.attention
                .unwrap_or(f64::MAX)
                .total_cmp(&b.attention.unwrap_or(f64::MAX))
                .then_with(|| a.id.cmp(&b.id))
        });
        candidates
            .into_iter()
            .take(n)
            .map(|r| r.id.clone())
            .collect()
    }
}

/// Rows by id; duplicate ids (a data problem) are ordered by their figures, so that the order
/// never depends on the input's.
fn row_order(a: &CustomerRow, b: &CustomerRow) -> std::cmp::Ordering {
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

/// Merge two row lists sorted by [`row_order`] into one.
fn merge_sorted(a: Vec<CustomerRow>, b: Vec<CustomerRow>) -> Vec<CustomerRow> {
    merge_sorted_by(a, b, row_order)
}

/// Merge two sorted lists in one pass.
fn merge_sorted_by<T>(
    a: Vec<T>,
    b: Vec<T>,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => order(x, y) != std::cmp::Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

fn ratio(num: Decimal, den: Decimal) -> Option<Ratio> {
    if den.is_zero() {
        None
    } else {
        num.checked_div(den)
            .map(|r| Ratio::new(r.round_dp(6).normalize()))
    }
}

fn ratio_if(defined: bool, num: Decimal, den: Decimal) -> Option<Ratio> {
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

/// Runs both phases over a customer base.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig};
/// use custfit::{AssessmentConfig, Assessor, CostModel, CostModelConfig, Customer, DefaultPolicy, PolicyConfig};
/// use rust_decimal::Decimal;
/// # fn main() -> custfit::Result<()> {
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let model = CostModel::new(CostModelConfig::default())?;
/// let analyzer = PortfolioAnalyzer::new(
///     Assessor::new(model.clone(), AssessmentConfig::default())?,
///     DefaultPolicy::new(PolicyConfig::default(), model)?,
///     PortfolioConfig::default(),
/// )?;
/// let customers: Vec<Customer> = (0..3)
///     .map(|i| {
///         Customer::builder(format!("c{i}"), "C").currency("USD")
///             .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 1, 1))
///             .recurring_revenue(Decimal::from(10_000 * (i + 1))).build()
///     })
///     .collect::<custfit::Result<_>>()?;
/// let report = analyzer.analyze_slice(&customers, d(2026, 1, 15), 2, &|_, _| {})?;
/// assert_eq!(report.totals.customers, 3);
/// assert_eq!(report.rows.len(), 3);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PortfolioAnalyzer<S, P> {
    assessor: Assessor<S>,
    policy: P,
    config: PortfolioConfig,
}

/// A sink for full assessments: called once per customer as it is assessed.
pub type Sink<'a> = dyn Fn(&FitAssessment, &Recommendation) + Sync + 'a;

impl<S: ScoringStrategy, P: RecommendationPolicy> PortfolioAnalyzer<S, P> {
    /// An analyzer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for an invalid portfolio configuration.
    pub fn new(assessor: Assessor<S>, policy: P, config: PortfolioConfig) -> Result<Self> {
        config.validate()?;
        Ok(PortfolioAnalyzer {
            assessor,
            policy,
            config,
        })
    }

    /// Phase 1 over records (owned or borrowed customers): price each customer and summarise.
    pub fn summarise<I, C>(&self, records: I, progress: Option<&dyn Progress>) -> PortfolioSummary
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let mut s = PortfolioSummary::default();
        for record in records {
            s.records = s.records.saturating_add(1);
            match record {
                // Unreadable: refused here, once; phase 2 skips it.
                Err(e) => s.bad_records.push(BadRecord::new(e)),
                Ok(c) => {
                    let c: &Customer = c.borrow();
                    s.ids.push(c.id().clone());
                    // A customer that cannot be priced adds nothing to the facts; phase 2
                    // prices it again and refuses it then, so it is reported once.
                    let _ = self.summarise_one(c, &mut s);
                }
            }
            if let Some(p) = progress {
                if s.records % PROGRESS_EVERY == 0 {
                    p.advanced(Phase::Summarise, PROGRESS_EVERY);
                }
            }
        }
        sort_bad(&mut s.bad_records);
        s.ids.sort();
        s
    }

    fn summarise_one(&self, c: &Customer, s: &mut PortfolioSummary) -> Result<()> {
        let cost = self.assessor.cost_model().cost_to_serve(c)?;
        let service = cost
            .sum_where(|i| i.role().is_some())
            .map_err(|e| Error::arithmetic(Some(c.id()), "cost.service", e))?;
        // Everything that can fail comes first, so that a refused customer adds nothing.
        if let Some(parent) = c.parent() {
            let g = GroupTotals {
                parent: parent.clone(),
                members: 1,
                revenue: cost.revenue,
                margin: cost.gross_margin,
            };
            match s.groups.get_mut(parent) {
                Some(mine) => add_group(mine, &g)?,
                None => {
                    s.groups.insert(parent.clone(), g);
                }
            }
        }
        if !cost.revenue.is_zero() {
            let ratio = decimal_to_f64(service.amount()) / decimal_to_f64(cost.revenue.amount());
            s.service_ratios.push(ratio);
            let consumed = c
                .behaviour()
                .content_consumed
                .is_some_and(|x| x.to_f64() >= self.config.content_consumed_min);
            if consumed {
                s.content_consumers.push((c.id().clone(), ratio));
            }
        }
        Ok(())
    }

    /// The portfolio facts from a (merged) summary.
    pub fn facts(&self, summary: &PortfolioSummary) -> PortfolioFacts {
        let configured = self
            .assessor
            .config()
            .segmentation
            .typical_service_cost_ratio;
        let mut ratios = summary.service_ratios.clone();
        let median = if self.config.use_portfolio_median && !ratios.is_empty() {
            ratios.sort_by(f64::total_cmp);
            let n = ratios.len();
            let m = if n % 2 == 1 {
                ratios[n / 2]
            } else {
                (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
            };
            (m > 0.0).then_some(m)
        } else {
            None
        };
        let typical = median.unwrap_or(configured);
        let heavy = typical * self.config.heavy_help_factor;
        let customers: BTreeSet<CustomerId> = summary
            .content_consumers
            .iter()
            .filter(|(_, r)| *r >= heavy)
            .map(|(id, _)| id.clone())
            .collect();
        let duplicates: BTreeSet<CustomerId> = summary
            .ids
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0].clone())
            .collect();
        let assessed = summary.ids.len() as u64;
        let share = if assessed == 0 {
            0.0
        } else {
            customers.len() as f64 / assessed as f64
        };
        PortfolioFacts {
            typical_service_ratio: typical,
            typical_from_portfolio: median.is_some(),
            systemic: SystemicSignal {
                customers: customers.into_iter().collect(),
                share,
                threshold: self.config.systemic_share_threshold,
                flagged: share > self.config.systemic_share_threshold,
            },
            groups: summary.groups.clone(),
            parents_included: BTreeSet::new(),
            duplicates,
        }
    }

    /// Between the phases: add the own record of every parent account that is itself a
    /// customer to its account group (its revenue, margin and one member). Phase 1 cannot know
    /// which customers are parents — their subsidiaries may be in another shard — so this
    /// looks the group keys up in one more pass over the records; only the parents are
    /// priced. [`analyze`](Self::analyze) and [`analyze_slice`](Self::analyze_slice) call it;
    /// call it yourself between [`facts`](Self::facts) and [`report`](Self::report) when you
    /// run the phases apart (over every shard, in any order: each parent is added once).
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a group total overflows.
    pub fn include_parents<I, C>(&self, facts: &mut PortfolioFacts, records: I) -> Result<()>
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        if facts.groups.is_empty() {
            return Ok(());
        }
        for record in records {
            let Ok(c) = record else { continue };
            let c: &Customer = c.borrow();
            if facts.duplicates.contains(c.id()) || facts.parents_included.contains(c.id()) {
                continue;
            }
            let Some(group) = facts.groups.get_mut(c.id()) else {
                continue;
            };
            // A parent whose cost cannot be computed is refused in phase 1 already.
            let Ok(cost) = self.assessor.cost_model().cost_to_serve(c) else {
                continue;
            };
            add_group(
                group,
                &GroupTotals {
                    parent: c.id().clone(),
                    members: 1,
                    revenue: cost.revenue,
                    margin: cost.gross_margin,
                },
            )?;
            facts.parents_included.insert(c.id().clone());
        }
        Ok(())
    }

    /// Phase 2 over records (owned or borrowed customers): assess and recommend each customer
    /// with the portfolio facts.
    /// Records that fail to read are skipped (phase 1 reported them); a customer whose
    /// assessment or recommendation fails becomes a bad record.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total overflows.
    pub fn report<I, C>(
        &self,
        records: I,
        facts: &PortfolioFacts,
        as_of: NaiveDate,
        sink: &Sink<'_>,
        progress: Option<&dyn Progress>,
    ) -> Result<PortfolioReport>
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let mut report =
            PortfolioReport::new(self.assessor.cost_model().currency(), as_of, facts.clone());
        let ctx = AssessmentContext {
            typical_service_cost_ratio: Some(facts.typical_service_ratio),
            ..AssessmentContext::new(as_of)
        };
        for record in records {
            // Unreadable records are reported by phase 1.
            let Ok(c) = record else { continue };
            let c: &Customer = c.borrow();
            report.records = report.records.saturating_add(1);
            if facts.duplicates.contains(c.id()) {
                report
                    .bad_records
                    .push(BadRecord::new(Error::DuplicateCustomer {
                        customer: c.id().clone(),
                    }));
                continue;
            }
            let assessed = self.assessor.assess_with(c, &ctx).and_then(|a| {
                let policy_ctx = PolicyContext::with_systemic(
                    facts.systemic.flagged
                        && facts.systemic.customers.binary_search(c.id()).is_ok(),
                )
                .with_group(c.parent().and_then(|p| facts.groups.get(p)).cloned());
                let r = self.policy.recommend(c, &a, &policy_ctx)?;
                Ok((a, r))
            });
            match assessed {
                // A customer whose figures would overflow the totals is refused on its own.
                Ok((a, r)) => match report.fits(&a) {
                    Ok(()) => {
                        sink(&a, &r);
                        report.add(c, &a, &r)?;
                    }
                    Err(e) => report.bad_records.push(BadRecord::new(e)),
                },
                Err(e) => report.bad_records.push(BadRecord::new(e)),
            }
            if let Some(p) = progress {
                if report.records % PROGRESS_EVERY == 0 {
                    p.advanced(Phase::Assess, PROGRESS_EVERY);
                }
            }
        }
        report.finish();
        Ok(report)
    }

    /// Both phases over a source that can be opened twice (a database query, a file): `open`
    /// is called once per phase, and once more between them when the portfolio has account
    /// groups (to find the parents that are customers themselves).
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total overflows.
    pub fn analyze<Src, F>(
        &self,
        mut open: F,
        as_of: NaiveDate,
        sink: &Sink<'_>,
        progress: Option<&dyn Progress>,
    ) -> Result<PortfolioReport>
    where
        Src: CustomerSource,
        F: FnMut() -> Src,
    {
        let mut first = open();
        let summary = self.summarise(std::iter::from_fn(|| first.next_customer()), progress);
        let mut facts = self.facts(&summary);
        if !facts.groups.is_empty() {
            let mut parents = open();
            self.include_parents(&mut facts, std::iter::from_fn(|| parents.next_customer()))?;
        }
        let mut second = open();
        let report = self.report(
            std::iter::from_fn(|| second.next_customer()),
            &facts,
            as_of,
            sink,
            progress,
        )?;
        Ok(with_phase_one(report, summary))
    }

    /// Both phases over customers in memory, on `threads` threads (scoped; at least 1). The
    /// report equals that of a sequential run.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total overflows.
    pub fn analyze_slice(
        &self,
        customers: &[Customer],
        as_of: NaiveDate,
        threads: usize,
        sink: &Sink<'_>,
    ) -> Result<PortfolioReport>
    where
        S: Sync,
        P: Sync,
    {
        let threads = threads.max(1);
        let chunk = customers.len().div_ceil(threads).max(1);
        let shards: Vec<&[Customer]> = customers.chunks(chunk).collect();
        let summaries: Vec<PortfolioSummary> = std::thread::scope(|scope| {
            let handles: Vec<_> = shards
                .iter()
                .map(|shard| scope.spawn(move || self.summarise(shard.iter().map(Ok), None)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut summary = PortfolioSummary::default();
        for s in summaries {
            summary.merge(s)?;
        }
        let mut facts = self.facts(&summary);
        self.include_parents(&mut facts, customers.iter().map(Ok))?;
        let reports: Vec<Result<PortfolioReport>> = std::thread::scope(|scope| {
            let facts = &facts;
            let handles: Vec<_> = shards
                .iter()
                .map(|shard| {
                    scope.spawn(move || self.report(shard.iter().map(Ok), facts, as_of, sink, None))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut report = PortfolioReport::new(self.assessor.cost_model().currency(), as_of, facts);
        for r in reports {
            report.merge(r?)?;
        }
        Ok(with_phase_one(report, summary))
    }
}

/// Count the records phase 1 read and add the records it refused.
fn with_phase_one(report: PortfolioReport, summary: PortfolioSummary) -> PortfolioReport {
    report.with_summary(summary)
}

impl PortfolioReport {
    /// Complete a report of phase 2 (merged over shards) with the merged phase-1 summary: the
    /// records read and the records refused. Call it once, after merging.
    pub fn with_summary(mut self, summary: PortfolioSummary) -> Self {
        self.records = summary.records;
        self.bad_records.extend(summary.bad_records);
        sort_bad(&mut self.bad_records);
        self.analytics = Some(self.analytics());
        self
    }

    /// Records assessed plus records refused: always the records read.
    pub fn counts_add_up(&self) -> bool {
        self.totals.customers + self.bad_records.len() as u64 == self.records
            && self.rows.len() as u64 == self.totals.customers
    }
}
