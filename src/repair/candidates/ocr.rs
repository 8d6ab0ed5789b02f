//! Legacy-OCR candidates: Tesseract run without Vietnamese data writes `Ké hoach s6` for `Kế
//! hoạch số`. A token's candidates are the vocabulary words within reach of it under the
//! learned confusion channel (a search of the vocabulary's trie, [`super::super::channel`]),
//! with the accented forms of its letters always among them, the `y` spellings of `i` words
//! ([`super::super::spelling`]), the token kept at a cost, and, when the best word is poor,
//! readings as two words ([`super::split`]). An upper-case token no syllable folds to is most
//! likely an abbreviation: only a cheap confusion replaces it.
//!
//! Reads [`OcrParams`]. The search is the costliest step of a line, so its results are cached
//! per thread across calls ([`Repairer::take_ocr_cache`]).

use super::Opt;
use crate::lm::confusions::ocr_char;
use crate::lm::model::UNK;
use crate::lm::syl::{Case, canonical_syllable, case_of};
use crate::lm::token::Kind;
use crate::repair::Repairer;
use crate::repair::channel::{self, Hit, Trie};
use crate::viet::fold;
use rustc_hash::FxHashMap;

/// Settings of the legacy-OCR candidates (nats).
#[derive(Debug, Clone)]
pub struct OcrParams {
    /// Cost of keeping an OCR token that is not a known word.
    pub keep_cost: f32,
    /// Largest channel cost of an OCR candidate.
    pub ocr_limit: f32,
    /// OCR candidates within this margin of the best are kept.
    pub ocr_margin: f32,
    /// Candidates per token at most.
    pub max_candidates: usize,
    /// A word that is not a Vietnamese syllable is an OCR candidate only with at least this
    /// weighted corpus count (read when the model is loaded); the line modes count such a
    /// word as a word by the same threshold.
    pub foreign_min_count: f32,
}

impl Default for OcrParams {
    fn default() -> Self {
        OcrParams {
            keep_cost: 12.0,
            ocr_limit: 22.0,
            ocr_margin: 9.0,
            max_candidates: 32,
            foreign_min_count: 300.0,
        }
    }
}

impl OcrParams {
    /// Sets the field named `name`; false if there is none.
    pub(in crate::repair) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "keep_cost" => self.keep_cost = v,
            "ocr_limit" => self.ocr_limit = v,
            "ocr_margin" => self.ocr_margin = v,
            "max_candidates" => self.max_candidates = v as usize,
            "foreign_min_count" => self.foreign_min_count = v,
            _ => return false,
        }
        true
    }
}

/// Largest channel cost at which an abbreviation-like OCR token is replaced by a word.
const ABBREVIATION_EDIT_LIMIT: f32 = 6.0;
/// Cost of keeping an abbreviation-like OCR token as it is.
const ABBREVIATION_KEEP_COST: f32 = 2.0;

/// Cached OCR candidates by token, with the [`Repairer::cache_key`] they were searched under.
type HitCache = ([u64; 5], FxHashMap<String, Vec<Hit>>);

thread_local! {
    /// OCR candidates by token, kept across calls on one thread: a batch's pages repeat the
    /// same misread words, and a candidate search costs far more than the rest of a token's
    /// decoding. Keyed by [`Repairer::cache_key`]; cleared when it grows past 200,000 tokens.
    static OCR_HITS: std::cell::RefCell<HitCache> =
        std::cell::RefCell::new(([u64::MAX; 5], FxHashMap::default()));
}

/// Numbers the loaded repairers, for [`Repairer::cache_key`].
static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A number for a newly loaded repairer, unique in the process.
pub(in crate::repair) fn next_instance() -> u64 {
    INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Repairer {
    /// The vocabulary's trie, built on the first OCR line (ASCII and clean text never need it).
    pub(in crate::repair) fn trie(&self) -> &Trie {
        self.trie.get_or_init(|| {
            Trie::new(
                self.model
                    .vocab
                    .iter()
                    .enumerate()
                    .skip(crate::lm::model::SPECIALS.len())
                    // OCR candidates are Vietnamese syllables, or other words (loans, names,
                    // abbreviations) only when the corpus has them often: a rare non-syllable
                    // ("sb", "csb") is more likely an OCR slip in the corpus than a reading
                    .filter(|(i, w)| {
                        w.chars().all(char::is_alphabetic)
                            && (canonical_syllable(w).is_some()
                                || self.model.counts[*i] >= self.params.ocr.foreign_min_count)
                    })
                    .map(|(i, w)| (i as u32, w.as_str())),
            )
        })
    }

    /// What the OCR candidates of a token depend on: this repairer's model and the search
    /// settings.
    pub(in crate::repair) fn cache_key(&self) -> [u64; 5] {
        let p = &self.params.ocr;
        [
            self.instance,
            p.ocr_limit.to_bits() as u64,
            p.ocr_margin.to_bits() as u64,
            p.max_candidates as u64,
            p.foreign_min_count.to_bits() as u64,
        ]
    }

    /// Forgets this thread's cached OCR candidates (benchmarks use it to measure a cold start).
    pub fn forget_ocr_candidates(&self) {
        OCR_HITS.with(|c| c.borrow_mut().1.clear());
    }

    /// This thread's cached OCR candidates, taken out for one call (emptied when they were
    /// searched under another key); give them back with [`Repairer::put_ocr_cache`].
    pub(in crate::repair) fn take_ocr_cache(&self) -> ([u64; 5], FxHashMap<String, Vec<Hit>>) {
        let key = self.cache_key();
        let cache = OCR_HITS.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != key {
                *c = (key, FxHashMap::default());
            }
            std::mem::take(&mut c.1)
        });
        (key, cache)
    }

    /// Gives back the cache taken by [`Repairer::take_ocr_cache`].
    pub(in crate::repair) fn put_ocr_cache(key: [u64; 5], cache: FxHashMap<String, Vec<Hit>>) {
        OCR_HITS.with(|c| *c.borrow_mut() = (key, cache));
    }

    /// The vocabulary words within reach of `key` (lower case, OCR characters normalised),
    /// best first, with the accented forms of its letters always among them.
    pub(in crate::repair) fn ocr_hits(
        &self,
        key: &str,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Hit> {
        if let Some(h) = cache.get(key) {
            return h.clone();
        }
        let chars: Vec<char> = key.chars().collect();
        let p = &self.params.ocr;
        let mut hits = if chars.len() > 20 {
            Vec::new()
        } else {
            self.trie().search(
                &chars,
                &self.channel,
                p.ocr_limit,
                p.ocr_margin,
                p.max_candidates,
            )
        };
        // the accented forms of the token read as ASCII are always candidates
        if let Some(ids) = self.fold_index.get(&fold(key)) {
            for &id in ids {
                if !hits.iter().any(|h| h.id == id) {
                    let word: Vec<char> = self.model.vocab[id as usize].chars().collect();
                    let cost = channel::word_cost(&word, &chars, &self.channel);
                    hits.push(Hit { id, cost });
                }
            }
        }
        if cache.len() > 200_000 {
            cache.clear();
        }
        cache.insert(key.to_string(), hits.clone());
        hits
    }

    /// The candidates of a word or mixed token of a legacy-OCR line.
    pub(in crate::repair) fn ocr_options(
        &self,
        s: &str,
        kind: Kind,
        cache: &mut FxHashMap<String, Vec<Hit>>,
    ) -> Vec<Opt> {
        let case = case_of(s);
        let lower: String = s.to_lowercase().chars().map(ocr_char).collect();
        let mut hits = self.ocr_hits(&lower, cache);
        let own = self.fixed_word(s);
        // An upper-case token that no syllable folds to is most likely an abbreviation
        // (MTTQ, CMS, LĐB): only a cheap confusion (PANG → ĐẢNG) may replace it.
        let abbreviation_like = kind == Kind::Word
            && case == Case::Upper
            && s.chars().count() >= 2
            && !self.fold_index.contains_key(&fold(&lower));
        if abbreviation_like {
            hits.retain(|h| h.cost <= ABBREVIATION_EDIT_LIMIT);
        }
        self.spellings.add_y_spellings(&mut hits);
        let mut opts: Vec<Opt> = hits
            .iter()
            .map(|h| {
                let reason = if h.id == own { "kept" } else { "ocr-confusion" };
                Opt::word(h.id, case, h.cost, reason)
            })
            .collect();
        if !hits.iter().any(|h| h.id == own) || own == UNK {
            let keep = if abbreviation_like {
                ABBREVIATION_KEEP_COST
            } else if own == UNK {
                self.params.ocr.keep_cost
            } else {
                self.params.ocr.keep_cost * 0.5
            };
            let mut o = Opt::fixed(&[own]);
            o.cost = keep;
            opts.push(o);
        }
        if std::env::var_os("SOHOA_DEBUG").is_some() {
            let shown: Vec<String> = opts
                .iter()
                .map(|o| format!("{}:{:.2}", self.render(&o.text, s), o.cost))
                .collect();
            eprintln!("{s}: {}", shown.join(" "));
        }
        let best = hits.first().map_or(f32::INFINITY, |h| h.cost);
        opts.extend(self.split_options(&lower, kind, case, best, cache));
        opts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::repair::candidates::OptText;

    fn texts(r: &Repairer, s: &str, kind: Kind) -> Vec<String> {
        r.ocr_options(s, kind, &mut FxHashMap::default())
            .iter()
            .map(|o| r.render(&o.text, s).into_owned())
            .collect()
    }

    #[test]
    fn legacy_ocr_confusions_are_undone() {
        let r = crate::repair::tests::repairer();
        assert!(texts(r, "hoach", Kind::Word).contains(&"hoạch".to_string()));
        assert!(texts(r, "Ké", Kind::Word).contains(&"Kế".to_string()));
        // the token itself is a candidate, at a cost when it is no word
        let opts = r.ocr_options("xqzw", Kind::Word, &mut FxHashMap::default());
        let kept = opts.iter().find(|o| matches!(o.text, OptText::Kept));
        assert_eq!(kept.map(|o| o.cost), Some(r.params.ocr.keep_cost));
    }

    #[test]
    fn the_candidate_cache_is_kept_per_repairer_and_settings() {
        let r = crate::repair::tests::repairer();
        let (key, mut cache) = r.take_ocr_cache();
        assert_eq!(key, r.cache_key());
        cache.insert("probe".into(), Vec::new());
        Repairer::put_ocr_cache(key, cache);
        assert!(r.take_ocr_cache().1.contains_key("probe"));
        r.forget_ocr_candidates();
        assert!(!r.take_ocr_cache().1.contains_key("probe"));
    }
}
