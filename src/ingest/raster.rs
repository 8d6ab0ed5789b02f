//! Raster inputs: multi-page TIFF (the `tiff` crate, page by page) and PNG/JPEG (`image`).
//!
//! Each page is decoded only when asked for, after its header has been checked against the
//! [`Limits`], so an image bomb is refused before any pixel buffer is allocated.

use super::{Error, Limits, PageContent};
use image::{GrayImage, ImageReader};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::{ResolutionUnit, Tag};

/// Resolution assumed when an image does not say (office scanners default to 300 dpi).
const DEFAULT_DPI: u32 = 300;

pub(super) struct TiffSource {
    path: PathBuf,
    page_count: u32,
    limits: Limits,
}

fn tiff_error(err: tiff::TiffError) -> Error {
    match err {
        tiff::TiffError::IoError(io) => Error::BadImage(format!("truncated or unreadable: {io}")),
        other => Error::BadImage(other.to_string()),
    }
}

fn tiff_limits(limits: &Limits) -> tiff::decoder::Limits {
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
        let dpi = tiff_dpi(&mut decoder).unwrap_or(DEFAULT_DPI);
        let color = decoder.colortype().map_err(tiff_error)?;
        let pixels = decoder.read_image().map_err(tiff_error)?;
        let image = to_gray(width, height, color, pixels)?;
        Ok(PageContent::Image { image, dpi })
    }
}

fn tiff_dpi(decoder: &mut Decoder<BufReader<File>>) -> Option<u32> {
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
    (30.0..=2400.0).contains(&dpi).then_some(dpi.round() as u32)
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
        (C::RGB(8), DecodingResult::U8(v)) => v.chunks_exact(3).map(luma).collect(),
        (C::RGBA(8), DecodingResult::U8(v)) => v.chunks_exact(4).map(luma).collect(),
        (C::GrayA(8), DecodingResult::U8(v)) => v.chunks_exact(2).map(|p| p[0]).collect(),
        _ => return Err(unsupported()),
    };
    if gray.len() < n {
        return Err(Error::BadImage("the page is truncated".into()));
    }
    GrayImage::from_raw(width, height, gray)
        .ok_or_else(|| Error::BadImage("the page is truncated".into()))
}

fn luma(rgb: &[u8]) -> u8 {
    // ITU-R BT.601 weights, as Leptonica uses when Tesseract converts colour itself.
    ((u32::from(rgb[0]) * 299 + u32::from(rgb[1]) * 587 + u32::from(rgb[2]) * 114) / 1000) as u8
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
        Ok(PageContent::Image {
            image: image.to_luma8(),
            dpi: DEFAULT_DPI,
        })
    }
}
