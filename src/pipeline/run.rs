//! The batch run: plan, process pages of all documents in one pool, write, record, report.

use super::discover::{Input, discover};
use super::manifest::{Entry, Manifest, Status, write_atomically};
use super::progress::{Progress, ProgressMode};
use super::record::{PageRecord, RECORD_FORMAT, Record, SourceInfo, Timing, ToolInfo};
use super::shard::Shard;
use super::shard_plan::ShardPlan;
use crate::extract::{self, LayoutLine};
use crate::ingest::text_layer::{LayerKind, TextLayerPolicy, TextSourceKind};
use crate::ingest::{Alternative, Document, Limits, Word};
use crate::ocr::{OcrOptions, TextSource, reading};
use crate::repair::{
    Detail, Mode, RecogniserHints, Repairer, SecondReading, Session, take_layer_symbols,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Largest plain-text input (legacy OCR `.txt`) accepted.
pub const MAX_TEXT_BYTES: u64 = 64 << 20;

/// The run report's file name inside the output folder.
pub const REPORT_FILE: &str = "run-report.json";

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Worker threads for pages (0: the number of cores).
    pub jobs: usize,
    /// Also write a searchable PDF per scanned document.
    pub pdf: bool,
    /// What to do with PDF text layers: judge them (default), trust them, or OCR every page.
    pub text_layer: TextLayerPolicy,
    /// Identify the searchable PDF as PDF/A-2b.
    pub pdfa: bool,
    /// Also write ALTO v4 XML per scanned document.
    pub alto: bool,
    /// Also write hOCR per scanned document.
    pub hocr: bool,
    /// Tesseract settings.
    pub ocr: OcrOptions,
    /// Password for encrypted PDFs.
    pub password: Option<String>,
    /// Size limits for inputs.
    pub limits: Limits,
    /// How progress is shown.
    pub progress: ProgressMode,
    /// Only the documents of this shard, with the shard's own manifest and report; `None`: all.
    pub shard: Option<Shard>,
}

/// A document that could not be processed, or a page that failed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    /// The input file.
    pub path: String,
    /// The page, when only a page failed.
    pub page: Option<u32>,
    /// Why.
    pub reason: String,
}

/// What a run did (`OUT/run-report.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunReport {
    /// Documents found.
    pub documents: usize,
    /// Documents processed now.
    pub done: usize,
    /// Documents already finished by an earlier run with the same input and model.
    pub skipped: usize,
    /// Documents that could not be processed.
    pub failed: usize,
    /// Pages processed now.
    pub pages: u64,
    /// Pages that failed (their documents were still written).
    pub pages_failed: u64,
    /// Every failed document and page, with the reason.
    pub failures: Vec<Failure>,
    /// Warnings per document (invalid UTF-8, doubtful metadata, ...), counted.
    pub warnings: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Throughput.
    pub pages_per_minute: f64,
    /// The run was interrupted; unfinished documents are picked up by the next run.
    pub interrupted: bool,
    /// sohoa, model and language fingerprint.
    pub key: String,
    /// Unix time the run started (with `seconds`, when it ran: `sohoa status` sums shards).
    #[serde(default)]
    pub started: u64,
    /// The shard this run processed, when it was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

enum Plan {
    Skip,
    Failed(String),
    Scan { pages: u32 },
    Text { pages: u32 },
}

struct Job {
    input: Input,
    sha256: String,
    bytes: u64,
    plan: Plan,
}

fn is_text_input(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((format!("{:x}", hasher.finalize()), bytes))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The repaired text of a page in `mode`, or the raw text without a repairer; `session`
/// carries the document's usage from page to page.
fn repair_text(
    repairer: Option<&Repairer>,
    session: &mut Session,
    raw: &str,
    mode: Mode,
    warnings: &mut Vec<String>,
) -> String {
    match repairer {
        Some(r) => {
            let restored = r.restore_in(session, raw, mode, Detail::Text);
            warnings.extend(restored.warnings);
            restored.text
        }
        None => raw.to_string(),
    }
}

/// Words of a page grouped by line, with the repaired text of each line.
///
/// Tesseract's text lists the lines of its TSV in the same order (blank lines between blocks),
/// and repair keeps lines, so non-empty line N of the repaired text belongs to word line N.
/// Within a line, repaired tokens replace the OCR words one for one when the counts agree;
/// otherwise (a split or merged word) the line keeps one box holding the whole repaired line.
pub fn repaired_lines(words: &[Word], repaired: &str) -> Vec<(Vec<Word>, String)> {
    paired_lines(words, repaired)
        .into_iter()
        .map(|(line, text, paired)| {
            if paired {
                return (line, text);
            }
            let first = line[0].clone();
            let (x0, y0) = line.iter().fold((u32::MAX, u32::MAX), |(x, y), w| {
                (x.min(w.bbox[0]), y.min(w.bbox[1]))
            });
            let (x1, y1) = line.iter().fold((0, 0), |(x, y), w| {
                (x.max(w.bbox[0] + w.bbox[2]), y.max(w.bbox[1] + w.bbox[3]))
            });
            let merged = Word {
                text: text.split_whitespace().collect::<Vec<_>>().join(" "),
                bbox: [x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0)],
                ..first
            };
            (vec![merged], text)
        })
        .collect()
}

/// The OCR'd pages' words for table cells: each word as the repaired text reads it where the
/// line's repaired tokens pair one for one with its words, as recognised otherwise (a word's
/// box must stay its own: a cell takes the words whose boxes it holds). A word the repair
/// changed keeps the recogniser's reading as its first alternative, at no cost: a cell read
/// again on its own is repaired with what the recogniser saw, not with the page's repair of it
/// (the page's context across a table's columns turns a column's `DA` into `ĐÁ`).
///
/// ```
/// use sohoa::ingest::Word;
/// use sohoa::pipeline::{record::PageRecord, run::table_words};
/// let word = |text: &str, x: u32, line: u32| Word { text: text.into(), bbox: [x, 10 + 40 * line, 60, 30],
///     confidence: 90.0, block: 1, line, alternatives: Vec::new() };
/// let page = PageRecord { number: 1, source: Some("ocr".into()), width: 800, height: 600,
///     words: vec![word("chuyến", 0, 0), word("đối", 70, 0), word("Bước1", 0, 1)],
///     text: "chuyển đổi\nBước 1".into(), ..PageRecord::default() };
/// let words = &table_words(&[page])[0].words;
/// let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
/// assert_eq!(texts, ["chuyển", "đổi", "Bước1"]); // the split line keeps its OCR word and box
/// assert_eq!(words[0].alternatives[0].text, "chuyến"); // what the recogniser read
/// assert!(words[2].alternatives.is_empty());
/// ```
pub fn table_words(pages: &[PageRecord]) -> Vec<crate::extract::tables::PageWords> {
    pages
        .iter()
        .filter(|p| p.source.as_deref() == Some("ocr") && !p.words.is_empty())
        .map(|p| crate::extract::tables::PageWords {
            number: p.number,
            width: p.width,
            height: p.height,
            words: paired_lines(&p.words, &p.text)
                .into_iter()
                .flat_map(|(line, _, _)| line)
                .zip(&p.words)
                .map(|(mut word, recognised)| {
                    if word.text != recognised.text {
                        word.alternatives.insert(
                            0,
                            Alternative {
                                text: recognised.text.clone(),
                                cost: 0.0,
                            },
                        );
                    }
                    word
                })
                .collect(),
        })
        .collect()
}

/// Words grouped by line with the repaired text of each line (see [`repaired_lines`]); the
/// words carry the repaired tokens when they pair one for one (`true`), else the OCR's.
fn paired_lines(words: &[Word], repaired: &str) -> Vec<(Vec<Word>, String, bool)> {
    let mut lines: Vec<Vec<Word>> = Vec::new();
    for word in words {
        match lines.last_mut() {
            Some(line) if line[0].line == word.line => line.push(word.clone()),
            _ => lines.push(vec![word.clone()]),
        }
    }
    let texts: Vec<&str> = repaired.lines().filter(|l| !l.trim().is_empty()).collect();
    if texts.len() != lines.len() {
        return lines
            .into_iter()
            .map(|l| {
                let text = l
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                (l, text, true)
            })
            .collect();
    }
    lines
        .into_iter()
        .zip(texts)
        .map(|(mut line, text)| {
            let tokens: Vec<&str> = text.split_whitespace().collect();
            let paired = tokens.len() == line.len();
            if paired {
                for (word, token) in line.iter_mut().zip(&tokens) {
                    word.text = (*token).to_string();
                }
            }
            (line, text.to_string(), paired)
        })
        .collect()
}

/// Reads one page: its text layer, OCR or both (as `policy` says), then repair. A failure is
/// kept in the page's `error`.
pub fn read_page(
    doc: &Document,
    index: u32,
    policy: TextLayerPolicy,
    ocr_options: &OcrOptions,
    repairer: Option<&Repairer>,
) -> PageRecord {
    let number = index + 1;
    match reading::read(doc, index, policy, ocr_options, repairer) {
        Ok(reading::Reading { mut page, layer }) => {
            let mut warnings = Vec::new();
            // Tesseract's Vietnamese model gets the letters but slips on marks of poor scans:
            // its pages are repaired in scan mode; a text layer or other languages per line.
            // An OCR layer judged clean Vietnamese is such output too.
            let clean_ocr_layer = page.text_layer.as_ref().is_some_and(|l| {
                l.kind != LayerKind::BornDigital && l.quality.is_some_and(|q| q.is_clean())
            });
            let mode = match page.source {
                TextSource::Ocr if ocr_options.lang.split('+').any(|l| l == "vie") => Mode::Scan,
                TextSource::TextLayer if clean_ocr_layer => Mode::Scan,
                _ => Mode::Auto,
            };
            // pages are read in parallel, so each has its own session; an OCR'd page's
            // carries what the recogniser saw besides its best reading, when it was asked
            let with_alternatives = ocr_options.alternatives || !layer.is_empty();
            let mut session = match page.source {
                TextSource::Ocr if with_alternatives => {
                    Session::with_recogniser(RecogniserHints::new(
                        &page.text,
                        page.words.iter().map(|w| {
                            let alternatives =
                                w.alternatives.iter().map(|a| (a.text.clone(), a.cost));
                            (w.line, w.text.as_str(), alternatives.collect())
                        }),
                    ))
                }
                _ => Session::default(),
            };
            // an OCR layer set aside for the image's OCR is the page's second reading
            let mut to_repair = None;
            if mode == Mode::Scan && !layer.is_empty() {
                let words = || {
                    let words = page.words.iter();
                    words.map(|w| (w.line, w.text.as_str(), w.bbox, w.confidence))
                };
                let layer: Vec<(&str, [u32; 4])> =
                    layer.iter().map(|w| (w.text.as_str(), w.bbox)).collect();
                let second = SecondReading::align(&page.text, words(), &layer);
                // on a page the recogniser found hard, its words are only as sure as the page
                let sureness = repairer.map_or(1.0, |r| r.page_sureness(&second));
                session = session.with_second_reading(second);
                // the letters are decoded from both readings; punctuation is taken as it is
                let scaled = words().map(|(line, text, bbox, c)| (line, text, bbox, c * sureness));
                let (text, changed) = take_layer_symbols(&page.text, scaled, &layer);
                if changed > 0 {
                    to_repair = Some(text);
                }
                if let Some(info) = page.text_layer.as_mut() {
                    info.source = TextSourceKind::Combined;
                }
            }
            let to_repair = to_repair.as_deref().unwrap_or(&page.text);
            let text = repair_text(repairer, &mut session, to_repair, mode, &mut warnings);
            let source = match page.source {
                TextSource::Ocr => "ocr",
                TextSource::TextLayer => "text_layer",
            };
            PageRecord {
                number,
                source: Some(source.into()),
                width: page.width,
                height: page.height,
                text_raw: page.text,
                text,
                words: page.words,
                mean_confidence: page.mean_confidence,
                image: page.image,
                text_layer: page.text_layer,
                error: None,
            }
        }
        Err(reason) => PageRecord {
            number,
            error: Some(reason),
            ..PageRecord::default()
        },
    }
}

/// The warnings a document's pages carry into its record: each failed page with its reason,
/// then each page whose image took a fallback path (a stored image rendered instead).
pub fn page_warnings(pages: &[PageRecord]) -> Vec<String> {
    let failed = pages
        .iter()
        .filter_map(|p| p.error.as_ref().map(|e| format!("page {}: {e}", p.number)));
    let fallbacks = pages.iter().filter_map(|p| {
        let warning = p.image.as_ref()?.warning.as_ref()?;
        Some(format!("page {}: {warning}", p.number))
    });
    failed.chain(fallbacks).collect()
}

/// Reads every page of a document in the current rayon pool (pages in parallel), calling
/// `on_page` after each; once `stop` is set, the remaining pages are marked interrupted.
pub fn read_pages(
    doc: &Document,
    policy: TextLayerPolicy,
    ocr_options: &OcrOptions,
    repairer: Option<&Repairer>,
    stop: &AtomicBool,
    on_page: &(dyn Fn() + Sync),
) -> Vec<PageRecord> {
    (0..doc.page_count())
        .into_par_iter()
        .with_max_len(1)
        .map(|i| {
            if stop.load(Ordering::Relaxed) {
                return PageRecord {
                    number: i + 1,
                    error: Some("interrupted".into()),
                    ..PageRecord::default()
                };
            }
            let page = read_page(doc, i, policy, ocr_options, repairer);
            on_page();
            page
        })
        .collect()
}

/// The lines of OCR'd pages with their boxes and repaired text, for extraction by position.
pub fn layout_for(pages: &[PageRecord]) -> Vec<LayoutLine> {
    let mut layout = Vec::new();
    for page in pages.iter().filter(|p| !p.words.is_empty()) {
        for (words, text) in repaired_lines(&page.words, &page.text) {
            let x0 = words.iter().map(|w| w.bbox[0]).min().unwrap_or(0);
            let y0 = words.iter().map(|w| w.bbox[1]).min().unwrap_or(0);
            let x1 = words
                .iter()
                .map(|w| w.bbox[0] + w.bbox[2])
                .max()
                .unwrap_or(0);
            let y1 = words
                .iter()
                .map(|w| w.bbox[1] + w.bbox[3])
                .max()
                .unwrap_or(0);
            layout.push(LayoutLine {
                page: page.number,
                text,
                bbox: [x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0)],
                page_width: page.width,
                page_height: page.height,
            });
        }
    }
    layout
}

/// Everything a worker needs, shared by reference.
struct Context<'a> {
    options: &'a RunOptions,
    repairer: Option<&'a Repairer>,
    tool: ToolInfo,
    key: String,
    manifest: &'a Manifest,
    progress: &'a Progress,
    interrupted: &'a AtomicBool,
    report: Mutex<RunReport>,
}

impl Context<'_> {
    fn fail_document(&self, input: &Input, sha256: &str, reason: String) {
        self.progress.document(&input.rel, "failed", Some(&reason));
        let entry = Entry {
            path: input.rel.clone(),
            sha256: sha256.into(),
            key: self.key.clone(),
            status: Status::Failed,
            error: Some(reason.clone()),
            outputs: Vec::new(),
            pages: 0,
            finished: unix_now(),
        };
        let _ = self.manifest.append(&entry);
        if let Ok(mut report) = self.report.lock() {
            report.failed += 1;
            report.failures.push(Failure {
                path: input.path.display().to_string(),
                page: None,
                reason,
            });
        }
    }

    fn process(&self, job: &Job) {
        if self.interrupted.load(Ordering::Relaxed) {
            return;
        }
        let started = Instant::now();
        let mut warnings = Vec::new();
        let mut timing = Timing::default();
        let (kind, pages, doc) = match &job.plan {
            Plan::Skip | Plan::Failed(_) => return,
            Plan::Text { .. } => {
                let bytes = match std::fs::read(&job.input.path) {
                    Ok(bytes) => bytes,
                    Err(err) => {
                        return self.fail_document(
                            &job.input,
                            &job.sha256,
                            format!("cannot read: {err}"),
                        );
                    }
                };
                let (raw, decode_warnings) = crate::repair::decode_input(&bytes);
                warnings.extend(decode_warnings);
                let t = Instant::now();
                let mut session = Session::default();
                let pages: Vec<PageRecord> = raw
                    .split('\x0c')
                    .enumerate()
                    .map(|(i, page_raw)| {
                        let text = repair_text(
                            self.repairer,
                            &mut session,
                            page_raw,
                            Mode::Auto,
                            &mut warnings,
                        );
                        self.progress.page_done();
                        PageRecord {
                            number: i as u32 + 1,
                            source: Some("text".into()),
                            text_raw: page_raw.to_string(),
                            text,
                            ..PageRecord::default()
                        }
                    })
                    .collect();
                timing.repair = t.elapsed().as_millis() as u64;
                ("text".to_string(), pages, None)
            }
            Plan::Scan { .. } => {
                let doc = match Document::open_with_password(
                    &job.input.path,
                    &self.options.limits,
                    self.options.password.as_deref(),
                ) {
                    Ok(doc) => doc,
                    Err(err) => {
                        return self.fail_document(&job.input, &job.sha256, err.to_string());
                    }
                };
                let t = Instant::now();
                let pages = read_pages(
                    &doc,
                    self.options.text_layer,
                    &self.options.ocr,
                    self.repairer,
                    self.interrupted,
                    &|| self.progress.page_done(),
                );
                timing.ocr = t.elapsed().as_millis() as u64;
                let kind = serde_json::to_value(doc.kind())
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                (kind, pages, Some(doc))
            }
        };
        if self.interrupted.load(Ordering::Relaxed) {
            // Not recorded: the next run does this document again from the start.
            return;
        }
        let page_failures: Vec<Failure> = pages
            .iter()
            .filter_map(|p| {
                p.error.as_ref().map(|reason| Failure {
                    path: job.input.path.display().to_string(),
                    page: Some(p.number),
                    reason: reason.clone(),
                })
            })
            .collect();
        if !pages.is_empty() && page_failures.len() == pages.len() {
            let reason = format!("every page failed; page 1: {}", page_failures[0].reason);
            return self.fail_document(&job.input, &job.sha256, reason);
        }
        warnings.extend(page_warnings(&pages));
        let text = pages
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\x0c");
        let t = Instant::now();
        let layout = layout_for(&pages);
        // A scan's or PDF's tables come from its pages' geometry; a text's from its rows.
        let tables = match &doc {
            Some(doc) => {
                let (tables, table_warnings) = extract::tables::from_document(
                    doc,
                    self.options.text_layer == crate::ingest::text_layer::TextLayerPolicy::Ocr,
                    &self.options.ocr,
                    self.repairer,
                    &table_words(&pages),
                );
                warnings.extend(table_warnings);
                tables
            }
            None => extract::tables::from_text(&text),
        };
        let extraction = extract::extract_with_tables(
            &text,
            (!layout.is_empty()).then_some(&layout[..]),
            tables,
        );
        timing.extract = t.elapsed().as_millis() as u64;
        warnings.extend(extraction.warnings.iter().cloned());

        let out = &self.options.out;
        let json_rel = format!("{}.json", job.input.rel);
        let txt_rel = format!("{}.txt", job.input.rel);
        let mut outputs = vec![json_rel.clone(), txt_rel.clone()];
        if self.options.pdf
            && let Some(doc) = &doc
        {
            let pdf_rel = format!("{}.searchable.pdf", job.input.rel);
            let pdf_path = out.join(&pdf_rel);
            let t = Instant::now();
            // A failure (even a panic) while writing the PDF costs only the PDF: the record and
            // the text are still written, with a warning saying why there is no PDF.
            let info = super::searchable_pdf::DocumentInfo::from_metadata(&extraction.metadata);
            let pdf_options = super::searchable_pdf::PdfOptions {
                pdfa: self.options.pdfa,
                password: self.options.password.clone(),
            };
            let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                super::write_searchable_pdf(
                    doc,
                    &pages,
                    &info,
                    &pdf_options,
                    &pdf_path,
                    self.interrupted,
                )
            }));
            timing.pdf = t.elapsed().as_millis() as u64;
            match written {
                Ok(Ok(pdf_warnings)) => {
                    warnings.extend(pdf_warnings);
                    outputs.push(pdf_rel);
                }
                Ok(Err(super::searchable_pdf::Error::Interrupted)) => return,
                Ok(Err(err)) => warnings.push(format!("searchable PDF not written: {err}")),
                Err(_) => {
                    let _ = std::fs::remove_file(super::manifest::temp_path(&pdf_path));
                    let _ = std::fs::remove_file(&pdf_path);
                    warnings.push("searchable PDF not written: the PDF writer panicked".into());
                }
            }
        }
        if doc.is_some() {
            let layout = super::ocr_layout::layout(&pages);
            let name = &job.input.rel;
            let documents = [
                (
                    self.options.alto,
                    "alto.xml",
                    super::alto::alto_xml as fn(&_, &_) -> _,
                ),
                (self.options.hocr, "hocr", super::hocr::hocr_html),
            ];
            for (wanted, extension, write) in documents {
                if !wanted {
                    continue;
                }
                let rel = format!("{name}.{extension}");
                match write_atomically(&out.join(&rel), write(&layout, name).as_bytes()) {
                    Ok(()) => outputs.push(rel),
                    Err(err) => warnings.push(format!("{extension} not written: {err}")),
                }
            }
        }
        timing.total = started.elapsed().as_millis() as u64;
        let record = Record {
            format: RECORD_FORMAT.into(),
            source: SourceInfo {
                path: job.input.rel.clone(),
                sha256: job.sha256.clone(),
                bytes: job.bytes,
                kind,
            },
            tool: self.tool.clone(),
            pages,
            text,
            metadata: extraction.metadata,
            evidence: extraction.evidence,
            warnings,
            timing_ms: timing,
        };
        let written = serde_json::to_vec_pretty(&record)
            .map_err(std::io::Error::from)
            .and_then(|json| write_atomically(&out.join(&json_rel), &json))
            .and_then(|()| write_atomically(&out.join(&txt_rel), record.text.as_bytes()));
        if let Err(err) = written {
            return self.fail_document(
                &job.input,
                &job.sha256,
                format!("cannot write output: {err}"),
            );
        }
        let entry = Entry {
            path: job.input.rel.clone(),
            sha256: job.sha256.clone(),
            key: self.key.clone(),
            status: Status::Done,
            error: None,
            outputs,
            pages: record.pages.len() as u32,
            finished: unix_now(),
        };
        if let Err(err) = self.manifest.append(&entry) {
            return self.fail_document(
                &job.input,
                &job.sha256,
                format!("cannot write the manifest: {err}"),
            );
        }
        self.progress.document(&job.input.rel, "done", None);
        if let Ok(mut report) = self.report.lock() {
            report.done += 1;
            report.pages += record.pages.len() as u64;
            report.pages_failed += page_failures.len() as u64;
            report.failures.extend(page_failures);
            report.warnings += record.warnings.len();
        }
    }
}

/// Removes temporary files a killed run left behind (`.name.sohoa-tmp`); their documents were
/// never recorded as finished, so this run redoes them.
fn remove_stale_temporaries(out: &Path) {
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        if entry.file_type().is_file()
            && entry.file_name().to_string_lossy().ends_with(".sohoa-tmp")
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the temporary files a killed run of this shard left behind for its own documents,
/// and only those: other shards may be writing theirs into the same folder right now.
fn remove_own_temporaries(out: &Path, documents: &[Input]) {
    for input in documents {
        for suffix in ["json", "txt", "searchable.pdf"] {
            let output = out.join(format!("{}.{suffix}", input.rel));
            let _ = std::fs::remove_file(super::manifest::temp_path(&output));
        }
    }
}

/// The file names of the manifest and run report of a run of `shard` (today's names when the
/// run is not sharded, so existing folders still resume).
pub fn state_files(shard: Option<&Shard>) -> (String, String) {
    match shard {
        Some(shard) => (shard.manifest_file(), shard.report_file()),
        None => (super::manifest::MANIFEST_FILE.into(), REPORT_FILE.into()),
    }
}

/// Runs a batch over `inputs` and returns its report (also written to `OUT/run-report.json`,
/// or the shard's `OUT/run-report.shard-K-of-N.json`).
///
/// `model` is the repair model's fingerprint (part of the key that decides what is redone).
pub fn run(
    inputs: &[PathBuf],
    options: &RunOptions,
    repairer: Option<&Repairer>,
    model: &str,
    interrupted: &AtomicBool,
) -> std::io::Result<RunReport> {
    let started = Instant::now();
    let started_unix = unix_now();
    std::fs::create_dir_all(&options.out)?;
    let (manifest_file, report_file) = state_files(options.shard.as_ref());
    let manifest = Manifest::open_file(&options.out, &manifest_file)?;
    let tool = ToolInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        model: model.into(),
        lang: options.ocr.lang.clone(),
    };
    let mut key = format!(
        "sohoa {}; model {}; lang {}; text-layer {}; pdf {}",
        tool.version, tool.model, tool.lang, options.text_layer, options.pdf
    );
    // Only what is asked for is added, so earlier runs' keys stay valid.
    for (asked, name) in [
        (options.pdf && !options.pdfa, "; pdfa false"),
        (options.alto, "; alto"),
        (options.hocr, "; hocr"),
    ] {
        if asked {
            key.push_str(name);
        }
    }
    let (mut found, mut unreadable) = discover(inputs, &options.out);
    match &options.shard {
        Some(shard) => {
            // Shards share the work by weight, from the plan the run's first shard wrote.
            let plan = ShardPlan::load_or_create(&options.out, shard.count, &found, |input| {
                let bytes = std::fs::metadata(&input.path).map_or(0, |m| m.len());
                (input.rel.clone(), bytes)
            })
            .map_err(std::io::Error::other)?;
            found.retain(|input| plan.owner(&input.rel) == shard.index);
            unreadable.retain(|(path, _)| plan.owner(&path.display().to_string()) == shard.index);
            remove_own_temporaries(&options.out, &found);
        }
        None => remove_stale_temporaries(&options.out),
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(std::io::Error::other)?;

    // Plan: hash every input, skip what is finished, count pages of the rest.
    let jobs: Vec<Job> = pool.install(|| {
        found
            .into_par_iter()
            .map(|input| {
                let (sha256, bytes) = match sha256_file(&input.path) {
                    Ok(h) => h,
                    Err(err) => {
                        return Job { input, sha256: String::new(), bytes: 0, plan: Plan::Failed(format!("cannot read: {err}")) };
                    }
                };
                let plan = if manifest.is_finished(&input.rel, &sha256, &key) {
                    Plan::Skip
                } else if bytes == 0 {
                    Plan::Failed("the file is empty".into())
                } else if is_text_input(&input.path) {
                    if bytes > MAX_TEXT_BYTES {
                        Plan::Failed(format!("the text file is {bytes} bytes, above the limit of {MAX_TEXT_BYTES} bytes"))
                    } else {
                        let pages = std::fs::read(&input.path)
                            .map(|b| b.iter().filter(|&&c| c == 0x0c).count() as u32 + 1)
                            .unwrap_or(1);
                        Plan::Text { pages }
                    }
                } else {
                    match Document::open_with_password(&input.path, &options.limits, options.password.as_deref()) {
                        Ok(doc) => Plan::Scan { pages: doc.page_count() },
                        Err(err) => Plan::Failed(err.to_string()),
                    }
                };
                Job { input, sha256, bytes, plan }
            })
            .collect()
    });
    let total_pages: u64 = jobs
        .iter()
        .map(|j| match j.plan {
            Plan::Scan { pages } | Plan::Text { pages } => u64::from(pages),
            _ => 0,
        })
        .sum();
    let progress = Progress::new(options.progress, total_pages);
    let context = Context {
        options,
        repairer,
        tool,
        key: key.clone(),
        manifest: &manifest,
        progress: &progress,
        interrupted,
        report: Mutex::new(RunReport {
            documents: jobs.len() + unreadable.len(),
            key,
            started: started_unix,
            shard: options.shard,
            ..RunReport::default()
        }),
    };
    for (path, reason) in unreadable {
        let input = Input {
            rel: path.display().to_string(),
            path,
        };
        context.fail_document(&input, "", reason);
    }
    for job in &jobs {
        match &job.plan {
            Plan::Skip => {
                progress.document(&job.input.rel, "skipped", None);
                if let Ok(mut r) = context.report.lock() {
                    r.skipped += 1;
                }
            }
            Plan::Failed(reason) => context.fail_document(&job.input, &job.sha256, reason.clone()),
            _ => {}
        }
    }
    pool.install(|| {
        jobs.par_iter()
            .with_max_len(1)
            .for_each(|job| context.process(job));
    });
    progress.finish();
    let mut report = context
        .report
        .into_inner()
        .map_err(|_| std::io::Error::other("report lock poisoned"))?;
    report.interrupted = interrupted.load(Ordering::Relaxed);
    report.seconds = started.elapsed().as_secs_f64();
    report.pages_per_minute = if report.seconds > 0.0 {
        report.pages as f64 / report.seconds * 60.0
    } else {
        0.0
    };
    let json = serde_json::to_vec_pretty(&report).map_err(std::io::Error::from)?;
    write_atomically(&options.out.join(report_file), &json)?;
    Ok(report)
}
