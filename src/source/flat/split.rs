//! Splitting a line into its fields, as RFC 4180 CSV: commas found eight bytes at a time on
//! the usual line, quoted fields unquoted on any other.

/// A UTF-8 byte order mark, which some exports put before the header.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The error of a row that is not UTF-8.
pub(super) const NOT_UTF8: &str = "the row is not valid UTF-8";

/// A quoted field not closed on its line.
pub(super) const UNCLOSED: &str = "a quoted field is not closed";

/// Where a scan of a row's bytes is, as a CSV reader sees them: enough to tell whether a
/// line end closes the row or lies inside a quoted field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quotes {
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
    pub(super) fn scan(mut self, bytes: &[u8]) -> Quotes {
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

/// A line end taken off a line: `\n`, `\r\n`, or none (the last line of an input).
#[derive(Debug, Clone, Copy)]
pub(super) struct LineEnd {
    pub(super) len: usize,
}

impl LineEnd {
    pub(super) fn bytes(&self) -> &'static [u8] {
        &b"\r\n"[2 - self.len..]
    }
}

/// Take the line end (`\n` or `\r\n`) off `line`; at the end of the input (no `\n`), a
/// carriage return, which ends a row as the end of the input does.
pub(super) fn cut_line_end(line: &mut Vec<u8>) -> LineEnd {
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
pub(super) struct Split {
    pub(super) bounds: Vec<(usize, usize)>,
    unquoted: String,
    plain: bool,
    /// What the last split gave.
    pub(super) result: std::result::Result<(), &'static str>,
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
    pub(super) fn fields(&mut self, line: &[u8]) -> std::result::Result<Vec<String>, &'static str> {
        self.split(line)?;
        let text = self.text(line)?;
        Ok(self
            .bounds
            .iter()
            .map(|&(a, b)| text[a..b].to_owned())
            .collect())
    }

    /// Split `line` (without its line end) into `bounds`, keeping the result.
    pub(super) fn split(&mut self, line: &[u8]) -> std::result::Result<(), &'static str> {
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
    pub(super) fn text<'s>(&'s self, line: &'s [u8]) -> std::result::Result<&'s str, &'static str> {
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
