//! Why a line could not be read.
//!
//! A [`Problem`] can only hold `&'static str`s (field names written in this crate) and numbers, so
//! no content of the input can ever reach a [`ParseError`](crate::ParseError) reason.

use std::fmt;

use crate::{MAX_LINE_BYTES, MAX_TEXT_BYTES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    LineTooLong,
    ValueTooLong,
    EmptyArrayElement,
    NotUtf8,
    ValueNotUtf8,
    ReadFailed(std::io::ErrorKind),
    InvalidJson {
        column: usize,
    },
    IncompleteJson,
    JsonNestedTooDeeply,
    NotAnObject,
    ContentAfterValue,
    ContentAfterArray,
    MissingField(&'static str),
    EmptyField(&'static str),
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    NotATimestamp(&'static str),
    TimestampOutOfRange(&'static str),
    TextTooLong,
    InvalidSource,
    MissingHeaderColumn(&'static str),
    EmptyHeader,
    UnclosedQuote,
    NotADid(&'static str),
    NotAnAtUri(&'static str),
    LegacyJetstream,
    UnknownBlueskyShape,
    MastodonApiError,
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::LineTooLong => write!(formatter, "line longer than {} MiB", mebibytes()),
            Problem::ValueTooLong => {
                write!(formatter, "JSON value longer than {} MiB", mebibytes())
            }
            Problem::EmptyArrayElement => formatter.write_str("empty array element"),
            Problem::NotUtf8 => formatter.write_str("line is not valid UTF-8"),
            Problem::ValueNotUtf8 => formatter.write_str("value is not valid UTF-8"),
            Problem::ReadFailed(kind) => write!(formatter, "input could not be read ({kind})"),
            Problem::InvalidJson { column } => write!(formatter, "invalid JSON at column {column}"),
            Problem::IncompleteJson => formatter.write_str("JSON ends before the value is complete"),
            Problem::JsonNestedTooDeeply => formatter.write_str("JSON is nested too deeply"),
            Problem::NotAnObject => formatter.write_str("value is not a JSON object"),
            Problem::ContentAfterValue => {
                formatter.write_str("unexpected content after the JSON value on the same line")
            }
            Problem::ContentAfterArray => {
                formatter.write_str("unexpected content after the end of the JSON array")
            }
            Problem::MissingField(field) => write!(formatter, "missing field `{field}`"),
            Problem::EmptyField(field) => write!(formatter, "field `{field}` is empty"),
            Problem::WrongType { field, expected } => {
                write!(formatter, "field `{field}` must be {expected}")
            }
            Problem::NotATimestamp(field) => write!(
                formatter,
                "field `{field}` is not an RFC 3339 timestamp, `YYYY-MM-DD HH:MM:SS` or unix seconds"
            ),
            Problem::TimestampOutOfRange(field) => write!(
                formatter,
                "field `{field}` is outside the years 1970 to 9999"
            ),
            Problem::TextTooLong => write!(formatter, "text longer than {MAX_TEXT_BYTES} bytes"),
            Problem::InvalidSource => formatter.write_str(
                "field `source` must be 1 to 32 letters, digits, `-`, `_` or `.`",
            ),
            Problem::MissingHeaderColumn(column) => {
                write!(formatter, "header has no column `{column}`")
            }
            Problem::EmptyHeader => formatter.write_str("header row has no columns"),
            Problem::UnclosedQuote => {
                formatter.write_str("quoted field is not closed before the end of the input")
            }
            Problem::NotADid(field) => write!(formatter, "field `{field}` is not a DID"),
            Problem::NotAnAtUri(field) => write!(
                formatter,
                "field `{field}` is not an at:// URI of the form at://authority/collection/rkey"
            ),
            Problem::LegacyJetstream => formatter.write_str(
                "old Jetstream wire format (field `type`) is not supported: use Jetstream v1 events (field `kind`)",
            ),
            Problem::UnknownBlueskyShape => formatter.write_str(
                "not a Jetstream v1 event, getRecord response, PostView or thread/feed item",
            ),
            Problem::MastodonApiError => {
                formatter.write_str("an API error object (field `error`), not a status")
            }
        }
    }
}

fn mebibytes() -> usize {
    MAX_LINE_BYTES / (1024 * 1024)
}

/// Turns a `serde_json` error into a [`Problem`] without its message, which can quote input.
pub(crate) fn json_problem(error: &serde_json::Error) -> Problem {
    match error.classify() {
        serde_json::error::Category::Eof => Problem::IncompleteJson,
        serde_json::error::Category::Io
        | serde_json::error::Category::Syntax
        | serde_json::error::Category::Data => {
            // The recursion limit is a syntax error without its own category; telling it apart
            // by the (fixed, content-free) message keeps the reason helpful.
            if error.to_string().starts_with("recursion limit exceeded") {
                return Problem::JsonNestedTooDeeply;
            }
            Problem::InvalidJson {
                column: error.column(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_well() {
        assert_eq!(Problem::LineTooLong.to_string(), "line longer than 1 MiB");
        assert_eq!(
            Problem::MissingField("author_id").to_string(),
            "missing field `author_id`"
        );
        assert_eq!(
            Problem::InvalidJson { column: 17 }.to_string(),
            "invalid JSON at column 17"
        );
        assert_eq!(
            Problem::TextTooLong.to_string(),
            "text longer than 100000 bytes"
        );
    }

    #[test]
    fn json_errors_lose_their_quoted_values() {
        let error = serde_json::from_str::<serde_json::Value>("{\"a\": \"@jan\" x}")
            .err()
            .map(|parse_error| json_problem(&parse_error));
        assert_eq!(error, Some(Problem::InvalidJson { column: 14 }));
        let incomplete = serde_json::from_str::<serde_json::Value>("{\"a\": \"@jan")
            .err()
            .map(|parse_error| json_problem(&parse_error));
        assert_eq!(incomplete, Some(Problem::IncompleteJson));
        let deep = "[".repeat(500);
        let nested = serde_json::from_str::<serde_json::Value>(&deep)
            .err()
            .map(|parse_error| json_problem(&parse_error));
        assert_eq!(nested, Some(Problem::JsonNestedTooDeeply));
    }
}
