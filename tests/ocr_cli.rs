//! `sohoa ocr` end to end: real Tesseract, real PDFium, on the committed fixture scans.
#![cfg(feature = "ocr")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sohoa::score::syllable_accuracy;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn sohoa(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(args)
        .output()
        .expect("run sohoa")
}

fn ocr_text(file: &Path) -> String {
    let out = sohoa(&["ocr".as_ref(), file.as_os_str()]);
    assert!(
        out.status.success(),
        "sohoa ocr {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn ocr_json(file: &Path) -> serde_json::Value {
    let out = sohoa(&["ocr".as_ref(), "--json".as_ref(), file.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn office_scan_reaches_the_accuracy_floor() {
    let reference =
        std::fs::read_to_string(fixture("printed/bc-42-head.office.lines.txt")).unwrap();
    let text = ocr_text(&fixture("scans/bc-42-head.office.pdf"));
    let accuracy = syllable_accuracy(&reference, &text);
    assert!(
        accuracy >= 0.95,
        "office-quality syllable accuracy {accuracy:.4}"
    );
}

#[test]
fn poor_scan_reaches_the_accuracy_floor() {
    let reference = std::fs::read_to_string(fixture("printed/bc-42-head.poor.lines.txt")).unwrap();
    let text = ocr_text(&fixture("scans/bc-42-head.poor.pdf"));
    let accuracy = syllable_accuracy(&reference, &text);
    assert!(
        accuracy >= 0.62,
        "poor-quality syllable accuracy {accuracy:.4}"
    );
}

#[test]
fn born_digital_pdf_is_read_from_its_text_layer_not_ocrd() {
    let file = fixture("scans/bc-tuan48.born-digital.pdf");
    let json = ocr_json(&file);
    let pages = json["pages"].as_array().expect("pages");
    assert!(!pages.is_empty());
    for page in pages {
        assert_eq!(
            page["source"], "text_layer",
            "page {} was OCR'd",
            page["number"]
        );
        assert!(page["words"].as_array().is_some_and(|w| !w.is_empty()));
        assert_eq!(page["mean_confidence"], serde_json::Value::Null);
    }
    let text = ocr_text(&file);
    let printed =
        std::fs::read_to_string(fixture("printed/bc-tuan48.born-digital.lines.txt")).unwrap();
    // The layer's text equals the printed text, token for token. (The PDF maker cut the long
    // URLs at the margin, so those lines are compared without them.)
    let without_urls = |t: &str| {
        t.lines()
            .filter(|l| !l.trim_start().starts_with("https://"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        syllable_accuracy(&without_urls(&printed), &without_urls(&text)),
        1.0
    );
    // --force-ocr does OCR it.
    let out = sohoa(&[
        "ocr".as_ref(),
        "--json".as_ref(),
        "--force-ocr".as_ref(),
        file.as_os_str(),
    ]);
    let forced: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(forced["pages"][0]["source"], "ocr");
}

#[test]
fn multipage_tiff_gives_one_page_each_with_words_and_boxes() {
    let json = ocr_json(&fixture("scans/bc-tuan48.clean-p1-2.tif"));
    assert_eq!(json["kind"], "tiff");
    let pages = json["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2);
    let reference =
        std::fs::read_to_string(fixture("printed/bc-tuan48.born-digital.lines.txt")).unwrap();
    let known: std::collections::HashSet<String> =
        sohoa::score::tokens(&reference).into_iter().collect();
    for page in pages {
        assert_eq!(page["source"], "ocr");
        let words = page["words"].as_array().expect("words");
        assert!(
            words.len() > 100,
            "page {} has {} words",
            page["number"],
            words.len()
        );
        let word = &words[0];
        assert_eq!(word["bbox"].as_array().map(Vec::len), Some(4));
        assert!(word["confidence"].as_f64().is_some_and(|c| c > 0.0));
        // Nearly every recognised token of a clean scan is a token of the printed text.
        let text = page["text"].as_str().unwrap();
        let tokens = sohoa::score::tokens(text);
        let found = tokens.iter().filter(|t| known.contains(*t)).count();
        assert!(
            found as f64 / tokens.len() as f64 > 0.95,
            "page {}: {found}/{}",
            page["number"],
            tokens.len()
        );
    }
}

#[test]
fn pages_are_separated_by_form_feeds() {
    let text = ocr_text(&fixture("scans/bc-tuan48.clean-p1-2.tif"));
    assert_eq!(text.matches('\x0c').count(), 2);
    assert!(text.ends_with('\x0c'));
}

#[test]
fn png_page_is_read() {
    let text = ocr_text(&fixture("scans/bc-tuan48.page-002.png"));
    assert!(text.contains("Bình dân học vụ số"), "{text}");
}

fn assert_refused(file: &Path, reason: &str) {
    let out = sohoa(&["ocr".as_ref(), file.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: {stderr}", file.display());
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(&file.display().to_string()),
        "names the file: {stderr}"
    );
    assert!(stderr.contains(reason), "says '{reason}': {stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn bad_inputs_get_one_line_each() {
    assert_refused(&fixture("bad/empty.pdf"), "empty");
    assert_refused(&fixture("bad/truncated.pdf"), "damaged or truncated");
    assert_refused(&fixture("bad/encrypted.pdf"), "encrypted");
    assert_refused(&fixture("bad/text-named.pdf"), "not a PDF");
    assert_refused(&fixture("bad/does-not-exist.png"), "cannot read");
    assert_refused(&fixture("bad"), "cannot read");
}

#[test]
fn encrypted_pdf_opens_with_its_password() {
    let out = sohoa(&[
        "ocr".as_ref(),
        "--password".as_ref(),
        "secret".as_ref(),
        fixture("bad/encrypted.pdf").as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("42-BC/BTGDVTU"));
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sohoa-ocr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn image_bomb_is_refused_before_decoding() {
    // A PNG header that claims 100,000 × 100,000 pixels (10 gigapixels).
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    // A tiny compressed stream stands in for the gigabytes it would inflate to.
    for (kind, data) in [
        (&b"IDAT"[..], &b"x\x9c\x03\x00\x00\x00\x00\x01"[..]),
        (b"IEND", b""),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend(data);
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    let file = scratch("bomb.png");
    std::fs::write(&file, png).unwrap();
    assert_refused(&file, "above the limit");
}

#[test]
fn pdf_with_ten_thousand_pages_is_refused() {
    let mut pdf = String::from("%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n");
    pdf.push_str("2 0 obj <</Type/Pages/Count 10000/Kids[");
    for i in 0..10_000 {
        pdf.push_str(&format!("{} 0 R ", i + 3));
    }
    pdf.push_str("]>> endobj\n");
    for i in 0..10_000 {
        pdf.push_str(&format!(
            "{} 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n",
            i + 3
        ));
    }
    pdf.push_str("trailer <</Root 1 0 R>>\n%%EOF\n");
    let file = scratch("ten-thousand.pdf");
    std::fs::write(&file, pdf).unwrap();
    assert_refused(&file, "above the limit of 2000 pages");
}

#[test]
fn good_files_are_processed_when_others_fail() {
    let out = sohoa(&[
        "ocr".as_ref(),
        fixture("bad/empty.pdf").as_os_str(),
        fixture("scans/bc-tuan48.born-digital.pdf").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Bình dân học vụ số"));
}

#[test]
fn help_carries_an_example() {
    for args in [vec!["--help"], vec!["ocr", "--help"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Example"),
            "{args:?}"
        );
    }
}

#[test]
fn a_page_over_the_time_limit_is_reported_not_waited_for() {
    // A dense 300-dpi page takes several seconds; one second is not enough.
    let file = fixture("scans/bc-tuan48.page-002.png");
    let out = sohoa(&[
        "ocr".as_ref(),
        "--page-timeout".as_ref(),
        "1".as_ref(),
        file.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("page 1: OCR gave up"), "{stderr}");
}

#[test]
fn a_two_column_header_comes_out_as_two_blocks() {
    // The issuer's column, then the motto's (Tesseract reads each row across both).
    let text = ocr_text(&fixture("layout/two-column-header.png"));
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"))
    };
    assert!(at("UBND") < at("SỞ GIÁO DỤC") && at("SỞ GIÁO DỤC") < at("1234/SGD"));
    assert!(at("1234/SGD") < at("CỘNG HÒA") && at("CỘNG HÒA") < at("Độc lập"));
    assert!(at("Độc lập") < at("ngày 12 tháng 5"));
    // no line holds both columns, and no word was broken
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("UBND") && l.contains("CỘNG"))
    );
    assert!(text.contains("1234/SGDĐT-VP"));
    let json = ocr_json(&fixture("layout/two-column-header.png"));
    let words = json["pages"][0]["words"].as_array().expect("words");
    let texts: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    for w in words {
        let line = w["line"].as_u64().expect("line") as usize;
        let t = w["text"].as_str().expect("text");
        assert!(
            texts[line].split(' ').any(|x| x == t),
            "{t} not on line {line}"
        );
    }
}

#[test]
fn a_blank_page_with_alternatives_asked_for_is_read_as_empty() {
    // Tesseract asserts (and aborts the process) when asked for choices where it read nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(800, 1100, image::Luma([255]))
        .save(&blank)
        .expect("save");
    let out = sohoa(&["ocr".as_ref(), "--alternatives".as_ref(), blank.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty());
    // and with them the words of a real page carry alternatives where the LSTM hesitated
    let json = {
        let out = sohoa(&[
            "ocr".as_ref(),
            "--alternatives".as_ref(),
            "--json".as_ref(),
            fixture("scans/bc-42-head.poor.pdf").as_os_str(),
        ]);
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let words = json["pages"][0]["words"].as_array().expect("words");
    let with = words
        .iter()
        .filter(|w| w.get("alternatives").is_some())
        .count();
    assert!(with > 0, "no word has alternatives");
    for w in words.iter().filter_map(|w| w["alternatives"].as_array()) {
        for a in w {
            let cost = a["cost"].as_f64().expect("cost");
            assert!((0.0..=6.0).contains(&cost), "{a}");
        }
    }
}
