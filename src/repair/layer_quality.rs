//! Judging a PDF's OCR text layer: how much of it the repair model reads as clean Vietnamese,
//! as legacy OCR (an OCR run without Vietnamese data: `CONG Hcok xA HQI CHiJ NGHiA`), or as
//! junk. Each line is read with the decoder's own line modes ([`Repairer::detect_mode`]) and,
//! for lines without marks, its confusion channel: a clean line is one the decoder would keep,
//! a legacy line one whose words are syllables or cheap confusions of syllables, and junk the
//! rest. The score is the share of words on clean lines; below [`CLEAN_LAYER_SCORE`] the page
//! image is worth reading again.

use super::{FIRST_WORD, Mode, Repairer};
use crate::lm::token::{Kind, tokenize};
use crate::viet::fold;
use serde::{Deserialize, Serialize};

/// Least share of a layer's words on clean Vietnamese lines for the layer to be used as it is
/// (no OCR): a layer with marks read by an OCR engine that knew Vietnamese scores above 0.95,
/// one from an English-only run close to 0.
pub const CLEAN_LAYER_SCORE: f32 = 0.9;

/// How the repair model reads a text layer (see the [module](self) documentation).
///
/// ```no_run
/// use sohoa::repair::Repairer;
/// let r = Repairer::load_default()?;
/// let q = r.judge_layer("CONG HOA XA HQI CHiJ NGHiA VIVT NAM\nS6: 463Y SGDDT");
/// assert!(!q.is_clean() && q.legacy_lines >= 1);
/// # Ok::<(), sohoa::repair::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerQuality {
    /// Share of the layer's words on clean Vietnamese lines, 0 to 1.
    pub score: f32,
    /// Lines read as clean Vietnamese (with marks, words the model knows).
    pub clean_lines: u32,
    /// Lines read as legacy OCR or text without marks: syllables or cheap confusions of them.
    pub legacy_lines: u32,
    /// Lines of neither: mostly words no syllable or confusion explains.
    pub junk_lines: u32,
}

impl LayerQuality {
    /// Whether the layer is clean enough to be used without reading the image again.
    pub fn is_clean(&self) -> bool {
        self.score >= CLEAN_LAYER_SCORE
    }
}

/// A line's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Clean,
    Legacy,
    Junk,
}

impl Repairer {
    /// Judges a text layer line by line (see [`LayerQuality`]).
    pub fn judge_layer(&self, text: &str) -> LayerQuality {
        let mut quality = LayerQuality::default();
        let (mut clean_words, mut all_words) = (0usize, 0usize);
        for line in text.lines() {
            let toks = tokenize(line);
            let words: Vec<&str> = toks
                .iter()
                .filter(|t| match t.kind {
                    Kind::Word => true,
                    Kind::Mixed => t.text(line).chars().any(char::is_alphabetic),
                    _ => false,
                })
                .map(|t| t.text(line))
                .collect();
            if words.is_empty() {
                continue;
            }
            all_words += words.len();
            match self.judge_line(line, &words) {
                LineKind::Clean => {
                    quality.clean_lines += 1;
                    clean_words += words.len();
                }
                LineKind::Legacy => quality.legacy_lines += 1,
                LineKind::Junk => quality.junk_lines += 1,
            }
        }
        quality.score = if all_words == 0 {
            0.0
        } else {
            clean_words as f32 / all_words as f32
        };
        quality
    }

    /// A line is clean when the decoder would keep it and most of its words are words the
    /// model knows; legacy when most of its words are syllables without marks or cheap
    /// confusions of syllables; junk otherwise.
    fn judge_line(&self, line: &str, words: &[&str]) -> LineKind {
        let known = |w: &str| self.fixed_word(w) >= FIRST_WORD;
        let most = |n: usize| n * 2 >= words.len();
        if self.detect_mode(line) == Mode::Clean {
            let count = words.iter().filter(|w| known(w)).count();
            return if most(count) {
                LineKind::Clean
            } else {
                LineKind::Junk
            };
        }
        let explained = words
            .iter()
            .filter(|w| {
                known(w)
                    || self.fold_index.contains_key(&fold(&w.to_lowercase()))
                    || self.ocr_explains(w)
            })
            .count();
        if most(explained) {
            LineKind::Legacy
        } else {
            LineKind::Junk
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clean_vietnamese_is_clean_and_english_ocr_of_it_is_legacy() {
        let r = crate::repair::tests::repairer();
        let clean = r.judge_layer(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\
             Kế hoạch triển khai phong trào Bình dân học vụ số",
        );
        assert_eq!((clean.clean_lines, clean.legacy_lines), (3, 0));
        assert!(clean.is_clean(), "{clean:?}");
        let legacy = r.judge_layer(
            "UBND THANH PHO DA NANG CONG Hcok xA HQI CHiJ NGHiA VIVT NAM\n\
             Ke hoach trien khai phong trao Binh dan hoc vu s6\n\
             Da Nang, ngay,94 thcing 5 nam 2019",
        );
        assert!(legacy.score < 0.5, "{legacy:?}");
        assert!(legacy.legacy_lines >= 2, "{legacy:?}");
        assert!(!legacy.is_clean());
    }

    #[test]
    fn junk_is_junk_and_an_empty_layer_scores_nothing() {
        let r = crate::repair::tests::repairer();
        let junk = r.judge_layer("xqzt wvkjp brrzt ffgq\n~~ |||");
        assert_eq!((junk.clean_lines, junk.junk_lines), (0, 1), "{junk:?}");
        assert_eq!(r.judge_layer("  \n12/2025\n").score, 0.0);
    }
}
