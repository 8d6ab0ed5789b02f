//! `sohoa export DIR --format elasticsearch`: the records of a `sohoa run` folder (all shards)
//! as `_bulk` NDJSON for OpenSearch or Elasticsearch, for an archive that outgrows one tantivy
//! index.
//!
//! Each record becomes an `index` action keyed by its path relative to `DIR` (the key of the
//! tantivy index too, so loading again replaces instead of duplicating) and a document with
//! the fields of `deploy/opensearch/index-template.json`: `text`, `title` and `reference`
//! (analysed there twice, exact and diacritic-folded, like [`super::schema`]), the filters
//! (`doc_type`, `doc_type_code`, `issuer`, `system`, `place`, `issued_date`, `year`) and the
//! source. Text is NFC, as in the tantivy index.
//!
//! ```
//! use sohoa::search::export::bulk_lines;
//! use sohoa::search::record::Record;
//! let json = r#"{"format": "sohoa-record/1", "source": {"path": "a.pdf"},
//!   "text": "Đảng ủy", "metadata": {"reference": "42-BC/BTGDVTU"}}"#;
//! let record = Record::from_json(json.as_bytes()).unwrap();
//! let lines = bulk_lines("sohoa", "a.pdf.json", &record)?;
//! assert_eq!(lines[0], r#"{"index":{"_id":"a.pdf.json","_index":"sohoa"}}"#);
//! assert!(lines[1].contains(r#""reference":"42-BC/BTGDVTU""#));
//! # Ok::<(), serde_json::Error>(())
//! ```

use super::index::collect_records;
use super::record::{NotRecord, Record};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use unicode_normalization::UnicodeNormalization;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `_bulk` NDJSON for Elasticsearch and OpenSearch.
    #[value(alias = "opensearch")]
    Elasticsearch,
}

/// Arguments of `sohoa export`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  sohoa export /archive/sohoa --format elasticsearch --output sohoa.ndjson\n  curl -XPUT localhost:9200/_index_template/sohoa -H 'Content-Type: application/json' -d @deploy/opensearch/index-template.json\n  curl -XPOST localhost:9200/_bulk -H 'Content-Type: application/x-ndjson' --data-binary @sohoa.ndjson\n\nExit status: 0 done, 1 some records could not be read (listed), 2 DIR or the output cannot be used."
)]
pub struct ExportArgs {
    /// The `sohoa run` output folder (all shards' records).
    pub dir: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: Format,
    /// The index the documents go to (the template matches `sohoa*`).
    #[arg(long, default_value = "sohoa")]
    pub index_name: String,
    /// Where to write [default: standard output].
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

/// The search document of a record: the fields of the index template.
pub fn document(record: &Record) -> Value {
    let nfc = |s: &str| s.nfc().collect::<String>();
    let nfc_opt = |s: &Option<String>| s.as_deref().map(nfc);
    let meta = record.meta();
    json!({
        "source": record.source.path,
        "kind": record.source.kind,
        "pages": record.pages.len(),
        "text": nfc(&record.full_text()),
        "title": nfc_opt(&meta.title),
        "reference": nfc_opt(&meta.reference),
        "doc_type": nfc_opt(&meta.doc_type),
        "doc_type_code": nfc_opt(&meta.doc_type_code),
        "issuer": nfc_opt(&meta.issuer),
        "system": meta.system,
        "place": nfc_opt(&meta.place),
        "issued_date": meta.issued_date,
        "year": meta.year,
    })
}

/// The two `_bulk` lines of a record (action, document), without their newlines.
pub fn bulk_lines(index: &str, id: &str, record: &Record) -> serde_json::Result<[String; 2]> {
    let action = json!({"index": {"_index": index, "_id": id}});
    Ok([
        serde_json::to_string(&action)?,
        serde_json::to_string(&document(record))?,
    ])
}

/// What an export did.
#[derive(Debug, Default)]
pub struct Exported {
    /// Records written.
    pub records: usize,
    /// Files that are not records or could not be read, with the reason.
    pub failed: Vec<(PathBuf, String)>,
}

/// Writes every record under `dir` (sorted by path) to `out` as `_bulk` NDJSON.
pub fn write_bulk(dir: &Path, index: &str, out: &mut dyn Write) -> std::io::Result<Exported> {
    let mut files = Vec::new();
    collect_records(dir, dir, &super::default_index_dir(dir), &mut files);
    files.sort();
    let mut exported = Exported::default();
    for (rel, path) in files {
        let record = match std::fs::read(&path) {
            Ok(bytes) => Record::from_json(&bytes),
            Err(err) => Err(NotRecord::Invalid(err.to_string())),
        };
        match record {
            Ok(record) => {
                for line in bulk_lines(index, &rel, &record)? {
                    out.write_all(line.as_bytes())?;
                    out.write_all(b"\n")?;
                }
                exported.records += 1;
            }
            Err(NotRecord::OtherFormat) => {}
            Err(NotRecord::Invalid(reason)) => exported.failed.push((path, reason)),
        }
    }
    out.flush()?;
    Ok(exported)
}

/// Runs `sohoa export`; returns the exit status (0, 1 some records failed, 2 cannot run).
pub fn export(args: ExportArgs) -> ExitCode {
    ExitCode::from(export_status(&args))
}

fn export_status(args: &ExportArgs) -> u8 {
    if !args.dir.is_dir() {
        eprintln!("sohoa export: {}: not a folder", args.dir.display());
        return crate::command::EXIT_USAGE;
    }
    let Format::Elasticsearch = args.format;
    let written = match &args.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                let exported = write_bulk(&args.dir, &args.index_name, &mut out)?;
                out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                Ok(exported)
            })
            .map_err(|e| (path.clone(), e)),
        None => write_bulk(
            &args.dir,
            &args.index_name,
            &mut std::io::BufWriter::new(std::io::stdout().lock()),
        )
        .map_err(|e| (PathBuf::from("-"), e)),
    };
    match written {
        Ok(exported) => {
            for (path, reason) in &exported.failed {
                eprintln!("sohoa export: {}: {reason}", path.display());
            }
            eprintln!(
                "sohoa export: {} records{}",
                exported.records,
                if exported.failed.is_empty() {
                    String::new()
                } else {
                    format!(", {} failed", exported.failed.len())
                }
            );
            u8::from(!exported.failed.is_empty())
        }
        // A closed pipe (`| head`) is not an error worth a message.
        Err((_, err)) if err.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err((path, err)) => {
            eprintln!("sohoa export: {}: {err}", path.display());
            crate::command::EXIT_USAGE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_becomes_an_action_and_a_document_in_nfc() {
        // Decomposed input (NFD): exported composed, as the tantivy index stores it.
        let json = "{\"format\": \"sohoa-record/1\", \"source\": {\"path\": \"x/a.pdf\", \"kind\": \"pdf\"},
            \"pages\": [{\"number\": 1, \"text\": \"Đa\u{309}ng\"}], \"text\": \"\",
            \"metadata\": {\"issued_date\": \"2025-07-03\", \"issuer\": {\"name\": \"Ban Tuyên giáo\"},
                           \"doc_type\": {\"name\": \"Báo cáo\", \"code\": \"BC\"}}}";
        let record = Record::from_json(json.as_bytes()).unwrap();
        let [action, doc] = bulk_lines("archive-1", "x/a.pdf.json", &record).unwrap();
        let action: Value = serde_json::from_str(&action).unwrap();
        assert_eq!(action["index"]["_index"], "archive-1");
        assert_eq!(action["index"]["_id"], "x/a.pdf.json");
        let doc: Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(doc["text"], "Đảng");
        assert_eq!(doc["source"], "x/a.pdf");
        assert_eq!(doc["pages"], 1);
        assert_eq!(doc["issuer"], "Ban Tuyên giáo");
        assert_eq!(doc["doc_type_code"], "BC");
        assert_eq!(doc["year"], 2025);
        assert_eq!(doc["title"], Value::Null);
    }
}
