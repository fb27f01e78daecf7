//! The activity ledger: events folded into a customer's activity by the documented rules, and
//! for data the aggregated activity can express, exactly that activity.

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use custfit::cost::Role;
use custfit::customer::{Activity, AssessmentPeriod, RequestScope, Severity, TicketGroup};
use custfit::ledger::{
    Escalation, Event, ImplementationProject, Ledger, LedgerConfig, LedgerSource, Requested,
    Ticket, TimeEntry, Usage,
};
use custfit::source::{CustomerSource, VecSource};
use custfit::units::{Hours, Quantity};
use custfit::{CustomerId, Error};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn year() -> AssessmentPeriod {
    AssessmentPeriod::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap()
}

fn ledger() -> Ledger {
    Ledger::new(LedgerConfig::default(), year()).unwrap()
}

fn id(s: &str) -> CustomerId {
    CustomerId::new(s).unwrap()
}

fn h(s: &str) -> Hours {
    Hours::new(dec(s)).unwrap()
}

fn entry(eid: &str, role: &str, day: NaiveDate, hours: &str) -> TimeEntry {
    TimeEntry::new(eid, "Ana", role, day, h(hours))
}

#[test]
fn events_outside_the_period_are_left_out_and_a_ticket_counts_where_it_was_opened() {
    let mut l = ledger();
    let acme = id("acme");
    // Opened the day before the period, closed inside: not this period's.
    l.add(Event::Ticket(
        Ticket::new("T-0", acme.clone(), Severity::Normal, d(2024, 12, 31)).closed(d(2025, 1, 3)),
    ))
    .unwrap();
    // Opened on the last day, closed after: this period's.
    l.add(Event::Ticket(
        Ticket::new("T-1", acme.clone(), Severity::Normal, d(2025, 12, 31)).closed(d(2026, 1, 9)),
    ))
    .unwrap();
    // Its handling, logged after the period, counts with it; the old ticket's does not.
    l.add(Event::TimeEntry(
        entry("E-1", "support", d(2026, 1, 5), "1.5")
            .customer(acme.clone())
            .ticket("T-1"),
    ))
    .unwrap();
    l.add(Event::TimeEntry(
        entry("E-0", "support", d(2025, 1, 2), "4")
            .customer(acme.clone())
            .ticket("T-0"),
    ))
    .unwrap();
    // Time and escalations outside the period are left out.
    l.add(Event::TimeEntry(
        entry("E-2", "engineering", d(2026, 1, 1), "8").customer(acme.clone()),
    ))
    .unwrap();
    l.add(Event::Escalation(Escalation::new(
        "X-1",
        acme.clone(),
        d(2024, 6, 1),
    )))
    .unwrap();
    let f = l.fold(&acme).unwrap();
    assert_eq!(
        f.activity.tickets,
        vec![TicketGroup {
            severity: Severity::Normal,
            count: 1,
            handling_hours: Some(h("1.5")),
        }]
    );
    // The hours on T-0 are not support time either: handling follows its ticket.
    assert_eq!(f.activity.support_hours, Hours::ZERO);
    assert_eq!(f.activity.engineering_hours, Hours::ZERO);
    assert_eq!(f.activity.escalations, 0);
}

#[test]
fn time_on_a_ticket_is_its_handling_time_never_also_support_time() {
    let mut l = ledger();
    let acme = id("acme");
    l.add(Event::Ticket(
        Ticket::new("T-1", acme.clone(), Severity::High, d(2025, 2, 1)).handling_hours(h("9")),
    ))
    .unwrap();
    // The timesheet is the measure when it has entries: 2 + 0.5, not the stated 9.
    for (eid, hours) in [("E-1", "2"), ("E-2", "0.5")] {
        l.add(Event::TimeEntry(
            entry(eid, "support", d(2025, 2, 2), hours)
                .customer(acme.clone())
                .ticket("T-1"),
        ))
        .unwrap();
    }
    // Support time on no ticket is support hours.
    l.add(Event::TimeEntry(
        entry("E-3", "support", d(2025, 2, 3), "3").customer(acme.clone()),
    ))
    .unwrap();
    // An engineer's time on the ticket is the ticket's handling time too.
    l.add(Event::TimeEntry(
        entry("E-4", "engineering", d(2025, 2, 4), "1")
            .customer(acme.clone())
            .ticket("T-1"),
    ))
    .unwrap();
    let f = l.fold(&acme).unwrap();
    assert_eq!(f.activity.tickets[0].handling_hours, Some(h("3.5")));
    assert_eq!(f.activity.support_hours, h("3"));
    assert_eq!(f.activity.engineering_hours, Hours::ZERO);
    // Without entries, the stated handling time stands in.
    let mut l = ledger();
    l.add(Event::Ticket(
        Ticket::new("T-9", acme.clone(), Severity::High, d(2025, 2, 1)).handling_hours(h("9")),
    ))
    .unwrap();
    assert_eq!(
        l.fold(&acme).unwrap().activity.tickets[0].handling_hours,
        Some(h("9"))
    );
}

#[test]
fn unknown_handling_times_stay_unknown_beside_known_ones() {
    let mut l = ledger();
    let acme = id("acme");
    for (tid, sev) in [
        ("T-1", Severity::Low),
        ("T-2", Severity::Low),
        ("T-3", Severity::Low),
        ("T-4", Severity::Critical),
    ] {
        l.add(Event::Ticket(Ticket::new(
            tid,
            acme.clone(),
            sev,
            d(2025, 5, 1),
        )))
        .unwrap();
    }
    l.add(Event::TimeEntry(
        entry("E-1", "support", d(2025, 5, 1), "0.25")
            .customer(acme.clone())
            .ticket("T-2"),
    ))
    .unwrap();
    let f = l.fold(&acme).unwrap();
    // Most severe first; the measured group before the unmeasured one of a severity.
    assert_eq!(
        f.activity.tickets,
        vec![
            TicketGroup {
                severity: Severity::Critical,
                count: 1,
                handling_hours: None
            },
            TicketGroup {
                severity: Severity::Low,
                count: 1,
                handling_hours: Some(h("0.25"))
            },
            TicketGroup {
                severity: Severity::Low,
                count: 2,
                handling_hours: None
            },
        ]
    );
    // The cost model prices them so: the measured hours at the support rate, the others per
    // ticket — and a customer built on this activity is valid.
    let c = identity("acme").activity(f.activity).build().unwrap();
    let cost = simple_model().cost_to_serve(&c).unwrap();
    assert_eq!(cost.lines.len(), 3);
}

#[test]
fn time_without_a_customer_is_overhead_and_roles_map_by_configuration() {
    let config = LedgerConfig {
        roles: [
            ("L2 support".to_owned(), Role::Support),
            ("CSM".to_owned(), Role::Success),
            ("VP".to_owned(), Role::Executive),
        ]
        .into_iter()
        .collect(),
    };
    let mut l = Ledger::new(config, year()).unwrap();
    let acme = id("acme");
    l.add(Event::TimeEntry(
        entry("E-1", "CSM", d(2025, 3, 1), "6").customer(acme.clone()),
    ))
    .unwrap();
    l.add(Event::TimeEntry(entry("E-2", "CSM", d(2025, 3, 1), "2")))
        .unwrap();
    l.add(Event::TimeEntry(entry("E-3", "VP", d(2025, 3, 1), "1")))
        .unwrap();
    let f = l.fold(&acme).unwrap();
    assert_eq!(f.activity.success_hours, h("6"));
    let overhead = l.overhead();
    assert_eq!((overhead.success, overhead.executive), (dec("2"), dec("1")));
    // A role the configuration does not map is refused, naming the entry and the roles.
    let e = l
        .add(Event::TimeEntry(
            entry("E-4", "support", d(2025, 3, 1), "1").customer(acme),
        ))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "customer `acme`: field `time_entries[E-4].role`: `support` is not mapped to a role of the cost model (ledger roles: CSM, L2 support, VP)"
    );
}

#[test]
fn bad_events_are_refused_naming_the_customer_the_event_and_the_field() {
    let mut l = ledger();
    let acme = id("acme");
    let cases: Vec<(Event, &str)> = vec![
        (
            Event::Ticket(
                Ticket::new("T-1", acme.clone(), Severity::Low, d(2025, 3, 2)).closed(d(2025, 3, 1)),
            ),
            "customer `acme`: field `tickets[T-1].closed`: must not come before `opened` (2025-03-02), got 2025-03-01",
        ),
        (
            Event::Ticket(Ticket::new(" ", acme.clone(), Severity::Low, d(2025, 3, 2))),
            "customer `acme`: field `tickets[ ].id`: must not be empty",
        ),
        (
            Event::Ticket(
                Ticket::new("T-2", acme.clone(), Severity::Low, d(2025, 3, 2))
                    .handling_hours(h("0")),
            ),
            "customer `acme`: field `tickets[T-2].handling_hours`: 0 hours: leave it out when the handling time is not known",
        ),
        (
            Event::TimeEntry(entry("E-1", "support", d(2025, 3, 2), "0").customer(acme.clone())),
            "customer `acme`: field `time_entries[E-1].hours`: must lie in more than 0, got 0",
        ),
        (
            Event::TimeEntry(
                entry("E-2", "support", d(2025, 3, 2), "1000000001").customer(acme.clone()),
            ),
            "customer `acme`: field `time_entries[E-2].hours`: must lie in 0..=1000000000, at most 4 decimal places, got 1000000001",
        ),
        (
            Event::FeatureRequest(Requested::new("R-1", acme.clone(), d(2025, 3, 2), "", RequestScope::Custom)),
            "customer `acme`: field `feature_requests[R-1].title`: must not be empty",
        ),
        (
            Event::Usage(Usage::new(acme.clone(), d(2025, 3, 2), Quantity::new(dec("0.00001")).unwrap())),
            "customer `acme`: field `usage[2025-03-02].units`: must lie in 0..=1000000000, at most 4 decimal places, got 0.00001",
        ),
    ];
    for (event, message) in cases {
        assert_eq!(l.add(event).unwrap_err().to_string(), message);
    }
    // An id given twice.
    let ok = Event::Escalation(Escalation::new("X-1", acme.clone(), d(2025, 3, 2)));
    l.add(ok.clone()).unwrap();
    assert_eq!(
        l.add(ok).unwrap_err().to_string(),
        "customer `acme`: field `escalations[X-1].id`: the id is given twice"
    );
}

#[test]
fn a_time_entry_on_an_unknown_or_foreign_ticket_and_implementation_hours_without_a_project_are_refused(
) {
    let mut l = ledger();
    let (acme, beta) = (id("acme"), id("beta"));
    l.add(Event::Ticket(Ticket::new(
        "T-1",
        beta.clone(),
        Severity::Low,
        d(2025, 3, 2),
    )))
    .unwrap();
    l.add(Event::TimeEntry(
        entry("E-1", "support", d(2025, 3, 2), "1")
            .customer(acme.clone())
            .ticket("T-1"),
    ))
    .unwrap();
    assert_eq!(
        l.fold(&acme).unwrap_err().to_string(),
        "customer `acme`: field `time_entries[E-1].ticket`: ticket `T-1` is another customer's"
    );
    let mut l = ledger();
    l.add(Event::TimeEntry(
        entry("E-2", "support", d(2025, 3, 2), "1")
            .customer(acme.clone())
            .ticket("T-404"),
    ))
    .unwrap();
    assert!(l
        .fold(&acme)
        .unwrap_err()
        .to_string()
        .contains("no ticket `T-404`"));
    let mut l = ledger();
    l.add(Event::TimeEntry(
        entry("E-3", "implementation", d(2024, 11, 2), "40").customer(acme.clone()),
    ))
    .unwrap();
    assert!(l
        .fold(&acme)
        .unwrap_err()
        .to_string()
        .contains("implementation hours without an implementation project"));
    // With its project, the hours of every date are the project's (it is amortized).
    l.add(Event::Implementation(ImplementationProject::new(
        acme.clone(),
        d(2025, 2, 1),
        None,
    )))
    .unwrap();
    let imp = l.fold(&acme).unwrap().activity.implementation.unwrap();
    assert_eq!((imp.hours, imp.go_live), (h("40"), d(2025, 2, 1)));
}

#[test]
fn applied_to_a_customer_the_ledger_keeps_its_custom_features_and_a_source_joins_them() {
    let mut l = ledger();
    let acme = id("acme");
    l.add(Event::TimeEntry(
        entry("E-1", "engineering", d(2025, 3, 2), "120").customer(acme.clone()),
    ))
    .unwrap();
    l.add(Event::FeatureRequest(Requested::new(
        "R-1",
        acme.clone(),
        d(2025, 5, 1),
        "bespoke export",
        RequestScope::Custom,
    )))
    .unwrap();
    let record = base("acme")
        .recurring_revenue(dec("50000"))
        .engineering_hours(dec("999"))
        .custom_feature("EDI bridge")
        .build()
        .unwrap();
    let other = base("other")
        .recurring_revenue(dec("1000"))
        .build()
        .unwrap();
    let mut source = LedgerSource::new(VecSource::new(vec![record, other.clone()]), &l);
    let joined = source.next_customer().unwrap().unwrap();
    assert_eq!(joined.activity().engineering_hours, h("120"));
    assert_eq!(
        joined.activity().custom_features,
        vec!["EDI bridge".to_owned()]
    );
    assert_eq!(joined.feature_request_count(RequestScope::Custom), 1);
    // A customer without events is as it was.
    assert_eq!(source.next_customer().unwrap().unwrap(), other);
    assert!(source.next_customer().is_none());
    // Another period than the ledger's is refused.
    let q1 = custfit::Customer::builder("acme", "Acme")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 3, 31))
        .customer_since(d(2023, 1, 1))
        .build()
        .unwrap();
    let e = l.apply(q1).unwrap_err();
    assert!(matches!(e, Error::InvalidField { .. }));
    assert!(
        e.to_string()
            .starts_with("customer `acme`: field `activity.period`"),
        "{e}"
    );
}

/// `hours` split over `n` parts, each more than zero, that add up exactly (four decimals).
fn split(hours: Decimal, n: u32) -> Vec<Decimal> {
    let n = n.max(1);
    let share = (hours / Decimal::from(n)).trunc_with_scale(4);
    let mut parts = vec![share; n as usize - 1];
    parts.push(hours - share * Decimal::from(n - 1));
    parts
}

/// The events an aggregated activity stands for: a ticket per counted ticket (the measured
/// ones with their hours split over them, half by time entries, half stated on the ticket),
/// hours by role as monthly time entries, an escalation each, usage as monthly readings.
fn events_of(customer: &CustomerId, a: &Activity, stated: bool) -> Vec<Event> {
    let mut events = Vec::new();
    let mut n = 0;
    let mut next = |prefix: &str| {
        n += 1;
        format!("{prefix}-{n}")
    };
    let day = |i: usize| d(2025, 1, 1) + Days::new((i * 37 % 365) as u64);
    for g in &a.tickets {
        let hours = g.handling_hours.map(|h| split(h.get(), g.count));
        for i in 0..g.count as usize {
            let tid = next("T");
            let mut t = Ticket::new(tid.clone(), customer.clone(), g.severity, day(i));
            match hours.as_ref().map(|h| h[i]) {
                Some(h) if stated => t = t.handling_hours(Hours::new(h).unwrap()),
                Some(h) => events.push(Event::TimeEntry(
                    TimeEntry::new(next("E"), "Ana", "support", day(i), Hours::new(h).unwrap())
                        .customer(customer.clone())
                        .ticket(tid.clone()),
                )),
                None => {}
            }
            events.push(Event::Ticket(t));
        }
    }
    for (role, hours) in [
        ("support", a.support_hours),
        ("engineering", a.engineering_hours),
        ("success", a.success_hours),
        ("executive", a.executive_hours),
    ] {
        if !hours.get().is_zero() {
            for (i, part) in split(hours.get(), 12).into_iter().enumerate() {
                if !part.is_zero() {
                    events.push(Event::TimeEntry(
                        TimeEntry::new(next("E"), "Bo", role, day(i), Hours::new(part).unwrap())
                            .customer(customer.clone()),
                    ));
                }
            }
        }
    }
    for i in 0..a.escalations as usize {
        events.push(Event::Escalation(Escalation::new(
            next("X"),
            customer.clone(),
            day(i),
        )));
    }
    if !a.usage_units.get().is_zero() {
        for (i, part) in split(a.usage_units.get(), 12).into_iter().enumerate() {
            events.push(Event::Usage(Usage::new(
                customer.clone(),
                day(i),
                Quantity::new(part).unwrap(),
            )));
        }
    }
    if let Some(imp) = &a.implementation {
        events.push(Event::Implementation(ImplementationProject::new(
            customer.clone(),
            imp.go_live,
            imp.external_cost,
        )));
        if !imp.hours.get().is_zero() {
            // Dated before the period: project hours count whatever their date.
            events.push(Event::TimeEntry(
                TimeEntry::new(next("E"), "Cy", "implementation", d(2024, 10, 1), imp.hours)
                    .customer(customer.clone()),
            ));
        }
    }
    events
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// For data the aggregated input can express, the ledger gives exactly the same activity,
    /// whatever the order of the events and whether handling times are stated or logged.
    #[test]
    fn the_ledger_folds_the_events_of_an_activity_into_that_activity(
        x in drivers(),
        stated in any::<bool>(),
        rotate in any::<prop::sample::Index>(),
    ) {
        let c = build("acme", &x);
        let mut expected = c.activity().clone();
        // Custom features are no events.
        expected.custom_features.clear();
        expected.unnamed_custom_features = 0;
        let mut events = events_of(c.id(), &expected, stated);
        if !events.is_empty() {
            let k = rotate.index(events.len());
            events.rotate_left(k);
        }
        let mut l = Ledger::new(LedgerConfig::default(), c.period()).unwrap();
        for e in events {
            l.add(e).unwrap();
        }
        let folded = l.fold(c.id()).unwrap();
        // The same groups, merged as the builder keeps them: compare as sets of groups.
        let mut got = folded.activity.clone();
        got.tickets.sort_by_key(|g| (g.severity, g.handling_hours.is_none()));
        expected.tickets.sort_by_key(|g| (g.severity, g.handling_hours.is_none()));
        expected.tickets.retain(|g| g.count > 0);
        prop_assert_eq!(got, expected);
        // And the customer built on it costs the same.
        let again = c.clone().with_activity({
            let mut a = folded.activity;
            a.custom_features = c.activity().custom_features.clone();
            a.unnamed_custom_features = c.activity().unnamed_custom_features;
            a
        }).unwrap();
        let model = simple_model();
        prop_assert_eq!(model.cost_to_serve(&again).unwrap().total, model.cost_to_serve(&c).unwrap().total);
    }
}
