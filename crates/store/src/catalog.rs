//! Organisations, workspaces, monitors and the change notes that go with every change.

use chrono::{DateTime, TimeZone, Utc};
use peil_model::{
    validate_end_date, AllowEntry, AllowKind, ChangeNote, ModelError, Monitor, Organisation,
    Purpose, Role, User, Workspace, WorkspaceDraft, WorkspaceEdit, WorkspaceStatus,
};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::{Store, StoreError};

fn timestamp(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

fn require_why(why: &str) -> Result<(), StoreError> {
    if why.trim().is_empty() {
        return Err(ModelError::MissingWhy.into());
    }
    Ok(())
}

fn record_change(
    transaction: &Transaction<'_>,
    organisation_id: Option<i64>,
    subject: &str,
    action: &str,
    why: &str,
    actor: &str,
) -> Result<(), StoreError> {
    transaction.execute(
        "INSERT INTO changes (organisation_id, subject, action, why, actor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            organisation_id,
            subject,
            action,
            why,
            actor,
            Utc::now().timestamp()
        ],
    )?;
    Ok(())
}

/// Deletes the webcare messages (with their sealed answer references) of a workspace that
/// closes; the workspace's webcare key is destroyed right after the commit.
fn delete_webcare_messages(
    transaction: &Transaction<'_>,
    workspace_id: i64,
) -> Result<usize, StoreError> {
    Ok(transaction.execute(
        "DELETE FROM webcare_messages WHERE workspace_id = ?1",
        params![workspace_id],
    )?)
}

const WORKSPACE_COLUMNS: &str =
    "id, organisation_id, name, purpose, purpose_text, legal_basis, lead,
    retention_days_posts, retention_days_aggregates, k, allowed_sources, own_accounts, fg_contact,
    status, created_at, ends_at";

/// Reads a text column and parses it into a domain enum (purpose, status, role, allow kind).
fn parsed_column<T>(row: &Row<'_>, column: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = ModelError>,
{
    let code: String = row.get(column)?;
    code.parse::<T>().map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            error.to_string().into(),
        )
    })
}

fn workspace_from_row(row: &Row<'_>) -> rusqlite::Result<Workspace> {
    let allowed_sources: String = row.get(10)?;
    let own_accounts: String = row.get(11)?;
    let invalid = |column: usize, error: String| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, error.into())
    };
    Ok(Workspace {
        id: row.get(0)?,
        organisation_id: row.get(1)?,
        name: row.get(2)?,
        purpose: parsed_column::<Purpose>(row, 3)?,
        purpose_text: row.get(4)?,
        legal_basis: row.get(5)?,
        lead: row.get(6)?,
        retention_days_posts: row.get(7)?,
        retention_days_aggregates: row.get(8)?,
        k: row.get(9)?,
        allowed_sources: serde_json::from_str(&allowed_sources)
            .map_err(|error| invalid(10, error.to_string()))?,
        own_accounts: serde_json::from_str(&own_accounts)
            .map_err(|error| invalid(11, error.to_string()))?,
        fg_contact: row.get(12)?,
        status: parsed_column::<WorkspaceStatus>(row, 13)?,
        created_at: timestamp(row.get(14)?),
        ends_at: row.get::<_, Option<i64>>(15)?.map(timestamp),
    })
}

fn organisation_from_row(row: &Row<'_>) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        id: row.get(0)?,
        name: row.get(1)?,
        created_at: timestamp(row.get(2)?),
    })
}

fn monitor_from_row(row: &Row<'_>) -> rusqlite::Result<Monitor> {
    Ok(Monitor {
        id: row.get(0)?,
        workspace_id: row.get(1)?,
        query: row.get(2)?,
        justification: row.get(3)?,
        active: row.get(4)?,
        created_at: timestamp(row.get(5)?),
    })
}

impl Store {
    /// Creates an organisation, recording why.
    pub fn create_organisation(
        &mut self,
        name: &str,
        why: &str,
        actor: &str,
    ) -> Result<Organisation, StoreError> {
        require_why(why)?;
        if name.trim().is_empty() {
            return Err(ModelError::EmptyField { field: "name" }.into());
        }
        if self.find_organisation(name)?.is_some() {
            return Err(StoreError::AlreadyExists {
                what: "organisation",
                name: name.to_string(),
            });
        }
        let now = Utc::now().timestamp();
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "INSERT INTO organisations (name, created_at) VALUES (?1, ?2)",
            params![name, now],
        )?;
        let id = transaction.last_insert_rowid();
        record_change(
            &transaction,
            Some(id),
            &format!("organisation:{name}"),
            "create",
            why,
            actor,
        )?;
        transaction.commit()?;
        Ok(Organisation {
            id,
            name: name.to_string(),
            created_at: timestamp(now),
        })
    }

    fn find_organisation(&self, name: &str) -> Result<Option<Organisation>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT id, name, created_at FROM organisations WHERE name = ?1",
                params![name],
                organisation_from_row,
            )
            .optional()?)
    }

    /// The organisation called `name`.
    pub fn organisation(&self, name: &str) -> Result<Organisation, StoreError> {
        self.find_organisation(name)?
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                name: name.to_string(),
            })
    }

    /// The organisation with `id`.
    pub fn organisation_by_id(&self, id: i64) -> Result<Organisation, StoreError> {
        self.connection
            .query_row(
                "SELECT id, name, created_at FROM organisations WHERE id = ?1",
                params![id],
                organisation_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                name: id.to_string(),
            })
    }

    /// Creates a workspace in `draft` status after validating the draft.
    pub fn create_workspace(
        &mut self,
        organisation_id: i64,
        draft: &WorkspaceDraft,
        why: &str,
        actor: &str,
    ) -> Result<Workspace, StoreError> {
        require_why(why)?;
        draft.validate()?;
        let exists: Option<i64> = self
            .connection
            .query_row(
                "SELECT id FROM workspaces WHERE organisation_id = ?1 AND name = ?2",
                params![organisation_id, draft.name],
                |row| row.get(0),
            )
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::AlreadyExists {
                what: "workspace",
                name: draft.name.clone(),
            });
        }
        let allowed_sources = serde_json::to_string(&draft.allowed_sources)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let own_accounts = serde_json::to_string(&draft.own_accounts)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "INSERT INTO workspaces (organisation_id, name, purpose, purpose_text, legal_basis,
                lead, retention_days_posts, retention_days_aggregates, k, allowed_sources,
                own_accounts, fg_contact, status, created_at, ends_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'draft', ?13, ?14)",
            params![
                organisation_id,
                draft.name,
                draft.purpose.code(),
                draft.purpose_text,
                draft.legal_basis,
                draft.lead,
                draft.retention_days_posts,
                draft.retention_days_aggregates,
                draft.k,
                allowed_sources,
                own_accounts,
                draft.fg_contact,
                Utc::now().timestamp(),
                draft.ends_at.map(|ends_at| ends_at.timestamp()),
            ],
        )?;
        let id = transaction.last_insert_rowid();
        record_change(
            &transaction,
            Some(organisation_id),
            &format!("workspace:{}", draft.name),
            &format!("create (purpose {})", draft.purpose),
            why,
            actor,
        )?;
        transaction.commit()?;
        self.workspace_by_id(id)
    }

    /// The workspace with `id`.
    pub fn workspace_by_id(&self, id: i64) -> Result<Workspace, StoreError> {
        self.connection
            .query_row(
                &format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?1"),
                params![id],
                workspace_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "workspace",
                name: id.to_string(),
            })
    }

    /// The workspace called `name`, optionally inside the organisation called `organisation`.
    pub fn workspace(
        &self,
        name: &str,
        organisation: Option<&str>,
    ) -> Result<Workspace, StoreError> {
        let mut statement = self.connection.prepare(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces
             WHERE name = ?1 AND (?2 IS NULL OR organisation_id =
                 (SELECT id FROM organisations WHERE name = ?2))"
        ))?;
        let found = statement
            .query_map(params![name, organisation], workspace_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        match found.len() {
            0 => Err(StoreError::NotFound {
                what: "workspace",
                name: name.to_string(),
            }),
            1 => found
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::NotFound {
                    what: "workspace",
                    name: name.to_string(),
                }),
            _ => Err(StoreError::Ambiguous(name.to_string())),
        }
    }

    /// Every workspace, with the name of its organisation, ordered by organisation and name.
    pub fn workspaces(&self) -> Result<Vec<(String, Workspace)>, StoreError> {
        let mut statement = self.connection.prepare(&format!(
            "SELECT {WORKSPACE_COLUMNS}, (SELECT name FROM organisations o WHERE o.id = w.organisation_id)
             FROM workspaces w ORDER BY 17, name"
        ))?;
        let rows = statement
            .query_map([], |row| {
                let workspace = workspace_from_row(row)?;
                let organisation: String = row.get(16)?;
                Ok((organisation, workspace))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Moves a workspace along its lifecycle, recording why.
    pub fn set_workspace_status(
        &mut self,
        workspace_id: i64,
        next: WorkspaceStatus,
        why: &str,
        actor: &str,
    ) -> Result<Workspace, StoreError> {
        require_why(why)?;
        let workspace = self.workspace_by_id(workspace_id)?;
        let status = workspace.status.transition_to(next)?;
        let now = Utc::now();
        // Approval and activation happen only inside the end date; for public order the end date
        // lies at most PUBLIC_ORDER_MAX_DAYS after the approval.
        if matches!(status, WorkspaceStatus::Approved | WorkspaceStatus::Active) {
            if workspace.has_ended(now) {
                return Err(ModelError::EndDatePassed.into());
            }
            if status == WorkspaceStatus::Approved {
                validate_end_date(workspace.purpose, workspace.ends_at, now)?;
            }
        }
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "UPDATE workspaces SET status = ?1 WHERE id = ?2",
            params![status.code(), workspace_id],
        )?;
        if status == WorkspaceStatus::Closed {
            delete_webcare_messages(&transaction, workspace_id)?;
        }
        record_change(
            &transaction,
            Some(workspace.organisation_id),
            &format!("workspace:{}", workspace.name),
            &format!("status {} -> {}", workspace.status, status),
            why,
            actor,
        )?;
        transaction.commit()?;
        if status == WorkspaceStatus::Closed {
            self.keys.destroy_webcare_key(workspace_id)?;
        }
        self.workspace_by_id(workspace_id)
    }

    /// Renews a `public_order_general_picture` workspace: a new end date (at most
    /// `PUBLIC_ORDER_MAX_DAYS` ahead) and a new lead, after which the workspace is back in
    /// `draft` and needs the FG's approval (and activation) again before it processes anything.
    pub fn renew_workspace(
        &mut self,
        workspace_id: i64,
        ends_at: DateTime<Utc>,
        lead: &str,
        why: &str,
        actor: &str,
    ) -> Result<Workspace, StoreError> {
        require_why(why)?;
        let workspace = self.workspace_by_id(workspace_id)?;
        if !workspace.purpose.requires_lead() {
            return Err(ModelError::NotRenewable.into());
        }
        if workspace.status == WorkspaceStatus::Closed {
            return Err(ModelError::InvalidTransition {
                from: WorkspaceStatus::Closed,
                to: WorkspaceStatus::Draft,
            }
            .into());
        }
        if lead.trim().is_empty() {
            return Err(ModelError::MissingLead.into());
        }
        validate_end_date(workspace.purpose, Some(ends_at), Utc::now())?;
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "UPDATE workspaces SET ends_at = ?1, lead = ?2, status = 'draft' WHERE id = ?3",
            params![ends_at.timestamp(), lead.trim(), workspace_id],
        )?;
        record_change(
            &transaction,
            Some(workspace.organisation_id),
            &format!("workspace:{}", workspace.name),
            &format!(
                "renew until {} (status {} -> draft, awaiting FG approval)",
                ends_at.format("%Y-%m-%d %H:%M UTC"),
                workspace.status
            ),
            why,
            actor,
        )?;
        transaction.commit()?;
        self.workspace_by_id(workspace_id)
    }

    /// Edits a workspace in place after [`WorkspaceEdit::plan`] accepted it: never the purpose,
    /// never a closed workspace; a change that widens processing sends an approved or active
    /// workspace back to `draft` for the FG's approval. The change note lists every old and new
    /// value (configuration only). Retention changes take effect at the next retention run, which
    /// reads the workspace's current retention.
    pub fn edit_workspace(
        &mut self,
        workspace_id: i64,
        edit: &WorkspaceEdit,
        why: &str,
        actor: &str,
    ) -> Result<Workspace, StoreError> {
        require_why(why)?;
        let workspace = self.workspace_by_id(workspace_id)?;
        let plan = edit.plan(&workspace)?;
        let edited = &plan.workspace;
        let allowed_sources = serde_json::to_string(&edited.allowed_sources)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let own_accounts = serde_json::to_string(&edited.own_accounts)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "UPDATE workspaces SET purpose_text = ?1, legal_basis = ?2, lead = ?3,
                retention_days_posts = ?4, retention_days_aggregates = ?5, k = ?6,
                allowed_sources = ?7, own_accounts = ?8, fg_contact = ?9, status = ?10
             WHERE id = ?11",
            params![
                edited.purpose_text,
                edited.legal_basis,
                edited.lead,
                edited.retention_days_posts,
                edited.retention_days_aggregates,
                edited.k,
                allowed_sources,
                own_accounts,
                edited.fg_contact,
                edited.status.code(),
                workspace_id
            ],
        )?;
        record_change(
            &transaction,
            Some(workspace.organisation_id),
            &format!("workspace:{}", workspace.name),
            &plan.describe(workspace.status),
            why,
            actor,
        )?;
        transaction.commit()?;
        self.workspace_by_id(workspace_id)
    }

    /// Closes every open workspace whose end date has passed at `now`; returns the names closed.
    pub fn close_ended_workspaces(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let ended: Vec<Workspace> = self
            .workspaces()?
            .into_iter()
            .map(|(_, workspace)| workspace)
            .filter(|workspace| {
                workspace.status != WorkspaceStatus::Closed && workspace.has_ended(now)
            })
            .collect();
        let mut closed = Vec::with_capacity(ended.len());
        for workspace in ended {
            let transaction = self.connection.transaction()?;
            transaction.execute(
                "UPDATE workspaces SET status = 'closed' WHERE id = ?1",
                params![workspace.id],
            )?;
            delete_webcare_messages(&transaction, workspace.id)?;
            record_change(
                &transaction,
                Some(workspace.organisation_id),
                &format!("workspace:{}", workspace.name),
                &format!("status {} -> closed", workspace.status),
                "end date passed",
                "peil",
            )?;
            transaction.commit()?;
            self.keys.destroy_webcare_key(workspace.id)?;
            closed.push(workspace.name);
        }
        Ok(closed)
    }

    /// Adds a monitor (the query must already have been parsed and checked by the caller).
    pub fn add_monitor(
        &mut self,
        workspace_id: i64,
        query: &str,
        justification: &str,
        actor: &str,
    ) -> Result<Monitor, StoreError> {
        require_why(justification)?;
        let workspace = self.workspace_by_id(workspace_id)?;
        let now = Utc::now().timestamp();
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "INSERT INTO monitors (workspace_id, query, justification, active, created_at)
             VALUES (?1, ?2, ?3, 1, ?4)",
            params![workspace_id, query, justification, now],
        )?;
        let id = transaction.last_insert_rowid();
        record_change(
            &transaction,
            Some(workspace.organisation_id),
            &format!("workspace:{}", workspace.name),
            &format!("add monitor {id}"),
            justification,
            actor,
        )?;
        transaction.commit()?;
        Ok(Monitor {
            id,
            workspace_id,
            query: query.to_string(),
            justification: justification.to_string(),
            active: true,
            created_at: timestamp(now),
        })
    }

    /// The monitors of a workspace, oldest first.
    pub fn monitors(&self, workspace_id: i64) -> Result<Vec<Monitor>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, workspace_id, query, justification, active, created_at
             FROM monitors WHERE workspace_id = ?1 ORDER BY id",
        )?;
        let monitors = statement
            .query_map(params![workspace_id], monitor_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(monitors)
    }

    /// Adds a user with a role to an organisation.
    pub fn add_user(
        &mut self,
        organisation_id: i64,
        name: &str,
        role: Role,
        why: &str,
        actor: &str,
    ) -> Result<User, StoreError> {
        require_why(why)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(ModelError::EmptyField { field: "name" }.into());
        }
        if self
            .users(organisation_id)?
            .iter()
            .any(|user| user.name == name)
        {
            return Err(StoreError::AlreadyExists {
                what: "user",
                name: name.to_string(),
            });
        }
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "INSERT INTO users (organisation_id, name, role) VALUES (?1, ?2, ?3)",
            params![organisation_id, name, role.code()],
        )?;
        let id = transaction.last_insert_rowid();
        record_change(
            &transaction,
            Some(organisation_id),
            &format!("user:{name}"),
            &format!("add with role {role}"),
            why,
            actor,
        )?;
        transaction.commit()?;
        Ok(User {
            id,
            organisation_id,
            name: name.to_string(),
            role,
        })
    }

    /// The organisations that have a user called `name`.
    pub fn organisations_of_user(&self, name: &str) -> Result<Vec<i64>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT organisation_id FROM users WHERE name = ?1 ORDER BY organisation_id",
        )?;
        let organisations = statement
            .query_map(params![name], |row| row.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        Ok(organisations)
    }

    /// The users of an organisation.
    pub fn users(&self, organisation_id: i64) -> Result<Vec<User>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, organisation_id, name, role FROM users WHERE organisation_id = ?1 ORDER BY id",
        )?;
        let users = statement
            .query_map(params![organisation_id], |row| {
                Ok(User {
                    id: row.get(0)?,
                    organisation_id: row.get(1)?,
                    name: row.get(2)?,
                    role: parsed_column(row, 3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(users)
    }

    /// Adds an entry to an organisation's allow-list, recording the justification as its why note.
    pub fn add_allow_entry(
        &mut self,
        organisation_id: i64,
        kind: AllowKind,
        value: &str,
        justification: &str,
        actor: &str,
    ) -> Result<AllowEntry, StoreError> {
        require_why(justification)?;
        let value = value.trim();
        if value.is_empty() {
            return Err(ModelError::EmptyField { field: "value" }.into());
        }
        let now = Utc::now().timestamp();
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "INSERT INTO allow_entries (organisation_id, kind, value, justification, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![organisation_id, kind.code(), value, justification, now],
        )?;
        let id = transaction.last_insert_rowid();
        record_change(
            &transaction,
            Some(organisation_id),
            "allow-list",
            &format!("allow {} {value}", kind.code()),
            justification,
            actor,
        )?;
        transaction.commit()?;
        Ok(AllowEntry {
            id,
            organisation_id,
            kind,
            value: value.to_string(),
            justification: justification.to_string(),
            created_at: timestamp(now),
        })
    }

    /// The allow-list of an organisation.
    pub fn allow_entries(&self, organisation_id: i64) -> Result<Vec<AllowEntry>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, organisation_id, kind, value, justification, created_at
             FROM allow_entries WHERE organisation_id = ?1 ORDER BY id",
        )?;
        let entries = statement
            .query_map(params![organisation_id], |row| {
                Ok(AllowEntry {
                    id: row.get(0)?,
                    organisation_id: row.get(1)?,
                    kind: parsed_column(row, 2)?,
                    value: row.get(3)?,
                    justification: row.get(4)?,
                    created_at: timestamp(row.get(5)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(entries)
    }

    /// Records a change made elsewhere (key rotation, key destruction …) with its why note.
    pub fn record_change_note(
        &mut self,
        organisation_id: Option<i64>,
        subject: &str,
        action: &str,
        why: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        require_why(why)?;
        let transaction = self.connection.transaction()?;
        record_change(&transaction, organisation_id, subject, action, why, actor)?;
        transaction.commit()?;
        Ok(())
    }

    /// Every change note, oldest first.
    pub fn changes(&self) -> Result<Vec<ChangeNote>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, organisation_id, subject, action, why, actor, at FROM changes ORDER BY id",
        )?;
        let notes = statement
            .query_map([], |row| {
                Ok(ChangeNote {
                    id: row.get(0)?,
                    organisation_id: row.get(1)?,
                    subject: row.get(2)?,
                    action: row.get(3)?,
                    why: row.get(4)?,
                    actor: row.get(5)?,
                    at: timestamp(row.get(6)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(notes)
    }
}
