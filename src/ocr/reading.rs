//! A page read as `--text-layer` asks: from its text layer, by OCR of its image, or both.
//!
//! With [`TextLayerPolicy::Judge`] (the default) a born-digital layer is read as it is; an OCR
//! layer (invisible text, or text with a full-page image) is judged by the repair model
//! ([`Repairer::judge_layer`]): a clean Vietnamese layer is read as it is, costing no OCR; any
//! other is set aside for the page image's OCR (one pass), and its words, moved into the OCR
//! image's pixels, come back as [`Reading::layer`] so that repair can combine both readings.
//!
//! ```no_run
//! use sohoa::ingest::{Document, Limits, text_layer::TextLayerPolicy};
//! use sohoa::ocr::{OcrOptions, reading};
//! let doc = Document::open("letter.pdf".as_ref(), &Limits::default())?;
//! let repairer = sohoa::repair::Repairer::load_default()?;
//! let read = reading::read(&doc, 0, TextLayerPolicy::Judge, &OcrOptions::default(), Some(&repairer))
//!     .map_err(anyhow::Error::msg)?;
//! println!("{:?}: {} layer words to combine", read.page.text_layer, read.layer.len());
//! # Ok::<(), anyhow::Error>(())
//! ```

use super::{OcrOptions, Page, page_text};
use crate::ingest::text_layer::{LayerKind, TextLayerInfo, TextLayerPolicy, TextSourceKind};
use crate::ingest::{Document, PageContent, PageOptions, Word};
use crate::repair::Repairer;

/// One page as read.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The page's text and words (the layer's, or the OCR's), with `text_layer` saying which.
    pub page: Page,
    /// The words of an OCR layer that was set aside for the image's OCR, with their boxes in
    /// the OCR image's pixels: the second reading to combine. Empty otherwise.
    pub layer: Vec<Word>,
}

/// Reads page `index` of `doc` under `policy`; `judge` is the repair model that judges OCR
/// layers (without one, layers are trusted). Errors are one line naming the reason.
pub fn read(
    doc: &Document,
    index: u32,
    policy: TextLayerPolicy,
    options: &OcrOptions,
    judge: Option<&Repairer>,
) -> Result<Reading, String> {
    let force_ocr = policy == TextLayerPolicy::Ocr;
    let source = doc
        .page(index, &PageOptions { force_ocr })
        .map_err(|e| e.to_string())?;
    let (kind, quality) = match &source.content {
        PageContent::TextLayer { kind, text, .. } => {
            let judged = match (policy, kind, judge) {
                (TextLayerPolicy::Judge, LayerKind::Invisible | LayerKind::OverImage, Some(r)) => {
                    Some(r.judge_layer(text))
                }
                _ => None,
            };
            (*kind, judged)
        }
        PageContent::Image { .. } => {
            let page = page_text(source, options).map_err(|e| e.to_string())?;
            return Ok(Reading {
                page,
                layer: Vec::new(),
            });
        }
    };
    let mut layer_page = page_text(source, options).map_err(|e| e.to_string())?;
    let info = |source| TextLayerInfo {
        kind,
        quality,
        source,
    };
    if quality.is_none_or(|q| q.is_clean()) {
        layer_page.text_layer = Some(info(TextSourceKind::Layer));
        return Ok(Reading {
            page: layer_page,
            layer: Vec::new(),
        });
    }
    // Not clean Vietnamese: the image is read again (one OCR pass).
    let image = doc
        .page(index, &PageOptions { force_ocr: true })
        .map_err(|e| e.to_string())?;
    // the recogniser's other readings of each word: where the two readings disagree on a
    // word's marks, what `vie` also saw there helps the model choose
    let options = OcrOptions {
        alternatives: true,
        ..options.clone()
    };
    let mut page = page_text(image, &options).map_err(|e| e.to_string())?;
    page.text_layer = Some(info(TextSourceKind::Ocr));
    let layer = in_pixels_of(&layer_page.words, &layer_page, &page);
    Ok(Reading { page, layer })
}

/// `words` of page `from` with their boxes moved into the pixels of page `to` (the same page
/// at another resolution).
fn in_pixels_of(words: &[Word], from: &Page, to: &Page) -> Vec<Word> {
    let sx = to.width as f32 / from.width.max(1) as f32;
    let sy = to.height as f32 / from.height.max(1) as f32;
    words
        .iter()
        .map(|w| {
            let [x, y, bw, bh] = w.bbox;
            Word {
                bbox: [
                    (x as f32 * sx).round() as u32,
                    (y as f32 * sy).round() as u32,
                    (bw as f32 * sx).round().max(1.0) as u32,
                    (bh as f32 * sy).round().max(1.0) as u32,
                ],
                ..w.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::TextSource;

    fn page(width: u32, height: u32) -> Page {
        Page {
            number: 1,
            source: TextSource::TextLayer,
            width,
            height,
            text: String::new(),
            words: Vec::new(),
            mean_confidence: None,
            image: None,
            text_layer: None,
        }
    }

    #[test]
    fn layer_boxes_move_into_the_ocr_images_pixels() {
        // a 300-dpi layer over a 200-dpi scan
        let word = Word {
            text: "Ke".into(),
            bbox: [300, 600, 90, 45],
            confidence: 100.0,
            block: 0,
            line: 0,
            alternatives: Vec::new(),
        };
        let moved = in_pixels_of(&[word], &page(2481, 3508), &page(1654, 2339));
        assert_eq!(moved[0].bbox, [200, 400, 60, 30]);
        assert_eq!(moved[0].text, "Ke");
    }
}
