//! Tables of scanned pages: ruling lines found on the page image, the cell grid built from them
//! ([`super::grid`]), each cell's text from the page OCR's words whose centres it holds (the
//! page is OCR'd once, for its text), and a cell read again on its own, with a single-line or
//! single-block segmentation so text never runs across columns, where those words are unsure,
//! run over a rule or are missing.
//!
//! The lines are found as Leptonica's line extraction does (a morphological opening of the
//! binarised page with a long horizontal or vertical structuring element keeps only runs of
//! dark pixels longer than it): runs of at least a fifth of an inch (vertical) or a third of an
//! inch (horizontal), with one-pixel breaks bridged, linked across neighbouring pixel rows into
//! lines. A skewed scan's lines are sloped: the grid is built in coordinates turned back by the
//! median slope of the long horizontal lines; the page words are placed in the grid turned back
//! the same way, and a cell read on its own is cut from the native pixels (never resampled)
//! along its turned-back box, with the rules' pixels painted white so no `|` is read.

use super::capitals::{as_read, keep_capitals};
use super::grid::{self, Line, group_lines};
use super::pdf::PageTable;
use super::read::PageWords;
use super::stream::{self, TextBox};
use super::{Table, is_caption};
use crate::ingest::{Document, PageContent, PageOptions, Word};
use crate::ocr::{BlockReading, OcrOptions, Segmentation, recognize_block_scored};
use crate::repair::{Detail, Mode, Repairer, SecondReading, Session};
use image::GrayImage;
use rustc_hash::FxHashMap;

/// Darker than this (of 255) is ink.
const INK: u8 = 128;
/// At most this many cells are OCR'd on a page: a page ruled like graph paper is not read cell
/// by cell.
const MAX_CELLS: usize = 3000;

/// A line found on the image: pixel runs linked across rows (or columns).
#[derive(Debug, Clone, Default)]
struct Stroke {
    /// Along the line: first and last pixel.
    from: u32,
    to: u32,
    /// Least-squares sums of (along, across) over the runs' centres, for the slope.
    n: f64,
    sa: f64,
    sc: f64,
    saa: f64,
    sac: f64,
    /// The last row (or column) it has a run in, and that run's extent.
    last: u32,
    last_run: (u32, u32),
}

impl Stroke {
    /// `(across at along = 0, slope)`.
    fn fit(&self) -> (f64, f64) {
        let d = self.n * self.saa - self.sa * self.sa;
        if d.abs() < 1e-9 {
            return (self.sc / self.n, 0.0);
        }
        let slope = (self.n * self.sac - self.sa * self.sc) / d;
        ((self.sc - slope * self.sa) / self.n, slope)
    }

    fn across_at(&self, along: f64) -> f64 {
        let (c0, slope) = self.fit();
        c0 + slope * along
    }
}

/// The long dark runs of every row (`horizontal`) or column, linked into strokes; also marks
/// their pixels in `mask`.
fn strokes(img: &GrayImage, horizontal: bool, min_run: u32, mask: &mut [bool]) -> Vec<Stroke> {
    let (w, h) = img.dimensions();
    let (outer, inner) = if horizontal { (h, w) } else { (w, h) };
    let pixel = |o: u32, i: u32| {
        if horizontal {
            img.get_pixel(i, o)[0]
        } else {
            img.get_pixel(o, i)[0]
        }
    };
    let mut done: Vec<Stroke> = Vec::new();
    let mut active: Vec<Stroke> = Vec::new();
    for o in 0..outer {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < inner {
            if pixel(o, i) >= INK {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i;
            // Bridge one-pixel breaks (noise, a faint spot in the rule).
            while i < inner && (pixel(o, i) < INK || (i + 1 < inner && pixel(o, i + 1) < INK)) {
                end = i;
                i += 1;
            }
            if end + 1 - start >= min_run {
                runs.push((start, end));
            }
            i = i.max(end + 1);
        }
        let mut next_active = Vec::new();
        for (a, b) in runs {
            for k in a..=b {
                let idx = if horizontal {
                    (o * w + k) as usize
                } else {
                    (k * w + o) as usize
                };
                mask[idx] = true;
            }
            let mid = f64::from(a + b) / 2.0;
            let joined = active
                .iter()
                .position(|s| s.last + 1 >= o && a <= s.last_run.1 + 1 && s.last_run.0 <= b + 1);
            let mut s = match joined {
                Some(p) => active.swap_remove(p),
                None => next_active
                    .iter()
                    .position(|s: &Stroke| {
                        s.last == o && a <= s.last_run.1 + 1 && s.last_run.0 <= b + 1
                    })
                    .map(|p| next_active.swap_remove(p))
                    .unwrap_or(Stroke {
                        from: a,
                        to: b,
                        ..Stroke::default()
                    }),
            };
            s.from = s.from.min(a);
            s.to = s.to.max(b);
            let weight = f64::from(b - a + 1);
            s.n += weight;
            s.sa += weight * mid;
            s.sc += weight * f64::from(o);
            s.saa += weight * mid * mid;
            s.sac += weight * mid * f64::from(o);
            s.last = o;
            s.last_run = (a, b);
            next_active.push(s);
        }
        done.append(&mut active);
        active = next_active;
    }
    done.append(&mut active);
    done
}

/// A first-order rotation about the page centre: `unskew` turns the page back by the slope
/// (tan of the skew), `reskew` forward again. About the centre, the same printed column lands
/// at the same place on every page whatever each page's skew, so a table continued on the
/// next page is recognised by its columns.
#[derive(Debug, Clone, Copy)]
struct Turn {
    slope: f64,
    cx: f64,
    cy: f64,
}

impl Turn {
    fn unskew(&self, x: f64, y: f64) -> (f64, f64) {
        let (dx, dy) = (x - self.cx, y - self.cy);
        (
            self.cx + dx + self.slope * dy,
            self.cy + dy - self.slope * dx,
        )
    }

    fn reskew(&self, x: f64, y: f64) -> (f64, f64) {
        let (dx, dy) = (x - self.cx, y - self.cy);
        let d = 1.0 + self.slope * self.slope;
        (
            self.cx + (dx - self.slope * dy) / d,
            self.cy + (dy + self.slope * dx) / d,
        )
    }
}

/// Reads a cell's pixels on its own (`true`: as one line), given the page OCR's words there
/// (boxes in the cell image's pixels) as another reading: its text and mean word confidence;
/// `None` stops the page's cell reading.
pub type ReadCell<'a> =
    dyn FnMut(&GrayImage, bool, &[(&str, [u32; 4])]) -> Option<(String, f32)> + 'a;

/// The ruled tables of a page image at `dpi` (`number`: 1-based page).
///
/// A cell's text is made of the page OCR's `words` (boxes in this image's pixels) whose
/// centres it holds. A cell is also read on its own by `read_cell` (its pixels, rules painted
/// white; the text and its mean word confidence; `None` skips the page's remaining cell reads)
/// when its words are not sure (mean confidence below [`SURE_CONFIDENCE`]), and then the
/// reading with fewer words the language model does not know (`unknown_words`: a lost space,
/// `nhậnvà`, or a misread word) is kept, and of two as good the one with the higher
/// confidence; it is read only on its own when a word there runs over its edge (the page OCR read across a rule) or when it has ink but no word. With no
/// `words` every cell is read on its own.
pub fn image_tables(
    img: &GrayImage,
    dpi: u32,
    number: u32,
    words: &[Word],
    read_cell: &mut ReadCell,
    unknown_words: &dyn Fn(&str) -> usize,
) -> Vec<PageTable> {
    let (w, h) = img.dimensions();
    if w < 16 || h < 16 {
        return Vec::new();
    }
    let dpi_f = f64::from(dpi.max(50));
    let mut mask = vec![false; (w * h) as usize];
    let hs = strokes(img, true, (dpi_f / 3.0) as u32, &mut mask);
    let vs = strokes(img, false, (dpi_f / 5.0) as u32, &mut mask);
    // The skew: the median slope of the long horizontal lines.
    let mut slopes: Vec<f64> = hs
        .iter()
        .filter(|s| f64::from(s.to - s.from) > f64::from(w) * 0.25)
        .map(|s| s.fit().1)
        .filter(|s| s.abs() < 0.05)
        .collect();
    slopes.sort_by(f64::total_cmp);
    let turn = Turn {
        slope: slopes
            .get(slopes.len() / 2)
            .copied()
            // no long rule: the slope of the OCR's text lines, for a table without rules
            .or_else(|| stream::text_slope(words, dpi_f as f32))
            .unwrap_or(0.0),
        cx: f64::from(w) / 2.0,
        cy: f64::from(h) / 2.0,
    };
    let mut lines = Vec::new();
    for s in &hs {
        let (a, b) = (f64::from(s.from), f64::from(s.to));
        let (x0, y0) = turn.unskew(a, s.across_at(a));
        let (x1, y1) = turn.unskew(b, s.across_at(b));
        lines.push(Line::horizontal(
            ((y0 + y1) / 2.0) as f32,
            x0 as f32,
            x1 as f32,
        ));
    }
    for s in &vs {
        let (a, b) = (f64::from(s.from), f64::from(s.to));
        let (x0, y0) = turn.unskew(s.across_at(a), a);
        let (x1, y1) = turn.unskew(s.across_at(b), b);
        lines.push(Line::vertical(
            ((x0 + x1) / 2.0) as f32,
            y0 as f32,
            y1 as f32,
        ));
    }
    let placed: Vec<PlacedWord> = words.iter().filter_map(|w| place(w, turn)).collect();
    // tables without rules among the page words outside the ruled ones
    let grids = stream::with_unruled(
        grid::find_grids(&lines, (dpi_f / 25.0) as f32),
        &text_boxes(&placed),
    );
    if grids.iter().map(|g| g.cells.len()).sum::<usize>() > MAX_CELLS {
        return Vec::new();
    }
    // The page without its rules (and the pixels just beside them, the blur of their edges).
    let mut clean = img.clone();
    for y in 0..h {
        for x in 0..w {
            let near = |dx: i64, dy: i64| {
                let (nx, ny) = (i64::from(x) + dx, i64::from(y) + dy);
                nx >= 0
                    && ny >= 0
                    && nx < i64::from(w)
                    && ny < i64::from(h)
                    && mask[(ny as u32 * w + nx as u32) as usize]
            };
            if near(0, 0) || near(1, 0) || near(-1, 0) || near(0, 1) || near(0, -1) {
                clean.put_pixel(x, y, image::Luma([255]));
            }
        }
    }
    let to_pt = 72.0 / dpi_f as f32;
    let margin = (dpi_f / 100.0).max(2.0);
    let mut out = Vec::new();
    let mut stopped = false;
    for g in &grids {
        let cells = assign(&placed, g, (dpi_f / 25.0) as f32);
        let mut texts = Vec::with_capacity(g.cells.len());
        for (c, found) in g.cells.iter().zip(&cells) {
            let from_words = (!found.doubtful && !found.words.is_empty()).then(|| {
                let confidence = found.words.iter().map(|w| w.confidence).sum::<f32>()
                    / found.words.len() as f32;
                (text_of_words(&found.words), confidence)
            });
            let text = match from_words {
                Some((text, confidence)) if confidence >= SURE_CONFIDENCE || stopped => text,
                None if stopped => String::new(),
                _ => {
                    let own = cut(&clean, turn, c.bbox, margin)
                        .filter(|(cell, _)| has_ink(cell))
                        .and_then(|(cell, origin)| {
                            // a cell the page read as one line is read as one line again
                            let one_line = from_words.is_some()
                                && group_lines(&found.words, |w| w.bbox).len() == 1;
                            // the page's repaired words, but an abbreviation as read
                            let among_lower = found
                                .words
                                .iter()
                                .any(|w| w.recognised.chars().any(char::is_lowercase));
                            let page_words: Vec<(&str, [u32; 4])> = found
                                .words
                                .iter()
                                .map(|w| {
                                    let text = if among_lower {
                                        as_read(&w.text, &w.recognised)
                                    } else {
                                        &w.text
                                    };
                                    (text, w.box_from(origin))
                                })
                                .collect();
                            read_cell(&cell, one_line, &page_words).or_else(|| {
                                stopped = true;
                                None
                            })
                        });
                    // two readings of the cell: the one with fewer words the model does
                    // not know, then the one Tesseract is surer of
                    match (own, from_words) {
                        (Some((own, c)), Some((words, wc))) => {
                            let (uo, uw) = (unknown_words(&own), unknown_words(&words));
                            // readings that differ only in the spaces around a dash: the
                            // cell's own reading measured them on the pixels (`ocr::marks`)
                            let dash_spaces_only = without_dash_spaces(&tidy_cell(&own))
                                == without_dash_spaces(&tidy_cell(&words));
                            let (chosen, other) =
                                if dash_spaces_only || uo < uw || (uo == uw && c > wc) {
                                    (own, words)
                                } else {
                                    (words, own)
                                };
                            agreed_punctuation(&tidy_cell(&chosen), &tidy_cell(&other))
                        }
                        (None, Some((words, _))) => words,
                        (Some((own, _)), None) => own,
                        (None, None) => String::new(),
                    }
                }
            };
            texts.push(tidy_cell(&text));
        }
        let mut rows = g.rows(&texts);
        super::numbering::mend(&mut rows);
        super::number_format::mend_separators(&mut rows);
        if texts.iter().all(String::is_empty) {
            continue;
        }
        let [x0, y0, x1, _] = g.bbox();
        // The heading just above: a band of about two text lines over the table.
        let band = [x0, (y0 - (dpi_f * 0.36) as f32).max(0.0), x1, y0];
        let caption = if words.is_empty() {
            cut(&clean, turn, band, margin)
                .filter(|(b, _)| has_ink(b))
                .and_then(|(b, _)| read_cell(&b, false, &[]))
                .map(|(text, _)| text)
        } else {
            let above: Vec<&PlacedWord> = placed.iter().filter(|w| w.centre_in(band)).collect();
            group_lines(&above, |w| w.bbox).last().map(|line| {
                line.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        }
        .and_then(|t| last_line(&t))
        .filter(|t| is_caption(t));
        let [bx0, by0, bx1, by1] = g.bbox();
        out.push(PageTable {
            table: Table {
                page: Some(number),
                bbox: Some(
                    [bx0, by0, bx1 - bx0, by1 - by0]
                        .map(|v| (v.max(0.0) * to_pt * 10.0).round() / 10.0),
                ),
                caption,
                rows,
            },
            columns: g.xs.iter().map(|x| x * to_pt).collect(),
            last_page: None,
            starts_high: by0 < h as f32 / 3.0,
            ends_low: by1 > h as f32 * 2.0 / 3.0,
        });
    }
    out
}

/// The placed words as the detector of tables without rules ([`stream`]) reads them.
fn text_boxes(placed: &[PlacedWord]) -> Vec<TextBox> {
    placed
        .iter()
        .map(|w| TextBox {
            text: w.text.clone(),
            bbox: w.bbox,
        })
        .collect()
}

/// A word of the page's OCR in turned-back coordinates.
#[derive(Debug, Clone)]
struct PlacedWord {
    text: String,
    /// Tesseract's confidence, 0–100.
    confidence: f32,
    /// Read as bars (`|`): a letter `I`, or a rule.
    bar: bool,
    /// `[x0, y0, x1, y1]`, turned back.
    bbox: [f32; 4],
    /// `[x, y, w, h]` in the page image's pixels, as the OCR gave it.
    page_box: [u32; 4],
    /// What the recogniser read there, before the page's repair.
    recognised: String,
}

impl PlacedWord {
    /// Its box in the pixels of an image cut from the page at `origin` (that image's top left
    /// in the page's pixels).
    fn box_from(&self, origin: [i64; 2]) -> [u32; 4] {
        let [x, y, w, h] = self.page_box;
        let shift = |v: u32, o: i64| (i64::from(v) - o).clamp(0, i64::from(u32::MAX)) as u32;
        [shift(x, origin[0]), shift(y, origin[1]), w, h]
    }

    fn centre(&self) -> (f32, f32) {
        (
            (self.bbox[0] + self.bbox[2]) / 2.0,
            (self.bbox[1] + self.bbox[3]) / 2.0,
        )
    }

    fn centre_in(&self, b: [f32; 4]) -> bool {
        let (x, y) = self.centre();
        b[0] <= x && x < b[2] && b[1] <= y && y < b[3]
    }

    /// The share of its box inside `b`.
    fn share_in(&self, b: [f32; 4]) -> f32 {
        let w = (self.bbox[2].min(b[2]) - self.bbox[0].max(b[0])).max(0.0);
        let h = (self.bbox[3].min(b[3]) - self.bbox[1].max(b[1])).max(0.0);
        let area = (self.bbox[2] - self.bbox[0]) * (self.bbox[3] - self.bbox[1]);
        if area <= 0.0 { 0.0 } else { w * h / area }
    }
}

/// A page word turned back by the page's skew, without the rule marks the page OCR may read
/// at its ends (`|`, `_`); `None` when nothing else is left. A word of only one to three bars
/// is kept as `I`s (`II` is read `||`): [`assign`] drops it where it stands on a rule.
fn place(word: &Word, turn: Turn) -> Option<PlacedWord> {
    let bars = word.text.chars().count();
    let only_bars = (1..=3).contains(&bars) && word.text.chars().all(|c| c == '|');
    let text = if only_bars {
        "I".repeat(bars)
    } else {
        word.text.trim_matches(RULE_MARKS).to_string()
    };
    if text.is_empty() {
        return None;
    }
    let [x, y, w, h] = word.bbox.map(f64::from);
    let (cx, cy) = turn.unskew(x + w / 2.0, y + h / 2.0);
    let (hw, hh) = (w / 2.0, h / 2.0);
    Some(PlacedWord {
        bar: text.starts_with('I') && word.text.starts_with('|'),
        confidence: word.confidence,
        bbox: [cx - hw, cy - hh, cx + hw, cy + hh].map(|v| v as f32),
        page_box: word.bbox,
        recognised: Some(recognised(word).trim_matches(RULE_MARKS))
            .filter(|r| !r.is_empty() && !only_bars)
            .map_or_else(|| text.clone(), str::to_string),
        text,
    })
}

/// What the recogniser read for a page word: `pipeline::run::table_words` keeps it as the
/// first alternative, at no cost, of a word the page's repair changed.
fn recognised(word: &Word) -> &str {
    match word.alternatives.first() {
        Some(a) if a.cost == 0.0 => &a.text,
        _ => &word.text,
    }
}

/// Page words this sure (Tesseract's mean word confidence, 0–100) make a cell's text without
/// a second reading of the cell. 100: every cell with words is read a second time (Tesseract
/// is at times sure of a wrong word, and [`image_tables`] chooses between the readings by the
/// words the model knows first); on the dev scans that gave tables_f1 0.788 against 0.774 with
/// 96 on office scans, the same on poor ones, for about a tenth more time.
pub const SURE_CONFIDENCE: f32 = 100.0;

/// What the page OCR may read a rule as.
const RULE_MARKS: &[char] = &['|', '¦', '_'];

/// A word whose box has less than this share inside the cell holding its centre runs over the
/// cell's edge: the page OCR read across a rule.
const MIN_SHARE_INSIDE: f32 = 0.75;

/// The page words of one cell, and whether one of the page's words runs into it from or over
/// its edge (the cell is then read on its own).
#[derive(Debug, Default)]
struct CellWords<'a> {
    words: Vec<&'a PlacedWord>,
    doubtful: bool,
}

/// The page words of each cell of `grid`, by the cell holding the word's centre; bars within
/// `tol` of a cell's side are a rule, not a word.
fn assign<'a>(placed: &'a [PlacedWord], grid: &grid::Grid, tol: f32) -> Vec<CellWords<'a>> {
    let mut cells: Vec<CellWords> = grid.cells.iter().map(|_| CellWords::default()).collect();
    for w in placed {
        let (x, y) = w.centre();
        let Some(k) = grid.cell_at(x, y) else {
            continue;
        };
        let [x0, _, x1, _] = grid.cells[k].bbox;
        if w.bar && (x - x0 < tol || x1 - x < tol) {
            continue;
        }
        cells[k].words.push(w);
        if w.share_in(grid.cells[k].bbox) < MIN_SHARE_INSIDE {
            for (cell, found) in grid.cells.iter().zip(cells.iter_mut()) {
                if w.share_in(cell.bbox) > 0.0 {
                    found.doubtful = true;
                }
            }
        }
    }
    cells
}

/// A cell's text from its words: lines top to bottom, words left to right; an abbreviation
/// the page's repair marked is written as recognised ([`keep_capitals`]).
fn text_of_words(words: &[&PlacedWord]) -> String {
    grid::join_lines(group_lines(words, |w| w.bbox).into_iter().map(|line| {
        let text = line
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let recognised: Vec<&str> = line.iter().map(|w| w.recognised.as_str()).collect();
        keep_capitals(&text, &recognised)
    }))
}

/// Punctuation that specks and smudges of a scan give the OCR, standing apart between a
/// cell's words (`thẩm : tra`, `Hành . chính`, `Sở Dân tộc ` & Tôn giáo`). Not dashes: a
/// dash between words is printed (`Bộ phận TN&TKQ - Sở`).
const SPECK_CHARS: &[char] = &[
    ':', ';', '~', '_', '|', '»', '«', '¦', '=', '.', ',', '\'', '`', 'ˆ', '›', '‹', '‘', '’', '“',
    '”', '"', '^', '°', '„', '†', '¡',
];

/// A cell's text without scan specks: a token of at most three [`SPECK_CHARS`] standing apart
/// is dropped, except a dash or bullet that starts the cell (`- Kiểm tra`; a `~` or `=` there is
/// the dash misread) and a cell that is nothing else (`-`; `|` to `|||` is `I` to `III`). A word glued to the number after it
/// (`Bước1`, a narrow space lost) is split when the word has a Vietnamese mark: codes
/// (`RON95`, `B12`) have none. The Icelandic `Ð`/`ð` Tesseract gives for a printed `Đ`/`đ`
/// (`QÐ`, alike on the page) are written as the Vietnamese letters. The lines of a cell read
/// on its own are joined as the page words' lines are ([`grid::join_lines`]: no space after a
/// line-end hyphen, `NQ-` / `CP`).
fn tidy_cell(text: &str) -> String {
    let text = grid::join_lines(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
    )
    // Tesseract at times reads one printed `Đ` twice, once as each look-alike (`QĐÐ`)
    .replace("ĐÐ", "Đ")
    .replace("ÐĐ", "Đ")
    .replace('Ð', "Đ")
    .replace('ð', "đ");
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let speck = |t: &str| t.chars().count() <= 3 && t.chars().all(|c| SPECK_CHARS.contains(&c));
    if tokens.iter().all(|t| speck(t)) {
        let bars = tokens.concat();
        // a cell of one to three bars is the Roman number the cell OCR read as bars
        if (1..=3).contains(&bars.chars().count()) && bars.chars().all(|c| c == '|') {
            return "I".repeat(bars.chars().count());
        }
        return tokens.join(" ");
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        if i == 0 && ["-", "~", "=", "—", "–", "+", "•"].contains(t) {
            out.push(
                if matches!(*t, "~" | "=" | "—") {
                    "-"
                } else {
                    t
                }
                .to_string(),
            );
        } else if !speck(t) {
            out.extend(split_glued_comma(&split_glued_number(t)));
        }
    }
    drop_stray_dashes(&mut out);
    super::cell_marks::mend_tokens(&mut out);
    out.join(" ")
}

/// `chosen` without the punctuation the other reading of the same cell does not see: a token of
/// punctuation only standing apart after the first (`chuyên - môn`) whose marks the other has
/// nowhere (glued or apart), or a `.` glued to the end
/// of a word (not an abbreviation, `TP.`) inside the cell (`phòng. chuyên`), that `other` does
/// not have. A speck read as a
/// mark is rarely read the same way twice; printed punctuation is.
fn agreed_punctuation(chosen: &str, other: &str) -> String {
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for t in other.split_whitespace() {
        *seen.entry(t).or_default() += 1;
    }
    // the other reading's punctuation marks, glued or apart (`2025- 2035` has the `-` of
    // `2025 - 2035`)
    let mut marks: FxHashMap<char, usize> = FxHashMap::default();
    for c in other
        .chars()
        .filter(|c| !c.is_alphanumeric() && !c.is_whitespace())
    {
        *marks.entry(same_dash(c)).or_default() += 1;
    }
    let tokens: Vec<&str> = chosen.split_whitespace().collect();
    let mut out = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let punctuation_only = !t.chars().any(char::is_alphanumeric);
        if i > 0 && punctuation_only {
            // every mark is counted off, even after one is missing
            let missing = t
                .chars()
                .filter(|c| !take_one(&mut marks, &same_dash(*c)))
                .count();
            if missing == 0 {
                out.push(*t);
            }
            continue;
        }
        let bare = t.strip_suffix('.').filter(|b| {
            // a word, not an abbreviation (`TP.`), and not the cell's end
            i + 1 < tokens.len()
                && b.chars().count() > 1
                && b.chars().all(char::is_alphabetic)
                && b.chars().any(char::is_lowercase)
        });
        match bare {
            Some(b) if !take_one(&mut seen, t) && take_one(&mut seen, &b) => out.push(b),
            _ => out.push(t),
        }
    }
    out.join(" ")
}

/// A cell's text without the spaces beside its dashes (`2025 - 2035` → `2025-2035`).
fn without_dash_spaces(text: &str) -> String {
    let dashes = |c: char| matches!(c, '-' | '–' | '—');
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let beside_dash = c == ' '
            && (i > 0 && dashes(chars[i - 1]) || chars.get(i + 1).is_some_and(|&n| dashes(n)));
        if !beside_dash {
            out.push(if dashes(c) { '-' } else { c });
        }
    }
    out
}

/// Every dash as `-`: two readings of one printed dash may read it as different dashes.
fn same_dash(c: char) -> char {
    if matches!(c, '–' | '—' | '~') {
        '-'
    } else {
        c
    }
}

/// Counts one `key` off `counts`: false when none is left.
fn take_one<K: std::hash::Hash + Eq>(counts: &mut FxHashMap<K, usize>, key: &K) -> bool {
    counts
        .get_mut(key)
        .filter(|n| **n > 0)
        .map(|n| *n -= 1)
        .is_some()
}

fn is_dash(token: &str) -> bool {
    !token.is_empty() && token.chars().all(|c| matches!(c, '-' | '–' | '—' | '~'))
}

/// Dashes standing apart where no printed dash stands: at the end of a cell after its words
/// (`07 ngày -`), and a second dash right after a dash (`Sơn Tây - - Đan Phượng`, `--`).
fn drop_stray_dashes(tokens: &mut Vec<String>) {
    tokens.dedup_by(|next, prev| is_dash(next) && is_dash(prev));
    // an en dash is only ever written by the cell reading's mark sizes (`ocr::marks`);
    // the recogniser's other dashes are hyphens
    for t in tokens.iter_mut().filter(|t| is_dash(t) && *t != "–") {
        "-".clone_into(t);
    }
    while tokens.len() > 1 && tokens.last().is_some_and(|t| is_dash(t)) {
        tokens.pop();
    }
}

/// `XB,I` → `XB,` `I`: a comma between two letters, which Vietnamese typography always
/// follows with a space (a comma between digits is a decimal comma, `7,2`, and stays).
fn split_glued_comma(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut parts = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        if let Some(part) = parts.last_mut() {
            part.push(c);
        }
        let between_letters = c == ','
            && i > 0
            && chars[i - 1].is_alphabetic()
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if between_letters {
            parts.push(String::new());
        }
    }
    parts
}

/// `Bước1` → `Bước 1`: letters with a Vietnamese mark, then digits only.
fn split_glued_number(token: &str) -> String {
    let Some(k) = token.find(|c: char| c.is_ascii_digit()) else {
        return token.to_string();
    };
    let (word, number) = token.split_at(k);
    let marked = word.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
    if marked
        && word.chars().count() >= 2
        && word.chars().all(char::is_alphabetic)
        && number.chars().all(|c| c.is_ascii_digit())
    {
        format!("{word} {number}")
    } else {
        token.to_string()
    }
}

fn last_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_string)
}

fn has_ink(img: &GrayImage) -> bool {
    img.pixels().filter(|p| p[0] < INK).count() > 8
}

/// The pixels of a box given in turned-back coordinates, inset by `margin`: the upright
/// rectangle around the (skewed) box, with the pixels outside the box painted white, padded
/// with white (Tesseract reads text touching the border poorly); and where the cut's top left
/// lies in `img`'s pixels. The pixels are copied, never resampled.
fn cut(img: &GrayImage, turn: Turn, b: [f32; 4], margin: f64) -> Option<(GrayImage, [i64; 2])> {
    let (bx0, by0) = (f64::from(b[0]) + margin, f64::from(b[1]) + margin);
    let (bx1, by1) = (f64::from(b[2]) - margin, f64::from(b[3]) - margin);
    if bx1 <= bx0 + 2.0 || by1 <= by0 + 2.0 {
        return None;
    }
    let corners = [(bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1)].map(|(x, y)| turn.reskew(x, y));
    let (w, h) = img.dimensions();
    let x0 = corners
        .iter()
        .map(|c| c.0)
        .fold(f64::MAX, f64::min)
        .max(0.0) as u32;
    let y0 = corners
        .iter()
        .map(|c| c.1)
        .fold(f64::MAX, f64::min)
        .max(0.0) as u32;
    let x1 = (corners
        .iter()
        .map(|c| c.0)
        .fold(f64::MIN, f64::max)
        .min(f64::from(w))) as u32;
    let y1 = (corners
        .iter()
        .map(|c| c.1)
        .fold(f64::MIN, f64::max)
        .min(f64::from(h))) as u32;
    if x1 <= x0 + 2 || y1 <= y0 + 2 {
        return None;
    }
    let pad = 12;
    let mut out = GrayImage::from_pixel(x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, image::Luma([255]));
    for y in y0..y1 {
        for x in x0..x1 {
            let (ux, uy) = turn.unskew(f64::from(x), f64::from(y));
            if bx0 <= ux && ux < bx1 && by0 <= uy && uy < by1 {
                out.put_pixel(x - x0 + pad, y - y0 + pad, *img.get_pixel(x, y));
            }
        }
    }
    let origin = [
        i64::from(x0) - i64::from(pad),
        i64::from(y0) - i64::from(pad),
    ];
    Some((out, origin))
}

/// The ruled tables of page `index` of a scanned document, cells from the page OCR's `words`
/// (boxes in the pixels of the page image; none: each cell OCR'd on its own). A cell OCR'd on
/// its own is repaired as a line of the page text is (`repairer`, scan mode for `vie`), with
/// the page words of the cell as its second reading ([`repair_cell`]).
pub fn page_tables(
    doc: &Document,
    index: u32,
    words: Option<&PageWords>,
    options: &OcrOptions,
    repairer: Option<&Repairer>,
) -> Result<Vec<PageTable>, String> {
    let page = doc
        .page(index, &PageOptions { force_ocr: true })
        .map_err(|e| e.to_string())?;
    let PageContent::Image { image, dpi, .. } = page.content else {
        return Ok(Vec::new());
    };
    // words of another rendering of the page would land in the wrong cells
    let words = words
        .filter(|w| (w.width, w.height) == image.dimensions())
        .map_or(&[][..], |w| &w.words[..]);
    let mode = if options.lang.split('+').any(|l| l == "vie") {
        Mode::Scan
    } else {
        Mode::Auto
    };
    let mut failure = None;
    let mut read_cell = |cell: &GrayImage, one_line: bool, page_words: &[(&str, [u32; 4])]| {
        let segmentation = if one_line {
            Segmentation::Line
        } else {
            Segmentation::Block
        };
        match recognize_block_scored(cell, dpi, options, segmentation) {
            Ok(read) => Some((
                match repairer {
                    Some(r) => repair_cell(r, &read, page_words, mode),
                    None => read.text,
                },
                read.confidence,
            )),
            Err(e) => {
                failure = Some(e.to_string());
                None
            }
        }
    };
    let unknown_words = |text: &str| repairer.map_or(0, |r| r.unknown_words(text));
    let found = image_tables(
        &image,
        dpi,
        index + 1,
        words,
        &mut read_cell,
        &unknown_words,
    );
    match failure {
        Some(e) => Err(e),
        None => Ok(found),
    }
}

/// A cell's own reading repaired; in scan mode with the page OCR's words of the cell
/// (`page_words`, boxes in the cell image's pixels) as its second reading, so each word is
/// taken from whichever reading the language model prefers ([`SecondReading`]); an
/// abbreviation the repair marked is written as recognised ([`keep_capitals`]).
fn repair_cell(
    repairer: &Repairer,
    read: &BlockReading,
    page_words: &[(&str, [u32; 4])],
    mode: Mode,
) -> String {
    let mut session = Session::default();
    if mode == Mode::Scan && !page_words.is_empty() {
        let first = read
            .words
            .iter()
            .map(|w| (w.line, w.text.as_str(), w.bbox, w.confidence));
        // a word both read alike votes for itself: the model must outweigh two readings
        // to change it (`DA` stays `DA`)
        let second = SecondReading::align(&read.text, first, page_words).by_same_recogniser();
        session = session.with_second_reading(second);
    }
    let repaired = repairer
        .restore_in(&mut session, &read.text, mode, Detail::Text)
        .text;
    let recognised: Vec<&str> = read.words.iter().map(|w| w.text.as_str()).collect();
    keep_capitals(&repaired, &recognised)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with a ruled 3 x 2 grid drawn with a slight skew and a dark blob in each
    /// cell standing for text.
    fn ruled_page(skew: f64) -> GrayImage {
        let (w, h) = (1200u32, 900u32);
        let mut img = GrayImage::from_pixel(w, h, image::Luma([240]));
        let mut dark = |x: f64, y: f64| {
            let (x, y) = (x - skew * y, y + skew * x);
            if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                img.put_pixel(x as u32, y as u32, image::Luma([20]));
            }
        };
        for yy in [100.0, 250.0, 400.0, 550.0] {
            for x in 100..1100 {
                for t in 0..3 {
                    dark(f64::from(x), yy + f64::from(t));
                }
            }
        }
        for xx in [100.0, 600.0, 1100.0] {
            for y in 100..553 {
                for t in 0..3 {
                    dark(xx + f64::from(t), f64::from(y));
                }
            }
        }
        for (cx, cy) in [
            (300.0, 170.0),
            (800.0, 170.0),
            (300.0, 320.0),
            (800.0, 320.0),
            (300.0, 470.0),
            (800.0, 470.0),
        ] {
            for x in 0..40 {
                for y in 0..20 {
                    dark(cx + f64::from(x), cy + f64::from(y));
                }
            }
        }
        img
    }

    /// Blob centres of [`ruled_page`], row by row.
    const BLOBS: [(f64, f64); 6] = [
        (320.0, 180.0),
        (820.0, 180.0),
        (320.0, 330.0),
        (820.0, 330.0),
        (320.0, 480.0),
        (820.0, 480.0),
    ];

    /// A page word centred on `(cx, cy)` of the unskewed page, `w` wide, in the pixels of the
    /// page drawn with `skew`.
    fn word_at(text: &str, cx: f64, cy: f64, w: f64, skew: f64, confidence: f32) -> Word {
        let (x, y) = (cx - skew * cy, cy + skew * cx);
        Word {
            text: text.into(),
            bbox: [(x - w / 2.0) as u32, (y - 12.0) as u32, w as u32, 24],
            confidence,
            block: 1,
            line: 0,
            alternatives: Vec::new(),
        }
    }

    /// A sure `ok` on every blob of the unskewed page.
    fn sure_oks() -> Vec<Word> {
        BLOBS
            .iter()
            .map(|&(x, y)| word_at("ok", x, y, 60.0, 0.0, 100.0))
            .collect()
    }

    /// The tables of `img` with the page `words`, every cell read on its own as `reading`; and
    /// how many cells were read.
    fn tables_reading(
        img: &GrayImage,
        words: &[Word],
        reading: (&str, f32),
    ) -> (Vec<PageTable>, usize) {
        let mut calls = 0;
        let t = image_tables(
            img,
            300,
            1,
            words,
            &mut |_, _, _| {
                calls += 1;
                Some((reading.0.to_string(), reading.1))
            },
            &|_| 0,
        );
        (t, calls)
    }

    #[test]
    fn cells_take_the_sure_page_words_whose_centres_they_hold() {
        for skew in [0.0, 0.015, -0.02] {
            let img = ruled_page(skew);
            let words: Vec<Word> = BLOBS
                .iter()
                .enumerate()
                .map(|(k, &(x, y))| word_at(&format!("w{k}"), x, y, 60.0, skew, 100.0))
                .collect();
            let (t, calls) = tables_reading(&img, &words, ("crop", 99.0));
            assert_eq!(calls, 0, "sure words need no second reading (skew {skew})");
            assert_eq!(
                t[0].table.rows,
                vec![vec!["w0", "w1"], vec!["w2", "w3"], vec!["w4", "w5"]],
                "skew {skew}"
            );
        }
    }

    #[test]
    fn an_unsure_cell_keeps_the_reading_tesseract_is_surer_of() {
        let img = ruled_page(0.0);
        let mut words = sure_oks();
        words[0] = word_at("Ú", BLOBS[0].0, BLOBS[0].1, 40.0, 0.0, 40.0);
        words[1] = word_at("SIT", BLOBS[1].0, BLOBS[1].1, 40.0, 0.0, 85.0);
        let (t, calls) = tables_reading(&img, &words, ("crop", 70.0));
        assert_eq!(calls, 2);
        assert_eq!(t[0].table.rows[0], vec!["crop", "SIT"]);
    }

    #[test]
    fn of_two_readings_the_one_with_fewer_unknown_words_wins_before_confidence() {
        let img = ruled_page(0.0);
        let mut words = sure_oks();
        words[0] = word_at("nhậnvà", BLOBS[0].0, BLOBS[0].1, 40.0, 0.0, 90.0);
        words[1] = word_at("nhận", BLOBS[1].0, BLOBS[1].1, 40.0, 0.0, 90.0);
        // the cells' own readings: less sure, but the first without the glued word
        let unknown = |t: &str| t.split_whitespace().filter(|w| *w == "nhậnvà").count();
        let t = image_tables(
            &img,
            300,
            1,
            &words,
            &mut |_, _, _| Some(("nhận và".into(), 50.0)),
            &unknown,
        );
        assert_eq!(t[0].table.rows[0], vec!["nhận và", "nhận"]);
    }

    #[test]
    fn a_word_over_a_rule_or_a_cell_without_words_is_read_on_its_own() {
        let img = ruled_page(0.0);
        // one word over the rule between the first row's cells; none in the last row
        let words = vec![
            word_at("joined", 600.0, 180.0, 300.0, 0.0, 100.0),
            word_at("a", BLOBS[2].0, BLOBS[2].1, 40.0, 0.0, 100.0),
            word_at("b", BLOBS[3].0, BLOBS[3].1, 40.0, 0.0, 100.0),
        ];
        let (t, calls) = tables_reading(&img, &words, ("own", 10.0));
        assert_eq!(calls, 4);
        assert_eq!(
            t[0].table.rows,
            vec![vec!["own", "own"], vec!["a", "b"], vec!["own", "own"]]
        );
    }

    #[test]
    fn bars_inside_a_cell_are_the_letter_i_and_on_a_rule_nothing() {
        let img = ruled_page(0.0);
        let mut words = sure_oks();
        words[0] = word_at("||", BLOBS[0].0, BLOBS[0].1, 20.0, 0.0, 100.0);
        // the page OCR's reading of the middle rule, in the second row
        words.push(word_at("|", 601.0, 330.0, 6.0, 0.0, 100.0));
        words[3] = word_at("x_", BLOBS[3].0, BLOBS[3].1, 40.0, 0.0, 100.0);
        let t = image_tables(&img, 300, 1, &words, &mut |_, _, _| None, &|_| 0);
        assert_eq!(t[0].table.rows[0][0], "II");
        assert_eq!(t[0].table.rows[1], vec!["ok", "x"]);
    }

    #[test]
    fn specks_between_a_cells_words_are_dropped() {
        assert_eq!(tidy_cell("~ Kiểm tra : hồ sơ ."), "- Kiểm tra hồ sơ");
        assert_eq!(
            tidy_cell("Trả hồ sơ, kết. quả giải quyết . TTHC"),
            "Trả hồ sơ, kết. quả giải quyết TTHC"
        );
        assert_eq!(tidy_cell("- Nhận hồ sơ"), "- Nhận hồ sơ");
        assert_eq!(tidy_cell("-"), "-");
        assert_eq!(tidy_cell("||"), "II");
        assert_eq!(tidy_cell("Bước1"), "Bước 1");
        assert_eq!(tidy_cell("RON95 B12 1/2"), "RON95 B12 1/2");
        assert_eq!(tidy_cell("QÐ số 270/QĐ-TTg"), "QĐ số 270/QĐ-TTg");
        assert_eq!(
            tidy_cell("Nghị quyết số\n66.7/2025/NQ-\nCP"),
            "Nghị quyết số 66.7/2025/NQ-CP"
        );
        assert_eq!(tidy_cell("2025 -\n2030"), "2025 - 2030");
        assert_eq!(tidy_cell("07 ngày -"), "07 ngày");
        assert_eq!(tidy_cell("Sơn Tây - - Đan Phượng"), "Sơn Tây - Đan Phượng");
        assert_eq!(tidy_cell("--"), "-");
        assert_eq!(tidy_cell("“Thông báo kết quả"), "Thông báo kết quả");
        assert_eq!(tidy_cell("“Thông báo” kết quả"), "“Thông báo” kết quả");
        assert_eq!(tidy_cell("¡2"), "2");
        assert_eq!(tidy_cell("Khánh Hòa „"), "Khánh Hòa");
        assert_eq!(tidy_cell("XB,I &PH"), "XB, I &PH");
        assert_eq!(tidy_cell("2x7,2 a, b ,c"), "2x7,2 a, b ,c");
    }

    #[test]
    fn a_cells_words_come_from_whichever_reading_the_model_prefers() {
        let r = crate::repair::tests::repairer();
        let word = |text: &str, x: u32, line: u32| Word {
            text: text.into(),
            bbox: [x, 10 + 40 * line, 60, 30],
            confidence: 80.0,
            block: 1,
            line,
            alternatives: Vec::new(),
        };
        // a code broken over two lines, its last letters misread by the cell's own reading
        let read = BlockReading {
            text: "Nghị quyết số 66.7/2025/NQ-\nGP".into(),
            confidence: 80.0,
            words: vec![
                word("Nghị", 10, 0),
                word("quyết", 80, 0),
                word("số", 150, 0),
                word("66.7/2025/NQ-", 220, 0),
                word("GP", 10, 1),
            ],
            symbols: Vec::new(),
        };
        assert_eq!(
            repair_cell(r, &read, &[], Mode::Scan),
            "Nghị quyết số 66.7/2025/NQ-\nGP"
        );
        // the page read them right; both read `số` alike
        let page = [("CP", [11, 51, 58, 29]), ("số", [150, 10, 60, 30])];
        assert_eq!(
            repair_cell(r, &read, &page, Mode::Scan),
            "Nghị quyết số 66.7/2025/NQ-\nCP"
        );
        assert_eq!(tidy_cell("QĐÐ số 270/QÐĐ-TTg"), "QĐ số 270/QĐ-TTg");
    }

    #[test]
    fn punctuation_only_one_reading_gives_is_dropped() {
        assert_eq!(
            agreed_punctuation("Lãnh đạo chuyên - môn. được", "Lãnh đạo chuyên môn được"),
            "Lãnh đạo chuyên môn được"
        );
        assert_eq!(
            agreed_punctuation(
                "Sơn Tây - Đan Phượng; TP. Hà Nội",
                "Sơn Tây - Đan Phượng, TP Hà Nội"
            ),
            "Sơn Tây - Đan Phượng; TP. Hà Nội"
        );
        assert_eq!(agreed_punctuation("- Kiểm tra", "Kiểm tra"), "- Kiểm tra");
        assert_eq!(
            agreed_punctuation("2025 - 2035", "2025- 2035"),
            "2025 - 2035"
        );
    }

    #[test]
    fn a_skewed_ruled_grid_gives_its_cells_without_rules() {
        for skew in [0.0, 0.015, -0.02] {
            let img = ruled_page(skew);
            let mut seen = Vec::new();
            let t = image_tables(
                &img,
                300,
                1,
                &[],
                &mut |cell, _, _| {
                    // A cut must hold the blob and no rule: no dark run as long as a rule.
                    let long = (0..cell.height()).any(|y| {
                        (0..cell.width())
                            .filter(|&x| cell.get_pixel(x, y)[0] < INK)
                            .count()
                            > 200
                    });
                    seen.push(long);
                    Some(("x".into(), 90.0))
                },
                &|_| 0,
            );
            assert_eq!(t.len(), 1, "skew {skew}");
            assert_eq!(t[0].table.rows.len(), 3);
            assert_eq!(t[0].table.rows[0].len(), 2);
            assert!(seen.iter().all(|l| !l), "a rule in a cell at skew {skew}");
        }
    }

    #[test]
    fn a_page_of_only_lines_has_no_table() {
        let mut img = GrayImage::from_pixel(600, 600, image::Luma([250]));
        for y in (50..550).step_by(50) {
            for x in 50..550 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        for x in (50..551).step_by(100) {
            for y in 50..551 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        let mut calls = 0;
        let t = image_tables(
            &img,
            300,
            1,
            &[],
            &mut |_, _, _| {
                calls += 1;
                Some((String::new(), 0.0))
            },
            &|_| 0,
        );
        assert!(t.is_empty());
        assert_eq!(calls, 0, "empty cells are not OCR'd");
    }
}
