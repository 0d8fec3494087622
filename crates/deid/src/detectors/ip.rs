//! IP addresses: IPv4 in dotted-decimal (`84.241.17.203`) and IPv6 in any of its textual forms
//! (`2001:db8::1`, `fe80::1ff:fe23:4567:890a`, `::ffff:192.0.2.1`). Candidates are validated by
//! `std::net` parsing. Version numbers (`versie 1.2.3.4`, `v10.0.0.1`), longer dotted numbers
//! and times (`12:30:45`) are not addresses.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::scan::{char_after, char_before, compile, last_word, window_before};
use super::Detector;
use crate::{AllowList, Span};

static IPV4_CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?-u)\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b"));

static IPV6_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i-u)(?:[0-9a-f]{1,4}:|:)(?:[0-9a-f]{0,4}:){1,7}(?:[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[0-9a-f]{1,4})?",
    )
});

/// Words right before a dotted number that make it a version, not an address.
const VERSION_CUES: &[&str] = &[
    "versie", "version", "v", "ver", "release", "build", "update", "ios", "android",
];

/// IPv4 and IPv6 addresses.
pub struct IpDetector;

impl Detector for IpDetector {
    fn name(&self) -> &'static str {
        "ip"
    }

    fn detect(&self, text: &str, _allow: &AllowList, spans: &mut Vec<Span>) {
        let bytes = text.as_bytes();
        if has_three_dotted_digits(bytes) {
            detect_ipv4(text, spans);
        }
        if has_two_colons_close(bytes) {
            detect_ipv6(text, spans);
        }
    }
}

fn detect_ipv4(text: &str, spans: &mut Vec<Span>) {
    for found in IPV4_CANDIDATE.find_iter(text) {
        let part_of_longer = char_before(text, found.start())
            .is_some_and(|previous| matches!(previous, '.' | ':') || previous.is_alphanumeric())
            || text.get(found.end()..).is_some_and(|rest| {
                rest.starts_with('.') && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
            });
        if part_of_longer {
            continue;
        }
        if found.as_str().parse::<Ipv4Addr>().is_err() {
            continue;
        }
        let word_before = last_word(window_before(text, found.start(), 16));
        let is_version = VERSION_CUES
            .iter()
            .any(|cue| word_before.eq_ignore_ascii_case(cue));
        if is_version {
            continue;
        }
        spans.push(Span::new(found.start(), found.end(), PlaceholderKind::Ip));
    }
}

/// Cheap prefilter: at least three `digit.digit` places (every dotted quad has them).
fn has_three_dotted_digits(bytes: &[u8]) -> bool {
    let places = memchr::memchr_iter(b'.', bytes)
        .filter(|dot| {
            *dot > 0
                && bytes.get(dot - 1).is_some_and(u8::is_ascii_digit)
                && bytes.get(dot + 1).is_some_and(u8::is_ascii_digit)
        })
        .take(3)
        .count();
    places >= 3
}

/// Cheap prefilter: two colons at most five bytes apart (every IPv6 text form has that).
fn has_two_colons_close(bytes: &[u8]) -> bool {
    let mut last_colon: Option<usize> = None;
    for colon in memchr::memchr_iter(b':', bytes) {
        if last_colon.is_some_and(|previous| colon - previous <= 5) {
            return true;
        }
        last_colon = Some(colon);
    }
    false
}

fn detect_ipv6(text: &str, spans: &mut Vec<Span>) {
    for found in IPV6_CANDIDATE.find_iter(text) {
        let glued = char_before(text, found.start())
            .is_some_and(|previous| previous.is_ascii_hexdigit() || previous == ':')
            || char_after(text, found.end()).is_some_and(|next| next.is_ascii_alphanumeric());
        if glued {
            continue;
        }
        let candidate = found.as_str();
        let colons = candidate.bytes().filter(|byte| *byte == b':').count();
        let hex_digits = candidate.bytes().filter(u8::is_ascii_hexdigit).count();
        let has_decimal_digit = candidate.bytes().any(|byte| byte.is_ascii_digit());
        if colons < 2 || hex_digits < 4 || !has_decimal_digit {
            continue; // `::` alone, a time such as `12:30`, or words such as `abc::def`
        }
        if candidate.parse::<Ipv6Addr>().is_err() {
            continue;
        }
        spans.push(Span::new(found.start(), found.end(), PlaceholderKind::Ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        IpDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn addresses() {
        assert_eq!(found("vanaf IP 84.241.17.203, niet"), ["84.241.17.203"]);
        assert_eq!(
            found("vanaf 217.62.140.9 en 62.45.210.77 🤔"),
            ["217.62.140.9", "62.45.210.77"]
        );
        assert_eq!(found("via 2001:db8::1 binnen"), ["2001:db8::1"]);
        assert_eq!(
            found("(fe80::1ff:fe23:4567:890a)"),
            ["fe80::1ff:fe23:4567:890a"]
        );
        assert_eq!(found("IP: ::ffff:192.0.2.1."), ["::ffff:192.0.2.1"]);
        assert_eq!(
            found("2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
            ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]
        );
    }

    #[test]
    fn not_addresses() {
        for text in [
            "versie 1.2.3.4 is uit",
            "update v10.0.0.1",
            "1.2.3.4.5",
            "999.1.1.1",
            "om 12:30:45 uur",
            "van 10:00 tot 12:00",
            "€ 1.234.567",
            "abc::def",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }
}
