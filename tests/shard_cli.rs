//! `sohoa run --shard K/N` end to end, with no scheduler: four shard processes at once into one
//! output folder give the records of one run; `sohoa status`, `sohoa index` and `sohoa export`
//! see all shards; bad shard arguments are usage errors.
#![cfg(all(feature = "ocr", feature = "search"))]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SCHEDULER_VARIABLES: [&str; 6] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
    "SOHOA_INDEX",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sohoa-shard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `sohoa` with none of the schedulers' variables, whatever the test runner's environment.
fn sohoa() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sohoa"));
    for name in SCHEDULER_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// A batch of ten documents: six texts, a legacy-OCR text, a born-digital PDF, a scan and an
/// empty file (a failure must be in exactly one shard too).
fn input(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    let copy = |from: PathBuf, to: &str| {
        let to = input.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    for entry in std::fs::read_dir(fixtures().join("extract")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            copy(path, &format!("text/{name}"));
        }
    }
    let legacy = fixtures().join("legacy-ocr/kh-03-du-hongbang-2025.head.ocr.txt");
    copy(legacy, "legacy/kh-03.ocr.txt");
    copy(
        fixtures().join("scans/bc-tuan48.born-digital.pdf"),
        "scans/born-digital.pdf",
    );
    copy(
        fixtures().join("scans/bc-tuan48.page-002.png"),
        "scans/page-002.png",
    );
    copy(fixtures().join("bad/empty.pdf"), "bad/empty.pdf");
    input
}

fn run(input: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut command = sohoa();
    command
        .args(["run", "--progress", "none", "--out"])
        .arg(out)
        .arg(input)
        .args(extra);
    command
}

/// Every record (without its timing, which differs run to run) and text file, by path.
fn outputs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    for entry in walk(out) {
        let rel = entry
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".json")
            && !rel.starts_with("run-report")
            && !rel.starts_with("shard-plan")
        {
            let mut record: Value =
                serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
            record.as_object_mut().unwrap().remove("timing_ms");
            found.insert(rel, serde_json::to_vec(&record).unwrap());
        } else if rel.ends_with(".txt") {
            found.insert(rel, std::fs::read(&entry).unwrap());
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let hidden = path.file_name().unwrap().to_string_lossy().starts_with('.');
        if path.is_dir() && !hidden {
            files.extend(walk(&path));
        } else if path.is_file() {
            files.push(path);
        }
    }
    files
}

/// The manifest lines of a file, as (path, status).
fn manifest_lines(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let entry: Value = serde_json::from_str(line).unwrap();
            (
                entry["path"].as_str().unwrap().to_string(),
                entry["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn four_shards_at_once_into_one_folder_equal_one_run() {
    let dir = scratch("union");
    let input = input(&dir);
    let one = dir.join("one");
    let single = run(&input, &one, &["--jobs", "1"]).output().unwrap();
    assert_eq!(
        single.status.code(),
        Some(1),
        "empty.pdf fails: {}",
        stderr(&single)
    );

    let sharded = dir.join("sharded");
    let children: Vec<_> = (0..4)
        .map(|k| {
            run(
                &input,
                &sharded,
                &["--jobs", "1", "--shard", &format!("{k}/4")],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    let mut codes = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
        codes.push(output.status.code());
    }
    // Exactly one shard met the empty file.
    assert_eq!(
        codes.iter().filter(|c| **c == Some(1)).count(),
        1,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == Some(0)).count(),
        3,
        "{codes:?}"
    );

    let (expected, got) = (outputs(&one), outputs(&sharded));
    assert_eq!(
        expected.len(),
        2 * 9,
        "nine documents, a record and a text each"
    );
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(
            got[path] == *bytes,
            "{path} differs between one run and the shards"
        );
    }

    // Each shard wrote only its own manifest and report; every document is in one manifest.
    assert!(!sharded.join("manifest.jsonl").exists());
    assert!(!sharded.join("run-report.json").exists());
    // One plan, written by whichever shard started first, dealt all ten documents.
    let plan: Value =
        serde_json::from_slice(&std::fs::read(sharded.join("shard-plan.of-4.json")).unwrap())
            .unwrap();
    assert_eq!(plan["documents"].as_object().unwrap().len(), 10);
    let mut seen = BTreeSet::new();
    for k in 0..4 {
        assert!(
            sharded
                .join(format!("run-report.shard-{k}-of-4.json"))
                .is_file()
        );
        for (path, _) in manifest_lines(&sharded.join(format!("manifest.shard-{k}-of-4.jsonl"))) {
            assert!(seen.insert(path.clone()), "{path} in two shards");
            // The shard that did it is the one the run's plan dealt it to.
            assert_eq!(plan["documents"][&path], k, "{path}");
        }
    }
    let expected_paths: BTreeSet<String> = manifest_lines(&one.join("manifest.jsonl"))
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(seen, expected_paths);

    // One view of the whole run.
    let status = sohoa()
        .args(["status", "--json"])
        .arg(&sharded)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1), "a document failed");
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["total"]["shards"], 4);
    assert_eq!(status["total"]["done"], 9);
    assert_eq!(status["total"]["failed"], 1);
    assert_eq!(status["total"]["pending"], 0);
    assert_eq!(status["failures"][0]["path"], "bad/empty.pdf");
    assert!(
        status["failures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("empty")
    );
    let per_shard: u64 = (0..4)
        .map(|k| status["shards"][k]["done"].as_u64().unwrap())
        .sum();
    assert_eq!(per_shard, 9);
    let text = sohoa().arg("status").arg(&sharded).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("4 shards: 9 done, 1 failed, 0 pending"),
        "{text}"
    );
    assert!(text.contains("failed: bad/empty.pdf (shard "), "{text}");

    // A re-submitted shard resumes: nothing is redone.
    let again = run(&input, &sharded, &["--jobs", "1", "--shard", "2/4"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(
        &std::fs::read(sharded.join("run-report.shard-2-of-4.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["done"], 0, "{}", stderr(&again));
    assert_eq!(report["shard"]["index"], 2);

    // One index over all shards.
    let index = sohoa().arg("index").arg(&sharded).output().unwrap();
    assert_eq!(index.status.code(), Some(0), "{}", stderr(&index));
    let summary = String::from_utf8_lossy(&index.stdout);
    assert!(summary.starts_with("9 documents: 9 added"), "{summary}");

    // And the same documents for OpenSearch or Elasticsearch.
    let bulk = dir.join("bulk.ndjson");
    let export = sohoa()
        .arg("export")
        .arg(&sharded)
        .args([
            "--format",
            "elasticsearch",
            "--index-name",
            "sohoa-2025",
            "--output",
        ])
        .arg(&bulk)
        .output()
        .unwrap();
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    check_bulk(&std::fs::read_to_string(&bulk).unwrap(), 9);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The `_bulk` NDJSON structurally: an action line then a document line per record, ids unique,
/// every field of every document mapped by the committed index template with an analyzer or
/// normalizer the template defines.
fn check_bulk(bulk: &str, records: usize) {
    let template: Value = serde_json::from_slice(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/opensearch/index-template.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let analysis = &template["template"]["settings"]["analysis"];
    let properties = template["template"]["mappings"]["properties"]
        .as_object()
        .unwrap();
    let defined = |kind: &str, name: &str| analysis[kind].get(name).is_some();
    for (field, mapping) in properties {
        let subfields = mapping["fields"].as_object().into_iter().flatten();
        for m in std::iter::once(mapping).chain(subfields.map(|(_, m)| m)) {
            if let Some(analyzer) = m["analyzer"].as_str() {
                assert!(defined("analyzer", analyzer), "{field}: {analyzer}");
            }
            if let Some(normalizer) = m["normalizer"].as_str() {
                assert!(defined("normalizer", normalizer), "{field}: {normalizer}");
            }
        }
    }
    let folded = &analysis["analyzer"]["sohoa_folded"]["filter"];
    assert!(
        folded
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "icu_folding"),
        "the folded analyzer folds with ICU (đ → d)"
    );
    let pattern = template["index_patterns"][0].as_str().unwrap();
    assert!(bulk.ends_with('\n'), "_bulk needs a final newline");
    let lines: Vec<&str> = bulk.lines().collect();
    assert_eq!(lines.len(), 2 * records);
    let mut ids = BTreeSet::new();
    for pair in lines.chunks(2) {
        let action: Value = serde_json::from_str(pair[0]).unwrap();
        let index = action["index"]["_index"].as_str().unwrap();
        assert!(index.starts_with(pattern.trim_end_matches('*')), "{index}");
        assert!(ids.insert(action["index"]["_id"].as_str().unwrap().to_string()));
        let doc: Value = serde_json::from_str(pair[1]).unwrap();
        for (field, value) in doc.as_object().unwrap() {
            assert!(properties.contains_key(field), "{field} is not mapped");
            let kind = properties[field]["type"].as_str().unwrap();
            let fits = match kind {
                "integer" => value.is_u64() || value.is_null(),
                "date" => {
                    value.is_null()
                        || value
                            .as_str()
                            .is_some_and(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
                }
                _ => value.is_string() || value.is_null(),
            };
            assert!(fits, "{field}: {value} is not a {kind}");
        }
        assert!(!doc["text"].as_str().unwrap().is_empty());
    }
}

/// Arguments, environment, and what the error must say.
type BadCase<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn bad_shard_arguments_are_usage_errors() {
    let dir = scratch("bad");
    let input = fixtures().join("legacy-ocr");
    let out = dir.join("out");
    let cases: [BadCase; 6] = [
        (&["--shard", "4/4"], &[], "must be below 4"),
        (&["--shard", "1/0"], &[], "at least 1"),
        (&["--shard", "one/4"], &[], "expected K/N"),
        (&[], &[("JOB_COMPLETION_INDEX", "1")], "--shards N"),
        (&[], &[("SLURM_ARRAY_TASK_ID", "1")], "--shards N"),
        (&["--shards", "4"], &[], "no shard index in the environment"),
    ];
    for (args, env, reason) in cases {
        let mut command = run(&input, &out, args);
        command.envs(env.iter().copied());
        let output = command.output().unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {err}");
        assert!(err.contains(reason), "{args:?} {env:?}: {err}");
        assert!(!out.join("manifest.jsonl").exists(), "nothing was run");
    }
    // From the environment: a Kubernetes Indexed Job's index with --shards.
    let output = run(&input, &out, &["--shards", "3"])
        .env("JOB_COMPLETION_INDEX", "2")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("manifest.shard-2-of-3.jsonl").is_file());
    // status on a folder that holds no run
    let status = sohoa().arg("status").arg(&input).output().unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(stderr(&status).contains("not a sohoa run output folder"));
    std::fs::remove_dir_all(&dir).unwrap();
}
