//! The wire format is as strict as the builder: misspelt fields are refused, not ignored for a
//! default, and decimals never pass through floating point.

use custfit::{Config, Customer};

type Edit = fn(&mut serde_json::Value);

/// A record as text with its `id` first, as exports write it; `edit` changes the rest.
fn customer(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Customer, String> {
    let mut v = serde_json::json!({
        "name": "Wire", "currency": "USD", "stage": "active",
        "customer_since": "2023-01-01", "recurring_revenue": "1000.00 USD",
        "activity": { "period": { "start": "2025-01-01", "end": "2025-12-31" } }
    });
    edit(&mut v);
    let rest = v.to_string();
    let text = format!("{{\"id\":\"w\",{}", &rest[1..]);
    serde_json::from_str::<Customer>(&text)
        .map_err(|e| e.to_string().split(" at line ").next().unwrap().to_owned())
}

#[test]
fn a_valid_record_reads() {
    assert!(customer(|_| {}).is_ok());
}

#[test]
fn misspelt_fields_are_refused_not_ignored() {
    let cases: [(&str, Edit); 4] = [
        ("one_time_revenu", |v| {
            v["one_time_revenu"] = "10 USD".into()
        }),
        ("acquisiton_cost", |v| {
            v["acquisiton_cost"] = "10 USD".into()
        }),
        ("engineering_hour", |v| {
            v["activity"]["engineering_hour"] = "10".into()
        }),
        ("meeting_atendance", |v| {
            v["behavior"] = serde_json::json!({ "meeting_atendance": "0.5" })
        }),
    ];
    for (field, edit) in cases {
        let err = customer(edit).unwrap_err();
        assert!(err.starts_with("customer `w`: field `"), "{field}: {err}");
        assert!(err.contains("unknown field"), "{field}: {err}");
        assert!(err.contains(field), "{field}: {err}");
    }
    // Exactly, for one at the top level and one inside the activity.
    assert_eq!(
        customer(|v| v["one_time_revenu"] = "10 USD".into())
            .unwrap_err()
            .split(", expected")
            .next()
            .unwrap(),
        "customer `w`: field `one_time_revenu`: unknown field"
    );
    let nested = customer(|v| v["activity"]["engineering_hour"] = "10".into()).unwrap_err();
    assert!(
        nested.starts_with(
            "customer `w`: field `activity.engineering_hour`: unknown field `engineering_hour`"
        ),
        "{nested}"
    );
}

#[test]
fn wire_errors_name_the_full_path_of_a_nested_field() {
    let tickets = serde_json::json!([
        { "severity": "low", "count": 3 },
        { "severity": "high", "count": 1, "handling_hours": "2" },
        { "severity": "normal", "count": 2, "handling_hours": 1.5 },
    ]);
    let err = customer(|v| v["activity"]["tickets"] = tickets).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `activity.tickets[2].handling_hours`: invalid type"),
        "{err}"
    );
    let contract = serde_json::json!({
        "term_start": "2025-01-01", "term_end": "2025-12-31",
        "sla": { "tier": "premium", "standby_hours_per_month": "-4" }
    });
    let err = customer(|v| v["contract"] = contract).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `contract.sla.standby_hours_per_month`: "),
        "{err}"
    );
    let err = customer(|v| v["activity"]["period"]["end"] = "2025-02-30".into()).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `activity.period.end`: "),
        "{err}"
    );
    let err =
        customer(|v| v["feature_requests"] = serde_json::json!([{ "titel": "x" }])).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `feature_requests[0].titel`: unknown field"),
        "{err}"
    );
}

#[test]
fn configuration_wire_errors_name_the_full_path() {
    let cases = [
        (
            r#"{ "scorecard": { "weights": { "marign": 2.0 } } }"#,
            "configuration field `scorecard.weights.marign`: unknown field `marign`",
        ),
        (
            r#"{ "policy": { "levers": { "target_margin": 0.2 } } }"#,
            "configuration field `policy.levers.target_margin`: invalid type",
        ),
        (
            r#"{ "cost_model": { "overhead_shar": "0.1" } }"#,
            "configuration field `cost_model.overhead_shar`: unknown field `overhead_shar`",
        ),
        (
            r#"{ "assessment": { "segmentation": { "growth_line": "high" } } }"#,
            "configuration field `assessment.segmentation.growth_line`: invalid type",
        ),
        (
            r#"{ "scorecard": { "weights_by_stage": { "onboarding": { "margin": "x" } } } }"#,
            "configuration field `scorecard.weights_by_stage.onboarding.margin`: invalid type",
        ),
    ];
    for (json, start) in cases {
        let err = serde_json::from_str::<Config>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(start), "{json}: {err}");
    }
}

#[test]
fn wire_errors_name_the_customer_and_the_field() {
    let err = customer(|v| v["recurring_revenue"] = serde_json::json!(1000)).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `recurring_revenue`: "),
        "{err}"
    );
    let err = customer(|v| {
        v.as_object_mut().unwrap().remove("activity");
    })
    .unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `activity`: missing"),
        "{err}"
    );
    let err = customer(|v| v["customer_since"] = "2023-02-29".into()).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `customer_since`: "),
        "{err}"
    );
    // The builder's own errors keep their full path.
    let err = customer(|v| v["activity"]["engineering_hours"] = "-5".into()).unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `activity.engineering_hours`: "),
        "{err}"
    );
}

#[test]
fn misspelt_configuration_fields_are_refused() {
    for (json, field) in [
        (
            r#"{ "cost_model": { "overhead_shar": "0.1" } }"#,
            "overhead_shar",
        ),
        (
            r#"{ "policy": { "min_offboard_signal": 3 } }"#,
            "min_offboard_signal",
        ),
        (
            r#"{ "scorecard": { "weights": { "marign": 2.0 } } }"#,
            "marign",
        ),
        (
            r#"{ "assessment": { "segmentation": { "growth_lin": 40.0 } } }"#,
            "growth_lin",
        ),
        (
            r#"{ "portfolio": { "use_portfolio_medain": false } }"#,
            "use_portfolio_medain",
        ),
        (r#"{ "polcy": {} }"#, "polcy"),
    ] {
        let err = serde_json::from_str::<Config>(json)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("unknown field `{field}`")),
            "{json}: {err}"
        );
    }
}

#[test]
fn decimals_never_pass_through_floating_point() {
    // As a JSON number, 12345678901234567.89 hours would become 12345678901234568: refused.
    let err =
        customer(|v| v["activity"]["engineering_hours"] = serde_json::json!(12345678901234567.89))
            .unwrap_err();
    assert!(err.contains("expected a Decimal"), "{err}");
    // As a string it is exact, and then refused as beyond the bounds of a record, not
    // rounded into them.
    let err = customer(|v| v["activity"]["engineering_hours"] = "12345678901234567.89".into())
        .unwrap_err();
    assert!(err.ends_with("got 12345678901234567.89"), "{err}");
    let c = customer(|v| v["activity"]["engineering_hours"] = "123456789.0123".into()).unwrap();
    assert_eq!(
        c.activity().engineering_hours.get().to_string(),
        "123456789.0123"
    );
    // A share of 1.00000000000000001 is more than 100 %: refused, not rounded to 100 %.
    let err = customer(|v| {
        v["behavior"] = serde_json::json!({ "plan_adherence": "1.00000000000000001" })
    })
    .unwrap_err();
    assert!(err.contains("behavior.plan_adherence"), "{err}");
    // Configuration decimals too.
    let err =
        serde_json::from_str::<Config>(r#"{ "policy": { "levers": { "target_margin": 0.2 } } }"#)
            .unwrap_err()
            .to_string();
    assert!(err.contains("expected a Decimal"), "{err}");
}

/// A JSON array is never read positionally into a struct (or an internally tagged enum): serde
/// would, so that `"behavior": ["0.9", "0.1"]` set attendance and adherence.
#[test]
fn arrays_are_not_read_as_structs() {
    let cases: [(&str, Edit); 4] = [
        ("behavior", |v| {
            v["behavior"] = serde_json::json!(["0.9", "0.1"])
        }),
        ("logo", |v| v["logo"] = serde_json::json!([true, true])),
        ("activity.period", |v| {
            v["activity"]["period"] = serde_json::json!(["2025-01-01", "2025-12-31"])
        }),
        ("contract.vendor_termination", |v| {
            v["contract"] = serde_json::json!({
                "term_start": "2025-01-01", "term_end": "2025-12-31",
                "vendor_termination": ["allowed", 30, "10.00 USD"]
            })
        }),
    ];
    for (field, edit) in cases {
        let err = customer(edit).unwrap_err();
        assert!(
            err.starts_with(&format!(
                "customer `w`: field `{field}`: invalid type: sequence"
            )),
            "{field}: {err}"
        );
    }
    for (json, field) in [
        (r#"{ "policy": [3] }"#, "policy"),
        (r#"{ "policy": { "levers": [0.2] } }"#, "policy.levers"),
        (
            r#"{ "assessment": { "plausible": { "whitespace_ratio": [0, 1] } } }"#,
            "assessment.plausible.whitespace_ratio",
        ),
    ] {
        let err = serde_json::from_str::<Config>(json)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "configuration field `{field}`: invalid type: sequence"
            )),
            "{json}: {err}"
        );
    }
}

/// A key repeated in a map is refused, not silently resolved to the last value (sponsors,
/// alternatives, weights by stage).
#[test]
fn a_key_given_twice_in_a_map_is_refused() {
    let cases = [
        (
            r#"{ "policy": { "exit": { "sponsors": { "smb": "A", "smb": "B" } } } }"#,
            "configuration field `policy.exit.sponsors`: the key `smb` is given twice",
        ),
        (
            r#"{ "policy": { "exit": { "alternatives": { "smb": ["X"], "smb": ["Y"] } } } }"#,
            "configuration field `policy.exit.alternatives`: the key `smb` is given twice",
        ),
        (
            r#"{ "scorecard": { "weights_by_stage": { "onboarding": { "margin": 1.0 }, "onboarding": { "margin": 2.0 } } } }"#,
            "configuration field `scorecard.weights_by_stage`: the key `onboarding` is given twice",
        ),
    ];
    for (json, expected) in cases {
        let err = serde_json::from_str::<Config>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(expected), "{json}: {err}");
    }
    // The same keys once each read fine.
    let ok = r#"{ "policy": { "exit": { "sponsors": { "smb": "A", "enterprise": "B" } } } }"#;
    assert!(serde_json::from_str::<Config>(ok).is_ok());
}

/// Our right to terminate refuses a misspelt field: the fee decides the exit money.
#[test]
fn vendor_termination_refuses_unknown_fields() {
    let err = customer(|v| {
        v["contract"] = serde_json::json!({
            "term_start": "2025-01-01", "term_end": "2025-12-31",
            "vendor_termination": { "right": "allowed", "notice_days": 30, "fee": "0.00 USD", "fees": "5000.00 USD" }
        })
    })
    .unwrap_err();
    assert!(
        err.starts_with(
            "customer `w`: field `contract.vendor_termination.fees`: unknown field `fees`"
        ),
        "{err}"
    );
    let err = customer(|v| {
        v["contract"] = serde_json::json!({
            "term_start": "2025-01-01", "term_end": "2025-12-31",
            "vendor_termination": { "right": "not_allowed", "fee": "5000.00 USD" }
        })
    })
    .unwrap_err();
    assert!(
        err.starts_with("customer `w`: field `contract.vendor_termination.fee`: given for a contract that does not allow termination for convenience"),
        "{err}"
    );
    // Both forms still read and round-trip.
    for right in [
        serde_json::json!({ "right": "allowed", "notice_days": 30, "fee": "5000.00 USD" }),
        serde_json::json!({ "right": "not_allowed" }),
    ] {
        let v: custfit::customer::VendorTermination =
            serde_json::from_value(right.clone()).unwrap();
        assert_eq!(serde_json::to_value(&v).unwrap(), right);
    }
}
