//! `peil serve`: the HTTP API and the web screens (crates/server; open `/login` in a browser),
//! and the credential commands `peil user password`
//! and `peil user totp` an operator needs to create a login.
//!
//! `__Host-` session cookies are `Secure`: browsers send them only over HTTPS, so run Peil
//! behind a TLS-terminating reverse proxy. `--insecure-dev-cookies` drops `Secure` and the
//! prefix for local testing over plain http only.

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use peil_server::{CookieMode, ServerConfig, ServerSettings};

use super::catalog;
use crate::Context;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Local http testing only: session cookies without `Secure` and without the `__Host-` prefix.
    #[arg(long)]
    insecure_dev_cookies: bool,
    /// Apply retention inside the server every N hours (first run a minute after the start);
    /// 0 turns it off (then schedule `peil retention run` yourself).
    #[arg(long, default_value_t = 24)]
    retention_interval_hours: u64,
    /// Run the live connectors of this JSON file inside the server (format: crates/connectors-live
    /// /src/config.rs). Refused at start-up, before anything connects, unless every source is
    /// public.
    #[arg(long, value_name = "FILE")]
    connectors: Option<PathBuf>,
}

/// Reads and checks the connectors file (public sources only); prints why each source is public.
fn read_connectors(
    path: &Path,
    language: crate::OutputLanguage,
) -> Result<Vec<peil_connectors_live::ConnectorSpec>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the connectors file {}", path.display()))?;
    let specs = peil_connectors_live::parse_connectors(&text).with_context(|| {
        format!(
            "{} {}",
            language.pick(
                "connectoren geweigerd, er is niets gestart:",
                "connectors refused, nothing was started:"
            ),
            path.display()
        )
    })?;
    for spec in &specs {
        // A missing or broken zstd dictionary fails here, before anything starts.
        peil_connectors_live::jetstream::load_dictionary(spec)?;
        eprintln!(
            "{} `{}` ({}): {}",
            language.pick("connector", "connector"),
            spec.name,
            spec.kind,
            peil_connectors_live::public_statement(spec.kind)
        );
    }
    Ok(specs)
}

pub fn run(context: &Context, arguments: ServeArgs) -> Result<()> {
    let connectors = match &arguments.connectors {
        Some(path) => read_connectors(path, context.language)?,
        None => Vec::new(),
    };
    let mut settings = ServerSettings {
        retention_interval: (arguments.retention_interval_hours > 0)
            .then(|| std::time::Duration::from_secs(arguments.retention_interval_hours * 60 * 60)),
        ..ServerSettings::default()
    };
    if arguments.insecure_dev_cookies {
        settings.cookies = CookieMode::InsecureDev;
        eprintln!("WARNING / WAARSCHUWING: --insecure-dev-cookies: session cookies are sent over plain http (no Secure, no __Host- prefix). Only for local testing; never in production.");
        tracing::warn!("insecure development cookies enabled");
    } else {
        eprintln!(
            "{}",
            context.language.pick(
                "Sessiecookies zijn Secure (__Host-): zet Peil achter een TLS-proxy.",
                "Session cookies are Secure (__Host-): put Peil behind a TLS reverse proxy."
            )
        );
    }
    eprintln!("peil serve: http://{}", arguments.listen);
    peil_server::run(ServerConfig {
        listen: arguments.listen,
        data_dir: context.data_dir.clone(),
        key_dir: context.key_dir.clone(),
        store: context.store.clone(),
        settings,
        connectors,
    })
    .with_context(|| format!("peil serve on {}", arguments.listen))
}

/// `peil user …`: the catalog's commands plus credentials.
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    #[command(flatten)]
    Catalog(catalog::UserCommand),
    /// Set a user's password, read from standard input (never an argument): at least 12
    /// characters, not the user name. Ends the user's sessions.
    Password {
        #[arg(long)]
        name: String,
    },
    /// Enrol a user for TOTP (required for admin and fg); prints the otpauth:// URI once.
    Totp {
        #[arg(long)]
        name: String,
    },
}

pub fn run_user(context: &Context, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Catalog(command) => catalog::run_user(context, command),
        UserCommand::Password { name } => {
            let (mut service, actor) = context.open_service()?;
            eprintln!(
                "{}",
                context.language.pick(
                    "Wachtwoord (één regel op standaardinvoer):",
                    "Password (one line on standard input):"
                )
            );
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            let password = line.trim_end_matches(['\n', '\r']);
            if password.is_empty() {
                bail!("no password on standard input");
            }
            service.set_password(&actor, &name, password)?;
            println!(
                "{}",
                context
                    .language
                    .pick("Wachtwoord ingesteld.", "Password set.")
            );
            Ok(())
        }
        UserCommand::Totp { name } => {
            let (mut service, actor) = context.open_service()?;
            let enrolment = service.enrol_totp(&actor, &name)?;
            eprintln!(
                "{}",
                context.language.pick(
                    "Voeg deze URI toe aan een authenticator-app; hij wordt niet nog eens getoond:",
                    "Add this URI to an authenticator app; it is not shown again:"
                )
            );
            println!("{}", enrolment.otpauth_uri);
            Ok(())
        }
    }
}
