//! hOCR (OCR results in HTML, as Tesseract writes them): `ocr_page`, `ocr_carea`, `ocr_line`
//! and `ocrx_word` elements with `bbox` and `x_wconf` in their titles, the repaired word as the
//! text.

use super::ocr_layout::{LayoutPage, union_box};
use super::searchable_pdf::xml_escape as escape;
use std::fmt::Write as _;

/// The hOCR document of a document's pages; `file_name` names the scanned file in each
/// page's `image` property.
///
/// ```
/// use sohoa::pipeline::hocr::hocr_html;
/// use sohoa::pipeline::ocr_layout::{LayoutLine, LayoutPage, LayoutWord};
/// let word = LayoutWord { bbox: [10, 20, 40, 18], text: "Kế".into(), raw: None, confidence: 0.8 };
/// let page = LayoutPage { number: 1, width: 600, height: 800, blocks: vec![vec![LayoutLine { words: vec![word] }]] };
/// let html = hocr_html(&[page], "scan.tif");
/// assert!(html.contains("title=\"bbox 10 20 50 38; x_wconf 80\">Kế</span>"));
/// ```
pub fn hocr_html(pages: &[LayoutPage], file_name: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \
         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"vi\" lang=\"vi\">\n<head>\n\
         <title></title>\n\
         <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n",
    );
    // Writing to a String cannot fail; the results are ignored for that reason only.
    let _ = write!(
        out,
        "<meta name=\"ocr-system\" content=\"sohoa {}\"/>\n\
         <meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_line ocrx_word\"/>\n\
         </head>\n<body>\n",
        env!("CARGO_PKG_VERSION")
    );
    let file = escape(&file_name.replace('"', "'"));
    for page in pages {
        let p = page.number;
        let _ = writeln!(
            out,
            "<div class=\"ocr_page\" id=\"page_{p}\" title=\"image &quot;{file}&quot;; bbox 0 0 {} {}; ppageno {}\">",
            page.width,
            page.height,
            p.saturating_sub(1)
        );
        for (b, block) in page.blocks.iter().enumerate() {
            let boxes: Vec<[u32; 4]> = block.iter().map(|line| line.bbox()).collect();
            let _ = writeln!(
                out,
                "<div class=\"ocr_carea\" id=\"block_{p}_{b}\" title=\"{}\">",
                bbox(union_box(&boxes))
            );
            for (l, line) in block.iter().enumerate() {
                let _ = write!(
                    out,
                    "<span class=\"ocr_line\" id=\"line_{p}_{b}_{l}\" title=\"{}\">",
                    bbox(line.bbox())
                );
                for (w, word) in line.words.iter().enumerate() {
                    if w > 0 {
                        out.push(' ');
                    }
                    let _ = write!(
                        out,
                        "<span class=\"ocrx_word\" id=\"word_{p}_{b}_{l}_{w}\" title=\"{}; x_wconf {}\">{}</span>",
                        bbox(word.bbox),
                        (word.confidence * 100.0).round(),
                        escape(&word.text)
                    );
                }
                out.push_str("</span>\n");
            }
            out.push_str("</div>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// hOCR's `bbox x0 y0 x1 y1` of a box `[x, y, w, h]`.
fn bbox(b: [u32; 4]) -> String {
    format!(
        "bbox {} {} {} {}",
        b[0],
        b[1],
        b[0].saturating_add(b[2]),
        b[1].saturating_add(b[3])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ocr_layout::{LayoutLine, LayoutWord};

    #[test]
    fn pages_lines_and_words_carry_their_boxes() {
        let word = |text: &str, x: u32| LayoutWord {
            bbox: [x, 5, 10, 10],
            text: text.into(),
            raw: None,
            confidence: 0.5,
        };
        let page = LayoutPage {
            number: 2,
            width: 100,
            height: 50,
            blocks: vec![vec![LayoutLine {
                words: vec![word("a<b", 0), word("c", 20)],
            }]],
        };
        let html = hocr_html(&[page], "x\".tif");
        assert!(
            html.contains("title=\"image &quot;x&apos;.tif&quot;; bbox 0 0 100 50; ppageno 1\"")
        );
        assert!(
            html.contains("<span class=\"ocr_line\" id=\"line_2_0_0\" title=\"bbox 0 5 30 15\">")
        );
        assert!(html.contains(">a&lt;b</span> <span"));
    }
}
