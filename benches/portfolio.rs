//! One assessment with its recommendation, and a 10,000-customer portfolio run.

#[path = "../examples/synthetic/mod.rs"]
mod synthetic;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use custfit::policy::PolicyConfig;
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig};
use custfit::{Assessor, DefaultPolicy, PolicyContext, RecommendationPolicy};

fn bench(c: &mut Criterion) {
    let (model, config) = synthetic::setup();
    let assessor = Assessor::new(model.clone(), config).expect("valid config");
    let policy = DefaultPolicy::new(PolicyConfig::default(), model).expect("valid policy");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
    let customers = synthetic::customers(10_000, 42);
    let one = &customers[0];
    c.bench_function("assess_recommend/one", |b| {
        b.iter(|| {
            let a = assessor.assess(black_box(one), as_of).expect("assessed");
            policy.recommend(one, &a, &PolicyContext::default())
        })
    });
    let analyzer =
        PortfolioAnalyzer::new(assessor, policy, PortfolioConfig::default()).expect("valid");
    let mut group = c.benchmark_group("portfolio");
    group.sample_size(10);
    group.bench_function("10k/2-threads", |b| {
        b.iter(|| analyzer.analyze_slice(black_box(&customers), as_of, 2, &|_, _, _| Ok(())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
