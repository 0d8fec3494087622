//! Detectors for the personal data the foundation redacts: e-mail addresses, URLs (profile URLs of
//! persons get their own placeholder), @handles (also `@user@instance` and bare Bluesky handles)
//! and phone numbers (Dutch and Belgian notations).
//!
//! Every detector yields byte spans; overlapping spans are resolved (the earliest, then the longest
//! wins) and each distinct value gets a numbered placeholder per kind, so `[HANDLE-1]` twice in one
//! post means the same account was mentioned twice.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)\b[a-z0-9][a-z0-9._%+-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,24}\b",
    )
});
static URL: LazyLock<Regex> =
    LazyLock::new(|| compile(r#"(?i)\b(?:https?://|www\.)[^\s<>"'\x{00A0}]+"#));
static HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"@([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?)(?:@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}))?",
    )
});
static BLUESKY_BARE_HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)\b[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]+)*\.bsky\.social\b")
});
static PHONE_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?:\+|\b00|\(|\b0)[0-9()][0-9 ().\-]{7,18}[0-9]\b"));

fn compile(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        Err(error) => panic!("built-in pattern does not compile: {error}"),
    }
}

/// Hosts whose URLs point at a person's account or at a post that names the account in its path.
const SOCIAL_HOSTS: [&str; 14] = [
    "x.com",
    "twitter.com",
    "facebook.com",
    "fb.com",
    "instagram.com",
    "tiktok.com",
    "linkedin.com",
    "youtube.com",
    "threads.net",
    "threads.com",
    "bsky.app",
    "reddit.com",
    "snapchat.com",
    "t.me",
];

/// How many values of each kind were redacted in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedactionCounts {
    pub by_kind: BTreeMap<PlaceholderKind, usize>,
}

impl RedactionCounts {
    pub fn total(&self) -> usize {
        self.by_kind.values().sum()
    }
}

/// The result of de-identifying one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub text: String,
    pub counts: RedactionCounts,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: PlaceholderKind,
}

/// Redacts personal data from text. Build once, use from many threads.
#[derive(Debug, Clone, Default)]
pub struct Deidentifier {
    /// Lower-cased handles without `@` of organisations' own accounts: these are kept.
    own_accounts: HashSet<String>,
}

impl Deidentifier {
    /// `own_accounts` are handles (with or without `@`) of organisations' own accounts, which are
    /// not personal data and stay visible so webcare can see what is addressed to them.
    pub fn new<'a>(own_accounts: impl IntoIterator<Item = &'a str>) -> Self {
        let own_accounts = own_accounts
            .into_iter()
            .map(|handle| handle.trim().trim_start_matches('@').to_lowercase())
            .filter(|handle| !handle.is_empty())
            .collect();
        Deidentifier { own_accounts }
    }

    /// Returns `text` with every detected piece of personal data replaced by a placeholder.
    pub fn redact(&self, text: &str) -> Redaction {
        let mut spans = Vec::new();
        detect_urls(text, &mut spans);
        detect_emails(text, &mut spans);
        self.detect_handles(text, &mut spans);
        detect_phone_numbers(text, &mut spans);
        render(text, spans)
    }

    fn detect_handles(&self, text: &str, spans: &mut Vec<Span>) {
        for captures in HANDLE.captures_iter(text) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            let preceded_by_word = text[..whole.start()]
                .chars()
                .next_back()
                .is_some_and(|previous| previous.is_alphanumeric() || previous == '_');
            if preceded_by_word {
                continue; // part of an e-mail address or a word, not a mention
            }
            let user = captures
                .get(1)
                .map(|name| name.as_str())
                .unwrap_or_default();
            let user_without_trailing_dot = user.trim_end_matches('.');
            if self
                .own_accounts
                .contains(&user_without_trailing_dot.to_lowercase())
            {
                continue;
            }
            let end = if captures.get(2).is_some() {
                whole.end()
            } else {
                whole.start() + 1 + user_without_trailing_dot.len()
            };
            spans.push(Span {
                start: whole.start(),
                end,
                kind: PlaceholderKind::Handle,
            });
        }
        for found in BLUESKY_BARE_HANDLE.find_iter(text) {
            if self.own_accounts.contains(&found.as_str().to_lowercase()) {
                continue;
            }
            spans.push(Span {
                start: found.start(),
                end: found.end(),
                kind: PlaceholderKind::Handle,
            });
        }
    }
}

fn detect_emails(text: &str, spans: &mut Vec<Span>) {
    for found in EMAIL.find_iter(text) {
        spans.push(Span {
            start: found.start(),
            end: found.end(),
            kind: PlaceholderKind::Email,
        });
    }
}

fn detect_urls(text: &str, spans: &mut Vec<Span>) {
    for found in URL.find_iter(text) {
        let trimmed = found
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"']);
        let kind = if is_profile_url(trimmed) {
            PlaceholderKind::ProfileUrl
        } else {
            PlaceholderKind::Url
        };
        spans.push(Span {
            start: found.start(),
            end: found.start() + trimmed.len(),
            kind,
        });
    }
}

/// Whether a URL points at a person's account (or a post whose path names it): social-network
/// hosts, and any host with a Mastodon-style `/@user` path.
fn is_profile_url(url: &str) -> bool {
    let lower = url.to_lowercase();
    let without_scheme = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let (host, path) = match without_scheme.find('/') {
        Some(slash) => (&without_scheme[..slash], &without_scheme[slash..]),
        None => (without_scheme, ""),
    };
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host = host.strip_prefix("m.").unwrap_or(host);
    if path.starts_with("/@") || path.starts_with("/users/") || path.starts_with("/u/") {
        return true;
    }
    let meaningful_path = path.trim_matches('/');
    SOCIAL_HOSTS
        .iter()
        .any(|social| host == *social || host.ends_with(&format!(".{social}")))
        && !meaningful_path.is_empty()
}

fn detect_phone_numbers(text: &str, spans: &mut Vec<Span>) {
    for found in PHONE_CANDIDATE.find_iter(text) {
        let candidate = found.as_str();
        if candidate.contains('\n') {
            continue;
        }
        let digits: String = candidate.chars().filter(char::is_ascii_digit).collect();
        let international = candidate.starts_with('+') || candidate.starts_with("00");
        let national_digits = if international {
            let without_prefix = digits.strip_prefix("00").unwrap_or(&digits);
            match without_prefix
                .strip_prefix("31")
                .or_else(|| without_prefix.strip_prefix("32"))
            {
                Some(rest) => rest.strip_prefix('0').unwrap_or(rest).len(),
                None => continue,
            }
        } else {
            if !digits.starts_with('0') || digits.starts_with("00") {
                continue;
            }
            digits.len() - 1
        };
        if !(8..=9).contains(&national_digits) {
            continue;
        }
        let looks_like_date_or_amount = candidate.matches('.').count() >= 2 && !international;
        if looks_like_date_or_amount {
            continue;
        }
        spans.push(Span {
            start: found.start(),
            end: found.end(),
            kind: PlaceholderKind::Phone,
        });
    }
}

/// Resolves overlaps and writes the placeholders.
fn render(text: &str, mut spans: Vec<Span>) -> Redaction {
    spans.sort_by(|left, right| {
        left.start
            .cmp(&right.start)
            .then((right.end - right.start).cmp(&(left.end - left.start)))
    });
    let mut output = String::with_capacity(text.len());
    let mut counts = RedactionCounts::default();
    let mut ordinals: BTreeMap<(PlaceholderKind, String), usize> = BTreeMap::new();
    let mut cursor = 0;
    for span in spans {
        if span.start < cursor || span.end <= span.start {
            continue;
        }
        output.push_str(&text[cursor..span.start]);
        let value = text[span.start..span.end].to_lowercase();
        let next_ordinal = ordinals
            .keys()
            .filter(|(kind, _)| *kind == span.kind)
            .count()
            + 1;
        let ordinal = *ordinals.entry((span.kind, value)).or_insert(next_ordinal);
        output.push_str(&span.kind.render(ordinal));
        *counts.by_kind.entry(span.kind).or_insert(0) += 1;
        cursor = span.end;
    }
    output.push_str(&text[cursor..]);
    Redaction {
        text: output,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str) -> String {
        Deidentifier::new(["gemeenteutrecht"]).redact(text).text
    }

    #[test]
    fn emails_are_redacted() {
        assert_eq!(
            redact("Mail jan.jansen+afval@voorbeeld.nl of info@x.org."),
            "Mail [EMAIL-1] of [EMAIL-2]."
        );
    }

    #[test]
    fn profile_urls_and_other_urls_get_their_own_placeholders() {
        assert_eq!(
            redact("zie https://x.com/janjansen en https://nos.nl/artikel/123-afval."),
            "zie [PROFIEL-1] en [URL-1]."
        );
        assert_eq!(
            redact("https://mastodon.social/@kees (toot) www.bsky.app/profile/a.b"),
            "[PROFIEL-1] (toot) [PROFIEL-2]"
        );
        assert_eq!(redact("https://x.com"), "[URL-1]");
    }

    #[test]
    fn handles_are_redacted_but_own_accounts_kept() {
        assert_eq!(
            redact("@piet_p en @kees@mastodon.social vragen @GemeenteUtrecht iets. @piet_p!"),
            "[HANDLE-1] en [HANDLE-2] vragen @GemeenteUtrecht iets. [HANDLE-1]!"
        );
        assert_eq!(redact("volg marieke.bsky.social"), "volg [HANDLE-1]");
    }

    #[test]
    fn dutch_phone_numbers_in_common_notations() {
        for number in [
            "06-12345678",
            "06 1234 5678",
            "+31 6 12345678",
            "0031612345678",
            "(010) 123 45 67",
            "020-1234567",
            "+32 470 12 34 56",
        ] {
            let redacted = redact(&format!("bel {number} nu"));
            assert_eq!(redacted, "bel [TELEFOON-1] nu", "{number}");
        }
    }

    #[test]
    fn numbers_that_are_not_phone_numbers_stay() {
        for text in [
            "in 2024 waren er 1500 klachten",
            "op 12-10-2026 om 14:00",
            "bedrag 1.250.000 euro",
            "postcode 3511 AB",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn counts_per_kind() {
        let redaction = Deidentifier::default().redact("a@b.nl @c 0612345678 https://nos.nl");
        assert_eq!(redaction.counts.total(), 4);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_removes_planted_emails(prefix in "\\PC{0,40}", suffix in "\\PC{0,40}") {
            let text = format!("{prefix} canary.person@example.org {suffix}");
            let redaction = Deidentifier::default().redact(&text);
            prop_assert!(!redaction.text.contains("canary.person@example.org"));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = Deidentifier::default().redact(&text);
        }
    }
}
