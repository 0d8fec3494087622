//! Accounts of the people who use Peil (never of people who are monitored): credentials,
//! server-side sessions and API tokens (migration 4).
//!
//! * Passwords are stored only as Argon2id PHC strings, computed by the caller (peil-service).
//! * The TOTP secret is a credential: it is written once at enrolment and read only to check a
//!   code; no function here or in the service returns it after enrolment. It is stored in this
//!   owner-only database (0700 directory, `secure_delete=ON`), not encrypted with a separate key
//!   yet (see `Credentials::totp_secret`).
//! * Sessions and API tokens are stored only as SHA-256 hashes of their random 256-bit tokens;
//!   the token itself exists only in the client's cookie or header.
//!
//! This module must never store a password, a session token or an API token in clear.

use chrono::{DateTime, TimeZone, Utc};
use peil_model::{Role, User};
use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError};

fn timestamp(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

fn role_of(code: &str, column: usize) -> rusqlite::Result<Role> {
    code.parse::<Role>().map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            error.to_string().into(),
        )
    })
}

/// What the store keeps to authenticate one user.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: i64,
    /// Argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    /// The raw TOTP secret (at most read to check a code; never shown after enrolment).
    pub totp_secret: Option<Vec<u8>>,
    /// The last TOTP time step accepted (a code is never accepted twice).
    pub totp_last_step: Option<i64>,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("user_id", &self.user_id)
            .field("password_set", &self.password_hash.is_some())
            .field("totp_enrolled", &self.totp_secret.is_some())
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish()
    }
}

/// A stored session (found by the hash of its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// A stored API token (found by the hash of its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    /// The user who issued the token.
    pub user: User,
    pub workspace_id: i64,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

const USER_COLUMNS: &str = "u.id, u.organisation_id, u.name, u.role";

fn user_from(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<User> {
    let role: String = row.get(first + 3)?;
    Ok(User {
        id: row.get(first)?,
        organisation_id: row.get(first + 1)?,
        name: row.get(first + 2)?,
        role: role_of(&role, first + 3)?,
    })
}

impl Store {
    /// Every user called `name`, in any organisation (a login name should be unique; the caller
    /// refuses ambiguity).
    pub fn users_named(&self, name: &str) -> Result<Vec<User>, StoreError> {
        let mut statement = self.connection.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.name = ?1 ORDER BY u.id"
        ))?;
        let users = statement
            .query_map(params![name], |row| user_from(row, 0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(users)
    }

    /// The user with `id`.
    pub fn user_by_id(&self, id: i64) -> Result<User, StoreError> {
        self.connection
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"),
                params![id],
                |row| user_from(row, 0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "user",
                name: id.to_string(),
            })
    }

    /// The credentials of a user (empty ones when nothing was set yet).
    pub fn credentials(&self, user_id: i64) -> Result<Credentials, StoreError> {
        let found = self
            .connection
            .query_row(
                "SELECT password_hash, totp_secret, totp_last_step, failed_logins, locked_until
                 FROM credentials WHERE user_id = ?1",
                params![user_id],
                |row| {
                    let failed: i64 = row.get(3)?;
                    Ok(Credentials {
                        user_id,
                        password_hash: row.get(0)?,
                        totp_secret: row.get(1)?,
                        totp_last_step: row.get(2)?,
                        failed_logins: u32::try_from(failed.max(0)).unwrap_or(u32::MAX),
                        locked_until: row.get::<_, Option<i64>>(4)?.map(timestamp),
                    })
                },
            )
            .optional()?;
        Ok(found.unwrap_or(Credentials {
            user_id,
            password_hash: None,
            totp_secret: None,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
        }))
    }

    fn ensure_credentials_row(&self, user_id: i64) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT OR IGNORE INTO credentials (user_id, updated_at) VALUES (?1, ?2)",
            params![user_id, Utc::now().timestamp()],
        )?;
        Ok(())
    }

    /// Sets the Argon2id hash of a user's password, clears the failure counter and lockout and
    /// ends every session of the user.
    pub fn set_password_hash(&mut self, user_id: i64, phc: &str) -> Result<(), StoreError> {
        self.user_by_id(user_id)?;
        self.ensure_credentials_row(user_id)?;
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "UPDATE credentials SET password_hash = ?1, failed_logins = 0, locked_until = NULL,
                updated_at = ?2 WHERE user_id = ?3",
            params![phc, Utc::now().timestamp(), user_id],
        )?;
        transaction.execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?;
        transaction.commit()?;
        Ok(())
    }

    /// Replaces a user's TOTP secret and ends every session of the user.
    pub fn set_totp_secret(&mut self, user_id: i64, secret: &[u8]) -> Result<(), StoreError> {
        self.user_by_id(user_id)?;
        self.ensure_credentials_row(user_id)?;
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "UPDATE credentials SET totp_secret = ?1, totp_last_step = NULL, updated_at = ?2
             WHERE user_id = ?3",
            params![secret, Utc::now().timestamp(), user_id],
        )?;
        transaction.execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?;
        transaction.commit()?;
        Ok(())
    }

    /// Counts a failed login; locks the account until `now + lockout` once `max_failures` is
    /// reached. Returns the failure count and the lock, if any.
    pub fn record_failed_login(
        &mut self,
        user_id: i64,
        now: DateTime<Utc>,
        max_failures: u32,
        lockout: chrono::Duration,
    ) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        self.ensure_credentials_row(user_id)?;
        let failures = self.credentials(user_id)?.failed_logins.saturating_add(1);
        let locked_until = (failures >= max_failures).then(|| now + lockout);
        // After a lock the counter starts again, so the next lock needs max_failures new tries.
        let stored_failures = if locked_until.is_some() { 0 } else { failures };
        self.connection.execute(
            "UPDATE credentials SET failed_logins = ?1,
                locked_until = COALESCE(?2, locked_until), updated_at = ?3
             WHERE user_id = ?4",
            params![
                stored_failures,
                locked_until.map(|until| until.timestamp()),
                now.timestamp(),
                user_id
            ],
        )?;
        Ok((failures, locked_until))
    }

    /// A successful login: clears the failure counter and lockout, and records the TOTP step used.
    pub fn record_successful_login(
        &mut self,
        user_id: i64,
        totp_step: Option<i64>,
    ) -> Result<(), StoreError> {
        self.ensure_credentials_row(user_id)?;
        self.connection.execute(
            "UPDATE credentials SET failed_logins = 0, locked_until = NULL,
                totp_last_step = COALESCE(?1, totp_last_step), updated_at = ?2
             WHERE user_id = ?3",
            params![totp_step, Utc::now().timestamp(), user_id],
        )?;
        Ok(())
    }

    /// Stores a new session under the hash of its token.
    pub fn create_session(
        &mut self,
        token_hash: &[u8],
        user_id: i64,
        csrf_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![token_hash, user_id, csrf_hash, now.timestamp()],
        )?;
        Ok(())
    }

    /// The session stored under `token_hash`, with its user.
    pub fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self
            .connection
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf_hash, s.created_at, s.last_seen
                     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1"
                ),
                params![token_hash],
                |row| {
                    Ok(SessionRecord {
                        user: user_from(row, 0)?,
                        csrf_hash: row.get(4)?,
                        created_at: timestamp(row.get(5)?),
                        last_seen: timestamp(row.get(6)?),
                    })
                },
            )
            .optional()?)
    }

    /// Records activity on a session.
    pub fn touch_session(
        &mut self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2",
            params![now.timestamp(), token_hash],
        )?;
        Ok(())
    }

    /// Deletes one session; returns whether it existed.
    pub fn delete_session(&mut self, token_hash: &[u8]) -> Result<bool, StoreError> {
        let deleted = self.connection.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(deleted > 0)
    }

    /// Deletes every session idle since before `idle_before` or created before `created_before`;
    /// returns how many.
    pub fn delete_expired_sessions(
        &mut self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Ok(self.connection.execute(
            "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",
            params![idle_before.timestamp(), created_before.timestamp()],
        )?)
    }

    /// Stores a new API token under the hash of its token; returns its id.
    pub fn create_api_token(
        &mut self,
        token_hash: &[u8],
        user_id: i64,
        workspace_id: i64,
        role: Role,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.connection.execute(
            "INSERT INTO api_tokens (token_hash, user_id, workspace_id, role, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                token_hash,
                user_id,
                workspace_id,
                role.code(),
                now.timestamp(),
                expires_at.timestamp()
            ],
        )?;
        Ok(self.connection.last_insert_rowid())
    }

    /// The API token stored under `token_hash`, with the user who issued it.
    pub fn api_token(&self, token_hash: &[u8]) -> Result<Option<ApiTokenRecord>, StoreError> {
        Ok(self
            .connection
            .query_row(
                &format!(
                    "SELECT {USER_COLUMNS}, t.id, t.workspace_id, t.role, t.created_at,
                        t.expires_at, t.revoked_at IS NOT NULL
                     FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1"
                ),
                params![token_hash],
                |row| {
                    let role: String = row.get(6)?;
                    Ok(ApiTokenRecord {
                        user: user_from(row, 0)?,
                        id: row.get(4)?,
                        workspace_id: row.get(5)?,
                        role: role_of(&role, 6)?,
                        created_at: timestamp(row.get(7)?),
                        expires_at: timestamp(row.get(8)?),
                        revoked: row.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Revokes an API token; returns whether it existed and was not revoked yet.
    pub fn revoke_api_token(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let changed = self.connection.execute(
            "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
            params![now.timestamp(), id],
        )?;
        Ok(changed > 0)
    }
}
