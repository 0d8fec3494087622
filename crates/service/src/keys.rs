//! Pseudonym keys of a workspace: list, rotate, destroy what retention no longer needs.
//!
//! Key material never leaves the key store: this module returns labels and dates only.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use peil_store::KeyInfo;

use crate::operation::Operation;
use crate::{object_of, Actor, Service, ServiceError};

/// The first key period (`YYYY-MM`) whose key must be kept: any post of that month may still be
/// younger than the retention.
pub fn first_month_to_keep(today: NaiveDate, retention_days: u32) -> String {
    let cutoff = today - Duration::days(i64::from(retention_days));
    format!("{:04}-{:02}", cutoff.year(), cutoff.month())
}

impl Service {
    pub fn keys(
        &mut self,
        actor: &Actor,
        workspace_name: &str,
        organisation: Option<&str>,
    ) -> Result<Vec<KeyInfo>, ServiceError> {
        let workspace =
            self.workspace_for(actor, Operation::ListKeys, workspace_name, organisation)?;
        self.perform(
            actor,
            Operation::ListKeys,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            None,
            |store, _| Ok(store.keys().keys_of(workspace.id)?),
        )
    }

    /// Starts a new key for the current month; returns its label.
    pub fn rotate_key(
        &mut self,
        actor: &Actor,
        workspace_name: &str,
        organisation: Option<&str>,
        why: &str,
    ) -> Result<String, ServiceError> {
        let workspace =
            self.workspace_for(actor, Operation::RotateKey, workspace_name, organisation)?;
        self.perform(
            actor,
            Operation::RotateKey,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            None,
            |store, label| {
                let period = Utc::now().format("%Y-%m").to_string();
                store.record_change_note(
                    Some(workspace.organisation_id),
                    &format!("workspace:{}", workspace.name),
                    &format!("rotate pseudonym key {period}"),
                    why,
                    label,
                )?;
                Ok(store.keys().rotate(workspace.id, &period)?)
            },
        )
    }

    /// Destroys the keys of months no stored post can belong to any more; returns how many and
    /// the first month kept.
    pub fn destroy_expired_keys(
        &mut self,
        actor: &Actor,
        workspace_name: &str,
        organisation: Option<&str>,
        why: &str,
    ) -> Result<(usize, String), ServiceError> {
        let workspace = self.workspace_for(
            actor,
            Operation::DestroyExpiredKeys,
            workspace_name,
            organisation,
        )?;
        self.perform(
            actor,
            Operation::DestroyExpiredKeys,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            None,
            |store, label| {
                let keep_from =
                    first_month_to_keep(Utc::now().date_naive(), workspace.retention_days_posts);
                store.record_change_note(
                    Some(workspace.organisation_id),
                    &format!("workspace:{}", workspace.name),
                    &format!("destroy pseudonym keys before {keep_from}"),
                    why,
                    label,
                )?;
                let destroyed = store
                    .keys()
                    .destroy_period_keys_before(workspace.id, &keep_from)?;
                Ok((destroyed, keep_from))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_kept_while_any_post_may_be_younger_than_the_retention() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        assert_eq!(first_month_to_keep(today, 30), "2026-10");
        assert_eq!(first_month_to_keep(today, 1), "2026-11");
        assert_eq!(first_month_to_keep(today, 365), "2025-11");
    }
}
