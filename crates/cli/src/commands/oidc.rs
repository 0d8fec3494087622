//! `peil oidc`: login through the organisation's own OpenID Connect issuer (authorization code
//! flow with PKCE, the OpenID.NLGov profile).
//!
//! * `configure` sets the organisation's issuer, client id, the client's credential, the
//!   redirect URI registered at the issuer (`https://<peil>/login/oidc/callback`) and optionally
//!   the claim that identifies a user (default `sub`). The credential is read from a file, so it
//!   never appears on a command line or in shell history, and is never printed: either a client
//!   secret (`--client-secret-file`, client_secret_basic) or, as OpenID.NLGov asks, a PKCS#8 PEM
//!   private key (`--client-private-key-file`, RSA or EC P-256, private_key_jwt), which goes to
//!   the key store. Admin of the organisation or the local operator; audited.
//! * `jwks` prints the public JWKS of the organisation's client key, to register the client at
//!   the issuer (public keys only).
//! * `link` binds a subject at that issuer to an existing user of the organisation: there is no
//!   automatic account creation. Peil stores only a hash of the subject.
//!
//! Users then start at `https://<peil>/login/oidc/<organisation>`. Peil asks no TOTP code for an
//! OIDC login: the issuer authenticates the person, with the second factor it requires.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use peil_service::{ClientCredential, OidcSettings};

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
        /// File holding the client secret (one line; keep it owner-only): client_secret_basic.
        #[arg(long, required_unless_present = "client_private_key_file")]
        client_secret_file: Option<PathBuf>,
        /// PKCS#8 PEM file with the client's private key (RSA or EC P-256; keep it owner-only):
        /// private_key_jwt, as OpenID.NLGov asks.
        #[arg(long, conflicts_with = "client_secret_file")]
        client_private_key_file: Option<PathBuf>,
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
    /// Print the public JWKS of the organisation's client key (private_key_jwt), to register
    /// the client at the issuer.
    Jwks {
        #[arg(long)]
        org: String,
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
            client_private_key_file,
            redirect_uri,
            subject_claim,
            why,
        } => {
            let (file, is_private_key) = match (client_private_key_file, client_secret_file) {
                (Some(file), _) => (file, true),
                (None, Some(file)) => (file, false),
                (None, None) => anyhow::bail!(
                    "--client-secret-file of/or --client-private-key-file is verplicht / is required"
                ),
            };
            let content =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            warn_if_readable_by_others(&file, language);
            let credential = if is_private_key {
                ClientCredential::PrivateKeyPem(&content)
            } else {
                ClientCredential::Secret(&content)
            };
            service.configure_oidc(
                &actor,
                &org,
                &OidcSettings {
                    issuer: &issuer,
                    client_id: &client_id,
                    credential,
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
            if is_private_key {
                println!(
                    "{} peil oidc jwks --org \"{org}\"",
                    language.pick(
                        "Registreer de publieke sleutel bij de issuer:",
                        "Register the public key at the issuer:"
                    ),
                );
            }
        }
        OidcCommand::Jwks { org } => {
            let jwks = service.oidc_client_jwks(&actor, &org)?;
            println!("{}", serde_json::to_string_pretty(&jwks)?);
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
