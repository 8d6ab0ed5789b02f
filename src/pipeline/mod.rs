//! The batch pipeline: `sohoa run` over files and folders, pages of all documents in one worker
//! pool, resumable after any interruption, nothing lost.
//!
//! For each document it writes, atomically (temporary file + rename): `OUT/<rel>.json` (a
//! [`record::Record`]), `OUT/<rel>.txt` (the repaired text) and with `--pdf`
//! `OUT/<rel>.searchable.pdf`, with `--alto` `OUT/<rel>.alto.xml`, with `--hocr`
//! `OUT/<rel>.hocr`; then it appends a line to `OUT/manifest.jsonl`. A re-run skips
//! documents whose input hash and tool/model key match a finished entry, and redoes the rest.
//!
//! ```no_run
//! use sohoa::pipeline::{run::{run, RunOptions}, progress::ProgressMode};
//! use sohoa::{ingest::Limits, ocr::OcrOptions};
//! use std::sync::atomic::AtomicBool;
//! let options = RunOptions {
//!     out: "out".into(), jobs: 0, pdf: false, pdfa: false, alto: false, hocr: false,
//!     text_layer: Default::default(), ocr: OcrOptions::default(),
//!     password: None, limits: Limits::default(), progress: ProgressMode::None, shard: None,
//! };
//! let report = run(&["scans".into()], &options, None, "none", &AtomicBool::new(false))?;
//! println!("{} done, {} failed", report.done, report.failed);
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod alto;
pub mod command;
pub mod discover;
pub mod hocr;
pub mod manifest;
pub mod ocr_layout;
pub mod progress;
pub mod record;
pub mod run;
pub mod searchable_pdf;
pub mod shard;
pub mod shard_plan;
pub mod status;

pub use searchable_pdf::write_searchable_pdf;
