//! Opening the SQLite database: pragmas (WAL, `secure_delete`, full fsync) and versioned
//! migrations tracked in `PRAGMA user_version`.

use std::path::Path;

use rusqlite::Connection;

use crate::StoreError;

/// Every migration, in order. Version N is `MIGRATIONS[N - 1]`. Never edit a released one.
const MIGRATIONS: &[&str] = &[
    // 1: catalog, posts and terms.
    "
    CREATE TABLE organisations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        organisation_id INTEGER NOT NULL REFERENCES organisations(id),
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'webcare', 'fg')),
        UNIQUE (organisation_id, name)
    );
    CREATE TABLE workspaces (
        id INTEGER PRIMARY KEY,
        organisation_id INTEGER NOT NULL REFERENCES organisations(id),
        name TEXT NOT NULL,
        purpose TEXT NOT NULL CHECK (purpose IN
            ('communication_webcare', 'trend_policy_analysis', 'public_order_general_picture')),
        purpose_text TEXT NOT NULL,
        legal_basis TEXT NOT NULL,
        lead TEXT,
        retention_days_posts INTEGER NOT NULL CHECK (retention_days_posts > 0),
        retention_days_aggregates INTEGER NOT NULL CHECK (retention_days_aggregates > 0),
        k INTEGER NOT NULL CHECK (k >= 5),
        allowed_sources TEXT NOT NULL,
        own_accounts TEXT NOT NULL,
        fg_contact TEXT,
        status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'active', 'closed')),
        created_at INTEGER NOT NULL,
        UNIQUE (organisation_id, name)
    );
    CREATE TABLE monitors (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        query TEXT NOT NULL,
        justification TEXT NOT NULL CHECK (length(trim(justification)) > 0),
        active INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        organisation_id INTEGER,
        subject TEXT NOT NULL,
        action TEXT NOT NULL,
        why TEXT NOT NULL CHECK (length(trim(why)) > 0),
        actor TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        source TEXT NOT NULL,
        source_ref BLOB NOT NULL,
        published_at INTEGER NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        author_pseudonym BLOB NOT NULL,
        key_period TEXT NOT NULL,
        is_reply INTEGER NOT NULL,
        sentiment TEXT NOT NULL,
        sentiment_score REAL NOT NULL,
        UNIQUE (workspace_id, source_ref)
    );
    CREATE INDEX posts_by_time ON posts (workspace_id, published_at);
    CREATE TABLE terms (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        kind INTEGER NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (workspace_id, kind, text)
    );
    CREATE TABLE post_terms (
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        term_id INTEGER NOT NULL REFERENCES terms(id),
        PRIMARY KEY (post_id, term_id)
    ) WITHOUT ROWID;
    CREATE TABLE post_monitors (
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        monitor_id INTEGER NOT NULL REFERENCES monitors(id),
        PRIMARY KEY (post_id, monitor_id)
    ) WITHOUT ROWID;
    ",
    // 2: organisations' allow-lists (own and other organisations' accounts, office holders).
    "
    CREATE TABLE allow_entries (
        id INTEGER PRIMARY KEY,
        organisation_id INTEGER NOT NULL REFERENCES organisations(id),
        kind TEXT NOT NULL CHECK (kind IN ('handle', 'person')),
        value TEXT NOT NULL,
        justification TEXT NOT NULL CHECK (length(trim(justification)) > 0),
        created_at INTEGER NOT NULL,
        UNIQUE (organisation_id, kind, value)
    );
    ",
    // 3: governance: end dates of public-order workspaces, objections (data subjects who object
    // to processing; only a keyed hash of their author id), and the scopes the store answered
    // (for the differencing check of the k gate).
    "
    ALTER TABLE workspaces ADD COLUMN ends_at INTEGER;
    CREATE TRIGGER workspace_purpose_never_changes
    BEFORE UPDATE OF purpose, purpose_text, legal_basis, organisation_id ON workspaces
    WHEN OLD.purpose IS NOT NEW.purpose OR OLD.purpose_text IS NOT NEW.purpose_text
        OR OLD.legal_basis IS NOT NEW.legal_basis OR OLD.organisation_id IS NOT NEW.organisation_id
    BEGIN
        SELECT RAISE(ABORT, 'a workspace purpose never changes in place: create a new workspace');
    END;
    CREATE TABLE objections (
        id INTEGER PRIMARY KEY,
        organisation_id INTEGER NOT NULL REFERENCES organisations(id),
        platform TEXT NOT NULL,
        author_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (organisation_id, platform, author_hash)
    );
    CREATE TABLE answered_scopes (
        id INTEGER PRIMARY KEY,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        answered_at INTEGER NOT NULL,
        post_ids BLOB NOT NULL,
        shown_cells TEXT NOT NULL
    );
    CREATE INDEX answered_scopes_by_workspace ON answered_scopes (workspace_id, answered_at);
    -- Deleting a term (retention, erasure) checks post_terms for references: index it.
    CREATE INDEX post_terms_by_term ON post_terms (term_id);
    ",
    // 4: accounts: credentials (Argon2id password hash, TOTP secret, failed logins, lockout),
    // server-side sessions and API tokens. Tokens are stored only as SHA-256 hashes.
    "
    CREATE TABLE credentials (
        user_id INTEGER PRIMARY KEY REFERENCES users(id),
        password_hash TEXT,
        totp_secret BLOB,
        totp_last_step INTEGER,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        csrf_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_user ON sessions (user_id);
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        token_hash BLOB NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id),
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'webcare', 'fg')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    ",
    // 5: OIDC login: one issuer per organisation (the client secret is a credential, kept like
    // the TOTP secret) and the links from an issuer's subject to a user. The subject is stored
    // only as a SHA-256 hash of issuer and subject, never in clear.
    "
    CREATE TABLE oidc_providers (
        organisation_id INTEGER PRIMARY KEY REFERENCES organisations(id),
        issuer TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_secret BLOB NOT NULL,
        redirect_uri TEXT NOT NULL,
        subject_claim TEXT NOT NULL DEFAULT 'sub',
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE oidc_links (
        organisation_id INTEGER NOT NULL REFERENCES organisations(id),
        subject_hash BLOB NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (organisation_id, subject_hash)
    );
    CREATE INDEX oidc_links_by_user ON oidc_links (user_id);
    ",
    // 6: representativeness (issue 4): whether a post is a repost/boost, and per workspace and
    // source the number of records read in each hour (matched or not; counts only, nothing
    // about any post or author), so a report can say in which hours a source delivered nothing.
    "
    ALTER TABLE posts ADD COLUMN is_repost INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE source_hours (
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        source TEXT NOT NULL,
        hour_start INTEGER NOT NULL,
        records_read INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, source, hour_start)
    ) WITHOUT ROWID;
    ",
    // 7: live connectors: where each one stopped (its resume cursor: a Jetstream `time_us`, a
    // Mastodon status id, an RSS ETag/Last-Modified) and its counters. No post content, no ids of
    // people: a cursor is a position in a public stream.
    "
    CREATE TABLE connector_state (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        cursor TEXT,
        received INTEGER NOT NULL DEFAULT 0,
        matched INTEGER NOT NULL DEFAULT 0,
        dropped INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        lag_ms INTEGER,
        updated_at INTEGER NOT NULL
    );
    ",
];

/// The schema version this build of Peil writes.
pub fn supported_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Opens the database with Peil's pragmas and brings the schema up to date.
pub fn open_database(path: &Path) -> Result<Connection, StoreError> {
    let mut connection = Connection::open(path)?;
    configure(&connection)?;
    migrate(&mut connection)?;
    Ok(connection)
}

/// Sets and asserts the pragmas every connection needs.
pub fn configure(connection: &Connection) -> Result<(), StoreError> {
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    connection.pragma_update(None, "secure_delete", "ON")?;
    let secure_delete: i64 =
        connection.pragma_query_value(None, "secure_delete", |row| row.get(0))?;
    if secure_delete != 1 {
        return Err(StoreError::SecureDeleteUnavailable);
    }
    let journal_mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "could not switch to WAL (journal_mode is {journal_mode})"
        )));
    }
    // FULL: every commit is fsynced; a failed fsync surfaces as an error and is never retried.
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > supported_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: supported_version(),
        });
    }
    for (offset, migration) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = offset as i64 + 1;
        let transaction = connection.transaction()?;
        transaction.execute_batch(migration)?;
        transaction.pragma_update(None, "user_version", version)?;
        transaction.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_delete_and_wal_are_on_and_migrations_are_idempotent() {
        let directory = tempfile::tempdir().map_err(|error| error.to_string());
        let Ok(directory) = directory else {
            panic!("no temp dir");
        };
        let path = directory.path().join("test.sqlite");
        let first = open_database(&path);
        assert!(first.is_ok());
        drop(first);
        let Ok(connection) = open_database(&path) else {
            panic!("reopen failed");
        };
        let secure: i64 = connection
            .pragma_query_value(None, "secure_delete", |row| row.get(0))
            .unwrap_or(0);
        assert_eq!(secure, 1);
        let version: i64 = connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap_or(0);
        assert_eq!(version, supported_version());
    }
}
