//! Two readings of one page: Tesseract `vie` on the page image (the first reading, whose
//! lines and words the repaired text follows) and the PDF's own OCR layer (the second, often
//! from an OCR run without Vietnamese data). Neither is always better: `vie` slips on marks and
//! sometimes on letters of poor scans, an English layer loses every mark but often keeps the
//! letters. So each word gets the candidates of both readings and the decoder chooses with the
//! language model.
//!
//! The readings are aligned word by word by their boxes on the page ([`pair_by_boxes`]: a
//! word pairs with the one word of the other reading that overlaps it, and only when that word
//! overlaps no other). In [`Repairer::weigh_second_reading`], a scan-mode slot of a paired word
//! is given the second word's candidates (its legacy-OCR candidates under the confusion
//! channel, or its other marks when it has Vietnamese ones), and each candidate costs what
//! both readings say of it: its cost under the first reading plus its cost under the second,
//! where a reading that does not give the candidate at all costs a flat
//! [`TwoReadingsParams::first_unseen_cost`] or [`TwoReadingsParams::second_unseen_cost`].
//! A word both readings agree on is cheap; a word only one gives must win on the language
//! model. The second reading's costs count at [`TwoReadingsParams::second_weight`], and among
//! candidates with the same letters only [`TwoReadingsParams::second_marks_weight`] of their
//! differences count (0 by default: an English layer votes for letters, and its mark
//! preferences, `déi` for `đối` where the page says `đổi`, cost more than they gave on the dev
//! scans). How sure the recogniser was of the first word shrinks the first reading's own costs
//! and the flat cost of a candidate only the second gives: on a page where a quarter of the
//! words were read with less than [`TwoReadingsParams::sure_page_confidence`] (a degraded
//! stored image under a scanner's layer, [`SecondReading::page_sureness`]) every word is less
//! sure, so its doubted words are left more to the layer and the model; by each word's own
//! confidence too when [`TwoReadingsParams::sure_confidence`] is set (off by default). A second word the
//! model does not know adds no candidate (the first token stands for it), and a second word far
//! in letters from a first word the model knows (`phường` read `pe`) is no evidence about it.
//! A code, no syllable, that both readings read with the same characters (`VP`) stands as read:
//! the recogniser's other readings of it (`VỀ`, which the model prefers after `Lưu`) are
//! dropped. Pages read again for a layer are OCR'd with the recogniser's choices
//! (`ocr::reading`), so where the readings disagree on a word's marks, what `vie` also saw
//! there (`bền` behind a confident `bên`) is a candidate at its own cost.

use super::Opt;
use super::OptText;
use super::scan::{text_lines_of_word_lines, word_core};
use crate::lm::model::UNK;
use crate::lm::token::{Kind, Token};
use crate::repair::Repairer;
use crate::repair::channel::Hit;
use crate::repair::lattice::{LINE_BREAK, Slot};
use crate::repair::mode::is_vn_only;
use crate::repair::session::Session;
use crate::viet::{fold, is_syllable};
use rustc_hash::FxHashMap;

/// Settings of the combination of two readings (nats).
#[derive(Debug, Clone)]
pub struct TwoReadingsParams {
    /// Cost added to a candidate of the second reading that the first reading does not give.
    pub first_unseen_cost: f32,
    /// How much the second reading's costs tell apart candidates with the same letters and
    /// other marks (0: it votes for letters only; 1: its costs as they are).
    pub second_marks_weight: f32,
    /// Cost added to a candidate of the first reading that the second reading does not give.
    pub second_unseen_cost: f32,
    /// Weight of the second reading's own candidate costs.
    pub second_weight: f32,
    /// Tesseract word confidence (0–100) at and above which the first reading's word is sure:
    /// below it [`first_unseen_cost`](Self::first_unseen_cost) and (with
    /// [`unsure_first_discount`](Self::unsure_first_discount)) the first reading's own costs
    /// shrink in proportion, so the second reading can win the words the recogniser doubted.
    /// 0, the default: off.
    pub sure_confidence: f32,
    /// How much of the first reading's own candidate costs a first word of no confidence
    /// loses (scaled down to 0 at [`sure_confidence`](Self::sure_confidence)): a doubted
    /// word's marks are left more to the model.
    pub unsure_first_discount: f32,
    /// Lower-quartile word confidence of the first reading's page at and above which its words
    /// are as sure as their own confidence says; each point below takes a tenth off every
    /// word's sureness ([`SecondReading::page_sureness`]). A page where a quarter of the words
    /// were read with less than this is a degraded stored image, and a scanner's layer was read
    /// from its better capture (dev pages: 81–92 for such scans; 93–97 where the layer came from
    /// the stored image itself, even on the poor scans, whose doubt sits in a few words: their
    /// mean confidence can be lower, 84, which is why the mean is not used). 0: off.
    pub sure_page_confidence: f32,
    /// Tesseract word confidence below which a first word the model knows is no longer kept
    /// against a second word far from it in letters: the recogniser hardly saw it either
    /// (`pm`, read with confidence 30, where the layer reads `gdm`, legacy OCR of `gồm`).
    pub lost_word_confidence: f32,
}

impl Default for TwoReadingsParams {
    fn default() -> Self {
        TwoReadingsParams {
            first_unseen_cost: 7.0,
            second_marks_weight: 0.0,
            second_unseen_cost: 5.0,
            second_weight: 0.5,
            sure_confidence: 0.0,
            unsure_first_discount: 1.0,
            sure_page_confidence: 94.0,
            lost_word_confidence: 50.0,
        }
    }
}

impl TwoReadingsParams {
    /// Sets the field named `name`; false if there is none.
    pub(in crate::repair) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "first_unseen_cost" => self.first_unseen_cost = v,
            "second_marks_weight" => self.second_marks_weight = v,
            "second_unseen_cost" => self.second_unseen_cost = v,
            "second_weight" => self.second_weight = v,
            "sure_confidence" => self.sure_confidence = v,
            "unsure_first_discount" => self.unsure_first_discount = v,
            "sure_page_confidence" => self.sure_page_confidence = v,
            "lost_word_confidence" => self.lost_word_confidence = v,
            _ => return false,
        }
        true
    }
}

/// A second reading of a page, aligned with the first word by word: for each line of the first
/// reading's text, its words in order with the second reading's word on the same place, if one
/// pairs with it.
///
/// ```
/// use sohoa::repair::SecondReading;
/// let first = "Kế hoạch số\n\nBình dân";
/// let words = [(0, "Kế", [10, 10, 40, 30], 96.0), (0, "hoạch", [60, 10, 90, 30], 91.0),
///              (0, "số", [160, 10, 30, 30], 95.0), (1, "Bình", [10, 80, 60, 30], 62.0)];
/// let layer = [("Ke", [11, 12, 38, 28]), ("hoach", [58, 11, 92, 29]), ("Binh", [12, 79, 58, 30])];
/// let second = SecondReading::align(first, words, &layer);
/// assert_eq!(second.paired(), 3);
/// assert_eq!(second.get(0, "hoạch", 0), Some(("hoach", 91.0)));
/// assert_eq!(second.get(2, "Bình", 0), Some(("Binh", 62.0))); // word line 1 is text line 2
/// assert_eq!(second.get(0, "số", 0), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SecondReading {
    /// Text line → (first word, second word, first word's confidence 0–100) in order of the
    /// first reading.
    lines: FxHashMap<usize, Vec<(String, Option<String>, f32)>>,
    /// The first reading's lower-quartile word confidence (0–100): a quarter of its words
    /// were read with less.
    doubt_confidence: f32,
    /// Both readings are Tesseract `vie`'s (a table cell read on its own and the page): the
    /// second's words are taken with their marks, never as legacy OCR.
    same_recogniser: bool,
}

impl SecondReading {
    /// Aligns `second` (words with boxes `[x, y, w, h]` in the first reading's pixels) with
    /// the first reading's words, given as (word line, text, box, confidence 0–100); word
    /// line N is the N-th non-blank line of `first_text`, as Tesseract writes them.
    pub fn align<'a>(
        first_text: &str,
        first: impl IntoIterator<Item = (u32, &'a str, [u32; 4], f32)>,
        second: &[(&str, [u32; 4])],
    ) -> SecondReading {
        let text_lines = text_lines_of_word_lines(first_text);
        let first: Vec<(u32, &str, [u32; 4], f32)> = first.into_iter().collect();
        let boxes: Vec<[u32; 4]> = first.iter().map(|w| w.2).collect();
        let second_boxes: Vec<[u32; 4]> = second.iter().map(|w| w.1).collect();
        let pairs = pair_by_boxes(&boxes, &second_boxes);
        let mut lines: FxHashMap<usize, Vec<(String, Option<String>, f32)>> = FxHashMap::default();
        for ((line, word, _, confidence), pair) in first.iter().zip(pairs) {
            let Some(&text_line) = text_lines.get(*line as usize) else {
                continue;
            };
            let other = pair
                .map(|j| word_core(second[j].0).to_string())
                .filter(|w| w.chars().any(char::is_alphabetic));
            lines.entry(text_line).or_default().push((
                word_core(word).to_string(),
                other,
                *confidence,
            ));
        }
        let doubt_confidence = lower_quartile(first.iter().map(|w| w.3).collect());
        SecondReading {
            lines,
            doubt_confidence,
            same_recogniser: false,
        }
    }

    /// This reading, made by the same recogniser as the first (Tesseract `vie` on another cut
    /// of the same pixels): its words vote with their marks, and a word without Vietnamese
    /// marks is taken as written, not as legacy OCR that lost them (`THC` is no `THỰC`).
    ///
    /// ```
    /// use sohoa::repair::SecondReading;
    /// let first = [(0, "NQ-GP", [10, 10, 60, 30], 80.0)];
    /// let second = SecondReading::align("NQ-GP", first, &[("NQ-CP", [10, 10, 60, 30])]);
    /// assert_eq!(second.by_same_recogniser().paired(), 1);
    /// ```
    pub fn by_same_recogniser(self) -> SecondReading {
        SecondReading {
            same_recogniser: true,
            ..self
        }
    }

    /// The second reading's word for the `nth` (from 0) occurrence of `word` on text line
    /// `line` of the first reading, when one pairs with it, with the first word's confidence.
    pub fn get(&self, line: usize, word: &str, nth: usize) -> Option<(&str, f32)> {
        let (_, other, confidence) = self
            .lines
            .get(&line)?
            .iter()
            .filter(|(w, _, _)| w == word)
            .nth(nth)?;
        Some((other.as_deref()?, *confidence))
    }

    /// How far the first reading's words are as sure as their confidence says, 0–1: 1 when
    /// its lower-quartile word confidence reaches `sure_page_confidence` (or that is 0), a
    /// tenth less for each point below.
    ///
    /// ```
    /// use sohoa::repair::SecondReading;
    /// let word = |c: f32| (0, "một", [10, 10, 40, 30], c);
    /// let reading = SecondReading::align("một", [word(97.0), word(96.0), word(90.0), word(91.0)], &[]);
    /// assert_eq!(reading.page_sureness(94.0), 0.7); // a quarter of the words below 91
    /// assert_eq!(reading.page_sureness(0.0), 1.0);
    /// ```
    pub fn page_sureness(&self, sure_page_confidence: f32) -> f32 {
        if sure_page_confidence > 0.0 {
            (1.0 - (sure_page_confidence - self.doubt_confidence) / 10.0).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }

    /// How many words of the first reading have a second reading.
    pub fn paired(&self) -> usize {
        self.lines
            .values()
            .flatten()
            .filter(|(_, o, _)| o.is_some())
            .count()
    }
}

/// The value a quarter of `values` lie below (0 for none).
fn lower_quartile(mut values: Vec<f32>) -> f32 {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 4).copied().unwrap_or(0.0)
}

/// Whether two readings of a word share most of their letters (marks aside): at most half of
/// the longer one's letters differ.
fn look_alike(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (
        fold(&a.to_lowercase()).chars().collect(),
        fold(&b.to_lowercase()).chars().collect(),
    );
    crate::score::edit_distance(&a, &b) * 2 <= a.len().max(b.len())
}

/// Whether two boxes `[x, y, w, h]` hold the same word: they overlap by at least half the
/// smaller height and half the smaller width.
fn same_place(a: [u32; 4], b: [u32; 4]) -> bool {
    let overlap = |a0: u32, al: u32, b0: u32, bl: u32| {
        let end = (a0 + al).min(b0 + bl);
        end.saturating_sub(a0.max(b0))
    };
    let v = overlap(a[1], a[3], b[1], b[3]);
    let h = overlap(a[0], a[2], b[0], b[2]);
    v * 2 >= a[3].min(b[3]).max(1) && h * 2 >= a[2].min(b[2]).max(1)
}

/// Whether the centre of box `a` lies inside box `b` (both `[x, y, w, h]`).
pub(in crate::repair) fn centre_inside(a: [u32; 4], b: [u32; 4]) -> bool {
    let (cx, cy) = (a[0] + a[2] / 2, a[1] + a[3] / 2);
    b[0] <= cx && cx < b[0] + b[2] && b[1] <= cy && cy < b[1] + b[3]
}

/// For each box of `first`, the one box of `second` at the same place ([`same_place`]), when
/// exactly one is and it is at the place of no other first box: a word split or merged by one
/// reading stays unpaired. Where other first boxes reach it too, it still pairs with the one
/// whose centre lies inside it when no other's does (a speck Tesseract boxed wide, over the
/// word beside it, takes no word from it).
pub fn pair_by_boxes(first: &[[u32; 4]], second: &[[u32; 4]]) -> Vec<Option<usize>> {
    let mut claims: Vec<Vec<usize>> = vec![Vec::new(); second.len()];
    let found: Vec<Vec<usize>> = first
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let hits: Vec<usize> = (0..second.len())
                .filter(|&j| same_place(a, second[j]))
                .collect();
            for &j in &hits {
                claims[j].push(i);
            }
            hits
        })
        .collect();
    found
        .into_iter()
        .enumerate()
        .map(|(i, hits)| match hits[..] {
            [j] if claims[j].len() == 1 => Some(j),
            [j] => {
                let inside = |k: usize| centre_inside(first[k], second[j]);
                let centred: Vec<usize> =
                    claims[j].iter().copied().filter(|&k| inside(k)).collect();
                (centred == [i]).then_some(j)
            }
            _ => None,
        })
        .collect()
}

impl Repairer {
    /// [`SecondReading::page_sureness`] under this repairer's settings: how far the words of
    /// the page `second` was aligned with are as sure as Tesseract said.
    pub fn page_sureness(&self, second: &SecondReading) -> f32 {
        second.page_sureness(self.params.two_readings.sure_page_confidence)
    }

    /// Scales how much a reading's costs tell marks apart: each word candidate's cost becomes
    /// the cheapest cost of its letters plus `weight` times the rest, so that with `weight`
    /// 0 the reading votes for letters and leaves the marks to the other reading and the model.
    fn weigh_marks(&self, opts: &mut [Opt], weight: f32) {
        let letters = |o: &Opt| match o.words() {
            &[w] if w >= crate::repair::FIRST_WORD => Some(self.spellings.letters_of[w as usize]),
            _ => None,
        };
        let mut cheapest: FxHashMap<u32, f32> = FxHashMap::default();
        for o in opts.iter() {
            if let Some(l) = letters(o) {
                let c = cheapest.entry(l).or_insert(o.cost);
                *c = c.min(o.cost);
            }
        }
        for o in opts.iter_mut() {
            if let Some(base) = letters(o).and_then(|l| cheapest.get(&l)) {
                o.cost = base + weight * (o.cost - base);
            }
        }
    }

    /// The candidates the second reading gives for its word `s`: its other marks when it has
    /// Vietnamese ones, else legacy OCR's confusions undone.
    fn second_options(
        &self,
        s: &str,
        same_recogniser: bool,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        let mut opts = if same_recogniser || s.chars().any(is_vn_only) {
            self.scan_options(s)
        } else {
            let kind = if s.chars().all(char::is_alphabetic) {
                Kind::Word
            } else {
                Kind::Mixed
            };
            self.ocr_options(s, kind, cache)
        };
        for opt in &mut opts {
            // the second word as it is, not the first reading's token
            if matches!(opt.text, OptText::Kept) {
                opt.text = OptText::Owned(s.to_string());
            }
        }
        opts
    }

    /// Gives a scan line's word slots the candidates of the second reading of the same place
    /// and prices every candidate by both readings (see the [module](self) documentation).
    pub(in crate::repair) fn weigh_second_reading(
        &self,
        line_no: usize,
        line: &str,
        toks: &[Token],
        slots: &mut [Slot],
        session: &Session,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) {
        let Some(second) = session.second_reading.as_ref() else {
            return;
        };
        let p = &self.params.two_readings;
        // one figure for the whole page
        let page_sure = self.page_sureness(second);
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        for slot in slots.iter_mut() {
            if slot.tok == LINE_BREAK || !matches!(toks[slot.tok].kind, Kind::Word | Kind::Mixed) {
                continue;
            }
            let s = toks[slot.tok].text(line);
            let nth = seen.entry(s).or_default();
            let other = second.get(line_no, s, *nth);
            *nth += 1;
            let Some((other, confidence)) = other else {
                continue;
            };
            // how sure the recogniser was of the first word: 1 at `sure_confidence` and up
            let word_sure = if p.sure_confidence > 0.0 {
                (confidence / p.sure_confidence).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let sure = word_sure * page_sure;
            let first_known = self.fixed_word(s) != UNK;
            if first_known && !look_alike(s, other) && confidence >= p.lost_word_confidence {
                // a word the model knows against letters far from it: the second reading lost
                // this word (`phường` read `pe`), it is no evidence about it; unless the
                // recogniser hardly saw the word either (`pm` where the layer reads `gdm`)
                continue;
            }
            // both readings saw the same characters of a code, no syllable (`VP`): it stands
            // as read, whatever else the recogniser saw there (`VỀ`) and the model prefers
            let kept = |o: &Opt| matches!(o.text, OptText::Kept);
            if !is_syllable(s) && s == word_core(other) && slot.options.iter().any(kept) {
                slot.options.retain(kept);
                continue;
            }
            let mut theirs = self.second_options(other, second.same_recogniser, cache);
            let marks_weight = if second.same_recogniser {
                1.0
            } else {
                p.second_marks_weight
            };
            self.weigh_marks(&mut theirs, marks_weight);
            // a first word the model does not know is a slip: the second's words cost less
            let known = |o: &Opt| !o.words().is_empty() && !o.words().contains(&UNK);
            let first_weight = 1.0 - (p.unsure_first_discount * (1.0 - sure)).clamp(0.0, 1.0);
            for opt in slot.options.iter_mut() {
                opt.cost *= first_weight;
                let agreed = theirs
                    .iter()
                    .filter(|t| known(t) && t.words() == opt.words())
                    .map(|t| t.cost)
                    .min_by(f32::total_cmp);
                opt.cost += match agreed {
                    Some(cost) if known(opt) => cost * p.second_weight,
                    _ => p.second_unseen_cost,
                };
            }
            for mut t in theirs {
                // a word of the second reading the model does not know is its junk, not a
                // reading of the page: the first reading's token stands for it
                let skip = !known(&t) || slot.options.iter().any(|o| o.words() == t.words());
                if !skip {
                    t.cost = t.cost * p.second_weight + p.first_unseen_cost * sure;
                    t.reason = "second-reading";
                    slot.options.push(t);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_pairs_with_the_one_word_at_its_place() {
        let first = [[10, 10, 40, 30], [60, 10, 90, 30], [200, 10, 100, 30]];
        // the third first word was split in two by the other reading: unpaired
        let second = [
            [12, 12, 36, 26],
            [62, 8, 88, 32],
            [200, 10, 45, 30],
            [255, 10, 45, 30],
        ];
        assert_eq!(
            pair_by_boxes(&first, &second),
            vec![Some(0), Some(1), None,]
        );
        assert!(look_alike("phường", "phuong") && look_alike("đổi", "d6i"));
        assert!(!look_alike("phường", "pe"));
        // a word on another line is never at the same place
        assert!(!same_place([10, 10, 40, 30], [10, 50, 40, 30]));
        assert_eq!(pair_by_boxes(&first, &[]), vec![None, None, None]);
        // a speck boxed wide over the word beside it takes no word from it
        let speck_and_word = [[302, 775, 66, 63], [318, 824, 23, 24]];
        assert_eq!(
            pair_by_boxes(&speck_and_word, &[[319, 816, 15, 33]]),
            vec![None, Some(0)]
        );
    }

    /// The word slots of `line` priced by `r` with `words` of the first reading and `layer`.
    fn weighed_slots(
        r: &Repairer,
        line: &str,
        words: [(u32, &str, [u32; 4], f32); 3],
        layer: &[(&str, [u32; 4])],
    ) -> Vec<Slot> {
        use crate::lm::token::tokenize;
        let toks = tokenize(line);
        let mut slots: Vec<Slot> = toks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == Kind::Word)
            .map(|(ti, t)| Slot {
                tok: ti,
                options: r.scan_options(t.text(line)),
            })
            .collect();
        let session =
            Session::default().with_second_reading(SecondReading::align(line, words, layer));
        r.weigh_second_reading(
            0,
            line,
            &toks,
            &mut slots,
            &session,
            &mut FxHashMap::default(),
        );
        slots
    }

    #[test]
    fn both_readings_price_the_candidates() {
        let r = crate::repair::tests::repairer();
        // the first reading slipped (`đối`), the layer kept the letters without marks (`doi`)
        let line = "chuyến đối số";
        let words = [
            (0, "chuyến", [0, 0, 60, 20], 95.0),
            (0, "đối", [70, 0, 30, 20], 95.0),
            (0, "số", [110, 0, 30, 20], 95.0),
        ];
        let layer = [("chuyen", [0, 0, 60, 20]), ("doi", [70, 0, 30, 20])];
        let slots = weighed_slots(r, line, words, &layer);
        let cost_of = |slot: &Slot, w: &str| {
            let id = r.model.id(w);
            slot.options
                .iter()
                .find(|o| Some(o.words()[0]) == id)
                .map(|o| o.cost)
        };
        let p = &r.params.two_readings;
        // both readings give `đổi`: its cost under each, summed, no flat penalty
        let both = cost_of(&slots[1], "đổi").expect("a candidate");
        assert!(
            both < r.params.scan.scan_change_cost + p.second_unseen_cost,
            "{both}"
        );
        // a word without a second reading keeps its costs
        assert_eq!(cost_of(&slots[2], "số"), Some(0.0));

        // the same words on a page the recogniser found hard to read, with the page's
        // sureness counted: the first reading's own costs count less
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries");
        let mut hard_r = Repairer::load(&dir).expect("the committed model loads");
        hard_r.params = crate::repair::Params::default();
        hard_r.params.two_readings.sure_page_confidence = 93.0;
        let hard = words.map(|(l, w, b, _)| (l, w, b, 80.0));
        let hard_slots = weighed_slots(&hard_r, line, hard, &layer);
        let doubted = cost_of(&hard_slots[1], "đổi").expect("a candidate");
        assert!(doubted < both, "{doubted} against {both}");
    }

    #[test]
    fn a_code_both_readings_read_alike_stands() {
        let r = crate::repair::tests::repairer();
        let line = "Lưu VT VP";
        let words = [
            (0, "Lưu", [0, 0, 60, 20], 93.0),
            (0, "VT", [70, 0, 30, 20], 95.0),
            (0, "VP", [110, 0, 30, 20], 64.0),
        ];
        // the layer reads `VP` as `vie` did: only the code as read is left; `VT`, where the
        // layer read other letters, keeps its candidates
        let layer = [
            ("Luu", [0, 0, 60, 20]),
            ("VI", [70, 0, 30, 20]),
            ("VP.", [110, 0, 30, 20]),
        ];
        let slots = weighed_slots(r, line, words, &layer);
        assert_eq!(slots[2].options.len(), 1);
        assert!(matches!(slots[2].options[0].text, OptText::Kept));
        assert!(slots[0].options.len() > 1);
    }
}
