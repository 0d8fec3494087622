//! Word tokens for the person-name detector: byte offsets, shape (capitalised, all capitals,
//! lower case, initials), what lies in the gap before each word (a sentence end, a comma, an
//! opening bracket, a dash), and the lexicon flags of the word.
//!
//! Handles, hashtags, e-mail addresses, URLs, domains and placeholders are marked opaque: their
//! words can be context for a neighbour but never a name themselves (other detectors own them).
//! One pass over the text, one lexicon lookup per word, no allocation besides the token vector
//! and a reused lower-case buffer.

use super::person_lexicon::{
    lexicon, FormHash, Lexicon, ABBREVIATION, ANY_NAME, DUTCH_WORD, FIRST_NAME, FIRST_NAME_COMMON,
    NEVER_A_NAME, PLACE, SURNAME_COMMON, SURNAME_OTHER, TITLE,
};

/// The first letter is upper case and the word is not all capitals (`Anouk`, `J`).
pub(super) const CAPITALISED: u32 = 1 << 0;
/// Two or more letters, all upper case (`ANOUK`, `NOS`).
pub(super) const ALL_CAPITALS: u32 = 1 << 1;
/// The first letter is lower case.
pub(super) const LOWER_CASE: u32 = 1 << 2;
/// One or more initials, each an upper-case letter with a full stop (`J.`, `G.J.`, `J.P.`).
pub(super) const INITIALS: u32 = 1 << 3;
/// The word contains a digit.
pub(super) const HAS_DIGIT: u32 = 1 << 4;
/// Part of a handle, hashtag, e-mail address, URL, domain or placeholder.
pub(super) const OPAQUE: u32 = 1 << 5;
/// The first word of a text, a line or a sentence.
pub(super) const SENTENCE_START: u32 = 1 << 6;
/// Only spaces separate this word from the previous one, so both can belong to one name.
pub(super) const JOINS_PREVIOUS: u32 = 1 << 7;
/// The gap before this word holds an opening bracket.
pub(super) const AFTER_OPENING_BRACKET: u32 = 1 << 8;
/// The gap before this word holds a comma.
pub(super) const AFTER_COMMA: u32 = 1 << 9;
/// The gap before this word holds a dash that stands alone (`- Marjolein`, `-- Strupar`).
pub(super) const AFTER_DASH: u32 = 1 << 10;
/// The gap after this word holds a closing bracket.
pub(super) const BEFORE_CLOSING_BRACKET: u32 = 1 << 11;
/// The gap after this word holds an opening bracket.
pub(super) const BEFORE_OPENING_BRACKET: u32 = 1 << 12;
/// An abbreviation written with its full stop (`dhr.`, `Mr.`).
pub(super) const ABBREVIATED: u32 = 1 << 13;
/// All capitals next to another all-capitals word: a shouted post, not an acronym.
pub(super) const SHOUTED: u32 = 1 << 14;
/// Capitals inside the word (`NoordRijnWestfalen`, `IenW`), other than after `Mc`, `Mac`, `De`,
/// `Di`, `Le`, `La`, `Van`, `O'`: a hashtag-like compound or code, not a name.
pub(super) const INNER_CAPITALS: u32 = 1 << 16;
/// Part of a placeholder written by an earlier redaction (`[PERSOON-1]`): never a cue.
pub(super) const PLACEHOLDER: u32 = 1 << 17;
/// A lower-case word that is not among the frequent forms: its flags are still 0 and are looked
/// up in the large table only when a rule needs them (`complete_flags`).
pub(super) const LOOKUP_PENDING: u32 = 1 << 15;

/// One word of the text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub start: usize,
    pub end: usize,
    pub flags: u32,
    pub shape: u32,
}

impl Token {
    pub(super) fn has(&self, shape: u32) -> bool {
        self.shape & shape != 0
    }

    pub(super) fn is(&self, flags: u32) -> bool {
        self.flags & flags != 0
    }

    /// Capitalised, or all capitals and known as a name (`ANOUK` in a shouted post).
    pub(super) fn looks_capitalised(&self) -> bool {
        self.has(CAPITALISED) || (self.has(SHOUTED) && self.is(ANY_NAME) && self.len() >= 3)
    }

    pub(super) fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// A word that can be part of a name at all.
    pub(super) fn can_be_name(&self) -> bool {
        !self.has(OPAQUE | HAS_DIGIT | INNER_CAPITALS) && !self.is(NEVER_A_NAME)
    }
}

/// What the tokenizer has seen since the previous word.
#[derive(Default)]
struct Gap {
    sentence_end: bool,
    comma: bool,
    opening_bracket: bool,
    closing_bracket: bool,
    dash: bool,
    other: bool,
}

impl Gap {
    fn note(&mut self, character: char) {
        match character {
            '.' | '!' | '?' | ':' | ';' | '\n' | '\r' | '"' | '“' | '”' | '„' | '|' | '•' | '>'
            | '…' | '·' => self.sentence_end = true,
            ',' => self.comma = true,
            '(' | '{' => self.opening_bracket = true,
            ')' | '}' => self.closing_bracket = true,
            // Square brackets belong to placeholders (`[PERSOON-1]`): they must give no cue, or
            // a second redaction would see what the first did not.
            '[' | ']' => {}
            '-' | '–' | '—' => self.dash = true,
            ' ' | '\t' | '\u{a0}' => {}
            other if other.is_whitespace() => {}
            other if other.is_alphanumeric() => {}
            other => {
                // Emoji and other symbols end a sentence-like unit in posts.
                if (other as u32) >= 0x2000 {
                    self.sentence_end = true;
                } else {
                    self.other = true;
                }
            }
        }
    }

    fn is_plain(&self) -> bool {
        !(self.sentence_end
            || self.comma
            || self.opening_bracket
            || self.closing_bracket
            || self.dash
            || self.other)
    }
}

/// Whether the whitespace-delimited chunk is an identifier other detectors own, or a placeholder.
fn chunk_is_opaque(chunk: &str) -> bool {
    let bytes = chunk.as_bytes();
    let mut dot = false;
    for &byte in bytes {
        match byte {
            b'@' | b'#' | b'/' | b'_' | b'\\' | b'=' => return true,
            b'.' => dot = true,
            _ => {}
        }
    }
    dot && dotted_chunk_is_opaque(chunk)
}

/// Whether a chunk with a dot and no identifier byte is a web address or a domain.
fn dotted_chunk_is_opaque(chunk: &str) -> bool {
    let bytes = chunk.as_bytes();
    let www = bytes
        .get(..4)
        .is_some_and(|start| start.eq_ignore_ascii_case(b"www."));
    www || looks_like_domain(chunk)
}

/// `bit.ly`, `voorbeeld.nl`, `marieke.bsky.social`: a dot between letters, lower case after it.
fn looks_like_domain(chunk: &str) -> bool {
    let trimmed = chunk.trim_end_matches(|character: char| !character.is_alphanumeric());
    let Some(last_dot) = trimmed.rfind('.') else {
        return false;
    };
    let before = trimmed.get(..last_dot).unwrap_or_default();
    let after = trimmed.get(last_dot + 1..).unwrap_or_default();
    let letters_before = before
        .chars()
        .rev()
        .take_while(|character| character.is_alphanumeric())
        .count();
    after.len() >= 2
        && letters_before >= 2
        && after
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
}

/// Endings of Dutch compound nouns that no name has (`IJsclub`, `Klantenservice`,
/// `Wijkraad`): an unknown capitalised word with one of them is an ordinary word.
const COMMON_NOUN_ENDINGS: &[&str] = &[
    "club",
    "service",
    "dienst",
    "raad",
    "bond",
    "vereniging",
    "centrum",
    "team",
    "commissie",
    "partij",
    "groep",
    "zorg",
    "heid",
    "schap",
    "isme",
    "teit",
    "ploeg",
    "bedrijf",
    "kantoor",
    "winkel",
    "fonds",
    "markt",
    "straat",
    "laan",
    "plein",
    "kerk",
    "school",
    "zaal",
    "museum",
    "festival",
    "actie",
    "beleid",
    "nieuws",
    "krant",
    "omroep",
    "verzekering",
    "story",
    "lijst",
    "kamer",
    "sector",
    "afdeling",
    "bureau",
    "instituut",
    "ministerie",
    "gemeente",
    "provincie",
    "stichting",
    "park",
    "plan",
    "wet",
    "regeling",
    "onderzoek",
    "project",
    "programma",
    "campagne",
    "overleg",
    "debat",
    "verkiezingen",
    "crisis",
    "zaak",
    "affaire",
    "schandaal",
];

fn has_common_noun_ending(word: &str) -> bool {
    let bytes = word.as_bytes();
    COMMON_NOUN_ENDINGS.iter().any(|ending| {
        bytes.len() > ending.len() + 2
            && bytes
                .get(bytes.len() - ending.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(ending.as_bytes()))
    })
}

/// Lexicon flags of a word; hyphenated words that the lexicon does not know are judged by
/// their parts (`Anne-Marie`, `Dijk-Huisman`, `Noord-Holland`, `EU-quota's`).
fn word_flags(lexicon: &Lexicon, word: &str, shape: u32) -> u32 {
    let whole = lexicon.flags_of(FormHash::of(word));
    if whole != 0 {
        return whole;
    }
    if !word.contains('-') {
        let capitalised_compound = shape & CAPITALISED != 0 && word.len() >= 7;
        return if capitalised_compound && has_common_noun_ending(word) {
            DUTCH_WORD
        } else {
            0
        };
    }
    let mut all_first_names = true;
    let mut all_names = true;
    let mut all_words = true;
    let mut any_place = false;
    let mut any_common = false;
    let mut parts = 0;
    for (position, part) in word.split('-').enumerate() {
        let Some(first) = part.chars().next() else {
            continue;
        };
        if position > 0 && first.is_lowercase() {
            // `Vandenbroucke-story`, `EU-quota's`: a compound word, not a double name;
            // `Oud-premier`, `Ex-wethouder`: a title.
            let last_part = word.rsplit('-').next().unwrap_or_default();
            let title = lexicon.frequent_flags_of(FormHash::of(last_part)) & TITLE;
            return DUTCH_WORD | title;
        }
        parts += 1;
        if part.len() >= 2 && part.bytes().all(|byte| byte.is_ascii_uppercase()) {
            // `SP-Kamerlid`, `CDA-leider`: an organisation's compound.
            let last_part = word.rsplit('-').next().unwrap_or_default();
            let title = lexicon.frequent_flags_of(FormHash::of(last_part)) & TITLE;
            return DUTCH_WORD | title;
        }
        let flags = lexicon.flags_of(FormHash::of(part));
        all_first_names &= flags & FIRST_NAME != 0;
        all_names &= flags & ANY_NAME != 0;
        all_words &= flags & DUTCH_WORD != 0;
        any_place |= flags & PLACE != 0;
        any_common |= flags & (FIRST_NAME_COMMON | SURNAME_COMMON) != 0;
    }
    if parts < 2 {
        return 0;
    }
    if all_first_names {
        return if any_common {
            FIRST_NAME_COMMON
        } else {
            FIRST_NAME & !FIRST_NAME_COMMON
        };
    }
    if all_names {
        return if any_common {
            SURNAME_COMMON
        } else {
            SURNAME_OTHER
        };
    }
    let mut flags = 0;
    if any_place {
        flags |= PLACE;
    }
    if all_words {
        flags |= DUTCH_WORD;
    }
    flags
}

fn shape_of(word: &str) -> u32 {
    // One pass over an ASCII word for its shape and its inner capitals; other words are
    // decoded character by character.
    let bytes = word.as_bytes();
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut first_letter: Option<u8> = None;
    let mut digit = false;
    let mut previous_lower = false;
    let mut inner_capitals = false;
    for (offset, &byte) in bytes.iter().enumerate() {
        if !byte.is_ascii() {
            let shape = unicode_shape_of(word);
            return if has_inner_capitals(word) {
                shape | INNER_CAPITALS
            } else {
                shape
            };
        }
        if byte.is_ascii_alphabetic() {
            letters += 1;
            if first_letter.is_none() {
                first_letter = Some(byte);
            }
            if byte.is_ascii_uppercase() {
                upper += 1;
                if previous_lower && !inner_capitals {
                    inner_capitals = !is_ascii_name_prefix(bytes.get(..offset).unwrap_or_default());
                }
            }
        } else if byte.is_ascii_digit() {
            digit = true;
        }
        previous_lower = byte.is_ascii_lowercase();
    }
    let mut shape = if digit { HAS_DIGIT } else { 0 };
    match first_letter {
        Some(first) if first.is_ascii_uppercase() => {
            if letters >= 2 && upper == letters {
                shape |= ALL_CAPITALS;
            } else {
                shape |= CAPITALISED;
            }
        }
        Some(_) => shape |= LOWER_CASE,
        None => {}
    }
    if inner_capitals {
        shape | INNER_CAPITALS
    } else {
        shape
    }
}

/// `Mc`, `Mac`, `De`, `Van`, `O'` and the like: a capital after them is still a name.
fn is_ascii_name_prefix(prefix: &[u8]) -> bool {
    [
        &b"mc"[..],
        b"mac",
        b"de",
        b"di",
        b"da",
        b"du",
        b"le",
        b"la",
        b"van",
        b"von",
        b"o'",
    ]
    .iter()
    .any(|name| name.eq_ignore_ascii_case(prefix))
}

/// Whether an upper-case letter follows a lower-case one, other than after a name prefix.
fn has_inner_capitals(word: &str) -> bool {
    let mut previous_lower = false;
    for (offset, character) in word.char_indices() {
        if character.is_uppercase() && previous_lower {
            let prefix = word.get(..offset).unwrap_or_default();
            let name_prefix = matches!(
                prefix.to_ascii_lowercase().as_str(),
                "mc" | "mac" | "de" | "di" | "da" | "du" | "le" | "la" | "van" | "von" | "o'"
            );
            if !name_prefix {
                return true;
            }
        }
        previous_lower = character.is_lowercase();
    }
    false
}

fn unicode_shape_of(word: &str) -> u32 {
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut first_letter: Option<char> = None;
    let mut digit = false;
    for character in word.chars() {
        if character.is_alphabetic() {
            letters += 1;
            if first_letter.is_none() {
                first_letter = Some(character);
            }
            if character.is_uppercase() {
                upper += 1;
            }
        } else if character.is_numeric() {
            digit = true;
        }
    }
    let mut shape = 0;
    if digit {
        shape |= HAS_DIGIT;
    }
    match first_letter {
        Some(first) if first.is_uppercase() => {
            if letters >= 2 && upper == letters {
                shape |= ALL_CAPITALS;
            } else {
                shape |= CAPITALISED;
            }
        }
        Some(first) if first.is_lowercase() => shape |= LOWER_CASE,
        _ => {}
    }
    shape
}

/// `J`, `G.J`, `J.P` (the final full stop is checked by the caller).
fn is_initials_body(word: &str) -> bool {
    let mut expect_letter = true;
    let mut letters = 0;
    for character in word.chars() {
        if expect_letter {
            if !character.is_uppercase() {
                return false;
            }
            letters += 1;
            expect_letter = false;
        } else if character == '.' {
            expect_letter = true;
        } else {
            return false;
        }
    }
    letters >= 1 && !expect_letter
}

fn is_joiner(character: char) -> bool {
    matches!(character, '-' | '\'' | '’' | '.')
}

/// The complete flags of a word whose lookup was left pending.
pub(super) fn complete_flags(word: &str, shape: u32) -> u32 {
    word_flags(lexicon(), word, shape)
}

/// The character at byte `offset` of `text`, if `offset` is a character boundary inside it.
fn character_at(text: &str, offset: usize) -> Option<char> {
    text.get(offset..)?.chars().next()
}

/// Splits `text` into word tokens (see the module documentation).
pub(super) fn tokenize(text: &str, tokens: &mut Vec<Token>) {
    let lexicon = lexicon();
    let mut state = TokenizerState {
        gap: Gap {
            sentence_end: true,
            ..Gap::default()
        },
        carried_sentence_start: true,
    };
    let mut chunk_start = 0;
    let bytes = text.as_bytes();
    while let Some(rest) = text.get(chunk_start..) {
        // ASCII whitespace, the bulk of the gaps, without decoding a character.
        match bytes.get(chunk_start) {
            None => break,
            Some(&byte) if byte.is_ascii_whitespace() || byte == 0x0b => {
                state.gap.note(char::from(byte));
                chunk_start += 1;
                continue;
            }
            _ => {}
        }
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first.is_whitespace() {
            state.gap.note(first);
            chunk_start += first.len_utf8();
            continue;
        }
        let scan = scan_chunk(rest);
        let chunk = rest.get(..scan.length).unwrap_or_default();
        if scan.has_opening_square_bracket {
            tokenize_around_placeholders(chunk, chunk_start, lexicon, &mut state, tokens);
        } else {
            let opaque =
                scan.has_identifier_byte || (scan.has_dot && dotted_chunk_is_opaque(chunk));
            tokenize_chunk(chunk, chunk_start, opaque, lexicon, &mut state, tokens);
        }
        chunk_start += scan.length.max(1);
    }
    mark_neighbours(text, tokens);
}

/// What one pass over a whitespace-free chunk finds: its length and the bytes that decide how
/// it is read (a `[` of a placeholder, an identifier byte such as `@` or `/`, a dot).
struct ChunkScan {
    length: usize,
    has_opening_square_bracket: bool,
    has_identifier_byte: bool,
    has_dot: bool,
}

/// Scans the whitespace-free chunk at the start of `rest` once (ASCII bytes are checked
/// directly, other characters decoded).
fn scan_chunk(rest: &str) -> ChunkScan {
    let bytes = rest.as_bytes();
    let mut scan = ChunkScan {
        length: 0,
        has_opening_square_bracket: false,
        has_identifier_byte: false,
        has_dot: false,
    };
    while let Some(&byte) = bytes.get(scan.length) {
        if byte.is_ascii() {
            if byte.is_ascii_whitespace() || byte == 0x0b {
                return scan;
            }
            match byte {
                b'[' => scan.has_opening_square_bracket = true,
                b'@' | b'#' | b'/' | b'_' | b'\\' | b'=' => scan.has_identifier_byte = true,
                b'.' => scan.has_dot = true,
                _ => {}
            }
            scan.length += 1;
            continue;
        }
        let Some(character) = rest.get(scan.length..).and_then(|tail| tail.chars().next()) else {
            return scan;
        };
        if character.is_whitespace() {
            return scan;
        }
        scan.length += character.len_utf8();
    }
    scan
}

/// Marks what only the next word shows: brackets around a word, shouted words.
fn mark_neighbours(text: &str, tokens: &mut [Token]) {
    let count = tokens.len();
    for index in 0..count {
        let Some(current) = tokens.get(index).copied() else {
            break;
        };
        let next = tokens.get(index + 1).copied();
        let previous = index
            .checked_sub(1)
            .and_then(|previous| tokens.get(previous))
            .copied();
        let closing_after = match next {
            Some(next) => text
                .as_bytes()
                .get(current.end..next.start)
                .is_some_and(|between| between.contains(&b')')),
            None => text
                .get(current.end..)
                .is_some_and(|rest| rest.trim_start().starts_with(')')),
        };
        let shouting_neighbour =
            |neighbour: &Token| neighbour.has(ALL_CAPITALS) && !neighbour.has(OPAQUE);
        let shouted = current.has(ALL_CAPITALS)
            && (next.is_some_and(|next| shouting_neighbour(&next) && next.has(JOINS_PREVIOUS))
                || previous.is_some_and(|previous| {
                    shouting_neighbour(&previous) && current.has(JOINS_PREVIOUS)
                }));
        let mut shape = current.shape;
        if next.is_some_and(|next| next.has(AFTER_OPENING_BRACKET)) {
            shape |= BEFORE_OPENING_BRACKET;
        }
        if closing_after {
            shape |= BEFORE_CLOSING_BRACKET;
        }
        if shouted {
            shape |= SHOUTED;
        }
        if let Some(token) = tokens.get_mut(index) {
            token.shape = shape;
        }
    }
}

/// A chunk with a `[`: a placeholder written by an earlier redaction (`[PERSOON-1]`) is an
/// opaque unit of its own, and the words glued to it (`[PERSOON-1]&Heijn`) are read as if it
/// were not there, so that redacting twice reads them the same way.
fn tokenize_around_placeholders(
    chunk: &str,
    chunk_offset: usize,
    lexicon: &Lexicon,
    state: &mut TokenizerState,
    tokens: &mut Vec<Token>,
) {
    // A handle, link or e-mail address made its whole chunk opaque in the first redaction
    // (`Ab@c` is one opaque unit); the text glued to its placeholder stays opaque in the second,
    // so that redacting twice reads it the same way.
    let glued_to_opaque_placeholder = ["[GEBRUIKER-", "[URL-", "[E-MAIL-"]
        .iter()
        .any(|prefix| chunk.contains(prefix));
    let mut segment_start = 0;
    while let Some(rest) = chunk.get(segment_start..) {
        if rest.is_empty() {
            break;
        }
        let (segment_length, placeholder) = if rest.starts_with('[') {
            match rest.find(']') {
                Some(close) => {
                    let bracketed = rest.get(..close + 1).unwrap_or_default();
                    (close + 1, peil_model::is_placeholder(bracketed))
                }
                None => (rest.len(), false),
            }
        } else {
            (rest.find('[').unwrap_or(rest.len()), false)
        };
        let segment_length = segment_length.max(1);
        let segment = rest.get(..segment_length).unwrap_or_default();
        let opaque = placeholder || glued_to_opaque_placeholder || chunk_is_opaque(segment);
        tokenize_chunk(
            segment,
            chunk_offset + segment_start,
            opaque,
            lexicon,
            state,
            tokens,
        );
        segment_start += segment_length;
    }
}

/// What the tokenizer carries from one chunk to the next.
struct TokenizerState {
    gap: Gap,
    /// Opaque words at the start of a text (`@a @b hallo`) leave the sentence start open.
    carried_sentence_start: bool,
}

/// The byte offset just past the word that starts at `start` in `chunk`.
fn word_end(chunk: &str, start: usize) -> usize {
    let bytes = chunk.as_bytes();
    let mut end = start;
    loop {
        // ASCII letters and digits, the bulk of Dutch and English words, byte by byte.
        while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            end += 1;
        }
        let Some(&byte) = bytes.get(end) else {
            return end;
        };
        if byte.is_ascii() && !matches!(byte, b'-' | b'\'' | b'.') {
            return end;
        }
        let Some(character) = character_at(chunk, end) else {
            return end;
        };
        if character.is_alphanumeric() {
            end += character.len_utf8();
            continue;
        }
        if is_joiner(character) {
            let after_joiner = end + character.len_utf8();
            if character_at(chunk, after_joiner).is_some_and(char::is_alphanumeric) {
                end = after_joiner;
                continue;
            }
        }
        return end;
    }
}

fn tokenize_chunk(
    chunk: &str,
    chunk_offset: usize,
    opaque: bool,
    lexicon: &Lexicon,
    state: &mut TokenizerState,
    tokens: &mut Vec<Token>,
) {
    let bytes = chunk.as_bytes();
    // Only opaque chunks ask this, once per chunk rather than once per word.
    let opaque_placeholder = opaque && memchr::memchr(b'[', bytes).is_some();
    let mut offset = 0;
    loop {
        let character = match bytes.get(offset) {
            None => break,
            Some(&byte) if byte.is_ascii() => char::from(byte),
            Some(_) => match character_at(chunk, offset) {
                Some(character) => character,
                None => break,
            },
        };
        let next_offset = offset + character.len_utf8();
        let apostrophe_particle = matches!(character, '\'' | '’')
            && matches!(
                character_at(chunk, next_offset),
                Some('t' | 's' | 'T' | 'S')
            )
            && !character_at(chunk, next_offset + 1).is_some_and(char::is_alphanumeric);
        if !character.is_alphanumeric() && !apostrophe_particle {
            state.gap.note(character);
            offset = next_offset;
            continue;
        }
        let start = offset;
        let mut end = if apostrophe_particle {
            next_offset + 1
        } else {
            word_end(chunk, offset)
        };
        let word = chunk.get(start..end).unwrap_or_default();
        let mut shape = shape_of(word);
        let flags = if shape & HAS_DIGIT != 0 {
            0
        } else if opaque {
            // Words of handles and hashtags are context at most (`@ouders van jesse`): only
            // the small table of frequent forms and cue words is asked.
            if chunk.starts_with(['@', '#']) {
                lexicon.frequent_flags_of(FormHash::of(word))
            } else {
                0
            }
        } else if shape & LOWER_CASE != 0 {
            let frequent = lexicon.frequent_flags_of(FormHash::of(word));
            if frequent == 0 {
                shape |= LOOKUP_PENDING;
            }
            frequent
        } else {
            word_flags(lexicon, word, shape)
        };
        // `end` is a character boundary, so a `.` byte there is a full stop character.
        if !opaque && bytes.get(end) == Some(&b'.') {
            if is_initials_body(word) {
                shape |= INITIALS;
                shape &= !(ALL_CAPITALS | CAPITALISED);
                end += 1;
            } else if flags & ABBREVIATION != 0 {
                shape |= ABBREVIATED;
                end += 1;
            }
        }
        if opaque {
            shape |= OPAQUE;
            if opaque_placeholder {
                shape |= PLACEHOLDER;
            }
        }
        let gap = &state.gap;
        if gap.sentence_end || state.carried_sentence_start {
            shape |= SENTENCE_START;
        }
        if gap.is_plain() {
            shape |= JOINS_PREVIOUS;
        }
        if gap.opening_bracket {
            shape |= AFTER_OPENING_BRACKET;
        }
        if gap.comma {
            shape |= AFTER_COMMA;
        }
        if gap.dash {
            shape |= AFTER_DASH;
        }
        tokens.push(Token {
            start: chunk_offset + start,
            end: chunk_offset + end,
            flags,
            shape,
        });
        // Handles, links and their placeholders at the start of a post (`@a @b hoi`) leave the
        // sentence open; a person placeholder stands where a name was, which closed it.
        let person_placeholder = shape & PLACEHOLDER != 0 && chunk.contains("[PERSOON-");
        let keeps_sentence_start = opaque && shape & SENTENCE_START != 0 && !person_placeholder;
        state.gap = Gap {
            sentence_end: keeps_sentence_start,
            ..Gap::default()
        };
        state.carried_sentence_start = keeps_sentence_start;
        offset = end.max(next_offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, u32)> {
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        tokens
            .iter()
            .map(|token| (text[token.start..token.end].to_string(), token.shape))
            .collect()
    }

    #[test]
    fn initials_abbreviations_and_particles_are_single_tokens() {
        let found = words("dhr. G.J. van 't Hek-Koster zei: Hoi");
        let texts: Vec<&str> = found.iter().map(|(word, _)| word.as_str()).collect();
        assert_eq!(
            texts,
            ["dhr.", "G.J.", "van", "'t", "Hek-Koster", "zei", "Hoi"]
        );
        assert_ne!(found[0].1 & ABBREVIATED, 0);
        assert_ne!(found[1].1 & INITIALS, 0);
        assert_ne!(found[6].1 & SENTENCE_START, 0);
        assert_ne!(found[4].1 & JOINS_PREVIOUS, 0);
    }

    #[test]
    fn handles_urls_and_mail_addresses_are_opaque() {
        let found = words("@piet_p mail piet@x.nl of https://x.com/piet #Piet bit.ly/x");
        for (word, shape) in &found {
            let expected_opaque = !matches!(word.as_str(), "mail" | "of");
            assert_eq!(shape & OPAQUE != 0, expected_opaque, "{word}");
        }
    }

    #[test]
    fn brackets_and_sentence_starts_are_seen() {
        let found = words("bel Noor (Martijn). Daarna");
        assert_ne!(found[2].1 & AFTER_OPENING_BRACKET, 0);
        assert_ne!(found[2].1 & BEFORE_CLOSING_BRACKET, 0);
        assert_ne!(found[1].1 & BEFORE_OPENING_BRACKET, 0);
        assert_ne!(found[3].1 & SENTENCE_START, 0);
        assert_ne!(lexicon().flags("noor") & FIRST_NAME, 0);
    }
}
