//! The decision record: everything to act on a decision and explain it, stable on the wire,
//! read back equal and checked.

mod common;

use common::messy;
use common::*;
use custfit::policy::Rule;
use custfit::{
    what_to_collect, Action, AssessmentContext, DecisionRecord, PolicyContext,
    RecommendationPolicy, DECISION_RECORD_VERSION,
};
use proptest::prelude::*;
use serde_json::Value;

fn record_of(c: &custfit::Customer, collect: bool) -> DecisionRecord {
    let (a, mut r) = recommend(c);
    if collect {
        let ctx = AssessmentContext::new(as_of());
        let sets = what_to_collect(
            &assessor(),
            &policy(),
            c,
            &ctx,
            &PolicyContext::default(),
            &r,
        )
        .unwrap();
        r = r.with_to_collect(sets.sets);
    }
    DecisionRecord::new(c, &a, &r).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Every record of a messy base reads back equal to what was written, its reasons'
    /// texts included on the wire.
    #[test]
    fn a_decision_record_round_trips(seed in any::<u64>(), collect in any::<bool>()) {
        let c = messy::one(seed).build();
        let record = record_of(&c, collect);
        let text = serde_json::to_string(&record).unwrap();
        let back: DecisionRecord = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &record);
        let v: Value = serde_json::from_str(&text).unwrap();
        for (i, reason) in record.reasons.iter().enumerate() {
            let text = reason.to_string();
            prop_assert_eq!(v["reasons"][i]["text"].as_str(), Some(text.as_str()));
        }
        prop_assert_eq!(record.is_provisional(), record.provisional.is_some());
        if let Some(p) = &record.provisional {
            prop_assert_eq!(record.due(), p.confirm_by);
        } else {
            prop_assert_eq!(record.due(), record.review_on);
        }
    }
}

#[test]
fn a_record_carries_the_decision_and_its_grounds_field_by_field() {
    // The sample's urgent provisional let-go, C-063, as a record.
    let config: custfit::Config =
        serde_json::from_str(include_str!("../examples/data/config.json")).unwrap();
    let customers: Vec<custfit::Customer> =
        serde_json::from_str(include_str!("../examples/data/customers.json")).unwrap();
    let c = customers
        .iter()
        .find(|c| c.id().as_str() == "C-063")
        .unwrap();
    let a = config.assessor().unwrap().assess(c, as_of()).unwrap();
    let r = config
        .policy()
        .unwrap()
        .recommend(c, &a, &PolicyContext::default())
        .unwrap();
    let record = DecisionRecord::new(c, &a, &r).unwrap();
    let v = serde_json::to_value(&record).unwrap();
    // Every field, always written (`null` when it does not apply): a stable shape.
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "version",
        "customer",
        "name",
        "as_of",
        "period",
        "stage",
        "action",
        "provisional",
        "rule",
        "reasons",
        "review_on",
        "effect",
        "levers",
        "exit_plan",
        "group_impact",
        "look_back",
        "to_collect",
        "quadrant",
        "class",
        "scores",
        "cost",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(v["version"], DECISION_RECORD_VERSION);
    assert_eq!(v["action"], "offboard");
    assert_eq!(v["rule"]["rule"], "dog");
    assert_eq!(v["provisional"]["confirm_by"], "2026-01-15");
    assert_eq!(v["provisional"]["urgent"], true);
    assert_eq!(
        v["provisional"]["to_confirm"],
        serde_json::json!([
            "meeting_attendance",
            "plan_adherence",
            "goal_changes",
            "responsiveness"
        ])
    );
    assert_eq!(v["exit_plan"]["chosen"]["notice_deadline"], "2026-01-17");
    assert_eq!(v["quadrant"], "dog");
    assert_eq!(v["class"]["class"], "good_fit");
    assert!(v["scores"]["dimensions"]["margin"].is_number());
    assert!(v["scores"]["dimensions"]["behavior_success"].is_null());
    assert!(v["cost"]["lines"].as_array().unwrap().len() >= 3);
    assert_eq!(v["cost"]["gross_margin"], "-104559.60 EUR");
    assert_eq!(
        v["reasons"][0]["text"],
        "loses money with little growth potential"
    );
}

#[test]
fn a_record_read_back_is_checked() {
    let c = healthy("h").build().unwrap();
    let record = record_of(&c, false);
    let good = serde_json::to_value(&record).unwrap();
    let read = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        serde_json::from_value::<DecisionRecord>(v).map_err(|e| e.to_string())
    };
    assert!(read(&|_| {}).is_ok());
    let e = read(&|v| v["actoin"] = "invest".into()).unwrap_err();
    assert!(e.contains("unknown field `actoin`"), "{e}");
    let e = read(&|v| v["version"] = 2.into()).unwrap_err();
    assert!(
        e.starts_with(
            "customer `h`: field `version`: this crate reads records of version 1 to 1, not 2"
        ),
        "{e}"
    );
    let e = read(&|v| v["rule"] = serde_json::json!({"rule": "dog"})).unwrap_err();
    assert!(
        e.contains("field `rule`: it must be the first reason's rule"),
        "{e}"
    );
    let e = read(&|v| v["cost"]["customer"] = "other".into()).unwrap_err();
    assert!(
        e.contains("field `cost.customer`: it is customer `other`'s"),
        "{e}"
    );
    // Another customer's recommendation does not make a record.
    let (a, r) = recommend(&c);
    let other = healthy("other").build().unwrap();
    let e = DecisionRecord::new(&other, &a, &r).unwrap_err();
    assert_eq!(
        e.to_string(),
        "customer `other`: field `assessment`: it is customer `h`'s"
    );
    assert_eq!(record.action, Action::Invest);
    assert_eq!(record.rule, Some(Rule::Star));
}

#[test]
fn an_actions_wire_name_is_its_serde_name() {
    for action in Action::ALL {
        assert_eq!(serde_json::to_value(action).unwrap(), action.as_str());
    }
}
