//! The analyzer and its two phases, each callable on its own: summarize, the facts between
//! them (with the parents of account groups), report; the runs of both in one call are in
//! `runs.rs`.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;

use super::merge::merge_sorted_by;
use super::running::Sums;
use super::shards::{fan_out, Fingerprint};
use super::summary::add_group;
use super::*;
use crate::assessment::scoring::ScoringStrategy;
use crate::assessment::{AssessmentContext, Assessor, FitAssessment};
use crate::cost::CostTotals;
use crate::customer::{Customer, CustomerId};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::policy::recommendation::{
    GroupTotals, PolicyContext, Recommendation, RecommendationPolicy,
};
use crate::policy::WhatToCollect;
use crate::units::decimal_to_f64;

/// Runs both phases over a customer base.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig};
/// use custfit::{Assessor, CostModel, Customer, DefaultPolicy};
/// use custfit::assessment::AssessmentConfig;
/// use custfit::cost::CostModelConfig;
/// use custfit::policy::PolicyConfig;
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
/// let report = analyzer.analyze_slice(&customers, d(2026, 1, 15), 2, &|_, _, _| Ok(()))?;
/// assert_eq!(report.totals.customers, 3);
/// assert_eq!(report.rows.len(), 3);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PortfolioAnalyzer<S, P> {
    pub(super) assessor: Assessor<S>,
    pub(super) policy: P,
    pub(super) config: PortfolioConfig,
}

/// A sink for full assessments: called once per customer as it is assessed, with the customer,
/// its assessment and its recommendation. Its error (a write that failed) stops the run and is
/// returned: the report would not match what the sink holds.
pub type Sink<'a> = dyn Fn(&Customer, &FitAssessment, &Recommendation) -> Result<()> + Sync + 'a;

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

    /// Phase 1 over records (owned or borrowed customers): price each customer and summarize.
    pub fn summarize<I, C>(&self, records: I, progress: Option<&dyn Progress>) -> PortfolioSummary
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let mut s = PortfolioSummary::default();
        let _ = self.summarize_into(records, progress, &mut s, |s, id, _| s.ids.push(id));
        s.ids.sort();
        s
    }

    /// Phase 1 with each customer's own totals kept beside its id, so that the parents of
    /// account groups are found between the phases without reading the records again.
    pub(super) fn summarize_keeping<I, C>(
        &self,
        records: I,
        progress: Option<&dyn Progress>,
    ) -> PhaseOne
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let mut summary = PortfolioSummary::default();
        let mut kept = Vec::new();
        let fingerprint = self.summarize_into(records, progress, &mut summary, |_, id, totals| {
            kept.push((id, totals));
        });
        // Stable, as `summarize` sorts the ids: the same order.
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        let own;
        (summary.ids, own) = kept.into_iter().unzip();
        PhaseOne {
            summary,
            own,
            fingerprint,
        }
    }

    /// Summarize every record into `s`, handing each readable customer's id and own totals
    /// (`None` when it cannot be priced) to `keep`; the records' fingerprint.
    fn summarize_into<I, C>(
        &self,
        records: I,
        progress: Option<&dyn Progress>,
        s: &mut PortfolioSummary,
        mut keep: impl FnMut(&mut PortfolioSummary, CustomerId, Option<OwnTotals>),
    ) -> Fingerprint
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let mut fingerprint = Fingerprint::default();
        // By reference: a customer is large to move.
        for ref record in records {
            fingerprint.add(record);
            s.records = s.records.saturating_add(1);
            match record {
                // Unreadable: refused here, once; phase 2 skips it.
                Err(e) => s.bad_records.push(BadRecord::new(e.clone())),
                Ok(c) => {
                    let c: &Customer = c.borrow();
                    // A customer that cannot be priced adds nothing to the facts; phase 2
                    // prices it again and refuses it then, so it is reported once.
                    let own = self.assessor.cost_model().totals(c).ok().map(|cost| {
                        let _ = self.summarize_one(c, &cost, s);
                        (cost.revenue, cost.gross_margin)
                    });
                    keep(s, c.id().clone(), own);
                }
            }
            if let Some(p) = progress {
                if s.records % PROGRESS_EVERY == 0 {
                    p.advanced(Phase::Summarize, PROGRESS_EVERY);
                }
            }
        }
        sort_bad(&mut s.bad_records);
        fingerprint
    }

    fn summarize_one(
        &self,
        c: &Customer,
        cost: &CostTotals,
        s: &mut PortfolioSummary,
    ) -> Result<()> {
        let service = cost.service;
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
        let seg = &self.assessor.config().segmentation;
        if let Some(ws) = crate::assessment::whitespace_ratio(c, cost.revenue, seg) {
            s.whitespace_ratios.push(ws);
        }
        if let Some(g) = c.growth().historical_growth {
            s.historical_growth.push(decimal_to_f64(g.get()));
        }
        if !cost.revenue.is_zero() {
            let ratio = decimal_to_f64(service.amount()) / decimal_to_f64(cost.revenue.amount());
            s.service_ratios.push(ratio);
            let consumed = c
                .behavior()
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
        let median = if self.config.use_portfolio_median && !summary.service_ratios.is_empty() {
            let m = median(summary.service_ratios.clone());
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
        let plausible = self
            .assessor
            .config()
            .plausible
            .from_known(&summary.whitespace_ratios, &summary.historical_growth);
        PortfolioFacts {
            typical_service_ratio: typical,
            typical_from_portfolio: median.is_some(),
            plausible,
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
    /// priced. Call it between [`facts`](Self::facts) and [`report`](Self::report) when you
    /// run the phases apart (over every shard, in any order: each parent is added once). The
    /// runs that do both phases ([`analyze`](Self::analyze),
    /// [`analyze_shards`](Self::analyze_shards), [`analyze_slice`](Self::analyze_slice)) need
    /// no third pass: their phase 1 keeps each customer's own totals beside its id, and they
    /// add the same parents (property-tested).
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a group total overflows.
    pub fn include_parents<I, C>(&self, facts: &mut PortfolioFacts, records: I) -> Result<()>
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let found = self.parent_totals(facts, records);
        add_parents(facts, found)
    }

    /// The own totals of the records that are parents of an account group (not yet included).
    fn parent_totals<I, C>(&self, facts: &PortfolioFacts, records: I) -> Vec<GroupTotals>
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let mut found = Vec::new();
        if facts.groups.is_empty() {
            return found;
        }
        for record in records {
            let Ok(c) = record else { continue };
            let c: &Customer = c.borrow();
            if !facts.groups.contains_key(c.id())
                || facts.duplicates.contains(c.id())
                || facts.parents_included.contains(c.id())
            {
                continue;
            }
            // A parent whose cost cannot be computed is refused in phase 1 already.
            let Ok(cost) = self.assessor.cost_model().totals(c) else {
                continue;
            };
            found.push(GroupTotals {
                parent: c.id().clone(),
                members: 1,
                revenue: cost.revenue,
                margin: cost.gross_margin,
            });
        }
        found
    }

    /// The merged summary and the facts of phase 1 run over shards, with the parents that are
    /// customers added to their account groups from the totals the shards kept (looked up on
    /// up to `workers` threads).
    pub(super) fn facts_of_shards(
        &self,
        shards: Vec<PhaseOne>,
        workers: usize,
    ) -> Result<(PortfolioSummary, PortfolioFacts)> {
        // The summaries merged but for their ids, which are looked up first.
        let mut summary: Option<PortfolioSummary> = None;
        let mut kept = Vec::with_capacity(shards.len());
        for mut s in shards {
            let ids = std::mem::take(&mut s.summary.ids);
            // The first shard's summary is the start (merged into an empty one, it would be
            // copied whole).
            match summary.as_mut() {
                Some(summary) => summary.merge(s.summary)?,
                None => summary = Some(s.summary),
            }
            kept.push((ids, s.own));
        }
        let mut summary = summary.unwrap_or_default();
        let found = if summary.groups.is_empty() {
            Vec::new()
        } else {
            let parents = || summary.groups.keys();
            fan_out(&kept, workers, |(ids, own)| {
                Ok(parents_in(ids, own, parents()))
            })?
        };
        for (ids, _) in kept {
            let mine = std::mem::take(&mut summary.ids);
            summary.ids = merge_sorted_by(mine, ids, |a, b| a.cmp(b));
        }
        let mut facts = self.facts(&summary);
        // A repeated id is refused in phase 2 (as in `include_parents`), wherever its records
        // are; one that could not be priced adds nothing.
        let own_records: Vec<GroupTotals> = found
            .into_iter()
            .flatten()
            .filter(|(parent, _)| !facts.duplicates.contains(*parent))
            .filter_map(|(parent, totals)| {
                let (revenue, margin) = totals?;
                Some(GroupTotals {
                    parent: parent.clone(),
                    members: 1,
                    revenue,
                    margin,
                })
            })
            .collect();
        add_parents(&mut facts, own_records)?;
        Ok((summary, facts))
    }

    /// Phase 2 over records (owned or borrowed customers): assess and recommend each customer
    /// with the portfolio facts.
    /// Records that fail to read are skipped (phase 1 reported them); a customer whose
    /// assessment or recommendation fails becomes a bad record.
    ///
    /// Run apart from phase 1 on a source opened again, check that it gave the same records:
    /// [`analyze`](Self::analyze) and [`analyze_shards`](Self::analyze_shards) do, and stop with
    /// [`Error::SourceChanged`] when it did not.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total overflows; whatever the sink returns.
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
        self.report_fingerprinted(records, facts, as_of, sink, progress)
            .map(|(report, _)| report)
    }

    /// [`report`](Self::report), with the fingerprint of the records read.
    pub(super) fn report_fingerprinted<I, C>(
        &self,
        records: I,
        facts: &PortfolioFacts,
        as_of: NaiveDate,
        sink: &Sink<'_>,
        progress: Option<&dyn Progress>,
    ) -> Result<(PortfolioReport, Fingerprint)>
    where
        I: IntoIterator<Item = Result<C>>,
        C: Borrow<Customer>,
    {
        let currency = self.assessor.cost_model().currency();
        let mut report = PortfolioReport::new(currency, as_of, facts.clone());
        let mut sums = Sums::default();
        let ctx = assessment_context(facts, as_of);
        // Hashed: every customer without a parent is looked up, and there may be thousands.
        let parents: HashSet<&str> = facts
            .parents_included
            .iter()
            .map(CustomerId::as_str)
            .collect();
        let mut fingerprint = Fingerprint::default();
        // By reference: a customer is large to move.
        for ref record in records {
            fingerprint.add(record);
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
            let policy_ctx = || policy_context(facts, c);
            // Nested rather than chained, and the assessment and the recommendation looked at
            // where they were made (`ref`): they are large to move.
            let refused = match self.assessor.assess_with(c, &ctx) {
                Ok(ref a) => match self.policy.recommend(c, a, &policy_ctx()) {
                    // A customer whose figures would overflow the totals is refused on its own.
                    Ok(ref r) => match sums.add_to_totals(currency, a, r) {
                        Ok(()) => {
                            sink(c, a, r)?;
                            sums.add(c, a, r, &parents)?;
                            report.add_row(c, a, r);
                            None
                        }
                        Err(e) => Some(e),
                    },
                    Err(e) => Some(e),
                },
                Err(e) => Some(e),
            };
            if let Some(e) = refused {
                report.bad_records.push(BadRecord::new(e));
            }
            if let Some(p) = progress {
                if report.records % PROGRESS_EVERY == 0 {
                    p.advanced(Phase::Assess, PROGRESS_EVERY);
                }
            }
        }
        sums.into_report(&mut report)?;
        report.finish();
        Ok((report, fingerprint))
    }

    /// The contexts phase 2 assesses and recommends `customer` in, given the portfolio `facts`:
    /// the typical customer's resource use, the plausible ranges, the systemic signal and the
    /// customer's account group — to decide it again the way the report did (for
    /// [`what_to_collect`](Self::what_to_collect), or to explain a row).
    pub fn contexts(
        &self,
        facts: &PortfolioFacts,
        as_of: NaiveDate,
        customer: &Customer,
    ) -> (AssessmentContext<'static>, PolicyContext) {
        (
            assessment_context(facts, as_of),
            policy_context(facts, customer),
        )
    }

    /// What to collect for `customer`, whose recommendation in the report with `facts` is
    /// `current`: [`crate::what_to_collect`] in the contexts the report used. On demand: it
    /// decides the customer again (see [`MAX_RE_DECISIONS`](crate::policy::MAX_RE_DECISIONS)).
    ///
    /// # Errors
    ///
    /// As [`crate::what_to_collect`].
    pub fn what_to_collect(
        &self,
        customer: &Customer,
        facts: &PortfolioFacts,
        as_of: NaiveDate,
        current: &Recommendation,
    ) -> Result<WhatToCollect> {
        let (actx, pctx) = self.contexts(facts, as_of, customer);
        crate::what_to_collect(
            &self.assessor,
            &self.policy,
            customer,
            &actx,
            &pctx,
            current,
        )
    }
}

/// The assessment context of phase 2: the date and the portfolio's facts.
fn assessment_context(facts: &PortfolioFacts, as_of: NaiveDate) -> AssessmentContext<'static> {
    AssessmentContext {
        typical_service_cost_ratio: Some(facts.typical_service_ratio),
        plausible: Some(facts.plausible),
        ..AssessmentContext::new(as_of)
    }
}

/// The policy context of `c` in phase 2: whether it is part of a flagged systemic problem,
/// and its account group.
fn policy_context(facts: &PortfolioFacts, c: &Customer) -> PolicyContext {
    PolicyContext::with_systemic(
        facts.systemic.flagged && facts.systemic.customers.binary_search(c.id()).is_ok(),
    )
    .with_group(c.parent().and_then(|p| facts.groups.get(p)).cloned())
}

/// A customer's own revenue and gross margin, as phase 1 priced them.
type OwnTotals = (Money, Money);

/// Phase 1 over one shard, with each customer's own totals.
pub(super) struct PhaseOne {
    /// The summary; its `ids` sorted.
    summary: PortfolioSummary,
    /// `own[i]`: the own totals of the customer `summary.ids[i]`, when it could be priced.
    own: Vec<Option<OwnTotals>>,
    /// The records it read.
    pub(super) fingerprint: Fingerprint,
}

/// The `parents` (sorted) among a shard's sorted `ids`, each with the totals of its first
/// record there (`own` is beside `ids`).
fn parents_in<'p>(
    ids: &[CustomerId],
    own: &[Option<OwnTotals>],
    parents: impl Iterator<Item = &'p CustomerId>,
) -> Vec<(&'p CustomerId, Option<OwnTotals>)> {
    let mut found = Vec::new();
    // Each parent is searched for after the last, galloping, so that the search is linear in
    // the ids when parents are many and logarithmic when few.
    let mut at = 0;
    for parent in parents {
        let rest = &ids[at..];
        let mut reach = 1;
        while reach < rest.len() && rest[reach - 1] < *parent {
            reach *= 2;
        }
        at += rest[..reach.min(rest.len())].partition_point(|id| id < parent);
        if ids.get(at) == Some(parent) {
            found.push((parent, own[at]));
        }
    }
    found
}

/// The median of values that are not empty, in `f64::total_cmp` order: the middle value, or
/// the mean of the two middle ones. Selected rather than sorted (the same values: elements
/// equal in that order have the same bits).
fn median(mut values: Vec<f64>) -> f64 {
    let n = values.len();
    let (lower, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        // The largest of the lower half is the other middle value.
        let below = lower
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(upper);
        (below + upper) / 2.0
    }
}

/// Add the parents' own totals to their groups, each parent once.
fn add_parents(
    facts: &mut PortfolioFacts,
    found: impl IntoIterator<Item = GroupTotals>,
) -> Result<()> {
    for totals in found {
        if facts.parents_included.contains(&totals.parent) {
            continue;
        }
        if let Some(group) = facts.groups.get_mut(&totals.parent) {
            add_group(group, &totals)?;
            facts.parents_included.insert(totals.parent.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The selected median is the sorted one, bit for bit: signed zeros, repeats, odd and
        /// even counts.
        #[test]
        fn median_is_the_middle_of_the_sorted_values(
            values in prop::collection::vec(
                prop_oneof![Just(0.0f64), Just(-0.0f64), 0.0f64..1.0, -1e6f64..1e6, Just(0.25f64)],
                1..80,
            )
        ) {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let expected = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            prop_assert_eq!(median(values).to_bits(), expected.to_bits());
        }

        /// The galloping search finds every parent among sorted ids (repeated or not, near or
        /// far apart) with the totals of its first record, as a binary search of each does.
        #[test]
        fn parents_are_found_as_by_binary_search(
            ids in prop::collection::vec(0u16..400, 0..300),
            parents in prop::collection::btree_set(0u16..420, 0..40),
        ) {
            let name = |n: u16| CustomerId::new(format!("c{n:03}")).unwrap();
            let mut ids: Vec<CustomerId> = ids.into_iter().map(name).collect();
            ids.sort();
            let eur = |i: usize| Money::new(rust_decimal::Decimal::from(i), crate::money::Currency::EUR);
            let own: Vec<Option<OwnTotals>> =
                (0..ids.len()).map(|i| (i % 3 != 0).then(|| (eur(i), eur(i + 1)))).collect();
            let parents: Vec<CustomerId> = parents.into_iter().map(name).collect();
            let expected: Vec<(&CustomerId, Option<OwnTotals>)> = parents
                .iter()
                .filter_map(|p| {
                    let first = ids.partition_point(|id| id < p);
                    (ids.get(first) == Some(p)).then(|| (p, own[first]))
                })
                .collect();
            prop_assert_eq!(parents_in(&ids, &own, parents.iter()), expected);
        }
    }
}
