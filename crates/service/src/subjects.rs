//! Data-subject requests (AVG art. 15, 17, 21) and retention runs.
//!
//! The FG asks which workspaces hold posts by a person (counts, never texts), erases them, or
//! records an objection that drops the person's future posts at ingest. The person is named by a
//! platform and a handle or author id; the handle is turned into the author ids the connectors
//! store (`author_ids_for`), hashed with the live keys inside the store, and never written to the
//! audit log, the change notes or any output. Retention applies the configured periods.

use chrono::{DateTime, Utc};
use peil_store::{ErasureReport, RetentionReport, SubjectHolding};

use crate::operation::Operation;
use crate::{Actor, Service, ServiceError};

/// Who a data-subject request is about: a platform and the ways the person is known there.
#[derive(Debug, Clone)]
pub struct DataSubject {
    /// `mastodon`, `bluesky`, `import` (JSONL/CSV) …
    pub platform: String,
    /// Handles as the person gives them (`@anna@social.example`).
    pub handles: Vec<String>,
    /// Author ids as the platform knows them (a Bluesky DID, a profile URL …).
    pub author_ids: Vec<String>,
}

/// The author ids under which the connectors store a person known by `handle` on `platform`:
/// Mastodon keeps the profile URL (else `user@instance`); Bluesky keeps the DID (a handle must be
/// resolved to it by the caller, so it is kept as given); imports keep the author id as given.
pub fn author_ids_for(platform: &str, handle: &str) -> Vec<String> {
    let trimmed = handle.trim();
    let without_at = trimmed.trim_start_matches('@');
    let mut ids = vec![trimmed.to_string()];
    if platform.eq_ignore_ascii_case("mastodon") {
        if let Some((user, instance)) = without_at.split_once('@') {
            if !user.is_empty() && !instance.is_empty() {
                ids.push(format!("https://{instance}/@{user}"));
                ids.push(format!("{user}@{instance}"));
            }
        }
    } else if without_at != trimmed {
        ids.push(without_at.to_string());
    }
    ids.sort();
    ids.dedup();
    ids
}

impl DataSubject {
    fn all_author_ids(&self) -> Result<Vec<String>, ServiceError> {
        let mut ids: Vec<String> = self
            .handles
            .iter()
            .flat_map(|handle| author_ids_for(&self.platform, handle))
            .chain(self.author_ids.iter().map(|id| id.trim().to_string()))
            .filter(|id| !id.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() || self.platform.trim().is_empty() {
            return Err(ServiceError::InvalidInput(
                "noem het platform en een handle of auteur-id / name the platform and a handle or author id".to_string(),
            ));
        }
        Ok(ids)
    }

    fn audit_object(&self, organisation_id: i64) -> String {
        // Never the handle: only the organisation and the platform.
        format!("organisation:{organisation_id} platform:{}", self.platform)
    }
}

impl Service {
    /// Which workspaces of the organisation hold posts by the data subject (counts only).
    pub fn subject_lookup(
        &mut self,
        actor: &Actor,
        organisation: &str,
        subject: &DataSubject,
    ) -> Result<Vec<SubjectHolding>, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::SubjectLookup, organisation)?;
        let ids = subject.all_author_ids()?;
        self.perform_on_data(
            actor,
            Operation::SubjectLookup,
            Some(organisation.id),
            &subject.audit_object(organisation.id),
            |stores, _| stores.subject_post_counts(organisation.id, &subject.platform, &ids),
            |_| None,
        )
    }

    /// Erases the data subject's posts from every workspace of the organisation.
    pub fn subject_erase(
        &mut self,
        actor: &Actor,
        organisation: &str,
        subject: &DataSubject,
        why: &str,
    ) -> Result<ErasureReport, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::SubjectErase, organisation)?;
        let ids = subject.all_author_ids()?;
        self.perform_on_data(
            actor,
            Operation::SubjectErase,
            Some(organisation.id),
            &subject.audit_object(organisation.id),
            |stores, label| {
                let report = stores.erase_subject(organisation.id, &subject.platform, &ids)?;
                stores.control.record_change_note(
                    Some(organisation.id),
                    "data-subject-request",
                    &format!(
                        "erase on {}: {} posts deleted",
                        subject.platform, report.posts_deleted
                    ),
                    why,
                    label,
                )?;
                Ok(report)
            },
            |report| Some(format!("posts_deleted={}", report.posts_deleted)),
        )
    }

    /// Records an objection: the data subject's future posts are dropped at ingest in this
    /// organisation. Returns how many new author ids were recorded (as keyed hashes).
    pub fn subject_object(
        &mut self,
        actor: &Actor,
        organisation: &str,
        subject: &DataSubject,
        why: &str,
    ) -> Result<usize, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::SubjectObject, organisation)?;
        let ids = subject.all_author_ids()?;
        self.perform(
            actor,
            Operation::SubjectObject,
            Some(organisation.id),
            &subject.audit_object(organisation.id),
            None,
            |store, label| {
                let added = store.add_objection(organisation.id, &subject.platform, &ids)?;
                store.record_change_note(
                    Some(organisation.id),
                    "data-subject-request",
                    &format!("objection on {}: future posts dropped", subject.platform),
                    why,
                    label,
                )?;
                Ok(added)
            },
        )
    }

    /// Applies every workspace's retention as of `as_of` (now, or a later date to apply a
    /// shorter period early): closes workspaces past their end date, deletes expired posts from
    /// database and index, destroys expired keys, forgets expired answered scopes.
    pub fn run_retention(
        &mut self,
        actor: &Actor,
        as_of: DateTime<Utc>,
    ) -> Result<(RetentionReport, Vec<String>), ServiceError> {
        self.perform_on_data(
            actor,
            Operation::RunRetention,
            None,
            &format!("installation as-of:{}", as_of.format("%Y-%m-%d")),
            |stores, _| {
                let closed = stores.control.close_ended_workspaces(as_of)?;
                let report = stores.run_retention(as_of)?;
                Ok((report, closed))
            },
            |(report, closed)| {
                Some(format!(
                    "posts_deleted={} keys_destroyed={} scopes_deleted={} workspaces_closed={}",
                    report.posts_deleted,
                    report.keys_destroyed,
                    report.scopes_deleted,
                    closed.len()
                ))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mastodon_handle_maps_to_the_profile_url_and_the_account() {
        let ids = author_ids_for("mastodon", "@anna@social.example");
        assert!(ids.contains(&"https://social.example/@anna".to_string()));
        assert!(ids.contains(&"anna@social.example".to_string()));
    }

    #[test]
    fn other_platforms_keep_the_id_with_and_without_the_at_sign() {
        let ids = author_ids_for("import", "@lotte_vdberg");
        assert!(ids.contains(&"@lotte_vdberg".to_string()));
        assert!(ids.contains(&"lotte_vdberg".to_string()));
    }
}
