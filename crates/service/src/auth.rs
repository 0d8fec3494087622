//! Authentication: local accounts (Argon2id passwords, TOTP second factor), server-side
//! sessions and API tokens scoped to one workspace and role.
//!
//! * Passwords: at least `MINIMUM_PASSWORD_CHARACTERS` characters, not the user name; stored only
//!   as an Argon2id PHC string. Never logged, never audited, never part of an error message.
//! * TOTP (RFC 6238, SHA-1, 6 digits, 30 s, ±1 step): required for `admin` and `fg`, checked for
//!   every user who enrolled. A code is accepted once (the last step is remembered). The secret
//!   is shown exactly once, as an `otpauth://` URI at enrolment, and never returned afterwards.
//! * Lockout: after `AuthPolicy::max_failures` failed logins the account is locked for
//!   `AuthPolicy::lockout`. Unknown names cost the same Argon2id work as known ones.
//! * Sessions: a random 256-bit token (hex) in the client's cookie; the store keeps its SHA-256
//!   hash, the hash of the session's CSRF token, the creation time and the last activity. Idle
//!   and absolute timeouts; a new token at every login; logout deletes the row.
//! * API tokens: random 256-bit, stored hashed, scoped to one workspace and one role, with an
//!   expiry; an admin issues them for a workspace of their own organisation (never the `fg`
//!   role, which only a person holds).
//!
//! Every login (successful or refused), logout, credential change and token issue leaves one
//! audit entry; refused logins record the reason but never the password, the code or a name that
//! does not exist (it could be a mistyped password).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use peil_audit::{AuditEntry, AuditResult};
use peil_model::{Role, User};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::operation::Operation;
use crate::{audit_text, Actor, Service, ServiceError};

/// The shortest password accepted.
pub const MINIMUM_PASSWORD_CHARACTERS: usize = 12;
/// The longest password accepted (bounds the hashing work an attacker can cause).
pub const MAXIMUM_PASSWORD_CHARACTERS: usize = 1024;
/// Issuer shown in authenticator apps.
pub const TOTP_ISSUER: &str = "Peil";
const TOTP_STEP_SECONDS: u64 = 30;
const TOTP_DIGITS: usize = 6;
const TOTP_SECRET_BYTES: usize = 20;
const TOKEN_BYTES: usize = 32;

/// Timeouts and limits of authentication (configurable, e.g. short timeouts in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthPolicy {
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after login, whatever its activity.
    pub absolute_timeout: Duration,
    /// Failed logins before the account is locked.
    pub max_failures: u32,
    /// How long a locked account stays locked.
    pub lockout: Duration,
    /// How long an API token is valid.
    pub api_token_lifetime: Duration,
}

impl Default for AuthPolicy {
    fn default() -> AuthPolicy {
        AuthPolicy {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            max_failures: 5,
            lockout: Duration::minutes(15),
            api_token_lifetime: Duration::days(90),
        }
    }
}

/// Why authentication failed. The server maps each to a code and status (`describe`).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Name, password or TOTP code wrong (one answer for all, so nothing is revealed).
    #[error("naam, wachtwoord of code onjuist (beheerders en FG hebben een TOTP-code nodig) / name, password or code incorrect (admin and fg need a TOTP code)")]
    InvalidCredentials,
    /// Too many failed logins.
    #[error("te veel mislukte pogingen; probeer het later opnieuw / too many failed attempts; try again later")]
    LockedOut { until: DateTime<Utc> },
    /// No session or token, or an expired, unknown or revoked one.
    #[error("niet ingelogd of sessie verlopen / not logged in or session expired")]
    Unauthenticated,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<peil_store::StoreError> for AuthError {
    fn from(error: peil_store::StoreError) -> AuthError {
        AuthError::Service(ServiceError::from(error))
    }
}

impl From<peil_audit::AuditError> for AuthError {
    fn from(error: peil_audit::AuditError) -> AuthError {
        AuthError::Service(ServiceError::from(error))
    }
}

/// A session just created by `Service::login`. The tokens exist only here and in the client.
#[derive(Clone)]
pub struct NewSession {
    /// The session token (64 hex characters) for the cookie.
    pub token: String,
    /// The CSRF token (64 hex characters) the client sends back in `X-CSRF-Token`.
    pub csrf_token: String,
    pub user: User,
    pub organisation: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NewSession")
            .field("user", &self.user.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Who a valid session belongs to.
#[derive(Debug, Clone)]
pub struct SessionActor {
    pub actor: Actor,
    pub user: User,
    pub organisation: String,
    pub created_at: DateTime<Utc>,
    csrf_hash: Vec<u8>,
}

impl SessionActor {
    /// Whether `presented` is this session's CSRF token (constant-time comparison of hashes).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        let presented_hash = sha256(presented.trim().as_bytes());
        bool::from(presented_hash.as_slice().ct_eq(&self.csrf_hash))
    }
}

/// Who a valid API token acts as: a user of one organisation, with the token's role, only on the
/// token's workspace.
#[derive(Debug, Clone)]
pub struct TokenActor {
    pub actor: Actor,
    pub organisation: String,
    pub workspace_id: i64,
    pub workspace: String,
    pub token_id: i64,
}

/// An API token just issued; the token itself is shown only here.
#[derive(Clone)]
pub struct IssuedApiToken {
    pub id: i64,
    pub token: String,
    pub workspace_id: i64,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedApiToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("IssuedApiToken")
            .field("id", &self.id)
            .field("workspace_id", &self.workspace_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The result of TOTP enrolment: the URI for an authenticator app, shown once.
#[derive(Clone)]
pub struct TotpEnrolment {
    pub otpauth_uri: String,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("TotpEnrolment { .. }")
    }
}

/// What a login attempt presents.
pub struct LoginAttempt<'a> {
    pub name: &'a str,
    pub password: &'a str,
    pub totp_code: Option<&'a str>,
    /// Where the attempt came from, for the audit entry (e.g. `http 127.0.0.1`).
    pub origin: &'a str,
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// The stored hash of a session or API token.
pub fn token_hash(token: &str) -> Vec<u8> {
    sha256(token.trim().as_bytes())
}

fn random_bytes<const N: usize>() -> Result<[u8; N], ServiceError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|error| ServiceError::InvalidInput(format!("no randomness available: {error}")))?;
    Ok(bytes)
}

fn random_token() -> Result<String, ServiceError> {
    Ok(hex::encode(random_bytes::<TOKEN_BYTES>()?))
}

/// Whether a password may be used for `user_name`.
pub fn check_password_policy(user_name: &str, password: &str) -> Result<(), ServiceError> {
    let characters = password.chars().count();
    if characters < MINIMUM_PASSWORD_CHARACTERS {
        return Err(ServiceError::InvalidInput(format!(
            "een wachtwoord heeft minstens {MINIMUM_PASSWORD_CHARACTERS} tekens / a password needs at least {MINIMUM_PASSWORD_CHARACTERS} characters"
        )));
    }
    if characters > MAXIMUM_PASSWORD_CHARACTERS {
        return Err(ServiceError::InvalidInput(format!(
            "een wachtwoord heeft hoogstens {MAXIMUM_PASSWORD_CHARACTERS} tekens / a password has at most {MAXIMUM_PASSWORD_CHARACTERS} characters"
        )));
    }
    if password.trim().to_lowercase() == user_name.trim().to_lowercase() {
        return Err(ServiceError::InvalidInput(
            "het wachtwoord mag niet de gebruikersnaam zijn / the password may not be the user name"
                .to_string(),
        ));
    }
    Ok(())
}

fn hash_password(password: &str) -> Result<String, ServiceError> {
    let salt_bytes = random_bytes::<16>()?;
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|error| ServiceError::InvalidInput(format!("salt: {error}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| ServiceError::InvalidInput(format!("password hashing failed: {error}")))
}

/// Verifies `password` against a stored PHC string; with no hash, does the same work against a
/// fixed one so that unknown users and users without a password take as long as others.
fn verify_password(password: &str, stored: Option<&str>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0yYyDn3tFvWA3rB6ZN8Vv+0C4aB8t1a6aNQ2e0o0Jno";
    let (phc, real) = match stored {
        Some(phc) => (phc, true),
        None => (DUMMY, false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

fn totp(secret: &[u8]) -> totp_rs::TOTP {
    totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        TOTP_DIGITS,
        1,
        TOTP_STEP_SECONDS,
        secret.to_vec(),
    )
}

/// The time step of `code` within ±1 step of `now`, if it matches and is newer than `last_step`.
fn totp_step_of(
    secret: &[u8],
    code: &str,
    now: DateTime<Utc>,
    last_step: Option<i64>,
) -> Option<i64> {
    let code = code.trim();
    if code.len() != TOTP_DIGITS || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let generator = totp(secret);
    let current = u64::try_from(now.timestamp()).ok()? / TOTP_STEP_SECONDS;
    let mut found = None;
    for step in current.saturating_sub(1)..=current + 1 {
        let expected = generator.generate(step * TOTP_STEP_SECONDS);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = i64::try_from(step).ok();
        }
    }
    let step = found?;
    match last_step {
        Some(last) if step <= last => None,
        _ => Some(step),
    }
}

/// The current TOTP code for a secret (for tests and the enrolment check of an operator).
pub fn totp_code_at(secret_base32: &str, at: DateTime<Utc>) -> Option<String> {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .ok()?;
    let seconds = u64::try_from(at.timestamp()).ok()?;
    Some(totp(&secret).generate(seconds))
}

/// The base32 secret inside an `otpauth://` URI (for tests and operators' tooling).
pub fn totp_secret_of_uri(uri: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("secret="))
        .map(str::to_string)
}

fn percent_encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn requires_second_factor(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Fg)
}

/// Which roles a token issued by `issuer` may carry: an admin issues admin, analyst or webcare
/// tokens; nobody issues an `fg` token (oversight is a person's task).
fn may_issue(issuer: Role, token_role: Role) -> bool {
    issuer == Role::Admin && token_role != Role::Fg
}

impl Service {
    /// Appends one audit entry for an authentication event (which has no actor yet when it
    /// fails). `object` starts with the operation's code.
    fn audit_auth(
        &mut self,
        operation: Operation,
        actor_label: &str,
        object: &str,
        result: AuditResult,
        detail: Option<&str>,
        origin: &str,
    ) -> Result<(), ServiceError> {
        let origin = if origin.trim().is_empty() {
            self.origin.clone()
        } else {
            origin.to_string()
        };
        let entry = AuditEntry {
            action: operation.audit_action(),
            object: audit_text(&format!("{} {object}", operation.code()), 256),
            result,
            actor: audit_text(actor_label, 128),
            origin: audit_text(&origin, 128),
            at: Utc::now(),
            detail: detail.map(|text| audit_text(text, 2048)),
        };
        self.audit.append(&entry)?;
        Ok(())
    }

    /// The one user called `name` that the actor may manage (a user: only in their own
    /// organisation; the local operator: a unique name anywhere).
    fn credential_target(&self, actor: &Actor, name: &str) -> Result<User, ServiceError> {
        let candidates: Vec<User> = self
            .store
            .users_named(name.trim())?
            .into_iter()
            .filter(|user| {
                actor
                    .organisation_id()
                    .is_none_or(|own| own == user.organisation_id)
            })
            .collect();
        match candidates.as_slice() {
            [user] => Ok(user.clone()),
            [] => Err(ServiceError::NotFound {
                what: "user",
                name: name.to_string(),
            }),
            _ => Err(ServiceError::InvalidInput(format!(
                "de gebruikersnaam `{name}` bestaat in meerdere organisaties / user name `{name}` exists in several organisations"
            ))),
        }
    }

    /// Sets the password of the user called `user_name` (policy: at least 12 characters, not the
    /// user name). Ends the user's sessions and lifts a lockout.
    pub fn set_password(
        &mut self,
        actor: &Actor,
        user_name: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        let target = self.credential_target(actor, user_name);
        let organisation_id = target.as_ref().ok().map(|user| user.organisation_id);
        let object = match &target {
            Ok(user) => format!("user:{} password", user.id),
            Err(_) => "user password".to_string(),
        };
        self.perform(
            actor,
            Operation::ManageCredentials,
            organisation_id,
            &object,
            None,
            |store, _| {
                let user = target?;
                check_password_policy(&user.name, password)?;
                let phc = hash_password(password)?;
                store.set_password_hash(user.id, &phc)?;
                Ok(())
            },
        )
    }

    /// Enrols (or re-enrols) the user called `user_name` for TOTP: a new random secret, shown
    /// once as an `otpauth://` URI. Ends the user's sessions.
    pub fn enrol_totp(
        &mut self,
        actor: &Actor,
        user_name: &str,
    ) -> Result<TotpEnrolment, ServiceError> {
        let target = self.credential_target(actor, user_name);
        let organisation_id = target.as_ref().ok().map(|user| user.organisation_id);
        let object = match &target {
            Ok(user) => format!("user:{} totp", user.id),
            Err(_) => "user totp".to_string(),
        };
        self.perform(
            actor,
            Operation::ManageCredentials,
            organisation_id,
            &object,
            None,
            |store, _| {
                let user = target?;
                let secret = random_bytes::<TOTP_SECRET_BYTES>()?;
                store.set_totp_secret(user.id, &secret)?;
                let encoded = match totp_rs::Secret::Raw(secret.to_vec()).to_encoded() {
                    totp_rs::Secret::Encoded(text) => text,
                    totp_rs::Secret::Raw(_) => String::new(),
                };
                let label = format!("{TOTP_ISSUER}:{}", user.name);
                Ok(TotpEnrolment {
                    otpauth_uri: format!(
                        "otpauth://totp/{}?secret={encoded}&issuer={TOTP_ISSUER}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
                        percent_encode(&label)
                    ),
                })
            },
        )
    }

    /// Logs in with name, password and (for admin, fg and everyone enrolled) a TOTP code.
    /// Returns a new session; audited as `login` whatever the outcome.
    pub fn login(
        &mut self,
        attempt: &LoginAttempt<'_>,
        policy: &AuthPolicy,
    ) -> Result<NewSession, AuthError> {
        self.login_at(attempt, policy, Utc::now())
    }

    /// `login` at a given moment (tests).
    pub fn login_at(
        &mut self,
        attempt: &LoginAttempt<'_>,
        policy: &AuthPolicy,
        now: DateTime<Utc>,
    ) -> Result<NewSession, AuthError> {
        let started = Utc::now();
        let users = self.store.users_named(attempt.name.trim())?;
        let [user] = users.as_slice() else {
            // Unknown (or ambiguous) name: the same hashing work, no name in the log.
            verify_password(attempt.password, None);
            self.audit_auth(
                Operation::Login,
                "anonymous",
                "unknown-user",
                AuditResult::Refused,
                Some("unknown user"),
                attempt.origin,
            )?;
            return Err(AuthError::InvalidCredentials);
        };
        let user = user.clone();
        let actor_label = Actor::User(user.clone()).audit_label();
        let object = format!("organisation:{} user:{}", user.organisation_id, user.id);
        let credentials = self.store.credentials(user.id)?;
        if let Some(until) = credentials.locked_until.filter(|until| *until > now) {
            self.audit_auth(
                Operation::Login,
                &actor_label,
                &object,
                AuditResult::Refused,
                Some("locked"),
                attempt.origin,
            )?;
            return Err(AuthError::LockedOut { until });
        }
        let password_ok = verify_password(attempt.password, credentials.password_hash.as_deref());
        let needs_code = requires_second_factor(user.role) || credentials.totp_secret.is_some();
        let mut totp_step = None;
        let refusal = if !password_ok {
            Some("password")
        } else if needs_code {
            match (&credentials.totp_secret, attempt.totp_code) {
                (None, _) => Some("totp not enrolled"),
                (Some(_), None) => Some("totp code missing"),
                (Some(secret), Some(code)) => {
                    totp_step = totp_step_of(secret, code, now, credentials.totp_last_step);
                    totp_step.is_none().then_some("totp code")
                }
            }
        } else {
            None
        };
        if let Some(reason) = refusal {
            let (failures, locked) = self.store.record_failed_login(
                user.id,
                now,
                policy.max_failures,
                policy.lockout,
            )?;
            let detail = match locked {
                Some(_) => format!("{reason}; failure {failures}; locked"),
                None => format!("{reason}; failure {failures}"),
            };
            self.audit_auth(
                Operation::Login,
                &actor_label,
                &object,
                AuditResult::Refused,
                Some(&detail),
                attempt.origin,
            )?;
            tracing::info!(user = user.id, "login refused");
            return Err(AuthError::InvalidCredentials);
        }
        // The session starts after the (deliberately slow) password check.
        let now = now + (Utc::now() - started).max(Duration::zero());
        self.store.record_successful_login(user.id, totp_step)?;
        self.store
            .delete_expired_sessions(now - policy.idle_timeout, now - policy.absolute_timeout)?;
        let token = random_token()?;
        let csrf_token = random_token()?;
        self.store
            .create_session(&token_hash(&token), user.id, &token_hash(&csrf_token), now)?;
        let organisation = self.store.organisation_by_id(user.organisation_id)?.name;
        self.audit_auth(
            Operation::Login,
            &actor_label,
            &object,
            AuditResult::Succeeded,
            None,
            attempt.origin,
        )?;
        Ok(NewSession {
            token,
            csrf_token,
            user,
            organisation,
            expires_at: now + policy.absolute_timeout,
        })
    }

    /// The actor of a session token; refuses unknown and expired sessions (deleting the latter)
    /// and records the activity. Not audited (the operation the session performs is).
    pub fn session_actor(
        &mut self,
        token: &str,
        policy: &AuthPolicy,
    ) -> Result<SessionActor, AuthError> {
        self.session_actor_at(token, policy, Utc::now())
    }

    /// `session_actor` at a given moment (tests).
    pub fn session_actor_at(
        &mut self,
        token: &str,
        policy: &AuthPolicy,
        now: DateTime<Utc>,
    ) -> Result<SessionActor, AuthError> {
        let hash = token_hash(token);
        let Some(session) = self.store.session(&hash)? else {
            return Err(AuthError::Unauthenticated);
        };
        let idle = now - session.last_seen > policy.idle_timeout;
        let too_old = now - session.created_at > policy.absolute_timeout;
        if idle || too_old {
            self.store.delete_session(&hash)?;
            return Err(AuthError::Unauthenticated);
        }
        self.store.touch_session(&hash, now)?;
        let organisation = self
            .store
            .organisation_by_id(session.user.organisation_id)?
            .name;
        Ok(SessionActor {
            actor: Actor::User(session.user.clone()),
            user: session.user,
            organisation,
            created_at: session.created_at,
            csrf_hash: session.csrf_hash,
        })
    }

    /// Ends a session; audited as `logout`.
    pub fn logout(&mut self, token: &str, origin: &str) -> Result<(), AuthError> {
        let hash = token_hash(token);
        let Some(session) = self.store.session(&hash)? else {
            return Err(AuthError::Unauthenticated);
        };
        self.store.delete_session(&hash)?;
        let actor_label = Actor::User(session.user.clone()).audit_label();
        self.audit_auth(
            Operation::Logout,
            &actor_label,
            &format!(
                "organisation:{} user:{}",
                session.user.organisation_id, session.user.id
            ),
            AuditResult::Succeeded,
            None,
            origin,
        )?;
        Ok(())
    }

    /// Issues an API token for the workspace with `workspace_id` (of the actor's organisation)
    /// and `role`. The token is returned once; the store keeps its hash.
    pub fn issue_api_token(
        &mut self,
        actor: &Actor,
        workspace_id: i64,
        role: Role,
        policy: &AuthPolicy,
    ) -> Result<IssuedApiToken, ServiceError> {
        let workspace = self
            .store
            .workspace_by_id(workspace_id)
            .map_err(ServiceError::from)
            .and_then(|workspace| match actor.organisation_id() {
                Some(own) if own != workspace.organisation_id => Err(ServiceError::NotFound {
                    what: "workspace",
                    name: workspace_id.to_string(),
                }),
                _ => Ok(workspace),
            });
        let (organisation_id, object) = match &workspace {
            Ok(workspace) => (
                Some(workspace.organisation_id),
                format!("workspace:{}", workspace.name),
            ),
            Err(_) => (actor.organisation_id(), format!("workspace:{workspace_id}")),
        };
        let now = Utc::now();
        self.perform(
            actor,
            Operation::IssueApiToken,
            organisation_id,
            &object,
            Some(role.code()),
            |store, _| {
                let workspace = workspace?;
                let Actor::User(issuer) = actor else {
                    return Err(ServiceError::Forbidden(
                        "een API-token hoort bij een gebruiker / an API token belongs to a user"
                            .to_string(),
                    ));
                };
                if !may_issue(issuer.role, role) {
                    return Err(ServiceError::Forbidden(format!(
                        "rol {} mag geen token met rol {role} uitgeven / role {} may not issue a {role} token",
                        issuer.role, issuer.role
                    )));
                }
                let token = random_token()?;
                let expires_at = now + policy.api_token_lifetime;
                let id = store.create_api_token(
                    &token_hash(&token),
                    issuer.id,
                    workspace.id,
                    role,
                    now,
                    expires_at,
                )?;
                Ok(IssuedApiToken {
                    id,
                    token,
                    workspace_id: workspace.id,
                    role,
                    expires_at,
                })
            },
        )
    }

    /// The actor of an API token (the issuing user's organisation, the token's role), limited to
    /// the token's workspace. Refuses unknown, expired and revoked tokens. Not audited (the
    /// operation performed with it is).
    pub fn token_actor(&mut self, token: &str) -> Result<TokenActor, AuthError> {
        let Some(record) = self.store.api_token(&token_hash(token))? else {
            return Err(AuthError::Unauthenticated);
        };
        if record.revoked || record.expires_at <= Utc::now() {
            return Err(AuthError::Unauthenticated);
        }
        let workspace = self.store.workspace_by_id(record.workspace_id)?;
        if workspace.organisation_id != record.user.organisation_id {
            return Err(AuthError::Unauthenticated);
        }
        let organisation = self
            .store
            .organisation_by_id(workspace.organisation_id)?
            .name;
        let user = User {
            role: record.role,
            ..record.user
        };
        Ok(TokenActor {
            actor: Actor::User(user),
            organisation,
            workspace_id: workspace.id,
            workspace: workspace.name,
            token_id: record.id,
        })
    }

    /// The name of the workspace with `id` as `actor` sees it (another organisation's id answers
    /// "not found"). For the HTTP API, which addresses workspaces by id; the operation performed
    /// on the workspace then audits the access.
    pub fn workspace_name(&self, actor: &Actor, id: i64) -> Result<String, ServiceError> {
        let not_found = || ServiceError::NotFound {
            what: "workspace",
            name: id.to_string(),
        };
        let workspace = self.store.workspace_by_id(id).map_err(|_| not_found())?;
        match actor.organisation_id() {
            Some(own) if own != workspace.organisation_id => Err(not_found()),
            _ => Ok(workspace.name),
        }
    }

    /// The name of the organisation with `id` (the tenant of a session; never from a request).
    pub fn organisation_name(&self, id: i64) -> Result<String, ServiceError> {
        Ok(self.store.organisation_by_id(id)?.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_refuses_short_passwords_and_the_user_name() {
        assert!(check_password_policy("anna", "kort").is_err());
        assert!(check_password_policy("annabel-de-vries", "Annabel-de-Vries").is_err());
        assert!(check_password_policy("anna", "lang genoeg wachtwoord").is_ok());
    }

    #[test]
    fn password_hashes_are_argon2id_and_verify() {
        let Ok(phc) = hash_password("correct horse battery") else {
            panic!("hashing failed");
        };
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&phc)));
        assert!(!verify_password("wrong horse battery", Some(&phc)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn totp_codes_match_rfc_6238_and_are_accepted_once() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); the last 6 digits.
        let secret = b"12345678901234567890";
        let at = chrono::TimeZone::timestamp_opt(&Utc, 59, 0).single();
        let Some(at) = at else {
            panic!("time");
        };
        assert_eq!(totp(secret).generate(59), "287082");
        let step = totp_step_of(secret, "287082", at, None);
        assert_eq!(step, Some(1));
        assert_eq!(totp_step_of(secret, "287082", at, Some(1)), None);
        assert_eq!(totp_step_of(secret, "000000", at, None), None);
        assert_eq!(totp_step_of(secret, "28708", at, None), None);
    }

    #[test]
    fn only_admins_issue_tokens_and_never_for_the_fg_role() {
        assert!(may_issue(Role::Admin, Role::Analyst));
        assert!(!may_issue(Role::Admin, Role::Fg));
        assert!(!may_issue(Role::Analyst, Role::Analyst));
    }
}
