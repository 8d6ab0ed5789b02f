//! Punctuation marks judged by their size on the image: a block's own reading
//! ([`super::recognize_block_scored`]) mended symbol by symbol before it is repaired.
//!
//! A scan's specks and smudges are read as punctuation glued to a word's edge (`'Sở`,
//! `-Viện`, `“Thành`) or standing apart (`hoạt - động`). A printed mark has a size fixed by
//! the font relative to the letters beside it; a speck is smaller. Tesseract's confidence
//! does not tell them apart (specks are read at 90–99 like printed marks), the symbol boxes
//! do: on the dev scans a printed hyphen is 0.32–0.45 of the median letter height wide, a
//! speck read as one under 0.2; a printed quote mark is about a third of the letter height,
//! a speck a tenth. The same boxes show a colon that is one dot (`1:800`, the thousands dot
//! of `1.800`), a dash as long as an en dash (`Hành chính – Quản trị`) and the space printed
//! around a dash that the recogniser glued into a word (`2025 -` read `2025-`).
//!
//! ```
//! use sohoa::ocr::SymbolBox;
//! use sohoa::ocr::marks::mend_word;
//! let s = |t: &str, x0, y0, x1, y1| SymbolBox { text: t.into(), confidence: 95.0, bbox: [x0, y0, x1, y1] };
//! // a 2 x 3 px speck read as an apostrophe before `Sở` (letters 22 px high)
//! let word = [s("'", 0, 0, 2, 3), s("S", 10, 4, 24, 26), s("ở", 26, 2, 40, 26)];
//! let parts = mend_word(&word, 22.0);
//! assert_eq!(parts, vec![("Sở".to_string(), [10, 2, 40, 26])]);
//! ```

use super::SymbolBox;

/// The smallest width of a printed dash (hyphen), in letter heights: printed hyphens
/// measure 0.32–0.45, specks read as dashes under 0.2.
const MIN_DASH_WIDTH: f32 = 0.25;
/// The least width of an en dash, in letter heights (a hyphen is under 0.45, an en dash
/// about 0.75).
const MIN_EN_DASH_WIDTH: f32 = 0.6;
/// The smallest printed quote mark or apostrophe (its larger side), in letter heights.
const MIN_QUOTE_SIZE: f32 = 0.2;
/// The smallest printed comma (its larger side), in letter heights.
const MIN_COMMA_SIZE: f32 = 0.13;
/// The least height of a printed colon or semicolon (two marks stacked over the x-height),
/// in letter heights; a shorter one is one dot (or comma).
const MIN_COLON_HEIGHT: f32 = 0.35;
/// The least height of a printed bracket or bar, in letter heights.
const MIN_BRACKET_HEIGHT: f32 = 0.5;
/// The least gap, in letter heights, that is a printed space (letters of a word are set
/// 0.05–0.15 apart, words about 0.3).
const MIN_SPACE: f32 = 0.25;

/// The median height of a block's single letters and digits: the measure every mark is
/// judged against. `None` with fewer than three.
pub fn letter_height<'a>(symbols: impl IntoIterator<Item = &'a SymbolBox>) -> Option<f32> {
    let mut heights: Vec<i32> = symbols
        .into_iter()
        .filter(|s| {
            let mut chars = s.text.chars();
            chars.next().is_some_and(char::is_alphanumeric) && chars.next().is_none()
        })
        .map(SymbolBox::height)
        .filter(|h| *h > 0)
        .collect();
    if heights.len() < 3 {
        return None;
    }
    heights.sort_unstable();
    Some(heights[heights.len() / 2] as f32)
}

/// What a punctuation symbol is, judged by its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judged {
    /// As read.
    Kept,
    /// A speck: dropped.
    Speck,
    /// Read as another mark: this one.
    Is(char),
}

fn judge(symbol: &SymbolBox, height: f32, between_digits: bool) -> Judged {
    let mut chars = symbol.text.chars();
    let (Some(mark), None) = (chars.next(), chars.next()) else {
        return Judged::Kept;
    };
    let (w, h) = (symbol.width() as f32, symbol.height() as f32);
    // boxes larger than the letters are the recogniser's guesses, not the mark's ink
    if w <= 0.0 || h <= 0.0 || h > 1.6 * height {
        return Judged::Kept;
    }
    let size = w.max(h);
    let dash = matches!(mark, '-' | '–' | '—' | '~');
    // a dash's box as tall as half a letter is the recogniser's guess, not a dash's ink
    if dash && h > 0.5 * height {
        return Judged::Kept;
    }
    match mark {
        '-' | '–' | '—' | '~' if w < MIN_DASH_WIDTH * height => Judged::Speck,
        '-' | '–' | '—' if w >= MIN_EN_DASH_WIDTH * height && w < 1.2 * height => {
            Judged::Is('–')
        }
        '-' | '—' => Judged::Is('-'),
        '\'' | '"' | '“' | '”' | '‘' | '’' | '`' | '´' | '^' | 'ˆ' | '°'
            if size < MIN_QUOTE_SIZE * height =>
        {
            Judged::Speck
        }
        ',' if size < MIN_COMMA_SIZE * height => Judged::Speck,
        ':' | ';' if h < MIN_COLON_HEIGHT * height => {
            if !between_digits {
                Judged::Speck
            } else if mark == ':' {
                Judged::Is('.')
            } else {
                Judged::Is(',')
            }
        }
        '[' | ']' | '{' | '}' | '|' | '!' | '¡' if h < MIN_BRACKET_HEIGHT * height => {
            Judged::Speck
        }
        _ => Judged::Kept,
    }
}

fn is_dash(text: &str) -> bool {
    matches!(text, "-" | "–" | "—")
}

/// One word's symbols mended against the block's letter height: specks at the word's
/// edges (or a word of one speck) dropped, a one-dot colon between digits written `.`, a
/// dash as long as an en dash written `–`, and a dash with a printed space before (and
/// after, inside the word) set apart. Gives the word's parts (none when it was a speck; two
/// or three when a dash is set apart), each with the box of its symbols (left, top, right,
/// bottom).
pub fn mend_word(symbols: &[SymbolBox], height: f32) -> Vec<(String, [i32; 4])> {
    let last = symbols.len().saturating_sub(1);
    let digit = |i: usize| {
        symbols
            .get(i)
            .is_some_and(|s| s.text.chars().all(|c| c.is_ascii_digit()))
    };
    let gap = |a: &SymbolBox, b: &SymbolBox| (b.bbox[0] - a.bbox[2]) as f32;
    let mut parts: Vec<(String, [i32; 4])> =
        vec![(String::new(), [i32::MAX, i32::MAX, i32::MIN, i32::MIN])];
    let grow = |part: &mut (String, [i32; 4]), text: &str, b: [i32; 4]| {
        part.0.push_str(text);
        part.1 = [
            part.1[0].min(b[0]),
            part.1[1].min(b[1]),
            part.1[2].max(b[2]),
            part.1[3].max(b[3]),
        ];
    };
    let empty = || (String::new(), [i32::MAX, i32::MAX, i32::MIN, i32::MIN]);
    for (i, symbol) in symbols.iter().enumerate() {
        let edge = i == 0 || i == last;
        let between_digits = i > 0 && digit(i - 1) && digit(i + 1);
        let mut judged = judge(symbol, height, between_digits);
        // a dash overlapping its neighbours has a guessed box: its length says nothing
        let overlaps = (i > 0 && symbols[i - 1].bbox[2] > symbol.bbox[0] + 1)
            || symbols
                .get(i + 1)
                .is_some_and(|n| n.bbox[0] + 1 < symbol.bbox[2]);
        if judged == Judged::Is('–') && overlaps {
            judged = Judged::Kept;
        }
        let text = match judged {
            Judged::Speck if edge => continue,
            Judged::Is(c) if c == '.' || c == ',' || c == '–' || c == '-' => c.to_string(),
            _ => symbol.text.clone(),
        };
        if is_dash(&text) && i > 0 {
            let spaced_before = gap(&symbols[i - 1], symbol) >= MIN_SPACE * height;
            let spaced_after = i == last
                || symbols
                    .get(i + 1)
                    .is_some_and(|n| gap(symbol, n) >= MIN_SPACE * height);
            if spaced_before && spaced_after {
                let mut dash = empty();
                grow(&mut dash, &text, symbol.bbox);
                parts.push(dash);
                parts.push(empty());
                continue;
            }
        }
        if let Some(part) = parts.last_mut() {
            grow(part, &text, symbol.bbox);
        }
    }
    parts.retain(|p| !p.0.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str, x0: i32, y0: i32, x1: i32, y1: i32) -> SymbolBox {
        SymbolBox {
            text: t.into(),
            confidence: 96.0,
            bbox: [x0, y0, x1, y1],
        }
    }

    /// Digits 21 px high set 3 px apart from `x`, each 13 px wide.
    fn digits(text: &str, x: i32) -> Vec<SymbolBox> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let x0 = x + i as i32 * 16;
                s(&c.to_string(), x0, 28, x0 + 13, 49)
            })
            .collect()
    }

    fn mend_word(symbols: &[SymbolBox], height: f32) -> Vec<String> {
        super::mend_word(symbols, height)
            .into_iter()
            .map(|p| p.0)
            .collect()
    }

    #[test]
    fn letter_height_is_the_median_of_single_letters_and_digits() {
        let mut symbols = digits("2025", 0);
        symbols.push(s(",", 70, 45, 73, 52));
        assert_eq!(letter_height(&symbols), Some(21.0));
        assert_eq!(letter_height(&symbols[..2]), None);
    }

    #[test]
    fn a_speck_at_a_words_edge_is_dropped_and_a_printed_mark_kept() {
        // `-Viện`: a dash 1 px wide
        let mut word = vec![s("-", 13, 20, 14, 23)];
        word.extend(digits("2", 25));
        assert_eq!(mend_word(&word, 21.0), vec!["2"]);
        // a printed hyphen (9 px) before a negative number stays
        let mut word = vec![s("-", 10, 37, 19, 40)];
        word.extend(digits("420", 22));
        assert_eq!(mend_word(&word, 21.0), vec!["-420"]);
        // a printed comma (5 x 7 px) after a word stays, a 1 x 2 px one goes
        let mut word = digits("12", 0);
        word.push(s(",", 33, 45, 38, 52));
        assert_eq!(mend_word(&word, 21.0), vec!["12,"]);
        word[2] = s(",", 33, 47, 34, 49);
        assert_eq!(mend_word(&word, 21.0), vec!["12"]);
        // a word that is only a speck is dropped; a printed dash standing apart is kept
        assert!(mend_word(&[s("-", 0, 40, 2, 42)], 21.0).is_empty());
        assert_eq!(mend_word(&[s("-", 0, 40, 9, 43)], 21.0), vec!["-"]);
        // a real apostrophe (3 x 7 px) stays
        let mut word = vec![s("'", 0, 28, 3, 35)];
        word.extend(digits("90", 6));
        assert_eq!(mend_word(&word, 21.0), vec!["'90"]);
    }

    #[test]
    fn a_colon_of_one_dot_between_digits_is_the_thousands_dot() {
        // `1:800`: the `:` is 4 x 4 px on the baseline
        let mut word = digits("1", 27);
        word.push(s(":", 41, 45, 45, 49));
        word.extend(digits("800", 48));
        assert_eq!(mend_word(&word, 21.0), vec!["1.800"]);
        // `8:30`: a printed colon (two dots over the x-height) stays
        let mut word = digits("8", 0);
        word.push(s(":", 16, 34, 20, 49));
        word.extend(digits("30", 23));
        assert_eq!(mend_word(&word, 21.0), vec!["8:30"]);
    }

    #[test]
    fn a_dash_with_printed_spaces_is_set_apart_and_an_en_dash_written_as_one() {
        // `2025-` then the line breaks: the dash 14 px after the `5` (letters 31 px high)
        let mut word: Vec<SymbolBox> = "2025"
            .chars()
            .enumerate()
            .map(|(i, c)| {
                s(
                    &c.to_string(),
                    30 + i as i32 * 23,
                    36,
                    49 + i as i32 * 23,
                    67,
                )
            })
            .collect();
        word.push(s("-", 132, 53, 145, 57));
        assert_eq!(mend_word(&word, 31.0), vec!["2025", "-"]);
        // `QĐ-TTg`: the dash 3 px from its letters stays glued
        let word = [
            s("Q", 114, 97, 145, 135),
            s("Đ", 146, 97, 176, 128),
            s("-", 179, 114, 192, 118),
            s("T", 193, 96, 220, 127),
        ];
        assert_eq!(mend_word(&word, 31.0), vec!["QĐ-T"]);
        // `— Quản`: a dash 24 px long (letters 31 px high) is an en dash
        assert_eq!(mend_word(&[s("—", 33, 165, 57, 168)], 31.0), vec!["–"]);
        // `—` 13 px long is a hyphen
        assert_eq!(mend_word(&[s("—", 33, 165, 46, 168)], 31.0), vec!["-"]);
    }
}
