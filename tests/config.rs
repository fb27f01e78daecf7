//! The one configuration: each value set once, partial weights, section-named errors, the
//! shipped sample, round trips.

use custfit::assessment::scoring::ScorecardConfig;
use custfit::assessment::Dimension;
use custfit::Config;

#[test]
fn partial_weights_keep_the_default_weights_of_the_dimensions_left_out() {
    let c: ScorecardConfig = serde_json::from_str(
        r#"{ "weights": { "margin": 3.0 }, "new_customer_weights": { "growth_potential": 4.0 } }"#,
    )
    .unwrap();
    let defaults = ScorecardConfig::default();
    assert_eq!(c.weights.margin, 3.0);
    for d in Dimension::ALL
        .into_iter()
        .filter(|d| *d != Dimension::Margin)
    {
        assert_eq!(c.weights.get(d), defaults.weights.get(d), "{d}");
    }
    let new = c.new_customer_weights.unwrap();
    assert_eq!(new.growth_potential, 4.0);
    assert_eq!(new.margin, defaults.weights.margin);
    // Left out entirely, the section is the default.
    let empty: ScorecardConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, defaults);
}

#[test]
fn every_section_defaults_and_an_empty_config_is_valid() {
    let c: Config = serde_json::from_str("{}").unwrap();
    assert_eq!(c, Config::default());
    c.validate().unwrap();
}

#[test]
fn errors_name_the_section_and_the_field() {
    let cases = [
        (
            r#"{ "policy": { "levers": { "target_margin": "1.5" } } }"#,
            "configuration field `policy.levers.target_margin`: must lie in -1..1 (exclusive), got 1.5",
        ),
        (
            r#"{ "assessment": { "segmentation": { "growth_line": 120.0 } } }"#,
            "configuration field `assessment.segmentation.growth_line`: must lie in 0..=100, got 120",
        ),
        (
            r#"{ "policy": { "min_offboard_signals": 1 } }"#,
            "configuration field `policy.min_offboard_signals`: a decision is never made on one signal alone: at least 2",
        ),
    ];
    for (json, message) in cases {
        let c: Config = serde_json::from_str(json).unwrap();
        assert_eq!(c.validate().unwrap_err().to_string(), message, "{json}");
        assert!(c.analyzer().is_err());
    }
}

#[test]
fn the_shipped_config_is_valid_and_round_trips() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/config.json"
    ))
    .unwrap();
    let c: Config = serde_json::from_str(&text).unwrap();
    c.validate().unwrap();
    assert_eq!(c.cost_model.currency.to_string(), "EUR");
    assert_eq!(c.assessment.segmentation.new_customer_months, 9);
    assert_eq!(c.scorecard.weights.margin, 2.0);
    let again: Config = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(again, c);
    // The assessor and the policy built from it share one cost model.
    assert_eq!(c.assessor().unwrap().cost_model(), &c.cost_model().unwrap());
}

#[test]
fn a_time_driven_rate_that_cannot_be_derived_names_its_role() {
    let json = r#"{ "cost_model": { "currency": "USD", "rates": {
        "support": { "time_driven": { "resource_cost": "1000 USD", "practical_capacity": "0" } },
        "engineering": { "per_hour": "100 USD" }, "success": { "per_hour": "80 USD" },
        "executive": { "per_hour": "200 USD" }, "implementation": { "per_hour": "100 USD" } },
        "ticket_costs": { "critical": "1 USD", "high": "1 USD", "normal": "1 USD", "low": "1 USD" },
        "cogs_share_of_revenue": "0.1", "cogs_per_usage_unit": "0 USD",
        "implementation_amortization_months": 12, "custom_feature_upkeep_per_year": "0 USD",
        "cost_per_escalation": "0 USD", "overhead_share": "0" } }"#;
    let err = serde_json::from_str::<Config>(json)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "configuration field `cost_model.rates.support.time_driven.practical_capacity`: must lie in more than 0 hours, got 0"
        ),
        "{err}"
    );
}

#[test]
fn between_the_phases_keeps_the_customers_unless_told_to_read_again() {
    use custfit::portfolio::BetweenPhases;
    let c: Config = serde_json::from_str("{}").unwrap();
    assert_eq!(c.portfolio.between_phases, BetweenPhases::Keep);
    let c: Config =
        serde_json::from_str(r#"{ "portfolio": { "between_phases": "read_again" } }"#).unwrap();
    assert_eq!(c.portfolio.between_phases, BetweenPhases::ReadAgain);
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains(r#""between_phases":"read_again""#), "{json}");
    let e = serde_json::from_str::<Config>(r#"{ "portfolio": { "between_phases": "twice" } }"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "configuration field `portfolio.between_phases`: unknown variant `twice`, expected `keep` or `read_again`"
        ),
        "{e}"
    );
}
