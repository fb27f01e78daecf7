//! Reports read back from storage: a `PortfolioReport` or `PortfolioSummary` read from JSON gets
//! the checks of one made here, and nothing done with it panics — whatever was changed in the
//! stored text. Debug builds check integer overflow; `PROPTEST_CASES=100000 cargo test
//! --profile hostile --test hostile_reports` runs it long with the same checks.

mod common;

use std::sync::OnceLock;

use chrono::NaiveDate;
use common::cases;
use common::hostile::{mutate, mutations, sample};
use custfit::portfolio::{PortfolioReport, PortfolioSummary};
use custfit::{Config, Customer};
use proptest::prelude::*;
use serde_json::Value;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
}

/// The sample's report and the summary of its first phase, as JSON, made once.
fn stored() -> &'static (Value, Value) {
    static STORED: OnceLock<(Value, Value)> = OnceLock::new();
    STORED.get_or_init(|| {
        let config: Config = serde_json::from_value(sample("config.json")).unwrap();
        let customers: Vec<Customer> = serde_json::from_value(sample("customers.json")).unwrap();
        let analyzer = config.analyzer().unwrap();
        // With one refused record, so that the counts have something to add.
        let mut records: Vec<custfit::Result<Customer>> =
            customers.iter().cloned().map(Ok).collect();
        records.push(
            Customer::builder("broken", "Broken")
                .currency("EUR")
                .build(),
        );
        let report = analyzer
            .analyze_records(&records, as_of(), 1, &|_, _, _| Ok(()))
            .unwrap();
        assert_eq!(report.bad_records.len(), 1);
        let summary = analyzer.summarize(customers.iter().map(Ok), None);
        (
            serde_json::to_value(&report).unwrap(),
            serde_json::to_value(&summary).unwrap(),
        )
    })
}

/// Everything a caller may do with a report read back: none of it panics.
fn use_report(r: &PortfolioReport) {
    let _ = r.counts_add_up();
    let _ = r.analytics();
    let _ = (r.margin_before(), r.margin_after());
    let _ = r.whale_curve(20);
    let _ = r.revenue_concentration(10);
    let _ = r.potential_for_freed_hours(50.0, 5);
    let _ = r.to_confirm_by(as_of()).count();
    let mut twice = r.clone();
    let _ = twice.merge(r.clone());
    let _ = custfit::history::PeriodChange::between(r, r);
    // What reads back writes out and reads back the same.
    let again: PortfolioReport =
        serde_json::from_value(serde_json::to_value(r).unwrap()).expect("a report reads back");
    assert_eq!(&again, r);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn a_mutated_stored_report_is_refused_or_checked_never_a_panic(picks in mutations()) {
        let text = mutate(stored().0.clone(), &picks);
        if let Ok(r) = serde_json::from_value::<PortfolioReport>(text) {
            // Every amount in the report's currency, its lists in order.
            let currency = r.currency;
            prop_assert!(r.rows.iter().all(|row| row.revenue.currency() == currency));
            prop_assert!(r.rows.windows(2).all(|w| w[0].id <= w[1].id));
            prop_assert!(r
                .to_confirm
                .windows(2)
                .all(|w| w[0].provisional.confirm_by <= w[1].provisional.confirm_by));
            use_report(&r);
        }
    }

    #[test]
    fn a_mutated_stored_summary_is_refused_or_checked_never_a_panic(picks in mutations()) {
        let text = mutate(stored().1.clone(), &picks);
        if let Ok(s) = serde_json::from_value::<PortfolioSummary>(text) {
            prop_assert!(s.ids.windows(2).all(|w| w[0] <= w[1]));
            let config: Config = serde_json::from_value(sample("config.json")).unwrap();
            let analyzer = config.analyzer().unwrap();
            let _ = analyzer.facts(&s);
            let mut whole: PortfolioSummary = serde_json::from_value(stored().1.clone()).unwrap();
            let _ = whole.merge(s);
        }
    }
}

#[test]
fn a_report_with_counts_past_u64_is_read_and_does_not_add_up() {
    let mut text = stored().0.clone();
    text["totals"]["customers"] = Value::from(u64::MAX);
    let r: PortfolioReport = serde_json::from_value(text).expect("read, counts not trusted");
    // It overflowed (debug) or wrapped to true (release) before.
    assert!(!r.counts_add_up());
    let mut text = stored().0.clone();
    text["records"] = Value::from(u64::MAX);
    let r: PortfolioReport = serde_json::from_value(text).unwrap();
    assert!(!r.counts_add_up());
    let stored: PortfolioReport = serde_json::from_value(stored().0.clone()).unwrap();
    assert!(stored.counts_add_up());
}

#[test]
fn stored_reports_refuse_unknown_fields_and_mixed_currencies() {
    let mut text = stored().0.clone();
    text["totals"]["revenu"] = Value::from("1.00 EUR");
    let e = serde_json::from_value::<PortfolioReport>(text).unwrap_err();
    assert!(e.to_string().contains("unknown field `revenu`"), "{e}");
    let mut text = stored().0.clone();
    text["rows"][3]["profit"] = Value::from("100.00 USD");
    let e = serde_json::from_value::<PortfolioReport>(text).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("field `rows[3].profit`: is in USD, expected EUR"),
        "{e}"
    );
    let mut text = stored().1.clone();
    text["extra"] = Value::from(1);
    assert!(serde_json::from_value::<PortfolioSummary>(text).is_err());
    // A summary's ids are put in order: a merge finds repeated ids among sorted ones.
    let mut text = stored().1.clone();
    text["ids"].as_array_mut().unwrap().reverse();
    let s: PortfolioSummary = serde_json::from_value(text).unwrap();
    assert!(s.ids.windows(2).all(|w| w[0] <= w[1]));
}
