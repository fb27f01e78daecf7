//! What changed from one period to the next for one customer: the assessment (scores, inputs,
//! quadrant, class), the recommendation (action, rule, levers) and the cost lines, each with
//! its cause.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::assessment::AssessmentDiff;
use crate::cost::CostItem;
use crate::customer::activity::AssessmentPeriod;
use crate::error::{Error, Problem, Result};
use crate::history::wire::strict_serde;
use crate::history::PeriodAssessment;
use crate::money::Money;
use crate::policy::{Action, LeverKind, Rule};

/// Why a cost line's amount changed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostCause {
    /// More or less of the activity (hours, tickets, revenue, days), at the same rate.
    Quantity,
    /// Another rate for the same quantity.
    Rate,
    /// Both.
    QuantityAndRate,
    /// A line of the later period only.
    Added,
    /// A line of the earlier period only.
    Removed,
}

display_names!(CostCause {
    Quantity => "quantity",
    Rate => "rate",
    QuantityAndRate => "quantity and rate",
    Added => "added",
    Removed => "removed",
});

/// One cost line that changed.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct CostLineChange {
    /// What the line prices.
    pub item: CostItem,
    /// Its quantity before and after (`None` where the line is absent).
    pub quantity: (Option<Decimal>, Option<Decimal>),
    /// Its amount before and after.
    pub amount: (Option<Money>, Option<Money>),
    /// Why it changed.
    pub cause: CostCause,
}

/// One restructure lever whose effect changed, appeared or went.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct LeverChange {
    /// The lever, with its figures of the later period when it is proposed then.
    pub kind: LeverKind,
    /// Its margin gain before and after (`None` where it was not proposed).
    pub margin_gain: (Option<Money>, Option<Money>),
}

/// What changed for one customer from one period to the next.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct PeriodDiff {
    /// The earlier period.
    pub before: AssessmentPeriod,
    /// The later period.
    pub after: AssessmentPeriod,
    /// Scores, inputs, quadrant and class.
    pub assessment: AssessmentDiff,
    /// The recommended action before and after, if it changed.
    pub action: Option<(Action, Action)>,
    /// The deciding rule before and after, if it changed.
    pub rule: Option<(Option<Rule>, Option<Rule>)>,
    /// Levers proposed in either period whose effect differs.
    pub levers: Vec<LeverChange>,
    /// Cost lines that changed, largest change of amount first.
    pub cost_lines: Vec<CostLineChange>,
}

strict_serde!(CostLineChange, LeverChange, PeriodDiff);

impl PeriodDiff {
    /// What changed from `earlier` to `later`, two periods of one customer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`](crate::Error::InvalidField) when they are of different
    /// customers (from [`FitAssessment::changes_since`](crate::FitAssessment::changes_since));
    /// [`Error::Arithmetic`](crate::Error::Arithmetic) naming the line when the change of a
    /// cost line's amount does not fit a decimal (periods read back with amounts no cost model
    /// gives; a [`CustomerHistory`](crate::history::CustomerHistory) refuses them).
    pub fn between(earlier: &PeriodAssessment, later: &PeriodAssessment) -> Result<Self> {
        let assessment = later.assessment.changes_since(&earlier.assessment)?;
        let (ra, rb) = (&earlier.recommendation, &later.recommendation);
        let lever_list = |r: &crate::Recommendation| -> Vec<(LeverKind, Money)> {
            r.levers
                .iter()
                .flat_map(|p| p.levers.iter().map(|l| (l.kind.clone(), l.margin_gain)))
                .collect()
        };
        let (la, lb) = (lever_list(ra), lever_list(rb));
        // A lever is the same lever in both periods when it is of the same kind (its figures,
        // such as a reprice's proposed change, may differ): the n-th of a kind pairs with the
        // n-th.
        let same =
            |a: &LeverKind, b: &LeverKind| std::mem::discriminant(a) == std::mem::discriminant(b);
        let nth = |list: &[(LeverKind, Money)], i: usize| {
            list[..i]
                .iter()
                .filter(|(k, _)| same(k, &list[i].0))
                .count()
        };
        let partner = |list: &[(LeverKind, Money)], kind: &LeverKind, n: usize| {
            list.iter().filter(|(k, _)| same(k, kind)).nth(n).cloned()
        };
        let mut levers: Vec<LeverChange> = Vec::new();
        for (i, (kind, gain)) in la.iter().enumerate() {
            match partner(&lb, kind, nth(&la, i)) {
                Some((later, after)) if later == *kind && after == *gain => {}
                Some((later, after)) => levers.push(LeverChange {
                    kind: later,
                    margin_gain: (Some(*gain), Some(after)),
                }),
                None => levers.push(LeverChange {
                    kind: kind.clone(),
                    margin_gain: (Some(*gain), None),
                }),
            }
        }
        for (i, (kind, gain)) in lb.iter().enumerate() {
            if partner(&la, kind, nth(&lb, i)).is_none() {
                levers.push(LeverChange {
                    kind: kind.clone(),
                    margin_gain: (None, Some(*gain)),
                });
            }
        }
        let (ca, cb) = (&earlier.assessment.cost.lines, &later.assessment.cost.lines);
        let mut cost_lines: Vec<CostLineChange> = Vec::new();
        for a in ca {
            let change = match cb.iter().find(|b| b.item == a.item) {
                None => Some(CostLineChange {
                    item: a.item,
                    quantity: (Some(a.quantity), None),
                    amount: (Some(a.amount), None),
                    cause: CostCause::Removed,
                }),
                Some(b) => {
                    let cause = match (a.quantity != b.quantity, a.rate != b.rate) {
                        (true, false) => Some(CostCause::Quantity),
                        (false, true) => Some(CostCause::Rate),
                        (true, true) => Some(CostCause::QuantityAndRate),
                        (false, false) => None,
                    };
                    cause.map(|cause| CostLineChange {
                        item: a.item,
                        quantity: (Some(a.quantity), Some(b.quantity)),
                        amount: (Some(a.amount), Some(b.amount)),
                        cause,
                    })
                }
            };
            cost_lines.extend(change);
        }
        for b in cb.iter().filter(|b| !ca.iter().any(|a| a.item == b.item)) {
            cost_lines.push(CostLineChange {
                item: b.item,
                quantity: (None, Some(b.quantity)),
                amount: (None, Some(b.amount)),
                cause: CostCause::Added,
            });
        }
        // Largest change first; its size is checked, for amounts read back may be anything.
        let amount = |m: Option<Money>| m.map_or(Decimal::ZERO, |m| m.amount());
        let mut sized = Vec::with_capacity(cost_lines.len());
        for c in cost_lines {
            let size = amount(c.amount.1)
                .checked_sub(amount(c.amount.0))
                .ok_or_else(|| {
                    Error::arithmetic(
                        Some(&later.assessment.customer),
                        format!("{}.change", c.item.field()),
                        Problem::Overflow,
                    )
                })?;
            sized.push((size.abs(), c));
        }
        sized.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
        let cost_lines = sized.into_iter().map(|(_, c)| c).collect();
        Ok(PeriodDiff {
            before: earlier.period,
            after: later.period,
            assessment,
            action: (ra.action != rb.action).then_some((ra.action, rb.action)),
            rule: (ra.rule() != rb.rule()).then_some((ra.rule(), rb.rule())),
            levers,
            cost_lines,
        })
    }
}

impl fmt::Display for PeriodDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} to {}: {}",
            self.before.start(),
            self.after.end(),
            self.assessment
        )?;
        if let Some((a, b)) = self.action {
            write!(f, "; action {a} -> {b}")?;
        }
        if let Some((a, b)) = &self.rule {
            let show = |r: &Option<Rule>| r.map_or("none".to_owned(), |r| r.to_string());
            write!(f, "; rule {} -> {}", show(a), show(b))?;
        }
        for c in &self.cost_lines {
            let show = |m: Option<Money>| m.map_or("none".to_owned(), |m| m.to_string());
            write!(
                f,
                "; {} {} -> {} ({})",
                c.item,
                show(c.amount.0),
                show(c.amount.1),
                c.cause
            )?;
        }
        for l in &self.levers {
            let show = |m: Option<Money>| m.map_or("not proposed".to_owned(), |m| m.to_string());
            write!(
                f,
                "; lever {}: {} -> {}",
                l.kind,
                show(l.margin_gain.0),
                show(l.margin_gain.1)
            )?;
        }
        Ok(())
    }
}
