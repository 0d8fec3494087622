//! `peil store check`: opens the store (which reconciles the index with the database) and reports
//! whether both hold the same posts and SQLite's integrity check passes. With `--store
//! postgres://…` it also shows the PostgreSQL schema version and the posts stored there per
//! workspace (the URL without its password).

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
            let (check, data_plane) = service.check_stores(&actor)?;
            if json {
                let mut value = serde_json::to_value(&check)?;
                if let (Some(data_plane), Some(fields)) = (&data_plane, value.as_object_mut()) {
                    fields.insert("postgres".to_string(), serde_json::to_value(data_plane)?);
                }
                println!("{}", serde_json::to_string(&value)?);
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
                if let Some(data_plane) = &data_plane {
                    println!(
                        "PostgreSQL {}: {} {}  {}: {}",
                        data_plane.location,
                        language.pick("schemaversie", "schema version"),
                        data_plane
                            .schema_versions
                            .iter()
                            .max()
                            .copied()
                            .unwrap_or_default(),
                        language.pick("berichten", "posts"),
                        data_plane.posts
                    );
                    for (workspace_id, name, posts) in &data_plane.workspaces {
                        println!("  {name} (id {workspace_id}): {posts}");
                    }
                }
            }
            if !check.consistent || check.integrity != "ok" {
                bail!("the store is not consistent");
            }
        }
    }
    Ok(())
}
