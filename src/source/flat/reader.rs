//! Reading rows: the reader over the caller's bytes, and each row's fields parsed in place.

use std::io::BufRead;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::split::{cut_line_end, Quotes, Split, BOM, UNCLOSED};
use super::{FlatHeader, FlatRow, Shard, COLUMNS};
use crate::customer::{Customer, LifecycleStage, TagSet};
use crate::error::{Error, Result};
use crate::source::CustomerSource;

/// Customers from the rows of a flat export, lazily; a row that cannot be read or validated
/// is an error naming it, and reading goes on with the next row. A row whose line cannot be
/// split into fields is named by the byte of the input it starts at; any other by its id, or
/// by its byte when its id is blank (so that the name does not depend on how the input was
/// cut). See the [module docs](super) for the format.
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
    /// retried), a line that cannot be split (see the [module docs](super)).
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
pub(super) fn at_byte(byte: u64) -> String {
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

    /// The row, each field parsed in its plain form (see the [module docs](super)).
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

#[cfg(test)]
mod tests {
    use super::super::REQUIRED_COLUMNS;
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A date is read as chrono reads it, the plain form directly: texts of dates, near
        /// dates and no dates.
        #[test]
        fn dates_are_read_as_chrono_reads_them(
            s in "[0-9]{4}[-x/][0-9]{1,2}[-x/][0-9]{1,2}|[0-9x -]{0,12}"
        ) {
            prop_assert_eq!(date(&s), NaiveDate::from_str(&s).ok(), "{}", s);
        }

        /// Every plain date, valid or not (a 31st of any month), is read as chrono reads it.
        #[test]
        fn plain_dates_are_read_as_chrono_reads_them(
            year in 0i32..=9999, month in 0u32..=13, day in 0u32..=32
        ) {
            let s = format!("{year:04}-{month:02}-{day:02}");
            prop_assert_eq!(plain_date(&s), NaiveDate::from_str(&s).ok(), "{}", s);
            prop_assert_eq!(date(&s), NaiveDate::from_str(&s).ok(), "{}", s);
        }
    }

    #[test]
    fn a_date_in_another_form_is_left_to_chrono_and_a_short_one_refused() {
        assert_eq!(
            plain_date("2025-01-31"),
            NaiveDate::from_ymd_opt(2025, 1, 31)
        );
        for other in [
            "2025x01-01",
            "2025-01x01",
            "2025",
            "",
            "2025-1-01",
            "+2025-01-1",
        ] {
            assert_eq!(plain_date(other), None, "{other:?}");
        }
        assert_eq!(date("2025-1-01"), NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(date("2025x01-01"), None);
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

    /// A header line with the required columns, and a row of them whose id is `id`.
    fn header_and_row(id: &str) -> (String, String) {
        let header = COLUMNS[..REQUIRED_COLUMNS].join(",");
        let mut row = vec![""; REQUIRED_COLUMNS];
        row[..3].copy_from_slice(&[id, "Acme", "USD"]);
        row[8] = "active";
        row[10..13].copy_from_slice(&["2025-01-01", "2025-12-31", "1000"]);
        (header, row.join(","))
    }

    #[test]
    fn a_read_error_at_a_later_row_names_the_byte_that_row_starts_at() {
        let (header, row) = header_and_row("A");
        let text = format!("{header}\n{row}\n");
        let input = std::io::BufReader::with_capacity(4, FailsAfter(text.as_bytes()));
        let mut reader = FlatReader::new(input).unwrap();
        assert!(reader.next_record().unwrap().is_ok());
        let err = reader.next_record().unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("data source, record byte {}: disk gone", text.len())
        );
        assert!(reader.next_record().is_none());
    }

    #[test]
    fn a_byte_order_mark_is_taken_off_only_where_the_input_starts() {
        let (header, row) = header_and_row("A");
        let header = FlatHeader::parse(header.as_bytes()).unwrap();
        let id = |text: String, base: u64| {
            let mut reader = FlatReader::headerless(header.clone(), text.as_bytes(), base);
            let mut ids = Vec::new();
            while let Some(record) = reader.next_record() {
                ids.push(record.unwrap().id().unwrap().to_owned());
            }
            ids
        };
        let marked = format!("\u{FEFF}{row}\n{row}\n");
        // At the start of the whole input, the mark is no part of the row.
        assert_eq!(id(marked.clone(), 0), ["A", "A"]);
        // Elsewhere it is the row's own text: a later row, or a part of an input read from
        // a later byte.
        assert_eq!(id(marked, 7), ["\u{FEFF}A", "A"]);
        assert_eq!(id(format!("{row}\n\u{FEFF}{row}\n"), 0), ["A", "\u{FEFF}A"]);
    }

    #[test]
    fn the_header_gives_its_names_in_the_files_order() {
        let (header, _) = header_and_row("A");
        let parsed = FlatHeader::parse(format!("{header},comment").as_bytes()).unwrap();
        let mut expected: Vec<&str> = COLUMNS[..REQUIRED_COLUMNS].to_vec();
        expected.push("comment");
        assert_eq!(parsed.names(), expected);
        assert_eq!(parsed.len(), REQUIRED_COLUMNS + 1);
        assert!(!parsed.is_empty());
    }

    #[test]
    fn support_hours_without_tickets_name_the_row_by_its_id_when_it_has_one() {
        let message = |id: &str| {
            let (header, row) = header_and_row(id);
            // Hours on support (column 15) with no ticket count (column 14).
            let mut fields: Vec<&str> = row.split(',').collect();
            fields[15] = "3";
            let text = format!("{header}\n{}\n", fields.join(","));
            let mut reader = FlatReader::new(text.as_bytes()).unwrap();
            reader.next_customer().unwrap().unwrap_err().to_string()
        };
        assert_eq!(
            message("X"),
            "data source, record X: support_hours given without support_tickets"
        );
        assert_eq!(
            message(""),
            "data source, record (unknown): support_hours given without support_tickets"
        );
    }

    #[test]
    fn rows_after_a_row_over_several_lines_start_at_their_own_bytes() {
        let (header, row) = header_and_row("A");
        // The name of the first row holds two line breaks.
        let long = row.replacen("Acme", "\"Acme\nInc.\r\nEurope\"", 1);
        let text = format!("{header}\n{long}\n{row}\n{row}\n");
        let mut reader = FlatReader::new(text.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        while let Some(record) = reader.next_record() {
            let record = record.unwrap();
            assert_eq!((record.len(), record.is_empty()), (REQUIRED_COLUMNS, false));
            bytes.push(record.byte());
            if bytes.len() == 1 {
                assert_eq!(record.get(1), Some("Acme\nInc.\r\nEurope"));
            }
        }
        let second = header.len() + 1 + long.len() + 1;
        assert_eq!(
            bytes,
            [
                header.len() as u64 + 1,
                second as u64,
                (second + row.len() + 1) as u64
            ]
        );
    }
}
