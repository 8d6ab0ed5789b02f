//! Metadata extraction: a Vietnamese Party or State document's identity and content as data.
//!
//! [`extract`] reads the text of one document (clean, ASCII, or unrepaired OCR) and returns an
//! [`Extraction`]: the [`Metadata`] fields of the gold `SCHEMA.md` (number and symbol, type,
//! issuer, date, title, addressees, recipients, signers, cited documents, reporting period,
//! targets), an [`Evidence`] map saying where each value came from and how sure the rule is,
//! and warnings.
//!
//! The rules follow the official format standards, not any particular document: Nghị định
//! 30/2020/NĐ-CP for State documents (`Số: 9661/UBND-VX`, `TM.`/`KT.`/`TL.`/`TUQ.`/`Q.`, the type
//! abbreviation list) and Hướng dẫn 36-HD/VPTW for Party documents (`Số 42-BC/BTGDVTU`,
//! `T/M`/`K/T`/`T/L`/`T/UQ`). Headings and codes are matched on the diacritic-folded text, so
//! legacy OCR without Vietnamese data (`S6 42-BC/BTGDVTU`, `QD`) is read too.
//!
//! ```
//! use sohoa::extract::extract;
//!
//! let text = "ĐẢNG BỘ TỈNH THANH HÓA ĐẢNG CỘNG SẢN VIỆT NAM\n\
//!             BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY\n\
//!             Số 42-BC/BTGDVTU Thanh Hóa, ngày 03 tháng 7 năm 2025\n\
//!             \n\
//!             BÁO CÁO\n\
//!             Tình hình triển khai Kế hoạch số 265-KH/TU của Ban Thường vụ Tỉnh ủy\n";
//! let x = extract(text, None);
//! assert_eq!(x.metadata.reference.as_deref(), Some("42-BC/BTGDVTU"));
//! assert_eq!(x.metadata.doc_type.code.as_deref(), Some("BC"));
//! assert_eq!(x.metadata.issued_date.as_deref(), Some("2025-07-03"));
//! assert_eq!(x.metadata.references[0].reference, "265-KH/TU");
//! assert!(x.evidence.0.contains_key("reference"));
//! ```

mod closing;
mod codes;
pub mod command;
mod dates;
pub mod export;
mod header;
mod lexicon;
mod refs;
pub mod tables;
mod targets;
mod text;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use text::Doc;

/// Errors of the extraction stage (only the command line can fail: [`extract`] never does).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The output could not be serialised.
    #[error("cannot write the output: {0}")]
    Output(String),
}

/// One OCR'd line with its position, as the OCR stage produces it.
///
/// ```
/// use sohoa::extract::LayoutLine;
/// let l = LayoutLine { page: 1, text: "BÁO CÁO".into(), bbox: [1000, 900, 400, 60],
///                      page_width: 2480, page_height: 3508 };
/// assert_eq!(l.bbox[2], 400);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutLine {
    /// 1-based page number.
    pub page: u32,
    /// The line's text.
    pub text: String,
    /// `[x, y, w, h]` in pixels from the top-left corner of the page.
    pub bbox: [u32; 4],
    /// Page width in pixels.
    pub page_width: u32,
    /// Page height in pixels.
    pub page_height: u32,
}

/// Party (`ĐẢNG CỘNG SẢN VIỆT NAM`, `42-BC/...`) or State (`CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum System {
    /// A Party document (Hướng dẫn 36-HD/VPTW).
    Party,
    /// A State document (Nghị định 30/2020/NĐ-CP).
    State,
}

/// The document type: name (sentence case) and the abbreviation in the symbol.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocType {
    /// `Báo cáo`, `Kế hoạch`, `Công văn`, ...
    pub name: Option<String>,
    /// `BC`, `KH`, `QĐ`, ...; `None` when the symbol has no type code (a State công văn).
    pub code: Option<String>,
}

/// The issuing body and the body above it in the header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Issuer {
    /// `Ban Tuyên giáo và Dân vận Tỉnh ủy`.
    pub name: Option<String>,
    /// `Đảng bộ tỉnh Thanh Hóa`, if printed.
    pub parent: Option<String>,
}

/// The period a report covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportingPeriod {
    /// Week number (`Tuần 27`).
    pub week: Option<u32>,
    /// Year.
    pub year: Option<i32>,
    /// First day, ISO.
    pub from: Option<String>,
    /// Last day, ISO.
    pub to: Option<String>,
}

/// One signature block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signer {
    /// `T/M`, `K/T`, `T/L`, `T/UQ` (Party) or `TM.`, `KT.`, `TL.`, `TUQ.`, `Q.` (State).
    pub authority: Option<String>,
    /// The line after the authority: `TRƯỞNG BAN`, `BAN THƯỜNG VỤ`, `ỦY BAN NHÂN DÂN`.
    pub on_behalf_of: Option<String>,
    /// The signer's own title: `PHÓ TRƯỞNG BAN`, `CHỦ TỊCH`.
    pub position: Option<String>,
    /// The printed name.
    pub name: Option<String>,
}

/// A document cited in the text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// The type noun before `số` (`Kế hoạch`), or from the code when unreadable.
    pub doc_type: Option<String>,
    /// Number + symbol without spaces: `265-KH/TU`, `146/QĐ-TTg`.
    pub reference: String,
    /// ISO date after `ngày`.
    pub date: Option<String>,
    /// The body after `của`.
    pub issuer: Option<String>,
}

/// A numbered target (chỉ tiêu) with a numeric value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The year it applies to.
    pub year: Option<i32>,
    /// The label as printed: `(1)`, `a`, `1`; `None` for a dash item.
    pub label: Option<String>,
    /// The value (`90` for `90%`).
    #[serde(serialize_with = "ser_number")]
    pub value: f64,
    /// `%` or the unit word.
    pub unit: String,
    /// The rest of the item without the value.
    pub subject: String,
}

fn ser_number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// The fields of the gold `SCHEMA.md`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Party or State.
    pub system: Option<System>,
    /// Type name and code.
    pub doc_type: DocType,
    /// The document's own number + symbol (`42-BC/BTGDVTU`).
    pub reference: Option<String>,
    /// Its leading number as printed (`42`, `03`).
    pub number: Option<String>,
    /// Issuing body.
    pub issuer: Issuer,
    /// Place in the date line.
    pub place: Option<String>,
    /// Date of the document, ISO.
    pub issued_date: Option<String>,
    /// Trích yếu (for a công văn, the `V/v` text).
    pub title: Option<String>,
    /// The period reported on.
    pub reporting_period: Option<ReportingPeriod>,
    /// After `Kính gửi:`.
    pub addressees: Vec<String>,
    /// Under `Nơi nhận:`.
    pub recipients: Vec<String>,
    /// Signature blocks.
    pub signers: Vec<Signer>,
    /// Cited documents.
    pub references: Vec<Reference>,
    /// Targets.
    pub targets: Vec<Target>,
    /// Data tables (`tables::Table`), in order.
    #[serde(default)]
    pub tables: Vec<tables::Table>,
}

/// Where one value came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// 1-based first line in the input text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based last line, when the value spans several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_end: Option<u32>,
    /// 1-based page (form feeds in text; the OCR page with layout).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// `[x, y, w, h]` of the OCR line, when layout was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[u32; 4]>,
    /// The source text (the first line, shortened).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Which rule produced the value.
    pub rule: String,
    /// 0..1: how sure the rule is.
    pub confidence: f32,
    /// Caveats: `year_inferred`, `type_from_code`, `inferred_from_body`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

impl Source {
    pub(crate) fn rule(rule: &str, confidence: f32) -> Source {
        Source {
            rule: rule.to_string(),
            confidence,
            ..Source::default()
        }
    }
}

/// For each extracted value (keyed by its path in [`Metadata`]: `reference`, `issuer.name`,
/// `references[2]`, `signers[0].name`, ...), where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Evidence(pub BTreeMap<String, Source>);

/// The result of [`extract`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The metadata fields.
    pub metadata: Metadata,
    /// Where each value came from.
    pub evidence: Evidence,
    /// What could not be found or looked doubtful.
    pub warnings: Vec<String>,
}

struct Ctx<'a> {
    doc: &'a Doc,
    line_quality: &'a [f32],
    layout: Option<Vec<Option<&'a LayoutLine>>>,
    evidence: BTreeMap<String, Source>,
}

impl Ctx<'_> {
    /// Records evidence for `key` from line indexes `a..=b`.
    fn put(&mut self, key: &str, a: usize, b: usize, mut src: Source) {
        // Text that needed repair is less certain than text read as printed.
        let quality = (a..=b)
            .filter_map(|i| self.line_quality.get(i))
            .fold(1.0f32, |q, &l| q.min(l));
        if quality < 1.0 {
            src.confidence *= quality;
            src.flags.push("repaired_text".into());
        }
        let Some(first) = self.doc.lines.get(a) else {
            self.evidence.insert(key.to_string(), src);
            return;
        };
        src.line = Some(first.number);
        if b > a {
            src.line_end = self.doc.lines.get(b).map(|l| l.number);
        }
        src.page = Some(first.page);
        let t = first.text.trim();
        let short: String = t.chars().take(160).collect();
        src.text = Some(short);
        if let Some(Some(l)) = self.layout.as_ref().and_then(|v| v.get(a)) {
            src.page = Some(l.page);
            src.bbox = Some(l.bbox);
        }
        self.evidence.insert(key.to_string(), src);
    }
}

/// Maps each text line to the layout line with the same folded text (in order).
fn align_layout<'a>(doc: &Doc, layout: &'a [LayoutLine]) -> Vec<Option<&'a LayoutLine>> {
    let keys: Vec<String> = layout
        .iter()
        .map(|l| text::fold_lower(&text::squash(&l.text)))
        .collect();
    let mut next = 0;
    doc.lines
        .iter()
        .map(|line| {
            let k = text::fold_lower(&text::squash(&line.text));
            if k.is_empty() {
                return None;
            }
            // Search forward from the last match, then anywhere; containment covers a text
            // line that joined two OCR lines of the same row.
            let hit = (next..keys.len())
                .chain(0..next.min(keys.len()))
                .find(|&i| keys[i] == k || (!keys[i].is_empty() && k.contains(keys[i].as_str())));
            if let Some(i) = hit {
                next = i + 1;
                Some(&layout[i])
            } else {
                None
            }
        })
        .collect()
}

/// Header lines from the layout: the blocks in the top part of page 1, left and right.
/// Returns the left-column lines (issuer side) above the first centred type heading.
fn layout_left_header(layout: &[LayoutLine]) -> Vec<&LayoutLine> {
    let mut first: Vec<&LayoutLine> = layout.iter().filter(|l| l.page == layout[0].page).collect();
    first.sort_by_key(|l| (l.bbox[1], l.bbox[0]));
    let mut out = Vec::new();
    for l in first {
        if l.page_height > 0 && l.bbox[1] > l.page_height / 3 {
            break;
        }
        if header::heading_type(&l.text).is_some() {
            break;
        }
        let centre = l.bbox[0] + l.bbox[2] / 2;
        if l.page_width > 0 && centre < l.page_width * 45 / 100 {
            out.push(l);
            // The number (`Số …`) closes the left block in both standards.
            if header::is_number_line(&l.text) {
                break;
            }
        }
    }
    out
}

/// Where a second document starts, if the input holds several.
fn second_document(doc: &Doc) -> Option<usize> {
    let mut anchors = Vec::new();
    for (i, l) in doc.lines.iter().enumerate() {
        if (header::PARTY_RE.is_match(&l.folded) || header::STATE_RE.is_match(&l.folded))
            && anchors.last().is_none_or(|&p: &usize| i > p + 25)
        {
            anchors.push(i);
        }
    }
    let second = *anchors.get(1)?;
    // Include the issuer lines printed just above the national header of the second document.
    let mut s = second;
    while s > anchors[0] + 1 && s + 3 > second && !doc.lines[s - 1].is_blank() {
        s -= 1;
    }
    Some(s)
}

/// The shape of a symbol: Party `57-NQ/TW` (hyphen before the type), State `23/2023/QĐ-TTg`
/// or `9661/UBND-VX` (slash first); `None` when it has neither.
fn symbol_is_party(reference: &str) -> Option<bool> {
    let rest = reference.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.chars().next() {
        Some('-') => Some(true),
        Some('/') => Some(false),
        _ => None,
    }
}

/// Extracts the metadata of one document from its text.
///
/// `layout`, when given, holds the OCR lines with positions: the issuer is then read from the
/// left header column, and evidence carries page and box. Never fails and never panics: what
/// cannot be found is `null` and explained in `warnings`.
///
/// ```
/// let x = sohoa::extract::extract("This is an English memo about nothing.", None);
/// assert_eq!(x.metadata.reference, None);
/// assert!(!x.warnings.is_empty());
/// ```
pub fn extract(text: &str, layout: Option<&[LayoutLine]>) -> Extraction {
    // An OCR'd page's tables come from its geometry, not its text.
    let tables = match layout {
        None => tables::from_text(text),
        Some(_) => Vec::new(),
    };
    extract_all(text, layout, tables, &[])
}

/// [`extract`] with the document's tables read elsewhere (from a PDF's or a scan's geometry,
/// or from the text before repair); their target tables add to `targets`.
///
/// ```
/// let t = sohoa::extract::tables::from_text("TT | Tên\n1 | A\n");
/// let x = sohoa::extract::extract_with_tables("", None, t);
/// assert_eq!(x.metadata.tables.len(), 1);
/// ```
pub fn extract_with_tables(
    text: &str,
    layout: Option<&[LayoutLine]>,
    tables: Vec<tables::Table>,
) -> Extraction {
    extract_all(text, layout, tables, &[])
}

/// Like [`extract`], with how sure each text line is (`line_quality[i]` for line `i + 1`, in
/// (0, 1]; missing lines count 1): a value read from lines that needed repair gets its rule's
/// confidence times the lowest quality of those lines, and the flag `repaired_text`.
///
/// ```
/// use sohoa::extract::extract_with_quality;
/// let text = "Số: 12/BC-UBND\nBÁO CÁO\nKết quả tuần 27\n";
/// let clean = extract_with_quality(text, None, &[]);
/// let damaged = extract_with_quality(text, None, &[0.6, 1.0, 1.0]);
/// let c = |x: &sohoa::extract::Extraction| x.evidence.0["reference"].confidence;
/// assert!(c(&damaged) < c(&clean));
/// ```
pub fn extract_with_quality(
    text: &str,
    layout: Option<&[LayoutLine]>,
    line_quality: &[f32],
) -> Extraction {
    let tables = match layout {
        None => tables::from_text(text),
        Some(_) => Vec::new(),
    };
    extract_all(text, layout, tables, line_quality)
}

/// The fields, the given tables (their target tables add to `targets`) and the evidence
/// weighed by `line_quality`.
pub(crate) fn extract_all(
    text: &str,
    layout: Option<&[LayoutLine]>,
    tables: Vec<tables::Table>,
    line_quality: &[f32],
) -> Extraction {
    let mut x = extract_fields(text, layout, line_quality);
    tables::attach(&mut x, tables);
    x
}

fn extract_fields(text: &str, layout: Option<&[LayoutLine]>, line_quality: &[f32]) -> Extraction {
    let doc = Doc::new(text);
    let mut warnings = Vec::new();
    let mut ctx = Ctx {
        doc: &doc,
        line_quality,
        layout: layout
            .filter(|l| !l.is_empty())
            .map(|l| align_layout(&doc, l)),
        evidence: BTreeMap::new(),
    };
    let mut m = Metadata::default();
    if doc.lines.iter().all(|l| l.is_blank()) {
        warnings.push("empty input".to_string());
        return Extraction {
            metadata: m,
            evidence: Evidence::default(),
            warnings,
        };
    }
    if doc.unaccented {
        warnings.push(
            "text has almost no Vietnamese diacritics (ASCII or unrepaired OCR): names and titles are copied as printed".to_string(),
        );
    }
    let seg_end = match second_document(&doc) {
        Some(s) => {
            warnings.push(format!(
                "input appears to hold more than one document (another header at line {}); extracted the first",
                doc.lines[s].number
            ));
            s
        }
        None => doc.lines.len(),
    };

    let h = header::parse(&doc, 0, seg_end);

    // Own reference.
    if let Some((li, r)) = &h.reference {
        m.reference = Some(r.reference.clone());
        m.number = Some(r.number.clone());
        ctx.put("reference", *li, *li, Source::rule("number_line", 0.95));
        ctx.put("number", *li, *li, Source::rule("number_line", 0.95));
    }

    // Closing (also gives the authority style for the system).
    let cl = closing::parse(&doc, 0, seg_end, h.body_start);

    // System.
    let own_shape = h.reference.as_ref().and_then(|(_, r)| r.party_shape);
    let authority_party = cl
        .signers
        .first()
        .and_then(|(s, _)| s.authority.as_deref().map(|a| a.contains('/')));
    let (system, sys_line, sys_rule, conf) = if let Some(i) = h.party_header {
        (Some(System::Party), Some(i), "national_header", 0.98)
    } else if let Some(i) = h.state_header {
        (Some(System::State), Some(i), "national_header", 0.98)
    } else if let Some(p) = own_shape {
        let li = h.reference.as_ref().map(|(i, _)| *i);
        (
            Some(if p { System::Party } else { System::State }),
            li,
            "number_shape",
            0.85,
        )
    } else if let Some(p) = authority_party {
        let li = cl.signers.first().and_then(|(_, l)| l.first().copied());
        (
            Some(if p { System::Party } else { System::State }),
            li,
            "signature_authority",
            0.75,
        )
    } else {
        (None, None, "", 0.0)
    };
    m.system = system;
    match sys_line {
        Some(li) => ctx.put("system", li, li, Source::rule(sys_rule, conf)),
        None => warnings.push("system (Party/State) not determined: no national header, number or signature authority".into()),
    }
    let party = system.map(|s| s == System::Party);

    // Type.
    let own_code = h.reference.as_ref().and_then(|(_, r)| r.code.clone());
    if let Some((li, name, _)) = &h.heading {
        m.doc_type.name = Some((*name).to_string());
        ctx.put(
            "doc_type.name",
            *li,
            *li,
            Source::rule("type_heading", 0.95),
        );
    } else if h.vv {
        m.doc_type.name = Some("Công văn".into());
        let li = h.title.as_ref().map(|t| t.0).unwrap_or(0);
        ctx.put("doc_type.name", li, li, Source::rule("vv_line", 0.85));
    } else if let Some(c) = own_code.as_deref() {
        if let Some(n) = codes::name_for_code(c, party) {
            m.doc_type.name = Some(n.to_string());
            let li = h.reference.as_ref().map(|(i, _)| *i).unwrap_or(0);
            ctx.put("doc_type.name", li, li, Source::rule("type_from_code", 0.7));
        }
    }
    if m.doc_type.name.is_none() && h.heading.is_none() {
        // A letter with `Kính gửi:` and no type heading is a công văn.
        if let Some((li, _)) = h.addressees.first() {
            m.doc_type.name = Some("Công văn".into());
            ctx.put(
                "doc_type.name",
                *li,
                *li,
                Source::rule("kinh_gui_without_heading", 0.6),
            );
        }
    }
    if m.doc_type.name.is_none() {
        warnings.push("document type not found (no type heading, V/v line or type code)".into());
    }
    // A State công văn has no type code in its symbol: `5333/CT-CS` is Cục Thuế's office
    // code, not Chỉ thị.
    let state_letter = h.heading.is_none()
        && m.doc_type.name.as_deref() == Some("Công văn")
        && party != Some(true);
    if let Some(c) = own_code.filter(|c| !state_letter || c == "CV") {
        let li = h.reference.as_ref().map(|(i, _)| *i).unwrap_or(0);
        m.doc_type.code = Some(c);
        ctx.put("doc_type.code", li, li, Source::rule("number_symbol", 0.95));
    }
    // Without a printed symbol the code stays null (SCHEMA.md: the code is the abbreviation
    // inside the symbol).

    // Issuer.
    let left = layout.map(layout_left_header).unwrap_or_default();
    if !left.is_empty() {
        let items: Vec<(usize, &str)> = left
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.text.as_str()))
            .collect();
        let mut orgs = header::header_orgs(&items);
        let mut put_layout = |key: &str, (i, name): (usize, String), m: &mut Option<String>| {
            *m = Some(header::cased(&doc, &name));
            let mut src = Source::rule("layout_left_header", 0.9);
            src.page = Some(left[i].page);
            src.bbox = Some(left[i].bbox);
            src.text = Some(left[i].text.clone());
            ctx.evidence.insert(key.into(), src);
        };
        if let Some(x) = orgs.pop() {
            put_layout("issuer.name", x, &mut m.issuer.name);
            if let Some(p) = orgs.pop() {
                put_layout("issuer.parent", p, &mut m.issuer.parent);
            }
        }
    }
    // A document whose header is missing but which has the rest of a document's frame (a
    // type heading, addressees, a recipients list or a signature) may have its issuer
    // inferred from the body (SCHEMA.md); a page of running text alone (page 2 of a report)
    // gets none: body text never fills header fields there.
    let has_frame = h.heading.is_some()
        || !h.addressees.is_empty()
        || cl.noi_nhan.is_some()
        || !cl.signers.is_empty();
    if m.issuer.name.is_none() {
        if let Some((li, name)) = &h.issuer {
            m.issuer.name = Some(name.clone());
            ctx.put(
                "issuer.name",
                *li,
                *li,
                Source::rule("header_left_column", 0.9),
            );
            if let Some((pi, p)) = &h.parent {
                m.issuer.parent = Some(p.clone());
                ctx.put(
                    "issuer.parent",
                    *pi,
                    *pi,
                    Source::rule("header_left_column", 0.85),
                );
            }
        } else if let Some((li, name)) = h
            .enacting
            .as_ref()
            .and_then(|(li, a)| header::body_of_authority(a).map(|b| (*li, b)))
        {
            m.issuer.name = Some(header::cased(&doc, &name));
            let mut s = Source::rule("enacting_authority", 0.7);
            s.flags.push("inferred_from_authority".into());
            ctx.put("issuer.name", li, li, s);
            warnings.push(
                "issuer not printed in a header: taken from the enacting authority under the title"
                    .into(),
            );
        } else if let Some((li, name)) = has_frame
            .then(|| header::issuer_from_body(&doc, h.body_start, seg_end))
            .flatten()
        {
            m.issuer.name = Some(name);
            let mut s = Source::rule("opening_paragraph", 0.6);
            s.flags.push("inferred_from_body".into());
            ctx.put("issuer.name", li, li, s);
            warnings
                .push("issuer not printed in a header: inferred from the opening paragraph".into());
        } else if let Some((s, l)) = cl.signers.first() {
            if let Some(ob) = s
                .on_behalf_of
                .as_deref()
                // only `TM.`/`T/M` sign for a collective body; `TL.`/`TUQ.` sign for a
                // head (`TL. CỤC TRƯỞNG`), which names no body
                .filter(|_| {
                    s.authority
                        .as_deref()
                        .is_some_and(|a| a == "TM." || a == "T/M")
                })
            {
                m.issuer.name = Some(text::org_case(ob));
                let li = l.first().copied().unwrap_or(0);
                let mut src = Source::rule("signature_on_behalf_of", 0.4);
                src.flags.push("inferred_from_signature".into());
                ctx.put("issuer.name", li, li, src);
                warnings.push(
                    "issuer not printed in a header: inferred from the signature block".into(),
                );
            }
        }
    }
    if m.issuer.name.is_none() {
        warnings.push("issuer not found".into());
    }

    // Place and date.
    if let Some((li, p)) = &h.place {
        // The place is the locality of the issuer's seat (Nghị định 30/2020, Hướng dẫn 36):
        // check its spelling against the header's localities and the provinces.
        let localities: Vec<String> = [&m.issuer.name, &m.issuer.parent]
            .into_iter()
            .flatten()
            .filter_map(|n| lexicon::locality(n))
            .collect();
        let mut src = Source::rule("date_line", 0.9);
        match lexicon::check_place(p, &localities) {
            Some((fixed, why)) if fixed != *p => {
                src.flags.push(format!("spelling_from_{why}"));
                src.confidence = 0.8;
                m.place = Some(fixed);
            }
            Some(_) => {
                src.confidence = 0.95;
                m.place = Some(p.clone());
            }
            None => m.place = Some(p.clone()),
        }
        ctx.put("place", *li, *li, src);
    }
    if let Some((li, d)) = &h.date {
        m.issued_date = Some(d.clone());
        ctx.put("issued_date", *li, *li, Source::rule("date_line", 0.95));
    } else {
        warnings.push("issue date (…, ngày … tháng … năm …) not found".into());
    }

    // Title.
    if let Some((a, b, t)) = &h.title {
        m.title = Some(t.clone());
        let rule = if h.vv {
            "vv_line"
        } else {
            "lines_under_heading"
        };
        ctx.put("title", *a, *b, Source::rule(rule, 0.85));
    } else {
        warnings.push("title (trích yếu) not found".into());
    }

    // Reporting period.
    let doc_year: Option<i64> = m
        .issued_date
        .as_deref()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    if let Some((li, p)) = &h.period {
        m.reporting_period = Some(ReportingPeriod {
            week: p.week,
            year: p.year,
            from: p.from.clone(),
            to: p.to.clone(),
        });
        let mut s = Source::rule("week_period", 0.9);
        s.flags = p.flags.iter().map(|f| f.to_string()).collect();
        if !p.flags.is_empty() {
            warnings.push(format!("reporting period: {}", p.flags.join(", ")));
            s.confidence = 0.7;
        }
        ctx.put("reporting_period", *li, *li, s);
    } else if m.doc_type.name.as_deref() == Some("Báo cáo") {
        if let Some((a, _, t)) = &h.title {
            if let Some(p) = dates::title_period(&text::fold_lower(t)) {
                m.reporting_period = Some(ReportingPeriod {
                    week: None,
                    year: p.year,
                    from: p.from,
                    to: p.to,
                });
                ctx.put(
                    "reporting_period",
                    *a,
                    *a,
                    Source::rule("title_period", 0.8),
                );
            }
        }
    }
    let period_year = m
        .reporting_period
        .as_ref()
        .and_then(|p| p.year)
        .map(i64::from);
    let default_year = doc_year.or(period_year);

    // Addressees.
    for (k, (li, a)) in h.addressees.iter().enumerate() {
        m.addressees.push(a.clone());
        ctx.put(
            &format!("addressees[{k}]"),
            *li,
            *li,
            Source::rule("kinh_gui", 0.9),
        );
    }

    // Recipients and signers.
    for (k, (li, r)) in cl.recipients.iter().enumerate() {
        m.recipients.push(r.clone());
        ctx.put(
            &format!("recipients[{k}]"),
            *li,
            *li,
            Source::rule("noi_nhan", 0.85),
        );
    }
    if cl.noi_nhan.is_none() {
        warnings.push("no recipients list (Nơi nhận:) found".into());
    }
    for (k, (s, lines)) in cl.signers.iter().enumerate() {
        let mut s = s.clone();
        // Titles and collective bodies are a closed list: repair OCR slips in them.
        for v in [&mut s.on_behalf_of, &mut s.position].into_iter().flatten() {
            if let Some(t) = lexicon::canon_title(v) {
                *v = t.to_string();
            }
        }
        let s = &s;
        m.signers.push(s.clone());
        for (field, val) in [
            ("authority", &s.authority),
            ("on_behalf_of", &s.on_behalf_of),
            ("position", &s.position),
            ("name", &s.name),
        ] {
            if val.is_some() {
                let li = match field {
                    "name" => lines.last().copied(),
                    "authority" => lines.first().copied(),
                    "on_behalf_of" => lines
                        .get(if s.authority.is_some() { 1 } else { 0 })
                        .or(lines.first())
                        .copied(),
                    _ => lines
                        .get(
                            lines
                                .len()
                                .saturating_sub(if s.name.is_some() { 2 } else { 1 }),
                        )
                        .copied(),
                };
                if let Some(li) = li {
                    ctx.put(
                        &format!("signers[{k}].{field}"),
                        li,
                        li,
                        Source::rule("signature_block", 0.8),
                    );
                }
            }
        }
    }
    if m.signers.is_empty() {
        warnings.push("no signature block found".into());
    }

    // References (the whole segment, footnotes included).
    let (joined, starts) = text::join_lines(&doc.lines[..seg_end]);
    for (k, (r, off, src)) in refs::extract_refs(
        &joined,
        m.reference.as_deref(),
        doc.unaccented,
        default_year,
        party,
    )
    .into_iter()
    .enumerate()
    {
        let li = text::line_of(&starts, off);
        if src.flags.iter().any(|f| f == "date_year_inferred") {
            warnings.push(format!(
                "reference {}: date printed without a year, year taken from the document",
                r.reference
            ));
        }
        ctx.put(&format!("references[{k}]"), li, li, src);
        m.references.push(r);
    }

    // System, when neither header, number nor signature told it: the shape of the cited
    // symbols (a document cites mostly its own system's documents).
    if m.system.is_none() {
        let shapes: Vec<bool> = m
            .references
            .iter()
            .filter_map(|r| symbol_is_party(&r.reference))
            .collect();
        let party_n = shapes.iter().filter(|p| **p).count();
        let state_n = shapes.len() - party_n;
        let (major, minor, sys) = if party_n >= state_n {
            (party_n, state_n, System::Party)
        } else {
            (state_n, party_n, System::State)
        };
        if major >= 2 && major >= 3 * minor {
            m.system = Some(sys);
            let mut src = Source::rule("cited_symbols", 0.6);
            src.flags.push("inferred_from_citations".into());
            ctx.evidence.insert("system".into(), src);
            warnings.retain(|w| !w.starts_with("system (Party/State) not determined"));
            warnings
                .push("system (Party/State) inferred from the shapes of the cited symbols".into());
        }
    }

    // Targets.
    for (k, (t, a, b)) in targets::extract(&doc.lines[..seg_end], default_year.map(|y| y as i32))
        .into_iter()
        .enumerate()
    {
        ctx.put(
            &format!("targets[{k}]"),
            a,
            b,
            Source::rule("target_item", 0.8),
        );
        m.targets.push(t);
    }

    if m.reference.is_none()
        && m.doc_type.name.is_none()
        && m.issuer.name.is_none()
        && m.issued_date.is_none()
    {
        warnings.push(
            "no Vietnamese Party/State document header found: is this an administrative document?"
                .into(),
        );
    }

    Extraction {
        metadata: m,
        evidence: Evidence(ctx.evidence),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_do_not_panic() {
        for s in [
            "",
            "\n\n\n",
            "12345 67890\n",
            "Số",
            "Số:",
            "ngày 99 tháng 99 năm 99999",
            "T/M",
            "Nơi nhận:",
            "- ",
            "(1) 100%",
            "CHỈ TIÊU\n(1)",
            "\u{000C}\u{000C}",
        ] {
            let x = extract(s, None);
            let _ = serde_json::to_string(&x).unwrap();
        }
    }

    #[test]
    fn english_document_has_nulls_and_warnings() {
        let x = extract(
            "MEMORANDUM\nTo: All staff\nFrom: The Director\nDate: 3 July 2025\n\nPlease submit your weekly reports by Friday.\n",
            None,
        );
        assert_eq!(x.metadata.reference, None);
        assert_eq!(x.metadata.issued_date, None);
        assert_eq!(x.metadata.system, None);
        assert!(x.warnings.iter().any(|w| w.contains("no Vietnamese")));
    }

    #[test]
    fn two_documents_take_the_first() {
        let one = "UBND TỈNH THANH HÓA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc\nSố: 12/BC-SNV Thanh Hóa, ngày 01 tháng 7 năm 2025\n\nBÁO CÁO\nKết quả công tác tháng 6 năm 2025\n\nNội dung.\n";
        let two = "UBND TỈNH THANH HÓA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ Y TẾ Độc lập - Tự do - Hạnh phúc\nSố: 99/KH-SYT Thanh Hóa, ngày 05 tháng 8 năm 2025\n\nKẾ HOẠCH\nPhòng chống dịch\n";
        let filler = "Nội dung báo cáo.\n".repeat(30);
        let x = extract(&format!("{one}{filler}{two}"), None);
        assert_eq!(x.metadata.reference.as_deref(), Some("12/BC-SNV"));
        assert_eq!(x.metadata.issuer.name.as_deref(), Some("Sở Nội vụ"));
        assert!(
            x.warnings
                .iter()
                .any(|w| w.contains("more than one document"))
        );
        assert!(
            x.metadata
                .references
                .iter()
                .all(|r| r.reference != "99/KH-SYT")
        );
    }

    #[test]
    fn a_page_without_a_header_gets_no_header_fields() {
        let page = "trong quá trình tiếp nhận, giải quyết thủ tục hành chính. Ban hành Công văn số\n\
                    4762/CAT-PC03 ngày 25/11/2025 về việc đẩy mạnh cấp tài khoản định danh cho\n\
                    doanh nghiệp và hợp tác xã. Trung tâm Phục vụ hành chính công tỉnh báo cáo\n\
                    kết quả trong tuần.\n";
        let x = extract(page, None);
        assert_eq!(x.metadata.reference, None);
        assert_eq!(x.metadata.issuer.name, None);
        assert_eq!(x.metadata.references[0].reference, "4762/CAT-PC03");
        assert!(x.warnings.iter().any(|w| w.contains("not found")));
    }

    #[test]
    fn layout_gives_boxes_and_left_column() {
        let text = "ĐẢNG BỘ TỈNH THANH HÓA\nĐẢNG CỘNG SẢN VIỆT NAM\nBAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY\nSố 42-BC/BTGDVTU\n\nBÁO CÁO\nVề việc A\n";
        let mk = |t: &str, x, y| LayoutLine {
            page: 1,
            text: t.into(),
            bbox: [x, y, 800, 50],
            page_width: 2480,
            page_height: 3508,
        };
        let layout = vec![
            mk("ĐẢNG BỘ TỈNH THANH HÓA", 150, 200),
            mk("ĐẢNG CỘNG SẢN VIỆT NAM", 1400, 200),
            mk("BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY", 100, 260),
            mk("Số 42-BC/BTGDVTU", 200, 330),
            mk("BÁO CÁO", 1000, 600),
            mk("Về việc A", 1000, 660),
        ];
        let x = extract(text, Some(&layout));
        assert_eq!(
            x.metadata.issuer.parent.as_deref(),
            Some("Đảng bộ tỉnh Thanh Hóa")
        );
        assert_eq!(x.evidence.0["reference"].bbox, Some([200, 330, 800, 50]));
        assert_eq!(x.evidence.0["reference"].page, Some(1));
    }
}
