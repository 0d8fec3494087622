//! Binding: a PostgreSQL database belongs to one Peil installation, the data directory whose
//! control plane gives the catalog ids (organisations, workspaces) of its posts. Two data
//! directories on one database would mix workspace 1 of one with workspace 1 of the other
//! (DESIGN.md invariant 11), so the service binds before anything reads or writes posts:
//!
//! * an unbound database that holds no posts is bound to the installation (one row in
//!   `installation`, migration 5);
//! * a database bound to the same installation is accepted;
//! * anything else is refused: another installation, or an unbound database that already holds
//!   posts (whose ids came from a data directory nobody can name any more);
//! * one exception for `peil demo`, which wipes and refills its data directory on every run: a
//!   demo installation may clear a database bound to an earlier *demo* installation (every table
//!   of the data plane emptied with `TRUNCATE`, which gives the tables new files) and take it
//!   over. A database bound to a real installation is never cleared.
//!
//! This module must never put an installation id into an error, a log or a `Debug` output, and
//! never clear a database that is unbound or bound to a non-demo installation.

use crate::{PostgresStore, PostgresStoreError, RETENTION_LOCK_KEY};

/// Advisory lock key (transaction level) held while a binding is checked or written, so two
/// processes opening one empty database at once bind it once.
pub const BINDING_LOCK_KEY: i64 = 0x7065_696c_626e_6431; // "peilbnd1"

/// Tables a demo's clearing keeps: the migrations and the binding itself.
const KEPT_WHEN_CLEARED: [&str; 2] = ["schema_migrations", "installation"];

/// The installation (data directory) that opens the database: its random id and whether it is
/// a demo directory. `Debug` never shows the id.
#[derive(Clone, PartialEq, Eq)]
pub struct Installation {
    id: [u8; 32],
    is_demo: bool,
}

impl std::fmt::Debug for Installation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Installation")
            .field("id", &"<hidden>")
            .field("is_demo", &self.is_demo)
            .finish()
    }
}

impl Installation {
    pub fn new(id: [u8; 32], is_demo: bool) -> Installation {
        Installation { id, is_demo }
    }

    pub fn is_demo(&self) -> bool {
        self.is_demo
    }
}

/// How a database was found bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// It was unbound and held no posts: now bound to this installation.
    NewlyBound,
    /// It was bound to this installation already.
    Same,
    /// It was bound to an earlier demo installation: cleared and bound to this demo.
    ReplacedEarlierDemo,
}

/// Why a database was refused (no ids: which installation holds it is never said).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingRefusal {
    /// The database belongs to another installation.
    AnotherInstallation,
    /// A demo asked to clear a database that belongs to a real (non-demo) installation.
    RealInstallation,
    /// The database is bound to no installation but already holds posts.
    UnboundWithPosts,
}

impl PostgresStore {
    /// Binds this database to `installation`, or refuses it (`PostgresStoreError::
    /// BindingRefused`) before any post is read or written. With `may_replace_earlier_demo` (only
    /// `peil demo` sets it) a demo installation clears a database bound to an earlier demo
    /// installation and takes it over.
    pub fn bind_installation(
        &mut self,
        installation: &Installation,
        may_replace_earlier_demo: bool,
    ) -> Result<Binding, PostgresStoreError> {
        let mut transaction = self.client.transaction()?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&BINDING_LOCK_KEY])?;
        let bound =
            transaction.query_opt("SELECT installation_id, is_demo FROM installation", &[])?;
        let Some(bound) = bound else {
            let holds_posts: bool = transaction
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM post_references)
                         OR EXISTS (SELECT 1 FROM posts)",
                    &[],
                )?
                .try_get(0)?;
            if holds_posts {
                return Err(PostgresStoreError::BindingRefused(
                    BindingRefusal::UnboundWithPosts,
                ));
            }
            transaction.execute(
                "INSERT INTO installation (installation_id, is_demo) VALUES ($1, $2)",
                &[&installation.id.as_slice(), &installation.is_demo],
            )?;
            transaction.commit()?;
            return Ok(Binding::NewlyBound);
        };
        let bound_id: Vec<u8> = bound.try_get(0)?;
        let bound_is_demo: bool = bound.try_get(1)?;
        if bound_id.as_slice() == installation.id.as_slice() {
            transaction.commit()?;
            return Ok(Binding::Same);
        }
        let replacing = may_replace_earlier_demo && installation.is_demo;
        if !replacing {
            return Err(PostgresStoreError::BindingRefused(
                BindingRefusal::AnotherInstallation,
            ));
        }
        if !bound_is_demo {
            return Err(PostgresStoreError::BindingRefused(
                BindingRefusal::RealInstallation,
            ));
        }
        // No batch or retention run while the earlier demo's data goes (they hold the retention
        // lock shared or exclusively).
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&RETENTION_LOCK_KEY])?;
        clear_data_plane(&mut transaction)?;
        transaction.execute(
            "UPDATE installation SET installation_id = $1, is_demo = $2, bound_at = now()",
            &[&installation.id.as_slice(), &installation.is_demo],
        )?;
        transaction.commit()?;
        Ok(Binding::ReplacedEarlierDemo)
    }
}

/// Whether `name` (read from `pg_class`) is a plain lower-case identifier that needs no quoting.
fn plain_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_'
        })
}

/// Empties every table of the schema except the migrations and the binding (read from the
/// catalog, so a table added by a later migration is emptied too) and restarts its sequences.
fn clear_data_plane(transaction: &mut postgres::Transaction<'_>) -> Result<(), PostgresStoreError> {
    let tables: Vec<String> = transaction
        .query(
            "SELECT relname::text FROM pg_class
             WHERE relnamespace = current_schema()::regnamespace
               AND relkind IN ('r', 'p') AND NOT relispartition
             ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|row| row.try_get::<_, String>(0))
        .collect::<Result<_, _>>()?;
    let cleared: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .filter(|name| !KEPT_WHEN_CLEARED.contains(name))
        .collect();
    if cleared.iter().any(|name| !plain_identifier(name)) {
        return Err(PostgresStoreError::Corrupt { what: "table name" });
    }
    if !cleared.is_empty() {
        // Names checked above: a–z, 0–9 and _ only.
        transaction.batch_execute(&format!("TRUNCATE {} CASCADE", cleared.join(", ")))?;
    }
    let sequences: Vec<String> = transaction
        .query(
            "SELECT relname::text FROM pg_class
             WHERE relnamespace = current_schema()::regnamespace AND relkind = 'S'",
            &[],
        )?
        .iter()
        .map(|row| row.try_get::<_, String>(0))
        .collect::<Result<_, _>>()?;
    for sequence in sequences {
        if !plain_identifier(&sequence) {
            return Err(PostgresStoreError::Corrupt {
                what: "sequence name",
            });
        }
        transaction.batch_execute(&format!("ALTER SEQUENCE {sequence} RESTART"))?;
    }
    Ok(())
}
