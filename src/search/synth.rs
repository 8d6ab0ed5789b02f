//! Synthetic `sohoa-record/1` files for tests and benchmarks.
//!
//! [`Synth`] learns word bigrams from real text and writes documents that read like it (same
//! vocabulary and word frequencies, new sentences), with varied metadata: type, issuer, date,
//! reference. Deterministic for a given seed.
//!
//! ```
//! use sohoa::search::synth::{record_json, Synth};
//! let mut synth = Synth::new("Ban Tuyên giáo và Dân vận Tỉnh ủy báo cáo tình hình triển khai.", 7);
//! let doc = synth.document(3, 40);
//! let json = record_json(&doc);
//! assert!(json.contains("sohoa-record/1"));
//! ```

use serde_json::json;
use std::collections::HashMap;

/// A synthetic document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthDoc {
    /// Number in the series.
    pub number: u32,
    /// Type name and code.
    pub doc_type: (String, String),
    /// Issuer.
    pub issuer: String,
    /// `party` or `state`.
    pub system: String,
    /// Place.
    pub place: String,
    /// ISO date of issue.
    pub issued_date: String,
    /// Number and symbol.
    pub reference: String,
    /// Subject line.
    pub title: String,
    /// Repaired text, pages separated by form feeds.
    pub text: String,
}

const TYPES: [(&str, &str); 6] = [
    ("Báo cáo", "BC"),
    ("Kế hoạch", "KH"),
    ("Công văn", "CV"),
    ("Quyết định", "QĐ"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
];
const ISSUERS: [(&str, &str, &str); 6] = [
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDVTU", "party"),
    ("Đảng ủy phường Hồng Bàng", "ĐU", "party"),
    ("Ban Thường vụ Tỉnh ủy", "TU", "party"),
    ("Ủy ban nhân dân tỉnh", "UBND", "state"),
    ("Sở Khoa học và Công nghệ", "SKHCN", "state"),
    ("Ủy ban nhân dân xã Đức Thịnh", "UBND", "state"),
];
const PLACES: [&str; 5] = ["Thanh Hóa", "Hồng Bàng", "Hà Nội", "Hải Phòng", "Đức Thịnh"];

/// A bigram text generator with a small deterministic random source.
#[derive(Debug, Clone)]
pub struct Synth {
    words: Vec<String>,
    next: HashMap<usize, Vec<usize>>,
    state: u64,
}

impl Synth {
    /// Learns from `corpus` (whitespace-separated words); `seed` fixes the output.
    pub fn new(corpus: &str, seed: u64) -> Synth {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut words = Vec::new();
        let mut seq = Vec::new();
        for w in corpus.split_whitespace() {
            let id = *ids.entry(w).or_insert_with(|| {
                words.push(w.to_owned());
                words.len() - 1
            });
            seq.push(id);
        }
        let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
        for pair in seq.windows(2) {
            next.entry(pair[0]).or_default().push(pair[1]);
        }
        if words.is_empty() {
            words.push("văn bản".to_owned());
        }
        Synth {
            words,
            next,
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    /// A pseudo-random number below `n` (xorshift64*).
    pub fn below(&mut self, n: usize) -> usize {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let r = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (r % n.max(1) as u64) as usize
    }

    /// About `words` words of text, in lines of 8 to 16 words.
    pub fn text(&mut self, words: usize) -> String {
        let mut out = String::new();
        let mut current = self.below(self.words.len());
        let mut line = 0;
        let mut line_len = 8 + self.below(9);
        for _ in 0..words {
            if line > 0 {
                out.push(' ');
            }
            out.push_str(&self.words[current]);
            line += 1;
            if line >= line_len {
                out.push('\n');
                line = 0;
                line_len = 8 + self.below(9);
            }
            let (jump, pick) = (self.below(10), self.below(usize::MAX));
            current = match self.next.get(&current) {
                Some(next) if jump > 0 => next[pick % next.len()],
                _ => pick % self.words.len(),
            };
        }
        out.replace(" \n", "\n")
    }

    /// Document number `number`: metadata chosen from lists, about `words` words of text in
    /// pages of 300 words.
    pub fn document(&mut self, number: u32, words: usize) -> SynthDoc {
        let (type_name, type_code) = TYPES[self.below(TYPES.len())];
        let (issuer, agency, system) = ISSUERS[self.below(ISSUERS.len())];
        let place = PLACES[self.below(PLACES.len())];
        let (month, day) = (1 + self.below(12), 1 + self.below(28));
        let issued_date = format!("2025-{month:02}-{day:02}");
        let reference = if system == "party" {
            format!("{number}-{type_code}/{agency}")
        } else {
            format!("{number}/{type_code}-{agency}")
        };
        let title = self.text(12).replace('\n', " ");
        let mut pages = Vec::new();
        let mut left = words;
        while left > 0 {
            let n = left.min(300);
            pages.push(self.text(n));
            left -= n;
        }
        let header = format!(
            "{}\n{place}, ngày {day} tháng {month} năm 2025\nSố {reference}\n{}\n{title}\n",
            issuer.to_uppercase(),
            type_name.to_uppercase()
        );
        let text = format!("{header}{}", pages.join("\u{c}"));
        SynthDoc {
            number,
            doc_type: (type_name.to_owned(), type_code.to_owned()),
            issuer: issuer.to_owned(),
            system: system.to_owned(),
            place: place.to_owned(),
            issued_date,
            reference,
            title,
            text,
        }
    }
}

/// The record file (JSON) of a synthetic document; `text_raw` is the text folded, as an OCR
/// run without Vietnamese data would give it.
pub fn record_json(doc: &SynthDoc) -> String {
    let pages: Vec<serde_json::Value> = doc
        .text
        .split('\u{c}')
        .enumerate()
        .map(|(i, text)| {
            json!({"number": i + 1, "source": "ocr", "width": 2480, "height": 3508,
                   "text_raw": crate::viet::fold(text), "text": text, "words": [], "error": null})
        })
        .collect();
    let record = json!({
        "format": super::record::FORMAT,
        "source": {"path": format!("synth/{:05}.pdf", doc.number), "sha256": null,
                   "bytes": null, "kind": "pdf"},
        "tool": {"version": env!("CARGO_PKG_VERSION"), "model": "synthetic"},
        "pages": pages,
        "text": doc.text,
        "metadata": {
            "system": doc.system,
            "doc_type": {"name": doc.doc_type.0, "code": doc.doc_type.1},
            "reference": doc.reference,
            "number": doc.number.to_string(),
            "issuer": {"name": doc.issuer, "parent": null},
            "place": doc.place,
            "issued_date": doc.issued_date,
            "title": doc.title,
            "reporting_period": null,
            "addressees": [], "recipients": [], "signers": [], "references": [], "targets": []
        },
        "evidence": {}, "warnings": [], "timing_ms": {"total": 0}
    });
    record.to_string()
}

/// A minimal record with the given text and metadata fields (tests).
///
/// ```
/// let json = sohoa::search::synth::simple_record("Tỉnh ủy", "Báo cáo", "2025-07-03");
/// assert!(json.contains("Tỉnh ủy"));
/// ```
pub fn simple_record(text: &str, doc_type: &str, issued_date: &str) -> String {
    json!({
        "format": super::record::FORMAT,
        "source": {"path": "", "kind": "txt"},
        "pages": [{"number": 1, "text_raw": crate::viet::fold(text), "text": text}],
        "text": text,
        "metadata": {"doc_type": {"name": doc_type, "code": null}, "issued_date": issued_date}
    })
    .to_string()
}
