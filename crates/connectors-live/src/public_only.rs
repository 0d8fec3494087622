//! Public sources only (DESIGN.md: "no private or fake accounts, no closed groups: publicly
//! accessible sources only, via official APIs"). Every connector states why its source is public,
//! and a configuration that asks for a logged-in user's session, a private account, a closed group
//! or a person's own stream is refused here, before anything connects, with an explanation.
//!
//! The refusal messages name the rule and the setting, never a value that could be a secret.

use crate::config::{ConnectorKind, ConnectorSpec};

/// Why each source is publicly accessible.
pub fn public_statement(kind: ConnectorKind) -> &'static str {
    match kind {
        ConnectorKind::Jetstream => {
            "Bluesky Jetstream relays the public AT Protocol firehose: every event it carries is \
             public by the protocol's design, served without login. Peil asks only for the \
             app.bsky.feed.post collection and never for the events of chosen accounts."
        }
        ConnectorKind::Mastodon => {
            "Mastodon public and hashtag timelines list only statuses whose author chose the \
             visibility `public`; instances serve them without login (some ask for an app token, \
             which identifies Peil, not a user). Peil never uses a user's session."
        }
        ConnectorKind::Rss => {
            "RSS/Atom feeds of news media and government bodies are public: published for anyone to \
             read, without login."
        }
    }
}

/// A configuration that would reach beyond public sources.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("connector `{connector}` refused: {reason}")]
pub struct Refusal {
    pub connector: String,
    pub reason: String,
}

/// Mastodon API paths that belong to a logged-in user (home and list timelines, direct messages,
/// notifications, bookmarks, followed accounts) or to one account.
const MASTODON_PRIVATE_PATHS: &[&str] = &[
    "timelines/home",
    "timelines/list",
    "timelines/direct",
    "conversations",
    "notifications",
    "bookmarks",
    "favourites",
    "follow_requests",
    "streaming/user",
    "streaming/direct",
    "streaming/list",
    "accounts/",
    "lists",
];

/// Query parameters that carry credentials or target persons.
const CREDENTIAL_PARAMETERS: &[&str] = &[
    "access_token",
    "token",
    "session",
    "sessionid",
    "password",
    "passwd",
    "auth",
    "apikey",
    "api_key",
    "key",
    "secret",
];

/// Checks a connector configuration; `Ok` means it reads public sources only.
pub fn check(spec: &ConnectorSpec) -> Result<(), Refusal> {
    let refuse = |reason: String| Refusal {
        connector: spec.name.clone(),
        reason,
    };
    if spec.session_cookie.is_some() || spec.password.is_some() || spec.username.is_some() {
        return Err(refuse(
            "a login (session cookie, user name or password) is configured. Peil reads public \
             sources only and never logs in as a person; remove these settings / Peil leest \
             alleen openbare bronnen en logt nooit in als persoon"
                .to_string(),
        ));
    }
    if spec.private.unwrap_or(false) {
        return Err(refuse(
            "`private = true`: private accounts and closed groups are not public sources and may \
             not be followed / besloten accounts en groepen zijn geen openbare bron"
                .to_string(),
        ));
    }
    if spec.endpoints.is_empty() {
        return Err(refuse("no endpoint configured".to_string()));
    }
    for endpoint in &spec.endpoints {
        check_endpoint(spec, endpoint).map_err(refuse)?;
    }
    if let Some(tag) = &spec.hashtag {
        let tag = tag.trim_start_matches('#');
        let plain = !tag.is_empty()
            && tag
                .chars()
                .all(|character| character.is_alphanumeric() || character == '_');
        if !plain {
            return Err(refuse(
                "the hashtag must be a plain tag (letters, digits, `_`); an @handle or a profile \
                 is a person, not a topic / een hashtag, geen persoon"
                    .to_string(),
            ));
        }
    }
    match spec.kind {
        ConnectorKind::Mastodon => {
            if spec.token_env.is_some() && spec.token_kind.as_deref() != Some("app") {
                return Err(refuse(
                    "a Mastodon token must be an app token (client credentials grant, no user): \
                     set `token_kind = \"app\"`; a user's access token is a logged-in session / \
                     alleen een app-token, nooit de sessie van een gebruiker"
                        .to_string(),
                ));
            }
        }
        ConnectorKind::Jetstream | ConnectorKind::Rss => {
            if spec.token_env.is_some() {
                return Err(refuse(
                    "this source is public and needs no token; a token suggests a non-public \
                     source"
                        .to_string(),
                ));
            }
        }
    }
    Ok(())
}

fn check_endpoint(spec: &ConnectorSpec, endpoint: &str) -> Result<(), String> {
    let url =
        reqwest::Url::parse(endpoint).map_err(|_| "an endpoint is not a valid URL".to_string())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "an endpoint carries a user name or password; public sources need no login".to_string(),
        );
    }
    let loopback = matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    let allowed_schemes: &[&str] = match spec.kind {
        ConnectorKind::Jetstream if loopback => &["wss", "ws"],
        ConnectorKind::Jetstream => &["wss"],
        _ if loopback => &["https", "http"],
        _ => &["https"],
    };
    if !allowed_schemes.contains(&url.scheme()) {
        return Err(format!(
            "scheme `{}` is not allowed here: use {} (plain http/ws only on the loopback address)",
            url.scheme(),
            allowed_schemes.join(" or ")
        ));
    }
    for (name, _) in url.query_pairs() {
        let lower = name.to_ascii_lowercase();
        if CREDENTIAL_PARAMETERS.contains(&lower.as_str()) {
            return Err(format!(
                "the endpoint's query parameter `{name}` carries a credential; public sources \
                 need none"
            ));
        }
        if spec.kind == ConnectorKind::Jetstream && lower == "wanteddids" {
            return Err(
                "`wantedDids` follows chosen accounts: that is following persons, which Peil \
                 does not do (DESIGN.md, no person-targeting) / Peil volgt geen personen"
                    .to_string(),
            );
        }
    }
    if spec.kind == ConnectorKind::Mastodon {
        let path = url.path().to_ascii_lowercase();
        if let Some(private) = MASTODON_PRIVATE_PATHS
            .iter()
            .find(|private| path.contains(&format!("/api/v1/{private}")))
        {
            return Err(format!(
                "the endpoint path names `{private}`, which is a logged-in user's own stream or \
                 one account; configure the instance's base URL and a public or hashtag timeline"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: ConnectorKind, endpoint: &str) -> ConnectorSpec {
        ConnectorSpec {
            name: "test".to_string(),
            kind,
            endpoints: vec![endpoint.to_string()],
            ..ConnectorSpec::default()
        }
    }

    #[test]
    fn public_configurations_pass() {
        assert_eq!(
            check(&spec(
                ConnectorKind::Jetstream,
                "wss://jetstream2.us-east.bsky.network/subscribe"
            )),
            Ok(())
        );
        assert_eq!(
            check(&spec(ConnectorKind::Mastodon, "https://mastodon.nl")),
            Ok(())
        );
        assert_eq!(
            check(&spec(
                ConnectorKind::Rss,
                "https://feeds.nos.nl/nosnieuwsalgemeen"
            )),
            Ok(())
        );
        assert_eq!(
            check(&spec(ConnectorKind::Rss, "http://127.0.0.1:8080/feed")),
            Ok(())
        );
        for kind in [
            ConnectorKind::Jetstream,
            ConnectorKind::Mastodon,
            ConnectorKind::Rss,
        ] {
            assert!(public_statement(kind).contains("public"));
        }
    }

    #[test]
    fn sessions_private_accounts_and_persons_are_refused_with_a_reason() {
        let mut with_cookie = spec(ConnectorKind::Mastodon, "https://mastodon.nl");
        with_cookie.session_cookie = Some("geheim".to_string());
        let mut private = spec(ConnectorKind::Rss, "https://example.org/feed");
        private.private = Some(true);
        let mut user_token = spec(ConnectorKind::Mastodon, "https://mastodon.nl");
        user_token.token_env = Some("MASTODON_TOKEN".to_string());
        let mut handle = spec(ConnectorKind::Mastodon, "https://mastodon.nl");
        handle.hashtag = Some("@jan".to_string());
        let refused = [
            with_cookie,
            private,
            user_token,
            handle,
            spec(
                ConnectorKind::Mastodon,
                "https://mastodon.nl/api/v1/timelines/home",
            ),
            spec(
                ConnectorKind::Mastodon,
                "https://mastodon.nl/api/v1/timelines/list/12",
            ),
            spec(
                ConnectorKind::Jetstream,
                "wss://jetstream.example/subscribe?wantedDids=did:plc:abc",
            ),
            spec(ConnectorKind::Rss, "https://user:pw@example.org/feed"),
            spec(ConnectorKind::Rss, "https://example.org/feed?token=abc"),
            spec(ConnectorKind::Rss, "http://example.org/feed"),
        ];
        for configuration in refused {
            let refusal = check(&configuration);
            assert!(refusal.is_err(), "{:?}", configuration.endpoints);
            let message = refusal.err().map(|r| r.to_string()).unwrap_or_default();
            assert!(
                !message.contains("geheim") && !message.contains("abc"),
                "{message}"
            );
        }
    }
}
