//! Tables end to end: `sohoa extract` on text with ` | ` rows and on rendered PDFs and scans of
//! tables (`fixtures/tables/`, made by `scripts/make_table_pdfs.py`), the `tables` member
//! against the JSON Schema, `--tables-csv`, targets from a target table, and bad input (a huge
//! table, a form page of only lines) in bounded time.

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
