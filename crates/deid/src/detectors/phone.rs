//! Telephone numbers in every common notation: Dutch mobiles and landlines (`06-12345678`,
//! `06 1234 5678`, `(010) 123 45 67`, `020-1234567`), international forms (`+31 6 12345678`,
//! `0031 6 …`, `+31 (0)20 …`), Belgian numbers (`+32 478 12 34 56`, `0478 65 43 21`,
//! `02 123 45 67`) and numbers of other countries (`+49 30 1234567`).
//!
//! A hand-written scanner reads digit groups with their separators and keeps the longest prefix
//! that is a valid number, so a following count or date is never swallowed. Validation: Dutch
//! national numbers have ten digits, Belgian ones nine or ten; other countries are checked against
//! the national-number lengths of their E.164 country code (table below). The `phonenumber`
//! crate was evaluated for this and not used: one parse costs about 9 µs (the whole per-post
//! budget), its metadata takes 130 ms to load on first use, and it adds some 35 crates.
//!
//! The span covers the number with its country code and brackets, never a prefix such as `tel.`
//! or `Gsm:`. Organisational service numbers (0800/0900/0906/0909, `14 0xx`, Belgian 0800/070/
//! 078/090x) stay readable, and so do dates and numbers that a preceding word marks as an order,
//! client or case number. Dutch 088 numbers are company-wide numbers of organisations and stay
//! readable too.

use peil_model::PlaceholderKind;

use super::scan::{char_before, last_word, window_before, NOT_PERSONAL_NUMBER_CUES};
use super::Detector;
use crate::{AllowList, Span};

/// Most digits a phone number can have (E.164: 15, plus a written `00` prefix).
const MAX_DIGITS: usize = 17;

/// Telephone numbers of persons, except organisational service numbers.
pub struct PhoneDetector;

impl Detector for PhoneDetector {
    fn name(&self) -> &'static str {
        "phone"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        if bytes.len() < 9 {
            return;
        }
        let mut covered_until = 0;
        for position in memchr::memchr3_iter(b'+', b'(', b'0', bytes) {
            if position < covered_until || !may_start_at(text, position) {
                continue;
            }
            match read_number(bytes, position) {
                Reading::Number(start, end) => {
                    if !follows_non_personal_cue(text, position) {
                        spans.push(Span::new(start, end, PlaceholderKind::Phone));
                    }
                    covered_until = end;
                }
                Reading::Skip(end) => covered_until = end,
                Reading::None => {}
            }
        }
    }
}

/// Whether a number may start at `position`: not in the middle of a word, amount or other number.
fn may_start_at(text: &str, position: usize) -> bool {
    match char_before(text, position) {
        None => true,
        Some(previous) => {
            !previous.is_alphanumeric()
                && !matches!(
                    previous,
                    '.' | '-' | '+' | '_' | '@' | '€' | '$' | '£' | '#' | '&' | '=' | '\\'
                )
        }
    }
}

/// Whether the word just before `position` marks the number as an order, client or case number.
fn follows_non_personal_cue(text: &str, position: usize) -> bool {
    let word = last_word(window_before(text, position, 24));
    NOT_PERSONAL_NUMBER_CUES
        .iter()
        .any(|cue| word.eq_ignore_ascii_case(cue))
}

/// One digit group: how many digits the number has after it, where it ends, and which separator
/// came before it (0 for none).
#[derive(Clone, Copy, Default)]
struct Group {
    digits_so_far: usize,
    end: usize,
    separator_before: u8,
}

/// The outcome of reading at one position.
enum Reading {
    /// A personal phone number between these byte offsets.
    Number(usize, usize),
    /// A service number or a date: no span, and continue after this byte offset.
    Skip(usize),
    /// Nothing here.
    None,
}

/// What the digits of a prefix are.
#[derive(PartialEq, Eq)]
enum Verdict {
    Valid,
    Service,
    Invalid,
}

fn read_number(bytes: &[u8], start: usize) -> Reading {
    let mut digits = [0u8; MAX_DIGITS];
    let mut digit_count = 0;
    let mut groups = [Group::default(); MAX_DIGITS];
    let mut group_count = 0;
    let mut position = start;
    let mut has_plus = false;
    let mut open_bracket = false;
    let mut starts_with_bracket = false;
    let mut bracket_closes_area_code = false;
    let mut separators_seen = false;

    if bytes.get(position) == Some(&b'+') {
        has_plus = true;
        position += 1;
    }
    if bytes.get(position) == Some(&b'(') {
        open_bracket = true;
        starts_with_bracket = !has_plus;
        position += 1;
        if !has_plus && bytes.get(position) == Some(&b'+') {
            has_plus = true;
            position += 1;
        }
    }
    if !bytes.get(position).is_some_and(u8::is_ascii_digit) {
        return Reading::None;
    }
    if !has_plus && bytes.get(position) != Some(&b'0') {
        return Reading::None;
    }

    let mut separator_before = 0u8;
    'groups: loop {
        while let Some(byte) = bytes.get(position).filter(|byte| byte.is_ascii_digit()) {
            let Some(slot) = digits.get_mut(digit_count) else {
                break 'groups; // too long: only the complete groups before count
            };
            *slot = *byte;
            digit_count += 1;
            position += 1;
        }
        let Some(slot) = groups.get_mut(group_count) else {
            break;
        };
        *slot = Group {
            digits_so_far: digit_count,
            end: position,
            separator_before,
        };
        group_count += 1;

        let mut next = position;
        if open_bracket && bytes.get(next) == Some(&b')') {
            open_bracket = false;
            bracket_closes_area_code = group_count == 1;
            next += 1;
        }
        let (after_separator, separator) = read_separator(bytes, next);
        next = after_separator;
        if bytes.get(next) == Some(&b'(') {
            let trunk_zero =
                bytes.get(next + 1) == Some(&b'0') && bytes.get(next + 2) == Some(&b')');
            if trunk_zero && has_plus {
                next += 3; // `+31 (0)20 …`: the written trunk zero is not dialled
                next = read_separator(bytes, next).0;
            } else if !open_bracket && bytes.get(next + 1).is_some_and(u8::is_ascii_digit) {
                open_bracket = true;
                next += 1;
            }
        }
        let continues = next > position && bytes.get(next).is_some_and(u8::is_ascii_digit);
        if !continues {
            break;
        }
        separators_seen = true;
        separator_before = separator;
        position = next;
    }

    let groups = groups.get(..group_count).unwrap_or_default();
    if looks_like_date(groups) && !has_plus {
        return Reading::Skip(groups.last().map_or(start + 1, |group| group.end));
    }
    // A bracket around the whole number is punctuation, not part of it; around an area code
    // (`(010) 123 45 67`) it is.
    let span_start = if starts_with_bracket && !bracket_closes_area_code {
        start + 1
    } else {
        start
    };
    let final_end = groups.last().map_or(start, |group| group.end);
    for group in groups.iter().rev() {
        let prefix = digits.get(..group.digits_so_far).unwrap_or_default();
        match judge(prefix, has_plus, separators_seen) {
            Verdict::Service => return Reading::Skip(group.end),
            Verdict::Invalid => continue,
            Verdict::Valid => {
                let glued_to_word = group.end == final_end
                    && bytes
                        .get(group.end)
                        .is_some_and(|next| next.is_ascii_alphanumeric() || *next >= 0x80);
                if glued_to_word {
                    return Reading::None;
                }
                return Reading::Number(span_start, group.end);
            }
        }
    }
    Reading::None
}

/// Reads up to three separator bytes (spaces and at most one of `-`, `.`, `/`). Returns where
/// they end and the non-space separator (or `b' '`, or 0 for none).
fn read_separator(bytes: &[u8], start: usize) -> (usize, u8) {
    let mut position = start;
    let mut symbol = 0u8;
    let mut spaces = 0;
    while position < start + 3 {
        match bytes.get(position) {
            Some(b' ') if spaces < 2 => spaces += 1,
            Some(byte @ (b'-' | b'.' | b'/')) if symbol == 0 => symbol = *byte,
            _ => break,
        }
        position += 1;
    }
    if symbol == 0 && spaces > 0 {
        symbol = b' ';
    }
    (position, symbol)
}

/// Three leading groups shaped `d(d)-d(d)-dd(dd)` with one and the same separator: a date.
fn looks_like_date(groups: &[Group]) -> bool {
    let [first, second, third, ..] = groups else {
        return false;
    };
    let first_length = first.digits_so_far;
    let second_length = second.digits_so_far - first.digits_so_far;
    let third_length = third.digits_so_far - second.digits_so_far;
    let same_separator = second.separator_before == third.separator_before
        && matches!(second.separator_before, b'-' | b'/' | b'.');
    let fourth_continues_pattern = groups
        .get(3)
        .is_some_and(|fourth| fourth.separator_before == second.separator_before);
    same_separator
        && !fourth_continues_pattern
        && (1..=2).contains(&first_length)
        && (1..=2).contains(&second_length)
        && matches!(third_length, 2 | 4)
}

fn judge(digits: &[u8], has_plus: bool, has_separators: bool) -> Verdict {
    if has_plus {
        return judge_international(digits);
    }
    if let Some(international) = digits.strip_prefix(b"00") {
        return judge_international(international);
    }
    judge_national(digits, has_separators)
}

/// A number written with a leading `0`: Dutch (ten digits) or Belgian (nine or ten).
fn judge_national(digits: &[u8], has_separators: bool) -> Verdict {
    let Some(after_trunk) = digits.strip_prefix(b"0") else {
        return Verdict::Invalid;
    };
    let as_text = std::str::from_utf8(digits).unwrap_or_default();
    if AllowList::is_service_number(as_text) || is_corporate_number(after_trunk) {
        return Verdict::Service;
    }
    match digits.len() {
        10 => {
            let area = after_trunk.first().copied().unwrap_or(b'0');
            let second = after_trunk.get(1).copied().unwrap_or(b'0');
            let dutch_or_belgian = matches!(area, b'1'..=b'7')
                || (area == b'8' && matches!(second, b'4' | b'5' | b'7' | b'8'))
                || (area == b'9' && second == b'7');
            if dutch_or_belgian {
                Verdict::Valid
            } else {
                Verdict::Invalid
            }
        }
        9 => {
            if is_belgian_service(after_trunk) {
                return Verdict::Service;
            }
            let area = after_trunk.first().copied().unwrap_or(b'0');
            if has_separators && area != b'0' {
                Verdict::Valid
            } else {
                Verdict::Invalid
            }
        }
        _ => Verdict::Invalid,
    }
}

/// Dutch 088 numbers are company-wide numbers of organisations (bedrijfsnummers), not persons'.
fn is_corporate_number(after_trunk: &[u8]) -> bool {
    after_trunk.starts_with(b"88") && after_trunk.len() == 9
}

/// Belgian national numbers of organisations: 0800 free, 070/078 national rate, 090x premium.
fn is_belgian_service(after_trunk: &[u8]) -> bool {
    after_trunk.starts_with(b"800")
        || after_trunk.starts_with(b"70")
        || after_trunk.starts_with(b"78")
        || after_trunk.starts_with(b"90")
}

/// A number after `+` or `00`: country code, then the national significant number.
fn judge_international(digits: &[u8]) -> Verdict {
    if let Some(national) = digits.strip_prefix(b"31") {
        let national = national.strip_prefix(b"0").unwrap_or(national);
        let as_text = std::str::from_utf8(national).unwrap_or_default();
        let service = ["800", "900", "906", "909"]
            .iter()
            .any(|prefix| as_text.starts_with(prefix));
        if service || is_corporate_number(national) {
            return Verdict::Service;
        }
        let valid = national.len() == 9 && national.first().is_some_and(|first| *first != b'0');
        return if valid {
            Verdict::Valid
        } else {
            Verdict::Invalid
        };
    }
    if let Some(national) = digits.strip_prefix(b"32") {
        let national = national.strip_prefix(b"0").unwrap_or(national);
        if is_belgian_service(national) {
            return Verdict::Service;
        }
        let valid =
            matches!(national.len(), 8 | 9) && national.first().is_some_and(|first| *first != b'0');
        return if valid {
            Verdict::Valid
        } else {
            Verdict::Invalid
        };
    }
    let Some((code_length, minimum, maximum)) = country_code(digits) else {
        return Verdict::Invalid;
    };
    let national_length = digits.len().saturating_sub(code_length);
    let leading_zero = digits.get(code_length) == Some(&b'0');
    if (minimum..=maximum).contains(&national_length) && digits.len() <= 15 && !leading_zero {
        Verdict::Valid
    } else {
        Verdict::Invalid
    }
}

/// The E.164 country code at the start of `digits`, with the minimum and maximum length of the
/// national significant number. Codes are prefix-free; unknown three-digit codes get 6–12.
fn country_code(digits: &[u8]) -> Option<(usize, usize, usize)> {
    let first = *digits.first()?;
    if first == b'0' {
        return None;
    }
    if first == b'1' || first == b'7' {
        return Some((1, 10, 10));
    }
    let two = std::str::from_utf8(digits.get(..2)?).ok()?;
    if let Some((_, minimum, maximum)) = TWO_DIGIT_CODES.iter().find(|(code, _, _)| *code == two) {
        return Some((2, *minimum, *maximum));
    }
    let three = std::str::from_utf8(digits.get(..3)?).ok()?;
    if let Some((_, minimum, maximum)) =
        THREE_DIGIT_CODES.iter().find(|(code, _, _)| *code == three)
    {
        return Some((3, *minimum, *maximum));
    }
    let two_digit_zone = matches!(first, b'3' | b'4' | b'5' | b'6' | b'8' | b'9')
        && TWO_DIGIT_CODES
            .iter()
            .any(|(code, _, _)| code.as_bytes().first() == Some(&first));
    let unassigned_two_digit = two_digit_zone && !is_three_digit_zone(two);
    if unassigned_two_digit {
        return None;
    }
    Some((3, 6, 12))
}

/// Two-digit prefixes under which the ITU assigned three-digit codes.
fn is_three_digit_zone(two: &str) -> bool {
    matches!(
        two,
        "21" | "22"
            | "23"
            | "24"
            | "25"
            | "26"
            | "29"
            | "35"
            | "37"
            | "38"
            | "42"
            | "50"
            | "59"
            | "67"
            | "68"
            | "69"
            | "80"
            | "85"
            | "87"
            | "88"
            | "96"
            | "97"
            | "99"
    )
}

/// Two-digit E.164 country codes with the length range of their national significant numbers.
const TWO_DIGIT_CODES: &[(&str, usize, usize)] = &[
    ("20", 8, 10),
    ("27", 9, 9),
    ("30", 10, 10),
    ("33", 9, 9),
    ("34", 9, 9),
    ("36", 8, 9),
    ("39", 6, 11),
    ("40", 9, 9),
    ("41", 9, 9),
    ("43", 4, 13),
    ("44", 9, 10),
    ("45", 8, 8),
    ("46", 7, 10),
    ("47", 8, 8),
    ("48", 9, 9),
    ("49", 6, 13),
    ("51", 8, 9),
    ("52", 10, 10),
    ("53", 8, 8),
    ("54", 10, 11),
    ("55", 10, 11),
    ("56", 9, 9),
    ("57", 10, 10),
    ("58", 10, 10),
    ("60", 8, 10),
    ("61", 9, 9),
    ("62", 8, 12),
    ("63", 10, 10),
    ("64", 8, 10),
    ("65", 8, 8),
    ("66", 8, 9),
    ("81", 9, 10),
    ("82", 8, 10),
    ("84", 9, 10),
    ("86", 10, 11),
    ("90", 10, 10),
    ("91", 10, 10),
    ("92", 9, 10),
    ("93", 9, 9),
    ("94", 9, 9),
    ("95", 8, 10),
    ("98", 10, 10),
];

/// Three-digit E.164 country codes common in Dutch and Belgian posts, with national lengths.
const THREE_DIGIT_CODES: &[(&str, usize, usize)] = &[
    ("212", 9, 9),
    ("213", 9, 9),
    ("216", 8, 8),
    ("218", 9, 9),
    ("220", 7, 7),
    ("221", 9, 9),
    ("223", 8, 8),
    ("224", 8, 9),
    ("225", 10, 10),
    ("229", 8, 10),
    ("231", 7, 9),
    ("233", 9, 9),
    ("234", 8, 10),
    ("237", 9, 9),
    ("238", 7, 7),
    ("243", 9, 9),
    ("244", 9, 9),
    ("249", 9, 9),
    ("250", 9, 9),
    ("251", 9, 9),
    ("252", 7, 9),
    ("254", 9, 10),
    ("255", 9, 9),
    ("256", 9, 9),
    ("263", 9, 10),
    ("297", 7, 7),
    ("350", 8, 8),
    ("351", 9, 9),
    ("352", 4, 11),
    ("353", 7, 9),
    ("354", 7, 9),
    ("355", 8, 9),
    ("356", 8, 8),
    ("357", 8, 8),
    ("358", 5, 12),
    ("359", 8, 9),
    ("370", 8, 8),
    ("371", 8, 8),
    ("372", 7, 8),
    ("373", 8, 8),
    ("374", 8, 8),
    ("375", 9, 10),
    ("376", 6, 9),
    ("377", 8, 9),
    ("380", 9, 9),
    ("381", 8, 9),
    ("382", 8, 9),
    ("383", 8, 9),
    ("385", 8, 9),
    ("386", 8, 8),
    ("387", 8, 9),
    ("389", 8, 8),
    ("420", 9, 9),
    ("421", 9, 9),
    ("423", 7, 9),
    ("590", 9, 9),
    ("594", 9, 9),
    ("596", 9, 9),
    ("597", 6, 7),
    ("599", 7, 8),
    ("852", 8, 8),
    ("880", 10, 10),
    ("886", 8, 9),
    ("961", 7, 8),
    ("962", 8, 9),
    ("963", 9, 9),
    ("964", 10, 10),
    ("965", 8, 8),
    ("966", 9, 9),
    ("971", 8, 9),
    ("972", 8, 9),
    ("973", 8, 8),
    ("974", 8, 8),
    ("994", 9, 9),
    ("995", 9, 9),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        PhoneDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn dutch_and_belgian_notations() {
        for number in [
            "06-12345678",
            "06 1234 5678",
            "06 12 34 56 78",
            "0612345678",
            "+31 6 12345678",
            "+31 6 4433 2211",
            "+31612345678",
            "0031 6 2345 7812",
            "0031612345678",
            "(010) 123 45 67",
            "(050) 312 45 67",
            "020-1234567",
            "030 - 234 56 78",
            "+31 (0)20 123 4567",
            "+31(0)6-12345678",
            "+32 478 12 34 56",
            "+32 2 123 45 67",
            "0478 65 43 21",
            "02 123 45 67",
            "06.12.34.56.78",
        ] {
            let text = format!("tel. {number}, bel gerust");
            assert_eq!(found(&text), [number], "{number}");
        }
    }

    #[test]
    fn other_countries() {
        for number in [
            "+49 30 12345678",
            "+44 20 7946 0958",
            "+1 415 555 2671",
            "+33 6 12 34 56 78",
            "+90 532 123 45 67",
            "+597 123456",
        ] {
            let text = format!("call {number} now");
            assert_eq!(found(&text), [number], "{number}");
        }
        assert!(found("call +49 123 now").is_empty());
    }

    #[test]
    fn prefixes_are_not_in_the_span() {
        assert_eq!(found("Gsm: 0478 65 43 21"), ["0478 65 43 21"]);
        assert_eq!(found("tel:0612345678"), ["0612345678"]);
        assert_eq!(
            found("06-12345678/06-87654321"),
            ["06-12345678", "06-87654321"]
        );
        assert_eq!(found("bel 06 1234 5678 20 keer"), ["06 1234 5678"]);
        assert_eq!(found("(06-12345678)"), ["06-12345678"]);
        assert_eq!(found("(+31) 6 12345678"), ["(+31) 6 12345678"]);
    }

    #[test]
    fn service_numbers_dates_and_other_numbers_stay() {
        for text in [
            "bel 0900-8844",
            "bel 0800-0543",
            "bel 0900 1234567",
            "bel 088-120 50 00",
            "bel +31 88 120 5000",
            "via 14 030 of",
            "+31 800 1234",
            "Belgisch: 078 15 15 15",
            "op 01-02-2024 12:00",
            "op 06-06-2024 12:00",
            "in 2024 waren er 1500 klachten",
            "bedrag 1.250.000 euro",
            "ordernummer 0612345678",
            "postcode 3511 AB",
            "ordernr 802201721",
            "0612345678901",
            "BSN 204332187",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
