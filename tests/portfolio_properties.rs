//! Property tests of portfolio analysis: merge equals whole, input-order independence, parallel
//! equals sequential, counts add up.

mod common;

use common::*;
use custfit::portfolio::{BetweenPhases, PortfolioAnalyzer, PortfolioConfig, PortfolioSummary};
use custfit::source::SliceSource;
use custfit::Customer;
use proptest::prelude::*;

/// An assessor that takes the plausible ranges from as few as two known values, so that small
/// portfolios exercise them.
fn portfolio_assessor() -> custfit::Assessor {
    let mut config = assessment_config();
    config.plausible.min_known = 2;
    custfit::Assessor::new(simple_model(), config).unwrap()
}

fn customers(xs: &[Drivers], consumed: &[bool]) -> Vec<Customer> {
    xs.iter()
        .enumerate()
        .map(|(i, x)| {
            // Every fourth customer repeats the previous id: duplicates must not make the
            // report depend on the split or the order.
            let id = if i % 4 == 3 {
                format!("c{:03}", i - 1)
            } else {
                format!("c{i:03}")
            };
            let c = build(&id, x);
            let mut b = identity(&id)
                .recurring_revenue(c.recurring_revenue().amount())
                .activity(c.activity().clone())
                .segment(["smb", "mid-market"][i % 2])
                .meeting_attendance(dec("0.8"))
                .outcomes_achieved(dec("0.5"));
            if consumed.get(i).copied().unwrap_or(false) {
                b = b.content_consumed(dec("0.9"));
            }
            // Growth facts for some: the plausible ranges come from them.
            if i % 3 != 1 {
                let share = rust_decimal::Decimal::new((i % 7) as i64, 1);
                b = b.expansion_whitespace((c.recurring_revenue().amount() * share).round_dp(2));
            }
            if i % 4 == 1 {
                b = b.historical_growth(rust_decimal::Decimal::new((i % 9) as i64 - 4, 2));
            }
            if i % 5 == 0 {
                b = b.parent("GROUP");
            } else if i % 5 == 2 {
                // A parent that is a customer itself: anywhere in the list, in any shard,
                // repeated when its id is.
                let parent = format!("c{:03}", (i * 7 + 3) % xs.len());
                if parent != id {
                    b = b.parent(parent);
                }
            }
            b.build().unwrap()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn shards_merge_to_the_whole_in_any_split_and_order(
        xs in prop::collection::vec(drivers(), 1..30),
        consumed in prop::collection::vec(any::<bool>(), 30),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        reverse in any::<bool>(),
    ) {
        let all = customers(&xs, &consumed);
        let analyzer = PortfolioAnalyzer::new(portfolio_assessor(), policy(), PortfolioConfig::default()).unwrap();
        let whole = analyzer.analyze_slice(&all, as_of(), 1, &|_, _, _| Ok(())).unwrap();
        prop_assert!(whole.counts_add_up());

        // Shards at arbitrary cut points; phase 1 apart, merge, facts once, phase 2 apart, merge.
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(all.len() + 1)).collect();
        points.extend([0, all.len()]);
        points.sort_unstable();
        let mut shards: Vec<&[Customer]> = points.windows(2).map(|w| &all[w[0]..w[1]]).collect();
        if reverse {
            shards.reverse();
        }
        let mut summary = PortfolioSummary::default();
        for s in &shards {
            summary.merge(analyzer.summarize(s.iter().cloned().map(Ok), None)).unwrap();
        }
        let mut facts = analyzer.facts(&summary);
        // The plausible ranges are the whole's, whatever the split (and from the portfolio
        // once two values are known).
        prop_assert_eq!(facts.plausible, whole.facts.plausible);
        let known = all.iter().filter(|c| c.growth().expansion_whitespace.is_some()).count();
        prop_assert_eq!(facts.plausible.known_whitespace, known as u64);
        // The parents that are customers, looked up in every shard (in any order: each once).
        for s in shards.iter().rev() {
            analyzer.include_parents(&mut facts, s.iter().map(Ok)).unwrap();
        }
        let mut reports = shards
            .iter()
            .map(|s| analyzer.report(s.iter().cloned().map(Ok), &facts, as_of(), &|_, _, _| Ok(()), None).unwrap());
        let mut merged = reports.next().unwrap();
        for r in reports {
            merged.merge(r).unwrap();
        }
        let merged = merged.with_summary(summary);
        prop_assert_eq!(&merged, &whole);
        let included = |r: &custfit::portfolio::PortfolioReport| r.facts.parents_included.len();
        prop_assert_eq!(included(&merged), included(&whole));

        // The streaming path: each shard read once and kept, or opened once per phase.
        let open = |i: usize| Ok(SliceSource::new(shards[i]));
        let streamed = analyzer
            .analyze_shards(shards.len(), 2, open, as_of(), &|_, _, _| Ok(()), None)
            .unwrap();
        prop_assert_eq!(&streamed, &whole);
        let again = reading_again(portfolio_assessor())
            .analyze_shards(shards.len(), 2, open, as_of(), &|_, _, _| Ok(()), None)
            .unwrap();
        prop_assert_eq!(&again, &whole);

        // Input order does not matter.
        let mut shuffled = all.clone();
        shuffled.reverse();
        shuffled.rotate_left(all.len() / 3);
        prop_assert_eq!(&analyzer.analyze_slice(&shuffled, as_of(), 1, &|_, _, _| Ok(())).unwrap(), &whole);

        // Both cores give the same report as one.
        prop_assert_eq!(&analyzer.analyze_slice(&all, as_of(), 2, &|_, _, _| Ok(())).unwrap(), &whole);
    }
}

/// An analyzer that opens each shard again for phase 2.
fn reading_again(
    assessor: custfit::Assessor,
) -> PortfolioAnalyzer<custfit::assessment::scoring::WeightedScorecard, custfit::DefaultPolicy> {
    let config = PortfolioConfig {
        between_phases: BetweenPhases::ReadAgain,
        ..PortfolioConfig::default()
    };
    PortfolioAnalyzer::new(assessor, policy(), config).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Kept between the phases or read again, phase 2 assesses the very customers read: the
    /// sink gets each of them field for field (the scale of every amount included), and the
    /// reports are equal.
    #[test]
    fn phase_two_gets_the_customers_read_whether_kept_or_read_again(
        all in prop::collection::vec(customer(), 0..24),
        shards in 1usize..4,
    ) {
        let mut parts: Vec<&[Customer]> = all.chunks(all.len().div_ceil(shards).max(1)).collect();
        if parts.is_empty() {
            parts.push(&all);
        }
        let open = |i: usize| Ok(SliceSource::new(parts[i]));
        let run = |analyzer: &PortfolioAnalyzer<_, _>| {
            let seen = std::sync::Mutex::new(Vec::new());
            let sink = |c: &Customer, _: &custfit::FitAssessment, _: &custfit::Recommendation| {
                seen.lock().unwrap().push(format!("{c:?}"));
                Ok(())
            };
            let report = analyzer.analyze_shards(parts.len(), 2, open, as_of(), &sink, None).unwrap();
            let mut seen = seen.into_inner().unwrap();
            seen.sort();
            (report, seen)
        };
        let keeping = PortfolioAnalyzer::new(portfolio_assessor(), policy(), PortfolioConfig::default()).unwrap();
        let (kept, kept_seen) = run(&keeping);
        let (again, again_seen) = run(&reading_again(portfolio_assessor()));
        prop_assert_eq!(&kept, &again);
        prop_assert_eq!(&kept_seen, &again_seen);
        prop_assert_eq!(kept_seen.len() as u64, kept.totals.customers);
        let mut read: Vec<String> = all.iter().map(|c| format!("{c:?}")).collect();
        read.sort();
        prop_assert!(kept_seen.iter().all(|c| read.binary_search(c).is_ok()));
    }

    /// The totals are the `Decimal` sums of the customers' figures in the order they were
    /// added — value and scale, zeros included (adding to zero gives the addend's scale).
    #[test]
    fn totals_are_decimal_sums_scale_included(
        revenues in prop::collection::vec(
            (prop_oneof![Just(0i64), 1i64..1_000_000_000], 0u32..=4),
            1..20,
        ),
    ) {
        let all: Vec<Customer> = revenues
            .iter()
            .enumerate()
            .map(|(i, (m, s))| {
                base(&format!("c{i:02}"))
                    .recurring_revenue(rust_decimal::Decimal::new(*m, *s))
                    // A zero of the same scale keeps the revenue's scale, zero or not.
                    .one_time_revenue(rust_decimal::Decimal::new(0, *s))
                    .success_hours(dec("2.5"))
                    .build()
                    .unwrap()
            })
            .collect();
        let analyzer = PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        let report = analyzer
            .analyze_slice(&all, as_of(), 1, &|_, a, _| {
                seen.lock().unwrap().push((a.cost.revenue.amount(), a.cost.total.amount(), a.cost.gross_margin.amount()));
                Ok(())
            })
            .unwrap();
        let seen = seen.into_inner().unwrap();
        let fold = |f: fn(&(rust_decimal::Decimal, rust_decimal::Decimal, rust_decimal::Decimal)) -> rust_decimal::Decimal| {
            seen.iter().try_fold(rust_decimal::Decimal::ZERO, |s, x| s.checked_add(f(x))).unwrap()
        };
        let exact = |d: rust_decimal::Decimal| (d.mantissa(), d.scale());
        prop_assert_eq!(exact(report.totals.revenue.amount()), exact(fold(|x| x.0)));
        prop_assert_eq!(exact(report.totals.cost.amount()), exact(fold(|x| x.1)));
        prop_assert_eq!(exact(report.totals.margin.amount()), exact(fold(|x| x.2)));
    }
}

/// Hours summed with `checked_add` keep the scale of the sum (`1.0`, not `1`): kept between the
/// phases, they are assessed as they were read, and the reports are the same to the byte.
#[test]
fn hours_keep_their_scale_between_the_phases() {
    use custfit::units::Hours;
    let half = Hours::new(dec("0.5")).unwrap();
    let one = half.checked_add(half).unwrap();
    assert_eq!(one.get().scale(), 1);
    let c = healthy("scaled").build().unwrap();
    let mut activity = c.activity().clone();
    activity.success_hours = one;
    activity.usage_units = custfit::units::Quantity::new(dec("2.5"))
        .unwrap()
        .checked_add(custfit::units::Quantity::new(dec("2.5")).unwrap())
        .unwrap();
    let c = c.with_activity(activity).unwrap();
    let customers = [c, healthy("plain").build().unwrap()];
    let open = |_: usize| Ok(SliceSource::new(&customers));
    let run = |analyzer: &PortfolioAnalyzer<_, _>| {
        let seen = std::sync::Mutex::new(Vec::new());
        let sink = |c: &Customer, _: &custfit::FitAssessment, _: &custfit::Recommendation| {
            seen.lock().unwrap().push(format!("{c:?}"));
            Ok(())
        };
        let report = analyzer
            .analyze_shards(1, 1, open, as_of(), &sink, None)
            .unwrap();
        (
            serde_json::to_string(&report).unwrap(),
            seen.into_inner().unwrap(),
        )
    };
    let keeping =
        PortfolioAnalyzer::new(portfolio_assessor(), policy(), PortfolioConfig::default()).unwrap();
    let (kept, kept_seen) = run(&keeping);
    let (again, again_seen) = run(&reading_again(portfolio_assessor()));
    assert_eq!(kept, again);
    assert_eq!(kept_seen, again_seen);
    assert!(
        kept_seen[0].contains("success_hours: Hours(1.0)"),
        "{}",
        kept_seen[0]
    );
}
