//! `peil retention run [--as-of DATE]`: applies every workspace's retention (DESIGN.md
//! invariant 7): closes workspaces past their end date, deletes expired posts from the database
//! and the index (secure delete, WAL truncation, vacuum, segment merge), destroys expired
//! pseudonym keys and forgets expired answered scopes. `--as-of` runs it as if it were that
//! date, to apply a shorter period early.

use anyhow::Result;
use clap::Subcommand;

use super::query::parse_time;
use crate::Context;

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Run retention now (or as of a later date).
    Run {
        /// YYYY-MM-DD or RFC 3339; default now. Earlier than now is refused.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(context: &Context, command: RetentionCommand) -> Result<()> {
    let language = context.language;
    match command {
        RetentionCommand::Run { as_of, json } => {
            let now = chrono::Utc::now();
            let as_of = match as_of.as_deref() {
                Some(text) => parse_time(text, "--as-of")?,
                None => now,
            };
            if as_of < now - chrono::Duration::minutes(1) {
                anyhow::bail!(
                    "--as-of {}",
                    language.pick(
                        "mag niet in het verleden liggen (dan zou er minder verwijderd worden dan de bewaartermijn vraagt)",
                        "must not lie in the past (that would delete less than the retention requires)"
                    )
                );
            }
            let (mut service, actor) = context.open_service()?;
            let (report, closed) = service.run_retention(&actor, as_of)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "report": report,
                        "workspaces_closed": closed,
                    }))?
                );
                return Ok(());
            }
            for workspace in &report.workspaces {
                println!(
                    "{}: {} {}, {} {}, {} {}",
                    workspace.workspace_name,
                    workspace.posts_deleted,
                    language.pick("berichten verwijderd", "posts deleted"),
                    workspace.keys_destroyed,
                    language.pick("sleutels vernietigd", "keys destroyed"),
                    workspace.scopes_deleted,
                    language.pick("onthouden vragen vergeten", "remembered scopes forgotten"),
                );
            }
            for name in &closed {
                println!(
                    "{}: {}",
                    name,
                    language.pick(
                        "gesloten (einddatum verstreken)",
                        "closed (end date passed)"
                    )
                );
            }
            println!(
                "{}: {} {}, {} {}",
                language.pick("Totaal", "Total"),
                report.posts_deleted,
                language.pick("berichten", "posts"),
                report.keys_destroyed,
                language.pick("sleutels", "keys")
            );
        }
    }
    Ok(())
}
