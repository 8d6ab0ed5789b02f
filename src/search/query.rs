//! Queries: parsing, ranking (exact over folded), filters, facet counts and snippets; and the
//! `sohoa search` command.
//!
//! Query syntax: words (all must match, in any of text, title, reference), `"quoted phrases"`
//! (also `“…”`), and `-word` / `-"phrase"` to exclude. A word that the tokenizer splits into
//! several tokens is a phrase, so a symbol typed as `265-KH/TU` matches exactly that sequence;
//! typed as `265 KH TU` its parts must all occur. Diacritics are optional: each word matches its
//! folded form, and its exact form scores more.
//!
//! ```
//! use sohoa::search::query::{parse, Clause};
//! assert_eq!(
//!     parse("binh dan \"học vụ số\" -tuần").unwrap(),
//!     vec![
//!         Clause::Word("binh".into()),
//!         Clause::Word("dan".into()),
//!         Clause::Phrase("học vụ số".into()),
//!         Clause::Not("tuần".into()),
//!     ]
//! );
//! ```

use super::index::{Opened, open};
use super::record::date_to_secs;
use super::schema::Fields;
use super::tokenize::{exact_analyzer, folded_analyzer, key, tokens};
use super::{Error, MAX_QUERY_BYTES, MAX_QUERY_CLAUSES, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::aggregation::{AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, IndexReader, TantivyDocument};
use unicode_normalization::UnicodeNormalization;

/// Boost of an exact (diacritics kept) match over a folded one.
pub const EXACT_BOOST: f32 = 2.0;
/// Boost of a match in the title.
const TITLE_BOOST: f32 = 1.5;
/// Boost of a match in the reference (number and symbol).
const REFERENCE_BOOST: f32 = 4.0;
/// Most results one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Deepest result one request may page to.
pub const MAX_OFFSET: usize = 100_000;
/// Buckets returned per facet.
const FACET_SIZE: u32 = 30;
/// The facets computed for every search.
pub const FACETS: [&str; 5] = ["doc_type", "issuer", "system", "place", "year"];

/// One clause of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word (several tokens, like `265-KH/TU`, make a phrase).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// A word or phrase that must not occur.
    Not(String),
}

/// Splits a query into clauses (NFC-normalised). Fails on a query longer than
/// [`MAX_QUERY_BYTES`] or with more than [`MAX_QUERY_CLAUSES`] clauses.
pub fn parse(query: &str) -> Result<Vec<Clause>> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::BadQuery(format!(
            "query too long ({} bytes, at most {MAX_QUERY_BYTES})",
            query.len()
        )));
    }
    let query: String = query.nfc().collect();
    let is_quote = |c: char| matches!(c, '"' | '“' | '”');
    let mut clauses = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        let quoted = chars.peek().copied().is_some_and(is_quote);
        let mut text = String::new();
        if quoted {
            chars.next();
            for c in chars.by_ref() {
                if is_quote(c) {
                    break;
                }
                text.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || is_quote(c) {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        let text = text.trim().to_owned();
        if text.is_empty() {
            continue;
        }
        clauses.push(match (negated, quoted) {
            (true, _) => Clause::Not(text),
            (false, true) => Clause::Phrase(text),
            (false, false) => Clause::Word(text),
        });
        if clauses.len() > MAX_QUERY_CLAUSES {
            return Err(Error::BadQuery(format!(
                "too many words (at most {MAX_QUERY_CLAUSES})"
            )));
        }
    }
    Ok(clauses)
}

/// A search: the query text, filters and paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Query text (see [`parse`]); empty means every document (filters still apply).
    pub query: String,
    /// Document type name or code, any case, diacritics optional (`Báo cáo`, `bao cao`, `BC`).
    pub doc_type: Option<String>,
    /// Issuer: a phrase of the issuer's name, diacritics optional (`tuyen giao`).
    pub issuer: Option<String>,
    /// `party` or `state`.
    pub system: Option<String>,
    /// Place, exactly as indexed (a facet value).
    pub place: Option<String>,
    /// Year of issue (or of the reporting period).
    pub year: Option<u64>,
    /// Issued on or after this ISO date.
    pub from: Option<String>,
    /// Issued on or before this ISO date.
    pub to: Option<String>,
    /// Results to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Results to skip.
    pub offset: usize,
    /// Longest snippet, in characters.
    pub snippet_chars: usize,
}

impl Request {
    /// A request for `query` with no filters, the first 10 results and 240-character snippets.
    pub fn new(query: &str) -> Request {
        Request {
            query: query.to_owned(),
            doc_type: None,
            issuer: None,
            system: None,
            place: None,
            year: None,
            from: None,
            to: None,
            limit: 10,
            offset: 0,
            snippet_chars: 240,
        }
    }
}

/// A text fragment with highlighted byte ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The fragment, whitespace collapsed to single spaces.
    pub text: String,
    /// Highlighted `[start, end)` byte ranges in `text`.
    pub highlights: Vec<[usize; 2]>,
}

impl Snippet {
    /// The fragment with each highlight wrapped in `open` … `close`.
    ///
    /// ```
    /// let s = sohoa::search::query::Snippet { text: "Tỉnh ủy".into(), highlights: vec![[0, 6]] };
    /// assert_eq!(s.marked("[", "]"), "[Tỉnh] ủy");
    /// ```
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut at = 0;
        for &[start, end] in &self.highlights {
            let (Some(before), Some(mid)) = (self.text.get(at..start), self.text.get(start..end))
            else {
                continue;
            };
            out.push_str(before);
            out.push_str(open);
            out.push_str(mid);
            out.push_str(close);
            at = end;
        }
        out.push_str(self.text.get(at..).unwrap_or_default());
        out
    }

    /// Builds a snippet from tantivy's, collapsing whitespace (page breaks, new lines).
    fn from_tantivy(snippet: &tantivy::snippet::Snippet) -> Snippet {
        let ranges = snippet.highlighted();
        let mut out = Snippet::default();
        let mut space = false;
        let mut next = 0;
        let mut open: Option<usize> = None;
        for (i, c) in snippet.fragment().char_indices() {
            if let (Some(start), Some(range)) = (open, ranges.get(next)) {
                if i >= range.end {
                    out.highlights.push([start, out.text.len()]);
                    open = None;
                    next += 1;
                }
            }
            // Control characters (page breaks, stray bytes of OCR) read as spaces.
            if c.is_whitespace() || c.is_control() {
                space = true;
                continue;
            }
            if space && !out.text.is_empty() {
                out.text.push(' ');
            }
            space = false;
            if open.is_none() && ranges.get(next).is_some_and(|r| i >= r.start) {
                open = Some(out.text.len());
            }
            out.text.push(c);
        }
        if let Some(start) = open {
            out.highlights.push([start, out.text.len()]);
        }
        out
    }

    /// The first `chars` characters of a text, for documents matched outside their text.
    fn head(text: &str, chars: usize) -> Snippet {
        let words = text
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|w| !w.is_empty());
        let mut out = String::new();
        let mut count = 0;
        for word in words {
            let n = word.chars().count();
            if count + n > chars {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
                count += 1;
            }
            out.push_str(word);
            count += n;
        }
        Snippet {
            text: out,
            highlights: Vec::new(),
        }
    }
}

/// The stored fields of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocInfo {
    /// Record path relative to the output folder.
    pub path: String,
    /// Source document path, as recorded.
    pub source: Option<String>,
    /// Number and symbol.
    pub reference: Option<String>,
    /// Date of issue, ISO.
    pub issued_date: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Type name.
    pub doc_type: Option<String>,
    /// Type code.
    pub doc_type_code: Option<String>,
    /// Subject line.
    pub title: Option<String>,
    /// `party` or `state`.
    pub system: Option<String>,
    /// Place.
    pub place: Option<String>,
    /// Year.
    pub year: Option<u64>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// BM25 score (exact matches weigh [`EXACT_BOOST`] times more).
    pub score: f32,
    /// The document's stored fields.
    #[serde(flatten)]
    pub doc: DocInfo,
    /// A fragment of the text around the best match.
    pub snippet: Snippet,
}

/// One facet value and how many matching documents have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Matching documents with it.
    pub count: u64,
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Documents matching (all of them, not only those returned).
    pub total: usize,
    /// The requested page of results, best first.
    pub hits: Vec<Hit>,
    /// Counts per facet value over all matching documents (see [`FACETS`]).
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// A reader over an index, shared by the CLI and the web server (`Send + Sync`).
pub struct Searcher {
    opened: Opened,
    reader: IndexReader,
}

impl Searcher {
    /// Opens the index in `index_dir` (see [`super::index::open`]).
    pub fn open(index_dir: &Path) -> Result<Searcher> {
        let opened = open(index_dir)?;
        let reader = opened.index.reader()?;
        Ok(Searcher { opened, reader })
    }

    /// The indexed output folder (absolute, canonical).
    pub fn root(&self) -> &Path {
        &self.opened.root
    }

    /// Documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Picks up a newer commit of the index (after a re-index).
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// Runs a search.
    pub fn search(&self, request: &Request) -> Result<Response> {
        let f = &self.opened.fields;
        let clauses = parse(&request.query)?;
        let (positive, negative) = clause_queries(f, &clauses);
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if positive.is_empty() {
            parts.push((Occur::Must, Box::new(AllQuery)));
        }
        for q in &positive {
            parts.push((Occur::Must, q.box_clone()));
        }
        for q in negative {
            parts.push((Occur::MustNot, q));
        }
        for filter in filters(f, request)? {
            parts.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        let query = BooleanQuery::new(parts);

        let limit = request.limit.clamp(1, MAX_LIMIT);
        let searcher = self.reader.searcher();
        let aggs: Aggregations = serde_json::from_value(facet_request())
            .map_err(|e| Error::BadQuery(format!("facet request: {e}")))?;
        let collector = (
            TopDocs::with_limit(limit).and_offset(request.offset.min(MAX_OFFSET)),
            Count,
            AggregationCollector::from_aggs(aggs, AggregationLimitsGuard::default()),
        );
        let (top, total, aggs) = searcher.search(&query, &collector)?;

        // Distinct folded words of the query, for choosing the snippet.
        let wanted = {
            let mut words: Vec<String> = clauses
                .iter()
                .filter_map(|c| match c {
                    Clause::Word(t) | Clause::Phrase(t) => Some(t),
                    Clause::Not(_) => None,
                })
                .flat_map(|t| tokens(&mut folded_analyzer(), t))
                .collect();
            words.sort();
            words.dedup();
            words.len()
        };
        let snippets = if positive.is_empty() {
            None
        } else {
            let highlight = BooleanQuery::new(
                positive
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect::<Vec<_>>(),
            );
            let mut generator = SnippetGenerator::create(&searcher, &highlight, f.text_folded)?;
            generator.set_max_num_chars(request.snippet_chars.max(20));
            Some(generator)
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = doc.get_first(f.text).and_then(|v| v.as_str()).unwrap_or("");
            let snippet = snippets
                .as_ref()
                .and_then(|g| best_snippet(g, text, wanted))
                .map_or_else(
                    || Snippet::head(text, request.snippet_chars.max(20)),
                    |s| Snippet::from_tantivy(&s),
                );
            hits.push(Hit {
                score,
                doc: doc_info(f, &doc),
                snippet,
            });
        }
        Ok(Response {
            total,
            hits,
            facets: facet_counts(&aggs),
        })
    }

    /// The stored fields and the stored (repaired) text of the document with record path `path`.
    pub fn document(&self, path: &str) -> Result<Option<(DocInfo, String)>> {
        let f = &self.opened.fields;
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(f.path, path),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&query, &TopDocs::with_limit(1))?;
        let Some((_, address)) = top.into_iter().next() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = doc
            .get_first(f.text)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned();
        Ok(Some((doc_info(f, &doc), text)))
    }
}

/// Bytes of text given to the snippet generator at a time (extended to the next space).
const SNIPPET_WINDOW: usize = 16 * 1024;
/// Bytes of text scanned for a better snippet once one has been found.
const SNIPPET_SCAN: usize = 64 * 1024;

/// The snippet of a document's text, without tokenizing all of a long text: the text is read
/// window by window, keeping the snippet with the most distinct query words; reading stops
/// when a snippet has all `wanted` words, or after [`SNIPPET_SCAN`] bytes once there is one.
/// `None` when no window matches (the document matched by its title or reference).
fn best_snippet(
    generator: &SnippetGenerator,
    text: &str,
    wanted: usize,
) -> Option<tantivy::snippet::Snippet> {
    let mut best: Option<(usize, tantivy::snippet::Snippet)> = None;
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + SNIPPET_WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        end = text
            .get(end..)
            .and_then(|rest| rest.find(char::is_whitespace))
            .map_or(text.len(), |space| end + space);
        let Some(window) = text.get(start..end) else {
            break;
        };
        let snippet = generator.snippet(window);
        if !snippet.is_empty() {
            let mut words: Vec<String> = snippet
                .highlighted()
                .iter()
                .filter_map(|r| snippet.fragment().get(r.clone()))
                .map(|w| crate::viet::fold(&w.to_lowercase()))
                .collect();
            words.sort();
            words.dedup();
            let found = words.len();
            if best.as_ref().is_none_or(|(n, _)| found > *n) {
                best = Some((found, snippet));
            }
            if found >= wanted {
                break;
            }
        }
        if best.is_some() && end >= SNIPPET_SCAN {
            break;
        }
        start = end;
    }
    best.map(|(_, snippet)| snippet)
}

/// The query of one field for a token sequence: a term, or a phrase for several tokens.
fn field_query(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = terms
        .iter()
        .map(|t| Term::from_field_text(field, t))
        .collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.into_iter().next()?,
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

/// The query of one clause over all searchable fields, exact forms boosted.
fn clause_query(f: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let exact = tokens(&mut exact_analyzer(), text);
    let folded = tokens(&mut folded_analyzer(), text);
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |field: Field, terms: &[String], boost: f32| {
        if let Some(q) = field_query(field, terms) {
            let q: Box<dyn Query> = if (boost - 1.0).abs() < f32::EPSILON {
                q
            } else {
                Box::new(BoostQuery::new(q, boost))
            };
            should.push((Occur::Should, q));
        }
    };
    add(f.text, &exact, EXACT_BOOST);
    add(f.text_folded, &folded, 1.0);
    add(f.title, &exact, EXACT_BOOST * TITLE_BOOST);
    add(f.title_folded, &folded, TITLE_BOOST);
    add(f.reference_folded, &folded, REFERENCE_BOOST);
    if should.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(should)))
    }
}

/// A list of boxed queries.
type Queries = Vec<Box<dyn Query>>;

/// The positive and the excluded clause queries.
fn clause_queries(f: &Fields, clauses: &[Clause]) -> (Queries, Queries) {
    let mut positive = Vec::new();
    let mut negative = Vec::new();
    for clause in clauses {
        match clause {
            Clause::Word(t) | Clause::Phrase(t) => positive.extend(clause_query(f, t)),
            Clause::Not(t) => negative.extend(clause_query(f, t)),
        }
    }
    (positive, negative)
}

/// The filter queries of a request.
fn filters(f: &Fields, r: &Request) -> Result<Vec<Box<dyn Query>>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let term = |field: Field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    };
    if let Some(t) = r.doc_type.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(term(f.doc_type_key, &key(t)));
    }
    if let Some(issuer) = r.issuer.as_deref().filter(|s| !s.trim().is_empty()) {
        let terms = tokens(&mut folded_analyzer(), issuer);
        match field_query(f.issuer_folded, &terms) {
            Some(q) => out.push(q),
            None => return Err(Error::BadQuery(format!("no words in issuer {issuer:?}"))),
        }
    }
    if let Some(system) = r.system.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(term(f.system, &key(system)));
    }
    if let Some(place) = r.place.as_deref().filter(|s| !s.trim().is_empty()) {
        let place: String = place.trim().nfc().collect();
        out.push(term(f.place, &place));
    }
    if let Some(year) = r.year {
        out.push(Box::new(TermQuery::new(
            Term::from_field_u64(f.year, year),
            IndexRecordOption::Basic,
        )));
    }
    let bound = |date: Option<&str>, name: &str| -> Result<Bound<Term>> {
        match date.map(str::trim).filter(|d| !d.is_empty()) {
            None => Ok(Bound::Unbounded),
            Some(d) => {
                let secs = date_to_secs(d).ok_or_else(|| {
                    Error::BadQuery(format!("{name} {d:?} is not a date (YYYY-MM-DD)"))
                })?;
                Ok(Bound::Included(Term::from_field_date(
                    f.issued_date,
                    DateTime::from_timestamp_secs(secs),
                )))
            }
        }
    };
    let (from, to) = (
        bound(r.from.as_deref(), "--from")?,
        bound(r.to.as_deref(), "--to")?,
    );
    if !matches!((&from, &to), (Bound::Unbounded, Bound::Unbounded)) {
        out.push(Box::new(RangeQuery::new(from, to)));
    }
    Ok(out)
}

/// The aggregation request for the facet counts.
fn facet_request() -> serde_json::Value {
    let mut req = serde_json::Map::new();
    for name in FACETS {
        req.insert(
            name.to_owned(),
            serde_json::json!({"terms": {"field": name, "size": FACET_SIZE}}),
        );
    }
    serde_json::Value::Object(req)
}

/// Facet counts out of the aggregation results.
fn facet_counts(results: &AggregationResults) -> BTreeMap<String, Vec<FacetCount>> {
    let json = serde_json::to_value(results).unwrap_or_default();
    let mut out = BTreeMap::new();
    for name in FACETS {
        let buckets = json
            .get(name)
            .and_then(|a| a.get("buckets"))
            .and_then(|b| b.as_array())
            .cloned()
            .unwrap_or_default();
        let counts = buckets
            .iter()
            .filter_map(|b| {
                let value = match b.get("key")? {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => match n.as_u64() {
                        Some(u) => u.to_string(),
                        None => format!("{}", n.as_f64()?.round() as i64),
                    },
                    _ => return None,
                };
                Some(FacetCount {
                    value,
                    count: b.get("doc_count")?.as_u64()?,
                })
            })
            .collect();
        out.insert(name.to_owned(), counts);
    }
    out
}

/// The stored fields of a document.
fn doc_info(f: &Fields, doc: &TantivyDocument) -> DocInfo {
    let s = |field: Field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let issued_date = doc
        .get_first(f.issued_date)
        .and_then(|v| v.as_datetime())
        .map(|d| {
            let d = d.into_utc().date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        });
    DocInfo {
        path: s(f.path).unwrap_or_default(),
        source: s(f.source).filter(|p| !p.is_empty()),
        reference: s(f.reference),
        issued_date,
        issuer: s(f.issuer),
        doc_type: s(f.doc_type),
        doc_type_code: s(f.doc_type_code),
        title: s(f.title),
        system: s(f.system),
        place: s(f.place),
        year: doc.get_first(f.year).and_then(|v| v.as_u64()),
    }
}

/// The index folder to use when `--index` is not given: `$SOHOA_INDEX`, else `out/.index`.
pub fn default_index() -> PathBuf {
    std::env::var_os("SOHOA_INDEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("out/.index"))
}

/// The human-readable listing of a response; highlights in bold on a terminal, else `**…**`.
pub fn render_text(response: &Response, terminal: bool) -> String {
    use std::fmt::Write;
    let (open, close) = if terminal {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let mut out = String::new();
    let shown = response.hits.len();
    let _ = writeln!(
        out,
        "{} document{} found{}",
        response.total,
        if response.total == 1 { "" } else { "s" },
        if shown < response.total {
            format!(", showing {shown}")
        } else {
            String::new()
        }
    );
    for (i, hit) in response.hits.iter().enumerate() {
        let d = &hit.doc;
        let head: Vec<&str> = [&d.reference, &d.issued_date, &d.issuer]
            .into_iter()
            .map(|v| v.as_deref().unwrap_or("—"))
            .collect();
        let _ = writeln!(out, "\n{}. {}", i + 1, head.join(" · "));
        let title = match (&d.doc_type, &d.title) {
            (Some(t), Some(title)) => format!("{t}: {title}"),
            (Some(t), None) => t.clone(),
            (None, Some(title)) => title.clone(),
            (None, None) => String::new(),
        };
        if !title.is_empty() {
            let _ = writeln!(out, "   {title}");
        }
        if !hit.snippet.text.is_empty() {
            let _ = writeln!(out, "   …{}…", hit.snippet.marked(open, close));
        }
        let _ = writeln!(out, "   {}", d.path);
    }
    out
}
