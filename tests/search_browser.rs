//! End-to-end test in a real browser: Debian's headless Chromium, driven through ChromeDriver's
//! W3C WebDriver protocol (plain JSON over HTTP on loopback, spoken here with `std::net`).
//!
//! It starts `sohoa serve` on a free port over the fixture index, types a query without
//! diacritics into the search box, checks that the expected document comes first, opens it and
//! reads the metadata table.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `apt-get install -y chromium
//! chromium-driver`; override with `CHROMIUM` / `CHROMEDRIVER`). Without Chromium it prints
//! `SKIP` and passes, unless `SOHOA_REQUIRE_BROWSER=1`, which turns the skip into a failure
//! (for CI, where the set-up installs the browser).
#![cfg(feature = "search")]

mod common;

use common::{Answer, Server, indexed_fixtures, request};
use serde_json::{Value, json};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn program(env: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
    path.is_file().then_some(path)
}

/// A ChromeDriver child process on a free loopback port; killed on drop.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        let driver = Driver { child, addr };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if std::net::TcpStream::connect(addr).is_ok() {
                let status = driver.call("GET", "/status", None);
                if status["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let answer: Answer = request(self.addr, method, path.as_bytes(), body.as_deref());
        let value: Value = serde_json::from_slice(&answer.body)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {}", answer.text()));
        assert!(
            answer.status == 200,
            "{method} {path}: HTTP {}: {value}",
            answer.status
        );
        value
    }
}

/// A browser session.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Session<'_> {
    /// Closes the browser even when an assertion failed.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        if let Ok(mut stream) = std::net::TcpStream::connect(self.driver.addr) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = write!(
                stream,
                "DELETE /session/{} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                self.id
            );
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

impl Session<'_> {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.id), body)["value"]
            .clone()
    }
    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }
    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }
    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
    fn text(&self, element: &str) -> String {
        self.cmd("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
    fn click(&self, element: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }
    fn type_into(&self, element: &str, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }
    fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
    /// Waits until the current URL contains `part` and the page has loaded.
    fn wait_for_url(&self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = self.cmd(
                "POST",
                "/execute/sync",
                Some(json!({"script": "return document.readyState", "args": []})),
            );
            if self.url().contains(part) && ready == "complete" {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "never reached a URL with {part:?}: {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    fn screenshot(&self, to: &Path) {
        use std::io::Write;
        let data = self.cmd("GET", "/screenshot", None);
        // Saved for people to look at; decoding base64 by hand keeps the test dependency-free.
        if let Some(b64) = data.as_str() {
            if let Ok(mut f) = std::fs::File::create(to) {
                let _ = f.write_all(&base64_decode(b64));
            }
        }
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn search_without_diacritics_then_open_the_document_in_chromium() {
    let Some(chromium) = program("CHROMIUM", "/usr/bin/chromium") else {
        let message = "SKIP search_browser: no Chromium at /usr/bin/chromium \
                       (apt-get install -y chromium chromium-driver)";
        assert!(
            std::env::var("SOHOA_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "{message}, and SOHOA_REQUIRE_BROWSER=1"
        );
        // Written to the stderr handle directly, past the test harness's output capture, so the
        // skip shows in a plain `cargo test` run.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "{message}");
        return;
    };
    let chromedriver = program("CHROMEDRIVER", "/usr/bin/chromedriver").unwrap_or_else(|| {
        panic!("Chromium is installed but not ChromeDriver: apt-get install -y chromium-driver")
    });

    let dir = indexed_fixtures();
    let server = Server::start(&dir.path().join(".index"));
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start(&chromedriver);
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .chain([format!("--user-data-dir={}", profile.path().display())])
    .collect::<Vec<_>>();
    let created = driver.call(
        "POST",
        "/session",
        Some(json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}})),
    );
    let id = created["value"]["sessionId"]
        .as_str()
        .expect("session id")
        .to_owned();
    let session = Session {
        driver: &driver,
        id,
    };
    session.cmd("POST", "/timeouts", Some(json!({"implicit": 10_000})));

    // The home page lists every document; type a query without diacritics and submit.
    session.go(&server.url("/"));
    let box_ = session.find("#q");
    session.type_into(&box_, "dang uy phuong hong bang binh dan hoc vu so");
    session.click(&session.find("#go"));
    session.wait_for_url("q=dang+uy+phuong");

    let hits = session.find_all("li.hit");
    assert!(!hits.is_empty(), "no results");
    let first_title = session.text(&session.find("li.hit:first-child a.title"));
    assert_eq!(
        first_title,
        "Kế hoạch: thực hiện Phong trào “Bình dân học vụ số”"
    );
    let first_meta = session.text(&session.find("li.hit:first-child .meta"));
    assert!(
        first_meta.starts_with("03-KH/ĐU · 2025-07-15"),
        "{first_meta}"
    );
    // The snippet marks the words found, with their diacritics.
    let marks: Vec<String> = session
        .find_all("li.hit:first-child mark")
        .iter()
        .map(|m| session.text(m))
        .collect();
    assert!(marks.iter().any(|m| m == "Hồng"), "{marks:?}");
    // Facet counts are shown.
    let facet = session.text(&session.find("section.facet[data-facet=type]"));
    assert!(facet.contains("Kế hoạch"), "{facet}");

    // Open it: the metadata table.
    session.click(&session.find("li.hit:first-child a.title"));
    session.wait_for_url("/doc?path=");
    let cell = |key: &str| session.text(&session.find(&format!("#metadata tr[data-key={key}] td")));
    assert_eq!(cell("reference"), "03-KH/ĐU");
    assert_eq!(cell("issued_date"), "2025-07-15");
    assert!(cell("issuer").starts_with("Đảng ủy phường Hồng Bàng"));
    assert_eq!(cell("doc_type"), "Kế hoạch (KH)");
    // The repaired text is beside the raw OCR, changed words marked on both sides.
    assert!(!session.find_all(".col.repaired .fixed").is_empty());
    assert!(!session.find_all(".col.raw .ocr").is_empty());

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("search-browser-doc.png");
    session.screenshot(&shot);
    eprintln!("screenshot: {}", shot.display());
}
