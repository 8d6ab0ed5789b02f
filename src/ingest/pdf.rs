//! PDF pages through PDFium (loaded at run time from `libpdfium.so`).

use super::{Error, Limits, PageContent, PageOptions, RENDER_DPI, Word};
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

    pub(super) fn page(&self, index: u32, options: &PageOptions) -> Result<PageContent, Error> {
        let number = index + 1;
        let index = PdfPageIndex::try_from(index).map_err(|_| Error::NoSuchPage(number))?;
        let document = load(&self.path, self.password.as_deref())?;
        let page = document
            .pages()
            .get(index)
            .map_err(|err| Error::BadPdf(format!("page {}: {err:?}", index + 1)))?;
        let width_pt = page.width().value;
        let height_pt = page.height().value;
        let scale = RENDER_DPI / PDF_POINTS_PER_INCH;
        if !options.force_ocr
            && let Some(content) = text_layer(&page, scale, width_pt, height_pt)
        {
            return Ok(content);
        }
        // A page larger than the pixel limits at 300 dpi is refused rather than silently shrunk:
        // OCR at a lower resolution would quietly lose accuracy.
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
        Ok(PageContent::Image {
            image,
            dpi: RENDER_DPI as u32,
        })
    }
}

/// The page's own text with word boxes, when it has a real text layer.
fn text_layer(page: &PdfPage, scale: f32, width_pt: f32, height_pt: f32) -> Option<PageContent> {
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
    })
}
