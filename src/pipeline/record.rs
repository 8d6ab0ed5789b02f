//! The per-document record `sohoa run` writes (`OUT/<relative path>.json`), read by `search`.

use crate::extract::{Evidence, Metadata};
use crate::ingest::Word;
use serde::{Deserialize, Serialize};

/// The value of [`Record::format`]; bumped when the shape changes incompatibly.
pub const RECORD_FORMAT: &str = "sohoa-record/1";

/// Everything sohoa knows about one input document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// Always [`RECORD_FORMAT`].
    pub format: String,
    /// The input file.
    pub source: SourceInfo,
    /// Which sohoa and which model produced this record.
    pub tool: ToolInfo,
    /// Pages in order, each with raw and repaired text, words and any error.
    pub pages: Vec<PageRecord>,
    /// The repaired text of all pages, pages separated by a form feed.
    pub text: String,
    /// Extracted metadata (the gold SCHEMA.md fields).
    pub metadata: Metadata,
    /// Where each metadata value came from.
    pub evidence: Evidence,
    /// Problems that did not stop the document (a failed page, invalid UTF-8, doubtful values).
    pub warnings: Vec<String>,
    /// Time spent, in milliseconds.
    pub timing_ms: Timing,
}

/// The input file of a [`Record`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Path relative to the input folder (the key of the output files).
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// File size.
    pub bytes: u64,
    /// `pdf`, `tiff`, `png`, `jpeg` or `text`.
    pub kind: String,
}

/// Versions that decide whether a finished document must be redone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// sohoa's version.
    pub version: String,
    /// Fingerprint of the repair model, or `none` with `--no-repair`.
    pub model: String,
    /// Tesseract language(s).
    pub lang: String,
}

/// One page of a [`Record`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageRecord {
    /// 1-based page number.
    pub number: u32,
    /// `ocr`, `text_layer` or `text` (a plain-text input); `null` when the page failed.
    pub source: Option<String>,
    /// Page width in pixels (0 for text input).
    pub width: u32,
    /// Page height in pixels.
    pub height: u32,
    /// The text as OCR'd or read.
    pub text_raw: String,
    /// The repaired text (line N is the repair of raw line N).
    pub text: String,
    /// Words with boxes and confidences as OCR'd (or from the text layer).
    pub words: Vec<Word>,
    /// Mean OCR word confidence.
    pub mean_confidence: Option<f32>,
    /// For OCR'd pages: which image was read (`native`, `rendered`, `image_file`), at what
    /// resolution, and any fallback warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<crate::ingest::ImageOrigin>,
    /// For a PDF page with a text layer: `{kind: born_digital|invisible|over_image, quality,
    /// source: layer|ocr|combined}`: the layer found, how the repair model judged it, and
    /// which reading(s) the text came from (`ocr` and `combined`: the words and boxes are the
    /// OCR's, and the old layer is not this page's text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_layer: Option<crate::ingest::text_layer::TextLayerInfo>,
    /// Why the page failed, when it did; the rest of the document is kept.
    pub error: Option<String>,
}

/// Time spent on a document, in milliseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timing {
    /// OCR or text-layer reading, summed over pages (CPU time of the workers).
    pub ocr: u64,
    /// Repair.
    pub repair: u64,
    /// Metadata extraction.
    pub extract: u64,
    /// Writing the searchable PDF (`--pdf`): reading the pages' stored images or the input PDF
    /// again, the text layer, the metadata.
    #[serde(default)]
    pub pdf: u64,
    /// Wall time from the first page taken to the outputs written.
    pub total: u64,
}
