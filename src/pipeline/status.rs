//! `sohoa status DIR`: one view of a run split into shards (or not split at all).
//!
//! It reads, without writing anything, every manifest in `DIR` (`manifest.jsonl` and the
//! shards' `manifest.shard-K-of-N.jsonl`) and every run report beside them, and tells for all
//! shards together and for each: documents done, failed (with the reasons), still to do (from
//! the documents the shard's last run found, or while it runs from the run's shard plan),
//! pages, and throughput. Shards of the plan that have not begun are shown as not started.
//!
//! ```no_run
//! let status = sohoa::pipeline::status::read(std::path::Path::new("out"))?;
//! println!("{} done, {} failed", status.total.done, status.total.failed);
//! # Ok::<(), sohoa::pipeline::status::StatusError>(())
//! ```

use super::manifest::{Entry, MANIFEST_FILE, Status as EntryStatus, read_latest};
use super::run::{REPORT_FILE, RunReport};
use super::shard::Shard;
use super::shard_plan::ShardPlan;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a folder's status could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The folder cannot be listed.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// No manifest in the folder: not (yet) a `sohoa run` output folder.
    #[error("{0}: no manifest.jsonl or manifest.shard-K-of-N.jsonl: not a sohoa run output folder")]
    NotARun(PathBuf),
}

/// A document that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedDocument {
    /// Its path relative to its input root.
    pub path: String,
    /// The shard that processed it (`K/N`), or `all` for an unsharded run.
    pub shard: String,
    /// Why.
    pub reason: String,
}

/// The last run of a shard, from its run report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastRun {
    /// Unix time it started.
    pub started: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Documents it found in its shard.
    pub documents: usize,
    /// Pages it processed (not counting documents skipped as already done).
    pub pages: u64,
    /// Its throughput.
    pub pages_per_minute: f64,
    /// Pages that failed in it.
    pub pages_failed: u64,
    /// It was interrupted (a re-run resumes).
    pub interrupted: bool,
}

/// One shard's state (or the whole run's, when it was not sharded).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShardStatus {
    /// `K/N`, or `all` for an unsharded run.
    pub shard: String,
    /// Documents finished with outputs.
    pub done: usize,
    /// Documents that could not be processed.
    pub failed: usize,
    /// Documents the last run found that are neither done nor failed; `null` without a report.
    pub pending: Option<usize>,
    /// Pages of the finished documents.
    pub pages: u64,
    /// The last run's report; `null` while the first run is under way or when it was killed.
    pub last_run: Option<LastRun>,
    /// Manifest lines that could not be read (cut short by a crash; the document is redone).
    pub damaged_lines: usize,
    /// Documents the run's plan dealt to this shard; `null` for an unsharded run.
    pub planned: Option<usize>,
    /// The shard has a manifest: some run of it has begun.
    pub started: bool,
}

/// All shards together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Shards (manifests) in the folder.
    pub shards: usize,
    /// Documents finished with outputs (a document is counted once, by its latest entry).
    pub done: usize,
    /// Documents that failed.
    pub failed: usize,
    /// Documents still to do, when every shard has a report.
    pub pending: Option<usize>,
    /// Pages of the finished documents.
    pub pages: u64,
    /// Pages processed by the shards' last runs over the wall time from the first start to the
    /// last end: the throughput of the cluster when the shards ran together.
    pub pages_per_minute: f64,
    /// That wall time, in seconds.
    pub seconds: f64,
}

/// `sohoa status DIR`: totals, each shard, every failed document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunStatus {
    /// The output folder.
    pub dir: PathBuf,
    /// All shards together.
    pub total: Totals,
    /// Each shard, in order (an unsharded run first).
    pub shards: Vec<ShardStatus>,
    /// Every document whose latest entry is a failure, with the reason.
    pub failures: Vec<FailedDocument>,
}

/// The shards of a folder by their manifest files: `None` is the unsharded `manifest.jsonl`.
fn manifests(dir: &Path) -> Result<Vec<Option<Shard>>, StatusError> {
    let entries = std::fs::read_dir(dir).map_err(|source| StatusError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == MANIFEST_FILE {
            found.push(None);
        } else if name.ends_with(".jsonl")
            && let Some(shard) = Shard::from_file_name(&name)
        {
            found.push(Some(shard));
        }
    }
    found.sort_by_key(|s| s.map(|s| (s.count, s.index)));
    Ok(found)
}

fn label(shard: Option<Shard>) -> String {
    shard.map_or_else(|| "all".into(), |s| s.to_string())
}

/// The shard plans written in `dir` (see [`ShardPlan`]); a damaged one is left out, as the
/// shards themselves refuse it with its path.
fn plans(dir: &Path) -> Vec<ShardPlan> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut counts: Vec<u32> = entries
        .flatten()
        .filter_map(|e| ShardPlan::count_of_file_name(&e.file_name().to_string_lossy()))
        .collect();
    counts.sort_unstable();
    counts
        .into_iter()
        .filter_map(|count| ShardPlan::find(dir, count).ok().flatten())
        .collect()
}

/// Gives each shard its planned documents, and adds the shards of a plan that have not begun
/// (no manifest yet: queued on the cluster), so the whole run's pending count is known from
/// the moment the first shard starts.
fn add_planned_shards(plans: &[ShardPlan], statuses: &mut Vec<ShardStatus>) {
    for plan in plans {
        for (index, load) in plan.shards.iter().enumerate() {
            let name = label(Some(Shard {
                index: index as u32,
                count: plan.count,
            }));
            let planned = usize::try_from(load.documents).unwrap_or(usize::MAX);
            match statuses.iter_mut().find(|s| s.shard == name) {
                Some(status) => {
                    status.planned = Some(planned);
                    // Still running (no report yet): what the plan gave it, less what is done.
                    if status.pending.is_none() {
                        status.pending = Some(planned.saturating_sub(status.done + status.failed));
                    }
                }
                None => statuses.push(ShardStatus {
                    shard: name,
                    done: 0,
                    failed: 0,
                    pending: Some(planned),
                    pages: 0,
                    last_run: None,
                    damaged_lines: 0,
                    planned: Some(planned),
                    started: false,
                }),
            }
        }
    }
    statuses.sort_by_key(|s| {
        s.shard
            .parse::<Shard>()
            .map_or((0, 0), |s| (s.count, s.index + 1))
    });
}

/// Reads the state of every shard of the `sohoa run` output folder `dir`.
pub fn read(dir: &Path) -> Result<RunStatus, StatusError> {
    let shards = manifests(dir)?;
    let plans = plans(dir);
    if shards.is_empty() && plans.is_empty() {
        return Err(StatusError::NotARun(dir.to_path_buf()));
    }
    let mut latest: HashMap<String, (Entry, String)> = HashMap::new();
    let mut statuses = Vec::new();
    for shard in shards {
        let (manifest_file, report_file) = match shard {
            Some(s) => (s.manifest_file(), s.report_file()),
            None => (MANIFEST_FILE.to_string(), REPORT_FILE.to_string()),
        };
        let manifest_path = dir.join(&manifest_file);
        let (entries, damaged_lines) =
            read_latest(&manifest_path).map_err(|source| StatusError::Io {
                path: manifest_path,
                source,
            })?;
        // A report that cannot be read is one being replaced, or none yet: no last run.
        let report: Option<RunReport> = std::fs::read(dir.join(&report_file))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let done = entries
            .values()
            .filter(|e| e.status == EntryStatus::Done)
            .count();
        let failed = entries.len() - done;
        let pages = entries
            .values()
            .filter(|e| e.status == EntryStatus::Done)
            .map(|e| u64::from(e.pages))
            .sum();
        let last_run = report.map(|r| LastRun {
            started: r.started,
            seconds: r.seconds,
            documents: r.documents,
            pages: r.pages,
            pages_per_minute: r.pages_per_minute,
            pages_failed: r.pages_failed,
            interrupted: r.interrupted,
        });
        let pending = last_run
            .as_ref()
            .map(|r| r.documents.saturating_sub(done + failed));
        let name = label(shard);
        for (path, entry) in entries {
            let newer = latest
                .get(&path)
                .is_none_or(|(known, _)| entry.finished >= known.finished);
            if newer {
                latest.insert(path, (entry, name.clone()));
            }
        }
        statuses.push(ShardStatus {
            shard: name,
            done,
            failed,
            pending,
            pages,
            last_run,
            damaged_lines,
            planned: None,
            started: true,
        });
    }
    add_planned_shards(&plans, &mut statuses);
    let mut failures: Vec<FailedDocument> = latest
        .values()
        .filter(|(e, _)| e.status == EntryStatus::Failed)
        .map(|(e, shard)| FailedDocument {
            path: e.path.clone(),
            shard: shard.clone(),
            reason: e.error.clone().unwrap_or_default(),
        })
        .collect();
    failures.sort_by(|a, b| a.path.cmp(&b.path));
    let done_entries = latest
        .values()
        .filter(|(e, _)| e.status == EntryStatus::Done);
    // Reports written before `started` was recorded (0) say nothing about when they ran.
    let runs: Vec<&LastRun> = statuses
        .iter()
        .filter_map(|s| s.last_run.as_ref())
        .filter(|r| r.started > 0)
        .collect();
    let first_start = runs.iter().map(|r| r.started as f64).reduce(f64::min);
    let last_end = runs
        .iter()
        .map(|r| r.started as f64 + r.seconds)
        .reduce(f64::max);
    let seconds = match (first_start, last_end) {
        (Some(start), Some(end)) => (end - start).max(0.0),
        _ => 0.0,
    };
    let run_pages: u64 = runs.iter().map(|r| r.pages).sum();
    let total = Totals {
        shards: statuses.len(),
        done: done_entries.clone().count(),
        failed: failures.len(),
        pending: statuses.iter().map(|s| s.pending).sum::<Option<usize>>(),
        pages: done_entries.map(|(e, _)| u64::from(e.pages)).sum(),
        // Start times are whole seconds: below a second the figure would be noise.
        pages_per_minute: if seconds >= 1.0 {
            run_pages as f64 / seconds * 60.0
        } else {
            statuses
                .iter()
                .filter_map(|s| s.last_run.as_ref())
                .map(|r| r.pages_per_minute)
                .sum()
        },
        seconds,
    };
    Ok(RunStatus {
        dir: dir.to_path_buf(),
        total,
        shards: statuses,
        failures,
    })
}

/// The human summary `sohoa status` prints.
pub fn render(status: &RunStatus) -> String {
    let pending =
        |p: Option<usize>| p.map_or_else(|| "? pending".into(), |p| format!("{p} pending"));
    let t = &status.total;
    let mut text = format!(
        "sohoa status {}: {} shard{}: {} done, {} failed, {}; {} pages; {:.1} pages/min over {:.1} s\n",
        status.dir.display(),
        t.shards,
        if t.shards == 1 { "" } else { "s" },
        t.done,
        t.failed,
        pending(t.pending),
        t.pages,
        t.pages_per_minute,
        t.seconds
    );
    for s in &status.shards {
        let run = match &s.last_run {
            Some(r) => format!(
                "last run {:.1} s, {} pages, {:.1} pages/min{}",
                r.seconds,
                r.pages,
                r.pages_per_minute,
                if r.interrupted { ", INTERRUPTED" } else { "" }
            ),
            None if !s.started => "not started".into(),
            None => "no report yet (running, or stopped before its end)".into(),
        };
        text.push_str(&format!(
            "  shard {}: {} done, {} failed, {}; {} pages; {run}\n",
            s.shard,
            s.done,
            s.failed,
            pending(s.pending),
            s.pages
        ));
    }
    for f in &status.failures {
        text.push_str(&format!(
            "  failed: {} (shard {}): {}\n",
            f.path, f.shard, f.reason
        ));
    }
    text
}

/// Arguments of `sohoa status`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  sohoa status /shared/sohoa\n  sohoa status /shared/sohoa --json | jq '.total'\n\nExit status: 0 nothing failed, 1 some documents failed, 2 DIR is not a sohoa run folder."
)]
pub struct StatusArgs {
    /// The `sohoa run` output folder (shared by all shards).
    pub dir: PathBuf,
    /// Print the status as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

/// Runs `sohoa status`: prints the status; 0 when nothing failed, 1 when some documents
/// failed, 2 when `DIR` holds no run.
pub fn status(args: StatusArgs) -> ExitCode {
    let status = match read(&args.dir) {
        Ok(status) => status,
        Err(err) => {
            eprintln!("sohoa status: {err}");
            return ExitCode::from(crate::command::EXIT_USAGE);
        }
    };
    let text = if args.json {
        match serde_json::to_string_pretty(&status) {
            Ok(json) => json + "\n",
            Err(err) => {
                eprintln!("sohoa status: {err}");
                return ExitCode::from(crate::command::EXIT_FATAL);
            }
        }
    } else {
        render(&status)
    };
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    ExitCode::from(if status.total.failed > 0 {
        crate::command::EXIT_SOME_FAILED
    } else {
        crate::command::EXIT_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::manifest::{Entry, Manifest, Status as EntryStatus};

    fn entry(path: &str, status: EntryStatus, pages: u32, finished: u64) -> Entry {
        Entry {
            path: path.into(),
            sha256: "s".into(),
            key: "k".into(),
            status,
            error: (status == EntryStatus::Failed).then(|| "the file is empty".into()),
            outputs: Vec::new(),
            pages,
            finished,
        }
    }

    #[test]
    fn sums_shards_and_counts_a_document_once_by_its_latest_entry() {
        let dir = std::env::temp_dir().join(format!("sohoa-status-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        assert!(matches!(read(&dir), Err(StatusError::NotARun(_))));
        let zero = Shard { index: 0, count: 2 };
        let one = Shard { index: 1, count: 2 };
        let m = Manifest::open_file(&dir, &zero.manifest_file()).unwrap();
        m.append(&entry("a.pdf", EntryStatus::Done, 3, 10)).unwrap();
        m.append(&entry("bad.pdf", EntryStatus::Failed, 0, 11))
            .unwrap();
        let m = Manifest::open_file(&dir, &one.manifest_file()).unwrap();
        m.append(&entry("b.tif", EntryStatus::Done, 2, 12)).unwrap();
        // A failure in shard 0 that an unsharded re-run later finished: counted once, done.
        let m = Manifest::open(&dir).unwrap();
        m.append(&entry("bad.pdf", EntryStatus::Done, 1, 20))
            .unwrap();
        for (shard, started, seconds, pages) in [(zero, 100, 30.0, 3), (one, 110, 30.0, 2)] {
            let report = RunReport {
                documents: 2,
                pages,
                seconds,
                pages_per_minute: pages as f64 / seconds * 60.0,
                started,
                shard: Some(shard),
                ..RunReport::default()
            };
            std::fs::write(
                dir.join(shard.report_file()),
                serde_json::to_vec(&report).unwrap(),
            )
            .unwrap();
        }
        let status = read(&dir).unwrap();
        let labels: Vec<&str> = status.shards.iter().map(|s| s.shard.as_str()).collect();
        assert_eq!(labels, ["all", "0/2", "1/2"]);
        assert_eq!(status.shards[1].failed, 1);
        assert_eq!(status.shards[1].pending, Some(0));
        assert_eq!(status.shards[2].pending, Some(1), "found 2, one done");
        assert_eq!(status.shards[0].last_run, None);
        assert_eq!(
            status.total.pending, None,
            "the unsharded run has no report"
        );
        assert_eq!((status.total.done, status.total.failed), (3, 0));
        assert_eq!(status.total.pages, 6);
        // 5 pages from the first start (100) to the last end (140).
        assert_eq!(status.total.seconds, 40.0);
        assert!((status.total.pages_per_minute - 7.5).abs() < 1e-9);
        let text = render(&status);
        assert!(
            text.contains("shard 0/2: 1 done, 1 failed, 0 pending; 3 pages"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_plan_shows_shards_not_yet_started_and_what_a_running_shard_has_left() {
        let dir = tempfile::tempdir().unwrap();
        let docs: Vec<(String, u64)> = ["a.pdf", "b.pdf", "c.tif", "d.png", "e.txt"]
            .iter()
            .zip([50, 40, 30, 20, 10])
            .map(|(r, w)| (r.to_string(), w))
            .collect();
        let plan = ShardPlan::load_or_create(dir.path(), 3, &docs, |d| d.clone()).unwrap();
        // Only the nothing-started state so far: still a run folder, all pending.
        let status = read(dir.path()).unwrap();
        assert_eq!(status.total.shards, 3);
        assert_eq!(status.total.pending, Some(5));
        assert!(status.shards.iter().all(|s| !s.started));
        // Shard 0 is running: one of its planned documents is done, no report yet.
        let zero = Shard { index: 0, count: 3 };
        let first = plan.documents.iter().find(|(_, k)| **k == 0).unwrap().0;
        let m = Manifest::open_file(dir.path(), &zero.manifest_file()).unwrap();
        m.append(&entry(first, EntryStatus::Done, 1, 10)).unwrap();
        let status = read(dir.path()).unwrap();
        let planned: Vec<Option<usize>> = status.shards.iter().map(|s| s.planned).collect();
        let dealt: Vec<Option<usize>> = plan
            .shards
            .iter()
            .map(|s| Some(s.documents as usize))
            .collect();
        assert_eq!(planned, dealt);
        assert_eq!(status.shards[0].pending, Some(dealt[0].unwrap() - 1));
        assert_eq!(status.total.pending, Some(4));
        let text = render(&status);
        assert!(text.contains("shard 2/3: 0 done, 0 failed,"), "{text}");
        assert!(text.contains("not started"), "{text}");
        assert!(text.contains("no report yet"), "{text}");
    }
}
