//! `peil allow`: an organisation's allow-list. Accounts of organisations (`handle`) and names of
//! public office holders (`person`) stay readable in that organisation's data, each with a
//! justification that the FG sees in the history. Everything else a person could be identified by
//! is redacted.

use anyhow::Result;
use clap::Subcommand;
use peil_model::{AllowKind, Role};

use super::actor::authorize;
use super::catalog::open_store;
use crate::Context;

#[derive(Subcommand, Debug)]
pub enum AllowCommand {
    /// Add an entry: `--kind handle` (an organisation's account) or `--kind person` (a public
    /// office holder, e.g. the mayor, with justification).
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
        /// Justification, visible to the FG.
        #[arg(long)]
        why: String,
    },
    /// List an organisation's allow-list.
    List {
        #[arg(long)]
        org: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(context: &Context, command: AllowCommand) -> Result<()> {
    let mut store = open_store(context)?;
    let language = context.language;
    match command {
        AllowCommand::Add {
            org,
            kind,
            value,
            why,
        } => {
            let kind: AllowKind = kind.parse()?;
            let organisation = store.organisation(&org)?;
            let actor = authorize(
                &store,
                context,
                organisation.id,
                &[Role::Admin],
                "change the allow-list",
            )?;
            let entry = store.add_allow_entry(organisation.id, kind, &value, &why, &actor)?;
            println!(
                "{} {} {}",
                language.pick("Toegestaan:", "Allowed:"),
                entry.kind.code(),
                entry.value
            );
        }
        AllowCommand::List { org, json } => {
            let organisation = store.organisation(&org)?;
            let entries = store.allow_entries(organisation.id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
                return Ok(());
            }
            for entry in entries {
                println!(
                    "{}  {}  {}: {}",
                    entry.kind.code(),
                    entry.value,
                    language.pick("verantwoording", "justification"),
                    entry.justification
                );
            }
        }
    }
    Ok(())
}
