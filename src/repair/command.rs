//! `sohoa restore`: repair a file or standard input.

use super::{Detail, MODE_SCAN_LINES, Mode, Repairer, Session, decode_input, invalid_utf8_warning};
use crate::command::{EXIT_OK, EXIT_SOME_FAILED};
use clap::Args;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Restore diacritics and undo OCR confusions.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  sohoa restore legacy.ocr.txt > legacy.txt\n  echo 'Binh dan hoc vu so' | sohoa restore\n  sohoa restore --json --mode ocr page.txt\n\nModes are chosen per line (ascii, ocr, clean) unless --mode is given; scan is for\nTesseract's own Vietnamese output. Exit status: 0 done, 1 the input or the model could not be read."
)]
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

/// Runs `sohoa restore`; errors go to stderr with exit status 1.
pub fn restore(args: RestoreArgs) -> ExitCode {
    match args.run() {
        Ok(()) => ExitCode::from(EXIT_OK),
        // `sohoa restore big.txt | head` is not an error
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            eprintln!("sohoa restore: {e:#}");
            ExitCode::from(EXIT_SOME_FAILED)
        }
    }
}

impl RestoreArgs {
    /// Text output, paragraph by paragraph: the decoder's context ends at a blank line, so
    /// repairing each paragraph alone gives the same text as repairing the whole input, and
    /// memory is bounded by the longest paragraph, not the file. The first paragraphs are
    /// repaired together (at least [`MODE_SCAN_LINES`] lines), as the whole input would be:
    /// the repairer reads the first lines ahead to learn the document's mode. One [`Session`] carries the
    /// document's usage from paragraph to paragraph.
    fn run_streaming(self) -> anyhow::Result<()> {
        let repairer = self.repairer()?;
        let mut input: Box<dyn std::io::BufRead> = if self.input == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            let file = std::fs::File::open(&self.input)
                .map_err(|e| anyhow::anyhow!("{}: {e}", self.input))?;
            Box::new(std::io::BufReader::new(file))
        };
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut paragraph = String::new();
        let mut bad_lines: Vec<usize> = Vec::new();
        let mut session = Session::default();
        let mut flush = |paragraph: &mut String, out: &mut dyn Write| -> std::io::Result<()> {
            if !paragraph.is_empty() {
                let restored =
                    repairer.restore_in(&mut session, paragraph, self.mode, Detail::Text);
                out.write_all(restored.text.as_bytes())?;
                paragraph.clear();
            }
            Ok(())
        };
        let mut bytes = Vec::new();
        // the first paragraphs go together, so short first lines see the document's mode
        let (mut flushed, mut buffered) = (false, 0usize);
        for lineno in 1.. {
            bytes.clear();
            let n = input
                .read_until(b'\n', &mut bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", self.input))?;
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&bytes);
            if matches!(text, std::borrow::Cow::Owned(_)) {
                bad_lines.push(lineno);
            }
            if text.trim().is_empty() && (flushed || buffered >= MODE_SCAN_LINES) {
                flush(&mut paragraph, &mut out)?;
                out.write_all(text.as_bytes())?;
                flushed = true;
            } else {
                paragraph.push_str(&text);
                buffered += 1;
            }
        }
        flush(&mut paragraph, &mut out)?;
        out.flush()?;
        if !bad_lines.is_empty() {
            eprintln!(
                "sohoa restore: {}: {}",
                self.input,
                invalid_utf8_warning(&bad_lines)
            );
        }
        Ok(())
    }

    /// The model named by `--model`, else the default one.
    fn repairer(&self) -> Result<Repairer, super::Error> {
        match &self.model {
            Some(dir) => Repairer::load(dir),
            None => Repairer::load_default(),
        }
    }

    /// Restores the input: streamed as text, or as one JSON object.
    fn run(self) -> anyhow::Result<()> {
        if !self.json {
            return self.run_streaming();
        }
        // JSON: one object for the whole input, with every token's alternatives
        let mut bytes = Vec::new();
        if self.input == "-" {
            std::io::stdin().lock().read_to_end(&mut bytes)?;
        } else {
            bytes =
                std::fs::read(&self.input).map_err(|e| anyhow::anyhow!("{}: {e}", self.input))?;
        }
        let repairer = self.repairer()?;
        let (text, warnings) = decode_input(&bytes);
        for w in &warnings {
            eprintln!("sohoa restore: {}: {w}", self.input);
        }
        let mut restored = repairer.restore_detailed(&text, self.mode);
        restored.warnings.extend(warnings);
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        serde_json::to_writer_pretty(&mut out, &restored)?;
        writeln!(out)?;
        out.flush()?;
        Ok(())
    }
}
