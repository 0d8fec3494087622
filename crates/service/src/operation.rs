//! Every operation Peil offers, and the one table that says who may perform it.
//!
//! The command line and the HTTP server name an `Operation` for everything they do; the service
//! looks up the roles here, checks the actor, and writes the audit entry with the operation's
//! audit action. A new command or route is a new variant here, and the tests below fail until it
//! has a row in the table. This module must never grant anything by default: an operation missing
//! from the table would not compile (the `match` is exhaustive).

use peil_audit::AuditAction;
use peil_model::Role;
use serde::Serialize;

/// Where an operation acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Inside one organisation (tenant): a user acts only on their own organisation.
    Organisation,
    /// On the installation as a whole (setting up organisations, maintenance that only applies
    /// configured rules). The local operator — whoever runs `peil` on the machine holding the
    /// data directory — may always perform these; users only with a role listed.
    Installation,
}

/// Every operation of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    CreateOrganisation,
    AddUser,
    ListUsers,
    CreateWorkspace,
    ApproveWorkspace,
    ActivateWorkspace,
    CloseWorkspace,
    RenewWorkspace,
    EditWorkspace,
    ListWorkspaces,
    ViewHistory,
    AddMonitor,
    CheckMonitor,
    ListMonitors,
    AddAllowEntry,
    ListAllowEntries,
    Import,
    Query,
    ListKeys,
    RotateKey,
    DestroyExpiredKeys,
    RunRetention,
    SubjectLookup,
    SubjectErase,
    SubjectObject,
    GenerateDocument,
    ViewAudit,
    VerifyAudit,
    ExportAudit,
    CheckStore,
    Login,
    Logout,
    ManageCredentials,
    IssueApiToken,
    ConfigureOidc,
    Watch,
    ViewConnectors,
    ViewConnectorHealth,
    ViewWebcareInbox,
    MarkWebcareMessage,
    BindDataPlane,
}

impl Operation {
    /// Every operation, for the completeness tests and the documentation.
    pub const ALL: [Operation; 41] = [
        Operation::CreateOrganisation,
        Operation::AddUser,
        Operation::ListUsers,
        Operation::CreateWorkspace,
        Operation::ApproveWorkspace,
        Operation::ActivateWorkspace,
        Operation::CloseWorkspace,
        Operation::RenewWorkspace,
        Operation::EditWorkspace,
        Operation::ListWorkspaces,
        Operation::ViewHistory,
        Operation::AddMonitor,
        Operation::CheckMonitor,
        Operation::ListMonitors,
        Operation::AddAllowEntry,
        Operation::ListAllowEntries,
        Operation::Import,
        Operation::Query,
        Operation::ListKeys,
        Operation::RotateKey,
        Operation::DestroyExpiredKeys,
        Operation::RunRetention,
        Operation::SubjectLookup,
        Operation::SubjectErase,
        Operation::SubjectObject,
        Operation::GenerateDocument,
        Operation::ViewAudit,
        Operation::VerifyAudit,
        Operation::ExportAudit,
        Operation::CheckStore,
        Operation::Login,
        Operation::Logout,
        Operation::ManageCredentials,
        Operation::IssueApiToken,
        Operation::ConfigureOidc,
        Operation::Watch,
        Operation::ViewConnectors,
        Operation::ViewConnectorHealth,
        Operation::ViewWebcareInbox,
        Operation::MarkWebcareMessage,
        Operation::BindDataPlane,
    ];

    /// The stable code of the operation (audit objects, API documentation).
    pub fn code(self) -> &'static str {
        self.rule().code
    }

    /// Roles that may perform the operation.
    pub fn allowed_roles(self) -> &'static [Role] {
        self.rule().roles
    }

    pub fn reach(self) -> Reach {
        self.rule().reach
    }

    /// The audit action recorded for the operation.
    pub fn audit_action(self) -> AuditAction {
        self.rule().audit
    }

    /// Whether the operation changes data (reads are audited as views).
    pub fn changes_data(self) -> bool {
        self.rule().changes
    }

    /// The table: one row per operation.
    fn rule(self) -> Rule {
        use AuditAction as A;
        use Reach::{Installation as I, Organisation as O};
        use Role::{Admin, Analyst, Fg, Webcare};
        const ADMIN: &[Role] = &[Admin];
        const FG: &[Role] = &[Fg];
        const ADMIN_FG: &[Role] = &[Admin, Fg];
        const ANALYST_FG: &[Role] = &[Analyst, Fg];
        const ANALYST_ADMIN: &[Role] = &[Analyst, Admin];
        const READERS: &[Role] = &[Admin, Analyst, Fg];
        const EVERYONE: &[Role] = &[Admin, Analyst, Webcare, Fg];
        const NOBODY: &[Role] = &[];
        const WEBCARE: &[Role] = &[Webcare];
        let row = |code, reach, roles, audit, changes| Rule {
            code,
            reach,
            roles,
            audit,
            changes,
        };
        match self {
            Operation::CreateOrganisation => row(
                "create_organisation",
                I,
                NOBODY,
                A::ConfigurationChange,
                true,
            ),
            Operation::AddUser => row("add_user", O, ADMIN, A::ConfigurationChange, true),
            Operation::ListUsers => row("list_users", O, ADMIN_FG, A::View, false),
            Operation::CreateWorkspace => {
                row("create_workspace", O, ADMIN, A::ConfigurationChange, true)
            }
            Operation::ApproveWorkspace => row("approve_workspace", O, FG, A::Approval, true),
            Operation::ActivateWorkspace => {
                row("activate_workspace", O, ADMIN, A::ConfigurationChange, true)
            }
            Operation::CloseWorkspace => {
                row("close_workspace", O, ADMIN_FG, A::ConfigurationChange, true)
            }
            Operation::RenewWorkspace => {
                row("renew_workspace", O, ADMIN, A::ConfigurationChange, true)
            }
            // Editing in place (never the purpose); a widening edit sends the workspace back to
            // draft for the FG's approval (peil_model::WorkspaceEdit).
            Operation::EditWorkspace => {
                row("edit_workspace", O, ADMIN, A::ConfigurationChange, true)
            }
            Operation::ListWorkspaces => row("list_workspaces", O, EVERYONE, A::View, false),
            Operation::ViewHistory => row("view_history", O, ADMIN_FG, A::View, false),
            Operation::AddMonitor => row(
                "add_monitor",
                O,
                ANALYST_ADMIN,
                A::ConfigurationChange,
                true,
            ),
            // The monitor editor's live guard feedback: the guard and the purpose rules on a typed
            // query, nothing saved. Audited as a query attempt with its verdict and the refusal
            // codes, never the query text (a refused one holds the person it targeted).
            Operation::CheckMonitor => row("check_monitor", O, ANALYST_ADMIN, A::Query, false),
            Operation::ListMonitors => row("list_monitors", O, READERS, A::View, false),
            Operation::AddAllowEntry => {
                row("add_allow_entry", O, ADMIN, A::ConfigurationChange, true)
            }
            Operation::ListAllowEntries => row("list_allow_entries", O, READERS, A::View, false),
            Operation::Import => row("import", O, ADMIN, A::Import, true),
            Operation::Query => row("query", O, ANALYST_FG, A::Query, false),
            Operation::ListKeys => row("list_keys", O, ADMIN_FG, A::View, false),
            Operation::RotateKey => row("rotate_key", O, ADMIN, A::KeyRotation, true),
            Operation::DestroyExpiredKeys => {
                row("destroy_expired_keys", O, ADMIN, A::KeyRotation, true)
            }
            Operation::RunRetention => row("run_retention", I, ADMIN_FG, A::RetentionRun, true),
            Operation::SubjectLookup => row("subject_lookup", O, FG, A::DataSubjectRequest, false),
            Operation::SubjectErase => row("subject_erase", O, FG, A::Erasure, true),
            Operation::SubjectObject => row("subject_object", O, FG, A::DataSubjectRequest, true),
            Operation::GenerateDocument => row("generate_document", O, ADMIN_FG, A::Export, false),
            Operation::ViewAudit => row("view_audit", I, ADMIN_FG, A::View, false),
            Operation::VerifyAudit => row("verify_audit", I, ADMIN_FG, A::View, false),
            Operation::ExportAudit => row("export_audit", I, ADMIN_FG, A::Export, false),
            Operation::CheckStore => row("check_store", I, ADMIN, A::View, false),
            // Anyone with an account logs in and out; the service checks the credentials.
            Operation::Login => row("login", I, EVERYONE, A::Login, false),
            Operation::Logout => row("logout", I, EVERYONE, A::Logout, false),
            // Installation reach so that the local operator can set the first password; a user
            // (admin) only manages credentials inside their own organisation (checked in auth.rs).
            Operation::ManageCredentials => {
                row("manage_credentials", I, ADMIN, A::ConfigurationChange, true)
            }
            Operation::IssueApiToken => {
                row("issue_api_token", O, ADMIN, A::ConfigurationChange, true)
            }
            // Installation reach so that the local operator can configure the issuer; an admin
            // only configures their own organisation (checked in oidc.rs).
            Operation::ConfigureOidc => {
                row("configure_oidc", I, ADMIN, A::ConfigurationChange, true)
            }
            // A live connector feeding the pipeline is an import that does not end: one audit
            // entry when the session starts and one when it ends (with its counts), not one per
            // batch (see watch.rs).
            Operation::Watch => row("watch", O, ADMIN, A::Import, true),
            // Connector counters and cursors: positions in public streams, no personal data, but
            // counted over every organisation's workspaces ("matched", "dropped"), so only the
            // local operator who runs the installation sees them (sealed tenants, invariant 11).
            Operation::ViewConnectors => row("view_connectors", I, &[], A::View, false),
            // The health of the connectors that feed the user's organisation (`GET
            // /api/v1/connectors`): name, kind, public host, state, events received, errors,
            // deletions at the source, lag, times. Nothing the pipeline decided (matched,
            // dropped, stored), which would tell one organisation about another's monitors; and
            // only connectors that feed every organisation or the user's own (watch.rs).
            Operation::ViewConnectorHealth => {
                row("view_connector_health", O, ADMIN_FG, A::View, false)
            }
            // The webcare inbox (webcare.rs): messages addressed to the organisation's own
            // accounts with the links to answer them. The webcare role only: the links are
            // invariant 1's one exception and no other role sees them (the FG oversees through
            // the audit log, where each view and each change of status is recorded).
            Operation::ViewWebcareInbox => row("view_webcare_inbox", O, WEBCARE, A::View, false),
            Operation::MarkWebcareMessage => row(
                "mark_webcare_message",
                O,
                WEBCARE,
                A::ConfigurationChange,
                true,
            ),
            // Binding a PostgreSQL database to this data directory when the service opens it
            // (lib.rs, `Service::open_at`): the process that opens the directory, as the local
            // operator; recorded when a database is bound or a demo's is cleared and taken over,
            // and when one is refused. No user performs it.
            Operation::BindDataPlane => {
                row("bind_data_plane", I, NOBODY, A::ConfigurationChange, true)
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    code: &'static str,
    reach: Reach,
    roles: &'static [Role],
    audit: AuditAction,
    changes: bool,
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_operation_has_a_unique_code_and_a_row() {
        let codes: HashSet<&str> = Operation::ALL
            .iter()
            .map(|operation| operation.code())
            .collect();
        assert_eq!(codes.len(), Operation::ALL.len());
    }

    #[test]
    fn organisation_operations_name_at_least_one_role() {
        for operation in Operation::ALL {
            if operation.reach() == Reach::Organisation {
                assert!(
                    !operation.allowed_roles().is_empty(),
                    "{} has no role",
                    operation.code()
                );
            }
        }
    }

    #[test]
    fn only_the_fg_approves_and_handles_data_subject_requests() {
        for operation in [
            Operation::ApproveWorkspace,
            Operation::SubjectLookup,
            Operation::SubjectErase,
            Operation::SubjectObject,
        ] {
            assert_eq!(operation.allowed_roles(), &[Role::Fg]);
        }
    }

    #[test]
    fn the_fg_changes_no_configuration_except_approval_and_closing() {
        for operation in Operation::ALL {
            let fg_may = operation.allowed_roles().contains(&Role::Fg);
            let configuration = operation.audit_action() == AuditAction::ConfigurationChange;
            if fg_may && configuration {
                assert_eq!(operation, Operation::CloseWorkspace);
            }
        }
    }

    #[test]
    fn only_the_webcare_role_sees_or_handles_the_inbox() {
        for operation in [Operation::ViewWebcareInbox, Operation::MarkWebcareMessage] {
            assert_eq!(operation.allowed_roles(), &[Role::Webcare]);
        }
    }

    #[test]
    fn webcare_reads_no_aggregates_or_configuration_history() {
        for operation in Operation::ALL {
            if operation.allowed_roles().contains(&Role::Webcare) {
                // Logging in and out is not reading anything.
                assert!(
                    matches!(
                        operation,
                        Operation::ListWorkspaces
                            | Operation::Login
                            | Operation::Logout
                            | Operation::ViewWebcareInbox
                            | Operation::MarkWebcareMessage
                    ),
                    "{}",
                    operation.code()
                );
            }
        }
    }
}
