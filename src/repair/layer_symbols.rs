//! The punctuation, numbers and codes of a page's OCR layer, put on the words of the image's
//! `vie` reading before the readings are combined.
//!
//! Tesseract's `vie` model gets Vietnamese letters and marks but slips on the marks around
//! them: `1,` for `1.`, `4,6.` for `4.6.`, curly quotes for the straight ones printed; and on
//! a poor image on digits (`2035` for `2025`) and the capitals of codes (`BG-BPC`). An
//! English layer is poor at marks on letters but reads ASCII punctuation well, and a scanner's
//! layer was read from a cleaner capture than the image it stored. The letter decoder leaves
//! punctuation as read, so this step takes it from the layer where both readings hold the same
//! word (paired by their boxes) and agree on its letters and digits: the word's leading and
//! trailing punctuation, and the separators inside a number. A mark inside a word's letters
//! (`tru'c`, an English reading of `trực`) is never taken, nor anything where the readings
//! disagree on the letters or digits. A number or code (the layer's word has a digit, and
//! `vie`'s has no Vietnamese letter but `Đ`) is taken from the layer as a whole, `vie`'s `Đ`
//! kept where the layer reads `D`.
//!
//! A layer read from the same pixels as `vie` (an earlier run without Vietnamese data) also
//! reads specks and accents as punctuation (`tai.` for `tại`), so the recogniser's own word
//! confidence decides: a mark for a mark (`,` for `.`) is taken where `vie` was less than
//! [`SURE_CONFIDENCE`] sure of the word, punctuation added or dropped only where it was less
//! than [`SURE_EDIT_CONFIDENCE`] sure.
//!
//! Where `vie` was unsure, a few other things are taken, each the layer's better reading of
//! a kind of slip `vie` makes on a poor image: the case of the same letters (`Xây` inside a
//! sentence), a mark for a mark where both words are marks alone (`~` for `-`), a number
//! where `vie` hardly saw letters ([`LOST_CONFIDENCE`]: `Lũ` for `18`, but never an English
//! reading of a syllable's letters, `16` for `lò`), a bracket that pairs the word's brackets
//! up; and a lone bracket only `vie` saw on a word it misread is dropped as a speck.

/// Tesseract word confidence (0–100) from which `vie`'s punctuation is kept against the
/// layer's other marks at the same places.
pub const SURE_CONFIDENCE: f32 = 95.0;

/// Tesseract word confidence from which `vie`'s punctuation is kept against a layer that
/// adds or drops marks around the word (the layer's specks and lost marks are more common
/// than its swapped ones).
pub const SURE_EDIT_CONFIDENCE: f32 = 90.0;

use super::candidates::two_readings::{centre_inside, pair_by_boxes};
use crate::viet::{fold, is_syllable};

/// `word` in the case of `model` (the same letters read by the other run): all small,
/// capitalised or all capitals as `model` is; as it is when `model` is none of these.
fn with_case_of(word: &str, model: &str) -> String {
    let letters: Vec<char> = model.chars().filter(|c| c.is_alphabetic()).collect();
    let Some((first, rest)) = letters.split_first() else {
        return word.to_string();
    };
    if letters.iter().all(|c| c.is_lowercase()) {
        word.to_lowercase()
    } else if first.is_uppercase() && rest.iter().all(|c| c.is_lowercase()) {
        let lower = word.to_lowercase();
        let mut chars = lower.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        word.to_uppercase()
    } else {
        word.to_string()
    }
}

/// Tesseract word confidence under which `vie` hardly saw the word: a number the layer reads
/// there is taken for its letters ([`number_for_letters`]).
pub const LOST_CONFIDENCE: f32 = 50.0;

/// The layer's number for `vie`'s letters at its place (`Lũ` where the layer reads `18`): the
/// layer's word is digits (with `.`, `,`, `/`, `-` between them), `vie`'s has no digit and as
/// many characters. Only for a word `vie` hardly saw ([`LOST_CONFIDENCE`]).
fn number_for_letters(first: &str, layer: &str) -> Option<String> {
    let digits_only = layer.chars().any(|c| c.is_ascii_digit())
        && layer
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '/' | '-'));
    let letters = first.chars().any(char::is_alphabetic) && !first.chars().any(char::is_numeric);
    // an English run reads `ô` as `6` and `lò` as `16`: digits that all look like the letters
    // of a syllable `vie` read are that run's misreading of it, not a number (`t.` for `1.`
    // is no syllable: there `vie` misread)
    let syllable = split_edges(first).is_some_and(|(_, core, _)| is_syllable(core));
    let misread = syllable
        && first
            .chars()
            .zip(layer.chars())
            .all(|(f, l)| !l.is_ascii_digit() || digit_looks_like(l, f));
    (digits_only && letters && !misread && first.chars().count() == layer.chars().count())
        .then(|| layer.to_string())
}

/// The small letters (marks aside) an English OCR run may read as `digit`, likeliest first.
fn letters_read_as(digit: char) -> &'static str {
    match digit {
        '0' => "od",
        '1' => "lijt",
        '2' => "z",
        '4' => "a",
        '5' => "s",
        '6' => "ob",
        '8' => "b",
        '9' => "gq",
        _ => "",
    }
}

/// Whether an English OCR run may read letter `letter` (any marks, any case) as `digit`.
fn digit_looks_like(digit: char, letter: char) -> bool {
    let folded = fold(&letter.to_lowercase().to_string());
    folded.chars().all(|c| letters_read_as(digit).contains(c))
}

/// The layer's punctuation for `vie`'s where both words are punctuation alone, as many marks
/// each (`~` where the layer reads `-` at a list item's start); the layer's must be what an
/// English run reads well ([`is_layer_punct`]).
fn marks_for_marks(first: &str, layer: &str) -> Option<String> {
    let all = |s: &str, ok: fn(char) -> bool| !s.is_empty() && s.chars().all(ok);
    let swapped = all(first, is_replaceable_punct)
        && all(layer, is_layer_punct)
        && first.chars().count() == layer.chars().count()
        && first != layer;
    swapped.then(|| layer.to_string())
}

/// Brackets: a layer that adds or drops one is not taken (they come in pairs, and a lone one
/// is more often a speck or a stroke than the page's).
fn is_bracket(c: char) -> bool {
    matches!(c, '(' | ')' | '[' | ']' | '{' | '}')
}

/// Whether every bracket of `word` closes one it opened, in order (`(GTGT).`, not `(GTGT`).
fn brackets_pair_up(word: &str) -> bool {
    let mut open = Vec::new();
    for c in word.chars() {
        match c {
            '(' | '[' | '{' => open.push(c),
            ')' | ']' | '}' => {
                let wanted = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if open.pop() != Some(wanted) {
                    return false;
                }
            }
            _ => {}
        }
    }
    open.is_empty()
}

/// The letters of Vietnamese (and the Latin ones it borrows), small.
const VIETNAMESE_LETTERS: &str =
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz";

/// A character `vie` can only have misread on a Vietnamese page: a letter of no Vietnamese
/// word (`ÿ`, `ñ`) or a symbol outside ASCII but for typographic quotes and dashes (`€`);
/// `Ð`, the look-alike of `Đ`, is left to the rule for codes.
fn is_foreign(c: char) -> bool {
    if matches!(c, 'Ð' | 'ð') {
        false
    } else if c.is_alphabetic() {
        !c.to_lowercase().all(|l| VIETNAMESE_LETTERS.contains(l))
    } else {
        !c.is_ascii() && !c.is_whitespace() && !is_replaceable_punct(c)
    }
}

/// `vie`'s `first` with each foreign character ([`is_foreign`]) replaced by the layer's at
/// the same position, when the layer's word is plain ASCII of the same length; so is a digit
/// of `vie` where the layer reads a letter (`ø1a` and `gia`: `gia`). A digit the layer reads
/// among `vie`'s letters is the letter it looks like (`‡ời` and `1di`: `lời`, an English
/// reading of `l` and `ờ`), or, with no such letter, no evidence.
fn foreign_from_layer(first: &str, layer: &str) -> Option<String> {
    let plain = layer
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || is_layer_punct(c));
    if !plain || first.chars().count() != layer.chars().count() {
        return None;
    }
    let first_chars: Vec<char> = first.chars().collect();
    let mut out = String::with_capacity(first.len());
    for (i, (&f, l)) in first_chars.iter().zip(layer.chars()).enumerate() {
        let taken = if is_foreign(f) || (f.is_ascii_digit() && l.is_alphabetic()) {
            l
        } else {
            f
        };
        let beside_letter = |j: Option<usize>| {
            j.and_then(|j| first_chars.get(j))
                .filter(|c| c.is_alphabetic() && !is_foreign(**c))
        };
        let neighbour = beside_letter(i.checked_sub(1)).or(beside_letter(Some(i + 1)));
        let taken = match (taken.is_ascii_digit() && f != taken, neighbour) {
            (true, Some(n)) => letter_like_digit(taken, n.is_uppercase()).unwrap_or(f),
            _ => taken,
        };
        out.push(taken);
    }
    (out != first).then_some(out)
}

/// The letter an English OCR run likeliest reads as `digit` (`1` for `l`, `0` for `o`), in the
/// case of the word around it.
fn letter_like_digit(digit: char, upper: bool) -> Option<char> {
    let letter = letters_read_as(digit).chars().next()?;
    Some(match (letter, upper) {
        // the stroke read as `1` is a small `l` or a capital `I`
        ('l', true) => 'I',
        (letter, true) => letter.to_ascii_uppercase(),
        (letter, false) => letter,
    })
}

/// A number or code as the layer gives it: ASCII letters, digits and punctuation with at
/// least one digit; and `vie`'s word at the same place a number or code too: a digit or no
/// small letter, and no small Vietnamese letter but `đ` (`ngay` read `n8ay` by the layer is
/// a word).
fn is_code_pair(first: &str, layer: &str) -> bool {
    let first_is_code =
        first.chars().any(|c| c.is_ascii_digit()) || !first.chars().any(char::is_lowercase);
    layer.chars().any(|c| c.is_ascii_digit())
        && layer
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || is_layer_punct(c))
        && first_is_code
        && first
            .chars()
            .all(|c| c.is_ascii() || c.is_uppercase() || c == 'đ')
}

/// The layer's number or code `layer` for `vie`'s `first`, with `vie`'s `Đ` kept where the
/// layer reads `D` in its place ([`keep_d`]); a different length only where `vie` was unsure
/// enough to add or drop symbols.
fn code_from_layer(first: &str, confidence: f32, layer: &str) -> Option<String> {
    if first.chars().count() != layer.chars().count() && confidence >= SURE_EDIT_CONFIDENCE {
        return None;
    }
    let out = keep_d(first, layer);
    (out != first).then_some(out)
}

/// `layer` with each `D` that lines up with a `Đ` of `first` (by the longest common
/// subsequence of the two, `Đ` and its look-alike `Ð` read as `D`) written as `first` has it.
fn keep_d(first: &str, layer: &str) -> String {
    let as_layer = |c: char| match c {
        'Đ' | 'Ð' => 'D',
        'đ' => 'd',
        c => c,
    };
    let f: Vec<char> = first.chars().collect();
    let l: Vec<char> = layer.chars().collect();
    // lcs[i][j]: longest common subsequence of f[i..] and l[j..]
    let mut lcs = vec![vec![0u16; l.len() + 1]; f.len() + 1];
    for i in (0..f.len()).rev() {
        for j in (0..l.len()).rev() {
            lcs[i][j] = if as_layer(f[i]) == l[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::with_capacity(layer.len() + 2);
    while j < l.len() {
        if i < f.len() && as_layer(f[i]) == l[j] {
            out.push(if matches!(f[i], 'Đ' | 'đ') {
                f[i]
            } else {
                l[j]
            });
            i += 1;
            j += 1;
        } else if i < f.len() && lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            out.push(l[j]);
            j += 1;
        }
    }
    out
}

/// The punctuation a layer word can give: ASCII, what an English OCR run reads well, but for
/// the rules and strokes it reads from underlines, table edges and specks.
fn is_layer_punct(c: char) -> bool {
    c.is_ascii_punctuation() && !matches!(c, '_' | '|' | '~' | '^' | '`')
}

/// Punctuation of the first reading that the layer may replace: ASCII, and the typographic
/// quotes and dashes Tesseract writes for them.
fn is_replaceable_punct(c: char) -> bool {
    c.is_ascii_punctuation() || matches!(c, '“' | '”' | '‘' | '’' | '–' | '—' | '…')
}

/// `word` split into its leading punctuation, its core (first to last letter or digit) and its
/// trailing punctuation; None when the word has no letter or digit.
fn split_edges(word: &str) -> Option<(&str, &str, &str)> {
    let start = word.find(char::is_alphanumeric)?;
    let last = word.rfind(char::is_alphanumeric)?;
    let end = last + word[last..].chars().next()?.len_utf8();
    Some((&word[..start], &word[start..end], &word[end..]))
}

/// Whether two skeletons ([`skeleton`]) are one word misread: at most a third of the longer
/// one's characters differ, or only vowels for vowels (an English run reads a marked vowel as
/// another: `bé` for `bộ`); and they have the same digits.
fn look_alike(a: &str, b: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let vowels_as_one = |s: &str| -> String {
        s.chars()
            .map(|c| if "aeiouy".contains(c) { '*' } else { c })
            .collect()
    };
    let (a_chars, b_chars): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    digits(a) == digits(b)
        && (crate::score::edit_distance(&a_chars, &b_chars) * 3 <= a_chars.len().max(b_chars.len())
            || vowels_as_one(a) == vowels_as_one(b))
}

/// The letters and digits of `s`, lowercase, marks and `đ` folded.
fn skeleton(s: &str) -> String {
    fold(&s.to_lowercase())
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The first reading's word `first`, read with Tesseract confidence `confidence` (0–100),
/// with the punctuation of the layer's word `layer` at the same place, when they agree on
/// letters and digits and the recogniser was not sure (see the [module](self) documentation);
/// None when nothing is to change.
///
/// ```
/// use sohoa::repair::symbols_from_layer;
/// assert_eq!(symbols_from_layer("biệt,", 80.0, "biet."), Some("biệt.".to_string()));
/// assert_eq!(symbols_from_layer("“mẹ", 80.0, "\"me"), Some("\"mẹ".to_string()));
/// assert_eq!(symbols_from_layer("4,6.", 80.0, "4.6."), Some("4.6.".to_string()));
/// assert_eq!(symbols_from_layer("biệt,", 97.0, "biet."), None); // vie was sure
/// assert_eq!(symbols_from_layer("tại", 92.0, "tai."), None); // added: not unsure enough
/// assert_eq!(symbols_from_layer("trực;", 60.0, "tru'c;"), None); // a mark, not punctuation
/// assert_eq!(symbols_from_layer("bộ,", 60.0, "b6."), None); // the letters disagree
/// assert_eq!(symbols_from_layer("2035", 80.0, "2025"), Some("2025".to_string()));
/// assert_eq!(symbols_from_layer("114/BG-ĐT", 80.0, "114/BC-DT"), Some("114/BC-ĐT".to_string()));
/// ```
pub fn symbols_from_layer(first: &str, confidence: f32, layer: &str) -> Option<String> {
    if confidence >= SURE_CONFIDENCE {
        return None;
    }
    if first.chars().any(is_foreign)
        && let Some(out) = foreign_from_layer(first, layer)
    {
        return Some(out);
    }
    if is_code_pair(first, layer) {
        return code_from_layer(first, confidence, layer);
    }
    if confidence < LOST_CONFIDENCE
        && let Some(number) = number_for_letters(first, layer)
    {
        return Some(number);
    }
    let Some((f_lead, f_core, f_trail)) = split_edges(first) else {
        return marks_for_marks(first, layer);
    };
    let (l_lead, l_core, l_trail) = split_edges(layer)?;
    if confidence < SURE_EDIT_CONFIDENCE
        && !brackets_pair_up(first)
        && !layer.chars().any(is_bracket)
        && skeleton(f_core) != skeleton(l_core)
    {
        // a lone bracket only `vie` saw, on a word it misread: a speck (`(õ` where the layer
        // reads `té`, of `tổ`)
        let out = format!(
            "{}{f_core}{}",
            f_lead.replace(is_bracket, ""),
            f_trail.replace(is_bracket, "")
        );
        return (out != first).then_some(out);
    }
    let edges_ok = |s: &str, ok: fn(char) -> bool| s.chars().all(ok);
    let edges_are_punct = edges_ok(l_lead, is_layer_punct)
        && edges_ok(l_trail, is_layer_punct)
        && edges_ok(f_lead, is_replaceable_punct)
        && edges_ok(f_trail, is_replaceable_punct);
    if !edges_are_punct {
        return None;
    }
    // the letters and digits must be the same (the layer's may lack marks; for a mark
    // swapped for a mark, most of them, as an English layer misreads marked letters); a
    // layer core with anything else among its letters is a mark read as punctuation
    let count = |s: &str| s.chars().count();
    let swapped = count(f_lead) == count(l_lead) && count(f_trail) == count(l_trail);
    let (f_skeleton, l_skeleton) = (skeleton(f_core), skeleton(l_core));
    let same_word = f_skeleton == l_skeleton || (swapped && look_alike(&f_skeleton, &l_skeleton));
    if !same_word {
        return None;
    }
    let numeric = |c: &str| !c.chars().any(char::is_alphabetic);
    let core = if numeric(f_core) && numeric(l_core) && l_core.is_ascii() {
        l_core
    } else if l_core.chars().all(char::is_alphanumeric) {
        f_core
    } else {
        return None;
    };
    // the same letters in another case: `vie` misreads the case of letters shaped alike in
    // both (`Xây`, `Ổn`, `Sát` inside a sentence), an English run reads them as it does Latin
    let cased;
    let core = if f_skeleton == l_skeleton {
        cased = with_case_of(core, l_core);
        cased.as_str()
    } else {
        core
    };
    // a bracket added or dropped is taken only where it pairs the word's brackets up
    let pairs_up = brackets_pair_up(layer) && !brackets_pair_up(first);
    let brackets = [f_lead, f_trail, l_lead, l_trail]
        .iter()
        .any(|e| e.chars().any(is_bracket));
    let brackets = brackets && !pairs_up;
    if !swapped && (confidence >= SURE_EDIT_CONFIDENCE || brackets) {
        let out = format!("{f_lead}{core}{f_trail}");
        return (out != first).then_some(out);
    }
    let out = format!("{l_lead}{core}{l_trail}");
    (out != first).then_some(out)
}

/// The Roman number of a section heading (`II.` before `NHIỆM VỤ, GIẢI PHÁP`) where `vie`
/// read strokes (`t.`, `1`, `HI.`) and the layer a Roman number (`II.`, `Ill.`: an English run
/// reads `I` as `l` or `1` too). `next` is the word after it on the line, which must be a
/// heading's capitals. Only for a word of strokes alone that `vie` was unsure of.
///
/// ```
/// use sohoa::repair::roman_heading;
/// assert_eq!(roman_heading("HI.", 78.0, "Ill.", "VỀ"), Some("III.".to_string()));
/// assert_eq!(roman_heading("t.", 0.0, "II.", "NHIỆM"), Some("II.".to_string()));
/// assert_eq!(roman_heading("1.", 60.0, "I.", "Cửa"), None); // an item, not a heading
/// assert_eq!(roman_heading("Về", 60.0, "Ve", "VIỆC"), None);
/// ```
pub fn roman_heading(first: &str, confidence: f32, layer: &str, next: &str) -> Option<String> {
    const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
    let number: String = layer
        .strip_suffix('.')?
        .chars()
        .map(|c| {
            if matches!(c, 'l' | '1' | '|' | '!') {
                'I'
            } else {
                c
            }
        })
        .collect();
    let strokes = first.trim_end_matches('.');
    let heading = next.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && next.chars().all(|c| !c.is_lowercase());
    // what `vie` makes of upright strokes: `I`, `l`, `1`, `H` (two), `t`, `í`
    let misread = !strokes.is_empty()
        && strokes.chars().count() <= 4
        && strokes.chars().all(|c| "IlH1t|!iíìỉ".contains(c));
    (confidence < SURE_CONFIDENCE && heading && misread && ROMAN.contains(&number.as_str()))
        .then(|| format!("{number}."))
        .filter(|out| out != first)
}

/// Widest space between two pieces of one word split by `vie`, in the pieces' height. A
/// space between words is about a third of it, so two words may pass this too: they are
/// joined only where the layer read them as one word and [`join_split_word`]'s letters agree.
const SPLIT_GAP_HEIGHTS: f32 = 0.35;

/// Runs of two or more consecutive first-reading words of one line, none paired, whose box
/// centres all lie in one layer word's box, each piece a narrow space from the next: a word
/// `vie` split (`v iệc`, `38: 2019/QH14`) that the layer read whole. Given as the range of
/// the words and the layer word's index.
fn split_pieces(
    words: &[(u32, &str, [u32; 4], f32)],
    pairs: &[Option<usize>],
    layer_boxes: &[[u32; 4]],
) -> Vec<(std::ops::Range<usize>, usize)> {
    let holder = |i: usize| {
        let mut holders =
            (0..layer_boxes.len()).filter(|&j| centre_inside(words[i].2, layer_boxes[j]));
        match (holders.next(), holders.next()) {
            (Some(j), None) if pairs[i].is_none() => Some(j),
            _ => None,
        }
    };
    let narrow = |a: [u32; 4], b: [u32; 4]| {
        let gap = b[0].saturating_sub(a[0] + a[2]) as f32;
        gap <= SPLIT_GAP_HEIGHTS * a[3].max(b[3]) as f32
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let Some(j) = holder(i) else {
            i += 1;
            continue;
        };
        let mut end = i + 1;
        while end < words.len()
            && words[end].0 == words[i].0
            && holder(end) == Some(j)
            && narrow(words[end - 1].2, words[end].2)
        {
            end += 1;
        }
        if end - i >= 2 {
            runs.push((i..end, j));
        }
        i = end;
    }
    runs
}

/// The word `vie` split into `pieces` (least confidence `confidence`), joined as the layer's
/// one word `layer` shows it: a number or code as the layer reads it (`vie`'s `Đ` kept), a
/// word whose letters the layer confirms as `vie`'s pieces run together, with the layer's
/// punctuation where [`symbols_from_layer`] allows it. None where `vie` was sure of a piece
/// or the layer's word is another.
///
/// ```
/// use sohoa::repair::join_split_word;
/// assert_eq!(join_split_word(&["v", "iệc"], 70.0, "viec"), Some("việc".to_string()));
/// assert_eq!(join_split_word(&["38:", "2019/QH14"], 60.0, "38/2019/QH14"), Some("38/2019/QH14".to_string()));
/// assert_eq!(join_split_word(&["€", "hương"], 50.0, "Chuong"), Some("Chương".to_string()));
/// assert_eq!(join_split_word(&["v", "iệc"], 70.0, "vice"), None); // other letters
/// assert_eq!(join_split_word(&["v", "iệc"], 93.0, "viec"), None); // vie was sure
/// assert_eq!(join_split_word(&["cơ", "quan,"], 70.0, "coquan,"), None); // two syllables
/// assert_eq!(join_split_word(&["số", "02/2025"], 70.0, "s6:02/2025"), None); // a word and a code
/// ```
pub fn join_split_word(pieces: &[&str], confidence: f32, layer: &str) -> Option<String> {
    if confidence >= SURE_EDIT_CONFIDENCE || pieces.len() < 2 {
        return None;
    }
    let joined: String = pieces.concat();
    // a piece of no Vietnamese letter takes the layer's at its place (`€` `hương`: `Chương`)
    let joined = match joined.chars().any(is_foreign) {
        true => foreign_from_layer(&joined, layer).unwrap_or(joined),
        false => joined,
    };
    // a code's pieces are each code-like: a word beside a code (`số` `02/2025`) stays a word
    let code_like =
        |p: &str| p.chars().any(|c| c.is_ascii_digit()) || !p.chars().any(char::is_lowercase);
    if pieces.iter().all(|p| code_like(p)) && is_code_pair(&joined, layer) {
        return Some(keep_d(&joined, layer));
    }
    // one syllable, which the pieces were not all (`cơ` `quan` read by the layer as `coquan`)
    let syllable = |w: &str| split_edges(w).is_some_and(|(_, core, _)| is_syllable(core));
    if skeleton(&joined) != skeleton(layer)
        || !syllable(&joined)
        || pieces.iter().all(|p| syllable(p))
    {
        return None;
    }
    Some(symbols_from_layer(&joined, confidence, layer).unwrap_or(joined))
}

/// `text` (the first reading, one line of words per non-blank line, as Tesseract writes them)
/// with each word given the layer's punctuation where [`symbols_from_layer`] allows it.
/// `words` are the first reading's (word line, text, box, confidence); `layer` the layer's
/// (text, box) in
/// the same pixels. Words are matched by box ([`pair_by_boxes`]); a line whose words do not
/// match its words in `words` is left as it is. Returns the new text and how many words
/// changed.
pub fn take_layer_symbols<'a>(
    text: &str,
    words: impl IntoIterator<Item = (u32, &'a str, [u32; 4], f32)>,
    layer: &[(&str, [u32; 4])],
) -> (String, usize) {
    let words: Vec<(u32, &str, [u32; 4], f32)> = words.into_iter().collect();
    let boxes: Vec<[u32; 4]> = words.iter().map(|w| w.2).collect();
    let layer_boxes: Vec<[u32; 4]> = layer.iter().map(|w| w.1).collect();
    let pairs = pair_by_boxes(&boxes, &layer_boxes);
    let mut by_line: Vec<Vec<(&str, Option<String>)>> = Vec::new();
    // each word's place in its line of `by_line`
    let mut position_in_line = Vec::with_capacity(words.len());
    for (i, ((line, word, _, confidence), pair)) in words.iter().zip(&pairs).enumerate() {
        let line = *line as usize;
        if by_line.len() <= line {
            by_line.resize_with(line + 1, Vec::new);
        }
        // a section's number is a line's first word, with the heading after it on the line
        let heading = words
            .get(i + 1)
            .filter(|next| next.0 as usize == line && by_line[line].is_empty())
            .map(|next| next.1);
        let new = pair.and_then(|j| {
            heading
                .and_then(|next| roman_heading(word, *confidence, layer[j].0, next))
                .or_else(|| symbols_from_layer(word, *confidence, layer[j].0))
        });
        position_in_line.push(by_line[line].len());
        by_line[line].push((word, new));
    }
    // words `vie` split that the layer read whole: the first piece becomes the word, the
    // others are dropped (an empty replacement)
    for (range, j) in split_pieces(&words, &pairs, &layer_boxes) {
        let pieces: Vec<&str> = words[range.clone()].iter().map(|w| w.1).collect();
        let confidence = words[range.clone()]
            .iter()
            .map(|w| w.3)
            .fold(f32::INFINITY, f32::min);
        let Some(joined) = join_split_word(&pieces, confidence, layer[j].0) else {
            continue;
        };
        let line = &mut by_line[words[range.start].0 as usize];
        for (k, i) in range.enumerate() {
            line[position_in_line[i]].1 = Some(if k == 0 {
                joined.clone()
            } else {
                String::new()
            });
        }
    }
    let mut changed = 0;
    let mut word_line = 0;
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            if line.trim().is_empty() {
                return line.to_string();
            }
            let ours = by_line.get(word_line);
            word_line += 1;
            let Some(ours) = ours else {
                return line.to_string();
            };
            let read: Vec<&str> = line.split_whitespace().collect();
            if read.len() != ours.len() || read.iter().zip(ours).any(|(r, (w, _))| r != w) {
                return line.to_string();
            }
            changed += ours.iter().filter(|(_, n)| n.is_some()).count();
            ours.iter()
                .map(|(w, n)| n.as_deref().unwrap_or(w))
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    (lines.join("\n"), changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layer_gives_punctuation_only_where_the_letters_agree() {
        let from = |first, layer| symbols_from_layer(first, 70.0, layer);
        assert_eq!(from("yên”,", "yén\","), Some("yên\",".to_string()));
        assert_eq!(from("“Trung", "Trung"), Some("Trung".to_string()));
        assert_eq!(from("1,", "1."), Some("1.".to_string()));
        // the same punctuation: nothing to change
        assert_eq!(from("số", "so"), None);
        // a number's digits come from the layer, its length only where vie was unsure
        assert_eq!(from("2.", "3."), Some("3.".to_string()));
        assert_eq!(from("H", "11"), Some("11".to_string()));
        assert_eq!(symbols_from_layer("H", 92.0, "11"), None);
        assert_eq!(from("Đ1", "D17"), Some("Đ17".to_string()));
        // vie's doubled look-alike `ĐÐ`: the layer's length, vie's `Đ`
        assert_eq!(
            from("96/CĐÐ-BXD", "96/CD-BXD"),
            Some("96/CĐ-BXD".to_string())
        );
        assert_eq!(keep_d("Đ-ĐT", "D-DT"), "Đ-ĐT");
        // a Vietnamese word read as digits by the layer is no number
        assert_eq!(from("lớn", "1én"), None);
        assert_eq!(from("ngay", "n8ay"), None);
        // letters and symbols of no Vietnamese word are vie's misreadings
        assert_eq!(from("cÿ", "c)"), Some("c)".to_string()));
        assert_eq!(from("€", "c"), Some("c".to_string()));
        assert_eq!(from("ø1a;", "gia;"), Some("gia;".to_string()));
        assert_eq!(from("€", "cc"), None);
        // a code vie misread with a marked capital
        assert_eq!(
            from("183-KÍ,/TW", "183-KL/TW"),
            Some("183-KL/TW".to_string())
        );
        // a swapped mark where the layer misread a marked letter too
        assert_eq!(from("hướng,", "hudng."), Some("hướng.".to_string()));
        assert_eq!(from("hướng", "hudng."), None);
        // a bracket added by the layer is not taken, but where it closes the word's own
        assert_eq!(from("protected])./.", "protected)])./."), None);
        assert_eq!(from("(GTGT\"", "(GTGT)."), Some("(GTGT).".to_string()));
        assert_eq!(from("(GTGT).", "(GTGT"), None);
        // a digit the layer reads among vie's letters is the letter it looks like
        assert_eq!(from("‡ời", "1di"), Some("lời".to_string()));
        assert_eq!(from("‡ời", "7di"), None);
        // a word without letters or digits takes the layer's ASCII marks, as many
        assert_eq!(from("-", "—"), None);
        assert_eq!(from("~", "-"), Some("-".to_string()));
        assert_eq!(from("~", "--"), None);
        assert_eq!(symbols_from_layer("~", 96.0, "-"), None);
        // a number the layer reads where vie hardly saw letters
        assert_eq!(symbols_from_layer("Lũ", 34.0, "18"), Some("18".to_string()));
        assert_eq!(symbols_from_layer("Lũ", 70.0, "18"), None);
        assert_eq!(symbols_from_layer("lỗ", 34.0, "16a"), None);
        // an English run's reading of vie's letters is no number
        assert_eq!(symbols_from_layer("lò", 34.0, "16"), None);
        assert_eq!(symbols_from_layer("ô", 34.0, "6"), None);
        assert_eq!(symbols_from_layer("t.", 34.0, "1."), Some("1.".to_string()));
        // punctuation where the layer misread a marked vowel as another
        assert_eq!(from("bộ.", "bé,"), Some("bộ,".to_string()));
        assert_eq!(from("bộ.", "ba,"), Some("bộ,".to_string()));
        assert_eq!(from("bộ.", "bat,"), None);
        // the case of the same letters from the layer
        assert_eq!(from("Xây", "xay"), Some("xây".to_string()));
        assert_eq!(from("khoa,", "Khoa,"), Some("Khoa,".to_string()));
        assert_eq!(from("sỐ,", "so,"), Some("số,".to_string()));
        assert_eq!(symbols_from_layer("Xây", 96.0, "xay"), None);
        assert_eq!(from("Bộ", "B6"), None);
        // a lone bracket only vie saw, on a word it misread
        assert_eq!(from("(õ", "té"), Some("õ".to_string()));
        assert_eq!(from("(Kèm", "(Kem"), None);
        // rules and specks are not punctuation
        assert_eq!(from("chính", "_chinh"), None);
        // a swapped mark needs less doubt than an added one
        assert_eq!(symbols_from_layer("1,", 93.0, "1."), Some("1.".to_string()));
        assert_eq!(symbols_from_layer("HIỆN", 93.0, "HIEN."), None);
        assert_eq!(
            symbols_from_layer("HIỆN.", 87.0, "HIEN"),
            Some("HIỆN".to_string())
        );
    }

    #[test]
    fn lines_are_rewritten_word_by_word() {
        let text = "Ngày 24/11/2025, tại\n\nbiệt, khó 1,";
        let words = [
            (0, "Ngày", [0, 0, 40, 20], 96.0),
            (0, "24/11/2025,", [50, 0, 100, 20], 90.0),
            (0, "tại", [160, 0, 30, 20], 96.0),
            (1, "biệt,", [0, 50, 40, 20], 85.0),
            (1, "khó", [50, 50, 30, 20], 80.0),
            (1, "1,", [90, 50, 10, 20], 60.0),
        ];
        let layer = [
            ("Ngay", [1, 1, 39, 19]),
            ("24/11/2025,", [50, 0, 100, 20]),
            ("biet.", [0, 51, 41, 20]),
            ("khé", [50, 50, 30, 20]),
            ("1.", [90, 50, 11, 20]),
        ];
        let (out, changed) = take_layer_symbols(text, words, &layer);
        assert_eq!(out, "Ngày 24/11/2025, tại\n\nbiệt. khó 1.");
        assert_eq!(changed, 2);
        // a line that is not its words is left alone
        let (out, changed) = take_layer_symbols("other words\n", words, &layer);
        assert_eq!((out.as_str(), changed), ("other words\n", 0));
    }

    #[test]
    fn a_word_vie_split_and_the_layer_read_whole_is_joined() {
        let text = "về v iệc số 38: 2019/QH14 cơ quan";
        let words = [
            (0, "về", [0, 0, 32, 26], 93.0),
            (0, "v", [42, 7, 16, 17], 80.0),
            (0, "iệc", [62, 0, 36, 30], 70.0),
            (0, "số", [110, 0, 30, 26], 97.0),
            (0, "38:", [150, 2, 41, 23], 69.0),
            (0, "2019/QH14", [196, 0, 167, 30], 60.0),
            (0, "cơ", [375, 0, 30, 26], 70.0),
            (0, "quan", [408, 0, 50, 26], 70.0),
        ];
        let layer = [
            ("ve", [0, 0, 32, 26]),
            ("viec", [42, 0, 56, 30]),
            ("s6", [110, 0, 30, 26]),
            ("38/2019/QH14", [150, 0, 213, 30]),
            ("coquan", [375, 0, 83, 26]),
        ];
        let (out, changed) = take_layer_symbols(text, words, &layer);
        // two syllables the layer ran together stay apart
        assert_eq!(out, "về việc số 38/2019/QH14 cơ quan");
        assert_eq!(changed, 4);
        // pieces a word space apart are two words
        let mut apart = words;
        apart[2].2[0] = 70;
        let (out, _) = take_layer_symbols(text, apart, &layer);
        assert!(out.starts_with("về v iệc"), "{out}");
    }
}
