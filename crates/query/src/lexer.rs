//! Splits a query into tokens, each with the 1-based character position where it starts.

use crate::error::QueryError;

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    LeftParenthesis,
    RightParenthesis,
    And,
    Or,
    Not,
    /// A `-` directly in front of an operand: the same as `NOT`.
    Minus,
    /// The words between two double quotes, split on white space.
    Phrase(Vec<String>),
    /// Any other run of characters up to white space, a parenthesis or a double quote.
    Word(String),
}

/// A token and the 1-based character position of its first character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) position: usize,
}

fn ends_word(character: char) -> bool {
    character.is_whitespace() || matches!(character, '(' | ')' | '"')
}

/// Splits `characters` into tokens. Fails on unbalanced quotes, empty phrases, a wildcard inside
/// quotes and a `-` that is not directly followed by an operand.
pub(crate) fn tokenize(characters: &[char]) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut index = 0;
    while let Some(&character) = characters.get(index) {
        let position = index + 1;
        if character.is_whitespace() {
            index += 1;
            continue;
        }
        if character == '(' || character == ')' {
            let kind = if character == '(' {
                TokenKind::LeftParenthesis
            } else {
                TokenKind::RightParenthesis
            };
            tokens.push(Token { kind, position });
            index += 1;
            continue;
        }
        if character == '"' {
            let (phrase, next_index) = read_phrase(characters, index)?;
            tokens.push(Token {
                kind: TokenKind::Phrase(phrase),
                position,
            });
            index = next_index;
            continue;
        }
        if character == '-' {
            let operand_follows = characters
                .get(index + 1)
                .is_some_and(|next| !next.is_whitespace() && *next != ')');
            if !operand_follows {
                return Err(QueryError::new(
                    position,
                    "na '-' moet direct een zoekterm volgen",
                    "a search term must follow '-' directly",
                ));
            }
            tokens.push(Token {
                kind: TokenKind::Minus,
                position,
            });
            index += 1;
            continue;
        }
        let word_end = characters[index..]
            .iter()
            .position(|candidate| ends_word(*candidate))
            .map_or(characters.len(), |offset| index + offset);
        let word: String = characters[index..word_end].iter().collect();
        let kind = match word.as_str() {
            "AND" => TokenKind::And,
            "OR" => TokenKind::Or,
            "NOT" => TokenKind::Not,
            _ => TokenKind::Word(word),
        };
        tokens.push(Token { kind, position });
        index = word_end;
    }
    Ok(tokens)
}

/// Reads the phrase whose opening quote is at `opening_index`; returns its words and the index
/// after the closing quote.
fn read_phrase(
    characters: &[char],
    opening_index: usize,
) -> Result<(Vec<String>, usize), QueryError> {
    let content_start = opening_index + 1;
    let Some(closing_offset) = characters[content_start..]
        .iter()
        .position(|candidate| *candidate == '"')
    else {
        let opening_position = opening_index + 1;
        return Err(QueryError::new(
            characters.len() + 1,
            &format!(
                "afsluitend aanhalingsteken ontbreekt (geopend op positie {opening_position})"
            ),
            &format!("missing closing quote (opened at position {opening_position})"),
        ));
    };
    let content_end = content_start + closing_offset;
    let content = &characters[content_start..content_end];
    if let Some(wildcard_offset) = content.iter().position(|candidate| *candidate == '*') {
        return Err(QueryError::new(
            content_start + wildcard_offset + 1,
            "een jokerteken (*) werkt niet binnen aanhalingstekens",
            "a wildcard (*) does not work inside quotes",
        ));
    }
    let text: String = content.iter().collect();
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return Err(QueryError::new(
            opening_index + 1,
            "lege woordgroep tussen aanhalingstekens",
            "empty phrase between quotes",
        ));
    }
    Ok((words, content_end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<TokenKind> {
        let characters: Vec<char> = input.chars().collect();
        match tokenize(&characters) {
            Ok(tokens) => tokens.into_iter().map(|token| token.kind).collect(),
            Err(error) => panic!("unexpected error for {input:?}: {error}"),
        }
    }

    #[test]
    fn splits_words_operators_parentheses_and_phrases() {
        assert_eq!(
            kinds("(afval OR \"gft bak\") -zwem* NOT#x"),
            vec![
                TokenKind::LeftParenthesis,
                TokenKind::Word("afval".into()),
                TokenKind::Or,
                TokenKind::Phrase(vec!["gft".into(), "bak".into()]),
                TokenKind::RightParenthesis,
                TokenKind::Minus,
                TokenKind::Word("zwem*".into()),
                TokenKind::Word("NOT#x".into()),
            ]
        );
    }

    #[test]
    fn lower_case_operators_are_words() {
        assert_eq!(
            kinds("and or not"),
            vec![
                TokenKind::Word("and".into()),
                TokenKind::Word("or".into()),
                TokenKind::Word("not".into()),
            ]
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let characters: Vec<char> = "één (x".chars().collect();
        let tokens = tokenize(&characters).unwrap_or_default();
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[1].position, 5);
        assert_eq!(tokens[2].position, 6);
    }
}
