//! Hostile input: arbitrary mutations of the shipped customers and configuration as JSON.
//! Reading them never panics; what reads is assessed, recommended and analyzed without a
//! panic, and the counts add up. Debug builds check integer overflow; `PROPTEST_CASES=100000
//! cargo test --profile hostile --test hostile_json` runs it long with the same checks.

mod common;

use chrono::NaiveDate;
use common::cases;
use common::hostile::{mutate, mutations};
use custfit::{Config, Customer};
use proptest::prelude::*;
use serde_json::Value;

use common::hostile::sample;

/// A record's wire error names the field, and the customer once its id has been read: keys
/// are read in order, and a `serde_json::Value` holds them sorted, so a failure in a field that
/// sorts after `id` names a record whose id is a valid string.
fn check_names_the_field(record: &Value, msg: &str) -> Result<(), TestCaseError> {
    if !record.is_object() {
        return Ok(());
    }
    let Some((_, rest)) = msg.split_once("field `") else {
        return Err(TestCaseError::fail(format!("no field named: {msg}")));
    };
    let field = rest.split('`').next().unwrap_or_default();
    let top = field.split(['.', '[']).next().unwrap_or_default();
    prop_assert!(!field.is_empty(), "{}", msg);
    if let Some(id) = record["id"].as_str().filter(|id| !id.trim().is_empty()) {
        if top > "id" || !msg.starts_with("field `") {
            prop_assert!(
                msg.starts_with(&format!("customer `{id}`: field `")),
                "{}",
                msg
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_customers_never_panic(which in 0usize..63, picks in mutations()) {
        let customers = sample("customers.json");
        let record = mutate(customers[which].clone(), &picks);
        let read: Result<Customer, _> = serde_json::from_value(record.clone());
        if let Err(e) = &read {
            check_names_the_field(&record, &e.to_string())?;
        }
        if let Ok(c) = read {
            let config: Config = serde_json::from_value(sample("config.json")).unwrap();
            let analyzer = config.analyzer().unwrap();
            let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
            let records = vec![Ok(c.clone()), Ok(c)];
            let report = analyzer.analyze_records(&records, as_of, 2, &|_, _, _| Ok(())).unwrap();
            prop_assert!(report.counts_add_up());
            prop_assert_eq!(report.records, 2);
        }
    }

    #[test]
    fn mutated_configurations_never_panic(picks in mutations()) {
        let config = mutate(sample("config.json"), &picks);
        let read = serde_json::from_value::<Config>(config.clone());
        if let Err(e) = &read {
            let msg = e.to_string();
            // Only a document that is not an object at all has no field to name.
            prop_assert!(
                msg.starts_with("configuration field `") || !config.is_object(),
                "{}", msg
            );
        }
        if let Ok(config) = read {
            if let Ok(analyzer) = config.analyzer() {
                let customers: Vec<Customer> = serde_json::from_value(sample("customers.json")).unwrap();
                let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
                let report = analyzer.analyze_slice(&customers[..8], as_of, 2, &|_, _, _| Ok(())).unwrap();
                prop_assert!(report.counts_add_up());
            }
        }
    }
}
