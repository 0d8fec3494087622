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

/// Number of ASCII digits in `bytes`.
pub(crate) fn count_digits(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| byte.is_ascii_digit()).count()
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
    fn digit_runs() {
        assert_eq!(count_digits(b"a1b22"), 3);
        assert!(contains_ignore_ascii_case("Postcode 1234", "postcode"));
        assert!(!contains_ignore_ascii_case("[POSTCODE-1] 1234", "postcode"));
        assert!(!contains_ignore_ascii_case("POSTCODE-1] 1234", "postcode"));
    }
}
