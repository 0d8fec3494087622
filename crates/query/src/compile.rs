//! Turns the syntax tree into index tokens once, when a query is built.
//!
//! Both the in-memory matcher and the tantivy translation read this one compiled form, which is
//! what makes them agree: every word is analysed here, with the shared analyzers, exactly once.

use std::collections::BTreeSet;

use peil_analysis::text::Analyzers;
use peil_model::Language;

use crate::ast::Expr;
use crate::normalize::{exact_tokens_with_positions, PositionedToken};

/// How a single-token term is matched in posts of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LanguageTerm {
    /// The stemmed token, looked up in the stemmed field of that language.
    Stemmed(String),
    /// The stemmed analyzer drops the word (a stop word): the exact token, in posts of that
    /// language only.
    ExactInLanguage(String),
}

/// The compiled query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Compiled {
    /// Matches nothing (a word without searchable tokens).
    Nothing,
    /// Exact tokens at relative positions in `text_exact`: one token is a term lookup, more are a
    /// phrase. Offsets start at 0 and ascend.
    ExactSequence(Vec<PositionedToken>),
    /// A one-token term, per language in the order of `Language::ALL`.
    StemmedPerLanguage(Vec<LanguageTerm>),
    /// Some exact token starts with this folded, lower-case prefix.
    ExactPrefix(String),
    Hashtag(String),
    HashtagPrefix(String),
    Language(Language),
    Source(String),
    And(Vec<Compiled>),
    Or(Vec<Compiled>),
    Not(Box<Compiled>),
}

/// Index of `language` in `Language::ALL`.
pub(crate) fn language_index(language: Language) -> usize {
    Language::ALL
        .iter()
        .position(|candidate| *candidate == language)
        .unwrap_or(Language::ALL.len() - 1)
}

/// Exact tokens with offsets relative to the first token.
fn relative_sequence(tokens: Vec<PositionedToken>) -> Compiled {
    let Some(&(first_position, _)) = tokens.first() else {
        return Compiled::Nothing;
    };
    Compiled::ExactSequence(
        tokens
            .into_iter()
            .map(|(position, token)| (position.saturating_sub(first_position), token))
            .collect(),
    )
}

/// Compiles `expression`; `analyzers` provides the stemmed analyzer of every language.
pub(crate) fn compile(expression: &Expr, analyzers: &mut Analyzers) -> Compiled {
    match expression {
        Expr::Term(word) => compile_term(word, analyzers),
        Expr::Phrase(words) => relative_sequence(exact_tokens_with_positions(&words.join(" "))),
        Expr::Prefix(prefix) => {
            let tokens = exact_tokens_with_positions(prefix);
            match <[PositionedToken; 1]>::try_from(tokens) {
                Ok([(_, token)]) => Compiled::ExactPrefix(token),
                Err(_) => Compiled::Nothing,
            }
        }
        Expr::Hashtag(tag) => Compiled::Hashtag(tag.clone()),
        Expr::HashtagPrefix(tag_prefix) => Compiled::HashtagPrefix(tag_prefix.clone()),
        Expr::Lang(language) => Compiled::Language(*language),
        Expr::Source(source) => Compiled::Source(source.clone()),
        Expr::And(operands) => Compiled::And(
            operands
                .iter()
                .map(|operand| compile(operand, analyzers))
                .collect(),
        ),
        Expr::Or(operands) => Compiled::Or(
            operands
                .iter()
                .map(|operand| compile(operand, analyzers))
                .collect(),
        ),
        Expr::Not(operand) => Compiled::Not(Box::new(compile(operand, analyzers))),
    }
}

/// A bare word: several exact tokens form a phrase; one token is matched stemmed in the post's
/// language, falling back to the exact token where that language's analyzer drops the word.
fn compile_term(word: &str, analyzers: &mut Analyzers) -> Compiled {
    let exact_tokens = exact_tokens_with_positions(word);
    let [(_, exact_token)] = exact_tokens.as_slice() else {
        return relative_sequence(exact_tokens);
    };
    let per_language = Language::ALL
        .into_iter()
        .map(|language| {
            let stemmed = analyzers.stemmed_tokens(language, word);
            match <[String; 1]>::try_from(stemmed) {
                Ok([stemmed_token]) => LanguageTerm::Stemmed(stemmed_token),
                Err(_) => LanguageTerm::ExactInLanguage(exact_token.clone()),
            }
        })
        .collect();
    Compiled::StemmedPerLanguage(per_language)
}

/// Every source name the query mentions.
pub(crate) fn mentioned_sources<'a>(compiled: &'a Compiled, sources: &mut BTreeSet<&'a str>) {
    match compiled {
        Compiled::Source(source) => {
            sources.insert(source);
        }
        Compiled::And(operands) | Compiled::Or(operands) => {
            for operand in operands {
                mentioned_sources(operand, sources);
            }
        }
        Compiled::Not(operand) => mentioned_sources(operand, sources),
        _ => {}
    }
}
