//! What to collect next: the unknown facts whose value would change the decision.
//!
//! For every optional fact the record lacks, the customer is decided again with the fact at
//! each end of its range (a share at 0 and 1, NPS at -100 and 100, a yes/no fact at no and
//! yes, ...), by the same assessor and policy. A fact is listed when an end changes the action;
//! the list is ordered most decisive first: the largest change of harshness, then both ends
//! changing it, then the order of [`Input::ALL`].
//!
//! Re-deciding costs one assessment and one recommendation per end of each unknown fact (up
//! to 32), so it is computed on demand rather than in every portfolio run.

use rust_decimal::Decimal;

use crate::assessment::inputs::Input;
use crate::assessment::scoring::ScoringStrategy;
use crate::assessment::{AssessmentContext, Assessor};
use crate::customer::{BrandTier, Customer, Level};
use crate::error::Result;
use crate::money::Money;
use crate::policy::recommendation::{
    FactOutcome, PolicyContext, Recommendation, RecommendationPolicy, ToCollect,
};
use crate::units::{Nps, Probability, Ratio, Share};

/// Goal changes at the high end: one a month over a year.
const MANY_GOAL_CHANGES: u32 = 12;

/// The two ends of a fact's range, in the unit [`Input::show`] prints.
fn ends(fact: Input) -> [f64; 2] {
    match fact {
        Input::Nps => [-100.0, 100.0],
        Input::GoalChanges => [0.0, f64::from(MANY_GOAL_CHANGES)],
        Input::HistoricalGrowth => [-1.0, 1.0],
        // Whitespace as a share of annual revenue: none, or as much again.
        _ => [0.0, 1.0],
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

/// `customer` with `fact` set to `value` (an end from [`ends`]); every value set is valid.
fn with_fact(customer: &Customer, fact: Input, value: f64) -> Customer {
    let mut c = customer.clone();
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
    // Whitespace relative to the annual revenue, or to one unit of money without revenue.
    let annual = customer
        .revenue()
        .amount()
        .checked_mul(customer.period().annualization_factor())
        .filter(|r| !r.is_zero())
        .unwrap_or(Decimal::ONE)
        .round_dp(2);
    let currency = customer.currency();
    let (logo, growth, b) = c.optional_facts_mut();
    match fact {
        Input::ExpectedGrowth => {
            let amount = if high { annual } else { Decimal::ZERO };
            growth.expansion_whitespace = Some(Money::new(amount, currency));
            if growth.likelihood.is_none() && high {
                growth.likelihood = probability(true);
            }
        }
        Input::Likelihood => growth.likelihood = probability(high),
        Input::HistoricalGrowth => {
            growth.historical_growth = Some(Ratio::new(if high {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            }));
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
    c
}

/// The unknown facts of `customer` that would change `current`'s action, most decisive first.
///
/// Each is decided again with the fact at the ends of its range by `assessor` and `policy`
/// in the same contexts; the outcomes listed are the ends that change the action. Setting the
/// fact to a listed value and deciding again gives exactly that outcome.
///
/// # Errors
///
/// Whatever assessing or recommending the changed customer reports.
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
/// assert_eq!(collect[0].fact, Input::ExpectedGrowth);
/// assert_eq!(collect[0].to_string(),
///     "record growth whitespace and the likelihood of seizing it: at 0% → offboard (loses money with little growth potential)");
/// # Ok::<(), custfit::Error>(())
/// ```
pub fn what_to_collect<S, P>(
    assessor: &Assessor<S>,
    policy: &P,
    customer: &Customer,
    actx: &AssessmentContext<'_>,
    pctx: &PolicyContext,
    current: &Recommendation,
) -> Result<Vec<ToCollect>>
where
    S: ScoringStrategy,
    P: RecommendationPolicy + ?Sized,
{
    let mut found: Vec<(u8, usize, usize, ToCollect)> = Vec::new();
    for (order, fact) in Input::OPTIONAL_FACTS.into_iter().enumerate() {
        if !is_unknown(customer, fact) || !fact.applies_to(customer.stage()) {
            continue;
        }
        let mut outcomes = Vec::new();
        for value in ends(fact) {
            let changed = with_fact(customer, fact, value);
            let a = assessor.assess_with(&changed, actx)?;
            let r = policy.recommend(&changed, &a, pctx)?;
            if r.action != current.action {
                outcomes.push(FactOutcome::new(value, r.action, r.rule()));
            }
        }
        if outcomes.is_empty() {
            continue;
        }
        let shift = outcomes
            .iter()
            .map(|o| o.action.harshness().abs_diff(current.action.harshness()))
            .max()
            .unwrap_or(0);
        found.push((shift, outcomes.len(), order, ToCollect::new(fact, outcomes)));
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    Ok(found.into_iter().map(|(_, _, _, t)| t).collect())
}
