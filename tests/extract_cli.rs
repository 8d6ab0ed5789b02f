//! `sohoa extract` end to end: the binary on the repo's own test documents, the legacy-OCR
//! excerpt, a committed scan through OCR, the JSON Schema, the XML exports and bad input.
//! Tests that read `../shared` (the development fixtures) print `SKIP` and pass without it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn shared() -> Option<PathBuf> {
    let p = repo("../shared/fixtures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP: no ../shared/fixtures");
        None
    }
}

fn sohoa(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("extract")
        .args(args)
        .output()
        .expect("run sohoa extract")
}

fn sohoa_stdin(args: &[&str], input: &[u8]) -> Output {
    common::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .arg("extract")
            .args(args),
        input,
    )
}

/// Runs `sohoa extract ARGS FILE`, checks exit 0, parses and schema-validates the JSON.
fn extract_json(file: &Path, args: &[&str]) -> Value {
    let mut a: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_ref()).collect();
    a.push(file.as_os_str());
    let out = sohoa(&a);
    assert!(
        out.status.success(),
        "sohoa extract {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_valid(&v);
    v
}

fn schema() -> Value {
    let text =
        std::fs::read_to_string(repo("schema/sohoa-extract.v1.schema.json")).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn assert_valid(v: &Value) {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}\n{v:#}");
}

/// The fields of the gold SCHEMA.md compared like `extract_score.py`: case and spacing ignored.
fn norm(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), norm(v))).collect()),
        other => other.clone(),
    }
}

#[test]
fn schema_is_a_valid_versioned_2020_12_schema() {
    let s = schema();
    jsonschema::meta::validate(&s).expect("valid against its meta-schema");
    let id = s["$id"].as_str().expect("$id");
    assert!(id.ends_with("sohoa-extract.v1.schema.json"), "{id}");
    assert_eq!(s["properties"]["format"]["const"], "sohoa-extract/1");
    assert_eq!(s["properties"]["$schema"]["const"], id);
}

#[test]
fn own_test_documents_match_their_expected_metadata() {
    own_test_documents(&["--no-repair"]);
}

/// The same through the repair engine: correct text must come out of repair unchanged (it
/// once rewrote the real code `GDPT`, giáo dục phổ thông, to `GDĐT`).
#[test]
fn own_test_documents_survive_repair() {
    own_test_documents(&[]);
}

fn own_test_documents(args: &[&str]) {
    let dir = repo("fixtures/extract");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures/extract") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("json")).expect("expected json"),
        )
        .expect("expected is JSON");
        let v = extract_json(&path, args);
        assert_eq!(v["format"], "sohoa-extract/1");
        assert_eq!(v["source"]["kind"], "text");
        let got = &v["metadata"];
        for (k, want) in expected.as_object().expect("object") {
            assert_eq!(norm(&got[k]), norm(want), "{}: field {k}", path.display());
        }
        // Every scalar value found has evidence with a line and a confidence.
        for key in ["reference", "issued_date", "issuer.name", "title"] {
            let e = &v["evidence"][key];
            assert!(e["line"].as_u64().is_some(), "{}: {key}", path.display());
            assert!(e["confidence"].as_f64().is_some());
        }
        n += 1;
    }
    assert!(n >= 6, "only {n} test documents");
}

#[test]
fn metadata_only_prints_the_gold_shape() {
    let path = repo("fixtures/extract/qd-ubnd-ninhbinh-2025.txt");
    let out = sohoa(&["--metadata-only".as_ref(), path.as_os_str()]);
    assert!(out.status.success());
    let m: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(m["reference"], "1234/QĐ-UBND");
    assert!(m.get("evidence").is_none());
    // It is the schema's `metadata` definition.
    let mut s = schema();
    let defs = s["$defs"].clone();
    s = serde_json::json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/metadata", "$defs": defs});
    let validator = jsonschema::validator_for(&s).expect("schema compiles");
    assert!(validator.is_valid(&m), "{m:#}");
}

#[test]
fn legacy_ocr_excerpt_is_repaired_and_read() {
    let path = repo("fixtures/legacy-ocr/kh-03-du-hongbang-2025.head.ocr.txt");
    let v = extract_json(&path, &[]);
    let m = &v["metadata"];
    assert_eq!(m["system"], "party");
    assert_eq!(m["doc_type"]["code"], "KH");
    assert_eq!(m["doc_type"]["name"], "Kế hoạch");
    assert_eq!(m["number"], "03");
    assert_eq!(m["reference"], "03-KH/ĐU");
    assert_eq!(m["issued_date"], "2025-07-15");
    assert_eq!(m["issuer"]["name"], "Đảng ủy phường Hồng Bàng");
    assert_eq!(m["issuer"]["parent"], "Đảng bộ thành phố Hải Phòng");
    assert_eq!(m["place"], "Hồng Bàng");
    let refs: Vec<&str> = m["references"]
        .as_array()
        .expect("references")
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .collect();
    assert!(refs.contains(&"478-KH/TU"), "{refs:?}");
    assert!(refs.contains(&"57-NQ/TW"), "{refs:?}");
    // Without repair it is still read (the extractor folds diacritics itself).
    let raw = extract_json(&path, &["--no-repair"]);
    assert_eq!(raw["source"]["repaired"], false);
    assert_eq!(raw["metadata"]["issued_date"], "2025-07-15");
    assert_eq!(raw["metadata"]["number"], "03");
}

#[cfg(feature = "ocr")]
#[test]
fn scan_is_ocrd_with_page_and_box_evidence() {
    let path = repo("fixtures/scans/bc-42-head.office.pdf");
    let v = extract_json(&path, &[]);
    assert_eq!(v["source"]["kind"], "pdf");
    let m = &v["metadata"];
    assert_eq!(m["reference"], "42-BC/BTGDVTU");
    assert_eq!(m["system"], "party");
    assert_eq!(m["issued_date"], "2025-07-03");
    assert_eq!(m["doc_type"]["name"], "Báo cáo");
    let e = &v["evidence"]["reference"];
    assert_eq!(e["page"], 1);
    let bbox = e["bbox"].as_array().expect("bbox of the OCR line");
    assert_eq!(bbox.len(), 4);
    assert!(bbox[2].as_u64().unwrap_or(0) > 0);
}

#[cfg(feature = "ocr")]
#[test]
fn image_page_is_ocrd() {
    // Page 2 of a report: no header, so nulls and warnings, but valid output and exit 0.
    let path = repo("fixtures/scans/bc-tuan48.page-002.png");
    let v = extract_json(&path, &[]);
    assert_eq!(v["source"]["kind"], "png");
    assert_eq!(v["source"]["pages"], 1);
    assert!(!v["warnings"].as_array().expect("warnings").is_empty());
}

fn assert_well_formed_xml(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                depth += 1;
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::Empty(e)) => {
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "unbalanced XML\n{xml}");
    names
}

#[test]
fn exports_are_well_formed_xml() {
    let path = repo("fixtures/extract/cv-sgddt-nghean-2025.txt");
    let out = sohoa(&["--format".as_ref(), "tt02".as_ref(), path.as_os_str()]);
    assert!(out.status.success());
    let xml = String::from_utf8(out.stdout).expect("UTF-8");
    let names = assert_well_formed_xml(&xml);
    for n in [
        "TypeName",
        "CodeNumber",
        "CodeNotation",
        "IssuedDate",
        "OrganName",
        "Subject",
        "PageAmount",
        "Language",
    ] {
        assert!(names.iter().any(|x| x == n), "no {n} in\n{xml}");
    }
    let out = sohoa(&["--format".as_ref(), "dc".as_ref(), path.as_os_str()]);
    assert!(out.status.success());
    let xml = String::from_utf8(out.stdout).expect("UTF-8");
    let names = assert_well_formed_xml(&xml);
    for n in [
        "dc:identifier",
        "dc:type",
        "dc:creator",
        "dcterms:issued",
        "dc:title",
        "dcterms:references",
    ] {
        assert!(names.iter().any(|x| x == n), "no {n} in\n{xml}");
    }
    // Trích yếu is the title, not the subject keywords.
    assert!(!names.iter().any(|x| x == "dc:subject"));
    // Empty input still exports well-formed XML.
    for f in ["tt02", "dc"] {
        let out = sohoa_stdin(&["--format", f], b"");
        assert!(out.status.success());
        assert_well_formed_xml(&String::from_utf8_lossy(&out.stdout));
    }
}

fn stdin_json(input: &[u8]) -> Value {
    let out = sohoa_stdin(&["-"], input);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&v);
    v
}

#[test]
fn empty_input_gives_nulls_and_warnings() {
    let v = stdin_json(b"");
    let m = &v["metadata"];
    for k in ["reference", "issued_date", "title", "system", "place"] {
        assert!(m[k].is_null(), "{k}");
    }
    assert_eq!(m["references"], serde_json::json!([]));
    assert!(!v["warnings"].as_array().expect("warnings").is_empty());
}

#[test]
fn text_without_header_gives_nulls_and_warnings() {
    let v = stdin_json(
        "Triển khai sâu rộng Phong trào gắn với phong trào thi đua xây dựng xã hội học tập.\n\
         Đẩy mạnh học tập suốt đời giai đoạn 2023 - 2030.\n"
            .as_bytes(),
    );
    assert!(v["metadata"]["reference"].is_null());
    assert!(v["metadata"]["issued_date"].is_null());
    let w = v["warnings"].as_array().expect("warnings");
    assert!(
        w.iter()
            .any(|w| w.as_str().is_some_and(|s| s.contains("header")))
    );
}

#[test]
fn english_document_gives_nulls_and_warnings() {
    let v = stdin_json(
        b"MEMORANDUM\nTo: All staff\nFrom: The Director\nDate: 3 July 2025\nRef: 12/HR-2025\n\nPlease submit your weekly reports by Friday.\n",
    );
    let m = &v["metadata"];
    assert!(m["system"].is_null());
    assert!(m["issued_date"].is_null());
    assert!(m["doc_type"]["name"].is_null());
    assert!(!v["warnings"].as_array().expect("warnings").is_empty());
}

#[test]
fn two_documents_concatenated_take_the_first_with_a_warning() {
    let a = std::fs::read_to_string(repo("fixtures/extract/qd-ubnd-ninhbinh-2025.txt")).expect("a");
    let b = std::fs::read_to_string(repo("fixtures/extract/cv-sgddt-nghean-2025.txt")).expect("b");
    let v = stdin_json(format!("{a}\n{b}").as_bytes());
    assert_eq!(v["metadata"]["reference"], "1234/QĐ-UBND");
    let w = v["warnings"].as_array().expect("warnings");
    assert!(
        w.iter().any(|w| w
            .as_str()
            .is_some_and(|s| s.contains("more than one document"))),
        "{w:?}"
    );
}

fn numbers(bytes: usize) -> Vec<u8> {
    let mut s = Vec::with_capacity(bytes + 64);
    let mut i: u64 = 0;
    while s.len() < bytes {
        i += 1;
        let sep = if i % 12 == 0 { "\n" } else { " " };
        s.extend_from_slice(
            format!("{}{sep}", i.wrapping_mul(2_654_435_761) % 1_000_000).as_bytes(),
        );
    }
    s
}

fn timed(input: &[u8]) -> (Duration, Value) {
    let t = Instant::now();
    let v = stdin_json(input);
    (t.elapsed(), v)
}

#[test]
fn five_megabytes_of_numbers_is_fast_and_linear() {
    let small = numbers(1 << 20);
    let big = numbers(5 << 20);
    let (t1, _) = timed(&small);
    let (t5, v) = timed(&big);
    assert!(v["metadata"]["reference"].is_null());
    assert!(!v["warnings"].as_array().expect("warnings").is_empty());
    // Linear: five times the input costs about five times the time (generous for a loaded
    // machine), and in absolute terms a few seconds.
    assert!(t5 < Duration::from_secs(30), "5 MB took {t5:?}");
    assert!(
        t5 < t1 * 12 + Duration::from_secs(2),
        "1 MB {t1:?}, 5 MB {t5:?}: not linear"
    );
}

#[test]
fn unreadable_path_is_one_line_naming_the_file() {
    let path = repo("fixtures/extract/no-such-file.txt");
    let out = sohoa(&[path.as_os_str()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no-such-file.txt"), "{err}");
    // A folder is not readable as a document either.
    let out = sohoa(&[repo("fixtures").as_os_str()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[cfg(feature = "ocr")]
#[test]
fn damaged_scan_is_one_line_naming_the_file() {
    let path = repo("fixtures/bad/truncated.pdf");
    let out = sohoa(&[path.as_os_str()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("truncated.pdf"), "{err}");
}

#[test]
fn invalid_utf8_is_read_with_a_warning() {
    let v = stdin_json(b"S\xf4 12/BC-SNV\nB\xc1O C\xc1O\n");
    let w = v["warnings"].as_array().expect("warnings");
    assert!(
        w.iter()
            .any(|w| w.as_str().is_some_and(|s| s.contains("UTF-8"))),
        "{w:?}"
    );
}

/// The dev documents of ../shared: correct text must give the gold metadata's identity fields.
#[test]
fn shared_dev_documents_identity_fields() {
    let Some(sh) = shared() else { return };
    let gold_dir = sh.join("gold");
    let inputs = [
        (
            "bc-tuan48-btgdvtu-2025",
            sh.join("clean/bc-tuan48-btgdvtu-2025.txt"),
        ),
        (
            "bc-42-btgdvtu-2025",
            sh.join("ocr/bc-42-btgdvtu-2025.truth.txt"),
        ),
        (
            "kh-03-du-hongbang-2025",
            sh.join("ocr/kh-03-du-hongbang-2025.truth.txt"),
        ),
        (
            "bc-42-btgdvtu-2025",
            sh.join("ocr/bc-42-btgdvtu-2025.ocr.txt"),
        ),
        (
            "kh-03-du-hongbang-2025",
            sh.join("ocr/kh-03-du-hongbang-2025.ocr.txt"),
        ),
    ];
    for (name, input) in inputs {
        if !input.exists() {
            eprintln!("SKIP: no {}", input.display());
            continue;
        }
        let gold: Value = serde_json::from_str(
            &std::fs::read_to_string(gold_dir.join(format!("{name}.json"))).expect("gold"),
        )
        .expect("gold JSON");
        let v = extract_json(&input, &[]);
        for k in ["system", "reference", "number", "issued_date"] {
            assert_eq!(
                norm(&v["metadata"][k]),
                norm(&gold[k]),
                "{}: {k}",
                input.display()
            );
        }
        assert_eq!(
            norm(&v["metadata"]["doc_type"]),
            norm(&gold["doc_type"]),
            "{}",
            input.display()
        );
    }
}
