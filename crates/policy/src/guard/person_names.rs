//! Finds person names in a query, however written: a first name and a surname in either order
//! and any case (with tussenvoegsels, abbreviated or not, and one middle name or initial
//! between), initials and a surname, a title or kinship word and a name (`buurman Henk`,
//! `wethouder De Jong`), a first name and a surname in different `AND` terms, spaced-out
//! letters, names written as one word and user names without `@` (`jeroen_dekker82`).
//!
//! Context keeps topics readable: a lone surname that is also a word or a place (`bakker`,
//! `Zwolle`) is a topic; a name followed by `Museum`, `Huis`, `Stichting` … is an organisation or
//! building; listed brands and feasts (`Albert Heijn`, `Sint Maarten`) are topics; names of
//! public office holders on the organisation's allow-list are allowed.
//!
//! This module must never log, print or keep the words it judges; it reports the kind of name
//! found, never the name.

use peil_deid::AllowList;

use super::known_entities::mark_topic_names;
use super::name_words::{
    flags_of, is_name_part_of_user_name, is_name_written_as_one_word, part_scores, read_word,
    typo_first_name_score, typo_surname_score, NameReading,
};
use super::query_words::{QueryWord, QueryWords};

/// The most tussenvoegsels between a first name and a surname (`van de`, `van der`, `van 't`).
const MAX_PARTICLES: usize = 3;

/// Fewest trailing digits that make a word a user name (`dekker82`).
const MIN_USER_NAME_DIGITS: usize = 2;

/// How a person's name was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameForm {
    /// A first name and a surname, next to each other or in different `AND` terms.
    FirstNameAndSurname,
    /// Initials and a surname (`P. Hendriks`).
    InitialsAndSurname,
    /// A title, role or kinship word and a name (`buurman Henk`, `mevrouw Hoekstra`).
    TitleAndName,
    /// A name written with spaced-out or dotted letters.
    SpacedOutLetters,
    /// A first name and surname written as one word (`fleurjacobs`).
    OneWord,
    /// A user name without `@` (`lotte_vdberg`, `jeroen_dekker82`).
    UserName,
}

/// Names of public office holders allowed by the organisation, as lower-case words.
#[derive(Debug, Clone, Default)]
pub(super) struct AllowedPersons {
    names: Vec<Vec<String>>,
}

impl AllowedPersons {
    /// Adds an allowed name as written in the allow-list.
    pub(super) fn add(&mut self, name: &str) {
        let words: Vec<String> = name
            .split(|character: char| character.is_whitespace() || character == ',')
            .map(|word| word.trim_matches('.').to_lowercase())
            .filter(|word| !word.is_empty())
            .collect();
        if !words.is_empty() {
            self.names.push(words);
        }
    }

    /// Whether the name made of `given` (a first name or initials, when written) and
    /// `surname_words` (tussenvoegsels and surname) is an allowed office holder's.
    fn allows(&self, given: Option<&QueryWord>, surname_words: &[&QueryWord]) -> bool {
        let Some(last_word) = surname_words.last() else {
            return false;
        };
        let surname = last_word.lower.trim_end_matches('.');
        self.names.iter().any(|allowed| {
            let Some(allowed_surname) = allowed.last() else {
                return false;
            };
            if allowed_surname != surname {
                return false;
            }
            let Some(given_word) = given else {
                return true;
            };
            let Some(allowed_first) = allowed.first() else {
                return false;
            };
            let given_form = given_word.lower.trim_end_matches('.');
            if given_form == allowed_first {
                return true;
            }
            let initial = given_form.chars().next();
            let is_initials = given_word.typed.ends_with('.') || given_form.chars().count() == 1;
            is_initials && initial == allowed_first.chars().next()
        })
    }
}

/// Everything the name rules need about the words of one query.
struct NameContext<'a> {
    words: &'a [QueryWord],
    readings: Vec<NameReading>,
    /// Words inside a listed brand, feast or historical name.
    covered: Vec<bool>,
    allowed_persons: &'a AllowedPersons,
}

/// A surname found at a position of a run.
struct SurnameMatch {
    /// Position in the run after the surname's last word.
    end: usize,
    score: u8,
}

impl NameContext<'_> {
    fn word(&self, index: usize) -> Option<&QueryWord> {
        self.words.get(index)
    }

    fn reading(&self, index: usize) -> NameReading {
        self.readings.get(index).copied().unwrap_or_default()
    }

    fn is_covered(&self, index: usize) -> bool {
        self.covered.get(index).copied().unwrap_or(true)
    }

    /// A surname starting at `position` of `run`: tussenvoegsels (at most three, the first one
    /// able to start a surname) and a surname part score 2; a plain surname its own score.
    fn surname_at(&self, run: &[usize], position: usize) -> Option<SurnameMatch> {
        let first_index = *run.get(position)?;
        if self.is_covered(first_index) {
            return None;
        }
        let first_reading = self.reading(first_index);
        if !first_reading.particle {
            if first_reading.surname == 0 {
                return None;
            }
            return Some(SurnameMatch {
                end: position + 1,
                score: first_reading.surname,
            });
        }
        if !first_reading.leading_particle {
            return None;
        }
        let mut cursor = position;
        let mut joined = String::new();
        while cursor < run.len() && cursor - position < MAX_PARTICLES {
            let index = *run.get(cursor)?;
            if !self.reading(index).particle {
                break;
            }
            joined.push_str(self.word(index)?.lower.as_str());
            joined.push(' ');
            cursor += 1;
        }
        let surname_index = *run.get(cursor)?;
        if self.is_covered(surname_index) {
            return None;
        }
        let surname_reading = self.reading(surname_index);
        if !surname_reading.surname_after_particle || surname_reading.particle {
            return None;
        }
        joined.push_str(self.word(surname_index)?.lower.as_str());
        let whole_is_place =
            flags_of(&joined) & peil_deid::detectors::PersonNameDetector::LEXICON_PLACE != 0;
        if whole_is_place {
            return None;
        }
        Some(SurnameMatch {
            end: cursor + 1,
            score: 2,
        })
    }

    /// True when the word after the name (at `end`) or before it (at `start - 1`), written
    /// against it, makes it an organisation's, building's or street's name.
    fn organisation_around(&self, run: &[usize], start: usize, end: usize) -> bool {
        let after = run.get(end).is_some_and(|index| {
            let reading = self.reading(*index);
            (reading.organisation_after || reading.building)
                && self
                    .word(*index)
                    .is_some_and(|word| word.joined_to_previous)
        });
        let before = start
            .checked_sub(1)
            .and_then(|previous| run.get(previous))
            .is_some_and(|index| self.reading(*index).organisation_before)
            && run
                .get(start)
                .and_then(|index| self.word(*index))
                .is_some_and(|word| word.joined_to_previous);
        after || before
    }

    fn allowed(&self, run: &[usize], given: Option<usize>, surname: (usize, usize)) -> bool {
        let given_word = given
            .and_then(|position| run.get(position))
            .and_then(|index| self.word(*index));
        let surname_words: Vec<&QueryWord> = run
            .get(surname.0..surname.1)
            .unwrap_or_default()
            .iter()
            .filter_map(|index| self.word(*index))
            .collect();
        self.allowed_persons.allows(given_word, &surname_words)
    }

    fn first_name_score(&self, index: usize, partner_score: u8) -> u8 {
        let reading = self.reading(index);
        if reading.first_name > 0 {
            return reading.first_name;
        }
        if reading.unknown && partner_score >= 2 {
            return self.word(index).map_or(0, typo_first_name_score);
        }
        0
    }

    fn both_capitalised(&self, first_index: usize, surname_index: usize) -> bool {
        let first_capitalised = self.word(first_index).is_some_and(|word| word.capitalised);
        let surname_capitalised = self
            .word(surname_index)
            .is_some_and(|word| word.capitalised);
        first_capitalised && surname_capitalised
    }

    /// A name in one run of adjacent words.
    fn name_in_run(&self, run: &[usize]) -> Option<NameForm> {
        for position in 0..run.len() {
            let index = run[position];
            if self.is_covered(index) {
                continue;
            }
            if let Some(form) = self.name_starting_at(run, position) {
                return Some(form);
            }
        }
        None
    }

    fn name_starting_at(&self, run: &[usize], position: usize) -> Option<NameForm> {
        let index = run[position];
        let reading = self.reading(index);
        if reading.title {
            if let Some(form) = self.title_and_name(run, position) {
                return Some(form);
            }
        }
        if reading.initials {
            if let Some(surname) = self.surname_at(run, position + 1) {
                let followed_by_organisation = self.organisation_around(run, position, surname.end);
                if !followed_by_organisation
                    && !self.allowed(run, Some(position), (position + 1, surname.end))
                {
                    return Some(NameForm::InitialsAndSurname);
                }
            }
        }
        if let Some(form) = self.first_name_then_surname(run, position) {
            return Some(form);
        }
        self.surname_then_first_name(run, position)
    }

    fn title_and_name(&self, run: &[usize], position: usize) -> Option<NameForm> {
        let next_position = position + 1;
        let next_index = *run.get(next_position)?;
        if self.is_covered(next_index) {
            return None;
        }
        let next_reading = self.reading(next_index);
        let names_no_one = next_reading.first_name == 0 && next_reading.surname == 0;
        if next_reading.place || (next_reading.title && names_no_one) {
            return None;
        }
        if let Some(surname) = self.surname_at(run, next_position) {
            let end = surname.end;
            if !self.organisation_around(run, next_position, end)
                && !self.allowed(run, None, (next_position, end))
            {
                return Some(NameForm::TitleAndName);
            }
        }
        let names_first_name = next_reading.first_name > 0;
        let names_unknown_capitalised =
            next_reading.unknown && self.word(next_index).is_some_and(|word| word.capitalised);
        if (names_first_name || names_unknown_capitalised)
            && !self.organisation_around(run, next_position, next_position + 1)
        {
            let surname_allowed = self.allowed(run, None, (next_position, next_position + 1));
            if !surname_allowed {
                return Some(NameForm::TitleAndName);
            }
        }
        None
    }

    fn first_name_then_surname(&self, run: &[usize], position: usize) -> Option<NameForm> {
        let index = run[position];
        let reading = self.reading(index);
        if reading.particle || reading.title || reading.initials {
            return None;
        }
        for skipped in 0..=1 {
            let surname_position = position + 1 + skipped;
            if skipped == 1 {
                let middle_index = *run.get(position + 1)?;
                let middle = self.reading(middle_index);
                let is_middle_name = middle.first_name == 2 || middle.initials;
                if !is_middle_name || self.is_covered(middle_index) {
                    return None;
                }
            }
            let surname_index = *run.get(surname_position)?;
            let surname = match self.surname_at(run, surname_position) {
                Some(found) => found,
                None => {
                    let surname_reading = self.reading(surname_index);
                    let strong_first = reading.first_name == 2;
                    let typo_score = if strong_first && surname_reading.unknown {
                        self.word(surname_index).map_or(0, typo_surname_score)
                    } else {
                        0
                    };
                    if typo_score == 0 {
                        continue;
                    }
                    SurnameMatch {
                        end: surname_position + 1,
                        score: typo_score,
                    }
                }
            };
            let first_score = self.first_name_score(index, surname.score);
            if first_score == 0 {
                continue;
            }
            let last_index = run.get(surname.end - 1).copied().unwrap_or(surname_index);
            let threshold = if self.both_capitalised(index, last_index) {
                2
            } else {
                3
            };
            if first_score + surname.score < threshold {
                continue;
            }
            if self.organisation_around(run, position, surname.end) {
                continue;
            }
            if self.allowed(run, Some(position), (surname_position, surname.end)) {
                continue;
            }
            return Some(NameForm::FirstNameAndSurname);
        }
        None
    }

    fn surname_then_first_name(&self, run: &[usize], position: usize) -> Option<NameForm> {
        let surname_index = run[position];
        let surname_reading = self.reading(surname_index);
        if surname_reading.surname == 0 || surname_reading.particle {
            return None;
        }
        let first_index = *run.get(position + 1)?;
        if self.is_covered(first_index) {
            return None;
        }
        let first_score = self.first_name_score(first_index, surname_reading.surname);
        if first_score == 0 || first_score + surname_reading.surname < 3 {
            return None;
        }
        if self.organisation_around(run, position, position + 2) {
            return None;
        }
        let given_word = self.word(first_index);
        let surname_words: Vec<&QueryWord> = self.word(surname_index).into_iter().collect();
        if self.allowed_persons.allows(given_word, &surname_words) {
            return None;
        }
        Some(NameForm::FirstNameAndSurname)
    }

    /// A first name and a surname in different `AND` terms (either order).
    fn name_across_terms(&self, pairs: &[(usize, usize)]) -> Option<NameForm> {
        for (left, right) in pairs {
            if self.is_covered(*left) || self.is_covered(*right) {
                continue;
            }
            for (first_index, surname_index) in [(*left, *right), (*right, *left)] {
                let surname_reading = self.reading(surname_index);
                if surname_reading.particle {
                    continue;
                }
                let first_reading = self.reading(first_index);
                if first_reading.particle || first_reading.title {
                    continue;
                }
                let mut surname_score = surname_reading.surname;
                if surname_score == 0 && surname_reading.unknown && first_reading.first_name == 2 {
                    surname_score = self.word(surname_index).map_or(0, typo_surname_score);
                }
                if surname_score == 0 {
                    continue;
                }
                let first_score = self.first_name_score(first_index, surname_score);
                if first_score == 0 || first_score + surname_score < 3 {
                    continue;
                }
                let given_word = self.word(first_index);
                let surname_words: Vec<&QueryWord> = self.word(surname_index).into_iter().collect();
                if self.allowed_persons.allows(given_word, &surname_words) {
                    continue;
                }
                return Some(NameForm::FirstNameAndSurname);
            }
        }
        None
    }

    /// Names within one word: spaced-out letters, camel case, user names, one-word names.
    fn name_in_word(&self, index: usize, allow: &AllowList) -> Option<NameForm> {
        if self.is_covered(index) {
            return None;
        }
        let word = self.word(index)?;
        if word.not_a_name_form {
            return None;
        }
        let reading = self.reading(index);
        if word.letter_spaced {
            let names_someone = reading.first_name > 0
                || reading.surname > 0
                || is_name_written_as_one_word(&word.lower, false);
            if names_someone {
                return Some(NameForm::SpacedOutLetters);
            }
            return None;
        }
        if looks_like_user_name(&word.typed) {
            if allow.allows_handle(&word.typed) {
                return None;
            }
            let parts = alphabetic_parts(&word.typed);
            if parts.iter().any(|part| is_name_part_of_user_name(part))
                || camel_case_names_someone(&word.typed)
            {
                return Some(NameForm::UserName);
            }
            return None;
        }
        if camel_case_names_someone(&word.typed) && !allow.allows_handle(&word.typed) {
            return Some(NameForm::OneWord);
        }
        if reading.unknown && is_name_written_as_one_word(&word.lower, false) {
            if allow.allows_handle(&word.typed) {
                return None;
            }
            return Some(NameForm::OneWord);
        }
        None
    }
}

/// Lower-case alphabetic parts of a word, split on everything else and on inner capitals.
fn alphabetic_parts(typed: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for character in typed.chars() {
        if !character.is_alphabetic() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.extend(character.to_lowercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// A word written like a user name: an underscore, two or more digits right after letters at
/// the end (`dekker82`), or a full stop between two parts of at least two letters
/// (`tim.visser`).
fn looks_like_user_name(typed: &str) -> bool {
    if typed.contains('_') {
        return true;
    }
    let without_digits = typed.trim_end_matches(|character: char| character.is_ascii_digit());
    let digit_count = typed.len() - without_digits.len();
    if digit_count >= MIN_USER_NAME_DIGITS
        && without_digits.chars().count() >= 3
        && without_digits
            .chars()
            .last()
            .is_some_and(char::is_alphabetic)
    {
        return true;
    }
    let dotted_parts: Vec<&str> = typed.trim_end_matches('.').split('.').collect();
    dotted_parts.len() >= 2
        && dotted_parts
            .iter()
            .all(|part| part.chars().count() >= 2 && part.chars().all(char::is_alphabetic))
}

/// `LaraSmit`, `JanDeVries`: inner capitals split a first name from a surname.
fn camel_case_names_someone(typed: &str) -> bool {
    let letters: Vec<char> = typed.chars().collect();
    let has_inner_capital = letters
        .windows(2)
        .any(|pair| pair[0].is_lowercase() && pair[1].is_uppercase());
    if !has_inner_capital || !letters.iter().all(|character| character.is_alphabetic()) {
        return false;
    }
    let mut parts: Vec<String> = Vec::new();
    for character in letters {
        if character.is_uppercase() || parts.is_empty() {
            parts.push(String::new());
        }
        if let Some(last) = parts.last_mut() {
            last.extend(character.to_lowercase());
        }
    }
    for (position, part) in parts.iter().enumerate() {
        let (first_score, _) = part_scores(part);
        if first_score == 0 {
            continue;
        }
        let rest: String = parts.iter().skip(position + 1).cloned().collect();
        if rest.is_empty() {
            continue;
        }
        let (_, surname_score) = part_scores(&rest);
        let next_surname_score = parts
            .get(position + 1)
            .map_or(0, |next| part_scores(next).1);
        let best_surname = surname_score.max(next_surname_score);
        if best_surname > 0 && first_score + best_surname >= 3 {
            return true;
        }
        if is_name_written_as_one_word(&format!("{part}{rest}"), false) {
            return true;
        }
    }
    false
}

/// The form of the first person name found in `query_words`, if any.
pub(super) fn find_person_name(
    query_words: &QueryWords,
    allowed_persons: &AllowedPersons,
    allow: &AllowList,
) -> Option<NameForm> {
    let words = &query_words.words;
    let readings: Vec<NameReading> = words.iter().map(read_word).collect();
    let mut covered = vec![false; words.len()];
    let runs = query_words.runs();
    for run in &runs {
        let lower_words: Vec<&str> = run
            .iter()
            .filter_map(|index| words.get(*index))
            .map(|word| word.lower.as_str())
            .collect();
        let mut run_covered = vec![false; run.len()];
        mark_topic_names(&lower_words, &mut run_covered);
        for (position, index) in run.iter().enumerate() {
            if run_covered.get(position).copied().unwrap_or(false) {
                if let Some(flag) = covered.get_mut(*index) {
                    *flag = true;
                }
            }
        }
    }
    let context = NameContext {
        words,
        readings,
        covered,
        allowed_persons,
    };
    for run in &runs {
        if let Some(form) = context.name_in_run(run) {
            return Some(form);
        }
    }
    if let Some(form) = context.name_across_terms(&query_words.conjunctive_pairs()) {
        return Some(form);
    }
    (0..words.len()).find_map(|index| context.name_in_word(index, allow))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_of(query_text: &str) -> Option<NameForm> {
        let allow = AllowList::dutch_defaults();
        find_person_name(
            &QueryWords::split(query_text),
            &AllowedPersons::default(),
            &allow,
        )
    }

    #[test]
    fn names_however_written_are_found() {
        assert_eq!(
            form_of("thijs mulder woningnood"),
            Some(NameForm::FirstNameAndSurname)
        );
        assert_eq!(form_of("gijs vd berg"), Some(NameForm::FirstNameAndSurname));
        assert_eq!(
            form_of("Koen AND Willems"),
            Some(NameForm::FirstNameAndSurname)
        );
        assert_eq!(
            form_of("\"P. Hendriks\""),
            Some(NameForm::InitialsAndSurname)
        );
        assert_eq!(
            form_of("\"buurman Henk\" AND Tilburg"),
            Some(NameForm::TitleAndName)
        );
        assert!(form_of("k o e n  w i l l e m s").is_some());
        assert_eq!(form_of("lotte_vdberg"), Some(NameForm::UserName));
        assert_eq!(form_of("fleurjacobs"), Some(NameForm::OneWord));
    }

    #[test]
    fn topics_are_not_names() {
        for query_text in [
            "Breda AND carnaval",
            "\"Albert Heijn\" AND prijsstijging",
            "\"Jantje Beton\" AND collecte",
            "bakker AND broodprijs",
            "\"de boer\" AND stikstof",
            "\"Van Gogh Museum\"",
            "Zwolle OR Leiden OR \"Den Bosch\"",
            "politie_zeist AND inbraak",
        ] {
            assert_eq!(form_of(query_text), None, "{query_text}");
        }
    }

    #[test]
    fn allowed_office_holders_pass() {
        let mut allowed = AllowedPersons::default();
        allowed.add("Femke Halsema");
        let allow = AllowList::dutch_defaults();
        for query_text in [
            "\"Femke Halsema\" AND woningbouw",
            "\"burgemeester Halsema\"",
            "\"F. Halsema\"",
        ] {
            assert_eq!(
                find_person_name(&QueryWords::split(query_text), &allowed, &allow),
                None,
                "{query_text}"
            );
        }
        assert!(
            find_person_name(&QueryWords::split("\"Femke Jansen\""), &allowed, &allow).is_some()
        );
    }
}
