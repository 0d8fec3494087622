//! `peil allow`: an organisation's allow-list. Accounts of organisations (`handle`) and names of
//! public office holders (`person`) stay readable in that organisation's data, each with a
//! justification that the FG sees in the history. Everything else a person could be identified by
//! is redacted.

use anyhow::Result;
use clap::Subcommand;
use peil_model::AllowKind;

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
    let (mut service, actor) = context.open_service()?;
    let language = context.language;
    match command {
        AllowCommand::Add {
            org,
            kind,
            value,
            why,
        } => {
            let kind: AllowKind = kind.parse()?;
            let entry = service.add_allow_entry(&actor, &org, kind, &value, &why)?;
            println!(
                "{} {} {}",
                language.pick("Toegestaan:", "Allowed:"),
                entry.kind.code(),
                entry.value
            );
        }
        AllowCommand::List { org, json } => {
            let entries = service.allow_entries(&actor, &org)?;
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
