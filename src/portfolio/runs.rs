//! Both phases in one call: over a source read once (its customers kept compactly between the
//! phases) or opened again for phase 2, over shards on threads, over records in memory.

use std::sync::Mutex;

use chrono::NaiveDate;

use super::analyzer::PhaseOne;
use super::report::with_phase_one;
use super::shards::{fan_out, Fingerprint, StopOnError};
use super::*;
use crate::assessment::scoring::ScoringStrategy;
use crate::assessment::FitAssessment;
use crate::customer::compact::CompactCustomers;
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::policy::recommendation::{Recommendation, RecommendationPolicy};
use crate::source::CustomerSource;

impl<S: ScoringStrategy, P: RecommendationPolicy> PortfolioAnalyzer<S, P> {
    /// Both phases over a source (a database query, a file). By default ([`BetweenPhases::Keep`])
    /// `open` is called once: phase 1 keeps every customer it reads in a compact form (about
    /// 150 bytes each) and phase 2 assesses them from there, freeing them as it goes. With
    /// [`BetweenPhases::ReadAgain`] in the [`PortfolioConfig`], `open` is called once per
    /// phase and memory holds the report alone; each phase then counts the records it reads
    /// and an order-independent checksum of their ids, and when the second opening gives other
    /// records than the first (a table written to meanwhile), the run stops rather than lose or
    /// repeat records. An error opening the source stops the run (its records could not be
    /// counted). Either way phase 1 keeps each customer's own revenue and margin beside its id
    /// (a few dozen bytes per customer, freed before phase 2), to add the parents that are
    /// customers themselves to their account groups without another pass.
    ///
    /// # Errors
    ///
    /// The error of `open`; [`Error::SourceChanged`] when the source's records changed
    /// between the phases (read again); [`Error::Arithmetic`] when a total overflows; whatever
    /// the sink returns.
    pub fn analyze<Src, F>(
        &self,
        mut open: F,
        as_of: NaiveDate,
        sink: &Sink<'_>,
        progress: Option<&dyn Progress>,
    ) -> Result<PortfolioReport>
    where
        Src: CustomerSource,
        F: FnMut() -> Result<Src>,
    {
        let mut first = open()?;
        let (one, kept) = self.phase_one(&mut first, progress);
        drop(first);
        let read = one.fingerprint;
        let (summary, facts) = self.facts_of_shards(vec![one], 1)?;
        let report = match kept {
            Some(kept) => self.report_kept(kept, &facts, as_of, sink, progress)?,
            None => {
                let mut second = open()?;
                let (report, again) =
                    self.report_fingerprinted(drain(&mut second), &facts, as_of, sink, progress)?;
                read.same_as(again, 0)?;
                report
            }
        };
        Ok(with_phase_one(report, summary, 1))
    }

    /// Both phases over customers in memory, on `threads` threads (scoped; at least 1). The
    /// report equals that of a sequential run.
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total overflows; whatever the sink returns.
    pub fn analyze_slice(
        &self,
        customers: &[Customer],
        as_of: NaiveDate,
        threads: usize,
        sink: &Sink<'_>,
    ) -> Result<PortfolioReport>
    where
        S: Sync,
        P: Sync,
    {
        self.analyze_records_with(customers, |c| Ok(c), as_of, threads, sink)
    }

    /// Both phases over records in memory that may have failed to build (read from a file,
    /// say), on `threads` threads: a failed record is refused and counted like any other, so
    /// the counts add up without patching.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::{Config, Customer};
    /// use rust_decimal::Decimal;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let analyzer = Config::default().analyzer()?;
    /// let records = vec![
    ///     Customer::builder("ok", "Ok").currency("USD").period(d(2025, 1, 1), d(2025, 12, 31))
    ///         .customer_since(d(2023, 1, 1)).recurring_revenue(Decimal::from(50_000)).build(),
    ///     Customer::builder("bad", "Bad").currency("USD").build(), // no period: refused
    /// ];
    /// let report = analyzer.analyze_records(&records, d(2026, 1, 15), 2, &|_, _, _| Ok(()))?;
    /// assert_eq!((report.records, report.totals.customers, report.bad_records.len()), (2, 1, 1));
    /// assert!(report.counts_add_up());
    /// # Ok::<(), custfit::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Arithmetic`] when a total overflows; whatever the sink returns.
    pub fn analyze_records(
        &self,
        records: &[Result<Customer>],
        as_of: NaiveDate,
        threads: usize,
        sink: &Sink<'_>,
    ) -> Result<PortfolioReport>
    where
        S: Sync,
        P: Sync,
    {
        self.analyze_records_with(
            records,
            |r| r.as_ref().map_err(Clone::clone),
            as_of,
            threads,
            sink,
        )
    }

    /// Both phases over a source split into shards (byte ranges of a file, partitions of a
    /// table, pages of a query), read on up to `threads` threads. This is the fast path for a
    /// large export; the report equals that of [`analyze`](Self::analyze) over the shards one
    /// after the other. By default ([`BetweenPhases::Keep`]) each shard is read and validated once:
    /// phase 1 keeps its customers in a compact form (about 150 bytes each, against about
    /// 1.6 KB built) and phase 2 assesses them from there, freeing each block of them once read.
    /// With [`BetweenPhases::ReadAgain`] each shard is opened again for phase 2 and the
    /// customers are never all in memory, only the report's compact rows. Either way phase 1
    /// keeps each customer's id with its own revenue and margin until phase 2, to find the
    /// parents of account groups.
    ///
    /// `open(i)` opens shard `i` of `shards` (0 is taken as 1); every record must lie in
    /// exactly one shard. The shards run on `threads` scoped threads (at least 1; the calling
    /// thread is one of them), each taking the next shard no thread has taken yet; progress
    /// is reported per shard. The report does not depend on the number of threads. When the sink
    /// fails, the later shards stop, and the error returned is that of the first shard whose
    /// sink failed.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use custfit::source::SliceSource;
    /// use custfit::{Config, Customer};
    /// use rust_decimal::Decimal;
    /// # fn main() -> custfit::Result<()> {
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let customers: Vec<Customer> = (0..10)
    ///     .map(|i| {
    ///         Customer::builder(format!("c{i}"), "C").currency("USD")
    ///             .period(d(2025, 1, 1), d(2025, 12, 31)).customer_since(d(2023, 1, 1))
    ///             .recurring_revenue(Decimal::from(10_000 + 1_000 * i)).build()
    ///     })
    ///     .collect::<custfit::Result<_>>()?;
    /// let analyzer = Config::default().analyzer()?;
    /// // Two shards: the even and the odd halves (a file would give byte ranges).
    /// let halves: Vec<&[Customer]> = customers.chunks(5).collect();
    /// let open = |i: usize| Ok(SliceSource::new(halves[i]));
    /// let as_of = d(2026, 1, 15);
    /// let report = analyzer.analyze_shards(2, 2, open, as_of, &|_, _, _| Ok(()), None)?;
    /// let whole = analyzer.analyze_slice(&customers, as_of, 1, &|_, _, _| Ok(()))?;
    /// assert_eq!(report, whole);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Read again, each shard is checked as [`analyze`](Self::analyze) checks its source: a
    /// shard whose records changed between its two openings stops the run with an error
    /// naming it.
    ///
    /// # Errors
    ///
    /// The error of a shard that cannot be opened (the run stops: its records could not be
    /// counted); [`Error::SourceChanged`] naming the first shard (in shard order) whose records
    /// changed between the phases; [`Error::Arithmetic`] when a total overflows; whatever the
    /// sink returns.
    pub fn analyze_shards<Src, F>(
        &self,
        shards: usize,
        threads: usize,
        open: F,
        as_of: NaiveDate,
        sink: &Sink<'_>,
        progress: Option<&dyn Progress>,
    ) -> Result<PortfolioReport>
    where
        S: Sync,
        P: Sync,
        Src: CustomerSource,
        F: Fn(usize) -> Result<Src> + Sync,
    {
        let indices: Vec<usize> = (0..shards.max(1)).collect();
        let workers = threads.max(1);
        let ones = fan_out(&indices, workers, |&i| {
            let mut src = open(i)?;
            Ok(self.phase_one(&mut src, progress))
        })?;
        let (ones, kept): (Vec<PhaseOne>, Vec<_>) = ones
            .into_iter()
            .map(|(one, kept)| (one, Mutex::new(kept)))
            .unzip();
        let read: Vec<Fingerprint> = ones.iter().map(|one| one.fingerprint).collect();
        let (summary, facts) = self.facts_of_shards(ones, workers)?;
        let guard = StopOnError::new(sink);
        let reports = fan_out(&indices, workers, |&i| {
            let sink = |c: &Customer, a: &FitAssessment, r: &Recommendation| guard.call(i, c, a, r);
            // Each shard's customers are taken once, by the one worker that runs it.
            let mine = kept[i].lock().map_or(None, |mut k| k.take());
            if let Some(mine) = mine {
                return self.report_kept(mine, &facts, as_of, &sink, progress);
            }
            let mut src = open(i)?;
            let (report, again) =
                self.report_fingerprinted(drain(&mut src), &facts, as_of, &sink, progress)?;
            read[i].same_as(again, i)?;
            Ok(report)
        })?;
        self.complete(reports, summary, facts, as_of, workers)
    }

    /// The report of a run: its shards' reports (in shard order) merged, completed with the
    /// summary of phase 1 and the headline analytics (on up to `workers` threads).
    fn complete(
        &self,
        reports: Vec<PortfolioReport>,
        summary: PortfolioSummary,
        facts: PortfolioFacts,
        as_of: NaiveDate,
        workers: usize,
    ) -> Result<PortfolioReport> {
        let mut report = PortfolioReport::new(self.assessor.cost_model().currency(), as_of, facts);
        for r in reports {
            report.merge_shard(r)?;
        }
        Ok(with_phase_one(report, summary, workers))
    }

    /// Phase 1 over a source, with the customers it read kept for phase 2 when the
    /// configuration says so.
    fn phase_one<Src: CustomerSource>(
        &self,
        src: &mut Src,
        progress: Option<&dyn Progress>,
    ) -> (PhaseOne, Option<CompactCustomers>) {
        let mut kept = match self.config.between_phases {
            BetweenPhases::Keep => Some(CompactCustomers::default()),
            BetweenPhases::ReadAgain => None,
        };
        let records = drain(src).inspect(|record| {
            if let (Some(kept), Ok(c)) = (kept.as_mut(), record) {
                kept.push(c);
            }
        });
        let one = self.summarize_keeping(records, progress);
        (one, kept)
    }

    /// Phase 2 over the customers phase 1 kept. One that cannot be read back (a defect, never
    /// a fact of the data) stops the run with its error rather than go missing.
    fn report_kept(
        &self,
        kept: CompactCustomers,
        facts: &PortfolioFacts,
        as_of: NaiveDate,
        sink: &Sink<'_>,
        progress: Option<&dyn Progress>,
    ) -> Result<PortfolioReport> {
        let mut unreadable = None;
        let customers = kept
            .into_customers()
            .map_while(|c| c.map_err(|e| unreadable = Some(e)).ok().map(Ok::<_, Error>));
        let report = self.report(customers, facts, as_of, sink, progress)?;
        match unreadable {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    fn analyze_records_with<T: Sync>(
        &self,
        records: &[T],
        get: impl Fn(&T) -> Result<&Customer> + Sync,
        as_of: NaiveDate,
        threads: usize,
        sink: &Sink<'_>,
    ) -> Result<PortfolioReport>
    where
        S: Sync,
        P: Sync,
    {
        let threads = threads.max(1);
        let chunk = records.len().div_ceil(threads).max(1);
        let shards: Vec<&[T]> = records.chunks(chunk).collect();
        let get = &get;
        let ones = fan_out(&shards, threads, |shard| {
            Ok(self.summarize_keeping(shard.iter().map(get), None))
        })?;
        let (summary, facts) = self.facts_of_shards(ones, threads)?;
        let guard = StopOnError::new(sink);
        let indices: Vec<usize> = (0..shards.len()).collect();
        let reports = fan_out(&indices, threads, |&i| {
            let sink = |c: &Customer, a: &FitAssessment, r: &Recommendation| guard.call(i, c, a, r);
            self.report(shards[i].iter().map(get), &facts, as_of, &sink, None)
        })?;
        self.complete(reports, summary, facts, as_of, threads)
    }
}

/// The records of a source, as an iterator.
fn drain<Src: CustomerSource>(src: &mut Src) -> impl Iterator<Item = Result<Customer>> + '_ {
    std::iter::from_fn(move || src.next_customer())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept customer that cannot be read back stops phase 2 with an error naming it: it is
    /// neither skipped nor reported as a refused record of the data.
    #[test]
    fn a_kept_customer_that_cannot_be_read_back_stops_the_run() {
        let analyzer = crate::Config::default().analyzer().unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let customer = |id: &str| {
            Customer::builder(id, "C")
                .currency("USD")
                .period(d(2025, 1, 1), d(2025, 12, 31))
                .customer_since(d(2023, 1, 1))
                .recurring_revenue(rust_decimal::Decimal::from(50_000))
                .build()
                .unwrap()
        };
        let mut kept = CompactCustomers::default();
        kept.push(&customer("a"));
        kept.push(&customer("b"));
        kept.cut_short();
        let facts = analyzer.facts(&PortfolioSummary::default());
        let seen = std::sync::Mutex::new(Vec::new());
        let sink = |c: &Customer, _: &FitAssessment, _: &Recommendation| {
            seen.lock().unwrap().push(c.id().to_string());
            Ok(())
        };
        let e = analyzer
            .report_kept(kept, &facts, d(2026, 1, 15), &sink, None)
            .unwrap_err();
        assert!(
            matches!(&e, Error::Source { record: Some(r), .. } if r == "b"),
            "{e}"
        );
        assert_eq!(*seen.lock().unwrap(), ["a"]);
    }
}
