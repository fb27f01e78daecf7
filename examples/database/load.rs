//! Loading the shipped sample into the tables of [`crate::schema`], as the systems of a real
//! company would hold it: each customer's aggregated activity is expanded, deterministically,
//! into the events it would have been aggregated from.
//!
//! - **Tickets.** A group of `N` tickets becomes `N` ticket rows, opened on days spread over
//!   the months the customer was active in the period (closed a few days later by severity,
//!   still open when that falls after the period). When the group's handling hours `H` are
//!   known, they are split into `N` positive parts that add up to `H` exactly ([`split`]):
//!   every other ticket states its part as its own handling time, the others get it as a time
//!   entry booked on the ticket. When they are unknown, the tickets have neither.
//! - **Hours by role** (support not on tickets, engineering, success, executive) become time
//!   entries of about a working day each, spread over the active months, by people of that
//!   role.
//! - **Escalations and feature requests** become one row each; **usage** one reading a month.
//! - **The implementation** becomes a project row (go-live, external cost) and time entries of
//!   the role `Implementation` from signing (at most six months before go-live) to go-live.
//! - **Two overhead entries** without a customer show time that is nobody's.
//!
//! Custom features (kept alive, not done) and the counts an export gives without names stay
//! on the customer row. Optional facts that are known become rows of `facts`; the unknown ones
//! no row. Folding the events back with the library's ledger gives every customer's activity
//! exactly (`tests/database.rs`).

#![allow(dead_code)]

use chrono::{Datelike, Days, NaiveDate};
use custfit::cost::Role;
use custfit::customer::{LifecycleStage, Severity, VendorTermination};
use custfit::Customer;
use rusqlite::{named_params, params, Connection, Transaction};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::schema::{role_name, Day, DbError, Dec, DATA_TABLES};

/// How many rows of each table were written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    pub customers: usize,
    pub contracts: usize,
    pub facts: usize,
    pub tickets: usize,
    pub time_entries: usize,
    pub escalations: usize,
    pub feature_requests: usize,
    pub usage: usize,
    pub implementations: usize,
}

/// The (fictional) people who book time, by role.
fn people(role: Role) -> &'static [&'static str] {
    match role {
        Role::Support => &["Ana Ruiz", "Jonas Berg", "Mei Chen"],
        Role::Engineering => &["Tomas Novak", "Priya Nair", "Lars Holm"],
        Role::Success => &["Sofia Greco", "Daniel Weiss", "Amara Osei"],
        Role::Executive => &["Helen Kovac", "Marc Dubois"],
        _ => &["Ivo Petrov", "Nina Haas"],
    }
}

/// About one working day: hours by role are booked in entries of at most this many hours.
const DAY: Decimal = Decimal::from_parts(8, 0, 0, false, 0);

/// `total` in `n` positive parts that add up to it exactly: `n - 1` equal parts rounded down to
/// hundredths (to ten-thousandths when hundredths are too coarse), the remainder on the last.
/// `None` when `n` is zero or `total` is too small to give every part at least 0.0001.
pub fn split(total: Decimal, n: usize) -> Option<Vec<Decimal>> {
    let count = Decimal::from(n);
    let others = Decimal::from(n.checked_sub(1)?);
    for places in [2, 4] {
        let part = total
            .checked_div(count)?
            .round_dp_with_strategy(places, RoundingStrategy::ToZero);
        if part > Decimal::ZERO {
            let last = total.checked_sub(part.checked_mul(others)?)?;
            let mut parts = vec![part; n - 1];
            parts.push(last);
            return Some(parts);
        }
    }
    None
}

/// `n` days spread evenly over `from..=to` (the middles of `n` equal slices).
fn spread(from: NaiveDate, to: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let days = (to - from).num_days().max(0) as u64 + 1;
    let n64 = n as u64;
    // Each offset is below `days`, so every date lies in `from..=to`.
    (0..n64)
        .map(|i| from + Days::new(days * (2 * i + 1) / (2 * n64)))
        .collect()
}

/// The months `from..=to` touches.
fn months(from: NaiveDate, to: NaiveDate) -> usize {
    let index = |d: NaiveDate| d.year() as i64 * 12 + i64::from(d.month0());
    (index(to) - index(from) + 1).max(1) as usize
}

/// The part of the assessment period the customer was a customer: from its signing (when that
/// falls in the period) to the period's end, or to the end of the last term of a churned one.
fn active_span(c: &Customer) -> (NaiveDate, NaiveDate) {
    let period = c.period();
    let start = c
        .customer_since()
        .map_or(period.start(), |since| since.max(period.start()));
    let mut end = period.end();
    if c.stage() == LifecycleStage::Churned {
        if let Some(term_end) = c.contract().map(|k| k.term_end()) {
            end = end.min(term_end.max(start));
        }
    }
    (start.min(end), end)
}

/// Days from opening to closing a ticket of `severity`.
fn days_to_close(severity: Severity) -> u64 {
    match severity {
        Severity::Critical => 1,
        Severity::High => 3,
        Severity::Normal => 5,
        _ => 10,
    }
}

/// Replace the customer data (not the decisions) with `customers`, expanded into events, in one
/// transaction.
///
/// # Errors
///
/// [`DbError::Sql`] when a row cannot be written; [`DbError::Sample`] when an aggregate
/// cannot be split into events (hours too small for their number of tickets), naming the
/// customer.
pub fn load_sample(conn: &mut Connection, customers: &[Customer]) -> Result<Loaded, DbError> {
    let tx = conn.transaction()?;
    for table in DATA_TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let mut w = Writer {
        tx: &tx,
        entries: 0,
        loaded: Loaded::default(),
    };
    for c in customers {
        w.customer(c)?;
        w.contract(c)?;
        w.facts(c)?;
        w.activity(c)?;
    }
    if let Some(first) = customers.first() {
        w.overhead(first.period().start())?;
    }
    let loaded = w.loaded;
    tx.commit()?;
    Ok(loaded)
}

/// Writes the rows of one transaction, numbering the time entries.
struct Writer<'t> {
    tx: &'t Transaction<'t>,
    entries: usize,
    loaded: Loaded,
}

impl Writer<'_> {
    fn customer(&mut self, c: &Customer) -> Result<(), DbError> {
        let json = |list: Vec<&str>| serde_json::to_string(&list);
        let requests = c.unnamed_feature_requests();
        self.tx
            .prepare_cached(
                "INSERT INTO customers (id, name, currency, stage, customer_since, period_start,
                     period_end, recurring_revenue, one_time_revenue, acquisition_cost, industry,
                     segment, region, account_owner, acquisition_channel, plan, product_version,
                     parent, employees, use_cases, roadmap_interests, custom_features,
                     unnamed_custom_features, unnamed_broad_requests, unnamed_custom_requests,
                     last_expectation_reset)
                 VALUES (:id, :name, :currency, :stage, :customer_since, :period_start,
                     :period_end, :recurring_revenue, :one_time_revenue, :acquisition_cost,
                     :industry, :segment, :region, :account_owner, :acquisition_channel, :plan,
                     :product_version, :parent, :employees, :use_cases, :roadmap_interests,
                     :custom_features, :unnamed_custom_features, :unnamed_broad_requests,
                     :unnamed_custom_requests, :last_expectation_reset)",
            )?
            .execute(named_params! {
                ":id": c.id().as_str(),
                ":name": c.name(),
                ":currency": c.currency().as_str(),
                ":stage": c.stage().to_string(),
                ":customer_since": c.customer_since().map(Day),
                ":period_start": Day(c.period().start()),
                ":period_end": Day(c.period().end()),
                ":recurring_revenue": Dec(c.recurring_revenue().amount()),
                ":one_time_revenue": Dec(c.one_time_revenue().amount()),
                ":acquisition_cost": c.acquisition_cost().map(|m| Dec(m.amount())),
                ":industry": c.industry(),
                ":segment": c.segment(),
                ":region": c.region(),
                ":account_owner": c.account_owner(),
                ":acquisition_channel": c.acquisition_channel(),
                ":plan": c.plan(),
                ":product_version": c.product_version(),
                ":parent": c.parent().map(|p| p.as_str()),
                ":employees": c.employees(),
                ":use_cases": json(c.use_cases().iter().map(|t| t.as_str()).collect())?,
                ":roadmap_interests":
                    json(c.roadmap_interests().iter().map(|t| t.as_str()).collect())?,
                ":custom_features":
                    json(c.activity().custom_features.iter().map(String::as_str).collect())?,
                ":unnamed_custom_features": c.activity().unnamed_custom_features,
                ":unnamed_broad_requests": requests.broad,
                ":unnamed_custom_requests": requests.custom,
                ":last_expectation_reset": c.last_expectation_reset().map(Day),
            })?;
        self.loaded.customers += 1;
        Ok(())
    }

    fn contract(&mut self, c: &Customer) -> Result<(), DbError> {
        let Some(k) = c.contract() else {
            return Ok(());
        };
        let (notice, fee) = match k.vendor_termination() {
            VendorTermination::NotAllowed => (None, None),
            VendorTermination::Allowed { notice_days, fee } => {
                (Some(*notice_days), Some(Dec(fee.amount())))
            }
            _ => {
                return Err(DbError::Sample {
                    customer: c.id().to_string(),
                    what: "a right of termination this schema has no columns for".into(),
                })
            }
        };
        let sla = k.sla();
        self.tx
            .prepare_cached(
                "INSERT INTO contracts (customer_id, term_start, term_end, auto_renews,
                     renewal_term_months, renewal_notice_days, termination_notice_days,
                     termination_fee, data_export_days, sla_tier, sla_first_response_hours,
                     sla_standby_hours_per_month, compliance_obligations)
                 VALUES (:customer_id, :term_start, :term_end, :auto_renews,
                     :renewal_term_months, :renewal_notice_days, :termination_notice_days,
                     :termination_fee, :data_export_days, :sla_tier, :sla_first_response_hours,
                     :sla_standby_hours_per_month, :compliance_obligations)",
            )?
            .execute(named_params! {
                ":customer_id": c.id().as_str(),
                ":term_start": Day(k.term_start()),
                ":term_end": Day(k.term_end()),
                ":auto_renews": k.auto_renews(),
                ":renewal_term_months": k.renewal_term_months(),
                ":renewal_notice_days": k.renewal_notice_days(),
                ":termination_notice_days": notice,
                ":termination_fee": fee,
                ":data_export_days": k.data_export_days(),
                ":sla_tier": sla.tier.to_string(),
                ":sla_first_response_hours": sla.first_response_hours.map(|h| Dec(h.get())),
                ":sla_standby_hours_per_month": Dec(sla.standby_hours_per_month.get()),
                ":compliance_obligations": serde_json::to_string(k.compliance_obligations())?,
            })?;
        self.loaded.contracts += 1;
        Ok(())
    }

    /// The known optional facts, one row each, named by their field in the library.
    fn facts(&mut self, c: &Customer) -> Result<(), DbError> {
        let (logo, growth, behavior) = (c.logo(), c.growth(), c.behavior());
        let text = |d: Decimal| d.to_string();
        let known: [(&str, Option<String>); 18] = [
            (
                "logo.referenceable",
                logo.referenceable.map(|b| b.to_string()),
            ),
            ("logo.case_study", logo.case_study.map(|b| b.to_string())),
            ("logo.brand_tier", logo.brand_tier.map(|t| t.to_string())),
            (
                "logo.strategic_positioning",
                logo.strategic_positioning.map(|l| l.to_string()),
            ),
            (
                "logo.feedback_quality",
                logo.feedback_quality.map(|l| l.to_string()),
            ),
            (
                "growth.expansion_whitespace",
                growth.expansion_whitespace.map(|m| text(m.amount())),
            ),
            (
                "growth.upsell_whitespace",
                growth.upsell_whitespace.map(|m| text(m.amount())),
            ),
            (
                "growth.cross_sell_whitespace",
                growth.cross_sell_whitespace.map(|m| text(m.amount())),
            ),
            // Rust prints an f64 with the fewest digits that read back to the same bits.
            (
                "growth.likelihood",
                growth.likelihood.map(|p| p.get().to_string()),
            ),
            (
                "growth.historical_growth",
                growth.historical_growth.map(|r| text(r.get())),
            ),
            (
                "behavior.meeting_attendance",
                behavior.meeting_attendance.map(|s| text(s.get())),
            ),
            (
                "behavior.plan_adherence",
                behavior.plan_adherence.map(|s| text(s.get())),
            ),
            (
                "behavior.goal_changes",
                behavior.goal_changes.map(|n| n.to_string()),
            ),
            (
                "behavior.responsiveness",
                behavior.responsiveness.map(|s| text(s.get())),
            ),
            (
                "behavior.outcomes_achieved",
                behavior.outcomes_achieved.map(|s| text(s.get())),
            ),
            (
                "behavior.content_consumed",
                behavior.content_consumed.map(|s| text(s.get())),
            ),
            (
                "behavior.renewal_intent",
                behavior.renewal_intent.map(|p| p.get().to_string()),
            ),
            ("behavior.nps", behavior.nps.map(|n| n.get().to_string())),
        ];
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO facts (customer_id, fact, value) VALUES (?1, ?2, ?3)")?;
        for (fact, value) in known {
            if let Some(value) = value {
                insert.execute(params![c.id().as_str(), fact, value])?;
                self.loaded.facts += 1;
            }
        }
        Ok(())
    }

    fn activity(&mut self, c: &Customer) -> Result<(), DbError> {
        let a = c.activity();
        let (from, to) = active_span(c);
        let id = c.id().as_str();
        let cannot = |what: String| DbError::Sample {
            customer: id.to_owned(),
            what,
        };

        // Tickets: one row each; known handling hours split over them exactly.
        let mut number = 0;
        for group in &a.tickets {
            let n = group.count as usize;
            let parts = match group.handling_hours {
                Some(h) => Some(split(h.get(), n).ok_or_else(|| {
                    cannot(format!(
                        "cannot split {h} over {n} {} tickets",
                        group.severity
                    ))
                })?),
                None => None,
            };
            for (i, opened) in spread(from, to, n).into_iter().enumerate() {
                number += 1;
                let ticket = format!("{id}-T{number:04}");
                let closed = opened
                    .checked_add_days(Days::new(days_to_close(group.severity)))
                    .filter(|d| *d <= c.period().end());
                let part = parts.as_ref().and_then(|p| p.get(i).copied());
                // Every other measured ticket states its handling time itself; the others have
                // it booked on them in the time tracker.
                let (stated, booked) = match part {
                    Some(h) if i % 2 == 0 => (Some(h), None),
                    Some(h) => (None, Some(h)),
                    None => (None, None),
                };
                self.tx
                    .prepare_cached(
                        "INSERT INTO tickets (id, customer_id, severity, opened, closed,
                             handling_hours)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        ticket,
                        id,
                        group.severity.as_str(),
                        Day(opened),
                        closed.map(Day),
                        stated.map(Dec),
                    ])?;
                self.loaded.tickets += 1;
                if let Some(hours) = booked {
                    self.entry(Role::Support, Some(id), Some(&ticket), opened, hours)?;
                }
            }
        }

        // Hours by role: entries of about a day, spread over the active months.
        let by_role = [
            (Role::Support, a.support_hours.get()),
            (Role::Engineering, a.engineering_hours.get()),
            (Role::Success, a.success_hours.get()),
            (Role::Executive, a.executive_hours.get()),
        ];
        for (role, hours) in by_role {
            self.entries_over(role, id, hours, from, to)?;
        }

        for (i, date) in spread(from, to, a.escalations as usize)
            .into_iter()
            .enumerate()
        {
            self.tx
                .prepare_cached(
                    "INSERT INTO escalations (id, customer_id, date) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![format!("{id}-X{:02}", i + 1), id, Day(date)])?;
            self.loaded.escalations += 1;
        }

        let requests = c.feature_requests();
        for (i, (request, date)) in requests
            .iter()
            .zip(spread(from, to, requests.len()))
            .enumerate()
        {
            self.tx
                .prepare_cached(
                    "INSERT INTO feature_requests (id, customer_id, date, title, scope)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    format!("{id}-R{:02}", i + 1),
                    id,
                    Day(date),
                    request.title,
                    request.scope.to_string(),
                ])?;
            self.loaded.feature_requests += 1;
        }

        // Usage: one reading a month, the units consumed since the last one.
        let units = a.usage_units.get();
        if !units.is_zero() {
            let n = months(from, to);
            let parts = split(units, n).ok_or_else(|| {
                cannot(format!("cannot split {units} usage units over {n} months"))
            })?;
            for (date, part) in spread(from, to, n).into_iter().zip(parts) {
                self.tx
                    .prepare_cached(
                        "INSERT INTO usage (customer_id, date, units) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![id, Day(date), Dec(part)])?;
                self.loaded.usage += 1;
            }
        }

        // The implementation project, and its hours up to go-live.
        if let Some(project) = &a.implementation {
            self.tx
                .prepare_cached(
                    "INSERT INTO implementations (customer_id, go_live, external_cost)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(params![
                    id,
                    Day(project.go_live),
                    project.external_cost.map(|m| Dec(m.amount())),
                ])?;
            self.loaded.implementations += 1;
            // Booked from signing (at most six months before go-live) to the day before.
            let go_live = project.go_live;
            let (Some(earliest), Some(end)) = (
                go_live.checked_sub_days(Days::new(182)),
                go_live.checked_sub_days(Days::new(1)),
            ) else {
                return Err(cannot(format!("go-live {go_live} is out of range")));
            };
            let start = c
                .customer_since()
                .filter(|since| *since < go_live)
                .map_or(earliest, |since| since.max(earliest));
            self.entries_over(Role::Implementation, id, project.hours.get(), start, end)?;
        }
        Ok(())
    }

    /// `hours` of `role` for `customer` in entries of about a day over `from..=to`.
    fn entries_over(
        &mut self,
        role: Role,
        customer: &str,
        hours: Decimal,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), DbError> {
        if hours.is_zero() {
            return Ok(());
        }
        let cannot = || DbError::Sample {
            customer: customer.to_owned(),
            what: format!("cannot book {hours} {} hours in entries", role.as_str()),
        };
        let n = hours
            .checked_div(DAY)
            .and_then(|days| days.ceil().to_usize())
            .ok_or_else(cannot)?;
        let parts = split(hours, n).ok_or_else(cannot)?;
        for (date, part) in spread(from, to, n).into_iter().zip(parts) {
            self.entry(role, Some(customer), None, date, part)?;
        }
        Ok(())
    }

    /// One time entry, numbered in order, by the next person of the role.
    fn entry(
        &mut self,
        role: Role,
        customer: Option<&str>,
        ticket: Option<&str>,
        date: NaiveDate,
        hours: Decimal,
    ) -> Result<(), DbError> {
        self.entries += 1;
        let team = people(role);
        let person = team[self.entries % team.len()];
        self.tx
            .prepare_cached(
                "INSERT INTO time_entries (id, person, role, customer_id, ticket_id, date, hours)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                format!("E-{:06}", self.entries),
                person,
                role_name(role),
                customer,
                ticket,
                Day(date),
                Dec(hours),
            ])?;
        self.loaded.time_entries += 1;
        Ok(())
    }

    /// Two entries for no customer in the period from `start`: a support team's training and
    /// internal tooling.
    fn overhead(&mut self, start: NaiveDate) -> Result<(), DbError> {
        let day = |n: u64| {
            start
                .checked_add_days(Days::new(n))
                .ok_or_else(|| DbError::Sample {
                    customer: "(overhead)".into(),
                    what: format!("{start} plus {n} days is out of range"),
                })
        };
        self.entry(Role::Support, None, None, day(70)?, Decimal::from(6))?;
        self.entry(
            Role::Engineering,
            None,
            None,
            day(160)?,
            Decimal::new(75, 1),
        )
    }
}
