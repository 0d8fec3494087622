//! Profile URLs of persons, with or without a scheme: `x.com/…`, `twitter.com/…`,
//! `facebook.com/…`, `instagram.com/…`, `tiktok.com/@…`, `linkedin.com/in/…`, YouTube `@…`, `/c/…`
//! and `/user/…`, Threads `@…`, `bsky.app/profile/…`, Reddit `u/…`, Telegram, Twitch, Pinterest,
//! and Mastodon-style `https://instance/@user` on any host. Links to a post whose path names the
//! account (`x.com/jan/status/1`) identify the person too. News, government and other URLs (and
//! profile URLs of accounts on the allow-list) stay readable.

use peil_model::PlaceholderKind;

use super::scan::char_before;
use super::Detector;
use crate::{AllowList, Span};

/// Profile URLs of persons. Other URLs are not personal data and stay readable.
pub struct ProfileUrlDetector;

impl Detector for ProfileUrlDetector {
    fn name(&self) -> &'static str {
        "profile-url"
    }

    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        let mut covered_until = 0;
        for slash in memchr::memchr_iter(b'/', bytes) {
            if slash < covered_until {
                continue;
            }
            let start = url_start(bytes, slash);
            let end = url_end(text, start);
            covered_until = end.max(slash + 1);
            let preceded_by_address_character = char_before(text, start)
                .is_some_and(|previous| matches!(previous, '@' | '.' | '-' | '_'));
            if preceded_by_address_character || start == slash {
                continue; // the domain of an e-mail address, or a lone slash
            }
            let url = trim_url(text.get(start..end).unwrap_or_default());
            let Some(account) = profile_account(url) else {
                continue;
            };
            if !account.is_empty() && allow.allows_handle(account) {
                continue;
            }
            spans.push(Span::new(start, start + url.len(), PlaceholderKind::Url));
        }
    }
}

/// Where the URL around the slash at `slash` starts: walking back over scheme and host
/// characters (`https://`, letters, digits, `.`, `-`, `:`, `/`).
fn url_start(bytes: &[u8], slash: usize) -> usize {
    let mut start = slash;
    while start > 0 {
        let Some(previous) = bytes.get(start - 1) else {
            break;
        };
        let host_character =
            previous.is_ascii_alphanumeric() || matches!(previous, b'.' | b'-' | b':' | b'/');
        if !host_character {
            break;
        }
        start -= 1;
    }
    start
}

/// Where the URL that starts at `start` ends: at white space, quotes, angle brackets, a
/// no-break space or an ellipsis.
fn url_end(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    let length = rest
        .char_indices()
        .find(|(_, character)| {
            character.is_whitespace()
                || matches!(
                    character,
                    '<' | '>' | '"' | '\'' | '`' | '\u{2026}' | '\u{00A0}'
                )
        })
        .map_or(rest.len(), |(index, _)| index);
    start + length
}

/// Drops sentence punctuation and an unbalanced closing bracket from the end of a URL.
fn trim_url(url: &str) -> &str {
    let mut trimmed = url;
    loop {
        let before = trimmed;
        trimmed = trimmed.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', '*']);
        for (open, close) in [('(', ')'), ('[', ']'), ('{', '}')] {
            if !trimmed.contains(open) {
                trimmed = trimmed.strip_suffix(close).unwrap_or(trimmed);
            }
        }
        if trimmed.len() == before.len() {
            return trimmed;
        }
    }
}

/// Whether `host` is `domain` or a subdomain of it, ignoring ASCII case.
fn host_is(host: &str, domain: &str) -> bool {
    if host.eq_ignore_ascii_case(domain) {
        return true;
    }
    let Some(dot_position) = host.len().checked_sub(domain.len() + 1) else {
        return false;
    };
    host.get(dot_position..dot_position + 1) == Some(".")
        && host
            .get(dot_position + 1..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(domain))
}

/// Whether `segment` is one of `words`, ignoring ASCII case.
fn is_one_of(segment: &str, words: &[&str]) -> bool {
    words.iter().any(|word| segment.eq_ignore_ascii_case(word))
}

/// Path segments of X/Twitter that are pages of the site, not accounts.
const X_RESERVED: &[&str] = &[
    "home",
    "search",
    "hashtag",
    "i",
    "intent",
    "share",
    "explore",
    "settings",
    "messages",
    "notifications",
    "login",
    "logout",
    "signup",
    "tos",
    "privacy",
    "compose",
    "who_to_follow",
    "account",
    "about",
    "download",
    "jobs",
    "topics",
    "lists",
    "search-advanced",
];

/// Path segments of Facebook that are not a person's page.
const FACEBOOK_RESERVED: &[&str] = &[
    "events",
    "groups",
    "pages",
    "watch",
    "hashtag",
    "sharer",
    "sharer.php",
    "share",
    "share.php",
    "photo.php",
    "photo",
    "story.php",
    "permalink.php",
    "login",
    "login.php",
    "help",
    "policies",
    "policy.php",
    "privacy",
    "marketplace",
    "gaming",
    "business",
    "ads",
    "legal",
    "reel",
    "videos",
    "live",
    "fundraisers",
    "dialog",
    "plugins",
    "tr",
    "l.php",
    "media",
    "notes",
    "places",
    "search",
];

/// Path segments of Instagram that are not an account.
const INSTAGRAM_RESERVED: &[&str] = &[
    "p",
    "reel",
    "reels",
    "tv",
    "explore",
    "accounts",
    "direct",
    "about",
    "legal",
    "developer",
    "web",
    "challenge",
];

/// Returns the account a profile URL points at (empty when the URL identifies a person without
/// naming an account, e.g. `facebook.com/profile.php?id=…`), or `None` for other URLs.
fn profile_account(url: &str) -> Option<&str> {
    let without_scheme = strip_scheme(url);
    let host_end = without_scheme
        .find(['/', '?', '#'])
        .unwrap_or(without_scheme.len());
    let host = without_scheme.get(..host_end)?;
    let host = host.split(':').next().unwrap_or(host);
    let is_domain = host.contains('.')
        && host.rsplit('.').next().is_some_and(|top_level| {
            top_level.len() >= 2 && top_level.bytes().all(|byte| byte.is_ascii_alphabetic())
        });
    if !is_domain {
        return None;
    }
    let path = without_scheme.get(host_end..).unwrap_or_default();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.split('/').filter(|segment| !segment.is_empty());
    let first = segments.next()?;
    let second = segments.next().unwrap_or_default();

    if let Some(account) = first.strip_prefix('@') {
        // Mastodon, Threads, TikTok, YouTube, Medium and every other `/@user` path.
        return non_empty(account);
    }
    if host_is(host, "x.com") || host_is(host, "twitter.com") {
        if is_one_of(first, X_RESERVED) {
            return None;
        }
        return non_empty(first);
    }
    if host_is(host, "facebook.com") || host_is(host, "fb.com") || host_is(host, "fb.me") {
        if first.eq_ignore_ascii_case("profile.php") {
            return Some("");
        }
        if is_one_of(first, &["people", "stories"]) {
            return non_empty(second);
        }
        if is_one_of(first, FACEBOOK_RESERVED) {
            return None;
        }
        return non_empty(first);
    }
    if host_is(host, "instagram.com") {
        if first.eq_ignore_ascii_case("stories") {
            return non_empty(second);
        }
        if is_one_of(first, INSTAGRAM_RESERVED) {
            return None;
        }
        return non_empty(first);
    }
    if host_is(host, "linkedin.com") {
        if is_one_of(first, &["in", "pub"]) {
            return non_empty(second);
        }
        if first.eq_ignore_ascii_case("posts") {
            return non_empty(second.split('_').next().unwrap_or_default());
        }
        return None;
    }
    if host_is(host, "youtube.com") {
        if is_one_of(first, &["c", "user", "channel"]) {
            return non_empty(second);
        }
        return None;
    }
    if host_is(host, "bsky.app") {
        if first.eq_ignore_ascii_case("profile") {
            return non_empty(second);
        }
        return None;
    }
    if host_is(host, "reddit.com") {
        if is_one_of(first, &["user", "u"]) {
            return non_empty(second);
        }
        return None;
    }
    if host_is(host, "snapchat.com") {
        if is_one_of(first, &["add", "@"]) {
            return non_empty(second);
        }
        return None;
    }
    if host.eq_ignore_ascii_case("t.me") || host_is(host, "telegram.me") {
        if is_one_of(first, &["s", "joinchat", "share", "addstickers", "c", "+"]) {
            return None;
        }
        return non_empty(first);
    }
    if host_is(host, "twitch.tv") {
        if is_one_of(first, &["directory", "videos", "p", "search"]) {
            return None;
        }
        return non_empty(first);
    }
    if host_is(host, "pinterest.com") || host_is(host, "pinterest.nl") {
        if is_one_of(first, &["pin", "search", "ideas", "today", "categories"]) {
            return None;
        }
        return non_empty(first);
    }
    if first.eq_ignore_ascii_case("users") {
        // Mastodon's canonical account URL: https://instance/users/name
        return non_empty(second);
    }
    None
}

fn strip_scheme(url: &str) -> &str {
    for scheme in ["https://", "http://"] {
        let has_scheme = url
            .get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme));
        if has_scheme {
            return url.get(scheme.len()..).unwrap_or_default();
        }
    }
    url
}

fn non_empty(account: &str) -> Option<&str> {
    if account.is_empty() {
        None
    } else {
        Some(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        ProfileUrlDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn profile_urls_of_every_network() {
        for url in [
            "https://www.linkedin.com/in/marco-peters-0a1b2c3/",
            "https://mastodon.social/@pietjanssen",
            "https://www.tiktok.com/@sven.ontwerpt",
            "https://www.facebook.com/jeroen.degraaf.7",
            "instagram.com/lisa.dijkman_",
            "https://x.com/rutgervdijk",
            "twitter.com/henkie_1960/status/12345",
            "https://bsky.app/profile/merel-prins.bsky.social",
            "www.youtube.com/@vloggerjan",
            "https://youtube.com/c/kanaalvanpiet",
            "https://www.threads.net/@lisa",
            "https://m.facebook.com/profile.php?id=1000123",
            "http://reddit.com/u/someone",
            "https://t.me/janjansen",
            "mastodon.nl/@bram",
            "https://nl.linkedin.com/in/jan-jansen",
        ] {
            let text = format!("zie {url}, echt");
            assert_eq!(found(&text), [url], "{url}");
        }
    }

    #[test]
    fn other_urls_stay_readable() {
        for text in [
            "https://nos.nl/artikel/2501234-kabinet-wil-bevoegdheden",
            "https://www.amersfoort.nl/nieuws/inspraakavond-verplaatst",
            "https://t.co/zARCpeS1pG",
            "bit.ly/pakket-nl",
            "https://x.com",
            "https://x.com/search?q=afval",
            "https://x.com/rivm/status/123",
            "https://www.facebook.com/groups/buurtapp",
            "https://www.instagram.com/p/Cx1y2z/",
            "https://www.youtube.com/watch?v=abc",
            "https://www.linkedin.com/company/gemeente-utrecht",
            "mail jan@x.com/abc",
            "en/of",
            "op 12/08/2006",
            "met/@jan",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn trailing_punctuation_and_brackets_are_not_part_of_the_url() {
        assert_eq!(found("(https://x.com/jan)."), ["https://x.com/jan"]);
        assert_eq!(found("https://x.com/jan…"), ["https://x.com/jan"]);
    }
}
