//! Native pixels: each kind of stored page image (fixtures/page-images, made by
//! scripts/make_image_pdfs.py) is read as stored, upright, at its own resolution, and matches the
//! page a viewer shows; a mixed page is rendered at its image's resolution.
#![cfg(feature = "ocr")]

use sohoa::ingest::{Document, ImagePath, Limits, PageContent, PageOptions};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/page-images")
        .join(name)
}

/// Mean absolute grey difference between sohoa's page image and the expected page.
fn page_difference(name: &str) -> (ImagePath, u32, f64) {
    let doc = Document::open(&fixture(&format!("{name}.pdf")), &Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let page = doc
        .page(0, &PageOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let PageContent::Image { image, dpi, origin } = page.content else {
        panic!("{name}: not an image page");
    };
    assert_eq!(origin.dpi, dpi);
    let expected = image::open(fixture(&format!("{name}.expected.png")))
        .unwrap()
        .to_luma8();
    assert_eq!(
        image.dimensions(),
        expected.dimensions(),
        "{name}: page size in pixels"
    );
    let total: u64 = image
        .pixels()
        .zip(expected.pixels())
        .map(|(a, b)| u64::from(a.0[0].abs_diff(b.0[0])))
        .sum();
    (
        origin.path,
        dpi,
        total as f64 / f64::from(image.width() * image.height()),
    )
}

#[test]
fn every_kind_of_stored_image_is_read_as_stored() {
    // Lossless kinds match to rounding of the colour conversion; lossy ones within their loss.
    let cases = [
        ("flate-gray", 0.5),
        ("flate-rgb", 1.0),
        ("flate-1bit", 0.5),
        ("ccitt-g4", 0.5),
        ("jbig2-mmr", 0.5),
        ("imagemask", 0.5),
        ("smask", 0.5),
        ("rotate90", 0.5),
        ("turned", 0.5),
        ("cropbox", 0.5),
        ("dct-rgb", 3.0),
        ("dct-cmyk", 4.0),
        ("jpx", 4.0),
    ];
    for (name, tolerance) in cases {
        let (path, dpi, diff) = page_difference(name);
        assert_eq!(path, ImagePath::Native, "{name}");
        assert_eq!(dpi, 150, "{name}");
        assert!(
            diff <= tolerance,
            "{name}: mean difference {diff:.2} > {tolerance}"
        );
    }
}

#[test]
fn a_page_with_visible_text_beside_its_image_is_rendered_at_the_images_resolution() {
    let (path, dpi, diff) = page_difference("mixed");
    assert_eq!(path, ImagePath::Rendered);
    assert_eq!(dpi, 150);
    // The page's own small text is drawn too, so only nearly equal.
    assert!(diff < 6.0, "mean difference {diff:.2}");
}
