//! The tokeniser shared by the model build and the repair engine, so both see the same units.
//!
//! A line is cut into spaces, words (letters only), mixed tokens (letters with digits or the
//! symbols legacy OCR puts for Vietnamese letters: `s6`, `K&`, `k¥`), numbers and dates
//! (`30/6`, `1.000`), symbols (`265-KH/TU`, `03/2025/NQ-HĐND`, `e-mail`) and single punctuation
//! characters. Concatenating the token texts gives the line back exactly.

/// Characters legacy OCR (Tesseract without Vietnamese data) emits in place of Vietnamese
/// letters; they count as word characters.
pub const OCR_SYMBOLS: [char; 11] = ['&', '¥', '§', '£', '¢', '©', '®', '€', '°', '$', '@'];

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A run of white space.
    Space,
    /// Letters only: `Tỉnh`, `trién`, `UBND`.
    Word,
    /// Letters mixed with digits or OCR symbols, no separators: `s6`, `c4o`, `K&`, `VNeID2`.
    Mixed,
    /// Digits, with `.`, `,` `/` or `-` between digit groups: `2025`, `30/6`, `1.000`.
    Number,
    /// Word characters joined by `-`, `/` or `.` and containing letters: `265-KH/TU`.
    Symbol,
    /// Any other single character.
    Punct,
}

/// One token: its kind and its byte range in the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The kind of the token.
    pub kind: Kind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Token {
    /// The token's text in `line`.
    pub fn text<'a>(&self, line: &'a str) -> &'a str {
        &line[self.start..self.end]
    }
}

/// Apostrophes, single quotes and the question mark, which legacy OCR puts inside and right
/// after words for a hook or a tone mark (`h’iéu`, `mi?c`, `si?` for `hiệu`, `mức`, `sử`).
pub const APOSTROPHES: [char; 5] = ['\'', '’', '‘', '`', '?'];

fn wordish(c: char) -> bool {
    c.is_alphanumeric() || OCR_SYMBOLS.contains(&c)
}

fn joiner(c: char) -> bool {
    matches!(c, '-' | '/' | '.' | ',')
}

/// Cuts `line` into tokens.
///
/// ```
/// use sohoa::lm::token::{tokenize, Kind};
/// let line = "Kế hoạch s6 265-KH/TU, ngày 24/4/2025.";
/// let kinds: Vec<Kind> = tokenize(line).iter().filter(|t| t.kind != Kind::Space).map(|t| t.kind).collect();
/// assert_eq!(kinds, [Kind::Word, Kind::Word, Kind::Mixed, Kind::Symbol, Kind::Punct,
///                    Kind::Word, Kind::Number, Kind::Punct]);
/// ```
pub fn tokenize(line: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(line.len() / 4 + 1);
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let n = chars.len();
    let end_of = |i: usize| if i < n { chars[i].0 } else { line.len() };
    let mut i = 0;
    while i < n {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            let mut j = i + 1;
            while j < n && chars[j].1.is_whitespace() {
                j += 1;
            }
            out.push(Token {
                kind: Kind::Space,
                start,
                end: end_of(j),
            });
            i = j;
        } else if wordish(c) {
            let mut j = i + 1;
            let mut joined = false;
            let mut comma_only = true;
            loop {
                while j < n
                    && (wordish(chars[j].1)
                        // an apostrophe between letters is legacy OCR's stand-in for a
                        // mark (`h’iéu` for `hiệu`): Vietnamese words never hold one
                        || (APOSTROPHES.contains(&chars[j].1)
                            && chars[j - 1].1.is_alphabetic()
                            && j + 1 < n
                            && chars[j + 1].1.is_alphabetic()))
                {
                    j += 1;
                }
                if j + 1 < n && joiner(chars[j].1) && wordish(chars[j + 1].1) {
                    // a comma joins only digit groups (1,5); not "tỉnh,Ban"
                    let c = chars[j].1;
                    if c == ','
                        && !(chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit())
                    {
                        break;
                    }
                    if c != ',' {
                        comma_only = false;
                    }
                    joined = true;
                    j += 1;
                    continue;
                }
                break;
            }
            let text = &line[start..end_of(j)];
            // an OCR stand-in counts as a letter: `$6` is `số` misread, not a number, and a
            // lone `¥` or `&` is a misread word (`ý`, `ở`), not punctuation
            let letters = text
                .chars()
                .filter(|c| c.is_alphabetic() || OCR_SYMBOLS.contains(c))
                .count();
            let all_letters = text.chars().all(|c| c.is_alphabetic());
            let kind = if letters == 0 {
                if text.chars().any(|c| c.is_numeric()) {
                    Kind::Number
                } else {
                    Kind::Punct
                }
            } else if joined && !comma_only && is_word_pair(text) {
                // "xã/phường", "đồng/tháng": words joined by slashes, read as words
                let mut at = start;
                for (k, part) in text.split('/').enumerate() {
                    if k > 0 {
                        out.push(Token {
                            kind: Kind::Punct,
                            start: at,
                            end: at + 1,
                        });
                        at += 1;
                    }
                    out.push(Token {
                        kind: Kind::Word,
                        start: at,
                        end: at + part.len(),
                    });
                    at += part.len();
                }
                i = j;
                continue;
            } else if joined {
                Kind::Symbol
            } else if all_letters && is_roman_numeral(text) {
                // `lần thứ XIII`, `Chương IV`: a number, for the model as for the reader
                Kind::Number
            } else if all_letters {
                Kind::Word
            } else {
                Kind::Mixed
            };
            out.push(Token {
                kind,
                start,
                end: end_of(j),
            });
            i = j;
        } else {
            out.push(Token {
                kind: Kind::Punct,
                start,
                end: end_of(i + 1),
            });
            i += 1;
        }
    }
    out
}

/// Joins a word and an apostrophe right after it (`S6'`, `Tiép'`) into one [`Kind::Mixed`]
/// token. Legacy OCR reads the hook of `ơ`/`ư` or a tone mark as an apostrophe after the
/// letters (`S6'` for `Sở`); the repairer reads the pair as one OCR string. A word quoted
/// with an apostrophe before it (`'Binh'`) is left alone, and so is an apostrophe followed
/// by a letter (that one is inside a word already).
///
/// ```
/// use sohoa::lm::token::{attach_trailing_apostrophes, tokenize};
/// let line = "- S6' Noi vu, 'Binh' dan";
/// let mut toks = tokenize(line);
/// attach_trailing_apostrophes(line, &mut toks);
/// let texts: Vec<&str> = toks.iter().map(|t| t.text(line)).collect();
/// assert!(texts.contains(&"S6'"));
/// assert!(texts.contains(&"Binh"));
/// ```
pub fn attach_trailing_apostrophes(line: &str, toks: &mut Vec<Token>) {
    let is_apostrophe =
        |t: &Token| t.kind == Kind::Punct && t.text(line).chars().all(|c| APOSTROPHES.contains(&c));
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let mut t = toks[i];
        let word = matches!(t.kind, Kind::Word | Kind::Mixed);
        let quoted = i > 0 && is_apostrophe(&toks[i - 1]);
        let letter_after = toks
            .get(i + 2)
            .is_some_and(|t| t.text(line).starts_with(char::is_alphanumeric));
        if word && !quoted && toks.get(i + 1).is_some_and(is_apostrophe) && !letter_after {
            t.end = toks[i + 1].end;
            t.kind = Kind::Mixed;
            i += 1;
        }
        out.push(t);
        i += 1;
    }
    *toks = out;
}

/// Whether `text` is an upper-case Roman numeral from 1 to 39 in standard form (`IV`, `XIII`,
/// `XXIX`) that is not also a Vietnamese syllable: `VI` and `XI` (`vi phạm`, `xi măng` in a
/// heading) stay words.
///
/// ```
/// use sohoa::lm::token::is_roman_numeral;
/// assert!(is_roman_numeral("XIV") && is_roman_numeral("II") && is_roman_numeral("V"));
/// assert!(!is_roman_numeral("VI") && !is_roman_numeral("IIII") && !is_roman_numeral("xiv"));
/// ```
pub fn is_roman_numeral(text: &str) -> bool {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 6 || !b.iter().all(|c| matches!(c, b'I' | b'V' | b'X')) {
        return false;
    }
    // X{0,3} then IX | IV | V?I{0,3}
    let tens = b.iter().take_while(|&&c| c == b'X').count();
    let rest = &b[tens..];
    let units = matches!(rest, b"IX" | b"IV")
        || matches!(rest, [] | [b'V'] | [b'V', ..] | [b'I', ..])
            && rest
                .iter()
                .skip(usize::from(rest.first() == Some(&b'V')))
                .all(|&c| c == b'I')
            && rest.len() <= 4
            && rest.iter().filter(|&&c| c == b'I').count() <= 3;
    // of these, only `VI`, `XI` (and `I`) spell syllables
    tens <= 3 && units && !matches!(text, "VI" | "XI")
}

/// Words joined by slashes (`xã/phường`): every part two or more letters and not all capitals,
/// which would make it a code (`KH/TU`); one-letter parts are abbreviations (`b/c`, `đ/c`).
fn is_word_pair(text: &str) -> bool {
    text.split('/').all(|part| {
        part.chars().count() >= 2
            && part.chars().all(char::is_alphabetic)
            && part.chars().any(char::is_lowercase)
    })
}

/// Whether a punctuation character ends a sentence for the language model.
pub fn ends_sentence(text: &str) -> bool {
    matches!(text, "." | "!" | "?" | ";" | ":" | "…")
}

/// Whether a [`Kind::Symbol`] token is a document's number and symbol (`08-CT/TU`,
/// `2156/SGDĐT-GDPT`, `12/2025/NĐ-CP`): a number, then parts joined by `/` or `-`, one of
/// them capital letters (Nghị định 30/2020/NĐ-CP, Hướng dẫn 36-HD/VPTW).
///
/// ```
/// use sohoa::lm::token::is_document_symbol;
/// assert!(is_document_symbol("265-KH/TU"));
/// assert!(is_document_symbol("45/TTr-UBND"));
/// assert!(!is_document_symbol("S01-DN"));
/// assert!(!is_document_symbol("26/4/2025"));
/// ```
pub fn is_document_symbol(text: &str) -> bool {
    let mut parts = text.split(['/', '-']);
    let number = parts.next().unwrap_or("");
    !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && parts.any(|p| {
            p.chars().filter(|c| c.is_uppercase()).count() >= 2
                && p.chars().all(char::is_alphabetic)
        })
}

/// Whether token `i` of `line` is a colon that labels the number or code after it (`Số: 08`,
/// `Điện thoại: 0238`): no sentence ends there, and the model reads the label as standing
/// right before the number, as Party documents write it without the colon (`Số 08-CT/TU`).
///
/// ```
/// use sohoa::lm::token::{is_label_colon, tokenize};
/// let line = "Số: 08-CT/TU";
/// let toks = tokenize(line);
/// let colon = toks.iter().position(|t| t.text(line) == ":").unwrap();
/// assert!(is_label_colon(line, &toks, colon));
/// ```
pub fn is_label_colon(line: &str, toks: &[Token], i: usize) -> bool {
    toks.get(i).is_some_and(|t| t.text(line) == ":")
        && toks[i + 1..]
            .iter()
            .find(|t| t.kind != Kind::Space)
            .is_some_and(|t| matches!(t.kind, Kind::Number | Kind::Symbol))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_kinds() {
        let line = "  Tinh iy vé trién khal (Tuin 27), K& hoach s 56-TTr/BTGDVTU 1.000 k¥ “Binh”";
        let toks = tokenize(line);
        let joined: String = toks.iter().map(|t| t.text(line)).collect();
        assert_eq!(joined, line);
        let find = |s: &str| toks.iter().find(|t| t.text(line) == s).map(|t| t.kind);
        assert_eq!(find("K&"), Some(Kind::Mixed));
        assert_eq!(find("k¥"), Some(Kind::Mixed));
        assert_eq!(find("56-TTr/BTGDVTU"), Some(Kind::Symbol));
        assert_eq!(find("1.000"), Some(Kind::Number));
        assert_eq!(find("27"), Some(Kind::Number));
        assert_eq!(find("“"), Some(Kind::Punct));
        assert_eq!(find("trién"), Some(Kind::Word));
        let line = "h’iéu qua 'Binh'";
        let toks = tokenize(line);
        let find = |s: &str| toks.iter().find(|t| t.text(line) == s).map(|t| t.kind);
        assert_eq!(find("h’iéu"), Some(Kind::Mixed));
        assert_eq!(find("Binh"), Some(Kind::Word));
    }

    #[test]
    fn words_joined_by_slashes_are_words() {
        let line = "cấp xã/phường, 5 đồng/người/tháng; b/c KH/TU km/h";
        let toks = tokenize(line);
        let joined: String = toks.iter().map(|t| t.text(line)).collect();
        assert_eq!(joined, line);
        let kind = |s: &str| toks.iter().find(|t| t.text(line) == s).map(|t| t.kind);
        for w in ["xã", "phường", "đồng", "người", "tháng"] {
            assert_eq!(kind(w), Some(Kind::Word), "{w}");
        }
        assert_eq!(kind("/"), Some(Kind::Punct));
        for code in ["b/c", "KH/TU", "km/h"] {
            assert_eq!(kind(code), Some(Kind::Symbol), "{code}");
        }
    }

    #[test]
    fn ocr_stand_ins_without_letters_are_words_not_numbers() {
        let line = "vu $6, nen tang $0 va ¢6 ¥ nghia, 2025";
        let kinds: Vec<(&str, Kind)> = tokenize(line)
            .iter()
            .filter(|t| t.kind != Kind::Space)
            .map(|t| (t.text(line), t.kind))
            .collect();
        for w in ["$6", "$0", "¢6", "¥"] {
            assert!(kinds.contains(&(w, Kind::Mixed)), "{w}: {kinds:?}");
        }
        assert!(kinds.contains(&("2025", Kind::Number)));
    }

    #[test]
    fn marks_legacy_ocr_puts_inside_words_stay_there() {
        let line = "dinh mi?c, ngu@i lao dong, nha @ cong vu, info@sohoa.vn. Co khong?";
        let texts: Vec<&str> = tokenize(line).iter().map(|t| t.text(line)).collect();
        for w in ["mi?c", "ngu@i", "@", "info@sohoa.vn"] {
            assert!(texts.contains(&w), "{w}: {texts:?}");
        }
        // a question mark after a word is punctuation, but in legacy OCR it may be read with it
        assert!(texts.ends_with(&["khong", "?"]), "{texts:?}");
        let line = "van ban si? dung";
        let mut toks = tokenize(line);
        attach_trailing_apostrophes(line, &mut toks);
        assert!(toks.iter().any(|t| t.text(line) == "si?"));
    }

    #[test]
    fn roman_numerals_are_numbers() {
        for r in [
            "I", "II", "III", "IV", "V", "VII", "VIII", "IX", "X", "XIII", "XIV", "XXXIX",
        ] {
            assert!(is_roman_numeral(r), "{r}");
        }
        for w in [
            "VI", "XI", "IIII", "VV", "IIX", "XXXX", "VX", "Xi", "iv", "", "MCM",
        ] {
            assert!(!is_roman_numeral(w), "{w}");
        }
        let line = "Đại hội lần thứ XIII, VI PHẠM";
        let kind = |s: &str| {
            tokenize(line)
                .iter()
                .find(|t| t.text(line) == s)
                .map(|t| t.kind)
        };
        assert_eq!(kind("XIII"), Some(Kind::Number));
        assert_eq!(kind("VI"), Some(Kind::Word));
    }

    #[test]
    fn odd_input() {
        assert!(tokenize("").is_empty());
        let s = "\u{fffd}\u{0}\u{7f}--//..";
        let joined: String = tokenize(s).iter().map(|t| t.text(s)).collect();
        assert_eq!(joined, s);
    }
}
