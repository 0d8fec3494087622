//! What the documents are generated from: the live configuration of one organisation (its
//! workspaces, monitors and allow-list) and the facts of the Peil installation (its safeguards).
//!
//! The allow-list is input only so that the names of office holders on it can be counted and
//! kept out of every document. This module must never hand such a name to a renderer, and must
//! never accept configuration of another organisation (DESIGN.md invariant 11).

use crate::{DocsError, Language};
use chrono::{DateTime, Utc};
use peil_model::{
    AllowEntry, AllowKind, Monitor, Organisation, PlaceholderKind, Workspace, WorkspaceStatus,
    MINIMUM_K,
};

/// Everything a document is generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInput {
    pub organisation: Organisation,
    pub workspaces: Vec<WorkspaceFacts>,
    /// The organisation's allow-list. Names of office holders (`AllowKind::Person`) are only
    /// counted and redacted from every free text; no document ever shows them.
    pub allow_list: Vec<AllowEntry>,
    pub generated_at: DateTime<Utc>,
    pub peil_version: String,
    pub safeguards: Safeguards,
}

/// One workspace with its monitors and a few live counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceFacts {
    pub workspace: Workspace,
    /// All monitors of the workspace; only active ones are "monitored topics".
    pub monitors: Vec<Monitor>,
    /// Posts stored now (stated in the DPIA only, never on a public document).
    pub posts_stored: u64,
    /// Pseudonym key periods whose key still exists (stated in the DPIA only).
    pub key_periods_live: usize,
}

impl WorkspaceFacts {
    /// The monitors that decide what is stored now.
    pub fn active_monitors(&self) -> impl Iterator<Item = &Monitor> {
        self.monitors.iter().filter(|monitor| monitor.active)
    }
}

/// The tamper-evident audit log as the installation runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLogFacts {
    /// E.g. `Merkle-boom volgens RFC 6962`.
    pub hash_tree: String,
    /// E.g. `Ed25519`.
    pub checkpoint_signature: String,
}

/// Facts of the Peil installation that the DPIA's part D (and the public pages) state as they
/// are, next to the per-workspace settings (k, retention) that come from each workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Safeguards {
    /// The kinds of personal data de-identification replaces by a placeholder before storage.
    pub deidentification_detectors: Vec<PlaceholderKind>,
    /// How author pseudonyms are made, e.g. `HMAC-SHA256`.
    pub pseudonym_method: String,
    /// Length of one pseudonym key period in months (1: a new key per workspace every month).
    pub pseudonym_key_period_months: u32,
    /// Whether pseudonym keys are kept apart from the data (a separate key store).
    pub keys_stored_apart: bool,
    /// The floor under every workspace's k.
    pub minimum_k: u32,
    /// Whether the query guard refuses person-targeting searches (DESIGN.md invariant 4).
    pub person_targeting_guard: bool,
    /// Whether expired data is really deleted (secure delete of database pages and WAL, index
    /// segments, exports).
    pub secure_deletion: bool,
    /// Whether Peil can drop future posts of a person who objects, via a keyed hash of their
    /// account (the account itself is not kept).
    pub objection_drop_by_keyed_hash: bool,
    /// The audit log, when the installation runs one.
    pub audit_log: Option<AuditLogFacts>,
    /// E.g. `ingebed (SQLite en tantivy)` or `PostgreSQL`.
    pub storage_backend: String,
    /// Where the installation runs, when the operator stated it.
    pub hosting_location: Option<String>,
    /// Who hosts or operates it as processor (verwerker), when stated.
    pub processor: Option<String>,
    /// Measured accuracy of sentiment, Dutch (e.g. `peil-policy`'s caveat text), when given.
    pub sentiment_accuracy_nl: Option<String>,
    /// The same in English.
    pub sentiment_accuracy_en: Option<String>,
}

impl Safeguards {
    /// The safeguards this version of Peil always runs with. Installation facts that Peil cannot
    /// know (hosting location, processor) stay `None`; the sentiment accuracy is left for the
    /// caller to pass from `peil-policy`'s caveat, so the measured figure has one source.
    pub fn peil_defaults() -> Safeguards {
        Safeguards {
            deidentification_detectors: vec![
                PlaceholderKind::Person,
                PlaceholderKind::Handle,
                PlaceholderKind::Url,
                PlaceholderKind::Email,
                PlaceholderKind::Phone,
                PlaceholderKind::Bsn,
                PlaceholderKind::Iban,
                PlaceholderKind::Postcode,
                PlaceholderKind::Address,
                PlaceholderKind::LicensePlate,
                PlaceholderKind::Ip,
                PlaceholderKind::DateOfBirth,
            ],
            pseudonym_method: "HMAC-SHA256".to_string(),
            pseudonym_key_period_months: 1,
            keys_stored_apart: true,
            minimum_k: MINIMUM_K,
            person_targeting_guard: true,
            secure_deletion: true,
            objection_drop_by_keyed_hash: true,
            audit_log: Some(AuditLogFacts {
                hash_tree: "Merkle-boom volgens RFC 6962".to_string(),
                checkpoint_signature: "Ed25519".to_string(),
            }),
            storage_backend: "ingebed (SQLite en tantivy)".to_string(),
            hosting_location: None,
            processor: None,
            sentiment_accuracy_nl: None,
            sentiment_accuracy_en: None,
        }
    }
}

/// Readable name of a kind of personal data that de-identification removes.
pub(crate) fn detector_label(kind: PlaceholderKind, language: Language) -> &'static str {
    match (kind, language) {
        (PlaceholderKind::Email, Language::Nl) => "e-mailadressen",
        (PlaceholderKind::Url, Language::Nl) => "links naar profielen",
        (PlaceholderKind::Handle, Language::Nl) => "accountnamen (@handles)",
        (PlaceholderKind::Phone, Language::Nl) => "telefoonnummers",
        (PlaceholderKind::Person, Language::Nl) => "namen van personen",
        (PlaceholderKind::Bsn, Language::Nl) => "burgerservicenummers",
        (PlaceholderKind::Iban, Language::Nl) => "IBAN-rekeningnummers",
        (PlaceholderKind::Postcode, Language::Nl) => "postcodes",
        (PlaceholderKind::Address, Language::Nl) => "adressen",
        (PlaceholderKind::LicensePlate, Language::Nl) => "kentekens",
        (PlaceholderKind::Ip, Language::Nl) => "IP-adressen",
        (PlaceholderKind::DateOfBirth, Language::Nl) => "geboortedata",
        (PlaceholderKind::Email, Language::En) => "e-mail addresses",
        (PlaceholderKind::Url, Language::En) => "links to profiles",
        (PlaceholderKind::Handle, Language::En) => "account names (@handles)",
        (PlaceholderKind::Phone, Language::En) => "phone numbers",
        (PlaceholderKind::Person, Language::En) => "names of persons",
        (PlaceholderKind::Bsn, Language::En) => "citizen service numbers (BSN)",
        (PlaceholderKind::Iban, Language::En) => "IBAN account numbers",
        (PlaceholderKind::Postcode, Language::En) => "postcodes",
        (PlaceholderKind::Address, Language::En) => "addresses",
        (PlaceholderKind::LicensePlate, Language::En) => "licence plates",
        (PlaceholderKind::Ip, Language::En) => "IP addresses",
        (PlaceholderKind::DateOfBirth, Language::En) => "dates of birth",
    }
}

impl DocumentInput {
    /// Checks that everything belongs to this organisation and satisfies the floors the
    /// documents state. Every render calls this first.
    pub fn validate(&self) -> Result<(), DocsError> {
        if self.organisation.name.trim().is_empty() {
            return Err(DocsError::EmptyOrganisationName);
        }
        if self.safeguards.minimum_k < MINIMUM_K {
            return Err(DocsError::KBelowFloor {
                workspace_id: None,
                k: self.safeguards.minimum_k,
                minimum: MINIMUM_K,
            });
        }
        for entry in &self.allow_list {
            if entry.organisation_id != self.organisation.id {
                return Err(DocsError::ForeignAllowEntry { entry_id: entry.id });
            }
        }
        for facts in &self.workspaces {
            let workspace = &facts.workspace;
            if workspace.organisation_id != self.organisation.id {
                return Err(DocsError::ForeignWorkspace {
                    workspace_id: workspace.id,
                });
            }
            let floor = self.safeguards.minimum_k.max(MINIMUM_K);
            if workspace.k < floor {
                return Err(DocsError::KBelowFloor {
                    workspace_id: Some(workspace.id),
                    k: workspace.k,
                    minimum: floor,
                });
            }
            for monitor in &facts.monitors {
                if monitor.workspace_id != workspace.id {
                    return Err(DocsError::ForeignMonitor {
                        monitor_id: monitor.id,
                        workspace_id: workspace.id,
                    });
                }
            }
        }
        Ok(())
    }

    /// How many office-holder names the allow-list holds.
    pub fn office_holder_count(&self) -> usize {
        self.allow_list
            .iter()
            .filter(|entry| entry.kind == AllowKind::Person)
            .count()
    }

    /// Workspaces with the given statuses, in input order.
    pub(crate) fn workspaces_with(&self, statuses: &[WorkspaceStatus]) -> Vec<&WorkspaceFacts> {
        self.workspaces
            .iter()
            .filter(|facts| statuses.contains(&facts.workspace.status))
            .collect()
    }

    /// The distinct FG contacts of the given workspaces, in order of first appearance.
    pub(crate) fn fg_contacts(&self, workspaces: &[&WorkspaceFacts]) -> Vec<String> {
        let mut contacts: Vec<String> = Vec::new();
        for facts in workspaces {
            let Some(contact) = facts.workspace.fg_contact.as_deref() else {
                continue;
            };
            let trimmed = contact.trim();
            if trimmed.is_empty() || contacts.iter().any(|known| known == trimmed) {
                continue;
            }
            contacts.push(trimmed.to_string());
        }
        contacts
    }
}

/// Replaces the names of office holders on the allow-list in free text, so that no document
/// carries them (a monitor may legitimately search for a mayor's name; the public page says that
/// an office holder is searched for, not who).
#[derive(Debug, Clone)]
pub(crate) struct Redactor {
    names: Vec<Vec<char>>,
    replacement: &'static str,
}

impl Redactor {
    pub fn new(allow_list: &[AllowEntry], language: Language) -> Redactor {
        let mut names: Vec<Vec<char>> = allow_list
            .iter()
            .filter(|entry| entry.kind == AllowKind::Person)
            .map(|entry| entry.value.trim().chars().collect::<Vec<char>>())
            .filter(|name| !name.is_empty())
            .collect();
        // Longest first, so that "Femke Halsema" wins over "Halsema".
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));
        let replacement = match language {
            Language::Nl => "[AMBTSDRAGER]",
            Language::En => "[OFFICE HOLDER]",
        };
        Redactor { names, replacement }
    }

    /// `text` with every allow-listed office-holder name (case-insensitive, whole words only)
    /// replaced.
    pub fn redact(&self, text: &str) -> String {
        if self.names.is_empty() {
            return text.to_string();
        }
        let characters: Vec<char> = text.chars().collect();
        let mut output = String::with_capacity(text.len());
        let mut position = 0usize;
        while position < characters.len() {
            let matched_length = self
                .names
                .iter()
                .find(|name| matches_name_at(&characters, position, name))
                .map(|name| name.len());
            match matched_length {
                Some(length) => {
                    output.push_str(self.replacement);
                    position += length;
                }
                None => {
                    output.push(characters[position]);
                    position += 1;
                }
            }
        }
        output
    }
}

fn matches_name_at(characters: &[char], start: usize, name: &[char]) -> bool {
    let end = start + name.len();
    if end > characters.len() {
        return false;
    }
    let before_is_word = start > 0 && characters[start - 1].is_alphanumeric();
    let after_is_word = characters
        .get(end)
        .is_some_and(|next| next.is_alphanumeric());
    if before_is_word || after_is_word {
        return false;
    }
    characters[start..end]
        .iter()
        .zip(name.iter())
        .all(|(left, right)| left.to_lowercase().eq(right.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn person(value: &str) -> AllowEntry {
        AllowEntry {
            id: 1,
            organisation_id: 1,
            kind: AllowKind::Person,
            value: value.to_string(),
            justification: "burgemeester".to_string(),
            created_at: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
        }
    }

    #[test]
    fn office_holder_names_are_redacted_as_whole_words() {
        let redactor = Redactor::new(&[person("Jan Jansen"), person("Jansen")], Language::Nl);
        assert_eq!(
            redactor.redact("\"jan jansen\" OR Jansen OR Jansenplein"),
            "\"[AMBTSDRAGER]\" OR [AMBTSDRAGER] OR Jansenplein"
        );
    }
}
