//! Exit plans (seed 001 "The Art of the Customer Breakup"): dates from the contract and
//! `as_of`, the money of each way out, and the edge cases of the calendar.

mod common;

use common::*;
use custfit::policy::{ExitConfig, ExitRoute};
use custfit::{Contract, ExitPlan};

fn plan(
    contract: Option<custfit::customer::ContractBuilder>,
    per_day: &str,
    as_of: chrono::NaiveDate,
) -> ExitPlan {
    let mut b = base("x").segment("smb");
    if let Some(c) = contract {
        b = b.contract(c);
    }
    let config = ExitConfig {
        default_sponsor: Some("COO".into()),
        alternatives: [("smb".to_owned(), vec!["SimpleFleet".to_owned()])].into(),
        ..ExitConfig::default()
    };
    ExitPlan::new(&b.build().unwrap(), usd(per_day), as_of, &config).unwrap()
}

#[test]
fn leap_day_term_end() {
    let p = plan(
        Some(
            Contract::builder(d(2027, 3, 1), d(2028, 2, 29))
                .renewal_notice_days(60)
                .data_export_days(30),
        ),
        "-10",
        d(2027, 6, 1),
    );
    assert_eq!(p.chosen.route, ExitRoute::NonRenewal);
    assert_eq!(p.chosen.notice_deadline, d(2027, 12, 31));
    assert_eq!(p.chosen.end_of_service, d(2028, 2, 29));
    assert_eq!(p.data_export_deadline, d(2028, 3, 30));
}

#[test]
fn month_end_term_with_a_passed_deadline_rolls_into_the_next_term() {
    // Notice was due on 2026-01-01; on 2026-01-15 an auto-renewing contract runs one more term.
    let contract = Contract::builder(d(2025, 2, 1), d(2026, 1, 31))
        .auto_renews(true)
        .renewal_notice_days(30);
    let p = plan(Some(contract), "-10", d(2026, 1, 15));
    assert_eq!(p.chosen.end_of_service, d(2027, 1, 31));
    assert_eq!(p.chosen.notice_deadline, d(2027, 1, 1));
    // Without auto-renewal the term simply expires; notice is given now as a courtesy.
    let fixed = Contract::builder(d(2025, 2, 1), d(2026, 1, 31)).renewal_notice_days(30);
    let p = plan(Some(fixed), "-10", d(2026, 1, 15));
    assert_eq!(p.chosen.end_of_service, d(2026, 1, 31));
    assert_eq!(p.chosen.notice_deadline, d(2026, 1, 15));
}

#[test]
fn a_term_already_ended_rolls_forward_or_leaves_no_contract() {
    let rolling = Contract::builder(d(2023, 1, 1), d(2023, 12, 31))
        .auto_renews(true)
        .renewal_notice_days(60);
    let p = plan(Some(rolling), "-10", d(2026, 1, 15));
    assert_eq!(p.chosen.end_of_service, d(2026, 12, 31));
    assert_eq!(p.chosen.notice_deadline, d(2026, 11, 1));
    let lapsed = Contract::builder(d(2023, 1, 1), d(2023, 12, 31));
    let p = plan(Some(lapsed), "-10", d(2026, 1, 15));
    assert_eq!(p.chosen.route, ExitRoute::NoContract);
    assert_eq!(p.chosen.end_of_service, d(2026, 2, 14));
    let p = plan(None, "-10", d(2026, 1, 15));
    assert_eq!(p.chosen.route, ExitRoute::NoContract);
}

#[test]
fn notice_longer_than_what_is_left_of_the_term_offers_no_early_exit() {
    let contract = Contract::builder(d(2025, 3, 1), d(2026, 2, 14))
        .renewal_notice_days(60)
        .terminate_for_convenience(90, usd("5000"));
    let p = plan(Some(contract), "-100", d(2026, 1, 15));
    assert_eq!(p.chosen.route, ExitRoute::NonRenewal);
    assert_eq!(p.chosen.end_of_service, d(2026, 2, 14));
    assert!(p.alternative.is_none());
}

#[test]
fn no_right_to_terminate_early_leaves_one_option() {
    let contract = Contract::builder(d(2025, 7, 1), d(2026, 6, 30)).renewal_notice_days(90);
    let p = plan(Some(contract), "-100", d(2026, 1, 15));
    assert_eq!(p.chosen.route, ExitRoute::NonRenewal);
    assert_eq!(p.chosen.notice_deadline, d(2026, 4, 1));
    assert!(p.alternative.is_none());
}

/// DESIGN "Exit money": from the earliest early-exit date to the end of the term, exiting early
/// yields minus the fee; serving on yields that stretch's margin. The better is chosen.
#[test]
fn exit_money_picks_the_better_option_and_shows_both() {
    let contract = || {
        Contract::builder(d(2025, 7, 1), d(2026, 6, 30))
            .renewal_notice_days(30)
            .terminate_for_convenience(30, usd("5000"))
            .data_export_days(45)
            .compliance_obligation("SOC 2 evidence hand-over")
    };
    // A loss-maker at -100 a day: leaving on 2026-02-14 saves the 136 days to 2026-06-30.
    let loss = plan(Some(contract()), "-100", d(2026, 1, 15));
    assert_eq!(loss.chosen.route, ExitRoute::TerminationForConvenience);
    assert_eq!(loss.chosen.end_of_service, d(2026, 2, 14));
    assert_eq!(loss.chosen.money, usd("-5000"));
    let serve = loss.alternative.as_ref().unwrap();
    assert_eq!(serve.money, usd("-13600"));
    assert_eq!(loss.data_export_deadline, d(2026, 3, 31));
    assert_eq!(loss.compliance[0].due, d(2026, 3, 31));
    assert_eq!(loss.executive_sponsor.as_deref(), Some("COO"));
    assert_eq!(loss.alternatives, ["SimpleFleet"]);
    assert!(loss
        .to_string()
        .starts_with("termination for convenience: notice by 2026-01-15"));
    // A small loss-maker: serving on (-13.60) costs less than the fee.
    let small = plan(Some(contract()), "-0.1", d(2026, 1, 15));
    assert_eq!(small.chosen.route, ExitRoute::NonRenewal);
    assert_eq!(small.chosen.money, usd("-13.60"));
    assert_eq!(small.alternative.unwrap().money, usd("-5000"));
}

/// A renewal term shorter than the notice: roll forward until notice can still be given.
#[test]
fn short_renewal_terms_roll_forward_until_notice_is_possible() {
    let monthly = Contract::builder(d(2024, 1, 1), d(2024, 12, 31))
        .auto_renews(true)
        .renewal_term_months(1)
        .renewal_notice_days(60);
    let p = plan(Some(monthly), "-10", d(2025, 6, 15));
    assert!(p.chosen.notice_deadline >= d(2025, 6, 15));
    assert_eq!(p.chosen.end_of_service, d(2025, 8, 31));
    assert_eq!(p.chosen.notice_deadline, d(2025, 7, 2));
}

#[test]
fn the_last_day_of_an_auto_renewing_term_with_zero_notice_ends_that_term() {
    let contract = || {
        Contract::builder(d(2025, 1, 1), d(2025, 12, 31))
            .auto_renews(true)
            .renewal_notice_days(0)
    };
    // On the last day, notice can still be given: service ends that day, not a term later.
    let p = plan(Some(contract()), "-10", d(2025, 12, 31));
    assert_eq!(p.chosen.notice_deadline, d(2025, 12, 31));
    assert_eq!(p.chosen.end_of_service, d(2025, 12, 31));
    // A day before: the same term.
    let p = plan(Some(contract()), "-10", d(2025, 12, 30));
    assert_eq!(p.chosen.end_of_service, d(2025, 12, 31));
    // A day after: the renewal term has begun and runs to its end.
    let p = plan(Some(contract()), "-10", d(2026, 1, 1));
    assert_eq!(p.chosen.end_of_service, d(2026, 12, 31));
}

#[test]
fn an_old_monthly_contract_renews_on_its_anniversaries() {
    // Renewing monthly from 31 January 1990 ever since: the current term is found directly
    // (not by stepping through 36 years of renewals) and follows the anniversaries of the
    // first renewal (the last day of shorter months, then the 31st again — no drift to the
    // 28th).
    let contract = Contract::builder(d(1989, 12, 31), d(1990, 1, 30))
        .auto_renews(true)
        .renewal_term_months(1)
        .renewal_notice_days(5);
    let p = plan(Some(contract.clone()), "-10", d(2026, 3, 10));
    assert_eq!(p.chosen.end_of_service, d(2026, 3, 30));
    assert_eq!(p.chosen.notice_deadline, d(2026, 3, 25));
    // Past the notice deadline of that term: the next one, to the day before the next
    // anniversary (30 April).
    let p = plan(Some(contract), "-10", d(2026, 3, 27));
    assert_eq!(p.chosen.end_of_service, d(2026, 4, 29));
}
