//! A word-level diff of the raw OCR text against the repaired text, for the document page.
//!
//! Lines are kept: when both texts have the same number of lines (the repair stage works line by
//! line), lines are compared pairwise; otherwise the whole texts are aligned word by word (a
//! longest common subsequence), falling back to pairwise lines when that would be too big.
//!
//! ```
//! use sohoa::search::diff::{word_diff, Piece};
//! let (raw, _) = word_diff("Tinh iy bao cao", "Tỉnh ủy báo cáo");
//! assert_eq!(raw[0], Piece::Changed("Tinh".into()));
//! let (_, fixed) = word_diff("Ban Thuong vu", "Ban Thường vụ");
//! assert_eq!(fixed[0], Piece::Same("Ban".into()));
//! assert_eq!(fixed[1], Piece::Changed("Thường".into()));
//! ```

/// One piece of a diffed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A word present in both texts.
    Same(String),
    /// A word present only in this text.
    Changed(String),
    /// A line break.
    Newline,
}

/// Most cells of a whole-text alignment table before falling back to pairwise lines.
const MAX_CELLS: usize = 4_000_000;

/// Diffs `raw` against `fixed`; returns the pieces of each.
pub fn word_diff(raw: &str, fixed: &str) -> (Vec<Piece>, Vec<Piece>) {
    let raw_lines: Vec<&str> = raw.lines().collect();
    let fixed_lines: Vec<&str> = fixed.lines().collect();
    let raw_words = raw.split_whitespace().count() + raw_lines.len();
    let fixed_words = fixed.split_whitespace().count() + fixed_lines.len();
    if raw_lines.len() != fixed_lines.len() && raw_words.saturating_mul(fixed_words) <= MAX_CELLS {
        return align(&tokens(raw), &tokens(fixed));
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..raw_lines.len().max(fixed_lines.len()) {
        if i > 0 {
            a.push(Piece::Newline);
            b.push(Piece::Newline);
        }
        let ra = raw_lines.get(i).copied().unwrap_or("");
        let fb = fixed_lines.get(i).copied().unwrap_or("");
        let (pa, pb) = align(&tokens(ra), &tokens(fb));
        a.extend(pa);
        b.extend(pb);
    }
    (a, b)
}

/// Words of a text, with `None` for line breaks.
fn tokens(text: &str) -> Vec<Option<&str>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push(None);
        }
        out.extend(line.split_whitespace().map(Some));
    }
    out
}

/// Aligns two token sequences by their longest common subsequence.
fn align(a: &[Option<&str>], b: &[Option<&str>]) -> (Vec<Piece>, Vec<Piece>) {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: LCS length of a[i..] and b[j..], row-major.
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if a[i] == b[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let piece = |t: Option<&str>, same: bool| match (t, same) {
        (None, _) => Piece::Newline,
        (Some(w), true) => Piece::Same(w.to_owned()),
        (Some(w), false) => Piece::Changed(w.to_owned()),
    };
    let (mut pa, mut pb) = (Vec::with_capacity(n), Vec::with_capacity(m));
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            pa.push(piece(a[i], true));
            pb.push(piece(b[j], true));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
            pa.push(piece(a[i], false));
            i += 1;
        } else {
            pb.push(piece(b[j], false));
            j += 1;
        }
    }
    pa.extend(a[i..].iter().map(|&t| piece(t, false)));
    pb.extend(b[j..].iter().map(|&t| piece(t, false)));
    (pa, pb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(pieces: &[Piece]) -> Vec<&str> {
        pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Changed(w) => Some(w.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn marks_only_changed_words_and_keeps_lines() {
        let (a, b) = word_diff("Ban Thuong vu\nTinh uy", "Ban Thường vụ\nTỉnh ủy");
        assert_eq!(changed(&a), ["Thuong", "vu", "Tinh", "uy"]);
        assert_eq!(changed(&b), ["Thường", "vụ", "Tỉnh", "ủy"]);
        assert_eq!(a.iter().filter(|p| **p == Piece::Newline).count(), 1);
        assert_eq!(b.iter().filter(|p| **p == Piece::Newline).count(), 1);
    }

    #[test]
    fn different_line_counts_align_whole_text() {
        let (a, b) = word_diff("một hai\nba bốn năm", "một hai ba bốn sáu năm");
        assert!(changed(&a).is_empty());
        assert_eq!(changed(&b), ["sáu"]);
    }

    #[test]
    fn empty_sides() {
        let (a, b) = word_diff("", "Tỉnh ủy");
        assert!(a.is_empty());
        assert_eq!(changed(&b), ["Tỉnh", "ủy"]);
    }
}
