//! The generic JSON Lines import: one object per line.
//!
//! Required: `id` and `author_id` (JSON strings or integers), `created_at` (RFC 3339,
//! `YYYY-MM-DD HH:MM:SS` in UTC, or unix seconds as a number) and `text`. Optional: `lang`,
//! `source` (default `import`), `url`, `reply_to_author_id` and `is_repost` (true/false). Other fields are ignored.

use std::io::BufRead;

use crate::fields::{
    finish_post, language_tag, optional_flag, optional_id, optional_string, optional_url,
    parse_object, required_id, required_string, required_timestamp, validated_source, JsonObject,
};
use crate::lines::{into_text, BoundedLines};
use crate::problem::Problem;
use crate::{ParseError, RawPost, Record, IMPORT_SOURCE};

pub(crate) fn read<R: BufRead + 'static>(
    reader: R,
) -> Box<dyn Iterator<Item = Result<Record, ParseError>>> {
    let items = BoundedLines::new(reader)
        .filter(|line| !line.is_blank())
        .map(|line| {
            let line_number = line.number;
            line.content
                .and_then(into_text)
                .and_then(|text| parse_object(text.as_bytes()))
                .and_then(|object| interpret(&object))
                .map_err(|problem| ParseError {
                    line: line_number,
                    reason: problem.to_string(),
                })
        });
    Box::new(items)
}

/// Reads one generic import object.
pub(crate) fn interpret(object: &JsonObject) -> Result<Record, Problem> {
    let source_id = required_id(object, "id")?;
    let created_at = required_timestamp(object, "created_at")?;
    let text = required_string(object, "text")?;
    let author_id = required_id(object, "author_id")?;
    let language = optional_string(object, "lang")?;
    let source = match optional_string(object, "source")? {
        Some(name) => validated_source(name)?,
        None => IMPORT_SOURCE.to_string(),
    };
    let url = optional_string(object, "url")?;
    let reply_to_author_id = optional_id(object, "reply_to_author_id")?;
    let is_repost = optional_flag(object, "is_repost")?;
    finish_post(RawPost {
        source,
        source_id,
        created_at,
        text: text.to_string(),
        author_id,
        language: language_tag(language),
        url: optional_url(url),
        reply_to_author_id,
        is_repost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_records, ImportFormat};
    use chrono::DateTime;
    use std::io::Cursor;

    const CANARY: &str = "CANARY-9f3e";

    fn read_text(input: &str) -> Vec<Result<Record, ParseError>> {
        read_records(Cursor::new(input.to_string()), ImportFormat::Jsonl).collect()
    }

    fn only_post(item: Option<&Result<Record, ParseError>>) -> Option<&RawPost> {
        match item {
            Some(Ok(Record::Post(post))) => Some(post),
            _ => None,
        }
    }

    #[test]
    fn reads_good_lines() {
        let input = concat!(
            r#"{"id": "p1", "created_at": "2026-10-01T08:30:00Z", "text": "De container is vol", "author_id": "u1"}"#,
            "\n",
            r#"{"id": 2, "created_at": 1790843400, "text": "Fijn!", "author_id": 77, "lang": "nl", "source": "Mastodon", "url": "https://example.invalid/2", "reply_to_author_id": 5, "extra": [1, 2]}"#,
            "\n",
            r#"{"id": "p3", "created_at": "2026-10-01 08:30:00", "text": "x", "author_id": "u3", "lang": null, "url": "", "reply_to_author_id": ""}"#,
            "\n"
        );
        let items = read_text(input);
        assert_eq!(items.len(), 3);
        let first = only_post(items.first());
        assert_eq!(first.map(|post| post.source.as_str()), Some("import"));
        assert_eq!(first.map(|post| post.source_id.as_str()), Some("p1"));
        assert_eq!(
            first.map(|post| post.text.as_str()),
            Some("De container is vol")
        );
        assert_eq!(first.map(|post| post.author_id.as_str()), Some("u1"));
        assert_eq!(
            first.map(|post| post.created_at),
            DateTime::from_timestamp(1_790_843_400, 0)
        );
        let second = only_post(items.get(1));
        assert_eq!(second.map(|post| post.source.as_str()), Some("mastodon"));
        assert_eq!(second.map(|post| post.source_id.as_str()), Some("2"));
        assert_eq!(second.map(|post| post.author_id.as_str()), Some("77"));
        assert_eq!(second.and_then(|post| post.language.as_deref()), Some("nl"));
        assert_eq!(
            second.and_then(|post| post.url.as_deref()),
            Some("https://example.invalid/2")
        );
        assert_eq!(
            second.and_then(|post| post.reply_to_author_id.as_deref()),
            Some("5")
        );
        let third = only_post(items.get(2));
        assert_eq!(third.map(|post| post.language.is_none()), Some(true));
        assert_eq!(third.map(|post| post.url.is_none()), Some(true));
        assert_eq!(
            third.map(|post| post.reply_to_author_id.is_none()),
            Some(true)
        );
    }

    #[test]
    fn reports_each_bad_line_with_its_number_and_goes_on() {
        let good = r#"{"id": "p1", "created_at": "2026-10-01T08:30:00Z", "text": "ok", "author_id": "u1"}"#;
        let lines = [
            good.to_string(),
            String::new(),
            format!(
                r#"{{"id": "{CANARY}", "created_at": "2026-10-01T08:30:00Z", "text": "{CANARY}""#
            ),
            format!(
                r#"{{"id": "{CANARY}", "created_at": "{CANARY}", "text": "x", "author_id": "a"}}"#
            ),
            format!(
                r#"{{"id": "{CANARY}", "created_at": "2026-10-01T08:30:00Z", "text": "{CANARY}"}}"#
            ),
            format!(r#"{{"id": ["{CANARY}"], "created_at": 1, "text": "x", "author_id": "a"}}"#),
            format!(r#"{{"id": "a", "created_at": 1, "text": 5, "author_id": "{CANARY}"}}"#),
            format!(r#"["{CANARY}"]"#),
            format!(r#"{{"id": "{CANARY}" "created_at": 1}}"#),
            format!(
                r#"{{"id": "a", "created_at": 1, "text": "{CANARY}", "author_id": "b", "source": "{CANARY} !"}}"#
            ),
            format!(
                r#"{{"id": "a", "created_at": 1, "text": "{CANARY}", "author_id": "b", "lang": 7}}"#
            ),
            format!(r#"{{"id": "a", "created_at": -1, "text": "{CANARY}", "author_id": "b"}}"#),
            format!(r#"{{"id": "a", "created_at": 1, "text": "   ", "author_id": "{CANARY}"}}"#),
            good.to_string(),
        ];
        let input = lines.join("\n");
        let items = read_text(&input);
        let summary: Vec<(u64, String)> = items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .map(|error| (error.line, error.reason.clone()))
            .collect();
        let expected: Vec<(u64, String)> = vec![
            (3, "JSON ends before the value is complete".to_string()),
            (
                4,
                "field `created_at` is not an RFC 3339 timestamp, `YYYY-MM-DD HH:MM:SS` or unix seconds"
                    .to_string(),
            ),
            (5, "missing field `author_id`".to_string()),
            (6, "field `id` must be a string or an integer".to_string()),
            (7, "field `text` must be a string".to_string()),
            (8, "value is not a JSON object".to_string()),
            (9, "invalid JSON at column 22".to_string()),
            (
                10,
                "field `source` must be 1 to 32 letters, digits, `-`, `_` or `.`".to_string(),
            ),
            (11, "field `lang` must be a string".to_string()),
            (12, "field `created_at` is outside the years 1970 to 9999".to_string()),
        ];
        assert_eq!(summary, expected);
        for (_, reason) in &summary {
            assert!(!reason.to_lowercase().contains("canary"), "{reason}");
        }
        let posts = items
            .iter()
            .filter(|item| matches!(item, Ok(Record::Post(_))))
            .count();
        assert_eq!(posts, 2);
        assert!(items.contains(&Ok(Record::Skip {
            reason: "empty text"
        })));
        // Line 2 is blank and yields nothing: 14 lines, 13 items.
        assert_eq!(items.len(), 13);
    }

    #[test]
    fn rejects_invalid_utf8_and_long_lines() {
        let mut input = b"\xff\xfe{\"id\": 1}\n".to_vec();
        input.extend(vec![b' '; crate::MAX_LINE_BYTES]);
        input.extend_from_slice(b"{}\n{}\n");
        let items: Vec<_> = read_records(Cursor::new(input), ImportFormat::Jsonl).collect();
        let errors: Vec<(u64, String)> = items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .map(|error| (error.line, error.reason.clone()))
            .collect();
        assert_eq!(
            errors,
            vec![
                (1, "line is not valid UTF-8".to_string()),
                (2, "line longer than 1 MiB".to_string()),
                (3, "missing field `id`".to_string()),
            ]
        );
    }

    #[test]
    fn rejects_overlong_text() {
        let text = "a".repeat(crate::MAX_TEXT_BYTES + 1);
        let input = format!(r#"{{"id": 1, "created_at": 1, "text": "{text}", "author_id": 2}}"#);
        let items = read_text(&input);
        assert_eq!(
            items
                .first()
                .and_then(|item| item.as_ref().err())
                .map(|error| error.reason.as_str()),
            Some("text longer than 100000 bytes")
        );
    }
}
