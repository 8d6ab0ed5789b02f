//! Raster inputs: multi-page TIFF (the `tiff` crate, page by page) and PNG/JPEG (`image`).
//!
//! Each page is decoded only when asked for, after its header has been checked against the
//! [`Limits`], so an image bomb is refused before any pixel buffer is allocated.

use super::page_image::{DpiFrom, ImageOrigin, ImagePath};
use super::{Error, Limits, PageContent, luma};
use image::{GrayImage, ImageReader};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::{ResolutionUnit, Tag};

/// Resolution assumed when an image does not say and is not page-sized (office scanners default
/// to 300 dpi).
const DEFAULT_DPI: u32 = 300;

/// The resolution to give Tesseract for a `width`×`height` image whose file says `tagged` (dpi).
///
/// A tag is believed when it makes the image a plausible sheet (its long side 1 to 17 inches,
/// A3 at most) at 70–1200 dpi; cameras and editors often write 72 or 96 whatever the pixels.
/// Otherwise a page-shaped image is taken to be A4 (the paper of these documents), and anything
/// else gets 300 dpi.
pub(super) fn resolve_dpi(tagged: Option<f32>, width: u32, height: u32) -> (u32, DpiFrom) {
    let long_px = width.max(height) as f32;
    let short_px = width.min(height) as f32;
    if let Some(dpi) = tagged
        && (70.0..=1200.0).contains(&dpi)
        && (1.0..=17.0).contains(&(long_px / dpi))
    {
        return (dpi.round() as u32, DpiFrom::Metadata);
    }
    // A4 is 8.27 × 11.69 in (ratio 1.414); accept 1.2–1.6 to allow margins and letter paper.
    let ratio = long_px / short_px.max(1.0);
    let a4 = long_px / 11.69;
    if (1.2..=1.6).contains(&ratio) && (150.0..=600.0).contains(&a4) {
        return (a4.round() as u32, DpiFrom::AssumedA4);
    }
    (DEFAULT_DPI, DpiFrom::Assumed)
}

fn origin(dpi: (u32, DpiFrom)) -> ImageOrigin {
    ImageOrigin {
        path: ImagePath::ImageFile,
        dpi: dpi.0,
        dpi_from: dpi.1,
        warning: None,
    }
}

pub(super) struct TiffSource {
    path: PathBuf,
    page_count: u32,
    limits: Limits,
}

pub(super) fn tiff_error(err: tiff::TiffError) -> Error {
    match err {
        tiff::TiffError::IoError(io) => Error::BadImage(format!("truncated or unreadable: {io}")),
        other => Error::BadImage(other.to_string()),
    }
}

pub(super) fn tiff_limits(limits: &Limits) -> tiff::decoder::Limits {
    let mut tiff_limits = tiff::decoder::Limits::default();
    // Four bytes per pixel is the most a page we accept can need.
    tiff_limits.decoding_buffer_size = (limits.max_pixels as usize).saturating_mul(4);
    tiff_limits
}

impl TiffSource {
    pub(super) fn open(path: &Path, limits: Limits) -> Result<TiffSource, Error> {
        let mut decoder = Decoder::new(BufReader::new(File::open(path)?))
            .map_err(tiff_error)?
            .with_limits(tiff_limits(&limits));
        let mut page_count = 1u32;
        while decoder.more_images() {
            if page_count >= limits.max_pages {
                return Err(Error::TooManyPages {
                    pages: page_count + 1,
                    limit: limits.max_pages,
                });
            }
            decoder.next_image().map_err(tiff_error)?;
            page_count += 1;
        }
        Ok(TiffSource {
            path: path.to_path_buf(),
            page_count,
            limits,
        })
    }

    pub(super) fn page_count(&self) -> u32 {
        self.page_count
    }

    pub(super) fn page(&self, index: u32) -> Result<PageContent, Error> {
        let mut decoder = Decoder::new(BufReader::new(File::open(&self.path)?))
            .map_err(tiff_error)?
            .with_limits(tiff_limits(&self.limits));
        decoder.seek_to_image(index as usize).map_err(tiff_error)?;
        let (width, height) = decoder.dimensions().map_err(tiff_error)?;
        self.limits
            .check_image(width, height)
            .map_err(Error::ImageTooLarge)?;
        let dpi = resolve_dpi(tiff_dpi(&mut decoder), width, height);
        let color = decoder.colortype().map_err(tiff_error)?;
        let pixels = decoder.read_image().map_err(tiff_error)?;
        let image = to_gray(width, height, color, pixels)?;
        Ok(PageContent::Image {
            image,
            dpi: dpi.0,
            origin: origin(dpi),
        })
    }
}

pub(super) fn tiff_dpi(decoder: &mut Decoder<BufReader<File>>) -> Option<f32> {
    let (num, den) = match decoder.get_tag(Tag::XResolution).ok()? {
        tiff::decoder::ifd::Value::Rational(n, d) => (n, d),
        _ => return None,
    };
    if den == 0 || num == 0 {
        return None;
    }
    let per_unit = num as f32 / den as f32;
    let unit = decoder
        .get_tag_u32(Tag::ResolutionUnit)
        .ok()
        .and_then(|u| ResolutionUnit::from_u16(u as u16));
    let dpi = match unit {
        Some(ResolutionUnit::Centimeter) => per_unit * 2.54,
        _ => per_unit,
    };
    dpi.is_finite().then_some(dpi)
}

/// Converts the decoded samples of one TIFF page to 8-bit grey.
fn to_gray(
    width: u32,
    height: u32,
    color: tiff::ColorType,
    pixels: DecodingResult,
) -> Result<GrayImage, Error> {
    use tiff::ColorType as C;
    let n = width as usize * height as usize;
    let unsupported = || Error::BadImage(format!("unsupported TIFF colour type {color:?}"));
    let gray: Vec<u8> = match (color, pixels) {
        (C::Gray(8), DecodingResult::U8(v)) => v,
        (C::Gray(16), DecodingResult::U16(v)) => v.iter().map(|&p| (p >> 8) as u8).collect(),
        (C::Gray(1), DecodingResult::U8(v)) => {
            // Bilevel rows are packed eight pixels to a byte, each row padded to a byte.
            let row_bytes = (width as usize).div_ceil(8);
            let mut out = Vec::with_capacity(n);
            for row in v.chunks(row_bytes).take(height as usize) {
                for x in 0..width as usize {
                    let bit = row.get(x / 8).map_or(0, |b| (b >> (7 - x % 8)) & 1);
                    out.push(if bit == 1 { 255 } else { 0 });
                }
            }
            out
        }
        (C::RGB(8), DecodingResult::U8(v)) => {
            v.chunks_exact(3).map(|p| luma(p[0], p[1], p[2])).collect()
        }
        (C::RGBA(8), DecodingResult::U8(v)) => {
            v.chunks_exact(4).map(|p| luma(p[0], p[1], p[2])).collect()
        }
        (C::GrayA(8), DecodingResult::U8(v)) => v.chunks_exact(2).map(|p| p[0]).collect(),
        _ => return Err(unsupported()),
    };
    if gray.len() < n {
        return Err(Error::BadImage("the page is truncated".into()));
    }
    GrayImage::from_raw(width, height, gray)
        .ok_or_else(|| Error::BadImage("the page is truncated".into()))
}

pub(super) struct SingleImage {
    path: PathBuf,
    limits: Limits,
}

impl SingleImage {
    pub(super) fn open(path: &Path, limits: Limits) -> Result<SingleImage, Error> {
        let source = SingleImage {
            path: path.to_path_buf(),
            limits,
        };
        // Read the header now so a bomb or a broken file is refused at open time.
        let (width, height) = ImageReader::new(BufReader::new(File::open(path)?))
            .with_guessed_format()?
            .into_dimensions()
            .map_err(|err| Error::BadImage(err.to_string()))?;
        limits
            .check_image(width, height)
            .map_err(Error::ImageTooLarge)?;
        Ok(source)
    }

    fn reader(&self) -> Result<ImageReader<BufReader<File>>, Error> {
        let mut reader =
            ImageReader::new(BufReader::new(File::open(&self.path)?)).with_guessed_format()?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.limits.max_side);
        limits.max_image_height = Some(self.limits.max_side);
        limits.max_alloc = Some(self.limits.max_pixels.saturating_mul(4));
        reader.limits(limits);
        Ok(reader)
    }

    pub(super) fn page(&self) -> Result<PageContent, Error> {
        let image = self
            .reader()?
            .decode()
            .map_err(|err| Error::BadImage(err.to_string()))?;
        let tagged =
            head(&self.path).and_then(|bytes| png_dpi(&bytes).or_else(|| jfif_dpi(&bytes)));
        let dpi = resolve_dpi(tagged, image.width(), image.height());
        Ok(PageContent::Image {
            image: image.to_luma8(),
            dpi: dpi.0,
            origin: origin(dpi),
        })
    }
}

/// The first 256 KiB of a file, where image headers keep their resolution.
fn head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    File::open(path)
        .ok()?
        .take(256 << 10)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// The resolution in a PNG's `pHYs` chunk (pixels per metre), if it has one before its pixels.
pub(super) fn png_dpi(bytes: &[u8]) -> Option<f32> {
    let mut at = 8; // after the signature
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = bytes.get(at + 8..at + 8 + len)?;
        match kind {
            b"pHYs" if len >= 9 && data[8] == 1 => {
                let x = u32::from_be_bytes(data[0..4].try_into().ok()?) as f32;
                return Some(x * 0.0254);
            }
            b"IDAT" | b"IEND" => return None,
            _ => {}
        }
        at += 12 + len;
    }
    None
}

/// The resolution in a JPEG's JFIF header (`APP0`), when it gives one in dots per inch or per
/// centimetre.
pub(super) fn jfif_dpi(bytes: &[u8]) -> Option<f32> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        let len = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        let data = bytes.get(at + 4..at + 2 + len)?;
        if marker == 0xE0 && data.len() >= 12 && data.starts_with(b"JFIF\0") {
            let x = f32::from(u16::from_be_bytes([data[8], data[9]]));
            return match data[7] {
                1 => Some(x),
                2 => Some(x * 2.54),
                _ => None,
            };
        }
        if marker == 0xDA {
            return None; // pixels start: no header gave a resolution
        }
        at += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn believable_tags_are_kept_and_others_replaced() {
        assert_eq!(
            resolve_dpi(Some(200.0), 1654, 2339),
            (200, DpiFrom::Metadata)
        );
        // 72 dpi would make an A4 scan a 32-inch sheet: taken as A4.
        assert_eq!(
            resolve_dpi(Some(72.0), 2480, 3508),
            (300, DpiFrom::AssumedA4)
        );
        assert_eq!(resolve_dpi(None, 1654, 2339), (200, DpiFrom::AssumedA4));
        // A strip of text with no tag gets the default.
        assert_eq!(resolve_dpi(None, 1200, 200), (300, DpiFrom::Assumed));
    }

    #[test]
    fn resolution_headers_are_read() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&[0, 0, 0, 9]);
        png.extend_from_slice(b"pHYs");
        png.extend_from_slice(&7874u32.to_be_bytes()); // 200 dpi in pixels per metre
        png.extend_from_slice(&7874u32.to_be_bytes());
        png.extend_from_slice(&[1, 0, 0, 0, 0]);
        assert_eq!(png_dpi(&png).map(f32::round), Some(200.0));
        let jfif = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1, 0, 150, 0, 150, 0, 0,
        ];
        assert_eq!(jfif_dpi(&jfif), Some(150.0));
        assert_eq!(jfif_dpi(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(png_dpi(b"\x89PNG\r\n\x1a\n\0\0"), None);
    }
}
