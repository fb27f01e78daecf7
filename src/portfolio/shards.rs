//! Running the phases over shards: on scoped threads, results in shard order; each shard's
//! records fingerprinted, so that a source that changed between its two openings is caught;
//! a failing sink stopping the shards after it.

use std::borrow::Borrow;

use super::Sink;
use crate::assessment::FitAssessment;
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::policy::recommendation::Recommendation;

/// The records a source gave in one phase: how many, and an order-independent checksum of
/// their ids (of the error's text for a record that could not be read) — compared between the
/// phases of a source opened twice (read again, [`BetweenPhases::ReadAgain`](super::BetweenPhases::ReadAgain)), so that a source that changed meanwhile (a table written
/// to, a file appended to) stops the run instead of losing or repeating records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Fingerprint {
    records: u64,
    ids: u64,
}

impl Fingerprint {
    pub(super) fn add<C: Borrow<Customer>>(&mut self, record: &Result<C>) {
        let hash = match record {
            Ok(c) => fingerprint_of(c.borrow().id().as_str().as_bytes()),
            // Rare: the text is made only for a record that could not be read.
            Err(e) => fingerprint_of(e.to_string().as_bytes()),
        };
        self.records = self.records.wrapping_add(1);
        self.ids = self.ids.wrapping_add(hash);
    }

    /// `Ok` when `again`, phase 2's fingerprint of shard `shard`, is this one.
    pub(super) fn same_as(self, again: Fingerprint, shard: usize) -> Result<()> {
        if self == again {
            Ok(())
        } else {
            Err(Error::SourceChanged {
                shard,
                first_records: self.records,
                second_records: again.records,
            })
        }
    }
}

/// A 64-bit hash of `bytes`: FNV-1a, mixed (the splitmix64 finalizer) so that the wrapping sum
/// of many is well spread. Deterministic, allocation-free.
fn fingerprint_of(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// `work` on every item, on at most `workers` scoped threads (the calling thread is one of
/// them; each takes the next item no thread has taken, so that a thread whose items run fast
/// does not wait idle for one whose items run slow), results in the items' order; the first
/// error in that order is returned. A panic is passed on.
pub(super) fn fan_out<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    work: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = workers.clamp(1, items.len().max(1));
    let work = &work;
    let next = &AtomicUsize::new(0);
    let run = move |_: usize| -> Vec<(usize, Result<R>)> {
        std::iter::from_fn(|| {
            let i = next.fetch_add(1, Ordering::Relaxed);
            items.get(i).map(|item| (i, work(item)))
        })
        .collect()
    };
    let mut results: Vec<(usize, Result<R>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|w| scope.spawn(move || run(w))).collect();
        let mut all = run(0);
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A sink shared by shards that stops every shard after the first (lowest-numbered) one whose
/// sink failed: a shard goes on while only later shards have failed, so the first error in
/// shard order — the one a run returns — does not depend on the timing of the threads.
pub(super) struct StopOnError<'a> {
    sink: &'a Sink<'a>,
    lowest_failed: std::sync::atomic::AtomicUsize,
}

impl<'a> StopOnError<'a> {
    pub(super) fn new(sink: &'a Sink<'a>) -> Self {
        StopOnError {
            sink,
            lowest_failed: std::sync::atomic::AtomicUsize::new(usize::MAX),
        }
    }

    pub(super) fn call(
        &self,
        shard: usize,
        c: &Customer,
        a: &FitAssessment,
        r: &Recommendation,
    ) -> Result<()> {
        use std::sync::atomic::Ordering;
        if self.lowest_failed.load(Ordering::Relaxed) < shard {
            return Err(Error::source_message(
                None,
                "stopped: an earlier shard's sink failed",
            ));
        }
        (self.sink)(c, a, r).inspect_err(|_| {
            self.lowest_failed.fetch_min(shard, Ordering::Relaxed);
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::policy::{PolicyContext, RecommendationPolicy};

    #[test]
    fn later_shards_stop_after_a_failure_and_earlier_ones_go_on() {
        let sink = |_: &Customer, _: &FitAssessment, _: &Recommendation| {
            Err(Error::source_message(None, "disk full"))
        };
        let guard = StopOnError::new(&sink);
        let c = Customer::builder("a", "A")
            .currency("USD")
            .period(
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            )
            .customer_since(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())
            .build()
            .unwrap();
        let config = crate::Config::default();
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let a = config.assessor().unwrap().assess(&c, as_of).unwrap();
        let r = config
            .policy()
            .unwrap()
            .recommend(&c, &a, &PolicyContext::default())
            .unwrap();
        // Shard 3 fails: shard 5 stops at once, shard 1 still reaches the sink.
        let disk = |e: Error| e.to_string().contains("disk full");
        assert!(disk(guard.call(3, &c, &a, &r).unwrap_err()));
        assert!(!disk(guard.call(5, &c, &a, &r).unwrap_err()));
        assert!(disk(guard.call(1, &c, &a, &r).unwrap_err()));
        // Now shard 1 is the first to have failed: shard 3 stops too.
        assert!(!disk(guard.call(3, &c, &a, &r).unwrap_err()));
        assert!(disk(guard.call(0, &c, &a, &r).unwrap_err()));
    }
}
