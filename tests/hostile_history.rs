//! Hostile input: histories, period changes and back-test data read back from JSON. Misspelt
//! fields and structs given as lists are refused; arbitrary mutations of valid values never
//! panic, and what reads passes the checks of a built value. Debug builds check integer
//! overflow; `PROPTEST_CASES=100000 cargo test --profile hostile --test hostile_history` runs
//! it long with the same checks.

mod common;

use std::sync::OnceLock;

use common::hostile::{at, paths, PathStep};
use common::*;
use custfit::assessment::scoring::Rag;
use custfit::assessment::Dimension;
use custfit::history::{
    back_test, BackTest, CustomerHistory, HistoryConfig, Observation, Outcome, PeriodAssessment,
    PeriodChange, PeriodDiff,
};
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig, PortfolioReport};
use custfit::units::Probability;
use custfit::{Action, Customer, CustomerId, Money, PolicyContext, RecommendationPolicy};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Fixtures, built once.

fn period(id: &str, year: i32, success_hours: u32, reset: bool) -> PeriodAssessment {
    let mut b = healthy(id)
        .period(d(year, 1, 1), d(year, 12, 31))
        .success_hours(success_hours.into());
    if reset {
        b = b.last_expectation_reset(d(2023, 6, 1));
    }
    let c = b.build().unwrap();
    let a = assessor().assess(&c, d(year + 1, 1, 15)).unwrap();
    let r = policy()
        .recommend(&c, &a, &PolicyContext::default())
        .unwrap();
    PeriodAssessment::new(&c, a, r)
}

/// Three years of one customer whose service grows: trends, warnings and cost-line changes.
fn history() -> &'static CustomerHistory {
    static H: OnceLock<CustomerHistory> = OnceLock::new();
    H.get_or_init(|| {
        CustomerHistory::new(vec![
            period("h", 2023, 60, true),
            period("h", 2024, 400, true),
            period("h", 2025, 900, true),
        ])
        .unwrap()
    })
}

fn customer(id: &str, year: i32, revenue: u32, churned: bool) -> Customer {
    let mut b = identity(id)
        .period(d(year, 1, 1), d(year, 12, 31))
        .customer_since(d(2020, 1, 1))
        .recurring_revenue(revenue.into())
        .success_hours(150.into());
    if churned {
        b = b.stage(custfit::customer::LifecycleStage::Churned);
    }
    b.build().unwrap()
}

fn report(customers: &[Customer], year: i32) -> PortfolioReport {
    PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default())
        .unwrap()
        .analyze_slice(customers, d(year + 1, 1, 15), 1, &|_, _, _| Ok(()))
        .unwrap()
}

/// A change with a continuing, a lost, a gained and a churned customer.
fn change() -> &'static PeriodChange {
    static C: OnceLock<PeriodChange> = OnceLock::new();
    C.get_or_init(|| {
        let before = [
            customer("a", 2024, 50_000, false),
            customer("b", 2024, 20_000, false),
            customer("d", 2024, 30_000, false),
        ];
        let after = [
            customer("a", 2025, 70_000, false),
            customer("c", 2025, 10_000, false),
            customer("d", 2025, 30_000, true),
        ];
        PeriodChange::between(&report(&before, 2024), &report(&after, 2025)).unwrap()
    })
}

/// A change of the same two dates with other customers, to merge with.
fn other_shard() -> &'static PeriodChange {
    static C: OnceLock<PeriodChange> = OnceLock::new();
    C.get_or_init(|| {
        PeriodChange::between(
            &report(&[customer("x", 2024, 40_000, false)], 2024),
            &report(&[customer("x", 2025, 45_000, false)], 2025),
        )
        .unwrap()
    })
}

fn observations() -> Vec<Observation> {
    let p = |x: f64| Probability::new(x).unwrap();
    vec![
        Observation::of(
            "a".parse().unwrap(),
            90.0,
            Rag::Green,
            Action::Invest,
            Outcome::STAYED.with_expanded(true),
        )
        .with_dimension(Dimension::GrowthPotential, 80.0)
        .with_renewal_probability(p(0.9)),
        Observation::of(
            "b".parse().unwrap(),
            75.0,
            Rag::Green,
            Action::Retain,
            Outcome::CHURNED,
        )
        .with_dimension(Dimension::Margin, 60.0)
        .with_renewal_probability(p(0.6)),
        Observation::of(
            "c".parse().unwrap(),
            30.0,
            Rag::Red,
            Action::Offboard,
            Outcome::CHURNED.with_expanded(false),
        )
        .with_dimension(Dimension::GrowthPotential, 10.0),
    ]
}

// ---------------------------------------------------------------------------------------------
// Misspelt fields and structs given as lists.

fn read<T: DeserializeOwned>(v: Value) -> Result<T, String> {
    serde_json::from_value(v).map_err(|e| e.to_string())
}

/// The fields of `v` in the order given, as a list: what a positional reader would take.
fn positional(v: &Value, fields: &[&str]) -> Value {
    Value::Array(fields.iter().map(|f| v[*f].clone()).collect())
}

fn refused_as_list(result: Result<impl std::fmt::Debug, String>) {
    let err = result.unwrap_err();
    assert!(err.contains("invalid type: sequence"), "{err}");
}

fn refused_as_unknown(result: Result<impl std::fmt::Debug, String>, field: &str) {
    let err = result.unwrap_err();
    assert!(err.contains(&format!("unknown field `{field}`")), "{err}");
}

#[test]
fn outcomes_refuse_misspelt_fields_and_lists() {
    assert_eq!(
        read::<Outcome>(json!({ "churned": true, "expanded": null })),
        Ok(Outcome::CHURNED)
    );
    // Misspelt, `expanded` would silently be unknown.
    refused_as_unknown(
        read::<Outcome>(json!({ "churned": false, "expandd": true })),
        "expandd",
    );
    refused_as_list(read::<Outcome>(json!([false, true])));
}

#[test]
fn observations_refuse_misspelt_fields_and_lists() {
    let o = serde_json::to_value(&observations()[0]).unwrap();
    assert_eq!(
        read::<Observation>(o.clone()),
        Ok(observations()[0].clone())
    );
    let mut misspelt = o.clone();
    misspelt
        .as_object_mut()
        .unwrap()
        .remove("renewal_probability");
    misspelt["renewal_probabilty"] = json!(0.1);
    refused_as_unknown(read::<Observation>(misspelt), "renewal_probabilty");
    let fields = [
        "customer",
        "stage",
        "overall",
        "dimensions",
        "rag",
        "action",
        "renewal_probability",
        "outcome",
    ];
    refused_as_list(read::<Observation>(positional(&o, &fields)));
    // Nested structs too: the outcome and the dimension scores.
    let mut nested = o.clone();
    nested["outcome"] = json!([true, null]);
    refused_as_list(read::<Observation>(nested));
    let mut nested = o.clone();
    nested["dimensions"] = json!([null, 1, 2, 3, 4, 5, 6, 7]);
    refused_as_list(read::<Observation>(nested));
    let mut list = serde_json::to_value(observations()).unwrap();
    list[2]["outcome"]["churnd"] = json!(true);
    refused_as_unknown(read::<Vec<Observation>>(list), "churnd");
}

#[test]
fn periods_and_histories_refuse_misspelt_fields_and_lists() {
    let h = serde_json::to_value(history()).unwrap();
    assert_eq!(read::<CustomerHistory>(h.clone()).as_ref(), Ok(history()));
    let p = h[0].clone();
    let fields = [
        "period",
        "last_expectation_reset",
        "assessment",
        "recommendation",
    ];
    refused_as_list(read::<PeriodAssessment>(positional(&p, &fields)));
    let mut one = h.clone();
    one[1] = positional(&p, &fields);
    refused_as_list(read::<CustomerHistory>(one));
    // Misspelt, the reset would silently be unknown.
    let mut misspelt = p.clone();
    let reset = misspelt
        .as_object_mut()
        .unwrap()
        .remove("last_expectation_reset")
        .unwrap();
    misspelt["last_expectation_rest"] = reset;
    refused_as_unknown(read::<PeriodAssessment>(misspelt), "last_expectation_rest");
    // Inside the assessment: a misspelt optional field, a struct as a list.
    let mut nested = h.clone();
    nested[2]["assessment"]["cost"]["deferred_revenu"] = json!("10.00 USD");
    refused_as_unknown(read::<CustomerHistory>(nested), "deferred_revenu");
    let mut nested = h.clone();
    let grade = nested[0]["assessment"]["scorecard"]["grade"].clone();
    nested[0]["assessment"]["scorecard"]["grade"] =
        positional(&grade, &["letter", "rag", "band_min"]);
    refused_as_list(read::<CustomerHistory>(nested));
    let mut nested = h.clone();
    let period = nested[1]["period"].clone();
    nested[1]["period"] = positional(&period, &["start", "end"]);
    refused_as_list(read::<CustomerHistory>(nested));
}

#[test]
fn period_changes_refuse_misspelt_fields_and_lists() {
    let c = serde_json::to_value(change()).unwrap();
    assert_eq!(read::<PeriodChange>(c.clone()).as_ref(), Ok(change()));
    let mut misspelt = c.clone();
    misspelt["gaind"] = json!(["zz"]);
    refused_as_unknown(read::<PeriodChange>(misspelt), "gaind");
    let fields = [
        "currency",
        "before",
        "after",
        "quadrants",
        "classes",
        "actions",
        "gained",
        "lost",
        "churned",
        "continuing",
        "unassessed",
        "bridge",
    ];
    refused_as_list(read::<PeriodChange>(positional(&c, &fields)));
    let mut cell = c.clone();
    let t = cell["quadrants"][0].clone();
    cell["quadrants"][0] = positional(
        &t,
        &["from", "to", "customers", "revenue_before", "revenue_after"],
    );
    refused_as_list(read::<PeriodChange>(cell));
    let mut cell = c.clone();
    cell["classes"][0]["customer"] = json!(1);
    refused_as_unknown(read::<PeriodChange>(cell), "customer");
    let mut bridge = c.clone();
    bridge["bridge"]["mixx"] = json!("0.00 USD");
    refused_as_unknown(read::<PeriodChange>(bridge), "mixx");
    let mut bridge = c.clone();
    let totals = bridge["bridge"]["continuing"].clone();
    bridge["bridge"]["continuing"] = positional(
        &totals,
        &["revenue_before", "margin_before", "revenue_change"],
    );
    refused_as_list(read::<PeriodChange>(bridge));
}

#[test]
fn a_period_change_read_back_is_checked_like_a_built_one() {
    let c = serde_json::to_value(change()).unwrap();
    assert_eq!(c["continuing"], json!(["a", "d"]), "the fixture");
    let refused = |edit: &dyn Fn(&mut Value)| {
        let mut v = c.clone();
        edit(&mut v);
        read::<PeriodChange>(v).unwrap_err()
    };
    assert_eq!(
        refused(&|v| v["after"] = v["before"].clone()),
        "field `period_change.after`: the later report must be of a later date than the \
         earlier (2025-01-15 and 2025-01-15)"
    );
    assert_eq!(
        refused(&|v| v["continuing"] = json!(["d", "a"])),
        "customer `a`: field `period_change.continuing`: must list each customer once, in id \
         order"
    );
    assert_eq!(
        refused(&|v| v["gained"] = json!(["c", "c"])),
        "customer `c`: field `period_change.gained`: must list each customer once, in id order"
    );
    assert_eq!(
        refused(&|v| v["lost"] = json!(["b", "c"])),
        "customer `c`: field `period_change.lost`: is in `gained` too: a customer is gained, \
         lost, continuing or unassessed"
    );
    assert_eq!(
        refused(&|v| v["churned"] = json!(["b"])),
        "customer `b`: field `period_change.churned`: must be in `continuing` too"
    );
    let churn = change().bridge.churn;
    let more = churn.checked_add(usd("0.01")).unwrap();
    assert_eq!(
        refused(&|v| v["bridge"]["churn"] = json!(more.to_string())),
        format!(
            "field `period_change.bridge.after`: the bridge must add up to it: its parts give \
             {}, got {}",
            change().bridge.after.checked_add(usd("0.01")).unwrap(),
            change().bridge.after
        )
    );
    let mix = change().bridge.mix.checked_add(usd("0.01")).unwrap();
    let err = refused(&|v| v["bridge"]["mix"] = json!(mix.to_string()));
    assert!(
        err.starts_with("field `period_change.bridge.price_volume`: the bridge must add up"),
        "{err}"
    );
    assert_eq!(
        refused(&|v| v["bridge"]["volume"] = json!("0.00 EUR")),
        "field `period_change.bridge.volume`: is in EUR, expected USD"
    );
    assert_eq!(
        refused(&|v| v["actions"][1]["revenue_after"] = json!("1.00 EUR")),
        "field `period_change.actions[1].revenue_after`: is in EUR, expected USD"
    );
    let huge = "79228162514264337593543950335 USD";
    let err = refused(&|v| {
        v["bridge"]["before"] = json!(huge);
        v["bridge"]["after"] = json!(huge);
        v["bridge"]["price_volume"] = json!(huge);
    });
    assert_eq!(
        err,
        "computing `period_change.bridge.after`: amount overflows the decimal range"
    );
}

#[test]
fn settings_and_results_refuse_misspelt_fields_and_lists() {
    refused_as_list(read::<HistoryConfig>(json!([4, 1.0, 2])));
    refused_as_unknown(read::<HistoryConfig>(json!({ "windw": 3 })), "windw");
    let t = serde_json::to_value(back_test(&observations()).unwrap()).unwrap();
    assert_eq!(
        read::<BackTest>(t.clone()),
        Ok(back_test(&observations()).unwrap())
    );
    let mut misspelt = t.clone();
    misspelt["brier"] = json!(0.1);
    refused_as_unknown(read::<BackTest>(misspelt), "brier");
    let mut nested = t.clone();
    nested["overall"] = positional(&t["overall"], &["auc", "customers", "favorable"]);
    refused_as_list(read::<BackTest>(nested));
}

#[test]
fn stored_levers_exit_plans_and_changes_read_back() {
    // A loss-maker restructured with levers, then a dog let go with an exit plan.
    let restructured = {
        let c = healthy("r")
            .period(d(2024, 1, 1), d(2024, 12, 31))
            .recurring_revenue(dec("30000"))
            .success_hours(dec("500"))
            .build()
            .unwrap();
        let a = assessor().assess(&c, d(2025, 1, 15)).unwrap();
        let r = policy()
            .recommend(&c, &a, &PolicyContext::default())
            .unwrap();
        PeriodAssessment::new(&c, a, r)
    };
    let let_go = {
        let c = dog("r")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .build()
            .unwrap();
        let a = assessor().assess(&c, d(2026, 1, 15)).unwrap();
        let r = policy()
            .recommend(&c, &a, &PolicyContext::default())
            .unwrap();
        PeriodAssessment::new(&c, a, r)
    };
    assert!(restructured.recommendation.levers.is_some());
    assert!(
        let_go.recommendation.exit_plan.is_some(),
        "{:?}",
        let_go.recommendation.action
    );
    let h = CustomerHistory::new(vec![restructured, let_go]).unwrap();
    let back: CustomerHistory = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
    assert_eq!(back, h);
    let change = &h.changes()[0];
    assert!(!change.levers.is_empty() && !change.cost_lines.is_empty());
    let back: PeriodDiff = serde_json::from_str(&serde_json::to_string(change).unwrap()).unwrap();
    assert_eq!(&back, change);
    let trends = h.trends(&HistoryConfig::default());
    let back: custfit::history::Trends =
        serde_json::from_value(serde_json::to_value(&trends).unwrap()).unwrap();
    assert_eq!(back, trends);
    for w in h.warnings(&HistoryConfig::default()) {
        let back: custfit::history::Warning =
            serde_json::from_value(serde_json::to_value(&w).unwrap()).unwrap();
        assert_eq!(back, w);
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary mutations.

/// Replacement values: the kinds of wrong a real export, or a hand-edited file, has.
fn wrong() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(1e308)),
        Just(json!(-1e308)),
        Just(json!(f64::MIN_POSITIVE)),
        Just(json!(-0.0)),
        Just(json!(100.000_000_000_001)),
        Just(json!(-1)),
        Just(Value::from("")),
        Just(Value::from("-1")),
        Just(Value::from("NaN")),
        Just(Value::from("-inf")),
        Just(Value::from("1e30")),
        Just(Value::from("79228162514264337593543950335")),
        Just(Value::from("-79228162514264337593543950335")),
        Just(Value::from("-79228162514264337593543950335 USD")),
        Just(Value::from("79228162514264337593543950335 USD")),
        Just(Value::from("0.000000000000000000000000001")),
        Just(Value::from("12.5 EUR")),
        Just(Value::from("2023-02-29")),
        Just(Value::from("9999-12-31")),
        Just(Value::from("-262143-01-01")),
        "[a-z_]{0,12}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
    ]
}

type Picks = Vec<(prop::sample::Index, u8, Value)>;

/// `v` mutated, as JSON text: a value replaced, a key dropped, an unknown key added, an object
/// turned into the list of its values, a list element or a key repeated.
fn mutate(mut v: Value, picks: &Picks) -> String {
    let mut repeat_key: Option<Vec<PathStep>> = None;
    for (pick, how, value) in picks {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let path = &all[pick.index(all.len())];
        let target = at(&mut v, path);
        match how % 6 {
            0 => *target = value.clone(),
            1 => {
                if let Some((PathStep::Key(k), parent)) = path.split_last() {
                    if let Value::Object(m) = at(&mut v, parent) {
                        m.remove(k);
                    }
                }
            }
            2 => {
                if let Value::Object(m) = target {
                    m.insert("misspelt_fieldd".into(), value.clone());
                }
            }
            3 => {
                if let Value::Object(m) = target {
                    *target = Value::Array(m.values().cloned().collect());
                }
            }
            4 => {
                if let Value::Array(a) = target {
                    if let Some(first) = a.first().cloned() {
                        a.push(first);
                    }
                }
            }
            _ => repeat_key = Some(path.clone()),
        }
    }
    let mut out = String::new();
    write(&v, &mut Vec::new(), repeat_key.as_deref(), &mut out);
    out
}

/// `v` as JSON text; the object at `repeat` (if any) has its first key twice.
fn write(v: &Value, path: &mut Vec<PathStep>, repeat: Option<&[PathStep]>, out: &mut String) {
    match v {
        Value::Object(m) => {
            out.push('{');
            for (i, (k, child)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                path.push(PathStep::Key(k.clone()));
                write(child, path, repeat, out);
                path.pop();
            }
            if let Some((k, child)) = m.iter().next().filter(|_| repeat == Some(&path[..])) {
                out.push(',');
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                out.push_str(&serde_json::to_string(child).unwrap());
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, child) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                path.push(PathStep::Index(i));
                write(child, path, repeat, out);
                path.pop();
            }
            out.push(']');
        }
        leaf => out.push_str(&serde_json::to_string(leaf).unwrap()),
    }
}

fn mutations() -> impl Strategy<Value = Picks> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), wrong()), 1..4)
}

/// A read error has a message; one of this crate's names the customer before the field.
fn check_error(msg: &str) -> Result<(), TestCaseError> {
    prop_assert!(!msg.is_empty());
    if msg.starts_with("customer `") {
        prop_assert!(
            msg.contains("`: field `") || msg.contains("the id appears"),
            "{}",
            msg
        );
    }
    Ok(())
}

/// What a built history satisfies: its own checks again, scores in range, finite trends, a
/// change between each two periods, gaps between them.
fn check_history(h: &CustomerHistory) -> Result<(), TestCaseError> {
    prop_assert_eq!(&CustomerHistory::new(h.periods().to_vec()).unwrap(), h);
    for config in [
        HistoryConfig::default(),
        HistoryConfig {
            window: 2,
            flat_band: 0.0,
            eroding_periods: 1,
        },
    ] {
        let trends = h.trends(&config);
        let all = Dimension::ALL
            .iter()
            .filter_map(|d| *trends.dimensions.get(*d))
            .chain(trends.overall);
        for t in all {
            prop_assert!(t.slope.is_finite(), "{}", t);
            prop_assert!((0.0..=100.0).contains(&t.first) && (0.0..=100.0).contains(&t.last));
        }
        for w in h.warnings(&config) {
            prop_assert!(!w.to_string().is_empty());
        }
    }
    let changes = h.changes();
    prop_assert_eq!(changes.len(), h.periods().len() - 1);
    for c in &changes {
        prop_assert!(!c.to_string().is_empty());
    }
    for g in h.gaps() {
        prop_assert!(g.days > 0);
    }
    let again: CustomerHistory = serde_json::from_value(serde_json::to_value(h).unwrap()).unwrap();
    prop_assert_eq!(&again, h);
    Ok(())
}

fn sum(parts: &[Money]) -> Option<Money> {
    parts[1..]
        .iter()
        .try_fold(parts[0], |s, m| s.checked_add(*m).ok())
}

/// What a built change satisfies: sorted lists, each customer in one of them, churned ones
/// among the continuing, a bridge that adds up, one currency.
fn check_change(c: &PeriodChange) -> Result<(), TestCaseError> {
    let lists = [&c.gained, &c.lost, &c.continuing, &c.unassessed];
    let mut all: Vec<&CustomerId> = lists.iter().flat_map(|l| l.iter()).collect();
    for l in lists.iter().chain([&&c.churned]) {
        prop_assert!(l.windows(2).all(|w| w[0] < w[1]), "{:?}", l);
    }
    all.sort();
    prop_assert!(all.windows(2).all(|w| w[0] != w[1]), "{:?}", all);
    for id in &c.churned {
        prop_assert!(c.continuing.contains(id));
    }
    prop_assert!(c.before < c.after);
    let b = &c.bridge;
    let parts = [
        b.before,
        b.price_volume,
        b.cost_to_serve,
        b.churn,
        b.new_customers,
        b.unassessed,
    ];
    prop_assert_eq!(sum(&parts), Some(b.after));
    prop_assert_eq!(sum(&[b.volume, b.mix]), Some(b.price_volume));
    let currencies = parts
        .iter()
        .chain([&b.volume, &b.mix, &b.after])
        .chain([
            &b.continuing.revenue_before,
            &b.continuing.margin_before,
            &b.continuing.revenue_change,
        ])
        .map(|m| m.currency());
    for currency in currencies {
        prop_assert_eq!(currency, c.currency);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_histories_never_panic(picks in mutations()) {
        let text = mutate(serde_json::to_value(history()).unwrap(), &picks);
        match serde_json::from_str::<CustomerHistory>(&text) {
            Ok(h) => check_history(&h)?,
            Err(e) => check_error(&e.to_string())?,
        }
    }

    #[test]
    fn mutated_periods_never_panic(which in 0usize..3, picks in mutations()) {
        let p = serde_json::to_value(&history().periods()[which]).unwrap();
        let text = mutate(p, &picks);
        match serde_json::from_str::<PeriodAssessment>(&text) {
            Ok(p) => {
                // Compared with the others, or made a history of its own.
                for other in history().periods() {
                    if let Err(e) = PeriodDiff::between(other, &p) {
                        check_error(&e.to_string())?;
                    }
                    if let Err(e) = PeriodDiff::between(&p, other) {
                        check_error(&e.to_string())?;
                    }
                }
                match CustomerHistory::new(vec![p]) {
                    Ok(h) => check_history(&h)?,
                    Err(e) => check_error(&e.to_string())?,
                }
            }
            Err(e) => check_error(&e.to_string())?,
        }
    }

    #[test]
    fn mutated_period_changes_never_panic(picks in mutations()) {
        let text = mutate(serde_json::to_value(change()).unwrap(), &picks);
        match serde_json::from_str::<PeriodChange>(&text) {
            Ok(c) => {
                check_change(&c)?;
                let again: PeriodChange = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
                prop_assert_eq!(&again, &c);
                // Merged with a shard of other customers, either way round.
                let mut merged = c.clone();
                match merged.merge(other_shard().clone()) {
                    Ok(()) => check_change(&merged)?,
                    Err(e) => {
                        check_error(&e.to_string())?;
                        prop_assert_eq!(&merged, &c, "nothing merged");
                    }
                }
                let mut merged = other_shard().clone();
                match merged.merge(c.clone()) {
                    Ok(()) => check_change(&merged)?,
                    Err(e) => check_error(&e.to_string())?,
                }
                // With itself: every customer twice.
                let mut twice = c.clone();
                let shared = !(c.gained.is_empty() && c.lost.is_empty()
                    && c.continuing.is_empty() && c.unassessed.is_empty());
                prop_assert_eq!(twice.merge(c.clone()).is_err(), shared);
            }
            Err(e) => check_error(&e.to_string())?,
        }
    }

    #[test]
    fn mutated_observations_never_panic(picks in mutations()) {
        let text = mutate(serde_json::to_value(observations()).unwrap(), &picks);
        match serde_json::from_str::<Vec<Observation>>(&text) {
            Ok(list) => match back_test(&list) {
                Ok(t) => {
                    prop_assert_eq!(t.customers + t.left_out, list.len() as u64);
                    prop_assert_eq!(t.deciles.iter().map(|d| d.customers).sum::<u64>(), t.customers);
                    for d in [t.overall, t.action, t.growth_vs_expansion] {
                        prop_assert!(d.auc.is_none_or(|a| (0.0..=1.0).contains(&a)));
                    }
                    prop_assert!(t.brier_score.is_none_or(|b| (0.0..=1.0).contains(&b)));
                    let mut reversed = list.clone();
                    reversed.reverse();
                    prop_assert_eq!(back_test(&reversed).unwrap(), t);
                }
                Err(e) => check_error(&e.to_string())?,
            },
            Err(e) => check_error(&e.to_string())?,
        }
    }

    #[test]
    fn mutated_outcomes_never_panic(picks in mutations()) {
        let text = mutate(serde_json::to_value(Outcome::STAYED.with_expanded(true)).unwrap(), &picks);
        match serde_json::from_str::<Outcome>(&text) {
            Ok(o) => {
                let mut list = observations();
                list[0].outcome = o;
                let t = back_test(&list).unwrap();
                prop_assert_eq!(t.churned, u64::from(o.churned) + 2);
            }
            Err(e) => check_error(&e.to_string())?,
        }
    }

    #[test]
    fn mutated_back_tests_and_settings_never_panic(picks in mutations(), config_picks in mutations()) {
        let t = serde_json::to_value(back_test(&observations()).unwrap()).unwrap();
        if let Ok(t) = serde_json::from_str::<BackTest>(&mutate(t, &picks)) {
            let again: BackTest = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
            prop_assert_eq!(format!("{again:?}"), format!("{t:?}"));
        }
        let config = serde_json::to_value(HistoryConfig::default()).unwrap();
        if let Ok(config) = serde_json::from_str::<HistoryConfig>(&mutate(config, &config_picks)) {
            // Used as it is, checked or not.
            let _ = config.validate();
            let _ = history().trends(&config);
            let _ = history().warnings(&config);
        }
    }
}
