//! The tables of an opened document, page by page: a page with a text layer is read from its
//! drawing (`pdf.rs`); a scanned page from its image (`scan.rs`).

use super::Table;
use super::column_context::mend_repeated_cells_across;
use super::pdf::{PageTable, join_pages, page_tables};
use crate::ingest::Document;
use crate::ingest::Word;
use crate::ocr::OcrOptions;
use crate::repair::Repairer;
use rayon::prelude::*;

/// A page needs this many characters in its text layer to be read as born-digital (as the
/// page text is: `ingest`'s text-layer rule).
const MIN_TEXT_LAYER_CHARS: usize = 16;

/// The words a page's OCR read, as its (repaired) text reads them, with boxes in the pixels
/// of the page image: a scanned page's cells take their text from them instead of being OCR'd
/// a second time. Made from a run's page records by `pipeline::run::table_words`.
///
/// ```
/// let page = sohoa::extract::tables::PageWords { number: 1, width: 2480, height: 3508,
///                                                words: Vec::new() };
/// assert_eq!(page.number, 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PageWords {
    /// 1-based page number.
    pub number: u32,
    /// Width of the OCR'd image in pixels (the words are used only on an image this wide).
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// The words.
    pub words: Vec<Word>,
}

/// The tables of every page of `doc`, tables continued on the next page joined; and a warning
/// per page whose tables could not be read (the other pages' tables are kept).
///
/// `force_ocr` reads every page as a scan, as `--force-ocr` does for the text; `ocr_words`
/// are the OCR'd pages' words (a scanned page without them has each cell OCR'd); a cell OCR'd
/// on its own is repaired by `repairer`. A scanned table's repeated cells are then read alike
/// ([`super::column_context`]).
pub fn from_document(
    doc: &Document,
    force_ocr: bool,
    options: &OcrOptions,
    repairer: Option<&Repairer>,
    ocr_words: &[PageWords],
) -> (Vec<Table>, Vec<String>) {
    let pages: Vec<Result<(bool, Vec<PageTable>), String>> = (0..doc.page_count())
        .into_par_iter()
        .with_max_len(1)
        .map(|i| {
            let words = ocr_words.iter().find(|w| w.number == i + 1);
            page(doc, i, force_ocr, options, repairer, words)
        })
        .collect();
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    let mut scanned = Vec::new();
    for (i, p) in pages.into_iter().enumerate() {
        match p {
            Ok((scan, mut t)) => {
                if scan {
                    scanned.push(i as u32 + 1);
                }
                found.append(&mut t);
            }
            Err(e) => warnings.push(format!("page {}: tables not read: {e}", i + 1)),
        }
    }
    let mut tables = join_pages(found);
    // a scan's OCR slips differently on each copy of a repeated text
    let mut scanned_rows: Vec<&mut Vec<Vec<String>>> = tables
        .iter_mut()
        .filter(|t| t.page.is_some_and(|p| scanned.contains(&p)))
        .map(|t| &mut t.rows)
        .collect();
    mend_repeated_cells_across(&mut scanned_rows, repairer.map(Repairer::model));
    (tables, warnings)
}

/// A page's tables, and whether they were read from its image (a scan).
fn page(
    doc: &Document,
    index: u32,
    force_ocr: bool,
    options: &OcrOptions,
    repairer: Option<&Repairer>,
    words: Option<&PageWords>,
) -> Result<(bool, Vec<PageTable>), String> {
    let number = index + 1;
    if !force_ocr
        && let Some(objects) = doc.page_objects(index).map_err(|e| e.to_string())?
        && objects.chars.len() >= MIN_TEXT_LAYER_CHARS
        // an OCR layer over a scan: the table is in the image
        && objects.born_digital
    {
        return Ok((false, page_tables(&objects, number)));
    }
    super::scan::page_tables(doc, index, words, options, repairer).map(|t| (true, t))
}
