//! `sohoa serve`: a small local web UI over an index (axum; HTML rendered on the server, the
//! stylesheet embedded in the binary; no JavaScript, no CDN).
//!
//! | route | what |
//! |---|---|
//! | `GET /?q=&type=&issuer=&system=&place=&year=&from=&to=&offset=` | search page: box, filters with counts, results with snippets |
//! | `GET /doc?path=REL` | a document: metadata table, repaired text beside the raw OCR with changed words marked, the scan |
//! | `GET /file?path=REL` | a scan file (PDF or image) from the output folder |
//! | `GET /api/search?…` | the search response as JSON (same parameters) |
//! | `GET /assets/style.css` | the stylesheet |
//!
//! It binds to `127.0.0.1:8080` by default. Files are served only from inside the output
//! folder (canonicalised, prefix-checked) and only scans (PDF, PNG, JPEG, TIFF) or records;
//! bad input (path traversal, a query over [`super::MAX_QUERY_BYTES`], invalid UTF-8 in the
//! URL) gets a 4xx answer.
//!
//! ```no_run
//! use std::sync::Arc;
//! let searcher = sohoa::search::query::Searcher::open(std::path::Path::new("out/.index"))?;
//! let app = sohoa::search::serve::router(Arc::new(searcher));
//! # let _ = app;
//! # Ok::<(), sohoa::search::Error>(())
//! ```

use super::diff::{Piece, word_diff};
use super::query::{DocInfo, FacetCount, Request, Response, Searcher};
use super::record::Record;
use super::{Error, MAX_QUERY_BYTES};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use serde_json::Value;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The embedded stylesheet.
const STYLE: &str = include_str!("assets/style.css");
/// Results per page.
const PAGE: usize = 20;
/// Longest raw query string accepted (bytes, percent-encoded).
const MAX_RAW_QUERY: usize = 8 * MAX_QUERY_BYTES;
/// Biggest file served (bytes).
const MAX_FILE: u64 = 512 * 1024 * 1024;
/// Filters of the search page, in display order, with their labels.
const FILTERS: [(&str, &str); 5] = [
    ("doc_type", "Loại văn bản"),
    ("issuer", "Cơ quan ban hành"),
    ("year", "Năm"),
    ("system", "Hệ thống"),
    ("place", "Địa điểm"),
];

type Shared = Arc<Searcher>;

/// The web application over a searcher.
pub fn router(searcher: Shared) -> Router {
    Router::new()
        .route("/", get(search_page))
        .route("/doc", get(doc_page))
        .route("/file", get(file))
        .route("/api/search", get(api_search))
        .route("/assets/style.css", get(style))
        .fallback(not_found)
        .with_state(searcher)
}

/// Serves `searcher` on `addr` until Ctrl-C; prints the address once listening.
pub async fn serve(searcher: Searcher, addr: SocketAddr) -> super::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Serve(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Serve(e.to_string()))?;
    println!(
        "sohoa serve: {} documents of {} at http://{local}/ (Ctrl-C stops)",
        searcher.num_docs(),
        searcher.root().display()
    );
    let app = router(Arc::new(searcher));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Serve(e.to_string()))
}

/// A 4xx/5xx answer with a short HTML page.
#[derive(Debug)]
struct Fail(StatusCode, String);

impl IntoResponse for Fail {
    fn into_response(self) -> HttpResponse {
        let body = html! {
            main class="error" {
                h1 { (self.0.as_u16()) }
                p { (self.1) }
                p { a href="/" { "Trang tìm kiếm" } }
            }
        };
        html(self.0, layout("Lỗi", html! {}, body))
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        match e {
            Error::BadQuery(m) => Fail(StatusCode::BAD_REQUEST, m),
            other => Fail(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
        }
    }
}

/// An HTML response with the security headers.
fn html(status: StatusCode, page: Markup) -> HttpResponse {
    let mut response = (status, page.into_string()).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    secure(h);
    response
}

fn secure(h: &mut axum::http::HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; object-src 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// Decodes an `application/x-www-form-urlencoded` query string; invalid UTF-8 or a too-long
/// query is a 4xx.
fn params(raw: Option<&str>) -> Result<Vec<(String, String)>, Fail> {
    let raw = raw.unwrap_or("");
    if raw.len() > MAX_RAW_QUERY {
        return Err(Fail(
            StatusCode::URI_TOO_LONG,
            format!("query string too long (at most {MAX_RAW_QUERY} bytes)"),
        ));
    }
    let decode = |s: &str| -> Result<String, Fail> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| {
            Fail(
                StatusCode::BAD_REQUEST,
                "the URL is not valid UTF-8".to_owned(),
            )
        })
    };
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

/// The search request of a query string.
fn request(params: &[(String, String)]) -> Result<Request, Fail> {
    let q = param(params, "q").unwrap_or("");
    if q.len() > MAX_QUERY_BYTES {
        return Err(Fail(
            StatusCode::BAD_REQUEST,
            format!("query too long (at most {MAX_QUERY_BYTES} bytes)"),
        ));
    }
    let mut r = Request::new(q);
    let s = |name| param(params, name).map(str::to_owned);
    r.doc_type = s("type");
    r.issuer = s("issuer");
    r.system = s("system");
    r.place = s("place");
    r.from = s("from");
    r.to = s("to");
    r.year = match param(params, "year") {
        None => None,
        Some(y) => Some(
            y.trim()
                .parse()
                .map_err(|_| Fail(StatusCode::BAD_REQUEST, format!("year {y:?} is not a year")))?,
        ),
    };
    r.offset = match param(params, "offset") {
        None => 0,
        Some(o) => o
            .trim()
            .parse::<usize>()
            .map_err(|_| Fail(StatusCode::BAD_REQUEST, "bad offset".to_owned()))?
            .min(super::query::MAX_OFFSET),
    };
    r.limit = match param(params, "limit") {
        None => PAGE,
        Some(l) => l
            .trim()
            .parse::<usize>()
            .map_err(|_| Fail(StatusCode::BAD_REQUEST, "bad limit".to_owned()))?
            .clamp(1, super::query::MAX_LIMIT),
    };
    Ok(r)
}

/// Runs a search off the async threads.
async fn run_search(searcher: Shared, request: Request) -> Result<Response, Fail> {
    tokio::task::spawn_blocking(move || searcher.search(&request))
        .await
        .map_err(|e| Fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(Fail::from)
}

async fn api_search(
    State(searcher): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<HttpResponse, Fail> {
    let params = params(raw.as_deref())?;
    let response = run_search(searcher, request(&params)?).await?;
    let mut r = axum::Json(response).into_response();
    secure(r.headers_mut());
    Ok(r)
}

async fn style() -> HttpResponse {
    let mut r = STYLE.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    r
}

async fn not_found() -> Fail {
    Fail(StatusCode::NOT_FOUND, "Không có trang này.".to_owned())
}

/// Percent-encodes a query string component.
fn enc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A query string of `params` with `set` replacing (or, with an empty value, removing) keys.
fn link(params: &[(String, String)], set: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, v)| !v.is_empty() && !set.iter().any(|(s, _)| s == k) && k != "offset")
        .cloned()
        .collect();
    for (k, v) in set {
        if !v.is_empty() {
            pairs.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    let qs: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    format!("/?{}", qs.join("&"))
}

/// The page frame: head, search form, body.
fn layout(title: &str, form: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        "\n"
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — sohoa" }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                header class="top" { a class="brand" href="/" { "sohoa" } (form) }
                (body)
            }
        }
        "\n"
    }
}

/// The search form, keeping the active filters as hidden fields.
fn form(params: &[(String, String)]) -> Markup {
    html! {
        form id="search" action="/" method="get" role="search" {
            input id="q" name="q" type="search" value=(param(params, "q").unwrap_or("")) autofocus
                placeholder="binh dan hoc vu so · \"học vụ số\" · 265-KH/TU" aria-label="Tìm";
            label { "Từ ngày " input id="from" type="date" name="from" value=(param(params, "from").unwrap_or("")); }
            label { "đến " input id="to" type="date" name="to" value=(param(params, "to").unwrap_or("")); }
            @for key in ["type", "issuer", "system", "place", "year"] {
                @if let Some(v) = param(params, key) {
                    input type="hidden" name=(key) value=(v);
                }
            }
            button id="go" type="submit" { "Tìm" }
        }
    }
}

async fn search_page(
    State(searcher): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<HttpResponse, Fail> {
    let params = params(raw.as_deref())?;
    let request = request(&params)?;
    let response = run_search(searcher, request.clone()).await?;
    let shown = request.offset + response.hits.len();
    let body = html! {
        main class="search" {
            aside id="facets" {
                @for (facet, label) in FILTERS {
                    (facet_html(&params, &response, facet, label))
                }
            }
            section id="results" {
                p class="summary" id="summary" { (response.total) " văn bản" }
                ol class="hits" start=(request.offset + 1) {
                    @for hit in &response.hits {
                        (hit_html(&hit.doc, &hit.snippet.marked("\u{1}", "\u{2}")))
                    }
                }
                @if request.offset > 0 || shown < response.total {
                    nav class="pages" {
                        @if request.offset > 0 {
                            @let prev = request.offset.saturating_sub(request.limit).to_string();
                            a href=(link(&params, &[("offset", &prev)])) { "← Trước" }
                            " "
                        }
                        @if shown < response.total {
                            a href=(link(&params, &[("offset", &shown.to_string())])) { "Sau →" }
                        }
                    }
                }
            }
        }
    };
    let title = param(&params, "q").unwrap_or("Tìm kiếm");
    Ok(html(StatusCode::OK, layout(title, form(&params), body)))
}

/// One filter of the search page: its active value with a link that clears it, or its values
/// with counts; nothing when it has neither.
fn facet_html(
    params: &[(String, String)],
    response: &Response,
    facet: &str,
    label: &str,
) -> Markup {
    let key = if facet == "doc_type" { "type" } else { facet };
    let active = param(params, key);
    let counts: &[FacetCount] = response
        .facets
        .get(facet)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if counts.is_empty() && active.is_none() {
        return html! {};
    }
    html! {
        section class="facet" data-facet=(key) {
            h3 { (label) }
            ul {
                @if let Some(value) = active {
                    li class="active" {
                        (value) " "
                        a class="clear" href=(link(params, &[(key, "")])) title="Bỏ lọc" { "×" }
                    }
                } @else {
                    @for c in counts {
                        li {
                            a href=(link(params, &[(key, &c.value)])) { (label_of(facet, &c.value)) }
                            " "
                            span class="count" { (c.count) }
                        }
                    }
                }
            }
        }
    }
}

/// A facet value as shown.
fn label_of(facet: &str, value: &str) -> String {
    match (facet, value) {
        ("system", "party") => "Đảng".to_owned(),
        ("system", "state") => "Nhà nước".to_owned(),
        _ => value.to_owned(),
    }
}

/// Text with highlights between `\u{1}` and `\u{2}` as `<mark>`s.
fn marked_html(marked: &str) -> Markup {
    html! {
        @for (i, part) in marked.split('\u{1}').enumerate() {
            @if i == 0 {
                (part)
            } @else {
                @let (inner, rest) = part.split_once('\u{2}').unwrap_or((part, ""));
                mark { (inner) }
                (rest)
            }
        }
    }
}

/// One result; `marked` has highlights between `\u{1}` and `\u{2}`.
fn hit_html(d: &DocInfo, marked: &str) -> Markup {
    let heading = match (&d.doc_type, &d.title) {
        (Some(t), Some(title)) => format!("{t}: {title}"),
        (Some(t), None) => t.clone(),
        (None, Some(title)) => title.clone(),
        (None, None) => d.path.clone(),
    };
    let meta: Vec<Markup> = [
        d.reference
            .as_deref()
            .map(|r| html! { span class="ref" { (r) } }),
        d.issued_date.as_deref().map(|r| html! { time { (r) } }),
        d.issuer
            .as_deref()
            .map(|r| html! { span class="issuer" { (r) } }),
    ]
    .into_iter()
    .flatten()
    .collect();
    html! {
        li class="hit" {
            a class="title" href={ "/doc?path=" (enc(&d.path)) } { (heading) }
            div class="meta" {
                @for (i, m) in meta.iter().enumerate() {
                    @if i > 0 { " · " }
                    (m)
                }
            }
            p class="snippet" { "…" (marked_html(marked)) "…" }
        }
    }
}

/// Resolves `rel` inside `root`: canonicalised and prefix-checked; `None` if it is outside,
/// missing, not a file, or hidden (a name starting with `.` on the way: the index folder
/// `.index`, the temporary files of `sohoa run`).
fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.contains('\0') || Path::new(rel).is_absolute() {
        return None;
    }
    let path = root.join(rel).canonicalize().ok()?;
    let hidden = |p: &Path| {
        p.components().any(|c| {
            matches!(c, std::path::Component::Normal(name)
                if name.to_str().is_none_or(|n| n.starts_with('.')))
        })
    };
    let within = path.strip_prefix(root).ok()?;
    (!hidden(Path::new(rel)) && !hidden(within) && path.is_file()).then_some(path)
}

/// Content type of a file the server will send, by extension; `None` for any other file.
fn content_type(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        "json" => "application/json",
        _ => return None,
    })
}

async fn file(
    State(searcher): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<HttpResponse, Fail> {
    let params = params(raw.as_deref())?;
    let missing = || Fail(StatusCode::NOT_FOUND, "Không có tệp này.".to_owned());
    let rel = param(&params, "path").ok_or_else(missing)?;
    let path = inside(searcher.root(), rel).ok_or_else(missing)?;
    let kind = content_type(&path).ok_or_else(missing)?;
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|_| missing())?
        .len();
    if size > MAX_FILE {
        return Err(Fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file too large".to_owned(),
        ));
    }
    let bytes = tokio::fs::read(&path).await.map_err(|_| missing())?;
    let mut r = bytes.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    secure(r.headers_mut());
    Ok(r)
}

/// Labels of the metadata fields, in display order.
const META_LABELS: [(&str, &str); 15] = [
    ("system", "Hệ thống"),
    ("doc_type", "Loại văn bản"),
    ("reference", "Số, ký hiệu"),
    ("number", "Số"),
    ("issuer", "Cơ quan ban hành"),
    ("place", "Địa điểm"),
    ("issued_date", "Ngày ban hành"),
    ("title", "Trích yếu"),
    ("reporting_period", "Kỳ báo cáo"),
    ("addressees", "Kính gửi"),
    ("recipients", "Nơi nhận"),
    ("signers", "Người ký"),
    ("references", "Văn bản dẫn chiếu"),
    ("targets", "Chỉ tiêu"),
    ("warnings", "Cảnh báo"),
];

/// A metadata field as HTML: the known shapes of the gold schema read naturally, anything
/// else generically.
fn field_html(key: &str, v: &Value) -> Markup {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    match key {
        "system" => v
            .as_str()
            .map_or_else(|| value_html(v), |s| html! { (label_of("system", s)) }),
        "doc_type" if v.is_object() => match (s("name"), s("code")) {
            (Some(name), Some(code)) => html! { (name) " (" (code) ")" },
            (Some(name), None) => html! { (name) },
            _ => value_html(v),
        },
        "issuer" if v.is_object() => match (s("name"), s("parent")) {
            (Some(name), Some(parent)) => {
                html! { (name) br; span class="k" { "thuộc" } " " (parent) }
            }
            (Some(name), None) => html! { (name) },
            _ => value_html(v),
        },
        "reporting_period" if v.is_object() => {
            let n = |k: &str| v.get(k).and_then(Value::as_u64);
            let (week, year) = (n("week"), n("year"));
            let range = s("from").zip(s("to"));
            if week.is_none() && year.is_none() && range.is_none() {
                return value_html(v);
            }
            html! {
                @if let Some(week) = week { "Tuần " (week) " " }
                @if let Some(year) = year { "năm " (year) " " }
                @if let Some((from, to)) = range { "(" (from) " → " (to) ")" }
            }
        }
        _ => value_html(v),
    }
}

/// A JSON value as HTML.
fn value_html(v: &Value) -> Markup {
    match v {
        Value::Null => html! { span class="none" { "—" } },
        Value::String(s) => html! { (s) },
        Value::Bool(b) => html! { (b) },
        Value::Number(n) => html! { (n) },
        Value::Array(items) if items.is_empty() => html! { span class="none" { "—" } },
        Value::Array(items) if items.iter().all(Value::is_object) => {
            let mut keys: Vec<&str> = Vec::new();
            for item in items {
                if let Value::Object(o) = item {
                    for k in o.keys() {
                        if !keys.contains(&k.as_str()) {
                            keys.push(k);
                        }
                    }
                }
            }
            html! {
                table class="sub" {
                    tr { @for k in &keys { th { (k) } } }
                    @for item in items {
                        tr {
                            @for k in &keys {
                                td { (value_html(item.get(*k).unwrap_or(&Value::Null))) }
                            }
                        }
                    }
                }
            }
        }
        Value::Array(items) => html! {
            ul { @for item in items { li { (value_html(item)) } } }
        },
        Value::Object(o) => html! {
            @for (i, (k, v)) in o.iter().filter(|(_, v)| !v.is_null()).enumerate() {
                @if i > 0 { "; " }
                span class="k" { (k) } " " (value_html(v))
            }
        },
    }
}

/// Scan files beside a record: `stem.*` (PDF, images) in the record's folder, page images
/// (`stem.page-001.png`) included, sorted by name.
fn scans(root: &Path, rel: &str) -> Vec<String> {
    let Some(record) = inside(root, rel) else {
        return Vec::new();
    };
    let (Some(dir), Some(stem)) = (record.parent(), record.file_stem().and_then(|s| s.to_str()))
    else {
        return Vec::new();
    };
    let rel_dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|name| {
            let same_stem = name == stem || name.starts_with(&format!("{stem}."));
            same_stem && content_type(Path::new(name)).is_some_and(|t| t != "application/json")
        })
        .map(|name| {
            if rel_dir.is_empty() {
                name
            } else {
                format!("{rel_dir}/{name}")
            }
        })
        .collect();
    out.sort();
    out
}

/// Renders diff pieces, words separated by a space within a line; changed words get `class`.
fn pieces_html(pieces: &[Piece], class: &str) -> Markup {
    let mut line_start = true;
    let spaced: Vec<(bool, &Piece)> = pieces
        .iter()
        .map(|p| {
            let newline = matches!(p, Piece::Newline);
            let space = !newline && !line_start;
            line_start = newline;
            (space, p)
        })
        .collect();
    html! {
        @for (space, p) in spaced {
            @if space { " " }
            @match p {
                Piece::Newline => { "\n" }
                Piece::Changed(w) => { span class=(class) { (w) } }
                Piece::Same(w) => { (w) }
            }
        }
    }
}

/// The record's tables (`metadata.tables`) as HTML tables, the first row as the header.
fn tables_html(metadata: Option<&Value>) -> Markup {
    let tables = metadata
        .and_then(|m| m.get("tables"))
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty());
    let Some(tables) = tables else {
        return html! {};
    };
    let cells = |row: &Value| -> Vec<String> {
        row.as_array()
            .into_iter()
            .flatten()
            .map(|c| c.as_str().unwrap_or_default().to_owned())
            .collect()
    };
    html! {
        section id="tables" {
            h2 { "Bảng" }
            @for (k, t) in tables.iter().enumerate() {
                @let rows: Vec<Vec<String>> = t.get("rows").and_then(Value::as_array).into_iter().flatten().map(cells).collect();
                figure class="data-table" {
                    figcaption {
                        (t.get("caption").and_then(Value::as_str).map_or_else(|| format!("Bảng {}", k + 1), str::to_owned))
                        @if let Some(page) = t.get("page").and_then(Value::as_u64) {
                            " " span class="k" { "(trang " (page) ")" }
                        }
                    }
                    table class="cells" {
                        @for (i, row) in rows.iter().enumerate() {
                            tr {
                                @for cell in row {
                                    @if i == 0 { th { (cell) } } @else { td { (cell) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn doc_page(
    State(searcher): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<HttpResponse, Fail> {
    let params = params(raw.as_deref())?;
    let missing = || Fail(StatusCode::NOT_FOUND, "Không có văn bản này.".to_owned());
    let rel = param(&params, "path").ok_or_else(missing)?.to_owned();
    let root = searcher.root().to_path_buf();
    let lookup = {
        let rel = rel.clone();
        tokio::task::spawn_blocking(move || searcher.document(&rel))
            .await
            .map_err(|e| Fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
            .map_err(Fail::from)?
    };
    let (info, stored_text) = lookup.ok_or_else(missing)?;
    // The record file, for the raw OCR and the full metadata (it may have gone since indexing).
    let record = match inside(&root, &rel) {
        Some(path) => tokio::fs::read(&path)
            .await
            .ok()
            .and_then(|b| Record::from_json(&b).ok()),
        None => None,
    };
    let scans = scans(&root, &rel);

    let heading = [info.doc_type.as_deref(), info.reference.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let heading = if heading.is_empty() {
        rel.clone()
    } else {
        heading
    };
    let metadata = record.as_ref().map(|r| &r.metadata);
    let rows: Vec<(&str, &str, Value)> = META_LABELS
        .into_iter()
        .filter_map(|(key, label)| {
            let value = metadata.and_then(|m| m.get(key)).cloned().or_else(|| {
                // Without the record, what the index stored.
                let s = match key {
                    "reference" => info.reference.clone(),
                    "issued_date" => info.issued_date.clone(),
                    "issuer" => info.issuer.clone(),
                    "doc_type" => info.doc_type.clone(),
                    "title" => info.title.clone(),
                    "place" => info.place.clone(),
                    "system" => info.system.clone(),
                    _ => None,
                };
                s.map(Value::String)
            });
            value.map(|v| (key, label, v))
        })
        .collect();
    let pages: Vec<(u32, String, String)> = match &record {
        Some(r) if !r.pages.is_empty() => r
            .pages
            .iter()
            .map(|p| (p.number, p.text_raw.clone(), p.text.clone()))
            .collect(),
        _ => vec![(1, String::new(), stored_text)],
    };
    let body = html! {
        main class="doc" {
            h1 id="doc-heading" { (heading) }
            @if let Some(title) = &info.title {
                p class="doc-title" { (title) }
            }
            div class="doc-top" {
                table id="metadata" class="metadata" {
                    @for (key, label, value) in &rows {
                        tr data-key=(key) { th { (label) } td { (field_html(key, value)) } }
                    }
                    tr data-key="record" { th { "Bản ghi" } td { (rel) } }
                    @if let Some(source) = &info.source {
                        tr data-key="source" { th { "Tệp gốc" } td { (source) } }
                    }
                }
                section id="scan" class="scan" {
                    h2 { "Bản quét" }
                    @if scans.is_empty() {
                        p class="none" { "Không có bản quét trong thư mục kết quả." }
                    }
                    @for scan in &scans {
                        (scan_html(scan))
                    }
                }
            }
            (tables_html(metadata))
            section id="text" {
                h2 { "Văn bản" }
                p class="legend" {
                    span class="fixed" { "từ đã sửa" } " · " span class="ocr" { "từ OCR gốc đã thay" }
                }
                @for (number, raw_text, text) in &pages {
                    @let (raw_pieces, fixed_pieces) = word_diff(raw_text, text);
                    div class="page" {
                        h3 { "Trang " (number) }
                        div class="cols" {
                            div class="col repaired" {
                                h4 { "Đã sửa" }
                                div class="text" { (pieces_html(&fixed_pieces, "fixed")) }
                            }
                            div class="col raw" {
                                h4 { "OCR gốc" }
                                div class="text" { (pieces_html(&raw_pieces, "ocr")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html(StatusCode::OK, layout(&heading, form(&[]), body)))
}

/// One scan file of a document: a PDF in a frame, an image, or else a link.
fn scan_html(scan: &str) -> Markup {
    let url = format!("/file?path={}", enc(scan));
    let name = scan.rsplit('/').next().unwrap_or(scan);
    html! {
        @match content_type(Path::new(scan)) {
            Some("application/pdf") => {
                iframe class="pdf" src=(url) title=(name) {}
                p { a href=(url) { (name) } }
            }
            Some("image/png" | "image/jpeg") => {
                a href=(url) { img src=(url) alt=(name) loading="lazy"; }
            }
            _ => {
                p { a href=(url) { (name) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_decode_and_reject_bad_utf8() {
        let p = params(Some("q=t%E1%BB%89nh+%E1%BB%A7y&type=")).expect("decode");
        assert_eq!(param(&p, "q"), Some("tỉnh ủy"));
        assert_eq!(param(&p, "type"), None);
        let bad = params(Some("q=%FF%FE")).expect_err("invalid UTF-8");
        assert_eq!(bad.0, StatusCode::BAD_REQUEST);
        let long = "q=".to_owned() + &"a".repeat(MAX_RAW_QUERY);
        assert_eq!(
            params(Some(&long)).expect_err("long").0,
            StatusCode::URI_TOO_LONG
        );
        // A lone % is kept, not a panic.
        assert_eq!(param(&params(Some("q=50%")).expect("ok"), "q"), Some("50%"));
        assert_eq!(param(&params(Some("q=%e")).expect("ok"), "q"), Some("%e"));
    }

    #[test]
    fn links_round_trip() {
        let p = vec![("q".to_owned(), "học vụ số".to_owned())];
        let url = link(&p, &[("type", "Báo cáo")]);
        let back = params(url.strip_prefix("/?")).expect("decode");
        assert_eq!(param(&back, "q"), Some("học vụ số"));
        assert_eq!(param(&back, "type"), Some("Báo cáo"));
    }

    #[test]
    fn values_are_escaped_and_highlights_marked() {
        let marked = marked_html("a <b> \u{1}Hồng\u{2} & \u{1}Bàng\u{2}.").into_string();
        assert_eq!(
            marked,
            "a &lt;b&gt; <mark>Hồng</mark> &amp; <mark>Bàng</mark>."
        );
        let v: Value = serde_json::json!({"name": "<script>\"x\"</script>"});
        let cell = field_html("issuer", &v).into_string();
        assert_eq!(cell, "&lt;script&gt;&quot;x&quot;&lt;/script&gt;");
        let pieces = [
            Piece::Same("a".into()),
            Piece::Changed("<b>".into()),
            Piece::Newline,
            Piece::Same("c".into()),
        ];
        assert_eq!(
            pieces_html(&pieces, "fixed").into_string(),
            "a <span class=\"fixed\">&lt;b&gt;</span>\nc"
        );
    }

    #[test]
    fn files_stay_inside_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("sub/a.pdf"), b"%PDF").expect("write");
        std::fs::create_dir(root.join(".index")).expect("mkdir");
        std::fs::write(root.join(".index/meta.json"), b"{}").expect("write");
        std::fs::write(root.join("sub/.a.pdf.sohoa-tmp"), b"%PDF").expect("write");
        assert!(inside(&root, "sub/a.pdf").is_some());
        assert!(inside(&root, "sub/../sub/a.pdf").is_some());
        for bad in [
            "../x",
            "sub/../../etc/passwd",
            "/etc/passwd",
            "",
            "sub",
            "a\0b",
            ".index/meta.json",
            "sub/.a.pdf.sohoa-tmp",
        ] {
            assert!(inside(&root, bad).is_none(), "{bad}");
        }
    }
}
