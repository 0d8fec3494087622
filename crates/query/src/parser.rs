//! A small recursive-descent parser for Peil's query language v1.
//!
//! Grammar (upper-case keywords only; `-x` is `NOT x`; adjacency is `AND`):
//! ```text
//! query    := or_expr
//! or_expr  := and_expr ( "OR" and_expr )*
//! and_expr := unary ( "AND"? unary )*
//! unary    := ( "NOT" | "-" ) unary | "(" or_expr ")" | phrase | word
//! word     := term | prefix* | #hashtag | #hashtag* | lang:code | source:name
//! ```
//! Nesting of parentheses and `NOT` is limited to [`MAX_NESTING_DEPTH`], so hostile input yields an
//! error, never a stack overflow.

use peil_model::Language;
use tantivy::tokenizer::MAX_TOKEN_LEN;

use crate::ast::Expr;
use crate::error::QueryError;
use crate::lexer::{tokenize, Token, TokenKind};
use crate::normalize::{exact_tokens_with_positions, lower_case_per_character};

/// How deeply parentheses and `NOT`s may nest.
pub const MAX_NESTING_DEPTH: usize = 32;

/// Shortest prefix a wildcard may have, in characters.
pub const MIN_PREFIX_CHARACTERS: usize = 3;

/// Longest source name `source:` accepts.
pub const MAX_SOURCE_NAME_CHARACTERS: usize = 64;

/// Field operators that would search for persons. Peil refuses them with an explanation.
pub const PERSON_OPERATORS: [&str; 18] = [
    "author",
    "from",
    "user",
    "mention",
    "to",
    "by",
    "handle",
    "account",
    "username",
    "person",
    "name",
    "auteur",
    "van",
    "naar",
    "gebruiker",
    "vermelding",
    "persoon",
    "naam",
];

/// Parses `input` into Peil's syntax tree.
pub(crate) fn parse_expression(input: &str) -> Result<Expr, QueryError> {
    let characters: Vec<char> = input.chars().collect();
    if characters.iter().all(|character| character.is_whitespace()) {
        return Err(QueryError::new(1, "lege zoekvraag", "empty query"));
    }
    let tokens = tokenize(&characters)?;
    let mut parser = Parser {
        tokens: &tokens,
        next_index: 0,
        end_position: characters.len() + 1,
    };
    let expression = parser.parse_or(0)?;
    if let Some(unexpected) = parser.peek() {
        return Err(QueryError::new(
            unexpected.position,
            "sluitend haakje zonder openend haakje",
            "closing parenthesis without an opening parenthesis",
        ));
    }
    Ok(expression)
}

struct Parser<'a> {
    tokens: &'a [Token],
    next_index: usize,
    end_position: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next_index)
    }

    fn peek_kind(&self) -> Option<&TokenKind> {
        self.peek().map(|token| &token.kind)
    }

    fn advance(&mut self) {
        self.next_index += 1;
    }

    fn parse_or(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let mut operands = vec![self.parse_and(depth, None)?];
        while self.peek_kind() == Some(&TokenKind::Or) {
            self.advance();
            operands.push(self.parse_and(depth, Some("OR"))?);
        }
        Ok(combine(operands, Connective::Or))
    }

    fn parse_and(
        &mut self,
        depth: usize,
        after_operator: Option<&str>,
    ) -> Result<Expr, QueryError> {
        let mut operands = vec![self.parse_unary(depth, after_operator)?];
        loop {
            match self.peek_kind() {
                None | Some(TokenKind::Or) | Some(TokenKind::RightParenthesis) => break,
                Some(TokenKind::And) => {
                    self.advance();
                    operands.push(self.parse_unary(depth, Some("AND"))?);
                }
                Some(_) => operands.push(self.parse_unary(depth, None)?),
            }
        }
        Ok(combine(operands, Connective::And))
    }

    fn parse_unary(
        &mut self,
        depth: usize,
        after_operator: Option<&str>,
    ) -> Result<Expr, QueryError> {
        let Some(token) = self.peek().cloned() else {
            return Err(missing_operand(self.end_position, after_operator));
        };
        match token.kind {
            TokenKind::Not | TokenKind::Minus => {
                let operator_name = if token.kind == TokenKind::Not {
                    "NOT"
                } else {
                    "-"
                };
                check_depth(depth + 1, token.position)?;
                self.advance();
                let operand = self.parse_unary(depth + 1, Some(operator_name))?;
                Ok(Expr::Not(Box::new(operand)))
            }
            TokenKind::LeftParenthesis => {
                check_depth(depth + 1, token.position)?;
                self.advance();
                if let Some(closing) = self.peek() {
                    if closing.kind == TokenKind::RightParenthesis {
                        return Err(QueryError::new(
                            closing.position,
                            "lege haakjes: zoekterm verwacht",
                            "empty parentheses: expected a search term",
                        ));
                    }
                }
                let inner = self.parse_or(depth + 1)?;
                if self.peek_kind() != Some(&TokenKind::RightParenthesis) {
                    let opening = token.position;
                    return Err(QueryError::new(
                        self.end_position,
                        &format!(
                            "sluitend haakje ontbreekt (voor het haakje op positie {opening})"
                        ),
                        &format!("missing closing parenthesis (for the one at position {opening})"),
                    ));
                }
                self.advance();
                Ok(inner)
            }
            TokenKind::RightParenthesis => Err(missing_operand(token.position, after_operator)),
            TokenKind::And | TokenKind::Or => {
                let found = if token.kind == TokenKind::And {
                    "AND"
                } else {
                    "OR"
                };
                Err(match after_operator {
                    Some(operator) => QueryError::new(
                        token.position,
                        &format!("zoekterm verwacht na {operator}, maar {found} gevonden"),
                        &format!("expected a search term after {operator}, found {found}"),
                    ),
                    None => QueryError::new(
                        token.position,
                        &format!("{found} heeft links een zoekterm nodig"),
                        &format!("{found} needs a search term on its left"),
                    ),
                })
            }
            TokenKind::Phrase(words) => {
                self.advance();
                parse_phrase(words, token.position)
            }
            TokenKind::Word(word) => {
                self.advance();
                parse_word(&word, token.position)
            }
        }
    }
}

fn check_depth(depth: usize, position: usize) -> Result<(), QueryError> {
    if depth <= MAX_NESTING_DEPTH {
        return Ok(());
    }
    Err(QueryError::new(
        position,
        &format!("te diep genest (maximaal {MAX_NESTING_DEPTH} niveaus haakjes en NOT)"),
        &format!("nested too deeply (at most {MAX_NESTING_DEPTH} levels of parentheses and NOT)"),
    ))
}

fn missing_operand(position: usize, after_operator: Option<&str>) -> QueryError {
    match after_operator {
        Some(operator) => QueryError::new(
            position,
            &format!("zoekterm verwacht na {operator}"),
            &format!("expected a search term after {operator}"),
        ),
        None => QueryError::new(position, "zoekterm verwacht", "expected a search term"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Connective {
    And,
    Or,
}

/// Joins operands with one connective, flattening nested operands of the same connective.
fn combine(mut operands: Vec<Expr>, connective: Connective) -> Expr {
    if operands.len() == 1 {
        if let Some(single) = operands.pop() {
            return single;
        }
    }
    let mut flattened = Vec::with_capacity(operands.len());
    for operand in operands {
        match (connective, operand) {
            (Connective::And, Expr::And(children)) | (Connective::Or, Expr::Or(children)) => {
                flattened.extend(children);
            }
            (_, other) => flattened.push(other),
        }
    }
    match connective {
        Connective::And => Expr::And(flattened),
        Connective::Or => Expr::Or(flattened),
    }
}

const NO_SEARCHABLE_WORD_DUTCH: &str =
    "bevat geen doorzoekbaar woord (leestekens, placeholders zoals \
     [PERSOON-1] en woorden langer dan 40 tekens tellen niet mee)";
const NO_SEARCHABLE_WORD_ENGLISH: &str = "contains no searchable word (punctuation, placeholders \
     such as [PERSOON-1] and words longer than 40 characters do not count)";

fn parse_phrase(words: Vec<String>, position: usize) -> Result<Expr, QueryError> {
    if exact_tokens_with_positions(&words.join(" ")).is_empty() {
        return Err(QueryError::new(
            position,
            &format!("woordgroep {NO_SEARCHABLE_WORD_DUTCH}"),
            &format!("phrase {NO_SEARCHABLE_WORD_ENGLISH}"),
        ));
    }
    Ok(Expr::Phrase(words))
}

/// Classifies a bare word: hashtag, field filter, wildcard or term.
fn parse_word(word: &str, position: usize) -> Result<Expr, QueryError> {
    if let Some(hashtag) = word.strip_prefix('#') {
        return parse_hashtag(hashtag, position);
    }
    if let Some((field_name, value)) = word.split_once(':') {
        let is_field = !field_name.is_empty()
            && field_name
                .chars()
                .all(|character| character.is_ascii_alphabetic());
        if is_field {
            return parse_field(field_name, value, position);
        }
    }
    if word.contains('*') {
        return parse_prefix(word, position);
    }
    if exact_tokens_with_positions(word).is_empty() {
        return Err(QueryError::new(
            position,
            &format!("zoekterm {NO_SEARCHABLE_WORD_DUTCH}"),
            &format!("search term {NO_SEARCHABLE_WORD_ENGLISH}"),
        ));
    }
    Ok(Expr::Term(word.to_string()))
}

/// Checks where the `*`s of `word` (starting at `position`) are; returns the text before a single
/// trailing `*`.
fn split_trailing_wildcard(word: &str, position: usize) -> Result<&str, QueryError> {
    let character_count = word.chars().count();
    for (offset, character) in word.chars().enumerate() {
        if character != '*' {
            continue;
        }
        if offset == 0 {
            return Err(QueryError::new(
                position,
                "een jokerteken (*) mag niet vooraan staan",
                "a wildcard (*) cannot start a word",
            ));
        }
        if offset + 1 != character_count {
            return Err(QueryError::new(
                position + offset,
                "een jokerteken (*) mag alleen aan het eind van een woord staan",
                "a wildcard (*) is only allowed at the end of a word",
            ));
        }
    }
    Ok(word.strip_suffix('*').unwrap_or(word))
}

fn too_short_prefix(position: usize) -> QueryError {
    QueryError::new(
        position,
        &format!("minstens {MIN_PREFIX_CHARACTERS} tekens voor het jokerteken (*)"),
        &format!("at least {MIN_PREFIX_CHARACTERS} characters are needed before the wildcard (*)"),
    )
}

fn parse_prefix(word: &str, position: usize) -> Result<Expr, QueryError> {
    let prefix = split_trailing_wildcard(word, position)?;
    let tokens = exact_tokens_with_positions(prefix);
    let [(_, token)] = tokens.as_slice() else {
        return Err(QueryError::new(
            position,
            "een jokerteken (*) werkt op precies één woord zonder leestekens",
            "a wildcard (*) works on exactly one word without punctuation",
        ));
    };
    if token.chars().count() < MIN_PREFIX_CHARACTERS {
        return Err(too_short_prefix(position));
    }
    Ok(Expr::Prefix(prefix.to_string()))
}

/// `hashtag` is the word after its `#`, which stood at `position`.
fn parse_hashtag(hashtag: &str, position: usize) -> Result<Expr, QueryError> {
    let body = split_trailing_wildcard(hashtag, position + 1)?;
    let is_prefix = body.len() != hashtag.len();
    if body.is_empty() {
        return Err(QueryError::new(
            position,
            "hashtag zonder tekst na #",
            "hashtag without text after #",
        ));
    }
    for (offset, character) in body.chars().enumerate() {
        let allowed =
            !character.is_ascii() || character.is_ascii_alphanumeric() || character == '_';
        if !allowed {
            return Err(QueryError::new(
                position + 1 + offset,
                &format!("ongeldig teken '{character}' in hashtag"),
                &format!("invalid character '{character}' in hashtag"),
            ));
        }
    }
    let normalized = lower_case_per_character(body);
    if normalized.len() > MAX_TOKEN_LEN {
        return Err(QueryError::new(
            position,
            "hashtag is te lang",
            "hashtag is too long",
        ));
    }
    if !is_prefix {
        return Ok(Expr::Hashtag(normalized));
    }
    if normalized.chars().count() < MIN_PREFIX_CHARACTERS {
        return Err(too_short_prefix(position));
    }
    Ok(Expr::HashtagPrefix(normalized))
}

fn parse_field(field_name: &str, value: &str, position: usize) -> Result<Expr, QueryError> {
    let lower_case_name = field_name.to_ascii_lowercase();
    if PERSON_OPERATORS.contains(&lower_case_name.as_str()) {
        return Err(QueryError::new(
            position,
            &format!(
                "Peil zoekt niet op personen ({field_name}:); zoek op onderwerpen, woorden of \
                 hashtags"
            ),
            &format!(
                "Peil does not search for persons ({field_name}:); search for topics, words or \
                 hashtags"
            ),
        ));
    }
    let value_position = position + field_name.chars().count() + 1;
    match lower_case_name.as_str() {
        "lang" => parse_language(value, value_position),
        "source" => parse_source(value, value_position),
        _ => Err(QueryError::new(
            position,
            &format!("onbekend veld '{field_name}:'; Peil kent alleen lang: en source:"),
            &format!("unknown field '{field_name}:'; Peil knows only lang: and source:"),
        )),
    }
}

fn parse_language(value: &str, value_position: usize) -> Result<Expr, QueryError> {
    let lower_case_value = value.to_ascii_lowercase();
    Language::ALL
        .into_iter()
        .find(|language| language.code() == lower_case_value)
        .map(Expr::Lang)
        .ok_or_else(|| {
            QueryError::new(
                value_position,
                "taalcode verwacht na lang: (nl, en, de, fr of other)",
                "expected a language code after lang: (nl, en, de, fr or other)",
            )
        })
}

fn parse_source(value: &str, value_position: usize) -> Result<Expr, QueryError> {
    let lower_case_value = value.to_ascii_lowercase();
    let is_valid = !lower_case_value.is_empty()
        && lower_case_value.chars().count() <= MAX_SOURCE_NAME_CHARACTERS
        && lower_case_value.chars().all(|character| {
            character.is_ascii_lowercase()
                || character.is_ascii_digit()
                || matches!(character, '_' | '-' | '.')
        });
    if !is_valid {
        return Err(QueryError::new(
            value_position,
            &format!(
                "bronnaam verwacht na source: (letters, cijfers, '_', '-' of '.', hoogstens \
                 {MAX_SOURCE_NAME_CHARACTERS} tekens)"
            ),
            &format!(
                "expected a source name after source: (letters, digits, '_', '-' or '.', at most \
                 {MAX_SOURCE_NAME_CHARACTERS} characters)"
            ),
        ));
    }
    Ok(Expr::Source(lower_case_value))
}
