//! Digits on words: a number run into the next word (`26/4/2025cua` → `26/4/2025 của`, a
//! footnote's `2gdm`) and a footnote mark on a word (`tỉnh1`). The word is read in the line's
//! mode and the digits kept; at a cost, the token is read whole instead (a code, or digits
//! that legacy OCR put for letters: `1am` for `làm`, `doi1` for `đời`). Reads no
//! [`crate::repair::Params`].

use super::{Opt, OptText};
use crate::lm::model::{NUM, SYM};
use crate::lm::token::Kind;
use crate::repair::channel::Hit;
use crate::repair::{Mode, Repairer};
use rustc_hash::FxHashMap;

/// The cost of reading a number run into a word (`2025cua`) as the number and the word.
const GLUED_NUMBER_COST: f32 = 2.0;

/// Extra cost, in legacy OCR, of reading trailing digits as a footnote mark rather than as
/// letters.
const FOOTNOTE_COST: f32 = 2.0;

/// Where the word starts in a number run into a word (`26/4/2025cua` → 9, `2gdm` → 1): the
/// number begins and ends with a digit (`/ . , -` between digit groups), and two or more
/// letters follow; `QH15`, `10h30` and `2a` are not such.
pub(in crate::repair) fn glued_number_end(s: &str) -> Option<usize> {
    let at = s.find(|c: char| c.is_alphabetic())?;
    let (number, word) = s.split_at(at);
    let number_ok = number.starts_with(|c: char| c.is_ascii_digit())
        && number.ends_with(|c: char| c.is_ascii_digit())
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | ',' | '-'));
    let word_ok = word.chars().count() >= 2 && word.chars().all(char::is_alphabetic);
    (number_ok && word_ok).then_some(at)
}

impl Repairer {
    /// The candidates of a number run into a word at byte `at` (see [`glued_number_end`]):
    /// the number and the word's one-word candidates, or the token whole.
    pub(super) fn glued_number_options(
        &self,
        s: &str,
        kind: Kind,
        at: usize,
        mode: Mode,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        let (number, word) = s.split_at(at);
        let mut opts: Vec<Opt> = self
            .word_options(word, Kind::Word, mode, cache)
            .into_iter()
            .filter(|o| o.n == 1)
            .map(|mut o| {
                let text = format!("{number}{}", self.render(&o.text, word));
                o.text = OptText::Owned(text);
                o.words = [NUM, o.words[0]];
                o.n = 2;
                o
            })
            .collect();
        // or it is one token after all: a code (`2025abc`), or digits that are
        // OCR slips for letters (`1am` for `làm`, `16ng` for `lồng`)
        let whole = if kind == Kind::Symbol {
            vec![Opt::fixed(&[SYM])]
        } else {
            self.word_options(s, Kind::Mixed, mode, cache)
        };
        for o in opts.iter_mut() {
            o.cost += GLUED_NUMBER_COST;
        }
        opts.extend(whole);
        opts
    }

    /// Where the footnote mark starts in a word followed by one or two digits (`tỉnh1`,
    /// `tinh12`): the letters must be a whole syllable (accented or not), the digits not `0`.
    pub(in crate::repair) fn footnote_split(&self, s: &str) -> Option<usize> {
        let at = s.find(|c: char| c.is_ascii_digit())?;
        let (word, mark) = s.split_at(at);
        let ok = word.chars().count() >= 2
            && word.chars().all(char::is_alphabetic)
            && (1..=2).contains(&mark.len())
            && mark.bytes().all(|b| b.is_ascii_digit())
            && !mark.starts_with('0')
            && (self.known_syllable(word).is_some()
                || self.fold_index.contains_key(&word.to_lowercase()));
        ok.then_some(at)
    }

    /// The candidates of a word with a footnote mark at byte `at` (see
    /// [`Repairer::footnote_split`]): the word's candidates with the mark kept.
    pub(super) fn footnote_options(
        &self,
        s: &str,
        at: usize,
        mode: Mode,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        // a footnote mark on a word ("tỉnh1"): read the word, keep the mark
        let (word, mark) = s.split_at(at);
        let mut opts: Vec<Opt> = self
            .word_options(word, Kind::Word, mode, cache)
            .into_iter()
            .map(|mut o| {
                let mut text = self.render(&o.text, word).into_owned();
                text.push_str(mark);
                o.text = OptText::Owned(text);
                o
            })
            .collect();
        if mode == Mode::Ocr {
            // or the digits are OCR slips for letters ("doi1" for "đời")
            for o in opts.iter_mut() {
                o.cost += FOOTNOTE_COST;
            }
            opts.extend(self.word_options(s, Kind::Mixed, mode, cache));
        }
        opts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_run_into_a_word_is_found() {
        assert_eq!(glued_number_end("26/4/2025cua"), Some(9));
        assert_eq!(glued_number_end("2gdm"), Some(1));
        for not in ["QH15", "10h30", "2a", "30/2020/NĐ", "2025", "abc"] {
            assert_eq!(glued_number_end(not), None, "{not}");
        }
    }

    #[test]
    fn a_footnote_mark_follows_a_whole_syllable() {
        let r = crate::repair::tests::repairer();
        assert_eq!(r.footnote_split("tỉnh1"), Some("tỉnh".len()));
        assert_eq!(r.footnote_split("tinh12"), Some(4));
        for not in ["tinh0", "tinh123", "QH15", "x1"] {
            assert_eq!(r.footnote_split(not), None, "{not}");
        }
    }

    #[test]
    fn glued_and_footnoted_words_keep_their_digits() {
        let r = crate::repair::tests::repairer();
        let cache = &mut FxHashMap::default();
        let glued = r.glued_number_options("2025cua", Kind::Mixed, 4, Mode::Ocr, cache);
        let texts: Vec<String> = glued
            .iter()
            .map(|o| r.render(&o.text, "2025cua").into_owned())
            .collect();
        assert!(texts.iter().any(|t| t == "2025của"), "{texts:?}");
        let foot = r.footnote_options("tinh1", 4, Mode::Ascii, cache);
        assert_eq!(
            r.render(&foot[0].text, "tinh1").as_ref().chars().last(),
            Some('1')
        );
    }
}
