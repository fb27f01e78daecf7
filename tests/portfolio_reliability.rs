//! Nothing is lost: duplicate ids are refused records, a record that fails in either phase is
//! refused on its own, and the counts always add up — in any order and sharding.

mod common;

use common::*;
use custfit::portfolio::{
    BetweenPhases, PortfolioAnalyzer, PortfolioConfig, PortfolioReport, PortfolioSummary,
};
use custfit::source::IterSource;
use custfit::{Customer, Error};
use proptest::prelude::*;

type Analyzer =
    PortfolioAnalyzer<custfit::assessment::scoring::WeightedScorecard, custfit::DefaultPolicy>;

fn analyzer() -> Analyzer {
    PortfolioAnalyzer::new(assessor(), policy(), PortfolioConfig::default()).unwrap()
}

/// An analyzer that opens a source again for phase 2 rather than keep what phase 1 read.
fn reading_again() -> Analyzer {
    let config = PortfolioConfig {
        between_phases: BetweenPhases::ReadAgain,
        ..PortfolioConfig::default()
    };
    PortfolioAnalyzer::new(assessor(), policy(), config).unwrap()
}

fn euro(id: &str) -> Customer {
    Customer::builder(id, "Euro Ltd")
        .currency("EUR")
        .period(d(2025, 1, 1), d(2025, 12, 31))
        .customer_since(d(2024, 1, 1))
        .build()
        .unwrap()
}

#[test]
fn two_records_with_one_id_are_both_refused_and_counted() {
    // The old bug: one record refused in phase 1 (another currency), one valid, same id:
    // records 2, assessed 0, refused 1 — a record lost.
    let customers = vec![
        euro("dup"),
        healthy("dup").build().unwrap(),
        healthy("ok").build().unwrap(),
    ];
    let report = analyzer()
        .analyze_slice(&customers, as_of(), 2, &|_, _, _| Ok(()))
        .unwrap();
    assert_eq!(report.records, 3);
    assert_eq!(report.totals.customers, 1);
    assert_eq!(report.bad_records.len(), 2);
    assert!(report.counts_add_up());
    for bad in &report.bad_records {
        assert_eq!(
            bad.error,
            Error::DuplicateCustomer {
                customer: custfit::CustomerId::new("dup").unwrap()
            }
        );
        assert_eq!(
            bad.error.to_string(),
            "customer `dup`: the id appears in more than one record; every record with it is refused"
        );
    }
    assert!(report
        .facts
        .duplicates
        .contains(&custfit::CustomerId::new("dup").unwrap()));
}

#[test]
fn duplicates_across_shards_merged_apart_are_refused_too() {
    let a = analyzer();
    let shard1 = [healthy("x").build().unwrap(), healthy("y").build().unwrap()];
    let shard2 = [healthy("x").build().unwrap()];
    let mut summary = a.summarize(shard1.iter().map(Ok), None);
    summary
        .merge(a.summarize(shard2.iter().map(Ok), None))
        .unwrap();
    let facts = a.facts(&summary);
    let mut report = a
        .report(
            shard1.iter().map(Ok),
            &facts,
            as_of(),
            &|_, _, _| Ok(()),
            None,
        )
        .unwrap();
    report
        .merge(
            a.report(
                shard2.iter().map(Ok),
                &facts,
                as_of(),
                &|_, _, _| Ok(()),
                None,
            )
            .unwrap(),
        )
        .unwrap();
    let report = report.with_summary(summary);
    assert_eq!(
        (
            report.records,
            report.totals.customers,
            report.bad_records.len()
        ),
        (3, 1, 2)
    );
    assert!(report.counts_add_up());
}

#[test]
fn a_record_that_fails_in_phase_one_is_reported_once_by_phase_two() {
    let customers = vec![healthy("a").build().unwrap(), euro("b")];
    let report = analyzer()
        .analyze_slice(&customers, as_of(), 1, &|_, _, _| Ok(()))
        .unwrap();
    assert_eq!((report.records, report.bad_records.len()), (2, 1));
    assert_eq!(
        report.bad_records[0].error.to_string(),
        "customer `b`: field `currency`: is in EUR, expected USD"
    );
    // An unreadable record is refused by phase 1 and skipped by phase 2.
    let records: Vec<custfit::Result<Customer>> = vec![
        Ok(healthy("a").build().unwrap()),
        Err(Error::source_message(Some("z".into()), "unreadable")),
    ];
    let report = analyzer()
        .analyze(
            || Ok(IterSource::new(records.clone().into_iter())),
            as_of(),
            &|_, _, _| Ok(()),
            None,
        )
        .unwrap();
    assert_eq!((report.records, report.bad_records.len()), (2, 1));
    assert!(report.counts_add_up());
}

#[test]
fn a_summary_whose_counts_overflow_is_an_error_not_a_wrap() {
    let a = PortfolioSummary {
        records: u64::MAX,
        ..PortfolioSummary::default()
    };
    let mut b = PortfolioSummary {
        records: 1,
        ..PortfolioSummary::default()
    };
    assert!(b.merge(a).is_err());
}

fn mixed(ids: &[u8], euros: &[bool]) -> Vec<Customer> {
    ids.iter()
        .zip(euros)
        .map(|(i, e)| {
            let id = format!("c{i}");
            if *e {
                euro(&id)
            } else {
                healthy(&id).build().unwrap()
            }
        })
        .collect()
}

fn run(customers: &[Customer], threads: usize) -> PortfolioReport {
    analyzer()
        .analyze_slice(customers, as_of(), threads, &|_, _, _| Ok(()))
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Counts add up, duplicates are always reported, and the report is the same in every
    /// order and sharding.
    #[test]
    fn nothing_is_lost_in_any_order_or_sharding(
        ids in proptest::collection::vec(0u8..6, 1..10),
        euros in proptest::collection::vec(prop::bool::weighted(0.2), 10),
        threads in 1usize..4,
        seed in any::<u64>(),
    ) {
        let customers = mixed(&ids, &euros);
        let one = run(&customers, 1);
        prop_assert!(one.counts_add_up());
        prop_assert_eq!(one.records, customers.len() as u64);
        let mut counts = std::collections::BTreeMap::new();
        for c in &customers {
            *counts.entry(c.id().clone()).or_insert(0) += 1;
        }
        for (id, n) in &counts {
            let refused = one.bad_records.iter().filter(|b| b.error == Error::DuplicateCustomer { customer: id.clone() }).count();
            prop_assert_eq!(refused, if *n > 1 { *n } else { 0 });
        }
        // Another order, another sharding: the same report.
        let mut shuffled = customers.clone();
        let len = shuffled.len();
        for i in 0..len {
            let j = (seed.rotate_left(i as u32) as usize + i) % len;
            shuffled.swap(i, j);
        }
        prop_assert_eq!(run(&shuffled, threads), one);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Pro-rated revenues (x/7, rounded to the four decimals a record accepts): portfolio
    /// totals are identical in every order and sharding.
    #[test]
    fn totals_of_pro_rated_amounts_are_exact_in_any_order(
        numerators in proptest::collection::vec(1i64..7_000_000_000_000, 2..20),
        threads in 2usize..5,
        rotate in 0usize..20,
    ) {
        let customers: Vec<Customer> = numerators
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let revenue = (rust_decimal::Decimal::new(*n, 0) / rust_decimal::Decimal::from(7)).round_dp(4);
                healthy(&format!("p{i}")).recurring_revenue(revenue).build().unwrap()
            })
            .collect();
        let one = run(&customers, 1);
        let mut rotated = customers.clone();
        let len = rotated.len();
        rotated.rotate_left(rotate % len);
        rotated.reverse();
        let other = run(&rotated, threads);
        prop_assert_eq!(&other.totals, &one.totals);
        prop_assert_eq!(other, one);
    }
}

#[test]
fn the_sink_gets_the_customer_and_its_error_stops_the_run() {
    let customers = [healthy("a").build().unwrap(), healthy("b").build().unwrap()];
    let seen = std::sync::Mutex::new(Vec::new());
    analyzer()
        .analyze_slice(&customers, as_of(), 1, &|c, a, _| {
            assert_eq!(c.id(), &a.customer);
            seen.lock().unwrap().push(c.name().to_owned());
            Ok(())
        })
        .unwrap();
    assert_eq!(seen.into_inner().unwrap(), ["Customer a", "Customer b"]);
    let failing = analyzer().analyze_slice(&customers, as_of(), 2, &|c, _, _| {
        Err(Error::source_message(
            Some(c.id().to_string()),
            "the store is full",
        ))
    });
    assert_eq!(
        failing.unwrap_err().to_string(),
        "data source, record a: the store is full"
    );
}

#[test]
fn a_shard_that_cannot_be_opened_stops_the_sharded_run_with_its_error() {
    use custfit::source::VecSource;
    let analyzer = custfit::Config::default().analyzer().unwrap();
    let open = |i: usize| {
        if i == 1 {
            Err(custfit::Error::source_message(
                Some("shard 1".into()),
                "file vanished",
            ))
        } else {
            Ok(VecSource::new(Vec::new()))
        }
    };
    let err = analyzer
        .analyze_shards(3, 2, open, as_of(), &|_, _, _| Ok(()), None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "data source, record shard 1: file vanished"
    );
    // No shards at all is one empty shard: an empty, consistent report.
    let report = analyzer
        .analyze_shards(
            0,
            2,
            |_| Ok(VecSource::new(Vec::new())),
            as_of(),
            &|_, _, _| Ok(()),
            None,
        )
        .unwrap();
    assert!(report.counts_add_up() && report.records == 0);
}

#[test]
fn a_failing_sink_stops_every_shard_and_its_error_is_returned() {
    use custfit::source::SliceSource;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let customers: Vec<Customer> = (0..400)
        .map(|i| {
            base(&format!("c{i:03}"))
                .recurring_revenue(dec("1000"))
                .build()
                .unwrap()
        })
        .collect();
    let chunks: Vec<&[Customer]> = customers.chunks(25).collect();
    let analyzer = custfit::Config::default().analyzer().unwrap();
    let calls = AtomicUsize::new(0);
    let sink = |c: &Customer, _: &custfit::FitAssessment, _: &custfit::Recommendation| {
        calls.fetch_add(1, Ordering::Relaxed);
        if c.id().as_str() == "c010" {
            Err(Error::source_message(Some("sink".into()), "disk full"))
        } else {
            Ok(())
        }
    };
    let open = |i: usize| Ok(SliceSource::new(chunks[i]));
    let err = analyzer
        .analyze_shards(chunks.len(), 2, open, as_of(), &sink, None)
        .unwrap_err();
    assert_eq!(err.to_string(), "data source, record sink: disk full");
    // The shards run on `w` threads, the first taking shards 0, w, 2w, ...: it fails at the
    // 11th customer of shard 0 and stops, so whatever the timing at most the shards of the
    // other threads reach the sink — without the stop, the first thread's other shards would
    // too.
    let w = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(16);
    let others = (16 - 16usize.div_ceil(w)) * 25;
    let n = calls.load(Ordering::Relaxed);
    assert!(
        n <= 11 + others,
        "{n} calls, at most {} expected",
        11 + others
    );
    // The same for the in-memory run.
    calls.store(0, Ordering::Relaxed);
    let err = analyzer
        .analyze_slice(&customers, as_of(), 8, &sink)
        .unwrap_err();
    assert_eq!(err.to_string(), "data source, record sink: disk full");
}

#[test]
fn many_shards_run_on_a_few_threads() {
    use custfit::source::SliceSource;
    let customers: Vec<Customer> = (0..50)
        .map(|i| {
            base(&format!("c{i:02}"))
                .recurring_revenue(dec("1000"))
                .build()
                .unwrap()
        })
        .collect();
    let analyzer = custfit::Config::default().analyzer().unwrap();
    // Ten thousand shards, most of them empty: one OS thread each would be refused.
    let open = |i: usize| Ok(SliceSource::new(customers.get(i..i + 1).unwrap_or(&[])));
    let report = analyzer
        .analyze_shards(10_000, 2, open, as_of(), &|_, _, _| Ok(()), None)
        .unwrap();
    let whole = analyzer
        .analyze_slice(&customers, as_of(), 1, &|_, _, _| Ok(()))
        .unwrap();
    assert_eq!(report, whole);
}

/// How a shard's second opening differs from its first.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// A record is gone (a row deleted meanwhile).
    Fewer,
    /// A record more (a file appended to).
    More,
    /// A record that failed to read the first time reads fine (a row corrected meanwhile).
    Repaired,
    /// The same number of records, one of them another customer.
    Replaced,
}

/// The records of `customers` as a source opened for the `opening`-th time (0 or 1): the
/// second opening shows `change`.
fn opened(
    customers: &[Customer],
    change: Option<Change>,
    opening: usize,
) -> Vec<custfit::Result<Customer>> {
    let mut records: Vec<custfit::Result<Customer>> = customers.iter().cloned().map(Ok).collect();
    let broken = || {
        Err(custfit::Error::source_message(
            Some("late".into()),
            "unreadable row",
        ))
    };
    match (change, opening) {
        (Some(Change::Repaired), 0) => records.push(broken()),
        (Some(Change::Repaired), _) => records.push(Ok(euro_usd("late"))),
        (Some(Change::Fewer), 1) => {
            records.pop();
        }
        (Some(Change::More), 1) => records.push(Ok(euro_usd("appended"))),
        (Some(Change::Replaced), 1) => {
            records.pop();
            records.push(Ok(euro_usd("replacement")));
        }
        _ => {}
    }
    records
}

fn euro_usd(id: &str) -> Customer {
    base(id).recurring_revenue(dec("10000")).build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Read again for phase 2, a shard whose records change between its two openings stops
    /// the run with an error naming it — never a report that lost or repeated records;
    /// unchanged shards run as before. Kept between the phases (the default), every shard is
    /// opened once, so a later change cannot reach the run: its report is that of the records
    /// first read.
    #[test]
    fn a_source_that_changes_between_the_phases_stops_the_run(
        n in 1usize..12,
        shards in 1usize..4,
        changed in any::<prop::sample::Index>(),
        change in prop_oneof![
            Just(None),
            Just(Some(Change::Fewer)),
            Just(Some(Change::More)),
            Just(Some(Change::Repaired)),
            Just(Some(Change::Replaced)),
        ],
    ) {
        let customers: Vec<Customer> =
            (0..n).map(|i| euro_usd(&format!("c{i:02}"))).collect();
        let parts: Vec<&[Customer]> = customers.chunks(n.div_ceil(shards)).collect();
        let changed = changed.index(parts.len());
        let openings = std::sync::Mutex::new(vec![0usize; parts.len()]);
        let open = |i: usize| {
            let mut o = openings.lock().unwrap();
            let opening = o[i];
            o[i] += 1;
            let change = if i == changed { change } else { None };
            Ok(IterSource::new(opened(parts[i], change, opening).into_iter()))
        };
        let first: Vec<custfit::Result<Customer>> = parts
            .iter()
            .enumerate()
            .flat_map(|(i, part)| opened(part, if i == changed { change } else { None }, 0))
            .collect();
        let expected = analyzer().analyze_records(&first, as_of(), 1, &|_, _, _| Ok(())).unwrap();

        let kept = analyzer().analyze_shards(parts.len(), 2, open, as_of(), &|_, _, _| Ok(()), None);
        prop_assert_eq!(kept.unwrap(), expected.clone());
        prop_assert!(openings.lock().unwrap().iter().all(|&o| o == 1));

        openings.lock().unwrap().iter_mut().for_each(|o| *o = 0);
        let run = reading_again().analyze_shards(parts.len(), 2, open, as_of(), &|_, _, _| Ok(()), None);
        prop_assert!(openings.lock().unwrap().iter().all(|&o| o == 2));
        match change {
            None => {
                let report = run.unwrap();
                prop_assert!(report.counts_add_up());
                prop_assert_eq!(report.records, n as u64);
                prop_assert_eq!(report, expected);
            }
            Some(change) => {
                let e = run.unwrap_err();
                let Error::SourceChanged { shard, first_records, second_records } = e else {
                    return Err(TestCaseError::fail(format!("{change:?}: {e}")));
                };
                prop_assert_eq!(shard, changed);
                let size = parts[changed].len() as u64;
                let expected = match change {
                    Change::Fewer => (size, size - 1),
                    Change::More => (size, size + 1),
                    Change::Repaired => (size + 1, size + 1),
                    Change::Replaced => (size, size),
                };
                prop_assert_eq!((first_records, second_records), expected);
            }
        }
        // The same through `analyze`, a source opened once per phase when read again.
        let whole = std::sync::Mutex::new(0usize);
        let open_whole = || {
            let mut o = whole.lock().unwrap();
            let opening = *o;
            *o += 1;
            Ok(IterSource::new(opened(&customers, change, opening).into_iter()))
        };
        let run = reading_again().analyze(open_whole, as_of(), &|_, _, _| Ok(()), None);
        prop_assert_eq!(*whole.lock().unwrap(), 2);
        prop_assert_eq!(run.is_err(), change.is_some());
        if let Err(e) = run {
            prop_assert!(matches!(e, Error::SourceChanged { shard: 0, .. }), "{}", e);
        }
        *whole.lock().unwrap() = 0;
        let kept = analyzer().analyze(open_whole, as_of(), &|_, _, _| Ok(()), None).unwrap();
        prop_assert_eq!(*whole.lock().unwrap(), 1);
        let first = opened(&customers, change, 0);
        let expected = analyzer().analyze_records(&first, as_of(), 1, &|_, _, _| Ok(())).unwrap();
        prop_assert_eq!(kept, expected);
    }
}

#[test]
fn a_changed_source_names_its_shard_and_the_counts() {
    let e = Error::SourceChanged {
        shard: 2,
        first_records: 10,
        second_records: 9,
    };
    assert_eq!(
        e.to_string(),
        "data source, shard 2: its records changed between the phases (10 records read in phase 1, 9 in phase 2)"
    );
    let same = Error::SourceChanged {
        shard: 0,
        first_records: 4,
        second_records: 4,
    };
    assert_eq!(
        same.to_string(),
        "data source, shard 0: its records changed between the phases (4 records read in phase 1, 4 in phase 2; other ids)"
    );
}
