//! The seeded synthetic history (customers drifting and churning for the articles' reasons):
//! its back-test finds what drives churn in it, and its periods bridge exactly.

#[path = "../examples/synthetic/history.rs"]
mod synthetic_history;

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use custfit::assessment::Dimension;
use custfit::customer::LifecycleStage;
use custfit::history::{back_test, Observation, Outcome, PeriodChange};
use custfit::portfolio::PortfolioReport;
use custfit::{Config, Customer, CustomerId};

type Seen = BTreeMap<CustomerId, Observation>;

fn run(customers: &[Customer], year: i32) -> (PortfolioReport, Seen) {
    let config: Config =
        serde_json::from_str(include_str!("../examples/data/config.json")).unwrap();
    let seen = Mutex::new(BTreeMap::new());
    let as_of = NaiveDate::from_ymd_opt(year + 1, 1, 15).unwrap();
    let report = config
        .analyzer()
        .unwrap()
        .analyze_slice(customers, as_of, 2, &|c, a, r| {
            let o = Observation::new(a, r, Outcome::STAYED);
            seen.lock().unwrap().insert(c.id().clone(), o);
            Ok(())
        })
        .unwrap();
    (report, seen.into_inner().unwrap())
}

#[test]
fn the_synthetic_history_is_seeded_and_its_churn_is_predicted_by_behavior() {
    let history = synthetic_history::history(600, 3, 11);
    assert_eq!(
        history,
        synthetic_history::history(600, 3, 11),
        "same seed, same history"
    );
    let first = synthetic_history::FIRST_YEAR;
    let years: Vec<(PortfolioReport, Seen)> = history
        .iter()
        .enumerate()
        .map(|(t, c)| run(c, first + t as i32))
        .collect();
    for (report, _) in &years {
        assert!(report.counts_add_up());
        assert_eq!(report.bad_records.len(), 0);
    }
    // Year 2's assessments against year 3: churned when the next record is churned or absent.
    let (_, now) = &years[1];
    let (_, next) = &years[2];
    let observations: Vec<Observation> = now
        .values()
        .map(|o| {
            let gone = next
                .get(&o.customer)
                .is_none_or(|n| n.stage == LifecycleStage::Churned);
            let mut o = o.clone();
            o.outcome = if gone {
                Outcome::CHURNED
            } else {
                Outcome::STAYED
            };
            o
        })
        .collect();
    let test = back_test(&observations).unwrap();
    assert!(
        test.churned > 20 && test.churned < test.customers / 2,
        "{}",
        test.churned
    );
    // Disengagement drives churn in this history: behavior tells who leaves.
    let behavior = test.dimensions.get(Dimension::BehaviorSuccess).auc.unwrap();
    assert!(behavior > 0.6, "{behavior}");
    assert!(test.overall.auc.unwrap() > 0.55);
    // Churn concentrates in the lowest decile.
    assert!(test.deciles[0].lift.unwrap() > 1.0);

    // Periods bridge exactly.
    let change = PeriodChange::between(&years[1].0, &years[2].0).unwrap();
    let b = &change.bridge;
    let total = [
        b.price_volume,
        b.cost_to_serve,
        b.churn,
        b.new_customers,
        b.unassessed,
    ]
    .into_iter()
    .try_fold(b.before, |s, m| s.checked_add(m))
    .unwrap();
    assert_eq!(total, b.after);
    assert!(!change.churned.is_empty() && !change.gained.is_empty());
}
