//! The one error type of the query language: a 1-based character position and a bilingual message.

/// A query that cannot be parsed, with the 1-based character position where the problem was found.
///
/// `message` is bilingual, Dutch first, and repeats the position in its English half, so the
/// `Display` form reads for example
/// `positie 14: sluitend haakje ontbreekt / position 14: missing closing parenthesis`.
///
/// A `QueryError` never contains post text; it may quote a fragment of the query itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("positie {position}: {message}")]
pub struct QueryError {
    /// 1-based position, counted in characters (not bytes). One past the last character means
    /// "at the end of the query".
    pub position: usize,
    /// Dutch explanation, then ` / position N: ` and the English explanation.
    pub message: String,
}

impl QueryError {
    /// Builds an error from its Dutch and English explanations.
    pub(crate) fn new(position: usize, dutch: &str, english: &str) -> QueryError {
        QueryError {
            position,
            message: format!("{dutch} / position {position}: {english}"),
        }
    }
}
