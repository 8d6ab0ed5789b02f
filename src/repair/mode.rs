//! Line modes: each line is read as clean text (kept), ASCII (diacritics restored), legacy OCR
//! (confusions undone) or, when asked for, Tesseract's Vietnamese OCR ([`Mode::Scan`], never
//! chosen per line). A line is told by its words; a line with too few words to tell takes the
//! mode of the document, learned from its first [`MODE_SCAN_LINES`] lines read ahead.
//!
//! Reads [`super::OcrParams::foreign_min_count`] (a word that is no syllable is a word only
//! when the corpus has it that often).

use super::session::Session;
use super::{Mode, Repairer};
use crate::lm::confusions::ocr_char;
use crate::lm::syl::{Case, canonical_syllable, case_of};
use crate::lm::token::{Kind, OCR_SYMBOLS, Token, tokenize};
use rustc_hash::FxHashMap;

/// A line needs this many word-like tokens to choose its own mode; fewer, and it takes the
/// document's (see [`Session`]).
const MODE_EVIDENCE: usize = 2;

/// Lines read ahead to learn a document's mode before its first line is decoded: text given
/// to [`Repairer::restore_in`] in pieces should give at least this many lines first.
pub const MODE_SCAN_LINES: usize = 40;

/// An accented word is trusted as clean text when the corpus has it at least this often.
const TRUSTED_COUNT: f32 = 30.0;

/// The largest channel cost (nats) at which legacy OCR explains a word that is no syllable
/// (`hodc` → `hoặc` costs 1.2, `git` → `gử` 2.7; English words cost 8 and more, or have no
/// candidate).
const OCR_EXPLAINS_COST: f32 = 5.0;

/// In a document typed with its marks, a line is read as ASCII only with this many unmarked
/// syllables (see `stands_out_of_clean_text`).
const CLEAN_DOC_ASCII_SYLLABLES: usize = 3;

/// In a document typed with its marks, a line is read as legacy OCR only with this many junk
/// words (untrusted Latin-1 words, unknown words, letters mixed with digits or symbols).
const CLEAN_DOC_OCR_JUNK: usize = 2;

/// The words of a line by kind, as mode detection counts them.
#[derive(Default)]
struct LineWords<'l> {
    /// Word tokens.
    words: usize,
    /// Words with a letter only Vietnamese data gives (`ư`, `đ`, `ạ`).
    vn: usize,
    /// Words with Latin-1 accents only (`Thành`, `Ké`).
    latin: usize,
    /// Latin-1 words the corpus does not have often enough to trust.
    bad: usize,
    /// Unmarked words that fold a syllable (`Binh`).
    ascii_syl: usize,
    /// Unmarked non-syllables the corpus does not know as words.
    unknown: usize,
    /// Letters mixed with digits or OCR's symbols (`s6`, `d&ng`), quantities excepted.
    ocr_mixed: usize,
    /// Unmarked non-syllables that are not all capitals.
    foreign: Vec<&'l str>,
}

/// Units written glued to a number in Vietnamese documents (`500kV`, `4,5km`, `2x250MVA`).
const UNITS: [&str; 24] = [
    "kv", "kw", "kwh", "mw", "mwh", "gw", "gwh", "mva", "kva", "km", "m2", "m3", "cm", "mm", "ha",
    "kg", "mg", "ml", "gb", "mb", "tb", "mbps", "hz", "mhz",
];

/// Whether a token mixing digits and letters is a quantity, not OCR junk: a number, optionally
/// times numbers (`2x135`), with a unit glued on (`500kV`) or none.
///
/// ```text
/// 500kV 2x135 4,5km 2x250MVA 1.800m2  → quantities;  s6 d6ng 1a  → not
/// ```
fn is_quantity(s: &str) -> bool {
    let s = s.trim_end_matches([':', ';', ',', '.']);
    let unit_at = s
        .find(|c: char| c.is_alphabetic() && c != 'x')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(unit_at);
    let number_ok = number.starts_with(|c: char| c.is_ascii_digit())
        && number.split('x').all(|n| {
            n.starts_with(|c: char| c.is_ascii_digit())
                && n.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        });
    number_ok && (unit.is_empty() || UNITS.contains(&unit.to_lowercase().as_str()))
}

/// Whether a token is capitalised abbreviations joined by `&` (`KH&CN`, `GD&ĐT`), not junk.
fn is_joined_abbreviation(s: &str) -> bool {
    let s = s.trim_end_matches([':', ';', ',', '.']);
    s.contains('&')
        && s.split('&')
            .all(|p| p.chars().count() >= 1 && p.chars().all(char::is_uppercase))
}

/// Whether a letter is one Tesseract's English data cannot produce: outside Latin-1.
pub(super) fn is_vn_only(c: char) -> bool {
    c.is_alphabetic() && (c as u32) > 0xff
}

impl Repairer {
    /// The modes of the first lines of `text` (with how many word-like tokens each was told
    /// from), read ahead when the document's mode is not known yet, so that a short first
    /// line (a number line, a heading) takes the mode of the text that follows; the lines
    /// with enough evidence are counted in `session`. Empty when nothing is read ahead.
    pub(super) fn read_ahead_modes(
        &self,
        text: &str,
        mode: Mode,
        session: &mut Session,
    ) -> Vec<(Mode, usize)> {
        let mut read_ahead: Vec<(Mode, usize)> = Vec::new();
        if mode == Mode::Auto && session.document_mode().is_none() {
            for line in text.split('\n').take(MODE_SCAN_LINES) {
                let toks = tokenize(line);
                let (m, evidence) = self.detect_with_evidence(line, &toks);
                if evidence >= MODE_EVIDENCE {
                    session.note_mode(m);
                }
                read_ahead.push((m, evidence));
            }
        }
        read_ahead
    }

    /// The mode a line is repaired in: `forced` unless it is [`Mode::Auto`], else the line's
    /// own mode (from `read_ahead` if the line was read ahead, when it was counted), or the
    /// document's when the line has too few words to tell.
    pub(super) fn line_mode(
        &self,
        line: &str,
        toks: &[Token],
        forced: Mode,
        read_ahead: Option<(Mode, usize)>,
        session: &mut Session,
    ) -> Mode {
        if forced != Mode::Auto {
            return forced;
        }
        let (mode, evidence) = match read_ahead {
            Some(known) => known,
            None => {
                let known = self.detect_with_evidence(line, toks);
                if known.1 >= MODE_EVIDENCE {
                    session.note_mode(known.0);
                }
                known
            }
        };
        if evidence >= MODE_EVIDENCE {
            match (mode, session.document_mode()) {
                // a line without marks in a legacy-OCR document is legacy OCR that
                // happens to hold no junk: its `Pang` is still `Đảng`
                (Mode::Ascii, Some(Mode::Ocr)) => Mode::Ocr,
                (Mode::Ascii | Mode::Ocr, Some(Mode::Clean))
                    if !self.stands_out_of_clean_text(line, toks, mode) =>
                {
                    Mode::Clean
                }
                _ => mode,
            }
        } else {
            session.document_mode().unwrap_or(mode)
        }
    }

    /// The word's id if it is a syllable the model knows (in canonical spelling).
    pub(super) fn known_syllable(&self, word: &str) -> Option<u32> {
        canonical_syllable(word).and_then(|c| self.model.id(&c))
    }

    /// How many words of `text` (letters only, with a lower-case letter: not a code like
    /// `TTHC`) are no syllable the model knows: `nhậnvà` and `Đơnvi` (a space lost), or a
    /// misread word the repair could not place. Tells two readings of the same print apart.
    ///
    /// ```
    /// let r = sohoa::repair::Repairer::load_default().unwrap();
    /// assert_eq!(r.unknown_words("Tiếp nhậnvà trả kết quả TTHC"), 1);
    /// assert_eq!(r.unknown_words("Tiếp nhận và trả kết quả TTHC"), 0);
    /// ```
    pub fn unknown_words(&self, text: &str) -> usize {
        tokenize(text)
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text(text))
            .filter(|w| w.chars().any(char::is_lowercase) && self.known_syllable(w).is_none())
            .count()
    }

    /// The mode of a line, from its tokens.
    pub fn detect_mode(&self, line: &str) -> Mode {
        self.detect(line, &tokenize(line))
    }

    /// Whether an accented word is common enough in the corpus to be taken as clean text.
    fn trusted(&self, word: &str) -> bool {
        self.known_syllable(word)
            .is_some_and(|id| self.model.counts[id as usize] >= TRUSTED_COUNT)
    }

    fn detect(&self, line: &str, toks: &[Token]) -> Mode {
        self.detect_with_evidence(line, toks).0
    }

    /// The mode of a line and how many word-like tokens (words, letters mixed with digits or
    /// symbols) it was told from.
    fn detect_with_evidence(&self, line: &str, toks: &[Token]) -> (Mode, usize) {
        let evidence = toks
            .iter()
            .filter(|t| match t.kind {
                Kind::Word => true,
                Kind::Mixed => t.text(line).chars().any(char::is_alphabetic),
                _ => false,
            })
            .count();
        (self.detect_mode_of(line, toks), evidence)
    }

    /// How many words of each kind a line holds (see [`LineWords`]).
    fn count_words<'l>(&self, line: &'l str, toks: &[Token]) -> LineWords<'l> {
        let mut c = LineWords::default();
        for t in toks {
            let mut s = t.text(line);
            let mut kind = t.kind;
            if kind == Kind::Mixed
                && let Some(at) = self.footnote_split(s)
            {
                (s, kind) = (&s[..at], Kind::Word);
            }
            match kind {
                Kind::Word => {
                    c.words += 1;
                    if s.chars().any(is_vn_only) {
                        c.vn += 1;
                    } else if !s.is_ascii() {
                        c.latin += 1;
                        if !self.trusted(s) {
                            c.bad += 1;
                        }
                    } else if self.fold_index.contains_key(&s.to_lowercase()) {
                        c.ascii_syl += 1;
                    } else if case_of(s) != Case::Upper {
                        c.foreign.push(s);
                        if self.model.id(&s.to_lowercase()).is_none_or(|id| {
                            // the corpus has junk too: only a frequent non-syllable is a word
                            self.model.counts[id as usize] < self.params.ocr.foreign_min_count
                        }) {
                            c.unknown += 1;
                        }
                    }
                }
                Kind::Mixed
                    if !is_quantity(s)
                        && !is_joined_abbreviation(s)
                        && s.chars()
                            .any(|c| c.is_lowercase() || OCR_SYMBOLS.contains(&c)) =>
                {
                    c.ocr_mixed += 1;
                }
                _ => {}
            }
        }
        c
    }

    /// The mode of a line from the kinds of its words: with marks, without, foreign, or junk
    /// that only legacy OCR makes.
    fn detect_mode_of(&self, line: &str, toks: &[Token]) -> Mode {
        let LineWords {
            words,
            vn,
            latin,
            bad,
            ascii_syl,
            unknown,
            ocr_mixed,
            foreign,
        } = self.count_words(line, toks);
        if words + ocr_mixed == 0 {
            return Mode::Clean;
        }
        if vn >= 1 && (bad + ocr_mixed) * 3 <= vn {
            return Mode::Clean;
        }
        if ocr_mixed + bad > 0 {
            return Mode::Ocr;
        }
        if latin == 0 && vn == 0 {
            if foreign.len() >= 3 && foreign.len() > ascii_syl {
                // another language (an English sentence), unless the channel explains its
                // words as misread syllables, as it does legacy OCR's (`hodc giam git`)
                let explained = foreign.iter().filter(|w| self.ocr_explains(w)).count();
                if explained * 3 < foreign.len() {
                    return Mode::Clean;
                }
            }
            return if unknown >= 2 || (unknown >= 1 && unknown * 4 >= words) {
                Mode::Ocr
            } else if ascii_syl > 0 {
                Mode::Ascii
            } else {
                Mode::Clean
            };
        }
        if vn == 0 && (unknown > 0 || ascii_syl > 2 * latin) {
            Mode::Ocr
        } else {
            Mode::Clean
        }
    }

    /// In a document typed with its marks, a line is repaired only on strong evidence: a line
    /// without marks there is mostly a list of codes, a name or a table row (`Ban NVT, VP`,
    /// `Phùng Thành Vinh`, `500 kV`), and one rare name or unit would otherwise turn the
    /// whole line into legacy OCR. Strong evidence: three unmarked syllables and no marks
    /// (an ASCII phrase), or more junk words than marked ones, two at least (legacy OCR).
    fn stands_out_of_clean_text(&self, line: &str, toks: &[Token], mode: Mode) -> bool {
        let c = self.count_words(line, toks);
        let ascii_phrase = c.vn == 0 && c.latin == 0 && c.ascii_syl >= CLEAN_DOC_ASCII_SYLLABLES;
        match mode {
            Mode::Ascii => ascii_phrase,
            // an ASCII phrase with brand names (`Cac don vi su dung Zalo, Facebook`) reads
            // as legacy OCR, which restores its marks too
            Mode::Ocr if ascii_phrase => true,
            Mode::Ocr => {
                // an unknown word counts only when the channel explains it as a misread
                // syllable: a clean text's unknown words are units and names (`kV`, `Buk`)
                let explained = c.foreign.iter().filter(|w| self.ocr_explains(w)).count();
                let junk = c.bad + c.ocr_mixed + explained;
                junk >= CLEAN_DOC_OCR_JUNK && junk > c.vn
            }
            _ => true,
        }
    }

    /// Whether legacy OCR explains a word that is no syllable: another vocabulary word is a
    /// cheap edit away under the confusion channel (`hodc` → `hoặc`), as for no English word
    /// (`office`, `contact`).
    pub(super) fn ocr_explains(&self, word: &str) -> bool {
        let key: String = word.to_lowercase().chars().map(ocr_char).collect();
        let own = self.model.id(&key);
        self.ocr_hits(&key, &mut FxHashMap::default())
            .iter()
            .any(|h| Some(h.id) != own && h.cost <= OCR_EXPLAINS_COST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_told_by_their_words() {
        let r = crate::repair::tests::repairer();
        assert_eq!(r.detect_mode("Bình dân học vụ số"), Mode::Clean);
        assert_eq!(r.detect_mode("Binh dan hoc vu so"), Mode::Ascii);
        assert_eq!(
            r.detect_mode("Ké hoach s6 265-KH/TU ctia Ban Thuong vu"),
            Mode::Ocr
        );
        // no words: nothing to repair
        assert_eq!(r.detect_mode("12/2025 - 3"), Mode::Clean);
    }

    #[test]
    fn quantities_are_not_ocr_junk() {
        for q in [
            "500kV", "2x135", "4,5km", "2x250MVA", "1.800m2", "220kV:", "2x10",
        ] {
            assert!(is_quantity(q), "{q}");
        }
        for j in ["s6", "d6ng", "1a", "6ng", "x2", "12abc"] {
            assert!(!is_quantity(j), "{j}");
        }
        assert!(is_joined_abbreviation("KH&CN") && is_joined_abbreviation("GD&ĐT;"));
        assert!(!is_joined_abbreviation("d&ng") && !is_joined_abbreviation("&"));
    }

    #[test]
    fn a_clean_document_keeps_its_code_lists_names_and_table_rows() {
        let r = crate::repair::tests::repairer();
        let text = "Bình dân học vụ số là phong trào của toàn dân\n\
                    Các cơ quan, đơn vị triển khai thực hiện nghiêm túc\n\
                    Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành\n\
                    Báo cáo kết quả thực hiện trước ngày 15 hằng tháng\n\
                    - Ban NVT, VP (CT);\n\
                    Phùng Thành Vinh\n\
                    Binh dan hoc vu so\n";
        let restored = r.restore(text).text;
        assert!(restored.contains("- Ban NVT, VP (CT);"), "{restored}");
        assert!(restored.contains("Phùng Thành Vinh"), "{restored}");
        // an unmarked phrase of several syllables is still ASCII to restore
        assert!(restored.contains("Bình dân học vụ số\n"), "{restored}");
    }

    #[test]
    fn a_short_line_takes_the_documents_mode() {
        let r = crate::repair::tests::repairer();
        let mut s = Session::default();
        let text = "S6 42\nBinh dan hoc vu so\nhoc tap va lam theo";
        let ahead = r.read_ahead_modes(text, Mode::Auto, &mut s);
        assert_eq!(ahead.len(), 3);
        assert!(ahead[0].1 < MODE_EVIDENCE);
        let toks = tokenize("S6 42");
        assert_eq!(
            r.line_mode("S6 42", &toks, Mode::Auto, Some(ahead[0]), &mut s),
            Mode::Ascii
        );
        // a forced mode is kept, and nothing is read ahead
        assert_eq!(
            r.line_mode("S6 42", &toks, Mode::Scan, None, &mut s),
            Mode::Scan
        );
        assert!(
            r.read_ahead_modes(text, Mode::Ocr, &mut Session::default())
                .is_empty()
        );
    }
}
