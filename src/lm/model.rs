//! The trigram language model as the decoder uses it: a vocabulary of lower-case canonical
//! words, and back-off tables (ARPA semantics) in compressed sparse rows, loaded from one binary
//! file (`dictionaries/sohoa.lm`).
//!
//! Probabilities are log10, quantised to 1/1000 (u16) in the file.

use super::Error;
use rustc_hash::FxHashMap;
use std::io::Write;
use std::path::Path;

/// The file name of the model inside the model directory.
pub const MODEL_FILE: &str = "sohoa.lm";
const MAGIC: &[u8; 8] = b"SOHOALM1";

/// Sentence start.
pub const BOS: u32 = 0;
/// Sentence end.
pub const EOS: u32 = 1;
/// A word outside the vocabulary.
pub const UNK: u32 = 2;
/// A number or date.
pub const NUM: u32 = 3;
/// A document symbol, code or other joined token (`265-KH/TU`).
pub const SYM: u32 = 4;
/// Punctuation inside a sentence (comma, quote, bracket, dash).
pub const PUNCT: u32 = 5;
/// The names of the special tokens, in id order.
pub const SPECIALS: [&str; 6] = ["<s>", "</s>", "<unk>", "<num>", "<sym>", "<p>"];

/// Quantises a log10 probability (≤ 0) to a u16.
pub fn quantise(logp: f64) -> u16 {
    (-logp * 1000.0).round().clamp(0.0, 65535.0) as u16
}

fn dequantise(q: u16) -> f32 {
    -(q as f32) / 1000.0
}

/// A loaded trigram model.
#[derive(Debug, Default)]
pub struct Model {
    /// Words by id: the special tokens first, then lower-case canonical words.
    pub vocab: Vec<String>,
    /// Word → id.
    pub index: FxHashMap<String, u32>,
    /// Weighted corpus count of each word (for candidate ranking and pruning).
    pub counts: Vec<f32>,
    pub(crate) uni_p: Vec<u16>,
    pub(crate) uni_bo: Vec<u16>,
    pub(crate) bi_off: Vec<u32>,
    pub(crate) bi_bo: Vec<u16>,
    pub(crate) tri_off: Vec<u32>,
    /// Bigram entries, `word << 16 | quantised logp` (see [`entry`]), sorted by word within
    /// each row: a lookup's binary search and its probability share cache lines. The file
    /// stores words and probabilities as two arrays.
    pub(crate) bi_e: Vec<u32>,
    /// Trigram entries, the same way.
    pub(crate) tri_e: Vec<u32>,
}

/// A two-word context, looked up: see [`Model::context`].
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The trigram range of `a b` and the back-off weight of `a b`, when `a b` is a bigram.
    trigram: Option<(usize, usize, f32)>,
    /// The bigram range of `b`.
    bigram: (usize, usize),
    /// The back-off weight of `b`.
    unigram_bo: f32,
}

impl Context {
    /// The back-off weight (log10) of the two-word context, 0 when it is not a stored bigram.
    pub fn trigram_backoff(&self) -> f32 {
        self.trigram.map_or(0.0, |t| t.2)
    }
}

/// An n-gram entry: the word in the high half, the quantised log10 probability in the low.
pub(crate) fn entry(word: u16, prob: u16) -> u32 {
    ((word as u32) << 16) | prob as u32
}

fn entry_words(entries: &[u32]) -> Vec<u16> {
    entries.iter().map(|&e| (e >> 16) as u16).collect()
}

fn entry_probs(entries: &[u32]) -> Vec<u16> {
    entries.iter().map(|&e| e as u16).collect()
}

/// The entry for word `w` in a sorted row of interleaved entries: its index and log10 p.
#[inline]
fn find_entry(row: &[u32], w: u32) -> Option<(usize, f32)> {
    let key = w << 16;
    let i = row.partition_point(|&e| e < key);
    match row.get(i) {
        Some(&e) if e >> 16 == w => Some((i, dequantise(e as u16))),
        _ => None,
    }
}

impl Model {
    /// The id of `word` (lower-case canonical), if it is in the vocabulary.
    pub fn id(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
    }

    /// Number of bigram entries.
    pub fn bigram_count(&self) -> usize {
        self.bi_e.len()
    }

    /// Number of trigram entries.
    pub fn trigram_count(&self) -> usize {
        self.tri_e.len()
    }

    fn bigram_index(&self, a: u32, b: u32) -> Option<usize> {
        let a = a as usize;
        if a + 1 >= self.bi_off.len() {
            return None;
        }
        let (lo, hi) = (self.bi_off[a] as usize, self.bi_off[a + 1] as usize);
        find_entry(&self.bi_e[lo..hi], b).map(|(i, _)| lo + i)
    }

    /// log10 p(w).
    pub fn logp1(&self, w: u32) -> f32 {
        dequantise(self.uni_p.get(w as usize).copied().unwrap_or(u16::MAX))
    }

    /// log10 p(c | b).
    pub fn logp2(&self, b: u32, c: u32) -> f32 {
        match self.bigram_index(b, c) {
            Some(i) => dequantise(self.bi_e[i] as u16),
            None => dequantise(self.uni_bo.get(b as usize).copied().unwrap_or(0)) + self.logp1(c),
        }
    }

    /// log10 p(c | a b), backing off as ARPA models do.
    pub fn logp3(&self, a: u32, b: u32, c: u32) -> f32 {
        if let Some(ab) = self.bigram_index(a, b) {
            let (lo, hi) = (self.tri_off[ab] as usize, self.tri_off[ab + 1] as usize);
            if let Some((_, p)) = find_entry(&self.tri_e[lo..hi], c) {
                return p;
            }
            return dequantise(self.bi_bo[ab]) + self.logp2(b, c);
        }
        self.logp2(b, c)
    }

    /// The two-word context `a b` looked up once, so that [`Model::logp_in`] scores many
    /// next words against it with one binary search each (the decoder's inner loop).
    ///
    /// ```
    /// # fn demo(m: &sohoa::lm::model::Model, a: u32, b: u32, c: u32) {
    /// let ctx = m.context(a, b);
    /// assert_eq!(m.logp_in(&ctx, c), m.logp3(a, b, c));
    /// # }
    /// ```
    pub fn context(&self, a: u32, b: u32) -> Context {
        let range = |off: &[u32], i: usize| (off[i] as usize, off[i + 1] as usize);
        let trigram = self.bigram_index(a, b).map(|ab| {
            let (lo, hi) = range(&self.tri_off, ab);
            (lo, hi, dequantise(self.bi_bo[ab]))
        });
        let bu = b as usize;
        let bigram = if bu + 1 < self.bi_off.len() {
            range(&self.bi_off, bu)
        } else {
            (0, 0)
        };
        let unigram_bo = dequantise(self.uni_bo.get(bu).copied().unwrap_or(0));
        Context {
            trigram,
            bigram,
            unigram_bo,
        }
    }

    /// log10 p(c | context): the same value as [`Model::logp3`] for the context's words.
    pub fn logp_in(&self, ctx: &Context, c: u32) -> f32 {
        match self.trigram_in(ctx, c) {
            Some(p) => p,
            None => ctx.trigram_backoff() + self.bigram_in(ctx, c),
        }
    }

    /// log10 p(c | a b) when `a b c` is a stored trigram of the context `a b`.
    pub fn trigram_in(&self, ctx: &Context, c: u32) -> Option<f32> {
        let (lo, hi, _) = ctx.trigram?;
        find_entry(&self.tri_e[lo..hi], c).map(|(_, p)| p)
    }

    /// log10 p(c | b) for the context's last word `b`: the part of [`Model::logp_in`] that
    /// contexts ending in the same word share, so the decoder computes it once for them.
    ///
    /// ```
    /// # fn demo(m: &sohoa::lm::model::Model, a: u32, b: u32, c: u32) {
    /// let ctx = m.context(a, b);
    /// let p = m.trigram_in(&ctx, c).unwrap_or(ctx.trigram_backoff() + m.bigram_in(&ctx, c));
    /// assert_eq!(p, m.logp_in(&ctx, c));
    /// # }
    /// ```
    pub fn bigram_in(&self, ctx: &Context, c: u32) -> f32 {
        let (lo, hi) = ctx.bigram;
        match find_entry(&self.bi_e[lo..hi], c) {
            Some((_, p)) => p,
            None => ctx.unigram_bo + self.logp1(c),
        }
    }

    /// Writes the model to `dir/sohoa.lm`.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        let path = dir.join(MODEL_FILE);
        let io = |e| Error::Io(path.display().to_string(), e);
        let mut buf: Vec<u8> = Vec::new();
        buf.extend_from_slice(MAGIC);
        put_u32(&mut buf, self.vocab.len() as u32);
        for w in &self.vocab {
            put_u32(&mut buf, w.len() as u32);
            buf.extend_from_slice(w.as_bytes());
        }
        for &c in &self.counts {
            buf.extend_from_slice(&c.to_le_bytes());
        }
        put_u16s(&mut buf, &self.uni_p);
        put_u16s(&mut buf, &self.uni_bo);
        put_u32s(&mut buf, &self.bi_off);
        put_u16s(&mut buf, &entry_words(&self.bi_e));
        put_u16s(&mut buf, &entry_probs(&self.bi_e));
        put_u16s(&mut buf, &self.bi_bo);
        put_u32s(&mut buf, &self.tri_off);
        put_u16s(&mut buf, &entry_words(&self.tri_e));
        put_u16s(&mut buf, &entry_probs(&self.tri_e));
        let mut f = std::fs::File::create(&path).map_err(io)?;
        f.write_all(&buf).map_err(io)?;
        Ok(())
    }

    /// Reads `dir/sohoa.lm`.
    pub fn load(dir: &Path) -> Result<Model, Error> {
        let path = dir.join(MODEL_FILE);
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| Error::Io(name.clone(), e))?;
        Self::parse(&bytes).map_err(|what| Error::Corrupt(name, what))
    }

    fn parse(bytes: &[u8]) -> Result<Model, String> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err("not a sohoa language model (bad magic)".into());
        }
        let v = r.u32()? as usize;
        if v > 1 << 16 {
            return Err(format!(
                "vocabulary of {v} words is larger than the format allows"
            ));
        }
        let mut vocab = Vec::with_capacity(v);
        let mut index = FxHashMap::default();
        index.reserve(v);
        for i in 0..v {
            let len = r.u32()? as usize;
            let w = std::str::from_utf8(r.take(len)?).map_err(|_| "vocabulary is not UTF-8")?;
            index.insert(w.to_string(), i as u32);
            vocab.push(w.to_string());
        }
        let counts = r
            .take(4 * v)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let uni_p = r.u16s()?;
        let uni_bo = r.u16s()?;
        let bi_off = r.u32s()?;
        let bi_w = r.u16s()?;
        let bi_p = r.u16s()?;
        let bi_bo = r.u16s()?;
        let tri_off = r.u32s()?;
        let tri_w = r.u16s()?;
        let tri_p = r.u16s()?;
        let ok = uni_p.len() == v
            && uni_bo.len() == v
            && bi_off.len() == v + 1
            && bi_off.last().map(|&x| x as usize) == Some(bi_w.len())
            && bi_p.len() == bi_w.len()
            && bi_bo.len() == bi_w.len()
            && tri_off.len() == bi_w.len() + 1
            && tri_off.last().map(|&x| x as usize) == Some(tri_w.len())
            && tri_p.len() == tri_w.len()
            && bi_off.windows(2).all(|w| w[0] <= w[1])
            && tri_off.windows(2).all(|w| w[0] <= w[1])
            && bi_w.iter().chain(tri_w.iter()).all(|&w| (w as usize) < v);
        if !ok {
            return Err("inconsistent table sizes (truncated or damaged file)".into());
        }
        Ok(Model {
            vocab,
            index,
            counts,
            uni_p,
            uni_bo,
            bi_off,
            bi_e: bi_w.iter().zip(&bi_p).map(|(&w, &p)| entry(w, p)).collect(),
            bi_bo,
            tri_off,
            tri_e: tri_w
                .iter()
                .zip(&tri_p)
                .map(|(&w, &p)| entry(w, p))
                .collect(),
        })
    }

    /// Writes the model in the ARPA text format.
    pub fn write_arpa(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "\n\\data\\")?;
        writeln!(out, "ngram 1={}", self.vocab.len())?;
        writeln!(out, "ngram 2={}", self.bi_e.len())?;
        writeln!(out, "ngram 3={}", self.tri_e.len())?;
        writeln!(out, "\n\\1-grams:")?;
        for (i, w) in self.vocab.iter().enumerate() {
            let p = if i as u32 == BOS {
                -99.0
            } else {
                dequantise(self.uni_p[i])
            };
            writeln!(out, "{p:.3}\t{w}\t{:.3}", dequantise(self.uni_bo[i]))?;
        }
        writeln!(out, "\n\\2-grams:")?;
        for a in 0..self.vocab.len() {
            for i in self.bi_off[a] as usize..self.bi_off[a + 1] as usize {
                let b = (self.bi_e[i] >> 16) as usize;
                writeln!(
                    out,
                    "{:.3}\t{} {}\t{:.3}",
                    dequantise(self.bi_e[i] as u16),
                    self.vocab[a],
                    self.vocab[b],
                    dequantise(self.bi_bo[i])
                )?;
            }
        }
        writeln!(out, "\n\\3-grams:")?;
        for a in 0..self.vocab.len() {
            for i in self.bi_off[a] as usize..self.bi_off[a + 1] as usize {
                let b = (self.bi_e[i] >> 16) as usize;
                for t in self.tri_off[i] as usize..self.tri_off[i + 1] as usize {
                    let c = (self.tri_e[t] >> 16) as usize;
                    writeln!(
                        out,
                        "{:.3}\t{} {} {}",
                        dequantise(self.tri_e[t] as u16),
                        self.vocab[a],
                        self.vocab[b],
                        self.vocab[c]
                    )?;
                }
            }
        }
        writeln!(out, "\n\\end\\")
    }
}

fn put_u32(buf: &mut Vec<u8>, x: u32) {
    buf.extend_from_slice(&x.to_le_bytes());
}

fn put_u32s(buf: &mut Vec<u8>, xs: &[u32]) {
    put_u32(buf, xs.len() as u32);
    for &x in xs {
        buf.extend_from_slice(&x.to_le_bytes());
    }
}

fn put_u16s(buf: &mut Vec<u8>, xs: &[u16]) {
    put_u32(buf, xs.len() as u32);
    for &x in xs {
        buf.extend_from_slice(&x.to_le_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("file is truncated")?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        let n = self.u32()? as usize;
        let b = self.take(n.checked_mul(4).ok_or("bad length")?)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
    fn u16s(&mut self) -> Result<Vec<u16>, String> {
        let n = self.u32()? as usize;
        let b = self.take(n.checked_mul(2).ok_or("bad length")?)?;
        Ok(b.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_is_an_error_not_a_panic() {
        assert!(Model::parse(b"").is_err());
        assert!(Model::parse(b"SOHOALM1\xff\xff\xff\xff").is_err());
        assert!(Model::parse(b"SOHOALM1\x01\x00\x00\x00\x03\x00\x00\x00abc").is_err());
    }
}
