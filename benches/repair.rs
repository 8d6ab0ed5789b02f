//! Throughput of the repair engine (one core, the committed model in `dictionaries/`), in
//! syllables per second: ASCII text whose diacritics are restored, legacy OCR repaired, and
//! clean text passed through.
//!
//! Run with `cargo bench --no-default-features --bench repair`. `benches/restore_vs_pyvi.sh`
//! compares the same ASCII restoration with pyvi's `ViUtils.add_accents` in one run.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sohoa::repair::{Mode, Repairer};
use std::hint::black_box;
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repair")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn syllables(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries");
    let repairer = Repairer::load(&dir).expect("the committed model loads");
    let clean = [
        fixture("kh-03-head.truth.txt"),
        fixture("legal-heldout.truth.txt"),
    ]
    .join("\n");
    let ascii = sohoa::viet::fold(&clean);
    let ocr = [
        fixture("kh-03-head.ocr.txt"),
        fixture("legal-heldout.ocr.txt"),
    ]
    .join("\n");

    let mut group = c.benchmark_group("restore");
    group.throughput(Throughput::Elements(syllables(&ascii)));
    group.bench_function("ascii", |b| {
        b.iter(|| {
            repairer
                .restore_text(black_box(&ascii), Mode::Auto)
                .text
                .len()
        })
    });
    group.throughput(Throughput::Elements(syllables(&ocr)));
    // cold: every token's candidates searched afresh; warm: the thread's candidate cache
    // already holds them, as for the later pages of a batch
    group.bench_function("legacy ocr cold", |b| {
        b.iter(|| {
            repairer.forget_ocr_candidates();
            repairer
                .restore_text(black_box(&ocr), Mode::Auto)
                .text
                .len()
        })
    });
    group.bench_function("legacy ocr warm", |b| {
        b.iter(|| {
            repairer
                .restore_text(black_box(&ocr), Mode::Auto)
                .text
                .len()
        })
    });
    group.throughput(Throughput::Elements(syllables(&clean)));
    group.bench_function("clean", |b| {
        b.iter(|| {
            repairer
                .restore_text(black_box(&clean), Mode::Auto)
                .text
                .len()
        })
    });
    group.finish();

    c.bench_function("model load", |b| {
        b.iter(|| Repairer::load(black_box(&dir)).map(|r| r.params.lattice.beam))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
