//! Translates a compiled query into a tantivy query over [`IndexSchema`].

use std::fmt::Write as _;

use peil_model::Language;
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query,
    RegexQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use crate::compile::{Compiled, LanguageTerm};
use crate::schema::IndexSchema;

/// A regular expression matching every term that starts with `prefix`. Each character other than
/// an ASCII letter or digit is written as `\x{…}`, so no character of the prefix can act as regex
/// syntax.
pub(crate) fn prefix_pattern(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() * 2 + 8);
    for character in prefix.chars() {
        if character.is_ascii_alphanumeric() {
            pattern.push(character);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(pattern, "\\x{{{:X}}}", u32::from(character));
        }
    }
    pattern.push_str("(?s:.*)");
    pattern
}

/// Whether tantivy accepts the prefix pattern; checked when a query is parsed, so that
/// [`translate`] never has to fall back.
pub(crate) fn prefix_patterns_are_valid(compiled: &Compiled) -> bool {
    match compiled {
        Compiled::ExactPrefix(prefix) | Compiled::HashtagPrefix(prefix) => {
            RegexQuery::from_pattern(&prefix_pattern(prefix), Field::from_field_id(0)).is_ok()
        }
        Compiled::And(operands) | Compiled::Or(operands) => {
            operands.iter().all(prefix_patterns_are_valid)
        }
        Compiled::Not(operand) => prefix_patterns_are_valid(operand),
        _ => true,
    }
}

fn term_query(field: Field, text: &str, record_option: IndexRecordOption) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        record_option,
    ))
}

fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    match RegexQuery::from_pattern(&prefix_pattern(prefix), field) {
        Ok(query) => Box::new(query),
        // Unreachable for parsed queries: `prefix_patterns_are_valid` ran at parse time.
        Err(_) => Box::new(EmptyQuery),
    }
}

fn exact_sequence_query(sequence: &[(u32, String)], field: Field) -> Box<dyn Query> {
    match sequence {
        [] => Box::new(EmptyQuery),
        [(_, single_token)] => term_query(field, single_token, IndexRecordOption::WithFreqs),
        _ => Box::new(ExclusionSafePhraseQuery {
            phrase: PhraseQuery::new_with_offset(
                sequence
                    .iter()
                    .map(|(offset, token)| (*offset as usize, Term::from_field_text(field, token)))
                    .collect(),
            ),
        }),
    }
}

/// A `PhraseQuery` whose scorer accepts `seek_danger` targets behind its current document.
///
/// tantivy 0.27's `PhraseScorer::seek_danger` has `debug_assert!(target >= self.doc())`, but an
/// exclusion (`MustNot`) probes its scorers with every candidate of the including side, which can
/// lie behind the phrase scorer's first match. Debug builds then panic on `afval -"gft bak"`;
/// release builds answer correctly. This wrapper answers such probes itself (the default
/// `DocSet::seek_danger`, which only ever seeks forward), so both builds behave alike.
#[derive(Clone, Debug)]
struct ExclusionSafePhraseQuery {
    phrase: PhraseQuery,
}

impl Query for ExclusionSafePhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExclusionSafeWeight {
            inner: self.phrase.weight(enable_scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.phrase.query_terms(visitor);
    }
}

struct ExclusionSafeWeight {
    inner: Box<dyn Weight>,
}

impl Weight for ExclusionSafeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExclusionSafeScorer {
            inner: self.inner.scorer(reader, boost)?,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

/// Delegates everything except `seek_danger`, which keeps the trait's forward-only default.
struct ExclusionSafeScorer {
    inner: Box<dyn Scorer>,
}

impl DocSet for ExclusionSafeScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let current = self.inner.doc();
        if current >= target {
            return current;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for ExclusionSafeScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

/// Everything except what `excluded` matches. A `BooleanQuery` of only `MustNot` clauses matches
/// nothing, so the `AllQuery` is required.
fn everything_except(excluded: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (Occur::MustNot, excluded),
    ]))
}

/// The tantivy query for `compiled` over `schema`.
pub(crate) fn translate(compiled: &Compiled, schema: &IndexSchema) -> Box<dyn Query> {
    match compiled {
        Compiled::Nothing => Box::new(EmptyQuery),
        Compiled::ExactSequence(sequence) => exact_sequence_query(sequence, schema.text_exact),
        Compiled::StemmedPerLanguage(per_language) => {
            let clauses = Language::ALL
                .into_iter()
                .zip(per_language)
                .map(|(language, language_term)| {
                    let clause = match language_term {
                        LanguageTerm::Stemmed(token) => term_query(
                            schema.stemmed_field(language),
                            token,
                            IndexRecordOption::WithFreqs,
                        ),
                        LanguageTerm::ExactInLanguage(token) => Box::new(BooleanQuery::new(vec![
                            (
                                Occur::Must,
                                term_query(
                                    schema.language,
                                    language.code(),
                                    IndexRecordOption::Basic,
                                ),
                            ),
                            (
                                Occur::Must,
                                term_query(schema.text_exact, token, IndexRecordOption::WithFreqs),
                            ),
                        ])),
                    };
                    (Occur::Should, clause)
                })
                .collect();
            Box::new(BooleanQuery::new(clauses))
        }
        Compiled::ExactPrefix(prefix) => prefix_query(schema.text_exact, prefix),
        Compiled::Hashtag(tag) => term_query(schema.hashtags, tag, IndexRecordOption::Basic),
        Compiled::HashtagPrefix(tag_prefix) => prefix_query(schema.hashtags, tag_prefix),
        Compiled::Language(language) => {
            term_query(schema.language, language.code(), IndexRecordOption::Basic)
        }
        Compiled::Source(source) => term_query(schema.source, source, IndexRecordOption::Basic),
        Compiled::And(operands) => {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = operands
                .iter()
                .map(|operand| match operand {
                    Compiled::Not(excluded) => (Occur::MustNot, translate(excluded, schema)),
                    required => (Occur::Must, translate(required, schema)),
                })
                .collect();
            let has_required_clause = clauses.iter().any(|(occur, _)| *occur == Occur::Must);
            if !has_required_clause {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Compiled::Or(operands) => Box::new(BooleanQuery::new(
            operands
                .iter()
                .map(|operand| (Occur::Should, translate(operand, schema)))
                .collect(),
        )),
        Compiled::Not(excluded) => everything_except(translate(excluded, schema)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_pattern_escapes_everything_but_ascii_alphanumerics() {
        assert_eq!(prefix_pattern("zwem"), "zwem(?s:.*)");
        assert_eq!(prefix_pattern("a.(é"), "a\\x{2E}\\x{28}\\x{E9}(?s:.*)");
        assert!(
            RegexQuery::from_pattern(&prefix_pattern("a.(é)*[]"), Field::from_field_id(0)).is_ok()
        );
    }
}
