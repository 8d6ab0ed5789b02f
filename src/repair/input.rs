//! The text the repair reads: bytes decoded as UTF-8 (with a warning for the lines that were
//! not), and lines cut into pieces short enough to decode at once.

/// Decodes bytes as UTF-8, replacing invalid sequences, with one warning naming the lines.
///
/// ```
/// let (text, warnings) = sohoa::repair::decode_input(b"ok\nbad \xff here\n");
/// assert_eq!(text, "ok\nbad \u{fffd} here\n");
/// assert!(warnings[0].contains("line 2"));
/// ```
pub fn decode_input(bytes: &[u8]) -> (String, Vec<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Vec::new()),
        Err(_) => {
            let mut bad = Vec::new();
            let mut out = String::with_capacity(bytes.len());
            for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                let s = String::from_utf8_lossy(line);
                if matches!(s, std::borrow::Cow::Owned(_)) {
                    bad.push(i + 1);
                }
                out.push_str(&s);
            }
            (out, vec![invalid_utf8_warning(&bad)])
        }
    }
}

/// The warning for input lines (numbered from 1) whose invalid UTF-8 was replaced; the first
/// twenty are named.
///
/// ```
/// let w = sohoa::repair::invalid_utf8_warning(&[2, 5]);
/// assert_eq!(w, "invalid UTF-8 replaced by U+FFFD on line 2, 5");
/// ```
pub fn invalid_utf8_warning(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(20).map(|n| n.to_string()).collect();
    let more = if lines.len() > 20 {
        format!(" and {} more", lines.len() - 20)
    } else {
        String::new()
    };
    format!(
        "invalid UTF-8 replaced by U+FFFD on line {}{more}",
        shown.join(", ")
    )
}

/// The longest piece of a line decoded at once, in bytes (about 3,000 words).
const MAX_PIECE: usize = 16 * 1024;

/// The lines of `text` with their index, each cut into pieces of at most [`MAX_PIECE`] bytes
/// after white space (or, in a run without any, at a character boundary); the flag is set on
/// the pieces that go on with a line.
pub(super) fn line_pieces(text: &str) -> impl Iterator<Item = (usize, &str, bool)> {
    text.split('\n').enumerate().flat_map(|(i, line)| {
        let mut rest = line;
        let mut goes_on = false;
        std::iter::from_fn(move || {
            if rest.is_empty() && goes_on {
                return None;
            }
            let mut cut = rest.len();
            if cut > MAX_PIECE {
                cut = MAX_PIECE;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                if let Some((at, c)) = rest[..cut]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                {
                    cut = at + c.len_utf8();
                }
            }
            let (piece, tail) = rest.split_at(cut);
            rest = tail;
            let item = (i, piece, goes_on);
            goes_on = true;
            Some(item)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_into_pieces_after_white_space() {
        let long = "từ ".repeat(MAX_PIECE / 2);
        let text = format!("a\n\n{long}x\nb");
        let pieces: Vec<(usize, &str, bool)> = line_pieces(&text).collect();
        assert_eq!(pieces[0], (0, "a", false));
        assert_eq!(pieces[1], (1, "", false));
        assert!(pieces[2..pieces.len() - 1].iter().all(|p| p.0 == 2
            && p.1.len() <= MAX_PIECE
            && (p.2 || p.1.ends_with(' ') || p.1.ends_with('x'))));
        assert!(pieces[3].2 && !pieces[2].2);
        assert_eq!(pieces.last(), Some(&(3, "b", false)));
        let line2: String = pieces.iter().filter(|p| p.0 == 2).map(|p| p.1).collect();
        assert_eq!(line2, format!("{long}x"));
        // no white space at all: cut at a character boundary
        let solid = "đ".repeat(MAX_PIECE);
        assert!(line_pieces(&solid).all(|p| p.1.len() <= MAX_PIECE && !p.1.is_empty()));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_its_lines_named() {
        let (text, warnings) = decode_input(b"ok\n\xff\nok");
        assert_eq!(text, "ok\n\u{fffd}\nok");
        assert_eq!(warnings, [invalid_utf8_warning(&[2])]);
        let many: Vec<usize> = (1..=25).collect();
        assert!(invalid_utf8_warning(&many).ends_with("20 and 5 more"));
    }
}
