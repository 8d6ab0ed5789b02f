//! The Vietnamese syllable.

use unicode_normalization::UnicodeNormalization;

/// Removes diacritics and maps `đ`→`d`, `Đ`→`D`; other characters are kept. The result is NFC.
///
/// ```
/// assert_eq!(sohoa::viet::fold("Bình dân học vụ số, Đảng"), "Binh dan hoc vu so, Dang");
/// ```
pub fn fold(text: &str) -> String {
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
