//! Unit, exhaustive and property tests for the `viet` module.

use super::tables;
use super::*;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// (onset, glide, nucleus, coda, tone) of a token, if it parses.
fn parts(token: &str) -> Option<(&'static str, &'static str, &'static str, &'static str, Tone)> {
    let s = Syllable::parse(token)?;
    let intern = |table: &[&'static str], part: &str| tables::intern(table, part).unwrap_or("?");
    Some((
        intern(tables::ONSETS, s.onset()),
        intern(tables::GLIDES, s.glide()),
        intern(tables::NUCLEI, s.nucleus()),
        intern(tables::CODAS, s.coda()),
        s.tone(),
    ))
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

use Tone::{Acute, Dot, Grave, Hook, Level, Tilde};

// ---------------------------------------------------------------- parts of concrete words

#[test]
fn tricky_words_split_into_the_right_parts() {
    let cases = [
        ("gì", ("g", "", "i", "", Grave)),
        ("gìn", ("g", "", "i", "n", Grave)),
        ("giữa", ("gi", "", "ưa", "", Tilde)),
        ("giếng", ("gi", "", "ê", "ng", Acute)),
        ("giữ", ("gi", "", "ư", "", Tilde)),
        ("gia", ("gi", "", "a", "", Level)),
        ("giường", ("gi", "", "ươ", "ng", Grave)),
        ("giuộc", ("gi", "", "uô", "c", Dot)),
        ("quốc", ("q", "u", "ô", "c", Acute)),
        ("quý", ("q", "u", "y", "", Acute)),
        ("quyết", ("q", "u", "yê", "t", Acute)),
        ("qua", ("q", "u", "a", "", Level)),
        ("quí", ("q", "u", "i", "", Acute)),
        ("thủy", ("th", "u", "y", "", Hook)),
        ("thuỷ", ("th", "u", "y", "", Hook)),
        ("hòa", ("h", "o", "a", "", Grave)),
        ("hoà", ("h", "o", "a", "", Grave)),
        ("khỏe", ("kh", "o", "e", "", Hook)),
        ("khuya", ("kh", "u", "ya", "", Level)),
        ("người", ("ng", "", "ươ", "i", Grave)),
        ("hươu", ("h", "", "ươ", "u", Level)),
        ("khuỷu", ("kh", "u", "y", "u", Hook)),
        ("nghiêng", ("ngh", "", "iê", "ng", Level)),
        ("oẳn", ("", "o", "ă", "n", Hook)),
        ("được", ("đ", "", "ươ", "c", Dot)),
        ("Đảng", ("đ", "", "a", "ng", Hook)),
        ("ĐẢNG", ("đ", "", "a", "ng", Hook)),
        ("Tỉnh", ("t", "", "i", "nh", Hook)),
        ("Ủy", ("", "u", "y", "", Hook)),
        ("uống", ("", "", "uô", "ng", Acute)),
        ("yêu", ("", "", "yê", "u", Level)),
        ("tuyển", ("t", "u", "yê", "n", Hook)),
        ("huơ", ("h", "u", "ơ", "", Level)),
        ("thuở", ("th", "u", "ơ", "", Hook)),
        ("huân", ("h", "u", "â", "n", Level)),
        ("thuê", ("th", "u", "ê", "", Level)),
        ("hoặc", ("h", "o", "ă", "c", Dot)),
        ("ngoài", ("ng", "o", "a", "i", Grave)),
        ("xoay", ("x", "o", "a", "y", Level)),
        ("ngoẹo", ("ng", "o", "e", "o", Dot)),
        ("tôi", ("t", "", "ô", "i", Level)),
        ("tay", ("t", "", "a", "y", Level)),
        ("tai", ("t", "", "a", "i", Level)),
        ("sao", ("s", "", "a", "o", Level)),
        ("sau", ("s", "", "a", "u", Level)),
        ("đâu", ("đ", "", "â", "u", Level)),
        ("mấy", ("m", "", "â", "y", Acute)),
        ("buổi", ("b", "", "uô", "i", Hook)),
        ("vui", ("v", "", "u", "i", Level)),
        ("mua", ("m", "", "ua", "", Level)),
        ("của", ("c", "", "ua", "", Hook)),
        ("mía", ("m", "", "ia", "", Acute)),
        ("xoong", ("x", "", "oo", "ng", Level)),
        ("huỳnh", ("h", "u", "y", "nh", Grave)),
        ("khuếch", ("kh", "u", "ê", "ch", Acute)),
        ("a", ("", "", "a", "", Level)),
        ("ơ", ("", "", "ơ", "", Level)),
        ("ừ", ("", "", "ư", "", Grave)),
        ("ý", ("", "", "y", "", Acute)),
        ("pin", ("p", "", "i", "n", Level)),
    ];
    for (word, expected) in cases {
        assert_eq!(parts(word), Some(expected), "{word}");
        assert_eq!(parts(&nfd(word)), Some(expected), "NFD {word}");
    }
}

#[test]
fn every_onset() {
    let words = [
        ("an", ""),
        ("ba", "b"),
        ("ca", "c"),
        ("cha", "ch"),
        ("da", "d"),
        ("đa", "đ"),
        ("ga", "g"),
        ("ghe", "gh"),
        ("gia", "gi"),
        ("ha", "h"),
        ("kê", "k"),
        ("kha", "kh"),
        ("la", "l"),
        ("ma", "m"),
        ("na", "n"),
        ("nga", "ng"),
        ("nghe", "ngh"),
        ("nha", "nh"),
        ("pin", "p"),
        ("pha", "ph"),
        ("qua", "q"),
        ("ra", "r"),
        ("sa", "s"),
        ("ta", "t"),
        ("tha", "th"),
        ("tra", "tr"),
        ("va", "v"),
        ("xa", "x"),
    ];
    for (word, onset) in words {
        assert_eq!(parts(word).map(|p| p.0), Some(onset), "{word}");
    }
    let covered: HashSet<&str> = words.iter().map(|w| w.1).collect();
    assert!(tables::ONSETS.iter().all(|o| covered.contains(o)));
}

#[test]
fn every_nucleus() {
    let words = [
        ("ba", "a"),
        ("ăn", "ă"),
        ("ân", "â"),
        ("be", "e"),
        ("bê", "ê"),
        ("bi", "i"),
        ("ly", "y"),
        ("bo", "o"),
        ("bô", "ô"),
        ("bơ", "ơ"),
        ("bu", "u"),
        ("bư", "ư"),
        ("biết", "iê"),
        ("yên", "yê"),
        ("bia", "ia"),
        ("khuya", "ya"),
        ("buồn", "uô"),
        ("vua", "ua"),
        ("bước", "ươ"),
        ("bữa", "ưa"),
        ("boong", "oo"),
    ];
    for (word, nucleus) in words {
        assert_eq!(parts(word).map(|p| p.2), Some(nucleus), "{word}");
    }
    let covered: HashSet<&str> = words.iter().map(|w| w.1).collect();
    assert!(tables::NUCLEI.iter().all(|n| covered.contains(n)));
}

#[test]
fn every_coda() {
    let words = [
        ("ba", ""),
        ("bác", "c"),
        ("bách", "ch"),
        ("bám", "m"),
        ("bán", "n"),
        ("bàng", "ng"),
        ("bánh", "nh"),
        ("bắp", "p"),
        ("bát", "t"),
        ("bài", "i"),
        ("bày", "y"),
        ("báo", "o"),
        ("báu", "u"),
    ];
    for (word, coda) in words {
        assert_eq!(parts(word).map(|p| p.3), Some(coda), "{word}");
    }
    let covered: HashSet<&str> = words.iter().map(|w| w.1).collect();
    assert!(tables::CODAS.iter().all(|c| covered.contains(c)));
}

#[test]
fn every_glide() {
    assert_eq!(parts("hoa").map(|p| p.1), Some("o"));
    assert_eq!(parts("huy").map(|p| p.1), Some("u"));
    assert_eq!(parts("quê").map(|p| p.1), Some("u"));
    assert_eq!(parts("hai").map(|p| p.1), Some(""));
}

#[test]
fn every_tone() {
    let words = [
        ("ma", Level),
        ("má", Acute),
        ("mà", Grave),
        ("mả", Hook),
        ("mã", Tilde),
        ("mạ", Dot),
    ];
    for (word, tone) in words {
        assert_eq!(parts(word).map(|p| p.4), Some(tone), "{word}");
        assert_eq!(parts(&nfd(word)).map(|p| p.4), Some(tone), "{word}");
        let s = Syllable::parse("ma").map(|s| s.with_tone(tone).to_string());
        assert_eq!(s.as_deref(), Some(word));
    }
    for t in Tone::ALL {
        if let Some(m) = t.mark() {
            assert_eq!(Tone::from_mark(m), Some(t));
        }
    }
}

// ---------------------------------------------------------------- a vocabulary sample

/// Real words covering every rhyme, in old-style spelling (canonical).
const VOCABULARY: &str = "
ba bà bá bả bã bạ ca cà cha chà da đa ga gà ha kha la ma na nga nha pha ra sa ta tha tra va xa gia qua
ăn ắt bắc cắm chăn đặt gắng hằng khắp lăn mặt nắng ngăn nhắc phăng răng săn tăng thắng trăm văn xăng giặt quăn quắt quắp quăng
ân ấp bấc cầm chân dân đất gần hầm khâm lâu mấy nấu ngân nhân phần rất sâu tây thân trâu vâng xây giấy quân quầy cầu đâu quầng
e bé che đe ghe ghé he kẻ kèm kẹp kẹt kéo lẽ mẹ nghe nghẹn nhé phe quen rẻ sẽ tre ve xe xẻng gieo giẻ leng keng éc méo quét quẹo
ê bê bệnh chết dễ đêm ghế ghềnh hề kể kênh khế lễ mềm nêu nghề nghệch nhện phép rễ sếp tết thêm trên về xếp kêu ếch quê quế quệt quều
ỉ bí chi di đi ghi hình kính khi lịch mình nghĩ nhìn phim rịt sinh tin thì trí vì xin chịu dìu gì gìn ít im in
y ý kỳ ký lý mỹ sỹ tỷ hy quy quý thủy huy tuy khuy ủy suy duy lũy nguy thụy
o bò có chó đo gõ học họp khó lo móc nọ ngõ nhỏ phò to thọ trò giỏi gió ong ngọt tốt ốm ôm
ô bố cổ chỗ dối đồng gốc hội không lối một nội ngôn nhôm phố rộng sống tổng thôn trống vốn xốp giống quốc ốc ổn
ơ bơ cờ chợ dở đời gởi hơn khởi lớp mới nơi ngờ nhớ phở rơi sớm tới thơm trời vợ xơ giờ quờ thuở huơ ớt ơn
u bút cụ chú dụng đúng gùi hút khu lúc núi ngủ nhu phụ rung sung túi thu trung vui xúc giúp ủng úp
ư ừ bức cử chữ dư đức gửi hư khử lực nứt ngừng như rừng sức từ thư trưng vững xứ giữ ứng ửng cứu hưu mứt ngửi
biết chiến diện điện ghiền hiểu kiến khiến liên miền niệm nghiệp nhiều phiên riêng siêu tiếp thiết triển việc xiêm tiếc chiêm
yên yêu yếu yếm yết
chuyện duyên khuyến luyện nguyễn quyết quyền thuyền truyền tuyến xuyên uyên huyện tuyết
bia chia đĩa kia lìa mía nghĩa phía tia thìa ỉa khuya
buồn cuối chuột duỗi đuổi luôn muốn nuôi nguồn nhuộm suối tuổi thuốc uống buổi cuộc buồm
cua của chùa đua lúa mua múa rùa thua vua xua úa ùa
bước chương dưới được hướng lương mười nước người phương rượu sương tướng thường trước vườn xương giường ước ương hươu bướm mướp
bữa chưa cửa dưa đưa giữa lửa mưa nửa sữa thừa trưa vừa xưa ưa
xoong boong goòng moóc soóc
hoa hòa hóa khoa loa toa xóa đoàn hoàn khoán loạn ngoài toàn hoạt hoạch khoanh oan oai xoay ngoáy hoạn thoát ngoạm loáng hoang góa ngoao
hoặc khoắn ngoặc xoắn oằn ngoằng thoăn thoắt
khỏe hòe xòe lòe nhoẻn khoét toét ngoẹo khoèo oe
huân tuần thuận xuân luật khuất khuâng khuây quân quận quấy
thuê thuế huệ tuệ khuếch huênh
huýt buýt tuýp huỳnh quỳnh uỵch huých khuỵu khuỷu quỵu
quá quả quạ quang quảng quai quay quào quách quanh
khoảng quyển chuyển nguyện truyền huyết duyệt khuyết tuyệt huyền loạt choàng thoảng ngoạn ngoan
khoản hoảng xoáy khoái toại ngoại xoài doanh ngoằn ngoắt choắt khoằm huấn luận tuân xuất thuật
chuẩn khuấy khuê uy uể oải oán oanh oách ươn ươm ửng ực ỡm ạch ếch ích ình ọc ục ừng
Điều Chính Quyết Định Ủy Ban Nhân Dân Tỉnh Thành Phố Hà Nội Đảng Cộng Sản Việt Nam
ĐIỀU CHÍNH QUYẾT ĐỊNH ỦY BAN NHÂN DÂN TỈNH THÀNH PHỐ HÀ NỘI ĐẢNG CỘNG SẢN VIỆT NAM
";

#[test]
fn vocabulary_parses_and_is_canonical() {
    for word in VOCABULARY.split_whitespace() {
        assert!(is_syllable(word), "{word} should be a syllable");
        assert_eq!(canonicalize(word), word, "{word} is already canonical");
        assert_eq!(canonicalize(&nfd(word)), word, "NFD {word}");
        let s = Syllable::parse(word).map(|s| s.to_string());
        assert_eq!(s.as_deref(), Some(word));
    }
}

#[test]
fn not_syllables() {
    let tokens = [
        "",
        "x",
        "UBND",
        "abc",
        "tr",
        "Internet",
        "2024",
        "12a",
        "XII",
        "ngh",
        "b",
        "đ",
        "ce",
        "ci",
        "ko",
        "ka",
        "gha",
        "ghu",
        "nge",
        "ngi",
        "ngy",
        "ghy",
        "qa",
        "q",
        "quu",
        "kuy",
        "cuy",
        "coa",
        "gii",
        "giy",
        "giia",
        "ă",
        "â",
        "ăo",
        "iê",
        "tiê",
        "tyên",
        "iên",
        "khuyêng",
        "hoon",
        "bb",
        "aa",
        "fa",
        "wa",
        "za",
        "jo",
        "ặ",
        "hòc",
        "hõc",
        "mãt",
        "chảch",
        "tiềp",
        "tiếńg",
        "hóà",
        "ñ",
        "ǹ",
        "ḿa",
        "ça",
        "tha\u{301}\u{301}",
        "a\u{302}\u{302}",
        "i\u{302}",
        "u\u{306}",
        "hoa-",
        "hoa1",
        "ho a",
        "mẹ.",
        "nghiêngg",
        "nghiêngnghiêng",
        "thuyy",
        "guy",
        "gue",
        "gio\u{302}i\u{302}",
        "mua\u{302}",
        "kha\u{301}c\u{301}",
    ];
    for token in tokens {
        assert!(!is_syllable(token), "{token:?} should not be a syllable");
        assert_eq!(
            canonicalize(token),
            token.nfc().collect::<String>(),
            "{token:?}"
        );
    }
}

#[test]
fn rare_rhymes_and_loans() {
    for ok in [
        "quạu", "quấc", "yểng", "giê", "giề", "tuyn", "phuy", "gen", "buýt", "voan", "boa",
        "khuỵu", "quỵu",
    ] {
        assert!(is_syllable(ok), "{ok}");
    }
    // Labials take no glide; c/k/gh/ngh/gi take no glide either (c + glide is spelled qu).
    for bad in [
        "boan", "muy", "voa", "phoa", "puy", "cuya", "kuyên", "ghuya", "giuya", "cuy", "coa",
    ] {
        assert!(!is_syllable(bad), "{bad}");
    }
    // Loans that break the tone rule of stop codas stay out.
    for bad in ["xit", "gip", "têt", "ping"] {
        assert!(!is_syllable(bad), "{bad}");
    }
}

/// Checks every word of Debian's `hunspell-vi` syllable list (install it with
/// `apt-get install hunspell-vi`; run with `--ignored`). Only acronyms, multi-syllable loans and
/// loans that break the stop-coda tone rule may be rejected.
#[test]
#[ignore = "needs /usr/share/hunspell/vi_VN.dic"]
fn hunspell_vi_syllables() {
    let Ok(dic) = std::fs::read_to_string("/usr/share/hunspell/vi_VN.dic") else {
        return;
    };
    let expected_rejects: HashSet<&str> =
        "ABC ASCII GIF HCM HK HTML HĐND JPEG LHQ PDF PNG TCVN TV \
        Telex Tp UBND URL Unicode VIQR VISCII VN VNI basoi email gip gram internet intranet ka \
        moay palăng ping quoàng quoạng quoắt tivi tout têt v web xit"
            .split_whitespace()
            .collect();
    let mut rejected = vec![];
    for word in dic.lines().skip(1) {
        match Syllable::parse(word) {
            Some(s) => assert_eq!(Syllable::parse(&s.to_string()), Some(s)),
            None if expected_rejects.contains(word) => {}
            None => rejected.push(word),
        }
    }
    assert!(rejected.is_empty(), "{rejected:?}");
}

#[test]
fn stop_codas_take_only_sac_and_nang() {
    for coda in ["c", "ch", "p", "t"] {
        for tone in Tone::ALL {
            let ok = Syllable::new("b", "", "a", coda, tone).is_some();
            assert_eq!(ok, matches!(tone, Acute | Dot), "ba{coda} {tone:?}");
        }
    }
    let hoc = Syllable::parse("học").expect("học");
    assert_eq!(hoc.tones(), &[Acute, Dot]);
    assert_eq!(hoc.try_with_tone(Grave), None);
    assert_eq!(hoc.with_tone(Hook), hoc);
    assert_eq!(hoc.with_tone(Acute).to_string(), "hóc");
}

#[test]
fn spelling_of_k_gh_ngh_before_front_vowels() {
    for ok in [
        "ke", "kê", "ki", "kỳ", "kiến", "kìa", "ghe", "ghê", "ghi", "ghiền", "nghe", "nghề",
        "nghĩ", "nghiêng", "nghĩa",
    ] {
        assert!(is_syllable(ok), "{ok}");
    }
    for bad in [
        "ce", "cê", "ci", "cy", "ciến", "ge", "gê", "gy", "nge", "ngê", "ngi", "ngiêng", "ka",
        "ko", "ku", "kư", "gha", "gho", "ngha", "nghu",
    ] {
        assert!(!is_syllable(bad), "{bad}");
    }
}

#[test]
fn vowels_without_coda_and_with_required_coda() {
    for bad in [
        "ă", "â", "bă", "bâ", "biê", "buô", "bươ", "yê", "boo", "biac", "buan", "bưan",
    ] {
        assert!(!is_syllable(bad), "{bad}");
    }
    for ok in [
        "ăn", "ân", "biên", "buôn", "bươn", "yên", "boong", "bia", "bua", "bưa",
    ] {
        assert!(is_syllable(ok), "{ok}");
    }
}

// ---------------------------------------------------------------- tone placement

#[test]
fn old_and_new_tone_placement() {
    // (old, new) pairs: only open oa / oe / uy differ.
    let pairs = [
        ("hóa", "hoá"),
        ("hòa", "hoà"),
        ("khỏe", "khoẻ"),
        ("lóe", "loé"),
        ("thủy", "thuỷ"),
        ("lũy", "luỹ"),
        ("Ủy", "Uỷ"),
        ("òa", "oà"),
        ("HÓA", "HOÁ"),
    ];
    for (old, new) in pairs {
        let a = Syllable::parse(old).expect(old);
        let b = Syllable::parse(new).expect(new);
        assert_eq!(a, b, "{old} = {new}");
        assert_eq!(a.compose(ToneStyle::Old), old);
        assert_eq!(a.compose(ToneStyle::New), new);
        assert_eq!(canonicalize(new), old);
        assert_eq!(fold(old), fold(new));
    }
    // Same in both styles.
    for word in [
        "hoàn", "thuyền", "quyết", "quý", "quá", "giá", "giữa", "mía", "múa", "mứa", "tiếng",
        "muốn", "người", "hươu", "hoài", "ngoáy", "khuỷu", "ngoẹo", "thuế", "thuở", "huấn",
        "goòng", "hoặc",
    ] {
        let s = Syllable::parse(word).expect(word);
        assert_eq!(s.compose(ToneStyle::Old), word);
        assert_eq!(s.compose(ToneStyle::New), word);
    }
}

#[test]
fn misplaced_tone_marks_are_accepted() {
    let cases = [
        ("mưá", "mứa"),
        ("muá", "múa"),
        ("miá", "mía"),
        ("tíêng", "tiếng"),
        ("mùôn", "muồn"),
        ("ngừơi", "người"),
        ("taì", "tài"),
        ("hoaì", "hoài"),
        ("quí", "quí"),
        ("qúy", "quý"),
        ("gịa", "giạ"),
        ("khuyủ", "khuỷu"),
        ("Hoà", "Hòa"),
        ("THUỶ", "THỦY"),
    ];
    for (input, canonical) in cases {
        assert_eq!(canonicalize(input), canonical, "{input}");
    }
}

// ---------------------------------------------------------------- case and normalisation

#[test]
fn case_round_trips() {
    for (word, case) in [
        ("thủy", Case::Lower),
        ("Thủy", Case::Title),
        ("THỦY", Case::Upper),
        ("ĐẢNG", Case::Upper),
        ("Đảng", Case::Title),
        ("Ý", Case::Title),
        ("ý", Case::Lower),
        ("tHủY", Case::Mixed),
        ("NgHiÊnG", Case::Mixed),
    ] {
        let s = Syllable::parse(word).expect(word);
        assert_eq!(s.case(), case, "{word}");
        assert_eq!(case_of(word), case, "{word}");
        assert_eq!(s.to_string(), word);
        assert_eq!(Syllable::parse(&nfd(word)), Some(s), "NFD {word}");
    }
    assert_eq!(canonicalize("hOà"), "hÒa");
    assert_eq!(canonicalize("tHUỶ"), "tHỦY");
}

#[test]
fn apply_case_and_case_of() {
    assert_eq!(apply_case("quốc", Case::Upper), "QUỐC");
    assert_eq!(apply_case("quốc", Case::Title), "Quốc");
    assert_eq!(apply_case("quốc", Case::Lower), "quốc");
    assert_eq!(apply_case("", Case::Title), "");
    assert_eq!(case_of(""), Case::Lower);
    assert_eq!(case_of("Hà-Nội"), Case::Mixed);
    assert_eq!(case_of("UBND"), Case::Upper);
    for word in VOCABULARY.split_whitespace() {
        let lower = word.to_lowercase();
        assert_eq!(apply_case(&lower, case_of(word)), word);
    }
}

#[test]
fn output_is_nfc() {
    for word in VOCABULARY.split_whitespace() {
        let d = nfd(word);
        let c = canonicalize(&d);
        assert!(unicode_normalization::is_nfc(&c), "{word}");
        assert_eq!(c, word);
    }
    assert!(unicode_normalization::is_nfc(&canonicalize(&nfd(
        "UBND tỉnh"
    ))));
}

#[test]
fn base_keeps_vowel_marks_and_drops_tone() {
    let base = |w: &str| Syllable::parse(w).map(|s| s.base());
    assert_eq!(base("Người").as_deref(), Some("ngươi"));
    assert_eq!(base("THỦY").as_deref(), Some("thuy"));
    assert_eq!(base("Đảng").as_deref(), Some("đang"));
    assert_eq!(base("quyết").as_deref(), Some("quyêt"));
}

// ---------------------------------------------------------------- text-level functions

#[test]
fn canonicalize_text_touches_only_letter_runs() {
    assert_eq!(
        canonicalize_text("Ủy ban nhân dân tỉnh Khánh Hoà; số 12/2024/QĐ-UBND, thuỷ lợi."),
        "Ủy ban nhân dân tỉnh Khánh Hòa; số 12/2024/QĐ-UBND, thủy lợi."
    );
    assert_eq!(
        canonicalize_text(&nfd("HOÀ BÌNH, hoá chất")),
        "HÒA BÌNH, hóa chất"
    );
    assert_eq!(canonicalize_text(""), "");
    assert_eq!(canonicalize_text("  \n\t"), "  \n\t");
    assert_eq!(canonicalize_text("hoà"), "hòa");
    assert_eq!(
        canonicalize_text("\u{301}hoà"),
        "\u{301}hoà".nfc().collect::<String>()
    );
}

/// Every character the table folds, and ASCII, alone and in every pair: the same as folding by
/// decomposition.
#[test]
fn table_fold_is_decomposition_fold() {
    let mut chars: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
    for (first, last) in super::FOLD_BLOCKS {
        chars.extend((first..=last).filter_map(char::from_u32));
    }
    let mut pair = String::new();
    for &a in &chars {
        assert_eq!(
            fold(a.encode_utf8(&mut [0; 4])),
            super::fold_decomposed(&a.to_string())
        );
        for &b in &chars {
            pair.clear();
            pair.push(a);
            pair.push(b);
            assert_eq!(fold(&pair), super::fold_decomposed(&pair), "{pair:?}");
        }
    }
}

#[test]
fn table_fold_of_every_syllable_and_odd_input() {
    for s in Syllable::all() {
        for text in [s.to_string(), s.to_string().to_uppercase()] {
            assert_eq!(fold(&text), super::fold_decomposed(&text), "{text}");
        }
    }
    // NFD input, combining marks outside the table, other scripts: decomposition decides
    for text in [
        "Tie\u{0302}\u{0301}ng",
        "x\u{20d7}",
        "漢字",
        "ǅ",
        "ﬁ",
        "Å",
        "Ω",
        "Ελλάδα Bình",
    ] {
        assert_eq!(fold(text), super::fold_decomposed(text), "{text}");
    }
    assert_eq!(fold(&nfd("Thuỷ ĐẢNG người")), "Thuy DANG nguoi");
}

#[test]
fn fold_is_unchanged() {
    assert_eq!(fold("Bình dân học vụ số, Đảng"), "Binh dan hoc vu so, Dang");
    assert_eq!(fold("NGƯỜI"), "NGUOI");
    assert_eq!(fold(&nfd("thuỷ")), "thuy");
    assert_eq!(fold("Quyết định 12/QĐ"), "Quyet dinh 12/QD");
}

#[test]
fn serde_round_trip_and_validation() {
    for word in ["Người", "THỦY", "tHủY", "quốc"] {
        let s = Syllable::parse(word).expect(word);
        let json = serde_json::to_string(&s).expect("serialize");
        let back: Syllable = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, s, "{json}");
    }
    let bad = r#"{"onset":"c","glide":"","nucleus":"e","coda":"","tone":"level","case":"lower"}"#;
    assert!(serde_json::from_str::<Syllable>(bad).is_err());
    let hoc = r#"{"onset":"h","glide":"","nucleus":"o","coda":"c","tone":"grave","case":"lower"}"#;
    assert!(serde_json::from_str::<Syllable>(hoc).is_err());
}

// ---------------------------------------------------------------- exhaustive

#[test]
fn tables_agree_with_brute_force() {
    let mut brute = HashSet::new();
    for &o in tables::ONSETS {
        for &g in tables::GLIDES {
            for &n in tables::NUCLEI {
                for &c in tables::CODAS {
                    if tables::is_valid(o, g, n, c) {
                        brute.insert([o, g, n, c]);
                    }
                }
            }
        }
    }
    let walked: HashSet<_> = tables::all_parts().collect();
    assert_eq!(brute, walked);
}

#[test]
fn exhaustive_round_trip_every_syllable_case_and_style() {
    let mut written = HashMap::new();
    let mut count = 0;
    for s in Syllable::all() {
        for case in [Case::Lower, Case::Upper, Case::Title] {
            let s = s.with_case(case);
            for style in [ToneStyle::Old, ToneStyle::New] {
                let w = s.compose(style);
                assert_eq!(Syllable::parse(&w), Some(s), "{w}");
                assert_ne!(
                    unicode_normalization::is_nfc_quick(w.chars()),
                    IsNormalized::No,
                    "{w}"
                );
                count += 1;
            }
        }
        // No two syllables are written alike (so parsing is unambiguous).
        if let Some(prev) = written.insert(s.to_string(), s) {
            panic!("{prev:?} and {s:?} are both written {s}");
        }
    }
    assert_eq!(written.len(), 15_986);
    assert!(count > 90_000);
    for must in [
        "nghiêng", "khuỷu", "người", "quyết", "gìn", "giếng", "oẳn", "xoong", "ừ",
    ] {
        assert!(written.contains_key(must), "{must}");
    }
}

// ---------------------------------------------------------------- properties

fn all_syllables() -> Vec<Syllable> {
    Syllable::all().collect()
}

fn syllable() -> impl Strategy<Value = Syllable> {
    prop::sample::select(all_syllables())
}

fn style() -> impl Strategy<Value = ToneStyle> {
    prop_oneof![Just(ToneStyle::Old), Just(ToneStyle::New)]
}

/// Text made of Vietnamese letters, marks in either form, digits, spaces and punctuation.
fn messy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                'a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y', 'b', 'c', 'd', 'đ',
                'g', 'h', 'k', 'n', 'q', 't', 'A', 'Ư', 'Đ', 'Q', 'H', 'á', 'ờ', 'ỷ', 'ữ', 'ặ',
                ' ', '-', '.', '1', '\u{300}', '\u{301}', '\u{302}', '\u{303}', '\u{306}',
                '\u{309}', '\u{31b}', '\u{323}'
            ]),
            any::<char>(),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn parse_inverts_compose(s in syllable(), mask in any::<u16>(), style in style()) {
        let letters = s.base().chars().count();
        // Any capitalisation pattern, written and read back.
        let cased: String = s
            .compose(style)
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let up = i < letters && mask & (1 << i) != 0;
                let v: Vec<char> = if up { c.to_uppercase().collect() } else { vec![c] };
                v
            })
            .collect();
        let parsed = Syllable::parse(&cased);
        prop_assert!(parsed.is_some(), "{}", cased);
        let parsed = parsed.unwrap_or(s);
        prop_assert_eq!(parsed.compose(style), cased.clone());
        prop_assert_eq!(parsed.with_case(Case::Lower), s);
        prop_assert_eq!(Syllable::parse(&nfd(&cased)), Some(parsed));
    }

    #[test]
    fn styles_are_the_same_syllable(s in syllable()) {
        let old = s.compose(ToneStyle::Old);
        let new = s.compose(ToneStyle::New);
        prop_assert_eq!(Syllable::parse(&old), Syllable::parse(&new));
        prop_assert_eq!(fold(&old), fold(&new));
        prop_assert_eq!(canonicalize(&new), old.clone());
        prop_assert_eq!(canonicalize(&old), old);
    }

    #[test]
    fn canonicalize_is_idempotent(text in messy_text()) {
        let once = canonicalize_text(&text);
        prop_assert_eq!(canonicalize_text(&once), once.clone());
        prop_assert!(unicode_normalization::is_nfc(&once));
        prop_assert_eq!(fold(&once), fold(&text));
        let token = canonicalize(&text);
        prop_assert_eq!(canonicalize(&token), token);
    }

    #[test]
    fn canonical_syllables_parse_back(text in messy_text()) {
        // Whatever parses, its canonical spelling parses to the same syllable.
        if let Some(s) = Syllable::parse(&text) {
            let canonical = canonicalize(&text);
            prop_assert_eq!(Syllable::parse(&canonical), Some(s));
            prop_assert_eq!(fold(&canonical), fold(&text).nfc().collect::<String>());
        }
    }
}

#[test]
fn syllable_count() {
    let all: Vec<Syllable> = Syllable::all().collect();
    let bases: HashSet<String> = all.iter().map(Syllable::base).collect();
    // Pinned so that a change to the tables is a deliberate one.
    assert_eq!((all.len(), bases.len()), (15_986, 3_473));
    println!(
        "{} syllables, {} toneless spellings",
        all.len(),
        bases.len()
    );
}
