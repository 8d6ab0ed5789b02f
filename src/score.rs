//! Syllable accuracy, computed exactly as `shared/tools/vnscore.py` computes it, so tests can
//! assert accuracy floors in Rust.
//!
//! Tokens are `\w+(?:[-/.]\w+)*` or single punctuation marks, compared case-insensitively with
//! the tone mark moved to the end (so `hoá` and `hóa` are equal); accuracy is
//! `1 - token edit distance / reference tokens`.
//!
//! ```
//! use sohoa::score::syllable_accuracy;
//! assert_eq!(syllable_accuracy("Kế hoạch số 265-KH/TU", "Ké hoach số 265-KH/TU"), 0.5);
//! assert_eq!(syllable_accuracy("hòa bình", "Hoà bình"), 1.0);
//! ```

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\w+(?:[-/.]\w+)*|[^\w\s]").unwrap_or_else(|e| panic!("token pattern: {e}"))
});

const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// The comparison key of a token: lower case, NFC, tone mark moved to the end.
fn canon(token: &str) -> String {
    let lower = token.to_lowercase();
    let (tones, rest): (String, String) = lower.nfd().partition(|c| TONE_MARKS.contains(c));
    let mut key: String = rest.nfc().collect();
    key.push_str(&tones);
    key
}

/// Splits text into the scorer's tokens (comparison keys).
pub fn tokens(text: &str) -> Vec<String> {
    let text: String = text.nfc().collect();
    TOKEN.find_iter(&text).map(|m| canon(m.as_str())).collect()
}

/// Levenshtein distance between two token sequences.
pub fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j + 1] + 1)
                .min(cur[j] + 1)
                .min(prev[j] + usize::from(x != y));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Syllable accuracy of `hypothesis` against `reference`, each taken as one line (vnscore's
/// `--flat`).
pub fn syllable_accuracy(reference: &str, hypothesis: &str) -> f64 {
    let r = tokens(reference);
    let h = tokens(hypothesis);
    1.0 - edit_distance(&r, &h) as f64 / r.len().max(1) as f64
}

/// Syllable accuracy line by line (line N of the hypothesis answers line N of the reference),
/// as vnscore does without `--flat`.
pub fn syllable_accuracy_by_line(reference: &str, hypothesis: &str) -> f64 {
    let r: Vec<&str> = reference.lines().collect();
    let h: Vec<&str> = hypothesis.lines().collect();
    let n = r.len().max(h.len());
    let (mut errors, mut total) = (0usize, 0usize);
    for i in 0..n {
        let rt = tokens(r.get(i).copied().unwrap_or(""));
        let ht = tokens(h.get(i).copied().unwrap_or(""));
        errors += edit_distance(&rt, &ht);
        total += rt.len();
    }
    1.0 - errors as f64 / total.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_codes_whole() {
        assert_eq!(
            tokens("Số 42-BC/BTGDVTU, ngày 03/7/2025."),
            vec!["số", "42-bc/btgdvtu", ",", "ngày", "03/7/2025", "."]
                .into_iter()
                .map(canon)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn accuracy_counts_splits_and_merges() {
        assert_eq!(
            syllable_accuracy("góp kinh nghiệm", "gdpkinh nghiệm"),
            1.0 - 2.0 / 3.0
        );
        assert_eq!(syllable_accuracy("", ""), 1.0);
        assert_eq!(syllable_accuracy_by_line("a b\nc d", "a b\nc x"), 0.75);
    }
}
