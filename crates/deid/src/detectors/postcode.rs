//! Full Dutch postcodes: four digits (not starting with 0) and two letters, with or without a
//! space, in any case (`1234 AB`, `1234AB`, `1234ab`). Letter pairs SA, SD and SS are never issued.
//!
//! Running text has look-alikes, so the context decides: `1234 AB` in capitals is a postcode
//! unless the pair is also a word or unit (`2024 EN`, `1500 KM`) without support from a
//! following place name or a `postcode` cue, or the text around it is shouted in capitals;
//! `1234ab` glued is a postcode unless the letters are a unit (`1000mg`); `1234 ab` spaced in
//! lower case only after a `postcode`/`pc` cue. A postcode inside an address is covered by the
//! longer address span (the engine keeps the longest).

use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::scan::{
    char_before, compile, contains_ignore_ascii_case, digit_run_end, next_digit,
    same_sentence_tail, window_after, window_before,
};
use super::Detector;
use crate::{AllowList, Span};

/// Group 1: digits, group 2: the optional space, group 3: the letters.
static CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?-u)\b([1-9][0-9]{3})( ?)([A-Za-z]{2})\b"));

/// Letter pairs that are also Dutch/English words, abbreviations or units after a number.
const AMBIGUOUS_PAIRS: &[&str] = &[
    "EN", "OF", "IN", "OP", "DE", "IS", "TE", "ER", "AL", "NU", "ZO", "OM", "AF", "ZE", "WE", "JE",
    "IK", "HE", "ME", "AN", "AT", "BE", "BY", "DO", "GO", "IF", "IT", "MY", "NO", "ON", "OR", "SO",
    "TO", "UP", "US", "AM", "PM", "KM", "KG", "CM", "MM", "ML", "MG", "GB", "MB", "TB", "KB", "KW",
    "MW", "GW", "HP", "PK", "CC", "BC", "AD", "HZ", "DB", "EU", "NL", "TV", "PC", "CV", "ID", "VS",
    "UK", "HA", "ST", "ND", "RD", "TH", "PX", "MS", "KJ", "CL", "DL",
];

/// Units that may be glued to a four-digit number in lower case.
const GLUED_UNITS: &[&str] = &[
    "km", "kg", "cm", "mm", "ml", "mg", "gb", "mb", "tb", "kb", "kw", "mw", "gw", "hp", "pk", "cc",
    "am", "pm", "hz", "db", "st", "nd", "rd", "th", "px", "ms", "ps", "kj", "cl", "dl", "ha", "gr",
    "ct", "eu", "uu", "hr", "mi", "ft", "lb", "oz", "yd", "bc", "ad", "fps",
];

/// Words before a postcode that announce it.
const POSTCODE_CUES: &[&str] = &["postcode", "post code", "pc ", "pc:", "zip", "postal code"];

/// Full Dutch postcodes.
pub struct PostcodeDetector;

impl Detector for PostcodeDetector {
    fn name(&self) -> &'static str {
        "postcode"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        if !has_four_digits_then_letter(text.as_bytes()) {
            return;
        }
        for captures in CANDIDATE.captures_iter(text) {
            let (Some(whole), Some(space), Some(letters)) =
                (captures.get(0), captures.get(2), captures.get(3))
            else {
                continue;
            };
            if is_postcode(
                text,
                whole.start(),
                whole.end(),
                !space.is_empty(),
                letters.as_str(),
            ) {
                spans.push(Span::new(
                    whole.start(),
                    whole.end(),
                    PlaceholderKind::Postcode,
                ));
            }
        }
    }
}

/// Cheap prefilter: four ASCII digits followed (after an optional space) by a letter. Jumps
/// from digit run to digit run.
fn has_four_digits_then_letter(bytes: &[u8]) -> bool {
    let mut search_from = 0;
    while let Some(run_start) = next_digit(bytes, search_from) {
        let run_end = digit_run_end(bytes, run_start);
        if run_end - run_start >= 4 {
            let letter_follows = bytes.get(run_end).is_some_and(|byte| {
                byte.is_ascii_alphabetic()
                    || (*byte == b' '
                        && bytes.get(run_end + 1).is_some_and(u8::is_ascii_alphabetic))
            });
            if letter_follows {
                return true;
            }
        }
        search_from = run_end;
    }
    false
}

fn is_postcode(text: &str, start: usize, end: usize, spaced: bool, letters: &str) -> bool {
    let never_issued = ["SA", "SD", "SS"]
        .iter()
        .any(|pair| letters.eq_ignore_ascii_case(pair));
    if never_issued {
        return false;
    }
    let part_of_number = char_before(text, start)
        .is_some_and(|previous| matches!(previous, '.' | ',' | '-' | '/' | '€' | '+' | '#'));
    if part_of_number {
        return false;
    }
    let has_cue = {
        let before = same_sentence_tail(window_before(text, start, 40));
        POSTCODE_CUES
            .iter()
            .any(|cue| contains_ignore_ascii_case(before, cue))
    };
    let upper_case = letters.bytes().all(|byte| byte.is_ascii_uppercase());
    if !upper_case {
        if spaced {
            return has_cue;
        }
        let is_unit = GLUED_UNITS
            .iter()
            .any(|unit| letters.eq_ignore_ascii_case(unit));
        return has_cue || !is_unit;
    }
    if has_cue {
        return true;
    }
    if shouted_around(text, start, end) {
        return false;
    }
    let ambiguous = AMBIGUOUS_PAIRS.contains(&letters);
    if !ambiguous {
        return true;
    }
    place_name_follows(text, end)
}

/// Whether the next word is a place name: capitalised and then lower case (`Assen`, `Den Haag`,
/// `'s-Hertogenbosch`).
fn place_name_follows(text: &str, end: usize) -> bool {
    let after = window_after(text, end, 24);
    let Some(rest) = after.strip_prefix(' ').or_else(|| after.strip_prefix("  ")) else {
        return false;
    };
    let rest = rest.strip_prefix("'s-").unwrap_or(rest);
    let mut characters = rest.chars();
    let first_upper = characters.next().is_some_and(char::is_uppercase);
    let second_lower = characters.next().is_some_and(char::is_lowercase);
    first_upper && second_lower
}

/// Whether the words right before and after are written in capitals (shouting, headlines).
fn shouted_around(text: &str, start: usize, end: usize) -> bool {
    let before_word = window_before(text, start, 20)
        .trim_end()
        .rsplit(' ')
        .next()
        .unwrap_or_default();
    let after_word = window_after(text, end, 20)
        .trim_start()
        .split(' ')
        .next()
        .unwrap_or_default();
    let all_caps = |word: &str| {
        let letters = word.chars().filter(|character| character.is_alphabetic());
        let mut count = 0;
        for letter in letters {
            if !letter.is_uppercase() {
                return false;
            }
            count += 1;
        }
        count >= 2
    };
    all_caps(before_word) || all_caps(after_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        PostcodeDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn postcodes_in_every_case() {
        assert_eq!(found("postcode 2563EK hier"), ["2563EK"]);
        assert_eq!(found("(postcode 7511 JL, Enschede)"), ["7511 JL"]);
        assert_eq!(found("Storing in 3581 KP en omgeving"), ["3581 KP"]);
        assert_eq!(found("wijk (5612 AZ) is"), ["5612 AZ"]);
        assert_eq!(found("woon in 3511ab sinds"), ["3511ab"]);
        assert_eq!(found("mijn pc is 3511 ab"), ["3511 ab"]);
        assert_eq!(found("9401 EN Assen"), ["9401 EN"]);
    }

    #[test]
    fn look_alikes_stay() {
        for text in [
            "in 2024 en 2025",
            "In 2024 EN daarna",
            "HET IS 2024 GA ZO DOOR",
            "1500 km gefietst",
            "1500 KM gefietst",
            "1000mg paracetamol",
            "3511 SS",
            "€ 1.250 AB",
            "0123 AB",
            "12345 AB",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
