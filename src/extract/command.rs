//! `sohoa extract [FILE|-]`: prints one JSON object (`schema/sohoa-extract.v1.schema.json`:
//! `{format, source, metadata, evidence, warnings}`), or a Thông tư 02 / Dublin Core XML record
//! with `--format`.
//!
//! The input is recognised by its content: a PDF, TIFF, PNG or JPEG is OCR'd (with the `ocr`
//! feature) page by page, each page repaired, and its line boxes passed to [`super::extract`] so
//! header blocks are found by position and evidence carries page + box; anything else is text
//! (clean, ASCII or legacy OCR), repaired unless `--no-repair`, pages split at form feeds.

use super::tables::Table;
use super::{Error, Extraction, LayoutLine, export};
use crate::command::{EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED};
use crate::repair::Repairer;
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The value of [`Output::format`]; bumped (with a new schema file) when the shape changes
/// incompatibly.
pub const OUTPUT_FORMAT: &str = "sohoa-extract/1";

/// The `$id` of the JSON Schema the output follows (`schema/sohoa-extract.v1.schema.json`).
pub const SCHEMA_ID: &str = "https://sohoa.invalid/schema/sohoa-extract.v1.schema.json";

/// Output format of `sohoa extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `{ "format", "source", "metadata", "evidence", "warnings" }` (schema/sohoa-extract.v1.schema.json).
    Json,
    /// Document-level fields of Thông tư 02/2019/TT-BNV (as amended by 05/2025/TT-BNV), XML.
    Tt02,
    /// Dublin Core XML.
    Dc,
}

/// Arguments of `sohoa extract`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sohoa extract report.txt > report.json\n  sohoa extract scan.pdf --format tt02\n  sohoa extract plan.pdf --tables-csv tables/\n  sohoa extract --format dc - < report.txt\n\nExit status: 0 (also with warnings), 1 the input cannot be read, 3 OCR cannot start."
)]
pub struct ExtractArgs {
    /// Text, PDF, TIFF, PNG or JPEG file (`-` or nothing: standard input, read as text).
    pub file: Option<PathBuf>,
    /// Skip the diacritic/OCR repair step (the text is extracted as given).
    #[arg(long)]
    pub no_repair: bool,
    /// Repair model folder (default: $SOHOA_MODEL, then the bundled dictionaries/).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Print only the `metadata` member (the gold SCHEMA.md shape).
    #[arg(long)]
    pub metadata_only: bool,
    /// Also write each table as a CSV file `DIR/<input name>.table-<N>.csv`.
    #[arg(long, value_name = "DIR")]
    pub tables_csv: Option<PathBuf>,
    /// How scans and PDFs are read.
    #[command(flatten)]
    pub scan: crate::command::ScanArgs,
}

/// The input as read: its name, kind and the pages' text (and layout, when OCR'd).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The path as given, or `-` for standard input.
    pub path: String,
    /// `text`, `pdf`, `tiff`, `png` or `jpeg`.
    pub kind: String,
    /// Number of pages (form-feed separated pages for text).
    pub pages: u32,
    /// Whether the text went through the repair engine.
    pub repaired: bool,
}

/// The whole output of `sohoa extract` (JSON format).
///
/// ```
/// use sohoa::extract::command::{Output, SourceInfo, OUTPUT_FORMAT};
/// let x = sohoa::extract::extract("", None);
/// let out = Output::new(SourceInfo { path: "-".into(), kind: "text".into(), pages: 1, repaired: false }, x);
/// let json = serde_json::to_value(&out).unwrap();
/// assert_eq!(json["format"], OUTPUT_FORMAT);
/// assert!(json["metadata"]["reference"].is_null());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Always [`OUTPUT_FORMAT`].
    pub format: String,
    /// The JSON Schema of this output ([`SCHEMA_ID`]).
    #[serde(rename = "$schema")]
    pub schema: String,
    /// What was read.
    pub source: SourceInfo,
    /// The metadata fields.
    pub metadata: super::Metadata,
    /// Where each value came from.
    pub evidence: super::Evidence,
    /// Everything doubtful: repair unavailable, fields not found, OCR page errors, ...
    pub warnings: Vec<String>,
}

impl Output {
    /// Wraps an [`Extraction`] with the format version and the source.
    pub fn new(source: SourceInfo, x: Extraction) -> Output {
        Output {
            format: OUTPUT_FORMAT.into(),
            schema: SCHEMA_ID.into(),
            source,
            metadata: x.metadata,
            evidence: x.evidence,
            warnings: x.warnings,
        }
    }
}

/// What [`read_input`] produced.
struct Input {
    source: SourceInfo,
    text: String,
    /// Per text line, how sure the text is (see [`repair`]); empty: all sure.
    line_quality: Vec<f32>,
    layout: Vec<LayoutLine>,
    /// The document's tables.
    tables: Vec<Table>,
    warnings: Vec<String>,
}

/// Why the command could not run: unreadable input (exit 1) or OCR/PDF not available (exit 3).
enum Fail {
    Read(anyhow::Error),
    Fatal(anyhow::Error),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::Read(e.into())
    }
}

fn read_bytes(file: Option<&PathBuf>) -> Result<(Vec<u8>, String, Option<&Path>), Error> {
    match file {
        Some(p) if p.as_os_str() != "-" => {
            let bytes = std::fs::read(p).map_err(|source| Error::Read {
                path: p.display().to_string(),
                source,
            })?;
            Ok((bytes, p.display().to_string(), Some(p.as_path())))
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|source| Error::Read {
                    path: "standard input".into(),
                    source,
                })?;
            Ok((bytes, "-".to_string(), None))
        }
    }
}

/// Loads the repair model, or says why not (a warning: extraction goes on unrepaired).
fn load_repairer(args: &ExtractArgs, warnings: &mut Vec<String>) -> Option<Repairer> {
    if args.no_repair {
        return None;
    }
    let loaded = match &args.model {
        Some(dir) => Repairer::load(dir),
        None => Repairer::load_default(),
    };
    match loaded {
        Ok(r) => Some(r),
        Err(e) => {
            warnings.push(format!(
                "repair unavailable ({e}): the text was extracted as read"
            ));
            None
        }
    }
}

/// REPAIR HOOK: the text of each form-feed page through the repair engine (lines are kept, so
/// evidence line numbers are those of the input). Also returns each line's quality for
/// [`super::extract_with_quality`]: 1 for a line repair left alone, else 0.9 × the lowest
/// confidence of the words it changed there (text that needed repair is less certain).
fn repair(
    repairer: Option<&Repairer>,
    text: &str,
    warnings: &mut Vec<String>,
) -> (String, Vec<f32>) {
    let Some(r) = repairer else {
        return (text.to_string(), Vec::new());
    };
    let mut session = crate::repair::Session::default();
    let mut quality = vec![1.0f32; text.split('\n').count()];
    let mut lines_before = 0;
    let pages: Vec<String> = text
        .split('\u{000C}')
        .map(|page| {
            let out = r.restore_in(
                &mut session,
                page,
                crate::repair::Mode::Auto,
                crate::repair::Detail::Changes,
            );
            warnings.extend(out.warnings);
            for change in &out.tokens {
                if let Some(q) = quality.get_mut(lines_before + change.line.saturating_sub(1)) {
                    *q = q.min(REPAIRED_LINE_QUALITY * change.confidence);
                }
            }
            lines_before += page.matches('\n').count();
            out.text
        })
        .collect();
    (pages.join("\u{000C}"), quality)
}

/// The quality of a line repair changed, before its words' own confidence is applied.
const REPAIRED_LINE_QUALITY: f32 = 0.9;

fn read_input(args: &ExtractArgs) -> Result<Input, Fail> {
    let (bytes, name, path) = read_bytes(args.file.as_ref())?;
    if let (Some(path), Some(_)) = (path, sniff(&bytes)) {
        return read_scan(args, path, &name);
    }
    let mut warnings = Vec::new();
    let (text, mut decode) = crate::repair::decode_input(&bytes);
    drop(bytes);
    warnings.append(&mut decode);
    let repairer = load_repairer(args, &mut warnings);
    // Table cells are mostly codes, abbreviations and numbers the repair model does not know:
    // a clean text's tables are read as printed.
    let clean = !super::text::Doc::new(&text).unaccented;
    let printed_tables = clean.then(|| super::tables::from_text(&text));
    let (text, line_quality) = repair(repairer.as_ref(), &text, &mut warnings);
    let tables = printed_tables.unwrap_or_else(|| super::tables::from_text(&text));
    Ok(Input {
        line_quality,
        source: SourceInfo {
            path: name,
            kind: "text".into(),
            pages: text.matches('\u{000C}').count() as u32 + 1,
            repaired: repairer.is_some(),
        },
        text,
        layout: Vec::new(),
        tables,
        warnings,
    })
}

#[cfg(feature = "ocr")]
fn sniff(bytes: &[u8]) -> Option<crate::ingest::Kind> {
    crate::ingest::Kind::sniff(bytes)
}

/// Without the `ocr` feature a scan is still recognised, to be refused rather than read as text.
#[cfg(not(feature = "ocr"))]
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        Some("PDF")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("TIFF")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("JPEG")
    } else {
        None
    }
}

#[cfg(not(feature = "ocr"))]
fn read_scan(_args: &ExtractArgs, _path: &Path, name: &str) -> Result<Input, Fail> {
    Err(Fail::Fatal(anyhow::anyhow!(
        "{name}: a scan (PDF or image), and this sohoa was built without the `ocr` feature: only text can be read"
    )))
}

/// A PDF or image: pages OCR'd (or read from the text layer) and repaired as `sohoa run` does.
#[cfg(feature = "ocr")]
fn read_scan(args: &ExtractArgs, path: &Path, name: &str) -> Result<Input, Fail> {
    use crate::ingest::{Document, Limits};
    use crate::pipeline::run::{layout_for, page_warnings, read_pages, table_words};
    use std::sync::atomic::AtomicBool;

    let doc = Document::open_with_password(path, &Limits::default(), args.scan.password.as_deref())
        .map_err(|e| Fail::Read(anyhow::anyhow!("{name}: {e}")))?;
    let options = args.scan.ocr_options();
    crate::ocr::check(&options).map_err(|e| Fail::Fatal(anyhow::anyhow!("{name}: {e}")))?;
    let mut warnings = Vec::new();
    let repairer = load_repairer(args, &mut warnings);
    let stop = AtomicBool::new(false);
    let pages = read_pages(
        &doc,
        args.scan.text_layer_policy(),
        &options,
        repairer.as_ref(),
        &stop,
        &|| {},
    );
    let failed = pages.iter().filter(|p| p.error.is_some()).count();
    if !pages.is_empty() && failed == pages.len() {
        let reason = pages[0].error.clone().unwrap_or_default();
        return Err(Fail::Read(anyhow::anyhow!(
            "{name}: every page failed; page 1: {reason}"
        )));
    }
    warnings.extend(page_warnings(&pages));
    let text = pages
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\u{000C}");
    let layout = layout_for(&pages);
    let (tables, mut table_warnings) = super::tables::from_document(
        &doc,
        args.scan.text_layer_policy() == crate::ingest::text_layer::TextLayerPolicy::Ocr,
        &options,
        repairer.as_ref(),
        &table_words(&pages),
    );
    warnings.append(&mut table_warnings);
    let kind = serde_json::to_value(doc.kind())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(Input {
        line_quality: Vec::new(),
        source: SourceInfo {
            path: name.to_string(),
            kind,
            pages: doc.page_count(),
            repaired: repairer.is_some(),
        },
        text,
        layout,
        tables,
        warnings,
    })
}

/// The file name the CSV files of an input start with: its name without extension (`stdin`).
fn csv_stem(file: Option<&Path>) -> String {
    file.filter(|p| p.as_os_str() != "-")
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".into())
}

/// Runs `sohoa extract`; returns the process exit status (0 also when there are warnings).
///
/// An input that cannot be read is one line on stderr naming it and exit status 1; OCR that
/// cannot start (no Tesseract language data) is exit status 3.
pub fn extract(args: ExtractArgs) -> ExitCode {
    match extract_one(&args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("sohoa: {err:#}");
            ExitCode::from(EXIT_SOME_FAILED)
        }
    }
}

/// Extracts the metadata of the input and prints it: `Err` when the input cannot be read,
/// else the exit status.
fn extract_one(args: &ExtractArgs) -> anyhow::Result<u8> {
    let input = match read_input(args) {
        Ok(i) => i,
        Err(Fail::Read(e)) => return Err(e),
        Err(Fail::Fatal(e)) => {
            eprintln!("sohoa: {e:#}");
            return Ok(EXIT_FATAL);
        }
    };
    let layout = (!input.layout.is_empty()).then_some(&input.layout[..]);
    let mut x: Extraction =
        super::extract_all(&input.text, layout, input.tables, &input.line_quality);
    if let Some(dir) = &args.tables_csv {
        let stem = csv_stem(args.file.as_deref());
        super::tables::write_csv(&x.metadata.tables, dir, &stem)?;
    }
    let mut warnings = input.warnings;
    warnings.append(&mut x.warnings);
    x.warnings = warnings;
    let out = match args.format {
        Format::Json if args.metadata_only => {
            serde_json::to_string_pretty(&x.metadata).map_err(|e| Error::Output(e.to_string()))?
        }
        Format::Json => serde_json::to_string_pretty(&Output::new(input.source, x))
            .map_err(|e| Error::Output(e.to_string()))?,
        Format::Tt02 => export::tt02(
            &x.metadata,
            &export::ExportInfo {
                page_amount: Some(input.source.pages),
            },
        ),
        Format::Dc => export::dublin_core(&x.metadata),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", out.trim_end()).map_err(|e| Error::Output(e.to_string()))?;
    Ok(EXIT_OK)
}
