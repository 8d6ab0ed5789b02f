//! What makes the PDF describe itself and identify as PDF/A-2b: the document information
//! dictionary and an XMP packet with the same values (Dublin Core names for what sohoa
//! extracted), an sRGB output intent, and a file identifier.
//!
//! A repository that ingests the file shows the title, number and symbol, issuer and date
//! without sohoa's JSON.

use super::objects::ObjectSink;
use crate::extract::Metadata;
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat, dictionary, text_string};
use std::fmt::Write as _;

/// The sRGB profile of the output intent: `sRGB.icc` from Debian's `icc-profiles-free`
/// 2.0.1+dfsg-1.1 (zlib licence, see `assets/README.md`).
const SRGB_ICC: &[u8] = include_bytes!("../../../assets/sRGB.icc");

/// What the file says about the document: the extracted metadata, in the names repositories
/// read.
///
/// ```
/// use sohoa::pipeline::searchable_pdf::DocumentInfo;
/// let info = DocumentInfo { title: Some("Kế hoạch".into()), ..DocumentInfo::default() };
/// assert_eq!(info.title.as_deref(), Some("Kế hoạch"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentInfo {
    /// `dc:title` and `/Title`: the trích yếu, or the type name when there is none.
    pub title: Option<String>,
    /// `dc:identifier` and `/Subject`: the number and symbol (`42-BC/BTGDVTU`).
    pub identifier: Option<String>,
    /// `dc:creator` and `/Author`: the issuing body.
    pub creator: Option<String>,
    /// `dc:date`: the date of the document, ISO.
    pub date: Option<String>,
}

impl DocumentInfo {
    /// The values of extracted metadata.
    ///
    /// ```
    /// use sohoa::extract::Metadata;
    /// use sohoa::pipeline::searchable_pdf::DocumentInfo;
    /// let mut metadata = Metadata::default();
    /// metadata.reference = Some("42-BC/BTGDVTU".into());
    /// assert_eq!(DocumentInfo::from_metadata(&metadata).identifier.as_deref(), Some("42-BC/BTGDVTU"));
    /// ```
    pub fn from_metadata(metadata: &Metadata) -> DocumentInfo {
        let title = match (&metadata.doc_type.name, &metadata.title) {
            (Some(kind), Some(title)) => Some(format!("{kind} {title}")),
            (None, Some(title)) => Some(title.clone()),
            (Some(kind), None) => Some(kind.clone()),
            (None, None) => None,
        };
        DocumentInfo {
            title,
            identifier: metadata.reference.clone().or(metadata.number.clone()),
            creator: metadata.issuer.name.clone(),
            date: metadata.issued_date.clone(),
        }
    }
}

/// Adds the XMP packet and (unless the document has its own) the sRGB output intent to
/// `catalog`, and returns the matching document information dictionary for the trailer.
///
/// `pdfa` adds the PDF/A-2b identification to the XMP; without it the file only describes
/// itself.
pub(super) fn describe(
    sink: &mut impl ObjectSink,
    catalog: &mut Dictionary,
    info: &DocumentInfo,
    pdfa: bool,
) -> std::io::Result<Dictionary> {
    let now = PdfDate::now();
    let producer = format!("sohoa {}", env!("CARGO_PKG_VERSION"));
    let xmp = xmp_packet(info, &producer, &now, pdfa);
    let metadata = sink.add(Object::Stream(
        Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            xmp.into_bytes(),
        )
        // PDF/A: the packet stays readable by tools that do not decompress.
        .with_compression(false),
    ))?;
    catalog.set("Metadata", metadata);
    if !catalog.has(b"Lang") {
        catalog.set("Lang", Object::string_literal("vi"));
    }
    if pdfa && !catalog.has(b"OutputIntents") {
        let intent = output_intent(sink)?;
        catalog.set("OutputIntents", vec![intent.into()]);
    }
    let mut dict = dictionary! {
        "Producer" => text_string(&producer),
        "Creator" => text_string(&producer),
        "CreationDate" => Object::string_literal(now.pdf.clone()),
        "ModDate" => Object::string_literal(now.pdf),
    };
    for (key, value) in [
        ("Title", &info.title),
        ("Author", &info.creator),
        ("Subject", &info.identifier),
    ] {
        if let Some(value) = value {
            dict.set(key, text_string(value));
        }
    }
    Ok(dict)
}

/// A file identifier for the trailer's `/ID` (PDF/A asks for one): a hash of `seed`.
pub(super) fn file_id(seed: &[u8]) -> Object {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(seed);
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    Object::Array(vec![id.clone(), id])
}

fn output_intent(sink: &mut impl ObjectSink) -> std::io::Result<ObjectId> {
    let mut profile = Stream::new(dictionary! { "N" => 3 }, SRGB_ICC.to_vec());
    // The profile compresses to about half; a failure only leaves it uncompressed.
    let _ = profile.compress();
    let profile = sink.add(Object::Stream(profile))?;
    sink.add(Object::Dictionary(dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => profile,
    }))
}

/// The same moment as a PDF date and an XMP date (PDF/A wants the two to agree).
#[derive(Debug, Clone, PartialEq)]
struct PdfDate {
    pdf: String,
    xmp: String,
}

impl PdfDate {
    fn now() -> PdfDate {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        PdfDate::from_unix(seconds)
    }

    fn from_unix(seconds: u64) -> PdfDate {
        let days = (seconds / 86_400) as i64;
        let rest = seconds % 86_400;
        let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
        // Days to civil date (Howard Hinnant's algorithm, proleptic Gregorian).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        PdfDate {
            pdf: format!("D:{year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}+00'00'"),
            xmp: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}+00:00"),
        }
    }
}

/// The XMP packet (ISO 16684-1) with Dublin Core, XMP basic, Adobe PDF and, for PDF/A, the
/// PDF/A identification schema; every property here is predefined, so no extension schema is
/// needed.
fn xmp_packet(info: &DocumentInfo, producer: &str, now: &PdfDate, pdfa: bool) -> String {
    let mut dc = String::new();
    let alt = |value: &str| {
        format!(
            "<rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt>",
            escape(value)
        )
    };
    if let Some(title) = &info.title {
        let _ = write!(dc, "<dc:title>{}</dc:title>", alt(title));
    }
    if let Some(creator) = &info.creator {
        let _ = write!(
            dc,
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>",
            escape(creator)
        );
    }
    if let Some(identifier) = &info.identifier {
        let _ = write!(dc, "<dc:identifier>{}</dc:identifier>", escape(identifier));
        // The Info dictionary's /Subject mirrors dc:description (ISO 19005-2 §6.6.2.3.1).
        let _ = write!(dc, "<dc:description>{}</dc:description>", alt(identifier));
    }
    if let Some(date) = &info.date {
        let _ = write!(
            dc,
            "<dc:date><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:date>",
            escape(date)
        );
    }
    let pdfaid = if pdfa {
        "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\
         <pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\
         </rdf:Description>"
    } else {
        ""
    };
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <dc:format>application/pdf</dc:format>\
         <dc:language><rdf:Bag><rdf:li>vi</rdf:li></rdf:Bag></dc:language>{dc}</rdf:Description>\
         <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\
         <xmp:CreatorTool>{tool}</xmp:CreatorTool><xmp:CreateDate>{date}</xmp:CreateDate>\
         <xmp:ModifyDate>{date}</xmp:ModifyDate><xmp:MetadataDate>{date}</xmp:MetadataDate>\
         </rdf:Description>\
         <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\
         <pdf:Producer>{tool}</pdf:Producer></rdf:Description>{pdfaid}\
         </rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>",
        tool = escape(producer),
        date = now.xmp,
    )
}

/// XML character data and attribute values: the five predefined entities, and control
/// characters (not allowed in XML 1.0) dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_agree_between_pdf_and_xmp() {
        // 2026-12-04 23:30:05 UTC.
        let date = PdfDate::from_unix(1_796_427_005);
        assert_eq!(date.pdf, "D:20261204233005+00'00'");
        assert_eq!(date.xmp, "2026-12-04T23:30:05+00:00");
        assert_eq!(
            PdfDate::from_unix(951_782_400).xmp,
            "2000-02-29T00:00:00+00:00"
        );
    }

    #[test]
    fn xmp_carries_dublin_core_and_pdfa_identification() {
        let info = DocumentInfo {
            title: Some("Báo cáo <tuần 48> & \u{7}".into()),
            identifier: Some("42-BC/BTGDVTU".into()),
            creator: Some("Ban Tuyên giáo và Dân vận Tỉnh ủy".into()),
            date: Some("2025-12-01".into()),
        };
        let now = PdfDate::from_unix(0);
        let xmp = xmp_packet(&info, "sohoa", &now, true);
        assert!(
            xmp.contains("Báo cáo &lt;tuần 48&gt; &amp; </rdf:li>"),
            "{xmp}"
        );
        assert!(xmp.contains("<dc:identifier>42-BC/BTGDVTU</dc:identifier>"));
        assert!(xmp.contains("<rdf:li>Ban Tuyên giáo và Dân vận Tỉnh ủy</rdf:li>"));
        assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(!xmp_packet(&info, "sohoa", &now, false).contains("pdfaid"));
    }

    #[test]
    fn info_dictionary_mirrors_the_xmp() {
        let mut doc = lopdf::Document::with_version("1.7");
        let mut catalog = Dictionary::new();
        let info = DocumentInfo {
            title: Some("Kế hoạch".into()),
            ..DocumentInfo::default()
        };
        let dict = describe(&mut doc, &mut catalog, &info, true).unwrap();
        assert_eq!(dict.get(b"Title").unwrap(), &text_string("Kế hoạch"));
        assert!(!dict.has(b"Author"));
        assert!(catalog.has(b"Metadata") && catalog.has(b"OutputIntents"));
        // An output intent the document already has is kept, not doubled.
        let mut own = dictionary! { "OutputIntents" => vec![] };
        describe(&mut doc, &mut own, &info, true).unwrap();
        assert_eq!(own.get(b"OutputIntents").unwrap(), &Object::Array(vec![]));
    }
}
