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
            let folded = crate::viet::fold(&token.text);
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
