//! Cited documents: every number + symbol in the text (footnotes included), with the type noun
//! before `số`, the date after `ngày` and the issuer after `của`, deduplicated by reference.

use super::codes::{self, RefMatch};
use super::dates::date_at_start;
use super::text::{fold_lower, squash};
use super::{Reference, Source};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Folded, lower-cased type nouns as one alternation, longest first.
static TYPE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = codes::TYPE_NAMES
        .iter()
        .map(|n| regex::escape(&codes::folded_name(n)).replace(' ', r"\s+"))
        .collect();
    Regex::new(&format!(
        r"(?:^|[^a-z])({})\s*(?:s[o0-9a-z&$б]?\.?\s*:?)?\s*$",
        alts.join("|")
    ))
    .expect("valid type-before regex")
});

/// A law cited by name: `Luật Tổ chức chính quyền địa phương số`.
static LAW_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^a-z])(bo\s+luat|luat|phap\s+lenh)\s+[^,;.()\n]{2,70}?\s+so\s*:?\s*$")
        .expect("valid law regex")
});

/// Words (folded, lower) that end an issuer name when printed in lower case.
const STOP_WORDS: &[&str] = &[
    "ve",
    "thuc hien",
    "ban hanh",
    "cap nhat",
    "trien khai",
    "quy dinh",
    "huong dan",
    "phe duyet",
    "tren",
    "tai",
    "da",
    "den",
    "nham",
    "theo",
    "de",
    "khi",
    "voi",
    "ngay",
    "so",
    "cua",
    "la",
    "duoc",
    "co",
    "nay",
    "do",
    "gui",
    "de nghi",
    "dieu chinh",
    "bo sung",
    "kien toan",
    "thanh lap",
    "ve viec",
    "v/v",
    "trong",
    "sau",
    "truoc",
    "nhu",
    "thi",
    "ma",
    "cho",
    "tu",
    "bao cao",
    "ket luan",
    "yeu cau",
];

/// Bodies whose name includes a `về ...` clause (`Ban Chỉ đạo ... về chuyển đổi số`).
const TOPIC_BODIES: &[&str] = &[
    "ban chi dao",
    "hoi dong",
    "to cong tac",
    "uy ban quoc gia",
    "tieu ban",
    "to giup viec",
];

/// True when `tokens` start with a type noun followed by `số` (a new citation).
fn starts_type_citation(tokens: &[&str]) -> bool {
    let head: Vec<String> = tokens.iter().take(5).map(|t| fold_lower(t)).collect();
    let head = head.join(" ");
    codes::TYPE_NAMES.iter().any(|n| {
        let f = codes::folded_name(n);
        head.strip_prefix(&f).is_some_and(|rest| {
            rest.trim_start().starts_with("so ") || rest.trim_start().starts_with("so:")
        }) && tokens
            .first()
            .is_some_and(|t| t.chars().next().is_some_and(char::is_uppercase))
    })
}

/// The issuer name at the start of `s` (the text right after `của`).
pub(crate) fn issuer_at(s: &str) -> Option<String> {
    // Work on whitespace-separated words, stopping at punctuation.
    let mut words: Vec<String> = Vec::new();
    let mut topic_clause = false;
    let tokens: Vec<&str> = s.split_whitespace().take(60).collect();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i];
        // Cut the token at the first hard punctuation.
        let cut = tok
            .char_indices()
            .find(|(_, c)| matches!(c, ',' | ';' | '.' | '(' | ')' | ':' | '“' | '”' | '"'));
        let (word, punct) = match cut {
            Some((b, c)) => (&tok[..b], Some(c)),
            None => (tok, None),
        };
        let wf = fold_lower(word);
        // The next word without its punctuation: `cập nhật,` is still the verb `cập nhật`.
        let two = tokens
            .get(i + 1)
            .map(|n| {
                format!(
                    "{wf} {}",
                    fold_lower(n.trim_end_matches(|c: char| c.is_ascii_punctuation()))
                )
            })
            .unwrap_or_default();
        let lower = word.chars().next().is_some_and(|c| c.is_lowercase());
        // The next cited document starts (`của Ban Bí thư và Quy định số ...`).
        if !topic_clause && starts_type_citation(&tokens[i..]) {
            if words.last().is_some_and(|w| fold_lower(w) == "va") {
                words.pop();
            }
            break;
        }
        if !word.is_empty() && lower && !topic_clause {
            let is_stop = STOP_WORDS.contains(&wf.as_str())
                || (punct.is_none() && STOP_WORDS.contains(&two.as_str()));
            if is_stop {
                let so_far = fold_lower(&words.join(" "));
                if wf == "ve" && TOPIC_BODIES.iter().any(|b| so_far.starts_with(b)) {
                    topic_clause = true;
                    words.push(word.to_string());
                    i += 1;
                    continue;
                }
                break;
            }
        } else if topic_clause && wf == "ve" && lower {
            break;
        }
        if !word.is_empty() {
            words.push(word.to_string());
        }
        if let Some(p) = punct {
            // Commas belong to a topic clause (`khoa học, công nghệ, ...`).
            if topic_clause && p == ',' {
                if let Some(last) = words.last_mut() {
                    last.push(',');
                }
                i += 1;
                continue;
            }
            break;
        }
        if !topic_clause && words.len() >= 14 {
            break;
        }
        i += 1;
    }
    let name = words.join(" ");
    let name = name.trim_end_matches(',').trim();
    let first = name.chars().next()?;
    (first.is_uppercase() && name.chars().count() >= 3).then(|| squash(name))
}

/// The issuer printed before the type noun: `... của Bộ Giáo dục và Đào tạo tại Thông tư số`.
fn issuer_before(before: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)(?:^|[^a-z])cua\s+(.{3,90}?)\s+(?:tai|theo)\s*$").expect("regex")
    });
    let f = fold_lower(before);
    let c = RE.captures(&f)?;
    let m = c.get(1)?;
    let orig = super::text::map_range(before, &f, m.start(), m.end());
    let name = issuer_at(orig)?;
    // The whole span must be the name (no verb in between).
    (fold_lower(&name) == fold_lower(&squash(orig))).then_some(name)
}

/// One occurrence's details.
struct Occ {
    doc_type: Option<String>,
    date: Option<String>,
    date_inferred: bool,
    issuer: Option<String>,
    typed_from_code: bool,
}

fn details(text: &str, r: &RefMatch, default_year: Option<i64>, party: Option<bool>) -> Occ {
    // Type noun right before (within 80 characters).
    let lo = text[..r.start]
        .char_indices()
        .rev()
        .nth(80)
        .map(|(b, _)| b)
        .unwrap_or(0);
    let before = &text[lo..r.start];
    let fb = fold_lower(before);
    let mut typed_from_code = false;
    let mut type_start = None;
    let doc_type = match TYPE_BEFORE.captures(&fb) {
        Some(c) => {
            let m = c.get(1);
            type_start = m.map(|m| m.start());
            m.and_then(|m| codes::name_from_folded(&squash(m.as_str())))
                .map(str::to_string)
        }
        None => LAW_BEFORE.captures(&fb).and_then(|c| {
            let m = c.get(1)?;
            type_start = Some(m.start());
            codes::name_from_folded(&squash(m.as_str())).map(str::to_string)
        }),
    }
    .or_else(|| {
        typed_from_code = true;
        r.code
            .as_deref()
            .and_then(|c| codes::name_for_code(c, party.or(r.party_shape)))
            .map(str::to_string)
    });
    // Date and issuer after.
    let hi = text[r.end..]
        .char_indices()
        .nth(400)
        .map(|(b, _)| r.end + b)
        .unwrap_or(text.len());
    let after = &text[r.end..hi];
    let fa = fold_lower(after);
    let (mut date, mut date_inferred, mut pos) = (None, false, 0usize);
    if let Some(d) = date_at_start(&fa, default_year) {
        date = Some(d.iso);
        date_inferred = d.year_inferred;
        pos = d.end;
    }
    static CUA: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\s,]*c[a-z]{1,2}a\s+").expect("regex"));
    let rest_f = &fa[pos..];
    let mut issuer = None;
    if let Some(m) = CUA.find(rest_f) {
        let orig_rest = super::text::map_range(after, &fa, pos + m.end(), fa.len());
        issuer = issuer_at(orig_rest);
    }
    if issuer.is_none() {
        if let Some(ts) = type_start {
            let b = super::text::map_range(before, &fb, 0, ts);
            issuer = issuer_before(b);
        }
    }
    // A date after the issuer (`của UBND tỉnh ngày 01/02/2025`) when none came first.
    Occ {
        doc_type,
        date,
        date_inferred,
        issuer,
        typed_from_code,
    }
}

/// All cited documents in `text`, in order of first mention, except `own` (the document's own
/// number). Returns the references and, for each, where it was first seen (byte offset) and
/// extra flags.
pub(crate) fn extract_refs(
    text: &str,
    own: Option<&str>,
    unaccented: bool,
    default_year: Option<i64>,
    party: Option<bool>,
) -> Vec<(Reference, usize, Source)> {
    let own_key = own.map(codes::ref_key);
    let mut out: Vec<(Reference, usize, Source)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut found = codes::find_refs(text, unaccented);
    reconcile(&mut found, own, text);
    for r in found {
        let key = codes::ref_key(&r.reference);
        if Some(&key) == own_key.as_ref() {
            continue;
        }
        let occ = details(text, &r, default_year, party);
        match index.get(&key) {
            Some(&i) => {
                let (rf, _, src) = &mut out[i];
                if rf.date.is_none() && occ.date.is_some() {
                    rf.date = occ.date;
                    if occ.date_inferred {
                        src.flags.push("date_year_inferred".into());
                    }
                }
                if rf.issuer.is_none() {
                    rf.issuer = occ.issuer;
                }
                if src.flags.iter().any(|f| f == "type_from_code") && !occ.typed_from_code {
                    rf.doc_type = occ.doc_type;
                    src.flags.retain(|f| f != "type_from_code");
                }
            }
            None => {
                let mut src = Source::rule("reference", 0.9);
                if occ.typed_from_code {
                    src.flags.push("type_from_code".into());
                    src.confidence = 0.75;
                }
                if occ.date_inferred {
                    src.flags.push("date_year_inferred".into());
                }
                index.insert(key, out.len());
                out.push((
                    Reference {
                        doc_type: occ.doc_type,
                        reference: r.reference.clone(),
                        date: occ.date,
                        issuer: occ.issuer,
                    },
                    r.start,
                    src,
                ));
            }
        }
    }
    out
}

/// A symbol taken apart: the number (with a year, `36/2024`) and its separated segments.
struct Symbol {
    number: String,
    segments: Vec<(char, String)>,
}

impl Symbol {
    fn parse(reference: &str) -> Symbol {
        let mut pieces: Vec<(char, String)> = vec![(' ', String::new())];
        for c in reference.chars() {
            match (c, pieces.last_mut()) {
                ('-' | '/', _) => pieces.push((c, String::new())),
                (_, Some((_, piece))) => piece.push(c),
                (_, None) => {}
            }
        }
        let (_, mut number) = pieces.remove(0);
        // `36/2024/QH15`: a year right after the number belongs to it.
        if let Some(('/', year)) = pieces.first()
            && year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
        {
            number = format!("{number}/{year}");
            pieces.remove(0);
        }
        Symbol {
            number,
            segments: pieces,
        }
    }

    fn render(&self) -> String {
        let mut s = self.number.clone();
        for (sep, seg) in &self.segments {
            s.push(*sep);
            s.push_str(seg);
        }
        s
    }
}

/// Letters a symbol can hold: A–Z and Đ (any case), digits.
fn symbol_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, 'Đ' | 'đ')
}

/// Letters Tesseract's Latin models emit that no Vietnamese symbol holds (`BCŒ` for `BC`).
fn ocr_junk_letter(c: char) -> bool {
    matches!(
        c,
        'Œ' | 'œ' | 'Æ' | 'æ' | 'Ø' | 'ø' | 'ß' | 'Þ' | 'þ' | 'Ł' | 'ł'
    )
}

/// `seg` with one of two equal neighbouring letters dropped, for each such pair: OCR's LSTM
/// sometimes emits a letter twice (`QĐĐ`, `BTGDVTTU`).
fn undoubled(seg: &str) -> Vec<String> {
    let chars: Vec<char> = seg.chars().collect();
    (1..chars.len())
        .filter(|&i| chars[i] == chars[i - 1] && chars[i].is_alphabetic())
        .map(|i| {
            let mut c = chars.clone();
            c.remove(i);
            c.into_iter().collect()
        })
        .collect()
}

/// Undoes OCR slips inside symbols with what the document itself prints elsewhere:
/// lookalike and stray letters (`QĐÐ`, `BCŒ`), a doubled letter in a type code (`QĐĐ`) or in an
/// agency code the document's own number or two other citations print (`BTGDVTTU` for
/// `BTGDVTU`; a code merely one letter off is left alone: `SDTTG` and `BDTTG` are both real), or
/// such a code cut at a line end (`BTGDV` + `TU`), and a garbled type code
/// where the same number and agency are cited elsewhere with a known one (`89-Cu/TU`).
fn reconcile(found: &mut [RefMatch], own: Option<&str>, text: &str) {
    let mut symbols: Vec<Symbol> = found.iter().map(|r| Symbol::parse(&r.reference)).collect();
    let is_code = |r: &RefMatch, seg: &str| r.code.as_deref() == Some(seg);
    for (r, sym) in found.iter_mut().zip(symbols.iter_mut()) {
        for (_, seg) in sym.segments.iter_mut() {
            let was_code = is_code(r, seg);
            let cleaned: String = seg
                .chars()
                .map(|c| if c == 'Ð' { 'Đ' } else { c })
                // `V.I` (Vụ I) and `SGD&ĐT` keep their inner `.` and `&`
                .filter(|c| (c.is_alphanumeric() && !ocr_junk_letter(*c)) || matches!(c, '.' | '&'))
                .collect::<String>()
                .trim_matches(['.', '&'])
                .to_string();
            let mut fixed = if cleaned.is_empty() {
                seg.clone()
            } else {
                cleaned
            };
            if codes::canon_code(&fixed).is_none()
                && was_code
                && let Some(single) = undoubled(&fixed)
                    .into_iter()
                    .find(|s| codes::canon_code(s).is_some())
            {
                fixed = single;
            }
            if was_code {
                r.code = Some(fixed.clone());
            }
            *seg = fixed;
        }
    }
    // Agency codes the document vouches for: its own number's, and any printed twice.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (r, sym) in found.iter().zip(&symbols) {
        for (_, seg) in &sym.segments {
            if !is_code(r, seg) {
                *seen.entry(seg.clone()).or_default() += 1;
            }
        }
    }
    let mut trusted: Vec<String> = seen
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(s, _)| s)
        .collect();
    if let Some(own) = own {
        trusted.extend(Symbol::parse(own).segments.into_iter().map(|(_, s)| s));
    }
    trusted.retain(|t| t.chars().count() >= 2 && t.chars().all(symbol_char));
    for (r, sym) in found.iter_mut().zip(symbols.iter_mut()) {
        let last = sym.segments.len().saturating_sub(1);
        for (k, (_, seg)) in sym.segments.iter_mut().enumerate() {
            if is_code(r, seg) || trusted.contains(seg) || seg.chars().count() < 3 {
                continue;
            }
            if let Some(t) = undoubled(seg).into_iter().find(|s| trusted.contains(s)) {
                *seg = t;
                continue;
            }
            // Cut at a line end: the rest of the code starts the next word.
            if k == last
                && let Some(after) = text.get(r.end..)
            {
                let next = after.trim_start();
                let word: String = next.chars().take_while(|c| symbol_char(*c)).collect();
                let gap = &after[..after.len() - next.len()];
                if !word.is_empty()
                    && gap.chars().count() <= 2
                    && let Some(t) = trusted.iter().find(|t| **t == format!("{seg}{word}"))
                {
                    r.end += gap.len() + word.len();
                    *seg = t.clone();
                }
            }
        }
    }
    // A type code still unknown takes the code of the same number and agency cited elsewhere.
    let known: Vec<(String, Vec<String>, String)> = found
        .iter()
        .zip(&symbols)
        .filter_map(|(r, sym)| {
            let code = r
                .code
                .as_deref()
                .filter(|c| codes::canon_code(c).is_some())?;
            let rest = sym
                .segments
                .iter()
                .map(|(_, s)| s.clone())
                .filter(|s| s != code)
                .collect();
            Some((sym.number.clone(), rest, code.to_string()))
        })
        .collect();
    for (r, sym) in found.iter_mut().zip(symbols.iter_mut()) {
        let Some(code) = r.code.clone().filter(|c| codes::canon_code(c).is_none()) else {
            continue;
        };
        let rest: Vec<String> = sym
            .segments
            .iter()
            .map(|(_, s)| s.clone())
            .filter(|s| *s != code)
            .collect();
        if let Some((_, _, good)) = known
            .iter()
            .find(|(n, k, _)| *n == sym.number && *k == rest)
        {
            for (_, seg) in sym.segments.iter_mut() {
                if *seg == code {
                    *seg = good.clone();
                }
            }
            r.code = Some(good.clone());
        }
    }
    for (r, sym) in found.iter_mut().zip(&symbols) {
        r.reference = sym.render();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocr_slips_in_symbols_are_undone_from_the_document_itself() {
        let text = "Báo cáo số 143-BCŒ/BTGDVTU ngày 16/10/2025; Quyết định số 55-QĐÐ/TU ngày \
                    07/11/2025; Hướng dẫn số 14-HD/BTGDVTTU ngày 12/6/2025; Hướng dẫn số 14-HD/BTGDV\nTU \
                    ngày 12/6/2025; Chương trình số 89-CTr/TU; Chương trình số 89-Cu/TU.";
        let r: Vec<String> = refs_own(text, Some("42-BC/BTGDVTU"))
            .into_iter()
            .map(|r| r.reference)
            .collect();
        assert_eq!(
            r,
            vec!["143-BC/BTGDVTU", "55-QĐ/TU", "14-HD/BTGDVTU", "89-CTr/TU"]
        );
        let year = Symbol::parse("36/2024/QH15");
        assert_eq!((year.number.as_str(), year.segments.len()), ("36/2024", 1));
        assert_eq!(year.render(), "36/2024/QH15");
        assert_eq!(Symbol::parse("42-BC/BTGDVTU").segments.len(), 2);
        // A code the document never vouches for is left as printed.
        let r = refs("Công văn số 12/SGDĐT-VP ngày 01/02/2025.");
        assert_eq!(r[0].reference, "12/SGDĐT-VP");
    }

    fn refs_own(text: &str, own: Option<&str>) -> Vec<Reference> {
        extract_refs(text, own, false, Some(2025), Some(true))
            .into_iter()
            .map(|(r, _, _)| r)
            .collect()
    }

    fn refs(text: &str) -> Vec<Reference> {
        extract_refs(text, None, false, Some(2025), Some(true))
            .into_iter()
            .map(|(r, _, _)| r)
            .collect()
    }

    #[test]
    fn type_date_issuer() {
        let r = refs(
            "Thực hiện Kế hoạch số 265-KH/TU ngày 24/4/2025 của Ban Thường vụ Tỉnh\nủy về triển khai Phong trào",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].doc_type.as_deref(), Some("Kế hoạch"));
        assert_eq!(r[0].reference, "265-KH/TU");
        assert_eq!(r[0].date.as_deref(), Some("2025-04-24"));
        assert_eq!(r[0].issuer.as_deref(), Some("Ban Thường vụ Tỉnh ủy"));
    }

    #[test]
    fn merges_later_details_and_dedupes() {
        let r = refs(
            "Báo cáo số 143-BC/BTGDVTU ngày 16/10/2025 về kết quả; theo Báo cáo số 143-\nBC/BTGDVTU ngày 16/10/2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy; chủ động",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].issuer.as_deref(),
            Some("Ban Tuyên giáo và Dân vận Tỉnh ủy")
        );
    }

    #[test]
    fn committee_names_keep_their_topic() {
        let r = refs(
            "Tại Quyết định số 12-QĐ/BCĐ ngày 10/10/2025 của Ban Chỉ đạo cấp tỉnh về đột phá phát triển khoa học, công nghệ, đổi mới sáng \ntạo và chuyển đổi số về kiện toàn Tổ Giúp việc",
        );
        assert_eq!(
            r[0].issuer.as_deref(),
            Some(
                "Ban Chỉ đạo cấp tỉnh về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
            )
        );
        let r = refs("Quyết định số 03-QĐ/BCH ngày 26/4/2025của Ban Chỉ đạo.");
        assert_eq!(r[0].issuer.as_deref(), Some("Ban Chỉ đạo"));
        assert_eq!(r[0].date.as_deref(), Some("2025-04-26"));
    }

    #[test]
    fn issuer_stops_at_verbs_and_punctuation() {
        let r = refs(
            "Chương trình hành động số 89-CTr/TU, ngày\n25/02/2025 của Ban Thường vụ Thành ủy thực hiện Nghị quyết số 57-NQ/TW,\nngày 22/12/2024 của Bộ Chính trị về đột phá; (theo Quyết định số 146/QĐ-TTg, ngày 28/01/2022 của Thủ tướng Chính phủ);",
        );
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].doc_type.as_deref(), Some("Chương trình hành động"));
        assert_eq!(r[0].date.as_deref(), Some("2025-02-25"));
        assert_eq!(r[0].issuer.as_deref(), Some("Ban Thường vụ Thành ủy"));
        assert_eq!(r[1].issuer.as_deref(), Some("Bộ Chính trị"));
        assert_eq!(r[2].issuer.as_deref(), Some("Thủ tướng Chính phủ"));
    }

    #[test]
    fn issuer_before_the_type() {
        let r = refs(
            "phù hợp với quy định của Bộ Giáo dục và Đào tạo tại Thông tư số 02/2025/TT-BGDĐT, ngày 24/01/2025 về Khung",
        );
        assert_eq!(r[0].reference, "02/2025/TT-BGDĐT");
        assert_eq!(r[0].doc_type.as_deref(), Some("Thông tư"));
        assert_eq!(r[0].issuer.as_deref(), Some("Bộ Giáo dục và Đào tạo"));
        assert_eq!(r[0].date.as_deref(), Some("2025-01-24"));
    }

    #[test]
    fn own_number_excluded_and_type_from_code() {
        let v = extract_refs(
            "Số 42-BC/BTGDVTU. Béo cédo so 35-\nBC/BTGDVTU ngay 26/6/2025",
            Some("42-BC/BTGDVTU"),
            true,
            None,
            Some(true),
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].0.reference, "35-BC/BTGDVTU");
        assert_eq!(v[0].0.doc_type.as_deref(), Some("Báo cáo"));
        assert!(v[0].2.flags.contains(&"type_from_code".to_string()));
    }
}
