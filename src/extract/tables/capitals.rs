//! Abbreviations in capitals a scanned cell's repair must leave unmarked. Tesseract's `vie`
//! model reads the marks of capitals; a word it read in capitals without any (`DA` for dự án,
//! `BOT`, `HVDC`) among words in lower case is an abbreviation, which the language model,
//! knowing only syllables, turns into the nearest marked word (`ĐÁ`, `BỘT`, `HVĐC`).
//!
//! ```
//! use sohoa::extract::tables::capitals::keep_capitals;
//! assert_eq!(keep_capitals("ĐÁ đã có trong QĐ", &["DA", "đã", "có", "trong", "QD"]),
//!            "DA đã có trong QĐ");
//! ```

/// `repaired` with each word the recogniser read (`recognised`, one per word of `repaired`)
/// as an abbreviation in capitals without marks put back where the repair only added marks
/// to it (`ĐÁ` → `DA`). Left as it is when the words do not pair one for one, or when no word
/// was read in lower case (a heading in capitals whose marks the scan lost, `GIAI PHAP`, is no
/// abbreviation). Lines and spaces are kept. A document symbol the repair wrote with its
/// official `Đ` (`QD` → `QĐ`) keeps it: only a word of letters alone, two or more, is put back.
pub fn keep_capitals(repaired: &str, recognised: &[&str]) -> String {
    let spans = word_spans(repaired);
    let has_lower = recognised.iter().any(|w| w.chars().any(char::is_lowercase));
    if spans.len() != recognised.len() || !has_lower {
        return repaired.to_string();
    }
    let mut out = String::with_capacity(repaired.len());
    let mut at = 0;
    for ((start, end), read) in spans.into_iter().zip(recognised) {
        out.push_str(&repaired[at..start]);
        out.push_str(as_read(&repaired[start..end], read));
        at = end;
    }
    out.push_str(&repaired[at..]);
    out
}

/// `read` where it is an abbreviation in capitals the repair marked to make `word` (see
/// [`keep_capitals`], which also asks for words in lower case around it), else `word`.
///
/// ```
/// use sohoa::extract::tables::capitals::as_read;
/// assert_eq!(as_read("BỘT", "BOT"), "BOT");
/// assert_eq!(as_read("QĐ", "QD"), "QĐ");
/// ```
pub fn as_read<'a>(word: &'a str, read: &'a str) -> &'a str {
    if marked_capitals(word, read) {
        read
    } else {
        word
    }
}

/// Whether `read` is an abbreviation in capitals (two or more ASCII capitals, punctuation at
/// its ends aside) and `word` is it with marks added to a vowel (not only `D` written `Đ`,
/// which the repair's abbreviation rules do: `QD` → `QĐ`).
fn marked_capitals(word: &str, read: &str) -> bool {
    let core = read.trim_matches(|c: char| !c.is_alphanumeric());
    let vowel_marked = word
        .chars()
        .zip(read.chars())
        .any(|(w, r)| w != r && !matches!(w, 'Đ' | 'đ'));
    core.chars().count() >= 2
        && core.chars().all(|c| c.is_ascii_uppercase())
        && vowel_marked
        && crate::viet::fold(word) == read
}

/// The byte spans of the words (runs without white space) of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abbreviation_read_in_capitals_keeps_its_letters() {
        assert_eq!(
            keep_capitals("NMNĐ BỘT Sơn Mỹ\nII", &["NMNĐ", "BOT", "Sơn", "Mỹ", "II"]),
            "NMNĐ BOT Sơn Mỹ\nII"
        );
        // the repair's own words and a symbol's official `Đ` stay
        assert_eq!(
            keep_capitals("Cục Việt Nam QĐ số", &["Cục", "Viet", "Nam", "QD", "số"]),
            "Cục Việt Nam QĐ số"
        );
    }

    #[test]
    fn a_heading_in_capitals_or_words_that_do_not_pair_are_left_as_repaired() {
        assert_eq!(
            keep_capitals("GIẢI PHÁP CHUNG", &["GIAI", "PHAP", "CHUNG"]),
            "GIẢI PHÁP CHUNG"
        );
        assert_eq!(keep_capitals("ĐÁ đã có", &["DA", "đãcó"]), "ĐÁ đã có");
    }
}
