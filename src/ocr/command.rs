//! `sohoa ocr`: print the text of scans and PDFs.

use super::{OcrOptions, Page, reading};
use crate::ingest::text_layer::TextLayerPolicy;
use crate::ingest::{Document, Limits};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `sohoa ocr`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  sohoa ocr scan.pdf > scan.txt\n  sohoa ocr --json page-1.png page-2.tif | jq '.pages[].words[0]'"
)]
pub struct OcrArgs {
    /// Files to read: PDF, TIFF (multi-page), PNG or JPEG, recognised by content.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per file (JSON Lines) with pages, words, boxes and confidences.
    #[arg(long)]
    pub json: bool,
    /// How scans and PDFs are read.
    #[command(flatten)]
    pub scan: crate::command::ScanArgs,
    /// Give up on a page after this many seconds (the page is reported, the rest kept); 0: no limit.
    #[arg(long, default_value_t = crate::ocr::DEFAULT_PAGE_TIMEOUT.as_secs(), value_name = "SECONDS")]
    pub page_timeout: u64,
    /// Worker threads (pages are OCR'd in parallel); default: the number of cores.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
}

#[derive(Serialize)]
struct FileResult<'a> {
    path: String,
    kind: crate::ingest::Kind,
    pages: Vec<PageResult<'a>>,
}

#[derive(Serialize)]
struct PageResult<'a> {
    #[serde(flatten)]
    page: Option<&'a Page>,
    number: u32,
    error: Option<String>,
}

/// Runs `sohoa ocr` and returns the documented exit status.
pub fn ocr(args: OcrArgs) -> std::process::ExitCode {
    crate::command::exit_status(ocr_files(&args))
}

/// Prints the text of the files; returns true when every file and page was read.
fn ocr_files(args: &OcrArgs) -> anyhow::Result<bool> {
    let options = OcrOptions {
        timeout: (args.page_timeout > 0).then(|| std::time::Duration::from_secs(args.page_timeout)),
        ..args.scan.ocr_options()
    };
    super::check(&options)?;
    let limits = Limits::default();
    let policy = args.scan.text_layer_policy();
    // OCR layers are judged by the repair model; without it they are read as they are
    let judge = match policy {
        TextLayerPolicy::Judge => match crate::repair::Repairer::load_default() {
            Ok(r) => Some(r),
            Err(err) => {
                eprintln!("sohoa: text layers are read as they are: {err}");
                None
            }
        },
        _ => None,
    };
    let mut all_ok = true;
    let mut documents = Vec::new();
    for path in &args.files {
        match Document::open_with_password(path, &limits, args.scan.password.as_deref()) {
            Ok(doc) => documents.push(doc),
            Err(err) => {
                eprintln!("sohoa: {}: {err}", path.display());
                all_ok = false;
            }
        }
    }
    let tasks: Vec<(usize, u32)> = documents
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| (0..doc.page_count()).map(move |p| (d, p)))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let results: Vec<Result<Page, String>> = pool.install(|| {
        tasks
            .par_iter()
            .map(|&(d, p)| {
                // `sohoa ocr` prints readings as read: a page whose layer was set aside prints
                // its OCR; `sohoa run` and `extract` combine both readings in repair
                reading::read(&documents[d], p, policy, &options, judge.as_ref()).map(|r| r.page)
            })
            .collect()
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut results = results.iter();
    for doc in &documents {
        let mut pages = Vec::new();
        for number in 1..=doc.page_count() {
            let result = results.next();
            match result {
                Some(Ok(page)) => pages.push(PageResult {
                    page: Some(page),
                    number,
                    error: None,
                }),
                Some(Err(err)) => {
                    eprintln!("sohoa: {}: page {number}: {err}", doc.path().display());
                    all_ok = false;
                    pages.push(PageResult {
                        page: None,
                        number,
                        error: Some(err.clone()),
                    });
                }
                None => {}
            }
        }
        if args.json {
            let record = FileResult {
                path: doc.path().display().to_string(),
                kind: doc.kind(),
                pages,
            };
            serde_json::to_writer(&mut out, &record)?;
            writeln!(out)?;
        } else {
            for page in pages {
                // Like pdftotext: each page's text, then a form feed.
                if let Some(page) = page.page {
                    write!(out, "{}\n\x0c", page.text)?;
                } else {
                    write!(out, "\x0c")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(all_ok)
}
