//! Property tests of the fit assessment: the rules of issue 3, over generated customers.

mod common;

use common::*;
use custfit::assessment::{Dimension, Override, OverrideTarget};
use custfit::customer::BrandTier;
use custfit::FitAssessment;
use proptest::prelude::*;

fn assess(c: &custfit::Customer) -> FitAssessment {
    assessor().assess(c, as_of()).unwrap()
}

/// Behavior and growth facts layered on generated cost drivers.
fn with_facts(
    x: &Drivers,
    whitespace: i64,
    likelihood: f64,
    brand: u8,
    referenceable: bool,
    industry: bool,
) -> custfit::customer::CustomerBuilder {
    let c = build("p", x);
    let tier = [
        BrandTier::Local,
        BrandTier::Regional,
        BrandTier::National,
        BrandTier::Global,
    ][usize::from(brand % 4)];
    identity("p")
        .industry(if industry { "logistics" } else { "hospitality" })
        .use_case("fleet-tracking")
        .recurring_revenue(c.recurring_revenue().amount())
        .one_time_revenue(c.one_time_revenue().amount())
        .activity(c.activity().clone())
        .expansion_whitespace(rust_decimal::Decimal::from(whitespace))
        .growth_likelihood(likelihood)
        .brand_tier(tier)
        .referenceable(referenceable)
        .meeting_attendance(dec("0.8"))
        .outcomes_achieved(dec("0.6"))
        .renewal_intent(0.7)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Raising any cost never raises the margin score or the overall score.
    #[test]
    fn more_cost_never_raises_margin_or_overall(x in drivers(), which in 0usize..10, by in 1i64..400) {
        let mut y = x.clone();
        match which {
            0 => y.engineering += by,
            1 => y.success += by,
            2 => y.executive += by,
            3 => y.tickets_with_hours.1 += by,
            4 => y.tickets_without_hours += by as u32,
            5 => y.escalations += by as u32,
            6 => y.custom_features += 1,
            7 => y.standby += by,
            8 => y.usage += by * 10_000,
            _ => y.implementation = Some(y.implementation.unwrap_or(0) + by),
        }
        let f = |d: &Drivers| assess(&with_facts(d, 10_000, 0.5, 1, false, true).build().unwrap());
        let (a, b) = (f(&x), f(&y));
        let margin = |a: &FitAssessment| a.scorecard.dimensions.margin.score;
        prop_assert!(margin(&b) <= margin(&a), "{:?} -> {:?}", margin(&a), margin(&b));
        prop_assert!(b.scorecard.overall <= a.scorecard.overall + 1e-9,
            "overall rose from {} to {}", a.scorecard.overall, b.scorecard.overall);
    }

    /// Raising logo value, growth or alignment never lowers the overall score.
    #[test]
    fn better_logo_growth_or_alignment_never_lowers_the_overall(
        x in drivers(), ws in 0i64..500_000, more in 1i64..500_000, p in 0.0f64..0.9, brand in 0u8..3,
    ) {
        let before = assess(&with_facts(&x, ws, p, brand, false, false).build().unwrap()).scorecard.overall;
        let better = [
            with_facts(&x, ws, p, brand + 1, false, false),   // brand tier up
            with_facts(&x, ws, p, brand, true, false),        // now referenceable
            with_facts(&x, ws + more, p, brand, false, false), // more whitespace
            with_facts(&x, ws, p + 0.1, brand, false, false), // more likely
            with_facts(&x, ws, p, brand, false, true),        // in a target industry
        ];
        for b in better {
            let after = assess(&b.build().unwrap()).scorecard.overall;
            prop_assert!(after >= before - 1e-9, "overall fell from {before} to {after}");
        }
    }

    /// Every score lies in 0..=100, and the same input gives the same assessment.
    #[test]
    fn scores_are_bounded_and_deterministic(c in customer()) {
        let a = assess(&c);
        prop_assert!((0.0..=100.0).contains(&a.scorecard.overall));
        for (_, s) in a.scorecard.dimensions.iter() {
            if let Some(v) = s.score { prop_assert!((0.0..=100.0).contains(&v)); }
        }
        prop_assert!((0.0..=1.0).contains(&a.scorecard.confidence.share));
        prop_assert_eq!(assess(&c.clone()), a);
    }

    /// Assessments survive a serde round trip.
    #[test]
    fn assessments_round_trip_through_json(c in customer()) {
        let a = assess(&c);
        let back: FitAssessment = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        prop_assert_eq!(back, a);
    }

    /// An override never changes the computed value.
    #[test]
    fn overrides_never_change_the_computed_scorecard(c in customer(), score in 0.0f64..=100.0, dim in 0usize..8) {
        let plain = assess(&c);
        let o = [
            Override::new(c.id(), OverrideTarget::Dimension(Dimension::ALL[dim]), score, "r", "a", d(2030, 1, 1)).unwrap(),
            Override::new(c.id(), OverrideTarget::Overall, score, "r", "a", d(2030, 1, 1)).unwrap(),
        ];
        let ctx = custfit::AssessmentContext { overrides: &o, ..custfit::AssessmentContext::new(as_of()) };
        let with = assessor().assess_with(&c, &ctx).unwrap();
        prop_assert_eq!(&with.scorecard, &plain.scorecard);
        prop_assert_eq!(with.effective_overall(), score);
        prop_assert_eq!(with.effective_score(Dimension::ALL[dim]), Some(score));
    }
}

/// Inputs with each of them unknown or at a value within (and a little beyond) its range.
fn inputs() -> impl Strategy<Value = custfit::assessment::Inputs> {
    use custfit::assessment::Input;
    proptest::collection::vec(proptest::option::of(-0.5f64..1.5), Input::ALL.len()).prop_map(
        |values| {
            let mut inputs = custfit::assessment::Inputs::default();
            for (input, value) in Input::ALL.into_iter().zip(values) {
                // NPS and goal changes have their own units.
                let value = match input {
                    Input::Nps => value.map(|v| v * 200.0 - 100.0),
                    Input::GoalChanges | Input::BroadRequests | Input::CustomDemands => {
                        value.map(|v| (v * 8.0).round().max(0.0))
                    }
                    _ => value,
                };
                inputs.set(input, value);
            }
            inputs
        },
    )
}

/// A strategy that only scores: the dimension scores are taken from its scorecards.
struct ScoreOnly<S>(S);

impl<S: custfit::assessment::scoring::ScoringStrategy> custfit::assessment::scoring::ScoringStrategy
    for ScoreOnly<S>
{
    fn score(
        &self,
        inputs: &custfit::assessment::Inputs,
        ctx: &custfit::assessment::scoring::ScoringContext,
    ) -> custfit::Result<custfit::assessment::scoring::Scorecard> {
        self.0.score(inputs, ctx)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// The shipped strategies' dimension scores alone are those of their scorecards, through
    /// every forwarding implementation.
    #[test]
    fn dimension_scores_alone_are_the_scorecards(
        inputs in inputs(),
        stage in 0usize..4,
        new_customer in any::<bool>(),
    ) {
        use custfit::assessment::scoring::{MarginFirst, ScoringContext, ScoringStrategy, WeightedScorecard};
        use custfit::customer::LifecycleStage;
        let stage = [
            LifecycleStage::Prospect,
            LifecycleStage::Onboarding,
            LifecycleStage::Active,
            LifecycleStage::Churned,
        ][stage];
        let ctx = ScoringContext { stage, new_customer };
        let strategies: [Box<dyn ScoringStrategy>; 4] = [
            Box::new(WeightedScorecard::default()),
            Box::new(MarginFirst::default()),
            Box::new(std::sync::Arc::new(MarginFirst::default())),
            Box::new(ScoreOnly(WeightedScorecard::default())),
        ];
        for strategy in &strategies {
            let card = strategy.score(&inputs, &ctx).unwrap();
            let alone = strategy.score_dimensions(&inputs, &ctx).unwrap();
            for d in Dimension::ALL {
                let bits = |s: Option<f64>| s.map(f64::to_bits);
                prop_assert_eq!(bits(*alone.get(d)), bits(card.dimensions.get(d).score), "{:?}", d);
            }
        }
    }

    /// An assessment whose best cases are scored in full is the one whose best cases are
    /// scored by dimension alone.
    #[test]
    fn best_cases_scored_alone_give_the_same_assessment(c in customer()) {
        let full = assessor().with_strategy(ScoreOnly(custfit::assessment::scoring::WeightedScorecard::default()));
        prop_assert_eq!(full.assess(&c, as_of()).unwrap(), assess(&c));
    }
}
