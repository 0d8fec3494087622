//! The key store: pseudonym keys per workspace and period, in their own database file apart from
//! the data (DESIGN.md invariant 3).
//!
//! Keys are random (OS randomness), never shown, never exported, and destroyed with
//! `destroy_period_keys_before` when a period's retention ends, which makes the remaining
//! aggregates of that period unlinkable. The file lives in `keys/` with `secure_delete=ON`, so a
//! destroyed key is overwritten on disk; `destroy_period_keys_before` also truncates the WAL and
//! `compact` rebuilds the file, so no copy of a destroyed key stays in any file.
//!
//! Each organisation also has one objection key (never rotated, never destroyed while the
//! organisation exists): objections of data subjects are stored only as
//! `HMAC(objection key, platform ‖ author id)`, so future posts of the same author are recognised
//! without keeping the author id.
//!
//! An organisation whose OIDC client authenticates with `private_key_jwt` keeps its client's
//! private key here too (PKCS#8 DER, as the operator gave it): read only to sign a client
//! assertion at the issuer's token endpoint, never shown, never exported, never logged, and
//! overwritten on disk when replaced or removed (`secure_delete=ON`).

use std::collections::HashMap;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use peil_deid::{PeriodKey, KEY_BYTES};
use peil_model::SealedReference;
use rusqlite::{params, Connection, OptionalExtension};

use crate::retention::{checkpoint_and_truncate_wal, compact_database};
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
    CREATE TABLE IF NOT EXISTS webcare_keys (
        workspace_id INTEGER PRIMARY KEY,
        key BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS objection_keys (
        organisation_id INTEGER PRIMARY KEY,
        key BLOB NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS oidc_client_keys (
        organisation_id INTEGER PRIMARY KEY,
        pkcs8 BLOB NOT NULL,
        created_at INTEGER NOT NULL
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
    webcare_keys: HashMap<i64, PeriodKey>,
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

/// The one random key per workspace kept in `table` (`reference_keys` or `webcare_keys`):
/// from `cache`, else from the table, else created and stored on first use.
fn workspace_key(
    connection: &Connection,
    cache: &mut HashMap<i64, PeriodKey>,
    table: &'static str,
    workspace_id: i64,
) -> Result<PeriodKey, StoreError> {
    if let Some(key) = cache.get(&workspace_id) {
        return Ok(key.clone());
    }
    let stored: Option<Vec<u8>> = connection
        .query_row(
            &format!("SELECT key FROM {table} WHERE workspace_id = ?1"),
            params![workspace_id],
            |row| row.get(0),
        )
        .optional()?;
    let key = match stored {
        Some(blob) => key_from_blob(blob)?,
        None => {
            // Several processes may share the key store (`--store postgres://…`): the first
            // insert wins and every process reads the winner, never a key of its own.
            let fresh = random_key()?;
            connection.execute(
                &format!("INSERT OR IGNORE INTO {table} (workspace_id, key) VALUES (?1, ?2)"),
                params![workspace_id, fresh.as_bytes().as_slice()],
            )?;
            let winner: Vec<u8> = connection.query_row(
                &format!("SELECT key FROM {table} WHERE workspace_id = ?1"),
                params![workspace_id],
                |row| row.get(0),
            )?;
            key_from_blob(winner)?
        }
    };
    cache.insert(workspace_id, key.clone());
    Ok(key)
}

/// The key of `workspace_id` kept in `table`, if one exists: never creates one (a destroyed key
/// must not come back as a fresh key that opens nothing).
fn existing_workspace_key(
    connection: &Connection,
    cache: &mut HashMap<i64, PeriodKey>,
    table: &'static str,
    workspace_id: i64,
) -> Result<Option<PeriodKey>, StoreError> {
    if let Some(key) = cache.get(&workspace_id) {
        return Ok(Some(key.clone()));
    }
    let stored: Option<Vec<u8>> = connection
        .query_row(
            &format!("SELECT key FROM {table} WHERE workspace_id = ?1"),
            params![workspace_id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(blob) = stored else {
        return Ok(None);
    };
    let key = key_from_blob(blob)?;
    cache.insert(workspace_id, key.clone());
    Ok(Some(key))
}

fn key_from_blob(blob: Vec<u8>) -> Result<PeriodKey, StoreError> {
    let bytes: [u8; KEY_BYTES] = blob
        .try_into()
        .map_err(|_| StoreError::Corrupt("a stored key has the wrong length".into()))?;
    Ok(PeriodKey::from_bytes(bytes))
}

/// Associated data of a sealed webcare reference: the workspace and the post's source reference.
fn webcare_aad(workspace_id: i64, source_ref: &[u8; 32]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(8 + 32 + 16);
    aad.extend_from_slice(b"peil-webcare-v1");
    aad.extend_from_slice(&workspace_id.to_be_bytes());
    aad.extend_from_slice(source_ref);
    aad
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
            webcare_keys: HashMap::new(),
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
                // The first key of a period; another process may make it at the same moment:
                // the first insert wins and both read the winner.
                let fresh = random_key()?;
                self.connection.execute(
                    "INSERT OR IGNORE INTO period_keys (workspace_id, period, generation, key,
                        created_at)
                     VALUES (?1, ?2, 1, ?3, strftime('%s', 'now'))",
                    params![workspace_id, period, fresh.as_bytes().as_slice()],
                )?;
                let (generation, blob): (i64, Vec<u8>) = self.connection.query_row(
                    "SELECT generation, key FROM period_keys WHERE workspace_id = ?1
                        AND period = ?2 ORDER BY generation DESC LIMIT 1",
                    params![workspace_id, period],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                (period_label(period, generation), key_from_blob(blob)?)
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
        workspace_key(
            &self.connection,
            &mut self.reference_keys,
            "reference_keys",
            workspace_id,
        )
    }

    /// The AEAD key of `workspace_id` that seals the answer references of its webcare messages
    /// (random, one per workspace, created on first use, kept here apart from the data like the
    /// other keys and never shown).
    fn webcare_key(&mut self, workspace_id: i64) -> Result<PeriodKey, StoreError> {
        workspace_key(
            &self.connection,
            &mut self.webcare_keys,
            "webcare_keys",
            workspace_id,
        )
    }

    /// Seals `uri` (the answer reference of a webcare message) with XChaCha20-Poly1305 under the
    /// workspace's webcare key and a random nonce. The post's source reference is bound in as
    /// associated data, so a sealed reference opens only for the post it was made for.
    pub fn seal_webcare_reference(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
        uri: &str,
    ) -> Result<SealedReference, StoreError> {
        let key = self.webcare_key(workspace_id)?;
        let cipher = XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*key.as_bytes()));
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|error| StoreError::Randomness(error.to_string()))?;
        let aad = webcare_aad(workspace_id, source_ref);
        let ciphertext = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: uri.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Corrupt("could not seal a webcare reference".into()))?;
        Ok(SealedReference {
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    /// Opens a reference sealed by [`KeyStore::seal_webcare_reference`] for the same workspace and
    /// post. A wrong key, post or tampered bytes answer an error (without the bytes).
    pub fn open_webcare_reference(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
        sealed: &SealedReference,
    ) -> Result<String, StoreError> {
        let key = existing_workspace_key(
            &self.connection,
            &mut self.webcare_keys,
            "webcare_keys",
            workspace_id,
        )?
        .ok_or_else(|| StoreError::Corrupt("a webcare reference does not open".into()))?;
        let cipher = XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*key.as_bytes()));
        let nonce: [u8; 24] = sealed
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::Corrupt("a webcare nonce has the wrong length".into()))?;
        let aad = webcare_aad(workspace_id, source_ref);
        let plain = cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Corrupt("a webcare reference does not open".into()))?;
        String::from_utf8(plain)
            .map_err(|_| StoreError::Corrupt("a webcare reference is not text".into()))
    }

    /// Destroys the webcare key of `workspace_id` (when its workspace closes), so a sealed answer
    /// reference that remains anywhere can never be opened again; the WAL is truncated so no copy
    /// of the key stays in any file. Returns whether there was a key.
    pub fn destroy_webcare_key(&mut self, workspace_id: i64) -> Result<bool, StoreError> {
        let destroyed = self.connection.execute(
            "DELETE FROM webcare_keys WHERE workspace_id = ?1",
            params![workspace_id],
        )?;
        self.webcare_keys.remove(&workspace_id);
        checkpoint_and_truncate_wal(&self.connection)?;
        Ok(destroyed > 0)
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
        // Push the overwritten pages out of the WAL too, so the destroyed keys leave no copy; a
        // checkpoint that cannot complete is an error (the old frames would keep the keys).
        checkpoint_and_truncate_wal(&self.connection)?;
        Ok(destroyed)
    }

    /// Rebuilds the key database file (`VACUUM`) and truncates its WAL, so pages that once held
    /// destroyed keys are gone from the file. Safe to run at any time.
    pub fn compact(&mut self) -> Result<(), StoreError> {
        compact_database(&self.connection)
    }

    /// Every pseudonym key of `workspace_id` that still exists (all periods, all generations),
    /// with the label posts carry for it, oldest first. Destroyed keys are gone and give nothing.
    /// Crate-internal: key bytes never leave the store.
    pub(crate) fn live_period_keys(
        &self,
        workspace_id: i64,
    ) -> Result<Vec<(String, PeriodKey)>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT period, generation, key FROM period_keys WHERE workspace_id = ?1
             ORDER BY period, generation",
        )?;
        let rows = statement
            .query_map(params![workspace_id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut live_keys = Vec::with_capacity(rows.len());
        for (period, generation, blob) in rows {
            live_keys.push((period_label(&period, generation), key_from_blob(blob)?));
        }
        Ok(live_keys)
    }

    /// Stores (replacing) the PKCS#8 DER private key of `organisation_id`'s OIDC client.
    pub fn set_oidc_client_key(
        &mut self,
        organisation_id: i64,
        pkcs8: &[u8],
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO oidc_client_keys (organisation_id, pkcs8, created_at)
             VALUES (?1, ?2, strftime('%s', 'now'))
             ON CONFLICT (organisation_id) DO UPDATE SET pkcs8 = excluded.pkcs8,
                created_at = excluded.created_at",
            params![organisation_id, pkcs8],
        )?;
        Ok(())
    }

    /// The PKCS#8 DER private key of `organisation_id`'s OIDC client, if it has one.
    pub fn oidc_client_key(&self, organisation_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT pkcs8 FROM oidc_client_keys WHERE organisation_id = ?1",
                params![organisation_id],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Removes the OIDC client key of `organisation_id` (its client went back to a secret).
    pub fn remove_oidc_client_key(&mut self, organisation_id: i64) -> Result<(), StoreError> {
        self.connection.execute(
            "DELETE FROM oidc_client_keys WHERE organisation_id = ?1",
            params![organisation_id],
        )?;
        Ok(())
    }

    /// The objection key of `organisation_id`, created on first use. Crate-internal.
    pub(crate) fn objection_key(&mut self, organisation_id: i64) -> Result<PeriodKey, StoreError> {
        if let Some(existing) = self.existing_objection_key(organisation_id)? {
            return Ok(existing);
        }
        let fresh = random_key()?;
        self.connection.execute(
            "INSERT OR IGNORE INTO objection_keys (organisation_id, key, created_at)
             VALUES (?1, ?2, strftime('%s', 'now'))",
            params![organisation_id, fresh.as_bytes().as_slice()],
        )?;
        // Another process may have made it at the same moment: the stored one wins.
        let winner: Vec<u8> = self.connection.query_row(
            "SELECT key FROM objection_keys WHERE organisation_id = ?1",
            params![organisation_id],
            |row| row.get(0),
        )?;
        key_from_blob(winner)
    }

    /// The objection key of `organisation_id` if one exists (there are no objections without
    /// one). Crate-internal.
    pub(crate) fn existing_objection_key(
        &self,
        organisation_id: i64,
    ) -> Result<Option<PeriodKey>, StoreError> {
        let stored: Option<Vec<u8>> = self
            .connection
            .query_row(
                "SELECT key FROM objection_keys WHERE organisation_id = ?1",
                params![organisation_id],
                |row| row.get(0),
            )
            .optional()?;
        match stored {
            Some(blob) => Ok(Some(key_from_blob(blob)?)),
            None => Ok(None),
        }
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

    fn files_containing(directory: &Path, needle: &[u8]) -> usize {
        let Ok(entries) = std::fs::read_dir(directory) else {
            return 0;
        };
        entries
            .flatten()
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .filter(|bytes| bytes.windows(needle.len()).any(|window| window == needle))
            .count()
    }

    #[test]
    fn destroyed_keys_are_not_live_and_leave_no_bytes_in_the_files() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut keys = KeyStore::open(directory.path())?;
        let (_, august) = keys.period_key(1, "2026-08")?;
        let (_, september) = keys.period_key(1, "2026-09")?;
        keys.rotate(1, "2026-09")?;
        let (_, other_workspace) = keys.period_key(2, "2026-08")?;
        let labels = |keys: &KeyStore| -> Result<Vec<String>, StoreError> {
            Ok(keys
                .live_period_keys(1)?
                .into_iter()
                .map(|(label, _)| label)
                .collect())
        };
        assert_eq!(labels(&keys)?, vec!["2026-08", "2026-09", "2026-09.r2"]);
        assert!(files_containing(directory.path(), august.as_bytes()) > 0);
        assert_eq!(keys.destroy_period_keys_before(1, "2026-09")?, 1);
        assert_eq!(
            keys.destroy_period_keys_before(1, "2026-09")?,
            0,
            "idempotent"
        );
        keys.compact()?;
        assert_eq!(labels(&keys)?, vec!["2026-09", "2026-09.r2"]);
        assert_eq!(files_containing(directory.path(), august.as_bytes()), 0);
        assert!(files_containing(directory.path(), september.as_bytes()) > 0);
        assert!(files_containing(directory.path(), other_workspace.as_bytes()) > 0);
        Ok(())
    }

    #[test]
    fn objection_keys_are_per_organisation_and_persist() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut keys = KeyStore::open(directory.path())?;
        assert!(keys.existing_objection_key(1)?.is_none());
        let first = keys.objection_key(1)?;
        assert_eq!(first, keys.objection_key(1)?);
        assert_ne!(first, keys.objection_key(2)?);
        drop(keys);
        let reopened = KeyStore::open(directory.path())?;
        assert_eq!(reopened.existing_objection_key(1)?, Some(first));
        Ok(())
    }
}
