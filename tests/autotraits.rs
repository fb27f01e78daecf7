//! Every public type is `Send + Sync` (and `Unpin`), so results can cross threads.

fn assert_send_sync<T: Send + Sync + Unpin>() {}

#[test]
fn public_types_are_send_and_sync() {
    use custfit::assessment::*;
    use custfit::cost::*;
    use custfit::customer::*;
    use custfit::policy::*;
    use custfit::units::*;
    use custfit::*;
    assert_send_sync::<Activity>();
    assert_send_sync::<AssessmentPeriod>();
    assert_send_sync::<Behaviour>();
    assert_send_sync::<BrandTier>();
    assert_send_sync::<CapacityCostRate>();
    assert_send_sync::<CapacityUsage>();
    assert_send_sync::<Contract>();
    assert_send_sync::<ContractBuilder>();
    assert_send_sync::<CostItem>();
    assert_send_sync::<CostLine>();
    assert_send_sync::<CostModel>();
    assert_send_sync::<CostModelConfig>();
    assert_send_sync::<CostToServe>();
    assert_send_sync::<Currency>();
    assert_send_sync::<Customer>();
    assert_send_sync::<CustomerBuilder>();
    assert_send_sync::<CustomerId>();
    assert_send_sync::<Error>();
    assert_send_sync::<FeatureRequest>();
    assert_send_sync::<GrowthFacts>();
    assert_send_sync::<HourlyRate>();
    assert_send_sync::<Hours>();
    assert_send_sync::<Implementation>();
    assert_send_sync::<LifecycleStage>();
    assert_send_sync::<Level>();
    assert_send_sync::<LogoValue>();
    assert_send_sync::<Money>();
    assert_send_sync::<MoneyError>();
    assert_send_sync::<Nps>();
    assert_send_sync::<PerRole<Money>>();
    assert_send_sync::<Probability>();
    assert_send_sync::<Problem>();
    assert_send_sync::<Quantity>();
    assert_send_sync::<Ratio>();
    assert_send_sync::<RequestScope>();
    assert_send_sync::<Role>();
    assert_send_sync::<Severity>();
    assert_send_sync::<Share>();
    assert_send_sync::<Sla>();
    assert_send_sync::<SlaTier>();
    assert_send_sync::<TicketCosts>();
    assert_send_sync::<TicketGroup>();
    assert_send_sync::<VendorTermination>();
    assert_send_sync::<AssessmentConfig>();
    assert_send_sync::<AssessmentDiff>();
    assert_send_sync::<Assessor>();
    assert_send_sync::<Classification>();
    assert_send_sync::<Criterion>();
    assert_send_sync::<CriterionMatch>();
    assert_send_sync::<Dimension>();
    assert_send_sync::<DimensionChange>();
    assert_send_sync::<FitAssessment>();
    assert_send_sync::<FitClass>();
    assert_send_sync::<Guardrail>();
    assert_send_sync::<IdealCustomerProfile>();
    assert_send_sync::<Input>();
    assert_send_sync::<InputChange>();
    assert_send_sync::<Inputs>();
    assert_send_sync::<Override>();
    assert_send_sync::<OverrideOutcome>();
    assert_send_sync::<OverrideTarget>();
    assert_send_sync::<PerDimension<f64>>();
    assert_send_sync::<ProfileMatch>();
    assert_send_sync::<Quadrant>();
    assert_send_sync::<Reason>();
    assert_send_sync::<SegmentationConfig>();
    assert_send_sync::<Signal>();
    assert_send_sync::<scoring::Confidence>();
    assert_send_sync::<scoring::Grade>();
    assert_send_sync::<scoring::InputSet>();
    assert_send_sync::<scoring::MarginFirst>();
    assert_send_sync::<scoring::Scale>();
    assert_send_sync::<scoring::ScorecardConfig>();
    assert_send_sync::<scoring::Scorecard>();
    assert_send_sync::<scoring::WeightedScorecard>();
    assert_send_sync::<Box<dyn scoring::ScoringStrategy>>();
    assert_send_sync::<LifetimeValue>();
    assert_send_sync::<LifetimeValueConfig>();
    assert_send_sync::<SegmentKey>();
    assert_send_sync::<retention::ShiftedBetaGeometric>();
    assert_send_sync::<retention::RetentionModels>();
    assert_send_sync::<retention::Cohort>();
    assert_send_sync::<retention::Fit>();
    assert_send_sync::<retention::RetentionError>();
    assert_send_sync::<source::IterSource<std::vec::IntoIter<Result<Customer>>>>();
    assert_send_sync::<source::WithActivity<source::VecSource, source::ActivityMap>>();
    assert_send_sync::<Action>();
    assert_send_sync::<Because>();
    assert_send_sync::<ChecklistItem>();
    assert_send_sync::<DefaultPolicy>();
    assert_send_sync::<Effect>();
    assert_send_sync::<ExitConfig>();
    assert_send_sync::<ExitOption>();
    assert_send_sync::<ExitPlan>();
    assert_send_sync::<ExitRoute>();
    assert_send_sync::<Lever>();
    assert_send_sync::<LeverConfig>();
    assert_send_sync::<LeverKind>();
    assert_send_sync::<LeverPlan>();
    assert_send_sync::<PolicyConfig>();
    assert_send_sync::<PolicyContext>();
    assert_send_sync::<PriceChange>();
    assert_send_sync::<Recommendation>();
    assert_send_sync::<Rule>();
    assert_send_sync::<TalkingPoint>();
    assert_send_sync::<Box<dyn RecommendationPolicy>>();
    assert_send_sync::<source::ActivityMap>();
    assert_send_sync::<source::SliceSource<'static>>();
    assert_send_sync::<source::VecSource>();
}

#[test]
fn error_is_a_std_error_and_static() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<custfit::Error>();
    assert_error::<custfit::units::MoneyError>();
}
