//! The tables a real system keeps, as SQLite DDL, and the column types the example reads and
//! writes them with.
//!
//! | table | one row per | read as |
//! | --- | --- | --- |
//! | `customers` | customer: identity, tags, stage, signing date, assessment period, revenue, acquisition cost, custom features (no events: they are kept alive, not done), feature requests an export only counts | [`Customer::builder`](custfit::Customer::builder) |
//! | `contracts` | customer with a contract: term, renewal, our right to terminate for convenience (notice and fee; both `NULL` when there is none), data export, SLA, compliance obligations | [`Contract::builder`](custfit::Contract::builder) |
//! | `facts` | known optional fact of a customer (`logo.*`, `growth.*`, `behavior.*`), as text | the builder's setter of that fact |
//! | `tickets` | support ticket: severity, opened, closed, the handling time the ticketing system states (`NULL` when it states none) | [`Event::Ticket`](custfit::ledger::Event) |
//! | `time_entries` | person's hours on one day: role as the time tracker names it, customer (`NULL`: overhead, nobody's), ticket (the hours are its handling time) | [`Event::TimeEntry`](custfit::ledger::Event) |
//! | `escalations` | escalation to management | [`Event::Escalation`](custfit::ledger::Event) |
//! | `feature_requests` | feature request: title, scope (`broad` or `custom`) | [`Event::FeatureRequest`](custfit::ledger::Event) |
//! | `usage` | usage reading: units consumed since the last reading | [`Event::Usage`](custfit::ledger::Event) |
//! | `implementations` | implementation project: go-live, external cost (its hours are time entries of the role `Implementation`) | [`Event::Implementation`](custfit::ledger::Event) |
//! | `decisions` | customer and assessment date: the action, whether it is provisional, the confirm-by and review dates, the gross margin, and the whole [`DecisionRecord`](custfit::DecisionRecord) as JSON | written by `decide` |
//!
//! **Events, not totals.** Ticketing tools, time trackers and metering systems keep one row
//! per ticket, entry and reading; a cost model needs totals over an assessment period. The
//! tables keep the rows as those systems hold them and leave the aggregation to the library's
//! ledger ([`custfit::ledger`]), whose rules are the ones every integrator would otherwise
//! write and get subtly wrong: a ticket counts in the period it was opened; hours booked on a
//! ticket are its handling time, never also support time; a ticket without hours stays
//! unmeasured (priced per ticket), not zero; an entry without a customer is overhead;
//! implementation hours count whatever their dates. Pre-aggregated columns would bake one
//! period and one reading of those rules into the data, and could not be checked.
//!
//! **A missing fact is a missing row.** `facts` holds only the facts that are known, as a
//! CRM's custom fields do; the library reads an absent fact as unknown, never as low or zero.
//!
//! **Exact values.** Money, hours, units, shares and growth are stored as `TEXT` decimals
//! (`"120000.00"`, `"0.85"`) and read back exactly with [`Dec`], never as `REAL`; amounts are
//! in the customer's `currency`. Dates are `TEXT` `YYYY-MM-DD` ([`Day`]), which sort and compare
//! as dates. Ticket handling time is kept in hours rather than minutes: an hour split into
//! minutes and back (`minutes / 60`) is no finite decimal. The two probabilities
//! (`growth.likelihood`, `behavior.renewal_intent`) are `f64` in the library and are written
//! with Rust's shortest round-trip formatting, so they read back bit for bit. Tables are
//! `STRICT`, so SQLite refuses a value of the wrong storage class.
//!
//! **History.** `decisions` has no foreign key to `customers`: the decisions of past dates are
//! history and outlive the customers they were about.

#![allow(dead_code)]

use std::str::FromStr;

use chrono::NaiveDate;
use custfit::cost::Role;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::Connection;
use rust_decimal::Decimal;

/// Every table and index; `IF NOT EXISTS`, so creating them again keeps what is there.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS customers (
    id                      TEXT NOT NULL PRIMARY KEY,
    name                    TEXT NOT NULL,
    currency                TEXT NOT NULL,                -- ISO 4217: every amount of the customer
    stage                   TEXT NOT NULL,                -- prospect, onboarding, active, churned
    customer_since          TEXT,                         -- NULL for a prospect
    period_start            TEXT NOT NULL,                -- the assessment period revenue covers
    period_end              TEXT NOT NULL,
    recurring_revenue       TEXT NOT NULL,
    one_time_revenue        TEXT NOT NULL DEFAULT '0',
    acquisition_cost        TEXT,
    industry                TEXT,
    segment                 TEXT,
    region                  TEXT,
    account_owner           TEXT,
    acquisition_channel     TEXT,
    plan                    TEXT,
    product_version         TEXT,
    parent                  TEXT,                         -- parent account (need not be a customer)
    employees               INTEGER,
    use_cases               TEXT NOT NULL DEFAULT '[]',   -- JSON array of tags
    roadmap_interests       TEXT NOT NULL DEFAULT '[]',   -- JSON array of tags
    custom_features         TEXT NOT NULL DEFAULT '[]',   -- JSON array of names
    unnamed_custom_features INTEGER NOT NULL DEFAULT 0,   -- custom features an export only counts
    unnamed_broad_requests  INTEGER NOT NULL DEFAULT 0,   -- feature requests an export only counts
    unnamed_custom_requests INTEGER NOT NULL DEFAULT 0,
    last_expectation_reset  TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS contracts (
    customer_id                 TEXT NOT NULL PRIMARY KEY REFERENCES customers (id),
    term_start                  TEXT NOT NULL,
    term_end                    TEXT NOT NULL,
    auto_renews                 INTEGER NOT NULL DEFAULT 0,
    renewal_term_months         INTEGER NOT NULL DEFAULT 12,
    renewal_notice_days         INTEGER NOT NULL DEFAULT 0,
    termination_notice_days     INTEGER,                  -- our termination for convenience:
    termination_fee             TEXT,                     -- both NULL when not allowed
    data_export_days            INTEGER NOT NULL DEFAULT 0,
    sla_tier                    TEXT NOT NULL DEFAULT 'standard',
    sla_first_response_hours    TEXT,
    sla_standby_hours_per_month TEXT NOT NULL DEFAULT '0',
    compliance_obligations      TEXT NOT NULL DEFAULT '[]' -- JSON array
) STRICT;

CREATE TABLE IF NOT EXISTS facts (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    fact        TEXT NOT NULL,                            -- e.g. growth.likelihood, behavior.nps
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, fact)
) STRICT;

CREATE TABLE IF NOT EXISTS tickets (
    id             TEXT NOT NULL PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    severity       TEXT NOT NULL,                         -- critical, high, normal, low
    opened         TEXT NOT NULL,
    closed         TEXT,                                  -- NULL while open
    handling_hours TEXT                                   -- as the ticketing system states it
) STRICT;
CREATE INDEX IF NOT EXISTS tickets_by_customer ON tickets (customer_id);

CREATE TABLE IF NOT EXISTS time_entries (
    id          TEXT NOT NULL PRIMARY KEY,
    person      TEXT NOT NULL,
    role        TEXT NOT NULL,                            -- as the time tracker names it
    customer_id TEXT REFERENCES customers (id),           -- NULL: overhead, nobody's
    ticket_id   TEXT REFERENCES tickets (id),             -- the hours are the ticket's handling
    date        TEXT NOT NULL,
    hours       TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS time_entries_by_customer ON time_entries (customer_id);

CREATE TABLE IF NOT EXISTS escalations (
    id          TEXT NOT NULL PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    date        TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS escalations_by_customer ON escalations (customer_id);

CREATE TABLE IF NOT EXISTS feature_requests (
    id          TEXT NOT NULL PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    date        TEXT NOT NULL,
    title       TEXT NOT NULL,
    scope       TEXT NOT NULL                             -- broad or custom
) STRICT;
CREATE INDEX IF NOT EXISTS feature_requests_by_customer ON feature_requests (customer_id);

CREATE TABLE IF NOT EXISTS usage (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    date        TEXT NOT NULL,
    units       TEXT NOT NULL,
    PRIMARY KEY (customer_id, date)
) STRICT;

CREATE TABLE IF NOT EXISTS implementations (
    customer_id   TEXT NOT NULL PRIMARY KEY REFERENCES customers (id),
    go_live       TEXT NOT NULL,
    external_cost TEXT                                    -- NULL when there was none
) STRICT;

CREATE TABLE IF NOT EXISTS decisions (
    customer_id  TEXT NOT NULL,                           -- no foreign key: history outlives it
    as_of        TEXT NOT NULL,
    action       TEXT NOT NULL,                           -- invest, retain, ..., look_back
    provisional  INTEGER NOT NULL,                        -- 1: unknown facts could change it
    confirm_by   TEXT,                                    -- for a provisional let-go
    review_on    TEXT NOT NULL,
    gross_margin TEXT NOT NULL,                           -- revenue less cost to serve
    currency     TEXT NOT NULL,
    record       TEXT NOT NULL,                           -- the DecisionRecord as JSON
    PRIMARY KEY (customer_id, as_of)
) STRICT;
CREATE INDEX IF NOT EXISTS decisions_to_confirm ON decisions (as_of, provisional, confirm_by);
"#;

/// The tables that hold the customer data (not the decisions), children first.
pub const DATA_TABLES: [&str; 9] = [
    "time_entries",
    "tickets",
    "escalations",
    "feature_requests",
    "usage",
    "implementations",
    "facts",
    "contracts",
    "customers",
];

/// The time tracker's role names, and the cost model's role each one is
/// ([`custfit::ledger::LedgerConfig::roles`]).
pub const ROLES: [(&str, Role); 5] = [
    ("Support", Role::Support),
    ("Engineering", Role::Engineering),
    ("Customer Success", Role::Success),
    ("Leadership", Role::Executive),
    ("Implementation", Role::Implementation),
];

/// The time tracker's name of `role`.
pub fn role_name(role: Role) -> &'static str {
    ROLES
        .iter()
        .find(|(_, r)| *r == role)
        .map_or("Unmapped", |(name, _)| name)
}

/// Why the example stopped: the database, the sample, or the library refused.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite failed (open, query, write).
    #[error("sqlite: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The library refused a value or a run.
    #[error(transparent)]
    Custfit(#[from] custfit::Error),
    /// JSON could not be read or written.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// An aggregate of the sample cannot become events (too small to split).
    #[error("customer `{customer}`: {what}")]
    Sample {
        /// The customer.
        customer: String,
        /// What cannot be done.
        what: String,
    },
    /// The connection's lock was poisoned by a panic elsewhere.
    #[error("the database connection's lock is poisoned")]
    Poisoned,
}

/// Open (or create) the database at `path` with the tables, foreign keys enforced.
///
/// # Errors
///
/// [`DbError::Sql`] when SQLite cannot open the file or create the tables.
pub fn open(path: &str) -> Result<Connection, DbError> {
    let conn = Connection::open(path)?;
    create(&conn)?;
    Ok(conn)
}

/// Create the tables that are absent, foreign keys enforced.
///
/// # Errors
///
/// [`DbError::Sql`].
pub fn create(conn: &Connection) -> Result<(), DbError> {
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    // One transaction: one write to disk rather than one per table.
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(SCHEMA)?;
    tx.commit()?;
    Ok(())
}

/// An exact decimal stored as `TEXT` (`"1234.50"`): read with `Decimal::from_str_exact`, so a
/// value that would lose digits, or a number stored as `REAL` or `INTEGER`, is an error rather
/// than a rounded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl FromSql for Dec {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Decimal::from_str_exact(text.trim())
            .map(Dec)
            .map_err(|e| FromSqlError::Other(format!("`{text}` is no decimal: {e}").into()))
    }
}

impl ToSql for Dec {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

/// A calendar date stored as `TEXT` `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        NaiveDate::from_str(text)
            .map(Day)
            .map_err(|e| FromSqlError::Other(format!("`{text}` is no date: {e}").into()))
    }
}

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

/// The text of an enum's wire name (`"high"`, `"look_back"`) as that enum.
///
/// # Errors
///
/// The serde error naming the variants expected.
pub fn wire_enum<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde::de::value::Error> {
    use serde::de::IntoDeserializer;
    T::deserialize(text.into_deserializer())
}
