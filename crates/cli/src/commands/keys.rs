//! `peil keys`: the pseudonym keys of a workspace (one per month, DESIGN.md invariant 3).
//!
//! `list` shows which keys exist (never their bytes); `rotate` starts a new key for the current
//! month, so authors get new pseudonyms from then on; `destroy-expired` destroys the keys of every
//! month whose post retention has ended, which makes what remains of those months unlinkable.

use anyhow::{Context as _, Result};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use clap::Subcommand;
use peil_model::Role;

use super::actor::authorize_workspace;
use super::catalog::open_store;
use crate::Context;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// List the key periods of a workspace (never the keys).
    List {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Start a new key for the current month.
    Rotate {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        why: String,
    },
    /// Destroy the keys of months whose post retention has ended.
    DestroyExpired {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        why: String,
    },
}

/// The first month whose key must still exist today: a month's key may go once the retention of
/// posts has passed since the end of that month.
pub fn first_month_to_keep(today: NaiveDate, retention_days: u32) -> String {
    let cutoff = today - Duration::days(i64::from(retention_days));
    // Every post of month M is older than the retention once the month after M began before the
    // cutoff; the month containing the cutoff may still hold posts younger than the retention.
    format!("{:04}-{:02}", cutoff.year(), cutoff.month())
}

pub fn run(context: &Context, command: KeysCommand) -> Result<()> {
    let mut store = open_store(context)?;
    let language = context.language;
    match command {
        KeysCommand::List {
            workspace,
            org,
            json,
        } => {
            let workspace = store.workspace(&workspace, org.as_deref())?;
            let keys = store.keys().keys_of(workspace.id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&keys)?);
                return Ok(());
            }
            for key in keys {
                println!(
                    "{}  {} {}",
                    key.label,
                    language.pick("aangemaakt", "created"),
                    chrono::DateTime::from_timestamp(key.created_at, 0)
                        .map(|time| time.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default()
                );
            }
        }
        KeysCommand::Rotate {
            workspace,
            org,
            why,
        } => {
            let (workspace, actor) = authorize_workspace(
                &store,
                context,
                &workspace,
                org.as_deref(),
                &[Role::Admin],
                "rotate keys",
            )?;
            let period = Utc::now().format("%Y-%m").to_string();
            store.record_change_note(
                Some(workspace.organisation_id),
                &format!("workspace:{}", workspace.name),
                &format!("rotate pseudonym key {period}"),
                &why,
                &actor,
            )?;
            let label = store
                .keys()
                .rotate(workspace.id, &period)
                .context("key rotation failed")?;
            println!("{} {label}", language.pick("Nieuwe sleutel:", "New key:"));
        }
        KeysCommand::DestroyExpired {
            workspace,
            org,
            why,
        } => {
            let (workspace, actor) = authorize_workspace(
                &store,
                context,
                &workspace,
                org.as_deref(),
                &[Role::Admin],
                "destroy keys",
            )?;
            let keep_from =
                first_month_to_keep(Utc::now().date_naive(), workspace.retention_days_posts);
            store.record_change_note(
                Some(workspace.organisation_id),
                &format!("workspace:{}", workspace.name),
                &format!("destroy pseudonym keys before {keep_from}"),
                &why,
                &actor,
            )?;
            let destroyed = store
                .keys()
                .destroy_period_keys_before(workspace.id, &keep_from)?;
            println!(
                "{} {destroyed} ({} {keep_from})",
                language.pick("Sleutels vernietigd:", "Keys destroyed:"),
                language.pick("bewaard vanaf", "kept from")
            );
        }
    }
    Ok(())
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
