//! Split candidates: legacy OCR drops the space between two syllables (`sovoi` for `so với`,
//! `so'y` for `sở y`). When a token's best one-word candidate is poor, its readings as two
//! words, cut anywhere leaving two letters a side (or after an apostrophe), are candidates at
//! [`SplitParams::split_cost`] more than their two words.
//!
//! Reads [`SplitParams`]; the words of each side come from the legacy-OCR search
//! ([`super::ocr`]).

use super::{Opt, OptText};
use crate::lm::syl::{Case, apply_case};
use crate::lm::token::{APOSTROPHES, Kind};
use crate::repair::Repairer;
use crate::repair::channel::Hit;
use crate::repair::recase::split_cases;
use rustc_hash::FxHashMap;

/// Settings of the split candidates (nats).
#[derive(Debug, Clone)]
pub struct SplitParams {
    /// Extra cost of reading one OCR token as two words.
    pub split_cost: f32,
    /// Try splits when the best single-word candidate costs more than this.
    pub split_trigger: f32,
}

impl Default for SplitParams {
    fn default() -> Self {
        SplitParams {
            split_cost: 4.0,
            split_trigger: 5.0,
        }
    }
}

impl SplitParams {
    /// Sets the field named `name`; false if there is none.
    pub(in crate::repair) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "split_cost" => self.split_cost = v,
            "split_trigger" => self.split_trigger = v,
            _ => return false,
        }
        true
    }
}

impl Repairer {
    /// The two-word readings of a legacy-OCR token (`lower`: lower case, OCR characters
    /// normalised; `case`: the token's) whose best one-word candidate costs `best`: the four
    /// cheapest within 4 nats of `best`, none when `best` is good enough or the token is too
    /// short or long to be two syllables.
    pub(in crate::repair) fn split_options(
        &self,
        lower: &str,
        kind: Kind,
        case: Case,
        best: f32,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        let chars: Vec<char> = lower.chars().collect();
        // an apostrophe inside a token may end a syllable: `so'y` is `sở y`
        let apostrophe_at = |k: usize| APOSTROPHES.contains(&chars[k - 1]);
        let has_apostrophe = chars.iter().any(|c| APOSTROPHES.contains(c));
        let may_split = (kind == Kind::Word || has_apostrophe)
            && chars.len() >= 3
            && chars.len() <= 16
            && best > self.params.split.split_trigger;
        if !may_split {
            return Vec::new();
        }
        let mut splits: Vec<Opt> = Vec::new();
        for k in 1..chars.len() {
            if !(k >= 2 && chars.len() - k >= 2 || apostrophe_at(k)) {
                continue;
            }
            let (l, r): (String, String) =
                (chars[..k].iter().collect(), chars[k..].iter().collect());
            let (hl, hr) = (self.ocr_hits(&l, cache), self.ocr_hits(&r, cache));
            for a in hl.iter().take(3) {
                for b in hr.iter().take(3) {
                    let cost = a.cost + b.cost + self.params.split.split_cost;
                    if cost < best + 4.0 {
                        let (ca, cb) = split_cases(case);
                        let text = format!(
                            "{} {}",
                            apply_case(&self.model.vocab[a.id as usize], ca),
                            apply_case(&self.model.vocab[b.id as usize], cb)
                        );
                        splits.push(Opt {
                            words: [a.id, b.id],
                            n: 2,
                            text: OptText::Owned(text),
                            cost,
                            reason: "ocr-split",
                        });
                    }
                }
            }
        }
        splits.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        splits.truncate(4);
        splits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splits(s: &str, best: f32) -> Vec<String> {
        let r = crate::repair::tests::repairer();
        let cache = &mut FxHashMap::default();
        r.split_options(s, Kind::Word, Case::Lower, best, cache)
            .iter()
            .map(|o| r.render(&o.text, s).into_owned())
            .collect()
    }

    #[test]
    fn a_merged_token_reads_as_two_words() {
        // the channel's cheapest two-word readings, the language model chooses among them
        let found = splits("sovoi", 10.0);
        assert_eq!(
            found.first().map(String::as_str),
            Some("so voi"),
            "{found:?}"
        );
        assert!(found.len() <= 4 && found.iter().all(|t| t.split(' ').count() == 2));
        // a good one-word candidate: no splits
        assert!(splits("sovoi", 1.0).is_empty());
        // too short
        assert!(splits("so", 10.0).is_empty());
    }
}
