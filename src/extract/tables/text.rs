//! Tables in text: one row per line, cells separated by ` | ` (a row may begin or end with `|`
//! for an empty first or last cell) or by tabs.

use super::{Table, is_caption, same_row};

/// The cells of a table row, or `None` for a line of prose.
fn cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim_matches([' ', '\r']);
    let sep = if t.contains(" | ") || t.starts_with('|') || t.ends_with('|') {
        '|'
    } else if t.contains('\t') {
        '\t'
    } else {
        return None;
    };
    let cells: Vec<String> = t
        .split(sep)
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let filled = cells.iter().filter(|c| !c.is_empty()).count();
    // A tab or a bar between two pieces of text, at least: one filled cell beside an empty one
    // is a row too (`| Bquân | 79,510`), a lone `|` is not.
    (cells.len() >= 2 && filled >= 1 && (sep == '|' || filled >= 2)).then_some(cells)
}

/// The tables of a text, in order.
///
/// Consecutive row lines form a table (a blank line or a page break inside is skipped); a row
/// repeating the table's first row starts a new table, as a header repeated on the next page
/// does. At least two rows make a table. The caption is the heading line just above, when it
/// reads as one ([`super::is_caption`]).
///
/// ```
/// let t = sohoa::extract::tables::from_text("TT\tTên\n1\tA\n2\tB\n");
/// assert_eq!(t[0].rows.len(), 3);
/// assert_eq!(t[0].page, Some(1));
/// ```
pub fn from_text(text: &str) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut current: Option<Table> = None;
    let mut last_prose: Option<&str> = None;
    let mut blanks = 0;
    let mut page = 1;
    for raw in text.split('\n') {
        let line = raw.trim_matches('\u{000C}');
        match cells(line) {
            Some(row) => {
                let repeated = current
                    .as_ref()
                    .is_some_and(|t| t.rows.len() > 1 && same_row(&t.rows[0], &row));
                if repeated {
                    tables.extend(current.take());
                }
                let t = current.get_or_insert_with(|| Table {
                    page: Some(page),
                    caption: last_prose
                        .filter(|l| !repeated && is_caption(l))
                        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")),
                    ..Table::default()
                });
                t.rows.push(row);
                blanks = 0;
            }
            None if line.trim().is_empty() && blanks == 0 && current.is_some() => blanks += 1,
            None => {
                tables.extend(current.take());
                if !line.trim().is_empty() {
                    last_prose = Some(line.trim());
                }
                blanks = 0;
            }
        }
        page += raw.matches('\u{000C}').count() as u32;
    }
    tables.extend(current);
    tables.retain(|t| t.rows.len() >= 2);
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn leading_and_trailing_bars_are_empty_cells() {
        let t = from_text("Tên | Giá |\n|  | (%)\n| (1) | (2)\n");
        assert_eq!(
            rows(&t[0]),
            vec![
                vec!["Tên", "Giá", ""],
                vec!["", "", "(%)"],
                vec!["", "(1)", "(2)"]
            ]
        );
    }

    #[test]
    fn a_repeated_header_starts_a_new_table() {
        let text = "DANH MỤC\nTT | Tên\n1 | A\nTT | Tên\n2 | B\nvăn bản tiếp\n";
        let t = from_text(text);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].caption.as_deref(), Some("DANH MỤC"));
        assert_eq!(t[1].caption, None);
        assert_eq!(rows(&t[1]), vec![vec!["TT", "Tên"], vec!["2", "B"]]);
    }

    #[test]
    fn prose_lines_and_single_rows_are_not_tables() {
        assert!(from_text("Giá 20.000 đồng | lít\nvăn bản\n").is_empty());
        assert!(from_text("a|b\nc|d\n").is_empty());
        assert!(from_text("x\ty\n").is_empty());
    }

    #[test]
    fn a_page_break_inside_a_table_keeps_it_whole() {
        let t = from_text("STT | Tên\n1 | A\n\u{000C}2 | B\n");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rows.len(), 3);
        assert_eq!(t[0].page, Some(1));
    }
}
