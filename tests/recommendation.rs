//! Recommendations, levers and exit plans: one scenario per rule and guardrail, each naming the
//! seed passage it checks.

mod common;

use common::*;
use custfit::cost::Role;
use custfit::customer::{LifecycleStage, RequestScope, Severity, Sla, SlaTier};
use custfit::policy::{LeverConfig, LeverKind, PriceChange, Rule};
use custfit::{Action, Contract, Money, PolicyContext, RecommendationPolicy};

fn annual(start_year: i32) -> custfit::customer::ContractBuilder {
    Contract::builder(d(start_year, 4, 1), d(start_year + 1, 3, 31))
        .auto_renews(true)
        .renewal_notice_days(60)
}

/// Seed 002: "if customers are fairly new they are often delivering zero or negative margins
/// ... we need to look at their growth potential": a new customer with growth gets time.
#[test]
fn seed_002_new_customer_with_growth_gets_time() {
    let c = healthy("new")
        .customer_since(d(2025, 10, 1))
        .recurring_revenue(dec("20000"))
        .success_hours(dec("250"))
        .expansion_whitespace(dec("80000"))
        .growth_likelihood(0.7)
        .build()
        .unwrap();
    let (a, r) = recommend(&c);
    assert!(a.cost.margin.unwrap().to_f64() < 0.0);
    assert_eq!(r.action, Action::Retain);
    assert_eq!(r.rule(), Some(Rule::NewCustomerWithGrowth));
    assert_eq!(
        r.review_on,
        d(2026, 4, 15),
        "reviewed again in three months"
    );
}

/// Seed 001 §4: "A customer with exceptional logo value might justify lower margins."
#[test]
fn seed_001_4_logo_value_keeps_a_thin_margin_customer() {
    let c = top_logo(
        dog("dog")
            .recurring_revenue(dec("60000"))
            .engineering_hours(dec("500")),
    )
    .build()
    .unwrap();
    let (_, r) = recommend(&c);
    assert_eq!(r.action, Action::Retain);
    assert_eq!(r.rule(), Some(Rule::LogoJustifiesMargin));
}

/// Seed 000: "hold on to that customer at all costs. They are the ones that make you build a
/// better product."
#[test]
fn seed_000_product_shaper_is_kept() {
    let c = dog("dog")
        .tickets(Severity::High, 60, Some(dec("400")))
        .feature_request("bulk route import", RequestScope::Broad)
        .feature_request("carbon report API", RequestScope::Broad)
        .build()
        .unwrap();
    let (a, r) = recommend(&c);
    assert!(a.cost.gross_margin.is_negative());
    assert_eq!(r.rule(), Some(Rule::ProductShaper));
    assert_eq!(r.action, Action::Restructure, "kept, with its margin fixed");
    assert!(r.exit_plan.is_none());
}

/// Seed 001 "Before proceeding with a breakup, explore whether the relationship can be
/// salvaged": a bad fit whose margin the levers can fix is restructured.
#[test]
fn seed_001_bad_fit_restructured_when_levers_fix_the_margin() {
    let c = healthy("fixable")
        .recurring_revenue(dec("50000"))
        .engineering_hours(dec("200"))
        .custom_feature("bespoke export")
        .content_consumed(dec("0.9"))
        .outcomes_achieved(dec("0.2"))
        .build()
        .unwrap();
    let (a, r) = recommend(&c);
    assert_eq!(
        a.classification.class,
        custfit::assessment::FitClass::BadFit
    );
    assert_eq!(r.rule(), Some(Rule::BadFitFixable));
    assert_eq!(r.action, Action::Restructure);
    let plan = r.levers.as_ref().unwrap();
    assert!(plan.reaches_break_even);
    assert!(r.effect.margin_gained.amount() > rust_decimal::Decimal::ZERO);
}

/// Seed 002: bad fits "are still not successful even with all the additional help you
/// provide" — when no lever can fix the margin, let go, with help (seed 001 "Transition
/// Support").
#[test]
fn seed_002_bad_fit_let_go_with_help_when_levers_cannot_fix_it() {
    let c = healthy("hopeless")
        .recurring_revenue(dec("20000"))
        .engineering_hours(dec("400"))
        .success_hours(dec("300"))
        .content_consumed(dec("0.9"))
        .outcomes_achieved(dec("0.1"))
        .contract(
            annual(2025)
                .data_export_days(30)
                .compliance_obligation("GDPR deletion certificate"),
        )
        .build()
        .unwrap();
    let (_, r) = recommend(&c);
    assert_eq!(r.rule(), Some(Rule::BadFitNotFixable));
    assert_eq!(r.action, Action::Offboard);
    let plan = r.exit_plan.as_ref().unwrap();
    assert_eq!(plan.compliance[0].obligation, "GDPR deletion certificate");
    assert!(plan
        .framing
        .iter()
        .any(|p| matches!(p, custfit::policy::TalkingPoint::TransitionSupport { .. })));
    assert!(plan
        .framing
        .iter()
        .any(|p| matches!(p, custfit::policy::TalkingPoint::CompanyDirection)));
    // The effect: revenue lost, the loss no longer made, the hours freed.
    let (a, _) = recommend(&c);
    assert_eq!(r.effect.revenue_lost, a.cost.revenue);
    assert_eq!(r.effect.margin_gained, a.cost.gross_margin.negate());
    assert_eq!(r.effect.hours_freed, a.cost.hours);
}

fn bad(reset: Option<chrono::NaiveDate>) -> custfit::Customer {
    let mut b = dog("dog")
        .meeting_attendance(dec("0.3"))
        .plan_adherence(dec("0.2"))
        .goal_changes(5);
    if let Some(date) = reset {
        b = b.last_expectation_reset(date);
    }
    b.build().unwrap()
}

/// Seed 001 "Expectation Reset" and seed 002's bad customers: one reset first; let go if the
/// behavior persists in a period after that reset.
#[test]
fn seed_002_bad_customer_gets_one_reset_then_is_let_go() {
    let (_, first) = recommend(&bad(None));
    assert_eq!(first.rule(), Some(Rule::BadCustomerFirstReset));
    assert_eq!(first.action, Action::Restructure);
    let levers = &first.levers.as_ref().unwrap().levers;
    assert!(levers.iter().any(|l| l.kind.is_expectation_reset()));
    // A reset during the assessed period: the period is not after it, so no verdict yet.
    let (_, during) = recommend(&bad(Some(d(2025, 6, 1))));
    assert_eq!(during.action, Action::Restructure);
    // A reset before the period, and the behavior persisted through it: let go.
    let (_, after) = recommend(&bad(Some(d(2024, 9, 1))));
    assert_eq!(
        after.rule(),
        Some(Rule::BadCustomerAfterReset {
            reset_on: d(2024, 9, 1)
        })
    );
    assert_eq!(after.action, Action::Offboard);
}

/// A bad customer after its reset that is profitable (and growing) is not let go: salvage
/// holds — it already breaks even — so it is restructured (DESIGN: no profitable customer is
/// let go).
#[test]
fn a_profitable_bad_customer_after_its_reset_is_restructured_not_let_go() {
    let c = healthy("star-but-bad")
        .meeting_attendance(dec("0.3"))
        .plan_adherence(dec("0.2"))
        .last_expectation_reset(d(2024, 9, 1))
        .expansion_whitespace(dec("90000"))
        .growth_likelihood(0.8)
        .build()
        .unwrap();
    let (a, r) = recommend(&c);
    assert_eq!(a.quadrant, custfit::assessment::Quadrant::Star);
    assert_eq!(a.classification.class, custfit::assessment::FitClass::Bad);
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::Salvageable))
    );
    assert_eq!(
        r.reasons[0].to_string(),
        "the confirmed levers bring it to break-even or better: restructure rather than let go"
    );
}

/// Never decide on fewer signals than the policy requires: with three required, a dog showing
/// two (unprofitable, little growth) is restructured rather than let go.
#[test]
fn too_few_signals_never_let_a_customer_go() {
    let config = custfit::policy::PolicyConfig {
        min_offboard_signals: 3,
        ..Default::default()
    };
    let policy = custfit::DefaultPolicy::new(config, simple_model()).unwrap();
    let c = dog("dog").contract(annual(2025)).build().unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let r = policy
        .recommend(&c, &a, &custfit::PolicyContext::default())
        .unwrap();
    assert_eq!(r.action, Action::Restructure);
    assert_eq!(
        r.rule(),
        Some(Rule::TooFewSignals {
            signals: 2,
            required: 3
        })
    );
    assert!(matches!(
        r.reasons[1],
        custfit::policy::Because::Overridden(Rule::Dog)
    ));
}

/// Seed 002: "The customers you want to get rid of are what's labeled as 'Poor Dogs'" — and
/// "if you have dozens of customers who need a lot of additional help despite consuming the
/// recommended content ... it's likely not them who are the problem".
#[test]
fn seed_002_dogs_are_let_go_unless_part_of_a_systemic_problem() {
    let c = dog("dog").contract(annual(2025)).build().unwrap();
    let (_, r) = recommend(&c);
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    assert!(r.exit_plan.is_some());
    let (_, s) = recommend_in(&c, PolicyContext::with_systemic(true));
    assert_eq!(
        (s.action, s.rule()),
        (Action::Restructure, Some(Rule::SystemicProblem))
    );
    assert!(s
        .reasons
        .iter()
        .any(|b| matches!(b, custfit::policy::Because::Overridden(Rule::Dog))));
}

#[test]
fn quadrants_map_to_invest_retain_restructure() {
    let star = healthy("star")
        .expansion_whitespace(dec("90000"))
        .growth_likelihood(0.8)
        .build()
        .unwrap();
    assert_eq!(recommend(&star).1.action, Action::Invest);
    let cow = healthy("cow")
        .expansion_whitespace(dec("1000"))
        .growth_likelihood(0.2)
        .build()
        .unwrap();
    assert_eq!(recommend(&cow).1.action, Action::Retain);
    let qm = healthy("qm")
        .engineering_hours(dec("900"))
        .expansion_whitespace(dec("90000"))
        .growth_likelihood(0.8)
        .build()
        .unwrap();
    let (_, r) = recommend(&qm);
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::QuestionMark))
    );
}

/// Seed 003: the prospect "simply did not understand the mutual benefit of the relationship";
/// seed 004: customers outside the ideal profile cause more harm than good.
#[test]
fn seed_003_prospect_without_mutual_value_outside_the_profile_is_declined() {
    let p = base("p-no")
        .stage(LifecycleStage::Prospect)
        .industry("public-sector")
        .use_case("custom-reporting")
        .renewal_intent(0.1)
        .outcomes_achieved(dec("0.1"))
        .feature_request("bespoke audit export", RequestScope::Custom)
        .build()
        .unwrap();
    let (_, r) = recommend(&p);
    assert_eq!(r.action, Action::Decline);
    assert!(matches!(r.rule(), Some(Rule::ProspectDeclined { signals }) if signals >= 2));
    let fits = healthy("p-yes")
        .stage(LifecycleStage::Prospect)
        .recurring_revenue(dec("0"))
        .expansion_whitespace(dec("60000"))
        .growth_likelihood(0.8)
        .build()
        .unwrap();
    assert_eq!(recommend(&fits).1.action, Action::Invest);
}

/// Seed 001 "Margin Improvement Opportunities": each lever quantified from the cost lines.
#[test]
fn levers_are_quantified_from_the_cost_lines_and_ranked() {
    let c = base("levers")
        .recurring_revenue(dec("100000"))
        .product_version("v2")
        .contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).sla(Sla {
            tier: SlaTier::Enterprise,
            first_response_hours: None,
            standby_hours_per_month: custfit::units::Hours::new(dec("10")).unwrap(),
        }))
        .tickets(Severity::High, 50, Some(dec("200")))
        .engineering_hours(dec("400"))
        .success_hours(dec("100"))
        .custom_feature("ERP sync")
        .feature_request("ERP field mapping", custfit::customer::RequestScope::Custom)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let model = simple_model();
    let config = custfit::policy::LeverConfig {
        current_product_version: Some("v3".into()),
        ..Default::default()
    };
    let plan = custfit::LeverPlan::new(&c, &a, &model, &config).unwrap();
    let gain = |f: fn(&LeverKind) -> bool| {
        plan.levers
            .iter()
            .find(|l| f(&l.kind))
            .map(|l| l.margin_gain)
            .unwrap()
    };
    // Simple model: no overhead; support 50/h, engineering 100/h, success 80/h.
    assert_eq!(
        gain(|k| matches!(k, LeverKind::RemoveCustomFeatures { .. })),
        usd("3650")
    );
    assert_eq!(
        gain(|k| matches!(k, LeverKind::ChangeSla { .. })),
        usd("6000")
    ); // 120 h x 50
    assert_eq!(
        gain(|k| matches!(k, LeverKind::MoveToCurrentVersion { .. })),
        usd("2000")
    ); // 20 % of 10,000
    assert_eq!(
        gain(|k| matches!(k, LeverKind::SupportBoundaries)),
        usd("1200")
    ); // 15 % of 80 %
    assert_eq!(
        gain(|k| matches!(k, LeverKind::RoadmapInfluenceLimits)),
        usd("10000")
    ); // 25 % of 40,000
    assert_eq!(
        gain(|k| matches!(k, LeverKind::CommunicationCadence)),
        usd("1600")
    ); // 20 % of 8,000
       // Costs: COGS 10,000 + support 10,000 + SLA 6,000 + eng 40,000 + success 8,000 + feature
       // 3,650 = 77,650; the levers above save 24,450, leaving 53,200 of which 43,200 is fixed.
       // Break-even revenue 43,200 / 0.9 = 48,000 (no increase needed); a 20 % margin needs
       // 43,200 / 0.7 = 61,714.29: no increase either, so no reprice lever.
    assert!(!plan
        .levers
        .iter()
        .any(|l| matches!(l.kind, LeverKind::Reprice { .. })));
    assert!(plan.reaches_target);
    for w in plan.levers.windows(2) {
        assert!(w[0].margin_gain.amount() >= w[1].margin_gain.amount());
    }
}

#[test]
fn reprice_gives_the_break_even_and_target_changes_by_hand() {
    // Revenue 100,000; costs: COGS 10 % = 10,000 and engineering 1,000 h = 100,000.
    let c = base("price")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("1000"))
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let config = custfit::policy::LeverConfig {
        roadmap_limits_saving: rust_decimal::Decimal::ZERO,
        max_price_increase: dec("1"),
        ..Default::default()
    };
    let plan = custfit::LeverPlan::new(&c, &a, &simple_model(), &config).unwrap();
    let LeverKind::Reprice {
        break_even,
        target,
        proposed,
    } = &plan.levers[0].kind
    else {
        panic!("reprice expected first: {:?}", plan.levers)
    };
    // Fixed 100,000: break-even revenue 100,000 / 0.9 = 111,111.11 (+11.11 %); a 20 % margin
    // needs 100,000 / 0.7 = 142,857.14 (+42.86 %).
    assert_eq!(break_even.unwrap().amount, usd("11111.11"));
    assert_eq!(break_even.unwrap().ratio.unwrap().to_string(), "11.1%");
    assert_eq!(target.unwrap().amount, usd("42857.14"));
    assert_eq!(target.unwrap().ratio.unwrap().get(), dec("0.4286"));
    assert_eq!(proposed.amount, usd("42857.14"));
    assert!(plan.reaches_target);
    // Capped at 15 %, the price alone does not reach the target, and the plan says so.
    let capped = custfit::LeverPlan::new(
        &c,
        &a,
        &simple_model(),
        &custfit::policy::LeverConfig {
            roadmap_limits_saving: rust_decimal::Decimal::ZERO,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!capped.reaches_target);
    assert!(capped.reaches_break_even);
}

/// A lever comes only with a saving, and frees the hours of the lines it cuts.
#[test]
fn levers_come_only_with_a_saving_and_free_the_hours_they_cut() {
    // No tickets, SLA, custom features, version or implementation: nothing to save there. One
    // one-off feature request and executive hours: what roadmap limits and a cadence reset.
    let c = base("hours")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("400"))
        .success_hours(dec("42.5"))
        .executive_hours(dec("6"))
        .feature_request("bespoke export", custfit::customer::RequestScope::Custom)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let config = custfit::policy::LeverConfig::default();
    let plan = custfit::LeverPlan::new(&c, &a, &simple_model(), &config).unwrap();
    // Costs: COGS 10,000, engineering 40,000, success 3,400, executive 1,200: a 45.4 % margin,
    // above the 20 % target, so no price change either.
    let kinds: Vec<_> = plan.levers.iter().map(|l| &l.kind).collect();
    assert_eq!(
        kinds,
        [
            &LeverKind::RoadmapInfluenceLimits,
            &LeverKind::CommunicationCadence
        ],
        "{plan:?}"
    );
    let hours = |kind: LeverKind| {
        let lever = plan.levers.iter().find(|l| l.kind == kind).unwrap();
        Role::ALL.map(|r| *lever.hours_freed.get(r))
    };
    let zero = rust_decimal::Decimal::ZERO;
    // Roles: support, engineering, success, executive, implementation. 25 % of 400 h; 20 % of
    // 42.5 h and of 6 h.
    assert_eq!(
        hours(LeverKind::RoadmapInfluenceLimits),
        [zero, dec("100"), zero, zero, zero]
    );
    assert_eq!(
        hours(LeverKind::CommunicationCadence),
        [zero, zero, dec("8.5"), dec("1.2"), zero]
    );
    assert_eq!(plan.levers[1].margin_gain, usd("920")); // 20 % of 3,400 + 1,200
}

/// The lever plan of a customer with revenue 100,000 and `hours` of engineering at 100 an hour
/// (COGS 10 %, nothing else), with `config`.
fn engineering_plan(id: &str, hours: &str, config: LeverConfig) -> custfit::LeverPlan {
    let c = base(id)
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec(hours))
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    custfit::LeverPlan::new(&c, &a, &simple_model(), &config).unwrap()
}

/// The plan's only lever, a price change: its break-even, target and proposed changes and
/// the margin it gains.
fn only_price_change(plan: &custfit::LeverPlan) -> (PriceChange, PriceChange, PriceChange, Money) {
    let [lever] = &plan.levers[..] else {
        panic!("one lever expected: {:?}", plan.levers)
    };
    let LeverKind::Reprice {
        break_even: Some(break_even),
        target: Some(target),
        proposed,
    } = lever.kind
    else {
        panic!("a price change with both targets expected: {lever:?}")
    };
    (break_even, target, proposed, lever.margin_gain)
}

/// With a negative target margin, a customer can be above the target and below break-even:
/// the price change proposed is the one that breaks even.
#[test]
fn above_a_negative_target_but_below_break_even_the_price_breaks_even() {
    // Costs: COGS 10,000 and engineering 95,000: a margin of -5 %.
    let config = LeverConfig {
        target_margin: dec("-0.10"),
        roadmap_limits_saving: rust_decimal::Decimal::ZERO,
        ..Default::default()
    };
    let plan = engineering_plan("loss", "950", config);
    let (break_even, target, proposed, gain) = only_price_change(&plan);
    // Fixed 95,000: break-even revenue 95,000 / 0.9 = 105,555.56; the -10 % target needs
    // 95,000 / 1.0, less than today.
    assert_eq!(break_even.amount, usd("5555.56"));
    assert_eq!(target.amount, usd("0"));
    assert_eq!(proposed.amount, usd("5555.56"));
    // 5,555.56 of revenue less its 10 % COGS: the 5,000 lost.
    assert_eq!(gain, usd("5000"));
    assert!(plan.reaches_break_even);
    assert!(plan.reaches_target);
}

/// Below the target with no room to raise the price (a cap of 0), the plan still shows the
/// price changes that break even and reach the target, and proposes none.
#[test]
fn below_target_without_room_to_reprice_the_needed_prices_are_still_shown() {
    let config = LeverConfig {
        roadmap_limits_saving: rust_decimal::Decimal::ZERO,
        max_price_increase: rust_decimal::Decimal::ZERO,
        ..Default::default()
    };
    let plan = engineering_plan("capped", "1000", config);
    let (break_even, target, proposed, gain) = only_price_change(&plan);
    assert_eq!(break_even.amount, usd("11111.11"));
    assert_eq!(target.amount, usd("42857.14"));
    assert_eq!(proposed.amount, usd("0"));
    assert_eq!(gain, usd("0"));
    assert!(!plan.reaches_break_even);
    assert!(!plan.reaches_target);
}

#[test]
fn a_user_defined_policy_plugs_in() {
    struct NeverLetGo;
    impl RecommendationPolicy for NeverLetGo {
        fn recommend(
            &self,
            c: &custfit::Customer,
            a: &custfit::FitAssessment,
            ctx: &PolicyContext,
        ) -> custfit::Result<custfit::Recommendation> {
            let mut r = policy().recommend(c, a, ctx)?;
            if r.action == Action::Offboard {
                r.action = Action::Restructure;
                r.exit_plan = None;
            }
            Ok(r)
        }
    }
    let boxed: Box<dyn RecommendationPolicy> = Box::new(NeverLetGo);
    let c = dog("dog").build().unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert_eq!(
        boxed
            .recommend(&c, &a, &PolicyContext::default())
            .unwrap()
            .action,
        Action::Restructure
    );
}

#[test]
fn recommendations_round_trip_through_json() {
    for c in [
        dog("dog").contract(annual(2025)).build().unwrap(),
        bad(None),
    ] {
        let (_, r) = recommend(&c);
        let back: custfit::Recommendation =
            serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        assert!(!r.reasons.iter().any(|b| b.to_string().is_empty()));
    }
}

#[test]
fn policy_configuration_is_validated() {
    let config = custfit::policy::PolicyConfig {
        min_offboard_signals: 1,
        ..Default::default()
    };
    assert!(custfit::DefaultPolicy::new(config, simple_model()).is_err());
    let mut config = custfit::policy::PolicyConfig::default();
    config.levers.cadence_saving = dec("1.5");
    assert_eq!(
        custfit::DefaultPolicy::new(config, simple_model())
            .unwrap_err()
            .to_string(),
        "configuration field `levers.cadence_saving`: must lie in 0..=1, got 1.5"
    );
}

#[test]
fn a_user_policy_builds_its_own_recommendation_with_its_own_rule() {
    // Outside the crate: a policy that restructures everyone with overdue invoices, stating its
    // own rule, and otherwise defers to the default policy.
    struct Arrears(u32);
    impl RecommendationPolicy for Arrears {
        fn recommend(
            &self,
            c: &custfit::Customer,
            a: &custfit::FitAssessment,
            ctx: &PolicyContext,
        ) -> custfit::Result<custfit::Recommendation> {
            if self.0 == 0 {
                return policy().recommend(c, a, ctx);
            }
            let review = as_of() + chrono::Months::new(1);
            Ok(custfit::Recommendation::new(
                c.id().clone(),
                Action::Restructure,
                review,
                custfit::policy::Effect::none(custfit::units::Currency::USD),
            )
            .because(custfit::policy::Because::Custom {
                rule: "payment arrears".into(),
                detail: format!("{} invoices overdue", self.0),
            })
            .because(custfit::policy::Because::Assessment(a.top_reasons(1)[0])))
        }
    }
    let c = healthy("h").build().unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let r = Arrears(3)
        .recommend(&c, &a, &PolicyContext::default())
        .unwrap();
    assert_eq!(r.action, Action::Restructure);
    assert_eq!(r.rule(), None);
    assert_eq!(
        r.reasons[0].to_string(),
        "payment arrears: 3 invoices overdue"
    );
    assert_eq!(r.review_on, d(2026, 2, 15));
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        serde_json::from_str::<custfit::Recommendation>(&json).unwrap(),
        r
    );
    let deferred = Arrears(0)
        .recommend(&c, &a, &PolicyContext::default())
        .unwrap();
    assert_eq!(deferred.action, Action::Invest);
}

#[test]
fn reasons_serialize_with_their_text_and_read_back() {
    let (_, r) = recommend(&dog("dog").build().unwrap());
    let json = serde_json::to_value(&r).unwrap();
    let first = &json["reasons"][0];
    assert_eq!(first["because"], "rule");
    assert_eq!(first["rule"], "dog");
    assert_eq!(first["text"], "loses money with little growth potential");
    let signal = json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["because"] == "let_go")
        .unwrap();
    assert_eq!(signal["signal"], "unprofitable");
    assert!(signal["text"].as_str().unwrap().starts_with("margin -"));
    let back: custfit::Recommendation = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn a_new_star_is_invested_in_and_a_reset_on_the_period_start_is_the_first() {
    // New and already profitable with growth: invest (seed 002's grace, a star).
    let star = healthy("new-star")
        .customer_since(d(2025, 10, 1))
        .expansion_whitespace(dec("80000"))
        .growth_likelihood(0.7)
        .build()
        .unwrap();
    let (a, r) = recommend(&star);
    assert_eq!(a.quadrant, custfit::assessment::Quadrant::Star);
    assert_eq!(
        (r.action, r.rule()),
        (Action::Invest, Some(Rule::NewCustomerWithGrowth))
    );
    // A reset on the first day of the period is this period's reset: the first one.
    let (_, first) = recommend(&bad(Some(d(2025, 1, 1))));
    assert_eq!(first.rule(), Some(Rule::BadCustomerFirstReset));
    let (_, after) = recommend(&bad(Some(d(2024, 12, 31))));
    assert!(matches!(
        after.rule(),
        Some(Rule::BadCustomerAfterReset { .. })
    ));
}
