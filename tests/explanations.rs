//! What people read: levers, price changes, talking points, and the exit money of the
//! shortest stretches, checked word for word.

mod common;

use common::*;
use custfit::customer::SlaTier;
use custfit::policy::{ExitConfig, ExitRoute, LeverConfig, LeverKind, PriceChange, TalkingPoint};
use custfit::{Contract, ExitPlan};

#[test]
fn levers_read_as_sentences() {
    let change = |amount: &str, ratio: Option<&str>| PriceChange {
        amount: usd(amount),
        ratio: ratio.map(|r| custfit::units::Ratio::new(dec(r))),
    };
    assert_eq!(
        change("1500", Some("0.15")).to_string(),
        "1500.00 USD (+15.0%)"
    );
    assert_eq!(change("1500", None).to_string(), "1500.00 USD");
    let reprice = LeverKind::Reprice {
        break_even: Some(change("1000", Some("0.1"))),
        target: Some(change("0", Some("0"))),
        proposed: change("1000", Some("0.1")),
    };
    assert_eq!(
        reprice.to_string(),
        "reprice at renewal by 1000.00 USD (+10.0%); alone, break-even needs 1000.00 USD (+10.0%); already at the target margin"
    );
    let unreachable = LeverKind::Reprice {
        break_even: None,
        target: None,
        proposed: change("0", None),
    };
    assert_eq!(
        unreachable.to_string(),
        "reprice at renewal by 0.00 USD; break-even not reachable by price alone; target margin not reachable by price alone"
    );
    let cases = [
        (
            LeverKind::RemoveCustomFeatures {
                features: vec!["EDI bridge".into(), "SSO".into()],
                unnamed: 0,
            },
            "consolidate or remove custom features: EDI bridge, SSO",
            false,
        ),
        (
            LeverKind::RemoveCustomFeatures {
                features: vec!["EDI bridge".into()],
                unnamed: 2,
            },
            "consolidate or remove custom features: EDI bridge and 2 more",
            false,
        ),
        (
            LeverKind::RemoveCustomFeatures {
                features: Vec::new(),
                unnamed: 3,
            },
            "consolidate or remove 3 custom features",
            false,
        ),
        (
            LeverKind::RemoveCustomFeatures {
                features: Vec::new(),
                unnamed: 1,
            },
            "consolidate or remove 1 custom feature",
            false,
        ),
        (
            LeverKind::MoveToCurrentVersion {
                from: "v2".into(),
                to: "v3".into(),
            },
            "move from product version v2 to v3",
            false,
        ),
        (
            LeverKind::ChangeSla {
                from: SlaTier::Premium,
            },
            "move from the premium SLA to standard",
            false,
        ),
        (
            LeverKind::SupportBoundaries,
            "reset expectations: support boundaries and escalation paths",
            true,
        ),
        (
            LeverKind::ImplementationTimelines,
            "reset expectations: realistic implementation timelines",
            true,
        ),
        (
            LeverKind::RoadmapInfluenceLimits,
            "reset expectations: limits on roadmap influence",
            true,
        ),
        (
            LeverKind::CommunicationCadence,
            "reset expectations: a communication cadence for both sides",
            true,
        ),
    ];
    for (kind, text, reset) in cases {
        assert_eq!(kind.to_string(), text);
        assert_eq!(kind.is_expectation_reset(), reset, "{text}");
    }
    assert!(!reprice.is_expectation_reset());
}

#[test]
fn lever_configuration_bounds_on_both_sides() {
    let c = base("c").recurring_revenue(dec("1000")).build().unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    for margin in ["1", "1.5", "-1", "-2"] {
        let config = LeverConfig {
            target_margin: dec(margin),
            ..LeverConfig::default()
        };
        let err = custfit::LeverPlan::new(&c, &a, &simple_model(), &config).unwrap_err();
        assert!(
            err.to_string().contains("levers.target_margin"),
            "{margin}: {err}"
        );
    }
    for share in ["-0.1", "1.1"] {
        let config = LeverConfig {
            cadence_saving: dec(share),
            ..LeverConfig::default()
        };
        assert!(custfit::LeverPlan::new(&c, &a, &simple_model(), &config).is_err());
    }
    let ok = LeverConfig {
        target_margin: dec("0.99"),
        ..LeverConfig::default()
    };
    assert!(custfit::LeverPlan::new(&c, &a, &simple_model(), &ok).is_ok());
}

#[test]
fn talking_points_are_about_the_direction_not_the_customer() {
    let points = [
        (
            TalkingPoint::Appreciation {
                since: Some(d(2020, 3, 1)),
            },
            "thank them for the relationship since 2020-03-01",
        ),
        (
            TalkingPoint::Appreciation { since: None },
            "thank them for the time and trust they gave us",
        ),
        (
            TalkingPoint::CompanyDirection,
            "explain that our product and focus are moving in a direction that no longer serves their needs well",
        ),
    ];
    for (point, text) in points {
        assert_eq!(point.to_string(), text);
    }
    let support = TalkingPoint::TransitionSupport {
        until: d(2026, 3, 1),
    };
    assert!(
        support.to_string().ends_with("until 2026-03-01"),
        "{support}"
    );
}

#[test]
fn a_one_day_stretch_before_the_term_ends_is_priced_as_one_day() {
    // Early termination ends service on 30 December; serving on is the one day to 31
    // December, at -10 a day: -10.00, against a fee of 5.00.
    let c = base("one")
        .contract(
            Contract::builder(d(2025, 1, 1), d(2025, 12, 31))
                .renewal_notice_days(0)
                .terminate_for_convenience(10, usd("5")),
        )
        .build()
        .unwrap();
    let plan = ExitPlan::new(&c, usd("-10"), d(2025, 12, 20), &ExitConfig::default()).unwrap();
    assert_eq!(plan.chosen.route, ExitRoute::TerminationForConvenience);
    assert_eq!(plan.chosen.end_of_service, d(2025, 12, 30));
    assert_eq!(plan.chosen.money, usd("-5"));
    let serve = plan.alternative.expect("serving on is shown too");
    assert_eq!(serve.end_of_service, d(2025, 12, 31));
    assert_eq!(serve.money, usd("-10"));
    // Ending on the last day itself leaves no stretch: no early exit is offered.
    let late = ExitPlan::new(&c, usd("-10"), d(2025, 12, 21), &ExitConfig::default()).unwrap();
    assert!(late.alternative.is_none());
    assert_eq!(late.chosen.route, ExitRoute::NonRenewal);
}

#[test]
fn a_plan_states_its_levers_effect_and_hours() {
    // Revenue 100,000, COGS 10 %, engineering 1,000 h at 100 and support 200 h at 50: a loss;
    // two one-off feature requests, which a limit on roadmap influence resets.
    let c = base("plan")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("1000"))
        .tickets(custfit::customer::Severity::Normal, 50, Some(dec("200")))
        .feature_request("custom export", custfit::customer::RequestScope::Custom)
        .feature_request("bespoke report", custfit::customer::RequestScope::Custom)
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let plan = custfit::LeverPlan::new(&c, &a, &simple_model(), &LeverConfig::default()).unwrap();
    let roadmap = plan
        .levers
        .iter()
        .find(|l| l.kind == LeverKind::RoadmapInfluenceLimits)
        .unwrap();
    // 25 % of 100,000 engineering: 25,000, an estimate, 250 h freed.
    assert_eq!(
        roadmap.to_string(),
        "reset expectations: limits on roadmap influence (estimated +25000.00 USD margin, 250 h freed; because of 2 one-off feature requests)"
    );
    let reprice = plan
        .levers
        .iter()
        .find(|l| matches!(l.kind, LeverKind::Reprice { .. }))
        .unwrap();
    assert!(!reprice.to_string().contains("h freed"), "{reprice}");
    assert!(!reprice.to_string().contains("estimated"), "{reprice}");
    // The effect: the proposed price change is the revenue gained; hours add up per role.
    let effect = plan.effect(c.id(), custfit::units::Currency::USD).unwrap();
    let LeverKind::Reprice { proposed, .. } = &reprice.kind else {
        unreachable!()
    };
    assert_eq!(effect.revenue_gained, proposed.amount);
    assert!(effect.revenue_gained.amount() > rust_decimal::Decimal::ZERO);
    let hours = plan.hours_freed();
    assert_eq!(hours.engineering, dec("250"));
    assert_eq!(hours.support, dec("30"));
    assert_eq!(effect.hours_freed, hours);
}

#[test]
fn rules_look_backs_and_facts_to_collect_read_as_sentences() {
    use custfit::assessment::{FitClass, Input, InputSet, Quadrant};
    use custfit::policy::{Because, FactOutcome, LookBack, Rule, ToCollect};
    use custfit::Action;
    let missing = InputSet::from(vec![Input::Nps, Input::PlanAdherence]);
    assert_eq!(
        Rule::PendingFacts { missing }.to_string(),
        "not let go while unknown facts could change the decision: collect plan adherence, NPS"
    );
    assert_eq!(
        LookBack::new(FitClass::BadFit, false, Quadrant::Dog, Some(false)).to_string(),
        "was a bad fit (on incomplete facts), dog; not worth winning back"
    );
    assert_eq!(
        LookBack::new(FitClass::GoodFit, true, Quadrant::Star, None).to_string(),
        "was a good fit, star; worth winning back: unknown"
    );
    let collect = ToCollect::new(
        vec![Input::PlanAdherence],
        vec![
            FactOutcome::new(vec![0.0], Action::Offboard, None, false),
            FactOutcome::new(
                vec![1.0],
                Action::Restructure,
                Some(Rule::BadFitFixable),
                false,
            ),
        ],
        d(2026, 4, 15),
    );
    assert_eq!(
        collect.to_string(),
        "record plan adherence by 2026-04-15: at 0% → offboard, confirmed; at 100% → restructure (bad fit whose margin the levers can fix)"
    );
    let pair = ToCollect::new(
        vec![Input::MeetingAttendance, Input::GoalChanges, Input::Nps],
        vec![FactOutcome::new(
            vec![1.0, 12.0, -100.0],
            Action::Offboard,
            Some(Rule::Dog),
            true,
        )],
        d(2026, 3, 1),
    );
    assert_eq!(
        pair.to_string(),
        "record meeting attendance, goal changes and NPS by 2026-03-01: at 100%, 12, -100 → offboard, provisional (loses money with little growth potential)"
    );
    let bare = Because::Custom {
        rule: "payment arrears".into(),
        detail: String::new(),
    };
    assert_eq!(bare.to_string(), "payment arrears");
}

#[test]
fn review_dates_follow_the_action() {
    use custfit::policy::Rule;
    use custfit::Action;
    // Profitable, no growth facts: retained pending them, reviewed in 12 months.
    let (a, r) = recommend(
        &base("p")
            .recurring_revenue(dec("100000"))
            .success_hours(dec("10"))
            .build()
            .unwrap(),
    );
    assert_eq!(
        a.quadrant,
        custfit::assessment::Quadrant::ProfitableGrowthUnknown
    );
    assert_eq!(
        (r.action, r.rule()),
        (Action::Retain, Some(Rule::ProfitableGrowthUnknown))
    );
    assert_eq!(r.review_on, d(2027, 1, 15));
    // An investment is reviewed in 6 months.
    let (_, invest) = recommend(&healthy("h").build().unwrap());
    assert_eq!(invest.action, Action::Invest);
    assert_eq!(invest.review_on, d(2026, 7, 15));
    // An offboarding whose notice deadline is ahead is reviewed on that deadline.
    let c = dog("late")
        .contract(Contract::builder(d(2025, 6, 1), d(2026, 5, 31)).renewal_notice_days(30))
        .build()
        .unwrap();
    let (_, off) = recommend(&c);
    assert_eq!(off.action, Action::Offboard);
    assert_eq!(off.review_on, d(2026, 5, 1));
}
