//! ASCII candidates: a word without marks may be any accented syllable that folds to it
//! (`hoc` → `học`, `hóc`, `hộc`), all at no cost: the language model and the document's usage
//! choose. Reads no [`crate::repair::Params`].

use super::Opt;
use crate::lm::model::Model;
use crate::lm::syl::{canonical_syllable, case_of};
use crate::repair::Repairer;
use crate::viet::fold;
use rustc_hash::FxHashMap;

/// The syllables of the vocabulary by their letters without marks, most frequent first: at
/// most eight, none rarer than 1/5000 of the most frequent.
pub(in crate::repair) fn fold_index(model: &Model) -> FxHashMap<String, Vec<u32>> {
    let mut fold_index: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for (id, w) in model
        .vocab
        .iter()
        .enumerate()
        .skip(crate::lm::model::SPECIALS.len())
    {
        if canonical_syllable(w).is_some() {
            fold_index.entry(fold(w)).or_default().push(id as u32);
        }
    }
    for ids in fold_index.values_mut() {
        ids.sort_by(|&a, &b| model.counts[b as usize].total_cmp(&model.counts[a as usize]));
        let top = model.counts[ids[0] as usize];
        ids.retain(|&i| model.counts[i as usize] >= top * 2e-4);
        ids.truncate(8);
    }
    fold_index
}

impl Repairer {
    /// The candidates of an ASCII word: its accented forms in its case, or the word kept
    /// when no syllable folds to it.
    pub(in crate::repair) fn ascii_options(&self, s: &str) -> Vec<Opt> {
        match self.fold_index.get(&s.to_lowercase()) {
            Some(ids) => {
                let case = case_of(s);
                ids.iter()
                    .map(|&id| Opt::word(id, case, 0.0, "ascii-diacritics"))
                    .collect()
            }
            None => vec![Opt::fixed(&[self.fixed_word(s)])],
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lm::syl::Case;
    use crate::repair::candidates::OptText;

    #[test]
    fn an_ascii_word_may_be_any_syllable_that_folds_to_it() {
        let r = crate::repair::tests::repairer();
        let opts = r.ascii_options("Hoc");
        let hoc = r.model.id("học").expect("the committed model has học");
        assert!(opts.iter().all(|o| o.cost == 0.0));
        assert!(
            opts.iter()
                .any(|o| matches!(o.text, OptText::Word(id, Case::Title) if id == hoc))
        );
        // most frequent first, at most eight
        assert_eq!(opts[0].words(), [hoc]);
        assert!(opts.len() <= 8);
        // a word nothing folds to is kept
        assert_eq!(r.ascii_options("xyzzy").len(), 1);
    }
}
