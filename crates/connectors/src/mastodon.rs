//! Mastodon `Status` entities as the REST API returns them (timelines, statuses, search).
//!
//! Mapping: `uri` (or `id`) is the source id; `content` HTML becomes plain text with a non-empty
//! `spoiler_text` (content warning) in front; `account.url` (or `account.acct`, or `account.id`) is
//! the author id; `language` and `url` are kept as given. `in_reply_to_account_id` is turned into
//! the same form as author ids where the status says who that account is (a mention, or the
//! author replying to themselves) and kept as the bare account id otherwise.
//!
//! A reblog (boost, `reblog` set) is a repost: a post with the text of the boosted status, the
//! booster as author, the boost's own `uri` as source id and time, and `is_repost` set (reports
//! show the share of reposts). Statuses whose `visibility` — of the boost or of the boosted
//! status — is `private`, `direct` or `limited` are skipped: Peil processes public posts only.

use crate::fields::{
    finish_post, language_tag, lenient_id, lenient_non_empty_string, lenient_string, optional_url,
    required_object, required_string, required_timestamp, JsonObject,
};
use crate::html::html_to_text;
use crate::problem::Problem;
use crate::{RawPost, Record, MASTODON_SOURCE};

/// Reads one Mastodon status.
pub(crate) fn interpret(status: &JsonObject) -> Result<Record, Problem> {
    if status.contains_key("error") && !status.contains_key("content") {
        return Err(Problem::MastodonApiError);
    }
    if !is_public(status) {
        return Ok(Record::Skip {
            reason: "not public",
        });
    }
    let reblogged = match status.get("reblog") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Object(boosted)) => Some(boosted),
        Some(_) => {
            return Err(Problem::WrongType {
                field: "reblog",
                expected: "an object",
            })
        }
    };
    if let Some(boosted) = reblogged {
        if !is_public(boosted) {
            return Ok(Record::Skip {
                reason: "not public",
            });
        }
    }
    // A boost carries the boosted status's text; the boost itself is the booster's act.
    let content_status = reblogged.unwrap_or(status);
    let source_id = match lenient_non_empty_string(status, "uri") {
        Some(uri) => uri.to_string(),
        None => lenient_id(status, "id").ok_or(Problem::MissingField("uri"))?,
    };
    let created_at = required_timestamp(status, "created_at")?;
    let content = required_string(content_status, "content")?;
    let account = required_object(status, "account")?;
    let author_id = account_reference(account).ok_or(Problem::MissingField("account.url"))?;
    let body = html_to_text(content);
    let text = match lenient_non_empty_string(content_status, "spoiler_text") {
        Some(warning) if !body.is_empty() => format!("{warning}\n\n{body}"),
        Some(warning) => warning.to_string(),
        None => body,
    };
    let reply_to_author_id = match reblogged {
        Some(_) => None,
        None => lenient_id(status, "in_reply_to_account_id")
            .map(|account_id| replied_account_reference(status, account, &account_id)),
    };
    finish_post(RawPost {
        source: MASTODON_SOURCE.to_string(),
        source_id,
        created_at,
        text,
        author_id,
        language: language_tag(lenient_string(content_status, "language")),
        url: optional_url(lenient_string(status, "url")),
        reply_to_author_id,
        is_repost: reblogged.is_some(),
    })
}

/// Whether a status is public (`public` or `unlisted`, or no visibility given).
fn is_public(status: &JsonObject) -> bool {
    !matches!(
        lenient_string(status, "visibility"),
        Some("private" | "direct" | "limited")
    )
}

/// The author id of an account (or mention): its profile URL, else its `acct`, else its id.
fn account_reference(account: &JsonObject) -> Option<String> {
    lenient_non_empty_string(account, "url")
        .or_else(|| lenient_non_empty_string(account, "acct"))
        .map(str::to_string)
        .or_else(|| lenient_id(account, "id"))
}

/// The replied-to account in the form of author ids, when the status says who it is.
fn replied_account_reference(status: &JsonObject, author: &JsonObject, account_id: &str) -> String {
    if lenient_id(author, "id").as_deref() == Some(account_id) {
        if let Some(reference) = account_reference(author) {
            return reference;
        }
    }
    let mentioned = status
        .get("mentions")
        .and_then(|mentions| mentions.as_array())
        .into_iter()
        .flatten()
        .filter_map(|mention| mention.as_object())
        .find(|mention| lenient_id(mention, "id").as_deref() == Some(account_id))
        .and_then(account_reference);
    mentioned.unwrap_or_else(|| account_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_records, ImportFormat, ParseError};
    use std::io::Cursor;

    const CANARY: &str = "CANARY-0c77";

    fn status_json(overrides: &[(&str, serde_json::Value)]) -> String {
        let mut status = serde_json::json!({
            "id": "103270115826048975",
            "created_at": "2019-12-08T03:48:33.901Z",
            "in_reply_to_id": null,
            "in_reply_to_account_id": null,
            "spoiler_text": "",
            "visibility": "public",
            "language": "nl",
            "uri": "https://social.example/users/anna/statuses/1",
            "url": "https://social.example/@anna/1",
            "content": "<p>De &quot;bus&quot; rijdt niet<br>weer niet</p><p>Balen</p>",
            "reblog": null,
            "account": {"id": "1", "acct": "anna", "url": "https://social.example/@anna"},
            "mentions": []
        });
        for (key, value) in overrides {
            if let Some(object) = status.as_object_mut() {
                object.insert((*key).to_string(), value.clone());
            }
        }
        status.to_string()
    }

    fn read_lines(lines: &[String]) -> Vec<Result<Record, ParseError>> {
        read_records(Cursor::new(lines.join("\n")), ImportFormat::Mastodon).collect()
    }

    fn first_post(items: &[Result<Record, ParseError>]) -> Option<&RawPost> {
        items.iter().find_map(|item| match item {
            Ok(Record::Post(post)) => Some(post),
            _ => None,
        })
    }

    #[test]
    fn maps_a_status() {
        let items = read_lines(&[status_json(&[])]);
        let mapped = first_post(&items);
        assert_eq!(mapped.map(|post| post.source.as_str()), Some("mastodon"));
        assert_eq!(
            mapped.map(|post| post.source_id.as_str()),
            Some("https://social.example/users/anna/statuses/1")
        );
        assert_eq!(
            mapped.map(|post| post.text.as_str()),
            Some("De \"bus\" rijdt niet\nweer niet\n\nBalen")
        );
        assert_eq!(
            mapped.map(|post| post.author_id.as_str()),
            Some("https://social.example/@anna")
        );
        assert_eq!(mapped.and_then(|post| post.language.as_deref()), Some("nl"));
        assert_eq!(
            mapped.and_then(|post| post.url.as_deref()),
            Some("https://social.example/@anna/1")
        );
        assert_eq!(
            mapped.map(|post| post.reply_to_author_id.is_none()),
            Some(true)
        );
    }

    #[test]
    fn falls_back_for_ids_and_prepends_content_warnings() {
        let items = read_lines(&[status_json(&[
            ("uri", serde_json::Value::Null),
            ("id", serde_json::json!(42)),
            (
                "account",
                serde_json::json!({"id": 9, "acct": "bob@elders.example"}),
            ),
            ("spoiler_text", serde_json::json!("Politiek")),
            ("language", serde_json::Value::Null),
        ])]);
        let mapped = first_post(&items);
        assert_eq!(mapped.map(|post| post.source_id.as_str()), Some("42"));
        assert_eq!(
            mapped.map(|post| post.author_id.as_str()),
            Some("bob@elders.example")
        );
        assert_eq!(
            mapped.map(|post| post.text.as_str()),
            Some("Politiek\n\nDe \"bus\" rijdt niet\nweer niet\n\nBalen")
        );
        assert_eq!(mapped.map(|post| post.language.is_none()), Some(true));
        let only_id = read_lines(&[status_json(&[("account", serde_json::json!({"id": "77"}))])]);
        assert_eq!(
            first_post(&only_id).map(|post| post.author_id.as_str()),
            Some("77")
        );
    }

    #[test]
    fn replies_name_the_replied_account_like_authors() {
        let mention = serde_json::json!([{"id": "5", "acct": "carla", "url": "https://social.example/@carla"}]);
        let items = read_lines(&[
            status_json(&[
                ("in_reply_to_account_id", serde_json::json!("5")),
                ("mentions", mention),
            ]),
            status_json(&[("in_reply_to_account_id", serde_json::json!("1"))]),
            status_json(&[("in_reply_to_account_id", serde_json::json!("99"))]),
        ]);
        let replies: Vec<Option<&str>> = items
            .iter()
            .map(|item| match item {
                Ok(Record::Post(post)) => post.reply_to_author_id.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(
            replies,
            vec![
                Some("https://social.example/@carla"),
                Some("https://social.example/@anna"),
                Some("99")
            ]
        );
    }

    #[test]
    fn skips_non_public_and_empty_statuses() {
        let private_boosted: serde_json::Value = serde_json::from_str(&status_json(&[(
            "visibility",
            serde_json::json!("private"),
        )]))
        .unwrap_or_default();
        let items = read_lines(&[
            status_json(&[("reblog", private_boosted)]),
            status_json(&[("visibility", serde_json::json!("direct"))]),
            status_json(&[("content", serde_json::json!("<p></p>"))]),
        ]);
        assert_eq!(
            items,
            vec![
                Ok(Record::Skip {
                    reason: "not public"
                }),
                Ok(Record::Skip {
                    reason: "not public"
                }),
                Ok(Record::Skip {
                    reason: "empty text"
                }),
            ]
        );
    }

    #[test]
    fn a_boost_is_a_repost_by_the_booster_with_the_boosted_text() {
        let boosted: serde_json::Value = serde_json::from_str(&status_json(&[
            ("content", serde_json::json!("<p>Het park is weer open</p>")),
            ("language", serde_json::json!("nl")),
            (
                "account",
                serde_json::json!({"id": "7", "url": "https://other.example/@bert"}),
            ),
        ]))
        .unwrap_or_default();
        let items = read_lines(&[status_json(&[
            ("reblog", boosted),
            (
                "uri",
                serde_json::json!("https://social.example/users/anna/statuses/9/activity"),
            ),
            ("content", serde_json::json!("")),
            ("language", serde_json::Value::Null),
        ])]);
        let Some(Ok(Record::Post(post))) = items.first() else {
            panic!("a boost must be read as a post: {items:?}");
        };
        assert!(post.is_repost);
        assert_eq!(post.text, "Het park is weer open");
        assert_eq!(post.author_id, "https://social.example/@anna");
        assert_eq!(
            post.source_id,
            "https://social.example/users/anna/statuses/9/activity"
        );
        assert_eq!(post.language.as_deref(), Some("nl"));
        assert_eq!(post.reply_to_author_id, None);
        let originals = read_lines(&[status_json(&[])]);
        assert!(matches!(originals.first(), Some(Ok(Record::Post(post))) if !post.is_repost));
    }

    #[test]
    fn bad_statuses_give_content_free_reasons() {
        let canary = serde_json::json!(CANARY);
        let items = read_lines(&[
            status_json(&[("created_at", canary.clone())]),
            status_json(&[("content", serde_json::json!([CANARY]))]),
            status_json(&[("account", canary.clone())]),
            status_json(&[("account", serde_json::json!({"note": CANARY}))]),
            status_json(&[
                ("uri", serde_json::json!(5)),
                ("id", serde_json::Value::Null),
            ]),
            format!("{{\"error\": \"{CANARY}\"}}"),
            format!("{{\"content\": \"{CANARY}\" oops}}"),
        ]);
        let reasons: Vec<(u64, String)> = items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .map(|error| (error.line, error.reason.clone()))
            .collect();
        assert_eq!(reasons.len(), 7);
        assert_eq!(
            reasons.first().map(|(line, _)| *line),
            Some(1),
            "{reasons:?}"
        );
        assert_eq!(
            reasons.get(2),
            Some(&(3, "field `account` must be an object".to_string()))
        );
        assert_eq!(
            reasons.get(3),
            Some(&(4, "missing field `account.url`".to_string()))
        );
        assert_eq!(
            reasons.get(4),
            Some(&(5, "missing field `uri`".to_string()))
        );
        assert_eq!(
            reasons.get(5),
            Some(&(
                6,
                "an API error object (field `error`), not a status".to_string()
            ))
        );
        for (_, reason) in &reasons {
            assert!(!reason.to_lowercase().contains("canary"), "{reason}");
        }
    }

    #[test]
    fn reads_a_json_array_of_statuses() {
        let input = format!(
            "[{},\n{},\n{{\"id\": 1}}]",
            status_json(&[]),
            status_json(&[("visibility", serde_json::json!("direct"))])
        );
        let items: Vec<_> = read_records(Cursor::new(input), ImportFormat::Mastodon).collect();
        assert_eq!(items.len(), 3);
        assert!(matches!(items.first(), Some(Ok(Record::Post(_)))));
        assert_eq!(
            items.get(1),
            Some(&Ok(Record::Skip {
                reason: "not public"
            }))
        );
        assert_eq!(
            items
                .get(2)
                .and_then(|item| item.as_ref().err())
                .map(|error| (error.line, error.reason.as_str())),
            Some((3, "array element 3: missing field `created_at`"))
        );
    }
}
