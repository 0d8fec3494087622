//! `peil import FILE`: reads a file through the pipeline. Malformed lines are reported with their
//! line number and reason (never their content) and counted; everything else is imported.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use peil_connectors::{read_records, ImportFormat, ParseError, Record};
use peil_pipeline::IngestStats;
use peil_service::{Actor, ImportProgress, ImportScope, Service};
use serde::Serialize;

use crate::{Context, OutputLanguage};

/// At most this many malformed lines are listed one by one; the rest are counted.
const LISTED_REJECTIONS: u64 = 200;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// File to import.
    file: PathBuf,
    /// jsonl, csv, mastodon or bluesky (default: from the file extension).
    #[arg(long)]
    format: Option<String>,
    /// Feed only this organisation's active workspaces (required when acting as a user; the
    /// local operator without --org feeds every active workspace of the installation).
    #[arg(long)]
    org: Option<String>,
    /// Posts written per batch.
    #[arg(long, default_value_t = peil_pipeline::DEFAULT_BATCH_SIZE)]
    batch_size: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// The summary of an ingest run, as printed with `--json`.
#[derive(Debug, Serialize)]
pub struct IngestSummary {
    pub read: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub dropped: u64,
    /// Posts of authors who objected (dropped before de-identification).
    pub dropped_objection: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub deletes: u64,
    pub redactions: u64,
    pub seconds: f64,
    pub posts_per_sec: f64,
}

impl IngestSummary {
    pub fn new(stats: IngestStats, elapsed: Duration) -> IngestSummary {
        let seconds = elapsed.as_secs_f64();
        IngestSummary {
            read: stats.read,
            stored: stats.stored,
            duplicates: stats.duplicates,
            dropped: stats.dropped,
            dropped_objection: stats.dropped_objection,
            rejected: stats.rejected,
            skipped: stats.skipped,
            deletes: stats.deletes,
            redactions: stats.redactions,
            seconds,
            posts_per_sec: if seconds > 0.0 {
                stats.read as f64 / seconds
            } else {
                0.0
            },
        }
    }

    pub fn print(&self, language: OutputLanguage) {
        println!(
            "{} {:.1} s ({:.0} {})",
            language.pick("Verwerkt in", "Processed in"),
            self.seconds,
            self.posts_per_sec,
            language.pick("berichten/s", "posts/s")
        );
        let rows = [
            (language.pick("gelezen", "read"), self.read),
            (language.pick("opgeslagen", "stored"), self.stored),
            (
                language.pick("al eerder opgeslagen", "already stored"),
                self.duplicates,
            ),
            (
                language.pick("niet gematcht, verwijderd", "matched no monitor, dropped"),
                self.dropped,
            ),
            (
                language.pick("bezwaar gemaakt, verwijderd", "author objected, dropped"),
                self.dropped_objection,
            ),
            (
                language.pick("afgekeurd (foute regel)", "rejected (bad line)"),
                self.rejected,
            ),
            (
                language.pick("overgeslagen (geen bericht)", "skipped (not a post)"),
                self.skipped,
            ),
            (
                language.pick("verwijderd bij de bron", "deleted at the source"),
                self.deletes,
            ),
            (
                language.pick("persoonsgegevens vervangen", "personal data redacted"),
                self.redactions,
            ),
        ];
        for (label, value) in rows {
            println!("  {label:<32} {value:>10}");
        }
    }
}

/// Progress display: a bar (or spinner) on stderr with posts per second; hidden when stderr is
/// not a terminal.
pub fn progress_bar(total: Option<u64>, language: OutputLanguage) -> ProgressBar {
    let bar = match total {
        Some(length) => ProgressBar::new(length),
        None => ProgressBar::new_spinner(),
    };
    let template = match total {
        Some(_) => "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}",
        None => "{spinner} [{elapsed_precise}] {pos} {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message(language.pick("berichten", "posts").to_string());
    bar
}

/// Runs `records` through `pipeline` into `store`, updating `bar`; reports bad lines on stderr.
/// Runs `records` through the service's import with a progress bar; bad lines are listed (their
/// number and reason, never their content) up to `LISTED_REJECTIONS`.
pub fn ingest(
    service: &mut Service,
    actor: &Actor,
    scope: &ImportScope,
    batch_size: usize,
    records: impl Iterator<Item = Result<Record, ParseError>>,
    bar: &ProgressBar,
    language: OutputLanguage,
) -> Result<IngestSummary> {
    let started = Instant::now();
    let mut last_update = Instant::now();
    let mut rejected: u64 = 0;
    let mut report = |progress: ImportProgress<'_>| match progress {
        ImportProgress::Rejected(parse_error) => {
            rejected += 1;
            if rejected <= LISTED_REJECTIONS {
                bar.suspend(|| {
                    eprintln!("{}: {parse_error}", language.pick("afgekeurd", "rejected"))
                });
            }
        }
        ImportProgress::Read(read) => {
            if last_update.elapsed() > Duration::from_millis(200) {
                last_update = Instant::now();
                let rate = read as f64 / started.elapsed().as_secs_f64().max(1e-9);
                bar.set_position(read);
                bar.set_message(format!(
                    "{} ({rate:.0}/s)",
                    language.pick("berichten", "posts")
                ));
            }
        }
    };
    let stats = service.import(actor, scope, batch_size, records, &mut report)?;
    bar.set_position(stats.read);
    bar.finish_and_clear();
    if stats.rejected > LISTED_REJECTIONS {
        eprintln!(
            "{} {}",
            stats.rejected - LISTED_REJECTIONS,
            language.pick(
                "verdere regels afgekeurd (niet afzonderlijk getoond)",
                "further lines rejected (not listed)"
            )
        );
    }
    Ok(IngestSummary::new(stats, started.elapsed()))
}

pub fn run(context: &Context, arguments: ImportArgs) -> Result<()> {
    let format = match arguments.format.as_deref() {
        Some(name) => name
            .parse::<ImportFormat>()
            .map_err(|error| anyhow::anyhow!("{error}"))?,
        None => match ImportFormat::from_path_extension(&arguments.file) {
            Some(format) => format,
            None => bail!(
                "cannot tell the format of {} from its extension; pass --format jsonl|csv|mastodon|bluesky",
                arguments.file.display()
            ),
        },
    };
    let file = File::open(&arguments.file)
        .with_context(|| format!("cannot open {}", arguments.file.display()))?;
    let (mut service, actor) = context.open_service()?;
    let scope = match arguments.org {
        Some(name) => ImportScope::Organisation(name),
        None => ImportScope::Installation,
    };
    if service.monitored_workspaces(&scope)? == 0 {
        eprintln!(
            "{}",
            context.language.pick(
                "Let op: geen actieve werkruimte met monitors; er wordt niets opgeslagen.",
                "Note: no active workspace with monitors; nothing will be stored."
            )
        );
    }
    let bar = progress_bar(None, context.language);
    let records = read_records(BufReader::new(file), format);
    let summary = ingest(
        &mut service,
        &actor,
        &scope,
        arguments.batch_size,
        records,
        &bar,
        context.language,
    )?;
    if arguments.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        summary.print(context.language);
    }
    Ok(())
}
