//! Terms, hashtags and bigrams of a post: what topic aggregates count.
//!
//! Terms are readable surface forms: lower-cased, not stemmed, so a dashboard shows
//! "fietsenstallingen" and not "fietsenstall". Placeholders (`[PERSOON-1]`), URLs and @handles
//! never become terms, nor does any part of them.

use peil_model::{is_placeholder, Language};
use serde::{Deserialize, Serialize};

use crate::stopwords::is_stop_word;
use crate::text::MAX_TOKEN_BYTES;
use crate::tokens::{lower, tokens, Token};

/// At most this many terms per post.
pub const MAX_TERMS: usize = 30;
/// At most this many bigrams per post.
pub const MAX_BIGRAMS: usize = 20;
/// At most this many hashtags per post.
pub const MAX_HASHTAGS: usize = 30;
/// Terms shorter than this many characters are dropped.
pub const MIN_TERM_CHARACTERS: usize = 3;
/// Hashtags longer than this many bytes are dropped (glued sentences, junk).
pub const MAX_HASHTAG_BYTES: usize = 100;

/// What term extraction finds in one post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostTerms {
    /// Content words, lower-cased, in order of first occurrence, without duplicates, at most
    /// [`MAX_TERMS`].
    pub terms: Vec<String>,
    /// Hashtags, lower-cased, without `#`, without duplicates, at most [`MAX_HASHTAGS`].
    pub hashtags: Vec<String>,
    /// Adjacent content words of one phrase joined by one space, without duplicates, at most
    /// [`MAX_BIGRAMS`].
    pub bigrams: Vec<String>,
}

/// French elided articles and pronouns glued to the next word: `l'état` → `état`.
const FRENCH_ELISIONS: [&str; 9] = ["l'", "d'", "j'", "qu'", "n'", "s'", "c'", "m'", "t'"];

/// The readable form of a word in `language`, or `None` when it is no content word.
fn content_form(word: &str, language: Language) -> Option<String> {
    if is_placeholder(word) || word.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let mut form = lower(word);
    if matches!(language, Language::Fr | Language::Other) {
        if let Some(rest) = FRENCH_ELISIONS
            .iter()
            .find_map(|elision| form.strip_prefix(elision))
            .filter(|rest| !rest.is_empty())
        {
            form = rest.to_string();
        }
    }
    if matches!(language, Language::En | Language::Other) {
        if let Some(rest) = form.strip_suffix("'s").filter(|rest| !rest.is_empty()) {
            form = rest.to_string();
        }
    }
    let is_edge = |character: char| character == '\'' || character == '-';
    if form.starts_with(is_edge) || form.ends_with(is_edge) {
        form = form.trim_matches(is_edge).to_string();
    }
    if form.chars().count() < MIN_TERM_CHARACTERS {
        return None;
    }
    if !form.chars().any(char::is_alphabetic) {
        return None;
    }
    if is_stop_word(&form, language) {
        return None;
    }
    Some(form)
}

/// Extracts terms, hashtags and bigrams from de-identified `text` written in `language`.
///
/// - terms: words that are not stop words of `language` (for [`Language::Other`]: of any of the
///   four languages), at least three characters, containing a letter; numbers, placeholders,
///   URLs, @handles and hashtags are not terms;
/// - bigrams: two content words that follow each other once stop words are left out, within one
///   phrase: sentence punctuation, commas, line breaks, hashtags, emoji, placeholders and URLs
///   end a phrase;
/// - hashtags: as [`hashtags`].
pub fn extract(text: &str, language: Language) -> PostTerms {
    // Duplicates are found by a linear search: the lists are short (at most 30), and this saves
    // a hash set and a copy of every word.
    let mut extracted = PostTerms::default();
    let mut previous_content: Option<String> = None;

    for token in tokens(text) {
        let terms_full = extracted.terms.len() >= MAX_TERMS;
        let bigrams_full = extracted.bigrams.len() >= MAX_BIGRAMS;
        let hashtags_full = extracted.hashtags.len() >= MAX_HASHTAGS;
        if terms_full && bigrams_full && hashtags_full {
            break;
        }
        let word = match token {
            Token::Word(word) => word,
            Token::Number(_) => continue,
            Token::Hashtag(body) => {
                previous_content = None;
                if !hashtags_full {
                    add_hashtag(body, &mut extracted.hashtags);
                }
                continue;
            }
            Token::Emoji(_)
            | Token::Emoticon(_)
            | Token::Removed
            | Token::Comma
            | Token::Break(_) => {
                previous_content = None;
                continue;
            }
        };
        let Some(form) = content_form(word, language) else {
            continue;
        };
        if !bigrams_full {
            if let Some(previous) = previous_content.as_deref() {
                if previous != form {
                    let mut bigram = String::with_capacity(previous.len() + 1 + form.len());
                    bigram.push_str(previous);
                    bigram.push(' ');
                    bigram.push_str(&form);
                    if !extracted.bigrams.contains(&bigram) {
                        extracted.bigrams.push(bigram);
                    }
                }
            }
        }
        if !terms_full && !extracted.terms.contains(&form) {
            extracted.terms.push(form.clone());
        }
        previous_content = Some(form);
    }
    extracted
}

fn add_hashtag(body: &str, hashtags: &mut Vec<String>) {
    if body.len() > MAX_HASHTAG_BYTES || is_placeholder(body) {
        return;
    }
    let lowered = lower(body);
    if !hashtags.contains(&lowered) {
        hashtags.push(lowered);
    }
}

/// The hashtags of `text`: `#` followed by letters, digits or `_` (at least one letter, so
/// `#2025` is dropped; not glued to a preceding word as in `a#b`), lower-cased, without `#`,
/// deduplicated in order of first occurrence, at most [`MAX_HASHTAGS`].
pub fn hashtags(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in tokens(text) {
        if found.len() >= MAX_HASHTAGS {
            break;
        }
        if let Token::Hashtag(body) = token {
            add_hashtag(body, &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_terms_and_bigrams() {
        let extracted = extract(
            "De gemeente sluit de fietsenstalling bij het station. Fietsenstalling weer dicht! #Utrecht #fietsen #utrecht",
            Language::Nl,
        );
        assert_eq!(
            extracted.terms,
            vec!["gemeente", "sluit", "fietsenstalling", "station", "dicht"]
        );
        assert_eq!(
            extracted.bigrams,
            vec![
                "gemeente sluit",
                "sluit fietsenstalling",
                "fietsenstalling station",
                "fietsenstalling dicht"
            ]
        );
        assert_eq!(extracted.hashtags, vec!["utrecht", "fietsen"]);
    }

    #[test]
    fn placeholders_numbers_and_short_words_are_never_terms() {
        let extracted = extract(
            "[PERSOON-1] mailde [EMAIL-2] over 2025 en 10.000 ov-kaarten PERSOON-3 https://x.nl/a @iemand",
            Language::Nl,
        );
        assert_eq!(extracted.terms, vec!["mailde", "ov-kaarten"]);
        for term in &extracted.terms {
            assert!(!term.contains("persoon") && !term.contains("email"));
        }
        // A placeholder ends the phrase: no bigram across `[EMAIL-2]`.
        assert!(extracted.bigrams.is_empty(), "{:?}", extracted.bigrams);
    }

    #[test]
    fn english_and_french_forms() {
        let english = extract(
            "The minister's plan is not good for people's health",
            Language::En,
        );
        assert_eq!(
            english.terms,
            vec!["minister", "plan", "good", "people", "health"]
        );
        let french = extract("L'état de l'économie", Language::Fr);
        assert_eq!(french.terms, vec!["état", "économie"]);
    }

    #[test]
    fn caps_hold() {
        let many: String = (0..100).map(|index| format!("woord{index} ")).collect();
        let extracted = extract(&many, Language::Nl);
        assert_eq!(extracted.terms.len(), MAX_TERMS);
        assert_eq!(extracted.bigrams.len(), MAX_BIGRAMS);
        let tags: String = (0..100).map(|index| format!("#tag{index} ")).collect();
        assert_eq!(hashtags(&tags).len(), MAX_HASHTAGS);
    }

    #[test]
    fn hashtag_rules() {
        assert_eq!(
            hashtags("#Zorg #2025 a#b #zorg #covid_19 #ÉÉN"),
            vec!["zorg", "covid_19", "één"]
        );
    }
}
