//! The index schema: which fields exist, how each is tokenized, indexed and stored.
//!
//! The repaired text is stored once (field `text`, for snippets); its folded twin and the
//! title/reference twins are indexed only. The raw OCR text is not in the index at all: the
//! document page reads it from the record file in the output folder.
//!
//! ```
//! let fields = sohoa::search::schema::Fields::new();
//! assert!(fields.schema.get_field("text_folded").is_ok());
//! ```

use super::tokenize::{EXACT, FOLDED};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

/// Bumped whenever the schema changes; an index with another version is rebuilt.
pub const SCHEMA_VERSION: u64 = 1;

/// The fields of the index.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The schema itself.
    pub schema: Schema,
    /// Record path relative to the output folder (the document key); stored, fast.
    pub path: Field,
    /// Record file size in bytes (fast), for incremental indexing.
    pub size: Field,
    /// Record file modification time in nanoseconds since the epoch (fast).
    pub mtime: Field,
    /// FNV-1a hash of the record file (fast).
    pub hash: Field,
    /// The source path, as recorded.
    pub source: Field,
    /// Repaired text, exact tokens with positions; stored (the one stored copy of the text).
    pub text: Field,
    /// Repaired text, folded tokens with positions; not stored.
    pub text_folded: Field,
    /// Title, exact; stored.
    pub title: Field,
    /// Title, folded.
    pub title_folded: Field,
    /// Number and symbol as printed; stored.
    pub reference: Field,
    /// Number and symbol, folded tokens with positions (`265 KH TU`, `03-KH/DU`).
    pub reference_folded: Field,
    /// Document type name (facet); stored, fast.
    pub doc_type: Field,
    /// Document type code; stored.
    pub doc_type_code: Field,
    /// Folded lowercased type name and code (filter keys: `bao cao`, `bc`).
    pub doc_type_key: Field,
    /// Issuer name (facet); stored, fast.
    pub issuer: Field,
    /// Issuer name, folded tokens with positions (the `--issuer` filter is a phrase on it).
    pub issuer_folded: Field,
    /// `party` / `state` (facet).
    pub system: Field,
    /// Place (facet).
    pub place: Field,
    /// Year (facet, filter).
    pub year: Field,
    /// Date of issue (range filter); stored.
    pub issued_date: Field,
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let text_opts = |tokenizer: &str, stored: bool| {
            let opts = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored { opts.set_stored() } else { opts }
        };
        let path = b.add_text_field("path", STRING | STORED | FAST);
        let size = b.add_u64_field("size", FAST);
        let mtime = b.add_u64_field("mtime", FAST);
        let hash = b.add_u64_field("hash", FAST);
        let source = b.add_text_field("source", STORED);
        let text = b.add_text_field("text", text_opts(EXACT, true));
        let text_folded = b.add_text_field("text_folded", text_opts(FOLDED, false));
        let title = b.add_text_field("title", text_opts(EXACT, true));
        let title_folded = b.add_text_field("title_folded", text_opts(FOLDED, false));
        let reference = b.add_text_field("reference", STORED);
        let reference_folded = b.add_text_field("reference_folded", text_opts(FOLDED, false));
        let doc_type = b.add_text_field("doc_type", STRING | STORED | FAST);
        let doc_type_code = b.add_text_field("doc_type_code", STORED);
        let doc_type_key = b.add_text_field("doc_type_key", STRING);
        let issuer = b.add_text_field("issuer", STRING | STORED | FAST);
        let issuer_folded = b.add_text_field("issuer_folded", text_opts(FOLDED, false));
        let system = b.add_text_field("system", STRING | STORED | FAST);
        let place = b.add_text_field("place", STRING | STORED | FAST);
        let year = b.add_u64_field("year", INDEXED | STORED | FAST);
        let issued_date = b.add_date_field(
            "issued_date",
            DateOptions::from(INDEXED)
                .set_stored()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        Fields {
            schema: b.build(),
            path,
            size,
            mtime,
            hash,
            source,
            text,
            text_folded,
            title,
            title_folded,
            reference,
            reference_folded,
            doc_type,
            doc_type_code,
            doc_type_key,
            issuer,
            issuer_folded,
            system,
            place,
            year,
            issued_date,
        }
    }
}
