//! Dutch citizen service numbers (burgerservicenummer, BSN): nine digits, written plain
//! (`204332187`), dotted (`1234.56.782`, `123.456.782`) or spaced/dashed (`123 456 782`), and only
//! when they pass the 11-proof `9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11)`. Nine-digit numbers
//! that fail it, that a preceding word marks as an order, client or case number, or that are
//! amounts (`€ 123.456.782`) are not BSNs.

use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::scan::{
    char_after, char_before, compile, contains_ignore_ascii_case, count_digits, last_word,
    starts_with_ignore_ascii_case, window_after, window_before, NOT_PERSONAL_NUMBER_CUES,
};
use super::Detector;
use crate::{AllowList, Span};

/// Nine digits, plain or in groups of two to four separated by one and the same space, dot or
/// dash (`1234.56.782`, `123 456 782`, `12.34.56.782`). Boundaries and the digit count are
/// checked by hand afterwards.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?-u)\b(?:[0-9]{9}|[0-9]{2,4}(?: [0-9]{2,4}){1,3}|[0-9]{2,4}(?:\.[0-9]{2,4}){1,3}|[0-9]{2,4}(?:-[0-9]{2,4}){1,3})\b",
    )
});

/// Dutch citizen service numbers that pass the 11-proof.
pub struct BsnDetector;

impl Detector for BsnDetector {
    fn name(&self) -> &'static str {
        "bsn"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        if count_digits(text.as_bytes()) < 9 {
            return;
        }
        for found in CANDIDATE.find_iter(text) {
            if count_digits(found.as_str().as_bytes()) != 9 {
                continue;
            }
            if !stands_alone(text, found.start(), found.end()) {
                continue;
            }
            if !passes_eleven_proof(found.as_str()) {
                continue;
            }
            if is_amount(text, found.start(), found.end(), found.as_str()) {
                continue;
            }
            let word_before = last_word(window_before(text, found.start(), 24));
            let marked_as_other_number = NOT_PERSONAL_NUMBER_CUES
                .iter()
                .any(|cue| word_before.eq_ignore_ascii_case(cue));
            if marked_as_other_number {
                continue;
            }
            spans.push(Span::new(found.start(), found.end(), PlaceholderKind::Bsn));
        }
    }
}

/// Not part of a longer number: no digit, or separator plus digit, right before or after.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let before = window_before(text, start, 2);
    let after = window_after(text, end, 2);
    let digit_before = char_before(text, start).is_some_and(|previous| previous.is_ascii_digit())
        || (before.len() == 2
            && before.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && before
                .as_bytes()
                .get(1)
                .is_some_and(|separator| matches!(separator, b'.' | b',' | b'-' | b'/')));
    let digit_after = char_after(text, end).is_some_and(|next| next.is_ascii_digit())
        || (after.len() == 2
            && after
                .as_bytes()
                .first()
                .is_some_and(|separator| matches!(separator, b'.' | b',' | b'-' | b'/'))
            && after.as_bytes().get(1).is_some_and(u8::is_ascii_digit));
    !digit_before && !digit_after
}

/// The 11-proof over the nine digits of `candidate` (separators ignored).
pub(crate) fn passes_eleven_proof(candidate: &str) -> bool {
    let mut weighted_sum: i64 = 0;
    let mut count = 0;
    for digit in candidate.bytes().filter(u8::is_ascii_digit) {
        let value = i64::from(digit - b'0');
        let weight = if count == 8 { -1 } else { 9 - count };
        weighted_sum += weight * value;
        count += 1;
    }
    count == 9 && weighted_sum != 0 && weighted_sum.rem_euclid(11) == 0
}

/// Money written with thousands separators: `€ 123.456.782`, `123.456.782 euro`.
fn is_amount(text: &str, start: usize, end: usize, candidate: &str) -> bool {
    let dotted_thousands = candidate.len() == 11 && candidate.matches('.').count() == 2;
    if !dotted_thousands && !candidate.contains(' ') {
        return false;
    }
    let before = window_before(text, start, 8);
    let after = window_after(text, end, 10);
    before.contains(['€', '$'])
        || contains_ignore_ascii_case(before, "eur")
        || [",-", " euro", " eur", ",0", " mln", " inwoners"]
            .iter()
            .any(|unit| starts_with_ignore_ascii_case(after, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        BsnDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn eleven_proof() {
        assert!(passes_eleven_proof("111222333"));
        assert!(passes_eleven_proof("1234.56.782"));
        assert!(!passes_eleven_proof("123456789"));
        assert!(!passes_eleven_proof("000000000"));
        assert!(!passes_eleven_proof("12345678"));
    }

    #[test]
    fn written_forms() {
        for number in [
            "204332187",
            "284 959 315",
            "1234.56.782",
            "123.456.782",
            "123-456-782",
            "12.34.56.782",
            "1234 56 782",
        ] {
            let text = format!("Mijn BSN is {number}.");
            assert_eq!(found(&text), [number], "{number}");
        }
    }

    #[test]
    fn not_bsns() {
        for text in [
            "ordernr 802201721, betaald",
            "Ordernummer 966616964 nog steeds",
            "nummer 123456789 faalt de proef",
            "klantnummer 204332187",
            "telefoon 0204332187",
            "€ 123.456.782 begroting",
            "2043321870",
            "1.204332187",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
