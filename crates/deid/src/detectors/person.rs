//! Person names in Dutch, Flemish and English posts: first names, surnames, full names with
//! tussenvoegsels (`Gijs van den Berg`, `Van 't Hek`), hyphenated double names, initials
//! (`J.P. de Vries`), lower-case names in informal posts (`met anouk en bram`) and all-capitals
//! names. Titles, roles and kinship words (`mevrouw`, `wethouder`, `opa`) stay outside the span.
//!
//! How: the text is split into word tokens (`person_tokens.rs`) and each word is looked up once
//! in a lexicon of names, places and ordinary words (`person_lexicon.rs`). Rules then read the
//! cues a person reading the post would use:
//! - a known first name that is capitalised inside a sentence is a name, and a capitalised word
//!   after it (with tussenvoegsels between) is its surname, even an unknown one;
//! - initials and titles make the capitalised words after them a name;
//! - a known surname is a name on its own only when it is not also an ordinary word or a place
//!   (`Jansen` yes, `Bakker`, `de Boer`, `Roos` only after a first name, initials or a title);
//! - an unknown capitalised word is a name only with a cue: `aldus`, `zei`, a bracket after it;
//! - a lower-case first name needs a cue too: a title or greeting before it, another name it is
//!   joined to (`anouk en bram`), brackets around it, `van de …` after it.
//!
//! Candidates inside an organisation's or brand's name (`Albert Heijn`, `Stichting Jantje
//! Beton`), a street or building name (`Prins Hendriklaan`), a place written with a particle
//! (`Den Haag`), or allowed by the organisation's allow-list (office holders) are dropped.
//! The detector keeps no text: it reports byte spans only.

use peil_model::PlaceholderKind;

use super::person_lexicon::{
    lexicon, FormHash, ANY_NAME, ANY_WORD, DUTCH_FREQUENT_WORD, DUTCH_WORD, ENGLISH_WORD,
    FIRST_NAME, FIRST_NAME_COMMON, GREETING, LEADING_PARTICLE, NAME_JOINER, NEVER_A_NAME,
    ORGANISATION_AFTER, ORGANISATION_BEFORE, PARTICLE, PLACE, PLACE_PREPOSITION, PROPER_NOUN,
    SPEECH, SURNAME, SURNAME_COMMON, SURNAME_PART, TITLE,
};
use super::person_tokens::{
    complete_flags, tokenize, Token, ABBREVIATED, AFTER_DASH, AFTER_OPENING_BRACKET, ALL_CAPITALS,
    BEFORE_CLOSING_BRACKET, BEFORE_OPENING_BRACKET, CAPITALISED, HAS_DIGIT, INITIALS,
    JOINS_PREVIOUS, LOOKUP_PENDING, LOWER_CASE, OPAQUE, PLACEHOLDER, SENTENCE_START,
};
use super::Detector;
use crate::{AllowList, Span};

/// Person names (see the module documentation).
pub struct PersonNameDetector;

impl Detector for PersonNameDetector {
    fn name(&self) -> &'static str {
        "person-name"
    }

    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
        detect_person_names(text, allow, spans);
    }
}

/// Endings of street, square, park and building names: a candidate that ends in one of them
/// (`Prins Hendriklaan`, `Jan van Galenstraat`) is a place, not a person.
const STREET_ENDINGS: &[&str] = &[
    "straat",
    "laan",
    "weg",
    "plein",
    "park",
    "singel",
    "gracht",
    "kade",
    "dreef",
    "steeg",
    "markt",
    "plantsoen",
    "boulevard",
    "allee",
    "hof",
    "ziekenhuis",
    "school",
    "kerk",
    "stadion",
    "college",
    "lyceum",
    "museum",
    "brug",
    "tunnel",
    "haven",
    "straatje",
    "pad",
];

/// Hand-written cue flags: a word with one of them is context, not part of a proper noun.
const CUE_WORDS: u32 = TITLE | GREETING | SPEECH | NAME_JOINER | PLACE_PREPOSITION;

/// Surname lists carry words like `Hof` or `Pad` too; such a word alone is not a street.
const SHORTEST_STREET_NAME: usize = 5;

/// How much the words before a candidate surname say that a name is being written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// A first name or initials come first: almost any capitalised word after them is a surname.
    GivenName,
    /// A title, role or kinship word comes first (`wethouder`, `Mevrouw`, `opa`).
    Title,
    /// Nothing: the surname must carry the evidence itself.
    Nothing,
}

/// What the word just before a candidate is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CueBefore {
    Title,
    Greeting,
    Speech,
    PlacePreposition,
    Organisation,
    JoinedToName,
    None,
}

/// The tokens of one text and the names found so far.
struct Reading<'a> {
    text: &'a str,
    tokens: &'a [Token],
    /// Inclusive token ranges of the names found, in order.
    names: Vec<(usize, usize)>,
    /// Inclusive token ranges of candidates dropped as organisations, streets or places; a
    /// repeated mention is never taken from inside one (`Albert Heijn` after `J. Heijn`).
    dropped: Vec<(usize, usize)>,
}

/// Appends a `Person` span for every person name in `text`.
pub fn detect_person_names(text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
    if text.is_empty() {
        return;
    }
    // The token buffer is reused between texts on the same thread.
    let mut tokens = TOKEN_BUFFER.with(|buffer| buffer.take());
    tokens.clear();
    tokenize(text, &mut tokens);
    detect_in_tokens(text, &tokens, allow, spans);
    // A buffer grown by one very long text is not kept.
    if tokens.capacity() <= 1 << 14 {
        TOKEN_BUFFER.with(|buffer| buffer.set(tokens));
    }
}

thread_local! {
    static TOKEN_BUFFER: std::cell::Cell<Vec<Token>> = const { std::cell::Cell::new(Vec::new()) };
}

fn detect_in_tokens(text: &str, tokens: &[Token], allow: &AllowList, spans: &mut Vec<Span>) {
    let mut reading = Reading {
        text,
        tokens,
        names: Vec::new(),
        dropped: Vec::new(),
    };
    let mut index = 0;
    while index < tokens.len() {
        match reading.name_at(index) {
            Some(last) => {
                if reading.keeps(index, last) {
                    reading.names.push((index, last));
                } else {
                    reading.dropped.push((index, last));
                }
                index = last + 1;
            }
            None => index += 1,
        }
    }
    reading.add_repeated_mentions();
    for &(first, last) in &reading.names {
        let (Some(first_token), Some(last_token)) = (tokens.get(first), tokens.get(last)) else {
            continue;
        };
        let start = first_token.start;
        let end = last_token.end;
        let Some(name) = text.get(start..end) else {
            continue;
        };
        if allow.allows_person(name) {
            continue;
        }
        spans.push(Span::new(start, end, PlaceholderKind::Person));
    }
}

impl Reading<'_> {
    fn token(&self, index: usize) -> Option<&Token> {
        self.tokens.get(index)
    }

    fn word(&self, index: usize) -> &str {
        self.token(index)
            .and_then(|token| self.text.get(token.start..token.end))
            .unwrap_or_default()
    }

    /// Whether a name found so far ends at token `index`.
    fn name_ends_at(&self, index: usize) -> bool {
        self.names.last().is_some_and(|&(_, last)| last == index)
    }

    /// What the word before token `index` says about it.
    fn cue_before(&self, index: usize) -> CueBefore {
        let Some(token) = self.token(index) else {
            return CueBefore::None;
        };
        let Some(previous_index) = index.checked_sub(1) else {
            return CueBefore::None;
        };
        let Some(previous) = self.token(previous_index) else {
            return CueBefore::None;
        };
        let joined = token.has(JOINS_PREVIOUS) || previous.has(ABBREVIATED);
        if !joined || self.name_ends_at(previous_index) {
            // `Groet, Jelle` and `(Martijn)` carry no cue from the word before the gap, and a
            // word read as part of a name is no cue either.
            return CueBefore::None;
        }
        let usable_as_cue = previous.has(LOWER_CASE | ABBREVIATED)
            || (previous.looks_capitalised()
                && !previous.is(FIRST_NAME_COMMON | SURNAME_COMMON)
                && !self.name_ends_at(previous_index));
        if previous.is(TITLE) && usable_as_cue {
            return CueBefore::Title;
        }
        if previous.is(GREETING) && usable_as_cue {
            return CueBefore::Greeting;
        }
        if previous.is(SPEECH) && usable_as_cue {
            return CueBefore::Speech;
        }
        if previous.is(ORGANISATION_BEFORE) && !previous.is(ANY_NAME) {
            return CueBefore::Organisation;
        }
        if previous.is(PLACE_PREPOSITION) && previous.has(LOWER_CASE) {
            return CueBefore::PlacePreposition;
        }
        if previous.is(NAME_JOINER)
            && previous.has(LOWER_CASE)
            && previous_index
                .checked_sub(1)
                .is_some_and(|before| self.name_ends_at(before))
        {
            return CueBefore::JoinedToName;
        }
        CueBefore::None
    }

    /// The last token of a name that starts at token `index`, if one does.
    fn name_at(&self, index: usize) -> Option<usize> {
        let token = *self.token(index)?;
        if !token.can_be_name() {
            return None;
        }
        if token.has(INITIALS) {
            return self.name_after_initials(index);
        }
        let cue = self.cue_before(index);
        if cue == CueBefore::Organisation {
            return None;
        }
        if is_particle(&token) {
            if !token.is(LEADING_PARTICLE) {
                return None;
            }
            let lead = if cue == CueBefore::Title {
                Lead::Title
            } else {
                if token.has(LOWER_CASE) && !is_dutch_leading_particle(self.word(index)) {
                    return None;
                }
                Lead::Nothing
            };
            return self.surname_from(index, lead, false);
        }
        if token.looks_capitalised() {
            return self.capitalised_name_at(index, token, cue);
        }
        if token.has(LOWER_CASE) {
            return self.lower_case_name_at(index, token, cue);
        }
        None
    }

    /// `J. Vermeulen`, `G.J. Koster`, `S. de Graaf`, `A. van Dijk-Huisman`.
    fn name_after_initials(&self, index: usize) -> Option<usize> {
        let mut last_initials = index;
        while let Some(next) = self.token(last_initials + 1) {
            if next.has(INITIALS) && next.has(JOINS_PREVIOUS) {
                last_initials += 1;
            } else {
                break;
            }
        }
        self.surname_from(last_initials + 1, Lead::GivenName, true)
    }

    /// Tussenvoegsels (none or more) and a surname, starting at token `index`. With
    /// `must_join`, the first token must follow the previous one with only spaces between.
    fn surname_from(&self, index: usize, lead: Lead, must_join: bool) -> Option<usize> {
        let mut position = index;
        let mut particles = 0;
        let mut first_particle_capitalised = false;
        let mut first_particle_mid_sentence = false;
        let mut first_particle_dutch = false;
        let mut first_particle_van = false;
        while let Some(token) = self.token(position) {
            let joined = token.has(JOINS_PREVIOUS) || (position == index && !must_join);
            if !joined {
                return None;
            }
            if !is_particle(token) || particles >= 4 {
                break;
            }
            if particles == 0 && !token.is(LEADING_PARTICLE) {
                return None;
            }
            if particles == 0 {
                let word = self.word(position);
                first_particle_capitalised = token.looks_capitalised();
                first_particle_mid_sentence = !token.has(SENTENCE_START);
                first_particle_dutch = is_dutch_leading_particle_ignoring_case(word);
                first_particle_van = word.eq_ignore_ascii_case("van");
            }
            particles += 1;
            position += 1;
        }
        let surname = self.token(position)?;
        let joined = surname.has(JOINS_PREVIOUS) || (position == index && !must_join);
        if !joined || !surname.can_be_name() || !surname.looks_capitalised() {
            return None;
        }
        let particle = match (particles > 0, first_particle_capitalised) {
            (false, _) => ParticleBefore::None,
            (true, _) if lead == Lead::Nothing && !first_particle_dutch => ParticleBefore::Foreign,
            (true, false) => ParticleBefore::LowerCase,
            (true, true) if first_particle_mid_sentence && first_particle_van => {
                ParticleBefore::CapitalisedVanMidSentence
            }
            (true, true) => ParticleBefore::Capitalised,
        };
        let acceptable = surname_is_acceptable(
            surname,
            lead,
            particle,
            self.cue_before(index) == CueBefore::Speech,
        );
        if !acceptable {
            return None;
        }
        Some(position)
    }

    /// Consecutive capitalised first names from `index` (`Jan Peter`, `Anne-Marie`).
    fn given_names_end(&self, index: usize) -> usize {
        let mut last = index;
        while let Some(next) = self.token(last + 1) {
            if next.has(JOINS_PREVIOUS) && next.has(INITIALS) {
                // `Thomas L. Friedman`, `George W. Bush`
                last += 1;
                continue;
            }
            let middle_name = next.has(JOINS_PREVIOUS)
                && next.looks_capitalised()
                && next.can_be_name()
                && next.is(FIRST_NAME)
                && !next.is(PARTICLE)
                && (next.is(FIRST_NAME_COMMON) || !next.is(ANY_WORD));
            if !middle_name {
                break;
            }
            last += 1;
        }
        last
    }

    fn capitalised_name_at(&self, index: usize, token: Token, cue: CueBefore) -> Option<usize> {
        let strong_cue = matches!(
            cue,
            CueBefore::Title | CueBefore::Greeting | CueBefore::JoinedToName
        );
        let may_be_given_name = token.is(FIRST_NAME)
            && !(token.has(SENTENCE_START) && self.sentence_start_is_a_word(index, &token));
        if may_be_given_name {
            let given_end = self.given_names_end(index);
            if let Some(last) = self.surname_from(given_end + 1, Lead::GivenName, true) {
                return Some(last);
            }
            if given_end > index {
                return Some(given_end);
            }
            if given_name_alone(&token, cue, strong_cue) || self.joined_to_a_next_name(index) {
                return Some(index);
            }
        }
        if strong_cue && cue != CueBefore::JoinedToName {
            if let Some(last) = self.surname_from(index, Lead::Title, false) {
                return Some(last);
            }
        }
        if let Some(last) = self.unknown_given_name_before_known_surname(index, &token) {
            return Some(last);
        }
        if surname_alone(&token, cue) {
            return Some(index);
        }
        if cue == CueBefore::JoinedToName && token.is(FIRST_NAME | SURNAME) {
            // `Kees en Mulder`: joined to a name, a capitalised name word is a name too.
            return Some(index);
        }
        if self.unknown_word_with_cue(index, &token, cue) {
            return Some(index);
        }
        None
    }

    /// Whether a capitalised first word that lists carry as a first name is rather the ordinary
    /// word (`Bel Ria op …`, `Beste Ton,`): it is a word of the language and a name follows.
    fn sentence_start_is_a_word(&self, index: usize, token: &Token) -> bool {
        if !token.is(ANY_WORD) {
            return false;
        }
        if !token.is(FIRST_NAME_COMMON) {
            return true;
        }
        let frequent_word = token.is(DUTCH_FREQUENT_WORD | ENGLISH_WORD);
        frequent_word
            && self.token(index + 1).is_some_and(|next| {
                next.has(JOINS_PREVIOUS) && next.looks_capitalised() && next.is(FIRST_NAME)
            })
    }

    /// `Kees en Mulder`, `Roos & Sem`: a capitalised common first name joined by `en` or `&` to
    /// another capitalised name word is a name even where it could be an ordinary word.
    fn joined_to_a_next_name(&self, index: usize) -> bool {
        let Some(token) = self.token(index) else {
            return false;
        };
        if !token.is(FIRST_NAME_COMMON) {
            return false;
        }
        let joiner = self
            .token(index + 1)
            .is_some_and(|next| next.has(JOINS_PREVIOUS) && next.is(NAME_JOINER));
        joiner
            && self.token(index + 2).is_some_and(|after| {
                after.has(JOINS_PREVIOUS)
                    && after.looks_capitalised()
                    && after.can_be_name()
                    && after.is(FIRST_NAME | SURNAME)
            })
    }

    /// `Wybren van Haga`, `Attje Kuiken`: an unknown capitalised word before a known surname
    /// (with or without tussenvoegsels) is a first name the lists lack.
    fn unknown_given_name_before_known_surname(
        &self,
        index: usize,
        token: &Token,
    ) -> Option<usize> {
        let unknown = token.has(CAPITALISED)
            && !token.is(ANY_NAME | ANY_WORD | PLACE | PARTICLE | CUE_WORDS | PROPER_NOUN)
            && token.len() >= 3;
        if !unknown {
            return None;
        }
        let next_is_first_name = self
            .token(index + 1)
            .is_some_and(|next| next.is(FIRST_NAME) && !is_particle(next));
        if next_is_first_name {
            // `Triatleet Luc Van Lierde`: a role word before a full name.
            return None;
        }
        let last = self.surname_from(index + 1, Lead::GivenName, true)?;
        let surname = self.token(last)?;
        let known = surname.is(SURNAME | SURNAME_PART) && !surname.is(PLACE | DUTCH_FREQUENT_WORD);
        known.then_some(last)
    }

    /// An unknown capitalised word is a name with a cue: `aldus Strupar`, `Strupar zei`,
    /// `Strupar (Genk)`, `- Strupar`.
    fn unknown_word_with_cue(&self, index: usize, token: &Token, cue: CueBefore) -> bool {
        if !token.has(CAPITALISED)
            || token.is(ANY_NAME | ANY_WORD | PLACE | PROPER_NOUN | PARTICLE)
            || token.len() < 3
        {
            return false;
        }
        let next_is_speech = self
            .token(index + 1)
            .is_some_and(|next| next.has(JOINS_PREVIOUS | LOWER_CASE) && next.is(SPEECH));
        if cue == CueBefore::Speech || next_is_speech {
            return true;
        }
        (token.has(BEFORE_OPENING_BRACKET) && self.bracket_suits_a_person(index + 1))
            || (token.has(AFTER_DASH) && self.ends_a_line(index))
    }

    /// The word ends the text, or only punctuation, digits or a line break follow it (a
    /// signature `- Marjolein`, a result line `-- Strupar 2:33`).
    fn ends_a_line(&self, index: usize) -> bool {
        match self.token(index + 1) {
            None => true,
            Some(next) => !next.has(OPAQUE) && (next.has(HAS_DIGIT) || next.has(SENTENCE_START)),
        }
    }

    /// What follows a person's name in brackets: a party or country code (`VLD`, `Ita`), a
    /// handle, an age, a role (`wethouder Wonen`), a place (`Genk`); not a spelled-out phrase.
    fn bracket_suits_a_person(&self, inside_index: usize) -> bool {
        let Some(inside) = self.token(inside_index) else {
            return false;
        };
        if inside.has(PLACEHOLDER) {
            return false;
        }
        inside.has(ALL_CAPITALS | OPAQUE | HAS_DIGIT | LOWER_CASE)
            || inside.is(PLACE | TITLE)
            || (inside.has(CAPITALISED) && inside.len() <= 3)
    }

    fn lower_case_name_at(&self, index: usize, token: Token, cue: CueBefore) -> Option<usize> {
        if token.len() < 3 {
            return None;
        }
        // The context comes first: most lower-case words have none, and then their entry in the
        // large lexicon table is never needed.
        let in_brackets = token.has(AFTER_OPENING_BRACKET) && token.has(BEFORE_CLOSING_BRACKET);
        let strong_cue = matches!(
            cue,
            CueBefore::Title | CueBefore::Greeting | CueBefore::JoinedToName
        ) || in_brackets;
        let joiner_before = index
            .checked_sub(1)
            .and_then(|previous| self.token(previous))
            .is_some_and(|previous| previous.is(NAME_JOINER) && token.has(JOINS_PREVIOUS));
        let next = self.token(index + 1);
        let described_after = next.is_some_and(|next| {
            next.has(JOINS_PREVIOUS) && self.word(index + 1).eq_ignore_ascii_case("van")
        });
        let speech_after = next.is_some_and(|next| next.has(JOINS_PREVIOUS) && next.is(SPEECH));
        let joiner_after =
            next.is_some_and(|next| next.has(JOINS_PREVIOUS) && next.is(NAME_JOINER));
        let kin_of = self.follows_kinship_van(index);
        let weak_cue = joiner_before || described_after || speech_after || joiner_after || kin_of;
        if !strong_cue && !weak_cue {
            return None;
        }
        let flags = self.full_flags(index);
        if flags & FIRST_NAME_COMMON == 0 || flags & (PLACE | PARTICLE | NEVER_A_NAME) != 0 {
            return None;
        }
        let frequent_word = flags & (DUTCH_FREQUENT_WORD | ENGLISH_WORD) != 0;
        if strong_cue {
            return (!frequent_word).then_some(index);
        }
        let rare_word = flags & DUTCH_WORD != 0;
        let proper_noun_only = flags & PROPER_NOUN != 0 && flags & ANY_NAME == 0;
        if frequent_word || rare_word || proper_noun_only {
            return None;
        }
        let joined_to_next_name = joiner_after
            && self.token(index + 2).is_some_and(|after| {
                after.can_be_name() && self.full_flags(index + 2) & FIRST_NAME_COMMON != 0
            });
        let other_cue = joiner_before || described_after || speech_after || kin_of;
        (other_cue || joined_to_next_name).then_some(index)
    }

    /// The complete lexicon flags of token `index` (lower-case words outside the table of
    /// frequent forms are looked up only when a rule needs them).
    fn full_flags(&self, index: usize) -> u32 {
        let Some(token) = self.token(index) else {
            return 0;
        };
        if !token.has(LOOKUP_PENDING) {
            return token.flags;
        }
        complete_flags(self.word(index), token.shape)
    }

    /// `ouders van jesse`, `de moeder van Sem`.
    fn follows_kinship_van(&self, index: usize) -> bool {
        let Some(previous_index) = index.checked_sub(1) else {
            return false;
        };
        let Some(before_index) = previous_index.checked_sub(1) else {
            return false;
        };
        self.word(previous_index).eq_ignore_ascii_case("van")
            && self
                .token(before_index)
                .is_some_and(|before| before.is(TITLE))
    }

    /// Whether the candidate `first..=last` is kept: not part of an organisation's, street's or
    /// place's name.
    fn keeps(&self, first: usize, last: usize) -> bool {
        if self.cue_before(first) == CueBefore::Organisation {
            return false;
        }
        let full_name = first != last
            && self
                .token(first)
                .is_some_and(|token| token.is(FIRST_NAME_COMMON) || token.has(INITIALS));
        if !full_name && self.inside_multiword_proper_noun(first) {
            return false;
        }
        if self.joined_by_ampersand(first, last) {
            return false;
        }
        if self.brackets_hold_its_acronym(first, last) {
            return false;
        }
        for position in first..=last {
            if self.is_street_word(position) {
                return false;
            }
        }
        if let Some(next) = self.token(last + 1) {
            if next.has(JOINS_PREVIOUS) && next.looks_capitalised() {
                if next.is(ORGANISATION_AFTER) || self.is_street_word(last + 1) {
                    return false;
                }
                // `Marine Inlichtingendienst`, `Jordi Cup`: a capitalised ordinary word after
                // the candidate makes both part of a title-case name of a thing.
                let ordinary_word = next.has(CAPITALISED)
                    && next.is(ANY_WORD)
                    && !next.is(ANY_NAME | CUE_WORDS | PARTICLE);
                if ordinary_word {
                    return false;
                }
            }
        }
        !self.is_listed_phrase(first, last)
    }

    /// `Camp David`, `Radio Donna`, `British Airways`, `La Palma`: a capitalised ordinary word,
    /// place or particle just before the candidate makes it part of a multi-word name of a
    /// place, organisation or thing. A title (`Minister`), a name found before it, or an
    /// ordinary word that only starts the sentence (`Gisteren`) does not.
    fn inside_multiword_proper_noun(&self, first: usize) -> bool {
        let Some(token) = self.token(first) else {
            return false;
        };
        let Some(previous_index) = first.checked_sub(1) else {
            return false;
        };
        let Some(previous) = self.token(previous_index) else {
            return false;
        };
        if !token.has(JOINS_PREVIOUS) || !previous.has(CAPITALISED) || previous.has(OPAQUE) {
            return false;
        }
        if previous.is(ANY_NAME | CUE_WORDS) || self.name_ends_at(previous_index) {
            return false;
        }
        let known_non_name = previous.is(ANY_WORD | PLACE | PROPER_NOUN | PARTICLE);
        if !known_non_name {
            return false;
        }
        !(previous.has(SENTENCE_START) && previous.is(DUTCH_FREQUENT_WORD))
    }

    /// `Lernout & Hauspie`: surnames joined by `&` without first names are a firm.
    fn joined_by_ampersand(&self, first: usize, last: usize) -> bool {
        if first != last {
            return false;
        }
        let before = first
            .checked_sub(1)
            .is_some_and(|previous| self.word(previous) == "&");
        let after = self.word(last + 1) == "&";
        before || after
    }

    /// `Agrochemie (CODA)`: capitals in brackets that end with the candidate's initial letter
    /// spell out an organisation's acronym.
    fn brackets_hold_its_acronym(&self, first: usize, last: usize) -> bool {
        let Some(last_token) = self.token(last) else {
            return false;
        };
        if !last_token.has(BEFORE_OPENING_BRACKET) {
            return false;
        }
        let Some(inside) = self.token(last + 1) else {
            return false;
        };
        if !inside.has(ALL_CAPITALS) || !inside.has(BEFORE_CLOSING_BRACKET) {
            return false;
        }
        let acronym_last = self.word(last + 1).chars().next_back();
        let candidate_first = self.word(last).chars().next();
        let first_token_initial = self.word(first).chars().next();
        match (acronym_last, candidate_first, first_token_initial) {
            (Some(acronym), Some(candidate), Some(_)) => acronym.eq_ignore_ascii_case(&candidate),
            _ => false,
        }
    }

    /// A capitalised word ending in a street or building word (`Hendriklaan`).
    fn is_street_word(&self, index: usize) -> bool {
        let Some(token) = self.token(index) else {
            return false;
        };
        if !token.looks_capitalised() || token.len() < SHORTEST_STREET_NAME || token.is(ANY_NAME) {
            return false;
        }
        let word = self.word(index).as_bytes();
        STREET_ENDINGS.iter().any(|ending| {
            word.len() >= ending.len() + 3
                && word
                    .get(word.len() - ending.len()..)
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(ending.as_bytes()))
        })
    }

    /// Whether the candidate, or part of it with the word before or after, is a place or an
    /// organisation the lexicon lists as a phrase (`Den Haag`, `Albert Heijn`, `De Morgen`).
    fn is_listed_phrase(&self, first: usize, last: usize) -> bool {
        let lexicon = lexicon();
        for from in first.saturating_sub(1)..=last {
            for to in [last, last + 1] {
                if from >= to {
                    continue;
                }
                let (Some(start), Some(end)) = (self.token(from), self.token(to)) else {
                    continue;
                };
                let Some(phrase) = self.text.get(start.start..end.end) else {
                    continue;
                };
                if lexicon.flags_of(phrase_fingerprint(phrase)) & (NEVER_A_NAME | PLACE) != 0 {
                    return true;
                }
            }
        }
        false
    }

    /// A capitalised word seen inside a name found earlier is that name again (`Jan-Willem
    /// Peters … Peters`).
    fn add_repeated_mentions(&mut self) {
        if self.names.is_empty() {
            return;
        }
        let mut known: Vec<&str> = Vec::new();
        for &(first, last) in &self.names {
            for position in first..=last {
                let Some(token) = self.token(position) else {
                    continue;
                };
                // Only words that a list knows as a name, or that no list knows: a place or
                // an ordinary word inside a name (`de Utrecht`) is not repeated, so that a
                // repeated mention never stands where it changed a neighbour's reading.
                let repeatable = token.is(ANY_NAME) || token.flags == 0;
                if token.looks_capitalised()
                    && repeatable
                    && !token.is(PARTICLE)
                    && token.len() >= 3
                {
                    known.push(self.word(position));
                }
            }
        }
        let mut added = Vec::new();
        let mut name_cursor = 0;
        for (position, token) in self.tokens.iter().enumerate() {
            while self
                .names
                .get(name_cursor)
                .is_some_and(|&(_, last)| last < position)
            {
                name_cursor += 1;
            }
            let inside = self
                .names
                .get(name_cursor)
                .is_some_and(|&(first, last)| first <= position && position <= last);
            let dropped = self
                .dropped
                .iter()
                .any(|&(first, last)| first <= position && position <= last);
            if inside || dropped || !token.looks_capitalised() || !token.can_be_name() {
                continue;
            }
            let word = self.word(position);
            if known.contains(&word) {
                added.push((position, position));
            }
        }
        if added.is_empty() {
            return;
        }
        self.names.extend(added);
        self.names.sort_unstable();
    }
}

/// The fingerprint of a phrase, lower-cased, with every run of spaces read as one space.
fn phrase_fingerprint(phrase: &str) -> u64 {
    let mut hash = FormHash::new();
    let mut after_space = false;
    for character in phrase.chars() {
        if character.is_whitespace() {
            if !after_space {
                hash.push_lower_case(' ');
            }
            after_space = true;
        } else {
            hash.push_lower_case(character);
            after_space = false;
        }
    }
    hash.finish()
}

/// A tussenvoegsel or name particle; a capitalised common first name or surname that is also a
/// particle (`Ben`, `Al`) counts as a name.
fn is_particle(token: &Token) -> bool {
    token.is(PARTICLE)
        && !(token.looks_capitalised() && token.is(FIRST_NAME_COMMON | SURNAME_COMMON))
        && !token.is(FIRST_NAME_COMMON | SURNAME_COMMON)
}

/// `is_dutch_leading_particle` for a word in any case (ASCII letters folded, as
/// `to_ascii_lowercase` would), without a lower-cased copy.
fn is_dutch_leading_particle_ignoring_case(word: &str) -> bool {
    DUTCH_LEADING_PARTICLES
        .iter()
        .any(|particle| word.eq_ignore_ascii_case(particle))
}

/// Lower-case particles that start a Dutch surname written without a first name (`van Dijk`,
/// `de Vries`, `ter Horst`).
const DUTCH_LEADING_PARTICLES: [&str; 10] = [
    "van", "de", "den", "der", "ter", "ten", "'t", "’t", "vd", "v.d",
];

/// Lower-case particles that start a Dutch surname written without a first name (`van Dijk`,
/// `de Vries`, `ter Horst`); `du`, `la`, `el` need a capital or a first name before them.
fn is_dutch_leading_particle(word: &str) -> bool {
    DUTCH_LEADING_PARTICLES.contains(&word)
}

/// Whether a capitalised first name with no surname after it is a name by itself.
fn given_name_alone(token: &Token, cue: CueBefore, strong_cue: bool) -> bool {
    if token.is(NEVER_A_NAME) {
        return false;
    }
    if strong_cue {
        return true;
    }
    if cue == CueBefore::PlacePreposition && token.is(PLACE) {
        return false;
    }
    let common = token.is(FIRST_NAME_COMMON);
    let word = token.is(ANY_WORD);
    if token.has(SENTENCE_START) {
        if common {
            return !token.is(DUTCH_FREQUENT_WORD | ENGLISH_WORD | PLACE);
        }
        return !word && !token.is(PLACE | PROPER_NOUN);
    }
    if token.is(PLACE) && !common {
        return false;
    }
    common || !word
}

/// Whether a capitalised known surname with nothing before it is a name by itself (`Jansen`
/// yes; `Bakker`, `Groen`, `Utrecht` no).
fn surname_alone(token: &Token, cue: CueBefore) -> bool {
    if !token.is(SURNAME) || token.is(PARTICLE) {
        return false;
    }
    if matches!(cue, CueBefore::PlacePreposition | CueBefore::Organisation) {
        return false;
    }
    if cue == CueBefore::Speech {
        return !token.is(PLACE);
    }
    if token.is(PLACE | DUTCH_FREQUENT_WORD | ENGLISH_WORD) {
        return false;
    }
    if token.has(SENTENCE_START) {
        return token.is(SURNAME_COMMON) && !token.is(DUTCH_WORD);
    }
    !token.is(DUTCH_WORD) || token.is(SURNAME_COMMON)
}

/// Whether `token` can be the surname after what came before it.
/// What stands between the words before a surname and the surname.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ParticleBefore {
    None,
    /// `van Dijk`
    LowerCase,
    /// `Van Leeuwen` as the first words of a sentence.
    Capitalised,
    /// `aldus Van Diepenbeek`: a capital `Van` inside a sentence marks a surname.
    CapitalisedVanMidSentence,
    /// `La`, `Le`, `Di`, `El` with nothing before them: only before a known surname part.
    Foreign,
}

fn surname_is_acceptable(
    token: &Token,
    lead: Lead,
    particle: ParticleBefore,
    after_speech: bool,
) -> bool {
    let after_particle = particle != ParticleBefore::None;
    let particle_capitalised = matches!(
        particle,
        ParticleBefore::Capitalised | ParticleBefore::CapitalisedVanMidSentence
    );
    if token.is(NEVER_A_NAME) {
        return false;
    }
    let known_surname = token.is(SURNAME | SURNAME_PART | FIRST_NAME);
    let word = token.is(ANY_WORD);
    let frequent_word = token.is(DUTCH_FREQUENT_WORD | ENGLISH_WORD);
    let place = token.is(PLACE);
    let organisation_word = token.is(ORGANISATION_BEFORE | ORGANISATION_AFTER | TITLE);
    match lead {
        Lead::GivenName => {
            if after_particle {
                !organisation_word || known_surname
            } else {
                known_surname || (!frequent_word && !place)
            }
        }
        Lead::Title => {
            if !known_surname && organisation_word {
                false
            } else if after_particle && !particle_capitalised {
                token.is(SURNAME_PART | SURNAME_COMMON)
                    && !token.is(FIRST_NAME_COMMON | PLACE | DUTCH_FREQUENT_WORD)
            } else if after_particle {
                // `de heer Van 't Hek`: a capital particle after a title is a surname's.
                true
            } else {
                known_surname || (!word && !place)
            }
        }
        Lead::Nothing => match particle {
            ParticleBefore::None => false,
            ParticleBefore::CapitalisedVanMidSentence => {
                token.is(SURNAME_PART | SURNAME) || !frequent_word
            }
            ParticleBefore::Capitalised => token.is(SURNAME_PART),
            ParticleBefore::Foreign => token.is(SURNAME_PART),
            ParticleBefore::LowerCase if after_speech => token.is(SURNAME_PART),
            ParticleBefore::LowerCase => {
                token.is(SURNAME_PART) && !place && !token.is(DUTCH_FREQUENT_WORD)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let mut spans = Vec::new();
        detect_person_names(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text[span.start..span.end].to_string())
            .collect()
    }

    #[test]
    fn full_names_with_tussenvoegsels_and_initials() {
        assert_eq!(
            names("Iemand die Gijs van den Berg kent?"),
            ["Gijs van den Berg"]
        );
        assert_eq!(names("t.n.v. S. de Graaf, dan"), ["S. de Graaf"]);
        assert_eq!(
            names("mevr. A. van Dijk-Huisman, kreeg"),
            ["A. van Dijk-Huisman"]
        );
        assert_eq!(names("op naam van G.J. Koster. Gevonden?"), ["G.J. Koster"]);
        assert_eq!(names("Namens Jan-Willem Peters en"), ["Jan-Willem Peters"]);
        assert_eq!(names("De heer Van 't Hek zei"), ["Van 't Hek"]);
    }

    #[test]
    fn titles_and_roles_stay_outside_the_span() {
        assert_eq!(names("Burgemeester Van Leeuwen heeft"), ["Van Leeuwen"]);
        assert_eq!(names("Open brief aan wethouder Dekker: het"), ["Dekker"]);
        assert_eq!(
            names("Mevrouw Vermeulen van de Sociale Dienst"),
            ["Vermeulen"]
        );
        assert_eq!(names("opa Jan (92) is"), ["Jan"]);
        assert_eq!(names("My landlord, Mr. Willems, refuses"), ["Willems"]);
    }

    #[test]
    fn words_that_are_also_names_need_name_context() {
        assert_eq!(names("De boer wil gewoon zekerheid"), Vec::<String>::new());
        assert_eq!(names("Lotte Kramer uit groep 8"), ["Lotte Kramer"]);
        assert_eq!(
            names("Thijs Mulder (wethouder Wonen) belooft"),
            ["Thijs Mulder"]
        );
        assert_eq!(names("een mulder en een bakker"), Vec::<String>::new());
    }

    #[test]
    fn lower_case_names_with_context() {
        assert_eq!(
            names("ik ga met anouk en bram naar de markt"),
            ["anouk", "bram"]
        );
        assert_eq!(names("bel of app 06 (yasmin)"), ["yasmin"]);
        assert_eq!(names("mohammed van de snackbar is top"), ["mohammed"]);
    }

    #[test]
    fn organisations_streets_and_places_are_not_persons() {
        assert_eq!(names("zaterdag bij de Albert Heijn"), Vec::<String>::new());
        assert_eq!(names("Stichting Jantje Beton zoekt"), Vec::<String>::new());
        assert_eq!(
            names("een woning aan de Prins Hendriklaan 34"),
            Vec::<String>::new()
        );
        assert_eq!(names("Stand van zaken Corona: meer"), Vec::<String>::new());
        assert_eq!(names("naar Den Haag en Utrecht"), Vec::<String>::new());
    }

    #[test]
    fn allowed_office_holders_stay_readable() {
        let mut allow = AllowList::dutch_defaults();
        allow.add_person("Femke Halsema");
        let mut spans = Vec::new();
        detect_person_names("burgemeester Femke Halsema zei", &allow, &mut spans);
        assert!(spans.is_empty());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::Deidentifier;
    use proptest::prelude::*;

    /// Words that exercise every rule: names, particles, initials, titles, cue words, places,
    /// organisations, placeholders, identifiers, and characters whose lower case is longer.
    const VOCABULARY: &[&str] = &[
        "Jan",
        "Anouk",
        "bram",
        "anouk",
        "de",
        "De",
        "van",
        "Van",
        "der",
        "'t",
        "’t",
        "Vries",
        "Berg",
        "J.",
        "G.J.",
        "A.",
        "Mevrouw",
        "mevr.",
        "dhr.",
        "wethouder",
        "opa",
        "Bakker",
        "Roos",
        "roos",
        "Utrecht",
        "Albert",
        "Heijn",
        "Stichting",
        "Jantje",
        "Beton",
        "Prins",
        "Hendriklaan",
        "[PERSOON-1]",
        "[E-MAIL-2]",
        "@piet_p",
        "#Jan",
        "https://x.com/jan",
        "zei",
        "aldus",
        "en",
        "met",
        "&",
        "Camp",
        "David",
        "Corona",
        "İstanbul",
        "İ",
        "ǅan",
        "ẞ",
        "Öztürk",
        "Yılmaz",
        "Dijk-Huisman",
        "Anne-Marie",
        "-",
        "(",
        ")",
        ",",
        ".",
        ":",
        "\n",
        "😀",
        "❤️",
        "06-12345678",
        "1234 AB",
        "JAN",
        "DE",
        "VRIES",
        "x",
        "I",
        "a.",
    ];

    fn sentence() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::sample::select(VOCABULARY),
                prop::sample::select(&[" ", "", "  ", "\t", "\u{a0}"][..]),
            ),
            0..24,
        )
        .prop_map(|words| {
            words
                .into_iter()
                .map(|(word, separator)| format!("{word}{separator}"))
                .collect()
        })
    }

    /// Person names only, resolved and rendered as the engine does.
    fn redact_person_names(text: &str) -> String {
        let mut spans = Vec::new();
        detect_person_names(text, &AllowList::dutch_defaults(), &mut spans);
        let resolved = crate::span::resolve(text, spans);
        crate::span::render(text, &resolved).0
    }

    fn check_spans(text: &str) -> Result<(), TestCaseError> {
        let mut spans = Vec::new();
        detect_person_names(text, &AllowList::dutch_defaults(), &mut spans);
        for span in &spans {
            prop_assert!(span.start < span.end);
            prop_assert!(span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start));
            prop_assert!(text.is_char_boundary(span.end));
            prop_assert_eq!(span.kind, PlaceholderKind::Person);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_text_gives_spans_in_bounds_on_character_boundaries(text in "\\PC{0,160}") {
            check_spans(&text)?;
        }

        #[test]
        fn name_like_text_gives_spans_in_bounds_on_character_boundaries(text in sentence()) {
            check_spans(&text)?;
        }

        #[test]
        fn redacting_names_twice_changes_nothing(text in sentence()) {
            let once = redact_person_names(&text);
            let twice = redact_person_names(&once);
            prop_assert_eq!(&once, &twice);
        }

        #[test]
        fn the_engine_never_panics_on_name_like_text(text in sentence()) {
            let redaction = Deidentifier::default().redact(&text);
            prop_assert!(redaction.spans.iter().all(|span| span.end <= text.len()));
        }
    }
}
