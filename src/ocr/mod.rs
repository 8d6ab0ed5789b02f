//! OCR: Tesseract (Debian's libtesseract, language `vie` by default) on page images.
//!
//! One engine is kept per worker thread and reused for every page that thread takes, because
//! initialising Tesseract costs far more than recognising a small page. Tesseract's own OpenMP
//! threads must be off (`OMP_THREAD_LIMIT=1` in the environment at exec time, which the `sohoa`
//! binary arranges) so that the page pool, not OpenMP, uses the cores.
//!
//! ```no_run
//! use sohoa::ocr::{OcrOptions, recognize};
//! let image = image::open("page.png").unwrap().to_luma8();
//! let page = recognize(&image, 300, &OcrOptions::default())?;
//! println!("{} words, text:\n{}", page.words.len(), page.text);
//! # Ok::<(), sohoa::ocr::Error>(())
//! ```

pub mod command;
mod engine;
pub mod layout;
pub mod list_numbers;
pub mod marks;
pub mod reading;
pub mod split_lines;

use crate::ingest::{Alternative, ImageOrigin, PageContent, SourcePage, Word};
pub use engine::Segmentation;
use engine::{Detail, Engine, EngineError, Recognized, WordChoices};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::time::Duration;
use unicode_normalization::UnicodeNormalization;

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// Tesseract OCR of the page image.
    Ocr,
    /// The PDF's own text layer (no OCR).
    TextLayer,
}

/// One page of text with its words, as later stages and the JSON output see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Where the text came from.
    pub source: TextSource,
    /// Page width in pixels (300 dpi for PDF pages).
    pub width: u32,
    /// Page height in pixels.
    pub height: u32,
    /// The page text, NFC, lines separated by `\n`.
    pub text: String,
    /// Words with boxes and confidences, in reading order.
    pub words: Vec<Word>,
    /// Mean word confidence (0–100), when OCR'd.
    pub mean_confidence: Option<f32>,
    /// How the OCR'd image was obtained (stored image, rendering or image file) and at what
    /// resolution; `None` for a text layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageOrigin>,
    /// For a PDF page with a text layer: its kind, how the repair model judged it and which
    /// reading the text came from ([`reading`]); `None` when no layer was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_layer: Option<crate::ingest::text_layer::TextLayerInfo>,
}

/// OCR settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrOptions {
    /// Tesseract language(s), e.g. `vie` or `vie+eng`.
    pub lang: String,
    /// Folder holding `*.traineddata`; `None` uses Tesseract's default (`TESSDATA_PREFIX`).
    pub datapath: Option<String>,
    /// Give up on a page after this long (the page is reported, the document kept).
    pub timeout: Option<Duration>,
    /// How Tesseract turns the grey page into black and white.
    pub threshold: Threshold,
    /// Collect each word's alternative readings (`lstm_choice_mode=2`) for scan repair. Off by
    /// default: it costs about 12 % more OCR time for about 0.1 point of accuracy on the dev
    /// scans (README, "The recogniser's alternatives").
    pub alternatives: bool,
}

/// Tesseract 5's binarisation methods (its `thresholding_method` parameter).
///
/// Sauvola's local threshold (window a third of the text size, k = 0.5, the value of Sauvola's
/// paper) is the default: on the poor dev scan it read 96.4 % of syllables against Otsu's 94.0 %,
/// and on noisy pages Otsu's single global threshold can lose a whole page to the speckle
/// (README, "Page clean-up").
///
/// ```
/// use sohoa::ocr::Threshold;
/// assert_eq!("sauvola".parse::<Threshold>(), Ok(Threshold::Sauvola));
/// assert_eq!(Threshold::default(), Threshold::Sauvola);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Threshold {
    /// Tesseract's own global Otsu threshold (its default).
    Otsu,
    /// Leptonica's tiled Otsu.
    LeptonicaOtsu,
    /// Sauvola's adaptive threshold with k = 0.5.
    #[default]
    Sauvola,
}

impl Threshold {
    /// The Tesseract parameters that select this method.
    fn tesseract_variables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Threshold::Otsu => &[("thresholding_method", "0")],
            Threshold::LeptonicaOtsu => &[("thresholding_method", "1")],
            Threshold::Sauvola => &[
                ("thresholding_method", "2"),
                ("thresholding_kfactor", "0.5"),
            ],
        }
    }
}

impl std::str::FromStr for Threshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "otsu" => Ok(Threshold::Otsu),
            "leptonica-otsu" => Ok(Threshold::LeptonicaOtsu),
            "sauvola" => Ok(Threshold::Sauvola),
            other => Err(format!(
                "unknown threshold method '{other}' (otsu, leptonica-otsu, sauvola)"
            )),
        }
    }
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            lang: "vie".into(),
            datapath: None,
            timeout: Some(DEFAULT_PAGE_TIMEOUT),
            threshold: Threshold::default(),
            alternatives: false,
        }
    }
}

/// Default per-page OCR time limit: a dense 300-dpi A4 page takes 2–10 s on one core.
pub const DEFAULT_PAGE_TIMEOUT: Duration = Duration::from_secs(120);

/// Why OCR failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Tesseract could not start with the language asked for.
    #[error(
        "Tesseract cannot load language '{lang}': install its data (Debian: apt-get install tesseract-ocr-{lang}, or `make setup`) or set TESSDATA_PREFIX"
    )]
    Init {
        /// The language asked for.
        lang: String,
    },
    /// The page took longer than the time limit.
    #[error("OCR gave up after {0:?} (the page time limit)")]
    TimedOut(Duration),
    /// Tesseract failed on the page.
    #[error("Tesseract failed: {0}")]
    Recognize(String),
}

/// A worker's engine with the (language, data path, threshold) it was started with.
type CachedEngine = ((String, Option<String>, Threshold), Engine);

thread_local! {
    static ENGINE: RefCell<Option<CachedEngine>> = const { RefCell::new(None) };
}

/// Checks that Tesseract starts with the options' language, so a missing language is reported
/// once instead of once per page.
pub fn check(options: &OcrOptions) -> Result<(), Error> {
    start_engine(options).map(drop)
}

fn start_engine(options: &OcrOptions) -> Result<Engine, Error> {
    let engine =
        Engine::new(options.datapath.as_deref(), &options.lang).map_err(|_| Error::Init {
            lang: options.lang.clone(),
        })?;
    for (name, value) in options.threshold.tesseract_variables() {
        set_variable(&engine, name, value)?;
    }
    Ok(engine)
}

fn set_variable(engine: &Engine, name: &str, value: &str) -> Result<(), Error> {
    engine
        .set_variable(name, value)
        .map_err(|_| Error::Recognize(format!("Tesseract refused {name}={value}")))
}

/// Runs the worker's engine (started with `options` if it was not) on `image`, as one block
/// segmented as `segmentation` says.
fn run_engine(
    image: &image::GrayImage,
    dpi: u32,
    options: &OcrOptions,
    segmentation: Segmentation,
) -> Result<Recognized, Error> {
    let key = (
        options.lang.clone(),
        options.datapath.clone(),
        options.threshold,
    );
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(k, _)| *k != key) {
            *slot = Some((key, start_engine(options)?));
        }
        let Some((_, engine)) = slot.as_mut() else {
            return Err(Error::Recognize("no engine".into()));
        };
        engine.set_segmentation(segmentation);
        // per page: a PDF's re-read pages ask for the choices, its other pages may not
        let choices = if options.alternatives { "2" } else { "0" };
        set_variable(engine, "lstm_choice_mode", choices)?;
        // a page's words get their alternatives (when asked for), a block's its symbols' boxes
        let detail = match segmentation {
            Segmentation::Page if options.alternatives => Detail::Choices,
            Segmentation::Page => Detail::Text,
            Segmentation::Block | Segmentation::Line => Detail::Symbols,
        };
        let result = engine
            .recognize(image, dpi, options.timeout, detail)
            .map_err(|err| match err {
                EngineError::TimedOut(limit) => Error::TimedOut(limit),
                other => Error::Recognize(format!("{other:?}")),
            });
        engine.set_segmentation(Segmentation::Page);
        result
    })
}

/// Recognises one block of text (a table cell cut out of a page, at the page's resolution)
/// with a single-block page segmentation, so text never runs across cells; lines are joined
/// with a space.
pub fn recognize_block(
    image: &image::GrayImage,
    dpi: u32,
    options: &OcrOptions,
) -> Result<String, Error> {
    recognize_block_scored(image, dpi, options, Segmentation::Block)
        .map(|b| b.text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// One block read by [`recognize_block_scored`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlockReading {
    /// The text, one line per line read (spaces squashed, no empty line), NFC.
    pub text: String,
    /// Mean word confidence (0–100; 0 for no word).
    pub confidence: f32,
    /// The words, with boxes in the block image's pixels; `line` counts the lines of `text`.
    pub words: Vec<Word>,
    /// Each word's symbols (same order as `words`; empty for a word whose symbols could not
    /// be matched to it).
    pub symbols: Vec<Vec<SymbolBox>>,
}

/// One symbol as Tesseract read it, with its box and confidence.
///
/// ```
/// use sohoa::ocr::SymbolBox;
/// let dot = SymbolBox { text: ".".into(), confidence: 41.0, bbox: [10, 30, 13, 33] };
/// assert_eq!(dot.height(), 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolBox {
    /// The symbol (UTF-8; a letter with its marks is one symbol).
    pub text: String,
    /// Recognition confidence, 0–100.
    pub confidence: f32,
    /// Left, top, right, bottom in the pixels of the image read.
    pub bbox: [i32; 4],
}

impl SymbolBox {
    /// Width in pixels.
    pub fn width(&self) -> i32 {
        self.bbox[2] - self.bbox[0]
    }
    /// Height in pixels.
    pub fn height(&self) -> i32 {
        self.bbox[3] - self.bbox[1]
    }
}

/// The words with their marks judged by size ([`marks::mend_word`]): specks dropped, a
/// one-dot colon in a number a dot, a long dash an en dash, a spaced dash set apart. `None`
/// when nothing changed (or too few letters to judge by).
fn mended_marks(
    words: &[Word],
    symbols: &[Vec<SymbolBox>],
) -> Option<(Vec<Word>, Vec<Vec<SymbolBox>>)> {
    let height = marks::letter_height(symbols.iter().flatten())?;
    let mut changed = false;
    let mut out_words = Vec::with_capacity(words.len());
    let mut out_symbols = Vec::with_capacity(words.len());
    for (word, syms) in words.iter().zip(symbols) {
        if syms.is_empty() {
            out_words.push(word.clone());
            out_symbols.push(Vec::new());
            continue;
        }
        let parts = marks::mend_word(syms, height);
        if parts.len() == 1 && parts[0].0 == word.text {
            out_words.push(word.clone());
            out_symbols.push(syms.clone());
            continue;
        }
        changed = true;
        for (text, [x0, y0, x1, y1]) in parts {
            out_words.push(Word {
                text: text.nfc().collect(),
                bbox: [x0, y0, x1 - x0, y1 - y0].map(|v| v.max(0) as u32),
                ..word.clone()
            });
            // the part's own symbols are no longer known one by one
            out_symbols.push(Vec::new());
        }
    }
    changed.then_some((out_words, out_symbols))
}

/// Words joined into text: a space between the words of a line, a newline between lines.
fn text_of_lines(words: &[Word]) -> String {
    let mut text = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            text.push(if words[i - 1].line == w.line {
                ' '
            } else {
                '\n'
            });
        }
        text.push_str(&w.text);
    }
    text
}

/// The symbols of each word, matched to the TSV's words in order by their text (a word
/// whose symbols do not spell it gets none).
fn symbols_of_words(words: &[Word], symbols: Vec<Vec<SymbolBox>>) -> Vec<Vec<SymbolBox>> {
    let spelled: Vec<String> = symbols
        .iter()
        .map(|g| {
            g.iter()
                .map(|s| s.text.as_str())
                .collect::<String>()
                .nfc()
                .collect()
        })
        .collect();
    let mut groups: Vec<Option<Vec<SymbolBox>>> = symbols.into_iter().map(Some).collect();
    groups_of_words(words, &spelled)
        .into_iter()
        .map(|g| g.and_then(|g| groups[g].take()).unwrap_or_default())
        .collect()
}

/// Like [`recognize_block`], segmented as `segmentation` says (`Line` for a one-line cell),
/// with the mean word confidence, to weigh this reading against another of the same text,
/// and the words with their boxes, to align it with another word by word. The text keeps its
/// lines, so a caller joins them as it joins the page's lines (a line broken after a hyphen:
/// `NQ-` / `CP`).
///
/// ```no_run
/// use sohoa::ocr::{OcrOptions, Segmentation, recognize_block_scored};
/// let cell = image::open("cell.png").unwrap().to_luma8();
/// let read = recognize_block_scored(&cell, 300, &OcrOptions::default(), Segmentation::Block)?;
/// println!("{} ({} words, {:.0})", read.text, read.words.len(), read.confidence);
/// # Ok::<(), sohoa::ocr::Error>(())
/// ```
pub fn recognize_block_scored(
    image: &image::GrayImage,
    dpi: u32,
    options: &OcrOptions,
    segmentation: Segmentation,
) -> Result<BlockReading, Error> {
    let Recognized {
        text, tsv, symbols, ..
    } = run_engine(image, dpi, options, segmentation)?;
    let words = parse_tsv(&tsv);
    let symbols = symbols_of_words(&words, symbols);
    let (words, symbols, text) = match mended_marks(&words, &symbols) {
        Some((words, symbols)) => {
            let text = text_of_lines(&words);
            (words, symbols, text)
        }
        None => (words, symbols, text),
    };
    let confidence = if words.is_empty() {
        0.0
    } else {
        words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
    };
    let text = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(BlockReading {
        text: text.nfc().collect(),
        confidence,
        words,
        symbols,
    })
}

/// Recognises a grey-scale page image and returns its text and words.
pub fn recognize(image: &image::GrayImage, dpi: u32, options: &OcrOptions) -> Result<Page, Error> {
    let (width, height) = image.dimensions();
    let Recognized {
        text, tsv, choices, ..
    } = run_engine(image, dpi, options, Segmentation::Page)?;
    let mut words = parse_tsv(&tsv);
    attach_alternatives(&mut words, &choices);
    let mut text = tidy_text(&text);
    if let Some((joined, joined_text)) = split_lines::join_split_lines(&words, &text) {
        words = joined;
        text = joined_text;
    }
    list_numbers::fill_list_numbers(&mut words, &mut text);
    if let Some((ordered, ordered_text)) = layout::columns(&words, width) {
        words = ordered;
        text = ordered_text;
    }
    let mean_confidence = (!words.is_empty())
        .then(|| words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32);
    Ok(Page {
        number: 0,
        source: TextSource::Ocr,
        width,
        height,
        text,
        words,
        mean_confidence,
        image: None,
        text_layer: None,
    })
}

/// Turns a [`SourcePage`] into a [`Page`]: OCR for images, the text layer as it is otherwise.
pub fn page_text(page: SourcePage, options: &OcrOptions) -> Result<Page, Error> {
    match page.content {
        PageContent::TextLayer {
            text,
            words,
            width,
            height,
            ..
        } => Ok(Page {
            number: page.number,
            source: TextSource::TextLayer,
            width,
            height,
            text,
            words,
            mean_confidence: None,
            image: None,
            text_layer: None,
        }),
        PageContent::Image { image, dpi, origin } => {
            let mut result = recognize(&image, dpi, options)?;
            result.number = page.number;
            result.image = Some(origin);
            Ok(result)
        }
    }
}

/// Most alternatives kept per word, and the most they may cost (nats): beyond that the
/// recogniser did not really consider them.
const MAX_ALTERNATIVES: usize = 6;
const MAX_ALTERNATIVE_COST: f32 = 6.0;

/// Gives each TSV word the readings its symbols' choices allow: one letter changed at a time
/// (`chuyến` → `chuyển` when the LSTM gave `ể` some weight), cheapest first. Words and choices
/// are matched in order by their text; a word without a match gets none.
fn attach_alternatives(words: &mut [Word], choices: &[WordChoices]) {
    let spelled: Vec<String> = choices.iter().map(best_reading).collect();
    let groups = groups_of_words(words, &spelled);
    for (word, group) in words.iter_mut().zip(groups) {
        if let Some(g) = group {
            word.alternatives = alternatives(&choices[g]);
        }
    }
}

/// For each TSV word, the index of the result iterator's word group (given by its spelling)
/// that reads it: the two are matched in order by their text, looking a few groups ahead, as
/// the iterator may hold words the TSV does not; `None` for a word without a match.
fn groups_of_words(words: &[Word], spelled: &[String]) -> Vec<Option<usize>> {
    let mut next = 0;
    words
        .iter()
        .map(|word| {
            let offset = spelled[next.min(spelled.len())..]
                .iter()
                .take(4)
                .position(|s| *s == word.text)?;
            next += offset + 1;
            Some(next - 1)
        })
        .collect()
}

fn best_reading(symbols: &WordChoices) -> String {
    symbols
        .iter()
        .filter_map(|c| c.first().map(|(t, _)| t.as_str()))
        .collect::<String>()
        .nfc()
        .collect()
}

/// One-symbol changes of a word, letters only, with their cost in nats.
fn alternatives(symbols: &WordChoices) -> Vec<Alternative> {
    let mut out: Vec<Alternative> = Vec::new();
    for (i, choices) in symbols.iter().enumerate() {
        let Some((best, best_conf)) = choices.first() else {
            continue;
        };
        if !best.chars().all(char::is_alphabetic) || *best_conf <= 0.0 {
            continue;
        }
        for (alt, conf) in &choices[1..] {
            if *conf <= 0.0 || alt == best || !alt.chars().all(char::is_alphabetic) {
                continue;
            }
            let cost = (best_conf / conf).ln().max(0.0);
            if cost > MAX_ALTERNATIVE_COST {
                continue;
            }
            let text: String = symbols
                .iter()
                .enumerate()
                .filter_map(|(k, c)| {
                    if k == i {
                        Some(alt.as_str())
                    } else {
                        c.first().map(|(t, _)| t.as_str())
                    }
                })
                .collect::<String>()
                .nfc()
                .collect();
            match out.iter_mut().find(|a| a.text == text) {
                Some(a) => a.cost = a.cost.min(cost),
                None => out.push(Alternative { text, cost }),
            }
        }
    }
    out.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    out.truncate(MAX_ALTERNATIVES);
    out
}

/// NFC, and no trailing blank lines (Tesseract ends every page with an empty line).
fn tidy_text(text: &str) -> String {
    let text: String = text.nfc().collect();
    text.trim_end_matches(['\n', ' ']).to_string()
}

/// Parses Tesseract's TSV output into words (level 5 rows) numbered by line in reading order.
///
/// Columns: level, page_num, block_num, par_num, line_num, word_num, left, top, width, height,
/// conf, text.
fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut last_line_key = None;
    let mut line = 0u32;
    for row in tsv.lines() {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let text = cols[11].trim();
        if text.is_empty() {
            continue;
        }
        let num = |i: usize| cols[i].parse::<i64>().unwrap_or(0).max(0) as u32;
        let key = (num(2), num(3), num(4));
        if last_line_key.is_some_and(|k| k != key) {
            line += 1;
        }
        last_line_key = Some(key);
        words.push(Word {
            text: text.nfc().collect(),
            bbox: [num(6), num(7), num(8), num(9)],
            confidence: cols[10].parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0),
            block: num(2),
            line,
            alternatives: Vec::new(),
        });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_are_numbered_by_line() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t100\t200\t80\t30\t96.5\tKế\n\
                   5\t1\t1\t1\t1\t2\t190\t200\t120\t30\t91\thoạch\n\
                   5\t1\t1\t1\t2\t1\t100\t260\t60\t30\t88\tsố\n\
                   5\t1\t2\t1\t1\t1\t100\t400\t60\t30\tx\t \n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 3);
        assert_eq!(words[0].text, "Kế");
        assert_eq!(words[0].bbox, [100, 200, 80, 30]);
        assert_eq!(words[1].line, 0);
        assert_eq!(words[2].line, 1);
        assert!((words[0].confidence - 96.5).abs() < 1e-3);
    }

    #[test]
    fn symbol_choices_become_word_alternatives() {
        let sym = |c: &[(&str, f32)]| c.iter().map(|(t, p)| (t.to_string(), *p)).collect();
        let chuyen: WordChoices = vec![
            sym(&[("c", 95.0)]),
            sym(&[("h", 95.0)]),
            sym(&[("u", 96.0)]),
            sym(&[("y", 94.0), ("Y", 0.0)]),
            sym(&[("ế", 91.26), ("ể", 14.79), ("ê", 0.0)]),
            sym(&[("n", 92.0)]),
        ];
        let alts = alternatives(&chuyen);
        assert_eq!(alts.len(), 1);
        assert_eq!(alts[0].text, "chuyển");
        assert!((alts[0].cost - (91.26f32 / 14.79).ln()).abs() < 1e-4);
        let mut words = vec![Word {
            text: "chuyến".into(),
            bbox: [0, 0, 10, 10],
            confidence: 95.0,
            block: 1,
            line: 0,
            alternatives: Vec::new(),
        }];
        attach_alternatives(&mut words, &[vec![sym(&[("x", 99.0)])], chuyen]);
        assert_eq!(words[0].alternatives.len(), 1);
    }

    #[test]
    fn tidy_text_drops_trailing_blank_lines_and_composes() {
        assert_eq!(tidy_text("Ke\u{0302}\u{0301} hoạch\n\n"), "Kế hoạch");
    }
}
