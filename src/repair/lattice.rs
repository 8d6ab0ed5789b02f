//! The lattice of a line and its search. Each line becomes one slot per token with the
//! token's candidates ([`super::candidates`]), after its mode ([`super::mode`]) and scan specks
//! ([`super::specks`]) and with place names favoured ([`super::names`]); a line that goes on
//! with a sentence begins with a slot for the line break. The Viterbi search
//! ([`Repairer::viterbi`]) scores channel cost + trigram language model + the document's usage
//! over the line and the first slots of the next, with the context carried over from the
//! previous line.
//!
//! Reads [`LatticeParams`].

use super::candidates::{Opt, OptText};
use super::channel::Hit;
use super::session::{Session, pair_key};
use super::specks::scan_specks;
use super::{FIRST_WORD, Mode, Repairer};
use crate::lm::model::{BOS, EOS};
use crate::lm::token::{Kind, Token, attach_trailing_apostrophes, tokenize};
use rustc_hash::FxHashMap;

/// Settings of the search (natural-log units).
#[derive(Debug, Clone)]
pub struct LatticeParams {
    /// Weight of the language model against the channel.
    pub lm_weight: f32,
    /// States further than this below the best are dropped.
    pub beam: f32,
    /// Search states (two-word contexts) kept per token at most.
    pub max_states: usize,
    /// Cost of reading a line break inside a sentence as a sentence end (a heading, a list
    /// item, a signature block) rather than as a wrapped line.
    pub line_restart_cost: f32,
}

impl Default for LatticeParams {
    fn default() -> Self {
        LatticeParams {
            lm_weight: 1.0,
            beam: 14.0,
            max_states: 8,
            line_restart_cost: 1.5,
        }
    }
}

impl LatticeParams {
    /// Sets the field named `name`; false if there is none.
    pub(super) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "lm_weight" => self.lm_weight = v,
            "beam" => self.beam = v,
            "max_states" => self.max_states = v as usize,
            "line_restart_cost" => self.line_restart_cost = v,
            _ => return false,
        }
        true
    }
}

/// The token index of the slot for the line break before a line.
pub(super) const LINE_BREAK: usize = usize::MAX;

/// How many slots of the next line are scored as lookahead when a line is decoded.
const LOOKAHEAD_SLOTS: usize = 3;

const LN10: f32 = std::f32::consts::LN_10;

/// One line's candidates, built once and decoded with the next line's first slots.
pub(super) struct LineLattice {
    pub(super) toks: Vec<Token>,
    pub(super) mode: Mode,
    pub(super) slots: Vec<Slot>,
}

impl LineLattice {
    /// Whether the line ends a sentence (or has no slots): the next line starts anew.
    pub(super) fn ends_sentence(&self) -> bool {
        self.slots
            .last()
            .is_none_or(|s| s.options.iter().all(|o| o.words().last() == Some(&BOS)))
    }

    /// The slots scored as lookahead when the line before this one is decoded: the line
    /// break, if any, and the first [`LOOKAHEAD_SLOTS`] tokens.
    pub(super) fn lookahead(&self) -> &[Slot] {
        let words = LOOKAHEAD_SLOTS
            + self
                .slots
                .iter()
                .take_while(|s| s.tok == LINE_BREAK)
                .count();
        &self.slots[..self.slots.len().min(words)]
    }
}

/// The candidates of one token (or of the line break, [`LINE_BREAK`]).
pub(super) struct Slot {
    pub(super) tok: usize,
    pub(super) options: Vec<Opt>,
}

/// A search state: the best path that ends in two-word context `ctx`.
#[derive(Clone, Copy)]
struct State {
    score: f32,
    ctx: (u32, u32),
    back: u16,
    opt: u16,
}

impl Repairer {
    /// The candidate lattice of one line: its tokens, mode and one slot per non-space token.
    pub(super) fn line_lattice(
        &self,
        (line_no, line): (usize, &str),
        forced: Mode,
        read_ahead: Option<(Mode, usize)>,
        starts_sentence: bool,
        cache: &mut FxHashMap<String, Vec<Hit>>,
        session: &mut Session,
    ) -> LineLattice {
        let mut toks = tokenize(line);
        let mode = self.line_mode(line, &toks, forced, read_ahead, session);
        if mode == Mode::Ocr {
            attach_trailing_apostrophes(line, &mut toks);
        }
        let mut slots: Vec<Slot> = Vec::with_capacity(toks.len() + 1);
        if !starts_sentence {
            // the break before this line: a wrapped line goes on with the sentence, but a
            // heading or a signature line starts anew; the decoder weighs both
            let mut restart = Opt::fixed(&[EOS, BOS]);
            restart.cost = self.params.lattice.line_restart_cost;
            slots.push(Slot {
                tok: LINE_BREAK,
                options: vec![Opt::fixed(&[]), restart],
            });
        }
        let mut last_punct = starts_sentence;
        let specks = if mode == Mode::Ocr {
            scan_specks(line, &toks)
        } else {
            Vec::new()
        };
        for (ti, t) in toks.iter().enumerate() {
            if specks.contains(&ti) {
                let mut gone = Opt::fixed(&[]);
                gone.text = OptText::Owned(String::new());
                gone.reason = "scan speck";
                slots.push(Slot {
                    tok: ti,
                    options: vec![gone],
                });
                continue;
            }
            if t.kind == Kind::Space {
                continue;
            }
            let options = self.token_options(line, &toks, ti, mode, last_punct, cache);
            last_punct = t.kind == Kind::Punct;
            slots.push(Slot { tok: ti, options });
        }
        if mode == Mode::Scan {
            self.weigh_recogniser(line_no, line, &toks, &mut slots, session);
            self.weigh_second_reading(line_no, line, &toks, &mut slots, session, cache);
        }
        if mode != Mode::Clean && !self.names.is_empty() {
            self.favour_place_names(line, &toks, &mut slots, session);
        }
        LineLattice { toks, mode, slots }
    }

    /// The language model's score (nats, weighted) of `words` after context `ctx`, and the
    /// context after them.
    fn step(&self, ctx: (u32, u32), words: &[u32]) -> (f32, (u32, u32)) {
        let (mut a, mut b) = ctx;
        let mut s = 0.0;
        for &w in words {
            if w != BOS {
                s += self.model.logp3(a, b, w);
            }
            a = b;
            b = w;
        }
        (s * LN10 * self.params.lattice.lm_weight, (a, b))
    }

    /// Best option per slot, with its confidence and up to three alternatives.
    ///
    /// The search is over trigram contexts: a state is the last two words of a path (the
    /// only thing the next step's score depends on), so paths that end in the same option
    /// but differ in the word before it are kept apart. States below the best by more than
    /// the beam, and beyond `max_states` per slot, are dropped.
    pub(super) fn viterbi(
        &self,
        own: &[Slot],
        lookahead: &[Slot],
        ctx: &mut (u32, u32),
        confidence: bool,
        session: &Session,
    ) -> Vec<(usize, f32, Vec<usize>)> {
        if own.is_empty() {
            return Vec::new();
        }
        let slots: Vec<&Slot> = own.iter().chain(lookahead).collect();
        let mut layers: Vec<Vec<State>> = Vec::with_capacity(slots.len());
        let start = [State {
            score: 0.0,
            ctx: *ctx,
            back: 0,
            opt: 0,
        }];
        let scale = LN10 * self.params.lattice.lm_weight;
        // per slot: the previous states' contexts, and the distinct last words among them
        // (states that end in the same word share the bigram level of every lookup, and the
        // state a one-word option leads to)
        let mut contexts = Vec::new();
        let mut last_words: Vec<u32> = Vec::new();
        let mut last_of: Vec<usize> = Vec::new();
        let mut bigram_level: Vec<f32> = Vec::new();
        let mut pair_level: Vec<f32> = Vec::new();
        let mut letter_row: Vec<f32> = Vec::new();
        let mut first_with: Vec<usize> = Vec::new();
        let mut target: Vec<usize> = Vec::new();
        for (si, slot) in slots.iter().enumerate() {
            let prev: &[State] = if si == 0 { &start } else { &layers[si - 1] };
            let mut cur: Vec<State> = Vec::with_capacity(prev.len() * slot.options.len());
            contexts.clear();
            contexts.extend(prev.iter().map(|p| self.model.context(p.ctx.0, p.ctx.1)));
            last_words.clear();
            last_of.clear();
            first_with.clear();
            for (pi, p) in prev.iter().enumerate() {
                let k = match last_words.iter().position(|&b| b == p.ctx.1) {
                    Some(k) => k,
                    None => {
                        last_words.push(p.ctx.1);
                        // the first state with this last word: its context gives the bigram row
                        first_with.push(pi);
                        last_words.len() - 1
                    }
                };
                last_of.push(k);
            }
            let mut row_letters: Option<u32> = None;
            for (oi, opt) in slot.options.iter().enumerate() {
                let block = cur.len();
                if let &[w] = opt.words()
                    && w != BOS
                {
                    // one word: scored against the contexts looked up once per state
                    bigram_level.clear();
                    bigram_level.extend(
                        first_with
                            .iter()
                            .map(|&pi| self.model.bigram_in(&contexts[pi], w)),
                    );
                    target.clear();
                    target.resize(last_words.len(), usize::MAX);
                    let cost = opt.cost + self.document_cost(session, w);
                    pair_level.clear();
                    // a pair can only have been written if its second word's letters were; the
                    // letter pairs' counts are shared by options with the same letters (all
                    // of an ASCII slot's)
                    if w >= FIRST_WORD
                        && session
                            .letters
                            .contains_key(&self.spellings.letters_of[w as usize])
                    {
                        let lw = self.spellings.letters_of[w as usize];
                        if row_letters != Some(lw) {
                            row_letters = Some(lw);
                            letter_row.clear();
                            letter_row.extend(last_words.iter().map(|&b| {
                                if b < FIRST_WORD {
                                    return 0.0;
                                }
                                let key = pair_key(self.spellings.letters_of[b as usize], lw);
                                session.letter_pairs.get(&key).copied().unwrap_or(0.0)
                            }));
                        }
                        pair_level.extend(last_words.iter().zip(&letter_row).map(|(&b, &any)| {
                            if any == 0.0 {
                                return 0.0;
                            }
                            let own = session.pairs.get(&pair_key(b, w)).copied();
                            self.usage_cost(
                                own.unwrap_or(0.0),
                                any,
                                self.params.session.document_pair_weight,
                            )
                        }));
                    } else {
                        pair_level.resize(last_words.len(), 0.0);
                    }
                    for (pi, p) in prev.iter().enumerate() {
                        let ctx = &contexts[pi];
                        let k = last_of[pi];
                        let lp = match self.model.trigram_in(ctx, w) {
                            Some(lp) => lp,
                            None => ctx.trigram_backoff() + bigram_level[k],
                        };
                        let sc = p.score + lp * scale - cost - pair_level[k];
                        match target[k] {
                            usize::MAX => {
                                target[k] = cur.len();
                                cur.push(State {
                                    score: sc,
                                    ctx: (p.ctx.1, w),
                                    back: pi as u16,
                                    opt: oi as u16,
                                });
                            }
                            t if cur[t].score < sc => {
                                cur[t].score = sc;
                                cur[t].back = pi as u16;
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                for (pi, p) in prev.iter().enumerate() {
                    let (lm, c) = self.step(p.ctx, opt.words());
                    let sc = p.score + lm - opt.cost;
                    match cur[block..].iter_mut().find(|s| s.ctx == c) {
                        Some(s) if s.score >= sc => {}
                        Some(s) => {
                            s.score = sc;
                            s.back = pi as u16;
                        }
                        None => cur.push(State {
                            score: sc,
                            ctx: c,
                            back: pi as u16,
                            opt: oi as u16,
                        }),
                    }
                }
            }
            // best first; ties in a fixed order, so that selection and sorting agree
            let order = |a: &State, b: &State| {
                b.score
                    .total_cmp(&a.score)
                    .then(a.opt.cmp(&b.opt))
                    .then(a.back.cmp(&b.back))
            };
            let max_states = self.params.lattice.max_states.max(1);
            if cur.len() > max_states {
                cur.select_nth_unstable_by(max_states - 1, order);
                cur.truncate(max_states);
            }
            cur.sort_unstable_by(order);
            let best = cur.first().map_or(f32::NEG_INFINITY, |s| s.score);
            let keep = cur
                .iter()
                .take_while(|s| s.score >= best - self.params.lattice.beam)
                .count()
                .max(1);
            cur.truncate(keep);
            layers.push(cur);
        }
        if std::env::var_os("SOHOA_DEBUG").is_some() {
            for (si, l) in layers.iter().enumerate() {
                let shown: Vec<String> = l
                    .iter()
                    .map(|s| {
                        let o = &slots[si].options[s.opt as usize];
                        format!("{:?}={:.1}<{}", o.text, s.score, s.back)
                    })
                    .collect();
                eprintln!("layer {si}: {}", shown.join(" "));
            }
        }
        // back-trace from the best final state (layers are sorted, best first)
        let mut path = vec![0usize; slots.len()];
        let mut k = 0usize;
        for i in (0..slots.len()).rev() {
            path[i] = k;
            k = layers[i][k].back as usize;
        }
        let picks: Vec<usize> = (0..slots.len())
            .map(|i| layers[i][path[i]].opt as usize)
            .collect();
        // the context carried into the next line is the one after this line's last choice
        let own_last = own.len() - 1;
        *ctx = layers[own_last][path[own_last]].ctx;
        // confidence: each option's best forward score plus the step into the chosen next option
        let mut result = Vec::with_capacity(own.len());
        for i in 0..own.len() {
            let n = slots[i].options.len();
            if n == 1 || !confidence {
                result.push((picks[i], 1.0, Vec::new()));
                continue;
            }
            let mut by_opt = vec![f32::NEG_INFINITY; n];
            for s in &layers[i] {
                let next = if i + 1 < slots.len() {
                    let o = &slots[i + 1].options[picks[i + 1]];
                    self.step(s.ctx, o.words()).0 - o.cost
                } else {
                    0.0
                };
                let v = s.score + next;
                let slot = &mut by_opt[s.opt as usize];
                if v > *slot {
                    *slot = v;
                }
            }
            let mut scored: Vec<(usize, f32)> = by_opt
                .into_iter()
                .enumerate()
                .filter(|(_, v)| *v > f32::NEG_INFINITY)
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1));
            let chosen = scored
                .iter()
                .find(|(j, _)| *j == picks[i])
                .map_or(0.0, |x| x.1);
            let second = scored.iter().find(|(j, _)| *j != picks[i]).map(|x| x.1);
            let conf = match second {
                Some(s2) => 1.0 / (1.0 + (-(chosen - s2)).exp()),
                None => 1.0,
            };
            let alts: Vec<usize> = scored
                .iter()
                .filter(|(j, _)| *j != picks[i])
                .take(3)
                .map(|x| x.0)
                .collect();
            result.push((picks[i], conf, alts));
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lattice(line: &str, mode: Mode, starts_sentence: bool) -> LineLattice {
        let r = crate::repair::tests::repairer();
        let cache = &mut FxHashMap::default();
        r.line_lattice(
            (0, line),
            mode,
            None,
            starts_sentence,
            cache,
            &mut Session::default(),
        )
    }

    #[test]
    fn a_line_has_one_slot_per_token_and_one_for_a_wrapped_line_break() {
        let l = lattice("hoc tap, va lam", Mode::Ascii, true);
        assert_eq!(l.slots.len(), 5);
        assert!(l.slots.iter().all(|s| s.tok != LINE_BREAK));
        let wrapped = lattice("hoc tap", Mode::Ascii, false);
        assert_eq!(wrapped.slots[0].tok, LINE_BREAK);
        assert_eq!(wrapped.slots[0].options.len(), 2);
        assert_eq!(wrapped.lookahead().len(), 3);
        assert!(!wrapped.ends_sentence());
        assert!(lattice("hoc tap.", Mode::Ascii, true).ends_sentence());
    }

    #[test]
    fn the_search_picks_the_likeliest_reading() {
        let r = crate::repair::tests::repairer();
        let l = lattice("Binh dan hoc vu so", Mode::Ascii, true);
        let mut ctx = (BOS, BOS);
        let choice = r.viterbi(&l.slots, &[], &mut ctx, true, &Session::default());
        let words: Vec<String> = l
            .slots
            .iter()
            .zip(&choice)
            .map(|(s, (k, _, _))| {
                r.render(
                    &s.options[*k].text,
                    l.toks[s.tok].text("Binh dan hoc vu so"),
                )
                .into_owned()
            })
            .collect();
        assert_eq!(words.join(" "), "Bình dân học vụ số");
        // alternatives: at most three
        assert!(
            choice
                .iter()
                .all(|(_, c, alts)| *c <= 1.0 && alts.len() <= 3)
        );
        assert_ne!(ctx, (BOS, BOS));
    }
}
