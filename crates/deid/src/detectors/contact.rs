//! Contact identifiers: e-mail addresses, profile URLs of persons (other URLs stay readable),
//! @handles (also `@user@instance` and bare Bluesky handles) and phone numbers (Dutch and Belgian
//! notations). Organisational accounts, functional mailboxes and service numbers are left alone.

use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::Detector;
use crate::{AllowList, Span};

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

/// Profile URLs of persons. News links and other URLs are not personal data and stay readable.
pub struct ProfileUrlDetector;
/// E-mail addresses, except functional mailboxes of organisations.
pub struct EmailDetector;
/// @handles and bare Bluesky handles, except organisations' accounts.
pub struct HandleDetector;
/// Dutch and Belgian phone numbers, except organisational service numbers.
pub struct PhoneDetector;

impl Detector for ProfileUrlDetector {
    fn name(&self) -> &'static str {
        "profile-url"
    }
    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        detect_urls(text, spans);
    }
}

impl Detector for EmailDetector {
    fn name(&self) -> &'static str {
        "email"
    }
    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
        for found in EMAIL.find_iter(text) {
            if allow.allows_email(found.as_str()) {
                continue;
            }
            spans.push(Span::new(
                found.start(),
                found.end(),
                PlaceholderKind::Email,
            ));
        }
    }
}

impl Detector for PhoneDetector {
    fn name(&self) -> &'static str {
        "phone"
    }
    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        detect_phone_numbers(text, spans);
    }
}

impl Detector for HandleDetector {
    fn name(&self) -> &'static str {
        "handle"
    }
    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
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
            let whole_handle = match captures.get(2) {
                Some(_) => whole.as_str(),
                None => user_without_trailing_dot,
            };
            if allow.allows_handle(whole_handle) {
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
            if allow.allows_handle(found.as_str()) {
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

fn detect_urls(text: &str, spans: &mut Vec<Span>) {
    for found in URL.find_iter(text) {
        let trimmed = found
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"']);
        if !is_profile_url(trimmed) {
            continue;
        }
        spans.push(Span::new(
            found.start(),
            found.start() + trimmed.len(),
            PlaceholderKind::Url,
        ));
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
        if AllowList::is_service_number(&digits) {
            continue;
        }
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

#[cfg(test)]
mod tests {
    use crate::Deidentifier;

    fn redact(text: &str) -> String {
        Deidentifier::new(["gemeenteutrecht"]).redact(text).text
    }

    #[test]
    fn emails_are_redacted() {
        assert_eq!(
            redact("Mail jan.jansen+afval@voorbeeld.nl of info@x.org."),
            "Mail [E-MAIL-1] of info@x.org."
        );
    }

    #[test]
    fn profile_urls_and_other_urls_get_their_own_placeholders() {
        assert_eq!(
            redact("zie https://x.com/janjansen en https://nos.nl/artikel/123-afval."),
            "zie [URL-1] en https://nos.nl/artikel/123-afval."
        );
        assert_eq!(
            redact("https://mastodon.social/@kees (toot) www.bsky.app/profile/a.b"),
            "[URL-1] (toot) [URL-2]"
        );
        assert_eq!(redact("https://x.com"), "https://x.com");
    }

    #[test]
    fn handles_are_redacted_but_own_accounts_kept() {
        assert_eq!(
            redact("@piet_p en @kees@mastodon.social vragen @GemeenteUtrecht iets. @piet_p!"),
            "[GEBRUIKER-1] en [GEBRUIKER-2] vragen @GemeenteUtrecht iets. [GEBRUIKER-1]!"
        );
        assert_eq!(redact("volg marieke.bsky.social"), "volg [GEBRUIKER-1]");
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
        let redaction =
            Deidentifier::default().redact("a@b.nl @c 0612345678 https://nos.nl 0800-0543 @rivm");
        assert_eq!(redaction.counts.total(), 3);
        assert_eq!(redaction.spans.len(), 3);
    }
}

#[cfg(test)]
mod properties {
    use crate::Deidentifier;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_removes_planted_emails(prefix in "\\PC{0,40}", suffix in "\\PC{0,40}") {
            let text = format!("{prefix} canary.person@example.org {suffix}");
            let redaction = Deidentifier::default().redact(&text);
            prop_assert!(!redaction.text.contains("canary.person@example.org"));
        }

        #[test]
        fn arbitrary_text_never_panics_and_redaction_is_idempotent(text in "\\PC{0,200}") {
            let engine = Deidentifier::default();
            let once = engine.redact(&text);
            let twice = engine.redact(&once.text);
            prop_assert_eq!(&once.text, &twice.text);
        }
    }
}
