//! `sohoa serve` over HTTP: pages, files, and hostile requests (4xx, never a panic).
#![cfg(feature = "search")]

mod common;

use common::{Server, get, get_raw, indexed_fixtures};

#[test]
fn pages_files_and_hostile_requests() {
    let dir = indexed_fixtures();
    // A record whose metadata and text try to inject markup.
    let evil = serde_json::json!({
        "format": "sohoa-record/1",
        "pages": [{"number": 1, "text_raw": "x", "text": "độc hại <script>alert(1)</script> \u{1}zz\u{2}"}],
        "text": "độc hại <script>alert(1)</script> \u{1}zz\u{2}",
        "metadata": {"title": "<img src=x onerror=alert(1)>", "doc_type": {"name": "<b>Loại</b>"}}
    });
    std::fs::write(dir.path().join("evil.json"), evil.to_string()).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("index")
        .arg(dir.path())
        .output()
        .expect("index");
    assert!(out.status.success());
    let mut server = Server::start(&dir.path().join(".index"));
    let addr = server.addr;

    // Search page: a folded query, the expected document first, facets with counts.
    let page = get(addr, "/?q=hong+bang");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(page.header("content-security-policy").is_some());
    let html = page.text();
    let first = html.find("class=\"hit\"").expect("a hit");
    assert!(
        html[first..].starts_with(
            "class=\"hit\"><a class=\"title\" href=\"/doc?path=2025%2Fkh-03-du-hongbang-2025.json\""
        ),
        "{}",
        &html[first..first + 200]
    );
    assert!(html.contains("<mark>Hồng</mark> <mark>Bàng</mark>"));
    assert!(
        html.contains("Kế hoạch</a> <span class=\"count\">1</span>"),
        "facet counts"
    );

    // Filters from the query string.
    let html = get(
        addr,
        "/?q=hoc+vu+so&type=bao+cao&from=2025-07-01&to=2025-07-31",
    )
    .text();
    assert!(html.contains("id=\"summary\">1 văn bản"), "{html}");
    assert!(html.contains("42-BC/BTGDVTU"));

    // JSON API.
    let api = get(
        addr,
        "/api/search?q=%22h%E1%BB%8Dc+v%E1%BB%A5+s%E1%BB%91%22&limit=2",
    );
    assert_eq!(api.status, 200);
    let json: serde_json::Value = serde_json::from_slice(&api.body).expect("JSON");
    assert_eq!(json["total"], 3, "{json}");
    assert_eq!(json["hits"].as_array().map(Vec::len), Some(2));

    // Document page: metadata table, repaired text beside the raw OCR with changes marked,
    // the scan beside the record.
    let doc = get(addr, "/doc?path=2025%2Fbc-tuan48-btgdvtu-2025.json");
    assert_eq!(doc.status, 200);
    let html = doc.text();
    assert!(html.contains("<table id=\"metadata\""));
    assert!(html.contains("<tr data-key=\"issuer\"><th>Cơ quan ban hành</th><td>Ban Tuyên giáo và Dân vận Tỉnh ủy</td></tr>"));
    assert!(
        html.contains("<span class=\"fixed\">Tỉnh</span>"),
        "changed word marked"
    );
    assert!(
        html.contains("<span class=\"ocr\">Tinh</span>"),
        "raw word marked"
    );
    assert!(
        html.contains("/file?path=2025%2Fbc-tuan48-btgdvtu-2025.pdf"),
        "scan link"
    );
    let scan = get(addr, "/file?path=2025%2Fbc-tuan48-btgdvtu-2025.pdf");
    assert_eq!(scan.status, 200);
    assert_eq!(
        scan.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert!(scan.body.starts_with(b"%PDF"));

    // Markup from records is escaped, on the result list and the document page.
    for target in ["/?q=doc+hai", "/doc?path=evil.json"] {
        let html = get(addr, target).text();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{target}: {html}"
        );
        assert!(!html.contains("<script"), "{target}");
        assert!(!html.contains("<img src=x"), "{target}");
        assert!(!html.contains("<b>Loại"), "{target}");
    }

    // A symbolic link inside the output folder pointing outside it.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("2025/leak.pdf")).expect("symlink");

    // Hostile requests: 4xx, never 5xx, and the server lives on.
    let long_q = format!("/?q={}", "a".repeat(5_000));
    let longer = format!("/?q={}", "a".repeat(20_000));
    let huge = format!("/?q={}", "a".repeat(1_000_000));
    let cases: Vec<(&[u8], u16)> = vec![
        (b"/file?path=../../../../etc/passwd", 404),
        (b"/file?path=%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404),
        (b"/file?path=/etc/passwd", 404),
        (b"/file?path=2025/leak.pdf", 404),
        (b"/file?path=2025%00.pdf", 404),
        (b"/file?path=.index/meta.json/../../../etc/passwd", 404),
        (b"/file?path=.index/meta.json", 404),
        (b"/file?path=.index/sohoa-index.json", 404),
        (b"/file", 404),
        (b"/doc?path=../../etc/passwd", 404),
        (b"/doc?path=2025/none.json", 404),
        (b"/../../etc/passwd", 404),
        (b"/?q=%FF%FE", 400),
        (b"/doc?path=%C3%28", 400),
        (b"/?q=\xff\xfe", 400),
        (b"/?year=20x5", 400),
        (b"/?from=yesterday", 400),
        (b"/?offset=-1", 400),
        (long_q.as_bytes(), 400),
        (longer.as_bytes(), 414),
    ];
    for (target, want) in cases {
        let answer = get_raw(addr, target);
        assert_eq!(
            answer.status,
            want,
            "{}",
            String::from_utf8_lossy(&target[..target.len().min(80)])
        );
    }
    let answer = get(addr, &huge);
    assert!(
        (400..500).contains(&answer.status),
        "huge URL: {}",
        answer.status
    );
    assert!(server.alive(), "the server survived");
    assert_eq!(get(addr, "/?q=tinh").status, 200);
}
