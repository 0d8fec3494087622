//! International bank account numbers (IBAN) of every country in the SWIFT IBAN registry, written
//! compact (`NL91ABNA0417164300`) or in groups (`NL91 ABNA 0417 1643 00`), any case. A candidate
//! must have its country's exact length and pass the ISO 13616 mod-97 check. An account that the
//! text says belongs to an organisation (`t.n.v. Stichting …`, `contributie van de tennisclub`)
//! is not personal data and stays readable.

use peil_model::PlaceholderKind;

use super::scan::{
    char_after, contains_ignore_ascii_case, next_digit, same_sentence_head, same_sentence_tail,
    starts_with_ignore_ascii_case, window_after, window_before,
};
use super::Detector;
use crate::{AllowList, Span};

/// IBAN lengths per country (SWIFT IBAN registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// Words after `t.n.v.` (or before the IBAN in the same sentence) that name an organisation.
const ORGANISATION_WORDS: &[&str] = &[
    "stichting",
    "vereniging",
    "st.",
    "ver.",
    "club",
    "gemeente",
    "fonds",
    "kerk",
    "parochie",
    "school",
    "b.v.",
    "bv",
    "n.v.",
    "nv",
    "v.o.f.",
    "vof",
    "coöperatie",
    "cooperatie",
    "vzw",
    "asbl",
    "bond",
    "comité",
    "comite",
    "collectief",
    "voedselbank",
    "ouderraad",
    "buurthuis",
    "wijkcentrum",
    "goede doel",
    "goed doel",
    "contributie",
    "lidmaatschap",
    "collecte",
    "giro555",
    "tv ",
    "vv ",
    "hc ",
    "sv ",
    "kv ",
    "zv ",
    "rkvv",
    "rksv",
    "ijsclub",
    "tennisclub",
    "voetbalclub",
    "hockeyclub",
    "harmonie",
    "fanfare",
    "koor",
];

/// IBANs of persons.
pub struct IbanDetector;

impl Detector for IbanDetector {
    fn name(&self) -> &'static str {
        "iban"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        let mut covered_until = 0;
        // Every candidate has a digit as its third byte: jump from digit to digit (eight bytes
        // at a time over letters) and look two bytes back.
        let mut search_from = 2;
        while let Some(third) = next_digit(bytes, search_from) {
            search_from = third + 1;
            let position = third - 2;
            if position < covered_until || !starts_candidate(bytes, position) {
                continue;
            }
            let Some(end) = validated_iban_end(text, position) else {
                continue;
            };
            covered_until = end;
            if !belongs_to_organisation(text, position, end) {
                spans.push(Span::new(position, end, PlaceholderKind::Iban));
            }
        }
    }
}

/// Two ASCII letters and two digits at the start of a word: where an IBAN can begin.
fn starts_candidate(bytes: &[u8], position: usize) -> bool {
    let Some([first, second, third, fourth]) = bytes.get(position..position + 4) else {
        return false;
    };
    let shape = first.is_ascii_alphabetic()
        && second.is_ascii_alphabetic()
        && third.is_ascii_digit()
        && fourth.is_ascii_digit();
    let at_word_start = position == 0
        || bytes
            .get(position - 1)
            .is_some_and(|previous| !previous.is_ascii_alphanumeric());
    shape && at_word_start
}

/// If a valid IBAN starts at `start`, the byte offset where it ends.
fn validated_iban_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let country = text.get(start..start + 2)?;
    let expected_length = IBAN_LENGTHS
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(country))
        .map(|(_, length)| *length)?;
    let mut characters = [0u8; 34];
    let mut count = 0;
    let mut position = start;
    while count < expected_length {
        let byte = *bytes.get(position)?;
        if byte.is_ascii_alphanumeric() {
            *characters.get_mut(count)? = byte.to_ascii_uppercase();
            count += 1;
            position += 1;
        } else if byte == b' ' && count >= 4 && bytes.get(position + 1)?.is_ascii_alphanumeric() {
            position += 1;
        } else {
            return None;
        }
    }
    let glued_to_more = char_after(text, position).is_some_and(char::is_alphanumeric);
    if glued_to_more {
        return None;
    }
    let account = characters.get(..count)?;
    if !account.get(2..4)?.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if mod_97(account)? != 1 {
        return None;
    }
    Some(position)
}

/// ISO 13616 check: move the first four characters to the end, letters to 10–35, mod 97.
fn mod_97(account: &[u8]) -> Option<u32> {
    let (head, tail) = (account.get(..4)?, account.get(4..)?);
    let mut remainder: u32 = 0;
    for byte in tail.iter().chain(head.iter()) {
        let value = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'A'..=b'Z' => u32::from(byte - b'A') + 10,
            _ => return None,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    Some(remainder)
}

/// Whether the text names an organisation as the account holder.
fn belongs_to_organisation(text: &str, start: usize, end: usize) -> bool {
    let after = same_sentence_head(window_after(text, end, 60));
    let after = after.trim_start_matches([' ', ',', '(', ':', '-']);
    for holder_cue in [
        "t.n.v.",
        "t.n.v",
        "tnv",
        "ten name van",
        "ter name van",
        "a/o",
    ] {
        if starts_with_ignore_ascii_case(after, holder_cue) {
            let holder = after.get(holder_cue.len()..).unwrap_or_default();
            let holder = holder.get(..holder.len().min(30)).unwrap_or(holder);
            let holder_with_space = holder.trim_start();
            return ORGANISATION_WORDS.iter().any(|word| {
                starts_with_ignore_ascii_case(holder_with_space, word)
                    || (word.len() > 4
                        && contains_ignore_ascii_case(holder_with_space, word.trim_end()))
            });
        }
    }
    let before = same_sentence_tail(window_before(text, start, 100));
    let personal = ["mijn ", "my ", "naar mij", "aan mij", "mij "]
        .iter()
        .any(|cue| contains_ignore_ascii_case(before, cue));
    if personal {
        return false;
    }
    ORGANISATION_WORDS
        .iter()
        .filter(|word| word.len() > 4)
        .any(|word| contains_ignore_ascii_case(before, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        IbanDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn ibans_of_several_countries() {
        for iban in [
            "NL91ABNA0417164300",
            "NL91 ABNA 0417 1643 00",
            "nl91abna0417164300",
            "BE68539007547034",
            "BE68 5390 0754 7034",
            "DE89370400440532013000",
            "GB82 WEST 1234 5698 7654 32",
            "FR1420041010050500013M02606",
            "NO9386011117947",
        ] {
            let text = format!("Maak het over naar {iban}, dank!");
            assert_eq!(found(&text), [iban], "{iban}");
        }
        assert_eq!(
            found("Maak € 12,50 over naar NL12 BUNQ 3421 6073 37 t.n.v. S. de Graaf"),
            ["NL12 BUNQ 3421 6073 37"]
        );
    }

    #[test]
    fn invalid_candidates_are_not_ibans() {
        for text in [
            "NL91ABNA0417164301",
            "NL91ABNA041716430",
            "NL91ABNA04171643001",
            "ZZ91ABNA0417164300",
            "de A12 en N201",
            "MP3 en AB12CD",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn organisations_keep_their_account_readable() {
        assert!(
            found("contributie tennisclub: NL91ABNA0417164300 t.n.v. TV De Lobbers").is_empty()
        );
        assert!(found("Steun ons via NL91ABNA0417164300 t.n.v. Stichting Buurtfeest").is_empty());
        assert_eq!(
            found("Mijn IBAN is NL91ABNA0417164300 voor het buurtfeest"),
            ["NL91ABNA0417164300"]
        );
        assert_eq!(
            found("Via NL91ABNA0417164300 t.n.v. J. Jansen"),
            ["NL91ABNA0417164300"]
        );
    }
}
