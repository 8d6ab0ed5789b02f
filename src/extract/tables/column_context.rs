//! A scanned table's repeated cells read alike: a column holds the same agency, note or
//! phrase on many rows (`Sở VHTTDL/ Sở VHTT`, `DA đã có trong QĐ số 270/QĐ-TTg …`), and each
//! row's OCR gets a different few of its marks or letters wrong (`Số VHTTDL/ Sử VHTT`). Cells
//! of one column, and of the header row ([`mend_repeated_cells`]), or of all the scanned tables
//! of a document ([`mend_repeated_cells_across`], what `sohoa extract` does: an annex repeats
//! a note over several tables, a procedure's tables repeat their header), that are readings of
//! the same printed text vote word by word, and the word most of them read replaces the
//! outliers.
//!
//! Two cells are readings of the same text when their words (tokens with a letter or digit;
//! punctuation standing apart is left out of the vote and never changed) pair one for one,
//! in order, and each pair is the same word once marks, case and punctuation are set aside,
//! or, for words of at least [`MIN_LETTERS_TO_SUBSTITUTE`] letters that are not both
//! Vietnamese syllables, differs in one letter (`VHTTPL` / `VHTTDL`, `NQ-GP` / `NQ-CP`; at
//! most one such word a cell; `Thanh` / `Khánh` are two words; a letter alone, a section
//! label, pairs only with the same letter: `D` / `Đ`). Two words never pair when
//! their digits differ, so a vote never changes a digit (`2025 - 2030` / `2025 - 2035`,
//! `Bước 1` / `Bước 2`), nor when their letters differ in number (`Quảng Trạch II` /
//! `Quảng Trạch III`).
//!
//! Only a group of at least [`MIN_CELLS`] cells votes. Each reading of a word scores
//! [`DECADES_PER_CELL`] for each cell that gives it, plus, with a language model, the log10
//! probability of the cell's text with it: most cells win, unless the model finds their
//! reading far less likely (three cells reading `Viết Nam` do not outvote one `Việt Nam`).
//! A column of distinct values, or a pair of cells that disagree, is left as it is.
//!
//! ```
//! use sohoa::extract::tables::column_context::mend_repeated_cells;
//! let mut rows: Vec<Vec<String>> = [["STT", "Cơ quan"], ["1", "Sở VHTTDL/ Sở VHTT"],
//!     ["2", "Số VHTTDL/ Sở VHTT"], ["3", "Sở VHTTDL/ Sở VHTT"]]
//!     .iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
//! mend_repeated_cells(&mut rows, None);
//! assert_eq!(rows[2][1], "Sở VHTTDL/ Sở VHTT");
//! ```

use crate::lm::model::{BOS, EOS, Model, NUM, UNK};
use crate::lm::syl::canonical_syllable;
use rustc_hash::FxHashMap;

/// Words this long (letters and digits, marks set aside) or longer may pair with one letter
/// read otherwise; shorter ones must match but for marks and case (`II` / `IH` do not pair).
pub const MIN_LETTERS_TO_SUBSTITUTE: usize = 3;

/// A group of readings of one text votes when it has this many cells: two cells that disagree
/// tell nothing about which is right.
pub const MIN_CELLS: usize = 3;

/// What one more cell giving a reading is worth against the language model, in decades of
/// probability: a word OCR'd is taken as ten times likelier read right than read as any one
/// other way.
pub const DECADES_PER_CELL: f32 = 1.0;

/// Mends the repeated cells of a table's `rows` (header rows first): each column's cells, and
/// the first row's, that read the same printed text take, word by word, the reading most of
/// them give, weighed by the language `model` if there is one (see the [module](self) doc).
pub fn mend_repeated_cells(rows: &mut [Vec<String>], model: Option<&Model>) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for column in 0..width {
        let mut cells: Vec<&mut String> =
            rows.iter_mut().filter_map(|r| r.get_mut(column)).collect();
        mend_pool(&mut cells, model);
    }
    if let Some(header) = rows.first_mut() {
        let mut cells: Vec<&mut String> = header.iter_mut().collect();
        mend_pool(&mut cells, model);
    }
}

/// Mends the repeated cells of several tables of one document together: every cell of every
/// table, whatever its column, that reads the same printed text as others (a note or an
/// agency repeated down the tables of an annex; a header repeated over each table).
pub fn mend_repeated_cells_across(tables: &mut [&mut Vec<Vec<String>>], model: Option<&Model>) {
    let mut cells: Vec<&mut String> = tables
        .iter_mut()
        .flat_map(|rows| rows.iter_mut().flat_map(|r| r.iter_mut()))
        .collect();
    mend_pool(&mut cells, model);
}

/// A word of a cell: its token index in the cell, what it reads once marks, case and
/// punctuation are set aside, whether it is a Vietnamese syllable, and its letters in lower
/// case with their marks.
#[derive(Debug, Clone)]
struct Word {
    token: usize,
    skeleton: Vec<char>,
    syllable: bool,
    lower: String,
}

/// A distinct cell text of a pool, its words, and the cells that read it.
#[derive(Debug)]
struct Variant {
    tokens: Vec<String>,
    words: Vec<Word>,
    cells: Vec<usize>,
}

/// The words of a cell's tokens (tokens with a letter or digit).
fn words_of(tokens: &[String]) -> Vec<Word> {
    tokens
        .iter()
        .enumerate()
        .filter_map(|(token, t)| {
            let skeleton: Vec<char> = crate::viet::fold(t)
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            let core = t.trim_matches(|c: char| !c.is_alphanumeric());
            (!skeleton.is_empty()).then_some(Word {
                token,
                skeleton,
                syllable: crate::viet::is_syllable(core),
                lower: core.to_lowercase(),
            })
        })
        .collect()
}

/// How two words pair: `None` when they are different words, else whether they differ in a
/// letter (not only in marks, case or punctuation).
fn pair(x: &Word, y: &Word) -> Option<bool> {
    let (a, b) = (&x.skeleton, &y.skeleton);
    // a letter alone is a label, and `D`, `Đ` and `A`, `Â` are different labels
    if a.len() != b.len() || (a.len() == 1 && x.lower != y.lower) {
        return None;
    }
    let mut letters_differ = 0;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            continue;
        }
        if x.is_numeric() || y.is_numeric() {
            return None;
        }
        letters_differ += 1;
    }
    match letters_differ {
        0 => Some(false),
        // two syllables a letter apart are two words (`Thanh`, `Khánh`)
        1 if a.len() >= MIN_LETTERS_TO_SUBSTITUTE && !(x.syllable && y.syllable) => Some(true),
        _ => None,
    }
}

/// Whether two cells' words are readings of the same printed words.
fn same_text(a: &[Word], b: &[Word]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut substituted = 0;
    for (x, y) in a.iter().zip(b) {
        match pair(x, y) {
            None => return false,
            Some(true) => substituted += 1,
            Some(false) => {}
        }
    }
    substituted <= 1
}

/// Mends `cells` against each other.
fn mend_pool(cells: &mut [&mut String], model: Option<&Model>) {
    // distinct texts first: a column of a thousand equal cells is one comparison
    let mut variants: Vec<Variant> = Vec::new();
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    for (at, text) in cells.iter().enumerate() {
        let text = text.as_str();
        if !text.chars().any(char::is_alphabetic) {
            continue;
        }
        match index.get(text) {
            Some(&k) => variants[k].cells.push(at),
            None => {
                let tokens: Vec<String> = text.split_whitespace().map(str::to_string).collect();
                index.insert(text, variants.len());
                variants.push(Variant {
                    words: words_of(&tokens),
                    tokens,
                    cells: vec![at],
                });
            }
        }
    }
    if variants.len() < 2 {
        return;
    }
    // cells alike are only compared within a bucket of the same number of words and length
    let mut buckets: FxHashMap<(usize, Vec<usize>), Vec<usize>> = FxHashMap::default();
    for (k, v) in variants.iter().enumerate() {
        let shape = v.words.iter().map(|w| w.skeleton.len()).collect();
        buckets.entry((v.words.len(), shape)).or_default().push(k);
    }
    let mut mended: Vec<(usize, String)> = Vec::new();
    for members in buckets.into_values().filter(|m| m.len() >= 2) {
        for group in groups(&variants, members) {
            if group
                .iter()
                .map(|&k| variants[k].cells.len())
                .sum::<usize>()
                >= MIN_CELLS
            {
                vote(&variants, &group, model, &mut mended);
            }
        }
    }
    for (at, text) in mended {
        *cells[at] = text;
    }
}

/// The variants of a bucket as groups of readings of the same text: the variant most cells
/// read with every unassigned variant that reads the same text as it, then again with the
/// rest.
fn groups(variants: &[Variant], mut left: Vec<usize>) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    while left.len() >= 2 {
        // the seed: the variant read by most cells (the likeliest to be the print)
        let Some(seed_at) = (0..left.len()).max_by_key(|&i| variants[left[i]].cells.len()) else {
            break;
        };
        let seed = left.swap_remove(seed_at);
        let mut group = vec![seed];
        left.retain(|&k| {
            let alike = same_text(&variants[seed].words, &variants[k].words);
            if alike {
                group.push(k);
            }
            !alike
        });
        if group.len() >= 2 {
            out.push(group);
        }
    }
    out
}

/// The word-by-word vote of one group of variants (its seed first); the cells whose text
/// changes are pushed to `mended` with their new text.
fn vote(
    variants: &[Variant],
    group: &[usize],
    model: Option<&Model>,
    mended: &mut Vec<(usize, String)>,
) {
    let Some(&seed) = group.first() else {
        return;
    };
    // the text voted so far: the seed's, its words replaced by the winners one by one, so
    // each word is judged by the model among the words already chosen
    let mut voted = variants[seed].tokens.clone();
    let mut winners: Vec<Option<String>> = Vec::with_capacity(variants[seed].words.len());
    for (w, at) in variants[seed].words.iter().enumerate() {
        let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
        for &k in group {
            let v = &variants[k];
            *counts
                .entry(v.tokens[v.words[w].token].as_str())
                .or_default() += v.cells.len();
        }
        let mut scored: Vec<(f32, &str)> = counts
            .into_iter()
            .map(|(token, n)| {
                let lm = model.map_or(0.0, |m| {
                    let mut text = voted.clone();
                    token.clone_into(&mut text[at.token]);
                    log10_probability(m, &text)
                });
                (DECADES_PER_CELL * n as f32 + lm, token)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let wins = scored.get(1).is_none_or(|second| scored[0].0 > second.0);
        let winner = wins.then(|| scored[0].1.to_string());
        if let Some(winner) = &winner {
            winner.clone_into(&mut voted[at.token]);
        }
        winners.push(winner);
    }
    for &k in group {
        let v = &variants[k];
        let mut tokens = v.tokens.clone();
        let mut changed = false;
        for (word, winner) in v.words.iter().zip(&winners) {
            if let Some(winner) = winner
                && tokens[word.token] != *winner
            {
                winner.clone_into(&mut tokens[word.token]);
                changed = true;
            }
        }
        if changed {
            let text = tokens.join(" ");
            mended.extend(v.cells.iter().map(|&cell| (cell, text.clone())));
        }
    }
}

/// The log10 probability of a cell's tokens as one sentence under the trigram `model`:
/// syllables as the model's words, numbers as its number token, anything else unknown;
/// punctuation standing apart is left out.
fn log10_probability(model: &Model, tokens: &[String]) -> f32 {
    let ids = tokens.iter().filter_map(|t| {
        let word = t.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() {
            None
        } else if word.chars().any(|c| c.is_ascii_digit()) {
            Some(NUM)
        } else {
            Some(
                canonical_syllable(word)
                    .and_then(|s| model.id(&s))
                    .unwrap_or(UNK),
            )
        }
    });
    let (mut a, mut b, mut sum) = (BOS, BOS, 0.0);
    for c in ids.chain([EOS]) {
        sum += model.logp3(a, b, c);
        (a, b) = (b, c);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    fn column(rows: &[Vec<String>], c: usize) -> Vec<&str> {
        rows.iter().map(|r| r[c].as_str()).collect()
    }

    #[test]
    fn repeated_cells_take_the_reading_most_of_them_give() {
        let mut rows = table(&[
            &["STT", "Cơ quan", "Ghi chú"],
            &["1", "Sở VHTTDL/ Sở VHTT", "DA đã có trong QĐ số 270/QĐ-TTg"],
            &[
                "2",
                "Số .VHTTDL/ Sử VHTT",
                "ĐÁ đã có trong QĐ số 270/QĐ-TTg",
            ],
            &["3", "Sở VHTTDL/ Sở VHTT", "DA đã có trong QD số 270/QĐ-TTg"],
            &["4", "Sở VHTTPL/ Sở VHTT", "DA đã có trong QĐ số 270/QĐ-TTg"],
            &["5", "Sở VHTTDL/ Số VHTT", "DA đã có trong QĐ số 270/QĐ-TTg"],
        ]);
        mend_repeated_cells(&mut rows, None);
        assert_eq!(
            column(&rows, 1)[1..],
            [
                "Sở VHTTDL/ Sở VHTT",
                // `Sử` / `Sở`: two-letter words one letter apart are different words
                "Số .VHTTDL/ Sử VHTT",
                "Sở VHTTDL/ Sở VHTT",
                "Sở VHTTDL/ Sở VHTT",
                "Sở VHTTDL/ Sở VHTT",
            ]
        );
        assert!(
            column(&rows, 2)[1..]
                .iter()
                .all(|c| *c == "DA đã có trong QĐ số 270/QĐ-TTg")
        );
        // the numbering column has no letters: untouched
        assert_eq!(column(&rows, 0), ["STT", "1", "2", "3", "4", "5"]);
    }

    #[test]
    fn a_column_of_distinct_values_is_left_alone() {
        let cells = [
            "Thanh Hóa",
            "Khánh Hòa",
            "Quảng Trạch II",
            "Quảng Trạch III",
            "Quảng Trạch I",
            "Bước 1",
            "Bước 2",
            "Bước 2",
            "2025 - 2030",
            "2025 - 2035",
            "2025 - 2035",
            "Hà Nam",
            "Hà Nội",
        ];
        let mut rows: Vec<Vec<String>> = cells.iter().map(|c| vec![c.to_string()]).collect();
        mend_repeated_cells(&mut rows, None);
        assert_eq!(column(&rows, 0), cells);
    }

    #[test]
    fn a_vote_never_changes_a_digit_nor_a_word_two_cells_disagree_on() {
        let mut rows = table(&[
            &["Nghị quyết số 66.7/2025/NQ-CP"],
            &["Nghị quyết số 66.7/2025/NQ-CP"],
            &["Nghị quyết số 66.7/2025/NQ-GP"],
            &["Nghị quyết số 66.7/2026/NQ-CP"],
            &["Nghị quyết số 86.7/2025/NQ-CP"],
            &["Cục Hàng không Việt Nam"],
            &["Cục Hàng không Viết Nam"],
        ]);
        mend_repeated_cells(&mut rows, None);
        assert_eq!(
            column(&rows, 0),
            [
                "Nghị quyết số 66.7/2025/NQ-CP",
                "Nghị quyết số 66.7/2025/NQ-CP",
                "Nghị quyết số 66.7/2025/NQ-CP",
                "Nghị quyết số 66.7/2026/NQ-CP",
                "Nghị quyết số 86.7/2025/NQ-CP",
                // one against one: no majority
                "Cục Hàng không Việt Nam",
                "Cục Hàng không Viết Nam",
            ]
        );
    }

    #[test]
    fn a_header_rows_repeated_labels_vote_too_and_punctuation_apart_stays() {
        let mut rows = table(&[
            &["Số lượng", "Số lượng", "Sổ lượng", "Ghi chú"],
            &[
                "Sơn Tây - Đan Phượng",
                "Sơn Tây - Đan Phượng",
                "Sơn Tây Đan Phượng",
                "",
            ],
            &["Sơn Tây - Đan Phượng", "", "", ""],
        ]);
        mend_repeated_cells(&mut rows, None);
        assert_eq!(rows[0], ["Số lượng", "Số lượng", "Số lượng", "Ghi chú"]);
        assert_eq!(rows[1][2], "Sơn Tây Đan Phượng");
    }

    #[test]
    fn two_words_pair_only_in_marks_case_punctuation_or_one_letter_of_a_long_word() {
        let s = |t: &str| words_of(&[t.to_string()])[0].clone();
        assert_eq!(pair(&s("ĐÁ"), &s("DA")), Some(false));
        assert_eq!(pair(&s(".VHTTDL/"), &s("VHTTDL/")), Some(false));
        assert_eq!(pair(&s("VHTTPL"), &s("VHTTDL")), Some(true));
        assert_eq!(pair(&s("IH"), &s("II")), None);
        assert_eq!(pair(&s("III"), &s("II")), None);
        assert_eq!(pair(&s("2030"), &s("2035")), None);
        assert_eq!(pair(&s("QĐ270"), &s("QĐ27O")), None);
        assert_eq!(pair(&s("Thanh"), &s("Khánh")), None);
        assert_eq!(pair(&s("Đ"), &s("D")), None);
        assert_eq!(pair(&s("Đ."), &s("đ")), Some(false));
    }

    #[test]
    fn the_tables_of_a_document_vote_together_whatever_the_column() {
        let mut first = table(&[&["STT", "Đơn vị/người thực hiện"], &["1", "Sở"]]);
        let mut second = table(&[&["Đơn vi/người thực hiện", "Ghi chú"], &["Sở", "x"]]);
        let mut third = table(&[&["Bước", "Đơn vị/người thực hiện"], &["1", "Sở"]]);
        mend_repeated_cells_across(&mut [&mut first, &mut second, &mut third], None);
        assert_eq!(second[0][0], "Đơn vị/người thực hiện");
        assert_eq!(second[0][1], "Ghi chú");
    }

    #[test]
    fn the_language_model_outweighs_a_majority_it_finds_far_less_likely() {
        let model = crate::repair::tests::repairer().model();
        let mut rows = table(&[
            &["Cục Hàng không Viết Nam - Bộ Xây dựng"],
            &["Cục Hàng không Việt Nam - Bộ Xây dựng"],
            &["Cục Hàng không Viết Nam - Bộ Xây dựng"],
            &["Sở VHTTDL/ Số VHTT"],
            &["Sở VHTTDL/ Sở VHTT"],
            &["Sở VHTTDL/ Sở VHTT"],
        ]);
        mend_repeated_cells(&mut rows, Some(model));
        let c = column(&rows, 0);
        assert!(
            c[..3]
                .iter()
                .all(|c| *c == "Cục Hàng không Việt Nam - Bộ Xây dựng")
        );
        assert!(c[3..].iter().all(|c| *c == "Sở VHTTDL/ Sở VHTT"));
    }
}
