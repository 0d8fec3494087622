//! Street addresses: a street name, a house number and its additions (`17A`, `12-III`, `88-2`,
//! `12 bis`, `12 hs`, Belgian `12 bus 3`), followed, when it is part of the same address line, by
//! a postcode and/or place (`Vondellaan 23, 3521 GH Utrecht`, `Meir 12, 2000 Antwerpen`).
//!
//! No street list from open data with an EUPL-compatible licence could be had from the package
//! registries, so street names are recognised by grammar: a capitalised word ending in a street
//! suffix (…straat, …laan, …weg, …plein, …gracht, …kade, …singel, …dijk, …hof, …dreef, …pad,
//! …steeg, …markt, …park, …plantsoen, …boulevard, Belgian …lei, …vest, …kaai, …steenweg and
//! more), with prefix words (`Prins Hendriklaan`, `Graaf Florisstraat`, `Jan van Galenstraat`)
//! and the multiword form `Laan van Meerdervoort`. After a residence cue (`woont op`, `adres:`)
//! any capitalised name counts (`Neude 11`) and lower-case names too. Words that end like a
//! street but are not one (`onderweg`, `supermarkt`, `parkeerplaats`) and numbers that are counts
//! (`Snelweg 2 uur`) are skipped. Addresses of public buildings (`het stadskantoor (Stadsplateau
//! 1)`) and addresses on the allow-list stay readable.

use std::sync::LazyLock;

use peil_model::PlaceholderKind;

use super::scan::{
    char_after, contains_ignore_ascii_case, ends_with_ignore_ascii_case, next_digit,
    same_sentence_tail, starts_with_ignore_ascii_case, window_after, window_before,
};
use super::Detector;
use crate::{AllowList, Span};

/// Endings of Dutch and Flemish street names (compared case-insensitively, longest first where
/// one ends another).
const STREET_SUFFIXES: &[&str] = &[
    "straatweg",
    "steenweg",
    "straat",
    "straatje",
    "laan",
    "laantje",
    "weg",
    "wegje",
    "plein",
    "pleintje",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "dijkje",
    "hof",
    "hofje",
    "hoven",
    "dreef",
    "pad",
    "paadje",
    "steeg",
    "steegje",
    "markt",
    "park",
    "plantsoen",
    "boulevard",
    "lei",
    "vest",
    "kaai",
    "wal",
    "burgwal",
    "haven",
    "baan",
    "allee",
    "brink",
    "erf",
    "akker",
    "kamp",
    "oord",
    "poort",
    "weide",
    "horst",
    "plaats",
    "passage",
    "galerij",
    "promenade",
    "esplanade",
    "wetering",
    "vaart",
    "plateau",
    "terras",
    "veld",
    "berg",
    "tuin",
    "tuinen",
    "heuvel",
];

/// Suffix words that are street names on their own (`Grote Markt 1`, `Brink 3`), once capitalised.
const STANDALONE_STREET_WORDS: &[&str] = &[
    "Markt",
    "Plein",
    "Brink",
    "Dam",
    "Singel",
    "Gracht",
    "Kade",
    "Dijk",
    "Ring",
    "Boulevard",
    "Haven",
    "Wal",
    "Vest",
    "Lei",
    "Kaai",
    "Esplanade",
    "Promenade",
];

/// Suffix words that start a multiword street name: `Laan van Meerdervoort`, `Weg naar Rhoon`.
const LEADING_STREET_WORDS: &[&str] = &[
    "Laan",
    "Weg",
    "Plein",
    "Kade",
    "Dijk",
    "Hof",
    "Dreef",
    "Singel",
    "Gracht",
    "Markt",
    "Boulevard",
    "Burgwal",
    "Straat",
    "Park",
    "Plantsoen",
    "Pad",
    "Steenweg",
    "Kaai",
    "Lei",
];

/// Words ending like a street that are not one.
const NOT_STREETS: &[&str] = &[
    "onderweg",
    "halfweg",
    "snelweg",
    "zijweg",
    "uitweg",
    "omweg",
    "autoweg",
    "rijweg",
    "spoorweg",
    "waterweg",
    "vaarweg",
    "hoofdweg",
    "fietspad",
    "wandelpad",
    "voetpad",
    "zandpad",
    "jaarmarkt",
    "arbeidsmarkt",
    "woningmarkt",
    "huizenmarkt",
    "supermarkt",
    "weekmarkt",
    "kerstmarkt",
    "rommelmarkt",
    "vlooienmarkt",
    "boekenmarkt",
    "aandelenmarkt",
    "huurmarkt",
    "energiemarkt",
    "marktplaats",
    "parkeerplaats",
    "werkplaats",
    "speelplaats",
    "woonplaats",
    "standplaats",
    "geboorteplaats",
    "ligplaats",
    "stageplaats",
    "verblijfplaats",
    "begraafplaats",
    "bouwplaats",
    "slaapplaats",
    "zitplaats",
    "staanplaats",
    "plaats",
    "kerkhof",
    "gerechtshof",
    "pretpark",
    "attractiepark",
    "windpark",
    "zonnepark",
    "wagenpark",
    "woonwagenpark",
    "bedrijvenpark",
    "nationaal park",
    "speeltuin",
    "moestuin",
    "dierentuin",
    "achtertuin",
    "voortuin",
    "tuin",
    "straat",
    "weg",
    "laan",
    "pad",
    "park",
    "hof",
    "baan",
    "loopbaan",
    "snelbaan",
    "ijsbaan",
    "atletiekbaan",
    "startbaan",
    "landingsbaan",
    "rijbaan",
    "busbaan",
    "vluchtstrook",
    "voetbalveld",
    "sportveld",
    "speelveld",
    "slagveld",
    "veld",
    "berg",
    "ijsberg",
    "afvalberg",
    "schuldenberg",
    "stuwmeer",
    "haven",
    "jachthaven",
    "veerhaven",
    "ring",
    "poort",
    "toegangspoort",
    "erf",
    "kamp",
    "zomerkamp",
    "trainingskamp",
    "vakantiepark",
    "dam",
    "rij",
    "wachtrij",
    "file",
    "gang",
    "ondergang",
    "overgang",
    "voortgang",
    "toegang",
    "ingang",
    "uitgang",
    "doorgang",
    "achteruitgang",
    "vooruitgang",
    "rondgang",
    "gang",
    "zijde",
    "terras",
    "dakterras",
    "plateau",
    "galerij",
    "passage",
    "heuvel",
    "weide",
    "akker",
    "vaart",
    "scheepvaart",
    "luchtvaart",
    "bedevaart",
    "zeevaart",
    "binnenvaart",
    "kaai",
    "vallei",
    "klei",
    "berg",
    "binnenhof",
    "stadspark",
    "sportpark",
    "bedrijventerrein",
];

/// Capitalised words that begin street names (`Prins Hendriklaan`, `Burg. de Withstraat`).
const STREET_PREFIX_WORDS: &[&str] = &[
    "Prins",
    "Prinses",
    "Koning",
    "Koningin",
    "Keizer",
    "Keizerin",
    "Graaf",
    "Gravin",
    "Hertog",
    "Hertogin",
    "Burgemeester",
    "Burg.",
    "Dokter",
    "Dr.",
    "Professor",
    "Prof.",
    "Sint",
    "St.",
    "Oude",
    "Oud",
    "Nieuwe",
    "Nieuw",
    "Korte",
    "Lange",
    "Grote",
    "Groot",
    "Kleine",
    "Klein",
    "Hoge",
    "Hoog",
    "Lage",
    "Laag",
    "Eerste",
    "Tweede",
    "Derde",
    "Vierde",
    "Generaal",
    "Gen.",
    "Admiraal",
    "Kapitein",
    "Pastoor",
    "Pater",
    "Kardinaal",
    "President",
    "Minister",
    "Jonkheer",
    "Jhr.",
    "Mr.",
    "Meester",
    "Ir.",
    "Ds.",
    "Dominee",
    "Van",
    "Noord",
    "Zuid",
    "Oost",
    "West",
    "Binnen",
    "Buiten",
    "Achter",
    "Voor",
    "Boven",
    "Beneden",
    "Heilige",
    "Onze",
    "Lieve",
    "Vrouwe",
    "Kerk",
    "Molen",
    "Stations",
    "Dorps",
];

/// Tussenvoegsels inside street names (`Jan van Galenstraat`, `Willem de Zwijgerlaan`).
const STREET_NAME_PARTICLES: &[&str] = &[
    "van", "der", "de", "den", "het", "'t", "ter", "ten", "la", "le", "du", "von", "op", "aan",
    "in", "naar", "bij", "a/d", "over",
];

/// Capitalised words that never start a street name (sentence starts, pronouns, prepositions).
const NOT_STREET_PREFIX_WORDS: &[&str] = &[
    "De", "Het", "Een", "Op", "Aan", "In", "Bij", "Naar", "Mijn", "Onze", "Ons", "Zijn", "Haar",
    "Hun", "Uw", "Jouw", "Deze", "Die", "Dat", "Dit", "Wie", "Wat", "Waar", "Hoe", "Ik", "Wij",
    "We", "Ze", "Zij", "Hij", "Je", "Jij", "Ook", "Nog", "Nu", "Hier", "Daar", "Dan", "En", "Of",
    "Maar", "Want", "Dus", "Via", "Tot", "Vanaf", "Sinds", "Tegen", "Langs", "Over", "Om", "Rond",
    "Richting", "Zie", "Bel", "Mail", "The", "At", "On", "To", "From", "My", "Our", "In", "Near",
    "Moved", "Adres", "Address", "Gevonden", "Verloren", "Gezien", "Gisteren", "Vandaag", "Morgen",
    "Te", "Huur", "Koop",
];

/// Cues that the number after a word is a residence (any capitalised or lower-case name counts).
const RESIDENCE_CUES: &[&str] = &[
    "woon op",
    "woont op",
    "wonen op",
    "woon aan",
    "woont aan",
    "wonen aan",
    "woonachtig",
    "wonend",
    "mijn adres",
    "ons adres",
    "adres:",
    "adres is",
    "address:",
    "address is",
    "lives at",
    "live at",
    "living at",
    "verhuisd naar",
    "moved to",
];

/// Words before an address that say it is a public building's address (organisational).
const PUBLIC_BUILDING_CUES: &[&str] = &[
    "stadskantoor",
    "stadhuis",
    "gemeentehuis",
    "gemeentekantoor",
    "raadhuis",
    "provinciehuis",
    "politiebureau",
    "brandweerkazerne",
    "bibliotheek",
    "bieb ",
    "ziekenhuis",
    "huisartsenpost",
    "wijkbureau",
    "stadsloket",
    "servicepunt",
    "ministerie",
    "hoofdkantoor",
    "museum",
    "schouwburg",
    "theater",
    "zwembad",
    "sporthal",
    "buurthuis",
    "wijkcentrum",
    "stembureau",
    "bezoekadres",
    "kantoor van",
    "station ",
    "city hall",
    "town hall",
    "library",
    "kantine",
    "clubhuis",
    "sportpark",
    "moskee",
    "kerkgebouw",
    "gemeentewerf",
    "milieustraat",
    "afvalbrengpunt",
    "kinderboerderij",
    "jongerencentrum",
    "dorpshuis",
    "consultatiebureau",
    "gezondheidscentrum",
    "stadswinkel",
    "publiekshal",
];

/// Words after a house number that make it a count, not a house number.
const COUNT_WORDS: &[&str] = &[
    "uur",
    "u",
    "km",
    "m",
    "meter",
    "minuten",
    "min",
    "jaar",
    "jaren",
    "keer",
    "x",
    "procent",
    "%",
    "euro",
    "kilo",
    "kg",
    "graden",
    "stuks",
    "mensen",
    "personen",
    "woningen",
    "huizen",
    "dagen",
    "weken",
    "maanden",
    "seconden",
    "sec",
    "hours",
    "minutes",
    "years",
    "times",
    "people",
    "miles",
    "kilometer",
    "kilometers",
    "auto's",
    "bomen",
    "plekken",
    "plaatsen",
    "zetels",
    "leden",
    "stemmen",
    "seats",
    "euro's",
    "cent",
    "punten",
    "doelpunten",
    "goals",
    "trekkers",
    "deelnemers",
    "bezoekers",
    "kinderen",
    "jongeren",
    "agenten",
    "demonstranten",
    "inwoners",
    "huishoudens",
    "bewoners",
    "gezinnen",
    "studenten",
    "leerlingen",
    "patiënten",
    "doden",
    "gewonden",
    "arrestaties",
    "boetes",
    "meldingen",
    "klachten",
    "handtekeningen",
    "miljoen",
    "mln",
    "miljard",
    "mld",
    "duizend",
    "banen",
    "vluchtelingen",
    "asielzoekers",
    "bussen",
    "treinen",
    "fietsen",
    "scooters",
    "containers",
    "windmolens",
    "windturbines",
    "stoelen",
    "bedden",
    "vs",
];

/// The longest house number, in digits.
const MAX_HOUSE_NUMBER_DIGITS: usize = 4;

/// Street addresses of persons.
pub struct AddressDetector;

impl Detector for AddressDetector {
    fn name(&self) -> &'static str {
        "address"
    }

    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        let mut search_from = 1;
        // House numbers start with a digit: jump from digit to digit.
        while let Some(position) = next_digit(bytes, search_from) {
            let starts_number =
                bytes.get(position) != Some(&b'0') && bytes.get(position - 1) == Some(&b' ');
            if !starts_number {
                search_from = position + 1;
                continue;
            }
            match address_at(text, position) {
                Some((start, end)) => {
                    let organisational = allow.allows_address(text.get(start..end).unwrap_or(""))
                        || is_public_building(text, start, end);
                    if !organisational {
                        spans.push(Span::new(start, end, PlaceholderKind::Address));
                    }
                    search_from = end.max(position + 1);
                }
                None => search_from = position + 1,
            }
        }
    }
}

/// If a house number starts at `number_start` (after a space) and a street name precedes it,
/// the byte range of the whole address.
fn address_at(text: &str, number_start: usize) -> Option<(usize, usize)> {
    let (street_word_start, street_word) = word_before(text, number_start.checked_sub(1)?)?;
    let street_start = street_start(text, street_word_start, street_word)?;
    let number_end = house_number_end(text, number_start)?;
    if is_count(text, number_end) {
        return None;
    }
    let end = with_postcode_and_place(text, number_end);
    Some((street_start, end))
}

/// Where the street name that ends with `word` (at `word_start`) begins, or `None` if `word`
/// does not end a street name. Cheap tests come first: most words before a number are not
/// street names.
fn street_start(text: &str, word_start: usize, word: &str) -> Option<usize> {
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    let has_suffix = STREET_SUFFIXES
        .iter()
        .any(|suffix| word.len() > suffix.len() && ends_with_ignore_ascii_case(word, suffix));
    if !capitalised && !has_suffix {
        return None;
    }
    let is_not_street = NOT_STREETS
        .iter()
        .any(|not_street| word.eq_ignore_ascii_case(not_street));
    if is_not_street {
        return None; // `onderweg 2 uur`
    }
    // A place name alone is not a street (`Barneveld 150 trekkers`, `Rotterdam 2-1`), but it can
    // end one (`Steenweg op Antwerpen 12`, `Lange Voorhout 9`).
    let place = is_listed_place(word);
    let standalone = STANDALONE_STREET_WORDS.contains(&word);
    if capitalised && !place && (has_suffix || standalone) {
        return Some(extend_backwards(text, word_start));
    }
    if let Some(multiword_start) = multiword_street_start(text, word_start, word) {
        return Some(multiword_start);
    }
    if capitalised
        && follows_street_adjective(text, word_start)
        && !NOT_STREET_PREFIX_WORDS.contains(&word)
    {
        return Some(extend_backwards(text, word_start)); // `Lange Voorhout 9`
    }
    if place {
        return None;
    }
    if !has_residence_cue(text, word_start) {
        return None;
    }
    if !capitalised {
        return Some(word_start); // `ik woon op de kerkstraat 12`
    }
    if NOT_STREET_PREFIX_WORDS.contains(&word) {
        return None;
    }
    Some(extend_backwards(text, word_start)) // `adres: Neude 11`
}

/// Adjectives that begin street names whose last word has no street suffix (`Lange Voorhout`,
/// `Oude Delft`, `Korte Poten`).
const STREET_ADJECTIVES: &[&str] = &[
    "Lange", "Korte", "Oude", "Nieuwe", "Hoge", "Lage", "Achter", "Voorste",
];

/// Whether the word before `word_start` is a street adjective (`Lange` in `Lange Voorhout 9`).
fn follows_street_adjective(text: &str, word_start: usize) -> bool {
    word_start
        .checked_sub(1)
        .and_then(|space| word_before(text, space))
        .is_some_and(|(_, previous)| STREET_ADJECTIVES.contains(&previous))
}

/// `Laan van Meerdervoort 52`, `Weg naar Rhoon 3`: a leading street word, particles, and a
/// capitalised name ending in `word`.
fn multiword_street_start(text: &str, word_start: usize, word: &str) -> Option<usize> {
    if !is_titlecase(word) {
        return None;
    }
    let mut cursor = word_start;
    let mut saw_particle = false;
    for _ in 0..4 {
        let (previous_start, previous) = word_before(text, cursor.checked_sub(1)?)?;
        if STREET_NAME_PARTICLES.contains(&previous) {
            saw_particle = true;
            cursor = previous_start;
            continue;
        }
        if saw_particle && LEADING_STREET_WORDS.contains(&previous) {
            return Some(extend_backwards(text, previous_start));
        }
        if is_titlecase(previous) && !saw_particle {
            cursor = previous_start;
            continue;
        }
        return None;
    }
    None
}

/// Extends a street name backwards over prefix words, capitalised names and particles between
/// them (`Prins Hendriklaan`, `Jan van Galenstraat`, `Burg. de Withstraat`), at most four words.
fn extend_backwards(text: &str, street_word_start: usize) -> usize {
    let mut start = street_word_start;
    for _ in 0..4 {
        let Some(space) = start.checked_sub(1) else {
            return start;
        };
        if text.as_bytes().get(space) != Some(&b' ') {
            return start;
        }
        if let Some(ordinal_start) = ordinal_before(text, space) {
            return ordinal_start; // `1e Jacob van Campenstraat`
        }
        let Some((previous_start, previous)) = word_before(text, space) else {
            return start;
        };
        if STREET_PREFIX_WORDS.contains(&previous) {
            start = previous_start;
            continue;
        }
        if STREET_NAME_PARTICLES.contains(&previous) {
            let name_before = previous_start
                .checked_sub(1)
                .filter(|space| text.as_bytes().get(*space) == Some(&b' '))
                .and_then(|space| word_before(text, space));
            match name_before {
                Some((name_start, name))
                    if (is_titlecase(name) || STREET_PREFIX_WORDS.contains(&name))
                        && !NOT_STREET_PREFIX_WORDS.contains(&name) =>
                {
                    start = name_start;
                    continue;
                }
                _ => return start,
            }
        }
        let plain_name = is_titlecase(previous)
            && !NOT_STREET_PREFIX_WORDS.contains(&previous)
            && !sentence_starts_at(text, previous_start);
        if plain_name {
            start = previous_start;
            continue;
        }
        return start;
    }
    start
}

/// If an ordinal such as `1e`, `2de` or `3ste` ends at the space `space`, where it starts.
fn ordinal_before(text: &str, space: usize) -> Option<usize> {
    let head = text.get(..space)?;
    let without_suffix = ["ste", "de", "e"]
        .iter()
        .find_map(|suffix| head.strip_suffix(suffix))?;
    let digits = without_suffix
        .bytes()
        .rev()
        .take_while(u8::is_ascii_digit)
        .count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let start = without_suffix.len() - digits;
    let preceded_by_word = start > 0
        && text
            .as_bytes()
            .get(start - 1)
            .is_some_and(|byte| byte.is_ascii_alphanumeric());
    if preceded_by_word {
        return None;
    }
    Some(start)
}

/// Whether a sentence starts at `position` (start of text, or after `.`, `!`, `?`, `:` or a
/// newline), so a capitalised word there proves nothing.
fn sentence_starts_at(text: &str, position: usize) -> bool {
    let before = window_before(text, position, 3).trim_end_matches(' ');
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', '(', '"', '“', '>', '-', ','])
}

/// The word that ends right before byte offset `end` (which must hold a space or be the text
/// end): letters, apostrophes and hyphens, and a final dot for abbreviations (`Burg.`).
fn word_before(text: &str, end: usize) -> Option<(usize, &str)> {
    if text.as_bytes().get(end) != Some(&b' ') {
        return None;
    }
    let head = text.get(..end)?;
    let head_without_dot = head.strip_suffix('.').unwrap_or(head);
    let mut start = head_without_dot.len();
    for (index, character) in head_without_dot.char_indices().rev() {
        let part_of_word = character.is_alphabetic() || matches!(character, '\'' | '’' | '-' | '/');
        if !part_of_word {
            break;
        }
        start = index;
    }
    let word = text.get(start..end)?;
    let has_letter = word.chars().any(char::is_alphabetic);
    if !has_letter || word.len() > 60 {
        return None;
    }
    Some((start, word))
}

/// Capitalised, the rest lower case (a capital is allowed after `-` or `'`, and `IJ` at the
/// start): `Hendrik`, `Oost-Indië`, `IJssel`.
fn is_titlecase(word: &str) -> bool {
    let word = word.strip_prefix("IJ").map_or(word, |rest| rest);
    let mut characters = word.chars();
    let first_ok = word.len() < 2 || characters.next().is_some_and(char::is_uppercase);
    let original_starts_upper = word.is_empty() || first_ok;
    if !original_starts_upper {
        return false;
    }
    let mut previous = ' ';
    for character in characters {
        if character.is_uppercase() && !matches!(previous, '-' | '\'') {
            return false;
        }
        if !(character.is_alphabetic() || matches!(character, '-' | '\'' | '.')) {
            return false;
        }
        previous = character;
    }
    true
}

/// Where the house number starting at `start` ends, with its additions: `17A`, `12-III`, `88-2`,
/// `12 bis`, `12 hs`, `12 A`, `12 bus 3`.
fn house_number_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = start;
    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if end - start > MAX_HOUSE_NUMBER_DIGITS {
        return None;
    }
    let number_text = text.get(start..end)?;
    let looks_like_year =
        number_text.len() == 4 && (number_text.starts_with("19") || number_text.starts_with("20"));
    // A time (`12:30`), decimal (`1,5`) or range of numbers glued on is not a house number.
    let glued = bytes.get(end).copied();
    let next = bytes.get(end + 1).copied();
    if matches!(glued, Some(b':' | b',' | b'.')) && next.is_some_and(|byte| byte.is_ascii_digit()) {
        return None;
    }
    // A percentage, a count (`3x`) or an ordinal (`12e`) is not a house number.
    let glued_count = matches!(glued, Some(b'x' | b'e' | b'X'))
        && !next.is_some_and(|byte| byte.is_ascii_alphabetic());
    if glued == Some(b'%') || glued_count {
        return None;
    }
    // Attached letter: `17A`, `17a`, `12hs`.
    if glued.is_some_and(|byte| byte.is_ascii_alphabetic()) {
        let letters_end = {
            let mut cursor = end;
            while bytes.get(cursor).is_some_and(u8::is_ascii_alphabetic) {
                cursor += 1;
            }
            cursor
        };
        let letters = text.get(end..letters_end)?;
        let addition = letters.len() == 1
            || ["hs", "bis", "ter", "huis", "bg", "rd", "zw"]
                .iter()
                .any(|known| letters.eq_ignore_ascii_case(known));
        if !addition || char_after(text, letters_end).is_some_and(char::is_alphanumeric) {
            return None;
        }
        end = letters_end;
    } else if looks_like_year {
        return None;
    }
    // Dashed addition: `-III`, `-2`, `-hs`, `-A`, `-bis`, `-21`.
    if bytes.get(end) == Some(&b'-') {
        let mut cursor = end + 1;
        while bytes.get(cursor).is_some_and(u8::is_ascii_alphanumeric) && cursor - end <= 5 {
            cursor += 1;
        }
        let addition_length = cursor - end - 1;
        let stands_alone = !bytes.get(cursor).is_some_and(u8::is_ascii_alphanumeric);
        if (1..=4).contains(&addition_length) && stands_alone {
            end = cursor;
        }
    }
    // Spaced addition: ` bis`, ` hs`, ` huis`, ` II`, ` A`, ` bus 3`.
    if let Some(rest) = text.get(end..) {
        end += spaced_addition_length(rest);
    }
    Some(end)
}

/// The length of a spaced addition at the start of `rest` (0 when there is none).
fn spaced_addition_length(rest: &str) -> usize {
    let Some(after_space) = rest.strip_prefix(' ') else {
        return 0;
    };
    for word in [
        "bis", "hs", "huis", "III", "II", "IV", "bg", "boven", "beneden",
    ] {
        if after_space.starts_with(word) && ends_word(after_space, word.len()) {
            return 1 + word.len();
        }
    }
    if starts_with_ignore_ascii_case(after_space, "bus ") {
        let number = after_space.get(4..).unwrap_or_default();
        let digits = number.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=4).contains(&digits) && ends_word(number, digits) {
            return 1 + 4 + digits;
        }
    }
    let mut characters = after_space.chars();
    let single_capital = characters
        .next()
        .is_some_and(|letter| letter.is_ascii_uppercase());
    let then = characters.next();
    if single_capital && matches!(then, None | Some(',' | '.' | ')' | ';' | '\n')) {
        return 2;
    }
    0
}

/// Whether `text` has no letter or digit right after its first `length` bytes.
fn ends_word(text: &str, length: usize) -> bool {
    !char_after(text, length).is_some_and(char::is_alphanumeric)
}

/// Whether the word after the house number makes it a count (`2 uur`, `3 km`).
fn is_count(text: &str, number_end: usize) -> bool {
    let rest = text.get(number_end..).unwrap_or_default();
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let word_length = rest
        .char_indices()
        .find(|(_, character)| {
            !(character.is_alphabetic() || *character == '\'' || *character == '%')
        })
        .map_or(rest.len(), |(index, _)| index);
    let word = rest.get(..word_length).unwrap_or_default();
    !word.is_empty()
        && COUNT_WORDS
            .iter()
            .any(|count| word.eq_ignore_ascii_case(count))
}

/// Extends the address over a following postcode and/or place on the same line:
/// `, 3521 GH Utrecht`, ` 3521GH`, `, 2000 Antwerpen`, `, Utrecht.`
fn with_postcode_and_place(text: &str, end: usize) -> usize {
    let rest = text.get(end..).unwrap_or_default();
    let after_comma = rest
        .strip_prefix(", ")
        .or_else(|| rest.strip_prefix(' '))
        .or_else(|| rest.strip_prefix(','));
    let Some(after_comma) = after_comma else {
        return end;
    };
    let skipped = rest.len() - after_comma.len();
    let bytes = after_comma.as_bytes();
    let digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    if digits == 4 && bytes.first().is_some_and(|first| *first != b'0') {
        let mut cursor = 4;
        if bytes.get(cursor) == Some(&b' ') {
            cursor += 1;
        }
        let letters_upper = bytes
            .get(cursor..cursor + 2)
            .is_some_and(|letters| letters.iter().all(u8::is_ascii_uppercase));
        let letters_end_clean = !bytes.get(cursor + 2).is_some_and(u8::is_ascii_alphanumeric);
        if letters_upper && letters_end_clean {
            let postcode_end = end + skipped + cursor + 2;
            return with_place(text, postcode_end);
        }
        // Belgian postcode: four digits and a place.
        if bytes.get(4) == Some(&b' ') {
            let place_end = with_place(text, end + skipped + 4);
            if place_end > end + skipped + 4 {
                return place_end;
            }
        }
        return end;
    }
    // A known place right after the number or after a comma: `Kerkstraat 5, Utrecht`.
    if let Some(place_length) = listed_place_length(after_comma) {
        return end + skipped + place_length;
    }
    // Another capitalised place after a comma, when the address line ends with it.
    if rest.starts_with(", ") {
        let place_end = with_place(text, end + 1);
        let line_ends = text
            .get(place_end..)
            .is_some_and(|after| after.is_empty() || after.starts_with(['.', ')', '\n', ';', '!']));
        if place_end > end + 1 && line_ends {
            return place_end;
        }
    }
    end
}

/// Dutch municipalities and towns and Flemish cities (`data/places.txt`), longest first so that
/// `Alphen aan den Rijn` wins over `Alphen`.
static PLACES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut places: Vec<&'static str> = include_str!("../../data/places.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    places.sort_by_key(|place| std::cmp::Reverse(place.len()));
    places.dedup();
    places
});

/// Whether `word` is exactly a listed place name (`Barneveld`, `Rotterdam`).
fn is_listed_place(word: &str) -> bool {
    PLACES.contains(&word)
}

/// The length of the listed place that `text` starts with, when no letter follows it.
fn listed_place_length(text: &str) -> Option<usize> {
    let first = text.as_bytes().first()?;
    if !(first.is_ascii_uppercase() || *first == b'\'' || *first >= 0x80) {
        return None;
    }
    PLACES
        .iter()
        .find(|place| {
            text.starts_with(**place)
                && !char_after(text, place.len()).is_some_and(char::is_alphanumeric)
        })
        .map(|place| place.len())
}

/// Extends over a place name after `end` (a space, then capitalised words, with particles or
/// `'s-` as in `Den Haag`, `Alphen aan den Rijn`, `'s-Hertogenbosch`).
fn with_place(text: &str, end: usize) -> usize {
    let mut place_end = end;
    let mut cursor = end;
    let mut pending_particles = 0;
    for _ in 0..5 {
        let Some(rest) = text.get(cursor..) else {
            break;
        };
        let Some(word_text) = rest.strip_prefix(' ').or_else(|| rest.strip_prefix("  ")) else {
            break;
        };
        let leading = rest.len() - word_text.len();
        let word_length = word_text
            .char_indices()
            .find(|(_, character)| {
                !(character.is_alphabetic() || matches!(character, '\'' | '-' | '’'))
            })
            .map_or(word_text.len(), |(index, _)| index);
        let word = word_text.get(..word_length).unwrap_or_default();
        if word.is_empty() {
            break;
        }
        let word_end = cursor + leading + word_length;
        let is_place_word = word.starts_with("'s-")
            || (word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().nth(1).is_some_and(char::is_lowercase));
        if is_place_word && !NOT_STREET_PREFIX_WORDS.contains(&word) {
            place_end = word_end;
            pending_particles = 0;
            cursor = word_end;
            continue;
        }
        let particle = ["aan", "den", "de", "op", "a/d", "bij", "in", "van"].contains(&word);
        if particle && place_end > end && pending_particles < 2 {
            pending_particles += 1;
            cursor = word_end;
            continue;
        }
        break;
    }
    place_end
}

/// Whether a residence cue (`woont op`, `adres:`) precedes the street in the same sentence.
fn has_residence_cue(text: &str, street_start: usize) -> bool {
    let before = same_sentence_tail(window_before(text, street_start, 40));
    RESIDENCE_CUES
        .iter()
        .any(|cue| contains_ignore_ascii_case(before, cue))
}

/// Whether the text says the address is a public building's (`het stadskantoor (Stadsplateau
/// 1)`, `(Sportlaan 1) van het zwembad`), and not someone's home.
fn is_public_building(text: &str, start: usize, end: usize) -> bool {
    let before = same_sentence_tail(window_before(text, start, 50));
    if RESIDENCE_CUES
        .iter()
        .any(|cue| contains_ignore_ascii_case(before, cue))
    {
        return false;
    }
    let after = window_after(text, end, 30);
    let after = after
        .split(['.', '!', '?', '\n'])
        .next()
        .unwrap_or_default();
    PUBLIC_BUILDING_CUES.iter().any(|cue| {
        contains_ignore_ascii_case(before, cue) || contains_ignore_ascii_case(after, cue)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        AddressDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn addresses_with_additions_and_place() {
        for (text, expected) in [
            ("inbraak op de Slotlaan 211 ontvangen?", "Slotlaan 211"),
            ("woont op Javastraat 120-III en", "Javastraat 120-III"),
            (
                "Bouzid, Brugstraat 17A, 6511 KT Nijmegen, tel",
                "Brugstraat 17A, 6511 KT Nijmegen",
            ),
            (
                "adres (Hoofdstraat 88-2, 9401 EN Assen) op",
                "Hoofdstraat 88-2, 9401 EN Assen",
            ),
            (
                "bij ons op Vondellaan 23, 3521 GH Utrecht de fiets",
                "Vondellaan 23, 3521 GH Utrecht",
            ),
            (
                "van Graaf Florisstraat 7 (€ 387.000)",
                "Graaf Florisstraat 7",
            ),
            (
                "woning aan de Prins Hendriklaan 34. Verdachte",
                "Prins Hendriklaan 34",
            ),
            (
                "Moved to Zonnebloemweg 3, 1336 KJ Almere!",
                "Zonnebloemweg 3, 1336 KJ Almere",
            ),
            ("kom langs op Dorpsstraat 5 in Oosterbeek.", "Dorpsstraat 5"),
            (
                "Laan van Meerdervoort 52, Den Haag.",
                "Laan van Meerdervoort 52, Den Haag",
            ),
            ("Jan van Galenstraat 12 bis", "Jan van Galenstraat 12 bis"),
            (
                "Kerkstraat 12 bus 3, 2000 Antwerpen",
                "Kerkstraat 12 bus 3, 2000 Antwerpen",
            ),
            ("Grote Markt 1", "Grote Markt 1"),
            ("ik woon op de kerkstraat 12", "kerkstraat 12"),
            ("Mijn adres: Neude 11", "Neude 11"),
            ("Kouterdreef 4 hs", "Kouterdreef 4 hs"),
            ("De Lindenlaan 42.", "Lindenlaan 42"),
            ("Kerkstraat 5, Utrecht en verder", "Kerkstraat 5, Utrecht"),
            (
                "op Kerkstraat 5 Alphen aan den Rijn nu",
                "Kerkstraat 5 Alphen aan den Rijn",
            ),
            ("wonen aan de Lange Voorhout 9 hier", "Lange Voorhout 9"),
            (
                "1e Jacob van Campenstraat 12",
                "1e Jacob van Campenstraat 12",
            ),
            (
                "Steenweg op Antwerpen 12 bus 4",
                "Steenweg op Antwerpen 12 bus 4",
            ),
            (
                "Laan van Nieuw Oost-Indië 12",
                "Laan van Nieuw Oost-Indië 12",
            ),
            ("St. Jacobsstraat 5", "St. Jacobsstraat 5"),
        ] {
            assert_eq!(found(text), [expected], "{text}");
        }
    }

    #[test]
    fn not_addresses() {
        for text in [
            "Onderweg 2 uur vertraging",
            "Nu nog de Biltstraat. #autovrij",
            "aan de Amsterdamsestraatweg, bus 28 rijdt om",
            "Supermarkt 3 keer bezocht",
            "de Kerkstraat 12:30 afgesloten",
            "Parkeerplaats 4 is vol",
            "Kerkstraat 2024",
            "zie Marktplaats 2 advertenties",
            "Het stadskantoor (Stadsplateau 1) is donderdag open",
            "de Tweede Kamer 150 zetels",
            "De kantine (Sportlaan 1) van het zwembad gaat dicht",
            "During 1886, both van Gogh",
            "Vandaag in Barneveld 150 trekkers",
            "Ajax won in Rotterdam 2-1",
            "de Gelderse Vallei 150 boeren",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
