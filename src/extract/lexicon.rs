//! Closed vocabularies of the header and signature block, for repairing residual OCR slips
//! there: the provinces (gazetteer), the administrative phrases that build organisation names,
//! and signature titles. Matching is on the diacritic-folded text (tones and marks are what OCR
//! and repair get wrong), with spaces squashed (`BÀN THƯỜN GVU` = `BAN THƯỜNG VỤ`) and, for long
//! titles, one character of slack (`CHO TRƯỞNG BAN` → `PHÓ TRƯỞNG BAN`).

use super::text::fold_lower;

/// The 63 provinces and centrally-run cities before the 2025 reorganisation (the 34 after it are
/// among them), plus `Huế`, in the old tone style the project writes.
pub(crate) const PROVINCES: &[&str] = &[
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lạng Sơn",
    "Lào Cai",
    "Lâm Đồng",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Huế",
    "Tiền Giang",
    "Hồ Chí Minh",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
];

/// Phrases that organisation names in a header are built from (Nghị định 30/2020/NĐ-CP
/// appendix I, Hướng dẫn 36-HD/VPTW), in capitals. Longest first.
const ORG_PHRASES: &[&str] = &[
    "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM",
    "ĐOÀN THANH NIÊN CỘNG SẢN HỒ CHÍ MINH",
    "HỘI ĐỒNG NHÂN DÂN",
    "ỦY BAN NHÂN DÂN",
    "BAN CÁN SỰ ĐẢNG",
    "BAN CHẤP HÀNH",
    "BAN THƯỜNG VỤ",
    "BAN TUYÊN GIÁO VÀ DÂN VẬN",
    "BAN TUYÊN GIÁO",
    "BAN DÂN VẬN",
    "BAN TỔ CHỨC",
    "BAN NỘI CHÍNH",
    "BAN CHỈ ĐẠO",
    "ỦY BAN KIỂM TRA",
    "VĂN PHÒNG",
    "ĐẢNG ĐOÀN",
    "ĐẢNG BỘ",
    "ĐẢNG ỦY",
    "TỈNH ỦY",
    "THÀNH ỦY",
    "HUYỆN ỦY",
    "QUẬN ỦY",
    "THỊ ỦY",
    "THÀNH PHỐ",
    "THỊ XÃ",
    "THỊ TRẤN",
    "ĐẶC KHU",
    "PHƯỜNG",
    "TỈNH",
    "HUYỆN",
    "QUẬN",
    "TRUNG ƯƠNG",
];

/// Signature titles and the collective bodies signed for (`T/M BAN THƯỜNG VỤ`), in capitals.
const TITLES: &[&str] = &[
    "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
    "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
    "PHÓ BÍ THƯ THƯỜNG TRỰC",
    "PHÓ CHÁNH VĂN PHÒNG",
    "CHÁNH VĂN PHÒNG",
    "PHÓ TRƯỞNG BAN",
    "TRƯỞNG BAN",
    "PHÓ CHỦ TỊCH",
    "CHỦ TỊCH",
    "PHÓ BÍ THƯ",
    "BÍ THƯ",
    "PHÓ GIÁM ĐỐC",
    "GIÁM ĐỐC",
    "PHÓ TRƯỞNG PHÒNG",
    "TRƯỞNG PHÒNG",
    "PHÓ HIỆU TRƯỞNG",
    "HIỆU TRƯỞNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
    "PHÓ VỤ TRƯỞNG",
    "TỔNG GIÁM ĐỐC",
    "PHÓ TỔNG GIÁM ĐỐC",
    "BAN THƯỜNG VỤ",
    "BAN CHẤP HÀNH",
    "BAN CHỈ ĐẠO",
    "ĐẢNG ĐOÀN",
    "BAN CÁN SỰ ĐẢNG",
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "THƯỜNG TRỰC HĐND",
    "ĐẢNG ỦY",
    "TỈNH ỦY",
    "THÀNH ỦY",
    "HUYỆN ỦY",
    "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG",
];

/// Folded, lower case, letters and digits only (spaces and punctuation dropped).
pub(crate) fn key(s: &str) -> String {
    fold_lower(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Levenshtein distance on chars, stopping early above `max`.
pub(crate) fn distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The province whose folded name equals `s` folded (spaces ignored): `HAIPHONG` → `Hải Phòng`.
///
/// ```ignore
/// assert_eq!(province("Hai phong"), Some("Hải Phòng"));
/// ```
pub(crate) fn province(s: &str) -> Option<&'static str> {
    let k = key(s);
    if k.len() < 3 {
        return None;
    }
    PROVINCES.iter().copied().find(|p| key(p) == k)
}

/// Repairs an organisation name printed in capitals: runs of words whose folded form is a known
/// phrase get the phrase's spelling (`ĐANG BỎ` → `ĐẢNG BỘ`), and a province after an
/// administrative unit gets the gazetteer's (`THÀNH PHỐ HAIPHONG` → `THÀNH PHỐ HẢI PHÒNG`).
pub(crate) fn canon_org(upper: &str) -> String {
    let words: Vec<&str> = upper.split_whitespace().collect();
    let keys: Vec<String> = words.iter().map(|w| key(w)).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    let mut after_unit = false;
    while i < words.len() {
        // A known phrase, matched word by word on the folded form.
        let hit = ORG_PHRASES.iter().find_map(|p| {
            let pk: Vec<String> = p.split(' ').map(key).collect();
            (i + pk.len() <= words.len()
                && pk.iter().enumerate().all(|(k, w)| keys[i + k] == *w)
                // Keep printed punctuation attached to the last word (`HỘI,`).
                && words[i..i + pk.len()]
                    .iter()
                    .all(|w| w.trim_end_matches('.').chars().all(|c| c.is_alphabetic())))
            .then_some((*p, pk.len()))
        });
        if let Some((p, n)) = hit {
            after_unit = matches!(
                key(p).as_str(),
                "thanhpho" | "thixa" | "thitran" | "dackhu" | "phuong" | "tinh" | "huyen" | "quan"
            );
            out.push(p.to_string());
            i += n;
            continue;
        }
        if after_unit {
            // The longest run of 1..=4 words (or one glued word) that is a province.
            let found = (1..=4.min(words.len() - i))
                .rev()
                .find_map(|n| province(&words[i..i + n].join(" ")).map(|p| (p, n)));
            if let Some((p, n)) = found {
                out.push(p.to_uppercase());
                i += n;
                after_unit = false;
                continue;
            }
        }
        after_unit = false;
        out.push(words[i].to_string());
        i += 1;
    }
    out.join(" ")
}

/// Drops up to two short tokens (3 letters or fewer) before a known organisation phrase at the
/// start of a header line: a poor scan's specks (`RE ĐẢNG BỘ …`, `-: ĐẢNG ỦY …`).
pub(crate) fn drop_leading_noise(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let starts_phrase = |i: usize| {
        ORG_PHRASES.iter().any(|p| {
            let pk: Vec<String> = p.split(' ').map(key).collect();
            pk.len() >= 2
                && i + pk.len() <= words.len()
                && pk.iter().enumerate().all(|(k, w)| key(words[i + k]) == *w)
        })
    };
    if starts_phrase(0) {
        return line.to_string();
    }
    for i in 1..=2.min(words.len()) {
        let short = words[..i]
            .iter()
            .all(|w| w.chars().filter(|c| c.is_alphabetic()).count() <= 3);
        if !short {
            break;
        }
        if starts_phrase(i) {
            return words[i..].join(" ");
        }
    }
    line.to_string()
}

/// A signature title or collective body matched against [`TITLES`]: exact on the folded form
/// with spaces ignored, or within one character for titles of 7+ letters (two for 14+).
/// Returns `None` when nothing matches or two titles match equally well.
pub(crate) fn canon_title(s: &str) -> Option<&'static str> {
    let k = key(s);
    if k.len() < 4 {
        return None;
    }
    let max = if k.len() >= 14 {
        2
    } else if k.len() >= 7 {
        1
    } else {
        0
    };
    let mut best: Option<(&'static str, usize)> = None;
    let mut tie = false;
    for t in TITLES {
        let d = distance(&k, &key(t), max);
        if d > max {
            continue;
        }
        match best {
            Some((_, bd)) if d > bd => {}
            Some((_, bd)) if d == bd => tie = true,
            _ => {
                best = Some((t, d));
                tie = false;
            }
        }
    }
    match best {
        Some((t, _)) if !tie => Some(t),
        _ => None,
    }
}

/// The locality an organisation name ends with: the words after its last administrative unit
/// or committee word (`Đảng ủy phường Hồng Bàng` → `Hồng Bàng`, `Tỉnh ủy Thanh Hóa` →
/// `Thanh Hóa`).
pub(crate) fn locality(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let keys: Vec<String> = words.iter().map(|w| key(w)).collect();
    let mut start = None;
    for i in 0..words.len() {
        let k = keys[i].as_str();
        let two = keys.get(i + 1).map(String::as_str);
        let len = match (k, two) {
            (_, Some("uy")) if matches!(k, "tinh" | "thanh" | "huyen" | "quan" | "thi") => 2,
            ("thanh", Some("pho")) | ("thi", Some("xa")) | ("thi", Some("tran")) => 2,
            ("dac", Some("khu")) => 2,
            ("tinh" | "huyen" | "quan" | "xa" | "phuong", _) => 1,
            _ => 0,
        };
        if len > 0 && i + len < words.len() {
            start = Some(i + len);
        }
    }
    let s = start?;
    let rest = &words[s..];
    let proper = (1..=4).contains(&rest.len())
        && rest
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    proper.then(|| rest.join(" "))
}

/// The place of a date line checked against the issuer's localities and the provinces: the
/// same name folded (tones misread) or the last word of a locality when OCR noise ate the
/// first. Returns the corrected place and where it came from.
pub(crate) fn check_place(place: &str, localities: &[String]) -> Option<(String, &'static str)> {
    let pk = key(place);
    if pk.is_empty() {
        return None;
    }
    for l in localities {
        if key(l) == pk || (pk.len() >= 6 && distance(&pk, &key(l), 1) <= 1) {
            return Some((l.clone(), "header_locality"));
        }
    }
    if let Some(p) = province(place) {
        return Some((p.to_string(), "gazetteer"));
    }
    // `… Bàng` for `Hồng Bàng`: the place's last word is the locality's last word.
    let last = place.split_whitespace().last().map(key).unwrap_or_default();
    if last.len() >= 3 {
        for l in localities {
            let lw: Vec<String> = l.split_whitespace().map(key).collect();
            if lw.len() >= 2 && lw.last() == Some(&last) {
                return Some((l.clone(), "header_locality_suffix"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_phrases_and_provinces() {
        assert_eq!(
            canon_org("ĐANG BỎ THÀNH PHỐ HAIPHONG"),
            "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG"
        );
        assert_eq!(
            canon_org("ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),
            "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"
        );
        assert_eq!(canon_org("UBND XÃ ĐỨC THỊNH"), "UBND XÃ ĐỨC THỊNH");
        assert_eq!(
            canon_org("ĐẢNG BỘ THÀNH PHÔ. HẢI PHÒNG"),
            "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG"
        );
        assert_eq!(
            drop_leading_noise("RE ĐẢNG BỘ THÀNH PHỐ"),
            "ĐẢNG BỘ THÀNH PHỐ"
        );
        assert_eq!(drop_leading_noise("SỞ Y TẾ"), "SỞ Y TẾ");
    }

    #[test]
    fn titles() {
        assert_eq!(canon_title("CHO TRƯỞNG BAN"), Some("PHÓ TRƯỞNG BAN"));
        assert_eq!(canon_title("BÀN THƯỜN GVU"), Some("BAN THƯỜNG VỤ"));
        assert_eq!(canon_title("CHỦ TỊCH"), Some("CHỦ TỊCH"));
        assert_eq!(canon_title("NGUYỄN VĂN A"), None);
    }

    #[test]
    fn places() {
        let locs = vec!["Hồng Bàng".to_string()];
        assert_eq!(
            check_place("Hỏng Băng", &locs),
            Some(("Hồng Bàng".into(), "header_locality"))
        );
        assert_eq!(
            check_place("Bàng", &locs).map(|p| p.0),
            Some("Hồng Bàng".into())
        );
        assert_eq!(
            check_place("Thanh Hoa", &[]).map(|p| p.0),
            Some("Thanh Hóa".into())
        );
        assert_eq!(check_place("Xyz", &locs), None);
        assert_eq!(
            locality("Đảng ủy phường Hồng Bàng").as_deref(),
            Some("Hồng Bàng")
        );
        assert_eq!(locality("Tỉnh ủy Thanh Hóa").as_deref(), Some("Thanh Hóa"));
        assert_eq!(locality("Sở Nội vụ"), None);
    }
}
