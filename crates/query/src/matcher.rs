//! Matching one de-identified post against compiled queries in memory, at ingest.

use std::collections::{HashMap, HashSet};
use std::fmt;

use peil_analysis::text::Analyzers;
use peil_model::Language;

use crate::compile::{language_index, Compiled, LanguageTerm};
use crate::normalize::{exact_tokens_with_positions, normalize_source, normalized_hashtags};

/// A de-identified post prepared for matching all monitors at ingest (built once per post, matched
/// against many queries).
///
/// It holds exactly what the index would hold for the post: the stemmed tokens of its language,
/// the exact tokens with their positions, the normalised hashtags, language and source.
pub struct MatchDoc {
    language: Language,
    source: String,
    stemmed_tokens: HashSet<String>,
    /// Exact token → its positions, ascending.
    exact_positions: HashMap<String, Vec<u32>>,
    hashtags: HashSet<String>,
}

impl MatchDoc {
    /// Analyses `text` (de-identified; placeholders are ignored) like the index does.
    pub fn new(
        analyzers: &mut Analyzers,
        text: &str,
        language: Language,
        source: &str,
        hashtags: &[String],
    ) -> Self {
        let stemmed_tokens = analyzers
            .stemmed_tokens(language, text)
            .into_iter()
            .collect();
        let mut exact_positions: HashMap<String, Vec<u32>> = HashMap::new();
        for (position, token) in exact_tokens_with_positions(text) {
            exact_positions.entry(token).or_default().push(position);
        }
        MatchDoc {
            language,
            source: normalize_source(source),
            stemmed_tokens,
            exact_positions,
            hashtags: normalized_hashtags(hashtags).collect(),
        }
    }

    /// A post without any words or hashtags: it satisfies only filters and negations.
    pub(crate) fn without_content(language: Language, source: &str) -> Self {
        MatchDoc {
            language,
            source: source.to_string(),
            stemmed_tokens: HashSet::new(),
            exact_positions: HashMap::new(),
            hashtags: HashSet::new(),
        }
    }

    /// The post's language.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The post's stemmed tokens (in its language).
    pub(crate) fn stemmed_tokens(&self) -> impl Iterator<Item = &str> {
        self.stemmed_tokens.iter().map(String::as_str)
    }

    /// The post's exact tokens.
    pub(crate) fn exact_tokens(&self) -> impl Iterator<Item = &str> {
        self.exact_positions.keys().map(String::as_str)
    }

    /// The post's normalised hashtags.
    pub(crate) fn hashtags(&self) -> impl Iterator<Item = &str> {
        self.hashtags.iter().map(String::as_str)
    }

    /// The post's normalised source.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    fn has_exact_sequence(&self, sequence: &[(u32, String)]) -> bool {
        let Some(((_, first_token), rest)) = sequence.split_first() else {
            return false;
        };
        let Some(first_positions) = self.exact_positions.get(first_token) else {
            return false;
        };
        first_positions.iter().any(|&start| {
            rest.iter().all(|(offset, token)| {
                let Some(wanted_position) = start.checked_add(*offset) else {
                    return false;
                };
                self.exact_positions
                    .get(token)
                    .is_some_and(|positions| positions.binary_search(&wanted_position).is_ok())
            })
        })
    }

    /// Whether the compiled query matches this post.
    pub(crate) fn satisfies(&self, compiled: &Compiled) -> bool {
        match compiled {
            Compiled::Nothing => false,
            Compiled::ExactSequence(sequence) => self.has_exact_sequence(sequence),
            Compiled::StemmedPerLanguage(per_language) => {
                match per_language.get(language_index(self.language)) {
                    Some(LanguageTerm::Stemmed(token)) => self.stemmed_tokens.contains(token),
                    Some(LanguageTerm::ExactInLanguage(token)) => {
                        self.exact_positions.contains_key(token)
                    }
                    None => false,
                }
            }
            Compiled::ExactPrefix(prefix) => self
                .exact_positions
                .keys()
                .any(|token| token.starts_with(prefix.as_str())),
            Compiled::Hashtag(tag) => self.hashtags.contains(tag),
            Compiled::HashtagPrefix(tag_prefix) => self
                .hashtags
                .iter()
                .any(|tag| tag.starts_with(tag_prefix.as_str())),
            Compiled::Language(language) => self.language == *language,
            Compiled::Source(source) => self.source == *source,
            Compiled::And(operands) => operands.iter().all(|operand| self.satisfies(operand)),
            Compiled::Or(operands) => operands.iter().any(|operand| self.satisfies(operand)),
            Compiled::Not(operand) => !self.satisfies(operand),
        }
    }
}

/// Shows language, source and counts only, never tokens, so post text cannot leak through logging.
impl fmt::Debug for MatchDoc {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MatchDoc")
            .field("language", &self.language)
            .field("source", &self.source)
            .field("distinct_exact_tokens", &self.exact_positions.len())
            .field("hashtags", &self.hashtags.len())
            .finish_non_exhaustive()
    }
}
