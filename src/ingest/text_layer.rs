//! What kind of text layer a PDF page carries, and what sohoa does with it.
//!
//! A born-digital page draws its own text (visible glyphs): that text is the page and is
//! trusted. A scanned page may carry an OCR layer left by the scanner or an earlier OCR run,
//! often without Vietnamese data: invisible text (render mode 3) over the page image, or text
//! lying under or over a full-page image. Such a layer is judged (see
//! [`crate::repair::LayerQuality`]) and, when it is not clean Vietnamese, the image is read
//! again and both readings are combined.
//!
//! ```
//! use sohoa::ingest::page_image::{DrawnImage, PageInventory, TextObjects};
//! use sohoa::ingest::text_layer::{LayerKind, classify};
//! let a4 = [0.0, 0.0, 595.0, 842.0];
//! let scan = DrawnImage { matrix: [595.0, 0.0, 0.0, 842.0, 0.0, 0.0], pixels: (1654, 2339), page_object: Some(0) };
//! let ocr_layer = PageInventory { images: vec![scan], other_visible: false,
//!                                 text_objects: TextObjects { visible: 0, invisible: 40 } };
//! assert_eq!(classify(&ocr_layer, a4), LayerKind::Invisible);
//! let typed = PageInventory { text_objects: TextObjects { visible: 40, invisible: 0 }, ..PageInventory::default() };
//! assert_eq!(classify(&typed, a4), LayerKind::BornDigital);
//! ```

use super::page_image::{NATIVE_MIN_COVER, PageInventory, cover};
use crate::repair::LayerQuality;
use serde::{Deserialize, Serialize};

/// The kind of text layer found on a PDF page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// The page draws its text visibly and is not a scan: the text is the page.
    BornDigital,
    /// All of the page's text is invisible (render mode 3 or 7): an OCR layer.
    Invisible,
    /// Visible text lies with a full-page image (under or over it): a scanner's layer.
    OverImage,
}

/// What `--text-layer` asks for a PDF page that has a text layer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextLayerPolicy {
    /// Born-digital text is trusted; an OCR layer is judged, and when it is not clean
    /// Vietnamese the image is read again and both readings are combined.
    #[default]
    Judge,
    /// Every text layer is read as it is, as born-digital text (no OCR).
    Trust,
    /// Every page is OCR'd; text layers are ignored (`--force-ocr`).
    Ocr,
}

impl std::str::FromStr for TextLayerPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "judge" => Ok(TextLayerPolicy::Judge),
            "trust" => Ok(TextLayerPolicy::Trust),
            "ocr" => Ok(TextLayerPolicy::Ocr),
            other => Err(format!(
                "unknown text-layer policy '{other}' (judge, trust, ocr)"
            )),
        }
    }
}

impl std::fmt::Display for TextLayerPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextLayerPolicy::Judge => "judge",
            TextLayerPolicy::Trust => "trust",
            TextLayerPolicy::Ocr => "ocr",
        })
    }
}

/// Which reading a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSourceKind {
    /// The text layer alone (repaired).
    Layer,
    /// The OCR of the page image alone; the layer was set aside.
    Ocr,
    /// Word by word, whichever of the OCR reading and the layer the language model preferred.
    Combined,
}

/// What a page's text layer was and what was done with it: `text_layer` in page records and
/// in `sohoa ocr --json`.
///
/// ```
/// use sohoa::ingest::text_layer::{LayerKind, TextLayerInfo, TextSourceKind};
/// let info = TextLayerInfo { kind: LayerKind::Invisible, quality: None, source: TextSourceKind::Combined };
/// let json = serde_json::to_string(&info).unwrap();
/// assert_eq!(json, r#"{"kind":"invisible","quality":null,"source":"combined"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextLayerInfo {
    /// The kind of layer found.
    pub kind: LayerKind,
    /// How the repair model read the layer, when it was judged.
    pub quality: Option<LayerQuality>,
    /// Which reading the page's text came from.
    pub source: TextSourceKind,
}

/// The kind of a page's text layer, from what the page draws: only invisible text is an OCR
/// layer; visible text with an image covering most of the page is a scanner's layer; any other
/// visible text is born-digital.
pub fn classify(inventory: &PageInventory, page_box: [f32; 4]) -> LayerKind {
    let objects = inventory.text_objects;
    if objects.invisible > 0 && objects.visible == 0 {
        return LayerKind::Invisible;
    }
    let scanned = inventory
        .images
        .iter()
        .any(|image| cover(image, page_box) >= NATIVE_MIN_COVER);
    if scanned {
        LayerKind::OverImage
    } else {
        LayerKind::BornDigital
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::page_image::{DrawnImage, TextObjects};

    const A4: [f32; 4] = [0.0, 0.0, 595.0, 842.0];

    fn image(matrix: [f32; 6]) -> DrawnImage {
        DrawnImage {
            matrix,
            pixels: (1000, 1000),
            page_object: Some(0),
        }
    }

    #[test]
    fn visible_text_beside_a_logo_is_born_digital_and_over_a_scan_is_not() {
        let mut page = PageInventory {
            images: vec![image([60.0, 0.0, 0.0, 60.0, 20.0, 760.0])],
            other_visible: true,
            text_objects: TextObjects {
                visible: 12,
                invisible: 0,
            },
        };
        assert_eq!(classify(&page, A4), LayerKind::BornDigital);
        page.images.push(image([595.0, 0.0, 0.0, 842.0, 0.0, 0.0]));
        assert_eq!(classify(&page, A4), LayerKind::OverImage);
        // visible and invisible text together: the visible text is the page's own
        page.images.clear();
        page.text_objects.invisible = 3;
        assert_eq!(classify(&page, A4), LayerKind::BornDigital);
    }

    #[test]
    fn policies_parse_and_print() {
        for p in ["judge", "trust", "ocr"] {
            assert_eq!(
                p.parse::<TextLayerPolicy>().map(|v| v.to_string()),
                Ok(p.into())
            );
        }
        assert!("sometimes".parse::<TextLayerPolicy>().is_err());
        assert_eq!(TextLayerPolicy::default(), TextLayerPolicy::Judge);
    }
}
