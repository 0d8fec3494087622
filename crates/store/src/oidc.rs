//! OIDC login configuration (migrations 5 and 10): one issuer per organisation, how Peil
//! authenticates at its token endpoint, and the links from an issuer's subject to a user of that
//! organisation.
//!
//! * Client authentication (migration 10): `client_secret_basic` (the secret in this database)
//!   or `private_key_jwt` (OpenID.NLGov): the client's private key lives in the key store
//!   (`keys/keys.sqlite`, apart from the data, see keys.rs), never in this database; the secret
//!   column is then empty. Switching back to a secret removes the key from the key store.
//! * The client secret is a credential like the TOTP secret: written by `peil oidc configure`,
//!   read only to authenticate Peil at the issuer's token endpoint, never returned to a user,
//!   never printed (`OidcProviderRecord`'s `Debug` leaves it out). It lives in this owner-only
//!   database (0700 directory, `secure_delete=ON`), not encrypted with a separate key yet.
//! * Subjects are stored only as a SHA-256 hash over issuer and subject (computed by the caller,
//!   peil-service): the database never holds the identifier the issuer uses for a person, and a
//!   link made for one issuer never matches a subject of another.

use chrono::Utc;
use rusqlite::{params, OptionalExtension};

use crate::{Store, StoreError};

/// How Peil authenticates at the issuer's token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcClientAuthentication {
    /// RFC 6749 2.3.1: client id and secret in an `Authorization: Basic` header.
    ClientSecretBasic,
    /// RFC 7523 / OIDC Core 9: a JWT signed with the client's private key (the key store's).
    PrivateKeyJwt,
}

impl OidcClientAuthentication {
    /// The name used in the database and in the issuer's metadata.
    pub fn code(self) -> &'static str {
        match self {
            OidcClientAuthentication::ClientSecretBasic => "client_secret_basic",
            OidcClientAuthentication::PrivateKeyJwt => "private_key_jwt",
        }
    }

    fn from_code(code: &str) -> Result<Self, StoreError> {
        match code {
            "client_secret_basic" => Ok(OidcClientAuthentication::ClientSecretBasic),
            "private_key_jwt" => Ok(OidcClientAuthentication::PrivateKeyJwt),
            _ => Err(StoreError::Corrupt(
                "unknown OIDC client authentication".into(),
            )),
        }
    }
}

/// The OIDC issuer configured for one organisation.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcProviderRecord {
    pub organisation_id: i64,
    /// The issuer identifier (`iss`), an https URL (http only on a loopback address).
    pub issuer: String,
    pub client_id: String,
    /// How Peil authenticates at the token endpoint.
    pub client_authentication: OidcClientAuthentication,
    /// The client secret (client_secret_basic; empty with private_key_jwt). Never shown.
    pub client_secret: Vec<u8>,
    /// The redirect URI registered at the issuer (`…/login/oidc/callback`).
    pub redirect_uri: String,
    /// The claim that identifies the user (`sub` unless configured otherwise).
    pub subject_claim: String,
}

impl std::fmt::Debug for OidcProviderRecord {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcProviderRecord")
            .field("organisation_id", &self.organisation_id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_authentication", &self.client_authentication)
            .field("redirect_uri", &self.redirect_uri)
            .field("subject_claim", &self.subject_claim)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Sets (or replaces) the organisation's issuer. Replacing the issuer removes the links
    /// made for the old one (they could never match again) and ends no sessions.
    /// `client_key` (PKCS#8 DER) is required with `private_key_jwt` and goes to the key store;
    /// with a secret any earlier key is removed from the key store.
    pub fn set_oidc_provider(
        &mut self,
        record: &OidcProviderRecord,
        client_key: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        self.organisation_by_id(record.organisation_id)?;
        match (record.client_authentication, client_key) {
            (OidcClientAuthentication::PrivateKeyJwt, Some(pkcs8)) if !pkcs8.is_empty() => {
                self.keys
                    .set_oidc_client_key(record.organisation_id, pkcs8)?;
            }
            (OidcClientAuthentication::PrivateKeyJwt, _) => {
                return Err(StoreError::NotFound {
                    what: "oidc client key",
                    name: record.organisation_id.to_string(),
                });
            }
            (OidcClientAuthentication::ClientSecretBasic, _) => {
                self.keys.remove_oidc_client_key(record.organisation_id)?;
            }
        }
        let transaction = self.connection.transaction()?;
        let previous: Option<String> = transaction
            .query_row(
                "SELECT issuer FROM oidc_providers WHERE organisation_id = ?1",
                params![record.organisation_id],
                |row| row.get(0),
            )
            .optional()?;
        if previous.is_some_and(|issuer| issuer != record.issuer) {
            transaction.execute(
                "DELETE FROM oidc_links WHERE organisation_id = ?1",
                params![record.organisation_id],
            )?;
        }
        transaction.execute(
            "INSERT INTO oidc_providers
                (organisation_id, issuer, client_id, client_secret, redirect_uri, subject_claim,
                 updated_at, client_authentication)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (organisation_id) DO UPDATE SET issuer = excluded.issuer,
                client_id = excluded.client_id, client_secret = excluded.client_secret,
                redirect_uri = excluded.redirect_uri, subject_claim = excluded.subject_claim,
                updated_at = excluded.updated_at,
                client_authentication = excluded.client_authentication",
            params![
                record.organisation_id,
                record.issuer,
                record.client_id,
                record.client_secret,
                record.redirect_uri,
                record.subject_claim,
                Utc::now().timestamp(),
                record.client_authentication.code()
            ],
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// The organisation's issuer, if one is configured.
    pub fn oidc_provider(
        &self,
        organisation_id: i64,
    ) -> Result<Option<OidcProviderRecord>, StoreError> {
        let found = self
            .connection
            .query_row(
                "SELECT issuer, client_id, client_secret, redirect_uri, subject_claim,
                        client_authentication
                 FROM oidc_providers WHERE organisation_id = ?1",
                params![organisation_id],
                |row| {
                    Ok((
                        OidcProviderRecord {
                            organisation_id,
                            issuer: row.get(0)?,
                            client_id: row.get(1)?,
                            client_secret: row.get(2)?,
                            redirect_uri: row.get(3)?,
                            subject_claim: row.get(4)?,
                            client_authentication: OidcClientAuthentication::ClientSecretBasic,
                        },
                        row.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((mut record, authentication)) = found else {
            return Ok(None);
        };
        record.client_authentication = OidcClientAuthentication::from_code(&authentication)?;
        Ok(Some(record))
    }

    /// The private key (PKCS#8 DER) of the organisation's OIDC client, from the key store; only
    /// to sign a client assertion. Never shown.
    pub fn oidc_client_key(&self, organisation_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        self.keys.oidc_client_key(organisation_id)
    }

    /// Links the subject with `subject_hash` to `user_id` (of `organisation_id`), replacing an
    /// earlier link of the same subject.
    pub fn link_oidc_subject(
        &mut self,
        organisation_id: i64,
        subject_hash: &[u8],
        user_id: i64,
    ) -> Result<(), StoreError> {
        let user = self.user_by_id(user_id)?;
        if user.organisation_id != organisation_id {
            return Err(StoreError::NotFound {
                what: "user",
                name: user_id.to_string(),
            });
        }
        self.connection.execute(
            "INSERT INTO oidc_links (organisation_id, subject_hash, user_id, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (organisation_id, subject_hash) DO UPDATE SET user_id = excluded.user_id,
                created_at = excluded.created_at",
            params![
                organisation_id,
                subject_hash,
                user_id,
                Utc::now().timestamp()
            ],
        )?;
        Ok(())
    }

    /// The user of `organisation_id` linked to the subject with `subject_hash`, if any.
    pub fn oidc_linked_user(
        &self,
        organisation_id: i64,
        subject_hash: &[u8],
    ) -> Result<Option<peil_model::User>, StoreError> {
        let user_id: Option<i64> = self
            .connection
            .query_row(
                "SELECT l.user_id FROM oidc_links l JOIN users u ON u.id = l.user_id
                 WHERE l.organisation_id = ?1 AND l.subject_hash = ?2
                   AND u.organisation_id = ?1",
                params![organisation_id, subject_hash],
                |row| row.get(0),
            )
            .optional()?;
        user_id.map(|id| self.user_by_id(id)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_and_links_round_trip_and_stay_in_their_organisation() {
        let Ok(directory) = tempfile::tempdir() else {
            panic!("no temp dir");
        };
        let Ok(mut store) = Store::open(directory.path()) else {
            panic!("store");
        };
        let (Ok(one), Ok(two)) = (
            store.create_organisation("Een", "test", "test"),
            store.create_organisation("Twee", "test", "test"),
        ) else {
            panic!("organisations");
        };
        let Ok(anna) = store.add_user(one.id, "anna", peil_model::Role::Admin, "t", "t") else {
            panic!("user");
        };
        let record = OidcProviderRecord {
            organisation_id: one.id,
            issuer: "https://idp.example".to_string(),
            client_id: "peil".to_string(),
            client_authentication: OidcClientAuthentication::ClientSecretBasic,
            client_secret: b"geheim".to_vec(),
            redirect_uri: "https://peil.example/login/oidc/callback".to_string(),
            subject_claim: "sub".to_string(),
        };
        assert!(store.set_oidc_provider(&record, None).is_ok());
        assert!(!format!("{record:?}").contains("geheim"));
        assert_eq!(
            store.oidc_provider(one.id).ok().flatten(),
            Some(record.clone())
        );
        assert_eq!(store.oidc_provider(two.id).ok().flatten(), None);
        assert!(store.link_oidc_subject(one.id, b"hash", anna.id).is_ok());
        // A user of another organisation cannot be linked there.
        assert!(store.link_oidc_subject(two.id, b"hash", anna.id).is_err());
        let found = store.oidc_linked_user(one.id, b"hash").ok().flatten();
        assert_eq!(found.map(|user| user.id), Some(anna.id));
        assert!(matches!(store.oidc_linked_user(two.id, b"hash"), Ok(None)));
        // Another issuer: the old links go.
        let moved = OidcProviderRecord {
            issuer: "https://other.example".to_string(),
            ..record
        };
        assert!(store.set_oidc_provider(&moved, None).is_ok());
        assert!(matches!(store.oidc_linked_user(one.id, b"hash"), Ok(None)));
    }

    #[test]
    fn a_private_key_client_keeps_its_key_in_the_key_store_not_the_database() {
        let Ok(directory) = tempfile::tempdir() else {
            panic!("no temp dir");
        };
        let Ok(mut store) = Store::open(directory.path()) else {
            panic!("store");
        };
        let Ok(one) = store.create_organisation("Een", "test", "test") else {
            panic!("organisation");
        };
        let key_bytes = b"pkcs8-der-private-key-bytes-0f3e9a".to_vec();
        let record = OidcProviderRecord {
            organisation_id: one.id,
            issuer: "https://idp.example".to_string(),
            client_id: "peil".to_string(),
            client_authentication: OidcClientAuthentication::PrivateKeyJwt,
            client_secret: Vec::new(),
            redirect_uri: "https://peil.example/login/oidc/callback".to_string(),
            subject_claim: "sub".to_string(),
        };
        // Without the key, private_key_jwt is refused.
        assert!(store.set_oidc_provider(&record, None).is_err());
        assert!(store.set_oidc_provider(&record, Some(&key_bytes)).is_ok());
        let stored = store.oidc_provider(one.id).ok().flatten();
        assert_eq!(
            stored.map(|found| found.client_authentication),
            Some(OidcClientAuthentication::PrivateKeyJwt)
        );
        assert_eq!(
            store.oidc_client_key(one.id).ok().flatten(),
            Some(key_bytes.clone())
        );
        let database = std::fs::read(directory.path().join("peil.sqlite")).unwrap_or_default();
        let wal = std::fs::read(directory.path().join("peil.sqlite-wal")).unwrap_or_default();
        let needle = &key_bytes[..];
        assert!(!database
            .windows(needle.len())
            .any(|window| window == needle));
        assert!(!wal.windows(needle.len()).any(|window| window == needle));
        // Back to a secret: the key leaves the key store.
        let secret = OidcProviderRecord {
            client_authentication: OidcClientAuthentication::ClientSecretBasic,
            client_secret: b"geheim".to_vec(),
            ..record
        };
        assert!(store.set_oidc_provider(&secret, None).is_ok());
        assert_eq!(store.oidc_client_key(one.id).ok().flatten(), None);
    }
}
