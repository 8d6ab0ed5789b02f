//! Progress of a run: a bar on a terminal, JSON lines for logs, or nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, nothing otherwise.
    Auto,
    /// Always a bar.
    Bar,
    /// One JSON object per event on stderr, for logs and other programs.
    Json,
    /// Nothing.
    None,
}

/// Shared progress state; cheap to update from any worker.
pub struct Progress {
    bar: Option<ProgressBar>,
    json: bool,
    pages_done: AtomicU64,
    pages_total: AtomicU64,
    start: Instant,
}

impl Progress {
    /// Starts showing progress over `pages_total` pages.
    pub fn new(mode: ProgressMode, pages_total: u64) -> Progress {
        let bar = match mode {
            ProgressMode::Bar => Some(ProgressDrawTarget::stderr()),
            ProgressMode::Auto if std::io::stderr().is_terminal() => {
                Some(ProgressDrawTarget::stderr())
            }
            _ => None,
        }
        .map(|target| {
            let bar = ProgressBar::with_draw_target(Some(pages_total), target);
            let style = ProgressStyle::with_template(
                "{bar:40} {pos}/{len} pages  {msg}  ETA {eta}  {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            json: mode == ProgressMode::Json,
            pages_done: AtomicU64::new(0),
            pages_total: AtomicU64::new(pages_total),
            start: Instant::now(),
        }
    }

    fn pages_per_minute(&self, done: u64) -> f64 {
        let minutes = self.start.elapsed().as_secs_f64() / 60.0;
        if minutes > 0.0 {
            done as f64 / minutes
        } else {
            0.0
        }
    }

    /// A page finished.
    pub fn page_done(&self) {
        let done = self.pages_done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.pages_total.load(Ordering::Relaxed);
        let rate = self.pages_per_minute(done);
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            bar.set_message(format!("{rate:.1} pages/min"));
        }
        if self.json {
            let eta = if rate > 0.0 {
                (total.saturating_sub(done)) as f64 / rate * 60.0
            } else {
                0.0
            };
            self.emit(json!({"event": "page", "pages_done": done, "pages_total": total,
                             "pages_per_minute": (rate * 10.0).round() / 10.0, "eta_seconds": eta.round()}));
        }
    }

    /// A document finished (`status`: done, failed, skipped).
    pub fn document(&self, path: &str, status: &str, detail: Option<&str>) {
        if let Some(bar) = &self.bar
            && status == "failed"
        {
            bar.println(format!("failed: {path}: {}", detail.unwrap_or("")));
        }
        if self.json {
            self.emit(
                json!({"event": "document", "path": path, "status": status, "detail": detail}),
            );
        }
    }

    fn emit(&self, value: serde_json::Value) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{value}");
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
