//! `sohoa index` and `sohoa search` as a user runs them.
#![cfg(feature = "search")]

use std::path::Path;
use std::process::Command;

fn sohoa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
}

#[test]
fn index_then_search_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/search/2025");
    for name in ["bc-42-btgdvtu-2025.json", "kh-03-du-hongbang-2025.json"] {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).expect("copy");
    }
    let out = sohoa().arg("index").arg(dir.path()).output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 documents: 2 added"), "{stdout}");

    let index = dir.path().join(".index");
    let out = sohoa()
        .args(["search", "--index"])
        .arg(&index)
        .args(["ke hoach", "hong bang"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("1 document found"), "{stdout}");
    assert!(
        stdout.contains("03-KH/ĐU · 2025-07-15 · Đảng ủy phường Hồng Bàng"),
        "{stdout}"
    );
    assert!(stdout.contains("**Hồng** **Bàng**"), "{stdout}");

    let out = sohoa()
        .args([
            "search",
            "--json",
            "--type",
            "bc",
            "--from",
            "2025-07-01",
            "--index",
        ])
        .arg(&index)
        .arg("\"binh dan hoc vu so\"")
        .output()
        .expect("run");
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["reference"], "42-BC/BTGDVTU");
    assert_eq!(json["hits"][0]["issued_date"], "2025-07-03");
    assert!(json["facets"]["doc_type"].is_array());
}

#[test]
fn missing_index_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = sohoa()
        .args(["search", "--index"])
        .arg(dir.path().join("none"))
        .arg("tỉnh")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("run `sohoa index DIR` first"), "{stderr}");

    let out = sohoa()
        .arg("index")
        .arg(dir.path().join("missing"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a folder"));
}
