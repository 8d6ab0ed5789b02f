//! Target tables (chỉ tiêu): numbered items with a numeric value, inside a section headed
//! `CHỈ TIÊU ...` or `Mục tiêu cụ thể`, with the year from a sub-heading (`1. Năm 2025`), the item
//! itself (`đến năm 2030`) or the section heading.

use super::Target;
use super::text::{Line, fold_lower, squash};
use regex::Regex;
use std::sync::LazyLock;

static SECTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?P<num>[ivxl1]+\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-z]\)|dieu\s+\d{1,3}\.?)?\s*(?:cac\s+)?(?:chi\s+tieu|muc\s+tieu\s+cu\s+the)\b",
    )
    .expect("regex")
});
static ROMAN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[IVXL][IVXL1l]*\s*\.\s*\S").expect("regex"));
static ARABIC_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,2})\.\s+\S").expect("regex"));
static ARTICLE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:dieu|chuong|muc|phan)\s+[0-9ivxl]+\b").expect("regex"));
static ITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\(\d{1,2}\)|\(?[a-zđ]\)|\d{1,2}[.)]|[-–+•])\s*(.*)$").expect("regex")
});
static YEAR_HEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:\d{1,2}[.)]|[a-z]\)|[ivx]+\.)?\s*(?:(?:muc\s+tieu\s+|chi\s+tieu\s+)?(?:den|trong|den\s+het|phan\s+dau\s+den|giai\s+doan)\s+)?n[a-z]{1,2}m\s+((?:19|20)\d{2})(?:\s*[-–]\s*(?:19|20)\d{2})?\s*[:.]?\s*$",
    )
    .expect("regex")
});
static YEAR_IN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:den|trong|den\s+het)\s+n[a-z]{1,2}m\s+((?:19|20)\d{2})").expect("regex")
});
static PERCENT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*%").expect("regex"));
static COUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+)\s+(nguoi|ho|xa|phuong|doanh nghiep|lop|luot|to|mo hinh|diem|truong|co so|thon|san pham|ty dong|trieu dong|km|ha|tan|hoc vien|dang vien|can bo|hoi vien|doan vien|cuoc|buoi|tin|bai|video|chuong trinh|dai ly|tram)\b",
    )
    .expect("regex")
});

/// Qualifier words around a value that are not part of the subject.
const BEFORE_Q: &[&str] = &[
    "tren",
    "duoi",
    "it nhat",
    "toi thieu",
    "toi da",
    "khoang",
    "dat",
    "hon",
    "gan",
    "phan dau",
    "phan dau co",
    "phan dau dat",
    "co",
    "tu",
    "la",
    "dat tren",
    "dat it nhat",
    "dat tu",
    "bao dam",
    "dam bao",
];
const AFTER_Q: &[&str] = &["tro len", "tro xuong", "tro len,", "so"];

pub(super) fn parse_number(s: &str) -> Option<f64> {
    // Vietnamese: `.` groups thousands, `,` is the decimal mark; `95.5` read as a decimal too.
    let t = s.trim();
    let groups = t.split('.').collect::<Vec<_>>();
    let thousands = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3);
    let t = if thousands {
        t.replace('.', "")
    } else {
        t.to_string()
    };
    t.replace(',', ".").parse().ok()
}

/// Strips a qualifier phrase (folded) from the end (`before`) or start (`after`) of `s`.
fn strip_q(s: &str, list: &[&str], at_end: bool) -> String {
    let mut s = s.trim().to_string();
    loop {
        let f = fold_lower(&s);
        let mut changed = false;
        for q in list {
            let qw = q.split(' ').count();
            let words: Vec<&str> = s.split_whitespace().collect();
            let fw: Vec<&str> = f.split_whitespace().collect();
            if words.len() < qw {
                continue;
            }
            let (slice, rest): (Vec<&str>, Vec<&str>) = if at_end {
                (
                    fw[fw.len() - qw..].to_vec(),
                    words[..words.len() - qw].to_vec(),
                )
            } else {
                (fw[..qw].to_vec(), words[qw..].to_vec())
            };
            if slice.join(" ").trim_matches(',') == *q {
                s = rest.join(" ");
                changed = true;
                break;
            }
        }
        if !changed {
            return s
                .trim_matches(|c: char| c == ',' || c == ':' || c.is_whitespace())
                .to_string();
        }
    }
}

fn make_target(label: Option<String>, text: &str, year: Option<i32>) -> Option<Target> {
    let text = squash(text);
    let f = fold_lower(&text);
    let (start, end, value, unit) = if let Some(c) = PERCENT_RE.captures(&f) {
        let m = c.get(0)?;
        (m.start(), m.end(), parse_number(&c[1])?, "%".to_string())
    } else if let Some(c) = COUNT_RE.captures(&f) {
        let n = c.get(1)?;
        let u = c.get(2)?;
        let unit = super::text::map_range(&text, &f, u.start(), u.end()).to_string();
        // The unit word stays in the subject (`5 lớp tập huấn` → subject `lớp tập huấn`).
        (n.start(), n.end(), parse_number(n.as_str())?, unit)
    } else {
        return None;
    };
    let before = super::text::map_range(&text, &f, 0, start);
    let after = super::text::map_range(&text, &f, end, f.len());
    let before = strip_q(before, BEFORE_Q, true);
    let after = strip_q(after, AFTER_Q, false);
    let subject = squash(&format!("{before} {after}"));
    let subject = subject
        .trim_end_matches(['.', ';', ',', ' '])
        .trim_start_matches([',', ':', ' '])
        .to_string();
    if subject.is_empty() {
        return None;
    }
    let year = year.or_else(|| {
        YEAR_IN_RE
            .captures(&f)
            .and_then(|c| c[1].parse::<i32>().ok())
    });
    Some(Target {
        year,
        label,
        value,
        unit,
        subject,
    })
}

static NAM_YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"n[a-z]{1,2}m\s+((?:19|20)\d{2})").expect("regex"));

/// Extracts targets from `lines`; returns each with the range of line indexes it spans.
/// For an item labelled `(n)`, a function finding where `(n+1)` starts inside a line, right
/// after the end of a sentence (`.`, `;`), as when OCR joins two items' lines.
fn glued_next_label_at(line: &str) -> impl Fn(&str) -> Option<usize> + '_ {
    static GLUED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[.;]\s*(\((\d{1,2})\))\s").expect("regex"));
    move |label: &str| {
        let n: u32 = label.strip_prefix('(')?.strip_suffix(')')?.parse().ok()?;
        GLUED
            .captures_iter(line)
            .find(|c| c[2].parse::<u32>().ok() == Some(n + 1))
            .and_then(|c| c.get(1))
            .map(|m| m.start())
    }
}

pub(crate) fn extract(lines: &[Line], default_year: Option<i32>) -> Vec<(Target, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let f = fold_lower(lines[i].text.trim());
        let is_heading = f.chars().count() <= 70 && SECTION_RE.is_match(&f) && !f.ends_with(',');
        if !is_heading {
            i += 1;
            continue;
        }
        let caps = SECTION_RE.captures(&f);
        let num = caps
            .as_ref()
            .and_then(|c| c.name("num"))
            .map(|m| m.as_str().to_string());
        let roman = ROMAN_RE.is_match(&lines[i].text)
            || num.as_deref().is_some_and(|n| {
                n.chars().all(|c| "ivxl1.".contains(c)) && n.contains(['i', 'v', 'x'])
            });
        let arabic: Option<u32> = ARABIC_RE
            .captures(&lines[i].text)
            .and_then(|c| c[1].parse().ok());
        let section_year = YEAR_IN_RE
            .captures(&f)
            .or_else(|| NAM_YEAR_RE.captures(&f))
            .and_then(|c| c[1].parse::<i32>().ok());
        let mut year = section_year;
        let mut cur: Option<(Option<String>, String, usize, usize)> = None;
        let mut j = i + 1;
        let flush = |cur: &mut Option<(Option<String>, String, usize, usize)>,
                     year: Option<i32>,
                     out: &mut Vec<(Target, usize, usize)>| {
            // a bulleted item (`- 100% hợp tác xã ...`) is no numbered target: its lines are
            // read only so that they do not run on into the item before
            if let Some((label @ Some(_), text, a, b)) = cur.take() {
                if let Some(t) = make_target(label, &text, year.or(default_year)) {
                    out.push((t, a, b));
                }
            }
        };
        while j < lines.len() && j < i + 250 {
            let t = lines[j].text.trim();
            if t.is_empty() {
                j += 1;
                continue;
            }
            let tf = fold_lower(t);
            // End of the section.
            let roman_here = ROMAN_RE.is_match(t);
            let next_arabic = ARABIC_RE.captures(t).and_then(|c| c[1].parse::<u32>().ok());
            let upper_heading = super::text::is_upper_text(t) && t.split_whitespace().count() >= 3;
            if ARTICLE_RE.is_match(&tf) {
                break;
            }
            if (roman && (roman_here || upper_heading))
                || (!roman
                    && arabic.is_some()
                    && next_arabic == arabic.map(|a| a + 1)
                    && YEAR_HEAD_RE.captures(&tf).is_none())
                || (!roman && arabic.is_none() && (roman_here || upper_heading))
            {
                break;
            }
            if let Some(c) = YEAR_HEAD_RE.captures(&tf) {
                flush(&mut cur, year, &mut out);
                year = c[1].parse().ok();
                j += 1;
                continue;
            }
            // OCR can join an item's last line with the next item's first: `... số.(4) 100% ...`.
            let next_label = cur
                .as_ref()
                .and_then(|(label, ..)| label.as_deref())
                .and_then(glued_next_label_at(t));
            if let Some(at) = next_label {
                if let Some((_, text, _, b)) = cur.as_mut() {
                    text.push(' ');
                    text.push_str(t[..at].trim_end());
                    *b = j;
                }
                flush(&mut cur, year, &mut out);
                if let Some(c) = ITEM_RE.captures(&t[at..]) {
                    let label = c.get(1).map(|m| m.as_str().to_string());
                    let body = c.get(2).map(|m| m.as_str()).unwrap_or("");
                    cur = Some((label, body.to_string(), j, j));
                }
                j += 1;
                continue;
            }
            if let Some(c) = ITEM_RE.captures(t) {
                flush(&mut cur, year, &mut out);
                let raw = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let label = if raw.starts_with(['-', '–', '+', '•']) {
                    None
                } else if raw.starts_with('(') {
                    Some(
                        if raw.ends_with(')')
                            && raw.matches('(').count() == 1
                            && raw.len() > 2
                            && raw[1..raw.len() - 1].chars().all(|c| c.is_ascii_digit())
                        {
                            raw.to_string()
                        } else {
                            raw.trim_matches(['(', ')']).to_string()
                        },
                    )
                } else {
                    Some(raw.trim_end_matches(['.', ')']).to_string())
                };
                let body = c.get(2).map(|m| m.as_str()).unwrap_or("");
                cur = Some((label, body.to_string(), j, j));
            } else if let Some((_, text, _, b)) = cur.as_mut() {
                text.push(' ');
                text.push_str(t);
                *b = j;
            }
            j += 1;
        }
        flush(&mut cur, year, &mut out);
        i = j.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::Doc;

    fn run(s: &str) -> Vec<Target> {
        let d = Doc::new(s);
        extract(&d.lines, Some(2025))
            .into_iter()
            .map(|x| x.0)
            .collect()
    }

    #[test]
    fn numbered_items_with_year_subheadings() {
        let t = run(
            "III. CHỈ TIÊU CỤ THỂ\n1. Năm 2025\n\n(1) Trên 90% cán bộ, công chức trong khu vực\ncông hiểu biết về chuyển đổi số.\n\n(2) 100% học sinh trung học được trang bị kỹ năng số.\n\n2. Năm 2026\n\n(1) 90% trở lên các cơ sở giáo dục phổ thông triển khai giảng dạy.\nIV. CÁC NHIỆM VỤ GIẢI PHÁP CHỦ YẾU\n1. Đạt 100% việc khác.",
        );
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].year, Some(2025));
        assert_eq!(t[0].label.as_deref(), Some("(1)"));
        assert_eq!(t[0].value, 90.0);
        assert_eq!(t[0].unit, "%");
        assert_eq!(
            t[0].subject,
            "cán bộ, công chức trong khu vực công hiểu biết về chuyển đổi số"
        );
        assert_eq!(t[1].subject, "học sinh trung học được trang bị kỹ năng số");
        assert_eq!(t[2].year, Some(2026));
        assert_eq!(
            t[2].subject,
            "các cơ sở giáo dục phổ thông triển khai giảng dạy"
        );
    }

    #[test]
    fn an_item_glued_to_the_next_by_ocr_is_split() {
        let t = run(
            "III. CHỈ TIÊU CỤ THỂ\n(3) 100% người dân trưởng thành có kỹ năng số, an toàn\ntrên môi trường số.(4) 100% người dân được phổ cập\nkiến thức trên nền tảng VNeID.\n(5) 85% người lao động có kỹ năng số.",
        );
        assert_eq!(t.len(), 3);
        assert_eq!(
            t[0].subject,
            "người dân trưởng thành có kỹ năng số, an toàn trên môi trường số"
        );
        assert_eq!(t[1].label.as_deref(), Some("(4)"));
        assert_eq!(
            t[1].subject,
            "người dân được phổ cập kiến thức trên nền tảng VNeID"
        );
        assert_eq!(t[2].label.as_deref(), Some("(5)"));
    }

    #[test]
    fn letter_labels_value_at_end_and_counts() {
        let t = run(
            "2. Mục tiêu cụ thể đến năm 2030\na) Tỷ lệ người dân có tài khoản định danh đạt 95,5%;\nb) Tổ chức ít nhất 12 lớp tập huấn cho cán bộ;\nc) Nâng cao nhận thức của người dân.\n3. Nhiệm vụ\na) 100% việc khác.",
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].label.as_deref(), Some("a"));
        assert_eq!(t[0].year, Some(2030));
        assert_eq!(t[0].value, 95.5);
        assert_eq!(t[0].subject, "Tỷ lệ người dân có tài khoản định danh");
        assert_eq!(t[1].value, 12.0);
        assert_eq!(t[1].unit, "lớp");
        assert_eq!(t[1].subject, "Tổ chức lớp tập huấn cho cán bộ");
    }

    #[test]
    fn bulleted_items_are_no_numbered_targets() {
        let t = run(
            "2. Mục tiêu cụ thể\n- Thủy sản: 70% diện tích nuôi cá tra\náp dụng công nghệ.\n(1) 90% cán bộ được tập huấn\nvề chuyển đổi số.\n- 100% xã có điểm phục vụ.\n3. Nhiệm vụ",
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].label.as_deref(), Some("(1)"));
        // the bullet after the item ends it
        assert_eq!(t[0].subject, "cán bộ được tập huấn về chuyển đổi số");
    }

    #[test]
    fn no_section_no_targets() {
        assert!(run("1. Kết quả\n- Đạt 100% kế hoạch.\n2. Nhiệm vụ").is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1.000"), Some(1000.0));
        assert_eq!(parse_number("95,5"), Some(95.5));
        assert_eq!(parse_number("90"), Some(90.0));
    }
}
