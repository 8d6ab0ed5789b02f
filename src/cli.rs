//! The `sohoa` command line: argument parsing and dispatch to the stage modules.
//!
//! Each subcommand's arguments and work live in its stage module; this file only wires them up
//! and turns results into exit statuses (documented in the README).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit status: every input was processed.
pub const EXIT_OK: u8 = 0;
/// Exit status: some inputs failed (each was reported on stderr); the others were processed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit status: bad command-line arguments.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the command as a whole could not run (missing model, engine or library).
pub const EXIT_FATAL: u8 = 3;

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
    /// Build, inspect and adapt the language model.
    Lm(crate::lm::cli::LmArgs),
    /// Restore diacritics and undo OCR confusions in text.
    Restore(crate::repair::cli::RestoreArgs),
    /// Extract metadata (number, type, issuer, date, title, signers, references, ...) as JSON.
    Extract(crate::extract::cli::ExtractArgs),
    /// Index a `sohoa run` output folder for search (incremental).
    #[cfg(feature = "search")]
    Index(crate::search::index::IndexArgs),
    /// Search the index: words with or without diacritics, "phrases", filters.
    #[cfg(feature = "search")]
    Search(crate::search::query::SearchArgs),
    /// Serve a local web UI over the index (http://127.0.0.1:8080/).
    #[cfg(feature = "search")]
    Serve(crate::search::serve::ServeArgs),
}

/// How scans and PDFs are read: the options `ocr`, `run` and `extract` share.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Demo {
///     #[command(flatten)]
///     scan: sohoa::cli::ScanArgs,
/// }
/// let d = Demo::parse_from(["demo", "--lang", "vie+eng", "--force-ocr"]);
/// assert_eq!(d.scan.lang, "vie+eng");
/// assert!(d.scan.force_ocr && d.scan.password.is_none());
/// ```
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// Tesseract language(s), e.g. `vie` or `vie+eng`.
    #[arg(long, default_value = "vie")]
    pub lang: String,
    /// OCR PDF pages even when they have a text layer.
    #[arg(long)]
    pub force_ocr: bool,
    /// Password of an encrypted PDF.
    #[arg(long)]
    pub password: Option<String>,
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
        Command::Ocr(args) => exit_status(crate::ocr::command::run(&args)),
        #[cfg(feature = "ocr")]
        Command::Run(args) => crate::pipeline::command::run_command(&args),
        Command::Lm(args) => exit_status(args.run().map(|()| true)),
        Command::Restore(args) => args.run(),
        Command::Extract(args) => match crate::extract::cli::run(&args) {
            Ok(code) => ExitCode::from(code),
            Err(err) => {
                eprintln!("sohoa: {err:#}");
                ExitCode::from(EXIT_SOME_FAILED)
            }
        },
        #[cfg(feature = "search")]
        Command::Index(args) => ExitCode::from(crate::search::index::run(args)),
        #[cfg(feature = "search")]
        Command::Search(args) => ExitCode::from(crate::search::query::run(args)),
        #[cfg(feature = "search")]
        Command::Serve(args) => ExitCode::from(crate::search::serve::run(args)),
    }
}

/// Maps a command's outcome to the documented exit status: `Ok(true)` all done, `Ok(false)`
/// some inputs failed (already reported), `Err` the command could not run.
fn exit_status(outcome: anyhow::Result<bool>) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::from(EXIT_OK),
        Ok(false) => ExitCode::from(EXIT_SOME_FAILED),
        Err(err) => {
            eprintln!("sohoa: {err:#}");
            ExitCode::from(EXIT_FATAL)
        }
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
