//! One operation, `N` times, for counting its instructions under cachegrind
//! (`benches/instructions.sh` runs it with two counts and takes the difference, so that start-up
//! does not count).
//!
//! ```text
//! cargo run --release --example instructions -- OPERATION N
//! ```
//!
//! Operations: `build` (build and validate the benches' typical customer), `assess-recommend`
//! (assess and recommend every customer of the sample in turn, N times over), `action:NAME`
//! (the first sample customer recommended NAME: invest, retain, restructure, offboard,
//! decline, look_back), `what-to-collect` (the sample's urgent provisional let-go, C-063),
//! `csv PATH` (both phases over the CSV file at PATH, read into memory first, on one thread:
//! the per-customer count is the difference of two files of different sizes), `read PATH`
//! (the library's flat reader building every customer of the file) and `read-csv-serde PATH`
//! (the same through the csv crate and serde into `FlatRow`).

use std::hint::black_box;

use chrono::NaiveDate;
use custfit::customer::Severity;
use custfit::source::flat::ShardedText;
use custfit::{
    what_to_collect, Action, AssessmentContext, Config, Customer, PolicyContext,
    RecommendationPolicy,
};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// The benches' typical customer (benches/cost.rs).
fn typical() -> custfit::customer::CustomerBuilder {
    Customer::builder("C-1001", "Typical Ltd")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2022, 1, 1))
        .recurring_revenue(Decimal::from(120_000))
        .tickets(Severity::High, 12, Some(Decimal::from(30)))
        .tickets(Severity::Normal, 80, None)
        .engineering_hours(Decimal::from(140))
        .success_hours(Decimal::from(60))
        .executive_hours(Decimal::from(6))
        .escalations(2)
        .implementation(
            Decimal::from(240),
            d(2024, 10, 1),
            Some(Decimal::from(3_000)),
        )
        .custom_feature("SSO bridge")
        .usage_units(Decimal::from(2_500_000))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let operation = args.next().ok_or("OPERATION N")?;
    let count = args.next().ok_or("OPERATION N")?;
    let config: Config = serde_json::from_str(include_str!("data/config.json"))?;
    let (assessor, policy) = (config.assessor()?, config.policy()?);
    let customers: Vec<Customer> = serde_json::from_str(include_str!("data/customers.json"))?;
    let as_of = d(2026, 1, 15);
    let ctx = AssessmentContext::new(as_of);
    let pctx = PolicyContext::default();
    if operation == "csv" {
        let text = std::fs::read(&count)?;
        let analyzer = config.analyzer()?;
        let text = ShardedText::new(&text, 1)?;
        let open = |i: usize| Ok(text.open(i));
        let report =
            analyzer.analyze_shards(text.shards(), 1, open, as_of, &|_, _, _| Ok(()), None)?;
        black_box(report);
        return Ok(());
    }
    if operation == "read" || operation == "read-csv-serde" {
        let text = std::fs::read(&count)?;
        black_box(if operation == "read" {
            read_flat(&text)?
        } else {
            read_csv_serde(&text)?
        });
        return Ok(());
    }
    let n: usize = count.parse()?;
    match operation.as_str() {
        "build" => {
            for _ in 0..n {
                black_box(black_box(typical()).build()?);
            }
        }
        "assess-recommend" => {
            for _ in 0..n {
                for c in &customers {
                    let a = assessor.assess_with(black_box(c), &ctx)?;
                    black_box(policy.recommend(c, &a, &pctx)?);
                }
            }
        }
        "what-to-collect" => {
            let c = customers
                .iter()
                .find(|c| c.id().as_str() == "C-063")
                .ok_or("C-063")?;
            let a = assessor.assess_with(c, &ctx)?;
            let r = policy.recommend(c, &a, &pctx)?;
            for _ in 0..n {
                black_box(what_to_collect(
                    &assessor,
                    &policy,
                    black_box(c),
                    &ctx,
                    &pctx,
                    &r,
                )?);
            }
        }
        other => {
            let name = other.strip_prefix("action:").ok_or("unknown operation")?;
            let action = Action::ALL
                .into_iter()
                .find(|a| a.to_string().replace(' ', "_") == name)
                .ok_or("unknown action")?;
            let customer = customers
                .iter()
                .find(|c| {
                    assessor
                        .assess_with(c, &ctx)
                        .and_then(|a| policy.recommend(c, &a, &pctx))
                        .is_ok_and(|r| r.action == action)
                })
                .ok_or("no sample customer for that action")?;
            for _ in 0..n {
                let a = assessor.assess_with(black_box(customer), &ctx)?;
                black_box(policy.recommend(customer, &a, &pctx)?);
            }
        }
    }
    Ok(())
}

/// The customers the library's flat reader builds from `text` (refused rows left out).
fn read_flat(text: &[u8]) -> custfit::Result<usize> {
    use custfit::source::CustomerSource;
    let mut reader = custfit::source::flat::FlatReader::new(text)?;
    let mut n = 0;
    while let Some(c) = reader.next_customer() {
        n += usize::from(black_box(c).is_ok());
    }
    Ok(n)
}

/// The same through the csv crate's records and serde into `FlatRow`.
fn read_csv_serde(text: &[u8]) -> Result<usize, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_reader(text);
    let header = reader.headers()?.clone();
    let mut record = csv::StringRecord::new();
    let mut tags = custfit::customer::TagSet::default();
    let mut n = 0;
    while reader.read_record(&mut record)? {
        let row: custfit::source::flat::FlatRow<'_> = record.deserialize(Some(&header))?;
        n += usize::from(black_box(row.into_customer(&mut tags)).is_ok());
    }
    Ok(n)
}
