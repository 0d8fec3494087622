//! Dates of birth: a full date (day, month and year) that the context marks as someone's birth
//! date, in any format: numeric with `-`, `/` or `.` (`14-03-1987`, `17/08/2006`, `3.5.41` after
//! a cue), ISO (`1987-03-14`), or with the month written out or abbreviated in Dutch or English
//! (`3 mei 1941`, `23 februari 1950`, `March 3rd, 1987`, `14 mrt. 1987`).
//!
//! Cues: `geboren (op)`, `geb.`, `geboortedatum`, `born`, `date of birth`, `DOB`, the Belgian
//! `°` and a genealogical `*` before the date; `geboren`/`born` after it in the same sentence
//! (`is op 4 juli 2015 geboren`); and, more weakly, a date listed among identity data (near
//! `BSN`, `gegevens`, `naam`) or in brackets with an age context (`opa Jan (12-03-1950)`,
//! `overleden`). Only the date is spanned. Other dates, ages and birthdays without a year are not
//! labelled.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use peil_model::PlaceholderKind;
use regex::{Captures, Regex};

use super::scan::{
    compile, contains_ignore_ascii_case, digit_run_end, keyword_matcher, next_digit, window_after,
    window_before,
};
use super::Detector;
use crate::{AllowList, Span};

/// Month names and abbreviations, Dutch and English, longest first.
const MONTHS: &[(&str, u32)] = &[
    ("september", 9),
    ("februari", 2),
    ("february", 2),
    ("augustus", 8),
    ("november", 11),
    ("december", 12),
    ("oktober", 10),
    ("october", 10),
    ("januari", 1),
    ("january", 1),
    ("august", 8),
    ("maart", 3),
    ("march", 3),
    ("april", 4),
    ("juni", 6),
    ("june", 6),
    ("juli", 7),
    ("july", 7),
    ("sept", 9),
    ("febr", 2),
    ("mei", 5),
    ("may", 5),
    ("jan", 1),
    ("feb", 2),
    ("mrt", 3),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("okt", 10),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Full dates. Groups: numeric day-month-year (1–3), ISO (4–6), day-monthname-year (7–9),
/// monthname-day-year (10–12).
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let months = MONTHS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join("|");
    let numeric = r"([0-3]?[0-9])[-/.]([01]?[0-9])[-/.]((?:19|20)[0-9]{2}|[0-9]{2})";
    let iso = r"((?:19|20)[0-9]{2})-([01][0-9])-([0-3][0-9])";
    let day_month_year = format!(
        r"([0-3]?[0-9])(?:e|ste|de|st|nd|rd|th)?\.?[ ]+(?:of[ ]+)?({months})\.?,?[ ]+((?:19|20)[0-9]{{2}}|'[0-9]{{2}})"
    );
    let month_day_year =
        format!(r"({months})\.?[ ]+([0-3]?[0-9])(?:st|nd|rd|th)?,?[ ]+((?:19|20)[0-9]{{2}})");
    compile(&format!(
        r"(?i-u)\b(?:{numeric}|{iso}|{day_month_year}|{month_day_year})\b"
    ))
});

/// Anything that could mark a birth date; texts without one are skipped at once.
static ANY_CUE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let mut cues: Vec<&str> = Vec::new();
    cues.extend_from_slice(CUES_BEFORE);
    cues.extend_from_slice(CUES_AFTER);
    cues.extend_from_slice(IDENTITY_CUES);
    cues.push("*");
    keyword_matcher(&cues)
});

/// Age and family words, looked for only when the text has a bracket.
static AGE_CUE: LazyLock<AhoCorasick> = LazyLock::new(|| keyword_matcher(AGE_CUES));

/// Cues before the date that mark it as a birth date.
const CUES_BEFORE: &[&str] = &[
    "geboren",
    "geb.",
    "geb ",
    "geb:",
    "geboortedatum",
    "geboortedag",
    "geb.datum",
    "geb. datum",
    "born",
    "birth",
    "date of birth",
    "birthdate",
    "dob",
    "d.o.b",
    "°",
    "verjaardag",
    "birthday",
    "jarig",
];

/// Cues after the date (same sentence).
const CUES_AFTER: &[&str] = &["geboren", "born", "ter wereld gekomen", "bevallen"];

/// Identity data listed with the date.
const IDENTITY_CUES: &[&str] = &[
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "gegevens",
    "naam:",
    "op naam van",
    "identiteit",
    "paspoort",
    "id-kaart",
];

/// Age and family context for a date in brackets after a name.
const AGE_CUES: &[&str] = &[
    "jaar",
    "oud",
    "overleden",
    "†",
    "opa",
    "oma",
    "zoon",
    "dochter",
    "baby",
    "kind",
    "leeftijd",
    "aged",
    "age",
    "years old",
    "vader",
    "moeder",
    "broer",
    "zus",
];

/// Dates of birth.
pub struct DateOfBirthDetector;

impl Detector for DateOfBirthDetector {
    fn name(&self) -> &'static str {
        "date-of-birth"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        if !has_date_shape(bytes) {
            return;
        }
        let bracketed_age = || memchr::memchr(b'(', bytes).is_some() && AGE_CUE.is_match(text);
        if !ANY_CUE.is_match(text) && !bracketed_age() {
            return;
        }
        for captures in DATE.captures_iter(text) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            let Some(date) = parse_date(&captures) else {
                continue;
            };
            if !(1..=31).contains(&date.day) || !(1..=12).contains(&date.month) {
                continue;
            }
            let strong = has_strong_cue(text, whole.start(), whole.end());
            let accepted = if date.two_digit_year {
                strong
            } else {
                strong || has_weak_cue(text, whole.start(), whole.end())
            };
            if accepted {
                spans.push(Span::new(
                    whole.start(),
                    whole.end(),
                    PlaceholderKind::DateOfBirth,
                ));
            }
        }
    }
}

/// Cheap prefilter: a year (`19xx`, `20xx`, `'xx`) or a numeric date shape (`d-m-yy`).
fn has_date_shape(bytes: &[u8]) -> bool {
    let mut search_from = 0;
    while let Some(run_start) = next_digit(bytes, search_from) {
        let run_end = digit_run_end(bytes, run_start);
        search_from = run_end;
        let run = bytes.get(run_start..run_end).unwrap_or_default();
        let year = ((run.len() == 4 && (run.starts_with(b"19") || run.starts_with(b"20")))
            || (run.len() == 2 && run_start > 0 && bytes.get(run_start - 1) == Some(&b'\'')))
            && year_can_end_date(bytes, run_start, run_end);
        let numeric_date = run.len() <= 2
            && bytes
                .get(run_end)
                .is_some_and(|separator| matches!(separator, b'-' | b'/' | b'.'))
            && bytes.get(run_end + 1).is_some_and(u8::is_ascii_digit)
            && {
                let mut cursor = run_end + 1;
                while bytes.get(cursor).is_some_and(u8::is_ascii_digit) {
                    cursor += 1;
                }
                bytes
                    .get(cursor)
                    .is_some_and(|separator| matches!(separator, b'-' | b'/' | b'.'))
                    && bytes.get(cursor + 1).is_some_and(u8::is_ascii_digit)
            };
        if year || numeric_date {
            return true;
        }
    }
    false
}

/// Whether the year-like digits at `run_start..run_end` (after an apostrophe for `'xx`) can be
/// part of a full date: followed by `-digit` (ISO), after a `-`, `/` or `.` (numeric), or after
/// spaces that follow a month name or a word with a digit (`3 mei 1941`, `March 3rd, 1987`).
/// A bare year (`in 2023`) cannot, and the cue search is then skipped.
fn year_can_end_date(bytes: &[u8], run_start: usize, run_end: usize) -> bool {
    if bytes.get(run_end) == Some(&b'-') && bytes.get(run_end + 1).is_some_and(u8::is_ascii_digit) {
        return true;
    }
    let mut cursor = run_start;
    if cursor > 0 && bytes.get(cursor - 1) == Some(&b'\'') {
        cursor -= 1;
    }
    if cursor > 0
        && bytes
            .get(cursor - 1)
            .is_some_and(|separator| matches!(separator, b'-' | b'/' | b'.'))
    {
        return true;
    }
    let spaces_end = cursor;
    while cursor > 0 && bytes.get(cursor - 1) == Some(&b' ') {
        cursor -= 1;
    }
    if cursor == spaces_end {
        return false;
    }
    if cursor > 0 && bytes.get(cursor - 1) == Some(&b',') {
        cursor -= 1;
    }
    if cursor > 0 && bytes.get(cursor - 1) == Some(&b'.') {
        cursor -= 1;
    }
    let word_end = cursor;
    while cursor > 0 && bytes.get(cursor - 1).is_some_and(u8::is_ascii_alphanumeric) {
        cursor -= 1;
    }
    let word = bytes.get(cursor..word_end).unwrap_or_default();
    word.iter().any(u8::is_ascii_digit)
        || MONTHS
            .iter()
            .any(|(month, _)| month.as_bytes().eq_ignore_ascii_case(word))
}

struct Date {
    day: u32,
    month: u32,
    two_digit_year: bool,
}

fn number(captures: &Captures<'_>, group: usize) -> Option<u32> {
    captures.get(group)?.as_str().parse().ok()
}

fn month_number(captures: &Captures<'_>, group: usize) -> Option<u32> {
    let name = captures.get(group)?.as_str();
    MONTHS
        .iter()
        .find(|(month, _)| month.eq_ignore_ascii_case(name))
        .map(|(_, number)| *number)
}

fn parse_date(captures: &Captures<'_>) -> Option<Date> {
    if captures.get(1).is_some() {
        let year_length = captures.get(3)?.as_str().len();
        let first = number(captures, 1)?;
        let second = number(captures, 2)?;
        // Day-month as written in Dutch; month-day (`3/14/1987`) is accepted too.
        let (day, month) = if second > 12 && first <= 12 {
            (second, first)
        } else {
            (first, second)
        };
        return Some(Date {
            day,
            month,
            two_digit_year: year_length == 2,
        });
    }
    if captures.get(4).is_some() {
        return Some(Date {
            day: number(captures, 6)?,
            month: number(captures, 5)?,
            two_digit_year: false,
        });
    }
    if captures.get(7).is_some() {
        let two_digit_year = captures
            .get(9)
            .is_some_and(|year| year.as_str().starts_with('\''));
        return Some(Date {
            day: number(captures, 7)?,
            month: month_number(captures, 8)?,
            two_digit_year,
        });
    }
    Some(Date {
        day: number(captures, 11)?,
        month: month_number(captures, 10)?,
        two_digit_year: false,
    })
}

/// The part of the text before the date that belongs to its sentence: cut after the last
/// `. `, `! `, `? ` or newline, except after the abbreviation `geb.`/`d.o.b.`.
fn clause_before(text: &str, start: usize, max_bytes: usize) -> &str {
    let window = window_before(text, start, max_bytes);
    let bytes = window.as_bytes();
    let mut cut = 0;
    for (index, byte) in bytes.iter().enumerate() {
        let followed_by_space = bytes.get(index + 1).is_some_and(|next| *next == b' ');
        let is_break = *byte == b'\n'
            || (matches!(byte, b'!' | b'?') && followed_by_space)
            || (*byte == b'.'
                && followed_by_space
                && !ends_with_abbreviation(window.get(..index).unwrap_or("")));
        if is_break {
            cut = index + 1;
        }
    }
    window.get(cut..).unwrap_or_default()
}

fn ends_with_abbreviation(before_dot: &str) -> bool {
    [
        "geb",
        "d.o.b",
        "dob",
        "b",
        "ca",
        "nr",
        "gb",
        "geb.datum",
        "dhr",
        "mevr",
        "mw",
    ]
    .iter()
    .any(|abbreviation| {
        before_dot.len() >= abbreviation.len()
            && before_dot
                .get(before_dot.len() - abbreviation.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(abbreviation))
    })
}

/// The part of the text after the date up to the end of its sentence.
fn clause_after(text: &str, end: usize, max_bytes: usize) -> &str {
    let window = window_after(text, end, max_bytes);
    let cut = window.find(['.', '!', '?', '\n']).unwrap_or(window.len());
    window.get(..cut).unwrap_or_default()
}

fn has_strong_cue(text: &str, start: usize, end: usize) -> bool {
    let before = clause_before(text, start, 48);
    let cue_before = CUES_BEFORE
        .iter()
        .any(|cue| contains_ignore_ascii_case(before, cue));
    let genealogical_star = before.trim_end().ends_with(['*', '°']);
    let after = clause_after(text, end, 32);
    let cue_after = CUES_AFTER
        .iter()
        .any(|cue| contains_ignore_ascii_case(after, cue));
    cue_before || genealogical_star || cue_after
}

fn has_weak_cue(text: &str, start: usize, end: usize) -> bool {
    let before_near = window_before(text, start, 3);
    let listed =
        before_near.ends_with(", ") || before_near.ends_with('(') || before_near.ends_with(": ");
    if !listed {
        return false;
    }
    let before = clause_before(text, start, 80);
    let after = clause_after(text, end, 40);
    let identity = IDENTITY_CUES.iter().any(|cue| {
        contains_ignore_ascii_case(before, cue) || contains_ignore_ascii_case(after, cue)
    });
    if identity {
        return true;
    }
    let bracketed_after_name = before_near.ends_with('(') && {
        let name = before.trim_end_matches(['(', ' ']);
        let last = name.rsplit(' ').next().unwrap_or_default();
        last.chars().next().is_some_and(char::is_uppercase)
    };
    bracketed_after_name
        && AGE_CUES.iter().any(|cue| {
            contains_ignore_ascii_case(before, cue) || contains_ignore_ascii_case(after, cue)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        DateOfBirthDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn birth_dates_in_context() {
        for (text, date) in [
            (
                "Mijn vader is op 23 februari 1950 geboren en",
                "23 februari 1950",
            ),
            ("Mijn zoon, geboren op 17/08/2006, heeft", "17/08/2006"),
            ("Jet is op 4 juli 2015 geboren en wordt", "4 juli 2015"),
            ("(Kim de Jong, 08-01-1992, BSN 335116152)", "08-01-1992"),
            ("geboren op 14-03-1987 en nu", "14-03-1987"),
            ("Mijn oma (geb. 3 mei 1941) heeft", "3 mei 1941"),
            ("Geboortedatum: 30/06/1964, BSN: 894026549", "30/06/1964"),
            ("Onze Sem (geboren 02-11-2020) staat", "02-11-2020"),
            ("Geboortedatum (21-09-1978) en BSN", "21-09-1978"),
            ("born on March 3rd, 1987 in Leiden", "March 3rd, 1987"),
            ("DOB: 1987-03-14", "1987-03-14"),
            ("Jan Peeters (° 12.03.1950)", "12.03.1950"),
            ("geb. 14 mrt. 1987", "14 mrt. 1987"),
            ("date of birth 14 March 1987", "14 March 1987"),
            ("geboren 3-5-41", "3-5-41"),
            ("opa Jan (12-03-1938) is 86 jaar", "12-03-1938"),
            ("geboren op zondag 3 mei '41 in Delft", "3 mei '41"),
        ] {
            assert_eq!(found(text), [date], "{text}");
        }
    }

    #[test]
    fn other_dates_stay() {
        for text in [
            "De vergadering is op 12-03-2024.",
            "Ik ben geboren in Utrecht. Op 12-03-2024 verhuis ik.",
            "Femke wordt morgen 18 🎉",
            "jarig op 3 mei!",
            "op 12-10-2026 om 14:00",
            "geboren op 31-31-1990",
            "Wet van 12 mei 2019",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
