//! Hostile input: arbitrary mutations of the shipped customers and configuration as JSON.
//! Reading them never panics; what reads is assessed, recommended and analyzed without a
//! panic, and the counts add up. Debug builds check integer overflow; `PROPTEST_CASES=100000
//! cargo test --profile hostile --test hostile_json` runs it long with the same checks.

mod common;

use chrono::NaiveDate;
use common::cases;
use custfit::{Config, Customer};
use proptest::prelude::*;
use serde_json::Value;

fn sample(name: &str) -> Value {
    let path = format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Replacement values: the kinds of wrong a real export has.
fn wrong() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(Value::from("")),
        Just(Value::from("-1")),
        Just(Value::from("1e30")),
        Just(Value::from("79228162514264337593543950335")),
        Just(Value::from("0.000000000000000000000000001")),
        Just(Value::from("12.5 USD")),
        Just(Value::from("2023-02-29")),
        Just(Value::from("9999-12-31")),
        Just(Value::from("-262143-01-01")),
        "[a-z_]{0,12}".prop_map(Value::from),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]
}

/// Every path to a leaf or container of `v`.
fn paths(v: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(PathStep::Key(k.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(PathStep::Index(i));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

/// Apply `n` mutations: replace a value, delete a key, or add a misspelt one.
fn mutate(mut v: Value, picks: &[(prop::sample::Index, u8, Value)]) -> Value {
    for (pick, how, value) in picks {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let path = &all[pick.index(all.len())];
        match how % 3 {
            0 => *at(&mut v, path) = value.clone(),
            1 => {
                if let Some((PathStep::Key(k), parent)) = path.split_last() {
                    if let Value::Object(m) = at(&mut v, parent) {
                        m.remove(k);
                    }
                }
            }
            _ => {
                if let Value::Object(m) = at(&mut v, path) {
                    m.insert("misspelt_fieldd".into(), value.clone());
                }
            }
        }
    }
    v
}

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

fn mutations() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, Value)>> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), wrong()), 1..4)
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
