//! A "messy CRM" fixture: a seeded generator of customer records with the missing rates of a
//! real export — growth facts missing for about 60 %, behavior for 40 %, NPS for 70 % — plus
//! prospects, onboarding and churned customers.
//!
//! Records are plain data, so a test can forget one fact (make it unknown) or set it, and build
//! the customer again.

use chrono::{Months, NaiveDate};
use custfit::assessment::Input;
use custfit::customer::{BrandTier, Level, LifecycleStage, RequestScope, Severity};
use custfit::{Contract, Customer};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::d;

const INDUSTRIES: [&str; 5] = [
    "logistics",
    "retail",
    "manufacturing",
    "public-sector",
    "media",
];
const SEGMENTS: [&str; 3] = ["smb", "mid-market", "enterprise"];
const CHANNELS: [&str; 3] = ["inbound", "outbound", "partner"];

/// One generated record: every optional fact is an `Option`.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    pub stage: LifecycleStage,
    pub since: Option<NaiveDate>,
    pub industry: Option<&'static str>,
    pub segment: &'static str,
    pub channel: &'static str,
    /// Recurring revenue in whole currency units.
    pub recurring: i64,
    pub tickets: u32,
    /// Support handling hours, in tenths.
    pub ticket_hours: i64,
    /// Engineering, success and executive hours, in tenths.
    pub engineering: i64,
    pub success: i64,
    pub executive: i64,
    pub custom_features: u8,
    pub contract: Option<(u32, bool)>,
    /// Expansion whitespace in whole units.
    pub whitespace: Option<i64>,
    /// Likelihood of seizing it, in percent.
    pub likelihood: Option<i64>,
    /// Revenue growth last year, in percent.
    pub historical: Option<i64>,
    /// Shares in percent.
    pub attendance: Option<i64>,
    pub adherence: Option<i64>,
    pub responsiveness: Option<i64>,
    pub outcomes: Option<i64>,
    pub content: Option<i64>,
    pub goal_changes: Option<u32>,
    pub renewal_intent: Option<i64>,
    pub nps: Option<i16>,
    pub referenceable: Option<bool>,
    pub case_study: Option<bool>,
    /// 0 local .. 3 global.
    pub brand: Option<u8>,
    /// 0 low .. 2 high.
    pub positioning: Option<u8>,
    pub feedback: Option<u8>,
    pub broad_requests: u8,
    pub custom_requests: u8,
    /// Days after 2024-01-01 of the last expectation reset.
    pub reset: Option<u32>,
}

/// The facts a record may lack, as the inputs they feed.
pub const OPTIONAL_FACTS: [Input; 16] = Input::OPTIONAL_FACTS;

fn maybe<T>(
    rng: &mut ChaCha8Rng,
    missing: f64,
    value: impl FnOnce(&mut ChaCha8Rng) -> T,
) -> Option<T> {
    if rng.gen_bool(missing) {
        None
    } else {
        Some(value(rng))
    }
}

/// `n` records from `seed`.
pub fn generate(seed: u64, n: usize) -> Vec<Record> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|i| record(&mut rng, i)).collect()
}

/// One record from `seed`.
pub fn one(seed: u64) -> Record {
    record(&mut ChaCha8Rng::seed_from_u64(seed), 0)
}

fn record(rng: &mut ChaCha8Rng, i: usize) -> Record {
    let stage = match rng.gen_range(0..100) {
        0..=4 => LifecycleStage::Prospect,
        5..=14 => LifecycleStage::Onboarding,
        15..=24 => LifecycleStage::Churned,
        _ => LifecycleStage::Active,
    };
    let months_ago = match stage {
        LifecycleStage::Onboarding => rng.gen_range(0..10),
        _ => rng.gen_range(0..96),
    };
    let since =
        (stage != LifecycleStage::Prospect).then(|| d(2025, 12, 31) - Months::new(months_ago));
    let recurring = rng.gen_range(5_000..300_000);
    let tickets = rng.gen_range(0..150);
    let growth_known = !rng.gen_bool(0.6);
    let behavior_known = !rng.gen_bool(0.4);
    let share = |rng: &mut ChaCha8Rng| rng.gen_range(0..=100);
    let b = |rng: &mut ChaCha8Rng| {
        if behavior_known {
            maybe(rng, 0.2, share)
        } else {
            None
        }
    };
    Record {
        id: format!("M-{i:05}"),
        stage,
        since,
        industry: maybe(rng, 0.15, |r| INDUSTRIES[r.gen_range(0..INDUSTRIES.len())]),
        segment: SEGMENTS[rng.gen_range(0..SEGMENTS.len())],
        channel: CHANNELS[rng.gen_range(0..CHANNELS.len())],
        recurring,
        tickets,
        ticket_hours: if tickets > 0 {
            rng.gen_range(1..=i64::from(tickets) * 40)
        } else {
            0
        },
        engineering: rng.gen_range(0..12_000),
        success: rng.gen_range(0..3_000),
        executive: rng.gen_range(0..300),
        custom_features: rng.gen_range(0..3),
        contract: maybe(rng, 0.3, |r| (r.gen_range(0..=90), r.gen_bool(0.7))),
        whitespace: if growth_known {
            maybe(rng, 0.1, |r| r.gen_range(0..=recurring))
        } else {
            None
        },
        likelihood: if growth_known {
            maybe(rng, 0.3, share)
        } else {
            None
        },
        historical: if growth_known {
            maybe(rng, 0.5, |r| r.gen_range(-50..=80))
        } else {
            None
        },
        attendance: b(rng),
        adherence: b(rng),
        responsiveness: b(rng),
        outcomes: b(rng),
        content: b(rng),
        goal_changes: if behavior_known {
            maybe(rng, 0.2, |r| r.gen_range(0..6))
        } else {
            None
        },
        renewal_intent: maybe(rng, 0.6, share),
        nps: maybe(rng, 0.7, |r| r.gen_range(-100..=100)),
        referenceable: maybe(rng, 0.5, |r| r.gen_bool(0.3)),
        case_study: maybe(rng, 0.5, |r| r.gen_bool(0.2)),
        brand: maybe(rng, 0.5, |r| r.gen_range(0..4)),
        positioning: maybe(rng, 0.5, |r| r.gen_range(0..3)),
        feedback: maybe(rng, 0.5, |r| r.gen_range(0..3)),
        broad_requests: rng.gen_range(0..3),
        custom_requests: rng.gen_range(0..3),
        reset: maybe(rng, 0.9, |r| r.gen_range(0..700)),
    }
}

impl Record {
    /// The optional facts this record has.
    pub fn known_facts(&self) -> Vec<Input> {
        OPTIONAL_FACTS
            .into_iter()
            .filter(|f| self.knows(*f))
            .collect()
    }

    /// Whether the record has `fact`.
    pub fn knows(&self, fact: Input) -> bool {
        match fact {
            Input::ExpectedGrowth => self.whitespace.is_some(),
            Input::Likelihood => self.likelihood.is_some(),
            Input::HistoricalGrowth => self.historical.is_some(),
            Input::MeetingAttendance => self.attendance.is_some(),
            Input::PlanAdherence => self.adherence.is_some(),
            Input::GoalChanges => self.goal_changes.is_some(),
            Input::Responsiveness => self.responsiveness.is_some(),
            Input::OutcomesAchieved => self.outcomes.is_some(),
            Input::ContentConsumed => self.content.is_some(),
            Input::RenewalIntent => self.renewal_intent.is_some(),
            Input::Nps => self.nps.is_some(),
            Input::Referenceable => self.referenceable.is_some(),
            Input::CaseStudy => self.case_study.is_some(),
            Input::BrandTier => self.brand.is_some(),
            Input::StrategicPositioning => self.positioning.is_some(),
            Input::FeedbackQuality => self.feedback.is_some(),
            other => panic!("{other:?} is not an optional fact"),
        }
    }

    /// Forget `fact`: it becomes unknown.
    pub fn forget(&mut self, fact: Input) {
        match fact {
            Input::ExpectedGrowth => self.whitespace = None,
            Input::Likelihood => self.likelihood = None,
            Input::HistoricalGrowth => self.historical = None,
            Input::MeetingAttendance => self.attendance = None,
            Input::PlanAdherence => self.adherence = None,
            Input::GoalChanges => self.goal_changes = None,
            Input::Responsiveness => self.responsiveness = None,
            Input::OutcomesAchieved => self.outcomes = None,
            Input::ContentConsumed => self.content = None,
            Input::RenewalIntent => self.renewal_intent = None,
            Input::Nps => self.nps = None,
            Input::Referenceable => self.referenceable = None,
            Input::CaseStudy => self.case_study = None,
            Input::BrandTier => self.brand = None,
            Input::StrategicPositioning => self.positioning = None,
            Input::FeedbackQuality => self.feedback = None,
            other => panic!("{other:?} is not an optional fact"),
        }
    }

    /// Set `fact` to `value` as [`custfit::policy::ToCollect`] states it (shares as ratios, NPS from
    /// -100 to 100, counts, levels 0..1; whitespace as a share of annual revenue — the period is
    /// one year — with the likelihood set to certain when it was unknown and the whitespace
    /// is positive, as `what_to_collect` does).
    pub fn set(&mut self, fact: Input, value: f64) {
        let pct = (value * 100.0).round() as i64;
        let high = value > 0.0;
        match fact {
            Input::ExpectedGrowth => {
                self.whitespace = Some((value * self.recurring as f64).round() as i64);
                if high && self.likelihood.is_none() {
                    self.likelihood = Some(100);
                }
            }
            Input::Likelihood => self.likelihood = Some(pct),
            Input::HistoricalGrowth => self.historical = Some(pct),
            Input::MeetingAttendance => self.attendance = Some(pct),
            Input::PlanAdherence => self.adherence = Some(pct),
            Input::GoalChanges => self.goal_changes = Some(value as u32),
            Input::Responsiveness => self.responsiveness = Some(pct),
            Input::OutcomesAchieved => self.outcomes = Some(pct),
            Input::ContentConsumed => self.content = Some(pct),
            Input::RenewalIntent => self.renewal_intent = Some(pct),
            Input::Nps => self.nps = Some(value as i16),
            Input::Referenceable => self.referenceable = Some(high),
            Input::CaseStudy => self.case_study = Some(high),
            Input::BrandTier => self.brand = Some((value * 3.0).round() as u8),
            Input::StrategicPositioning => self.positioning = Some((value * 2.0).round() as u8),
            Input::FeedbackQuality => self.feedback = Some((value * 2.0).round() as u8),
            other => panic!("{other:?} is not an optional fact"),
        }
    }

    /// The customer.
    pub fn build(&self) -> Customer {
        let pct = |v: i64| Decimal::new(v, 2);
        let tenths = |v: i64| Decimal::new(v, 1);
        let mut b = Customer::builder(self.id.as_str(), format!("Customer {}", self.id))
            .currency("USD")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .stage(self.stage)
            .segment(self.segment)
            .acquisition_channel(self.channel)
            .use_case("fleet-tracking")
            .recurring_revenue(Decimal::from(self.recurring))
            .engineering_hours(tenths(self.engineering))
            .success_hours(tenths(self.success))
            .executive_hours(tenths(self.executive));
        if self.tickets > 0 {
            b = b.tickets(
                Severity::Normal,
                self.tickets,
                Some(tenths(self.ticket_hours)),
            );
        }
        if let Some(since) = self.since {
            b = b.customer_since(since);
        }
        if let Some(industry) = self.industry {
            b = b.industry(industry);
        }
        for i in 0..self.custom_features {
            b = b.custom_feature(format!("feature {i}"));
        }
        if let Some((notice, auto)) = self.contract {
            b = b.contract(
                Contract::builder(d(2025, 7, 1), d(2026, 6, 30))
                    .auto_renews(auto)
                    .renewal_notice_days(notice),
            );
        }
        if let Some(w) = self.whitespace {
            b = b.expansion_whitespace(Decimal::from(w));
        }
        if let Some(l) = self.likelihood {
            b = b.growth_likelihood(l as f64 / 100.0);
        }
        if let Some(h) = self.historical {
            b = b.historical_growth(pct(h));
        }
        if let Some(v) = self.attendance {
            b = b.meeting_attendance(pct(v));
        }
        if let Some(v) = self.adherence {
            b = b.plan_adherence(pct(v));
        }
        if let Some(v) = self.responsiveness {
            b = b.responsiveness(pct(v));
        }
        if let Some(v) = self.outcomes {
            b = b.outcomes_achieved(pct(v));
        }
        if let Some(v) = self.content {
            b = b.content_consumed(pct(v));
        }
        if let Some(v) = self.goal_changes {
            b = b.goal_changes(v);
        }
        if let Some(v) = self.renewal_intent {
            b = b.renewal_intent(v as f64 / 100.0);
        }
        if let Some(v) = self.nps {
            b = b.nps(v);
        }
        if let Some(v) = self.referenceable {
            b = b.referenceable(v);
        }
        if let Some(v) = self.case_study {
            b = b.case_study(v);
        }
        if let Some(v) = self.brand {
            b = b.brand_tier(
                [
                    BrandTier::Local,
                    BrandTier::Regional,
                    BrandTier::National,
                    BrandTier::Global,
                ][usize::from(v.min(3))],
            );
        }
        let level = |v: u8| [Level::Low, Level::Medium, Level::High][usize::from(v.min(2))];
        if let Some(v) = self.positioning {
            b = b.strategic_positioning(level(v));
        }
        if let Some(v) = self.feedback {
            b = b.feedback_quality(level(v));
        }
        for i in 0..self.broad_requests {
            b = b.feature_request(format!("broad {i}"), RequestScope::Broad);
        }
        for i in 0..self.custom_requests {
            b = b.feature_request(format!("custom {i}"), RequestScope::Custom);
        }
        if let Some(days) = self.reset {
            b = b.last_expectation_reset(d(2024, 1, 1) + chrono::Days::new(u64::from(days)));
        }
        b.build().expect("generated records are valid")
    }
}
