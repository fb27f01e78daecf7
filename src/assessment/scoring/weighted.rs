//! The shipped strategies: the weighted scorecard, and margin first; the dimension scores
//! they share.

use serde::{Deserialize, Serialize};

use super::*;
use crate::assessment::inputs::{Dimension, Input, Inputs, PerDimension};
use crate::error::{Error, Result};

/// The score of each dimension from the inputs (0-100), or `None` when its inputs are all
/// missing. Shared by the shipped strategies; a custom strategy may use it too.
///
/// Formulas (each input is a ratio from 0 to 1 unless stated):
/// - strategic alignment: profile match × 100;
/// - margin, resource intensity: their scales in `config`;
/// - growth potential: the growth scale of expected growth (whitespace × likelihood, the
///   likelihood judged from behavior and last year's growth when not stated), averaged with
///   the lifetime-value scale of lifetime value in years of revenue when a retention model gave
///   one; unknown when neither is known;
/// - logo value: weighted mean of referenceable (0.3), case study (0.15), brand tier (0.25),
///   strategic positioning (0.2), feedback quality (0.1), over the known ones, × 100;
/// - behavior and success: mean of attendance, plan adherence, responsiveness, content
///   consumed, goal stability (1 − changes / 5, at least 0) and outcomes (counted twice), × 100;
/// - product influence: 50 + 50 × (broad − custom) / (broad + custom + 1);
/// - mutual value: mean of outcomes, renewal intent and (NPS + 100) / 200, × 100.
pub fn dimension_scores(inputs: &Inputs, config: &ScorecardConfig) -> PerDimension<Option<f64>> {
    let get = |i| inputs.get(i);
    let weighted_mean = |items: &[(Option<f64>, f64)]| {
        let (mut sum, mut weight) = (0.0, 0.0);
        for (v, w) in items {
            if let Some(v) = v {
                sum += v * w;
                weight += w;
            }
        }
        (weight > 0.0).then(|| (100.0 * sum / weight).clamp(0.0, 100.0))
    };
    let goal_stability = get(Input::GoalChanges).map(|g| (1.0 - g / 5.0).max(0.0));
    let product_influence = match (get(Input::BroadRequests), get(Input::CustomDemands)) {
        (None, None) => None,
        (b, c) => {
            let (b, c) = (b.unwrap_or(0.0), c.unwrap_or(0.0));
            Some((50.0 + 50.0 * (b - c) / (b + c + 1.0)).clamp(0.0, 100.0))
        }
    };
    PerDimension {
        strategic_alignment: get(Input::ProfileMatch).map(|m| (m * 100.0).clamp(0.0, 100.0)),
        margin: get(Input::Margin).map(|m| config.margin_scale.score(m)),
        resource_intensity: get(Input::RelativeIntensity).map(|r| config.intensity_scale.score(r)),
        logo_value: weighted_mean(&[
            (get(Input::Referenceable), 0.3),
            (get(Input::CaseStudy), 0.15),
            (get(Input::BrandTier), 0.25),
            (get(Input::StrategicPositioning), 0.2),
            (get(Input::FeedbackQuality), 0.1),
        ]),
        growth_potential: mean([
            get(Input::ExpectedGrowth).map(|g| config.growth_scale.score(g)),
            get(Input::LifetimeValue).map(|v| config.lifetime_value_scale.score(v)),
        ]),
        behavior_success: weighted_mean(&[
            (get(Input::MeetingAttendance), 1.0),
            (get(Input::PlanAdherence), 1.0),
            (get(Input::Responsiveness), 1.0),
            (get(Input::ContentConsumed), 1.0),
            (goal_stability, 1.0),
            (get(Input::OutcomesAchieved), 2.0),
        ]),
        product_influence,
        mutual_value: weighted_mean(&[
            (get(Input::OutcomesAchieved), 1.0),
            (get(Input::RenewalIntent), 1.0),
            (get(Input::Nps).map(|n| (n + 100.0) / 200.0), 1.0),
        ]),
    }
}

/// The mean of the known values, `None` when none is known.
pub(super) fn mean<const N: usize>(values: [Option<f64>; N]) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .flatten()
        .fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// Combine dimension scores with weights under a missing-data policy.
pub(super) fn combine(
    raw: &PerDimension<Option<f64>>,
    weights: &Weights,
    missing: MissingPolicy,
    inputs: &Inputs,
    config: &ScorecardConfig,
) -> Scorecard {
    let total_weight: f64 = Dimension::ALL.iter().map(|d| *weights.get(*d)).sum();
    let used = |d: Dimension| match (raw.get(d), missing) {
        (Some(s), _) => Some(*s),
        (None, MissingPolicy::Renormalize) => None,
        (None, MissingPolicy::Neutral) => Some(50.0),
        (None, MissingPolicy::Worst) => Some(0.0),
    };
    let used_weight: f64 = Dimension::ALL
        .iter()
        .filter(|d| used(**d).is_some())
        .map(|d| *weights.get(*d))
        .sum();
    let missing_weight: f64 = Dimension::ALL
        .iter()
        .filter(|d| raw.get(**d).is_none())
        .map(|d| *weights.get(*d))
        .sum();
    let dimensions = PerDimension::from_fn(|d| {
        let used = used(d);
        let weight = if used.is_some() && used_weight > 0.0 {
            weights.get(d) / used_weight
        } else {
            0.0
        };
        DimensionScore {
            score: *raw.get(d),
            used,
            weight,
            contribution: used.unwrap_or(0.0) * weight,
        }
    });
    let overall = if used_weight > 0.0 {
        dimensions
            .iter()
            .map(|(_, s)| s.contribution)
            .sum::<f64>()
            .clamp(0.0, 100.0)
    } else {
        50.0
    };
    let mut missing_inputs = InputSet::default();
    for (input, value) in inputs.iter() {
        if value.is_none() {
            missing_inputs.insert(input);
        }
    }
    let missing_share = if total_weight > 0.0 {
        missing_weight / total_weight
    } else {
        0.0
    };
    Scorecard {
        dimensions,
        overall,
        grade: config.grade(overall),
        confidence: Confidence {
            share: 1.0 - missing_share,
            missing_weight: missing_share,
            missing_inputs,
        },
    }
}

/// The default strategy: a weighted scorecard of the eight dimensions.
///
/// ```
/// use custfit::assessment::scoring::{ScorecardConfig, WeightedScorecard};
/// let mut config = ScorecardConfig::default();
/// config.weights.margin = 3.0; // margin matters more here
/// let scorecard = WeightedScorecard::new(config)?;
/// # let _ = scorecard;
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ScorecardConfig", into = "ScorecardConfig")]
pub struct WeightedScorecard {
    config: ScorecardConfig,
}

impl WeightedScorecard {
    /// A scorecard with a validated configuration.
    ///
    /// # Errors
    ///
    /// As [`ScorecardConfig::validate`].
    pub fn new(config: ScorecardConfig) -> Result<Self> {
        config.validate()?;
        Ok(WeightedScorecard { config })
    }

    /// The configuration.
    pub fn config(&self) -> &ScorecardConfig {
        &self.config
    }
}

impl TryFrom<ScorecardConfig> for WeightedScorecard {
    type Error = Error;
    fn try_from(config: ScorecardConfig) -> Result<Self> {
        WeightedScorecard::new(config)
    }
}

impl From<WeightedScorecard> for ScorecardConfig {
    fn from(s: WeightedScorecard) -> Self {
        s.config
    }
}

impl ScoringStrategy for WeightedScorecard {
    fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> Result<Scorecard> {
        let raw = dimension_scores(inputs, &self.config);
        Ok(combine(
            &raw,
            self.config.weights_for(ctx),
            self.config.missing,
            inputs,
            &self.config,
        ))
    }

    fn score_dimensions(
        &self,
        inputs: &Inputs,
        _: &ScoringContext,
    ) -> Result<PerDimension<Option<f64>>> {
        Ok(dimension_scores(inputs, &self.config))
    }
}

/// Ranks by margin first: the overall is 80 % the margin score and 20 % the weighted score of
/// the other dimensions, so the others only separate customers of similar margin.
///
/// A missing margin (zero revenue) is scored as neutral; the missing-data policy applies to the
/// other dimensions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarginFirst {
    scorecard: WeightedScorecard,
}

impl MarginFirst {
    /// Margin-first ranking over the dimension scores of `scorecard`.
    pub fn new(scorecard: WeightedScorecard) -> Self {
        MarginFirst { scorecard }
    }
}

impl ScoringStrategy for MarginFirst {
    fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> Result<Scorecard> {
        let config = &self.scorecard.config;
        let raw = self.score_dimensions(inputs, ctx)?;
        let mut weights = *config.weights_for(ctx);
        let others: f64 = Dimension::ALL
            .iter()
            .filter(|d| **d != Dimension::Margin && raw.get(**d).is_some())
            .map(|d| *weights.get(*d))
            .sum();
        // Margin carries 80 % of the known weight, the others share 20 %.
        weights.margin = if others > 0.0 { others * 4.0 } else { 1.0 };
        let policy = config.missing;
        Ok(combine(&raw, &weights, policy, inputs, config))
    }

    fn score_dimensions(
        &self,
        inputs: &Inputs,
        _: &ScoringContext,
    ) -> Result<PerDimension<Option<f64>>> {
        let mut raw = dimension_scores(inputs, &self.scorecard.config);
        // Without revenue there is no margin: score it neutral, keep the policy for the rest.
        raw.margin = raw.margin.or(Some(50.0));
        Ok(raw)
    }
}
