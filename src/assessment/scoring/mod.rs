//! Scoring strategies: how measured [`Inputs`] become dimension scores, an overall score and a
//! grade.
//!
//! - [`WeightedScorecard`] (the default) weighs the eight dimensions with weights that may
//!   differ by lifecycle stage, maps margin, resource intensity and growth through configurable
//!   value scales, and grades the result with configurable bands. Use it unless you have a
//!   reason not to: every number it uses is plain configuration.
//! - [`MarginFirst`] ranks customers by margin first and lets the other dimensions only break
//!   near-ties — for a business that must restore profitability before anything else.
//! - Your own: implement [`ScoringStrategy`] (or wrap a closure with [`from_fn`]) and hand it to the
//!   [`Assessor`](crate::Assessor). Strategies are object-safe and `Send + Sync`, so a
//!   `Box<dyn ScoringStrategy>` chosen from configuration works.
//!
//! Scores are 0-100, higher is better for the company, 50 is neutral.
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::assessment::inputs::InputSet;
use crate::assessment::inputs::{Inputs, PerDimension};
use crate::customer::LifecycleStage;
use crate::error::Result;

mod card;
mod config;
mod weighted;

pub use card::{Confidence, DimensionScore, GroupScore, Scorecard};
pub use config::{Grade, GradeBand, MissingPolicy, Rag, Scale, ScorecardConfig, Weights};
pub use weighted::{dimension_scores, MarginFirst, WeightedScorecard};

/// What a strategy knows besides the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringContext {
    /// The customer's lifecycle stage.
    pub stage: LifecycleStage,
    /// Whether the customer is new (tenure below the configured months).
    pub new_customer: bool,
}

/// Turns measured inputs into a [`Scorecard`].
///
/// ```
/// use custfit::assessment::scoring::{Scorecard, ScoringContext, ScoringStrategy, WeightedScorecard, dimension_scores};
/// use custfit::Result;
/// use custfit::assessment::Inputs;
///
/// /// Judges customers by mutual value alone (seed 003), leaving the rest to the scorecard.
/// struct MutualValueOnly(WeightedScorecard);
///
/// impl ScoringStrategy for MutualValueOnly {
///     fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> Result<Scorecard> {
///         let mut card = self.0.score(inputs, ctx)?;
///         card.overall = card.dimensions.mutual_value.score.unwrap_or(50.0);
///         card.grade = self.0.config().grade(card.overall);
///         Ok(card)
///     }
/// }
/// let strategy: Box<dyn ScoringStrategy> = Box::new(MutualValueOnly(WeightedScorecard::default()));
/// # let _ = strategy;
/// ```
pub trait ScoringStrategy: Send + Sync {
    /// Score one customer's inputs.
    ///
    /// # Errors
    ///
    /// Whatever the strategy reports; the shipped strategies do not fail.
    fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> Result<Scorecard>;

    /// The dimension scores alone: `score(inputs, ctx)?.dimensions`, each dimension's
    /// [`score`](DimensionScore::score). The assessment asks for them of its best cases (every
    /// unknown fact at its best), which read nothing else of a scorecard. The default scores in
    /// full; a strategy whose dimension scores do not need the overall may compute them alone,
    /// and must give the same values as `score`. They are the strategy's own dimension scores,
    /// which may differ from the shared [`dimension_scores`]: [`MarginFirst`] scores a missing
    /// margin as a neutral 50.
    ///
    /// # Errors
    ///
    /// As [`score`](Self::score).
    fn score_dimensions(
        &self,
        inputs: &Inputs,
        ctx: &ScoringContext,
    ) -> Result<PerDimension<Option<f64>>> {
        let card = self.score(inputs, ctx)?;
        Ok(PerDimension::from_fn(|d| card.dimensions.get(d).score))
    }
}

/// A reference or a smart pointer to a strategy is that strategy.
macro_rules! forward_strategy {
    ($($pointer:ty),*) => {$(
        impl<S: ScoringStrategy + ?Sized> ScoringStrategy for $pointer {
            fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> Result<Scorecard> {
                (**self).score(inputs, ctx)
            }

            fn score_dimensions(
                &self,
                inputs: &Inputs,
                ctx: &ScoringContext,
            ) -> Result<PerDimension<Option<f64>>> {
                (**self).score_dimensions(inputs, ctx)
            }
        }
    )*};
}

forward_strategy!(&S, Box<S>, Arc<S>);

/// A strategy from a closure (see [`from_fn`]).
#[derive(Clone, Copy)]
pub struct FnStrategy<F>(F);

impl<F> fmt::Debug for FnStrategy<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnStrategy")
    }
}

/// Use a closure as a scoring strategy.
///
/// ```
/// use custfit::assessment::scoring::{ScoringStrategy, WeightedScorecard, from_fn};
/// let base = WeightedScorecard::default();
/// let cautious = from_fn(move |inputs, ctx| {
///     let mut card = base.score(inputs, ctx)?;
///     card.overall = card.overall.min(card.dimensions.margin.score.unwrap_or(0.0));
///     Ok(card)
/// });
/// # let _ = cautious;
/// ```
pub fn from_fn<F>(f: F) -> FnStrategy<F>
where
    F: Fn(&Inputs, &ScoringContext) -> Result<Scorecard> + Send + Sync,
{
    FnStrategy(f)
}

impl<F> ScoringStrategy for FnStrategy<F>
where
    F: Fn(&Inputs, &ScoringContext) -> Result<Scorecard> + Send + Sync,
{
    fn score(&self, inputs: &Inputs, ctx: &ScoringContext) -> Result<Scorecard> {
        (self.0)(inputs, ctx)
    }
}
