//! The OCR-confusion channel: P(OCR string | true character), learned from aligned
//! (OCR, truth) line pairs by `sohoa lm confusions`.
//!
//! Each true character (lower case, NFC, e.g. `ố`) is aligned to zero, one or two OCR characters
//! (`ố`→`6`, `ủ`→`ti`, `đ`→`dp`, `ộ`→``); OCR characters aligned to nothing are insertions. The
//! alignment is an edit-distance alignment, first with a prior cost (a character costs less
//! against its own unaccented letter), then re-done with the learned costs (one hard-EM step).
//! Unseen pairs back off to the statistics of the true character's base letter (`ố` → `o`).

use super::Error;
use rustc_hash::FxHashMap;
use std::path::Path;

/// The file name of the table in the model directory.
pub const CONFUSION_FILE: &str = "confusions.tsv";

/// The key of an insertion (an OCR character not aligned to any true character).
pub const INSERT: char = '\u{2205}';

/// Learned counts, turned into costs (−ln P) on load.
#[derive(Debug, Default, Clone)]
pub struct Table {
    /// (true char, OCR string) → count.
    pub counts: FxHashMap<(char, String), f64>,
    /// Characters aligned while learning.
    pub aligned_chars: usize,
}

/// The base letter of a character: `ố` → `o`, `đ` → `d`.
pub fn base(c: char) -> char {
    match c {
        'đ' => 'd',
        'Đ' => 'D',
        _ if c.is_ascii() => c,
        _ => {
            let mut first = None;
            unicode_normalization::char::decompose_canonical(c, |x| {
                if first.is_none() {
                    first = Some(x);
                }
            });
            first.unwrap_or(c)
        }
    }
}

/// Costs (−ln P) of the channel, with back-off for unseen pairs.
#[derive(Debug, Default, Clone)]
pub struct Channel {
    cost: FxHashMap<(char, char, char), f32>,
    base_cost: FxHashMap<(char, char, char), f32>,
    insert_cost: FxHashMap<char, f32>,
    /// The cheapest single digit a true character was read as: an unseen digit backs off to
    /// it (the OCR reads marked vowels as one digit or another: `số` as `s6`, `s8`, `s4`).
    digit_cost: FxHashMap<char, f32>,
}

/// What an unseen digit costs beyond the cheapest digit seen for the same true character.
const DIGIT_BACKOFF_PENALTY: f32 = 3.0;

/// The one form the channel knows of characters OCR engines print interchangeably: the
/// apostrophes and single quotes (`'`, `‘`, `` ` ``) are all `’`, so a hook read as `'`
/// learns from one read as `’`.
///
/// ```
/// use sohoa::lm::confusions::ocr_char;
/// assert_eq!(ocr_char('\''), '’');
/// assert_eq!(ocr_char('6'), '6');
/// ```
pub fn ocr_char(c: char) -> char {
    match c {
        '\'' | '‘' | '`' => '’',
        _ => c,
    }
}

/// Packs an OCR string of 0-2 characters as a key; `None` when longer.
fn okey(t: char, o: &[char]) -> Option<(char, char, char)> {
    match o {
        [] => Some((t, '\0', '\0')),
        [a] => Some((t, *a, '\0')),
        [a, b] => Some((t, *a, *b)),
        _ => None,
    }
}

/// Cost of an OCR string never seen for a true character or its base letter.
pub const UNSEEN: f32 = 11.0;
const BACKOFF_PENALTY: f32 = 2.5;
const UNSEEN_INSERT: f32 = 9.0;

impl Channel {
    /// Builds the costs from a table.
    pub fn from_table(table: &Table) -> Channel {
        let mut per_char: FxHashMap<char, f64> = FxHashMap::default();
        let mut per_base: FxHashMap<char, f64> = FxHashMap::default();
        let mut base_counts: FxHashMap<(char, String), f64> = FxHashMap::default();
        let mut counts: FxHashMap<(char, String), f64> = FxHashMap::default();
        for ((t, o), &n) in &table.counts {
            *counts
                .entry((*t, o.chars().map(ocr_char).collect()))
                .or_default() += n;
        }
        for ((t, o), &n) in &counts {
            *per_char.entry(*t).or_default() += n;
            if *t != INSERT {
                *per_base.entry(base(*t)).or_default() += n;
                *base_counts.entry((base(*t), o.clone())).or_default() += n;
            }
        }
        let mut ch = Channel::default();
        for ((t, o), &n) in &counts {
            let total = per_char[t];
            let p = (n + 0.1) / (total + 1.0);
            if *t == INSERT {
                // insertions: relative to all aligned characters
                let all = table.aligned_chars.max(1) as f64;
                if let Some(c) = o.chars().next() {
                    ch.insert_cost.insert(c, -((n + 0.1) / all).ln() as f32);
                }
            } else {
                let oc: Vec<char> = o.chars().collect();
                if let Some(k) = okey(*t, &oc) {
                    ch.cost.insert(k, -p.ln() as f32);
                }
                if let [d] = oc[..]
                    && d.is_ascii_digit()
                {
                    let c = ch.digit_cost.entry(*t).or_insert(f32::INFINITY);
                    *c = c.min(-p.ln() as f32);
                }
            }
        }
        for ((b, o), &n) in &base_counts {
            let p = (n + 0.1) / (per_base[b] + 1.0);
            let oc: Vec<char> = o.chars().collect();
            if let Some(k) = okey(*b, &oc) {
                ch.base_cost.insert(k, -p.ln() as f32 + BACKOFF_PENALTY);
            }
        }
        ch
    }

    /// −ln P(`ocr` | `truth`), `ocr` being 0–2 characters.
    pub fn sub(&self, truth: char, ocr: &str) -> f32 {
        let oc: Vec<char> = ocr.chars().collect();
        self.sub_chars(truth, &oc)
    }

    /// −ln P(`ocr` | `truth`) for 0–2 OCR characters (longer strings cost [`UNSEEN`] and more).
    /// The OCR characters are looked up as given: map them with [`ocr_char`] first.
    pub fn sub_chars(&self, truth: char, ocr: &[char]) -> f32 {
        let Some(key) = okey(truth, ocr) else {
            return UNSEEN * 2.0;
        };
        if let Some(&c) = self.cost.get(&key) {
            return c;
        }
        let b = base(truth);
        if let Some(&c) = self.base_cost.get(&(b, key.1, key.2)) {
            return c;
        }
        if ocr.len() == 1 && base(ocr[0]) == b {
            return 4.0; // same letter, other accent: plausible even when unseen
        }
        if let [d] = ocr
            && d.is_ascii_digit()
            && let Some(&c) = self.digit_cost.get(&truth)
        {
            return (c + DIGIT_BACKOFF_PENALTY).min(UNSEEN);
        }
        UNSEEN + 2.0 * (ocr.len().saturating_sub(1)) as f32
    }

    /// −ln P of the OCR character `c` inserted.
    pub fn insert(&self, c: char) -> f32 {
        self.insert_cost.get(&c).copied().unwrap_or(UNSEEN_INSERT)
    }

    /// Whether the channel has learned anything.
    pub fn is_empty(&self) -> bool {
        self.cost.is_empty()
    }
}

impl Table {
    /// Number of distinct (true char, OCR string) entries.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Writes the table as TSV: true char, OCR string, count.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = format!(
            "# sohoa OCR-confusion table: true char\\tOCR string\\tcount ({} for insertions); aligned_chars={}\n",
            INSERT, self.aligned_chars
        );
        for ((t, o), n) in rows {
            text.push_str(&format!("{t}\t{o}\t{n}\n"));
        }
        std::fs::write(path, text).map_err(|e| Error::Io(path.display().to_string(), e))
    }

    /// Reads a table written by [`Table::save`].
    pub fn load(path: &Path) -> Result<Table, Error> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io(name.clone(), e))?;
        let mut t = Table::default();
        for (i, line) in text.split('\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('#') {
                if let Some(n) = rest
                    .rsplit_once("aligned_chars=")
                    .and_then(|(_, n)| n.trim().parse().ok())
                {
                    t.aligned_chars = n;
                }
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(tc), Some(o), Some(n), None) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                return Err(Error::Corrupt(
                    name,
                    format!("line {}: expected 3 columns", i + 1),
                ));
            };
            let mut chars = tc.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(Error::Corrupt(
                    name,
                    format!("line {}: first column is not one character", i + 1),
                ));
            };
            let n: f64 = n
                .parse()
                .map_err(|_| Error::Corrupt(name.clone(), format!("line {}: bad count", i + 1)))?;
            t.counts.insert((c, o.to_string()), n);
        }
        Ok(t)
    }
}

/// Aligns one line pair and adds the counts to `table`. `cost` prices (true char, OCR string).
fn align_into(
    truth: &[char],
    ocr: &[char],
    cost: &dyn Fn(char, &str) -> f32,
    ins: &dyn Fn(char) -> f32,
    table: &mut Table,
) {
    let (n, m) = (truth.len(), ocr.len());
    if n == 0 || m == 0 || n > 400 || m > 400 {
        return;
    }
    let w = m + 1;
    let mut dp = vec![f32::INFINITY; (n + 1) * w];
    let mut back = vec![(0u8, 0u8); (n + 1) * w]; // (consumed truth, consumed ocr)
    dp[0] = 0.0;
    let mut s = String::new();
    for i in 0..=n {
        for j in 0..=m {
            let here = dp[i * w + j];
            if here.is_infinite() {
                continue;
            }
            if j < m {
                let c = here + ins(ocr[j]);
                if c < dp[i * w + j + 1] {
                    dp[i * w + j + 1] = c;
                    back[i * w + j + 1] = (0, 1);
                }
            }
            if i < n {
                for k in 0..=2usize {
                    if j + k > m {
                        break;
                    }
                    s.clear();
                    s.extend(&ocr[j..j + k]);
                    let c = here + cost(truth[i], &s);
                    let cell = (i + 1) * w + j + k;
                    if c < dp[cell] {
                        dp[cell] = c;
                        back[cell] = (1, k as u8);
                    }
                }
            }
        }
    }
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (di, dj) = back[i * w + j];
        let (di, dj) = (di as usize, dj as usize);
        if di == 0 && dj == 0 {
            break;
        }
        let o: String = ocr[j - dj..j].iter().collect();
        let key = if di == 1 { truth[i - 1] } else { INSERT };
        *table.counts.entry((key, o)).or_default() += 1.0;
        if di == 1 {
            table.aligned_chars += 1;
        }
        i -= di;
        j -= dj;
    }
}

fn prior_cost(t: char, o: &str) -> f32 {
    let oc: Vec<char> = o.chars().collect();
    let one = |x: char| {
        if x == t {
            0.0
        } else if base(x) == base(t) {
            0.4
        } else {
            1.0
        }
    };
    match oc.len() {
        0 => 1.0,
        1 => one(oc[0]),
        _ => 1.0 + 0.5 * one(oc[0]).min(one(oc[1])),
    }
}

/// Learns the table from `dir/*.ocr.txt` paired with `dir/*.truth.txt`.
pub fn learn(dir: &Path) -> Result<Table, Error> {
    let name = dir.display().to_string();
    let mut pairs: Vec<(Vec<char>, Vec<char>)> = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Io(name.clone(), e))?;
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for ocr_path in files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".ocr.txt"))
    {
        let s = ocr_path.to_string_lossy();
        let truth_path =
            std::path::PathBuf::from(format!("{}.truth.txt", &s[..s.len() - ".ocr.txt".len()]));
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| Error::Io(p.display().to_string(), e))
        };
        let (o, t) = (read(ocr_path)?, read(&truth_path)?);
        // a trailing blank line (an OCR file's last "\n ") is not a line of the document
        let lines = |s: &'_ str| -> Vec<String> {
            let mut v: Vec<String> = s.lines().map(str::to_string).collect();
            while v.last().is_some_and(|l| l.trim().is_empty()) {
                v.pop();
            }
            v
        };
        let (ol, tl) = (lines(&o), lines(&t));
        if ol.len() != tl.len() {
            return Err(Error::Corrupt(
                ocr_path.display().to_string(),
                "line count differs from the truth file".into(),
            ));
        }
        for (a, b) in ol.iter().zip(tl.iter()) {
            let norm = |s: &str| -> Vec<char> {
                use unicode_normalization::UnicodeNormalization;
                s.trim().to_lowercase().nfc().collect()
            };
            let ocr = norm(a).into_iter().map(ocr_char).collect();
            pairs.push((norm(b), ocr));
        }
    }
    if pairs.is_empty() {
        return Err(Error::Usage(format!(
            "{name}: no *.ocr.txt / *.truth.txt pairs"
        )));
    }
    let mut first = Table::default();
    for (t, o) in &pairs {
        align_into(t, o, &prior_cost, &|_| 1.0, &mut first);
    }
    let ch = Channel::from_table(&first);
    let mut table = Table::default();
    for (t, o) in &pairs {
        align_into(t, o, &|t, o| ch.sub(t, o), &|c| ch.insert(c), &mut table);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_digit_for_accented_o() {
        let dir = std::env::temp_dir().join(format!("sohoa-conf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.truth.txt"), "số một\nsố hai\ncủa tôi\n").unwrap();
        std::fs::write(dir.join("a.ocr.txt"), "s6 mot\ns6 hai\nctia tdi\n").unwrap();
        let table = learn(&dir).unwrap();
        assert!(
            table
                .counts
                .get(&('ố', "6".to_string()))
                .copied()
                .unwrap_or(0.0)
                >= 2.0
        );
        assert!(
            table.counts.contains_key(&('ủ', "ti".to_string())),
            "{:?}",
            table.counts
        );
        let ch = Channel::from_table(&table);
        assert!(ch.sub('ố', "6") < ch.sub('ố', "x"));
        table.save(&dir.join("t.tsv")).unwrap();
        let again = Table::load(&dir.join("t.tsv")).unwrap();
        assert_eq!(again.counts, table.counts);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_unseen_digit_backs_off_to_the_digits_seen() {
        let mut table = Table {
            aligned_chars: 1000,
            ..Default::default()
        };
        table.counts.insert(('ố', "6".to_string()), 40.0);
        table.counts.insert(('ố', "o".to_string()), 60.0);
        table.counts.insert(('a', "a".to_string()), 100.0);
        table.counts.insert(('o', "’".to_string()), 1.0);
        table.counts.insert(('o', "'".to_string()), 1.0);
        let ch = Channel::from_table(&table);
        let (seen, unseen) = (ch.sub('ố', "6"), ch.sub('ố', "8"));
        assert!(seen < unseen && unseen < UNSEEN, "{seen} {unseen}");
        // a character never read as a digit gets no such back-off
        assert_eq!(ch.sub('a', "8"), UNSEEN);
        // all apostrophes are one: the two counts were merged
        assert!(ch.sub('o', "’") < ch.sub('o', "x"));
        assert_eq!(ch.sub('o', "'"), UNSEEN, "only ’ is looked up");
    }
}
