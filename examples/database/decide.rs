//! Decisions out: the portfolio run over the database, every customer's
//! [`DecisionRecord`] written to `decisions`, and the queries a dashboard runs on them.
//!
//! [`decide`] runs [`PortfolioAnalyzer::analyze`] over [`CustomerTable`], which it reads once
//! (its customers kept between the phases), and its sink writes one row per customer: the action,
//! whether it is provisional, the confirm-by and review dates and the gross margin as columns,
//! and the whole record as JSON. The run is one transaction that first deletes the decisions
//! of its assessment date: running it again for the same date replaces them (a customer
//! removed meanwhile leaves no stale row), decisions of other dates stay as history, and a run
//! that fails leaves the table as it was. The transaction (`BEGIN IMMEDIATE`) also keeps other
//! writers out until it ends, so that the decisions written are those of the rows read (and,
//! with `BetweenPhases::ReadAgain`, both phases read the same rows: the library stops a run
//! whose second phase reads other customers than the first).
//!
//! `analyze` reads and decides on the calling thread, but its sink must be `Sync` (the same
//! type serves the threaded runs) and a `rusqlite::Connection` is not: the connection lives in
//! a `Mutex` that the source (between two records, for each page) and the sink (for each
//! row) lock in turn.

#![allow(dead_code)]

use std::sync::Mutex;

use chrono::NaiveDate;
use custfit::assessment::scoring::ScoringStrategy;
use custfit::ledger::LedgerConfig;
use custfit::portfolio::{PortfolioAnalyzer, PortfolioReport};
use custfit::{Customer, DecisionRecord, FitAssessment, Recommendation, RecommendationPolicy};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::read::CustomerTable;
use crate::schema::{Day, DbError, Dec};

/// Assess and recommend every customer of the database as of `as_of`, and replace that date's
/// rows of `decisions` with the new decisions, in one transaction.
///
/// # Errors
///
/// [`DbError::Sql`] when the transaction cannot be opened or committed; [`DbError::Custfit`]
/// for what stops a run: the source changed between the phases, a total overflowed, a row
/// could not be written (the sink's error, naming the customer). A customer that cannot be
/// read or decided does not stop it: it is a refused record of the report.
pub fn decide<S, P>(
    db: &Mutex<Connection>,
    analyzer: &PortfolioAnalyzer<S, P>,
    ledger: &LedgerConfig,
    as_of: NaiveDate,
) -> Result<PortfolioReport, DbError>
where
    S: ScoringStrategy,
    P: RecommendationPolicy,
{
    {
        let conn = db.lock().map_err(|_| DbError::Poisoned)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        if let Err(e) = conn.execute("DELETE FROM decisions WHERE as_of = ?1", [Day(as_of)]) {
            conn.execute_batch("ROLLBACK")?;
            return Err(e.into());
        }
    }
    let sink = |c: &Customer, a: &FitAssessment, r: &Recommendation| -> custfit::Result<()> {
        let record = DecisionRecord::new(c, a, r)?;
        let failed = |e: DbError| custfit::Error::from_source(Some(c.id().to_string()), e);
        let conn = db.lock().map_err(|_| failed(DbError::Poisoned))?;
        insert(&conn, &record).map_err(failed)
    };
    let run = analyzer.analyze(|| Ok(CustomerTable::new(db, ledger)), as_of, &sink, None);
    let conn = db.lock().map_err(|_| DbError::Poisoned)?;
    match run {
        Ok(report) => {
            conn.execute_batch("COMMIT")?;
            Ok(report)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK")?;
            Err(e.into())
        }
    }
}

/// Write one decision.
///
/// # Errors
///
/// [`DbError::Sql`]; [`DbError::Json`] when the record cannot be serialized.
pub fn insert(conn: &Connection, record: &DecisionRecord) -> Result<(), DbError> {
    let margin = record.cost.gross_margin;
    conn.prepare_cached(
        "INSERT INTO decisions (customer_id, as_of, action, provisional, confirm_by, review_on,
             gross_margin, currency, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        record.customer.as_str(),
        Day(record.as_of),
        record.action.as_str(),
        record.is_provisional(),
        record.provisional.as_ref().map(|p| Day(p.confirm_by)),
        Day(record.review_on),
        Dec(margin.amount()),
        margin.currency().as_str(),
        serde_json::to_string(record)?,
    ])?;
    Ok(())
}

/// The decision of `customer` as of `as_of`, read back from its JSON (and checked by the
/// library as it is read).
///
/// # Errors
///
/// [`DbError::Sql`]; [`DbError::Json`] when the stored record does not read back.
pub fn stored(
    conn: &Connection,
    customer: &str,
    as_of: NaiveDate,
) -> Result<Option<DecisionRecord>, DbError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT record FROM decisions WHERE customer_id = ?1 AND as_of = ?2",
            params![customer, Day(as_of)],
            |row| row.get(0),
        )
        .optional()?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// The number of decisions stored per assessment date, oldest first.
///
/// # Errors
///
/// [`DbError::Sql`].
pub fn rows_per_date(conn: &Connection) -> Result<Vec<(NaiveDate, i64)>, DbError> {
    let mut stmt =
        conn.prepare("SELECT as_of, count(*) FROM decisions GROUP BY as_of ORDER BY as_of")?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, Day>(0)?.0, row.get::<_, i64>(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A provisional let-go to confirm, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToConfirm {
    pub customer: String,
    pub name: String,
    pub confirm_by: NaiveDate,
    pub gross_margin: Decimal,
    pub currency: String,
}

/// The dashboard's query: the provisional let-goes decided as of `as_of` whose facts must be
/// confirmed by `by` (inclusive), soonest first.
pub const TO_CONFIRM: &str = "
    SELECT d.customer_id, c.name, d.confirm_by, d.gross_margin, d.currency
    FROM decisions d JOIN customers c ON c.id = d.customer_id
    WHERE d.as_of = ?1 AND d.provisional = 1 AND d.confirm_by <= ?2
    ORDER BY d.confirm_by, d.customer_id";

/// Run [`TO_CONFIRM`].
///
/// # Errors
///
/// [`DbError::Sql`], also for a value that does not read.
pub fn to_confirm(
    conn: &Connection,
    as_of: NaiveDate,
    by: NaiveDate,
) -> Result<Vec<ToConfirm>, DbError> {
    let mut stmt = conn.prepare(TO_CONFIRM)?;
    let rows = stmt.query_map(params![Day(as_of), Day(by)], |row| {
        Ok(ToConfirm {
            customer: row.get(0)?,
            name: row.get(1)?,
            confirm_by: row.get::<_, Day>(2)?.0,
            gross_margin: row.get::<_, Dec>(3)?.0,
            currency: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
