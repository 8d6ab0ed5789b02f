//! What the subcommands share, below all of them: the exit statuses, the outcome-to-status
//! mapping and the arguments several commands take. Each stage's `command` module
//! (`ocr::command`, `pipeline::command`, `repair::command`, `extract::command`, `lm::command`,
//! `search::command`) has the same shape: an `…Args` struct per subcommand and an entry
//! function named after the subcommand, `fn name(args) -> ExitCode`; [`crate::cli`] only
//! parses and dispatches.

use std::process::ExitCode;

/// Exit status: every input was processed.
pub const EXIT_OK: u8 = 0;
/// Exit status: some inputs failed (each was reported on stderr); the others were processed.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit status: bad command-line arguments.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the command as a whole could not run (missing model, engine or library).
pub const EXIT_FATAL: u8 = 3;

/// Maps a command's outcome to the documented exit status: `Ok(true)` all done, `Ok(false)`
/// some inputs failed (already reported), `Err` the command could not run (reported here).
pub fn exit_status(outcome: anyhow::Result<bool>) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::from(EXIT_OK),
        Ok(false) => ExitCode::from(EXIT_SOME_FAILED),
        Err(err) => {
            eprintln!("sohoa: {err:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

/// How scans and PDFs are read: the options `ocr`, `run` and `extract` share.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Demo {
///     #[command(flatten)]
///     scan: sohoa::command::ScanArgs,
/// }
/// let d = Demo::parse_from(["demo", "--lang", "vie+eng", "--force-ocr"]);
/// assert_eq!(d.scan.lang, "vie+eng");
/// assert!(d.scan.force_ocr && d.scan.password.is_none());
/// assert_eq!(Demo::parse_from(["demo"]).scan.text_layer, "judge");
/// ```
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// Tesseract language(s), e.g. `vie` or `vie+eng`.
    #[arg(long, default_value = "vie")]
    pub lang: String,
    /// What to do with a PDF page's text layer: `judge` (born-digital text is read as it is;
    /// an OCR layer is judged by the repair model and, when it is not clean Vietnamese, the
    /// image is OCR'd again and both readings are combined word by word), `trust` (every layer
    /// is read as it is) or `ocr` (every page is OCR'd).
    #[arg(long, default_value = "judge", value_parser = ["judge", "trust", "ocr"])]
    pub text_layer: String,
    /// OCR PDF pages even when they have a text layer: the same as `--text-layer ocr`.
    #[arg(long)]
    pub force_ocr: bool,
    /// Password of an encrypted PDF.
    #[arg(long)]
    pub password: Option<String>,
    /// How Tesseract binarises a page: `sauvola` (adaptive, k = 0.5), `otsu` (Tesseract's own
    /// default) or `leptonica-otsu`.
    #[arg(long, default_value = "sauvola", value_parser = ["sauvola", "otsu", "leptonica-otsu"])]
    pub threshold: String,
    /// Collect the recogniser's alternative readings of each word for scan repair: about
    /// 0.1 point more accurate on the dev scans, about 12 % more OCR time.
    #[arg(long)]
    pub alternatives: bool,
}

#[cfg(feature = "ocr")]
impl ScanArgs {
    /// The OCR settings these arguments choose (language, binarisation, alternatives).
    pub fn ocr_options(&self) -> crate::ocr::OcrOptions {
        crate::ocr::OcrOptions {
            lang: self.lang.clone(),
            threshold: self.threshold.parse().unwrap_or_default(),
            alternatives: self.alternatives,
            ..crate::ocr::OcrOptions::default()
        }
    }

    /// What `--text-layer` (or `--force-ocr`) asks for PDF pages with a text layer.
    pub fn text_layer_policy(&self) -> crate::ingest::text_layer::TextLayerPolicy {
        use crate::ingest::text_layer::TextLayerPolicy;
        if self.force_ocr {
            TextLayerPolicy::Ocr
        } else {
            self.text_layer.parse().unwrap_or_default()
        }
    }
}
