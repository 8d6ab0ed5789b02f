//! A list's number that Tesseract misread, filled in from the numbers around it.
//!
//! The numbers of a numbered list stand at the same margin, one per item, each one more than
//! the last. On a degraded scan Tesseract now and then reads one of them as a short word with a
//! very low confidence (`5.` as `mã` at 13, `9.` as `vi` at 37), and the repair model has no
//! way to tell it was a number. Here such a word, at the start of its line and at the margin of
//! the numbers before and after it, as wide as they are and with its line's text starting where
//! theirs does, becomes the one number between them (`4.` … `mã` … `6.` → `5.`), written with
//! their punctuation. A misread first word of an item's second line (`con` of `con người`)
//! is wider than a number, or its text starts elsewhere. Nothing is filled in at a list's ends, where only one
//! neighbour vouches for the number, nor where two doubtful words share one gap.
//!
//! ```
//! use sohoa::ingest::Word;
//! use sohoa::ocr::list_numbers::fill_list_numbers;
//! let w = |text: &str, x: u32, line: u32, confidence: f32| Word {
//!     text: text.into(), bbox: [x, 100 + 50 * line, 24, 25],
//!     confidence, block: 1, line, alternatives: vec![],
//! };
//! let mut words = vec![w("4.", 230, 0, 96.0), w("Cửa", 265, 0, 97.0),
//!                      w("mã", 232, 1, 13.0), w("Cửa", 265, 1, 96.0),
//!                      w("6.", 231, 2, 97.0), w("Cửa", 266, 2, 97.0)];
//! let mut text = String::from("4. Cửa\nmã Cửa\n6. Cửa");
//! assert_eq!(fill_list_numbers(&mut words, &mut text), 1);
//! assert_eq!(text, "4. Cửa\n5. Cửa\n6. Cửa");
//! assert_eq!(words[2].text, "5.");
//! ```

use super::layout::{line_ranges, median_height};
use crate::ingest::Word;
use crate::repair::text_lines_of_word_lines;

/// A first word read with less confidence than this may be a misread list number.
const DOUBTFUL_CONFIDENCE: f32 = 50.0;
/// The longest word, in characters, taken for a misread number (`10.`, `mã`).
const MAX_CHARS: usize = 4;
/// How far from the list's margin a number may start, in line heights.
const MARGIN_HEIGHTS: f32 = 0.5;
/// The most lines an item may take between two numbers (a long item wraps).
const MAX_ITEM_LINES: usize = 12;

/// A list number: its value and what follows it (`.`, `)` or nothing).
fn list_number(text: &str) -> Option<(u32, &str)> {
    let digits = text.trim_end_matches(['.', ')']);
    let suffix = &text[digits.len()..];
    if digits.is_empty() || digits.len() > 3 || suffix.chars().count() > 1 {
        return None;
    }
    digits.parse().ok().map(|n| (n, suffix))
}

/// Replaces each misread list number in `words` (Tesseract's reading order, lines numbered)
/// and on the matching line of `text` (word line N is its N-th non-blank line). Returns how
/// many were filled in; `text` is left alone when it does not follow the words line for line.
pub fn fill_list_numbers(words: &mut [Word], text: &mut String) -> usize {
    let lines = line_ranges(words);
    let text_line_of = text_lines_of_word_lines(text);
    if text_line_of.len() != lines.len() {
        return 0;
    }
    let height = median_height(words.iter()).max(1.0);
    let first = |line: usize| &words[lines[line].start];
    let numbered: Vec<Option<(u32, String)>> = (0..lines.len())
        .map(|l| list_number(&first(l).text).map(|(n, s)| (n, s.to_string())))
        .collect();
    let mut fills: Vec<(usize, String)> = Vec::new();
    for l in 0..lines.len() {
        let word = first(l);
        if numbered[l].is_some()
            || word.confidence >= DOUBTFUL_CONFIDENCE
            || word.text.chars().count() > MAX_CHARS
        {
            continue;
        }
        let at_margin = |k: usize| {
            (first(k).bbox[0] as f32 - word.bbox[0] as f32).abs() <= MARGIN_HEIGHTS * height
        };
        let doubtful = |k: usize| {
            numbered[k].is_none()
                && first(k).confidence < DOUBTFUL_CONFIDENCE
                && first(k).text.chars().count() <= MAX_CHARS
                && at_margin(k)
        };
        let before = (l.saturating_sub(MAX_ITEM_LINES)..l)
            .rev()
            .find(|&k| (numbered[k].is_some() && at_margin(k)) || doubtful(k));
        let after = (l + 1..lines.len().min(l + 1 + MAX_ITEM_LINES))
            .find(|&k| (numbered[k].is_some() && at_margin(k)) || doubtful(k));
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        // shaped like the numbers around it, its item's text where theirs starts
        let width = |k: usize| first(k).bbox[2] as f32;
        let second_left = |k: usize| {
            let range = &lines[k];
            (range.len() > 1).then(|| words[range.start + 1].bbox[0] as f32)
        };
        let near = |a: f32, b: f32| (a - b).abs() <= MARGIN_HEIGHTS * height;
        let shaped = near(width(l), width(before)) || near(width(l), width(after));
        let aligned = match (second_left(l), second_left(before)) {
            (Some(ours), Some(theirs)) => near(ours, theirs),
            _ => true,
        };
        if let (Some((p, suffix)), Some((n, _))) = (&numbered[before], &numbered[after])
            && p + 2 == *n
            && shaped
            && aligned
        {
            fills.push((l, format!("{}{suffix}", p + 1)));
        }
    }
    if fills.is_empty() {
        return 0;
    }
    let mut text_lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for (l, number) in &fills {
        let word = &mut words[lines[*l].start];
        let line = &mut text_lines[text_line_of[*l]];
        let start = line.len() - line.trim_start().len();
        if line[start..].starts_with(word.text.as_str()) {
            line.replace_range(start..start + word.text.len(), number);
        }
        word.text.clone_from(number);
        word.alternatives.clear();
    }
    *text = text_lines.join("\n");
    fills.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: u32, line: u32, confidence: f32) -> Word {
        Word {
            text: text.into(),
            bbox: [x, 100 + 50 * line, 24, 25],
            confidence,
            block: 1,
            line,
            alternatives: vec![],
        }
    }

    fn page(first_words: &[(&str, u32, f32)]) -> (Vec<Word>, String) {
        let mut words = Vec::new();
        let mut text = Vec::new();
        for (line, (first, x, confidence)) in first_words.iter().enumerate() {
            words.push(word(first, *x, line as u32, *confidence));
            words.push(word("Cửa", 270, line as u32, 96.0));
            text.push(format!("{first} Cửa"));
        }
        (words, text.join("\n"))
    }

    #[test]
    fn a_number_between_two_is_filled_in_with_their_punctuation() {
        let (mut words, mut text) =
            page(&[("8)", 230, 97.0), ("SẼ", 232, 28.0), ("10)", 231, 97.0)]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 1);
        assert_eq!(text, "8) Cửa\n9) Cửa\n10) Cửa");
        // an item wrapped over lines at the text's indent
        let (mut words, mut text) = page(&[
            ("1.", 230, 97.0),
            ("nội", 270, 96.0),
            ("vi", 231, 37.0),
            ("dung", 270, 96.0),
            ("3.", 231, 97.0),
        ]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 1);
        assert_eq!(words[4].text, "2.");
    }

    #[test]
    fn words_that_are_not_a_missing_number_stay() {
        // read confidently: a real word
        let (mut words, mut text) =
            page(&[("4.", 230, 97.0), ("Về", 232, 92.0), ("6.", 231, 97.0)]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
        // the numbers around leave no gap, or two doubtful words share it
        let (mut words, mut text) =
            page(&[("4.", 230, 97.0), ("mã", 232, 13.0), ("5.", 231, 97.0)]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
        let (mut words, mut text) = page(&[
            ("4.", 230, 97.0),
            ("mã", 232, 13.0),
            ("vi", 232, 20.0),
            ("7.", 231, 97.0),
        ]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
        // at a list's end, or away from its margin
        let (mut words, mut text) = page(&[("4.", 230, 97.0), ("mã", 232, 13.0)]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
        let (mut words, mut text) =
            page(&[("4.", 230, 97.0), ("mã", 400, 13.0), ("6.", 231, 97.0)]);
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
        assert_eq!(text, "4. Cửa\nmã Cửa\n6. Cửa");
        // an item's next line, its first word misread: wider than a number
        let (mut words, mut text) =
            page(&[("6.", 230, 97.0), ("fgây", 230, 20.0), ("8.", 231, 97.0)]);
        words[2].bbox[2] = 80;
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
        // as narrow, but its line's text starts elsewhere
        let (mut words, mut text) =
            page(&[("6.", 230, 97.0), ("cơ", 230, 20.0), ("8.", 231, 97.0)]);
        words[3].bbox[0] = 300;
        assert_eq!(fill_list_numbers(&mut words, &mut text), 0);
    }
}
