//! Peil's domain model: the nouns of `DESIGN.md` (organisation, user, role, workspace, monitor,
//! stored post) and the small value types every other crate shares (language, sentiment,
//! placeholders).
//!
//! This crate holds data and validation only. It must never do I/O, and no type here may carry raw
//! post text, raw author ids, handles or profile URLs: those live only in `peil-connectors`'
//! in-memory `RawPost`.

mod placeholder;
mod post;
mod workspace;

pub use placeholder::{is_placeholder, strip_placeholders, PlaceholderKind, PLACEHOLDER_PREFIXES};
pub use post::{Language, SealedReference, SentimentLabel, StoredPost};
pub use workspace::{
    validate_end_date, validate_k, AllowEntry, AllowKind, ChangeNote, EditPlan, FieldChange,
    Monitor, Organisation, Purpose, Role, User, Workspace, WorkspaceDraft, WorkspaceEdit,
    WorkspaceStatus, DEFAULT_K, MINIMUM_K, PUBLIC_ORDER_MAX_DAYS,
};

/// Errors raised when a value does not satisfy the domain rules.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("unknown purpose `{0}`: expected communication_webcare, trend_policy_analysis or public_order_general_picture")]
    UnknownPurpose(String),
    #[error("unknown role `{0}`: expected admin, analyst, webcare or fg")]
    UnknownRole(String),
    #[error("unknown workspace status `{0}`: expected draft, approved, active or closed")]
    UnknownStatus(String),
    #[error("k must be at least {minimum} (got {given})")]
    KTooSmall { given: u32, minimum: u32 },
    #[error("retention must be at least one day (got {0})")]
    RetentionTooShort(u32),
    #[error("unknown allow-list kind `{0}`: expected handle or person")]
    UnknownAllowKind(String),
    #[error("a change needs a non-empty \"why\" note")]
    MissingWhy,
    #[error("the purpose public_order_general_picture needs a lead (aanleiding)")]
    MissingLead,
    #[error("{field} must not be empty")]
    EmptyField { field: &'static str },
    #[error("a workspace cannot go from {from} to {to}")]
    InvalidTransition {
        from: WorkspaceStatus,
        to: WorkspaceStatus,
    },
    #[error("the purpose public_order_general_picture needs an end date (--until), at most {max_days} days ahead")]
    MissingEndDate { max_days: i64 },
    #[error("the end date lies more than {max_days} days ahead; a public-order picture runs at most {max_days} days and is renewed with a new justification")]
    EndDateTooFar { max_days: i64 },
    #[error("the end date has passed")]
    EndDatePassed,
    #[error("only a public_order_general_picture workspace is renewed; other purposes have no end date to extend")]
    NotRenewable,
    #[error("a purpose never changes in place: a new purpose needs a new workspace (and its own FG approval)")]
    PurposeIsFixed,
    #[error("a closed workspace cannot be edited; new processing needs a new workspace")]
    ClosedWorkspace,
    #[error("the edit changes nothing")]
    NothingChanged,
}
