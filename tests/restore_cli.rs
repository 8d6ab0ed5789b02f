//! `sohoa restore` end to end, with the committed model in `dictionaries/`: accuracy floors on
//! small committed fixtures, text that must pass through untouched, and bad input.
//!
//! The fixtures in `fixtures/repair/`: `kh-03-head` is the first 30 lines of a real legacy-OCR
//! document (Tesseract without Vietnamese data) with its hand-corrected reference;
//! `legal-heldout` is a page of legal text from documents the OCR-confusion learner never saw
//! (`scripts/make_ocr_pairs.py --heldout`), rendered as a scan and OCR'd with `tesseract -l eng`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repair")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

fn restore_bytes(input: &[u8], args: &[&str]) -> Output {
    common::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .arg("restore")
            .args(args)
            .env_remove("SOHOA_MODEL")
            .env_remove("SOHOA_PARAMS"),
        input,
    )
}

fn restore(input: &str) -> String {
    let out = restore_bytes(input.as_bytes(), &[]);
    assert!(
        out.status.success(),
        "restore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn accuracy(reference: &str, hypothesis: &str) -> f64 {
    sohoa::score::syllable_accuracy_by_line(reference, hypothesis)
}

#[test]
fn legacy_ocr_is_repaired_above_the_floor() {
    for (name, floor) in [("kh-03-head", 0.90), ("legal-heldout", 0.93)] {
        let ocr = read(&format!("{name}.ocr.txt"));
        let truth = read(&format!("{name}.truth.txt"));
        let raw = accuracy(&truth, &ocr);
        let out = restore(&ocr);
        let acc = accuracy(&truth, &out);
        eprintln!("{name}: raw {raw:.4}, restored {acc:.4}");
        assert!(acc >= floor, "{name}: {acc:.4} < floor {floor}");
        assert!(acc > raw + 0.5, "{name}: restore barely changed anything");
    }
}

#[test]
fn ascii_text_gets_its_diacritics_back() {
    for (name, floor) in [
        ("kh-03-head.truth.txt", 0.95),
        ("legal-heldout.truth.txt", 0.95),
    ] {
        let truth = read(name);
        let ascii = sohoa::viet::fold(&truth);
        assert_ne!(ascii, truth);
        let acc = accuracy(&truth, &restore(&ascii));
        eprintln!("{name} stripped: restored {acc:.4}");
        assert!(acc >= floor, "{name}: {acc:.4} < floor {floor}");
    }
}

#[test]
fn correct_text_is_not_damaged() {
    for name in ["kh-03-head.truth.txt", "legal-heldout.truth.txt"] {
        let truth = read(name);
        assert_eq!(restore(&truth), truth, "{name} was changed");
    }
}

#[test]
fn codes_numbers_urls_and_foreign_words_pass_through() {
    let text = "Lien he https://dichvucong.gov.vn/p/home hoac vanphong@thanhhoa.gov.vn ngay 24/4/2025, 1.234,5 ty dong.\n\
                Cai dat VNeID, Zalo, Facebook; UBND, HDND, MTTQ va AI tren Internet.\n";
    let out = restore(text);
    for kept in [
        "https://dichvucong.gov.vn/p/home",
        "vanphong@thanhhoa.gov.vn",
        "24/4/2025",
        "1.234,5",
        "VNeID",
        "Zalo",
        "Facebook",
        "UBND",
        "MTTQ",
        "AI",
        "Internet",
    ] {
        assert!(out.contains(kept), "{kept:?} lost in {out:?}");
    }
    assert!(out.contains("HĐND"), "{out}");
    assert!(out.contains("Liên hệ"), "{out}");
}

#[test]
fn official_abbreviations_get_their_d_stroke() {
    let out = restore("Quyet dinh so 146/QD-TTg cua Thu tuong; Ke hoach cua BCDTW.\n");
    assert!(out.contains("146/QĐ-TTg"), "{out}");
    assert!(out.contains("BCĐTW"), "{out}");
    // an agency code whose D is not Đ stays as printed
    let out = restore("So 42-BC/BTGDVTU\n");
    assert!(out.contains("42-BC/BTGDVTU"), "{out}");
    // a lower-case b among capitals is a misread Đ; an upper-case P may be the real code
    let out = restore("Quyet dinh 1315/Qb-TTg; Cong van 2156/SGDĐT-GDPT\n");
    assert!(out.contains("1315/QĐ-TTg"), "{out}");
    assert!(out.contains("2156/SGDĐT-GDPT"), "{out}");
}

#[test]
fn lines_stay_lines() {
    let text = "Ke hoach so 265-KH/TU\n\n  cua Ban Thuong vu\nTinh uy\n\n";
    let out = restore(text);
    assert_eq!(out.split('\n').count(), text.split('\n').count(), "{out:?}");
    assert_eq!(out.split('\n').nth(1), Some(""));
    assert!(out.starts_with("Kế hoạch số 265-KH/TU\n"), "{out:?}");
}

#[test]
fn a_line_break_may_end_a_heading() {
    // a signature block: each line stands alone, though no full stop ends it
    let out = restore("K/T TRUONG BAN\nPHO TRUONG BAN\n");
    assert_eq!(out, "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN\n");
    // a wrapped sentence still reads across the break
    let out = restore("trien khai phong\ntrao thi dua\n");
    assert_eq!(out, "triển khai phong\ntrào thi đua\n");
}

#[test]
fn later_paragraphs_follow_the_documents_own_usage() {
    let text = "Tỉnh đoàn; Tỉnh đoàn; Tỉnh đoàn.\n\nva tinh doan\n";
    let out = restore(text);
    assert!(out.ends_with("\nvà tỉnh đoàn\n"), "{out:?}");
    // without the document's usage the language model alone reads another word
    let alone = restore("va tinh doan\n");
    assert_eq!(alone, "và tình đoàn\n");
}

#[test]
fn a_wards_document_reads_the_bare_word_as_its_ward() {
    // the header names the issuer's ward: `phuong` alone is then its `phường`, while the
    // compounds (`phương thức`, `địa phương`) keep their reading
    let body = "Doi moi phuong thuc o dia phuong tu phuong den co so.\n";
    let out = restore(&format!("DANG UY PHUONG HONG BANG\n\n{body}"));
    assert!(
        out.ends_with("\nĐổi mới phương thức ở địa phương từ phường đến cơ sở.\n"),
        "{out:?}"
    );
    assert!(
        restore(body).contains("phương đến"),
        "no ward named: the corpus reading"
    );
}

#[test]
fn a_roman_numeral_is_read_as_a_number() {
    // `lần thứ XVI` as `lần thứ <number>`, not as an unknown word after `lần thử`
    let out =
        restore("Mat tran To quoc Viet Nam tinh Thanh\nHoa lan thu XVI, nhiem ky 2025-2030.\n");
    assert!(
        out.ends_with("\nHóa lần thứ XVI, nhiệm kỳ 2025-2030.\n"),
        "{out:?}"
    );
    // `VI` stays a syllable in a heading
    assert_eq!(restore("XU LY VI PHAM\n"), "XỬ LÝ VI PHẠM\n");
}

#[test]
fn capitalised_words_read_as_place_names() {
    let out = restore("Cac xa Yen Dinh, Thieu Tien va phuong Dong Quang.\n");
    for name in ["Yên Định", "Thiệu Tiến", "phường Đông Quang"] {
        assert!(out.contains(name), "{name}: {out:?}");
    }
}

#[test]
fn a_province_outweighs_a_commune_of_the_same_letters() {
    // Thành Hòa is a commune of Lạng Sơn; Thanh Hóa the province
    let out = restore("Van ban chi dao cong ty\nThanh Hoa trien khai lap dat tram\n");
    assert!(
        out.ends_with("\nThanh Hóa triển khai lắp đặt trạm\n"),
        "{out:?}"
    );
}

#[test]
fn a_named_province_settles_an_ambiguous_place_name() {
    // Đông Quang is a ward of Thanh Hóa; Đồng Quang lies in Thái Nguyên
    let out = restore("UBND tinh Thanh Hoa.\n\nva phuong Dong Quang phoi hop\n");
    assert!(
        out.ends_with("\nvà phường Đông Quang phối hợp\n"),
        "{out:?}"
    );
    let out = restore("UBND tinh Thai Nguyen.\n\nva phuong Dong Quang phoi hop\n");
    assert!(
        out.ends_with("\nvà phường Đồng Quang phối hợp\n"),
        "{out:?}"
    );
    // the province may also come later in the text
    let out = restore("va phuong Dong Quang phoi hop\n\nUBND tinh Thanh Hoa.\n");
    assert!(
        out.starts_with("và phường Đông Quang phối hợp\n"),
        "{out:?}"
    );
}

#[test]
fn a_short_line_takes_the_documents_mode() {
    // alone, `S6 15-KH/UBND` could be a code; in a legacy-OCR document it is `Số`
    let ocr = "S6 15-KH/UBND\nKé hoach trién khai cong tac chuyén d6i s6 cta tinh nam 2025\n";
    assert!(
        restore(ocr).starts_with("Số 15-KH/UBND\n"),
        "{}",
        restore(ocr)
    );
    // in a document with its marks, the same line is kept
    let clean = "S6 15-KH/UBND\nKế hoạch triển khai công tác chuyển đổi số của tỉnh năm 2025\n";
    assert_eq!(restore(clean), clean);
}

#[test]
fn an_apostrophe_after_letters_is_read_as_a_mark() {
    let out = restore(
        "- S6' Tu phap chii tri, phdi hop véi S&' Tai chinh;\n- So'y té huéng dan cac co s¢' y té.\n",
    );
    assert_eq!(
        out,
        "- Sở Tư pháp chủ trì, phối hợp với Sở Tài chính;\n- Sở y tế hướng dẫn các cơ sở y tế.\n"
    );
    // a word quoted with apostrophes keeps them
    let clean = "đóng dấu 'Mật' theo quy định\n";
    assert_eq!(restore(clean), clean);
}

#[test]
fn a_number_run_into_a_word_is_read_apart() {
    let out = restore("Quyét dinh s6 12/QD-TTg ngay 12/5/2025cua Thu tuéng Chinh phi\n");
    assert_eq!(
        out,
        "Quyết định số 12/QĐ-TTg ngày 12/5/2025của Thủ tướng Chính phủ\n"
    );
    // but digits that are OCR slips for letters are still read as letters
    let out = restore("thanh 1ap T6 Cong tac trién khai\n");
    assert!(out.starts_with("thành lập Tổ"), "{out}");
}

#[test]
fn footnote_marks_on_words_are_kept() {
    let out = restore("Ban Chi dao cap tinh1, dia ban tinh2.\n");
    assert!(out.contains("tỉnh1"), "{out}");
    assert!(out.contains("tỉnh2"), "{out}");
}

#[test]
fn json_gives_alternatives_and_reasons() {
    let out = restore_bytes(b"Binh dan hoc vu so\n", &["--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["text"], "Bình dân học vụ số\n");
    let tokens = v["tokens"].as_array().expect("tokens");
    let first = &tokens[0];
    assert_eq!(first["input"], "Binh");
    assert_eq!(first["output"], "Bình");
    assert!(
        first["confidence"]
            .as_f64()
            .is_some_and(|c| c > 0.0 && c <= 1.0)
    );
    assert!(
        first["alternatives"]
            .as_array()
            .is_some_and(|a| a.len() <= 3)
    );
    assert!(first["reason"].is_string());
}

#[test]
fn invalid_utf8_is_replaced_with_a_warning_naming_the_line() {
    let out = restore_bytes(b"dong mot\ndong \xff\xfe hai\n", &[]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(stdout.contains('\u{fffd}'), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
}

#[test]
fn garbage_empty_and_huge_lines_do_not_break_it() {
    let garbage: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let out = restore_bytes(&garbage, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = restore_bytes(b"", &[]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());

    // one 2 MB line of words, numbers and OCR noise
    let line = "Ke hoach s6 265-KH/TU ctia Ban Thuong vu Tinh ty 2025 ".repeat(40_000);
    let out = restore_bytes(line.as_bytes(), &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.matches('\n').count(), 0);
    assert!(text.starts_with("Kế hoạch số 265-KH/TU"), "{}", &text[..80]);
    // the line is decoded in pieces (memory bounded): no word is cut or misread at their seams
    assert_eq!(
        text.matches("Kế hoạch số 265-KH/TU của Ban Thường vụ Tỉnh ủy 2025")
            .count(),
        40_000
    );
}

#[test]
fn a_missing_or_corrupt_model_is_one_clear_error() {
    let out = restore_bytes(b"Binh dan\n", &["--model", "/nonexistent/sohoa-model"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().lines().count() <= 2, "{stderr}");
    assert!(stderr.contains("/nonexistent/sohoa-model"), "{stderr}");
    assert!(stderr.contains("make model"), "{stderr}");

    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["sohoa.lm", "confusions.tsv", "abbreviations.tsv"] {
        std::fs::write(dir.path().join(f), b"not a model").expect("write");
    }
    let out = restore_bytes(
        b"Binh dan\n",
        &["--model", dir.path().to_str().expect("path")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sohoa.lm"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn english_sentences_are_left_alone_in_mixed_text() {
    let english = "The quick brown fox jumps over the lazy dog near the river bank.\n\
                   Please contact the office by e-mail at info@example.com today.\n";
    let text = format!("{english}Cac don vi su dung Zalo, Facebook va Internet de tuyen truyen.\n");
    let out = restore(&text);
    assert!(out.starts_with(english), "{out}");
    assert!(
        out.ends_with("Các đơn vị sử dụng Zalo, Facebook và Internet để tuyên truyền.\n"),
        "{out}"
    );
}
