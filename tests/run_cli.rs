//! `sohoa run` end to end: a batch with good and bad files, resume, and kill -9 at any moment.
#![cfg(feature = "ocr")]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sohoa-run-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sohoa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
}

fn copy(from: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(fixture(from), to).unwrap();
}

/// The latest manifest entry per document.
fn manifest(out: &Path) -> HashMap<String, serde_json::Value> {
    let text = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap_or_default();
    let mut latest = HashMap::new();
    for line in text.lines() {
        if let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) {
            latest.insert(entry["path"].as_str().unwrap().to_string(), entry);
        }
    }
    latest
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("run-report.json")).unwrap()).unwrap()
}

#[test]
fn batch_reports_bad_files_and_does_the_good_ones_then_resumes() {
    let dir = scratch("batch");
    let input = dir.join("in");
    copy(
        "scans/bc-tuan48.born-digital.pdf",
        &input.join("born-digital.pdf"),
    );
    copy(
        "scans/bc-tuan48.clean-p1-2.tif",
        &input.join("scans/two-pages.tif"),
    );
    copy("bad/empty.pdf", &input.join("bad/empty.pdf"));
    copy("bad/truncated.pdf", &input.join("bad/truncated.pdf"));
    copy("bad/encrypted.pdf", &input.join("bad/encrypted.pdf"));
    copy("bad/text-named.pdf", &input.join("bad/wrong-extension.pdf"));
    std::fs::write(
        input.join("legacy.txt"),
        b"Ke hoach so 265-KH/TU cua Ban Thuong vu\n\xff\xfe garbage\n",
    )
    .unwrap();
    let out = dir.join("out");

    let run = sohoa()
        .args(["run", "--jobs", "2", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "some files failed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for (file, reason) in [
        ("bad/empty.pdf", "empty"),
        ("bad/truncated.pdf", "damaged or truncated"),
        ("bad/encrypted.pdf", "encrypted"),
        ("bad/wrong-extension.pdf", "not a PDF"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} reported: {stderr}"));
        assert!(line.contains(reason), "{line}");
    }
    let rep = report(&out);
    assert_eq!(rep["documents"], 7);
    assert_eq!(rep["done"], 3);
    assert_eq!(rep["failed"], 4);

    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("scans/two-pages.tif.json")).unwrap())
            .unwrap();
    assert_eq!(record["format"], "sohoa-record/1");
    assert_eq!(
        record["pages"].as_array().unwrap().len(),
        2,
        "a multi-page TIFF is one document"
    );
    assert!(record["pages"][0]["words"].as_array().unwrap().len() > 50);
    let born: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("born-digital.pdf.json")).unwrap()).unwrap();
    assert_eq!(born["pages"][0]["source"], "text_layer");
    assert_eq!(born["metadata"]["reporting_period"]["week"], 48);
    assert_eq!(
        born["metadata"]["issuer"]["name"],
        "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    );
    let legacy: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("legacy.txt.json")).unwrap()).unwrap();
    assert!(
        legacy["warnings"].to_string().contains("line 2"),
        "invalid UTF-8 warned: {}",
        legacy["warnings"]
    );
    let text = std::fs::read_to_string(out.join("legacy.txt.txt")).unwrap();
    assert!(
        text.starts_with("Kế hoạch số 265-KH/TU của Ban Thường vụ"),
        "{text}"
    );

    // A re-run skips what is finished and retries what failed.
    let again = sohoa()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let rep = report(&out);
    assert_eq!(
        (rep["done"].as_u64(), rep["skipped"].as_u64()),
        (Some(0), Some(3))
    );

    // A changed input is redone.
    std::fs::write(input.join("legacy.txt"), "Binh dan hoc vu so\n").unwrap();
    sohoa()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let rep = report(&out);
    assert_eq!(
        (rep["done"].as_u64(), rep["skipped"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(
        std::fs::read_to_string(out.join("legacy.txt.txt")).unwrap(),
        "Bình dân học vụ số\n"
    );
}

#[test]
fn kill_nine_at_any_moment_then_rerun_gives_every_document_once() {
    let dir = scratch("kill");
    let input = dir.join("in");
    for i in 0..4 {
        copy(
            "scans/bc-42-head.office.pdf",
            &input.join(format!("office-{i}.pdf")),
        );
    }
    copy("scans/bc-tuan48.page-002.png", &input.join("page.png"));
    copy(
        "scans/bc-tuan48.born-digital.pdf",
        &input.join("born-digital.pdf"),
    );
    let expected: BTreeSet<String> = [
        "born-digital.pdf",
        "page.png",
        "office-0.pdf",
        "office-1.pdf",
        "office-2.pdf",
        "office-3.pdf",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let out = dir.join("out");
    for delay_ms in [300u64, 1200, 2500, 4000] {
        let mut child = sohoa()
            .args(["run", "--quiet", "--jobs", "2", "--out"])
            .arg(&out)
            .arg(&input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever the manifest says is finished must be complete, valid output.
        for (path, entry) in manifest(&out) {
            if entry["status"] == "done" {
                let json = std::fs::read(out.join(format!("{path}.json"))).unwrap();
                serde_json::from_slice::<serde_json::Value>(&json)
                    .expect("finished output is valid JSON");
            }
        }
    }
    let run = sohoa()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let latest = manifest(&out);
    let done: BTreeSet<String> = latest
        .iter()
        .filter(|(_, e)| e["status"] == "done")
        .map(|(p, _)| p.clone())
        .collect();
    assert_eq!(done, expected);
    // Exactly one output set per document, all valid, no temporary files left.
    let mut jsons = BTreeSet::new();
    for entry in walk(&out) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".sohoa-tmp"), "temporary file left: {name}");
        if let Some(doc) = name.strip_suffix(".json") {
            if doc != "run-report" {
                let bytes = std::fs::read(&entry).unwrap();
                let record: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
                assert_eq!(record["source"]["path"], doc);
                jsons.insert(doc.to_string());
            }
        }
    }
    assert_eq!(jsons, expected);
    // And a further run does nothing.
    sohoa()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(report(&out)["skipped"], 6);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn bad_arguments_exit_two() {
    let run = sohoa().args(["run", "somewhere"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
}
