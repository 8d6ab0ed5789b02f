//! Printed lines that Tesseract's layout analysis split, put back together.
//!
//! On a degraded scan Tesseract sometimes cuts a printed line in two and files the second part
//! as a block of its own, read after everything else on the page (`định của pháp` in its
//! paragraph, `luật liên quan về trẻ em …` after the last paragraph). The text then reads out of
//! order, and the repair model sees two halves of a sentence with no context. Here a line that is
//! the only line of its block, and sits on another block's line, continuing it after a word space
//! and within that block's width, is joined to that line. A column of a table or of a two-column
//! header lies outside the other block's width, so it is never joined.
//!
//! The numbers of a list printed with a hanging indent (`7.`, `8.`, `9.` at the margin, each
//! item's text a little to the right) are sometimes filed as lines of one short word each, in
//! a block of their own or at the end of the block above, read before or after the items. Each
//! such marker line is put in front of the line of another block it sits on, when that line
//! starts a word space or so to its right.
//!
//! ```
//! use sohoa::ingest::Word;
//! use sohoa::ocr::split_lines::join_split_lines;
//! let w = |text: &str, x: u32, y: u32, block: u32, line: u32| Word {
//!     text: text.into(), bbox: [x, y, 30 * text.chars().count() as u32, 40],
//!     confidence: 90.0, block, line, alternatives: vec![],
//! };
//! // block 1: two full lines; block 2, read last: the end of block 1's second line
//! let words = vec![w("Giao", 100, 100, 1, 0), w("các", 240, 100, 1, 0), w("bộ", 350, 100, 1, 0),
//!                  w("rà", 420, 100, 1, 0), w("soát", 520, 100, 1, 0),
//!                  w("định", 100, 160, 1, 1), w("của", 250, 162, 1, 1),
//!                  w("pháp", 100, 220, 1, 2), w("luật.", 260, 220, 1, 2),
//!                  w("liên", 360, 158, 2, 3), w("quan", 500, 158, 2, 3)];
//! let text = "Giao các bộ rà soát\nđịnh của\npháp luật.\n\nliên quan";
//! let (words, text) = join_split_lines(&words, text).expect("one line joined");
//! assert_eq!(text, "Giao các bộ rà soát\nđịnh của liên quan\npháp luật.");
//! assert_eq!((words[8].text.as_str(), words[8].line, words[8].block), ("quan", 1, 1));
//! ```

use super::layout::{line_ranges, median_height};
use crate::ingest::Word;
use crate::repair::text_lines_of_word_lines;
use rustc_hash::FxHashMap;

/// A block's horizontal extent and how many lines it has.
#[derive(Debug, Clone, Copy)]
struct Block {
    left: f32,
    right: f32,
    lines: usize,
    /// Every line is one short word: a column of list markers, never a host.
    markers: bool,
}

/// The longest word, in characters, that a list marker column holds (`10.`, `a)`, `IV.`).
const MARKER_CHARS: usize = 4;

/// The widest space between a line's end and its continuation, in line heights (a justified
/// line's widest space is about one height; a column gap is four or more).
const MAX_GAP_HEIGHTS: f32 = 2.0;
/// How far apart the two parts' middles may lie vertically, in line heights.
const MAX_RISE_HEIGHTS: f32 = 0.5;
/// How far the continuation may reach past its host block's edge, in line heights.
const BLOCK_EDGE_HEIGHTS: f32 = 1.0;

/// One Tesseract line: the range of its words in the page's word list.
#[derive(Debug, Clone)]
struct Line {
    words: std::ops::Range<usize>,
    block: u32,
    left: f32,
    right: f32,
    height: f32,
    /// One short word: maybe a list's marker (see the [module](self) docs).
    marker: bool,
}

fn lines_of(words: &[Word]) -> Vec<Line> {
    line_ranges(words)
        .into_iter()
        .map(|range| {
            let ws = &words[range.clone()];
            Line {
                block: ws[0].block,
                left: ws.iter().map(|w| w.bbox[0]).min().unwrap_or(0) as f32,
                right: ws.iter().map(|w| w.bbox[0] + w.bbox[2]).max().unwrap_or(0) as f32,
                height: median_height(ws),
                marker: ws.len() == 1 && ws[0].text.chars().count() <= MARKER_CHARS,
                words: range,
            }
        })
        .collect()
}

fn middle(word: &Word) -> f32 {
    word.bbox[1] as f32 + word.bbox[3] as f32 / 2.0
}

/// Where a lone line goes: appended to (`true`) or put before (`false`) line `host`.
type Join = (usize, bool);

/// The line a lone line `j` continues or starts, if any (see the [module](self) documentation).
fn host_of(
    j: usize,
    lines: &[Line],
    words: &[Word],
    blocks: &FxHashMap<u32, Block>,
) -> Option<Join> {
    let part = &lines[j];
    let part_block = blocks.get(&part.block)?;
    if part_block.lines != 1 && !part.marker {
        return None;
    }
    let (first, last) = (&words[part.words.start], &words[part.words.end - 1]);
    let mut best: Option<(f32, Join)> = None;
    for (i, host) in lines.iter().enumerate() {
        if i == j || host.block == part.block {
            continue;
        }
        let Some(&Block {
            left: block_left,
            right: block_right,
            lines: count,
            markers,
        }) = blocks.get(&host.block)
        else {
            continue;
        };
        if (count < 2 && !part.marker) || markers {
            continue;
        }
        let height = host.height.max(part.height);
        let edge = BLOCK_EDGE_HEIGHTS * height;
        let (host_first, host_last) = (&words[host.words.start], &words[host.words.end - 1]);
        // after the host's end, or before its start
        let candidates = [
            (
                part.left - host.right,
                host_last,
                first,
                part.right <= block_right + edge,
                true,
            ),
            (
                host.left - part.right,
                host_first,
                last,
                // a list's marker hangs left of its items' block
                part.left + edge >= block_left || part.marker,
                false,
            ),
        ];
        for (gap, near_host, near_part, inside, after) in candidates {
            if part.marker && part_block.lines > 1 && after {
                continue;
            }
            let level = (middle(near_host) - middle(near_part)).abs() <= MAX_RISE_HEIGHTS * height;
            let spaced = gap >= -0.2 * height && gap <= MAX_GAP_HEIGHTS * height;
            if level && spaced && inside && best.is_none_or(|(g, _)| gap < g) {
                best = Some((gap, (i, after)));
            }
        }
    }
    best.map(|(_, join)| join)
}

/// A marker's word and the punctuation its host line starts with, as one word, when they touch
/// (`6` + `.` → `6.`).
fn glued_marker(part: &[Word], host: &[Word]) -> Option<Word> {
    let ([marker], Some(first)) = (part, host.first()) else {
        return None;
    };
    let gap = first.bbox[0] as f32 - (marker.bbox[0] + marker.bbox[2]) as f32;
    let touching = gap <= 0.25 * marker.bbox[3] as f32;
    let punctuation = first.text.chars().all(|c| matches!(c, '.' | ')' | ','));
    (touching && punctuation && host.len() > 1).then(|| {
        let [x, y, w, h] = marker.bbox;
        let right = (x + w).max(first.bbox[0] + first.bbox[2]);
        let bottom = (y + h).max(first.bbox[1] + first.bbox[3]);
        Word {
            text: format!("{}{}", marker.text, first.text),
            bbox: [
                x,
                y.min(first.bbox[1]),
                right - x,
                bottom - y.min(first.bbox[1]),
            ],
            confidence: marker.confidence.min(first.confidence),
            alternatives: vec![],
            ..marker.clone()
        }
    })
}

/// Joins each line Tesseract filed as a block of its own to the line of another block that it
/// continues (or starts). `text` is Tesseract's page text for `words`, whose word line N is its
/// N-th non-blank line. Returns the words (moved to their host line and block, lines numbered
/// again) and the text with each joined part moved onto its host's line, or `None` when no line
/// was split and Tesseract's own text stands.
pub fn join_split_lines(words: &[Word], text: &str) -> Option<(Vec<Word>, String)> {
    let lines = lines_of(words);
    let mut blocks: FxHashMap<u32, Block> = FxHashMap::default();
    for line in &lines {
        let block = blocks.entry(line.block).or_insert(Block {
            left: line.left,
            right: line.right,
            lines: 0,
            markers: true,
        });
        block.left = block.left.min(line.left);
        block.right = block.right.max(line.right);
        block.lines += 1;
        block.markers &= line.marker;
    }
    let alone = |j: usize| blocks.get(&lines[j].block).is_some_and(|b| b.lines == 1);
    let mut joins: Vec<Option<Join>> = (0..lines.len())
        .map(|j| {
            alone(j)
                .then(|| host_of(j, &lines, words, &blocks))
                .flatten()
        })
        .collect();
    // then the markers of other blocks, on lines no lone line joined
    let taken: Vec<usize> = joins.iter().flatten().map(|(i, _)| *i).collect();
    for j in 0..lines.len() {
        if lines[j].marker && !alone(j) && !taken.contains(&j) {
            joins[j] = host_of(j, &lines, words, &blocks).filter(|(i, _)| joins[*i].is_none());
        }
    }
    // a part that is itself a host stays: joins never chain
    let hosts: Vec<usize> = joins.iter().flatten().map(|(i, _)| *i).collect();
    let joins: Vec<Option<Join>> = joins
        .into_iter()
        .enumerate()
        .map(|(j, join)| join.filter(|_| !hosts.contains(&j)))
        .collect();
    if joins.iter().all(Option::is_none) {
        return None;
    }
    // a part's line becomes None once it is moved onto its host's
    let mut text_lines: Vec<Option<String>> =
        text.split('\n').map(|l| Some(l.to_string())).collect();
    let text_line_of = text_lines_of_word_lines(text);
    if text_line_of.len() != lines.len() {
        // the text does not follow the words line for line: leave both as Tesseract gave them
        return None;
    }
    // words of each line, parts moved onto their hosts
    let mut line_words: Vec<Vec<Word>> = lines
        .iter()
        .map(|l| words[l.words.clone()].to_vec())
        .collect();
    for (j, join) in joins.iter().enumerate() {
        let Some((host, after)) = *join else { continue };
        let block = lines[host].block;
        let moved: Vec<Word> = std::mem::take(&mut line_words[j])
            .into_iter()
            .map(|w| Word { block, ..w })
            .collect();
        let part_text = text_lines[text_line_of[j]].take().unwrap_or_default();
        // a host is never a part, so its line is still there
        let host_text = text_lines[text_line_of[host]].get_or_insert_with(String::new);
        if after {
            line_words[host].extend(moved);
            *host_text = format!("{} {}", host_text.trim_end(), part_text.trim());
        } else if let Some(glued) = glued_marker(&moved, &line_words[host]) {
            // `6` and the `.` Tesseract read as the item's first word are one printed `6.`
            let dot = line_words[host][0].text.clone();
            line_words[host][0] = glued;
            let rest = host_text
                .trim_start()
                .strip_prefix(dot.as_str())
                .unwrap_or("");
            *host_text = format!("{}{dot}{rest}", part_text.trim());
        } else {
            line_words[host].splice(0..0, moved);
            *host_text = format!("{} {}", part_text.trim(), host_text.trim_start());
        }
    }
    let mut out = Vec::with_capacity(words.len());
    for (number, line) in line_words.into_iter().filter(|l| !l.is_empty()).enumerate() {
        out.extend(line.into_iter().map(|w| Word {
            line: number as u32,
            ..w
        }));
    }
    // drop the emptied lines, then any blank lines left doubled where a part's block was
    let mut joined = String::new();
    let mut blank_run = 0;
    for line in text_lines.iter().flatten() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        joined.push_str(line);
        joined.push('\n');
    }
    let joined = joined
        .trim_start_matches('\n')
        .trim_end_matches(['\n', ' '])
        .to_string();
    Some((out, joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: u32, y: u32, block: u32, line: u32) -> Word {
        Word {
            text: text.into(),
            bbox: [x, y, 30 * text.chars().count() as u32, 40],
            confidence: 90.0,
            block,
            line,
            alternatives: vec![],
        }
    }

    #[test]
    fn a_part_read_last_goes_back_to_its_line() {
        let words = vec![
            word("một", 100, 100, 1, 0),
            word("hai", 300, 100, 1, 0),
            word("ba", 500, 100, 1, 0),
            word("bốn", 100, 160, 1, 1),
            word("năm", 100, 220, 1, 2),
            word("sáu", 300, 222, 1, 2),
            word("bảy", 200, 158, 2, 3),
            word("tám", 340, 158, 2, 3),
        ];
        let text = "một hai ba\nbốn\nnăm sáu\n\nbảy tám";
        let (words, text) = join_split_lines(&words, text).expect("joined");
        assert_eq!(text, "một hai ba\nbốn bảy tám\nnăm sáu");
        let lines: Vec<(&str, u32)> = words.iter().map(|w| (w.text.as_str(), w.line)).collect();
        assert_eq!(
            lines,
            [
                ("một", 0),
                ("hai", 0),
                ("ba", 0),
                ("bốn", 1),
                ("bảy", 1),
                ("tám", 1),
                ("năm", 2),
                ("sáu", 2),
            ]
        );
    }

    #[test]
    fn a_part_before_its_line_is_put_in_front() {
        let words = vec![
            word("bốn", 400, 100, 1, 0),
            word("năm", 520, 100, 1, 0),
            word("sáu", 100, 160, 1, 1),
            word("bảy", 240, 160, 1, 1),
            word("tám", 400, 160, 1, 1),
            word("một", 100, 102, 2, 2),
            word("hai", 260, 102, 2, 2),
        ];
        let text = "bốn năm\nsáu bảy tám\n\nmột hai";
        let (_, text) = join_split_lines(&words, text).expect("joined");
        assert_eq!(text, "một hai bốn năm\nsáu bảy tám");
    }

    #[test]
    fn columns_and_far_parts_stay_apart() {
        // a right-hand column beside a two-line block: beyond the block's width
        let header = vec![
            word("UBND", 100, 100, 1, 0),
            word("TỈNH", 260, 100, 1, 0),
            word("SỞ", 100, 160, 1, 1),
            word("CỘNG", 1300, 100, 2, 2),
            word("HÒA", 1500, 100, 2, 2),
        ];
        assert!(join_split_lines(&header, "UBND TỈNH\nSỞ\n\nCỘNG HÒA").is_none());
        // a wide gap (a table's next cell) is no word space
        let cells = vec![
            word("một", 100, 100, 1, 0),
            word("hai", 300, 100, 1, 0),
            word("ba", 100, 160, 1, 1),
            word("bốn", 600, 100, 2, 2),
        ];
        assert!(join_split_lines(&cells, "một hai\nba\n\nbốn").is_none());
        // another line's height: not the same printed line
        let below = vec![
            word("một", 100, 100, 1, 0),
            word("hai", 300, 100, 1, 0),
            word("ba", 100, 160, 1, 1),
            word("bốn", 200, 190, 2, 2),
        ];
        assert!(join_split_lines(&below, "một hai\nba\n\nbốn").is_none());
        assert!(join_split_lines(&[], "").is_none());
    }

    #[test]
    fn a_column_of_list_markers_goes_in_front_of_its_items() {
        // `7.` and `8.` filed as a block of their own, `9.` as another, all read before the
        // items, which start a little right of the markers
        let words = vec![
            word("7.", 190, 172, 1, 0),
            word("8.", 190, 220, 1, 1),
            word("9.", 191, 265, 2, 2),
            word("Cửa", 262, 170, 3, 3),
            word("khẩu", 400, 170, 3, 3),
            word("Cửa", 262, 218, 3, 4),
            word("cảng", 400, 218, 3, 4),
            word("Cửa", 262, 265, 3, 5),
            word("sông", 400, 265, 3, 5),
        ];
        let text = "7.\n8.\n\n9.\n\nCửa khẩu\nCửa cảng\nCửa sông";
        let (words, text) = join_split_lines(&words, text).expect("joined");
        assert_eq!(text, "7. Cửa khẩu\n8. Cửa cảng\n9. Cửa sông");
        assert_eq!(
            (words[0].text.as_str(), words[0].line, words[0].block),
            ("7.", 0, 3)
        );
        // `6` at the end of the block above, its `.` read as the first word of the item
        let words = vec![
            word("Cửa", 262, 100, 1, 0),
            word("khẩu", 400, 100, 1, 0),
            word("6", 232, 160, 1, 1),
            word(".", 263, 178, 2, 2),
            word("Cửa", 280, 158, 2, 2),
            word("Cửa", 280, 220, 2, 3),
        ];
        let (words, text) = join_split_lines(&words, "Cửa khẩu\n6\n\n. Cửa\nCửa").expect("joined");
        assert_eq!(text, "Cửa khẩu\n\n6. Cửa\nCửa");
        assert_eq!((words[2].text.as_str(), words[2].bbox[0]), ("6.", 232));
        // a column of longer words (a table's first column) stays where it is
        let table = vec![
            word("Hà Nội", 100, 100, 1, 0),
            word("Huế", 100, 160, 1, 1),
            word("một", 300, 100, 2, 2),
            word("hai", 400, 100, 2, 2),
            word("ba", 300, 160, 2, 3),
            word("bốn", 400, 160, 2, 3),
        ];
        assert!(join_split_lines(&table, "Hà Nội\nHuế\n\nmột hai\nba bốn").is_none());
    }

    #[test]
    fn text_that_does_not_follow_the_words_is_left_alone() {
        let words = vec![
            word("một", 100, 100, 1, 0),
            word("hai", 300, 100, 1, 0),
            word("ba", 100, 160, 1, 1),
            word("bốn", 200, 160, 2, 2),
        ];
        assert!(join_split_lines(&words, "một hai ba bốn").is_none());
    }
}
