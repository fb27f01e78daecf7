//! A seeded generator of realistic synthetic customers, for benchmarks and throughput runs.
//!
//! Shared by `examples/throughput.rs` and `benches/portfolio.rs`. The mix follows the sample
//! portfolio: most customers healthy, some loss-making, some demanding, a few bad or bad fits.

#![allow(dead_code)]

pub mod history;

use chrono::NaiveDate;
use custfit::assessment::{AssessmentConfig, IdealCustomerProfile};
use custfit::customer::{LifecycleStage, RequestScope, Severity};
use custfit::{Contract, CostModel, Customer};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

const INDUSTRIES: [&str; 6] = [
    "logistics",
    "retail",
    "manufacturing",
    "hospitality",
    "media",
    "public-sector",
];
const USE_CASES: [&str; 5] = [
    "fleet-tracking",
    "warehouse-ops",
    "demand-planning",
    "event-ticketing",
    "custom-reporting",
];
const SEGMENTS: [&str; 3] = ["smb", "mid-market", "enterprise"];
const CHANNELS: [&str; 4] = ["inbound", "outbound", "partner", "outbound-rep-k.brandt"];
const OWNERS: [&str; 6] = ["Jana", "Lukas", "Marco", "Priya", "Sofie", "Tomas"];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn dec(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// `n` customers from `seed`; the same seed gives the same customers.
pub fn customers(n: usize, seed: u64) -> Vec<Customer> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|i| customer(i, &mut rng)).collect()
}

fn share(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> Decimal {
    Decimal::new(rng.gen_range(lo..=hi), 2)
}

fn customer(i: usize, rng: &mut ChaCha8Rng) -> Customer {
    let segment = rng.gen_range(0..SEGMENTS.len());
    let revenue = match segment {
        0 => rng.gen_range(8_000..40_000),
        1 => rng.gen_range(40_000..150_000),
        _ => rng.gen_range(150_000..450_000),
    };
    let heavy = rng.gen_bool(0.2);
    let load = if heavy { 3 } else { 1 };
    let since = date(2019, 1, 1) + chrono::Days::new(rng.gen_range(0..2_500));
    let term_start = date(2025, rng.gen_range(1..=12), 1);
    let term_end = term_start
        .checked_add_months(chrono::Months::new(12))
        .and_then(|d| d.pred_opt())
        .expect("valid term");
    let mut contract = Contract::builder(term_start, term_end)
        .auto_renews(rng.gen_bool(0.8))
        .renewal_notice_days(rng.gen_range(30..=90))
        .data_export_days(30)
        .compliance_obligation("GDPR deletion certificate");
    if rng.gen_bool(0.5) {
        contract = contract.terminate_for_convenience(
            rng.gen_range(30..=90),
            custfit::Money::new(
                Decimal::from(rng.gen_range(0..20_000)),
                custfit::units::Currency::EUR,
            ),
        );
    }
    let disengaged = rng.gen_bool(0.08);
    let attendance = if disengaged {
        share(rng, 10, 45)
    } else {
        share(rng, 60, 100)
    };
    let mut b = Customer::builder(format!("S-{i:07}"), format!("Synthetic {i}"))
        .currency("EUR")
        .period(date(2025, 1, 1), date(2025, 12, 31))
        .industry(INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())])
        .use_case(USE_CASES[rng.gen_range(0..USE_CASES.len())])
        .segment(SEGMENTS[segment])
        .region("EU")
        .employees(rng.gen_range(20..20_000))
        .account_owner(OWNERS[rng.gen_range(0..OWNERS.len())])
        .acquisition_channel(CHANNELS[rng.gen_range(0..CHANNELS.len())])
        .product_version(if rng.gen_bool(0.2) { "v2" } else { "v3" })
        .stage(LifecycleStage::Active)
        .customer_since(since)
        .recurring_revenue(Decimal::from(revenue))
        .acquisition_cost(Decimal::from(revenue / 3))
        .contract(contract)
        .tickets(
            Severity::High,
            rng.gen_range(1..20) * load,
            Some(dec(rng.gen_range(100..4_000) * i64::from(load))),
        )
        .tickets(Severity::Normal, rng.gen_range(0..60) * load, None)
        .engineering_hours(dec(rng.gen_range(0..8_000) * i64::from(load)))
        .success_hours(dec(rng.gen_range(500..12_000) * i64::from(load)))
        .executive_hours(dec(rng.gen_range(0..1_000) * i64::from(load)))
        .escalations(rng.gen_range(0..3) * load)
        .usage_units(Decimal::from(rng.gen_range(0..5_000_000)))
        .referenceable(rng.gen_bool(0.3))
        .brand_tier(custfit::customer::BrandTier::Regional)
        .expansion_whitespace(Decimal::from(rng.gen_range(0..revenue)))
        .growth_likelihood(rng.gen_range(0.05..0.9))
        .meeting_attendance(attendance)
        .plan_adherence(if disengaged {
            share(rng, 10, 45)
        } else {
            share(rng, 55, 100)
        })
        .goal_changes(if disengaged {
            rng.gen_range(3..8)
        } else {
            rng.gen_range(0..2)
        })
        .responsiveness(share(rng, 40, 100))
        .outcomes_achieved(share(rng, 10, 95))
        .content_consumed(share(rng, 20, 100))
        .renewal_intent(rng.gen_range(0.1..0.95))
        .nps(rng.gen_range(-40..70));
    if rng.gen_bool(0.3) {
        b = b.feature_request("bulk import", RequestScope::Broad);
    }
    if rng.gen_bool(0.2) {
        b = b
            .feature_request("bespoke export", RequestScope::Custom)
            .custom_feature("bespoke export");
    }
    if rng.gen_bool(0.05) {
        b = b.parent(format!("G-{:05}", i / 20));
    }
    b.build().expect("generated customers are valid")
}

/// The cost model (the shipped sample's, in EUR) and assessment configuration the synthetic
/// portfolio is priced with.
pub fn setup() -> (CostModel, AssessmentConfig) {
    let config: custfit::Config = serde_json::from_str(include_str!("../data/config.json"))
        .expect("the shipped configuration is readable");
    let model: CostModel = config
        .cost_model()
        .expect("the shipped cost model is valid");
    let assessment = AssessmentConfig {
        profile: IdealCustomerProfile {
            target_industries: vec!["logistics".into(), "retail".into(), "manufacturing".into()],
            core_use_cases: vec![
                "fleet-tracking".into(),
                "warehouse-ops".into(),
                "demand-planning".into(),
            ],
            preferred_segments: vec!["mid-market".into(), "enterprise".into()],
            ..IdealCustomerProfile::default()
        },
        ..AssessmentConfig::default()
    };
    (model, assessment)
}
