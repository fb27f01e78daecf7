//! Hostile JSON: mutations of a valid value, the kinds of wrong a real export or a damaged
//! store has, for the property tests that read them back.

use proptest::prelude::*;
use serde_json::Value;

/// A shipped sample file of `examples/data`, as JSON.
pub fn sample(name: &str) -> Value {
    let path = format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Replacement values: the kinds of wrong a real export has.
pub fn wrong() -> impl Strategy<Value = Value> {
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
pub fn paths(v: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
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

#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

pub fn at<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

/// Apply `n` mutations: replace a value, delete a key, or add a misspelt one.
pub fn mutate(mut v: Value, picks: &[(prop::sample::Index, u8, Value)]) -> Value {
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

/// One to three mutations.
pub fn mutations() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, Value)>> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), wrong()), 1..4)
}
