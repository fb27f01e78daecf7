//! Shared fixtures for the integration tests.
#![allow(dead_code)]

pub mod hostile;
pub mod messy;

/// Property-test cases: `PROPTEST_CASES` when set (to run much longer), else 256.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

use chrono::NaiveDate;
use custfit::cost::{CostModelConfig, HourlyRate};
use custfit::customer::CustomerBuilder;
use custfit::{CostModel, Money};
use rust_decimal::Decimal;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

pub fn dec(s: &str) -> Decimal {
    s.parse().expect("valid test decimal")
}

pub fn usd(s: &str) -> Money {
    Money::new(dec(s), custfit::units::Currency::USD)
}

/// A customer with a 2025 calendar-year period in USD, active since 2023.
pub fn base(id: &str) -> CustomerBuilder {
    identity(id).period(d(2025, 1, 1), d(2025, 12, 31))
}

/// A [`base`] customer inside the test profile: logistics, fleet tracking, mid-market.
pub fn in_profile(id: &str) -> CustomerBuilder {
    base(id)
        .industry("logistics")
        .use_case("fleet-tracking")
        .segment("mid-market")
}

/// A customer in USD, active since 2023, without a period (for `.activity(..)`).
pub fn identity(id: &str) -> CustomerBuilder {
    custfit::Customer::builder(id, format!("Customer {id}"))
        .currency("USD")
        .customer_since(d(2023, 1, 1))
}

/// Round-number rates so expected lines are easy to redo by hand: support 50, engineering 100,
/// success 80, executive 200, implementation 100 per hour; COGS 10 % of revenue; no overhead.
pub fn simple_model() -> CostModel {
    let mut c = CostModelConfig::default();
    c.rates.support = HourlyRate::PerHour(usd("50"));
    c.rates.engineering = HourlyRate::PerHour(usd("100"));
    c.rates.success = HourlyRate::PerHour(usd("80"));
    c.rates.executive = HourlyRate::PerHour(usd("200"));
    c.rates.implementation = HourlyRate::PerHour(usd("100"));
    c.cogs_share_of_revenue = custfit::units::Share::new(dec("0.1")).unwrap();
    c.cogs_per_usage_unit = usd("0.01");
    c.implementation_amortization_months = 12;
    c.custom_feature_upkeep_per_year = usd("3650");
    c.cost_per_escalation = usd("500");
    c.overhead_share = custfit::units::Share::ZERO;
    CostModel::new(c).expect("valid model")
}

use custfit::customer::{LifecycleStage, RequestScope, Severity, Sla, SlaTier};
use custfit::{Contract, Customer};
use proptest::prelude::*;

/// Cost drivers of a generated customer, kept apart so a property can raise one of them.
#[derive(Debug, Clone)]
pub struct Drivers {
    pub recurring: i64,
    pub one_time: i64,
    pub tickets_with_hours: (u32, i64),
    pub tickets_without_hours: u32,
    pub engineering: i64,
    pub success: i64,
    pub executive: i64,
    pub escalations: u32,
    pub implementation: Option<i64>,
    pub custom_features: usize,
    pub usage: i64,
    pub standby: i64,
}

pub fn drivers() -> impl Strategy<Value = Drivers> {
    (
        (0i64..2_000_000, 0i64..100_000),
        (0u32..200, 0i64..2_000),
        0u32..200,
        (0i64..2_000, 0i64..1_000, 0i64..200, 0u32..20),
        (
            proptest::option::of(0i64..2_000),
            0usize..5,
            0i64..10_000_000,
            0i64..20,
        ),
    )
        .prop_map(
            |(
                (recurring, one_time),
                tickets_with_hours,
                tickets_without_hours,
                (engineering, success, executive, escalations),
                (implementation, custom_features, usage, standby),
            )| Drivers {
                recurring,
                one_time,
                tickets_with_hours,
                tickets_without_hours,
                engineering,
                success,
                executive,
                escalations,
                implementation,
                custom_features,
                usage,
                standby,
            },
        )
}

/// Amounts are in cents and hours in tenths, so that generated values have decimals.
pub fn build(id: &str, x: &Drivers) -> Customer {
    let cents = |v: i64| rust_decimal::Decimal::new(v, 2);
    let tenths = |v: i64| rust_decimal::Decimal::new(v, 1);
    let mut b = base(id)
        .recurring_revenue(cents(x.recurring * 100))
        .one_time_revenue(cents(x.one_time))
        .contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).sla(Sla {
            tier: SlaTier::Premium,
            first_response_hours: None,
            standby_hours_per_month: custfit::units::Hours::new(tenths(x.standby)).unwrap(),
        }))
        .tickets(Severity::Low, x.tickets_without_hours, None)
        .engineering_hours(tenths(x.engineering))
        .success_hours(tenths(x.success))
        .executive_hours(tenths(x.executive))
        .escalations(x.escalations)
        .usage_units(rust_decimal::Decimal::from(x.usage));
    // Measured hours need tickets, and tickets with measured hours need some hours.
    let (count, hours) = x.tickets_with_hours;
    if count > 0 && hours > 0 {
        b = b.tickets(Severity::High, count, Some(tenths(hours)));
    }
    if let Some(h) = x.implementation {
        b = b.implementation(tenths(h), d(2024, 9, 1), Some(cents(123_456)));
    }
    for i in 0..x.custom_features {
        b = b.custom_feature(format!("feature {i}"));
    }
    b.build().expect("generated customers are valid")
}

/// A varied valid customer, facts and signals included.
pub fn customer() -> impl Strategy<Value = Customer> {
    (
        drivers(),
        "[a-z]{1,8}-[0-9]{1,4}",
        any::<bool>(),
        proptest::option::of(0.0f64..=1.0),
        proptest::option::of(0i64..=100),
        proptest::option::of(-100i16..=100),
        0u32..8,
        any::<bool>(),
    )
        .prop_map(|(x, id, prospect, p, share, nps, goals, broad)| {
            let c = build(&id, &x);
            let mut b = identity(&id)
                .recurring_revenue(c.recurring_revenue().amount())
                .activity(c.activity().clone())
                .industry("logistics")
                .segment("mid-market")
                .goal_changes(goals)
                .feature_request(
                    "bulk import",
                    if broad {
                        RequestScope::Broad
                    } else {
                        RequestScope::Custom
                    },
                );
            if prospect {
                b = b.stage(LifecycleStage::Prospect);
            }
            if let Some(p) = p {
                b = b.growth_likelihood(p).renewal_intent(p);
            }
            if let Some(s) = share {
                b = b
                    .meeting_attendance(rust_decimal::Decimal::new(s, 2))
                    .content_consumed(rust_decimal::Decimal::new(s, 2))
                    .expansion_whitespace(rust_decimal::Decimal::from(s * 1000));
            }
            if let Some(n) = nps {
                b = b.nps(n);
            }
            b.build().expect("generated customers are valid")
        })
}

use custfit::assessment::{AssessmentConfig, IdealCustomerProfile};
use custfit::Assessor;

/// The assessment date used by the scenario tests.
pub fn as_of() -> NaiveDate {
    d(2026, 1, 15)
}

/// An assessor over [`simple_model`] with a logistics / fleet-tracking profile.
pub fn assessor() -> Assessor {
    Assessor::new(simple_model(), assessment_config()).expect("valid config")
}

pub fn assessment_config() -> AssessmentConfig {
    AssessmentConfig {
        profile: IdealCustomerProfile {
            target_industries: vec!["logistics".into(), "retail".into()],
            core_use_cases: vec!["fleet-tracking".into(), "warehouse-ops".into()],
            roadmap_themes: vec!["route-optimization".into()],
            preferred_segments: vec!["mid-market".into()],
            ..IdealCustomerProfile::default()
        },
        ..AssessmentConfig::default()
    }
}

/// A healthy in-profile customer: 100,000 revenue, moderate service, engaged and successful.
pub fn healthy(id: &str) -> CustomerBuilder {
    base(id)
        .industry("logistics")
        .use_case("fleet-tracking")
        .roadmap_interest("route-optimization")
        .segment("mid-market")
        .recurring_revenue(dec("100000"))
        .tickets(Severity::Normal, 20, Some(dec("40")))
        .success_hours(dec("60"))
        .engineering_hours(dec("20"))
        .referenceable(false)
        .brand_tier(custfit::customer::BrandTier::Regional)
        .expansion_whitespace(dec("20000"))
        .growth_likelihood(0.5)
        .meeting_attendance(dec("0.9"))
        .plan_adherence(dec("0.85"))
        .goal_changes(0)
        .responsiveness(dec("0.9"))
        .outcomes_achieved(dec("0.8"))
        .content_consumed(dec("0.6"))
        .renewal_intent(0.85)
        .nps(40)
}

use custfit::policy::PolicyConfig;
use custfit::{DefaultPolicy, FitAssessment, PolicyContext, Recommendation, RecommendationPolicy};

pub fn policy() -> DefaultPolicy {
    let mut config = PolicyConfig::default();
    config.levers.current_product_version = Some("v3".into());
    DefaultPolicy::new(config, simple_model()).expect("valid policy")
}

/// Assess and recommend with the default assessor and policy.
pub fn recommend(c: &Customer) -> (FitAssessment, Recommendation) {
    recommend_in(c, PolicyContext::default())
}

pub fn recommend_in(c: &Customer, ctx: PolicyContext) -> (FitAssessment, Recommendation) {
    let a = assessor().assess(c, as_of()).expect("assessable");
    let r = policy().recommend(c, &a, &ctx).expect("recommendable");
    (a, r)
}

/// A poor dog (seed 002): in profile and engaged, but loses money (20,000 revenue against 250
/// engineering hours) with little growth potential — more than any lever recovers.
pub fn dog(id: &str) -> CustomerBuilder {
    healthy(id)
        .recurring_revenue(dec("20000"))
        .engineering_hours(dec("250"))
        .expansion_whitespace(dec("500"))
        .growth_likelihood(0.1)
}

/// Every logo-value fact at its best (seed 001 §4): a referenceable global brand with a case
/// study, high strategic positioning and high-quality feedback.
pub fn top_logo(b: CustomerBuilder) -> CustomerBuilder {
    b.referenceable(true)
        .case_study(true)
        .brand_tier(custfit::customer::BrandTier::Global)
        .strategic_positioning(custfit::customer::Level::High)
        .feedback_quality(custfit::customer::Level::High)
}

/// What to collect for `c`, recommended `r` by the common assessor and policy, as of
/// [`as_of`].
pub fn collect_for(c: &Customer, r: &Recommendation) -> custfit::policy::WhatToCollect {
    let ctx = custfit::AssessmentContext::new(as_of());
    custfit::what_to_collect(
        &assessor(),
        &policy(),
        c,
        &ctx,
        &PolicyContext::default(),
        r,
    )
    .expect("what to collect")
}
