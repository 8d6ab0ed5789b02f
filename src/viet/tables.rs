//! Orthography tables: which onsets, glides, nuclei and codas exist, and which combine.
//!
//! Parts are spelled exactly as written, so `onset + glide + nucleus + coda` is always the
//! written syllable (no hidden letters). Two consequences of modern spelling:
//!
//! - `qu` is onset `q` + glide `u` (the `u` is the /w/ glide, as in `quyết`, `quốc`).
//! - `gi` before another vowel is the onset `gi` (`gia`, `giữa`, `giếng` = `gi` + `ê` + `ng`,
//!   the `i` of `iê` being absorbed by the onset); alone or before a consonant coda it is
//!   onset `g` + nucleus `i` (`gì`, `gìn`).
//!
//! The rules are phonotactic: every syllable the tables allow is well-formed, not necessarily
//! a word (`pâm` is allowed, `ce` and `hòc` are not). Checked against Debian's `hunspell-vi`
//! syllable list, which they accept except for acronyms and a few loans (see the tests).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Every onset, the empty one first. `p` is for loans (`pin`); `q` always takes the glide `u`.
pub(crate) const ONSETS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x",
];

/// The glides: the /w/ written `o` (before `a ă e`) or `u` (elsewhere, and always after `q`).
pub(crate) const GLIDES: &[&str] = &["", "o", "u"];

/// Every nucleus, with its vowel marks. Diphthongs come in their spelled variants:
/// `iê`/`yê`/`ia`/`ya`, `uô`/`ua`, `ươ`/`ưa`; `oo` is for loans like `xoong`, `boong`.
pub(crate) const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "y", "o", "ô", "ơ", "u", "ư", "iê", "yê", "ia", "ya", "uô", "ua",
    "ươ", "ưa", "oo",
];

/// Every coda: the consonants and the semivowels `i y o u` (which never carry the tone).
pub(crate) const CODAS: &[&str] = &[
    "", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o", "u",
];

/// The codas after which only the sắc and nặng tones occur.
pub(crate) const STOP_CODAS: &[&str] = &["c", "ch", "p", "t"];

const IE_CODAS: &[&str] = &["c", "m", "n", "ng", "p", "t", "u"];

/// After `gi`, `ê` stands for `iê` and takes its codas, and also none (`giê`, `giề`).
const GI_E_CODAS: &[&str] = &["", "c", "m", "n", "ng", "p", "t", "u"];

/// Rhymes after every onset but `q`: (glide, nucleus, allowed codas).
const RHYMES: &[(&str, &str, &[&str])] = &[
    (
        "",
        "a",
        &[
            "", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o", "u",
        ],
    ),
    ("", "ă", &["c", "m", "n", "ng", "p", "t"]),
    ("", "â", &["c", "m", "n", "ng", "p", "t", "y", "u"]),
    ("", "e", &["", "c", "m", "n", "ng", "p", "t", "o"]),
    ("", "ê", &["", "ch", "m", "n", "nh", "p", "t", "u"]),
    ("", "i", &["", "ch", "m", "n", "nh", "p", "t", "u"]),
    ("", "y", &[""]),
    ("", "o", &["", "c", "m", "n", "ng", "p", "t", "i"]),
    ("", "ô", &["", "c", "m", "n", "ng", "p", "t", "i"]),
    ("", "ơ", &["", "m", "n", "p", "t", "i"]),
    ("", "u", &["", "c", "m", "n", "ng", "p", "t", "i"]),
    ("", "ư", &["", "c", "m", "n", "ng", "t", "i", "u"]),
    ("", "iê", IE_CODAS),
    ("", "yê", &["m", "n", "ng", "t", "u"]),
    ("", "ia", &[""]),
    ("", "ua", &[""]),
    ("", "uô", &["c", "m", "n", "ng", "t", "i"]),
    ("", "ươ", &["c", "m", "n", "ng", "p", "t", "i", "u"]),
    ("", "ưa", &[""]),
    ("", "oo", &["c", "ng"]),
    (
        "o",
        "a",
        &["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o"],
    ),
    ("o", "ă", &["c", "m", "n", "ng", "t"]),
    ("o", "e", &["", "n", "t", "o"]),
    ("u", "â", &["n", "ng", "t", "y"]),
    ("u", "ê", &["", "ch", "n", "nh"]),
    ("u", "y", &["", "ch", "n", "nh", "p", "t", "u"]),
    ("u", "ya", &[""]),
    ("u", "yê", &["n", "t"]),
    ("u", "ơ", &[""]),
];

/// Rhymes after `qu` (onset `q`, glide `u`): (nucleus, allowed codas). `qui` is the older
/// spelling of `quy` and is accepted as written.
const Q_RHYMES: &[(&str, &[&str])] = &[
    (
        "a",
        &["", "c", "ch", "n", "ng", "nh", "t", "i", "y", "o", "u"],
    ),
    ("ă", &["c", "m", "n", "ng", "p", "t"]),
    ("â", &["c", "n", "ng", "t", "y"]),
    ("e", &["", "n", "t", "o"]),
    ("ê", &["", "ch", "n", "nh", "t", "u"]),
    ("i", &["", "ch", "n", "nh", "t"]),
    ("y", &["", "ch", "nh", "t", "u"]),
    ("yê", &["n", "t"]),
    ("ơ", &[""]),
    ("ô", &["c"]),
];

/// Onsets that take a bare `y` nucleus (`ý`, `hy`, `kỳ`, `lý`, `mỹ`, `sỹ`, `ty`, `vỹ`, `thy`);
/// elsewhere the vowel is spelled `i`.
const Y_ONSETS: &[&str] = &["", "h", "k", "l", "m", "s", "t", "v", "th"];

/// Onsets that never take a glide: `c`/`k` + glide is spelled `qu`, `gh`, `ngh`, `gi` do not
/// combine with /w/, and neither do the labials `b m p ph v` (except in [`LOANS`]).
const NO_GLIDE_ONSETS: &[&str] = &["c", "k", "gh", "ngh", "gi", "b", "m", "p", "ph", "v"];

/// Established loans that break an onset rule: labial + glide (`buýt`, `voan`, `phuy`, `boa`)
/// and `g` before `e` (`gen`).
const LOANS: &[[&str; 4]] = &[
    ["b", "u", "y", "t"],
    ["v", "o", "a", "n"],
    ["ph", "u", "y", ""],
    ["b", "o", "a", ""],
    ["g", "", "e", "n"],
];

/// Vowel letters (lowercase, toneless): the only letters that may carry a tone mark.
pub(crate) fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

/// Vowels carrying a vowel mark; in a nucleus they take the tone.
pub(crate) fn is_marked_vowel(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// Returns the interned (`'static`) copy of `s` if it is in `table`.
pub(crate) fn intern(table: &[&'static str], s: &str) -> Option<&'static str> {
    table.iter().copied().find(|t| *t == s)
}

fn codas_of(onset: &str, glide: &str, nucleus: &str) -> Option<&'static [&'static str]> {
    if onset == "q" {
        if glide != "u" {
            return None;
        }
        return Q_RHYMES
            .iter()
            .find(|(n, _)| *n == nucleus)
            .map(|(_, c)| *c);
    }
    // `giếng`, `giết`, `giễu`: the `ê` after `gi` is the diphthong `iê`, with its codas.
    if onset == "gi" && glide.is_empty() && nucleus == "ê" {
        return Some(GI_E_CODAS);
    }
    RHYMES
        .iter()
        .find(|(g, n, _)| *g == glide && *n == nucleus)
        .map(|(_, _, c)| *c)
}

/// Whether the parts spell a well-formed syllable (ignoring the tone).
pub(crate) fn is_valid(onset: &str, glide: &str, nucleus: &str, coda: &str) -> bool {
    match codas_of(onset, glide, nucleus) {
        Some(codas) if codas.contains(&coda) => onset_fits(onset, glide, nucleus, coda),
        _ => false,
    }
}

/// The spelling constraints between the onset and the rest.
fn onset_fits(onset: &str, glide: &str, nucleus: &str, coda: &str) -> bool {
    // Q_RHYMES already encodes what may follow `qu`.
    if onset == "q" || LOANS.contains(&[onset, glide, nucleus, coda]) {
        return true;
    }
    if !glide.is_empty() && NO_GLIDE_ONSETS.contains(&onset) {
        return false;
    }
    // `yê` opens a syllable (`yên`) or follows the glide (`tuyết`); after an onset it is `iê`.
    if nucleus == "yê" || nucleus == "ya" {
        return onset.is_empty() || glide == "u";
    }
    if nucleus == "iê" && onset.is_empty() {
        return false;
    }
    if nucleus == "y" && glide.is_empty() && !Y_ONSETS.contains(&onset) {
        return false;
    }
    // The front vowels decide between c/k, g/gh and ng/ngh.
    let front = glide.is_empty() && matches!(nucleus, "e" | "ê" | "i" | "y" | "iê" | "ia");
    match onset {
        "c" | "ng" => !front,
        "k" => front,
        "gh" | "ngh" => front && nucleus != "y",
        // `gì`, `gìn`: `g` + `i` when no other vowel follows (else the onset is `gi`).
        "g" if front => nucleus == "i" && !matches!(coda, "i" | "y" | "o" | "u"),
        "g" => glide != "u",
        "gi" => !nucleus.starts_with(['i', 'y']),
        _ => true,
    }
}

/// Every well-formed (onset, glide, nucleus, coda), walking the rhyme tables.
pub(crate) fn all_parts() -> impl Iterator<Item = [&'static str; 4]> {
    ONSETS.iter().flat_map(|&onset| {
        let pairs: Vec<(&'static str, &'static str)> = if onset == "q" {
            Q_RHYMES.iter().map(|&(n, _)| ("u", n)).collect()
        } else {
            RHYMES.iter().map(|&(g, n, _)| (g, n)).collect()
        };
        pairs.into_iter().flat_map(move |(glide, nucleus)| {
            codas_of(onset, glide, nucleus)
                .unwrap_or(&[])
                .iter()
                .filter(move |&&coda| onset_fits(onset, glide, nucleus, coda))
                .map(move |&coda| [onset, glide, nucleus, coda])
        })
    })
}

/// Splits a lowercase, toneless (vowel marks kept) NFC word into onset, glide, nucleus, coda.
///
/// The well-formed spellings are few (about three thousand), so they are generated once from
/// the tables and looked up: faster than searching for a split, and parsing then agrees with
/// [`all_parts`] by construction. The exhaustive test checks that no two parts spell alike.
pub(crate) fn split(base: &str) -> Option<[&'static str; 4]> {
    static SPELLINGS: OnceLock<HashMap<String, [&'static str; 4]>> = OnceLock::new();
    SPELLINGS
        .get_or_init(|| all_parts().map(|parts| (parts.concat(), parts)).collect())
        .get(base)
        .copied()
}
