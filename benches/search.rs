//! Search benchmark: query latency over 10,000 synthetic documents (p95 target ≤ 50 ms) and
//! index size against the plain text size (target ≤ 1.5×).
//!
//! ```sh
//! cargo bench --no-default-features --features search --bench search
//! SOHOA_BENCH_DOCS=1000 cargo bench ...   # a smaller corpus
//! SOHOA_BENCH_DIR=out cargo bench ...      # real records: index a copy of a `sohoa run` folder
//! SOHOA_BENCH_WORDS=20000 cargo bench ...   # longer documents (default 200 to 1,500 words)
//! cargo bench --bench search -- nomatch      # the figures only, no criterion runs
//! ```
//!
//! Latency is measured with 20 results per search, a page of the web UI (the CLI shows 10).
//!
//! The documents are written as `sohoa-record/1` files by [`sohoa::search::synth`] (word bigrams
//! learnt from the fixture records, varied metadata) and indexed with `sohoa index`'s code.

use criterion::{Criterion, criterion_group, criterion_main};
use sohoa::search::index::index_dir;
use sohoa::search::query::{Request, Searcher};
use sohoa::search::synth::{Synth, record_json};
use std::path::Path;
use std::time::{Duration, Instant};

/// Queries typed by an analyst: folded words, diacritics, phrases, symbols, filters.
fn requests() -> Vec<Request> {
    let mut out: Vec<Request> = [
        "binh dan hoc vu so",
        "Bình dân học vụ số",
        "\"học vụ số\"",
        "\"chuyen doi so\"",
        "tỉnh",
        "tinh uy",
        "ke hoach trien khai",
        "265-KH/TU",
        "42 BC BTGDVTU",
        "phong trào -tuần",
        "ky nang so",
        "nền tảng số",
        "hong bang",
        "cán bộ công chức viên chức",
        "",
    ]
    .iter()
    .map(|q| Request::new(q))
    .collect();
    let mut filtered = Request::new("chuyen doi so");
    filtered.doc_type = Some("bao cao".into());
    filtered.from = Some("2025-03-01".into());
    filtered.to = Some("2025-09-30".into());
    out.push(filtered);
    let mut issuer = Request::new("so");
    issuer.issuer = Some("tuyen giao".into());
    out.push(issuer);
    out
}

fn corpus() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/search/2025");
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
            text.push_str(json["text"].as_str().unwrap_or(""));
            text.push('\n');
        }
    }
    text
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_size(&p)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Copies the `*.json` records under `from` into `to`; returns the bytes of their `text`.
fn copy_records(from: &Path, to: &Path) -> u64 {
    let mut bytes = 0;
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            let sub = to.join(&name);
            std::fs::create_dir_all(&sub).expect("mkdir");
            bytes += copy_records(&path, &sub);
        } else if path.extension().is_some_and(|e| e == "json") {
            let data = std::fs::read(&path).expect("read");
            if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&data) {
                bytes += json["text"].as_str().map_or(0, |t| t.len() as u64);
            }
            std::fs::write(to.join(&name), data).expect("write");
        }
    }
    bytes
}

fn bench(c: &mut Criterion) {
    let docs: u32 = std::env::var("SOHOA_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let max_words: usize = std::env::var("SOHOA_BENCH_WORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
        .max(200);
    let mut synth = Synth::new(&corpus(), 42);
    let mut text_bytes = 0u64;
    let start = Instant::now();
    let real = std::env::var_os("SOHOA_BENCH_DIR").map(std::path::PathBuf::from);
    if let Some(real) = &real {
        text_bytes = copy_records(real, tmp.path());
        eprintln!("copied the records of {}", real.display());
    }
    for n in (1..=docs).filter(|_| real.is_none()) {
        let words = 200 + synth.below(max_words - 199);
        let doc = synth.document(n, words);
        text_bytes += doc.text.len() as u64;
        let sub = tmp.path().join(format!("{:03}", n % 100));
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(sub.join(format!("{n:05}.json")), record_json(&doc)).expect("write");
    }
    if real.is_none() {
        eprintln!("wrote {docs} records in {:.1?}", start.elapsed());
    }
    let start = Instant::now();
    let report = index_dir(tmp.path(), None).expect("index");
    eprintln!("indexed: {report} in {:.1?}", start.elapsed());
    let index = tmp.path().join(".index");
    let index_bytes = dir_size(&index);
    eprintln!(
        "index size {:.1} MB vs plain text {:.1} MB: ratio {:.2} (target <= 1.5)",
        index_bytes as f64 / 1e6,
        text_bytes as f64 / 1e6,
        index_bytes as f64 / text_bytes as f64
    );

    let searcher = Searcher::open(&index).expect("open");
    let mut requests = requests();
    for r in &mut requests {
        r.limit = 20;
    }
    // Latency distribution over every query, repeated.
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..20 {
        for r in &requests {
            let t = Instant::now();
            let response = searcher.search(r).expect("search");
            times.push(t.elapsed());
            std::hint::black_box(response);
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    eprintln!(
        "query latency over {} searches on {} documents: p50 {:.2?}, p95 {:.2?}, max {:.2?} (target p95 <= 50 ms)",
        times.len(),
        report.total,
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );

    let mut group = c.benchmark_group("search");
    group.sample_size(20);
    for (name, i) in [
        ("folded words", 0),
        ("phrase", 2),
        ("symbol", 7),
        ("all documents", 14),
        ("filters", 15),
    ] {
        let request = &requests[i];
        group.bench_function(name, |b| {
            b.iter(|| searcher.search(request).expect("search"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
