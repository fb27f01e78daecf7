//! Cohort survival counts, the data a model is fitted on.

use serde::{Deserialize, Serialize};

use super::*;

/// Survival counts of one cohort: customers acquired together, followed period by period.
///
/// Holds the cohort's size and the number still customers at the end of each observed period
/// `1..=age`. A value that exists is consistent: the size is positive, and survivors never
/// rise nor exceed the size. Deserialization checks the same rules; on the wire it is
/// `{"size": 1000, "survivors": [631, 468]}`.
///
/// ```
/// use custfit::retention::{Cohort, RetentionError};
/// let cohort = Cohort::from_survivor_curve(&[1000, 631, 468])?;
/// assert_eq!((cohort.size(), cohort.age()), (1000, 2));
/// assert_eq!(cohort.lost(), [369, 163]);
/// assert_eq!(Cohort::from_losses(1000, &[369, 163])?, cohort);
/// assert!(matches!(
///     Cohort::new(1000, vec![631, 700]),
///     Err(RetentionError::SurvivorsIncrease { period: 2, .. })
/// ));
/// # Ok::<(), RetentionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CohortData", into = "CohortData")]
pub struct Cohort {
    pub(super) size: u64,
    pub(super) survivors: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CohortData {
    size: u64,
    survivors: Vec<u64>,
}

impl TryFrom<CohortData> for Cohort {
    type Error = RetentionError;
    fn try_from(c: CohortData) -> std::result::Result<Self, RetentionError> {
        Cohort::new(c.size, c.survivors)
    }
}

impl From<Cohort> for CohortData {
    fn from(c: Cohort) -> Self {
        CohortData {
            size: c.size,
            survivors: c.survivors,
        }
    }
}

pub(super) fn period_number(index: usize) -> u32 {
    u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1))
}

impl Cohort {
    /// A cohort of `size` customers with `survivors[i]` still customers at the end of period
    /// `i + 1`. An empty `survivors` is a cohort of age 0 (just acquired).
    ///
    /// # Errors
    ///
    /// - [`RetentionError::EmptyCohort`] when `size` is 0;
    /// - [`RetentionError::SurvivorsAboveCohortSize`] when a count exceeds `size`;
    /// - [`RetentionError::SurvivorsIncrease`] when a count exceeds the one before.
    pub fn new(size: u64, survivors: Vec<u64>) -> std::result::Result<Self, RetentionError> {
        if size == 0 {
            return Err(RetentionError::EmptyCohort);
        }
        let mut before = size;
        for (i, &after) in survivors.iter().enumerate() {
            let period = period_number(i);
            if after > size {
                return Err(RetentionError::SurvivorsAboveCohortSize {
                    period,
                    survivors: after,
                    size,
                });
            }
            if after > before {
                return Err(RetentionError::SurvivorsIncrease {
                    period,
                    before,
                    after,
                });
            }
            before = after;
        }
        Ok(Cohort { size, survivors })
    }

    /// A cohort from its survivor curve at periods `0, 1, ..., age`: `curve[0]` is the size.
    ///
    /// # Errors
    ///
    /// [`RetentionError::EmptyCohort`] for an empty curve or a size of 0, otherwise as
    /// [`new`](Self::new).
    pub fn from_survivor_curve(curve: &[u64]) -> std::result::Result<Self, RetentionError> {
        match curve.split_first() {
            Some((&size, rest)) => Cohort::new(size, rest.to_vec()),
            None => Err(RetentionError::EmptyCohort),
        }
    }

    /// A cohort of `size` customers of whom `lost[i]` were lost in period `i + 1`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::EmptyCohort`] when `size` is 0;
    /// [`RetentionError::LostAboveCohortSize`] when the losses add up to more than `size`.
    pub fn from_losses(size: u64, lost: &[u64]) -> std::result::Result<Self, RetentionError> {
        if size == 0 {
            return Err(RetentionError::EmptyCohort);
        }
        let mut total: u64 = 0;
        let mut survivors = Vec::with_capacity(lost.len());
        for (i, &l) in lost.iter().enumerate() {
            total = total.saturating_add(l);
            if total > size {
                return Err(RetentionError::LostAboveCohortSize {
                    period: period_number(i),
                    lost: total,
                    size,
                });
            }
            survivors.push(size - total);
        }
        Ok(Cohort { size, survivors })
    }

    /// Customers acquired.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Survivors at the end of periods `1..=age`.
    pub fn survivors(&self) -> &[u64] {
        &self.survivors
    }

    /// Periods observed.
    pub fn age(&self) -> u32 {
        u32::try_from(self.survivors.len()).unwrap_or(u32::MAX)
    }

    /// Customers lost in each period `1..=age`.
    pub fn lost(&self) -> Vec<u64> {
        let mut before = self.size;
        self.survivors
            .iter()
            .map(|&s| {
                let l = before - s;
                before = s;
                l
            })
            .collect()
    }
}
