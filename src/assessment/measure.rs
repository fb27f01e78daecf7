//! Measuring the inputs of one customer from its record and its cost to serve.

use crate::assessment::inputs::{Input, Inputs};
use crate::assessment::profile::ProfileMatch;
use crate::assessment::scoring::Scorecard;
use crate::cost::CostToServe;
use crate::customer::{BrandTier, Customer, CustomerId, Level, RequestScope};
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::units::decimal_to_f64;

use crate::assessment::SegmentationConfig;

/// A strategy's scores must be finite and within 0-100: a user strategy is checked, not trusted.
pub(super) fn check_scorecard(id: &CustomerId, card: &Scorecard) -> Result<()> {
    let bad = |field: String, v: f64| {
        Error::invalid(
            Some(id),
            field,
            Problem::OutOfRange {
                value: v.to_string(),
                allowed: "0..=100 (from the scoring strategy)".into(),
            },
        )
    };
    let ok = |v: f64| (0.0..=100.0).contains(&v);
    if !ok(card.overall) {
        return Err(bad("scorecard.overall".into(), card.overall));
    }
    for (d, s) in card.dimensions.iter() {
        for v in [s.score, s.used].into_iter().flatten() {
            if !ok(v) {
                return Err(bad(format!("scorecard.{}", d.as_str()), v));
            }
        }
    }
    Ok(())
}

/// Yearly revenue that growth and lifetime value are measured against: the annualized revenue,
/// or for a customer without revenue (a prospect) the configured base.
pub(super) fn growth_base(
    customer: &Customer,
    cost: &CostToServe,
    seg: &SegmentationConfig,
) -> f64 {
    growth_base_of(customer, cost.revenue, seg)
}

fn growth_base_of(customer: &Customer, revenue: Money, seg: &SegmentationConfig) -> f64 {
    let annual =
        decimal_to_f64(revenue.amount()) * decimal_to_f64(customer.period().annualization_factor());
    if annual > 0.0 {
        annual
    } else {
        decimal_to_f64(seg.growth_base_without_revenue)
    }
}

/// The customer's known whitespace as a share of its yearly revenue (of the configured base
/// without revenue), as expected growth measures it: what a portfolio's plausible range of
/// whitespace is found from. `None` when it is unknown.
pub(crate) fn whitespace_ratio(
    customer: &Customer,
    revenue: Money,
    seg: &SegmentationConfig,
) -> Option<f64> {
    let ws = customer.growth().whitespace().ok().flatten()?;
    Some(decimal_to_f64(ws.amount()) / growth_base_of(customer, revenue, seg))
}

/// Measure every input of `customer`.
pub(super) fn measure(
    customer: &Customer,
    cost: &CostToServe,
    profile: &ProfileMatch,
    typical_ratio: f64,
    seg: &SegmentationConfig,
) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    let id = customer.id();
    inputs.set(Input::ProfileMatch, profile.share());
    inputs.set(Input::Margin, cost.margin.map(|m| m.to_f64()));

    // Resource intensity: cost of people's time per unit of revenue, against the typical.
    let service = cost
        .sum_where(|item| item.role().is_some())
        .map_err(|e| Error::arithmetic(Some(id), "cost.service", e))?;
    if !cost.revenue.is_zero() {
        let ratio = decimal_to_f64(service.amount()) / decimal_to_f64(cost.revenue.amount());
        inputs.set(Input::RelativeIntensity, Some(ratio / typical_ratio));
    }

    let logo = customer.logo();
    let yes_no = |b: Option<bool>| b.map(|b| if b { 1.0 } else { 0.0 });
    let level = |l: Option<Level>| {
        l.map(|l| match l {
            Level::Low => 0.0,
            Level::Medium => 0.5,
            Level::High => 1.0,
        })
    };
    inputs.set(Input::Referenceable, yes_no(logo.referenceable));
    inputs.set(Input::CaseStudy, yes_no(logo.case_study));
    inputs.set(
        Input::BrandTier,
        logo.brand_tier.map(|t| match t {
            BrandTier::Local => 0.0,
            BrandTier::Regional => 1.0 / 3.0,
            BrandTier::National => 2.0 / 3.0,
            BrandTier::Global => 1.0,
        }),
    );
    inputs.set(
        Input::StrategicPositioning,
        level(logo.strategic_positioning),
    );
    inputs.set(Input::FeedbackQuality, level(logo.feedback_quality));

    let b = customer.behavior();
    let share = |s: Option<crate::units::Share>| s.map(|s| s.to_f64());
    inputs.set(Input::MeetingAttendance, share(b.meeting_attendance));
    inputs.set(Input::PlanAdherence, share(b.plan_adherence));
    inputs.set(Input::GoalChanges, b.goal_changes.map(f64::from));
    inputs.set(Input::Responsiveness, share(b.responsiveness));
    inputs.set(Input::OutcomesAchieved, share(b.outcomes_achieved));
    inputs.set(Input::ContentConsumed, share(b.content_consumed));
    inputs.set(Input::RenewalIntent, b.renewal_intent.map(|p| p.get()));
    inputs.set(Input::Nps, b.nps.map(|n| f64::from(n.get())));
    for input in [
        Input::PlanAdherence,
        Input::OutcomesAchieved,
        Input::ContentConsumed,
    ] {
        if !input.applies_to(customer.stage()) {
            inputs.set(input, None);
        }
    }

    // Growth (seed 002): whitespace times the likelihood of seizing it. Without a stated
    // likelihood, it is judged from past behavior: the mean of what is known of attendance,
    // adherence, responsiveness and last year's revenue growth (scored 0.5 + growth, within
    // 0..=1: shrinking by half or more is 0, flat is 0.5, growing by half or more is 1).
    let growth = customer.growth();
    let history = growth
        .historical_growth
        .map(|g| (0.5 + decimal_to_f64(g.get())).clamp(0.0, 1.0));
    let likelihood = growth.likelihood.map(|p| p.get()).or_else(|| {
        let (mut sum, mut n) = (0.0, 0u8);
        for v in [
            inputs.get(Input::MeetingAttendance),
            inputs.get(Input::PlanAdherence),
            inputs.get(Input::Responsiveness),
            history,
        ]
        .into_iter()
        .flatten()
        {
            sum += v;
            n += 1;
        }
        (n > 0).then(|| sum / f64::from(n))
    });
    inputs.set(Input::Likelihood, likelihood);
    inputs.set(
        Input::HistoricalGrowth,
        growth.historical_growth.map(|g| decimal_to_f64(g.get())),
    );
    let whitespace = growth
        .whitespace()
        .map_err(|e| Error::arithmetic(Some(id), "growth.whitespace", e))?;
    // No whitespace means no expected growth, whatever the likelihood.
    match (whitespace, likelihood) {
        (Some(ws), _) if ws.is_zero() => inputs.set(Input::ExpectedGrowth, Some(0.0)),
        (Some(ws), Some(p)) => {
            let base = growth_base(customer, cost, seg);
            inputs.set(
                Input::ExpectedGrowth,
                Some(decimal_to_f64(ws.amount()) * p / base),
            );
        }
        _ => {}
    }

    // Counts, named or not (exact in f64 far beyond any real count).
    let broad = customer.feature_request_count(RequestScope::Broad);
    let custom = customer.feature_request_count(RequestScope::Custom);
    let custom_features = customer.activity().custom_feature_count();
    inputs.set(Input::BroadRequests, Some(broad as f64));
    inputs.set(
        Input::CustomDemands,
        Some(custom.saturating_add(custom_features) as f64),
    );
    Ok(inputs)
}
