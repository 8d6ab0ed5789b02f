//! `--text-layer judge|trust|ocr` end to end on a PDF whose first page is born-digital and
//! whose second is a poor scan carrying an invisible English-OCR layer
//! (`fixtures/layers/born-digital+scan.pdf`), and on a scanner's page whose English layer,
//! read from the clean capture, is drawn visibly under the degraded stored image
//! (`fixtures/layers/scanner-visible.pdf`); both made by `scripts/make_layer_pdfs.py --small`.
#![cfg(feature = "ocr")]

use sohoa::score::syllable_accuracy;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/layers")
        .join(name)
}

/// `sohoa run --text-layer MODE` on the born-digital + scan fixture: its record.
fn run(mode: &str) -> serde_json::Value {
    run_on("born-digital+scan.pdf", mode)
}

/// `sohoa run --text-layer MODE` on the fixture `name`: its record.
fn run_on(name: &str, mode: &str) -> serde_json::Value {
    let out =
        std::env::temp_dir().join(format!("sohoa-layers-{}-{name}-{mode}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args([
            "run",
            "--quiet",
            "--progress",
            "none",
            "--text-layer",
            mode,
            "--out",
        ])
        .arg(&out)
        .arg(fixture(name))
        .status()
        .unwrap();
    assert!(status.success(), "sohoa run --text-layer {mode}");
    let record = std::fs::read(out.join(format!("{name}.json"))).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    serde_json::from_slice(&record).unwrap()
}

/// The printed text of each page (a form feed between them in the lines file).
fn printed() -> (String, String) {
    let lines = std::fs::read_to_string(fixture("born-digital+scan.lines.txt")).unwrap();
    let (digital, scanned) = lines.split_once('\x0c').expect("two parts");
    (digital.to_string(), scanned.to_string())
}

fn page_text(record: &serde_json::Value, page: usize) -> &str {
    record["pages"][page]["text"].as_str().unwrap()
}

#[test]
fn born_digital_is_trusted_and_a_poor_english_layer_is_read_again_and_combined() {
    let (digital, scanned) = printed();
    let judged = run("judge");
    let pages = judged["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2);

    // the born-digital page: its own text, no OCR, as before
    let first = &pages[0];
    assert_eq!(first["text_layer"]["kind"], "born_digital");
    assert_eq!(first["text_layer"]["source"], "layer");
    assert!(first["text_layer"]["quality"].is_null());
    assert!(
        first.get("image").is_none(),
        "no OCR on a born-digital page"
    );
    assert_eq!(syllable_accuracy(&digital, page_text(&judged, 0)), 1.0);

    // the scan: an invisible layer, judged not clean Vietnamese, re-read and combined
    let second = &pages[1];
    assert_eq!(second["text_layer"]["kind"], "invisible");
    assert_eq!(second["text_layer"]["source"], "combined");
    let score = second["text_layer"]["quality"]["score"].as_f64().unwrap();
    assert!(
        score < 0.5,
        "an English layer is no clean Vietnamese: {score}"
    );
    assert_eq!(second["image"]["path"], "native");

    let trusted = run("trust");
    assert_eq!(trusted["pages"][1]["text_layer"]["source"], "layer");
    assert!(trusted["pages"][1].get("image").is_none());
    let ocr = run("ocr");
    assert!(ocr["pages"][0]["text_layer"].is_null());
    assert_eq!(ocr["pages"][1]["source"], "ocr");

    let layer_alone = syllable_accuracy(&scanned, page_text(&trusted, 1));
    let ocr_alone = syllable_accuracy(&scanned, page_text(&ocr, 1));
    let combined = syllable_accuracy(&scanned, page_text(&judged, 1));
    assert!(
        combined > layer_alone && combined >= ocr_alone,
        "combined {combined:.4}, layer alone {layer_alone:.4}, OCR alone {ocr_alone:.4}"
    );
}

#[test]
fn visible_text_under_a_scanned_image_is_an_over_image_layer_read_again_and_combined() {
    let printed = std::fs::read_to_string(fixture("scanner-visible.lines.txt")).unwrap();
    let judged = run_on("scanner-visible.pdf", "judge");
    let page = &judged["pages"][0];
    assert_eq!(page["text_layer"]["kind"], "over_image");
    assert_eq!(page["text_layer"]["source"], "combined");
    assert!(page["text_layer"]["quality"]["score"].as_f64().unwrap() < 0.5);
    assert!(page.get("image").is_some(), "the image is read again");

    let ocr = run_on("scanner-visible.pdf", "ocr");
    let trusted = run_on("scanner-visible.pdf", "trust");
    let ocr_alone = syllable_accuracy(&printed, page_text(&ocr, 0));
    let layer_alone = syllable_accuracy(&printed, page_text(&trusted, 0));
    let combined = syllable_accuracy(&printed, page_text(&judged, 0));
    // the layer came from better pixels than the stored image: it improves on `vie` alone,
    // and `vie` on the layer alone
    assert!(
        combined > ocr_alone && combined > layer_alone,
        "combined {combined:.4}, OCR alone {ocr_alone:.4}, layer alone {layer_alone:.4}"
    );
}

#[test]
fn force_ocr_is_text_layer_ocr() {
    let output = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(["ocr", "--json", "--force-ocr"])
        .arg(fixture("born-digital+scan.pdf"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for page in json["pages"].as_array().unwrap() {
        assert_eq!(page["source"], "ocr");
        assert!(page["text_layer"].is_null());
    }
}
