//! The `sohoa` command line: argument parsing and dispatch to the stage modules.
//!
//! Each subcommand's work lives in its stage module; this file only wires them up.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit status: every input was processed.
pub const EXIT_OK: u8 = 0;
/// Exit status: some inputs failed (each was reported on stderr); the others were processed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit status: bad command-line arguments.
pub const EXIT_USAGE: u8 = 2;

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

/// Parses the process arguments, runs the subcommand and returns the exit status.
pub fn main() -> ExitCode {
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
        #[cfg(feature = "search")]
        Command::Index(args) => ExitCode::from(crate::search::index::run(args)),
        #[cfg(feature = "search")]
        Command::Search(args) => ExitCode::from(crate::search::query::run(args)),
        #[cfg(feature = "search")]
        Command::Serve(args) => ExitCode::from(crate::search::serve::run(args)),
    }
}
