//! The allow-list of one organisation: Peil's defaults, the organisation's own accounts (from its
//! workspaces) and its allow-list entries (other accounts, public office holders with
//! justification). Office holders allowed by one organisation are never readable in another's
//! data, so every organisation gets its own engine.

use peil_model::{AllowEntry, AllowKind};

use crate::{AllowList, Deidentifier};

/// Builds the allow-list of an organisation.
pub fn organisation_allow_list<'a>(
    own_accounts: impl IntoIterator<Item = &'a str>,
    entries: &[AllowEntry],
) -> AllowList {
    let mut allow = AllowList::dutch_defaults();
    for handle in own_accounts {
        allow.add_handle(handle);
    }
    for entry in entries {
        match entry.kind {
            AllowKind::Handle => allow.add_handle(&entry.value),
            AllowKind::Person => allow.add_person(&entry.value),
        }
    }
    allow
}

/// The de-identification engine of an organisation.
pub fn organisation_engine<'a>(
    own_accounts: impl IntoIterator<Item = &'a str>,
    entries: &[AllowEntry],
) -> Deidentifier {
    Deidentifier::with_allow_list(organisation_allow_list(own_accounts, entries))
}
