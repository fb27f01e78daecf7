//! The flat CSV export the examples read: one row per customer, optional columns blank when the
//! CRM has no value (a blank is unknown, never zero). `examples/data/customers.csv` is one;
//! `cargo run --release --example generate` writes larger ones.
//!
//! [`ShardedCsv`] splits a file into byte ranges that threads read on their own, each range
//! opened again for every phase of a portfolio run (`PortfolioAnalyzer::analyze_shards`), so
//! the customers are never all in memory. Ranges are cut at line ends: the format has no
//! newline inside a field.

#![allow(dead_code)]

pub mod generate;

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use custfit::customer::{LifecycleStage, RequestScope, Severity};
use custfit::source::CustomerSource;
use custfit::Customer;
use rust_decimal::Decimal;
use serde::Deserialize;

/// Every column, in the order the generator writes them. The first 27 are the shipped
/// sample's; a file may leave out any of the later ones.
pub const COLUMNS: [&str; 40] = [
    "id",
    "name",
    "currency",
    "industry",
    "segment",
    "region",
    "account_owner",
    "acquisition_channel",
    "stage",
    "customer_since",
    "period_start",
    "period_end",
    "recurring_revenue",
    "one_time_revenue",
    "support_tickets",
    "support_hours",
    "engineering_hours",
    "success_hours",
    "executive_hours",
    "escalations",
    "custom_features",
    "meeting_attendance",
    "plan_adherence",
    "goal_changes",
    "outcomes_achieved",
    "content_consumed",
    "renewal_intent",
    "use_case",
    "plan",
    "product_version",
    "parent",
    "acquisition_cost",
    "expansion_whitespace",
    "upsell_whitespace",
    "cross_sell_whitespace",
    "growth_likelihood",
    "historical_growth",
    "nps",
    "broad_requests",
    "custom_requests",
];

/// One row, borrowing its text from the reader's record; optional columns may be blank or
/// absent.
#[derive(Debug, Deserialize)]
pub struct Row<'a> {
    id: &'a str,
    name: &'a str,
    currency: &'a str,
    industry: Option<&'a str>,
    segment: Option<&'a str>,
    region: Option<&'a str>,
    account_owner: Option<&'a str>,
    acquisition_channel: Option<&'a str>,
    stage: LifecycleStage,
    customer_since: Option<NaiveDate>,
    period_start: NaiveDate,
    period_end: NaiveDate,
    recurring_revenue: Decimal,
    one_time_revenue: Option<Decimal>,
    support_tickets: Option<u32>,
    support_hours: Option<Decimal>,
    engineering_hours: Option<Decimal>,
    success_hours: Option<Decimal>,
    executive_hours: Option<Decimal>,
    escalations: Option<u32>,
    custom_features: Option<u32>,
    meeting_attendance: Option<Decimal>,
    plan_adherence: Option<Decimal>,
    goal_changes: Option<u32>,
    outcomes_achieved: Option<Decimal>,
    content_consumed: Option<Decimal>,
    renewal_intent: Option<f64>,
    #[serde(default)]
    use_case: Option<&'a str>,
    #[serde(default)]
    plan: Option<&'a str>,
    #[serde(default)]
    product_version: Option<&'a str>,
    #[serde(default)]
    parent: Option<&'a str>,
    #[serde(default)]
    acquisition_cost: Option<Decimal>,
    #[serde(default)]
    expansion_whitespace: Option<Decimal>,
    #[serde(default)]
    upsell_whitespace: Option<Decimal>,
    #[serde(default)]
    cross_sell_whitespace: Option<Decimal>,
    #[serde(default)]
    growth_likelihood: Option<f64>,
    #[serde(default)]
    historical_growth: Option<Decimal>,
    #[serde(default)]
    nps: Option<i16>,
    #[serde(default)]
    broad_requests: Option<u32>,
    #[serde(default)]
    custom_requests: Option<u32>,
}

impl Row<'_> {
    /// The customer, through the validating builder: a bad value is an error naming the
    /// customer and the field.
    pub fn into_customer(self) -> custfit::Result<Customer> {
        let mut b = Customer::builder(self.id, self.name)
            .currency(self.currency)
            .period(self.period_start, self.period_end)
            .stage(self.stage)
            .recurring_revenue(self.recurring_revenue);
        macro_rules! opt {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { b = b.$field(v); } )* };
        }
        opt!(
            industry,
            segment,
            region,
            account_owner,
            acquisition_channel,
            customer_since,
            use_case,
            plan,
            product_version,
            parent
        );
        opt!(
            one_time_revenue,
            acquisition_cost,
            engineering_hours,
            success_hours,
            executive_hours,
            escalations
        );
        opt!(
            meeting_attendance,
            plan_adherence,
            goal_changes,
            outcomes_achieved,
            content_consumed,
            renewal_intent,
            nps
        );
        opt!(
            expansion_whitespace,
            upsell_whitespace,
            cross_sell_whitespace,
            growth_likelihood,
            historical_growth
        );
        match (self.support_tickets, self.support_hours) {
            (Some(n), hours) => b = b.tickets(Severity::Normal, n, hours),
            (None, Some(_)) => {
                return Err(custfit::Error::source_message(
                    Some(self.id.to_owned()),
                    "support_hours given without support_tickets",
                ))
            }
            (None, None) => {}
        }
        // The export counts features and requests: counted, not named.
        b = b
            .unnamed_custom_features(self.custom_features.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Broad, self.broad_requests.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Custom, self.custom_requests.unwrap_or(0));
        b.build()
    }
}

/// Reads customers from CSV rows, lazily; a row that cannot be parsed or validated is an error
/// naming it (by its id when the row has one, else by its line), and reading goes on.
pub struct CsvSource<R> {
    reader: csv::Reader<R>,
    header: csv::StringRecord,
    /// Whether the header lists the columns in the order of [`COLUMNS`].
    in_order: bool,
    /// Where the id is.
    id_column: usize,
    record: csv::StringRecord,
    /// Stop before a record that starts at or after this byte of the reader.
    end: u64,
    /// Where the reader started, in the file, for the error of a row without an id.
    base: u64,
}

impl<R: Read> CsvSource<R> {
    /// Rows without a header line, named by `header`; `base` is where `input` starts in the
    /// file (for the name of a row without an id).
    pub fn headerless(header: csv::StringRecord, input: R, base: u64) -> Self {
        CsvSource {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(input),
            in_order: in_order(&header),
            id_column: header.iter().position(|h| h == "id").unwrap_or(0),
            header,
            record: csv::StringRecord::new(),
            end: u64::MAX,
            base,
        }
    }

    /// All the rows of a CSV text with its header line.
    pub fn new(input: R) -> csv::Result<Self> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header = reader.headers()?.clone();
        Ok(CsvSource {
            reader,
            in_order: in_order(&header),
            id_column: header.iter().position(|h| h == "id").unwrap_or(0),
            header,
            record: csv::StringRecord::new(),
            end: u64::MAX,
            base: 0,
        })
    }
}

impl<R: Read> CustomerSource for CsvSource<R> {
    // Rows whose id is not wanted are only split into fields, not parsed into customers.
    fn next_wanted(&mut self, wanted: &dyn Fn(&str) -> bool) -> Option<custfit::Result<Customer>> {
        loop {
            if self.reader.position().byte() >= self.end {
                return None;
            }
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) if self.record.get(self.id_column).is_some_and(wanted) => {
                    return Some(self.customer(None));
                }
                _ => continue,
            }
        }
    }

    fn next_customer(&mut self) -> Option<custfit::Result<Customer>> {
        let at = self.reader.position().byte();
        if at >= self.end {
            return None;
        }
        // Rows are named by their id, else by where they start in the file, so that the
        // name does not depend on how the file was cut.
        let byte = self.base + at;
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(self.customer(Some(byte))),
            Err(e) => Some(Err(custfit::Error::source_message(
                Some(format!("byte {byte}")),
                match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
                    _ => e.to_string(),
                },
            ))),
        }
    }
}

impl<R: Read> CsvSource<R> {
    /// The customer of the record just read, which started at `byte` of the file (for the
    /// name of a row without an id).
    fn customer(&self, byte: Option<u64>) -> custfit::Result<Customer> {
        let id = self.record.get(self.id_column).filter(|id| !id.is_empty());
        let name = || match (id, byte) {
            (Some(id), _) => id.to_owned(),
            (None, Some(byte)) => format!("byte {byte}"),
            (None, None) => "(no id)".to_owned(),
        };
        if self.record.len() != self.header.len() {
            return Err(custfit::Error::source_message(
                Some(name()),
                format!(
                    "the row has {} fields, the header {}",
                    self.record.len(),
                    self.header.len()
                ),
            ));
        }
        // Columns in the generator's order are read by position, others by name.
        let by_name = (!self.in_order).then_some(&self.header);
        match self.record.deserialize::<Row<'_>>(by_name) {
            Ok(row) => row.into_customer(),
            Err(e) => Err(custfit::Error::from_source(Some(name()), e)),
        }
    }
}

/// Whether `header` is a prefix of [`COLUMNS`] (the later columns may be left out).
fn in_order(header: &csv::StringRecord) -> bool {
    header.len() <= COLUMNS.len() && header.iter().zip(COLUMNS).all(|(h, c)| h == c)
}

/// A CSV file cut into byte ranges at line ends, one per thread.
pub struct ShardedCsv {
    path: PathBuf,
    header: csv::StringRecord,
    /// Where the first record starts.
    body: u64,
    len: u64,
    shards: usize,
}

impl ShardedCsv {
    /// `path` in `shards` ranges of about equal size (at least one).
    pub fn new(path: &Path, shards: usize) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut first = String::new();
        let body = BufReader::new(file).read_line(&mut first)? as u64;
        let header = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(first.as_bytes())
            .records()
            .next()
            .transpose()
            .map_err(std::io::Error::other)?
            .unwrap_or_default();
        Ok(ShardedCsv {
            path: path.to_owned(),
            header,
            body,
            len,
            shards: shards.max(1),
        })
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.shards
    }

    /// Shard `i`: the records that start in its byte range. A record belongs to the range its
    /// first byte lies in, so every record is read by exactly one shard.
    pub fn open(&self, i: usize) -> custfit::Result<CsvSource<BufReader<File>>> {
        let failed = |e: std::io::Error| {
            custfit::Error::from_source(Some(format!("{} shard {i}", self.path.display())), e)
        };
        let span = (self.len - self.body).div_ceil(self.shards as u64);
        let start = self.body + span * i as u64;
        let end = (start + span).min(self.len);
        let mut file = BufReader::with_capacity(1 << 16, File::open(&self.path).map_err(failed)?);
        // Begin at the first line that starts at or after `start`: step back one byte and
        // skip to the end of that line (a line starting exactly at `start` is kept).
        let mut begin = start.min(self.len);
        if begin > self.body {
            file.seek(SeekFrom::Start(begin - 1)).map_err(failed)?;
            let mut skipped = Vec::new();
            begin += file.read_until(b'\n', &mut skipped).map_err(failed)? as u64 - 1;
        } else {
            file.seek(SeekFrom::Start(begin)).map_err(failed)?;
        }
        let mut source = CsvSource::headerless(self.header.clone(), file, begin);
        source.end = end.saturating_sub(begin);
        Ok(source)
    }
}

/// A CSV text in memory cut into `shards` runs of whole lines after its header: the header,
/// and each run with its offset in the text.
pub fn split_lines(text: &[u8], shards: usize) -> (csv::StringRecord, Vec<(u64, &[u8])>) {
    let body = text
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| i + 1);
    let header = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&text[..body])
        .records()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let span = (text.len() - body).div_ceil(shards.max(1)).max(1);
    let mut runs = Vec::new();
    let mut start = body;
    while start < text.len() {
        let cut = (start + span).min(text.len());
        let end = text[cut..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| cut + i + 1);
        runs.push((start as u64, &text[start..end]));
        start = end;
    }
    (header, runs)
}
