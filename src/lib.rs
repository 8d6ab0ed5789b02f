//! # sohoa — số hóa
//!
//! A pipeline that turns scanned Vietnamese Party and State documents into clean, searchable,
//! structured data. Each stage is one module and passes plain serde structs to the next:
//!
//! | module | job |
//! |---|---|
//! | [`viet`] | the Vietnamese syllable: parse, fold, canonical tone placement |
//! | `ingest` | sniff a file's type and turn it into pages (PDF text layer, or images to OCR) |
//! | `ocr` | Tesseract `vie` on page images, with word boxes and confidences |
//! | `lm` | build and load the syllable dictionary and n-gram language model |
//! | `repair` | restore diacritics and undo OCR confusions, line by line |
//! | `extract` | document number, type, issuer, date, title, signers, references, targets |
//! | `pipeline` | batch folders in parallel, resumable, nothing lost |
//! | `search` | a tantivy index with exact and diacritic-folded fields, and a local web UI |
//! | `command` | what the subcommands share: exit statuses, shared arguments |
//! | `cli` | the `sohoa` command line: parsing and dispatch to each stage's `command` module |
//!
//! The `ocr` feature (libtesseract, libpdfium) and the `search` feature (tantivy, axum) are on by
//! default; without them the text stages (viet, lm, repair, extract) build with pure Rust only.

pub mod cli;
pub mod command;
pub mod extract;
#[cfg(feature = "ocr")]
pub mod ingest;
pub mod lm;
#[cfg(feature = "ocr")]
pub mod ocr;
#[cfg(feature = "ocr")]
pub mod pipeline;
pub mod repair;
pub mod score;
#[cfg(feature = "search")]
pub mod search;
pub mod viet;
