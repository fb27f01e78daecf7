//! The weighted scorecard's configuration: weights, scales, grade bands, missing-data policy.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::*;
use crate::assessment::inputs::PerDimension;
use crate::customer::LifecycleStage;
use crate::error::{Error, Problem, Result};

/// Red, amber or green.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Act now.
    Red,
    /// Watch.
    Amber,
    /// Fine.
    Green,
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        })
    }
}

/// A grade band: scores from `min` up to the next band's `min` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// Lowest score of the band, inclusive: a score exactly on a boundary gets the higher band.
    pub min: f64,
    /// Letter grade.
    pub letter: char,
    /// Traffic light.
    pub rag: Rag,
}

/// The grade of an overall score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    /// Letter grade.
    pub letter: char,
    /// Traffic light.
    pub rag: Rag,
    /// Lower bound of the band the score fell in.
    pub band_min: f64,
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.letter, self.rag)
    }
}

/// A piecewise-linear value scale: `(value, score)` points with increasing values; between
/// points the score is interpolated, beyond the ends it is clamped.
///
/// ```
/// use custfit::assessment::scoring::Scale;
/// let margin = Scale::new(vec![(-0.5, 0.0), (0.0, 30.0), (0.5, 100.0)])?;
/// assert_eq!(margin.score(0.25), 65.0);
/// assert_eq!(margin.score(-9.0), 0.0);
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<(f64, f64)>", into = "Vec<(f64, f64)>")]
pub struct Scale {
    points: Vec<(f64, f64)>,
}

impl Scale {
    /// A scale through `points`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] unless there are at least two points, values strictly
    /// increase, and every score lies in 0..=100 (all finite).
    pub fn new(points: Vec<(f64, f64)>) -> Result<Self> {
        let bad = |rule: &str| {
            Error::config(
                "scale",
                Problem::Rule {
                    rule: rule.to_owned(),
                },
            )
        };
        if points.len() < 2 {
            return Err(bad("a scale needs at least two points"));
        }
        if points
            .iter()
            .any(|(x, s)| !x.is_finite() || !(0.0..=100.0).contains(s))
        {
            return Err(bad("scale values must be finite and scores within 0..=100"));
        }
        if points.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad("scale values must strictly increase"));
        }
        Ok(Scale { points })
    }

    /// The score of `value`.
    pub fn score(&self, value: f64) -> f64 {
        let first = self.points[0];
        let last = self.points[self.points.len() - 1];
        if value.is_nan() {
            return 50.0;
        }
        if value <= first.0 {
            return first.1;
        }
        if value >= last.0 {
            return last.1;
        }
        for w in self.points.windows(2) {
            let ((x0, s0), (x1, s1)) = (w[0], w[1]);
            if value <= x1 {
                return s0 + (s1 - s0) * (value - x0) / (x1 - x0);
            }
        }
        last.1
    }

    /// The points.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    fn is_non_decreasing(&self) -> bool {
        self.points.windows(2).all(|w| w[0].1 <= w[1].1)
    }

    fn is_non_increasing(&self) -> bool {
        self.points.windows(2).all(|w| w[0].1 >= w[1].1)
    }
}

impl TryFrom<Vec<(f64, f64)>> for Scale {
    type Error = Error;
    fn try_from(points: Vec<(f64, f64)>) -> Result<Self> {
        Scale::new(points)
    }
}

impl From<Scale> for Vec<(f64, f64)> {
    fn from(s: Scale) -> Self {
        s.points
    }
}

/// What to do with a dimension whose inputs are all missing.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Leave it out and renormalize the other weights.
    Renormalize,
    /// Score it as neutral (50).
    Neutral,
    /// Score it as worst (0).
    Worst,
}

/// Weights of the eight dimensions (positive, any scale: they are normalized).
pub type Weights = PerDimension<f64>;

/// Weights with every dimension optional, filled from the default weights.
pub(super) fn fill(partial: PerDimension<Option<f64>>) -> Weights {
    let defaults = ScorecardConfig::default().weights;
    PerDimension::from_fn(|d| partial.get(d).unwrap_or(*defaults.get(d)))
}

pub(super) fn partial_weights<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Weights, D::Error> {
    PerDimension::<Option<f64>>::deserialize(d).map(fill)
}

pub(super) fn partial_weights_by_stage<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<LifecycleStage, Weights>, D::Error> {
    BTreeMap::<LifecycleStage, PerDimension<Option<f64>>>::deserialize(d)
        .map(|m| m.into_iter().map(|(k, w)| (k, fill(w))).collect())
}

pub(super) fn partial_new_customer_weights<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Weights>, D::Error> {
    Option::<PerDimension<Option<f64>>>::deserialize(d).map(|w| w.map(fill))
}

/// Configuration of the [`WeightedScorecard`]; plain serde data with documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ScorecardConfig {
    /// Weights for customers whose stage has no entry in `weights_by_stage`. On the wire, a
    /// dimension left out keeps its default weight.
    #[serde(deserialize_with = "partial_weights")]
    pub weights: Weights,
    /// Weights by lifecycle stage (for example onboarding customers judged on growth and
    /// behavior rather than margin); dimensions left out keep their default weight.
    #[serde(deserialize_with = "partial_weights_by_stage")]
    pub weights_by_stage: BTreeMap<LifecycleStage, Weights>,
    /// Weights for new customers (tenure below the configured months), whatever their stage;
    /// seed 002: judge them on growth potential, not early margin. Dimensions left out keep
    /// their default weight.
    #[serde(deserialize_with = "partial_new_customer_weights")]
    pub new_customer_weights: Option<Weights>,
    /// Margin ratio to score; must not decrease.
    pub margin_scale: Scale,
    /// Relative resource intensity (1 = typical) to score; must not increase.
    pub intensity_scale: Scale,
    /// Expected growth ratio to score; must not decrease.
    pub growth_scale: Scale,
    /// Lifetime value in years of revenue to score; must not decrease. Used by the growth
    /// dimension when a retention model gives a lifetime value.
    pub lifetime_value_scale: Scale,
    /// Missing-data policy.
    pub missing: MissingPolicy,
    /// Grade bands, highest first; the last must start at 0.
    pub grades: Vec<GradeBand>,
    /// Group of each dimension, for subtotals (for example `financial`).
    pub groups: PerDimension<String>,
}

pub(super) fn scale(points: &[(f64, f64)]) -> Scale {
    Scale {
        points: points.to_vec(),
    }
}

impl Default for ScorecardConfig {
    /// Example defaults: margin and resource intensity weigh most for established customers;
    /// new customers weigh growth and behavior instead. Margin 0 % scores 30, 15 % scores 50,
    /// 40 % or more 100. Typical intensity scores 50, a quarter of it 90, three times it 10.
    /// Expected growth of 10 % of revenue scores 50, 50 % or more 100; a lifetime value of one
    /// year of revenue scores 50, three years or more 100. Grades: A from 80, B
    /// from 65, C from 50, D from 35, F below; green from 65, amber from 45, red below.
    fn default() -> Self {
        let weights = PerDimension {
            strategic_alignment: 1.5,
            margin: 2.0,
            resource_intensity: 1.5,
            logo_value: 1.0,
            growth_potential: 1.5,
            behavior_success: 1.0,
            product_influence: 0.75,
            mutual_value: 1.0,
        };
        let new_customer = PerDimension {
            margin: 0.5,
            resource_intensity: 0.75,
            growth_potential: 2.5,
            behavior_success: 1.5,
            ..weights
        };
        let group = |s: &str| s.to_owned();
        ScorecardConfig {
            weights,
            weights_by_stage: BTreeMap::from([(LifecycleStage::Onboarding, new_customer)]),
            new_customer_weights: Some(new_customer),
            margin_scale: scale(&[(-0.5, 0.0), (0.0, 30.0), (0.15, 50.0), (0.4, 100.0)]),
            intensity_scale: scale(&[(0.25, 90.0), (1.0, 50.0), (3.0, 10.0), (6.0, 0.0)]),
            growth_scale: scale(&[(0.0, 10.0), (0.1, 50.0), (0.5, 100.0)]),
            lifetime_value_scale: scale(&[(0.0, 10.0), (1.0, 50.0), (3.0, 100.0)]),
            missing: MissingPolicy::Renormalize,
            grades: vec![
                GradeBand {
                    min: 80.0,
                    letter: 'A',
                    rag: Rag::Green,
                },
                GradeBand {
                    min: 65.0,
                    letter: 'B',
                    rag: Rag::Green,
                },
                GradeBand {
                    min: 50.0,
                    letter: 'C',
                    rag: Rag::Amber,
                },
                GradeBand {
                    min: 45.0,
                    letter: 'D',
                    rag: Rag::Amber,
                },
                GradeBand {
                    min: 35.0,
                    letter: 'D',
                    rag: Rag::Red,
                },
                GradeBand {
                    min: 0.0,
                    letter: 'F',
                    rag: Rag::Red,
                },
            ],
            groups: PerDimension {
                strategic_alignment: group("strategic"),
                margin: group("financial"),
                resource_intensity: group("financial"),
                logo_value: group("strategic"),
                growth_potential: group("growth"),
                behavior_success: group("relationship"),
                product_influence: group("strategic"),
                mutual_value: group("relationship"),
            },
        }
    }
}

impl ScorecardConfig {
    /// Check weights, scales and bands.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the field: a weight that is not positive and finite; a
    /// margin or growth scale that decreases, an intensity scale that increases; grade bands
    /// not strictly descending, not starting at or below 100, or not ending at 0.
    pub fn validate(&self) -> Result<()> {
        let check_weights = |field: &str, w: &Weights| -> Result<()> {
            for (d, v) in w.iter() {
                if !(v.is_finite() && *v > 0.0) {
                    return Err(Error::config(
                        format!("{field}.{}", d.as_str()),
                        Problem::OutOfRange {
                            value: v.to_string(),
                            allowed: "a positive finite number".into(),
                        },
                    ));
                }
            }
            Ok(())
        };
        check_weights("weights", &self.weights)?;
        for (stage, w) in &self.weights_by_stage {
            check_weights(&format!("weights_by_stage.{stage:?}").to_lowercase(), w)?;
        }
        if let Some(w) = &self.new_customer_weights {
            check_weights("new_customer_weights", w)?;
        }
        let rule = |field: &str, rule: &str| {
            Err(Error::config(
                field,
                Problem::Rule {
                    rule: rule.to_owned(),
                },
            ))
        };
        if !self.margin_scale.is_non_decreasing() {
            return rule("margin_scale", "scores must not decrease as margin rises");
        }
        if !self.growth_scale.is_non_decreasing() {
            return rule("growth_scale", "scores must not decrease as growth rises");
        }
        if !self.lifetime_value_scale.is_non_decreasing() {
            return rule(
                "lifetime_value_scale",
                "scores must not decrease as lifetime value rises",
            );
        }
        if !self.intensity_scale.is_non_increasing() {
            return rule("intensity_scale", "scores must not rise with intensity");
        }
        let g = &self.grades;
        if g.is_empty() || g.iter().any(|b| !(0.0..=100.0).contains(&b.min)) {
            return rule("grades", "bands must start within 0..=100");
        }
        if g.windows(2).any(|w| w[0].min <= w[1].min) {
            return rule("grades", "bands must be listed highest first, without ties");
        }
        if g[g.len() - 1].min != 0.0 {
            return rule(
                "grades",
                "the last band must start at 0 so that bands cover 0-100",
            );
        }
        Ok(())
    }

    /// The weights for a customer of `stage`, new or not: new-customer weights first, then
    /// the stage's, then the default.
    pub fn weights_for(&self, ctx: &ScoringContext) -> &Weights {
        if ctx.new_customer {
            if let Some(w) = &self.new_customer_weights {
                return w;
            }
        }
        self.weights_by_stage
            .get(&ctx.stage)
            .unwrap_or(&self.weights)
    }

    /// Subtotals by dimension group (for example `financial`, `strategic`): for each group, the
    /// weighted mean of its dimensions' scores as used in the overall, and the group's share of
    /// the overall weight. Groups whose dimensions were all left out are absent.
    pub fn group_scores(&self, card: &Scorecard) -> BTreeMap<String, GroupScore> {
        let mut out: BTreeMap<String, GroupScore> = BTreeMap::new();
        for (d, s) in card.dimensions.iter() {
            let Some(used) = s.used else { continue };
            if s.weight <= 0.0 {
                continue;
            }
            let g = out.entry(self.groups.get(d).clone()).or_insert(GroupScore {
                score: 0.0,
                weight: 0.0,
            });
            g.score += used * s.weight;
            g.weight += s.weight;
        }
        for g in out.values_mut() {
            g.score /= g.weight;
        }
        out
    }

    /// The grade of `score`: the first band whose `min` is at or below it.
    pub fn grade(&self, score: f64) -> Grade {
        let band = self
            .grades
            .iter()
            .find(|b| score >= b.min)
            .or(self.grades.last())
            .copied()
            .unwrap_or(GradeBand {
                min: 0.0,
                letter: '?',
                rag: Rag::Red,
            });
        Grade {
            letter: band.letter,
            rag: band.rag,
            band_min: band.min,
        }
    }
}
