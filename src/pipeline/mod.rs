//! The batch pipeline: `sohoa run` over files and folders, pages of all documents in one worker
//! pool, resumable after any interruption, nothing lost.
//!
//! For each document it writes, atomically (temporary file + rename): `OUT/<rel>.json` (a
//! [`record::Record`]), `OUT/<rel>.txt` (the repaired text) and with `--pdf`
//! `OUT/<rel>.searchable.pdf`; then it appends a line to `OUT/manifest.jsonl`. A re-run skips
//! documents whose input hash and tool/model key match a finished entry, and redoes the rest.
//!
//! ```no_run
//! use sohoa::pipeline::{run::{run, RunOptions}, progress::ProgressMode};
//! use sohoa::{ingest::Limits, ocr::OcrOptions};
//! use std::sync::atomic::AtomicBool;
//! let options = RunOptions {
//!     out: "out".into(), jobs: 0, pdf: false, text_layer: Default::default(), ocr: OcrOptions::default(),
//!     password: None, limits: Limits::default(), progress: ProgressMode::None, shard: None,
//! };
//! let report = run(&["scans".into()], &options, None, "none", &AtomicBool::new(false))?;
//! println!("{} done, {} failed", report.done, report.failed);
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod command;
pub mod discover;
pub mod manifest;
pub mod progress;
pub mod record;
pub mod run;
pub mod searchable_pdf;
pub mod shard;
pub mod status;

use crate::ingest::{Document, PageContent, PageOptions, Word};
use manifest::temp_path;
use record::PageRecord;
use searchable_pdf::{Error as PdfError, SearchablePage, SearchablePdfWriter};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Writes the searchable PDF of a scanned document and returns the warnings to record.
///
/// Every page is rendered or decoded again (so no image is kept in memory between OCR and
/// writing, and only one page image is held at a time) and gets the repaired text as an
/// invisible layer on its word boxes: the OCR boxes, or for a page read from a PDF's own text
/// layer the boxes of that layer's words. A page without words (blank, or whose OCR failed) is
/// an image-only page, so the PDF always has the document's page count and numbering.
///
/// The file is written to a temporary name (`.name.sohoa-tmp`), synced and renamed into place.
/// On any failure, or when `stop` is set, nothing is left at `path` (not even the PDF of an
/// earlier run, which would no longer match the document) and the error says why.
///
/// ```no_run
/// use sohoa::ingest::{Document, Limits};
/// use sohoa::pipeline::{record::PageRecord, write_searchable_pdf};
/// use std::sync::atomic::AtomicBool;
/// let doc = Document::open("scan.tif".as_ref(), &Limits::default())?;
/// let pages: Vec<PageRecord> = Vec::new(); // from `run::read_pages`
/// let warnings = write_searchable_pdf(&doc, &pages, "scan.searchable.pdf".as_ref(), &AtomicBool::new(false))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_searchable_pdf(
    doc: &Document,
    pages: &[PageRecord],
    path: &Path,
    stop: &AtomicBool,
) -> Result<Vec<String>, PdfError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = temp_path(path);
    let mut warnings = Vec::new();
    let result = (|| -> Result<(), PdfError> {
        let mut writer = SearchablePdfWriter::create(&tmp)?;
        for index in 0..doc.page_count() {
            if stop.load(Ordering::Relaxed) {
                return Err(PdfError::Interrupted);
            }
            let number = index + 1;
            let source = doc
                .page(index, &PageOptions { force_ocr: true })
                .map_err(|source| PdfError::Source {
                    page: number,
                    source,
                })?;
            let PageContent::Image { image, dpi, .. } = source.content else {
                // force_ocr always renders; a text layer here would be a bug in ingest.
                return Err(PdfError::BadPage {
                    page: number as usize,
                    reason: "the page did not render to an image".into(),
                });
            };
            let lines = match pages.iter().find(|p| p.number == number) {
                Some(page) => {
                    let (lines, aligned) = page_lines(page);
                    if !aligned {
                        warnings.push(format!(
                            "searchable PDF, page {number}: the repaired text does not line up \
                             with the word boxes; this page's text layer holds the text as read"
                        ));
                    }
                    lines
                }
                None => Vec::new(),
            };
            writer.add_page(&SearchablePage { image, dpi, lines })?;
        }
        writer.finish()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(path);
        return Err(err);
    }
    Ok(warnings)
}

/// The words of a page grouped by line with the repaired text on them (see
/// [`run::repaired_lines`]), and whether the repaired text lined up with the boxes; when it did
/// not, the words keep the text as OCR'd (or read), which is still better than no text layer.
fn page_lines(page: &PageRecord) -> (Vec<Vec<Word>>, bool) {
    if page.words.is_empty() {
        return (Vec::new(), true);
    }
    let mut word_lines = 1;
    for pair in page.words.windows(2) {
        if pair[0].line != pair[1].line {
            word_lines += 1;
        }
    }
    let text_lines = page.text.lines().filter(|l| !l.trim().is_empty()).count();
    let lines = run::repaired_lines(&page.words, &page.text)
        .into_iter()
        .map(|(words, _)| words)
        .collect();
    (lines, word_lines == text_lines)
}
