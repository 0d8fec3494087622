//! `peil demo`: the main job on a generated corpus, without any service or network.
//!
//! Creates a demo organisation and a `trend_policy_analysis` workspace with a few monitors, shows
//! the guard refusing a person-targeting monitor, ingests a generated Dutch corpus (clearly
//! labelled as generated) through the whole pipeline and prints the k-gated report. Then it adds a
//! `communication_webcare` workspace for the organisation's own account `@voorbeeldstad` and a
//! handful of generated messages addressed to it, so the webcare inbox has something to show
//! (after the report, so the report's figures stay those of the corpus).
//!
//! Without `--no-serve` it then creates two demo users in the demo organisation (`demo-analist`,
//! role analyst, and `demo-fg`, role fg, with a TOTP enrolment), prints their random passwords
//! once on the terminal (standard error), and serves the web dashboard on a loopback address
//! (`--listen`, default 127.0.0.1:8080) with plain-http development cookies — for the local
//! demo only. `--no-serve` never starts a server (CI, the README's main command).

use std::fs;
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clap::Args;
use peil_connectors::demo::{generate, webcare_messages, DemoConfig, DEMO_OWN_ACCOUNT};
use peil_connectors::Record;
use peil_model::{Purpose, Role, Workspace, WorkspaceDraft, WorkspaceStatus};
use peil_service::{Actor, ImportScope, Interval, QueryRequest, Service, ServiceError};

use super::import::{ingest, progress_bar};
use crate::report::{print_report, print_rising_terms};
use crate::{Context, OutputLanguage};

/// Marker file that identifies a directory the demo may wipe and refill.
const DEMO_MARKER: &str = ".peil-demo";

pub const DEMO_ORGANISATION: &str = "Gemeente Voorbeeldstad (demo)";
pub const DEMO_WORKSPACE: &str = "reacties-op-beleid";
pub const DEMO_WEBCARE_WORKSPACE: &str = "webcare-vragen";

/// The webcare workspace's monitor: (query, justification).
const DEMO_WEBCARE_MONITOR: (&str, &str) = (
    "paspoort OR rijbewijs OR afspraak OR openingstijden OR milieupas",
    "Vragen van inwoners over dienstverlening aan het eigen account beantwoorden",
);

/// The demo's monitors: (query, justification).
pub const DEMO_MONITORS: [(&str, &str); 7] = [
    (
        "afval OR afvalinzameling OR container* OR gft OR statiegeld OR #afval",
        "Reacties op het nieuwe inzamelbeleid volgen voor de evaluatie in de raad",
    ),
    (
        "parkeren OR parkeervergunning* OR \"blauwe zone\" OR #parkeren",
        "Draagvlak voor de uitbreiding van betaald parkeren peilen",
    ),
    (
        "woningbouw OR huurwoning* OR woningnood OR #woningnood OR #wonen",
        "Beeld van de discussie over woningbouw voor het woonbeleid",
    ),
    (
        "fietspad* OR verkeersveiligheid OR \"30 km\" OR #fiets",
        "Signalen over verkeersveiligheid voor het mobiliteitsplan",
    ),
    (
        "warmtenet OR zonnepaneel OR zonnepanelen OR energietoeslag OR energietransitie OR #warmtenet",
        "Reacties op de wijkaanpak energietransitie",
    ),
    (
        "vuurwerk* OR #vuurwerkverbod",
        "Ontvangst van het vuurwerkverbod in beeld brengen",
    ),
    (
        "storm OR stormschade OR \"omgewaaide bomen\" OR #storm",
        "Algemeen beeld van meldingen en vragen na noodweer voor de crisiscommunicatie",
    ),
];

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Number of generated posts.
    #[arg(long, default_value_t = 50_000)]
    posts: usize,
    /// Seed of the generator (same seed, same corpus).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Directory for the demo's store; wiped and refilled on every run.
    #[arg(long, default_value = "./peil-demo-data")]
    dir: PathBuf,
    /// Do not start the web dashboard afterwards (never starts a server).
    #[arg(long)]
    no_serve: bool,
    /// Loopback address of the local web dashboard (without `--no-serve`).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Empties `directory` if it is a demo directory (or does not exist) and marks it as one.
fn prepare_demo_directory(directory: &Path) -> Result<()> {
    if directory.exists() {
        let is_demo = directory.join(DEMO_MARKER).exists();
        let is_empty = fs::read_dir(directory)
            .with_context(|| format!("cannot read {}", directory.display()))?
            .next()
            .is_none();
        if !is_demo && !is_empty {
            bail!(
                "{} exists and is not a Peil demo directory; choose another --dir",
                directory.display()
            );
        }
        fs::remove_dir_all(directory)
            .with_context(|| format!("cannot empty {}", directory.display()))?;
    }
    peil_service::create_private_dir(directory)?;
    fs::write(directory.join(DEMO_MARKER), "generated by `peil demo`\n")
        .with_context(|| format!("cannot write to {}", directory.display()))?;
    Ok(())
}

/// Creates the demo organisation and its active workspace with monitors, as the local operator
/// (the demo organisation has no users), through the service like every other command.
pub fn setup_demo_workspace(service: &mut Service) -> Result<Workspace> {
    let operator = Actor::LocalOperator;
    service.create_organisation(
        &operator,
        DEMO_ORGANISATION,
        "Demo-organisatie voor `peil demo`",
    )?;
    let draft = WorkspaceDraft {
        name: DEMO_WORKSPACE.to_string(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "Volgen hoe inwoners online reageren op gemeentelijk beleid (afval, parkeren, wonen, verkeer, energie, vuurwerk, noodweer)".to_string(),
        legal_basis: "AVG art. 6 lid 1 sub e jo. art. 160 Gemeentewet (demo)".to_string(),
        lead: None,
        retention_days_posts: 90,
        retention_days_aggregates: 365,
        k: peil_model::DEFAULT_K,
        allowed_sources: Vec::new(),
        own_accounts: vec!["@voorbeeldstad".to_string()],
        fg_contact: Some("fg@voorbeeldstad.example".to_string()),
        ends_at: None,
    };
    service.create_workspace(
        &operator,
        DEMO_ORGANISATION,
        &draft,
        "Demo: trendanalyse van reacties op beleid",
    )?;
    service.set_workspace_status(
        &operator,
        DEMO_WORKSPACE,
        Some(DEMO_ORGANISATION),
        WorkspaceStatus::Approved,
        "Demo: goedgekeurd door de FG (lokale operator)",
    )?;
    let workspace = service.set_workspace_status(
        &operator,
        DEMO_WORKSPACE,
        Some(DEMO_ORGANISATION),
        WorkspaceStatus::Active,
        "Demo: start van de monitoring",
    )?;
    for (query, why) in DEMO_MONITORS {
        service.add_monitor(
            &operator,
            DEMO_WORKSPACE,
            Some(DEMO_ORGANISATION),
            query,
            why,
        )?;
    }
    Ok(workspace)
}

/// Adds the demo's active `communication_webcare` workspace (own account `@voorbeeldstad`, seven
/// days' retention) with its monitor, ingests the generated webcare messages and returns the
/// inbox's (total, open) as the service shows it.
pub fn setup_demo_webcare(service: &mut Service, seed: u64) -> Result<Option<(u64, u64)>> {
    let operator = Actor::LocalOperator;
    let draft = WorkspaceDraft {
        name: DEMO_WEBCARE_WORKSPACE.to_string(),
        purpose: Purpose::CommunicationWebcare,
        purpose_text:
            "Vragen van inwoners aan het eigen account van de gemeente beantwoorden (demo)"
                .to_string(),
        legal_basis: "AVG art. 6 lid 1 sub e jo. art. 160 Gemeentewet (demo)".to_string(),
        lead: None,
        retention_days_posts: 7,
        retention_days_aggregates: 30,
        k: peil_model::DEFAULT_K,
        allowed_sources: Vec::new(),
        own_accounts: vec![DEMO_OWN_ACCOUNT.to_string()],
        fg_contact: Some("fg@voorbeeldstad.example".to_string()),
        ends_at: None,
    };
    service.create_workspace(
        &operator,
        DEMO_ORGANISATION,
        &draft,
        "Demo: webcare voor het eigen account",
    )?;
    for (next, why) in [
        (
            WorkspaceStatus::Approved,
            "Demo: goedgekeurd door de FG (lokale operator)",
        ),
        (WorkspaceStatus::Active, "Demo: start van de webcare"),
    ] {
        service.set_workspace_status(
            &operator,
            DEMO_WEBCARE_WORKSPACE,
            Some(DEMO_ORGANISATION),
            next,
            why,
        )?;
    }
    let (query, why) = DEMO_WEBCARE_MONITOR;
    service.add_monitor(
        &operator,
        DEMO_WEBCARE_WORKSPACE,
        Some(DEMO_ORGANISATION),
        query,
        why,
    )?;
    let records = webcare_messages(seed, chrono::Utc::now())
        .into_iter()
        .map(|post| Ok(Record::Post(post)));
    service.import(
        &operator,
        &ImportScope::Organisation(DEMO_ORGANISATION.to_string()),
        peil_pipeline::DEFAULT_BATCH_SIZE,
        records,
        &mut |_| {},
    )?;
    match service.view_webcare_inbox(
        &operator,
        DEMO_WEBCARE_WORKSPACE,
        Some(DEMO_ORGANISATION),
        1,
    ) {
        Ok(inbox) => Ok(Some((inbox.total, inbox.open))),
        // TEMPORARY until the webcare methods land on PostgreSQL (issue 8, subjects).
        Err(ServiceError::NotYetOnPostgres(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// On PostgreSQL the demo directory is fresh but the database may still hold the posts of an
/// earlier demo under the same workspace id: refused, so no report mixes two runs.
fn refuse_posts_of_an_earlier_demo(service: &mut Service, context: &Context) -> Result<()> {
    if context.store == peil_service::StoreLocation::Embedded {
        return Ok(());
    }
    let earlier: u64 = service
        .workspaces(&Actor::LocalOperator)?
        .iter()
        .map(|summary| summary.posts)
        .sum();
    if earlier > 0 {
        bail!(
            "de PostgreSQL-database ({}) bevat al berichten van een eerdere demo; gebruik een lege database / the PostgreSQL database already holds posts of an earlier demo; use an empty database",
            context.store.redacted()
        );
    }
    Ok(())
}

/// Days of the demo's "what rose recently" comparison.
const RECENT_DAYS: i64 = 10;

/// What rose in the last days of the demo period against the days before (the storm).
fn print_recent_rise(
    service: &mut Service,
    config: &DemoConfig,
    language: OutputLanguage,
) -> Result<()> {
    let end = config.start + chrono::TimeDelta::days(i64::from(config.days.max(1)));
    let start = end - chrono::TimeDelta::days(RECENT_DAYS);
    let request = QueryRequest {
        workspace: DEMO_WORKSPACE.to_string(),
        organisation: Some(DEMO_ORGANISATION.to_string()),
        text: String::new(),
        from: Some(start),
        to: Some(end),
        interval: Interval::Day,
        top: 8,
    };
    let recent = service.query(&Actor::LocalOperator, &request)?;
    println!();
    println!(
        "== {} {RECENT_DAYS} {} ==",
        language.pick("De laatste", "The last"),
        language.pick("dagen", "days")
    );
    print_rising_terms(&recent.report, language);
    Ok(())
}

fn show_guard(service: &mut Service, language: OutputLanguage) {
    let person_query = "@jan_de_vries OR https://x.com/jandevries";
    println!(
        "{} `{person_query}`",
        language.pick(
            "Proef: een analist probeert een monitor op een persoon:",
            "Check: an analyst tries a monitor on a person:"
        )
    );
    match service.add_monitor(
        &Actor::LocalOperator,
        DEMO_WORKSPACE,
        Some(DEMO_ORGANISATION),
        person_query,
        "wat zegt deze persoon",
    ) {
        Ok(_) => println!("  !! {}", language.pick("NIET geweigerd", "NOT refused")),
        Err(error) => println!("  {}: {error}", language.pick("Geweigerd", "Refused")),
    }
}

pub fn run(context: &Context, arguments: DemoArgs) -> Result<()> {
    let language = context.language;
    prepare_demo_directory(&arguments.dir)?;
    let mut service = context.open_service_in(&arguments.dir, None, "cli demo")?;
    let workspace = setup_demo_workspace(&mut service)?;
    refuse_posts_of_an_earlier_demo(&mut service, context)?;
    println!(
        "{} {} / {} ({}, k = {}), {} {}",
        language.pick("Demo-werkruimte:", "Demo workspace:"),
        DEMO_ORGANISATION,
        workspace.name,
        workspace.purpose,
        workspace.k,
        DEMO_MONITORS.len(),
        language.pick("monitors", "monitors")
    );
    show_guard(&mut service, language);
    println!(
        "{} {} {} (seed {}). {}",
        language.pick("Invoer:", "Input:"),
        arguments.posts,
        language.pick("GEGENEREERDE berichten", "GENERATED posts"),
        arguments.seed,
        language.pick(
            "Dit is een synthetisch corpus: geen echte berichten of personen.",
            "This is a synthetic corpus: no real posts or people."
        )
    );
    let config = DemoConfig {
        posts: arguments.posts,
        seed: arguments.seed,
        ..DemoConfig::default()
    };
    let bar = progress_bar(Some(arguments.posts as u64), language);
    let records = generate(&config).map(|post| Ok(Record::Post(post)));
    let summary = ingest(
        &mut service,
        &Actor::LocalOperator,
        &ImportScope::Installation,
        peil_pipeline::DEFAULT_BATCH_SIZE,
        records,
        &bar,
        language,
    )?;
    summary.print(language);

    let request = QueryRequest {
        workspace: DEMO_WORKSPACE.to_string(),
        organisation: Some(DEMO_ORGANISATION.to_string()),
        text: String::new(),
        from: None,
        to: None,
        interval: Interval::Day,
        top: 15,
    };
    let document = service.query(&Actor::LocalOperator, &request)?;
    if arguments.json {
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print_report(&document, language);
        print_recent_rise(&mut service, &config, language)?;
    }
    let inbox = setup_demo_webcare(&mut service, arguments.seed)?;
    println!();
    match inbox {
        Some((inbox_total, inbox_open)) => println!(
            "{} {DEMO_WEBCARE_WORKSPACE} ({DEMO_OWN_ACCOUNT}): {inbox_total} {} ({inbox_open} {})",
            language.pick("Webcare-inbox", "Webcare inbox"),
            language.pick("GEGENEREERDE berichten", "GENERATED messages"),
            language.pick("open", "open")
        ),
        None => println!(
            "{} {DEMO_WEBCARE_WORKSPACE} ({DEMO_OWN_ACCOUNT}): {}",
            language.pick("Webcare-inbox", "Webcare inbox"),
            language.pick(
                "nog niet beschikbaar met PostgreSQL",
                "not yet available on PostgreSQL"
            )
        ),
    }
    println!();
    println!(
        "{} peil --data-dir {} query --workspace {} \"#storm OR storm\" --interval hour",
        language.pick("Verder kijken:", "Explore further:"),
        arguments.dir.display(),
        DEMO_WORKSPACE
    );
    if arguments.no_serve {
        return Ok(());
    }
    if !arguments.listen.ip().is_loopback() {
        bail!(
            "{} {}",
            language.pick(
                "het demo-dashboard luistert alleen op een loopback-adres (127.0.0.1 of ::1), niet op",
                "the demo dashboard listens only on a loopback address (127.0.0.1 or ::1), not on"
            ),
            arguments.listen
        );
    }
    let logins = create_demo_users(&mut service)?;
    drop(service);
    serve_demo(context, &arguments, &logins, language)
}

/// User names of the demo's web logins.
pub const DEMO_ANALYST: &str = "demo-analist";
pub const DEMO_FG: &str = "demo-fg";
pub const DEMO_WEBCARE: &str = "demo-webcare";
const DEMO_ADMIN: &str = "demo-beheer";

/// The demo's web logins, shown once.
struct DemoLogins {
    analyst_password: String,
    webcare_password: String,
    fg_password: String,
    fg_otpauth_uri: String,
}

/// A random password of 24 hexadecimal characters (96 bits), from the operating system.
fn random_password() -> Result<String> {
    let mut bytes = [0u8; 12];
    fs::File::open("/dev/urandom")
        .and_then(|mut source| source.read_exact(&mut bytes))
        .context("cannot read random bytes for the demo password")?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Creates the demo's users through the service: an admin without a password (only to add the
/// others: once an organisation has users, the local operator no longer acts inside it), an
/// analyst and an FG (with TOTP, which the fg role needs), each with a random password.
fn create_demo_users(service: &mut Service) -> Result<DemoLogins> {
    let operator = Actor::LocalOperator;
    service.add_user(
        &operator,
        DEMO_ORGANISATION,
        DEMO_ADMIN,
        Role::Admin,
        "Demo: beheerder die de demo-gebruikers aanmaakt (zonder wachtwoord)",
    )?;
    let admin = service.actor(Some(DEMO_ADMIN))?;
    service.add_user(
        &admin,
        DEMO_ORGANISATION,
        DEMO_ANALYST,
        Role::Analyst,
        "Demo: analist voor het lokale webdashboard",
    )?;
    service.add_user(
        &admin,
        DEMO_ORGANISATION,
        DEMO_FG,
        Role::Fg,
        "Demo: FG voor het lokale webdashboard",
    )?;
    service.add_user(
        &admin,
        DEMO_ORGANISATION,
        DEMO_WEBCARE,
        Role::Webcare,
        "Demo: webcaremedewerker voor de inbox van het eigen account",
    )?;
    let analyst_password = random_password()?;
    let webcare_password = random_password()?;
    let fg_password = random_password()?;
    service.set_password(&operator, DEMO_ANALYST, &analyst_password)?;
    service.set_password(&operator, DEMO_WEBCARE, &webcare_password)?;
    service.set_password(&operator, DEMO_FG, &fg_password)?;
    let enrolment = service.enrol_totp(&operator, DEMO_FG)?;
    Ok(DemoLogins {
        analyst_password,
        webcare_password,
        fg_password,
        fg_otpauth_uri: enrolment.otpauth_uri,
    })
}

/// Prints the logins once and serves the dashboard until Ctrl-C.
fn serve_demo(
    context: &Context,
    arguments: &DemoArgs,
    logins: &DemoLogins,
    language: OutputLanguage,
) -> Result<()> {
    let url = format!("http://{}/login", arguments.listen);
    eprintln!();
    eprintln!(
        "{}",
        language.pick(
            "LET OP: alleen voor de lokale demo. Het dashboard draait over gewoon http met sessiecookies zonder `Secure` (zoals `peil serve --insecure-dev-cookies`); gebruik dit nooit zo in productie.",
            "NOTE: local demo only. The dashboard runs over plain http with session cookies without `Secure` (like `peil serve --insecure-dev-cookies`); never run it like this in production."
        )
    );
    eprintln!("{} {url}", language.pick("Webdashboard:", "Web dashboard:"));
    eprintln!(
        "{}",
        language.pick(
            "Inloggegevens (eenmalig getoond, nergens opgeslagen):",
            "Logins (shown once, stored nowhere in plain text):"
        )
    );
    eprintln!(
        "  {DEMO_ANALYST} ({}): {}",
        language.pick("analist", "analyst"),
        logins.analyst_password
    );
    eprintln!("  {DEMO_WEBCARE} (webcare): {}", logins.webcare_password);
    eprintln!(
        "  {DEMO_FG} (FG): {} — {}",
        logins.fg_password,
        language.pick(
            "plus een TOTP-code; voeg deze URI toe aan een authenticator-app:",
            "plus a TOTP code; add this URI to an authenticator app:"
        )
    );
    eprintln!("    {}", logins.fg_otpauth_uri);
    eprintln!("{}", language.pick("Stoppen: Ctrl-C.", "Stop: Ctrl-C."));
    let settings = peil_server::ServerSettings {
        cookies: peil_server::CookieMode::InsecureDev,
        ..peil_server::ServerSettings::default()
    };
    peil_server::run(peil_server::ServerConfig {
        listen: arguments.listen,
        data_dir: arguments.dir.clone(),
        key_dir: None,
        store: context.store.clone(),
        settings,
        connectors: Vec::new(),
    })
    .with_context(|| format!("peil demo dashboard on {}", arguments.listen))
}
