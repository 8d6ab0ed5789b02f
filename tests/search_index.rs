//! Index and query tests on the handmade fixture records and on synthetic records.
#![cfg(feature = "search")]

use sohoa::search::index::index_dir;
use sohoa::search::query::{Request, Response, Searcher};
use sohoa::search::synth::simple_record;
use sohoa::search::{Error, default_index_dir};
use std::fs;
use std::path::{Path, PathBuf};

/// Copies `fixtures/search` into a fresh temporary folder.
fn fixture_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/search"),
        tmp.path(),
    );
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read fixtures") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn searcher(dir: &Path) -> Searcher {
    Searcher::open(&default_index_dir(dir)).expect("open index")
}

fn search(s: &Searcher, query: &str) -> Response {
    s.search(&Request::new(query)).expect("search")
}

fn paths(r: &Response) -> Vec<&str> {
    r.hits.iter().map(|h| h.doc.path.as_str()).collect()
}

const BC42: &str = "2025/bc-42-btgdvtu-2025.json";
const KH03: &str = "2025/kh-03-du-hongbang-2025.json";
const TUAN48: &str = "2025/bc-tuan48-btgdvtu-2025.json";

#[test]
fn folded_query_finds_the_diacritic_documents() {
    let dir = fixture_dir();
    let report = index_dir(dir.path(), None).expect("index");
    assert_eq!((report.added, report.total), (3, 3), "{report}");
    let s = searcher(dir.path());

    let r = search(&s, "binh dan hoc vu so");
    assert_eq!(r.total, 3);
    // Every snippet highlights the words with their diacritics.
    for hit in &r.hits {
        let marked = hit.snippet.marked("[", "]");
        assert!(marked.contains("[Bình] [dân] [học] [vụ] [số]"), "{marked}");
    }

    let r = search(&s, "hong bang");
    assert_eq!(paths(&r).first(), Some(&KH03), "{:?}", paths(&r));
    let r = search(&s, "Hồng Bàng");
    assert_eq!(paths(&r).first(), Some(&KH03));
    // đ folds to d.
    let r = search(&s, "\"dang uy phuong\"");
    assert_eq!(paths(&r), [KH03]);
}

#[test]
fn phrases_and_exclusions() {
    let dir = fixture_dir();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());
    assert_eq!(search(&s, "\"học vụ số\"").total, 3);
    assert_eq!(search(&s, "“hoc vu so”").total, 3);
    // The same words in another order are not the phrase.
    assert_eq!(search(&s, "\"số vụ học\"").total, 0);
    assert!(search(&s, "số vụ học").total > 0);
    // Week 48 is only in the weekly report of week 48.
    let r = search(&s, "\"tuan 48\"");
    assert_eq!(paths(&r), [TUAN48]);
    let r = search(&s, "\"hoc vu so\" -\"tuần 48\"");
    assert_eq!(r.total, 2);
    assert!(!paths(&r).contains(&TUAN48));
}

#[test]
fn symbol_is_searchable_as_typed() {
    let dir = fixture_dir();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());
    for q in ["42-BC/BTGDVTU", "42 BC BTGDVTU", "42-bc/btgdvtu"] {
        assert_eq!(paths(&search(&s, q)).first(), Some(&BC42), "{q}");
    }
    for q in ["03-KH/ĐU", "03 KH DU", "03-kh/du"] {
        assert_eq!(paths(&search(&s, q)).first(), Some(&KH03), "{q}");
    }
    // A symbol cited in the text of two documents, as one sequence of tokens.
    let r = search(&s, "265-KH/TU");
    assert_eq!(r.total, 2, "{:?}", paths(&r));
    assert!(!paths(&r).contains(&KH03));
}

#[test]
fn exact_diacritic_match_ranks_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Same length and shape: only the tone mark differs.
    let a = "Báo cáo của tỉnh về tình hình chuyển đổi số trong tháng bảy";
    let b = "Báo cáo của tính về tình hình chuyển đổi số trong tháng bảy";
    fs::write(
        dir.path().join("a.json"),
        simple_record(a, "Báo cáo", "2025-07-01"),
    )
    .unwrap();
    fs::write(
        dir.path().join("b.json"),
        simple_record(b, "Báo cáo", "2025-07-01"),
    )
    .unwrap();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());

    let r = search(&s, "tỉnh");
    assert_eq!(paths(&r), ["a.json", "b.json"]);
    assert!(r.hits[0].score > r.hits[1].score);
    let r = search(&s, "tính");
    assert_eq!(paths(&r), ["b.json", "a.json"]);
    assert!(r.hits[0].score > r.hits[1].score);
    // Without diacritics both match.
    assert_eq!(search(&s, "tinh").total, 2);
    // Phrases too.
    assert_eq!(paths(&search(&s, "\"của tỉnh về\"")), ["a.json", "b.json"]);
}

#[test]
fn filters_and_facets() {
    let dir = fixture_dir();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());
    let with = |f: &dyn Fn(&mut Request)| {
        let mut r = Request::new("hoc vu so");
        f(&mut r);
        s.search(&r).expect("search")
    };
    assert_eq!(with(&|r| r.doc_type = Some("bao cao".into())).total, 2);
    assert_eq!(with(&|r| r.doc_type = Some("Báo cáo".into())).total, 2);
    assert_eq!(
        paths(&with(&|r| r.doc_type = Some("KH".into()))),
        [KH03],
        "type code"
    );
    assert_eq!(with(&|r| r.issuer = Some("tuyen giao".into())).total, 2);
    assert_eq!(
        paths(&with(&|r| r.issuer = Some("Hồng Bàng".into()))),
        [KH03]
    );
    let dated = with(&|r| {
        r.from = Some("2025-07-01".into());
        r.to = Some("2025-07-10".into());
    });
    assert_eq!(paths(&dated), [BC42]);
    assert_eq!(
        paths(&with(&|r| r.from = Some("2025-07-15".into()))),
        [KH03],
        "from is inclusive"
    );
    assert_eq!(
        paths(&with(&|r| r.to = Some("2025-07-03".into()))),
        [BC42],
        "to is inclusive"
    );
    assert_eq!(
        with(&|r| r.year = Some(2025)).total,
        3,
        "year of the period"
    );
    assert_eq!(with(&|r| r.system = Some("party".into())).total, 3);
    assert_eq!(with(&|r| r.system = Some("state".into())).total, 0);
    let bad = s.search(&Request {
        from: Some("3/7/2025".into()),
        ..Request::new("x")
    });
    assert!(matches!(bad, Err(Error::BadQuery(_))), "{bad:?}");

    // Facets count all matching documents; an empty query matches all.
    let all = search(&s, "");
    assert_eq!(all.total, 3);
    let counts = |name: &str| -> Vec<(String, u64)> {
        all.facets[name]
            .iter()
            .map(|c| (c.value.clone(), c.count))
            .collect()
    };
    assert_eq!(
        counts("doc_type"),
        [("Báo cáo".to_owned(), 2), ("Kế hoạch".to_owned(), 1)]
    );
    assert_eq!(counts("year"), [("2025".to_owned(), 3)]);
    assert!(counts("issuer").contains(&("Ban Tuyên giáo và Dân vận Tỉnh ủy".to_owned(), 2)));
}

#[test]
fn results_carry_the_metadata() {
    let dir = fixture_dir();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());
    let r = search(&s, "42-BC/BTGDVTU");
    let d = &r.hits[0].doc;
    assert_eq!(d.reference.as_deref(), Some("42-BC/BTGDVTU"));
    assert_eq!(d.issued_date.as_deref(), Some("2025-07-03"));
    assert_eq!(
        d.issuer.as_deref(),
        Some("Ban Tuyên giáo và Dân vận Tỉnh ủy")
    );
    assert_eq!(d.doc_type.as_deref(), Some("Báo cáo"));
    assert!(
        d.title
            .as_deref()
            .unwrap_or("")
            .starts_with("Tình hình triển khai")
    );
    assert_eq!(d.place.as_deref(), Some("Thanh Hóa"));
    assert!(!r.hits[0].snippet.highlights.is_empty());
}

#[test]
fn reindexing_is_incremental() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        fs::write(
            dir.path().join(name),
            simple_record(text, "Báo cáo", "2025-07-01"),
        )
        .unwrap()
    };
    fs::create_dir(dir.path().join("sub")).unwrap();
    write("a.json", "phường Hồng Bàng");
    write("b.json", "xã Đức Thịnh");
    write("sub/c.json", "tỉnh Thanh Hóa");
    fs::write(dir.path().join("run-report.json"), r#"{"done": 3}"#).unwrap();
    let first = index_dir(dir.path(), None).expect("index");
    assert_eq!(
        (first.added, first.ignored, first.total),
        (3, 1, 3),
        "{first}"
    );

    let again = index_dir(dir.path(), None).expect("index");
    assert_eq!(
        (again.added, again.updated, again.unchanged),
        (0, 0, 3),
        "{again}"
    );

    write("b.json", "xã Quảng Phú mới");
    fs::remove_file(dir.path().join("sub/c.json")).unwrap();
    write("d.json", "thành phố Hải Phòng");
    let third = index_dir(dir.path(), None).expect("index");
    assert_eq!(
        (
            third.added,
            third.updated,
            third.removed,
            third.unchanged,
            third.total
        ),
        (1, 1, 1, 1, 3),
        "{third}"
    );
    let s = searcher(dir.path());
    assert_eq!(search(&s, "duc thinh").total, 0, "old version gone");
    assert_eq!(paths(&search(&s, "quang phu")), ["b.json"]);
    assert_eq!(search(&s, "thanh hoa").total, 0, "deleted record gone");
    assert_eq!(paths(&search(&s, "hai phong")), ["d.json"]);

    // A file touched without a change is not re-indexed (same hash).
    let body = fs::read(dir.path().join("a.json")).unwrap();
    fs::write(dir.path().join("a.json"), &body).unwrap();
    let touched = index_dir(dir.path(), None).expect("index");
    assert_eq!((touched.updated, touched.unchanged), (0, 3), "{touched}");
}

#[test]
fn bad_records_are_reported_and_others_indexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("good.json"),
        simple_record("Tỉnh ủy", "Báo cáo", "2025-07-01"),
    )
    .unwrap();
    fs::write(dir.path().join("broken.json"), b"{\"format\": \"sohoa-rec").unwrap();
    fs::write(
        dir.path().join("wrong.json"),
        br#"{"format": "sohoa-record/1", "pages": 7}"#,
    )
    .unwrap();
    fs::write(dir.path().join("latin1.json"), b"{\"format\": \"\xe9\"}").unwrap();
    let report = index_dir(dir.path(), None).expect("index");
    assert_eq!(report.total, 1);
    let mut failed: Vec<PathBuf> = report.failed.iter().map(|(p, _)| p.clone()).collect();
    failed.sort();
    let names: Vec<_> = failed
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["broken.json", "latin1.json", "wrong.json"]);
}

#[test]
fn clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = Searcher::open(&dir.path().join(".index"));
    let message = missing.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("run `sohoa index"), "{message}");
    assert!(matches!(
        index_dir(&dir.path().join("nope"), None),
        Err(Error::NotADir(_))
    ));
    fs::write(
        dir.path().join("a.json"),
        simple_record("Tỉnh ủy", "Báo cáo", "2025-07-01"),
    )
    .unwrap();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());
    let long = "từ ".repeat(2000);
    assert!(matches!(
        s.search(&Request::new(&long)),
        Err(Error::BadQuery(_))
    ));
    let many = "a ".repeat(100);
    assert!(matches!(
        s.search(&Request::new(&many)),
        Err(Error::BadQuery(_))
    ));
    // Punctuation alone is no query: everything matches, like an empty one.
    assert_eq!(search(&s, "-- “ ” /").total, 1);
    // An index folder that is something else is left alone.
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("keep.txt"), "mine").unwrap();
    assert!(matches!(
        index_dir(dir.path(), Some(&other)),
        Err(Error::Occupied(_))
    ));
    assert!(other.join("keep.txt").exists());
}

#[test]
fn snippets_of_long_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A lone "số" first, the whole phrase 30 kB in, a last word 230 kB in.
    let filler = "các cơ quan đơn vị triển khai thực hiện nghiêm túc ".repeat(600);
    let long = filler.repeat(7);
    let text = format!("Số liệu {filler} phong trào Bình dân học vụ số {long} kết luận");
    fs::write(
        dir.path().join("long.json"),
        simple_record(&text, "Báo cáo", "2025-07-01"),
    )
    .unwrap();
    index_dir(dir.path(), None).expect("index");
    let s = searcher(dir.path());
    let r = search(&s, "binh dan hoc vu so");
    assert_eq!(r.total, 1);
    let marked = r.hits[0].snippet.marked("[", "]");
    assert!(marked.contains("[Bình] [dân] [học] [vụ] [số]"), "{marked}");
    // A word only in the first window.
    let marked = search(&s, "so lieu").hits[0].snippet.marked("[", "]");
    assert!(marked.starts_with("[Số] [liệu]"), "{marked}");
    // A word only at the end is still found.
    let marked = search(&s, "ket luan").hits[0].snippet.marked("[", "]");
    assert!(marked.ends_with("[kết] [luận]"), "{marked}");
}
