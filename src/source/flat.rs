//! The flat CSV export: one row per customer, the columns of [`COLUMNS`], an optional column
//! left blank when the CRM has no value (a blank is unknown, never zero).
//!
//! Two ways in, giving the same customers:
//!
//! - **[`FlatRow`]**, a serde row type: read the file with any CSV reader (the `csv` crate's
//!   `StringRecord::deserialize`, say) and call [`FlatRow::into_customer`].
//! - **[`FlatReader`]**, a [`CustomerSource`] over bytes the caller provides (any
//!   [`BufRead`]: a file, a slice of a buffer). It splits the usual line at its commas eight
//!   bytes at a time and parses each field in place, with no allocation on the happy path;
//!   [`ShardedText`] (a text in memory, cut outside quoted fields) and [`Shard::plan`] with
//!   [`FlatReader::seek_shard`] (a file, cut at line ends) cut one input into ranges that
//!   threads read on their own ([`PortfolioAnalyzer::analyze_shards`](crate::portfolio::PortfolioAnalyzer::analyze_shards)
//!   opens each twice, once per phase). This is the path for a large export.
//!
//! [`FlatReader`] reads CSV as RFC 4180 writes it: fields split at commas, a field in double
//! quotes may hold commas, quotes (doubled) and line breaks, lines end in `\n` or `\r\n`, a
//! blank line is no row and a UTF-8 byte order mark before the header is skipped. It is
//! stricter than a general CSV reader where a file is malformed, and says so instead of
//! guessing: a carriage return alone inside a line, text after a field's closing quote, a
//! quoted field that never closes and bytes that are not UTF-8 are each an error naming the row.
//! Each field is read in its plain form — text as it is, decimals as [`Decimal::from_str`]
//! (or in scientific notation), whole numbers and floats as Rust parses them, dates
//! `YYYY-MM-DD` (or any form [`NaiveDate::from_str`] takes), the stage by its wire name — and
//! anything else is an error naming the row and the field (`field `support_tickets`: cannot
//! read "0x1F" as a whole number`), where serde over the `csv` crate would accept a
//! hexadecimal count.
//!
//! A header is checked once: a column named twice or a required one missing (the first
//! [`REQUIRED_COLUMNS`] of [`COLUMNS`]) is an error before any row is read; unknown columns
//! are ignored, the later columns may be left out and columns may come in any order.
//!
//! ```
//! use custfit::source::flat::FlatReader;
//! use custfit::source::CustomerSource;
//!
//! let csv = "id,name,currency,industry,segment,region,account_owner,acquisition_channel,\
//! stage,customer_since,period_start,period_end,recurring_revenue,one_time_revenue,\
//! support_tickets,support_hours,engineering_hours,success_hours,executive_hours,escalations,\
//! custom_features,meeting_attendance,plan_adherence,goal_changes,outcomes_achieved,\
//! content_consumed,renewal_intent
//! C-1,Acme,USD,logistics,mid-market,EMEA,,,active,2022-03-01,2025-01-01,2025-12-31,48000,,\
//! 12,30,4,20,,0,1,0.9,0.8,0,0.7,0.6,0.9
//! C-2,\"Beta, Inc.\",USD,,,,,,active,,2025-01-01,2025-12-31,1200,,0x1F,,,,,,,,,,,,
//! ";
//! let mut reader = FlatReader::new(csv.as_bytes())?;
//! let acme = reader.next_customer().unwrap()?;
//! assert_eq!(acme.id().as_str(), "C-1");
//! let beta = reader.next_customer().unwrap().unwrap_err();
//! assert_eq!(
//!     beta.to_string(),
//!     "data source, record C-2: field `support_tickets`: cannot read \"0x1F\" as a whole \
//!      number from 0 to 4294967295"
//! );
//! assert!(reader.next_customer().is_none());
//! # Ok::<(), custfit::Error>(())
//! ```

use std::io::BufRead;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::{Customer, LifecycleStage, RequestScope, Severity, TagSet};
use crate::error::{Error, Result};
use crate::source::CustomerSource;

/// Every column, in the order [`FlatRow`] lists them. The first [`REQUIRED_COLUMNS`] are in
/// every file; a file may leave out any of the later ones.
pub const COLUMNS: &[&str] = &COLUMN_NAMES;

/// [`COLUMNS`], sized (a slice in the API, so that a column may be added).
const COLUMN_NAMES: [&str; 40] = [
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

/// How many of [`COLUMNS`], from the first, every file has.
pub const REQUIRED_COLUMNS: usize = 27;

/// One row of the flat export, borrowing its text from the record it is read from. A blank
/// optional field is `None`; the later columns may be absent from the file.
///
/// Each field is the column of the same name (see [`COLUMNS`]) and goes to the
/// [`CustomerBuilder`](crate::customer::CustomerBuilder) method of that name;
/// `support_tickets` and `support_hours` are the normal-severity tickets and their handling
/// hours; custom features and feature requests are counts.
#[allow(missing_docs)]
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlatRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub currency: &'a str,
    pub industry: Option<&'a str>,
    pub segment: Option<&'a str>,
    pub region: Option<&'a str>,
    pub account_owner: Option<&'a str>,
    pub acquisition_channel: Option<&'a str>,
    pub stage: LifecycleStage,
    pub customer_since: Option<NaiveDate>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub recurring_revenue: Decimal,
    pub one_time_revenue: Option<Decimal>,
    pub support_tickets: Option<u32>,
    pub support_hours: Option<Decimal>,
    pub engineering_hours: Option<Decimal>,
    pub success_hours: Option<Decimal>,
    pub executive_hours: Option<Decimal>,
    pub escalations: Option<u32>,
    pub custom_features: Option<u32>,
    pub meeting_attendance: Option<Decimal>,
    pub plan_adherence: Option<Decimal>,
    pub goal_changes: Option<u32>,
    pub outcomes_achieved: Option<Decimal>,
    pub content_consumed: Option<Decimal>,
    pub renewal_intent: Option<f64>,
    #[serde(default)]
    pub use_case: Option<&'a str>,
    #[serde(default)]
    pub plan: Option<&'a str>,
    #[serde(default)]
    pub product_version: Option<&'a str>,
    #[serde(default)]
    pub parent: Option<&'a str>,
    #[serde(default)]
    pub acquisition_cost: Option<Decimal>,
    #[serde(default)]
    pub expansion_whitespace: Option<Decimal>,
    #[serde(default)]
    pub upsell_whitespace: Option<Decimal>,
    #[serde(default)]
    pub cross_sell_whitespace: Option<Decimal>,
    #[serde(default)]
    pub growth_likelihood: Option<f64>,
    #[serde(default)]
    pub historical_growth: Option<Decimal>,
    #[serde(default)]
    pub nps: Option<i16>,
    #[serde(default)]
    pub broad_requests: Option<u32>,
    #[serde(default)]
    pub custom_requests: Option<u32>,
}

impl FlatRow<'_> {
    /// The customer, through the validating builder: a bad value is an error naming the
    /// customer and the field. Tags come from `tags`, so each text is stored once.
    ///
    /// # Errors
    ///
    /// The builder's errors; [`Error::Source`] naming the row for support hours without a
    /// ticket count.
    pub fn into_customer(self, tags: &mut TagSet) -> Result<Customer> {
        let mut b = Customer::builder(self.id, self.name)
            .currency(self.currency)
            .period(self.period_start, self.period_end)
            .stage(self.stage)
            .recurring_revenue(self.recurring_revenue);
        macro_rules! opt {
            ($($field:ident),*) => { $( if let Some(v) = self.$field { b = b.$field(v); } )* };
        }
        macro_rules! tag {
            ($($field:ident),*) => {
                $( if let Some(v) = self.$field { b = b.$field(tags.tag(v)); } )*
            };
        }
        tag!(
            industry,
            segment,
            region,
            account_owner,
            acquisition_channel,
            use_case,
            plan,
            product_version
        );
        opt!(customer_since, parent);
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
                return Err(Error::source_message(
                    (!self.id.is_empty()).then(|| self.id.to_owned()),
                    "support_hours given without support_tickets",
                ))
            }
            (None, None) => {}
        }
        // The export counts features and requests: counted, not named.
        b.unnamed_custom_features(self.custom_features.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Broad, self.broad_requests.unwrap_or(0))
            .unnamed_feature_requests(RequestScope::Custom, self.custom_requests.unwrap_or(0))
            .build()
    }
}

/// The header of a flat export: its column names, and where each of [`COLUMNS`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatHeader {
    names: Vec<String>,
    at: [Option<usize>; COLUMN_NAMES.len()],
}

/// The name of the header in errors.
const HEADER: &str = "header";

impl FlatHeader {
    /// The header from its line (without the line end; a byte order mark before it is
    /// skipped), split as a row is.
    ///
    /// # Errors
    ///
    /// [`Error::Source`] naming the `header`: a line that cannot be split, a column named
    /// twice, a required column missing (all of them listed).
    pub fn parse(line: &[u8]) -> Result<Self> {
        let line = line.strip_prefix(BOM).unwrap_or(line);
        let bad = |message: String| Error::source_message(Some(HEADER.into()), message);
        let mut split = Split::default();
        let names = split.fields(line).map_err(|e| bad(e.to_owned()))?;
        let mut at = [None; COLUMN_NAMES.len()];
        for (i, name) in names.iter().enumerate() {
            if let Some(c) = COLUMNS.iter().position(|c| c == name) {
                if at[c].replace(i).is_some() {
                    return Err(bad(format!("the column `{name}` is named twice")));
                }
            }
        }
        let missing: Vec<String> = COLUMNS[..REQUIRED_COLUMNS]
            .iter()
            .zip(&at)
            .filter(|(_, at)| at.is_none())
            .map(|(c, _)| format!("`{c}`"))
            .collect();
        if !missing.is_empty() {
            return Err(bad(format!(
                "required columns are missing: {}",
                missing.join(", ")
            )));
        }
        Ok(FlatHeader { names, at })
    }

    /// The header from the first line of `input`, and the bytes that line took with its line
    /// end (where the rows start).
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse); [`Error::Source`] with the read error as its cause when
    /// `input` fails.
    pub fn read<R: BufRead>(input: &mut R) -> Result<(Self, u64)> {
        let mut line = Vec::new();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::from_source(Some(HEADER.into()), e))?;
        cut_line_end(&mut line);
        Ok((FlatHeader::parse(&line)?, n as u64))
    }

    /// The column names, as in the file.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the header names no column (never, for a parsed one: the required columns are
    /// there).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Where the column `name` (one of [`COLUMNS`]) is in a row.
    pub fn position(&self, name: &str) -> Option<usize> {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|c| self.at[c])
    }
}

/// A byte range of an input after its header: the rows that *start* in it. Consecutive
/// shards of one [`plan`](Self::plan) cover every line exactly once, wherever the cuts fall;
/// a plan made by [`ShardedText`] cuts outside quoted fields, so its shards cover every row
/// exactly once even where a quoted field holds a line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    body: u64,
    start: u64,
    end: u64,
    /// Whether the range starts at a row's start (cut outside quoted fields), so that a
    /// quoted field may go on over line breaks.
    whole_rows: bool,
}

impl Shard {
    /// `shards` ranges of about equal size (at least one) of an input of `len` bytes whose
    /// rows start at byte `body` (after the header; see [`FlatHeader::read`]), cut at line
    /// ends. Without the bytes, a cut could fall inside a quoted field that holds a line
    /// break: a reader of such a shard refuses a row whose quoted field is not closed on its
    /// line, and the lines after it would be read as rows of their own. Read a file with such
    /// fields whole ([`FlatReader::new`]) or in memory ([`ShardedText`], which cuts outside
    /// quoted fields).
    pub fn plan(len: u64, body: u64, shards: usize) -> Vec<Shard> {
        let body = body.min(len);
        let span = (len - body).div_ceil(shards.max(1) as u64).max(1);
        (0..shards.max(1) as u64)
            .map(|i| {
                let start = body.saturating_add(span.saturating_mul(i)).min(len);
                Shard {
                    body,
                    start,
                    end: start.saturating_add(span).min(len),
                    whole_rows: false,
                }
            })
            .collect()
    }

    /// The byte of the input at which the reader of this shard must start
    /// ([`FlatReader::shard`]): one before the range, to tell whether a row starts exactly
    /// at its first byte.
    pub fn read_from(&self) -> u64 {
        if self.start > self.body {
            self.start - 1
        } else {
            self.start
        }
    }

    /// The first byte of the range.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The byte after the range.
    pub fn end(&self) -> u64 {
        self.end
    }
}

/// A UTF-8 byte order mark, which some exports put before the header.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The error of a row that is not UTF-8.
const NOT_UTF8: &str = "the row is not valid UTF-8";

/// A quoted field not closed on its line.
const UNCLOSED: &str = "a quoted field is not closed";

/// Customers from the rows of a flat export, lazily; a row that cannot be read or validated
/// is an error naming it, and reading goes on with the next row. A row whose line cannot be
/// split into fields is named by the byte of the input it starts at; any other by its id, or
/// by its byte when its id is blank (so that the name does not depend on how the input was
/// cut). See the [module docs](self) for the format.
#[derive(Debug)]
pub struct FlatReader<R> {
    input: R,
    header: FlatHeader,
    /// The line just read, without its line end; it starts at `line_start` (after a byte
    /// order mark).
    line: Vec<u8>,
    line_start: usize,
    /// The fields of the line just read.
    split: Split,
    /// The tags read so far, each text once.
    tags: TagSet,
    /// Bytes of `input` read so far.
    at: u64,
    /// Stop before a row that starts at or after this byte of `input`.
    end: u64,
    /// Where `input` starts in the whole input, for the names of rows.
    base: u64,
    /// Whether a quoted field may go on over a line break (not in a shard, whose cuts fall
    /// at line ends).
    multi_line: bool,
    /// A read that failed before the first row (finding a shard's first line), reported
    /// once.
    failed: Option<Error>,
}

impl<R: BufRead> FlatReader<R> {
    /// Every row of `input`, which starts with its header line.
    ///
    /// # Errors
    ///
    /// The header's ([`FlatHeader::read`]).
    pub fn new(mut input: R) -> Result<Self> {
        let (header, body) = FlatHeader::read(&mut input)?;
        let mut reader = FlatReader::headerless(header, input, body);
        reader.multi_line = true;
        Ok(reader)
    }

    /// The rows of `input`, which has no header line: `header` names the columns. `base` is
    /// where `input` starts in the whole input, for the names of rows without an id.
    pub fn headerless(header: FlatHeader, input: R, base: u64) -> Self {
        FlatReader {
            input,
            header,
            line: Vec::new(),
            line_start: 0,
            split: Split::default(),
            tags: TagSet::default(),
            at: 0,
            end: u64::MAX,
            base,
            multi_line: true,
            failed: None,
        }
    }

    /// The rows that start in `shard`, from `input` positioned at the shard's
    /// [`read_from`](Shard::read_from) byte of the whole input ([`seek_shard`](Self::seek_shard)
    /// positions it). In a shard of [`Shard::plan`], a quoted field may not hold a line break
    /// (a cut could fall inside it): such a row is an error, never read in part.
    pub fn shard(header: FlatHeader, input: R, shard: &Shard) -> Self {
        let from = shard.read_from();
        let mut reader = FlatReader::headerless(header, input, from);
        reader.multi_line = shard.whole_rows;
        reader.end = shard.end - from;
        if shard.start > shard.body {
            // Skip to the end of the line holding the byte before the range: a line that
            // starts exactly at `start` is then the first one read.
            let mut skipped = Vec::new();
            match reader.input.read_until(b'\n', &mut skipped) {
                Ok(n) => reader.at = n as u64,
                Err(e) => {
                    // Reported by the first read, which reads nothing else.
                    reader.failed = Some(Error::from_source(Some(at_byte(shard.start)), e));
                    reader.end = 0;
                }
            }
        }
        reader
    }

    /// The header.
    pub fn header(&self) -> &FlatHeader {
        &self.header
    }

    /// The next row, split into its fields but not parsed; `None` at the end of the input
    /// (or of the shard).
    ///
    /// # Errors
    ///
    /// [`Error::Source`] naming the row by the byte it starts at: a read that failed (not
    /// retried), a line that cannot be split (see the [module docs](self)).
    pub fn next_record(&mut self) -> Option<Result<FlatRecord<'_>>> {
        let byte = match self.read()? {
            Ok(byte) => byte,
            Err(e) => return Some(Err(e)),
        };
        let record = match self.split.text(&self.line[self.line_start..]) {
            Ok(text) => FlatRecord {
                header: &self.header,
                text,
                bounds: &self.split.bounds,
                byte,
            },
            Err(message) => return Some(Err(Error::source_message(Some(at_byte(byte)), message))),
        };
        Some(Ok(record))
    }

    /// Read the next non-blank row and split it into `split`: the byte of the whole input it
    /// starts at.
    fn read(&mut self) -> Option<Result<u64>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        loop {
            let start = self.at;
            if start >= self.end {
                return None;
            }
            self.line.clear();
            let mut n = match self.input.read_until(b'\n', &mut self.line) {
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => {
                    self.end = start; // a read that failed once is not retried
                    return Some(Err(Error::from_source(Some(at_byte(self.base + start)), e)));
                }
            };
            let byte = self.base + start;
            let mut line_end = cut_line_end(&mut self.line);
            self.line_start = if byte == 0 && self.line.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            // A blank line is no row (a line with a quote is not blank).
            if self.line.len() == self.line_start {
                self.at += n as u64;
                continue;
            }
            if self.split.split(&self.line[self.line_start..]).is_err() && self.multi_line {
                // A quoted field that goes on over the line break: the row with the next lines
                // until it closes, each line's quotes scanned once.
                let mut state = Quotes::scan(Quotes::FieldStart, &self.line[self.line_start..]);
                while state == Quotes::Quoted && line_end.len > 0 {
                    let from = self.line.len();
                    self.line.extend_from_slice(line_end.bytes());
                    match self.input.read_until(b'\n', &mut self.line) {
                        Ok(0) => break, // the input ends inside the field
                        Ok(m) => n += m,
                        Err(e) => {
                            self.at += n as u64;
                            self.end = self.at; // a read that failed once is not retried
                            return Some(Err(Error::from_source(Some(at_byte(byte)), e)));
                        }
                    }
                    line_end = cut_line_end(&mut self.line);
                    state = Quotes::scan(state, &self.line[from..]);
                }
                // Split again whole: it now fails only for what is wrong in the row itself.
                let _ = self.split.split(&self.line[self.line_start..]);
            }
            self.at += n as u64;
            return Some(match self.split.result {
                Ok(()) => Ok(byte),
                Err(UNCLOSED) if !self.multi_line => Err(Error::source_message(
                    Some(at_byte(byte)),
                    "a quoted field is not closed on its line (in a shard cut at line ends, \
                     a field may not hold a line break)",
                )),
                Err(message) => Err(Error::source_message(Some(at_byte(byte)), message)),
            });
        }
    }
}

/// [`Shard::plan`]'s cuts, each moved to the first row that starts at or after it, so that no
/// cut falls inside a quoted field: the shards read whole rows, line breaks in quoted fields
/// too. The text is scanned once when it has a quote; without one every line starts a row.
fn plan_rows(text: &[u8], body: u64, shards: usize) -> Vec<Shard> {
    let mut plan = Shard::plan(text.len() as u64, body, shards);
    let body = usize::try_from(body).map_or(text.len(), |b| b.min(text.len()));
    if text[body..].contains(&b'"') {
        let mut state = Quotes::FieldStart;
        let mut cuts = plan.iter().map(|s| s.start).skip(1).peekable();
        let mut starts = Vec::with_capacity(plan.len());
        starts.push(plan[0].start);
        for (i, &b) in text.iter().enumerate().skip(body) {
            state = Quotes::scan(state, &[b]);
            // A line end outside quotes: a row starts after it.
            if b == b'\n' && state == Quotes::FieldStart {
                let next = i as u64 + 1;
                while cuts.next_if(|&c| c <= next).is_some() {
                    starts.push(next);
                }
            }
        }
        starts.extend(cuts.map(|_| text.len() as u64));
        let ends = starts.iter().skip(1).copied().chain([text.len() as u64]);
        for ((shard, start), end) in plan.iter_mut().zip(starts.iter().copied()).zip(ends) {
            (shard.start, shard.end) = (start, end);
        }
    }
    for shard in &mut plan {
        shard.whole_rows = true;
    }
    plan
}

/// Where a scan of a row's bytes is, as a CSV reader sees them: enough to tell whether a
/// line end closes the row or lies inside a quoted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quotes {
    /// At the start of a field (of the row, or after a comma or a line end).
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: its end, or the first of a doubled quote.
    AfterQuote,
}

impl Quotes {
    /// The state after `bytes`, from `self`.
    fn scan(mut self, bytes: &[u8]) -> Quotes {
        for &b in bytes {
            self = match (self, b) {
                (Quotes::Quoted, b'"') => Quotes::AfterQuote,
                (Quotes::Quoted, _) => Quotes::Quoted,
                (Quotes::FieldStart | Quotes::AfterQuote, b'"') => Quotes::Quoted,
                (_, b',' | b'\n') => Quotes::FieldStart,
                _ => Quotes::Unquoted,
            };
        }
        self
    }
}

impl<S: std::io::Read + std::io::Seek> FlatReader<std::io::BufReader<S>> {
    /// The rows that start in `shard` of `input`, a whole input that can seek (a file): it is
    /// positioned at the shard's [`read_from`](Shard::read_from) byte and buffered.
    ///
    /// # Errors
    ///
    /// [`Error::Source`] with the seek error as its cause, naming the shard's first byte.
    pub fn seek_shard(header: FlatHeader, mut input: S, shard: &Shard) -> Result<Self> {
        input
            .seek(std::io::SeekFrom::Start(shard.read_from()))
            .map_err(|e| Error::from_source(Some(at_byte(shard.start)), e))?;
        let input = std::io::BufReader::with_capacity(1 << 16, input);
        Ok(FlatReader::shard(header, input, shard))
    }
}

/// A whole export in memory, with its header line, cut into shards of about equal size that
/// together read every row once, each on its own thread if wished. A shard may be opened any
/// number of times (the phases of a portfolio run open each twice): shard `i` is always the
/// same rows.
///
/// ```
/// use custfit::source::flat::ShardedText;
/// use custfit::source::CustomerSource;
///
/// let mut csv = String::from(
///     "id,name,currency,industry,segment,region,account_owner,acquisition_channel,stage,\
/// customer_since,period_start,period_end,recurring_revenue,one_time_revenue,support_tickets,\
/// support_hours,engineering_hours,success_hours,executive_hours,escalations,custom_features,\
/// meeting_attendance,plan_adherence,goal_changes,outcomes_achieved,content_consumed,\
/// renewal_intent\n",
/// );
/// for i in 0..10 {
///     csv += &format!("C-{i},Customer {i},USD,,,,,,active,2024-01-01,2025-01-01,2025-12-31,1000,,,,,,,,,,,,,,\n");
/// }
/// let text = ShardedText::new(csv.as_bytes(), 3)?;
/// let ids: Vec<String> = (0..text.shards())
///     .flat_map(|i| {
///         let mut shard = text.open(i);
///         std::iter::from_fn(move || shard.next_customer())
///     })
///     .map(|c| c.map(|c| c.id().to_string()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(ids, (0..10).map(|i| format!("C-{i}")).collect::<Vec<_>>());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ShardedText<'a> {
    text: &'a [u8],
    header: FlatHeader,
    shards: Vec<Shard>,
}

impl<'a> ShardedText<'a> {
    /// `text` cut into `shards` (at least one).
    ///
    /// # Errors
    ///
    /// The header's ([`FlatHeader::read`]).
    pub fn new(text: &'a [u8], shards: usize) -> Result<Self> {
        let mut input = text;
        let (header, body) = FlatHeader::read(&mut input)?;
        Ok(ShardedText {
            text,
            header,
            shards: plan_rows(text, body, shards),
        })
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// The header.
    pub fn header(&self) -> &FlatHeader {
        &self.header
    }

    /// A reader of shard `i`'s rows.
    ///
    /// # Panics
    ///
    /// When `i` is not below [`shards`](Self::shards).
    pub fn open(&self, i: usize) -> FlatReader<&'a [u8]> {
        let shard = &self.shards[i];
        // `read_from` is within the text: the plan's bytes are at most its length.
        let from =
            usize::try_from(shard.read_from()).map_or(self.text.len(), |f| f.min(self.text.len()));
        FlatReader::shard(self.header.clone(), &self.text[from..], shard)
    }
}

impl<R: BufRead> CustomerSource for FlatReader<R> {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        let byte = match self.read()? {
            Ok(byte) => byte,
            Err(e) => return Some(Err(e)),
        };
        let text = match self.split.text(&self.line[self.line_start..]) {
            Ok(text) => text,
            Err(message) => return Some(Err(Error::source_message(Some(at_byte(byte)), message))),
        };
        let record = FlatRecord {
            header: &self.header,
            text,
            bounds: &self.split.bounds,
            byte,
        };
        Some(
            record
                .row()
                .and_then(|row| row.into_customer(&mut self.tags)),
        )
    }
}

/// The name of a row by the byte it starts at.
fn at_byte(byte: u64) -> String {
    format!("byte {byte}")
}

/// One row of a [`FlatReader`], split into its fields.
#[derive(Debug, Clone, Copy)]
pub struct FlatRecord<'r> {
    header: &'r FlatHeader,
    text: &'r str,
    bounds: &'r [(usize, usize)],
    byte: u64,
}

impl<'r> FlatRecord<'r> {
    /// The number of fields.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Whether the row has no field (never: a row has at least one).
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Field `i`, unquoted.
    pub fn get(&self, i: usize) -> Option<&'r str> {
        let text = self.text;
        self.bounds.get(i).map(|&(a, b)| &text[a..b])
    }

    /// The fields, unquoted.
    pub fn iter(&self) -> impl Iterator<Item = &'r str> + 'r {
        let text = self.text;
        self.bounds.iter().map(move |&(a, b)| &text[a..b])
    }

    /// The byte of the whole input the row starts at.
    pub fn byte(&self) -> u64 {
        self.byte
    }

    /// The row's id, when it has one that is not blank.
    pub fn id(&self) -> Option<&'r str> {
        self.field(0).filter(|id| !id.is_empty())
    }

    /// The name of the row in errors: its id, else `byte N`.
    pub fn name(&self) -> String {
        self.id().map_or_else(|| at_byte(self.byte), str::to_owned)
    }

    /// The field of column `c` of [`COLUMNS`]: `None` when the file has no such column.
    fn field(&self, c: usize) -> Option<&'r str> {
        self.header.at[c].and_then(|i| self.get(i))
    }

    /// The row, each field parsed in its plain form (see the [module docs](self)).
    ///
    /// # Errors
    ///
    /// [`Error::Source`] naming the row (by its id, else by its byte) for a row whose width is
    /// not the header's, and with the field for a field that cannot be read.
    pub fn row(&self) -> Result<FlatRow<'r>> {
        if self.len() != self.header.len() {
            return Err(Error::source_message(
                Some(self.name()),
                format!(
                    "the row has {} fields, the header {}",
                    self.len(),
                    self.header.len()
                ),
            ));
        }
        let bad = |c: usize, text: &str, expected: &str| {
            Error::source_message(
                Some(self.name()),
                format!("field `{}`: cannot read {text:?} as {expected}", COLUMNS[c]),
            )
        };
        // Required columns are there (checked with the header); a later one may be absent.
        let text = |c: usize| self.field(c).unwrap_or_default();
        let opt_text = |c: usize| self.field(c).filter(|s| !s.is_empty());
        macro_rules! required {
            ($c:expr, $read:expr, $expected:expr) => {{
                let s = text($c);
                $read(s).ok_or_else(|| bad($c, s, $expected))?
            }};
        }
        macro_rules! optional {
            ($c:expr, $read:expr, $expected:expr) => {
                match opt_text($c) {
                    None => None,
                    Some(s) => Some($read(s).ok_or_else(|| bad($c, s, $expected))?),
                }
            };
        }
        const DECIMAL: &str = "a decimal number";
        const DATE: &str = "a date (YYYY-MM-DD)";
        const COUNT: &str = "a whole number from 0 to 4294967295";
        const FLOAT: &str = "a number";
        Ok(FlatRow {
            id: text(0),
            name: text(1),
            currency: text(2),
            industry: opt_text(3),
            segment: opt_text(4),
            region: opt_text(5),
            account_owner: opt_text(6),
            acquisition_channel: opt_text(7),
            stage: required!(8, stage, "a stage (prospect, onboarding, active, churned)"),
            customer_since: optional!(9, date, DATE),
            period_start: required!(10, date, DATE),
            period_end: required!(11, date, DATE),
            recurring_revenue: required!(12, decimal, DECIMAL),
            one_time_revenue: optional!(13, decimal, DECIMAL),
            support_tickets: optional!(14, count, COUNT),
            support_hours: optional!(15, decimal, DECIMAL),
            engineering_hours: optional!(16, decimal, DECIMAL),
            success_hours: optional!(17, decimal, DECIMAL),
            executive_hours: optional!(18, decimal, DECIMAL),
            escalations: optional!(19, count, COUNT),
            custom_features: optional!(20, count, COUNT),
            meeting_attendance: optional!(21, decimal, DECIMAL),
            plan_adherence: optional!(22, decimal, DECIMAL),
            goal_changes: optional!(23, count, COUNT),
            outcomes_achieved: optional!(24, decimal, DECIMAL),
            content_consumed: optional!(25, decimal, DECIMAL),
            renewal_intent: optional!(26, float, FLOAT),
            use_case: opt_text(27),
            plan: opt_text(28),
            product_version: opt_text(29),
            parent: opt_text(30),
            acquisition_cost: optional!(31, decimal, DECIMAL),
            expansion_whitespace: optional!(32, decimal, DECIMAL),
            upsell_whitespace: optional!(33, decimal, DECIMAL),
            cross_sell_whitespace: optional!(34, decimal, DECIMAL),
            growth_likelihood: optional!(35, float, FLOAT),
            historical_growth: optional!(36, decimal, DECIMAL),
            nps: optional!(
                37,
                |s: &str| s.parse::<i16>().ok(),
                "a whole number from -32768 to 32767"
            ),
            broad_requests: optional!(38, count, COUNT),
            custom_requests: optional!(39, count, COUNT),
        })
    }
}

/// A decimal as serde reads one from text: `Decimal::from_str`, else scientific notation.
fn decimal(s: &str) -> Option<Decimal> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .ok()
}

fn count(s: &str) -> Option<u32> {
    s.parse().ok()
}

fn float(s: &str) -> Option<f64> {
    s.parse().ok()
}

/// A date: `YYYY-MM-DD` read directly (the form exports use), any other form as chrono's
/// `FromStr` (as serde) reads it.
fn date(s: &str) -> Option<NaiveDate> {
    plain_date(s).or_else(|| NaiveDate::from_str(s).ok())
}

fn plain_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// A stage by its wire name.
fn stage(s: &str) -> Option<LifecycleStage> {
    use serde::de::IntoDeserializer;
    let d: serde::de::value::StrDeserializer<'_, serde::de::value::Error> = s.into_deserializer();
    LifecycleStage::deserialize(d).ok()
}

/// A line end taken off a line: `\n`, `\r\n`, or none (the last line of an input).
#[derive(Debug, Clone, Copy)]
struct LineEnd {
    len: usize,
}

impl LineEnd {
    fn bytes(&self) -> &'static [u8] {
        &b"\r\n"[2 - self.len..]
    }
}

/// Take the line end (`\n` or `\r\n`) off `line`; at the end of the input (no `\n`), a
/// carriage return, which ends a row as the end of the input does.
fn cut_line_end(line: &mut Vec<u8>) -> LineEnd {
    if line.last() != Some(&b'\n') {
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return LineEnd { len: 0 };
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
        return LineEnd { len: 2 };
    }
    LineEnd { len: 1 }
}

/// The fields of one line: where its commas split it (a plain line: the fields are the
/// line's own bytes), or the fields unquoted into `unquoted`.
#[derive(Debug)]
struct Split {
    bounds: Vec<(usize, usize)>,
    unquoted: String,
    plain: bool,
    /// What the last split gave.
    result: std::result::Result<(), &'static str>,
}

impl Default for Split {
    fn default() -> Self {
        Split {
            bounds: Vec::new(),
            unquoted: String::new(),
            plain: false,
            result: Err(UNCLOSED),
        }
    }
}

impl Split {
    /// The fields of `line` (without its line end), unquoted.
    fn fields(&mut self, line: &[u8]) -> std::result::Result<Vec<String>, &'static str> {
        self.split(line)?;
        let text = self.text(line)?;
        Ok(self
            .bounds
            .iter()
            .map(|&(a, b)| text[a..b].to_owned())
            .collect())
    }

    /// Split `line` (without its line end) into `bounds`, keeping the result.
    fn split(&mut self, line: &[u8]) -> std::result::Result<(), &'static str> {
        self.result = self.split_quoted(line);
        self.result
    }

    fn split_quoted(&mut self, line: &[u8]) -> std::result::Result<(), &'static str> {
        self.plain = split_at_commas(line, &mut self.bounds);
        if self.plain {
            return Ok(());
        }
        let text = std::str::from_utf8(line).map_err(|_| NOT_UTF8)?;
        self.bounds.clear();
        self.unquoted.clear();
        let b = text.as_bytes();
        let mut i = 0;
        loop {
            let start = self.unquoted.len();
            if b.get(i) == Some(&b'"') {
                i += 1;
                loop {
                    let Some(j) = b[i..].iter().position(|&c| c == b'"') else {
                        return Err(UNCLOSED);
                    };
                    self.unquoted.push_str(&text[i..i + j]);
                    i += j + 1;
                    if b.get(i) == Some(&b'"') {
                        self.unquoted.push('"');
                        i += 1;
                    } else {
                        break;
                    }
                }
                if i < b.len() && b[i] != b',' {
                    return Err("text after the closing quote of a field");
                }
            } else {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b',')
                    .map_or(b.len(), |j| i + j);
                let field = &text[i..end];
                if field.contains('\r') {
                    return Err("the line holds more than one row (a carriage return inside it)");
                }
                self.unquoted.push_str(field);
                i = end;
            }
            self.bounds.push((start, self.unquoted.len()));
            if i >= b.len() {
                return Ok(());
            }
            i += 1; // the comma
        }
    }

    /// The text the bounds index: the line itself when it was plain (checked to be UTF-8
    /// here, once), else the unquoted fields.
    fn text<'s>(&'s self, line: &'s [u8]) -> std::result::Result<&'s str, &'static str> {
        if self.plain {
            std::str::from_utf8(line).map_err(|_| NOT_UTF8)
        } else {
            Ok(&self.unquoted)
        }
    }
}

/// The ranges between the commas of `line` into `bounds`, or `false` when the line has a quote
/// or a carriage return (for [`Split::split`] to split). Eight bytes at a time: this runs on
/// every line of a file.
fn split_at_commas(line: &[u8], bounds: &mut Vec<(usize, usize)>) -> bool {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The high bit of each byte of `word` that is `byte`, and of no other (exact, unlike the
    // shorter borrow trick, which also marks a byte after a match).
    let matches = |word: u64, byte: u8| {
        let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
        !(((x & LOW7) + LOW7) | x | LOW7)
    };
    bounds.clear();
    let mut start = 0;
    let mut at = 0;
    let mut rest = line;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        let word = u64::from_le_bytes(*chunk);
        if matches(word, b'"') | matches(word, b'\r') != 0 {
            return false;
        }
        let mut commas = matches(word, b',');
        while commas != 0 {
            let i = at + (commas.trailing_zeros() / 8) as usize;
            bounds.push((start, i));
            start = i + 1;
            commas &= commas - 1;
        }
        at += 8;
        rest = tail;
    }
    for (i, &b) in rest.iter().enumerate() {
        match b {
            b'"' | b'\r' => return false,
            b',' => {
                bounds.push((start, at + i));
                start = at + i + 1;
            }
            _ => {}
        }
    }
    bounds.push((start, line.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The eight-bytes-at-a-time comma split finds exactly the commas a byte loop finds,
        /// and gives up on exactly the lines with a quote or a carriage return: lines of
        /// every length (the tail after the last full eight bytes), with minus signs after
        /// commas (which the short borrow trick would take for commas) and multi-byte
        /// characters.
        #[test]
        fn comma_split_is_the_byte_loops(
            line in proptest::collection::vec(
                proptest::sample::select(
                    vec![b',', b'-', b'"', b'\r', b'0', b'a', b' ', 0xC3, 0xA9, 0x2B, 0x2D],
                ),
                0..40,
            ),
        ) {
            let mut bounds = Vec::new();
            let plain = split_at_commas(&line, &mut bounds);
            prop_assert_eq!(plain, !line.contains(&b'"') && !line.contains(&b'\r'));
            if plain {
                let mut expected = Vec::new();
                let mut start = 0;
                for (i, &b) in line.iter().enumerate() {
                    if b == b',' {
                        expected.push((start, i));
                        start = i + 1;
                    }
                }
                expected.push((start, line.len()));
                prop_assert_eq!(bounds, expected);
            }
        }
    }

    #[test]
    fn line_ends_are_cut_and_given_back() {
        for (line, rest, end) in [
            (&b"a,b\n"[..], &b"a,b"[..], &b"\n"[..]),
            (b"a,b\r\n", b"a,b", b"\r\n"),
            (b"a,b", b"a,b", b""),
            (b"a\r", b"a", b""), // a carriage return at the end of the input
        ] {
            let mut v = line.to_vec();
            let cut = cut_line_end(&mut v);
            assert_eq!((&v[..], cut.bytes()), (rest, end));
        }
    }

    /// `data`, then a read error.
    struct FailsAfter<'a>(&'a [u8]);

    impl std::io::Read for FailsAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk gone"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_inside_a_quoted_field_is_the_read_error_and_reading_stops() {
        let header = COLUMNS[..REQUIRED_COLUMNS].join(",");
        let text = format!("{header}\nA,\"x\ny");
        let input = std::io::BufReader::with_capacity(4, FailsAfter(text.as_bytes()));
        let mut reader = FlatReader::new(input).unwrap();
        let err = reader.next_record().unwrap().unwrap_err();
        let byte = header.len() + 1;
        assert_eq!(
            err.to_string(),
            format!("data source, record byte {byte}: disk gone")
        );
        assert!(err.source_cause().is_some());
        assert!(reader.next_record().is_none());
    }

    #[test]
    fn quotes_are_scanned_as_a_csv_reader_reads_them() {
        use Quotes::*;
        for (bytes, state) in [
            (&b"a,b"[..], Unquoted),
            (b"a,\"b", Quoted),
            (b"a,\"b\"", AfterQuote),
            (b"a,\"b\"\"", Quoted),
            (b"a,\"b\n", Quoted),
            (b"a,\"b\",", FieldStart),
            (b"a\"b", Unquoted),
            (b"\"a\"\n", FieldStart),
            (b"\"a\"x\"", Unquoted),
        ] {
            assert_eq!(
                FieldStart.scan(bytes),
                state,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn text_shards_start_at_rows_outside_quotes() {
        let header = COLUMNS[..REQUIRED_COLUMNS].join(",");
        let text = format!("{header}\nA,\"1\n2\n3\n4\n5\"\nB,x\nC,y\n");
        let body = header.len() as u64 + 1;
        let plan = plan_rows(text.as_bytes(), body, 4);
        let row_b = text.find("B,").unwrap() as u64;
        let row_c = text.find("C,").unwrap() as u64;
        let starts: Vec<u64> = plan.iter().map(|s| s.start).collect();
        let len = text.len() as u64;
        // Cuts that fall inside the quoted field move to the row after it.
        assert!(
            starts.iter().all(|s| [body, row_b, row_c, len].contains(s)),
            "{starts:?}"
        );
        assert_eq!(starts[0], body);
        assert!(plan.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(plan.last().unwrap().end, len);
        assert!(plan.iter().all(|s| s.whole_rows));
    }

    #[test]
    fn quoted_fields_are_unquoted() {
        let mut split = Split::default();
        let fields = split.fields(br#"a,"b, c","d ""e""","",f"#).unwrap();
        assert_eq!(fields, ["a", "b, c", r#"d "e""#, "", "f"]);
        for (line, error) in [
            (&br#"a,"b"c"#[..], "text after the closing quote of a field"),
            (br#"a,"b"#, UNCLOSED),
            (
                b"a,b\rc,\"d\"",
                "the line holds more than one row (a carriage return inside it)",
            ),
            (b"\"\xFF\"", NOT_UTF8),
        ] {
            assert_eq!(split.fields(line), Err(error));
        }
        // A quote inside an unquoted field is text, as for other CSV readers.
        let fields = split.fields(br#"a"b,"c""#).unwrap();
        assert_eq!(fields, [r#"a"b"#, "c"]);
    }
}
