//! Tokenizers for Vietnamese text: exact (lowercased, diacritics kept) and folded.
//!
//! Both split on anything that is not a letter or digit (tantivy's `SimpleTokenizer`; a
//! Vietnamese syllable in NFC is one run of letters), drop absurdly long tokens and lowercase.
//! The folded one then removes diacritics with [`VietFold`], a tantivy [`TokenFilter`] built on
//! [`crate::viet::fold`].
//!
//! ```
//! use sohoa::search::tokenize::{folded_analyzer, tokens};
//! let mut folded = folded_analyzer();
//! assert_eq!(tokens(&mut folded, "Bình dân học vụ số, Đảng"), ["binh", "dan", "hoc", "vu", "so", "dang"]);
//! ```

use std::mem;
use std::sync::LazyLock;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer, TokenizerManager,
};

/// Name of the exact analyzer in the index's tokenizer manager.
pub const EXACT: &str = "sohoa_exact";
/// Name of the folded analyzer in the index's tokenizer manager.
pub const FOLDED: &str = "sohoa_folded";

/// Longest token indexed, in bytes; longer ones are dropped (they are OCR garbage).
const MAX_TOKEN_BYTES: usize = 60;

/// A token filter that removes Vietnamese diacritics and maps `đ`→`d` (see
/// [`crate::viet::fold`]). ASCII tokens pass through without allocating.
///
/// ```
/// use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};
/// use sohoa::search::tokenize::{tokens, VietFold};
/// let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
///     .filter(LowerCaser)
///     .filter(VietFold)
///     .build();
/// assert_eq!(tokens(&mut analyzer, "Tỉnh ủy"), ["tinh", "uy"]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct VietFold;

impl TokenFilter for VietFold {
    type Tokenizer<T: Tokenizer> = VietFoldWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> VietFoldWrapper<T> {
        VietFoldWrapper { tokenizer }
    }
}

/// The tokenizer [`VietFold`] wraps around another one.
#[derive(Clone, Debug)]
pub struct VietFoldWrapper<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for VietFoldWrapper<T> {
    type TokenStream<'a> = VietFoldStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        VietFoldStream {
            tail: self.tokenizer.token_stream(text),
        }
    }
}

/// The token stream of [`VietFoldWrapper`].
#[derive(Debug)]
pub struct VietFoldStream<S> {
    tail: S,
}

impl<S: TokenStream> TokenStream for VietFoldStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !token.text.is_ascii() {
            let folded = fold(&token.text);
            let _ = mem::replace(&mut token.text, folded);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// First code point of each block of letters folded by table: Latin-1 Supplement and Latin
/// Extended-A/B (U+00C0–U+024F), Latin Extended Additional (U+1E00–U+1EFF, the Vietnamese
/// letters with two diacritics).
const BLOCKS: [(u32, u32); 2] = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)];

/// `viet::fold` of each letter of [`BLOCKS`], or `'\0'` where the fold of the letter alone is
/// not one plain character (then the token is folded by `viet::fold` itself).
static TABLE: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut table = Vec::new();
    for (first, last) in BLOCKS {
        for code in first..=last {
            let folded = char::from_u32(code)
                .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                .map(|c| crate::viet::fold(c.encode_utf8(&mut [0; 4])))
                .and_then(|f| {
                    let mut chars = f.chars();
                    match (chars.next(), chars.next()) {
                        (Some(one), None)
                            if unicode_normalization::char::canonical_combining_class(one) == 0 =>
                        {
                            Some(one)
                        }
                        _ => None,
                    }
                });
            table.push(folded.unwrap_or('\0'));
        }
    }
    table
});

/// The table entry of `c`, if it has one.
fn table_fold(c: char) -> Option<char> {
    let code = c as u32;
    let mut offset = 0;
    for (first, last) in BLOCKS {
        if (first..=last).contains(&code) {
            return TABLE
                .get((offset + code - first) as usize)
                .copied()
                .filter(|&f| f != '\0');
        }
        offset += last - first + 1;
    }
    None
}

/// [`crate::viet::fold`] of a token, by table for ASCII and the Latin letter blocks (every
/// Vietnamese letter in NFC), and by `viet::fold` itself for anything else. The result is
/// the same; the table only saves the decomposition and recomposition, which dominate the
/// cost of tokenizing a text for snippets.
///
/// ```
/// use sohoa::search::tokenize::fold;
/// assert_eq!(fold("Nguyễn Đức Thịnh"), sohoa::viet::fold("Nguyễn Đức Thịnh"));
/// assert_eq!(fold("Nguyễn"), "Nguyen");
/// assert_eq!(fold("Tỉnh ủy"), "Tinh uy");
/// ```
pub fn fold(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(f) = table_fold(c) {
            out.push(f);
        } else {
            return crate::viet::fold(token);
        }
    }
    out
}

/// The exact analyzer: split, drop long tokens, lowercase (diacritics kept).
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// The folded analyzer: as [`exact_analyzer`], then [`VietFold`].
pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(VietFold)
        .build()
}

/// Registers [`EXACT`] and [`FOLDED`] in an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    manager.register(EXACT, exact_analyzer());
    manager.register(FOLDED, folded_analyzer());
}

/// The token texts an analyzer makes of `text` (a helper for tests and query building).
///
/// ```
/// use sohoa::search::tokenize::{exact_analyzer, tokens};
/// assert_eq!(tokens(&mut exact_analyzer(), "Số 265-KH/TU"), ["số", "265", "kh", "tu"]);
/// ```
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Lowercased, folded form of a short value, for keyword filters (`Báo cáo` → `bao cao`).
///
/// ```
/// assert_eq!(sohoa::search::tokenize::key("  Báo   cáo "), "bao cao");
/// assert_eq!(sohoa::search::tokenize::key("QĐ"), "qd");
/// ```
pub fn key(value: &str) -> String {
    crate::viet::fold(value)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character the table folds, and ASCII, alone and in every pair.
    #[test]
    fn table_fold_is_viet_fold() {
        let mut chars: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
        for (first, last) in BLOCKS {
            chars.extend((first..=last).filter_map(char::from_u32));
        }
        let mut pair = String::new();
        for &a in &chars {
            assert_eq!(
                fold(a.encode_utf8(&mut [0; 4])),
                crate::viet::fold(&a.to_string())
            );
            for &b in &chars {
                pair.clear();
                pair.push(a);
                pair.push(b);
                assert_eq!(fold(&pair), crate::viet::fold(&pair), "{pair:?}");
            }
        }
    }

    #[test]
    fn table_fold_of_every_syllable_and_odd_input() {
        for s in crate::viet::Syllable::all() {
            for text in [s.to_string(), s.to_string().to_uppercase()] {
                assert_eq!(fold(&text), crate::viet::fold(&text), "{text}");
            }
        }
        // NFD input, combining marks outside the table, other scripts: viet::fold decides.
        for text in [
            "Tie\u{0302}\u{0301}ng",
            "x\u{20d7}",
            "漢字",
            "ǅ",
            "ﬁ",
            "Å",
            "Ω",
        ] {
            assert_eq!(fold(text), crate::viet::fold(text), "{text}");
        }
    }
}
