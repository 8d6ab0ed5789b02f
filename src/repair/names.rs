//! Place names of the gazetteer (`names.tsv`): capitalised neighbours that read as a place name
//! cost less (`Dong Quang` → `Đông Quang`, not `Đông Quảng`), more so inside the provinces the
//! document names, and the unit word before a name (`phường Đông Quang`) with them.
//!
//! Reads [`NameParams`]. The provinces a document names are kept in its [`Session`].

use super::Repairer;
use super::lattice::{LINE_BREAK, Slot};
use super::session::{Session, pair_key};
use crate::lm::model::Model;
use crate::lm::syl::{Case, case_of};
use crate::lm::token::{Kind, Token, tokenize};
use crate::viet::fold;
use rustc_hash::FxHashMap;

/// Settings of the place-name stage.
#[derive(Debug, Clone)]
pub struct NameParams {
    /// How much less (nats) a candidate costs when it makes capitalised words a place name.
    pub name_bonus: f32,
}

impl Default for NameParams {
    fn default() -> Self {
        NameParams { name_bonus: 4.0 }
    }
}

impl NameParams {
    /// Sets the field named `name`; false if there is none.
    pub(super) fn set(&mut self, name: &str, v: f32) -> bool {
        match name {
            "name_bonus" => self.name_bonus = v,
            _ => return false,
        }
        true
    }
}

/// The share of [`NameParams::name_bonus`] a place name gets when it lies outside every
/// province the document has named.
const NAME_ELSEWHERE: f32 = 0.25;

/// The share of [`NameParams::name_bonus`] a province's name gets.
const PROVINCE_SHARE: f32 = 1.5;

/// The place names the model knows, as word pairs.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Consecutive words of the place names in `names.tsv` (keys `first << 32 | second`), with
    /// the provinces of the names.
    pub(super) name_pairs: FxHashMap<u64, Vec<u16>>,
    /// The first two words of each province's name.
    pub(super) province_pairs: FxHashMap<u64, u16>,
    /// The same two words without marks (`thanh hoa`), where only one province reads so.
    province_folds: FxHashMap<String, u16>,
    /// The words that stand before a place name for its kind of unit (`xã`, `phường`, `tỉnh`).
    pub(super) unit_words: Vec<u32>,
}

impl Names {
    /// Reads the gazetteer text (`name<TAB>province,...` lines) against the model's words;
    /// `None` (a model built without `--names`) reads no names.
    pub(super) fn new(text: Option<&str>, model: &Model) -> Names {
        let mut name_pairs: FxHashMap<u64, Vec<u16>> = FxHashMap::default();
        let mut province_pairs: FxHashMap<u64, u16> = FxHashMap::default();
        let mut province_folds: FxHashMap<String, u16> = FxHashMap::default();
        if let Some(text) = text {
            let mut province_ids: FxHashMap<String, u16> = FxHashMap::default();
            let ids_of =
                |name: &str| -> Option<Vec<u32>> { name.split(' ').map(|w| model.id(w)).collect() };
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let (name, provinces) = line.split_once('\t').unwrap_or((line, ""));
                let mut own: Vec<u16> = Vec::new();
                for p in provinces.split(',').filter(|p| !p.is_empty()) {
                    let n = province_ids.len() as u16;
                    let id = *province_ids.entry(p.to_string()).or_insert(n);
                    own.push(id);
                    if let Some(ids) = ids_of(p).filter(|ids| ids.len() >= 2) {
                        province_pairs.insert(pair_key(ids[0], ids[1]), id);
                        let words: Vec<&str> = p.split(' ').take(2).collect();
                        let folded = fold(&words.join(" "));
                        let entry = province_folds.entry(folded).or_insert(id);
                        if *entry != id {
                            *entry = u16::MAX; // two provinces read so: neither is certain
                        }
                    }
                }
                let Some(ids) = ids_of(name) else { continue };
                for p in ids.windows(2) {
                    let entry = name_pairs.entry(pair_key(p[0], p[1])).or_default();
                    entry.extend(&own);
                }
            }
        }
        Names {
            name_pairs,
            province_pairs,
            province_folds,
            unit_words: [
                "xã",
                "phường",
                "tỉnh",
                "huyện",
                "quận",
                "phố",
                "trấn",
                "khu",
            ]
            .iter()
            .filter_map(|w| model.id(w))
            .collect(),
        }
    }

    /// Whether the model read no names.
    pub(super) fn is_empty(&self) -> bool {
        self.name_pairs.is_empty()
    }
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

impl Repairer {
    /// Notes in `session` the provinces whose names `text` writes with capitals, with or
    /// without marks (`Thanh Hoa`, `THANH HÓA`).
    pub(super) fn note_provinces_named(&self, text: &str, session: &mut Session) {
        if self.names.province_folds.is_empty() {
            return;
        }
        // "thanh hoa": the folded previous capitalised word, a space, the current one
        let mut key = String::new();
        let capital = |w: &str| starts_upper(w.trim_start_matches(|c: char| !c.is_alphanumeric()));
        for line in text.split('\n') {
            // most lines name no province: only a line with two capitalised words in a row
            // is tokenized
            if !line
                .split_whitespace()
                .zip(line.split_whitespace().skip(1))
                .any(|(a, b)| capital(a) && capital(b))
            {
                continue;
            }
            let mut before = false;
            for t in tokenize(line) {
                match t.kind {
                    Kind::Space => continue,
                    Kind::Word if starts_upper(t.text(line)) => {
                        let w = fold(&t.text(line).to_lowercase());
                        if before {
                            key.push(' ');
                            key.push_str(&w);
                            if let Some(&p) = self.names.province_folds.get(&key)
                                && p != u16::MAX
                            {
                                session.provinces.insert(p);
                            }
                        }
                        key.clear();
                        key.push_str(&w);
                        before = true;
                    }
                    _ => before = false,
                }
            }
        }
    }

    /// Capitalised neighbours that can read as a place name of the gazetteers (`Dong Quang` →
    /// `Đông Quang`, not `Đông Quảng`): each option that takes part in such a reading costs
    /// [`NameParams::name_bonus`] less.
    /// Once the document has named a province, a name of another province gets
    /// [`NAME_ELSEWHERE`] of the bonus.
    pub(super) fn favour_place_names(
        &self,
        line: &str,
        toks: &[Token],
        slots: &mut [Slot],
        session: &Session,
    ) {
        let capital = |slot: &Slot| {
            slot.tok != LINE_BREAK
                && toks[slot.tok].kind == Kind::Word
                && case_of(toks[slot.tok].text(line)) != Case::Lower
        };
        let mut marks: Vec<Vec<f32>> = slots.iter().map(|s| vec![0.0; s.options.len()]).collect();
        for i in 1..slots.len() {
            if !(capital(&slots[i - 1]) && capital(&slots[i])) {
                continue;
            }
            for (a, oa) in slots[i - 1].options.iter().enumerate() {
                let &[wa] = oa.words() else { continue };
                for (b, ob) in slots[i].options.iter().enumerate() {
                    if let &[wb] = ob.words()
                        && let Some(provinces) = self.names.name_pairs.get(&pair_key(wa, wb))
                    {
                        let here = session.provinces.is_empty()
                            || provinces.iter().any(|p| session.provinces.contains(p));
                        let share = if self.names.province_pairs.contains_key(&pair_key(wa, wb)) {
                            // a province (`Thanh Hóa`, not the commune `Thành Hòa`): the
                            // name documents cite most
                            PROVINCE_SHARE
                        } else if here {
                            1.0
                        } else {
                            NAME_ELSEWHERE
                        };
                        marks[i - 1][a] = marks[i - 1][a].max(share);
                        marks[i][b] = marks[i][b].max(share);
                    }
                }
            }
        }
        // the word before a name that names its kind of unit (`phường Đông Quang`)
        for i in 1..slots.len() {
            let share = marks[i].iter().copied().fold(0.0, f32::max);
            if share == 0.0 || marks[i - 1].iter().any(|&m| m > 0.0) {
                continue;
            }
            for (a, oa) in slots[i - 1].options.iter().enumerate() {
                if let &[w] = oa.words()
                    && self.names.unit_words.contains(&w)
                {
                    marks[i - 1][a] = share;
                }
            }
        }
        for (slot, marks) in slots.iter_mut().zip(marks) {
            for (opt, share) in slot.options.iter_mut().zip(marks) {
                opt.cost -= share * self.params.names.name_bonus;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repair::Mode;

    #[test]
    fn a_province_named_in_capitals_is_noted() {
        let r = crate::repair::tests::repairer();
        let mut s = Session::default();
        r.note_provinces_named("UBND TINH THANH HOA\nsome text", &mut s);
        assert_eq!(s.provinces.len(), 1);
        let mut none = Session::default();
        r.note_provinces_named("thanh hoa in lower case", &mut none);
        assert!(none.provinces.is_empty());
    }

    #[test]
    fn capitalised_neighbours_read_as_a_place_name() {
        let r = crate::repair::tests::repairer();
        let out = r.restore_text("Phuong Dong Quang", Mode::Ascii).text;
        assert_eq!(out, "Phường Đông Quang");
    }
}
