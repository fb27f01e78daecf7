//! The header of a flat export: its columns, checked once.

use std::io::BufRead;

use super::split::{cut_line_end, Split, BOM};
use super::{COLUMNS, COLUMN_NAMES, REQUIRED_COLUMNS};
use crate::error::{Error, Result};

/// The header of a flat export: its column names, and where each of [`COLUMNS`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatHeader {
    names: Vec<String>,
    /// Where each of [`COLUMNS`] is in a row.
    pub(super) at: [Option<usize>; COLUMN_NAMES.len()],
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
