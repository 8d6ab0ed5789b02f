//! `sohoa lm build`: count syllable n-grams in weighted corpora and write a modified Kneser-Ney
//! trigram model, plus the abbreviations whose `Đ` form dominates the corpus.

use super::Error;
use super::model::{self, BOS, EOS, Model, NUM, PUNCT, SPECIALS, SYM, UNK};
use super::syl::canonical_lower;
use super::token::{Kind, ends_sentence, is_label_colon, tokenize};
use crate::viet::fold;
use rustc_hash::FxHashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The file of learned abbreviations (ASCII-folded form → the form the corpus uses).
pub const ABBREV_FILE: &str = "abbreviations.tsv";

/// The file of proper names (places) of two or more syllables, lower case, one per line.
pub const NAMES_FILE: &str = "names.tsv";

/// Words that name the kind of an administrative unit before its name (`Phường Hạc Thành`):
/// dropped from gazetteer cells, which leaves the name.
const UNIT_TYPES: [&str; 10] = [
    "thành phố",
    "tỉnh",
    "quận",
    "huyện",
    "thị xã",
    "thị trấn",
    "xã",
    "phường",
    "đặc khu",
    "thủ đô",
];

/// What to build from, and the pruning thresholds.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Source files with their weights.
    pub corpora: Vec<(PathBuf, f32)>,
    /// Output directory.
    pub out: PathBuf,
    /// A word enters the vocabulary with at least this weighted count.
    pub min_unigram: f32,
    /// A bigram is stored with at least this weighted count.
    pub min_bigram: f32,
    /// A trigram is stored with at least this weighted count.
    pub min_trigram: f32,
    /// Vocabulary cap (the format allows 65,536 including the special tokens).
    pub max_vocab: usize,
    /// Lists of abbreviations (first TSV column), e.g. official agency and type codes: each
    /// counts as [`LISTED_ABBREVIATION_WEIGHT`] occurrences of its form, so a listed `BCĐ` is
    /// learned unless the corpus mostly writes `BCD`.
    pub abbreviation_lists: Vec<PathBuf>,
    /// Gazetteers (TSV): every cell that is a name of two or more syllables, once its unit type
    /// is dropped, goes to [`NAMES_FILE`].
    pub name_lists: Vec<PathBuf>,
    /// Drop a corpus line when at least this share of its word pairs look like lost or garbled
    /// diacritics (see [`drop_noisy_lines`]); 0 keeps every line.
    pub noise_ratio: f32,
    /// Count a line of at least this many words once, however often the corpora repeat it
    /// (legal collections repeat whole provisions and boilerplate); 0 counts every repeat.
    pub dedup_min_words: usize,
    /// Lists of word pairs, one pair per line, with their weights (Tesseract's
    /// `vie.word.bigrams`): general-language evidence that a pair is said, for the domains
    /// the corpora miss (see [`add_word_pairs`]).
    pub word_pairs: Vec<(PathBuf, f32)>,
}

/// How many corpus occurrences one entry of an abbreviation list is worth.
pub const LISTED_ABBREVIATION_WEIGHT: f32 = 5.0;

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            corpora: Vec::new(),
            out: PathBuf::from("dictionaries"),
            min_unigram: 2.0,
            min_bigram: 1.0,
            min_trigram: 2.0,
            max_vocab: 65_000,
            abbreviation_lists: Vec::new(),
            name_lists: Vec::new(),
            noise_ratio: DEFAULT_NOISE_RATIO,
            dedup_min_words: DEFAULT_DEDUP_MIN_WORDS,
            word_pairs: Vec::new(),
        }
    }
}

/// A 128-bit hash of a line (two differently seeded 64-bit hashes: collisions are negligible
/// at corpus scale, so no line is wrongly taken for a repeat).
fn line_hash(line: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut a = rustc_hash::FxHasher::default();
    line.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut b);
    ((a.finish() as u128) << 64) | b.finish() as u128
}

/// The default of [`BuildOptions::dedup_min_words`].
pub const DEFAULT_DEDUP_MIN_WORDS: usize = 6;

/// The default of [`BuildOptions::noise_ratio`].
pub const DEFAULT_NOISE_RATIO: f32 = 0.1;
/// A word pair is suspect when its weighted count is at most this ...
const SUSPECT_MAX_COUNT: f32 = 3.0;
/// ... and a pair with the same letters but other diacritics is this many times as frequent.
const SUSPECT_DOMINANCE: f32 = 30.0;
/// A line is dropped only with at least this many suspect pairs.
const SUSPECT_MIN_PAIRS: usize = 2;

/// Figures about a finished build.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildReport {
    /// Tokens read (after weighting: raw).
    pub tokens: u64,
    /// Vocabulary size.
    pub vocab: usize,
    /// Stored bigrams.
    pub bigrams: usize,
    /// Stored trigrams.
    pub trigrams: usize,
    /// Learned abbreviations.
    pub abbreviations: usize,
    /// Place names written to [`NAMES_FILE`].
    pub names: usize,
    /// Corpus lines dropped as noisy, and the tokens they held.
    pub noisy_lines: usize,
    /// Tokens of the dropped lines.
    pub noisy_tokens: u64,
}

/// Reads a source file: `.xz` is decompressed; invalid UTF-8 is replaced.
pub fn read_source(path: &Path) -> Result<String, Error> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::Io(name.clone(), e))?;
    let mut raw = Vec::new();
    if path.extension().is_some_and(|e| e == "xz") {
        let mut reader = std::io::BufReader::new(file);
        lzma_rs::xz_decompress(&mut reader, &mut raw)
            .map_err(|e| Error::Corrupt(name, format!("xz: {e}")))?;
    } else {
        std::io::BufReader::new(file)
            .read_to_end(&mut raw)
            .map_err(|e| Error::Io(name, e))?;
    }
    Ok(match String::from_utf8(raw) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

#[derive(Default)]
struct Counter {
    words: Vec<String>,
    ids: FxHashMap<String, u32>,
    counts: Vec<f64>,
    /// Sentences as word ids, with their source weight and the number of the line they came
    /// from (lines are what the noise filter keeps or drops).
    seqs: Vec<(Vec<u32>, f32, u32)>,
    line: u32,
    /// Hashes of the long lines counted so far (legal collections repeat provisions verbatim).
    seen_lines: rustc_hash::FxHashSet<u128>,
    abbr_total: FxHashMap<String, f64>,
    abbr_form: FxHashMap<String, f64>,
    tokens: u64,
}

impl Counter {
    fn new() -> Self {
        let mut c = Counter::default();
        for s in SPECIALS {
            c.intern(s);
        }
        c
    }

    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(w.to_string());
        self.ids.insert(w.to_string(), id);
        self.counts.push(0.0);
        id
    }

    fn note_abbreviation(&mut self, part: &str, weight: f32) {
        let upper = part.chars().filter(|c| c.is_uppercase()).count();
        let letters = part.chars().filter(|c| c.is_alphabetic()).count();
        if letters < 2 || upper < 2 || letters != part.chars().count() {
            return;
        }
        let folded = fold(part);
        *self.abbr_total.entry(folded.clone()).or_default() += weight as f64;
        if part.chars().any(|c| c == 'Đ' || c == 'đ')
            && fold(&part.replace(['Đ', 'đ'], "D")) == part.replace(['Đ', 'đ'], "D")
        {
            *self.abbr_form.entry(part.to_string()).or_default() += weight as f64;
        }
    }

    fn add_sentence_text(&mut self, text: &str, weight: f32) {
        self.line = self.line.wrapping_add(1);
        let mut seq = vec![BOS];
        let toks = tokenize(text);
        for (i, t) in toks.iter().enumerate() {
            let s = t.text(text);
            let id = match t.kind {
                Kind::Space => continue,
                Kind::Word => {
                    self.note_abbreviation(s, weight);
                    let w = canonical_lower(s);
                    self.intern(&w)
                }
                Kind::Mixed => UNK,
                Kind::Number => NUM,
                Kind::Symbol => {
                    for part in s.split(['-', '/', '.']) {
                        self.note_abbreviation(part, weight);
                    }
                    SYM
                }
                Kind::Punct if is_label_colon(text, &toks, i) => continue,
                Kind::Punct => {
                    if ends_sentence(s) {
                        if seq.len() > 1 {
                            seq.push(EOS);
                            self.push_seq(std::mem::replace(&mut seq, vec![BOS]), weight);
                        }
                        continue;
                    }
                    if seq.last() == Some(&PUNCT) || seq.len() == 1 {
                        continue;
                    }
                    PUNCT
                }
            };
            seq.push(id);
        }
        if seq.len() > 1 {
            seq.push(EOS);
            self.push_seq(seq, weight);
        }
    }

    fn push_seq(&mut self, seq: Vec<u32>, weight: f32) {
        for &id in &seq[1..] {
            self.counts[id as usize] += weight as f64;
        }
        self.tokens += seq.len() as u64 - 2;
        self.seqs.push((seq, weight, self.line));
    }

    /// Counts the lines of a source; a line of at least `dedup_min_words` words that was seen
    /// before (in any source) is skipped.
    fn add_source(
        &mut self,
        path: &Path,
        weight: f32,
        dedup_min_words: usize,
    ) -> Result<(), Error> {
        let text = read_source(path)?;
        let tsv = path.to_string_lossy().ends_with(".tsv");
        for line in text.lines() {
            if tsv {
                for cell in line.split('\t') {
                    if cell.chars().any(|c| c.is_alphabetic()) {
                        self.add_sentence_text(cell, weight);
                    }
                }
            } else {
                if dedup_min_words > 0
                    && line.split_whitespace().nth(dedup_min_words - 1).is_some()
                    && !self.seen_lines.insert(line_hash(line.trim()))
                {
                    continue;
                }
                self.add_sentence_text(line, weight);
            }
        }
        Ok(())
    }
}

/// Drops the corpus lines whose diacritics look lost or garbled, and recounts the words.
///
/// Public corpora hold text extracted from scans or typed without marks (`chuyên đôi sô được
/// phân cập`, `Co quan quan ly`). Such a line's word pairs are rare, while the same letters with
/// other marks are common (`chuyển đổi số`); left in, they give rare contexts high Kneser-Ney
/// probabilities exactly where the decoder chooses between marks. A pair is *suspect* when its
/// weighted count is at most [`SUSPECT_MAX_COUNT`] and a pair folding to the same letters is
/// [`SUSPECT_DOMINANCE`] times as frequent; a line goes when at least [`SUSPECT_MIN_PAIRS`] and
/// `ratio` of its word pairs are suspect. Returns the lines and tokens dropped.
fn drop_noisy_lines(counter: &mut Counter, ratio: f32) -> (usize, u64) {
    if ratio <= 0.0 {
        return (0, 0);
    }
    let first_word = SPECIALS.len() as u32;
    let pair = |a: u32, b: u32| ((a as u64) << 32) | b as u64;
    let mut folded_ids: FxHashMap<String, u32> = FxHashMap::default();
    let folded: Vec<u32> = counter
        .words
        .iter()
        .map(|w| {
            let n = folded_ids.len() as u32;
            *folded_ids.entry(fold(w)).or_insert(n)
        })
        .collect();
    let word_pairs = |seq: &[u32]| -> Vec<(u32, u32)> {
        seq.windows(2)
            .filter(|p| p[0] >= first_word && p[1] >= first_word)
            .map(|p| (p[0], p[1]))
            .collect()
    };
    let mut counts: FxHashMap<u64, f32> = FxHashMap::default();
    for (seq, w, _) in &counter.seqs {
        for (a, b) in word_pairs(seq) {
            *counts.entry(pair(a, b)).or_default() += w;
        }
    }
    let mut best: FxHashMap<u64, f32> = FxHashMap::default();
    for (&k, &c) in &counts {
        let f = pair(
            folded[(k >> 32) as usize],
            folded[(k & 0xffff_ffff) as usize],
        );
        let e = best.entry(f).or_default();
        *e = e.max(c);
    }
    let suspect = |a: u32, b: u32| {
        let c = counts.get(&pair(a, b)).copied().unwrap_or(0.0);
        let top = best
            .get(&pair(folded[a as usize], folded[b as usize]))
            .copied()
            .unwrap_or(0.0);
        c <= SUSPECT_MAX_COUNT && top >= SUSPECT_DOMINANCE * c
    };
    // per line: word pairs and suspect pairs (a line's sentences are consecutive)
    let mut noisy: FxHashMap<u32, ()> = FxHashMap::default();
    let mut i = 0;
    while i < counter.seqs.len() {
        let line = counter.seqs[i].2;
        let (mut n, mut s) = (0usize, 0usize);
        while i < counter.seqs.len() && counter.seqs[i].2 == line {
            for (a, b) in word_pairs(&counter.seqs[i].0) {
                n += 1;
                s += suspect(a, b) as usize;
            }
            i += 1;
        }
        if s >= SUSPECT_MIN_PAIRS && s as f32 >= ratio * n as f32 {
            noisy.insert(line, ());
        }
    }
    let before = counter.tokens;
    counter
        .seqs
        .retain(|(_, _, line)| !noisy.contains_key(line));
    counter.counts.iter_mut().for_each(|c| *c = 0.0);
    counter.tokens = 0;
    for (seq, w, _) in &counter.seqs {
        for &id in &seq[1..] {
            counter.counts[id as usize] += *w as f64;
        }
        counter.tokens += seq.len() as u64 - 2;
    }
    (noisy.len(), before - counter.tokens)
}

fn class(c: f32) -> usize {
    if c < 1.5 {
        0
    } else if c < 2.5 {
        1
    } else {
        2
    }
}

/// Modified Kneser-Ney discounts D1, D2, D3+ from the counts of counts (rounded weighted counts).
fn discounts<'a>(counts: impl Iterator<Item = &'a f32>) -> [f32; 3] {
    let mut n = [0f64; 5];
    for &c in counts {
        let r = (c.round() as usize).max(1);
        if r <= 4 {
            n[r] += 1.0;
        }
    }
    if n[1] == 0.0 || n[2] == 0.0 || n[3] == 0.0 || n[4] == 0.0 {
        return [0.5, 1.0, 1.5];
    }
    let y = n[1] / (n[1] + 2.0 * n[2]);
    let d1 = 1.0 - 2.0 * y * n[2] / n[1];
    let d2 = 2.0 - 3.0 * y * n[3] / n[2];
    let d3 = 3.0 - 4.0 * y * n[4] / n[3];
    [
        d1.clamp(0.05, 0.95) as f32,
        d2.clamp(0.1, 1.9) as f32,
        d3.clamp(0.1, 2.9) as f32,
    ]
}

fn discount(d: &[f32; 3], c: f32) -> f32 {
    d[class(c)].min(c * 0.95)
}

fn key3(a: u32, b: u32, c: u32) -> u64 {
    ((a as u64) << 32) | ((b as u64) << 16) | c as u64
}

fn key2(a: u32, b: u32) -> u32 {
    (a << 16) | b
}

/// Builds the model from the sources in `opts` and writes it to `opts.out`.
pub fn build(opts: &BuildOptions, log: &mut dyn Write) -> Result<BuildReport, Error> {
    let mut counter = Counter::new();
    for path in &opts.abbreviation_lists {
        let text = read_source(path)?;
        let mut listed = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(form) = line.split('\t').next() {
                counter.note_abbreviation(form.trim(), LISTED_ABBREVIATION_WEIGHT);
                listed += 1;
            }
        }
        let _ = writeln!(
            log,
            "read {}: {listed} listed abbreviations",
            path.display()
        );
    }
    for (path, weight) in &opts.corpora {
        let before = counter.tokens;
        counter.add_source(path, *weight, opts.dedup_min_words)?;
        let _ = writeln!(
            log,
            "read {} (weight {weight}): {} tokens",
            path.display(),
            counter.tokens - before
        );
    }

    let (noisy_lines, noisy_tokens) = drop_noisy_lines(&mut counter, opts.noise_ratio);
    let _ = writeln!(
        log,
        "noise filter (ratio {}): dropped {noisy_lines} lines, {noisy_tokens} tokens",
        opts.noise_ratio
    );

    // vocabulary: the specials, then words by weighted count
    let mut order: Vec<u32> = (SPECIALS.len() as u32..counter.words.len() as u32)
        .filter(|&i| counter.counts[i as usize] >= opts.min_unigram as f64)
        .collect();
    order.sort_by(|&a, &b| {
        counter.counts[b as usize]
            .total_cmp(&counter.counts[a as usize])
            .then(a.cmp(&b))
    });
    order.truncate(opts.max_vocab.min(65_536) - SPECIALS.len());
    let mut remap = vec![UNK; counter.words.len()];
    let mut vocab: Vec<String> = SPECIALS.iter().map(|s| s.to_string()).collect();
    let mut vcounts: Vec<f32> = vec![0.0; SPECIALS.len()];
    for (i, r) in remap.iter_mut().enumerate().take(SPECIALS.len()) {
        *r = i as u32;
        vcounts[i] = counter.counts[i] as f32;
    }
    for &old in &order {
        remap[old as usize] = vocab.len() as u32;
        vocab.push(counter.words[old as usize].clone());
        vcounts.push(counter.counts[old as usize] as f32);
    }
    let v = vocab.len();
    let _ = writeln!(log, "vocabulary: {v} words of {} seen", counter.words.len());

    // counts
    let mut c3: FxHashMap<u64, f32> = FxHashMap::default();
    let mut c2: FxHashMap<u32, f32> = FxHashMap::default();
    for (seq, w, _) in &counter.seqs {
        let s: Vec<u32> = seq.iter().map(|&x| remap[x as usize]).collect();
        for i in 1..s.len() {
            *c2.entry(key2(s[i - 1], s[i])).or_default() += w;
            if i >= 2 {
                *c3.entry(key3(s[i - 2], s[i - 1], s[i])).or_default() += w;
            }
        }
    }
    drop(counter.seqs);
    let _ = writeln!(log, "distinct bigrams {}, trigrams {}", c2.len(), c3.len());
    let mut listed_pairs: FxHashMap<u32, f32> = FxHashMap::default();
    for (path, weight) in &opts.word_pairs {
        let (read, kept) = add_word_pairs(path, *weight, &vocab_ids(&vocab), &mut listed_pairs)?;
        let _ = writeln!(
            log,
            "read {} (weight {weight}): {kept} of {read} word pairs in the vocabulary",
            path.display()
        );
    }
    drop_contradicted_pairs(&mut listed_pairs, &c2, &vocab);
    for (&k, &w) in &listed_pairs {
        *c2.entry(k).or_default() += w;
    }

    // trigram level: context totals and N1/N2/N3+ per context
    let d3 = discounts(c3.values());
    let mut ctx3: FxHashMap<u32, [f32; 4]> = FxHashMap::default();
    let mut cc2: FxHashMap<u32, f32> = FxHashMap::default();
    for (&k, &c) in &c3 {
        let (a, b, cw) = (
            (k >> 32) as u32,
            ((k >> 16) & 0xffff) as u32,
            (k & 0xffff) as u32,
        );
        let e = ctx3.entry(key2(a, b)).or_default();
        e[0] += c;
        e[1 + class(c)] += 1.0;
        *cc2.entry(key2(b, cw)).or_default() += c.min(1.0);
    }
    for (&k, &c) in &c2 {
        if k >> 16 == BOS {
            cc2.insert(k, c);
        }
    }
    // a listed pair is one more context its second word was seen after
    for (&k, &w) in &listed_pairs {
        if k >> 16 != BOS {
            *cc2.entry(k).or_default() += w;
        }
    }
    // bigram level over continuation counts
    let d2 = discounts(cc2.values());
    let mut ctx2 = vec![[0f32; 4]; v];
    let mut cc1 = vec![0f32; v];
    for (&k, &c) in &cc2 {
        let (b, cw) = ((k >> 16) as usize, (k & 0xffff) as usize);
        ctx2[b][0] += c;
        ctx2[b][1 + class(c)] += 1.0;
        cc1[cw] += c.min(1.0);
    }
    cc1[BOS as usize] = 0.0;
    let total1: f64 = cc1.iter().map(|&x| x as f64).sum::<f64>() + 0.5 * v as f64;
    let p1: Vec<f64> = cc1.iter().map(|&c| (c as f64 + 0.5) / total1).collect();
    let _ = writeln!(log, "discounts: trigram {d3:?}, bigram {d2:?}");

    let p2_full = |b: u32, c: u32| -> f64 {
        let ctx = &ctx2[b as usize];
        if ctx[0] <= 0.0 {
            return p1[c as usize];
        }
        let gamma = (d2[0] * ctx[1] + d2[1] * ctx[2] + d2[2] * ctx[3]) as f64 / ctx[0] as f64;
        let cc = cc2.get(&key2(b, c)).copied().unwrap_or(0.0);
        let disc = if cc > 0.0 {
            (cc - discount(&d2, cc)).max(0.0) as f64
        } else {
            0.0
        };
        disc / ctx[0] as f64 + gamma * p1[c as usize]
    };

    // pruning: trigrams by count; bigrams by count or as context of a kept trigram
    let mut kept3: Vec<u64> = c3
        .iter()
        .filter(|&(_, &c)| c >= opts.min_trigram)
        .map(|(&k, _)| k)
        .collect();
    kept3.sort_unstable();
    let mut kept2: Vec<u32> = c2
        .iter()
        .filter(|&(&k, &c)| c >= opts.min_bigram && (k & 0xffff) != BOS)
        .map(|(&k, _)| k)
        .collect();
    kept2.extend(kept3.iter().map(|&k| (k >> 16) as u32));
    kept2.sort_unstable();
    kept2.dedup();

    let mut m = Model {
        vocab: vocab.clone(),
        index: vocab
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect(),
        counts: vcounts,
        uni_p: p1.iter().map(|&p| model::quantise(p.log10())).collect(),
        uni_bo: vec![0; v],
        bi_off: vec![0; v + 1],
        bi_e: Vec::with_capacity(kept2.len()),
        bi_bo: vec![0; kept2.len()],
        tri_off: vec![0; kept2.len() + 1],
        ..Default::default()
    };
    let mut sum_kept = vec![0f64; v];
    let mut sum_lower = vec![0f64; v];
    for &k in &kept2 {
        let (b, c) = (k >> 16, k & 0xffff);
        let p = p2_full(b, c);
        m.bi_off[b as usize + 1] += 1;
        m.bi_e
            .push(model::entry(c as u16, model::quantise(p.log10())));
        sum_kept[b as usize] += p;
        sum_lower[b as usize] += p1[c as usize];
    }
    for i in 0..v {
        m.bi_off[i + 1] += m.bi_off[i];
        let num = (1.0 - sum_kept[i]).max(1e-9);
        let den = (1.0 - sum_lower[i]).max(1e-9);
        m.uni_bo[i] = model::quantise((num / den).log10().min(0.0));
    }

    // trigram probabilities, interpolated with the stored bigram model
    let mut tri_e = Vec::with_capacity(kept3.len());
    let mut counts_per_bigram = vec![0u32; kept2.len()];
    let mut bo_num = vec![0f64; kept2.len()];
    let mut bo_den = vec![0f64; kept2.len()];
    let mut j = 0usize;
    for &k in &kept3 {
        let ab = (k >> 16) as u32;
        while kept2[j] != ab {
            j += 1;
        }
        let (b, c) = (ab & 0xffff, (k & 0xffff) as u32);
        let ctx = ctx3.get(&ab).copied().unwrap_or_default();
        let count = c3.get(&k).copied().unwrap_or(0.0);
        let gamma = (d3[0] * ctx[1] + d3[1] * ctx[2] + d3[2] * ctx[3]) as f64 / ctx[0] as f64;
        let lower = 10f64.powf(m.logp2(b, c) as f64);
        let p = (count - discount(&d3, count)).max(0.0) as f64 / ctx[0] as f64 + gamma * lower;
        tri_e.push(model::entry(c as u16, model::quantise(p.log10())));
        counts_per_bigram[j] += 1;
        bo_num[j] += p;
        bo_den[j] += lower;
    }
    for i in 0..kept2.len() {
        m.tri_off[i + 1] = m.tri_off[i] + counts_per_bigram[i];
        let num = (1.0 - bo_num[i]).max(1e-9);
        let den = (1.0 - bo_den[i]).max(1e-9);
        m.bi_bo[i] = model::quantise((num / den).log10().min(0.0));
    }
    m.tri_e = tri_e;

    std::fs::create_dir_all(&opts.out).map_err(|e| Error::Io(opts.out.display().to_string(), e))?;
    m.save(&opts.out)?;

    // abbreviations whose Đ form dominates the corpus
    let mut abbrevs: Vec<(String, String, f64)> = Vec::new();
    for (form, &n) in &counter.abbr_form {
        let folded = fold(form);
        let total = counter.abbr_total.get(&folded).copied().unwrap_or(n);
        if n >= 5.0 && n >= 0.9 * total {
            abbrevs.push((folded, form.clone(), n));
        }
    }
    abbrevs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let path = opts.out.join(ABBREV_FILE);
    let mut text = String::from("# folded\tform\tweighted count (learned by sohoa lm build)\n");
    for (f, form, n) in &abbrevs {
        text.push_str(&format!("{f}\t{form}\t{n:.0}\n"));
    }
    std::fs::write(&path, text).map_err(|e| Error::Io(path.display().to_string(), e))?;

    let names = write_names(&opts.name_lists, &opts.out.join(NAMES_FILE), &m)?;

    Ok(BuildReport {
        names,
        tokens: counter.tokens,
        vocab: v,
        bigrams: m.bigram_count(),
        trigrams: m.trigram_count(),
        abbreviations: abbrevs.len(),
        noisy_lines,
        noisy_tokens,
    })
}

fn vocab_ids(vocab: &[String]) -> FxHashMap<&str, u32> {
    vocab
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect()
}

/// Reads a list of word pairs (`là một`, one pair of words per line) into `pairs`, `weight`
/// each. Both words must already be in the vocabulary: a list without counts says that a pair
/// is said, not how often, so it adds no words (its rare words would become false
/// candidates). It adds no sentence boundaries either. Each listed pair then counts as one more
/// bigram of weight `weight`, and as one more context its second word was seen after. Returns
/// the pairs read and those kept.
fn add_word_pairs(
    path: &Path,
    weight: f32,
    vocab: &FxHashMap<&str, u32>,
    pairs: &mut FxHashMap<u32, f32>,
) -> Result<(usize, usize), Error> {
    let text = read_source(path)?;
    let (mut read, mut kept) = (0, 0);
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let &[a, b] = words.as_slice() else { continue };
        read += 1;
        let id = |w: &str| {
            w.chars()
                .all(char::is_alphabetic)
                .then(|| vocab.get(canonical_lower(w).as_str()).copied())
                .flatten()
        };
        if let (Some(a), Some(b)) = (id(a), id(b)) {
            *pairs.entry(key2(a, b)).or_default() += weight;
            kept += 1;
        }
    }
    Ok((read, kept))
}

/// Drops the listed pairs that the corpora read with other marks far more often: web lists
/// hold text typed without marks (`giao thong` beside `giao thông`), which the noise filter
/// keeps out of the corpora. A listed pair goes when a corpus pair with the same letters is
/// [`SUSPECT_DOMINANCE`] times as frequent as the listed one in the corpora (plus one).
fn drop_contradicted_pairs(
    listed: &mut FxHashMap<u32, f32>,
    corpus: &FxHashMap<u32, f32>,
    vocab: &[String],
) {
    let mut letter_ids: FxHashMap<String, u32> = FxHashMap::default();
    let letters: Vec<u32> = vocab
        .iter()
        .map(|w| {
            let n = letter_ids.len() as u32;
            *letter_ids.entry(fold(w)).or_insert(n)
        })
        .collect();
    let letter_pair = |k: u32| {
        let (a, b) = ((k >> 16) as usize, (k & 0xffff) as usize);
        (u64::from(letters[a]) << 32) | u64::from(letters[b])
    };
    let mut most: FxHashMap<u64, f32> = FxHashMap::default();
    for (&k, &c) in corpus {
        let e = most.entry(letter_pair(k)).or_default();
        *e = e.max(c);
    }
    listed.retain(|&k, _| {
        let own = corpus.get(&k).copied().unwrap_or(0.0);
        let top = most.get(&letter_pair(k)).copied().unwrap_or(0.0);
        top < SUSPECT_DOMINANCE * (own + 1.0)
    });
}

/// The name in a gazetteer cell: lower case canonical syllables, the unit type dropped; `None`
/// unless two or more syllables of the model's vocabulary remain.
fn place_name(cell: &str, m: &Model) -> Option<String> {
    let lower = canonical_words(cell.trim());
    let mut rest = lower.as_str();
    for t in UNIT_TYPES {
        if let Some(r) = rest.strip_prefix(t).and_then(|r| r.strip_prefix(' ')) {
            rest = r;
            break;
        }
    }
    let words: Vec<&str> = rest.split(' ').collect();
    let ok = words.len() >= 2
        && words
            .iter()
            .all(|w| w.chars().all(char::is_alphabetic) && m.id(w).is_some());
    ok.then(|| words.join(" "))
}

fn canonical_words(text: &str) -> String {
    text.split_whitespace()
        .map(canonical_lower)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the place names of `lists` to `path`, sorted, each once with the provinces it lies in
/// (`name TAB province,province`: a row's province is its cell that starts with `Tỉnh` or
/// `Thành phố`); returns how many.
fn write_names(lists: &[PathBuf], path: &Path, m: &Model) -> Result<usize, Error> {
    let mut names: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for list in lists {
        let text = read_source(list)?;
        for line in text.lines() {
            let province = line
                .split('\t')
                .find(|c| c.starts_with("Tỉnh ") || c.starts_with("Thành phố "))
                .and_then(|c| place_name(c, m));
            for name in line.split('\t').filter_map(|cell| place_name(cell, m)) {
                let entry = names.entry(name).or_default();
                entry.extend(province.clone());
            }
        }
    }
    let mut text = String::from(
        "# place names, lower case, and the provinces they lie in (learned by sohoa lm build --names)\n",
    );
    for (name, provinces) in &names {
        text.push_str(name);
        text.push('\t');
        text.push_str(&provinces.iter().cloned().collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| Error::Io(path.display().to_string(), e))?;
    Ok(names.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_normalised_model() {
        let dir = std::env::temp_dir().join(format!("sohoa-lm-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("c.txt");
        let mut text = String::new();
        for _ in 0..20 {
            text.push_str("Ủy ban nhân dân tỉnh ban hành kế hoạch số 12-KH/UBND.\n");
            text.push_str("Nghị quyết của Hội đồng nhân dân tỉnh theo QĐ-TTg.\n");
            text.push_str("Ban Thường vụ Tỉnh uỷ về triển khai kế hoạch.\n");
        }
        std::fs::write(&src, text).unwrap();
        let opts = BuildOptions {
            corpora: vec![(src, 1.0)],
            out: dir.clone(),
            dedup_min_words: 0,
            ..Default::default()
        };
        let report = build(&opts, &mut std::io::sink()).unwrap();
        assert!(report.vocab > 10);
        let m = Model::load(&dir).unwrap();
        let (tinh, uy) = (m.id("tỉnh").unwrap(), m.id("ủy").unwrap());
        // the canonical form of "uỷ" is "ủy"
        assert!(m.id("uỷ").is_none());
        // conditional distributions sum to about one
        let total: f64 = (0..m.vocab.len() as u32)
            .map(|w| 10f64.powf(m.logp3(BOS, tinh, w) as f64))
            .sum();
        assert!((total - 1.0).abs() < 0.05, "sum {total}");
        let total: f64 = (0..m.vocab.len() as u32)
            .map(|w| 10f64.powf(m.logp2(tinh, w) as f64))
            .sum();
        assert!((total - 1.0).abs() < 0.05, "sum {total}");
        assert!(m.logp2(tinh, uy) > m.logp2(tinh, m.id("kế").unwrap()));
        let abbr = std::fs::read_to_string(dir.join(ABBREV_FILE)).unwrap();
        assert!(abbr.contains("QD\tQĐ"), "{abbr}");
        std::fs::remove_dir_all(&dir).ok();
    }

    fn build_text(name: &str, text: &str, opts: BuildOptions) -> (BuildReport, Model) {
        let dir = std::env::temp_dir().join(format!("sohoa-lm-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("c.txt");
        std::fs::write(&src, text).unwrap();
        let opts = BuildOptions {
            corpora: vec![(src, 1.0)],
            out: dir.clone(),
            min_unigram: 1.0,
            min_trigram: 1.0,
            ..opts
        };
        let report = build(&opts, &mut std::io::sink()).unwrap();
        let model = Model::load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        (report, model)
    }

    #[test]
    fn repeated_long_lines_count_once() {
        let line = "Điều này áp dụng đối với cơ quan nhà nước các cấp.\n";
        let text = format!("{}Ngắn gọn.\nNgắn gọn.\n", line.repeat(10));
        let (once, _) = build_text("dedup", &text, BuildOptions::default());
        let no_dedup = BuildOptions {
            dedup_min_words: 0,
            ..Default::default()
        };
        let (all, _) = build_text("nodedup", &text, no_dedup);
        // ten long lines of 12 words count once; the short line counts twice either way
        assert_eq!(all.tokens, 10 * 12 + 2 * 2);
        assert_eq!(once.tokens, 12 + 2 * 2);
    }

    #[test]
    fn listed_word_pairs_add_bigrams_but_no_words() {
        let mut text = String::new();
        for _ in 0..40 {
            text.push_str("ngành giáo dục và ngành y tế, giao thông và điện lực.\n");
        }
        let dir = std::env::temp_dir().join(format!("sohoa-lm-pairs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let list = dir.join("vie.word.bigrams");
        // a new pair of known words, a pair with an unknown word, a line of three words
        std::fs::write(&list, "ngành điện\nngành lạhoắc\nkhông đủ ba từ\n").unwrap();
        let with = BuildOptions {
            word_pairs: vec![(list, 1.0)],
            ..Default::default()
        };
        let (_, plain) = build_text("nopairs", &text, BuildOptions::default());
        let (_, m) = build_text("pairs", &text, with);
        std::fs::remove_dir_all(&dir).ok();
        let id = |m: &Model, w: &str| m.id(w).unwrap();
        let (nganh, dien) = (id(&m, "ngành"), id(&m, "điện"));
        assert!(
            m.logp2(nganh, dien) > plain.logp2(id(&plain, "ngành"), id(&plain, "điện")) + 0.3,
            "the listed pair is likelier"
        );
        assert_eq!(m.vocab.len(), plain.vocab.len(), "no word is added");
        // a pair the corpora write with other marks 30 times as often is not listed
        let vocab: Vec<String> = ["giao", "thông", "thong", "cơ", "có", "thể"]
            .map(String::from)
            .to_vec();
        let corpus: FxHashMap<u32, f32> = [
            (key2(0, 1), 300.0),
            (key2(0, 2), 2.0),
            (key2(4, 5), 50.0),
            (key2(3, 5), 12.0),
        ]
        .into_iter()
        .collect();
        let mut listed: FxHashMap<u32, f32> =
            [(key2(0, 2), 1.0), (key2(3, 5), 1.0)].into_iter().collect();
        drop_contradicted_pairs(&mut listed, &corpus, &vocab);
        assert!(!listed.contains_key(&key2(0, 2)), "giao thong");
        assert!(
            listed.contains_key(&key2(3, 5)),
            "cơ thể is a word of its own"
        );
    }

    #[test]
    fn lines_with_lost_marks_are_dropped() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!(
                "Lần {i} tổ chức chuyển đổi số trong doanh nghiệp.\n"
            ));
        }
        // the same words with marks lost, as in text extracted from a poor scan
        text.push_str("Tổ chức chuyên đôi sô trong doanh nghiêp.\n");
        text.push_str("Một dòng khác hẳn về kế hoạch năm nay.\n");
        let (report, m) = build_text("noise", &text, BuildOptions::default());
        assert_eq!(report.noisy_lines, 1);
        assert!(
            m.id("nghiêp").is_none(),
            "the noisy line's words are not counted"
        );
        assert!(m.id("kế").is_some(), "a clean line of other words stays");
        let off = BuildOptions {
            noise_ratio: 0.0,
            ..Default::default()
        };
        let (report, m) = build_text("nonoise", &text, off);
        assert_eq!(report.noisy_lines, 0);
        assert!(m.id("nghiêp").is_some());
    }

    #[test]
    fn place_names_drop_the_unit_type() {
        let text = "Thành phố Hà Nội phường Hạc Thành xã Thiệu Tiến tỉnh Thanh Hóa Lào Cai\n";
        let (_, m) = build_text("names", &text.repeat(3), BuildOptions::default());
        let name = |cell: &str| place_name(cell, &m);
        assert_eq!(name("Phường Hạc Thành").as_deref(), Some("hạc thành"));
        assert_eq!(name("Thành phố Hà Nội").as_deref(), Some("hà nội"));
        assert_eq!(name("Tỉnh Thanh Hoá").as_deref(), Some("thanh hóa"));
        assert_eq!(name("Lào Cai").as_deref(), Some("lào cai"));
        // one syllable left, a number, or a word the model does not know: no name
        assert_eq!(name("Phường Thành"), None);
        assert_eq!(name("Phường 12"), None);
        assert_eq!(name("Xã Zzz Yyy"), None);
    }
}
