//! Why an assessment changed: what moved between two assessments of the same customer, by how
//! much, and which inputs caused it, ordered by effect.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::assessment::inputs::{Dimension, Input};
use crate::assessment::{FitAssessment, FitClass, Quadrant};
use crate::error::{Error, Problem, Result};

/// One input that changed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InputChange {
    /// The input.
    pub input: Input,
    /// Its earlier value.
    pub from: Option<f64>,
    /// Its later value.
    pub to: Option<f64>,
}

/// One dimension that moved.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionChange {
    /// The dimension.
    pub dimension: Dimension,
    /// Its earlier score.
    pub from: Option<f64>,
    /// Its later score.
    pub to: Option<f64>,
    /// Change of its contribution to the overall score, in points.
    pub effect: f64,
    /// The inputs behind it that changed.
    pub inputs: Vec<InputChange>,
}

/// What changed between two assessments of one customer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentDiff {
    /// Overall score before and after, as computed.
    pub overall: (f64, f64),
    /// Effective overall score before and after (overrides applied): differs from `overall`
    /// when an override was added, changed or expired.
    pub effective_overall: (f64, f64),
    /// Quadrant before and after, if it changed.
    pub quadrant: Option<(Quadrant, Quadrant)>,
    /// Class before and after, if it changed.
    pub class: Option<(FitClass, FitClass)>,
    /// Dimensions that moved, largest effect on the overall first.
    pub dimensions: Vec<DimensionChange>,
}

impl fmt::Display for AssessmentDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (from, to) = self.overall;
        write!(f, "overall {from:.1} -> {to:.1} ({:+.1})", to - from)?;
        if let Some((a, b)) = self.quadrant {
            write!(f, "; quadrant {a} -> {b}")?;
        }
        if let Some((a, b)) = self.class {
            write!(f, "; class {a} -> {b}")?;
        }
        for d in &self.dimensions {
            let show = |v: Option<f64>| v.map_or("n/a".to_owned(), |v| format!("{v:.0}"));
            write!(
                f,
                "; {} {} -> {} ({:+.1} points",
                d.dimension,
                show(d.from),
                show(d.to),
                d.effect
            )?;
            for (i, c) in d.inputs.iter().enumerate() {
                let show = |v: Option<f64>| v.map_or("unknown".to_owned(), |v| c.input.show(v));
                let sep = if i == 0 { ": " } else { ", " };
                write!(f, "{sep}{} {} -> {}", c.input, show(c.from), show(c.to))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl FitAssessment {
    /// What changed since `earlier`, an assessment of the same customer.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::{Config, Customer};
    /// use custfit::assessment::{Dimension, Input, Quadrant};
    /// use rust_decimal::Decimal;
    ///
    /// # fn main() -> custfit::Result<()> {
    /// # let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let assessor = Config::default().assessor()?;
    /// let with_hours = |hours: i64| {
    ///     Customer::builder("C-042", "Northwind Freight").currency("USD")
    ///         .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 3, 1))
    ///         .recurring_revenue(Decimal::from(60_000))
    ///         .engineering_hours(Decimal::from(hours))
    ///         .build()
    /// };
    /// let before = assessor.assess(&with_hours(150)?, d(2026, 1, 15))?;
    /// let after = assessor.assess(&with_hours(400)?, d(2026, 1, 15))?;
    /// let diff = after.changes_since(&before)?;
    /// assert!(diff.overall.1 < diff.overall.0);
    /// let moved = (Quadrant::ProfitableGrowthUnknown, Quadrant::UnprofitableGrowthUnknown);
    /// assert_eq!(diff.quadrant, Some(moved));
    /// // Largest effect first: the margin, moved by the margin input.
    /// assert_eq!(diff.dimensions[0].dimension, Dimension::Margin);
    /// assert_eq!(diff.dimensions[0].inputs[0].input, Input::Margin);
    /// // Another customer's assessment cannot be compared.
    /// # let other = Customer::builder("C-043", "Other").currency("USD")
    /// #     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 3, 1))
    /// #     .recurring_revenue(Decimal::from(1_000)).build()?;
    /// let other = assessor.assess(&other, d(2026, 1, 15))?;
    /// assert!(after.changes_since(&other).is_err());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] when `earlier` concerns another customer.
    pub fn changes_since(&self, earlier: &FitAssessment) -> Result<AssessmentDiff> {
        if earlier.customer != self.customer {
            return Err(Error::invalid(
                Some(&self.customer),
                "customer",
                Problem::Rule {
                    rule: format!("cannot compare with customer `{}`", earlier.customer),
                },
            ));
        }
        let mut dimensions: Vec<DimensionChange> = Dimension::ALL
            .iter()
            .filter_map(|&d| {
                let (a, b) = (
                    earlier.scorecard.dimensions.get(d),
                    self.scorecard.dimensions.get(d),
                );
                let inputs: Vec<InputChange> = d
                    .inputs()
                    .iter()
                    .filter_map(|&i| {
                        let (from, to) = (earlier.inputs.get(i), self.inputs.get(i));
                        (from != to).then_some(InputChange { input: i, from, to })
                    })
                    .collect();
                let effect = b.contribution - a.contribution;
                (a.score != b.score || effect.abs() > 1e-9 || !inputs.is_empty()).then_some(
                    DimensionChange {
                        dimension: d,
                        from: a.score,
                        to: b.score,
                        effect,
                        inputs,
                    },
                )
            })
            .collect();
        dimensions.sort_by(|x, y| y.effect.abs().total_cmp(&x.effect.abs()));
        Ok(AssessmentDiff {
            overall: (earlier.scorecard.overall, self.scorecard.overall),
            effective_overall: (earlier.effective_overall(), self.effective_overall()),
            quadrant: (earlier.quadrant != self.quadrant)
                .then_some((earlier.quadrant, self.quadrant)),
            class: (earlier.classification.class != self.classification.class)
                .then_some((earlier.classification.class, self.classification.class)),
            dimensions,
        })
    }
}
