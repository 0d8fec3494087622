//! `peil keys`: the pseudonym keys of a workspace (one per month, DESIGN.md invariant 3).
//!
//! `list` shows which keys exist (never their bytes); `rotate` starts a new key for the current
//! month, so authors get new pseudonyms from then on; `destroy-expired` destroys the keys of every
//! month whose post retention has ended, which makes what remains of those months unlinkable.

use anyhow::Result;
use clap::Subcommand;

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
pub fn run(context: &Context, command: KeysCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    let language = context.language;
    match command {
        KeysCommand::List {
            workspace,
            org,
            json,
        } => {
            let keys = service.keys(&actor, &workspace, org.as_deref())?;
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
            let label = service.rotate_key(&actor, &workspace, org.as_deref(), &why)?;
            println!("{} {label}", language.pick("Nieuwe sleutel:", "New key:"));
        }
        KeysCommand::DestroyExpired {
            workspace,
            org,
            why,
        } => {
            let (destroyed, keep_from) =
                service.destroy_expired_keys(&actor, &workspace, org.as_deref(), &why)?;
            println!(
                "{} {destroyed} ({} {keep_from})",
                language.pick("Sleutels vernietigd:", "Keys destroyed:"),
                language.pick("bewaard vanaf", "kept from")
            );
        }
    }
    Ok(())
}
