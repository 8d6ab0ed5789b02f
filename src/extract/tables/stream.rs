//! Tables without rules, found from where the words stand, the way Camelot's stream mode and
//! pdfplumber's "text" strategy read them: the words are grouped into text lines; a run of
//! neighbouring lines is a table when blank column gaps run down through every one of its
//! lines. Shared by born-digital PDF pages (words from the characters with boxes) and scans
//! (the page OCR's words); the result is a [`Grid`] whose cells the caller fills as it fills a
//! ruled grid's.
//!
//! Strict, so that the layouts of an ordinary page never become a table: at least
//! [`MIN_GAPS`] gaps (so at least four columns: the two-column issuer | motto header, a
//! signature block beside the recipients list or a number before its paragraph have one or
//! two) at least [`GAP_PER_HEIGHT`] of a line height wide (wider than a stretched space) in
//! every line of the block; at least [`MIN_ROWS`] lines with two cells or more; a first line
//! (the header) that fills most columns and names them with letters; every column filled in two
//! lines or more; short cells ([`MAX_CELL_CHARS`]), so no run of sentences. Unlike Camelot's
//! stream mode, which makes each text line a row, a header wrapped over lines down to the first
//! row label (`1`, `Bước 1`) is one row, and a line that leaves the first column empty and
//! fills at most half the columns continues the row above (a wrapped cell).
//!
//! ```
//! use sohoa::extract::tables::stream::{TextBox, find_tables};
//! let mut words = Vec::new();
//! for (r, row) in [["TT", "Ngày", "X92", "X95"], ["1", "27/11", "78,5", "81,4"],
//!                  ["2", "28/11", "79,0", "81,8"]].iter().enumerate() {
//!     for (c, text) in row.iter().enumerate() {
//!         let (x, y) = (c as f32 * 60.0, r as f32 * 16.0);
//!         words.push(TextBox { text: text.to_string(), bbox: [x, y, x + 30.0, y + 12.0] });
//!     }
//! }
//! let grids = find_tables(&words, &[]);
//! assert_eq!(grids.len(), 1);
//! assert_eq!((grids[0].columns(), grids[0].ys.len() - 1), (4, 3));
//! ```

use super::grid::{Cell, Grid, group_lines};

/// A word (or any run of text on one line) and its box `[x0, y0, x1, y1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Its text.
    pub text: String,
    /// Its box.
    pub bbox: [f32; 4],
}

/// Column gaps every line of a table must share: four columns or more.
pub const MIN_GAPS: usize = 3;
/// Lines with at least two cells a table must have (a header and two rows).
pub const MIN_ROWS: usize = 3;
/// A column gap is at least this share of the text line's height wide: more than a word space,
/// even a justified line's stretched one (about a third of the height), less than a table's
/// column padding (about an em).
pub const GAP_PER_HEIGHT: f32 = 0.6;
/// A cell holds at most this many characters on a line: two thirds of a line of running text
/// (about 90 on an A4 page), what the widest of four columns leaves room for; a line of running
/// text is not a cell.
pub const MAX_CELL_CHARS: usize = 60;
/// A line joins the block only when the space above it is at most this many line heights (a
/// blank line or a paragraph's spacing ends a table).
const MAX_LINE_SPACE: f32 = 1.5;
/// Pages beyond these are read as having no table without rules (bounded time).
const MAX_WORDS: usize = 100_000;
const MAX_LINES: usize = 5_000;

/// One text line: its words left to right, its top and bottom, and its base (the median of its
/// words' bottoms: the baseline, whatever the marks and descenders of a few words).
struct TextLine<'a> {
    words: Vec<&'a TextBox>,
    top: f32,
    bottom: f32,
    base: f32,
}

impl TextLine<'_> {
    fn height(&self) -> f32 {
        (self.bottom - self.top).max(f32::EPSILON)
    }
}

/// Whether a word is ink a column gap cannot cross: a speck the OCR read as a mark alone is not.
fn is_ink(word: &TextBox) -> bool {
    word.text.chars().any(char::is_alphanumeric)
}

/// The x-extents of `lines`' words, merged where they touch, left to right.
fn ink(lines: &[TextLine]) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = lines
        .iter()
        .flat_map(|l| l.words.iter())
        .filter(|w| is_ink(w))
        .map(|w| (w.bbox[0], w.bbox[2]))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The blank x-intervals at least `min` wide between the words of `lines`.
fn gaps(lines: &[TextLine], min: f32) -> Vec<(f32, f32)> {
    ink(lines)
        .windows(2)
        .map(|w| (w[0].1, w[1].0))
        .filter(|(a, b)| b - a >= min)
        .collect()
}

/// The cells of `line` between column boundaries `xs`: each word in the column holding its
/// centre, words joined with a space.
fn cells_of(line: &TextLine, xs: &[f32]) -> Vec<String> {
    let mut cells = vec![String::new(); xs.len().saturating_sub(1)];
    for w in &line.words {
        let centre = (w.bbox[0] + w.bbox[2]) / 2.0;
        let k = xs[1..xs.len() - 1].iter().filter(|x| **x <= centre).count();
        if let Some(cell) = cells.get_mut(k) {
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(&w.text);
        }
    }
    cells
}

fn filled(cells: &[String]) -> usize {
    cells.iter().filter(|c| !c.trim().is_empty()).count()
}

/// Column boundaries of a block: its left and right edges and the middle of each gap.
fn boundaries(lines: &[TextLine], gaps: &[(f32, f32)]) -> Vec<f32> {
    let spans = ink(lines);
    let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
        return Vec::new();
    };
    let mut xs = vec![first.0];
    xs.extend(gaps.iter().map(|(a, b)| (a + b) / 2.0));
    xs.push(last.1);
    xs
}

/// The tables without rules among `words` (any unit: the thresholds are shares of the text
/// line height), leaving out words whose centres fall in `taken` (ruled tables, `[x0, y0, x1,
/// y1]`). Each is a grid of one cell per text line and column, top to bottom.
pub fn find_tables(words: &[TextBox], taken: &[[f32; 4]]) -> Vec<Grid> {
    if words.len() > MAX_WORDS {
        return Vec::new();
    }
    // specks the OCR read as marks alone make no line of their own
    let free: Vec<&TextBox> = words
        .iter()
        .filter(|w| is_ink(w))
        .filter(|w| {
            let (x, y) = ((w.bbox[0] + w.bbox[2]) / 2.0, (w.bbox[1] + w.bbox[3]) / 2.0);
            !taken
                .iter()
                .any(|b| b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3])
        })
        .collect();
    let lines: Vec<TextLine> = group_lines(&free, |w| w.bbox)
        .into_iter()
        .map(|words| {
            let words: Vec<&TextBox> = words.into_iter().copied().collect();
            let top = words.iter().map(|w| w.bbox[1]).fold(f32::MAX, f32::min);
            let bottom = words.iter().map(|w| w.bbox[3]).fold(f32::MIN, f32::max);
            let mut bottoms: Vec<f32> = words.iter().map(|w| w.bbox[3]).collect();
            bottoms.sort_by(f32::total_cmp);
            let base = bottoms[bottoms.len() / 2];
            TextLine {
                words,
                top,
                bottom,
                base,
            }
        })
        .collect();
    if lines.len() > MAX_LINES {
        return Vec::new();
    }
    let mut grids = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match table_from(&lines, i) {
            Some((grid, end)) => {
                grids.push(grid);
                i = end;
            }
            None => i += 1,
        }
    }
    grids
}

/// The `ruled` grids of a page with the grids of the tables without rules among `words`
/// outside them ([`find_tables`]) added, top to bottom.
pub fn with_unruled(mut ruled: Vec<Grid>, words: &[TextBox]) -> Vec<Grid> {
    let taken: Vec<[f32; 4]> = ruled.iter().map(Grid::bbox).collect();
    let unruled = find_tables(words, &taken);
    ruled.extend(unruled);
    ruled.sort_by(|a, b| a.ys[0].total_cmp(&b.ys[0]));
    ruled
}

/// The table whose header is line `start`, if there is one, and the line after it.
fn table_from(lines: &[TextLine], start: usize) -> Option<(Grid, usize)> {
    let height = lines[start].height();
    let min_gap = GAP_PER_HEIGHT * height;
    let mut current = gaps(&lines[start..=start], min_gap);
    if current.len() < MIN_GAPS {
        return None;
    }
    // Grow down while every gap found so far still has a blank stretch as wide in the new line.
    let mut end = start + 1;
    while end < lines.len() {
        if lines[end].top - lines[end - 1].bottom > MAX_LINE_SPACE * height {
            break;
        }
        let next = gaps(&lines[start..=end], min_gap);
        let kept = current
            .iter()
            .all(|g| next.iter().any(|n| n.0 < g.1 && n.1 > g.0));
        if !kept {
            break;
        }
        current = next;
        end += 1;
    }
    // A line of one cell at the foot (a note, a page number) is not a row of the table.
    loop {
        let block = &lines[start..end];
        let xs = boundaries(block, &gaps(block, min_gap));
        if end > start + 1 && filled(&cells_of(&lines[end - 1], &xs)) < 2 {
            end -= 1;
            continue;
        }
        break;
    }
    let block = &lines[start..end];
    let xs = boundaries(block, &gaps(block, min_gap));
    let rows: Vec<Vec<String>> = block.iter().map(|l| cells_of(l, &xs)).collect();
    let pitches: Vec<f32> = block.windows(2).map(|w| w[1].base - w[0].base).collect();
    let runs = row_runs(&rows, &pitches, height);
    is_table(&rows).then(|| (grid_of(lines, start, end, &runs, xs), end))
}

/// Line pitches of a table's body more than this share of a line height apart fall in two
/// groups: lines of one row, and rows (spaced by the cells' padding).
const PITCH_SPREAD: f32 = 0.2;

/// The header lines of a table at most: a header is made of its first lines down to the first
/// line whose first cell is a row label, when one comes this soon.
const MAX_HEADER_LINES: usize = 6;

/// A row label at the start of a first cell: a number (`1`, `1.2`, `3)`), a Roman number (`II.`),
/// a letter item (`a)`) or a word and a number (`Bước 1`).
static ROW_LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]?|[IVXLC]{1,6}[.)]?|\p{Ll}[.)]|\p{L}+ \d{1,3}[.:]?)(?:\s|$)",
    )
    .expect("regex")
});

/// The rows of a block as runs of its lines (`cells`: each line's cells; `pitches`: from each
/// line's base to the next's). The header is the first line, or the first lines down to the
/// first one that starts with a row label (a header wrapped over several lines). A body line
/// goes on with the row above (a cell wrapped over lines) when it stands closer to it than rows
/// stand to each other: the body's pitches fall in two groups more than [`PITCH_SPREAD`] of a
/// line height apart (rows are spaced by their cells' padding), and its own is in the lower. A
/// line whose first cell starts with a row label, or any other, starts a row: where all lines
/// are spaced alike, a line is a row, as in Camelot's stream mode (a line whose first cell is
/// empty may be a row whose number the OCR missed).
///
/// ```text
/// Thứ tự   Đơn vị/người   Nội dung                       header (3 lines)
/// công     thực hiện      công việc
/// việc
/// Bước 1   Bộ phận một    Kiểm tra, hướng dẫn, tiếp      row 1 (2 lines)
///                         nhận hồ sơ
/// ```
fn row_runs(cells: &[Vec<String>], pitches: &[f32], height: f32) -> Vec<std::ops::Range<usize>> {
    let first_cell = |k: usize| cells[k].first().map_or("", |c| c.trim());
    let header_end = (1..cells.len().min(MAX_HEADER_LINES + 1))
        .find(|&k| ROW_LABEL.is_match(first_cell(k)))
        .unwrap_or(1);
    let body = pitches.get(header_end..).unwrap_or_default();
    let lowest = body.iter().copied().fold(f32::MAX, f32::min);
    let highest = body.iter().copied().fold(f32::MIN, f32::max);
    let tight = |k: usize| {
        highest - lowest > PITCH_SPREAD * height && pitches[k - 1] < (lowest + highest) / 2.0
    };
    let mut runs = Vec::with_capacity(cells.len());
    runs.push(0..header_end);
    for k in header_end..cells.len() {
        let continues = k > header_end && !ROW_LABEL.is_match(first_cell(k)) && tight(k);
        match runs.last_mut() {
            Some(run) if continues => run.end = k + 1,
            _ => runs.push(k..k + 1),
        }
    }
    runs
}

/// The strict test of a block's rows (see the module's documentation).
fn is_table(rows: &[Vec<String>]) -> bool {
    let columns = rows.first().map_or(0, Vec::len);
    if columns < MIN_GAPS + 1 || rows.iter().filter(|r| filled(r) >= 2).count() < MIN_ROWS {
        return false;
    }
    let header = &rows[0];
    let named = header
        .iter()
        .filter(|c| c.chars().any(char::is_alphabetic))
        .count();
    let header_ok = filled(header) * 3 >= columns * 2 && named * 2 >= filled(header);
    let columns_used = (0..columns).all(|k| {
        rows.iter()
            .filter(|r| r.get(k).is_some_and(|c| !c.trim().is_empty()))
            .count()
            >= 2
    });
    let short = rows
        .iter()
        .flatten()
        .all(|c| c.chars().count() <= MAX_CELL_CHARS);
    header_ok && columns_used && short
}

/// The grid of lines `start..end` whose rows are the `runs` of lines (counted from `start`),
/// with column boundaries `xs`: row boundaries halfway between the runs, the outer edges a
/// little outside the text but never over a neighbouring line.
fn grid_of(
    lines: &[TextLine],
    start: usize,
    end: usize,
    runs: &[std::ops::Range<usize>],
    mut xs: Vec<f32>,
) -> Grid {
    let height = lines[start].height();
    let pad = 0.3 * height;
    let above = start.checked_sub(1).map_or(pad, |k| {
        ((lines[start].top - lines[k].bottom) / 2.0).clamp(0.0, pad)
    });
    let below = lines.get(end).map_or(pad, |l| {
        ((l.top - lines[end - 1].bottom) / 2.0).clamp(0.0, pad)
    });
    let mut ys = vec![lines[start].top - above];
    for run in runs.iter().skip(1) {
        let k = start + run.start;
        ys.push((lines[k - 1].bottom + lines[k].top) / 2.0);
    }
    ys.push(lines[end - 1].bottom + below);
    if let Some(first) = xs.first_mut() {
        *first -= pad;
    }
    if let Some(last) = xs.last_mut() {
        *last += pad;
    }
    let mut cells = Vec::new();
    for r in 0..ys.len() - 1 {
        for c in 0..xs.len() - 1 {
            cells.push(Cell {
                row: r,
                col: c,
                rowspan: 1,
                colspan: 1,
                bbox: [xs[c], ys[r], xs[c + 1], ys[r + 1]],
            });
        }
    }
    Grid { xs, ys, cells }
}

/// Words from positioned characters: lines as [`super::grid::text_of`] makes them, cut where
/// the space between two characters is wider than a tenth of the line's height.
///
/// ```
/// use sohoa::extract::tables::stream::words_of_chars;
/// let chars = [('a', [0.0, 0.0, 5.0, 10.0]), ('b', [5.0, 0.0, 10.0, 10.0]),
///              ('c', [20.0, 0.0, 25.0, 10.0])];
/// let words = words_of_chars(&chars);
/// assert_eq!(words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["ab", "c"]);
/// assert_eq!(words[0].bbox, [0.0, 0.0, 10.0, 10.0]);
/// ```
pub fn words_of_chars(chars: &[(char, [f32; 4])]) -> Vec<TextBox> {
    let mut out = Vec::new();
    for line in group_lines(chars, |c| c.1) {
        let top = line.iter().map(|c| c.1[1]).fold(f32::MAX, f32::min);
        let bottom = line.iter().map(|c| c.1[3]).fold(f32::MIN, f32::max);
        let space = (bottom - top) * 0.1;
        let mut word: Option<TextBox> = None;
        for (c, b) in line {
            match word.as_mut() {
                Some(w) if b[0] - w.bbox[2] <= space => {
                    w.text.push(*c);
                    w.bbox = [
                        w.bbox[0].min(b[0]),
                        w.bbox[1].min(b[1]),
                        w.bbox[2].max(b[2]),
                        w.bbox[3].max(b[3]),
                    ];
                }
                _ => {
                    out.extend(word.take());
                    word = Some(TextBox {
                        text: c.to_string(),
                        bbox: *b,
                    });
                }
            }
        }
        out.extend(word);
    }
    out
}

/// The skew of a scanned page's text (tan of the angle) from the page OCR's `words`: the median
/// slope of the lines Tesseract read (words of one block and line; at least three of them,
/// spanning at least `min_span` pixels), each the least-squares slope of its words' bottoms.
/// `None` without such lines. A page without long rules is turned back by it before its words
/// are looked at for a table without rules.
///
/// ```
/// use sohoa::ingest::Word;
/// let word = |x: u32, line: u32| Word { text: "chữ".into(), bbox: [x, 100 * line + x / 50, 40, 20],
///     confidence: 90.0, block: 1, line, alternatives: Vec::new() };
/// let words: Vec<Word> = (0..3).flat_map(|l| (0..10).map(move |k| word(k * 60, l))).collect();
/// let slope = sohoa::extract::tables::stream::text_slope(&words, 300.0).unwrap();
/// assert!((slope - 0.02).abs() < 0.002);
/// ```
pub fn text_slope(words: &[crate::ingest::Word], min_span: f32) -> Option<f64> {
    let mut lines: std::collections::BTreeMap<(u32, u32), Vec<(f64, f64)>> = Default::default();
    for w in words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
    {
        let [x, y, width, height] = w.bbox.map(f64::from);
        lines
            .entry((w.block, w.line))
            .or_default()
            .push((x + width / 2.0, y + height));
    }
    let mut slopes: Vec<f64> = lines
        .values()
        .filter(|points| points.len() >= 3)
        .filter_map(|points| {
            let n = points.len() as f64;
            let (sx, sy) = points
                .iter()
                .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
            let (mx, my) = (sx / n, sy / n);
            let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
            let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
            let span = points.iter().map(|p| p.0).fold(f64::MIN, f64::max)
                - points.iter().map(|p| p.0).fold(f64::MAX, f64::min);
            (span >= f64::from(min_span) && sxx > 0.0).then(|| sxy / sxx)
        })
        .filter(|s| s.abs() < 0.05)
        .collect();
    slopes.sort_by(f64::total_cmp);
    slopes.get(slopes.len() / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words laid out as printed: each row a list of `(x, text)`, rows `pitch` apart, every
    /// character 6 units wide and 12 high.
    fn page(rows: &[&[(f32, &str)]], pitch: f32) -> Vec<TextBox> {
        let ys: Vec<f32> = (0..rows.len()).map(|r| r as f32 * pitch).collect();
        page_at(rows, &ys)
    }

    /// [`page`] with each row's top given.
    fn page_at(rows: &[&[(f32, &str)]], ys: &[f32]) -> Vec<TextBox> {
        let mut words = Vec::new();
        for (row, &y) in rows.iter().zip(ys) {
            for &(x0, cell) in row.iter() {
                let mut x = x0;
                for word in cell.split_whitespace() {
                    let w = word.chars().count() as f32 * 6.0;
                    words.push(TextBox {
                        text: word.to_string(),
                        bbox: [x, y, x + w, y + 12.0],
                    });
                    x += w + 3.0;
                }
            }
        }
        words
    }

    fn rows_of(words: &[TextBox], grid: &Grid) -> Vec<Vec<String>> {
        let mut texts = vec![String::new(); grid.cells.len()];
        for w in words {
            let (x, y) = ((w.bbox[0] + w.bbox[2]) / 2.0, (w.bbox[1] + w.bbox[3]) / 2.0);
            if let Some(k) = grid.cell_at(x, y) {
                if !texts[k].is_empty() {
                    texts[k].push(' ');
                }
                texts[k].push_str(&w.text);
            }
        }
        grid.rows(&texts)
    }

    const PRICES: &[&[(f32, &str)]] = &[
        &[(0.0, "Bảng 3. Giá theo ngày")],
        &[
            (0.0, "TT"),
            (40.0, "Ngày"),
            (110.0, "Gạo tẻ"),
            (180.0, "Gạo nếp"),
            (260.0, "Ghi chú"),
        ],
        &[
            (0.0, "1"),
            (40.0, "02/3/26"),
            (110.0, "15.200"),
            (180.0, "21.000"),
            (260.0, "tăng"),
        ],
        &[(0.0, "2"), (40.0, "03/3/26")],
        &[
            (0.0, "3"),
            (40.0, "04/3/26"),
            (110.0, "15.400"),
            (180.0, "21.300"),
        ],
        &[
            (40.0, "Bình quân"),
            (110.0, "15.300"),
            (180.0, "21.150"),
            (260.0, "-"),
        ],
    ];

    #[test]
    fn a_table_laid_out_with_spaces_gives_its_rows_and_columns() {
        let mut rows: Vec<&[(f32, &str)]> = PRICES.to_vec();
        // running text after it, across the columns
        let text: &[(f32, &str)] = &[(0.0, "Các mức giá trên đã gồm thuế giá trị gia tăng.")];
        rows.push(text);
        let words = page(&rows, 16.0);
        let grids = find_tables(&words, &[]);
        assert_eq!(grids.len(), 1);
        let read = rows_of(&words, &grids[0]);
        assert_eq!(read.len(), 5, "{read:?}");
        assert_eq!(read[0], ["TT", "Ngày", "Gạo tẻ", "Gạo nếp", "Ghi chú"]);
        assert_eq!(read[2], ["2", "03/3/26", "", "", ""]);
        assert_eq!(read[4], ["", "Bình quân", "15.300", "21.150", "-"]);
    }

    #[test]
    fn a_header_and_cells_wrapped_over_lines_are_one_row_each() {
        let layout: &[&[(f32, &str)]] = &[
            &[
                (0.0, "Thứ tự"),
                (60.0, "Đơn vị"),
                (140.0, "Nội dung"),
                (260.0, "Thời gian"),
            ],
            &[(0.0, "công"), (60.0, "thực hiện"), (260.0, "thực hiện")],
            &[
                (0.0, "Bước 1"),
                (60.0, "Bộ phận"),
                (140.0, "Kiểm tra hồ sơ"),
                (260.0, "02 giờ"),
            ],
            &[(60.0, "một cửa"), (140.0, "và hướng dẫn")],
            &[
                (0.0, "Bước 2"),
                (60.0, "Lãnh đạo"),
                (140.0, "Phân công"),
                (260.0, "04 giờ"),
            ],
        ];
        // rows spaced by their cells' padding, a cell's lines closer
        let words = page_at(layout, &[0.0, 14.0, 32.0, 46.0, 64.0]);
        let grids = find_tables(&words, &[]);
        assert_eq!(grids.len(), 1);
        assert_eq!(
            rows_of(&words, &grids[0]),
            vec![
                vec![
                    "Thứ tự công",
                    "Đơn vị thực hiện",
                    "Nội dung",
                    "Thời gian thực hiện"
                ],
                vec![
                    "Bước 1",
                    "Bộ phận một cửa",
                    "Kiểm tra hồ sơ và hướng dẫn",
                    "02 giờ"
                ],
                vec!["Bước 2", "Lãnh đạo", "Phân công", "04 giờ"],
            ]
        );
        // spaced alike, each line is a row
        let words = page(layout, 16.0);
        assert_eq!(rows_of(&words, &find_tables(&words, &[])[0]).len(), 4);
    }

    #[test]
    fn words_in_a_ruled_table_are_left_to_it() {
        let words = page(PRICES, 16.0);
        assert!(find_tables(&words, &[[-10.0, 10.0, 400.0, 200.0]]).is_empty());
    }

    #[test]
    fn the_layouts_of_an_ordinary_page_are_no_table() {
        // the issuer | motto header
        let header: &[&[(f32, &str)]] = &[
            &[
                (0.0, "BỘ CÔNG THƯƠNG"),
                (200.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ],
            &[(0.0, "CỤC QUẢN LÝ"), (200.0, "Độc lập - Tự do - Hạnh phúc")],
            &[
                (0.0, "Số: 12/TB-CQL"),
                (200.0, "Hà Nội, ngày 04 tháng 12 năm 2025"),
            ],
        ];
        // recipients beside the signature
        let signature: &[&[(f32, &str)]] = &[
            &[(0.0, "Nơi nhận:"), (250.0, "KT. CỤC TRƯỞNG")],
            &[(0.0, "- Như trên;"), (250.0, "PHÓ CỤC TRƯỞNG")],
            &[(0.0, "- Lãnh đạo Bộ (để b/c);")],
            &[(0.0, "- Lưu: VT, QLTTTN."), (250.0, "Nguyễn Thúy Hiền")],
        ];
        // numbered paragraphs with a hanging number
        let numbered: &[&[(f32, &str)]] = &[
            &[
                (0.0, "1."),
                (20.0, "Trích lập Quỹ Bình ổn giá xăng dầu theo quy định"),
            ],
            &[
                (0.0, "2."),
                (20.0, "Chi sử dụng Quỹ Bình ổn giá xăng dầu theo quy định"),
            ],
            &[
                (0.0, "3."),
                (20.0, "Giá bán xăng dầu không cao hơn mức giá công bố"),
            ],
        ];
        // running text whose words happen to leave wide spaces here and there
        let text: &[&[(f32, &str)]] = &[
            &[
                (0.0, "Căn cứ Nghị định số"),
                (140.0, "83/2014/NĐ-CP ngày"),
                (300.0, "03 tháng 9"),
            ],
            &[(
                0.0,
                "năm 2014 của Chính phủ về kinh doanh xăng dầu và các văn bản sửa đổi",
            )],
            &[
                (0.0, "bổ sung"),
                (80.0, "một số điều"),
                (200.0, "của Nghị định"),
                (330.0, "số 95"),
            ],
        ];
        for layout in [header, signature, numbered, text] {
            let words = page(layout, 16.0);
            assert!(find_tables(&words, &[]).is_empty(), "{layout:?}");
        }
    }

    #[test]
    fn long_cells_or_a_header_of_numbers_are_no_table() {
        let long: &[&[(f32, &str)]] = &[
            &[(0.0, "a"), (40.0, "b"), (100.0, "c"), (160.0, "d")],
            &[
                (0.0, "1"),
                (40.0, "2"),
                (100.0, "3"),
                (
                    160.0,
                    "một câu văn rất dài không phải là một ô của bảng nào mà là một đoạn văn",
                ),
            ],
            &[(0.0, "1"), (40.0, "2"), (100.0, "3"), (160.0, "4")],
        ];
        let numbers: &[&[(f32, &str)]] = &[
            &[(0.0, "10"), (40.0, "20"), (100.0, "30"), (160.0, "40")],
            &[(0.0, "1"), (40.0, "2"), (100.0, "3"), (160.0, "4")],
            &[(0.0, "1"), (40.0, "2"), (100.0, "3"), (160.0, "4")],
        ];
        for layout in [long, numbers] {
            assert!(find_tables(&page(layout, 16.0), &[]).is_empty());
        }
    }

    #[test]
    fn rows_far_apart_are_not_one_table() {
        // the same rows with two blank lines between each
        assert!(find_tables(&page(&PRICES[1..4], 48.0), &[]).is_empty());
    }

    #[test]
    fn many_words_stay_bounded() {
        let words: Vec<TextBox> = (0..MAX_WORDS + 1)
            .map(|i| TextBox {
                text: "x".into(),
                bbox: [(i % 50) as f32 * 20.0, (i / 50) as f32 * 16.0, 0.0, 0.0],
            })
            .collect();
        assert!(find_tables(&words, &[]).is_empty());
    }
}
