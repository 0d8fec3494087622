//! OIDC login (authorization code flow with PKCE, the OpenID.NLGov profile) against an issuer
//! configured per organisation: the configuration, the links from an issuer's subject to a user,
//! the validation of the ID token and the session that follows. The HTTP side (discovery, JWKS,
//! the redirect and the token request) lives in peil-server (`oidc.rs`); this module does what
//! needs the store and the audit log.
//!
//! * Configuration: `configure_oidc` (admin of the organisation or the local operator; audited as
//!   `configure_oidc`, with a change note): issuer, client id, the client's credential, the
//!   redirect URI registered at the issuer and the claim that identifies the user (`sub` by
//!   default). The credential is either a client secret (`client_secret_basic`; kept like the
//!   TOTP secret, never returned, never printed, never audited) or, as OpenID.NLGov asks, a
//!   private key (`private_key_jwt`; PKCS#8 PEM, RSA or EC P-256, see `oidc_client_key.rs`) kept
//!   in the key store apart from the data; only its public JWKS is ever shown
//!   (`oidc_client_jwks`), for registering the client at the issuer.
//! * Links: `link_oidc_subject` (audited as `manage_credentials`) binds a subject of the
//!   organisation's issuer to one existing user of that organisation. The store keeps only
//!   SHA-256("peil-oidc-subject-v1", issuer, subject); the subject itself is never stored, logged
//!   or audited. There is no auto-provisioning: an unknown subject is refused.
//! * Login: `login_oidc` validates the ID token — signature against the issuer's JWKS (RS256,
//!   PS256 or ES256; keys embedded in the token's header are ignored), `iss` equal to the
//!   configured issuer, `aud` exactly the client id (and `azp`, when present), `exp`, `iat` (not in
//!   the future, not older than `MAXIMUM_ID_TOKEN_AGE_SECONDS`), `nbf`, and the `nonce` of this
//!   login — maps the subject to its linked user and creates the same server-side session as a
//!   password login. Audited as `login` whatever the outcome, with the reason of a refusal
//!   (`oidc: nonce`, `oidc: unknown subject` …) and never the subject.
//! * TOTP is not asked for an OIDC login: the issuer authenticates the person, including the
//!   second factor its policy demands. Admins and the FG therefore log in either through their
//!   organisation's issuer or locally with password and TOTP.

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use peil_audit::{AuditEntry, AuditResult};
use peil_store::{OidcClientAuthentication, OidcProviderRecord};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::auth::{token_hash, AuthError, AuthPolicy, NewSession};
use crate::oidc_client_key::{ClientKeyError, ClientSigningKey};
use crate::operation::Operation;
use crate::{audit_text, Actor, Service, ServiceError};

/// Clock skew accepted on `exp`, `nbf` and `iat`.
pub const CLOCK_SKEW_SECONDS: i64 = 60;
/// An ID token issued longer ago than this is refused (the flow takes seconds).
pub const MAXIMUM_ID_TOKEN_AGE_SECONDS: i64 = 600;
/// The longest subject accepted.
const MAXIMUM_SUBJECT_CHARACTERS: usize = 255;
/// The signature algorithms accepted (OpenID.NLGov: RS256, PS256, ES256).
pub const ACCEPTED_ALGORITHMS: [Algorithm; 3] =
    [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256];

/// What `peil oidc configure` sets for an organisation.
pub struct OidcSettings<'a> {
    /// The issuer identifier: `https://…` (plain `http://` only on a loopback address, for tests).
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// How Peil authenticates at the token endpoint, with its credential.
    pub credential: ClientCredential<'a>,
    /// The redirect URI registered at the issuer; its path is `/login/oidc/callback`.
    pub redirect_uri: &'a str,
    /// The claim that identifies the user; `None`: `sub`.
    pub subject_claim: Option<&'a str>,
}

/// The client's credential as the operator gives it to `configure_oidc`.
#[derive(Clone, Copy)]
pub enum ClientCredential<'a> {
    /// `client_secret_basic`: the client secret (text).
    Secret(&'a [u8]),
    /// `private_key_jwt`: an unencrypted PKCS#8 PEM private key (RSA or EC P-256).
    PrivateKeyPem(&'a [u8]),
}

/// How the token request authenticates the client (the secret or the signing key; `Debug` of
/// the client leaves both out).
#[derive(Clone)]
enum ClientAuthentication {
    Secret(String),
    PrivateKey(std::sync::Arc<ClientSigningKey>),
}

/// The credentials of one token request.
pub enum TokenRequestCredentials {
    /// `Authorization: Basic` with the client id and this secret.
    Basic { secret: String },
    /// Form fields `client_assertion_type` (RFC 7523) and `client_assertion`, a JWT signed for
    /// this request only.
    Assertion { assertion: String },
}

/// An organisation's issuer as the server needs it for a login (the secret or private key
/// included, which `Debug` leaves out).
#[derive(Clone)]
pub struct OidcClient {
    pub organisation_id: i64,
    pub organisation: String,
    pub issuer: String,
    pub client_id: String,
    pub redirect_uri: String,
    authentication: ClientAuthentication,
}

impl OidcClient {
    /// The client secret, for the token request's `Authorization: Basic` header only; `None`
    /// with `private_key_jwt`.
    pub fn client_secret(&self) -> Option<&str> {
        match &self.authentication {
            ClientAuthentication::Secret(secret) => Some(secret),
            ClientAuthentication::PrivateKey(_) => None,
        }
    }

    /// The client authentication method (`client_secret_basic` or `private_key_jwt`).
    pub fn authentication_method(&self) -> &'static str {
        match &self.authentication {
            ClientAuthentication::Secret(_) => OidcClientAuthentication::ClientSecretBasic.code(),
            ClientAuthentication::PrivateKey(_) => OidcClientAuthentication::PrivateKeyJwt.code(),
        }
    }

    /// The credentials of one token request to `token_endpoint`: the secret, or a client
    /// assertion signed now (a new `jti` each call).
    pub fn token_request_credentials(
        &self,
        token_endpoint: &str,
    ) -> Result<TokenRequestCredentials, ClientKeyError> {
        match &self.authentication {
            ClientAuthentication::Secret(secret) => Ok(TokenRequestCredentials::Basic {
                secret: secret.clone(),
            }),
            ClientAuthentication::PrivateKey(key) => Ok(TokenRequestCredentials::Assertion {
                assertion: key.client_assertion(
                    &self.client_id,
                    token_endpoint,
                    Utc::now().timestamp(),
                )?,
            }),
        }
    }
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcClient")
            .field("organisation_id", &self.organisation_id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("authentication", &self.authentication_method())
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// What the server hands over once the issuer's token endpoint answered.
pub struct OidcLoginAttempt<'a> {
    /// The organisation of the login (from the server's pre-login state, never the request).
    pub organisation_id: i64,
    /// The ID token from the token response. Never logged.
    pub id_token: &'a str,
    /// The issuer's JWKS document (JSON), fetched from the discovered `jwks_uri`.
    pub jwks: &'a [u8],
    /// The nonce sent in the authorization request of this login.
    pub nonce: &'a str,
    /// Where the attempt came from, for the audit entry.
    pub origin: &'a str,
}

/// Whether `url` is an https URL, or http on a loopback address (local testing only).
pub fn is_acceptable_url(url: &str) -> bool {
    let url = url.trim();
    if url
        .chars()
        .any(|character| character.is_control() || character == ' ')
    {
        return false;
    }
    if let Some(rest) = url.strip_prefix("https://") {
        return !rest.is_empty() && !rest.starts_with('/');
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|byte| byte.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

fn invalid(message: &str) -> ServiceError {
    ServiceError::InvalidInput(message.to_string())
}

/// The checked credential: the trimmed secret, or the parsed private key.
enum CheckedCredential {
    Secret(Vec<u8>),
    PrivateKey(Box<ClientSigningKey>),
}

fn check_credential(credential: ClientCredential<'_>) -> Result<CheckedCredential, ServiceError> {
    match credential {
        ClientCredential::Secret(secret) => {
            let text = std::str::from_utf8(secret).ok().map(str::trim);
            match text {
                Some(text) if !text.is_empty() && text.len() <= 4096 => {
                    Ok(CheckedCredential::Secret(text.as_bytes().to_vec()))
                }
                _ => Err(invalid(
                    "het client-secret ontbreekt of is geen tekst / the client secret is missing or not text",
                )),
            }
        }
        ClientCredential::PrivateKeyPem(pem) => ClientSigningKey::from_pem(pem)
            .map(|key| CheckedCredential::PrivateKey(Box::new(key)))
            .map_err(|error| ServiceError::InvalidInput(error.to_string())),
    }
}

fn check_settings(settings: &OidcSettings<'_>) -> Result<String, ServiceError> {
    let issuer = settings.issuer.trim();
    if !is_acceptable_url(issuer) || issuer.contains(['?', '#']) {
        return Err(invalid(
            "de issuer is een https-URL zonder query of fragment / the issuer is an https URL without query or fragment",
        ));
    }
    let client_id = settings.client_id.trim();
    if client_id.is_empty() || client_id.len() > 255 || client_id.chars().any(char::is_control) {
        return Err(invalid(
            "de client-id ontbreekt of is ongeldig / the client id is missing or invalid",
        ));
    }
    let redirect = settings.redirect_uri.trim();
    let path_ok = redirect
        .split(['?', '#'])
        .next()
        .is_some_and(|base| base.ends_with("/login/oidc/callback"));
    if !is_acceptable_url(redirect) || !path_ok || redirect.contains('#') {
        return Err(invalid(
            "de redirect-URI is een https-URL die eindigt op /login/oidc/callback / the redirect URI is an https URL ending in /login/oidc/callback",
        ));
    }
    let claim = settings.subject_claim.unwrap_or("sub").trim();
    let claim_ok = !claim.is_empty()
        && claim.len() <= 64
        && claim
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b':'));
    if !claim_ok {
        return Err(invalid(
            "de claim bestaat uit letters, cijfers, _ - . of : / the claim consists of letters, digits, _ - . or :",
        ));
    }
    Ok(claim.to_string())
}

/// The stored form of a subject: SHA-256 over a label, the issuer and the subject.
pub(crate) fn subject_hash(issuer: &str, subject: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"peil-oidc-subject-v1\0");
    hasher.update(issuer.as_bytes());
    hasher.update(b"\0");
    hasher.update(subject.as_bytes());
    hasher.finalize().to_vec()
}

fn random_hex() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| ServiceError::InvalidInput(format!("no randomness available: {error}")))?;
    Ok(hex::encode(bytes))
}

/// Why an ID token was refused (recorded in the audit entry; never a claim's value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    Malformed,
    Algorithm,
    NoKey,
    Signature,
    Issuer,
    Audience,
    Expired,
    NotYetValid,
    IssuedAt,
    Nonce,
    MissingClaim,
    SubjectClaim,
}

impl TokenRefusal {
    pub fn code(self) -> &'static str {
        match self {
            TokenRefusal::Malformed => "malformed id token",
            TokenRefusal::Algorithm => "algorithm",
            TokenRefusal::NoKey => "no matching key",
            TokenRefusal::Signature => "signature",
            TokenRefusal::Issuer => "issuer",
            TokenRefusal::Audience => "audience",
            TokenRefusal::Expired => "expired",
            TokenRefusal::NotYetValid => "not yet valid",
            TokenRefusal::IssuedAt => "issued at",
            TokenRefusal::Nonce => "nonce",
            TokenRefusal::MissingClaim => "missing claim",
            TokenRefusal::SubjectClaim => "subject claim",
        }
    }
}

fn refusal_of(error: &jsonwebtoken::errors::Error) -> TokenRefusal {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => TokenRefusal::Signature,
        ErrorKind::ExpiredSignature => TokenRefusal::Expired,
        ErrorKind::ImmatureSignature => TokenRefusal::NotYetValid,
        ErrorKind::InvalidIssuer => TokenRefusal::Issuer,
        ErrorKind::InvalidAudience => TokenRefusal::Audience,
        ErrorKind::MissingRequiredClaim(_) => TokenRefusal::MissingClaim,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => TokenRefusal::Algorithm,
        _ => TokenRefusal::Malformed,
    }
}

/// The keys of a JWKS that may have signed a token with `algorithm` and `kid`: keys that do not
/// parse (other algorithms, encryption keys) are skipped, not fatal.
fn candidate_keys(jwks: &[u8], algorithm: Algorithm, kid: Option<&str>) -> Vec<DecodingKey> {
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(jwks) else {
        return Vec::new();
    };
    let Some(keys) = document.get("keys").and_then(|keys| keys.as_array()) else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
        .filter(|jwk| kid.is_none() || jwk.common.key_id.as_deref() == kid)
        .filter(|jwk| !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)))
        .filter(|jwk| match (&jwk.algorithm, algorithm) {
            (AlgorithmParameters::RSA(_), Algorithm::RS256 | Algorithm::PS256) => true,
            (AlgorithmParameters::EllipticCurve(params), Algorithm::ES256) => {
                params.curve == EllipticCurve::P256
            }
            _ => false,
        })
        .filter_map(|jwk| DecodingKey::from_jwk(&jwk).ok())
        .collect()
}

/// What an ID token must match.
pub(crate) struct Expectation<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub subject_claim: &'a str,
    pub now: DateTime<Utc>,
}

/// Validates an ID token (OpenID Connect Core 3.1.3.7) and returns the value of the subject
/// claim.
pub(crate) fn validate_id_token(
    id_token: &str,
    jwks: &[u8],
    expected: &Expectation<'_>,
) -> Result<String, TokenRefusal> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| TokenRefusal::Malformed)?;
    if !ACCEPTED_ALGORITHMS.contains(&header.alg) {
        return Err(TokenRefusal::Algorithm);
    }
    let keys = candidate_keys(jwks, header.alg, header.kid.as_deref());
    if keys.is_empty() {
        return Err(TokenRefusal::NoKey);
    }
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[expected.issuer]);
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = CLOCK_SKEW_SECONDS.unsigned_abs();
    validation.validate_nbf = true;
    let mut outcome = Err(TokenRefusal::Signature);
    for key in &keys {
        match jsonwebtoken::decode::<serde_json::Value>(id_token, key, &validation) {
            Ok(data) => {
                outcome = Ok(data.claims);
                break;
            }
            // Another key of the set may have signed it.
            Err(error) if refusal_of(&error) == TokenRefusal::Signature => {}
            Err(error) => {
                outcome = Err(refusal_of(&error));
                break;
            }
        }
    }
    let claims = outcome?;
    // `aud` holds exactly this client (no other audiences); `azp`, when present, is this client.
    let audience_ok = match claims.get("aud") {
        Some(serde_json::Value::String(audience)) => audience == expected.client_id,
        Some(serde_json::Value::Array(audiences)) => {
            audiences.len() == 1 && audiences[0].as_str() == Some(expected.client_id)
        }
        _ => false,
    };
    let azp_ok = match claims.get("azp") {
        None => true,
        Some(azp) => azp.as_str() == Some(expected.client_id),
    };
    if !audience_ok || !azp_ok {
        return Err(TokenRefusal::Audience);
    }
    let now = expected.now.timestamp();
    let Some(issued_at) = claims.get("iat").and_then(serde_json::Value::as_i64) else {
        return Err(TokenRefusal::MissingClaim);
    };
    if issued_at > now + CLOCK_SKEW_SECONDS || issued_at < now - MAXIMUM_ID_TOKEN_AGE_SECONDS {
        return Err(TokenRefusal::IssuedAt);
    }
    let nonce_ok = claims
        .get("nonce")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|nonce| {
            !expected.nonce.is_empty()
                && nonce.len() == expected.nonce.len()
                && bool::from(nonce.as_bytes().ct_eq(expected.nonce.as_bytes()))
        });
    if !nonce_ok {
        return Err(TokenRefusal::Nonce);
    }
    let subject = claims
        .get(expected.subject_claim)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|subject| {
            !subject.is_empty() && subject.chars().count() <= MAXIMUM_SUBJECT_CHARACTERS
        })
        .ok_or(TokenRefusal::SubjectClaim)?;
    Ok(subject.to_string())
}

/// base64url without padding (PKCE, JWK coordinates).
pub fn base64_url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Service {
    /// Sets (or replaces) the OIDC issuer of `organisation`. The admin of the organisation or
    /// the local operator; audited as `configure_oidc` (issuer and client id, never the secret),
    /// with a change note carrying `why`. Replacing the issuer drops the links made for the old
    /// one.
    pub fn configure_oidc(
        &mut self,
        actor: &Actor,
        organisation: &str,
        settings: &OidcSettings<'_>,
        why: &str,
    ) -> Result<(), ServiceError> {
        let organisation = self.organisation_for(actor, Operation::ConfigureOidc, organisation)?;
        let checked = check_settings(settings);
        let credential = check_credential(settings.credential);
        let authentication = match &credential {
            Ok(CheckedCredential::PrivateKey(key)) => format!(
                "private_key_jwt {} kid {}",
                key.algorithm().code(),
                key.kid()
            ),
            _ => "client_secret_basic".to_string(),
        };
        let detail = format!(
            "issuer {} client {} auth {authentication}",
            settings.issuer.trim(),
            settings.client_id.trim()
        );
        self.perform(
            actor,
            Operation::ConfigureOidc,
            Some(organisation.id),
            "oidc",
            Some(&detail),
            |store, label| {
                let subject_claim = checked?;
                if why.trim().is_empty() {
                    return Err(invalid(
                        "een reden (--why) is verplicht / a reason (--why) is required",
                    ));
                }
                let (client_authentication, client_secret, client_key) = match credential? {
                    CheckedCredential::Secret(secret) => {
                        (OidcClientAuthentication::ClientSecretBasic, secret, None)
                    }
                    CheckedCredential::PrivateKey(key) => (
                        OidcClientAuthentication::PrivateKeyJwt,
                        Vec::new(),
                        Some(key.pkcs8().to_vec()),
                    ),
                };
                store.set_oidc_provider(
                    &OidcProviderRecord {
                        organisation_id: organisation.id,
                        issuer: settings.issuer.trim().to_string(),
                        client_id: settings.client_id.trim().to_string(),
                        client_authentication,
                        client_secret,
                        redirect_uri: settings.redirect_uri.trim().to_string(),
                        subject_claim,
                    },
                    client_key.as_deref(),
                )?;
                store.record_change_note(Some(organisation.id), "oidc", "configure", why, label)?;
                Ok(())
            },
        )
    }

    /// Links `subject` (the value of the configured claim at the organisation's issuer) to the
    /// user called `user_name` of `organisation`. Audited as `manage_credentials` without the
    /// subject.
    pub fn link_oidc_subject(
        &mut self,
        actor: &Actor,
        organisation: &str,
        user_name: &str,
        subject: &str,
        why: &str,
    ) -> Result<(), ServiceError> {
        let organisation =
            self.organisation_for(actor, Operation::ManageCredentials, organisation)?;
        let user = self
            .store
            .users(organisation.id)
            .map_err(ServiceError::from)
            .and_then(|users| {
                users
                    .into_iter()
                    .find(|user| user.name == user_name.trim())
                    .ok_or_else(|| ServiceError::NotFound {
                        what: "user",
                        name: user_name.to_string(),
                    })
            });
        let provider = self.store.oidc_provider(organisation.id);
        let object = match &user {
            Ok(user) => format!("user:{} oidc-link", user.id),
            Err(_) => "user oidc-link".to_string(),
        };
        self.perform(
            actor,
            Operation::ManageCredentials,
            Some(organisation.id),
            &object,
            None,
            |store, label| {
                let user = user?;
                let Some(provider) = provider? else {
                    return Err(ServiceError::NotFound {
                        what: "oidc configuration",
                        name: organisation.name.clone(),
                    });
                };
                let subject = subject.trim();
                if subject.is_empty() || subject.chars().count() > MAXIMUM_SUBJECT_CHARACTERS {
                    return Err(invalid(
                        "het subject ontbreekt of is te lang / the subject is missing or too long",
                    ));
                }
                if why.trim().is_empty() {
                    return Err(invalid(
                        "een reden (--why) is verplicht / a reason (--why) is required",
                    ));
                }
                store.link_oidc_subject(
                    organisation.id,
                    &subject_hash(&provider.issuer, subject),
                    user.id,
                )?;
                store.record_change_note(
                    Some(organisation.id),
                    &format!("user:{}", user.id),
                    "oidc link",
                    why,
                    label,
                )?;
                Ok(())
            },
        )
    }

    /// The issuer configured for the organisation called `organisation`, for the start of a
    /// login (not audited: the login is). "Not found" when it has none.
    pub fn oidc_client(&self, organisation: &str) -> Result<OidcClient, ServiceError> {
        let found = self.store.organisation(organisation.trim())?;
        self.oidc_client_by_id(found.id)
    }

    /// `oidc_client` by the organisation's id (the callback knows only that).
    pub fn oidc_client_by_id(&self, organisation_id: i64) -> Result<OidcClient, ServiceError> {
        let organisation = self.store.organisation_by_id(organisation_id)?;
        let Some(record) = self.store.oidc_provider(organisation_id)? else {
            return Err(ServiceError::NotFound {
                what: "oidc configuration",
                name: organisation.name,
            });
        };
        let authentication = match record.client_authentication {
            OidcClientAuthentication::ClientSecretBasic => ClientAuthentication::Secret(
                String::from_utf8_lossy(&record.client_secret).into_owned(),
            ),
            OidcClientAuthentication::PrivateKeyJwt => {
                let key = self
                    .store
                    .oidc_client_key(organisation_id)?
                    .ok_or_else(|| ServiceError::NotFound {
                        what: "oidc client key",
                        name: organisation.name.clone(),
                    })
                    .and_then(|der| {
                        ClientSigningKey::from_pkcs8(&der)
                            .map_err(|error| ServiceError::InvalidInput(error.to_string()))
                    })?;
                ClientAuthentication::PrivateKey(std::sync::Arc::new(key))
            }
        };
        Ok(OidcClient {
            organisation_id,
            organisation: organisation.name,
            issuer: record.issuer,
            client_id: record.client_id,
            redirect_uri: record.redirect_uri,
            authentication,
        })
    }

    /// The public JWKS of `organisation`'s OIDC client key (`private_key_jwt`), to register the
    /// client at the issuer. Public information, never the private key; the admin of the
    /// organisation or the local operator (the `configure_oidc` row of the role table). Not
    /// audited: it reads no data and changes nothing. "Not found" when the organisation's client
    /// uses a secret.
    pub fn oidc_client_jwks(
        &mut self,
        actor: &Actor,
        organisation: &str,
    ) -> Result<serde_json::Value, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::ConfigureOidc, organisation)?;
        crate::actor::authorize(
            &self.store,
            actor,
            Operation::ConfigureOidc,
            Some(organisation.id),
        )?;
        let client = self.oidc_client_by_id(organisation.id)?;
        match &client.authentication {
            ClientAuthentication::PrivateKey(key) => Ok(key.public_jwks()),
            ClientAuthentication::Secret(_) => Err(ServiceError::NotFound {
                what: "oidc client key",
                name: organisation.name,
            }),
        }
    }

    /// The same public JWKS without an actor, for the issuer to fetch from Peil's
    /// `/login/oidc/{organisation}/jwks.json` (registered as the client's `jwks_uri`, so a new
    /// key reaches the issuer without a manual step). Public keys only; not audited (it reads no
    /// data and changes nothing). An organisation that does not exist, has no issuer or uses a
    /// secret gets one answer: an empty key set, so the route tells nothing about which
    /// organisations exist.
    pub fn oidc_client_public_jwks(
        &self,
        organisation: &str,
    ) -> Result<serde_json::Value, ServiceError> {
        let client = match self.oidc_client(organisation) {
            Ok(client) => client,
            Err(ServiceError::NotFound { .. }) => return Ok(serde_json::json!({"keys": []})),
            Err(error) => return Err(error),
        };
        match &client.authentication {
            ClientAuthentication::PrivateKey(key) => Ok(key.public_jwks()),
            ClientAuthentication::Secret(_) => Ok(serde_json::json!({"keys": []})),
        }
    }

    fn audit_oidc_login(
        &mut self,
        actor_label: &str,
        object: &str,
        result: AuditResult,
        detail: &str,
        origin: &str,
    ) -> Result<(), ServiceError> {
        let origin = if origin.trim().is_empty() {
            self.origin.clone()
        } else {
            origin.to_string()
        };
        let entry = AuditEntry {
            action: Operation::Login.audit_action(),
            object: audit_text(&format!("{} {object}", Operation::Login.code()), 256),
            result,
            actor: audit_text(actor_label, 128),
            origin: audit_text(&origin, 128),
            at: Utc::now(),
            detail: Some(audit_text(detail, 2048)),
        };
        self.audit.append(&entry)?;
        Ok(())
    }

    /// Records an OIDC login refused before there was an ID token to validate (wrong or missing
    /// state, the issuer's error, a failed token request). `reason` is a fixed text of the
    /// server, never a value from the request.
    pub fn refuse_oidc_login(
        &mut self,
        organisation_id: Option<i64>,
        reason: &str,
        origin: &str,
    ) -> Result<(), ServiceError> {
        let object = match organisation_id {
            Some(id) => format!("organisation:{id} oidc"),
            None => "oidc".to_string(),
        };
        self.audit_oidc_login(
            "anonymous",
            &object,
            AuditResult::Refused,
            &format!("oidc: {reason}"),
            origin,
        )?;
        tracing::info!(reason, "oidc login refused");
        Ok(())
    }

    /// Completes an OIDC login: validates the ID token, maps its subject to the linked user of
    /// the organisation and creates a session (no TOTP: the issuer authenticated the person).
    /// Audited as `login` whatever the outcome, never with the subject.
    pub fn login_oidc(
        &mut self,
        attempt: &OidcLoginAttempt<'_>,
        policy: &AuthPolicy,
    ) -> Result<NewSession, AuthError> {
        let now = Utc::now();
        let organisation_id = attempt.organisation_id;
        let Some(provider) = self.store.oidc_provider(organisation_id)? else {
            self.refuse_oidc_login(Some(organisation_id), "not configured", attempt.origin)?;
            return Err(AuthError::InvalidCredentials);
        };
        let expected = Expectation {
            issuer: &provider.issuer,
            client_id: &provider.client_id,
            nonce: attempt.nonce,
            subject_claim: &provider.subject_claim,
            now,
        };
        let subject = match validate_id_token(attempt.id_token, attempt.jwks, &expected) {
            Ok(subject) => subject,
            Err(refusal) => {
                self.refuse_oidc_login(Some(organisation_id), refusal.code(), attempt.origin)?;
                return Err(AuthError::InvalidCredentials);
            }
        };
        let hash = subject_hash(&provider.issuer, &subject);
        drop(subject);
        let Some(user) = self.store.oidc_linked_user(organisation_id, &hash)? else {
            self.refuse_oidc_login(Some(organisation_id), "unknown subject", attempt.origin)?;
            return Err(AuthError::InvalidCredentials);
        };
        if user.organisation_id != organisation_id {
            self.refuse_oidc_login(Some(organisation_id), "unknown subject", attempt.origin)?;
            return Err(AuthError::InvalidCredentials);
        }
        self.store
            .delete_expired_sessions(now - policy.idle_timeout, now - policy.absolute_timeout)?;
        let token = random_hex()?;
        let csrf_token = random_hex()?;
        self.store
            .create_session(&token_hash(&token), user.id, &token_hash(&csrf_token), now)?;
        let organisation = self.store.organisation_by_id(user.organisation_id)?.name;
        self.audit_oidc_login(
            &Actor::User(user.clone()).audit_label(),
            &format!("organisation:{} user:{}", user.organisation_id, user.id),
            AuditResult::Succeeded,
            "oidc",
            attempt.origin,
        )?;
        tracing::info!(user = user.id, "oidc login");
        Ok(NewSession {
            token,
            csrf_token,
            user,
            organisation,
            expires_at: now + Duration::seconds(policy.absolute_timeout.num_seconds()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_https_or_loopback_http() {
        assert!(is_acceptable_url("https://idp.example/realms/x"));
        assert!(is_acceptable_url("http://127.0.0.1:8080/issuer"));
        assert!(is_acceptable_url("http://localhost:1"));
        assert!(!is_acceptable_url("http://idp.example"));
        assert!(!is_acceptable_url("http://127.0.0.1.evil.example/"));
        assert!(!is_acceptable_url("ftp://idp.example"));
        assert!(!is_acceptable_url("https://"));
    }

    #[test]
    fn settings_need_the_callback_path_and_a_simple_claim() {
        let mut settings = OidcSettings {
            issuer: "https://idp.example",
            client_id: "peil",
            credential: ClientCredential::Secret(b"secret"),
            redirect_uri: "https://peil.example/login/oidc/callback",
            subject_claim: None,
        };
        assert_eq!(check_settings(&settings).ok().as_deref(), Some("sub"));
        settings.redirect_uri = "https://peil.example/elsewhere";
        assert!(check_settings(&settings).is_err());
        settings.redirect_uri = "https://peil.example/login/oidc/callback";
        settings.subject_claim = Some("a b");
        assert!(check_settings(&settings).is_err());
    }

    #[test]
    fn subject_hashes_depend_on_the_issuer() {
        assert_ne!(
            subject_hash("https://a.example", "123"),
            subject_hash("https://b.example", "123")
        );
        assert_eq!(subject_hash("https://a.example", "123").len(), 32);
    }

    #[test]
    fn tokens_without_a_usable_key_or_shape_are_refused() {
        let expected = Expectation {
            issuer: "https://idp.example",
            client_id: "peil",
            nonce: "n",
            subject_claim: "sub",
            now: Utc::now(),
        };
        assert_eq!(
            validate_id_token("not a token", b"{\"keys\":[]}", &expected),
            Err(TokenRefusal::Malformed)
        );
        // alg "none" and HS256 are never accepted.
        let none = format!(
            "{}.{}.",
            base64_url(b"{\"alg\":\"none\"}"),
            base64_url(b"{}")
        );
        assert!(validate_id_token(&none, b"{\"keys\":[]}", &expected).is_err());
        let hs = format!(
            "{}.{}.c2ln",
            base64_url(b"{\"alg\":\"HS256\"}"),
            base64_url(b"{}")
        );
        assert_eq!(
            validate_id_token(&hs, b"{\"keys\":[]}", &expected),
            Err(TokenRefusal::Algorithm)
        );
        let es = format!(
            "{}.{}.c2ln",
            base64_url(b"{\"alg\":\"ES256\",\"kid\":\"k\"}"),
            base64_url(b"{}")
        );
        assert_eq!(
            validate_id_token(&es, b"{\"keys\":[]}", &expected),
            Err(TokenRefusal::NoKey)
        );
    }
}
