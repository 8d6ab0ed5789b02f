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
use crate::repair::Repairer;
use crate::viet::fold;

/// Settings of the scan candidates (nats).
#[derive(Debug, Clone)]
pub struct ScanParams {
    /// Cost of changing a syllable's marks in [`Mode::Scan`](crate::repair::Mode::Scan).
    pub scan_change_cost: f32,
}

impl Default for ScanParams {
    fn default() -> Self {
        ScanParams {
            scan_change_cost: 5.0,
        }
    }
}

impl ScanParams {
    /// Sets the field named `name`; false if there is none.
    pub(in crate::repair) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "scan_change_cost" => self.scan_change_cost = v,
            _ => return false,
        }
        true
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
}
