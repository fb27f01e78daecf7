//! Tests of the shifted-beta-geometric retention model against Fader & Hardie (2007, 2010),
//! its error variants and its properties.

use custfit::retention::{
    ltv_to_cac, payback_period, renewals_from_tenure, Cohort, ExpectedLifetime, Fit, FitOptions,
    Payback, RetentionError, RetentionModel, RetentionModels, ShiftedBetaGeometric, SurvivalCurve,
    MIN_DISCOUNT_RATE,
};
use custfit::{Error, Money};
use proptest::prelude::*;

/// Property-test cases: `PROPTEST_CASES` when set (to run much longer), else 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}
use rust_decimal::Decimal;

/// Fader & Hardie (2007), "regular" customers: survivors of 1,000 at years 0..=12.
const REGULAR: [u64; 13] = [
    1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173,
];

fn regular_fit() -> Fit {
    let cohort = Cohort::from_survivor_curve(&REGULAR[..=7]).expect("valid cohort");
    ShiftedBetaGeometric::fit(&[cohort]).expect("the published data fit")
}

fn model(alpha: f64, beta: f64) -> ShiftedBetaGeometric {
    ShiftedBetaGeometric::new(alpha, beta).expect("valid parameters")
}

fn eur(text: &str) -> Money {
    format!("{text} EUR").parse().expect("valid money")
}

// ---------------------------------------------------------------------------------------------
// Published figures
// ---------------------------------------------------------------------------------------------

#[test]
fn fit_matches_fader_hardie_regular_customers() {
    let fit = regular_fit();
    assert!(fit.converged);
    assert!(!fit.at_bound);
    assert_eq!(fit.customers, 1000);
    assert_eq!(fit.periods, 7);
    // Published: alpha = 0.704, beta = 1.182, LL = -1680.27.
    assert_eq!(format!("{:.4}", fit.model.alpha()), "0.7041");
    assert_eq!(format!("{:.4}", fit.model.beta()), "1.1820");
    assert_eq!(format!("{:.2}", fit.log_likelihood), "-1680.27");
    let cohort = Cohort::from_survivor_curve(&REGULAR[..=7]).expect("valid cohort");
    assert!((fit.model.log_likelihood(&[cohort]) - fit.log_likelihood).abs() < 1e-9);
}

#[test]
fn projection_matches_fader_hardie_years_8_to_12() {
    let model = regular_fit().model;
    let projected: Vec<String> = (8..=12)
        .map(|t| format!("{:.1}", model.projected_survivors(1000, t)))
        .collect();
    assert_eq!(projected, ["220.1", "204.4", "191.2", "179.9", "170.0"]);
    // The projection is close to what happened (within 4 customers per 1,000).
    for t in 8..=12u32 {
        let actual = REGULAR[t as usize] as f64;
        assert!((model.projected_survivors(1000, t) - actual).abs() < 4.0);
    }
}

#[test]
fn derl_matches_fader_hardie_2010() {
    let model = regular_fit().model;
    // n = 1, 2, 3, 5, 8, 13 is renewals = n - 1.
    let derl: Vec<String> = [1u32, 2, 3, 5, 8, 13]
        .iter()
        .map(|n| format!("{:.4}", model.derl(0.10, n - 1).expect("valid rate")))
        .collect();
    assert_eq!(
        derl,
        ["2.9644", "4.1031", "4.8698", "5.8941", "6.8423", "7.7693"]
    );
}

#[test]
fn survival_curve_and_formulas_agree() {
    let m = model(0.7041, 1.1820);
    let curve: Vec<f64> = m.survival_curve(0).take(30).collect();
    for (t, s) in curve.iter().enumerate() {
        let exact = m.survival(t as u32);
        assert!((s - exact).abs() <= 1e-14, "t={t}: {s} vs {exact}");
    }
    let from_five: Vec<f64> = m.survival_curve(5).take(3).collect();
    assert_eq!(from_five.len(), 3);
    assert!((from_five[0] - m.survival(5)).abs() < 1e-15);
    // P(T = 1) = alpha / (alpha + beta); P(T = t) by the recursion.
    let mut p = 0.7041 / (0.7041 + 1.1820);
    assert!((m.churn_probability(1) - p).abs() < 1e-15);
    for t in 2..40u32 {
        p *= (1.1820 + f64::from(t) - 2.0) / (0.7041 + 1.1820 + f64::from(t) - 1.0);
        assert!((m.churn_probability(t) - p).abs() < 1e-14 * p.max(1e-300));
    }
    assert_eq!(m.churn_probability(0), 0.0);
    assert_eq!(m.survival(0), 1.0);
    assert!((m.mean_churn() - 0.7041 / 1.8861).abs() < 1e-15);
}

#[test]
fn vanishing_parameters_keep_full_precision() {
    // Regression: alpha = beta = 5e-324 once lost beta in `beta + t - 1`. Half the customers
    // churn at once, half never: DERL(n = 1) = (1 + d) / (2d), DEL = 1 + 1 / (2d).
    let m = model(5e-324, 5e-324);
    let d = 1e-6;
    assert!((m.derl(d, 0).unwrap() / ((1.0 + d) / (2.0 * d)) - 1.0).abs() < 1e-9);
    assert!((m.discounted_expected_lifetime(d).unwrap() / (1.0 + 0.5 / d) - 1.0).abs() < 1e-9);
    assert_eq!(m.retention_rate(1).unwrap(), 0.5);
    assert_eq!(
        m.expected_payback_period(eur("0.01"), eur("0.01"), d)
            .unwrap(),
        Payback::Periods(1)
    );
}

#[test]
fn expected_lifetime_is_finite_only_above_alpha_one() {
    // E[T] = (a + b - 1) / (a - 1).
    assert_eq!(
        model(3.0, 5.0).expected_lifetime(),
        ExpectedLifetime::Finite(3.5)
    );
    assert_eq!(
        model(1.0, 5.0).expected_lifetime(),
        ExpectedLifetime::Infinite
    );
    assert_eq!(
        model(0.7, 1.2).expected_lifetime(),
        ExpectedLifetime::Infinite
    );
    assert_eq!(model(0.7, 1.2).expected_lifetime().finite(), None);
    // Residual: (b + n - 1) / (a - 1) further renewals after `renewals = n - 1`.
    assert_eq!(
        model(3.0, 5.0).expected_residual_lifetime(2),
        ExpectedLifetime::Finite(3.5)
    );
    // Against a direct sum of the survival curve.
    let m = model(2.5, 4.0);
    let direct: f64 = m.survival_curve(0).take(2_000_000).sum();
    let exact = m.expected_lifetime().finite().expect("finite");
    assert!((direct - exact).abs() < 1e-3, "{direct} vs {exact}");
    // Discounting slightly approaches the undiscounted value from below.
    let del = m
        .discounted_expected_lifetime(MIN_DISCOUNT_RATE)
        .expect("valid rate");
    assert!(del < exact && exact - del < 1e-3 * exact);
    assert_eq!(ExpectedLifetime::Infinite.to_string(), "infinite");
    assert_eq!(ExpectedLifetime::Finite(2.5).to_string(), "2.5 periods");
}

#[test]
fn fit_on_several_cohorts_of_different_ages() {
    // Three cohorts acquired in successive years, observed up to now.
    let cohorts = [
        Cohort::from_survivor_curve(&REGULAR[..=7]).unwrap(),
        Cohort::from_survivor_curve(&[2000, 1262, 936, 764, 652]).unwrap(),
        Cohort::from_losses(500, &[185, 80]).unwrap(),
        Cohort::new(300, vec![]).unwrap(), // just acquired: adds nothing
    ];
    let fit = ShiftedBetaGeometric::fit(&cohorts).expect("fits");
    assert!(fit.converged && !fit.at_bound);
    assert_eq!(fit.customers, 3500);
    assert_eq!(fit.periods, 7);
    assert!((fit.model.alpha() - 0.70).abs() < 0.1);
    assert!((fit.model.beta() - 1.18).abs() < 0.2);
    // Cohort order does not matter.
    let mut reversed = cohorts.to_vec();
    reversed.reverse();
    let again = ShiftedBetaGeometric::fit(&reversed).unwrap();
    assert!((again.model.alpha() - fit.model.alpha()).abs() < 1e-9);
    assert!((again.model.beta() - fit.model.beta()).abs() < 1e-9);
}

#[test]
fn geometric_data_stop_at_the_bound() {
    // Exactly halving every period: no heterogeneity, the likelihood rises toward the bound.
    let cohort = Cohort::from_survivor_curve(&[1 << 20, 1 << 19, 1 << 18, 1 << 17, 1 << 16])
        .expect("valid cohort");
    let fit = ShiftedBetaGeometric::fit(&[cohort]).expect("a fit at the bound");
    assert!(fit.converged);
    assert!(fit.at_bound);
    assert!((fit.model.mean_churn() - 0.5).abs() < 1e-4);
    let rates: Vec<f64> = (1..=4)
        .map(|t| fit.model.retention_rate(t).unwrap())
        .collect();
    assert!(rates.iter().all(|r| (r - 0.5).abs() < 1e-4), "{rates:?}");
}

#[test]
fn fit_recovers_parameters_from_random_draws() {
    // 200,000 customers drawn from the model with a fixed seed, in cohorts of three ages.
    let (alpha, beta) = (0.9, 2.2);
    let mut rng = SplitMix64(7);
    let cohorts: Vec<Cohort> = [(80_000, 10), (70_000, 6), (50_000, 3)]
        .iter()
        .map(|&(size, age)| simulate_cohort(&mut rng, alpha, beta, size, age))
        .collect();
    let fit = ShiftedBetaGeometric::fit(&cohorts).expect("fits");
    // Tolerance: 8 % (about four standard errors at this size).
    assert!((fit.model.alpha() / alpha - 1.0).abs() < 0.08, "{fit:?}");
    assert!((fit.model.beta() / beta - 1.0).abs() < 0.08, "{fit:?}");
}

// ---------------------------------------------------------------------------------------------
// Lifetime value
// ---------------------------------------------------------------------------------------------

#[test]
fn lifetime_value_is_margin_times_derl_rounded() {
    let m = regular_fit().model;
    let derl = m.derl(0.10, 4).unwrap();
    let ltv = m.lifetime_value(eur("12000.00"), 4, 0.10).unwrap();
    let expected = 12000.0 * derl;
    assert!((ltv.amount().to_string().parse::<f64>().unwrap() - expected).abs() <= 0.005);
    assert_eq!(ltv.amount().scale(), 2);
    assert_eq!(ltv.to_string(), "70729.14 EUR");
    // Negative margins give negative values.
    let loss = m.lifetime_value(eur("-100.00"), 0, 0.10).unwrap();
    assert!(loss.is_negative());
    // JPY has no minor unit.
    let yen: Money = "1000 JPY".parse().unwrap();
    assert_eq!(m.lifetime_value(yen, 0, 0.10).unwrap().amount().scale(), 0);
}

#[test]
fn prospect_lifetime_value_counts_the_first_period() {
    let m = regular_fit().model;
    let del = m.discounted_expected_lifetime(0.10).unwrap();
    assert!((del - (1.0 + m.derl(0.10, 0).unwrap() / 1.1)).abs() < 1e-12);
    let ltv = m.prospect_lifetime_value(eur("1000.00"), 0.10).unwrap();
    assert_eq!(ltv.to_string(), "3694.91 EUR");
}

#[test]
fn lifetime_value_overflow_is_an_arithmetic_error() {
    let m = model(0.7, 1.2);
    let huge = Money::new(Decimal::MAX, custfit::units::Currency::EUR);
    let err = m.lifetime_value(huge, 0, 0.10).unwrap_err();
    assert_eq!(
        err.to_string(),
        "computing `lifetime_value`: amount overflows the decimal range"
    );
    let err = m.lifetime_value(eur("10.00"), 0, -0.1).unwrap_err();
    assert!(matches!(
        err,
        Error::Retention(RetentionError::InvalidDiscountRate { .. })
    ));
    assert_eq!(
        err.to_string(),
        "retention model: discount rate must be finite and at least 1e-6 per period, got -0.1"
    );
}

#[test]
fn ltv_to_cac_ratio() {
    assert_eq!(
        ltv_to_cac(eur("9000.00"), eur("2000.00")).unwrap(),
        Some(Decimal::new(45, 1))
    );
    assert_eq!(ltv_to_cac(eur("9000.00"), eur("0")).unwrap(), None);
    let err = ltv_to_cac(eur("9000.00"), eur("-1.00")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `acquisition_cost`: must not be negative, got -1.00"
    );
    let err = ltv_to_cac(eur("9000.00"), "10.00 USD".parse().unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field `ltv_to_cac`: is in USD, expected EUR"
    );
}

#[test]
fn simple_payback_period() {
    assert_eq!(
        payback_period(eur("12000"), eur("5000")).unwrap(),
        Payback::Periods(3)
    );
    assert_eq!(
        payback_period(eur("10000"), eur("5000")).unwrap(),
        Payback::Periods(2)
    );
    assert_eq!(
        payback_period(eur("0"), eur("-5")).unwrap(),
        Payback::Periods(0)
    );
    assert_eq!(payback_period(eur("10"), eur("0")).unwrap(), Payback::Never);
    assert_eq!(
        payback_period(eur("100000000000000000000"), eur("0.01")).unwrap(),
        Payback::Never
    );
    assert_eq!(Payback::Periods(1).to_string(), "1 period");
    assert_eq!(Payback::Periods(3).to_string(), "3 periods");
    assert_eq!(Payback::Never.to_string(), "never");
    assert!(payback_period(eur("10"), "1 USD".parse().unwrap()).is_err());
}

#[test]
fn expected_payback_period_allows_for_churn() {
    let m = regular_fit().model;
    let margin = eur("1000.00");
    // Without churn 2 periods would do; with churn the expected margin needs 3.
    assert_eq!(
        payback_period(eur("1800"), margin).unwrap(),
        Payback::Periods(2)
    );
    assert_eq!(
        m.expected_payback_period(eur("1800"), margin, 0.10)
            .unwrap(),
        Payback::Periods(3)
    );
    // Beyond the prospect lifetime value it is never paid back.
    let ltv = m.prospect_lifetime_value(margin, 0.10).unwrap();
    assert_eq!(
        m.expected_payback_period(ltv.checked_add(eur("1")).unwrap(), margin, 0.10)
            .unwrap(),
        Payback::Never
    );
    assert_eq!(
        m.expected_payback_period(eur("0"), margin, 0.10).unwrap(),
        Payback::Periods(0)
    );
    assert_eq!(
        m.expected_payback_period(eur("10"), eur("-1"), 0.10)
            .unwrap(),
        Payback::Never
    );
    // Just below the limit needs many periods, found by bisection.
    let slow = model(0.5, 3.0);
    let del = slow.discounted_expected_lifetime(0.001).unwrap();
    let cost = Money::new(
        Decimal::try_from(del * 0.9999).unwrap().floor(),
        custfit::units::Currency::EUR,
    );
    match slow.expected_payback_period(cost, eur("1"), 0.001).unwrap() {
        Payback::Periods(k) => assert!(k > 1024, "{k}"),
        other => panic!("should be paid back, got {other:?}"),
    }
}

#[test]
fn renewals_from_tenure_in_days() {
    assert_eq!(renewals_from_tenure(0, 365).unwrap(), 0);
    assert_eq!(renewals_from_tenure(364, 365).unwrap(), 0);
    assert_eq!(renewals_from_tenure(365, 365).unwrap(), 1);
    assert_eq!(renewals_from_tenure(1000, 365).unwrap(), 2);
    assert_eq!(renewals_from_tenure(i64::MAX, 1).unwrap(), u32::MAX);
}

#[test]
fn models_per_segment() {
    let annual = |a, b| RetentionModel::new(model(a, b), 12).unwrap();
    let mut models = RetentionModels::new(annual(0.7, 1.2))
        .with_segment("annual", annual(1.5, 6.0))
        .with_segment("monthly", RetentionModel::new(model(0.4, 3.0), 1).unwrap());
    assert_eq!(models.get("annual"), &annual(1.5, 6.0));
    assert_eq!(models.get("unknown"), &annual(0.7, 1.2));
    assert_eq!(models.default_model(), &annual(0.7, 1.2));
    assert_eq!(models.get("monthly").period_months(), 1);
    assert_eq!(models.segment("unknown"), None);
    let replaced = models.insert("annual", annual(2.0, 6.0));
    assert_eq!(replaced, Some(annual(1.5, 6.0)));
    let names: Vec<&str> = models.segments().map(|(name, _)| name).collect();
    assert_eq!(names, ["annual", "monthly"]);
    let json = serde_json::to_string(&models).unwrap();
    assert_eq!(
        serde_json::from_str::<RetentionModels>(&json).unwrap(),
        models
    );
    // An invalid model inside is refused; so is a model without its period length.
    let bad = r#"{"default": {"alpha": 0.7, "beta": 1.2, "period_months": 12}, "segments": {"x": {"alpha": -1, "beta": 1, "period_months": 12}}}"#;
    assert!(serde_json::from_str::<RetentionModels>(bad).is_err());
    let no_period = r#"{"default": {"alpha": 0.7, "beta": 1.2}}"#;
    assert!(serde_json::from_str::<RetentionModels>(no_period).is_err());
    let constant = r#"{"default": {"constant_churn": 0.2, "period_months": 12}}"#;
    let models: RetentionModels = serde_json::from_str(constant).unwrap();
    assert_eq!(
        models.default_model().constant_churn_probability(),
        Some(0.2)
    );
}

// ---------------------------------------------------------------------------------------------
// One test per error variant, with the exact message
// ---------------------------------------------------------------------------------------------

#[test]
fn error_invalid_parameter() {
    let err = ShiftedBetaGeometric::new(-1.0, 1.0).unwrap_err();
    assert_eq!(
        err,
        RetentionError::InvalidParameter {
            name: "alpha".into(),
            value: -1.0
        }
    );
    assert_eq!(
        err.to_string(),
        "parameter `alpha` must be positive, finite and at most 1e12, got -1"
    );
    let err = ShiftedBetaGeometric::new(1.0, f64::NAN).unwrap_err();
    assert_eq!(
        err.to_string(),
        "parameter `beta` must be positive, finite and at most 1e12, got NaN"
    );
    assert!(ShiftedBetaGeometric::new(1.0, f64::INFINITY).is_err());
    assert!(ShiftedBetaGeometric::new(0.0, 1.0).is_err());
    assert!(ShiftedBetaGeometric::new(1e13, 1.0).is_err());
    let json = r#"{"alpha": 0.0, "beta": 1.0}"#;
    let err = serde_json::from_str::<ShiftedBetaGeometric>(json).unwrap_err();
    assert!(err
        .to_string()
        .contains("parameter `alpha` must be positive"));
}

#[test]
fn error_invalid_discount_rate() {
    let m = model(0.7, 1.2);
    for d in [0.0, -0.1, 1e-7, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            m.derl(d, 0),
            Err(RetentionError::InvalidDiscountRate { .. })
        ));
        assert!(m.discounted_expected_lifetime(d).is_err());
    }
    assert_eq!(
        m.derl(0.0, 0).unwrap_err().to_string(),
        "discount rate must be finite and at least 1e-6 per period, got 0"
    );
}

#[test]
fn error_period_zero() {
    let err = model(0.7, 1.2).retention_rate(0).unwrap_err();
    assert_eq!(err, RetentionError::PeriodZero);
    assert_eq!(
        err.to_string(),
        "retention rates start at period 1, got period 0"
    );
}

#[test]
fn error_empty_cohort() {
    for err in [
        Cohort::new(0, vec![]).unwrap_err(),
        Cohort::from_survivor_curve(&[]).unwrap_err(),
        Cohort::from_survivor_curve(&[0, 0]).unwrap_err(),
        Cohort::from_losses(0, &[]).unwrap_err(),
    ] {
        assert_eq!(err, RetentionError::EmptyCohort);
        assert_eq!(err.to_string(), "cohort has no customers");
    }
}

#[test]
fn error_survivors_increase() {
    let err = Cohort::from_survivor_curve(&[1000, 631, 468, 500]).unwrap_err();
    assert_eq!(
        err,
        RetentionError::SurvivorsIncrease {
            period: 3,
            before: 468,
            after: 500
        }
    );
    assert_eq!(
        err.to_string(),
        "survivors rise from 468 at period 2 to 500 at period 3"
    );
    let json = r#"{"size": 10, "survivors": [5, 6]}"#;
    assert!(serde_json::from_str::<Cohort>(json).is_err());
}

#[test]
fn error_survivors_above_cohort_size() {
    let err = Cohort::new(1000, vec![1200]).unwrap_err();
    assert_eq!(
        err,
        RetentionError::SurvivorsAboveCohortSize {
            period: 1,
            survivors: 1200,
            size: 1000
        }
    );
    assert_eq!(
        err.to_string(),
        "survivors at period 1 (1200) exceed the cohort size (1000)"
    );
}

#[test]
fn error_lost_above_cohort_size() {
    let err = Cohort::from_losses(1000, &[600, 300, 200]).unwrap_err();
    assert_eq!(
        err,
        RetentionError::LostAboveCohortSize {
            period: 3,
            lost: 1100,
            size: 1000
        }
    );
    assert_eq!(
        err.to_string(),
        "losses add up to 1100 by period 3, more than the cohort size (1000)"
    );
    assert!(Cohort::from_losses(10, &[u64::MAX, u64::MAX]).is_err());
}

#[test]
fn error_no_churn() {
    let cohorts = [
        Cohort::from_survivor_curve(&[100, 100, 100]).unwrap(),
        Cohort::from_survivor_curve(&[50, 50]).unwrap(),
    ];
    let err = ShiftedBetaGeometric::fit(&cohorts).unwrap_err();
    assert_eq!(err, RetentionError::NoChurn { customers: 150 });
    assert_eq!(
        err.to_string(),
        "no churn among 150 observed customers: churn cannot be estimated"
    );
}

#[test]
fn error_all_lost_in_first_period() {
    let cohorts = [
        Cohort::from_survivor_curve(&[100, 0, 0]).unwrap(),
        Cohort::from_survivor_curve(&[50, 0]).unwrap(),
    ];
    let err = ShiftedBetaGeometric::fit(&cohorts).unwrap_err();
    assert_eq!(err, RetentionError::AllLostInFirstPeriod { customers: 150 });
    assert_eq!(
        err.to_string(),
        "all 150 observed customers were lost in the first period: retention cannot be estimated"
    );
}

#[test]
fn error_too_little_data() {
    let err = ShiftedBetaGeometric::fit(&[]).unwrap_err();
    assert_eq!(err, RetentionError::TooLittleData { periods: 0 });
    let just_acquired = [Cohort::new(100, vec![]).unwrap()];
    assert_eq!(
        ShiftedBetaGeometric::fit(&just_acquired).unwrap_err(),
        RetentionError::TooLittleData { periods: 0 }
    );
    // One period observed cannot separate alpha from beta.
    let err = ShiftedBetaGeometric::fit(&[Cohort::new(1000, vec![631]).unwrap()]).unwrap_err();
    assert_eq!(err, RetentionError::TooLittleData { periods: 1 });
    assert_eq!(
        err.to_string(),
        "too little data: customers are at risk in 1 period(s), the fit needs at least 2"
    );
    // Two periods, but nobody left at risk in the second one of the older cohort.
    let cohorts = [
        Cohort::new(100, vec![0, 0]).unwrap(),
        Cohort::new(100, vec![60]).unwrap(),
    ];
    assert_eq!(
        ShiftedBetaGeometric::fit(&cohorts).unwrap_err(),
        RetentionError::TooLittleData { periods: 1 }
    );
}

#[test]
fn error_not_converged() {
    let cohort = Cohort::from_survivor_curve(&REGULAR[..=7]).unwrap();
    let options = FitOptions::default().max_iterations(0);
    let err = ShiftedBetaGeometric::fit_with(std::slice::from_ref(&cohort), &options).unwrap_err();
    assert!(matches!(
        err,
        RetentionError::NotConverged { iterations: 0, .. }
    ));
    assert_eq!(
        err.to_string(),
        "fit did not converge after 0 iterations (alpha 1.476000, beta 2.524000, log-likelihood -1709.7488)"
    );
    // Or, on request, the unconverged estimate.
    let fit = ShiftedBetaGeometric::fit_with(&[cohort], &options.require_convergence(false))
        .expect("an estimate");
    assert!(!fit.converged);
    assert_eq!(fit.iterations, 0);
}

#[test]
fn error_invalid_tenure() {
    let err = renewals_from_tenure(-5, 365).unwrap_err();
    assert_eq!(
        err,
        RetentionError::InvalidTenure {
            tenure_days: -5,
            term_days: 365
        }
    );
    assert_eq!(
        err.to_string(),
        "tenure of -5 days with terms of 365 days: tenure must not be negative and a term must last at least one day"
    );
    assert!(renewals_from_tenure(10, 0).is_err());
}

#[test]
fn error_numerical() {
    // Not reachable with valid input; the message is still fixed.
    let err = RetentionError::Numerical {
        quantity: "hypergeometric series".into(),
    };
    assert_eq!(
        err.to_string(),
        "numerical failure computing hypergeometric series"
    );
}

#[test]
fn retention_errors_convert_into_the_crate_error() {
    let err: Error = RetentionError::PeriodZero.into();
    assert_eq!(
        err.to_string(),
        "retention model: retention rates start at period 1, got period 0"
    );
    let json = serde_json::to_string(&RetentionError::NoChurn { customers: 3 }).unwrap();
    assert_eq!(json, r#"{"retention_error":"no_churn","customers":3}"#);
    for err in [
        Error::from(RetentionError::PeriodZero),
        Error::from(RetentionError::InvalidDiscountRate { value: 0.0 }),
    ] {
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<Error>(&json).unwrap(), err);
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<ShiftedBetaGeometric>();
    check::<Cohort>();
    check::<Fit>();
    check::<FitOptions>();
    check::<RetentionError>();
    check::<RetentionModels>();
    check::<ExpectedLifetime>();
    check::<Payback>();
    check::<SurvivalCurve>();
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn moderate() -> impl Strategy<Value = f64> {
    (0.05f64..20.0).boxed()
}

/// Any valid parameter, extremes included.
fn any_parameter() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(5e-324),
        Just(f64::MIN_POSITIVE),
        1e-300f64..1e-3,
        1e-3f64..1e3,
        1e3f64..1e12,
        Just(1e12),
    ]
}

fn any_rate() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(MIN_DISCOUNT_RATE),
        1e-6f64..1e-3,
        1e-3f64..10.0,
        10.0f64..1e300,
        Just(f64::MAX),
    ]
}

/// Expected survivors of a cohort of `size` at periods `1..=age`, rounded.
fn expected_cohort(m: &ShiftedBetaGeometric, size: u64, age: u32) -> Cohort {
    let survivors = (1..=age)
        .map(|t| m.projected_survivors(size, t).round() as u64)
        .collect();
    Cohort::new(size, survivors).expect("expected counts are consistent")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn survival_never_increases_and_stays_in_unit_interval(a in moderate(), b in moderate()) {
        let m = model(a, b);
        let mut before = 1.0;
        for t in 0..=200 {
            let s = m.survival(t);
            prop_assert!(s > 0.0 && s <= 1.0, "S({}) = {}", t, s);
            prop_assert!(s <= before);
            before = s;
        }
    }

    #[test]
    fn retention_rates_rise(a in moderate(), b in moderate(), t in 1u32..10_000) {
        let m = model(a, b);
        let now = m.retention_rate(t).unwrap();
        let next = m.retention_rate(t + 1).unwrap();
        prop_assert!(next > now && now > 0.0 && next < 1.0);
    }

    #[test]
    fn probabilities_add_up_to_one(a in moderate(), b in moderate(), horizon in 1u32..300) {
        let m = model(a, b);
        let churned: f64 = (1..=horizon).map(|t| m.churn_probability(t)).sum();
        prop_assert!((churned + m.survival(horizon) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn derl_falls_as_the_discount_rate_rises(
        a in moderate(), b in moderate(), d in 1e-4f64..5.0, step in 1.001f64..3.0,
        renewals in 0u32..50,
    ) {
        let m = model(a, b);
        let low = m.derl(d, renewals).unwrap();
        let high = m.derl(d * step, renewals).unwrap();
        prop_assert!(high < low, "{} !< {}", high, low);
        // And grows with the renewals made (survivors are the loyal ones).
        prop_assert!(m.derl(d, renewals + 1).unwrap() > low);
        // DEL = 1 + DERL(d, 0) / (1 + d).
        let del = m.discounted_expected_lifetime(d).unwrap();
        let derl0 = m.derl(d, 0).unwrap();
        prop_assert!((del - (1.0 + derl0 / (1.0 + d))).abs() <= 1e-12 * del);
    }

    #[test]
    fn fit_recovers_parameters_from_expected_counts(
        a in 0.2f64..5.0, b in 0.2f64..10.0, age in 6u32..14,
    ) {
        // Expected survivors of 10^12 customers in three cohorts of different ages. Rounding
        // the counts moves the estimate by far less than the tolerance: 0.1 %.
        let m = model(a, b);
        let cohorts = [
            expected_cohort(&m, 1_000_000_000_000, age),
            expected_cohort(&m, 600_000_000_000, age / 2),
            expected_cohort(&m, 300_000_000_000, 2),
        ];
        let fit = ShiftedBetaGeometric::fit(&cohorts).unwrap();
        prop_assert!(fit.converged && !fit.at_bound);
        prop_assert!((fit.model.alpha() / a - 1.0).abs() < 1e-3, "{:?} vs {} {}", fit, a, b);
        prop_assert!((fit.model.beta() / b - 1.0).abs() < 1e-3, "{:?} vs {} {}", fit, a, b);
    }

    #[test]
    fn fitted_log_likelihood_is_a_local_maximum(
        a in 0.2f64..5.0, b in 0.2f64..10.0, size in 200u64..100_000, age in 3u32..12,
    ) {
        let cohorts = [expected_cohort(&model(a, b), size, age)];
        let fit = match ShiftedBetaGeometric::fit(&cohorts) {
            Ok(fit) => fit,
            // Small rounded cohorts can be degenerate (for example no churn at all).
            Err(_) => return Ok(()),
        };
        let best = fit.log_likelihood;
        let (fa, fb) = (fit.model.alpha(), fit.model.beta());
        for (da, db) in [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0), (1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            let near = model(fa * (1.0 + 1e-3 * da), fb * (1.0 + 1e-3 * db));
            let ll = near.log_likelihood(&cohorts);
            prop_assert!(ll <= best + 1e-9 * best.abs(), "{} > {} at {:?}", ll, best, near);
        }
    }

    #[test]
    fn serde_round_trips(a in any_parameter(), b in any_parameter(), size in 1u64..1_000_000, lost in proptest::collection::vec(0u64..1000, 0..10)) {
        let m = model(a, b);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<ShiftedBetaGeometric>(&json).unwrap(), m);
        let total: u64 = lost.iter().sum();
        let cohort = Cohort::from_losses(size + total, &lost).unwrap();
        let json = serde_json::to_string(&cohort).unwrap();
        prop_assert_eq!(serde_json::from_str::<Cohort>(&json).unwrap(), cohort);
        let models = RetentionModels::new(RetentionModel::new(m, 12).unwrap())
            .with_segment("x", RetentionModel::new(model(b, a), 1).unwrap());
        let json = serde_json::to_string(&models).unwrap();
        prop_assert_eq!(serde_json::from_str::<RetentionModels>(&json).unwrap(), models);
    }

    #[test]
    fn no_panic_and_no_nan_on_extreme_input(
        a in any_parameter(), b in any_parameter(), t in any::<u32>(), d in any_rate(),
        renewals in any::<u32>(),
    ) {
        let m = model(a, b);
        let s = m.survival(t);
        prop_assert!((0.0..=1.0).contains(&s), "S = {}", s);
        let p = m.churn_probability(t);
        prop_assert!((0.0..=1.0).contains(&p), "P = {}", p);
        if t > 0 {
            let r = m.retention_rate(t).unwrap();
            prop_assert!((0.0..=1.0).contains(&r));
        }
        prop_assert!(!m.projected_survivors(u64::MAX, t).is_nan());
        prop_assert!(m.survival_curve(t).take(3).all(|s| (0.0..=1.0).contains(&s)));
        if let ExpectedLifetime::Finite(e) = m.expected_lifetime() {
            prop_assert!(e.is_finite() && e >= 1.0);
        }
        let derl = m.derl(d, renewals).unwrap();
        prop_assert!(derl.is_finite() && derl >= 0.0, "DERL = {}", derl);
        let del = m.discounted_expected_lifetime(d).unwrap();
        prop_assert!(del.is_finite() && del >= 1.0, "DEL = {}", del);
        let ltv = m.lifetime_value(eur("1234.56"), renewals, d).unwrap();
        prop_assert!(!ltv.is_negative());
    }

    #[test]
    fn no_panic_on_invalid_numbers(a in any::<f64>(), b in any::<f64>(), d in any::<f64>()) {
        match ShiftedBetaGeometric::new(a, b) {
            Ok(m) => {
                prop_assert!(a > 0.0 && b > 0.0);
                match m.derl(d, 3) {
                    Ok(v) => prop_assert!(v.is_finite() && d >= MIN_DISCOUNT_RATE),
                    Err(e) => prop_assert!(
                        matches!(e, RetentionError::InvalidDiscountRate { .. }),
                        "{:?}",
                        e
                    ),
                }
            }
            Err(e) => prop_assert!(
                matches!(e, RetentionError::InvalidParameter { .. }),
                "{:?}",
                e
            ),
        }
    }

    #[test]
    fn fit_never_panics_nor_returns_nan(
        curves in proptest::collection::vec(proptest::collection::vec(0u64..1000, 1..8), 0..4),
    ) {
        // Arbitrary counts, made non-increasing so that they form cohorts.
        let cohorts: Vec<Cohort> = curves
            .into_iter()
            .map(|mut c| {
                c[0] += 1;
                for i in 1..c.len() {
                    c[i] = c[i].min(c[i - 1]);
                }
                Cohort::from_survivor_curve(&c).unwrap()
            })
            .collect();
        if let Ok(fit) = ShiftedBetaGeometric::fit(&cohorts) {
            prop_assert!(fit.log_likelihood.is_finite());
            prop_assert!(fit.model.alpha().is_finite() && fit.model.beta().is_finite());
            prop_assert!(fit.gradient_norm.is_finite());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn expected_payback_never_panics(
        a in any_parameter(), b in any_parameter(), d in any_rate(),
        cost in 0i64..10_000_000, margin in -1000i64..100_000,
    ) {
        let m = model(a, b);
        let cost = Money::new(Decimal::new(cost, 2), custfit::units::Currency::EUR);
        let margin = Money::new(Decimal::new(margin, 2), custfit::units::Currency::EUR);
        let payback = m.expected_payback_period(cost, margin, d).unwrap();
        // Never sooner than without churn.
        if let (Payback::Periods(with), Payback::Periods(without)) = (payback, payback_period(cost, margin).unwrap()) {
            prop_assert!(with >= without);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A tiny deterministic generator for synthetic cohorts
// ---------------------------------------------------------------------------------------------

struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang.
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            if self.uniform().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }
}

/// A cohort of `size` customers, each with a churn probability drawn from Beta(a, b) and lost
/// in a geometric period, observed for `age` periods.
fn simulate_cohort(rng: &mut SplitMix64, a: f64, b: f64, size: u64, age: u32) -> Cohort {
    let mut lost = vec![0u64; age as usize];
    for _ in 0..size {
        let theta = rng.beta(a, b);
        // Period of loss: 1 + floor(ln U / ln(1 - theta)).
        let periods = (rng.uniform().ln() / (-theta).ln_1p()).floor();
        if periods < f64::from(age) {
            lost[periods as usize] += 1;
        }
    }
    Cohort::from_losses(size, &lost).expect("simulated counts are consistent")
}
