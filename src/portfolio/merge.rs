//! Merging the reports of shards: the rows in id order, every tally, group and sum added,
//! checked.

use std::collections::BTreeMap;

use super::report::{confirm_order, row_order};
use super::*;
use crate::error::{Error, Problem, Result};

impl PortfolioReport {
    /// Fold `other` — a report of another shard, made with the same facts — in.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the shards used different facts, currencies or dates;
    /// [`Error::Arithmetic`] on overflow.
    pub fn merge(&mut self, other: PortfolioReport) -> Result<()> {
        self.merge_rows_by(other, merge_sorted)
    }

    /// [`merge`](Self::merge) of the report of the next shard of one run, whose rows — like
    /// this report's — are sorted (`finish` sorted them): appended where they follow, without
    /// looking through them first.
    pub(super) fn merge_shard(&mut self, other: PortfolioReport) -> Result<()> {
        self.merge_rows_by(other, |mut a, b| {
            let follows = a
                .last()
                .zip(b.first())
                .is_none_or(|(x, y)| row_order(x, y).is_le());
            if a.is_empty() {
                return b;
            }
            a.extend(b);
            if !follows {
                // Two sorted runs: merged by the sort.
                a.sort_by(row_order);
            }
            a
        })
    }

    fn merge_rows_by(
        &mut self,
        other: PortfolioReport,
        merge_rows: impl FnOnce(Vec<CustomerRow>, Vec<CustomerRow>) -> Vec<CustomerRow>,
    ) -> Result<()> {
        if other.facts != self.facts || other.currency != self.currency || other.as_of != self.as_of
        {
            return Err(Error::config(
                "portfolio.merge",
                Problem::Rule {
                    rule: "reports of shards must share the portfolio facts, currency and date"
                        .into(),
                },
            ));
        }
        let arithmetic = |p| Error::arithmetic(None, "portfolio.merge", p);
        self.records = self
            .records
            .checked_add(other.records)
            .ok_or_else(|| arithmetic(Problem::Overflow))?;
        self.bad_records.extend(other.bad_records);
        self.totals.merge(&other.totals).map_err(arithmetic)?;
        merge_maps(&mut self.by_quadrant, other.by_quadrant)?;
        merge_maps(&mut self.by_class, other.by_class)?;
        merge_maps(&mut self.by_action, other.by_action)?;
        merge_maps(&mut self.by_segment, other.by_segment)?;
        merge_maps(&mut self.by_channel, other.by_channel)?;
        merge_maps(&mut self.by_owner, other.by_owner)?;
        self.churned.merge(&other.churned).map_err(arithmetic)?;
        merge_maps(&mut self.churned_by_segment, other.churned_by_segment)?;
        merge_maps(&mut self.churned_by_channel, other.churned_by_channel)?;
        for (parent, g) in other.groups {
            match self.groups.get_mut(&parent) {
                Some(mine) => {
                    mine.tally.merge(&g.tally).map_err(arithmetic)?;
                    for (a, n) in g.actions {
                        let count = mine.actions.entry(a).or_insert(0);
                        *count = count
                            .checked_add(n)
                            .ok_or_else(|| arithmetic(Problem::Overflow))?;
                    }
                }
                None => {
                    self.groups.insert(parent, g);
                }
            }
        }
        self.let_go
            .confirmed
            .merge(&other.let_go.confirmed)
            .map_err(arithmetic)?;
        self.let_go
            .provisional
            .merge(&other.let_go.provisional)
            .map_err(arithmetic)?;
        let mine = std::mem::take(&mut self.to_confirm);
        self.to_confirm = merge_sorted_by(mine, other.to_confirm, confirm_order);
        let p = other.plan;
        self.plan
            .absorb(
                p.revenue_lost,
                p.revenue_gained,
                p.margin_gained,
                &p.hours_freed,
            )
            .map_err(arithmetic)?;
        // Both row lists are sorted: merge them in one pass rather than sorting again.
        let mine = std::mem::take(&mut self.rows);
        self.rows = merge_rows(mine, other.rows);
        sort_bad(&mut self.bad_records);
        // Figures of a partial report are stale once merged.
        self.analytics = None;
        Ok(())
    }
}

pub(super) fn merge_maps<K: Ord + Clone>(
    into: &mut BTreeMap<K, Tally>,
    from: BTreeMap<K, Tally>,
) -> Result<()> {
    for (k, t) in from {
        match into.get_mut(&k) {
            Some(mine) => mine
                .merge(&t)
                .map_err(|p| Error::arithmetic(None, "portfolio.merge", p))?,
            None => {
                into.insert(k, t);
            }
        }
    }
    Ok(())
}

/// Merge two row lists sorted by [`row_order`] into one, `a`'s first among equals. The rows
/// are the report's bulk: `b` is appended to `a` and the stable sort merges the two runs it
/// finds, with a buffer of at most half the rows, rather than merging into a new list that
/// holds every row a second time.
pub(super) fn merge_sorted(mut a: Vec<CustomerRow>, b: Vec<CustomerRow>) -> Vec<CustomerRow> {
    // The first shard merged into an empty report: its rows as they are, when sorted (a
    // comparison each, where appending and sorting would also move them all). The shards of
    // a file sorted by id come in order: then the rows of the next one are appended.
    let sorted = |rows: &[CustomerRow]| rows.is_sorted_by(|x, y| row_order(x, y).is_le());
    let follows = a
        .last()
        .zip(b.first())
        .is_none_or(|(x, y)| row_order(x, y).is_le());
    if follows && sorted(&b) && sorted(&a) {
        if a.is_empty() {
            return b;
        }
        a.extend(b);
        return a;
    }
    a.extend(b);
    a.sort_by(row_order);
    a
}

/// Merge two sorted lists in one pass.
pub(super) fn merge_sorted_by<T>(
    mut a: Vec<T>,
    b: Vec<T>,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    // Lists that follow one another (the shards of a file sorted by id) are appended.
    if a.last()
        .zip(b.first())
        .is_none_or(|(x, y)| order(x, y).is_le())
    {
        if a.is_empty() {
            return b;
        }
        a.extend(b);
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => order(x, y) != std::cmp::Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}
