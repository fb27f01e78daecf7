//! What to collect next: the smallest sets of unknown facts whose plausible values would
//! change the decision ([`what_to_collect`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::{Input, InputSet};
use crate::assessment::scoring::ScoringStrategy;
use crate::assessment::{likes_unknown, AssessmentContext, Assessor, Guardrail, PlausibleRanges};
use crate::assessment::{FitAssessment, BAD_TEST_INPUTS};
use crate::customer::{BrandTier, Customer, Level};
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::policy::recommendation::{
    Action, FactOutcome, PolicyContext, Recommendation, RecommendationPolicy, Rule, ToCollect,
};
use crate::units::{Nps, Probability, Ratio, Share};

/// Goal changes at the high end: one a month over a year.
const MANY_GOAL_CHANGES: u32 = 12;

/// The most facts the pairs and triples are sought among.
pub const MAX_DECISIVE_FACTS: usize = 10;

/// Groups of facts one rule reads together: triples are sought within each.
const RULE_GROUPS: [&[Input]; 5] = [
    &BAD_TEST_INPUTS,
    &[
        Input::MeetingAttendance,
        Input::PlanAdherence,
        Input::ContentConsumed,
        Input::OutcomesAchieved,
    ],
    &[
        Input::Referenceable,
        Input::CaseStudy,
        Input::BrandTier,
        Input::StrategicPositioning,
        Input::FeedbackQuality,
    ],
    &[
        Input::ExpectedGrowth,
        Input::Likelihood,
        Input::HistoricalGrowth,
    ],
    &[
        Input::Nps,
        Input::RenewalIntent,
        Input::OutcomesAchieved,
        Input::ContentConsumed,
    ],
];

/// The most re-decisions [`what_to_collect`] makes for one customer: 2 per optional fact,
/// 4 per pair and 8 per triple of [`MAX_DECISIVE_FACTS`] facts (the triples within the rule
/// groups: at most 4 + 4 + 10 + 1 + 4 of them), and 1 for the whole set to confirm.
pub const MAX_RE_DECISIONS: u32 = 2 * Input::OPTIONAL_FACTS.len() as u32
    + 4 * (MAX_DECISIVE_FACTS * (MAX_DECISIVE_FACTS - 1) / 2) as u32
    + 8 * (4 + 4 + 10 + 1 + 4)
    + 1;

/// What to collect for one customer: the sets of unknown facts that change its decision.
///
/// Iterate it for the sets; `skipped` counts hypotheticals that could not be decided.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatToCollect {
    /// The sets, smallest first, most decisive first within a size.
    pub sets: Vec<ToCollect>,
    /// Hypotheticals skipped because deciding them failed (a date past chrono's range, an
    /// amount past the range of `Decimal`): a set that needed one may be missing.
    pub skipped: u32,
    /// Re-decisions made (at most [`MAX_RE_DECISIONS`]).
    pub re_decisions: u32,
}

impl WhatToCollect {
    /// Whether no set changes the decision.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The sets, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, ToCollect> {
        self.sets.iter()
    }
}

impl IntoIterator for WhatToCollect {
    type Item = ToCollect;
    type IntoIter = std::vec::IntoIter<ToCollect>;
    fn into_iter(self) -> Self::IntoIter {
        self.sets.into_iter()
    }
}

impl<'a> IntoIterator for &'a WhatToCollect {
    type Item = &'a ToCollect;
    type IntoIter = std::slice::Iter<'a, ToCollect>;
    fn into_iter(self) -> Self::IntoIter {
        self.sets.iter()
    }
}

/// The two ends of a fact's plausible range, in the unit [`Input::show`] prints.
fn ends(fact: Input, ranges: &PlausibleRanges) -> [f64; 2] {
    match fact {
        Input::Nps => [-100.0, 100.0],
        Input::GoalChanges => [0.0, f64::from(MANY_GOAL_CHANGES)],
        Input::HistoricalGrowth => [ranges.historical_growth.low, ranges.historical_growth.high],
        Input::ExpectedGrowth => [ranges.whitespace_ratio.low, ranges.whitespace_ratio.high],
        _ => [0.0, 1.0],
    }
}

/// The end of a fact that takes away what it could protect: growth, logo value and liking
/// the product at their low end; the behavior facts of the *bad* test at the end that is no
/// red flag.
fn confirming_end(fact: Input, ranges: &PlausibleRanges) -> f64 {
    let [low, high] = ends(fact, ranges);
    match fact {
        // Goal changes are a red flag at their high end, so they confirm at the low end.
        Input::MeetingAttendance | Input::PlanAdherence | Input::Responsiveness => high,
        _ => low,
    }
}

/// Whether the record lacks `fact`.
fn is_unknown(customer: &Customer, fact: Input) -> bool {
    let (logo, growth, b) = (customer.logo(), customer.growth(), customer.behavior());
    match fact {
        Input::ExpectedGrowth => {
            growth.expansion_whitespace.is_none()
                && growth.upsell_whitespace.is_none()
                && growth.cross_sell_whitespace.is_none()
        }
        Input::Likelihood => growth.likelihood.is_none(),
        Input::HistoricalGrowth => growth.historical_growth.is_none(),
        Input::MeetingAttendance => b.meeting_attendance.is_none(),
        Input::PlanAdherence => b.plan_adherence.is_none(),
        Input::GoalChanges => b.goal_changes.is_none(),
        Input::Responsiveness => b.responsiveness.is_none(),
        Input::OutcomesAchieved => b.outcomes_achieved.is_none(),
        Input::ContentConsumed => b.content_consumed.is_none(),
        Input::RenewalIntent => b.renewal_intent.is_none(),
        Input::Nps => b.nps.is_none(),
        Input::Referenceable => logo.referenceable.is_none(),
        Input::CaseStudy => logo.case_study.is_none(),
        Input::BrandTier => logo.brand_tier.is_none(),
        Input::StrategicPositioning => logo.strategic_positioning.is_none(),
        Input::FeedbackQuality => logo.feedback_quality.is_none(),
        _ => false,
    }
}

/// Set `fact` of `c` to `value` (an end from [`ends`]); every value set is valid. Whitespace
/// is a share of the annual revenue (of one unit of money without revenue); with it at a
/// positive share, an unknown likelihood is set to certain.
fn set_fact(c: &mut Customer, fact: Input, value: f64) {
    let high = value > 0.0;
    let share = |high: bool| Some(if high { Share::ONE } else { Share::ZERO });
    let probability = |high: bool| {
        Some(if high {
            Probability::ONE
        } else {
            Probability::ZERO
        })
    };
    let level = |high: bool| Some(if high { Level::High } else { Level::Low });
    let annual = c
        .revenue()
        .amount()
        .checked_mul(c.period().annualization_factor())
        .filter(|r| !r.is_zero())
        .unwrap_or(Decimal::ONE);
    let currency = c.currency();
    let (logo, growth, b) = c.optional_facts_mut();
    match fact {
        Input::ExpectedGrowth => {
            let share = Decimal::from_f64_retain(value).unwrap_or_default();
            let mut amount = annual
                .checked_mul(share)
                .unwrap_or_default()
                .round_dp(2)
                .max(Decimal::ZERO);
            if growth.likelihood.is_none() && high {
                growth.likelihood = probability(true);
            }
            // The assessment measures expected growth as `whitespace × likelihood / base` in
            // floating point, the plausible best case as `share × likelihood`: a cent more
            // where the first falls short of the second by a rounding, so that the end stated
            // is the end the best case took (a score exactly at its line stays at it).
            let likelihood = growth.likelihood.map_or(1.0, |p| p.get());
            let base = crate::units::decimal_to_f64(annual);
            let measured = |amount: Decimal| {
                crate::units::decimal_to_f64(amount) * likelihood / base < value * likelihood
            };
            if high && measured(amount) {
                amount += Decimal::new(1, 2);
            }
            growth.expansion_whitespace = Some(Money::new(amount, currency));
        }
        Input::Likelihood => growth.likelihood = probability(high),
        Input::HistoricalGrowth => {
            let ratio = Decimal::from_f64_retain(value)
                .unwrap_or_default()
                .round_dp(4);
            growth.historical_growth = Some(Ratio::new(ratio));
        }
        Input::MeetingAttendance => b.meeting_attendance = share(high),
        Input::PlanAdherence => b.plan_adherence = share(high),
        Input::GoalChanges => b.goal_changes = Some(if high { MANY_GOAL_CHANGES } else { 0 }),
        Input::Responsiveness => b.responsiveness = share(high),
        Input::OutcomesAchieved => b.outcomes_achieved = share(high),
        Input::ContentConsumed => b.content_consumed = share(high),
        Input::RenewalIntent => b.renewal_intent = probability(high),
        Input::Nps => b.nps = Some(if high { Nps::MAX } else { Nps::MIN }),
        Input::Referenceable => logo.referenceable = Some(high),
        Input::CaseStudy => logo.case_study = Some(high),
        Input::BrandTier => {
            logo.brand_tier = Some(if high {
                BrandTier::Global
            } else {
                BrandTier::Local
            });
        }
        Input::StrategicPositioning => logo.strategic_positioning = level(high),
        Input::FeedbackQuality => logo.feedback_quality = level(high),
        _ => {}
    }
}

/// The facts the deciding rules read, most relevant first, at most [`MAX_DECISIVE_FACTS`].
fn decisive_facts(a: &FitAssessment, current: &Recommendation, unknown: &[Input]) -> Vec<Input> {
    let mut order: Vec<Input> = Vec::with_capacity(16);
    let mut add = |facts: &mut dyn Iterator<Item = Input>| {
        for f in facts {
            if unknown.contains(&f) && !order.contains(&f) {
                order.push(f);
            }
        }
    };
    if let Some(p) = &current.provisional {
        add(&mut p.to_confirm.iter());
    }
    if let Some(Rule::PendingFacts { missing }) = current.rule() {
        add(&mut missing.iter());
    }
    add(&mut a.classification.missing.iter().copied());
    if a.quadrant.has_growth().is_none() {
        add(&mut RULE_GROUPS[3].iter().copied());
    }
    for g in &a.guardrails {
        match g {
            Guardrail::LogoMayOffsetMargin { missing, .. } => add(&mut missing.iter()),
            Guardrail::ProductShaper { likes: None, .. } => {
                add(&mut likes_unknown(&a.inputs).iter())
            }
            _ => {}
        }
    }
    if matches!(current.rule(), Some(Rule::TooFewSignals { .. })) {
        add(&mut [Input::OutcomesAchieved, Input::RenewalIntent, Input::Nps].into_iter());
    }
    order.truncate(MAX_DECISIVE_FACTS);
    order
}

/// One decided hypothetical: the values set, and the decision then.
struct Found {
    set: InputSet,
    facts: Vec<Input>,
    outcomes: Vec<FactOutcome>,
}

/// The unknown facts of `customer` that would change `current`, in the smallest sets, most
/// decisive first.
///
/// The customer is decided again, by the same assessor and policy in the same contexts, with
/// unknown facts set to the ends of their plausible ranges: a share at 0 and 1, a probability
/// at 0 and 1, NPS at -100 and 100, goal changes at 0 and 12, a yes/no fact at no and yes, a
/// level at low and high, and the facts without a natural bound — whitespace (as a share of
/// annual revenue) and last year's revenue growth — at the ends of their
/// [plausible ranges](crate::assessment::PlausibleRanges).
///
/// A set is listed with the values that change the decision: another action, or a let-go that
/// turns from provisional to confirmed (or back). The search goes
///
/// 1. one fact at a time, over every unknown fact;
/// 2. pairs of the facts the deciding rules read — those of a provisional let-go or a pending
///    decision, the class tests that could still hold, growth when it is unknown, logo value
///    when it could offset the margin, whether the customer likes the product when it may shape
///    it, mutual value when too few signals held a let-go back — at most
///    [`MAX_DECISIVE_FACTS`] of them, in that order;
/// 3. triples of those facts that one rule reads together (the *bad* test's four behavior
///    facts, the *bad fit* test's, the five logo facts, the growth facts, what the customer
///    says and does);
/// 4. for a provisional let-go or a pending decision with nothing found, the whole set of facts
///    to confirm, each at the end that confirms the let-go.
///
/// A set is listed only with outcomes that none of its subsets already gives: the smallest
/// sets. They come smallest first, then most decisive (the largest change of harshness, then
/// the most outcomes), then in [`Input::ALL`] order. Each carries the date by which it matters:
/// the confirm-by date of a provisional let-go, else the review date.
///
/// The work is bounded: at most 2 re-decisions per unknown fact (16 facts), 4 per pair and
/// 8 per triple of at most [`MAX_DECISIVE_FACTS`] facts, and one for the whole set — at most
/// [`MAX_RE_DECISIONS`] in all, each an assessment and a recommendation. It is computed on
/// demand, not in every portfolio run.
///
/// Setting the facts to a listed value and deciding again gives exactly that outcome
/// (property-tested). It is never empty for a provisional let-go or a pending decision, unless
/// hypotheticals were skipped.
///
/// # Errors
///
/// [`Error::InvalidField`] when `current` is another customer's recommendation; whatever
/// assessing `customer` itself reports. A hypothetical that fails is skipped and counted
/// ([`WhatToCollect::skipped`]).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::{AssessmentContext, Assessor, CostModel, what_to_collect};
/// use custfit::assessment::AssessmentConfig;
/// use custfit::{Customer, DefaultPolicy, PolicyContext};
/// use custfit::assessment::Input;
/// use custfit::cost::CostModelConfig;
/// use custfit::policy::PolicyConfig;
/// use custfit::RecommendationPolicy;
/// use rust_decimal::Decimal;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let model = CostModel::new(CostModelConfig::default())?;
/// let assessor = Assessor::new(model.clone(), AssessmentConfig::default())?;
/// let policy = DefaultPolicy::new(PolicyConfig::default(), model)?;
/// // A loss-maker that behaves well, but nothing is known of its growth potential.
/// let c = Customer::builder("c", "C").currency("USD")
///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2022, 1, 1))
///     .recurring_revenue(Decimal::from(20_000)).engineering_hours(Decimal::from(400))
///     .meeting_attendance(Decimal::new(9, 1)).plan_adherence(Decimal::new(8, 1))
///     .responsiveness(Decimal::new(9, 1)).goal_changes(0)
///     .content_consumed(Decimal::new(5, 1)).outcomes_achieved(Decimal::new(6, 1))
///     .build()?;
/// let ctx = AssessmentContext::new(d(2026, 1, 15));
/// let a = assessor.assess_with(&c, &ctx)?;
/// let r = policy.recommend(&c, &a, &PolicyContext::default())?;
/// let collect = what_to_collect(&assessor, &policy, &c, &ctx, &PolicyContext::default(), &r)?;
/// // Growth potential is unknown: knowing it decides between restructuring and letting go.
/// assert_eq!(collect.sets[0].facts, vec![Input::ExpectedGrowth]);
/// assert_eq!(collect.sets[0].to_string(),
///     "record growth whitespace by 2026-04-15: at 0% → offboard, confirmed (loses money with little growth potential)");
/// # Ok::<(), custfit::Error>(())
/// ```
pub fn what_to_collect<S, P>(
    assessor: &Assessor<S>,
    policy: &P,
    customer: &Customer,
    actx: &AssessmentContext<'_>,
    pctx: &PolicyContext,
    current: &Recommendation,
) -> Result<WhatToCollect>
where
    S: ScoringStrategy,
    P: RecommendationPolicy + ?Sized,
{
    if &current.customer != customer.id() {
        return Err(Error::invalid(
            Some(customer.id()),
            "what_to_collect.current",
            Problem::Rule {
                rule: format!(
                    "the current recommendation must be this customer's, not `{}`'s",
                    current.customer
                ),
            },
        ));
    }
    let ranges = actx
        .plausible
        .unwrap_or_else(|| assessor.config().plausible.configured());
    let by: NaiveDate = current
        .provisional
        .as_ref()
        .map_or(current.review_on, |p| p.confirm_by);
    let stage = customer.stage();
    let unknown: Vec<Input> = Input::OPTIONAL_FACTS
        .into_iter()
        .filter(|f| f.applies_to(stage) && is_unknown(customer, *f))
        .collect();
    let mut out = WhatToCollect::default();
    let key = |r: &Recommendation| (r.action, r.is_provisional());
    let now = key(current);
    let decide = |facts: &[Input], values: &[f64], out: &mut WhatToCollect| {
        out.re_decisions += 1;
        let mut changed = customer.clone();
        for (f, v) in facts.iter().zip(values) {
            set_fact(&mut changed, *f, *v);
        }
        let decided = assessor
            .assess_with(&changed, actx)
            .and_then(|a| policy.recommend(&changed, &a, pctx));
        match decided {
            Ok(r) => Some(r),
            Err(_) => {
                out.skipped += 1;
                None
            }
        }
    };
    let mut found: Vec<Found> = Vec::new();
    // Whether a subset of `set` already gives outcome `k`: then `set` is not the smallest.
    let covered = |found: &[Found], set: InputSet, k: (Action, bool)| {
        found.iter().any(|f| {
            f.set.is_subset_of(set)
                && f.set != set
                && f.outcomes.iter().any(|o| (o.action, o.provisional) == k)
        })
    };
    let try_set = |facts: Vec<Input>, found: &mut Vec<Found>, out: &mut WhatToCollect| {
        let set = facts.iter().fold(InputSet::default(), |mut s, f| {
            s.insert(*f);
            s
        });
        let mut outcomes: Vec<FactOutcome> = Vec::new();
        let n = facts.len();
        for combo in 0..(1u32 << n) {
            let values: Vec<f64> = facts
                .iter()
                .enumerate()
                .map(|(i, f)| ends(*f, &ranges)[((combo >> i) & 1) as usize])
                .collect();
            let Some(r) = decide(&facts, &values, out) else {
                continue;
            };
            let k = key(&r);
            if k != now && !covered(found, set, k) {
                outcomes.push(FactOutcome::new(values, r.action, r.rule(), k.1));
            }
        }
        if !outcomes.is_empty() {
            found.push(Found {
                set,
                facts,
                outcomes,
            });
        }
    };
    for f in &unknown {
        try_set(vec![*f], &mut found, &mut out);
    }
    let assessment = assessor.assess_with(customer, actx)?;
    let decisive = decisive_facts(&assessment, current, &unknown);
    for (i, a) in decisive.iter().enumerate() {
        for b in &decisive[i + 1..] {
            let mut pair = vec![*a, *b];
            pair.sort();
            try_set(pair, &mut found, &mut out);
        }
    }
    let mut triples: Vec<Vec<Input>> = Vec::new();
    for group in RULE_GROUPS {
        let members: Vec<Input> = group
            .iter()
            .copied()
            .filter(|f| decisive.contains(f))
            .collect();
        for i in 0..members.len() {
            for j in i + 1..members.len() {
                for k in j + 1..members.len() {
                    let mut t = vec![members[i], members[j], members[k]];
                    t.sort();
                    if !triples.contains(&t) {
                        triples.push(t);
                    }
                }
            }
        }
    }
    for t in triples {
        try_set(t, &mut found, &mut out);
    }
    // Nothing found for facts a decision names: all of them, at the ends that confirm.
    let named = current
        .provisional
        .as_ref()
        .map(|p| p.to_confirm)
        .or(match current.rule() {
            Some(Rule::PendingFacts { missing }) => Some(missing),
            _ => None,
        });
    if let Some(named) = named.filter(|_| found.is_empty()) {
        let facts: Vec<Input> = named.iter().filter(|f| unknown.contains(f)).collect();
        let values: Vec<f64> = facts.iter().map(|f| confirming_end(*f, &ranges)).collect();
        if !facts.is_empty() {
            if let Some(r) = decide(&facts, &values, &mut out) {
                if key(&r) != now {
                    let set = named;
                    found.push(Found {
                        set,
                        facts,
                        outcomes: vec![FactOutcome::new(
                            values,
                            r.action,
                            r.rule(),
                            r.is_provisional(),
                        )],
                    });
                }
            }
        }
    }
    let harshness = current.action.harshness();
    let shift = |f: &Found| {
        f.outcomes
            .iter()
            .map(|o| o.action.harshness().abs_diff(harshness))
            .max()
            .unwrap_or(0)
    };
    found.sort_by(|a, b| {
        a.facts
            .len()
            .cmp(&b.facts.len())
            .then(shift(b).cmp(&shift(a)))
            .then(b.outcomes.len().cmp(&a.outcomes.len()))
            .then(a.facts.cmp(&b.facts))
    });
    out.sets = found
        .into_iter()
        .map(|f| ToCollect::new(f.facts, f.outcomes, by))
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{AssessmentConfig, PlausibleRange, Quadrant};
    use crate::cost::{CostModel, CostModelConfig};
    use crate::policy::{Because, Effect};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A customer with revenue 20,000 a year and no optional fact recorded.
    fn nothing_known() -> Customer {
        Customer::builder("c", "C")
            .currency("USD")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(d(2022, 1, 1))
            .recurring_revenue(Decimal::from(20_000))
            .build()
            .unwrap()
    }

    fn ranges() -> PlausibleRanges {
        PlausibleRanges {
            whitespace_ratio: PlausibleRange {
                low: 0.1,
                high: 0.3,
            },
            historical_growth: PlausibleRange {
                low: -0.2,
                high: 0.8,
            },
            ..PlausibleRanges::default()
        }
    }

    #[test]
    fn facts_without_a_natural_bound_take_the_ends_of_their_plausible_ranges() {
        let r = ranges();
        assert_eq!(ends(Input::HistoricalGrowth, &r), [-0.2, 0.8]);
        assert_eq!(ends(Input::ExpectedGrowth, &r), [0.1, 0.3]);
        assert_eq!(ends(Input::Nps, &r), [-100.0, 100.0]);
        assert_eq!(ends(Input::GoalChanges, &r), [0.0, 12.0]);
        assert_eq!(ends(Input::PlanAdherence, &r), [0.0, 1.0]);
        let mut c = nothing_known();
        set_fact(&mut c, Input::HistoricalGrowth, 0.8);
        assert_eq!(
            c.growth().historical_growth,
            Some(Ratio::new(Decimal::new(8, 1)))
        );
        // Whitespace is a share of the annual revenue; at a positive share an unknown
        // likelihood becomes certain, at zero it stays unknown.
        set_fact(&mut c, Input::ExpectedGrowth, 0.3);
        let whitespace = c.growth().expansion_whitespace.map(|m| m.amount());
        assert_eq!(whitespace, Some(Decimal::from(6_000)));
        assert_eq!(c.growth().likelihood, Some(Probability::ONE));
        let mut none = nothing_known();
        set_fact(&mut none, Input::ExpectedGrowth, 0.0);
        assert_eq!(none.growth().likelihood, None);
        assert!(!is_unknown(&none, Input::ExpectedGrowth));
        assert!(is_unknown(&none, Input::HistoricalGrowth));
    }

    #[test]
    fn whitespace_is_no_cent_more_where_its_measure_reaches_the_end_stated() {
        // A stated likelihood of one half: 30 % of 20,000 is measured as 6,000 × 0.5 / 20,000,
        // exactly the plausible best 0.3 × 0.5 — no cent is added.
        let mut c = nothing_known();
        c.optional_facts_mut().1.likelihood = Some(Probability::new(0.5).unwrap());
        set_fact(&mut c, Input::ExpectedGrowth, 0.3);
        let whitespace = c.growth().expansion_whitespace.map(|m| m.amount());
        assert_eq!(whitespace, Some(Decimal::from(6_000)));
    }

    #[test]
    fn each_optional_fact_is_read_and_set_on_its_own_field() {
        let r = ranges();
        for fact in Input::OPTIONAL_FACTS {
            assert!(is_unknown(&nothing_known(), fact), "{fact:?}");
            let [low, high] = ends(fact, &r);
            let (mut at_low, mut at_high) = (nothing_known(), nothing_known());
            set_fact(&mut at_low, fact, low);
            set_fact(&mut at_high, fact, high);
            assert!(!is_unknown(&at_high, fact), "{fact:?} set at its high end");
            assert!(!is_unknown(&at_low, fact), "{fact:?} set at its low end");
            assert_ne!(at_low, at_high, "{fact:?}: its two ends are two records");
            // Setting one fact leaves every other unknown, but for the likelihood that a
            // positive whitespace makes certain.
            for other in Input::OPTIONAL_FACTS {
                let implied = fact == Input::ExpectedGrowth && other == Input::Likelihood;
                if other != fact && !implied {
                    assert!(is_unknown(&at_high, other), "{fact:?} set {other:?}");
                }
            }
        }
    }

    #[test]
    fn the_confirming_end_takes_away_what_could_protect() {
        let r = ranges();
        // The bad test's behavior facts at the end that is no red flag.
        for fact in [
            Input::MeetingAttendance,
            Input::PlanAdherence,
            Input::Responsiveness,
        ] {
            assert_eq!(confirming_end(fact, &r), 1.0, "{fact:?}");
        }
        assert_eq!(confirming_end(Input::GoalChanges, &r), 0.0);
        // Growth, logo value and liking the product at their low end.
        assert_eq!(confirming_end(Input::HistoricalGrowth, &r), -0.2);
        assert_eq!(confirming_end(Input::ExpectedGrowth, &r), 0.1);
        assert_eq!(confirming_end(Input::Nps, &r), -100.0);
        assert_eq!(confirming_end(Input::Referenceable, &r), 0.0);
    }

    #[test]
    fn decisive_facts_follow_the_rules_that_read_them() {
        let c = nothing_known();
        let assessor = Assessor::new(
            CostModel::new(CostModelConfig::default()).unwrap(),
            AssessmentConfig::default(),
        )
        .unwrap();
        let mut a = assessor
            .assess_with(&c, &AssessmentContext::new(d(2026, 1, 15)))
            .unwrap();
        // Growth known, no class test open, no guardrail: nothing is decisive.
        a.quadrant = Quadrant::place(false, Some(false));
        a.classification.missing.clear();
        a.guardrails.clear();
        let unknown: Vec<Input> = Input::OPTIONAL_FACTS
            .into_iter()
            .filter(|f| is_unknown(&c, *f))
            .collect();
        let plain = Recommendation::new(
            c.id().clone(),
            Action::Retain,
            d(2027, 1, 15),
            Effect::none(c.currency()),
        );
        assert!(decisive_facts(&a, &plain, &unknown).is_empty());
        // Logo value that could offset the margin: its missing facts.
        let mut missing = InputSet::default();
        missing.insert(Input::CaseStudy);
        missing.insert(Input::BrandTier);
        let mut logo = a.clone();
        logo.guardrails.push(Guardrail::LogoMayOffsetMargin {
            logo_score: None,
            best_case: 80.0,
            threshold: 60.0,
            missing,
        });
        assert_eq!(
            decisive_facts(&logo, &plain, &unknown),
            [Input::CaseStudy, Input::BrandTier]
        );
        // A product shaper that may like the product: what it says, then what it does.
        let mut shaper = a.clone();
        shaper.guardrails.push(Guardrail::ProductShaper {
            influence_score: 80.0,
            broad_requests: 3,
            likes: None,
        });
        let said_and_did = decisive_facts(&shaper, &plain, &unknown);
        assert_eq!(said_and_did.len(), 4, "{said_and_did:?}");
        assert!(
            said_and_did.contains(&Input::Nps) && said_and_did.contains(&Input::ContentConsumed)
        );
        // Too few signals held a let-go back: mutual value.
        let held = plain.clone().because(Because::Rule(Rule::TooFewSignals {
            signals: 1,
            required: 2,
        }));
        assert_eq!(
            decisive_facts(&a, &held, &unknown),
            [Input::OutcomesAchieved, Input::RenewalIntent, Input::Nps]
        );
        // Growth unknown: the growth facts.
        let mut growth = a.clone();
        growth.quadrant = Quadrant::place(false, None);
        assert_eq!(
            decisive_facts(&growth, &plain, &unknown),
            [
                Input::ExpectedGrowth,
                Input::Likelihood,
                Input::HistoricalGrowth
            ]
        );
        // Only unknown facts count.
        assert!(decisive_facts(&growth, &plain, &[Input::Nps]).is_empty());
        // The class tests' facts first, then growth, logo and liking: at most ten of them.
        let mut all = growth.clone();
        all.guardrails = [logo.guardrails, shaper.guardrails].concat();
        all.classification.missing = BAD_TEST_INPUTS.to_vec();
        let ten = decisive_facts(&all, &plain, &unknown);
        assert_eq!(ten.len(), MAX_DECISIVE_FACTS);
        assert_eq!(ten[..4], BAD_TEST_INPUTS);
        assert_eq!(
            ten[4..7],
            [
                Input::ExpectedGrowth,
                Input::Likelihood,
                Input::HistoricalGrowth
            ]
        );
        assert_eq!(ten[7..9], [Input::CaseStudy, Input::BrandTier]);
    }
}
