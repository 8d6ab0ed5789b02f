//! Punctuation in a scanned cell's words that print never has, mended by the rules of
//! Vietnamese typography (whichever reading of the cell the words come from; the marks'
//! sizes on the image are judged before, in [`crate::ocr::marks`]):
//! - a dot or underscore glued before a word (`.Phòng`, `.66.7/2025/NQ-CP`, `_26.166`): a
//!   speck, dropped; a tilde glued before one (`~420`) is the dash misread;
//! - a quote mark or bracket glued before a word that nothing after it in the cell closes
//!   (`'Sở`, `“Thành phố`, `[Giờ`, `{1.004591`): a speck, dropped;
//! - a colon or semicolon glued between two lower-case letters (`kinh:doanh`): a speck
//!   where the space was (a printed colon is always followed by a space);
//! - in a number, a colon or semicolon before groups of three digits (`1:800`, `1:004639`):
//!   the thousands dot misread. Times (`8:30`) have two digits after the colon; a scale
//!   (`tỷ lệ 1:500`) is told apart by the word before it.
//!
//! ```
//! use sohoa::extract::tables::cell_marks::mend_tokens;
//! let mut tokens: Vec<String> = ["'Sở", "kinh:doanh", "1:800", "8:30"].map(String::from).to_vec();
//! mend_tokens(&mut tokens);
//! assert_eq!(tokens.join(" "), "Sở kinh doanh 1.800 8:30");
//! ```

/// Marks that open a quotation or bracket, each with the marks that may close it.
const OPENERS: &[(char, &[char])] = &[
    ('“', &['”', '"']),
    ('"', &['"', '”']),
    ('\'', &['\'', '’']),
    ('‘', &['’', '\'']),
    ('„', &['“', '”', '"']),
    ('`', &['\'', '’', '`']),
    ('¡', &['!']),
    ('[', &[']']),
    ('{', &['}']),
];

/// The cell's tokens (words as split on white space) with the rules of the module applied.
pub fn mend_tokens(tokens: &mut Vec<String>) {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for i in 0..tokens.len() {
        let token = without_leading_dots(&tokens[i]);
        let token = without_unclosed_opening(&token, &tokens[i + 1..]);
        let previous = out.last().map(String::as_str);
        let token = thousands_dot(token, previous);
        out.extend(split_at_glued_colon(&token));
    }
    *tokens = out;
}

/// `.Phòng` → `Phòng`, `_26.166` → `26.166`: dots or underscores before a letter or digit
/// (a leader `...` stays); `~420` → `-420`.
fn without_leading_dots(token: &str) -> String {
    let rest = token.trim_start_matches(['.', '_']);
    if rest.len() < token.len() && rest.starts_with(char::is_alphanumeric) {
        return rest.to_string();
    }
    match token.strip_prefix('~') {
        Some(rest) if rest.starts_with(char::is_alphanumeric) => format!("-{rest}"),
        _ => token.to_string(),
    }
}

/// A token without the opening marks glued before its first letter or digit when neither
/// the token nor any later token of the cell closes them.
fn without_unclosed_opening<'a>(token: &'a str, after: &[String]) -> &'a str {
    let mut rest = token;
    while let Some(first) = rest.chars().next() {
        let Some((_, closers)) = OPENERS.iter().find(|(o, _)| *o == first) else {
            break;
        };
        let after_mark = &rest[first.len_utf8()..];
        let closed = after_mark.contains(*closers) || after.iter().any(|t| t.contains(*closers));
        if closed {
            break;
        }
        rest = after_mark;
    }
    if rest.starts_with(char::is_alphanumeric) {
        rest
    } else {
        token
    }
}

/// `1:800` → `1.800`, `1:004639` → `1.004639`: one to three digits, a colon or semicolon,
/// then whole groups of three digits (a trailing mark kept), unless the word before is
/// `lệ` (`tỷ lệ 1:500`, a scale).
fn thousands_dot(token: &str, previous: Option<&str>) -> String {
    let body = token.trim_end_matches(['.', ',', ';', ':']);
    let Some(k) = body.find([':', ';']) else {
        return token.to_string();
    };
    let (head, tail) = (&body[..k], &body[k + 1..]);
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let scale = previous.is_some_and(|p| p.to_lowercase().ends_with("lệ"));
    if digits(head) && head.len() <= 3 && digits(tail) && tail.len() % 3 == 0 && !scale {
        format!("{head}.{}", &token[k + 1..])
    } else {
        token.to_string()
    }
}

/// `kinh:doanh` → `kinh`, `doanh`: a colon or semicolon between two lower-case letters.
fn split_at_glued_colon(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut parts = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let glued = matches!(c, ':' | ';')
            && i > 0
            && chars[i - 1].is_lowercase()
            && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        if glued {
            parts.push(String::new());
        } else if let Some(part) = parts.last_mut() {
            part.push(c);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mended(text: &str) -> String {
        let mut tokens: Vec<String> = text.split_whitespace().map(String::from).collect();
        mend_tokens(&mut tokens);
        tokens.join(" ")
    }

    #[test]
    fn specks_glued_before_a_word_are_dropped_and_printed_marks_kept() {
        assert_eq!(mended(".Phòng Hành chính"), "Phòng Hành chính");
        assert_eq!(
            mended("Nghị quyết số .66.7/2025/NQ-CP"),
            "Nghị quyết số 66.7/2025/NQ-CP"
        );
        assert_eq!(
            mended("Cán bộ TN&TKQ 'Sở Dân tộc"),
            "Cán bộ TN&TKQ Sở Dân tộc"
        );
        assert_eq!(mended("trình UBND “Thành phố"), "trình UBND Thành phố");
        assert_eq!(mended("[Giờ hành chính"), "Giờ hành chính");
        assert_eq!(mended("{1.004591"), "1.004591");
        assert_eq!(mended("_26.166 ~420"), "26.166 -420");
        // closed quotes and brackets are printed
        assert_eq!(mended("“Thông báo” kết quả"), "“Thông báo” kết quả");
        assert_eq!(mended("(4)=[(3):(1)]x100"), "(4)=[(3):(1)]x100");
        assert_eq!(mended("ngày 04/12/2025 [2 ] a"), "ngày 04/12/2025 [2 ] a");
        assert_eq!(mended("'90 và 'Sở'"), "'90 và 'Sở'");
        // a leader stays
        assert_eq!(mended("năm ....."), "năm .....");
    }

    #[test]
    fn a_colon_glued_between_letters_is_a_space() {
        assert_eq!(mended("kinh:doanh dịch:vụ"), "kinh doanh dịch vụ");
        assert_eq!(mended("(ĐVT: Việt Nam đồng)"), "(ĐVT: Việt Nam đồng)");
        assert_eq!(mended("ĐVT:VNĐ"), "ĐVT:VNĐ");
    }

    #[test]
    fn a_colon_before_groups_of_three_digits_is_the_thousands_dot() {
        assert_eq!(mended("1:800"), "1.800");
        assert_eq!(mended("1:004639"), "1.004639");
        assert_eq!(mended("12;500,"), "12.500,");
        // times, ratios and scales stay
        assert_eq!(mended("8:30"), "8:30");
        assert_eq!(mended("14:00"), "14:00");
        assert_eq!(mended("tỷ lệ 1:500"), "tỷ lệ 1:500");
        assert_eq!(mended("(3):(1)"), "(3):(1)");
        assert_eq!(mended("1:2"), "1:2");
    }
}
