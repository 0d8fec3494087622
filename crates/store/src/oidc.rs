//! OIDC login configuration (migration 5): one issuer per organisation and the links from an
//! issuer's subject to a user of that organisation.
//!
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

/// The OIDC issuer configured for one organisation.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcProviderRecord {
    pub organisation_id: i64,
    /// The issuer identifier (`iss`), an https URL (http only on a loopback address).
    pub issuer: String,
    pub client_id: String,
    /// The client secret (client_secret_basic). Never shown.
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
            .field("redirect_uri", &self.redirect_uri)
            .field("subject_claim", &self.subject_claim)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Sets (or replaces) the organisation's issuer. Replacing the issuer removes the links
    /// made for the old one (they could never match again) and ends no sessions.
    pub fn set_oidc_provider(&mut self, record: &OidcProviderRecord) -> Result<(), StoreError> {
        self.organisation_by_id(record.organisation_id)?;
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
                 updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (organisation_id) DO UPDATE SET issuer = excluded.issuer,
                client_id = excluded.client_id, client_secret = excluded.client_secret,
                redirect_uri = excluded.redirect_uri, subject_claim = excluded.subject_claim,
                updated_at = excluded.updated_at",
            params![
                record.organisation_id,
                record.issuer,
                record.client_id,
                record.client_secret,
                record.redirect_uri,
                record.subject_claim,
                Utc::now().timestamp()
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
        Ok(self
            .connection
            .query_row(
                "SELECT issuer, client_id, client_secret, redirect_uri, subject_claim
                 FROM oidc_providers WHERE organisation_id = ?1",
                params![organisation_id],
                |row| {
                    Ok(OidcProviderRecord {
                        organisation_id,
                        issuer: row.get(0)?,
                        client_id: row.get(1)?,
                        client_secret: row.get(2)?,
                        redirect_uri: row.get(3)?,
                        subject_claim: row.get(4)?,
                    })
                },
            )
            .optional()?)
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
            client_secret: b"geheim".to_vec(),
            redirect_uri: "https://peil.example/login/oidc/callback".to_string(),
            subject_claim: "sub".to_string(),
        };
        assert!(store.set_oidc_provider(&record).is_ok());
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
        assert!(store.set_oidc_provider(&moved).is_ok());
        assert!(matches!(store.oidc_linked_user(one.id, b"hash"), Ok(None)));
    }
}
