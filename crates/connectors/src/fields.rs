//! Reading fields out of parsed JSON objects, and the checks every post passes.
//!
//! Every helper reports a [`Problem`] naming the field, never the value.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::problem::Problem;
use crate::timestamp::{
    from_unix_seconds, from_unix_seconds_float, parse_timestamp_text, TimestampError,
};
use crate::{RawPost, Record, MAX_TEXT_BYTES};

pub(crate) type JsonObject = Map<String, Value>;

const STRING: &str = "a string";
const STRING_OR_INTEGER: &str = "a string or an integer";
const OBJECT: &str = "an object";
const BOOLEAN: &str = "true or false";
const TIMESTAMP: &str = "a timestamp string or unix seconds";

/// Parses one JSON value that must be an object.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<JsonObject, Problem> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|error| crate::problem::json_problem(&error))?;
    match value {
        Value::Object(object) => Ok(object),
        _ => Err(Problem::NotAnObject),
    }
}

/// A present, non-null field.
fn present<'object>(object: &'object JsonObject, field: &str) -> Option<&'object Value> {
    object.get(field).filter(|value| !value.is_null())
}

/// A required string field; it may be empty.
pub(crate) fn required_string<'object>(
    object: &'object JsonObject,
    field: &'static str,
) -> Result<&'object str, Problem> {
    match present(object, field) {
        None => Err(Problem::MissingField(field)),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(Problem::WrongType {
            field,
            expected: STRING,
        }),
    }
}

/// An optional string field: absent or null gives `None`, another type is an error.
pub(crate) fn optional_string<'object>(
    object: &'object JsonObject,
    field: &'static str,
) -> Result<Option<&'object str>, Problem> {
    match present(object, field) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(Problem::WrongType {
            field,
            expected: STRING,
        }),
    }
}

/// An optional boolean field: absent or null gives `false`; JSON `true`/`false`, and the texts
/// `true`/`false`/`1`/`0`/`ja`/`nee` (CSV cells) are read; anything else is an error.
pub(crate) fn optional_flag(object: &JsonObject, field: &'static str) -> Result<bool, Problem> {
    match present(object, field) {
        None => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(Value::Number(number)) if number.as_u64() == Some(0) => Ok(false),
        Some(Value::Number(number)) if number.as_u64() == Some(1) => Ok(true),
        Some(Value::String(text)) => flag_text(text).ok_or(Problem::WrongType {
            field,
            expected: BOOLEAN,
        }),
        Some(_) => Err(Problem::WrongType {
            field,
            expected: BOOLEAN,
        }),
    }
}

/// A boolean written as text (`true`, `false`, `1`, `0`, `ja`, `nee`, `yes`, `no`).
pub(crate) fn flag_text(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "ja" | "yes" => Some(true),
        "false" | "0" | "nee" | "no" | "" => Some(false),
        _ => None,
    }
}

/// An optional string field read leniently (platform payloads evolve): absent, null or another
/// type gives `None`.
pub(crate) fn lenient_string<'object>(
    object: &'object JsonObject,
    field: &str,
) -> Option<&'object str> {
    match present(object, field) {
        Some(Value::String(text)) => Some(text),
        _ => None,
    }
}

/// A non-empty lenient string, trimmed.
pub(crate) fn lenient_non_empty_string<'object>(
    object: &'object JsonObject,
    field: &str,
) -> Option<&'object str> {
    lenient_string(object, field)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// A required object field.
pub(crate) fn required_object<'object>(
    object: &'object JsonObject,
    field: &'static str,
) -> Result<&'object JsonObject, Problem> {
    match present(object, field) {
        None => Err(Problem::MissingField(field)),
        Some(Value::Object(inner)) => Ok(inner),
        Some(_) => Err(Problem::WrongType {
            field,
            expected: OBJECT,
        }),
    }
}

/// An optional object field read leniently.
pub(crate) fn lenient_object<'object>(
    object: &'object JsonObject,
    field: &str,
) -> Option<&'object JsonObject> {
    match present(object, field) {
        Some(Value::Object(inner)) => Some(inner),
        _ => None,
    }
}

/// An id written as a JSON string or integer, as text.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Some(number.to_string()),
        _ => None,
    }
}

/// A required, non-empty id written as a JSON string or integer.
pub(crate) fn required_id(object: &JsonObject, field: &'static str) -> Result<String, Problem> {
    let value = present(object, field).ok_or(Problem::MissingField(field))?;
    let text = id_text(value).ok_or(Problem::WrongType {
        field,
        expected: STRING_OR_INTEGER,
    })?;
    if text.is_empty() {
        return Err(Problem::EmptyField(field));
    }
    Ok(text)
}

/// An optional id written as a JSON string or integer; an empty string counts as absent.
pub(crate) fn optional_id(
    object: &JsonObject,
    field: &'static str,
) -> Result<Option<String>, Problem> {
    let Some(value) = present(object, field) else {
        return Ok(None);
    };
    let text = id_text(value).ok_or(Problem::WrongType {
        field,
        expected: STRING_OR_INTEGER,
    })?;
    Ok(Some(text).filter(|id| !id.is_empty()))
}

/// An optional id read leniently: absent, null, empty or another type gives `None`.
pub(crate) fn lenient_id(object: &JsonObject, field: &str) -> Option<String> {
    present(object, field)
        .and_then(id_text)
        .filter(|text| !text.is_empty())
}

/// Turns a [`TimestampError`] for `field` into a [`Problem`].
pub(crate) fn timestamp_problem(error: TimestampError, field: &'static str) -> Problem {
    match error {
        TimestampError::Unreadable => Problem::NotATimestamp(field),
        TimestampError::OutOfRange => Problem::TimestampOutOfRange(field),
    }
}

/// A required timestamp: a string (see [`parse_timestamp_text`]) or unix seconds as a number.
pub(crate) fn required_timestamp(
    object: &JsonObject,
    field: &'static str,
) -> Result<DateTime<Utc>, Problem> {
    let value = present(object, field).ok_or(Problem::MissingField(field))?;
    let parsed = match value {
        Value::String(text) => parse_timestamp_text(text),
        Value::Number(number) => match (number.as_i64(), number.as_f64()) {
            (Some(seconds), _) => from_unix_seconds(seconds),
            (None, Some(seconds)) => from_unix_seconds_float(seconds),
            (None, None) => Err(TimestampError::OutOfRange),
        },
        _ => {
            return Err(Problem::WrongType {
                field,
                expected: TIMESTAMP,
            })
        }
    };
    parsed.map_err(|error| timestamp_problem(error, field))
}

/// Checks a `source` name from an import: 1 to 32 ASCII letters, digits, `-`, `_` or `.`, and
/// returns it in lower case.
pub(crate) fn validated_source(name: &str) -> Result<String, Problem> {
    let trimmed = name.trim();
    let well_formed = !trimmed.is_empty()
        && trimmed.len() <= 32
        && trimmed
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    if !well_formed {
        return Err(Problem::InvalidSource);
    }
    Ok(trimmed.to_ascii_lowercase())
}

/// A language tag as given, or `None` when it is empty.
pub(crate) fn language_tag(tag: Option<&str>) -> Option<String> {
    tag.map(str::trim)
        .filter(|trimmed| !trimmed.is_empty())
        .map(str::to_string)
}

/// An optional URL as given, or `None` when it is empty.
pub(crate) fn optional_url(url: Option<&str>) -> Option<String> {
    url.map(str::trim)
        .filter(|trimmed| !trimmed.is_empty())
        .map(str::to_string)
}

/// The checks every post passes on its way out: a text longer than `MAX_TEXT_BYTES` is an error, an
/// empty or whitespace-only text is skipped.
/// How a retweet starts in exported tweets (`RT @handle: text`).
const RETWEET_MARKER: &str = "RT @";

pub(crate) fn finish_post(mut post: RawPost) -> Result<Record, Problem> {
    if post.text.starts_with(RETWEET_MARKER) {
        post.is_repost = true;
    }
    if post.text.len() > MAX_TEXT_BYTES {
        return Err(Problem::TextTooLong);
    }
    if post.text.trim().is_empty() {
        return Ok(Record::Skip {
            reason: "empty text",
        });
    }
    Ok(Record::Post(post))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> JsonObject {
        parse_object(text.as_bytes()).unwrap_or_default()
    }

    #[test]
    fn ids_may_be_strings_or_integers() {
        let fields = object(r#"{"a": "x1", "b": 42, "c": 1.5, "d": "", "e": null, "f": -3}"#);
        assert_eq!(required_id(&fields, "a"), Ok("x1".to_string()));
        assert_eq!(required_id(&fields, "b"), Ok("42".to_string()));
        assert_eq!(required_id(&fields, "f"), Ok("-3".to_string()));
        assert_eq!(
            required_id(&fields, "c"),
            Err(Problem::WrongType {
                field: "c",
                expected: STRING_OR_INTEGER
            })
        );
        assert_eq!(required_id(&fields, "d"), Err(Problem::EmptyField("d")));
        assert_eq!(required_id(&fields, "e"), Err(Problem::MissingField("e")));
        assert_eq!(optional_id(&fields, "d"), Ok(None));
        assert_eq!(optional_id(&fields, "zz"), Ok(None));
        assert_eq!(lenient_id(&fields, "c"), None);
    }

    #[test]
    fn timestamps_may_be_text_or_numbers() {
        let fields = object(
            r#"{"a": "2026-10-01 08:30:00", "b": 1790843400, "c": 1790843400.25, "d": true, "e": -5, "f": "soon"}"#,
        );
        let expected = DateTime::from_timestamp(1_790_843_400, 0);
        assert_eq!(required_timestamp(&fields, "a").ok(), expected);
        assert_eq!(required_timestamp(&fields, "b").ok(), expected);
        assert_eq!(
            required_timestamp(&fields, "c").map(|timestamp| timestamp.timestamp_millis()),
            Ok(1_790_843_400_250)
        );
        assert!(matches!(
            required_timestamp(&fields, "d"),
            Err(Problem::WrongType { field: "d", .. })
        ));
        assert_eq!(
            required_timestamp(&fields, "e"),
            Err(Problem::TimestampOutOfRange("e"))
        );
        assert_eq!(
            required_timestamp(&fields, "f"),
            Err(Problem::NotATimestamp("f"))
        );
    }

    #[test]
    fn sources_are_short_names() {
        assert_eq!(validated_source(" Bluesky "), Ok("bluesky".to_string()));
        assert_eq!(
            validated_source("rss.nos-nl_2"),
            Ok("rss.nos-nl_2".to_string())
        );
        assert_eq!(validated_source(""), Err(Problem::InvalidSource));
        assert_eq!(validated_source("a b"), Err(Problem::InvalidSource));
        assert_eq!(
            validated_source(&"x".repeat(33)),
            Err(Problem::InvalidSource)
        );
    }

    #[test]
    fn posts_are_checked_on_the_way_out() {
        let post = RawPost {
            source: "import".to_string(),
            source_id: "1".to_string(),
            created_at: DateTime::UNIX_EPOCH,
            text: " \n\t".to_string(),
            author_id: "a".to_string(),
            language: None,
            url: None,
            reply_to_author_id: None,
            is_repost: false,
        };
        assert_eq!(
            finish_post(post.clone()),
            Ok(Record::Skip {
                reason: "empty text"
            })
        );
        let long_post = RawPost {
            text: "a".repeat(MAX_TEXT_BYTES + 1),
            ..post.clone()
        };
        assert_eq!(finish_post(long_post), Err(Problem::TextTooLong));
        let good_post = RawPost {
            text: "a".repeat(MAX_TEXT_BYTES),
            ..post
        };
        assert!(matches!(finish_post(good_post), Ok(Record::Post(_))));
    }

    #[test]
    fn a_retweet_marker_makes_a_repost_and_flags_read_from_text_and_json() {
        let post = RawPost {
            source: "import".to_string(),
            source_id: "1".to_string(),
            created_at: DateTime::UNIX_EPOCH,
            text: "RT @iemand: de brug is dicht".to_string(),
            author_id: "a".to_string(),
            language: None,
            url: None,
            reply_to_author_id: None,
            is_repost: false,
        };
        assert!(matches!(finish_post(post.clone()), Ok(Record::Post(read)) if read.is_repost));
        let original = RawPost {
            text: "de brug is dicht, RT @iemand".to_string(),
            ..post
        };
        assert!(matches!(finish_post(original), Ok(Record::Post(read)) if !read.is_repost));
        let fields = object(r#"{"a": true, "b": "nee", "c": 1, "d": "misschien", "e": null}"#);
        assert_eq!(optional_flag(&fields, "a"), Ok(true));
        assert_eq!(optional_flag(&fields, "b"), Ok(false));
        assert_eq!(optional_flag(&fields, "c"), Ok(true));
        assert_eq!(optional_flag(&fields, "e"), Ok(false));
        assert_eq!(optional_flag(&fields, "missing"), Ok(false));
        assert_eq!(
            optional_flag(&fields, "d"),
            Err(Problem::WrongType {
                field: "d",
                expected: BOOLEAN
            })
        );
    }
}
