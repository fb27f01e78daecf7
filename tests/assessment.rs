//! Fit assessment: scenario tests written from the articles (each names its passage), the
//! scorecard's rules, pluggable strategies, overrides and "why it changed".

mod common;

use common::*;
use custfit::assessment::scoring::{
    from_fn, MarginFirst, MissingPolicy, Rag, Scorecard, ScorecardConfig, ScoringContext,
    ScoringStrategy, WeightedScorecard,
};
use custfit::assessment::{
    Criterion, Dimension, FitClass, Guardrail, Input, Inputs, Override, OverrideStatus,
    OverrideTarget, Quadrant,
};
use custfit::customer::{BrandTier, Level, LifecycleStage, RequestScope, Severity};

fn score(a: &custfit::FitAssessment, d: Dimension) -> f64 {
    a.scorecard
        .dimensions
        .get(d)
        .score
        .expect("dimension scored")
}

/// Seed 001 §1: "Are they in your target industries? Do their use cases match your product's
/// core strengths? Will they benefit from your strategic roadmap?"
#[test]
fn seed_001_1_strategic_alignment_follows_the_profile() {
    let inside = assessor()
        .assess(&healthy("in").build().unwrap(), as_of())
        .unwrap();
    assert_eq!(score(&inside, Dimension::StrategicAlignment), 100.0);
    let outside = base("out")
        .industry("hospitality")
        .use_case("event-ticketing")
        .roadmap_interest("stage-lighting")
        .segment("smb")
        .recurring_revenue(dec("100000"))
        .build()
        .unwrap();
    let a = assessor().assess(&outside, as_of()).unwrap();
    assert_eq!(score(&a, Dimension::StrategicAlignment), 0.0);
    assert!(a.profile.fails(Criterion::Industry));
    assert!(a.profile.fails(Criterion::UseCase));
    assert!(a.profile.fails(Criterion::Roadmap));
    // Unknown facts are not counted as failures: they stay visible as unknown.
    let unknown = base("unknown")
        .use_case("fleet-tracking")
        .roadmap_interest("stage-lighting")
        .build()
        .unwrap();
    let m = assessor().assess(&unknown, as_of()).unwrap().profile;
    assert!(m.unknown().any(|c| c == Criterion::Industry));
    assert_eq!(m.share(), Some(2.0 / 4.0)); // use case matched (2), roadmap failed (2)
}

/// Seed 001 §2: "some of your largest revenue customers may actually be your least profitable
/// when all costs are considered."
#[test]
fn seed_001_2_the_largest_customer_can_be_the_least_profitable() {
    let large = healthy("large")
        .recurring_revenue(dec("400000"))
        .engineering_hours(dec("2500"))
        .executive_hours(dec("200"))
        .custom_feature("bespoke ERP sync")
        .build()
        .unwrap();
    let small = healthy("small")
        .recurring_revenue(dec("60000"))
        .build()
        .unwrap();
    let (l, s) = (
        assessor().assess(&large, as_of()).unwrap(),
        assessor().assess(&small, as_of()).unwrap(),
    );
    assert!(l.cost.revenue.amount() > s.cost.revenue.amount());
    assert!(l.cost.margin.unwrap() < s.cost.margin.unwrap());
    assert!(score(&l, Dimension::Margin) < score(&s, Dimension::Margin));
}

/// Seed 001 §3: "Engineering and product development time, support ticket volume, customer
/// success management hours, executive attention and firefighting."
#[test]
fn seed_001_3_resource_consumption_lowers_the_intensity_score() {
    let light = assessor()
        .assess(&healthy("light").build().unwrap(), as_of())
        .unwrap();
    let heavy = healthy("heavy")
        .tickets(Severity::Critical, 30, Some(dec("300")))
        .engineering_hours(dec("300"))
        .executive_hours(dec("80"))
        .escalations(6)
        .build()
        .unwrap();
    let heavy = assessor().assess(&heavy, as_of()).unwrap();
    assert!(
        heavy.inputs.get(Input::RelativeIntensity) > light.inputs.get(Input::RelativeIntensity)
    );
    assert!(
        score(&heavy, Dimension::ResourceIntensity) < score(&light, Dimension::ResourceIntensity)
    );
    assert!(
        score(&light, Dimension::ResourceIntensity) > 50.0,
        "a light customer scores high"
    );
}

/// Seed 001 §4: "A customer with exceptional logo value might justify lower margins."
#[test]
fn seed_001_4_logo_value_offsets_a_thin_margin() {
    let thin = || {
        healthy("logo")
            .recurring_revenue(dec("60000"))
            .engineering_hours(dec("500"))
    };
    let famous = top_logo(thin()).build().unwrap();
    let plain = thin()
        .brand_tier(BrandTier::Local)
        .strategic_positioning(Level::Low)
        .feedback_quality(Level::Low)
        .build()
        .unwrap();
    let (f, p) = (
        assessor().assess(&famous, as_of()).unwrap(),
        assessor().assess(&plain, as_of()).unwrap(),
    );
    let m = f.cost.margin.unwrap().to_f64();
    assert!((-0.15..0.10).contains(&m), "thin margin, got {m}");
    assert_eq!(score(&f, Dimension::LogoValue), 100.0);
    assert!(f.has_guardrail(|g| matches!(g, Guardrail::LogoOffsetsMargin { .. })));
    assert!(!p.has_guardrail(|g| matches!(g, Guardrail::LogoOffsetsMargin { .. })));
    assert!(f.scorecard.overall > p.scorecard.overall);
}

/// Seed 002: bad-fit customers "might follow all your recommendations, show up for every
/// meeting ... but they are still not successful".
#[test]
fn seed_002_bad_fit_is_engaged_and_still_not_successful() {
    let c = healthy("badfit")
        .meeting_attendance(dec("0.95"))
        .plan_adherence(dec("0.9"))
        .content_consumed(dec("0.9"))
        .outcomes_achieved(dec("0.2"))
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(a.classification.class, FitClass::BadFit);
    assert_eq!(a.classification.signals.len(), 4);
}

/// Seed 002: bad customers "are changing goals every month, are not sticking to the plan,
/// don't show up for meetings repeatedly".
#[test]
fn seed_002_bad_customer_disqualifies_itself_by_behavior() {
    let c = healthy("bad")
        .meeting_attendance(dec("0.3"))
        .plan_adherence(dec("0.25"))
        .goal_changes(6)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(a.classification.class, FitClass::Bad);
    assert_eq!(a.classification.signals.len(), 3);
    assert_eq!(
        a.classification.signals[0].to_string(),
        "meeting attendance 30% is at most 50%"
    );
}

/// Seed 002 with DESIGN's precedence: a customer with both profiles is "bad", not "bad fit".
#[test]
fn seed_002_bad_takes_precedence_over_bad_fit() {
    let c = healthy("both")
        .meeting_attendance(dec("0.9"))
        .plan_adherence(dec("0.9"))
        .content_consumed(dec("0.9"))
        .outcomes_achieved(dec("0.1"))
        .goal_changes(5)
        .responsiveness(dec("0.2"))
        .build()
        .unwrap();
    assert_eq!(
        assessor().assess(&c, as_of()).unwrap().classification.class,
        FitClass::Bad
    );
}

/// Never decide on one signal alone: one missed-meetings signal does not make a bad customer.
#[test]
fn one_red_flag_alone_does_not_make_a_bad_customer() {
    let c = healthy("one")
        .meeting_attendance(dec("0.2"))
        .build()
        .unwrap();
    assert_ne!(
        assessor().assess(&c, as_of()).unwrap().classification.class,
        FitClass::Bad
    );
}

/// Seed 002: "if customers are fairly new they are often delivering zero or negative margins
/// as well. This is why we need to look at their growth potential."
#[test]
fn seed_002_new_customer_with_negative_margin_and_growth_is_not_a_dog() {
    let new = || {
        healthy("new")
            .customer_since(d(2025, 10, 1))
            .recurring_revenue(dec("20000"))
            .implementation(dec("300"), d(2025, 11, 1), None)
            .success_hours(dec("120"))
            .expansion_whitespace(dec("80000"))
            .growth_likelihood(0.7)
    };
    let a = assessor().assess(&new().build().unwrap(), as_of()).unwrap();
    assert!(a.cost.margin.unwrap().to_f64() < 0.0);
    assert_eq!(a.quadrant, Quadrant::QuestionMark);
    assert!(a.has_guardrail(|g| matches!(
        g,
        Guardrail::NewCustomer {
            tenure_months: 3,
            ..
        }
    )));
    // The same figures for an established customer weigh margin more and score lower.
    let old = new().customer_since(d(2021, 1, 1)).build().unwrap();
    let o = assessor().assess(&old, as_of()).unwrap();
    assert!(
        o.guardrails.is_empty() || !o.has_guardrail(|g| matches!(g, Guardrail::NewCustomer { .. }))
    );
    assert!(a.scorecard.overall > o.scorecard.overall);
}

/// Seed 002: "The customers you want to get rid of are what's labeled as 'Poor Dogs'."
#[test]
fn seed_002_poor_dog_loses_money_with_little_growth() {
    let c = dog("dog").build().unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(a.quadrant, Quadrant::Dog);
    assert_eq!(a.scorecard.grade.rag, Rag::Red);
}

/// Seed 000: "If the customer fundamentally likes your offering, but expects more and is
/// pushing you for features that will benefit others over time, than hold on to that customer."
#[test]
fn seed_000_demanding_customer_whose_requests_help_others() {
    let c = healthy("shaper")
        .tickets(Severity::High, 60, Some(dec("400")))
        .executive_hours(dec("40"))
        .escalations(4)
        .feature_request("bulk route import", RequestScope::Broad)
        .feature_request("carbon report API", RequestScope::Broad)
        .feature_request("multi-depot planning", RequestScope::Broad)
        .nps(50)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(a.classification.class, FitClass::ChallengingButWorthIt);
    assert!(a.has_guardrail(|g| matches!(
        g,
        Guardrail::ProductShaper {
            broad_requests: 3,
            ..
        }
    )));
    assert!(score(&a, Dimension::ProductInfluence) > 80.0);
}

/// Seed 003: the prospect "simply did not understand the mutual benefit of the relationship".
#[test]
fn seed_003_no_mutual_value_scores_low() {
    let c = healthy("one-way")
        .outcomes_achieved(dec("0.1"))
        .renewal_intent(0.1)
        .nps(-60)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert!(score(&a, Dimension::MutualValue) < 15.0);
    let good = assessor()
        .assess(&healthy("two-way").build().unwrap(), as_of())
        .unwrap();
    assert!(score(&good, Dimension::MutualValue) > 75.0);
}

/// Seed 004: "Customers from outside this basic profile – those that exhaust resources ... or
/// generate minimal profit – often cause more harm than good."
#[test]
fn seed_004_outside_the_profile_minimal_profit_exhausting_resources() {
    let c = base("misfit")
        .industry("public-sector")
        .use_case("custom-reporting")
        .segment("enterprise")
        .recurring_revenue(dec("90000"))
        .engineering_hours(dec("600"))
        .success_hours(dec("150"))
        .custom_feature("report builder")
        .custom_feature("legacy SSO")
        .feature_request("bespoke audit export", RequestScope::Custom)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(score(&a, Dimension::StrategicAlignment), 0.0);
    assert!(score(&a, Dimension::ResourceIntensity) < 20.0);
    assert!(score(&a, Dimension::ProductInfluence) < 30.0);
    assert!(a.cost.margin.unwrap().to_f64() < 0.10);
    // Nothing is known of its growth potential: placed on the known axis only, not as a dog.
    assert_eq!(a.quadrant, Quadrant::UnprofitableGrowthUnknown);
    assert_eq!(a.scorecard.grade.rag, Rag::Red);
}

#[test]
fn grade_edges_belong_to_the_higher_band() {
    let config = ScorecardConfig::default();
    assert_eq!(config.grade(80.0).letter, 'A');
    assert_eq!(config.grade(79.999).letter, 'B');
    assert_eq!(config.grade(65.0).rag, Rag::Green);
    assert_eq!(config.grade(64.9).rag, Rag::Amber);
    assert_eq!(config.grade(0.0).letter, 'F');
    assert_eq!(config.grade(100.0).letter, 'A');
}

#[test]
fn scorecard_configuration_is_validated() {
    let err = |f: fn(&mut ScorecardConfig)| {
        let mut c = ScorecardConfig::default();
        f(&mut c);
        WeightedScorecard::new(c).unwrap_err().to_string()
    };
    assert_eq!(
        err(|c| c.weights.margin = 0.0),
        "configuration field `weights.margin`: must lie in a positive finite number, got 0"
    );
    assert_eq!(
        err(|c| c.grades.pop().map(|_| ()).unwrap_or(())),
        "configuration field `grades`: the last band must start at 0 so that bands cover 0-100"
    );
    assert_eq!(
        err(|c| c.grades.swap(0, 1)),
        "configuration field `grades`: bands must be listed highest first, without ties"
    );
    assert_eq!(
        err(|c| c.margin_scale =
            custfit::assessment::scoring::Scale::new(vec![(0.0, 90.0), (1.0, 10.0)]).unwrap()),
        "configuration field `margin_scale`: scores must not decrease as margin rises"
    );
    assert!(custfit::assessment::scoring::Scale::new(vec![(0.0, 10.0)]).is_err());
    assert!(custfit::assessment::scoring::Scale::new(vec![(1.0, 10.0), (0.0, 20.0)]).is_err());
    assert!(custfit::assessment::scoring::Scale::new(vec![(0.0, 10.0), (1.0, 120.0)]).is_err());
    let json = r#"{"weights": {"strategic_alignment": -1, "margin": 1, "resource_intensity": 1, "logo_value": 1, "growth_potential": 1, "behavior_success": 1, "product_influence": 1, "mutual_value": 1}}"#;
    assert!(serde_json::from_str::<WeightedScorecard>(json).is_err());
}

#[test]
fn missing_data_policy_renormalize_neutral_worst() {
    // No logo facts at all: the logo dimension is missing.
    let c = base("m")
        .industry("logistics")
        .recurring_revenue(dec("50000"))
        .build()
        .unwrap();
    let run = |policy| {
        let config = ScorecardConfig {
            missing: policy,
            ..Default::default()
        };
        assessor()
            .with_strategy(WeightedScorecard::new(config).unwrap())
            .assess(&c, as_of())
            .unwrap()
    };
    let (r, n, w) = (
        run(MissingPolicy::Renormalize),
        run(MissingPolicy::Neutral),
        run(MissingPolicy::Worst),
    );
    assert_eq!(r.scorecard.dimensions.logo_value.score, None);
    assert_eq!(r.scorecard.dimensions.logo_value.weight, 0.0);
    assert_eq!(n.scorecard.dimensions.logo_value.used, Some(50.0));
    assert_eq!(w.scorecard.dimensions.logo_value.used, Some(0.0));
    assert!(w.scorecard.overall < n.scorecard.overall);
    assert!(r.scorecard.confidence.share < 1.0);
    assert!(r
        .scorecard
        .confidence
        .missing_inputs
        .contains(Input::BrandTier));
    assert_eq!(r.scorecard.confidence, n.scorecard.confidence);
}

#[test]
fn the_scorecard_differs_by_lifecycle_stage() {
    let config = ScorecardConfig {
        new_customer_weights: None,
        ..Default::default()
    };
    let onboarding = config.weights_by_stage[&LifecycleStage::Onboarding];
    assert!(onboarding.growth_potential > config.weights.growth_potential);
    let strategy = WeightedScorecard::new(config).unwrap();
    let c = |stage| healthy("s").stage(stage).build().unwrap();
    let a = assessor().with_strategy(strategy.clone());
    let on = a.assess(&c(LifecycleStage::Onboarding), as_of()).unwrap();
    let act = a.assess(&c(LifecycleStage::Active), as_of()).unwrap();
    assert!(
        on.scorecard.dimensions.growth_potential.weight
            > act.scorecard.dimensions.growth_potential.weight
    );
}

#[test]
fn margin_first_ranks_differently_from_the_default() {
    // A: high margin, little else. B: thin margin, strong on everything else.
    let a = base("A")
        .industry("hospitality")
        .recurring_revenue(dec("100000"))
        .meeting_attendance(dec("0.4"))
        .outcomes_achieved(dec("0.3"))
        .renewal_intent(0.3)
        .build()
        .unwrap();
    let b = healthy("B")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("600"))
        .referenceable(true)
        .brand_tier(BrandTier::Global)
        .build()
        .unwrap();
    let default = assessor();
    let margin_first = assessor().with_strategy(MarginFirst::default());
    let overall = |x: &custfit::Assessor<_>, c| {
        let a: custfit::FitAssessment = x.assess(c, as_of()).unwrap();
        a.scorecard.overall
    };
    assert!(overall(&default, &b) > overall(&default, &a));
    let mf = |c| margin_first.assess(c, as_of()).unwrap().scorecard.overall;
    assert!(mf(&a) > mf(&b));
}

/// A strategy defined outside the crate, used as a trait object and as a closure.
struct Pessimist;

impl ScoringStrategy for Pessimist {
    fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> custfit::Result<Scorecard> {
        let mut card = WeightedScorecard::default().score(inputs, ctx)?;
        let worst = card
            .dimensions
            .iter()
            .filter_map(|(_, s)| s.score)
            .fold(100.0, f64::min);
        card.overall = worst;
        card.grade = ScorecardConfig::default().grade(worst);
        Ok(card)
    }
}

#[test]
fn a_user_defined_strategy_plugs_in() {
    let boxed: Box<dyn ScoringStrategy> = Box::new(Pessimist);
    let c = healthy("u").build().unwrap();
    let a = assessor().with_strategy(boxed).assess(&c, as_of()).unwrap();
    let min = a
        .scorecard
        .dimensions
        .iter()
        .filter_map(|(_, s)| s.score)
        .fold(100.0, f64::min);
    assert_eq!(a.scorecard.overall, min);

    let constant = from_fn(|inputs, ctx| {
        let mut card = WeightedScorecard::default().score(inputs, ctx)?;
        card.overall = 42.0;
        Ok(card)
    });
    let a = assessor()
        .with_strategy(constant)
        .assess(&c, as_of())
        .unwrap();
    assert_eq!(a.scorecard.overall, 42.0);
    let shared = std::sync::Arc::new(Pessimist);
    assert!(assessor().with_strategy(shared).assess(&c, as_of()).is_ok());
}

#[test]
fn overrides_show_both_values_and_expire() {
    let c = healthy("o").build().unwrap();
    let computed = assessor().assess(&c, as_of()).unwrap();
    let logo = Override::new(
        "o",
        OverrideTarget::Dimension(Dimension::LogoValue),
        95.0,
        "keynote at our conference",
        "Jana Weber",
        d(2026, 3, 31),
    )
    .unwrap();
    let stale = Override::new(
        "o",
        OverrideTarget::Overall,
        10.0,
        "old worry",
        "Max",
        d(2025, 12, 31),
    )
    .unwrap();
    let overrides = [logo, stale];
    let ctx = custfit::AssessmentContext {
        overrides: &overrides,
        ..custfit::AssessmentContext::new(as_of())
    };
    let a = assessor().assess_with(&c, &ctx).unwrap();
    // The computed scorecard is untouched.
    assert_eq!(a.scorecard, computed.scorecard);
    assert_eq!(a.effective_score(Dimension::LogoValue), Some(95.0));
    assert_eq!(a.overrides[0].status, OverrideStatus::Applied);
    assert_eq!(
        a.overrides[0].computed,
        computed.scorecard.dimensions.logo_value.score
    );
    assert_eq!(a.overrides[1].status, OverrideStatus::Expired);
    assert!(a.effective_overall() > a.scorecard.overall);
    // On its expiry date it still applies; the day after it does not.
    let on_expiry = custfit::AssessmentContext {
        overrides: &overrides[..1],
        ..custfit::AssessmentContext::new(d(2026, 3, 31))
    };
    assert_eq!(
        assessor().assess_with(&c, &on_expiry).unwrap().overrides[0].status,
        OverrideStatus::Applied
    );
    let after = custfit::AssessmentContext {
        overrides: &overrides[..1],
        ..custfit::AssessmentContext::new(d(2026, 4, 1))
    };
    let a = assessor().assess_with(&c, &after).unwrap();
    assert_eq!(
        a.effective_score(Dimension::LogoValue),
        a.scorecard.dimensions.logo_value.score
    );

    let other =
        [Override::new("x", OverrideTarget::Overall, 10.0, "r", "a", d(2030, 1, 1)).unwrap()];
    let ctx = custfit::AssessmentContext {
        overrides: &other,
        ..custfit::AssessmentContext::new(as_of())
    };
    assert!(assessor().assess_with(&c, &ctx).is_err());
    assert_eq!(
        Override::new("o", OverrideTarget::Overall, 101.0, "r", "a", as_of())
            .unwrap_err()
            .to_string(),
        "customer `o`: field `override.score`: must lie in 0..=100, got 101"
    );
    assert!(Override::new("o", OverrideTarget::Overall, 50.0, " ", "a", as_of()).is_err());
}

#[test]
fn diff_lists_what_moved_and_which_inputs_caused_it() {
    let before = assessor()
        .assess(&healthy("d").build().unwrap(), d(2025, 10, 1))
        .unwrap();
    let after = healthy("d")
        .engineering_hours(dec("400"))
        .nps(-20)
        .build()
        .unwrap();
    let after = assessor().assess(&after, as_of()).unwrap();
    let diff = after.changes_since(&before).unwrap();
    assert!(diff.overall.1 < diff.overall.0);
    let moved: Vec<Dimension> = diff.dimensions.iter().map(|c| c.dimension).collect();
    assert!(moved.contains(&Dimension::Margin));
    assert!(moved.contains(&Dimension::ResourceIntensity));
    assert!(moved.contains(&Dimension::MutualValue));
    assert!(!moved.contains(&Dimension::LogoValue));
    // Ordered by effect on the overall score.
    for w in diff.dimensions.windows(2) {
        assert!(w[0].effect.abs() >= w[1].effect.abs());
    }
    let mutual = diff
        .dimensions
        .iter()
        .find(|c| c.dimension == Dimension::MutualValue)
        .unwrap();
    assert_eq!(mutual.inputs.len(), 1);
    assert_eq!(mutual.inputs[0].input, Input::Nps);
    assert_eq!(
        (mutual.inputs[0].from, mutual.inputs[0].to),
        (Some(40.0), Some(-20.0))
    );
    assert!(diff.to_string().starts_with("overall "));
    let stranger = assessor()
        .assess(&healthy("e").build().unwrap(), as_of())
        .unwrap();
    assert!(after.changes_since(&stranger).is_err());
}

#[test]
fn top_reasons_put_guardrails_and_signals_before_dimensions() {
    let c = healthy("r")
        .customer_since(d(2025, 11, 1))
        .meeting_attendance(dec("0.2"))
        .plan_adherence(dec("0.3"))
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let reasons = a.top_reasons(4);
    assert!(matches!(
        reasons[0],
        custfit::assessment::Reason::Guardrail(Guardrail::NewCustomer { .. })
    ));
    assert!(matches!(reasons[1], custfit::assessment::Reason::Signal(_)));
    assert!(reasons.iter().all(|r| !r.to_string().is_empty()));
}

#[test]
fn segmentation_configuration_is_validated() {
    let mut config = assessment_config();
    config.segmentation.bad_min_signals = 1;
    assert_eq!(
        custfit::Assessor::new(simple_model(), config).unwrap_err().to_string(),
        "configuration field `segmentation.bad_min_signals`: a decision is never made on one signal alone: at least 2"
    );
    let mut config = assessment_config();
    config.segmentation.growth_line = 120.0;
    assert!(custfit::Assessor::new(simple_model(), config).is_err());
}

/// Seed 000: "Once you tally up the cost of acquiring a customer and compare it against their
/// lifetime value, the monetary impact can be substantial." With retention models configured,
/// each assessment carries a lifetime value and the growth dimension uses it.
#[test]
fn seed_000_lifetime_value_feeds_the_growth_dimension() {
    use custfit::assessment::{LifetimeValueConfig, SegmentKey};
    use custfit::retention::{RetentionModel, RetentionModels, ShiftedBetaGeometric};
    // Fader & Hardie's "regular" segment as the default; enterprise churns far less.
    let regular = ShiftedBetaGeometric::new(0.704, 1.182).unwrap();
    let enterprise = ShiftedBetaGeometric::new(1.5, 12.0).unwrap();
    let mut config = assessment_config();
    config.lifetime_value = Some(LifetimeValueConfig {
        models: RetentionModels::new(RetentionModel::new(regular, 12).unwrap())
            .with_segment("enterprise", RetentionModel::new(enterprise, 12).unwrap()),
        discount_rate: 0.10,
        segment_key: SegmentKey::Segment,
    });
    let with_ltv = custfit::Assessor::new(simple_model(), config.clone()).unwrap();
    // Signed 2023-01-01, annual terms: on 2026-01-15 it has renewed 3 times.
    let c = healthy("ltv")
        .acquisition_cost(dec("40000"))
        .contract(custfit::Contract::builder(d(2025, 1, 1), d(2025, 12, 31)))
        .build()
        .unwrap();
    let a = with_ltv.assess(&c, as_of()).unwrap();
    let ltv = a.lifetime_value.clone().expect("lifetime value");
    assert_eq!(ltv.renewals, Some(3));
    // A full-year period and annual terms: margin per period is the period's margin.
    assert_eq!(ltv.margin_per_period, a.cost.gross_margin);
    let derl = regular.derl(0.10, 3).unwrap();
    let expected = regular
        .lifetime_value(a.cost.gross_margin, 3, 0.10)
        .unwrap();
    assert_eq!(ltv.value, expected);
    assert!(
        (ltv.value.amount().to_string().parse::<f64>().unwrap()
            - derl
                * a.cost
                    .gross_margin
                    .amount()
                    .to_string()
                    .parse::<f64>()
                    .unwrap())
        .abs()
            < 0.01
    );
    assert_eq!(
        ltv.ltv_to_cac,
        Some(ltv.value.amount() / rust_decimal::Decimal::from(40_000))
    );
    assert!(a.inputs.get(Input::LifetimeValue).is_some());
    let without = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(without.lifetime_value, None);
    assert_ne!(
        a.scorecard.dimensions.growth_potential.score,
        without.scorecard.dimensions.growth_potential.score
    );

    // The enterprise model (lower churn) gives a higher lifetime value.
    let ent = healthy("ltv-e")
        .segment("enterprise")
        .contract(custfit::Contract::builder(d(2025, 1, 1), d(2025, 12, 31)))
        .build()
        .unwrap();
    let e = with_ltv.assess(&ent, as_of()).unwrap();
    assert!(e.lifetime_value.unwrap().value.amount() > ltv.value.amount());

    // A prospect is valued from signing.
    let prospect = base("pros")
        .stage(LifecycleStage::Prospect)
        .recurring_revenue(dec("50000"))
        .build()
        .unwrap();
    let p = with_ltv.assess(&prospect, as_of()).unwrap();
    assert_eq!(p.lifetime_value.unwrap().renewals, None);

    config.lifetime_value.as_mut().unwrap().discount_rate = 0.0;
    assert!(custfit::Assessor::new(simple_model(), config).is_err());
}

#[test]
fn dimension_groups_subtotal_the_scorecard() {
    let a = assessor()
        .assess(&healthy("g").build().unwrap(), as_of())
        .unwrap();
    let config = ScorecardConfig::default();
    let groups = config.group_scores(&a.scorecard);
    let names: Vec<&str> = groups.keys().map(String::as_str).collect();
    assert_eq!(names, ["financial", "growth", "relationship", "strategic"]);
    // Weights add up to the whole, and the weighted group scores to the overall.
    let weight: f64 = groups.values().map(|g| g.weight).sum();
    assert!((weight - 1.0).abs() < 1e-9);
    let overall: f64 = groups.values().map(|g| g.score * g.weight).sum();
    assert!((overall - a.scorecard.overall).abs() < 1e-9);
    let financial = groups["financial"];
    let m = &a.scorecard.dimensions;
    let expected = (m.margin.used.unwrap() * m.margin.weight
        + m.resource_intensity.used.unwrap() * m.resource_intensity.weight)
        / (m.margin.weight + m.resource_intensity.weight);
    assert!((financial.score - expected).abs() < 1e-9);
}

#[test]
fn a_strategy_scoring_outside_0_to_100_is_refused_not_trusted() {
    let nan = from_fn(|inputs, ctx| {
        let mut card = WeightedScorecard::default().score(inputs, ctx)?;
        card.overall = f64::NAN;
        Ok(card)
    });
    let err = assessor()
        .with_strategy(nan)
        .assess(&healthy("n").build().unwrap(), as_of())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "customer `n`: field `scorecard.overall`: must lie in 0..=100 (from the scoring strategy), got NaN"
    );
    let high = from_fn(|inputs, ctx| {
        let mut card = WeightedScorecard::default().score(inputs, ctx)?;
        card.dimensions.margin.score = Some(140.0);
        Ok(card)
    });
    assert!(assessor()
        .with_strategy(high)
        .assess(&healthy("h").build().unwrap(), as_of())
        .is_err());
}

/// The dimension reasons are every dimension whose used score moves the overall by at least
/// 0.05 points, with that effect — (score - 50) × weight — largest first, after the guardrails
/// and signals; `top_reasons(n)` is the first `n` of them all. Checked on every sample customer.
#[test]
fn dimension_reasons_are_the_weighty_dimensions_largest_first() {
    use custfit::assessment::Reason;
    let config: custfit::Config =
        serde_json::from_str(include_str!("../examples/data/config.json")).unwrap();
    let assessor = config.assessor().unwrap();
    let customers: Vec<custfit::Customer> =
        serde_json::from_str(include_str!("../examples/data/customers.json")).unwrap();
    let (mut sorted_somewhere, mut several) = (false, false);
    for c in &customers {
        let Ok(a) = assessor.assess(c, as_of()) else {
            continue;
        };
        let all = a.top_reasons(usize::MAX);
        for n in 0..all.len() {
            assert_eq!(a.top_reasons(n), all[..n]);
        }
        let first_dimension = all
            .iter()
            .position(|r| matches!(r, Reason::Dimension { .. }))
            .unwrap_or(all.len());
        assert!(all[first_dimension..]
            .iter()
            .all(|r| matches!(r, Reason::Dimension { .. })));
        let effects: Vec<f64> = all[first_dimension..]
            .iter()
            .map(|r| match *r {
                Reason::Dimension {
                    dimension,
                    score,
                    weight,
                    effect,
                } => {
                    let s = a.scorecard.dimensions.get(dimension);
                    assert_eq!((Some(score), weight), (s.used, s.weight));
                    assert_eq!(effect, (score - 50.0) * weight);
                    effect.abs()
                }
                _ => unreachable!(),
            })
            .collect();
        assert!(effects.iter().all(|e| *e >= 0.05));
        assert!(effects.windows(2).all(|w| w[0] >= w[1]), "{effects:?}");
        let weighty = a
            .scorecard
            .dimensions
            .iter()
            .filter(|(_, s)| {
                s.used
                    .is_some_and(|u| ((u - 50.0) * s.weight).abs() >= 0.05)
            })
            .count();
        assert_eq!(effects.len(), weighty);
        several |= effects.len() >= 3;
        // The scorecard's own order is not the order of effects for some customer: sorting
        // is what puts them so.
        let natural: Vec<f64> = a
            .scorecard
            .dimensions
            .iter()
            .filter_map(|(_, s)| s.used.map(|u| ((u - 50.0) * s.weight).abs()))
            .filter(|e| *e >= 0.05)
            .collect();
        sorted_somewhere |= natural != effects;
    }
    assert!(several && sorted_somewhere);
}

/// Seed 000's product shaper needs broad requests — at least one, and at least as many as its
/// one-off demands — whatever its influence score: the edges of both, the score held at 95 by
/// an override so that only the requests decide.
#[test]
fn a_product_shaper_has_a_broad_request_and_no_more_custom_than_broad() {
    let shaper = |broad: usize, custom: usize| {
        let mut b = healthy("s").nps(50);
        for i in 0..broad {
            b = b.feature_request(format!("broad {i}"), RequestScope::Broad);
        }
        for i in 0..custom {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        let c = b.build().unwrap();
        let influence = [Override::new(
            "s",
            OverrideTarget::Dimension(Dimension::ProductInfluence),
            95.0,
            "shapes the roadmap",
            "Jana Weber",
            d(2026, 12, 31),
        )
        .unwrap()];
        let ctx = custfit::AssessmentContext {
            overrides: &influence,
            ..custfit::AssessmentContext::new(as_of())
        };
        let a = assessor().assess_with(&c, &ctx).unwrap();
        assert_eq!(a.effective_score(Dimension::ProductInfluence), Some(95.0));
        a.guardrails.iter().find_map(|g| match g {
            Guardrail::ProductShaper { broad_requests, .. } => Some(*broad_requests),
            _ => None,
        })
    };
    assert_eq!(shaper(0, 0), None, "no broad request");
    assert_eq!(shaper(1, 0), Some(1));
    assert_eq!(shaper(1, 1), Some(1), "as many broad as custom");
    assert_eq!(shaper(1, 2), None, "more custom than broad");
    assert_eq!(shaper(2, 1), Some(2));
}
