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

#[test]
fn a_share_exactly_at_the_threshold_is_not_systemic() {
    let customers = [served("a", "100"), served("b", "200"), served("c", "400")];
    let f = facts(
        &customers,
        PortfolioConfig {
            systemic_share_threshold: 1.0 / 3.0,
            ..PortfolioConfig::default()
        },
    );
    assert_eq!(f.systemic.share, 1.0 / 3.0);
    assert!(
        !f.systemic.flagged,
        "the signal needs more than the threshold"
    );
}

#[test]
fn phase_two_measures_resource_use_against_the_portfolio_median() {
    // The configured benchmark is 25 % of revenue; this portfolio's median is 8 %.
    let customers = [served("a", "100"), served("b", "100"), served("c", "100")];
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    analyzer
        .analyze_slice(&customers, as_of(), 1, &|_, a, _| {
            seen.lock().unwrap().push(a.clone());
            Ok(())
        })
        .unwrap();
    let seen = seen.into_inner().unwrap();
    let ctx = |typical| custfit::AssessmentContext {
        typical_service_cost_ratio: typical,
        ..custfit::AssessmentContext::new(as_of())
    };
    let intensity = |a: &custfit::FitAssessment| {
        a.effective_score(custfit::assessment::Dimension::ResourceIntensity)
    };
    let median = assessor()
        .assess_with(&customers[0], &ctx(Some(0.08)))
        .unwrap();
    let benchmark = assessor().assess_with(&customers[0], &ctx(None)).unwrap();
    assert_ne!(intensity(&median), intensity(&benchmark));
    assert_eq!(intensity(&seen[0]), intensity(&median));
}

/// A parent account `p` that is a customer itself, with two subsidiaries.
fn group() -> Vec<Customer> {
    let member = |id: &str| {
        base(id)
            .recurring_revenue(dec("10000"))
            .parent("p")
            .build()
            .unwrap()
    };
    vec![
        base("p").recurring_revenue(dec("50000")).build().unwrap(),
        member("s1"),
        member("s2"),
    ]
}

#[test]
fn a_parent_is_added_to_its_own_group_once_in_every_kind_of_run() {
    let customers = group();
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let summary = analyzer.summarize(customers.iter().map(Ok), None);
    let mut f = analyzer.facts(&summary);
    assert_eq!(f.groups["p"].members, 2);
    analyzer
        .include_parents(&mut f, customers.iter().map(Ok))
        .unwrap();
    analyzer
        .include_parents(&mut f, customers.iter().map(Ok))
        .unwrap();
    let g = &f.groups["p"];
    assert_eq!((g.members, g.revenue), (3, usd("70000")));
    // The sequential run over a source opened per phase includes it too.
    let report = analyzer
        .analyze(
            || Ok(custfit::source::SliceSource::new(&customers)),
            as_of(),
            &|_, _, _| Ok(()),
            None,
        )
        .unwrap();
    assert_eq!(report.facts.groups["p"].members, 3);
    assert_eq!(report.groups["p"].tally.customers, 3);
}

#[test]
fn a_repeated_parent_is_refused_and_not_added_to_its_group() {
    let mut customers = group();
    customers.push(customers[0].clone());
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let mut f = analyzer.facts(&analyzer.summarize(customers.iter().map(Ok), None));
    analyzer
        .include_parents(&mut f, customers.iter().map(Ok))
        .unwrap();
    let g = &f.groups["p"];
    assert_eq!((g.members, g.revenue), (2, usd("20000")));
    assert!(f.parents_included.is_empty());
}

#[test]
fn report_rows_and_tallies_count_what_each_customer_is() {
    let report = {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/customers.json");
        let customers: Vec<Customer> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let config = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/config.json");
        let config: custfit::Config =
            serde_json::from_str(&std::fs::read_to_string(config).unwrap()).unwrap();
        config
            .analyzer()
            .unwrap()
            .analyze_slice(&customers, as_of(), 2, &|_, _, _| Ok(()))
            .unwrap()
    };
    use custfit::assessment::FitClass;
    let count = |p: &dyn Fn(&custfit::portfolio::CustomerRow) -> bool| {
        report.rows.iter().filter(|r| p(r)).count() as u64
    };
    let t = &report.totals;
    assert_eq!(t.bad_fit, count(&|r| r.class == FitClass::BadFit));
    assert_eq!(t.bad, count(&|r| r.class == FitClass::Bad));
    assert_eq!(
        t.offboard,
        count(&|r| r.action == custfit::Action::Offboard)
    );
    assert!(t.bad_fit > 0 && t.bad > 0 && t.offboard > 0, "{t:?}");
    assert!(t.bad_fit < t.customers && t.offboard < t.customers);
    for row in &report.rows {
        assert_eq!(row.score, (row.score * 10.0).round() / 10.0);
    }
}

#[test]
fn a_row_states_the_attention_a_customer_takes_per_unit_of_revenue() {
    let c = base("att")
        .recurring_revenue(dec("40000"))
        .success_hours(dec("30"))
        .executive_hours(dec("10"))
        .build()
        .unwrap();
    let free = base("free").success_hours(dec("30")).build().unwrap();
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let report = analyzer
        .analyze_slice(&[c, free], as_of(), 1, &|_, _, _| Ok(()))
        .unwrap();
    // 40 success and executive hours over 40,000 of revenue.
    assert_eq!(report.rows[0].id.as_str(), "att");
    assert_eq!(report.rows[0].attention, Some(0.001));
    assert_eq!(report.rows[1].attention, None, "no revenue, no ratio");
    // Scores in rows are the assessment's, to a tenth.
    let seen = std::sync::Mutex::new(Vec::new());
    let customers = [base("att")
        .recurring_revenue(dec("40000"))
        .success_hours(dec("30"))
        .executive_hours(dec("10"))
        .expansion_whitespace(dec("9000"))
        .growth_likelihood(0.35)
        .build()
        .unwrap()];
    let report = analyzer
        .analyze_slice(&customers, as_of(), 1, &|_, a, _| {
            seen.lock().unwrap().push(a.clone());
            Ok(())
        })
        .unwrap();
    let a = &seen.lock().unwrap()[0];
    let row = &report.rows[0];
    let tenth = |x: f64| (x * 10.0).round() / 10.0;
    assert_eq!(row.score, tenth(a.effective_overall()));
    assert!((row.score - a.effective_overall()).abs() <= 0.05);
    let growth = a.effective_score(custfit::assessment::Dimension::GrowthPotential);
    assert_eq!(row.growth, growth.map(tenth));
    assert!(row.growth.is_some());
}

#[test]
fn reports_of_other_dates_currencies_or_facts_do_not_merge() {
    let analyzer =
        PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
    let run = |customers: &[Customer]| {
        analyzer
            .analyze_slice(customers, as_of(), 1, &|_, _, _| Ok(()))
            .unwrap()
    };
    let one = run(&[served("a", "100")]);
    let mut date = one.clone();
    date.as_of = d(2027, 1, 1);
    let mut currency = one.clone();
    currency.currency = custfit::units::Currency::EUR;
    let other_facts = run(&[served("b", "300")]);
    for other in [date, currency, other_facts] {
        let mut mine = one.clone();
        assert_eq!(
            mine.merge(other).unwrap_err().field(),
            Some("portfolio.merge")
        );
    }
}
