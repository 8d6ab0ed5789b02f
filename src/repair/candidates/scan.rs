//! Scan candidates ([`Mode::Scan`](crate::repair::Mode::Scan)): Tesseract's Vietnamese model
//! gets the letters of a poor scan mostly right, but its tone and vowel marks slip
//! (`chuyến đối số`). A word's candidates are the word as read and every other accented form
//! of its letters at [`ScanParams::scan_change_cost`] each; the language model decides.
//!
//! The stage is one entry point, [`Repairer::scan_options`], called for each word of a line
//! in scan mode by [`Repairer::word_options`]. It reads the model's vocabulary, the fold index
//! ([`super::ascii::fold_index`]) and [`ScanParams`], and nothing else.

use super::Opt;
use crate::lm::model::UNK;
use crate::lm::syl::case_of;
use crate::lm::token::{Kind, Token};
use crate::repair::Repairer;
use crate::repair::lattice::{LINE_BREAK, Slot};
use crate::repair::session::Session;
use crate::viet::fold;
use rustc_hash::FxHashMap;

/// Settings of the scan candidates (nats).
#[derive(Debug, Clone)]
pub struct ScanParams {
    /// Cost of changing a syllable's marks in [`Mode::Scan`](crate::repair::Mode::Scan).
    pub scan_change_cost: f32,
    /// Weight of the recogniser's own cost of an alternative it saw (`ln` of its confidence
    /// ratio), when that is cheaper than `scan_change_cost`.
    pub recogniser_weight: f32,
    /// Extra cost of a change the recogniser did not see, on a word whose alternatives it
    /// reported: words it is sure of stay as read unless the model's evidence is strong.
    pub unseen_change_cost: f32,
}

impl Default for ScanParams {
    fn default() -> Self {
        ScanParams {
            scan_change_cost: 5.0,
            recogniser_weight: 1.0,
            unseen_change_cost: 1.0,
        }
    }
}

impl ScanParams {
    /// Sets the field named `name`; false if there is none.
    pub(in crate::repair) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "scan_change_cost" => self.scan_change_cost = v,
            "recogniser_weight" => self.recogniser_weight = v,
            "unseen_change_cost" => self.unseen_change_cost = v,
            _ => return false,
        }
        true
    }
}

/// What the recogniser saw besides its best reading, by line of the text it wrote: for each
/// word as read, the other readings it weighed and their cost in nats (see
/// [`crate::ingest::Alternative`]).
///
/// ```
/// use sohoa::repair::RecogniserHints;
/// let text = "chuyến đối số\n\nKế hoạch";
/// let words = [(0, "chuyến", vec![("chuyển".to_string(), 1.8)]), (1, "Kế", vec![])];
/// let hints = RecogniserHints::new(text, words);
/// assert_eq!(hints.get(0, "chuyến").map(|a| a.len()), Some(1));
/// assert!(hints.get(2, "Kế").is_some()); // word line 1 is text line 2
/// ```
#[derive(Debug, Clone, Default)]
pub struct RecogniserHints {
    /// Text line → word as read → (alternative, cost).
    lines: FxHashMap<usize, FxHashMap<String, Vec<(String, f32)>>>,
}

/// The text line of each OCR word line: word line N is the N-th non-blank line of `text`, as
/// Tesseract writes them.
pub(crate) fn text_lines_of_word_lines(text: &str) -> Vec<usize> {
    text.split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, _)| i)
        .collect()
}

/// A word without the punctuation around it, as the tokenizer splits it off.
pub(super) fn word_core(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

impl RecogniserHints {
    /// Hints for `text` from its OCR words, given as (word line, word as read, alternatives).
    /// Word line N is the N-th non-blank line of `text`, as Tesseract writes them; punctuation
    /// around a word is dropped, as the tokenizer splits it off.
    pub fn new<'a>(
        text: &str,
        words: impl IntoIterator<Item = (u32, &'a str, Vec<(String, f32)>)>,
    ) -> RecogniserHints {
        let text_lines = text_lines_of_word_lines(text);
        let core = |w: &str| word_core(w).to_string();
        let mut lines: FxHashMap<usize, FxHashMap<String, Vec<(String, f32)>>> =
            FxHashMap::default();
        for (line, word, alternatives) in words {
            let Some(&text_line) = text_lines.get(line as usize) else {
                continue;
            };
            let alternatives: Vec<(String, f32)> = alternatives
                .into_iter()
                .map(|(a, c)| (core(&a), c))
                .filter(|(a, _)| !a.is_empty())
                .collect();
            let entry = lines
                .entry(text_line)
                .or_default()
                .entry(core(word))
                .or_default();
            for (a, c) in alternatives {
                match entry.iter_mut().find(|(b, _)| *b == a) {
                    Some(found) => found.1 = found.1.min(c),
                    None => entry.push((a, c)),
                }
            }
        }
        RecogniserHints { lines }
    }

    /// The alternatives the recogniser saw for `word` on text line `line`: `Some(&[])` when it
    /// read the word and saw none, `None` when it did not read it there.
    pub fn get(&self, line: usize, word: &str) -> Option<&[(String, f32)]> {
        self.lines.get(&line)?.get(word).map(Vec::as_slice)
    }
}

impl Repairer {
    /// The candidates of a word read by Tesseract's Vietnamese model: itself, and the other
    /// accented forms of its folded spelling at [`ScanParams::scan_change_cost`] each.
    pub(in crate::repair) fn scan_options(&self, s: &str) -> Vec<Opt> {
        let own = self.fixed_word(s);
        let mut keep = Opt::fixed(&[own]);
        let case = case_of(s);
        let Some(ids) = self.fold_index.get(&fold(&s.to_lowercase())) else {
            return vec![keep];
        };
        if own == UNK {
            // not a word the model knows: a slip is likelier than a rare word
            keep.cost = self.params.scan.scan_change_cost;
        }
        let mut opts = vec![keep];
        opts.extend(ids.iter().filter(|&&id| id != own).map(|&id| {
            Opt::word(
                id,
                case,
                self.params.scan.scan_change_cost,
                "scan-diacritics",
            )
        }));
        opts
    }
}

impl Repairer {
    /// Weighs a scan line's candidates with what the recogniser saw (`line_no` is the line's
    /// index in the text): a change it saw costs its own cost (times
    /// [`ScanParams::recogniser_weight`]) when that is cheaper, a reading it saw that is not
    /// yet a candidate (other letters, `y` for `g`) is added, and a change it did not see on a
    /// word it read costs [`ScanParams::unseen_change_cost`] more.
    pub(in crate::repair) fn weigh_recogniser(
        &self,
        line_no: usize,
        line: &str,
        toks: &[Token],
        slots: &mut [Slot],
        session: &Session,
    ) {
        let Some(hints) = session.recogniser.as_ref() else {
            return;
        };
        let p = &self.params.scan;
        for slot in slots.iter_mut() {
            if slot.tok == LINE_BREAK || toks[slot.tok].kind != Kind::Word {
                continue;
            }
            let s = toks[slot.tok].text(line);
            let Some(seen) = hints.get(line_no, s) else {
                continue;
            };
            let case = case_of(s);
            let seen_ids: Vec<(u32, f32)> = seen
                .iter()
                .filter_map(|(a, c)| {
                    let id = self.model.id(&a.to_lowercase())?;
                    (id != UNK).then_some((id, c * p.recogniser_weight))
                })
                .collect();
            for opt in slot.options.iter_mut().skip(1) {
                let &[id] = opt.words() else {
                    continue;
                };
                match seen_ids.iter().find(|(w, _)| *w == id) {
                    Some(&(_, cost)) => {
                        opt.cost = opt.cost.min(cost);
                        opt.reason = "scan-recogniser";
                    }
                    None => opt.cost += p.unseen_change_cost,
                }
            }
            for &(id, cost) in &seen_ids {
                let present = slot.options.iter().any(|o| o.words() == [id]);
                if !present {
                    slot.options
                        .push(Opt::word(id, case, cost, "scan-recogniser"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_scanned_word_may_have_other_marks_at_a_cost() {
        let r = crate::repair::tests::repairer();
        let opts = r.scan_options("đối");
        let (own, change) = (r.model.id("đối"), r.model.id("đổi"));
        assert_eq!(Some(opts[0].words()[0]), own);
        assert_eq!(opts[0].cost, 0.0);
        let other = opts.iter().find(|o| Some(o.words()[0]) == change);
        assert_eq!(other.map(|o| o.cost), Some(r.params.scan.scan_change_cost));
        assert!(opts[1..].iter().all(|o| o.reason == "scan-diacritics"));
    }

    #[test]
    fn a_word_no_syllable_folds_to_is_kept() {
        let r = crate::repair::tests::repairer();
        // no syllable folds to it: kept, at no cost
        let opts = r.scan_options("xyzzy");
        assert_eq!((opts.len(), opts[0].cost), (1, 0.0));
    }

    #[test]
    fn what_the_recogniser_saw_sets_the_costs() {
        use crate::lm::token::tokenize;
        use crate::repair::RecogniserHints;
        use crate::repair::lattice::Slot;
        use crate::repair::session::Session;
        let r = crate::repair::tests::repairer();
        let line = "chuyến đối số";
        let toks = tokenize(line);
        let mut slots: Vec<Slot> = toks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == crate::lm::token::Kind::Word)
            .map(|(ti, t)| Slot {
                tok: ti,
                options: r.scan_options(t.text(line)),
            })
            .collect();
        let hints = RecogniserHints::new(
            line,
            [
                (0, "chuyến", vec![("chuyển".to_string(), 0.5)]),
                (0, "đối", vec![]),
            ],
        );
        let session = Session::with_recogniser(hints);
        r.weigh_recogniser(0, line, &toks, &mut slots, &session);
        let cost_of = |slot: &Slot, w: &str| {
            let id = r.model.id(w);
            slot.options
                .iter()
                .find(|o| Some(o.words()[0]) == id)
                .map(|o| o.cost)
        };
        let p = &r.params.scan;
        // seen: its own cost; unseen on a word the recogniser read: dearer
        assert_eq!(
            cost_of(&slots[0], "chuyển"),
            Some(0.5 * p.recogniser_weight)
        );
        assert_eq!(
            cost_of(&slots[1], "đổi"),
            Some(p.scan_change_cost + p.unseen_change_cost)
        );
        // a word the recogniser did not report is left as the scan stage made it
        assert_eq!(cost_of(&slots[2], "sở"), Some(p.scan_change_cost));
        // the reading as read stays free
        assert_eq!(slots[0].options[0].cost, 0.0);
    }
}
