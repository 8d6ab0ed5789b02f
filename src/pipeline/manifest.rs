//! The run manifest: one JSON line per finished document, appended and synced, so that a run
//! killed at any moment can be resumed without losing or duplicating a document.
//!
//! A document's outputs are renamed into place *before* its manifest line is written; a crash
//! between the two only means the document is redone (its outputs are replaced atomically).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest's file name inside the output folder.
pub const MANIFEST_FILE: &str = "manifest.jsonl";

/// How a document ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Outputs written (possibly with failed pages, listed in its record).
    Done,
    /// Nothing could be read; `error` says why.
    Failed,
}

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Input path relative to its input folder.
    pub path: String,
    /// SHA-256 of the input.
    pub sha256: String,
    /// Tool, model and language fingerprint the outputs were made with.
    pub key: String,
    /// How it ended.
    pub status: Status,
    /// Why it failed.
    pub error: Option<String>,
    /// Output files, relative to the output folder.
    pub outputs: Vec<String>,
    /// Pages processed.
    pub pages: u32,
    /// Unix time it finished.
    pub finished: u64,
}

/// The manifest of an output folder, loaded and open for appending.
pub struct Manifest {
    dir: PathBuf,
    latest: HashMap<String, Entry>,
    file: Mutex<File>,
    /// Lines that could not be read (a line cut short by a crash); they are ignored.
    pub damaged_lines: usize,
}

impl Manifest {
    /// Opens (creating) `DIR/manifest.jsonl` and reads the latest entry per document.
    pub fn open(dir: &Path) -> std::io::Result<Manifest> {
        Manifest::open_file(dir, MANIFEST_FILE)
    }

    /// Opens (creating) the manifest `DIR/FILE_NAME` (a shard's own manifest, see
    /// [`super::shard::Shard::manifest_file`]) and reads the latest entry per document.
    pub fn open_file(dir: &Path, file_name: &str) -> std::io::Result<Manifest> {
        let path = dir.join(file_name);
        let mut latest = HashMap::new();
        let mut damaged_lines = 0;
        let mut ends_cleanly = true;
        if path.exists() {
            (latest, damaged_lines) = read_latest(&path)?;
            let bytes = std::fs::read(&path)?;
            ends_cleanly = bytes.is_empty() || bytes.ends_with(b"\n");
        }
        let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
        if !ends_cleanly {
            // A line cut short by a crash: end it so the next entry starts on its own line.
            file.write_all(b"\n")?;
        }
        Ok(Manifest {
            dir: dir.to_path_buf(),
            latest,
            file: Mutex::new(file),
            damaged_lines,
        })
    }

    /// True when `path` was finished with the same input and key and its outputs still exist.
    pub fn is_finished(&self, path: &str, sha256: &str, key: &str) -> bool {
        self.latest.get(path).is_some_and(|e| {
            e.status == Status::Done
                && e.sha256 == sha256
                && e.key == key
                && e.outputs.iter().all(|o| self.dir.join(o).is_file())
        })
    }

    /// Appends an entry as one write and syncs it to disk.
    pub fn append(&self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("manifest lock poisoned"))?;
        file.write_all(&line)?;
        file.sync_data()
    }
}

/// Reads a manifest file without opening it for writing: the latest entry per document, and
/// the number of lines that could not be read (a line cut short by a crash).
pub fn read_latest(path: &Path) -> std::io::Result<(HashMap<String, Entry>, usize)> {
    let mut latest = HashMap::new();
    let mut damaged_lines = 0;
    for line in BufReader::new(File::open(path)?).split(b'\n') {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) => {
                latest.insert(entry.path.clone(), entry);
            }
            Err(_) => damaged_lines += 1,
        }
    }
    Ok((latest, damaged_lines))
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = temp_path(path);
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The temporary name used while `path` is being written (`.name.sohoa-tmp`).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.sohoa-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, sha: &str) -> Entry {
        Entry {
            path: path.into(),
            sha256: sha.into(),
            key: "k".into(),
            status: Status::Done,
            error: None,
            outputs: vec![format!("{path}.json")],
            pages: 1,
            finished: 0,
        }
    }

    #[test]
    fn survives_a_line_cut_short_and_keeps_the_latest_entry() {
        let dir = std::env::temp_dir().join(format!("sohoa-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.pdf.json"), "{}").unwrap();
        {
            let m = Manifest::open(&dir).unwrap();
            m.append(&entry("a.pdf", "old")).unwrap();
            m.append(&entry("a.pdf", "new")).unwrap();
        }
        // A crash in the middle of a line.
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(MANIFEST_FILE))
            .unwrap();
        f.write_all(b"{\"path\":\"b.pdf\",\"sha2").unwrap();
        drop(f);
        let m = Manifest::open(&dir).unwrap();
        assert_eq!(m.damaged_lines, 1);
        assert!(m.is_finished("a.pdf", "new", "k"));
        assert!(!m.is_finished("a.pdf", "old", "k"));
        assert!(!m.is_finished("a.pdf", "new", "other model"));
        assert!(!m.is_finished("b.pdf", "x", "k"));
        m.append(&entry("c.pdf", "c")).unwrap();
        drop(m);
        let m = Manifest::open(&dir).unwrap();
        assert_eq!(m.damaged_lines, 1, "the next entry starts on its own line");
        assert!(m.latest.contains_key("c.pdf"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("sohoa-atomic-{}", std::process::id()));
        let path = dir.join("sub/x.json");
        write_atomically(&path, b"{}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        assert!(!temp_path(&path).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
