//! The scorecard a strategy returns: dimension scores, groups, grade and confidence.

use serde::{Deserialize, Serialize};

use super::*;
use crate::assessment::inputs::PerDimension;

/// A dimension group's subtotal (see [`ScorecardConfig::group_scores`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// Weighted mean score of the group's dimensions, 0-100.
    pub score: f64,
    /// The group's share of the overall weight.
    pub weight: f64,
}

/// One dimension on a scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    /// The score from the inputs, or `None` when every input was missing.
    pub score: Option<f64>,
    /// The score that went into the overall (after the missing-data policy), if any.
    pub used: Option<f64>,
    /// Share of the overall this dimension carries (normalized weight, 0 when left out).
    pub weight: f64,
    /// Points it contributed to the overall: `used × weight`.
    pub contribution: f64,
}

/// Which inputs were missing, and how much weight their dimensions carried.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Confidence {
    /// Share of the configured weight whose dimensions had data (1 = nothing missing).
    pub share: f64,
    /// Weight share of the dimensions that had no data at all.
    pub missing_weight: f64,
    /// Inputs that were missing, as a set.
    pub missing_inputs: InputSet,
}

/// The result of scoring: each dimension, the overall score, its grade and the confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Every dimension.
    pub dimensions: PerDimension<DimensionScore>,
    /// Overall score, 0-100.
    pub overall: f64,
    /// Grade of the overall score.
    pub grade: Grade,
    /// How complete the data was.
    pub confidence: Confidence,
}
