//! Cell grids from ruling lines, the way Camelot's lattice mode reads a table: rules that
//! cross form a table; the distinct rule positions cut it into elementary cells; where the rule
//! between two elementary cells is missing they are one merged cell. Used for born-digital PDF
//! pages (rules drawn by the PDF) and scans (rules found on the image).
//!
//! ```
//! use sohoa::extract::tables::grid::{Line, find_grids};
//! // A 2 x 2 table whose top row is one merged cell.
//! let lines = vec![
//!     Line::horizontal(0.0, 0.0, 100.0), Line::horizontal(20.0, 0.0, 100.0),
//!     Line::horizontal(40.0, 0.0, 100.0),
//!     Line::vertical(0.0, 0.0, 40.0), Line::vertical(100.0, 0.0, 40.0),
//!     Line::vertical(50.0, 20.0, 40.0),
//! ];
//! let grids = find_grids(&lines, 2.0);
//! assert_eq!(grids.len(), 1);
//! assert_eq!(grids[0].cells.len(), 3);
//! assert_eq!(grids[0].cells[0].colspan, 2);
//! ```

/// A ruling line: horizontal at `pos` (y) from `from` to `to` (x), or vertical at `pos` (x).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Horizontal or vertical.
    pub horizontal: bool,
    /// y of a horizontal line, x of a vertical one.
    pub pos: f32,
    /// Start along the line.
    pub from: f32,
    /// End along the line.
    pub to: f32,
}

impl Line {
    /// A horizontal line at `y` from `x0` to `x1`.
    pub fn horizontal(y: f32, x0: f32, x1: f32) -> Line {
        Line {
            horizontal: true,
            pos: y,
            from: x0.min(x1),
            to: x0.max(x1),
        }
    }

    /// A vertical line at `x` from `y0` to `y1`.
    pub fn vertical(x: f32, y0: f32, y1: f32) -> Line {
        Line {
            horizontal: false,
            pos: x,
            from: y0.min(y1),
            to: y0.max(y1),
        }
    }

    fn covers(&self, pos: f32, at: f32, tol: f32) -> bool {
        (self.pos - pos).abs() <= tol && self.from - tol <= at && at <= self.to + tol
    }
}

/// One (possibly merged) cell: its top-left elementary position, its span and its box
/// `[x0, y0, x1, y1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Row of its top-left elementary cell.
    pub row: usize,
    /// Column of its top-left elementary cell.
    pub col: usize,
    /// Rows it spans.
    pub rowspan: usize,
    /// Columns it spans.
    pub colspan: usize,
    /// Its box.
    pub bbox: [f32; 4],
}

/// A ruled table: its column and row boundaries and its cells, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Column boundaries, left to right.
    pub xs: Vec<f32>,
    /// Row boundaries, top to bottom.
    pub ys: Vec<f32>,
    /// The cells, row by row.
    pub cells: Vec<Cell>,
}

impl Grid {
    /// `[x0, y0, x1, y1]` of the whole table.
    pub fn bbox(&self) -> [f32; 4] {
        [
            self.xs[0],
            self.ys[0],
            self.xs[self.xs.len() - 1],
            self.ys[self.ys.len() - 1],
        ]
    }

    /// Number of elementary columns.
    pub fn columns(&self) -> usize {
        self.xs.len() - 1
    }

    /// The index of the cell holding point `(x, y)`, if inside the table.
    pub fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        self.cells
            .iter()
            .position(|c| c.bbox[0] <= x && x < c.bbox[2] && c.bbox[1] <= y && y < c.bbox[3])
    }

    /// The rows as the gold schema writes them: a merged cell's text in its top-left position,
    /// `""` in the positions it spans; rows with no text at all are left out.
    pub fn rows(&self, texts: &[String]) -> Vec<Vec<String>> {
        let (nr, nc) = (self.ys.len() - 1, self.xs.len() - 1);
        let mut rows = vec![vec![String::new(); nc]; nr];
        for (cell, text) in self.cells.iter().zip(texts) {
            rows[cell.row][cell.col] = text.clone();
        }
        rows.retain(|r| r.iter().any(|c| !c.is_empty()));
        rows
    }
}

/// Positions within `tol` of each other, as one position each (their mean).
fn cluster(mut values: Vec<f32>, tol: f32) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((sum, n)) if v - *sum / *n as f32 <= tol => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, 1)),
        }
    }
    out.into_iter().map(|(s, n)| s / n as f32).collect()
}

/// Collinear pieces (a rule drawn cell by cell) joined into one line.
fn merge(lines: &[Line], tol: f32) -> Vec<Line> {
    let mut sorted = lines.to_vec();
    sorted.sort_by(|a, b| {
        (a.horizontal, a.pos, a.from)
            .partial_cmp(&(b.horizontal, b.pos, b.from))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<Line> = Vec::new();
    for l in sorted {
        // Sorted by position first: a piece further along may come before one it does not
        // touch (another table's edge at the same x), so both ends are checked.
        if let Some(last) = out.iter_mut().rev().take(64).find(|m| {
            m.horizontal == l.horizontal
                && (m.pos - l.pos).abs() <= tol
                && l.from <= m.to + tol
                && m.from <= l.to + tol
        }) {
            last.from = last.from.min(l.from);
            last.to = last.to.max(l.to);
            continue;
        }
        out.push(l);
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// At most this many lines make tables on one page: beyond it (a drawing, a hatched area) the
/// page is read as having no ruled table rather than in quadratic time.
const MAX_LINES: usize = 4000;

/// The ruled grids among `lines` (`tol`: how far apart two rule positions may be and still be
/// the same boundary, in the lines' unit), a single box included; an empty grid (a form of
/// only lines) is returned too: its caller drops it when no text falls inside.
pub fn find_grids(lines: &[Line], tol: f32) -> Vec<Grid> {
    let lines = merge(lines, tol);
    if lines.len() > MAX_LINES {
        return Vec::new();
    }
    let n = lines.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&lines[i], &lines[j]);
            if a.horizontal == b.horizontal {
                continue;
            }
            let (h, v) = if a.horizontal { (a, b) } else { (b, a) };
            if h.from - tol <= v.pos
                && v.pos <= h.to + tol
                && v.from - tol <= h.pos
                && h.pos <= v.to + tol
            {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[ri] = rj;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Line>> = Default::default();
    for (i, l) in lines.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(*l);
    }
    let mut grids: Vec<Grid> = groups
        .into_values()
        .filter_map(|group| grid_of(&group, tol))
        .collect();
    grids.sort_by(|a, b| a.ys[0].total_cmp(&b.ys[0]));
    grids
}

fn grid_of(group: &[Line], tol: f32) -> Option<Grid> {
    let xs = cluster(
        group
            .iter()
            .filter(|l| !l.horizontal)
            .map(|l| l.pos)
            .collect(),
        tol,
    );
    let ys = cluster(
        group
            .iter()
            .filter(|l| l.horizontal)
            .map(|l| l.pos)
            .collect(),
        tol,
    );
    // One box is a grid too: a table's last row alone at the foot of a page continues on the
    // next; the caller keeps only tables of at least two rows and two columns in the end.
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let has_v = |k: usize, y: f32| {
        group
            .iter()
            .any(|l| !l.horizontal && l.covers(xs[k], y, tol))
    };
    let has_h = |k: usize, x: f32| {
        group
            .iter()
            .any(|l| l.horizontal && l.covers(ys[k], x, tol))
    };
    let mut taken = vec![vec![false; nc]; nr];
    let mut cells = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if taken[r][c] {
                continue;
            }
            let ymid = (ys[r] + ys[r + 1]) / 2.0;
            let mut colspan = 1;
            while c + colspan < nc && !taken[r][c + colspan] && !has_v(c + colspan, ymid) {
                colspan += 1;
            }
            let mut rowspan = 1;
            while r + rowspan < nr
                && (c..c + colspan).all(|k| {
                    !taken[r + rowspan][k] && !has_h(r + rowspan, (xs[k] + xs[k + 1]) / 2.0)
                })
            {
                rowspan += 1;
            }
            for row in taken.iter_mut().skip(r).take(rowspan) {
                for t in row.iter_mut().skip(c).take(colspan) {
                    *t = true;
                }
            }
            cells.push(Cell {
                row: r,
                col: c,
                rowspan,
                colspan,
                bbox: [xs[c], ys[r], xs[c + colspan], ys[r + rowspan]],
            });
        }
    }
    Some(Grid { xs, ys, cells })
}

/// Text from positioned characters: lines by their vertical centres, characters left to right,
/// a space where the gap is wider than a tenth of the line's height. Lines are joined with a
/// space, as the gold schema joins a cell's lines, except after a hyphen.
///
/// ```
/// use sohoa::extract::tables::grid::text_of;
/// let chars = [('b', [6.0, 0.0, 11.0, 10.0]), ('a', [0.0, 0.0, 5.0, 10.0]),
///              ('c', [20.0, 0.0, 25.0, 10.0]), ('d', [0.0, 12.0, 5.0, 22.0])];
/// assert_eq!(text_of(&chars), "ab c d");
/// ```
pub fn text_of(chars: &[(char, [f32; 4])]) -> String {
    join_lines(lines_of(chars).into_iter().map(|(line, _)| line))
}

/// Lines joined with a space, as the gold schema joins a cell's lines, except after a hyphen:
/// a line broken after a hyphen (`2.000-` / `3.200`) goes on without a space.
///
/// ```
/// use sohoa::extract::tables::grid::join_lines;
/// assert_eq!(join_lines(["Hà".to_string(), "Nội".into()]), "Hà Nội");
/// assert_eq!(join_lines(["2.000-".to_string(), "3.200".into()]), "2.000-3.200");
/// ```
pub fn join_lines(lines: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for line in lines {
        let mut tail = out.chars().rev();
        let hyphen = tail.next() == Some('-') && tail.next().is_some_and(char::is_alphanumeric);
        if !out.is_empty() && !hyphen {
            out.push(' ');
        }
        out.push_str(&line);
    }
    out
}

/// Items with boxes `[x0, y0, x1, y1]` grouped into lines, top to bottom (an item joins the
/// line above when its middle is within 0.4 of that line's height of the line's centre), each
/// line left to right.
///
/// ```
/// use sohoa::extract::tables::grid::group_lines;
/// let boxes = [[6.0, 0.0, 11.0, 10.0], [0.0, 12.0, 5.0, 22.0], [0.0, 0.0, 5.0, 10.0]];
/// let lines = group_lines(&boxes, |b| *b);
/// assert_eq!(lines, vec![vec![&boxes[2], &boxes[0]], vec![&boxes[1]]]);
/// ```
pub fn group_lines<T>(items: &[T], bbox: impl Fn(&T) -> [f32; 4]) -> Vec<Vec<&T>> {
    let mut sorted: Vec<(&T, [f32; 4])> = items.iter().map(|t| (t, bbox(t))).collect();
    sorted.sort_by(|a, b| (a.1[1] + a.1[3]).total_cmp(&(b.1[1] + b.1[3])));
    let mut lines: Vec<Vec<(&T, [f32; 4])>> = Vec::new();
    for item in sorted {
        let mid = (item.1[1] + item.1[3]) / 2.0;
        let joins = lines.last().is_some_and(|line| {
            let (top, bottom) = line.iter().fold((f32::MAX, f32::MIN), |(t, b), c| {
                (t.min(c.1[1]), b.max(c.1[3]))
            });
            let centre = (top + bottom) / 2.0;
            (mid - centre).abs() <= (bottom - top) * 0.4
        });
        match lines.last_mut() {
            Some(line) if joins => line.push(item),
            _ => lines.push(vec![item]),
        }
    }
    lines
        .into_iter()
        .map(|mut line| {
            line.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
            line.into_iter().map(|(t, _)| t).collect()
        })
        .collect()
}

/// The lines of positioned characters (see [`text_of`]), top to bottom, each with its box.
pub fn lines_of(chars: &[(char, [f32; 4])]) -> Vec<(String, [f32; 4])> {
    group_lines(chars, |c| c.1)
        .into_iter()
        .map(|line| {
            let top = line.iter().map(|c| c.1[1]).fold(f32::MAX, f32::min);
            let bottom = line.iter().map(|c| c.1[3]).fold(f32::MIN, f32::max);
            let gap = (bottom - top) * 0.1;
            let mut text = String::new();
            let mut right = f32::MIN;
            for c in &line {
                if !text.is_empty() && c.1[0] - right > gap {
                    text.push(' ');
                }
                text.push(c.0);
                right = right.max(c.1[2]);
            }
            let left = line.first().map_or(0.0, |c| c.1[0]);
            (text, [left, top, right, bottom])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn box_grid(xs: &[f32], ys: &[f32]) -> Vec<Line> {
        let mut lines = Vec::new();
        for &y in ys {
            lines.push(Line::horizontal(y, xs[0], xs[xs.len() - 1]));
        }
        for &x in xs {
            lines.push(Line::vertical(x, ys[0], ys[ys.len() - 1]));
        }
        lines
    }

    #[test]
    fn a_full_grid_has_one_cell_per_position() {
        let g = find_grids(&box_grid(&[0.0, 10.0, 20.0, 30.0], &[0.0, 5.0, 10.0]), 1.0);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].cells.len(), 6);
        assert!(g[0].cells.iter().all(|c| c.rowspan == 1 && c.colspan == 1));
    }

    #[test]
    fn merged_header_cells_span_rows_and_columns() {
        // | TT (2 rows) | Quy mô (2 cols) |
        // |             | km    | MVA     |
        let mut lines = vec![
            Line::horizontal(0.0, 0.0, 30.0),
            Line::horizontal(5.0, 10.0, 30.0),
            Line::horizontal(10.0, 0.0, 30.0),
            Line::horizontal(15.0, 0.0, 30.0),
        ];
        lines.extend([0.0, 10.0, 30.0].map(|x| Line::vertical(x, 0.0, 15.0)));
        lines.push(Line::vertical(20.0, 5.0, 15.0));
        let g = &find_grids(&lines, 1.0)[0];
        assert_eq!((g.cells[0].rowspan, g.cells[0].colspan), (2, 1));
        assert_eq!((g.cells[1].rowspan, g.cells[1].colspan), (1, 2));
        let texts: Vec<String> = ["TT", "Quy mô", "km", "MVA", "1", "2", "3"]
            .map(String::from)
            .into();
        assert_eq!(
            g.rows(&texts),
            vec![
                vec!["TT", "Quy mô", ""],
                vec!["", "km", "MVA"],
                vec!["1", "2", "3"]
            ]
        );
    }

    #[test]
    fn rules_drawn_in_pieces_are_joined_and_lone_lines_are_no_table() {
        let mut lines = Vec::new();
        for y in [0.0, 10.0, 20.0] {
            lines.push(Line::horizontal(y, 0.0, 15.2));
            lines.push(Line::horizontal(y + 0.3, 15.0, 30.0));
        }
        for x in [0.0, 15.0, 30.0] {
            lines.push(Line::vertical(x, 0.0, 20.0));
        }
        // An underline under a heading, far away.
        lines.push(Line::horizontal(100.0, 0.0, 50.0));
        let g = find_grids(&lines, 1.0);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].cells.len(), 4);
        // The underline alone: no box.
        assert!(find_grids(&lines[lines.len() - 1..], 1.0).is_empty());
    }

    #[test]
    fn two_tables_one_above_the_other_keep_their_own_edges() {
        // The lower table's edge is found first (a slightly smaller x), then the upper's.
        let mut lines = box_grid(&[10.0, 50.0, 90.0], &[0.0, 10.0, 20.0]);
        lines.extend(box_grid(&[9.8, 30.0, 90.2], &[40.0, 50.0, 60.0, 70.0]));
        let g = find_grids(&lines, 1.0);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].cells.len(), 4);
        assert_eq!(g[1].cells.len(), 6);
    }

    #[test]
    fn many_lines_stay_bounded() {
        let lines: Vec<Line> = (0..10_000)
            .map(|i| Line::horizontal(i as f32, 0.0, 10.0))
            .collect();
        assert!(find_grids(&lines, 0.1).is_empty());
    }
}
