//! Candidates: what each token of a line may be, with a cost (nats) each. Numbers, symbols and
//! punctuation are fixed (their class is what the language model reads); words get the
//! candidates of the line's mode:
//!
//! - [`ascii`]: the accented forms that fold to the word;
//! - [`ocr`]: legacy OCR's confusions undone, under the learned channel, with the `y`
//!   spellings ([`super::spelling`]) and, for a poor best, [`split`] readings as two words;
//! - [`scan`]: Tesseract's Vietnamese output, whose marks may slip;
//! - [`two_readings`]: a second reading of the same words (a PDF's OCR layer), whose
//!   candidates join the scan candidates, priced by both readings.
//!
//! Digits on words ([`numbers`]: `2025cua`, `tỉnh1`) are read apart, and the code rules
//! ([`super::rules`]) come first for abbreviations and number labels.

pub(super) mod ascii;
pub(super) mod numbers;
pub(super) mod ocr;
pub(super) mod scan;
pub(super) mod split;
pub(super) mod two_readings;

use super::channel::Hit;
use super::mode::is_vn_only;
use super::rules::labels_document_number;
use super::{Mode, Repairer};
use crate::lm::model::{BOS, EOS, NUM, PUNCT, SYM, UNK};
use crate::lm::syl::{Case, canonical_lower, case_of};
use crate::lm::token::{Kind, Token, ends_sentence, is_label_colon};
use rustc_hash::FxHashMap;

/// The text of a candidate, rendered only when it is written (most candidates never are).
#[derive(Clone, Debug)]
pub(super) enum OptText {
    /// The token as it is in the input.
    Kept,
    /// A vocabulary word in the token's case.
    Word(u32, Case),
    /// Anything else (a split, an abbreviation form, a word with a footnote mark).
    Owned(String),
}

/// One candidate of a token: the words the language model reads (none, one or two), its
/// text, its cost and why it differs from the input.
#[derive(Clone)]
pub(super) struct Opt {
    pub(super) words: [u32; 2],
    pub(super) n: u8,
    pub(super) text: OptText,
    pub(super) cost: f32,
    pub(super) reason: &'static str,
}

impl Opt {
    /// The words the language model reads.
    pub(super) fn words(&self) -> &[u32] {
        &self.words[..self.n as usize]
    }

    /// The token kept as it is, read as `words` (at most two), at no cost.
    pub(super) fn fixed(words: &[u32]) -> Opt {
        let mut w = [0u32; 2];
        w[..words.len()].copy_from_slice(words);
        Opt {
            words: w,
            n: words.len() as u8,
            text: OptText::Kept,
            cost: 0.0,
            reason: "kept",
        }
    }

    /// Vocabulary word `id` written in `case`.
    pub(super) fn word(id: u32, case: Case, cost: f32, reason: &'static str) -> Opt {
        Opt {
            words: [id, 0],
            n: 1,
            text: OptText::Word(id, case),
            cost,
            reason,
        }
    }
}

impl Repairer {
    /// The model's id of a token kept as it is (its canonical lower-case form), else `UNK`.
    pub(super) fn fixed_word(&self, s: &str) -> u32 {
        self.model.id(&canonical_lower(s)).unwrap_or(UNK)
    }

    /// The candidates of token `ti` of a line in `mode`; `last_punct`: whether the token
    /// before was punctuation (or the line starts a sentence), so that a run of punctuation
    /// is read as one.
    pub(super) fn token_options(
        &self,
        line: &str,
        toks: &[Token],
        ti: usize,
        mode: Mode,
        last_punct: bool,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        let t = &toks[ti];
        let s = t.text(line);
        match t.kind {
            Kind::Space => Vec::new(),
            Kind::Number => vec![Opt::fixed(&[NUM])],
            Kind::Symbol | Kind::Mixed if let Some(at) = numbers::glued_number_end(s) => {
                self.glued_number_options(s, t.kind, at, mode, cache)
            }
            Kind::Symbol => {
                let mut o = Opt::fixed(&[SYM]);
                if let Some(fixed) = self.fix_abbreviation(s) {
                    o.text = OptText::Owned(fixed);
                    o.reason = "abbreviation";
                }
                vec![o]
            }
            // read as the model was built: `Số: 08` as `số <num>`
            Kind::Punct if is_label_colon(line, toks, ti) => vec![Opt::fixed(&[])],
            Kind::Punct => {
                if ends_sentence(s) {
                    vec![Opt::fixed(&[EOS, BOS])]
                } else if last_punct {
                    vec![Opt::fixed(&[])]
                } else {
                    vec![Opt::fixed(&[PUNCT])]
                }
            }
            Kind::Word | Kind::Mixed => {
                // A capitalised word alone (`HDND`, `TDTT`) gets its `Đ` back only in text
                // that lost its marks: text typed with them, or read by Tesseract's Vietnamese
                // model (which reads `Đ` well), writes it as printed. Codes (`QD-TTg`) are
                // symbols and get it in every mode.
                if t.kind == Kind::Word
                    && case_of(s) == Case::Upper
                    && !matches!(mode, Mode::Clean | Mode::Scan)
                {
                    if let Some(fixed) = self.fix_abbreviation(s) {
                        let mut o = Opt::fixed(&[self.fixed_word(s)]);
                        o.text = OptText::Owned(fixed);
                        o.reason = "abbreviation";
                        return vec![o];
                    }
                }
                match (t.kind, self.footnote_split(s)) {
                    (Kind::Mixed, Some(at)) => self.footnote_options(s, at, mode, cache),
                    _ => {
                        let mut opts = self.word_options(s, t.kind, mode, cache);
                        if labels_document_number(line, toks, ti) {
                            self.keep_number_label(&mut opts);
                        }
                        opts
                    }
                }
            }
        }
    }

    /// The candidates of a word or mixed token in a line of `mode`.
    pub(super) fn word_options(
        &self,
        s: &str,
        kind: Kind,
        mode: Mode,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        match mode {
            Mode::Ascii if kind == Kind::Word && s.is_ascii() => self.ascii_options(s),
            Mode::Ocr if !s.chars().any(is_vn_only) => self.ocr_options(s, kind, cache),
            Mode::Scan if kind == Kind::Word => self.scan_options(s),
            _ => vec![Opt::fixed(&[self.fixed_word(s)])],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::token::tokenize;

    fn options(line: &str, ti: usize, mode: Mode) -> Vec<Opt> {
        let r = crate::repair::tests::repairer();
        let toks = tokenize(line);
        r.token_options(line, &toks, ti, mode, false, &mut FxHashMap::default())
    }

    #[test]
    fn numbers_symbols_and_punctuation_are_fixed() {
        assert_eq!(options("2025", 0, Mode::Ascii)[0].words(), [NUM]);
        assert_eq!(options("a. b", 1, Mode::Ascii)[0].words(), [EOS, BOS]);
        assert_eq!(options("a, b", 1, Mode::Ascii)[0].words(), [PUNCT]);
        let code = options("QD-TTg", 0, Mode::Clean);
        assert_eq!(code.len(), 1);
        assert_eq!(code[0].reason, "abbreviation");
    }

    #[test]
    fn a_capitalised_word_gets_its_d_back_only_where_marks_were_lost() {
        // `TDTT` is `TĐT` + `T` to the abbreviation table; Tesseract's Vietnamese model reads
        // `Đ` well, so what it read as `D` was printed `D`
        let restored = |mode| options("TDTT", 0, mode)[0].reason == "abbreviation";
        assert!(restored(Mode::Ascii));
        assert!(restored(Mode::Ocr));
        assert!(!restored(Mode::Scan));
        assert!(!restored(Mode::Clean));
    }

    #[test]
    fn the_word_before_a_document_number_is_so() {
        let r = crate::repair::tests::repairer();
        let so = r.model.id("số");
        let opts = options("So 08-CT/TU", 0, Mode::Ascii);
        assert_eq!(opts.len(), 1);
        assert_eq!(Some(opts[0].words()[0]), so);
        assert_eq!(opts[0].reason, "document number");
    }
}
