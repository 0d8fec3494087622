//! `peil org`, `peil workspace` and `peil monitor`.

use anyhow::Result;
use clap::{Args, Subcommand};
use peil_model::{Purpose, Role, WorkspaceDraft, WorkspaceEdit, WorkspaceStatus, DEFAULT_K};

use super::query::parse_time;
use crate::Context;

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an organisation.
    Create {
        #[arg(long)]
        name: String,
        /// Why this change is made (kept in the history).
        #[arg(long)]
        why: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user with a role (admin, analyst, webcare, fg). The first user of an organisation is
    /// added by the local operator; after that only an admin adds users.
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        why: String,
    },
    /// List the users of an organisation.
    List {
        #[arg(long)]
        org: String,
    },
}

pub fn run_user(context: &Context, command: UserCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    match command {
        UserCommand::Add {
            org,
            name,
            role,
            why,
        } => {
            let role: Role = role.parse()?;
            let user = service.add_user(&actor, &org, &name, role, &why)?;
            println!(
                "{} {} ({})",
                context
                    .language
                    .pick("Gebruiker toegevoegd:", "User added:"),
                user.name,
                user.role
            );
        }
        UserCommand::List { org } => {
            for user in service.users(&actor, &org)? {
                println!("{}  {}", user.name, user.role);
            }
        }
    }
    Ok(())
}

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Create a workspace (one processing activity), in status draft.
    Create(CreateWorkspaceArgs),
    /// Approve a draft workspace (the FG's decision).
    Approve(TransitionArgs),
    /// Activate an approved workspace: from now on its monitors decide what is stored.
    Activate(TransitionArgs),
    /// Close a workspace.
    Close(TransitionArgs),
    /// Renew a public-order workspace: a new end date (at most 30 days) and a new lead; the FG
    /// approves it again before it processes anything.
    Renew(RenewArgs),
    /// Edit a workspace in place (never its purpose): only the options given change. A change
    /// that widens processing sends an approved or active workspace back to draft for the FG.
    Edit(EditArgs),
    /// List workspaces.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show every recorded change with its "why" note, oldest first.
    History {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct CreateWorkspaceArgs {
    #[arg(long)]
    org: String,
    #[arg(long)]
    name: String,
    /// communication_webcare, trend_policy_analysis or public_order_general_picture.
    #[arg(long)]
    purpose: String,
    /// Description of the purpose (defaults to the workspace name).
    #[arg(long)]
    purpose_text: Option<String>,
    /// Legal basis, e.g. "AVG art. 6(1)(e) jo. art. 172(1) Gemeentewet".
    #[arg(long)]
    legal_basis: String,
    /// Retention of stored posts in days.
    #[arg(long)]
    retention_days: u32,
    /// Retention of aggregates in days.
    #[arg(long, default_value_t = 365)]
    aggregate_retention_days: u32,
    /// Minimum number of distinct authors per aggregate cell (at least 5).
    #[arg(long, default_value_t = DEFAULT_K)]
    k: u32,
    /// The lead ("aanleiding"), required for public_order_general_picture.
    #[arg(long)]
    lead: Option<String>,
    /// An account of the organisation itself (repeatable).
    #[arg(long = "own-account")]
    own_accounts: Vec<String>,
    /// Allowed source (repeatable; none means all supported sources).
    #[arg(long = "source")]
    sources: Vec<String>,
    /// Contact of the data protection officer (FG).
    #[arg(long)]
    fg_contact: Option<String>,
    /// End date: YYYY-MM-DD (midnight UTC) or RFC 3339; required for
    /// public_order_general_picture (at most 30 days ahead).
    #[arg(long)]
    until: Option<String>,
    #[arg(long)]
    why: String,
}

#[derive(Args, Debug)]
pub struct TransitionArgs {
    /// Workspace name.
    name: String,
    /// Organisation, when several have a workspace of this name.
    #[arg(long)]
    org: Option<String>,
    #[arg(long)]
    why: String,
}

#[derive(Args, Debug)]
pub struct RenewArgs {
    /// Workspace name.
    name: String,
    #[arg(long)]
    org: Option<String>,
    /// New end date: YYYY-MM-DD (midnight UTC) or RFC 3339, at most 30 days ahead.
    #[arg(long)]
    until: String,
    /// The new lead ("aanleiding") that justifies going on.
    #[arg(long)]
    lead: String,
    #[arg(long)]
    why: String,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    /// Workspace name.
    name: String,
    #[arg(long)]
    org: Option<String>,
    #[arg(long)]
    purpose_text: Option<String>,
    #[arg(long)]
    legal_basis: Option<String>,
    /// The lead ("aanleiding"); an empty text removes an optional lead.
    #[arg(long)]
    lead: Option<String>,
    #[arg(long)]
    retention_days: Option<u32>,
    #[arg(long)]
    aggregate_retention_days: Option<u32>,
    /// At least 5.
    #[arg(long)]
    k: Option<u32>,
    /// Allowed source (repeatable): replaces the list.
    #[arg(long = "source")]
    sources: Vec<String>,
    /// Allow every supported source (empties the list).
    #[arg(long, conflicts_with = "sources")]
    all_sources: bool,
    /// An own account of the organisation (repeatable): replaces the list.
    #[arg(long = "own-account")]
    own_accounts: Vec<String>,
    /// Remove every own account.
    #[arg(long, conflicts_with = "own_accounts")]
    no_own_accounts: bool,
    /// FG contact; an empty text removes it.
    #[arg(long)]
    fg_contact: Option<String>,
    #[arg(long)]
    why: String,
}

#[derive(Subcommand, Debug)]
pub enum MonitorCommand {
    /// Add a monitor: a justified Boolean search.
    Add {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        query: String,
        /// Justification: why this search is needed for the purpose.
        #[arg(long)]
        why: String,
    },
    /// List the monitors of a workspace.
    List {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run_org(context: &Context, command: OrgCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    match command {
        OrgCommand::Create { name, why } => {
            let organisation = service.create_organisation(&actor, &name, &why)?;
            println!(
                "{} {}",
                context
                    .language
                    .pick("Organisatie aangemaakt:", "Organisation created:"),
                organisation.name
            );
        }
    }
    Ok(())
}

pub fn run_workspace(context: &Context, command: WorkspaceCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    let language = context.language;
    match command {
        WorkspaceCommand::Create(arguments) => {
            let purpose: Purpose = arguments.purpose.parse()?;
            let ends_at = arguments
                .until
                .as_deref()
                .map(|text| parse_time(text, "--until"))
                .transpose()?;
            let draft = WorkspaceDraft {
                purpose_text: arguments
                    .purpose_text
                    .unwrap_or_else(|| arguments.name.clone()),
                name: arguments.name,
                purpose,
                legal_basis: arguments.legal_basis,
                lead: arguments.lead,
                retention_days_posts: arguments.retention_days,
                retention_days_aggregates: arguments.aggregate_retention_days,
                k: arguments.k,
                allowed_sources: arguments.sources,
                own_accounts: arguments.own_accounts,
                fg_contact: arguments.fg_contact,
                ends_at,
            };
            let workspace =
                service.create_workspace(&actor, &arguments.org, &draft, &arguments.why)?;
            println!(
                "{} {} ({}, k = {}, {})",
                language.pick("Werkruimte aangemaakt:", "Workspace created:"),
                workspace.name,
                workspace.purpose,
                workspace.k,
                workspace.status
            );
        }
        WorkspaceCommand::Approve(arguments) => transition(
            context,
            &mut service,
            &actor,
            arguments,
            WorkspaceStatus::Approved,
        )?,
        WorkspaceCommand::Activate(arguments) => transition(
            context,
            &mut service,
            &actor,
            arguments,
            WorkspaceStatus::Active,
        )?,
        WorkspaceCommand::Close(arguments) => transition(
            context,
            &mut service,
            &actor,
            arguments,
            WorkspaceStatus::Closed,
        )?,
        WorkspaceCommand::Renew(arguments) => {
            let ends_at = parse_time(&arguments.until, "--until")?;
            let workspace = service.renew_workspace(
                &actor,
                &arguments.name,
                arguments.org.as_deref(),
                ends_at,
                &arguments.lead,
                &arguments.why,
            )?;
            println!(
                "{} {}: {} ({} {})",
                language.pick("Werkruimte", "Workspace"),
                workspace.name,
                workspace.status,
                language.pick(
                    "wacht op goedkeuring door de FG, loopt tot",
                    "awaiting FG approval, runs until"
                ),
                ends_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        WorkspaceCommand::Edit(arguments) => {
            let edit = WorkspaceEdit {
                purpose: None,
                purpose_text: arguments.purpose_text,
                legal_basis: arguments.legal_basis,
                lead: arguments.lead,
                retention_days_posts: arguments.retention_days,
                retention_days_aggregates: arguments.aggregate_retention_days,
                k: arguments.k,
                allowed_sources: (arguments.all_sources || !arguments.sources.is_empty())
                    .then_some(arguments.sources),
                own_accounts: (arguments.no_own_accounts || !arguments.own_accounts.is_empty())
                    .then_some(arguments.own_accounts),
                fg_contact: arguments.fg_contact,
            };
            let workspace = service.edit_workspace(
                &actor,
                &arguments.name,
                arguments.org.as_deref(),
                &edit,
                &arguments.why,
            )?;
            println!(
                "{} {}: {}",
                language.pick("Werkruimte gewijzigd", "Workspace edited"),
                workspace.name,
                workspace.status
            );
        }
        WorkspaceCommand::History { json } => {
            let changes = service.history(&actor)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&changes)?);
                return Ok(());
            }
            for change in changes {
                println!(
                    "{}  {}  {}  {}  {}: {}",
                    change.at.format("%Y-%m-%d %H:%M:%S"),
                    change.actor,
                    change.subject,
                    change.action,
                    language.pick("waarom", "why"),
                    change.why
                );
            }
        }
        WorkspaceCommand::List { json } => {
            let workspaces = service.workspaces(&actor)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&workspaces)?);
                return Ok(());
            }
            if workspaces.is_empty() {
                println!("{}", language.pick("Geen werkruimtes.", "No workspaces."));
            }
            for summary in &workspaces {
                let workspace = &summary.workspace;
                let until = workspace
                    .ends_at
                    .map(|end| {
                        format!(
                            "  {} {}",
                            language.pick("tot", "until"),
                            end.format("%Y-%m-%d")
                        )
                    })
                    .unwrap_or_default();
                println!(
                    "{} / {}  [{}]  {}  k={}  {}: {} {}  {}: {}{until}",
                    summary.organisation,
                    workspace.name,
                    workspace.status,
                    workspace.purpose,
                    workspace.k,
                    language.pick("bewaartermijn", "retention"),
                    workspace.retention_days_posts,
                    language.pick("dagen", "days"),
                    language.pick("berichten", "posts"),
                    summary.posts
                );
            }
        }
    }
    Ok(())
}

fn transition(
    context: &Context,
    service: &mut peil_service::Service,
    actor: &peil_service::Actor,
    arguments: TransitionArgs,
    next: WorkspaceStatus,
) -> Result<()> {
    let updated = service.set_workspace_status(
        actor,
        &arguments.name,
        arguments.org.as_deref(),
        next,
        &arguments.why,
    )?;
    println!(
        "{} {}: {}",
        context.language.pick("Werkruimte", "Workspace"),
        updated.name,
        updated.status
    );
    Ok(())
}

pub fn run_monitor(context: &Context, command: MonitorCommand) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    let language = context.language;
    match command {
        MonitorCommand::Add {
            workspace,
            org,
            query,
            why,
        } => {
            let monitor = service.add_monitor(&actor, &workspace, org.as_deref(), &query, &why)?;
            println!(
                "{} {} {}: {}",
                language.pick("Monitor", "Monitor"),
                monitor.id,
                language.pick("toegevoegd", "added"),
                monitor.query
            );
        }
        MonitorCommand::List {
            workspace,
            org,
            json,
        } => {
            let monitors = service.monitors(&actor, &workspace, org.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&monitors)?);
                return Ok(());
            }
            for monitor in monitors {
                println!(
                    "{}  {}  [{}]  {}: {}",
                    monitor.id,
                    monitor.query,
                    if monitor.active {
                        language.pick("actief", "active")
                    } else {
                        language.pick("inactief", "inactive")
                    },
                    language.pick("verantwoording", "justification"),
                    monitor.justification
                );
            }
        }
    }
    Ok(())
}
