//! Organisations, users, workspaces (one processing activity each) and monitors.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// A `public_order_general_picture` workspace runs at most this many days after its approval
/// (or renewal); a longer picture needs a renewal with a new justification and FG approval.
pub const PUBLIC_ORDER_MAX_DAYS: i64 = 30;

/// Checks the end date of a workspace at `now`: required for public order, never past, and for
/// public order at most `PUBLIC_ORDER_MAX_DAYS` ahead.
pub fn validate_end_date(
    purpose: Purpose,
    ends_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ModelError> {
    let Some(end) = ends_at else {
        if purpose.requires_lead() {
            return Err(ModelError::MissingEndDate {
                max_days: PUBLIC_ORDER_MAX_DAYS,
            });
        }
        return Ok(());
    };
    if end <= now {
        return Err(ModelError::EndDatePassed);
    }
    if purpose.requires_lead() && end > now + chrono::Duration::days(PUBLIC_ORDER_MAX_DAYS) {
        return Err(ModelError::EndDateTooFar {
            max_days: PUBLIC_ORDER_MAX_DAYS,
        });
    }
    Ok(())
}

/// The default minimum cell size for aggregates.
pub const DEFAULT_K: u32 = 10;
/// No workspace may ever use a smaller k than this.
pub const MINIMUM_K: u32 = 5;

/// Checks a requested k against the floor of `MINIMUM_K`.
pub fn validate_k(k: u32) -> Result<u32, ModelError> {
    if k < MINIMUM_K {
        return Err(ModelError::KTooSmall {
            given: k,
            minimum: MINIMUM_K,
        });
    }
    Ok(k)
}

/// A tenant: a municipality, ministry or agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// What a user may do inside their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages workspaces and users.
    Admin,
    /// Monitors, dashboards, reports.
    Analyst,
    /// Answers messages addressed to the organisation's own accounts.
    Webcare,
    /// Data protection officer: read-only oversight, approves workspaces.
    Fg,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Webcare => "webcare",
            Role::Fg => "fg",
        }
    }
}

impl FromStr for Role {
    type Err = ModelError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            "webcare" => Ok(Role::Webcare),
            "fg" => Ok(Role::Fg),
            other => Err(ModelError::UnknownRole(other.to_string())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// A person who uses Peil. Never a person who is monitored: Peil has no such entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub role: Role,
}

/// The purpose of a processing activity. A purpose never changes in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    CommunicationWebcare,
    TrendPolicyAnalysis,
    PublicOrderGeneralPicture,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [
        Purpose::CommunicationWebcare,
        Purpose::TrendPolicyAnalysis,
        Purpose::PublicOrderGeneralPicture,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::CommunicationWebcare => "communication_webcare",
            Purpose::TrendPolicyAnalysis => "trend_policy_analysis",
            Purpose::PublicOrderGeneralPicture => "public_order_general_picture",
        }
    }

    /// Whether the purpose requires a lead ("aanleiding").
    pub fn requires_lead(self) -> bool {
        matches!(self, Purpose::PublicOrderGeneralPicture)
    }
}

impl FromStr for Purpose {
    type Err = ModelError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Purpose::ALL
            .into_iter()
            .find(|purpose| purpose.code() == text)
            .ok_or_else(|| ModelError::UnknownPurpose(text.to_string()))
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// Lifecycle of a workspace: `draft → approved → active → closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkspaceStatus {
    Draft,
    Approved,
    Active,
    Closed,
}

impl WorkspaceStatus {
    pub fn code(self) -> &'static str {
        match self {
            WorkspaceStatus::Draft => "draft",
            WorkspaceStatus::Approved => "approved",
            WorkspaceStatus::Active => "active",
            WorkspaceStatus::Closed => "closed",
        }
    }

    /// Checks that `self → next` is a step of the lifecycle. Closing is possible from every open
    /// state; nothing leaves `closed`.
    pub fn transition_to(self, next: WorkspaceStatus) -> Result<WorkspaceStatus, ModelError> {
        let allowed = matches!(
            (self, next),
            (WorkspaceStatus::Draft, WorkspaceStatus::Approved)
                | (WorkspaceStatus::Approved, WorkspaceStatus::Active)
                | (WorkspaceStatus::Draft, WorkspaceStatus::Closed)
                | (WorkspaceStatus::Approved, WorkspaceStatus::Closed)
                | (WorkspaceStatus::Active, WorkspaceStatus::Closed)
        );
        if !allowed {
            return Err(ModelError::InvalidTransition {
                from: self,
                to: next,
            });
        }
        Ok(next)
    }
}

impl FromStr for WorkspaceStatus {
    type Err = ModelError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "draft" => Ok(WorkspaceStatus::Draft),
            "approved" => Ok(WorkspaceStatus::Approved),
            "active" => Ok(WorkspaceStatus::Active),
            "closed" => Ok(WorkspaceStatus::Closed),
            other => Err(ModelError::UnknownStatus(other.to_string())),
        }
    }
}

impl fmt::Display for WorkspaceStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// What an operator asks for when creating a workspace; validated into a `Workspace` by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceDraft {
    pub name: String,
    pub purpose: Purpose,
    pub purpose_text: String,
    pub legal_basis: String,
    pub lead: Option<String>,
    pub retention_days_posts: u32,
    pub retention_days_aggregates: u32,
    pub k: u32,
    pub allowed_sources: Vec<String>,
    pub own_accounts: Vec<String>,
    pub fg_contact: Option<String>,
    /// The last moment the workspace may run; required for `public_order_general_picture` (at
    /// most 30 days after approval), optional for the other purposes.
    pub ends_at: Option<DateTime<Utc>>,
}

impl WorkspaceDraft {
    /// Applies the domain rules every workspace must satisfy, now.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.validate_at(Utc::now())
    }

    /// Applies the domain rules every workspace must satisfy at `now`.
    pub fn validate_at(&self, now: DateTime<Utc>) -> Result<(), ModelError> {
        if self.name.trim().is_empty() {
            return Err(ModelError::EmptyField { field: "name" });
        }
        if self.legal_basis.trim().is_empty() {
            return Err(ModelError::EmptyField {
                field: "legal basis",
            });
        }
        validate_k(self.k)?;
        if self.retention_days_posts == 0 {
            return Err(ModelError::RetentionTooShort(self.retention_days_posts));
        }
        if self.retention_days_aggregates == 0 {
            return Err(ModelError::RetentionTooShort(
                self.retention_days_aggregates,
            ));
        }
        let has_lead = self
            .lead
            .as_deref()
            .is_some_and(|lead| !lead.trim().is_empty());
        if self.purpose.requires_lead() && !has_lead {
            return Err(ModelError::MissingLead);
        }
        validate_end_date(self.purpose, self.ends_at, now)
    }
}

/// One processing activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub purpose: Purpose,
    pub purpose_text: String,
    pub legal_basis: String,
    pub lead: Option<String>,
    pub retention_days_posts: u32,
    pub retention_days_aggregates: u32,
    pub k: u32,
    /// Empty means: every source Peil supports.
    pub allowed_sources: Vec<String>,
    /// The organisation's own accounts (handles), which are not personal data.
    pub own_accounts: Vec<String>,
    pub fg_contact: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    pub status: WorkspaceStatus,
    pub created_at: DateTime<Utc>,
}

impl Workspace {
    /// Whether the workspace's end date has passed at `now`.
    pub fn has_ended(&self, now: DateTime<Utc>) -> bool {
        self.ends_at.is_some_and(|end| end <= now)
    }

    /// Whether posts from `source` may be processed in this workspace.
    pub fn allows_source(&self, source: &str) -> bool {
        self.allowed_sources.is_empty()
            || self
                .allowed_sources
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(source))
    }
}

/// What an admin changes in a workspace in place: only the fields that are `Some`.
///
/// The rules an FG expects (checked by [`WorkspaceEdit::plan`]):
/// * a purpose never changes in place (`purpose` exists only to refuse a different one);
/// * a closed workspace cannot be edited;
/// * k stays at least `MINIMUM_K`, retention at least one day, the legal basis and the purpose
///   description are not emptied, a public-order picture keeps a lead;
/// * a change that widens processing — longer retention of posts or aggregates, a lower k, more
///   sources (or every source), another own account, a new lead, another legal basis or purpose
///   description (what the FG approved) — sends an approved or active workspace back to `draft`
///   for the FG's approval; narrowing changes (shorter retention, higher k, fewer sources or own
///   accounts) and a new FG contact keep the status;
/// * an edit that changes nothing is refused (there is nothing to record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceEdit {
    /// Only to refuse: another purpose than the workspace's is `PurposeIsFixed`.
    pub purpose: Option<Purpose>,
    pub purpose_text: Option<String>,
    pub legal_basis: Option<String>,
    /// An empty lead removes it (refused where the purpose needs one).
    pub lead: Option<String>,
    pub retention_days_posts: Option<u32>,
    pub retention_days_aggregates: Option<u32>,
    pub k: Option<u32>,
    /// An empty list means every source Peil supports.
    pub allowed_sources: Option<Vec<String>>,
    pub own_accounts: Option<Vec<String>>,
    /// An empty contact removes it.
    pub fg_contact: Option<String>,
}

/// One changed field of an edit: old and new value as text (configuration only, no personal
/// data), and whether the change widens processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
    pub widens: bool,
}

/// The outcome of checking an edit against a workspace: the edited workspace (with its new
/// status), the changes, and whether the FG must approve again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPlan {
    pub workspace: Workspace,
    pub changes: Vec<FieldChange>,
    pub needs_approval: bool,
}

impl EditPlan {
    /// The change note's action: `edit: k 10 -> 12; … (status active -> draft, awaiting FG
    /// approval)`.
    pub fn describe(&self, previous_status: WorkspaceStatus) -> String {
        let fields: Vec<String> = self
            .changes
            .iter()
            .map(|change| format!("{} {} -> {}", change.field, change.old, change.new))
            .collect();
        let mut action = format!("edit: {}", fields.join("; "));
        if self.workspace.status != previous_status {
            action.push_str(&format!(
                " (status {previous_status} -> {}, awaiting FG approval)",
                self.workspace.status
            ));
        }
        action
    }
}

fn shown_text(value: Option<&str>) -> String {
    match value {
        Some(text) if !text.is_empty() => format!("\"{text}\""),
        _ => "-".to_string(),
    }
}

fn shown_list(values: &[String], empty: &str) -> String {
    if values.is_empty() {
        return empty.to_string();
    }
    format!("[{}]", values.join(", "))
}

/// Trims, drops empty entries and duplicates (case-insensitive), keeping the order.
fn cleaned_list(values: &[String]) -> Vec<String> {
    let mut cleaned: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let value = value.trim();
        if value.is_empty() || cleaned.iter().any(|kept| kept.eq_ignore_ascii_case(value)) {
            continue;
        }
        cleaned.push(value.to_string());
    }
    cleaned
}

fn contains_ignoring_case(values: &[String], value: &str) -> bool {
    values.iter().any(|kept| kept.eq_ignore_ascii_case(value))
}

impl WorkspaceEdit {
    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        *self == WorkspaceEdit::default()
    }

    /// Checks the edit against `current` (see the rules on the type) and returns what it does.
    pub fn plan(&self, current: &Workspace) -> Result<EditPlan, ModelError> {
        if current.status == WorkspaceStatus::Closed {
            return Err(ModelError::ClosedWorkspace);
        }
        if self
            .purpose
            .is_some_and(|purpose| purpose != current.purpose)
        {
            return Err(ModelError::PurposeIsFixed);
        }
        let mut edited = current.clone();
        let mut changes = Vec::new();
        if let Some(text) = &self.purpose_text {
            let text = text.trim();
            if text.is_empty() {
                return Err(ModelError::EmptyField {
                    field: "purpose description",
                });
            }
            if text != current.purpose_text {
                changes.push(FieldChange {
                    field: "purpose_text",
                    old: shown_text(Some(&current.purpose_text)),
                    new: shown_text(Some(text)),
                    widens: true,
                });
                edited.purpose_text = text.to_string();
            }
        }
        if let Some(basis) = &self.legal_basis {
            let basis = basis.trim();
            if basis.is_empty() {
                return Err(ModelError::EmptyField {
                    field: "legal basis",
                });
            }
            if basis != current.legal_basis {
                changes.push(FieldChange {
                    field: "legal_basis",
                    old: shown_text(Some(&current.legal_basis)),
                    new: shown_text(Some(basis)),
                    widens: true,
                });
                edited.legal_basis = basis.to_string();
            }
        }
        if let Some(lead) = &self.lead {
            let lead = lead.trim();
            if lead.is_empty() && current.purpose.requires_lead() {
                return Err(ModelError::MissingLead);
            }
            let new_lead = (!lead.is_empty()).then(|| lead.to_string());
            if new_lead != current.lead {
                changes.push(FieldChange {
                    field: "lead",
                    old: shown_text(current.lead.as_deref()),
                    new: shown_text(new_lead.as_deref()),
                    // A new lead is a new reason to look; removing an optional lead narrows.
                    widens: new_lead.is_some(),
                });
                edited.lead = new_lead;
            }
        }
        if let Some(days) = self.retention_days_posts {
            if days == 0 {
                return Err(ModelError::RetentionTooShort(days));
            }
            if days != current.retention_days_posts {
                changes.push(FieldChange {
                    field: "retention_days_posts",
                    old: current.retention_days_posts.to_string(),
                    new: days.to_string(),
                    widens: days > current.retention_days_posts,
                });
                edited.retention_days_posts = days;
            }
        }
        if let Some(days) = self.retention_days_aggregates {
            if days == 0 {
                return Err(ModelError::RetentionTooShort(days));
            }
            if days != current.retention_days_aggregates {
                changes.push(FieldChange {
                    field: "retention_days_aggregates",
                    old: current.retention_days_aggregates.to_string(),
                    new: days.to_string(),
                    widens: days > current.retention_days_aggregates,
                });
                edited.retention_days_aggregates = days;
            }
        }
        if let Some(k) = self.k {
            let k = validate_k(k)?;
            if k != current.k {
                changes.push(FieldChange {
                    field: "k",
                    old: current.k.to_string(),
                    new: k.to_string(),
                    widens: k < current.k,
                });
                edited.k = k;
            }
        }
        if let Some(sources) = &self.allowed_sources {
            let sources = cleaned_list(sources);
            if sources != current.allowed_sources {
                // Every source (empty) widens a restricted list; otherwise a source that was
                // not allowed before widens.
                let widens = match (current.allowed_sources.is_empty(), sources.is_empty()) {
                    (true, _) => false,
                    (false, true) => true,
                    (false, false) => sources
                        .iter()
                        .any(|source| !contains_ignoring_case(&current.allowed_sources, source)),
                };
                changes.push(FieldChange {
                    field: "allowed_sources",
                    old: shown_list(&current.allowed_sources, "all"),
                    new: shown_list(&sources, "all"),
                    widens,
                });
                edited.allowed_sources = sources;
            }
        }
        if let Some(accounts) = &self.own_accounts {
            let accounts = cleaned_list(accounts);
            if accounts != current.own_accounts {
                let widens = accounts
                    .iter()
                    .any(|account| !contains_ignoring_case(&current.own_accounts, account));
                changes.push(FieldChange {
                    field: "own_accounts",
                    old: shown_list(&current.own_accounts, "-"),
                    new: shown_list(&accounts, "-"),
                    widens,
                });
                edited.own_accounts = accounts;
            }
        }
        if let Some(contact) = &self.fg_contact {
            let contact = contact.trim();
            let new_contact = (!contact.is_empty()).then(|| contact.to_string());
            if new_contact != current.fg_contact {
                changes.push(FieldChange {
                    field: "fg_contact",
                    old: shown_text(current.fg_contact.as_deref()),
                    new: shown_text(new_contact.as_deref()),
                    widens: false,
                });
                edited.fg_contact = new_contact;
            }
        }
        if changes.is_empty() {
            return Err(ModelError::NothingChanged);
        }
        let widens = changes.iter().any(|change| change.widens);
        let needs_approval = widens
            && matches!(
                current.status,
                WorkspaceStatus::Approved | WorkspaceStatus::Active
            );
        if needs_approval {
            edited.status = WorkspaceStatus::Draft;
        }
        Ok(EditPlan {
            workspace: edited,
            changes,
            needs_approval,
        })
    }
}

/// A Boolean search that decides which posts a workspace stores, with its required justification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    pub id: i64,
    pub workspace_id: i64,
    pub query: String,
    pub justification: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// What an organisation's allow-list entry keeps readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AllowKind {
    /// An account of the organisation or another organisation (not a person).
    Handle,
    /// The name of a public office holder, readable only with a justification the FG can see.
    Person,
}

impl AllowKind {
    pub fn code(self) -> &'static str {
        match self {
            AllowKind::Handle => "handle",
            AllowKind::Person => "person",
        }
    }
}

impl FromStr for AllowKind {
    type Err = ModelError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "handle" => Ok(AllowKind::Handle),
            "person" => Ok(AllowKind::Person),
            other => Err(ModelError::UnknownAllowKind(other.to_string())),
        }
    }
}

/// One entry of an organisation's allow-list, with its justification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowEntry {
    pub id: i64,
    pub organisation_id: i64,
    pub kind: AllowKind,
    pub value: String,
    pub justification: String,
    pub created_at: DateTime<Utc>,
}

/// A recorded change with its "why" note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub subject: String,
    pub action: String,
    pub why: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> WorkspaceDraft {
        WorkspaceDraft {
            name: "afval".into(),
            purpose: Purpose::TrendPolicyAnalysis,
            purpose_text: "reacties op afvalbeleid".into(),
            legal_basis: "AVG art. 6(1)(e)".into(),
            lead: None,
            retention_days_posts: 30,
            retention_days_aggregates: 365,
            k: DEFAULT_K,
            allowed_sources: vec![],
            own_accounts: vec![],
            fg_contact: None,
            ends_at: None,
        }
    }

    #[test]
    fn k_never_below_five() {
        assert!(validate_k(4).is_err());
        assert_eq!(validate_k(5), Ok(5));
        let mut small = draft();
        small.k = 3;
        assert_eq!(
            small.validate(),
            Err(ModelError::KTooSmall {
                given: 3,
                minimum: 5
            })
        );
    }

    #[test]
    fn public_order_needs_a_lead() {
        let mut public_order = draft();
        public_order.purpose = Purpose::PublicOrderGeneralPicture;
        assert_eq!(public_order.validate(), Err(ModelError::MissingLead));
        public_order.lead = Some("demonstratie op de Dam".into());
        let now = Utc::now();
        assert_eq!(
            public_order.validate_at(now),
            Err(ModelError::MissingEndDate {
                max_days: PUBLIC_ORDER_MAX_DAYS
            })
        );
        public_order.ends_at = Some(now + chrono::Duration::days(PUBLIC_ORDER_MAX_DAYS + 1));
        assert_eq!(
            public_order.validate_at(now),
            Err(ModelError::EndDateTooFar {
                max_days: PUBLIC_ORDER_MAX_DAYS
            })
        );
        public_order.ends_at = Some(now - chrono::Duration::hours(1));
        assert_eq!(
            public_order.validate_at(now),
            Err(ModelError::EndDatePassed)
        );
        public_order.ends_at = Some(now + chrono::Duration::days(PUBLIC_ORDER_MAX_DAYS));
        assert_eq!(public_order.validate_at(now), Ok(()));
    }

    #[test]
    fn other_purposes_may_run_without_an_end_date() {
        let trend = draft();
        assert_eq!(trend.validate(), Ok(()));
        let mut long_trend = draft();
        long_trend.ends_at = Some(Utc::now() + chrono::Duration::days(400));
        assert_eq!(long_trend.validate(), Ok(()));
    }

    #[test]
    fn lifecycle_only_moves_forward() {
        use WorkspaceStatus::*;
        assert_eq!(Draft.transition_to(Approved), Ok(Approved));
        assert_eq!(Approved.transition_to(Active), Ok(Active));
        assert_eq!(Active.transition_to(Closed), Ok(Closed));
        assert!(Draft.transition_to(Active).is_err());
        assert!(Closed.transition_to(Active).is_err());
        assert!(Active.transition_to(Approved).is_err());
    }

    fn active_workspace() -> Workspace {
        let base = draft();
        Workspace {
            id: 1,
            organisation_id: 1,
            name: base.name,
            purpose: base.purpose,
            purpose_text: base.purpose_text,
            legal_basis: base.legal_basis,
            lead: None,
            retention_days_posts: 30,
            retention_days_aggregates: 365,
            k: 10,
            allowed_sources: vec!["mastodon".into(), "bluesky".into()],
            own_accounts: vec!["@gemeente".into()],
            fg_contact: None,
            ends_at: None,
            status: WorkspaceStatus::Active,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn narrowing_edits_keep_the_status_and_widening_edits_need_the_fg_again() {
        let current = active_workspace();
        let narrowing = WorkspaceEdit {
            retention_days_posts: Some(14),
            k: Some(12),
            allowed_sources: Some(vec!["mastodon".into()]),
            own_accounts: Some(vec![]),
            fg_contact: Some("fg@gemeente.example".into()),
            ..WorkspaceEdit::default()
        };
        let plan = narrowing
            .plan(&current)
            .unwrap_or_else(|error| panic!("{error}"));
        assert!(!plan.needs_approval);
        assert_eq!(plan.workspace.status, WorkspaceStatus::Active);
        assert_eq!(plan.workspace.retention_days_posts, 14);
        assert_eq!(plan.changes.len(), 5);
        assert!(plan.changes.iter().all(|change| !change.widens));
        for widening in [
            WorkspaceEdit {
                retention_days_posts: Some(31),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                retention_days_aggregates: Some(400),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                k: Some(5),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                allowed_sources: Some(vec![]),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                allowed_sources: Some(vec!["mastodon".into(), "rss".into()]),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                own_accounts: Some(vec!["@gemeente".into(), "@wethouder_afval".into()]),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                lead: Some("nieuwe aanleiding".into()),
                ..WorkspaceEdit::default()
            },
            WorkspaceEdit {
                legal_basis: Some("AVG art. 6(1)(e) jo. art. 172 Gemeentewet".into()),
                ..WorkspaceEdit::default()
            },
        ] {
            let plan = widening
                .plan(&current)
                .unwrap_or_else(|error| panic!("{error}"));
            assert!(plan.needs_approval, "{widening:?}");
            assert_eq!(plan.workspace.status, WorkspaceStatus::Draft);
            assert!(plan
                .describe(WorkspaceStatus::Active)
                .ends_with("(status active -> draft, awaiting FG approval)"));
        }
        // A draft stays a draft, widening or not.
        let mut draft_workspace = current.clone();
        draft_workspace.status = WorkspaceStatus::Draft;
        let plan = WorkspaceEdit {
            k: Some(5),
            ..WorkspaceEdit::default()
        }
        .plan(&draft_workspace)
        .unwrap_or_else(|error| panic!("{error}"));
        assert!(!plan.needs_approval);
        assert_eq!(plan.workspace.status, WorkspaceStatus::Draft);
    }

    #[test]
    fn edits_never_change_the_purpose_or_a_closed_workspace_or_break_the_floors() {
        let current = active_workspace();
        let purpose = WorkspaceEdit {
            purpose: Some(Purpose::PublicOrderGeneralPicture),
            ..WorkspaceEdit::default()
        };
        assert_eq!(purpose.plan(&current), Err(ModelError::PurposeIsFixed));
        let mut closed = current.clone();
        closed.status = WorkspaceStatus::Closed;
        let harmless = WorkspaceEdit {
            fg_contact: Some("fg@x.example".into()),
            ..WorkspaceEdit::default()
        };
        assert_eq!(harmless.plan(&closed), Err(ModelError::ClosedWorkspace));
        let low_k = WorkspaceEdit {
            k: Some(4),
            ..WorkspaceEdit::default()
        };
        assert_eq!(
            low_k.plan(&current),
            Err(ModelError::KTooSmall {
                given: 4,
                minimum: MINIMUM_K
            })
        );
        let no_retention = WorkspaceEdit {
            retention_days_posts: Some(0),
            ..WorkspaceEdit::default()
        };
        assert_eq!(
            no_retention.plan(&current),
            Err(ModelError::RetentionTooShort(0))
        );
        let same = WorkspaceEdit {
            k: Some(10),
            purpose: Some(current.purpose),
            ..WorkspaceEdit::default()
        };
        assert_eq!(same.plan(&current), Err(ModelError::NothingChanged));
        let mut public_order = current.clone();
        public_order.purpose = Purpose::PublicOrderGeneralPicture;
        public_order.lead = Some("demonstratie".into());
        let no_lead = WorkspaceEdit {
            lead: Some(" ".into()),
            ..WorkspaceEdit::default()
        };
        assert_eq!(no_lead.plan(&public_order), Err(ModelError::MissingLead));
    }

    #[test]
    fn purposes_and_roles_round_trip() {
        for purpose in Purpose::ALL {
            assert_eq!(purpose.code().parse::<Purpose>(), Ok(purpose));
        }
        assert!("marketing".parse::<Purpose>().is_err());
        assert_eq!("fg".parse::<Role>(), Ok(Role::Fg));
    }
}
