//! The repair engine: restores diacritics in ASCII text and undoes the confusions of legacy OCR
//! (Tesseract run without Vietnamese data), line by line, without touching what is already right.
//!
//! The engine is a chain of stages, one module (file) each, composed by
//! [`Repairer::restore_in`]:
//!
//! 1. `input`: the text is cut into lines (a very long line into pieces);
//! 2. `names`: the provinces the text names are noted (once per document);
//! 3. `mode`: each line is given a mode: **clean** (Vietnamese with diacritics, left as it
//!    is), **ascii** (no diacritics), **ocr** (legacy OCR), or **scan** when asked for; a line
//!    too short to tell takes the document's mode, read ahead from its first lines;
//! 4. `specks`: on legacy-OCR lines, punctuation specks at the line's ends are dropped;
//! 5. `candidates`: each token gets its candidates with a cost: by kind (numbers, symbols,
//!    punctuation fixed; `rules` for abbreviations and document-number labels;
//!    `candidates::numbers` for digits on words) and, for words, by mode (`candidates::ascii`, `candidates::ocr` with the
//!    `spelling` variants and `candidates::split`, `candidates::scan`);
//! 6. `names`: candidates that make capitalised words a place name cost less;
//! 7. `lattice`: a Viterbi search over the line's candidates (and the next line's first)
//!    scores channel cost + trigram language model + the document's usage (`session`), with
//!    the context carried over from the previous line;
//! 8. `session`: the chosen words are noted as the document's usage;
//! 9. `recase`: the chosen candidates are written in the case of their input tokens.
//!
//! Numbers, dates, document symbols, abbreviations and unknown words pass through, except for
//! the official abbreviations the model learned (`QD-TTg` → `QĐ-TTg`). Each stage's settings
//! are in [`Params`], one struct per stage.
//!
//! ```no_run
//! use sohoa::repair::Repairer;
//! let r = Repairer::load_default().unwrap();
//! let out = r.restore("Ké hoach s6 265-KH/TU ctia Ban Thuong vu Tinh ty");
//! println!("{}", out.text);
//! ```

mod candidates;
pub mod channel;
pub mod command;
mod input;
mod lattice;
mod layer_quality;
mod layer_symbols;
mod load;
mod mode;
mod names;
mod params;
mod recase;
mod rules;
mod session;
mod specks;
mod spelling;

pub use candidates::scan::RecogniserHints;
#[cfg(feature = "ocr")]
pub(crate) use candidates::scan::text_lines_of_word_lines;
pub use candidates::two_readings::{SecondReading, pair_by_boxes};
pub use input::{decode_input, invalid_utf8_warning};
pub use layer_quality::{CLEAN_LAYER_SCORE, LayerQuality};
pub use layer_symbols::{join_split_word, roman_heading, symbols_from_layer, take_layer_symbols};
pub use load::{default_model_dir, model_fingerprint};
pub use mode::MODE_SCAN_LINES;
pub use params::{
    LatticeParams, NameParams, OcrParams, Params, ScanParams, SessionParams, SplitParams,
    TwoReadingsParams,
};
pub use session::Session;

use crate::lm::confusions::Channel;
use crate::lm::model::{BOS, Model};
use channel::Trie;
use input::line_pieces;
use lattice::LineLattice;
use names::Names;
use rules::Abbreviations;
use rustc_hash::FxHashMap;
use serde::Serialize;
use spelling::Spellings;

/// Errors of the repair engine (all about the model: restoring text cannot fail).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model file is missing or damaged.
    #[error(
        "cannot load the repair model file {file}: {reason}\n  rebuild the model with `make model` (the `sohoa lm build` and `sohoa lm confusions` commands in dictionaries/PROVENANCE.md), or point SOHOA_MODEL at a model directory"
    )]
    Model {
        /// The file.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No model directory was found.
    #[error(
        "no repair model found (looked in: {0}); set SOHOA_MODEL=DIR or rebuild it with `make model`"
    )]
    NotFound(String),
}

/// How a line is repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Choose per line.
    Auto,
    /// Text with diacritics: keep (only the certain abbreviation rules apply).
    Clean,
    /// Text without diacritics: restore them.
    Ascii,
    /// Legacy OCR without Vietnamese data: undo its confusions.
    Ocr,
    /// Tesseract's Vietnamese OCR of a scan: the letters are mostly right but tone and vowel
    /// marks slip on poor scans (`chuyến đối số`); every syllable's other accented forms are
    /// candidates at a cost, and the language model decides.
    Scan,
}

/// What happened to one token.
#[derive(Debug, Clone, Serialize)]
pub struct TokenChange {
    /// Line number, from 1.
    pub line: usize,
    /// The token as it came in.
    pub input: String,
    /// The token as it goes out.
    pub output: String,
    /// Posterior margin of the choice, in (0.5, 1]: 1 / (1 + e^−(best − second best)).
    pub confidence: f32,
    /// Up to three other candidates, best first.
    pub alternatives: Vec<String>,
    /// Why it changed (`kept` when it did not).
    pub reason: &'static str,
    /// The mode of the line.
    pub mode: Mode,
}

/// Which tokens a repair reports in [`Restored::tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// None: only the text (confidences are not computed).
    Text,
    /// The tokens that changed.
    Changes,
    /// Every token that had candidates.
    All,
}

/// The result of [`Repairer::restore`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Restored {
    /// The repaired text: line N is the repair of input line N.
    pub text: String,
    /// Tokens that changed (all tokens with candidates, from [`Repairer::restore_detailed`]).
    pub tokens: Vec<TokenChange>,
    /// Problems with the input.
    pub warnings: Vec<String>,
}

/// The first vocabulary id that is a word (the ids below are special tokens).
const FIRST_WORD: u32 = crate::lm::model::SPECIALS.len() as u32;

/// The loaded model and decoder: load once, share (it is `Send + Sync`).
pub struct Repairer {
    /// This repairer's number in the process (keys the OCR candidate cache).
    instance: u64,
    /// Place names of the gazetteer ([`names`]).
    names: Names,
    /// Spellings without marks, and `y` spellings ([`spelling`]).
    spellings: Spellings,
    model: Model,
    /// The syllables of the vocabulary by their letters without marks
    /// ([`candidates::ascii::fold_index`]).
    fold_index: FxHashMap<String, Vec<u32>>,
    /// The OCR candidates' trie, built on the first OCR line (ASCII and clean text never need it).
    trie: std::sync::OnceLock<Trie>,
    channel: Channel,
    /// The abbreviations the model learned ([`rules`]).
    abbreviations: Abbreviations,
    /// Decoder settings.
    pub params: Params,
}

impl Repairer {
    /// The language model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Repairs `text` (modes chosen per line); `tokens` lists the tokens that changed.
    pub fn restore(&self, text: &str) -> Restored {
        self.restore_with(text, Mode::Auto, Detail::Changes)
    }

    /// Like [`Repairer::restore`], and `tokens` lists every token that had candidates.
    pub fn restore_detailed(&self, text: &str, mode: Mode) -> Restored {
        self.restore_with(text, mode, Detail::All)
    }

    /// The repaired text only (`tokens` stays empty): the fastest way, for callers that
    /// write text.
    ///
    /// ```no_run
    /// # use sohoa::repair::{Mode, Repairer};
    /// let r = Repairer::load_default()?;
    /// assert_eq!(r.restore_text("Binh dan hoc vu so", Mode::Auto).text, "Bình dân học vụ số");
    /// # Ok::<(), sohoa::repair::Error>(())
    /// ```
    pub fn restore_text(&self, text: &str, mode: Mode) -> Restored {
        self.restore_with(text, mode, Detail::Text)
    }

    /// Repairs `text` in `mode` (`Auto`: per line), reporting tokens as `detail` says.
    pub fn restore_with(&self, text: &str, mode: Mode, detail: Detail) -> Restored {
        self.restore_in(&mut Session::default(), text, mode, detail)
    }

    /// Like [`Repairer::restore_with`], for one part of a longer document: `session` carries
    /// the document's usage from part to part (see [`Session`]).
    ///
    /// This is where the stages are composed, in the order of the [module
    /// documentation](self): provinces named, modes read ahead, then line by line the lattice
    /// (mode, specks, candidates, place names), the search with the next line's first slots as
    /// lookahead, the session's notes and the text written in its tokens' case.
    pub fn restore_in(
        &self,
        session: &mut Session,
        text: &str,
        mode: Mode,
        detail: Detail,
    ) -> Restored {
        let mut out = Restored {
            text: String::with_capacity(text.len() + text.len() / 4),
            ..Default::default()
        };
        let mut ctx = (BOS, BOS);
        let (key, mut cache) = self.take_ocr_cache();
        if !session.scanned {
            // a province named anywhere in the text settles the place names before it too
            // (a report may name a ward pages before its province)
            session.scanned = true;
            self.note_provinces_named(text, session);
        }
        // the first lines' modes, when read ahead (their lattices reuse them)
        let read_ahead = self.read_ahead_modes(text, mode, session);
        let known = |i: usize| read_ahead.get(i).copied();
        // Each line is decoded with the first words of the next line as lookahead, so a phrase
        // broken across a line end ("triển khai Phong" / "trào") is read as one phrase; only
        // the current line's choices are written. At most two lines' lattices are held.
        // A very long line is decoded piece by piece (the pieces go on with the sentence), so
        // that memory stays bounded whatever the input.
        let mut lines = line_pieces(text).peekable();
        let mut pending: Option<LineLattice> = None;
        while let Some((i, line, goes_on)) = lines.next() {
            if i > 0 && !goes_on {
                out.text.push('\n');
            }
            if line.trim().is_empty() {
                if !goes_on {
                    ctx = (BOS, BOS);
                }
                pending = None;
                out.text.push_str(line);
                continue;
            }
            let known_mode = |i: usize, goes_on: bool| if goes_on { None } else { known(i) };
            let current = match pending.take() {
                Some(l) => l,
                None => self.line_lattice(
                    (i, line),
                    mode,
                    known_mode(i, goes_on),
                    ctx.1 == BOS || goes_on,
                    &mut cache,
                    session,
                ),
            };
            let next = match lines.peek() {
                Some(&(j, next, next_goes_on)) if !next.trim().is_empty() => {
                    let starts_sentence = next_goes_on || current.ends_sentence();
                    Some(self.line_lattice(
                        (j, next),
                        mode,
                        known_mode(j, next_goes_on),
                        starts_sentence,
                        &mut cache,
                        session,
                    ))
                }
                _ => None,
            };
            let lookahead = next.as_ref().map_or(&[][..], |n| n.lookahead());
            self.write_line(
                line,
                i + 1,
                &current,
                lookahead,
                &mut ctx,
                detail,
                session,
                &mut out,
            );
            pending = next;
        }
        Repairer::put_ocr_cache(key, cache);
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The committed model in `dictionaries/`, loaded once for the stages' tests.
    pub(crate) fn repairer() -> &'static Repairer {
        static REPAIRER: std::sync::OnceLock<Repairer> = std::sync::OnceLock::new();
        REPAIRER.get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries");
            let mut r = Repairer::load(&dir).expect("the committed model loads");
            // the stages' tests check the defaults, whatever SOHOA_PARAMS says
            r.params = Params::default();
            r
        })
    }

    #[test]
    fn the_stages_compose_line_by_line() {
        let r = repairer();
        let out = r.restore_text("Binh dan hoc vu so\n\nBình dân học vụ số", Mode::Auto);
        assert_eq!(out.text, "Bình dân học vụ số\n\nBình dân học vụ số");
        let detailed = r.restore("Binh dan hoc vu so");
        assert!(detailed.tokens.iter().all(|t| t.mode == Mode::Ascii));
    }
}
