//! Throughput of the `viet` module on a paragraph of administrative Vietnamese.
//!
//! Run with `cargo bench --no-default-features --bench viet`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sohoa::viet::{Syllable, canonicalize, canonicalize_text, fold};
use std::hint::black_box;

/// Mixed tone styles (hoá/hòa, thuỷ/thủy), a few non-syllables, as OCR output looks.
const PARAGRAPH: &str = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; \
Căn cứ Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương Đảng khoá XII về một số vấn đề \
tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, \
hiệu quả; Xét đề nghị của Giám đốc Sở Nội vụ, QUYẾT ĐỊNH: Điều 1. Ban hành kèm theo Quyết định \
này Quy chế tổ chức và hoạt động của Uỷ ban nhân dân tỉnh về công tác thuỷ lợi, phòng chống \
thiên tai, bảo đảm hoà bình và trật tự an toàn xã hội, khuyến khích người dân tham gia giữ gìn \
vệ sinh môi trường, nâng cao chất lượng văn hoá và sức khoẻ cộng đồng.";

fn tokens() -> Vec<&'static str> {
    PARAGRAPH
        .split(|c: char| !c.is_alphabetic())
        .filter(|t| !t.is_empty())
        .collect()
}

fn bench(c: &mut Criterion) {
    let tokens = tokens();
    let mut group = c.benchmark_group("viet");
    group.throughput(Throughput::Elements(tokens.len() as u64));
    group.bench_function("parse tokens", |b| {
        b.iter(|| {
            tokens
                .iter()
                .filter(|t| Syllable::parse(black_box(t)).is_some())
                .count()
        })
    });
    group.bench_function("canonicalize tokens", |b| {
        b.iter(|| {
            tokens
                .iter()
                .map(|t| canonicalize(black_box(t)).len())
                .sum::<usize>()
        })
    });
    group.throughput(Throughput::Bytes(PARAGRAPH.len() as u64));
    group.bench_function("canonicalize_text paragraph", |b| {
        b.iter(|| canonicalize_text(black_box(PARAGRAPH)))
    });
    group.bench_function("fold paragraph", |b| b.iter(|| fold(black_box(PARAGRAPH))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
