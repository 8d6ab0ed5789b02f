//! The layout of a document's record as ALTO and hOCR describe it: pages, text blocks, lines
//! and words with boxes, the repaired word and, where it differs, the word as OCR'd.

use super::record::PageRecord;
use super::run::repaired_lines;
use crate::ingest::Word;

/// One page: its size in pixels and its blocks of lines.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutPage {
    /// 1-based page number.
    pub number: u32,
    /// Width of the page image in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Text blocks in reading order, each a list of lines.
    pub blocks: Vec<Vec<LayoutLine>>,
}

/// One line of words.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutLine {
    /// The words in reading order.
    pub words: Vec<LayoutWord>,
}

/// One word.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutWord {
    /// `[x, y, width, height]` in pixels, origin top left.
    pub bbox: [u32; 4],
    /// The repaired word.
    pub text: String,
    /// The word as OCR'd (or read), when repair changed it.
    pub raw: Option<String>,
    /// Recognition confidence 0–1.
    pub confidence: f32,
}

/// The box `[x, y, w, h]` around boxes; all zero for none.
pub fn union_box<'a>(boxes: impl IntoIterator<Item = &'a [u32; 4]>) -> [u32; 4] {
    let mut bounds: Option<[u32; 4]> = None;
    for b in boxes {
        let (x1, y1) = (b[0].saturating_add(b[2]), b[1].saturating_add(b[3]));
        bounds = Some(match bounds {
            None => [b[0], b[1], x1, y1],
            Some([a, c, d, e]) => [a.min(b[0]), c.min(b[1]), d.max(x1), e.max(y1)],
        });
    }
    bounds.map_or([0; 4], |[x0, y0, x1, y1]| [x0, y0, x1 - x0, y1 - y0])
}

impl LayoutLine {
    /// The box around the line's words.
    pub fn bbox(&self) -> [u32; 4] {
        union_box(self.words.iter().map(|w| &w.bbox))
    }
}

/// The layout of every page that has a size (pages of a text input, with no image, are left
/// out): words grouped into lines as OCR found them, lines into Tesseract's blocks.
///
/// ```
/// use sohoa::ingest::Word;
/// use sohoa::pipeline::{ocr_layout::layout, record::PageRecord};
/// let word = Word { text: "Ke".into(), bbox: [10, 10, 40, 20], confidence: 80.0, block: 1, line: 0, alternatives: vec![] };
/// let page = PageRecord { number: 1, width: 100, height: 50, text: "Kế".into(), words: vec![word], ..PageRecord::default() };
/// let pages = layout(&[page]);
/// let first = &pages[0].blocks[0][0].words[0];
/// assert_eq!((first.text.as_str(), first.raw.as_deref()), ("Kế", Some("Ke")));
/// ```
pub fn layout(pages: &[PageRecord]) -> Vec<LayoutPage> {
    pages
        .iter()
        .filter(|page| page.width > 0 && page.height > 0)
        .map(|page| LayoutPage {
            number: page.number,
            width: page.width,
            height: page.height,
            blocks: page_blocks(page),
        })
        .collect()
}

fn page_blocks(page: &PageRecord) -> Vec<Vec<LayoutLine>> {
    let mut raw_lines: Vec<Vec<&Word>> = Vec::new();
    for word in &page.words {
        match raw_lines.last_mut() {
            Some(line) if line[0].line == word.line => line.push(word),
            _ => raw_lines.push(vec![word]),
        }
    }
    let repaired = repaired_lines(&page.words, &page.text);
    let mut blocks: Vec<(u32, Vec<LayoutLine>)> = Vec::new();
    for (raw, (words, _)) in raw_lines.iter().zip(repaired) {
        let line = if words.len() == raw.len() {
            LayoutLine {
                words: words
                    .iter()
                    .zip(raw)
                    .map(|(repaired, raw)| layout_word(repaired, &raw.text))
                    .collect(),
            }
        } else {
            // Repair split or merged words: the line is one box holding the repaired line.
            let raw_text: Vec<&str> = raw.iter().map(|w| w.text.as_str()).collect();
            LayoutLine {
                words: words
                    .iter()
                    .map(|w| layout_word(w, &raw_text.join(" ")))
                    .collect(),
            }
        };
        let block = raw[0].block;
        match blocks.last_mut() {
            Some((number, lines)) if *number == block => lines.push(line),
            _ => blocks.push((block, vec![line])),
        }
    }
    blocks.into_iter().map(|(_, lines)| lines).collect()
}

fn layout_word(repaired: &Word, raw: &str) -> LayoutWord {
    LayoutWord {
        bbox: repaired.bbox,
        text: repaired.text.clone(),
        raw: (raw != repaired.text).then(|| raw.to_string()),
        confidence: (repaired.confidence / 100.0).clamp(0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: u32, block: u32, line: u32) -> Word {
        Word {
            text: text.into(),
            bbox: [x, line * 30, 20, 20],
            confidence: 90.0,
            block,
            line,
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn lines_fall_into_blocks_with_raw_words_kept() {
        let page = PageRecord {
            number: 2,
            width: 200,
            height: 100,
            text: "Kế hoạch\n\nsố 265\nBan".into(),
            words: vec![
                word("Ke", 0, 1, 0),
                word("hoach", 30, 1, 0),
                word("so", 0, 2, 1),
                word("265", 30, 2, 1),
                word("Ban", 0, 2, 2),
            ],
            ..PageRecord::default()
        };
        let pages = layout(&[page]);
        let blocks = &pages[0].blocks;
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].len(), 2);
        let second = &blocks[1][0].words[1];
        assert_eq!((second.text.as_str(), second.raw.as_deref()), ("265", None));
        assert_eq!(blocks[0][0].words[1].raw.as_deref(), Some("hoach"));
        assert_eq!(blocks[0][0].bbox(), [0, 0, 50, 20]);
        assert!((blocks[0][0].words[0].confidence - 0.9).abs() < 1e-6);
    }

    #[test]
    fn merged_repairs_become_one_word_per_line() {
        let page = PageRecord {
            number: 1,
            width: 100,
            height: 40,
            text: "Kếhoạch".into(),
            words: vec![word("Ke", 0, 1, 0), word("hoach", 30, 1, 0)],
            ..PageRecord::default()
        };
        let words = &layout(&[page])[0].blocks[0][0].words;
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].raw.as_deref(), Some("Ke hoach"));
        assert_eq!(words[0].bbox, [0, 0, 50, 20]);
    }

    #[test]
    fn text_pages_have_no_layout() {
        let page = PageRecord {
            number: 1,
            text: "Kế hoạch".into(),
            ..PageRecord::default()
        };
        assert!(layout(&[page]).is_empty());
    }
}
