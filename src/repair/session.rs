//! The document's own usage: what a document has written so far makes the forms it already
//! uses cheaper on later lines ([`Session`]), and the line modes it was read in settle the
//! mode of lines too short to tell.
//!
//! Reads [`SessionParams`]. The pair costs are applied inside the search
//! ([`super::lattice`]), where they share the lookups of the language model.

use super::{FIRST_WORD, Mode, Repairer};
use rustc_hash::{FxHashMap, FxHashSet};

/// Settings of the document's usage (nats).
#[derive(Debug, Clone)]
pub struct SessionParams {
    /// Weight (nats) of the document's own usage: a candidate loses this times
    /// ln((uses of it + 1) / (uses of its letters in any form + 1)) earlier in the document.
    pub document_weight: f32,
    /// The most (nats) the document's usage can cost a candidate.
    pub document_cap: f32,
    /// The same as `document_weight` for word pairs (after the word before).
    pub document_pair_weight: f32,
    /// How much less (nats) a unit word (`phường`) costs once the document has written it
    /// before a place name.
    pub unit_bonus: f32,
}

impl Default for SessionParams {
    fn default() -> Self {
        SessionParams {
            document_weight: 1.0,
            document_cap: 2.0,
            document_pair_weight: 1.0,
            unit_bonus: 3.0,
        }
    }
}

impl SessionParams {
    /// Sets the field named `name`; false if there is none.
    pub(super) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "document_weight" => self.document_weight = v,
            "document_cap" => self.document_cap = v,
            "document_pair_weight" => self.document_pair_weight = v,
            "unit_bonus" => self.unit_bonus = v,
            _ => return false,
        }
        true
    }
}

/// What a document has said so far: how often each word was written, and each spelling
/// without marks. Later lines of the same document prefer the forms it already uses (a
/// report that writes *phường* ten times means *phường*, not *phương*, the eleventh time).
///
/// ```no_run
/// # use sohoa::repair::{Detail, Mode, Repairer, Session};
/// let r = Repairer::load_default()?;
/// let mut doc = Session::default();
/// for page in ["Phuong Dong Quang", "phuong Dong Quang"] {
///     print!("{}", r.restore_in(&mut doc, page, Mode::Auto, Detail::Text).text);
/// }
/// # Ok::<(), sohoa::repair::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct Session {
    pub(super) words: FxHashMap<u32, f32>,
    pub(super) letters: FxHashMap<u32, f32>,
    /// Word pairs written, and letter pairs (keys `first << 32 | second`).
    pub(super) pairs: FxHashMap<u64, f32>,
    pub(super) letter_pairs: FxHashMap<u64, f32>,
    /// Provinces the document has named.
    pub(super) provinces: FxHashSet<u16>,
    /// Unit words (`phường`, `tỉnh`) the document has written before a place name
    /// (`ĐẢNG ỦY PHƯỜNG HỒNG BÀNG`): a ward's document says `của phường`, `địa bàn phường`
    /// where a legal corpus would rather read `phương` (see [`SessionParams::unit_bonus`]).
    pub(super) units: FxHashSet<u32>,
    /// Lines decided with enough evidence, by mode (clean, ASCII, legacy OCR): a line with
    /// too few words to tell (`S6 42-BC/BTGDVTU`) takes the document's mode.
    pub(super) mode_lines: [u32; 3],
    /// Whether the text's named provinces were looked for (the first text only).
    pub(super) scanned: bool,
    /// What the recogniser saw on the page being repaired (scan mode).
    pub(super) recogniser: Option<super::RecogniserHints>,
    /// Another reading of the page being repaired (scan mode), aligned word by word.
    pub(super) second_reading: Option<super::SecondReading>,
}

impl Session {
    /// A session for one OCR'd page whose recogniser reported `hints`: scan-mode repair weighs
    /// its candidates with them (see [`super::RecogniserHints`]).
    pub fn with_recogniser(hints: super::RecogniserHints) -> Session {
        Session {
            recogniser: Some(hints),
            ..Session::default()
        }
    }

    /// This session, for a page that has a second reading (a PDF's OCR layer aligned with the
    /// OCR of its image): scan-mode repair chooses each word among both readings' candidates
    /// (see [`super::SecondReading`]).
    pub fn with_second_reading(self, second: super::SecondReading) -> Session {
        Session {
            second_reading: Some(second),
            ..self
        }
    }

    /// Counts a line decided in `mode` (lines of the scan mode, never chosen per line, are not).
    pub(super) fn note_mode(&mut self, mode: Mode) {
        let i = match mode {
            Mode::Clean => 0,
            Mode::Ascii => 1,
            Mode::Ocr => 2,
            Mode::Auto | Mode::Scan => return,
        };
        self.mode_lines[i] = self.mode_lines[i].saturating_add(1);
    }

    /// The mode most of the document's lines were read in, if any line was decided. Legacy
    /// OCR also reads ASCII words (their accented forms are candidates), so it wins once it
    /// is a third of the lines without marks.
    pub(super) fn document_mode(&self) -> Option<Mode> {
        let [clean, ascii, ocr] = self.mode_lines;
        if clean + ascii + ocr == 0 {
            None
        } else if clean >= ascii + ocr {
            Some(Mode::Clean)
        } else if ocr * 3 >= ascii + ocr {
            Some(Mode::Ocr)
        } else {
            Some(Mode::Ascii)
        }
    }
}

/// A session remembers at most this many distinct pairs (about 40 MB), so memory stays bounded
/// on an endless input; pairs already known keep counting.
const SESSION_MAX_PAIRS: usize = 1_000_000;

fn count_pair(pairs: &mut FxHashMap<u64, f32>, key: u64) {
    if let Some(n) = pairs.get_mut(&key) {
        *n += 1.0;
    } else if pairs.len() < SESSION_MAX_PAIRS {
        pairs.insert(key, 1.0);
    }
}

/// The key of a word pair (or a letter pair) in one `u64`.
pub(super) fn pair_key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

impl Repairer {
    /// The cost (nats) of word `w` from the document's usage so far (see [`Session`]).
    pub(super) fn document_cost(&self, session: &Session, w: u32) -> f32 {
        if w < FIRST_WORD {
            return 0.0;
        }
        let unit = if session.units.contains(&w) {
            self.params.session.unit_bonus
        } else {
            0.0
        };
        let Some(&any) = session.letters.get(&self.spellings.letters_of[w as usize]) else {
            return -unit;
        };
        let own = session.words.get(&w).copied().unwrap_or(0.0);
        self.usage_cost(own, any, self.params.session.document_weight) - unit
    }

    /// What the document's usage costs a form used `own` times when its letters were used `any`
    /// times in any form: `weight` × −ln((own + 1) / (any + 1)), at most the cap.
    pub(super) fn usage_cost(&self, own: f32, any: f32, weight: f32) -> f32 {
        (-(((own + 1.0) / (any + 1.0)).ln()) * weight).min(self.params.session.document_cap)
    }

    /// Notes in `session` the words of a decoded line (`chosen`: the words of each slot's
    /// choice, `None` where a choice is no single word), their pairs, the provinces they name,
    /// and the unit words written before a place name.
    pub(super) fn learn(&self, session: &mut Session, chosen: impl Iterator<Item = Option<u32>>) {
        let (mut before, mut before2) = (None, None);
        for word in chosen {
            match word {
                Some(w) => {
                    if let (Some(u), Some(b)) = (before2, before)
                        && self.names.unit_words.contains(&u)
                        && self.names.name_pairs.contains_key(&pair_key(b, w))
                    {
                        session.units.insert(u);
                    }
                    let lw = self.spellings.letters_of[w as usize];
                    *session.words.entry(w).or_default() += 1.0;
                    *session.letters.entry(lw).or_default() += 1.0;
                    if let Some(b) = before {
                        let lb = self.spellings.letters_of[b as usize];
                        count_pair(&mut session.pairs, pair_key(b, w));
                        count_pair(&mut session.letter_pairs, pair_key(lb, lw));
                        if let Some(&p) = self.names.province_pairs.get(&pair_key(b, w)) {
                            session.provinces.insert(p);
                        }
                    }
                    (before2, before) = (before, Some(w));
                }
                None => (before2, before) = (None, None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_stops_learning_new_pairs_at_its_cap() {
        let mut pairs = FxHashMap::default();
        for k in 0..SESSION_MAX_PAIRS as u64 {
            count_pair(&mut pairs, k);
        }
        count_pair(&mut pairs, u64::MAX);
        assert_eq!(pairs.len(), SESSION_MAX_PAIRS);
        assert!(!pairs.contains_key(&u64::MAX));
        // a known pair still counts
        count_pair(&mut pairs, 7);
        assert_eq!(pairs[&7], 2.0);
    }

    #[test]
    fn the_document_mode_is_the_mode_of_most_decided_lines() {
        let mut s = Session::default();
        assert_eq!(s.document_mode(), None);
        s.note_mode(Mode::Scan); // not counted
        assert_eq!(s.document_mode(), None);
        s.note_mode(Mode::Ascii);
        s.note_mode(Mode::Ascii);
        assert_eq!(s.document_mode(), Some(Mode::Ascii));
        // legacy OCR wins at a third of the lines without marks
        s.note_mode(Mode::Ocr);
        assert_eq!(s.document_mode(), Some(Mode::Ocr));
        for _ in 0..3 {
            s.note_mode(Mode::Clean);
        }
        assert_eq!(s.document_mode(), Some(Mode::Clean));
    }

    #[test]
    fn usage_makes_a_documents_own_form_cheaper() {
        let r = super::super::tests::repairer();
        let (phuong, phuong_marked) = (r.model.id("phương"), r.model.id("phường"));
        let (Some(a), Some(b)) = (phuong, phuong_marked) else {
            panic!("the committed model has both forms");
        };
        let mut s = Session::default();
        assert_eq!(r.document_cost(&s, b), 0.0);
        r.learn(&mut s, [Some(b), Some(b), Some(b)].into_iter());
        assert!(r.document_cost(&s, b) < r.document_cost(&s, a));
        assert!(r.document_cost(&s, a) <= r.params.session.document_cap);
    }
}
