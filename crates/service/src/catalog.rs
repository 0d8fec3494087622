//! Organisations, users, workspaces (with their lifecycle), monitors and allow-lists, through the
//! one door of `Service::perform`.
//!
//! Monitors pass the query guard before they are stored. This module must never look up a
//! workspace outside the acting user's organisation.

use chrono::{DateTime, Utc};
use peil_model::{
    AllowEntry, AllowKind, ChangeNote, Monitor, Organisation, Role, User, Workspace,
    WorkspaceDraft, WorkspaceEdit, WorkspaceStatus,
};
use serde::Serialize;

use crate::operation::Operation;
use crate::{object_of, Actor, Service, ServiceError};

/// A workspace as listed, with its organisation and the number of stored posts.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceSummary {
    pub organisation: String,
    #[serde(flatten)]
    pub workspace: Workspace,
    pub posts: u64,
}

/// The verdict of the monitor check: accepted, or the reasons it would be refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitorCheck {
    pub accepted: bool,
    pub reasons: Vec<MonitorCheckReason>,
}

/// One reason: a stable code naming the kind of problem, and the explanation of the submit path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitorCheckReason {
    pub code: &'static str,
    pub message_nl: String,
    pub message_en: String,
}

impl MonitorCheck {
    /// The audit detail: the verdict and the codes only (`refused: handle`), never the query or
    /// the messages (an invalid query's message may quote it).
    pub fn audit_detail(&self) -> String {
        if self.accepted {
            return "accepted".to_string();
        }
        let codes: Vec<&str> = self.reasons.iter().map(|reason| reason.code).collect();
        format!("refused: {}", codes.join(","))
    }
}

impl Service {
    /// Looks up an organisation by name as `actor` sees it: a user sees only their own.
    pub(crate) fn organisation_for(
        &mut self,
        actor: &Actor,
        operation: Operation,
        name: &str,
    ) -> Result<Organisation, ServiceError> {
        let found = self.store.organisation(name).map_err(ServiceError::from);
        let visible = match (found, actor.organisation_id()) {
            (Ok(organisation), Some(own)) if organisation.id != own => {
                Err(ServiceError::NotFound {
                    what: "organisation",
                    name: name.to_string(),
                })
            }
            (other, _) => other,
        };
        if let Err(error) = &visible {
            self.record_refusal(actor, operation, &object_of("organisation", name), error)?;
        }
        visible
    }

    /// Looks up a workspace by name (and organisation name, when given) as `actor` sees it.
    pub(crate) fn workspace_for(
        &mut self,
        actor: &Actor,
        operation: Operation,
        name: &str,
        organisation: Option<&str>,
    ) -> Result<Workspace, ServiceError> {
        let scoped_organisation = match actor.organisation_id() {
            Some(own) => Some(self.store.organisation_by_id(own)?.name),
            None => organisation.map(str::to_string),
        };
        let found = match (organisation, &scoped_organisation, actor) {
            (Some(asked), Some(own), Actor::User(_)) if asked != own => {
                Err(ServiceError::NotFound {
                    what: "workspace",
                    name: name.to_string(),
                })
            }
            _ => self
                .store
                .workspace(name, scoped_organisation.as_deref())
                .map_err(ServiceError::from),
        };
        if let Err(error) = &found {
            self.record_refusal(actor, operation, &object_of("workspace", name), error)?;
        }
        found
    }

    /// Audits an operation that was refused before it could start (unknown or foreign object).
    pub(crate) fn record_refusal(
        &mut self,
        actor: &Actor,
        operation: Operation,
        object: &str,
        error: &ServiceError,
    ) -> Result<(), ServiceError> {
        let refusal = ServiceError::InvalidInput(error.to_string());
        let outcome: Result<(), ServiceError> =
            self.perform(actor, operation, None, object, None, |_, _| Err(refusal));
        match outcome {
            Err(ServiceError::Audit(audit_error)) => Err(ServiceError::Audit(audit_error)),
            _ => Ok(()),
        }
    }

    pub fn create_organisation(
        &mut self,
        actor: &Actor,
        name: &str,
        why: &str,
    ) -> Result<Organisation, ServiceError> {
        self.perform(
            actor,
            Operation::CreateOrganisation,
            None,
            &object_of("organisation", name),
            None,
            |store, label| Ok(store.create_organisation(name, why, label)?),
        )
    }

    pub fn add_user(
        &mut self,
        actor: &Actor,
        organisation: &str,
        name: &str,
        role: Role,
        why: &str,
    ) -> Result<User, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::AddUser, organisation)?;
        self.perform(
            actor,
            Operation::AddUser,
            Some(organisation.id),
            &object_of("user", name),
            Some(role.code()),
            |store, label| Ok(store.add_user(organisation.id, name, role, why, label)?),
        )
    }

    pub fn users(&mut self, actor: &Actor, organisation: &str) -> Result<Vec<User>, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::ListUsers, organisation)?;
        self.perform(
            actor,
            Operation::ListUsers,
            Some(organisation.id),
            &object_of("organisation", &organisation.name),
            None,
            |store, _| Ok(store.users(organisation.id)?),
        )
    }

    pub fn create_workspace(
        &mut self,
        actor: &Actor,
        organisation: &str,
        draft: &WorkspaceDraft,
        why: &str,
    ) -> Result<Workspace, ServiceError> {
        let organisation =
            self.organisation_for(actor, Operation::CreateWorkspace, organisation)?;
        self.perform(
            actor,
            Operation::CreateWorkspace,
            Some(organisation.id),
            &object_of("workspace", &draft.name),
            Some(draft.purpose.code()),
            |store, label| Ok(store.create_workspace(organisation.id, draft, why, label)?),
        )
    }

    /// Moves a workspace along its lifecycle: approve (FG only), activate, close.
    pub fn set_workspace_status(
        &mut self,
        actor: &Actor,
        name: &str,
        organisation: Option<&str>,
        next: WorkspaceStatus,
        why: &str,
    ) -> Result<Workspace, ServiceError> {
        let operation = match next {
            WorkspaceStatus::Approved => Operation::ApproveWorkspace,
            WorkspaceStatus::Active => Operation::ActivateWorkspace,
            WorkspaceStatus::Closed => Operation::CloseWorkspace,
            WorkspaceStatus::Draft => {
                return Err(ServiceError::InvalidInput(
                    "een werkruimte gaat alleen via verlengen terug naar concept / a workspace returns to draft only by renewal".to_string(),
                ))
            }
        };
        let workspace = self.workspace_for(actor, operation, name, organisation)?;
        self.perform(
            actor,
            operation,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            None,
            |store, label| Ok(store.set_workspace_status(workspace.id, next, why, label)?),
        )
    }

    /// Renews a public-order workspace with a new end date and lead; it needs the FG's approval
    /// again before it processes anything.
    pub fn renew_workspace(
        &mut self,
        actor: &Actor,
        name: &str,
        organisation: Option<&str>,
        ends_at: DateTime<Utc>,
        lead: &str,
        why: &str,
    ) -> Result<Workspace, ServiceError> {
        let workspace = self.workspace_for(actor, Operation::RenewWorkspace, name, organisation)?;
        self.perform(
            actor,
            Operation::RenewWorkspace,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            None,
            |store, label| Ok(store.renew_workspace(workspace.id, ends_at, lead, why, label)?),
        )
    }

    /// Edits a workspace in place (admin): never the purpose, never a closed workspace; a change
    /// that widens processing sends an approved or active workspace back to `draft` for the FG.
    /// The audit detail names the changed fields and the status (no values, no personal data).
    pub fn edit_workspace(
        &mut self,
        actor: &Actor,
        name: &str,
        organisation: Option<&str>,
        edit: &WorkspaceEdit,
        why: &str,
    ) -> Result<Workspace, ServiceError> {
        let workspace = self.workspace_for(actor, Operation::EditWorkspace, name, organisation)?;
        let previous_status = workspace.status;
        let changed_fields: Vec<&'static str> = edit
            .plan(&workspace)
            .map(|plan| plan.changes.iter().map(|change| change.field).collect())
            .unwrap_or_default();
        self.perform_described(
            actor,
            Operation::EditWorkspace,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            |store, label| Ok(store.edit_workspace(workspace.id, edit, why, label)?),
            |edited: &Workspace| {
                Some(format!(
                    "fields: {}; status {previous_status} -> {}; why: {why}",
                    changed_fields.join(", "),
                    edited.status
                ))
            },
        )
    }

    /// The workspaces `actor` may see (a user: their organisation's; the local operator: all).
    pub fn workspaces(&mut self, actor: &Actor) -> Result<Vec<WorkspaceSummary>, ServiceError> {
        let visible = actor.organisation_id();
        self.perform_on_data(
            actor,
            Operation::ListWorkspaces,
            visible,
            "workspaces",
            |stores, _| {
                let mut summaries = Vec::new();
                for (organisation, workspace) in stores.control.workspaces()? {
                    if visible.is_some_and(|own| own != workspace.organisation_id) {
                        continue;
                    }
                    let posts = stores.post_count(workspace.id)?;
                    summaries.push(WorkspaceSummary {
                        organisation,
                        workspace,
                        posts,
                    });
                }
                Ok(summaries)
            },
            |_| None,
        )
    }

    /// Every change note `actor` may see, oldest first.
    pub fn history(&mut self, actor: &Actor) -> Result<Vec<ChangeNote>, ServiceError> {
        let visible = actor.organisation_id();
        self.perform(
            actor,
            Operation::ViewHistory,
            visible,
            "history",
            None,
            |store, _| {
                Ok(store
                    .changes()?
                    .into_iter()
                    .filter(|change| visible.is_none() || change.organisation_id == visible)
                    .collect())
            },
        )
    }

    /// Adds a monitor after the guard, the parser and the purpose rules admitted it.
    pub fn add_monitor(
        &mut self,
        actor: &Actor,
        workspace_name: &str,
        organisation: Option<&str>,
        query_text: &str,
        why: &str,
    ) -> Result<Monitor, ServiceError> {
        let workspace =
            self.workspace_for(actor, Operation::AddMonitor, workspace_name, organisation)?;
        self.perform(
            actor,
            Operation::AddMonitor,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            Some(query_text),
            |store, label| {
                let allow_entries = store.allow_entries(workspace.organisation_id)?;
                let query = crate::query::guarded_parse(&workspace, &allow_entries, query_text)?;
                let Some(query) = query else {
                    return Err(ServiceError::InvalidInput(
                        "een monitor heeft een zoekvraag nodig / a monitor needs a query"
                            .to_string(),
                    ));
                };
                peil_policy::admit_monitor(&workspace, &allow_entries, query_text, &query, why)
                    .map_err(|refusal| ServiceError::QueryRefused {
                        dutch: refusal.dutch,
                        english: refusal.english,
                    })?;
                Ok(store.add_monitor(workspace.id, query_text, why, label)?)
            },
        )
    }

    /// The monitor editor's live check: what `add_monitor` would answer about `query_text`
    /// (guard, parser, purpose rules; not the justification, checked on submit), without saving
    /// anything. Audited as `check_monitor`: result `refused` when the verdict refuses, the
    /// detail holds the verdict and the refusal codes, never the query text.
    pub fn check_monitor(
        &mut self,
        actor: &Actor,
        workspace_name: &str,
        organisation: Option<&str>,
        query_text: &str,
    ) -> Result<MonitorCheck, ServiceError> {
        let workspace =
            self.workspace_for(actor, Operation::CheckMonitor, workspace_name, organisation)?;
        self.perform_judged(
            actor,
            Operation::CheckMonitor,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            |stores, _| {
                let allow_entries = stores.control.allow_entries(workspace.organisation_id)?;
                let reasons =
                    peil_policy::check_monitor_query(&workspace, &allow_entries, query_text)
                        .into_iter()
                        .map(|reason| MonitorCheckReason {
                            code: reason.code,
                            message_nl: reason.refusal.dutch,
                            message_en: reason.refusal.english,
                        })
                        .collect::<Vec<_>>();
                Ok(MonitorCheck {
                    accepted: reasons.is_empty(),
                    reasons,
                })
            },
            |check| Some(check.audit_detail()),
            |check| !check.accepted,
        )
    }

    pub fn monitors(
        &mut self,
        actor: &Actor,
        workspace_name: &str,
        organisation: Option<&str>,
    ) -> Result<Vec<Monitor>, ServiceError> {
        let workspace =
            self.workspace_for(actor, Operation::ListMonitors, workspace_name, organisation)?;
        self.perform(
            actor,
            Operation::ListMonitors,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            None,
            |store, _| Ok(store.monitors(workspace.id)?),
        )
    }

    pub fn add_allow_entry(
        &mut self,
        actor: &Actor,
        organisation: &str,
        kind: AllowKind,
        value: &str,
        why: &str,
    ) -> Result<AllowEntry, ServiceError> {
        let organisation = self.organisation_for(actor, Operation::AddAllowEntry, organisation)?;
        self.perform(
            actor,
            Operation::AddAllowEntry,
            Some(organisation.id),
            &object_of("allow-list", &organisation.name),
            Some(kind.code()),
            |store, label| {
                peil_policy::validate_allow_entry(kind, value, why).map_err(|refusal| {
                    ServiceError::InvalidInput(format!("{} / {}", refusal.dutch, refusal.english))
                })?;
                Ok(store.add_allow_entry(organisation.id, kind, value, why, label)?)
            },
        )
    }

    pub fn allow_entries(
        &mut self,
        actor: &Actor,
        organisation: &str,
    ) -> Result<Vec<AllowEntry>, ServiceError> {
        let organisation =
            self.organisation_for(actor, Operation::ListAllowEntries, organisation)?;
        self.perform(
            actor,
            Operation::ListAllowEntries,
            Some(organisation.id),
            &object_of("allow-list", &organisation.name),
            None,
            |store, _| Ok(store.allow_entries(organisation.id)?),
        )
    }

    /// Checks the store (SQLite integrity, database and index agree).
    pub fn check_store(&mut self, actor: &Actor) -> Result<peil_store::StoreCheck, ServiceError> {
        Ok(self.check_stores(actor)?.0)
    }

    /// Checks the store in the data directory and, on PostgreSQL, reports the data plane's
    /// schema version and post counts (the URL without its password).
    pub fn check_stores(
        &mut self,
        actor: &Actor,
    ) -> Result<(peil_store::StoreCheck, Option<crate::DataPlaneCheck>), ServiceError> {
        let location = self.store_location().redacted();
        self.perform_on_data(
            actor,
            Operation::CheckStore,
            None,
            "store",
            |stores, _| {
                let control = stores.control.check()?;
                let data_plane = stores.check(&location)?;
                Ok((control, data_plane))
            },
            |_| None,
        )
    }
}
