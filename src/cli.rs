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
    /// Build, inspect and adapt the language model.
    Lm(crate::lm::cli::LmArgs),
    /// Restore diacritics and undo OCR confusions in text.
    Restore(crate::repair::cli::RestoreArgs),
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
        Command::Lm(args) => report(args.run()),
        Command::Restore(args) => args.run(),
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(err) => {
            eprintln!("sohoa: {err:#}");
            ExitCode::from(EXIT_SOME_FAILED)
        }
    }
}
