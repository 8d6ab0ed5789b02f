//! Image pages as their files store them, for outputs that must keep the scan as it is: a JPEG's
//! own bytes, a PNG's own compressed pixels, a TIFF page's samples in their colour and depth.
//! (OCR reads grey pixels through [`super::Document::page`]; this is the other road.)

use super::raster::{jfif_dpi, png_dpi, resolve_dpi, tiff_dpi, tiff_error, tiff_limits};
use super::{Error, Limits};
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use tiff::decoder::{Decoder, DecodingResult};

/// A page image as stored, with its size and resolution.
#[derive(Debug, Clone)]
pub struct StoredImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Resolution in dots per inch (as OCR used it: the file's, or a page-size guess).
    pub dpi: u32,
    /// The pixels.
    pub pixels: StoredPixels,
}

/// Colour of stored samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredColour {
    /// One grey sample per pixel, 0 black.
    Gray,
    /// Red, green, blue.
    Rgb,
    /// One index per pixel into a palette of RGB triples.
    Indexed,
}

/// The pixels of a [`StoredImage`].
#[derive(Debug, Clone)]
pub enum StoredPixels {
    /// A whole JPEG file, grey (1 component) or colour (3).
    Jpeg {
        /// The file's bytes.
        bytes: Vec<u8>,
        /// Colour components.
        components: u8,
    },
    /// A PNG's zlib stream (its `IDAT` chunks joined), rows filtered by PNG predictors.
    PngData {
        /// The zlib data.
        zlib: Vec<u8>,
        /// Colour of the samples.
        colour: StoredColour,
        /// Bits per sample (1, 2, 4, 8, 16).
        bits: u8,
        /// RGB triples for [`StoredColour::Indexed`].
        palette: Vec<u8>,
    },
    /// One bit per pixel, rows padded to a byte; a set bit is white.
    Bilevel(Vec<u8>),
}

impl StoredImage {
    /// Pixels made in memory, kept without loss as a file of them would be (two-level grey
    /// packed to one bit, others as PNG data).
    ///
    /// ```
    /// use sohoa::ingest::{StoredImage, StoredPixels};
    /// let grey = image::DynamicImage::ImageLuma8(image::GrayImage::new(8, 2));
    /// let stored = StoredImage::lossless(grey, 300)?;
    /// assert!(matches!(stored.pixels, StoredPixels::Bilevel(ref bits) if bits == &[0, 0]));
    /// # Ok::<(), sohoa::ingest::Error>(())
    /// ```
    pub fn lossless(image: DynamicImage, dpi: u32) -> Result<StoredImage, Error> {
        let (width, height) = (image.width(), image.height());
        Ok(StoredImage {
            width,
            height,
            dpi,
            pixels: lossless(image)?,
        })
    }
}

/// Reads a PNG or JPEG file as stored.
pub(super) fn single(path: &Path, limits: &Limits) -> Result<StoredImage, Error> {
    let bytes = std::fs::read(path)?;
    let bad = |err: image::ImageError| Error::BadImage(err.to_string());
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let decoder =
            image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&bytes)).map_err(bad)?;
        let (width, height) = decoder.dimensions();
        limits
            .check_image(width, height)
            .map_err(Error::ImageTooLarge)?;
        let dpi = resolve_dpi(jfif_dpi(&bytes), width, height).0;
        let components = match decoder.original_color_type() {
            image::ExtendedColorType::L8 => Some(1),
            image::ExtendedColorType::Rgb8 => Some(3),
            _ => None,
        };
        if let Some(components) = components {
            let pixels = StoredPixels::Jpeg { bytes, components };
            return Ok(StoredImage {
                width,
                height,
                dpi,
                pixels,
            });
        }
        // CMYK and other rare JPEGs: decoded, then kept losslessly.
    } else if let Some(png) = png_data(&bytes) {
        limits
            .check_image(png.width, png.height)
            .map_err(Error::ImageTooLarge)?;
        let dpi = resolve_dpi(png_dpi(&bytes), png.width, png.height).0;
        return Ok(StoredImage {
            width: png.width,
            height: png.height,
            dpi,
            pixels: png.pixels,
        });
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(&bytes)).with_guessed_format()?;
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(image_limits);
    let image = reader.decode().map_err(bad)?;
    let tagged = png_dpi(&bytes).or_else(|| jfif_dpi(&bytes));
    let (width, height) = (image.width(), image.height());
    Ok(StoredImage {
        width,
        height,
        dpi: resolve_dpi(tagged, width, height).0,
        pixels: lossless(image)?,
    })
}

/// Pixels decoded from a file that cannot go into a PDF as they are, compressed again without
/// loss in their own colour and depth: two-level grey packed to one bit, anything else as PNG
/// data (whose row predictors PDF shares). Alpha is laid on white first.
fn lossless(image: DynamicImage) -> Result<StoredPixels, Error> {
    let image = match without_alpha(image) {
        DynamicImage::ImageLuma8(grey) => {
            if grey.as_raw().iter().all(|&v| v == 0 || v == 255) {
                return Ok(StoredPixels::Bilevel(pack_bits(&grey)));
            }
            DynamicImage::ImageLuma8(grey)
        }
        image @ (DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgb16(_)) => image,
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|err| Error::BadImage(err.to_string()))?;
    png_data(&png)
        .map(|parts| parts.pixels)
        .ok_or_else(|| Error::BadImage("the pixels could not be compressed again".into()))
}

/// Grey pixels that are all black or white, one bit each (set = white), rows padded to a byte.
fn pack_bits(grey: &image::GrayImage) -> Vec<u8> {
    let (width, height) = grey.dimensions();
    let row_bytes = (width as usize).div_ceil(8);
    let mut packed = vec![0u8; row_bytes * height as usize];
    for (x, y, pixel) in grey.enumerate_pixels() {
        if pixel[0] == 255 {
            packed[y as usize * row_bytes + x as usize / 8] |= 0x80 >> (x % 8);
        }
    }
    packed
}

struct PngParts {
    width: u32,
    height: u32,
    pixels: StoredPixels,
}

/// A PNG's header, palette and joined `IDAT` data, when its pixels can go into a PDF as they are:
/// not interlaced, no alpha channel (grey, RGB or palette without transparency).
fn png_data(bytes: &[u8]) -> Option<PngParts> {
    let body = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n")?;
    let (mut width, mut height, mut bits, mut colour) = (0, 0, 0, StoredColour::Gray);
    let (mut zlib, mut palette) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at + 8 <= body.len() {
        let len = u32::from_be_bytes(body[at..at + 4].try_into().ok()?) as usize;
        let kind = &body[at + 4..at + 8];
        let data = body.get(at + 8..(at + 8).checked_add(len)?)?;
        match kind {
            b"IHDR" if data.len() == 13 => {
                width = u32::from_be_bytes(data[0..4].try_into().ok()?);
                height = u32::from_be_bytes(data[4..8].try_into().ok()?);
                bits = data[8];
                colour = match data[9] {
                    0 => StoredColour::Gray,
                    2 => StoredColour::Rgb,
                    3 => StoredColour::Indexed,
                    _ => return None, // alpha channels
                };
                if data[12] != 0 {
                    return None; // interlaced rows are not a PDF predictor layout
                }
            }
            b"PLTE" => palette = data.to_vec(),
            // Transparency would be lost, so such files are decoded and laid on white.
            b"tRNS" => return None,
            b"IDAT" => zlib.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let valid = width > 0 && height > 0 && !zlib.is_empty() && [1, 2, 4, 8, 16].contains(&bits);
    if !valid || (colour == StoredColour::Indexed && (palette.is_empty() || bits == 16)) {
        return None;
    }
    Some(PngParts {
        width,
        height,
        pixels: StoredPixels::PngData {
            zlib,
            colour,
            bits,
            palette,
        },
    })
}

/// Page `index` of a TIFF file as stored.
pub(super) fn tiff_page(path: &Path, index: u32, limits: &Limits) -> Result<StoredImage, Error> {
    let mut decoder = Decoder::new(BufReader::new(File::open(path)?))
        .map_err(tiff_error)?
        .with_limits(tiff_limits(limits));
    decoder.seek_to_image(index as usize).map_err(tiff_error)?;
    let (width, height) = decoder.dimensions().map_err(tiff_error)?;
    limits
        .check_image(width, height)
        .map_err(Error::ImageTooLarge)?;
    let dpi = resolve_dpi(tiff_dpi(&mut decoder), width, height).0;
    let color = decoder.colortype().map_err(tiff_error)?;
    let samples = decoder.read_image().map_err(tiff_error)?;
    use tiff::ColorType as C;
    let truncated = || Error::BadImage("the page is truncated".into());
    let image = match (color, samples) {
        (C::Gray(1), DecodingResult::U8(packed)) => {
            // The tiff crate turns WhiteIsZero round, so a set bit is white, as OCR reads it.
            let row_bytes = (width as usize).div_ceil(8);
            if packed.len() < row_bytes * height as usize {
                return Err(truncated());
            }
            let mut packed = packed;
            packed.truncate(row_bytes * height as usize);
            return Ok(StoredImage {
                width,
                height,
                dpi,
                pixels: StoredPixels::Bilevel(packed),
            });
        }
        (C::Gray(8), DecodingResult::U8(v)) => {
            image::GrayImage::from_raw(width, height, v).map(DynamicImage::ImageLuma8)
        }
        (C::Gray(16), DecodingResult::U16(v)) => {
            image::ImageBuffer::from_raw(width, height, v).map(DynamicImage::ImageLuma16)
        }
        (C::RGB(8), DecodingResult::U8(v)) => {
            image::RgbImage::from_raw(width, height, v).map(DynamicImage::ImageRgb8)
        }
        (C::RGB(16), DecodingResult::U16(v)) => {
            image::ImageBuffer::from_raw(width, height, v).map(DynamicImage::ImageRgb16)
        }
        (C::RGBA(8), DecodingResult::U8(v)) => {
            image::RgbaImage::from_raw(width, height, v).map(DynamicImage::ImageRgba8)
        }
        (C::GrayA(8), DecodingResult::U8(v)) => {
            image::GrayAlphaImage::from_raw(width, height, v).map(DynamicImage::ImageLumaA8)
        }
        _ => {
            return Err(Error::BadImage(format!(
                "unsupported TIFF colour type {color:?}"
            )));
        }
    }
    .ok_or_else(truncated)?;
    Ok(StoredImage {
        width,
        height,
        dpi,
        pixels: lossless(image)?,
    })
}

/// The image laid on white when it has an alpha channel (a page has no transparency); as it is
/// otherwise.
fn without_alpha(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return image;
    }
    let on_white = |value: u16, alpha: u16, max: u32| -> u32 {
        (u32::from(value) * u32::from(alpha) + max * (max - u32::from(alpha))) / max
    };
    match image {
        DynamicImage::ImageLumaA8(grey) => {
            let (w, h) = grey.dimensions();
            let samples = grey
                .pixels()
                .map(|p| on_white(p[0].into(), p[1].into(), 255) as u8)
                .collect();
            image::GrayImage::from_raw(w, h, samples)
                .map_or(DynamicImage::new_luma8(w, h), DynamicImage::ImageLuma8)
        }
        other => {
            let rgba = other.to_rgba8();
            let (w, h) = rgba.dimensions();
            let samples = rgba
                .pixels()
                .flat_map(|p| {
                    let a = u16::from(p[3]);
                    [0, 1, 2].map(|c| on_white(p[c].into(), a, 255) as u8)
                })
                .collect();
            image::RgbImage::from_raw(w, h, samples)
                .map_or(DynamicImage::new_rgb8(w, h), DynamicImage::ImageRgb8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(image: &DynamicImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        bytes
    }

    #[test]
    fn png_pixels_are_taken_as_stored() {
        let grey = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(7, 3, image::Luma([9])));
        let bytes = png_bytes(&grey);
        let parts = png_data(&bytes).expect("grey PNG passes through");
        assert_eq!((parts.width, parts.height), (7, 3));
        match parts.pixels {
            StoredPixels::PngData {
                zlib, colour, bits, ..
            } => {
                assert_eq!((colour, bits), (StoredColour::Gray, 8));
                // The IDAT data is a zlib stream of 3 rows of 1 filter byte + 7 samples.
                let mut raw = Vec::new();
                use std::io::Read;
                flate2::read::ZlibDecoder::new(&zlib[..])
                    .read_to_end(&mut raw)
                    .unwrap();
                assert_eq!(raw.len(), 3 * 8);
            }
            other => panic!("{other:?}"),
        }
        let alpha = DynamicImage::ImageRgba8(image::RgbaImage::new(2, 2));
        assert!(png_data(&png_bytes(&alpha)).is_none());
        assert!(png_data(b"\x89PNG\r\n\x1a\n\0\0\0").is_none());
    }

    #[test]
    fn decoded_pixels_are_kept_without_loss() {
        let mut grey = image::GrayImage::from_pixel(10, 2, image::Luma([255]));
        grey.put_pixel(1, 0, image::Luma([0]));
        grey.put_pixel(9, 1, image::Luma([0]));
        match lossless(DynamicImage::ImageLuma8(grey.clone())).unwrap() {
            StoredPixels::Bilevel(bits) => {
                assert_eq!(bits, vec![0b1011_1111, 0b1100_0000, 0xFF, 0b1000_0000])
            }
            other => panic!("{other:?}"),
        }
        grey.put_pixel(2, 0, image::Luma([128]));
        let rgb = DynamicImage::ImageRgb16(image::ImageBuffer::new(3, 3));
        for (image, colour, bits) in [
            (DynamicImage::ImageLuma8(grey), StoredColour::Gray, 8),
            (rgb, StoredColour::Rgb, 16),
        ] {
            match lossless(image).unwrap() {
                StoredPixels::PngData {
                    colour: c, bits: b, ..
                } => assert_eq!((c, b), (colour, bits)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn alpha_is_laid_on_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([200, 0, 0, 255]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 0]));
        let flat = without_alpha(DynamicImage::ImageRgba8(rgba)).to_rgb8();
        assert_eq!(flat.get_pixel(0, 0).0, [200, 0, 0]);
        assert_eq!(flat.get_pixel(1, 0).0, [255, 255, 255]);
    }
}
