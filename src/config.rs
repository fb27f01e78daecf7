//! One configuration for the whole flow: cost model, ideal customer profile and segmentation,
//! scorecard, policy and portfolio, each value set once, validated together.

use serde::{Deserialize, Serialize};

use crate::assessment::scoring::{ScorecardConfig, WeightedScorecard};
use crate::assessment::{AssessmentConfig, Assessor};
use crate::cost::{CostModel, CostModelConfig};
use crate::error::{Error, Result};
use crate::policy::{DefaultPolicy, PolicyConfig};
use crate::portfolio::{PortfolioAnalyzer, PortfolioConfig};
use crate::wire_path;

/// The whole configuration, as one serde document (`examples/data/config.json`): every section
/// is optional and defaults as documented on its type; within the scorecard, weights left out
/// are the default weights (all weights are normalized to sum to 1 when scored).
///
/// [`Config::validate`] checks every section; the runtime values are built from it with the
/// cost model built once and shared by the assessor and the policy. Errors name the section:
/// `policy.levers.target_margin`, `cost_model.rates.support.per_hour`.
///
/// ```
/// use custfit::Config;
/// let config: Config = serde_json::from_str(r#"{
///     "assessment": { "segmentation": { "growth_line": 55.0 } },
///     "scorecard": { "weights": { "margin": 3.0 } },
///     "policy": { "levers": { "target_margin": "0.25" } }
/// }"#).unwrap();
/// config.validate()?;
/// let analyzer = config.analyzer()?;
/// # let _ = analyzer;
/// // A config round-trips.
/// let again: Config = serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
/// assert_eq!(again, config);
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
// The derived functions are inherent (`remote = "Self"`), so that the trait impls below can
// track the field path of an error.
#[serde(remote = "Self")]
pub struct Config {
    /// The cost model: rates, shares, amortization.
    pub cost_model: CostModelConfig,
    /// The ideal customer profile, the segmentation lines and the retention models.
    pub assessment: AssessmentConfig,
    /// The weighted scorecard: weights, scales, grades.
    pub scorecard: ScorecardConfig,
    /// The default policy: signals, review intervals, levers, exit plans.
    pub policy: PolicyConfig,
    /// Portfolio analysis.
    pub portfolio: PortfolioConfig,
}

impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        Config::serialize(self, s)
    }
}

/// A wire error names the full path of the field: "configuration field
/// `cost_model.rates.support`: ...".
impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let track = wire_path::Track::default();
        Config::deserialize(wire_path::tracked(d, &track)).map_err(|e| {
            let (path, message) =
                wire_path::locate(&track.failed_at().unwrap_or_default(), &e.to_string());
            if path.is_empty() {
                e
            } else {
                serde::de::Error::custom(format_args!("configuration field `{path}`: {message}"))
            }
        })
    }
}

/// Prefix the field of a configuration error with its section.
fn within(section: &str, e: Error) -> Error {
    match e {
        Error::InvalidConfig { field, problem } => Error::InvalidConfig {
            field: format!("{section}.{field}"),
            problem,
        },
        other => other,
    }
}

impl Config {
    /// Check every section.
    ///
    /// # Errors
    ///
    /// The first [`Error::InvalidConfig`], its field prefixed with the section.
    pub fn validate(&self) -> Result<()> {
        self.analyzer().map(|_| ())
    }

    /// The cost model.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] in `cost_model`.
    pub fn cost_model(&self) -> Result<CostModel> {
        CostModel::new(self.cost_model.clone()).map_err(|e| within("cost_model", e))
    }

    /// The assessor with the configured scorecard.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] in `cost_model`, `assessment` or `scorecard`.
    pub fn assessor(&self) -> Result<Assessor<WeightedScorecard>> {
        self.assessor_with(self.cost_model()?)
    }

    fn assessor_with(&self, model: CostModel) -> Result<Assessor<WeightedScorecard>> {
        let scorecard =
            WeightedScorecard::new(self.scorecard.clone()).map_err(|e| within("scorecard", e))?;
        Ok(Assessor::new(model, self.assessment.clone())
            .map_err(|e| within("assessment", e))?
            .with_strategy(scorecard))
    }

    /// The default policy.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] in `cost_model` or `policy`.
    pub fn policy(&self) -> Result<DefaultPolicy> {
        DefaultPolicy::new(self.policy.clone(), self.cost_model()?).map_err(|e| within("policy", e))
    }

    /// The portfolio analyzer: assessor, policy and portfolio settings, the cost model built
    /// once.
    ///
    /// # Errors
    ///
    /// The first [`Error::InvalidConfig`] of any section.
    pub fn analyzer(&self) -> Result<PortfolioAnalyzer<WeightedScorecard, DefaultPolicy>> {
        let model = self.cost_model()?;
        let assessor = self.assessor_with(model.clone())?;
        let policy =
            DefaultPolicy::new(self.policy.clone(), model).map_err(|e| within("policy", e))?;
        PortfolioAnalyzer::new(assessor, policy, self.portfolio.clone())
            .map_err(|e| within("portfolio", e))
    }
}
