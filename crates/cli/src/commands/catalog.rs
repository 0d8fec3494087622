//! `peil org`, `peil workspace` and `peil monitor`.

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use peil_model::{Purpose, Role, WorkspaceDraft, WorkspaceStatus, DEFAULT_K};
use peil_store::Store;

use super::actor::{authorize, authorize_workspace, visible_organisation};
use super::LOCAL_OPERATOR;
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
    let mut store = open_store(context)?;
    match command {
        UserCommand::Add {
            org,
            name,
            role,
            why,
        } => {
            let role: Role = role.parse()?;
            let organisation = store.organisation(&org)?;
            let actor = authorize(
                &store,
                context,
                organisation.id,
                &[Role::Admin],
                "add a user",
            )?;
            let user = store.add_user(organisation.id, &name, role, &why, &actor)?;
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
            let organisation = store.organisation(&org)?;
            authorize(
                &store,
                context,
                organisation.id,
                &[Role::Admin, Role::Fg],
                "list users",
            )?;
            for user in store.users(organisation.id)? {
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

pub fn open_store(context: &Context) -> Result<Store> {
    Store::open_with_key_dir(&context.data_dir, context.key_dir.as_deref())
        .with_context(|| format!("cannot open the store in {}", context.data_dir.display()))
}

pub fn run_org(context: &Context, command: OrgCommand) -> Result<()> {
    let mut store = open_store(context)?;
    match command {
        OrgCommand::Create { name, why } => {
            let organisation = store.create_organisation(&name, &why, LOCAL_OPERATOR)?;
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

/// Creates a workspace from a draft; shared with the demo.
pub fn create_workspace(
    store: &mut Store,
    organisation: &str,
    draft: &WorkspaceDraft,
    why: &str,
    actor: &str,
) -> Result<peil_model::Workspace> {
    let organisation = store.organisation(organisation)?;
    Ok(store.create_workspace(organisation.id, draft, why, actor)?)
}

pub fn run_workspace(context: &Context, command: WorkspaceCommand) -> Result<()> {
    let mut store = open_store(context)?;
    let language = context.language;
    match command {
        WorkspaceCommand::Create(arguments) => {
            let purpose: Purpose = arguments.purpose.parse()?;
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
                ends_at: None,
            };
            let organisation = store.organisation(&arguments.org)?;
            let actor = authorize(
                &store,
                context,
                organisation.id,
                &[Role::Admin],
                "create a workspace",
            )?;
            let workspace =
                create_workspace(&mut store, &arguments.org, &draft, &arguments.why, &actor)?;
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
            &mut store,
            context,
            arguments,
            WorkspaceStatus::Approved,
            &[Role::Fg],
        )?,
        WorkspaceCommand::Activate(arguments) => transition(
            &mut store,
            context,
            arguments,
            WorkspaceStatus::Active,
            &[Role::Admin],
        )?,
        WorkspaceCommand::Close(arguments) => transition(
            &mut store,
            context,
            arguments,
            WorkspaceStatus::Closed,
            &[Role::Admin, Role::Fg],
        )?,
        WorkspaceCommand::History { json } => {
            let visible = visible_organisation(&store, context)?;
            let changes: Vec<_> = store
                .changes()?
                .into_iter()
                .filter(|change| visible.is_none() || change.organisation_id == visible)
                .collect();
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
            let visible = visible_organisation(&store, context)?;
            let workspaces: Vec<_> = store
                .workspaces()?
                .into_iter()
                .filter(|(_, workspace)| {
                    visible.is_none_or(|organisation| organisation == workspace.organisation_id)
                })
                .collect();
            if json {
                let rows: Vec<serde_json::Value> = workspaces
                    .iter()
                    .map(|(organisation, workspace)| {
                        serde_json::json!({
                            "organisation": organisation,
                            "name": workspace.name,
                            "purpose": workspace.purpose,
                            "legal_basis": workspace.legal_basis,
                            "lead": workspace.lead,
                            "status": workspace.status,
                            "k": workspace.k,
                            "retention_days_posts": workspace.retention_days_posts,
                            "retention_days_aggregates": workspace.retention_days_aggregates,
                            "allowed_sources": workspace.allowed_sources,
                            "own_accounts": workspace.own_accounts,
                            "fg_contact": workspace.fg_contact,
                            "posts": store.post_count(workspace.id).unwrap_or(0),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(());
            }
            if workspaces.is_empty() {
                println!("{}", language.pick("Geen werkruimtes.", "No workspaces."));
            }
            for (organisation, workspace) in &workspaces {
                println!(
                    "{organisation} / {}  [{}]  {}  k={}  {}: {} {}  {}: {}",
                    workspace.name,
                    workspace.status,
                    workspace.purpose,
                    workspace.k,
                    language.pick("bewaartermijn", "retention"),
                    workspace.retention_days_posts,
                    language.pick("dagen", "days"),
                    language.pick("berichten", "posts"),
                    store.post_count(workspace.id)?
                );
            }
        }
    }
    Ok(())
}

fn transition(
    store: &mut Store,
    context: &Context,
    arguments: TransitionArgs,
    next: WorkspaceStatus,
    allowed_roles: &[Role],
) -> Result<()> {
    let language = context.language;
    let (workspace, actor) = authorize_workspace(
        store,
        context,
        &arguments.name,
        arguments.org.as_deref(),
        allowed_roles,
        &format!("set a workspace to {next}"),
    )?;
    let updated = store.set_workspace_status(workspace.id, next, &arguments.why, &actor)?;
    println!(
        "{} {}: {}",
        language.pick("Werkruimte", "Workspace"),
        updated.name,
        updated.status
    );
    Ok(())
}

/// Parses, checks and stores a monitor; shared with the demo.
pub fn add_monitor(
    store: &mut Store,
    workspace: &peil_model::Workspace,
    query_text: &str,
    why: &str,
    actor: &str,
) -> Result<peil_model::Monitor> {
    let allow_entries = store.allow_entries(workspace.organisation_id)?;
    peil_policy::refuse_person_targeting(workspace, &allow_entries, query_text)
        .map_err(|refusal| anyhow::anyhow!("{refusal}"))
        .context("monitor refused")?;
    let query = peil_query::parse(query_text)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("the query does not parse")?;
    peil_policy::admit_monitor(workspace, &allow_entries, query_text, &query, why)
        .map_err(|refusal| anyhow::anyhow!("{refusal}"))
        .context("monitor refused")?;
    Ok(store.add_monitor(workspace.id, query_text, why, actor)?)
}

pub fn run_monitor(context: &Context, command: MonitorCommand) -> Result<()> {
    let mut store = open_store(context)?;
    let language = context.language;
    match command {
        MonitorCommand::Add {
            workspace,
            org,
            query,
            why,
        } => {
            let (workspace, actor) = authorize_workspace(
                &store,
                context,
                &workspace,
                org.as_deref(),
                &[Role::Analyst, Role::Admin],
                "add a monitor",
            )?;
            let monitor = add_monitor(&mut store, &workspace, &query, &why, &actor)?;
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
            let workspace = store.workspace(&workspace, org.as_deref())?;
            let monitors = store.monitors(workspace.id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&monitors)?);
                return Ok(());
            }
            for monitor in monitors {
                println!(
                    "{}  {}  [{}]  {}: {}",
                    monitor.id,
                    monitor.query,
                    if monitor.active { "actief" } else { "inactief" },
                    language.pick("verantwoording", "justification"),
                    monitor.justification
                );
            }
        }
    }
    Ok(())
}
