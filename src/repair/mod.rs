//! The repair engine: restores diacritics in ASCII text and undoes the confusions of legacy OCR
//! (Tesseract run without Vietnamese data), line by line, without touching what is already right.
//!
//! Each line is tokenised ([`crate::lm::token`]) and given a mode: **clean** (Vietnamese with
//! diacritics, left as it is), **ascii** (no diacritics: every syllable's candidates are the
//! accented forms that fold to it) or **ocr** (legacy OCR: candidates come from a search of the
//! vocabulary under the learned confusion channel, with split candidates for merged words).
//! A Viterbi search over the line's candidates scores channel cost + trigram language model,
//! with the context carried over from the previous line. Case is taken from the input token;
//! numbers, dates, document symbols, abbreviations and unknown words pass through, except for
//! the official abbreviations the model learned (`QD-TTg` → `QĐ-TTg`).
//!
//! ```no_run
//! use sohoa::repair::Repairer;
//! let r = Repairer::load_default().unwrap();
//! let out = r.restore("Ké hoach s6 265-KH/TU ctia Ban Thuong vu Tinh ty");
//! println!("{}", out.text);
//! ```

pub mod channel;
pub mod cli;

use crate::lm::build::{ABBREV_FILE, NAMES_FILE};
use crate::lm::confusions::{CONFUSION_FILE, Channel, Table, ocr_char};
use crate::lm::model::{BOS, EOS, MODEL_FILE, Model, NUM, PUNCT, SYM, UNK};
use crate::lm::syl::{Case, apply_case, canonical_lower, canonical_syllable, case_of};
use crate::lm::token::{
    APOSTROPHES, Kind, OCR_SYMBOLS, Token, attach_trailing_apostrophes, ends_sentence,
    is_document_symbol, is_label_colon, tokenize,
};
use crate::viet::fold;
use channel::{Hit, Trie};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::path::{Path, PathBuf};

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

/// What a document has said so far: how often each word was written, and each spelling
/// without marks. Later lines of the same document prefer the forms it already uses (a
/// report that writes *phường* ten times means *phường*, not *phương*, the eleventh time).
///
/// ```no_run
/// # use sohoa::repair::{Detail, Mode, Repairer, Session};
/// let r = Repairer::load_default()?;
/// let mut doc = Session::default();
/// for page in ["Phuong Dong Quang", "phuong Dong Quang"] {
///     print!("{}", r.restore_in(&mut doc, page, Mode::Auto, Detail::Text).text);
/// }
/// # Ok::<(), sohoa::repair::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct Session {
    words: FxHashMap<u32, f32>,
    letters: FxHashMap<u32, f32>,
    /// Word pairs written, and letter pairs (keys `first << 32 | second`).
    pairs: FxHashMap<u64, f32>,
    letter_pairs: FxHashMap<u64, f32>,
    /// Provinces the document has named.
    provinces: rustc_hash::FxHashSet<u16>,
    /// Unit words (`phường`, `tỉnh`) the document has written before a place name
    /// (`ĐẢNG ỦY PHƯỜNG HỒNG BÀNG`): a ward's document says `của phường`, `địa bàn phường`
    /// where a legal corpus would rather read `phương` (see [`Params::unit_bonus`]).
    units: rustc_hash::FxHashSet<u32>,
    /// Lines decided with enough evidence, by mode (clean, ASCII, legacy OCR): a line with
    /// too few words to tell (`S6 42-BC/BTGDVTU`) takes the document's mode.
    mode_lines: [u32; 3],
    /// Whether the text's named provinces were looked for (the first text only).
    scanned: bool,
}

impl Session {
    fn note_mode(&mut self, mode: Mode) {
        let i = match mode {
            Mode::Clean => 0,
            Mode::Ascii => 1,
            Mode::Ocr => 2,
            Mode::Auto | Mode::Scan => return,
        };
        self.mode_lines[i] = self.mode_lines[i].saturating_add(1);
    }

    /// The mode most of the document's lines were read in, if any line was decided. Legacy
    /// OCR also reads ASCII words (their accented forms are candidates), so it wins once it
    /// is a third of the lines without marks.
    fn document_mode(&self) -> Option<Mode> {
        let [clean, ascii, ocr] = self.mode_lines;
        if clean + ascii + ocr == 0 {
            None
        } else if clean >= ascii + ocr {
            Some(Mode::Clean)
        } else if ocr * 3 >= ascii + ocr {
            Some(Mode::Ocr)
        } else {
            Some(Mode::Ascii)
        }
    }
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

/// Decoder settings (natural-log units).
#[derive(Debug, Clone)]
pub struct Params {
    /// Weight of the language model against the channel.
    pub lm_weight: f32,
    /// Cost of keeping an OCR token that is not a known word.
    pub keep_cost: f32,
    /// Largest channel cost of an OCR candidate.
    pub ocr_limit: f32,
    /// OCR candidates within this margin of the best are kept.
    pub ocr_margin: f32,
    /// Candidates per token at most.
    pub max_candidates: usize,
    /// States further than this below the best are dropped.
    pub beam: f32,
    /// Extra cost of reading one OCR token as two words.
    pub split_cost: f32,
    /// Try splits when the best single-word candidate costs more than this.
    pub split_trigger: f32,
    /// Search states (two-word contexts) kept per token at most.
    pub max_states: usize,
    /// Cost of changing a syllable's marks in [`Mode::Scan`].
    pub scan_change_cost: f32,
    /// A word that is not a Vietnamese syllable is an OCR candidate only with at least this
    /// weighted corpus count (read when the model is loaded).
    pub foreign_min_count: f32,
    /// Cost of reading a line break inside a sentence as a sentence end (a heading, a list
    /// item, a signature block) rather than as a wrapped line.
    pub line_restart_cost: f32,
    /// Weight (nats) of the document's own usage: a candidate loses this times
    /// ln((uses of it + 1) / (uses of its letters in any form + 1)) earlier in the document.
    pub document_weight: f32,
    /// The most (nats) the document's usage can cost a candidate.
    pub document_cap: f32,
    /// The same as `document_weight` for word pairs (after the word before).
    pub document_pair_weight: f32,
    /// How much less (nats) a candidate costs when it makes capitalised words a place name.
    pub name_bonus: f32,
    /// How much less (nats) a unit word (`phường`) costs once the document has written it
    /// before a place name.
    pub unit_bonus: f32,
}

impl Params {
    /// The defaults, with overrides from `SOHOA_PARAMS` (`name=value,...`) for experiments.
    pub fn from_env() -> Params {
        let mut p = Params::default();
        if let Ok(spec) = std::env::var("SOHOA_PARAMS") {
            for kv in spec.split(',') {
                let Some((k, v)) = kv.split_once('=') else {
                    continue;
                };
                let Ok(v) = v.trim().parse::<f32>() else {
                    continue;
                };
                match k.trim() {
                    "lm_weight" => p.lm_weight = v,
                    "keep_cost" => p.keep_cost = v,
                    "ocr_limit" => p.ocr_limit = v,
                    "ocr_margin" => p.ocr_margin = v,
                    "max_candidates" => p.max_candidates = v as usize,
                    "beam" => p.beam = v,
                    "split_cost" => p.split_cost = v,
                    "split_trigger" => p.split_trigger = v,
                    "max_states" => p.max_states = v as usize,
                    "scan_change_cost" => p.scan_change_cost = v,
                    "foreign_min_count" => p.foreign_min_count = v,
                    "line_restart_cost" => p.line_restart_cost = v,
                    "document_weight" => p.document_weight = v,
                    "document_cap" => p.document_cap = v,
                    "document_pair_weight" => p.document_pair_weight = v,
                    "name_bonus" => p.name_bonus = v,
                    "unit_bonus" => p.unit_bonus = v,
                    _ => {}
                }
            }
        }
        p
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            lm_weight: 1.0,
            keep_cost: 12.0,
            ocr_limit: 22.0,
            ocr_margin: 9.0,
            max_candidates: 32,
            beam: 14.0,
            split_cost: 4.0,
            split_trigger: 5.0,
            max_states: 8,
            scan_change_cost: 5.0,
            foreign_min_count: 300.0,
            line_restart_cost: 1.5,
            document_weight: 1.0,
            document_cap: 2.0,
            document_pair_weight: 1.0,
            name_bonus: 4.0,
            unit_bonus: 3.0,
        }
    }
}

/// Cached OCR candidates by token, with the [`Repairer::cache_key`] they were searched under.
type HitCache = ([u64; 5], FxHashMap<String, Vec<Hit>>);

thread_local! {
    /// OCR candidates by token, kept across calls on one thread: a batch's pages repeat the
    /// same misread words, and a candidate search costs far more than the rest of a token's
    /// decoding. Keyed by [`Repairer::cache_key`]; cleared when it grows past 200,000 tokens.
    static OCR_HITS: std::cell::RefCell<HitCache> =
        std::cell::RefCell::new(([u64::MAX; 5], FxHashMap::default()));
}

/// Numbers the loaded repairers, for [`Repairer::cache_key`].
static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The loaded model and decoder: load once, share (it is `Send + Sync`).
pub struct Repairer {
    instance: u64,
    /// Consecutive words of the place names in `names.tsv` (keys `first << 32 | second`), with
    /// the provinces of the names.
    name_pairs: FxHashMap<u64, Vec<u16>>,
    /// The first two words of each province's name.
    province_pairs: FxHashMap<u64, u16>,
    /// The same two words without marks (`thanh hoa`), where only one province reads so.
    province_folds: FxHashMap<String, u16>,
    /// The words that stand before a place name for its kind of unit (`xã`, `phường`, `tỉnh`).
    unit_words: Vec<u32>,
    /// Each vocabulary word's spelling without marks, numbered (for [`Session`]); the `i` and
    /// `y` spellings of one syllable (`kĩ`, `kỹ`) share a number.
    letters_of: Vec<u32>,
    /// The `y` spelling of words that end in `i` after a bare onset (`kĩ` → `kỹ`), where the
    /// vocabulary has it.
    y_spellings: FxHashMap<u32, u32>,
    model: Model,
    fold_index: FxHashMap<String, Vec<u32>>,
    /// The OCR candidates' trie, built on the first OCR line (ASCII and clean text never need it).
    trie: std::sync::OnceLock<Trie>,
    channel: Channel,
    abbrevs: FxHashMap<String, String>,
    /// The `Đ` forms of `abbrevs` (`QĐ`, `BGDĐT`).
    abbrev_forms: rustc_hash::FxHashSet<String>,
    /// Decoder settings.
    pub params: Params,
}

/// The text of a candidate, rendered only when it is written (most candidates never are).
#[derive(Clone, Debug)]
enum OptText {
    /// The token as it is in the input.
    Kept,
    /// A vocabulary word in the token's case.
    Word(u32, Case),
    /// Anything else (a split, an abbreviation form, a word with a footnote mark).
    Owned(String),
}

#[derive(Clone)]
struct Opt {
    words: [u32; 2],
    n: u8,
    text: OptText,
    cost: f32,
    reason: &'static str,
}

impl Opt {
    fn words(&self) -> &[u32] {
        &self.words[..self.n as usize]
    }
}

/// The largest channel cost (nats) at which legacy OCR explains a word that is no syllable
/// (`hodc` → `hoặc` costs 1.2, `git` → `gử` 2.7; English words cost 8 and more, or have no
/// candidate).
const OCR_EXPLAINS_COST: f32 = 5.0;

/// Extra cost, in legacy OCR, of reading trailing digits as a footnote mark rather than as
/// letters.
const FOOTNOTE_COST: f32 = 2.0;

/// The cost of reading a number run into a word (`2025cua`) as the number and the word.
const GLUED_NUMBER_COST: f32 = 2.0;

/// Largest channel cost of `đ` read as a letter for that letter to be taken as a misread `Đ`
/// in an abbreviation.
const MISREAD_D_COST: f32 = 6.0;

/// Largest channel cost at which an abbreviation-like OCR token is replaced by a word.
const ABBREVIATION_EDIT_LIMIT: f32 = 6.0;
/// Cost of keeping an abbreviation-like OCR token as it is.
const ABBREVIATION_KEEP_COST: f32 = 2.0;

/// A session remembers at most this many distinct pairs (about 40 MB), so memory stays bounded
/// on an endless input; pairs already known keep counting.
const SESSION_MAX_PAIRS: usize = 1_000_000;

fn count_pair(pairs: &mut FxHashMap<u64, f32>, key: u64) {
    if let Some(n) = pairs.get_mut(&key) {
        *n += 1.0;
    } else if pairs.len() < SESSION_MAX_PAIRS {
        pairs.insert(key, 1.0);
    }
}

fn pair_key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// The share of [`Params::name_bonus`] a place name gets when it lies outside every province
/// the document has named.
const NAME_ELSEWHERE: f32 = 0.25;

/// The share of [`Params::name_bonus`] a province's name gets.
const PROVINCE_SHARE: f32 = 1.5;

/// The first vocabulary id that is a word (the ids below are special tokens).
const FIRST_WORD: u32 = crate::lm::model::SPECIALS.len() as u32;

/// The token index of the slot for the line break before a line.
const LINE_BREAK: usize = usize::MAX;

/// Punctuation that scan specks and smudges give legacy OCR, standing apart at a line's
/// start or end (`bao gom: :`, `; THANH PHO`, `NGHIEN CUU ~`).
const SPECK_CHARS: [char; 11] = [':', ';', '~', '_', '|', '»', '«', '¦', '=', '.', ','];

/// The tokens of a legacy-OCR line to drop as scan specks, with the white space that sets
/// them apart: runs of [`SPECK_CHARS`] (at most three, not `..`) standing alone at the start
/// or end of the line, while words remain. A colon or semicolon set apart from the last word
/// (`Nơi nhận :`) is attached to it instead, unless the word ends in punctuation already; a
/// run that ends the line is never `.` or `,` alone (`năm ......` is a blank to fill in), and
/// one that starts it is never a bullet (`-`, `•`, `+` are not speck characters).
fn scan_specks(line: &str, toks: &[Token]) -> Vec<usize> {
    // runs of non-space tokens: (first, last) token index
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Kind::Space {
            continue;
        }
        match runs.last_mut() {
            Some(r) if r.1 + 1 == i => r.1 = i,
            _ => runs.push((i, i)),
        }
    }
    let text = |r: (usize, usize)| &line[toks[r.0].start..toks[r.1].end];
    let speck = |r: (usize, usize)| {
        let s = text(r);
        s.chars().count() <= 3
            && !s.contains("..")
            && s.chars().all(|c| SPECK_CHARS.contains(&c))
            && toks[r.0..=r.1].iter().all(|t| t.kind == Kind::Punct)
    };
    let mut drop = Vec::new();
    if !line.contains(char::is_alphanumeric) {
        return drop;
    }
    let (mut lo, mut hi) = (0, runs.len());
    while hi > lo + 1 && speck(runs[hi - 1]) && !matches!(text(runs[hi - 1]), "." | ",") {
        hi -= 1;
    }
    for k in hi..runs.len() {
        // the run and the white space before it
        drop.extend(runs[k - 1].1 + 1..=runs[k].1);
    }
    if hi < runs.len() {
        let first = text(runs[hi]);
        let before = text(runs[hi - 1]);
        if matches!(first, ":" | ";") && !before.ends_with(|c: char| c.is_ascii_punctuation()) {
            // `Nơi nhận :` → `Nơi nhận:`: only the space goes
            let keep = runs[hi].0;
            drop.retain(|&i| i != keep);
        }
    }
    while lo + 1 < hi && speck(runs[lo]) {
        // the run and the white space after it
        drop.extend(runs[lo].0..runs[lo + 1].0);
        lo += 1;
    }
    drop
}

/// The longest piece of a line decoded at once, in bytes (about 3,000 words).
const MAX_PIECE: usize = 16 * 1024;

/// The lines of `text` with their index, each cut into pieces of at most [`MAX_PIECE`] bytes
/// after white space (or, in a run without any, at a character boundary); the flag is set on
/// the pieces that go on with a line.
fn line_pieces(text: &str) -> impl Iterator<Item = (usize, &str, bool)> {
    text.split('\n').enumerate().flat_map(|(i, line)| {
        let mut rest = line;
        let mut goes_on = false;
        std::iter::from_fn(move || {
            if rest.is_empty() && goes_on {
                return None;
            }
            let mut cut = rest.len();
            if cut > MAX_PIECE {
                cut = MAX_PIECE;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                if let Some((at, c)) = rest[..cut]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                {
                    cut = at + c.len_utf8();
                }
            }
            let (piece, tail) = rest.split_at(cut);
            rest = tail;
            let item = (i, piece, goes_on);
            goes_on = true;
            Some(item)
        })
    })
}

/// Whether the token after token `i` (past a colon) is a document's number and symbol.
fn labels_document_number(line: &str, toks: &[Token], i: usize) -> bool {
    let mut next = toks[i + 1..].iter().filter(|t| t.kind != Kind::Space);
    let mut t = next.next();
    if t.is_some_and(|t| t.text(line) == ":") {
        t = next.next();
    }
    t.is_some_and(|t| t.kind == Kind::Symbol && is_document_symbol(t.text(line)))
}

/// How many slots of the next line are scored as lookahead when a line is decoded.
const LOOKAHEAD_SLOTS: usize = 3;

/// A line needs this many word-like tokens to choose its own mode; fewer, and it takes the
/// document's (see [`Session`]).
const MODE_EVIDENCE: usize = 2;

/// Lines read ahead to learn a document's mode before its first line is decoded: text given
/// to [`Repairer::restore_in`] in pieces should give at least this many lines first.
pub const MODE_SCAN_LINES: usize = 40;

/// One line's candidates, built once and decoded with the next line's first slots.
struct LineLattice {
    toks: Vec<Token>,
    mode: Mode,
    slots: Vec<Slot>,
}

struct Slot {
    tok: usize,
    options: Vec<Opt>,
}

#[derive(Clone, Copy)]
struct State {
    score: f32,
    ctx: (u32, u32),
    back: u16,
    opt: u16,
}

const LN10: f32 = std::f32::consts::LN_10;
/// An accented word is trusted as clean text when the corpus has it at least this often.
const TRUSTED_COUNT: f32 = 30.0;

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// Where the word starts in a number run into a word (`26/4/2025cua` → 9, `2gdm` → 1): the
/// number begins and ends with a digit (`/ . , -` between digit groups), and two or more
/// letters follow; `QH15`, `10h30` and `2a` are not such.
fn glued_number_end(s: &str) -> Option<usize> {
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

/// Whether folded letters are a bare onset, one that a final `i`/`y` may follow in either
/// spelling (`k` in `kĩ`/`kỹ`, `qu` in `quí`/`quý`; not `tu` in `tuy`).
fn is_bare_onset(letters: &str) -> bool {
    const ONSETS: [&str; 25] = [
        "b", "c", "ch", "d", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p",
        "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
    ];
    ONSETS.contains(&letters)
}

/// The folded syllable with a final `y` after a bare onset written `i` (`ky` → `ki`, `quy` →
/// `qui`; `tuy`, `huy` stay): `kỹ`/`kĩ`, `lý`/`lí` are one word in two spellings, so a
/// document's use of one counts as use of the letters of both.
fn i_for_final_y(mut folded: String) -> String {
    if folded.strip_suffix('y').is_some_and(is_bare_onset) {
        folded.pop();
        folded.push('i');
    }
    folded
}

/// The `y` spelling of a syllable that ends in `i` after a bare onset, tone kept (`kĩ` →
/// `kỹ`, `lí` → `lý`).
fn y_spelling(word: &str) -> Option<String> {
    const I: [char; 6] = ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'];
    const Y: [char; 6] = ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'];
    let last = word.chars().last()?;
    let tone = I.iter().position(|&c| c == last)?;
    let onset = &word[..word.len() - last.len_utf8()];
    is_bare_onset(&fold(onset)).then(|| format!("{onset}{}", Y[tone]))
}

fn is_vn_only(c: char) -> bool {
    // letters Tesseract's English data cannot produce: outside Latin-1
    c.is_alphabetic() && (c as u32) > 0xff
}

/// Decodes bytes as UTF-8, replacing invalid sequences, with one warning naming the lines.
///
/// ```
/// let (text, warnings) = sohoa::repair::decode_input(b"ok\nbad \xff here\n");
/// assert_eq!(text, "ok\nbad \u{fffd} here\n");
/// assert!(warnings[0].contains("line 2"));
/// ```
pub fn decode_input(bytes: &[u8]) -> (String, Vec<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Vec::new()),
        Err(_) => {
            let mut bad = Vec::new();
            let mut out = String::with_capacity(bytes.len());
            for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                let s = String::from_utf8_lossy(line);
                if matches!(s, std::borrow::Cow::Owned(_)) {
                    bad.push(i + 1);
                }
                out.push_str(&s);
            }
            (out, vec![invalid_utf8_warning(&bad)])
        }
    }
}

/// The warning for input lines (numbered from 1) whose invalid UTF-8 was replaced; the first
/// twenty are named.
///
/// ```
/// let w = sohoa::repair::invalid_utf8_warning(&[2, 5]);
/// assert_eq!(w, "invalid UTF-8 replaced by U+FFFD on line 2, 5");
/// ```
pub fn invalid_utf8_warning(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(20).map(|n| n.to_string()).collect();
    let more = if lines.len() > 20 {
        format!(" and {} more", lines.len() - 20)
    } else {
        String::new()
    };
    format!(
        "invalid UTF-8 replaced by U+FFFD on line {}{more}",
        shown.join(", ")
    )
}

impl Repairer {
    /// Loads the model from `dir` (`sohoa.lm`, `confusions.tsv`, `abbreviations.tsv`).
    pub fn load(dir: &Path) -> Result<Repairer, Error> {
        let err = |file: &str, reason: String| Error::Model {
            file: dir.join(file).display().to_string(),
            reason,
        };
        let model = Model::load(dir).map_err(|e| err(MODEL_FILE, source_text(&e)))?;
        let table = Table::load(&dir.join(CONFUSION_FILE))
            .map_err(|e| err(CONFUSION_FILE, source_text(&e)))?;
        if table.is_empty() {
            return Err(err(CONFUSION_FILE, "the table is empty".into()));
        }
        let channel = Channel::from_table(&table);
        let abbr_path = dir.join(ABBREV_FILE);
        let abbr_text =
            std::fs::read_to_string(&abbr_path).map_err(|e| err(ABBREV_FILE, e.to_string()))?;
        let mut abbrevs = FxHashMap::default();
        for line in abbr_text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cols = line.split('\t');
            if let (Some(f), Some(form)) = (cols.next(), cols.next()) {
                abbrevs.insert(f.to_string(), form.to_string());
            }
        }
        let mut fold_index: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (id, w) in model
            .vocab
            .iter()
            .enumerate()
            .skip(crate::lm::model::SPECIALS.len())
        {
            if canonical_syllable(w).is_some() {
                fold_index.entry(fold(w)).or_default().push(id as u32);
            }
        }
        for ids in fold_index.values_mut() {
            ids.sort_by(|&a, &b| model.counts[b as usize].total_cmp(&model.counts[a as usize]));
            let top = model.counts[ids[0] as usize];
            ids.retain(|&i| model.counts[i as usize] >= top * 2e-4);
            ids.truncate(8);
        }
        let params = Params::from_env();
        let abbrev_forms = abbrevs.values().cloned().collect();
        // place names are optional: a model built without `--names` reads no names
        let mut name_pairs: FxHashMap<u64, Vec<u16>> = FxHashMap::default();
        let mut province_pairs: FxHashMap<u64, u16> = FxHashMap::default();
        let mut province_folds: FxHashMap<String, u16> = FxHashMap::default();
        if let Ok(text) = std::fs::read_to_string(dir.join(NAMES_FILE)) {
            let mut province_ids: FxHashMap<String, u16> = FxHashMap::default();
            let ids_of =
                |name: &str| -> Option<Vec<u32>> { name.split(' ').map(|w| model.id(w)).collect() };
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let (name, provinces) = line.split_once('\t').unwrap_or((line, ""));
                let mut own: Vec<u16> = Vec::new();
                for p in provinces.split(',').filter(|p| !p.is_empty()) {
                    let n = province_ids.len() as u16;
                    let id = *province_ids.entry(p.to_string()).or_insert(n);
                    own.push(id);
                    if let Some(ids) = ids_of(p).filter(|ids| ids.len() >= 2) {
                        province_pairs.insert(pair_key(ids[0], ids[1]), id);
                        let words: Vec<&str> = p.split(' ').take(2).collect();
                        let folded = fold(&words.join(" "));
                        let entry = province_folds.entry(folded).or_insert(id);
                        if *entry != id {
                            *entry = u16::MAX; // two provinces read so: neither is certain
                        }
                    }
                }
                let Some(ids) = ids_of(name) else { continue };
                for p in ids.windows(2) {
                    let entry = name_pairs.entry(pair_key(p[0], p[1])).or_default();
                    entry.extend(&own);
                }
            }
        }
        let mut letter_ids: FxHashMap<String, u32> = FxHashMap::default();
        let letters_of = model
            .vocab
            .iter()
            .map(|w| {
                let n = letter_ids.len() as u32;
                *letter_ids.entry(i_for_final_y(fold(w))).or_insert(n)
            })
            .collect();
        let y_spellings = (FIRST_WORD..model.vocab.len() as u32)
            .filter_map(|id| {
                let y = y_spelling(&model.vocab[id as usize])?;
                Some((id, model.id(&y)?))
            })
            .collect();
        Ok(Repairer {
            instance: INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            letters_of,
            y_spellings,
            name_pairs,
            province_pairs,
            province_folds,
            unit_words: [
                "xã",
                "phường",
                "tỉnh",
                "huyện",
                "quận",
                "phố",
                "trấn",
                "khu",
            ]
            .iter()
            .filter_map(|w| model.id(w))
            .collect(),
            model,
            fold_index,
            trie: std::sync::OnceLock::new(),
            channel,
            abbrevs,
            abbrev_forms,
            params,
        })
    }

    /// Loads the model from `$SOHOA_MODEL`, else `dictionaries/` in the crate, beside the
    /// executable, or in the working directory.
    pub fn load_default() -> Result<Repairer, Error> {
        let mut tried = Vec::new();
        for dir in default_dirs() {
            if dir.join(MODEL_FILE).exists() {
                return Repairer::load(&dir);
            }
            tried.push(dir.display().to_string());
        }
        Err(Error::NotFound(tried.join(", ")))
    }

    fn trie(&self) -> &Trie {
        self.trie.get_or_init(|| {
            Trie::new(
                self.model
                    .vocab
                    .iter()
                    .enumerate()
                    .skip(crate::lm::model::SPECIALS.len())
                    // OCR candidates are Vietnamese syllables, or other words (loans, names,
                    // abbreviations) only when the corpus has them often: a rare non-syllable
                    // ("sb", "csb") is more likely an OCR slip in the corpus than a reading
                    .filter(|(i, w)| {
                        w.chars().all(char::is_alphabetic)
                            && (canonical_syllable(w).is_some()
                                || self.model.counts[*i] >= self.params.foreign_min_count)
                    })
                    .map(|(i, w)| (i as u32, w.as_str())),
            )
        })
    }

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
        let key = self.cache_key();
        let mut cache = OCR_HITS.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != key {
                *c = (key, FxHashMap::default());
            }
            std::mem::take(&mut c.1)
        });
        if !session.scanned {
            // a province named anywhere in the text settles the place names before it too
            // (a report may name a ward pages before its province)
            session.scanned = true;
            self.note_provinces_named(text, session);
        }
        // the first lines' modes, when read ahead (their lattices reuse them)
        let mut read_ahead: Vec<(Mode, usize)> = Vec::new();
        if mode == Mode::Auto && session.document_mode().is_none() {
            // a short first line (a number line, a heading) takes the mode of the text
            // that follows, so look ahead at the first lines once
            for line in text.split('\n').take(MODE_SCAN_LINES) {
                let toks = tokenize(line);
                let (m, evidence) = self.detect_with_evidence(line, &toks);
                if evidence >= MODE_EVIDENCE {
                    session.note_mode(m);
                }
                read_ahead.push((m, evidence));
            }
        }
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
                    line,
                    mode,
                    known_mode(i, goes_on),
                    ctx.1 == BOS || goes_on,
                    &mut cache,
                    session,
                ),
            };
            let next = match lines.peek() {
                Some(&(j, next, next_goes_on)) if !next.trim().is_empty() => {
                    let starts_sentence = next_goes_on
                        || current.slots.last().is_none_or(|s| {
                            s.options.iter().all(|o| o.words().last() == Some(&BOS))
                        });
                    Some(self.line_lattice(
                        next,
                        mode,
                        known_mode(j, next_goes_on),
                        starts_sentence,
                        &mut cache,
                        session,
                    ))
                }
                _ => None,
            };
            let lookahead = next.as_ref().map_or(&[][..], |n| {
                let words =
                    LOOKAHEAD_SLOTS + n.slots.iter().take_while(|s| s.tok == LINE_BREAK).count();
                &n.slots[..n.slots.len().min(words)]
            });
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
        OCR_HITS.with(|c| *c.borrow_mut() = (key, cache));
        out
    }

    /// Notes in `session` the provinces whose names `text` writes with capitals, with or
    /// without marks (`Thanh Hoa`, `THANH HÓA`).
    fn note_provinces_named(&self, text: &str, session: &mut Session) {
        if self.province_folds.is_empty() {
            return;
        }
        // "thanh hoa": the folded previous capitalised word, a space, the current one
        let mut key = String::new();
        let capital = |w: &str| starts_upper(w.trim_start_matches(|c: char| !c.is_alphanumeric()));
        for line in text.split('\n') {
            // most lines name no province: only a line with two capitalised words in a row
            // is tokenized
            if !line
                .split_whitespace()
                .zip(line.split_whitespace().skip(1))
                .any(|(a, b)| capital(a) && capital(b))
            {
                continue;
            }
            let mut before = false;
            for t in tokenize(line) {
                match t.kind {
                    Kind::Space => continue,
                    Kind::Word if starts_upper(t.text(line)) => {
                        let w = fold(&t.text(line).to_lowercase());
                        if before {
                            key.push(' ');
                            key.push_str(&w);
                            if let Some(&p) = self.province_folds.get(&key)
                                && p != u16::MAX
                            {
                                session.provinces.insert(p);
                            }
                        }
                        key.clear();
                        key.push_str(&w);
                        before = true;
                    }
                    _ => before = false,
                }
            }
        }
    }

    /// The cost (nats) of word `w` from the document's usage so far (see [`Session`]).
    fn document_cost(&self, session: &Session, w: u32) -> f32 {
        if w < FIRST_WORD {
            return 0.0;
        }
        let unit = if session.units.contains(&w) {
            self.params.unit_bonus
        } else {
            0.0
        };
        let Some(&any) = session.letters.get(&self.letters_of[w as usize]) else {
            return -unit;
        };
        let own = session.words.get(&w).copied().unwrap_or(0.0);
        self.usage_cost(own, any, self.params.document_weight) - unit
    }

    /// What the document's usage costs a form used `own` times when its letters were used `any`
    /// times in any form: `weight` × −ln((own + 1) / (any + 1)), at most the cap.
    fn usage_cost(&self, own: f32, any: f32, weight: f32) -> f32 {
        (-(((own + 1.0) / (any + 1.0)).ln()) * weight).min(self.params.document_cap)
    }

    /// Capitalised neighbours that can read as a place name of the gazetteers (`Dong Quang` →
    /// `Đông Quang`, not `Đông Quảng`): each option that takes part in such a reading costs
    /// [`Params::name_bonus`] less.
    /// Once the document has named a province, a name of another province gets
    /// [`NAME_ELSEWHERE`] of the bonus.
    fn favour_place_names(
        &self,
        line: &str,
        toks: &[Token],
        slots: &mut [Slot],
        session: &Session,
    ) {
        let capital = |slot: &Slot| {
            slot.tok != LINE_BREAK
                && toks[slot.tok].kind == Kind::Word
                && case_of(toks[slot.tok].text(line)) != Case::Lower
        };
        let mut marks: Vec<Vec<f32>> = slots.iter().map(|s| vec![0.0; s.options.len()]).collect();
        for i in 1..slots.len() {
            if !(capital(&slots[i - 1]) && capital(&slots[i])) {
                continue;
            }
            for (a, oa) in slots[i - 1].options.iter().enumerate() {
                let &[wa] = oa.words() else { continue };
                for (b, ob) in slots[i].options.iter().enumerate() {
                    if let &[wb] = ob.words()
                        && let Some(provinces) = self.name_pairs.get(&pair_key(wa, wb))
                    {
                        let here = session.provinces.is_empty()
                            || provinces.iter().any(|p| session.provinces.contains(p));
                        let share = if self.province_pairs.contains_key(&pair_key(wa, wb)) {
                            // a province (`Thanh Hóa`, not the commune `Thành Hòa`): the
                            // name documents cite most
                            PROVINCE_SHARE
                        } else if here {
                            1.0
                        } else {
                            NAME_ELSEWHERE
                        };
                        marks[i - 1][a] = marks[i - 1][a].max(share);
                        marks[i][b] = marks[i][b].max(share);
                    }
                }
            }
        }
        // the word before a name that names its kind of unit (`phường Đông Quang`)
        for i in 1..slots.len() {
            let share = marks[i].iter().copied().fold(0.0, f32::max);
            if share == 0.0 || marks[i - 1].iter().any(|&m| m > 0.0) {
                continue;
            }
            for (a, oa) in slots[i - 1].options.iter().enumerate() {
                if let &[w] = oa.words()
                    && self.unit_words.contains(&w)
                {
                    marks[i - 1][a] = share;
                }
            }
        }
        for (slot, marks) in slots.iter_mut().zip(marks) {
            for (opt, share) in slot.options.iter_mut().zip(marks) {
                opt.cost -= share * self.params.name_bonus;
            }
        }
    }

    /// What the OCR candidates of a token depend on: this repairer's model and the search
    /// settings.
    fn cache_key(&self) -> [u64; 5] {
        let p = &self.params;
        [
            self.instance,
            p.ocr_limit.to_bits() as u64,
            p.ocr_margin.to_bits() as u64,
            p.max_candidates as u64,
            p.foreign_min_count.to_bits() as u64,
        ]
    }

    /// Forgets this thread's cached OCR candidates (benchmarks use it to measure a cold start).
    pub fn forget_ocr_candidates(&self) {
        OCR_HITS.with(|c| c.borrow_mut().1.clear());
    }

    fn known_syllable(&self, word: &str) -> Option<u32> {
        canonical_syllable(word).and_then(|c| self.model.id(&c))
    }

    /// The mode of a line, from its tokens.
    pub fn detect_mode(&self, line: &str) -> Mode {
        self.detect(line, &tokenize(line))
    }

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
                            self.model.counts[id as usize] < self.params.foreign_min_count
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

    /// The candidates of a word or mixed token in a line of `mode`.
    fn word_options(
        &self,
        s: &str,
        kind: Kind,
        mode: Mode,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        match mode {
            Mode::Ascii if kind == Kind::Word && s.is_ascii() => {
                match self.fold_index.get(&s.to_lowercase()) {
                    Some(ids) => {
                        let case = case_of(s);
                        ids.iter()
                            .map(|&id| self.word_opt(id, case, 0.0, "ascii-diacritics"))
                            .collect()
                    }
                    None => vec![self.fixed(&[self.fixed_word(s)])],
                }
            }
            Mode::Ocr if !s.chars().any(is_vn_only) => self.ocr_options(s, kind, cache),
            Mode::Scan if kind == Kind::Word => self.scan_options(s),
            _ => vec![self.fixed(&[self.fixed_word(s)])],
        }
    }

    /// The candidates of a word read by Tesseract's Vietnamese model: itself, and the other
    /// accented forms of its folded spelling at [`Params::scan_change_cost`] each.
    fn scan_options(&self, s: &str) -> Vec<Opt> {
        let own = self.fixed_word(s);
        let mut keep = self.fixed(&[own]);
        let case = case_of(s);
        let Some(ids) = self.fold_index.get(&fold(&s.to_lowercase())) else {
            return vec![keep];
        };
        if own == UNK {
            // not a word the model knows: a slip is likelier than a rare word
            keep.cost = self.params.scan_change_cost;
        }
        let mut opts = vec![keep];
        opts.extend(
            ids.iter().filter(|&&id| id != own).map(|&id| {
                self.word_opt(id, case, self.params.scan_change_cost, "scan-diacritics")
            }),
        );
        opts
    }

    /// Where the footnote mark starts in a word followed by one or two digits (`tỉnh1`,
    /// `tinh12`): the letters must be a whole syllable (accented or not), the digits not `0`.
    fn footnote_split(&self, s: &str) -> Option<usize> {
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

    fn fixed_word(&self, s: &str) -> u32 {
        self.model.id(&canonical_lower(s)).unwrap_or(UNK)
    }

    fn fix_abbreviation(&self, s: &str) -> Option<String> {
        let mut changed = false;
        let mut out = String::with_capacity(s.len() + 2);
        let mut part = String::new();
        let flush = |part: &mut String, out: &mut String, changed: &mut bool| {
            if part.chars().filter(|c| c.is_uppercase()).count() >= 2
                && part.chars().all(|c| c.is_ascii_alphabetic())
                && canonical_syllable(part).is_none()
            {
                if let Some(form) = self.abbreviation_form(part) {
                    out.push_str(&form);
                    *changed = true;
                    part.clear();
                    return;
                }
            }
            if let Some(form) = self.misread_abbreviation(part) {
                out.push_str(&form);
                *changed = true;
                part.clear();
                return;
            }
            out.push_str(part);
            part.clear();
        };
        for c in s.chars() {
            if matches!(c, '-' | '/' | '.') {
                flush(&mut part, &mut out, &mut changed);
                out.push(c);
            } else {
                part.push(c);
            }
        }
        flush(&mut part, &mut out, &mut changed);
        changed.then_some(out)
    }

    /// A known `Đ` abbreviation whose `Đ` the OCR read as a lower-case letter among capitals
    /// (`Qb` → `QĐ`, `BGDbT` → `BGDĐT`): a letter that the channel often produces for `đ` is
    /// replaced, and the result must be a known abbreviation form.
    fn misread_abbreviation(&self, part: &str) -> Option<String> {
        let n = part.chars().count();
        if !(2..=10).contains(&n)
            || !part.chars().all(|c| c.is_ascii_alphabetic())
            || !part.starts_with(|c: char| c.is_ascii_uppercase())
            || self.abbrev_forms.contains(part)
        {
            return None;
        }
        // only one lower-case letter among capitals is certainly a slip: an upper-case one may
        // be the real code (GDPT, giáo dục phổ thông, is not GDĐT)
        let mut lower = part.char_indices().filter(|(_, c)| c.is_ascii_lowercase());
        let (i, c) = lower.next()?;
        if lower.next().is_some() || self.channel.sub_chars('đ', &[c]) > MISREAD_D_COST {
            return None;
        }
        let candidate = format!("{}Đ{}", &part[..i], &part[i + 1..]);
        self.abbrev_forms.contains(&candidate).then_some(candidate)
    }

    /// The `Đ` form of an ASCII abbreviation: a learned one (`QD` → `QĐ`), or a learned one of
    /// at least three letters followed by one to three more (`BCDTW` → `BCĐ` + `TW`), the way
    /// agency codes are composed. Shorter learned prefixes (`GD`, `QD`) are not extended:
    /// too many codes begin with them (`BTGDVTU` stays).
    fn abbreviation_form(&self, part: &str) -> Option<String> {
        if let Some(form) = self.abbrevs.get(part) {
            return Some(form.clone());
        }
        let n = part.len(); // ASCII letters only, checked by the caller
        for cut in (3..n).rev() {
            if n - cut > 3 {
                break;
            }
            if let Some(form) = self.abbrevs.get(&part[..cut]) {
                return Some(format!("{form}{}", &part[cut..]));
            }
        }
        None
    }

    fn fixed(&self, words: &[u32]) -> Opt {
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

    fn word_opt(&self, id: u32, case: Case, cost: f32, reason: &'static str) -> Opt {
        Opt {
            words: [id, 0],
            n: 1,
            text: OptText::Word(id, case),
            cost,
            reason,
        }
    }

    /// Whether legacy OCR explains a word that is no syllable: another vocabulary word is a
    /// cheap edit away under the confusion channel (`hodc` → `hoặc`), as for no English word
    /// (`office`, `contact`).
    fn ocr_explains(&self, word: &str) -> bool {
        let key: String = word.to_lowercase().chars().map(ocr_char).collect();
        let own = self.model.id(&key);
        self.ocr_hits(&key, &mut FxHashMap::default())
            .iter()
            .any(|h| Some(h.id) != own && h.cost <= OCR_EXPLAINS_COST)
    }

    fn ocr_hits(&self, key: &str, cache: &mut FxHashMap<String, Vec<Hit>>) -> Vec<Hit> {
        if let Some(h) = cache.get(key) {
            return h.clone();
        }
        let chars: Vec<char> = key.chars().collect();
        let p = &self.params;
        let mut hits = if chars.len() > 20 {
            Vec::new()
        } else {
            self.trie().search(
                &chars,
                &self.channel,
                p.ocr_limit,
                p.ocr_margin,
                p.max_candidates,
            )
        };
        // the accented forms of the token read as ASCII are always candidates
        if let Some(ids) = self.fold_index.get(&fold(key)) {
            for &id in ids {
                if !hits.iter().any(|h| h.id == id) {
                    let word: Vec<char> = self.model.vocab[id as usize].chars().collect();
                    let cost = channel::word_cost(&word, &chars, &self.channel);
                    hits.push(Hit { id, cost });
                }
            }
        }
        if cache.len() > 200_000 {
            cache.clear();
        }
        cache.insert(key.to_string(), hits.clone());
        hits
    }

    fn ocr_options(
        &self,
        s: &str,
        kind: Kind,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        let case = case_of(s);
        let lower: String = s.to_lowercase().chars().map(ocr_char).collect();
        let mut hits = self.ocr_hits(&lower, cache);
        let own = self.fixed_word(s);
        // An upper-case token that no syllable folds to is most likely an abbreviation
        // (MTTQ, CMS, LĐB): only a cheap confusion (PANG → ĐẢNG) may replace it.
        let abbreviation_like = kind == Kind::Word
            && case == Case::Upper
            && s.chars().count() >= 2
            && !self.fold_index.contains_key(&fold(&lower));
        if abbreviation_like {
            hits.retain(|h| h.cost <= ABBREVIATION_EDIT_LIMIT);
        }
        // legacy OCR reads the `ỹ` of `kỹ` as `i` too: a syllable's `y` spelling is a candidate
        // at the cost of its `i` spelling, and the language model (the corpus's spelling) and
        // the document's own usage choose
        let mut extra: Vec<Hit> = Vec::new();
        for h in &hits {
            if let Some(&y) = self.y_spellings.get(&h.id)
                && !hits.iter().any(|o| o.id == y && o.cost <= h.cost)
            {
                extra.push(Hit {
                    id: y,
                    cost: h.cost,
                });
            }
        }
        if !extra.is_empty() {
            hits.retain(|o| !extra.iter().any(|e| e.id == o.id));
            hits.extend(extra);
            hits.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        }
        let mut opts: Vec<Opt> = hits
            .iter()
            .map(|h| {
                let reason = if h.id == own { "kept" } else { "ocr-confusion" };
                self.word_opt(h.id, case, h.cost, reason)
            })
            .collect();
        if !hits.iter().any(|h| h.id == own) || own == UNK {
            let keep = if abbreviation_like {
                ABBREVIATION_KEEP_COST
            } else if own == UNK {
                self.params.keep_cost
            } else {
                self.params.keep_cost * 0.5
            };
            let mut o = self.fixed(&[own]);
            o.cost = keep;
            opts.push(o);
        }
        if std::env::var_os("SOHOA_DEBUG").is_some() {
            let shown: Vec<String> = opts
                .iter()
                .map(|o| format!("{}:{:.2}", self.render(&o.text, s), o.cost))
                .collect();
            eprintln!("{s}: {}", shown.join(" "));
        }
        let chars: Vec<char> = lower.chars().collect();
        let best = hits.first().map_or(f32::INFINITY, |h| h.cost);
        // an apostrophe inside a token may end a syllable: `so'y` is `sở y`
        let apostrophe_at = |k: usize| APOSTROPHES.contains(&chars[k - 1]);
        let has_apostrophe = chars.iter().any(|c| APOSTROPHES.contains(c));
        if (kind == Kind::Word || has_apostrophe)
            && chars.len() >= 3
            && chars.len() <= 16
            && best > self.params.split_trigger
        {
            let mut splits: Vec<Opt> = Vec::new();
            for k in 1..chars.len() {
                if !(k >= 2 && chars.len() - k >= 2 || apostrophe_at(k)) {
                    continue;
                }
                let (l, r): (String, String) =
                    (chars[..k].iter().collect(), chars[k..].iter().collect());
                let (hl, hr) = (self.ocr_hits(&l, cache), self.ocr_hits(&r, cache));
                for a in hl.iter().take(3) {
                    for b in hr.iter().take(3) {
                        let cost = a.cost + b.cost + self.params.split_cost;
                        if cost < best + 4.0 {
                            let (ca, cb) = match case {
                                Case::Upper => (Case::Upper, Case::Upper),
                                Case::Title => (Case::Title, Case::Lower),
                                Case::Lower => (Case::Lower, Case::Lower),
                            };
                            let text = format!(
                                "{} {}",
                                apply_case(&self.model.vocab[a.id as usize], ca),
                                apply_case(&self.model.vocab[b.id as usize], cb)
                            );
                            splits.push(Opt {
                                words: [a.id, b.id],
                                n: 2,
                                text: OptText::Owned(text),
                                cost,
                                reason: "ocr-split",
                            });
                        }
                    }
                }
            }
            splits.sort_by(|a, b| a.cost.total_cmp(&b.cost));
            splits.truncate(4);
            opts.extend(splits);
        }
        opts
    }

    /// The candidate lattice of one line: its tokens, mode and one slot per non-space token.
    fn line_lattice(
        &self,
        line: &str,
        forced: Mode,
        read_ahead: Option<(Mode, usize)>,
        starts_sentence: bool,
        cache: &mut FxHashMap<String, Vec<Hit>>,
        session: &mut Session,
    ) -> LineLattice {
        let mut toks = tokenize(line);
        let mode = if forced == Mode::Auto {
            // a line read ahead was counted then
            let (mode, evidence) = match read_ahead {
                Some(known) => known,
                None => {
                    let known = self.detect_with_evidence(line, &toks);
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
        } else {
            forced
        };
        if mode == Mode::Ocr {
            attach_trailing_apostrophes(line, &mut toks);
        }
        let mut slots: Vec<Slot> = Vec::with_capacity(toks.len() + 1);
        if !starts_sentence {
            // the break before this line: a wrapped line goes on with the sentence, but a
            // heading or a signature line starts anew; the decoder weighs both
            let mut restart = self.fixed(&[EOS, BOS]);
            restart.cost = self.params.line_restart_cost;
            slots.push(Slot {
                tok: LINE_BREAK,
                options: vec![self.fixed(&[]), restart],
            });
        }
        let mut last_punct = starts_sentence;
        let specks = if mode == Mode::Ocr {
            scan_specks(line, &toks)
        } else {
            Vec::new()
        };
        for (ti, t) in toks.iter().enumerate() {
            let s = t.text(line);
            if specks.contains(&ti) {
                let mut gone = self.fixed(&[]);
                gone.text = OptText::Owned(String::new());
                gone.reason = "scan speck";
                slots.push(Slot {
                    tok: ti,
                    options: vec![gone],
                });
                continue;
            }
            let options = match t.kind {
                Kind::Space => continue,
                Kind::Number => vec![self.fixed(&[NUM])],
                Kind::Symbol | Kind::Mixed if let Some(at) = glued_number_end(s) => {
                    // a number run into the next word (`26/4/2025cua`, a footnote's `2gdm`):
                    // keep the number, read the word
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
                    let whole = if t.kind == Kind::Symbol {
                        vec![self.fixed(&[SYM])]
                    } else {
                        self.word_options(s, Kind::Mixed, mode, cache)
                    };
                    for o in opts.iter_mut() {
                        o.cost += GLUED_NUMBER_COST;
                    }
                    opts.extend(whole);
                    opts
                }
                Kind::Symbol => {
                    let mut o = self.fixed(&[SYM]);
                    if let Some(fixed) = self.fix_abbreviation(s) {
                        o.text = OptText::Owned(fixed);
                        o.reason = "abbreviation";
                    }
                    vec![o]
                }
                // read as the model was built: `Số: 08` as `số <num>`
                Kind::Punct if is_label_colon(line, &toks, ti) => vec![self.fixed(&[])],
                Kind::Punct => {
                    if ends_sentence(s) {
                        vec![self.fixed(&[EOS, BOS])]
                    } else if last_punct {
                        vec![self.fixed(&[])]
                    } else {
                        vec![self.fixed(&[PUNCT])]
                    }
                }
                Kind::Word | Kind::Mixed => {
                    if t.kind == Kind::Word && case_of(s) == Case::Upper {
                        if let Some(fixed) = self.fix_abbreviation(s) {
                            let mut o = self.fixed(&[self.fixed_word(s)]);
                            o.text = OptText::Owned(fixed);
                            o.reason = "abbreviation";
                            slots.push(Slot {
                                tok: ti,
                                options: vec![o],
                            });
                            last_punct = false;
                            continue;
                        }
                    }
                    match (t.kind, self.footnote_split(s)) {
                        (Kind::Mixed, Some(at)) => {
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
                        _ => {
                            let mut opts = self.word_options(s, t.kind, mode, cache);
                            if labels_document_number(line, &toks, ti) {
                                self.keep_number_label(&mut opts);
                            }
                            opts
                        }
                    }
                }
            };
            last_punct = t.kind == Kind::Punct;
            slots.push(Slot { tok: ti, options });
        }
        if mode != Mode::Clean && !self.name_pairs.is_empty() {
            self.favour_place_names(line, &toks, &mut slots, session);
        }
        LineLattice { toks, mode, slots }
    }

    /// Before a document's number and symbol, a word that can be `số` is `số` (`So 08-CT/TU`,
    /// `S6: 12/2025/NĐ-CP`): the header template of every document, and the only word the
    /// corpus writes there but for typos (`sổ 88/2012/NĐ-CP`).
    fn keep_number_label(&self, opts: &mut Vec<Opt>) {
        let Some(so) = self.model.id("số") else {
            return;
        };
        if opts.iter().any(|o| o.words() == [so]) {
            opts.retain(|o| o.words() == [so]);
            for o in opts.iter_mut() {
                o.cost = 0.0;
                o.reason = "document number";
            }
        }
    }

    /// Decodes a line's lattice (with `lookahead` slots of the next line scored but not
    /// written) and appends the chosen text to `out`.
    #[allow(clippy::too_many_arguments)]
    fn write_line(
        &self,
        line: &str,
        lineno: usize,
        lattice: &LineLattice,
        lookahead: &[Slot],
        ctx: &mut (u32, u32),
        detail: Detail,
        session: &mut Session,
        out: &mut Restored,
    ) {
        let LineLattice { toks, mode, slots } = lattice;
        let mode = *mode;
        let choice = self.viterbi(slots, lookahead, ctx, detail != Detail::Text, session);
        let (mut before, mut before2) = (None, None);
        for (slot, (k, _, _)) in slots.iter().zip(&choice) {
            if slot.tok == LINE_BREAK {
                continue;
            }
            match slot.options[*k].words() {
                &[w] if w >= FIRST_WORD => {
                    if let (Some(u), Some(b)) = (before2, before)
                        && self.unit_words.contains(&u)
                        && self.name_pairs.contains_key(&pair_key(b, w))
                    {
                        session.units.insert(u);
                    }
                    let lw = self.letters_of[w as usize];
                    *session.words.entry(w).or_default() += 1.0;
                    *session.letters.entry(lw).or_default() += 1.0;
                    if let Some(b) = before {
                        let lb = self.letters_of[b as usize];
                        count_pair(&mut session.pairs, pair_key(b, w));
                        count_pair(&mut session.letter_pairs, pair_key(lb, lw));
                        if let Some(&p) = self.province_pairs.get(&pair_key(b, w)) {
                            session.provinces.insert(p);
                        }
                    }
                    (before2, before) = (before, Some(w));
                }
                _ => (before2, before) = (None, None),
            }
        }
        // write the line (the line-break slot has no token)
        let mut si = slots.iter().take_while(|s| s.tok == LINE_BREAK).count();
        for (ti, t) in toks.iter().enumerate() {
            let s = t.text(line);
            if si < slots.len() && slots[si].tok == ti {
                let slot = &slots[si];
                let (k, conf, alts) = &choice[si];
                let opt = &slot.options[*k];
                let text = self.render(&opt.text, s);
                out.text.push_str(&text);
                let changed = text != s;
                if (changed && detail != Detail::Text)
                    || (detail == Detail::All && slot.options.len() > 1)
                {
                    out.tokens.push(TokenChange {
                        line: lineno,
                        input: s.to_string(),
                        output: text.into_owned(),
                        confidence: *conf,
                        alternatives: alts
                            .iter()
                            .map(|&a| self.render(&slot.options[a].text, s).into_owned())
                            .collect(),
                        reason: if changed { opt.reason } else { "kept" },
                        mode,
                    });
                }
                si += 1;
            } else {
                out.text.push_str(s);
            }
        }
    }

    /// The text of a candidate of `token`.
    fn render<'a>(&'a self, text: &'a OptText, token: &'a str) -> std::borrow::Cow<'a, str> {
        match text {
            OptText::Kept => token.into(),
            OptText::Word(id, Case::Lower) => self.model.vocab[*id as usize].as_str().into(),
            OptText::Word(id, case) => apply_case(&self.model.vocab[*id as usize], *case).into(),
            OptText::Owned(s) => s.as_str().into(),
        }
    }

    fn step(&self, ctx: (u32, u32), words: &[u32]) -> (f32, (u32, u32)) {
        let (mut a, mut b) = ctx;
        let mut s = 0.0;
        for &w in words {
            if w != BOS {
                s += self.model.logp3(a, b, w);
            }
            a = b;
            b = w;
        }
        (s * LN10 * self.params.lm_weight, (a, b))
    }

    /// Best option per slot, with its confidence and up to three alternatives.
    ///
    /// The search is over trigram contexts: a state is the last two words of a path (the
    /// only thing the next step's score depends on), so paths that end in the same option
    /// but differ in the word before it are kept apart. States below the best by more than
    /// the beam, and beyond `max_states` per slot, are dropped.
    fn viterbi(
        &self,
        own: &[Slot],
        lookahead: &[Slot],
        ctx: &mut (u32, u32),
        confidence: bool,
        session: &Session,
    ) -> Vec<(usize, f32, Vec<usize>)> {
        if own.is_empty() {
            return Vec::new();
        }
        let slots: Vec<&Slot> = own.iter().chain(lookahead).collect();
        let mut layers: Vec<Vec<State>> = Vec::with_capacity(slots.len());
        let start = [State {
            score: 0.0,
            ctx: *ctx,
            back: 0,
            opt: 0,
        }];
        let scale = LN10 * self.params.lm_weight;
        // per slot: the previous states' contexts, and the distinct last words among them
        // (states that end in the same word share the bigram level of every lookup, and the
        // state a one-word option leads to)
        let mut contexts = Vec::new();
        let mut last_words: Vec<u32> = Vec::new();
        let mut last_of: Vec<usize> = Vec::new();
        let mut bigram_level: Vec<f32> = Vec::new();
        let mut pair_level: Vec<f32> = Vec::new();
        let mut letter_row: Vec<f32> = Vec::new();
        let mut first_with: Vec<usize> = Vec::new();
        let mut target: Vec<usize> = Vec::new();
        for (si, slot) in slots.iter().enumerate() {
            let prev: &[State] = if si == 0 { &start } else { &layers[si - 1] };
            let mut cur: Vec<State> = Vec::with_capacity(prev.len() * slot.options.len());
            contexts.clear();
            contexts.extend(prev.iter().map(|p| self.model.context(p.ctx.0, p.ctx.1)));
            last_words.clear();
            last_of.clear();
            first_with.clear();
            for (pi, p) in prev.iter().enumerate() {
                let k = match last_words.iter().position(|&b| b == p.ctx.1) {
                    Some(k) => k,
                    None => {
                        last_words.push(p.ctx.1);
                        // the first state with this last word: its context gives the bigram row
                        first_with.push(pi);
                        last_words.len() - 1
                    }
                };
                last_of.push(k);
            }
            let mut row_letters: Option<u32> = None;
            for (oi, opt) in slot.options.iter().enumerate() {
                let block = cur.len();
                if let &[w] = opt.words()
                    && w != BOS
                {
                    // one word: scored against the contexts looked up once per state
                    bigram_level.clear();
                    bigram_level.extend(
                        first_with
                            .iter()
                            .map(|&pi| self.model.bigram_in(&contexts[pi], w)),
                    );
                    target.clear();
                    target.resize(last_words.len(), usize::MAX);
                    let cost = opt.cost + self.document_cost(session, w);
                    pair_level.clear();
                    // a pair can only have been written if its second word's letters were; the
                    // letter pairs' counts are shared by options with the same letters (all
                    // of an ASCII slot's)
                    if w >= FIRST_WORD && session.letters.contains_key(&self.letters_of[w as usize])
                    {
                        let lw = self.letters_of[w as usize];
                        if row_letters != Some(lw) {
                            row_letters = Some(lw);
                            letter_row.clear();
                            letter_row.extend(last_words.iter().map(|&b| {
                                if b < FIRST_WORD {
                                    return 0.0;
                                }
                                let key = pair_key(self.letters_of[b as usize], lw);
                                session.letter_pairs.get(&key).copied().unwrap_or(0.0)
                            }));
                        }
                        pair_level.extend(last_words.iter().zip(&letter_row).map(|(&b, &any)| {
                            if any == 0.0 {
                                return 0.0;
                            }
                            let own = session.pairs.get(&pair_key(b, w)).copied();
                            self.usage_cost(
                                own.unwrap_or(0.0),
                                any,
                                self.params.document_pair_weight,
                            )
                        }));
                    } else {
                        pair_level.resize(last_words.len(), 0.0);
                    }
                    for (pi, p) in prev.iter().enumerate() {
                        let ctx = &contexts[pi];
                        let k = last_of[pi];
                        let lp = match self.model.trigram_in(ctx, w) {
                            Some(lp) => lp,
                            None => ctx.trigram_backoff() + bigram_level[k],
                        };
                        let sc = p.score + lp * scale - cost - pair_level[k];
                        match target[k] {
                            usize::MAX => {
                                target[k] = cur.len();
                                cur.push(State {
                                    score: sc,
                                    ctx: (p.ctx.1, w),
                                    back: pi as u16,
                                    opt: oi as u16,
                                });
                            }
                            t if cur[t].score < sc => {
                                cur[t].score = sc;
                                cur[t].back = pi as u16;
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                for (pi, p) in prev.iter().enumerate() {
                    let (lm, c) = self.step(p.ctx, opt.words());
                    let sc = p.score + lm - opt.cost;
                    match cur[block..].iter_mut().find(|s| s.ctx == c) {
                        Some(s) if s.score >= sc => {}
                        Some(s) => {
                            s.score = sc;
                            s.back = pi as u16;
                        }
                        None => cur.push(State {
                            score: sc,
                            ctx: c,
                            back: pi as u16,
                            opt: oi as u16,
                        }),
                    }
                }
            }
            // best first; ties in a fixed order, so that selection and sorting agree
            let order = |a: &State, b: &State| {
                b.score
                    .total_cmp(&a.score)
                    .then(a.opt.cmp(&b.opt))
                    .then(a.back.cmp(&b.back))
            };
            let max_states = self.params.max_states.max(1);
            if cur.len() > max_states {
                cur.select_nth_unstable_by(max_states - 1, order);
                cur.truncate(max_states);
            }
            cur.sort_unstable_by(order);
            let best = cur.first().map_or(f32::NEG_INFINITY, |s| s.score);
            let keep = cur
                .iter()
                .take_while(|s| s.score >= best - self.params.beam)
                .count()
                .max(1);
            cur.truncate(keep);
            layers.push(cur);
        }
        if std::env::var_os("SOHOA_DEBUG").is_some() {
            for (si, l) in layers.iter().enumerate() {
                let shown: Vec<String> = l
                    .iter()
                    .map(|s| {
                        let o = &slots[si].options[s.opt as usize];
                        format!("{:?}={:.1}<{}", o.text, s.score, s.back)
                    })
                    .collect();
                eprintln!("layer {si}: {}", shown.join(" "));
            }
        }
        // back-trace from the best final state (layers are sorted, best first)
        let mut path = vec![0usize; slots.len()];
        let mut k = 0usize;
        for i in (0..slots.len()).rev() {
            path[i] = k;
            k = layers[i][k].back as usize;
        }
        let picks: Vec<usize> = (0..slots.len())
            .map(|i| layers[i][path[i]].opt as usize)
            .collect();
        // the context carried into the next line is the one after this line's last choice
        let own_last = own.len() - 1;
        *ctx = layers[own_last][path[own_last]].ctx;
        // confidence: each option's best forward score plus the step into the chosen next option
        let mut result = Vec::with_capacity(own.len());
        for i in 0..own.len() {
            let n = slots[i].options.len();
            if n == 1 || !confidence {
                result.push((picks[i], 1.0, Vec::new()));
                continue;
            }
            let mut by_opt = vec![f32::NEG_INFINITY; n];
            for s in &layers[i] {
                let next = if i + 1 < slots.len() {
                    let o = &slots[i + 1].options[picks[i + 1]];
                    self.step(s.ctx, o.words()).0 - o.cost
                } else {
                    0.0
                };
                let v = s.score + next;
                let slot = &mut by_opt[s.opt as usize];
                if v > *slot {
                    *slot = v;
                }
            }
            let mut scored: Vec<(usize, f32)> = by_opt
                .into_iter()
                .enumerate()
                .filter(|(_, v)| *v > f32::NEG_INFINITY)
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1));
            let chosen = scored
                .iter()
                .find(|(j, _)| *j == picks[i])
                .map_or(0.0, |x| x.1);
            let second = scored.iter().find(|(j, _)| *j != picks[i]).map(|x| x.1);
            let conf = match second {
                Some(s2) => 1.0 / (1.0 + (-(chosen - s2)).exp()),
                None => 1.0,
            };
            let alts: Vec<usize> = scored
                .iter()
                .filter(|(j, _)| *j != picks[i])
                .take(3)
                .map(|x| x.0)
                .collect();
            result.push((picks[i], conf, alts));
        }
        result
    }
}

fn source_text(e: &crate::lm::Error) -> String {
    match e {
        crate::lm::Error::Io(_, io) => io.to_string(),
        crate::lm::Error::Corrupt(_, why) => why.clone(),
        crate::lm::Error::Usage(why) => why.clone(),
    }
}

/// The model folder [`Repairer::load_default`] would load, if any.
pub fn default_model_dir() -> Option<PathBuf> {
    default_dirs()
        .into_iter()
        .find(|dir| dir.join(MODEL_FILE).exists())
}

/// A short fingerprint of a model folder's files (names, sizes and contents), so outputs made
/// with another model can be recognised and redone.
pub fn model_fingerprint(dir: &Path) -> std::io::Result<String> {
    use std::hash::Hasher;
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let mut hasher = rustc_hash::FxHasher::default();
    for path in names {
        let bytes = std::fs::read(&path)?;
        hasher.write(
            path.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

fn default_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("SOHOA_MODEL") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries"));
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            dirs.push(dir.join("dictionaries"));
        }
    }
    dirs.push(PathBuf::from("dictionaries"));
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_into_pieces_after_white_space() {
        let long = "từ ".repeat(MAX_PIECE / 2);
        let text = format!("a\n\n{long}x\nb");
        let pieces: Vec<(usize, &str, bool)> = line_pieces(&text).collect();
        assert_eq!(pieces[0], (0, "a", false));
        assert_eq!(pieces[1], (1, "", false));
        assert!(pieces[2..pieces.len() - 1].iter().all(|p| p.0 == 2
            && p.1.len() <= MAX_PIECE
            && (p.2 || p.1.ends_with(' ') || p.1.ends_with('x'))));
        assert!(pieces[3].2 && !pieces[2].2);
        assert_eq!(pieces.last(), Some(&(3, "b", false)));
        let line2: String = pieces.iter().filter(|p| p.0 == 2).map(|p| p.1).collect();
        assert_eq!(line2, format!("{long}x"));
        // no white space at all: cut at a character boundary
        let solid = "đ".repeat(MAX_PIECE);
        assert!(line_pieces(&solid).all(|p| p.1.len() <= MAX_PIECE && !p.1.is_empty()));
    }

    #[test]
    fn scan_specks_at_the_ends_of_a_line() {
        let kept = |line: &str| -> String {
            let toks = tokenize(line);
            let drop = scan_specks(line, &toks);
            toks.iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, t)| t.text(line))
                .collect()
        };
        assert_eq!(kept("bao gom: :"), "bao gom:");
        assert_eq!(kept("5 YEU CAU SAU: : :"), "5 YEU CAU SAU:");
        assert_eq!(kept("Noi nhan :"), "Noi nhan:");
        assert_eq!(kept("; THANH PHO"), "THANH PHO");
        assert_eq!(kept(". c) Phuong thuc ~"), "c) Phuong thuc");
        // bullets, blanks to fill in, a line of punctuation only: kept
        assert_eq!(kept("- Cac ban"), "- Cac ban");
        assert_eq!(kept("ngay ..... thang ....."), "ngay ..... thang .....");
        assert_eq!(kept("giai doan 2021 -"), "giai doan 2021 -");
        assert_eq!(kept("so ."), "so .");
        assert_eq!(kept(": :"), ": :");
    }

    #[test]
    fn i_and_y_spellings_of_one_syllable() {
        assert_eq!(y_spelling("kĩ").as_deref(), Some("kỹ"));
        assert_eq!(y_spelling("lí").as_deref(), Some("lý"));
        assert_eq!(y_spelling("quí").as_deref(), Some("quý"));
        assert_eq!(y_spelling("tui"), None);
        assert_eq!(y_spelling("i"), None);
        assert_eq!(i_for_final_y("ky".into()), "ki");
        assert_eq!(i_for_final_y("quy".into()), "qui");
        assert_eq!(i_for_final_y("tuy".into()), "tuy");
        assert_eq!(i_for_final_y("y".into()), "y");
    }

    #[test]
    fn a_number_run_into_a_word_is_found() {
        assert_eq!(glued_number_end("26/4/2025cua"), Some(9));
        assert_eq!(glued_number_end("2gdm"), Some(1));
        for not in ["QH15", "10h30", "2a", "30/2020/NĐ", "2025", "abc"] {
            assert_eq!(glued_number_end(not), None, "{not}");
        }
    }

    #[test]
    fn a_session_stops_learning_new_pairs_at_its_cap() {
        let mut pairs = FxHashMap::default();
        for k in 0..SESSION_MAX_PAIRS as u64 {
            count_pair(&mut pairs, k);
        }
        count_pair(&mut pairs, u64::MAX);
        assert_eq!(pairs.len(), SESSION_MAX_PAIRS);
        assert!(!pairs.contains_key(&u64::MAX));
        // a known pair still counts
        count_pair(&mut pairs, 7);
        assert_eq!(pairs[&7], 2.0);
    }
}
