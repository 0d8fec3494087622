//! The HTTP side of OIDC login (authorization code flow with PKCE, OpenID.NLGov): discovery,
//! the authorization request, the token request and the JWKS. The ID token is validated, the
//! subject mapped and the session created by `peil_service::Service::login_oidc`; the routes are
//! in `routes::oidc`.
//!
//! * Discovery: `{issuer}/.well-known/openid-configuration`, fetched at every login (no cache
//!   yet); its `issuer` must equal the configured issuer exactly, every endpoint must be https
//!   (http only on a loopback address, for tests), and an issuer that lists
//!   `code_challenge_methods_supported` must list `S256`.
//! * Client authentication at the token endpoint, as configured per organisation:
//!   `client_secret_basic` (RFC 6749 2.3.1) or `private_key_jwt` (OpenID.NLGov; RFC 7523): a
//!   client assertion signed with the organisation's client key for this one request (new `jti`,
//!   `aud` the token endpoint, valid one minute), sent as `client_assertion_type` and
//!   `client_assertion`. An issuer that refuses the client (HTTP 401 or `invalid_client`) is
//!   reported as `client authentication`, apart from a refused code.
//! * HTTP: reqwest with rustls (ring) and the system's trust store (so a PKIoverheid or an
//!   in-house root installed on the host is trusted), a 10 s timeout, no redirects followed,
//!   answers capped at `MAXIMUM_DOCUMENT_BYTES`. Nothing here logs a code, a token, a verifier, a
//!   nonce, a subject or the client secret.
//! * Pre-login state: `begin` draws a random state, nonce and PKCE verifier (256 bits each) and a
//!   random pre-login token for the browser's cookie; the server keeps (hash of that token →
//!   organisation, state, nonce, verifier) in memory for `PRE_LOGIN_SECONDS`, single use. The
//!   callback needs both the cookie and the matching `state`. A restart forgets pending logins
//!   (the user starts again); with several server processes, route a login's two requests to
//!   the same one.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::http::HeaderValue;
use peil_service::{OidcClient, TokenRequestCredentials, CLIENT_ASSERTION_TYPE};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::state::CookieMode;

/// How long a started login may take (the pre-login cookie's lifetime).
pub const PRE_LOGIN_SECONDS: u64 = 600;
/// The largest discovery document, JWKS or token response read.
pub const MAXIMUM_DOCUMENT_BYTES: usize = 256 * 1024;
/// Timeout of every request to the issuer.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Pending logins kept at most (older ones are dropped first).
const MAXIMUM_PENDING: usize = 10_000;

/// Why a step with the issuer failed (logged and audited by its fixed text only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("discovery failed")]
    Discovery,
    #[error("token request failed")]
    TokenRequest,
    #[error("jwks request failed")]
    Jwks,
    #[error("no randomness")]
    Randomness,
    #[error("the issuer refused the client's authentication")]
    ClientAuthentication,
    #[error("the client assertion could not be signed")]
    ClientAssertion,
}

impl OidcError {
    /// The reason recorded in the audit entry.
    pub fn reason(self) -> &'static str {
        match self {
            OidcError::Discovery => "discovery",
            OidcError::TokenRequest => "token request",
            OidcError::Jwks => "jwks",
            OidcError::Randomness => "randomness",
            OidcError::ClientAuthentication => "client authentication",
            OidcError::ClientAssertion => "client assertion",
        }
    }
}

/// The parts of the discovery document Peil uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
}

/// The pre-login cookie: `__Host-peil-oidc` (`peil-oidc` in development mode).
pub fn pre_login_cookie_name(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Secure => "__Host-peil-oidc",
        CookieMode::InsecureDev => "peil-oidc",
    }
}

/// The `Set-Cookie` value of the pre-login cookie: HttpOnly and `SameSite=Lax`, unlike the
/// session cookies (`Strict`): the browser comes back from the issuer in a cross-site top-level
/// navigation, on which it sends `Lax` cookies but never `Strict` ones. `Lax` still keeps the
/// cookie off cross-site subrequests and cross-site POSTs; it holds only a random token that is
/// worthless without the matching `state`, and it is single use and short-lived.
pub fn pre_login_cookie(mode: CookieMode, value: &str, max_age: u64) -> Option<HeaderValue> {
    let mut text = format!(
        "{}={value}; Path=/; SameSite=Lax; Max-Age={max_age}; HttpOnly",
        pre_login_cookie_name(mode)
    );
    if mode == CookieMode::Secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).ok()
}

fn client() -> Result<&'static reqwest::Client, OidcError> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(HTTP_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| tracing::error!(%error, "cannot build the OIDC HTTP client"))
                .ok()
        })
        .as_ref()
        .ok_or(OidcError::Discovery)
}

/// Reads at most `MAXIMUM_DOCUMENT_BYTES` of a successful answer.
async fn read_limited(mut response: reqwest::Response) -> Option<Vec<u8>> {
    if !response.status().is_success() {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAXIMUM_DOCUMENT_BYTES {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

async fn get_document(url: &str, failure: OidcError) -> Result<Vec<u8>, OidcError> {
    if !peil_service::is_acceptable_url(url) {
        return Err(failure);
    }
    let response = client()?
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| {
            tracing::warn!(error = %error.without_url(), "OIDC request failed");
            failure
        })?;
    read_limited(response).await.ok_or(failure)
}

/// Fetches and checks the issuer's discovery document.
pub async fn discover(issuer: &str) -> Result<Discovery, OidcError> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let body = get_document(&url, OidcError::Discovery).await?;
    let discovery: Discovery = serde_json::from_slice(&body).map_err(|_| OidcError::Discovery)?;
    let endpoints_ok = [
        &discovery.authorization_endpoint,
        &discovery.token_endpoint,
        &discovery.jwks_uri,
    ]
    .iter()
    .all(|url| peil_service::is_acceptable_url(url));
    let pkce_ok = discovery
        .code_challenge_methods_supported
        .as_ref()
        .is_none_or(|methods| methods.iter().any(|method| method == "S256"));
    if discovery.issuer != issuer || !endpoints_ok || !pkce_ok {
        tracing::warn!("OIDC discovery document refused (issuer, endpoints or PKCE)");
        return Err(OidcError::Discovery);
    }
    Ok(discovery)
}

/// Fetches the issuer's JWKS (JSON, parsed by the service).
pub async fn fetch_jwks(discovery: &Discovery) -> Result<Vec<u8>, OidcError> {
    get_document(&discovery.jwks_uri, OidcError::Jwks).await
}

/// `application/x-www-form-urlencoded` encoding of one value (for the Basic credentials).
fn form_encode(value: &str) -> String {
    let mut encoded = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                encoded.push(byte as char)
            }
            b' ' => encoded.push('+'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// `Authorization: Basic` for client_secret_basic (RFC 6749 2.3.1: both parts form-encoded).
pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{}:{}", form_encode(client_id), form_encode(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[derive(Deserialize)]
struct TokenErrorResponse {
    error: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    token_type: Option<String>,
}

/// Exchanges the authorization code (with the PKCE verifier) for the ID token.
pub async fn exchange_code(
    oidc: &OidcClient,
    discovery: &Discovery,
    code: &str,
    verifier: &str,
) -> Result<String, OidcError> {
    let failure = OidcError::TokenRequest;
    if !peil_service::is_acceptable_url(&discovery.token_endpoint) {
        return Err(failure);
    }
    let credentials = oidc
        .token_request_credentials(&discovery.token_endpoint)
        .map_err(|_| OidcError::ClientAssertion)?;
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", oidc.redirect_uri.as_str()),
        ("code_verifier", verifier),
    ];
    let mut request = client()?.post(&discovery.token_endpoint);
    match &credentials {
        TokenRequestCredentials::Basic { secret } => {
            request = request.header(
                reqwest::header::AUTHORIZATION,
                basic_credentials(&oidc.client_id, secret),
            );
        }
        TokenRequestCredentials::Assertion { assertion } => {
            fields.push(("client_id", oidc.client_id.as_str()));
            fields.push(("client_assertion_type", CLIENT_ASSERTION_TYPE));
            fields.push(("client_assertion", assertion.as_str()));
        }
    }
    let body = serde_urlencoded::to_string(&fields).map_err(|_| failure)?;
    drop(credentials);
    let response = request
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|error| {
            tracing::warn!(error = %error.without_url(), "OIDC token request failed");
            failure
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(token_refusal(status, response).await);
    }
    let Some(body) = read_limited(response).await else {
        return Err(failure);
    };
    let answer: TokenResponse = serde_json::from_slice(&body).map_err(|_| failure)?;
    let bearer = answer
        .token_type
        .as_deref()
        .is_some_and(|kind| kind.eq_ignore_ascii_case("bearer"));
    match answer.id_token {
        Some(id_token) if bearer && !id_token.is_empty() => Ok(id_token),
        _ => Err(failure),
    }
}

/// What a refusing token endpoint means: the client's authentication (HTTP 401 or the OAuth
/// error `invalid_client`, RFC 6749 5.2), or anything else about the request (the code).
async fn token_refusal(status: reqwest::StatusCode, mut response: reqwest::Response) -> OidcError {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        if body.len() + chunk.len() > MAXIMUM_DOCUMENT_BYTES {
            break;
        }
        body.extend_from_slice(&chunk);
    }
    let invalid_client = serde_json::from_slice::<TokenErrorResponse>(&body)
        .ok()
        .and_then(|answer| answer.error)
        .is_some_and(|error| error == "invalid_client");
    if status == reqwest::StatusCode::UNAUTHORIZED || invalid_client {
        tracing::info!(
            status = status.as_u16(),
            "OIDC token endpoint refused the client's authentication"
        );
        return OidcError::ClientAuthentication;
    }
    tracing::info!(
        status = status.as_u16(),
        "OIDC token endpoint refused the code"
    );
    OidcError::TokenRequest
}

/// A login waiting for the browser to come back from the issuer.
pub struct Pending {
    pub organisation_id: i64,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    started: Instant,
}

impl Pending {
    /// Whether `presented` is this login's state (constant-time).
    pub fn state_matches(&self, presented: &str) -> bool {
        !presented.is_empty()
            && presented.len() == self.state.len()
            && bool::from(presented.as_bytes().ct_eq(self.state.as_bytes()))
    }
}

type PendingLogins = HashMap<Vec<u8>, Pending>;

fn pending_logins() -> &'static Mutex<PendingLogins> {
    static PENDING: LazyLock<Mutex<PendingLogins>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    &PENDING
}

fn random_text() -> Result<String, OidcError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| OidcError::Randomness)?;
    Ok(peil_service::base64_url(&bytes))
}

fn cookie_key(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The start of a login: the pre-login cookie's token and the issuer URL to send the browser to.
pub struct Started {
    pub cookie_token: String,
    pub location: String,
}

/// Starts a login at `oidc`'s issuer: state, nonce and PKCE (S256), kept for the callback.
pub fn begin(oidc: &OidcClient, discovery: &Discovery) -> Result<Started, OidcError> {
    let cookie_token = random_text()?;
    let state = random_text()?;
    let nonce = random_text()?;
    let verifier = random_text()?;
    let challenge = peil_service::base64_url(&Sha256::digest(verifier.as_bytes()));
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", oidc.client_id.as_str()),
        ("redirect_uri", oidc.redirect_uri.as_str()),
        ("scope", "openid"),
        ("state", state.as_str()),
        ("nonce", nonce.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ])
    .map_err(|_| OidcError::Discovery)?;
    let separator = if discovery.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!("{}{separator}{query}", discovery.authorization_endpoint);
    let pending = Pending {
        organisation_id: oidc.organisation_id,
        state,
        nonce,
        verifier,
        started: Instant::now(),
    };
    if let Ok(mut logins) = pending_logins().lock() {
        let lifetime = Duration::from_secs(PRE_LOGIN_SECONDS);
        logins.retain(|_, login| login.started.elapsed() < lifetime);
        if logins.len() >= MAXIMUM_PENDING {
            if let Some(oldest) = logins
                .iter()
                .min_by_key(|(_, login)| login.started)
                .map(|(key, _)| key.clone())
            {
                logins.remove(&oldest);
            }
        }
        logins.insert(cookie_key(&cookie_token), pending);
    }
    Ok(Started {
        cookie_token,
        location,
    })
}

/// Takes (single use) the pending login of a pre-login cookie, if it has not expired.
pub fn take(cookie_token: &str) -> Option<Pending> {
    let mut logins = pending_logins().lock().ok()?;
    let pending = logins.remove(&cookie_key(cookie_token))?;
    (pending.started.elapsed() < Duration::from_secs(PRE_LOGIN_SECONDS)).then_some(pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_form_encode_both_parts() {
        // "a b:c%" → "a+b" and "c%25"; base64 of "a+b:c%25".
        assert_eq!(basic_credentials("a b", "c%"), "Basic YStiOmMlMjU=");
    }

    #[test]
    fn the_pre_login_cookie_is_lax_http_only_and_secure() {
        let Some(cookie) = pre_login_cookie(CookieMode::Secure, "t", 600) else {
            panic!("no cookie");
        };
        let text = cookie.to_str().unwrap_or_default();
        assert!(text.starts_with("__Host-peil-oidc=t; Path=/; SameSite=Lax"));
        assert!(text.contains("HttpOnly") && text.contains("Secure"));
    }
}
