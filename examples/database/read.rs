//! Reading the customers back: a [`CustomerSource`] over SQL queries, with each customer's
//! activity folded from the event tables by the library's [`Ledger`].
//!
//! [`CustomerTable`] reads the customers in id order, a page at a time (keyset pagination:
//! `WHERE id > last id of the page before`), so that a source never holds a statement open
//! between two records and never holds the whole table. For each page it runs one query per
//! table — customers joined with their contracts, their facts, and their tickets, time
//! entries, escalations, feature requests, usage readings and implementation projects — adds
//! the page's events to a [`Ledger`] for the customers' assessment period, and hands each
//! customer built with [`Customer::builder`] through [`Ledger::apply`]. A portfolio run opens
//! it once and keeps its customers between the phases (or, read again, once per phase: a fresh
//! query each time).
//!
//! A row that cannot be read — a value of the wrong type, a decimal that is not one, an
//! unknown severity or fact, an event the ledger refuses — becomes an `Err` record naming the
//! customer, the table, the row and the column, and the source goes on with the next customer;
//! a query that fails (no such table) ends the source with one `Err` record.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::error::Error as StdError;
use std::fmt;
use std::sync::Mutex;

use chrono::NaiveDate;
use custfit::cost::RoleHours;
use custfit::customer::{AssessmentPeriod, CustomerBuilder, RequestScope, Sla};
use custfit::ledger::{
    Escalation, Event, ImplementationProject, Ledger, LedgerConfig, Requested, Ticket, TimeEntry,
    Usage,
};
use custfit::source::CustomerSource;
use custfit::units::{Currency, Hours, Money, Quantity};
use custfit::{Contract, Customer, CustomerId};
use rusqlite::types::FromSql;
use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::schema::{wire_enum, Day, DbError, Dec, ROLES};

/// Customers read per query.
pub const PAGE: u32 = 500;

/// The ledger's configuration: the time tracker's role names of [`ROLES`].
pub fn ledger_config() -> LedgerConfig {
    LedgerConfig {
        roles: ROLES
            .iter()
            .map(|(name, role)| ((*name).to_owned(), *role))
            .collect(),
    }
}

/// A value of a row that cannot be read: the table, the row, the column and why.
#[derive(Debug)]
pub struct ColumnError {
    /// The table.
    pub table: &'static str,
    /// The row's id (or date, or fact), when it could be read.
    pub row: Option<String>,
    /// The column.
    pub column: &'static str,
    /// Why.
    pub cause: Box<dyn StdError + Send + Sync>,
}

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "table `{}`", self.table)?;
        if let Some(row) = &self.row {
            write!(f, ", row `{row}`")?;
        }
        write!(f, ", column `{}`: {}", self.column, self.cause)
    }
}

impl StdError for ColumnError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.cause)
    }
}

/// One row of a table, read column by column with errors that name the table, row and column.
struct Cols<'a, 'r> {
    row: &'a Row<'r>,
    table: &'static str,
    key: Option<String>,
}

impl<'a, 'r> Cols<'a, 'r> {
    /// Row `row` of `table`, named by its column `key` when that can be read.
    fn new(row: &'a Row<'r>, table: &'static str, key: &str) -> Self {
        let key = row.get::<_, String>(key).ok();
        Cols { row, table, key }
    }

    fn bad(
        &self,
        column: &'static str,
        cause: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> ColumnError {
        ColumnError {
            table: self.table,
            row: self.key.clone(),
            column,
            cause: cause.into(),
        }
    }

    fn get<T: FromSql>(&self, column: &'static str) -> Result<T, ColumnError> {
        self.row.get(column).map_err(|e| self.bad(column, e))
    }

    fn dec(&self, column: &'static str) -> Result<Decimal, ColumnError> {
        self.get::<Dec>(column).map(|d| d.0)
    }

    fn opt_dec(&self, column: &'static str) -> Result<Option<Decimal>, ColumnError> {
        Ok(self.get::<Option<Dec>>(column)?.map(|d| d.0))
    }

    fn day(&self, column: &'static str) -> Result<NaiveDate, ColumnError> {
        self.get::<Day>(column).map(|d| d.0)
    }

    fn opt_day(&self, column: &'static str) -> Result<Option<NaiveDate>, ColumnError> {
        Ok(self.get::<Option<Day>>(column)?.map(|d| d.0))
    }

    fn hours(&self, column: &'static str) -> Result<Hours, ColumnError> {
        Hours::new(self.dec(column)?).map_err(|e| self.bad(column, e))
    }

    /// An enum stored as its wire name (`high`, `broad`, `enterprise`).
    fn wire<T: DeserializeOwned>(&self, column: &'static str) -> Result<T, ColumnError> {
        wire_enum(&self.get::<String>(column)?).map_err(|e| self.bad(column, e))
    }

    /// A JSON array stored as text.
    fn json<T: DeserializeOwned>(&self, column: &'static str) -> Result<T, ColumnError> {
        serde_json::from_str(&self.get::<String>(column)?).map_err(|e| self.bad(column, e))
    }

    fn customer(&self, column: &'static str) -> Result<CustomerId, ColumnError> {
        CustomerId::new(self.get::<String>(column)?).map_err(|e| self.bad(column, e))
    }

    fn currency(&self, column: &'static str) -> Result<Currency, ColumnError> {
        Currency::new(&self.get::<String>(column)?).map_err(|e| self.bad(column, e))
    }
}

/// The ids of one page: the `limit` (`?2`) customers after `?1` (all when `?1` is `NULL`).
const PAGE_IDS: &str =
    "WITH page AS (SELECT id FROM customers WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2)";

/// The customers of a page with their contracts.
const CUSTOMERS: &str = "
    SELECT c.id, c.name, c.currency, c.stage, c.customer_since, c.period_start, c.period_end,
           c.recurring_revenue, c.one_time_revenue, c.acquisition_cost, c.industry, c.segment,
           c.region, c.account_owner, c.acquisition_channel, c.plan, c.product_version,
           c.parent, c.employees, c.use_cases, c.roadmap_interests, c.custom_features,
           c.unnamed_custom_features, c.unnamed_broad_requests, c.unnamed_custom_requests,
           c.last_expectation_reset,
           k.customer_id IS NOT NULL AS has_contract, k.term_start, k.term_end, k.auto_renews,
           k.renewal_term_months, k.renewal_notice_days, k.termination_notice_days,
           k.termination_fee, k.data_export_days, k.sla_tier, k.sla_first_response_hours,
           k.sla_standby_hours_per_month, k.compliance_obligations
    FROM customers c LEFT JOIN contracts k ON k.customer_id = c.id
    WHERE ?1 IS NULL OR c.id > ?1
    ORDER BY c.id
    LIMIT ?2";

/// A customer's known facts, read as `(fact, value)` rows.
type Facts = Vec<Result<(String, String), ColumnError>>;

/// The facts of the page's customers, by customer.
fn read_facts(
    conn: &Connection,
    after: &Option<String>,
    limit: u32,
) -> rusqlite::Result<HashMap<String, Facts>> {
    let sql = format!(
        "{PAGE_IDS} SELECT customer_id, fact, value FROM facts
         WHERE customer_id IN page ORDER BY customer_id, fact"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![after, limit])?;
    let mut facts: HashMap<String, Facts> = HashMap::new();
    while let Some(row) = rows.next()? {
        let owner: String = row.get("customer_id")?;
        let r = Cols::new(row, "facts", "fact");
        let fact = r
            .get::<String>("fact")
            .and_then(|f| Ok((f, r.get("value")?)));
        facts.entry(owner).or_default().push(fact);
    }
    Ok(facts)
}

/// The events of the page's customers, each with the id of the customer it belongs to.
type Events = Vec<(String, Result<Event, ColumnError>)>;

/// Read the rows of one event table: `sql` after [`PAGE_IDS`], its column `owner` the customer,
/// `key` the column that names a row, `event` the conversion.
fn read_table(
    conn: &Connection,
    (after, limit): (&Option<String>, u32),
    table: &'static str,
    key: &str,
    sql: &str,
    event: impl Fn(&Cols) -> Result<Event, ColumnError>,
    into: &mut Events,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(&format!("{PAGE_IDS} {sql}"))?;
    let mut rows = stmt.query(params![after, limit])?;
    while let Some(row) = rows.next()? {
        let owner: String = row.get("owner")?;
        into.push((owner, event(&Cols::new(row, table, key))));
    }
    Ok(())
}

/// Every event of the page's customers, table by table.
fn read_events(conn: &Connection, after: &Option<String>, limit: u32) -> rusqlite::Result<Events> {
    let mut events = Vec::new();
    let args = || (after, limit);
    read_table(
        conn,
        args(),
        "tickets",
        "id",
        "SELECT id, customer_id AS owner, severity, opened, closed, handling_hours FROM tickets
         WHERE customer_id IN page ORDER BY customer_id, id",
        |r| {
            let mut t = Ticket::new(
                r.get::<String>("id")?,
                r.customer("owner")?,
                r.wire("severity")?,
                r.day("opened")?,
            );
            if let Some(closed) = r.opt_day("closed")? {
                t = t.closed(closed);
            }
            if let Some(hours) = r.opt_dec("handling_hours")? {
                t = t.handling_hours(Hours::new(hours).map_err(|e| r.bad("handling_hours", e))?);
            }
            Ok(Event::Ticket(t))
        },
        &mut events,
    )?;
    // An entry on a ticket belongs to the ticket's customer when it names none itself.
    read_table(
        conn,
        args(),
        "time_entries",
        "id",
        "SELECT e.id, e.person, e.role, e.customer_id, e.ticket_id, e.date, e.hours,
                COALESCE(e.customer_id, t.customer_id) AS owner
         FROM time_entries e LEFT JOIN tickets t ON t.id = e.ticket_id
         WHERE COALESCE(e.customer_id, t.customer_id) IN page ORDER BY e.id",
        |r| {
            let mut e = TimeEntry::new(
                r.get::<String>("id")?,
                r.get::<String>("person")?,
                r.get::<String>("role")?,
                r.day("date")?,
                r.hours("hours")?,
            );
            if r.get::<Option<String>>("customer_id")?.is_some() {
                e = e.customer(r.customer("customer_id")?);
            }
            if let Some(ticket) = r.get::<Option<String>>("ticket_id")? {
                e = e.ticket(ticket);
            }
            Ok(Event::TimeEntry(e))
        },
        &mut events,
    )?;
    read_table(
        conn,
        args(),
        "escalations",
        "id",
        "SELECT id, customer_id AS owner, date FROM escalations
         WHERE customer_id IN page ORDER BY customer_id, id",
        |r| {
            Ok(Event::Escalation(Escalation::new(
                r.get::<String>("id")?,
                r.customer("owner")?,
                r.day("date")?,
            )))
        },
        &mut events,
    )?;
    read_table(
        conn,
        args(),
        "feature_requests",
        "id",
        "SELECT id, customer_id AS owner, date, title, scope FROM feature_requests
         WHERE customer_id IN page ORDER BY customer_id, date, id",
        |r| {
            Ok(Event::FeatureRequest(Requested::new(
                r.get::<String>("id")?,
                r.customer("owner")?,
                r.day("date")?,
                r.get::<String>("title")?,
                r.wire::<RequestScope>("scope")?,
            )))
        },
        &mut events,
    )?;
    read_table(
        conn,
        args(),
        "usage",
        "date",
        "SELECT customer_id AS owner, date, units FROM usage
         WHERE customer_id IN page ORDER BY customer_id, date",
        |r| {
            let units = Quantity::new(r.dec("units")?).map_err(|e| r.bad("units", e))?;
            Ok(Event::Usage(Usage::new(
                r.customer("owner")?,
                r.day("date")?,
                units,
            )))
        },
        &mut events,
    )?;
    // The external cost is in the customer's currency.
    read_table(
        conn,
        args(),
        "implementations",
        "owner",
        "SELECT i.customer_id AS owner, i.go_live, i.external_cost, c.currency
         FROM implementations i JOIN customers c ON c.id = i.customer_id
         WHERE i.customer_id IN page ORDER BY i.customer_id",
        |r| {
            let cost = match r.opt_dec("external_cost")? {
                Some(amount) => Some(Money::new(amount, r.currency("currency")?)),
                None => None,
            };
            Ok(Event::Implementation(ImplementationProject::new(
                r.customer("owner")?,
                r.day("go_live")?,
                cost,
            )))
        },
        &mut events,
    )?;
    Ok(events)
}

/// Set one known fact, named by its field in the library, on the builder.
fn fact(
    b: CustomerBuilder,
    fact: &str,
    value: &str,
) -> Result<CustomerBuilder, Box<dyn StdError + Send + Sync>> {
    let dec = || Decimal::from_str_exact(value);
    Ok(match fact {
        "logo.referenceable" => b.referenceable(value.parse()?),
        "logo.case_study" => b.case_study(value.parse()?),
        "logo.brand_tier" => b.brand_tier(wire_enum(value)?),
        "logo.strategic_positioning" => b.strategic_positioning(wire_enum(value)?),
        "logo.feedback_quality" => b.feedback_quality(wire_enum(value)?),
        "growth.expansion_whitespace" => b.expansion_whitespace(dec()?),
        "growth.upsell_whitespace" => b.upsell_whitespace(dec()?),
        "growth.cross_sell_whitespace" => b.cross_sell_whitespace(dec()?),
        "growth.likelihood" => b.growth_likelihood(value.parse()?),
        "growth.historical_growth" => b.historical_growth(dec()?),
        "behavior.meeting_attendance" => b.meeting_attendance(dec()?),
        "behavior.plan_adherence" => b.plan_adherence(dec()?),
        "behavior.goal_changes" => b.goal_changes(value.parse()?),
        "behavior.responsiveness" => b.responsiveness(dec()?),
        "behavior.outcomes_achieved" => b.outcomes_achieved(dec()?),
        "behavior.content_consumed" => b.content_consumed(dec()?),
        "behavior.renewal_intent" => b.renewal_intent(value.parse()?),
        "behavior.nps" => b.nps(value.parse()?),
        other => return Err(format!("unknown fact `{other}`").into()),
    })
}

/// A builder's setter of one tag.
type SetTag = fn(CustomerBuilder, String) -> CustomerBuilder;

/// The builder of the customer in row `r` (customers joined with contracts), with its facts.
fn builder(r: &Cols, id: &str, facts: Facts) -> Result<CustomerBuilder, ColumnError> {
    let currency = r.get::<String>("currency")?;
    let mut b = Customer::builder(id, r.get::<String>("name")?)
        .currency(&currency)
        .stage(r.wire("stage")?)
        .period(r.day("period_start")?, r.day("period_end")?)
        .recurring_revenue(r.dec("recurring_revenue")?)
        .one_time_revenue(r.dec("one_time_revenue")?)
        .unnamed_custom_features(r.get("unnamed_custom_features")?)
        .unnamed_feature_requests(RequestScope::Broad, r.get("unnamed_broad_requests")?)
        .unnamed_feature_requests(RequestScope::Custom, r.get("unnamed_custom_requests")?);
    if let Some(since) = r.opt_day("customer_since")? {
        b = b.customer_since(since);
    }
    if let Some(cost) = r.opt_dec("acquisition_cost")? {
        b = b.acquisition_cost(cost);
    }
    if let Some(reset) = r.opt_day("last_expectation_reset")? {
        b = b.last_expectation_reset(reset);
    }
    if let Some(employees) = r.get::<Option<u32>>("employees")? {
        b = b.employees(employees);
    }
    if let Some(parent) = r.get::<Option<String>>("parent")? {
        b = b.parent(parent);
    }
    // The tags: each an optional column.
    let tags: [(&'static str, SetTag); 7] = [
        ("industry", |b, t| b.industry(t)),
        ("segment", |b, t| b.segment(t)),
        ("region", |b, t| b.region(t)),
        ("account_owner", |b, t| b.account_owner(t)),
        ("acquisition_channel", |b, t| b.acquisition_channel(t)),
        ("plan", |b, t| b.plan(t)),
        ("product_version", |b, t| b.product_version(t)),
    ];
    for (column, set) in tags {
        if let Some(tag) = r.get::<Option<String>>(column)? {
            b = set(b, tag);
        }
    }
    for use_case in r.json::<Vec<String>>("use_cases")? {
        b = b.use_case(use_case);
    }
    for theme in r.json::<Vec<String>>("roadmap_interests")? {
        b = b.roadmap_interest(theme);
    }
    for feature in r.json::<Vec<String>>("custom_features")? {
        b = b.custom_feature(feature);
    }
    if r.get::<bool>("has_contract")? {
        b = b.contract(contract(r)?);
    }
    for row in facts {
        let (name, value) = row?;
        b = fact(b, &name, &value).map_err(|cause| ColumnError {
            table: "facts",
            row: Some(name.clone()),
            column: "value",
            cause,
        })?;
    }
    Ok(b)
}

/// The contract of the customer in row `r`.
fn contract(r: &Cols) -> Result<custfit::customer::ContractBuilder, ColumnError> {
    let sla = Sla {
        tier: r.wire("sla_tier")?,
        first_response_hours: match r.opt_dec("sla_first_response_hours")? {
            Some(h) => Some(Hours::new(h).map_err(|e| r.bad("sla_first_response_hours", e))?),
            None => None,
        },
        standby_hours_per_month: r.hours("sla_standby_hours_per_month")?,
    };
    let mut k = Contract::builder(r.day("term_start")?, r.day("term_end")?)
        .auto_renews(r.get("auto_renews")?)
        .renewal_term_months(r.get("renewal_term_months")?)
        .renewal_notice_days(r.get("renewal_notice_days")?)
        .data_export_days(r.get("data_export_days")?)
        .sla(sla);
    match (
        r.get::<Option<u32>>("termination_notice_days")?,
        r.opt_dec("termination_fee")?,
    ) {
        (Some(days), Some(fee)) => {
            k = k.terminate_for_convenience(days, Money::new(fee, r.currency("currency")?));
        }
        (None, None) => {}
        _ => {
            return Err(r.bad(
                "termination_fee",
                "a termination for convenience needs both its notice and its fee (or neither)",
            ))
        }
    }
    for obligation in r.json::<Vec<String>>("compliance_obligations")? {
        k = k.compliance_obligation(obligation);
    }
    Ok(k)
}

/// The first error of each customer, by id.
type Refused = HashMap<String, custfit::Error>;

/// The events of one page folded by ledgers, one per assessment period of its customers.
struct PageLedgers<'a> {
    config: &'a LedgerConfig,
    /// The events that could be read, with their customer.
    events: Vec<(String, Event)>,
    /// The first event of each customer that could not be read.
    unreadable: Refused,
    /// By period: the ledger, and the first event of each customer it refused.
    ledgers: HashMap<AssessmentPeriod, custfit::Result<(Ledger, Refused)>>,
}

impl<'a> PageLedgers<'a> {
    fn new(config: &'a LedgerConfig, read: Events) -> Self {
        let mut events = Vec::with_capacity(read.len());
        let mut unreadable = HashMap::new();
        for (owner, event) in read {
            match event {
                Ok(event) => events.push((owner, event)),
                Err(e) => {
                    let error = custfit::Error::from_source(Some(owner.clone()), e);
                    unreadable.entry(owner).or_insert(error);
                }
            }
        }
        PageLedgers {
            config,
            events,
            unreadable,
            ledgers: HashMap::new(),
        }
    }

    /// `customer` with the activity of its events ([`Ledger::apply`]), or the error of its
    /// first event that could not be read or that the ledger refused.
    fn apply(&mut self, customer: Customer) -> custfit::Result<Customer> {
        let id = customer.id().as_str();
        if let Some(e) = self.unreadable.get(id) {
            return Err(e.clone());
        }
        let (config, events) = (self.config, &self.events);
        let ledger = self
            .ledgers
            .entry(customer.period())
            .or_insert_with(|| fill(config, customer.period(), events));
        let (ledger, refused) = ledger.as_ref().map_err(Clone::clone)?;
        if let Some(e) = refused.get(id) {
            return Err(e.clone());
        }
        ledger.apply(customer)
    }
}

/// A ledger for `period` with `events`, and the first event of each customer it refused.
fn fill(
    config: &LedgerConfig,
    period: AssessmentPeriod,
    events: &[(String, Event)],
) -> custfit::Result<(Ledger, Refused)> {
    let mut ledger = Ledger::new(config.clone(), period)?;
    let mut refused = HashMap::new();
    for (owner, event) in events {
        if let Err(e) = ledger.add(event.clone()) {
            refused.entry(owner.clone()).or_insert(e);
        }
    }
    Ok((ledger, refused))
}

/// The customers of the database, read a page at a time, with the activity of their events.
pub struct CustomerTable<'a> {
    db: &'a Mutex<Connection>,
    config: &'a LedgerConfig,
    page_size: u32,
    /// The last id read: the next page starts after it.
    after: Option<String>,
    page: VecDeque<custfit::Result<Customer>>,
    done: bool,
}

impl<'a> CustomerTable<'a> {
    /// Every customer of the database, its events folded with `config`.
    pub fn new(db: &'a Mutex<Connection>, config: &'a LedgerConfig) -> Self {
        CustomerTable::with_page_size(db, config, PAGE)
    }

    /// The same, reading `page_size` customers per query (at least 1).
    pub fn with_page_size(
        db: &'a Mutex<Connection>,
        config: &'a LedgerConfig,
        page_size: u32,
    ) -> Self {
        CustomerTable {
            db,
            config,
            page_size: page_size.max(1),
            after: None,
            page: VecDeque::new(),
            done: false,
        }
    }

    /// Read the next page into `self.page`.
    fn fetch(&mut self) -> Result<(), DbError> {
        let mut conn = self.db.lock().map_err(|_| DbError::Poisoned)?;
        // The page's queries in one read transaction (a savepoint nests in the caller's), so
        // that they see the same rows.
        let snapshot = conn.savepoint()?;
        let mut facts = read_facts(&snapshot, &self.after, self.page_size)?;
        let events = read_events(&snapshot, &self.after, self.page_size)?;
        let mut stmt = snapshot.prepare_cached(CUSTOMERS)?;
        let mut rows = stmt.query(params![self.after, self.page_size])?;
        let mut built = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get("id")?;
            let known = facts.remove(&id).unwrap_or_default();
            let record = builder(&Cols::new(row, "customers", "id"), &id, known)
                .map_err(|e| custfit::Error::from_source(Some(id.clone()), e))
                .and_then(CustomerBuilder::build);
            built.push((id, record));
        }
        self.done = built.len() < self.page_size as usize;
        self.after = built.last().map(|(id, _)| id.clone()).or(self.after.take());
        drop(rows);
        drop(stmt);
        snapshot.commit()?;
        drop(conn);
        let mut ledgers = PageLedgers::new(self.config, events);
        for (_, record) in built {
            self.page.push_back(record.and_then(|c| ledgers.apply(c)));
        }
        Ok(())
    }
}

impl CustomerSource for CustomerTable<'_> {
    fn next_customer(&mut self) -> Option<custfit::Result<Customer>> {
        if self.page.is_empty() && !self.done {
            if let Err(e) = self.fetch() {
                // The query itself failed: one refused record says so, and the source ends.
                self.done = true;
                return Some(Err(custfit::Error::from_source(None, e)));
            }
        }
        self.page.pop_front()
    }
}

/// The overhead of `period` by role: the hours of time entries for no customer and no ticket,
/// through a ledger ([`Ledger::overhead`]).
///
/// # Errors
///
/// [`DbError::Sql`] when the query fails; [`DbError::Custfit`] when an entry cannot be read or
/// the ledger refuses it.
pub fn overhead(
    conn: &Connection,
    config: &LedgerConfig,
    period: AssessmentPeriod,
) -> Result<RoleHours, DbError> {
    let mut ledger = Ledger::new(config.clone(), period)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, person, role, date, hours FROM time_entries
         WHERE customer_id IS NULL AND ticket_id IS NULL ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let r = Cols::new(row, "time_entries", "id");
        let entry = (|| {
            Ok::<_, ColumnError>(TimeEntry::new(
                r.get::<String>("id")?,
                r.get::<String>("person")?,
                r.get::<String>("role")?,
                r.day("date")?,
                r.hours("hours")?,
            ))
        })()
        .map_err(|e| custfit::Error::from_source(None, e))?;
        ledger.add(Event::TimeEntry(entry))?;
    }
    Ok(ledger.overhead())
}
