//! The digit-group separator of a scanned table's number column, mended from the column's
//! other cells: a column of procedure codes (`1.004639`) or prices (`81,440`) writes every
//! value with the same separator, and the OCR's misreads of it (`1:004639`, `1,002396`,
//! `1/001213`, `81/440`) are outnumbered by the cells read right.

/// A cell that is one number of one to three digits, a separator, then whole groups of
/// three digits: (separator, digits after it).
fn grouped(cell: &str) -> Option<(char, usize)> {
    let cell = cell.trim();
    let k = cell.find(|c: char| !c.is_ascii_digit())?;
    let (head, rest) = cell.split_at(k);
    let separator = rest.chars().next()?;
    let tail = &rest[separator.len_utf8()..];
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let known = matches!(separator, '.' | ',' | ':' | ';' | '/');
    (known && digits(head) && head.len() <= 3 && digits(tail) && tail.len() % 3 == 0)
        .then_some((separator, tail.len()))
}

/// The least number of cells that must agree on a separator for a dot to become a comma or
/// the other way round, and their least share of the column's cells of the same shape.
const MIN_AGREEING: usize = 3;
const MIN_SHARE: f32 = 0.75;
/// The least number of cells, all with one separator, that mend a separator no number is
/// written with (`:`, `;`, `/`).
const MIN_AGREEING_FOR_MISREAD: usize = 2;

/// Mends, column by column, the separator of numbers shaped alike (the same count of digits
/// after it): a `:`, `;` or `/` (never a digit-group separator) takes the one dot or comma
/// the column's other numbers of that shape use (two or more, none using the other); a dot
/// becomes a comma (or a comma a dot) where three quarters of them, and three or more, use
/// the other.
///
/// ```
/// let mut rows: Vec<Vec<String>> = [["Mã", "1.004639"], ["", "1.001229"], ["", "1:014462"],
///     ["", "1.004591"], ["", "8:30"]]
///     .iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
/// sohoa::extract::tables::number_format::mend_separators(&mut rows);
/// let column: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
/// assert_eq!(column, ["1.004639", "1.001229", "1.014462", "1.004591", "8:30"]);
/// ```
pub fn mend_separators(rows: &mut [Vec<String>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for c in 0..width {
        let shapes: Vec<Option<(char, usize)>> = rows
            .iter()
            .map(|r| r.get(c).and_then(|cell| grouped(cell)))
            .collect();
        let mut lengths: Vec<usize> = shapes.iter().flatten().map(|s| s.1).collect();
        lengths.sort_unstable();
        lengths.dedup();
        for length in lengths {
            let alike: Vec<char> = shapes
                .iter()
                .flatten()
                .filter(|s| s.1 == length)
                .map(|s| s.0)
                .collect();
            let dots = alike.iter().filter(|&&s| s == '.').count();
            let commas = alike.iter().filter(|&&s| s == ',').count();
            let (separator, count, others) = if dots >= commas {
                ('.', dots, commas)
            } else {
                (',', commas, dots)
            };
            let flips = count >= MIN_AGREEING && count as f32 >= MIN_SHARE * alike.len() as f32;
            let misreads = count >= MIN_AGREEING_FOR_MISREAD && others == 0;
            for (row, shape) in rows.iter_mut().zip(&shapes) {
                let Some((s, l)) = *shape else { continue };
                let mend = l == length
                    && s != separator
                    && if matches!(s, '.' | ',') {
                        flips
                    } else {
                        misreads || flips
                    };
                if let Some(cell) = row.get_mut(c).filter(|_| mend) {
                    *cell = cell.trim().replacen(s, &separator.to_string(), 1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(cells: &[&str]) -> Vec<String> {
        let mut rows: Vec<Vec<String>> = cells.iter().map(|c| vec![c.to_string()]).collect();
        mend_separators(&mut rows);
        rows.into_iter().map(|mut r| r.remove(0)).collect()
    }

    #[test]
    fn a_misread_separator_takes_the_columns() {
        assert_eq!(
            column(&[
                "Mã số", "1.004639", "1:001229", "1.014462", "1.001709", "1.011656", "1.003717",
                "1,002396", "1.004591", "1/001213", "1.005162", "1.001622", "1.002445"
            ]),
            [
                "Mã số", "1.004639", "1.001229", "1.014462", "1.001709", "1.011656", "1.003717",
                "1.002396", "1.004591", "1.001213", "1.005162", "1.001622", "1.002445"
            ]
        );
        assert_eq!(
            column(&[
                "X95", "81/440", "81,860", "82/510", "82/550", "80,800", "81,832"
            ]),
            [
                "X95", "81,440", "81,860", "82,510", "82,550", "80,800", "81,832"
            ]
        );
        assert_eq!(
            column(&["FO", "344,550", "349,540", "343,690", "340,350", "344.576"]),
            ["FO", "344,550", "349,540", "343,690", "340,350", "344,576"]
        );
    }

    #[test]
    fn columns_without_a_clear_separator_and_other_shapes_stay() {
        // two against one: not enough to turn a comma into a dot
        assert_eq!(
            column(&["1.500", "2.000", "3,200"]),
            ["1.500", "2.000", "3,200"]
        );
        // a misread separator in a column that writes both stays
        let cells = ["1.500", "2.000", "3,200", "4/100"];
        assert_eq!(column(&cells), cells);
        // decimals, times, dates and ratios are other shapes
        let cells = [
            "1.500",
            "2.000",
            "3.200",
            "2,5",
            "8:30",
            "02/4/2024",
            "1:2",
            "4.000",
        ];
        assert_eq!(column(&cells), cells);
    }
}
