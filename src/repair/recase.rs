//! The last stage: a line's chosen candidates written out in the case of their input tokens
//! (`HOACH` → `HOẠCH`, `Ke` → `Kế`; a split of a title-case token keeps the capital on its
//! first word), the rest of the line (white space, what had no candidates) as it was, and
//! the report of the tokens that changed. Reads no [`super::Params`].

use super::candidates::OptText;
use super::lattice::{LINE_BREAK, LineLattice, Slot};
use super::session::Session;
use super::{Detail, FIRST_WORD, Repairer, Restored, TokenChange};
use crate::lm::syl::{Case, apply_case};

/// The cases of the two words of a token read as two: an upper-case token's are both upper
/// case, a title-case token's first word only is capitalised.
pub(super) fn split_cases(case: Case) -> (Case, Case) {
    match case {
        Case::Upper => (Case::Upper, Case::Upper),
        Case::Title => (Case::Title, Case::Lower),
        Case::Lower => (Case::Lower, Case::Lower),
    }
}

impl Repairer {
    /// The text of a candidate of `token`.
    pub(super) fn render<'a>(
        &'a self,
        text: &'a OptText,
        token: &'a str,
    ) -> std::borrow::Cow<'a, str> {
        match text {
            OptText::Kept => token.into(),
            OptText::Word(id, Case::Lower) => self.model.vocab[*id as usize].as_str().into(),
            OptText::Word(id, case) => apply_case(&self.model.vocab[*id as usize], *case).into(),
            OptText::Owned(s) => s.as_str().into(),
        }
    }

    /// Decodes a line's lattice (with `lookahead` slots of the next line scored but not
    /// written), notes the chosen words in `session` and appends the chosen text to `out`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn write_line(
        &self,
        line: &str,
        lineno: usize,
        lattice: &LineLattice,
        lookahead: &[Slot],
        ctx: &mut (u32, u32),
        detail: Detail,
        session: &mut Session,
        out: &mut Restored,
    ) {
        let LineLattice { toks, mode, slots } = lattice;
        let mode = *mode;
        let choice = self.viterbi(slots, lookahead, ctx, detail != Detail::Text, session);
        let chosen = slots
            .iter()
            .zip(&choice)
            .filter(|(slot, _)| slot.tok != LINE_BREAK)
            .map(|(slot, (k, _, _))| match slot.options[*k].words() {
                &[w] if w >= FIRST_WORD => Some(w),
                _ => None,
            });
        self.learn(session, chosen);
        // write the line (the line-break slot has no token)
        let mut si = slots.iter().take_while(|s| s.tok == LINE_BREAK).count();
        for (ti, t) in toks.iter().enumerate() {
            let s = t.text(line);
            if si < slots.len() && slots[si].tok == ti {
                let slot = &slots[si];
                let (k, conf, alts) = &choice[si];
                let opt = &slot.options[*k];
                let text = self.render(&opt.text, s);
                out.text.push_str(&text);
                let changed = text != s;
                if (changed && detail != Detail::Text)
                    || (detail == Detail::All && slot.options.len() > 1)
                {
                    out.tokens.push(TokenChange {
                        line: lineno,
                        input: s.to_string(),
                        output: text.into_owned(),
                        confidence: *conf,
                        alternatives: alts
                            .iter()
                            .map(|&a| self.render(&slot.options[a].text, s).into_owned())
                            .collect(),
                        reason: if changed { opt.reason } else { "kept" },
                        mode,
                    });
                }
                si += 1;
            } else {
                out.text.push_str(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::Mode;

    #[test]
    fn split_words_take_the_case_of_their_token() {
        assert_eq!(split_cases(Case::Title), (Case::Title, Case::Lower));
        assert_eq!(split_cases(Case::Upper), (Case::Upper, Case::Upper));
        assert_eq!(split_cases(Case::Lower), (Case::Lower, Case::Lower));
    }

    #[test]
    fn a_candidate_is_written_in_its_tokens_case() {
        let r = crate::repair::tests::repairer();
        let hoc = r.model.id("học").expect("the committed model has học");
        assert_eq!(r.render(&OptText::Word(hoc, Case::Upper), "HOC"), "HỌC");
        assert_eq!(r.render(&OptText::Word(hoc, Case::Title), "Hoc"), "Học");
        assert_eq!(r.render(&OptText::Kept, "Hoc"), "Hoc");
        let restored = r.restore_detailed("HOC TAP", Mode::Ascii);
        assert_eq!(restored.text, "HỌC TẬP");
        assert!(
            restored
                .tokens
                .iter()
                .all(|t| t.mode == Mode::Ascii && t.line == 1)
        );
    }
}
