//! ALTO v4 XML (the library standard for OCR, loaded by METS/ALTO viewers and repositories):
//! pages, text blocks, lines and strings with their boxes in pixels, the word confidence as `WC`,
//! the repaired word as `CONTENT` and the word as OCR'd as an `ALTERNATIVE` where they differ.

use super::ocr_layout::{LayoutPage, union_box};
use super::searchable_pdf::xml_escape as escape;
use std::fmt::Write as _;

/// The ALTO v4 namespace.
pub const ALTO_NAMESPACE: &str = "http://www.loc.gov/standards/alto/ns-v4#";

/// The ALTO XML of a document's pages; `file_name` names the scanned file in
/// `sourceImageInformation`.
///
/// ```
/// use sohoa::pipeline::alto::alto_xml;
/// use sohoa::pipeline::ocr_layout::{LayoutLine, LayoutPage, LayoutWord};
/// let word = LayoutWord { bbox: [10, 20, 40, 18], text: "Kế".into(), raw: Some("Ke".into()), confidence: 0.8 };
/// let page = LayoutPage { number: 1, width: 600, height: 800, blocks: vec![vec![LayoutLine { words: vec![word] }]] };
/// let xml = alto_xml(&[page], "scan.tif");
/// assert!(xml.contains(r#"CONTENT="Kế" WC="0.8"><ALTERNATIVE>Ke</ALTERNATIVE></String>"#));
/// ```
pub fn alto_xml(pages: &[LayoutPage], file_name: &str) -> String {
    let mut out = String::with_capacity(4096);
    // Writing to a String cannot fail; the results are ignored for that reason only.
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <alto xmlns=\"{ALTO_NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"{ALTO_NAMESPACE} http://www.loc.gov/standards/alto/v4/alto-4-2.xsd\">\n\
         <Description>\n<MeasurementUnit>pixel</MeasurementUnit>\n\
         <sourceImageInformation><fileName>{}</fileName></sourceImageInformation>\n\
         </Description>\n<Layout>\n",
        escape(file_name)
    );
    for page in pages {
        let p = page.number;
        let _ = writeln!(
            out,
            "<Page ID=\"p{p}\" PHYSICAL_IMG_NR=\"{p}\" WIDTH=\"{}\" HEIGHT=\"{}\">",
            page.width, page.height
        );
        let _ = writeln!(
            out,
            "<PrintSpace HPOS=\"0\" VPOS=\"0\" WIDTH=\"{}\" HEIGHT=\"{}\">",
            page.width, page.height
        );
        for (b, block) in page.blocks.iter().enumerate() {
            let boxes: Vec<[u32; 4]> = block.iter().map(|line| line.bbox()).collect();
            let _ = writeln!(
                out,
                "<TextBlock ID=\"p{p}_b{b}\" {}>",
                position(union_box(&boxes))
            );
            for (l, line) in block.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "<TextLine ID=\"p{p}_b{b}_l{l}\" {}>",
                    position(line.bbox())
                );
                for (w, word) in line.words.iter().enumerate() {
                    if w > 0 {
                        // The space runs from the end of the word before to this one.
                        let before = line.words[w - 1].bbox;
                        let end = before[0].saturating_add(before[2]);
                        let _ = writeln!(
                            out,
                            "<SP WIDTH=\"{}\" HPOS=\"{end}\" VPOS=\"{}\"/>",
                            word.bbox[0].saturating_sub(end),
                            before[1]
                        );
                    }
                    let _ = write!(
                        out,
                        "<String ID=\"p{p}_b{b}_l{l}_w{w}\" {} CONTENT=\"{}\" WC=\"{}\"",
                        position(word.bbox),
                        escape(&word.text),
                        (word.confidence * 100.0).round() / 100.0
                    );
                    match &word.raw {
                        Some(raw) => {
                            let _ = writeln!(
                                out,
                                "><ALTERNATIVE>{}</ALTERNATIVE></String>",
                                escape(raw)
                            );
                        }
                        None => out.push_str("/>\n"),
                    }
                }
                out.push_str("</TextLine>\n");
            }
            out.push_str("</TextBlock>\n");
        }
        out.push_str("</PrintSpace>\n</Page>\n");
    }
    out.push_str("</Layout>\n</alto>\n");
    out
}

/// `HPOS`, `VPOS`, `WIDTH` and `HEIGHT` of a box.
fn position(bbox: [u32; 4]) -> String {
    format!(
        "HPOS=\"{}\" VPOS=\"{}\" WIDTH=\"{}\" HEIGHT=\"{}\"",
        bbox[0], bbox[1], bbox[2], bbox[3]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ocr_layout::{LayoutLine, LayoutWord};

    #[test]
    fn words_become_strings_with_spaces_between() {
        let word = |text: &str, x: u32, raw: Option<&str>| LayoutWord {
            bbox: [x, 100, 50, 20],
            text: text.into(),
            raw: raw.map(str::to_string),
            confidence: 0.914,
        };
        let page = LayoutPage {
            number: 3,
            width: 1000,
            height: 1400,
            blocks: vec![vec![LayoutLine {
                words: vec![word("Đảng", 10, Some("Dang")), word("<&>", 80, None)],
            }]],
        };
        let xml = alto_xml(&[page], "a&b.tif");
        assert!(xml.contains("<fileName>a&amp;b.tif</fileName>"));
        assert!(xml.contains(
            "<TextBlock ID=\"p3_b0\" HPOS=\"10\" VPOS=\"100\" WIDTH=\"120\" HEIGHT=\"20\">"
        ));
        assert!(xml.contains("<SP WIDTH=\"20\" HPOS=\"60\" VPOS=\"100\"/>"));
        assert!(xml.contains("CONTENT=\"Đảng\" WC=\"0.91\"><ALTERNATIVE>Dang</ALTERNATIVE>"));
        assert!(xml.contains("CONTENT=\"&lt;&amp;&gt;\" WC=\"0.91\"/>"));
    }
}
