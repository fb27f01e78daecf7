//! One customer over consecutive periods: trends, gaps and the early warnings of the articles.

mod common;

use common::*;
use custfit::assessment::{Dimension, Quadrant};
use custfit::history::{CustomerHistory, Direction, HistoryConfig, PeriodAssessment, Warning};
use custfit::{AssessmentContext, Customer, RecommendationPolicy};

#[derive(Clone, Copy)]
struct Year {
    year: i32,
    revenue: u32,
    success_hours: u32,
    whitespace: u32,
    adherence: &'static str,
}

fn record(id: &str, y: Year, reset: Option<chrono::NaiveDate>) -> Customer {
    let mut b = identity(id)
        .period(d(y.year, 1, 1), d(y.year, 12, 31))
        .customer_since(d(2019, 1, 1))
        .industry("logistics")
        .use_case("fleet-tracking")
        .segment("mid-market")
        .recurring_revenue(y.revenue.into())
        .success_hours(y.success_hours.into())
        .expansion_whitespace(y.whitespace.into())
        .growth_likelihood(0.6)
        .meeting_attendance(dec("0.9"))
        .plan_adherence(dec(y.adherence))
        .goal_changes(0)
        .outcomes_achieved(dec("0.7"))
        .renewal_intent(0.8);
    if let Some(r) = reset {
        b = b.last_expectation_reset(r);
    }
    b.build().unwrap()
}

fn period(c: &Customer) -> PeriodAssessment {
    let as_of = c.period().end().succ_opt().unwrap();
    let a = assessor()
        .assess_with(c, &AssessmentContext::new(as_of))
        .unwrap();
    let r = policy()
        .recommend(c, &a, &custfit::PolicyContext::default())
        .unwrap();
    PeriodAssessment::new(c, a, r)
}

fn history(id: &str, years: &[Year], reset: Option<chrono::NaiveDate>) -> CustomerHistory {
    CustomerHistory::new(
        years
            .iter()
            .map(|y| period(&record(id, *y, reset)))
            .collect(),
    )
    .unwrap()
}

const fn year(
    year: i32,
    revenue: u32,
    success_hours: u32,
    whitespace: u32,
    adherence: &'static str,
) -> Year {
    Year {
        year,
        revenue,
        success_hours,
        whitespace,
        adherence,
    }
}

#[test]
fn a_star_whose_margin_erodes_and_whose_growth_falls_is_warned_of() {
    // Service grows each year against flat revenue; the whitespace shrinks.
    let h = history(
        "s",
        &[
            year(2022, 200_000, 100, 200_000, "0.9"),
            year(2023, 200_000, 300, 150_000, "0.9"),
            year(2024, 200_000, 500, 100_000, "0.9"),
            year(2025, 200_000, 700, 60_000, "0.9"),
        ],
        None,
    );
    let last = &h.periods().last().unwrap().assessment;
    assert_eq!(last.quadrant, Quadrant::Star, "{}", last.quadrant);
    let warnings = h.warnings(&HistoryConfig::default());
    let eroding = warnings
        .iter()
        .find_map(|w| match w {
            Warning::StarMarginEroding { periods, from, to } => Some((*periods, *from, *to)),
            _ => None,
        })
        .expect("margin erodes");
    assert_eq!(eroding.0, 3);
    assert!(eroding.1 > eroding.2);
    assert!(warnings
        .iter()
        .any(|w| matches!(w, Warning::GrowthFalling { .. })));
    assert!(warnings
        .iter()
        .any(|w| matches!(w, Warning::CostRisingFasterThanRevenue { .. })));
    let trends = h.trends(&HistoryConfig::default());
    // The margin score is capped at these margins; the time taken shows in resource
    // intensity.
    let intensity = trends.dimensions.get(Dimension::ResourceIntensity).unwrap();
    assert_eq!(intensity.direction, Direction::Falling, "{intensity}");
    assert_eq!(intensity.periods, 4);
    assert!(intensity.first > intensity.last);
    assert_eq!(trends.overall.unwrap().direction, Direction::Falling);
    // A longer run needed: no erosion warning at four falling periods.
    let strict = HistoryConfig {
        eroding_periods: 4,
        ..HistoryConfig::default()
    };
    assert!(!h
        .warnings(&strict)
        .iter()
        .any(|w| matches!(w, Warning::StarMarginEroding { .. })));
}

#[test]
fn a_steady_customer_has_flat_trends_and_no_warnings() {
    let steady = year(2022, 150_000, 200, 100_000, "0.9");
    let h = history(
        "flat",
        &[
            steady,
            Year {
                year: 2023,
                ..steady
            },
            Year {
                year: 2024,
                ..steady
            },
        ],
        None,
    );
    assert!(h.warnings(&HistoryConfig::default()).is_empty());
    let t = h.trends(&HistoryConfig::default());
    let overall = t.overall.unwrap();
    assert_eq!(overall.direction, Direction::Flat, "{overall}");
    assert!(overall.slope.abs() < 0.1);
    assert!(h.gaps().is_empty());
}

#[test]
fn behavior_slipping_after_an_expectation_reset_is_warned_of() {
    let reset = Some(d(2023, 6, 1));
    let h = history(
        "r",
        &[
            year(2023, 150_000, 200, 100_000, "0.9"),
            year(2024, 150_000, 200, 100_000, "0.8"),
            year(2025, 150_000, 200, 100_000, "0.3"),
        ],
        reset,
    );
    let w = h.warnings(&HistoryConfig::default());
    let slip = w
        .iter()
        .find_map(|w| match w {
            Warning::BehaviorSlippingAfterReset {
                reset_on,
                after_reset,
                now,
            } => Some((*reset_on, *after_reset, *now)),
            _ => None,
        })
        .expect("behavior slipped");
    assert_eq!(slip.0, d(2023, 6, 1));
    assert!(slip.1 > slip.2);
    assert!(w
        .iter()
        .find(|w| matches!(w, Warning::BehaviorSlippingAfterReset { .. }))
        .unwrap()
        .to_string()
        .starts_with("behavior and success slipped after the expectation reset of 2023-06-01"));
}

#[test]
fn a_window_and_gaps() {
    let y = |year| Year {
        year,
        ..self::year(0, 150_000, 200, 100_000, "0.9")
    };
    // 2021 and 2022 are missing: one gap of two years.
    let h = history("g", &[y(2020), y(2023), y(2024), y(2025), y(2026)], None);
    let gaps = h.gaps();
    assert_eq!(gaps.len(), 1);
    assert_eq!(
        (gaps[0].after, gaps[0].before),
        (d(2020, 12, 31), d(2023, 1, 1))
    );
    assert_eq!(gaps[0].days, 730);
    let window = HistoryConfig {
        window: 3,
        ..HistoryConfig::default()
    };
    assert_eq!(h.trends(&window).overall.unwrap().periods, 3);
    assert_eq!(
        h.trends(&HistoryConfig::default()).overall.unwrap().periods,
        4
    );
}

#[test]
fn a_history_is_of_one_customer_in_periods_that_do_not_overlap() {
    let y = year(2024, 100_000, 100, 50_000, "0.9");
    assert_eq!(
        CustomerHistory::new(Vec::new()).unwrap_err().field(),
        Some("history")
    );
    let mixed = vec![period(&record("a", y, None)), period(&record("b", y, None))];
    assert_eq!(
        CustomerHistory::new(mixed).unwrap_err().to_string(),
        "customer `a`: field `history[1].customer`: a history holds one customer, got `b` too"
    );
    let twice = vec![period(&record("a", y, None)), period(&record("a", y, None))];
    assert_eq!(
        CustomerHistory::new(twice).unwrap_err().field(),
        Some("history[1].period.start")
    );
    // Given in any order, kept oldest first; one period has no trend.
    let later = Year { year: 2025, ..y };
    let h = CustomerHistory::new(vec![
        period(&record("a", later, None)),
        period(&record("a", y, None)),
    ])
    .unwrap();
    assert_eq!(h.periods()[0].period.start(), d(2024, 1, 1));
    let one = CustomerHistory::new(vec![period(&record("a", y, None))]).unwrap();
    assert!(one.trends(&HistoryConfig::default()).overall.is_none());
    assert!(one.warnings(&HistoryConfig::default()).is_empty());
}

#[test]
fn what_changed_from_one_period_to_the_next_names_each_cause() {
    use custfit::cost::CostItem;
    use custfit::history::CostCause;
    let before = record("w", year(2024, 150_000, 100, 100_000, "0.9"), None);
    let mut after_builder = identity("w")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2019, 1, 1))
        .industry("logistics")
        .use_case("fleet-tracking")
        .segment("mid-market")
        .recurring_revenue(150_000.into())
        .success_hours(300.into())
        .expansion_whitespace(100_000.into())
        .growth_likelihood(0.6)
        .meeting_attendance(dec("0.9"))
        .plan_adherence(dec("0.3"))
        .goal_changes(0)
        .outcomes_achieved(dec("0.7"))
        .renewal_intent(0.8);
    after_builder = after_builder.custom_feature("EDI bridge");
    let after = after_builder.build().unwrap();
    let h = CustomerHistory::new(vec![period(&before), period(&after)]).unwrap();
    let changes = h.changes();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    let line = |item: CostItem| c.cost_lines.iter().find(|l| l.item == item);
    let success = line(CostItem::CustomerSuccess).expect("success hours tripled");
    assert_eq!(success.cause, CostCause::Quantity);
    assert_eq!(success.quantity, (Some(dec("100")), Some(dec("300"))));
    assert_eq!(
        success.amount,
        (Some(usd("8000.00")), Some(usd("24000.00")))
    );
    assert_eq!(
        line(CostItem::CustomFeatureUpkeep).unwrap().cause,
        CostCause::Added
    );
    assert!(
        line(CostItem::CogsShareOfRevenue).is_none(),
        "same revenue, same COGS"
    );
    // The largest change first: 16,000 more for success against 3,650 of upkeep.
    assert_eq!(c.cost_lines[0].item, CostItem::CustomerSuccess);
    // Inputs print in their units.
    let text = c.to_string();
    assert!(text.contains("plan adherence 90% -> 30%"), "{text}");
    assert!(
        text.contains("customer success 8000.00 USD -> 24000.00 USD (quantity)"),
        "{text}"
    );
    assert!(
        text.starts_with("2024-01-01 to 2025-12-31: overall "),
        "{text}"
    );

    // The same activity at a new rate: the cause is the rate.
    let mut config = simple_model().config().clone();
    config.rates.success = custfit::cost::HourlyRate::PerHour(usd("100"));
    let pricier = custfit::Assessor::new(
        custfit::CostModel::new(config).unwrap(),
        assessment_config(),
    )
    .unwrap();
    let again = record("w", year(2025, 150_000, 100, 100_000, "0.9"), None);
    let a = pricier
        .assess_with(&again, &AssessmentContext::new(d(2026, 1, 1)))
        .unwrap();
    let r = policy()
        .recommend(&again, &a, &custfit::PolicyContext::default())
        .unwrap();
    let diff = custfit::history::PeriodDiff::between(
        &period(&before),
        &PeriodAssessment::new(&again, a, r),
    )
    .unwrap();
    let success = diff
        .cost_lines
        .iter()
        .find(|l| l.item == CostItem::CustomerSuccess)
        .unwrap();
    assert_eq!(success.cause, CostCause::Rate);
    assert_eq!(success.amount.1, Some(usd("10000.00")));
}

#[test]
fn what_changed_includes_the_recommendation_and_its_levers() {
    // Profitable and retained, then loss-making and restructured with levers.
    let fine = record("l", year(2024, 150_000, 100, 100_000, "0.9"), None);
    let losing = record("l", year(2025, 30_000, 600, 100_000, "0.9"), None);
    let (p1, p2) = (period(&fine), period(&losing));
    assert_ne!(p1.recommendation.action, p2.recommendation.action);
    let diff = custfit::history::PeriodDiff::between(&p1, &p2).unwrap();
    assert_eq!(
        diff.action,
        Some((p1.recommendation.action, p2.recommendation.action))
    );
    assert!(diff.rule.is_some());
    let proposed = p2
        .recommendation
        .levers
        .as_ref()
        .map_or(0, |p| p.levers.len());
    assert!(proposed > 0, "{:?}", p2.recommendation.action);
    assert_eq!(diff.levers.len(), proposed);
    assert!(diff
        .levers
        .iter()
        .all(|l| l.margin_gain.0.is_none() && l.margin_gain.1.is_some()));
    assert!(diff.to_string().contains("; action "));
    // Nothing changed: nothing listed.
    let same = custfit::history::PeriodDiff::between(&p1, &p1).unwrap();
    assert!(same.action.is_none() && same.rule.is_none() && same.cost_lines.is_empty());
    assert!(same.levers.is_empty());
}

#[test]
fn a_history_read_from_json_is_checked_like_a_built_one() {
    let y = year(2024, 100_000, 100, 50_000, "0.9");
    let h = history("j", &[y, Year { year: 2025, ..y }], None);
    let json = serde_json::to_value(&h).unwrap();
    assert!(json.is_array(), "a history is its list of periods");
    let back: CustomerHistory = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, h);
    // Two customers in one history are refused on the way in too.
    let mut mixed = json;
    let other = serde_json::to_value(period(&record("k", y, None))).unwrap();
    mixed.as_array_mut().unwrap().push(other);
    let err = serde_json::from_value::<CustomerHistory>(mixed).unwrap_err();
    assert!(
        err.to_string().contains("a history holds one customer"),
        "{err}"
    );
}

#[test]
fn an_overlap_is_named_by_the_index_it_was_given_at() {
    let y = year(2024, 100_000, 100, 50_000, "0.9");
    let periods = vec![
        period(&record("o", Year { year: 2025, ..y }, None)),
        period(&record("o", y, None)),
        period(&record("o", y, None)),
    ];
    let err = CustomerHistory::new(periods).unwrap_err();
    assert_eq!(err.field(), Some("history[2].period.start"));
    assert!(err.to_string().contains("`history[1].period.end`"), "{err}");
}

#[test]
fn history_settings_are_checked() {
    assert!(HistoryConfig::default().validate().is_ok());
    let field = |c: HistoryConfig| c.validate().unwrap_err().field().map(str::to_owned);
    let d = HistoryConfig::default;
    assert_eq!(
        field(HistoryConfig { window: 1, ..d() }).as_deref(),
        Some("history.window")
    );
    assert_eq!(
        field(HistoryConfig {
            eroding_periods: 0,
            ..d()
        })
        .as_deref(),
        Some("history.eroding_periods")
    );
    assert_eq!(
        field(HistoryConfig {
            flat_band: f64::NAN,
            ..d()
        })
        .as_deref(),
        Some("history.flat_band")
    );
    assert_eq!(
        field(HistoryConfig {
            flat_band: -1.0,
            ..d()
        })
        .as_deref(),
        Some("history.flat_band")
    );
}

#[test]
fn falling_costs_and_small_slips_are_no_warnings() {
    // Service falls faster than revenue: costs shrink, no warning.
    let h = history(
        "f",
        &[
            year(2023, 200_000, 600, 100_000, "0.9"),
            year(2024, 150_000, 300, 100_000, "0.9"),
        ],
        None,
    );
    assert!(!h
        .warnings(&HistoryConfig::default())
        .iter()
        .any(|w| matches!(w, Warning::CostRisingFasterThanRevenue { .. })));
    // Behavior within the flat band after a reset: no warning; a wider slip: a warning.
    let reset = Some(d(2023, 6, 1));
    let years = [
        year(2023, 150_000, 200, 100_000, "0.9"),
        year(2024, 150_000, 200, 100_000, "0.9"),
        year(2025, 150_000, 200, 100_000, "0.88"),
    ];
    let h = history("b", &years, reset);
    let slipped = |h: &CustomerHistory, band: f64| {
        h.warnings(&HistoryConfig {
            flat_band: band,
            ..HistoryConfig::default()
        })
        .iter()
        .any(|w| matches!(w, Warning::BehaviorSlippingAfterReset { .. }))
    };
    assert!(!slipped(&h, 5.0));
    assert!(slipped(&h, 0.0));
}

#[test]
fn a_lever_proposed_in_both_periods_is_one_change_not_two() {
    // Loss-making in both years, more so in the second: the same levers, other figures.
    let (p1, p2) = (
        period(&record("v", year(2024, 30_000, 500, 100_000, "0.9"), None)),
        period(&record("v", year(2025, 30_000, 650, 100_000, "0.9"), None)),
    );
    let kinds = |p: &PeriodAssessment| -> Vec<std::mem::Discriminant<custfit::policy::LeverKind>> {
        p.recommendation
            .levers
            .iter()
            .flat_map(|plan| plan.levers.iter().map(|l| std::mem::discriminant(&l.kind)))
            .collect()
    };
    assert!(!kinds(&p1).is_empty());
    assert_eq!(kinds(&p1), kinds(&p2), "the same levers both years");
    let diff = custfit::history::PeriodDiff::between(&p1, &p2).unwrap();
    assert!(!diff.levers.is_empty(), "their figures changed");
    for change in &diff.levers {
        assert!(
            change.margin_gain.0.is_some() && change.margin_gain.1.is_some(),
            "{change:?}"
        );
    }
}
