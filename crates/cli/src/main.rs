//! `peil`: the command-line interface of Peil.
//!
//! Administration (organisations, workspaces, monitors), import, aggregate queries, the demo and
//! the benchmark. Every change takes a `--why` note. Output is Dutch by default (`--lang en` for
//! English). This binary must never print raw post text, author ids, handles or profile URLs:
//! everything it shows comes from the store, after de-identification and the k gate.

mod commands;
mod report;

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};

use commands::{
    allow, audit, bench, catalog, check, demo, docs, dsr, eval, import, keys, query, retention,
    serve, watch,
};

/// Peil: follow public social media as a Dutch public body, lawfully.
#[derive(Parser, Debug)]
#[command(name = "peil", version, about, long_about = None)]
struct Cli {
    /// Data directory of the embedded store (created on first use, owner-only permissions).
    #[arg(
        long,
        global = true,
        env = "PEIL_DATA_DIR",
        default_value = "./peil-data"
    )]
    data_dir: PathBuf,
    /// Directory of the pseudonym key store (default: `<data-dir>/keys`); may live on another volume.
    #[arg(long, global = true, env = "PEIL_KEY_DIR")]
    key_dir: Option<PathBuf>,
    /// Act as this user of the organisation (required once the organisation has users).
    #[arg(long = "as", global = true, env = "PEIL_USER")]
    acting_as: Option<String>,
    /// Data plane: `embedded` (SQLite + tantivy in the data directory, the default) or a
    /// `postgres://…` URL (posts in PostgreSQL; the control plane stays in the data directory).
    #[arg(long, global = true, env = "PEIL_STORE", hide_env_values = true)]
    store: Option<String>,
    /// Language of the output: nl (default) or en.
    #[arg(long, global = true, env = "PEIL_LANG", value_enum, default_value_t = OutputLanguage::Nl)]
    lang: OutputLanguage,
    #[command(subcommand)]
    command: Command,
}

/// Language of messages and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputLanguage {
    Nl,
    En,
}

impl OutputLanguage {
    /// Picks the Dutch or the English text.
    pub fn pick<'a>(self, dutch: &'a str, english: &'a str) -> &'a str {
        match self {
            OutputLanguage::Nl => dutch,
            OutputLanguage::En => english,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Organisations (tenants).
    Org {
        #[command(subcommand)]
        command: catalog::OrgCommand,
    },
    /// Users of an organisation and their roles.
    User {
        #[command(subcommand)]
        command: serve::UserCommand,
    },
    /// Workspaces: one processing activity each.
    Workspace {
        #[command(subcommand)]
        command: catalog::WorkspaceCommand,
    },
    /// Monitors: the justified searches that decide what a workspace stores.
    Monitor {
        #[command(subcommand)]
        command: catalog::MonitorCommand,
    },
    /// Import posts from a file through the pipeline (only matched posts are stored).
    Import(import::ImportArgs),
    /// Aggregates of a workspace (volume, sentiment, terms …), k-gated, with the caveat block.
    Query(query::QueryArgs),
    /// Run the demo: a generated Dutch corpus through the whole pipeline, then the report.
    Demo(demo::DemoArgs),
    /// An organisation's allow-list: its accounts and public office holders that stay readable.
    Allow {
        #[command(subcommand)]
        command: allow::AllowCommand,
    },
    /// Pseudonym keys: list, rotate, destroy after retention.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
    /// Evaluate components on evaluation data (de-identification).
    Eval {
        #[command(subcommand)]
        command: eval::EvalCommand,
    },
    /// Store maintenance: consistency and integrity checks.
    Store {
        #[command(subcommand)]
        command: check::StoreCommand,
    },
    /// Benchmark ingest throughput and aggregate-query latency on generated posts.
    Bench(bench::BenchArgs),
    /// The tamper-evident audit log: list, verify, export for a witness.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Apply the retention periods: delete expired posts and keys for real.
    Retention {
        #[command(subcommand)]
        command: retention::RetentionCommand,
    },
    /// Data-subject requests (FG): lookup, erase, object.
    Dsr {
        #[command(subcommand)]
        command: dsr::DsrCommand,
    },
    /// Generated documents: DPIA draft, processing register, algorithm register, transparency page.
    Docs(docs::DocsArgs),
    /// Serve the HTTP API (behind a TLS reverse proxy; see --insecure-dev-cookies for local tests).
    Serve(serve::ServeArgs),
    /// Follow a live public source (jetstream, mastodon, rss) through the pipeline.
    Watch(watch::WatchArgs),
    /// The live connectors: cursors and counters (received, matched, dropped, errors, lag).
    Status(watch::StatusArgs),
    /// Login through the organisation's OpenID Connect issuer: configure it, link subjects.
    Oidc {
        #[command(subcommand)]
        command: commands::oidc::OidcCommand,
    },
}

/// Everything a command needs from the global options.
pub struct Context {
    /// Where the data plane lives (`--store`); the control plane is always in `data_dir`.
    pub store: peil_service::StoreLocation,
    pub data_dir: PathBuf,
    pub key_dir: Option<PathBuf>,
    pub acting_as: Option<String>,
    pub language: OutputLanguage,
}

impl Context {
    /// Opens the service over the data directory and resolves the acting user (`--as`).
    pub fn open_service(&self) -> Result<(peil_service::Service, peil_service::Actor)> {
        let service = self.open_service_as("cli")?;
        let actor = service.actor(self.acting_as.as_deref())?;
        Ok((service, actor))
    }

    /// Opens the service over the data directory and the `--store` data plane, recording
    /// `origin` in its audit entries. Errors name the data directory and the store without the
    /// URL's password.
    pub fn open_service_as(&self, origin: &str) -> Result<peil_service::Service> {
        self.open_service_in(&self.data_dir, self.key_dir.as_deref(), origin)
    }

    /// `open_service_as` over another data directory (the demo's, the benchmark's).
    pub fn open_service_in(
        &self,
        data_dir: &std::path::Path,
        key_dir: Option<&std::path::Path>,
        origin: &str,
    ) -> Result<peil_service::Service> {
        peil_service::Service::open_at(data_dir, key_dir, origin, &self.store).with_context(|| {
            format!(
                "cannot open the store in {} (data plane: {})",
                data_dir.display(),
                self.store.redacted()
            )
        })
    }
}

fn main() -> Result<()> {
    // Every file Peil creates is readable by the owner only.
    // SAFETY: umask only changes the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PEIL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // The URL's password never reaches an error: the parse error names no part of the value.
    let store = peil_service::StoreLocation::parse(cli.store.as_deref().unwrap_or("embedded"))?;
    let context = Context {
        store,
        data_dir: cli.data_dir,
        key_dir: cli.key_dir,
        acting_as: cli.acting_as,
        language: cli.lang,
    };
    match cli.command {
        Command::Org { command } => catalog::run_org(&context, command),
        Command::User { command } => serve::run_user(&context, command),
        Command::Workspace { command } => catalog::run_workspace(&context, command),
        Command::Monitor { command } => catalog::run_monitor(&context, command),
        Command::Import(arguments) => import::run(&context, arguments),
        Command::Query(arguments) => query::run(&context, arguments),
        Command::Demo(arguments) => demo::run(&context, arguments),
        Command::Eval { command } => eval::run(&context, command),
        Command::Keys { command } => keys::run(&context, command),
        Command::Allow { command } => allow::run(&context, command),
        Command::Store { command } => check::run(&context, command),
        Command::Bench(arguments) => bench::run(&context, arguments),
        Command::Audit { command } => audit::run(&context, command),
        Command::Retention { command } => retention::run(&context, command),
        Command::Dsr { command } => dsr::run(&context, command),
        Command::Docs(arguments) => docs::run(&context, arguments),
        Command::Serve(arguments) => serve::run(&context, arguments),
        Command::Watch(arguments) => watch::run(&context, arguments),
        Command::Status(arguments) => watch::run_status(&context, arguments),
        Command::Oidc { command } => commands::oidc::run(&context, command),
    }
}
