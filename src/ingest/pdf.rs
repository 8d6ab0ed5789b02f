//! PDF pages through PDFium (loaded at run time from `libpdfium.so`).

use super::page_image::{
    self, DpiFrom, DrawnImage, ImageOrigin, ImagePath, PageInventory, PagePlan, Placement,
};
use super::text_layer::{LayerKind, classify};
use super::{Error, Limits, PageContent, PageOptions, RENDER_DPI, Word, luma};
use pdfium_render::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// A page counts as having a real text layer when it holds at least this many letters; fewer is
/// typical of scans with a stray page number or an empty invisible layer.
const MIN_TEXT_LAYER_LETTERS: usize = 16;

const PDF_POINTS_PER_INCH: f32 = 72.0;

static PDFIUM: OnceLock<Result<Pdfium, String>> = OnceLock::new();

/// Where sohoa looks for `libpdfium.so`, and how to get it, for error messages and `--help`.
pub fn pdfium_library_hint() -> String {
    format!(
        "sohoa needs PDFium's libpdfium.so: run `make setup` (it unpacks the library from the PyPI \
         wheel pypdfium2 5.15.2 into vendor/pdfium/), or set SOHOA_PDFIUM to the library file or \
         its folder; searched: {}",
        candidate_dirs()
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(path) = std::env::var_os("SOHOA_PDFIUM") {
        let path = PathBuf::from(path);
        dirs.push(if path.is_file() {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            path
        });
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        dirs.push(dir.to_path_buf());
        // target/{debug,release}/sohoa → the checkout's vendor/pdfium
        for up in dir.ancestors().skip(1).take(3) {
            dirs.push(up.join("vendor/pdfium"));
        }
    }
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vendor/pdfium"));
    dirs.push(PathBuf::from("vendor/pdfium"));
    dirs
}

fn pdfium() -> Result<&'static Pdfium, Error> {
    let loaded = PDFIUM.get_or_init(|| {
        for dir in candidate_dirs() {
            let file = Pdfium::pdfium_platform_library_name_at_path(&dir);
            if file.is_file()
                && let Ok(bindings) = Pdfium::bind_to_library(&file)
            {
                return Ok(Pdfium::new(bindings));
            }
        }
        match Pdfium::bind_to_system_library() {
            Ok(bindings) => Ok(Pdfium::new(bindings)),
            Err(_) => Err(pdfium_library_hint()),
        }
    });
    loaded
        .as_ref()
        .map_err(|hint| Error::PdfiumMissing(hint.clone()))
}

/// A PDF input. The document is opened again for every page rather than kept open: PDFium keeps
/// every object it has parsed (page images included) until the document is closed, so a
/// 500-page scan held open grows by each page's image; reopening costs a few milliseconds.
pub(super) struct PdfSource {
    path: PathBuf,
    password: Option<String>,
    page_count: u32,
    limits: Limits,
}

fn load(path: &Path, password: Option<&str>) -> Result<PdfDocument<'static>, Error> {
    pdfium()?
        .load_pdf_from_file(path, password)
        .map_err(|err| match err {
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
                Error::Encrypted
            }
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FileError) => {
                Error::Io(std::io::Error::other("PDFium could not read the file"))
            }
            PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
                Error::Encrypted
            }
            other => Error::BadPdf(format!("{other:?}")),
        })
}

impl PdfSource {
    pub(super) fn open(
        path: &Path,
        password: Option<&str>,
        limits: Limits,
    ) -> Result<PdfSource, Error> {
        let document = load(path, password)?;
        let page_count = u32::try_from(document.pages().len()).unwrap_or(0);
        if page_count == 0 {
            return Err(Error::BadPdf("no pages".into()));
        }
        Ok(PdfSource {
            path: path.to_path_buf(),
            password: password.map(str::to_string),
            page_count,
            limits,
        })
    }

    pub(super) fn page_count(&self) -> u32 {
        self.page_count
    }

    /// Runs `f` on page `index`, the document opened for it alone (as [`PdfSource::page`]).
    pub(super) fn with_page<T>(
        &self,
        index: u32,
        f: impl FnOnce(&PdfPage) -> T,
    ) -> Result<T, Error> {
        let number = index + 1;
        let index = PdfPageIndex::try_from(index).map_err(|_| Error::NoSuchPage(number))?;
        let document = load(&self.path, self.password.as_deref())?;
        let page = document
            .pages()
            .get(index)
            .map_err(|err| Error::BadPdf(format!("page {number}: {err:?}")))?;
        Ok(f(&page))
    }

    pub(super) fn page(&self, index: u32, options: &PageOptions) -> Result<PageContent, Error> {
        let number = index + 1;
        let index = PdfPageIndex::try_from(index).map_err(|_| Error::NoSuchPage(number))?;
        let document = load(&self.path, self.password.as_deref())?;
        let mut page = document
            .pages()
            .get(index)
            .map_err(|err| Error::BadPdf(format!("page {}: {err:?}", index + 1)))?;
        // Decoding the page's image moves it for a moment; the page is never saved, so its
        // content stream must not be regenerated.
        page.set_content_regeneration_strategy(PdfPageContentRegenerationStrategy::Manual);
        let width_pt = page.width().value;
        let height_pt = page.height().value;
        let scale = RENDER_DPI / PDF_POINTS_PER_INCH;
        let inventory = inventory(&page);
        let page_box = page_box(&page);
        if !options.force_ocr
            && let Some(content) = text_layer(
                &page,
                scale,
                (width_pt, height_pt),
                classify(&inventory, page_box),
            )
        {
            return Ok(content);
        }
        let rotate = match page.rotation() {
            Ok(PdfPageRenderRotation::Degrees90) => 90,
            Ok(PdfPageRenderRotation::Degrees180) => 180,
            Ok(PdfPageRenderRotation::Degrees270) => 270,
            _ => 0,
        };
        match page_image::plan(&inventory, page_box, rotate) {
            PagePlan::Native {
                index: image,
                placement,
            } => {
                let dpi = placement.dpi.round() as u32;
                match self.native_image(&document, &page, &inventory.images[image], &placement) {
                    Ok(image) => Ok(PageContent::Image {
                        image,
                        dpi,
                        origin: ImageOrigin {
                            path: ImagePath::Native,
                            dpi,
                            dpi_from: DpiFrom::PageSize,
                            warning: None,
                        },
                    }),
                    // Rendered at the image's own resolution: as close to its pixels as
                    // rendering gets.
                    Err(reason) => self.render(
                        &page,
                        index,
                        (width_pt, height_pt),
                        placement.dpi,
                        DpiFrom::PageSize,
                        Some(format!(
                            "the page image could not be decoded as stored ({reason}); rendered instead"
                        )),
                    ),
                }
            }
            PagePlan::Render { dpi, from_image } => {
                let dpi_from = if from_image {
                    DpiFrom::PageSize
                } else {
                    DpiFrom::Render
                };
                self.render(&page, index, (width_pt, height_pt), dpi, dpi_from, None)
            }
        }
    }

    /// Renders the page at `dpi`, for pages that are not one stored image, or whose image
    /// PDFium cannot hand over as stored.
    fn render(
        &self,
        page: &PdfPage,
        index: PdfPageIndex,
        (width_pt, height_pt): (f32, f32),
        dpi: f32,
        dpi_from: DpiFrom,
        warning: Option<String>,
    ) -> Result<PageContent, Error> {
        let scale = dpi / PDF_POINTS_PER_INCH;
        // A page larger than the pixel limits is refused rather than silently shrunk: OCR at a
        // lower resolution would quietly lose accuracy.
        let width = (width_pt * scale).round().max(1.0) as u32;
        let height = (height_pt * scale).round().max(1.0) as u32;
        self.limits
            .check_image(width, height)
            .map_err(Error::ImageTooLarge)?;
        let config = PdfRenderConfig::new()
            .set_target_width(width as Pixels)
            .set_maximum_height(height as Pixels)
            .render_form_data(true);
        let bitmap = page
            .render_with_config(&config)
            .map_err(|err| Error::BadPdf(format!("rendering page {}: {err:?}", index + 1)))?;
        let image = bitmap
            .as_image()
            .map_err(|err| Error::BadPdf(format!("rendering page {}: {err:?}", index + 1)))?
            .to_luma8();
        let dpi = dpi.round() as u32;
        Ok(PageContent::Image {
            image,
            dpi,
            origin: ImageOrigin {
                path: ImagePath::Rendered,
                dpi,
                dpi_from,
                warning,
            },
        })
    }

    /// Decodes the page's one image as stored (no resampling) and puts it upright on the page.
    fn native_image(
        &self,
        document: &PdfDocument,
        page: &PdfPage,
        drawn: &DrawnImage,
        placement: &Placement,
    ) -> Result<image::GrayImage, String> {
        let Some(object_index) = drawn.page_object else {
            return Err("the image is inside a form".into());
        };
        let (w, h) = drawn.pixels;
        self.limits.check_image(w, h)?;
        self.limits
            .check_image(placement.canvas.0, placement.canvas.1)?;
        let mut object = page
            .objects()
            .get(object_index)
            .map_err(|err| format!("{err:?}"))?;
        let image = object
            .as_image_object_mut()
            .ok_or("the page object is not an image")?;
        let stored = stored_pixels(document, image, (w, h))?;
        Ok(page_image::apply(&stored, placement))
    }
}

/// The stored image's pixels, at its own size, as grey.
///
/// PDFium draws the image alone with its matrix set to its own pixel size, which applies its
/// mask, `/Decode` array and colour space (CMYK, Indexed, ICC) while moving no pixel; the image
/// is then composited on white. If that fails, the bitmap PDFium decoded from the stream (no
/// mask) is taken. (Taking that bitmap first would be a third cheaper, but PDFium cannot tell
/// whether an image has a soft mask: `FPDFPageObj_HasTransparency` says no for one.)
fn stored_pixels(
    document: &PdfDocument,
    image: &mut PdfPageImageObject,
    (w, h): (u32, u32),
) -> Result<image::GrayImage, String> {
    let original = image.matrix().map_err(|err| format!("{err:?}"))?;
    let rendered = image
        .reset_matrix(PdfMatrix::new(w as f32, 0.0, 0.0, h as f32, 0.0, 0.0))
        .and_then(|()| image.get_processed_bitmap_with_size(document, w as Pixels, h as Pixels))
        .map(|bitmap| bitmap_on_white(&bitmap));
    let _ = image.reset_matrix(original);
    if let Ok(Some(rendered)) = rendered
        && rendered.dimensions() == (w, h)
    {
        return Ok(rendered);
    }
    let raw = image.get_raw_bitmap().map_err(|err| format!("{err:?}"))?;
    match bitmap_on_white(&raw) {
        Some(grey) if grey.dimensions() == (w, h) => Ok(grey),
        _ => Err(format!(
            "PDFium decoded {}×{} px for a {w}×{h} image",
            raw.width(),
            raw.height()
        )),
    }
}

/// Grey pixels of a PDFium bitmap in one pass over its buffer, transparent parts shown on white
/// paper (a page-sized RGBA copy through `image` costs more than the decode), for PDFium's drawn
/// image and for its decoded stream alike.
fn bitmap_on_white(bitmap: &PdfBitmap) -> Option<image::GrayImage> {
    let (w, h) = (bitmap.width() as usize, bitmap.height() as usize);
    if w == 0 || h == 0 {
        return None;
    }
    let bytes = bitmap.as_raw_bytes();
    let stride = bytes.len() / h;
    let format = bitmap.format().ok()?;
    let per_pixel = match format {
        PdfBitmapFormat::Gray => 1,
        PdfBitmapFormat::BGR => 3,
        _ => 4,
    };
    if stride < w * per_pixel {
        return None;
    }
    let mut grey = Vec::with_capacity(w * h);
    for row in bytes.chunks_exact(stride).take(h) {
        let row = &row[..w * per_pixel];
        match per_pixel {
            1 => grey.extend_from_slice(row),
            3 => grey.extend(row.chunks_exact(3).map(|p| luma(p[2], p[1], p[0]))),
            _ => {
                let with_alpha = matches!(format, PdfBitmapFormat::BGRA);
                grey.extend(row.chunks_exact(4).map(|p| {
                    let luma = u32::from(luma(p[2], p[1], p[0]));
                    let a = if with_alpha { u32::from(p[3]) } else { 255 };
                    ((luma * a + 255 * (255 - a)) / 255) as u8
                }))
            }
        }
    }
    image::GrayImage::from_raw(w as u32, h as u32, grey)
}

/// The page's crop box in page space (`[x0, y0, x1, y1]`): what a viewer shows.
pub(super) fn page_box(page: &PdfPage) -> [f32; 4] {
    let boundaries = page.boundaries();
    let rect = boundaries
        .crop()
        .or_else(|_| boundaries.media())
        .map(|b| b.bounds)
        .ok();
    match rect {
        Some(r) if r.right().value > r.left().value && r.top().value > r.bottom().value => [
            r.left().value,
            r.bottom().value,
            r.right().value,
            r.top().value,
        ],
        _ => [0.0, 0.0, page.width().value, page.height().value],
    }
}

/// Counts what a page draws: its images with their matrices (inside forms too), and whether
/// anything else is visible.
pub(super) fn inventory(page: &PdfPage) -> PageInventory {
    let mut inventory = PageInventory::default();
    let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    for (index, object) in page.objects().iter().enumerate() {
        take_stock(&object, identity, Some(index), 0, &mut inventory);
    }
    inventory
}

fn take_stock(
    object: &PdfPageObject,
    parent: [f32; 6],
    page_object: Option<usize>,
    depth: usize,
    inventory: &mut PageInventory,
) {
    let matrix = object
        .matrix()
        .map(|m| compose([m.a(), m.b(), m.c(), m.d(), m.e(), m.f()], parent))
        .unwrap_or(parent);
    match object {
        PdfPageObject::Image(image) => match (image.width(), image.height()) {
            (Ok(w), Ok(h)) if w > 0 && h > 0 => inventory.images.push(DrawnImage {
                matrix,
                pixels: (w as u32, h as u32),
                page_object,
            }),
            _ => inventory.other_visible = true,
        },
        PdfPageObject::Text(text) => {
            if text.is_visible() {
                inventory.other_visible = true;
                inventory.text_objects.visible += 1;
            } else {
                inventory.text_objects.invisible += 1;
            }
        }
        PdfPageObject::XObjectForm(form) if depth < 8 => {
            for child in form.iter() {
                take_stock(&child, matrix, None, depth + 1, inventory);
            }
        }
        _ => inventory.other_visible = true,
    }
}

/// `inner` then `outer`, in PDF's `[a b c d e f]` convention.
pub(super) fn compose(inner: [f32; 6], outer: [f32; 6]) -> [f32; 6] {
    let [a, b, c, d, e, f] = inner;
    let [p, q, r, s, t, u] = outer;
    [
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    ]
}

/// The page's own text with word boxes, when it has a real text layer.
fn text_layer(
    page: &PdfPage,
    scale: f32,
    (width_pt, height_pt): (f32, f32),
    kind: LayerKind,
) -> Option<PageContent> {
    let text_page = page.text().ok()?;
    let all: String = text_page.all().nfc().collect();
    let letters = all.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_TEXT_LAYER_LETTERS {
        return None;
    }
    let text = all.replace("\r\n", "\n").replace('\r', "\n");
    let mut words = Vec::new();
    let mut current = String::new();
    let mut bounds: Option<(f32, f32, f32, f32)> = None; // left, bottom, right, top in points
    let mut line = 0u32;
    let mut pending_break = false;
    let flush = |current: &mut String,
                 bounds: &mut Option<(f32, f32, f32, f32)>,
                 words: &mut Vec<Word>,
                 line: u32| {
        if let Some((l, b, r, t)) = bounds.take()
            && !current.is_empty()
        {
            let x = (l * scale).max(0.0);
            let y = ((height_pt - t) * scale).max(0.0);
            let w = ((r - l) * scale).max(1.0);
            let h = ((t - b) * scale).max(1.0);
            words.push(Word {
                text: current.nfc().collect(),
                bbox: [x as u32, y as u32, w as u32, h as u32],
                confidence: 100.0,
                block: 0,
                line,
                alternatives: Vec::new(),
            });
        }
        current.clear();
    };
    for ch in text_page.chars().iter() {
        let Some(c) = ch.unicode_char() else { continue };
        if c == '\n' || c == '\r' {
            flush(&mut current, &mut bounds, &mut words, line);
            pending_break = true;
            continue;
        }
        if c.is_whitespace() {
            flush(&mut current, &mut bounds, &mut words, line);
            continue;
        }
        if pending_break {
            if !words.is_empty() {
                line += 1;
            }
            pending_break = false;
        }
        if let Ok(rect) = ch.tight_bounds() {
            let (l, b, r, t) = (
                rect.left().value,
                rect.bottom().value,
                rect.right().value,
                rect.top().value,
            );
            bounds = Some(match bounds {
                Some((l0, b0, r0, t0)) => (l0.min(l), b0.min(b), r0.max(r), t0.max(t)),
                None => (l, b, r, t),
            });
        }
        current.push(c);
    }
    flush(&mut current, &mut bounds, &mut words, line);
    Some(PageContent::TextLayer {
        text,
        words,
        width: (width_pt * scale).round() as u32,
        height: (height_pt * scale).round() as u32,
        kind,
    })
}
