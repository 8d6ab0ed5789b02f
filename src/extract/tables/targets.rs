//! Targets from target tables: a table whose header names years or periods (`2025`,
//! `Năm 2026`, `Kế hoạch 2025`, `Giai đoạn 2021-2025`) and says it holds targets or results
//! (chỉ tiêu, mục tiêu, kế hoạch, thực hiện, `%`) gives one [`Target`] per numeric cell under a
//! year column: the year of the column, the row's label (the STT column), the value, the unit
//! (`%`, or the unit column's word) and the subject (the row's chỉ tiêu / nội dung cell).

use super::super::Target;
use super::super::text::{fold_lower, squash};
use super::Table;
use regex::Regex;
use std::sync::LazyLock;

/// A header cell naming a year or a period, with at most a few words of kind around it.
static YEAR_CELL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:nam|ke hoach|thuc hien|uoc thuc hien|uoc th|muc tieu|chi tieu|kh|th|giai doan|den nam|den|dat)\s*)*((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?\s*(?:\(\s*%\s*\))?$",
    )
    .expect("regex")
});
/// What a target table says about itself somewhere in its header.
static KIND_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"chi tieu|muc tieu|ke hoach|thuc hien|ty le|%").expect("regex"));
/// A value cell: a number, maybe with a comparison sign before it and `%` after it.
static VALUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[≥>≤<~]|tren|duoi|it nhat|toi thieu)?\s*(\d[\d.,]*)\s*(%)?$").expect("regex")
});

/// An item's label in the first column: `1`, `1.2`, `II`, `a`, `3.`.
static ITEM_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,3}(?:\.\d{1,2})*|[IVXLivxl]{1,5}|[A-Za-zĐđ])[.)]?$").expect("regex")
});

/// The column roles of a target table's header.
struct Columns {
    /// Rows before this index are the header.
    body_start: usize,
    /// `(column, year)` for each year column.
    years: Vec<(usize, i32)>,
    subject: usize,
    label: Option<usize>,
    unit: Option<usize>,
    /// The header says the values are percentages.
    percent: bool,
}

fn header_cell(t: &Table, body_start: usize, col: usize) -> String {
    t.rows[..body_start]
        .iter()
        .filter_map(|r| r.get(col))
        .map(|c| fold_lower(&squash(c)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn columns(t: &Table) -> Option<Columns> {
    // The header is the first rows (at most three) before the first numbered item, up to the
    // last one that names a year: a year in an item row is data (a deadline), not a column.
    let first_item = t
        .rows
        .iter()
        .position(|r| {
            r.iter()
                .find(|c| !c.trim().is_empty())
                .is_some_and(|c| ITEM_LABEL_RE.is_match(c.trim()))
        })
        .unwrap_or(t.rows.len());
    let head = first_item.min(3);
    let body_start = (0..head).rev().find(|&i| {
        t.rows[i]
            .iter()
            .any(|c| YEAR_CELL_RE.is_match(&fold_lower(&squash(c))))
    })? + 1;
    let width = t.width();
    let mut years = Vec::new();
    for col in 0..width {
        let year_here = t.rows[..body_start].iter().rev().find_map(|r| {
            let cell = fold_lower(&squash(r.get(col)?));
            let c = YEAR_CELL_RE.captures(&cell)?;
            c.get(2).or(c.get(1))?.as_str().parse::<i32>().ok()
        });
        if let Some(y) = year_here {
            years.push((col, y));
        }
    }
    let headers: Vec<String> = (0..width).map(|c| header_cell(t, body_start, c)).collect();
    if !KIND_RE.is_match(&headers.join(" ")) {
        return None;
    }
    let is_year = |c: usize| years.iter().any(|&(y, _)| y == c);
    let find = |words: &[&str]| {
        (0..width).find(|&c| !is_year(c) && words.iter().any(|w| headers[c].contains(w)))
    };
    let label = (0..width).find(|&c| matches!(headers[c].trim(), "stt" | "tt" | "so tt"));
    let subject = find(&["chi tieu", "muc tieu", "noi dung", "ten"])
        .or_else(|| (0..width).find(|&c| !is_year(c) && Some(c) != label))?;
    Some(Columns {
        body_start,
        percent: headers
            .iter()
            .any(|h| h.contains('%') || h.contains("ty le")),
        unit: find(&["don vi", "dvt"]),
        years,
        subject,
        label,
    })
}

/// The targets a table holds, if it is a target table (none otherwise).
///
/// ```
/// use sohoa::extract::tables::from_text;
/// use sohoa::extract::tables::targets_from_table;
/// let t = &from_text("STT | Chỉ tiêu | Đơn vị | 2025 | 2026\n1 | Xã có điểm phục vụ số | % | 80 | 100\n")[0];
/// let targets = targets_from_table(t);
/// assert_eq!(targets.len(), 2);
/// assert_eq!((targets[1].year, targets[1].value), (Some(2026), 100.0));
/// assert_eq!(targets[0].unit, "%");
/// ```
pub fn targets_from_table(t: &Table) -> Vec<Target> {
    let Some(cols) = columns(t) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in &t.rows[cols.body_start..] {
        let Some(subject) = row
            .get(cols.subject)
            .map(|s| squash(s))
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let unit_cell = cols
            .unit
            .and_then(|c| row.get(c))
            .map(|u| squash(u))
            .filter(|u| !u.is_empty());
        for &(col, year) in &cols.years {
            let cell = row
                .get(col)
                .map(|c| fold_lower(&squash(c)))
                .unwrap_or_default();
            let Some(c) = VALUE_RE.captures(&cell) else {
                continue;
            };
            let Some(value) = super::super::targets::parse_number(&c[1]) else {
                continue;
            };
            let unit = if c.get(2).is_some() {
                "%".to_string()
            } else if let Some(u) = &unit_cell {
                u.clone()
            } else if cols.percent {
                "%".to_string()
            } else {
                String::new()
            };
            out.push(Target {
                year: Some(year),
                label: cols
                    .label
                    .and_then(|c| row.get(c))
                    .map(|l| squash(l))
                    .filter(|l| !l.is_empty()),
                value,
                unit,
                subject: subject.trim_end_matches(['.', ';', ',']).to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tables::from_text;

    #[test]
    fn merged_period_header_over_years() {
        let text = "TT | Mục tiêu | Kế hoạch |\n |  | 2025 | 2026\n1 | Tỷ lệ hộ có cáp quang | 85% | 90%\n2 | Người dân có tài khoản | 70 | \n";
        let targets = targets_from_table(&from_text(text)[0]);
        assert_eq!(targets.len(), 3);
        assert_eq!(targets[0].subject, "Tỷ lệ hộ có cáp quang");
        assert_eq!(targets[0].label.as_deref(), Some("1"));
        assert_eq!((targets[1].year, targets[1].value), (Some(2026), 90.0));
        assert_eq!(targets[2].unit, "");
    }

    #[test]
    fn tables_without_year_columns_or_target_words_give_none() {
        // Years in a data column (operation dates) are not a year header.
        let plan = "TT | Dự án | Công suất (MW) | Dự kiến thời gian vận hành\n1 | NMNĐ A | 1500 | 2028-2029\n";
        assert!(targets_from_table(&from_text(plan)[0]).is_empty());
        // Year columns of prices, without a word saying they are targets.
        let prices = "Mặt hàng | 2024 | 2025\nXăng | 19.288 | 19.822\n";
        assert!(targets_from_table(&from_text(prices)[0]).is_empty());
        // A deadline column holding years under a header without years.
        let tasks = "STT | Nhiệm vụ | Chủ trì | Thời gian\nI | Nhóm giải pháp |  | \n1 | Rà soát kế hoạch | Sở Tài chính | 2026\n";
        assert!(targets_from_table(&from_text(tasks)[0]).is_empty());
    }

    #[test]
    fn a_period_column_takes_its_last_year() {
        let text = "STT | Chỉ tiêu | Giai đoạn 2021-2025\n1 | Xã nông thôn mới | 75%\n";
        let t = targets_from_table(&from_text(text)[0]);
        assert_eq!(
            (t[0].year, t[0].value, t[0].unit.as_str()),
            (Some(2025), 75.0, "%")
        );
    }
}
