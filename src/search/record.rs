//! Reading `sohoa run` records (`OUT/<relative path>.json`, `format: "sohoa-record/1"`).
//!
//! Only what search needs is read, leniently: a metadata field of an unexpected shape is treated
//! as absent rather than failing the record.
//!
//! ```
//! let json = r#"{"format": "sohoa-record/1", "source": {"path": "a.pdf"},
//!   "pages": [{"number": 1, "text_raw": "Tinh uy", "text": "Tỉnh ủy"}],
//!   "text": "Tỉnh ủy", "metadata": {"doc_type": {"name": "Báo cáo", "code": "BC"},
//!   "issued_date": "2025-07-03", "reference": "42-BC/BTGDVTU"}}"#;
//! let record = sohoa::search::record::Record::from_json(json.as_bytes()).unwrap();
//! let meta = record.meta();
//! assert_eq!(meta.doc_type.as_deref(), Some("Báo cáo"));
//! assert_eq!(meta.year, Some(2025));
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format tag of a record file.
pub const FORMAT: &str = "sohoa-record/1";

/// The parts of a record that search reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Record {
    /// Must be [`FORMAT`].
    pub format: String,
    /// The source document.
    #[serde(default)]
    pub source: Source,
    /// Pages, with the raw OCR text and the repaired text.
    #[serde(default)]
    pub pages: Vec<Page>,
    /// The repaired text of all pages, separated by form feeds.
    #[serde(default)]
    pub text: String,
    /// Metadata in the shape of the gold `SCHEMA.md`.
    #[serde(default)]
    pub metadata: Value,
}

/// The source document of a record.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Source {
    /// Its path relative to the input folder.
    #[serde(default)]
    pub path: String,
    /// Its kind (`pdf`, `tiff`, `png`, `jpeg`, `txt` ...).
    #[serde(default)]
    pub kind: Option<String>,
}

/// One page of a record.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Page {
    /// Page number, from 1.
    #[serde(default)]
    pub number: u32,
    /// Text as it came from OCR (or the text layer).
    #[serde(default)]
    pub text_raw: String,
    /// Text after repair.
    #[serde(default)]
    pub text: String,
}

/// The metadata fields used as filters and facets, flattened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// `party` or `state`.
    pub system: Option<String>,
    /// Type name (`Báo cáo`).
    pub doc_type: Option<String>,
    /// Type code (`BC`).
    pub doc_type_code: Option<String>,
    /// Number and symbol (`42-BC/BTGDVTU`).
    pub reference: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Place in the date line.
    pub place: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_date: Option<String>,
    /// The year of the date of issue, else of the reporting period.
    pub year: Option<u64>,
    /// Subject line.
    pub title: Option<String>,
}

/// Why a file is not a usable record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRecord {
    /// Valid JSON but another format (an unrelated JSON file in the folder).
    OtherFormat,
    /// Not valid JSON, or a record of the wrong shape.
    Invalid(String),
}

impl Record {
    /// Parses a record file's bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Record, NotRecord> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| NotRecord::Invalid(e.to_string()))?;
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(NotRecord::OtherFormat);
        }
        serde_json::from_value(value).map_err(|e| NotRecord::Invalid(e.to_string()))
    }

    /// The repaired text: `text`, or the pages' texts joined by form feeds when it is empty.
    pub fn full_text(&self) -> String {
        if !self.text.is_empty() || self.pages.is_empty() {
            return self.text.clone();
        }
        let pages: Vec<&str> = self.pages.iter().map(|p| p.text.as_str()).collect();
        pages.join("\u{c}")
    }

    /// The cells of the record's tables (`metadata.tables`), rows as lines with cells
    /// separated by ` | `, leaving out rows the text already holds as printed: what the
    /// index adds to the text so a value read from a table cell is found.
    pub fn tables_text(&self, text: &str) -> String {
        let mut out = String::new();
        let tables = self.metadata.get("tables").and_then(Value::as_array);
        for table in tables.into_iter().flatten() {
            let rows = table.get("rows").and_then(Value::as_array);
            for row in rows.into_iter().flatten() {
                let cells: Vec<&str> = row
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let line = cells.join(" | ");
                if !line.trim_matches([' ', '|']).is_empty() && !text.contains(&line) {
                    out.push('\n');
                    out.push_str(&line);
                }
            }
        }
        out
    }

    /// The metadata fields used for filters and facets.
    pub fn meta(&self) -> Meta {
        let m = &self.metadata;
        let issued_date = string(m.get("issued_date")).filter(|d| parse_date(d).is_some());
        let year = issued_date
            .as_deref()
            .and_then(parse_date)
            .map(|(y, _, _)| y as u64)
            .or_else(|| {
                m.get("reporting_period")
                    .and_then(|p| p.get("year"))
                    .and_then(Value::as_u64)
            });
        let (doc_type, doc_type_code) = match m.get("doc_type") {
            Some(Value::Object(o)) => (string(o.get("name")), string(o.get("code"))),
            other => (string(other), None),
        };
        let issuer = match m.get("issuer") {
            Some(Value::Object(o)) => string(o.get("name")),
            other => string(other),
        };
        Meta {
            system: string(m.get("system")),
            doc_type,
            doc_type_code,
            reference: string(m.get("reference")),
            issuer,
            place: string(m.get("place")),
            issued_date,
            year,
            title: string(m.get("title")),
        }
    }
}

/// A non-empty, trimmed string value.
fn string(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Parses an ISO date `YYYY-MM-DD` into (year, month, day), checking it exists.
///
/// ```
/// use sohoa::search::record::parse_date;
/// assert_eq!(parse_date("2025-07-03"), Some((2025, 7, 3)));
/// assert_eq!(parse_date("2025-02-30"), None);
/// assert_eq!(parse_date("03/07/2025"), None);
/// ```
pub fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let mut parts = text.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let month = tantivy::time::Month::try_from(m).ok()?;
    tantivy::time::Date::from_calendar_date(y, month, d).ok()?;
    Some((y, m, d))
}

/// Seconds since the Unix epoch at midnight UTC of an ISO date (see [`parse_date`]).
///
/// ```
/// assert_eq!(sohoa::search::record::date_to_secs("1970-01-02"), Some(86_400));
/// ```
pub fn date_to_secs(text: &str) -> Option<i64> {
    let (y, m, d) = parse_date(text)?;
    let month = tantivy::time::Month::try_from(m).ok()?;
    let date = tantivy::time::Date::from_calendar_date(y, month, d).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}
