//! Where PDF objects go: into a lopdf [`Document`] held in memory (grafting onto an input PDF),
//! or straight to a file as they are made ([`StreamingFile`], for image inputs).
//!
//! Objects are built as lopdf values in both cases, so the font, the metadata and the text
//! layer are made by the same code. [`StreamingFile`] exists because lopdf keeps a whole
//! document in memory until it is saved and does not expose its object writer: a 500-page TIFF
//! written through it would hold every page image at once. The few lines that serialise an
//! object and keep the cross-reference table are all the hand-written PDF left.

use lopdf::{Dictionary, Document, Object, ObjectId};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Something that takes PDF objects: ids are reserved first so that objects can refer to one
/// another before they are complete.
pub(super) trait ObjectSink {
    /// A fresh object id.
    fn reserve(&mut self) -> ObjectId;
    /// Stores (or writes) the object under `id`.
    fn put(&mut self, id: ObjectId, object: Object) -> std::io::Result<()>;
    /// Reserves an id and stores the object under it.
    fn add(&mut self, object: Object) -> std::io::Result<ObjectId> {
        let id = self.reserve();
        self.put(id, object)?;
        Ok(id)
    }
}

impl ObjectSink for Document {
    fn reserve(&mut self) -> ObjectId {
        self.new_object_id()
    }

    fn put(&mut self, id: ObjectId, object: Object) -> std::io::Result<()> {
        self.objects.insert(id, object);
        Ok(())
    }
}

/// A PDF file written object by object: only each object's byte offset is kept.
///
/// It is either a new file, or an incremental update (PDF 32000 §7.5.6): a copy of an existing
/// file's bytes with the changed and new objects, a cross-reference section for them and a
/// trailer pointing back at the file's own (`/Prev`) appended.
#[derive(Debug)]
pub(super) struct StreamingFile {
    out: BufWriter<File>,
    position: u64,
    /// Byte offset of each object written, by id.
    offsets: std::collections::BTreeMap<ObjectId, u64>,
    /// The next object number [`ObjectSink::reserve`] hands out.
    next_number: u32,
    /// For an update, where the file's last cross-reference section starts.
    previous_xref: Option<u64>,
}

impl StreamingFile {
    /// Creates the file and writes the header.
    pub(super) fn create(path: &Path) -> std::io::Result<StreamingFile> {
        let mut file = StreamingFile {
            out: BufWriter::with_capacity(1 << 16, File::create(path)?),
            position: 0,
            offsets: std::collections::BTreeMap::new(),
            next_number: 1,
            previous_xref: None,
        };
        // The binary comment tells transfer tools the file is not text (PDF 32000 §7.5.2);
        // PDF/A-2 asks for it.
        file.write(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        Ok(file)
    }

    /// Copies `original` to `path` (streamed, never held in memory) to append an update to it:
    /// `max_number` is the highest object number the original uses, `xref` where its last
    /// cross-reference section starts.
    pub(super) fn update(
        original: &Path,
        path: &Path,
        max_number: u32,
        xref: u64,
    ) -> std::io::Result<StreamingFile> {
        let mut out = BufWriter::with_capacity(1 << 16, File::create(path)?);
        let copied = std::io::copy(&mut File::open(original)?, &mut out)?;
        let mut file = StreamingFile {
            out,
            position: copied,
            offsets: std::collections::BTreeMap::new(),
            next_number: max_number + 1,
            previous_xref: Some(xref),
        };
        // The original may end without an end of line after `%%EOF`.
        file.write(b"\n")?;
        Ok(file)
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Writes the cross-reference table and the trailer, then flushes and syncs the file.
    pub(super) fn finish(mut self, trailer: Dictionary) -> std::io::Result<()> {
        let xref = self.position;
        // Runs of consecutive object numbers, one subsection each; a new file's first one
        // starts at the free-list head, object 0.
        let mut runs: Vec<Vec<String>> = Vec::new();
        let mut last = None;
        if self.previous_xref.is_none() {
            runs.push(vec!["0000000000 65535 f\r\n".to_string()]);
            last = Some(0);
        }
        let mut starts = Vec::new();
        if last.is_some() {
            starts.push(0);
        }
        for (&(number, generation), offset) in &self.offsets {
            // Each entry is exactly 20 bytes, the end of line included (PDF 32000 §7.5.4).
            let entry = format!("{offset:010} {generation:05} n\r\n");
            match (last, runs.last_mut()) {
                (Some(previous), Some(run)) if previous + 1 == number => run.push(entry),
                _ => {
                    starts.push(number);
                    runs.push(vec![entry]);
                }
            }
            last = Some(number);
        }
        let mut table = String::from("xref\n");
        for (start, run) in starts.iter().zip(&runs) {
            table.push_str(&format!("{start} {}\n", run.len()));
            for entry in run {
                table.push_str(entry);
            }
        }
        self.write(table.as_bytes())?;
        let mut trailer = trailer;
        trailer.set("Size", i64::from(self.next_number));
        if let Some(previous) = self.previous_xref {
            trailer.set("Prev", previous as i64);
        }
        let mut bytes = b"trailer\n".to_vec();
        serialise(&Object::Dictionary(trailer), &mut bytes);
        bytes.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
        self.write(&bytes)?;
        self.out.flush()?;
        self.out.get_ref().sync_all()
    }
}

impl ObjectSink for StreamingFile {
    fn reserve(&mut self) -> ObjectId {
        self.next_number += 1;
        (self.next_number - 1, 0)
    }

    fn put(&mut self, id: ObjectId, object: Object) -> std::io::Result<()> {
        self.next_number = self.next_number.max(id.0 + 1);
        self.offsets.insert(id, self.position);
        let mut bytes = format!("{} {} obj\n", id.0, id.1).into_bytes();
        serialise(&object, &mut bytes);
        bytes.extend_from_slice(b"\nendobj\n");
        self.write(&bytes)
    }
}

/// Serialises one object (PDF 32000 §7.3). Strings are written as hex, which needs no escaping.
fn serialise(object: &Object, out: &mut Vec<u8>) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(value) => out.extend_from_slice(if *value { b"true" } else { b"false" }),
        Object::Integer(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Object::Real(value) => {
            out.extend_from_slice(super::text_layer::num(f64::from(*value)).as_bytes())
        }
        Object::Name(name) => write_name(name, out),
        Object::String(bytes, _) => {
            out.push(b'<');
            for byte in bytes {
                out.extend_from_slice(format!("{byte:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialise(item, out);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(dict, out),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", stream.content.len() as i64);
            write_dictionary(&dict, out);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((number, generation)) => {
            out.extend_from_slice(format!("{number} {generation} R").as_bytes())
        }
    }
}

fn write_dictionary(dict: &Dictionary, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(key, out);
        out.push(b' ');
        serialise(value, out);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}

/// A name with delimiters, white space and bytes outside `!`–`~` written as `#xx`.
fn write_name(name: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &byte in name {
        if b"()<>[]{}/%#".contains(&byte) || !(b'!'..=b'~').contains(&byte) {
            out.extend_from_slice(format!("#{byte:02X}").as_bytes());
        } else {
            out.push(byte);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    #[test]
    fn objects_serialise_as_pdf_syntax() {
        let mut out = Vec::new();
        let dict = dictionary! {
            "Type" => "Page",
            "Box" => vec![0.into(), Object::Real(595.5), Object::Boolean(true)],
            "Odd name" => Object::Reference((12, 0)),
            "Title" => Object::string_literal("Kế (1)"),
        };
        serialise(&Object::Dictionary(dict), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type /Page /Box [0 595.5 true] /Odd#20name 12 0 R /Title <4BE1BABF20283129> >>"
        );
        let mut out = Vec::new();
        serialise(
            &Object::Stream(Stream::new(dictionary! {}, b"BT ET".to_vec())),
            &mut out,
        );
        assert_eq!(out, b"<</Length 5 >>\nstream\nBT ET\nendstream");
    }

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let path = std::env::temp_dir().join(format!("sohoa-objects-{}.pdf", std::process::id()));
        let mut file = StreamingFile::create(&path).unwrap();
        let later = file.reserve();
        let first = file.add(Object::Integer(7)).unwrap();
        file.put(later, Object::Name(b"Late".to_vec())).unwrap();
        file.finish(dictionary! { "Root" => first }).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        let table = std::str::from_utf8(&bytes[startxref..]).unwrap();
        assert!(table.starts_with("xref\n0 3\n"));
        for (number, entry) in table.lines().skip(3).take(2).enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj\n", number + 1);
            assert!(bytes[offset..].starts_with(header.as_bytes()));
        }
        assert!(text.contains("/Size 3"));

        // An update: the original's bytes, then only the changed objects, in runs.
        let updated = path.with_extension("update.pdf");
        let mut file = StreamingFile::update(&path, &updated, 2, startxref as u64).unwrap();
        file.put((2, 0), Object::Integer(8)).unwrap();
        let new = file.add(Object::Integer(9)).unwrap();
        assert_eq!(new, (3, 0));
        file.put((7, 1), Object::Null).unwrap();
        file.finish(dictionary! { "Root" => first }).unwrap();
        let bytes = std::fs::read(&updated).unwrap();
        assert!(bytes.starts_with(&std::fs::read(&path).unwrap()));
        let text = String::from_utf8_lossy(&bytes);
        let last_xref = text.rfind("xref\n2 2\n").expect("a run from object 2");
        assert!(text[last_xref..].contains("7 1\n"));
        assert!(text[last_xref..].contains("00001 n"));
        assert!(text.contains(&format!("/Prev {startxref}")));
        assert!(text.ends_with("%%EOF\n"));
        std::fs::remove_file(&path).ok();
        std::fs::remove_file(&updated).ok();
    }
}
