//! Deciding on the facts at hand (DESIGN "Decide on the facts at hand"): salvage judged by
//! money, provisional let-goes with their confirm-by date, plausible best cases, the
//! new-customer grace, group effects and levers only where they apply — scenarios from the
//! seeds.

mod common;

use common::*;
use custfit::assessment::{Dimension, FitClass, Guardrail, Input, Quadrant};
use custfit::customer::{BrandTier, CustomerBuilder, Level, RequestScope};
use custfit::policy::{
    Because, LeverKind, LeverTrigger, NoGrace, PolicyConfig, ProvisionalLetGo, Rule,
};
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig};
use custfit::{
    what_to_collect, Action, AssessmentContext, Contract, Customer, DefaultPolicy, PolicyContext,
    RecommendationPolicy,
};

/// No logo value, known: every logo fact recorded at its lowest.
fn no_logo(b: CustomerBuilder) -> CustomerBuilder {
    b.referenceable(false)
        .case_study(false)
        .brand_tier(BrandTier::Local)
        .strategic_positioning(Level::Low)
        .feedback_quality(Level::Low)
}

/// Ordinary behavior: attends, follows the plan, steady goals, answers, middling outcomes.
fn ordinary_behavior(b: CustomerBuilder) -> CustomerBuilder {
    b.meeting_attendance(dec("0.6"))
        .plan_adherence(dec("0.6"))
        .goal_changes(1)
        .responsiveness(dec("0.6"))
        .outcomes_achieved(dec("0.5"))
        .content_consumed(dec("0.5"))
}

/// The customer: losing 10,000 a month (revenue 60,000 against 1,740 engineering hours
/// on one-off work), known low growth (whitespace and likelihood stated), no logo value, and
/// no behavior fact recorded — what a real CRM export has. Its contract renews on 31 January
/// unless notice is given 14 days before: the notice deadline is two days away.
fn loss_maker() -> CustomerBuilder {
    no_logo(in_profile("loss"))
        .recurring_revenue(dec("60000"))
        .engineering_hours(dec("1740"))
        .expansion_whitespace(dec("3000"))
        .growth_likelihood(0.1)
        .contract(
            Contract::builder(d(2025, 2, 1), d(2026, 1, 31))
                .auto_renews(true)
                .renewal_notice_days(14),
        )
}

#[test]
fn an_unknown_behavior_fact_never_blocks_a_let_go_it_makes_it_provisional() {
    let c = loss_maker().build().unwrap();
    let (a, r) = recommend(&c);
    assert_eq!(a.cost.gross_margin, usd("-120000"));
    assert_eq!(a.quadrant, Quadrant::Dog);
    assert!(a.classification.could_be.contains(&FitClass::Bad));
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    // The exit plan is there, so the notice deadline is seen.
    let exit = r.exit_plan.as_ref().expect("exit plan");
    assert_eq!(exit.chosen.notice_deadline, d(2026, 1, 17));
    assert_eq!(exit.chosen.end_of_service, d(2026, 1, 31));
    // The deadline less two weeks has passed: confirm now. Missing it costs a further year of
    // losses (365 days at 120,000 a year).
    let p = r.provisional.as_ref().expect("provisional");
    assert_eq!(
        p.to_confirm.iter().collect::<Vec<_>>(),
        [
            Input::MeetingAttendance,
            Input::PlanAdherence,
            Input::GoalChanges,
            Input::Responsiveness
        ]
    );
    assert_eq!((p.confirm_by, p.urgent), (as_of(), true));
    assert_eq!(p.if_missed.end_of_service, d(2027, 1, 31));
    assert_eq!(p.cost_of_missing, usd("120000"));
    assert_eq!(
        p.to_string(),
        "provisional: confirm meeting attendance, plan adherence, goal changes, responsiveness \
         by 2026-01-15 (urgent); missing it costs 120000.00 USD (non-renewal ending 2027-01-31)"
    );
    assert!(r
        .reasons
        .iter()
        .any(|b| matches!(b, Because::Provisional { to_confirm } if *to_confirm == p.to_confirm)));
    // Filled in with ordinary values, the same customer is a confirmed let-go, with the same
    // exit plan.
    let (_, known) = recommend(&ordinary_behavior(loss_maker()).build().unwrap());
    assert_eq!(
        (known.action, known.rule()),
        (Action::Offboard, Some(Rule::Dog))
    );
    assert!(!known.is_provisional());
    assert_eq!(known.exit_plan.as_ref(), Some(exit));
}

#[test]
fn a_provisional_let_go_is_confirmed_by_its_notice_deadline_less_the_lead_time() {
    // The same customer, its contract ending on 30 June with 60 days' notice: confirm by
    // 17 April (1 May less two weeks), reviewed then.
    let c = loss_maker()
        .contract(
            Contract::builder(d(2025, 7, 1), d(2026, 6, 30))
                .auto_renews(true)
                .renewal_notice_days(60),
        )
        .build()
        .unwrap();
    let (_, r) = recommend(&c);
    let p = r.provisional.as_ref().unwrap();
    assert_eq!((p.confirm_by, p.urgent), (d(2026, 4, 17), false));
    assert_eq!(p.notice_deadline, d(2026, 5, 1));
    assert_eq!(r.review_on, p.confirm_by);
    // A lead time of 30 days moves it with the deadline.
    let config = PolicyConfig {
        confirm_lead_days: 30,
        ..PolicyConfig::default()
    };
    let policy = DefaultPolicy::new(config, simple_model()).unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    let r = policy.recommend(&c, &a, &PolicyContext::default()).unwrap();
    assert_eq!(r.provisional.unwrap().confirm_by, d(2026, 4, 1));
    // Termination for convenience can be given any day: the cheapest exit is open now, and a
    // day late costs a day's loss (120,000 / 365 per day).
    let c = loss_maker()
        .contract(
            Contract::builder(d(2025, 7, 1), d(2026, 6, 30))
                .auto_renews(true)
                .renewal_notice_days(60)
                .terminate_for_convenience(30, usd("1000")),
        )
        .build()
        .unwrap();
    let (_, r) = recommend(&c);
    let exit = r.exit_plan.as_ref().unwrap();
    assert_eq!(
        exit.chosen.route,
        custfit::policy::ExitRoute::TerminationForConvenience
    );
    let p = r.provisional.as_ref().unwrap();
    assert!(p.urgent && p.confirm_by == as_of());
    assert_eq!(p.cost_of_missing, usd("328.77"));
    // With a fee of 60,000 not renewing is cheaper (166 days of loss, 54,575.34); once its
    // deadline of 1 May is missed, terminating for convenience is (to 1 June: 137 days of
    // loss, 45,041.10, and the fee). Missing costs 45,041.10 + 60,000 - 54,575.34.
    let c = loss_maker()
        .contract(
            Contract::builder(d(2025, 7, 1), d(2026, 6, 30))
                .auto_renews(true)
                .renewal_notice_days(60)
                .terminate_for_convenience(30, usd("60000")),
        )
        .build()
        .unwrap();
    let (_, r) = recommend(&c);
    let exit = r.exit_plan.as_ref().unwrap();
    assert_eq!(exit.chosen.route, custfit::policy::ExitRoute::NonRenewal);
    let p = r.provisional.as_ref().unwrap();
    assert_eq!(
        p.if_missed.route,
        custfit::policy::ExitRoute::TerminationForConvenience
    );
    assert_eq!(p.if_missed.end_of_service, d(2026, 6, 1));
    assert_eq!(p.cost_of_missing, usd("50465.76"));
}

#[test]
fn the_policy_can_wait_for_facts_but_never_for_behavior_alone() {
    let wait = DefaultPolicy::new(
        PolicyConfig {
            provisional: ProvisionalLetGo::Restructure,
            ..PolicyConfig::default()
        },
        simple_model(),
    )
    .unwrap();
    let decide = |c: &Customer| {
        let a = assessor().assess(c, as_of()).unwrap();
        wait.recommend(c, &a, &PolicyContext::default()).unwrap()
    };
    // Only behavior is unknown: let go provisionally all the same.
    let r = decide(&loss_maker().build().unwrap());
    assert_eq!(r.action, Action::Offboard);
    assert!(r.is_provisional());
    // Logo value unknown too (a loss within its reach): it waits for the logo facts.
    let c = in_profile("logo-unknown")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("1040"))
        .expansion_whitespace(dec("0"))
        .build()
        .unwrap();
    let r = decide(&c);
    assert_eq!(r.action, Action::Restructure);
    let Some(Rule::PendingFacts { missing }) = r.rule() else {
        panic!("{:?}", r.reasons)
    };
    assert!(missing.contains(Input::Referenceable) && missing.contains(Input::GoalChanges));
    assert!(matches!(r.reasons[1], Because::Overridden(Rule::Dog)));
    // The default lets it go provisionally.
    assert!(recommend(&c).1.is_provisional());
}

/// Seed 001: "Before proceeding with a breakup, explore whether the relationship can be
/// salvaged" — by the levers' money.
#[test]
fn salvage_is_judged_by_money_before_any_let_go() {
    // A dog (no growth, ordinary behavior, no logo value) losing 12,000 on 20,000 of revenue.
    let dog = |engineering: &str, requests: u8| {
        let mut b = ordinary_behavior(no_logo(in_profile("d")))
            .recurring_revenue(dec("20000"))
            .engineering_hours(dec(engineering))
            .expansion_whitespace(dec("0"));
        for i in 0..requests {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        b.build().unwrap()
    };
    // 300 h: COGS 2,000 + 30,000: -12,000. Reprice (15 %) +2,700; no reset applies (no request).
    let (a, r) = recommend(&dog("300", 0));
    assert_eq!(a.cost.gross_margin, usd("-12000"));
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    assert!(!r.is_provisional());
    // 240 h with two one-off requests: -6,000; reprice +2,700, and only limits on roadmap
    // influence (25 % of 24,000: +6,000, an estimate) reach break-even: reset first.
    let (_, r) = recommend(&dog("240", 2));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::ResetFirst))
    );
    let plan = r.levers.as_ref().unwrap();
    assert!(
        !plan.reaches_break_even,
        "reported on confirmed levers only"
    );
    assert!(!plan.margin_with_resets(&r.customer).unwrap().is_negative());
    // 200 h: -2,000; the price alone fixes it: restructure, never let go.
    let (_, r) = recommend(&dog("200", 0));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::Salvageable))
    );
    assert!(r.levers.as_ref().unwrap().reaches_break_even);
}

#[test]
fn a_bad_customer_after_its_reset_is_salvaged_by_confirmed_levers_only() {
    // Behavior persisted after the reset of September 2024; the period's figures already show
    // what that reset did, so the resets' estimates are not counted again.
    let bad = |requests: u8| {
        let mut b = no_logo(in_profile("b"))
            .recurring_revenue(dec("20000"))
            .engineering_hours(dec("240"))
            .expansion_whitespace(dec("0"))
            .meeting_attendance(dec("0.2"))
            .plan_adherence(dec("0.3"))
            .goal_changes(4)
            .responsiveness(dec("0.4"))
            .outcomes_achieved(dec("0.3"))
            .content_consumed(dec("0.3"))
            .last_expectation_reset(d(2024, 9, 1));
        for i in 0..requests {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        b.build().unwrap()
    };
    let (a, r) = recommend(&bad(2));
    assert_eq!(a.classification.class, FitClass::Bad);
    assert_eq!(r.action, Action::Offboard);
    assert_eq!(
        r.rule(),
        Some(Rule::BadCustomerAfterReset {
            reset_on: d(2024, 9, 1)
        })
    );
    // Without the reset on record it is owed one: reset first, as the seed says.
    let mut fresh = bad(2);
    let (_, r) = {
        let json = serde_json::to_value(&fresh).unwrap();
        let mut json = json;
        json.as_object_mut()
            .unwrap()
            .remove("last_expectation_reset");
        fresh = serde_json::from_value(json).unwrap();
        recommend(&fresh)
    };
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::BadCustomerFirstReset))
    );
}

/// The plausible best case: an unbounded fact is bounded by what the portfolio shows where it
/// is known; a signal that holds only under the plausible bound makes a let-go provisional.
#[test]
fn growth_unknown_beyond_its_plausible_range_gives_a_provisional_let_go() {
    // Whitespace unrecorded, likelihood stated at 0.15. Over the full range, growth is
    // unbounded; with whitespace at most its configured 100 % of revenue, expected growth is at
    // most 15 %: score at most 56.25, above the line (50) — a question of growth.
    let b = ordinary_behavior(no_logo(in_profile("g")))
        .recurring_revenue(dec("20000"))
        .engineering_hours(dec("300"))
        .growth_likelihood(0.15);
    let c = b.clone().build().unwrap();
    let (a, r) = recommend(&c);
    assert_eq!(a.quadrant, Quadrant::UnprofitableGrowthUnknown);
    assert_eq!(a.best_case.growth_potential, Some(100.0));
    assert_eq!(a.plausible_best.growth_potential, Some(56.25));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::UnprofitableGrowthUnknown))
    );
    // In a portfolio where the known whitespace is 0 to 24 % of revenue (its 90th percentile
    // 21.875 %), its best plausible growth is 3.3 %: below the line. Let go, provisionally: the
    // growth facts are what to confirm.
    let peers: Vec<Customer> = (0..40)
        .map(|i| {
            base(&format!("p{i:02}"))
                .recurring_revenue(dec("100000"))
                .success_hours(dec("10"))
                .expansion_whitespace(rust_decimal::Decimal::from(i * 625))
                .build()
                .unwrap()
        })
        .chain([c.clone()])
        .collect();
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let summary = analyzer.summarize(peers.iter().map(Ok), None);
    let facts = analyzer.facts(&summary);
    assert_eq!(facts.plausible.known_whitespace, 40);
    assert_eq!(facts.plausible.whitespace_ratio.high, 0.21875);
    assert_eq!(facts.plausible.whitespace_ratio.low, 0.01875);
    let (actx, pctx) = analyzer.contexts(&facts, as_of(), &c);
    let a = assessor().assess_with(&c, &actx).unwrap();
    assert!(a
        .plausibly_below(Dimension::GrowthPotential, 50.0)
        .is_some());
    assert_eq!(a.known_below(Dimension::GrowthPotential, 50.0), None);
    let r = policy().recommend(&c, &a, &pctx).unwrap();
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    let p = r.provisional.as_ref().expect("provisional on growth");
    assert!(p.to_confirm.contains(Input::ExpectedGrowth));
    assert!(r.let_go_signals().any(|s| matches!(
        s,
        custfit::policy::LetGoSignal::LowGrowth {
            plausible: true,
            ..
        }
    )));
    // Outside the profile as well: two confirmed signals, but a dog is one for its low growth,
    // which is still only plausible: provisional on growth all the same.
    let outside = ordinary_behavior(no_logo(base("g")))
        .industry("media")
        .use_case("custom-reporting")
        .segment("smb")
        .roadmap_interest("print-layout")
        .recurring_revenue(dec("20000"))
        .engineering_hours(dec("300"))
        .growth_likelihood(0.15)
        .build()
        .unwrap();
    let (actx, pctx) = analyzer.contexts(&facts, as_of(), &outside);
    let a = assessor().assess_with(&outside, &actx).unwrap();
    let r = policy().recommend(&outside, &a, &pctx).unwrap();
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    assert!(r
        .let_go_signals()
        .any(|s| matches!(s, custfit::policy::LetGoSignal::OutsideProfile { .. })));
    let p = r.provisional.as_ref().expect("provisional on growth");
    assert!(p.to_confirm.contains(Input::ExpectedGrowth));
    // The same ranges whatever the sharding: the known values merged.
    let (left, right) = peers.split_at(17);
    let mut merged = analyzer.summarize(left.iter().map(Ok), None);
    merged
        .merge(analyzer.summarize(right.iter().rev().map(Ok), None))
        .unwrap();
    assert_eq!(analyzer.facts(&merged).plausible, facts.plausible);
}

/// A case study implies being referenceable: a customer known not to be referenceable cannot
/// reach the logo threshold by counting a case study it cannot give.
#[test]
fn facts_that_imply_each_other_bound_the_best_case() {
    let thin = |referenceable: Option<bool>, brand: BrandTier| {
        let mut b = ordinary_behavior(in_profile("l"))
            .recurring_revenue(dec("100000"))
            .engineering_hours(dec("1040"))
            .expansion_whitespace(dec("0"))
            .brand_tier(brand);
        if let Some(r) = referenceable {
            b = b.referenceable(r);
        }
        b.build().unwrap()
    };
    // Not referenceable, a global brand: 45 on the known facts; at best brand (0.25),
    // positioning (0.2), feedback (0.1) = 55 < 70 — counting a case study would give 70.
    let (a, r) = recommend(&thin(Some(false), BrandTier::Global));
    assert!((a.best_case.logo_value.unwrap() - 55.0).abs() < 1e-9);
    assert!(!a
        .guardrails
        .iter()
        .any(|g| matches!(g, Guardrail::LogoMayOffsetMargin { .. })));
    assert_eq!(r.action, Action::Offboard);
    assert!(!r.is_provisional());
    // Referenceable unknown (a national brand, 67 on the known facts): it could be, and give a
    // case study: a provisional let-go.
    let (a, r) = recommend(&thin(None, BrandTier::National));
    assert!((a.best_case.logo_value.unwrap() - 91.666_666_666).abs() < 1e-6);
    let p = r
        .provisional
        .as_ref()
        .expect("provisional on the logo facts");
    assert!(p.to_confirm.contains(Input::CaseStudy));
}

/// Seed 000: "clear a short time into the engagement that your solution or product wasn't
/// going to fit". Seed 002: new customers are judged on growth potential — and a bad fit's
/// likelihood of seizing it is what makes it one.
#[test]
fn a_known_bad_fit_unlikely_to_grow_gets_no_new_customer_grace() {
    // Four months in, outside the profile, margin -30 %, stated likelihood 0.1, four custom
    // requests, attending meetings but achieving 10 % of its outcomes.
    let new = |adherence: Option<&str>, engineering: &str| {
        let mut b = identity("n")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(d(2025, 9, 15))
            .industry("media")
            .use_case("custom-reporting")
            .segment("smb")
            .recurring_revenue(dec("40000"))
            .engineering_hours(dec(engineering))
            .success_hours(dec("100"))
            .growth_likelihood(0.1)
            .meeting_attendance(dec("0.9"))
            .content_consumed(dec("0.8"))
            .outcomes_achieved(dec("0.1"))
            .goal_changes(0)
            .responsiveness(dec("0.9"));
        for i in 0..4 {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        if let Some(a) = adherence {
            b = b.plan_adherence(dec(a));
        }
        b.build().unwrap()
    };
    // Plan adherence unrecorded: possibly a bad fit; its growth could still reach the line
    // (whitespace unknown): it is given time.
    let (a, r) = recommend(&new(None, "400"));
    assert_eq!(a.tenure_months, Some(4));
    assert_eq!(a.cost.margin.unwrap().to_string(), "-30.0%");
    assert!(a.classification.could_be.contains(&FitClass::BadFit));
    assert_eq!(r.rule(), Some(Rule::NewCustomerGrowthUnknown));
    // Adherence recorded: a bad fit for certain, unlikely to grow: judged like any other —
    // the levers (price, roadmap limits for its custom requests) could save it, so reset
    // first, with the reason.
    let (a, r) = recommend(&new(Some("0.9"), "400"));
    assert_eq!(a.classification.class, FitClass::BadFit);
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::ResetFirst))
    );
    let no_grace = r
        .reasons
        .iter()
        .find_map(|b| match b {
            Because::NoGrace(n) => Some(*n),
            _ => None,
        })
        .expect("the reason the grace does not apply");
    assert_eq!(
        no_grace,
        NoGrace::UnlikelyBadFit {
            likelihood: 0.1,
            line: 0.3
        }
    );
    assert_eq!(
        no_grace.to_string(),
        "new customer, but a bad fit with a stated likelihood of growth of 10%, below 30%: judged like any other"
    );
    // Heavier, beyond the levers: let go, with help.
    let (_, r) = recommend(&new(Some("0.9"), "800"));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Offboard, Some(Rule::BadFitNotFixable))
    );
    assert!(r.exit_plan.is_some());
}

/// Every recommendation of a member of an account group states what it means for the group,
/// whatever the action; a loss-making subsidiary of a healthy group is let go provisionally
/// when its behavior is unknown, with the group effect.
#[test]
fn every_recommendation_of_a_group_member_states_the_group_effect() {
    let customers: Vec<Customer> = vec![
        healthy("parent").build().unwrap(),
        loss_maker().parent("parent").build().unwrap(),
        healthy("sister").parent("parent").build().unwrap(),
    ];
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = analyzer
        .analyze_slice(&customers, as_of(), 1, &|c, _, r| {
            seen.lock().unwrap().push((c.id().to_string(), r.clone()));
            Ok(())
        })
        .unwrap();
    let seen = seen.into_inner().unwrap();
    let of = |id: &str| &seen.iter().find(|(i, _)| i == id).unwrap().1;
    let loss = of("loss");
    assert_eq!(loss.action, Action::Offboard);
    assert!(loss.is_provisional());
    let impact = loss.group_impact.as_ref().expect("group impact");
    assert_eq!(impact.group.members, 3);
    assert_eq!(impact.revenue_share.unwrap().to_string(), "23.1%");
    assert_eq!(
        impact.margin_without,
        impact.group.margin.checked_sub(usd("-120000")).unwrap()
    );
    // The sister, invested in, states it too.
    let sister = of("sister");
    assert_eq!(sister.action, Action::Invest);
    assert!(sister.group_impact.is_some());
    assert_eq!(report.let_go.provisional.customers, 1);
}

/// Seed 001 "Expectation Reset": a reset is offered where the customer shows what it resets.
#[test]
fn an_expectation_reset_is_offered_only_where_it_applies() {
    let levers = |c: &Customer| {
        let a = assessor().assess(c, as_of()).unwrap();
        custfit::LeverPlan::new(c, &a, &simple_model(), &policy().config().levers).unwrap()
    };
    let quiet = base("q")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("300"))
        .build()
        .unwrap();
    assert!(!levers(&quiet)
        .levers
        .iter()
        .any(|l| l.kind == LeverKind::RoadmapInfluenceLimits));
    let asking = base("q")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("300"))
        .feature_request("bespoke dashboard", RequestScope::Custom)
        .feature_request("open API", RequestScope::Broad)
        .build()
        .unwrap();
    let plan = levers(&asking);
    let roadmap = plan
        .levers
        .iter()
        .find(|l| l.kind == LeverKind::RoadmapInfluenceLimits)
        .expect("limits on roadmap influence");
    assert_eq!(
        roadmap.trigger,
        Some(LeverTrigger::CustomRequests { count: 1 })
    );
    assert!(roadmap
        .to_string()
        .ends_with("because of 1 one-off feature request)"));
    // Support above the typical customer's: support boundaries, with the ratio that triggered.
    let heavy = base("s")
        .recurring_revenue(dec("10000"))
        .tickets(custfit::customer::Severity::Normal, 40, Some(dec("60")))
        .build()
        .unwrap();
    let boundaries = levers(&heavy)
        .levers
        .into_iter()
        .find(|l| l.kind == LeverKind::SupportBoundaries)
        .expect("support boundaries");
    // Support 3,000 on 10,000 of revenue: 0.30 / 0.25 = 1.2 times the typical.
    assert_eq!(
        boundaries.trigger,
        Some(LeverTrigger::ServiceAboveTypical {
            relative_intensity: dec("1.2")
        })
    );
    let trigger = |c: &Customer, kind: LeverKind| {
        levers(c)
            .levers
            .into_iter()
            .find(|l| l.kind == kind)
            .and_then(|l| l.trigger)
    };
    // Exactly the typical intensity (3,000 on 12,000) is not above it: no reset applies.
    let typical = base("t")
        .recurring_revenue(dec("12000"))
        .tickets(custfit::customer::Severity::Normal, 40, Some(dec("60")))
        .build()
        .unwrap();
    assert_eq!(trigger(&typical, LeverKind::SupportBoundaries), None);
    assert_eq!(trigger(&typical, LeverKind::CommunicationCadence), None);
    // Escalations come first, for support and for the cadence alike.
    let escalating = base("e")
        .recurring_revenue(dec("10000"))
        .tickets(custfit::customer::Severity::Normal, 40, Some(dec("60")))
        .escalations(3)
        .executive_hours(dec("10"))
        .build()
        .unwrap();
    let three = Some(LeverTrigger::Escalations { count: 3 });
    assert_eq!(trigger(&escalating, LeverKind::SupportBoundaries), three);
    assert_eq!(trigger(&escalating, LeverKind::CommunicationCadence), three);
    // Executive attention, without escalations, makes the cadence apply.
    let executive = base("x")
        .recurring_revenue(dec("10000"))
        .executive_hours(dec("10"))
        .success_hours(dec("20"))
        .build()
        .unwrap();
    assert_eq!(
        trigger(&executive, LeverKind::CommunicationCadence),
        Some(LeverTrigger::ExecutiveAttention { hours: dec("10") })
    );
    // An implementation project makes its timelines apply (its hours amortized over the
    // twelve months from going live: the whole of this period).
    let implementing = base("i")
        .recurring_revenue(dec("10000"))
        .implementation(dec("120"), d(2025, 1, 1), None)
        .build()
        .unwrap();
    assert_eq!(
        trigger(&implementing, LeverKind::ImplementationTimelines),
        Some(LeverTrigger::Implementation { hours: dec("120") })
    );
    assert_eq!(trigger(&quiet, LeverKind::ImplementationTimelines), None);
}

/// What to collect, over sets: where the facts decide together, the pairs and triples that
/// change the decision are listed, each by the confirm-by date.
#[test]
fn what_to_collect_names_the_sets_of_facts_that_decide_together() {
    let c = loss_maker().build().unwrap();
    let (_, r) = recommend(&c);
    let collect = collect_for(&c, &r);
    assert!(collect.re_decisions <= custfit::policy::MAX_RE_DECISIONS);
    assert_eq!(collect.skipped, 0);
    // No single behavior fact decides: two red flags make a bad customer, owed a reset
    // (restructure); three facts without one confirm the let-go.
    // Exactly: each pair of the four at their red flags, each triple at none.
    let listed: Vec<String> = collect.iter().map(|s| s.to_string()).collect();
    let pair = |facts: &str, values: &str| {
        format!("record {facts} by 2026-01-15: at {values} → restructure (behavior disqualifies it; reset expectations once first)")
    };
    let triple = |facts: &str, values: &str| {
        format!("record {facts} by 2026-01-15: at {values} → offboard, confirmed (loses money with little growth potential)")
    };
    assert_eq!(
        listed,
        [
            pair("meeting attendance and plan adherence", "0%, 0%"),
            pair("meeting attendance and goal changes", "0%, 12"),
            pair("meeting attendance and responsiveness", "0%, 0%"),
            pair("plan adherence and goal changes", "0%, 12"),
            pair("plan adherence and responsiveness", "0%, 0%"),
            pair("goal changes and responsiveness", "12, 0%"),
            triple(
                "meeting attendance, plan adherence and goal changes",
                "100%, 100%, 0"
            ),
            triple(
                "meeting attendance, plan adherence and responsiveness",
                "100%, 100%, 100%"
            ),
            triple(
                "meeting attendance, goal changes and responsiveness",
                "100%, 0, 100%"
            ),
            triple(
                "plan adherence, goal changes and responsiveness",
                "100%, 0, 100%"
            ),
        ]
    );
    assert!(collect.sets.iter().all(|s| s.facts.len() >= 2));
    let pair = &collect.sets[0];
    assert_eq!(pair.facts.len(), 2);
    assert_eq!(pair.by, as_of());
    assert!(pair
        .outcomes
        .iter()
        .any(|o| o.action == Action::Restructure && o.rule == Some(Rule::BadCustomerFirstReset)));
    let confirming = collect
        .sets
        .iter()
        .find(|s| {
            s.outcomes
                .iter()
                .any(|o| o.action == Action::Offboard && !o.provisional)
        })
        .expect("a set that confirms the let-go");
    assert_eq!(confirming.facts.len(), 3);
    // The list iterates as its sets, by reference and by value.
    assert!(!collect.is_empty());
    assert_eq!(collect.iter().count(), collect.sets.len());
    assert_eq!(
        (&collect).into_iter().collect::<Vec<_>>(),
        collect.sets.iter().collect::<Vec<_>>()
    );
    assert_eq!(
        collect.clone().into_iter().collect::<Vec<_>>(),
        collect.sets
    );
    // Another customer's recommendation is refused.
    let other = healthy("other").build().unwrap();
    let ctx = AssessmentContext::new(as_of());
    let e = what_to_collect(
        &assessor(),
        &policy(),
        &other,
        &ctx,
        &PolicyContext::default(),
        &r,
    )
    .unwrap_err();
    assert!(e.to_string().contains("`other`"), "{e}");
}

/// A hypothetical that cannot be decided (here its exit plan's dates leave chrono's range) is
/// skipped and counted: the rest of the list stands.
#[test]
fn what_to_collect_skips_a_hypothetical_that_fails_and_says_so() {
    let far = chrono::NaiveDate::MAX - chrono::Days::new(400);
    let c = ordinary_behavior(no_logo(in_profile("far")))
        .recurring_revenue(dec("20000"))
        .engineering_hours(dec("300"))
        .contract(
            Contract::builder(far - chrono::Days::new(364), far)
                .auto_renews(false)
                .data_export_days(3_000),
        )
        .build()
        .unwrap();
    let (_, r) = recommend(&c);
    // Growth unknown: restructured, and knowing it low would let it go — whose exit plan
    // cannot be dated.
    assert_eq!(r.rule(), Some(Rule::UnprofitableGrowthUnknown));
    let collect = collect_for(&c, &r);
    assert!(collect.skipped > 0, "{collect:?}");
    assert!(collect.re_decisions > collect.skipped);
}

/// A customer whose unknown facts cannot change its decision has nothing to collect; the
/// bound on re-decisions is the one the README states.
#[test]
fn what_to_collect_is_empty_where_no_fact_decides() {
    // A healthy customer invested in, with only facts that cannot turn it unknown.
    let c = healthy("fine").build().unwrap();
    let (_, r) = recommend(&c);
    assert_eq!(r.action, Action::Invest);
    let collect = what_to_collect(
        &assessor(),
        &policy(),
        &c,
        &AssessmentContext::new(as_of()),
        &PolicyContext::default(),
        &r,
    )
    .unwrap();
    assert!(collect.is_empty(), "{collect:?}");
    assert_eq!(collect.iter().count(), 0);
    assert_eq!(collect.into_iter().count(), 0);
    // 2 per optional fact, 4 per pair of the 10 most decisive, 8 per triple within the rule
    // groups (23 of them), 1 for the whole set: 2 x 16 + 4 x 45 + 8 x 23 + 1.
    assert_eq!(Input::OPTIONAL_FACTS.len(), 16);
    assert_eq!(custfit::policy::MAX_RE_DECISIONS, 397);
}

/// Where no fact alone, and no pair or triple, changes a provisional let-go, what to collect
/// still names the whole set to confirm, each fact at the end that confirms the let-go. A
/// policy of the user's own makes the let-go provisional until all four facts of the *bad*
/// test are known.
#[test]
fn what_to_collect_names_the_whole_set_when_only_all_of_it_confirms() {
    const FOUR: [Input; 4] = [
        Input::MeetingAttendance,
        Input::PlanAdherence,
        Input::GoalChanges,
        Input::Responsiveness,
    ];
    /// The template let-go, and whether to wait (restructure, facts pending) rather than let
    /// go provisionally.
    struct AllFourOrNothing(custfit::Recommendation, bool);
    impl RecommendationPolicy for AllFourOrNothing {
        fn recommend(
            &self,
            _: &Customer,
            a: &custfit::FitAssessment,
            _: &PolicyContext,
        ) -> custfit::Result<custfit::Recommendation> {
            let mut r = self.0.clone();
            let mut unknown = custfit::assessment::InputSet::default();
            for fact in FOUR.into_iter().filter(|f| a.inputs.get(*f).is_none()) {
                unknown.insert(fact);
            }
            match r.provisional.as_mut() {
                Some(_) if unknown.is_empty() => r.provisional = None,
                Some(_) if self.1 => {
                    r.provisional = None;
                    r.exit_plan = None;
                    r.action = Action::Restructure;
                    r.reasons = vec![Because::Rule(Rule::PendingFacts { missing: unknown })];
                }
                Some(p) => p.to_confirm = unknown,
                None => {}
            }
            Ok(r)
        }
    }
    let c = loss_maker().build().unwrap();
    let (_, template) = recommend(&c);
    assert!(template.is_provisional());
    let own = AllFourOrNothing(template.clone(), false);
    let ctx = AssessmentContext::new(as_of());
    let a = assessor().assess_with(&c, &ctx).unwrap();
    let r = own.recommend(&c, &a, &PolicyContext::default()).unwrap();
    assert_eq!(r.provisional.as_ref().unwrap().to_confirm.len(), 4);
    let collect =
        what_to_collect(&assessor(), &own, &c, &ctx, &PolicyContext::default(), &r).unwrap();
    assert_eq!(collect.sets.len(), 1, "{collect:?}");
    let all = &collect.sets[0];
    assert_eq!(all.facts, FOUR);
    // Attendance, adherence and responsiveness high, no goal changes: no red flag.
    assert_eq!(all.outcomes.len(), 1);
    assert_eq!(all.outcomes[0].values, [1.0, 1.0, 0.0, 1.0]);
    assert_eq!(
        (all.outcomes[0].action, all.outcomes[0].provisional),
        (Action::Offboard, false)
    );
    assert_eq!(all.by, r.provisional.as_ref().unwrap().confirm_by);
    // A policy that waits names the same set, by its review date.
    let waits = AllFourOrNothing(template, true);
    let r = waits.recommend(&c, &a, &PolicyContext::default()).unwrap();
    assert_eq!(r.action, Action::Restructure);
    let collect =
        what_to_collect(&assessor(), &waits, &c, &ctx, &PolicyContext::default(), &r).unwrap();
    assert_eq!(collect.sets.len(), 1, "{collect:?}");
    let all = &collect.sets[0];
    assert_eq!(all.facts, FOUR);
    assert_eq!(all.outcomes[0].values, [1.0, 1.0, 0.0, 1.0]);
    assert_eq!(all.outcomes[0].action, Action::Offboard);
    assert_eq!(all.by, r.review_on);
}

/// A growth signal that holds only under the plausible ranges is an estimate: it can make up
/// the count of signals for a provisional let-go, never for a confirmed one; and a new
/// customer denied its grace because its growth is only plausibly low is let go provisionally,
/// on its growth facts.
#[test]
fn a_plausible_growth_signal_counts_only_provisionally() {
    // Four months in, in the profile but a bad fit for certain (custom demands, outcomes not
    // achieved), losing money beyond the levers; likelihood stated 0.35 (above the grace's 0.3), whitespace
    // unrecorded, in a portfolio whose known whitespace is at most 20 % of revenue.
    let customer = |since| {
        let mut b = identity("n")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(since)
            .industry("logistics")
            .use_case("fleet-tracking")
            .segment("mid-market")
            .recurring_revenue(dec("40000"))
            .engineering_hours(dec("800"))
            .success_hours(dec("100"))
            .growth_likelihood(0.35)
            .meeting_attendance(dec("0.9"))
            .plan_adherence(dec("0.9"))
            .content_consumed(dec("0.8"))
            .outcomes_achieved(dec("0.1"))
            .goal_changes(0)
            .responsiveness(dec("0.9"));
        for i in 0..4 {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        b.build().unwrap()
    };
    let mut actx = AssessmentContext::new(as_of());
    let mut ranges = custfit::assessment::PlausibleRanges::default();
    ranges.whitespace_ratio.high = 0.2;
    actx.plausible = Some(ranges);
    let decide = |c: &Customer, config: PolicyConfig| {
        let a = assessor().assess_with(c, &actx).unwrap();
        assert_eq!(a.classification.class, FitClass::BadFit);
        DefaultPolicy::new(config, simple_model())
            .unwrap()
            .recommend(c, &a, &PolicyContext::default())
            .unwrap()
    };
    let new = customer(d(2025, 9, 15));
    let r = decide(&new, PolicyConfig::default());
    let no_grace = r.reasons.iter().find_map(|b| match b {
        Because::NoGrace(n) => Some(*n),
        _ => None,
    });
    assert!(
        matches!(
            no_grace,
            Some(NoGrace::LowGrowth {
                plausible: true,
                ..
            })
        ),
        "{no_grace:?}"
    );
    assert_eq!(
        (r.action, r.rule()),
        (Action::Offboard, Some(Rule::BadFitNotFixable))
    );
    assert!(r.let_go_signals().any(|s| matches!(
        s,
        custfit::policy::LetGoSignal::LowGrowth {
            plausible: true,
            ..
        }
    )));
    // Two confirmed signals (loses money, a bad fit) are enough, but what denied the grace is
    // only plausible: the growth facts are to be confirmed.
    let p = r.provisional.as_ref().expect("provisional on growth");
    assert!(p.to_confirm.contains(Input::ExpectedGrowth), "{p:?}");
    // An established customer of the same facts: the two confirmed signals let it go.
    let established = customer(d(2022, 1, 1));
    let r = decide(&established, PolicyConfig::default());
    assert_eq!(
        (r.action, r.rule(), r.is_provisional()),
        (Action::Offboard, Some(Rule::BadFitNotFixable), false)
    );
    // Where three signals are required, the plausible one makes up the count only
    // provisionally, on the growth facts.
    let three = PolicyConfig {
        min_offboard_signals: 3,
        ..PolicyConfig::default()
    };
    let r = decide(&established, three);
    assert_eq!(r.action, Action::Offboard);
    let p = r.provisional.as_ref().unwrap_or_else(|| panic!("{r:#?}"));
    assert!(p.to_confirm.contains(Input::ExpectedGrowth), "{p:?}");
}

/// The grace is withheld from a bad fit whose stated likelihood of growth is below the line
/// (0.3), not at it.
#[test]
fn the_grace_line_of_likelihood_is_strict() {
    let new = |likelihood: f64| {
        let mut b = identity("n")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(d(2025, 9, 15))
            .recurring_revenue(dec("40000"))
            .engineering_hours(dec("800"))
            .growth_likelihood(likelihood)
            .meeting_attendance(dec("0.9"))
            .plan_adherence(dec("0.9"))
            .content_consumed(dec("0.8"))
            .outcomes_achieved(dec("0.1"))
            .goal_changes(0)
            .responsiveness(dec("0.9"));
        for i in 0..4 {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        b.build().unwrap()
    };
    let no_grace = |r: &custfit::Recommendation| {
        r.reasons.iter().find_map(|b| match b {
            Because::NoGrace(n) => Some(*n),
            _ => None,
        })
    };
    let (a, below) = recommend(&new(0.29));
    assert_eq!(a.classification.class, FitClass::BadFit);
    assert_eq!(
        no_grace(&below),
        Some(NoGrace::UnlikelyBadFit {
            likelihood: 0.29,
            line: 0.3
        })
    );
    let (_, at) = recommend(&new(0.3));
    assert_eq!(no_grace(&at), None);
    assert_eq!(at.rule(), Some(Rule::NewCustomerGrowthUnknown));
}

/// Seed 000's product shaper is a cap, not a rule of its own: kept (retained while it makes
/// money, restructured while it loses it) only where it would otherwise be treated harsher;
/// a restructure it would get anyway keeps its own reason.
#[test]
fn a_product_shaper_is_capped_only_where_it_would_be_treated_harsher() {
    let shaper = |engineering: &str| {
        base("s")
            .industry("logistics")
            .recurring_revenue(dec("20000"))
            .engineering_hours(dec(engineering))
            .expansion_whitespace(dec("0"))
            .outcomes_achieved(dec("0.8"))
            .feature_request("open API", RequestScope::Broad)
            .feature_request("bulk edit", RequestScope::Broad)
            .build()
            .unwrap()
    };
    let is_shaper = |a: &custfit::FitAssessment| {
        a.guardrails
            .iter()
            .any(|g| matches!(g, Guardrail::ProductShaper { likes: Some(_), .. }))
    };
    // Margin 5 %, no growth: a dog restructured to lift its margin — a shaper is retained.
    let (a, r) = recommend(&shaper("170"));
    assert!(is_shaper(&a));
    assert_eq!(a.cost.margin.unwrap().to_string(), "5.0%");
    assert_eq!(
        (r.action, r.rule()),
        (Action::Retain, Some(Rule::ProductShaper))
    );
    // Margin -10 %, which the levers recover: restructured for that, its reason kept.
    let (a, r) = recommend(&shaper("200"));
    assert!(is_shaper(&a));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::Salvageable))
    );
    // Margin -35 %, beyond the levers: kept, restructured, as a shaper.
    let (_, r) = recommend(&shaper("250"));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Restructure, Some(Rule::ProductShaper))
    );
}
