//! Property tests of the cost model and the customer record: the rules, not examples.

mod common;

use common::*;
use custfit::cost::CostModelConfig;
use custfit::{CostModel, Customer, Error};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn model() -> CostModel {
    CostModel::new(CostModelConfig::default()).unwrap()
}

/// Raise one cost driver of `x` by `by` (index picks which).
fn raise(x: &Drivers, which: usize, by: u32) -> Drivers {
    let mut y = x.clone();
    let by64 = i64::from(by);
    match which % 11 {
        0 => y.tickets_with_hours.1 += by64,
        1 => y.tickets_without_hours += by,
        2 => y.engineering += by64,
        3 => y.success += by64,
        4 => y.executive += by64,
        5 => y.escalations += by,
        6 => y.implementation = Some(y.implementation.unwrap_or(0) + by64),
        7 => y.custom_features += (by as usize % 3) + 1,
        8 => y.usage += by64 * 1_000,
        9 => y.standby += by64,
        // More tickets with the same measured hours cost nothing more (unless they start a group).
        _ => y.tickets_with_hours.0 += by,
    }
    y
}

/// The same amount, mantissa and scale: what a report prints.
fn same(a: custfit::Money, b: custfit::Money) -> bool {
    a.currency() == b.currency()
        && a.amount().mantissa() == b.amount().mantissa()
        && a.amount().scale() == b.amount().scale()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// The totals without the lines are the itemized cost's: revenue, total and gross margin,
    /// and the sum of the lines that price people's time; errors alike.
    #[test]
    fn totals_are_the_itemized_costs(c in customer(), amortize in any::<bool>()) {
        let config = CostModelConfig {
            one_time_revenue_amortization_months: amortize.then_some(12),
            ..CostModelConfig::default()
        };
        let model = CostModel::new(config).unwrap();
        match (model.cost_to_serve(&c), model.totals(&c)) {
            (Ok(full), Ok(t)) => {
                let service = full.sum_where(|i| i.role().is_some()).unwrap();
                prop_assert!(same(t.revenue, full.revenue));
                prop_assert!(same(t.total, full.total));
                prop_assert!(same(t.gross_margin, full.gross_margin));
                prop_assert!(same(t.service, service), "{} vs {}", t.service, service);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }

    /// (a) More of any cost activity never raises the margin.
    #[test]
    fn more_activity_never_raises_the_margin(x in drivers(), which in 0usize..11, by in 1u32..500) {
        let m = model();
        let before = m.cost_to_serve(&build("a", &x)).unwrap();
        let after = m.cost_to_serve(&build("a", &raise(&x, which, by))).unwrap();
        prop_assert!(after.gross_margin.amount() <= before.gross_margin.amount());
        prop_assert!(after.total.amount() >= before.total.amount());
        if let (Some(b), Some(a)) = (before.margin, after.margin) {
            prop_assert!(a <= b);
        }
    }

    /// (b) More revenue never lowers the margin (COGS and overhead take less than the increase).
    #[test]
    fn more_revenue_never_lowers_the_margin(x in drivers(), more in 1i64..1_000_000) {
        let m = model();
        let mut y = x.clone();
        y.recurring += more;
        let before = m.cost_to_serve(&build("b", &x)).unwrap();
        let after = m.cost_to_serve(&build("b", &y)).unwrap();
        prop_assert!(after.gross_margin.amount() >= before.gross_margin.amount());
        if let (Some(b), Some(a)) = (before.margin, after.margin) {
            prop_assert!(a >= b, "margin fell from {b} to {a}");
        }
    }

    /// (c) The total is the sum of the rounded lines, and each line is quantity x rate rounded.
    #[test]
    fn total_is_the_sum_of_the_lines(c in customer()) {
        let cts = model().cost_to_serve(&c).unwrap();
        let sum: Decimal = cts.lines.iter().map(|l| l.amount.amount()).sum();
        prop_assert_eq!(cts.total.amount(), sum);
        prop_assert_eq!(cts.gross_margin.amount(), cts.revenue.amount() - sum);
        for line in &cts.lines {
            let by_hand = (line.quantity * line.rate)
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
            prop_assert_eq!(line.amount.amount(), by_hand);
        }
    }

    /// (d) Nothing built through the public API panics, extreme values included; overflow is
    /// an error, never a wrong number.
    #[test]
    fn extreme_values_give_errors_not_panics(
        revenue in prop_oneof![Just(Decimal::MAX), Just(Decimal::MIN), any::<i64>().prop_map(Decimal::from), Just(Decimal::new(1, 28))],
        hours in prop_oneof![Just(Decimal::MAX), Just(Decimal::MIN), any::<i64>().prop_map(Decimal::from)],
        standby in prop_oneof![Just(Decimal::MAX), any::<u32>().prop_map(Decimal::from)],
        usage in prop_oneof![Just(Decimal::MAX), any::<u64>().prop_map(Decimal::from)],
        p in any::<f64>(),
    ) {
        let built = base("x")
            .recurring_revenue(revenue)
            .one_time_revenue(revenue)
            .engineering_hours(hours)
            .usage_units(usage)
            .growth_likelihood(p)
            .contract(custfit::Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).sla(custfit::customer::Sla {
                tier: custfit::customer::SlaTier::Enterprise,
                first_response_hours: None,
                standby_hours_per_month: custfit::units::Hours::new(standby).unwrap(),
            }))
            .build();
        match built {
            Err(e) => prop_assert!(e.customer().is_some() && e.field().is_some(), "{e:?}"),
            Ok(c) => match model().cost_to_serve(&c) {
                Ok(cts) => {
                    let sum = cts.lines.iter().try_fold(Decimal::ZERO, |a, l| a.checked_add(l.amount.amount()));
                    prop_assert_eq!(Some(cts.total.amount()), sum);
                }
                Err(e) => prop_assert!(matches!(e, Error::Arithmetic { .. }), "{e:?}"),
            },
        }
    }

    /// (e) Customers and their cost to serve survive a serde round-trip.
    #[test]
    fn customers_and_costs_round_trip_through_json(c in customer()) {
        let json = serde_json::to_string(&c).unwrap();
        let back: Customer = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &c);
        let cts = model().cost_to_serve(&c).unwrap();
        let back: custfit::CostToServe = serde_json::from_str(&serde_json::to_string(&cts).unwrap()).unwrap();
        prop_assert_eq!(back, cts);
    }

    /// The same input gives the same cost to serve.
    #[test]
    fn cost_to_serve_is_deterministic(c in customer()) {
        prop_assert_eq!(model().cost_to_serve(&c).unwrap(), model().cost_to_serve(&c.clone()).unwrap());
    }

    /// Money arithmetic is checked: it never panics, overflow is an error, and realistic sums
    /// are exact.
    #[test]
    fn money_arithmetic_never_panics(
        a in prop_oneof![any::<i128>(), -10i128.pow(20)..10i128.pow(20)],
        b in prop_oneof![any::<i128>(), -10i128.pow(20)..10i128.pow(20)],
        scale in 0u32..28,
    ) {
        let to = |v: i128| Decimal::try_from_i128_with_scale(v % 79_228_162_514_264_337_593_543_950_335i128, scale).unwrap();
        let (x, y) = (custfit::Money::new(to(a), custfit::units::Currency::EUR), custfit::Money::new(to(b), custfit::units::Currency::EUR));
        // Each operation either fails with a typed error or is right. Sums are exact while they
        // fit in 28 significant digits (any real amount: here up to 10^20 with at most 4
        // decimals); beyond that
        // `Decimal` rounds the last digit, which the `Money` docs state.
        let realistic = |m: custfit::Money| {
            m.amount().scale() <= 4
                && m.amount().abs() < Decimal::from(10u64.pow(18)) * Decimal::ONE_HUNDRED
        };
        if let Ok(sum) = x.checked_add(y) {
            if realistic(x) && realistic(y) {
                prop_assert_eq!(sum.checked_sub(y), Ok(x));
            }
        }
        if let Ok(diff) = x.checked_sub(y) {
            if realistic(x) && realistic(y) {
                prop_assert_eq!(diff.checked_add(y), Ok(x));
            }
        }
        if let Ok(product) = x.checked_mul(y.amount()) {
            prop_assert_eq!(product.amount(), x.amount() * y.amount());
        }
        match x.checked_div(y.amount()) {
            Err(custfit::units::MoneyError::DivisionByZero) => prop_assert!(y.is_zero()),
            Err(e) => prop_assert_eq!(e, custfit::units::MoneyError::Overflow),
            Ok(_) => prop_assert!(!y.is_zero()),
        }
        if y.is_zero() {
            prop_assert_eq!(x.ratio_to(y), Ok(None));
        }
        let rounded = x.round();
        prop_assert!(rounded.amount().scale() <= 2);
        prop_assert!((rounded.amount() - x.amount()).abs() <= Decimal::new(5, 3));
        prop_assert!(x.checked_add(custfit::Money::zero(custfit::units::Currency::USD)).is_err());
    }
}

/// (e) Every public value type survives a serde round-trip.
#[test]
fn value_types_round_trip_through_json() {
    fn rt<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(v: T) {
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v, "{json}");
    }
    rt(custfit::units::Currency::EUR);
    rt(usd("12.34"));
    rt(custfit::units::Hours::new(dec("1.5")).unwrap());
    rt(custfit::units::Quantity::new(dec("7")).unwrap());
    rt(custfit::units::Share::new(dec("0.25")).unwrap());
    rt(custfit::units::Probability::new(0.3).unwrap());
    rt(custfit::units::Ratio::new(dec("-1.25")));
    rt(custfit::units::Nps::new(-20).unwrap());
    rt(custfit::CustomerId::new("x").unwrap());
    rt(custfit::customer::AssessmentPeriod::new(d(2025, 1, 1), d(2025, 2, 1)).unwrap());
    rt(custfit::Contract::builder(d(2025, 1, 1), d(2026, 12, 31))
        .terminate_for_convenience(30, usd("100"))
        .build()
        .unwrap());
    rt(model());
    rt(custfit::cost::CostModelConfig::default());
    rt(custfit::cost::CapacityCostRate::new(
        usd("600000"),
        custfit::units::Hours::new(dec("10000")).unwrap(),
    )
    .unwrap());
    rt(base("e").engineering_hours(dec("-1")).build().unwrap_err());
    rt(custfit::units::MoneyError::Overflow);
}
