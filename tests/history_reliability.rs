//! The history on values read back from storage and on repeated or reordered input: checked
//! arithmetic, the bounds of a built value, one customer counted once, and results that do
//! not depend on the order of the input.

mod common;

use common::*;
use custfit::assessment::scoring::Rag;
use custfit::assessment::Dimension;
use custfit::history::{
    auc, back_test, CustomerHistory, Observation, Outcome, PeriodAssessment, PeriodChange,
    PeriodDiff,
};
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig, PortfolioReport};
use custfit::units::Probability;
use custfit::{Action, Customer, Error, PolicyContext, RecommendationPolicy};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The healthy customer `id` over the calendar year `year`, assessed after it.
fn period(id: &str, year: i32) -> PeriodAssessment {
    period_with(id, year, |b| b)
}

/// As [`period`], the customer changed by `edit`.
fn period_with(
    id: &str,
    year: i32,
    edit: fn(custfit::customer::CustomerBuilder) -> custfit::customer::CustomerBuilder,
) -> PeriodAssessment {
    let c = edit(healthy(id).period(d(year, 1, 1), d(year, 12, 31)))
        .build()
        .unwrap();
    let a = assessor().assess(&c, d(year + 1, 1, 15)).unwrap();
    let r = policy()
        .recommend(&c, &a, &PolicyContext::default())
        .unwrap();
    PeriodAssessment::new(&c, a, r)
}

/// Two years of customer `h`, as stored.
fn stored_history() -> Value {
    let h = CustomerHistory::new(vec![period("h", 2024), period("h", 2025)]).unwrap();
    serde_json::to_value(&h).unwrap()
}

/// The periods of a stored history, read without the history's checks.
fn periods_of(json: Value) -> Vec<PeriodAssessment> {
    serde_json::from_value(json).unwrap()
}

const DECIMAL_MIN: &str = "-79228162514264337593543950335";

#[test]
fn a_cost_line_change_that_overflows_is_an_error_not_a_panic() {
    // The earlier period's first line near Decimal::MIN, the later one's small: their
    // difference does not fit a decimal.
    let mut json = stored_history();
    let line = &mut json[0]["assessment"]["cost"]["lines"][0];
    line["amount"] = json!(format!("{DECIMAL_MIN} USD"));
    line["quantity"] = json!("1");
    // Another line that changed, so that the changes are ordered by size.
    json[0]["assessment"]["cost"]["lines"][1]["quantity"] = json!("1");
    let periods = periods_of(json.clone());
    let err = PeriodDiff::between(&periods[0], &periods[1]).unwrap_err();
    assert!(matches!(err, Error::Arithmetic { .. }), "{err}");
    assert_eq!(err.customer().map(|c| c.as_str()), Some("h"));
    assert_eq!(
        err.to_string(),
        "customer `h`: computing `cost.cogs_share_of_revenue.change`: amount overflows the \
         decimal range"
    );
    // As a history it is refused on the way in: a built cost line is never negative.
    let err = CustomerHistory::new(periods).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "customer `h`: field `history[0].assessment.cost.lines[0].amount`: must not be \
             negative, got {DECIMAL_MIN}"
        )
    );
    let err = serde_json::from_value::<CustomerHistory>(json).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("customer `h`: field `history[0].assessment.cost.lines[0].amount`"),
        "{err}"
    );
}

#[test]
fn a_negative_quantity_or_rate_of_a_cost_line_is_refused() {
    for field in ["quantity", "rate"] {
        let mut json = stored_history();
        json[1]["assessment"]["cost"]["lines"][1][field] = json!("-1");
        let err = CustomerHistory::new(periods_of(json)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "customer `h`: field `history[1].assessment.cost.lines[1].{field}`: must not \
                 be negative, got -1"
            )
        );
    }
}

#[test]
fn scores_read_back_get_the_bounds_of_built_ones() {
    let at = |path: &[&str], value: Value| {
        let mut json = stored_history();
        let mut v = &mut json[1];
        for key in path {
            v = &mut v[*key];
        }
        *v = value;
        CustomerHistory::new(periods_of(json))
            .unwrap_err()
            .to_string()
    };
    let overall = ["assessment", "scorecard", "overall"];
    assert_eq!(
        at(&overall, json!(1e308)),
        format!(
            "customer `h`: field `history[1].assessment.scorecard.overall`: must lie in \
             0..=100, got {}",
            1e308
        )
    );
    for bad in [json!(-0.5), json!(100.5)] {
        let msg = at(&overall, bad.clone());
        assert!(
            msg.contains("assessment.scorecard.overall`: must lie in 0..=100, got"),
            "{msg}"
        );
    }
    let dimension =
        |field: &'static str| ["assessment", "scorecard", "dimensions", "margin", field];
    let msg = at(&dimension("score"), json!(101));
    assert!(
        msg.contains("field `history[1].assessment.scorecard.dimensions.margin.score`: must lie in 0..=100, got 101"),
        "{msg}"
    );
    let msg = at(&dimension("used"), json!(-1));
    assert!(
        msg.contains("dimensions.margin.used`: must lie in 0..=100"),
        "{msg}"
    );
    let msg = at(&dimension("contribution"), json!(1e300));
    assert!(
        msg.contains("dimensions.margin.contribution`: must lie in 0..=100"),
        "{msg}"
    );
    let msg = at(&dimension("weight"), json!(1.5));
    assert!(
        msg.contains("dimensions.margin.weight`: must lie in 0..=1, got 1.5"),
        "{msg}"
    );
}

#[test]
fn scores_that_are_not_numbers_are_refused() {
    let build = |edit: &dyn Fn(&mut PeriodAssessment)| {
        let mut p = vec![period("h", 2024), period("h", 2025)];
        edit(&mut p[0]);
        CustomerHistory::new(p).unwrap_err()
    };
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = build(&|p| p.assessment.scorecard.overall = bad);
        assert_eq!(err.field(), Some("history[0].assessment.scorecard.overall"));
        assert_eq!(err.customer().map(|c| c.as_str()), Some("h"));
        let err = build(&|p| p.assessment.scorecard.dimensions.growth_potential.score = Some(bad));
        assert_eq!(
            err.field(),
            Some("history[0].assessment.scorecard.dimensions.growth_potential.score")
        );
        let err = build(&|p| p.assessment.scorecard.dimensions.margin.weight = bad);
        assert_eq!(
            err.field(),
            Some("history[0].assessment.scorecard.dimensions.margin.weight")
        );
    }
    // A period of one customer holds that customer's cost and recommendation only.
    let other = period("k", 2024);
    let err = build(&|p| p.assessment.cost.customer = other.assessment.customer.clone());
    assert_eq!(err.field(), Some("history[0].assessment.cost.customer"));
    let err = build(&|p| p.recommendation.customer = other.assessment.customer.clone());
    assert_eq!(err.field(), Some("history[0].recommendation.customer"));
}

#[test]
fn a_lever_the_same_in_both_periods_is_no_change() {
    // Loss-making in both years, with the same levers and the same figures.
    let losing = |b: custfit::customer::CustomerBuilder| {
        b.recurring_revenue(dec("30000")).success_hours(dec("500"))
    };
    let (p1, p2) = (
        period_with("v", 2024, losing),
        period_with("v", 2025, losing),
    );
    let gains = |p: &PeriodAssessment| -> Vec<custfit::Money> {
        p.recommendation
            .levers
            .iter()
            .flat_map(|plan| plan.levers.iter().map(|l| l.margin_gain))
            .collect()
    };
    assert!(!gains(&p1).is_empty(), "{:?}", p1.recommendation.action);
    assert_eq!(gains(&p1), gains(&p2));
    let diff = PeriodDiff::between(&p1, &p2).unwrap();
    assert!(diff.levers.is_empty(), "{:?}", diff.levers);
    assert!(PeriodDiff::between(&p2, &p2).unwrap().levers.is_empty());
}

#[test]
fn trends_of_a_history_read_back_are_finite() {
    let h: CustomerHistory = serde_json::from_value(stored_history()).unwrap();
    let trends = h.trends(&custfit::history::HistoryConfig::default());
    let overall = trends.overall.unwrap();
    assert!(overall.slope.is_finite());
    assert_eq!(h.changes().len(), 1);
}

fn customer(id: &str, year: i32, revenue: u32) -> Customer {
    identity(id)
        .period(d(year, 1, 1), d(year, 12, 31))
        .customer_since(d(2020, 1, 1))
        .recurring_revenue(revenue.into())
        .success_hours(100.into())
        .build()
        .unwrap()
}

fn report(customers: &[Customer], year: i32) -> PortfolioReport {
    PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default())
        .unwrap()
        .analyze_slice(customers, d(year + 1, 1, 15), 1, &|_, _, _| Ok(()))
        .unwrap()
}

#[test]
fn shards_sharing_a_continuing_customer_are_refused() {
    let (before, after) = (
        report(&[customer("a", 2024, 50_000)], 2024),
        report(&[customer("a", 2025, 60_000)], 2025),
    );
    let shard = PeriodChange::between(&before, &after).unwrap();
    let mut merged = shard.clone();
    let err = merged.merge(shard.clone()).unwrap_err();
    assert_eq!(
        err,
        Error::DuplicateCustomer {
            customer: "a".parse().unwrap()
        }
    );
    assert_eq!(merged, shard, "nothing is merged");
    // The shared customer is named whatever else the shards hold.
    let both = PeriodChange::between(
        &report(&[customer("a", 2024, 50_000), customer("b", 2024, 1)], 2024),
        &report(&[customer("a", 2025, 60_000), customer("c", 2025, 1)], 2025),
    )
    .unwrap();
    let mut merged = PeriodChange::between(
        &report(&[customer("z", 2024, 50_000)], 2024),
        &report(&[customer("a", 2025, 60_000), customer("z", 2025, 1)], 2025),
    )
    .unwrap();
    assert_eq!(
        merged
            .merge(both)
            .unwrap_err()
            .customer()
            .map(|c| c.as_str()),
        Some("a")
    );
}

#[test]
fn the_customers_in_both_reports_are_listed() {
    let change = PeriodChange::between(
        &report(&[customer("a", 2024, 50_000), customer("b", 2024, 1)], 2024),
        &report(&[customer("c", 2025, 1), customer("a", 2025, 60_000)], 2025),
    )
    .unwrap();
    let ids =
        |l: &[custfit::CustomerId]| l.iter().map(|c| c.as_str().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(&change.continuing), ["a"]);
    assert_eq!(ids(&change.gained), ["c"]);
    assert_eq!(ids(&change.lost), ["b"]);
}

#[test]
fn a_customer_without_revenue_before_is_new_in_the_bridge() {
    // No revenue before: no margin rate to split its change at, so not price and volume nor
    // cost to serve.
    let change = PeriodChange::between(
        &report(&[customer("z", 2024, 0)], 2024),
        &report(&[customer("z", 2025, 50_000)], 2025),
    )
    .unwrap();
    assert_eq!(change.continuing, ["z".parse().unwrap()]);
    let b = &change.bridge;
    assert!(b.before.is_negative(), "{}", b.before);
    assert_eq!(Some(b.new_customers), b.after.checked_sub(b.before).ok());
    assert!(b.cost_to_serve.is_zero() && b.price_volume.is_zero());
    assert!(b.continuing.revenue_before.is_zero() && b.continuing.margin_before.is_zero());
}

#[test]
fn volume_is_the_revenue_change_at_the_joint_earlier_margin_rate() {
    let change = PeriodChange::between(
        &report(
            &[customer("a", 2024, 50_000), customer("b", 2024, 20_000)],
            2024,
        ),
        &report(
            &[customer("a", 2025, 80_000), customer("b", 2025, 20_000)],
            2025,
        ),
    )
    .unwrap();
    let (b, c) = (&change.bridge, &change.bridge.continuing);
    assert_eq!(c.revenue_before, usd("70000"));
    assert_eq!(c.revenue_change, usd("30000"));
    let rate = c.margin_before.ratio_to(c.revenue_before).unwrap().unwrap();
    assert!(rate > dec("0.1"), "{rate}");
    assert_eq!(
        b.volume,
        c.revenue_change.checked_mul(rate).unwrap().round()
    );
    assert_eq!(Some(b.mix), b.price_volume.checked_sub(b.volume).ok());
}

fn seen(id: &str, overall: f64, outcome: Outcome) -> Observation {
    Observation::of(
        id.parse().unwrap(),
        overall,
        Rag::Green,
        Action::Retain,
        outcome,
    )
}

#[test]
fn a_customer_observed_twice_is_refused() {
    let observations = [
        seen("b", 80.0, Outcome::STAYED),
        seen("a", 70.0, Outcome::CHURNED),
        seen("b", 20.0, Outcome::CHURNED),
        seen("a", 10.0, Outcome::STAYED),
    ];
    let err = back_test(&observations).unwrap_err();
    // The first repeated id in id order, whatever the input order.
    assert_eq!(
        err.to_string(),
        "customer `a`: the id appears in more than one record; every record with it is refused"
    );
    let mut reversed = observations.to_vec();
    reversed.reverse();
    assert_eq!(back_test(&reversed).unwrap_err(), err);
    // Left-out observations count too: one customer is one observation.
    let left_out = [
        seen("c", 50.0, Outcome::STAYED),
        seen("c", 50.0, Outcome::CHURNED).with_stage(custfit::customer::LifecycleStage::Churned),
    ];
    assert!(matches!(
        back_test(&left_out),
        Err(Error::DuplicateCustomer { .. })
    ));
}

#[test]
fn a_negative_nan_ties_with_nan_and_ranks_above_every_number() {
    let neg_nan = -f64::NAN;
    assert!(neg_nan.is_nan() && neg_nan.is_sign_negative());
    assert_eq!(auc([(neg_nan, true), (f64::NAN, false)]).auc, Some(0.5));
    assert_eq!(auc([(f64::NAN, true), (neg_nan, false)]).auc, Some(0.5));
    assert_eq!(auc([(neg_nan, true), (1e300, false)]).auc, Some(1.0));
    assert_eq!(
        auc([(f64::INFINITY, true), (neg_nan, false)]).auc,
        Some(0.0)
    );
    // NaNs of other payloads tie too.
    let payload = f64::from_bits(f64::NAN.to_bits() | 1);
    assert_eq!(auc([(payload, true), (-payload, false)]).auc, Some(0.5));
}

fn observations() -> impl Strategy<Value = Vec<Observation>> {
    prop::collection::vec(
        (
            0u8..=100,
            any::<bool>(),
            prop::option::of(0.0f64..=1.0),
            prop::option::of(0u8..=100),
        ),
        1..40,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (score, churned, p, growth))| {
                let outcome = if churned {
                    Outcome::CHURNED
                } else {
                    Outcome::STAYED
                };
                let rag = if score >= 70 { Rag::Green } else { Rag::Amber };
                let mut o = Observation::of(
                    format!("c{i:02}").parse().unwrap(),
                    f64::from(score) / 3.0,
                    rag,
                    Action::Retain,
                    outcome,
                );
                if let Some(p) = p {
                    o = o.with_renewal_probability(Probability::new(p).unwrap());
                }
                if let Some(g) = growth {
                    o = o.with_dimension(Dimension::GrowthPotential, f64::from(g) / 7.0);
                }
                o
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn a_back_test_does_not_depend_on_the_order_of_its_observations(
        (observations, shuffled) in observations().prop_flat_map(|o| {
            let shuffled = Just(o.clone()).prop_shuffle();
            (Just(o), shuffled)
        }),
    ) {
        let (a, b) = (back_test(&observations).unwrap(), back_test(&shuffled).unwrap());
        prop_assert_eq!(a.brier_score.map(f64::to_bits), b.brier_score.map(f64::to_bits));
        prop_assert_eq!(a.calibration.len(), b.calibration.len());
        for (x, y) in a.calibration.iter().zip(&b.calibration) {
            prop_assert_eq!(x.stated.to_bits(), y.stated.to_bits());
            prop_assert_eq!(x.observed.to_bits(), y.observed.to_bits());
        }
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        prop_assert_eq!(a, b);
    }
}

#[test]
fn the_brier_score_is_the_same_in_any_order() {
    // Probabilities whose sum rounds differently in the two orders.
    let p = |x: f64| Probability::new(x).unwrap();
    let stated = [0.1, 0.7, 0.3, 0.9, 0.2, 0.6, 0.35, 0.15];
    let observations: Vec<Observation> = stated
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let outcome = if i % 3 == 0 {
                Outcome::CHURNED
            } else {
                Outcome::STAYED
            };
            seen(&format!("c{i}"), 50.0, outcome).with_renewal_probability(p(x))
        })
        .collect();
    let mut reversed = observations.clone();
    reversed.reverse();
    let (a, b) = (
        back_test(&observations).unwrap(),
        back_test(&reversed).unwrap(),
    );
    assert_eq!(
        a.brier_score.map(f64::to_bits),
        b.brier_score.map(f64::to_bits)
    );
    assert_eq!(a.calibration, b.calibration);
}

#[test]
fn deciles_are_numbered_from_the_lowest_scores_and_lifted_against_the_whole() {
    // Twenty customers, two per decile; both of the lowest decile churned, one of the next.
    let observations: Vec<Observation> = (0..20)
        .map(|i| {
            let outcome = if i < 3 {
                Outcome::CHURNED
            } else {
                Outcome::STAYED
            };
            seen(&format!("c{i:02}"), f64::from(i) * 5.0, outcome)
        })
        .collect();
    let t = back_test(&observations).unwrap();
    let numbers: Vec<u8> = t.deciles.iter().map(|d| d.decile).collect();
    assert_eq!(numbers, (1..=10).collect::<Vec<u8>>());
    let (first, second) = (&t.deciles[0], &t.deciles[1]);
    assert_eq!(
        (first.customers, first.churned, first.churn_rate),
        (2, 2, 1.0)
    );
    assert_eq!((second.min_score, second.max_score), (10.0, 15.0));
    assert_eq!((second.churned, second.churn_rate), (1, 0.5));
    assert_eq!(t.churn_rate, Some(0.15));
    assert_eq!(first.lift, Some(1.0 / 0.15));
    assert_eq!(second.lift, Some(0.5 / 0.15));
    assert_eq!(t.deciles[9].lift, Some(0.0));
    // Nobody churned: no churn to concentrate, no lift.
    let stayed: Vec<Observation> = (0..20)
        .map(|i| seen(&format!("s{i:02}"), f64::from(i), Outcome::STAYED))
        .collect();
    let t = back_test(&stayed).unwrap();
    assert_eq!(t.churn_rate, Some(0.0));
    assert!(
        t.deciles.iter().all(|d| d.lift.is_none()),
        "{:?}",
        t.deciles
    );
}

#[test]
fn results_read_as_sentences() {
    let ranked = auc([(80.0, true), (70.0, true), (70.0, false), (20.0, false)]);
    assert_eq!(ranked.to_string(), "AUC 0.875 (4 customers)");
    assert_eq!(
        auc([(1.0, true)]).to_string(),
        "AUC undefined (1 customers, one group empty)"
    );
    use custfit::history::Warning;
    let eroding = Warning::StarMarginEroding {
        periods: 3,
        from: 0.5,
        to: 0.25,
    };
    assert_eq!(
        eroding.to_string(),
        "a star whose margin eroded over 3 periods: 50.0% to 25.0%"
    );
    let slipping = Warning::BehaviorSlippingAfterReset {
        reset_on: d(2023, 6, 1),
        after_reset: 80.0,
        now: 60.54,
    };
    assert_eq!(
        slipping.to_string(),
        "behavior and success slipped after the expectation reset of 2023-06-01: score 80.0 \
         then, 60.5 now"
    );
    let cost = Warning::CostRisingFasterThanRevenue {
        cost_growth: 0.3,
        revenue_growth: -0.05,
    };
    assert_eq!(
        cost.to_string(),
        "cost to serve grew +30.0% against revenue -5.0%"
    );
    // A trend of a real history: its direction, slope, periods and ends.
    let h = CustomerHistory::new(vec![
        period_with("t", 2024, |b| b.success_hours(dec("60"))),
        period_with("t", 2025, |b| b.success_hours(dec("900"))),
    ])
    .unwrap();
    let trend = h
        .trends(&custfit::history::HistoryConfig::default())
        .overall
        .unwrap();
    assert_eq!(trend.direction, custfit::history::Direction::Falling);
    assert_eq!(
        trend.to_string(),
        format!(
            "falling ({:+.1} points per period over 2 periods: {:.1} to {:.1})",
            trend.slope, trend.first, trend.last
        )
    );
    let growth = Warning::GrowthFalling { trend };
    assert_eq!(growth.to_string(), format!("growth potential {trend}"));
}

/// Customer `id` over the given periods, each edited by its closure (scores and amounts set
/// directly, so that the expected trends and warnings are exact).
/// A period from its first to its last day (year, month, day), and the edit of its assessment.
type EditedPeriod<'a> = (
    (i32, u32, u32),
    (i32, u32, u32),
    &'a dyn Fn(&mut PeriodAssessment),
);

fn edited(id: &str, periods: Vec<EditedPeriod<'_>>) -> CustomerHistory {
    CustomerHistory::new(
        periods
            .into_iter()
            .map(|(start, end, edit)| {
                // A customer since before the first period, so that every period is valid.
                let c = healthy(id)
                    .customer_since(d(2015, 1, 1))
                    .period(d(start.0, start.1, start.2), d(end.0, end.1, end.2))
                    .build()
                    .unwrap();
                let a = assessor().assess(&c, d(end.0 + 1, 1, 15)).unwrap();
                let r = policy()
                    .recommend(&c, &a, &PolicyContext::default())
                    .unwrap();
                let mut p = PeriodAssessment::new(&c, a, r);
                edit(&mut p);
                p
            })
            .collect(),
    )
    .unwrap()
}

fn year(y: i32) -> ((i32, u32, u32), (i32, u32, u32)) {
    ((y, 1, 1), (y, 12, 31))
}

fn in_year(y: i32, edit: &dyn Fn(&mut PeriodAssessment)) -> EditedPeriod<'_> {
    let (s, e) = year(y);
    (s, e, edit)
}

#[test]
fn a_trend_is_the_least_squares_slope_of_the_known_scores() {
    let set = |overall: f64, growth: Option<f64>| {
        move |p: &mut PeriodAssessment| {
            p.assessment.scorecard.overall = overall;
            p.assessment.scorecard.dimensions.growth_potential.score = growth;
        }
    };
    let (a, b, c) = (
        set(40.0, Some(40.0)),
        set(50.0, None),
        set(60.0, Some(70.0)),
    );
    let h = edited(
        "s",
        vec![in_year(2021, &a), in_year(2022, &b), in_year(2023, &c)],
    );
    assert_eq!(h.customer().as_str(), "s");
    let trends = h.trends(&custfit::history::HistoryConfig::default());
    let overall = trends.overall.unwrap();
    assert_eq!(
        (overall.slope, overall.periods, overall.first, overall.last),
        (10.0, 3, 40.0, 60.0)
    );
    assert_eq!(overall.direction, custfit::history::Direction::Rising);
    // Fitted where known, periods counted in order: 40 then 70 two periods later.
    let growth = trends.dimensions.growth_potential.unwrap();
    assert_eq!(
        (growth.slope, growth.periods, growth.first, growth.last),
        (15.0, 2, 40.0, 70.0)
    );
    // Four periods, falling by 10 a period.
    let scores = [70.0, 60.0, 50.0, 40.0]
        .map(|s| move |p: &mut PeriodAssessment| p.assessment.scorecard.overall = s);
    let h = edited(
        "f",
        vec![
            in_year(2021, &scores[0]),
            in_year(2022, &scores[1]),
            in_year(2023, &scores[2]),
            in_year(2025, &scores[3]),
        ],
    );
    let overall = h
        .trends(&custfit::history::HistoryConfig::default())
        .overall
        .unwrap();
    assert_eq!((overall.slope, overall.periods), (-10.0, 4));
    assert_eq!(overall.direction, custfit::history::Direction::Falling);
}

#[test]
fn a_slope_of_exactly_the_flat_band_is_flat() {
    let overall = |a: f64, b: f64| {
        let (x, y) = (
            move |p: &mut PeriodAssessment| p.assessment.scorecard.overall = a,
            move |p: &mut PeriodAssessment| p.assessment.scorecard.overall = b,
        );
        let h = edited("e", vec![in_year(2021, &x), in_year(2022, &y)]);
        let t = h
            .trends(&custfit::history::HistoryConfig::default())
            .overall
            .unwrap();
        (t.slope, t.direction)
    };
    use custfit::history::Direction;
    // The default band is 1 point per period.
    assert_eq!(overall(50.0, 51.0), (1.0, Direction::Flat));
    assert_eq!(overall(51.0, 50.0), (-1.0, Direction::Flat));
    assert_eq!(overall(50.0, 51.5), (1.5, Direction::Rising));
    assert_eq!(overall(51.5, 50.0), (-1.5, Direction::Falling));
}

/// Its cost to serve and revenue set to these amounts (USD).
fn amounts(cost: &'static str, revenue: &'static str) -> impl Fn(&mut PeriodAssessment) {
    move |p: &mut PeriodAssessment| {
        p.assessment.cost.total = usd(cost);
        p.assessment.cost.revenue = usd(revenue);
    }
}

fn cost_warning(h: &CustomerHistory) -> Option<(f64, f64)> {
    h.warnings(&custfit::history::HistoryConfig::default())
        .into_iter()
        .find_map(|w| match w {
            custfit::history::Warning::CostRisingFasterThanRevenue {
                cost_growth,
                revenue_growth,
            } => Some((cost_growth, revenue_growth)),
            _ => None,
        })
}

#[test]
fn cost_and_revenue_grow_per_day_of_their_periods() {
    // Half a year at 10 a day of cost and 20 of revenue, then a year at 20 of each.
    let (first, then) = (amounts("1840", "3680"), amounts("7300", "7300"));
    let h = edited(
        "g",
        vec![((2022, 7, 1), (2022, 12, 31), &first), in_year(2023, &then)],
    );
    assert_eq!(cost_warning(&h), Some((1.0, 0.0)));
}

#[test]
fn a_cost_that_did_not_grow_faster_than_revenue_is_no_warning() {
    let cases: [(&str, &str, &str, &str); 5] = [
        // Cost falls, revenue falls faster.
        ("3650", "7300", "3285", "3650"),
        // Cost flat, revenue falls.
        ("3650", "7300", "3650", "3650"),
        // Both double.
        ("3650", "7300", "7300", "14600"),
        // Cost grows, revenue grows faster.
        ("3650", "7300", "4015", "14600"),
        // No cost before: no growth to speak of.
        ("0", "7300", "3650", "7300"),
    ];
    for (cost_a, revenue_a, cost_b, revenue_b) in cases {
        let (a, b) = (amounts(cost_a, revenue_a), amounts(cost_b, revenue_b));
        let h = edited("n", vec![in_year(2021, &a), in_year(2022, &b)]);
        assert_eq!(
            cost_warning(&h),
            None,
            "{cost_a} {revenue_a} {cost_b} {revenue_b}"
        );
    }
    // Growing faster, with the figures per day.
    let (a, b) = (amounts("3650", "7300"), amounts("4380", "7665"));
    let h = edited("y", vec![in_year(2021, &a), in_year(2022, &b)]);
    let (cost, revenue) = cost_warning(&h).unwrap();
    assert!(
        (cost - 0.2).abs() < 1e-12 && (revenue - 0.05).abs() < 1e-12,
        "{cost} {revenue}"
    );
}

#[test]
fn the_least_settings_are_valid_and_bad_bands_count_as_none() {
    use custfit::history::HistoryConfig;
    let least = HistoryConfig {
        window: 2,
        flat_band: 0.0,
        eroding_periods: 1,
    };
    assert_eq!(least.validate(), Ok(()));
    // Used as they are, a negative or infinite band is no band: a slope of 5 rises.
    let (a, b) = (
        |p: &mut PeriodAssessment| p.assessment.scorecard.overall = 50.0,
        |p: &mut PeriodAssessment| p.assessment.scorecard.overall = 55.0,
    );
    let h = edited("b", vec![in_year(2021, &a), in_year(2022, &b)]);
    for band in [-1.0, f64::INFINITY, f64::NAN, 0.0] {
        let config = HistoryConfig {
            flat_band: band,
            ..HistoryConfig::default()
        };
        let t = h.trends(&config).overall.unwrap();
        assert_eq!(t.direction, custfit::history::Direction::Rising, "{band}");
    }
    let config = HistoryConfig {
        flat_band: 5.0,
        ..HistoryConfig::default()
    };
    assert_eq!(
        h.trends(&config).overall.unwrap().direction,
        custfit::history::Direction::Flat
    );
}

#[test]
fn behavior_slips_after_a_reset_by_more_than_the_band() {
    use custfit::history::{HistoryConfig, Warning};
    let behavior = |score: f64| {
        move |p: &mut PeriodAssessment| {
            p.assessment.scorecard.dimensions.behavior_success.score = Some(score);
            p.last_expectation_reset = Some(d(2021, 6, 1));
        }
    };
    let slipped = |now: f64, band: f64| {
        let (a, b, c) = (behavior(90.0), behavior(80.0), behavior(now));
        let h = edited(
            "r",
            vec![in_year(2021, &a), in_year(2022, &b), in_year(2023, &c)],
        );
        let config = HistoryConfig {
            flat_band: band,
            ..HistoryConfig::default()
        };
        h.warnings(&config).into_iter().find_map(|w| match w {
            Warning::BehaviorSlippingAfterReset {
                reset_on,
                after_reset,
                now,
            } => Some((reset_on, after_reset, now)),
            _ => None,
        })
    };
    // The first period after the reset scored 80 (the one it fell in, 90, is not after it).
    assert_eq!(slipped(75.0, 2.0), Some((d(2021, 6, 1), 80.0, 75.0)));
    assert_eq!(slipped(79.0, 2.0), None);
    assert_eq!(slipped(78.0, 2.0), None, "a slip of exactly the band");
    // A reset on the first day of a period falls in that period, which is not after it.
    let on = |score: f64| {
        move |p: &mut PeriodAssessment| {
            p.assessment.scorecard.dimensions.behavior_success.score = Some(score);
            p.last_expectation_reset = Some(d(2022, 1, 1));
        }
    };
    let (a, b, c, now) = (on(90.0), on(80.0), on(70.0), on(65.0));
    let h = edited(
        "o",
        vec![
            in_year(2021, &a),
            in_year(2022, &b),
            in_year(2023, &c),
            in_year(2024, &now),
        ],
    );
    let after_reset = h
        .warnings(&HistoryConfig::default())
        .into_iter()
        .find_map(|w| match w {
            Warning::BehaviorSlippingAfterReset { after_reset, .. } => Some(after_reset),
            _ => None,
        });
    assert_eq!(after_reset, Some(70.0));
}

#[test]
fn only_consecutive_falls_of_a_stars_margin_are_erosion() {
    use custfit::history::{HistoryConfig, Warning};
    let margin = |m: &'static str| {
        move |p: &mut PeriodAssessment| {
            p.assessment.cost.margin = Some(custfit::units::Ratio::new(dec(m)));
            p.assessment.quadrant = custfit::assessment::Quadrant::Star;
        }
    };
    let eroding = |margins: [&'static str; 3]| {
        let (a, b, c) = (margin(margins[0]), margin(margins[1]), margin(margins[2]));
        let h = edited(
            "m",
            vec![in_year(2021, &a), in_year(2022, &b), in_year(2023, &c)],
        );
        h.warnings(&HistoryConfig::default())
            .into_iter()
            .find_map(|w| match w {
                Warning::StarMarginEroding { periods, from, to } => Some((periods, from, to)),
                _ => None,
            })
    };
    assert_eq!(eroding(["0.5", "0.4", "0.3"]), Some((2, 0.5, 0.3)));
    assert_eq!(eroding(["0.4", "0.4", "0.3"]), None, "one fall, then flat");
    assert_eq!(eroding(["0.4", "0.4", "0.4"]), None);
}
