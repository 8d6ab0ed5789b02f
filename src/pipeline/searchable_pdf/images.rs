//! Searchable PDFs of image inputs (TIFF, PNG, JPEG), written page by page: each page is the
//! scan as its file stores it (a JPEG's bytes, a PNG's compressed pixels, a TIFF page's samples
//! compressed without loss), in its own colour, at its own resolution, with the invisible text
//! layer over it.

use super::Error;
use super::font::GlyphlessFont;
use super::objects::{ObjectSink, StreamingFile};
use super::pdfa::{DocumentInfo, describe, file_id};
use super::text_layer::{TextEncoder, num};
use crate::ingest::{StoredColour, StoredImage, StoredPixels, Word};
use lopdf::{Dictionary, Object, ObjectId, Stream, dictionary};
use std::path::Path;

/// One page to write: the scan as stored and the words to lay over it.
#[derive(Debug, Clone)]
pub struct SearchablePage {
    /// The page image as its file stores it, with its resolution (which fixes the page size:
    /// `pixels × 72 / dpi` points).
    pub image: StoredImage,
    /// The words of each line in reading order, with the repaired text and boxes in image pixels.
    /// A line's words share one baseline, so that readers join them into one line of text.
    pub lines: Vec<Vec<Word>>,
}

impl SearchablePage {
    /// A page from grey pixels (kept without loss), for callers that made the image themselves.
    ///
    /// ```
    /// use sohoa::pipeline::searchable_pdf::SearchablePage;
    /// let page = SearchablePage::gray(image::GrayImage::new(30, 40), 300, Vec::new());
    /// assert_eq!((page.image.width, page.image.dpi), (30, 300));
    /// ```
    pub fn gray(image: image::GrayImage, dpi: u32, lines: Vec<Vec<Word>>) -> SearchablePage {
        let (width, height) = image.dimensions();
        // Encoding pixels held in memory only fails on an empty image, which
        // [`SearchablePdfWriter::add_page`] refuses for having no pixels.
        let image = StoredImage::lossless(image::DynamicImage::ImageLuma8(image), dpi).unwrap_or(
            StoredImage {
                width,
                height,
                dpi,
                pixels: StoredPixels::Bilevel(Vec::new()),
            },
        );
        SearchablePage { image, lines }
    }
}

/// Writes a searchable PDF of image pages to disk page by page.
///
/// Only the byte offset of each object is kept between pages, so memory stays flat however
/// many pages are added. The file is written in place; a caller that needs atomicity writes to a
/// temporary name and renames after [`finish`](Self::finish). Dropping the writer without
/// calling `finish` leaves an incomplete file.
///
/// ```
/// use sohoa::pipeline::searchable_pdf::{DocumentInfo, SearchablePage, SearchablePdfWriter};
/// let path = std::env::temp_dir().join(format!("sohoa-doc-writer-{}.pdf", std::process::id()));
/// let mut pdf = SearchablePdfWriter::create(&path)?;
/// let blank = image::GrayImage::from_pixel(300, 400, image::Luma([255]));
/// pdf.add_page(&SearchablePage::gray(blank, 100, Vec::new()))?;
/// assert_eq!(pdf.page_count(), 1);
/// pdf.finish(&DocumentInfo::default(), true)?;
/// assert!(std::fs::read(&path)?.starts_with(b"%PDF-1.7"));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SearchablePdfWriter {
    file: StreamingFile,
    catalog: ObjectId,
    page_tree: ObjectId,
    font: GlyphlessFont,
    encoder: TextEncoder,
    pages: Vec<ObjectId>,
    /// Set when a write failed part-way: the file no longer matches its cross-references.
    failed: bool,
}

impl SearchablePdfWriter {
    /// Creates (or truncates) the file at `path` and writes the header and the shared font.
    pub fn create(path: &Path) -> Result<Self, Error> {
        let mut file = StreamingFile::create(path)?;
        let catalog = file.reserve();
        let page_tree = file.reserve();
        let font = GlyphlessFont::add(&mut file)?;
        Ok(SearchablePdfWriter {
            file,
            catalog,
            page_tree,
            font,
            encoder: TextEncoder::default(),
            pages: Vec::new(),
            failed: false,
        })
    }

    /// Number of pages written so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Writes the page, its content stream and its image to the file at once.
    ///
    /// A page that cannot be put in a PDF is refused before anything is written, so the
    /// document stays valid and further pages can still be added. Words with no text are
    /// skipped; a page without words becomes an image-only page.
    pub fn add_page(&mut self, page: &SearchablePage) -> Result<(), Error> {
        if self.failed {
            return Err(Error::Failed);
        }
        let number = self.pages.len() + 1;
        let image = &page.image;
        let bad = |reason: &str| Error::BadPage {
            page: number,
            reason: reason.into(),
        };
        if image.width == 0 || image.height == 0 {
            return Err(bad("the image has no pixels"));
        }
        if image.dpi == 0 {
            return Err(bad("the resolution is 0 dpi"));
        }
        let xobject = image_xobject(image).map_err(bad)?;
        let scale = 72.0 / f64::from(image.dpi);
        let (width_pt, height_pt) = (
            f64::from(image.width) * scale,
            f64::from(image.height) * scale,
        );
        let mut content = format!(
            "q {} 0 0 {} 0 0 cm /Im0 Do Q\n",
            num(width_pt),
            num(height_pt)
        );
        content.push_str(&self.encoder.layer(
            &page.lines,
            (image.width, image.height),
            scale,
            "F0",
        ));
        let result = self.write_page(xobject, content, width_pt, height_pt);
        if result.is_err() {
            self.failed = true;
        }
        result.map_err(Error::from)
    }

    fn write_page(
        &mut self,
        xobject: Stream,
        content: String,
        width_pt: f64,
        height_pt: f64,
    ) -> std::io::Result<()> {
        let image = self.file.add(Object::Stream(xobject))?;
        let mut content = Stream::new(dictionary! {}, content.into_bytes());
        // Uncompressed text layers are tens of kilobytes a page; a failure only leaves it so.
        let _ = content.compress();
        let contents = self.file.add(Object::Stream(content))?;
        let page = self.file.add(Object::Dictionary(dictionary! {
            "Type" => "Page",
            "Parent" => self.page_tree,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(width_pt as f32), Object::Real(height_pt as f32)],
            "Contents" => contents,
            "Resources" => dictionary! {
                "Font" => dictionary! { "F0" => self.font.font },
                "XObject" => dictionary! { "Im0" => image },
            },
        }))?;
        self.pages.push(page);
        Ok(())
    }

    /// Writes the page tree, the `/ToUnicode` CMap, the catalog with `info` as XMP (PDF/A-2b
    /// identification with `pdfa`), the document information, the cross-reference table and
    /// the trailer, then flushes and syncs the file to disk.
    ///
    /// ```
    /// # use sohoa::pipeline::searchable_pdf::{DocumentInfo, Error, SearchablePdfWriter};
    /// # let path = std::env::temp_dir().join(format!("sohoa-doc-finish-{}.pdf", std::process::id()));
    /// let pdf = SearchablePdfWriter::create(&path)?;
    /// // A PDF needs at least one page.
    /// assert!(matches!(pdf.finish(&DocumentInfo::default(), true), Err(Error::NoPages)));
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn finish(mut self, info: &DocumentInfo, pdfa: bool) -> Result<(), Error> {
        if self.failed {
            return Err(Error::Failed);
        }
        if self.pages.is_empty() {
            return Err(Error::NoPages);
        }
        self.font.finish(&mut self.file, &self.encoder)?;
        let kids: Vec<Object> = self.pages.iter().map(|&id| id.into()).collect();
        self.file.put(
            self.page_tree,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Count" => kids.len() as i64,
                "Kids" => kids,
            }),
        )?;
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => self.page_tree };
        let info_dict = describe(&mut self.file, &mut catalog, info, pdfa)?;
        self.file.put(self.catalog, Object::Dictionary(catalog))?;
        let info_id = self.file.add(Object::Dictionary(info_dict.clone()))?;
        let seed = format!("{info:?}{info_dict:?}{}", self.pages.len());
        let trailer: Dictionary = dictionary! {
            "Root" => self.catalog,
            "Info" => info_id,
            "ID" => file_id(seed.as_bytes()),
        };
        self.file.finish(trailer)?;
        Ok(())
    }
}

/// The image XObject of a stored page image: its data as stored, described for PDF.
fn image_xobject(image: &StoredImage) -> Result<Stream, &'static str> {
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(image.width),
        "Height" => i64::from(image.height),
    };
    let data = match &image.pixels {
        StoredPixels::Jpeg { bytes, components } => {
            let space = if *components == 1 {
                "DeviceGray"
            } else {
                "DeviceRGB"
            };
            dict.set("ColorSpace", space);
            dict.set("BitsPerComponent", 8);
            dict.set("Filter", "DCTDecode");
            bytes.clone()
        }
        StoredPixels::PngData {
            zlib,
            colour,
            bits,
            palette,
        } => {
            let (space, colours): (Object, i64) = match colour {
                StoredColour::Gray => ("DeviceGray".into(), 1),
                StoredColour::Rgb => ("DeviceRGB".into(), 3),
                StoredColour::Indexed => {
                    if palette.len() < 3 || palette.len() > 768 {
                        return Err("the PNG palette is damaged");
                    }
                    let entries = Object::String(palette.clone(), lopdf::StringFormat::Hexadecimal);
                    let high = (palette.len() / 3 - 1) as i64;
                    (
                        vec!["Indexed".into(), "DeviceRGB".into(), high.into(), entries].into(),
                        1,
                    )
                }
            };
            dict.set("ColorSpace", space);
            dict.set("BitsPerComponent", i64::from(*bits));
            dict.set("Filter", "FlateDecode");
            // PNG's row filters are PDF's predictors 10–15 (PDF 32000 §7.4.4.4): the data goes
            // in unchanged.
            dict.set(
                "DecodeParms",
                dictionary! {
                    "Predictor" => 15,
                    "Colors" => colours,
                    "BitsPerComponent" => i64::from(*bits),
                    "Columns" => i64::from(image.width),
                },
            );
            zlib.clone()
        }
        StoredPixels::Bilevel(packed) => {
            let row_bytes = (image.width as usize).div_ceil(8);
            if packed.len() < row_bytes * image.height as usize {
                return Err("the bilevel image is truncated");
            }
            dict.set("ColorSpace", "DeviceGray");
            dict.set("BitsPerComponent", 1);
            let mut stream = Stream::new(dict, packed.clone());
            let _ = stream.compress();
            return Ok(stream.with_compression(false));
        }
    };
    Ok(Stream::new(dict, data).with_compression(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_images_are_described_not_recoded() {
        let jpeg = StoredImage {
            width: 4,
            height: 2,
            dpi: 200,
            pixels: StoredPixels::Jpeg {
                bytes: vec![0xFF, 0xD8, 1, 2],
                components: 3,
            },
        };
        let stream = image_xobject(&jpeg).unwrap();
        assert_eq!(stream.content, vec![0xFF, 0xD8, 1, 2]);
        assert_eq!(
            stream.dict.get(b"Filter").unwrap(),
            &Object::from("DCTDecode")
        );
        assert_eq!(
            stream.dict.get(b"ColorSpace").unwrap(),
            &Object::from("DeviceRGB")
        );
        let indexed = StoredImage {
            pixels: StoredPixels::PngData {
                zlib: vec![0x78, 0x9C],
                colour: StoredColour::Indexed,
                bits: 4,
                palette: vec![255, 0, 0, 255, 255, 255],
            },
            ..jpeg.clone()
        };
        let stream = image_xobject(&indexed).unwrap();
        assert_eq!(stream.content, vec![0x78, 0x9C]);
        let space = stream.dict.get(b"ColorSpace").unwrap().as_array().unwrap();
        assert_eq!(space[2], Object::Integer(1));
        let short = StoredImage {
            pixels: StoredPixels::Bilevel(vec![0; 1]),
            ..jpeg
        };
        assert!(image_xobject(&short).is_err());
    }

    #[test]
    fn bad_pages_are_refused_without_spoiling_the_file() {
        let path =
            std::env::temp_dir().join(format!("sohoa-images-bad-{}.pdf", std::process::id()));
        let mut pdf = SearchablePdfWriter::create(&path).unwrap();
        let empty = SearchablePage::gray(image::GrayImage::new(0, 0), 300, Vec::new());
        assert!(matches!(
            pdf.add_page(&empty),
            Err(Error::BadPage { page: 1, .. })
        ));
        let no_dpi = SearchablePage::gray(image::GrayImage::new(10, 10), 0, Vec::new());
        assert!(matches!(pdf.add_page(&no_dpi), Err(Error::BadPage { .. })));
        let good = SearchablePage::gray(image::GrayImage::new(10, 10), 72, Vec::new());
        pdf.add_page(&good).unwrap();
        assert_eq!(pdf.page_count(), 1);
        pdf.finish(&DocumentInfo::default(), true).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.ends_with(b"%%EOF\n"));
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        std::fs::remove_file(&path).ok();
    }
}
