//! What one query word can be as part of a person's name: how strongly it reads as a first name
//! or a surname, whether it is a tussenvoegsel, initials, a title, a place or a word that makes
//! the words around it an organisation's name. Built on the lexicon of the de-identification
//! engine (`peil_deid`), with the query-specific readings added here: abbreviated tussenvoegsels
//! (`vd`, `v.d.`, `v/d`), typos (one edit from a first name or surname), names written as one
//! word (`fleurjacobs`, `robinvdberg`) and street or building names (`Emmastraat`).
//!
//! Scores are small integers: 2 a clear reading, 1 a possible one (the form is also an ordinary
//! word or a place), 0 none. This module must never log or keep the words it is given.

use peil_deid::detectors::PersonNameDetector as Lexicon;

use super::query_words::QueryWord;

const FIRST_NAME_COMMON: u32 = Lexicon::LEXICON_FIRST_NAME_COMMON;
const FIRST_NAME_OTHER: u32 = Lexicon::LEXICON_FIRST_NAME_OTHER;
const SURNAME_COMMON: u32 = Lexicon::LEXICON_SURNAME_COMMON;
const SURNAME_OTHER: u32 = Lexicon::LEXICON_SURNAME_OTHER;
const SURNAME_PART: u32 = Lexicon::LEXICON_SURNAME_PART;
const DUTCH_WORD: u32 = Lexicon::LEXICON_DUTCH_WORD;
const DUTCH_FREQUENT_WORD: u32 = Lexicon::LEXICON_DUTCH_FREQUENT_WORD;
const ENGLISH_WORD: u32 = Lexicon::LEXICON_ENGLISH_WORD;
const PLACE: u32 = Lexicon::LEXICON_PLACE;
const PROPER_NOUN: u32 = Lexicon::LEXICON_PROPER_NOUN;
const TITLE: u32 = Lexicon::LEXICON_TITLE;
const PARTICLE: u32 = Lexicon::LEXICON_PARTICLE;
const LEADING_PARTICLE: u32 = Lexicon::LEXICON_LEADING_PARTICLE;
const ORGANISATION_BEFORE: u32 = Lexicon::LEXICON_ORGANISATION_BEFORE;
const ORGANISATION_AFTER: u32 = Lexicon::LEXICON_ORGANISATION_AFTER;
const NEVER_A_NAME: u32 = Lexicon::LEXICON_NEVER_A_NAME;

const ANY_SURNAME: u32 = SURNAME_COMMON | SURNAME_OTHER | SURNAME_PART;
const ANY_NAME: u32 = FIRST_NAME_COMMON | FIRST_NAME_OTHER | ANY_SURNAME;

/// Shortest word for which a typo (one edit from a name) is considered.
const MIN_TYPO_LETTERS: usize = 5;

/// Longest word for which typos and one-word names are computed (bounds the work per word).
const MAX_ANALYSED_LETTERS: usize = 24;

/// Abbreviated tussenvoegsels that the lexicon does not hold.
const ABBREVIATED_PARTICLES: &[&str] = &[
    "vd", "v.d.", "v.d", "vd.", "v/d", "v/d.", "vdr", "v.d.r.", "vnd", "v.", "d.", "v.der",
    "v.den", "vander", "vanden", "vander.", "vanden.",
];

/// Tussenvoegsels that start a surname (`van`, `de`), for names written as one word.
const LEADING_PARTICLES_IN_ONE_WORD: &[&str] = &[
    "vander", "vanden", "vande", "van", "vd", "der", "den", "de", "ter", "ten", "te", "el", "al",
];

/// Endings of street, square, park and building names: a word with one of these endings that
/// is not itself a known surname names a place (`Emmastraat`, `Beatrixpark`).
const PLACE_NAME_ENDINGS: &[&str] = &[
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
    "park",
    "plantsoen",
    "boulevard",
    "ziekenhuis",
    "huis",
    "school",
    "kerk",
    "museum",
    "theater",
    "stadion",
    "centrum",
    "brug",
    "haven",
    "kanaal",
    "tunnel",
    "college",
    "lyceum",
    "fonds",
    "prijs",
    "dag",
    "week",
    "loop",
    "tocht",
    "wijk",
    "stad",
    "dorp",
    "bos",
];

/// How a word can take part in a person's name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct NameReading {
    /// 2: a first name; 1: a first name that is also an ordinary word, a place or a name of
    /// another locale; 0: not a first name.
    pub(super) first_name: u8,
    /// The same for a surname standing alone (without tussenvoegsels).
    pub(super) surname: u8,
    /// May follow a tussenvoegsel as the last part of a surname (`berg` in `van den berg`).
    pub(super) surname_after_particle: bool,
    /// A tussenvoegsel, written out or abbreviated (`van`, `de`, `vd`, `v.d.`).
    pub(super) particle: bool,
    /// A tussenvoegsel that can start a surname (`van`, `de`, `ter`, `vd`; not `in`, `het`).
    pub(super) leading_particle: bool,
    /// Initials (`J.`, `J.P.`, or one capital letter).
    pub(super) initials: bool,
    /// A title, role or kinship word that stands before a name (`mevrouw`, `wethouder`, `opa`).
    pub(super) title: bool,
    /// A place.
    pub(super) place: bool,
    /// Makes the name-like words after it an organisation's name (`Stichting`).
    pub(super) organisation_before: bool,
    /// Makes the name-like words before it an organisation's or building's name (`Museum`).
    pub(super) organisation_after: bool,
    /// Ends like a street, park or building name (`Coenstraat`, `Kinderziekenhuis`).
    pub(super) building: bool,
    /// Not in the lexicon at all (possibly a typo or a name written as one word).
    pub(super) unknown: bool,
}

/// The lexicon flags of a form (0 when unknown); a form with accents is also looked up without
/// them (`daniëlle` as `danielle`).
pub(super) fn flags_of(form: &str) -> u32 {
    let flags = Lexicon::lexicon_flags(form);
    if form.is_ascii() {
        return flags;
    }
    let folded: String = form.chars().map(fold_accent).collect();
    if folded == form {
        return flags;
    }
    flags | Lexicon::lexicon_flags(&folded)
}

/// The letter without its accent, for the letters of Dutch and the languages of large communities
/// in the Netherlands and Belgium.
fn fold_accent(character: char) -> char {
    match character {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' | 'č' | 'ć' => 'c',
        'ñ' | 'ń' => 'n',
        'ş' | 'š' | 'ś' => 's',
        'ğ' => 'g',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

fn is_word_flags(flags: u32) -> bool {
    flags & (DUTCH_FREQUENT_WORD | ENGLISH_WORD) != 0
}

/// First-name score from lexicon flags.
fn first_name_score(flags: u32) -> u8 {
    if flags & NEVER_A_NAME != 0 {
        return 0;
    }
    if flags & FIRST_NAME_COMMON != 0 {
        if is_word_flags(flags) || flags & PLACE != 0 {
            return 1;
        }
        return 2;
    }
    if flags & FIRST_NAME_OTHER != 0
        && flags & (DUTCH_WORD | DUTCH_FREQUENT_WORD | ENGLISH_WORD | PLACE) == 0
    {
        return 1;
    }
    // Only a proper noun of the Dutch word list (`willemijn`): possibly a first name.
    let only_proper_noun = flags & PROPER_NOUN != 0
        && flags & (DUTCH_WORD | DUTCH_FREQUENT_WORD | ENGLISH_WORD | PLACE | ANY_NAME) == 0;
    u8::from(only_proper_noun)
}

/// Surname score from lexicon flags (a surname standing alone).
fn surname_score(flags: u32) -> u8 {
    if flags & NEVER_A_NAME != 0 {
        return 0;
    }
    if flags & SURNAME_COMMON != 0 {
        if is_word_flags(flags) || flags & PLACE != 0 {
            return 1;
        }
        return 2;
    }
    if flags & SURNAME_OTHER != 0
        && flags & (DUTCH_WORD | DUTCH_FREQUENT_WORD | ENGLISH_WORD | PLACE) == 0
    {
        return 1;
    }
    let only_proper_noun = flags & PROPER_NOUN != 0
        && flags & (DUTCH_WORD | DUTCH_FREQUENT_WORD | ENGLISH_WORD | PLACE | ANY_NAME) == 0;
    if only_proper_noun {
        return 1;
    }
    0
}

fn is_alphabetic_word(form: &str) -> bool {
    !form.is_empty() && form.chars().all(char::is_alphabetic)
}

/// `J.`, `J.P.`, `jp.` or one capital letter as typed.
fn is_initials(word: &QueryWord) -> bool {
    let typed = word.typed.as_str();
    let mut characters = typed.chars();
    if let (Some(letter), None) = (characters.next(), characters.next()) {
        return letter.is_uppercase();
    }
    if !typed.ends_with('.') {
        return false;
    }
    let letters: Vec<&str> = typed.trim_end_matches('.').split('.').collect();
    if letters.iter().all(|part| part.chars().count() == 1) && letters.len() <= 4 {
        return letters
            .iter()
            .all(|part| part.chars().all(char::is_alphabetic));
    }
    let compact = typed.trim_end_matches('.');
    compact.chars().count() == 2
        && compact.chars().all(char::is_alphabetic)
        && flags_of(compact) == 0
}

/// True when `form` is an abbreviated or written-out tussenvoegsel.
pub(super) fn is_particle(form: &str) -> bool {
    if ABBREVIATED_PARTICLES.contains(&form) {
        return true;
    }
    let flags = flags_of(form);
    flags & PARTICLE != 0 && flags & FIRST_NAME_COMMON == 0
}

/// True when `form` is a tussenvoegsel that can start a surname.
fn is_leading_particle(form: &str) -> bool {
    ABBREVIATED_PARTICLES.contains(&form) || flags_of(form) & LEADING_PARTICLE != 0
}

/// True when `form` ends like a street, square, park or building name.
pub(super) fn names_a_place_or_building(form: &str) -> bool {
    PLACE_NAME_ENDINGS
        .iter()
        .any(|ending| form.len() > ending.len() + 2 && form.ends_with(ending))
        && flags_of(form) & (SURNAME_COMMON | SURNAME_OTHER) == 0
}

/// The reading of one query word.
pub(super) fn read_word(word: &QueryWord) -> NameReading {
    if word.not_a_name_form {
        return NameReading::default();
    }
    let form = word.lower.trim_end_matches('.');
    if form.is_empty() {
        return NameReading::default();
    }
    let mut reading = NameReading {
        particle: is_particle(&word.lower) || is_particle(form),
        leading_particle: is_leading_particle(&word.lower) || is_leading_particle(form),
        initials: !word.letter_spaced && is_initials(word),
        ..NameReading::default()
    };
    let flags = flags_of(form);
    reading.title = flags & TITLE != 0;
    reading.place = flags & PLACE != 0;
    reading.organisation_before = flags & ORGANISATION_BEFORE != 0;
    reading.organisation_after = flags & ORGANISATION_AFTER != 0;
    if reading.particle || reading.initials {
        return reading;
    }
    if names_a_place_or_building(form) {
        reading.place = true;
        reading.building = true;
        return reading;
    }
    if form.contains('-') {
        return read_hyphenated(form, reading);
    }
    reading.first_name = first_name_score(flags);
    reading.surname = surname_score(flags);
    let place_only = flags & PLACE != 0 && flags & ANY_SURNAME == 0;
    reading.surname_after_particle = flags & NEVER_A_NAME == 0
        && (flags & (ANY_NAME | PROPER_NOUN) != 0 || (flags == 0 && is_alphabetic_word(form)))
        && !place_only;
    reading.unknown = flags == 0 && is_alphabetic_word(form);
    if reading.unknown && word.capitalised && form.chars().count() >= 3 {
        reading.surname = 1;
    }
    if reading.unknown && form.chars().count() <= MAX_ANALYSED_LETTERS {
        // A surname with its tussenvoegsels written as one word (`debruijn`, `vandijk`).
        if one_word_surname_score(form) == 2 {
            reading.surname = 2;
        }
    }
    reading
}

/// A hyphenated form: a double first name (`jan-willem`) or a double surname (`smit-jansen`).
fn read_hyphenated(form: &str, mut reading: NameReading) -> NameReading {
    let whole_flags = flags_of(form);
    if whole_flags != 0 {
        reading.first_name = first_name_score(whole_flags);
        reading.surname = surname_score(whole_flags);
        return reading;
    }
    let parts: Vec<&str> = form.split('-').filter(|part| !part.is_empty()).collect();
    if parts.len() < 2 || !parts.iter().all(|part| is_alphabetic_word(part)) {
        return reading;
    }
    let first_scores: Vec<u8> = parts
        .iter()
        .map(|part| first_name_score(flags_of(part)))
        .collect();
    if first_scores.iter().all(|score| *score > 0) {
        reading.first_name = first_scores.iter().copied().max().unwrap_or(0);
    }
    let surname_parts = parts
        .iter()
        .filter(|part| surname_score(flags_of(part)) > 0)
        .count();
    if surname_parts == parts.len() {
        reading.surname = 2;
    }
    reading
}

/// Calls `visit` with every form one edit (deletion, transposition, substitution, insertion of
/// a letter a–z) away from `form`, until it returns true.
fn any_form_one_edit_away(form: &str, mut visit: impl FnMut(&str) -> bool) -> bool {
    let characters: Vec<char> = form.chars().collect();
    let mut candidate = String::with_capacity(form.len() + 4);
    let build = |candidate: &mut String, parts: &[&[char]]| {
        candidate.clear();
        for part in parts {
            candidate.extend(part.iter());
        }
    };
    for index in 0..characters.len() {
        build(
            &mut candidate,
            &[&characters[..index], &characters[index + 1..]],
        );
        if visit(&candidate) {
            return true;
        }
    }
    for index in 0..characters.len().saturating_sub(1) {
        let mut swapped = characters.clone();
        swapped.swap(index, index + 1);
        build(&mut candidate, &[&swapped]);
        if visit(&candidate) {
            return true;
        }
    }
    for index in 0..=characters.len() {
        for letter in 'a'..='z' {
            build(
                &mut candidate,
                &[&characters[..index], &[letter], &characters[index..]],
            );
            if visit(&candidate) {
                return true;
            }
            if index < characters.len() && characters[index] != letter {
                build(
                    &mut candidate,
                    &[&characters[..index], &[letter], &characters[index + 1..]],
                );
                if visit(&candidate) {
                    return true;
                }
            }
        }
    }
    false
}

fn typo_candidate(word: &QueryWord) -> Option<&str> {
    if word.not_a_name_form {
        return None;
    }
    let form = word.lower.as_str();
    let letters = form.chars().count();
    if !(MIN_TYPO_LETTERS..=MAX_ANALYSED_LETTERS).contains(&letters) || !is_alphabetic_word(form) {
        return None;
    }
    if flags_of(form) != 0 {
        return None;
    }
    Some(form)
}

/// 1 when `word` is unknown and one edit from a common first name (`joroen`), else 0.
pub(super) fn typo_first_name_score(word: &QueryWord) -> u8 {
    let Some(form) = typo_candidate(word) else {
        return 0;
    };
    let found = any_form_one_edit_away(form, |candidate| {
        let flags = flags_of(candidate);
        flags & FIRST_NAME_COMMON != 0 && flags & NEVER_A_NAME == 0
    });
    u8::from(found)
}

/// 1 when `word` is unknown and one edit from a common surname (`bakkr`), else 0.
pub(super) fn typo_surname_score(word: &QueryWord) -> u8 {
    let Some(form) = typo_candidate(word) else {
        return 0;
    };
    let found = any_form_one_edit_away(form, |candidate| {
        let flags = flags_of(candidate);
        flags & SURNAME_COMMON != 0 && flags & (NEVER_A_NAME | PLACE) == 0
    });
    u8::from(found)
}

/// The score of `rest` as the surname part of a name written as one word: a surname, or
/// tussenvoegsels followed by a surname part (`vdberg`, `degroot`).
fn one_word_surname_score(rest: &str) -> u8 {
    let flags = flags_of(rest);
    let direct = surname_score(flags);
    if direct > 0 {
        return direct;
    }
    for particle in LEADING_PARTICLES_IN_ONE_WORD {
        let Some(after_particle) = rest.strip_prefix(particle) else {
            continue;
        };
        if after_particle.chars().count() < 3 {
            continue;
        }
        let after_flags = flags_of(after_particle);
        let written_apart = format!("{particle} {after_particle}");
        let names_a_place = flags_of(&written_apart) & PLACE != 0;
        if after_flags & (ANY_SURNAME | PROPER_NOUN) != 0 && !names_a_place {
            return 2;
        }
        let nested = one_word_surname_score(after_particle);
        if nested == 2 {
            return 2;
        }
    }
    0
}

/// True when `form` is a first name and a surname written as one word (`fleurjacobs`,
/// `robinvdberg`, `kevinroeleveld`): an unknown word that splits into a first name (at least
/// three letters) and a surname, with a combined score of at least 3. With `initial_allowed`
/// (inside a handle) a single initial letter before a clear surname also counts (`phendriks`).
pub(super) fn is_name_written_as_one_word(form: &str, initial_allowed: bool) -> bool {
    let letters = form.chars().count();
    if !(6..=MAX_ANALYSED_LETTERS).contains(&letters) || !is_alphabetic_word(form) {
        return false;
    }
    if flags_of(form) != 0 {
        return false;
    }
    let boundaries: Vec<usize> = form.char_indices().map(|(offset, _)| offset).collect();
    for boundary in boundaries.iter().skip(1) {
        let (given, rest) = form.split_at(*boundary);
        if rest.chars().count() < 3 {
            continue;
        }
        let given_letters = given.chars().count();
        if given_letters == 1 {
            if initial_allowed && surname_score(flags_of(rest)) == 2 {
                return true;
            }
            continue;
        }
        if given_letters < 3 {
            continue;
        }
        let given_score = first_name_score(flags_of(given));
        if given_score == 0 {
            continue;
        }
        let rest_score = one_word_surname_score(rest);
        if rest_score > 0 && given_score + rest_score >= 3 {
            return true;
        }
    }
    false
}

/// True when `part` (a piece of a user name, lower case) reads clearly as a name: a first name
/// or surname of score 2, a name written as one word, or tussenvoegsels plus a surname.
pub(super) fn is_name_part_of_user_name(part: &str) -> bool {
    if part.chars().count() < 3 || !is_alphabetic_word(part) {
        return false;
    }
    let flags = flags_of(part);
    if first_name_score(flags) == 2 || surname_score(flags) == 2 {
        return true;
    }
    if one_word_surname_score(part) == 2 && flags == 0 {
        return true;
    }
    is_name_written_as_one_word(part, true)
}

/// First-name and surname scores of a bare lower-case part (for camel-case user names).
pub(super) fn part_scores(part: &str) -> (u8, u8) {
    let flags = flags_of(part);
    (first_name_score(flags), surname_score(flags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::query_words::QueryWords;

    fn reading(typed: &str) -> NameReading {
        let query_words = QueryWords::split(typed);
        match query_words.words.first() {
            Some(word) => read_word(word),
            None => NameReading::default(),
        }
    }

    #[test]
    fn first_names_and_surnames_are_scored() {
        assert_eq!(reading("thijs").first_name, 2);
        assert_eq!(reading("jansen").surname, 2);
        assert_eq!(reading("mulder").surname, 1);
        assert_eq!(reading("utrecht").surname, 0);
        assert!(reading("vd").particle);
        assert!(reading("v.d.").particle);
        assert!(reading("J.P.").initials);
        assert!(reading("Emmastraat").place);
    }

    #[test]
    fn typos_and_one_word_names_are_recognised() {
        let query_words = QueryWords::split("joroen bakkr woningnood");
        assert_eq!(typo_first_name_score(&query_words.words[0]), 1);
        assert_eq!(typo_surname_score(&query_words.words[1]), 1);
        assert!(is_name_written_as_one_word("fleurjacobs", false));
        assert!(is_name_written_as_one_word("robinvdberg", false));
        assert!(is_name_written_as_one_word("phendriks", true));
        assert!(!is_name_written_as_one_word("phendriks", false));
        assert!(!is_name_written_as_one_word("jantjebeton", false));
    }
}
