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
#[derive(Debug)]
pub(super) struct StreamingFile {
    out: BufWriter<File>,
    position: u64,
    /// Byte offset of each object by number (index 0 is the free-list head, unused).
    offsets: Vec<u64>,
}

impl StreamingFile {
    /// Creates the file and writes the header.
    pub(super) fn create(path: &Path) -> std::io::Result<StreamingFile> {
        let mut file = StreamingFile {
            out: BufWriter::with_capacity(1 << 16, File::create(path)?),
            position: 0,
            offsets: vec![0],
        };
        // The binary comment tells transfer tools the file is not text (PDF 32000 §7.5.2);
        // PDF/A-2 asks for it.
        file.write(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
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
        let mut table = format!("xref\n0 {}\n0000000000 65535 f\r\n", self.offsets.len());
        for offset in &self.offsets[1..] {
            // Each entry is exactly 20 bytes, the end of line included (PDF 32000 §7.5.4).
            table.push_str(&format!("{offset:010} 00000 n\r\n"));
        }
        self.write(table.as_bytes())?;
        let mut trailer = trailer;
        trailer.set("Size", self.offsets.len() as i64);
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
        self.offsets.push(0);
        ((self.offsets.len() - 1) as u32, 0)
    }

    fn put(&mut self, id: ObjectId, object: Object) -> std::io::Result<()> {
        let number = id.0 as usize;
        if number >= self.offsets.len() {
            self.offsets.resize(number + 1, 0);
        }
        self.offsets[number] = self.position;
        let mut bytes = format!("{number} 0 obj\n").into_bytes();
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
        std::fs::remove_file(&path).ok();
    }
}
