//! Where an image-only PDF page's pixels come from, and the geometry that puts a stored image
//! upright on its page without resampling it.
//!
//! A scanner's PDF page is one image drawn over the page. Rendering such a page at a fixed
//! resolution resamples the scan, and Tesseract reads a resampled scan far worse (the same
//! 200-dpi page: 94 % of syllables from its own pixels, 71 % from a 300-dpi rendering). So a page
//! whose only visible content is one image covering most of it is read from that image as stored
//! ([`PagePlan::Native`]); any other page is rendered at the resolution of its largest image
//! ([`PagePlan::Render`]).
//!
//! The geometry is pure arithmetic on the image's matrix, the crop box and `/Rotate`, kept apart
//! from PDFium so it can be tested alone:
//!
//! ```
//! use sohoa::ingest::page_image::{Placement, place};
//! // A 1654×2339 image drawn over an A4 page (595×842 pt), no rotation: 200 dpi, upright.
//! let p: Placement = place([595.0, 0.0, 0.0, 842.0, 0.0, 0.0], (1654, 2339), [0.0, 0.0, 595.0, 842.0], 0)
//!     .expect("axis-aligned");
//! assert_eq!(p.dpi.round(), 200.0);
//! assert!(!p.transpose && !p.flip_x && !p.flip_y);
//! ```

use image::GrayImage;
use serde::{Deserialize, Serialize};

/// How the pixels of a page OCR reads were obtained; written per page in `sohoa ocr --json` and
/// in `sohoa run` records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageOrigin {
    /// Which path was taken.
    pub path: ImagePath,
    /// The resolution given to Tesseract, in dots per inch.
    pub dpi: u32,
    /// Where that resolution came from.
    pub dpi_from: DpiFrom,
    /// Why the preferred path could not be taken, when it could not (for example a stored image
    /// PDFium cannot decode, rendered instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The path a page image took from the file to Tesseract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImagePath {
    /// A PDF page's one full-page image, decoded as stored (not resampled).
    Native,
    /// A PDF page rendered by PDFium (several images, vector drawing, visible text, or no image).
    Rendered,
    /// A TIFF, PNG or JPEG file's own pixels.
    ImageFile,
}

/// Where a page's resolution came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DpiFrom {
    /// The image's pixels over the size it is drawn at on the PDF page.
    PageSize,
    /// The resolution a PDF page was rendered at.
    Render,
    /// The image file's own resolution tag (TIFF, PNG `pHYs`, JPEG JFIF).
    Metadata,
    /// Estimated from the pixel size, taking the page to be A4 (the file says nothing usable).
    AssumedA4,
    /// Nothing usable is known: Tesseract's usual 300 dpi.
    Assumed,
}

/// Render resolution for a page without images (vector text and drawings).
pub const DEFAULT_RENDER_DPI: f32 = 300.0;
/// Bounds on the resolution a page is rendered at from its largest image: a 72-dpi logo must not
/// make a page unreadable, and a 1200-dpi line-art image must not make it huge.
pub const RENDER_DPI_RANGE: (f32, f32) = (150.0, 600.0);
/// Least share of the page one image must cover to be read natively as the page's scan.
pub const NATIVE_MIN_COVER: f32 = 0.5;
/// Least share of the page the largest image must cover for its resolution to set the rendering
/// resolution of a mixed page; smaller images are logos and seals on a vector page.
pub const RENDER_FROM_IMAGE_MIN_COVER: f32 = 0.25;

/// An image as drawn on a page, as the classifier sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawnImage {
    /// The image's matrix `[a, b, c, d, e, f]` (unit square to page space, composed with any
    /// enclosing form's matrix).
    pub matrix: [f32; 6],
    /// Its stored size in pixels.
    pub pixels: (u32, u32),
    /// Its index among the page's own objects; `None` inside a form XObject (such an image is
    /// not decoded on its own).
    pub page_object: Option<usize>,
}

/// What the classifier counted on a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageInventory {
    /// Every image, with its matrix.
    pub images: Vec<DrawnImage>,
    /// True when anything besides images and invisible text is drawn: visible text, paths,
    /// shadings, or objects PDFium does not know.
    pub other_visible: bool,
    /// Text objects drawn visibly, and invisibly (render mode 3 or 7: an OCR layer).
    pub text_objects: TextObjects,
}

/// How many text objects a page draws visibly and invisibly ([`PageInventory::text_objects`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextObjects {
    /// Drawn with a visible render mode (fill, stroke, clip with fill…).
    pub visible: usize,
    /// Drawn invisibly (render mode 3 or 7), as OCR layers are.
    pub invisible: usize,
}

/// How an image-only PDF page is to be read.
#[derive(Debug, Clone, PartialEq)]
pub enum PagePlan {
    /// Decode image number `index` (of [`PageInventory::images`]) as stored and place it.
    Native {
        /// Index into the inventory's images.
        index: usize,
        /// Where its pixels go on the upright page.
        placement: Placement,
    },
    /// Render the page at this resolution.
    Render {
        /// Dots per inch.
        dpi: f32,
        /// Whether the resolution came from an image on the page.
        from_image: bool,
    },
}

/// Chooses the path for an image-only page of size `page_box` (`[x0, y0, x1, y1]`, the crop box)
/// rotated by `rotate` degrees clockwise.
pub fn plan(inventory: &PageInventory, page_box: [f32; 4], rotate: u32) -> PagePlan {
    let cover = |image: &DrawnImage| cover(image, page_box);
    if !inventory.other_visible
        && inventory.images.len() == 1
        && let Some(image) = inventory.images.first()
        && image.page_object.is_some()
        && cover(image) >= NATIVE_MIN_COVER
        && let Some(placement) = place(image.matrix, image.pixels, page_box, rotate)
    {
        return PagePlan::Native {
            index: 0,
            placement,
        };
    }
    let largest = inventory
        .images
        .iter()
        .map(|image| (cover(image), image))
        .filter(|(c, _)| *c >= RENDER_FROM_IMAGE_MIN_COVER)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match largest.and_then(|(_, image)| effective_dpi(image)) {
        Some(dpi) => PagePlan::Render {
            dpi: dpi.clamp(RENDER_DPI_RANGE.0, RENDER_DPI_RANGE.1),
            from_image: true,
        },
        None => PagePlan::Render {
            dpi: DEFAULT_RENDER_DPI,
            from_image: false,
        },
    }
}

/// The share of the page (`page_box`, `[x0, y0, x1, y1]`) an image covers, 0 to 1.
///
/// ```
/// use sohoa::ingest::page_image::{DrawnImage, cover};
/// let scan = DrawnImage { matrix: [595.0, 0.0, 0.0, 842.0, 0.0, 0.0], pixels: (1654, 2339), page_object: Some(0) };
/// assert!((cover(&scan, [0.0, 0.0, 595.0, 842.0]) - 1.0).abs() < 1e-6);
/// ```
pub fn cover(image: &DrawnImage, page_box: [f32; 4]) -> f32 {
    let page_area = ((page_box[2] - page_box[0]) * (page_box[3] - page_box[1])).abs();
    if page_area <= 0.0 {
        return 0.0;
    }
    let [x0, y0, x1, y1] = user_bounds(&image.matrix);
    let w = (x1.min(page_box[2]) - x0.max(page_box[0])).max(0.0);
    let h = (y1.min(page_box[3]) - y0.max(page_box[1])).max(0.0);
    w * h / page_area
}

/// The resolution an image is drawn at: its pixels over its drawn size, the finer of the two
/// directions.
fn effective_dpi(image: &DrawnImage) -> Option<f32> {
    let [a, b, c, d, _, _] = image.matrix;
    let width_pt = (a * a + b * b).sqrt();
    let height_pt = (c * c + d * d).sqrt();
    if width_pt <= 0.0 || height_pt <= 0.0 {
        return None;
    }
    let dpi_x = image.pixels.0 as f32 / width_pt * 72.0;
    let dpi_y = image.pixels.1 as f32 / height_pt * 72.0;
    let dpi = dpi_x.max(dpi_y);
    dpi.is_finite().then_some(dpi)
}

/// The bounding box of the unit square under `matrix`, in page space.
fn user_bounds(matrix: &[f32; 6]) -> [f32; 4] {
    let [a, b, c, d, e, f] = *matrix;
    let corners = [
        (e, f),
        (a + e, b + f),
        (c + e, d + f),
        (a + c + e, b + d + f),
    ];
    let mut out = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in corners {
        out[0] = out[0].min(x);
        out[1] = out[1].min(y);
        out[2] = out[2].max(x);
        out[3] = out[3].max(y);
    }
    out
}

/// Where a stored image's pixels go on the upright page, with no resampling: a quarter turn
/// (transpose), mirrorings, and an offset on a canvas the page's size at the image's resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Stored columns run down the page (the image is drawn turned by a quarter).
    pub transpose: bool,
    /// After any transpose, columns run right to left.
    pub flip_x: bool,
    /// After any transpose, rows run bottom to top.
    pub flip_y: bool,
    /// The resolution the image is drawn at (pixels per inch along the page).
    pub dpi: f32,
    /// The canvas: the upright page at that resolution.
    pub canvas: (u32, u32),
    /// Where the upright image's top-left pixel lands on the canvas (may be negative when the
    /// image reaches past the crop box).
    pub offset: (i64, i64),
}

/// Works out a [`Placement`] for an image of `pixels` drawn with `matrix` on a page whose crop
/// box is `page_box` and whose `/Rotate` is `rotate`. `None` when the image is drawn skewed or
/// turned by other than a quarter, or with pixels that are not square (such pages are rendered).
pub fn place(
    matrix: [f32; 6],
    pixels: (u32, u32),
    page_box: [f32; 4],
    rotate: u32,
) -> Option<Placement> {
    let (w, h) = pixels;
    if w == 0 || h == 0 {
        return None;
    }
    let [a, b, c, d, e, f] = matrix;
    let [cx0, cy0, cx1, cy1] = page_box;
    let (w0, h0) = (cx1 - cx0, cy1 - cy0);
    if w0 <= 0.0 || h0 <= 0.0 {
        return None;
    }
    let rotate = rotate % 360;
    // Page space to device space (y down, after /Rotate clockwise), in points.
    let device = |x: f32, y: f32| -> (f32, f32) {
        let (dx, dy) = (x - cx0, cy1 - y);
        match rotate {
            90 => (h0 - dy, dx),
            180 => (w0 - dx, h0 - dy),
            270 => (dy, w0 - dx),
            _ => (dx, dy),
        }
    };
    let (page_w, page_h) = if rotate == 90 || rotate == 270 {
        (h0, w0)
    } else {
        (w0, h0)
    };
    // Stored pixel corner (i, j) is at unit (i/w, 1 - j/h): row 0 is the top of the image.
    let corner = |u: f32, v: f32| device(a * u + c * v + e, b * u + d * v + f);
    let origin = corner(0.0, 1.0);
    let along_i = corner(1.0, 1.0);
    let along_j = corner(0.0, 0.0);
    let ei = (along_i.0 - origin.0, along_i.1 - origin.1);
    let ej = (along_j.0 - origin.0, along_j.1 - origin.1);
    let axis = |v: (f32, f32)| -> Option<bool> {
        // Some(true): along x; Some(false): along y; None: skewed.
        let (ax, ay) = (v.0.abs(), v.1.abs());
        let len = ax.max(ay);
        if len <= 0.0 {
            None
        } else if ay <= len * 1e-3 {
            Some(true)
        } else if ax <= len * 1e-3 {
            Some(false)
        } else {
            None
        }
    };
    let (i_on_x, j_on_x) = (axis(ei)?, axis(ej)?);
    if i_on_x == j_on_x {
        return None;
    }
    let transpose = !i_on_x;
    // Pixels per point along the page's x and y.
    let (scale_x, scale_y, flip_x, flip_y, out_w, out_h) = if transpose {
        (
            h as f32 / ej.0.abs(),
            w as f32 / ei.1.abs(),
            ej.0 < 0.0,
            ei.1 < 0.0,
            h,
            w,
        )
    } else {
        (
            w as f32 / ei.0.abs(),
            h as f32 / ej.1.abs(),
            ei.0 < 0.0,
            ej.1 < 0.0,
            w,
            h,
        )
    };
    if !scale_x.is_finite() || !scale_y.is_finite() {
        return None;
    }
    if (scale_x - scale_y).abs() > 0.02 * scale_x.max(scale_y) {
        return None;
    }
    let scale = (scale_x + scale_y) / 2.0;
    let xs = [
        origin.0,
        along_i.0,
        along_j.0,
        along_i.0 + along_j.0 - origin.0,
    ];
    let ys = [
        origin.1,
        along_i.1,
        along_j.1,
        along_i.1 + along_j.1 - origin.1,
    ];
    let left = xs.iter().copied().fold(f32::MAX, f32::min);
    let top = ys.iter().copied().fold(f32::MAX, f32::min);
    let mut canvas = (
        (page_w * scale).round().max(1.0) as u32,
        (page_h * scale).round().max(1.0) as u32,
    );
    let mut offset = ((left * scale).round() as i64, (top * scale).round() as i64);
    // An image that covers the page to within a pixel or two is the page: no sliver of padding
    // or cropping from rounding.
    let near = |a: i64, b: i64| (a - b).abs() <= 2;
    if near(offset.0, 0)
        && near(offset.1, 0)
        && near(i64::from(canvas.0), i64::from(out_w))
        && near(i64::from(canvas.1), i64::from(out_h))
    {
        canvas = (out_w, out_h);
        offset = (0, 0);
    }
    Some(Placement {
        transpose,
        flip_x,
        flip_y,
        dpi: scale * 72.0,
        canvas,
        offset,
    })
}

/// Puts a decoded stored image upright on its page canvas, moving pixels only (white where the
/// image does not reach).
///
/// ```
/// use sohoa::ingest::page_image::{Placement, apply};
/// let stored = image::GrayImage::from_fn(3, 2, |x, y| image::Luma([(10 * x + y) as u8]));
/// let quarter = Placement { transpose: true, flip_x: true, flip_y: false, dpi: 72.0,
///     canvas: (2, 3), offset: (0, 0) };
/// let upright = apply(&stored, &quarter);
/// assert_eq!(upright.dimensions(), (2, 3));
/// assert_eq!(upright.get_pixel(1, 0).0[0], 0); // stored (0,0) at top right: turned clockwise
/// ```
pub fn apply(stored: &GrayImage, placement: &Placement) -> GrayImage {
    let (w, h) = stored.dimensions();
    let (out_w, out_h) = if placement.transpose { (h, w) } else { (w, h) };
    let (cw, ch) = placement.canvas;
    let mut canvas = GrayImage::from_pixel(cw, ch, image::Luma([255]));
    let (ox, oy) = placement.offset;
    let x_range = ox.max(0)..(ox + i64::from(out_w)).min(i64::from(cw));
    let y_range = oy.max(0)..(oy + i64::from(out_h)).min(i64::from(ch));
    for cy in y_range {
        let y = (cy - oy) as u32;
        let y = if placement.flip_y { out_h - 1 - y } else { y };
        for cx in x_range.clone() {
            let x = (cx - ox) as u32;
            let x = if placement.flip_x { out_w - 1 - x } else { x };
            let (i, j) = if placement.transpose { (y, x) } else { (x, y) };
            canvas.put_pixel(cx as u32, cy as u32, *stored.get_pixel(i, j));
        }
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4: [f32; 4] = [0.0, 0.0, 595.0, 842.0];

    fn image(matrix: [f32; 6], pixels: (u32, u32)) -> DrawnImage {
        DrawnImage {
            matrix,
            pixels,
            page_object: Some(0),
        }
    }

    #[test]
    fn a_scanner_page_is_native_at_its_own_resolution() {
        let inv = PageInventory {
            images: vec![image([595.0, 0.0, 0.0, 842.0, 0.0, 0.0], (1654, 2339))],
            ..PageInventory::default()
        };
        let PagePlan::Native { placement, .. } = plan(&inv, A4, 0) else {
            panic!("not native");
        };
        assert_eq!(placement.dpi.round(), 200.0);
        assert_eq!(placement.canvas, (1654, 2339));
        assert_eq!(placement.offset, (0, 0));
    }

    #[test]
    fn mixed_pages_render_at_the_largest_images_resolution() {
        let mut inv = PageInventory {
            images: vec![image([595.0, 0.0, 0.0, 842.0, 0.0, 0.0], (1654, 2339))],
            other_visible: true,
            ..PageInventory::default()
        };
        assert_eq!(
            plan(&inv, A4, 0),
            PagePlan::Render {
                dpi: 1654.0 / 595.0 * 72.0,
                from_image: true
            }
        );
        // A logo is too small to set the resolution; no image at all renders at 300.
        inv.images = vec![image([60.0, 0.0, 0.0, 60.0, 20.0, 760.0], (50, 50))];
        assert_eq!(
            plan(&inv, A4, 0),
            PagePlan::Render {
                dpi: 300.0,
                from_image: false
            }
        );
        inv.images.clear();
        inv.other_visible = false;
        assert!(matches!(plan(&inv, A4, 0), PagePlan::Render { dpi, .. } if dpi == 300.0));
        // Two strips of one scan: rendered at the strips' resolution, clamped.
        inv.images = vec![
            image([595.0, 0.0, 0.0, 421.0, 0.0, 421.0], (6000, 4000)),
            image([595.0, 0.0, 0.0, 421.0, 0.0, 0.0], (6000, 4000)),
        ];
        assert!(matches!(plan(&inv, A4, 0), PagePlan::Render { dpi, .. } if dpi == 600.0));
    }

    #[test]
    fn quarter_turns_and_mirrors_are_undone_without_resampling() {
        let stored = GrayImage::from_fn(4, 2, |x, y| image::Luma([(10 * y + x) as u8]));
        // Drawn upright on a 4×2 pt page at 72 dpi, the page turned by /Rotate 90: the stored
        // top-left pixel ends at the top right.
        let p = place(
            [4.0, 0.0, 0.0, 2.0, 0.0, 0.0],
            (4, 2),
            [0.0, 0.0, 4.0, 2.0],
            90,
        )
        .unwrap();
        assert!(p.transpose);
        let upright = apply(&stored, &p);
        assert_eq!(upright.dimensions(), (2, 4));
        assert_eq!(upright.get_pixel(1, 0).0[0], 0);
        assert_eq!(upright.get_pixel(0, 0).0[0], 10);
        assert_eq!(upright.get_pixel(1, 3).0[0], 3);
        // /Rotate 180 and 270 bring it back to the same pixels in other places.
        let p180 = place(
            [4.0, 0.0, 0.0, 2.0, 0.0, 0.0],
            (4, 2),
            [0.0, 0.0, 4.0, 2.0],
            180,
        )
        .unwrap();
        let r = apply(&stored, &p180);
        assert_eq!(r.get_pixel(3, 1).0[0], 0);
        let p270 = place(
            [4.0, 0.0, 0.0, 2.0, 0.0, 0.0],
            (4, 2),
            [0.0, 0.0, 4.0, 2.0],
            270,
        )
        .unwrap();
        let r = apply(&stored, &p270);
        assert_eq!(r.dimensions(), (2, 4));
        assert_eq!(r.get_pixel(0, 3).0[0], 0);
        // An image drawn upside down by its own matrix (d < 0) is turned back upright.
        let flipped = place(
            [4.0, 0.0, 0.0, -2.0, 0.0, 2.0],
            (4, 2),
            [0.0, 0.0, 4.0, 2.0],
            0,
        )
        .unwrap();
        assert!(flipped.flip_y && !flipped.flip_x && !flipped.transpose);
        assert_eq!(apply(&stored, &flipped).get_pixel(0, 1).0[0], 0);
        // An image drawn turned a quarter by its matrix on an unrotated page.
        let turned = place(
            [0.0, -4.0, 2.0, 0.0, 0.0, 4.0],
            (4, 2),
            [0.0, 0.0, 2.0, 4.0],
            0,
        )
        .unwrap();
        assert!(turned.transpose);
        assert_eq!(apply(&stored, &turned).dimensions(), (2, 4));
    }

    #[test]
    fn a_crop_box_smaller_than_the_image_crops_it() {
        // 200-dpi image of 600×800 pt drawn from the origin; the crop box keeps 20..580 × 20..780.
        let p = place(
            [600.0, 0.0, 0.0, 800.0, 0.0, 0.0],
            (1667, 2222),
            [20.0, 20.0, 580.0, 780.0],
            0,
        )
        .unwrap();
        assert_eq!(
            p.canvas,
            (
                (560.0 * p.dpi / 72.0).round() as u32,
                (760.0 * p.dpi / 72.0).round() as u32
            )
        );
        assert!(p.offset.0 < -50 && p.offset.1 < -50, "{:?}", p.offset);
        let stored = GrayImage::from_pixel(1667, 2222, image::Luma([7]));
        let out = apply(&stored, &p);
        assert_eq!(out.dimensions(), p.canvas);
        assert!(out.pixels().all(|px| px.0[0] == 7));
    }

    #[test]
    fn skewed_or_stretched_images_are_not_placed() {
        assert!(place([500.0, 50.0, -50.0, 800.0, 0.0, 0.0], (100, 100), A4, 0).is_none());
        // Fax resolution: 204×98 dpi is not square.
        assert!(place([595.0, 0.0, 0.0, 842.0, 0.0, 0.0], (1686, 1146), A4, 0).is_none());
        assert!(place([595.0, 0.0, 0.0, 842.0, 0.0, 0.0], (0, 10), A4, 0).is_none());
    }
}
