//! Ingest: recognise a file by its content and turn it into pages.
//!
//! A file is sniffed by its first bytes, never by its extension: PDF (through PDFium), multi-page
//! TIFF, PNG and JPEG (through the `image` and `tiff` crates). Pages are produced one at a time
//! ([`Document::page`]) so a batch renders a page only when a worker takes it.
//!
//! A PDF page with a real text layer yields its text and word boxes directly; an image-only page
//! gives its one stored image as stored, or a rendering at its largest image's resolution
//! ([`page_image`]). Everything a hostile file could use to exhaust memory is bounded by
//! [`Limits`].
//!
//! ```no_run
//! use sohoa::ingest::{Document, Limits, PageOptions};
//! let doc = Document::open("scan.pdf".as_ref(), &Limits::default())?;
//! for index in 0..doc.page_count() {
//!     let page = doc.page(index, &PageOptions::default())?;
//!     println!("page {} needs OCR: {}", page.number, page.needs_ocr());
//! }
//! # Ok::<(), sohoa::ingest::Error>(())
//! ```

pub mod page_image;
mod pdf;
pub mod pdf_objects;
mod raster;
mod stored;
pub mod text_layer;

use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use page_image::{DpiFrom, ImageOrigin, ImagePath};
pub use pdf::pdfium_library_hint;
pub use stored::{StoredColour, StoredImage, StoredPixels};

/// Resolution of text-layer word boxes, and of renderings of PDF pages that hold no image.
pub const RENDER_DPI: f32 = page_image::DEFAULT_RENDER_DPI;

/// The kinds of file sohoa reads, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Portable Document Format.
    Pdf,
    /// Tagged Image File Format, possibly several pages.
    Tiff,
    /// Portable Network Graphics.
    Png,
    /// JPEG/JFIF.
    Jpeg,
}

impl Kind {
    /// Recognises a file from its first bytes.
    ///
    /// ```
    /// use sohoa::ingest::Kind;
    /// assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
    /// assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n"), Some(Kind::Png));
    /// assert_eq!(Kind::sniff(b"plain text"), None);
    /// ```
    pub fn sniff(head: &[u8]) -> Option<Kind> {
        // PDF readers accept the header anywhere in the first KiB; so do we.
        let window = &head[..head.len().min(1024)];
        if window.windows(5).any(|w| w == b"%PDF-") {
            return Some(Kind::Pdf);
        }
        if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            return Some(Kind::Tiff);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Kind::Png);
        }
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Kind::Jpeg);
        }
        None
    }
}

/// Bounds that keep a hostile or broken file from exhausting the machine.
///
/// The defaults are documented in the README: 2,000 pages per document, 150 megapixels and
/// 30,000 pixels per side per page image, 2 GiB per input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most pages a document may have.
    pub max_pages: u32,
    /// Most pixels a page image may have (width × height).
    pub max_pixels: u64,
    /// Most pixels along either side of a page image.
    pub max_side: u32,
    /// Largest input file in bytes.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 2_000,
            max_pixels: 150_000_000,
            max_side: 30_000,
            max_file_bytes: 2 << 30,
        }
    }
}

impl Limits {
    fn check_image(&self, width: u32, height: u32) -> Result<(), String> {
        if width == 0 || height == 0 {
            return Err("the image has no pixels".into());
        }
        if width > self.max_side
            || height > self.max_side
            || u64::from(width) * u64::from(height) > self.max_pixels
        {
            return Err(format!(
                "the image is {width}×{height} px, above the limit of {} px per side and {} megapixels",
                self.max_side,
                self.max_pixels / 1_000_000
            ));
        }
        Ok(())
    }
}

/// How pages are produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// Render and OCR PDF pages even when they have a text layer.
    pub force_ocr: bool,
}

/// A word with its box in page pixels (`[x, y, width, height]`, origin top left).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word as recognised or as found in the text layer (NFC).
    pub text: String,
    /// `[x, y, width, height]` in pixels of the page image (300 dpi for PDF pages).
    pub bbox: [u32; 4],
    /// Recognition confidence 0–100; 100 for words of a PDF text layer.
    pub confidence: f32,
    /// Tesseract's block number (0 for text-layer words).
    pub block: u32,
    /// Line number within the page, counted from 0 in reading order.
    pub line: u32,
    /// Other readings the recogniser weighed for this word (one symbol changed), with their
    /// cost in nats against the reading taken: `ln(confidence of the best / of this one)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
}

/// Another reading of a [`Word`], as the recogniser saw it.
///
/// ```
/// use sohoa::ingest::Alternative;
/// let a = Alternative { text: "chuyển".into(), cost: 1.8 };
/// assert!(a.cost > 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// The word with the other symbol (NFC).
    pub text: String,
    /// Nats above the reading taken.
    pub cost: f32,
}

/// One page, ready for OCR or already read from a text layer.
#[derive(Debug)]
pub struct SourcePage {
    /// 1-based page number within the document.
    pub number: u32,
    /// What the page holds.
    pub content: PageContent,
}

impl SourcePage {
    /// True when the page is an image that still has to be OCR'd.
    pub fn needs_ocr(&self) -> bool {
        matches!(self.content, PageContent::Image { .. })
    }
}

/// The content of a [`SourcePage`].
#[derive(Debug)]
pub enum PageContent {
    /// Text taken from a PDF's own text layer, with word boxes in 300-dpi pixels.
    TextLayer {
        /// The page text, lines separated by `\n`.
        text: String,
        /// Words with boxes.
        words: Vec<Word>,
        /// Page width in pixels at 300 dpi.
        width: u32,
        /// Page height in pixels at 300 dpi.
        height: u32,
        /// Born-digital text, or an OCR layer over a scan.
        kind: text_layer::LayerKind,
    },
    /// A grey-scale page image to OCR, at the resolution it was scanned at where it is known.
    Image {
        /// The pixels.
        image: image::GrayImage,
        /// Its resolution, for Tesseract's size heuristics.
        dpi: u32,
        /// How the pixels were obtained (stored image, rendering, image file) and why.
        origin: ImageOrigin,
    },
}

/// Why a file or page could not be read. Every message names the reason in plain words; the
/// caller adds the file name.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The content is not a PDF, TIFF, PNG or JPEG.
    #[error("not a PDF, TIFF, PNG or JPEG file (content starts with {0})")]
    UnknownFormat(String),
    /// The file is larger than [`Limits::max_file_bytes`].
    #[error("the file is {size} bytes, above the limit of {limit} bytes")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// More pages than [`Limits::max_pages`].
    #[error("the document has {pages} pages, above the limit of {limit} pages")]
    TooManyPages {
        /// Its page count.
        pages: u32,
        /// The limit.
        limit: u32,
    },
    /// The PDF is encrypted and no (or a wrong) password was given.
    #[error("the PDF is encrypted: give its password with --password")]
    Encrypted,
    /// The PDF is damaged or truncated.
    #[error("the PDF is damaged or truncated ({0})")]
    BadPdf(String),
    /// The image is damaged, truncated or in an unsupported variant.
    #[error("the image cannot be decoded ({0})")]
    BadImage(String),
    /// The image is larger than the limits allow.
    #[error("{0}")]
    ImageTooLarge(String),
    /// The PDF engine could not be loaded.
    #[error("{0}")]
    PdfiumMissing(String),
    /// A page number outside the document.
    #[error("page {0} does not exist")]
    NoSuchPage(u32),
}

enum Inner {
    Pdf(pdf::PdfSource),
    Tiff(raster::TiffSource),
    Single(raster::SingleImage),
}

/// An opened input document. Pages are produced on demand and the handle is `Send + Sync`, so
/// the pages of many documents can be taken by one worker pool.
pub struct Document {
    path: PathBuf,
    kind: Kind,
    bytes: u64,
    page_count: u32,
    limits: Limits,
    inner: Inner,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("page_count", &self.page_count)
            .finish()
    }
}

impl Document {
    /// Opens a file, recognising its type by content and counting its pages.
    pub fn open(path: &Path, limits: &Limits) -> Result<Document, Error> {
        Self::open_with_password(path, limits, None)
    }

    /// Like [`Document::open`], with the password of an encrypted PDF.
    pub fn open_with_password(
        path: &Path,
        limits: &Limits,
        password: Option<&str>,
    ) -> Result<Document, Error> {
        let size = std::fs::metadata(path)?.len();
        if size == 0 {
            return Err(Error::Empty);
        }
        if size > limits.max_file_bytes {
            return Err(Error::TooLarge {
                size,
                limit: limits.max_file_bytes,
            });
        }
        let mut head = [0u8; 1024];
        let mut file = File::open(path)?;
        let mut filled = 0;
        while filled < head.len() {
            let n = file.read(&mut head[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        let head = &head[..filled];
        let kind = Kind::sniff(head).ok_or_else(|| Error::UnknownFormat(describe_head(head)))?;
        let inner = match kind {
            Kind::Pdf => Inner::Pdf(pdf::PdfSource::open(path, password, *limits)?),
            Kind::Tiff => Inner::Tiff(raster::TiffSource::open(path, *limits)?),
            Kind::Png | Kind::Jpeg => Inner::Single(raster::SingleImage::open(path, *limits)?),
        };
        let page_count = match &inner {
            Inner::Pdf(p) => p.page_count(),
            Inner::Tiff(t) => t.page_count(),
            Inner::Single(_) => 1,
        };
        if page_count > limits.max_pages {
            return Err(Error::TooManyPages {
                pages: page_count,
                limit: limits.max_pages,
            });
        }
        Ok(Document {
            path: path.to_path_buf(),
            kind,
            bytes: size,
            page_count,
            limits: *limits,
            inner,
        })
    }

    /// The file this document was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The recognised file type.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The file size in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Number of pages.
    pub fn page_count(&self) -> u32 {
        self.page_count
    }

    /// Produces page `index` (0-based): its text layer, or its image for OCR.
    pub fn page(&self, index: u32, options: &PageOptions) -> Result<SourcePage, Error> {
        if index >= self.page_count {
            return Err(Error::NoSuchPage(index + 1));
        }
        let content = match &self.inner {
            Inner::Pdf(p) => p.page(index, options)?,
            Inner::Tiff(t) => t.page(index)?,
            Inner::Single(s) => s.page()?,
        };
        Ok(SourcePage {
            number: index + 1,
            content,
        })
    }
}

impl Document {
    /// Page `index` (0-based) of an image file as the file stores it, for outputs that keep the
    /// scan unchanged (colour, depth, JPEG bytes); `None` for a PDF, whose pages are kept as
    /// they are by other means.
    ///
    /// ```no_run
    /// use sohoa::ingest::{Document, Limits, StoredPixels};
    /// let doc = Document::open("scan.jpg".as_ref(), &Limits::default())?;
    /// if let Some(stored) = doc.stored_image(0).transpose()? {
    ///     assert!(matches!(stored.pixels, StoredPixels::Jpeg { .. }));
    /// }
    /// # Ok::<(), sohoa::ingest::Error>(())
    /// ```
    pub fn stored_image(&self, index: u32) -> Option<Result<StoredImage, Error>> {
        if index >= self.page_count {
            return Some(Err(Error::NoSuchPage(index + 1)));
        }
        match &self.inner {
            Inner::Pdf(_) => None,
            Inner::Tiff(_) => Some(stored::tiff_page(&self.path, index, &self.limits)),
            Inner::Single(_) => Some(stored::single(&self.path, &self.limits)),
        }
    }
}

/// ITU-R BT.601 luma of an RGB pixel, as Leptonica computes it when Tesseract converts colour
/// itself.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// A short, printable description of a file's first bytes for "unknown format" messages.
fn describe_head(head: &[u8]) -> String {
    let shown: String = head
        .iter()
        .take(8)
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                (b as char).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect();
    format!("\"{shown}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(Kind::sniff(b"%PDF-1.4"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(b"\r\n%PDF-1.4"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(b"II*\0rest"), Some(Kind::Tiff));
        assert_eq!(Kind::sniff(b"MM\0*rest"), Some(Kind::Tiff));
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"Ke hoach so 265"), None);
        assert_eq!(Kind::sniff(b""), None);
    }

    #[test]
    fn limits_refuse_giant_images() {
        let limits = Limits::default();
        assert!(limits.check_image(2480, 3508).is_ok());
        assert!(limits.check_image(100_000, 100_000).is_err());
        assert!(limits.check_image(29_000, 29_000).is_err());
        assert!(limits.check_image(0, 10).is_err());
    }

    #[test]
    fn empty_and_text_files_are_refused_with_reasons() {
        let dir = std::env::temp_dir().join(format!("sohoa-ingest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pdf");
        std::fs::write(&empty, b"").unwrap();
        let err = Document::open(&empty, &Limits::default()).unwrap_err();
        assert!(matches!(err, Error::Empty), "{err}");
        let text = dir.join("notes.pdf");
        std::fs::write(&text, "Kế hoạch số 265").unwrap();
        let err = Document::open(&text, &Limits::default()).unwrap_err();
        assert!(err.to_string().starts_with("not a PDF"), "{err}");
        let missing = dir.join("missing.png");
        assert!(matches!(
            Document::open(&missing, &Limits::default()),
            Err(Error::Io(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
