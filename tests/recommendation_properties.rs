//! Property tests of recommendations and exit plans.

mod common;

use common::*;
use custfit::customer::BrandTier;
use custfit::policy::{ExitConfig, ExitRoute};
use custfit::{Action, Contract, ExitPlan};
use proptest::prelude::*;

/// A customer from generated facts; the knobs are what the properties improve.
#[derive(Debug, Clone)]
struct Knobs {
    engineering: i64,
    revenue: i64,
    whitespace: i64,
    likelihood: f64,
    brand: u8,
    attendance: i64,
    outcomes: i64,
    goals: u32,
    broad: bool,
    new: bool,
    reset: Option<u32>,
    prospect: bool,
    logo: bool,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (0i64..3_000, 1i64..300, 0i64..200_000, 0.0f64..1.0, 0u8..3),
        (
            0i64..=100,
            0i64..=100,
            0u32..8,
            any::<bool>(),
            any::<bool>(),
        ),
        (
            proptest::option::of(0u32..700),
            prop::bool::weighted(0.1),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (engineering, revenue, whitespace, likelihood, brand),
                (attendance, outcomes, goals, broad, new),
                (reset, prospect, logo),
            )| Knobs {
                engineering,
                revenue,
                whitespace,
                likelihood,
                brand,
                attendance,
                outcomes,
                goals,
                broad,
                new,
                reset,
                prospect,
                logo,
            },
        )
}

fn build(k: &Knobs) -> custfit::Customer {
    let tier = [
        BrandTier::Local,
        BrandTier::Regional,
        BrandTier::National,
        BrandTier::Global,
    ][usize::from(k.brand.min(3))];
    let mut b = base("k")
        .industry("logistics")
        .use_case("fleet-tracking")
        .recurring_revenue(rust_decimal::Decimal::from(k.revenue * 1_000))
        .engineering_hours(rust_decimal::Decimal::from(k.engineering))
        .success_hours(dec("40"))
        .expansion_whitespace(rust_decimal::Decimal::from(k.whitespace))
        .growth_likelihood(k.likelihood)
        .brand_tier(tier)
        .referenceable(k.logo)
        .case_study(k.logo)
        .meeting_attendance(rust_decimal::Decimal::new(k.attendance, 2))
        .plan_adherence(rust_decimal::Decimal::new(k.attendance, 2))
        .content_consumed(dec("0.8"))
        .outcomes_achieved(rust_decimal::Decimal::new(k.outcomes, 2))
        .goal_changes(k.goals)
        .renewal_intent(0.5)
        .contract(
            Contract::builder(d(2025, 4, 1), d(2026, 3, 31))
                .auto_renews(true)
                .renewal_notice_days(30),
        );
    if k.broad {
        b = b.feature_request("bulk import", custfit::customer::RequestScope::Broad);
    }
    if k.new {
        b = b.customer_since(d(2025, 11, 1));
    }
    if let Some(days) = k.reset {
        b = b.last_expectation_reset(d(2024, 1, 1) + chrono::Days::new(u64::from(days)));
    }
    if k.prospect {
        b = b.stage(custfit::customer::LifecycleStage::Prospect);
    }
    b.build().unwrap()
}

fn action(k: &Knobs) -> Action {
    recommend(&build(k)).1.action
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// The recommendation never becomes harsher when only logo value, growth potential or
    /// margin improves (harshness: invest < retain < restructure < offboard).
    #[test]
    fn never_harsher_when_only_logo_growth_or_margin_improves(k in knobs(), less in 1i64..1_000, more in 1i64..200_000) {
        let before = action(&k).harshness();
        let mut logo = k.clone();
        logo.brand = (k.brand + 1).min(3);
        logo.logo = true;
        let mut growth = k.clone();
        growth.whitespace += more;
        let mut margin = k.clone();
        margin.engineering = (k.engineering - less).max(0);
        for (what, better) in [("logo", logo), ("growth", growth), ("margin", margin)] {
            let after = action(&better).harshness();
            prop_assert!(after <= before, "{what} improved but harshness rose from {before} to {after}");
        }
    }

    /// Exit dates are never before `as_of` nor earlier than the contract allows, and the chosen
    /// option is never the more expensive one.
    #[test]
    fn exit_plans_respect_the_calendar_and_the_money(
        start in 0u32..1_500, term_months in 1u32..37, renewal_months in 1u32..13, notice in 0u32..120,
        auto in any::<bool>(),
        terminate in proptest::option::of((0u32..200, 0i64..50_000)), as_of_offset in 0u32..2_000,
        per_day in -500i64..500,
    ) {
        let term_start = d(2023, 1, 1) + chrono::Days::new(u64::from(start));
        let term_end = term_start.checked_add_months(chrono::Months::new(term_months)).unwrap().pred_opt().unwrap();
        let term_days = (term_end - term_start).num_days() + 1;
        let mut contract = Contract::builder(term_start, term_end)
            .auto_renews(auto)
            .renewal_term_months(renewal_months)
            .renewal_notice_days(notice.min(u32::try_from(term_days - 1).unwrap()));
        if let Some((days, fee)) = terminate {
            contract = contract.terminate_for_convenience(days.min(u32::try_from(term_days - 1).unwrap()), usd(&fee.to_string()));
        }
        let customer = base("e").contract(contract).build().unwrap();
        let as_of = d(2023, 6, 1) + chrono::Days::new(u64::from(as_of_offset));
        let plan = ExitPlan::new(&customer, usd(&per_day.to_string()), as_of, &ExitConfig::default()).unwrap();
        let c = customer.contract().unwrap();
        for option in std::iter::once(&plan.chosen).chain(plan.alternative.as_ref()) {
            prop_assert!(option.end_of_service >= as_of);
            prop_assert!(option.notice_deadline >= as_of);
            prop_assert!(option.notice_deadline <= option.end_of_service);
            match option.route {
                ExitRoute::NonRenewal => prop_assert!(option.end_of_service >= c.term_end()),
                ExitRoute::TerminationForConvenience => {
                    let custfit::customer::VendorTermination::Allowed { notice_days, .. } = c.vendor_termination() else {
                        return Err(TestCaseError::fail("early exit without the right to it"));
                    };
                    prop_assert!(option.end_of_service >= as_of + chrono::Days::new(u64::from(*notice_days)));
                }
                _ => {}
            }
        }
        if let Some(alt) = &plan.alternative {
            prop_assert!(plan.chosen.money.amount() >= alt.money.amount());
        }
        prop_assert!(plan.data_export_deadline >= plan.chosen.end_of_service);
    }
}
