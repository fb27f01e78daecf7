//! Data sources: in-memory sources, errors that carry the record, and joining activity.

mod common;

use common::*;
use custfit::customer::{Activity, AssessmentPeriod, Implementation};
use custfit::source::{
    ActivityMap, CustomerSource, IterSource, SliceSource, VecSource, WithActivity,
};
use custfit::{Customer, CustomerId, Error};

fn customers() -> Vec<Customer> {
    ["a", "b", "c"]
        .iter()
        .map(|id| base(id).build().unwrap())
        .collect()
}

fn drain(mut s: impl CustomerSource) -> Vec<custfit::Result<Customer>> {
    std::iter::from_fn(|| s.next_customer()).collect()
}

#[test]
fn in_memory_sources_yield_every_customer_in_order() {
    let all = customers();
    let ids = |v: Vec<custfit::Result<Customer>>| {
        v.into_iter()
            .map(|r| r.unwrap().id().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(SliceSource::new(&all).size_hint(), (3, Some(3)));
    assert_eq!(ids(drain(SliceSource::new(&all))), ["a", "b", "c"]);
    assert_eq!(ids(drain(VecSource::new(all.clone()))), ["a", "b", "c"]);
    assert_eq!(
        ids(drain(IterSource::new(all.clone().into_iter().map(Ok)))),
        ["a", "b", "c"]
    );
    let mut boxed: Box<dyn CustomerSource> = Box::new(VecSource::new(all));
    assert_eq!(ids(drain(&mut boxed)), ["a", "b", "c"]);
}

#[test]
fn a_bad_record_is_an_error_naming_it_and_the_rest_still_come() {
    let records = vec![
        Ok(base("a").build().unwrap()),
        Err(Error::source_message(
            Some("line 3".into()),
            "missing column `currency`",
        )),
        base("c").engineering_hours(dec("-1")).build(),
        Ok(base("d").build().unwrap()),
    ];
    let out = drain(IterSource::new(records.into_iter()));
    assert_eq!(out.len(), 4);
    assert_eq!(
        out[1].as_ref().unwrap_err().to_string(),
        "data source, record line 3: missing column `currency`"
    );
    assert_eq!(
        out[2]
            .as_ref()
            .unwrap_err()
            .customer()
            .map(CustomerId::as_str),
        Some("c")
    );
    assert!(out[3].is_ok());
}

#[test]
fn activity_from_another_system_is_joined_and_revalidated() {
    let q1 = AssessmentPeriod::new(d(2025, 1, 1), d(2025, 3, 31)).unwrap();
    let mut busy = Activity::new(q1);
    busy.engineering_hours = custfit::units::Hours::new(dec("12")).unwrap();
    let mut foreign = Activity::new(q1);
    foreign.implementation = Some(Implementation {
        hours: custfit::units::Hours::new(dec("10")).unwrap(),
        external_cost: Some("100 EUR".parse().unwrap()),
        go_live: d(2025, 1, 1),
    });
    let activity: ActivityMap = [
        (CustomerId::new("a").unwrap(), busy.clone()),
        (CustomerId::new("b").unwrap(), foreign),
    ]
    .into_iter()
    .collect();
    let out = drain(WithActivity::new(VecSource::new(customers()), &activity));
    assert_eq!(out[0].as_ref().unwrap().activity(), &busy);
    assert_eq!(
        out[1].as_ref().unwrap_err().to_string(),
        "customer `b`: field `activity.implementation.external_cost`: is in EUR, expected USD"
    );
    // No activity in the other system: the customer's own is kept.
    assert_eq!(out[2].as_ref().unwrap().period().days(), 365);
}

#[test]
fn a_source_error_keeps_its_cause_as_the_error_source() {
    use std::error::Error as _;

    #[derive(Debug)]
    struct Disk;
    impl std::fmt::Display for Disk {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("sector 9 unreadable")
        }
    }
    impl std::error::Error for Disk {}

    #[derive(Debug)]
    struct Read(Disk);
    impl std::fmt::Display for Read {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("cannot read the export")
        }
    }
    impl std::error::Error for Read {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    let err = Error::from_source(Some("line 4".into()), Read(Disk));
    assert_eq!(
        err.to_string(),
        "data source, record line 4: cannot read the export"
    );
    // The chain is kept: the cause, then the cause's own source.
    let cause = err.source().expect("a cause");
    assert_eq!(cause.to_string(), "cannot read the export");
    assert!(cause.source().expect("the cause's source").is::<Disk>());
    // The underlying error itself can be downcast.
    assert!(err
        .source_cause()
        .and_then(|e| e.downcast_ref::<Read>())
        .is_some());
    // A clone is equal and keeps the chain; the text alone is what is serialized.
    assert_eq!(err.clone(), err);
    assert!(err.clone().source().is_some());

    let words = Error::source_message(Some("line 4".into()), "no currency column");
    assert!(words.source().is_none() && words.source_cause().is_none());
    assert_ne!(words, err);
}

/// A source that says nothing of its length.
struct Silent(Vec<Customer>);

impl CustomerSource for Silent {
    fn next_customer(&mut self) -> Option<custfit::Result<Customer>> {
        self.0.pop().map(Ok)
    }
}

#[test]
fn size_hints_count_the_records_left_and_pass_through_references_and_boxes() {
    let all = customers();
    // Exact for in-memory sources, counting down as records are read.
    let mut v = VecSource::new(all.clone());
    assert_eq!(v.size_hint(), (3, Some(3)));
    v.next_customer();
    assert_eq!(v.size_hint(), (2, Some(2)));
    let mut it = IterSource::new(all.clone().into_iter().map(Ok));
    it.next_customer();
    assert_eq!(it.size_hint(), (2, Some(2)));
    // A reference and a box say what the source says.
    let by_ref = &mut v;
    assert_eq!(
        <&mut VecSource as CustomerSource>::size_hint(&by_ref),
        (2, Some(2))
    );
    let boxed: Box<dyn CustomerSource> = Box::new(VecSource::new(all.clone()));
    assert_eq!(boxed.size_hint(), (3, Some(3)));
    // A source that does not say: anything from none.
    let silent = Silent(all.clone());
    assert_eq!(silent.size_hint(), (0, None));
    let mut silent_box: Box<dyn CustomerSource> = Box::new(Silent(all));
    let by_ref = &mut silent_box;
    assert_eq!(
        <&mut Box<dyn CustomerSource> as CustomerSource>::size_hint(&by_ref),
        (0, None)
    );
}

#[test]
fn activity_joined_keeps_the_size_hint_and_a_map_says_what_it_replaced() {
    let q1 = AssessmentPeriod::new(d(2025, 1, 1), d(2025, 3, 31)).unwrap();
    let mut map = ActivityMap::new();
    let a = CustomerId::new("a").unwrap();
    let first = Activity::new(q1);
    let mut second = Activity::new(q1);
    second.escalations = 2;
    assert_eq!(map.insert(a.clone(), first.clone()), None);
    assert_eq!(map.insert(a.clone(), second.clone()), Some(first));
    let mut joined = WithActivity::new(VecSource::new(customers()), &map);
    assert_eq!(joined.size_hint(), (3, Some(3)));
    let out = joined.next_customer().unwrap().unwrap();
    assert_eq!(out.activity(), &second);
    assert_eq!(joined.size_hint(), (2, Some(2)));
}
