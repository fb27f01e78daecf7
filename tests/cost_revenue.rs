//! Support time not tied to tickets, the recognition of one-time revenue, and extreme
//! amounts in the cost model.

mod common;

use common::*;
use custfit::cost::{CostItem, Role};
use custfit::CostModel;

#[test]
fn support_time_without_tickets_is_a_line_of_its_own() {
    let c = base("chat")
        .recurring_revenue(dec("10000"))
        .support_hours(dec("12.5"))
        .build()
        .unwrap();
    let cts = simple_model().cost_to_serve(&c).unwrap();
    let line = cts
        .lines
        .iter()
        .find(|l| l.item == CostItem::SupportTime)
        .expect("a support-time line");
    assert_eq!(
        line.to_string(),
        "support, not tied to tickets: 12.5 x 50 = 625.00 USD"
    );
    assert_eq!(line.item.role(), Some(Role::Support));
    assert_eq!(cts.hours.support, dec("12.5"));
    // The same from JSON, with no ticket at all.
    let json = serde_json::json!({
        "id": "chat", "name": "Chat", "currency": "USD", "stage": "active", "customer_since": "2023-01-01",
        "recurring_revenue": "10000 USD",
        "activity": { "period": { "start": "2025-01-01", "end": "2025-12-31" }, "support_hours": "12.5" }
    });
    let from_json: custfit::Customer = serde_json::from_value(json).unwrap();
    assert_eq!(from_json.activity().support_hours.get(), dec("12.5"));
    // The support levers count it: clear support boundaries save a share of it — offered to a
    // customer that shows what they reset (here an escalation; a light customer without one
    // is offered none).
    let boundaries = |c: &custfit::Customer| {
        let a = assessor().assess(c, as_of()).unwrap();
        let plan = custfit::LeverPlan::new(c, &a, &simple_model(), &Default::default()).unwrap();
        plan.levers
            .into_iter()
            .find(|l| l.kind == custfit::policy::LeverKind::SupportBoundaries)
    };
    assert_eq!(boundaries(&c), None);
    let escalated = base("chat")
        .recurring_revenue(dec("10000"))
        .support_hours(dec("12.5"))
        .escalations(1)
        .build()
        .unwrap();
    let lever = boundaries(&escalated).expect("support boundaries");
    // 15 % of 625.00 = 93.75, no overhead in the simple model.
    assert_eq!(lever.margin_gain, usd("93.75"));
    assert_eq!(lever.hours_freed.support, dec("1.88"));
    assert_eq!(
        lever.trigger,
        Some(custfit::policy::LeverTrigger::Escalations { count: 1 })
    );
}

fn amortizing(months: Option<u32>) -> CostModel {
    let mut config = simple_model().config().clone();
    config.one_time_revenue_amortization_months = months;
    CostModel::new(config).unwrap()
}

#[test]
fn one_time_revenue_is_recognized_over_the_configured_months() {
    // Signed 2025-07-01 with a 12,000 set-up fee: recognized over 12 months, 184 of its 365
    // days fall in 2025: 12,000 × 184 / 365 = 6,049.32; 5,950.68 is deferred.
    let c = base("setup")
        .customer_since(d(2025, 7, 1))
        .recurring_revenue(dec("30000"))
        .one_time_revenue(dec("12000"))
        .build()
        .unwrap();
    let full = amortizing(None).cost_to_serve(&c).unwrap();
    assert_eq!(full.revenue, usd("42000"));
    assert_eq!(full.deferred_revenue, None);
    let spread = amortizing(Some(12)).cost_to_serve(&c).unwrap();
    assert_eq!(spread.revenue, usd("36049.32"));
    assert_eq!(spread.deferred_revenue, Some(usd("5950.68")));
    // COGS follows the revenue recognized.
    let cogs = |cts: &custfit::CostToServe| {
        cts.lines
            .iter()
            .find(|l| l.item == CostItem::CogsShareOfRevenue)
            .unwrap()
            .amount
    };
    assert_eq!(cogs(&spread), usd("3604.93"));
    assert!(spread.gross_margin.amount() < full.gross_margin.amount());
    // Billed before the period (an older customer): taken as billed on the period's first
    // day; a 3-month window lies inside the period and is recognized in full.
    let old = base("old")
        .recurring_revenue(dec("30000"))
        .one_time_revenue(dec("1000"))
        .build()
        .unwrap();
    let three = amortizing(Some(3)).cost_to_serve(&old).unwrap();
    assert_eq!(three.revenue, usd("31000"));
    assert_eq!(three.deferred_revenue, Some(usd("0")));
    // Zero months is refused.
    let mut config = simple_model().config().clone();
    config.one_time_revenue_amortization_months = Some(0);
    assert_eq!(
        CostModel::new(config).unwrap_err().to_string(),
        "configuration field `one_time_revenue_amortization_months`: must lie in 1.. or none, got 0"
    );
}

#[test]
fn huge_implementation_hours_are_an_error_not_a_panic() {
    // Beyond the bounds of the record: refused when built.
    let err = base("huge")
        .implementation(rust_decimal::Decimal::MAX, d(2025, 1, 1), None)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "customer `huge`: field `activity.implementation.hours`: must lie in 0..=1000000000, at most 4 decimal places, got 79228162514264337593543950335"
    );
    // Within them, with a derived rate near the decimal range (10^12 over 10^-12 hours): an
    // error naming the line.
    let c = base("huge")
        .implementation(custfit::customer::MAX_QUANTITY, d(2025, 1, 1), None)
        .build()
        .unwrap();
    let mut config = simple_model().config().clone();
    config.rates.implementation = custfit::cost::HourlyRate::TimeDriven(
        custfit::cost::CapacityCostRate::new(
            usd("1000000000000"),
            custfit::units::Hours::new(rust_decimal::Decimal::new(1, 12)).unwrap(),
        )
        .unwrap(),
    );
    let err = CostModel::new(config)
        .unwrap()
        .cost_to_serve(&c)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("customer `huge`: computing `cost.implementation`"),
        "{err}"
    );
}

#[test]
fn amounts_and_quantities_are_bounded_for_exact_totals() {
    assert_eq!(
        custfit::customer::MAX_MONEY,
        rust_decimal::Decimal::from(1_000_000_000_000i64)
    );
    assert_eq!(
        custfit::customer::MAX_QUANTITY,
        rust_decimal::Decimal::from(1_000_000_000)
    );
    // Five decimal places (a pro-rated x/7 not rounded) are refused; four are fine.
    let err = base("p")
        .recurring_revenue(dec("1000.12345"))
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("field `recurring_revenue`"),
        "{err}"
    );
    assert!(base("p")
        .recurring_revenue(dec("1000.1234"))
        .build()
        .is_ok());
    assert!(base("p")
        .recurring_revenue(dec("1000.1230000"))
        .build()
        .is_ok());
    assert!(base("p")
        .recurring_revenue(dec("1000000000001"))
        .build()
        .is_err());
    assert!(base("p").success_hours(dec("0.00001")).build().is_err());
}
