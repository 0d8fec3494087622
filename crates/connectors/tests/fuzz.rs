//! Property tests: whatever the input, reading never panics, yields at most one item per input line
//! (or per JSON array element), names only lines that exist, and never quotes the input in an error
//! reason.

use std::io::Cursor;

use proptest::prelude::*;
use serde_json::{Map, Value};

use peil_connectors::{read_records, ImportFormat, ParseError, Record};

const CANARY: &str = "CANARY";

const KEYS: &[&str] = &[
    "id",
    "created_at",
    "text",
    "author_id",
    "lang",
    "source",
    "url",
    "reply_to_author_id",
    "uri",
    "content",
    "account",
    "acct",
    "reblog",
    "spoiler_text",
    "language",
    "in_reply_to_account_id",
    "mentions",
    "visibility",
    "did",
    "time_us",
    "kind",
    "commit",
    "operation",
    "collection",
    "rkey",
    "record",
    "createdAt",
    "langs",
    "reply",
    "parent",
    "value",
    "author",
    "thread",
    "post",
    "reason",
    "type",
    "$type",
    "error",
];

const STRINGS: &[&str] = &[
    "commit",
    "create",
    "update",
    "delete",
    "identity",
    "account",
    "app.bsky.feed.post",
    "app.bsky.feed.like",
    "2026-10-01T00:00:00Z",
    "2026-10-01 00:00:00",
    "2023-07-21T01:33:51.481951",
    "1790812800",
    "at://did:plc:CANARY/app.bsky.feed.post/3k",
    "at://CANARY",
    "did:plc:CANARY",
    "<p>CANARY &amp; <br> &#x1F600; &#99999999;</p>",
    "<p class=\"quote-inline\">CANARY",
    "public",
    "direct",
    "",
    " ",
    "nl",
    "CANARY",
    "@CANARY@example.org",
];

const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\n",
    "\r\n",
    " ",
    "\\",
    "\\\"",
    "\"id\"",
    "\"text\"",
    "\"kind\"",
    "\"commit\"",
    "\"record\"",
    "\"uri\"",
    "\"CANARY\"",
    "CANARY",
    "1",
    "-1e999",
    "null",
    "true",
    "\"2026-10-01T00:00:00Z\"",
    "\u{feff}",
    "\u{1F600}",
    "\"\"",
    "\"a,b\"",
];

const CSV_COLUMNS: &[&str] = &[
    "id",
    "created_at",
    "text",
    "author_id",
    "lang",
    "source",
    "url",
    "reply_to_author_id",
    "CANARY",
];

const CSV_FIELDS: &[&str] = &[
    "",
    "CANARY",
    "\"CANARY, \"\"quoted\"\"\"",
    "\"multi\nline CANARY\"",
    "\"never closed CANARY",
    "2026-10-01T00:00:00Z",
    "1790812800",
    "\"",
    "x\"y CANARY",
    "\r",
    "   ",
    "CANARY source",
];

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(STRINGS).prop_map(|text| Value::String(text.to_string())),
        "[a-zA-Z0-9:/@. <>&;#-]{0,24}".prop_map(|text| Value::String(format!("{CANARY}{text}"))),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|pairs| Value::Object(object_from(pairs))),
        ]
    })
}

fn object_from(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect()
}

fn json_object() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(KEYS), json_value()), 0..12)
        .prop_map(|pairs| Value::Object(object_from(pairs)))
}

/// JSON-ish documents: JSON Lines, a JSON array, or pretty-printed values, of objects with the
/// field names the formats look for and values of any type.
fn json_document() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(json_object(), 0..10), 0..3u8).prop_map(|(objects, layout)| {
        let rendered: Vec<String> = objects
            .iter()
            .map(|object| match layout {
                2 => serde_json::to_string_pretty(object).unwrap_or_default(),
                _ => object.to_string(),
            })
            .collect();
        let document = match layout {
            1 => format!("[{}]", rendered.join(",\n")),
            _ => rendered.join("\n"),
        };
        document.into_bytes()
    })
}

/// Fragments of JSON glued together at random: unbalanced braces, stray quotes and escapes.
fn json_fragments() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80)
        .prop_map(|fragments| fragments.concat().into_bytes())
}

/// CSV-ish text: a shuffled header and rows of awkward fields.
fn csv_document() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::subsequence(CSV_COLUMNS, 0..=CSV_COLUMNS.len()).prop_shuffle(),
        prop::collection::vec(
            prop::collection::vec(prop::sample::select(CSV_FIELDS), 0..10),
            0..10,
        ),
        any::<bool>(),
    )
        .prop_map(|(header, rows, crlf)| {
            let line_end = if crlf { "\r\n" } else { "\n" };
            let mut document = header.join(",");
            for row in rows {
                document.push_str(line_end);
                document.push_str(&row.join(","));
            }
            document.into_bytes()
        })
}

fn read_all(input: &[u8], format: ImportFormat) -> Vec<Result<Record, ParseError>> {
    read_records(Cursor::new(input.to_vec()), format).collect()
}

/// The most items an input may yield: one per physical line, or for a JSON array in a platform
/// format one per element (at most commas + 1) plus one for a missing `]` or trailing content.
fn item_bound(input: &[u8], format: ImportFormat) -> usize {
    let line_count = input.iter().filter(|byte| **byte == b'\n').count() + 1;
    let content = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let first_content = content.iter().find(|byte| !byte.is_ascii_whitespace());
    let platform = matches!(format, ImportFormat::Mastodon | ImportFormat::Bluesky);
    if platform && first_content == Some(&b'[') {
        let comma_count = input.iter().filter(|byte| **byte == b',').count();
        return comma_count + 2;
    }
    line_count
}

fn check(input: &[u8]) -> Result<(), TestCaseError> {
    for format in ImportFormat::ALL {
        let items = read_all(input, format);
        let bound = item_bound(input, format);
        prop_assert!(
            items.len() <= bound,
            "{format}: {} items for a bound of {bound}",
            items.len()
        );
        for error in items.iter().filter_map(|item| item.as_ref().err()) {
            prop_assert!(
                error.line >= 1 && error.line as usize <= bound,
                "{format}: {error}"
            );
            prop_assert!(
                !error.reason.to_ascii_uppercase().contains(CANARY),
                "{format}: reason quotes the input: {}",
                error.reason
            );
            prop_assert!(!error.reason.is_empty());
        }
        for item in items.iter().filter_map(|item| item.as_ref().ok()) {
            if let Record::Post(post) = item {
                prop_assert!(!post.text.trim().is_empty());
                prop_assert!(post.text.len() <= peil_connectors::MAX_TEXT_BYTES);
                prop_assert!(!post.source_id.is_empty() && !post.author_id.is_empty());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&input)?;
    }

    #[test]
    fn arbitrary_text(input in "\\PC{0,400}") {
        check(input.as_bytes())?;
    }

    #[test]
    fn json_documents_with_wrong_types(input in json_document()) {
        check(&input)?;
    }

    #[test]
    fn glued_json_fragments(input in json_fragments()) {
        check(&input)?;
    }

    #[test]
    fn csv_documents(input in csv_document()) {
        check(&input)?;
    }
}

#[test]
fn huge_lines_and_deep_nesting_do_no_harm() {
    let mut input = vec![b'['; 3 * 1024 * 1024];
    input.extend_from_slice(b"\n{\"a\":");
    input.extend(std::iter::repeat_n(b'{', 100_000));
    input.push(b'\n');
    for format in ImportFormat::ALL {
        let items = read_all(&input, format);
        assert!(items.len() <= 3, "{format}: {}", items.len());
        assert!(items.iter().all(Result::is_err), "{format}");
    }
}
