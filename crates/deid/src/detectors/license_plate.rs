//! Vehicle registrations: Dutch plates in every sidecode, written with dashes (`XX-99-99`,
//! `99-99-XX`, `99-XX-99`, `XX-99-XX`, `XX-XX-99`, `99-XX-XX`, `99-XXX-9`, `9-XXX-99`,
//! `XX-999-X`, `X-999-XX`, `XXX-99-X`, `9-XX-999`, `999-XX-9`, `X-99-XXX`) and Belgian plates
//! (`1-ABC-123`). Plates are written in capitals; lower case and the compact form without
//! dashes (`47XPN2`) count only right after a cue such as `kenteken`. Road numbers (`A12`,
//! `N201`), version numbers and dates never have a plate's shape.

use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::scan::{char_after, char_before, compile, contains_ignore_ascii_case, window_before};
use super::Detector;
use crate::{AllowList, Span};

/// Six or seven letters and digits after a plate cue.
static COMPACT_AFTER_CUE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i-u)\b(?:kenteken|nummerbord|nummerplaat|license plate|licence plate|plate)(?:nummer)?[: ]{1,3}([a-z0-9]{6,7})\b",
    )
});

/// Shapes of the sidecodes, `L` for a letter and `D` for a digit.
const DASHED_SHAPES: &[&str] = &[
    "LL-DD-DD",
    "DD-DD-LL",
    "DD-LL-DD",
    "LL-DD-LL",
    "LL-LL-DD",
    "DD-LL-LL",
    "DD-LLL-D",
    "D-LLL-DD",
    "LL-DDD-L",
    "L-DDD-LL",
    "LLL-DD-L",
    "D-LL-DDD",
    "DDD-LL-D",
    "L-DD-LLL",
    "D-LLL-DDD",
];

/// Cues that a plate follows, which also admit lower case.
const PLATE_CUES: &[&str] = &["kenteken", "nummerbord", "nummerplaat", "plate"];

/// Searcher for `nummerbord`/`nummerplaat` (lower case), built once.
static NUMBER_PLATE_WORD: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("ummer"));

/// Cheap prefilter for the compact form: one of the cues `kenteken`, `nummerbord`/`nummerplaat`
/// or `plate` somewhere in the text (any case), found from the first letters with `memchr`.
fn has_compact_cue(bytes: &[u8]) -> bool {
    let starts_cue = |position: usize, cue: &[u8]| {
        bytes
            .get(position..position + cue.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(cue))
    };
    memchr::memchr2_iter(b'k', b'K', bytes).any(|position| starts_cue(position, b"kenteken"))
        || memchr::memchr2_iter(b'p', b'P', bytes).any(|position| starts_cue(position, b"plate"))
        || NUMBER_PLATE_WORD.find(bytes).is_some()
}

/// Cheap prefilter: every plate has a dash with a digit on one side.
fn has_dash_next_to_digit(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'-', bytes).any(|dash| {
        let digit_before = dash > 0 && bytes.get(dash - 1).is_some_and(u8::is_ascii_digit);
        let digit_after = bytes.get(dash + 1).is_some_and(u8::is_ascii_digit);
        digit_before || digit_after
    })
}

/// Licence plates of vehicles.
pub struct LicensePlateDetector;

impl Detector for LicensePlateDetector {
    fn name(&self) -> &'static str {
        "license-plate"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        if has_dash_next_to_digit(bytes) {
            detect_dashed(text, spans);
        }
        if has_compact_cue(bytes) {
            detect_compact(text, spans);
        }
    }
}

/// Reads the three groups around every dash by hand: `group1-group2-group3`, each one to three
/// letters or digits, standing alone (no letter, digit, dash or `.digit` glued on).
fn detect_dashed(text: &str, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut covered_until = 0;
    for dash in memchr::memchr_iter(b'-', bytes) {
        if dash < covered_until {
            continue;
        }
        let Some((start, end)) = plate_around_first_dash(bytes, dash) else {
            continue;
        };
        let glued = char_before(text, start).is_some_and(|previous| {
            previous.is_alphanumeric() || matches!(previous, '-' | '.' | '/')
        }) || char_after(text, end).is_some_and(|next| {
            next.is_alphanumeric() || next == '-' || (next == '.' && followed_by_digit(text, end))
        });
        if glued {
            continue;
        }
        let Some(candidate) = text.get(start..end) else {
            continue;
        };
        let Some(shape) = dashed_shape(candidate) else {
            continue;
        };
        if !DASHED_SHAPES.contains(&shape.as_str()) {
            continue;
        }
        let upper_case = !candidate.bytes().any(|byte| byte.is_ascii_lowercase());
        if !upper_case && !has_plate_cue(text, start) {
            continue;
        }
        covered_until = end;
        spans.push(Span::new(start, end, PlaceholderKind::LicensePlate));
    }
}

/// If `dash` is the first dash of `aaa-bbb-ccc` (groups of 1–3, 2–3 and 1–3 ASCII letters or
/// digits), the byte range of the whole.
fn plate_around_first_dash(bytes: &[u8], dash: usize) -> Option<(usize, usize)> {
    let mut start = dash;
    while start > 0 && bytes.get(start - 1).is_some_and(u8::is_ascii_alphanumeric) {
        start -= 1;
        if dash - start > 3 {
            return None;
        }
    }
    if start == dash {
        return None;
    }
    let middle_end = alphanumeric_run_end(bytes, dash + 1);
    if !(2..=3).contains(&(middle_end - dash - 1)) || bytes.get(middle_end) != Some(&b'-') {
        return None;
    }
    let end = alphanumeric_run_end(bytes, middle_end + 1);
    if !(1..=3).contains(&(end - middle_end - 1)) {
        return None;
    }
    Some((start, end))
}

fn alphanumeric_run_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
    }
    end
}

fn followed_by_digit(text: &str, end: usize) -> bool {
    text.as_bytes().get(end + 1).is_some_and(u8::is_ascii_digit)
}

fn detect_compact(text: &str, spans: &mut Vec<Span>) {
    for captures in COMPACT_AFTER_CUE.captures_iter(text) {
        let Some(plate) = captures.get(1) else {
            continue;
        };
        let compact = plate.as_str();
        let matches_a_sidecode = DASHED_SHAPES.iter().any(|shape| {
            let without_dashes = shape.bytes().filter(|byte| *byte != b'-');
            without_dashes.clone().count() == compact.len()
                && without_dashes
                    .zip(compact.bytes())
                    .all(|(kind, byte)| match kind {
                        b'L' => byte.is_ascii_alphabetic(),
                        _ => byte.is_ascii_digit(),
                    })
        });
        if matches_a_sidecode {
            spans.push(Span::new(
                plate.start(),
                plate.end(),
                PlaceholderKind::LicensePlate,
            ));
        }
    }
}

/// The shape of a dashed candidate (`47-XPN-2` → `DD-LLL-D`), or `None` when a group mixes
/// letters and digits. Fits in a small inline buffer; the returned string is short.
fn dashed_shape(candidate: &str) -> Option<ShapeBuffer> {
    let mut shape = ShapeBuffer::default();
    for group in candidate.split('-') {
        if !shape.is_empty() {
            shape.push(b'-')?;
        }
        let letters = group.bytes().all(|byte| byte.is_ascii_alphabetic());
        let digits = group.bytes().all(|byte| byte.is_ascii_digit());
        let kind = match (letters, digits) {
            (true, false) => b'L',
            (false, true) => b'D',
            _ => return None,
        };
        for _ in 0..group.len() {
            shape.push(kind)?;
        }
    }
    Some(shape)
}

/// Whether a plate cue (`kenteken`) stands just before `start`.
fn has_plate_cue(text: &str, start: usize) -> bool {
    let before = window_before(text, start, 24);
    PLATE_CUES
        .iter()
        .any(|cue| contains_ignore_ascii_case(before, cue))
}

/// A fixed-size ASCII buffer for plate shapes (at most 11 bytes), so no allocation is needed.
#[derive(Default)]
struct ShapeBuffer {
    bytes: [u8; 12],
    length: usize,
}

impl ShapeBuffer {
    fn push(&mut self, byte: u8) -> Option<()> {
        *self.bytes.get_mut(self.length)? = byte;
        self.length += 1;
        Some(())
    }

    fn is_empty(&self) -> bool {
        self.length == 0
    }

    fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.length).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        LicensePlateDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn every_sidecode() {
        for plate in [
            "AB-12-34",
            "12-34-AB",
            "12-AB-34",
            "AB-12-CD",
            "AB-CD-12",
            "12-AB-CD",
            "47-XPN-2",
            "8-VGX-52",
            "VL-623-D",
            "R-831-LG",
            "KZF-28-P",
            "3-TL-812",
            "123-TL-8",
            "R-83-LGX",
            "1-ABC-123",
            "BN-73-XT",
            "HX-209-T",
        ] {
            let text = format!("kenteken {plate}, gezien?");
            assert_eq!(found(&text), [plate], "{plate}");
            let text = format!("een auto ({plate}) stond er");
            assert_eq!(found(&text), [plate], "{plate}");
        }
    }

    #[test]
    fn lower_case_and_compact_only_after_a_cue() {
        assert_eq!(found("kenteken bn-73-xt rijdt"), ["bn-73-xt"]);
        assert!(found("een bn-73-xt rijdt").is_empty());
        assert_eq!(found("Kenteken 47XPN2 staat"), ["47XPN2"]);
        assert_eq!(found("kenteken: KZF28P"), ["KZF28P"]);
    }

    #[test]
    fn look_alikes_stay() {
        for text in [
            "A12 richting Den Haag",
            "langs de N201",
            "versie 1.2.3",
            "op 12-10-2026",
            "COVID-19",
            "Euro 4",
            "A-12-B",
            "ABC-DEF-GHI",
            "AB-12-34-56",
            "zone-12-ab",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
