//! The `database` example's path — the sample loaded into SQLite as events, read back through
//! SQL and the ledger, decided with the decisions written to a table — against the JSON path.

#[path = "../examples/database/decide.rs"]
mod decide;
#[path = "../examples/database/load.rs"]
mod load;
#[path = "../examples/database/read.rs"]
mod read;
#[path = "../examples/database/schema.rs"]
mod schema;

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use custfit::source::CustomerSource;
use custfit::{Config, Customer, DecisionRecord};
use rusqlite::Connection;
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

fn config() -> Config {
    serde_json::from_str(include_str!("../examples/data/config.json")).expect("the config reads")
}

fn sample() -> Vec<Customer> {
    serde_json::from_str(include_str!("../examples/data/customers.json")).expect("the sample reads")
}

/// An in-memory database with the sample loaded, as the example loads it.
fn loaded(customers: &[Customer]) -> Connection {
    let mut conn = Connection::open_in_memory().expect("sqlite opens");
    schema::create(&conn).expect("tables");
    load::load_sample(&mut conn, customers).expect("the sample loads");
    conn
}

/// Every record of a source.
fn drain(mut source: impl CustomerSource) -> Vec<custfit::Result<Customer>> {
    std::iter::from_fn(|| source.next_customer()).collect()
}

#[test]
fn the_database_path_reports_what_the_json_path_reports() {
    let customers = sample();
    let db = Mutex::new(loaded(&customers));
    let analyzer = config().analyzer().expect("valid config");
    let as_of = d(2026, 1, 15);
    let from_db = decide::decide(&db, &analyzer, &read::ledger_config(), as_of).expect("decided");
    let from_json = analyzer
        .analyze_slice(&customers, as_of, 1, &|_, _, _| Ok(()))
        .expect("decided");
    assert_eq!(from_db.records, 63);
    assert!(from_db.bad_records.is_empty(), "{:?}", from_db.bad_records);
    assert_eq!(from_db, from_json);
    // Byte for byte as JSON too: the folded hours and units print as the sample's do.
    let json = |r| serde_json::to_string(r).expect("serializes");
    assert_eq!(json(&from_db), json(&from_json));
}

#[test]
fn customers_read_back_equal_their_json_records_in_pages_of_any_size() {
    let customers = sample();
    let db = Mutex::new(loaded(&customers));
    let ledger = read::ledger_config();
    for page in [1, 7, 500] {
        let read: Vec<Customer> = drain(read::CustomerTable::with_page_size(&db, &ledger, page))
            .into_iter()
            .collect::<custfit::Result<_>>()
            .expect("every customer reads");
        assert_eq!(read.len(), customers.len());
        for (got, want) in read.iter().zip(&customers) {
            assert_eq!(got, want, "page size {page}");
        }
    }
}

#[test]
fn the_events_are_rows_not_totals() {
    let customers = sample();
    let conn = loaded(&customers);
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("counted") };
    let tickets: u64 = customers.iter().map(|c| c.activity().ticket_count()).sum();
    assert_eq!(count("SELECT count(*) FROM tickets") as u64, tickets);
    // Hours by role come as entries of about a day; two entries belong to no customer.
    assert_eq!(
        count("SELECT count(*) FROM time_entries WHERE customer_id IS NULL"),
        2
    );
    assert_eq!(
        count("SELECT max(CAST(hours AS REAL)) <= 9 FROM time_entries WHERE ticket_id IS NULL"),
        1
    );
    // C-031's 60 high tickets with 180 hours: every other one states its part, the others
    // have it booked on them; the parts add up to the group's hours exactly.
    let hours: Vec<String> = conn
        .prepare(
            "SELECT COALESCE(t.handling_hours, e.hours) FROM tickets t
             LEFT JOIN time_entries e ON e.ticket_id = t.id
             WHERE t.customer_id = 'C-031' AND t.severity = 'high'",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read");
    assert_eq!(hours.len(), 60);
    let sum: Decimal = hours
        .iter()
        .map(|h| h.parse::<Decimal>().expect("decimal"))
        .sum();
    assert_eq!(sum, Decimal::from(180));
    // A missing fact is a missing row: C-010 has no NPS.
    assert_eq!(
        count("SELECT count(*) FROM facts WHERE customer_id = 'C-010' AND fact = 'behavior.nps'"),
        0
    );
}

#[test]
fn deciding_again_replaces_that_dates_decisions_and_keeps_the_others() {
    let customers = sample();
    let db = Mutex::new(loaded(&customers));
    let analyzer = config().analyzer().expect("valid config");
    let ledger = read::ledger_config();
    let (january, february) = (d(2026, 1, 15), d(2026, 2, 15));
    for as_of in [january, january, february, january] {
        decide::decide(&db, &analyzer, &ledger, as_of).expect("decided");
    }
    let conn = db.into_inner().expect("not poisoned");
    assert_eq!(
        decide::rows_per_date(&conn).expect("counted"),
        vec![(january, 63), (february, 63)]
    );

    // Each stored record reads back equal to the record of the JSON path.
    let written: Mutex<BTreeMap<String, DecisionRecord>> = Mutex::new(BTreeMap::new());
    analyzer
        .analyze_slice(&customers, january, 1, &|c, a, r| {
            let record = DecisionRecord::new(c, a, r)?;
            written
                .lock()
                .expect("not poisoned")
                .insert(c.id().to_string(), record);
            Ok(())
        })
        .expect("decided");
    let written = written.into_inner().expect("not poisoned");
    assert_eq!(written.len(), 63);
    for (id, record) in &written {
        let stored = decide::stored(&conn, id, january).expect("reads back");
        assert_eq!(stored.as_ref(), Some(record), "{id}");
    }
    let margin: String = conn
        .query_row(
            "SELECT gross_margin FROM decisions WHERE customer_id = 'C-063' AND as_of = ?1",
            [schema::Day(january)],
            |r| r.get(0),
        )
        .expect("a row");
    assert_eq!(
        margin.parse::<Decimal>().ok(),
        Some(written["C-063"].cost.gross_margin.amount())
    );
}

#[test]
fn the_dashboard_lists_the_provisional_let_goes_to_confirm_this_week() {
    let db = Mutex::new(loaded(&sample()));
    let analyzer = config().analyzer().expect("valid config");
    let as_of = d(2026, 1, 15);
    let report = decide::decide(&db, &analyzer, &read::ledger_config(), as_of).expect("decided");
    let conn = db.into_inner().expect("not poisoned");
    let week = d(2026, 1, 21);
    let listed: Vec<(String, NaiveDate)> = decide::to_confirm(&conn, as_of, week)
        .expect("queried")
        .into_iter()
        .map(|row| (row.customer, row.confirm_by))
        .collect();
    let reported: Vec<(String, NaiveDate)> = report
        .to_confirm_by(week)
        .map(|t| (t.customer.to_string(), t.provisional.confirm_by))
        .collect();
    assert_eq!(listed, reported);
    assert_eq!(
        listed,
        vec![
            ("C-063".into(), d(2026, 1, 15)),
            ("C-062".into(), d(2026, 1, 18))
        ]
    );
}

#[test]
fn a_row_that_cannot_be_read_is_a_refused_record_naming_the_customer() {
    let customers = sample();
    let conn = loaded(&customers);
    conn.execute_batch(
        "UPDATE customers SET recurring_revenue = 'lots' WHERE id = 'C-007';
         UPDATE tickets SET severity = 'urgent' WHERE id = 'C-010-T0001';
         UPDATE time_entries SET role = 'Intern'
             WHERE id = (SELECT min(id) FROM time_entries WHERE customer_id = 'C-020');
         INSERT INTO facts (customer_id, fact, value) VALUES ('C-030', 'behavior.mood', 'sunny');",
    )
    .expect("updated");
    let db = Mutex::new(conn);
    let ledger = read::ledger_config();
    let records = drain(read::CustomerTable::new(&db, &ledger));
    assert_eq!(records.len(), 63);
    let refused: Vec<String> = records
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert_eq!(refused.len(), 4, "{refused:#?}");
    let expect = [
        ("C-007", "column `recurring_revenue`"),
        (
            "C-010",
            "table `tickets`, row `C-010-T0001`, column `severity`",
        ),
        ("C-020", "`Intern` is not mapped"),
        ("C-030", "unknown fact `behavior.mood`"),
    ];
    for ((customer, what), message) in expect.iter().zip(&refused) {
        assert!(
            message.contains(customer) && message.contains(what),
            "{message}"
        );
    }

    // The run goes on with the others, and counts them all.
    let analyzer = config().analyzer().expect("valid config");
    let report = decide::decide(&db, &analyzer, &ledger, d(2026, 1, 15)).expect("decided");
    assert_eq!((report.records, report.bad_records.len()), (63, 4));
    assert!(report.counts_add_up());
    let conn = db.into_inner().expect("not poisoned");
    assert_eq!(
        decide::rows_per_date(&conn).expect("counted"),
        vec![(d(2026, 1, 15), 59)]
    );
}

#[test]
fn split_adds_up_exactly_with_the_remainder_on_the_last_part() {
    let dec = |s: &str| s.parse::<Decimal>().expect("decimal");
    let parts = load::split(dec("16"), 6).expect("split");
    assert_eq!(parts[..5], [dec("2.66"); 5]);
    assert_eq!(parts[5], dec("2.70"));
    assert_eq!(parts.iter().sum::<Decimal>(), dec("16"));
    // Hundredths too coarse: ten-thousandths.
    let parts = load::split(dec("0.02"), 3).expect("split");
    assert_eq!(parts, vec![dec("0.0066"), dec("0.0066"), dec("0.0068")]);
    assert_eq!(load::split(dec("0.0002"), 3), None);
    assert_eq!(load::split(dec("5"), 0), None);
}
