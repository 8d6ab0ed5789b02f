//! The language model: the syllable vocabulary, a modified Kneser-Ney trigram model, the learned
//! abbreviations and the OCR-confusion table, built by `sohoa lm build` / `sohoa lm confusions`
//! from clean text, and loaded by [`crate::repair`].
//!
//! ```no_run
//! use sohoa::lm::model::Model;
//! let m = Model::load(std::path::Path::new("dictionaries")).unwrap();
//! let (tinh, uy) = (m.id("tỉnh").unwrap(), m.id("ủy").unwrap());
//! println!("log10 p(ủy | tỉnh) = {}", m.logp2(tinh, uy));
//! ```

pub mod build;
pub mod command;
pub mod confusions;
pub mod model;
pub mod syl;
pub mod token;

/// Errors of model building and loading.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// A file is damaged or not in the expected format.
    #[error("{0}: {1}")]
    Corrupt(String, String),
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
}
