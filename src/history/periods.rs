//! The portfolio from one period to the next: transitions between quadrants, classes and
//! actions, customers gained and lost, and the bridge from one period's margin to the next.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::{FitClass, Quadrant};
use crate::customer::CustomerId;
use crate::error::{Error, Problem, Result};
use crate::history::wire::{read_strictly, strict_serde};
use crate::money::{Currency, Money, MoneyError};
use crate::policy::Action;
use crate::portfolio::{CustomerRow, PortfolioReport};

/// Customers moving from one value to another between two periods, and their revenue.
///
/// `from` is `None` for a customer not in the earlier period (gained), `to` is `None` for one
/// not in the later period (lost): the cells of one `from` add up to the customers of the
/// earlier period with that value, but for those refused in the later report
/// ([`PeriodChange::unassessed`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Transition<K> {
    /// The value in the earlier period.
    pub from: Option<K>,
    /// The value in the later period.
    pub to: Option<K>,
    /// Customers that moved so.
    pub customers: u64,
    /// Their revenue in the earlier period.
    pub revenue_before: Money,
    /// Their revenue in the later period.
    pub revenue_after: Money,
}

/// From one period's total margin to the next's, exactly: `before + price_volume +
/// cost_to_serve + churn + new_customers + unassessed = after`, with `price_volume = volume +
/// mix`.
///
/// For the customers live in both periods with revenue before, a customer's margin change is
/// split at its earlier margin rate: the revenue change at that rate is *price and volume*,
/// the rest (the rate's own change) is *cost to serve*. Price and volume splits into *volume*
/// — their revenue change at their joint earlier margin rate — and *mix*, what their differing
/// rates add. *Churn* is the margin change of the customers not live after (lost, churned, or
/// churned before and leaving the books); *new customers* that of the customers live after
/// and not before (gained, or won back), and of those without revenue before (no rate to
/// compare with). Each line is rounded to the minor unit; cost to serve takes the rounding,
/// so the bridge adds up to the cent, and bridges of shards merge to the bridge of the whole.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct MarginBridge {
    /// The earlier period's total margin (the sum of its rows' profit).
    pub before: Money,
    /// Revenue change of continuing customers at their own earlier margin rates.
    pub price_volume: Money,
    /// Of it, the continuing customers' revenue change at their joint earlier margin rate.
    pub volume: Money,
    /// Of it, the rest: revenue moving between customers of higher and lower margin rates.
    pub mix: Money,
    /// Continuing customers' margin change beyond price and volume: their cost to serve
    /// growing or shrinking against their revenue.
    pub cost_to_serve: Money,
    /// Margin change of customers not live after.
    pub churn: Money,
    /// Margin change of customers live after and not before, or without revenue before.
    pub new_customers: Money,
    /// The later period's total margin.
    pub after: Money,
    /// Margin change of customers assessed in one report and refused in the other (an invalid
    /// or repeated record): not comparable, so kept apart.
    pub unassessed: Money,
    /// The sums `volume` is computed from, kept so that bridges merge exactly.
    pub continuing: ContinuingTotals,
}

/// The customers live in both periods with revenue before: the sums a bridge's volume is
/// computed from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ContinuingTotals {
    /// Their revenue before.
    pub revenue_before: Money,
    /// Their margin before.
    pub margin_before: Money,
    /// Their revenue change.
    pub revenue_change: Money,
}

/// What changed in a portfolio from one period's report to the next's.
///
/// Read back from storage strictly (no unknown field, no struct given as a list) and checked
/// like a change [`between`](Self::between) two reports: dates in order, one currency, the
/// customer lists in order with each customer in one of `gained`, `lost`, `continuing` and
/// `unassessed` (and the churned among the continuing), a bridge that adds up.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct PeriodChange {
    /// The portfolio's currency.
    pub currency: Currency,
    /// The earlier report's assessment date.
    pub before: NaiveDate,
    /// The later report's.
    pub after: NaiveDate,
    /// Transitions between quadrants.
    pub quadrants: Vec<Transition<Quadrant>>,
    /// Transitions between classes.
    pub classes: Vec<Transition<FitClass>>,
    /// Transitions between recommended actions.
    pub actions: Vec<Transition<Action>>,
    /// Customers in the later period only.
    pub gained: Vec<CustomerId>,
    /// Customers in the earlier period only.
    pub lost: Vec<CustomerId>,
    /// Customers live in the earlier period and churned in the later.
    pub churned: Vec<CustomerId>,
    /// Customers in both periods, the churned among them: with `gained` and `lost`, the
    /// customers of the transitions. Kept so that shards sharing one are refused by
    /// [`merge`](Self::merge), not counted twice.
    pub continuing: Vec<CustomerId>,
    /// Customers assessed in one report and refused in the other: in no transition, and their
    /// margin change is the bridge's `unassessed`.
    pub unassessed: Vec<CustomerId>,
    /// The margin bridge.
    pub bridge: MarginBridge,
}

fn overflow(field: &str) -> impl Fn(MoneyError) -> Error + '_ {
    move |e| Error::arithmetic(None, format!("period_change.{field}"), e)
}

fn live(row: Option<&CustomerRow>) -> bool {
    row.is_some_and(|r| r.action != Action::LookBack)
}

type Cells<K> = BTreeMap<(Option<K>, Option<K>), (u64, Money, Money)>;

fn add_cell<K: Ord>(
    cells: &mut Cells<K>,
    key: (Option<K>, Option<K>),
    before: Money,
    after: Money,
) -> Result<()> {
    let zero = Money::zero(before.currency());
    let cell = cells.entry(key).or_insert((0, zero, zero));
    cell.0 = cell.0.saturating_add(1); // at most one per customer of two reports
    cell.1 = cell
        .1
        .checked_add(before)
        .map_err(overflow("revenue_before"))?;
    cell.2 = cell
        .2
        .checked_add(after)
        .map_err(overflow("revenue_after"))?;
    Ok(())
}

fn cells<K: Ord>(cells: Cells<K>) -> Vec<Transition<K>> {
    cells
        .into_iter()
        .map(
            |((from, to), (customers, revenue_before, revenue_after))| Transition {
                from,
                to,
                customers,
                revenue_before,
                revenue_after,
            },
        )
        .collect()
}

impl PeriodChange {
    /// Compare two reports of the same portfolio, one period apart (or two shards of them
    /// that hold the same customers; [`merge`](Self::merge) the results).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::history::PeriodChange;
    /// use custfit::{Config, Customer};
    /// use rust_decimal::Decimal;
    /// # fn main() -> custfit::Result<()> {
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let year = |id: &str, y: i32, revenue: i64| {
    ///     Customer::builder(id, id).currency("USD").period(d(y, 1, 1), d(y, 12, 31))
    ///         .customer_since(d(2020, 1, 1)).recurring_revenue(Decimal::from(revenue))
    ///         .success_hours(Decimal::from(100)).build()
    /// };
    /// let analyzer = Config::default().analyzer()?;
    /// let run = |customers: &[Customer], as_of| analyzer.analyze_slice(customers, as_of, 1, &|_, _, _| Ok(()));
    /// let before = run(&[year("a", 2024, 50_000)?, year("b", 2024, 20_000)?], d(2025, 1, 15))?;
    /// let after = run(&[year("a", 2025, 60_000)?, year("c", 2025, 30_000)?], d(2026, 1, 15))?;
    /// let change = PeriodChange::between(&before, &after)?;
    /// assert_eq!((change.gained.len(), change.lost.len()), (1, 1));
    /// let b = &change.bridge;
    /// let total = [b.price_volume, b.cost_to_serve, b.churn, b.new_customers, b.unassessed]
    ///     .into_iter()
    ///     .try_fold(b.before, |sum, part| sum.checked_add(part))?;
    /// assert_eq!(total, b.after); // to the cent
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] when the reports are in different currencies or the later one
    /// is not of a later date; [`Error::DuplicateCustomer`] for a report with two rows of one
    /// customer; [`Error::Arithmetic`] when a total overflows.
    pub fn between(earlier: &PortfolioReport, later: &PortfolioReport) -> Result<Self> {
        let currency = earlier.currency;
        if later.currency != currency {
            return Err(Error::invalid(
                None,
                "period_change.currency",
                Problem::CurrencyMismatch {
                    expected: currency,
                    found: later.currency,
                },
            ));
        }
        if later.as_of <= earlier.as_of {
            return Err(Error::invalid(
                None,
                "period_change.after",
                Problem::Rule {
                    rule: format!(
                        "the later report must be of a later date than the earlier ({} and {})",
                        later.as_of, earlier.as_of
                    ),
                },
            ));
        }
        let zero = Money::zero(currency);
        let by_id = |report: &PortfolioReport| -> Result<BTreeMap<CustomerId, CustomerRow>> {
            let mut rows = BTreeMap::new();
            for r in &report.rows {
                if rows.insert(r.id.clone(), r.clone()).is_some() {
                    return Err(Error::DuplicateCustomer {
                        customer: r.id.clone(),
                    });
                }
            }
            Ok(rows)
        };
        let (before, after) = (by_id(earlier)?, by_id(later)?);
        let refused = |report: &PortfolioReport| -> Vec<CustomerId> {
            report
                .bad_records
                .iter()
                .filter_map(|b| b.error.customer().cloned())
                .collect()
        };
        let refused: std::collections::BTreeSet<CustomerId> =
            refused(earlier).into_iter().chain(refused(later)).collect();
        let mut ids: Vec<&CustomerId> = before.keys().chain(after.keys()).collect();
        ids.sort();
        ids.dedup();

        let (mut quadrants, mut classes, mut actions) = (Cells::new(), Cells::new(), Cells::new());
        let mut change = PeriodChange {
            currency,
            before: earlier.as_of,
            after: later.as_of,
            quadrants: Vec::new(),
            classes: Vec::new(),
            actions: Vec::new(),
            gained: Vec::new(),
            lost: Vec::new(),
            churned: Vec::new(),
            continuing: Vec::new(),
            unassessed: Vec::new(),
            bridge: MarginBridge {
                before: zero,
                price_volume: zero,
                volume: zero,
                mix: zero,
                cost_to_serve: zero,
                churn: zero,
                new_customers: zero,
                after: zero,
                unassessed: zero,
                continuing: ContinuingTotals {
                    revenue_before: zero,
                    margin_before: zero,
                    revenue_change: zero,
                },
            },
        };
        for id in ids {
            let (b, a) = (before.get(id), after.get(id));
            // In one report and refused in the other: not comparable.
            if (b.is_none() || a.is_none()) && refused.contains(id) {
                let profit = b.or(a).map_or(zero, |r| r.profit);
                let delta = if b.is_some() { profit.negate() } else { profit };
                let bridge = &mut change.bridge;
                bridge.before = bridge
                    .before
                    .checked_add(b.map_or(zero, |r| r.profit))
                    .map_err(overflow("before"))?;
                bridge.after = bridge
                    .after
                    .checked_add(a.map_or(zero, |r| r.profit))
                    .map_err(overflow("after"))?;
                bridge.unassessed = bridge
                    .unassessed
                    .checked_add(delta)
                    .map_err(overflow("unassessed"))?;
                change.unassessed.push(id.clone());
                continue;
            }
            let revenue = |r: Option<&CustomerRow>| r.map_or(zero, |r| r.revenue);
            let profit = |r: Option<&CustomerRow>| r.map_or(zero, |r| r.profit);
            let (rb, ra) = (revenue(b), revenue(a));
            add_cell(
                &mut quadrants,
                (b.map(|r| r.quadrant), a.map(|r| r.quadrant)),
                rb,
                ra,
            )?;
            add_cell(
                &mut classes,
                (b.map(|r| r.class), a.map(|r| r.class)),
                rb,
                ra,
            )?;
            add_cell(
                &mut actions,
                (b.map(|r| r.action), a.map(|r| r.action)),
                rb,
                ra,
            )?;
            match (b, a) {
                (None, Some(_)) => change.gained.push(id.clone()),
                (Some(_), None) => change.lost.push(id.clone()),
                (Some(_), Some(r)) => {
                    change.continuing.push(id.clone());
                    if live(b) && r.action == Action::LookBack {
                        change.churned.push(id.clone());
                    }
                }
                // Each id is of a row of one report or the other.
                (None, None) => {}
            }
            let bridge = &mut change.bridge;
            let (mb, ma) = (profit(b), profit(a));
            bridge.before = bridge.before.checked_add(mb).map_err(overflow("before"))?;
            bridge.after = bridge.after.checked_add(ma).map_err(overflow("after"))?;
            let delta = ma.checked_sub(mb).map_err(overflow("margin"))?;
            // Without revenue before there is no rate to compare: such a customer counts as new.
            match (live(b), live(a)) {
                (true, true) if !rb.is_zero() => {
                    let c = &mut bridge.continuing;
                    c.revenue_before = c
                        .revenue_before
                        .checked_add(rb)
                        .map_err(overflow("revenue_before"))?;
                    c.margin_before = c
                        .margin_before
                        .checked_add(mb)
                        .map_err(overflow("margin_before"))?;
                    let dr = ra.checked_sub(rb).map_err(overflow("revenue_change"))?;
                    c.revenue_change = c
                        .revenue_change
                        .checked_add(dr)
                        .map_err(overflow("revenue_change"))?;
                    // At the customer's own earlier rate (it has revenue: see the match).
                    let rate = mb
                        .ratio_to(rb)
                        .map_err(overflow("margin_rate"))?
                        .unwrap_or(Decimal::ZERO);
                    let pv = dr
                        .checked_mul(rate)
                        .map_err(overflow("price_volume"))?
                        .round();
                    bridge.price_volume = bridge
                        .price_volume
                        .checked_add(pv)
                        .map_err(overflow("price_volume"))?;
                    let rest = delta.checked_sub(pv).map_err(overflow("cost_to_serve"))?;
                    bridge.cost_to_serve = bridge
                        .cost_to_serve
                        .checked_add(rest)
                        .map_err(overflow("cost_to_serve"))?;
                }
                // Not live after: lost, churned, or an earlier churn's row leaving the books.
                (_, false) => {
                    bridge.churn = bridge.churn.checked_add(delta).map_err(overflow("churn"))?
                }
                (_, true) => {
                    bridge.new_customers = bridge
                        .new_customers
                        .checked_add(delta)
                        .map_err(overflow("new_customers"))?
                }
            }
        }
        change.quadrants = cells(quadrants);
        change.classes = cells(classes);
        change.actions = cells(actions);
        split_price_volume(&mut change.bridge)?;
        Ok(change)
    }

    /// Add the change of another shard of the same two reports (other customers, the same
    /// dates and currency): the result equals that of the whole.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] for changes of other dates or currencies;
    /// [`Error::Arithmetic`] when a total overflows; [`Error::DuplicateCustomer`] naming the
    /// first (in id order) customer in both changes — gained, lost, continuing or unassessed in
    /// each: the shards must hold other customers. On any error nothing is merged.
    pub fn merge(&mut self, other: PeriodChange) -> Result<()> {
        if (other.currency, other.before, other.after) != (self.currency, self.before, self.after) {
            return Err(Error::config(
                "period_change.merge",
                Problem::Rule {
                    rule: "only changes between the same two dates, in one currency, merge".into(),
                },
            ));
        }
        // Every total first, into copies, so that an error leaves `self` as it was.
        let mut quadrants = self.quadrants.clone();
        merge_cells(&mut quadrants, other.quadrants)?;
        let mut classes = self.classes.clone();
        merge_cells(&mut classes, other.classes)?;
        let mut actions = self.actions.clone();
        merge_cells(&mut actions, other.actions)?;
        let (mut b, o) = (self.bridge.clone(), other.bridge);
        let add = |x: &mut Money, y: Money, field: &str| -> Result<()> {
            *x = x.checked_add(y).map_err(overflow(field))?;
            Ok(())
        };
        add(&mut b.before, o.before, "before")?;
        add(&mut b.after, o.after, "after")?;
        add(&mut b.price_volume, o.price_volume, "price_volume")?;
        add(&mut b.cost_to_serve, o.cost_to_serve, "cost_to_serve")?;
        add(&mut b.churn, o.churn, "churn")?;
        add(&mut b.new_customers, o.new_customers, "new_customers")?;
        add(&mut b.unassessed, o.unassessed, "unassessed")?;
        let (c, oc) = (&mut b.continuing, o.continuing);
        add(&mut c.revenue_before, oc.revenue_before, "revenue_before")?;
        add(&mut c.margin_before, oc.margin_before, "margin_before")?;
        add(&mut c.revenue_change, oc.revenue_change, "revenue_change")?;
        split_price_volume(&mut b)?;
        // Shards must hold other customers: one customer in two shards would be counted
        // twice, or as lost in one and gained in the other. The lists are not trusted to be
        // sorted (their fields are public), so all of them are sorted together.
        let mut ids: Vec<&CustomerId> = [
            &self.gained,
            &self.lost,
            &self.continuing,
            &self.unassessed,
            &other.gained,
            &other.lost,
            &other.continuing,
            &other.unassessed,
        ]
        .into_iter()
        .flatten()
        .collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::DuplicateCustomer {
                customer: w[0].clone(),
            });
        }
        (self.quadrants, self.classes, self.actions, self.bridge) =
            (quadrants, classes, actions, b);
        for (mine, theirs) in [
            (&mut self.gained, other.gained),
            (&mut self.lost, other.lost),
            (&mut self.churned, other.churned),
            (&mut self.continuing, other.continuing),
            (&mut self.unassessed, other.unassessed),
        ] {
            mine.extend(theirs);
            mine.sort();
        }
        Ok(())
    }

    /// The checks of a change between two reports, for one read back (see the type's docs).
    fn check(&self) -> Result<()> {
        let bad = |customer: Option<&CustomerId>, field: &str, rule: String| {
            Err(Error::invalid(
                customer,
                format!("period_change.{field}"),
                Problem::Rule { rule },
            ))
        };
        if self.after <= self.before {
            return bad(
                None,
                "after",
                format!(
                    "the later report must be of a later date than the earlier ({} and {})",
                    self.after, self.before
                ),
            );
        }
        let lists = [
            ("gained", &self.gained),
            ("lost", &self.lost),
            ("continuing", &self.continuing),
            ("unassessed", &self.unassessed),
            ("churned", &self.churned),
        ];
        for (name, list) in lists {
            if let Some(w) = list.windows(2).find(|w| w[0] >= w[1]) {
                return bad(
                    Some(&w[1]),
                    name,
                    "must list each customer once, in id order".into(),
                );
            }
        }
        // Each customer in one list, but the churned, who continue.
        let mut all: Vec<(&CustomerId, &str)> = lists[..4]
            .iter()
            .flat_map(|(name, list)| list.iter().map(move |id| (id, *name)))
            .collect();
        all.sort_unstable();
        if let Some(w) = all.windows(2).find(|w| w[0].0 == w[1].0) {
            return bad(
                Some(w[1].0),
                w[1].1,
                format!(
                    "is in `{}` too: a customer is gained, lost, continuing or unassessed",
                    w[0].1
                ),
            );
        }
        if let Some(id) = self
            .churned
            .iter()
            .find(|id| self.continuing.binary_search(id).is_err())
        {
            return bad(Some(id), "churned", "must be in `continuing` too".into());
        }
        self.check_money()
    }

    /// One currency throughout, and a bridge that adds up.
    fn check_money(&self) -> Result<()> {
        let b = &self.bridge;
        let c = &b.continuing;
        let amounts = [
            ("bridge.before", b.before),
            ("bridge.price_volume", b.price_volume),
            ("bridge.volume", b.volume),
            ("bridge.mix", b.mix),
            ("bridge.cost_to_serve", b.cost_to_serve),
            ("bridge.churn", b.churn),
            ("bridge.new_customers", b.new_customers),
            ("bridge.after", b.after),
            ("bridge.unassessed", b.unassessed),
            ("bridge.continuing.revenue_before", c.revenue_before),
            ("bridge.continuing.margin_before", c.margin_before),
            ("bridge.continuing.revenue_change", c.revenue_change),
        ]
        .into_iter()
        .map(|(field, m)| (field.to_owned(), m))
        .chain(amounts_of("quadrants", &self.quadrants))
        .chain(amounts_of("classes", &self.classes))
        .chain(amounts_of("actions", &self.actions));
        for (field, m) in amounts {
            if m.currency() != self.currency {
                return Err(Error::invalid(
                    None,
                    format!("period_change.{field}"),
                    Problem::CurrencyMismatch {
                        expected: self.currency,
                        found: m.currency(),
                    },
                ));
            }
        }
        let total = [
            b.price_volume,
            b.cost_to_serve,
            b.churn,
            b.new_customers,
            b.unassessed,
        ]
        .into_iter()
        .try_fold(b.before, |sum, part| sum.checked_add(part))
        .map_err(overflow("bridge.after"))?;
        let parts = b
            .volume
            .checked_add(b.mix)
            .map_err(overflow("bridge.price_volume"))?;
        for (field, sum, stated) in [
            ("bridge.after", total, b.after),
            ("bridge.price_volume", parts, b.price_volume),
        ] {
            if sum != stated {
                return Err(Error::invalid(
                    None,
                    format!("period_change.{field}"),
                    Problem::Rule {
                        rule: format!(
                            "the bridge must add up to it: its parts give {sum}, got {stated}"
                        ),
                    },
                ));
            }
        }
        Ok(())
    }
}

/// The revenue of each cell, with its field.
fn amounts_of<K>(name: &str, cells: &[Transition<K>]) -> Vec<(String, Money)> {
    cells
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            [
                (format!("{name}[{i}].revenue_before"), t.revenue_before),
                (format!("{name}[{i}].revenue_after"), t.revenue_after),
            ]
        })
        .collect()
}

impl Serialize for PeriodChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        PeriodChange::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for PeriodChange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let change = read_strictly!(d, "period_change", |de| PeriodChange::deserialize(de))?;
        change.check().map_err(serde::de::Error::custom)?;
        Ok(change)
    }
}

impl<K: Serialize> Serialize for Transition<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        Transition::serialize(self, s)
    }
}

impl<'de, K: Deserialize<'de>> Deserialize<'de> for Transition<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        read_strictly!(d, "", |de| Transition::deserialize(de))
    }
}

strict_serde!(MarginBridge, ContinuingTotals);

fn merge_cells<K: Ord + Clone>(
    mine: &mut Vec<Transition<K>>,
    theirs: Vec<Transition<K>>,
) -> Result<()> {
    let mut all = Cells::new();
    for t in mine.drain(..).chain(theirs) {
        let zero = Money::zero(t.revenue_before.currency());
        let cell = all.entry((t.from, t.to)).or_insert((0, zero, zero));
        // Counts of deserialized changes may be anything: checked, never wrapped.
        cell.0 = cell
            .0
            .checked_add(t.customers)
            .ok_or_else(|| Error::arithmetic(None, "period_change.customers", Problem::Overflow))?;
        cell.1 = cell
            .1
            .checked_add(t.revenue_before)
            .map_err(overflow("revenue_before"))?;
        cell.2 = cell
            .2
            .checked_add(t.revenue_after)
            .map_err(overflow("revenue_after"))?;
    }
    *mine = cells(all);
    Ok(())
}

/// The continuing customers' margin rate before (zero without revenue).
fn portfolio_rate(b: &MarginBridge) -> Result<Decimal> {
    let c = b.continuing;
    Ok(c.margin_before
        .ratio_to(c.revenue_before)
        .map_err(overflow("margin_rate"))?
        .unwrap_or(Decimal::ZERO))
}

fn split_price_volume(b: &mut MarginBridge) -> Result<()> {
    let rate = portfolio_rate(b)?;
    b.volume = b
        .continuing
        .revenue_change
        .checked_mul(rate)
        .map_err(overflow("volume"))?
        .round();
    b.mix = b
        .price_volume
        .checked_sub(b.volume)
        .map_err(overflow("mix"))?;
    Ok(())
}
