//! Tables of scanned pages: ruling lines found on the page image, the cell grid built from them
//! ([`super::grid`]), each cell OCR'd in its own box with a single-block segmentation, so text
//! never runs across columns.
//!
//! The lines are found as Leptonica's line extraction does (a morphological opening of the
//! binarised page with a long horizontal or vertical structuring element keeps only runs of
//! dark pixels longer than it): runs of at least a fifth of an inch (vertical) or a third of an
//! inch (horizontal), with one-pixel breaks bridged, linked across neighbouring pixel rows into
//! lines. A skewed scan's lines are sloped: the grid is built in coordinates turned back by the
//! median slope of the long horizontal lines, and each cell is cut from the native pixels
//! (never resampled) along its turned-back box, with the rules' pixels painted white so no
//! `|` is read.

use super::grid::{self, Line};
use super::pdf::PageTable;
use super::{Table, is_caption};
use crate::ingest::{Document, PageContent, PageOptions};
use crate::ocr::{OcrOptions, recognize_block};
use image::GrayImage;

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

/// The ruled tables of a page image at `dpi` (`number`: 1-based page), cells read by `read_cell`
/// (the cell's pixels, rules painted white; `None` skips the page's remaining cells).
pub fn image_tables(
    img: &GrayImage,
    dpi: u32,
    number: u32,
    read_cell: &mut dyn FnMut(&GrayImage) -> Option<String>,
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
        slope: slopes.get(slopes.len() / 2).copied().unwrap_or(0.0),
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
    let grids = grid::find_grids(&lines, (dpi_f / 25.0) as f32);
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
        let mut texts = Vec::with_capacity(g.cells.len());
        for c in &g.cells {
            let text = if stopped {
                String::new()
            } else {
                match cut(&clean, turn, c.bbox, margin) {
                    Some(cell) if has_ink(&cell) => read_cell(&cell).unwrap_or_else(|| {
                        stopped = true;
                        String::new()
                    }),
                    _ => String::new(),
                }
            };
            texts.push(text);
        }
        let rows = g.rows(&texts);
        if texts.iter().all(String::is_empty) {
            continue;
        }
        let [x0, y0, x1, _] = g.bbox();
        // The heading just above: a band of about two text lines over the table.
        let band = [x0, (y0 - (dpi_f * 0.36) as f32).max(0.0), x1, y0];
        let caption = cut(&clean, turn, band, margin)
            .filter(has_ink)
            .and_then(|b| read_cell(&b))
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
/// with white (Tesseract reads text touching the border poorly). The pixels are copied, never
/// resampled.
fn cut(img: &GrayImage, turn: Turn, b: [f32; 4], margin: f64) -> Option<GrayImage> {
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
    Some(out)
}

/// The ruled tables of page `index` of a scanned document, each cell OCR'd on its own.
pub fn page_tables(
    doc: &Document,
    index: u32,
    options: &OcrOptions,
) -> Result<Vec<PageTable>, String> {
    let page = doc
        .page(index, &PageOptions { force_ocr: true })
        .map_err(|e| e.to_string())?;
    let PageContent::Image { image, dpi, .. } = page.content else {
        return Ok(Vec::new());
    };
    let mut failure = None;
    let found = image_tables(&image, dpi, index + 1, &mut |cell| match recognize_block(
        cell, dpi, options,
    ) {
        Ok(t) => Some(t),
        Err(e) => {
            failure = Some(e.to_string());
            None
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(found),
    }
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

    #[test]
    fn a_skewed_ruled_grid_gives_its_cells_without_rules() {
        for skew in [0.0, 0.015, -0.02] {
            let img = ruled_page(skew);
            let mut seen = Vec::new();
            let t = image_tables(&img, 300, 1, &mut |cell| {
                // A cut must hold the blob and no rule: no dark run as long as a rule.
                let long = (0..cell.height()).any(|y| {
                    (0..cell.width())
                        .filter(|&x| cell.get_pixel(x, y)[0] < INK)
                        .count()
                        > 200
                });
                seen.push(long);
                Some("x".into())
            });
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
        let t = image_tables(&img, 300, 1, &mut |_| {
            calls += 1;
            Some(String::new())
        });
        assert!(t.is_empty());
        assert_eq!(calls, 0, "empty cells are not OCR'd");
    }
}
