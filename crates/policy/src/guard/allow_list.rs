//! The organisation's allow-list as the query guard uses it: its own accounts and other
//! organisations' accounts (`AllowKind::Handle`) and names of public office holders
//! (`AllowKind::Person`), each with a justification that the FG sees.
//!
//! An entry without a justification is refused, and the FG's overview lists every entry with
//! its justification. This module must never add entries by itself or hide an entry from the FG.

use peil_model::{AllowEntry, AllowKind};

use crate::monitor::Refusal;

/// Fewest characters of a justification (a reason, not a placeholder such as `ok`).
const MIN_JUSTIFICATION_CHARACTERS: usize = 10;

/// One line of the FG's overview of the allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowListLine {
    /// `account` or `ambtsdrager` (office holder).
    pub kind_dutch: &'static str,
    /// `account` or `office holder`.
    pub kind_english: &'static str,
    /// The allowed account or name.
    pub value: String,
    /// Why it is allowed.
    pub justification: String,
    /// When it was added (RFC 3339).
    pub added_at: String,
}

/// Checks an allow-list entry before it is stored: a value and a real justification; a person
/// entry names an office holder with at least a surname and no account or address signs.
pub fn validate_allow_entry(
    kind: AllowKind,
    value: &str,
    justification: &str,
) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        return Err(Refusal {
            dutch: "Een allow-listregel heeft een waarde nodig: het account of de naam van de ambtsdrager.".to_string(),
            english: "An allow-list entry needs a value: the account or the office holder's name.".to_string(),
        });
    }
    if justification.trim().chars().count() < MIN_JUSTIFICATION_CHARACTERS {
        return Err(Refusal {
            dutch: "Een allow-listregel heeft een verantwoording nodig (de FG ziet die): waarom mag deze naam of dit account in zoekvragen staan, bijvoorbeeld 'burgemeester van de gemeente, publieke functie'.".to_string(),
            english: "An allow-list entry needs a justification (the FG sees it): why may this name or account appear in queries, e.g. 'mayor of the municipality, public office'.".to_string(),
        });
    }
    let looks_like_identifier = value.contains('@') || value.contains('/') || value.contains(':');
    if kind == AllowKind::Person && looks_like_identifier {
        return Err(Refusal {
            dutch: "Een ambtsdrager staat op de allow-list met naam (bijvoorbeeld 'Femke Halsema'); accounts horen bij het soort 'account'.".to_string(),
            english: "An office holder is allowed by name (e.g. 'Femke Halsema'); accounts belong to the kind 'account'.".to_string(),
        });
    }
    Ok(())
}

/// The FG's overview of the allow-list: every entry with its justification, in the order given.
pub fn allow_list_overview(entries: &[AllowEntry]) -> Vec<AllowListLine> {
    entries
        .iter()
        .map(|entry| {
            let (kind_dutch, kind_english) = match entry.kind {
                AllowKind::Handle => ("account", "account"),
                AllowKind::Person => ("ambtsdrager", "office holder"),
            };
            AllowListLine {
                kind_dutch,
                kind_english,
                value: entry.value.clone(),
                justification: entry.justification.clone(),
                added_at: entry.created_at.to_rfc3339(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_need_a_justification() {
        assert!(validate_allow_entry(AllowKind::Person, "Femke Halsema", "").is_err());
        assert!(validate_allow_entry(AllowKind::Person, "Femke Halsema", "ok").is_err());
        assert!(validate_allow_entry(
            AllowKind::Person,
            "@halsema",
            "burgemeester, publieke functie"
        )
        .is_err());
        assert!(validate_allow_entry(
            AllowKind::Person,
            "Femke Halsema",
            "burgemeester, publieke functie"
        )
        .is_ok());
        assert!(validate_allow_entry(
            AllowKind::Handle,
            "@gemeente",
            "eigen account van de gemeente"
        )
        .is_ok());
    }
}
