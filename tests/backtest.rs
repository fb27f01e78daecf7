//! Back-testing: the AUC is exact (against counting every pair), depends only on the order of
//! the scores, and reads as the articles' question — do the scores tell the customers who
//! stayed from those who churned?

mod common;

use common::*;
use custfit::assessment::scoring::Rag;
use custfit::assessment::Dimension;
use custfit::customer::LifecycleStage;
use custfit::history::{auc, back_test, Observation, Outcome};
use custfit::units::Probability;
use custfit::{Action, Error};
use proptest::prelude::*;

/// Twice the favorable-over-other pair count, by brute force.
fn brute_force(pairs: &[(f64, bool)]) -> Option<f64> {
    let fav: Vec<f64> = pairs.iter().filter(|p| p.1).map(|p| p.0).collect();
    let oth: Vec<f64> = pairs.iter().filter(|p| !p.1).map(|p| p.0).collect();
    if fav.is_empty() || oth.is_empty() {
        return None;
    }
    let mut twice = 0u128;
    for f in &fav {
        for o in &oth {
            twice += match f.partial_cmp(o) {
                Some(std::cmp::Ordering::Greater) => 2,
                Some(std::cmp::Ordering::Equal) => 1,
                _ => 0,
            };
        }
    }
    Some(twice as f64 / (2 * fav.len() as u128 * oth.len() as u128) as f64)
}

fn pairs() -> impl Strategy<Value = Vec<(f64, bool)>> {
    // Scores on a coarse grid, so that ties are common.
    prop::collection::vec(
        ((0u8..=20).prop_map(|s| f64::from(s) * 5.0), any::<bool>()),
        0..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_auc_is_exact_and_in_range(p in pairs()) {
        let d = auc(p.iter().copied());
        prop_assert_eq!(d.auc, brute_force(&p));
        prop_assert_eq!(d.customers, p.len() as u64);
        prop_assert_eq!(d.favorable, p.iter().filter(|x| x.1).count() as u64);
        if let Some(a) = d.auc {
            prop_assert!((0.0..=1.0).contains(&a));
            // Swapping the groups mirrors it.
            let flipped = auc(p.iter().map(|&(s, f)| (s, !f))).auc.unwrap();
            prop_assert!((a + flipped - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn the_auc_depends_only_on_the_order_of_the_scores(p in pairs()) {
        let a = auc(p.iter().copied()).auc;
        for transform in [
            |s: f64| 3.0 * s + 7.0,
            |s: f64| (s / 25.0).exp(),
            |s: f64| s * s * s - 1000.0,
        ] {
            prop_assert_eq!(auc(p.iter().map(|&(s, f)| (transform(s), f))).auc, a);
        }
    }

    #[test]
    fn a_perfect_ranking_is_one_and_its_reverse_zero(
        n_stayed in 1usize..30, n_churned in 1usize..30, gap in 0.5f64..50.0,
    ) {
        let ranked: Vec<(f64, bool)> = (0..n_stayed)
            .map(|i| (100.0 + gap + i as f64, true))
            .chain((0..n_churned).map(|i| (100.0 - i as f64, false)))
            .collect();
        prop_assert_eq!(auc(ranked.iter().copied()).auc, Some(1.0));
        prop_assert_eq!(auc(ranked.iter().map(|&(s, f)| (-s, f))).auc, Some(0.0));
    }

    #[test]
    fn deciles_cover_every_customer_in_near_equal_parts(
        scores in prop::collection::vec((0u8..=100, any::<bool>()), 1..80),
    ) {
        let observations: Vec<Observation> = scores
            .iter()
            .enumerate()
            .map(|(i, &(s, churned))| {
                let outcome = if churned { Outcome::CHURNED } else { Outcome::STAYED };
                Observation::of(format!("c{i}").parse().unwrap(), f64::from(s), Rag::Amber, Action::Retain, outcome)
            })
            .collect();
        let t = back_test(&observations).unwrap();
        prop_assert_eq!(t.deciles.iter().map(|d| d.customers).sum::<u64>(), t.customers);
        prop_assert_eq!(t.deciles.iter().map(|d| d.churned).sum::<u64>(), t.churned);
        let sizes: Vec<u64> = t.deciles.iter().map(|d| d.customers).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        prop_assert_eq!(t.deciles.len(), scores.len().min(10));
        for w in t.deciles.windows(2) {
            prop_assert!(w[0].max_score <= w[1].min_score);
            prop_assert!(w[0].decile < w[1].decile);
        }
    }
}

fn seen(id: &str, overall: f64, rag: Rag, action: Action, outcome: Outcome) -> Observation {
    Observation::of(id.parse().unwrap(), overall, rag, action, outcome)
}

#[test]
fn a_back_test_reads_churn_by_score_action_and_dimension() {
    let observations = vec![
        seen("a", 92.0, Rag::Green, Action::Invest, Outcome::STAYED)
            .with_dimension(Dimension::Margin, 90.0)
            .with_dimension(Dimension::GrowthPotential, 80.0),
        seen("b", 81.0, Rag::Green, Action::Retain, Outcome::CHURNED)
            .with_dimension(Dimension::Margin, 85.0)
            .with_dimension(Dimension::GrowthPotential, 20.0),
        seen(
            "c",
            64.0,
            Rag::Amber,
            Action::Retain,
            Outcome::STAYED.with_expanded(true),
        )
        .with_dimension(Dimension::GrowthPotential, 70.0),
        seen("d", 31.0, Rag::Red, Action::Offboard, Outcome::CHURNED)
            .with_dimension(Dimension::Margin, 10.0),
        seen(
            "e",
            55.0,
            Rag::Amber,
            Action::Restructure,
            Outcome::STAYED.with_expanded(false),
        )
        .with_dimension(Dimension::GrowthPotential, 30.0),
        // Not live when assessed: left out.
        seen("f", 10.0, Rag::Red, Action::LookBack, Outcome::CHURNED)
            .with_stage(LifecycleStage::Churned),
        seen("g", 50.0, Rag::Amber, Action::Invest, Outcome::STAYED)
            .with_stage(LifecycleStage::Prospect),
    ];
    let t = back_test(&observations).unwrap();
    assert_eq!((t.customers, t.left_out, t.churned), (5, 2, 2));
    assert_eq!(t.churn_rate, Some(0.4));
    // Stayed a, c, e (92, 64, 55) against churned b, d (81, 31): a above both, c and e above
    // d only: 4 of 6 pairs.
    assert_eq!(t.overall.auc, Some(4.0 / 6.0));
    // Margin is known for a, b, d: a (stayed, 90) above both churned.
    assert_eq!(t.dimensions.get(Dimension::Margin).auc, Some(1.0));
    assert_eq!(t.dimensions.get(Dimension::Margin).customers, 3);
    assert_eq!(t.dimensions.get(Dimension::ProductInfluence).auc, None);
    // Milder actions stayed: invest(a) > retain(b, c) > restructure(e) > offboard(d).
    // Pairs (stayed, churned): a>b, a>d, c=b (half), c>d, e<b, e>d: 4.5 of 6.
    assert_eq!(t.action.auc, Some(0.75));
    // Growth against expansion, where known: c (70) expanded, e (30) did not.
    assert_eq!(t.growth_vs_expansion.auc, Some(1.0));
    assert_eq!(t.growth_vs_expansion.customers, 2);
    // Churned while green: b only.
    assert_eq!(t.churned_while_green.len(), 1);
    assert_eq!(t.churned_while_green[0].customer.as_str(), "b");
    assert_eq!(t.churned_while_green[0].overall, 81.0);
    // Five customers, five deciles of one; the lowest (d) churned: lift 1 / 0.4.
    assert_eq!(t.deciles.len(), 5);
    assert_eq!(t.deciles[0].customers, 1);
    assert_eq!(t.deciles[0].lift, Some(2.5));
    assert_eq!(t.deciles[0].min_score, 31.0);
    assert_eq!(t.deciles[4].lift, Some(0.0));
    assert!(t.calibration.is_empty() && t.brier_score.is_none());
}

#[test]
fn stated_renewal_probabilities_are_checked_for_calibration() {
    let p = |x: f64| Probability::new(x).unwrap();
    let observations = vec![
        seen("a", 80.0, Rag::Green, Action::Retain, Outcome::STAYED)
            .with_renewal_probability(p(0.95)),
        seen("b", 80.0, Rag::Green, Action::Retain, Outcome::STAYED)
            .with_renewal_probability(p(0.9)),
        seen("c", 80.0, Rag::Green, Action::Retain, Outcome::CHURNED)
            .with_renewal_probability(p(1.0)),
        seen("d", 40.0, Rag::Red, Action::Retain, Outcome::CHURNED)
            .with_renewal_probability(p(0.15)),
        seen("e", 40.0, Rag::Red, Action::Retain, Outcome::STAYED),
    ];
    let t = back_test(&observations).unwrap();
    assert_eq!(t.calibration.len(), 2);
    let (low, high) = (&t.calibration[0], &t.calibration[1]);
    assert_eq!((low.from, low.customers, low.observed), (0.1, 1, 0.0));
    assert!((low.stated - 0.15).abs() < 1e-12);
    // 0.9, 0.95 and 1.0 share the top bin (1.0 included); two of three renewed.
    assert_eq!((high.from, high.customers), (0.9, 3));
    assert!((high.stated - 0.95).abs() < 1e-12);
    assert!((high.observed - 2.0 / 3.0).abs() < 1e-12);
    // Brier: (0.05² + 0.1² + 1² + 0.15²) / 4.
    let expected = (0.0025 + 0.01 + 1.0 + 0.0225) / 4.0;
    assert!((t.brier_score.unwrap() - expected).abs() < 1e-12);
}

#[test]
fn a_score_that_is_not_a_number_is_refused_naming_the_customer() {
    let bad = vec![seen(
        "x",
        f64::NAN,
        Rag::Red,
        Action::Retain,
        Outcome::STAYED,
    )];
    let err = back_test(&bad).unwrap_err();
    assert!(matches!(err, Error::InvalidField { .. }));
    assert_eq!(
        err.to_string(),
        "customer `x`: field `overall`: must lie in a finite score, got NaN"
    );
    let bad = vec![seen("y", 50.0, Rag::Red, Action::Retain, Outcome::STAYED)
        .with_dimension(Dimension::Margin, f64::INFINITY)];
    assert_eq!(
        back_test(&bad).unwrap_err().field(),
        Some("dimensions.margin")
    );
    // Nothing to test is an empty result, not an error.
    let empty = back_test(&[]).unwrap();
    assert_eq!(
        (empty.customers, empty.churn_rate, empty.overall.auc),
        (0, None, None)
    );
    assert!(empty.deciles.is_empty());
}

#[test]
fn observations_come_from_real_assessments() {
    let (a, r) = recommend(&healthy("h").build().unwrap());
    let o = Observation::new(&a, &r, Outcome::STAYED);
    assert_eq!(o.overall, a.effective_overall());
    assert_eq!(o.action, r.action);
    assert_eq!(o.rag, a.scorecard.grade.rag);
    assert_eq!(
        *o.dimensions.get(Dimension::Margin),
        a.effective_score(Dimension::Margin)
    );
    assert_eq!(o.stage, LifecycleStage::Active);
    // The customer's renewal intent (0.85 in the fixture) is the stated probability.
    assert_eq!(o.renewal_probability, Some(Probability::new(0.85).unwrap()));
}
