//! Decisions per action, what to collect, and portfolio runs: 10,000 synthetic customers in memory, and
//! 100,000 customers end to end from a CSV text in memory (parse, build, both phases), and
//! what reading that text alone costs.

#[path = "../examples/synthetic/mod.rs"]
mod synthetic;

#[path = "../examples/flat/mod.rs"]
mod flat;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use custfit::policy::PolicyConfig;
use custfit::portfolio::{BetweenPhases, PortfolioAnalyzer, PortfolioConfig};
use custfit::source::flat::{FlatReader, FlatRow, ShardedText};
use custfit::{
    what_to_collect, Action, AssessmentContext, Assessor, Config, Customer, DefaultPolicy,
    PolicyContext, RecommendationPolicy,
};

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

    // One customer of the shipped sample per action: the policy alone, given its assessment.
    let sample: Config = serde_json::from_str(include_str!("../examples/data/config.json"))
        .expect("the shipped configuration reads");
    let (sample_assessor, sample_policy) = (
        sample.assessor().expect("valid"),
        sample.policy().expect("valid"),
    );
    let records: Vec<Customer> =
        serde_json::from_str(include_str!("../examples/data/customers.json"))
            .expect("the sample reads");
    let ctx = AssessmentContext::new(as_of);
    let pctx = PolicyContext::default();
    let mut group = c.benchmark_group("recommend");
    for action in Action::ALL {
        let found = records.iter().find_map(|c| {
            let a = sample_assessor.assess_with(c, &ctx).ok()?;
            let r = sample_policy.recommend(c, &a, &pctx).ok()?;
            (r.action == action).then_some((c, a))
        });
        // The sample has a customer for every action.
        let (customer, assessment) = found.expect("a sample customer for every action");
        group.bench_function(action.to_string().replace(' ', "_"), |b| {
            b.iter(|| sample_policy.recommend(customer, black_box(&assessment), &pctx))
        });
    }
    group.finish();

    // The same customers, assessed and recommended: what one decision costs, per action.
    let mut group = c.benchmark_group("assess_recommend");
    for action in Action::ALL {
        let customer = records
            .iter()
            .find(|c| {
                let a = sample_assessor.assess_with(c, &ctx);
                a.and_then(|a| sample_policy.recommend(c, &a, &pctx))
                    .is_ok_and(|r| r.action == action)
            })
            .expect("a sample customer for every action");
        group.bench_function(action.to_string().replace(' ', "_"), |b| {
            b.iter(|| {
                let a = sample_assessor.assess_with(black_box(customer), &ctx)?;
                sample_policy.recommend(customer, &a, &pctx)
            })
        });
    }
    // Every customer of a synthetic base in turn, on one thread: the mean over a mix of
    // actions (criterion reports it per customer).
    group.throughput(criterion::Throughput::Elements(customers.len() as u64));
    group.bench_function("10k-mean", |b| {
        b.iter(|| {
            for c in &customers {
                let a = assessor.assess_with(black_box(c), &ctx)?;
                black_box(policy.recommend(c, &a, &pctx)?);
            }
            custfit::Result::<()>::Ok(())
        })
    });
    group.finish();

    // What to collect, on demand: the sample's urgent provisional let-go (C-063, behavior
    // unknown: pairs and triples), and every sample customer in turn (the mean per customer;
    // divide by `assess_recommend` for its cost in decisions).
    let mut group = c.benchmark_group("what_to_collect");
    let decided: Vec<(&Customer, custfit::Recommendation)> = records
        .iter()
        .filter_map(|c| {
            let a = sample_assessor.assess_with(c, &ctx).ok()?;
            Some((c, sample_policy.recommend(c, &a, &pctx).ok()?))
        })
        .collect();
    let (provisional, current) = decided
        .iter()
        .find(|(c, _)| c.id().as_str() == "C-063")
        .expect("C-063 in the sample");
    group.bench_function("provisional", |b| {
        b.iter(|| {
            what_to_collect(
                &sample_assessor,
                &sample_policy,
                black_box(provisional),
                &ctx,
                &pctx,
                current,
            )
        })
    });
    group.throughput(criterion::Throughput::Elements(decided.len() as u64));
    group.bench_function("sample-mean", |b| {
        b.iter(|| {
            for (c, r) in &decided {
                black_box(what_to_collect(
                    &sample_assessor,
                    &sample_policy,
                    c,
                    &ctx,
                    &pctx,
                    r,
                )?);
            }
            custfit::Result::<()>::Ok(())
        })
    });
    group.finish();

    let analyzer =
        PortfolioAnalyzer::new(assessor, policy, PortfolioConfig::default()).expect("valid");
    let mut group = c.benchmark_group("portfolio");
    group.sample_size(10);
    group.bench_function("10k/2-threads", |b| {
        b.iter(|| analyzer.analyze_slice(black_box(&customers), as_of, 2, &|_, _, _| Ok(())))
    });

    // End to end from CSV text: the fast path of the main example, without the disk.
    let mut text = Vec::new();
    flat::generate::write_csv(100_000, 42, &mut text).expect("generated");
    let config: Config = serde_json::from_str(include_str!("../examples/data/config.json"))
        .expect("the shipped configuration reads");
    let analyzer = config.analyzer().expect("valid");
    let sharded = ShardedText::new(&text, 2).expect("a header");
    // What the run is made of: phase 1 reads every row (once; phase 2 assesses the customers
    // it kept), and this is that read.
    group.bench_function("100k-csv/2-threads-read-only", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                let reads: Vec<_> = (0..sharded.shards())
                    .map(|i| {
                        let shard = sharded.open(i);
                        s.spawn(move || count_customers(shard))
                    })
                    .collect();
                reads
                    .into_iter()
                    .map(|r| r.join().expect("read"))
                    .sum::<usize>()
            })
        })
    });
    group.bench_function("100k-csv/2-threads", |b| {
        b.iter(|| {
            let open = |i: usize| Ok(sharded.open(i));
            analyzer.analyze_shards(sharded.shards(), 2, open, as_of, &|_, _, _| Ok(()), None)
        })
    });
    // The same, each shard read again for phase 2 (`BetweenPhases::ReadAgain`): the cost of
    // memory bounded by the report alone.
    let mut again = config.clone();
    again.portfolio.between_phases = BetweenPhases::ReadAgain;
    let again = again.analyzer().expect("valid");
    group.bench_function("100k-csv/2-threads-read-again", |b| {
        b.iter(|| {
            let open = |i: usize| Ok(sharded.open(i));
            again.analyze_shards(sharded.shards(), 2, open, as_of, &|_, _, _| Ok(()), None)
        })
    });
    group.finish();

    // The floor of any reading, one thread: the csv crate splitting the same text into
    // fields, against reading it into validated customers.
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.bench_function("100k-csv/fields", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(&text[..]));
            let mut record = csv::ByteRecord::new();
            let mut fields = 0;
            while reader.read_byte_record(&mut record).expect("a record") {
                fields += record.len();
            }
            fields
        })
    });
    group.bench_function("100k-csv/customers", |b| {
        b.iter(|| count_customers(FlatReader::new(black_box(&text[..])).expect("header")))
    });
    // The same customers the general way: the csv crate's records, serde into the row.
    group.bench_function("100k-csv/customers-csv-serde", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(&text[..]));
            let header = reader.headers().expect("a header").clone();
            let mut record = csv::StringRecord::new();
            let mut tags = custfit::customer::TagSet::default();
            let mut n = 0;
            while reader.read_record(&mut record).expect("a record") {
                let row: FlatRow<'_> = record.deserialize(Some(&header)).expect("a row");
                n += usize::from(row.into_customer(&mut tags).is_ok());
            }
            n
        })
    });
    group.finish();
}

/// The customers a source reads (and drops), refused records left out.
fn count_customers(mut source: impl custfit::source::CustomerSource) -> usize {
    let mut n = 0;
    while let Some(c) = source.next_customer() {
        n += usize::from(c.is_ok());
    }
    n
}

criterion_group!(benches, bench);
criterion_main!(benches);
