//! Peil's query language v1: the Boolean search an analyst at a municipality writes for a monitor
//! or for `peil query`, e.g. `(afval OR "gft bak") zwem* -#klimaat lang:nl source:bluesky`.
//!
//! This crate parses such a query into Peil's own syntax tree ([`Expr`]), prints it back in a
//! canonical form, decides at ingest whether a de-identified post matches ([`Query::matches`] on a
//! [`MatchDoc`]) and translates it for the full-text index ([`Query::to_tantivy`] over
//! [`IndexSchema`]). The matcher and the index give exactly the same answer for every post, because
//! both read one compiled form that is analysed with the shared analyzers of
//! `peil_analysis::text`.
//!
//! The language has no operator that searches for persons: `author:`, `from:`, `user:`,
//! `mention:` and similar are refused with an explanation (see [`PERSON_OPERATORS`]).
//!
//! Privacy rules for this crate: it only ever sees **de-identified** text, never raw posts; it
//! never logs queries, post text or which posts matched; errors quote the query's position, not
//! post content; `Debug` of [`MatchDoc`] and [`IndexablePost`] shows no text.
//!
//! # Syntax
//! - words (`afval`), `"phrases"`, trailing wildcards (`zwem*`, at least 3 characters before the
//!   `*`), hashtags (`#klimaat`, `#klimaat*`), filters `lang:nl` (nl, en, de, fr, other) and
//!   `source:bluesky`;
//! - `AND`, `OR`, `NOT` in upper case, `-x` for `NOT x`, adjacency for `AND`, parentheses;
//!   precedence `NOT` > `AND` > `OR`.
//!
//! # Semantics
//! - a word is stemmed with the analyzer of each *post's* language; a word that analyzer drops (a
//!   stop word such as `de`) matches the exact token instead, in posts of that language; a word of
//!   several tokens (`covid-19`) is a phrase;
//! - phrases and wildcards match the exact (lower-case, accent-folded, unstemmed) tokens;
//! - hashtags match lower-case and without `#`;
//! - placeholders such as `[PERSOON-1]` are never words, in posts or in queries.

mod ast;
mod compile;
mod error;
mod lexer;
mod matcher;
mod normalize;
mod parser;
mod prefilter;
mod schema;
mod tantivy_query;

#[cfg(test)]
mod equivalence_tests;
#[cfg(test)]
mod query_tests;

use std::collections::BTreeSet;
use std::fmt;

use peil_analysis::text::Analyzers;
use peil_model::Language;

pub use ast::Expr;
pub use error::QueryError;
pub use matcher::MatchDoc;
pub use parser::{
    MAX_NESTING_DEPTH, MAX_SOURCE_NAME_CHARACTERS, MIN_PREFIX_CHARACTERS, PERSON_OPERATORS,
};
pub use prefilter::{
    Prefilter, MATCH_TOKEN_EXACT, MATCH_TOKEN_HASHTAG, MATCH_TOKEN_LANGUAGE, MATCH_TOKEN_SOURCE,
    MATCH_TOKEN_STEMMED,
};
pub use schema::{IndexSchema, IndexablePost};

use compile::{compile, mentioned_sources, Compiled};

/// A parsed, validated and analysed query.
///
/// Build it with [`parse`]; it is cheap to match against many posts and to clone.
#[derive(Debug, Clone)]
pub struct Query {
    expression: Expr,
    compiled: Compiled,
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.expression == other.expression
    }
}

impl Eq for Query {}

/// Parses `input` into a [`Query`].
///
/// Errors name the 1-based character position and what was expected, in Dutch and English.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let expression = parser::parse_expression(input)?;
    let mut analyzers = Analyzers::default();
    let compiled = compile(&expression, &mut analyzers);
    if !tantivy_query::prefix_patterns_are_valid(&compiled) {
        return Err(QueryError::new(
            1,
            "een jokerteken kan niet worden vertaald voor de zoekindex",
            "a wildcard cannot be translated for the search index",
        ));
    }
    Ok(Query {
        expression,
        compiled,
    })
}

impl Query {
    /// The syntax tree.
    pub fn expr(&self) -> &Expr {
        &self.expression
    }

    /// True iff every post the query matches contains some positive content: a word, phrase,
    /// wildcard or hashtag that is not negated. False when a post could match through filters and
    /// negations alone (`lang:nl`, `NOT afval`, `afval OR lang:nl`). Monitors require it.
    ///
    /// Decided exactly: the query is evaluated on a post without any content for every language
    /// and every source the query mentions (plus one it does not).
    pub fn has_positive_content(&self) -> bool {
        let mut sources = BTreeSet::new();
        mentioned_sources(&self.compiled, &mut sources);
        // No source name parses as empty, so "" stands for every source the query does not name.
        sources.insert("");
        for language in Language::ALL {
            for source in &sources {
                let empty_post = MatchDoc::without_content(language, source);
                if empty_post.satisfies(&self.compiled) {
                    return false;
                }
            }
        }
        true
    }

    /// Whether the post matches. Gives exactly the answer [`Query::to_tantivy`] gives on an index
    /// holding the post.
    pub fn matches(&self, doc: &MatchDoc) -> bool {
        doc.satisfies(&self.compiled)
    }

    /// The tantivy query over an index built from `schema` (with Peil's analyzers registered).
    pub fn to_tantivy(&self, schema: &IndexSchema) -> Box<dyn tantivy::query::Query> {
        tantivy_query::translate(&self.compiled, schema)
    }
}

/// The canonical form; it parses back to the same [`Expr`].
impl fmt::Display for Query {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.expression, formatter)
    }
}

impl std::str::FromStr for Query {
    type Err = QueryError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        parse(input)
    }
}
