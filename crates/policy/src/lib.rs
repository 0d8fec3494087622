//! Peil's rules on the request path (DESIGN.md invariants 2, 4, 6 and 10): which monitors may be
//! added, the query guard in front of every query and monitor (`guard/`), what each purpose may
//! show, and the caveat block every output carries.
//!
//! This crate decides; it never stores. It must never let a person-targeting monitor through, and
//! it must never produce an output without its caveat.

mod caveat;
mod guard;
mod monitor;

pub use caveat::{Caveat, SENTIMENT_ACCURACY_NL, SENTIMENT_ACCURACY_NOTE};
pub use guard::{
    allow_list_overview, refusal_for, validate_allow_entry, AllowListLine, GuardFinding,
    IdentifierKind, NameForm, QueryGuard,
};
pub use monitor::{
    admit_monitor, check_monitor_query, refuse_person_targeting, screen_query, QueryCheckReason,
    Refusal,
};

use peil_model::Purpose;

/// Whether a purpose may show de-identified example quotes next to aggregates (invariant 6):
/// `trend_policy_analysis` a few, `public_order_general_picture` none, `communication_webcare`
/// shows the messages addressed to the organisation's own accounts instead.
pub fn example_quotes_allowed(purpose: Purpose) -> usize {
    match purpose {
        Purpose::TrendPolicyAnalysis => 3,
        Purpose::PublicOrderGeneralPicture => 0,
        Purpose::CommunicationWebcare => 0,
    }
}
