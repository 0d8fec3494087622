//! E-mail addresses, plain (`jan.jansen@voorbeeld.nl`) and obfuscated, where the `@` and the
//! dots are spelled out: `jan [at] gmail [dot] com`, `jan(at)gmail.com`, `jan at gmail dot com`,
//! `jan apenstaartje gmail punt com`. Functional mailboxes of organisations (`info@…`,
//! `klantcontact@…`, `repaircafe.zeist@…`) stay readable through the allow-list.

use std::sync::LazyLock;

use peil_model::PlaceholderKind;
use regex::Regex;

use super::scan::{char_before, compile};
use super::Detector;
use crate::{AllowList, Span};

/// A plain address. ASCII classes and boundaries keep the regex on the fast DFA path.
static PLAIN_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i-u)\b[a-z0-9][a-z0-9._%+'-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,24}\b",
    )
});

/// An obfuscated address: the `@` written as `[at]`, `(at)`, ` at `, ` @ `, `apenstaartje`, and
/// the dots as `[dot]`, `(punt)`, ` dot `, ` punt ` or a plain dot. The plain-word forms (` at `
/// and ` dot `) are accepted only together, so "kijk at nos.nl" is not an address, and a space
/// before a bare `@` makes a mention (`van @naam.bsky.social`), not an address. Group 1 (or 2)
/// is the local part.
static OBFUSCATED_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    let bracketed_at = r"\s*[\[\(\{<]\s*(?:at|@|apenstaartje)\s*[\]\)\}>]\s*";
    let spaced_at = r"(?:\s+@\s+|@\s+)";
    let word_at = r"\s+(?:at|apenstaartje)\s+";
    let bracketed_dot = r"\s*[\[\(\{<]\s*(?:dot|punt|\.)\s*[\]\)\}>]\s*";
    let word_dot = r"\s+(?:dot|punt)\s+";
    let spelled_dot = format!(r"(?:{bracketed_dot}|{word_dot})");
    let label = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    let local_piece = r"[a-z0-9][a-z0-9._%+-]*";
    // The local part may spell out its dots too: `jan punt jansen at gmail punt com`.
    let local = format!(r"({local_piece}(?:{spelled_dot}{local_piece}){{0,2}})");
    let tld = r"[a-z]{2,12}";
    let any_dot = format!(r"(?:{spelled_dot}|\.)");
    // `@` written as a symbol (bracketed, spaced, or plain with spelled-out dots after it).
    let symbol_form = format!(
        r"{local}(?:(?:{bracketed_at}|{spaced_at}){label}(?:{any_dot}{label})*{any_dot}{tld}|@{label}(?:{any_dot}{label})*{spelled_dot}{tld})"
    );
    let word_form = format!(r"{local}{word_at}{label}(?:{spelled_dot}{label})*{spelled_dot}{tld}");
    compile(&format!(r"(?i-u)\b(?:{symbol_form}|{word_form})\b"))
});

/// Searchers for a spelled-out dot, built once.
static SPELLED_OUT_DOTS: LazyLock<[memchr::memmem::Finder<'static>; 3]> = LazyLock::new(|| {
    [
        memchr::memmem::Finder::new(" dot "),
        memchr::memmem::Finder::new(" punt "),
        memchr::memmem::Finder::new(" DOT "),
    ]
});

/// Cheap prefilter for obfuscated addresses: an `@` followed by a space, a bracketed `at`, `@`,
/// `apenstaartje` or dot, or a spelled-out dot (` dot `, ` punt `, ` DOT `). Every obfuscated
/// form has one of them.
fn may_hold_obfuscated_address(bytes: &[u8]) -> bool {
    let spaced_at_sign =
        memchr::memchr_iter(b'@', bytes).any(|at_sign| bytes.get(at_sign + 1) == Some(&b' '));
    if spaced_at_sign {
        return true;
    }
    let bracketed_at = memchr::memchr3_iter(b'(', b'[', b'{', bytes)
        .chain(memchr::memchr_iter(b'<', bytes))
        .any(|bracket| is_bracketed_at_sign(bytes, bracket + 1));
    if bracketed_at {
        return true;
    }
    SPELLED_OUT_DOTS
        .iter()
        .any(|finder| finder.find(bytes).is_some())
}

/// Whether `[at]`, `( at )`, `(@)`, `[apenstaartje]`, `[dot]`, `(punt)`, `[.]` (any case)
/// follows an opening bracket: `start` is the byte after the bracket.
fn is_bracketed_at_sign(bytes: &[u8], start: usize) -> bool {
    let skip_spaces = |mut position: usize| {
        while bytes.get(position) == Some(&b' ') {
            position += 1;
        }
        position
    };
    let word_start = skip_spaces(start);
    let word_end = [
        "at".as_bytes(),
        b"@",
        b"apenstaartje",
        b"dot",
        b"punt",
        b".",
    ]
    .iter()
    .find(|word| {
        bytes
            .get(word_start..word_start + word.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(word))
    })
    .map(|word| word_start + word.len());
    let Some(word_end) = word_end else {
        return false;
    };
    bytes
        .get(skip_spaces(word_end))
        .is_some_and(|byte| matches!(byte, b')' | b']' | b'}' | b'>'))
}

/// E-mail addresses, except functional mailboxes of organisations.
pub struct EmailDetector;

impl Detector for EmailDetector {
    fn name(&self) -> &'static str {
        "email"
    }

    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
        let has_at_sign = memchr::memchr(b'@', text.as_bytes()).is_some();
        if has_at_sign {
            detect_plain_addresses(text, allow, spans);
        }
        if may_hold_obfuscated_address(text.as_bytes()) {
            detect_obfuscated_addresses(text, allow, spans);
        }
    }
}

/// Looks only at `@` signs with a local-part character right before them (a mention has a space
/// there), walks back to where the local part starts and matches the address from there.
fn detect_plain_addresses(text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let mut covered_until = 0;
    for at_sign in memchr::memchr_iter(b'@', bytes) {
        if at_sign < covered_until {
            continue;
        }
        let local_start = local_part_start(bytes, at_sign);
        if local_start == at_sign {
            continue;
        }
        let Some(found) = PLAIN_ADDRESS.find_at(text, local_start) else {
            continue;
        };
        if found.start() > at_sign || found.end() <= at_sign {
            continue;
        }
        covered_until = found.end();
        if char_before(text, found.start()).is_some_and(|previous| previous == '@') {
            continue; // the tail of a Mastodon handle, not an address of its own
        }
        let local_part = text.get(found.start()..at_sign).unwrap_or_default();
        if allow.allows_mailbox_local_part(local_part) {
            continue;
        }
        spans.push(Span::new(
            found.start(),
            found.end(),
            PlaceholderKind::Email,
        ));
    }
}

/// Where the local part that ends at `at_sign` starts (equal to `at_sign` when there is none).
fn local_part_start(bytes: &[u8], at_sign: usize) -> usize {
    let mut start = at_sign;
    while start > 0 {
        let Some(previous) = bytes.get(start - 1) else {
            break;
        };
        let local_character = previous.is_ascii_alphanumeric()
            || matches!(previous, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'');
        if !local_character {
            break;
        }
        start -= 1;
    }
    // The local part starts with a letter or digit.
    while start < at_sign && !bytes.get(start).is_some_and(u8::is_ascii_alphanumeric) {
        start += 1;
    }
    start
}

fn detect_obfuscated_addresses(text: &str, allow: &AllowList, spans: &mut Vec<Span>) {
    for captures in OBFUSCATED_ADDRESS.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let local_part = captures
            .get(1)
            .or_else(|| captures.get(2))
            .map(|local| local.as_str())
            .unwrap_or_default();
        if allow.allows_mailbox_local_part(local_part) {
            continue;
        }
        spans.push(Span::new(
            whole.start(),
            whole.end(),
            PlaceholderKind::Email,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        EmailDetector.detect(text, &AllowList::dutch_defaults(), &mut spans);
        spans
            .iter()
            .map(|span| text.get(span.start..span.end).unwrap_or_default())
            .collect()
    }

    #[test]
    fn plain_addresses() {
        assert_eq!(
            found("mail jan.jansen+afval@voorbeeld.nl."),
            ["jan.jansen+afval@voorbeeld.nl"]
        );
        assert_eq!(found("(m.koster84@gmail.com)"), ["m.koster84@gmail.com"]);
    }

    #[test]
    fn obfuscated_addresses() {
        assert_eq!(
            found("mail jan [at] gmail [dot] com"),
            ["jan [at] gmail [dot] com"]
        );
        assert_eq!(found("mail jan(at)gmail.com nu"), ["jan(at)gmail.com"]);
        assert_eq!(found("mail jan at gmail dot com"), ["jan at gmail dot com"]);
        assert_eq!(found("JAN AT GMAIL DOT COM"), ["JAN AT GMAIL DOT COM"]);
        assert_eq!(
            found("mail piet apenstaartje hotmail punt nl"),
            ["piet apenstaartje hotmail punt nl"]
        );
        assert_eq!(found("mail jan @ gmail.com"), ["jan @ gmail.com"]);
        assert!(found("thread van @hannah-kuiper.bsky.social over").is_empty());
        assert_eq!(found("mail jan@gmail dot com"), ["jan@gmail dot com"]);
        assert_eq!(found("mail jan@gmail[dot]com"), ["jan@gmail[dot]com"]);
        assert_eq!(
            found("mail jan punt jansen at gmail punt com!"),
            ["jan punt jansen at gmail punt com"]
        );
        assert_eq!(
            found("mail j[dot]postma[at]kpnmail[dot]nl"),
            ["j[dot]postma[at]kpnmail[dot]nl"]
        );
    }

    #[test]
    fn not_addresses() {
        assert!(found("verzamelen @ het Stadhuisplein om 12:00").is_empty());
        assert!(found("look at nos.nl for news").is_empty());
        assert!(found("we meet at noon").is_empty());
        assert!(found("@gemeenteutrecht").is_empty());
    }

    #[test]
    fn functional_mailboxes_stay_readable() {
        assert!(found("info@fietsdepotutrecht.nl").is_empty());
        assert!(found("klantcontact@rotterdam.nl").is_empty());
        assert!(found("nieuwsbrief@wijkplatformoost.nl").is_empty());
        assert!(found("repaircafe.zeist@proton.me").is_empty());
        assert!(found("info [at] gemeente [punt] nl").is_empty());
        assert_eq!(
            found("annemarie.wijkraad@gmail.com"),
            ["annemarie.wijkraad@gmail.com"]
        );
    }
}
