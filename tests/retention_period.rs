//! Retention models carry their period length; fits without a finite maximum are the
//! constant-churn limit; `converged` means the documented stop rule held.

mod common;

use common::*;
use custfit::assessment::{LifetimeValueConfig, Reason, SegmentKey};
use custfit::retention::{
    Cohort, FitOptions, FitOutcome, RetentionModel, RetentionModels, ShiftedBetaGeometric,
};
use custfit::Contract;
use proptest::prelude::*;

fn ltv_assessor(models: RetentionModels) -> custfit::Assessor {
    let mut config = assessment_config();
    config.lifetime_value = Some(LifetimeValueConfig {
        models,
        discount_rate: 0.10,
        segment_key: SegmentKey::Segment,
    });
    custfit::Assessor::new(simple_model(), config).unwrap()
}

fn annual_customer() -> custfit::Customer {
    healthy("annual")
        .contract(Contract::builder(d(2025, 1, 1), d(2025, 12, 31)))
        .build()
        .unwrap()
}

#[test]
fn a_monthly_model_is_never_applied_to_annual_contracts() {
    // Fitted on monthly renewals: applied to annual contracts as if annual, its lifetime
    // value would be decades of revenue. It is refused, naming the customer and the model.
    let monthly =
        RetentionModel::new(ShiftedBetaGeometric::new(0.7041, 1.182).unwrap(), 1).unwrap();
    let err = ltv_assessor(RetentionModels::new(monthly))
        .assess(&annual_customer(), as_of())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "customer `annual`: field `lifetime_value.models.default.period_months`: the retention model's period is 1 month, the contract renews every 12 months: give this renewal term a model of its own"
    );
    // A segment model of the right term is used instead.
    let annual =
        RetentionModel::new(ShiftedBetaGeometric::new(0.7041, 1.182).unwrap(), 12).unwrap();
    let models = RetentionModels::new(monthly).with_segment("mid-market", annual);
    let a = ltv_assessor(models)
        .assess(&annual_customer(), as_of())
        .unwrap();
    let ltv = a.lifetime_value.unwrap();
    assert_eq!(ltv.constant_churn, None);
    // Three renewals: the value is a few years of margin, not decades.
    let years = ltv.value.amount() / ltv.margin_per_period.amount();
    assert!(
        years > rust_decimal::Decimal::ONE && years < rust_decimal::Decimal::from(10),
        "{years}"
    );
    // A customer without a contract renews by the model's period.
    let no_contract = healthy("free").build().unwrap();
    let monthly_only = RetentionModels::new(monthly);
    assert!(ltv_assessor(monthly_only)
        .assess(&no_contract, as_of())
        .is_ok());
}

/// Survivors that fall by the same share every period: no heterogeneity at all.
fn geometric(size: u64, keep: f64, periods: usize) -> Vec<u64> {
    let mut curve = vec![size];
    for _ in 0..periods {
        let last = *curve.last().unwrap() as f64;
        curve.push((last * keep).round() as u64);
    }
    curve
}

#[test]
fn a_fit_without_a_finite_maximum_is_the_constant_churn_limit() {
    let cohort = Cohort::from_survivor_curve(&geometric(100_000, 0.8, 8)).unwrap();
    let fit = ShiftedBetaGeometric::fit(&[cohort]).unwrap();
    let FitOutcome::ConstantChurnLimit { churn } = fit.outcome else {
        panic!("expected the constant-churn limit, got {:?}", fit.outcome)
    };
    assert!((churn - 0.2).abs() < 0.002, "{churn}");
    assert!(fit.at_bound);
    let model = fit.retention_model(12).unwrap();
    assert_eq!(model.constant_churn_probability(), Some(churn));
    // Lifetime value uses the limit, and the assessment says so in its reasons.
    let a = ltv_assessor(RetentionModels::new(model))
        .assess(&annual_customer(), as_of())
        .unwrap();
    assert_eq!(
        a.lifetime_value.as_ref().unwrap().constant_churn,
        Some(churn)
    );
    let reasons = a.top_reasons(10);
    let limit = reasons
        .iter()
        .find(|r| matches!(r, Reason::ConstantChurnLimit { .. }))
        .expect("the limit is a reason");
    assert!(limit.to_string().contains("constant-churn limit"));
    // Heterogeneous data still give a maximum.
    let regular = Cohort::from_survivor_curve(&[1000, 631, 468, 382, 326, 289, 262, 241]).unwrap();
    assert_eq!(
        ShiftedBetaGeometric::fit(&[regular]).unwrap().outcome,
        FitOutcome::Maximum
    );
}

#[test]
fn the_sbg_model_tends_to_the_constant_churn_model() {
    let flat = RetentionModel::constant_churn(0.2, 12).unwrap();
    let limit = flat.derl(0.10, 0).unwrap();
    assert!((limit - 0.8 * 1.1 / 0.3).abs() < 1e-12);
    // DEL = 1 + DERL(d, 0) / (1 + d) holds for the limit too.
    let del = flat.discounted_expected_lifetime(0.10).unwrap();
    assert!((del - (1.0 + limit / 1.1)).abs() < 1e-12);
    let mut previous = f64::INFINITY;
    for k in [1e1, 1e3, 1e5] {
        let sbg = ShiftedBetaGeometric::new(0.2 * k, 0.8 * k).unwrap();
        let gap = (sbg.derl(0.10, 3).unwrap() - flat.derl(0.10, 3).unwrap()).abs();
        assert!(gap < previous, "{k}: {gap}");
        previous = gap;
    }
    assert!(previous < 1e-3, "{previous}");
}

#[test]
fn converged_means_the_documented_stop_rule_held() {
    let cohort = Cohort::from_survivor_curve(&[1000, 631, 468, 382, 326, 289, 262, 241]).unwrap();
    let fit = ShiftedBetaGeometric::fit(std::slice::from_ref(&cohort)).unwrap();
    assert!(fit.converged);
    assert!(fit.gradient_norm <= 1e-9 * fit.log_likelihood.abs().max(1.0));
    let stopped = ShiftedBetaGeometric::fit_with(
        std::slice::from_ref(&cohort),
        &FitOptions::default()
            .max_iterations(1)
            .require_convergence(false),
    )
    .unwrap();
    assert!(!stopped.converged);
    assert!(stopped.gradient_norm > 1e-9 * stopped.log_likelihood.abs().max(1.0));
    assert!(
        ShiftedBetaGeometric::fit_with(&[cohort], &FitOptions::default().max_iterations(1))
            .is_err()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Degenerate and arbitrary cohorts never panic: a fit is an error, a maximum with finite
    /// parameters in the search range, or the constant-churn limit with a probability.
    #[test]
    fn fitting_any_survivor_curve_never_panics(
        first in prop_oneof![Just(0u64), 1u64..10, 10u64..1_000_000, Just(u64::MAX / 4)],
        keeps in proptest::collection::vec(0.0f64..=1.0, 0..12),
    ) {
        let mut curve = vec![first];
        for k in keeps {
            let last = *curve.last().unwrap() as f64;
            curve.push((last * k).floor() as u64);
        }
        let Ok(cohort) = Cohort::from_survivor_curve(&curve) else { return Ok(()) };
        match ShiftedBetaGeometric::fit_with(&[cohort], &FitOptions::default().require_convergence(false)) {
            Err(_) => {}
            Ok(fit) => {
                prop_assert!(fit.model.alpha().is_finite() && fit.model.beta().is_finite());
                prop_assert!(fit.log_likelihood.is_finite());
                if let FitOutcome::ConstantChurnLimit { churn } = fit.outcome {
                    prop_assert!((0.0..=1.0).contains(&churn));
                    let model = fit.retention_model(12).unwrap();
                    prop_assert!(model.derl(0.1, 0).unwrap().is_finite());
                }
            }
        }
    }
}
