//! `sohoa run --alto --hocr` end to end: the ALTO v4 file is well-formed (xmllint, when
//! installed), follows the ALTO 4 structure (checked here element by element: no registry this
//! project can reach ships the official XSD), and its strings' boxes and contents are the
//! record's words; the hOCR file carries the same words.
#![cfg(feature = "ocr")]

use sohoa::pipeline::record::PageRecord;
use sohoa::pipeline::run::repaired_lines;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// An element of a parsed XML file.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: HashMap<String, String>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn get(&self, key: &str) -> &str {
        self.attributes
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("<{}> has no {key}", self.name))
    }

    fn number(&self, key: &str) -> f64 {
        self.get(key)
            .parse()
            .unwrap_or_else(|_| panic!("<{}> {key}={} is not a number", self.name, self.get(key)))
    }
}

fn parse(xml: &str) -> Node {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_str(xml);
    let element = |start: &BytesStart| Node {
        name: String::from_utf8_lossy(start.name().as_ref()).into_owned(),
        attributes: start
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("value").into_owned(),
                )
            })
            .collect(),
        ..Node::default()
    };
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let node = element(&start);
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().expect("open element");
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::Text(text) => {
                let text = text.unescape().expect("text");
                stack
                    .last_mut()
                    .expect("element")
                    .text
                    .push_str(text.trim());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().expect("document");
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.remove(0)
}

fn box_of(node: &Node) -> [u32; 4] {
    ["HPOS", "VPOS", "WIDTH", "HEIGHT"].map(|key| node.number(key) as u32)
}

/// The ALTO 4 rules this file is checked against (alto-4-2.xsd): element order and nesting,
/// required attributes, unique IDs, `WC` within 0–1.
fn check_alto_structure(alto: &Node) -> Vec<&Node> {
    assert_eq!(alto.name, "alto");
    assert_eq!(
        alto.get("xmlns"),
        "http://www.loc.gov/standards/alto/ns-v4#"
    );
    let names: Vec<&str> = alto.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Description", "Layout"]);
    let description = &alto.children[0];
    assert_eq!(description.children[0].name, "MeasurementUnit");
    assert_eq!(description.children[0].text, "pixel");
    let mut ids = std::collections::HashSet::new();
    let mut strings = Vec::new();
    for page in &alto.children[1].children {
        assert_eq!(page.name, "Page");
        assert!(ids.insert(page.get("ID").to_string()));
        page.number("PHYSICAL_IMG_NR");
        let names: Vec<&str> = page.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["PrintSpace"]);
        for block in &page.children[0].children {
            assert_eq!(block.name, "TextBlock");
            assert!(ids.insert(block.get("ID").to_string()));
            box_of(block);
            for line in &block.children {
                assert_eq!(line.name, "TextLine");
                box_of(line);
                // (String, SP?)+: a line starts with a String and never has two SPs in a row.
                assert_eq!(
                    line.children.first().map(|c| c.name.as_str()),
                    Some("String")
                );
                for pair in line.children.windows(2) {
                    assert!(!(pair[0].name == "SP" && pair[1].name == "SP"));
                }
                for child in &line.children {
                    match child.name.as_str() {
                        "SP" => {
                            child.number("HPOS");
                            child.number("VPOS");
                            assert!(child.number("WIDTH") >= 0.0);
                        }
                        "String" => {
                            assert!(ids.insert(child.get("ID").to_string()));
                            box_of(child);
                            let wc = child.number("WC");
                            assert!((0.0..=1.0).contains(&wc), "WC {wc}");
                            for alternative in &child.children {
                                assert_eq!(alternative.name, "ALTERNATIVE");
                            }
                            strings.push(child);
                        }
                        other => panic!("<{other}> in a TextLine"),
                    }
                }
            }
        }
    }
    strings
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[test]
fn alto_and_hocr_carry_the_records_words() {
    let dir = TempDir(std::env::temp_dir().join(format!("sohoa-alto-{}", std::process::id())));
    let input = dir.0.join("in");
    let out = dir.0.join("out");
    std::fs::create_dir_all(&input).expect("mkdir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans/bc-tuan48.page-002.png"),
        input.join("page.png"),
    )
    .expect("fixture");
    let status = Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("run")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--alto", "--hocr", "--progress", "none"])
        .status()
        .expect("sohoa runs");
    assert!(status.success(), "{status}");
    let alto_path = out.join("page.png.alto.xml");
    if let Ok(lint) = Command::new("xmllint")
        .arg("--noout")
        .arg(&alto_path)
        .output()
    {
        assert!(
            lint.status.success(),
            "{}",
            String::from_utf8_lossy(&lint.stderr)
        );
    } else {
        eprintln!(
            "xmllint not installed (libxml2-utils): well-formedness checked by quick-xml only"
        );
    }
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("page.png.json")).expect("record"))
            .expect("JSON");
    let pages: Vec<PageRecord> = serde_json::from_value(record["pages"].clone()).expect("pages");
    let alto = parse(&std::fs::read_to_string(&alto_path).expect("ALTO written"));
    let strings = check_alto_structure(&alto);

    // The strings are the record's words, repaired, on their boxes, with the OCR word beside.
    let page = &pages[0];
    let mut raw_lines: Vec<Vec<&sohoa::ingest::Word>> = Vec::new();
    for word in &page.words {
        match raw_lines.last_mut() {
            Some(line) if line[0].line == word.line => line.push(word),
            _ => raw_lines.push(vec![word]),
        }
    }
    let mut expected = Vec::new();
    for (raw, (repaired, _)) in raw_lines
        .iter()
        .zip(repaired_lines(&page.words, &page.text))
    {
        for (i, word) in repaired.iter().enumerate() {
            let raw_text = if repaired.len() == raw.len() {
                raw[i].text.clone()
            } else {
                raw.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            expected.push((word.text.clone(), word.bbox, raw_text));
        }
    }
    assert!(expected.len() > 50, "the page has its words");
    assert_eq!(strings.len(), expected.len());
    let mut alternatives = 0;
    for (string, (text, bbox, raw)) in strings.iter().zip(&expected) {
        assert_eq!(string.get("CONTENT"), text);
        assert_eq!(box_of(string), *bbox);
        match string.children.first() {
            Some(alternative) => {
                assert_eq!(&alternative.text, raw);
                alternatives += 1;
            }
            None => assert_eq!(raw, text),
        }
    }
    eprintln!(
        "{} strings, {alternatives} with the OCR word as ALTERNATIVE",
        strings.len()
    );

    // hOCR: the same words in the same order.
    let hocr = std::fs::read_to_string(out.join("page.png.hocr")).expect("hOCR written");
    let html = parse(&hocr);
    let mut words = Vec::new();
    fn collect<'a>(node: &'a Node, words: &mut Vec<&'a Node>) {
        if node.attributes.get("class").map(String::as_str) == Some("ocrx_word") {
            words.push(node);
        }
        for child in &node.children {
            collect(child, words);
        }
    }
    collect(&html, &mut words);
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(texts, want);
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).expect("manifest");
    assert!(manifest.contains("page.png.alto.xml") && manifest.contains("page.png.hocr"));
}

#[test]
fn alto_checks_catch_broken_files() {
    let broken = "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\"><Description>\
        <MeasurementUnit>pixel</MeasurementUnit></Description><Layout><Page ID=\"p1\" \
        PHYSICAL_IMG_NR=\"1\"><PrintSpace><TextBlock ID=\"b\" HPOS=\"0\" VPOS=\"0\" WIDTH=\"1\" \
        HEIGHT=\"1\"><TextLine HPOS=\"0\" VPOS=\"0\" WIDTH=\"1\" HEIGHT=\"1\"><String ID=\"s\" \
        HPOS=\"0\" VPOS=\"0\" WIDTH=\"1\" HEIGHT=\"1\" CONTENT=\"x\" WC=\"1.5\"/></TextLine>\
        </TextBlock></PrintSpace></Page></Layout></alto>";
    let alto = parse(broken);
    let result = std::panic::catch_unwind(|| check_alto_structure(&alto).len());
    assert!(result.is_err(), "WC above 1 is refused");
}
