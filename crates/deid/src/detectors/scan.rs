//! Small, allocation-free text helpers shared by the structured-identifier detectors: compiling
//! built-in patterns, looking at the characters around a match, taking windows of context on
//! character boundaries, and cheap byte-level prefilters.
//!
//! Nothing here keeps or returns text beyond borrowed slices of the input.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

/// Compiles a built-in pattern. The patterns are constants of this crate and every one is
/// compiled by the unit tests, so a failure here is a programming error, never caused by input.
pub(crate) fn compile(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        Err(error) => panic!("built-in pattern does not compile: {error}"),
    }
}

/// Builds an ASCII-case-insensitive multi-pattern matcher over built-in word lists.
pub(crate) fn keyword_matcher(words: &[&str]) -> AhoCorasick {
    match AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(words)
    {
        Ok(matcher) => matcher,
        Err(error) => panic!("built-in word list does not build: {error}"),
    }
}

/// The character just before byte offset `offset`, if any.
pub(crate) fn char_before(text: &str, offset: usize) -> Option<char> {
    text.get(..offset)?.chars().next_back()
}

/// The character starting at byte offset `offset`, if any.
pub(crate) fn char_after(text: &str, offset: usize) -> Option<char> {
    text.get(offset..)?.chars().next()
}

/// Whether `character` continues a word (letters, digits, underscore).
pub(crate) fn is_word_character(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

/// Up to `max_bytes` bytes of `text` that end at `end`, starting on a character boundary.
pub(crate) fn window_before(text: &str, end: usize, max_bytes: usize) -> &str {
    let end = end.min(text.len());
    let mut start = end.saturating_sub(max_bytes);
    while start < end && !text.is_char_boundary(start) {
        start += 1;
    }
    text.get(start..end).unwrap_or_default()
}

/// Up to `max_bytes` bytes of `text` that start at `start`, ending on a character boundary.
pub(crate) fn window_after(text: &str, start: usize, max_bytes: usize) -> &str {
    let start = start.min(text.len());
    let mut end = start.saturating_add(max_bytes).min(text.len());
    while end > start && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).unwrap_or_default()
}

/// The part of `window` after its last sentence break (`. `, `! `, `? `, a newline), so that
/// context cues are only taken from the same sentence. Abbreviations such as `geb.` end in a dot
/// followed by a space too; callers that accept them look for them before cutting.
pub(crate) fn same_sentence_tail(window: &str) -> &str {
    let bytes = window.as_bytes();
    let mut cut = 0;
    for index in 0..bytes.len() {
        let byte = bytes[index];
        let breaks = byte == b'\n'
            || (matches!(byte, b'!' | b'?')
                && bytes.get(index + 1).is_some_and(|next| *next == b' '));
        if breaks {
            cut = index + 1;
        }
    }
    window.get(cut..).unwrap_or_default()
}

/// The part of `window` before its first sentence break (`!`, `?`, a newline).
pub(crate) fn same_sentence_head(window: &str) -> &str {
    let bytes = window.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(byte, b'\n' | b'!' | b'?') {
            return window.get(..index).unwrap_or_default();
        }
    }
    window
}

/// The last word of `window` (letters only, ASCII-lower-cased comparison left to the caller).
pub(crate) fn last_word(window: &str) -> &str {
    let trimmed = window.trim_end_matches(|character: char| !character.is_alphanumeric());
    let start = trimmed
        .char_indices()
        .rev()
        .find(|(_, character)| !character.is_alphanumeric())
        .map(|(index, character)| index + character.len_utf8())
        .unwrap_or(0);
    trimmed.get(start..).unwrap_or_default()
}

/// Whether `haystack` starts with `prefix`, ignoring ASCII case.
pub(crate) fn starts_with_ignore_ascii_case(haystack: &str, prefix: &str) -> bool {
    haystack
        .as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `haystack` ends with `suffix`, ignoring ASCII case.
pub(crate) fn ends_with_ignore_ascii_case(haystack: &str, suffix: &str) -> bool {
    let bytes = haystack.as_bytes();
    bytes.len() >= suffix.len()
        && bytes
            .get(bytes.len() - suffix.len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// Whether `haystack` contains `needle`, ignoring ASCII case. A match that starts right after
/// `[` or is followed by `-` and a digit is (part of) the label of a placeholder (`[POSTCODE-1]`,
/// `[BSN-1]`) and does not count, so cues are never taken from earlier redactions and redaction
/// stays idempotent.
pub(crate) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return true;
    }
    let bytes = haystack.as_bytes();
    let Some(&first) = needle.first() else {
        return true;
    };
    // Candidate starts are found with `memchr` on the first byte in both cases; only they are
    // compared in full.
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|index| {
        let after = index + needle.len();
        let Some(window) = bytes.get(index..after) else {
            return false;
        };
        let placeholder_label = (index > 0 && bytes.get(index - 1) == Some(&b'['))
            || (bytes.get(after) == Some(&b'-')
                && bytes.get(after + 1).is_some_and(u8::is_ascii_digit));
        window.eq_ignore_ascii_case(needle) && !placeholder_label
    })
}

/// Every byte of a word set to its low seven bits.
const LOW_SEVEN_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
/// Every byte of a word set to its high bit.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes read as one little-endian word (the first byte in the lowest bits).
fn word_at(bytes: &[u8], position: usize) -> Option<u64> {
    let eight: [u8; 8] = bytes.get(position..position + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(eight))
}

/// The high bit of every byte of `word` that is an ASCII digit, all other bits clear: eight
/// bytes are classified at once, without a branch per byte.
fn digit_mask(word: u64) -> u64 {
    // Digits become 0x00..=0x09; every other byte becomes 0x0a or more.
    let offset_from_zero = word ^ 0x3030_3030_3030_3030;
    // Adding 0x76 to the low seven bits sets the high bit exactly where they are 10 or more;
    // no carry can cross into the next byte (0x7f + 0x76 < 0x100).
    let ten_or_more = (offset_from_zero & LOW_SEVEN_BITS).wrapping_add(0x7676_7676_7676_7676);
    // A digit has neither that bit nor a high bit of its own (bytes of 0x80 and up).
    !(ten_or_more | offset_from_zero) & HIGH_BITS
}

/// The offset of the first ASCII digit in `bytes` at or after `from`, looking at eight bytes
/// at a time: most bytes of a post are letters and spaces.
pub(crate) fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let mut position = from;
    while let Some(word) = word_at(bytes, position) {
        let mask = digit_mask(word);
        if mask != 0 {
            let byte_index = (mask.trailing_zeros() / 8) as usize;
            return Some(position + byte_index);
        }
        position += 8;
    }
    let tail = bytes.get(position..)?;
    tail.iter()
        .position(u8::is_ascii_digit)
        .map(|offset| position + offset)
}

/// The end of the run of ASCII digits that starts at `start`.
pub(crate) fn digit_run_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    end
}

/// Number of ASCII digits in `bytes`, eight bytes at a time.
pub(crate) fn count_digits(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut position = 0;
    while let Some(word) = word_at(bytes, position) {
        count += digit_mask(word).count_ones() as usize;
        position += 8;
    }
    let tail = bytes.get(position..).unwrap_or_default();
    count + tail.iter().filter(|byte| byte.is_ascii_digit()).count()
}

/// Words that, right before a number, say it is an order, client, case or company number and not
/// personal data of the kind the number detectors look for.
pub(crate) const NOT_PERSONAL_NUMBER_CUES: &[&str] = &[
    "ordernr",
    "ordernummer",
    "order",
    "bestelnummer",
    "bestelling",
    "klantnummer",
    "klantnr",
    "factuurnummer",
    "factuurnr",
    "factuur",
    "zaaknummer",
    "zaaknr",
    "dossiernummer",
    "dossiernr",
    "referentie",
    "referentienummer",
    "kenmerk",
    "ons kenmerk",
    "uw kenmerk",
    "kvk",
    "kvk-nummer",
    "kvknummer",
    "btw",
    "btw-nummer",
    "btw-nr",
    "ticket",
    "ticketnummer",
    "tracking",
    "trackingnummer",
    "track",
    "pakket",
    "zending",
    "artikelnummer",
    "artikel",
    "art.",
    "polisnummer",
    "contractnummer",
    "lidnummer",
    "registratienummer",
    "meldingnummer",
    "meldingsnummer",
    "invoice",
    "order no",
    "case",
    "id",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_stay_on_character_boundaries() {
        let text = "aé😀b";
        for offset in 0..=text.len() {
            let _ = window_before(text, offset, 2);
            let _ = window_after(text, offset, 2);
            let _ = char_before(text, offset);
            let _ = char_after(text, offset);
        }
        assert_eq!(window_before(text, text.len(), 5), "😀b");
        assert_eq!(window_after(text, 0, 2), "a");
    }

    #[test]
    fn sentences_and_words() {
        assert_eq!(same_sentence_tail("Hallo! Mijn zoon is "), " Mijn zoon is ");
        assert_eq!(same_sentence_head(" geboren. Daarna"), " geboren. Daarna");
        assert_eq!(same_sentence_head(" geboren! Daarna"), " geboren");
        assert_eq!(last_word("mijn ordernr: "), "ordernr");
        assert_eq!(last_word(""), "");
    }

    #[test]
    fn word_at_a_time_digit_search_agrees_with_a_byte_loop() {
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        bytes.extend_from_slice("a1 é2😀/:09x".as_bytes());
        for start in 0..bytes.len() {
            for end in start..bytes.len().min(start + 40) {
                let slice = &bytes[start..end];
                let expected_count = slice.iter().filter(|byte| byte.is_ascii_digit()).count();
                assert_eq!(count_digits(slice), expected_count);
                for from in 0..=slice.len() + 1 {
                    let expected = slice
                        .iter()
                        .enumerate()
                        .skip(from)
                        .find(|(_, byte)| byte.is_ascii_digit())
                        .map(|(index, _)| index);
                    assert_eq!(next_digit(slice, from), expected);
                }
            }
        }
    }

    #[test]
    fn digit_runs() {
        assert_eq!(count_digits(b"a1b22"), 3);
        assert!(contains_ignore_ascii_case("Postcode 1234", "postcode"));
        assert!(!contains_ignore_ascii_case("[POSTCODE-1] 1234", "postcode"));
        assert!(!contains_ignore_ascii_case("POSTCODE-1] 1234", "postcode"));
    }
}
