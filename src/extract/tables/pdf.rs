//! Tables of born-digital PDF pages: the cell grids of the page's ruling lines
//! ([`super::grid`]) and, outside them, of tables laid out without rules ([`super::stream`]),
//! each cell's text from the characters whose centres fall inside it.

use super::grid::{self, Grid, Line};
use super::stream;
use super::{Table, is_caption};
use crate::ingest::pdf_objects::PageObjects;

/// How far apart (points) two rule positions may be and still be one boundary: doubled
/// borders and rules drawn cell by cell are a point or so apart.
const RULE_TOLERANCE: f32 = 2.0;

/// A character and its box.
type Positioned = (char, [f32; 4]);

/// A table found on one page, with what joining it to the next page's needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PageTable {
    /// The table (page, bbox in points, caption, rows).
    pub table: Table,
    /// Column boundaries in points.
    pub columns: Vec<f32>,
    /// The last page it runs on, once joined with its continuation (else `None`).
    pub last_page: Option<u32>,
    /// It starts in the top third of its page (it may continue a table of the page before).
    pub starts_high: bool,
    /// It ends in the bottom third of its page (it may continue on the next).
    pub ends_low: bool,
}

/// The tables of one page (`page`: 1-based number): ruled, and laid out without rules.
///
/// ```
/// use sohoa::ingest::pdf_objects::{PageObjects, Rule, CharBox};
/// let mut page = PageObjects { width: 200.0, height: 200.0, ..Default::default() };
/// for y in [10.0, 30.0, 50.0] { page.rules.push(Rule { x0: 10.0, y0: y, x1: 110.0, y1: y }); }
/// for x in [10.0, 60.0, 110.0] { page.rules.push(Rule { x0: x, y0: 10.0, x1: x, y1: 50.0 }); }
/// for (c, x, y) in [('A', 20.0, 15.0), ('B', 70.0, 15.0), ('1', 20.0, 35.0), ('2', 70.0, 35.0)] {
///     page.chars.push(CharBox { c, bbox: [x, y, x + 6.0, y + 10.0] });
/// }
/// let t = sohoa::extract::tables::pdf::page_tables(&page, 1);
/// assert_eq!(t[0].table.rows, vec![vec!["A", "B"], vec!["1", "2"]]);
/// ```
pub fn page_tables(page: &PageObjects, number: u32) -> Vec<PageTable> {
    let lines: Vec<Line> = page
        .rules
        .iter()
        .map(|r| {
            if r.is_horizontal() {
                Line::horizontal(r.y0, r.x0, r.x1)
            } else {
                Line::vertical(r.x0, r.y0, r.y1)
            }
        })
        .collect();
    // tables without rules among the characters outside the ruled ones
    let chars: Vec<Positioned> = page.chars.iter().map(|c| (c.c, c.bbox)).collect();
    let grids = stream::with_unruled(
        grid::find_grids(&lines, RULE_TOLERANCE),
        &stream::words_of_chars(&chars),
    );
    let mut per_cell: Vec<Vec<Vec<Positioned>>> = grids
        .iter()
        .map(|g| vec![Vec::new(); g.cells.len()])
        .collect();
    let mut outside = Vec::new();
    for ch in &page.chars {
        let (x, y) = (
            (ch.bbox[0] + ch.bbox[2]) / 2.0,
            (ch.bbox[1] + ch.bbox[3]) / 2.0,
        );
        let hit = grids
            .iter()
            .enumerate()
            .find_map(|(gi, g)| g.cell_at(x, y).map(|ci| (gi, ci)));
        match hit {
            Some((gi, ci)) => per_cell[gi][ci].push((ch.c, ch.bbox)),
            None => outside.push((ch.c, ch.bbox)),
        }
    }
    let text_lines = grid::lines_of(&outside);
    grids
        .iter()
        .zip(per_cell)
        .filter_map(|(g, cells)| {
            let texts: Vec<String> = cells.iter().map(|c| grid::text_of(c)).collect();
            let rows = g.rows(&texts);
            // A grid with no text (a form of empty boxes) is not a data table.
            if texts.iter().all(String::is_empty) {
                return None;
            }
            let [x0, y0, x1, y1] = g.bbox();
            Some(PageTable {
                table: Table {
                    page: Some(number),
                    bbox: Some([x0, y0, x1 - x0, y1 - y0].map(|v| (v * 10.0).round() / 10.0)),
                    caption: caption_above(&text_lines, g),
                    rows,
                },
                columns: g.xs.clone(),
                last_page: None,
                starts_high: y0 < page.height / 3.0,
                ends_low: y1 > page.height * 2.0 / 3.0,
            })
        })
        .collect()
}

/// The text line just above a table (less than two line heights of space between), when it
/// reads as a heading.
pub(crate) fn caption_above(lines: &[(String, [f32; 4])], g: &Grid) -> Option<String> {
    let [x0, top, x1, _] = g.bbox();
    let (text, b) = lines
        .iter()
        .filter(|(_, b)| b[3] <= top + 1.0 && b[2] > x0 && b[0] < x1)
        .max_by(|a, b| a.1[3].total_cmp(&b.1[3]))?;
    let height = (b[3] - b[1]).max(1.0);
    (top - b[3] <= 2.0 * height && is_caption(text)).then(|| text.clone())
}

/// Joins a table continued on the next page: the next page's first table, without a caption,
/// with the same outer edges (within three points) as the previous page's last table and
/// column boundaries that one of the two has all of (a merged row alone at the foot of a page
/// shows fewer). A repeated header row starts a new table, as in text. Tables of fewer than two
/// rows or columns are left out at the end.
///
/// ```
/// use sohoa::extract::tables::{Table, pdf::{PageTable, join_pages}};
/// let part = |page, rows: Vec<Vec<&str>>, columns: Vec<f32>| PageTable {
///     table: Table { page: Some(page), rows: rows.into_iter().map(|r| r.into_iter().map(String::from).collect()).collect(), ..Table::default() },
///     columns, last_page: None, starts_high: true, ends_low: true,
/// };
/// let joined = join_pages(vec![
///     part(1, vec![vec!["TT", "Tên"], vec!["1", "A"]], vec![10.0, 50.0, 200.0]),
///     part(2, vec![vec!["Ghi chú chung"]], vec![10.0, 200.0]),
///     part(3, vec![vec!["2", "B"]], vec![10.5, 50.0, 200.0]),
/// ]);
/// assert_eq!(joined.len(), 1);
/// assert_eq!(joined[0].rows[2], vec!["Ghi chú chung", ""]);
/// assert_eq!(joined[0].rows[3], vec!["2", "B"]);
/// ```
pub fn join_pages(found: Vec<PageTable>) -> Vec<Table> {
    const SAME: f32 = 3.0;
    let near = |a: f32, b: &[f32]| b.iter().any(|x| (a - x).abs() <= SAME);
    let mut out: Vec<PageTable> = Vec::new();
    for t in found {
        let continues = out.last().is_some_and(|prev| {
            let next_page = prev.last_page.or(prev.table.page).map(|p| p + 1) == t.table.page;
            let (pc, tc) = (&prev.columns, &t.columns);
            let edges = pc.len() >= 2
                && tc.len() >= 2
                && (pc[0] - tc[0]).abs() <= SAME
                && (pc[pc.len() - 1] - tc[tc.len() - 1]).abs() <= SAME;
            let nested = tc.iter().all(|x| near(*x, pc)) || pc.iter().all(|x| near(*x, tc));
            next_page
                && prev.ends_low
                && t.starts_high
                && t.table.caption.is_none()
                && edges
                && nested
                && !t
                    .table
                    .rows
                    .first()
                    .zip(prev.table.rows.first())
                    .is_some_and(|(row, header)| super::repeats_header(header, row))
        });
        match out.last_mut() {
            Some(prev) if continues => {
                let page = t.table.page;
                let columns = if t.columns.len() > prev.columns.len() {
                    t.columns.clone()
                } else {
                    prev.columns.clone()
                };
                let place = |rows: Vec<Vec<String>>, own: &[f32]| -> Vec<Vec<String>> {
                    rows.into_iter()
                        .map(|r| {
                            let mut wide = vec![String::new(); columns.len() - 1];
                            for (cell, x) in r.into_iter().zip(own) {
                                if let Some(k) = columns.iter().position(|c| (c - x).abs() <= SAME)
                                    && k < wide.len()
                                {
                                    wide[k] = cell;
                                }
                            }
                            wide
                        })
                        .collect()
                };
                let mut rows = place(std::mem::take(&mut prev.table.rows), &prev.columns);
                rows.extend(place(t.table.rows, &t.columns));
                prev.table.rows = rows;
                prev.columns = columns;
                prev.last_page = page;
                prev.ends_low = t.ends_low;
            }
            _ => out.push(t),
        }
    }
    out.into_iter()
        .flat_map(|t| super::split_repeated_header(t.table))
        .filter(|t| t.rows.len() >= 2 && t.width() >= 2)
        .collect()
}
