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

    /// The mode of a line from the kinds of its words: with marks, without, foreign, or junk
    /// that only legacy OCR makes.
    fn detect_mode_of(&self, line: &str, toks: &[Token]) -> Mode {
        let (mut words, mut vn, mut latin, mut bad, mut ascii_syl, mut unknown, mut ocr_mixed) =
            (0, 0, 0, 0, 0, 0, 0);
        // words that are no Vietnamese syllable, known to the corpus (`Internet`) or not
        let mut foreign: Vec<&str> = Vec::new();
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
                    words += 1;
                    if s.chars().any(is_vn_only) {
                        vn += 1;
                    } else if !s.is_ascii() {
                        latin += 1;
                        if !self.trusted(s) {
                            bad += 1;
                        }
                    } else if self.fold_index.contains_key(&s.to_lowercase()) {
                        ascii_syl += 1;
                    } else if case_of(s) != Case::Upper {
                        foreign.push(s);
                        if self.model.id(&s.to_lowercase()).is_none_or(|id| {
                            // the corpus has junk too: only a frequent non-syllable is a word
                            self.model.counts[id as usize] < self.params.ocr.foreign_min_count
                        }) {
                            unknown += 1;
                        }
                    }
                }
                Kind::Mixed
                    if s.chars()
                        .any(|c| c.is_lowercase() || OCR_SYMBOLS.contains(&c)) =>
                {
                    ocr_mixed += 1;
                }
                _ => {}
            }
        }
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
