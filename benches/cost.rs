//! Cost to serve, building (validating) and assessing one customer.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use custfit::cost::CostModelConfig;
use custfit::customer::{Severity, Sla, SlaTier};
use custfit::{Contract, CostModel, Customer};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn typical() -> custfit::customer::CustomerBuilder {
    Customer::builder("C-1", "Typical Ltd")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2023, 5, 1))
        .recurring_revenue(Decimal::new(8_450_000, 2))
        .one_time_revenue(Decimal::new(250_000, 2))
        .contract(
            Contract::builder(d(2025, 5, 1), d(2026, 4, 30))
                .auto_renews(true)
                .renewal_notice_days(60)
                .sla(Sla {
                    tier: SlaTier::Premium,
                    first_response_hours: None,
                    standby_hours_per_month: custfit::units::Hours::new(Decimal::from(4))
                        .expect("hours"),
                }),
        )
        .tickets(Severity::High, 12, Some(Decimal::new(365, 1)))
        .tickets(Severity::Normal, 48, None)
        .engineering_hours(Decimal::from(60))
        .success_hours(Decimal::new(425, 1))
        .executive_hours(Decimal::from(6))
        .escalations(1)
        .implementation(
            Decimal::from(240),
            d(2024, 10, 1),
            Some(Decimal::from(3_000)),
        )
        .custom_feature("SSO bridge")
        .usage_units(Decimal::from(2_500_000))
}

fn bench(c: &mut Criterion) {
    let model = CostModel::new(CostModelConfig::default()).expect("valid model");
    let customer = typical().build().expect("valid customer");
    c.bench_function("cost/one", |b| {
        b.iter(|| model.cost_to_serve(black_box(&customer)))
    });
    c.bench_function("cost/totals", |b| {
        b.iter(|| model.totals(black_box(&customer)))
    });
    c.bench_function("customer/build", |b| {
        b.iter(|| black_box(typical()).build())
    });
    let assessor = custfit::Assessor::new(
        model.clone(),
        custfit::assessment::AssessmentConfig::default(),
    )
    .expect("valid config");
    let as_of = d(2026, 1, 15);
    c.bench_function("assess/one", |b| {
        b.iter(|| assessor.assess(black_box(&customer), as_of))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
