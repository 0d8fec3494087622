//! Opening the SQLite database: pragmas (WAL, `secure_delete`, full fsync) and versioned
//! migrations tracked in `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, Transaction};

use crate::term_list;

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
    // 8: a post's terms packed into one column (`term_ids`, see term_list.rs) instead of one
    // `post_terms` row per term, and each term's number of posts (so a deletion knows which
    // terms no post holds any more). `pack_post_terms` moves existing rows over; then the old
    // table goes (secure_delete zeroes its pages).
    "
    ALTER TABLE posts ADD COLUMN term_ids BLOB NOT NULL DEFAULT x'';
    ALTER TABLE terms ADD COLUMN posts INTEGER NOT NULL DEFAULT 0;
    ",
    // 9: the webcare inbox (DESIGN.md invariant 1's one exception). A post of a
    // `communication_webcare` workspace addressed to one of the organisation's own accounts keeps
    // the reference needed to answer it (its URI at the source), sealed with the workspace's
    // webcare key (XChaCha20-Poly1305; the key lives in the key store), and its handling status.
    // The row goes with its post (retention, erasure, deletion at the source): ON DELETE CASCADE,
    // and secure_delete zeroes its bytes.
    "
    CREATE TABLE webcare_messages (
        post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        reference_nonce BLOB NOT NULL,
        reference_sealed BLOB NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
        handled_at INTEGER
    );
    CREATE INDEX webcare_messages_by_workspace ON webcare_messages (workspace_id, post_id);
    ",
    // 10: editing a workspace in place (peil_model::WorkspaceEdit). The purpose and the
    // organisation still never change; the description of the purpose and the legal basis may
    // change only with the workspace in `draft`, i.e. back before the FG for approval.
    "
    DROP TRIGGER workspace_purpose_never_changes;
    CREATE TRIGGER workspace_purpose_never_changes
    BEFORE UPDATE OF purpose, organisation_id ON workspaces
    WHEN OLD.purpose IS NOT NEW.purpose OR OLD.organisation_id IS NOT NEW.organisation_id
    BEGIN
        SELECT RAISE(ABORT, 'a workspace purpose never changes in place: create a new workspace');
    END;
    CREATE TRIGGER workspace_approved_text_changes_only_in_draft
    BEFORE UPDATE OF purpose_text, legal_basis ON workspaces
    WHEN (OLD.purpose_text IS NOT NEW.purpose_text OR OLD.legal_basis IS NOT NEW.legal_basis)
        AND NEW.status IS NOT 'draft'
    BEGIN
        SELECT RAISE(ABORT, 'the purpose description and legal basis change only back in draft, for the FG');
    END;
    ",
    // 11: OIDC client authentication per organisation (OpenID.NLGov): `client_secret_basic` (the
    // secret stays in `oidc_providers`) or `private_key_jwt` (the private key lives in the key
    // store, apart from the data; `client_secret` is then empty).
    "
    ALTER TABLE oidc_providers ADD COLUMN client_authentication TEXT NOT NULL
        DEFAULT 'client_secret_basic'
        CHECK (client_authentication IN ('client_secret_basic', 'private_key_jwt'));
    ",
];

/// Work in Rust that a migration needs after its SQL, in the same transaction.
fn after_migration(version: i64, transaction: &Transaction<'_>) -> Result<(), StoreError> {
    if version == 8 {
        pack_post_terms(transaction)?;
    }
    Ok(())
}

/// Migration 8: packs every post's `post_terms` rows into `posts.term_ids`, counts each term's
/// posts, drops `post_terms` and deletes terms no post holds.
fn pack_post_terms(transaction: &Transaction<'_>) -> Result<(), StoreError> {
    let mut packed_by_post: Vec<(i64, Vec<u8>)> = Vec::new();
    {
        let mut select = transaction
            .prepare("SELECT post_id, term_id FROM post_terms ORDER BY post_id, term_id")?;
        let mut rows = select.query([])?;
        let mut current: Option<(i64, Vec<i64>)> = None;
        while let Some(row) = rows.next()? {
            let post_id: i64 = row.get(0)?;
            let term_id: i64 = row.get(1)?;
            match current.as_mut() {
                Some((current_post, ids)) if *current_post == post_id => ids.push(term_id),
                _ => {
                    if let Some((finished_post, ids)) = current.take() {
                        packed_by_post.push((finished_post, term_list::encode(&ids)));
                    }
                    current = Some((post_id, vec![term_id]));
                }
            }
        }
        if let Some((finished_post, ids)) = current.take() {
            packed_by_post.push((finished_post, term_list::encode(&ids)));
        }
    }
    {
        let mut update = transaction.prepare("UPDATE posts SET term_ids = ?2 WHERE id = ?1")?;
        for (post_id, packed) in &packed_by_post {
            update.execute(rusqlite::params![post_id, packed])?;
        }
    }
    transaction.execute_batch(
        "UPDATE terms SET posts = (SELECT COUNT(*) FROM post_terms WHERE term_id = terms.id);
         DROP TABLE post_terms;
         DELETE FROM terms WHERE posts = 0;",
    )?;
    Ok(())
}

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
        after_migration(version, &transaction)?;
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

    #[test]
    fn version_8_packs_existing_term_rows_and_counts_their_posts() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let path = directory.path().join("v7.sqlite");
        {
            // A database as Peil left it at version 7, with three posts and four terms, one of
            // them held by no post.
            let mut connection = Connection::open(&path)?;
            let transaction = connection.transaction()?;
            for migration in MIGRATIONS.iter().take(7) {
                transaction.execute_batch(migration)?;
            }
            transaction.pragma_update(None, "user_version", 7)?;
            transaction.execute_batch(
                "INSERT INTO organisations (id, name, created_at) VALUES (1, 'o', 0);
                 INSERT INTO workspaces (id, organisation_id, name, purpose, purpose_text,
                     legal_basis, retention_days_posts, retention_days_aggregates, k,
                     allowed_sources, own_accounts, status, created_at)
                 VALUES (1, 1, 'w', 'trend_policy_analysis', 't', 'b', 30, 365, 10, '[]', '[]',
                     'active', 0);
                 INSERT INTO terms (id, workspace_id, kind, text) VALUES
                     (3, 1, 0, 'afval'), (200, 1, 0, 'storm'), (201, 1, 1, 'gft'),
                     (202, 1, 0, 'ongebruikt');
                 INSERT INTO posts (id, workspace_id, source, source_ref, published_at, language,
                     text, author_pseudonym, key_period, is_reply, sentiment, sentiment_score)
                 VALUES (1, 1, 's', x'01', 0, 'nl', 'a', x'01', '2026-10', 0, 'neutral', 0),
                        (2, 1, 's', x'02', 0, 'nl', 'b', x'02', '2026-10', 0, 'neutral', 0),
                        (3, 1, 's', x'03', 0, 'nl', 'c', x'03', '2026-10', 0, 'neutral', 0);
                 INSERT INTO post_terms (post_id, term_id) VALUES
                     (1, 3), (1, 200), (2, 3), (2, 201), (2, 200);",
            )?;
            transaction.commit()?;
        }
        let connection = open_database(&path)?;
        let mut packed_by_post = Vec::new();
        {
            let mut statement = connection.prepare("SELECT id, term_ids FROM posts ORDER BY id")?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                let packed: Vec<u8> = row.get(1)?;
                packed_by_post.push((id, term_list::decode(&packed)?));
            }
        }
        assert_eq!(
            packed_by_post,
            vec![(1, vec![3, 200]), (2, vec![3, 200, 201]), (3, vec![])]
        );
        let mut statement = connection.prepare("SELECT id, posts FROM terms ORDER BY id")?;
        let counts = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<Vec<(i64, i64)>, _>>()?;
        assert_eq!(counts, vec![(3, 2), (200, 2), (201, 1)]);
        let old_table: i64 = connection.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'post_terms%'",
            [],
            |row| row.get(0),
        )?;
        assert_eq!(old_table, 0);
        Ok(())
    }
}
