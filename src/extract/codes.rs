//! Document type names and abbreviations, and the shape of a number + symbol (`số, ký hiệu`).
//!
//! Sources: the appendix of Nghị định 30/2020/NĐ-CP (State administrative documents) and
//! Hướng dẫn 36-HD/VPTW (Party documents). Legal normative document types (Luật, Nghị định,
//! Thông tư, ...) are added so that cited documents are named too.

use super::text::fold_lower;
use regex::Regex;
use std::sync::LazyLock;

/// Which system a type abbreviation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sys {
    Party,
    State,
    Both,
}

/// (name, code, system). Names are the sentence-case nouns; codes are as printed in symbols.
pub(crate) const TYPES: &[(&str, &str, Sys)] = &[
    ("Nghị quyết", "NQ", Sys::Both),
    ("Quyết định", "QĐ", Sys::Both),
    ("Chỉ thị", "CT", Sys::Both),
    ("Quy chế", "QC", Sys::Both),
    ("Quy định", "QyĐ", Sys::State),
    ("Quy định", "QĐi", Sys::Party),
    ("Thông cáo", "TC", Sys::State),
    ("Thông báo", "TB", Sys::Both),
    ("Hướng dẫn", "HD", Sys::Both),
    ("Chương trình hành động", "CTr", Sys::Party),
    ("Chương trình", "CTr", Sys::Both),
    ("Kế hoạch", "KH", Sys::Both),
    ("Phương án", "PA", Sys::State),
    ("Đề án", "ĐA", Sys::Both),
    ("Dự án", "DA", Sys::State),
    ("Báo cáo", "BC", Sys::Both),
    ("Biên bản", "BB", Sys::Both),
    ("Tờ trình", "TTr", Sys::Both),
    ("Hợp đồng", "HĐ", Sys::State),
    ("Công điện", "CĐ", Sys::State),
    ("Bản ghi nhớ", "BGN", Sys::State),
    ("Bản thỏa thuận", "BTT", Sys::State),
    ("Giấy ủy quyền", "GUQ", Sys::State),
    ("Giấy mời", "GM", Sys::State),
    ("Giấy giới thiệu", "GGT", Sys::State),
    ("Giấy nghỉ phép", "GNP", Sys::State),
    ("Phiếu gửi", "PG", Sys::State),
    ("Phiếu chuyển", "PC", Sys::State),
    ("Phiếu báo", "PB", Sys::State),
    ("Kết luận", "KL", Sys::Party),
    ("Thông tri", "TT", Sys::Party),
    ("Công văn", "CV", Sys::Party),
    ("Quy chế", "QC", Sys::Party),
    ("Thông tư", "TT", Sys::State),
    ("Nghị định", "NĐ", Sys::State),
    ("Thông tư liên tịch", "TTLT", Sys::State),
    ("Nghị quyết liên tịch", "NQLT", Sys::State),
    ("Pháp lệnh", "PL", Sys::State),
    ("Lệnh", "L", Sys::State),
];

/// Type nouns that may name a document in running text or as the heading. Longest first so
/// that `Chương trình hành động` wins over `Chương trình`.
pub(crate) const TYPE_NAMES: &[&str] = &[
    "Chương trình hành động",
    "Nghị quyết liên tịch",
    "Thông tư liên tịch",
    "Bản thỏa thuận",
    "Giấy giới thiệu",
    "Giấy nghỉ phép",
    "Giấy ủy quyền",
    "Bản ghi nhớ",
    "Chương trình",
    "Phiếu chuyển",
    "Quyết định",
    "Nghị quyết",
    "Nghị định",
    "Hướng dẫn",
    "Công điện",
    "Thông báo",
    "Thông cáo",
    "Thông tri",
    "Phương án",
    "Pháp lệnh",
    "Hiến pháp",
    "Hợp đồng",
    "Biên bản",
    "Giấy mời",
    "Phiếu gửi",
    "Phiếu báo",
    "Kế hoạch",
    "Kết luận",
    "Quy định",
    "Thông tư",
    "Công văn",
    "Văn bản",
    "Báo cáo",
    "Tờ trình",
    "Chỉ thị",
    "Quy chế",
    "Bộ luật",
    "Đề án",
    "Dự án",
    "Luật",
];

/// Folded lower-case form of a type name (`"Kế hoạch"` → `"ke hoach"`).
pub(crate) fn folded_name(name: &str) -> String {
    fold_lower(name)
}

/// The canonical type name whose folded form equals `folded` (lower-case, single spaces).
pub(crate) fn name_from_folded(folded: &str) -> Option<&'static str> {
    TYPE_NAMES
        .iter()
        .copied()
        .find(|n| folded_name(n) == folded)
}

/// The type name for an abbreviation in a symbol, given the system when known.
///
/// ```ignore
/// assert_eq!(name_for_code("QĐ", None), Some("Quyết định"));
/// ```
pub(crate) fn name_for_code(code: &str, party: Option<bool>) -> Option<&'static str> {
    let want = |s: Sys| {
        matches!(
            (party, s),
            (_, Sys::Both) | (None, _) | (Some(true), Sys::Party) | (Some(false), Sys::State)
        )
    };
    TYPES
        .iter()
        .find(|(_, c, s)| *c == code && want(*s))
        .or_else(|| TYPES.iter().find(|(_, c, _)| *c == code))
        .map(|(n, _, _)| *n)
}

/// Characters OCR produces for `Đ`.
fn d_like(c: char) -> bool {
    matches!(c, 'Đ' | 'đ' | 'D' | 'd' | 'Ð' | 'b' | 'P' | 'p')
}

/// Matches a printed segment against a known abbreviation, tolerating OCR's `QD`/`Qb`/`QP` for
/// `QĐ` and case slips (`Ctr` for `CTr`). Returns the canonical spelling.
pub(crate) fn canon_code(seg: &str) -> Option<&'static str> {
    if let Some((_, c, _)) = TYPES.iter().find(|(_, c, _)| *c == seg) {
        return Some(c);
    }
    let low = seg.to_lowercase();
    if let Some((_, c, _)) = TYPES.iter().find(|(_, c, _)| c.to_lowercase() == low) {
        return Some(c);
    }
    let a: Vec<char> = seg.chars().collect();
    TYPES
        .iter()
        .find(|(_, code, _)| {
            let b: Vec<char> = code.chars().collect();
            a.len() == b.len()
                && code.contains('Đ')
                && a.iter().zip(b.iter()).all(|(x, y)| {
                    if *y == 'Đ' {
                        d_like(*x)
                    } else {
                        x.to_lowercase().eq(y.to_lowercase())
                    }
                })
        })
        .map(|(_, c, _)| *c)
}

/// Agency abbreviations that contain `Đ`, from the abbreviation lists of the two standards.
/// Used only for text that lost its diacritics, where `DU` can only be `ĐU`.
const D_AGENCIES: &[&str] = &[
    "ĐU", "HĐND", "BCĐ", "BGDĐT", "GDĐT", "ĐTN", "ĐĐBQH", "BCĐTW", "ĐCT", "VPĐU", "BTCĐU",
    "UBKTĐU", "ĐTNCS", "HĐQT", "HĐTĐKT", "TĐKT",
];

fn restore_agency(seg: &str) -> Option<&'static str> {
    D_AGENCIES.iter().copied().find(|a| {
        let b: Vec<char> = a.chars().collect();
        let s: Vec<char> = seg.chars().collect();
        s.len() == b.len()
            && s.iter().zip(b.iter()).all(|(x, y)| {
                if *y == 'Đ' {
                    d_like(*x)
                } else {
                    x.eq_ignore_ascii_case(y)
                }
            })
    })
}

/// A number + symbol found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefMatch {
    /// Normalised: no spaces, `–` → `-`, known codes spelled canonically.
    pub reference: String,
    /// The leading number as printed.
    pub number: String,
    /// The type abbreviation inside the symbol, if any.
    pub code: Option<String>,
    /// `Some(true)` for the Party shape (`42-BC/...`), `Some(false)` for the State shape.
    pub party_shape: Option<bool>,
    /// Byte range of the match in the searched text.
    pub start: usize,
    pub end: usize,
}

static REF_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<num>\d{1,5}(?:\.\d{1,2})?)
        (?:[\ \t]*/[\ \t]*(?P<year>(?:19|20)\d{2}))?
        [\ \t]*(?P<sep>[-/–])\s*
        (?P<seg1>\p{Lu}[\p{L}\d]{0,14})
        # a unit numbered after a dot (`VPCP-V.I`, Vụ I) is part of its segment
        (?P<tail>(?:[\ \t]*[-/–]\s*[\p{Lu}\d][\p{L}\d]{0,14}(?:\.[\p{Lu}\d]{1,3}\b|&\p{Lu}[\p{L}\d]{0,6})?){0,4})",
    )
    .expect("valid reference regex")
});

static SEP_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*([-/–])\s*").expect("valid separator regex"));

/// Finds every number + symbol in `text`.
///
/// ```ignore
/// let r = find_refs("theo Kế hoạch số 265-\nKH/TU ngày 24/4/2025", false);
/// assert_eq!(r[0].reference, "265-KH/TU");
/// ```
pub(crate) fn find_refs(text: &str, unaccented: bool) -> Vec<RefMatch> {
    let mut out = Vec::new();
    for caps in REF_RE.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        // No look-behind in `regex`: the number must not continue a word, a date or a code.
        if let Some(prev) = text[..m.start()].chars().next_back() {
            if prev.is_alphanumeric() || matches!(prev, '/' | '-' | '.' | ',' | '–') {
                continue;
            }
        }
        if let Some(r) = build_ref(&caps, m.start(), m.end(), unaccented) {
            out.push(r);
        }
    }
    out
}

fn build_ref(
    caps: &regex::Captures<'_>,
    start: usize,
    end: usize,
    unaccented: bool,
) -> Option<RefMatch> {
    let num = caps.name("num")?.as_str();
    let year = caps.name("year").map(|m| m.as_str());
    let sep = caps.name("sep")?.as_str();
    let seg1 = caps.name("seg1")?.as_str();
    let tail = caps.name("tail").map(|m| m.as_str()).unwrap_or("");
    // Split the tail into (separator, segment) pairs.
    let mut segs: Vec<(String, String)> = vec![(norm_sep(sep), seg1.to_string())];
    let mut rest = tail;
    while let Some(m) = SEP_RE.find(rest) {
        let sep_c = norm_sep(m.as_str());
        let after = &rest[m.end()..];
        let next = SEP_RE.find(after).map(|n| n.start()).unwrap_or(after.len());
        segs.push((sep_c, after[..next].to_string()));
        rest = &after[next..];
    }
    // A segment with a marked small letter is a word, not a code (`TT-VPCP-Hồ Chí Minh`):
    // codes write small letters only in ASCII (`TTg`, `CTr`, `QĐi`).
    if let Some(i) = segs
        .iter()
        .skip(1)
        .position(|(_, s)| s.chars().any(|c| c.is_lowercase() && !c.is_ascii()))
    {
        segs.truncate(i + 1);
    }
    // A symbol needs a type or agency part: one segment alone only after '/' in capitals
    // (`1836/TCTTKĐA`) or after a year (`36/2024/QH15`).
    if segs.len() == 1 {
        let s = &segs[0].1;
        let caps_only = s.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
        let ok = year.is_some() || (segs[0].0 == "/" && caps_only && s.chars().count() >= 2);
        if !ok {
            return None;
        }
    }
    // Every segment after the first must look like an abbreviation (capital letters/digits),
    // which keeps ordinary hyphenated words out.
    for (_, s) in segs.iter().skip(1) {
        let lowers = s.chars().filter(|c| c.is_lowercase()).count();
        if lowers > 1 {
            return None;
        }
    }
    let party_shape = if year.is_some() {
        Some(false)
    } else {
        match (segs[0].0.as_str(), segs.get(1).map(|s| s.0.as_str())) {
            ("-", Some("/")) => Some(true),
            ("/", Some("-")) | ("/", None) => Some(false),
            _ => None,
        }
    };
    // Which segment is the type code.
    let code_idx = match party_shape {
        Some(true) => Some(0),
        Some(false) if segs.len() >= 2 && canon_code(&segs[0].1).is_some() => Some(0),
        _ => None,
    };
    let mut code = None;
    for (i, (_, s)) in segs.iter_mut().enumerate() {
        if Some(i) == code_idx {
            if let Some(c) = canon_code(s) {
                // Keep the printed spelling unless it lost a Đ.
                if c.contains('Đ') && !s.contains('Đ') {
                    *s = c.to_string();
                }
                code = Some(c.to_string());
            } else {
                code = Some(s.clone());
            }
        } else if let Some(a) = restore_agency(s) {
            // Text that lost its diacritics: `DU` can only be `ĐU`. In accented (repaired)
            // text only a plain `D` is taken for a lost `Đ`: `P` is real in `GDPT`.
            if unaccented || !s.contains(['b', 'P', 'p']) {
                *s = a.to_string();
            }
        }
    }
    let mut reference = String::from(num);
    if let Some(y) = year {
        reference.push('/');
        reference.push_str(y);
    }
    for (sep, s) in &segs {
        reference.push_str(sep);
        reference.push_str(s);
    }
    Some(RefMatch {
        reference,
        number: num.to_string(),
        code,
        party_shape,
        start,
        end,
    })
}

fn norm_sep(s: &str) -> String {
    if s.contains('/') {
        "/".into()
    } else {
        "-".into()
    }
}

/// Case-insensitive, space-insensitive key used to compare references.
pub(crate) fn ref_key(r: &str) -> String {
    r.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(s: &str) -> Vec<String> {
        find_refs(s, false)
            .into_iter()
            .map(|r| r.reference)
            .collect()
    }

    #[test]
    fn party_and_state_shapes() {
        let r = find_refs("Số 42-BC/BTGDVTU và Số: 9661/UBND-VX", false);
        assert_eq!(r[0].reference, "42-BC/BTGDVTU");
        assert_eq!(r[0].code.as_deref(), Some("BC"));
        assert_eq!(r[0].party_shape, Some(true));
        assert_eq!(r[1].reference, "9661/UBND-VX");
        assert_eq!(r[1].code, None);
        assert_eq!(r[1].party_shape, Some(false));
    }

    #[test]
    fn year_in_number() {
        let r = find_refs("Nghị quyết số 54/2025/NQ-HĐND ngày", false);
        assert_eq!(r[0].reference, "54/2025/NQ-HĐND");
        assert_eq!(r[0].code.as_deref(), Some("NQ"));
        assert_eq!(refs("Luật số 36/2024/QH15 ngày"), vec!["36/2024/QH15"]);
    }

    #[test]
    fn a_unit_numbered_after_a_dot() {
        assert_eq!(refs("Số: 11554/VPCP-V.I ngày"), vec!["11554/VPCP-V.I"]);
        // a sentence's full stop is no part of the symbol
        assert_eq!(refs("số 12/BC-UBND. Ngày"), vec!["12/BC-UBND"]);
        assert_eq!(
            refs("Tờ trình số 3250/TTr-SGD&ĐT ngày"),
            vec!["3250/TTr-SGD&ĐT"]
        );
        assert_eq!(
            refs("Nghị quyết số 66.4/2025/NQ-CP ngày"),
            vec!["66.4/2025/NQ-CP"]
        );
        assert_eq!(
            refs("số 03/2025/TT-VPCP-Hồ Chí Minh"),
            vec!["03/2025/TT-VPCP"]
        );
    }

    #[test]
    fn broken_across_lines() {
        assert_eq!(
            refs("Báo cáo số 48-\n\nBC/BTGDVTU ngày"),
            vec!["48-BC/BTGDVTU"]
        );
        assert_eq!(refs("số 265-\nKH/TU trên"), vec!["265-KH/TU"]);
    }

    #[test]
    fn real_p_is_kept_in_accented_text() {
        let r = find_refs("Công văn số 4567/BGDĐT-GDPT và 03-KH/DU", false);
        let v: Vec<&str> = r.iter().map(|m| m.reference.as_str()).collect();
        assert_eq!(v, ["4567/BGDĐT-GDPT", "03-KH/ĐU"]);
    }

    #[test]
    fn ocr_slips_in_codes() {
        assert_eq!(refs("Quyết định s6 1315/Qb-TTg, ngay"), vec!["1315/QĐ-TTg"]);
        assert_eq!(refs("s6 4010-QD/TU ngay"), vec!["4010-QĐ/TU"]);
        let r: Vec<String> = find_refs("03 -KH/DU", true)
            .into_iter()
            .map(|r| r.reference)
            .collect();
        assert_eq!(r, vec!["03-KH/ĐU"]);
        // Hướng dẫn keeps its plain D.
        assert_eq!(refs("Hướng dẫn số 14-HD/BTGDVTU"), vec!["14-HD/BTGDVTU"]);
    }

    #[test]
    fn not_references() {
        assert!(refs("ngày 24/4/2025 giai đoạn 2023 - 2030, cách mạng 4.0").is_empty());
        assert!(refs("Tuần 27 - Ban Chỉ đạo").is_empty());
        assert!(refs("https://x.vn/chuyen-doi-so-637095").is_empty());
        assert_eq!(refs("1836/TCTTKĐA ngày"), vec!["1836/TCTTKĐA"]);
    }

    #[test]
    fn code_table() {
        assert_eq!(name_for_code("QĐ", None), Some("Quyết định"));
        assert_eq!(name_for_code("TT", Some(true)), Some("Thông tri"));
        assert_eq!(name_for_code("TT", Some(false)), Some("Thông tư"));
        assert_eq!(canon_code("Ctr"), Some("CTr"));
        assert_eq!(canon_code("HD"), Some("HD"));
        assert_eq!(canon_code("QD"), Some("QĐ"));
        assert_eq!(canon_code("UBND"), None);
        assert_eq!(name_from_folded("ke hoach"), Some("Kế hoạch"));
    }
}
