//! Versioned migrations of the PostgreSQL schema: a `schema_migrations` table, each migration
//! applied in one transaction under an advisory lock (several processes may start at once), and
//! running them again changes nothing.
//!
//! The schema is Citus-ready (docs/scale-out.md): every per-workspace table carries
//! `workspace_id` in its primary key and in every unique constraint; `organisations` and `users`
//! are reference tables. Migrations must never be edited once released: a change is a new
//! version.

use postgres::Client;

use crate::PostgresStoreError;

/// Advisory lock key (transaction level) held while a migration is checked and applied.
pub const MIGRATION_LOCK_KEY: i64 = 0x7065_696c_6d69_6731; // "peilmig1"

/// (version, description, statements).
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
    "data path: organisations, users, workspaces, post references, posts partitioned by month, \
     hourly rollups",
    r#"
CREATE TABLE organisations (
    organisation_id bigint PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE users (
    user_id bigint PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (organisation_id),
    name text NOT NULL UNIQUE
);

CREATE TABLE workspaces (
    workspace_id bigint PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (organisation_id),
    name text NOT NULL,
    retention_days_posts integer NOT NULL CHECK (retention_days_posts >= 0),
    retention_days_aggregates integer NOT NULL CHECK (retention_days_aggregates >= 0)
);

-- One row per stored post: the deduplication on the source reference, which a unique constraint
-- on the partitioned posts table cannot enforce (it would have to include published_at).
CREATE TABLE post_references (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    source_ref bytea NOT NULL,
    post_id bigint NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, source_ref)
);
CREATE INDEX post_references_published ON post_references (workspace_id, published_at);

CREATE SEQUENCE post_ids AS bigint;

-- De-identified posts, partitioned by month of publication (posts_yYYYYmMM, created on demand),
-- so that retention drops whole partitions. terms holds the analysed terms of peil_analysis,
-- kind-prefixed: 'w:' word, 'h:' hashtag, 'b:' word pair.
CREATE TABLE posts (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    post_id bigint NOT NULL,
    published_at timestamptz NOT NULL,
    source text NOT NULL,
    source_ref bytea NOT NULL,
    language text NOT NULL,
    text text NOT NULL,
    author_pseudonym bytea NOT NULL,
    key_period text NOT NULL,
    is_reply boolean NOT NULL,
    is_repost boolean NOT NULL,
    sentiment text NOT NULL,
    sentiment_score real NOT NULL,
    terms text[] NOT NULL,
    monitor_ids bigint[] NOT NULL,
    webcare_nonce bytea,
    webcare_sealed bytea,
    PRIMARY KEY (workspace_id, post_id, published_at)
) PARTITION BY RANGE (published_at);
CREATE INDEX posts_terms ON posts USING gin (terms);
CREATE INDEX posts_workspace_published ON posts (workspace_id, published_at);

-- Posts per workspace, hour, key period, sentiment, language and source, changed in the same
-- transaction as the posts.
CREATE TABLE post_volume_hourly (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    hour_start timestamptz NOT NULL,
    key_period text NOT NULL,
    sentiment text NOT NULL,
    language text NOT NULL,
    source text NOT NULL,
    posts bigint NOT NULL CHECK (posts >= 0),
    PRIMARY KEY (workspace_id, hour_start, key_period, sentiment, language, source)
);

-- Relations that hold deleted rows (dead tuples still in their files) until the next retention
-- run rewrites them. Bookkeeping of this node only (no workspace data): stays local under Citus.
CREATE TABLE pending_compaction (
    relation_name text PRIMARY KEY
);
"#,
    ),
    (
        2,
        "differencing audit: the remembered answers of each workspace",
        r#"
-- The answers the differencing audit remembers (as the embedded store's answered_scopes): the
-- ids of the posts an answer covered and the cell keys and term ids it showed (JSON, no counts).
CREATE SEQUENCE answered_scope_ids;
CREATE TABLE answered_scopes (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    answered_scope_id bigint NOT NULL DEFAULT nextval('answered_scope_ids'),
    answered_at bigint NOT NULL,
    post_ids bigint[] NOT NULL,
    shown_cells text NOT NULL,
    PRIMARY KEY (workspace_id, answered_scope_id)
);
CREATE INDEX answered_scopes_recent ON answered_scopes (workspace_id, answered_at);
"#,
    ),
    (
        3,
        "full reports: the term dictionary and the records read per source and hour",
        r#"
-- The term dictionary (as the embedded store's terms): one id per workspace and kind-prefixed
-- term ('w:' word, 'h:' hashtag, 'b:' word pair, as in posts.terms), in order of first
-- appearance; an entry no post holds is deleted with the post that released it.
CREATE SEQUENCE term_ids AS bigint;
CREATE TABLE terms (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    term_id bigint NOT NULL,
    term text NOT NULL,
    PRIMARY KEY (workspace_id, term_id),
    UNIQUE (workspace_id, term)
);
-- Posts stored before this migration: their terms in order of first appearance by post id.
INSERT INTO terms (workspace_id, term_id, term)
SELECT firsts.workspace_id, nextval('term_ids'), firsts.term
FROM (SELECT p.workspace_id, held.term, min(p.post_id * 100000 + held.position) AS first_seen
      FROM posts p, unnest(p.terms) WITH ORDINALITY AS held (term, position)
      GROUP BY p.workspace_id, held.term
      ORDER BY 3) AS firsts;

-- Records read per workspace, source and hour (counts only), for the data gaps of a report's
-- representativeness block (as the embedded store's source_hours).
CREATE TABLE source_hours (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    source text NOT NULL,
    hour_start bigint NOT NULL,
    records_read bigint NOT NULL CHECK (records_read >= 0),
    PRIMARY KEY (workspace_id, source, hour_start)
);
"#,
    ),
    (
        4,
        "webcare inbox and data-subject requests: webcare_messages, posts by author pseudonym",
        r#"
-- The webcare inbox (DESIGN.md invariant 1's one exception), as the embedded store's
-- webcare_messages: the sealed answer reference of a post addressed to one of the organisation's
-- own accounts and its handling status. A row goes with its post in the same transaction (deletion
-- at the source, retention, erasure); no foreign key, so retention can drop whole partitions.
CREATE TABLE webcare_messages (
    workspace_id bigint NOT NULL REFERENCES workspaces (workspace_id),
    post_id bigint NOT NULL,
    published_at timestamptz NOT NULL,
    reference_nonce bytea NOT NULL,
    reference_sealed bytea NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    handled_at timestamptz,
    PRIMARY KEY (workspace_id, post_id)
);
CREATE INDEX webcare_messages_published ON webcare_messages (workspace_id, published_at);
-- The sealed references written into posts by version 1 move here, and leave posts.
INSERT INTO webcare_messages (workspace_id, post_id, published_at, reference_nonce,
    reference_sealed)
SELECT workspace_id, post_id, published_at, webcare_nonce, webcare_sealed FROM posts
WHERE webcare_nonce IS NOT NULL AND webcare_sealed IS NOT NULL;
ALTER TABLE posts DROP COLUMN webcare_nonce, DROP COLUMN webcare_sealed;
-- Data-subject requests find an author's posts by pseudonym.
CREATE INDEX posts_author_pseudonym ON posts (workspace_id, author_pseudonym);
"#,
    ),
    (
        5,
        "binding: the one installation (data directory) this database belongs to",
        r#"
-- The data directory this database belongs to (docs/scale-out.md, "Binding"): the catalog ids
-- of posts are that directory's, so no other directory may read or write them (invariant 11).
-- One row at most; written once by the first service that opens the empty database, replaced
-- only when a later demo clears a database bound to an earlier demo.
CREATE TABLE installation (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    installation_id bytea NOT NULL CHECK (octet_length(installation_id) = 32),
    is_demo boolean NOT NULL,
    bound_at timestamptz NOT NULL DEFAULT now()
);
"#,
    ),
    (
        6,
        "query prefilter: the matcher's tokens of each post under a GIN index",
        r#"
-- The tokens the query matcher compares (peil_query::MatchDoc::prefilter_tokens: 's:' stemmed in
-- the post's language, 'e:' exact, 'h:' hashtag, 'l:' language, 'o:' source), so a query's posts
-- are narrowed by the index (peil_query::Query::prefilter) before the matcher decides. Written
-- by every batch; NULL for posts stored before this version until the store backfills them
-- (match_tokens.rs), and a NULL row always passes the prefilter. Deleted with its post.
ALTER TABLE posts ADD COLUMN match_tokens text[];
CREATE INDEX posts_match_tokens ON posts USING gin (match_tokens);
CREATE INDEX posts_match_tokens_missing ON posts (workspace_id) WHERE match_tokens IS NULL;
"#,
    ),
];

/// Creates `schema` when missing, under the migration lock (two processes creating it at once
/// would otherwise collide). The caller has checked the name: letters, digits and _ only.
pub(crate) fn create_schema(client: &mut Client, schema: &str) -> Result<(), PostgresStoreError> {
    let mut transaction = client.transaction()?;
    transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])?;
    transaction.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))?;
    transaction.commit()?;
    Ok(())
}

/// Applies the migrations not yet applied, in order. Returns the versions it applied.
pub fn migrate(client: &mut Client) -> Result<Vec<i32>, PostgresStoreError> {
    let mut applied = Vec::new();
    {
        let mut transaction = client.transaction()?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])?;
        transaction.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )",
        )?;
        transaction.commit()?;
    }
    for (version, description, statements) in MIGRATIONS {
        let mut transaction = client.transaction()?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])?;
        let already = transaction.query_opt(
            "SELECT 1 FROM schema_migrations WHERE version = $1",
            &[version],
        )?;
        if already.is_some() {
            continue;
        }
        transaction.batch_execute(statements)?;
        transaction.execute(
            "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
            &[version, description],
        )?;
        transaction.commit()?;
        applied.push(*version);
    }
    Ok(applied)
}

/// The versions recorded in `schema_migrations`, in order.
pub fn applied_versions(client: &mut Client) -> Result<Vec<i32>, PostgresStoreError> {
    let rows = client.query(
        "SELECT version FROM schema_migrations ORDER BY version",
        &[],
    )?;
    rows.iter()
        .map(|row| row.try_get::<_, i32>(0).map_err(PostgresStoreError::from))
        .collect()
}
