//! Vietnamese dates (`ngày 03 tháng 7 năm 2025`, `24/4/2025`, `30/6` with the year taken from
//! context) and reporting periods (`Tuần 27 năm 2025, từ ngày 30/6 đến 06/7`, `quý II năm 2025`).
//!
//! All patterns run on the diacritic-folded, lower-cased text so that unrepaired OCR
//! (`ngay 03 thang 7 nam 2025`, `Tuin 27 niam 2025, tir ngay ...`) is read too.

use regex::Regex;
use std::sync::LazyLock;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// ISO 8601 `YYYY-MM-DD` for a valid date in 1900..=2100, else `None`.
///
/// ```ignore
/// assert_eq!(iso(2025, 7, 3).as_deref(), Some("2025-07-03"));
/// assert_eq!(iso(2025, 2, 30), None);
/// ```
pub(crate) fn iso(y: i64, m: u32, d: u32) -> Option<String> {
    if !(1900..=2100).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn iso_from_days(z: i64) -> String {
    let (y, m, d) = civil_from_days(z);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Monday and Sunday of ISO week `week` of `year`.
pub(crate) fn iso_week_range(year: i64, week: u32) -> Option<(String, String)> {
    if !(1..=53).contains(&week) || !(1900..=2100).contains(&year) {
        return None;
    }
    let jan4 = days_from_civil(year, 1, 4);
    // 1970-01-01 was a Thursday: weekday index with Monday = 0.
    let wd = (jan4 + 3).rem_euclid(7);
    let monday = jan4 - wd + (week as i64 - 1) * 7;
    Some((iso_from_days(monday), iso_from_days(monday + 6)))
}

/// A date found in text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoundDate {
    /// ISO date.
    pub iso: String,
    /// True when the year was not printed and came from context.
    pub year_inferred: bool,
    /// Byte range in the searched (folded) text.
    pub start: usize,
    pub end: usize,
}

static LONG_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        // `tháng` may come out of a poor scan as any short token (`SB0`): day, token, month
        // and `năm YYYY` together are still unmistakable.
        r"(?i)ng[a-z]{1,2}y[.,:]?\s+(\d{1,2})\s+(?:th[a-z]{1,2}ng|[^\s\d]\S{0,4})\s+(\d{1,2})\s+n[a-z]{1,2}m\s+(\d{4})",
    )
    .expect("valid long date regex")
});

static SHORT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?").expect("valid short date regex")
});

/// Parses a date at the start of `folded` (after optional `ngày`), e.g. `ngày 24/4/2025` or
/// `ngay 03 thang 7 nam 2025`. A date without a year takes `default_year` and is flagged.
pub(crate) fn date_at_start(folded: &str, default_year: Option<i64>) -> Option<FoundDate> {
    static START: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^[\s,;]*(?:ban\s+hanh\s+|ky\s+)?ng[a-z]{1,2}y\s*").expect("valid regex")
    });
    let m = START.find(folded)?;
    let rest = &folded[m.end()..];
    if let Some(c) = LONG_DATE.captures(&folded[m.start()..]) {
        let whole = c.get(0)?;
        if whole.start() <= m.end() - m.start() {
            let d = iso(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?)?;
            return Some(FoundDate {
                iso: d,
                year_inferred: false,
                start: m.start(),
                end: m.start() + whole.end(),
            });
        }
    }
    let c = SHORT_DATE.captures(rest)?;
    let whole = c.get(0)?;
    if whole.start() != 0 {
        return None;
    }
    let day: u32 = c[1].parse().ok()?;
    let month: u32 = c[2].parse().ok()?;
    let (year, inferred) = match c.get(3) {
        Some(y) => (y.as_str().parse().ok()?, false),
        None => (default_year?, true),
    };
    Some(FoundDate {
        iso: iso(year, month, day)?,
        year_inferred: inferred,
        start: m.start(),
        end: m.end() + whole.end(),
    })
}

/// The date line of a document: `Thanh Hóa, ngày 03 tháng 7 năm 2025`. Returns the place (the
/// run of capitalised words before the comma, from the original text), the ISO date, and the
/// byte range of the date in the folded line.
pub(crate) fn date_line(orig: &str, folded: &str) -> Option<(Option<String>, String)> {
    let c = LONG_DATE.captures(folded)?;
    let whole = c.get(0)?;
    let d = iso(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?)?;
    let before = super::text::map_range(orig, folded, 0, whole.start());
    Some((place_before(before), d))
}

/// The place printed before `, ngày`: the capitalised words just before the comma.
fn place_before(before: &str) -> Option<String> {
    let b = before.trim_end();
    let b = b.strip_suffix(',').unwrap_or(b).trim_end();
    let mut words: Vec<&str> = Vec::new();
    for w in b.split_whitespace().rev() {
        let first = w.chars().next()?;
        let abbrev = matches!(w, "TP." | "Tp." | "TX." | "Tx.");
        if !(first.is_uppercase() || abbrev) || w.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
        if w.contains('/') || w.chars().all(|c| !c.is_alphabetic()) {
            break;
        }
        words.push(w);
        if words.len() >= 5 {
            break;
        }
    }
    if words.is_empty() {
        return None;
    }
    words.reverse();
    let p = words.join(" ");
    let p = p.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    (!p.is_empty()).then(|| p.to_string())
}

/// A reporting period.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Period {
    pub week: Option<u32>,
    pub year: Option<i32>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Flags: `year_inferred`, `dates_from_iso_week`.
    pub flags: Vec<&'static str>,
    /// Byte range in the searched folded text.
    pub start: usize,
}

static WEEK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \btu[a-z]{0,2}n\s+(?:th[a-z]{1,2}\s+)?(?P<w>\d{1,2})
        (?:\s*(?:/|,)?\s*(?:n[a-z]{1,2}m\s+)?(?P<y>(?:19|20)\d{2}))?
        (?:[\s,;:(\-]*(?:t[a-z]{1,2}\s+)?ng[a-z]{1,2}y\s*
           (?P<d1>\d{1,2})\s*/\s*(?P<m1>\d{1,2})(?:\s*/\s*(?P<y1>\d{4}))?
           \s*(?:d[a-z]{1,2}n|-|–)\s*(?:ng[a-z]{1,2}y\s*)?
           (?P<d2>\d{1,2})\s*/\s*(?P<m2>\d{1,2})(?:\s*/\s*(?P<y2>\d{4}))?)?",
    )
    .expect("valid week regex")
});

/// A week period `Tuần 27 năm 2025, từ ngày 30/6 đến 06/7` in folded lower-case text.
/// Dates without a year take the week's year (a range across New Year starts the year before);
/// a week without dates gets its ISO week's Monday and Sunday, flagged.
pub(crate) fn week_period(folded: &str, default_year: Option<i64>) -> Option<Period> {
    for c in WEEK.captures_iter(folded) {
        let Some(week) = c.name("w").and_then(|m| m.as_str().parse::<u32>().ok()) else {
            continue;
        };
        if !(1..=53).contains(&week) {
            continue;
        }
        let mut flags = Vec::new();
        let year: Option<i64> = match c.name("y").and_then(|m| m.as_str().parse().ok()) {
            Some(y) => Some(y),
            None => {
                if c.name("d1").is_none() {
                    // "tuần 26" alone is a mention, not a stated period.
                    continue;
                }
                flags.push("year_inferred");
                c.name("y2")
                    .or(c.name("y1"))
                    .and_then(|m| m.as_str().parse().ok())
                    .or(default_year)
            }
        };
        let (from, to) = match (c.name("d1"), c.name("m1"), c.name("d2"), c.name("m2")) {
            (Some(d1), Some(m1), Some(d2), Some(m2)) => {
                let (d1, m1, d2, m2): (u32, u32, u32, u32) = (
                    d1.as_str().parse().ok()?,
                    m1.as_str().parse().ok()?,
                    d2.as_str().parse().ok()?,
                    m2.as_str().parse().ok()?,
                );
                let y2: Option<i64> = c.name("y2").and_then(|m| m.as_str().parse().ok()).or(year);
                let y1: Option<i64> = c
                    .name("y1")
                    .and_then(|m| m.as_str().parse().ok())
                    .or_else(|| y2.map(|y| if m1 > m2 { y - 1 } else { y }));
                (
                    y1.and_then(|y| iso(y, m1, d1)),
                    y2.and_then(|y| iso(y, m2, d2)),
                )
            }
            _ => match year.and_then(|y| iso_week_range(y, week)) {
                Some((a, b)) => {
                    flags.push("dates_from_iso_week");
                    (Some(a), Some(b))
                }
                None => (None, None),
            },
        };
        return Some(Period {
            week: Some(week),
            year: year.map(|y| y as i32),
            from,
            to,
            flags,
            start: c.get(0).map(|m| m.start()).unwrap_or(0),
        });
    }
    None
}

/// A period stated in a report's title: `năm 2025`, `6 tháng đầu năm 2025`, `quý II năm 2025`,
/// `tháng 7 năm 2025` (folded lower-case input).
pub(crate) fn title_period(folded: &str) -> Option<Period> {
    static HALF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:6|sau)\s+thang\s+(dau|cuoi)\s+nam\s+((?:19|20)\d{2})").expect("regex")
    });
    static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\bquy\s+(iv|iii|ii|i|1|2|3|4)\b\s*(?:nam\s+|/)\s*((?:19|20)\d{2})")
            .expect("regex")
    });
    static MONTH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\bthang\s+(\d{1,2})\s*(?:nam\s+|/)\s*((?:19|20)\d{2})").expect("regex")
    });
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\bnam\s+((?:19|20)\d{2})\b").expect("regex"));
    let mk = |y: i64, m1: u32, m2: u32, start: usize| -> Option<Period> {
        Some(Period {
            week: None,
            year: Some(y as i32),
            from: iso(y, m1, 1),
            to: iso(y, m2, days_in_month(y, m2)),
            flags: Vec::new(),
            start,
        })
    };
    if let Some(c) = HALF.captures(folded) {
        let y: i64 = c[2].parse().ok()?;
        let s = c.get(0)?.start();
        return if &c[1] == "dau" {
            mk(y, 1, 6, s)
        } else {
            mk(y, 7, 12, s)
        };
    }
    if let Some(c) = QUARTER.captures(folded) {
        let q = match &c[1] {
            "i" | "1" => 1,
            "ii" | "2" => 2,
            "iii" | "3" => 3,
            _ => 4,
        };
        let y: i64 = c[2].parse().ok()?;
        return mk(y, q * 3 - 2, q * 3, c.get(0)?.start());
    }
    if let Some(c) = MONTH.captures(folded) {
        let m: u32 = c[1].parse().ok()?;
        let y: i64 = c[2].parse().ok()?;
        if (1..=12).contains(&m) {
            return mk(y, m, m, c.get(0)?.start());
        }
    }
    if let Some(c) = YEAR.captures(folded) {
        let y: i64 = c[1].parse().ok()?;
        return mk(y, 1, 12, c.get(0)?.start());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-1000, 0, 1, 20000, 20271] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(iso(2025, 7, 3).as_deref(), Some("2025-07-03"));
        assert_eq!(iso(2025, 2, 29), None);
        assert_eq!(iso(2024, 2, 29).as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn iso_weeks() {
        assert_eq!(
            iso_week_range(2025, 27),
            Some(("2025-06-30".into(), "2025-07-06".into()))
        );
        assert_eq!(
            iso_week_range(2025, 48),
            Some(("2025-11-24".into(), "2025-11-30".into()))
        );
        assert_eq!(
            iso_week_range(2026, 1),
            Some(("2025-12-29".into(), "2026-01-04".into()))
        );
    }

    #[test]
    fn date_lines() {
        let o = "* Hồng Bàng, ngày 15 tháng 7 năm 2025";
        let f = super::super::text::fold_chars(o);
        assert_eq!(
            date_line(o, &f),
            Some((Some("Hồng Bàng".into()), "2025-07-15".into()))
        );
        let o = "Số: 9661/UBND-VX Thanh Hóa, ngày 03 tháng 07 năm 2025";
        let f = super::super::text::fold_chars(o);
        assert_eq!(
            date_line(o, &f),
            Some((Some("Thanh Hóa".into()), "2025-07-03".into()))
        );
        // OCR without diacritics.
        let o = " Thanh Hoa, ngay 03 thang 7 nam 2025";
        assert_eq!(
            date_line(o, o),
            Some((Some("Thanh Hoa".into()), "2025-07-03".into()))
        );
        assert_eq!(
            date_line("ngày 31 tháng 2 năm 2025", "ngay 31 thang 2 nam 2025"),
            None
        );
    }

    #[test]
    fn dates_after_references() {
        let d = date_at_start(" ngay 24/4/2025 cua", None).unwrap();
        assert_eq!(d.iso, "2025-04-24");
        assert!(!d.year_inferred);
        let d = date_at_start(", ngay \n12/6/2025 ve", None).unwrap();
        assert_eq!(d.iso, "2025-06-12");
        let d = date_at_start(" ngay 03 thang 7 nam 2025", None).unwrap();
        assert_eq!(d.iso, "2025-07-03");
        let d = date_at_start(" ngay 10/10 cua", Some(2025)).unwrap();
        assert_eq!(d.iso, "2025-10-10");
        assert!(d.year_inferred);
        assert_eq!(date_at_start(" ve viec", Some(2025)), None);
    }

    #[test]
    fn weeks() {
        let p = week_period("(tuan 27 nam 2025, tu ngay 30/6 den 06/7)", None).unwrap();
        assert_eq!(p.week, Some(27));
        assert_eq!(p.year, Some(2025));
        assert_eq!(p.from.as_deref(), Some("2025-06-30"));
        assert_eq!(p.to.as_deref(), Some("2025-07-06"));
        // Unrepaired OCR.
        let p = week_period("(tuin 27 niam 2025, tir ngay 30/6 den 06/7)", None).unwrap();
        assert_eq!(p.from.as_deref(), Some("2025-06-30"));
        // Across New Year.
        let p = week_period("tuan 1 nam 2026, tu ngay 29/12 den 04/01", None).unwrap();
        assert_eq!(p.from.as_deref(), Some("2025-12-29"));
        assert_eq!(p.to.as_deref(), Some("2026-01-04"));
        // No dates: ISO week, flagged.
        let p = week_period("bao cao tuan 48 nam 2025", None).unwrap();
        assert_eq!(p.from.as_deref(), Some("2025-11-24"));
        assert_eq!(p.flags, vec!["dates_from_iso_week"]);
        // A bare mention is not a period.
        assert_eq!(week_period("trong tuan 26 cua", None), None);
    }

    #[test]
    fn title_periods() {
        let p = title_period("ket qua cong tac 6 thang dau nam 2025").unwrap();
        assert_eq!(
            (p.from.as_deref(), p.to.as_deref()),
            (Some("2025-01-01"), Some("2025-06-30"))
        );
        let p = title_period("tinh hinh quy iii nam 2025").unwrap();
        assert_eq!(
            (p.from.as_deref(), p.to.as_deref()),
            (Some("2025-07-01"), Some("2025-09-30"))
        );
        let p = title_period("tong ket cong tac nam 2025").unwrap();
        assert_eq!(
            (p.from.as_deref(), p.to.as_deref()),
            (Some("2025-01-01"), Some("2025-12-31"))
        );
        assert_eq!(title_period("thuc hien phong trao"), None);
    }
}
