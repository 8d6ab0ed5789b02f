//! What PDFium says about a born-digital page's drawing: its straight ruling lines (stroked
//! lines, rectangle edges, thin filled rectangles) and its characters with their boxes, in PDF
//! points from the top-left corner of the page. Table reading builds cell grids from these.

use super::Error;
use super::pdf::compose;
use pdfium_render::prelude::*;

/// An axis-parallel ruling line, in points from the top-left corner: horizontal when
/// `y0 == y1`, vertical when `x0 == x1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Left (or the x of a vertical rule).
    pub x0: f32,
    /// Top (or the y of a horizontal rule).
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y1: f32,
}

impl Rule {
    /// True for a horizontal rule.
    pub fn is_horizontal(&self) -> bool {
        self.y0 == self.y1
    }
}

/// One character of the text layer and its box `[x0, y0, x1, y1]` (top-left origin, points).
#[derive(Debug, Clone, PartialEq)]
pub struct CharBox {
    /// The character.
    pub c: char,
    /// Its box.
    pub bbox: [f32; 4],
}

/// A page's rules and characters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageObjects {
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Ruling lines.
    pub rules: Vec<Rule>,
    /// Characters of the text layer (whitespace left out), in content order.
    pub chars: Vec<CharBox>,
    /// Whether the page draws its text itself (born-digital), not an OCR layer over a scan,
    /// whose characters are an earlier OCR's and whose table is in the image.
    pub born_digital: bool,
}

/// How far from axis-parallel (points) a drawn segment may be and still be a rule, and how thin
/// a filled rectangle must be to be drawn as a line.
const STRAIGHT_TOLERANCE: f32 = 0.5;
const THIN_RECT: f32 = 3.0;
/// Paths and characters read per page at most: a page beyond it (a plotted drawing) is read up
/// to it, in bounded time and memory.
const MAX_SEGMENTS: usize = 200_000;
const MAX_CHARS: usize = 200_000;

fn apply(m: [f32; 6], x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Reads the rules and characters of `page`.
pub(super) fn read(page: &PdfPage) -> PageObjects {
    // Objects and characters are in the unrotated page space; PDFium gives the size as shown
    // (turned by /Rotate), so a quarter-turned page's sides are swapped back.
    let quarter = matches!(
        page.rotation(),
        Ok(PdfPageRenderRotation::Degrees90 | PdfPageRenderRotation::Degrees270)
    );
    let (width, height) = if quarter {
        (page.height().value, page.width().value)
    } else {
        (page.width().value, page.height().value)
    };
    let mut out = PageObjects {
        width,
        height,
        born_digital: super::text_layer::classify(
            &super::pdf::inventory(page),
            super::pdf::page_box(page),
        ) == super::text_layer::LayerKind::BornDigital,
        ..PageObjects::default()
    };
    let mut budget = MAX_SEGMENTS;
    for object in page.objects().iter() {
        collect(
            &object,
            [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            0,
            &mut budget,
            &mut out.rules,
        );
    }
    // PDF y grows upwards; table geometry reads top-down.
    for r in &mut out.rules {
        (r.y0, r.y1) = (height - r.y1, height - r.y0);
    }
    if let Ok(text) = page.text() {
        for ch in text.chars().iter().take(MAX_CHARS) {
            let Some(c) = ch.unicode_char().filter(|c| !c.is_whitespace()) else {
                continue;
            };
            // PDFium reports a hyphen that ends a line as U+0002.
            let c = if c == '\u{2}' { '-' } else { c };
            let Ok(b) = ch.loose_bounds() else { continue };
            out.chars.push(CharBox {
                c,
                bbox: [
                    b.left().value,
                    height - b.top().value,
                    b.right().value,
                    height - b.bottom().value,
                ],
            });
        }
    }
    out
}

fn collect(
    object: &PdfPageObject,
    parent: [f32; 6],
    depth: usize,
    budget: &mut usize,
    rules: &mut Vec<Rule>,
) {
    let matrix = object
        .matrix()
        .map(|m| compose([m.a(), m.b(), m.c(), m.d(), m.e(), m.f()], parent))
        .unwrap_or(parent);
    match object {
        PdfPageObject::Path(path) => {
            let mut subpath: Vec<(f32, f32)> = Vec::new();
            for segment in path.segments().raw().iter() {
                if *budget == 0 {
                    break;
                }
                *budget -= 1;
                let p = apply(matrix, segment.x().value, segment.y().value);
                match segment.segment_type() {
                    PdfPathSegmentType::MoveTo => {
                        subpath_rules(&subpath, rules);
                        subpath.clear();
                        subpath.push(p);
                    }
                    PdfPathSegmentType::LineTo => {
                        subpath.push(p);
                        if segment.is_close()
                            && let Some(&first) = subpath.first()
                        {
                            subpath.push(first);
                        }
                    }
                    // A curve ends the straight run (rounded corners, circles).
                    _ => {
                        subpath_rules(&subpath, rules);
                        subpath.clear();
                        subpath.push(p);
                    }
                }
            }
            subpath_rules(&subpath, rules);
        }
        PdfPageObject::XObjectForm(form) if depth < 8 => {
            for child in form.iter() {
                collect(&child, matrix, depth + 1, budget, rules);
            }
        }
        _ => {}
    }
}

/// The rules of one subpath: a thin rectangle is one line along its middle; otherwise every
/// axis-parallel straight piece is a line (a stroked rectangle gives its four edges).
fn subpath_rules(points: &[(f32, f32)], rules: &mut Vec<Rule>) {
    if points.len() < 2 {
        return;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in points {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let (w, h) = (x1 - x0, y1 - y0);
    let axis_parallel = points.windows(2).all(|p| {
        (p[0].0 - p[1].0).abs() <= STRAIGHT_TOLERANCE
            || (p[0].1 - p[1].1).abs() <= STRAIGHT_TOLERANCE
    });
    if axis_parallel && points.len() >= 4 && (w <= THIN_RECT || h <= THIN_RECT) {
        let rule = if w >= h {
            let y = (y0 + y1) / 2.0;
            Rule {
                x0,
                y0: y,
                x1,
                y1: y,
            }
        } else {
            let x = (x0 + x1) / 2.0;
            Rule {
                x0: x,
                y0,
                x1: x,
                y1,
            }
        };
        rules.push(rule);
        return;
    }
    for p in points.windows(2) {
        let ((ax, ay), (bx, by)) = (p[0], p[1]);
        if (ay - by).abs() <= STRAIGHT_TOLERANCE && (ax - bx).abs() > STRAIGHT_TOLERANCE {
            let y = (ay + by) / 2.0;
            rules.push(Rule {
                x0: ax.min(bx),
                y0: y,
                x1: ax.max(bx),
                y1: y,
            });
        } else if (ax - bx).abs() <= STRAIGHT_TOLERANCE && (ay - by).abs() > STRAIGHT_TOLERANCE {
            let x = (ax + bx) / 2.0;
            rules.push(Rule {
                x0: x,
                y0: ay.min(by),
                x1: x,
                y1: ay.max(by),
            });
        }
    }
}

impl super::Document {
    /// The rules and characters of page `index` (0-based) of a PDF; `None` for image files.
    ///
    /// ```no_run
    /// use sohoa::ingest::{Document, Limits};
    /// let doc = Document::open("plan.pdf".as_ref(), &Limits::default()).unwrap();
    /// if let Some(objects) = doc.page_objects(0).unwrap() {
    ///     println!("{} rules, {} characters", objects.rules.len(), objects.chars.len());
    /// }
    /// ```
    pub fn page_objects(&self, index: u32) -> Result<Option<PageObjects>, Error> {
        if index >= self.page_count {
            return Err(Error::NoSuchPage(index + 1));
        }
        match &self.inner {
            super::Inner::Pdf(p) => p.with_page(index, |page| Some(read(page))),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thin_filled_rectangle_is_one_rule_and_a_box_four() {
        let mut rules = Vec::new();
        subpath_rules(
            &[
                (10.0, 10.0),
                (110.0, 10.0),
                (110.0, 11.0),
                (10.0, 11.0),
                (10.0, 10.0),
            ],
            &mut rules,
        );
        assert_eq!(
            rules,
            vec![Rule {
                x0: 10.0,
                y0: 10.5,
                x1: 110.0,
                y1: 10.5
            }]
        );
        rules.clear();
        subpath_rules(
            &[
                (0.0, 0.0),
                (50.0, 0.0),
                (50.0, 20.0),
                (0.0, 20.0),
                (0.0, 0.0),
            ],
            &mut rules,
        );
        assert_eq!(rules.len(), 4);
        assert_eq!(rules.iter().filter(|r| r.is_horizontal()).count(), 2);
    }

    #[test]
    fn slanted_lines_are_not_rules() {
        let mut rules = Vec::new();
        subpath_rules(&[(0.0, 0.0), (30.0, 40.0)], &mut rules);
        assert!(rules.is_empty());
    }
}
