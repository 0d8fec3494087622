//! `peil dsr lookup|erase|object`: data-subject requests, handled by the FG.
//!
//! The person is named by platform and handle (or author id); Peil computes the keyed hashes
//! under the live keys and answers with counts per workspace, never with texts. The handle is
//! never printed back, logged or stored (an objection keeps only a keyed hash).

use anyhow::Result;
use clap::{Args, Subcommand};
use peil_service::DataSubject;

use crate::Context;

#[derive(Args, Debug)]
pub struct SubjectArgs {
    /// The organisation whose data the request concerns.
    #[arg(long)]
    org: String,
    /// mastodon, bluesky, import …
    #[arg(long)]
    platform: String,
    /// The person's handle (repeatable), e.g. @anna@social.example.
    #[arg(long = "handle")]
    handles: Vec<String>,
    /// An author id as the platform knows it (repeatable), e.g. a Bluesky DID.
    #[arg(long = "author-id")]
    author_ids: Vec<String>,
}

impl SubjectArgs {
    fn subject(&self) -> DataSubject {
        DataSubject {
            platform: self.platform.trim().to_lowercase(),
            handles: self.handles.clone(),
            author_ids: self.author_ids.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum DsrCommand {
    /// Which workspaces hold posts by this person (counts only).
    Lookup {
        #[command(flatten)]
        subject: SubjectArgs,
        #[arg(long)]
        json: bool,
    },
    /// Erase this person's posts from every workspace of the organisation.
    Erase {
        #[command(flatten)]
        subject: SubjectArgs,
        #[arg(long)]
        why: String,
    },
    /// Record an objection: this person's future posts are dropped at ingest.
    Object {
        #[command(flatten)]
        subject: SubjectArgs,
        #[arg(long)]
        why: String,
    },
}

pub fn run(context: &Context, command: DsrCommand) -> Result<()> {
    let language = context.language;
    let (mut service, actor) = context.open_service()?;
    match command {
        DsrCommand::Lookup { subject, json } => {
            let holdings = service.subject_lookup(&actor, &subject.org, &subject.subject())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&holdings)?);
                return Ok(());
            }
            if holdings.iter().all(|holding| holding.posts == 0) {
                println!(
                    "{}",
                    language.pick(
                        "Geen berichten van deze persoon gevonden (onder de nog bestaande sleutels).",
                        "No posts by this person found (under the keys that still exist)."
                    )
                );
            }
            for holding in holdings.iter().filter(|holding| holding.posts > 0) {
                println!(
                    "{}: {} {}",
                    holding.workspace_name,
                    holding.posts,
                    language.pick("berichten", "posts")
                );
            }
        }
        DsrCommand::Erase { subject, why } => {
            let report = service.subject_erase(&actor, &subject.org, &subject.subject(), &why)?;
            println!(
                "{} {} {}",
                language.pick("Gewist:", "Erased:"),
                report.posts_deleted,
                language.pick("berichten", "posts")
            );
        }
        DsrCommand::Object { subject, why } => {
            let added = service.subject_object(&actor, &subject.org, &subject.subject(), &why)?;
            println!(
                "{} ({added} {})",
                language.pick(
                    "Bezwaar vastgelegd: toekomstige berichten van deze persoon worden bij binnenkomst verwijderd",
                    "Objection recorded: this person's future posts are dropped at ingest"
                ),
                language.pick("nieuwe sleutelhashes", "new keyed hashes")
            );
        }
    }
    Ok(())
}
