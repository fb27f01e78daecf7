//! The events a ledger folds: tickets, time entries, escalations, feature requests, usage
//! readings and implementation projects, as the systems that hold them keep them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::customer::{CustomerId, RequestScope, Severity};
use crate::money::Money;
use crate::units::{Hours, Quantity};

/// A support ticket, as the ticketing system keeps it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// The ticket's id, unique in the ledger.
    pub id: String,
    /// The customer it is for.
    pub customer: CustomerId,
    /// Its severity.
    pub severity: Severity,
    /// The day it was opened: it counts in the period that holds this day.
    pub opened: NaiveDate,
    /// The day it was closed, if it was.
    #[serde(default)]
    pub closed: Option<NaiveDate>,
    /// The handling time the ticketing system states, if any (time entries on the ticket take
    /// its place).
    #[serde(default)]
    pub handling_hours: Option<Hours>,
}

impl Ticket {
    /// A ticket opened on `opened`, not closed, without a stated handling time.
    pub fn new(
        id: impl Into<String>,
        customer: CustomerId,
        severity: Severity,
        opened: NaiveDate,
    ) -> Self {
        Ticket {
            id: id.into(),
            customer,
            severity,
            opened,
            closed: None,
            handling_hours: None,
        }
    }

    /// The same ticket, closed on `closed`.
    #[must_use]
    pub fn closed(mut self, closed: NaiveDate) -> Self {
        self.closed = Some(closed);
        self
    }

    /// The same ticket with its stated handling time.
    #[must_use]
    pub fn handling_hours(mut self, hours: Hours) -> Self {
        self.handling_hours = Some(hours);
        self
    }
}

/// A time entry of the time tracker: a person's hours on one day.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeEntry {
    /// The entry's id, unique in the ledger.
    pub id: String,
    /// Who worked.
    pub person: String,
    /// Their role, as the time tracker names it
    /// ([`LedgerConfig::roles`](super::LedgerConfig::roles) maps it).
    pub role: String,
    /// The customer worked for; `None` for overhead.
    #[serde(default)]
    pub customer: Option<CustomerId>,
    /// The ticket worked on, if any: the hours are its handling time.
    #[serde(default)]
    pub ticket: Option<String>,
    /// The day.
    pub date: NaiveDate,
    /// The hours (more than zero).
    pub hours: Hours,
}

impl TimeEntry {
    /// `hours` of `person` as `role` on `date`, for no customer yet (overhead).
    pub fn new(
        id: impl Into<String>,
        person: impl Into<String>,
        role: impl Into<String>,
        date: NaiveDate,
        hours: Hours,
    ) -> Self {
        TimeEntry {
            id: id.into(),
            person: person.into(),
            role: role.into(),
            customer: None,
            ticket: None,
            date,
            hours,
        }
    }

    /// The same entry, for `customer`.
    #[must_use]
    pub fn customer(mut self, customer: CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }

    /// The same entry, on ticket `ticket`.
    #[must_use]
    pub fn ticket(mut self, ticket: impl Into<String>) -> Self {
        self.ticket = Some(ticket.into());
        self
    }
}

/// An escalation to management.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// The escalation's id, unique among escalations.
    pub id: String,
    /// The customer.
    pub customer: CustomerId,
    /// The day.
    pub date: NaiveDate,
}

impl Escalation {
    /// An escalation of `customer` on `date`.
    pub fn new(id: impl Into<String>, customer: CustomerId, date: NaiveDate) -> Self {
        Escalation {
            id: id.into(),
            customer,
            date,
        }
    }
}

/// A feature request a customer made.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requested {
    /// The request's id, unique among requests.
    pub id: String,
    /// The customer.
    pub customer: CustomerId,
    /// The day it was made.
    pub date: NaiveDate,
    /// Its title.
    pub title: String,
    /// Whom it would serve: many customers, or this one alone.
    pub scope: RequestScope,
}

impl Requested {
    /// A request titled `title` of `customer` on `date`, serving `scope`.
    pub fn new(
        id: impl Into<String>,
        customer: CustomerId,
        date: NaiveDate,
        title: impl Into<String>,
        scope: RequestScope,
    ) -> Self {
        Requested {
            id: id.into(),
            customer,
            date,
            title: title.into(),
            scope,
        }
    }
}

/// A usage reading: units consumed (API calls, seats, gigabytes) priced per unit by the cost
/// model.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// The customer.
    pub customer: CustomerId,
    /// The day of the reading.
    pub date: NaiveDate,
    /// Units consumed.
    pub units: Quantity,
}

impl Usage {
    /// `units` consumed by `customer`, read on `date`.
    pub fn new(customer: CustomerId, date: NaiveDate, units: Quantity) -> Self {
        Usage {
            customer,
            date,
            units,
        }
    }
}

/// A customer's implementation project: its go-live and direct cost (its hours are the
/// implementation time entries).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImplementationProject {
    /// The customer.
    pub customer: CustomerId,
    /// The day it went live: amortization starts here.
    pub go_live: NaiveDate,
    /// Third-party or other direct cost, if any.
    #[serde(default)]
    pub external_cost: Option<Money>,
}

impl ImplementationProject {
    /// The project of `customer`, live on `go_live`, with its direct cost, if any.
    pub fn new(customer: CustomerId, go_live: NaiveDate, external_cost: Option<Money>) -> Self {
        ImplementationProject {
            customer,
            go_live,
            external_cost,
        }
    }
}

/// One event of a customer's activity.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// A support ticket.
    Ticket(Ticket),
    /// A time entry.
    TimeEntry(TimeEntry),
    /// An escalation.
    Escalation(Escalation),
    /// A feature request.
    FeatureRequest(Requested),
    /// A usage reading.
    Usage(Usage),
    /// An implementation project.
    Implementation(ImplementationProject),
}
