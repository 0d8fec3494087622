//! `peil store check`: opens the store (which reconciles the index with the database) and reports
//! whether both hold the same posts and SQLite's integrity check passes.

use anyhow::{bail, Result};
use clap::Subcommand;

use crate::Context;

#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Check integrity and that the database and the full-text index hold the same posts.
    Check {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(context: &Context, command: StoreCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    match command {
        StoreCommand::Check { json } => {
            let check = service.check_store(&actor)?;
            if json {
                println!("{}", serde_json::to_string(&check)?);
            } else {
                let language = context.language;
                println!(
                    "{}: {}  {}: {}  {}: {}",
                    language.pick("berichten in database", "posts in database"),
                    check.posts_in_database,
                    language.pick("in index", "in index"),
                    check.posts_in_index,
                    language.pick("integriteit", "integrity"),
                    check.integrity
                );
                if check.reindexed_on_open > 0 || check.removed_from_index_on_open > 0 {
                    println!(
                        "{}: +{} / -{}",
                        language.pick("index hersteld bij openen", "index repaired on open"),
                        check.reindexed_on_open,
                        check.removed_from_index_on_open
                    );
                }
            }
            if !check.consistent || check.integrity != "ok" {
                bail!("the store is not consistent");
            }
        }
    }
    Ok(())
}
