//! The ideal customer profile (seed 001 §1, seed 004 "perfect customer profile") and how well a
//! customer matches it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::customer::{Customer, Tag};

/// Who the company is built to serve: plain serde-able configuration.
///
/// Text comparisons ignore ASCII case. An empty list means "no preference" and is left out of
/// the match.
///
/// ```
/// use custfit::assessment::IdealCustomerProfile;
/// let icp = IdealCustomerProfile {
///     target_industries: vec!["logistics".into(), "retail".into()],
///     core_use_cases: vec!["fleet-tracking".into()],
///     ..IdealCustomerProfile::default()
/// };
/// assert!(icp.target_industries.iter().any(|i| i == "retail"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct IdealCustomerProfile {
    /// Industries the go-to-market strategy targets.
    pub target_industries: Vec<String>,
    /// Use cases that match the product's core strengths.
    pub core_use_cases: Vec<String>,
    /// Themes of the strategic roadmap.
    pub roadmap_themes: Vec<String>,
    /// Preferred segments (for example `mid-market`, `enterprise`).
    pub preferred_segments: Vec<String>,
    /// Preferred regions.
    pub preferred_regions: Vec<String>,
    /// Smallest customer, in employees, the product suits.
    pub min_employees: Option<u32>,
}

/// One criterion of the profile.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// In a target industry.
    Industry,
    /// At least one use case among the core use cases.
    UseCase,
    /// Would benefit from at least one roadmap theme.
    Roadmap,
    /// In a preferred segment.
    Segment,
    /// In a preferred region.
    Region,
    /// At least the minimum size.
    Size,
}

impl Criterion {
    /// Weight of the criterion in the match: the three questions of seed 001 §1 (industry, use
    /// case, roadmap) weigh twice as much as segment, region and size.
    pub fn weight(&self) -> f64 {
        match self {
            Criterion::Industry | Criterion::UseCase | Criterion::Roadmap => 2.0,
            Criterion::Segment | Criterion::Region | Criterion::Size => 1.0,
        }
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Criterion::Industry => "target industry",
            Criterion::UseCase => "core use case",
            Criterion::Roadmap => "benefits from the roadmap",
            Criterion::Segment => "preferred segment",
            Criterion::Region => "preferred region",
            Criterion::Size => "minimum size",
        })
    }
}

/// The outcome of one criterion: matched, not matched, or unknown (the customer lacks the fact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionMatch {
    /// The criterion.
    pub criterion: Criterion,
    /// `Some(true)` matched, `Some(false)` not, `None` when the customer's fact is missing.
    pub matched: Option<bool>,
}

/// How well a customer matches the profile, criterion by criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileMatch {
    /// Every criterion the profile states a preference for.
    pub criteria: Vec<CriterionMatch>,
}

impl ProfileMatch {
    /// Weighted share of the known criteria that match (0 to 1), or `None` when no criterion
    /// could be judged.
    pub fn share(&self) -> Option<f64> {
        let (mut matched, mut known) = (0.0, 0.0);
        for c in &self.criteria {
            if let Some(m) = c.matched {
                known += c.criterion.weight();
                if m {
                    matched += c.criterion.weight();
                }
            }
        }
        (known > 0.0).then(|| matched / known)
    }

    /// The share if every criterion that could not be judged matched: the best the unknown
    /// data could make it (`None` without criteria).
    pub fn best_share(&self) -> Option<f64> {
        let (mut matched, mut total) = (0.0, 0.0);
        for c in &self.criteria {
            total += c.criterion.weight();
            if c.matched != Some(false) {
                matched += c.criterion.weight();
            }
        }
        (total > 0.0).then(|| matched / total)
    }

    /// Criteria that could not be judged for lack of data.
    pub fn unknown(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.criteria
            .iter()
            .filter(|c| c.matched.is_none())
            .map(|c| c.criterion)
    }

    /// Whether a criterion was judged and failed.
    pub fn fails(&self, criterion: Criterion) -> bool {
        self.criteria
            .iter()
            .any(|c| c.criterion == criterion && c.matched == Some(false))
    }
}

fn contains(list: &[String], value: &str) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(value))
}

fn any_in(list: &[String], values: &[Tag]) -> Option<bool> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().any(|v| contains(list, v)))
    }
}

impl IdealCustomerProfile {
    /// Match `customer` against every criterion the profile states.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::Customer;
    /// use custfit::assessment::{Criterion, IdealCustomerProfile};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let icp = IdealCustomerProfile {
    ///     target_industries: vec!["logistics".into()],
    ///     core_use_cases: vec!["fleet-tracking".into()],
    ///     ..Default::default()
    /// };
    /// let c = Customer::builder("c", "C").currency("EUR")
    ///     .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2024, 1, 1))
    ///     .industry("Logistics").use_case("event-ticketing").build()?;
    /// let m = icp.match_customer(&c);
    /// assert_eq!(m.share(), Some(0.5));
    /// assert!(m.fails(Criterion::UseCase));
    /// # Ok::<(), custfit::Error>(())
    /// ```
    pub fn match_customer(&self, customer: &Customer) -> ProfileMatch {
        let mut criteria = Vec::with_capacity(6);
        let mut push = |criterion, matched| criteria.push(CriterionMatch { criterion, matched });
        if !self.target_industries.is_empty() {
            push(
                Criterion::Industry,
                customer
                    .industry()
                    .map(|i| contains(&self.target_industries, i)),
            );
        }
        if !self.core_use_cases.is_empty() {
            push(
                Criterion::UseCase,
                any_in(&self.core_use_cases, customer.use_cases()),
            );
        }
        if !self.roadmap_themes.is_empty() {
            push(
                Criterion::Roadmap,
                any_in(&self.roadmap_themes, customer.roadmap_interests()),
            );
        }
        if !self.preferred_segments.is_empty() {
            push(
                Criterion::Segment,
                customer
                    .segment()
                    .map(|s| contains(&self.preferred_segments, s)),
            );
        }
        if !self.preferred_regions.is_empty() {
            push(
                Criterion::Region,
                customer
                    .region()
                    .map(|r| contains(&self.preferred_regions, r)),
            );
        }
        if let Some(min) = self.min_employees {
            push(Criterion::Size, customer.employees().map(|e| e >= min));
        }
        ProfileMatch { criteria }
    }
}
