//! `sohoa extract [FILE|-]`: prints one JSON object `{metadata, evidence, warnings}` (or a
//! Thông tư 02 / Dublin Core XML record with `--format`).

use super::{Error, Extraction, export};
use clap::{Args, ValueEnum};
use std::io::{Read, Write};
use std::path::PathBuf;

/// Output format of `sohoa extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `{ "metadata": …, "evidence": …, "warnings": […] }` (schema/sohoa-extract.v1.schema.json).
    Json,
    /// Document-level fields of Thông tư 02/2019/TT-BNV (as amended by 05/2025/TT-BNV), XML.
    Tt02,
    /// Dublin Core XML.
    Dc,
}

/// Arguments of `sohoa extract`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sohoa extract report.txt > report.json\n  sohoa extract --format dc - < report.txt"
)]
pub struct ExtractArgs {
    /// Text file to read (`-` or nothing: standard input).
    pub file: Option<PathBuf>,
    /// Skip the diacritic/OCR repair step (the text is extracted as given).
    #[arg(long)]
    pub no_repair: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Print only the `metadata` member (the gold SCHEMA.md shape).
    #[arg(long)]
    pub metadata_only: bool,
}

fn read_input(file: Option<&PathBuf>) -> Result<(String, String), Error> {
    let mut bytes = Vec::new();
    let name = match file {
        Some(p) if p.as_os_str() != "-" => {
            bytes = std::fs::read(p).map_err(|source| Error::Read {
                path: p.display().to_string(),
                source,
            })?;
            p.display().to_string()
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|source| Error::Read {
                    path: "standard input".into(),
                    source,
                })?;
            "standard input".to_string()
        }
    };
    // Invalid UTF-8 (a legacy 8-bit file) is read lossily rather than refused.
    Ok((String::from_utf8_lossy(&bytes).into_owned(), name))
}

/// REPAIR HOOK — the single place where the repair engine plugs in.
///
/// When `sohoa::repair` is merged, replace the body with:
/// `match crate::repair::Repairer::load_default() { Ok(r) => { let out = r.restore(text); (out.text, out.warnings) } Err(e) => (text.to_string(), vec![format!("repair unavailable: {e}")]) }`.
/// Until then the text is passed through unchanged and the extractor's own OCR tolerance is
/// what reads unrepaired text.
fn repair(text: &str) -> (String, Vec<String>) {
    (text.to_string(), Vec::new())
}

/// Runs `sohoa extract`; returns the process exit status (0 also when there are warnings).
pub fn run(args: &ExtractArgs) -> anyhow::Result<u8> {
    let (text, _name) = read_input(args.file.as_ref())?;
    let (text, mut pre_warnings) = if args.no_repair {
        (text, Vec::new())
    } else {
        repair(&text)
    };
    let mut x: Extraction = super::extract(&text, None);
    pre_warnings.append(&mut x.warnings);
    x.warnings = pre_warnings;
    let out = match args.format {
        Format::Json if args.metadata_only => {
            serde_json::to_string_pretty(&x.metadata).map_err(|e| Error::Output(e.to_string()))?
        }
        Format::Json => {
            serde_json::to_string_pretty(&x).map_err(|e| Error::Output(e.to_string()))?
        }
        Format::Tt02 => export::tt02(
            &x.metadata,
            &export::ExportInfo {
                page_amount: Some(text.matches('\u{000C}').count() as u32 + 1),
            },
        ),
        Format::Dc => export::dublin_core(&x.metadata),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", out.trim_end()).map_err(|e| Error::Output(e.to_string()))?;
    Ok(crate::cli::EXIT_OK)
}
