//! `sohoa run`: the batch command for archive staff.

use super::progress::ProgressMode;
use super::run::{RunOptions, RunReport, run as run_batch, state_files};
use super::shard::Shard;
use crate::ingest::Limits;
use crate::ocr::OcrOptions;
use crate::repair::Repairer;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit status of `sohoa run` when it was interrupted (Ctrl-C, SIGTERM); a re-run resumes.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Arguments of `sohoa run`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  sohoa run /archive/scans --out /archive/sohoa --pdf\n  sohoa run a.pdf b.tif legacy.txt --out out --jobs 2 --progress json\n  sohoa run /shared/scans --out /shared/sohoa --shard 2/8 --jobs 1   # one of 8 nodes\n\nRe-running the same command skips finished documents and resumes interrupted ones.\nExit status: 0 all done, 1 some files failed, 2 bad arguments, 3 could not run, 130 interrupted."
)]
pub struct RunArgs {
    /// Files or folders (walked recursively): PDF, TIFF, PNG, JPEG, and `.txt` legacy OCR text.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output folder: `<relative path>.json`, `.txt`, `.searchable.pdf`, `.alto.xml`, `.hocr`, manifest and report.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Worker threads shared by the pages of all documents (default: the number of cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Also write a searchable PDF per scanned document: the original pages with the repaired
    /// text as an invisible layer, PDF/A-2b, title/number/issuer/date in its metadata.
    #[arg(long)]
    pub pdf: bool,
    /// Same as --pdf, saying PDF/A-2b (what --pdf writes unless --no-pdfa).
    #[arg(long, conflicts_with = "no_pdfa")]
    pub pdfa: bool,
    /// Write the searchable PDF without the PDF/A-2b identification and sRGB output intent.
    #[arg(long)]
    pub no_pdfa: bool,
    /// Also write ALTO v4 XML (`<name>.alto.xml`) per scanned document.
    #[arg(long)]
    pub alto: bool,
    /// Also write hOCR (`<name>.hocr`) per scanned document.
    #[arg(long)]
    pub hocr: bool,
    /// How scans and PDFs are read.
    #[command(flatten)]
    pub scan: crate::command::ScanArgs,
    /// Give up on a page after this many seconds (the page is reported, the rest kept); 0: no limit.
    #[arg(long, default_value_t = crate::ocr::DEFAULT_PAGE_TIMEOUT.as_secs(), value_name = "SECONDS")]
    pub page_timeout: u64,
    /// Keep the OCR text as it is (no diacritic/OCR repair).
    #[arg(long)]
    pub no_repair: bool,
    /// Repair model folder (default: $SOHOA_MODEL, then the bundled dictionaries/).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Progress display.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// No progress and no summary, only errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Hot folder: after the run, look for new or changed files every N seconds until stopped.
    #[arg(long, value_name = "SECONDS")]
    pub watch: Option<u64>,
    /// Process only shard K (from 0) of N: the documents whose path hashes to K; shards share
    /// DIR, each with its own manifest and report [default: from $SLURM_ARRAY_TASK_ID and
    /// $SLURM_ARRAY_TASK_COUNT, or $JOB_COMPLETION_INDEX with --shards].
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// The number of shards when the scheduler gives only the index ($JOB_COMPLETION_INDEX of a
    /// Kubernetes Indexed Job).
    #[arg(long, value_name = "N")]
    pub shards: Option<u32>,
}

fn summary(report: &RunReport, report_path: &std::path::Path) -> String {
    let mut text = format!(
        "sohoa run: {} documents: {} done, {} skipped (already done), {} failed; {} pages ({} failed) in {:.1} s, {:.1} pages/min{}\n  report: {}",
        report.documents,
        report.done,
        report.skipped,
        report.failed,
        report.pages,
        report.pages_failed,
        report.seconds,
        report.pages_per_minute,
        if report.interrupted {
            "; INTERRUPTED: run again to resume"
        } else {
            ""
        },
        report_path.display()
    );
    for failure in &report.failures {
        match failure.page {
            Some(page) => text.push_str(&format!(
                "\n  failed: {}: page {page}: {}",
                failure.path, failure.reason
            )),
            None => text.push_str(&format!("\n  failed: {}: {}", failure.path, failure.reason)),
        }
    }
    text
}

/// Runs `sohoa run` and returns the documented exit status.
pub fn run(args: RunArgs) -> ExitCode {
    let shard = match Shard::choose(args.shard, args.shards, |name| std::env::var(name).ok()) {
        Ok(shard) => shard,
        Err(err) => {
            eprintln!("sohoa run: {err}");
            return ExitCode::from(crate::command::EXIT_USAGE);
        }
    };
    let (repairer, model) = if args.no_repair {
        (None, "none".to_string())
    } else {
        let loaded = match &args.model {
            Some(dir) => Repairer::load(dir),
            None => Repairer::load_default(),
        };
        let dir = args.model.clone().or_else(crate::repair::default_model_dir);
        let fingerprint = dir
            .and_then(|d| crate::repair::model_fingerprint(&d).ok())
            .unwrap_or_else(|| "unknown".into());
        match loaded {
            Ok(r) => (Some(r), fingerprint),
            Err(err) => {
                eprintln!("sohoa: {err}");
                return ExitCode::from(crate::command::EXIT_FATAL);
            }
        }
    };
    let ocr = OcrOptions {
        timeout: (args.page_timeout > 0).then(|| std::time::Duration::from_secs(args.page_timeout)),
        ..args.scan.ocr_options()
    };
    if let Err(err) = crate::ocr::check(&ocr) {
        eprintln!("sohoa: {err}");
        return ExitCode::from(crate::command::EXIT_FATAL);
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = Arc::clone(&interrupted);
        // Finish the pages under way, record nothing half-done, then stop.
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    }
    let options = RunOptions {
        out: args.out.clone(),
        jobs: args.jobs.unwrap_or(0),
        pdf: args.pdf || args.pdfa || args.no_pdfa,
        pdfa: !args.no_pdfa,
        alto: args.alto,
        hocr: args.hocr,
        text_layer: args.scan.text_layer_policy(),
        ocr,
        password: args.scan.password.clone(),
        limits: Limits::default(),
        progress: if args.quiet {
            ProgressMode::None
        } else {
            args.progress
        },
        shard,
    };
    let report_path = args.out.join(state_files(shard.as_ref()).1);
    loop {
        let report = match run_batch(
            &args.inputs,
            &options,
            repairer.as_ref(),
            &model,
            &interrupted,
        ) {
            Ok(report) => report,
            Err(err) => {
                eprintln!("sohoa: {}: {err}", args.out.display());
                return ExitCode::from(crate::command::EXIT_FATAL);
            }
        };
        if !args.quiet || report.failed > 0 || report.pages_failed > 0 {
            if args.quiet {
                for failure in &report.failures {
                    eprintln!("sohoa: {}: {}", failure.path, failure.reason);
                }
            } else {
                eprintln!("{}", summary(&report, &report_path));
            }
        }
        if report.interrupted {
            return ExitCode::from(EXIT_INTERRUPTED);
        }
        let Some(seconds) = args.watch else {
            return ExitCode::from(if report.failed > 0 || report.pages_failed > 0 {
                crate::command::EXIT_SOME_FAILED
            } else {
                crate::command::EXIT_OK
            });
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds.max(1));
        while std::time::Instant::now() < deadline {
            if interrupted.load(Ordering::Relaxed) {
                return ExitCode::from(EXIT_INTERRUPTED);
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}
