//! Social-media handles of persons: `@user` (X, Instagram, TikTok), the whole Mastodon
//! `@user@instance.tld`, Bluesky `@name.bsky.social` and bare `name.bsky.social`. An `@` that
//! means "at" (`verzamelen @ het Stadhuisplein`, `@10:00`) is not a handle, and accounts of
//! organisations on the allow-list (`@rivm`, `@gemeenteutrecht`, `@politie_zeist`) stay readable.

use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::scan::{char_before, compile, is_word_character};
use super::Detector;
use crate::{AllowList, Span};

/// A bare Bluesky handle such as `annakow.bsky.social`.
static BARE_BLUESKY_HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i-u)\b[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]+)*\.bsky\.social\b")
});

/// Searcher for the Bluesky domain, built once.
static BLUESKY_DOMAIN: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("bsky.social"));

/// Handles of persons, except organisations' accounts on the allow-list.
pub struct HandleDetector;

impl Detector for HandleDetector {
    fn name(&self) -> &'static str {
        "handle"
    }

    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        if memchr::memchr(b'@', bytes).is_some() {
            detect_mentions(text, allow, spans);
        }
        if BLUESKY_DOMAIN.find(bytes).is_some() {
            detect_bare_bluesky_handles(text, allow, spans);
        }
    }
}

/// Reads every `@` by hand (no regex over the whole text): the user name, and a Mastodon
/// instance after a second `@`.
fn detect_mentions(text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut covered_until = 0;
    for at_sign in memchr::memchr_iter(b'@', bytes) {
        if at_sign < covered_until {
            continue;
        }
        let preceded_by_address_character = char_before(text, at_sign).is_some_and(|previous| {
            is_word_character(previous) || matches!(previous, '/' | '@' | ']')
        });
        if preceded_by_address_character {
            continue; // part of an e-mail address, a URL, a word or a placeholder, not a mention
        }
        let Some(user_end) = user_name_end(bytes, at_sign + 1) else {
            continue;
        };
        let user = bytes.get(at_sign + 1..user_end).unwrap_or_default();
        if !is_account_name(user) {
            continue; // `@10:00`, `@10u`, `@2x`: a time or a count, not an account
        }
        let end = match bytes.get(user_end) {
            Some(b'@') => instance_end(bytes, user_end + 1).unwrap_or(user_end),
            _ => user_end,
        };
        covered_until = end;
        let handle = text.get(at_sign..end).unwrap_or_default();
        if allow.allows_handle(handle) {
            continue;
        }
        spans.push(Span::new(at_sign, end, PlaceholderKind::Handle));
    }
}

/// Whether a user name is an account and not a time or count: it has a letter, and is not just
/// digits followed by at most two letters (`10u`, `9am`, `2x`).
fn is_account_name(user: &[u8]) -> bool {
    if !user.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    let leading_digits = user.iter().take_while(|byte| byte.is_ascii_digit()).count();
    let rest = user.get(leading_digits..).unwrap_or_default();
    let time_or_count =
        leading_digits > 0 && rest.len() <= 2 && rest.iter().all(u8::is_ascii_alphabetic);
    !time_or_count
}

/// Where a user name starting at `start` ends: letters, digits, `_`, and `.`/`-` inside (not at
/// the end), at most 64 characters. `None` when there is no name.
fn user_name_end(bytes: &[u8], start: usize) -> Option<usize> {
    let first = bytes.get(start)?;
    if !(first.is_ascii_alphanumeric() || *first == b'_') {
        return None;
    }
    let mut end = start;
    let mut last_good = start;
    while let Some(byte) = bytes.get(end) {
        if end - start >= 64 {
            break;
        }
        if byte.is_ascii_alphanumeric() || *byte == b'_' {
            end += 1;
            last_good = end;
        } else if matches!(byte, b'.' | b'-') {
            end += 1;
        } else {
            break;
        }
    }
    Some(last_good)
}

/// Where a Mastodon instance (`mastodon.social`) starting at `start` ends: dot-separated labels
/// ending in an alphabetic top-level domain, followed by no letter or digit.
fn instance_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut position = start;
    let mut labels = 0;
    let mut end = None;
    loop {
        let label_start = position;
        while bytes
            .get(position)
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'-')
        {
            position += 1;
        }
        let label = bytes.get(label_start..position)?;
        if label.is_empty() || label.len() > 63 {
            break;
        }
        labels += 1;
        let last_label_alphabetic = label.iter().all(u8::is_ascii_alphabetic) && label.len() >= 2;
        if labels >= 2 && last_label_alphabetic {
            end = Some(position);
        }
        let next_is_label = bytes.get(position) == Some(&b'.')
            && bytes
                .get(position + 1)
                .is_some_and(u8::is_ascii_alphanumeric);
        if !next_is_label {
            break;
        }
        position += 1;
    }
    end
}

fn detect_bare_bluesky_handles(text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
    for found in BARE_BLUESKY_HANDLE.find_iter(text) {
        let preceded_by_address_character = char_before(text, found.start())
            .is_some_and(|previous| matches!(previous, '@' | '/' | '.' | '-'));
        if preceded_by_address_character {
            continue; // covered by the mention or profile-URL detector
        }
        if allow.allows_handle(found.as_str()) {
            continue;
        }
        spans.push(Span::new(
            found.start(),
            found.end(),
            PlaceholderKind::Handle,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        HandleDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn handles_of_persons() {
        assert_eq!(
            found("@jeroen_dekker82 @SanneM hebben jullie"),
            ["@jeroen_dekker82", "@SanneM"]
        );
        assert_eq!(
            found("@anouk@mastodon.social @koen@toot.community zie"),
            ["@anouk@mastodon.social", "@koen@toot.community"]
        );
        assert_eq!(
            found("Deze thread van @hannah-kuiper.bsky.social over"),
            ["@hannah-kuiper.bsky.social"]
        );
        assert_eq!(
            found("op Bluesky annakow.bsky.social!"),
            ["annakow.bsky.social"]
        );
        assert_eq!(
            found("Reactie op @wethouderKramer: mooi"),
            ["@wethouderKramer"]
        );
        assert_eq!(found("Ping @bram@mastodon.nl."), ["@bram@mastodon.nl"]);
        assert_eq!(found("DM @emily_greens to join!"), ["@emily_greens"]);
    }

    #[test]
    fn organisations_and_non_handles_stay() {
        for text in [
            "@politie_zeist hebben jullie",
            "dank @brandweer voor",
            "RT @NOS: Kabinet",
            "@provincieNH",
            "verzamelen @ het Stadhuisplein",
            "verzamelen @10:00 bij het station",
            "verzamelen @10u bij het station",
            "mail jan@example.org",
            "https://mastodon.social/@pietjanssen",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
