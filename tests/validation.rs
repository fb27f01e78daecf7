//! One test per validation rule: the error variant, and a message that names the customer and
//! the field.

mod common;

use common::*;
use custfit::customer::{LifecycleStage, RequestScope, Severity};
use custfit::{Contract, Customer, Error, Problem};

/// Each case builds a customer that breaks one rule and states the exact message expected.
macro_rules! rule {
    ($name:ident, $builder:expr, $message:expr) => {
        #[test]
        fn $name() {
            let err = $builder
                .build()
                .expect_err("the rule must refuse this customer");
            assert!(
                matches!(err, Error::InvalidField { .. }),
                "wrong variant: {err:?}"
            );
            assert_eq!(err.to_string(), $message);
            assert!(err.field().is_some());
        }
    };
}

rule!(
    empty_id,
    Customer::builder(" ", "Nameless").currency("USD"),
    "field `id`: must not be empty"
);
rule!(
    missing_currency,
    Customer::builder("c1", "C").period(d(2025, 1, 1), d(2025, 12, 31)),
    "customer `c1`: field `currency`: is required"
);
rule!(
    malformed_currency,
    base("c1").currency("euro"),
    "customer `c1`: field `currency`: cannot parse \"euro\" as an ISO 4217 code of three upper-case letters"
);
rule!(
    missing_period,
    Customer::builder("c1", "C").currency("USD"),
    "customer `c1`: field `activity.period`: is required"
);
rule!(
    period_ends_before_it_starts,
    base("c1").period(d(2025, 12, 31), d(2025, 1, 1)),
    "customer `c1`: field `activity.period.end`: must not come before `period.start` (2025-12-31), got 2025-01-01"
);
rule!(
    negative_recurring_revenue,
    base("c1").recurring_revenue(dec("-5")),
    "customer `c1`: field `recurring_revenue`: must not be negative, got -5"
);
rule!(
    negative_one_time_revenue,
    base("c1").one_time_revenue(dec("-0.01")),
    "customer `c1`: field `one_time_revenue`: must not be negative, got -0.01"
);
rule!(
    negative_acquisition_cost,
    base("c1").acquisition_cost(dec("-100")),
    "customer `c1`: field `acquisition_cost`: must not be negative, got -100"
);
rule!(
    negative_engineering_hours,
    base("c1").engineering_hours(dec("-3")),
    "customer `c1`: field `activity.engineering_hours`: must not be negative, got -3"
);
rule!(
    negative_success_hours,
    base("c1").success_hours(dec("-1")),
    "customer `c1`: field `activity.success_hours`: must not be negative, got -1"
);
rule!(
    negative_executive_hours,
    base("c1").executive_hours(dec("-2")),
    "customer `c1`: field `activity.executive_hours`: must not be negative, got -2"
);
rule!(
    negative_ticket_hours,
    base("c1").tickets(Severity::High, 3, Some(dec("-4"))),
    "customer `c1`: field `activity.tickets[0].handling_hours`: must not be negative, got -4"
);
rule!(
    negative_hours_of_a_later_ticket_group,
    base("c1")
        .tickets(Severity::Normal, 5, Some(dec("2.5")))
        .tickets(Severity::High, 3, Some(dec("-4"))),
    "customer `c1`: field `activity.tickets[1].handling_hours`: must not be negative, got -4"
);
rule!(
    negative_implementation_hours,
    base("c1").implementation(dec("-10"), d(2025, 1, 1), None),
    "customer `c1`: field `activity.implementation.hours`: must not be negative, got -10"
);
rule!(
    negative_implementation_cost,
    base("c1").implementation(dec("10"), d(2025, 1, 1), Some(dec("-1"))),
    "customer `c1`: field `activity.implementation.external_cost`: must not be negative, got -1"
);
rule!(
    negative_usage_units,
    base("c1").usage_units(dec("-7")),
    "customer `c1`: field `activity.usage_units`: must not be negative, got -7"
);
rule!(
    negative_whitespace,
    base("c1").upsell_whitespace(dec("-9")),
    "customer `c1`: field `growth.upsell_whitespace`: must not be negative, got -9"
);
rule!(
    share_above_one,
    base("c1").meeting_attendance(dec("1.5")),
    "customer `c1`: field `behavior.meeting_attendance`: must lie in 0..=1, got 1.5"
);
rule!(
    share_below_zero,
    base("c1").content_consumed(dec("-0.1")),
    "customer `c1`: field `behavior.content_consumed`: must lie in 0..=1, got -0.1"
);
rule!(
    probability_above_one,
    base("c1").growth_likelihood(1.2),
    "customer `c1`: field `growth.likelihood`: must lie in 0..=1, got 1.2"
);
rule!(
    probability_nan,
    base("c1").renewal_intent(f64::NAN),
    "customer `c1`: field `behavior.renewal_intent`: must lie in 0..=1, got NaN"
);
rule!(
    nps_out_of_range,
    base("c1").nps(101),
    "customer `c1`: field `behavior.nps`: must lie in -100..=100, got 101"
);
rule!(
    historical_growth_below_minus_one,
    base("c1").historical_growth(dec("-1.5")),
    "customer `c1`: field `growth.historical_growth`: must lie in -1..=1000, got -1.5"
);
rule!(
    contract_ends_before_it_starts,
    base("c1").contract(Contract::builder(d(2025, 6, 1), d(2025, 5, 31))),
    "customer `c1`: field `contract.term_end`: must not come before `term_start` (2025-06-01), got 2025-05-31"
);
rule!(
    renewal_notice_longer_than_term,
    base("c1").contract(Contract::builder(d(2025, 1, 1), d(2025, 3, 31)).renewal_notice_days(90)),
    "customer `c1`: field `contract.renewal_notice_days`: 90 days is not shorter than the contract term (90 days)"
);
rule!(
    termination_notice_longer_than_term,
    base("c1").contract(
        Contract::builder(d(2025, 1, 1), d(2025, 1, 31))
            .terminate_for_convenience(60, usd("0"))
    ),
    "customer `c1`: field `contract.vendor_termination.notice_days`: 60 days is not shorter than the contract term (31 days)"
);
rule!(
    negative_termination_fee,
    base("c1").contract(
        Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).terminate_for_convenience(30, usd("-10"))
    ),
    "customer `c1`: field `contract.vendor_termination.fee`: must not be negative, got -10"
);
rule!(
    termination_fee_in_another_currency,
    base("c1").contract(
        Contract::builder(d(2025, 1, 1), d(2025, 12, 31))
            .terminate_for_convenience(30, "10 EUR".parse().unwrap())
    ),
    "customer `c1`: field `contract.vendor_termination.fee`: is in EUR, expected USD"
);
rule!(
    zero_renewal_term,
    base("c1").contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).renewal_term_months(0)),
    "customer `c1`: field `contract.renewal_term_months`: must lie in 1..=120, got 0"
);
rule!(
    empty_compliance_obligation,
    base("c1")
        .contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).compliance_obligation("  ")),
    "customer `c1`: field `contract.compliance_obligations[0]`: must not be empty"
);
rule!(
    missing_signing_date,
    Customer::builder("c1", "C")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .stage(LifecycleStage::Active),
    "customer `c1`: field `customer_since`: is required"
);
rule!(
    signed_after_the_period,
    base("c1").customer_since(d(2026, 2, 1)),
    "customer `c1`: field `customer_since`: must not come after `activity.period.end` (2025-12-31), got 2026-02-01"
);
rule!(
    own_parent,
    base("c1").parent("c1"),
    "customer `c1`: field `parent`: a customer cannot be its own parent account"
);
rule!(
    empty_parent,
    base("c1").parent(""),
    "customer `c1`: field `parent`: must not be empty"
);
rule!(
    empty_use_case,
    base("c1").use_case(""),
    "customer `c1`: field `use_cases[0]`: must not be empty"
);
rule!(
    empty_custom_feature,
    base("c1").custom_feature("ok").custom_feature(" "),
    "customer `c1`: field `activity.custom_features[1]`: must not be empty"
);
rule!(
    empty_feature_request_title,
    base("c1").feature_request("", RequestScope::Broad),
    "customer `c1`: field `feature_requests[0].title`: must not be empty"
);

rule!(
    hours_without_tickets,
    base("c1").tickets(Severity::Low, 0, Some(dec("5"))),
    "customer `c1`: field `activity.tickets[0].handling_hours`: 5 h of handling for no tickets"
);
rule!(
    zero_hours_for_tickets,
    base("c1").tickets(Severity::Low, 12, Some(dec("0"))),
    "customer `c1`: field `activity.tickets[0].handling_hours`: 0 hours for 12 tickets: leave the hours out to price them per ticket"
);
rule!(
    duplicate_ticket_group,
    base("c1")
        .tickets(Severity::High, 2, None)
        .tickets(Severity::High, 3, Some(dec("4")))
        .tickets(Severity::High, 1, None),
    "customer `c1`: field `activity.tickets[2]`: a second group of high tickets without measured hours: merge them"
);
rule!(
    empty_optional_tag,
    base("c1").region(" "),
    "customer `c1`: field `region`: must not be empty"
);
rule!(
    whole_activity_and_its_parts,
    base("c1").activity(custfit::customer::Activity::new(
        custfit::customer::AssessmentPeriod::new(d(2025, 1, 1), d(2025, 6, 30)).unwrap()
    )),
    "customer `c1`: field `activity`: set either the whole activity or its parts (period, tickets, hours, ...), not both"
);

#[test]
fn empty_name_is_refused() {
    let err = Customer::builder("c1", "  ")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2020, 1, 1))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "customer `c1`: field `name`: must not be empty"
    );
    assert_eq!(err.customer().map(|c| c.as_str()), Some("c1"));
}

#[test]
fn the_first_error_is_reported_not_the_last() {
    let err = base("c1")
        .engineering_hours(dec("-1"))
        .success_hours(dec("-2"))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("activity.engineering_hours"));
}

#[test]
fn a_prospect_needs_no_signing_date_nor_contract() {
    let prospect = Customer::builder("p1", "Prospect")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .stage(LifecycleStage::Prospect)
        .build()
        .unwrap();
    assert_eq!(prospect.customer_since(), None);
    assert_eq!(prospect.tenure_months(d(2026, 1, 1)), None);
}

fn valid_json() -> serde_json::Value {
    let c = base("j1")
        .recurring_revenue(dec("1000"))
        .contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)))
        .meeting_attendance(dec("0.5"))
        .build()
        .unwrap();
    serde_json::to_value(&c).unwrap()
}

/// Invalid JSON is refused with the same message as the builder gives: customer and field.
#[test]
fn deserializing_goes_through_the_same_validation() {
    let refused = |edit: fn(&mut serde_json::Value)| {
        let mut v = valid_json();
        edit(&mut v);
        serde_json::from_value::<Customer>(v)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused(|v| v["recurring_revenue"] = "-1000 USD".into()),
        "customer `j1`: field `recurring_revenue`: must not be negative, got -1000"
    );
    assert_eq!(
        refused(|v| v["contract"]["term_end"] = "2024-01-01".into()),
        "customer `j1`: field `contract.term_end`: must not come before `term_start` (2025-01-01), got 2024-01-01"
    );
    assert_eq!(
        refused(|v| v["recurring_revenue"] = "1000 EUR".into()),
        "customer `j1`: field `recurring_revenue`: is in EUR, expected USD"
    );
    assert_eq!(
        refused(|v| v["behavior"]["meeting_attendance"] = "1.5".into()),
        "customer `j1`: field `behavior.meeting_attendance`: must lie in 0..=1, got 1.5"
    );
    assert_eq!(
        refused(|v| v["behavior"]["renewal_intent"] = 1.5.into()),
        "customer `j1`: field `behavior.renewal_intent`: must lie in 0..=1, got 1.5"
    );
    assert_eq!(
        refused(|v| v["activity"]["engineering_hours"] = "-3".into()),
        "customer `j1`: field `activity.engineering_hours`: must not be negative, got -3"
    );
    assert_eq!(
        refused(|v| v["activity"]["period"]["end"] = "2024-12-31".into()),
        "customer `j1`: field `activity.period.end`: must not come before `period.start` (2025-01-01), got 2024-12-31"
    );
    assert_eq!(
        refused(|v| v["parent"] = "".into()),
        "customer `j1`: field `parent`: must not be empty"
    );
    assert_eq!(
        refused(|v| v["id"] = "".into()),
        "field `id`: must not be empty"
    );
    assert!(serde_json::from_value::<Customer>(valid_json()).is_ok());
}

#[test]
fn unit_constructors_refuse_out_of_range_values() {
    use custfit::units::{Hours, Nps, Probability, Share};
    assert!(matches!(
        Hours::new(dec("-1")),
        Err(Error::InvalidField {
            problem: Problem::Negative { .. },
            ..
        })
    ));
    assert!(Share::from_percent(dec("101")).is_err());
    assert_eq!(Share::from_percent(dec("25")).unwrap().get(), dec("0.25"));
    assert!(Probability::new(f64::INFINITY).is_err());
    assert!(Probability::new(-0.0).is_ok());
    assert!(Nps::new(-101).is_err());
    assert!(custfit::CustomerId::new("").is_err());
    assert!("12 usd".parse::<custfit::Money>().is_err());
    assert!("twelve USD".parse::<custfit::Money>().is_err());
}

#[test]
fn ids_and_currencies_honor_width_in_tables() {
    let id = custfit::CustomerId::new("C-1").unwrap();
    assert_eq!(format!("[{id:<5}]"), "[C-1  ]");
    assert_eq!(format!("[{:>4}]", custfit::units::Currency::EUR), "[ EUR]");
}

#[test]
fn the_builder_refuses_a_bad_currency_and_a_blank_parent_naming_the_customer() {
    let base = || {
        Customer::builder("b1", "B")
            .period(
                chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            )
            .customer_since(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
            .recurring_revenue(dec("1000"))
    };
    assert_eq!(
        base().currency("usd").build().unwrap_err().to_string(),
        "customer `b1`: field `currency`: cannot parse \"usd\" as an ISO 4217 code of three upper-case letters"
    );
    // The last code given counts, as for every setter.
    base().currency("usd").currency("USD").build().unwrap();
    assert_eq!(
        base()
            .currency("USD")
            .parent("  ")
            .build()
            .unwrap_err()
            .to_string(),
        "customer `b1`: field `parent`: must not be empty"
    );
    let child = base()
        .currency("USD")
        .parent(String::from("P-1"))
        .build()
        .unwrap();
    assert_eq!(child.parent().map(|p| p.as_str()), Some("P-1"));
}

/// Every numeric input has a bound (README "Guarantees", the table of bounds); these are the
/// ones that had none.
mod bounds {
    use super::*;
    use custfit::customer::{Sla, SlaTier};
    use custfit::units::Hours;

    fn standby(hours: &str) -> Sla {
        Sla {
            tier: SlaTier::Enterprise,
            first_response_hours: None,
            standby_hours_per_month: Hours::new(dec(hours)).unwrap(),
        }
    }

    rule!(
        standby_hours_beyond_the_largest_quantity,
        base("c1").contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)).sla(standby("1e24"))),
        "customer `c1`: field `contract.sla.standby_hours_per_month`: must lie in 0..=1000000000, at most 4 decimal places, got 1000000000000000000000000"
    );
    rule!(
        a_ticket_count_beyond_the_largest_count,
        base("c1").tickets(Severity::Low, 1_000_000_001, None),
        "customer `c1`: field `activity.tickets[0].count`: must lie in 0..=1000000000, got 1000000001"
    );
    rule!(
        escalations_beyond_the_largest_count,
        base("c1").escalations(u32::MAX),
        "customer `c1`: field `activity.escalations`: must lie in 0..=1000000000, got 4294967295"
    );
    rule!(
        goal_changes_beyond_the_largest_count,
        base("c1").goal_changes(u32::MAX),
        "customer `c1`: field `behavior.goal_changes`: must lie in 0..=1000000000, got 4294967295"
    );
    rule!(
        revenue_growth_beyond_a_thousandfold,
        base("c1").historical_growth(dec("1000.01")),
        "customer `c1`: field `growth.historical_growth`: must lie in -1..=1000, got 1000.01"
    );

    #[test]
    fn contract_terms_and_obligations_have_bounds() {
        let term = || Contract::builder(d(2025, 1, 1), d(2025, 12, 31));
        let e = term().renewal_term_months(121).build().unwrap_err();
        assert_eq!(
            e.to_string(),
            "field `renewal_term_months`: must lie in 1..=120, got 121"
        );
        assert!(term().renewal_term_months(120).build().is_ok());
        let e = term().data_export_days(3_661).build().unwrap_err();
        assert_eq!(
            e.to_string(),
            "field `data_export_days`: must lie in 0..=3660, got 3661"
        );
        assert!(term().data_export_days(3_660).build().is_ok());
    }

    /// The reproduction: two customers with 10^24 standby hours overflowed the totals,
    /// and which one was refused depended on the order and the thread count. Now each is
    /// refused on its own as it is read, naming itself and the field.
    #[test]
    fn huge_standby_hours_are_refused_as_read_whatever_the_order() {
        let record = |id: &str| {
            serde_json::json!({
                "id": id, "name": "Standby", "currency": "USD", "stage": "active",
                "customer_since": "2023-01-01", "recurring_revenue": "1000.00 USD",
                "contract": { "term_start": "2025-01-01", "term_end": "2025-12-31",
                    "sla": { "tier": "enterprise", "standby_hours_per_month": "1000000000000000000000000" } },
                "activity": { "period": { "start": "2025-01-01", "end": "2025-12-31" } }
            })
        };
        for id in ["a", "b"] {
            let e = serde_json::from_value::<Customer>(record(id)).unwrap_err();
            assert!(
                e.to_string().contains(&format!(
                    "customer `{id}`: field `contract.sla.standby_hours_per_month`"
                )),
                "{e}"
            );
        }
    }
}
