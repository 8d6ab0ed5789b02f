//! Unit, exhaustive and property tests for the `viet` module.

use super::*;

fn parts(token: &str) -> Option<(String, String, String, String, Tone)> {
    Syllable::parse(token).map(|s| {
        (
            s.onset().to_owned(),
            s.glide().to_owned(),
            s.nucleus().to_owned(),
            s.coda().to_owned(),
            s.tone(),
        )
    })
}

#[test]
fn smoke() {
    for w in [
        "gì", "giữa", "quốc", "quý", "thủy", "thuỷ", "hòa", "hoà", "khuya", "người", "hươu",
        "khuỷu", "nghiêng", "oẳn", "được", "Đảng", "ĐẢNG", "Tỉnh", "Ủy", "giếng", "gìn", "xoong",
        "a", "ơ", "ừ", "ý",
    ] {
        assert!(is_syllable(w), "{w}");
        println!("{w} -> {} {:?}", canonicalize(w), parts(w));
    }
}

#[test]
fn exhaustive_round_trip() {
    let mut n = 0;
    let mut seen = std::collections::HashMap::new();
    for s in Syllable::all() {
        for case in [Case::Lower, Case::Upper, Case::Title] {
            let s = s.with_case(case);
            for style in [ToneStyle::Old, ToneStyle::New] {
                let w = s.compose(style);
                assert_eq!(Syllable::parse(&w), Some(s), "{w} {s:?}");
                n += 1;
            }
        }
        if let Some(prev) = seen.insert(s.to_string(), s) {
            panic!("{prev:?} and {s:?} both write {s}");
        }
    }
    println!("{n} round trips, {} syllables", seen.len());
}
