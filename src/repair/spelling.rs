//! Spellings of one syllable: every word's letters without marks, numbered, with the `i` and
//! `y` spellings of one syllable (`kĩ`, `kỹ`) under one number, so that the document's usage
//! ([`super::session`]) counts them together; and the `y` spelling of an `i` word, which legacy
//! OCR candidates take on ([`Spellings::add_y_spellings`]).

use super::FIRST_WORD;
use super::channel::Hit;
use crate::lm::model::Model;
use crate::viet::fold;
use rustc_hash::FxHashMap;

/// The spelling tables of a model's vocabulary.
#[derive(Debug, Default)]
pub(super) struct Spellings {
    /// Each vocabulary word's spelling without marks, numbered (for [`super::Session`]); the
    /// `i` and `y` spellings of one syllable (`kĩ`, `kỹ`) share a number.
    pub(super) letters_of: Vec<u32>,
    /// The `y` spelling of words that end in `i` after a bare onset (`kĩ` → `kỹ`), where the
    /// vocabulary has it.
    y_spellings: FxHashMap<u32, u32>,
}

impl Spellings {
    /// The tables of `model`'s vocabulary.
    pub(super) fn new(model: &Model) -> Spellings {
        let mut letter_ids: FxHashMap<String, u32> = FxHashMap::default();
        let letters_of = model
            .vocab
            .iter()
            .map(|w| {
                let n = letter_ids.len() as u32;
                *letter_ids.entry(i_for_final_y(fold(w))).or_insert(n)
            })
            .collect();
        let y_spellings = (FIRST_WORD..model.vocab.len() as u32)
            .filter_map(|id| {
                let y = y_spelling(&model.vocab[id as usize])?;
                Some((id, model.id(&y)?))
            })
            .collect();
        Spellings {
            letters_of,
            y_spellings,
        }
    }

    /// Legacy OCR reads the `ỹ` of `kỹ` as `i` too: a syllable's `y` spelling is a candidate
    /// at the cost of its `i` spelling, and the language model (the corpus's spelling) and the
    /// document's own usage choose. `hits` stay sorted by cost.
    pub(super) fn add_y_spellings(&self, hits: &mut Vec<Hit>) {
        let mut extra: Vec<Hit> = Vec::new();
        for h in hits.iter() {
            if let Some(&y) = self.y_spellings.get(&h.id)
                && !hits.iter().any(|o| o.id == y && o.cost <= h.cost)
            {
                extra.push(Hit {
                    id: y,
                    cost: h.cost,
                });
            }
        }
        if !extra.is_empty() {
            hits.retain(|o| !extra.iter().any(|e| e.id == o.id));
            hits.extend(extra);
            hits.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        }
    }
}

/// Whether folded letters are a bare onset, one that a final `i`/`y` may follow in either
/// spelling (`k` in `kĩ`/`kỹ`, `qu` in `quí`/`quý`; not `tu` in `tuy`).
fn is_bare_onset(letters: &str) -> bool {
    const ONSETS: [&str; 25] = [
        "b", "c", "ch", "d", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p",
        "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
    ];
    ONSETS.contains(&letters)
}

/// The folded syllable with a final `y` after a bare onset written `i` (`ky` → `ki`, `quy` →
/// `qui`; `tuy`, `huy` stay): `kỹ`/`kĩ`, `lý`/`lí` are one word in two spellings, so a
/// document's use of one counts as use of the letters of both.
fn i_for_final_y(mut folded: String) -> String {
    if folded.strip_suffix('y').is_some_and(is_bare_onset) {
        folded.pop();
        folded.push('i');
    }
    folded
}

/// The `y` spelling of a syllable that ends in `i` after a bare onset, tone kept (`kĩ` →
/// `kỹ`, `lí` → `lý`).
fn y_spelling(word: &str) -> Option<String> {
    const I: [char; 6] = ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'];
    const Y: [char; 6] = ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'];
    let last = word.chars().last()?;
    let tone = I.iter().position(|&c| c == last)?;
    let onset = &word[..word.len() - last.len_utf8()];
    is_bare_onset(&fold(onset)).then(|| format!("{onset}{}", Y[tone]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i_and_y_spellings_of_one_syllable() {
        assert_eq!(y_spelling("kĩ").as_deref(), Some("kỹ"));
        assert_eq!(y_spelling("lí").as_deref(), Some("lý"));
        assert_eq!(y_spelling("quí").as_deref(), Some("quý"));
        assert_eq!(y_spelling("tui"), None);
        assert_eq!(y_spelling("i"), None);
        assert_eq!(i_for_final_y("ky".into()), "ki");
        assert_eq!(i_for_final_y("quy".into()), "qui");
        assert_eq!(i_for_final_y("tuy".into()), "tuy");
        assert_eq!(i_for_final_y("y".into()), "y");
    }

    #[test]
    fn the_y_spelling_joins_the_candidates_at_the_cost_of_the_i_spelling() {
        let r = crate::repair::tests::repairer();
        let (Some(ki), Some(ky)) = (r.model.id("kĩ"), r.model.id("kỹ")) else {
            panic!("the committed model has both spellings");
        };
        let s = &r.spellings;
        assert_eq!(s.letters_of[ki as usize], s.letters_of[ky as usize]);
        let mut hits = vec![Hit { id: ki, cost: 1.5 }];
        s.add_y_spellings(&mut hits);
        assert!(hits.iter().any(|h| h.id == ky && h.cost == 1.5));
    }
}
