//! The cost model: the published time-driven ABC exercise, and each kind of cost line.

mod common;

use common::*;
use custfit::cost::{CapacityCostRate, CostItem, CostModelConfig, HourlyRate, PerRole, Role};
use custfit::customer::{Severity, Sla, SlaTier};
use custfit::units::Hours;
use custfit::{Contract, CostModel};
use rust_decimal::Decimal;

/// Time-driven ABC exercise: $600,000 of resources and 10,000 practical hours give $60 an hour;
/// activities of 0.75 h, 3.5 h and 3.0 h cost $45, $210 and $180.
#[test]
fn published_tdabc_rate_and_activity_costs() {
    let rate = CapacityCostRate::new(usd("600000"), Hours::new(dec("10000")).unwrap()).unwrap();
    assert_eq!(rate.rate(), usd("60"));
    let cost = |h: &str| rate.activity_cost(Hours::new(dec(h)).unwrap()).unwrap();
    assert_eq!(cost("0.75"), usd("45.00"));
    assert_eq!(cost("3.5"), usd("210.00"));
    assert_eq!(cost("3.0"), usd("180.00"));
}

/// With 8,000, 400 and 450 of those activities, 8,750 hours are used and 1,250 hours ($75,000)
/// are unused; with 8,500, 350 and 500, 9,100 hours are used and $54,000 is unused.
#[test]
fn published_tdabc_unused_capacity() {
    let rate = CapacityCostRate::new(usd("600000"), Hours::new(dec("10000")).unwrap()).unwrap();
    let times = [dec("0.75"), dec("3.5"), dec("3.0")];
    let first = rate
        .usage(times.iter().copied().zip([8_000, 400, 450]))
        .unwrap();
    assert_eq!(first.used_hours, dec("8750"));
    assert_eq!(first.unused_hours, dec("1250"));
    assert_eq!(first.unused_cost, usd("75000"));
    let second = rate
        .usage(times.iter().copied().zip([8_500, 350, 500]))
        .unwrap();
    assert_eq!(second.used_hours, dec("9100"));
    assert_eq!(second.unused_hours, dec("900"));
    assert_eq!(second.unused_cost, usd("54000"));
}

/// Kaplan and Anderson's customer-service department (Harvard Business Review, 2004): $560,000
/// a quarter over 700,000 practical minutes is $0.80 a minute, $48.00 an hour; processing an
/// order (8 minutes) costs $6.40, handling an inquiry (44 minutes) $35.20, a credit check
/// (50 minutes) $40.00. Exact: the minutes are not turned into 11,666.67 hours first.
#[test]
fn published_tdabc_rate_from_minutes_is_exact() {
    let rate = CapacityCostRate::from_minutes(usd("560000"), dec("700000")).unwrap();
    assert_eq!(rate.rate(), usd("48"));
    assert_eq!(rate.rate().amount().to_string(), "48");
    assert_eq!(rate.rate_per_minute().unwrap(), usd("0.8"));
    let cost = |m: &str| rate.activity_cost_of_minutes(dec(m)).unwrap();
    assert_eq!(cost("8"), usd("6.40"));
    assert_eq!(cost("44"), usd("35.20"));
    assert_eq!(cost("50"), usd("40.00"));
    // An hour of an activity priced by the hour: 48.00.
    assert_eq!(
        rate.activity_cost(Hours::new(dec("1")).unwrap()).unwrap(),
        usd("48.00")
    );
    // The hours it stands for, for the usage report: 700,000 / 60.
    assert_eq!(rate.practical_capacity().get().round_dp(2), dec("11666.67"));
    // On the wire it keeps its minutes, and reads back the same.
    let json = serde_json::to_value(rate).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"resource_cost": "560000.00 USD", "practical_capacity_minutes": "700000"})
    );
    let back: CapacityCostRate = serde_json::from_value(json).unwrap();
    assert_eq!(back, rate);
    // Hours and minutes together, or a capacity of no minutes, are refused.
    let both = serde_json::json!({"resource_cost": "560000 USD", "practical_capacity": "10", "practical_capacity_minutes": "600"});
    assert!(serde_json::from_value::<CapacityCostRate>(both).is_err());
    assert!(CapacityCostRate::from_minutes(usd("560000"), Decimal::ZERO).is_err());
    assert!(CapacityCostRate::from_minutes(usd("-1"), dec("60")).is_err());
}

#[test]
fn time_driven_rate_prices_a_role_and_reports_unused_capacity() {
    let mut config = CostModelConfig::default();
    config.rates.support = HourlyRate::TimeDriven(
        CapacityCostRate::new(usd("600000"), Hours::new(dec("10000")).unwrap()).unwrap(),
    );
    let model = CostModel::new(config).unwrap();
    assert_eq!(model.hourly_rate(Role::Support), usd("60"));
    let used = PerRole::from_fn(|r| {
        if r == Role::Support {
            dec("9100")
        } else {
            rust_decimal::Decimal::ZERO
        }
    });
    let usage = model.capacity_usage(&used).unwrap();
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].0, Role::Support);
    assert_eq!(usage[0].1.unused_cost, usd("54000"));
}

#[test]
fn over_capacity_shows_as_negative_unused() {
    let rate = CapacityCostRate::new(usd("1000"), Hours::new(dec("10")).unwrap()).unwrap();
    let usage = rate.usage_of_hours(dec("12")).unwrap();
    assert_eq!(usage.unused_hours, dec("-2"));
    assert_eq!(usage.unused_cost, usd("-200"));
}

#[test]
fn every_kind_of_line_is_priced_and_itemized() {
    let contract = Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).sla(Sla {
        tier: SlaTier::Enterprise,
        first_response_hours: None,
        standby_hours_per_month: Hours::new(dec("10")).unwrap(),
    });
    let customer = base("all")
        .recurring_revenue(dec("90000"))
        .one_time_revenue(dec("10000"))
        .contract(contract)
        .tickets(Severity::High, 10, Some(dec("30")))
        .tickets(Severity::Normal, 20, None)
        .engineering_hours(dec("40"))
        .success_hours(dec("25"))
        .executive_hours(dec("5"))
        .escalations(2)
        .implementation(dec("366"), d(2025, 7, 1), Some(dec("0")))
        .custom_feature("export")
        .custom_feature("sso")
        .usage_units(dec("100000"))
        .build()
        .unwrap();
    let cts = simple_model().cost_to_serve(&customer).unwrap();
    let line = |item: CostItem| {
        cts.lines
            .iter()
            .find(|l| l.item == item)
            .unwrap_or_else(|| panic!("no line {item:?}"))
    };
    assert_eq!(line(CostItem::CogsShareOfRevenue).amount, usd("10000"));
    assert_eq!(line(CostItem::CogsUsage).amount, usd("1000"));
    let high = line(CostItem::SupportHours {
        severity: Severity::High,
    });
    assert_eq!((high.quantity, high.amount), (dec("30"), usd("1500")));
    // 20 normal tickets without hours at the default $60 per ticket.
    assert_eq!(
        line(CostItem::SupportTickets {
            severity: Severity::Normal
        })
        .amount,
        usd("1200")
    );
    // 10 h/month x 12 x 365 / 365 = 120 h at $50.
    let sla = line(CostItem::SlaStandby);
    assert_eq!((sla.quantity, sla.amount), (dec("120"), usd("6000")));
    assert_eq!(line(CostItem::Engineering).amount, usd("4000"));
    assert_eq!(line(CostItem::CustomerSuccess).amount, usd("2000"));
    assert_eq!(line(CostItem::Executive).amount, usd("1000"));
    assert_eq!(line(CostItem::Escalations).amount, usd("1000"));
    // 366 h x $100 = 36,600 over 12 months from 2025-07-01 (365 days, to 2026-06-30), at an
    // exact 36,600 / 365 a day; 184 of those days fall in 2025: 18,450.410958... -> 18,450.41.
    let imp = line(CostItem::Implementation);
    assert_eq!(imp.quantity, dec("184"));
    assert_eq!(imp.rate, dec("36600") / dec("365"));
    assert_eq!(imp.amount, usd("18450.41"));
    assert_eq!(cts.hours.implementation, dec("184.5")); // 366 h x 184 / 365
                                                        // $3,650 a year per feature, a full year: 2 x 3,650.
    assert_eq!(line(CostItem::CustomFeatureUpkeep).amount, usd("7300"));
    assert!(cts.lines.iter().all(|l| l.item != CostItem::Overhead));

    let sum = cts.lines.iter().map(|l| l.amount.amount()).sum::<Decimal>();
    assert_eq!(cts.total.amount(), sum);
    assert_eq!(cts.revenue, usd("100000"));
    assert_eq!(
        cts.gross_margin,
        usd("100000").checked_sub(cts.total).unwrap()
    );
    assert_eq!(cts.hours.support, dec("150"));
    assert_eq!(cts.hours.engineering, dec("40"));
    assert_eq!(cts.hours.success, dec("25"));
    assert_eq!(cts.hours.executive, dec("5"));
}

#[test]
fn every_line_is_rounded_half_to_even_and_reproducible_by_hand() {
    let mut config = CostModelConfig::default();
    config.rates.engineering = HourlyRate::PerHour(usd("0.05"));
    config.overhead_share = custfit::units::Share::ZERO;
    config.cogs_share_of_revenue = custfit::units::Share::ZERO;
    let model = CostModel::new(config).unwrap();
    // 0.5 h x 0.05 = 0.025, which rounds half-to-even to 0.02.
    let c = base("r").engineering_hours(dec("0.5")).build().unwrap();
    let cts = model.cost_to_serve(&c).unwrap();
    assert_eq!(cts.lines[0].amount, usd("0.02"));
    for line in &cts.lines {
        let by_hand = (line.quantity * line.rate)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
        assert_eq!(line.amount.amount(), by_hand, "{line}");
    }
}

#[test]
fn overhead_is_a_share_of_the_direct_cost() {
    let config = CostModelConfig {
        cogs_share_of_revenue: custfit::units::Share::ZERO,
        ..Default::default()
    };
    let model = CostModel::new(config).unwrap();
    let c = base("o").engineering_hours(dec("10")).build().unwrap();
    let cts = model.cost_to_serve(&c).unwrap();
    // 10 h x $120 = 1,200; 10 % overhead = 120.
    let overhead = cts.lines.last().unwrap();
    assert_eq!(overhead.item, CostItem::Overhead);
    assert_eq!(overhead.amount, usd("120"));
    assert_eq!(cts.total, usd("1320"));
}

#[test]
fn implementation_outside_the_window_costs_nothing_and_partial_periods_prorate() {
    let model = simple_model();
    let old = base("old")
        .implementation(dec("100"), d(2022, 1, 1), None)
        .build()
        .unwrap();
    assert!(model.cost_to_serve(&old).unwrap().lines.is_empty());
    // A quarter of a 2025-01-01 go-live with 12 months' amortization: 90 of 365 days.
    let q1 = custfit::Customer::builder("q1", "Q1")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 3, 31))
        .customer_since(d(2024, 12, 1))
        .implementation(dec("365"), d(2025, 1, 1), None)
        .build()
        .unwrap();
    let cts = model.cost_to_serve(&q1).unwrap();
    assert_eq!(cts.lines[0].quantity, dec("90"));
    assert_eq!(cts.total, usd("9000"));
}

#[test]
fn margin_is_absent_with_zero_revenue_and_can_fall_below_minus_100_percent() {
    let model = simple_model();
    let zero = base("z").engineering_hours(dec("1")).build().unwrap();
    let cts = model.cost_to_serve(&zero).unwrap();
    assert_eq!(cts.margin, None);
    assert_eq!(cts.gross_margin, usd("-100"));
    let deep = base("deep")
        .recurring_revenue(dec("1000"))
        .engineering_hours(dec("30"))
        .build()
        .unwrap();
    let cts = model.cost_to_serve(&deep).unwrap();
    // Revenue 1,000; cost 100 COGS + 3,000 engineering; margin -2,100 / 1,000.
    assert_eq!(cts.margin.unwrap().get(), dec("-2.1"));
    assert_eq!(cts.margin.unwrap().to_string(), "-210.0%");
}

#[test]
fn a_customer_in_another_currency_is_an_error_naming_it() {
    let c = custfit::Customer::builder("eu", "EU")
        .currency("EUR")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2020, 1, 1))
        .build()
        .unwrap();
    let err = simple_model().cost_to_serve(&c).unwrap_err();
    assert_eq!(
        err.to_string(),
        "customer `eu`: field `currency`: is in EUR, expected USD"
    );
}

#[test]
fn overflow_is_an_error_naming_the_customer_and_the_line() {
    // Hours are bounded on the record and given amounts in the configuration; a rate derived
    // from a tiny practical capacity is not (10^12 over 10^-12 hours is 10^24 an hour).
    let c = base("big")
        .engineering_hours(custfit::customer::MAX_QUANTITY)
        .build()
        .unwrap();
    let mut config = simple_model().config().clone();
    config.rates.engineering = HourlyRate::TimeDriven(
        CapacityCostRate::new(
            custfit::Money::new(custfit::customer::MAX_MONEY, custfit::units::Currency::USD),
            Hours::new(Decimal::new(1, 12)).unwrap(),
        )
        .unwrap(),
    );
    let err = custfit::CostModel::new(config)
        .unwrap()
        .cost_to_serve(&c)
        .unwrap_err();
    assert!(matches!(err, custfit::Error::Arithmetic { .. }));
    assert_eq!(
        err.to_string(),
        "customer `big`: computing `cost.engineering`: amount overflows the decimal range"
    );
}

#[test]
fn invalid_configuration_is_refused_with_the_field() {
    let config = CostModelConfig {
        implementation_amortization_months: 0,
        ..Default::default()
    };
    assert_eq!(
        CostModel::new(config).unwrap_err().to_string(),
        "configuration field `implementation_amortization_months`: must lie in 1.., got 0"
    );
    let mut config = CostModelConfig::default();
    config.rates.executive = HourlyRate::PerHour("250 EUR".parse().unwrap());
    assert_eq!(
        CostModel::new(config).unwrap_err().to_string(),
        "configuration field `rates.executive.per_hour`: is in EUR, expected USD"
    );
    let config = CostModelConfig {
        cost_per_escalation: usd("-1"),
        ..Default::default()
    };
    assert_eq!(
        CostModel::new(config).unwrap_err().to_string(),
        "configuration field `cost_per_escalation`: must not be negative, got -1"
    );
    assert!(CapacityCostRate::new(usd("1"), Hours::ZERO).is_err());
}

#[test]
fn configuration_amounts_are_bounded() {
    use custfit::cost::MAX_RATE_DECIMALS;
    use custfit::customer::MAX_MONEY;
    let with_unit_cost = |amount: &str| {
        CostModel::new(CostModelConfig {
            cogs_per_usage_unit: usd(amount),
            ..Default::default()
        })
    };
    // Up to the bounds: a price per API call of a hundred-millionth, and 10^12.
    assert_eq!(MAX_RATE_DECIMALS, 8);
    assert!(with_unit_cost("0.00000001").is_ok());
    assert!(with_unit_cost(&MAX_MONEY.to_string()).is_ok());
    // Beyond them: refused, naming the field and the bounds.
    assert_eq!(
        with_unit_cost("0.000000001").unwrap_err().to_string(),
        "configuration field `cogs_per_usage_unit`: must lie in 0..=1000000000000, \
         at most 8 decimal places, got 0.000000001"
    );
    assert!(with_unit_cost("1000000000000.01").is_err());
    // Trailing zeros do not count as decimals.
    assert!(with_unit_cost("1.500000000000").is_ok());
    // Each kind of amount is checked, named by its path.
    let mut config = CostModelConfig::default();
    config.ticket_costs.high = usd("1000000000001");
    assert_eq!(
        CostModel::new(config).unwrap_err().field(),
        Some("ticket_costs.high")
    );
    let mut config = CostModelConfig::default();
    config.rates.success = HourlyRate::PerHour(usd("0.123456789"));
    assert_eq!(
        CostModel::new(config).unwrap_err().field(),
        Some("rates.success.per_hour")
    );
    let mut config = CostModelConfig::default();
    config.rates.support = HourlyRate::TimeDriven(
        CapacityCostRate::new(usd("2000000000000"), Hours::new(dec("7")).unwrap()).unwrap(),
    );
    assert_eq!(
        CostModel::new(config).unwrap_err().field(),
        Some("rates.support.time_driven.resource_cost")
    );
    // A derived rate keeps every decimal it has (1000 / 7 an hour) and is accepted.
    let mut config = CostModelConfig::default();
    config.rates.support = HourlyRate::TimeDriven(
        CapacityCostRate::new(usd("1000"), Hours::new(dec("7")).unwrap()).unwrap(),
    );
    assert!(CostModel::new(config).is_ok());
    for (field, amount) in [
        ("custom_feature_upkeep_per_year", "1e13"),
        ("cost_per_escalation", "0.1234567891"),
    ] {
        let mut config = CostModelConfig::default();
        let amount = usd(&rust_decimal::Decimal::from_scientific(amount)
            .or_else(|_| amount.parse())
            .unwrap()
            .to_string());
        match field {
            "custom_feature_upkeep_per_year" => config.custom_feature_upkeep_per_year = amount,
            _ => config.cost_per_escalation = amount,
        }
        assert_eq!(CostModel::new(config).unwrap_err().field(), Some(field));
    }
}

#[test]
fn cost_model_configuration_round_trips_through_json_and_validates_on_the_way_in() {
    let model = CostModel::new(CostModelConfig::default()).unwrap();
    let json = serde_json::to_string(&model).unwrap();
    let back: CostModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back, model);
    let bad = json.replace(
        "\"implementation_amortization_months\":24",
        "\"implementation_amortization_months\":0",
    );
    assert!(serde_json::from_str::<CostModel>(&bad).is_err());
}

#[test]
fn amortized_implementation_adds_up_to_its_cost_over_the_window() {
    let model = simple_model();
    let in_period = |start, end| {
        let c = custfit::Customer::builder("imp", "Imp")
            .currency("USD")
            .period(start, end)
            .customer_since(d(2025, 1, 1))
            .implementation(dec("366"), d(2025, 7, 1), None)
            .build()
            .unwrap();
        model.cost_to_serve(&c).unwrap().total.amount()
    };
    let first = in_period(d(2025, 1, 1), d(2025, 12, 31));
    let second = in_period(d(2026, 1, 1), d(2026, 12, 31));
    assert_eq!(first + second, dec("36600"));
}

#[test]
fn implementation_hours_count_towards_time_driven_capacity() {
    let mut config = CostModelConfig::default();
    config.rates.implementation = HourlyRate::TimeDriven(
        CapacityCostRate::new(usd("100000"), Hours::new(dec("1000")).unwrap()).unwrap(),
    );
    let model = CostModel::new(config).unwrap();
    let c = base("i")
        .implementation(dec("900"), d(2025, 1, 1), None)
        .build()
        .unwrap();
    let cts = model.cost_to_serve(&c).unwrap();
    // 24 months' amortization: the 365 days of 2025 out of 730 carry half the hours.
    assert_eq!(cts.hours.implementation, dec("450"));
    let usage = model.capacity_usage(&cts.hours).unwrap();
    assert_eq!(usage[0].0, Role::Implementation);
    assert_eq!(usage[0].1.unused_hours, dec("550"));
}

#[test]
fn a_cogs_share_that_eats_all_revenue_is_refused() {
    let config = CostModelConfig {
        cogs_share_of_revenue: custfit::units::Share::new(dec("0.95")).unwrap(),
        ..Default::default()
    };
    assert_eq!(
        CostModel::new(config).unwrap_err().field(),
        Some("cogs_share_of_revenue")
    );
}

#[test]
fn time_driven_rates_are_exact_so_used_and_unused_cost_add_up() {
    let rate = CapacityCostRate::new(usd("1000"), Hours::new(dec("3")).unwrap()).unwrap();
    let usage = rate.usage_of_hours(dec("1")).unwrap();
    let used = rate.rate().checked_mul(dec("1")).unwrap().round();
    assert_eq!(used.checked_add(usage.unused_cost).unwrap(), usd("1000"));
}

#[test]
fn a_cost_model_gives_back_its_configuration_and_serializes_as_it() {
    // Not the default: a time-driven support rate, other shares and amounts.
    let mut config = CostModelConfig::default();
    let rate = CapacityCostRate::new(usd("91000"), Hours::new(dec("1400")).unwrap()).unwrap();
    assert_eq!(rate.practical_capacity(), Hours::new(dec("1400")).unwrap());
    assert_eq!(rate.resource_cost(), usd("91000"));
    assert_eq!(rate.rate(), usd("65"));
    config.rates.support = HourlyRate::TimeDriven(rate);
    config.cost_per_escalation = usd("1234.5");
    config.implementation_amortization_months = 18;
    let model = CostModel::new(config.clone()).unwrap();
    assert_eq!(CostModelConfig::from(model.clone()), config);
    // On the wire the model is its configuration, and it reads back to the same model.
    let json = serde_json::to_value(&model).unwrap();
    assert_eq!(json, serde_json::to_value(&config).unwrap());
    assert_eq!(
        json["rates"]["support"]["time_driven"]["practical_capacity"],
        "1400"
    );
    let back: CostModel = serde_json::from_value(json).unwrap();
    assert_eq!(back, model);
}

/// A cost read back with a line in another currency (hand-edited) does not add up: the sums of
/// its lines are refused, not summed as if the currencies were one.
#[test]
fn lines_in_another_currency_are_not_summed() {
    let c = healthy("fx").build().unwrap();
    let cost = simple_model().cost_to_serve(&c).unwrap();
    let service = cost.sum_where(|i| i.role().is_some()).unwrap();
    assert!(!service.is_zero());
    let mut json = serde_json::to_value(&cost).unwrap();
    for line in json["lines"].as_array_mut().unwrap() {
        let amount = line["amount"].as_str().unwrap().replace("USD", "EUR");
        line["amount"] = amount.into();
    }
    let edited: custfit::CostToServe = serde_json::from_value(json).unwrap();
    assert!(matches!(
        edited.sum_where(|i| i.role().is_some()),
        Err(custfit::units::MoneyError::CurrencyMismatch { .. })
    ));
}
