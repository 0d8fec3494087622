//! Bluesky payloads: Jetstream v1 events, `com.atproto.repo.getRecord` responses, `PostView`s
//! (as in search results), and the items of feeds (`{"post": PostView, "reason": ...}`) and threads
//! (`{"thread": {"post": PostView}}`).
//!
//! * A Jetstream `commit` that creates or updates an `app.bsky.feed.post` is a post: the source id
//!   is `at://{did}/app.bsky.feed.post/{rkey}`, the author id the DID, the time `record.createdAt`
//!   (or `time_us` when that is missing or unreadable), the language the first of `record.langs`,
//!   and the replied-to author the DID in `record.reply.parent.uri`. Bluesky posts get no `url`.
//! * A `delete` of a post is a [`Record::Delete`].
//! * Everything else Jetstream sends (likes, reposts, follows, profiles, `identity` and `account`
//!   events, other collections) is skipped.
//! * The 2024 Jetstream wire format (`"type": "com"`) is refused with an error that says so, so an
//!   old dump is not silently read as nothing.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::fields::{
    finish_post, language_tag, lenient_object, lenient_string, required_object, required_string,
    timestamp_problem, JsonObject,
};
use crate::problem::Problem;
use crate::timestamp::{from_unix_microseconds, parse_timestamp_text};
use crate::{RawPost, Record, BLUESKY_SOURCE};

const POST_COLLECTION: &str = "app.bsky.feed.post";

/// Reads one Bluesky payload.
pub(crate) fn interpret(object: &JsonObject) -> Result<Record, Problem> {
    if object.contains_key("kind") {
        return jetstream_event(object);
    }
    if object.contains_key("type") && object.contains_key("did") {
        return Err(Problem::LegacyJetstream);
    }
    if let Some(thread) = object.get("thread") {
        return thread_item(thread);
    }
    if let Some(post_view) = lenient_object(object, "post") {
        if lenient_object(object, "reason").is_some() {
            return Ok(Record::Skip { reason: "repost" });
        }
        return post_view_record(post_view);
    }
    if object.contains_key("uri") && object.contains_key("value") {
        return get_record_response(object);
    }
    if object.contains_key("uri") && object.contains_key("record") {
        return post_view_record(object);
    }
    Err(Problem::UnknownBlueskyShape)
}

fn jetstream_event(event: &JsonObject) -> Result<Record, Problem> {
    let kind = required_string(event, "kind")?;
    match kind {
        "commit" => {}
        "identity" => {
            return Ok(Record::Skip {
                reason: "identity event",
            })
        }
        "account" => {
            return Ok(Record::Skip {
                reason: "account event",
            })
        }
        _ => {
            return Ok(Record::Skip {
                reason: "unknown event kind",
            })
        }
    }
    let commit = required_object(event, "commit")?;
    let collection = required_string(commit, "collection")?;
    if collection != POST_COLLECTION {
        return Ok(Record::Skip {
            reason: "not a post",
        });
    }
    let did = required_string(event, "did")?;
    if !is_did(did) {
        return Err(Problem::NotADid("did"));
    }
    let rkey = required_string(commit, "rkey")?;
    if !is_record_key(rkey) {
        return Err(Problem::EmptyField("commit.rkey"));
    }
    let source_id = format!("at://{did}/{POST_COLLECTION}/{rkey}");
    let operation = required_string(commit, "operation")?;
    match operation {
        "create" | "update" => {}
        "delete" => {
            return Ok(Record::Delete {
                source: BLUESKY_SOURCE.to_string(),
                source_id,
            })
        }
        _ => {
            return Ok(Record::Skip {
                reason: "unknown commit operation",
            })
        }
    }
    let record = required_object(commit, "record")?;
    let event_time = event
        .get("time_us")
        .and_then(Value::as_i64)
        .and_then(|microseconds| from_unix_microseconds(microseconds).ok());
    post_record(record, did, source_id, event_time)
}

fn thread_item(thread: &Value) -> Result<Record, Problem> {
    let Some(thread_object) = thread.as_object() else {
        return Err(Problem::WrongType {
            field: "thread",
            expected: "an object",
        });
    };
    match lenient_object(thread_object, "post") {
        Some(post_view) => post_view_record(post_view),
        // `#notFoundPost` and `#blockedPost` carry no post.
        None => Ok(Record::Skip {
            reason: "thread without a post",
        }),
    }
}

fn get_record_response(response: &JsonObject) -> Result<Record, Problem> {
    let uri = required_string(response, "uri")?;
    let parts = AtUri::parse(uri).ok_or(Problem::NotAnAtUri("uri"))?;
    if parts.collection != POST_COLLECTION {
        return Ok(Record::Skip {
            reason: "not a post",
        });
    }
    let record = required_object(response, "value")?;
    post_record(record, parts.authority, uri.to_string(), None)
}

fn post_view_record(post_view: &JsonObject) -> Result<Record, Problem> {
    let uri = required_string(post_view, "uri")?;
    let parts = AtUri::parse(uri).ok_or(Problem::NotAnAtUri("uri"))?;
    if parts.collection != POST_COLLECTION {
        return Ok(Record::Skip {
            reason: "not a post",
        });
    }
    let author_did = lenient_object(post_view, "author")
        .and_then(|author| lenient_string(author, "did"))
        .unwrap_or(parts.authority);
    let record = required_object(post_view, "record")?;
    post_record(record, author_did, uri.to_string(), None)
}

/// Maps an `app.bsky.feed.post` record.
fn post_record(
    record: &JsonObject,
    author_id: &str,
    source_id: String,
    fallback_time: Option<DateTime<Utc>>,
) -> Result<Record, Problem> {
    if lenient_string(record, "$type").is_some_and(|record_type| record_type != POST_COLLECTION) {
        return Ok(Record::Skip {
            reason: "not a post record",
        });
    }
    if author_id.trim().is_empty() {
        return Err(Problem::EmptyField("did"));
    }
    let text = required_string(record, "text")?;
    let created_at = match lenient_string(record, "createdAt").map(parse_timestamp_text) {
        Some(Ok(timestamp)) => timestamp,
        Some(Err(error)) => {
            fallback_time.ok_or_else(|| timestamp_problem(error, "record.createdAt"))?
        }
        None => fallback_time.ok_or(Problem::MissingField("record.createdAt"))?,
    };
    let first_language = record
        .get("langs")
        .and_then(Value::as_array)
        .and_then(|languages| languages.first())
        .and_then(Value::as_str);
    let reply_to_author_id = lenient_object(record, "reply")
        .and_then(|reply| lenient_object(reply, "parent"))
        .and_then(|parent| lenient_string(parent, "uri"))
        .and_then(AtUri::parse)
        .map(|parent| parent.authority.to_string());
    finish_post(RawPost {
        source: BLUESKY_SOURCE.to_string(),
        source_id,
        created_at,
        text: text.to_string(),
        author_id: author_id.to_string(),
        language: language_tag(first_language),
        url: None,
        reply_to_author_id,
        is_repost: false,
    })
}

fn is_did(text: &str) -> bool {
    text.strip_prefix("did:")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
}

fn is_record_key(text: &str) -> bool {
    !text.is_empty() && !text.contains(['/', ' '])
}

/// The parts of `at://authority/collection/rkey`.
struct AtUri<'uri> {
    authority: &'uri str,
    collection: &'uri str,
}

impl<'uri> AtUri<'uri> {
    fn parse(uri: &'uri str) -> Option<AtUri<'uri>> {
        let path = uri.strip_prefix("at://")?;
        let mut parts = path.split('/');
        let authority = parts.next().filter(|part| !part.is_empty())?;
        let collection = parts.next().filter(|part| !part.is_empty())?;
        parts.next().filter(|part| !part.is_empty())?;
        Some(AtUri {
            authority,
            collection,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_records, ImportFormat, ParseError};
    use std::io::Cursor;

    const CANARY: &str = "CANARY-b1e5";

    fn read_lines(lines: &[String]) -> Vec<Result<Record, ParseError>> {
        read_records(Cursor::new(lines.join("\n")), ImportFormat::Bluesky).collect()
    }

    fn jetstream_post(record: serde_json::Value) -> String {
        serde_json::json!({
            "did": "did:plc:abc",
            "time_us": 1_783_175_888_085_434_i64,
            "kind": "commit",
            "commit": {
                "rev": "3mpt", "operation": "create", "collection": "app.bsky.feed.post",
                "rkey": "3kxyz", "cid": "bafy", "record": record
            }
        })
        .to_string()
    }

    fn posts(items: &[Result<Record, ParseError>]) -> Vec<&RawPost> {
        items
            .iter()
            .filter_map(|item| match item {
                Ok(Record::Post(post)) => Some(post),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn maps_a_jetstream_post() {
        let items = read_lines(&[jetstream_post(serde_json::json!({
            "$type": "app.bsky.feed.post",
            "createdAt": "2026-07-04T14:38:07.112Z",
            "langs": ["nl", "en"],
            "reply": {
                "parent": {"cid": "x", "uri": "at://did:plc:parent/app.bsky.feed.post/1"},
                "root": {"cid": "y", "uri": "at://did:plc:root/app.bsky.feed.post/0"}
            },
            "text": "Wanneer komt de vuilniswagen?"
        }))]);
        let found = posts(&items);
        let mapped = found.first();
        assert_eq!(mapped.map(|post| post.source.as_str()), Some("bluesky"));
        assert_eq!(
            mapped.map(|post| post.source_id.as_str()),
            Some("at://did:plc:abc/app.bsky.feed.post/3kxyz")
        );
        assert_eq!(
            mapped.map(|post| post.author_id.as_str()),
            Some("did:plc:abc")
        );
        assert_eq!(mapped.and_then(|post| post.language.as_deref()), Some("nl"));
        assert_eq!(
            mapped.and_then(|post| post.reply_to_author_id.as_deref()),
            Some("did:plc:parent")
        );
        assert_eq!(mapped.map(|post| post.url.is_none()), Some(true));
        assert_eq!(
            mapped.map(|post| post.created_at.timestamp_millis()),
            Some(1_783_175_887_112)
        );
    }

    #[test]
    fn falls_back_to_the_event_time() {
        let items = read_lines(&[
            jetstream_post(serde_json::json!({"text": "zonder tijd"})),
            jetstream_post(serde_json::json!({"text": "rare tijd", "createdAt": CANARY})),
        ]);
        let found = posts(&items);
        assert_eq!(found.len(), 2);
        for post in found {
            assert_eq!(post.created_at.timestamp(), 1_783_175_888);
            assert!(post.language.is_none());
        }
    }

    #[test]
    fn deletes_and_other_events() {
        let delete = r#"{"did":"did:plc:abc","time_us":1,"kind":"commit","commit":{"rev":"r","operation":"delete","collection":"app.bsky.feed.post","rkey":"3k"}}"#;
        let like = r#"{"did":"did:plc:abc","time_us":1,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.like","rkey":"3k","record":{}}}"#;
        let identity = r#"{"did":"did:plc:abc","time_us":1,"kind":"identity","identity":{"did":"did:plc:abc","seq":1}}"#;
        let account =
            r#"{"did":"did:plc:abc","time_us":1,"kind":"account","account":{"active":true}}"#;
        let future = r#"{"did":"did:plc:abc","time_us":1,"kind":"sync"}"#;
        let foreign_type = jetstream_post(
            serde_json::json!({"$type": "app.bsky.feed.somethingElse", "text": "x", "createdAt": "2026-01-01T00:00:00Z"}),
        );
        let empty_text =
            jetstream_post(serde_json::json!({"text": "", "createdAt": "2026-01-01T00:00:00Z"}));
        let items = read_lines(&[
            delete.to_string(),
            like.to_string(),
            identity.to_string(),
            account.to_string(),
            future.to_string(),
            foreign_type,
            empty_text,
        ]);
        assert_eq!(
            items,
            vec![
                Ok(Record::Delete {
                    source: "bluesky".to_string(),
                    source_id: "at://did:plc:abc/app.bsky.feed.post/3k".to_string()
                }),
                Ok(Record::Skip {
                    reason: "not a post"
                }),
                Ok(Record::Skip {
                    reason: "identity event"
                }),
                Ok(Record::Skip {
                    reason: "account event"
                }),
                Ok(Record::Skip {
                    reason: "unknown event kind"
                }),
                Ok(Record::Skip {
                    reason: "not a post record"
                }),
                Ok(Record::Skip {
                    reason: "empty text"
                }),
            ]
        );
    }

    #[test]
    fn reads_get_record_responses_post_views_and_feed_items() {
        let get_record = serde_json::json!({
            "uri": "at://did:plc:kvw/app.bsky.feed.post/3k2y",
            "cid": "bafy",
            "value": {"text": "new text", "$type": "app.bsky.feed.post", "createdAt": "2024-02-22T19:58:13.903293+00:00"}
        });
        let post_view = serde_json::json!({
            "uri": "at://did:plc:kvw/app.bsky.feed.post/3kah",
            "author": {"did": "did:plc:author", "handle": "someone.example"},
            "record": {"text": "view", "createdAt": "2023-09-28T12:49:36.735Z", "langs": ["en"]}
        });
        let feed_item = serde_json::json!({"post": post_view.clone()});
        let repost_item = serde_json::json!({"post": post_view.clone(), "reason": {"$type": "app.bsky.feed.defs#reasonRepost"}});
        let thread = serde_json::json!({"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": post_view.clone()}});
        let missing_thread = serde_json::json!({"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x/y/z"}});
        let items = read_lines(&[
            get_record.to_string(),
            post_view.to_string(),
            feed_item.to_string(),
            repost_item.to_string(),
            thread.to_string(),
            missing_thread.to_string(),
        ]);
        let found = posts(&items);
        assert_eq!(found.len(), 4);
        assert_eq!(
            found
                .first()
                .map(|post| (post.author_id.as_str(), post.source_id.as_str())),
            Some(("did:plc:kvw", "at://did:plc:kvw/app.bsky.feed.post/3k2y"))
        );
        assert_eq!(
            found.get(1).map(|post| post.author_id.as_str()),
            Some("did:plc:author")
        );
        assert!(items.contains(&Ok(Record::Skip { reason: "repost" })));
        assert!(items.contains(&Ok(Record::Skip {
            reason: "thread without a post"
        })));
    }

    #[test]
    fn refuses_old_and_unknown_shapes_without_content() {
        let items = read_lines(&[
            format!(
                r#"{{"did":"did:plc:{CANARY}","time_us":1,"type":"com","commit":{{"type":"c"}}}}"#
            ),
            format!(r#"{{"hello":"{CANARY}"}}"#),
            format!(
                r#"{{"kind":"commit","did":"{CANARY}","commit":{{"operation":"create","collection":"app.bsky.feed.post","rkey":"1","record":{{"text":"x"}}}}}}"#
            ),
            format!(
                r#"{{"kind":"commit","did":"did:plc:a","commit":{{"operation":"create","collection":"app.bsky.feed.post","rkey":"1","record":{{"text":"{CANARY}"}}}}}}"#
            ),
            format!(r#"{{"uri":"{CANARY}","value":{{"text":"x"}}}}"#),
            format!(
                r#"{{"kind":"commit","did":"did:plc:a","commit":{{"operation":"create","collection":"app.bsky.feed.post","rkey":"1","record":"{CANARY}"}}}}"#
            ),
            format!(r#"{{"kind":7,"did":"{CANARY}"}}"#),
        ]);
        let reasons: Vec<(u64, String)> = items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .map(|error| (error.line, error.reason.clone()))
            .collect();
        let expected: Vec<(u64, String)> = vec![
            (1, Problem::LegacyJetstream.to_string()),
            (2, Problem::UnknownBlueskyShape.to_string()),
            (3, "field `did` is not a DID".to_string()),
            (4, "missing field `record.createdAt`".to_string()),
            (
                5,
                "field `uri` is not an at:// URI of the form at://authority/collection/rkey"
                    .to_string(),
            ),
            (6, "field `record` must be an object".to_string()),
            (7, "field `kind` must be a string".to_string()),
        ];
        assert_eq!(reasons, expected);
        for (_, reason) in &reasons {
            assert!(!reason.to_lowercase().contains("canary"), "{reason}");
        }
    }
}
