//! The measured inputs of a fit assessment: one number per fact, `None` when the data lacks it.
//!
//! Inputs are measured once per customer (no allocation) and are what scoring strategies,
//! explanations and "why it changed" diffs refer to.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::customer::LifecycleStage;

/// A dimension of fit, from the articles.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Alignment with the ideal customer profile (seed 001 §1, seed 004).
    StrategicAlignment,
    /// Margin after all costs (seed 001 §2).
    Margin,
    /// Resource intensity and opportunity cost (seed 001 §3, seed 000); light scores high.
    ResourceIntensity,
    /// Logo value: reference, brand, positioning, feedback (seed 001 §4).
    LogoValue,
    /// Growth potential: whitespace times the likelihood of seizing it (seed 002).
    GrowthPotential,
    /// Behavior and success (seed 002).
    BehaviorSuccess,
    /// Product influence: broad requests raise it, one-off demands lower it (seeds 000, 001, 004).
    ProductInfluence,
    /// Mutual value: outcomes realized and acknowledged (seed 003).
    MutualValue,
}

impl Dimension {
    /// Every dimension, in report order.
    pub const ALL: [Dimension; 8] = [
        Dimension::StrategicAlignment,
        Dimension::Margin,
        Dimension::ResourceIntensity,
        Dimension::LogoValue,
        Dimension::GrowthPotential,
        Dimension::BehaviorSuccess,
        Dimension::ProductInfluence,
        Dimension::MutualValue,
    ];

    /// Position in [`Dimension::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The inputs this dimension is computed from.
    pub fn inputs(self) -> &'static [Input] {
        match self {
            Dimension::StrategicAlignment => &[Input::ProfileMatch],
            Dimension::Margin => &[Input::Margin],
            Dimension::ResourceIntensity => &[Input::RelativeIntensity],
            Dimension::LogoValue => &[
                Input::Referenceable,
                Input::CaseStudy,
                Input::BrandTier,
                Input::StrategicPositioning,
                Input::FeedbackQuality,
            ],
            Dimension::GrowthPotential => &[
                Input::ExpectedGrowth,
                Input::Likelihood,
                Input::HistoricalGrowth,
                Input::LifetimeValue,
            ],
            Dimension::BehaviorSuccess => &[
                Input::MeetingAttendance,
                Input::PlanAdherence,
                Input::GoalChanges,
                Input::Responsiveness,
                Input::OutcomesAchieved,
                Input::ContentConsumed,
            ],
            Dimension::ProductInfluence => &[Input::BroadRequests, Input::CustomDemands],
            Dimension::MutualValue => &[Input::OutcomesAchieved, Input::RenewalIntent, Input::Nps],
        }
    }

    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::StrategicAlignment => "strategic_alignment",
            Dimension::Margin => "margin",
            Dimension::ResourceIntensity => "resource_intensity",
            Dimension::LogoValue => "logo_value",
            Dimension::GrowthPotential => "growth_potential",
            Dimension::BehaviorSuccess => "behavior_success",
            Dimension::ProductInfluence => "product_influence",
            Dimension::MutualValue => "mutual_value",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dimension::StrategicAlignment => "strategic alignment",
            Dimension::Margin => "margin",
            Dimension::ResourceIntensity => "resource intensity",
            Dimension::LogoValue => "logo value",
            Dimension::GrowthPotential => "growth potential",
            Dimension::BehaviorSuccess => "behavior and success",
            Dimension::ProductInfluence => "product influence",
            Dimension::MutualValue => "mutual value",
        })
    }
}

/// One value per [`Dimension`]. Non-exhaustive like [`Dimension`]: build one with
/// [`PerDimension::from_fn`] or from [`Default`] and set its fields.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerDimension<T> {
    /// Strategic alignment.
    pub strategic_alignment: T,
    /// Margin.
    pub margin: T,
    /// Resource intensity.
    pub resource_intensity: T,
    /// Logo value.
    pub logo_value: T,
    /// Growth potential.
    pub growth_potential: T,
    /// Behavior and success.
    pub behavior_success: T,
    /// Product influence.
    pub product_influence: T,
    /// Mutual value.
    pub mutual_value: T,
}

impl<T> PerDimension<T> {
    /// Build from a function of the dimension.
    pub fn from_fn(mut f: impl FnMut(Dimension) -> T) -> Self {
        PerDimension {
            strategic_alignment: f(Dimension::StrategicAlignment),
            margin: f(Dimension::Margin),
            resource_intensity: f(Dimension::ResourceIntensity),
            logo_value: f(Dimension::LogoValue),
            growth_potential: f(Dimension::GrowthPotential),
            behavior_success: f(Dimension::BehaviorSuccess),
            product_influence: f(Dimension::ProductInfluence),
            mutual_value: f(Dimension::MutualValue),
        }
    }

    /// The value for `dimension`.
    pub fn get(&self, dimension: Dimension) -> &T {
        match dimension {
            Dimension::StrategicAlignment => &self.strategic_alignment,
            Dimension::Margin => &self.margin,
            Dimension::ResourceIntensity => &self.resource_intensity,
            Dimension::LogoValue => &self.logo_value,
            Dimension::GrowthPotential => &self.growth_potential,
            Dimension::BehaviorSuccess => &self.behavior_success,
            Dimension::ProductInfluence => &self.product_influence,
            Dimension::MutualValue => &self.mutual_value,
        }
    }

    /// The value for `dimension`, mutably.
    pub fn get_mut(&mut self, dimension: Dimension) -> &mut T {
        match dimension {
            Dimension::StrategicAlignment => &mut self.strategic_alignment,
            Dimension::Margin => &mut self.margin,
            Dimension::ResourceIntensity => &mut self.resource_intensity,
            Dimension::LogoValue => &mut self.logo_value,
            Dimension::GrowthPotential => &mut self.growth_potential,
            Dimension::BehaviorSuccess => &mut self.behavior_success,
            Dimension::ProductInfluence => &mut self.product_influence,
            Dimension::MutualValue => &mut self.mutual_value,
        }
    }

    /// `(dimension, value)` pairs in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Dimension, &T)> {
        Dimension::ALL.into_iter().map(move |d| (d, self.get(d)))
    }
}

/// A measured input.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// Weighted share of the profile's criteria matched (0 to 1).
    ProfileMatch,
    /// Margin after all costs, as a ratio.
    Margin,
    /// Service hours per unit of revenue, relative to the typical customer (1 = typical).
    RelativeIntensity,
    /// Referenceable (1 yes, 0 no).
    Referenceable,
    /// Case study agreed (1 yes, 0 no).
    CaseStudy,
    /// Brand tier (0 local, 1/3 regional, 2/3 national, 1 global).
    BrandTier,
    /// Strategic positioning (0 low, 0.5 medium, 1 high).
    StrategicPositioning,
    /// Feedback quality (0 low, 0.5 medium, 1 high).
    FeedbackQuality,
    /// Whitespace times likelihood over annual revenue (0.25 = a quarter more revenue expected).
    ExpectedGrowth,
    /// Likelihood of seizing the whitespace (given, or judged from behavior).
    Likelihood,
    /// Revenue growth over the last year, as a ratio (0.2 = +20 %).
    HistoricalGrowth,
    /// Share of meetings attended.
    MeetingAttendance,
    /// Share of the success plan carried out.
    PlanAdherence,
    /// Goal changes over the period.
    GoalChanges,
    /// Share of requests answered in time.
    Responsiveness,
    /// Share of goals achieved.
    OutcomesAchieved,
    /// Share of recommended content consumed.
    ContentConsumed,
    /// Stated intent to renew.
    RenewalIntent,
    /// Net Promoter Score.
    Nps,
    /// Feature requests that benefit many customers.
    BroadRequests,
    /// One-off demands: custom requests plus custom features kept alive.
    CustomDemands,
    /// Lifetime value over annual revenue (years of revenue), when a retention model is given.
    LifetimeValue,
}

impl Input {
    /// Every input.
    pub const ALL: [Input; 22] = [
        Input::ProfileMatch,
        Input::Margin,
        Input::RelativeIntensity,
        Input::Referenceable,
        Input::CaseStudy,
        Input::BrandTier,
        Input::StrategicPositioning,
        Input::FeedbackQuality,
        Input::ExpectedGrowth,
        Input::Likelihood,
        Input::HistoricalGrowth,
        Input::MeetingAttendance,
        Input::PlanAdherence,
        Input::GoalChanges,
        Input::Responsiveness,
        Input::OutcomesAchieved,
        Input::ContentConsumed,
        Input::RenewalIntent,
        Input::Nps,
        Input::BroadRequests,
        Input::CustomDemands,
        Input::LifetimeValue,
    ];
}

impl Input {
    /// The inputs measured from optional facts of the customer record — growth, behavior,
    /// what the customer says, logo value — which a record may lack, and which
    /// [`what_to_collect`](crate::what_to_collect) can ask for. In the order it lists them at
    /// equal weight.
    pub const OPTIONAL_FACTS: [Input; 16] = [
        Input::ExpectedGrowth,
        Input::Likelihood,
        Input::HistoricalGrowth,
        Input::MeetingAttendance,
        Input::PlanAdherence,
        Input::GoalChanges,
        Input::Responsiveness,
        Input::OutcomesAchieved,
        Input::ContentConsumed,
        Input::RenewalIntent,
        Input::Nps,
        Input::Referenceable,
        Input::CaseStudy,
        Input::BrandTier,
        Input::StrategicPositioning,
        Input::FeedbackQuality,
    ];

    /// A value of this input for people, in its unit: shares as percentages, counts and NPS
    /// as whole numbers, yes/no and levels as words.
    ///
    /// ```
    /// use custfit::assessment::Input;
    /// assert_eq!(Input::PlanAdherence.show(0.7), "70%");
    /// assert_eq!(Input::Nps.show(-20.0), "-20");
    /// assert_eq!(Input::Referenceable.show(1.0), "yes");
    /// ```
    pub fn show(self, v: f64) -> String {
        let level = |v: f64, names: &[&str]| {
            let last = names.len() - 1;
            let i = (v * last as f64).round().clamp(0.0, last as f64) as usize;
            names[i].to_owned()
        };
        match self {
            Input::GoalChanges | Input::BroadRequests | Input::CustomDemands | Input::Nps => {
                format!("{v:.0}")
            }
            Input::RelativeIntensity => format!("{v:.2}x"),
            Input::LifetimeValue => format!("{v:.1} years of revenue"),
            Input::Referenceable | Input::CaseStudy => level(v, &["no", "yes"]),
            Input::BrandTier => level(v, &["local", "regional", "national", "global"]),
            Input::StrategicPositioning | Input::FeedbackQuality => {
                level(v, &["low", "medium", "high"])
            }
            _ => format!("{:.0}%", v * 100.0),
        }
    }

    /// Whether the input can be known at `stage`. A prospect has no outcomes, success plan or
    /// recommended content with us yet: those are not unknown for it but not applicable. They
    /// are not measured for a prospect even when the record carries them (a record from
    /// before it signed describes something else), never assumed at their best, and never
    /// listed to collect.
    ///
    /// ```
    /// use custfit::assessment::Input;
    /// use custfit::customer::LifecycleStage;
    /// assert!(!Input::OutcomesAchieved.applies_to(LifecycleStage::Prospect));
    /// assert!(Input::RenewalIntent.applies_to(LifecycleStage::Prospect));
    /// ```
    pub fn applies_to(self, stage: LifecycleStage) -> bool {
        stage != LifecycleStage::Prospect
            || !matches!(
                self,
                Input::PlanAdherence | Input::OutcomesAchieved | Input::ContentConsumed
            )
    }

    /// What to record to know this input, for a "what to collect" line.
    pub fn collect_label(self) -> &'static str {
        match self {
            Input::ExpectedGrowth => "growth whitespace",
            Input::Likelihood => "likelihood of seizing the growth whitespace",
            Input::HistoricalGrowth => "revenue growth over the last year",
            Input::Nps => "NPS",
            Input::RenewalIntent => "renewal intent",
            Input::MeetingAttendance => "meeting attendance",
            Input::PlanAdherence => "plan adherence",
            Input::GoalChanges => "goal changes",
            Input::Responsiveness => "responsiveness",
            Input::OutcomesAchieved => "outcomes achieved",
            Input::ContentConsumed => "recommended content consumed",
            Input::Referenceable => "whether it is referenceable",
            Input::CaseStudy => "whether it agrees to a case study",
            Input::BrandTier => "brand tier",
            Input::StrategicPositioning => "strategic positioning",
            Input::FeedbackQuality => "feedback quality",
            other => other.label(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Input::ProfileMatch => "profile match",
            Input::Margin => "margin",
            Input::RelativeIntensity => "hours per revenue vs typical",
            Input::Referenceable => "referenceable",
            Input::CaseStudy => "case study",
            Input::BrandTier => "brand tier",
            Input::StrategicPositioning => "strategic positioning",
            Input::FeedbackQuality => "feedback quality",
            Input::ExpectedGrowth => "expected growth",
            Input::Likelihood => "likelihood of growth",
            Input::HistoricalGrowth => "revenue growth last year",
            Input::MeetingAttendance => "meeting attendance",
            Input::PlanAdherence => "plan adherence",
            Input::GoalChanges => "goal changes",
            Input::Responsiveness => "responsiveness",
            Input::OutcomesAchieved => "outcomes achieved",
            Input::ContentConsumed => "recommended content consumed",
            Input::RenewalIntent => "renewal intent",
            Input::Nps => "NPS",
            Input::BroadRequests => "broad requests",
            Input::CustomDemands => "custom demands",
            Input::LifetimeValue => "lifetime value in years of revenue",
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label())
    }
}

/// Every measured input of one customer; `None` where the data lacks it.
///
/// On the wire it is a map from input name to value, holding the known inputs only.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "BTreeMap<Input, f64>", into = "BTreeMap<Input, f64>")]
pub struct Inputs {
    values: [Option<f64>; Input::ALL.len()],
}

impl Inputs {
    /// The value of `input`.
    pub fn get(&self, input: Input) -> Option<f64> {
        self.values[input as usize]
    }

    /// Set the value of `input` (non-finite values are stored as missing).
    pub fn set(&mut self, input: Input, value: Option<f64>) {
        self.values[input as usize] = value.filter(|v| v.is_finite());
    }

    /// `(input, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (Input, Option<f64>)> + '_ {
        Input::ALL.into_iter().map(move |i| (i, self.get(i)))
    }
}

impl From<BTreeMap<Input, f64>> for Inputs {
    fn from(map: BTreeMap<Input, f64>) -> Self {
        let mut inputs = Inputs::default();
        for (input, value) in map {
            inputs.set(input, Some(value));
        }
        inputs
    }
}

impl From<Inputs> for BTreeMap<Input, f64> {
    fn from(inputs: Inputs) -> Self {
        inputs
            .iter()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect()
    }
}

/// A set of [`Input`]s (a bit set; no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "Vec<Input>", into = "Vec<Input>")]
pub struct InputSet(u32);

impl InputSet {
    /// Add an input.
    pub fn insert(&mut self, input: Input) {
        self.0 |= 1 << (input as u32);
    }
    /// Whether the set holds `input`.
    pub fn contains(&self, input: Input) -> bool {
        self.0 & (1 << (input as u32)) != 0
    }
    /// Number of inputs.
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    /// Whether every input of this set is in `other`.
    pub fn is_subset_of(&self, other: InputSet) -> bool {
        self.0 & !other.0 == 0
    }
    /// The inputs, in [`Input::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Input> + '_ {
        Input::ALL.into_iter().filter(move |i| self.contains(*i))
    }
}

impl std::ops::BitOr for InputSet {
    type Output = InputSet;
    /// The union of two sets.
    fn bitor(self, other: InputSet) -> InputSet {
        InputSet(self.0 | other.0)
    }
}

impl From<Vec<Input>> for InputSet {
    fn from(v: Vec<Input>) -> Self {
        let mut s = InputSet::default();
        for i in v {
            s.insert(i);
        }
        s
    }
}

impl From<InputSet> for Vec<Input> {
    fn from(s: InputSet) -> Self {
        s.iter().collect()
    }
}
