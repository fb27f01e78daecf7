//! The portfolio from one period to the next: transitions add up to the customers of the
//! earlier period, the margin bridge adds up to the change to the cent, and shards merge to
//! the whole.

mod common;

use common::*;
use custfit::assessment::Quadrant;
use custfit::customer::LifecycleStage;
use custfit::history::PeriodChange;
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig, PortfolioReport};
use custfit::{Customer, Money};
use proptest::prelude::*;

/// A customer of `year` (its calendar year as the period).
fn customer(id: &str, year: i32, revenue: u32, success_hours: u32, churned: bool) -> Customer {
    let mut b = identity(id)
        .period(d(year, 1, 1), d(year, 12, 31))
        .customer_since(d(2020, 1, 1))
        .recurring_revenue(revenue.into())
        .success_hours(success_hours.into())
        .meeting_attendance(dec("0.8"));
    if churned {
        b = b.stage(LifecycleStage::Churned);
    }
    b.build().unwrap()
}

fn report(customers: &[Customer], year: i32) -> PortfolioReport {
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    analyzer
        .analyze_slice(customers, d(year + 1, 1, 15), 1, &|_, _, _| Ok(()))
        .unwrap()
}

fn sum(rows: impl Iterator<Item = Money>) -> Money {
    rows.fold(usd("0"), |a, m| a.checked_add(m).unwrap())
}

#[test]
fn a_bridge_from_one_year_to_the_next() {
    let before = [
        customer("grows", 2024, 100_000, 100, false), // margin rate 82 %
        customer("costlier", 2024, 50_000, 100, false), // its cost to serve doubles
        customer("leaves", 2024, 30_000, 50, false),
        customer("churns", 2024, 40_000, 50, false),
        customer("gone", 2024, 5_000, 5, true), // churned already: a look back
    ];
    let after = [
        customer("grows", 2025, 120_000, 100, false),
        customer("costlier", 2025, 50_000, 200, false),
        customer("churns", 2025, 10_000, 10, true),
        customer("joins", 2025, 20_000, 20, false),
    ];
    let (r1, r2) = (report(&before, 2024), report(&after, 2025));
    let change = PeriodChange::between(&r1, &r2).unwrap();
    assert_eq!(change.gained, ["joins".parse().unwrap()]);
    assert_eq!(
        change.lost,
        ["gone".parse().unwrap(), "leaves".parse().unwrap()]
    );
    assert_eq!(change.churned, ["churns".parse().unwrap()]);

    let b = &change.bridge;
    let profit =
        |r: &PortfolioReport, id: &str| r.rows.iter().find(|x| x.id.as_str() == id).unwrap().profit;
    assert_eq!(b.before, sum(r1.rows.iter().map(|r| r.profit)));
    assert_eq!(b.before, r1.totals.margin);
    assert_eq!(b.after, r2.totals.margin);
    // "grows": +20,000 revenue at its own earlier margin rate.
    let grows_rate = profit(&r1, "grows").amount() / dec("100000");
    let grows_pv = usd("20000").checked_mul(grows_rate).unwrap().round();
    // "costlier": no revenue change, its margin falls by the 100 extra success hours (80 each).
    assert_eq!(b.price_volume, grows_pv);
    let delta = |id: &str| profit(&r2, id).checked_sub(profit(&r1, id)).unwrap();
    assert_eq!(
        b.cost_to_serve,
        delta("grows")
            .checked_sub(grows_pv)
            .unwrap()
            .checked_add(delta("costlier"))
            .unwrap()
    );
    assert_eq!(delta("costlier"), usd("-8000"));
    // Churn: "leaves" and the already churned "gone" lose their whole margin, "churns" the
    // difference.
    assert_eq!(
        b.churn,
        profit(&r2, "churns")
            .checked_sub(profit(&r1, "churns"))
            .unwrap()
            .checked_sub(profit(&r1, "leaves"))
            .unwrap()
            .checked_sub(profit(&r1, "gone"))
            .unwrap()
    );
    assert_eq!(b.new_customers, profit(&r2, "joins"));
    // Volume at the continuing customers' rate, mix the rest of price and volume.
    assert_eq!(b.volume.checked_add(b.mix).unwrap(), b.price_volume);
    let parts = [
        b.price_volume,
        b.cost_to_serve,
        b.churn,
        b.new_customers,
        b.unassessed,
    ];
    assert_eq!(
        sum(parts.into_iter()).checked_add(b.before).unwrap(),
        b.after
    );
}

#[derive(Debug, Clone)]
struct Case {
    before: Option<(u32, u32)>,
    after: Option<(u32, u32, bool)>,
}

fn cases() -> impl Strategy<Value = Vec<Case>> {
    let period = (0u32..200_000, 0u32..400);
    prop::collection::vec(
        (
            prop::option::weighted(0.85, period.clone()),
            prop::option::weighted(0.85, (period, prop::bool::weighted(0.1))),
        )
            .prop_map(|(b, a)| Case {
                before: b,
                after: a.map(|((r, h), c)| (r, h, c)),
            }),
        1..25,
    )
}

fn portfolios(cases: &[Case], keep: impl Fn(usize) -> bool) -> (PortfolioReport, PortfolioReport) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (i, c) in cases.iter().enumerate().filter(|(i, _)| keep(*i)) {
        let id = format!("c{i:02}");
        if let Some((r, h)) = c.before {
            before.push(customer(&id, 2024, r, h, false));
        }
        if let Some((r, h, churned)) = c.after {
            after.push(customer(&id, 2025, r, h, churned));
        }
    }
    (report(&before, 2024), report(&after, 2025))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases()))]

    #[test]
    fn transitions_and_the_bridge_add_up_and_shards_merge_to_the_whole(cases in cases()) {
        let (r1, r2) = portfolios(&cases, |_| true);
        let whole = PeriodChange::between(&r1, &r2).unwrap();

        // Every customer of the earlier period is in one cell of its row.
        for q in r1.rows.iter().map(|r| r.quadrant) {
            let row: u64 = whole.quadrants.iter().filter(|t| t.from == Some(q)).map(|t| t.customers).sum();
            prop_assert_eq!(row, r1.rows.iter().filter(|r| r.quadrant == q).count() as u64);
        }
        let in_either = whole.quadrants.iter().map(|t| t.customers).sum::<u64>();
        let lost_or_kept: u64 = whole.actions.iter().filter(|t| t.from.is_some()).map(|t| t.customers).sum();
        prop_assert_eq!(lost_or_kept, r1.rows.len() as u64);
        prop_assert_eq!(in_either, r1.rows.len() as u64 + whole.gained.len() as u64);
        prop_assert_eq!(whole.classes.iter().map(|t| t.customers).sum::<u64>(), in_either);
        let revenue_before = sum(whole.quadrants.iter().map(|t| t.revenue_before));
        prop_assert_eq!(revenue_before, r1.totals.revenue);
        prop_assert_eq!(sum(whole.quadrants.iter().map(|t| t.revenue_after)), r2.totals.revenue);

        // The bridge, exact.
        let b = &whole.bridge;
        prop_assert_eq!(b.before, r1.totals.margin);
        prop_assert_eq!(b.after, r2.totals.margin);
        prop_assert_eq!(b.volume.checked_add(b.mix).unwrap(), b.price_volume);
        let parts = [b.before, b.price_volume, b.cost_to_serve, b.churn, b.new_customers, b.unassessed];
        prop_assert_eq!(sum(parts.into_iter()), b.after);

        // Shards of the same customers in both periods merge to the whole.
        let (e1, e2) = portfolios(&cases, |i| i % 2 == 0);
        let (o1, o2) = portfolios(&cases, |i| i % 2 == 1);
        let mut merged = PeriodChange::between(&e1, &e2).unwrap();
        merged.merge(PeriodChange::between(&o1, &o2).unwrap()).unwrap();
        prop_assert_eq!(&merged, &whole);
    }
}

#[test]
fn a_quadrant_transition_counts_customers_and_revenue() {
    // A loss-maker with known growth potential becomes profitable: question mark to star.
    let growth = |b: custfit::customer::CustomerBuilder| {
        b.expansion_whitespace(dec("50000")).growth_likelihood(0.8)
    };
    let before = [growth(identity("q").period(d(2024, 1, 1), d(2024, 12, 31)))
        .recurring_revenue(dec("20000"))
        .success_hours(dec("400"))
        .build()
        .unwrap()];
    let after = [growth(identity("q").period(d(2025, 1, 1), d(2025, 12, 31)))
        .recurring_revenue(dec("90000"))
        .success_hours(dec("100"))
        .build()
        .unwrap()];
    let change = PeriodChange::between(&report(&before, 2024), &report(&after, 2025)).unwrap();
    assert_eq!(change.quadrants.len(), 1);
    let t = &change.quadrants[0];
    assert_eq!(
        (t.from, t.to),
        (Some(Quadrant::QuestionMark), Some(Quadrant::Star))
    );
    assert_eq!(
        (t.customers, t.revenue_before, t.revenue_after),
        (1, usd("20000"), usd("90000"))
    );
}

#[test]
fn reports_that_do_not_compare_are_refused() {
    let r1 = report(&[customer("a", 2024, 1000, 0, false)], 2024);
    let r2 = report(&[customer("a", 2025, 1000, 0, false)], 2025);
    let mut eur = r2.clone();
    eur.currency = custfit::units::Currency::EUR;
    let err = PeriodChange::between(&r1, &eur).unwrap_err();
    assert_eq!(err.field(), Some("period_change.currency"));
    // The later report first.
    let err = PeriodChange::between(&r2, &r1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `period_change.after`: the later report must be of a later date than the \
         earlier (2025-01-15 and 2026-01-15)"
    );
    // Two rows of one customer (an edited report).
    let mut twice = r2.clone();
    twice.rows.push(twice.rows[0].clone());
    assert!(matches!(
        PeriodChange::between(&r1, &twice),
        Err(custfit::Error::DuplicateCustomer { .. })
    ));
    // Changes of other dates do not merge; nor do shards holding one customer twice.
    let mut change = PeriodChange::between(&r1, &r2).unwrap();
    let mut other = change.clone();
    other.after = d(2030, 1, 1);
    assert!(change.merge(other).is_err());
    let gained = PeriodChange::between(&report(&[], 2024), &r2).unwrap();
    let mut again = gained.clone();
    assert!(matches!(
        again.merge(gained),
        Err(custfit::Error::DuplicateCustomer { .. })
    ));
}

#[test]
fn a_customer_refused_in_one_report_is_unassessed_not_lost() {
    let before = [
        customer("ok", 2024, 50_000, 50, false),
        customer("bad", 2024, 40_000, 50, false),
    ];
    let r1 = report(&before, 2024);
    // The later record of "bad" is repeated: both copies are refused.
    let later = [
        customer("ok", 2025, 50_000, 50, false),
        customer("bad", 2025, 40_000, 50, false),
        customer("bad", 2025, 40_000, 50, false),
    ];
    let r2 = report(&later, 2025);
    assert_eq!(r2.bad_records.len(), 2);
    let change = PeriodChange::between(&r1, &r2).unwrap();
    assert!(change.lost.is_empty() && change.gained.is_empty());
    assert_eq!(change.unassessed, ["bad".parse().unwrap()]);
    let b = &change.bridge;
    let bad_before = r1
        .rows
        .iter()
        .find(|r| r.id.as_str() == "bad")
        .unwrap()
        .profit;
    assert_eq!(b.unassessed, bad_before.negate());
    assert_eq!(b.churn, usd("0"));
    let parts = [
        b.before,
        b.price_volume,
        b.cost_to_serve,
        b.churn,
        b.new_customers,
        b.unassessed,
    ];
    assert_eq!(sum(parts.into_iter()), b.after);
    let in_cells: u64 = change.quadrants.iter().map(|t| t.customers).sum();
    assert_eq!(in_cells, 1);
}

#[test]
fn counts_that_would_overflow_in_a_merge_are_an_error() {
    let r1 = report(&[customer("a", 2024, 1000, 0, false)], 2024);
    let r2 = report(&[customer("a", 2025, 1000, 0, false)], 2025);
    let change = PeriodChange::between(&r1, &r2).unwrap();
    let mut json = serde_json::to_value(&change).unwrap();
    json["quadrants"][0]["customers"] = serde_json::json!(u64::MAX);
    json["classes"] = serde_json::json!([]);
    json["actions"] = serde_json::json!([]);
    let huge: PeriodChange = serde_json::from_value(json).unwrap();
    let mut mine = PeriodChange::between(&report(&[], 2024), &report(&[], 2025)).unwrap();
    mine.merge(huge.clone()).unwrap();
    let err = mine.merge(huge).unwrap_err();
    assert!(matches!(err, custfit::Error::Arithmetic { .. }), "{err}");
}
