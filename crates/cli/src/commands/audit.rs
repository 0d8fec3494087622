//! `peil audit list|verify|export`: the tamper-evident audit log for the FG.
//!
//! `verify` reads the files without the signing key and without opening the store, and exits
//! non-zero on any change, truncation or reordering; `export` writes the signed checkpoints for an
//! outside witness, whose copy `verify --witness FILE` checks the log against later.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Subcommand;

use crate::Context;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// List the entries the acting user may read (own organisation and installation).
    List {
        #[arg(long)]
        json: bool,
        /// Only the last N entries.
        #[arg(long)]
        last: Option<usize>,
    },
    /// Verify every entry, every checkpoint's signature, their consistency and the signed head.
    Verify {
        /// A witness export (from `peil audit export`) to check the log against.
        #[arg(long)]
        witness: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Write the signed checkpoints to FILE for an outside witness.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(context: &Context, command: AuditCommand) -> Result<()> {
    let language = context.language;
    match command {
        AuditCommand::Verify { witness, json } => {
            let report = peil_service::verify_audit(
                &context.data_dir,
                context.key_dir.as_deref(),
                witness.as_deref(),
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("{report}");
            }
            if !report.is_valid() {
                bail!(
                    "{}",
                    language.pick("het auditlog is NIET intact", "the audit log is NOT intact")
                );
            }
            // Record the (successful) verification itself.
            let (mut service, actor) = context.open_service()?;
            service.record_audit_verification(&actor, &report)?;
            println!("{}", language.pick("Auditlog intact.", "Audit log intact."));
        }
        AuditCommand::List { json, last } => {
            let (mut service, actor) = context.open_service()?;
            let entries = service.audit_entries(&actor)?;
            let skip = last.map_or(0, |count| entries.len().saturating_sub(count));
            let shown = entries.get(skip..).unwrap_or_default();
            if json {
                println!("{}", serde_json::to_string_pretty(shown)?);
                return Ok(());
            }
            for indexed in shown {
                let entry = &indexed.entry;
                println!(
                    "{:>6}  {}  {:<20}  {:<9}  {}  {}  {}{}",
                    indexed.index,
                    entry.at.format("%Y-%m-%d %H:%M:%S"),
                    entry.action.code(),
                    entry.result.code(),
                    entry.actor,
                    entry.origin,
                    entry.object,
                    entry
                        .detail
                        .as_deref()
                        .map(|detail| format!("  [{detail}]"))
                        .unwrap_or_default()
                );
            }
        }
        AuditCommand::Export { out } => {
            let (mut service, actor) = context.open_service()?;
            let count = service.export_audit(&actor, &out)?;
            println!(
                "{} {count} {} {}",
                language.pick("Geëxporteerd:", "Exported:"),
                language.pick("checkpoints naar", "checkpoints to"),
                out.display()
            );
        }
    }
    Ok(())
}
