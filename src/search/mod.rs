//! Search for analysts: a tantivy index over a `sohoa run` output folder, the `sohoa search`
//! command, and a small local web UI (`sohoa serve`).
//!
//! Every text field is indexed twice: *exact* (NFC, lowercased, diacritics kept) and *folded*
//! (diacritics removed, `đ`→`d`, see [`crate::viet::fold`]). A query matches either form, and
//! the exact form is boosted, so `binh dan hoc vu so` finds `Bình dân học vụ số` while a query
//! typed with diacritics ranks `tỉnh` above `tính`.
//!
//! ```no_run
//! use sohoa::search::{index, query};
//! use std::path::Path;
//!
//! // Index (or incrementally re-index) an output folder; the index goes to OUT/.index.
//! let report = index::index_dir(Path::new("out"), None)?;
//! println!("{} added, {} removed", report.added, report.removed);
//!
//! // Search it, without diacritics.
//! let searcher = query::Searcher::open(Path::new("out/.index"))?;
//! let found = searcher.search(&query::Request::new("binh dan hoc vu so"))?;
//! for hit in &found.hits {
//!     println!("{:?} {:?}", hit.doc.reference, hit.doc.title);
//! }
//! # Ok::<(), sohoa::search::Error>(())
//! ```

pub mod command;
pub mod diff;
pub mod export;
pub mod index;
pub mod query;
pub mod record;
pub mod schema;
pub mod serve;
pub mod synth;
pub mod tokenize;

use std::path::PathBuf;

/// Errors of the search stage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No index where one was expected.
    #[error("no index at {0}: run `sohoa index DIR` first (or pass --index)")]
    NoIndex(PathBuf),
    /// The folder to index does not exist or is not a folder.
    #[error("{0}: not a folder")]
    NotADir(PathBuf),
    /// The index folder exists but holds something else.
    #[error("{0} exists and is not a sohoa index: choose another --index")]
    Occupied(PathBuf),
    /// The index was made by another version of sohoa (different schema); rebuild it.
    #[error("index at {0} has an incompatible schema: delete it and run `sohoa index` again")]
    Incompatible(PathBuf),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A record file is not valid JSON or not a `sohoa-record/1`.
    #[error("{path}: {reason}")]
    BadRecord {
        /// The record file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The query cannot be used (empty after parsing, too long, bad date ...).
    #[error("bad query: {0}")]
    BadQuery(String),
    /// An error inside tantivy.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The web server could not start.
    #[error("server: {0}")]
    Serve(String),
}

/// Result alias of the search stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest query accepted, in bytes (a longer one is refused, not truncated).
pub const MAX_QUERY_BYTES: usize = 1024;
/// Most clauses (words or phrases) in one query.
pub const MAX_QUERY_CLAUSES: usize = 32;

/// The default index folder of an output folder: `DIR/.index`.
///
/// ```
/// use std::path::Path;
/// assert_eq!(sohoa::search::default_index_dir(Path::new("out")), Path::new("out/.index"));
/// ```
pub fn default_index_dir(dir: &std::path::Path) -> PathBuf {
    dir.join(".index")
}
