//! Searchable PDFs of PDF inputs: every page is copied as it is (content, images, fonts,
//! annotations) and each OCR'd page gets the invisible text layer grafted on, as OCRmyPDF does.
//! A page whose text came from its own text layer gets nothing.
//!
//! lopdf does the object work: it reads the file's structure, and the changes (the layer, the
//! font, the changed pages and catalog, the metadata) are appended to a copy of the file as an
//! incremental update (PDF 32000 §7.5.6), so the original bytes stay as they were. lopdf reads
//! the whole file into memory once (memory is about the input's size, 355 MiB for a 352 MB,
//! 500-page scan), but the image data is not copied into objects. An encrypted file
//! or one indexed by a cross-reference stream is instead read whole and written again by lopdf
//! (every stream still as stored). PDFium's editing API (through pdfium-render) was the other
//! choice, but it regenerates a page's content stream when the page is edited.

use super::Error;
use super::font::GlyphlessFont;
use super::objects::{ObjectSink, StreamingFile};
use super::pdfa::{DocumentInfo, describe, file_id};
use super::text_layer::{TextEncoder, num};
use crate::ingest::Word;
use lopdf::content::{Content, Operation};
use lopdf::xref::XrefType;
use lopdf::{Dictionary, Document, FilterFunc, LoadOptions, Object, ObjectId, Stream, dictionary};
use std::path::Path;

/// What the graft does to one page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageLayer {
    /// Leave the page as it is: its text came from its own text layer, or it has no words.
    Keep,
    /// Lay these words (boxes in pixels of the `width`×`height` image OCR read) over the page,
    /// replacing any invisible text it had.
    Words {
        /// Lines of words in reading order.
        lines: Vec<Vec<Word>>,
        /// Width of the OCR image in pixels.
        width: u32,
        /// Height of the OCR image in pixels.
        height: u32,
    },
}

/// Copies the PDF at `input` to `output` with `layers[i]` applied to page `i + 1` (pages past
/// the end of `layers` are kept), the document described by `info`, as PDF/A-2b when `pdfa` and
/// the input allows it. Returns warnings (why the file is not PDF/A, pages whose old invisible
/// text could not be read).
pub(super) fn graft(
    input: &Path,
    password: Option<&str>,
    layers: &[PageLayer],
    info: &DocumentInfo,
    pdfa: bool,
    output: &Path,
) -> Result<Vec<String>, Error> {
    let load = |filter: Option<FilterFunc>| {
        let options = LoadOptions {
            password: password.map(str::to_string),
            filter,
            strict: false,
        };
        Document::load_with_options(input, options).map_err(|err| Error::Input(err.to_string()))
    };
    let mut doc = load(Some(without_image_data))?;
    let update = (!doc.trailer.has(b"Encrypt") && !doc.was_encrypted() && doc.xref_start > 0)
        .then_some(doc.xref_start as u64)
        .filter(|_| {
            matches!(
                doc.reference_table.cross_reference_type,
                XrefType::CrossReferenceTable
            )
        });
    if update.is_none() {
        doc = load(None)?;
    }
    let original_max = doc.max_id;
    let mut changed = std::collections::BTreeSet::new();
    let mut warnings = Vec::new();
    let blockers = pdfa_blockers(&doc);
    let pdfa = pdfa && blockers.is_empty();
    if !blockers.is_empty() {
        warnings.push(format!(
            "searchable PDF: not marked PDF/A-2b: {}",
            blockers.join("; ")
        ));
    }
    let mut encoder = TextEncoder::default();
    let mut font: Option<GlyphlessFont> = None;
    for (number, page_id) in doc.get_pages() {
        let Some(PageLayer::Words {
            lines,
            width,
            height,
        }) = layers.get(number as usize - 1)
        else {
            continue;
        };
        if *width == 0 || *height == 0 {
            continue;
        }
        let font = match font {
            Some(font) => font,
            None => *font.insert(GlyphlessFont::add(&mut doc)?),
        };
        changed.insert(page_id);
        if let Err(reason) = remove_old_layer(&mut doc, page_id) {
            warnings.push(format!(
                "searchable PDF, page {number}: its old invisible text was kept ({reason})"
            ));
        }
        let geometry = PageGeometry::of(&doc, page_id);
        let scale = geometry.upright_size().0 / f64::from(*width);
        let name = add_font_resource(&mut doc, page_id, font.font)
            .map_err(|err| Error::Input(format!("page {number}: {err}")))?;
        let layer = encoder.layer(lines, (*width, *height), scale, &name);
        if layer.is_empty() {
            continue;
        }
        let [a, b, c, d, e, f] = geometry.upright_to_page(scale, *height);
        let text = format!(
            "Q\nq {} {} {} {} {} {} cm\n{layer}Q\n",
            num(a),
            num(b),
            num(c),
            num(d),
            num(e),
            num(f)
        );
        wrap_contents(&mut doc, page_id, text.into_bytes())
            .map_err(|err| Error::Input(format!("page {number}: {err}")))?;
        changed.insert(page_id);
    }
    if let Some(font) = font {
        font.finish(&mut doc, &encoder)?;
    }
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|err| Error::Input(format!("no document catalog: {err}")))?;
    let mut catalog = doc
        .get_dictionary(root)
        .map_err(|err| Error::Input(format!("no document catalog: {err}")))?
        .clone();
    let info_dict = describe(&mut doc, &mut catalog, info, pdfa)?;
    doc.objects.insert(root, Object::Dictionary(catalog));
    changed.insert(root);
    let info_id = doc.add_object(Object::Dictionary(info_dict.clone()));
    let seed = format!("{}{info_dict:?}", input.display());
    if let Some(xref) = update {
        let mut file = StreamingFile::update(input, output, original_max, xref)?;
        for (&id, object) in &doc.objects {
            if id.0 > original_max || changed.contains(&id) {
                file.put(id, object.clone())?;
            }
        }
        file.finish(dictionary! {
            "Root" => root,
            "Info" => info_id,
            "ID" => file_id(seed.as_bytes()),
        })?;
        return Ok(warnings);
    }
    doc.trailer.set("Info", info_id);
    doc.trailer.set("ID", file_id(seed.as_bytes()));
    let file = std::fs::File::create(output)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    doc.save_to(&mut out)
        .map_err(|err| Error::Io(std::io::Error::other(err.to_string())))?;
    let file = out.into_inner().map_err(|err| err.into_error())?;
    file.sync_all()?;
    Ok(warnings)
}

/// A load filter that leaves out the data of image streams (their dictionaries stay): an update
/// never writes them again, and a scanned page's image is most of its bytes.
fn without_image_data(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object
        && stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(&b"Image"[..])
    {
        // One byte, not none: lopdf reads an empty stream's data again after the filter.
        stream.set_content(vec![0]);
    }
    // lopdf keeps `object` for objects read directly and the returned copy for objects inside
    // object streams, so both must be whole.
    Some((id, object.clone()))
}

/// Why the document cannot be called PDF/A-2b as it is (empty when nothing stands against it
/// that can be checked here): encryption, and fonts whose programs are not embedded.
fn pdfa_blockers(doc: &Document) -> Vec<String> {
    let mut blockers = Vec::new();
    if doc.trailer.has(b"Encrypt") || doc.was_encrypted() {
        blockers.push("the input is encrypted".to_string());
    }
    let mut missing = Vec::new();
    for object in doc.objects.values() {
        let Ok(font) = object.as_dict() else { continue };
        if !font.has_type(b"Font") {
            continue;
        }
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        // Type 0 fonts carry their program in the descendant; Type 3 fonts are drawn by content.
        if subtype == b"Type0" || subtype == b"Type3" {
            continue;
        }
        let embedded = font
            .get_deref(b"FontDescriptor", doc)
            .and_then(Object::as_dict)
            .is_ok_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
        if !embedded {
            let name = font
                .get(b"BaseFont")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_else(|_| "unnamed".into());
            if !missing.contains(&name) {
                missing.push(name);
            }
        }
    }
    if !missing.is_empty() {
        blockers.push(format!("fonts not embedded: {}", missing.join(", ")));
    }
    blockers
}

/// Removes the page's invisible text (an earlier OCR layer) from its content, when it has any;
/// the content streams are left byte for byte as they were otherwise.
fn remove_old_layer(doc: &mut Document, page_id: ObjectId) -> Result<(), String> {
    let content = doc
        .get_page_content(page_id)
        .map_err(|err| err.to_string())?;
    // Rendering mode 3 needs a `Tr` operator: without one there is nothing to remove.
    if !content.windows(2).any(|w| w == b"Tr") {
        return Ok(());
    }
    let operations = Content::decode(&content)
        .map_err(|err| format!("the page content cannot be read: {err}"))?
        .operations;
    let Some(kept) = strip_invisible_text(&operations) else {
        return Ok(());
    };
    let bytes = Content { operations: kept }
        .encode()
        .map_err(|err| err.to_string())?;
    let mut stream = Stream::new(Dictionary::new(), bytes);
    let _ = stream.compress();
    let id = doc.add_object(Object::Stream(stream));
    doc.get_dictionary_mut(page_id)
        .map_err(|err| err.to_string())?
        .set("Contents", id);
    Ok(())
}

/// The operations without the text objects (`BT … ET`) that show text only in rendering mode 3
/// (invisible), i.e. an earlier OCR layer; `None` when there is none, so the content can stay as
/// it is. A text object mixing visible and invisible text is kept whole: taking out some of its
/// text would move the text after it.
///
/// ```
/// use lopdf::content::Content;
/// use sohoa::pipeline::searchable_pdf::strip_invisible_text;
/// let page = Content::decode(b"q /Im0 Do Q BT 3 Tr /F1 9 Tf (old) Tj ET").unwrap();
/// let kept = strip_invisible_text(&page.operations).expect("the old layer goes");
/// let ops: Vec<&str> = kept.iter().map(|op| op.operator.as_str()).collect();
/// // The rendering mode the removed object set is kept, as the graphics state it is.
/// assert_eq!(ops, ["q", "Do", "Q", "Tr"]);
/// ```
pub fn strip_invisible_text(operations: &[Operation]) -> Option<Vec<Operation>> {
    let mut kept = Vec::with_capacity(operations.len());
    let mut mode = 0i64;
    let mut saved = Vec::new();
    let mut removed = false;
    let mut i = 0;
    while i < operations.len() {
        let op = &operations[i];
        match op.operator.as_str() {
            "q" => saved.push(mode),
            "Q" => mode = saved.pop().unwrap_or(mode),
            "Tr" => mode = render_mode(op).unwrap_or(mode),
            "BT" => {
                let end = operations[i..]
                    .iter()
                    .position(|op| op.operator == "ET")
                    .map_or(operations.len(), |n| i + n);
                let block = &operations[i..(end + 1).min(operations.len())];
                let (shows, invisible, after) = text_object_modes(block, mode);
                if shows > 0 && shows == invisible {
                    if after != mode {
                        kept.push(Operation::new("Tr", vec![after.into()]));
                    }
                    mode = after;
                    removed = true;
                } else {
                    kept.extend_from_slice(block);
                    mode = after;
                }
                i = end + 1;
                continue;
            }
            _ => {}
        }
        kept.push(op.clone());
        i += 1;
    }
    removed.then_some(kept)
}

/// In one text object entered in rendering mode `mode`: how many text-showing operators it has,
/// how many of them show in mode 3, and the mode after it.
fn text_object_modes(block: &[Operation], mut mode: i64) -> (usize, usize, i64) {
    let (mut shows, mut invisible) = (0, 0);
    for op in block {
        match op.operator.as_str() {
            "Tr" => mode = render_mode(op).unwrap_or(mode),
            "Tj" | "TJ" | "'" | "\"" => {
                shows += 1;
                if mode == 3 {
                    invisible += 1;
                }
            }
            _ => {}
        }
    }
    (shows, invisible, mode)
}

fn render_mode(op: &Operation) -> Option<i64> {
    match op.operands.first()? {
        Object::Integer(mode) => Some(*mode),
        Object::Real(mode) => Some(*mode as i64),
        _ => None,
    }
}

/// Adds the text layer's font to the page's resources under a name the page does not use, and
/// returns the name. The page gets its own copy of its (possibly shared or inherited) resources,
/// so no other page changes.
fn add_font_resource(
    doc: &mut Document,
    page_id: ObjectId,
    font: ObjectId,
) -> Result<String, lopdf::Error> {
    let mut resources = match inherited(doc, page_id, b"Resources") {
        Some(object) => doc.dereference(&object)?.1.as_dict()?.clone(),
        None => Dictionary::new(),
    };
    let mut fonts = match resources.get(b"Font") {
        Ok(object) => doc.dereference(object)?.1.as_dict()?.clone(),
        Err(_) => Dictionary::new(),
    };
    let name = (0..)
        .map(|n| format!("SohoaOCR{n}"))
        .find(|name| !fonts.has(name.as_bytes()))
        .unwrap_or_default();
    fonts.set(name.as_bytes(), font);
    resources.set("Font", fonts);
    doc.get_dictionary_mut(page_id)?.set("Resources", resources);
    Ok(name)
}

/// Puts the page's content between `q` and `Q` (so whatever state it leaves does not reach the
/// text layer) and appends `tail`, which starts with that `Q`. The existing streams are not
/// touched.
fn wrap_contents(doc: &mut Document, page_id: ObjectId, tail: Vec<u8>) -> Result<(), lopdf::Error> {
    let mut contents: Vec<Object> = doc
        .get_page_contents(page_id)
        .into_iter()
        .map(Object::Reference)
        .collect();
    let open = doc.add_object(Object::Stream(Stream::new(
        Dictionary::new(),
        b"q\n".to_vec(),
    )));
    let mut layer = Stream::new(Dictionary::new(), tail);
    let _ = layer.compress();
    let layer = doc.add_object(Object::Stream(layer));
    contents.insert(0, open.into());
    contents.push(layer.into());
    doc.get_dictionary_mut(page_id)?.set("Contents", contents);
    Ok(())
}

/// A page attribute, from the page or the nearest page-tree node above it that has it.
fn inherited(doc: &Document, page_id: ObjectId, key: &[u8]) -> Option<Object> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(value.clone());
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// The visible box of a page and its turn, which place the OCR image on it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageGeometry {
    /// `[x0, y0, x1, y1]` of the crop box (the media box when there is none).
    visible: [f64; 4],
    /// `/Rotate`, clockwise, one of 0, 90, 180, 270.
    rotate: u32,
}

impl PageGeometry {
    fn of(doc: &Document, page_id: ObjectId) -> PageGeometry {
        let number = |object: &Object| match doc.dereference(object).map(|(_, o)| o) {
            Ok(Object::Integer(v)) => Some(*v as f64),
            Ok(Object::Real(v)) => Some(f64::from(*v)),
            _ => None,
        };
        let rect = |key: &[u8]| -> Option<[f64; 4]> {
            let object = inherited(doc, page_id, key)?;
            let items = doc.dereference(&object).ok()?.1.as_array().ok()?.clone();
            let values: Vec<f64> = items.iter().filter_map(number).collect();
            let [x0, y0, x1, y1] = <[f64; 4]>::try_from(values).ok()?;
            let rect = [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
            (rect[2] > rect[0] && rect[3] > rect[1]).then_some(rect)
        };
        let visible = rect(b"CropBox")
            .or_else(|| rect(b"MediaBox"))
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let rotate = inherited(doc, page_id, b"Rotate")
            .and_then(|r| number(&r))
            .map_or(0, |r| (r as i64).rem_euclid(360) as u32 / 90 * 90);
        PageGeometry { visible, rotate }
    }

    /// The page's size as a viewer shows it (after the turn), in points.
    fn upright_size(&self) -> (f64, f64) {
        let [x0, y0, x1, y1] = self.visible;
        let (w, h) = (x1 - x0, y1 - y0);
        if self.rotate % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// The matrix from the text layer's upright space (points at `scale` per pixel, origin at
    /// the bottom left as shown) to the page's own space. The OCR image covers the shown page,
    /// so its height in the layer is stretched to the page's if its pixels are not quite square.
    fn upright_to_page(&self, scale: f64, height: u32) -> [f64; 6] {
        let [x0, y0, x1, y1] = self.visible;
        let w0 = x1 - x0;
        let (_, shown_h) = self.upright_size();
        let stretch = shown_h / (f64::from(height) * scale).max(f64::MIN_POSITIVE);
        // The turn: upright (u, v) to page (x, y) (see `ingest::page_image::place` for the other
        // way round).
        let [a, b, c, d, e, f] = match self.rotate {
            90 => [0.0, 1.0, -1.0, 0.0, x0 + w0, y0],
            180 => [-1.0, 0.0, 0.0, -1.0, x0 + w0, y1],
            270 => [0.0, -1.0, 1.0, 0.0, x0, y1],
            _ => [1.0, 0.0, 0.0, 1.0, x0, y0],
        };
        // Then scale v by `stretch` first: [1 0 0 s 0 0] × M.
        [a, b, c * stretch, d * stretch, e, f]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(content: &[u8]) -> Vec<Operation> {
        Content::decode(content).unwrap().operations
    }

    fn operators(ops: &[Operation]) -> Vec<&str> {
        ops.iter().map(|op| op.operator.as_str()).collect()
    }

    #[test]
    fn invisible_text_objects_are_removed_and_the_rest_kept() {
        let page = ops(b"q 595 0 0 842 0 0 cm /Im0 Do Q \
            BT /F1 12 Tf 72 700 Td (Visible) Tj ET \
            BT 3 Tr /F9 10 Tf 1 0 0 1 50 50 Tm <0041> Tj [(B) 5 (C)] TJ ET \
            BT 0 Tr (again visible) Tj ET");
        let kept = strip_invisible_text(&page).expect("the invisible object goes");
        assert_eq!(
            operators(&kept),
            [
                "q", "cm", "Do", "Q", "BT", "Tf", "Td", "Tj", "ET", "Tr", "BT", "Tr", "Tj", "ET"
            ]
        );
        assert_eq!(kept[9].operands, vec![Object::Integer(3)]);
    }

    #[test]
    fn visible_and_mixed_text_is_kept() {
        assert!(strip_invisible_text(&ops(b"BT (a) Tj ET BT 7 Tr (clip) Tj ET")).is_none());
        // Visible and invisible shows in one object: kept whole.
        assert!(strip_invisible_text(&ops(b"BT (a) Tj 3 Tr (b) Tj ET")).is_none());
        // A text object with no text is not a layer.
        assert!(strip_invisible_text(&ops(b"3 Tr BT ET")).is_none());
    }

    #[test]
    fn rendering_mode_follows_the_graphics_state() {
        // Mode 3 set inside q … Q does not outlive the Q: the second object is visible.
        let page = ops(b"q 3 Tr BT (hidden) Tj ET Q BT (shown) Tj ET");
        let kept = strip_invisible_text(&page).unwrap();
        assert_eq!(operators(&kept), ["q", "Tr", "Q", "BT", "Tj", "ET"]);
        // Set before the object and inherited by it.
        let inherited = ops(b"3 Tr BT (x) Tj ET");
        assert_eq!(
            operators(&strip_invisible_text(&inherited).unwrap()),
            ["Tr"]
        );
    }

    #[test]
    fn upright_space_maps_onto_turned_pages() {
        let apply = |m: [f64; 6], (u, v): (f64, f64)| {
            (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5])
        };
        let page = |rotate| PageGeometry {
            visible: [10.0, 20.0, 610.0, 820.0],
            rotate,
        };
        // 600 × 800 pt page; 1 px = 1 pt.
        let upright = page(0).upright_to_page(1.0, 800);
        assert_eq!(apply(upright, (0.0, 0.0)), (10.0, 20.0));
        // Turned a quarter clockwise: shown 800 wide, 600 high; the shown top left is the page's
        // bottom left.
        let turned = page(90);
        assert_eq!(turned.upright_size(), (800.0, 600.0));
        let m = turned.upright_to_page(1.0, 600);
        assert_eq!(apply(m, (0.0, 600.0)), (10.0, 20.0));
        assert_eq!(apply(m, (800.0, 600.0)), (10.0, 820.0));
        let m = page(180).upright_to_page(1.0, 800);
        assert_eq!(apply(m, (0.0, 0.0)), (610.0, 820.0));
        let m = page(270).upright_to_page(1.0, 600);
        assert_eq!(apply(m, (0.0, 600.0)), (610.0, 820.0));
    }
}
