//! The Vietnamese syllable as a type.
//!
//! Scanned documents mix tone placements (`hóa`/`hoá`, `thủy`/`thuỷ`), normalisation forms
//! (NFC, NFD) and cases. This module parses a token into its parts ([`Syllable`]), says whether
//! it is a well-formed syllable ([`is_syllable`]), writes it back in one canonical form
//! ([`canonicalize`]: NFC, old-style tone placement, case kept) and folds text for
//! diacritic-insensitive matching ([`fold`]).
//!
//! ```
//! use sohoa::viet::{canonicalize_text, fold, is_syllable};
//! assert_eq!(canonicalize_text("Thuỷ lợi, HOÀ BÌNH"), "Thủy lợi, HÒA BÌNH");
//! assert_eq!(fold("Đảng"), "Dang");
//! assert!(is_syllable("nghiêng") && !is_syllable("UBND"));
//! ```

mod case;
mod syllable;
mod tables;
#[cfg(test)]
mod tests;

pub use case::{Case, apply_case, case_of};
pub use syllable::{Syllable, Tone, ToneStyle};

use std::borrow::Cow;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Removes diacritics and maps `đ`→`d`, `Đ`→`D`; other characters are kept. The result is NFC.
///
/// ```
/// assert_eq!(sohoa::viet::fold("Bình dân học vụ số, Đảng"), "Binh dan hoc vu so, Dang");
/// ```
pub fn fold(text: &str) -> String {
    // ASCII and the precomposed Latin letters (every Vietnamese letter in NFC) fold one to one
    // by table; anything else (combining marks, other scripts) through decomposition. The
    // result is the same: the table only saves the decomposition and recomposition, which
    // dominate the cost of folding.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(f) = table_fold(c) {
            out.push(f);
        } else {
            return fold_decomposed(text);
        }
    }
    out
}

/// First and last code point of each block of letters folded by table: Latin-1 Supplement and
/// Latin Extended-A/B (U+00C0–U+024F), Latin Extended Additional (U+1E00–U+1EFF, the
/// Vietnamese letters with two diacritics).
const FOLD_BLOCKS: [(u32, u32); 2] = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)];

/// The fold of each letter of [`FOLD_BLOCKS`], or `'\0'` where the fold of the letter alone is
/// not one plain character (then the text is folded by decomposition).
static FOLD_TABLE: std::sync::LazyLock<Vec<char>> = std::sync::LazyLock::new(|| {
    let mut table = Vec::new();
    for (first, last) in FOLD_BLOCKS {
        for code in first..=last {
            let folded = char::from_u32(code)
                .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                .map(|c| fold_decomposed(c.encode_utf8(&mut [0; 4])))
                .and_then(|f| {
                    let mut chars = f.chars();
                    match (chars.next(), chars.next()) {
                        (Some(one), None)
                            if unicode_normalization::char::canonical_combining_class(one) == 0 =>
                        {
                            Some(one)
                        }
                        _ => None,
                    }
                });
            table.push(folded.unwrap_or('\0'));
        }
    }
    table
});

/// The table entry of `c`, if it has one.
fn table_fold(c: char) -> Option<char> {
    let code = c as u32;
    let mut offset = 0;
    for (first, last) in FOLD_BLOCKS {
        if (first..=last).contains(&code) {
            return FOLD_TABLE
                .get((offset + code - first) as usize)
                .copied()
                .filter(|&f| f != '\0');
        }
        offset += last - first + 1;
    }
    None
}

/// [`fold`] through Unicode decomposition.
fn fold_decomposed(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .nfc()
        .collect()
}

/// Whether `token` is one well-formed Vietnamese syllable (any case, NFC or NFD, any tone
/// placement).
///
/// ```
/// use sohoa::viet::is_syllable;
/// assert!(is_syllable("giữa") && is_syllable("Thuỷ") && is_syllable("ừ"));
/// assert!(!is_syllable("tr") && !is_syllable("Internet") && !is_syllable("2024"));
/// ```
pub fn is_syllable(token: &str) -> bool {
    Syllable::parse(token).is_some()
}

/// The canonical spelling of a token: if it is a syllable, recomposed in the old style (NFC,
/// case kept); otherwise the token's NFC, unchanged.
///
/// ```
/// use sohoa::viet::canonicalize;
/// assert_eq!(canonicalize("hoá"), "hóa");
/// assert_eq!(canonicalize("Thuỷ"), "Thủy");
/// assert_eq!(canonicalize("QUỐC"), "QUỐC");
/// assert_eq!(canonicalize("UBND"), "UBND");
/// ```
pub fn canonicalize(token: &str) -> String {
    match Syllable::parse(token) {
        Some(s) => s.compose(ToneStyle::Old),
        None => token.nfc().collect(),
    }
}

/// Canonicalizes every maximal run of letters (with their combining marks) in `text`; all
/// other characters are kept. The result is NFC.
///
/// ```
/// use sohoa::viet::canonicalize_text;
/// assert_eq!(canonicalize_text("Ủy ban: hoà giải (số 12/2024)"), "Ủy ban: hòa giải (số 12/2024)");
/// ```
pub fn canonicalize_text(text: &str) -> String {
    // Most text is NFC already: check quickly instead of copying it.
    let nfc: Cow<'_, str> = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    };
    let text = nfc.as_ref();
    let mut out = String::with_capacity(text.len());
    // Runs are NFC slices of NFC text, so a non-syllable is copied as it is.
    let push_run = |out: &mut String, run: &str| match Syllable::parse(run) {
        Some(s) => out.push_str(&s.compose(ToneStyle::Old)),
        None => out.push_str(run),
    };
    let mut run_start = None::<usize>;
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphabetic() || is_combining_mark(c);
        match (in_word, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                push_run(&mut out, &text[start..i]);
                run_start = None;
            }
            _ => {}
        }
        if !in_word {
            out.push(c);
        }
    }
    if let Some(start) = run_start {
        push_run(&mut out, &text[start..]);
    }
    out
}
