//! Tables end to end: `sohoa extract` on text with ` | ` rows and on rendered PDFs and scans of
//! tables (`fixtures/tables/`, made by `scripts/make_table_pdfs.py`), the `tables` member
//! against the JSON Schema, `--tables-csv`, targets from a target table, a table without rules
//! beside two-column layouts that are no table, and bad input (a huge table, a form page of only
//! lines) in bounded time.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn assert_valid(v: &Value) {
    let text =
        std::fs::read_to_string(repo("schema/sohoa-extract.v1.schema.json")).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

/// `sohoa extract ARGS` with `input` on stdin: exit 0, the JSON output, schema-valid.
fn extract_stdin(args: &[&str], input: &str) -> Value {
    let out = common::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .arg("extract")
            .args(args),
        input.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&v);
    v
}

const PLAN: &str = "KẾ HOẠCH\nPhát triển hạ tầng số\n\
Phụ lục. CHỈ TIÊU CHUYỂN ĐỔI SỐ\n\
STT | Chỉ tiêu | Đơn vị | Năm 2025 | Năm 2026 | Cơ quan chủ trì\n\
1 | Hộ gia đình có cáp quang | % | 85 | 90 | Sở Khoa học và Công nghệ\n\
2 | Xã có điểm phục vụ dịch vụ công | xã | 120 | 150 | UBND cấp xã\n\
Văn bản tiếp theo.\n";

#[test]
fn text_tables_and_their_targets() {
    let v = extract_stdin(&["--no-repair", "-"], PLAN);
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0]["caption"], "Phụ lục. CHỈ TIÊU CHUYỂN ĐỔI SỐ");
    assert_eq!(tables[0]["rows"][2][1], "Xã có điểm phục vụ dịch vụ công");
    assert!(tables[0]["bbox"].is_null());
    let targets = v["metadata"]["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 4, "{targets:#?}");
    let t = &targets[3];
    assert_eq!(
        (t["year"].as_i64(), t["value"].as_i64()),
        (Some(2026), Some(150))
    );
    assert_eq!(t["unit"], "xã");
    assert_eq!(t["label"], "2");
    assert_eq!(v["evidence"]["targets[0]"]["rule"], "target_table");
}

#[test]
fn tables_csv_writes_one_file_per_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plan.txt");
    std::fs::write(&file, PLAN).expect("write input");
    let csv_dir = dir.path().join("csv");
    let out = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(["extract", "--no-repair", "--tables-csv"])
        .arg(&csv_dir)
        .arg(&file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(csv_dir.join("plan.table-1.csv")).expect("csv file");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[1],
        "1,Hộ gia đình có cáp quang,%,85,90,Sở Khoa học và Công nghệ"
    );
}

#[test]
fn a_huge_text_table_is_read_whole() {
    let mut text = String::from("STT | Tên | Giá trị\n");
    for i in 1..=2000 {
        text.push_str(&format!("{i} | Mục {i} | {}\n", i * 7));
        if i % 50 == 0 {
            text.push('\u{000C}');
        }
    }
    let v = extract_stdin(&["--no-repair", "-"], &text);
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0]["rows"].as_array().map(Vec::len), Some(2001));
}

/// `sohoa extract --no-repair FILE`, exit 0, schema-valid, with the time it took.
fn extract_file(file: &Path) -> (Value, std::time::Duration) {
    let start = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .args(["extract", "--no-repair"])
        .arg(file)
        .output()
        .expect("run sohoa");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&v);
    (v, took)
}

/// The rows of `fixtures/tables/plan.txt`'s tables, as printed.
fn plan_rows() -> Vec<Vec<Vec<String>>> {
    let text = std::fs::read_to_string(repo("fixtures/tables/plan.txt")).expect("plan.txt");
    sohoa::extract::tables::from_text(&text)
        .into_iter()
        .map(|t| t.rows)
        .collect()
}

fn rows_of(table: &Value) -> Vec<Vec<String>> {
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("row")
                .iter()
                .map(|c| c.as_str().expect("cell").to_string())
                .collect()
        })
        .collect()
}

/// Share of the printed cells read exactly, position by position.
fn cells_right(read: &[Vec<String>], printed: &[Vec<String>]) -> f64 {
    let total: usize = printed.iter().map(Vec::len).sum();
    let right: usize = printed
        .iter()
        .zip(read)
        .map(|(p, r)| p.iter().zip(r).filter(|(a, b)| a == b).count())
        .sum();
    right as f64 / total as f64
}

#[test]
fn born_digital_pdf_tables_with_merged_header_and_a_page_break() {
    // plan.pdf (scripts/make_table_pdfs.py, headless Chromium): a target table whose header
    // merges "Kế hoạch" over two year columns and "STT" over two rows, and a 41-row table
    // running over two pages without a repeated header.
    let (v, _) = extract_file(&repo("fixtures/tables/plan.pdf"));
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    let printed = plan_rows();
    assert_eq!(tables.len(), 2, "{tables:#?}");
    assert_eq!(rows_of(&tables[0]), printed[0]);
    assert_eq!(rows_of(&tables[1]), printed[1]);
    assert_eq!(tables[0]["caption"], "Phụ lục I. CHỈ TIÊU CHUYỂN ĐỔI SỐ");
    assert_eq!(tables[0]["page"], 1);
    assert!(tables[0]["bbox"].as_array().is_some_and(|b| b.len() == 4));
    let targets = v["metadata"]["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 6, "{targets:#?}");
    assert_eq!(
        targets[5]["subject"],
        "Người dân có tài khoản định danh điện tử"
    );
    assert_eq!(
        (targets[5]["year"].as_i64(), targets[5]["value"].as_i64()),
        (Some(2026), Some(80))
    );
}

#[test]
fn a_skewed_scan_is_read_cell_by_cell() {
    // Page 1 of plan.pdf at 200 dpi, turned by a skew and made bilevel: the target table whole,
    // and the first rows of the task table.
    let (v, _) = extract_file(&repo("fixtures/tables/plan-scan-1.png"));
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    let printed = plan_rows();
    assert_eq!(tables.len(), 2, "{tables:#?}");
    let first = rows_of(&tables[0]);
    assert_eq!(first.len(), printed[0].len());
    assert!(cells_right(&first, &printed[0]) >= 0.9, "{first:?}");
    let second = rows_of(&tables[1]);
    assert!(second.len() >= 20, "{second:?}");
    assert!(
        cells_right(&second, &printed[1][..second.len()]) >= 0.85,
        "{second:?}"
    );
    let targets = v["metadata"]["targets"].as_array().expect("targets");
    assert!(targets.len() >= 5, "{targets:#?}");
}

#[test]
fn a_scan_under_an_old_ocr_layer_is_read_from_its_image() {
    // The skewed scan with an invisible English OCR layer over it, as an earlier OCR run
    // leaves archive PDFs: the layer's characters are no table; the image is read as a scan.
    let dir = std::env::temp_dir().join(format!("sohoa-tables-layer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let base = dir.join("plan-layer");
    let made = Command::new("tesseract")
        .arg(repo("fixtures/tables/plan-scan-1.png"))
        .arg(&base)
        .args(["-l", "eng", "pdf"])
        .env("OMP_THREAD_LIMIT", "1")
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: the tesseract CLI with eng data is needed to make the layered PDF");
        return;
    }
    let (layered, _) = extract_file(&base.with_extension("pdf"));
    let (image, _) = extract_file(&repo("fixtures/tables/plan-scan-1.png"));
    let _ = std::fs::remove_dir_all(&dir);
    let rows = |v: &Value| -> Vec<Vec<Vec<String>>> {
        v["metadata"]["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .map(rows_of)
            .collect()
    };
    assert_eq!(rows(&layered).len(), 2);
    assert_eq!(rows(&layered), rows(&image));
}

/// The rows of `fixtures/tables/prices.txt`'s one data table (its other ` | ` blocks are the
/// issuer | motto header and the signature block).
fn prices_rows() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(repo("fixtures/tables/prices.txt")).expect("prices.txt");
    let tables = sohoa::extract::tables::from_text(&text);
    assert_eq!(tables.len(), 3);
    tables[1].rows.clone()
}

#[test]
fn a_table_without_rules_is_read_and_two_column_layouts_are_not() {
    // prices.pdf: `scripts/make_table_pdfs.py fixtures/tables/prices.txt --out DIR --unruled
    // prices:1 --unruled prices:2 --unruled prices:3 --scans skewed`: the issuer | motto
    // header, a 6-column price table and the recipients | signature block, all laid out with
    // spaces only; prices-scan-1.png is its page at 200 dpi, skewed and bilevel.
    let printed = prices_rows();
    let (v, _) = extract_file(&repo("fixtures/tables/prices.pdf"));
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1, "{tables:#?}");
    assert_eq!(rows_of(&tables[0]), printed);
    assert_eq!(
        tables[0]["caption"],
        "Bảng 1. Giá bán lẻ bình quân (đồng/kg)"
    );
    let (v, _) = extract_file(&repo("fixtures/tables/prices-scan-1.png"));
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1, "{tables:#?}");
    let read = rows_of(&tables[0]);
    assert_eq!(read.len(), printed.len(), "{read:?}");
    assert!(cells_right(&read, &printed) >= 0.9, "{read:?}");
}

#[test]
fn bad_table_pages_take_bounded_time() {
    // A form of only ruling lines: no table, no cell OCR'd.
    let (v, took) = extract_file(&repo("fixtures/tables/form.pdf"));
    assert_eq!(v["metadata"]["tables"], serde_json::json!([]));
    assert!(took.as_secs() < 60, "{took:?}");
    // A page turned by /Rotate 90: read, no panic.
    let (v, _) = extract_file(&repo("fixtures/tables/rotated.pdf"));
    assert_eq!(v["metadata"]["tables"][0]["rows"][2][1], "Hai");
    // A cell spanning the whole width: written once, the spanned position empty.
    let (v, _) = extract_file(&repo("fixtures/tables/wide-cell.pdf"));
    let rows = rows_of(&v["metadata"]["tables"][0]);
    assert!(rows[0][0].starts_with("Ghi chú chung"), "{rows:?}");
    assert_eq!(rows[0][1], "");
    assert_eq!(rows[2], vec!["1", "2"]);
    // 2,000 rows over 52 pages: one table.
    let (v, took) = extract_file(&repo("fixtures/tables/huge.pdf"));
    let tables = v["metadata"]["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1);
    assert_eq!(rows_of(&tables[0]).len(), 2001);
    assert!(took.as_secs() < 120, "{took:?}");
}
