//! One module per screen. Every public function returns a complete HTML document.

pub mod dashboard;
pub mod error;
pub mod export;
pub mod fg;
pub mod login;
pub mod monitors;
pub mod overview;
mod signals;
pub mod transparency;
pub mod webcare;
pub mod workspace_form;

use peil_model::{Purpose, WorkspaceStatus};

use crate::i18n::Key;
use crate::PageContext;

pub(crate) fn status_label(context: &PageContext, status: WorkspaceStatus) -> &'static str {
    context.t(match status {
        WorkspaceStatus::Draft => Key::StatusDraft,
        WorkspaceStatus::Approved => Key::StatusApproved,
        WorkspaceStatus::Active => Key::StatusActive,
        WorkspaceStatus::Closed => Key::StatusClosed,
    })
}

pub(crate) fn purpose_label(context: &PageContext, purpose: Purpose) -> &'static str {
    context.t(match purpose {
        Purpose::CommunicationWebcare => Key::PurposeWebcare,
        Purpose::TrendPolicyAnalysis => Key::PurposeTrend,
        Purpose::PublicOrderGeneralPicture => Key::PurposePublicOrder,
    })
}

/// The label of a purpose code as the service reports it (`trend_policy_analysis`); the code
/// itself when unknown.
pub(crate) fn purpose_code_label(context: &PageContext, code: &str) -> String {
    code.parse::<Purpose>()
        .map(|purpose| purpose_label(context, purpose).to_string())
        .unwrap_or_else(|_| code.to_string())
}
