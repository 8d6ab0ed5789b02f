//! The numbering column of a scanned table (`STT`: 1, 2, 3 … and section numbers I, II, III …)
//! mended from its own sequence: single-token cells are what OCR misreads most (`1` read `Ú`,
//! `II` read `H`, `2` read `s`), and a number between its neighbours is known.

/// Mends the first column of `rows` when it numbers them: at least three cells are whole
/// numbers and at least half of its non-empty cells are numbers (Arabic or Roman). A short cell that is
/// no number, between `n` and `n + 2` of the same kind (the next and previous of its kind in the
/// column), becomes `n + 1`; one after the last Roman number that reads like bars (`H`, `ll`,
/// `I|`) becomes the next Roman number.
///
/// ```
/// let mut rows: Vec<Vec<String>> = [["STT", "Việc"], ["I", "A"], ["1", "a"], ["Ú", "b"],
///     ["3", "c"], ["H", "B"], ["1", "d"]]
///     .iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
/// sohoa::extract::tables::numbering::mend(&mut rows);
/// let column: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
/// assert_eq!(column, ["STT", "I", "1", "2", "3", "II", "1"]);
/// ```
pub fn mend(rows: &mut [Vec<String>]) {
    mend_sub_numbers(rows);
    let column: Vec<Option<Number>> = rows
        .iter()
        .map(|r| r.first().and_then(|c| Number::parse(c)))
        .collect();
    let filled = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| !c.trim().is_empty()))
        .count();
    let arabic = column
        .iter()
        .filter(|n| matches!(n, Some(Number::Arabic(_))))
        .count();
    let numbers = column.iter().filter(|n| n.is_some()).count();
    if arabic < 3 || numbers * 2 < filled {
        return;
    }
    for r in 0..rows.len() {
        let Some(cell) = rows[r].first() else {
            continue;
        };
        let text = cell.trim();
        if column[r].is_some() || text.is_empty() || text.chars().count() > 4 || text.contains(' ')
        {
            continue;
        }
        let mended = [Kind::Arabic, Kind::Roman].into_iter().find_map(|kind| {
            let before = column[..r]
                .iter()
                .rev()
                .flatten()
                .find(|n| n.kind() == kind);
            let after = column[r + 1..].iter().flatten().find(|n| n.kind() == kind);
            match (before, after) {
                (Some(b), Some(a)) if a.value() == b.value() + 2 => Some(b.next()),
                (Some(b), None) if kind == Kind::Roman && reads_like_bars(text) => Some(b.next()),
                _ => None,
            }
        });
        if let Some(n) = mended {
            rows[r][0] = n.to_string();
        }
    }
}

/// A sub-number (`1.4`) of a first column that holds at least two of them, with its dot read
/// as another mark (`1:4`, `1,5`), gets its dot back when it goes on the section of the number
/// above it (`1` or `1.3`).
fn mend_sub_numbers(rows: &mut [Vec<String>]) {
    let parts = |cell: &str, dots: &[char]| -> bool {
        let t = cell.trim().trim_end_matches('.');
        t.split_once(dots).is_some_and(|(a, b)| {
            [a, b]
                .iter()
                .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
        })
    };
    let dotted = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| parts(c, &['.'])))
        .count();
    if dotted < 2 {
        return;
    }
    // the section the sub-numbers go on: the major part of the last number above
    let mut major: Option<String> = None;
    for row in rows.iter_mut() {
        let Some(cell) = row.first_mut() else {
            continue;
        };
        let head = |c: &str, dots: &[char]| c.trim().split(dots).next().map(str::to_string);
        if parts(cell, &[':', ',', ';']) {
            if major == head(cell, &[':', ',', ';']) {
                *cell = cell.trim().replace([':', ',', ';'], ".");
            }
        } else if parts(cell, &['.']) || Number::parse(cell).is_some() {
            major = head(cell, &['.']);
        }
    }
}

fn reads_like_bars(text: &str) -> bool {
    text.chars().all(|c| "IHl|!1i-.".contains(c))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Arabic,
    Roman,
}

/// A cell that numbers its row: `12`, `3.` or `IV`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    Arabic(u32),
    Roman(u32),
}

const ROMAN: [&str; 20] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII", "XVIII", "XIX", "XX",
];

impl Number {
    fn parse(cell: &str) -> Option<Number> {
        let t = cell.trim().trim_end_matches('.');
        if !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit()) {
            return t.parse().ok().map(Number::Arabic);
        }
        ROMAN
            .iter()
            .position(|r| *r == t)
            .map(|k| Number::Roman(k as u32 + 1))
    }

    fn kind(self) -> Kind {
        match self {
            Number::Arabic(_) => Kind::Arabic,
            Number::Roman(_) => Kind::Roman,
        }
    }

    fn value(self) -> u32 {
        match self {
            Number::Arabic(v) | Number::Roman(v) => v,
        }
    }

    fn next(self) -> String {
        match self {
            Number::Arabic(v) => (v + 1).to_string(),
            Number::Roman(v) => ROMAN
                .get(v as usize)
                .map_or_else(|| (v + 1).to_string(), |r| r.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|c| vec![c.to_string(), "x".into()])
            .collect()
    }

    #[test]
    fn a_misread_number_between_its_neighbours_is_mended() {
        let mut rows = column(&["TT", "1", "Ụ", "3", "s", "5"]);
        mend(&mut rows);
        let got: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(got, ["TT", "1", "2", "3", "4", "5"]);
    }

    #[test]
    fn a_sub_number_with_its_dot_misread_is_mended() {
        let mut rows = column(&["A", "1", "1.1", "1.2", "1:3", "1,4", "2", "2.1", "12:30"]);
        mend(&mut rows);
        let got: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            got,
            ["A", "1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "12:30"]
        );
    }

    #[test]
    fn the_last_section_number_read_as_bars_is_mended() {
        let mut rows = column(&["I", "1", "2", "II", "1", "2", "HI-", "1", "2"]);
        mend(&mut rows);
        assert_eq!(rows[6][0], "III");
    }

    #[test]
    fn a_column_that_does_not_number_its_rows_is_left_alone() {
        // words, not numbers; and a gap of two is no evidence for one number
        let mut rows = column(&["Hà Nội", "1", "x", "Huế", "2", "Vinh"]);
        let before = rows.clone();
        mend(&mut rows);
        assert_eq!(rows, before);
        let mut rows = column(&["1", "2", "s", "5", "6"]);
        mend(&mut rows);
        assert_eq!(rows[2][0], "s");
    }
}
