//! `peil oidc`: login through the organisation's own OpenID Connect issuer (authorization code
//! flow with PKCE, the OpenID.NLGov profile).
//!
//! * `configure` sets the organisation's issuer, client id, client secret (read from a file, so
//!   it never appears on a command line or in shell history; never printed), the redirect URI
//!   registered at the issuer (`https://<peil>/login/oidc/callback`) and optionally the claim that
//!   identifies a user (default `sub`). Admin of the organisation or the local operator; audited.
//! * `link` binds a subject at that issuer to an existing user of the organisation: there is no
//!   automatic account creation. Peil stores only a hash of the subject.
//!
//! Users then start at `https://<peil>/login/oidc/<organisation>`. Peil asks no TOTP code for an
//! OIDC login: the issuer authenticates the person, with the second factor it requires.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use peil_service::OidcSettings;

use crate::Context;

#[derive(Subcommand, Debug)]
pub enum OidcCommand {
    /// Set (or replace) the organisation's OIDC issuer. Replacing the issuer removes the links.
    Configure {
        #[arg(long)]
        org: String,
        /// The issuer identifier (https URL; its `/.well-known/openid-configuration` is used).
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        client_id: String,
        /// File holding the client secret (one line; keep it owner-only).
        #[arg(long)]
        client_secret_file: PathBuf,
        /// The redirect URI registered at the issuer, ending in `/login/oidc/callback`.
        #[arg(long)]
        redirect_uri: String,
        /// The ID token claim that identifies a user (default: `sub`).
        #[arg(long)]
        subject_claim: Option<String>,
        #[arg(long)]
        why: String,
    },
    /// Link a subject at the organisation's issuer to an existing user of the organisation.
    Link {
        #[arg(long)]
        org: String,
        /// The Peil user name.
        #[arg(long)]
        user: String,
        /// The value of the subject claim at the issuer (stored only as a hash).
        #[arg(long)]
        subject: String,
        #[arg(long)]
        why: String,
    },
}

pub fn run(context: &Context, command: OidcCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    let language = context.language;
    match command {
        OidcCommand::Configure {
            org,
            issuer,
            client_id,
            client_secret_file,
            redirect_uri,
            subject_claim,
            why,
        } => {
            let secret = std::fs::read(&client_secret_file)
                .with_context(|| format!("cannot read {}", client_secret_file.display()))?;
            warn_if_readable_by_others(&client_secret_file, language);
            service.configure_oidc(
                &actor,
                &org,
                &OidcSettings {
                    issuer: &issuer,
                    client_id: &client_id,
                    client_secret: &secret,
                    redirect_uri: &redirect_uri,
                    subject_claim: subject_claim.as_deref(),
                },
                &why,
            )?;
            println!(
                "{} {org}: {issuer} ({client_id})",
                language.pick("OIDC ingesteld voor", "OIDC configured for"),
            );
            let path: String = org
                .bytes()
                .map(|byte| match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (byte as char).to_string()
                    }
                    _ => format!("%{byte:02X}"),
                })
                .collect();
            println!(
                "{} /login/oidc/{path}",
                language.pick("Inloggen begint op", "Logins start at"),
            );
        }
        OidcCommand::Link {
            org,
            user,
            subject,
            why,
        } => {
            service.link_oidc_subject(&actor, &org, &user, &subject, &why)?;
            println!(
                "{} {user} ({org})",
                language.pick("OIDC-subject gekoppeld aan", "OIDC subject linked to"),
            );
        }
    }
    Ok(())
}

fn warn_if_readable_by_others(path: &std::path::Path, language: crate::OutputLanguage) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "{} {}",
                language.pick(
                    "Let op: ook anderen dan de eigenaar kunnen dit bestand lezen:",
                    "Warning: others than the owner can read this file:"
                ),
                path.display()
            );
        }
    }
}
