//! The fast path — a CSV file cut into byte ranges, both phases streaming over them on threads
//! (`analyze_shards`) — gives the same report, byte for byte as JSON, as the straightforward
//! path: every row read into a customer, then `analyze_records` over the vector — and, on the
//! sample and a seeded 10k file, as the path a user starts with: the csv crate's reader and
//! serde into the row, without the examples' line splitting or field-by-field parsing.

#[path = "../examples/flat/mod.rs"]
mod flat;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
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
    let mut source = flat::CsvSource::new(file).unwrap();
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
            let row: flat::Row<'_> = record.deserialize(Some(&header)).unwrap();
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

/// A generated file in the temporary directory, named by its content.
fn generated(rows: usize, seed: u64, edit: impl Fn(String) -> String) -> PathBuf {
    let mut text = Vec::new();
    flat::generate::write_csv(rows, seed, &mut text).unwrap();
    let text = edit(String::from_utf8(text).unwrap());
    let path = std::env::temp_dir().join(format!(
        "custfit-fast-path-{rows}-{seed}-{}-{}.csv",
        text.len(),
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
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
        let (header, runs) = flat::split_lines(&text, shards);
        assert_eq!(runs.len(), shards);
        let open = |i: usize| {
            let (base, run) = runs[i];
            Ok(flat::CsvSource::headerless(header.clone(), run, base))
        };
        let report = config()
            .analyzer()
            .unwrap()
            .analyze_shards(runs.len(), 2, open, as_of(), &|_, _, _| Ok(()), None)
            .unwrap();
        assert_eq!(serde_json::to_string(&report).unwrap(), expected);
    }
    std::fs::remove_file(path).ok();
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
    std::fs::remove_file(path).ok();
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
    let reordered =
        std::env::temp_dir().join(format!("custfit-reordered-{}.csv", std::process::id()));
    std::fs::write(&reordered, moved).unwrap();
    assert_eq!(straightforward(&reordered), expected);
    assert_eq!(fast(&reordered, 3), expected);
    std::fs::remove_file(reordered).ok();
    std::fs::remove_file(path).ok();
}

/// Every record of `text`: what the field-by-field parser makes of it (`None`: left to
/// serde) and what serde makes of it.
fn both_parsers(
    text: &str,
    check: impl Fn(usize, Option<&flat::Row<'_>>, &csv::Result<flat::Row<'_>>),
) {
    let mut source = flat::CsvSource::new(text.as_bytes()).unwrap();
    let mut i = 0;
    while source.next_record() {
        check(i, source.by_hand().as_ref(), &source.by_serde());
        i += 1;
    }
}

#[test]
fn the_field_parser_reads_every_generated_row_as_serde_does() {
    let path = generated(5_000, 11, |t| t);
    let text = std::fs::read_to_string(&path).unwrap();
    both_parsers(&text, |i, hand, serde| {
        let serde = serde.as_ref().expect("generated rows parse");
        assert_eq!(hand, Some(serde), "row {i}");
    });
    std::fs::remove_file(path).ok();
}

#[test]
fn the_field_parser_leaves_every_other_form_to_serde() {
    let path = generated(40, 13, |t| t);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // (column, value): forms serde accepts or refuses that the field parser does not take.
    let edits: [(usize, &str); 14] = [
        (14, "0x1F"),        // hexadecimal integer (csv accepts it)
        (12, "48000.0.0"),   // not a decimal
        (10, "2025-1-01"),   // a date chrono reads but not in the plain form
        (11, " 2025-12-31"), // leading blank
        (11, "2025-02-30"),  // no such day
        (8, "Active"),       // not a stage's wire name
        (8, ""),             // a required field blank
        (12, ""),
        (26, "high"), // not a float
        (37, "-0x5"), // not an i16
        (19, "-1"),   // not a u32
        (15, "1,5"),  // a comma: the row gets wider
        (2, "usd"),   // text is taken as is; the builder refuses it
        (21, "２"),   // a non-ASCII digit
    ];
    for (k, (column, value)) in edits.iter().enumerate() {
        let mut fields: Vec<String> = lines[k + 1].split(',').map(str::to_owned).collect();
        fields[*column] = (*value).to_owned();
        lines[k + 1] = fields.join(",");
    }
    let text = lines.join("\n") + "\n";
    both_parsers(&text, |i, hand, serde| {
        // Whatever the field parser reads, serde reads the same.
        if let Some(hand) = hand {
            assert_eq!(Some(hand), serde.as_ref().ok(), "row {i}");
        }
    });
    // The field parser takes the plain forms only: every edited row but the lower-case
    // currency is left to serde.
    let mut source = flat::CsvSource::new(text.as_bytes()).unwrap();
    let mut by_hand = Vec::new();
    while source.next_record() {
        by_hand.push(source.by_hand().is_some());
    }
    let edited: Vec<bool> = by_hand[..edits.len()].to_vec();
    let mut expected = vec![false; edits.len()];
    expected[12] = true;
    assert_eq!(edited, expected);
    assert!(by_hand[edits.len()..].iter().all(|&b| b));
    std::fs::remove_file(path).ok();
}

#[test]
fn a_header_naming_a_column_twice_is_left_to_serde() {
    let path = generated(5, 17, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        lines[0] = lines[0].replacen("segment", "industry", 1);
        lines.join("\n") + "\n"
    });
    let text = std::fs::read_to_string(&path).unwrap();
    both_parsers(&text, |i, hand, serde| {
        assert!(hand.is_none(), "row {i}");
        assert!(serde
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("duplicate field"));
    });
    std::fs::remove_file(path).ok();
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

/// The rows the examples' source finds in `text` after its header (`Err` for a line it
/// refuses).
fn source_rows(text: &[u8]) -> Vec<Result<Vec<String>, ()>> {
    let mut source = flat::CsvSource::new(text).unwrap();
    let mut rows = Vec::new();
    loop {
        match source.next_customer() {
            None => break,
            Some(Err(e))
                if ["not valid UTF-8", "more than one row"]
                    .iter()
                    .any(|m| e.to_string().contains(m)) =>
            {
                rows.push(Err(()))
            }
            Some(_) => {
                let fields = source.fields().expect("a row that was read has fields");
                let row = (0..fields.len()).map(|i| fields.get(i).unwrap().to_owned());
                rows.push(Ok(row.collect()))
            }
        }
    }
    rows
}

#[test]
fn lines_split_as_the_csv_reader_splits_them() {
    let texts: [&[u8]; 11] = [
        b"id,name\nA,\"a line\nbreak inside\"\nB,after it\n",
        b"id,name\r\nA,\"crlf\r\ninside\"\r\nB,x\r\n",
        b"id,name\nA,plain\nB,\"quoted, with a comma\"\nC,\"an \"\"escaped\"\" quote\"\n",
        b"id,name\r\nA,crlf\r\nB,ends\r\n",
        b"id,name\n\nA,after a blank line\n\n\nB,x\n",
        b"id,name\nA,trailing comma,\n,\nB,  spaces  \n",
        b"\xEF\xBB\xBFid,name\nA,after a byte order mark\n",
        b"id,name\nA,no line end at the end",
        b"id,name\nA,\"\"\nB,\"\",\"\"\n",
        b"id\nA\n \nB\n",
        b"id,name\nA,x\nB,\"a \"\"quoted\"\" end\"\r\n",
    ];
    for text in texts {
        assert_eq!(
            source_rows(text),
            csv_rows(text),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn a_line_the_csv_reader_would_cut_in_two_is_refused_not_lost() {
    // A carriage return inside a line ends a row for the csv reader.
    let text = b"id,name\nA,one\rB,two\nC,three\n";
    assert_eq!(csv_rows(text).len(), 3);
    let rows = source_rows(text);
    assert_eq!(rows.len(), 2);
    assert!(rows[0].is_err());
    assert_eq!(rows[1], Ok(vec!["C".to_owned(), "three".to_owned()]));
    // Bytes that are not UTF-8 are refused by both, and reading goes on.
    let text = b"id,name\nA,\xFF\xFE\nB,ok\n";
    let rows = source_rows(text);
    assert_eq!(rows[0], Err(()));
    assert_eq!(rows[1], Ok(vec!["B".to_owned(), "ok".to_owned()]));
    assert!(csv_rows(text)[0].is_err());
    // The refused row is named by the byte it starts at, even with a readable id.
    let mut source = flat::CsvSource::new(&text[..]).unwrap();
    let err = source.next_customer().unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "data source, record byte 8: the row is not valid UTF-8"
    );
    // Reading goes on: the next row is read (and refused for its missing columns, by id).
    let next = source.next_customer().unwrap().unwrap_err().to_string();
    assert!(next.starts_with("data source, record B:"), "{next}");
}

proptest::proptest! {
    /// The eight-bytes-at-a-time comma split finds exactly the commas a byte loop finds, and
    /// gives up on exactly the lines with a quote or a carriage return: lines of every length
    /// (the tail after the last full eight bytes), with minus signs after commas (which the
    /// short borrow trick would take for commas) and multi-byte characters.
    #[test]
    fn comma_split_is_the_byte_loops(
        line in proptest::collection::vec(
            proptest::sample::select(vec![b',', b'-', b'"', b'\r', b'0', b'a', b' ', 0xC3, 0xA9, 0x2B, 0x2D]),
            0..40,
        ),
    ) {
        let mut bounds = Vec::new();
        let plain = flat::split_at_commas(&line, &mut bounds);
        proptest::prop_assert_eq!(plain, !line.contains(&b'"') && !line.contains(&b'\r'));
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
            proptest::prop_assert_eq!(bounds, expected);
        }
    }
}
