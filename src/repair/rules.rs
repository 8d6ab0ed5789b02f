//! Code rules: the certain rewrites of codes and labels, applied in every mode. The official
//! abbreviations the model learned get their `Đ` back (`QD-TTg` → `QĐ-TTg`, `BCDTW` →
//! `BCĐTW`, OCR's `Qb` → `QĐ`), and the word before a document's number and symbol is `số`
//! (`So 08-CT/TU`). Reads no [`super::Params`].

use super::Repairer;
use super::candidates::Opt;
use crate::lm::confusions::Channel;
use crate::lm::syl::canonical_syllable;
use crate::lm::token::{Kind, Token, is_document_symbol};
use rustc_hash::{FxHashMap, FxHashSet};

/// Largest channel cost of `đ` read as a letter for that letter to be taken as a misread `Đ`
/// in an abbreviation.
const MISREAD_D_COST: f32 = 6.0;

/// The abbreviations the model learned (`abbreviations.tsv`: ASCII form, official form).
#[derive(Debug, Default)]
pub(super) struct Abbreviations {
    abbrevs: FxHashMap<String, String>,
    /// The `Đ` forms of `abbrevs` (`QĐ`, `BGDĐT`).
    abbrev_forms: FxHashSet<String>,
}

impl Abbreviations {
    /// Reads the table's lines (`#` comments and blank lines skipped).
    pub(super) fn parse(text: &str) -> Abbreviations {
        let mut abbrevs = FxHashMap::default();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut cols = line.split('\t');
            if let (Some(f), Some(form)) = (cols.next(), cols.next()) {
                abbrevs.insert(f.to_string(), form.to_string());
            }
        }
        let abbrev_forms = abbrevs.values().cloned().collect();
        Abbreviations {
            abbrevs,
            abbrev_forms,
        }
    }

    /// The official form of a code (`QD-TTg` → `QĐ-TTg`): each part between `-`, `/` and `.`
    /// is rewritten by [`Abbreviations::form`] or [`Abbreviations::misread`]; `None` when no
    /// part changes.
    pub(super) fn fix(&self, s: &str, channel: &Channel) -> Option<String> {
        let mut changed = false;
        let mut out = String::with_capacity(s.len() + 2);
        let mut part = String::new();
        let flush = |part: &mut String, out: &mut String, changed: &mut bool| {
            if part.chars().filter(|c| c.is_uppercase()).count() >= 2
                && part.chars().all(|c| c.is_ascii_alphabetic())
                && canonical_syllable(part).is_none()
            {
                if let Some(form) = self.form(part) {
                    out.push_str(&form);
                    *changed = true;
                    part.clear();
                    return;
                }
            }
            if let Some(form) = self.misread(part, channel) {
                out.push_str(&form);
                *changed = true;
                part.clear();
                return;
            }
            out.push_str(part);
            part.clear();
        };
        for c in s.chars() {
            if matches!(c, '-' | '/' | '.') {
                flush(&mut part, &mut out, &mut changed);
                out.push(c);
            } else {
                part.push(c);
            }
        }
        flush(&mut part, &mut out, &mut changed);
        changed.then_some(out)
    }

    /// A known `Đ` abbreviation whose `Đ` the OCR read as a lower-case letter among capitals
    /// (`Qb` → `QĐ`, `BGDbT` → `BGDĐT`): a letter that the channel often produces for `đ` is
    /// replaced, and the result must be a known abbreviation form.
    fn misread(&self, part: &str, channel: &Channel) -> Option<String> {
        let n = part.chars().count();
        if !(2..=10).contains(&n)
            || !part.chars().all(|c| c.is_ascii_alphabetic())
            || !part.starts_with(|c: char| c.is_ascii_uppercase())
            || self.abbrev_forms.contains(part)
        {
            return None;
        }
        // only one lower-case letter among capitals is certainly a slip: an upper-case one may
        // be the real code (GDPT, giáo dục phổ thông, is not GDĐT)
        let mut lower = part.char_indices().filter(|(_, c)| c.is_ascii_lowercase());
        let (i, c) = lower.next()?;
        if lower.next().is_some() || channel.sub_chars('đ', &[c]) > MISREAD_D_COST {
            return None;
        }
        let candidate = format!("{}Đ{}", &part[..i], &part[i + 1..]);
        self.abbrev_forms.contains(&candidate).then_some(candidate)
    }

    /// The `Đ` form of an ASCII abbreviation: a learned one (`QD` → `QĐ`), or a learned one of
    /// at least three letters followed by one to three more (`BCDTW` → `BCĐ` + `TW`), the way
    /// agency codes are composed. Shorter learned prefixes (`GD`, `QD`) are not extended:
    /// too many codes begin with them (`BTGDVTU` stays).
    fn form(&self, part: &str) -> Option<String> {
        if let Some(form) = self.abbrevs.get(part) {
            return Some(form.clone());
        }
        let n = part.len(); // ASCII letters only, checked by the caller
        for cut in (3..n).rev() {
            if n - cut > 3 {
                break;
            }
            if let Some(form) = self.abbrevs.get(&part[..cut]) {
                return Some(format!("{form}{}", &part[cut..]));
            }
        }
        None
    }
}

/// Whether the token after token `i` (past a colon) is a document's number and symbol.
pub(super) fn labels_document_number(line: &str, toks: &[Token], i: usize) -> bool {
    let mut next = toks[i + 1..].iter().filter(|t| t.kind != Kind::Space);
    let mut t = next.next();
    if t.is_some_and(|t| t.text(line) == ":") {
        t = next.next();
    }
    t.is_some_and(|t| t.kind == Kind::Symbol && is_document_symbol(t.text(line)))
}

impl Repairer {
    /// The official form of an abbreviation or code, if it differs (see [`Abbreviations::fix`]).
    pub(super) fn fix_abbreviation(&self, s: &str) -> Option<String> {
        self.abbreviations.fix(s, &self.channel)
    }

    /// Before a document's number and symbol, a word that can be `số` is `số` (`So 08-CT/TU`,
    /// `S6: 12/2025/NĐ-CP`): the header template of every document, and the only word the
    /// corpus writes there but for typos (`sổ 88/2012/NĐ-CP`).
    pub(super) fn keep_number_label(&self, opts: &mut Vec<Opt>) {
        let Some(so) = self.model.id("số") else {
            return;
        };
        if opts.iter().any(|o| o.words() == [so]) {
            opts.retain(|o| o.words() == [so]);
            for o in opts.iter_mut() {
                o.cost = 0.0;
                o.reason = "document number";
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::token::tokenize;

    #[test]
    fn learned_abbreviations_get_their_d_back() {
        let a = Abbreviations::parse("# comment\nQD\tQĐ\nBCD\tBCĐ\nGD\tGDĐT\n\n");
        let channel = &crate::repair::tests::repairer().channel;
        assert_eq!(a.fix("QD-TTg", channel).as_deref(), Some("QĐ-TTg"));
        // a learned code of three letters and up to three more
        assert_eq!(a.fix("BCDTW", channel).as_deref(), Some("BCĐTW"));
        // shorter learned prefixes are not extended
        assert_eq!(a.fix("GDPT", channel), None);
        assert_eq!(a.fix("KH/TU", channel), None);
    }

    #[test]
    fn a_lower_case_letter_among_capitals_may_be_a_misread_d() {
        let a = Abbreviations::parse("QD\tQĐ\n");
        let channel = &crate::repair::tests::repairer().channel;
        assert_eq!(a.fix("Qb", channel).as_deref(), Some("QĐ"));
        assert_eq!(a.fix("Qx", channel), None);
    }

    #[test]
    fn the_word_before_a_document_number_is_a_label() {
        let line = "So: 08-CT/TU ngay";
        let toks = tokenize(line);
        assert!(labels_document_number(line, &toks, 0));
        let line = "So luong 8";
        let toks = tokenize(line);
        assert!(!labels_document_number(line, &toks, 0));
    }
}
