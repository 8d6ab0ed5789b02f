//! [`Syllable`], [`Tone`], [`ToneStyle`]: parsing and composing one written syllable.

use super::case::{Case, case_from_mask};
use super::tables::{self, CODAS, GLIDES, NUCLEI, ONSETS, STOP_CODAS};
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::char::{compose, decompose_canonical};

/// The six tones, named as in English grammars of Vietnamese.
///
/// ```
/// use sohoa::viet::{Syllable, Tone};
/// assert_eq!(Syllable::parse("Đảng").map(|s| s.tone()), Some(Tone::Hook));
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    /// ngang: no mark (`ma`).
    #[default]
    Level,
    /// sắc: acute (`má`).
    Acute,
    /// huyền: grave (`mà`).
    Grave,
    /// hỏi: hook above (`mả`).
    Hook,
    /// ngã: tilde (`mã`).
    Tilde,
    /// nặng: dot below (`mạ`).
    Dot,
}

impl Tone {
    /// All six tones, ngang first.
    ///
    /// ```
    /// assert_eq!(sohoa::viet::Tone::ALL.len(), 6);
    /// ```
    pub const ALL: [Tone; 6] = [
        Tone::Level,
        Tone::Acute,
        Tone::Grave,
        Tone::Hook,
        Tone::Tilde,
        Tone::Dot,
    ];

    /// The combining mark that writes this tone (NFD), `None` for ngang.
    ///
    /// ```
    /// use sohoa::viet::Tone;
    /// assert_eq!(Tone::Acute.mark(), Some('\u{301}'));
    /// assert_eq!(Tone::Level.mark(), None);
    /// ```
    pub fn mark(self) -> Option<char> {
        match self {
            Tone::Level => None,
            Tone::Acute => Some('\u{301}'),
            Tone::Grave => Some('\u{300}'),
            Tone::Hook => Some('\u{309}'),
            Tone::Tilde => Some('\u{303}'),
            Tone::Dot => Some('\u{323}'),
        }
    }

    /// The tone written by a combining mark, if it is one of the five tone marks.
    ///
    /// ```
    /// use sohoa::viet::Tone;
    /// assert_eq!(Tone::from_mark('\u{323}'), Some(Tone::Dot));
    /// assert_eq!(Tone::from_mark('\u{302}'), None); // circumflex is a vowel mark
    /// ```
    pub fn from_mark(mark: char) -> Option<Tone> {
        match mark {
            // U+0340/U+0341 are deprecated duplicates; NFD maps them to U+0300/U+0301 anyway.
            '\u{301}' | '\u{341}' => Some(Tone::Acute),
            '\u{300}' | '\u{340}' => Some(Tone::Grave),
            '\u{309}' => Some(Tone::Hook),
            '\u{303}' => Some(Tone::Tilde),
            '\u{323}' => Some(Tone::Dot),
            _ => None,
        }
    }
}

/// Where the tone mark goes in `oa`, `oe`, `uy` without a coda; everything else is the same.
///
/// ```
/// use sohoa::viet::{Syllable, ToneStyle};
/// let s = Syllable::parse("thủy").expect("a syllable");
/// assert_eq!(s.compose(ToneStyle::Old), "thủy");
/// assert_eq!(s.compose(ToneStyle::New), "thuỷ");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToneStyle {
    /// Traditional placement, the default and the norm in State documents: `hóa`, `thủy`, `khỏe`.
    #[default]
    Old,
    /// The "new" placement on the main vowel: `hoá`, `thuỷ`, `khoẻ`.
    New,
}

/// One well-formed Vietnamese syllable, as written: onset, glide, nucleus, coda, tone and case.
///
/// The parts are spelled so that `onset + glide + nucleus + coda` is the written word without
/// its tone: `quyết` is `q` + `u` + `yê` + `t`, `giếng` is `gi` + `ê` + `ng`, `gìn` is
/// `g` + `i` + `n`. A `Syllable` is always well-formed: it comes from [`Syllable::parse`] or
/// [`Syllable::new`], which both check the spelling rules.
///
/// ```
/// use sohoa::viet::{Case, Syllable, Tone, ToneStyle};
/// let s = Syllable::parse("Người").expect("a syllable");
/// assert_eq!((s.onset(), s.glide(), s.nucleus(), s.coda()), ("ng", "", "ươ", "i"));
/// assert_eq!((s.tone(), s.case()), (Tone::Grave, Case::Title));
/// assert_eq!(s.compose(ToneStyle::Old), "Người");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "SyllableRepr")]
pub struct Syllable {
    onset: &'static str,
    glide: &'static str,
    nucleus: &'static str,
    coda: &'static str,
    tone: Tone,
    case: Case,
    /// Which letters are uppercase, bit `i` for letter `i`; only non-zero for [`Case::Mixed`].
    mask: u16,
}

/// The serde form of a [`Syllable`]: owned strings, validated on the way in.
#[derive(Serialize, Deserialize)]
struct SyllableRepr {
    onset: String,
    glide: String,
    nucleus: String,
    coda: String,
    tone: Tone,
    case: Case,
    #[serde(default, skip_serializing_if = "is_zero")]
    mask: u16,
}

fn is_zero(n: &u16) -> bool {
    *n == 0
}

impl From<Syllable> for SyllableRepr {
    fn from(s: Syllable) -> Self {
        SyllableRepr {
            onset: s.onset.to_owned(),
            glide: s.glide.to_owned(),
            nucleus: s.nucleus.to_owned(),
            coda: s.coda.to_owned(),
            tone: s.tone,
            case: s.case,
            mask: s.mask,
        }
    }
}

// By hand: the derive would demand `'de: 'static` for the interned `&'static str` parts.
impl<'de> Deserialize<'de> for Syllable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = SyllableRepr::deserialize(deserializer)?;
        Syllable::try_from(repr).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<SyllableRepr> for Syllable {
    type Error = String;
    fn try_from(r: SyllableRepr) -> Result<Self, String> {
        let s =
            Syllable::new(&r.onset, &r.glide, &r.nucleus, &r.coda, r.tone).ok_or_else(|| {
                format!(
                    "not a well-formed syllable: {:?} {:?} {:?} {:?} {:?}",
                    r.onset, r.glide, r.nucleus, r.coda, r.tone
                )
            })?;
        let letters = s.letters();
        Ok(if r.case == Case::Mixed {
            s.with_mask(r.mask & full_mask(letters))
        } else {
            s.with_case(r.case)
        })
    }
}

/// Longest written syllable is 7 letters (`nghiêng`, `khuyếch`); 8 leaves a margin.
const MAX_LETTERS: usize = 8;

fn full_mask(letters: usize) -> u16 {
    ((1u32 << letters) - 1) as u16
}

/// Adds a vowel mark (circumflex, breve, horn) to a base letter, if Vietnamese has that letter.
fn with_vowel_mark(letter: char, mark: char) -> Option<char> {
    Some(match (letter, mark) {
        ('a', '\u{302}') => 'â',
        ('a', '\u{306}') => 'ă',
        ('e', '\u{302}') => 'ê',
        ('o', '\u{302}') => 'ô',
        ('o', '\u{31b}') => 'ơ',
        ('u', '\u{31b}') => 'ư',
        _ => return None,
    })
}

/// Puts a tone mark on a (possibly vowel-marked) lowercase vowel, precomposed.
fn with_tone_mark(vowel: char, mark: char) -> char {
    compose(vowel, mark)
        .or_else(|| {
            // The dot below sorts before the circumflex and breve in canonical order, so `ậ`
            // is `ạ` + circumflex, not `â` + dot.
            let (base, vowel_mark) = match vowel {
                'â' => ('a', '\u{302}'),
                'ă' => ('a', '\u{306}'),
                'ê' => ('e', '\u{302}'),
                'ô' => ('o', '\u{302}'),
                _ => return None,
            };
            compose(compose(base, mark)?, vowel_mark)
        })
        .unwrap_or(vowel)
}

impl Syllable {
    /// Parses a token as one Vietnamese syllable; `None` unless it is a well-formed one.
    ///
    /// Accepts any case, NFC or NFD, and the tone mark on any vowel letter (`hoà`, `thuỷ`,
    /// `mưá` parse as `hòa`, `thủy`, `mứa`). Rejects foreign letters (`f j w z`), stray
    /// marks, two tone marks, a tone mark on a consonant, misspellings (`ce`, `gha`, `kuy`),
    /// and tones that cannot occur (`hòc`: stop codas take only sắc and nặng).
    ///
    /// ```
    /// use sohoa::viet::{Syllable, Tone};
    /// let s = Syllable::parse("quyết").expect("a syllable");
    /// assert_eq!((s.onset(), s.glide(), s.nucleus(), s.coda()), ("q", "u", "yê", "t"));
    /// assert_eq!(s.tone(), Tone::Acute);
    /// assert_eq!(Syllable::parse("hoà"), Syllable::parse("hòa"));
    /// assert!(Syllable::parse("UBND").is_none());
    /// assert!(Syllable::parse("hòc").is_none());
    /// ```
    pub fn parse(token: &str) -> Option<Syllable> {
        // Letters, lowercase, each with at most one vowel mark; the tone is lifted off.
        let mut letters = [(' ', None::<char>); MAX_LETTERS];
        let mut n = 0usize;
        let mut mask = 0u16;
        let mut tone = Tone::Level;
        let mut tone_at = None::<usize>;
        // Decomposing char by char (no reordering buffer) suffices: marks are only collected
        // per letter, so their order does not matter. Much cheaper than a streaming NFD.
        let mut bad = false;
        for ch in token.chars() {
            decompose_canonical(ch, |c| {
                if bad {
                    return;
                }
                if let Some(t) = Tone::from_mark(c) {
                    if n == 0 || tone_at.is_some() {
                        bad = true;
                        return;
                    }
                    tone = t;
                    tone_at = Some(n - 1);
                } else if matches!(c, '\u{302}' | '\u{306}' | '\u{31b}') {
                    match n.checked_sub(1).and_then(|i| letters.get_mut(i)) {
                        Some(last) if last.1.is_none() => last.1 = Some(c),
                        _ => bad = true,
                    }
                } else {
                    let lower = if c.is_uppercase() {
                        mask |= 1 << n.min(15);
                        c.to_lowercase().next().unwrap_or(c)
                    } else {
                        c
                    };
                    if n == MAX_LETTERS || !(lower.is_ascii_lowercase() || lower == 'đ') {
                        bad = true;
                        return;
                    }
                    letters[n] = (lower, None);
                    n += 1;
                }
            });
            if bad {
                return None;
            }
        }
        // The spelling without tone, on the stack (room for 8 letters of any width).
        let mut buf = [0u8; 4 * MAX_LETTERS];
        let mut len = 0;
        for (i, &(letter, mark)) in letters[..n].iter().enumerate() {
            let letter = match mark {
                Some(m) => with_vowel_mark(letter, m)?,
                None => letter,
            };
            if tone_at == Some(i) && !tables::is_vowel(letter) {
                return None;
            }
            len += letter.encode_utf8(&mut buf[len..]).len();
        }
        let base = std::str::from_utf8(&buf[..len]).ok()?;
        let [onset, glide, nucleus, coda] = tables::split(base)?;
        let s = Syllable {
            onset,
            glide,
            nucleus,
            coda,
            tone: Tone::Level,
            case: Case::Lower,
            mask: 0,
        };
        Some(s.try_with_tone(tone)?.with_mask(mask))
    }

    /// Builds a lowercase syllable from its parts; `None` unless they are well-formed together.
    ///
    /// ```
    /// use sohoa::viet::{Syllable, Tone};
    /// let s = Syllable::new("th", "u", "y", "", Tone::Hook).expect("well-formed");
    /// assert_eq!(s.to_string(), "thủy");
    /// assert!(Syllable::new("c", "", "e", "", Tone::Level).is_none()); // spelled `ke`
    /// ```
    pub fn new(
        onset: &str,
        glide: &str,
        nucleus: &str,
        coda: &str,
        tone: Tone,
    ) -> Option<Syllable> {
        let onset = tables::intern(ONSETS, onset)?;
        let glide = tables::intern(GLIDES, glide)?;
        let nucleus = tables::intern(NUCLEI, nucleus)?;
        let coda = tables::intern(CODAS, coda)?;
        if !tables::is_valid(onset, glide, nucleus, coda) {
            return None;
        }
        Syllable {
            onset,
            glide,
            nucleus,
            coda,
            tone: Tone::Level,
            case: Case::Lower,
            mask: 0,
        }
        .try_with_tone(tone)
    }

    /// Every well-formed syllable, lowercase, with every tone it can take.
    ///
    /// ```
    /// use sohoa::viet::Syllable;
    /// assert!(Syllable::all().any(|s| s.to_string() == "nghiêng"));
    /// assert!(Syllable::all().all(|s| Syllable::parse(&s.to_string()) == Some(s)));
    /// ```
    pub fn all() -> impl Iterator<Item = Syllable> {
        tables::all_parts().flat_map(|[onset, glide, nucleus, coda]| {
            let s = Syllable {
                onset,
                glide,
                nucleus,
                coda,
                tone: Tone::Level,
                case: Case::Lower,
                mask: 0,
            };
            s.tones().iter().map(move |&tone| Syllable { tone, ..s })
        })
    }

    /// Writes the syllable: NFC, tone mark placed per `style`, case restored.
    ///
    /// ```
    /// use sohoa::viet::{Syllable, ToneStyle};
    /// let s = Syllable::parse("HOÀ").expect("a syllable");
    /// assert_eq!(s.compose(ToneStyle::Old), "HÒA");
    /// assert_eq!(s.compose(ToneStyle::New), "HOÀ");
    /// ```
    pub fn compose(&self, style: ToneStyle) -> String {
        let at = self.tone_index(style);
        let mut out = String::with_capacity(16);
        let letters = [self.onset, self.glide, self.nucleus, self.coda];
        for (i, c) in letters.iter().flat_map(|p| p.chars()).enumerate() {
            // Every Vietnamese vowel has a precomposed form with each tone, so this is NFC.
            let c = match self.tone.mark() {
                Some(mark) if i == at => with_tone_mark(c, mark),
                _ => c,
            };
            let upper = match self.case {
                Case::Lower => false,
                Case::Upper => true,
                Case::Title => i == 0,
                Case::Mixed => i < 16 && self.mask & (1 << i) != 0,
            };
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The index (in letters) of the vowel that carries the tone mark.
    fn tone_index(&self, style: ToneStyle) -> usize {
        let onset = self.onset.chars().count();
        let glide = self.glide.chars().count();
        // Old style writes the tone on the glide in open `oa`, `oe`, `uy` (hóa, khỏe, thủy);
        // after `q` the `u` never takes it (quý).
        if style == ToneStyle::Old
            && glide == 1
            && self.onset != "q"
            && self.coda.is_empty()
            && matches!(self.nucleus, "a" | "e" | "y")
        {
            return onset;
        }
        let marked = self.nucleus.chars().rev().position(tables::is_marked_vowel);
        let within = match marked.map(|from_end| self.nucleus.chars().count() - 1 - from_end) {
            // The marked vowel (the second one in ươ): tiếng, muốn, người, giữa.
            Some(i) => i,
            // `oo` (xoong, goòng) on the second; open `ia`, `ya`, `ua` on the first (mía, múa).
            None if self.nucleus == "oo" => 1,
            None => 0,
        };
        onset + glide + within
    }

    /// The tone.
    ///
    /// ```
    /// use sohoa::viet::{Syllable, Tone};
    /// assert_eq!(Syllable::parse("được").map(|s| s.tone()), Some(Tone::Dot));
    /// ```
    pub fn tone(&self) -> Tone {
        self.tone
    }

    /// The onset consonant(s), `""` if none. `qu` gives `q` (the `u` is the glide).
    ///
    /// ```
    /// use sohoa::viet::Syllable;
    /// assert_eq!(Syllable::parse("Nghiêng").as_ref().map(Syllable::onset), Some("ngh"));
    /// assert_eq!(Syllable::parse("quốc").as_ref().map(Syllable::onset), Some("q"));
    /// ```
    pub fn onset(&self) -> &str {
        self.onset
    }

    /// The glide `o` or `u` (the /w/ of `hoa`, `thuê`, `quốc`), `""` if none.
    ///
    /// ```
    /// use sohoa::viet::Syllable;
    /// assert_eq!(Syllable::parse("hoặc").as_ref().map(Syllable::glide), Some("o"));
    /// assert_eq!(Syllable::parse("muốn").as_ref().map(Syllable::glide), Some(""));
    /// ```
    pub fn glide(&self) -> &str {
        self.glide
    }

    /// The nucleus, lowercase with its vowel marks (`â ă ê ô ơ ư`) but no tone.
    ///
    /// ```
    /// use sohoa::viet::Syllable;
    /// assert_eq!(Syllable::parse("NGƯỜI").as_ref().map(Syllable::nucleus), Some("ươ"));
    /// ```
    pub fn nucleus(&self) -> &str {
        self.nucleus
    }

    /// The coda: a consonant (`c ch m n ng nh p t`), a semivowel (`i y o u`) or `""`.
    ///
    /// ```
    /// use sohoa::viet::Syllable;
    /// assert_eq!(Syllable::parse("hươu").as_ref().map(Syllable::coda), Some("u"));
    /// ```
    pub fn coda(&self) -> &str {
        self.coda
    }

    /// The case the syllable was written in.
    ///
    /// ```
    /// use sohoa::viet::{Case, Syllable};
    /// assert_eq!(Syllable::parse("ĐẢNG").map(|s| s.case()), Some(Case::Upper));
    /// ```
    pub fn case(&self) -> Case {
        self.case
    }

    /// The same syllable with another tone. Stop codas (`c ch p t`) take only sắc and nặng;
    /// asking them for another tone returns the syllable unchanged (see
    /// [`Syllable::try_with_tone`] to tell).
    ///
    /// ```
    /// use sohoa::viet::{Syllable, Tone};
    /// let s = Syllable::parse("Thuỷ").expect("a syllable");
    /// assert_eq!(s.with_tone(Tone::Level).to_string(), "Thuy");
    /// let hoc = Syllable::parse("học").expect("a syllable");
    /// assert_eq!(hoc.with_tone(Tone::Grave), hoc);
    /// ```
    pub fn with_tone(&self, tone: Tone) -> Syllable {
        self.try_with_tone(tone).unwrap_or(*self)
    }

    /// The same syllable with another tone, or `None` if the coda does not allow that tone.
    ///
    /// ```
    /// use sohoa::viet::{Syllable, Tone};
    /// let hoc = Syllable::parse("học").expect("a syllable");
    /// assert_eq!(hoc.try_with_tone(Tone::Acute).map(|s| s.to_string()), Some("hóc".into()));
    /// assert_eq!(hoc.try_with_tone(Tone::Tilde), None);
    /// ```
    pub fn try_with_tone(&self, tone: Tone) -> Option<Syllable> {
        if STOP_CODAS.contains(&self.coda) && !matches!(tone, Tone::Acute | Tone::Dot) {
            return None;
        }
        Some(Syllable { tone, ..*self })
    }

    /// The tones this syllable can take: all six, or only sắc and nặng after a stop coda.
    ///
    /// ```
    /// use sohoa::viet::{Syllable, Tone};
    /// let s = Syllable::parse("việt").expect("a syllable");
    /// assert_eq!(s.tones(), &[Tone::Acute, Tone::Dot]);
    /// ```
    pub fn tones(&self) -> &'static [Tone] {
        if STOP_CODAS.contains(&self.coda) {
            &[Tone::Acute, Tone::Dot]
        } else {
            &Tone::ALL
        }
    }

    /// The same syllable in another case. [`Case::Mixed`] has no letter pattern of its own,
    /// so it leaves the syllable unchanged.
    ///
    /// ```
    /// use sohoa::viet::{Case, Syllable};
    /// let s = Syllable::parse("tỉnh").expect("a syllable");
    /// assert_eq!(s.with_case(Case::Title).to_string(), "Tỉnh");
    /// assert_eq!(s.with_case(Case::Upper).to_string(), "TỈNH");
    /// ```
    pub fn with_case(&self, case: Case) -> Syllable {
        let letters = self.letters();
        match case {
            Case::Mixed => *self,
            Case::Lower => self.with_mask(0),
            Case::Upper => self.with_mask(full_mask(letters)),
            Case::Title => self.with_mask(1),
        }
    }

    /// Sets the case from an uppercase-letter mask, normalising it to Lower/Upper/Title.
    fn with_mask(&self, mask: u16) -> Syllable {
        let case = case_from_mask(mask, self.letters());
        Syllable {
            case,
            mask: if case == Case::Mixed { mask } else { 0 },
            ..*self
        }
    }

    fn letters(&self) -> usize {
        [self.onset, self.glide, self.nucleus, self.coda]
            .iter()
            .map(|p| p.chars().count())
            .sum()
    }

    /// Lowercase and toneless, vowel marks kept: the syllable's spelling (`Người` → `ngươi`).
    /// Use [`fold`](super::fold) to drop the vowel marks too.
    ///
    /// ```
    /// use sohoa::viet::Syllable;
    /// assert_eq!(Syllable::parse("Người").map(|s| s.base()), Some("ngươi".to_string()));
    /// ```
    pub fn base(&self) -> String {
        [self.onset, self.glide, self.nucleus, self.coda].concat()
    }
}

/// Writes the syllable in the old (default) style, like [`Syllable::compose`] with
/// [`ToneStyle::Old`].
///
/// ```
/// use sohoa::viet::Syllable;
/// let s = Syllable::parse("KHOẺ").expect("a syllable");
/// assert_eq!(format!("{s}"), "KHỎE");
/// ```
impl fmt::Display for Syllable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.compose(ToneStyle::Old))
    }
}
