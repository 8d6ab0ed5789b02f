//! The invisible text layer: words drawn in rendering mode 3 on their boxes, encoded as UTF-16BE
//! codes of the glyphless font (see [`super::font`]).
//!
//! The layer is written in a page's "upright" space: points, origin at the bottom left of the
//! page as a viewer shows it (after `/Rotate`), one pixel of the OCR image = `scale` points. The
//! caller maps that space onto the page with a `cm` (image inputs need none).

use crate::ingest::Word;
use std::collections::HashMap;
use std::fmt::Write as _;
use unicode_normalization::UnicodeNormalization;

/// Default advance of every CID in thousandths of the font size (`/DW`): the glyphless font's one
/// glyph is half an em wide, and the horizontal scaling of each word is computed from it.
pub(super) const CHAR_WIDTH: f64 = 0.5;

/// Codes `D800`–`DFFF` never stand for a BMP character (they are UTF-16 surrogates), so they are
/// free to carry characters beyond the BMP (e.g. Hán-Nôm in CJK Extension B), one code per
/// distinct character, mapped by the `/ToUnicode` CMap.
const FIRST_ASTRAL_CODE: u16 = 0xD800;
const LAST_ASTRAL_CODE: u16 = 0xDFFF;

/// Turns words into text-showing operators and remembers the characters beyond the BMP it met,
/// for the font's `/ToUnicode` CMap (one encoder per output file).
#[derive(Debug, Default)]
pub struct TextEncoder {
    astral: HashMap<char, u16>,
}

impl TextEncoder {
    /// The characters beyond the BMP met so far, by the code each was given, in code order.
    pub(super) fn astral_codes(&self) -> Vec<(u16, char)> {
        let mut chars: Vec<(u16, char)> = self.astral.iter().map(|(&c, &code)| (code, c)).collect();
        chars.sort_unstable();
        chars
    }

    /// The content-stream text of one page: one `BT … ET` in rendering mode 3, or nothing when
    /// no word has text.
    ///
    /// Each line gets one baseline (its lowest box bottom) and one font size (its box height), so
    /// the text of a line is selected as one band; each word is placed at its box's left edge
    /// with a horizontal scaling that makes its advance exactly the box width, and a space after
    /// it stretched over the gap to the next word, so extraction gives single spaces between
    /// words and line breaks between lines.
    ///
    /// ```
    /// use sohoa::ingest::Word;
    /// use sohoa::pipeline::searchable_pdf::TextEncoder;
    /// let word = Word { text: "Kế".into(), bbox: [100, 50, 60, 40], confidence: 90.0, block: 1, line: 0, alternatives: vec![] };
    /// let ops = TextEncoder::default().layer(&[vec![word]], (600, 300), 72.0 / 300.0, "F0");
    /// assert!(ops.starts_with("BT\n3 Tr\n") && ops.contains("<004B1EBF> Tj"));
    /// ```
    pub fn layer(
        &mut self,
        lines: &[Vec<Word>],
        (width_px, height_px): (u32, u32),
        scale: f64,
        font: &str,
    ) -> String {
        let mut out = String::with_capacity(64 + 96 * lines.iter().map(Vec::len).sum::<usize>());
        let mut text_started = false;
        for line in lines {
            let words: Vec<([u32; 4], String, usize)> = line
                .iter()
                .filter_map(|word| {
                    let (hex, units) = self.encode_text(&word.text);
                    (units > 0).then(|| (clamp_box(word.bbox, width_px, height_px), hex, units))
                })
                .collect();
            if words.is_empty() {
                continue;
            }
            if !text_started {
                out.push_str("BT\n3 Tr\n");
                text_started = true;
            }
            let top = words.iter().map(|(b, _, _)| b[1]).min().unwrap_or(0);
            let bottom = words
                .iter()
                .map(|(b, _, _)| b[1].saturating_add(b[3]))
                .max()
                .unwrap_or(0);
            let font_size = (f64::from(bottom.saturating_sub(top).max(1)) * scale).max(0.1);
            let baseline = (f64::from(height_px) - f64::from(bottom)) * scale;
            // Writing to a String cannot fail; the results are ignored for that reason only.
            let _ = writeln!(out, "/{font} {} Tf", num(font_size));
            let unit_advance = CHAR_WIDTH * font_size;
            for (i, (bbox, hex, units)) in words.iter().enumerate() {
                let x = f64::from(bbox[0]) * scale;
                // A box reaching over the next word's start (Tesseract can box a word inside
                // the one before it) is cut short of it, so the words stay in reading order
                // with a space between them.
                let mut width_px = bbox[2].max(1);
                if let Some((next, _, _)) = words.get(i + 1)
                    && next[0] > bbox[0]
                    && bbox[0].saturating_add(width_px) > next[0]
                {
                    width_px = ((next[0] - bbox[0]) * 9 / 10).max(1);
                }
                let width = f64::from(width_px) * scale;
                let stretch = 100.0 * width / (unit_advance * *units as f64);
                let _ = writeln!(
                    out,
                    "1 0 0 1 {} {} Tm {} Tz <{hex}> Tj",
                    num(x),
                    num(baseline),
                    num(stretch)
                );
                if let Some((next, _, _)) = words.get(i + 1) {
                    let end = f64::from(bbox[0].saturating_add(width_px));
                    // Overlapping boxes still get a (narrow) space, so the words stay apart.
                    let gap = ((f64::from(next[0]) - end) * scale).max(font_size * 0.05);
                    let _ = writeln!(out, "{} Tz <0020> Tj", num(100.0 * gap / unit_advance));
                }
            }
        }
        if text_started {
            out.push_str("ET\n");
        }
        out
    }

    /// NFC-normalises a word and encodes it as hex UTF-16BE codes; returns the hex and the number
    /// of codes (each advances by one glyph width). Control characters are dropped and other
    /// white space becomes a plain space, so a word cannot break the reader's line structure.
    fn encode_text(&mut self, text: &str) -> (String, usize) {
        let mut hex = String::with_capacity(text.len() * 4);
        let mut units = 0;
        for c in text.nfc() {
            // White space first: a tab or line break is a control character too, and dropping it
            // would glue the words on either side together ("Kế\thoạch" → "Kếhoạch").
            let c = if c.is_whitespace() {
                ' '
            } else if c.is_control() {
                continue;
            } else {
                c
            };
            let code = match u16::try_from(u32::from(c)) {
                Ok(code) => code,
                Err(_) => self.astral_code(c),
            };
            let _ = write!(hex, "{code:04X}");
            units += 1;
        }
        (hex, units)
    }

    /// The code standing for a character beyond the BMP; U+FFFD once the 2,048 free codes are
    /// used up (far more distinct rare characters than a document of this kind holds).
    fn astral_code(&mut self, c: char) -> u16 {
        if let Some(&code) = self.astral.get(&c) {
            return code;
        }
        let next = FIRST_ASTRAL_CODE as usize + self.astral.len();
        match u16::try_from(next) {
            Ok(code) if code <= LAST_ASTRAL_CODE => {
                self.astral.insert(c, code);
                code
            }
            _ => 0xFFFD,
        }
    }
}

/// A word box `[x, y, w, h]` moved and shrunk to lie on the page: readers drop characters
/// outside the page, and a born-digital line running past the margin (a long URL) has a box wider
/// than the page. Every box keeps at least one pixel.
fn clamp_box(bbox: [u32; 4], width: u32, height: u32) -> [u32; 4] {
    let clamp_axis = |start: u32, len: u32, limit: u32| {
        let limit = limit.max(1);
        let start = start.min(limit - 1);
        let end = start.saturating_add(len).min(limit).max(start + 1);
        (start, end - start)
    };
    let (x, w) = clamp_axis(bbox[0], bbox[2], width);
    let (y, h) = clamp_axis(bbox[1], bbox[3], height);
    [x, y, w, h]
}

/// A PDF number: at most three decimals, no exponent, no trailing zeros (PDF has no exponent
/// syntax, and three decimals of a point are far below a pixel).
pub(super) fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".into();
    }
    let rounded = (value * 1000.0).round() / 1000.0;
    let mut text = format!("{rounded:.3}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" {
        text = "0".into();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, bbox: [u32; 4]) -> Word {
        Word {
            text: text.into(),
            bbox,
            confidence: 90.0,
            block: 1,
            line: 0,
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn numbers_have_no_exponent_and_no_trailing_zeros() {
        assert_eq!(num(595.2), "595.2");
        assert_eq!(num(842.0), "842");
        assert_eq!(num(1e-7), "0");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(1e12), "1000000000000");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(12.34567), "12.346");
    }

    #[test]
    fn text_is_nfc_utf16_hex() {
        let mut encoder = TextEncoder::default();
        // "ế" decomposed is composed first: one code, U+1EBF.
        let (hex, units) = encoder.encode_text("Ke\u{0302}\u{0301}\t\u{0007}Đ");
        assert_eq!(hex, "004B1EBF00200110");
        assert_eq!(units, 4);
        // Beyond the BMP: one surrogate-area code per distinct character, stable.
        let (a, _) = encoder.encode_text("\u{20000}");
        let (b, _) = encoder.encode_text("\u{2A6D6}\u{20000}");
        assert_eq!(a, "D800");
        assert_eq!(b, "D801D800");
        assert_eq!(
            encoder.astral_codes(),
            vec![(0xD800, '\u{20000}'), (0xD801, '\u{2A6D6}')]
        );
    }

    #[test]
    fn words_are_placed_on_their_boxes() {
        let lines = vec![vec![
            word("Kế", [100, 50, 60, 40]),
            word("hoạch", [200, 60, 150, 50]),
        ]];
        let content = TextEncoder::default().layer(&lines, (600, 300), 72.0 / 300.0, "F0");
        // Line from y=50 to 110 px: 60 px = 14.4 pt high, baseline (300−110) px = 45.6 pt.
        assert!(content.contains("/F0 14.4 Tf"), "{content}");
        // "Kế": 2 codes × 7.2 pt = 14.4 pt unscaled, box 60 px = 14.4 pt → 100 %.
        assert!(
            content.contains("1 0 0 1 24 45.6 Tm 100 Tz <004B1EBF> Tj"),
            "{content}"
        );
        // The gap 160→200 px = 9.6 pt over one 7.2 pt space → 133.333 %.
        assert!(content.contains("133.333 Tz <0020> Tj"), "{content}");
        assert!(content.contains("3 Tr"));
        assert_eq!(content.matches("<0020>").count(), 1);
    }

    #[test]
    fn empty_words_draw_nothing() {
        let lines = vec![vec![word("", [0, 0, 5, 5]), word("\u{7}", [6, 0, 5, 5])]];
        assert_eq!(
            TextEncoder::default().layer(&lines, (10, 10), 1.0, "F0"),
            ""
        );
    }

    #[test]
    fn boxes_are_kept_on_the_page() {
        assert_eq!(
            clamp_box([354, 2915, 3309, 49], 2480, 3508),
            [354, 2915, 2126, 49]
        );
        assert_eq!(
            clamp_box([3000, 3600, 50, 50], 2480, 3508),
            [2479, 3507, 1, 1]
        );
        assert_eq!(clamp_box([10, 10, 0, 0], 2480, 3508), [10, 10, 1, 1]);
        assert_eq!(clamp_box([u32::MAX, 0, u32::MAX, 5], 1, 1), [0, 0, 1, 1]);
    }
}
