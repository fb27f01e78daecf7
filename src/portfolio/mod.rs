//! Portfolio analysis (seed 001 "Strategic Customer Portfolio Management"; seed 002's systemic
//! warning), in the two phases of DESIGN.md:
//!
//! 1. each customer is priced and summarized into a mergeable [`PortfolioSummary`];
//! 2. summaries merge into [`PortfolioFacts`] — the typical customer's resource use (the
//!    portfolio median, or the configured benchmark), the systemic signal, account-group
//!    totals — and every customer is assessed and recommended with those facts into a mergeable
//!    [`PortfolioReport`] of aggregates and one compact row per customer.
//!
//! Shards (threads, processes, a distributed engine) run phase 1 apart, merge, compute the
//! facts once, run phase 2 apart and merge: the report equals that of one run, whatever the
//! split and the order. Full assessments go to a caller's sink as they are made, not held.

use serde::{Deserialize, Serialize};

use crate::error::{check_range, Error, Result};

mod analytics;
mod analyzer;
mod merge;
mod report;
mod running;
mod runs;
mod shards;
mod summary;

pub use analytics::{Analytics, Concentration, WhaleCurve};
pub use analyzer::{PortfolioAnalyzer, Sink};
pub use report::{
    CustomerRow, GroupRollup, LetGoSplit, PlanEffect, PortfolioReport, Tally, ToConfirm,
};
pub use summary::{PortfolioFacts, PortfolioSummary, SystemicSignal};

/// Portfolio settings; plain serde data with documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct PortfolioConfig {
    /// Measure resource intensity against the portfolio's median customer rather than the
    /// configured benchmark (default true).
    pub use_portfolio_median: bool,
    /// Share of customers above which heavy help despite consumed content is a systemic signal
    /// (default 0.10).
    pub systemic_share_threshold: f64,
    /// Service cost over revenue, relative to the typical customer, from which a customer needs
    /// heavy help (default 1.5).
    pub heavy_help_factor: f64,
    /// Share of recommended content consumed from which a customer "consumes the content"
    /// (default 0.7).
    pub content_consumed_min: f64,
    /// How a run over a source reaches phase 2: by keeping the customers read in phase 1
    /// (the default), or by reading the source again.
    pub between_phases: BetweenPhases,
}

/// How [`PortfolioAnalyzer::analyze`] and [`PortfolioAnalyzer::analyze_shards`] give phase 2
/// the customers phase 1 read. Runs over customers already in memory
/// ([`analyze_slice`](PortfolioAnalyzer::analyze_slice),
/// [`analyze_records`](PortfolioAnalyzer::analyze_records)) read them where they are. The
/// report is the same either way (property-tested).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BetweenPhases {
    /// Each shard is read once: phase 1 keeps every customer it read in a compact form
    /// (about 150 bytes, against about 1.6 KB built) and phase 2 assesses them from there,
    /// freeing them as it goes. Neither parsing nor validation runs twice, and a source that
    /// changes meanwhile cannot make the phases disagree.
    #[default]
    Keep,
    /// Each shard is opened again for phase 2, and the run stops with
    /// [`Error::SourceChanged`] when it gave other records: memory holds the report alone,
    /// for a base larger than memory; reading and validating run twice.
    ReadAgain,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig {
            use_portfolio_median: true,
            systemic_share_threshold: 0.10,
            heavy_help_factor: 1.5,
            content_consumed_min: 0.7,
            between_phases: BetweenPhases::Keep,
        }
    }
}

impl PortfolioConfig {
    fn validate(&self) -> Result<()> {
        let check = |field: &str, v: f64, lo: f64, hi: f64| {
            check_range(&format!("portfolio.{field}"), v, lo, hi)
        };
        check(
            "systemic_share_threshold",
            self.systemic_share_threshold,
            0.0,
            1.0,
        )?;
        check("content_consumed_min", self.content_consumed_min, 0.0, 1.0)?;
        check("heavy_help_factor", self.heavy_help_factor, 0.0, f64::MAX)?;
        Ok(())
    }
}

/// A record the source could not deliver or that failed validation: reported, never dropped.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadRecord {
    /// The record's id, when known.
    pub record: Option<String>,
    /// Why it was refused.
    pub error: Error,
}

impl BadRecord {
    fn new(error: Error) -> Self {
        let record = match &error {
            Error::Source { record, .. } => record.clone(),
            other => other.customer().map(|c| c.to_string()),
        };
        BadRecord { record, error }
    }

    /// By record id, then by the error's text — written out only for two records with one id
    /// (or none), not on every comparison.
    fn order(&self, other: &BadRecord) -> std::cmp::Ordering {
        self.record
            .as_deref()
            .cmp(&other.record.as_deref())
            .then_with(|| self.error.to_string().cmp(&other.error.to_string()))
    }
}

pub(super) fn sort_bad(records: &mut [BadRecord]) {
    records.sort_by(BadRecord::order);
}

/// Where a long run is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Pricing and summarizing.
    Summarize,
    /// Assessing and recommending.
    Assess,
}

/// Hears about progress on long runs. Called every [`PROGRESS_EVERY`] records per shard.
pub trait Progress: Send + Sync {
    /// `done` more records of `phase` are finished.
    fn advanced(&self, phase: Phase, done: u64);
}

/// Records between two progress calls.
pub const PROGRESS_EVERY: u64 = 1_000;
