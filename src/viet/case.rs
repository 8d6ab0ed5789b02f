//! Letter case of a token: detected once, re-applied after recomposition.

use serde::{Deserialize, Serialize};

/// How a token is capitalised.
///
/// ```
/// use sohoa::viet::{Case, case_of};
/// assert_eq!(case_of("thủy"), Case::Lower);
/// assert_eq!(case_of("Thủy"), Case::Title);
/// assert_eq!(case_of("THỦY"), Case::Upper);
/// assert_eq!(case_of("tHủY"), Case::Mixed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Case {
    /// All letters lowercase (also a token with no letters).
    #[default]
    Lower,
    /// All letters uppercase, at least two of them.
    Upper,
    /// First letter uppercase, the rest lowercase; a single uppercase letter counts as Title.
    Title,
    /// Anything else. A [`Syllable`](super::Syllable) remembers which letters were uppercase.
    Mixed,
}

/// The case of a token, judged on its letters only (digits and punctuation are ignored).
///
/// ```
/// use sohoa::viet::{Case, case_of};
/// assert_eq!(case_of("Ủy"), Case::Title);
/// assert_eq!(case_of("UBND"), Case::Upper);
/// assert_eq!(case_of("Ý"), Case::Title);
/// assert_eq!(case_of("123"), Case::Lower);
/// ```
pub fn case_of(token: &str) -> Case {
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut first_upper = false;
    for c in token.chars().filter(|c| c.is_alphabetic()) {
        if c.is_uppercase() {
            upper += 1;
            first_upper |= letters == 0;
        }
        letters += 1;
    }
    match upper {
        0 => Case::Lower,
        1 if first_upper => Case::Title,
        n if n == letters => Case::Upper,
        _ => Case::Mixed,
    }
}

/// Writes a lowercase word in the given case. [`Case::Mixed`] cannot be re-created without the
/// original letters, so it returns `lower` unchanged.
///
/// ```
/// use sohoa::viet::{Case, apply_case};
/// assert_eq!(apply_case("đảng", Case::Upper), "ĐẢNG");
/// assert_eq!(apply_case("ủy", Case::Title), "Ủy");
/// assert_eq!(apply_case("ủy", Case::Mixed), "ủy");
/// ```
pub fn apply_case(lower: &str, case: Case) -> String {
    match case {
        Case::Lower => lower.to_lowercase(),
        Case::Upper => lower.to_uppercase(),
        Case::Title => {
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        }
        Case::Mixed => lower.to_owned(),
    }
}

/// The case named by an uppercase-letter mask over `letters` letters.
pub(crate) fn case_from_mask(mask: u16, letters: usize) -> Case {
    let full = ((1u32 << letters) - 1) as u16;
    match mask {
        0 => Case::Lower,
        1 => Case::Title,
        m if m == full => Case::Upper,
        _ => Case::Mixed,
    }
}
