//! The fit class decided on known facts: the three-valued class tests, and the one
//! definition of "likes the product" and of "product shaper".

use crate::assessment::inputs::{Input, InputSet, Inputs};
use crate::customer::LifecycleStage;

use crate::assessment::segment::{
    Classification, Comparison, FitClass, Guardrail, SegmentationConfig, Signal,
};

/// A test on the facts, three-valued: it holds (with its signals), fails, or cannot be told
/// because facts it needs are unknown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    Holds(Vec<Signal>),
    Fails,
    Unknown(InputSet),
}

/// Whether the customer likes the product (seed 000 "fundamentally likes your offering";
/// seed 003 "understands the value"): the one definition used by the class, the guardrail and
/// the policy.
///
/// What the customer says comes first: it likes the product when its NPS is at least
/// `likes_min_nps` or its renewal intent at least `likes_min_renewal_intent`. When it has
/// said nothing, what it does shows it: outcomes achieved at least `likes_min_outcomes`, or
/// recommended content consumed at least `engaged_min`. It is known *not* to like the
/// product only when both NPS and renewal intent are known and below their lines; otherwise,
/// without a measure that holds, it is unknown — so that forgetting a fact can never turn
/// "likes it" into "does not".
pub(crate) fn likes_product(inputs: &Inputs, seg: &SegmentationConfig) -> Test {
    use Comparison::AtLeast;
    let said = [
        (Input::Nps, seg.likes_min_nps),
        (Input::RenewalIntent, seg.likes_min_renewal_intent),
    ];
    let did = [
        (Input::OutcomesAchieved, seg.likes_min_outcomes),
        (Input::ContentConsumed, seg.engaged_min),
    ];
    let holding = |group: &[(Input, f64)]| {
        group
            .iter()
            .find_map(|(i, t)| Signal::check(inputs, *i, AtLeast, *t))
    };
    if let Some(s) = holding(&said) {
        return Test::Holds(vec![s]);
    }
    let said_known = said
        .iter()
        .filter(|(i, _)| inputs.get(*i).is_some())
        .count();
    if said_known == said.len() {
        return Test::Fails;
    }
    if said_known == 0 {
        if let Some(s) = holding(&did) {
            return Test::Holds(vec![s]);
        }
    }
    let unknown = likes_unknown(inputs);
    Test::Unknown(unknown)
}

/// The unknown facts that could show whether the customer likes the product
/// ([`likes_product`]): what it says (NPS, renewal intent), and, while it has said nothing,
/// what it does (outcomes achieved, recommended content consumed).
pub(crate) fn likes_unknown(inputs: &Inputs) -> InputSet {
    const SAID: [Input; 2] = [Input::Nps, Input::RenewalIntent];
    const DID: [Input; 2] = [Input::OutcomesAchieved, Input::ContentConsumed];
    let said_known = SAID.iter().any(|i| inputs.get(*i).is_some());
    let mut unknown = InputSet::default();
    for i in SAID
        .iter()
        .chain(if said_known { &[][..] } else { &DID[..] })
    {
        if inputs.get(*i).is_none() {
            unknown.insert(*i);
        }
    }
    unknown
}

/// Whether the customer shapes the product (seed 000): broad requests, at least one and at
/// least as many as its one-off demands; a product-influence score of at least
/// `product_shaper_min_score`; and it likes the product ([`likes_product`]). The one
/// definition used by the guardrail, the class and the policy. Resource intensity is not part
/// of it — being demanding is what makes such a customer *challenging* (the class) — so that
/// lowering its cost can never remove the protection.
pub(crate) fn product_shaper(
    inputs: &Inputs,
    influence: Option<f64>,
    seg: &SegmentationConfig,
) -> Option<Guardrail> {
    let broad = inputs.get(Input::BroadRequests).unwrap_or(0.0);
    let custom = inputs.get(Input::CustomDemands).unwrap_or(0.0);
    let influence = influence.filter(|s| *s >= seg.product_shaper_min_score)?;
    if broad < 1.0 || broad < custom {
        return None;
    }
    let likes = match likes_product(inputs, seg) {
        Test::Holds(signals) => signals.first().copied(),
        Test::Unknown(_) => None,
        Test::Fails => return None,
    };
    Some(Guardrail::ProductShaper {
        influence_score: influence,
        broad_requests: broad as u32,
        likes,
    })
}

/// Bad (seed 002): capable, but at least `bad_min_signals` behavioral red flags.
fn bad_test(inputs: &Inputs, seg: &SegmentationConfig, stage: LifecycleStage) -> Test {
    use Comparison::{AtLeast, AtMost};
    let checks = [
        (Input::MeetingAttendance, AtMost, seg.disengaged_max),
        (Input::PlanAdherence, AtMost, seg.disengaged_max),
        (Input::GoalChanges, AtLeast, seg.goal_churn_min),
        (Input::Responsiveness, AtMost, seg.disengaged_max),
    ];
    // Allocated only when the test holds: this runs for every customer.
    let mut red_flags = [None; 4];
    let mut flags = 0;
    let mut unknown = InputSet::default();
    for ((input, cmp, t), flag) in checks.into_iter().zip(&mut red_flags) {
        if inputs.get(input).is_none() {
            if input.applies_to(stage) {
                unknown.insert(input);
            }
        } else if let Some(s) = Signal::check(inputs, input, cmp, t) {
            *flag = Some(s);
            flags += 1;
        }
    }
    if flags >= seg.bad_min_signals {
        Test::Holds(red_flags.into_iter().flatten().collect())
    } else if flags + unknown.len() >= seg.bad_min_signals {
        Test::Unknown(unknown)
    } else {
        Test::Fails
    }
}

/// Every check holds → holds; any known check fails, or one cannot apply at `stage`, →
/// fails; otherwise unknown.
fn all_of<const N: usize>(
    inputs: &Inputs,
    checks: &[(Input, Comparison, f64); N],
    stage: LifecycleStage,
) -> Test {
    // Allocated only when the test holds: this runs for every customer.
    let mut signals = [None; N];
    let mut unknown = InputSet::default();
    for ((input, cmp, t), signal) in checks.iter().zip(&mut signals) {
        if !input.applies_to(stage) {
            return Test::Fails;
        }
        if inputs.get(*input).is_none() {
            unknown.insert(*input);
        } else {
            match Signal::check(inputs, *input, *cmp, *t) {
                Some(s) => *signal = Some(s),
                None => return Test::Fails,
            }
        }
    }
    if unknown.is_empty() {
        Test::Holds(signals.into_iter().flatten().collect())
    } else {
        Test::Unknown(unknown)
    }
}

/// Bad fit (seed 002): engaged — attends, follows the plan, consumes the recommended content —
/// and still not successful.
fn bad_fit_test(inputs: &Inputs, seg: &SegmentationConfig, stage: LifecycleStage) -> Test {
    use Comparison::{AtLeast, AtMost};
    all_of(
        inputs,
        &[
            (Input::MeetingAttendance, AtLeast, seg.engaged_min),
            (Input::PlanAdherence, AtLeast, seg.engaged_min),
            (Input::ContentConsumed, AtLeast, seg.engaged_min),
            (Input::OutcomesAchieved, AtMost, seg.unsuccessful_max),
        ],
        stage,
    )
}

/// Challenging but worth it (seed 000): a product shaper that is demanding.
fn challenging_test(inputs: &Inputs, influence: Option<f64>, seg: &SegmentationConfig) -> Test {
    let Some(Guardrail::ProductShaper {
        broad_requests,
        likes,
        ..
    }) = product_shaper(inputs, influence, seg)
    else {
        return Test::Fails;
    };
    // Without revenue there is no intensity to measure: not demanding, and not a fact to
    // collect (the class it would give is the protective one, not a harsher one).
    let Some(demanding) = Signal::check(
        inputs,
        Input::RelativeIntensity,
        Comparison::AtLeast,
        seg.demanding_min_intensity,
    ) else {
        return Test::Fails;
    };
    let broad = Signal {
        input: Input::BroadRequests,
        value: f64::from(broad_requests),
        comparison: Comparison::AtLeast,
        threshold: inputs.get(Input::CustomDemands).unwrap_or(0.0).max(1.0),
    };
    match likes {
        Some(likes) => Test::Holds(vec![demanding, broad, likes]),
        None => match likes_product(inputs, seg) {
            Test::Unknown(set) => Test::Unknown(set),
            _ => Test::Fails,
        },
    }
}

/// The behavior facts the *bad* test reads: the facts whose absence alone never holds up a
/// let-go.
pub(crate) const BAD_TEST_INPUTS: [Input; 4] = [
    Input::MeetingAttendance,
    Input::PlanAdherence,
    Input::GoalChanges,
    Input::Responsiveness,
];

/// The inputs each class test reads, in precedence order.
const TEST_INPUTS: [&[Input]; 3] = [
    &BAD_TEST_INPUTS,
    &[
        Input::MeetingAttendance,
        Input::PlanAdherence,
        Input::ContentConsumed,
        Input::OutcomesAchieved,
    ],
    &[
        Input::RelativeIntensity,
        Input::BroadRequests,
        Input::CustomDemands,
        Input::Nps,
        Input::RenewalIntent,
        Input::OutcomesAchieved,
        Input::ContentConsumed,
    ],
];

/// The class, in precedence: bad, bad fit, challenging but worth it, good fit; decided on
/// known facts, with the unknown facts that could still give a class of higher precedence.
pub(super) fn classify(
    inputs: &Inputs,
    influence: Option<f64>,
    seg: &SegmentationConfig,
    stage: LifecycleStage,
) -> Classification {
    let tests = [
        (FitClass::Bad, bad_test(inputs, seg, stage)),
        (FitClass::BadFit, bad_fit_test(inputs, seg, stage)),
        (
            FitClass::ChallengingButWorthIt,
            challenging_test(inputs, influence, seg),
        ),
    ];
    let mut could_be = Vec::new();
    let mut missing = InputSet::default();
    let mut read = InputSet::default();
    let mut decided = (FitClass::GoodFit, Vec::new());
    for (i, (class, test)) in tests.into_iter().enumerate() {
        for input in TEST_INPUTS[i] {
            read.insert(*input);
        }
        match test {
            Test::Holds(signals) => {
                decided = (class, signals);
                break;
            }
            Test::Unknown(set) => {
                // Facts that cannot exist at this stage are not missing.
                let mut applicable = set.iter().filter(|i| i.applies_to(stage)).peekable();
                if applicable.peek().is_some() {
                    could_be.push(class);
                    for input in applicable {
                        missing.insert(input);
                    }
                }
            }
            Test::Fails => {}
        }
    }
    let confidence = if missing.is_empty() {
        1.0
    } else {
        let (mut applicable, mut known) = (0usize, 0usize);
        for input in read.iter().filter(|i| i.applies_to(stage)) {
            applicable += 1;
            known += usize::from(inputs.get(input).is_some());
        }
        known as f64 / applicable.max(1) as f64
    };
    Classification {
        class: decided.0,
        signals: decided.1,
        could_be,
        missing: missing.iter().collect(),
        confidence,
    }
}
