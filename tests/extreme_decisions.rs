//! No panic on any input in the decision path: extreme but valid customers (huge revenue and
//! hours, far dates, every optional fact at either end or missing) are assessed, recommended
//! and asked what to collect; every failure is a typed error naming the customer.
//!
//! Debug test builds check integer overflow, so wrapping cannot hide here; to run it long and
//! fast with the same checks: `PROPTEST_CASES=100000 cargo test --profile hostile --test
//! extreme_decisions`.

mod common;

use chrono::NaiveDate;
use common::*;
use custfit::customer::{LifecycleStage, RequestScope, Severity};
use custfit::{
    what_to_collect, AssessmentContext, Contract, Customer, PolicyContext, RecommendationPolicy,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn extreme_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ZERO),
        Just(Decimal::new(1, 2)),
        (0i64..1_000_000_000).prop_map(|v| Decimal::new(v, 2)),
        Just(Decimal::from(i64::MAX)),
        Just(Decimal::MAX / Decimal::from(1_000_000)),
        Just(Decimal::MAX),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        Just(d(2025, 1, 1)),
        Just(d(1970, 1, 1)),
        Just(d(2024, 2, 29)),
        Just(NaiveDate::MIN),
        Just(d(9999, 12, 31)),
    ]
}

#[derive(Debug, Clone)]
struct Extreme {
    revenue: Decimal,
    one_time: Decimal,
    hours: [Decimal; 4],
    tickets: u32,
    escalations: u32,
    since: NaiveDate,
    as_of: NaiveDate,
    term: (NaiveDate, u32, u32),
    stage: LifecycleStage,
    share: Option<Decimal>,
    nps: Option<i16>,
    goals: Option<u32>,
    whitespace: Option<Decimal>,
    broad: u8,
}

fn extreme() -> impl Strategy<Value = Extreme> {
    (
        (extreme_decimal(), extreme_decimal()),
        [
            extreme_decimal(),
            extreme_decimal(),
            extreme_decimal(),
            extreme_decimal(),
        ],
        (any::<u32>(), any::<u32>()),
        (date(), date(), (date(), 1u32..=36, 0u32..=120)),
        prop_oneof![
            Just(LifecycleStage::Prospect),
            Just(LifecycleStage::Onboarding),
            Just(LifecycleStage::Active),
            Just(LifecycleStage::Churned),
        ],
        (
            proptest::option::of(prop_oneof![Just(Decimal::ZERO), Just(Decimal::ONE)]),
            proptest::option::of(prop_oneof![Just(-100i16), Just(100i16)]),
            proptest::option::of(any::<u32>()),
            proptest::option::of(extreme_decimal()),
            0u8..4,
        ),
    )
        .prop_map(
            |(
                (revenue, one_time),
                hours,
                (tickets, escalations),
                (since, as_of, term),
                stage,
                (share, nps, goals, whitespace, broad),
            )| Extreme {
                revenue,
                one_time,
                hours,
                tickets,
                escalations,
                since,
                as_of,
                term,
                stage,
                share,
                nps,
                goals,
                whitespace,
                broad,
            },
        )
}

fn build(x: &Extreme) -> Option<Customer> {
    let mut b = Customer::builder("x", "Extreme")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .stage(x.stage)
        .customer_since(x.since)
        .recurring_revenue(x.revenue)
        .one_time_revenue(x.one_time)
        .engineering_hours(x.hours[0])
        .success_hours(x.hours[1])
        .executive_hours(x.hours[2])
        .escalations(x.escalations)
        .implementation(x.hours[3], d(2025, 6, 1), None)
        .custom_feature("bespoke")
        .contract(
            Contract::builder(x.term.0, x.term.0 + chrono::Days::new(365))
                .auto_renews(true)
                .renewal_term_months(x.term.1)
                .renewal_notice_days(x.term.2),
        );
    if x.tickets > 0 {
        b = b.tickets(Severity::High, x.tickets, Some(x.hours[0]));
    }
    if let Some(s) = x.share {
        b = b
            .meeting_attendance(s)
            .plan_adherence(s)
            .content_consumed(s)
            .outcomes_achieved(s)
            .responsiveness(s);
    }
    if let Some(n) = x.nps {
        b = b.nps(n);
    }
    if let Some(g) = x.goals {
        b = b.goal_changes(g);
    }
    if let Some(w) = x.whitespace {
        b = b.expansion_whitespace(w);
    }
    for i in 0..x.broad {
        b = b.feature_request(format!("r{i}"), RequestScope::Broad);
    }
    // Invalid combinations are refused by the builder with an error: that is fine here.
    b.build().ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn deciding_never_panics(x in extreme()) {
        let Some(c) = build(&x) else { return Ok(()) };
        let ctx = AssessmentContext::new(x.as_of);
        match assessor().assess_with(&c, &ctx) {
            Err(e) => prop_assert!(e.to_string().contains("`x`"), "{e}"),
            Ok(a) => {
                let pctx = PolicyContext::default();
                match policy().recommend(&c, &a, &pctx) {
                    Err(e) => prop_assert!(e.to_string().contains("`x`"), "{e}"),
                    Ok(r) => {
                        prop_assert!(r.review_on > a.as_of || a.as_of == NaiveDate::MAX);
                        if let Err(e) = what_to_collect(&assessor(), &policy(), &c, &ctx, &pctx, &r) {
                            prop_assert!(e.to_string().contains("`x`"), "{e}");
                        }
                    }
                }
            }
        }
    }
}
