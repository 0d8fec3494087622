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

    #[test]
    fn purposes_and_roles_round_trip() {
        for purpose in Purpose::ALL {
            assert_eq!(purpose.code().parse::<Purpose>(), Ok(purpose));
        }
        assert!("marketing".parse::<Purpose>().is_err());
        assert_eq!("fg".parse::<Role>(), Ok(Role::Fg));
    }
}
