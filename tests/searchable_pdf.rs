//! The searchable-PDF writer end to end: write real and synthetic pages, and `sohoa run --pdf`
//! on the fixtures; read the invisible text layer back with the project's own ingest (PDFium)
//! and, when installed, with poppler's `pdftotext`, and compare token for token (NFC) with the
//! repaired text; check each page holds the page image at the right size.
#![cfg(feature = "ocr")]

use pdfium_render::prelude::*;
use sohoa::ingest::{Document, Limits, PageContent, PageOptions, Word};
use sohoa::pipeline::record::PageRecord;
use sohoa::pipeline::run::repaired_lines;
use sohoa::pipeline::searchable_pdf::{
    DocumentInfo, PdfOptions, SearchablePage, SearchablePdfWriter,
};
use sohoa::pipeline::write_searchable_pdf;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use unicode_normalization::UnicodeNormalization;

const PAGE_ONE: &[&str] = &[
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Kế hoạch số 265-KH/TU của Ban Thường vụ Tỉnh ủy",
    "Bình dân học vụ số",
];

const PAGE_TWO: &[&str] = &[
    "Bình dân học vụ số",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Kế hoạch số 265-KH/TU của Ban Thường vụ Tỉnh ủy",
    "Quyết định về việc thành lập Tổ công tác",
];

const PDF_A: PdfOptions = PdfOptions {
    pdfa: true,
    password: None,
};

/// Writes the searchable PDF of `doc` with no document information, as PDF/A.
fn write_plain(
    doc: &Document,
    pages: &[PageRecord],
    path: &Path,
) -> Result<Vec<String>, sohoa::pipeline::searchable_pdf::Error> {
    write_searchable_pdf(
        doc,
        pages,
        &DocumentInfo::default(),
        &PDF_A,
        path,
        &AtomicBool::new(false),
    )
}

fn fixture_page() -> image::GrayImage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans/bc-tuan48.page-002.png");
    image::open(&path)
        .expect("the fixture scan decodes")
        .to_luma8()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("sohoa-spdf-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Lays lines out as a typesetter would: each character `0.55 × height` wide, words 0.4 height
/// apart, lines 2 heights apart, starting at `(left, top)` in pixels.
fn layout(lines: &[&str], left: u32, top: u32, height: u32) -> Vec<Vec<Word>> {
    lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let y = top + n as u32 * height * 2;
            let mut x = left;
            line.split_whitespace()
                .map(|text| {
                    let width = (text.chars().count() as u32 * height * 55).div_ceil(100);
                    let word = Word {
                        text: text.to_string(),
                        bbox: [x, y, width, height],
                        confidence: 91.0,
                        block: 1,
                        line: n as u32,
                        alternatives: Vec::new(),
                    };
                    x += width + height * 2 / 5;
                    word
                })
                .collect()
        })
        .collect()
}

fn tokens(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|line| line.split_whitespace().map(|w| w.nfc().collect()).collect())
        .collect()
}

/// The non-empty lines of extracted text, NFC, split into tokens.
fn extracted_tokens(text: &str) -> Vec<Vec<String>> {
    text.nfc()
        .collect::<String>()
        .lines()
        .map(|line| {
            line.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|line| !line.is_empty())
        .collect()
}

fn text_layer(doc: &Document, index: u32) -> (String, Vec<Word>, u32, u32) {
    match doc
        .page(index, &PageOptions::default())
        .expect("page reads")
        .content
    {
        PageContent::TextLayer {
            text,
            words,
            width,
            height,
            ..
        } => (text, words, width, height),
        PageContent::Image { .. } => panic!("page {} has no text layer", index + 1),
    }
}

/// The page image OCR would read with `force_ocr`, and its resolution.
fn ocr_image_size(doc: &Document, index: u32) -> (u32, u32, u32) {
    let options = PageOptions { force_ocr: true };
    match doc.page(index, &options).expect("page renders").content {
        PageContent::Image { image, dpi, .. } => (image.width(), image.height(), dpi),
        PageContent::TextLayer { .. } => panic!("force_ocr must give an image"),
    }
}

/// `pdftotext` output pages (split at form feeds), or `None` when poppler is not installed.
fn pdftotext(path: &Path) -> Option<Vec<String>> {
    pdftotext_with(path, &[])
}

/// `pdftotext` with extra options (`-raw`: content-stream order, no dehyphenation; the default
/// mode joins a line ending in "35-" to the next as "35BC/…", as it does in any PDF).
fn pdftotext_with(path: &Path, options: &[&str]) -> Option<Vec<String>> {
    let out = Command::new("pdftotext")
        .args(options)
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("pdftotext gives UTF-8");
    Some(text.split('\u{c}').map(str::to_string).collect())
}

fn write(path: &Path, pages: &[SearchablePage]) {
    let mut pdf = SearchablePdfWriter::create(path).expect("create");
    for page in pages {
        pdf.add_page(page).expect("add page");
    }
    pdf.finish(&DocumentInfo::default(), true).expect("finish");
}

#[test]
fn two_pages_read_back_token_for_token() {
    let dir = TempDir::new("two");
    let path = dir.join("two.pdf");
    let scan = fixture_page();
    assert_eq!(scan.dimensions(), (2480, 3508));
    // Page 2 is a 150-dpi A4 page, to check the page size follows the resolution.
    let plain = image::GrayImage::from_pixel(1240, 1754, image::Luma([245]));
    let pages = [
        SearchablePage::gray(scan, 300, layout(PAGE_ONE, 240, 300, 48)),
        SearchablePage::gray(plain, 150, layout(PAGE_TWO, 100, 120, 30)),
    ];
    write(&path, &pages);

    let doc = Document::open(&path, &Limits::default()).expect("our PDF opens");
    assert_eq!(doc.page_count(), 2);
    for (index, expected) in [PAGE_ONE, PAGE_TWO].into_iter().enumerate() {
        let (text, words, width, height) = text_layer(&doc, index as u32);
        assert_eq!(
            extracted_tokens(&text),
            tokens(expected),
            "page {} text:\n{text}",
            index + 1
        );
        assert_eq!((width, height), (2480, 3508), "page {} size", index + 1);
        // The words come back on their boxes (in 300-dpi pixels), give or take rounding.
        let scale = 300 / pages[index].image.dpi;
        let written: Vec<&Word> = pages[index].lines.iter().flatten().collect();
        assert_eq!(words.len(), written.len(), "page {} words", index + 1);
        for (got, want) in words.iter().zip(&written) {
            assert_eq!(got.text, want.text.nfc().collect::<String>());
            for axis in [0, 2] {
                let want = want.bbox[axis] * scale;
                assert!(
                    got.bbox[axis].abs_diff(want) <= 2 * scale + 2,
                    "{}: box {:?} vs {:?}×{scale}",
                    got.text,
                    got.bbox,
                    want
                );
            }
        }
        // With force_ocr the page's image is read back as stored: the scan's own pixels
        // and resolution (the text over it is invisible).
        let (w, h, dpi) = ocr_image_size(&doc, index as u32);
        assert_eq!(
            (w, h, dpi),
            (
                pages[index].image.width,
                pages[index].image.height,
                pages[index].image.dpi
            ),
            "page {} reads back",
            index + 1
        );
    }

    // A second, independent reader.
    if let Some(pages) = pdftotext(&path) {
        assert_eq!(extracted_tokens(&pages[0]), tokens(PAGE_ONE));
        assert_eq!(extracted_tokens(&pages[1]), tokens(PAGE_TWO));
    } else {
        eprintln!("pdftotext not installed (poppler-utils): second reader skipped");
    }
}

#[test]
fn characters_beyond_latin1_survive() {
    let dir = TempDir::new("unicode");
    let path = dir.join("unicode.pdf");
    let lines = [
        "Ủy ban nhân dân – Sở Tư pháp “Điều” ½ € №",
        "Ωμέγα Москва 越南 社會主義",
        // Hán-Nôm beyond the BMP (CJK Extension B) and an emoji: codes from the surrogate area.
        "chữ 𡨸 Nôm 𠊛 người 📄 tệp",
        // Decomposed input comes out composed.
        "Nghe\u{0323}\u{0302} An Thu\u{031B}\u{0323}c hie\u{0323}\u{0302}n",
    ];
    write(
        &path,
        &[SearchablePage::gray(
            image::GrayImage::from_pixel(1654, 1169, image::Luma([255])),
            200,
            layout(&lines, 80, 100, 40),
        )],
    );
    let doc = Document::open(&path, &Limits::default()).expect("opens");
    let (text, _, _, _) = text_layer(&doc, 0);
    assert_eq!(extracted_tokens(&text), tokens(&lines), "text:\n{text}");
    assert!(text.contains("Nghệ An Thực hiện"));
    if let Some(pages) = pdftotext(&path) {
        assert_eq!(extracted_tokens(&pages[0]), tokens(&lines), "{}", pages[0]);
    }
}

#[test]
fn empty_page_is_image_only() {
    let dir = TempDir::new("empty");
    let path = dir.join("empty.pdf");
    write(
        &path,
        &[
            SearchablePage::gray(
                image::GrayImage::from_pixel(850, 1100, image::Luma([255])),
                100,
                Vec::new(),
            ),
            SearchablePage::gray(
                image::GrayImage::from_pixel(850, 1100, image::Luma([255])),
                100,
                layout(PAGE_ONE, 50, 50, 20),
            ),
        ],
    );
    let contents = page_contents(&path);
    assert_eq!(
        contents
            .iter()
            .map(|c| c.windows(5).filter(|w| w == b"3 Tr\n").count())
            .collect::<Vec<_>>(),
        [0, 1],
        "only the second page has a text object"
    );
    let doc = Document::open(&path, &Limits::default()).expect("opens");
    assert_eq!(doc.page_count(), 2);
    let first = doc.page(0, &PageOptions::default()).expect("page 1");
    match first.content {
        // read back as the stored 100-dpi image, not resampled
        PageContent::Image { image, dpi, .. } => {
            assert_eq!((image.dimensions(), dpi), ((850, 1100), 100))
        }
        PageContent::TextLayer { text, .. } => panic!("empty page has text {text:?}"),
    }
    let (text, _, _, _) = text_layer(&doc, 1);
    assert_eq!(extracted_tokens(&text), tokens(PAGE_ONE));
    if let Some(pages) = pdftotext(&path) {
        assert!(extracted_tokens(&pages[0]).is_empty());
    }
}

#[test]
fn size_grows_linearly_with_pages() {
    let dir = TempDir::new("linear");
    let scan = fixture_page();
    let page = SearchablePage::gray(scan, 300, layout(PAGE_TWO, 240, 300, 48));
    let mut sizes = Vec::new();
    for count in [10usize, 50] {
        let path = dir.join(&format!("{count}.pdf"));
        let started = std::time::Instant::now();
        let mut pdf = SearchablePdfWriter::create(&path).expect("create");
        for _ in 0..count {
            pdf.add_page(&page).expect("add");
        }
        pdf.finish(&DocumentInfo::default(), true).expect("finish");
        let elapsed = started.elapsed();
        let bytes = std::fs::metadata(&path).expect("written").len();
        eprintln!(
            "{count} pages of 2480×3508 px: {bytes} bytes ({} per page), {:.1} pages/s",
            bytes / count as u64,
            count as f64 / elapsed.as_secs_f64()
        );
        sizes.push(bytes as f64);
        if count == 50 {
            let doc = Document::open(&path, &Limits::default()).expect("opens");
            assert_eq!(doc.page_count(), 50);
            let (text, _, _, _) = text_layer(&doc, 49);
            assert_eq!(extracted_tokens(&text), tokens(PAGE_TWO));
        }
    }
    // The fixed part (header, font, CMap, xref) is small: 5× the pages is ~5× the bytes.
    let ratio = sizes[1] / sizes[0];
    assert!(
        (4.9..=5.05).contains(&ratio),
        "50/10 pages size ratio {ratio}"
    );
}

/// Peak memory stays flat with the page count: run with
/// `cargo test --release --test searchable_pdf -- --ignored --nocapture`.
#[test]
#[ignore = "slow: writes 500 full-size pages"]
fn five_hundred_pages_stay_small() {
    let dir = TempDir::new("500");
    let path = dir.join("500.pdf");
    let page = SearchablePage::gray(fixture_page(), 300, layout(PAGE_TWO, 240, 300, 48));
    let started = std::time::Instant::now();
    let mut pdf = SearchablePdfWriter::create(&path).expect("create");
    let mut peak_after_10 = 0;
    for n in 0..500 {
        pdf.add_page(&page).expect("add");
        if n == 9 {
            peak_after_10 = peak_rss_kib();
        }
    }
    pdf.finish(&DocumentInfo::default(), true).expect("finish");
    let peak = peak_rss_kib();
    let bytes = std::fs::metadata(&path).expect("written").len();
    eprintln!(
        "500 pages: {bytes} bytes, {:.1} s, peak RSS {} MiB (after 10 pages {} MiB)",
        started.elapsed().as_secs_f64(),
        peak / 1024,
        peak_after_10 / 1024
    );
    assert!(peak < 1024 * 1024, "peak RSS {peak} KiB");
    assert!(peak - peak_after_10 < 64 * 1024, "memory grew with pages");

    // Grafting a new layer onto all 500 pages: the images are never loaded.
    let doc = Document::open(&path, &Limits::default()).expect("opens");
    let words: Vec<Word> = layout(PAGE_ONE, 240, 300, 48)
        .into_iter()
        .flatten()
        .collect();
    let pages: Vec<PageRecord> = (1..=500)
        .map(|number| PageRecord {
            number,
            source: Some("ocr".into()),
            width: 2480,
            height: 3508,
            text: PAGE_ONE.join("\n"),
            words: words.clone(),
            ..PageRecord::default()
        })
        .collect();
    let grafted = dir.join("grafted.pdf");
    let started = std::time::Instant::now();
    let before = peak_rss_kib();
    write_plain(&doc, &pages, &grafted).expect("grafted");
    let graft_peak = peak_rss_kib();
    eprintln!(
        "graft onto 500 pages: {} bytes, {:.1} s, peak RSS {} MiB (before {} MiB)",
        std::fs::metadata(&grafted).expect("written").len(),
        started.elapsed().as_secs_f64(),
        graft_peak / 1024,
        before / 1024
    );
    assert!(graft_peak < 1024 * 1024, "peak RSS {graft_peak} KiB");
    let reread = Document::open(&grafted, &Limits::default()).expect("opens");
    let (text, _, _, _) = text_layer(&reread, 499);
    assert_eq!(extracted_tokens(&text), tokens(PAGE_ONE));
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// PDFium through pdfium-render, sharing the library binding sohoa made (sohoa binds it on its
/// first PDF, which every caller here has opened already).
fn pdfium() -> Pdfium {
    Pdfium::default()
}

/// The one image drawn on each page of `path`: its pixels (grey), and the page size in points.
fn page_images(path: &Path) -> Vec<(image::GrayImage, f32, f32)> {
    let pdfium = pdfium();
    let document = pdfium
        .load_pdf_from_file(path, None)
        .expect("PDFium opens our PDF");
    document
        .pages()
        .iter()
        .map(|page| {
            let images: Vec<image::GrayImage> = page
                .objects()
                .iter()
                .filter_map(|object| {
                    object
                        .as_image_object()
                        .map(|image| image.get_raw_image().expect("image decodes").to_luma8())
                })
                .collect();
            assert_eq!(images.len(), 1, "one image per page");
            let image = images.into_iter().next().expect("one image");
            (image, page.width().value, page.height().value)
        })
        .collect()
}

fn mean_abs_diff(a: &image::GrayImage, b: &image::GrayImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

fn copy_fixture(from: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(from),
        to,
    )
    .expect("copy fixture");
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read JSON")).expect("parse JSON")
}

/// `sohoa run --pdf` on a scanned PDF, a PNG, a born-digital PDF and a legacy `.txt`: every
/// searchable PDF holds, page for page, the record's repaired text (read back by PDFium and
/// pdftotext) on the original pages: the scanned PDF's and the PNG's image streams are the
/// input's bytes, the born-digital PDF's pages are untouched and its size barely grows; the
/// `.txt` gets no PDF; a PDF that cannot be written costs only the PDF (record and text are
/// written, with a warning).
#[test]
fn run_pdf_grafts_the_repaired_text_onto_the_original_pages() {
    let dir = TempDir::new("run");
    let input = dir.join("in");
    let out = dir.join("out");
    copy_fixture("scans/bc-42-head.office.pdf", &input.join("office.pdf"));
    copy_fixture("scans/bc-tuan48.page-002.png", &input.join("png/page.png"));
    copy_fixture(
        "scans/bc-tuan48.born-digital.pdf",
        &input.join("born-digital.pdf"),
    );
    copy_fixture(
        "legacy-ocr/kh-03-du-hongbang-2025.head.ocr.txt",
        &input.join("legacy.txt"),
    );
    // A folder where the PDF should go makes its rename fail.
    copy_fixture("scans/bc-tuan48.page-002.png", &input.join("blocked.png"));
    std::fs::create_dir_all(out.join("blocked.png.searchable.pdf/keep")).expect("blocker");

    let started = std::time::Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("run")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--pdf", "--progress", "none"])
        .status()
        .expect("sohoa runs");
    eprintln!("sohoa run --pdf: {:.1} s", started.elapsed().as_secs_f64());
    assert!(status.success(), "sohoa run --pdf: {status}");

    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).expect("manifest");
    for rel in ["office.pdf", "png/page.png", "born-digital.pdf"] {
        let pdf = out.join(format!("{rel}.searchable.pdf"));
        let record = read_json(&out.join(format!("{rel}.json")));
        let pages: Vec<PageRecord> =
            serde_json::from_value(record["pages"].clone()).expect("pages");
        assert!(
            manifest.contains(&format!("\"{rel}.searchable.pdf\"")),
            "{rel}: the manifest lists the PDF"
        );
        let source = Document::open(&input.join(rel), &Limits::default()).expect("source");
        let doc = Document::open(&pdf, &Limits::default()).expect("searchable PDF opens");
        assert_eq!(doc.page_count(), source.page_count(), "{rel}: page count");
        let poppler = pdftotext_with(&pdf, &["-raw"]);
        let poppler_input = rel
            .ends_with(".pdf")
            .then(|| pdftotext_with(&input.join(rel), &["-raw"]))
            .flatten();
        for (index, page) in pages.iter().enumerate() {
            let i = index as u32;
            // An OCR'd page carries the repaired text; a page read from its own text layer keeps
            // that layer, so it reads as it was read.
            let ocr = page.source.as_deref() == Some("ocr");
            let expected: Vec<&str> = if ocr { &page.text } else { &page.text_raw }
                .lines()
                .filter(|line| !line.trim().is_empty())
                .collect();
            let (text, words, width, height) = text_layer(&doc, i);
            assert_eq!(
                extracted_tokens(&text),
                tokens(&expected),
                "{rel} page {}: text layer vs repaired text",
                page.number
            );
            if ocr {
                // The page is the scan's size (within a pixel: PDFium renders a 841.89 pt A4
                // page 3507 px high, not 3508) and each word's text box lies on its image box.
                let dpi = page.image.as_ref().map_or(300, |image| image.dpi);
                let scale = 300.0 / f64::from(dpi);
                let near = |a: u32, b: u32| {
                    f64::from(a).max(f64::from(b)) * 0.002 + 1.0 >= f64::from(a.abs_diff(b))
                };
                assert!(
                    near(width, (f64::from(page.width) * scale).round() as u32)
                        && near(height, (f64::from(page.height) * scale).round() as u32),
                    "{rel} page size {width}×{height} vs {}×{} at {dpi} dpi",
                    page.width,
                    page.height
                );
                let written: Vec<Word> = repaired_lines(&page.words, &page.text)
                    .into_iter()
                    .flat_map(|(words, _)| words)
                    .collect();
                assert_eq!(
                    words.len(),
                    written.len(),
                    "{rel} page {}: words",
                    page.number
                );
                for (got, want) in words.iter().zip(&written) {
                    let want = want.bbox.map(|v| (f64::from(v) * scale).round() as u32);
                    // Across: the text box starts on the word's box and ends within it (short
                    // of the next word when Tesseract's boxes overlap). Up and down: the line's
                    // band, which holds the word's box.
                    let tolerance = (2.0 * scale + 3.0) as u32;
                    assert!(
                        got.bbox[0].abs_diff(want[0]) <= tolerance
                            && got.bbox[0] + got.bbox[2] <= want[0] + want[2] + tolerance,
                        "{rel}: {} box {:?} vs {want:?} (×{scale})",
                        got.text,
                        got.bbox,
                    );
                    assert!(
                        got.bbox[1] < want[1] + want[3] && got.bbox[1] + got.bbox[3] > want[1],
                        "{rel}: {} box {:?} vs {want:?} (×{scale})",
                        got.text,
                        got.bbox,
                    );
                }
            }
            if let Some(poppler) = &poppler {
                let want = match &poppler_input {
                    Some(input) if !ocr => extracted_tokens(&input[index]).concat(),
                    _ => tokens(&expected).concat(),
                };
                assert_eq!(
                    extracted_tokens(&poppler[index]).concat(),
                    want,
                    "{rel} page {}: pdftotext vs repaired text (or the input's own text)",
                    page.number
                );
            }
        }
        // PDF/A-2b, except the born-digital input: its Helvetica is not embedded, and the
        // record says so.
        let pdfa = rel != "born-digital.pdf";
        let metadata = &record["metadata"];
        if let Some(info) = pdfinfo(&pdf) {
            assert_eq!(
                info.contains("<pdfaid:part>2</pdfaid:part>"),
                pdfa,
                "{rel}: {info}"
            );
            if let Some(issuer) = metadata["issuer"]["name"].as_str() {
                assert!(info.contains(issuer), "{rel}: issuer {issuer} in\n{info}");
            }
        }
        if pdfa {
            fonts_embedded(&pdf);
        } else {
            let warnings = record["warnings"].to_string();
            assert!(
                warnings.contains("not marked PDF/A-2b: fonts not embedded: Helvetica"),
                "{warnings}"
            );
        }
        qpdf_check(&pdf);
    }
    // The scanned PDF's page images are the input's streams, byte for byte.
    let office_in = pdf_image_streams(&input.join("office.pdf"));
    let office_out = pdf_image_streams(&out.join("office.pdf.searchable.pdf"));
    assert!(!office_in[0].is_empty());
    assert_eq!(office_in, office_out, "office.pdf: page images changed");
    // The PNG's pixels go in as stored (its zlib data), and read back identical.
    let png_out = pdf_image_streams(&out.join("png/page.png.searchable.pdf"));
    assert_eq!(png_out, [vec![png_idat(&input.join("png/page.png"))]]);
    let (pixels, _, _) = &page_images(&out.join("png/page.png.searchable.pdf"))[0];
    assert_eq!(mean_abs_diff(pixels, &fixture_page()), 0.0);
    // The born-digital PDF: every page's content as it was, a few kilobytes more in all.
    let born_in = input.join("born-digital.pdf");
    let born_out = out.join("born-digital.pdf.searchable.pdf");
    assert_eq!(raw_page_contents(&born_in), raw_page_contents(&born_out));
    let (size_in, size_out) = (file_size(&born_in), file_size(&born_out));
    eprintln!("born-digital: {size_in} bytes in, {size_out} bytes out");
    assert!(
        size_out.abs_diff(size_in) < 16 * 1024,
        "born-digital: {size_in} → {size_out} bytes"
    );

    assert!(!out.join("legacy.txt.searchable.pdf").exists());
    assert!(out.join("legacy.txt.json").is_file());

    // The failed PDF: record and text are there, the warning says why, the manifest has no PDF.
    let record = read_json(&out.join("blocked.png.json"));
    let warnings = record["warnings"].to_string();
    assert!(
        warnings.contains("searchable PDF not written"),
        "{warnings}"
    );
    assert!(out.join("blocked.png.txt").is_file());
    assert!(!manifest.contains("\"blocked.png.searchable.pdf\""));
    // No temporary file is left behind.
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".sohoa-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).expect("file exists").len()
}

/// Each page's image XObjects (in resource order) as stored: the raw stream bytes.
fn pdf_image_streams(path: &Path) -> Vec<Vec<Vec<u8>>> {
    let doc = lopdf::Document::load(path).expect("lopdf reads the PDF");
    doc.get_pages()
        .values()
        .map(|&page| {
            let (own, inherited) = doc.get_page_resources(page).expect("resources");
            let mut dicts: Vec<&lopdf::Dictionary> = own.into_iter().collect();
            dicts.extend(
                inherited
                    .iter()
                    .filter_map(|id| doc.get_dictionary(*id).ok()),
            );
            let mut streams = Vec::new();
            for resources in dicts {
                let Ok(xobjects) = resources
                    .get_deref(b"XObject", &doc)
                    .and_then(lopdf::Object::as_dict)
                else {
                    continue;
                };
                for (_, object) in xobjects.iter() {
                    let Ok((_, lopdf::Object::Stream(stream))) = doc.dereference(object) else {
                        continue;
                    };
                    if stream
                        .dict
                        .get(b"Subtype")
                        .and_then(lopdf::Object::as_name)
                        .ok()
                        == Some(&b"Image"[..])
                    {
                        streams.push(stream.content.clone());
                    }
                }
            }
            streams
        })
        .collect()
}

/// Each page's content streams as stored (not decompressed).
fn raw_page_contents(path: &Path) -> Vec<Vec<Vec<u8>>> {
    let doc = lopdf::Document::load(path).expect("lopdf reads the PDF");
    doc.get_pages()
        .values()
        .map(|&page| {
            doc.get_page_contents(page)
                .into_iter()
                .map(|id| {
                    doc.get_object(id)
                        .and_then(lopdf::Object::as_stream)
                        .expect("content stream")
                        .content
                        .clone()
                })
                .collect()
        })
        .collect()
}

/// Each page's content, decompressed and joined.
fn page_contents(path: &Path) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load(path).expect("lopdf reads the PDF");
    doc.get_pages()
        .values()
        .map(|&page| doc.get_page_content(page).expect("content"))
        .collect()
}

/// The joined IDAT data of a PNG file.
fn png_idat(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).expect("PNG");
    let mut at = 8;
    let mut data = Vec::new();
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        if &bytes[at + 4..at + 8] == b"IDAT" {
            data.extend_from_slice(&bytes[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    data
}

/// `pdfinfo -meta` output (document information and XMP), or `None` without poppler.
fn pdfinfo(path: &Path) -> Option<String> {
    let out = Command::new("pdfinfo")
        .arg("-meta")
        .arg(path)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pdfinfo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    let info = Command::new("pdfinfo").arg(path).output().ok()?;
    text.push_str(&String::from_utf8_lossy(&info.stdout));
    Some(text)
}

/// `qpdf --check` finds no error (skipped without qpdf).
fn qpdf_check(path: &Path) {
    let Ok(out) = Command::new("qpdf").arg("--check").arg(path).output() else {
        eprintln!("qpdf not installed: structural check skipped");
        return;
    };
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !text.contains("WARNING"),
        "qpdf --check {}: {text}",
        path.display()
    );
}

/// `pdffonts` lists every font as embedded (skipped without poppler).
fn fonts_embedded(path: &Path) {
    let Ok(out) = Command::new("pdffonts").arg(path).output() else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines().skip(2) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        // name type [encoding…] emb sub uni object ID: "emb" is the fifth column from the end.
        let emb = columns.len().checked_sub(5).map(|i| columns[i]);
        assert_eq!(
            emb,
            Some("yes"),
            "{}: font not embedded: {line}",
            path.display()
        );
    }
}

/// A colour JPEG goes in as its own bytes (DCTDecode, DeviceRGB), and stays colour.
#[test]
fn colour_jpeg_is_kept_as_it_is() {
    let dir = TempDir::new("jpeg");
    let path = dir.join("seal.jpg");
    let mut scan = image::RgbImage::from_pixel(1240, 1754, image::Rgb([250, 250, 245]));
    for y in 200..400 {
        for x in 800..1000 {
            scan.put_pixel(x, y, image::Rgb([210, 20, 30]));
        }
    }
    let mut jpeg = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85);
    encoder.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(150));
    encoder.encode_image(&scan).expect("JPEG");
    std::fs::write(&path, &jpeg).expect("write JPEG");
    let doc = Document::open(&path, &Limits::default()).expect("JPEG opens");
    let pages = vec![PageRecord {
        number: 1,
        source: Some("ocr".into()),
        width: 1240,
        height: 1754,
        text: "Kế hoạch".into(),
        words: vec![
            ocr_word("Ke", [100, 100, 80, 40], 0),
            ocr_word("hoach", [200, 100, 200, 40], 0),
        ],
        ..PageRecord::default()
    }];
    let out = dir.join("seal.searchable.pdf");
    write_plain(&doc, &pages, &out).expect("PDF written");
    assert_eq!(pdf_image_streams(&out), [vec![jpeg]]);
    let (grey, width_pt, _) = &page_images(&out)[0];
    assert!(
        (width_pt - 1240.0 * 72.0 / 150.0).abs() < 0.01,
        "150 dpi page: {width_pt} pt"
    );
    assert_eq!(grey.dimensions(), (1240, 1754));
    let pdfium = pdfium();
    let document = pdfium.load_pdf_from_file(&out, None).expect("PDFium opens");
    let page = document.pages().get(0).expect("page");
    let image = page
        .objects()
        .iter()
        .find_map(|object| {
            object
                .as_image_object()
                .map(|i| i.get_raw_image().expect("decodes"))
        })
        .expect("an image")
        .to_rgb8();
    let [r, g, b] = image.get_pixel(900, 300).0;
    assert!(
        r > 180 && g < 70 && b < 80,
        "the seal stays red: {r} {g} {b}"
    );
    if let Some(pages) = pdftotext(&out) {
        assert_eq!(extracted_tokens(&pages[0]), tokens(&["Kế hoạch"]));
    }
    qpdf_check(&out);
    fonts_embedded(&out);
}

/// A PDF page that already has an invisible OCR layer gets the new one instead, not a second;
/// a page read from its own text layer is left byte for byte.
#[test]
fn an_old_invisible_layer_is_replaced_not_doubled() {
    let dir = TempDir::new("relayer");
    let old = dir.join("old.pdf");
    write(
        &old,
        &[SearchablePage::gray(
            fixture_page(),
            300,
            layout(&["CŨ LỚP CHỮ ẨN TỪ TRƯỚC"], 240, 300, 48),
        )],
    );
    let doc = Document::open(&old, &Limits::default()).expect("opens");
    let new_words: Vec<Word> = layout(PAGE_ONE, 240, 300, 48)
        .into_iter()
        .flatten()
        .collect();
    let page = PageRecord {
        number: 1,
        source: Some("ocr".into()),
        width: 2480,
        height: 3508,
        text: PAGE_ONE.join("\n"),
        words: new_words,
        ..PageRecord::default()
    };
    let out = dir.join("new.pdf");
    let info = DocumentInfo {
        title: Some("Kế hoạch số 265-KH/TU".into()),
        identifier: Some("265-KH/TU".into()),
        creator: Some("Ban Thường vụ Tỉnh ủy".into()),
        date: Some("2025-06-02".into()),
    };
    write_searchable_pdf(
        &doc,
        std::slice::from_ref(&page),
        &info,
        &PDF_A,
        &out,
        &AtomicBool::new(false),
    )
    .expect("grafted");
    let reread = Document::open(&out, &Limits::default()).expect("opens");
    let (text, _, _, _) = text_layer(&reread, 0);
    assert_eq!(extracted_tokens(&text), tokens(PAGE_ONE), "{text}");
    if let Some(pages) = pdftotext(&out) {
        assert_eq!(
            extracted_tokens(&pages[0]),
            tokens(PAGE_ONE),
            "{}",
            pages[0]
        );
    }
    assert_eq!(pdf_image_streams(&old), pdf_image_streams(&out));
    if let Some(meta) = pdfinfo(&out) {
        for value in [
            "Kế hoạch số 265-KH/TU",
            "Ban Thường vụ Tỉnh ủy",
            "265-KH/TU",
            "2025-06-02",
        ] {
            assert!(meta.contains(value), "{value} in\n{meta}");
        }
    }
    qpdf_check(&out);

    // Read from its own text layer: nothing is added, the page stays as it was.
    let kept = dir.join("kept.pdf");
    let text_page = PageRecord {
        source: Some("text_layer".into()),
        ..page
    };
    write_searchable_pdf(
        &doc,
        &[text_page],
        &info,
        &PDF_A,
        &kept,
        &AtomicBool::new(false),
    )
    .expect("copied");
    assert_eq!(raw_page_contents(&old), raw_page_contents(&kept));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn ocr_word(text: &str, bbox: [u32; 4], line: u32) -> Word {
    Word {
        text: text.into(),
        bbox,
        confidence: 60.0,
        block: 1,
        line,
        alternatives: Vec::new(),
    }
}

/// The text layer holds the *repaired* text, not the OCR words: a repaired word replaces its OCR
/// word on the same box, a line whose word count changed gets one box for the whole line, and a
/// page whose lines no longer match keeps the OCR text with a warning.
#[test]
fn repaired_text_replaces_the_ocr_words() {
    let dir = TempDir::new("repaired");
    let scan = dir.join("scan.png");
    fixture_page().save(&scan).expect("save PNG");
    let doc = Document::open(&scan, &Limits::default()).expect("PNG opens");
    let pages = vec![PageRecord {
        number: 1,
        source: Some("ocr".into()),
        width: 2480,
        height: 3508,
        text_raw: "Ke hoach so 265\nBinh dan hoc vu so".into(),
        // Decomposed on purpose: the layer is NFC whatever it is given.
        text: "Ke\u{0302}\u{0301} hoa\u{0323}ch số 265\n\nBình dân học vụ số".into(),
        words: vec![
            ocr_word("Ke", [300, 400, 80, 50], 0),
            ocr_word("hoach", [400, 400, 200, 50], 0),
            ocr_word("so", [620, 400, 70, 50], 0),
            ocr_word("265", [710, 400, 110, 50], 0),
            // "Binh dan" OCR'd as one word: 5 boxes for 6 repaired tokens.
            ocr_word("Binhdan", [300, 500, 300, 50], 1),
            ocr_word("hoc", [620, 500, 100, 50], 1),
            ocr_word("vu", [740, 500, 70, 50], 1),
            ocr_word("so", [830, 500, 70, 50], 1),
        ],
        mean_confidence: Some(60.0),
        image: None,
        text_layer: None,
        error: None,
    }];
    let path = dir.join("out/scan.searchable.pdf");
    let warnings = write_plain(&doc, &pages, &path).expect("PDF written");
    assert!(warnings.is_empty(), "{warnings:?}");
    let pdf = Document::open(&path, &Limits::default()).expect("opens");
    let (text, words, _, _) = text_layer(&pdf, 0);
    let expected = ["Kế hoạch số 265", "Bình dân học vụ số"];
    assert_eq!(extracted_tokens(&text), tokens(&expected), "{text}");
    // "hoạch" sits on the box of "hoach".
    let hoach = words.iter().find(|w| w.text == "hoạch").expect("hoạch");
    assert!(hoach.bbox[0].abs_diff(400) <= 3, "{:?}", hoach.bbox);
    if let Some(pages) = pdftotext(&path) {
        assert_eq!(
            extracted_tokens(&pages[0]),
            tokens(&expected),
            "{}",
            pages[0]
        );
    }

    // Lines that no longer match: the OCR words are kept, and the record is told.
    let mut misaligned = pages.clone();
    misaligned[0].text = "Kế hoạch số 265 Bình dân học vụ số".into();
    let warnings = write_plain(&doc, &misaligned, &path).expect("PDF written");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("page 1"), "{warnings:?}");
    let pdf = Document::open(&path, &Limits::default()).expect("opens");
    let (text, _, _, _) = text_layer(&pdf, 0);
    assert_eq!(
        extracted_tokens(&text),
        tokens(&["Ke hoach so 265", "Binhdan hoc vu so"])
    );

    // Interrupted: nothing is left, not even the earlier PDF.
    let stopped = write_searchable_pdf(
        &doc,
        &pages,
        &DocumentInfo::default(),
        &PDF_A,
        &path,
        &AtomicBool::new(true),
    );
    assert!(stopped.is_err());
    assert!(!path.exists());
    assert!(walk(&dir.join("out")).is_empty(), "no temporary file left");
}

/// A page scanned sideways and turned upright by `/Rotate` (made with qpdf from the office
/// fixture): OCR reads it as shown, and the layer lies on it as shown, so pdftotext reads the
/// repaired text in order. Skipped without qpdf and poppler.
#[test]
fn layer_follows_the_page_rotation() {
    let dir = TempDir::new("rotate");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).expect("mkdir");
    let office = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans/bc-42-head.office.pdf");
    let qpdf = |args: &[&str], from: &Path, to: &Path| {
        Command::new("qpdf")
            .args(args)
            .arg(from)
            .arg(to)
            .status()
            .is_ok_and(|s| s.success())
    };
    let sideways = dir.join("sideways.pdf");
    let flat = dir.join("flat.pdf");
    let upright = input.join("upright.pdf");
    if !(qpdf(&["--rotate=+90"], &office, &sideways)
        && qpdf(&["--flatten-rotation"], &sideways, &flat)
        && qpdf(&["--rotate=-90"], &flat, &upright))
    {
        eprintln!("qpdf not installed: rotation test skipped");
        return;
    }
    let out = dir.join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("run")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--pdf", "--progress", "none"])
        .status()
        .expect("sohoa runs");
    assert!(status.success());
    let record = read_json(&out.join("upright.pdf.json"));
    let text = record["pages"][0]["text"].as_str().expect("page text");
    let expected: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(expected.len() > 10, "the page was read upright: {text}");
    let Some(pages) = pdftotext_with(&out.join("upright.pdf.searchable.pdf"), &["-raw"]) else {
        return;
    };
    assert_eq!(
        extracted_tokens(&pages[0]).concat(),
        tokens(&expected).concat()
    );
}
