//! Scan specks: punctuation that specks and smudges give legacy OCR at a line's ends
//! (`bao gom: :`, `; THANH PHO`), dropped before the line's candidates are built. Reads no
//! [`super::Params`]; applies to legacy-OCR lines only.

use crate::lm::token::{Kind, Token};

/// Punctuation that scan specks and smudges give legacy OCR, standing apart at a line's
/// start or end (`bao gom: :`, `; THANH PHO`, `NGHIEN CUU ~`).
const SPECK_CHARS: [char; 11] = [':', ';', '~', '_', '|', '»', '«', '¦', '=', '.', ','];

/// The tokens of a legacy-OCR line to drop as scan specks, with the white space that sets
/// them apart: runs of [`SPECK_CHARS`] (at most three, not `..`) standing alone at the start
/// or end of the line, while words remain. A colon or semicolon set apart from the last word
/// (`Nơi nhận :`) is attached to it instead, unless the word ends in punctuation already; a
/// run that ends the line is never `.` or `,` alone (`năm ......` is a blank to fill in), and
/// one that starts it is never a bullet (`-`, `•`, `+` are not speck characters).
pub(super) fn scan_specks(line: &str, toks: &[Token]) -> Vec<usize> {
    // runs of non-space tokens: (first, last) token index
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Kind::Space {
            continue;
        }
        match runs.last_mut() {
            Some(r) if r.1 + 1 == i => r.1 = i,
            _ => runs.push((i, i)),
        }
    }
    let text = |r: (usize, usize)| &line[toks[r.0].start..toks[r.1].end];
    let speck = |r: (usize, usize)| {
        let s = text(r);
        s.chars().count() <= 3
            && !s.contains("..")
            && s.chars().all(|c| SPECK_CHARS.contains(&c))
            && toks[r.0..=r.1].iter().all(|t| t.kind == Kind::Punct)
    };
    let mut drop = Vec::new();
    if !line.contains(char::is_alphanumeric) {
        return drop;
    }
    let (mut lo, mut hi) = (0, runs.len());
    while hi > lo + 1 && speck(runs[hi - 1]) && !matches!(text(runs[hi - 1]), "." | ",") {
        hi -= 1;
    }
    for k in hi..runs.len() {
        // the run and the white space before it
        drop.extend(runs[k - 1].1 + 1..=runs[k].1);
    }
    if hi < runs.len() {
        let first = text(runs[hi]);
        let before = text(runs[hi - 1]);
        if matches!(first, ":" | ";") && !before.ends_with(|c: char| c.is_ascii_punctuation()) {
            // `Nơi nhận :` → `Nơi nhận:`: only the space goes
            let keep = runs[hi].0;
            drop.retain(|&i| i != keep);
        }
    }
    while lo + 1 < hi && speck(runs[lo]) {
        // the run and the white space after it
        drop.extend(runs[lo].0..runs[lo + 1].0);
        lo += 1;
    }
    drop
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::token::tokenize;

    #[test]
    fn scan_specks_at_the_ends_of_a_line() {
        let kept = |line: &str| -> String {
            let toks = tokenize(line);
            let drop = scan_specks(line, &toks);
            toks.iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, t)| t.text(line))
                .collect()
        };
        assert_eq!(kept("bao gom: :"), "bao gom:");
        assert_eq!(kept("5 YEU CAU SAU: : :"), "5 YEU CAU SAU:");
        assert_eq!(kept("Noi nhan :"), "Noi nhan:");
        assert_eq!(kept("; THANH PHO"), "THANH PHO");
        assert_eq!(kept(". c) Phuong thuc ~"), "c) Phuong thuc");
        // bullets, blanks to fill in, a line of punctuation only: kept
        assert_eq!(kept("- Cac ban"), "- Cac ban");
        assert_eq!(kept("ngay ..... thang ....."), "ngay ..... thang .....");
        assert_eq!(kept("giai doan 2021 -"), "giai doan 2021 -");
        assert_eq!(kept("so ."), "so .");
        assert_eq!(kept(": :"), ": :");
    }
}
