//! The `sohoa` command line: argument parsing and dispatch to the stage modules.
//!
//! Each subcommand's arguments and work live in its stage's `command` module, with an entry
//! function named after it that returns the exit status (documented in the README); what they
//! share (exit statuses, [`crate::command::ScanArgs`]) is in [`crate::command`], below them
//! all. This file only parses and dispatches.

use crate::command::{EXIT_OK, EXIT_USAGE};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "sohoa",
    version,
    about = "Scanned Vietnamese Party and State documents into clean, searchable, structured data",
    after_help = "Example:\n  sohoa ocr scan.pdf > scan.txt"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// OCR scans and PDFs (Tesseract `vie`; a PDF's own text layer where it has one).
    #[cfg(feature = "ocr")]
    Ocr(crate::ocr::command::OcrArgs),
    /// Process files and folders in a resumable batch: JSON, text and searchable PDF per document.
    #[cfg(feature = "ocr")]
    Run(crate::pipeline::command::RunArgs),
    /// Progress of a run over all its shards: done, failed (why), pages, throughput.
    #[cfg(feature = "ocr")]
    Status(crate::pipeline::status::StatusArgs),
    /// Build, inspect and adapt the language model.
    Lm(crate::lm::command::LmArgs),
    /// Restore diacritics and undo OCR confusions in text.
    Restore(crate::repair::command::RestoreArgs),
    /// Extract metadata (number, type, issuer, date, title, signers, references, ...) as JSON.
    Extract(crate::extract::command::ExtractArgs),
    /// Index a `sohoa run` output folder for search (incremental).
    #[cfg(feature = "search")]
    Index(crate::search::command::IndexArgs),
    /// Search the index: words with or without diacritics, "phrases", filters.
    #[cfg(feature = "search")]
    Search(crate::search::command::SearchArgs),
    /// Serve a local web UI over the index (http://127.0.0.1:8080/).
    #[cfg(feature = "search")]
    Serve(crate::search::command::ServeArgs),
    /// Export the records for another search engine (`_bulk` NDJSON for OpenSearch/Elasticsearch).
    #[cfg(feature = "search")]
    Export(crate::search::export::ExportArgs),
}

/// Parses the process arguments, runs the subcommand and returns the exit status.
pub fn main() -> ExitCode {
    #[cfg(feature = "ocr")]
    single_threaded_openmp();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        #[cfg(feature = "ocr")]
        Command::Ocr(args) => crate::ocr::command::ocr(args),
        #[cfg(feature = "ocr")]
        Command::Run(args) => crate::pipeline::command::run(args),
        #[cfg(feature = "ocr")]
        Command::Status(args) => crate::pipeline::status::status(args),
        Command::Lm(args) => crate::lm::command::lm(args),
        Command::Restore(args) => crate::repair::command::restore(args),
        Command::Extract(args) => crate::extract::command::extract(args),
        #[cfg(feature = "search")]
        Command::Index(args) => crate::search::command::index(args),
        #[cfg(feature = "search")]
        Command::Search(args) => crate::search::command::search(args),
        #[cfg(feature = "search")]
        Command::Serve(args) => crate::search::command::serve(args),
        #[cfg(feature = "search")]
        Command::Export(args) => crate::search::export::export(args),
    }
}

/// Makes sure `OMP_THREAD_LIMIT=1` was in the environment when the process started.
///
/// libgomp (pulled in by libtesseract) reads it once, when it is loaded at exec time, so setting
/// it from `main` is too late: re-execute ourselves with it set instead. Without it Tesseract's
/// OpenMP threads fight the page pool for the cores.
#[cfg(feature = "ocr")]
fn single_threaded_openmp() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("OMP_THREAD_LIMIT", "1")
        .exec();
    // exec only returns on failure; carry on with OpenMP's defaults rather than not run at all.
    eprintln!("sohoa: warning: could not re-execute with OMP_THREAD_LIMIT=1: {err}");
}
