//! The closing of a document: the `Nơi nhận:` list and the signature block (authority line,
//! on-behalf-of line, position, name). In plain text from a two-column layout the two are
//! interleaved (`- Thường trực Tỉnh ủy (để b/c), PHÓ TRƯỞNG BAN`): the signature parts are the
//! runs of capitals at the ends of lines, which are split off here.

use super::Signer;
use super::text::{Doc, Line, fold_chars, is_acronym, is_upper_text, squash};
use regex::Regex;
use std::sync::LazyLock;

static NOI_NHAN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*n[o0][il1]\s+nh[a-z]{1,2}n\s*[:;.]?\s*(.*)$").expect("regex")
});

static AUTHORITY_RE: LazyLock<Regex> = LazyLock::new(|| {
    // Party: T/M, K/T, T/L, T/UQ (OCR may drop the T of T/M); State: TM., KT., TL., TUQ., Q.
    Regex::new(
        r"^(?:(T\s*/\s*M|/M|K\s*/\s*T|T\s*/\s*L|T\s*/\s*UQ)|(TUQ|TM|KT|TL)\s*\.?|(Q)\s*\.)\s+(.*)$",
    )
    .expect("regex")
});

/// Words (folded, upper) that mark a line in capitals as part of a signature block.
const TITLE_WORDS: &[&str] = &[
    "TRUONG", "PHO", "CHU", "TICH", "BI", "THU", "GIAM", "DOC", "THUONG", "VU", "TRUC", "BAN",
    "UY", "HOI", "DONG", "CHANH", "TONG", "TUONG", "DANG", "NHAN", "DAN", "CHAP", "HANH", "VIEN",
    "KY", "QUYEN", "CUC", "VAN", "PHONG", "HIEU", "TRUONG", "DOAN",
];

/// Normalises an authority as printed to the standard spelling.
fn norm_authority(party: &str, state: &str, q: &str) -> String {
    if !party.is_empty() {
        let p: String = party.chars().filter(|c| !c.is_whitespace()).collect();
        return if p == "/M" { "T/M".into() } else { p };
    }
    if !state.is_empty() {
        return format!("{state}.");
    }
    if !q.is_empty() {
        return "Q.".into();
    }
    String::new()
}

/// Scan specks at the ends of a closing line (`___ T/MBANTHƯỜNG VỤ _ˆ`, `. - Các ban`), and an
/// authority glued to the body it signs for (`T/MBAN` → `T/M BAN`). List dashes and the
/// punctuation ending an item are kept.
fn despeck(t: &str) -> String {
    let speck = |c: char| {
        matches!(
            c,
            '_' | 'ˆ' | '~' | '|' | '`' | '\'' | '‘' | '’' | '>' | '<' | '¡' | '˜'
        ) || c.is_whitespace()
    };
    let mut s = t.trim_matches(speck);
    // A stray `.`, `,` or `:` before the list dash or the first word.
    while let Some(rest) = s.strip_prefix(['.', ',', ':', ';']) {
        s = rest.trim_start_matches(speck);
    }
    static GLUED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(T\s*/\s*UQ|T\s*/\s*M|K\s*/\s*T|T\s*/\s*L)(\p{Lu}{2,}.*)$").expect("regex")
    });
    match GLUED.captures(s) {
        Some(c) => format!("{} {}", &c[1], &c[2]),
        None => s.to_string(),
    }
}

fn is_title_run(words: &[&str]) -> bool {
    if words.len() < 2
        && !words
            .first()
            .is_some_and(|w| AUTHORITY_RE.is_match(&format!("{w} X")))
    {
        // A single word can still be a position: `CHỦ TỊCH` is two words, `GIÁM ĐỐC` too;
        // single-word titles are rare enough to ignore here.
        return false;
    }
    let mut titled = false;
    for w in words {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.is_empty() {
            if w.contains('/') || w.ends_with('.') {
                continue;
            }
            return false;
        }
        if !is_upper_text(w) && letters.chars().count() > 1 {
            return false;
        }
        if letters.chars().count() > 1 && is_acronym(w) && !w.contains('/') {
            return false;
        }
        if w.chars()
            .any(|c| c.is_ascii_digit() || matches!(c, ',' | ';' | ':'))
        {
            return false;
        }
        let f = fold_chars(&letters).to_uppercase();
        if TITLE_WORDS.contains(&f.as_str()) {
            titled = true;
        }
    }
    titled
}

/// Splits a trailing signature fragment in capitals off a line: returns (rest, fragment).
pub(crate) fn split_signature(line: &str) -> (String, Option<String>) {
    let t = line.trim();
    if t.is_empty() {
        return (String::new(), None);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    // The whole line.
    if is_upper_text(t)
        && (is_title_run(&words) || AUTHORITY_RE.is_match(t))
        && !t.starts_with(['-', '+', '•'])
    {
        return (String::new(), Some(squash(t)));
    }
    // The longest trailing run of capitals that follows a punctuation mark.
    for k in 0..words.len() {
        let run = &words[k..];
        if run.len() < 2 || k == 0 {
            continue;
        }
        let prev = words[k - 1];
        let joined = run.join(" ");
        let after_punct = prev.ends_with([',', ';', ')', '.', ':']);
        if after_punct && (is_title_run(run) || AUTHORITY_RE.is_match(&joined)) {
            return (words[..k].join(" "), Some(joined));
        }
    }
    (t.to_string(), None)
}

/// A person's name printed under a signature: 2–6 capitalised words, letters only.
pub(crate) fn is_name_line(s: &str) -> bool {
    let t = s.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if !(2..=6).contains(&words.len()) || t.chars().count() > 45 {
        return false;
    }
    words.iter().all(|w| {
        let mut cs = w.chars();
        let Some(first) = cs.next() else { return false };
        first.is_uppercase()
            && cs.clone().count() >= 1
            && cs.all(|c| c.is_lowercase() && c.is_alphabetic())
    }) && !{
        let f = fold_chars(words[0]).to_lowercase();
        matches!(
            f.as_str(),
            "noi" | "luu" | "kinh" | "tren" | "nguoi" | "trich" | "ban" | "so"
        )
    }
}

fn is_footnote(s: &str) -> bool {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(?:\d{1,2}|['’?*])\s*\p{Lu}").expect("regex"));
    RE.is_match(s) && s.chars().count() > 30
}

fn is_noise(s: &str) -> bool {
    let f = fold_chars(s).to_lowercase();
    f.contains("da ky") || f.contains("ky ten") || f.contains("dong dau") || f.contains("(ky")
}

/// Removes footnote markers attached to words (`tỉnh1`, `Ban Chỉ đạo3`, OCR `tinh'`).
fn strip_footnote_marks(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if prev_lower && (c.is_ascii_digit() || matches!(c, '\'' | '’' | '?' | '¹' | '²' | '³'))
        {
            // Up to two digits/marks followed by a word end.
            let mut j = i;
            while j < chars.len()
                && j < i + 2
                && (chars[j].is_ascii_digit()
                    || matches!(chars[j], '\'' | '’' | '?' | '¹' | '²' | '³'))
            {
                j += 1;
            }
            let end_ok = j == chars.len()
                || chars[j].is_whitespace()
                || matches!(chars[j], ',' | ';' | '.' | ')' | '(');
            if end_ok {
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Marks that start a list item: the dash of the format rules and other bullets, and what OCR of
/// a noisy scan makes of a dash (`~`, `_`, `=`, `¬`, a backquote).
const ITEM_MARKS: [char; 11] = ['-', '–', '+', '•', '*', '~', '_', '=', '¬', '`', '·'];

/// True when a line of the list starts a new item: a run of at most three item marks followed by
/// a space or a letter (`- Lưu`, `~ TT Đảng ủy`, `_=TT`), not a word.
fn starts_item(line: &str) -> bool {
    let marks = line
        .chars()
        .take_while(|c| ITEM_MARKS.contains(c) || *c == ' ');
    let count = marks.clone().filter(|c| *c != ' ').count();
    let rest = line.trim_start_matches(|c: char| ITEM_MARKS.contains(&c) || c == ' ');
    (1..=3).contains(&count) && rest.chars().next().is_some_and(char::is_alphanumeric)
}

fn clean_item(s: &str) -> String {
    let s = s
        .trim()
        .trim_start_matches(|c: char| ITEM_MARKS.contains(&c) || c == ' ')
        .trim();
    let s = strip_footnote_marks(s);
    let s = squash(&s);
    s.trim_end_matches([',', ';', '.', ' ']).to_string()
}

/// Result of the closing analysis; indexes are into `Doc::lines`.
#[derive(Debug, Default)]
pub(crate) struct Closing {
    pub recipients: Vec<(usize, String)>,
    pub signers: Vec<(Signer, Vec<usize>)>,
    pub noi_nhan: Option<usize>,
}

/// Finds the recipients list and the signature block in `lines[seg_start..seg_end]`.
/// `body_start` bounds the backward search for a signature above `Nơi nhận:`.
pub(crate) fn parse(doc: &Doc, seg_start: usize, seg_end: usize, body_start: usize) -> Closing {
    let lines: &[Line] = &doc.lines[seg_start..seg_end];
    let mut c = Closing::default();
    // Fragments of the signature block in order: (line index, text).
    let mut frags: Vec<(usize, String)> = Vec::new();
    let mut name: Option<(usize, String)> = None;
    let nn = lines.iter().rposition(|l| NOI_NHAN_RE.is_match(&l.folded));
    let min_start = body_start.saturating_sub(seg_start);

    if let Some(nn) = nn {
        c.noi_nhan = Some(seg_start + nn);
        // Signature lines just above `Nơi nhận:` (blank lines and lines in capitals).
        let mut k = nn;
        let mut above: Vec<(usize, String)> = Vec::new();
        while k > min_start && nn - k < 8 {
            k -= 1;
            let cleaned = despeck(&lines[k].text);
            let t = cleaned.as_str();
            if t.is_empty() || is_noise(t) {
                continue;
            }
            let (rest, frag) = split_signature(t);
            match frag {
                Some(f) if rest.is_empty() => above.push((seg_start + k, f)),
                _ => {
                    if is_name_line(t) && name.is_none() {
                        name = Some((seg_start + k, t.to_string()));
                        continue;
                    }
                    break;
                }
            }
        }
        above.reverse();
        frags.extend(above);

        // The list.
        let first = NOI_NHAN_RE
            .captures(&lines[nn].folded)
            .and_then(|m| m.get(1))
            .map(|m| {
                super::text::map_range(&lines[nn].text, &lines[nn].folded, m.start(), m.end())
                    .to_string()
            })
            .unwrap_or_default();
        let mut items: Vec<(usize, String)> = Vec::new();
        let mut open = false;
        let mut ended = false;
        let mut ended_by_signature = false;
        let name_above = name.is_some();
        let mut i = nn;
        let mut pending = Some(first);
        loop {
            let (idx, raw) = match pending.take() {
                Some(f) => (nn, f),
                None => {
                    i += 1;
                    if i >= lines.len() {
                        break;
                    }
                    (i, lines[i].text.clone())
                }
            };
            // A name under the list closes the signature block: what follows is an annex or
            // another page.
            if name.is_some() && !name_above {
                break;
            }
            let cleaned = despeck(&raw);
            // despeck drops what OCR made of a dash (`~`, `_`): whether the line began an item
            // is read before it.
            let marked = starts_item(raw.trim());
            let t = cleaned.as_str();
            if t.is_empty() {
                continue;
            }
            if is_footnote(t) && (ended || !open) {
                break;
            }
            if is_noise(t) {
                continue;
            }
            let (rest, frag) = split_signature(t);
            let whole_line_frag = frag.is_some() && rest.trim().is_empty();
            if let Some(f) = frag {
                frags.push((seg_start + idx, f));
            }
            let rest = rest.trim();
            if rest.is_empty() {
                // A signature line of its own after the items closes the list: the name
                // under it is no item's continuation (`- Lưu: VT, V.I (3), Thiện` / `KT. BỘ
                // TRƯỞNG` / `PHÓ CHỦ NHIỆM` / `Trịnh Mạnh Linh`).
                if whole_line_frag && !items.is_empty() && !marked && !ended {
                    ended = true;
                    ended_by_signature = true;
                }
                continue;
            }
            // Two columns read row by row put the block between items: an item after it,
            // before any name, reopens the list.
            if ended && ended_by_signature && name.is_none() && (marked || starts_item(rest)) {
                ended = false;
                ended_by_signature = false;
            }
            if ended {
                if is_name_line(rest) && name.is_none() {
                    name = Some((seg_start + idx, rest.to_string()));
                    continue;
                }
                if name.is_some() {
                    break;
                }
                continue;
            }
            if marked || starts_item(rest) {
                items.push((seg_start + idx, rest.to_string()));
                open = !rest.ends_with([',', ';', '.']);
            } else if open && !items.is_empty() {
                if let Some(last) = items.last_mut() {
                    last.1 = format!("{} {}", last.1, rest);
                }
                open = !rest.ends_with([',', ';', '.']);
            } else if items.is_empty() && !is_name_line(rest) {
                // `Nơi nhận: Như trên;` without dashes.
                items.push((seg_start + idx, rest.to_string()));
                open = !rest.ends_with([',', ';', '.']);
            } else {
                ended = true;
                if is_name_line(rest) && name.is_none() {
                    name = Some((seg_start + idx, rest.to_string()));
                }
                continue;
            }
            let last_f = items
                .last()
                .map(|(_, s)| fold_chars(clean_item(s).as_str()).to_lowercase())
                .unwrap_or_default();
            if !open && last_f.starts_with("luu") {
                ended = true;
            }
        }
        c.recipients = items
            .into_iter()
            .map(|(k, s)| (k, clean_item(&s)))
            .filter(|(_, s)| !s.is_empty())
            .collect();
    } else {
        // No list: the signature block is the last lines in capitals before the end.
        let lo = lines.len().saturating_sub(25).max(min_start);
        let mut start = None;
        for k in (lo..lines.len()).rev() {
            let t = lines[k].text.trim();
            if AUTHORITY_RE.is_match(t) && is_upper_text(t) {
                start = Some(k);
                break;
            }
        }
        if start.is_none() {
            for k in (lo..lines.len()).rev() {
                let t = lines[k].text.trim();
                if is_upper_text(t)
                    && split_signature(t).1.is_some()
                    && t.split_whitespace().count() <= 8
                {
                    start = Some(k);
                    // Include a line in capitals just above (on-behalf-of).
                    if k > lo
                        && is_upper_text(lines[k - 1].text.trim())
                        && split_signature(lines[k - 1].text.trim()).1.is_some()
                    {
                        start = Some(k - 1);
                    }
                    break;
                }
            }
        }
        if let Some(s) = start {
            for (k, l) in lines.iter().enumerate().skip(s).take(12) {
                let t = l.text.trim();
                if t.is_empty() || is_noise(t) {
                    continue;
                }
                if is_footnote(t) {
                    break;
                }
                let (rest, frag) = split_signature(t);
                if let Some(f) = frag {
                    if rest.is_empty() {
                        frags.push((seg_start + k, f));
                        continue;
                    }
                }
                if is_name_line(t) {
                    name = Some((seg_start + k, t.to_string()));
                    break;
                }
            }
        }
    }

    if let Some(s) = build_signer(&frags, name) {
        c.signers.push(s);
    }
    c
}

/// Whether a title line in capitals goes on in the next line: it ends with a comma or a
/// joining word (`PHÓ TRƯỞNG BAN CHÍNH SÁCH,` / `THUẾ QUỐC TẾ`).
fn continues_title(line: &str) -> bool {
    let t = line.trim();
    let last = t
        .split_whitespace()
        .last()
        .map(|w| fold_chars(w).to_uppercase())
        .unwrap_or_default();
    t.ends_with([',', '-', '–']) || matches!(last.as_str(), "VA" | "VE" | "CUA" | "VA," | "THUOC")
}

fn build_signer(
    frags: &[(usize, String)],
    name: Option<(usize, String)>,
) -> Option<(Signer, Vec<usize>)> {
    if frags.is_empty() && name.is_none() {
        return None;
    }
    let mut s = Signer::default();
    let mut lines = Vec::new();
    let mut it = frags.iter().peekable();
    // Find the authority line (skip stray capitals before it).
    let start = frags.iter().position(|(_, f)| AUTHORITY_RE.is_match(f));
    if let Some(p) = start {
        for _ in 0..p {
            it.next();
        }
        if let Some((li, f)) = it.next() {
            if let Some(c) = AUTHORITY_RE.captures(f) {
                let party = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let state = c.get(2).map(|m| m.as_str()).unwrap_or("");
                let q = c.get(3).map(|m| m.as_str()).unwrap_or("");
                s.authority = Some(norm_authority(party, state, q));
                let rest = c.get(4).map(|m| m.as_str().trim()).unwrap_or("");
                lines.push(*li);
                if !rest.is_empty() {
                    s.on_behalf_of = Some(squash(rest));
                } else if let Some((li2, f2)) = it.next() {
                    s.on_behalf_of = Some(f2.clone());
                    lines.push(*li2);
                }
            }
        }
    }
    // The position is the title line just above the name (SCHEMA.md): in a stacked block
    // (`TM. ỦY BAN NHÂN DÂN` / `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`) the inner `KT.` line is dropped,
    // and it is the position only when no other title line follows it. A title wrapped over
    // two lines (`PHÓ TRƯỞNG BAN CHÍNH SÁCH,` / `THUẾ QUỐC TẾ`) is joined.
    let titles: Vec<&(usize, String)> = it.collect();
    if let Some(&(li, last)) = titles.last() {
        let mut position = last.clone();
        let mut used = vec![*li];
        if let [.., (pli, prev), _] = titles.as_slice() {
            if continues_title(prev) && !AUTHORITY_RE.is_match(prev) {
                position = format!("{prev} {position}");
                used.insert(0, *pli);
            }
        }
        s.position = Some(squash(&position));
        lines.extend(used);
    }
    if let Some((li, n)) = name {
        s.name = Some(squash(&n));
        lines.push(li);
    }
    Some((s, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Closing {
        let d = Doc::new(s);
        parse(&d, 0, d.lines.len(), 0)
    }

    #[test]
    fn interleaved_two_columns() {
        let c = run(
            "đề ra.\n\nNơi nhận: K/T TRƯỞNG BAN\n\n- Ban Tuyên giáo và Dân vận Trung ương (để b/c), PHÓ TRƯỞNG BAN\n\n- Thường trực Tỉnh ủy (để b/c),\n\n- Ban Chỉ đạo cấp tỉnh1 (để b/c),\n\n- Các ban, sở, ngành; MTTQ, các tổ chức\nchính trị - xã hội cấp tỉnh2,\n\n- Lưu VP.\n\nNguyễn Ngọc Túy\n\n1 Ban Chỉ đạo cấp tỉnh về đột phá phát triển khoa học, công nghệ tại Quyết định\nsố 4010-QĐ/TU ngày 29/4/2025.",
        );
        let r: Vec<&str> = c.recipients.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            r,
            vec![
                "Ban Tuyên giáo và Dân vận Trung ương (để b/c)",
                "Thường trực Tỉnh ủy (để b/c)",
                "Ban Chỉ đạo cấp tỉnh (để b/c)",
                "Các ban, sở, ngành; MTTQ, các tổ chức chính trị - xã hội cấp tỉnh",
                "Lưu VP",
            ]
        );
        let s = &c.signers[0].0;
        assert_eq!(s.authority.as_deref(), Some("K/T"));
        assert_eq!(s.on_behalf_of.as_deref(), Some("TRƯỞNG BAN"));
        assert_eq!(s.position.as_deref(), Some("PHÓ TRƯỞNG BAN"));
        assert_eq!(s.name.as_deref(), Some("Nguyễn Ngọc Túy"));
    }

    #[test]
    fn signature_above_list_without_name() {
        let c = run(
            "nghiêm túc triển khai thực hiện./.\n\nT/M BAN THƯỜNG VỤ\n\nNơi nhận:\n\n- Ban Tuyên giáo và Dân vận Thành ủy (để b/c),\n\n- Lưu: Ban Xây dựng Đảng, Văn phòng Đảng ủy.",
        );
        assert_eq!(c.recipients.len(), 2);
        assert_eq!(
            c.recipients[1].1,
            "Lưu: Ban Xây dựng Đảng, Văn phòng Đảng ủy"
        );
        let s = &c.signers[0].0;
        assert_eq!(s.authority.as_deref(), Some("T/M"));
        assert_eq!(s.on_behalf_of.as_deref(), Some("BAN THƯỜNG VỤ"));
        assert_eq!(s.position, None);
        assert_eq!(s.name, None);
    }

    #[test]
    fn dashes_misread_by_ocr_still_start_items() {
        let c = run(
            "Nơi nhận:\n- Sở Nội vụ;\n~ Văn phòng UBND tỉnh;\n_=TT HĐND xã;\n__ ¬ Các phòng, ban;\n~- Lưu: VT.",
        );
        let r: Vec<&str> = c.recipients.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            r,
            vec![
                "Sở Nội vụ",
                "Văn phòng UBND tỉnh",
                "TT HĐND xã",
                "Các phòng, ban",
                "Lưu: VT"
            ]
        );
        assert!(!starts_item("------ bảng"));
        assert!(!starts_item("Ủy ban"));
        assert!(starts_item("-Lưu"));
    }

    #[test]
    fn state_block_after_list() {
        let c = run(
            "Nơi nhận:\n- Như trên;\n- Chủ tịch, các PCT UBND tỉnh;\n- Lưu: VT, VX.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n(Đã ký)\n\nĐầu Thanh Tùng",
        );
        let r: Vec<&str> = c.recipients.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            r,
            vec!["Như trên", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, VX"]
        );
        let s = &c.signers[0].0;
        assert_eq!(s.authority.as_deref(), Some("KT."));
        assert_eq!(s.on_behalf_of.as_deref(), Some("CHỦ TỊCH"));
        assert_eq!(s.position.as_deref(), Some("PHÓ CHỦ TỊCH"));
        assert_eq!(s.name.as_deref(), Some("Đầu Thanh Tùng"));
    }

    #[test]
    fn stacked_blocks_take_the_title_above_the_name() {
        let c = run(
            "Nơi nhận:\n- Như trên;\n- Lưu: VT, CS.\nTL. CỤC TRƯỞNG\nKT. TRƯỞNG BAN CHÍNH SÁCH, THUẾ QUỐC TẾ\nPHÓ TRƯỞNG BAN\nPhạm Thị Minh Hiền",
        );
        let s = &c.signers[0].0;
        assert_eq!(s.authority.as_deref(), Some("TL."));
        assert_eq!(s.on_behalf_of.as_deref(), Some("CỤC TRƯỞNG"));
        assert_eq!(s.position.as_deref(), Some("PHÓ TRƯỞNG BAN"));
        assert_eq!(s.name.as_deref(), Some("Phạm Thị Minh Hiền"));
        // the inner KT. line is the position when no other title follows it
        let c = run("Nơi nhận:\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nNguyễn Văn An");
        assert_eq!(c.signers[0].0.position.as_deref(), Some("KT. CHỦ TỊCH"));
        // no authority: the title line just above the name
        let c = run("Nơi nhận:\n- Lưu: VT.\nTRƯỞNG BAN\nPHÓ THỦ TƯỚNG\nNguyễn Văn An");
        assert_eq!(c.signers[0].0.authority, None);
        assert_eq!(c.signers[0].0.position.as_deref(), Some("PHÓ THỦ TƯỚNG"));
    }

    #[test]
    fn a_name_under_the_block_is_not_an_item() {
        let c = run(
            "Nơi nhận:\n- Như trên;\n- Lưu: VT, V.I (3), Thiện\nKT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\nTrịnh Mạnh Linh",
        );
        let r: Vec<&str> = c.recipients.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(r, vec!["Như trên", "Lưu: VT, V.I (3), Thiện"]);
        assert_eq!(c.signers[0].0.name.as_deref(), Some("Trịnh Mạnh Linh"));
    }

    #[test]
    fn direct_signer_without_authority() {
        let c =
            run("Trân trọng./.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nGIÁM ĐỐC\n\nNguyễn Văn An");
        let s = &c.signers[0].0;
        assert_eq!(s.authority, None);
        assert_eq!(s.position.as_deref(), Some("GIÁM ĐỐC"));
        assert_eq!(s.name.as_deref(), Some("Nguyễn Văn An"));
    }

    #[test]
    fn specks_and_glued_authority() {
        assert_eq!(despeck("___ T/MBANTHƯỜNG VỤ _ˆ"), "T/M BANTHƯỜNG VỤ");
        assert_eq!(despeck(". - Các ban, Văn phòng,"), "- Các ban, Văn phòng,");
        assert_eq!(despeck("- Như trên;"), "- Như trên;");
    }

    #[test]
    fn ocr_authority_and_markers() {
        assert_eq!(
            split_signature("- Ban Tuyén gido va Dan véan Trung uong (dé b/c), HO TRUONG BAN")
                .1
                .as_deref(),
            Some("HO TRUONG BAN")
        );
        assert_eq!(split_signature("- Lưu: VT, VHXH.").1, None);
        assert_eq!(
            clean_item("- Tổ Giúp việc Ban Chỉ đạo3,"),
            "Tổ Giúp việc Ban Chỉ đạo"
        );
        assert_eq!(
            clean_item("- Ban Chi dao cép tinh' (dé b/c),"),
            "Ban Chi dao cép tinh (dé b/c)"
        );
        assert!(is_name_line("Nguyễn Ngọc Túy"));
        assert!(!is_name_line("Lưu VP."));
        assert!(!is_name_line("Nơi nhận:"));
    }
}
