//! Decisions on incomplete data (DESIGN "Evidence is known or unknown", "Decide on the facts at
//! hand", "Lifecycle"): rules tested on a messy CRM base, properties of unknown facts, and
//! scenarios from the seeds.

mod common;

use common::messy::{self, Record};
use common::*;
use custfit::assessment::{Dimension, FitClass, Guardrail, Input, Quadrant};
use custfit::customer::{LifecycleStage, RequestScope};
use custfit::policy::{LetGoSignal, Rule};
use custfit::{
    what_to_collect, Action, AssessmentContext, FitAssessment, PolicyContext, Recommendation,
};
use proptest::prelude::*;

fn decide(c: &custfit::Customer) -> (FitAssessment, Recommendation) {
    recommend(c)
}

fn is_harsh(a: Action) -> bool {
    matches!(a, Action::Offboard | Action::Decline)
}

/// Every signal an offboarding or decline cites holds on known facts of its assessment.
fn signal_holds(s: &LetGoSignal, a: &FitAssessment) -> bool {
    let below = |d: Dimension, line: f64| {
        a.known_below(d, line).is_some() && a.best_case.get(d).is_some_and(|b| b < line)
    };
    match *s {
        LetGoSignal::Unprofitable { .. } => !a.quadrant.is_profitable(),
        LetGoSignal::LowGrowth {
            line,
            plausible: false,
            ..
        } => a.quadrant.has_growth() == Some(false) && below(Dimension::GrowthPotential, line),
        // An estimate: below the line at the best plausible values of the unknown facts.
        LetGoSignal::LowGrowth {
            line,
            plausible: true,
            ..
        } => {
            a.quadrant.has_growth().is_none()
                && a.plausibly_below(Dimension::GrowthPotential, line)
                    .is_some()
        }
        LetGoSignal::Misfit { class } => {
            class == a.classification.class && matches!(class, FitClass::Bad | FitClass::BadFit)
        }
        LetGoSignal::OneWayValue { line, .. } => below(Dimension::MutualValue, line),
        LetGoSignal::OutsideProfile { line, .. } => below(Dimension::StrategicAlignment, line),
        LetGoSignal::OneOffDemands { line, .. } => below(Dimension::ProductInfluence, line),
        _ => false,
    }
}

fn is_estimate(s: &LetGoSignal) -> bool {
    matches!(
        s,
        LetGoSignal::LowGrowth {
            plausible: true,
            ..
        }
    )
}

/// A let-go cites at least two independent signals that hold; a confirmed one (or a decline)
/// two from known facts alone, a provisional one may count an estimate.
fn cites_two_signals(a: &FitAssessment, r: &Recommendation) -> bool {
    let signals: Vec<LetGoSignal> = r.let_go_signals().collect();
    let mut kinds: Vec<std::mem::Discriminant<LetGoSignal>> = signals
        .iter()
        .filter(|s| r.is_provisional() || !is_estimate(s))
        .map(std::mem::discriminant)
        .collect();
    kinds.dedup();
    kinds.len() >= 2 && signals.iter().all(|s| signal_holds(s, a))
}

/// A provisional let-go carries its exit plan, a non-empty list of facts to confirm, and a
/// confirm-by date from the assessment date to the notice deadline less the lead time (the
/// assessment date, urgent, when that is nearer).
fn provisional_is_complete(r: &Recommendation) -> bool {
    let Some(p) = &r.provisional else {
        return true;
    };
    let Some(exit) = &r.exit_plan else {
        return false;
    };
    let lead = chrono::Days::new(u64::from(policy().config().confirm_lead_days));
    let led = exit.chosen.notice_deadline - lead;
    let on_time = as_of() < p.confirm_by && p.confirm_by == led && !p.urgent;
    let urgent = p.confirm_by == as_of() && p.urgent && led <= as_of();
    r.action == Action::Offboard
        && !p.to_confirm.is_empty()
        && p.notice_deadline == exit.chosen.notice_deadline
        && (on_time || urgent)
}

#[test]
fn a_messy_crm_base_is_decided_on_the_facts_at_hand() {
    let records = messy::generate(2026, 3_000);
    let mut counts = std::collections::BTreeMap::<Action, usize>::new();
    let (mut provisional, mut confirmed, mut growth_unknown, mut uncertain_classes) = (0, 0, 0, 0);
    for record in &records {
        let c = record.build();
        let (a, r) = decide(&c);
        *counts.entry(r.action).or_default() += 1;
        // Churned: a look back, never a live action, levers or an exit plan.
        if c.stage() == LifecycleStage::Churned {
            assert_eq!(r.action, Action::LookBack, "{}", c.id());
            assert!(r.exit_plan.is_none() && r.levers.is_none(), "{}", c.id());
            assert!(r.look_back.is_some(), "{}", c.id());
        } else {
            assert_ne!(r.action, Action::LookBack, "{}", c.id());
            assert!(r.look_back.is_none());
        }
        // Letting go and declining cite at least two independent signals; a confirmed let-go
        // from known facts alone.
        if is_harsh(r.action) {
            assert!(cites_two_signals(&a, &r), "{}: {:?}", c.id(), r.reasons);
        }
        assert!(
            provisional_is_complete(&r),
            "{}: {:?}",
            c.id(),
            r.provisional
        );
        if r.action == Action::Offboard {
            if r.is_provisional() {
                provisional += 1;
            } else {
                confirmed += 1;
            }
        }
        // No profitable customer is let go: salvage holds at break-even.
        if !a.cost.gross_margin.is_negative() {
            assert_ne!(r.action, Action::Offboard, "{}", c.id());
        }
        if a.quadrant.has_growth().is_none() {
            growth_unknown += 1;
            assert!(matches!(
                a.quadrant,
                Quadrant::ProfitableGrowthUnknown | Quadrant::UnprofitableGrowthUnknown
            ));
            // A dog on growth that is only plausibly low is never a confirmed let-go, and
            // names the growth facts to confirm.
            if r.rule() == Some(Rule::Dog) {
                let p = r.provisional.as_ref().expect("provisional");
                assert!(
                    p.to_confirm.contains(Input::ExpectedGrowth)
                        || p.to_confirm.contains(Input::Likelihood),
                    "{}: {p:?}",
                    c.id()
                );
            }
            // New and onboarding customers keep their grace while their growth can plausibly
            // reach the line (unless a known bad fit unlikely to grow).
            let plausibly_low = a
                .plausibly_below(Dimension::GrowthPotential, a.growth_line)
                .is_some();
            let unlikely_bad_fit = a.classification.class == FitClass::BadFit
                && c.growth().likelihood.is_some_and(|p| p.get() < 0.3);
            let grace = a.guardrails.iter().any(Guardrail::is_grace)
                && c.stage() != LifecycleStage::Churned;
            if grace && !plausibly_low && !unlikely_bad_fit {
                assert_eq!(r.action, Action::Retain, "{}: {:?}", c.id(), r.reasons);
            }
        }
        // A class never falls silently to good fit: uncertainty is stated.
        let class = &a.classification;
        if !class.missing.is_empty() {
            uncertain_classes += 1;
            assert!(class.confidence < 1.0 && !class.could_be.is_empty());
            assert!(class.could_be.iter().all(|c| *c < class.class));
        } else {
            assert_eq!(class.confidence, 1.0);
        }
    }
    assert_eq!(counts.values().sum::<usize>(), records.len());
    // The base exercises every path the rules above are about.
    for action in [
        Action::Invest,
        Action::Retain,
        Action::Restructure,
        Action::Offboard,
        Action::Decline,
        Action::LookBack,
    ] {
        assert!(
            counts.get(&action).copied().unwrap_or(0) > 0,
            "no {action} in {counts:?}"
        );
    }
    assert!(
        provisional > 0 && confirmed > 0,
        "{provisional} {confirmed}"
    );
    assert!(growth_unknown > 1_000 && uncertain_classes > 1_000);
}

/// The issue's measures on the messy CRM base: (a) customers that lose money after every lever
/// (the estimated resets included), with known low growth and no known logo value or
/// protection (a known product shaper, or a bad customer owed its first reset), are all let go,
/// confirmed or provisional; (b) no profitable customer is let go; (c) every provisional let-go
/// is confirmed by the notice deadline less the lead time, or now (urgent) when that is nearer.
#[test]
fn a_messy_crm_base_lets_go_those_salvage_cannot_save_and_no_one_else() {
    let records = messy::generate(2027, 3_000);
    let (mut candidates, mut let_go, mut profitable_let_go, mut provisional, mut timely) =
        (0, 0, 0, 0, 0);
    for record in &records {
        let c = record.build();
        if matches!(
            c.stage(),
            LifecycleStage::Churned | LifecycleStage::Prospect
        ) {
            continue;
        }
        let (a, r) = decide(&c);
        let plan =
            custfit::LeverPlan::new(&c, &a, &simple_model(), &policy().config().levers).unwrap();
        let after_levers = plan.margin_with_resets(c.id()).unwrap();
        let protected = a.guardrails.iter().any(|g| {
            matches!(g, Guardrail::LogoOffsetsMargin { .. })
                || matches!(g, Guardrail::ProductShaper { likes: Some(_), .. })
        });
        let owed_reset = a.classification.class == FitClass::Bad
            && c.last_expectation_reset()
                .is_none_or(|d| d >= c.period().start());
        if after_levers.is_negative()
            && a.quadrant.has_growth() == Some(false)
            && !protected
            && !owed_reset
        {
            candidates += 1;
            let_go += usize::from(r.action == Action::Offboard);
            assert_eq!(r.action, Action::Offboard, "{}: {:?}", c.id(), r.reasons);
        }
        if !a.cost.gross_margin.is_negative() && r.action == Action::Offboard {
            profitable_let_go += 1;
        }
        if r.is_provisional() {
            provisional += 1;
            timely += usize::from(provisional_is_complete(&r));
        }
    }
    eprintln!(
        "(a) {let_go} of {candidates} let go; (b) {profitable_let_go} profitable let go; \
         (c) {timely} of {provisional} provisional let-goes on time"
    );
    assert!(candidates > 20, "{candidates}");
    assert_eq!(let_go, candidates);
    assert_eq!(profitable_let_go, 0);
    assert!(provisional > 20, "{provisional}");
    assert_eq!(timely, provisional);
}

/// The customer with one fact forgotten is never a *confirmed* let-go or a decline when the
/// record with the fact known was not let go; if it becomes a provisional let-go, the fact is
/// among its facts to confirm.
fn forgetting_never_confirms_a_let_go(record: &Record, fact: Input) -> Result<(), TestCaseError> {
    let (_, known) = decide(&record.build());
    let mut forgotten = record.clone();
    forgotten.forget(fact);
    let (a, unknown) = decide(&forgotten.build());
    if !is_harsh(known.action) {
        let confirmed = is_harsh(unknown.action) && !unknown.is_provisional();
        prop_assert!(
            !confirmed,
            "forgetting {fact:?} turned {} ({:?}) into a confirmed {} ({:?}); class {:?}",
            known.action,
            known.rule(),
            unknown.action,
            unknown.rule(),
            a.classification
        );
        if let Some(p) = &unknown.provisional {
            prop_assert!(
                p.to_confirm.contains(fact),
                "forgetting {fact:?} let {} go provisionally without naming it: {p:?}",
                record.id
            );
        }
    }
    Ok(())
}

proptest! {
    // 256 cases in CI; `PROPTEST_CASES=100000 cargo test --release --test evidence` runs longer.
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// (a) Replacing a known fact by unknown never turns a recommendation that does not let
    /// go into a confirmed let-go or a decline; a provisional one names the fact.
    #[test]
    fn an_unknown_fact_never_confirms_a_let_go(seed in any::<u64>(), pick in any::<prop::sample::Index>()) {
        let record = messy::one(seed);
        let known = record.known_facts();
        prop_assume!(!known.is_empty());
        forgetting_never_confirms_a_let_go(&record, known[pick.index(known.len())])?;
    }

    /// (b) Every offboarding and decline cites at least two signals (a confirmed one from
    /// known facts alone), and every provisional let-go carries its exit plan, its facts to
    /// confirm and a confirm-by date.
    #[test]
    fn letting_go_cites_two_signals_and_a_provisional_one_its_dates(seed in any::<u64>()) {
        let c = messy::one(seed).build();
        let (a, r) = decide(&c);
        if is_harsh(r.action) {
            prop_assert!(cites_two_signals(&a, &r), "{:?}", r.reasons);
        }
        prop_assert!(provisional_is_complete(&r), "{:?}", r.provisional);
    }

    /// (c) No churned customer ever gets a live action or an exit plan.
    #[test]
    fn churned_customers_get_a_look_back_only(seed in any::<u64>()) {
        let mut record = messy::one(seed);
        record.stage = LifecycleStage::Churned;
        record.since.get_or_insert(d(2022, 3, 1));
        let (_, r) = decide(&record.build());
        prop_assert_eq!(r.action, Action::LookBack);
        prop_assert!(r.exit_plan.is_none() && r.levers.is_none() && r.look_back.is_some());
        prop_assert_eq!(r.effect, custfit::policy::Effect::none(custfit::units::Currency::USD));
    }

    /// (d) What to collect is exact: setting the named facts as stated gives the stated
    /// decision (action, rule, provisional or confirmed), it names only unknown facts, and it
    /// is never empty for a provisional let-go or a decision that asks to collect facts.
    #[test]
    fn what_to_collect_is_exact(seed in any::<u64>()) {
        let record = messy::one(seed);
        let c = record.build();
        let (_, r) = decide(&c);
        let ctx = AssessmentContext::new(as_of());
        let collect = what_to_collect(&assessor(), &policy(), &c, &ctx, &PolicyContext::default(), &r)
            .unwrap();
        prop_assert_eq!(collect.skipped, 0);
        prop_assert!(collect.re_decisions <= custfit::policy::MAX_RE_DECISIONS);
        if asks_to_collect(&r) {
            prop_assert!(!collect.is_empty(), "{}: {:?}", c.id(), r.reasons);
        }
        prop_assert!(smallest_sets(&collect), "{:?}", collect);
        for item in &collect {
            let named = r.is_provisional() || matches!(r.rule(), Some(Rule::PendingFacts { .. }));
            prop_assert!((1..=3).contains(&item.facts.len()) || named, "{}", item);
            for fact in &item.facts {
                prop_assert!(!record.knows(*fact), "{:?} is known", fact);
            }
            prop_assert!(!item.outcomes.is_empty());
            for outcome in &item.outcomes {
                let mut set = record.clone();
                for (fact, value) in item.facts.iter().zip(&outcome.values) {
                    set.set(*fact, *value);
                }
                let (_, again) = decide(&set.build());
                prop_assert!((outcome.action, outcome.provisional) != (r.action, r.is_provisional()));
                prop_assert_eq!(again.action, outcome.action, "{}", item);
                prop_assert_eq!(again.rule(), outcome.rule, "{}", item);
                prop_assert_eq!(again.is_provisional(), outcome.provisional, "{}", item);
            }
        }
    }
}

/// Whether no set is listed with an outcome that a smaller listed set already gives.
fn smallest_sets(collect: &custfit::policy::WhatToCollect) -> bool {
    let key = |o: &custfit::policy::FactOutcome| (o.action, o.provisional);
    collect.iter().all(|set| {
        collect.iter().all(|smaller| {
            let strict = smaller.facts.len() < set.facts.len()
                && smaller.facts.iter().all(|f| set.facts.contains(f));
            !strict
                || !set
                    .outcomes
                    .iter()
                    .any(|o| smaller.outcomes.iter().any(|p| key(p) == key(o)))
        })
    })
}

/// Whether the recommendation asks for facts: a provisional let-go, or a rule whose text says
/// to collect them.
fn asks_to_collect(r: &Recommendation) -> bool {
    r.is_provisional()
        || matches!(
            r.rule(),
            Some(
                Rule::PendingFacts { .. }
                    | Rule::NewCustomerGrowthUnknown
                    | Rule::ProfitableGrowthUnknown
                    | Rule::UnprofitableGrowthUnknown
            )
        )
}

#[test]
fn forgetting_each_fact_of_a_let_go_customer_keeps_the_rules() {
    // Exhaustive over the facts of the first 300 records: the property of (a), every fact.
    for record in messy::generate(7, 300) {
        for fact in record.known_facts() {
            forgetting_never_confirms_a_let_go(&record, fact).unwrap();
        }
    }
}

/// The issue's example: engaged, consumes the content, achieves 10 % of its outcomes, plan
/// adherence unrecorded. Not silently a good fit: the classification says a bad fit is
/// possible, and what to collect says what plan adherence would decide.
#[test]
fn seed_002_an_unrecorded_fact_is_named_not_taken_as_fine() {
    let b = custfit::Customer::builder("engaged-unrecorded", "Engaged")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2023, 1, 1))
        .industry("logistics")
        .use_case("fleet-tracking")
        .segment("mid-market")
        .recurring_revenue(dec("20000"))
        .engineering_hours(dec("150"))
        .expansion_whitespace(dec("0"))
        .meeting_attendance(dec("0.9"))
        .content_consumed(dec("0.9"))
        .outcomes_achieved(dec("0.1"))
        .goal_changes(0)
        .responsiveness(dec("0.9"))
        .renewal_intent(0.2);
    let unrecorded = b.clone().build().unwrap();
    let (a, r) = decide(&unrecorded);
    let class = &a.classification;
    assert_eq!(class.class, FitClass::GoodFit);
    assert_eq!(class.could_be, vec![FitClass::BadFit]);
    assert_eq!(class.missing, vec![Input::PlanAdherence]);
    // The three class tests read eleven facts; plan adherence and NPS are not known.
    assert_eq!(class.confidence, 9.0 / 11.0);
    assert!(class
        .to_string()
        .contains("could be bad fit if plan adherence were known"));
    // Profitable (15 %) with no whitespace: a cash cow, kept — unless it is a bad fit.
    assert_eq!(a.quadrant, Quadrant::CashCow);
    assert_eq!((r.action, r.rule()), (Action::Retain, Some(Rule::CashCow)));
    let ctx = AssessmentContext::new(as_of());
    let collect = what_to_collect(
        &assessor(),
        &policy(),
        &unrecorded,
        &ctx,
        &PolicyContext::default(),
        &r,
    )
    .unwrap();
    let adherence = collect
        .iter()
        .find(|t| t.facts == [Input::PlanAdherence])
        .expect("plan adherence to collect");
    assert_eq!(adherence.outcomes.len(), 1);
    assert_eq!(adherence.outcomes[0].values, [1.0]);
    assert_eq!(adherence.outcomes[0].action, Action::Restructure);
    assert_eq!(adherence.outcomes[0].rule, Some(Rule::BadFitFixable));
    // It matters by the review date of the retain.
    assert_eq!(adherence.by, r.review_on);
    assert_eq!(
        adherence.to_string(),
        "record plan adherence by 2027-01-15: at 100% → restructure (bad fit whose margin the levers can fix)"
    );
    // With adherence recorded high it is a bad fit, and the class is certain.
    let (known, _) = decide(&b.plan_adherence(dec("0.9")).build().unwrap());
    assert_eq!(known.classification.class, FitClass::BadFit);
    assert!(known.classification.is_certain());
}

#[test]
fn profitable_customers_without_growth_facts_are_kept_not_let_go() {
    // Margin between 0 and 10 %: below the profitability line, no growth facts at all. Before,
    // absent growth counted as "no growth": a dog, offboarded on nothing but absent data. It
    // breaks even already: restructured to lift its margin, whatever its growth.
    let c = base("thin")
        .industry("logistics")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("850"))
        .build()
        .unwrap();
    let (a, r) = decide(&c);
    let margin = a.cost.margin.unwrap().to_f64();
    assert!((0.0..0.10).contains(&margin), "{margin}");
    assert_eq!(a.quadrant, Quadrant::UnprofitableGrowthUnknown);
    assert_eq!(r.action, Action::Restructure);
    assert_eq!(r.rule(), Some(Rule::Salvageable));
    assert_eq!(r.let_go_signals().count(), 0);
}

#[test]
fn seed_002_new_customers_keep_their_grace_when_growth_is_unknown() {
    let new = base("new")
        .customer_since(d(2025, 11, 1))
        .recurring_revenue(dec("10000"))
        .engineering_hours(dec("300"))
        .build()
        .unwrap();
    let (a, r) = decide(&new);
    assert!(a
        .guardrails
        .iter()
        .any(|g| matches!(g, Guardrail::NewCustomer { .. })));
    assert_eq!(
        (r.action, r.rule()),
        (Action::Retain, Some(Rule::NewCustomerGrowthUnknown))
    );
    // Onboarding by stage, whatever the tenure.
    let onboarding = base("onb")
        .stage(LifecycleStage::Onboarding)
        .recurring_revenue(dec("10000"))
        .engineering_hours(dec("300"))
        .build()
        .unwrap();
    let (a, r) = decide(&onboarding);
    assert!(a.guardrails.contains(&Guardrail::Onboarding));
    assert_eq!(r.rule(), Some(Rule::NewCustomerGrowthUnknown));
}

#[test]
fn churned_customers_get_a_look_back_with_reasons() {
    let churned = |b: custfit::customer::CustomerBuilder| {
        let c = b.stage(LifecycleStage::Churned).build().unwrap();
        decide(&c).1
    };
    // A profitable, well-behaved customer we lost: worth winning back.
    let r = churned(healthy("lost-good"));
    assert_eq!(r.action, Action::LookBack);
    assert_eq!(r.rule(), Some(Rule::WinBack));
    let look = r.look_back.unwrap();
    assert_eq!(look.worth_winning_back, Some(true));
    assert_eq!(look.class, FitClass::GoodFit);
    // A poor dog: not worth it.
    let r = churned(dog("lost-dog"));
    assert_eq!(r.rule(), Some(Rule::NoWinBack));
    // A loss-maker with no growth facts: cannot tell.
    let r = churned(
        base("lost-unknown")
            .recurring_revenue(dec("10000"))
            .engineering_hours(dec("300")),
    );
    assert_eq!(r.rule(), Some(Rule::WinBackUnclear));
    assert_eq!(r.look_back.unwrap().worth_winning_back, None);
    assert!(r.review_on > as_of());
}

/// Seed 000: "If the customer fundamentally likes your offering, but expects more and is
/// pushing you for features that will benefit others over time, then hold on to that
/// customer at all costs." One definition for the guardrail, the class and the policy.
#[test]
fn seed_000_likes_the_product_from_outcomes_when_it_has_not_said_so() {
    let shaper = |outcomes: Option<&str>, said: Option<(i16, f64)>| {
        // No NPS, no renewal intent: what it does decides.
        let mut b = custfit::Customer::builder("shaper", "Shaper")
            .currency("USD")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(d(2023, 1, 1))
            .industry("logistics")
            .recurring_revenue(dec("20000"))
            .engineering_hours(dec("400"))
            .expansion_whitespace(dec("0"))
            .feature_request("open API", RequestScope::Broad)
            .feature_request("bulk edit", RequestScope::Broad);
        if let Some(o) = outcomes {
            b = b.outcomes_achieved(dec(o));
        }
        if let Some((nps, intent)) = said {
            b = b.nps(nps).renewal_intent(intent);
        }
        decide(&b.build().unwrap())
    };
    // Outcomes achieved 80 %: it likes the product; demanding, so challenging but worth it.
    let (a, r) = shaper(Some("0.8"), None);
    assert_eq!(a.classification.class, FitClass::ChallengingButWorthIt);
    let g = a
        .guardrails
        .iter()
        .find(|g| matches!(g, Guardrail::ProductShaper { .. }))
        .expect("product shaper");
    assert!(
        matches!(g, Guardrail::ProductShaper { likes: Some(s), .. } if s.input == Input::OutcomesAchieved)
    );
    assert!(g.is_known());
    assert_eq!(r.rule(), Some(Rule::ProductShaper));
    assert_eq!(r.action, Action::Restructure);
    // Nothing known of whether it likes the product: a possible shaper. It loses money the
    // levers cannot recover and has no growth: let go, but only provisionally — whether it
    // likes the product is what to confirm.
    let (a, r) = shaper(None, None);
    let g = a
        .guardrails
        .iter()
        .find(|g| matches!(g, Guardrail::ProductShaper { .. }))
        .expect("possible product shaper");
    assert!(!g.is_known());
    assert!(g
        .to_string()
        .contains("whether it likes the product is unknown"));
    assert_ne!(a.classification.class, FitClass::ChallengingButWorthIt);
    assert!(a
        .classification
        .could_be
        .contains(&FitClass::ChallengingButWorthIt));
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    let p = r.provisional.as_ref().expect("provisional");
    for fact in [
        Input::Nps,
        Input::RenewalIntent,
        Input::OutcomesAchieved,
        Input::ContentConsumed,
    ] {
        assert!(p.to_confirm.contains(fact), "{fact:?}");
    }
    // Known to like it (outcomes 80 %): kept, as above.
    assert_eq!(
        shaper(Some("0.8"), None).1.rule(),
        Some(Rule::ProductShaper)
    );
    // Outcomes 10 % and nothing said: still unknown — only what it says can show it does not.
    let (a, _) = shaper(Some("0.1"), None);
    assert!(a.guardrails.iter().any(|g| !g.is_known()));
    // A detractor that does not mean to renew does not like the product: no guardrail, no class.
    let (a, _) = shaper(Some("0.8"), Some((-50, 0.2)));
    assert!(!a
        .guardrails
        .iter()
        .any(|g| matches!(g, Guardrail::ProductShaper { .. })));
    assert_ne!(a.classification.class, FitClass::ChallengingButWorthIt);
}

/// Seed 001 §4: logo value may justify a low margin; when the logo facts are unknown, the
/// let-go is provisional: confirm them (by the confirm-by date), and each one that would keep
/// the customer is listed with what it decides.
#[test]
fn seed_001_unknown_logo_value_makes_the_let_go_provisional() {
    let b = custfit::Customer::builder("thin-dog", "Thin dog")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2023, 1, 1))
        .industry("logistics")
        .use_case("fleet-tracking")
        .segment("mid-market")
        .recurring_revenue(dec("100000"))
        .engineering_hours(dec("1040"))
        .expansion_whitespace(dec("0"))
        .meeting_attendance(dec("0.9"))
        .plan_adherence(dec("0.9"))
        .goal_changes(0)
        .responsiveness(dec("0.9"))
        .outcomes_achieved(dec("0.5"))
        .content_consumed(dec("0.5"))
        .renewal_intent(0.3);
    let c = b.clone().build().unwrap();
    let (a, r) = decide(&c);
    // -14 %: within reach of logo value (down to -15 %), beyond the levers' (reprice +13,500).
    assert_eq!(a.cost.margin.unwrap().to_string(), "-14.0%");
    assert_eq!(a.quadrant, Quadrant::Dog);
    assert!(a
        .guardrails
        .iter()
        .any(|g| matches!(g, Guardrail::LogoMayOffsetMargin { .. })));
    assert_eq!((r.action, r.rule()), (Action::Offboard, Some(Rule::Dog)));
    let p = r
        .provisional
        .as_ref()
        .expect("provisional on the logo facts");
    assert!(p.to_confirm.contains(Input::Referenceable) && p.to_confirm.contains(Input::BrandTier));
    // No contract: notice can be given any day, so confirm now; a day late costs a day's loss.
    assert!(p.urgent && p.confirm_by == as_of());
    assert_eq!(p.cost_of_missing, usd("38.36"));
    let collect = collect_for(&c, &r);
    let referenceable = collect
        .iter()
        .find(|t| t.facts == [Input::Referenceable])
        .expect("referenceable");
    assert_eq!(referenceable.by, as_of());
    // Referenceable: its logo value offsets the margin. Not referenceable (nor, then, a case
    // study): the rest cannot reach the threshold, and the let-go is confirmed.
    let at = |v: f64| {
        let o = referenceable
            .outcomes
            .iter()
            .find(|o| o.values == [v])
            .unwrap();
        (o.action, o.rule, o.provisional)
    };
    assert_eq!(
        at(1.0),
        (Action::Retain, Some(Rule::LogoJustifiesMargin), false)
    );
    assert_eq!(at(0.0), (Action::Offboard, Some(Rule::Dog), false));
    // Known to have no logo value: a confirmed let-go.
    let (_, known) = decide(
        &b.referenceable(false)
            .case_study(false)
            .brand_tier(custfit::customer::BrandTier::Local)
            .strategic_positioning(custfit::customer::Level::Low)
            .feedback_quality(custfit::customer::Level::Low)
            .build()
            .unwrap(),
    );
    assert_eq!(known.action, Action::Offboard);
    assert!(!known.is_provisional());
}

#[test]
fn the_reprice_lever_states_the_stand_alone_break_even_even_when_resets_cover_the_gap() {
    // Revenue 100,000, COGS 10 %, support 1,800 h at 50 = 90,000: a loss of 0. Support
    // boundaries (estimated) would cover a small gap; the price alone must still be stated.
    let c = base("resets")
        .recurring_revenue(dec("100000"))
        .tickets(custfit::customer::Severity::Normal, 100, Some(dec("1820")))
        .build()
        .unwrap();
    let a = assessor().assess(&c, as_of()).unwrap();
    assert!(a.cost.gross_margin.is_negative());
    let plan = custfit::LeverPlan::new(&c, &a, &simple_model(), &Default::default()).unwrap();
    let reprice = plan
        .levers
        .iter()
        .find_map(|l| match &l.kind {
            custfit::policy::LeverKind::Reprice {
                break_even, target, ..
            } => Some((*break_even, *target)),
            _ => None,
        })
        .expect("reprice stated");
    // Stand-alone: fixed cost 91,000 (support) → break-even revenue 91,000 / 0.9.
    assert_eq!(reprice.0.unwrap().amount, usd("1111.11"));
    assert!(reprice.1.unwrap().amount.amount() > reprice.0.unwrap().amount.amount());
    // Estimates are marked and do not count towards break-even.
    assert!(plan.levers.iter().any(|l| l.estimate));
    assert!(plan
        .levers
        .iter()
        .filter(|l| l.estimate)
        .all(|l| l.kind.is_expectation_reset()
            || matches!(
                l.kind,
                custfit::policy::LeverKind::MoveToCurrentVersion { .. }
            )));
    assert!(plan.margin_after.amount() >= plan.margin_after_confirmed.amount());
}

#[test]
fn the_policy_keeps_its_configuration() {
    let config = custfit::policy::PolicyConfig {
        min_alignment: 42.0,
        ..Default::default()
    };
    let p = custfit::DefaultPolicy::new(config.clone(), simple_model()).unwrap();
    assert_eq!(p.config(), &config);
}

#[test]
fn a_prospect_with_known_low_growth_counts_it_as_a_signal() {
    let prospect = |whitespace: &str| {
        custfit::Customer::builder("pro", "Prospect")
            .currency("USD")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .stage(LifecycleStage::Prospect)
            .industry("public-sector")
            .use_case("event-ticketing")
            .segment("enterprise")
            .expansion_whitespace(dec(whitespace))
            .growth_likelihood(0.9)
            .build()
            .unwrap()
    };
    let (_, low) = decide(&prospect("0"));
    assert!(low
        .let_go_signals()
        .any(|s| matches!(s, LetGoSignal::LowGrowth { .. })));
    assert_eq!(low.action, Action::Decline);
    let (_, high) = decide(&prospect("200000"));
    assert!(!high
        .let_go_signals()
        .any(|s| matches!(s, LetGoSignal::LowGrowth { .. })));
}

#[test]
fn churned_customers_are_worth_winning_back_when_profitable_or_growing() {
    let churned = |b: custfit::customer::CustomerBuilder| {
        decide(&b.stage(LifecycleStage::Churned).build().unwrap()).1
    };
    // Profitable with little growth (a cash cow): worth winning back.
    let cow = churned(healthy("cow").expansion_whitespace(dec("0")));
    assert_eq!(cow.look_back.unwrap().quadrant, Quadrant::CashCow);
    assert_eq!(cow.rule(), Some(Rule::WinBack));
    // Unprofitable but growing (a question mark): worth winning back too.
    let question = churned(
        healthy("qm")
            .recurring_revenue(dec("20000"))
            .engineering_hours(dec("150"))
            .expansion_whitespace(dec("20000"))
            .growth_likelihood(0.9),
    );
    assert_eq!(question.look_back.unwrap().quadrant, Quadrant::QuestionMark);
    assert_eq!(question.rule(), Some(Rule::WinBack));
}

#[test]
fn a_reset_on_the_first_day_of_the_period_is_not_before_it() {
    // A loss-maker with no growth and no behavior facts: it could be a bad customer. One whose
    // expectations were reset before the period would be let go as bad too: a confirmed
    // let-go. One reset on the period's first day could still be owed that reset: let go
    // provisionally, its behavior to confirm.
    let dog_with_reset = |reset: chrono::NaiveDate| {
        custfit::Customer::builder("r", "Reset")
            .currency("USD")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .customer_since(d(2022, 1, 1))
            .industry("logistics")
            .use_case("fleet-tracking")
            .segment("mid-market")
            .recurring_revenue(dec("20000"))
            .engineering_hours(dec("300"))
            .expansion_whitespace(dec("0"))
            .referenceable(false)
            .case_study(false)
            .brand_tier(custfit::customer::BrandTier::Local)
            .strategic_positioning(custfit::customer::Level::Low)
            .feedback_quality(custfit::customer::Level::Low)
            .last_expectation_reset(reset)
            .build()
            .unwrap()
    };
    let (a, before) = decide(&dog_with_reset(d(2024, 12, 31)));
    assert_eq!(a.quadrant, Quadrant::Dog);
    assert!(a.classification.could_be.contains(&FitClass::Bad));
    assert_eq!(before.action, Action::Offboard, "{:?}", before.reasons);
    assert!(!before.is_provisional());
    let (_, on_start) = decide(&dog_with_reset(d(2025, 1, 1)));
    assert_eq!(on_start.action, Action::Offboard);
    let p = on_start.provisional.expect("provisional");
    assert_eq!(
        p.to_confirm.iter().collect::<Vec<_>>(),
        [
            Input::MeetingAttendance,
            Input::PlanAdherence,
            Input::GoalChanges,
            Input::Responsiveness
        ]
    );
}

#[test]
fn a_growing_prospect_with_one_disqualifying_signal_is_not_invested_in() {
    let prospect = |industry: &str| {
        custfit::Customer::builder("pro", "Prospect")
            .currency("USD")
            .period(d(2025, 1, 1), d(2025, 12, 31))
            .stage(LifecycleStage::Prospect)
            .industry(industry)
            .use_case("fleet-tracking")
            .segment("mid-market")
            .expansion_whitespace(dec("200000"))
            .growth_likelihood(0.9)
            .renewal_intent(0.9)
            .build()
            .unwrap()
    };
    let (_, fits) = decide(&prospect("logistics"));
    assert_eq!(
        (fits.action, fits.rule()),
        (Action::Invest, Some(Rule::ProspectFits))
    );
    // Outside the profile on every criterion it can be judged on: one signal, not two.
    let outside = custfit::Customer::builder("out", "Outside")
        .currency("USD")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .stage(LifecycleStage::Prospect)
        .industry("media")
        .use_case("custom-reporting")
        .roadmap_interest("paper tickets")
        .segment("smb")
        .expansion_whitespace(dec("200000"))
        .growth_likelihood(0.9)
        .renewal_intent(0.9)
        .build()
        .unwrap();
    let (a, mixed) = decide(&outside);
    assert_eq!(a.effective_score(Dimension::StrategicAlignment), Some(0.0));
    assert_eq!(
        (mixed.action, mixed.rule()),
        (Action::Retain, Some(Rule::ProspectUncertain))
    );
}

/// A profitable customer whose growth reaches its line exactly at the top of the plausible
/// whitespace (a likelihood of 0.1 stated): what to collect names the whitespace, whose top
/// makes it a star. The hypothetical once fell a rounding short of the line and found nothing.
#[test]
fn growth_exactly_at_its_line_at_the_plausible_top_is_worth_collecting() {
    let record = messy::one(10203516936369149610);
    let c = record.build();
    let (a, r) = decide(&c);
    assert_eq!(a.plausible_best.growth_potential, Some(a.growth_line));
    assert_eq!(r.rule(), Some(Rule::ProfitableGrowthUnknown));
    let collect = collect_for(&c, &r);
    let first = collect.into_iter().next().expect("a set to collect");
    assert_eq!(first.facts, [Input::ExpectedGrowth]);
    assert!(
        first.outcomes.iter().any(|o| o.action == Action::Invest),
        "{first}"
    );
}
