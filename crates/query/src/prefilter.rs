//! A prefilter of a query for an index of each post's match tokens (the PostgreSQL store keeps
//! them in a GIN-indexed array): a condition that holds for EVERY post the query matches, and
//! usually for few others, so a store can narrow a query's posts before the matcher decides.
//!
//! The match tokens of a post ([`MatchDoc::prefilter_tokens`]) and the prefilter of a query
//! ([`Query::prefilter`]) are derived from the one compiled form the matcher reads, so a token
//! the query asks for is spelt exactly as the post holds it. A prefilter is only derived where the
//! query implies it:
//! * a word: any of its per-language forms (stemmed token, or the exact token where a language's
//!   analyzer drops the word); a phrase or a word of several tokens: all its exact tokens;
//!   a hashtag: the hashtag; `lang:` and `source:`: the language and the normalised source;
//! * `AND`: the prefilters of the operands that have one (none when no operand has one);
//! * `OR`: the union of the operands' prefilters, only when every operand has one;
//! * `NOT`, wildcards and hashtag wildcards: no prefilter.
//!
//! Where the prefilter holds for exactly the matching posts ([`Query::prefilter_decides`]:
//! hashtags, filters, one-word phrases and AND/OR of those), a store may skip the matcher.
//!
//! This module must never weaken the matcher: a prefilter that drops a matching post is a bug.
//! It never sees or returns post text, only the query's own tokens.

use crate::compile::{Compiled, LanguageTerm};
use crate::matcher::MatchDoc;
use crate::Query;

/// Token kind prefix of a stemmed token (in the post's language).
pub const MATCH_TOKEN_STEMMED: &str = "s:";
/// Token kind prefix of an exact (lower-case, accent-folded) token.
pub const MATCH_TOKEN_EXACT: &str = "e:";
/// Token kind prefix of a normalised hashtag.
pub const MATCH_TOKEN_HASHTAG: &str = "h:";
/// Token kind prefix of the post's language code.
pub const MATCH_TOKEN_LANGUAGE: &str = "l:";
/// Token kind prefix of the post's normalised source.
pub const MATCH_TOKEN_SOURCE: &str = "o:";

/// A condition over a post's match tokens that every post the query matches satisfies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prefilter {
    /// No post matches (the query matches nothing).
    Nothing,
    /// The post holds every one of these tokens (sorted, unique, never empty).
    AllTokens(Vec<String>),
    /// The post holds at least one of these tokens (sorted, unique, never empty).
    AnyToken(Vec<String>),
    /// Every operand holds (at least two).
    And(Vec<Prefilter>),
    /// At least one operand holds (at least two).
    Or(Vec<Prefilter>),
}

fn token(prefix: &str, text: &str) -> String {
    format!("{prefix}{text}")
}

fn sorted_unique(mut tokens: Vec<String>) -> Vec<String> {
    tokens.sort_unstable();
    tokens.dedup();
    tokens
}

/// The prefilter `compiled` implies, `None` where it implies none.
pub(crate) fn derive(compiled: &Compiled) -> Option<Prefilter> {
    match compiled {
        Compiled::Nothing => Some(Prefilter::Nothing),
        Compiled::ExactSequence(sequence) => {
            let tokens: Vec<String> = sequence
                .iter()
                .map(|(_, exact)| token(MATCH_TOKEN_EXACT, exact))
                .collect();
            if tokens.is_empty() {
                return Some(Prefilter::Nothing);
            }
            Some(Prefilter::AllTokens(sorted_unique(tokens)))
        }
        Compiled::StemmedPerLanguage(per_language) => {
            let tokens: Vec<String> = per_language
                .iter()
                .map(|term| match term {
                    LanguageTerm::Stemmed(stemmed) => token(MATCH_TOKEN_STEMMED, stemmed),
                    LanguageTerm::ExactInLanguage(exact) => token(MATCH_TOKEN_EXACT, exact),
                })
                .collect();
            if tokens.is_empty() {
                return Some(Prefilter::Nothing);
            }
            Some(Prefilter::AnyToken(sorted_unique(tokens)))
        }
        Compiled::ExactPrefix(_) | Compiled::HashtagPrefix(_) | Compiled::Not(_) => None,
        Compiled::Hashtag(tag) => Some(Prefilter::AllTokens(vec![token(MATCH_TOKEN_HASHTAG, tag)])),
        Compiled::Language(language) => Some(Prefilter::AllTokens(vec![token(
            MATCH_TOKEN_LANGUAGE,
            language.code(),
        )])),
        Compiled::Source(source) => Some(Prefilter::AllTokens(vec![token(
            MATCH_TOKEN_SOURCE,
            source,
        )])),
        Compiled::And(operands) => derive_and(operands),
        Compiled::Or(operands) => derive_or(operands),
    }
}

/// The operands' prefilters that exist, all required; the required tokens merged into one.
fn derive_and(operands: &[Compiled]) -> Option<Prefilter> {
    let mut all_tokens: Vec<String> = Vec::new();
    let mut others: Vec<Prefilter> = Vec::new();
    for operand in operands {
        match derive(operand) {
            None => {}
            Some(Prefilter::Nothing) => return Some(Prefilter::Nothing),
            Some(Prefilter::AllTokens(tokens)) => all_tokens.extend(tokens),
            Some(Prefilter::And(inner)) => others.extend(inner),
            Some(other) => others.push(other),
        }
    }
    if !all_tokens.is_empty() {
        others.insert(0, Prefilter::AllTokens(sorted_unique(all_tokens)));
    }
    let mut parts = others;
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Prefilter::And(parts)),
    }
}

/// The union of the operands' prefilters, only when every operand has one; single tokens and
/// any-of lists merged into one any-of list.
fn derive_or(operands: &[Compiled]) -> Option<Prefilter> {
    let mut any_tokens: Vec<String> = Vec::new();
    let mut others: Vec<Prefilter> = Vec::new();
    for operand in operands {
        match derive(operand)? {
            Prefilter::Nothing => {}
            Prefilter::AnyToken(tokens) => any_tokens.extend(tokens),
            Prefilter::AllTokens(tokens) if tokens.len() == 1 => any_tokens.extend(tokens),
            Prefilter::Or(inner) => others.extend(inner),
            other => others.push(other),
        }
    }
    if !any_tokens.is_empty() {
        others.insert(0, Prefilter::AnyToken(sorted_unique(any_tokens)));
    }
    let mut parts = others;
    match parts.len() {
        0 => Some(Prefilter::Nothing),
        1 => parts.pop(),
        _ => Some(Prefilter::Or(parts)),
    }
}

/// Whether the prefilter of `compiled` holds for exactly the posts it matches: hashtags,
/// language and source filters, one-token phrases, and AND/OR of such only.
pub(crate) fn decides(compiled: &Compiled) -> bool {
    match compiled {
        Compiled::Nothing | Compiled::Hashtag(_) | Compiled::Language(_) | Compiled::Source(_) => {
            true
        }
        Compiled::ExactSequence(sequence) => sequence.len() == 1,
        Compiled::StemmedPerLanguage(_)
        | Compiled::ExactPrefix(_)
        | Compiled::HashtagPrefix(_)
        | Compiled::Not(_) => false,
        Compiled::And(operands) | Compiled::Or(operands) => operands.iter().all(decides),
    }
}

impl Query {
    /// The prefilter this query implies over [`MatchDoc::prefilter_tokens`], `None` where it
    /// implies none (the store must then read every post of the scope).
    pub fn prefilter(&self) -> Option<Prefilter> {
        derive(&self.compiled)
    }

    /// True iff a post satisfies [`Query::prefilter`] exactly when the query matches it (only
    /// hashtags, `lang:`, `source:`, one-word phrases, and AND/OR of those), so a store whose
    /// every post holds its match tokens need not run the matcher. A word is never decided by
    /// its tokens alone: the stemmed form of one language may be a token of a post in another.
    pub fn prefilter_decides(&self) -> bool {
        decides(&self.compiled)
    }
}

impl MatchDoc {
    /// The post's match tokens, kind-prefixed, sorted and unique: what a store indexes so that
    /// [`Query::prefilter`] can narrow a query's posts. Derived from exactly what the matcher
    /// compares (stemmed and exact tokens, normalised hashtags, language, normalised source).
    pub fn prefilter_tokens(&self) -> Vec<String> {
        let mut tokens: Vec<String> = Vec::new();
        tokens.extend(
            self.stemmed_tokens()
                .map(|stemmed| token(MATCH_TOKEN_STEMMED, stemmed)),
        );
        tokens.extend(
            self.exact_tokens()
                .map(|exact| token(MATCH_TOKEN_EXACT, exact)),
        );
        tokens.extend(self.hashtags().map(|tag| token(MATCH_TOKEN_HASHTAG, tag)));
        tokens.push(token(MATCH_TOKEN_LANGUAGE, self.language().code()));
        tokens.push(token(MATCH_TOKEN_SOURCE, self.source()));
        sorted_unique(tokens)
    }
}

#[cfg(test)]
mod tests {
    use peil_analysis::text::Analyzers;
    use peil_model::Language;

    use super::*;
    use crate::parse;

    fn prefilter_of(input: &str) -> Option<Prefilter> {
        parse(input).ok().and_then(|query| query.prefilter())
    }

    fn all(tokens: &[&str]) -> Prefilter {
        Prefilter::AllTokens(tokens.iter().map(|text| text.to_string()).collect())
    }

    fn any(tokens: &[&str]) -> Prefilter {
        Prefilter::AnyToken(tokens.iter().map(|text| text.to_string()).collect())
    }

    /// Whether `prefilter` holds for a post with `tokens`.
    fn holds(prefilter: &Prefilter, tokens: &[String]) -> bool {
        match prefilter {
            Prefilter::Nothing => false,
            Prefilter::AllTokens(wanted) => wanted.iter().all(|token| tokens.contains(token)),
            Prefilter::AnyToken(wanted) => wanted.iter().any(|token| tokens.contains(token)),
            Prefilter::And(operands) => operands.iter().all(|operand| holds(operand, tokens)),
            Prefilter::Or(operands) => operands.iter().any(|operand| holds(operand, tokens)),
        }
    }

    #[test]
    fn a_word_asks_for_any_of_its_forms_per_language() {
        let Some(Prefilter::AnyToken(tokens)) = prefilter_of("Gemeenten") else {
            panic!("a word has an any-of prefilter");
        };
        assert!(tokens
            .iter()
            .all(|token| token.starts_with(MATCH_TOKEN_STEMMED)
                || token.starts_with(MATCH_TOKEN_EXACT)));
        assert!(tokens.iter().all(|token| token == &token.to_lowercase()));
        // A stop word in Dutch (`de`) falls back to the exact token in that language.
        let Some(Prefilter::AnyToken(stop_word)) = prefilter_of("de") else {
            panic!("a stop word has an any-of prefilter");
        };
        assert!(stop_word.contains(&"e:de".to_string()));
    }

    #[test]
    fn phrases_hashtags_and_filters_ask_for_all_their_tokens() {
        assert_eq!(prefilter_of("\"GFT Bák\""), Some(all(&["e:bak", "e:gft"])));
        assert_eq!(prefilter_of("covid-19"), Some(all(&["e:19", "e:covid"])));
        assert_eq!(prefilter_of("#Klimaat"), Some(all(&["h:klimaat"])));
        assert_eq!(prefilter_of("lang:nl"), Some(all(&["l:nl"])));
        assert_eq!(prefilter_of("source:Bluesky"), Some(all(&["o:bluesky"])));
        assert_eq!(
            prefilter_of("#klimaat lang:nl source:bluesky"),
            Some(all(&["h:klimaat", "l:nl", "o:bluesky"]))
        );
    }

    #[test]
    fn negations_and_wildcards_give_no_prefilter_of_their_own() {
        assert_eq!(prefilter_of("zwem*"), None);
        assert_eq!(prefilter_of("#klim*"), None);
        assert_eq!(prefilter_of("NOT #klimaat"), None);
        assert_eq!(prefilter_of("-afval lang:nl"), Some(all(&["l:nl"])));
        assert_eq!(prefilter_of("zwem* #klimaat"), Some(all(&["h:klimaat"])));
        assert_eq!(prefilter_of("zwem* -#klimaat"), None);
    }

    #[test]
    fn or_needs_a_prefilter_in_every_alternative() {
        assert_eq!(
            prefilter_of("#klimaat OR #afval OR lang:de"),
            Some(any(&["h:afval", "h:klimaat", "l:de"]))
        );
        assert_eq!(prefilter_of("#klimaat OR zwem*"), None);
        assert_eq!(prefilter_of("#klimaat OR NOT #afval"), None);
        assert_eq!(
            prefilter_of("\"gft bak\" OR #afval"),
            Some(Prefilter::Or(vec![
                any(&["h:afval"]),
                all(&["e:bak", "e:gft"])
            ]))
        );
        // AND of an OR and a token: both required.
        assert_eq!(
            prefilter_of("(#klimaat OR #afval) lang:nl"),
            Some(Prefilter::And(vec![
                all(&["l:nl"]),
                any(&["h:afval", "h:klimaat"])
            ]))
        );
    }

    #[test]
    fn only_hashtags_filters_and_single_exact_tokens_decide_alone() {
        let decides_of = |input: &str| parse(input).is_ok_and(|query| query.prefilter_decides());
        assert!(decides_of("#Klimaat"));
        assert!(decides_of("#klimaat OR #afval lang:nl source:bluesky"));
        assert!(decides_of("\"afval\""));
        assert!(!decides_of("afval"));
        assert!(!decides_of("\"gft bak\""));
        assert!(!decides_of("#klimaat afval"));
        assert!(!decides_of("#klimaat -#afval"));
        assert!(!decides_of("#klim*"));
    }

    #[test]
    fn every_matching_post_satisfies_the_prefilter() {
        let posts = [
            (
                "De gemeenten halen het GFT-afval op. #Klimaat",
                Language::Nl,
                "Bluesky",
            ),
            (
                "Het zwembad gaat dicht, gft bak vol",
                Language::Nl,
                "mastodon",
            ),
            (
                "The municipalities collect waste #klimaatzaak",
                Language::En,
                "bluesky",
            ),
            ("Café déjà vu covid-19", Language::Fr, " Mastodon "),
            ("Die Gemeinden und der Müll", Language::De, "bluesky"),
        ];
        let queries = [
            "gemeente",
            "Gemeenten lang:nl",
            "de",
            "\"gft bak\"",
            "#klimaat OR zwembad",
            "#KLIMAAT* afval",
            "cafe OR \"deja vu\"",
            "covid-19 source:mastodon",
            "(municipality OR müll) -#klimaat",
            "NOT zwembad lang:nl",
            "waste OR collect OR #klimaatzaak",
            "gemeinde der",
        ];
        const DECIDING_QUERIES: [&str; 5] = [
            "#klimaat",
            "#KLIMAATZAAK OR lang:de",
            "\"cafe\" source:mastodon",
            "#klimaat lang:nl source:bluesky",
            "(#klimaat OR \"zwembad\") lang:nl",
        ];
        let mut analyzers = Analyzers::default();
        let mut matched = 0;
        for (text, language, source) in posts {
            let hashtags: Vec<String> = text
                .split_whitespace()
                .filter(|word| word.starts_with('#'))
                .map(|word| word.to_string())
                .collect();
            let document = MatchDoc::new(&mut analyzers, text, language, source, &hashtags);
            let tokens = document.prefilter_tokens();
            for input in queries {
                let Ok(query) = parse(input) else {
                    panic!("test query parses");
                };
                if !query.matches(&document) {
                    continue;
                }
                matched += 1;
                if let Some(prefilter) = query.prefilter() {
                    assert!(
                        holds(&prefilter, &tokens),
                        "prefilter of {input} drops a post"
                    );
                }
            }
            for input in queries.iter().chain(DECIDING_QUERIES.iter()) {
                let Ok(query) = parse(input) else {
                    panic!("test query parses");
                };
                if !query.prefilter_decides() {
                    continue;
                }
                let Some(prefilter) = query.prefilter() else {
                    panic!("a deciding query has a prefilter");
                };
                assert_eq!(
                    holds(&prefilter, &tokens),
                    query.matches(&document),
                    "the prefilter of {input} does not decide"
                );
            }
        }
        assert!(
            matched >= 10,
            "the test queries match enough posts: {matched}"
        );
    }
}
