//! Candidate generation for OCR tokens: a search of the vocabulary trie under the learned
//! confusion channel (weighted edit distance with 1→0/1/2 character edits and insertions),
//! pruned as soon as every alignment of a prefix costs more than the bound.

use crate::lm::confusions::Channel;
use rustc_hash::FxHashMap;

struct Node {
    ch: u16,
    children: Vec<u32>,
    word: u32,
}

/// The vocabulary words (lower case) in a trie over a dense alphabet.
pub struct Trie {
    nodes: Vec<Node>,
    alphabet: Vec<char>,
}

/// One candidate: vocabulary id and channel cost (−ln P(ocr | word)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Vocabulary id.
    pub id: u32,
    /// Channel cost.
    pub cost: f32,
}

const NONE: u32 = u32::MAX;

impl Trie {
    /// Builds the trie of `words` (id, lower-case text).
    pub fn new<'a>(words: impl Iterator<Item = (u32, &'a str)>) -> Trie {
        let mut alpha: FxHashMap<char, u16> = FxHashMap::default();
        let mut alphabet = Vec::new();
        let mut nodes = vec![Node {
            ch: 0,
            children: Vec::new(),
            word: NONE,
        }];
        for (id, w) in words {
            let mut at = 0usize;
            for c in w.chars() {
                let ci = *alpha.entry(c).or_insert_with(|| {
                    alphabet.push(c);
                    (alphabet.len() - 1) as u16
                });
                let next = nodes[at]
                    .children
                    .iter()
                    .copied()
                    .find(|&n| nodes[n as usize].ch == ci);
                at = match next {
                    Some(n) => n as usize,
                    None => {
                        nodes.push(Node {
                            ch: ci,
                            children: Vec::new(),
                            word: NONE,
                        });
                        let n = nodes.len() - 1;
                        nodes[at].children.push(n as u32);
                        n
                    }
                };
            }
            if nodes[at].word == NONE {
                nodes[at].word = id;
            }
        }
        Trie { nodes, alphabet }
    }

    /// The words within `margin` of the best and under `limit`, cheapest first, at most `max`.
    pub fn search(
        &self,
        ocr: &[char],
        channel: &Channel,
        limit: f32,
        margin: f32,
        max: usize,
    ) -> Vec<Hit> {
        let m = ocr.len();
        let a = self.alphabet.len();
        // per-query cost tables over the alphabet
        let mut del = vec![0f32; a];
        let mut sub1 = vec![0f32; a * m.max(1)];
        let mut sub2 = vec![0f32; a * m.max(1)];
        for (x, &c) in self.alphabet.iter().enumerate() {
            del[x] = channel.sub_chars(c, &[]);
            for j in 0..m {
                sub1[x * m + j] = channel.sub_chars(c, &ocr[j..j + 1]);
                if j + 1 < m {
                    sub2[x * m + j] = channel.sub_chars(c, &ocr[j..j + 2]);
                }
            }
        }
        let ins: Vec<f32> = ocr.iter().map(|&c| channel.insert(c)).collect();
        let w = m + 1;
        let mut rows: Vec<f32> = Vec::with_capacity(w * 24);
        rows.resize(w, 0.0);
        for j in 1..=m {
            rows[j] = rows[j - 1] + ins[j - 1];
        }
        let mut hits: Vec<Hit> = Vec::new();
        let mut bound = limit;
        // depth-first: stack of (node, depth)
        let mut stack: Vec<(u32, usize)> = self.nodes[0]
            .children
            .iter()
            .rev()
            .map(|&n| (n, 1))
            .collect();
        while let Some((n, depth)) = stack.pop() {
            if depth > 24 {
                continue;
            }
            rows.truncate(depth * w);
            rows.resize((depth + 1) * w, f32::INFINITY);
            let (parent, row) = rows.split_at_mut(depth * w);
            let parent = &parent[(depth - 1) * w..];
            let node = &self.nodes[n as usize];
            let x = node.ch as usize;
            let mut best = f32::INFINITY;
            for j in 0..=m {
                let mut c = parent[j] + del[x];
                if j >= 1 {
                    c = c
                        .min(parent[j - 1] + sub1[x * m + j - 1])
                        .min(row[j - 1] + ins[j - 1]);
                }
                if j >= 2 {
                    c = c.min(parent[j - 2] + sub2[x * m + j - 2]);
                }
                row[j] = c;
                best = best.min(c);
            }
            if best > bound {
                continue;
            }
            if node.word != NONE && row[m] <= bound {
                hits.push(Hit {
                    id: node.word,
                    cost: row[m],
                });
                if row[m] + margin < bound {
                    bound = row[m] + margin;
                }
            }
            for &c in node.children.iter().rev() {
                stack.push((c, depth + 1));
            }
        }
        hits.retain(|h| h.cost <= bound);
        hits.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        hits.truncate(max);
        hits
    }
}

/// −ln P(`ocr` | `truth`) under the channel: the cheapest alignment of one word.
pub fn word_cost(truth: &[char], ocr: &[char], channel: &Channel) -> f32 {
    let (n, m) = (truth.len(), ocr.len());
    let w = m + 1;
    let mut dp = vec![f32::INFINITY; (n + 1) * w];
    dp[0] = 0.0;
    for j in 1..=m {
        dp[j] = dp[j - 1] + channel.insert(ocr[j - 1]);
    }
    for i in 1..=n {
        let t = truth[i - 1];
        for j in 0..=m {
            let mut c = dp[(i - 1) * w + j] + channel.sub_chars(t, &[]);
            if j >= 1 {
                c = c
                    .min(dp[(i - 1) * w + j - 1] + channel.sub_chars(t, &ocr[j - 1..j]))
                    .min(dp[i * w + j - 1] + channel.insert(ocr[j - 1]));
            }
            if j >= 2 {
                c = c.min(dp[(i - 1) * w + j - 2] + channel.sub_chars(t, &ocr[j - 2..j]));
            }
            dp[i * w + j] = c;
        }
    }
    dp[n * w + m]
}
