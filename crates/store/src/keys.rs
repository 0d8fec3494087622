//! The key store: pseudonym keys per workspace and period, in their own database file apart from
//! the data (DESIGN.md invariant 3).
//!
//! Keys are random (OS randomness), never shown, never exported, and destroyed with
//! `destroy_period_keys_before` when a period's retention ends, which makes the remaining
//! aggregates of that period unlinkable. The file lives in `keys/` with `secure_delete=ON`, so a
//! destroyed key is overwritten on disk.

use std::collections::HashMap;
use std::path::Path;

use peil_deid::{PeriodKey, KEY_BYTES};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{create_private_dir, migrations, StoreError};

const KEY_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS period_keys (
        workspace_id INTEGER NOT NULL,
        period TEXT NOT NULL,
        generation INTEGER NOT NULL,
        key BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, period, generation)
    );
    CREATE TABLE IF NOT EXISTS reference_keys (
        workspace_id INTEGER PRIMARY KEY,
        key BLOB NOT NULL
    );
";

/// File name of the key database inside the key directory.
pub const KEY_DATABASE_FILE: &str = "keys.sqlite";

/// Pseudonym and reference keys, cached in memory after first use.
pub struct KeyStore {
    connection: Connection,
    /// (workspace, period) → (label, key) of the period's current generation.
    period_keys: HashMap<(i64, String), (String, PeriodKey)>,
    reference_keys: HashMap<i64, PeriodKey>,
}

/// What the key store says about one key (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyInfo {
    pub period: String,
    pub generation: i64,
    /// The label stored with posts pseudonymised under this key.
    pub label: String,
    pub created_at: i64,
}

/// The label of a key period and generation: `2026-11` for the first key of November, then
/// `2026-11.r2`, `2026-11.r3` after rotations. Posts carry the label, so the k gate never adds up
/// distinct authors across keys.
pub fn period_label(period: &str, generation: i64) -> String {
    if generation <= 1 {
        return period.to_string();
    }
    format!("{period}.r{generation}")
}

fn random_key() -> Result<PeriodKey, StoreError> {
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::Randomness(error.to_string()))?;
    Ok(PeriodKey::from_bytes(bytes))
}

fn key_from_blob(blob: Vec<u8>) -> Result<PeriodKey, StoreError> {
    let bytes: [u8; KEY_BYTES] = blob
        .try_into()
        .map_err(|_| StoreError::Corrupt("a stored key has the wrong length".into()))?;
    Ok(PeriodKey::from_bytes(bytes))
}

impl KeyStore {
    /// Opens (creating) the key database in `key_dir`.
    pub fn open(key_dir: &Path) -> Result<KeyStore, StoreError> {
        create_private_dir(key_dir)?;
        let connection = Connection::open(key_dir.join(KEY_DATABASE_FILE))?;
        migrations::configure(&connection)?;
        connection.execute_batch(KEY_SCHEMA)?;
        Ok(KeyStore {
            connection,
            period_keys: HashMap::new(),
            reference_keys: HashMap::new(),
        })
    }

    /// The current pseudonym key of `workspace_id` for `period` (`YYYY-MM`) with its label,
    /// created on first use.
    pub fn period_key(
        &mut self,
        workspace_id: i64,
        period: &str,
    ) -> Result<(String, PeriodKey), StoreError> {
        let cache_key = (workspace_id, period.to_string());
        if let Some(entry) = self.period_keys.get(&cache_key) {
            return Ok(entry.clone());
        }
        let stored: Option<(i64, Vec<u8>)> = self
            .connection
            .query_row(
                "SELECT generation, key FROM period_keys WHERE workspace_id = ?1 AND period = ?2
                 ORDER BY generation DESC LIMIT 1",
                params![workspace_id, period],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let entry = match stored {
            Some((generation, blob)) => (period_label(period, generation), key_from_blob(blob)?),
            None => {
                let fresh = self.insert_key(workspace_id, period, 1)?;
                (period_label(period, 1), fresh)
            }
        };
        self.period_keys.insert(cache_key, entry.clone());
        Ok(entry)
    }

    fn insert_key(
        &mut self,
        workspace_id: i64,
        period: &str,
        generation: i64,
    ) -> Result<PeriodKey, StoreError> {
        let fresh = random_key()?;
        self.connection.execute(
            "INSERT INTO period_keys (workspace_id, period, generation, key, created_at)
             VALUES (?1, ?2, ?3, ?4, strftime('%s', 'now'))",
            params![
                workspace_id,
                period,
                generation,
                fresh.as_bytes().as_slice()
            ],
        )?;
        Ok(fresh)
    }

    /// Starts a new key for `period`: from now on the same author gets a new pseudonym. Returns
    /// the new key's label.
    pub fn rotate(&mut self, workspace_id: i64, period: &str) -> Result<String, StoreError> {
        let current: Option<i64> = self.connection.query_row(
            "SELECT MAX(generation) FROM period_keys WHERE workspace_id = ?1 AND period = ?2",
            params![workspace_id, period],
            |row| row.get(0),
        )?;
        let generation = current.unwrap_or(0) + 1;
        let fresh = self.insert_key(workspace_id, period, generation)?;
        let label = period_label(period, generation);
        self.period_keys
            .insert((workspace_id, period.to_string()), (label.clone(), fresh));
        Ok(label)
    }

    /// Every key of a workspace (never the key bytes), oldest first.
    pub fn keys_of(&self, workspace_id: i64) -> Result<Vec<KeyInfo>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT period, generation, created_at FROM period_keys WHERE workspace_id = ?1
             ORDER BY period, generation",
        )?;
        let keys = statement
            .query_map(params![workspace_id], |row| {
                let period: String = row.get(0)?;
                let generation: i64 = row.get(1)?;
                Ok(KeyInfo {
                    label: period_label(&period, generation),
                    period,
                    generation,
                    created_at: row.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(keys)
    }

    /// The key that turns source ids of `workspace_id` into duplicate-detection references.
    pub fn reference_key(&mut self, workspace_id: i64) -> Result<PeriodKey, StoreError> {
        if let Some(key) = self.reference_keys.get(&workspace_id) {
            return Ok(key.clone());
        }
        let stored: Option<Vec<u8>> = self
            .connection
            .query_row(
                "SELECT key FROM reference_keys WHERE workspace_id = ?1",
                params![workspace_id],
                |row| row.get(0),
            )
            .optional()?;
        let key = match stored {
            Some(blob) => key_from_blob(blob)?,
            None => {
                let fresh = random_key()?;
                self.connection.execute(
                    "INSERT INTO reference_keys (workspace_id, key) VALUES (?1, ?2)",
                    params![workspace_id, fresh.as_bytes().as_slice()],
                )?;
                fresh
            }
        };
        self.reference_keys.insert(workspace_id, key.clone());
        Ok(key)
    }

    /// Destroys the pseudonym keys of `workspace_id` for every period before `period`; returns how
    /// many were destroyed.
    pub fn destroy_period_keys_before(
        &mut self,
        workspace_id: i64,
        period: &str,
    ) -> Result<usize, StoreError> {
        let destroyed = self.connection.execute(
            "DELETE FROM period_keys WHERE workspace_id = ?1 AND period < ?2",
            params![workspace_id, period],
        )?;
        self.period_keys
            .retain(|(cached_workspace, cached_period), _| {
                *cached_workspace != workspace_id || cached_period.as_str() >= period
            });
        // Push the overwritten pages out of the WAL too, so the destroyed keys leave no copy.
        self.connection
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(destroyed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_per_workspace_and_period_and_differ_otherwise() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut keys = KeyStore::open(directory.path())?;
        let (label, first) = keys.period_key(1, "2026-10")?;
        assert_eq!(label, "2026-10");
        assert_eq!(first, keys.period_key(1, "2026-10")?.1);
        assert_ne!(
            first,
            keys.period_key(2, "2026-10")?.1,
            "workspaces never share keys"
        );
        assert_ne!(
            first,
            keys.period_key(1, "2026-11")?.1,
            "months never share keys"
        );
        drop(keys);
        let mut reopened = KeyStore::open(directory.path())?;
        assert_eq!(first, reopened.period_key(1, "2026-10")?.1);
        assert_eq!(reopened.destroy_period_keys_before(1, "2026-11")?, 1);
        assert_ne!(
            first,
            reopened.period_key(1, "2026-10")?.1,
            "a destroyed key never returns"
        );
        Ok(())
    }

    #[test]
    fn rotation_starts_a_new_labelled_key() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut keys = KeyStore::open(directory.path())?;
        let (_, before) = keys.period_key(3, "2026-11")?;
        assert_eq!(keys.rotate(3, "2026-11")?, "2026-11.r2");
        let (label, after) = keys.period_key(3, "2026-11")?;
        assert_eq!(label, "2026-11.r2");
        assert_ne!(before, after);
        drop(keys);
        let reopened = KeyStore::open(directory.path())?;
        let listed: Vec<String> = reopened
            .keys_of(3)?
            .into_iter()
            .map(|key| key.label)
            .collect();
        assert_eq!(
            listed,
            vec!["2026-11".to_string(), "2026-11.r2".to_string()]
        );
        Ok(())
    }
}
