//! The portfolio facts of phase 2: the typical customer's service cost (the portfolio median,
//! or the configured benchmark), and the systemic signal's heavy-help line.

mod common;

use common::*;
use custfit::portfolio::{PortfolioAnalyzer, PortfolioConfig, PortfolioFacts};
use custfit::Customer;

/// With the simple model, success hours are the only service cost: `hours` × 80 over a revenue
/// of 100,000, so 100 hours is a service cost ratio of 0.08.
fn served(id: &str, hours: &str) -> Customer {
    base(id)
        .recurring_revenue(dec("100000"))
        .success_hours(dec(hours))
        .content_consumed(dec("0.9"))
        .build()
        .unwrap()
}

fn facts(customers: &[Customer], config: PortfolioConfig) -> PortfolioFacts {
    let analyzer = PortfolioAnalyzer::new(assessor(), policy(), config).unwrap();
    analyzer.facts(&analyzer.summarize(customers.iter().map(Ok), None))
}

#[test]
fn the_typical_customer_is_the_median_of_an_even_or_odd_portfolio() {
    let even = facts(
        &[served("a", "100"), served("b", "200")],
        PortfolioConfig::default(),
    );
    assert!(even.typical_from_portfolio);
    assert!(
        (even.typical_service_ratio - 0.12).abs() < 1e-12,
        "{even:?}"
    );
    let odd = facts(
        &[served("a", "100"), served("b", "400"), served("c", "200")],
        PortfolioConfig::default(),
    );
    assert!((odd.typical_service_ratio - 0.16).abs() < 1e-12, "{odd:?}");
    let four = facts(
        &[
            served("a", "100"),
            served("b", "400"),
            served("c", "200"),
            served("d", "300"),
        ],
        PortfolioConfig::default(),
    );
    assert!((four.typical_service_ratio - 0.2).abs() < 1e-12, "{four:?}");
}

#[test]
fn a_portfolio_that_needs_no_service_falls_back_to_the_configured_benchmark() {
    let configured = assessment_config().segmentation.typical_service_cost_ratio;
    let none = facts(
        &[served("a", "0"), served("b", "0")],
        PortfolioConfig::default(),
    );
    assert!(!none.typical_from_portfolio);
    assert_eq!(none.typical_service_ratio, configured);
    // Or when asked to.
    let benchmark = facts(
        &[served("a", "100"), served("b", "200")],
        PortfolioConfig {
            use_portfolio_median: false,
            ..PortfolioConfig::default()
        },
    );
    assert!(!benchmark.typical_from_portfolio);
    assert_eq!(benchmark.typical_service_ratio, configured);
}

#[test]
fn heavy_help_is_measured_against_the_typical_customer_times_the_factor() {
    // Ratios 0.08, 0.16 and 0.32: typical 0.16, heavy help from 0.24 (factor 1.5).
    let customers = [served("a", "100"), served("b", "200"), served("c", "400")];
    let f = facts(&customers, PortfolioConfig::default());
    assert_eq!(f.systemic.customers, vec![customers[2].id().clone()]);
    assert!((f.systemic.share - 1.0 / 3.0).abs() < 1e-12);
    assert!(f.systemic.flagged);
    // A lower factor takes in the typical customer too.
    let f = facts(
        &customers,
        PortfolioConfig {
            heavy_help_factor: 1.0,
            systemic_share_threshold: 0.7,
            ..PortfolioConfig::default()
        },
    );
    assert_eq!(f.systemic.customers.len(), 2);
    assert!(!f.systemic.flagged, "2 of 3 is below a 70 % threshold");
}

#[test]
fn an_invalid_portfolio_configuration_is_refused_naming_the_field() {
    let refused = |config: PortfolioConfig| {
        PortfolioAnalyzer::new(assessor(), policy(), config)
            .unwrap_err()
            .field()
            .map(str::to_owned)
    };
    let cases = [
        (
            PortfolioConfig {
                systemic_share_threshold: 1.5,
                ..PortfolioConfig::default()
            },
            "portfolio.systemic_share_threshold",
        ),
        (
            PortfolioConfig {
                content_consumed_min: -0.1,
                ..PortfolioConfig::default()
            },
            "portfolio.content_consumed_min",
        ),
        (
            PortfolioConfig {
                heavy_help_factor: f64::NAN,
                ..PortfolioConfig::default()
            },
            "portfolio.heavy_help_factor",
        ),
    ];
    for (config, field) in cases {
        assert_eq!(refused(config).as_deref(), Some(field));
    }
}
