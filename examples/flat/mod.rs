//! The flat CSV export the examples read: one row per customer, optional columns blank when the
//! CRM has no value (a blank is unknown, never zero). `examples/data/customers.csv` is one;
//! `cargo run --release --example generate` writes larger ones.
//!
//! Reading it is the library's (`custfit::source::flat`: the row type, the reader, the shard
//! plan); this module adds what the library leaves to its caller, the file: [`ShardedCsv`]
//! opens each byte range of a file for the thread that reads it: once in a portfolio run
//! (`PortfolioAnalyzer::analyze_shards`), which keeps the customers compactly between its
//! phases, or once for every phase with `BetweenPhases::ReadAgain`, when the customers are
//! never all in memory.

#![allow(dead_code)]

pub mod generate;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

pub use custfit::source::flat::COLUMNS;
use custfit::source::flat::{FlatHeader, FlatReader, Shard};

/// A CSV file cut into byte ranges at line ends, one per thread.
pub struct ShardedCsv {
    path: PathBuf,
    header: FlatHeader,
    shards: Vec<Shard>,
}

impl ShardedCsv {
    /// `path` in `shards` ranges of about equal size (at least one).
    pub fn new(path: &Path, shards: usize) -> custfit::Result<Self> {
        let failed =
            |e: std::io::Error| custfit::Error::from_source(Some(path.display().to_string()), e);
        let file = File::open(path).map_err(failed)?;
        let len = file.metadata().map_err(failed)?.len();
        let (header, body) = FlatHeader::read(&mut BufReader::new(file))?;
        Ok(ShardedCsv {
            path: path.to_owned(),
            header,
            shards: Shard::plan(len, body, shards),
        })
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// Shard `i`: the records that start in its byte range.
    pub fn open(&self, i: usize) -> custfit::Result<FlatReader<BufReader<File>>> {
        let failed = |e: std::io::Error| {
            custfit::Error::from_source(Some(format!("{} shard {i}", self.path.display())), e)
        };
        let file = File::open(&self.path).map_err(failed)?;
        FlatReader::seek_shard(self.header.clone(), file, &self.shards[i])
    }
}
