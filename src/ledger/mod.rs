//! The activity ledger: activity as the systems that hold it keep it — one event per ticket,
//! time entry, escalation, feature request and usage reading — folded into a customer's
//! [`Activity`] and feature requests for an assessment period.
//!
//! Aggregating events is the first thing every integrator writes, and the easiest to get
//! subtly wrong; the rules, once:
//!
//! - **The period.** Events outside the assessment period are left out: time entries, usage
//!   readings, escalations and feature requests by their date, tickets by the day they were
//!   **opened** (a ticket counts in the period it was opened, whenever it closed).
//! - **Handling time follows its ticket.** A time entry that names a ticket is that ticket's
//!   handling time — never also support time — whatever its date and its person's role: the
//!   time spent on a ticket opened in the period counts in the period, on one opened before,
//!   not. The timesheet is the measure of a ticket that has entries; a handling time stated on
//!   the ticket itself stands in for one that has none.
//! - **Unknown stays unknown.** A ticket without entries or a stated handling time has an
//!   unknown handling time, never zero: it is priced per ticket of its severity. Where some
//!   tickets of a severity have handling times and others not, the activity holds two groups
//!   of that severity, one with the hours of the measured tickets, one with the count of the
//!   others ([`TicketGroup`]).
//! - **Overhead is nobody's.** A time entry without a customer (and without a ticket) is
//!   overhead: it is added to no customer; [`Ledger::overhead`] sums it by role.
//! - **Roles by configuration.** A time entry's role, as the time tracker names it ("L2
//!   support", "CSM"), maps to a role of the cost model through [`LedgerConfig::roles`]; an
//!   unmapped role is refused, never guessed. Support time not on a ticket is support hours;
//!   engineering, success and executive time are those hours; implementation time is the
//!   hours of the customer's implementation project ([`Event::Implementation`]), counted
//!   over the whole project whatever their dates (the project is amortized from its
//!   go-live), and refused for a customer without one.
//! - **Bounded and named.** Every event is checked when it is added — ids not blank, hours
//!   and units within the bounds of a customer record, a ticket closed no earlier than it was
//!   opened, no id given twice — and a bad one is refused with an error naming the customer,
//!   the event and the field (`tickets[T-17].closed`).
//!
//! For data the aggregated [`Activity`] can express, folding its events gives exactly that
//! activity (property-tested).
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use custfit::customer::{AssessmentPeriod, Severity};
//! use custfit::ledger::{Event, Ledger, LedgerConfig, Ticket, TimeEntry};
//! use custfit::units::Hours;
//! use custfit::CustomerId;
//! use rust_decimal::Decimal;
//!
//! # fn main() -> custfit::Result<()> {
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let mut ledger = Ledger::new(LedgerConfig::default(), AssessmentPeriod::new(d(2025, 1, 1), d(2025, 12, 31))?)?;
//! let acme = CustomerId::new("acme")?;
//! let hours = |h: i64| Hours::new(Decimal::from(h));
//! ledger.add(Event::Ticket(Ticket::new("T-1", acme.clone(), Severity::High, d(2025, 3, 2))))?;
//! ledger.add(Event::Ticket(Ticket::new("T-2", acme.clone(), Severity::High, d(2025, 3, 9))))?;
//! // Two hours on T-1 (handling time, not support time), three hours of support chat.
//! ledger.add(Event::TimeEntry(TimeEntry::new("E-1", "Ana", "support", d(2025, 3, 3), hours(2)?)
//!     .customer(acme.clone()).ticket("T-1")))?;
//! ledger.add(Event::TimeEntry(TimeEntry::new("E-2", "Ana", "support", d(2025, 4, 1), hours(3)?)
//!     .customer(acme.clone())))?;
//! let folded = ledger.fold(&acme)?;
//! let tickets = &folded.activity.tickets;
//! // T-1 measured (2 h), T-2 not: two groups of high tickets, the second priced per ticket.
//! assert_eq!((tickets[0].count, tickets[0].handling_hours), (1, Some(hours(2)?)));
//! assert_eq!((tickets[1].count, tickets[1].handling_hours), (1, None));
//! assert_eq!(folded.activity.support_hours, hours(3)?);
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cost::{Role, RoleHours};
use crate::customer::{
    check_bounded, check_count, Activity, AssessmentPeriod, Customer, CustomerId, FeatureRequest,
    Implementation, Severity, TicketGroup, MAX_MONEY, MAX_QUANTITY,
};
use crate::error::{Error, Problem, Result};
use crate::money::Money;
use crate::source::{ActivitySource, CustomerSource};
use crate::units::{Hours, Quantity};

mod event;

pub use event::{Escalation, Event, ImplementationProject, Requested, Ticket, TimeEntry, Usage};

/// How a ledger reads its events; plain serde data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct LedgerConfig {
    /// The time tracker's role names, mapped to the cost model's roles (default: each role's
    /// own name — `support`, `engineering`, `success`, `executive`, `implementation`).
    pub roles: BTreeMap<String, Role>,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            roles: Role::ALL
                .into_iter()
                .map(|r| (r.as_str().to_owned(), r))
                .collect(),
        }
    }
}

/// What a ledger holds of one customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Account {
    /// Tickets opened in the period, in the order added.
    tickets: Vec<Ticket>,
    /// Hours by role of time entries in the period on no ticket (implementation: all dates).
    hours: RoleHours,
    escalations: u64,
    requests: Vec<FeatureRequest>,
    usage: Decimal,
    implementation: Option<(NaiveDate, Option<Money>)>,
}

/// A customer's activity and feature requests, folded from its events.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Folded {
    /// The activity over the ledger's period (no custom features: those are no events).
    pub activity: Activity,
    /// The feature requests made in the period, in the order added.
    pub feature_requests: Vec<FeatureRequest>,
}

/// The events of many customers for one assessment period; see the [module docs](self) for the
/// rules it folds them by.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    config: LedgerConfig,
    period: AssessmentPeriod,
    accounts: BTreeMap<CustomerId, Account>,
    /// Every ticket id, with its customer and whether it was opened in the period.
    ticket_ids: BTreeMap<String, (CustomerId, bool)>,
    /// Hours of time entries by ticket id, whatever the ticket's period.
    ticket_hours: BTreeMap<String, Decimal>,
    /// Ids of the time entries, escalations and requests added, to refuse one given twice.
    entry_ids: std::collections::BTreeSet<(u8, String)>,
    overhead: RoleHours,
    /// Entries on tickets by the customer they name, with the ticket, to check against the
    /// ticket's customer at fold time.
    entry_customers: BTreeMap<CustomerId, Vec<(String, String)>>,
}

/// An error about event `event` of `customer` (if known): field `{kind}[{id}].{field}`.
fn bad_event(
    customer: Option<&CustomerId>,
    kind: &str,
    id: &str,
    field: &str,
    problem: Problem,
) -> Error {
    let field = if field.is_empty() {
        format!("{kind}[{id}]")
    } else {
        format!("{kind}[{id}].{field}")
    };
    Error::invalid(customer, field, problem)
}

fn add_checked(a: Decimal, b: Decimal) -> std::result::Result<Decimal, Problem> {
    a.checked_add(b).ok_or(Problem::Overflow)
}

impl Ledger {
    /// An empty ledger for `period`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when a role name of `config` is blank.
    pub fn new(config: LedgerConfig, period: AssessmentPeriod) -> Result<Self> {
        if config.roles.keys().any(|k| k.trim().is_empty()) {
            return Err(Error::config("ledger.roles", Problem::Empty));
        }
        Ok(Ledger {
            config,
            period,
            accounts: BTreeMap::new(),
            ticket_ids: BTreeMap::new(),
            ticket_hours: BTreeMap::new(),
            entry_ids: std::collections::BTreeSet::new(),
            overhead: RoleHours::default(),
            entry_customers: BTreeMap::new(),
        })
    }

    /// The period the ledger folds for.
    pub fn period(&self) -> AssessmentPeriod {
        self.period
    }

    /// The customers with at least one event (of any date), in id order.
    pub fn customers(&self) -> impl Iterator<Item = &CustomerId> + '_ {
        self.accounts.keys()
    }

    /// Hours of time entries in the period for no customer, by role: overhead, nobody's cost.
    pub fn overhead(&self) -> RoleHours {
        self.overhead
    }

    fn in_period(&self, date: NaiveDate) -> bool {
        self.period.start() <= date && date <= self.period.end()
    }

    fn account(&mut self, customer: &CustomerId) -> &mut Account {
        self.accounts.entry(customer.clone()).or_default()
    }

    /// Add one event.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] naming the customer (when the event has one), the event and the
    /// field: a blank id, person, role or title; an id given twice; a role
    /// [`LedgerConfig::roles`] does not map; hours of zero or beyond the bounds of a customer
    /// record; a ticket closed before it was opened; a sum past those bounds.
    pub fn add(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Ticket(t) => self.add_ticket(t),
            Event::TimeEntry(e) => self.add_entry(e),
            Event::Escalation(e) => {
                self.claim(2, &e.id, Some(&e.customer), "escalations")?;
                let inside = self.in_period(e.date);
                let a = self.account(&e.customer);
                if inside {
                    a.escalations += 1;
                    check_count(a.escalations)
                        .map_err(|p| bad_event(Some(&e.customer), "escalations", &e.id, "", p))?;
                }
                Ok(())
            }
            Event::FeatureRequest(r) => {
                self.claim(3, &r.id, Some(&r.customer), "feature_requests")?;
                if r.title.trim().is_empty() {
                    return Err(bad_event(
                        Some(&r.customer),
                        "feature_requests",
                        &r.id,
                        "title",
                        Problem::Empty,
                    ));
                }
                let inside = self.in_period(r.date);
                let a = self.account(&r.customer);
                if inside {
                    a.requests.push(FeatureRequest {
                        title: r.title,
                        scope: r.scope,
                    });
                }
                Ok(())
            }
            Event::Usage(u) => {
                let id = u.date.to_string();
                let bad = |p| bad_event(Some(&u.customer), "usage", &id, "units", p);
                check_bounded(u.units.get(), MAX_QUANTITY).map_err(bad)?;
                let inside = self.in_period(u.date);
                let a = self.account(&u.customer);
                if inside {
                    let sum = add_checked(a.usage, u.units.get()).map_err(bad)?;
                    check_bounded(sum, MAX_QUANTITY).map_err(bad)?;
                    a.usage = sum;
                }
                Ok(())
            }
            Event::Implementation(p) => {
                let id = p.go_live.to_string();
                if let Some(cost) = p.external_cost {
                    let bad = |pr| {
                        bad_event(
                            Some(&p.customer),
                            "implementation",
                            &id,
                            "external_cost",
                            pr,
                        )
                    };
                    if cost.is_negative() {
                        return Err(bad(Problem::Negative {
                            value: cost.amount(),
                        }));
                    }
                    check_bounded(cost.amount(), MAX_MONEY).map_err(bad)?;
                }
                let a = self.account(&p.customer);
                if a.implementation.is_some() {
                    return Err(bad_event(
                        Some(&p.customer),
                        "implementation",
                        &id,
                        "",
                        Problem::Rule {
                            rule: "a second implementation project: one per customer".into(),
                        },
                    ));
                }
                a.implementation = Some((p.go_live, p.external_cost));
                Ok(())
            }
        }
    }

    /// Note `id` of an event kind (`kind_tag`) as taken, refusing a blank or repeated one.
    fn claim(
        &mut self,
        kind_tag: u8,
        id: &str,
        customer: Option<&CustomerId>,
        kind: &str,
    ) -> Result<()> {
        if id.trim().is_empty() {
            return Err(bad_event(customer, kind, id, "id", Problem::Empty));
        }
        if !self.entry_ids.insert((kind_tag, id.to_owned())) {
            return Err(bad_event(
                customer,
                kind,
                id,
                "id",
                Problem::Rule {
                    rule: "the id is given twice".into(),
                },
            ));
        }
        Ok(())
    }

    fn add_ticket(&mut self, t: Ticket) -> Result<()> {
        let bad =
            |field: &str, p: Problem| bad_event(Some(&t.customer), "tickets", &t.id, field, p);
        if t.id.trim().is_empty() {
            return Err(bad("id", Problem::Empty));
        }
        if self.ticket_ids.contains_key(&t.id) {
            return Err(bad(
                "id",
                Problem::Rule {
                    rule: "the id is given twice".into(),
                },
            ));
        }
        if let Some(closed) = t.closed.filter(|c| *c < t.opened) {
            return Err(bad(
                "closed",
                Problem::Before {
                    date: closed,
                    other_field: "opened".into(),
                    other: t.opened,
                },
            ));
        }
        if let Some(h) = t.handling_hours {
            if h.get().is_zero() {
                return Err(bad(
                    "handling_hours",
                    Problem::Rule {
                        rule: "0 hours: leave it out when the handling time is not known".into(),
                    },
                ));
            }
            check_bounded(h.get(), MAX_QUANTITY).map_err(|p| bad("handling_hours", p))?;
        }
        let inside = self.in_period(t.opened);
        self.ticket_ids
            .insert(t.id.clone(), (t.customer.clone(), inside));
        let customer = t.customer.clone();
        let a = self.account(&customer);
        if inside {
            a.tickets.push(t);
        }
        Ok(())
    }

    fn add_entry(&mut self, e: TimeEntry) -> Result<()> {
        self.claim(1, &e.id, e.customer.as_ref(), "time_entries")?;
        let bad = |field: &str, p: Problem| {
            bad_event(e.customer.as_ref(), "time_entries", &e.id, field, p)
        };
        for (field, text) in [("person", &e.person), ("role", &e.role)] {
            if text.trim().is_empty() {
                return Err(bad(field, Problem::Empty));
            }
        }
        let Some(&role) = self.config.roles.get(&e.role) else {
            return Err(bad(
                "role",
                Problem::Rule {
                    rule: format!(
                        "`{}` is not mapped to a role of the cost model (ledger roles: {})",
                        e.role,
                        self.config
                            .roles
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
            ));
        };
        if e.hours.get().is_zero() {
            return Err(bad(
                "hours",
                Problem::OutOfRange {
                    value: "0".into(),
                    allowed: "more than 0".into(),
                },
            ));
        }
        check_bounded(e.hours.get(), MAX_QUANTITY).map_err(|p| bad("hours", p))?;
        let hours = e.hours.get();
        if let Some(ticket) = &e.ticket {
            if ticket.trim().is_empty() {
                return Err(bad("ticket", Problem::Empty));
            }
            let sum = add_checked(
                self.ticket_hours.get(ticket).copied().unwrap_or_default(),
                hours,
            )
            .map_err(|p| bad("hours", p))?;
            check_bounded(sum, MAX_QUANTITY).map_err(|p| bad("hours", p))?;
            self.ticket_hours.insert(ticket.clone(), sum);
            if let Some(customer) = &e.customer {
                self.entry_customers
                    .entry(customer.clone())
                    .or_default()
                    .push((e.id.clone(), ticket.clone()));
                self.account(customer);
            }
            return Ok(());
        }
        let counts = role == Role::Implementation || self.in_period(e.date);
        match &e.customer {
            None if counts && role != Role::Implementation => {
                let slot = self.overhead.get_mut(role);
                *slot = add_checked(*slot, hours).map_err(|p| bad("hours", p))?;
            }
            None => {}
            Some(customer) => {
                let customer = customer.clone();
                let a = self.account(&customer);
                if counts {
                    let slot = a.hours.get_mut(role);
                    let sum = add_checked(*slot, hours).map_err(|p| bad("hours", p))?;
                    check_bounded(sum, MAX_QUANTITY).map_err(|p| bad("hours", p))?;
                    *slot = sum;
                }
            }
        }
        Ok(())
    }

    /// The activity and feature requests of `customer` over the ledger's period.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] naming the customer and the event: a time entry on a ticket
    /// that is no ticket of the ledger, or of another customer; implementation hours without
    /// an implementation project; a ticket group past the bounds of a customer record.
    pub fn fold(&self, customer: &CustomerId) -> Result<Folded> {
        let empty = Account::default();
        let a = self.accounts.get(customer).unwrap_or(&empty);
        let on_tickets = self
            .entry_customers
            .get(customer)
            .map_or(&[][..], Vec::as_slice);
        for (entry, ticket) in on_tickets {
            let rule = match self.ticket_ids.get(ticket) {
                Some((owner, _)) if owner == customer => continue,
                Some(_) => format!("ticket `{ticket}` is another customer's"),
                None => format!("no ticket `{ticket}` in the ledger"),
            };
            let problem = Problem::Rule { rule };
            return Err(bad_event(
                Some(customer),
                "time_entries",
                entry,
                "ticket",
                problem,
            ));
        }
        // By severity: the measured tickets' count and hours, and the count of the others.
        let mut measured: BTreeMap<Severity, (u64, Decimal)> = BTreeMap::new();
        let mut unmeasured: BTreeMap<Severity, u64> = BTreeMap::new();
        for t in &a.tickets {
            let hours = self
                .ticket_hours
                .get(&t.id)
                .copied()
                .or(t.handling_hours.map(Hours::get));
            let bad = |p| bad_event(Some(customer), "tickets", &t.id, "handling_hours", p);
            match hours {
                Some(h) => {
                    let slot = measured.entry(t.severity).or_default();
                    slot.0 += 1;
                    slot.1 = add_checked(slot.1, h).map_err(bad)?;
                    check_bounded(slot.1, MAX_QUANTITY).map_err(bad)?;
                }
                None => *unmeasured.entry(t.severity).or_default() += 1,
            }
        }
        let mut tickets = Vec::new();
        for severity in Severity::ALL {
            let count = |n: u64| {
                check_count(n)
                    .map(|()| n as u32)
                    .map_err(|p| Error::invalid(Some(customer), "activity.tickets.count", p))
            };
            if let Some(&(n, h)) = measured.get(&severity) {
                tickets.push(TicketGroup {
                    severity,
                    count: count(n)?,
                    handling_hours: Some(Hours::new(h)?),
                });
            }
            if let Some(&n) = unmeasured.get(&severity) {
                tickets.push(TicketGroup {
                    severity,
                    count: count(n)?,
                    handling_hours: None,
                });
            }
        }
        let implementation = match a.implementation {
            Some((go_live, external_cost)) => Some(Implementation {
                hours: Hours::new(a.hours.implementation)?,
                external_cost,
                go_live,
            }),
            None if !a.hours.implementation.is_zero() => {
                return Err(Error::invalid(
                    Some(customer),
                    "time_entries",
                    Problem::Rule {
                        rule: "implementation hours without an implementation project (go-live)"
                            .into(),
                    },
                ))
            }
            None => None,
        };
        let mut activity = Activity::new(self.period);
        activity.tickets = tickets;
        activity.support_hours = Hours::new(a.hours.support)?;
        activity.engineering_hours = Hours::new(a.hours.engineering)?;
        activity.success_hours = Hours::new(a.hours.success)?;
        activity.executive_hours = Hours::new(a.hours.executive)?;
        activity.escalations = a.escalations as u32;
        activity.implementation = implementation;
        activity.usage_units = Quantity::new(a.usage)?;
        Ok(Folded {
            activity,
            feature_requests: a.requests.clone(),
        })
    }

    /// `customer` with the activity and feature requests of its events: the ledger's activity
    /// takes the place of the record's, but for the custom features (no events) and, when the
    /// ledger has no implementation project for it, the record's implementation; the ledger's
    /// feature requests take the place of the record's when it has any. A customer without
    /// events is returned as it is. Validated again.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] on `activity.period` when the customer's period is not the
    /// ledger's; as [`fold`](Self::fold); as [`Customer::with_activity`].
    pub fn apply(&self, customer: Customer) -> Result<Customer> {
        if !self.accounts.contains_key(customer.id()) {
            return Ok(customer);
        }
        if customer.period() != self.period {
            return Err(Error::invalid(
                Some(customer.id()),
                "activity.period",
                Problem::Rule {
                    rule: format!(
                        "the ledger folds {}..={}",
                        self.period.start(),
                        self.period.end()
                    ),
                },
            ));
        }
        let folded = self.fold(customer.id())?;
        let mut activity = folded.activity;
        let own = customer.activity();
        activity.custom_features = own.custom_features.clone();
        activity.unnamed_custom_features = own.unnamed_custom_features;
        if activity.implementation.is_none() {
            activity.implementation = own.implementation.clone();
        }
        let customer = customer.with_activity(activity)?;
        if folded.feature_requests.is_empty() {
            Ok(customer)
        } else {
            customer.with_feature_requests(folded.feature_requests)
        }
    }
}

/// The ledger as an activity source: the folded activity of a customer with events (without
/// custom features: join with [`LedgerSource`] to keep the record's).
impl ActivitySource for Ledger {
    fn activity(&self, customer: &CustomerId) -> Result<Option<Activity>> {
        if !self.accounts.contains_key(customer) {
            return Ok(None);
        }
        self.fold(customer).map(|f| Some(f.activity))
    }
}

/// Customers from `S` with the activity and feature requests of their events in a [`Ledger`]
/// ([`Ledger::apply`]): the join a service makes of its customer table and its event tables.
#[derive(Debug)]
pub struct LedgerSource<'a, S> {
    customers: S,
    ledger: &'a Ledger,
}

impl<'a, S: CustomerSource> LedgerSource<'a, S> {
    /// Join `customers` with `ledger`.
    pub fn new(customers: S, ledger: &'a Ledger) -> Self {
        LedgerSource { customers, ledger }
    }
}

impl<S: CustomerSource> CustomerSource for LedgerSource<'_, S> {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        Some(
            self.customers
                .next_customer()?
                .and_then(|c| self.ledger.apply(c)),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.customers.size_hint()
    }
}
