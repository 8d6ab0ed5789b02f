//! Text preparation shared by the extraction rules: lines with their numbers and pages,
//! a character-aligned diacritic-folded copy for tolerant matching, and casing helpers.

use crate::viet::fold;
use unicode_normalization::UnicodeNormalization;

/// Folds one character to exactly one character (so that character positions in the folded text
/// are the positions in the original). Combining marks that cannot be folded stay as they are.
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let mut buf = [0u8; 4];
    fold(c.encode_utf8(&mut buf)).chars().next().unwrap_or(c)
}

/// Folds a string character by character: same number of characters as the input.
///
/// ```ignore
/// assert_eq!(fold_chars("Số: QĐ"), "So: QD");
/// ```
pub(crate) fn fold_chars(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Folded and lower-cased, character-aligned with the input.
pub(crate) fn fold_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let f = fold_char(c);
            f.to_lowercase().next().unwrap_or(f)
        })
        .collect()
}

/// Byte offset in `s` of the character with index `ci` (or `s.len()` past the end).
pub(crate) fn char_to_byte(s: &str, ci: usize) -> usize {
    s.char_indices().nth(ci).map(|(b, _)| b).unwrap_or(s.len())
}

/// Character index of byte offset `b` in `s`.
pub(crate) fn byte_to_char(s: &str, b: usize) -> usize {
    s[..b.min(s.len())].chars().count()
}

/// Maps a byte range of a character-aligned folded copy back to the original string.
pub(crate) fn map_range<'a>(orig: &'a str, folded: &str, start: usize, end: usize) -> &'a str {
    let cs = byte_to_char(folded, start);
    let ce = byte_to_char(folded, end);
    let bs = char_to_byte(orig, cs);
    let be = char_to_byte(orig, ce);
    &orig[bs..be.max(bs)]
}

/// Collapses runs of whitespace (including newlines) to single spaces and trims.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when the letters of `s` are (almost) all upper case and there are at least two.
pub(crate) fn is_upper_text(s: &str) -> bool {
    let (mut up, mut low) = (0usize, 0usize);
    for c in s.chars() {
        if c.is_uppercase() {
            up += 1;
        } else if c.is_lowercase() {
            low += 1;
        }
    }
    up >= 2 && low * 10 <= up
}

/// True for a word written in capitals that is an abbreviation rather than a Vietnamese
/// syllable (`UBND`, `HĐND`, `MTTQ`, `TP.`): no vowel after its first letter.
pub(crate) fn is_acronym(word: &str) -> bool {
    let w: String = fold_chars(word)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    if w.chars().count() < 2 {
        return false;
    }
    let vowels = |c: char| "AEIOUYaeiouy".contains(c);
    if w.chars().count() == 2 {
        return !w.chars().any(vowels);
    }
    !w.chars().skip(1).any(vowels)
}

/// Upper-cases the first letter of a word and lower-cases the rest.
pub(crate) fn capitalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut first = true;
    for c in word.chars() {
        if first && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            first = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Organ-type nouns after which the field of work is capitalised.
const ORGAN_TYPES: &[&str] = &[
    "VAN PHONG",
    "TRUNG TAM",
    "TONG CUC",
    "HOC VIEN",
    "SO",
    "BO",
    "BAN",
    "CUC",
    "VU",
    "PHONG",
    "VIEN",
    "TRUONG",
];

const ADMIN_UNITS: &[&str] = &[
    "TINH",
    "THANH PHO",
    "PHUONG",
    "XA",
    "HUYEN",
    "QUAN",
    "THI XA",
    "THI TRAN",
    "DAC KHU",
];

/// The administrative-unit word (folded, upper) `words[i..]` starts with, and its length in words.
pub(crate) fn admin_unit_at(folded_upper: &[String], i: usize) -> Option<usize> {
    for unit in ADMIN_UNITS {
        let parts: Vec<&str> = unit.split(' ').collect();
        if i + parts.len() <= folded_upper.len()
            && parts
                .iter()
                .enumerate()
                .all(|(k, p)| folded_upper[i + k] == *p)
        {
            // "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY" are Party committees, not units.
            if folded_upper.get(i + parts.len()).map(String::as_str) == Some("UY") {
                return None;
            }
            return Some(parts.len());
        }
    }
    None
}

/// Sentence case for an organisation name printed in capitals, following the usual Vietnamese
/// administrative style: `ĐẢNG ỦY PHƯỜNG HỒNG BÀNG` → `Đảng ủy phường Hồng Bàng`,
/// `UBND TỈNH THANH HÓA` → `UBND tỉnh Thanh Hóa`. Text not in capitals is returned as is.
pub(crate) fn org_case(s: &str) -> String {
    let s = squash(s);
    if !is_upper_text(&s) {
        return s;
    }
    let words: Vec<&str> = s.split(' ').collect();
    let fu: Vec<String> = words.iter().map(|w| fold_chars(w).to_uppercase()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut proper = false;
    // After an organ-type noun (`SỞ`, `BAN`, ...) the field it works in is capitalised at the
    // start of each phrase: `Ban Tuyên giáo và Dân vận`, `Sở Văn hóa, Thể thao và Du lịch`.
    let mut field = false;
    let mut cap_next = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if proper {
            // Inside a proper name (after `tỉnh`, `Tỉnh ủy`, ...): every word capitalised.
            out.push(if is_acronym(w) {
                w.to_string()
            } else {
                capitalize(w)
            });
            i += 1;
            continue;
        }
        if is_acronym(w) {
            out.push(w.to_string());
            i += 1;
            continue;
        }
        if let Some(n) = admin_unit_at(&fu, i) {
            for k in 0..n {
                out.push(if i + k == 0 {
                    capitalize(words[i + k])
                } else {
                    words[i + k].to_lowercase()
                });
            }
            i += n;
            proper = true;
            field = false;
            continue;
        }
        let committee = matches!(fu[i].as_str(), "TINH" | "THANH" | "HUYEN" | "QUAN" | "THI")
            && fu.get(i + 1).map(String::as_str) == Some("UY");
        if committee {
            out.push(capitalize(w));
            out.push(words[i + 1].to_lowercase());
            i += 2;
            proper = true;
            field = false;
            continue;
        }
        let organ = ORGAN_TYPES.iter().find_map(|t| {
            let parts: Vec<&str> = t.split(' ').collect();
            (i + parts.len() <= fu.len() && parts.iter().enumerate().all(|(k, p)| fu[i + k] == *p))
                .then_some(parts.len())
        });
        if let Some(n) = organ.filter(|_| i == 0) {
            for k in 0..n {
                out.push(if i + k == 0 || cap_next {
                    capitalize(words[i + k])
                } else {
                    words[i + k].to_lowercase()
                });
            }
            i += n;
            field = true;
            cap_next = true;
            continue;
        }
        let bare = fu[i].trim_end_matches(',');
        if i == 0 || proper || cap_next || fu[i] == "DANG" {
            out.push(capitalize(w));
        } else {
            out.push(w.to_lowercase());
        }
        cap_next = field && (bare == "VA" || w.ends_with(','));
        i += 1;
    }
    out.join(" ")
}

/// One input line with its 1-based line number and page (pages are separated by form feeds).
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The line as printed (NFC, trailing whitespace removed, form feeds removed).
    pub text: String,
    /// `fold_chars(text)`.
    pub folded: String,
    /// 1-based line number in the input.
    pub number: u32,
    /// 1-based page number (form feeds seen before this line + 1).
    pub page: u32,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The prepared input document.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub lines: Vec<Line>,
    /// True when the text carries (almost) no Vietnamese diacritics: ASCII or legacy OCR.
    pub unaccented: bool,
}

impl Doc {
    pub fn new(text: &str) -> Doc {
        let norm: String = text
            .nfc()
            .map(|c| match c {
                '\u{00D0}' => 'Đ',
                '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
                '\r' => ' ',
                other => other,
            })
            .collect();
        let mut page = 1;
        let mut lines = Vec::new();
        let (mut letters, mut marked) = (0usize, 0usize);
        for (i, raw) in norm.split('\n').enumerate() {
            let ff = raw.matches('\u{000C}').count() as u32;
            let t = raw.replace('\u{000C}', "");
            let t = t.trim_end().to_string();
            let folded = fold_chars(&t);
            for a in t.chars() {
                if a.is_alphabetic() {
                    letters += 1;
                    if vietnamese_only(a) {
                        marked += 1;
                    }
                }
            }
            lines.push(Line {
                text: t,
                folded,
                number: (i + 1) as u32,
                page,
            });
            page += ff;
        }
        // In Vietnamese prose about one letter in ten carries a mark no Western European
        // language uses (horn, breve, dot below, hook above, đ, or a circumflex with a tone).
        // Far below that, the text lost its diacritics (ASCII, or OCR without Vietnamese data,
        // which turns `ế` into `é`).
        let unaccented = letters >= 40 && marked * 100 < letters;
        Doc { lines, unaccented }
    }
}

/// True for a letter only Vietnamese writes: `ơ ư ă đ`, a dot below, a hook above, or two marks.
pub(crate) fn vietnamese_only(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    if matches!(c, 'đ' | 'Đ') {
        return true;
    }
    let mut marks = 0;
    for d in std::iter::once(c).nfd() {
        match d {
            '\u{031B}' | '\u{0306}' | '\u{0323}' | '\u{0309}' => return true,
            '\u{0300}'..='\u{036F}' => marks += 1,
            _ => {}
        }
    }
    marks >= 2
}

/// Text of lines `from..to` joined with `\n`, with the starting byte offset of each line.
pub(crate) fn join_lines(lines: &[Line]) -> (String, Vec<usize>) {
    let mut s = String::new();
    let mut starts = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        starts.push(s.len());
        s.push_str(&l.text);
    }
    (s, starts)
}

/// Index of the line containing byte offset `b`, given the line starts.
pub(crate) fn line_of(starts: &[usize], b: usize) -> usize {
    match starts.binary_search(&b) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_is_character_aligned() {
        let s = "Số: 42-BC/ĐU ngày";
        let f = fold_chars(s);
        assert_eq!(f, "So: 42-BC/DU ngay");
        assert_eq!(s.chars().count(), f.chars().count());
        let start = f.find("DU").unwrap();
        assert_eq!(map_range(s, &f, start, start + 2), "ĐU");
    }

    #[test]
    fn org_case_follows_admin_style() {
        assert_eq!(
            org_case("ĐẢNG ỦY PHƯỜNG HỒNG BÀNG"),
            "Đảng ủy phường Hồng Bàng"
        );
        assert_eq!(
            org_case("ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG"),
            "Đảng bộ thành phố Hải Phòng"
        );
        assert_eq!(org_case("UBND TỈNH THANH HÓA"), "UBND tỉnh Thanh Hóa");
        assert_eq!(
            org_case("BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY"),
            "Ban Tuyên giáo và Dân vận Tỉnh ủy"
        );
        assert_eq!(org_case("Sở Nội vụ"), "Sở Nội vụ");
        assert_eq!(org_case("SỞ NỘI VỤ"), "Sở Nội vụ");
        assert_eq!(
            org_case("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
            "Sở Văn hóa, Thể thao và Du lịch"
        );
        assert_eq!(
            org_case("ỦY BAN NHÂN DÂN XÃ ĐỨC THỊNH"),
            "Ủy ban nhân dân xã Đức Thịnh"
        );
        assert_eq!(org_case("BAN THƯỜNG VỤ TỈNH ỦY"), "Ban Thường vụ Tỉnh ủy");
        assert_eq!(org_case("ĐẢNG BỘ TỈNH HÀ TĨNH"), "Đảng bộ tỉnh Hà Tĩnh");
        assert_eq!(org_case("UBND TỈNH NGHỆ AN"), "UBND tỉnh Nghệ An");
    }

    #[test]
    fn acronyms() {
        assert!(is_acronym("UBND"));
        assert!(is_acronym("HĐND"));
        assert!(is_acronym("MTTQ"));
        assert!(!is_acronym("TỈNH"));
        assert!(!is_acronym("BAN"));
    }

    #[test]
    fn detects_unaccented_text() {
        let ascii = "Thuc hien Ke hoach so 265-KH/TU ngay 24/4/2025 cua Ban Thuong vu Tinh uy ve trien khai";
        assert!(Doc::new(ascii).unaccented);
        let viet = "Thực hiện Kế hoạch số 265-KH/TU ngày 24/4/2025 của Ban Thường vụ Tỉnh ủy về triển khai";
        assert!(!Doc::new(viet).unaccented);
        // Legacy OCR keeps Western accents but no Vietnamese-only marks.
        let ocr = "Thuyc hién Ké hoach s 265-KH/TU ngay 24/4/2025 ctia Ban Thuéng vu Tinh ty vé trién khai";
        assert!(Doc::new(ocr).unaccented);
    }

    #[test]
    fn pages_follow_form_feeds() {
        let d = Doc::new("a\nb\u{000C}c\nd");
        assert_eq!(d.lines[0].page, 1);
        assert_eq!(d.lines[1].text, "bc");
        assert_eq!(d.lines[1].page, 1);
        assert_eq!(d.lines[2].page, 2);
    }
}
