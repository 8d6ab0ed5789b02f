//! Data tables as rows and cells, from every input kind.
//!
//! - text: lines whose cells are separated by ` | ` or tabs ([`from_text`]);
//! - born-digital PDF pages: the page's ruling lines and rectangles and its characters with
//!   their boxes, the way Camelot's lattice mode reads them (`pdf.rs`, `ocr` feature);
//! - scans: ruling lines found on the page image, each cell's text from the page OCR's words
//!   it holds, a cell OCR'd in its own box where they are unsure (`scan.rs`, `numbering.rs`,
//!   `ocr` feature); punctuation print never has in a scanned cell's words is mended by the
//!   rules of `cell_marks.rs`, a number column's misread separators from its other cells
//!   (`number_format.rs`).
//!
//! Ruled pages of both kinds go through the same cell grid (`grid.rs`): merged cells are written
//! once, in their top-left position, and the positions they span are left `""`, as the gold
//! `SCHEMA.md` asks. Where a page has no ruled grid, a table laid out with spaces only is found
//! from where its words stand (`stream.rs`, Camelot's stream mode) and read into the same kind
//! of grid. A scanned cell's abbreviations in capitals keep the letters the recogniser read
//! (`capitals.rs`). A scanned table's cells that repeat one printed text down a column vote word by
//! word on their marks and letters (`column_context.rs`). A table whose header names years and values also yields
//! [`super::Target`]s (`targets.rs`).
//!
//! ```
//! let t = sohoa::extract::tables::from_text("Bảng 1. Kết quả\nSTT | Tên\n1 | Hà Nội\n");
//! assert_eq!(t[0].caption.as_deref(), Some("Bảng 1. Kết quả"));
//! assert_eq!(t[0].rows, vec![vec!["STT", "Tên"], vec!["1", "Hà Nội"]]);
//! ```

#[cfg(feature = "ocr")]
pub mod capitals;
#[cfg(feature = "ocr")]
pub mod cell_marks;
pub mod column_context;
pub mod grid;
#[cfg(feature = "ocr")]
pub mod number_format;
#[cfg(feature = "ocr")]
pub mod numbering;
#[cfg(feature = "ocr")]
pub mod pdf;
#[cfg(feature = "ocr")]
mod read;
#[cfg(feature = "ocr")]
pub mod scan;
#[cfg(feature = "ocr")]
pub mod stream;
mod targets;
mod text;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[cfg(feature = "ocr")]
pub use read::{PageWords, from_document};
pub use targets::targets_from_table;
pub use text::from_text;

/// One data table.
///
/// ```
/// use sohoa::extract::tables::Table;
/// let t = Table { page: Some(2), bbox: Some([56.0, 90.5, 480.0, 200.0]), caption: None,
///                 rows: vec![vec!["STT".into(), "Tên".into()]] };
/// assert_eq!(serde_json::to_value(&t).unwrap()["rows"][0][1], "Tên");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// 1-based page where the table starts (for text: the form-feed page of its first row).
    pub page: Option<u32>,
    /// `[x, y, w, h]` in PDF points (1/72 inch) from the top-left corner of the page where it
    /// starts; `None` for text input.
    pub bbox: Option<[f32; 4]>,
    /// The heading line just above the table, if there is one.
    pub caption: Option<String>,
    /// Header rows first; a merged cell is written once, the positions it spans are `""`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Number of columns (the longest row).
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// All cell text, one row per line, cells separated by ` | ` (the text fixtures'
    /// convention): what the search index holds for the table.
    ///
    /// ```
    /// use sohoa::extract::tables::Table;
    /// let t = Table { rows: vec![vec!["a".into(), "b".into()]], ..Table::default() };
    /// assert_eq!(t.plain_text(), "a | b");
    /// ```
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        if let Some(c) = &self.caption {
            out.push_str(c);
            out.push('\n');
        }
        let rows: Vec<String> = self.rows.iter().map(|r| r.join(" | ")).collect();
        out.push_str(&rows.join("\n"));
        out
    }
}

/// Sets the document's tables and adds the targets of its target tables (with evidence: the
/// table's page and caption, rule `target_table`).
///
/// ```
/// let mut x = sohoa::extract::extract("", None);
/// let t = sohoa::extract::tables::from_text("STT | Chỉ tiêu | Năm 2025\n1 | Tỷ lệ xã có wifi | 90%\n");
/// sohoa::extract::tables::attach(&mut x, t);
/// assert_eq!(x.metadata.tables.len(), 1);
/// assert_eq!(x.metadata.targets[0].value, 90.0);
/// assert_eq!(x.evidence.0["targets[0]"].rule, "target_table");
/// ```
pub fn attach(x: &mut super::Extraction, tables: Vec<Table>) {
    for t in &tables {
        for target in targets_from_table(t) {
            let mut src = super::Source::rule("target_table", 0.8);
            src.page = t.page;
            src.text = t.caption.clone();
            let k = x.metadata.targets.len();
            x.evidence.0.insert(format!("targets[{k}]"), src);
            x.metadata.targets.push(target);
        }
    }
    x.metadata.tables = tables;
}

/// Errors of [`write_csv`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The folder or a file could not be written.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The file or folder.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Writes each table as `DIR/<stem>.table-<N>.csv` (N from 1; rows padded to the table's width,
/// RFC 4180 quoting) and returns the files written.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let t = sohoa::extract::tables::from_text("A | B\n1 | \"x\", y\n");
/// let files = sohoa::extract::tables::write_csv(&t, dir.path(), "doc").unwrap();
/// let csv = std::fs::read_to_string(&files[0]).unwrap();
/// assert_eq!(csv, "A,B\n1,\"\"\"x\"\", y\"\n");
/// ```
pub fn write_csv(tables: &[Table], dir: &Path, stem: &str) -> Result<Vec<PathBuf>, Error> {
    let fail = |path: &Path, e: &dyn std::fmt::Display| Error::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, &e))?;
    let mut files = Vec::new();
    for (k, table) in tables.iter().enumerate() {
        let path = dir.join(format!("{stem}.table-{}.csv", k + 1));
        let mut w = csv::Writer::from_path(&path).map_err(|e| fail(&path, &e))?;
        let width = table.width();
        for row in &table.rows {
            let padded = row
                .iter()
                .map(String::as_str)
                .chain(std::iter::repeat_n("", width - row.len()));
            w.write_record(padded).map_err(|e| fail(&path, &e))?;
        }
        w.flush().map_err(|e| fail(&path, &e))?;
        files.push(path);
    }
    Ok(files)
}

/// Whether two rows hold the same text (a repeated header row starts a new table).
pub(crate) fn same_row(a: &[String], b: &[String]) -> bool {
    let key = |r: &[String]| -> Vec<String> {
        r.iter()
            .map(|c| super::text::fold_lower(&super::text::squash(c)))
            .filter(|c| !c.is_empty())
            .collect()
    };
    let (ka, kb) = (key(a), key(b));
    !ka.is_empty() && ka == kb
}

/// Whether an OCR'd row repeats header row `header`: the same number of filled cells and their
/// letters and digits (folded, lower case, punctuation and spaces left out) at least
/// [`REPEATED_HEADER_SIMILARITY`] alike, so a speck or one misread letter in either reading
/// (`Tên VBQPPL, quy định`) does not hide the repetition.
///
/// ```
/// use sohoa::extract::tables::repeats_header;
/// let row = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// let header = row(&["TT", "Mã số TTHC", "Tên VBQPPL, quy định"]);
/// assert!(repeats_header(&header, &row(&["TT", "Mã số TTHC", "Tên VBQPPL quy định"])));
/// assert!(!repeats_header(&header, &row(&["1.", "1.001709", "Nghị quyết số 66.7/2025/NQ-CP"])));
/// ```
pub fn repeats_header(header: &[String], row: &[String]) -> bool {
    let key = |r: &[String]| -> Vec<String> {
        r.iter()
            .map(|c| {
                super::text::fold_lower(c)
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|c| !c.is_empty())
            .collect()
    };
    let (kh, kr) = (key(header), key(row));
    !kh.is_empty()
        && kh.len() == kr.len()
        && strsim::normalized_levenshtein(&kh.concat(), &kr.concat()) >= REPEATED_HEADER_SIMILARITY
}

/// How alike (normalised Levenshtein similarity of their letters) a row must be to the header
/// to repeat it.
pub const REPEATED_HEADER_SIMILARITY: f64 = 0.9;

/// A table cut where its first (header) row is repeated ([`repeats_header`]): the repetition
/// starts a new table (gold `SCHEMA.md`), with no caption.
#[cfg(feature = "ocr")]
pub(crate) fn split_repeated_header(table: Table) -> Vec<Table> {
    let mut out: Vec<Table> = Vec::new();
    let header = table.rows.first().cloned().unwrap_or_default();
    let mut current = Table {
        rows: Vec::new(),
        ..table.clone()
    };
    for row in table.rows {
        if !current.rows.is_empty() && repeats_header(&header, &row) {
            let next = Table {
                page: table.page,
                bbox: None,
                caption: None,
                rows: Vec::new(),
            };
            out.push(std::mem::replace(&mut current, next));
        }
        current.rows.push(row);
    }
    out.push(current);
    out
}

/// Whether a line above a table reads as its heading (a caption) rather than body text: a
/// numbered or lettered heading, `Bảng`/`Biểu`/`Phụ lục`, a line in capitals or in brackets,
/// or a short line that does not end a sentence.
pub(crate) fn is_caption(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    if t.is_empty() || n > 300 || t.contains(" | ") || t.contains('\t') {
        return false;
    }
    let f = super::text::fold_lower(t);
    let numbered = CAPTION_RE.is_match(&f);
    let bracketed = t.starts_with('(') && t.ends_with(')');
    let upper = super::text::is_upper_text(t);
    numbered || bracketed || upper || (n <= 120 && !t.ends_with([':', ';', ',']))
}

static CAPTION_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^(?:(?:bang|bieu|phu luc|danh muc|danh sach)\b|(?:[ivxl]+|\d{1,2}(?:\.\d{1,2})*|[a-z])[.)]\s)",
    )
    .expect("regex")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_are_headings_not_sentences() {
        assert!(is_caption("Phụ lục I. DANH MỤC THỦ TỤC"));
        assert!(is_caption(
            "1. Hàng hóa đề nghị xác định trước mã số do tổ chức cung cấp:"
        ));
        assert!(is_caption("(27/11/2025 - 03/12/2025)"));
        assert!(!is_caption(
            "Bộ Công Thương công bố giá cơ sở các mặt hàng xăng dầu tiêu dùng phổ biến trên thị trường, như sau:"
        ));
        assert!(!is_caption("a | b"));
    }

    #[test]
    fn csv_rows_are_padded_to_the_widest_row() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Table {
            rows: vec![vec!["a".into(), "b".into(), "c".into()], vec!["1".into()]],
            ..Table::default()
        };
        let files = write_csv(&[t], dir.path(), "x").expect("written");
        let csv = std::fs::read_to_string(&files[0]).expect("read");
        assert_eq!(csv, "a,b,c\n1,,\n");
    }
}
