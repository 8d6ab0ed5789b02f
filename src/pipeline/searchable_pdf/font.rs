//! The font of the invisible text layer, as Tesseract's own PDF renderer makes it
//! (`src/api/pdfrenderer.cpp`): a Type0 font whose CIDFontType2 descendant is Tesseract's
//! one-glyph "glyphless" TrueType, embedded. Text is written as UTF-16BE code units
//! (`/Identity-H`, so a code is a CID) and a `/ToUnicode` CMap maps every code back to itself,
//! which is what makes copy/paste and search give the exact (NFC) Vietnamese text in any reader.

use super::objects::ObjectSink;
use super::text_layer::{CHAR_WIDTH, TextEncoder};
use lopdf::{Object, ObjectId, Stream, dictionary};

/// Tesseract's glyphless TrueType font (Apache-2.0, see `assets/README.md`): one glyph, half an
/// em wide, never drawn because the text layer uses rendering mode 3.
const GLYPHLESS_FONT: &[u8] = include_bytes!("../../../assets/glyphless.ttf");

/// The font's CIDToGIDMap, zlib-compressed (150 bytes, see `assets/README.md`): two bytes per
/// CID for all 65,536 CIDs, each `00 01`, i.e. every code is drawn with glyph 1, as in
/// Tesseract's renderer. With `/Identity` most codes would name glyphs the font does not have,
/// whose boxes are empty: PDFium then drops a one-character word from the extracted text; and
/// PDF/A-2 forbids showing `.notdef` (glyph 0) even invisibly.
const CID_TO_GID_MAP_ZLIB: &[u8] = include_bytes!("../../../assets/cidtogidmap.zlib");

/// The font objects of one output file; the `/ToUnicode` CMap is written last, once every
/// character beyond the BMP is known.
#[derive(Debug, Clone, Copy)]
pub(super) struct GlyphlessFont {
    /// The Type0 font, for the pages' `/Resources /Font`.
    pub(super) font: ObjectId,
    to_unicode: ObjectId,
}

impl GlyphlessFont {
    /// Adds the font, its descendant, descriptor, program and CIDToGIDMap.
    pub(super) fn add(sink: &mut impl ObjectSink) -> std::io::Result<GlyphlessFont> {
        let font = sink.reserve();
        let to_unicode = sink.reserve();
        let font_file = sink.add(Object::Stream(Stream::new(
            dictionary! { "Length1" => GLYPHLESS_FONT.len() as i64 },
            GLYPHLESS_FONT.to_vec(),
        )))?;
        let cid_to_gid = sink.add(Object::Stream(
            Stream::new(
                dictionary! { "Filter" => "FlateDecode" },
                CID_TO_GID_MAP_ZLIB.to_vec(),
            )
            .with_compression(false),
        ))?;
        let advance = (CHAR_WIDTH * 1000.0) as i64;
        let descriptor = sink.add(Object::Dictionary(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => "GlyphLessFont",
            "Flags" => 5,
            "FontBBox" => vec![0.into(), 0.into(), advance.into(), 1000.into()],
            "ItalicAngle" => 0,
            "Ascent" => 1000,
            "Descent" => -1,
            "CapHeight" => 1000,
            "StemV" => 80,
            "FontFile2" => font_file,
        }))?;
        let cid_font = sink.add(Object::Dictionary(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => "GlyphLessFont",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "CIDToGIDMap" => cid_to_gid,
            "DW" => advance,
        }))?;
        sink.put(
            font,
            Object::Dictionary(dictionary! {
                "Type" => "Font",
                "Subtype" => "Type0",
                "BaseFont" => "GlyphLessFont",
                "Encoding" => "Identity-H",
                "DescendantFonts" => vec![cid_font.into()],
                "ToUnicode" => to_unicode,
            }),
        )?;
        Ok(GlyphlessFont { font, to_unicode })
    }

    /// Writes the `/ToUnicode` CMap for the codes `encoder` handed out.
    pub(super) fn finish(
        &self,
        sink: &mut impl ObjectSink,
        encoder: &TextEncoder,
    ) -> std::io::Result<()> {
        let cmap = to_unicode_cmap(&encoder.astral_codes());
        sink.put(
            self.to_unicode,
            Object::Stream(Stream::new(dictionary! {}, cmap.into_bytes())),
        )
    }
}

/// The CMap from codes to Unicode: identity over the BMP outside the surrogates (one `bfrange`
/// per high byte, since a range may not cross a change of the first byte), and one `bfchar` per
/// character beyond the BMP, mapped to its surrogate pair.
fn to_unicode_cmap(astral: &[(u16, char)]) -> String {
    let ranges: Vec<String> = (0u16..=0xFF)
        .filter(|high| !(0xD8..=0xDF).contains(high))
        .map(|high| format!("<{high:02X}00> <{high:02X}FF> <{high:02X}00>\n"))
        .collect();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries per block (PDF 32000 §9.10.3).
    for block in ranges.chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", block.len()));
        for range in block {
            cmap.push_str(range);
        }
        cmap.push_str("endbfrange\n");
    }
    for block in astral.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for (code, c) in block {
            let mut pair = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut pair)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{code:04X}> <{units}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_to_gid_map_is_glyph_one_for_every_code() {
        // zlib header (deflate, 32 KiB window, check bits), then Adler-32 of the map at the end.
        let zlib = CID_TO_GID_MAP_ZLIB;
        assert_eq!(zlib[0] & 0x0F, 8);
        assert_eq!((u16::from(zlib[0]) << 8 | u16::from(zlib[1])) % 31, 0);
        let map: Vec<u8> = (0..1u32 << 16).flat_map(|_| [0u8, 1]).collect();
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in &map {
            a = (a + u32::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        let trailer = &zlib[zlib.len() - 4..];
        assert_eq!(trailer, ((b << 16) | a).to_be_bytes());
    }

    #[test]
    fn cmap_maps_the_bmp_and_each_astral_code() {
        let cmap = to_unicode_cmap(&[(0xD800, '\u{20000}')]);
        assert!(cmap.contains("<1E00> <1EFF> <1E00>"));
        assert!(!cmap.contains("<D800> <D8FF>"));
        assert!(cmap.contains("<D800> <D840DC00>"));
        // 248 ranges: blocks of 100, 100 and 48.
        assert_eq!(cmap.matches("beginbfrange").count(), 3);
    }
}
