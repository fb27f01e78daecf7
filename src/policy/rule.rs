//! What a recommendation says and why: the action, the deciding rule, the reasons and the
//! signals for letting go.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assessment::inputs::InputSet;
use crate::assessment::{FitClass, Reason};

/// What to do with a customer. Ordered by harshness: invest < retain < restructure < offboard;
/// decline applies to prospects only and ranks with offboard; a look back applies to churned
/// customers only and is no action on the customer.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Invest: expand the relationship.
    Invest,
    /// Retain as is.
    Retain,
    /// Restructure: reprice, cut custom work, reset expectations.
    Restructure,
    /// Let go gracefully.
    Offboard,
    /// Do not sign this prospect.
    Decline,
    /// A churned customer: no action, a look back (was it a fit, is it worth winning back).
    LookBack,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 6] = [
        Action::Invest,
        Action::Retain,
        Action::Restructure,
        Action::Offboard,
        Action::Decline,
        Action::LookBack,
    ];

    /// The wire name, as serde writes it (`look_back`; [`Display`](std::fmt::Display) says
    /// "look back"): for a database column or a log field.
    ///
    /// ```
    /// use custfit::Action;
    /// assert_eq!(Action::LookBack.as_str(), "look_back");
    /// assert_eq!(Action::LookBack.to_string(), "look back");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Invest => "invest",
            Action::Retain => "retain",
            Action::Restructure => "restructure",
            Action::Offboard => "offboard",
            Action::Decline => "decline",
            Action::LookBack => "look_back",
        }
    }

    /// Harshness, 0 (invest, and a look back, which does nothing to the customer) to 3
    /// (offboard, decline).
    pub fn harshness(self) -> u8 {
        match self {
            Action::Invest | Action::LookBack => 0,
            Action::Retain => 1,
            Action::Restructure => 2,
            Action::Offboard | Action::Decline => 3,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Action::Invest => "invest",
            Action::Retain => "retain",
            Action::Restructure => "restructure",
            Action::Offboard => "offboard",
            Action::Decline => "decline",
            Action::LookBack => "look back",
        })
    }
}

/// The rule of the policy that decided.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Rule {
    /// A prospect that fits the profile and can grow (seed 004).
    ProspectFits,
    /// A prospect with mixed signals: proceed, and review.
    ProspectUncertain,
    /// A prospect with several disqualifying signals (seed 003 fired one before signing).
    ProspectDeclined {
        /// How many signals.
        signals: u8,
    },
    /// Demanding, but its requests make the product better: keep (seed 000).
    ProductShaper,
    /// A new customer with growth potential: give it time (seed 002).
    NewCustomerWithGrowth,
    /// A new or onboarding customer whose growth potential is unknown: give it time and
    /// collect the growth facts (seed 002).
    NewCustomerGrowthUnknown,
    /// A bad customer without an earlier reset: reset expectations once (seed 001).
    BadCustomerFirstReset,
    /// A bad customer whose behavior persisted in a period after the reset.
    BadCustomerAfterReset {
        /// The date of the reset.
        reset_on: NaiveDate,
    },
    /// A bad fit whose margin the levers can fix: restructure first (seed 001).
    BadFitFixable,
    /// A bad fit the levers cannot fix: let go, with help (seeds 001, 002).
    BadFitNotFixable,
    /// A let-go candidate (a dog, a bad customer after its reset) that the confirmed levers
    /// bring to break-even or better: restructure rather than let go (seed 001, "before
    /// proceeding with a breakup, explore whether the relationship can be salvaged").
    Salvageable,
    /// A let-go candidate that only the estimated expectation resets could bring to
    /// break-even: reset expectations first, and let go if that fails (seed 001: "sometimes,
    /// a reset is all that's needed").
    ResetFirst,
    /// Logo value justifies a low margin (seed 001 §4).
    LogoJustifiesMargin,
    /// Profitable with growth potential.
    Star,
    /// Profitable, little growth.
    CashCow,
    /// Not profitable, with growth potential: fix the margin.
    QuestionMark,
    /// Not profitable, little growth: a poor dog (seed 002).
    Dog,
    /// Profitable; growth potential unknown: keep, and collect the growth facts.
    ProfitableGrowthUnknown,
    /// Not profitable; growth potential unknown: fix the margin, and collect the growth facts
    /// before deciding more (never let go for the missing fact).
    UnprofitableGrowthUnknown,
    /// Letting go could still be changed by unknown facts (growth, logo value, a protection),
    /// and the policy is set to wait for them (`PolicyConfig::provisional` is
    /// [`ProvisionalLetGo::Restructure`](crate::policy::ProvisionalLetGo::Restructure)):
    /// restructure until they are known. Unknown behavior facts alone never make it wait.
    PendingFacts {
        /// The facts to collect.
        missing: InputSet,
    },
    /// Churned, and worth winning back: it was profitable or could grow, and not a misfit.
    WinBack,
    /// Churned, and not worth winning back: a misfit, or a loss-maker with little growth.
    NoWinBack,
    /// Churned; whether it is worth winning back cannot be told from the known facts.
    WinBackUnclear,
    /// Letting go would rest on too few signals: restructure instead.
    TooFewSignals {
        /// Signals found.
        signals: u8,
        /// Signals required.
        required: u8,
    },
    /// Part of a systemic product or onboarding problem: not let go for it (seed 002).
    SystemicProblem,
    /// A subsidiary whose group's figures are unknown: not let go without them.
    GroupImpactUnknown,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::ProspectFits => f.write_str("prospect fits the profile and can grow"),
            Rule::ProspectUncertain => f.write_str("prospect with mixed signals"),
            Rule::ProspectDeclined { signals } => {
                write!(f, "prospect shows {signals} disqualifying signals")
            }
            Rule::ProductShaper => f.write_str("product shaper: its requests help other customers"),
            Rule::NewCustomerWithGrowth => {
                f.write_str("new customer with growth potential: give it time")
            }
            Rule::NewCustomerGrowthUnknown => f.write_str(
                "new customer whose growth potential is unknown: give it time, collect growth facts",
            ),
            Rule::ProfitableGrowthUnknown => {
                f.write_str("profitable; growth potential unknown: keep, collect growth facts")
            }
            Rule::UnprofitableGrowthUnknown => f.write_str(
                "loses money; growth potential unknown: fix the margin, collect growth facts before deciding more",
            ),
            Rule::PendingFacts { missing } => {
                f.write_str("not let go while unknown facts could change the decision: collect ")?;
                for (i, input) in missing.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{input}")?;
                }
                Ok(())
            }
            Rule::WinBack => f.write_str("churned; worth winning back"),
            Rule::NoWinBack => f.write_str("churned; not worth winning back"),
            Rule::WinBackUnclear => {
                f.write_str("churned; whether to win it back cannot be told from the known facts")
            }
            Rule::BadCustomerFirstReset => {
                f.write_str("behavior disqualifies it; reset expectations once first")
            }
            Rule::BadCustomerAfterReset { reset_on } => write!(
                f,
                "behavior persisted after the expectation reset of {reset_on}"
            ),
            Rule::BadFitFixable => f.write_str("bad fit whose margin the levers can fix"),
            Rule::BadFitNotFixable => f.write_str("bad fit the levers cannot fix"),
            Rule::Salvageable => f.write_str(
                "the confirmed levers bring it to break-even or better: restructure rather than let go",
            ),
            Rule::ResetFirst => f.write_str(
                "only the estimated expectation resets could bring it to break-even: reset expectations first",
            ),
            Rule::LogoJustifiesMargin => f.write_str("logo value justifies the low margin"),
            Rule::Star => f.write_str("profitable with growth potential"),
            Rule::CashCow => f.write_str("profitable with little growth potential"),
            Rule::QuestionMark => f.write_str("growth potential, but the margin needs fixing"),
            Rule::Dog => f.write_str("loses money with little growth potential"),
            Rule::TooFewSignals { signals, required } => write!(
                f,
                "only {signals} of {required} required signals to let go: restructure instead"
            ),
            Rule::GroupImpactUnknown => {
                f.write_str("a subsidiary: not let go without knowing what it means for its group")
            }
            Rule::SystemicProblem => f.write_str(
                "part of a systemic product or onboarding problem: fix that, do not let go for it",
            ),
        }
    }
}

/// One reason behind a recommendation.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "because")]
pub enum Because {
    /// The rule that decided.
    Rule(Rule),
    /// A rule that would have decided, replaced by a milder one (a cap such as the
    /// product-shaper guardrail or too few signals).
    Overridden(Rule),
    /// Evidence from the assessment: a guardrail, a class signal or a dimension.
    Assessment(Reason),
    /// An independent signal for letting go or declining.
    LetGo(LetGoSignal),
    /// Why a new or onboarding customer is judged like any other (seed 002: new customers are
    /// judged on growth potential, and this one's is low).
    NoGrace(NoGrace),
    /// The let-go is provisional: these unknown facts could still change it (the
    /// recommendation's [`provisional`](crate::Recommendation::provisional) says by when to
    /// confirm them).
    Provisional {
        /// The facts to confirm.
        to_confirm: InputSet,
    },
    /// A reason of a user's own policy: its rule's name and what it found.
    Custom {
        /// The rule's name, for example `"payment arrears"`.
        rule: String,
        /// What it found, for example `"3 invoices overdue by 90 days"`.
        detail: String,
    },
}

/// An independent signal, from known facts, for letting a customer go or declining a
/// prospect. An offboarding or a decline lists at least two (DESIGN: never on one signal
/// alone); an unknown fact is never one.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "signal")]
pub enum LetGoSignal {
    /// The margin is below the profitability line.
    Unprofitable {
        /// The margin ratio (`None` without revenue).
        margin: Option<f64>,
        /// The profitability line.
        line: f64,
    },
    /// Growth potential is below the growth line: known to be, or — when whitespace or
    /// revenue growth is unknown — at best plausibly (an estimate, which makes a let-go that
    /// needs it provisional).
    LowGrowth {
        /// The growth-potential score (its best plausible value when it is not known).
        score: f64,
        /// The growth line.
        line: f64,
        /// Whether it holds only under the plausible ranges of the unknown facts.
        #[serde(default)]
        plausible: bool,
    },
    /// A bad customer or a bad fit.
    Misfit {
        /// The class.
        class: FitClass,
    },
    /// Mutual value is known and below the configured line: value does not flow both ways.
    OneWayValue {
        /// The mutual-value score.
        score: f64,
        /// The line.
        line: f64,
    },
    /// Strategic alignment is known and below the configured line.
    OutsideProfile {
        /// The strategic-alignment score.
        score: f64,
        /// The line.
        line: f64,
    },
    /// Product influence is known and below the configured line: one-off demands dominate.
    OneOffDemands {
        /// The product-influence score.
        score: f64,
        /// The line.
        line: f64,
    },
}

impl fmt::Display for LetGoSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LetGoSignal::Unprofitable { margin, line } => {
                match margin {
                    Some(m) => write!(f, "margin {:.1}%", m * 100.0)?,
                    None => f.write_str("no revenue")?,
                }
                write!(f, ", below the profitability line of {:.1}%", line * 100.0)
            }
            LetGoSignal::LowGrowth {
                score,
                line,
                plausible: false,
            } => write!(f, "growth potential score {score:.0}, below {line:.0}"),
            LetGoSignal::LowGrowth {
                score,
                line,
                plausible: true,
            } => write!(
                f,
                "growth potential score at most {score:.0} with plausible values of its unknown facts, below {line:.0}"
            ),
            LetGoSignal::Misfit { class } => write!(f, "a {class} customer"),
            LetGoSignal::OneWayValue { score, line } => write!(
                f,
                "mutual value score {score:.0}, below {line:.0}: value does not flow both ways"
            ),
            LetGoSignal::OutsideProfile { score, line } => write!(
                f,
                "strategic alignment score {score:.0}, below {line:.0}: outside the profile"
            ),
            LetGoSignal::OneOffDemands { score, line } => write!(
                f,
                "product influence score {score:.0}, below {line:.0}: one-off demands dominate"
            ),
        }
    }
}

impl fmt::Display for Because {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Because::Rule(r) => r.fmt(f),
            Because::Overridden(r) => write!(f, "instead of: {r}"),
            Because::Assessment(r) => r.fmt(f),
            Because::LetGo(s) => s.fmt(f),
            Because::NoGrace(n) => n.fmt(f),
            Because::Provisional { to_confirm } => {
                f.write_str("provisional: unknown facts could still change it: ")?;
                for (i, input) in to_confirm.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{input}")?;
                }
                Ok(())
            }
            Because::Custom { rule, detail } if detail.is_empty() => f.write_str(rule),
            Because::Custom { rule, detail } => write!(f, "{rule}: {detail}"),
        }
    }
}

/// Why the new-customer grace does not apply (seed 002: "if customers are fairly new they are
/// often delivering zero or negative margins ... This is why we need to look at their growth
/// potential").
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "no_grace")]
pub enum NoGrace {
    /// Its growth potential is below the growth line: known to be, or at best plausibly.
    LowGrowth {
        /// The growth-potential score (its best plausible value when not known).
        score: f64,
        /// The growth line.
        line: f64,
        /// Whether it holds only under the plausible ranges of unknown facts.
        plausible: bool,
    },
    /// A known bad fit whose stated likelihood of seizing its growth is low: "they might check
    /// for the former but not for the latter because that's what makes them who they are".
    UnlikelyBadFit {
        /// The stated likelihood.
        likelihood: f64,
        /// The policy's `grace_min_likelihood`.
        line: f64,
    },
}

impl fmt::Display for NoGrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoGrace::LowGrowth {
                score,
                line,
                plausible,
            } => write!(
                f,
                "new customer, but its growth potential score is {}{score:.0}, below {line:.0}: judged like any other",
                if *plausible { "at most " } else { "" }
            ),
            NoGrace::UnlikelyBadFit { likelihood, line } => write!(
                f,
                "new customer, but a bad fit with a stated likelihood of growth of {:.0}%, below {:.0}%: judged like any other",
                likelihood * 100.0,
                line * 100.0
            ),
        }
    }
}
