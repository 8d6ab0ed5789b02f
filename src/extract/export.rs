//! Exports of the metadata to archive formats.
//!
//! - [`tt02`]: the document-level input fields of Vietnam's electronic archive standard,
//!   Thông tư 02/2019/TT-BNV (as amended by Thông tư 05/2025/TT-BNV), as XML elements named
//!   after the standard's field codes. Trích yếu nội dung → `Subject`; số → `CodeNumber`; ký
//!   hiệu → `CodeNotation`; tên loại → `TypeName`; ngày ban hành → `IssuedDate`; cơ quan ban hành
//!   → `OrganName`. Fields the text cannot give (file code, ordinal, mode, ...) are left out.
//! - [`dublin_core`]: Dublin Core (`dc:` and `dcterms:`), with the trích yếu as `dc:title`
//!   (it is the document's title, not its subject keywords).

use super::Metadata;
use quick_xml::escape::escape;
use std::fmt::Write;

/// Options that are not metadata: page count and language, when known.
#[derive(Debug, Clone, Default)]
pub struct ExportInfo {
    /// Number of pages of the source, if known.
    pub page_amount: Option<u32>,
}

fn el(out: &mut String, indent: &str, name: &str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        let _ = writeln!(out, "{indent}<{name}>{}</{name}>", escape(v));
    }
}

/// `dd/mm/yyyy` from an ISO date, the date form used in the standard's examples.
fn vn_date(iso: &str) -> Option<String> {
    let (y, rest) = iso.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    Some(format!("{d}/{m}/{y}"))
}

/// The symbol part of a reference (`42-BC/BTGDVTU` → `BC/BTGDVTU`, `9661/UBND-VX` → `UBND-VX`).
fn notation(reference: &str, number: Option<&str>) -> Option<String> {
    let n = number?;
    let rest = reference.strip_prefix(n)?;
    Some(rest.trim_start_matches(['-', '/']).to_string())
}

/// The Thông tư 02/2019/TT-BNV document record as XML.
///
/// ```
/// use sohoa::extract::{Metadata, export::{tt02, ExportInfo}};
/// let mut m = Metadata::default();
/// m.reference = Some("42-BC/BTGDVTU".into());
/// m.number = Some("42".into());
/// m.title = Some("Tình hình <tuần 27>".into());
/// let x = tt02(&m, &ExportInfo::default());
/// assert!(x.contains("<CodeNumber>42</CodeNumber>"));
/// assert!(x.contains("<CodeNotation>BC/BTGDVTU</CodeNotation>"));
/// assert!(x.contains("<Subject>Tình hình &lt;tuần 27&gt;</Subject>"));
/// ```
pub fn tt02(m: &Metadata, info: &ExportInfo) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<!-- Thông tư 02/2019/TT-BNV (sửa đổi bởi Thông tư 05/2025/TT-BNV): thông tin đầu vào của văn bản -->\n");
    out.push_str("<Document>\n");
    let i = "  ";
    el(&mut out, i, "TypeName", m.doc_type.name.as_deref());
    el(&mut out, i, "CodeNumber", m.number.as_deref());
    let nota = m
        .reference
        .as_deref()
        .and_then(|r| notation(r, m.number.as_deref()));
    el(&mut out, i, "CodeNotation", nota.as_deref());
    el(
        &mut out,
        i,
        "IssuedDate",
        m.issued_date.as_deref().and_then(vn_date).as_deref(),
    );
    el(&mut out, i, "OrganName", m.issuer.name.as_deref());
    el(&mut out, i, "Subject", m.title.as_deref());
    el(&mut out, i, "Language", Some("Tiếng Việt"));
    let pages = info.page_amount.map(|p| p.to_string());
    el(&mut out, i, "PageAmount", pages.as_deref());
    out.push_str("</Document>\n");
    out
}

/// Dublin Core XML.
///
/// ```
/// use sohoa::extract::{Metadata, Reference, export::dublin_core};
/// let mut m = Metadata::default();
/// m.title = Some("Kế hoạch thực hiện".into());
/// m.references.push(Reference { reference: "265-KH/TU".into(), ..Default::default() });
/// let x = dublin_core(&m);
/// assert!(x.contains("<dc:title>Kế hoạch thực hiện</dc:title>"));
/// assert!(x.contains("<dcterms:references>265-KH/TU</dcterms:references>"));
/// assert!(!x.contains("dc:subject"));
/// ```
pub fn dublin_core(m: &Metadata) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\n");
    let i = "  ";
    el(&mut out, i, "dc:identifier", m.reference.as_deref());
    el(&mut out, i, "dc:type", m.doc_type.name.as_deref());
    el(&mut out, i, "dc:creator", m.issuer.name.as_deref());
    el(&mut out, i, "dcterms:issued", m.issued_date.as_deref());
    el(&mut out, i, "dc:title", m.title.as_deref());
    el(&mut out, i, "dc:language", Some("vi"));
    if let Some(p) = &m.reporting_period {
        if let (Some(f), Some(t)) = (&p.from, &p.to) {
            el(&mut out, i, "dcterms:temporal", Some(&format!("{f}/{t}")));
        }
    }
    for r in &m.references {
        el(&mut out, i, "dcterms:references", Some(&r.reference));
    }
    out.push_str("</metadata>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notation_of_both_shapes() {
        assert_eq!(
            notation("42-BC/BTGDVTU", Some("42")).as_deref(),
            Some("BC/BTGDVTU")
        );
        assert_eq!(
            notation("9661/UBND-VX", Some("9661")).as_deref(),
            Some("UBND-VX")
        );
        assert_eq!(
            notation("54/2025/NQ-HĐND", Some("54")).as_deref(),
            Some("2025/NQ-HĐND")
        );
        assert_eq!(vn_date("2025-07-03").as_deref(), Some("03/07/2025"));
    }

    #[test]
    fn escapes_and_skips_empty() {
        let mut m = Metadata::default();
        m.issuer.name = Some("A & B".into());
        let x = dublin_core(&m);
        assert!(x.contains("<dc:creator>A &amp; B</dc:creator>"));
        assert!(!x.contains("dc:identifier"));
        let x = tt02(
            &m,
            &ExportInfo {
                page_amount: Some(3),
            },
        );
        assert!(x.contains("<OrganName>A &amp; B</OrganName>"));
        assert!(x.contains("<PageAmount>3</PageAmount>"));
    }
}
