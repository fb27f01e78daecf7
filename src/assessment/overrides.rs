//! Manual overrides: a person replaces a dimension score or the overall score, with a reason,
//! an author and an expiry date. The computed value is kept beside it; an expired override
//! stops applying and is reported as expired; nothing is silently overwritten.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::Dimension;
use crate::assessment::scoring::Scorecard;
use crate::customer::CustomerId;
use crate::error::{Error, Problem, Result};

/// What an override replaces.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "target", content = "dimension")]
pub enum OverrideTarget {
    /// One dimension's score.
    Dimension(Dimension),
    /// The overall score.
    Overall,
}

/// A person's override of a score, valid by construction.
///
/// ```
/// use chrono::NaiveDate;
/// use custfit::assessment::{Dimension, Override, OverrideTarget};
/// let o = Override::new(
///     "C-042",
///     OverrideTarget::Dimension(Dimension::LogoValue),
///     85.0,
///     "signed a joint press release in December",
///     "Jana Weber",
///     NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
/// )?;
/// assert!(o.is_active(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()));
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OverrideRepr", into = "OverrideRepr")]
pub struct Override {
    customer: CustomerId,
    target: OverrideTarget,
    score: f64,
    reason: String,
    author: String,
    expires: NaiveDate,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideRepr {
    customer: CustomerId,
    target: OverrideTarget,
    score: f64,
    reason: String,
    author: String,
    expires: NaiveDate,
}

impl Override {
    /// An override of `target` for `customer` with `score`, applying up to and including
    /// `expires`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] naming the customer: an empty id, a score outside 0..=100, an
    /// empty reason or author.
    pub fn new(
        customer: impl AsRef<str>,
        target: OverrideTarget,
        score: f64,
        reason: impl Into<String>,
        author: impl Into<String>,
        expires: NaiveDate,
    ) -> Result<Self> {
        let customer = CustomerId::new(customer)?;
        let bad = |field: &str, problem| Error::invalid(Some(&customer), field, problem);
        if !(0.0..=100.0).contains(&score) {
            return Err(bad(
                "override.score",
                Problem::OutOfRange {
                    value: score.to_string(),
                    allowed: "0..=100".into(),
                },
            ));
        }
        let (reason, author) = (reason.into(), author.into());
        if reason.trim().is_empty() {
            return Err(bad("override.reason", Problem::Empty));
        }
        if author.trim().is_empty() {
            return Err(bad("override.author", Problem::Empty));
        }
        Ok(Override {
            customer,
            target,
            score,
            reason,
            author,
            expires,
        })
    }

    /// The customer.
    pub fn customer(&self) -> &CustomerId {
        &self.customer
    }
    /// What it replaces.
    pub fn target(&self) -> OverrideTarget {
        self.target
    }
    /// The score it sets.
    pub fn score(&self) -> f64 {
        self.score
    }
    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// Who.
    pub fn author(&self) -> &str {
        &self.author
    }
    /// Last day it applies.
    pub fn expires(&self) -> NaiveDate {
        self.expires
    }
    /// Whether it applies on `as_of`.
    pub fn is_active(&self, as_of: NaiveDate) -> bool {
        as_of <= self.expires
    }
}

impl TryFrom<OverrideRepr> for Override {
    type Error = Error;
    fn try_from(r: OverrideRepr) -> Result<Self> {
        Override::new(r.customer, r.target, r.score, r.reason, r.author, r.expires)
    }
}

impl From<Override> for OverrideRepr {
    fn from(o: Override) -> Self {
        OverrideRepr {
            customer: o.customer,
            target: o.target,
            score: o.score,
            reason: o.reason,
            author: o.author,
            expires: o.expires,
        }
    }
}

/// Whether an override applied.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideStatus {
    /// It replaced the computed value.
    Applied,
    /// Its expiry date has passed; the computed value stands.
    Expired,
    /// A later override of the same target replaced it.
    Superseded,
}

/// An override as considered by one assessment: the computed value it faced, and whether it
/// applied.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideOutcome {
    /// The override.
    pub applied: Override,
    /// The computed value it replaces (or would have replaced).
    pub computed: Option<f64>,
    /// Whether it applied.
    pub status: OverrideStatus,
}

/// Consider the overrides of one customer: the last active one per target applies.
pub(crate) fn consider(
    customer: &CustomerId,
    overrides: &[Override],
    as_of: NaiveDate,
    scorecard: &Scorecard,
) -> Result<Vec<OverrideOutcome>> {
    let mut out: Vec<OverrideOutcome> = Vec::with_capacity(overrides.len());
    for o in overrides {
        if o.customer() != customer {
            return Err(Error::invalid(
                Some(customer),
                "override.customer",
                Problem::Rule {
                    rule: format!("override is for customer `{}`", o.customer()),
                },
            ));
        }
        let computed = match o.target {
            OverrideTarget::Dimension(d) => scorecard.dimensions.get(d).score,
            OverrideTarget::Overall => Some(scorecard.overall),
        };
        let status = if o.is_active(as_of) {
            for earlier in out.iter_mut() {
                if earlier.applied.target == o.target && earlier.status == OverrideStatus::Applied {
                    earlier.status = OverrideStatus::Superseded;
                }
            }
            OverrideStatus::Applied
        } else {
            OverrideStatus::Expired
        };
        out.push(OverrideOutcome {
            applied: o.clone(),
            computed,
            status,
        });
    }
    Ok(out)
}

/// The applied override of `dimension`, if any.
pub(crate) fn effective_dimension(
    outcomes: &[OverrideOutcome],
    dimension: Dimension,
) -> Option<f64> {
    outcomes
        .iter()
        .find(|o| {
            o.status == OverrideStatus::Applied
                && o.applied.target == OverrideTarget::Dimension(dimension)
        })
        .map(|o| o.applied.score)
}

/// The applied overall override, else the weighted sum of effective dimension scores.
///
/// A dimension the missing-data policy left out (weight 0) does not move the overall even when
/// overridden: override the overall score instead.
pub(crate) fn effective_overall(outcomes: &[OverrideOutcome], scorecard: &Scorecard) -> f64 {
    if let Some(o) = outcomes.iter().find(|o| {
        o.status == OverrideStatus::Applied && o.applied.target == OverrideTarget::Overall
    }) {
        return o.applied.score;
    }
    if !outcomes.iter().any(|o| o.status == OverrideStatus::Applied) {
        return scorecard.overall;
    }
    scorecard
        .dimensions
        .iter()
        .map(|(d, s)| effective_dimension(outcomes, d).or(s.used).unwrap_or(0.0) * s.weight)
        .sum::<f64>()
        .clamp(0.0, 100.0)
}
