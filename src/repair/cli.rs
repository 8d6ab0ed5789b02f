//! `sohoa restore`: repair a file or standard input.

use super::{Mode, Repairer, decode_input};
use clap::Args;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Restore diacritics and undo OCR confusions.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// Input file, or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
    /// Per-token JSON (input, output, confidence, alternatives, reason) instead of text.
    #[arg(long)]
    json: bool,
    /// Repair mode (default: chosen per line).
    #[arg(long, value_enum, default_value_t = Mode::Auto)]
    mode: Mode,
    /// Model directory (default: $SOHOA_MODEL, then dictionaries/).
    #[arg(long)]
    model: Option<PathBuf>,
}

impl RestoreArgs {
    /// Runs the command; errors go to stderr with exit status 1.
    pub fn run(self) -> ExitCode {
        match self.run_inner() {
            Ok(()) => ExitCode::from(crate::cli::EXIT_OK),
            Err(e) => {
                eprintln!("sohoa restore: {e:#}");
                ExitCode::from(crate::cli::EXIT_SOME_FAILED)
            }
        }
    }

    fn run_inner(self) -> anyhow::Result<()> {
        let mut bytes = Vec::new();
        if self.input == "-" {
            std::io::stdin().lock().read_to_end(&mut bytes)?;
        } else {
            bytes =
                std::fs::read(&self.input).map_err(|e| anyhow::anyhow!("{}: {e}", self.input))?;
        }
        let repairer = match &self.model {
            Some(dir) => Repairer::load(dir)?,
            None => Repairer::load_default()?,
        };
        let (text, warnings) = decode_input(&bytes);
        for w in &warnings {
            eprintln!("sohoa restore: {}: {w}", self.input);
        }
        let mut restored = repairer.restore_with(&text, self.mode, self.json);
        restored.warnings.extend(warnings);
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        if self.json {
            serde_json::to_writer_pretty(&mut out, &restored)?;
            writeln!(out)?;
        } else {
            out.write_all(restored.text.as_bytes())?;
        }
        out.flush()?;
        Ok(())
    }
}
