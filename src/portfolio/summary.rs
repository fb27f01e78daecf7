//! Phase 1: what each customer contributes to the portfolio facts, mergeable; and the facts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::merge::merge_sorted_by;
use super::*;
use crate::assessment::PlausibleRanges;
use crate::customer::CustomerId;
use crate::error::{Error, Problem, Result};
use crate::policy::recommendation::GroupTotals;

/// Phase 1: what each customer contributes to the portfolio facts. Mergeable.
///
/// Read back from storage (a shard's phase 1 kept in a file, say), its ids and refused
/// records are put in order — merging relies on sorted ids to find repeated ones — and its
/// groups' amounts must share one currency.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(remote = "Self")]
pub struct PortfolioSummary {
    /// Records read.
    pub records: u64,
    /// Records refused.
    pub bad_records: Vec<BadRecord>,
    /// Service cost over revenue of each customer with revenue.
    pub service_ratios: Vec<f64>,
    /// Customers who consume the recommended content, with their service ratio.
    pub content_consumers: Vec<(CustomerId, f64)>,
    /// Known growth whitespace of each customer that has it, as a share of its yearly revenue:
    /// what the plausible range of whitespace is found from.
    #[serde(default)]
    pub whitespace_ratios: Vec<f64>,
    /// Known revenue growth over the last year of each customer that has it.
    #[serde(default)]
    pub historical_growth: Vec<f64>,
    /// Account groups.
    pub groups: BTreeMap<CustomerId, GroupTotals>,
    /// The id of every record read, sorted: ids that repeat across the whole portfolio (in
    /// any shard) are refused in phase 2.
    pub ids: Vec<CustomerId>,
}

impl Serialize for PortfolioSummary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        PortfolioSummary::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for PortfolioSummary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut s = PortfolioSummary::deserialize(d)?;
        s.ids.sort();
        sort_bad(&mut s.bad_records);
        let mut currency = None;
        for (parent, g) in &s.groups {
            for m in [g.revenue, g.margin] {
                match currency {
                    None => currency = Some(m.currency()),
                    Some(c) if c != m.currency() => {
                        return Err(serde::de::Error::custom(Error::invalid(
                            Some(parent),
                            "groups",
                            Problem::CurrencyMismatch {
                                expected: c,
                                found: m.currency(),
                            },
                        )))
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(s)
    }
}

impl PortfolioSummary {
    /// Fold `other` in.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when group totals or counts overflow, or amounts mix currencies.
    pub fn merge(&mut self, other: PortfolioSummary) -> Result<()> {
        self.records = self
            .records
            .checked_add(other.records)
            .ok_or_else(|| Error::arithmetic(None, "portfolio.records", Problem::Overflow))?;
        self.bad_records.extend(other.bad_records);
        sort_bad(&mut self.bad_records);
        self.service_ratios.extend(other.service_ratios);
        self.content_consumers.extend(other.content_consumers);
        self.whitespace_ratios.extend(other.whitespace_ratios);
        self.historical_growth.extend(other.historical_growth);
        let mine = std::mem::take(&mut self.ids);
        self.ids = merge_sorted_by(mine, other.ids, |a, b| a.cmp(b));
        for (parent, g) in other.groups {
            match self.groups.get_mut(&parent) {
                Some(mine) => add_group(mine, &g)?,
                None => {
                    self.groups.insert(parent, g);
                }
            }
        }
        Ok(())
    }
}

pub(super) fn add_group(into: &mut GroupTotals, other: &GroupTotals) -> Result<()> {
    let arithmetic = |e| Error::arithmetic(Some(&into.parent), "group", e);
    into.members = into
        .members
        .checked_add(other.members)
        .ok_or_else(|| Error::arithmetic(Some(&into.parent), "group.members", Problem::Overflow))?;
    into.revenue = into
        .revenue
        .checked_add(other.revenue)
        .map_err(arithmetic)?;
    into.margin = into.margin.checked_add(other.margin).map_err(arithmetic)?;
    Ok(())
}

/// The systemic signal (seed 002): "If you have dozens of customers who need a lot of
/// additional help despite consuming the recommended content ... it's likely not them who are
/// the problem."
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemicSignal {
    /// Customers who need heavy help although they consume the recommended content, by id.
    pub customers: Vec<CustomerId>,
    /// Their share of the customers assessed.
    pub share: f64,
    /// The configured threshold.
    pub threshold: f64,
    /// Whether the share exceeds the threshold: a likely product or onboarding problem.
    pub flagged: bool,
}

impl fmt::Display for SystemicSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} customers ({:.1}%) need heavy help although they consume the recommended content",
            self.customers.len(),
            self.share * 100.0
        )?;
        if self.flagged {
            write!(
                f,
                "; above {:.1}%: likely a product or onboarding problem, not the customers",
                self.threshold * 100.0
            )
        } else {
            write!(f, "; below the {:.1}% threshold", self.threshold * 100.0)
        }
    }
}

/// Facts from the whole portfolio that phase 2 uses.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioFacts {
    /// Service cost over revenue of the typical customer.
    pub typical_service_ratio: f64,
    /// Whether that is the portfolio median (else the configured benchmark).
    pub typical_from_portfolio: bool,
    /// The systemic signal.
    pub systemic: SystemicSignal,
    /// The plausible ranges of whitespace and revenue growth, from the customers where they
    /// are known (or configured, with too few).
    pub plausible: PlausibleRanges,
    /// Account groups: their subsidiaries, and the parent's own record when it is a customer
    /// (see [`PortfolioAnalyzer::include_parents`]).
    pub groups: BTreeMap<CustomerId, GroupTotals>,
    /// Parents whose own record is in their group's totals.
    #[serde(default)]
    pub parents_included: BTreeSet<CustomerId>,
    /// Ids found in more than one record: every record with one is refused
    /// ([`Error::DuplicateCustomer`]), whatever the order or sharding.
    pub duplicates: BTreeSet<CustomerId>,
}
