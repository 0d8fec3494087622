//! Identifiers of persons typed as search terms: person operators (`author:`, `from:`, `user:`,
//! `mention:`, `to:` …), @handles and bare Bluesky or Mastodon handles (other than the
//! organisation's own accounts and listed organisations), profile URLs, e-mail addresses, phone
//! numbers, street plus house number, pseudonym-like ids (long hex or base64 strings, long
//! numeric ids), and BSN, IBAN, licence plates, IP addresses and dates of birth.
//!
//! The structured detectors of the de-identification engine do most of the work; the query-only
//! forms (operators, lower-case addresses, ids) are recognised here. This module must never log,
//! print or keep the text it scans; it reports the kind of identifier, never the identifier.

use peil_deid::detectors::{
    AddressDetector, BsnDetector, DateOfBirthDetector, Detector, EmailDetector, HandleDetector,
    IbanDetector, IpDetector, LicensePlateDetector, PhoneDetector, ProfileUrlDetector,
};
use peil_deid::{AllowList, Span};
use peil_model::PlaceholderKind;
use peil_query::PERSON_OPERATORS;

use super::name_words::flags_of;

/// Operators of other search tools that also point at accounts, refused like Peil's own list.
const MORE_PERSON_OPERATORS: &[&str] = &[
    "to",
    "reply",
    "replyto",
    "reply_to",
    "in_reply_to",
    "cc",
    "mentions",
    "profile",
    "profiel",
    "account_id",
    "user_id",
    "userid",
    "author_id",
    "screen_name",
    "@",
];

/// Endings of street names, for addresses the engine's detector does not see (lower case).
const STREET_ENDINGS: &[&str] = &[
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "dreef",
    "steeg",
    "markt",
    "pad",
    "hof",
    "park",
    "plantsoen",
    "boulevard",
    "straatweg",
    "steenweg",
    "lei",
    "vest",
    "kaai",
    "baan",
    "ring",
    "erf",
    "wal",
    "veld",
    "hoek",
];

/// Street endings that, even in an ordinary word, almost always name a street.
const STREET_ONLY_ENDINGS: &[&str] = &[
    "straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk", "dreef", "steeg",
];

/// Words that end like a street but are not one (also as the end of a longer word).
const NOT_A_STREET_WORDS: &[&str] = &[
    "onderweg", "snelweg", "zijweg", "rijbaan", "loopbaan", "spoorweg", "markt", "pad", "baan",
    "park", "ring", "veld", "hoek", "erf", "wal", "hof",
];

/// Words after a number that make it a count or distance, not a house number.
const COUNT_WORDS: &[&str] = &[
    "uur", "minuten", "min", "km", "meter", "m", "jaar", "dagen", "keer", "procent", "%", "euro",
    "mensen", "woningen", "huizen", "auto", "autos", "bussen",
];

/// Fewest characters of a hexadecimal id.
const MIN_HEX_ID_CHARACTERS: usize = 16;

/// Fewest characters of a base64-like id.
const MIN_BASE64_ID_CHARACTERS: usize = 20;

/// Fewest digits of a numeric account or person id.
const MIN_NUMERIC_ID_DIGITS: usize = 9;

/// The kind of identifier found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierKind {
    PersonOperator,
    Handle,
    ProfileUrl,
    Email,
    Phone,
    Address,
    Pseudonym,
    PersonalNumber,
}

/// The first identifier of a person in `query_text`, if any.
pub(super) fn find_identifier(query_text: &str, allow: &AllowList) -> Option<IdentifierKind> {
    let tokens: Vec<&str> = query_text
        .split(|character: char| character.is_whitespace() || matches!(character, '"' | '(' | ')'))
        .filter(|token| !token.is_empty())
        .collect();
    if tokens.iter().any(|token| is_person_operator(token)) {
        return Some(IdentifierKind::PersonOperator);
    }
    if let Some(kind) = identifier_from_engine(query_text, allow) {
        return Some(kind);
    }
    if has_street_and_house_number(&tokens) {
        return Some(IdentifierKind::Address);
    }
    if tokens.iter().any(|token| is_pseudonym_like(token)) {
        return Some(IdentifierKind::Pseudonym);
    }
    None
}

fn is_person_operator(token: &str) -> bool {
    let without_negation = token.trim_start_matches(['-', '+']);
    let Some((field, _value)) = without_negation.split_once(':') else {
        return false;
    };
    if field.is_empty() || field.contains('/') {
        return false;
    }
    let lower_field = field.to_lowercase();
    PERSON_OPERATORS.contains(&lower_field.as_str())
        || MORE_PERSON_OPERATORS.contains(&lower_field.as_str())
}

fn identifier_from_engine(query_text: &str, allow: &AllowList) -> Option<IdentifierKind> {
    let detectors: [(&dyn Detector, IdentifierKind); 11] = [
        (&ProfileUrlDetector, IdentifierKind::ProfileUrl),
        (&EmailDetector, IdentifierKind::Email),
        (&HandleDetector, IdentifierKind::Handle),
        (&PhoneDetector, IdentifierKind::Phone),
        (&AddressDetector, IdentifierKind::Address),
        (&BsnDetector, IdentifierKind::PersonalNumber),
        (&IbanDetector, IdentifierKind::PersonalNumber),
        (&LicensePlateDetector, IdentifierKind::PersonalNumber),
        (&IpDetector, IdentifierKind::PersonalNumber),
        (&DateOfBirthDetector, IdentifierKind::PersonalNumber),
        (
            &peil_deid::detectors::PostcodeDetector,
            IdentifierKind::Address,
        ),
    ];
    let mut spans: Vec<Span> = Vec::new();
    for (detector, kind) in detectors {
        spans.clear();
        detector.detect(query_text, allow, &mut spans);
        let found = spans
            .iter()
            .any(|span| span.kind != PlaceholderKind::Person);
        if found {
            return Some(kind);
        }
    }
    None
}

/// A house number: digits (at most four, not starting with 0) with an optional letter or
/// addition (`12`, `7a`, `12-3`, `144-hs`).
fn is_house_number(token: &str) -> bool {
    let trimmed = token.trim_end_matches([',', '.', ';']);
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 4 || digits.starts_with('0') {
        return false;
    }
    let looks_like_year =
        digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    if looks_like_year {
        return false;
    }
    let addition = trimmed
        .get(digits.len()..)
        .unwrap_or_default()
        .trim_start_matches('-');
    addition.chars().count() <= 3 && addition.chars().all(char::is_alphanumeric)
}

/// A street name: one word ending in a street ending (`kerkstraat`, `Biltstraat`). Written in
/// lower case, an ordinary word counts only with an ending that is rarely anything but a street
/// (`stationsweg`, but not `arbeidsmarkt` or `fietspad`), and never a word of
/// `NOT_A_STREET_WORDS`.
fn is_street_word(token: &str) -> bool {
    let lower = token.to_lowercase();
    let ends_like_street = STREET_ENDINGS
        .iter()
        .any(|ending| lower.len() > ending.len() + 1 && lower.ends_with(ending));
    if !ends_like_street || !lower.chars().all(char::is_alphabetic) {
        return false;
    }
    if NOT_A_STREET_WORDS.iter().any(|word| lower.ends_with(word)) {
        return false;
    }
    let capitalised = token.chars().next().is_some_and(char::is_uppercase);
    let ordinary_word = flags_of(&lower)
        & (peil_deid::detectors::PersonNameDetector::LEXICON_DUTCH_WORD
            | peil_deid::detectors::PersonNameDetector::LEXICON_DUTCH_FREQUENT_WORD)
        != 0;
    if capitalised || !ordinary_word {
        return true;
    }
    STREET_ONLY_ENDINGS
        .iter()
        .any(|ending| lower.ends_with(ending))
}

/// A street name and a house number next to each other (`kerkstraat 7a`).
fn has_street_and_house_number(tokens: &[&str]) -> bool {
    for (position, token) in tokens.iter().enumerate() {
        if !is_street_word(token) {
            continue;
        }
        let Some(next) = tokens.get(position + 1) else {
            continue;
        };
        if !is_house_number(next) {
            continue;
        }
        let followed_by_count = tokens
            .get(position + 2)
            .is_some_and(|after| COUNT_WORDS.contains(&after.to_lowercase().as_str()));
        if !followed_by_count {
            return true;
        }
    }
    false
}

/// A long hexadecimal string, a base64-like string of mixed letters and digits, or a long
/// number: the shape of a pseudonym, account id or other key.
fn is_pseudonym_like(token: &str) -> bool {
    let trimmed = token
        .trim_start_matches(['-', '+', '#'])
        .trim_end_matches([',', '.', ';', '*']);
    let length = trimmed.chars().count();
    if length >= MIN_NUMERIC_ID_DIGITS
        && trimmed.chars().all(|character| character.is_ascii_digit())
    {
        return true;
    }
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let letters = trimmed.chars().filter(char::is_ascii_alphabetic).count();
    let hexadecimal = trimmed
        .chars()
        .all(|character| character.is_ascii_hexdigit());
    if hexadecimal && length >= MIN_HEX_ID_CHARACTERS && digits >= 3 && letters >= 3 {
        return true;
    }
    let base64_like = trimmed.chars().all(|character| {
        character.is_ascii_alphanumeric() || matches!(character, '+' | '/' | '=' | '-' | '_')
    });
    let upper = trimmed.chars().filter(char::is_ascii_uppercase).count();
    let lower = trimmed.chars().filter(char::is_ascii_lowercase).count();
    base64_like
        && length >= MIN_BASE64_ID_CHARACTERS
        && digits >= 3
        && upper >= 3
        && lower >= 3
        && !trimmed.contains("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(query_text: &str) -> Option<IdentifierKind> {
        find_identifier(query_text, &AllowList::dutch_defaults())
    }

    #[test]
    fn identifiers_are_found() {
        assert_eq!(
            kind_of("author:SanneM AND toeslagen"),
            Some(IdentifierKind::PersonOperator)
        );
        assert_eq!(kind_of("to:kevin"), Some(IdentifierKind::PersonOperator));
        assert_eq!(kind_of("@lotte_vdberg"), Some(IdentifierKind::Handle));
        assert_eq!(
            kind_of("w.vermeulen@hotmail.com"),
            Some(IdentifierKind::Email)
        );
        assert_eq!(kind_of("\"06-41827365\""), Some(IdentifierKind::Phone));
        assert_eq!(
            kind_of("kerkstraat 7a AND overlast"),
            Some(IdentifierKind::Address)
        );
        assert_eq!(
            kind_of("3f9a7c2e1b8d4f60a9e2b7c4d1e8f035"),
            Some(IdentifierKind::Pseudonym)
        );
    }

    #[test]
    fn topics_have_no_identifiers() {
        for query_text in [
            "@gemeenteutrecht",
            "Biltstraat AND (fietsers OR verkeer)",
            "covid-19 AND vaccinatie",
            "A12 AND file",
            "snelweg 2 uur file",
            "lang:nl AND (DigiD OR phishing)",
            "source:bluesky AND klimaat",
        ] {
            assert_eq!(kind_of(query_text), None, "{query_text}");
        }
    }
}
