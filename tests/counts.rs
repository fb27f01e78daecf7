//! Custom features and feature requests known only by their number (an export that counts
//! them) cost, score and decide exactly like the same number of named ones.

mod common;

use common::*;
use custfit::customer::{RequestCounts, RequestScope};
use custfit::policy::LeverKind;
use custfit::{Customer, LeverPlan};
use proptest::prelude::*;

/// A restructure candidate with `features` custom features and `broad` / `custom` requests,
/// the first `named` of each kind named and the rest counted.
fn with_counts(features: u32, broad: u32, custom: u32, named: u32) -> Customer {
    let mut b = base("counted")
        .recurring_revenue(dec("60000"))
        .engineering_hours(dec("120"))
        .success_hours(dec("40"))
        .product_version("v2");
    let unnamed = |count: u32| count - count.min(named);
    for i in 0..features.min(named) {
        b = b.custom_feature(format!("feature {i}"));
    }
    b = b.unnamed_custom_features(unnamed(features));
    for (scope, count) in [(RequestScope::Broad, broad), (RequestScope::Custom, custom)] {
        for i in 0..count.min(named) {
            b = b.feature_request(format!("{scope} request {i}"), scope);
        }
        b = b.unnamed_feature_requests(scope, unnamed(count));
    }
    b.build().expect("valid customer")
}

#[test]
fn counts_add_to_the_named_ones() {
    let c = with_counts(5, 3, 4, 2);
    assert_eq!(c.activity().custom_features.len(), 2);
    assert_eq!(c.activity().unnamed_custom_features, 3);
    assert_eq!(c.activity().custom_feature_count(), 5);
    assert_eq!(c.feature_requests().len(), 4);
    assert_eq!(
        c.unnamed_feature_requests(),
        RequestCounts {
            broad: 1,
            custom: 2
        }
    );
    assert_eq!(c.feature_request_count(RequestScope::Broad), 3);
    assert_eq!(c.feature_request_count(RequestScope::Custom), 4);
}

#[test]
fn the_lever_names_what_it_knows_and_counts_the_rest() {
    let c = with_counts(3, 0, 0, 1);
    let a = assessor().assess(&c, as_of()).unwrap();
    let config = custfit::policy::LeverConfig::default();
    let plan = LeverPlan::new(&c, &a, &simple_model(), &config).unwrap();
    let lever = plan
        .levers
        .iter()
        .find(|l| matches!(l.kind, LeverKind::RemoveCustomFeatures { .. }))
        .expect("a custom-feature lever");
    assert_eq!(
        lever.kind,
        LeverKind::RemoveCustomFeatures {
            features: vec!["feature 0".into()],
            unnamed: 2
        }
    );
    // Simple model: 3,650 a year of upkeep per feature.
    assert_eq!(lever.margin_gain, usd("10950"));
    assert_eq!(
        lever.kind.to_string(),
        "consolidate or remove custom features: feature 0 and 2 more"
    );
}

#[test]
fn counts_survive_the_wire_and_unknown_count_fields_are_named() {
    let c = with_counts(4, 2, 1, 1);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["activity"]["unnamed_custom_features"], 3);
    assert_eq!(json["unnamed_feature_requests"]["broad"], 1);
    let back: Customer = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, c);

    // No counts: nothing extra on the wire, so older readers see the same records.
    let plain = serde_json::to_value(with_counts(0, 0, 0, 0)).unwrap();
    assert!(plain["activity"].get("unnamed_custom_features").is_none());
    assert!(plain.get("unnamed_feature_requests").is_none());

    let mut typo = json;
    typo["unnamed_feature_requests"] = serde_json::json!({ "brod": 2 });
    let e = serde_json::from_value::<Customer>(typo)
        .unwrap_err()
        .to_string();
    assert!(e.contains("customer `counted`"), "{e}");
    assert!(e.contains("unnamed_feature_requests.brod"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Named or counted, the same numbers give the same cost lines, scores, action, reasons
    /// and lever gains.
    #[test]
    fn counted_is_the_same_as_named(
        features in 0u32..6,
        broad in 0u32..5,
        custom in 0u32..5,
        named in 0u32..6,
    ) {
        let all_named = with_counts(features, broad, custom, u32::MAX);
        let counted = with_counts(features, broad, custom, named);
        let (a1, r1) = recommend(&all_named);
        let (a2, r2) = recommend(&counted);
        prop_assert_eq!(&a1.cost, &a2.cost);
        prop_assert_eq!(&a1.scorecard, &a2.scorecard);
        prop_assert_eq!(a1.quadrant, a2.quadrant);
        prop_assert_eq!(&a1.classification, &a2.classification);
        prop_assert_eq!(r1.action, r2.action);
        prop_assert_eq!(&r1.reasons, &r2.reasons);
        let gains = |r: &custfit::Recommendation| -> Vec<_> {
            r.levers.iter().flat_map(|p| p.levers.iter().map(|l| l.margin_gain)).collect()
        };
        prop_assert_eq!(gains(&r1), gains(&r2));
    }
}
