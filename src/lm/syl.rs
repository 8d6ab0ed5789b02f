//! Syllable helpers the language model and the repair engine need: the canonical lower-case form
//! of a syllable (NFC, old-style tone placement `hóa`, `thủy`), a structural validity check, and
//! the case pattern of a token.
//!
//! These work on one token at a time and never allocate more than the token's length.

use unicode_normalization::UnicodeNormalization;

/// The five tone marks as combining characters (huyền, sắc, ngã, hỏi, nặng).
const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// The case pattern of a token: all lower, all upper, or a capital first letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Case {
    /// `học`
    Lower,
    /// `HỌC` (two or more letters, all capitals)
    Upper,
    /// `Học`
    Title,
}

/// The case pattern of `token` (letters only are looked at).
///
/// ```
/// use sohoa::lm::syl::{case_of, Case};
/// assert_eq!(case_of("ĐẢNG"), Case::Upper);
/// assert_eq!(case_of("Tỉnh"), Case::Title);
/// assert_eq!(case_of("ủy"), Case::Lower);
/// assert_eq!(case_of("CHiNH"), Case::Upper); // legacy OCR's small letter for a marked capital
/// ```
pub fn case_of(token: &str) -> Case {
    let letters: Vec<char> = token.chars().filter(|c| c.is_alphabetic()).collect();
    match letters.first() {
        None => Case::Lower,
        Some(first) if first.is_uppercase() => {
            let lower = letters.iter().filter(|c| c.is_lowercase()).count();
            // legacy OCR drops one capital's marks into a small letter (`CHiNH`, `TiNH`):
            // a long word with one small letter after its second is upper case
            let misread_capital =
                letters.len() >= 4 && lower == 1 && letters[..2].iter().all(|c| c.is_uppercase());
            if letters.len() > 1 && (lower == 0 || misread_capital) {
                Case::Upper
            } else {
                Case::Title
            }
        }
        Some(_) => Case::Lower,
    }
}

/// Writes the lower-case `word` in the case pattern `case`.
///
/// ```
/// use sohoa::lm::syl::{apply_case, Case};
/// assert_eq!(apply_case("đảng", Case::Upper), "ĐẢNG");
/// assert_eq!(apply_case("ủy", Case::Title), "Ủy");
/// ```
pub fn apply_case(word: &str, case: Case) -> String {
    match case {
        Case::Lower => word.to_string(),
        Case::Upper => word.to_uppercase(),
        Case::Title => {
            let mut out = String::with_capacity(word.len());
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
            }
            out.extend(chars);
            out
        }
    }
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_hat(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// Splits a lower-case word into its toneless NFC letters and its tone (0 = level, 1-5 = the
/// marks of `TONES`). Returns `None` when the word carries two tone marks.
pub fn split_tone(word: &str) -> Option<(String, u8)> {
    if word.is_ascii() {
        return Some((word.to_string(), 0));
    }
    // precomposed Vietnamese letters, as nearly all text has: one table lookup per letter;
    // anything else (combining marks, other scripts) goes through Unicode decomposition
    let table = toned_letters();
    let mut tone = 0u8;
    let mut base = String::with_capacity(word.len());
    for c in word.chars() {
        if let Some(&(b, t)) = table.split.get(&c) {
            if tone != 0 {
                return None;
            }
            tone = t;
            base.push(b);
        } else if c.is_ascii() || TONELESS.contains(&c) {
            base.push(c);
        } else {
            return split_tone_decomposed(word);
        }
    }
    Some((base, tone))
}

/// The Vietnamese letters with a vowel mark but no tone, and đ.
const TONELESS: [char; 14] = [
    'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ',
];

/// [`split_tone`] for text with combining marks, through Unicode decomposition.
fn split_tone_decomposed(word: &str) -> Option<(String, u8)> {
    let mut tone = 0u8;
    let mut base = String::with_capacity(word.len());
    for c in word.nfd() {
        if let Some(i) = TONES.iter().position(|&t| t == c) {
            if tone != 0 {
                return None;
            }
            tone = i as u8 + 1;
        } else {
            base.push(c);
        }
    }
    Some((base.nfc().collect(), tone))
}

/// The precomposed letters that carry a tone: letter → (toneless letter, tone), and back.
struct TonedLetters {
    split: rustc_hash::FxHashMap<char, (char, u8)>,
    join: rustc_hash::FxHashMap<(char, u8), char>,
}

fn toned_letters() -> &'static TonedLetters {
    static TABLE: std::sync::OnceLock<TonedLetters> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = TonedLetters {
            split: Default::default(),
            join: Default::default(),
        };
        for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY".chars() {
            for (i, &mark) in TONES.iter().enumerate() {
                let composed: String = [base, mark].iter().collect::<String>().nfc().collect();
                let mut chars = composed.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    t.split.insert(c, (base, i as u8 + 1));
                    t.join.insert((base, i as u8 + 1), c);
                }
            }
        }
        t
    })
}

/// Index (in chars) of the vowel that carries the tone in the toneless lower-case `base`, old
/// style (`hóa`, `thủy`, `của`, `quý`, `già`).
fn tone_position(chars: &[char]) -> Option<usize> {
    let mut start = 0;
    let n = chars.len();
    if n >= 3
        && ((chars[0] == 'q' && chars[1] == 'u') || (chars[0] == 'g' && chars[1] == 'i'))
        && is_vowel(chars[2])
    {
        start = 2;
    } else {
        while start < n && !is_vowel(chars[start]) {
            start += 1;
        }
    }
    let mut end = start;
    while end < n && is_vowel(chars[end]) {
        end += 1;
    }
    if start == end {
        return None;
    }
    if let Some(i) = (start..end).rev().find(|&i| has_hat(chars[i])) {
        return Some(i);
    }
    let len = end - start;
    if end < n || len == 1 {
        Some(end - 1)
    } else if len == 2 {
        Some(start)
    } else {
        Some(start + 1)
    }
}

/// Puts `tone` (0-5) on the toneless lower-case `base`, old-style placement, NFC.
pub fn place_tone(base: &str, tone: u8) -> String {
    if tone == 0 {
        return base.to_string();
    }
    let chars: Vec<char> = base.chars().collect();
    let Some(pos) = tone_position(&chars) else {
        return base.to_string();
    };
    let join = &toned_letters().join;
    let mut s = String::with_capacity(base.len() + 2);
    for (i, &c) in chars.iter().enumerate() {
        if i == pos {
            match join.get(&(c, tone)) {
                Some(&toned) => s.push(toned),
                None => s.extend(
                    [c, TONES[tone as usize - 1]]
                        .iter()
                        .collect::<String>()
                        .nfc(),
                ),
            }
        } else {
            s.push(c);
        }
    }
    s
}

const INITIALS: [&str; 27] = [
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];
const FINALS: [&str; 9] = ["ng", "nh", "ch", "c", "m", "n", "p", "t", ""];

/// Whether the toneless lower-case `base` with `tone` has the shape of a Vietnamese syllable:
/// an initial consonant, one to three vowels, a final consonant, and for the stop finals
/// (`c`, `ch`, `p`, `t`) only the sắc or nặng tone.
pub fn is_syllable_shape(base: &str, tone: u8) -> bool {
    if base.is_empty() || base.len() > 16 {
        return false;
    }
    let mut rest = base;
    for init in INITIALS {
        if let Some(r) = rest.strip_prefix(init) {
            // "gi"/"qu" only count as an initial when a vowel follows
            if (init == "gi" || init == "qu") && !r.starts_with(is_vowel) {
                continue;
            }
            rest = r;
            break;
        }
    }
    let vowels: usize = rest.chars().take_while(|&c| is_vowel(c)).count();
    if vowels == 0 && base != "gi" {
        return false;
    }
    if vowels > 3 {
        return false;
    }
    let fin: String = rest.chars().skip(vowels).collect();
    if !FINALS.contains(&fin.as_str()) {
        return false;
    }
    if matches!(fin.as_str(), "c" | "ch" | "p" | "t") && !(tone == 2 || tone == 5) {
        return false;
    }
    true
}

/// The canonical lower-case form of a word: NFC, tone mark placed old style. `None` when the
/// word is not shaped like a Vietnamese syllable (then the caller keeps it as it is).
///
/// ```
/// use sohoa::lm::syl::canonical_syllable;
/// assert_eq!(canonical_syllable("Hoá").as_deref(), Some("hóa"));
/// assert_eq!(canonical_syllable("THUỶ").as_deref(), Some("thủy"));
/// assert_eq!(canonical_syllable("Internet"), None);
/// ```
pub fn canonical_syllable(word: &str) -> Option<String> {
    if word.is_ascii() {
        // no marks: the lower-case letters are the canonical form
        let lower = word.to_ascii_lowercase();
        let ok = lower.bytes().all(|b| b.is_ascii_alphabetic()) && is_syllable_shape(&lower, 0);
        return ok.then_some(lower);
    }
    let lower = word.to_lowercase();
    let (base, tone) = split_tone(&lower)?;
    if !base.chars().all(|c| c.is_alphabetic()) || !is_syllable_shape(&base, tone) {
        return None;
    }
    Some(place_tone(&base, tone))
}

/// Lower case, NFC and old-style tone placement when `word` is syllable-shaped; otherwise just
/// lower case NFC.
pub fn canonical_lower(word: &str) -> String {
    if word.is_ascii() {
        return canonical_syllable(word).unwrap_or_else(|| word.to_ascii_lowercase());
    }
    canonical_syllable(word).unwrap_or_else(|| word.to_lowercase().nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_old_style() {
        for (input, want) in [
            ("hoá", "hóa"),
            ("thuỷ", "thủy"),
            ("uỷ", "ủy"),
            ("của", "của"),
            ("quý", "quý"),
            ("giữa", "giữa"),
            ("nghiệp", "nghiệp"),
            ("khuỷu", "khuỷu"),
            ("ngoài", "ngoài"),
            ("gì", "gì"),
            ("trường", "trường"),
            ("hoàn", "hoàn"),
        ] {
            assert_eq!(canonical_syllable(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn shapes() {
        assert!(canonical_syllable("Internet").is_none());
        assert!(canonical_syllable("khal").is_none());
        assert!(canonical_syllable("cat").is_none()); // level tone with a stop final
        assert!(canonical_syllable("cát").is_some());
        assert!(canonical_syllable("UBND").is_none());
    }

    /// The table paths give what Unicode decomposition gives, on every word of the committed
    /// model and on each of them decomposed and in upper case.
    #[test]
    fn fast_paths_agree_with_decomposition() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries");
        let Ok(m) = crate::lm::model::Model::load(&dir) else {
            return;
        };
        let slow_canonical = |w: &str| -> Option<String> {
            let lower = w.to_lowercase();
            let (base, tone) = split_tone_decomposed(&lower)?;
            if !base.chars().all(|c| c.is_alphabetic()) || !is_syllable_shape(&base, tone) {
                return None;
            }
            let chars: Vec<char> = base.chars().collect();
            let Some(pos) = tone_position(&chars).filter(|_| tone > 0) else {
                return Some(base);
            };
            let mut s = String::new();
            for (i, &c) in chars.iter().enumerate() {
                s.push(c);
                if i == pos {
                    s.push(TONES[tone as usize - 1]);
                }
            }
            Some(s.nfc().collect())
        };
        for w in &m.vocab {
            for form in [w.clone(), w.nfd().collect(), w.to_uppercase()] {
                assert_eq!(
                    split_tone(&form.to_lowercase()),
                    split_tone_decomposed(&form.to_lowercase()),
                    "{form}"
                );
                assert_eq!(canonical_syllable(&form), slow_canonical(&form), "{form}");
            }
        }
    }
}
