//! The document's own identity, from its header and opening: system (Party/State), type heading,
//! number + symbol, issuing body and its parent, place and date, title (trích yếu, or `V/v` for a
//! công văn), `Kính gửi:` addressees and the reporting period.

use super::codes;
use super::dates::{self, Period};
use super::text::{self, Doc, Line, fold_lower, is_upper_text, org_case, squash};
use regex::Regex;
use std::sync::LazyLock;

/// What the header yields, with line indexes (into `Doc::lines`) for evidence.
#[derive(Debug, Default)]
pub(crate) struct Header {
    pub party_header: Option<usize>,
    pub state_header: Option<usize>,
    /// (index, canonical name, rest of the heading line)
    pub heading: Option<(usize, &'static str, String)>,
    pub reference: Option<(usize, codes::RefMatch)>,
    pub issuer: Option<(usize, String)>,
    pub parent: Option<(usize, String)>,
    pub place: Option<(usize, String)>,
    pub date: Option<(usize, String)>,
    pub title: Option<(usize, usize, String)>,
    pub vv: bool,
    pub addressees: Vec<(usize, String)>,
    pub period: Option<(usize, Period)>,
    /// The enacting authority's line in capitals under a decision's title (`BỘ TRƯỞNG BỘ …`).
    pub enacting: Option<(usize, String)>,
    /// First line of the body (after title / addressees).
    pub body_start: usize,
}

pub(crate) static PARTY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[DPĐ]{1,2}ANG\s+C[O0]NG\s+S[A-Z]N\s+VI[E]T\s+NAM\b").expect("regex")
});
pub(crate) static STATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bC[O0]NG\s+H[O0]A\s+X[A-Z]\s+H[O0]I\s+CH[UI]\s+NGH[I1]A(?:\s+VI[E]T\s+NAM)?\b",
    )
    .expect("regex")
});
static MOTTO_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b[DĐP][O0]C\s+L[A-Z]P\s*[-–—]?\s*T[UƯ]\s+D[O0]\s*[-–—]?\s*H[A-Z]NH\s+PH[UÚ]C\b",
    )
    .expect("regex")
});
static NUMBER_RE: LazyLock<Regex> = LazyLock::new(|| {
    // `Số`, `Số:`, and OCR's `S6`, `Sб`, `s0`, `S8`, `Sé` before the number (on folded text).
    Regex::new(r"(?i)(?:^|[^\p{L}\d])s(?:o|[0-9бb&$ed]|)\s*[:.;]?\s*\d").expect("regex")
});
static VV_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\W*V\s*[/lI1|]\s*[vV]\s*[:.]?\s*(.*)$").expect("regex"));
static KINH_GUI_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\W*k[i1l]nh\s+g[a-z]{1,2}i\s*:?\s*(.*)$").expect("regex"));
/// The line that opens a công điện's addressees (`THỦ TƯỚNG CHÍNH PHỦ điện:`).
static CONG_DIEN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s(?:điện|dien)\s*:\s*$").expect("regex"));
static OPENER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:Căn cứ|Thực hiện|Kính gửi|Theo|Trên cơ sở|Để|Ngày|Hôm nay|Thi hành|Nhằm|Sau khi|Xét|Qua|Vừa qua|Trong|Nay|Điều|Chương|Phần|Can cu|Thuc hien|Kinh gui|Xet)\b",
    )
    .expect("regex")
});
static SECTION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[IVXL]+|\d{1,2}|[a-zđ])[.)]\s+\S").expect("regex"));

/// Whether the text of its line before byte `at` holds lower-case words: running text, not
/// a header.
fn follows_running_text(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    text[line_start..at]
        .split_whitespace()
        .any(|w| w.chars().filter(|c| c.is_lowercase()).count() >= 2)
}

/// A line of running text: five words or more, most of them in lower case.
fn is_running_text(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let lower = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    words.len() >= 5 && lower * 2 > words.len()
}

/// Canonical type name if `line` is a type heading (`BÁO CÁO`, `KẾ HOẠCH`, `THÔNG BÁO KẾT LUẬN
/// ...`), with the rest of the line after the type name.
pub(crate) fn heading_type(line: &str) -> Option<(&'static str, String)> {
    let t = line.trim();
    if t.is_empty() {
        return None;
    }
    let cleaned;
    let t = if is_upper_text(t) {
        t
    } else {
        cleaned = strip_scan_noise(t)?;
        cleaned.as_str()
    };
    let f = fold_lower(t);
    let f = squash(&f);
    for name in codes::TYPE_NAMES {
        let n = codes::folded_name(name);
        if f == n || f.starts_with(&format!("{n} ")) {
            let words = n.split(' ').count();
            let rest: Vec<&str> = t.split_whitespace().skip(words).collect();
            // A heading is short; a sentence in capitals that happens to start with a type
            // noun is not.
            if rest.len() > 12 {
                return None;
            }
            let name = if *name == "Văn bản" {
                return None;
            } else {
                *name
            };
            return Some((name, rest.join(" ")));
        }
    }
    None
}

/// The run of words in capitals of a line that a poor scan framed with specks read as short
/// fragments (`St nộ KẾ HOẠCH _` → `KẾ HOẠCH`); `None` when the rest is more than noise.
fn strip_scan_noise(t: &str) -> Option<String> {
    // A numbered line (`1. KẾ HOẠCH`) is a section, not a framed heading.
    if t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let words: Vec<&str> = t
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let upper = |w: &&str| w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && is_upper_text(w);
    let mut best = (0, 0);
    let mut i = 0;
    while i < words.len() {
        if upper(&words[i]) {
            let j = (i..words.len())
                .find(|&j| !upper(&words[j]))
                .unwrap_or(words.len());
            if j - i > best.1 - best.0 {
                best = (i, j);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let (a, b) = best;
    let noise: Vec<&&str> = words[..a].iter().chain(&words[b..]).collect();
    let short = noise
        .iter()
        .all(|w| w.chars().filter(|c| c.is_alphabetic()).count() <= 3);
    (b > a && noise.len() <= 3 && short).then(|| words[a..b].join(" "))
}

/// A line holding the document's own `Số …` number + symbol.
pub(crate) fn is_number_line(line: &str) -> bool {
    let folded = text::fold_chars(line);
    NUMBER_RE.find_iter(&folded).any(|m| {
        let digit_b = m.end() - 1;
        let from = text::char_to_byte(line, text::byte_to_char(&folded, digit_b));
        codes::find_refs(&line[from..], false)
            .first()
            .is_some_and(|r| r.start == 0)
    })
}

fn is_separator(s: &str) -> bool {
    let t = s.trim();
    t.len() >= 3
        && t.chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '*' | '.' | '–' | '—' | ' '))
}

/// Removes the national header, motto, date part and number part from a header line, leaving
/// the issuer text printed in the left column (if any).
fn strip_header_parts(line: &str) -> String {
    let mut s = line.to_string();
    let cut = |s: &mut String, re: &Regex, to_end: bool| {
        let f = text::fold_chars(s);
        if let Some(m) = re.find(&f) {
            let cs = text::byte_to_char(&f, m.start());
            let ce = text::byte_to_char(&f, m.end());
            let bs = text::char_to_byte(s, cs);
            let be = if to_end {
                s.len()
            } else {
                text::char_to_byte(s, ce)
            };
            s.replace_range(bs..be, " ");
        }
    };
    cut(&mut s, &PARTY_RE, false);
    cut(&mut s, &STATE_RE, false);
    cut(&mut s, &MOTTO_RE, false);
    // The date part: from the place before ", ngày" to the end.
    {
        let f = text::fold_chars(&s);
        static DATE_START: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i),?\s*ng[a-z]{1,2}y\s+(?:\d|\.{2,}|…)").expect("regex")
        });
        if let Some(m) = DATE_START.find(&f) {
            let before = text::map_range(&s, &f, 0, m.start()).to_string();
            // Drop the place words (title case) just before the comma.
            let mut words: Vec<&str> = before.split_whitespace().collect();
            let mut dropped = 0;
            while let Some(w) = words.last() {
                let first_up = w.chars().next().is_some_and(|c| c.is_uppercase());
                let all_up =
                    w.chars().filter(|c| c.is_alphabetic()).count() > 1 && is_upper_text(w);
                if !first_up || all_up || dropped >= 5 {
                    break;
                }
                words.pop();
                dropped += 1;
            }
            s = words.join(" ");
        }
    }
    // The number part.
    {
        let f = text::fold_chars(&s);
        if let Some(m) = NUMBER_RE.find(&f) {
            let bs = text::char_to_byte(&s, text::byte_to_char(&f, m.start()));
            s.truncate(bs);
        }
    }
    // Scan specks read as quotes, tildes, modifier letters (`ˆ`); none belongs in a name.
    let s: String = s
        .chars()
        .map(|c| {
            let speck = matches!(
                c,
                '*' | '~' | '_' | '|' | '\'' | '`' | '‘' | '’' | '"' | '“' | '”'
            ) || (c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase());
            if speck { ' ' } else { c }
        })
        .collect();
    let s = super::lexicon::drop_leading_noise(&squash(&s));
    let s = squash(&s);
    s.trim_matches(|c: char| !c.is_alphanumeric() && c != ')' && c != '.')
        .trim_end_matches('.')
        .to_string()
}

fn starts_with_admin_unit(s: &str) -> bool {
    let fu: Vec<String> = s
        .split_whitespace()
        .map(|w| text::fold_chars(w).to_uppercase())
        .collect();
    text::admin_unit_at(&fu, 0).is_some()
}

fn has_admin_unit(s: &str) -> bool {
    let fu: Vec<String> = s
        .split_whitespace()
        .map(|w| text::fold_chars(w).to_uppercase())
        .collect();
    (0..fu.len()).any(|i| text::admin_unit_at(&fu, i).is_some())
        || fu.iter().any(|w| w == "TW" || w == "TRUNG")
        || fu.windows(2).any(|w| {
            w[1] == "UY" && matches!(w[0].as_str(), "TINH" | "THANH" | "HUYEN" | "QUAN" | "DANG")
        })
}

/// The organisation lines of a header (left column), in capitals, with the national header,
/// motto, date and number parts removed and wrapped names (`ỦY BAN NHÂN DÂN` / `TỈNH THANH HÓA`)
/// joined. The last is the issuer, the one before it the parent.
pub(crate) fn header_orgs(items: &[(usize, &str)]) -> Vec<(usize, String)> {
    let mut cands: Vec<(usize, String)> = Vec::new();
    for (i, t) in items {
        if is_separator(t) || t.trim().is_empty() {
            continue;
        }
        let rest = strip_header_parts(t);
        if rest.chars().filter(|c| c.is_alphabetic()).count() < 2 || !is_upper_text(&rest) {
            continue;
        }
        // A symbol (`4762/CAT-PC03`) names no body.
        if rest.contains('/') || rest.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Some(prev) = cands.last_mut() {
            // A name wrapped mid-phrase (`BỘ VĂN HÓA, THỂ THAO` / `VÀ DU LỊCH`).
            let first_word = rest.split_whitespace().next().map(fold_lower);
            if ends_with_joining_word(&prev.1) || matches!(first_word.as_deref(), Some("va")) {
                prev.1 = format!("{} {}", prev.1, rest);
                continue;
            }
            if starts_with_admin_unit(&rest) && !has_admin_unit(&prev.1) {
                prev.1 = format!("{} {}", prev.1, rest);
                continue;
            }
        }
        cands.push((*i, rest));
    }
    cands
}

/// Header analysis over `lines[seg_start..seg_end]`.
pub(crate) fn parse(doc: &Doc, seg_start: usize, seg_end: usize) -> Header {
    let lines = &doc.lines[seg_start..seg_end];
    let mut h = Header::default();
    let scan = lines.len().min(60);

    // National header and motto.
    for (i, l) in lines.iter().take(scan).enumerate() {
        if h.party_header.is_none() && PARTY_RE.is_match(&l.folded) {
            h.party_header = Some(seg_start + i);
        }
        if h.state_header.is_none() && STATE_RE.is_match(&l.folded) {
            h.state_header = Some(seg_start + i);
        }
    }

    // Type heading: the first short line in capitals that is a type name.
    for (i, l) in lines.iter().take(scan).enumerate() {
        if PARTY_RE.is_match(&l.folded) || STATE_RE.is_match(&l.folded) {
            continue;
        }
        if let Some((name, rest)) = heading_type(&l.text) {
            h.heading = Some((seg_start + i, name, rest));
            break;
        }
        // Stop at the body: a long sentence line.
        if l.text.chars().count() > 60
            && !is_upper_text(&l.text)
            && i > 3
            && OPENER_RE.is_match(l.text.trim())
        {
            break;
        }
    }
    let header_end = match &h.heading {
        Some((i, _, _)) => *i - seg_start,
        None => {
            // Without a heading: up to the V/v line, `Kính gửi`, or the first body sentence.
            let mut end = scan.min(15);
            for (i, l) in lines.iter().take(scan).enumerate() {
                let t = l.text.trim();
                if VV_RE.is_match(t) || KINH_GUI_RE.is_match(&l.folded) || OPENER_RE.is_match(t) {
                    end = i;
                    break;
                }
            }
            end
        }
    };

    // Number + symbol: in the header, after `Số`.
    let hdr_lines = &lines[..header_end.min(lines.len())];
    let number_zone_end = if h.heading.is_some() {
        header_end
    } else {
        // The V/v line of a công văn sits right under the number; look a little further.
        (header_end + 3).min(lines.len())
    };
    {
        let zone = &lines[..number_zone_end.min(lines.len())];
        let (joined, starts) = text::join_lines(zone);
        let folded = text::fold_chars(&joined);
        // The first `Số` followed by a number + symbol (a poor scan's `tháng` can read `SB0`).
        for m in NUMBER_RE.find_iter(&folded) {
            // The document's own `Số` opens its line or follows header text in capitals
            // (two columns read as one line); after running text (`nhận được công văn số
            // 19/CV-TT`) it cites another document, and body text never fills the header.
            let label_at = m.start() + m.as_str().find(['s', 'S']).unwrap_or(0);
            if follows_running_text(&folded, label_at) {
                continue;
            }
            // The digit that ends the match starts the reference.
            let digit_b = m.end() - 1;
            let orig_from = text::char_to_byte(&joined, text::byte_to_char(&folded, digit_b));
            let tail = &joined[orig_from..];
            if let Some(r) = codes::find_refs(tail, doc.unaccented)
                .into_iter()
                .next()
                .filter(|r| r.start == 0)
            {
                let li = text::line_of(&starts, orig_from);
                h.reference = Some((seg_start + li, r));
                break;
            }
        }
    }

    // Place and date: the first date line in the header (or just after it).
    // two lines past the header, blank lines not counted (legacy OCR spaces every line)
    let date_zone = (header_end..lines.len())
        .filter(|&k| !lines[k].is_blank())
        .nth(2)
        .map_or(lines.len(), |k| k + 1)
        .max(hdr_lines.len());
    for (i, l) in lines.iter().take(date_zone).enumerate() {
        if let Some((place, iso)) = dates::date_line(&l.text, &l.folded) {
            h.date = Some((seg_start + i, iso));
            if let Some(p) = place {
                h.place = Some((seg_start + i, p));
            }
            break;
        }
    }

    // Issuer and parent: what is left of the header lines in capitals.
    let mut items: Vec<(usize, &str)> = Vec::new();
    for (i, l) in hdr_lines.iter().enumerate() {
        if VV_RE.is_match(l.text.trim()) {
            break;
        }
        // Running text before any header (page 2 of a report): no header here, and body
        // text never fills header fields.
        if is_running_text(&l.text) {
            break;
        }
        items.push((seg_start + i, l.text.as_str()));
    }
    let mut cands = header_orgs(&items);
    if let Some((li, name)) = cands.pop() {
        h.issuer = Some((li, cased(doc, &name)));
        if let Some((pi, parent)) = cands.pop() {
            h.parent = Some((pi, cased(doc, &parent)));
        }
    }

    // Title.
    let mut body_start = header_end;
    if let Some((hi, _, rest)) = &h.heading {
        let start = *hi - seg_start + 1;
        let (title, end) = collect_title(lines, start, rest);
        if let Some(t) = title {
            h.title = Some((*hi + 1, seg_start + end, t));
        }
        body_start = end + 1;
        if let Some(k) = (end + 1..lines.len().min(end + 3)).find(|&k| !lines[k].is_blank()) {
            if is_upper_text(lines[k].text.trim()) && is_enacting_authority(lines, k) {
                h.enacting = Some((seg_start + k, squash(lines[k].text.trim())));
                body_start = k + 1;
            }
        }
    }
    if h.title.is_none() {
        // Công văn: `V/v ...` under the number.
        for (i, l) in lines.iter().take(scan.min(30)).enumerate() {
            if let Some(c) = VV_RE.captures(l.text.trim()) {
                let mut parts = vec![
                    c.get(1)
                        .map(|m| m.as_str())
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                ];
                let mut j = i + 1;
                while j < lines.len() && j < i + 5 {
                    let t = lines[j].text.trim();
                    if t.is_empty()
                        || KINH_GUI_RE.is_match(&lines[j].folded)
                        || dates::date_line(&lines[j].text, &lines[j].folded).is_some()
                        || is_upper_text(t)
                        || OPENER_RE.is_match(t)
                    {
                        break;
                    }
                    parts.push(t.to_string());
                    j += 1;
                }
                let t = squash(&parts.join(" "));
                if !t.is_empty() {
                    h.title = Some((seg_start + i, seg_start + j - 1, t));
                    h.vv = true;
                    body_start = body_start.max(j);
                }
                break;
            }
        }
    }

    // Kính gửi.
    for (i, l) in lines
        .iter()
        .enumerate()
        .take(scan.min(50))
        .skip(body_start.saturating_sub(2).min(header_end))
    {
        if let Some(c) = KINH_GUI_RE.captures(&l.folded) {
            let first = c
                .get(1)
                .map(|m| text::map_range(&l.text, &l.folded, m.start(), m.end()))
                .unwrap_or("");
            let (items, end) = collect_addressees(lines, i, first);
            h.addressees = items.into_iter().map(|(k, s)| (seg_start + k, s)).collect();
            body_start = body_start.max(end + 1);
            break;
        }
    }

    // A công điện's addressees follow `THỦ TƯỚNG CHÍNH PHỦ điện:`.
    if h.addressees.is_empty() && h.heading.as_ref().is_some_and(|x| x.1 == "Công điện") {
        let from = body_start.saturating_sub(1).min(lines.len());
        for (i, l) in lines.iter().enumerate().take(scan.min(50)).skip(from) {
            if CONG_DIEN_RE.is_match(l.text.trim()) {
                let (items, end) = collect_addressees(lines, i, "");
                h.addressees = items.into_iter().map(|(k, s)| (seg_start + k, s)).collect();
                body_start = body_start.max(end + 1);
                break;
            }
        }
    }

    // Reporting period: in the title zone (title lines and the line after), then in the
    // opening paragraph when it states dates.
    let default_year = h
        .date
        .as_ref()
        .and_then(|(_, d)| d[..4].parse::<i64>().ok());
    if let Some((a, b, _)) = &h.title {
        let lo = *a - seg_start;
        let hi = (*b - seg_start + 3).min(lines.len());
        let (joined, starts) = text::join_lines(&lines[lo..hi]);
        let f = fold_lower(&joined);
        if let Some(p) = dates::week_period(&f, default_year) {
            let li = text::line_of(&starts, p.start);
            h.period = Some((seg_start + lo + li, p));
        }
    }
    if h.period.is_none() {
        let lo = body_start.min(lines.len());
        let hi = (lo + 8).min(lines.len());
        let (joined, starts) = text::join_lines(&lines[lo..hi]);
        let f = fold_lower(&joined);
        if let Some(p) = dates::week_period(&f, default_year) {
            if p.from.is_some() && !p.flags.contains(&"dates_from_iso_week") {
                let li = text::line_of(&starts, p.start);
                h.period = Some((seg_start + lo + li, p));
            }
        }
    }
    h.body_start = seg_start + body_start.min(lines.len());
    h
}

/// The casing printed in the body for an issuer name printed in capitals in the header, else
/// administrative sentence case.
pub(crate) fn cased(doc: &Doc, upper: &str) -> String {
    let fixed;
    let upper = if is_upper_text(upper) {
        fixed = super::lexicon::canon_org(upper);
        fixed.as_str()
    } else {
        upper
    };
    let cased = org_case(upper);
    let key = fold_lower(&cased);
    let n = key.chars().count();
    if n < 6 {
        return cased;
    }
    for l in doc.lines.iter().take(3000) {
        let lf = fold_lower(&l.text);
        if let Some(pos) = lf.find(&key) {
            let cs = text::byte_to_char(&lf, pos);
            let bs = text::char_to_byte(&l.text, cs);
            let be = text::char_to_byte(&l.text, cs + n);
            let found = &l.text[bs..be];
            if !is_upper_text(found) && found.chars().next().is_some_and(|c| c.is_uppercase()) {
                return found.to_string();
            }
        }
    }
    cased
}

/// Words that open the enacting authority's line of a decision or resolution, printed in
/// capitals under its title (`BỘ TRƯỞNG BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH`, `ỦY BAN NHÂN DÂN TỈNH
/// …`, `TRƯỞNG BAN CHỈ ĐẠO …`), folded.
const AUTHORITY_OPENERS: &[&str] = &[
    "bo truong",
    "thu truong",
    "chu tich",
    "thu tuong",
    "truong ban",
    "pho truong ban",
    "giam doc",
    "cuc truong",
    "tong cuc truong",
    "vu truong",
    "chanh van phong",
    "chanh an",
    "vien truong",
    "hieu truong",
    "tong giam doc",
    "tong kiem toan",
    "thong doc",
    "uy ban nhan dan",
    "hoi dong nhan dan",
    "chinh phu",
    "quoc hoi",
    "uy ban thuong vu quoc hoi",
    "ban chap hanh",
    "ban thuong vu",
    "ban bi thu",
    "bo chinh tri",
    "dang uy",
    "ban chi dao",
    "hoi dong",
];

/// A line longer than this that starts a sentence is body text, not a title's wrapped line
/// (a wrapped title is centred and shorter; a paragraph runs the width of the page).
const RUNNING_LINE_CHARS: usize = 100;

/// Words a wrapped title line ends with when it goes on (`… CỦA` / `BỘ VĂN HÓA …`), lower case.
const JOINING_WORDS: &[&str] = &[
    "của", "và", "về", "tại", "trên", "cho", "với", "trong", "theo", "đến", "thuộc", "đối", "các",
    "những", "từ", "ở", "là", "để", "nhằm",
];

fn ends_with_joining_word(t: &str) -> bool {
    let t = t.trim();
    if t.ends_with([',', '-', '–']) {
        return true;
    }
    let last = t
        .split_whitespace()
        .last()
        .map(str::to_lowercase)
        .unwrap_or_default();
    JOINING_WORDS.contains(&last.as_str())
}

/// Whether line `i`, in capitals, is the enacting authority of a decision or resolution rather
/// than a title line: it opens with a position or a collective body and the next line starts
/// the preamble (`Căn cứ …`, `QUYẾT ĐỊNH:`).
fn is_enacting_authority(lines: &[Line], i: usize) -> bool {
    let f = fold_lower(lines[i].text.trim());
    if !AUTHORITY_OPENERS
        .iter()
        .any(|o| f.starts_with(o) && f[o.len()..].starts_with([' ', ',']) || f == *o)
    {
        return false;
    }
    let next = lines[i + 1..]
        .iter()
        .map(|l| l.text.trim())
        .find(|t| !t.is_empty());
    next.is_none_or(|n| OPENER_RE.is_match(n) || (is_upper_text(n) && n.ends_with(':')))
}

/// Positions that open an enacting authority's line before the body they head (`BỘ TRƯỞNG`
/// `BỘ TƯ PHÁP`, `TRƯỞNG BAN` `CHỈ ĐẠO …`), folded upper case.
const HEAD_POSITIONS: &[&str] = &[
    "BO TRUONG",
    "CHU TICH",
    "TRUONG",
    "GIAM DOC",
    "TONG CUC TRUONG",
    "CUC TRUONG",
    "VU TRUONG",
    "CHANH VAN PHONG",
    "VIEN TRUONG",
    "TONG GIAM DOC",
];

/// Nouns that open the name of a body, folded upper case.
const BODY_NOUNS: &[&str] = &[
    "BAN",
    "BO",
    "UY BAN",
    "HOI DONG",
    "SO",
    "CUC",
    "TONG CUC",
    "VU",
    "VAN PHONG",
    "TRUNG TAM",
    "VIEN",
    "HOC VIEN",
    "DAI HOC",
    "KIEM TOAN",
    "NGAN HANG",
    "THANH TRA",
    "DANG UY",
];

/// The body an enacting authority heads, in capitals: `BỘ TRƯỞNG BỘ VĂN HÓA …` → `BỘ VĂN HÓA
/// …`, `TRƯỞNG BAN CHỈ ĐẠO …` → `BAN CHỈ ĐẠO …`; a collective body is itself (`ỦY BAN NHÂN DÂN
/// TỈNH …`); `None` for a position alone (`THỦ TƯỚNG CHÍNH PHỦ` names a head, not a body).
pub(crate) fn body_of_authority(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let folded: Vec<String> = words
        .iter()
        .map(|w| text::fold_chars(w).to_uppercase())
        .collect();
    let starts_with = |at: usize, phrase: &str| {
        let p: Vec<&str> = phrase.split(' ').collect();
        folded.len() >= at + p.len() && folded[at..at + p.len()].iter().zip(&p).all(|(a, b)| a == b)
    };
    let body_at = |at: usize| BODY_NOUNS.iter().any(|n| starts_with(at, n));
    if body_at(0) && !HEAD_POSITIONS.iter().any(|p| starts_with(0, p)) {
        return Some(words.join(" "));
    }
    let skip = HEAD_POSITIONS
        .iter()
        .filter(|p| starts_with(0, p))
        .map(|p| p.split(' ').count())
        .max()?;
    body_at(skip).then(|| words[skip..].join(" "))
}

/// Title lines after the heading, joined into one line as printed (SCHEMA.md). A title in
/// capitals runs over the lines in capitals that follow (a title wrapped over two or three
/// lines) up to the enacting authority's line; a title in running case goes on only where a
/// line continues it (it starts in lower case, or the line before ends with a joining word).
/// Either stops at body text: a blank line before a new sentence, a body opener (`Căn cứ …`,
/// `Kính gửi`), a section number, the reporting period in brackets, a separator, a line ending
/// with `:` (`THỦ TƯỚNG CHÍNH PHỦ điện:`). A `V/v` before a công điện's title is dropped.
fn collect_title(lines: &[Line], start: usize, heading_rest: &str) -> (Option<String>, usize) {
    let mut parts: Vec<String> = Vec::new();
    // `THÔNG BÁO KẾT LUẬN`: the second type noun is part of the heading, not the title.
    let heading_rest = heading_rest.trim();
    let rest_is_type = codes::TYPE_NAMES
        .iter()
        .any(|n| codes::folded_name(n) == fold_lower(heading_rest));
    if !heading_rest.is_empty() && !rest_is_type {
        parts.push(heading_rest.to_string());
    }
    let mut in_capitals = !parts.is_empty() && is_upper_text(heading_rest);
    let mut end = start.saturating_sub(1);
    let mut i = start;
    let mut gap = 0;
    while i < lines.len() && i < start + 10 {
        let raw = lines[i].text.trim();
        if raw.is_empty() {
            gap += 1;
            if gap > 1 && !parts.is_empty() {
                break;
            }
            i += 1;
            continue;
        }
        let t = match VV_RE.captures(raw) {
            Some(c) if parts.is_empty() => c.get(1).map_or("", |m| m.as_str()).trim(),
            _ => raw,
        };
        let capitals = is_upper_text(t);
        let first = parts.is_empty();
        let stop = t.starts_with('(')
            || is_separator(t)
            || OPENER_RE.is_match(t)
            || SECTION_RE.is_match(t)
            || KINH_GUI_RE.is_match(&lines[i].folded)
            || PARTY_RE.is_match(&lines[i].folded)
            || STATE_RE.is_match(&lines[i].folded)
            || t.ends_with(':')
            || (!first
                && capitals != in_capitals
                && !t.starts_with(|c: char| c.is_lowercase())
                && !ends_with_joining_word(&parts.join(" ")))
            || (!first && capitals && is_enacting_authority(lines, i))
            || (!first
                && !capitals
                && !t.starts_with(|c: char| c.is_lowercase())
                && !ends_with_joining_word(&parts.join(" "))
                && (t.chars().count() > RUNNING_LINE_CHARS
                    || parts
                        .last()
                        .is_some_and(|p| p.ends_with(['.', ';', '!', '?']))))
            || (first && capitals && gap > 1);
        if stop {
            break;
        }
        // After a blank line, only a continuation (the previous line did not end a sentence).
        if gap > 0 && !parts.is_empty() {
            let prev_end = parts.last().and_then(|p| p.chars().last()).unwrap_or('.');
            if matches!(prev_end, '.' | ':' | ';' | '”' | '"' | ')') {
                break;
            }
        }
        if first {
            in_capitals = capitals;
        }
        gap = 0;
        parts.push(t.to_string());
        end = i;
        i += 1;
    }
    let t = squash(&parts.join(" "));
    let t = t.trim_end_matches(['.', ';']).trim().to_string();
    ((!t.is_empty()).then_some(t), end)
}

/// Addressees after `Kính gửi:`: the rest of that line, and/or the dash items that follow.
fn collect_addressees(lines: &[Line], at: usize, first: &str) -> (Vec<(usize, String)>, usize) {
    let clean = |s: &str| {
        let s = s
            .trim()
            .trim_start_matches(['-', '–', '+', '•', '*'])
            .trim();
        let s = s.trim_end_matches([',', ';', '.']).trim();
        squash(s)
    };
    let mut items: Vec<(usize, String)> = Vec::new();
    let first = first.trim();
    let mut open = false;
    if !first.is_empty() {
        items.push((at, clean(first)));
        open = !first.ends_with(['.', ';', ',']);
    }
    let mut end = at;
    let mut i = at + 1;
    let mut blank = 0;
    while i < lines.len() && i < at + 40 {
        let t = lines[i].text.trim();
        if t.is_empty() {
            blank += 1;
            if !items.is_empty()
                && blank >= 1
                && !lines
                    .get(i + 1)
                    .is_some_and(|n| n.text.trim_start().starts_with(['-', '–', '+', '•']))
            {
                break;
            }
            i += 1;
            continue;
        }
        blank = 0;
        if t.starts_with(['-', '–', '+', '•']) {
            items.push((i, clean(t)));
            open = !t.ends_with(['.', ';', ',']);
        } else if open && !items.is_empty() && !OPENER_RE.is_match(t) {
            if let Some(last) = items.last_mut() {
                last.1 = clean(&format!("{} {}", last.1, t));
            }
            open = !t.ends_with(['.', ';', ',']);
        } else {
            break;
        }
        end = i;
        i += 1;
    }
    items.retain(|(_, s)| !s.is_empty());
    (items, end)
}

/// Infers the issuer from the opening paragraph: `..., Ban Tuyên giáo và Dân vận Tỉnh ủy báo cáo`.
pub(crate) fn issuer_from_body(doc: &Doc, from: usize, to: usize) -> Option<(usize, String)> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[,;.]\s+|\n)((?:ban|so|uy ban|ubnd|dang uy|van phong|bo|tinh uy|thanh uy|huyen uy|hoi dong|cong an|truong|mat tran|hoi|doan|lien doan|chi bo|phong|trung tam|cuc|vien|tong cuc)\s[^,.;:\n]{0,80}?)\s+(?:b[a-z]{0,2}o\s+c[a-z0-9]{1,2}o|ban hanh|thong bao|huong dan|xay dung|de nghi|kinh trinh|trinh|to chuc|trien khai|quyet dinh|ket luan|nhan duoc|cong bo|co y kien|tra loi|yeu cau)\b",
        )
        .expect("regex")
    });
    let to = to.min(doc.lines.len()).min(from + 25);
    if from >= to {
        return None;
    }
    let flat: Vec<String> = doc.lines[from..to].iter().map(|l| l.text.clone()).collect();
    let joined = flat.join(" ");
    let f = fold_lower(&joined);
    // The first clause whose subject is a name (capitalised): `bổ sung … trình` is no body.
    let (m, name) = RE.captures_iter(&f).find_map(|c| {
        let m = c.get(1)?;
        let name = squash(text::map_range(&joined, &f, m.start(), m.end()));
        name.chars()
            .next()
            .is_some_and(|c| c.is_uppercase())
            .then_some((m, name))
    })?;
    // Line of the match.
    let mut acc = 0;
    let mut li = from;
    for (k, l) in flat.iter().enumerate() {
        if acc + l.len() >= m.start() {
            li = from + k;
            break;
        }
        acc += l.len() + 1;
    }
    Some((li, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> Doc {
        Doc::new(s)
    }

    #[test]
    fn party_header_two_columns() {
        let d = doc(
            "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG ĐẢNG CỘNG SẢN VIỆT NAM\nĐẢNG ỦY PHƯỜNG HỒNG BÀNG\n* Hồng Bàng, ngày 15 tháng 7 năm 2025\n\nSố 03-KH/ĐU\n\nKẾ HOẠCH\nthực hiện Phong trào “Bình dân học vụ số”\n\nThực hiện Kế hoạch số 478-KH/TU, ngày 01/6/2025 của Ban Thường vụ Thành ủy, Đảng ủy phường ban hành kế hoạch:",
        );
        let h = parse(&d, 0, d.lines.len());
        assert!(h.party_header.is_some());
        assert_eq!(h.heading.as_ref().map(|x| x.1), Some("Kế hoạch"));
        assert_eq!(
            h.reference.as_ref().map(|x| x.1.reference.as_str()),
            Some("03-KH/ĐU")
        );
        assert_eq!(
            h.issuer.as_ref().map(|x| x.1.as_str()),
            Some("Đảng ủy phường Hồng Bàng")
        );
        assert_eq!(
            h.parent.as_ref().map(|x| x.1.as_str()),
            Some("Đảng bộ thành phố Hải Phòng")
        );
        assert_eq!(h.place.as_ref().map(|x| x.1.as_str()), Some("Hồng Bàng"));
        assert_eq!(h.date.as_ref().map(|x| x.1.as_str()), Some("2025-07-15"));
        assert_eq!(
            h.title.as_ref().map(|x| x.2.as_str()),
            Some("thực hiện Phong trào “Bình dân học vụ số”")
        );
    }

    #[test]
    fn state_cong_van_with_vv_and_addressees() {
        let d = doc(
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH THANH HÓA Độc lập - Tự do - Hạnh phúc\nSố: 9661/UBND-VX Thanh Hóa, ngày 12 tháng 8 năm 2025\nV/v triển khai Phong trào\n“Bình dân học vụ số”\n\nKính gửi:\n- Sở Khoa học và Công nghệ;\n- Sở Giáo dục và Đào tạo;\n- UBND các xã, phường.\n\nThực hiện Kế hoạch số 265-KH/TU ngày 24/4/2025.",
        );
        let h = parse(&d, 0, d.lines.len());
        assert!(h.state_header.is_some());
        assert!(h.heading.is_none());
        assert_eq!(
            h.reference.as_ref().map(|x| x.1.reference.as_str()),
            Some("9661/UBND-VX")
        );
        assert_eq!(
            h.issuer.as_ref().map(|x| x.1.as_str()),
            Some("Ủy ban nhân dân tỉnh Thanh Hóa")
        );
        assert_eq!(h.parent, None);
        assert_eq!(h.place.as_ref().map(|x| x.1.as_str()), Some("Thanh Hóa"));
        assert_eq!(
            h.title.as_ref().map(|x| x.2.as_str()),
            Some("triển khai Phong trào “Bình dân học vụ số”")
        );
        assert!(h.vv);
        let a: Vec<&str> = h.addressees.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            a,
            vec![
                "Sở Khoa học và Công nghệ",
                "Sở Giáo dục và Đào tạo",
                "UBND các xã, phường"
            ]
        );
    }

    #[test]
    fn ocr_number_and_date() {
        let d = doc(
            " Thanh Hoa, ngay 03 thang 7 nam 2025\nS6 42-BC/BTGDVTU\n\nBAO CAO\nTinh hinh trien khai thuc hien Ke hoach\n(Tuin 27 niam 2025, tir ngay 30/6 dén 06/7)\n\nThuc hien Ke hoach so 265-KH/TU ngay 24/4/2025 cua Ban Thuong vu Tinh uy ve trien khai Phong trao tren dia ban tinh, Ban Tuyen giao va Dan van Tinh uy bao cao nhu sau:",
        );
        let h = parse(&d, 0, d.lines.len());
        assert_eq!(
            h.reference.as_ref().map(|x| x.1.reference.as_str()),
            Some("42-BC/BTGDVTU")
        );
        assert_eq!(h.date.as_ref().map(|x| x.1.as_str()), Some("2025-07-03"));
        assert_eq!(h.heading.as_ref().map(|x| x.1), Some("Báo cáo"));
        let p = &h.period.as_ref().unwrap().1;
        assert_eq!((p.week, p.from.as_deref()), (Some(27), Some("2025-06-30")));
        let b = issuer_from_body(&d, h.body_start, d.lines.len()).unwrap();
        assert_eq!(b.1, "Ban Tuyen giao va Dan van Tinh uy");
    }

    #[test]
    fn heading_variants() {
        assert_eq!(
            heading_type("THÔNG BÁO KẾT LUẬN").map(|x| x.0),
            Some("Thông báo")
        );
        assert_eq!(
            heading_type("CHƯƠNG TRÌNH HÀNH ĐỘNG").map(|x| x.0),
            Some("Chương trình hành động")
        );
        assert_eq!(heading_type("Báo cáo"), None);
        assert_eq!(heading_type("BAN TUYÊN GIÁO"), None);
    }
}
