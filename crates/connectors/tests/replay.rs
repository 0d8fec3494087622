//! Replays real, recorded Mastodon and Bluesky payloads from `../shared/fixtures` (see its
//! README.md). The fixtures are read in place at test time; they must not be copied into the
//! repository.
//!
//! When the folder is missing the tests print a notice and pass, except under `CI=true`, where a
//! missing folder fails them.

use std::collections::BTreeMap;
use std::error::Error;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use peil_connectors::{read_records, ImportFormat, ParseError, RawPost, Record};

type TestResult = Result<(), Box<dyn Error>>;

fn fixtures_folder() -> Option<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if folder.is_dir() {
        return Some(folder);
    }
    let on_ci = std::env::var("CI").is_ok_and(|value| value == "true");
    assert!(
        !on_ci,
        "the replay fixtures are missing: expected them at {} (the shared/fixtures folder next to the repository)",
        folder.display()
    );
    eprintln!(
        "notice: {} not found; skipping the replay test",
        folder.display()
    );
    None
}

/// What one input yielded, in order.
#[derive(Default)]
struct Replay {
    items: Vec<Result<Record, ParseError>>,
}

impl Replay {
    fn read(path: &Path, format: ImportFormat) -> Result<Replay, Box<dyn Error>> {
        let reader = BufReader::new(File::open(path)?);
        let items = read_records(reader, format).collect();
        Ok(Replay { items })
    }

    fn posts(&self) -> Vec<&RawPost> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Ok(Record::Post(post)) => Some(post),
                _ => None,
            })
            .collect()
    }

    fn deletes(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Ok(Record::Delete { source_id, .. }) => Some(source_id.as_str()),
                _ => None,
            })
            .collect()
    }

    fn skips(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for item in &self.items {
            if let Ok(Record::Skip { reason }) = item {
                *counts.entry(*reason).or_insert(0) += 1;
            }
        }
        counts
    }

    fn errors(&self) -> Vec<&ParseError> {
        self.items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .collect()
    }

    /// The item of a 1-based line, for inputs without blank lines (one item per line).
    fn at_line(&self, line: usize) -> Option<&Result<Record, ParseError>> {
        self.items.get(line.checked_sub(1)?)
    }

    fn post_at_line(&self, line: usize) -> Option<&RawPost> {
        match self.at_line(line) {
            Some(Ok(Record::Post(post))) => Some(post),
            _ => None,
        }
    }
}

/// No error reason may carry anything that looks like content of a payload.
fn assert_reasons_are_content_free(replay: &Replay) {
    for error in replay.errors() {
        for marker in ["did:", "http", "@", "at://", "localhost", "mastodonpy"] {
            assert!(
                !error.reason.contains(marker),
                "reason quotes input: {}",
                error.reason
            );
        }
    }
}

#[test]
fn jetstream_corpus_has_the_documented_mix() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let replay = Replay::read(
        &folder.join("bluesky/jetstream_v1_real/corpus_expected_v1.jsonl"),
        ImportFormat::Bluesky,
    )?;
    assert_eq!(replay.items.len(), 152);
    assert!(replay.errors().is_empty());
    // 17 post creates: 16 posts and one reply with an empty text (line 131), which is skipped.
    assert_eq!(replay.posts().len(), 16);
    assert!(matches!(
        replay.at_line(131),
        Some(Ok(Record::Skip {
            reason: "empty text"
        }))
    ));
    assert_eq!(
        replay.deletes(),
        vec!["at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p"]
    );
    assert!(matches!(
        replay.at_line(145),
        Some(Ok(Record::Delete { .. }))
    ));
    let skips = replay.skips();
    // 105 likes, 15 reposts, 6 follows, 1 block, 3 follow deletes and 2 updates of other records.
    assert_eq!(skips.get("not a post"), Some(&132));
    assert_eq!(skips.get("identity event"), Some(&1));
    assert_eq!(skips.get("account event"), Some(&1));
    assert_eq!(skips.get("empty text"), Some(&1));

    for post in replay.posts() {
        assert_eq!(post.source, "bluesky");
        assert!(post.source_id.starts_with("at://did:plc:"));
        assert!(post
            .source_id
            .starts_with(&format!("at://{}/app.bsky.feed.post/", post.author_id)));
        assert!(post.url.is_none());
        assert!(!post.text.trim().is_empty());
    }
    assert_eq!(
        replay
            .post_at_line(4)
            .and_then(|post| post.language.as_deref()),
        Some("ja")
    );
    assert_eq!(
        replay
            .post_at_line(26)
            .and_then(|post| post.reply_to_author_id.as_deref()),
        Some("did:plc:i5y2f3gtpjxs3qg6fwgb6jb4")
    );
    assert_eq!(
        replay
            .post_at_line(94)
            .and_then(|post| post.language.as_deref()),
        Some("en-US")
    );
    assert_eq!(
        replay
            .post_at_line(94)
            .map(|post| post.created_at.to_rfc3339()),
        Some("2026-07-04T14:38:02+00:00".to_string())
    );
    assert_eq!(
        replay.post_at_line(134).map(|post| post.language.is_none()),
        Some(true)
    );
    assert_eq!(
        replay
            .post_at_line(148)
            .and_then(|post| post.language.as_deref()),
        Some("es")
    );
    let replies = replay
        .posts()
        .iter()
        .filter(|post| post.reply_to_author_id.is_some())
        .count();
    assert!(replies >= 7, "{replies}");
    Ok(())
}

#[test]
fn jetstream_golden_lines_and_documentation_example() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let golden = Replay::read(
        &folder.join("bluesky/jetstream_v1_real/subscribe_golden_v1.jsonl"),
        ImportFormat::Bluesky,
    )?;
    assert_eq!(golden.items.len(), 10);
    assert!(golden.errors().is_empty());
    assert_eq!(golden.posts().len(), 1);
    assert_eq!(
        golden
            .post_at_line(2)
            .and_then(|post| post.reply_to_author_id.as_deref()),
        Some("did:plc:j76trmiofvaxxpvx2vnb2vwf")
    );
    assert_eq!(golden.skips().values().sum::<usize>(), 9);

    // Pretty-printed, with an extra `cursor` field: one like, skipped.
    let documented = Replay::read(
        &folder.join("bluesky/jetstream_v1_real/docs_v1_example_with_cursor.json"),
        ImportFormat::Bluesky,
    )?;
    assert_eq!(
        documented.items,
        vec![Ok(Record::Skip {
            reason: "not a post"
        })]
    );
    Ok(())
}

#[test]
fn legacy_jetstream_lines_are_refused_with_a_clear_reason() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let replay = Replay::read(
        &folder.join("bluesky/jetstream_legacy_2024/ericvolp12_readme_examples_old_format.jsonl"),
        ImportFormat::Bluesky,
    )?;
    let errors = replay.errors();
    assert_eq!(replay.items.len(), 4);
    assert_eq!(errors.len(), 4);
    for (index, error) in errors.iter().enumerate() {
        assert_eq!(error.line, index as u64 + 1);
        assert!(error.reason.contains("old Jetstream wire format"));
    }
    assert_reasons_are_content_free(&replay);
    Ok(())
}

#[test]
fn atproto_records_and_post_views() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let records = folder.join("bluesky/atproto_records");

    let plain = Replay::read(
        &records.join("marshalx_post_record.json"),
        ImportFormat::Bluesky,
    )?;
    let plain_posts = plain.posts();
    assert_eq!(plain.items.len(), 1);
    let mapped = plain_posts.first();
    assert_eq!(
        mapped.map(|post| post.author_id.as_str()),
        Some("did:plc:kvwvcn5iqfooopmyzvb4qzba")
    );
    assert_eq!(
        mapped.map(|post| post.source_id.as_str()),
        Some("at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3k2yihcrp6f2c")
    );
    // `+00:00` instead of `Z`.
    assert_eq!(
        mapped.map(|post| post.created_at.to_rfc3339()),
        Some("2024-02-22T19:58:13.903293+00:00".to_string())
    );
    assert_eq!(mapped.map(|post| post.language.is_none()), Some(true));

    // An unknown extra key and a `createdAt` without a time zone (read as UTC).
    let extended = Replay::read(
        &records.join("marshalx_extended_post_record.json"),
        ImportFormat::Bluesky,
    )?;
    let extended_posts = extended.posts();
    assert_eq!(extended.items.len(), 1);
    assert_eq!(
        extended_posts
            .first()
            .map(|post| post.created_at.to_rfc3339()),
        Some("2023-07-21T01:33:51.481951+00:00".to_string())
    );
    assert_eq!(
        extended_posts
            .first()
            .and_then(|post| post.language.as_deref()),
        Some("en")
    );

    // A record in the post collection with a foreign `$type`.
    let custom = Replay::read(
        &records.join("marshalx_custom_record.json"),
        ImportFormat::Bluesky,
    )?;
    assert_eq!(
        custom.items,
        vec![Ok(Record::Skip {
            reason: "not a post record"
        })]
    );

    // A getPostThread response whose post has only media and quotes another post: no text.
    let thread = Replay::read(
        &records.join("marshalx_thread_view_post_with_embed_media.json"),
        ImportFormat::Bluesky,
    )?;
    assert_eq!(
        thread.items,
        vec![Ok(Record::Skip {
            reason: "empty text"
        })]
    );
    Ok(())
}

#[test]
fn mastodon_timelines_are_json_arrays_of_statuses() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let cassettes = folder.join("mastodon/mastodonpy_cassettes");
    let expected_counts = [
        ("timelines_public.json", 8),
        ("timelines_public_anonymous.json", 8),
        ("timelines_public_local.json", 8),
        ("timelines_tag_hoot.json", 1),
        ("timelines_tag_min_id_empty.json", 0),
        ("timelines_tag_page1_limit10.json", 10),
        ("timelines_tag_page2_max_id.json", 10),
        ("timelines_tag_page3_max_id.json", 10),
        ("timelines_tag_page4_empty_end.json", 0),
    ];
    let mut total_posts = 0;
    for (file_name, expected) in expected_counts {
        let replay = Replay::read(&cassettes.join(file_name), ImportFormat::Mastodon)?;
        assert_eq!(replay.items.len(), expected, "{file_name}");
        assert_eq!(replay.posts().len(), expected, "{file_name}");
        for post in replay.posts() {
            assert_eq!(post.source, "mastodon");
            assert!(post
                .source_id
                .starts_with("http://localhost:3000/ap/users/"));
            assert!(post.author_id.starts_with("http://localhost:3000/@"));
            assert!(post.url.is_some());
            assert!(post.language.is_some());
            assert!(!post.text.contains('<') && !post.text.contains("&#39;"));
        }
        total_posts += replay.posts().len();
    }
    assert_eq!(total_posts, 55);

    let public = Replay::read(
        &cassettes.join("timelines_public.json"),
        ImportFormat::Mastodon,
    )?;
    assert!(public
        .posts()
        .iter()
        .any(|post| post.text == "you can't say that on television"));
    Ok(())
}

#[test]
fn mastodon_single_statuses() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let cassettes = folder.join("mastodon/mastodonpy_cassettes");

    let reblog = Replay::read(
        &cassettes.join("status_reblog.json"),
        ImportFormat::Mastodon,
    )?;
    // A boost is a repost by the booster, carrying the boosted text.
    let boosts = reblog.posts();
    assert_eq!(boosts.len(), 1);
    let boost = boosts.first();
    assert!(boost.is_some_and(|post| post.is_repost));
    assert_eq!(boost.map(|post| post.text.as_str()), Some("Toot!"));
    assert_eq!(
        boost.map(|post| post.author_id.as_str()),
        Some("http://localhost:3000/@mastodonpy_test")
    );

    let reply = Replay::read(
        &cassettes.join("status_reply_with_mention.json"),
        ImportFormat::Mastodon,
    )?;
    let reply_posts = reply.posts();
    let reply_post = reply_posts.first();
    assert_eq!(
        reply_post.map(|post| post.author_id.as_str()),
        Some("http://localhost:3000/@admin")
    );
    assert_eq!(
        reply_post.and_then(|post| post.reply_to_author_id.as_deref()),
        Some("http://localhost:3000/@mastodonpy_test_2")
    );
    assert_eq!(
        reply_post.map(|post| post.text.as_str()),
        Some("@mastodonpy_test_2 same!")
    );

    let quote = Replay::read(
        &cassettes.join("status_with_quote.json"),
        ImportFormat::Mastodon,
    )?;
    assert_eq!(
        quote.posts().first().map(|post| post.text.as_str()),
        Some("yoooooooo")
    );

    let card = Replay::read(
        &cassettes.join("status_with_card.json"),
        ImportFormat::Mastodon,
    )?;
    assert_eq!(
        card.posts().first().map(|post| post.text.as_str()),
        Some("http://example.org/")
    );

    for file_name in [
        "status_edited.json",
        "status_with_media.json",
        "status_with_poll.json",
    ] {
        let replay = Replay::read(&cassettes.join(file_name), ImportFormat::Mastodon)?;
        assert_eq!(replay.posts().len(), 1, "{file_name}");
    }

    // The edit history is a list of StatusEdit entities, which are not statuses (no uri, no id).
    let history = Replay::read(
        &cassettes.join("status_edit_history.json"),
        ImportFormat::Mastodon,
    )?;
    let reasons: Vec<&str> = history
        .errors()
        .iter()
        .map(|error| error.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        vec![
            "array element 1: missing field `uri`",
            "array element 2: missing field `uri`"
        ]
    );

    let not_found = Replay::read(
        &cassettes.join("account_lookup_404.json"),
        ImportFormat::Mastodon,
    )?;
    assert_eq!(not_found.errors().len(), 1);
    assert_reasons_are_content_free(&not_found);
    Ok(())
}

#[test]
fn mastodon_documentation_status_is_pretty_printed() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    let replay = Replay::read(
        &folder.join("mastodon/mastodon_docs_examples/entity_Status.json"),
        ImportFormat::Mastodon,
    )?;
    let posts = replay.posts();
    assert_eq!(replay.items.len(), 1);
    let mapped = posts.first();
    assert_eq!(
        mapped.map(|post| post.source_id.as_str()),
        Some("https://mastodon.social/users/Gargron/statuses/103270115826048975")
    );
    assert_eq!(
        mapped.map(|post| post.author_id.as_str()),
        Some("https://mastodon.social/@Gargron")
    );
    assert_eq!(mapped.and_then(|post| post.language.as_deref()), Some("en"));
    let text = mapped.map(|post| post.text.as_str()).unwrap_or_default();
    assert!(text.starts_with("\"I lost my inheritance with one wrong digit on my sort code\"\n\nhttps://www.theguardian.com/money/2019/dec/07/"));
    Ok(())
}

#[test]
fn streaming_dumps_are_not_a_supported_input_but_do_no_harm() -> TestResult {
    let Some(folder) = fixtures_folder() else {
        return Ok(());
    };
    for file_name in [
        "mastodon/mastodonpy_cassettes/streaming_user.sse.txt",
        "mastodon/mastodon_docs_examples/streaming_examples.sse.txt",
    ] {
        for format in ImportFormat::ALL {
            let replay = Replay::read(&folder.join(file_name), format)?;
            assert!(replay.posts().is_empty(), "{file_name} {format}");
            assert_reasons_are_content_free(&replay);
        }
    }
    Ok(())
}
