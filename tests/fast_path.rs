//! The fast path — a CSV file cut into byte ranges, both phases streaming over them on threads
//! (`analyze_shards`) through the library's `FlatReader` — gives the same report, byte for
//! byte as JSON, as the straightforward path: every row read into a customer, then
//! `analyze_records` over the vector — and, on the sample and a seeded 10k file, as the path a
//! user starts with: the csv crate's reader and serde into `FlatRow`. The reader splits lines
//! as the csv crate does, and reads every field as serde does or names it in an error.

#[path = "../examples/flat/mod.rs"]
mod flat;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use custfit::source::flat::{
    FlatHeader, FlatReader, FlatRow, Shard, ShardedText, COLUMNS, REQUIRED_COLUMNS,
};
use custfit::source::CustomerSource;
use custfit::Config;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
}

fn config() -> Config {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/config.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The report of the straightforward path, as JSON.
fn straightforward(path: &Path) -> String {
    straightforward_on(path, 2)
}

/// [`straightforward`] on `threads` threads.
fn straightforward_on(path: &Path, threads: usize) -> String {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut source = FlatReader::new(file).unwrap();
    let records: Vec<_> = std::iter::from_fn(|| source.next_customer()).collect();
    let report = config()
        .analyzer()
        .unwrap()
        .analyze_records(&records, as_of(), threads, &|_, _, _| Ok(()))
        .unwrap();
    assert!(report.counts_add_up());
    serde_json::to_string(&report).unwrap()
}

/// The report of the way a user would start: the csv crate's reader with serde into the row,
/// the validating builder, then `analyze_records` (no field-by-field parsing, no line
/// splitting). Only for files whose rows all parse.
fn by_csv_and_serde(path: &Path) -> String {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut tags = custfit::customer::TagSet::default();
    let records: Vec<custfit::Result<custfit::Customer>> = reader
        .records()
        .map(|r| {
            let record = r.unwrap();
            let row: FlatRow<'_> = record.deserialize(Some(&header)).unwrap();
            row.into_customer(&mut tags)
        })
        .collect();
    let report = config()
        .analyzer()
        .unwrap()
        .analyze_records(&records, as_of(), 1, &|_, _, _| Ok(()))
        .unwrap();
    serde_json::to_string(&report).unwrap()
}

fn fast(path: &Path, shards: usize) -> String {
    let file = flat::ShardedCsv::new(path, shards).unwrap();
    let report = config()
        .analyzer()
        .unwrap()
        .analyze_shards(
            file.shards(),
            2,
            |i| file.open(i),
            as_of(),
            &|_, _, _| Ok(()),
            None,
        )
        .unwrap();
    serde_json::to_string(&report).unwrap()
}

/// A file in the temporary directory, removed when dropped (also when a test fails).
struct TempCsv(PathBuf);

impl TempCsv {
    fn new(name: String, text: impl AsRef<[u8]>) -> TempCsv {
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, text).unwrap();
        TempCsv(path)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        std::fs::remove_file(&self.0).ok();
    }
}

impl std::ops::Deref for TempCsv {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempCsv {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

/// A generated file in the temporary directory, named by its content.
fn generated(rows: usize, seed: u64, edit: impl Fn(String) -> String) -> TempCsv {
    let mut text = Vec::new();
    flat::generate::write_csv(rows, seed, &mut text).unwrap();
    let text = edit(String::from_utf8(text).unwrap());
    let name = format!(
        "custfit-fast-path-{rows}-{seed}-{}-{}.csv",
        text.len(),
        std::process::id()
    );
    TempCsv::new(name, text)
}

#[test]
fn the_shipped_sample_gives_the_same_report_in_any_number_of_shards() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/customers.csv"
    ));
    let expected = straightforward(path);
    assert_eq!(by_csv_and_serde(path), expected);
    for shards in [1, 2, 3, 7, 64] {
        assert_eq!(fast(path, shards), expected, "{shards} shards");
    }
}

#[test]
fn a_seeded_10k_portfolio_gives_the_same_report() {
    let path = generated(10_000, 7, |t| t);
    let expected = straightforward(&path);
    assert!(expected.contains("\"records\":10000"));
    // One thread, and the analytics computed on one: the same report.
    assert_eq!(straightforward_on(&path, 1), expected);
    assert_eq!(by_csv_and_serde(&path), expected);
    for shards in [1, 2, 5] {
        assert_eq!(fast(&path, shards), expected, "{shards} shards");
    }
    // The same text cut in memory, as the end-to-end benchmark reads it.
    let text = std::fs::read(&path).unwrap();
    for shards in [1, 3] {
        let sharded = ShardedText::new(&text, shards).unwrap();
        assert_eq!(sharded.shards(), shards);
        let open = |i: usize| Ok(sharded.open(i));
        let report = config()
            .analyzer()
            .unwrap()
            .analyze_shards(sharded.shards(), 2, open, as_of(), &|_, _, _| Ok(()), None)
            .unwrap();
        assert_eq!(serde_json::to_string(&report).unwrap(), expected);
    }
}

#[test]
fn bad_and_repeated_rows_are_refused_the_same_way() {
    // A row with a negative hour count, a row repeating an id, a row of the wrong width.
    let path = generated(300, 9, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let mut fields: Vec<&str> = lines[10].split(',').collect();
        fields[16] = "-5"; // engineering_hours
        lines[10] = fields.join(",");
        lines[200] = lines[20].clone();
        lines[250] = "G-X,too,few,columns".into();
        lines.join("\n") + "\n"
    });
    let expected = straightforward(&path);
    assert!(expected.contains("duplicate_customer"));
    assert!(expected.contains("activity.engineering_hours"));
    assert!(expected.contains("the row has 4 fields, the header 40"));
    for shards in [1, 2, 4, 9] {
        assert_eq!(fast(&path, shards), expected, "{shards} shards");
    }
}

#[test]
fn columns_in_another_order_are_read_by_name() {
    let path = generated(200, 5, |t| t);
    let expected = straightforward(&path);
    // Move the id to the end and swap two amounts' columns, in the header and every row.
    let text = std::fs::read_to_string(&path).unwrap();
    let moved: String = text
        .lines()
        .map(|line| {
            let mut f: Vec<&str> = line.split(',').collect();
            f.swap(16, 17);
            let id = f.remove(0);
            f.push(id);
            f.join(",") + "\n"
        })
        .collect();
    let reordered = TempCsv::new(
        format!("custfit-reordered-{}.csv", std::process::id()),
        moved,
    );
    assert_eq!(straightforward(&reordered), expected);
    assert_eq!(fast(&reordered, 3), expected);
}

/// Every record of `text`: what the library's reader makes of it and what serde over the csv
/// crate makes of it.
fn both_parsers(
    text: &str,
    check: impl Fn(usize, &custfit::Result<FlatRow<'_>>, &csv::Result<FlatRow<'_>>),
) {
    let mut source = FlatReader::new(text.as_bytes()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let mut record = csv::StringRecord::new();
    let mut i = 0;
    while let Some(ours) = source.next_record() {
        assert!(reader.read_record(&mut record).unwrap(), "row {i}");
        let ours = ours.unwrap();
        check(i, &ours.row(), &record.deserialize(Some(&header)));
        i += 1;
    }
    assert!(!reader.read_record(&mut record).unwrap());
}

#[test]
fn the_reader_reads_every_generated_row_as_serde_does() {
    let path = generated(5_000, 11, |t| t);
    let text = std::fs::read_to_string(&path).unwrap();
    both_parsers(&text, |i, ours, serde| {
        let serde = serde.as_ref().expect("generated rows parse");
        assert_eq!(ours.as_ref().ok(), Some(serde), "row {i}");
    });
}

#[test]
fn every_other_form_is_read_as_serde_does_or_refused_naming_the_field() {
    let path = generated(40, 13, |t| t);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // (column, value, what the reader says): forms other than the plain one.
    let edits: [(usize, &str, Option<&str>); 16] = [
        // A hexadecimal integer: the csv crate reads it, this reader refuses it.
        (
            14,
            "0x1F",
            Some("field `support_tickets`: cannot read \"0x1F\" as a whole number"),
        ),
        (
            12,
            "48000.0.0",
            Some("field `recurring_revenue`: cannot read \"48000.0.0\""),
        ),
        (10, "2025-1-01", None), // a date chrono reads, not in the plain form
        (11, " 2025-12-31", None), // a leading blank, which chrono reads past
        (11, "2025-02-30", Some("field `period_end`")),
        (
            8,
            "Active",
            Some("field `stage`: cannot read \"Active\" as a stage"),
        ),
        (8, "", Some("field `stage`: cannot read \"\"")),
        (
            12,
            "",
            Some("field `recurring_revenue`: cannot read \"\" as a decimal number"),
        ),
        (
            26,
            "high",
            Some("field `renewal_intent`: cannot read \"high\" as a number"),
        ),
        (
            37,
            "-0x5",
            Some("field `nps`: cannot read \"-0x5\" as a whole number from -32768"),
        ),
        (19, "-1", Some("field `escalations`: cannot read \"-1\"")),
        (15, "1,5", Some("the row has 41 fields, the header 40")),
        (2, "usd", None), // text is taken as is; the builder refuses it
        (
            21,
            "２",
            Some("field `meeting_attendance`: cannot read \"２\""),
        ),
        (13, "1.5e3", None), // scientific notation, as serde reads a decimal
        (20, "+3", None),    // a plus sign, as Rust parses a count
    ];
    for (k, (column, value, _)) in edits.iter().enumerate() {
        let mut fields: Vec<String> = lines[k + 1].split(',').map(str::to_owned).collect();
        fields[*column] = (*value).to_owned();
        lines[k + 1] = fields.join(",");
    }
    let text = lines.join("\n") + "\n";
    both_parsers(&text, |i, ours, serde| match (i, ours) {
        // The reader's refusal names the row and the field; serde refuses too, but for a
        // hexadecimal count.
        (i, Err(e)) if i < edits.len() => {
            let expected = edits[i].2.expect("refused");
            let message = e.to_string();
            assert!(message.contains(expected), "row {i}: {message}");
            let id = format!("record G-{i:07}: ");
            assert!(
                message.contains(&id) || message.contains("record byte"),
                "{message}"
            );
            assert_eq!(serde.is_ok(), i == 0, "row {i}");
        }
        (i, Ok(row)) => {
            assert!(i >= edits.len() || edits[i].2.is_none(), "row {i}");
            assert_eq!(Some(row), serde.as_ref().ok(), "row {i}");
        }
        (i, Err(e)) => panic!("row {i}: {e}"),
    });
}

#[test]
fn a_header_naming_a_column_twice_or_missing_one_is_refused_before_any_row() {
    let path = generated(5, 17, |t| t);
    let text = std::fs::read_to_string(&path).unwrap();
    let twice = text.replacen("segment", "industry", 1);
    let err = FlatReader::new(twice.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "data source, record header: the column `industry` is named twice"
    );
    let missing = text
        .replacen("segment", "sector", 1)
        .replacen(",stage,", ",phase,", 1);
    let err = FlatReader::new(missing.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "data source, record header: required columns are missing: `segment`, `stage`"
    );
    // Without the later columns, and with one no row type knows: read.
    let short: String = text
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').take(REQUIRED_COLUMNS).collect();
            f.push(if l.starts_with("id,") { "comment" } else { "x" });
            f.join(",") + "\n"
        })
        .collect();
    let mut source = FlatReader::new(short.as_bytes()).unwrap();
    assert_eq!(source.header().len(), REQUIRED_COLUMNS + 1);
    assert_eq!(source.header().position("plan"), None);
    assert_eq!(source.header().position("renewal_intent"), Some(26));
    let mut n = 0;
    while let Some(c) = source.next_customer() {
        c.unwrap();
        n += 1;
    }
    assert_eq!(n, 5);
}

/// A header line with every required column, for texts that test line splitting only.
fn header() -> String {
    COLUMNS[..REQUIRED_COLUMNS].join(",")
}

/// `rows` after [`header`].
fn with_header(rows: &[u8]) -> Vec<u8> {
    let mut text = header().into_bytes();
    text.extend_from_slice(rows);
    text
}

/// The rows the csv reader finds in `text` after its header, or the first error.
fn csv_rows(text: &[u8]) -> Vec<Result<Vec<String>, ()>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|_| ())
        })
        .collect()
}

/// The rows the library's reader finds in `text` after its header (`Err` for a line it
/// refuses).
fn source_rows(text: &[u8]) -> Vec<Result<Vec<String>, ()>> {
    let mut source = FlatReader::new(text).unwrap();
    let mut rows = Vec::new();
    while let Some(record) = source.next_record() {
        rows.push(
            record
                .map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|_| ()),
        );
    }
    rows
}

#[test]
fn lines_split_as_the_csv_reader_splits_them() {
    let rows: [&[u8]; 14] = [
        // A bad byte before a quoted line break: the row is refused whole, the field's second
        // line is not taken for a row.
        b"\nA,\xFF,\"x\nC-9,y\"\nB,z\n",
        // A carriage return ends the input's last row, or is its last, blank line.
        b"\nA,x\r",
        b"\nA,x\n\r",
        b"\nA,\"a line\nbreak inside\"\nB,after it\n",
        b"\r\nA,\"crlf\r\ninside\"\r\nB,x\r\n",
        b"\nA,plain\nB,\"quoted, with a comma\"\nC,\"an \"\"escaped\"\" quote\"\n",
        b"\r\nA,crlf\r\nB,ends\r\n",
        b"\n\nA,after a blank line\n\n\nB,x\n",
        b"\nA,trailing comma,\n,\nB,  spaces  \n",
        b"\nA,no line end at the end",
        b"\nA,\"\"\nB,\"\",\"\"\n",
        b"\nA\n \nB\n",
        b"\nA,x\nB,\"a \"\"quoted\"\" end\"\r\n",
        b"\nA,a \"quote\" inside,\"\r\"\n",
    ];
    for rows in rows {
        let text = with_header(rows);
        assert_eq!(
            source_rows(&text),
            csv_rows(&text),
            "{}",
            String::from_utf8_lossy(&text)
        );
    }
    // After a byte order mark.
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend(with_header(b"\nA,after a byte order mark\n"));
    assert_eq!(source_rows(&text), csv_rows(&text));
    assert_eq!(
        source_rows(&text),
        [Ok(vec![
            "A".to_owned(),
            "after a byte order mark".to_owned()
        ])]
    );
}

#[test]
fn a_line_the_csv_reader_would_cut_in_two_is_refused_not_lost() {
    // A carriage return inside a line ends a row for the csv reader.
    let text = with_header(b"\nA,one\rB,two\nC,three\n");
    assert_eq!(csv_rows(&text).len(), 3);
    let rows = source_rows(&text);
    assert_eq!(rows.len(), 2);
    assert!(rows[0].is_err());
    assert_eq!(rows[1], Ok(vec!["C".to_owned(), "three".to_owned()]));
    // Bytes that are not UTF-8 are refused by both, and reading goes on.
    let text = with_header(b"\nA,\xFF\xFE\nB,ok\n");
    let rows = source_rows(&text);
    assert_eq!(rows[0], Err(()));
    assert_eq!(rows[1], Ok(vec!["B".to_owned(), "ok".to_owned()]));
    assert!(csv_rows(&text)[0].is_err());
    // The refused row is named by the byte it starts at, even with a readable id.
    let mut source = FlatReader::new(&text[..]).unwrap();
    let err = source.next_customer().unwrap().unwrap_err();
    let byte = header().len() + 1;
    assert_eq!(
        err.to_string(),
        format!("data source, record byte {byte}: the row is not valid UTF-8")
    );
    // Reading goes on: the next row is read (and refused for its width, by id).
    let next = source.next_customer().unwrap().unwrap_err().to_string();
    assert_eq!(
        next,
        "data source, record B: the row has 2 fields, the header 27"
    );
    // Text after a closing quote, and a quoted field that never closes: refused, named.
    let text = with_header(b"\nA,\"x\"y\nB,\"never closed\n");
    let mut source = FlatReader::new(&text[..]).unwrap();
    let errors: Vec<String> = std::iter::from_fn(|| source.next_customer())
        .map(|r| r.unwrap_err().to_string())
        .collect();
    assert_eq!(
        errors,
        [
            format!("data source, record byte {byte}: text after the closing quote of a field"),
            format!(
                "data source, record byte {}: a quoted field is not closed",
                byte + 7
            ),
        ]
    );
}

#[test]
fn quoted_line_breaks_are_read_whole_in_memory_and_refused_in_a_file_shard() {
    // A quoted field with line breaks whose second line looks like a customer of its own.
    let mut rows = String::new();
    for i in 0..20 {
        rows += &format!("\nC-{i},\"name {i}\"");
    }
    rows += "\nQ,\"two\nC-666,Evil,USD\nlines\"\nD,after\n";
    let text = with_header(rows.as_bytes());
    let whole = source_rows(&text);
    assert_eq!(whole.len(), 22);
    assert_eq!(
        whole[20],
        Ok(vec![
            "Q".to_owned(),
            "two\nC-666,Evil,USD\nlines".to_owned()
        ])
    );
    // In memory the cuts fall outside quoted fields: the same rows in any number of shards.
    for shards in [1, 2, 3, 5, 8, 40] {
        let sharded = ShardedText::new(&text, shards).unwrap();
        let mut rows = Vec::new();
        for i in 0..sharded.shards() {
            let mut shard = sharded.open(i);
            while let Some(record) = shard.next_record() {
                rows.push(
                    record
                        .map(|r| r.iter().map(str::to_owned).collect())
                        .map_err(|_| ()),
                );
            }
        }
        assert_eq!(rows, whole, "{shards} shards");
    }
    // A file cut at line ends without its bytes: the row is refused where it starts, and
    // whatever its other lines make is refused too (here, for its width) or read as a row;
    // the docs say to read such a file whole or in memory.
    let mut header_input = &text[..];
    let (header, body) = FlatHeader::read(&mut header_input).unwrap();
    let mut errors = Vec::new();
    for shard in Shard::plan(text.len() as u64, body, 1) {
        let mut reader =
            FlatReader::seek_shard(header.clone(), std::io::Cursor::new(&text), &shard).unwrap();
        while let Some(record) = reader.next_record() {
            if let Err(e) = record {
                errors.push(e.to_string());
            }
        }
    }
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("a field may not hold a line break"),
        "{}",
        errors[0]
    );
}

/// A field as an export writes it: plain text, or quoted with commas and doubled quotes.
fn field() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        "[a-z0-9 .-]{0,6}",
        "[a-z, \"\n]{0,6}".prop_map(|f| format!("\"{}\"", f.replace('"', "\"\""))),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Cut into any number of shards, a text reads the same records in the same order as
    /// read whole: every row once, wherever the cuts fall (mid-line, at a line end, inside a
    /// quoted field), with blank lines and `\r\n` line ends among the rows.
    #[test]
    fn shards_read_every_row_once(
        rows in proptest::collection::vec(
            (proptest::collection::vec(field(), 1..5), 0u8..4),
            0..40,
        ),
        shards in 1usize..9,
    ) {
        let mut text = header().into_bytes();
        text.push(b'\n');
        for (fields, end) in &rows {
            text.extend_from_slice(fields.join(",").as_bytes());
            text.extend_from_slice(match end { 0 => &b"\r\n"[..], 1 => b"\n\n", _ => b"\n" });
        }
        let whole = source_rows(&text);
        let sharded = ShardedText::new(&text, shards).unwrap();
        let mut cut = Vec::new();
        for i in 0..sharded.shards() {
            let mut shard = sharded.open(i);
            while let Some(record) = shard.next_record() {
                cut.push(record.map(|r| r.iter().map(str::to_owned).collect()).map_err(|_| ()));
            }
        }
        proptest::prop_assert_eq!(&cut, &whole);
        proptest::prop_assert_eq!(whole, csv_rows(&text));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any bytes after a valid header, cut into any number of shards: every row is a customer
    /// or an error naming it, never a panic, and the shards read as many rows as the whole.
    #[test]
    fn any_bytes_read_without_a_panic(
        body in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b",\"\r\n\xEF\xBB\xBF\xFF a0-.".to_vec()),
                proptest::prelude::any::<u8>(),
            ],
            0..300,
        ),
        shards in 1usize..6,
    ) {
        let mut text = header().into_bytes();
        text.push(b'\n');
        text.extend_from_slice(&body);
        let whole = source_rows(&text);
        let sharded = ShardedText::new(&text, shards).unwrap();
        let mut read = 0;
        for i in 0..sharded.shards() {
            let mut shard = sharded.open(i);
            while let Some(c) = shard.next_customer() {
                if let Err(e) = c {
                    let named = e.to_string().starts_with("data source, record ");
                    proptest::prop_assert!(named || e.customer().is_some(), "{}", e);
                }
                read += 1;
            }
        }
        // A quoted line break joins lines when read whole and is refused in a shard, so the
        // shards may read more rows, never fewer.
        proptest::prop_assert!(read >= whole.len(), "{} < {}", read, whole.len());
    }
}
