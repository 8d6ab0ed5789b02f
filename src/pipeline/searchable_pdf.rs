//! A streaming writer of searchable PDFs: each page is the original scan with an invisible text
//! layer holding the repaired text on the OCR word boxes.
//!
//! The layout follows Tesseract's own PDF renderer (`src/api/pdfrenderer.cpp`): the page image is
//! a JPEG Image XObject drawn over the whole page, and the text is drawn in rendering mode 3
//! (neither filled nor stroked) with a Type0 font whose CIDFontType2 descendant is Tesseract's
//! one-glyph "glyphless" TrueType. Text is written as UTF-16BE code units (`/Identity-H`, so a
//! code is a CID) and a `/ToUnicode` CMap maps every code back to itself, which is what makes
//! copy/paste and search give the exact (NFC) Vietnamese text in any reader.
//!
//! Objects are written to the file as soon as a page is added and only their byte offsets are
//! kept, so memory does not grow with the page count: a 500-page run holds one page image at a
//! time. The page tree, the `/ToUnicode` CMap, the cross-reference table and the trailer are
//! written by [`SearchablePdfWriter::finish`].
//!
//! ```
//! use sohoa::ingest::Word;
//! use sohoa::pipeline::searchable_pdf::{SearchablePage, SearchablePdfWriter};
//!
//! let path = std::env::temp_dir().join(format!("sohoa-doc-module-{}.pdf", std::process::id()));
//! let mut pdf = SearchablePdfWriter::create(&path)?;
//! let word = |text: &str, x: u32| Word {
//!     text: text.into(), bbox: [x, 100, 90, 40], confidence: 95.0, block: 1, line: 0, alternatives: vec![],
//! };
//! pdf.add_page(&SearchablePage {
//!     image: image::GrayImage::from_pixel(600, 800, image::Luma([255])),
//!     dpi: 150,
//!     lines: vec![vec![word("Kế", 50), word("hoạch", 150)]],
//! })?;
//! pdf.finish()?;
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), sohoa::pipeline::searchable_pdf::Error>(())
//! ```

use crate::ingest::Word;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// Tesseract's glyphless TrueType font (Apache-2.0, see `assets/README.md`): one glyph, half an
/// em wide, never drawn because the text layer uses rendering mode 3.
const GLYPHLESS_FONT: &[u8] = include_bytes!("../../assets/glyphless.ttf");

/// The font's CIDToGIDMap, zlib-compressed (150 bytes, see `assets/README.md`): two bytes per
/// CID for all 65,536 CIDs, each `00 01`, i.e. every code is drawn with glyph 1, as in
/// Tesseract's renderer.
const CID_TO_GID_MAP_ZLIB: &[u8] = include_bytes!("../../assets/cidtogidmap.zlib");

/// JPEG quality of the page images: at 300 dpi, 80 keeps small diacritics legible for a reader
/// while a page stays a few hundred kilobytes.
pub const JPEG_QUALITY: u8 = 80;

/// Default advance of every CID in thousandths of the font size (`/DW`): the glyphless font's one
/// glyph is half an em wide, and the horizontal scaling of each word is computed from it.
const CHAR_WIDTH: f64 = 0.5;

/// The JPEG format cannot describe a side longer than this.
const MAX_JPEG_SIDE: u32 = 65_535;

/// The object numbers written by [`SearchablePdfWriter::create`], fixed so that every page can
/// refer to the shared font and to its parent before they are complete.
const CATALOG: usize = 1;
const PAGES: usize = 2;
const TYPE0_FONT: usize = 3;
const CID_FONT: usize = 4;
const FONT_DESCRIPTOR: usize = 5;
const FONT_FILE: usize = 6;
const TO_UNICODE: usize = 7;
const INFO: usize = 8;
const CID_TO_GID_MAP: usize = 9;
const FIRST_PAGE_OBJECT: usize = 10;

/// Codes `D800`–`DFFF` never stand for a BMP character (they are UTF-16 surrogates), so they are
/// free to carry characters beyond the BMP (e.g. Hán-Nôm in CJK Extension B), one code per
/// distinct character, mapped by the `/ToUnicode` CMap written at the end.
const FIRST_ASTRAL_CODE: u16 = 0xD800;
const LAST_ASTRAL_CODE: u16 = 0xDFFF;

/// One page to write: the scan and the words to lay over it.
#[derive(Debug, Clone)]
pub struct SearchablePage {
    /// The page image as scanned (or rendered), grey scale.
    pub image: image::GrayImage,
    /// The image's resolution in dots per inch; fixes the page size (`pixels × 72 / dpi` points).
    pub dpi: u32,
    /// The words of each line in reading order, with the repaired text and boxes in image pixels.
    /// A line's words share one baseline, so that readers join them into one line of text.
    pub lines: Vec<Vec<Word>>,
}

/// Why a searchable PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing or syncing the file failed.
    #[error("cannot write the PDF: {0}")]
    Io(#[from] std::io::Error),
    /// The page cannot be put in a PDF (no pixels, no resolution, too large for JPEG).
    #[error("page {page}: {reason}")]
    BadPage {
        /// 1-based number the page would have had.
        page: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The JPEG encoder failed on the page image.
    #[error("page {page}: cannot encode the image as JPEG: {reason}")]
    Jpeg {
        /// 1-based page number.
        page: usize,
        /// The encoder's message.
        reason: String,
    },
    /// [`SearchablePdfWriter::finish`] was called before any page was added; a PDF without pages
    /// is refused by many readers.
    #[error("the PDF has no pages")]
    NoPages,
    /// An earlier write failed part-way, so the file is incomplete and nothing more is written.
    #[error("an earlier write failed; the PDF is incomplete")]
    Failed,
    /// A page of the source document could not be rendered or decoded again.
    #[error("page {page}: {source}")]
    Source {
        /// 1-based page number.
        page: u32,
        /// Why the page could not be read.
        source: crate::ingest::Error,
    },
    /// The run was interrupted while the PDF was being written; nothing was kept.
    #[error("interrupted")]
    Interrupted,
}

/// Writes a searchable PDF to disk page by page.
///
/// Only the byte offset of each object is kept between pages, so memory stays flat however
/// many pages are added. The file is written in place; a caller that needs atomicity writes to a
/// temporary name and renames after [`finish`](Self::finish). Dropping the writer without
/// calling `finish` leaves an incomplete file.
///
/// ```
/// use sohoa::pipeline::searchable_pdf::{SearchablePage, SearchablePdfWriter};
/// let path = std::env::temp_dir().join(format!("sohoa-doc-writer-{}.pdf", std::process::id()));
/// let mut pdf = SearchablePdfWriter::create(&path)?;
/// let blank = image::GrayImage::from_pixel(300, 400, image::Luma([255]));
/// pdf.add_page(&SearchablePage { image: blank, dpi: 100, lines: Vec::new() })?;
/// assert_eq!(pdf.page_count(), 1);
/// pdf.finish()?;
/// assert!(std::fs::read(&path)?.starts_with(b"%PDF-1.5"));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SearchablePdfWriter {
    out: CountingWriter,
    /// Byte offset of each object by object number (index 0 is the free-list head, unused).
    offsets: Vec<u64>,
    /// Object number of each page, for the page tree.
    pages: Vec<usize>,
    /// Characters beyond the BMP met so far, with the code each was given.
    astral: HashMap<char, u16>,
    /// Set when a write failed part-way: the file no longer matches `offsets`.
    failed: bool,
}

impl SearchablePdfWriter {
    /// Creates (or truncates) the file at `path` and writes the header and the shared font.
    ///
    /// ```
    /// use sohoa::pipeline::searchable_pdf::SearchablePdfWriter;
    /// let path = std::env::temp_dir().join(format!("sohoa-doc-create-{}.pdf", std::process::id()));
    /// let pdf = SearchablePdfWriter::create(&path)?;
    /// assert_eq!(pdf.page_count(), 0);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), sohoa::pipeline::searchable_pdf::Error>(())
    /// ```
    pub fn create(path: &Path) -> Result<Self, Error> {
        let file = File::create(path)?;
        let mut writer = SearchablePdfWriter {
            out: CountingWriter {
                inner: BufWriter::with_capacity(1 << 16, file),
                position: 0,
            },
            offsets: vec![0; FIRST_PAGE_OBJECT],
            pages: Vec::new(),
            astral: HashMap::new(),
            failed: false,
        };
        // The binary comment tells transfer tools the file is not text (PDF 32000 §7.5.2).
        writer.out.write_all(b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n")?;
        writer.write_shared_objects()?;
        Ok(writer)
    }

    /// Number of pages written so far.
    ///
    /// ```
    /// # use sohoa::pipeline::searchable_pdf::SearchablePdfWriter;
    /// # let path = std::env::temp_dir().join(format!("sohoa-doc-count-{}.pdf", std::process::id()));
    /// let pdf = SearchablePdfWriter::create(&path)?;
    /// assert_eq!(pdf.page_count(), 0);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), sohoa::pipeline::searchable_pdf::Error>(())
    /// ```
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Encodes the page image as JPEG and writes the page, its content stream and its image to
    /// the file at once.
    ///
    /// A page that cannot be encoded is refused before anything is written, so the document
    /// stays valid and further pages can still be added. Words with no text are skipped; a page
    /// without words becomes an image-only page.
    ///
    /// ```
    /// use sohoa::ingest::Word;
    /// use sohoa::pipeline::searchable_pdf::{SearchablePage, SearchablePdfWriter};
    /// # let path = std::env::temp_dir().join(format!("sohoa-doc-add-{}.pdf", std::process::id()));
    /// let mut pdf = SearchablePdfWriter::create(&path)?;
    /// let words = vec![Word {
    ///     text: "ĐẢNG".into(), bbox: [40, 40, 160, 50], confidence: 90.0, block: 1, line: 0, alternatives: vec![],
    /// }];
    /// let image = image::GrayImage::from_pixel(400, 300, image::Luma([250]));
    /// pdf.add_page(&SearchablePage { image, dpi: 200, lines: vec![words] })?;
    /// pdf.finish()?;
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), sohoa::pipeline::searchable_pdf::Error>(())
    /// ```
    pub fn add_page(&mut self, page: &SearchablePage) -> Result<(), Error> {
        if self.failed {
            return Err(Error::Failed);
        }
        let number = self.pages.len() + 1;
        let (width_px, height_px) = page.image.dimensions();
        let bad = |reason: String| Error::BadPage {
            page: number,
            reason,
        };
        if width_px == 0 || height_px == 0 {
            return Err(bad("the image has no pixels".into()));
        }
        if page.dpi == 0 {
            return Err(bad("the resolution is 0 dpi".into()));
        }
        if width_px > MAX_JPEG_SIDE || height_px > MAX_JPEG_SIDE {
            return Err(bad(format!(
                "the image is {width_px}×{height_px} px; JPEG allows at most {MAX_JPEG_SIDE} px per side"
            )));
        }
        // Everything that can fail on the input is done before the first byte is written.
        let jpeg = encode_jpeg(&page.image).map_err(|reason| Error::Jpeg {
            page: number,
            reason,
        })?;
        let scale = 72.0 / f64::from(page.dpi);
        let width_pt = f64::from(width_px) * scale;
        let height_pt = f64::from(height_px) * scale;
        let content = self.content_stream(page, width_pt, height_pt, scale);

        let result = self.write_page(width_pt, height_pt, width_px, height_px, &content, &jpeg);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    /// Writes the page tree, the `/ToUnicode` CMap, the document information, the
    /// cross-reference table and the trailer, then flushes and syncs the file to disk.
    ///
    /// ```
    /// # use sohoa::pipeline::searchable_pdf::{Error, SearchablePdfWriter};
    /// # let path = std::env::temp_dir().join(format!("sohoa-doc-finish-{}.pdf", std::process::id()));
    /// let pdf = SearchablePdfWriter::create(&path)?;
    /// // A PDF needs at least one page.
    /// assert!(matches!(pdf.finish(), Err(Error::NoPages)));
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn finish(mut self) -> Result<(), Error> {
        if self.failed {
            return Err(Error::Failed);
        }
        if self.pages.is_empty() {
            return Err(Error::NoPages);
        }
        self.write_pages_tree()?;
        self.write_to_unicode()?;
        self.begin_object(INFO)?;
        let producer = format!("sohoa {}", env!("CARGO_PKG_VERSION"));
        write!(
            self.out,
            "<< /Producer ({producer}) /Creator ({producer}) >>\nendobj\n"
        )?;

        let xref = self.out.position;
        write!(self.out, "xref\n0 {}\n", self.offsets.len())?;
        // Each entry is exactly 20 bytes, the end of line included (PDF 32000 §7.5.4).
        self.out.write_all(b"0000000000 65535 f\r\n")?;
        for offset in &self.offsets[1..] {
            write!(self.out, "{offset:010} 00000 n\r\n")?;
        }
        write!(
            self.out,
            "trailer\n<< /Size {} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len()
        )?;
        self.out.inner.flush()?;
        self.out.inner.get_ref().sync_all()?;
        Ok(())
    }

    /// Records where object `number` starts and writes its header.
    fn begin_object(&mut self, number: usize) -> Result<(), Error> {
        if number >= self.offsets.len() {
            self.offsets.resize(number + 1, 0);
        }
        self.offsets[number] = self.out.position;
        writeln!(self.out, "{number} 0 obj")?;
        Ok(())
    }

    /// Writes a stream object with the given dictionary entries (without `/Length`).
    fn write_stream(&mut self, number: usize, entries: &str, data: &[u8]) -> Result<(), Error> {
        self.begin_object(number)?;
        write!(self.out, "<< /Length {} {entries} >>\nstream\n", data.len())?;
        self.out.write_all(data)?;
        self.out.write_all(b"\nendstream\nendobj\n")?;
        Ok(())
    }

    fn write_shared_objects(&mut self) -> Result<(), Error> {
        self.begin_object(CATALOG)?;
        // /Lang tells screen readers (and search tools that honour it) the text is Vietnamese.
        write!(
            self.out,
            "<< /Type /Catalog /Pages {PAGES} 0 R /Lang (vi) >>\nendobj\n"
        )?;
        // The page tree (object 2) is written last, once all pages are known.
        self.begin_object(TYPE0_FONT)?;
        write!(
            self.out,
            "<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H \
             /DescendantFonts [{CID_FONT} 0 R] /ToUnicode {TO_UNICODE} 0 R >>\nendobj\n"
        )?;
        // Every CID is drawn with glyph 1, the font's one real glyph, through the CIDToGIDMap
        // stream. With `/Identity` most codes would name glyphs the font does not have, whose
        // boxes are empty: PDFium then drops a one-character word (its text object has no width)
        // from the extracted text, and gives its characters no box.
        self.begin_object(CID_FONT)?;
        write!(
            self.out,
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor {FONT_DESCRIPTOR} 0 R /CIDToGIDMap {CID_TO_GID_MAP} 0 R /DW {} >>\nendobj\n",
            (CHAR_WIDTH * 1000.0) as u32
        )?;
        self.begin_object(FONT_DESCRIPTOR)?;
        write!(
            self.out,
            "<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 \
             /FontBBox [0 0 {} 1000] /ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 \
             /StemV 80 /FontFile2 {FONT_FILE} 0 R >>\nendobj\n",
            (CHAR_WIDTH * 1000.0) as u32
        )?;
        self.write_stream(
            FONT_FILE,
            &format!("/Length1 {}", GLYPHLESS_FONT.len()),
            GLYPHLESS_FONT,
        )?;
        self.write_stream(CID_TO_GID_MAP, "/Filter /FlateDecode", CID_TO_GID_MAP_ZLIB)?;
        Ok(())
    }

    /// The page's content: the image over the whole page, then one invisible text object.
    ///
    /// Each line gets one baseline (its lowest box bottom) and one font size (its box height), so
    /// the text of a line is selected as one band; each word is placed at its box's left edge with
    /// a horizontal scaling that makes its advance exactly the box width, and a space after it
    /// stretched over the gap to the next word, so extraction gives single spaces between words
    /// and line breaks between lines.
    fn content_stream(
        &mut self,
        page: &SearchablePage,
        width_pt: f64,
        height_pt: f64,
        scale: f64,
    ) -> String {
        let height_px = f64::from(page.image.height());
        let mut out =
            String::with_capacity(64 + 96 * page.lines.iter().map(Vec::len).sum::<usize>());
        // Writing to a String cannot fail; the results are ignored for that reason only.
        let _ = writeln!(
            out,
            "q {} 0 0 {} 0 0 cm /Im0 Do Q",
            num(width_pt),
            num(height_pt)
        );
        let mut text_started = false;
        for line in &page.lines {
            let (width_px, height_px_u32) = page.image.dimensions();
            let words: Vec<([u32; 4], String, usize)> = line
                .iter()
                .filter_map(|word| {
                    let (hex, units) = self.encode_text(&word.text);
                    (units > 0).then(|| (clamp_box(word.bbox, width_px, height_px_u32), hex, units))
                })
                .collect();
            if words.is_empty() {
                continue;
            }
            if !text_started {
                out.push_str("BT\n3 Tr\n");
                text_started = true;
            }
            let top = words.iter().map(|(b, _, _)| b[1]).min().unwrap_or(0);
            let bottom = words
                .iter()
                .map(|(b, _, _)| b[1].saturating_add(b[3]))
                .max()
                .unwrap_or(0);
            let font_size = (f64::from(bottom.saturating_sub(top).max(1)) * scale).max(0.1);
            let baseline = (height_px - f64::from(bottom)) * scale;
            let _ = writeln!(out, "/F0 {} Tf", num(font_size));
            let unit_advance = CHAR_WIDTH * font_size;
            for (i, (bbox, hex, units)) in words.iter().enumerate() {
                let x = f64::from(bbox[0]) * scale;
                // A box reaching over the next word's start (Tesseract can box a word inside
                // the one before it) is cut short of it, so the words stay in reading order
                // with a space between them.
                let mut width_px = bbox[2].max(1);
                if let Some((next, _, _)) = words.get(i + 1)
                    && next[0] > bbox[0]
                    && bbox[0].saturating_add(width_px) > next[0]
                {
                    width_px = ((next[0] - bbox[0]) * 9 / 10).max(1);
                }
                let width = f64::from(width_px) * scale;
                let stretch = 100.0 * width / (unit_advance * *units as f64);
                let _ = writeln!(
                    out,
                    "1 0 0 1 {} {} Tm {} Tz <{hex}> Tj",
                    num(x),
                    num(baseline),
                    num(stretch)
                );
                if let Some((next, _, _)) = words.get(i + 1) {
                    let end = f64::from(bbox[0].saturating_add(width_px));
                    // Overlapping boxes still get a (narrow) space, so the words stay apart.
                    let gap = ((f64::from(next[0]) - end) * scale).max(font_size * 0.05);
                    let _ = writeln!(out, "{} Tz <0020> Tj", num(100.0 * gap / unit_advance));
                }
            }
        }
        if text_started {
            out.push_str("ET\n");
        }
        out
    }

    /// NFC-normalises a word and encodes it as hex UTF-16BE codes; returns the hex and the number
    /// of codes (each advances by one glyph width). Control characters are dropped and other
    /// white space becomes a plain space, so a word cannot break the reader's line structure.
    fn encode_text(&mut self, text: &str) -> (String, usize) {
        let mut hex = String::with_capacity(text.len() * 4);
        let mut units = 0;
        for c in text.nfc() {
            // White space first: a tab or line break is a control character too, and dropping it
            // would glue the words on either side together ("Kế\thoạch" → "Kếhoạch").
            let c = if c.is_whitespace() {
                ' '
            } else if c.is_control() {
                continue;
            } else {
                c
            };
            let code = match u16::try_from(u32::from(c)) {
                Ok(code) => code,
                Err(_) => self.astral_code(c),
            };
            let _ = write!(hex, "{code:04X}");
            units += 1;
        }
        (hex, units)
    }

    /// The code standing for a character beyond the BMP; U+FFFD once the 2,048 free codes are
    /// used up (far more distinct rare characters than a document of this kind holds).
    fn astral_code(&mut self, c: char) -> u16 {
        if let Some(&code) = self.astral.get(&c) {
            return code;
        }
        let next = FIRST_ASTRAL_CODE as usize + self.astral.len();
        match u16::try_from(next) {
            Ok(code) if code <= LAST_ASTRAL_CODE => {
                self.astral.insert(c, code);
                code
            }
            _ => 0xFFFD,
        }
    }

    fn write_page(
        &mut self,
        width_pt: f64,
        height_pt: f64,
        width_px: u32,
        height_px: u32,
        content: &str,
        jpeg: &[u8],
    ) -> Result<(), Error> {
        let page = self.offsets.len();
        let (contents, image) = (page + 1, page + 2);
        self.begin_object(page)?;
        write!(
            self.out,
            "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {} {}] /Contents {contents} 0 R \
             /Resources << /Font << /F0 {TYPE0_FONT} 0 R >> /XObject << /Im0 {image} 0 R >> \
             /ProcSet [/PDF /Text /ImageB] >> >>\nendobj\n",
            num(width_pt),
            num(height_pt)
        )?;
        self.write_stream(contents, "", content.as_bytes())?;
        self.write_stream(
            image,
            &format!(
                "/Type /XObject /Subtype /Image /Width {width_px} /Height {height_px} \
                 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"
            ),
            jpeg,
        )?;
        self.pages.push(page);
        Ok(())
    }

    fn write_pages_tree(&mut self) -> Result<(), Error> {
        self.begin_object(PAGES)?;
        write!(
            self.out,
            "<< /Type /Pages /Count {} /Kids [",
            self.pages.len()
        )?;
        for (i, page) in self.pages.iter().enumerate() {
            // Short lines keep the file friendly to line-oriented tools.
            let sep = if i % 16 == 15 { "\n" } else { " " };
            write!(self.out, "{page} 0 R{sep}")?;
        }
        write!(self.out, "] >>\nendobj\n")?;
        Ok(())
    }

    /// The CMap from codes to Unicode: identity over the BMP outside the surrogates (one
    /// `bfrange` per high byte, since a range may not cross a change of the first byte), and one
    /// `bfchar` per character beyond the BMP, mapped to its surrogate pair.
    fn write_to_unicode(&mut self) -> Result<(), Error> {
        let ranges: Vec<String> = (0u16..=0xFF)
            .filter(|high| !(0xD8..=0xDF).contains(high))
            .map(|high| format!("<{high:02X}00> <{high:02X}FF> <{high:02X}00>\n"))
            .collect();
        let mut chars: Vec<(u16, char)> = self.astral.iter().map(|(&c, &code)| (code, c)).collect();
        chars.sort_unstable();
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        // At most 100 entries per block (PDF 32000 §9.10.3).
        for block in ranges.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfrange", block.len());
            for range in block.iter() {
                cmap.push_str(range);
            }
            cmap.push_str("endbfrange\n");
        }
        for block in chars.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfchar", block.len());
            for (code, c) in block {
                let mut pair = [0u16; 2];
                let units: String = c
                    .encode_utf16(&mut pair)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                let _ = writeln!(cmap, "<{code:04X}> <{units}>");
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        self.write_stream(TO_UNICODE, "", cmap.as_bytes())
    }
}

/// A buffered file that knows how many bytes it has been given, for the cross-reference table.
#[derive(Debug)]
struct CountingWriter {
    inner: BufWriter<File>,
    position: u64,
}

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.position += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A word box `[x, y, w, h]` moved and shrunk to lie on the page: readers drop characters
/// outside the page, and a born-digital line running past the margin (a long URL) has a box wider
/// than the page. Every box keeps at least one pixel.
fn clamp_box(bbox: [u32; 4], width: u32, height: u32) -> [u32; 4] {
    let clamp_axis = |start: u32, len: u32, limit: u32| {
        let limit = limit.max(1);
        let start = start.min(limit - 1);
        let end = start.saturating_add(len).min(limit).max(start + 1);
        (start, end - start)
    };
    let (x, w) = clamp_axis(bbox[0], bbox[2], width);
    let (y, h) = clamp_axis(bbox[1], bbox[3], height);
    [x, y, w, h]
}

fn encode_jpeg(image: &image::GrayImage) -> Result<Vec<u8>, String> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(|err| err.to_string())?;
    Ok(jpeg)
}

/// A PDF number: at most three decimals, no exponent, no trailing zeros (PDF has no exponent
/// syntax, and three decimals of a point are far below a pixel).
fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".into();
    }
    let rounded = (value * 1000.0).round() / 1000.0;
    let mut text = format!("{rounded:.3}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" {
        text = "0".into();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, bbox: [u32; 4]) -> Word {
        Word {
            text: text.into(),
            bbox,
            confidence: 90.0,
            block: 1,
            line: 0,
            alternatives: Vec::new(),
        }
    }

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("sohoa-spdf-unit-{}-{name}.pdf", std::process::id()))
    }

    #[test]
    fn numbers_have_no_exponent_and_no_trailing_zeros() {
        assert_eq!(num(595.2), "595.2");
        assert_eq!(num(842.0), "842");
        assert_eq!(num(1e-7), "0");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(1e12), "1000000000000");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(12.34567), "12.346");
    }

    #[test]
    fn text_is_nfc_utf16_hex() {
        let path = temp("hex");
        let mut pdf = SearchablePdfWriter::create(&path).unwrap();
        // "ế" decomposed is composed first: one code, U+1EBF.
        let (hex, units) = pdf.encode_text("Ke\u{0302}\u{0301}\t\u{0007}Đ");
        assert_eq!(hex, "004B1EBF00200110");
        assert_eq!(units, 4);
        // Beyond the BMP: one surrogate-area code per distinct character, stable.
        let (a, _) = pdf.encode_text("\u{20000}");
        let (b, _) = pdf.encode_text("\u{2A6D6}\u{20000}");
        assert_eq!(a, "D800");
        assert_eq!(b, "D801D800");
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn words_are_placed_on_their_boxes() {
        let path = temp("layout");
        let mut pdf = SearchablePdfWriter::create(&path).unwrap();
        let page = SearchablePage {
            image: image::GrayImage::new(600, 300),
            dpi: 300,
            lines: vec![vec![
                word("Kế", [100, 50, 60, 40]),
                word("hoạch", [200, 60, 150, 50]),
            ]],
        };
        let content = pdf.content_stream(&page, 144.0, 72.0, 72.0 / 300.0);
        // Line from y=50 to 110 px: 60 px = 14.4 pt high, baseline (300−110) px = 45.6 pt.
        assert!(content.contains("/F0 14.4 Tf"), "{content}");
        // "Kế": 2 codes × 7.2 pt = 14.4 pt unscaled, box 60 px = 14.4 pt → 100 %.
        assert!(
            content.contains("1 0 0 1 24 45.6 Tm 100 Tz <004B1EBF> Tj"),
            "{content}"
        );
        // The gap 160→200 px = 9.6 pt over one 7.2 pt space → 133.333 %.
        assert!(content.contains("133.333 Tz <0020> Tj"), "{content}");
        assert!(content.contains("3 Tr"));
        assert_eq!(content.matches("<0020>").count(), 1);
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn boxes_are_kept_on_the_page() {
        assert_eq!(
            clamp_box([354, 2915, 3309, 49], 2480, 3508),
            [354, 2915, 2126, 49]
        );
        assert_eq!(
            clamp_box([3000, 3600, 50, 50], 2480, 3508),
            [2479, 3507, 1, 1]
        );
        assert_eq!(clamp_box([10, 10, 0, 0], 2480, 3508), [10, 10, 1, 1]);
        assert_eq!(clamp_box([u32::MAX, 0, u32::MAX, 5], 1, 1), [0, 0, 1, 1]);
    }

    #[test]
    fn cid_to_gid_map_is_glyph_one_for_every_code() {
        // zlib header (deflate, 32 KiB window, check bits), then Adler-32 of the map at the end.
        let zlib = CID_TO_GID_MAP_ZLIB;
        assert_eq!(zlib[0] & 0x0F, 8);
        assert_eq!((u16::from(zlib[0]) << 8 | u16::from(zlib[1])) % 31, 0);
        let map: Vec<u8> = (0..1u32 << 16).flat_map(|_| [0u8, 1]).collect();
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in &map {
            a = (a + u32::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        let trailer = &zlib[zlib.len() - 4..];
        assert_eq!(trailer, ((b << 16) | a).to_be_bytes());
    }

    #[test]
    fn bad_pages_are_refused_without_spoiling_the_file() {
        let path = temp("bad");
        let mut pdf = SearchablePdfWriter::create(&path).unwrap();
        let empty = SearchablePage {
            image: image::GrayImage::new(0, 0),
            dpi: 300,
            lines: Vec::new(),
        };
        assert!(matches!(
            pdf.add_page(&empty),
            Err(Error::BadPage { page: 1, .. })
        ));
        let no_dpi = SearchablePage {
            image: image::GrayImage::new(10, 10),
            dpi: 0,
            lines: Vec::new(),
        };
        assert!(matches!(pdf.add_page(&no_dpi), Err(Error::BadPage { .. })));
        let good = SearchablePage {
            image: image::GrayImage::new(10, 10),
            dpi: 72,
            lines: vec![vec![word("", [0, 0, 5, 5])]],
        };
        pdf.add_page(&good).unwrap();
        assert_eq!(pdf.page_count(), 1);
        pdf.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.ends_with(b"%%EOF\n"));
        // An empty word draws no text at all.
        assert!(!bytes.windows(4).any(|w| w == b"3 Tr"));
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let path = temp("xref");
        let mut pdf = SearchablePdfWriter::create(&path).unwrap();
        for _ in 0..3 {
            pdf.add_page(&SearchablePage {
                image: image::GrayImage::from_pixel(40, 30, image::Luma([200])),
                dpi: 150,
                lines: vec![vec![word("Tỉnh", [1, 1, 20, 10])]],
            })
            .unwrap();
        }
        pdf.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // Offsets are in bytes: slice the bytes, never a lossy string (the binary header comment
        // and the JPEG data become 3-byte U+FFFD there and shift every offset).
        let text = String::from_utf8_lossy(&bytes);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(bytes[startxref..].starts_with(b"xref\n0 "));
        let table = std::str::from_utf8(&bytes[startxref..]).unwrap();
        let count: usize = table.lines().nth(1).unwrap()[2..].parse().unwrap();
        assert_eq!(count, FIRST_PAGE_OBJECT + 9);
        for (number, entry) in table.lines().skip(3).take(count - 1).enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj\n", number + 1);
            assert!(
                bytes[offset..].starts_with(header.as_bytes()),
                "object {} at {offset}",
                number + 1
            );
        }
        assert!(text.contains("/Count 3 /Kids [10 0 R 13 0 R 16 0 R ]"));
        std::fs::remove_file(&path).ok();
    }
}
