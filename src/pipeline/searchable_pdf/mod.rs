//! Searchable PDFs an archive keeps: the original pages with the repaired text grafted on as an
//! invisible layer, self-describing (document information and XMP with the extracted title,
//! number and symbol, issuer and date) and identified as PDF/A-2b.
//!
//! - A PDF input is copied page for page ([`graft`]): content, images, fonts and annotations
//!   stay as they were; an OCR'd page gets the text layer (replacing any invisible text it had),
//!   a page read from its own text layer gets nothing.
//! - A TIFF, PNG or JPEG input becomes one page per image ([`SearchablePdfWriter`]), the image
//!   as its file stores it (JPEG bytes as they are, others without loss, in their own colour, at
//!   their own resolution), written page by page so memory stays flat on long documents.
//!
//! ```
//! use sohoa::ingest::Word;
//! use sohoa::pipeline::searchable_pdf::{DocumentInfo, SearchablePage, SearchablePdfWriter};
//!
//! let path = std::env::temp_dir().join(format!("sohoa-doc-module-{}.pdf", std::process::id()));
//! let mut pdf = SearchablePdfWriter::create(&path)?;
//! let word = |text: &str, x: u32| Word {
//!     text: text.into(), bbox: [x, 100, 90, 40], confidence: 95.0, block: 1, line: 0, alternatives: vec![],
//! };
//! let scan = image::GrayImage::from_pixel(600, 800, image::Luma([255]));
//! pdf.add_page(&SearchablePage::gray(scan, 150, vec![vec![word("Kế", 50), word("hoạch", 150)]]))?;
//! pdf.finish(&DocumentInfo { title: Some("Kế hoạch".into()), ..DocumentInfo::default() }, true)?;
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), sohoa::pipeline::searchable_pdf::Error>(())
//! ```

mod font;
mod graft;
mod images;
mod objects;
mod pdfa;
mod text_layer;

pub use graft::{PageLayer, strip_invisible_text};
pub use images::{SearchablePage, SearchablePdfWriter};
pub use pdfa::DocumentInfo;
pub(crate) use pdfa::escape as xml_escape;
pub use text_layer::TextEncoder;

use super::manifest::temp_path;
use super::record::PageRecord;
use crate::ingest::{Document, Kind, Word};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why a searchable PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing or syncing the file failed.
    #[error("cannot write the PDF: {0}")]
    Io(#[from] std::io::Error),
    /// The page cannot be put in a PDF (no pixels, no resolution, damaged data).
    #[error("page {page}: {reason}")]
    BadPage {
        /// 1-based number the page would have had.
        page: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// [`SearchablePdfWriter::finish`] was called before any page was added; a PDF without pages
    /// is refused by many readers.
    #[error("the PDF has no pages")]
    NoPages,
    /// An earlier write failed part-way, so the file is incomplete and nothing more is written.
    #[error("an earlier write failed; the PDF is incomplete")]
    Failed,
    /// A page of the source document could not be read again.
    #[error("page {page}: {source}")]
    Source {
        /// 1-based page number.
        page: u32,
        /// Why the page could not be read.
        source: crate::ingest::Error,
    },
    /// The input PDF could not be read or changed for grafting.
    #[error("the input PDF cannot be copied: {0}")]
    Input(String),
    /// The run was interrupted while the PDF was being written; nothing was kept.
    #[error("interrupted")]
    Interrupted,
}

/// How the searchable PDF is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfOptions {
    /// Identify the file as PDF/A-2b (XMP `pdfaid`, an sRGB output intent); a PDF input that
    /// cannot be PDF/A (unembedded fonts, encryption) is written without the claim, with a
    /// warning.
    pub pdfa: bool,
    /// Password of an encrypted PDF input.
    pub password: Option<String>,
}

/// Writes the searchable PDF of a scanned document and returns the warnings to record.
///
/// A PDF input is grafted (see the module documentation); an image input is written page by
/// page, each page decoded again as stored (so no image is kept in memory between OCR and
/// writing). A page without words (blank, failed, or read from its own text layer) gets no
/// text, so the PDF always has the document's page count and numbering.
///
/// The file is written to a temporary name (`.name.sohoa-tmp`), synced and renamed into place.
/// On any failure, or when `stop` is set, nothing is left at `path` (not even the PDF of an
/// earlier run, which would no longer match the document) and the error says why.
///
/// ```no_run
/// use sohoa::ingest::{Document, Limits};
/// use sohoa::pipeline::{record::PageRecord, write_searchable_pdf};
/// use sohoa::pipeline::searchable_pdf::{DocumentInfo, PdfOptions};
/// use std::sync::atomic::AtomicBool;
/// let doc = Document::open("scan.tif".as_ref(), &Limits::default())?;
/// let pages: Vec<PageRecord> = Vec::new(); // from `run::read_pages`
/// let options = PdfOptions { pdfa: true, password: None };
/// let warnings = write_searchable_pdf(&doc, &pages, &DocumentInfo::default(), &options,
///     "scan.searchable.pdf".as_ref(), &AtomicBool::new(false))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_searchable_pdf(
    doc: &Document,
    pages: &[PageRecord],
    info: &DocumentInfo,
    options: &PdfOptions,
    path: &Path,
    stop: &AtomicBool,
) -> Result<Vec<String>, Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = temp_path(path);
    let mut warnings = Vec::new();
    let result = (|| -> Result<(), Error> {
        if doc.kind() == Kind::Pdf {
            let layers: Vec<PageLayer> = (1..=doc.page_count())
                .map(|number| {
                    let page = pages.iter().find(|p| p.number == number);
                    page_layer(page, &mut warnings)
                })
                .collect();
            if stop.load(Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            let password = options.password.as_deref();
            warnings.extend(graft::graft(
                doc.path(),
                password,
                &layers,
                info,
                options.pdfa,
                &tmp,
            )?);
        } else {
            let mut writer = SearchablePdfWriter::create(&tmp)?;
            for index in 0..doc.page_count() {
                if stop.load(Ordering::Relaxed) {
                    return Err(Error::Interrupted);
                }
                let number = index + 1;
                let image = doc
                    .stored_image(index)
                    .unwrap_or(Err(crate::ingest::Error::NoSuchPage(number)))
                    .map_err(|source| Error::Source {
                        page: number,
                        source,
                    })?;
                let page = pages.iter().find(|p| p.number == number);
                let lines = match page_layer(page, &mut warnings) {
                    PageLayer::Words { lines, .. } => lines,
                    PageLayer::Keep => Vec::new(),
                };
                writer.add_page(&SearchablePage { image, lines })?;
            }
            writer.finish(info, options.pdfa)?;
        }
        if stop.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
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

/// What a page's record puts on the page: its words with the repaired text when it was OCR'd,
/// nothing when it was read from its own text layer (or failed).
fn page_layer(page: Option<&PageRecord>, warnings: &mut Vec<String>) -> PageLayer {
    let Some(page) = page.filter(|p| p.source.as_deref() == Some("ocr") && !p.words.is_empty())
    else {
        return PageLayer::Keep;
    };
    let (lines, aligned) = page_lines(page);
    if !aligned {
        warnings.push(format!(
            "searchable PDF, page {}: the repaired text does not line up with the word boxes; \
             this page's text layer holds the text as read",
            page.number
        ));
    }
    PageLayer::Words {
        lines,
        width: page.width,
        height: page.height,
    }
}

/// The words of a page grouped by line with the repaired text on them (see
/// [`super::run::repaired_lines`]), and whether the repaired text lined up with the boxes; when
/// it did not, the words keep the text as OCR'd (or read), which is still better than no text
/// layer.
pub(crate) fn page_lines(page: &PageRecord) -> (Vec<Vec<Word>>, bool) {
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
    let lines = super::run::repaired_lines(&page.words, &page.text)
        .into_iter()
        .map(|(words, _)| words)
        .collect();
    (lines, word_lines == text_lines)
}
