//! `sohoa index DIR`: build or incrementally update the tantivy index of an output folder.
//!
//! Each record file (`*.json` with `format: "sohoa-record/1"`, hidden folders skipped) is one
//! document keyed by its path relative to `DIR`. The index keeps each record's size,
//! modification time and content hash, so a re-run reads only what changed: new records are
//! added, changed ones deleted by their path term and re-added, vanished ones removed.
//!
//! ```no_run
//! let report = sohoa::search::index::index_dir(std::path::Path::new("out"), None)?;
//! println!("{report}");
//! # Ok::<(), sohoa::search::Error>(())
//! ```

use super::record::{NotRecord, Record};
use super::schema::{Fields, SCHEMA_VERSION};
use super::{Error, Result, default_index_dir, tokenize};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use tantivy::schema::Term;
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument};
use unicode_normalization::UnicodeNormalization;

/// The file beside tantivy's own in the index folder that says which folder it indexes.
pub const SIDECAR: &str = "sohoa-index.json";
/// Format tag of [`SIDECAR`].
pub const SIDECAR_FORMAT: &str = "sohoa-index/1";

/// Memory budget of the index writer, in bytes.
const WRITER_MEMORY: usize = 100_000_000;
/// Records parsed in parallel before they are handed to the writer.
const CHUNK: usize = 256;

/// What the [`SIDECAR`] file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sidecar {
    /// [`SIDECAR_FORMAT`].
    pub format: String,
    /// [`SCHEMA_VERSION`] of the index.
    pub schema_version: u64,
    /// The indexed output folder: relative to the index folder when the index is inside it.
    pub root: PathBuf,
}

/// What one indexing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Records new to the index.
    pub added: usize,
    /// Records whose file changed, re-indexed.
    pub updated: usize,
    /// Records no longer in the folder, removed from the index.
    pub removed: usize,
    /// Records unchanged since the last run (not read).
    pub unchanged: usize,
    /// JSON files that are not records (another `format`), ignored.
    pub ignored: usize,
    /// Files that could not be read or parsed, with the reason; the index keeps their old
    /// version if it had one.
    pub failed: Vec<(PathBuf, String)>,
    /// Documents in the index after the run.
    pub total: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} documents: {} added, {} updated, {} removed, {} unchanged",
            self.total, self.added, self.updated, self.removed, self.unchanged
        )?;
        if self.ignored > 0 {
            write!(f, ", {} other JSON files ignored", self.ignored)?;
        }
        if !self.failed.is_empty() {
            write!(f, ", {} failed", self.failed.len())?;
        }
        Ok(())
    }
}

/// Size, modification time and hash of a record file as last indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime: u64,
    hash: u64,
}

/// An opened index with its fields and the folder it indexes.
pub struct Opened {
    /// The tantivy index, with the sohoa tokenizers registered.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// The indexed output folder (absolute).
    pub root: PathBuf,
}

/// Opens an existing index made by `sohoa index`.
///
/// Fails with [`Error::NoIndex`] when there is none at `index_dir`, and with
/// [`Error::Incompatible`] when it was made with another schema.
pub fn open(index_dir: &Path) -> Result<Opened> {
    let sidecar_path = index_dir.join(SIDECAR);
    let bytes = match std::fs::read(&sidecar_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoIndex(index_dir.to_path_buf()));
        }
        Err(source) => {
            return Err(Error::Io {
                path: sidecar_path,
                source,
            });
        }
    };
    let sidecar: Sidecar = serde_json::from_slice(&bytes).map_err(|e| Error::BadRecord {
        path: sidecar_path.clone(),
        reason: e.to_string(),
    })?;
    let fields = Fields::new();
    if sidecar.format != SIDECAR_FORMAT || sidecar.schema_version != SCHEMA_VERSION {
        return Err(Error::Incompatible(index_dir.to_path_buf()));
    }
    let index = Index::open_in_dir(index_dir).map_err(|e| match e {
        tantivy::TantivyError::OpenDirectoryError(_) => Error::NoIndex(index_dir.to_path_buf()),
        other => Error::Tantivy(other),
    })?;
    if index.schema() != fields.schema {
        return Err(Error::Incompatible(index_dir.to_path_buf()));
    }
    tokenize::register(index.tokenizers());
    let root = if sidecar.root.is_absolute() {
        sidecar.root
    } else {
        index_dir.join(&sidecar.root)
    };
    let root = root.canonicalize().map_err(|source| Error::Io {
        path: root.clone(),
        source,
    })?;
    Ok(Opened {
        index,
        fields,
        root,
    })
}

/// Indexes the record files under `dir` into `index_dir` (default `dir/.index`), creating the
/// index or updating it incrementally.
pub fn index_dir(dir: &Path, index_dir: Option<&Path>) -> Result<Report> {
    if !dir.is_dir() {
        return Err(Error::NotADir(dir.to_path_buf()));
    }
    let root = dir.canonicalize().map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let index_path = index_dir.map_or_else(|| default_index_dir(&root), Path::to_path_buf);
    let opened = open_or_create(&root, &index_path)?;
    let fields = &opened.fields;
    let index = &opened.index;

    let known = indexed_stamps(index)?;
    let index_abs = index_path.canonicalize().map_err(|source| Error::Io {
        path: index_path.clone(),
        source,
    })?;
    let mut files = Vec::new();
    collect_records(&root, &root, &index_abs, &mut files);
    files.sort();

    let mut report = Report::default();
    let mut writer: IndexWriter = index.writer(WRITER_MEMORY)?;
    let mut seen: HashSet<String> = HashSet::new();
    for chunk in files.chunks(CHUNK) {
        let outcomes: Vec<(String, Outcome)> = chunk
            .par_iter()
            .map(|(rel, path)| (rel.clone(), prepare(fields, rel, path, known.get(rel))))
            .collect();
        for (rel, outcome) in outcomes {
            seen.insert(rel.clone());
            match outcome {
                Outcome::Unchanged => report.unchanged += 1,
                Outcome::Ignored => {
                    report.ignored += 1;
                    if known.contains_key(&rel) {
                        // It used to be a record; it is not one any more.
                        writer.delete_term(Term::from_field_text(fields.path, &rel));
                        report.removed += 1;
                    }
                }
                Outcome::Failed(path, reason) => report.failed.push((path, reason)),
                Outcome::Doc(doc) => {
                    if known.contains_key(&rel) {
                        writer.delete_term(Term::from_field_text(fields.path, &rel));
                        report.updated += 1;
                    } else {
                        report.added += 1;
                    }
                    writer.add_document(*doc)?;
                }
            }
        }
    }
    for rel in known.keys() {
        if !seen.contains(rel) {
            writer.delete_term(Term::from_field_text(fields.path, rel));
            report.removed += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let reader = index.reader()?;
    report.total = reader.searcher().num_docs();
    Ok(report)
}

/// What to do with one record file.
enum Outcome {
    Unchanged,
    Ignored,
    Failed(PathBuf, String),
    Doc(Box<TantivyDocument>),
}

/// Reads one record file unless it is unchanged, and builds its document.
fn prepare(fields: &Fields, rel: &str, path: &Path, known: Option<&Stamp>) -> Outcome {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return Outcome::Failed(path.to_path_buf(), e.to_string()),
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    if let Some(k) = known {
        if k.size == meta.len() && k.mtime == mtime {
            return Outcome::Unchanged;
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::Failed(path.to_path_buf(), e.to_string()),
    };
    let stamp = Stamp {
        size: bytes.len() as u64,
        mtime,
        hash: fnv1a(&bytes),
    };
    if known.is_some_and(|k| k.hash == stamp.hash && k.size == stamp.size) {
        return Outcome::Unchanged;
    }
    match Record::from_json(&bytes) {
        Ok(record) => Outcome::Doc(Box::new(document(fields, rel, stamp, &record))),
        Err(NotRecord::OtherFormat) => Outcome::Ignored,
        Err(NotRecord::Invalid(reason)) => Outcome::Failed(path.to_path_buf(), reason),
    }
}

/// Builds the tantivy document of a record.
fn document(f: &Fields, rel: &str, stamp: Stamp, record: &Record) -> TantivyDocument {
    let nfc = |s: &str| s.nfc().collect::<String>();
    let mut doc = TantivyDocument::default();
    doc.add_text(f.path, rel);
    doc.add_u64(f.size, stamp.size);
    doc.add_u64(f.mtime, stamp.mtime);
    doc.add_u64(f.hash, stamp.hash);
    doc.add_text(f.source, &record.source.path);
    let full = record.full_text();
    let text = nfc(&(record.tables_text(&full) + "\n" + &full));
    doc.add_text(f.text, &text);
    doc.add_text(f.text_folded, &text);
    let meta = record.meta();
    if let Some(title) = &meta.title {
        let title = nfc(title);
        doc.add_text(f.title, &title);
        doc.add_text(f.title_folded, &title);
    }
    if let Some(reference) = &meta.reference {
        let reference = nfc(reference);
        doc.add_text(f.reference, &reference);
        doc.add_text(f.reference_folded, &reference);
    }
    if let Some(name) = &meta.doc_type {
        let name = nfc(name);
        doc.add_text(f.doc_type, &name);
        doc.add_text(f.doc_type_key, tokenize::key(&name));
    }
    if let Some(code) = &meta.doc_type_code {
        let code = nfc(code);
        doc.add_text(f.doc_type_code, &code);
        doc.add_text(f.doc_type_key, tokenize::key(&code));
    }
    if let Some(issuer) = &meta.issuer {
        let issuer = nfc(issuer);
        doc.add_text(f.issuer, &issuer);
        doc.add_text(f.issuer_folded, &issuer);
    }
    for (field, value) in [(f.system, &meta.system), (f.place, &meta.place)] {
        if let Some(value) = value {
            doc.add_text(field, nfc(value));
        }
    }
    if let Some(year) = meta.year {
        doc.add_u64(f.year, year);
    }
    if let Some(secs) = meta
        .issued_date
        .as_deref()
        .and_then(super::record::date_to_secs)
    {
        doc.add_date(f.issued_date, DateTime::from_timestamp_secs(secs));
    }
    doc
}

/// Opens the index at `index_path` for `root`, or creates it (rebuilding an index of an older
/// schema that sohoa made).
fn open_or_create(root: &Path, index_path: &Path) -> Result<Opened> {
    match open(index_path) {
        Ok(opened) => return Ok(opened),
        Err(Error::NoIndex(_)) => {}
        Err(Error::Incompatible(_)) => {
            // Ours (the sidecar exists): remove the old files and start again.
            remove_index_files(index_path)?;
        }
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(index_path).map_err(|source| Error::Io {
        path: index_path.to_path_buf(),
        source,
    })?;
    let io = |source| Error::Io {
        path: index_path.to_path_buf(),
        source,
    };
    if std::fs::read_dir(index_path).map_err(io)?.next().is_some() {
        return Err(Error::Occupied(index_path.to_path_buf()));
    }
    let fields = Fields::new();
    let index = Index::create_in_dir(index_path, fields.schema.clone())?;
    tokenize::register(index.tokenizers());
    let index_abs = index_path.canonicalize().map_err(io)?;
    let stored_root = if index_abs.parent() == Some(root) {
        PathBuf::from("..")
    } else {
        root.to_path_buf()
    };
    let sidecar = Sidecar {
        format: SIDECAR_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION,
        root: stored_root,
    };
    let json = serde_json::to_vec_pretty(&sidecar).map_err(|e| Error::BadRecord {
        path: index_path.join(SIDECAR),
        reason: e.to_string(),
    })?;
    std::fs::write(index_path.join(SIDECAR), json).map_err(|source| Error::Io {
        path: index_path.join(SIDECAR),
        source,
    })?;
    Ok(Opened {
        index,
        fields,
        root: root.to_path_buf(),
    })
}

/// Removes the files of an index folder that sohoa made (it has a [`SIDECAR`]).
fn remove_index_files(index_path: &Path) -> Result<()> {
    if !index_path.join(SIDECAR).is_file() {
        return Err(Error::Incompatible(index_path.to_path_buf()));
    }
    let io = |source| Error::Io {
        path: index_path.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(index_path).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_type().map_err(io)?.is_file() {
            std::fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    Ok(())
}

/// The stamps of the records in the index, by path, read from the fast fields.
fn indexed_stamps(index: &Index) -> Result<HashMap<String, Stamp>> {
    let searcher = index.reader()?.searcher();
    let mut out = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str("path")? else {
            continue;
        };
        let (size, mtime, hash) = (fast.u64("size")?, fast.u64("mtime")?, fast.u64("hash")?);
        let mut path = String::new();
        for doc in segment.doc_ids_alive() {
            let Some(ord) = paths.term_ords(doc).next() else {
                continue;
            };
            path.clear();
            if !paths
                .ord_to_str(ord, &mut path)
                .map_err(tantivy::TantivyError::from)?
            {
                continue;
            }
            let stamp = Stamp {
                size: size.first(doc).unwrap_or(0),
                mtime: mtime.first(doc).unwrap_or(0),
                hash: hash.first(doc).unwrap_or(0),
            };
            out.insert(path.clone(), stamp);
        }
    }
    Ok(out)
}

/// Collects `(relative path, path)` of the `*.json` files under `dir`, skipping hidden entries,
/// the index folder and symbolic links to folders.
pub(crate) fn collect_records(
    root: &Path,
    dir: &Path,
    index_path: &Path,
    out: &mut Vec<(String, PathBuf)>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if path != index_path {
                collect_records(root, &path, index_path, out);
            }
        } else if name.ends_with(".json") && (kind.is_file() || path.is_file()) {
            if let Some(rel) = path
                .strip_prefix(root)
                .ok()
                .and_then(|r| r.to_str())
                .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"))
            {
                out.push((rel, path));
            }
        }
    }
}

/// 64-bit FNV-1a hash of a file's bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
