//! Two-column regions in reading order.
//!
//! A Vietnamese administrative document prints two columns side by side at its head (issuer,
//! number and subject on the left; national motto, place and date on the right) and at its foot
//! (`Nơi nhận:` on the left, the signature block on the right). Tesseract reads each printed
//! row across both columns as one line (`UBND TỈNH NGHỆ AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`),
//! which mixes the two blocks. Here a run of lines that share a wide gap at the same place is cut
//! there, and written as the left block, then the right block. Words are never cut: lines are
//! split between words only, so no word is broken across lines.
//!
//! ```
//! use sohoa::ingest::Word;
//! use sohoa::ocr::layout::columns;
//! let w = |text: &str, x: u32, line: u32| Word {
//!     text: text.into(), bbox: [x, 100 + 60 * line, 40 * text.len() as u32, 40],
//!     confidence: 90.0, block: 1, line, alternatives: vec![],
//! };
//! let words = vec![w("UBND", 100, 0), w("CỘNG", 1300, 0), w("HÒA", 1520, 0),
//!                  w("SỞ", 100, 1), w("Độc", 1300, 1), w("lập", 1450, 1)];
//! let (words, text) = columns(&words, 2480).expect("two columns");
//! assert_eq!(text, "UBND\nSỞ\n\nCỘNG HÒA\nĐộc lập");
//! assert_eq!(words[1].line, 1);
//! ```

use crate::ingest::Word;

/// A gap is a column gap when it is wider than this many times the line's median word height
/// (a justified line's widest space is about one height)...
const GAP_HEIGHTS: f32 = 4.0;
/// ...and than this share of the page width.
const GAP_PAGE_SHARE: f32 = 0.06;
/// Lines of one region follow each other within this many line heights.
const REGION_LINE_GAP: f32 = 3.0;

struct Line<'a> {
    words: Vec<&'a Word>,
    /// The column gap, when the line has one: (left end, right start) in pixels.
    gap: Option<(u32, u32)>,
    top: u32,
    bottom: u32,
    left: u32,
    right: u32,
    height: f32,
}

/// The ranges of `words` (in Tesseract's order) that share a line number, in order.
pub(super) fn line_ranges(words: &[Word]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let end = words[start..]
            .iter()
            .position(|w| w.line != words[start].line)
            .map_or(words.len(), |n| start + n);
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// The median height of the words' boxes in pixels, at least 1.
pub(super) fn median_height<'a>(words: impl IntoIterator<Item = &'a Word>) -> f32 {
    let mut heights: Vec<u32> = words.into_iter().map(|w| w.bbox[3]).collect();
    heights.sort_unstable();
    heights.get(heights.len() / 2).copied().unwrap_or(1).max(1) as f32
}

fn lines_of(words: &[Word], page_width: u32) -> Vec<Line<'_>> {
    let mut lines: Vec<Line> = Vec::new();
    for range in line_ranges(words) {
        let ws: Vec<&Word> = words[range].iter().collect();
        let height = median_height(ws.iter().copied());
        let threshold = (GAP_HEIGHTS * height).max(GAP_PAGE_SHARE * page_width as f32);
        // Both sides must hold text: a speck (`-`, `:`) beside a centred heading is no column.
        let letters = |side: &[&Word]| {
            side.iter()
                .flat_map(|w| w.text.chars())
                .filter(|c| c.is_alphanumeric())
                .count()
        };
        let gap = (1..ws.len())
            .map(|k| (k, ws[k - 1].bbox[0] + ws[k - 1].bbox[2], ws[k].bbox[0]))
            .filter(|(_, end, next)| *next > *end && (*next - *end) as f32 > threshold)
            .filter(|(k, _, _)| letters(&ws[..*k]) >= 2 && letters(&ws[*k..]) >= 2)
            .max_by_key(|(_, end, next)| next - end)
            .map(|(_, end, next)| (end, next));
        lines.push(Line {
            top: ws.iter().map(|w| w.bbox[1]).min().unwrap_or(0),
            bottom: ws.iter().map(|w| w.bbox[1] + w.bbox[3]).max().unwrap_or(0),
            left: ws.iter().map(|w| w.bbox[0]).min().unwrap_or(0),
            right: ws.iter().map(|w| w.bbox[0] + w.bbox[2]).max().unwrap_or(0),
            words: ws,
            gap,
            height,
        });
    }
    lines
}

/// Reorders the two-column regions of a page's words (in Tesseract's line order) into blocks:
/// each region's left column, then its right column. Returns the words renumbered by line and
/// the page text rebuilt from them (blank lines between blocks), or `None` when the page has
/// no such region and Tesseract's own text stands.
pub fn columns(words: &[Word], page_width: u32) -> Option<(Vec<Word>, String)> {
    let lines = lines_of(words, page_width);
    // Regions: runs of lines around lines with a gap, sharing the gap's place.
    let mut region_of: Vec<Option<usize>> = vec![None; lines.len()];
    let mut regions: Vec<u32> = Vec::new(); // each region's cut, in pixels
    let mut i = 0;
    while i < lines.len() {
        let Some((end, next)) = lines[i].gap else {
            i += 1;
            continue;
        };
        let mut cut = (end + next) / 2;
        let id = regions.len();
        region_of[i] = Some(id);
        // Lines just below that lie on one side of the cut, or have a gap around it.
        let mut j = i + 1;
        while j < lines.len() {
            let (prev, line) = (&lines[j - 1], &lines[j]);
            let near = (line.top as f32) <= prev.bottom as f32 + REGION_LINE_GAP * prev.height;
            let fits = match line.gap {
                Some((e, n)) => e < cut && cut < n,
                None => line.right < cut || line.left > cut,
            };
            if !near || !fits {
                break;
            }
            if let Some((e, n)) = line.gap {
                cut = cut.clamp(e, n);
            }
            region_of[j] = Some(id);
            j += 1;
        }
        // Lines just above on one side only (a left-column line before the first gap).
        let mut k = i;
        while k > 0 && region_of[k - 1].is_none() {
            let (line, below) = (&lines[k - 1], &lines[k]);
            let near = (below.top as f32) <= line.bottom as f32 + REGION_LINE_GAP * line.height;
            if !near || line.gap.is_some() || !(line.right < cut || line.left > cut) {
                break;
            }
            region_of[k - 1] = Some(id);
            k -= 1;
        }
        // One row with a gap is a line with a wide space; columns run over two rows or more.
        if (k..j).filter(|&r| lines[r].gap.is_some()).count() < 2 {
            for r in region_of.iter_mut().take(j).skip(k) {
                *r = None;
            }
            i += 1;
            continue;
        }
        regions.push(cut);
        i = j;
    }
    if regions.is_empty() {
        return None;
    }
    // Write: lines outside regions as they are; a region as its left lines then right lines.
    let mut blocks: Vec<Vec<Vec<&Word>>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match region_of[i] {
            None => {
                // Tesseract's blocks stay blocks.
                let block = lines[i].words.first().map_or(0, |w| w.block);
                let continues = i > 0
                    && region_of[i - 1].is_none()
                    && lines[i - 1].words.first().map_or(0, |w| w.block) == block;
                match blocks.last_mut() {
                    Some(b) if continues => b.push(lines[i].words.clone()),
                    _ => blocks.push(vec![lines[i].words.clone()]),
                }
                i += 1;
            }
            Some(id) => {
                let cut = regions[id];
                let (mut left, mut right) = (Vec::new(), Vec::new());
                while i < lines.len() && region_of[i] == Some(id) {
                    let (l, r): (Vec<&Word>, Vec<&Word>) =
                        lines[i].words.iter().partition(|w| w.bbox[0] < cut);
                    if !l.is_empty() {
                        left.push(l);
                    }
                    if !r.is_empty() {
                        right.push(r);
                    }
                    i += 1;
                }
                for side in [left, right] {
                    if !side.is_empty() {
                        blocks.push(side);
                    }
                }
            }
        }
    }
    let mut out = Vec::with_capacity(words.len());
    let mut text = String::new();
    let mut line_no = 0u32;
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 {
            text.push_str("\n\n");
        }
        for (l, line) in block.iter().enumerate() {
            if l > 0 {
                text.push('\n');
            }
            let joined: Vec<&str> = line.iter().map(|w| w.text.as_str()).collect();
            text.push_str(&joined.join(" "));
            out.extend(line.iter().map(|w| Word {
                line: line_no,
                ..(*w).clone()
            }));
            line_no += 1;
        }
    }
    Some((out, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: u32, line: u32, block: u32) -> Word {
        Word {
            text: text.into(),
            bbox: [x, 100 + 60 * line, 30 * text.chars().count() as u32, 40],
            confidence: 90.0,
            block,
            line,
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn ordinary_lines_are_left_alone() {
        let words = vec![
            word("Thực", 200, 0, 1),
            word("hiện", 350, 0, 1),
            word("Kế", 500, 0, 1),
            word("hoạch", 600, 0, 1),
            word("số", 200, 1, 1),
        ];
        assert!(columns(&words, 2480).is_none());
    }

    #[test]
    fn a_header_and_a_closing_become_blocks_in_reading_order() {
        let words = vec![
            word("UBND", 200, 0, 1),
            word("CỘNG", 1300, 0, 1),
            word("HÒA", 1480, 0, 1),
            word("SỞ", 200, 1, 1),
            word("Độc", 1300, 1, 1),
            word("lập", 1420, 1, 1),
            word("Số:", 200, 2, 1),
            word("12/SGDĐT", 300, 2, 1),
            word("Nghệ", 1300, 2, 1),
            word("An", 1450, 2, 1),
            // body: one line across the page ends the region
            word("Thực", 200, 4, 2),
            word("hiện", 350, 4, 2),
            word("Kế", 500, 4, 2),
            word("hoạch", 600, 4, 2),
            word("một", 800, 4, 2),
            word("hai", 950, 4, 2),
            word("ba", 1100, 4, 2),
            word("bốn", 1250, 4, 2),
            word("năm", 1400, 4, 2),
            word("sáu", 1550, 4, 2),
        ];
        let (out, text) = columns(&words, 2480).expect("a region");
        assert_eq!(
            text,
            "UBND\nSỞ\nSố: 12/SGDĐT\n\nCỘNG HÒA\nĐộc lập\nNghệ An\n\nThực hiện Kế hoạch một hai ba bốn năm sáu"
        );
        assert_eq!(out.len(), words.len());
        // non-blank text line N holds the words of line N
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        for w in &out {
            assert!(lines[w.line as usize].split(' ').any(|t| t == w.text));
        }
    }
}
