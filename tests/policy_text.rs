//! The policy's sentences and dates at their boundaries: price changes with and without a
//! sign, reprice levers that already break even or reach the target, and the review date of an
//! offboarding whose notice is due on the day of the assessment.

mod common;

use common::*;
use custfit::policy::{LeverKind, PriceChange};
use custfit::units::Ratio;
use custfit::{Action, Contract};

fn change(amount: &str, ratio: Option<&str>) -> PriceChange {
    PriceChange {
        amount: usd(amount),
        ratio: ratio.map(|r| Ratio::new(dec(r))),
    }
}

#[test]
fn a_price_change_shows_its_sign_only_when_it_rises() {
    assert_eq!(
        change("1500", Some("0.15")).to_string(),
        "1500.00 USD (+15.0%)"
    );
    assert_eq!(change("0", Some("0")).to_string(), "0.00 USD (0.0%)");
    assert_eq!(
        change("-800", Some("-0.08")).to_string(),
        "-800.00 USD (-8.0%)"
    );
    assert_eq!(change("700", None).to_string(), "700.00 USD");
}

#[test]
fn a_reprice_lever_says_when_price_alone_already_suffices() {
    let reprice = |break_even: &str, target: &str| LeverKind::Reprice {
        break_even: Some(change(break_even, Some("0"))),
        target: Some(change(target, Some("0.1"))),
        proposed: change("1000", Some("0.1")),
    };
    let text = reprice("0", "1000").to_string();
    assert!(text.contains("; already breaks even"), "{text}");
    assert!(
        text.contains("; alone, the target margin needs 1000.00 USD"),
        "{text}"
    );
    let text = reprice("400", "0").to_string();
    assert!(
        text.contains("; alone, break-even needs 400.00 USD"),
        "{text}"
    );
    assert!(text.ends_with("; already at the target margin"), "{text}");
}

#[test]
fn an_offboarding_whose_notice_is_due_today_is_reviewed_later() {
    // Notice of 30 days before a term ending on 14 February is due on 15 January: today.
    let contract = Contract::builder(d(2025, 2, 15), d(2026, 2, 14))
        .auto_renews(true)
        .renewal_notice_days(30);
    let c = dog("due").contract(contract).build().unwrap();
    let (_, r) = recommend(&c);
    assert_eq!(r.action, Action::Offboard, "{:?}", r.reasons);
    let plan = r.exit_plan.as_ref().unwrap();
    assert_eq!(plan.chosen.notice_deadline, as_of());
    // A review date is always after the assessment: here, as after a restructure.
    assert_eq!(r.review_on, d(2026, 4, 15));
    // A day earlier the deadline is ahead, and it is the review date.
    let early = Contract::builder(d(2025, 2, 16), d(2026, 2, 15))
        .auto_renews(true)
        .renewal_notice_days(30);
    let (_, r) = recommend(&dog("ahead").contract(early).build().unwrap());
    assert_eq!(r.review_on, d(2026, 1, 16));
}
