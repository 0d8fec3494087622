//! What is *not* personal data although it looks like it: organisations' accounts, functional
//! mailboxes, organisational service numbers, and (only through an organisation's own allow-list,
//! with justification) names of public office holders.

use std::collections::HashSet;

/// Accounts of Dutch public bodies and news organisations that stay readable by default
/// (lower-case, without `@`). Organisations add their own with `AllowList::add_handle`.
const DEFAULT_ORGANISATION_HANDLES: &[&str] = &[
    "rijksoverheid",
    "rivm",
    "politie",
    "nos",
    "nosnieuws",
    "gemeenteutrecht",
    "gemeenteamsterdam",
    "gemeenterotterdam",
    "gemeentedenhaag",
    "denhaag",
    "amsterdam",
    "rotterdam",
    "utrecht",
    "minvws",
    "minbzk",
    "minfin",
    "minjenv",
    "minienw",
    "minocw",
    "minszw",
    "minlnv",
    "minezk",
    "defensie",
    "belastingdienst",
    "duo_nl",
    "uwv",
    "svb_nl",
    "cbs",
    "knmi",
    "rws_nieuws",
    "rijkswaterstaat",
    "brandweer",
    "nctv_nl",
    "ggd",
    "ggdghor",
    "veiligheidsregio",
    "112nieuws",
    "rtlnieuws",
    "nunl",
    "omroepbrabant",
    "rtvutrecht",
    "at5",
    "rtvnoord",
    "omroepgelderland",
    "ns_online",
    "prorail",
    "vng",
    "provincieutrecht",
    "waternet",
    "hdsr",
    "autoriteitpersoonsgegevens",
    "apnl",
    "nationaleombudsman",
    "tweedekamer",
    "eerstekamer",
    "raadvanstate",
    "coronavirus_nl",
];

/// Local parts of functional (non-personal) mailboxes.
const FUNCTIONAL_MAILBOXES: &[&str] = &[
    "info",
    "informatie",
    "contact",
    "klantcontact",
    "klantenservice",
    "service",
    "helpdesk",
    "support",
    "secretariaat",
    "communicatie",
    "pers",
    "press",
    "persvoorlichting",
    "redactie",
    "webcare",
    "noreply",
    "no-reply",
    "post",
    "postbus",
    "receptie",
    "balie",
    "meldpunt",
    "meldingen",
    "klachten",
    "bezwaar",
    "privacy",
    "fg",
    "avg",
    "gemeente",
    "griffie",
    "raad",
    "vacatures",
    "administratie",
    "facturen",
    "office",
    "hello",
    "hallo",
    "team",
    "admin",
];

/// The allow-list a `Deidentifier` consults before redacting.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    handles: HashSet<String>,
    mailbox_local_parts: HashSet<String>,
    persons: HashSet<String>,
}

fn normalise_handle(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_lowercase()
}

impl AllowList {
    /// Peil's defaults: Dutch public bodies' and news organisations' accounts and functional
    /// mailboxes. Organisational service numbers are recognised by pattern (`is_service_number`).
    pub fn dutch_defaults() -> AllowList {
        AllowList {
            handles: DEFAULT_ORGANISATION_HANDLES
                .iter()
                .map(|handle| handle.to_string())
                .collect(),
            mailbox_local_parts: FUNCTIONAL_MAILBOXES
                .iter()
                .map(|local| local.to_string())
                .collect(),
            persons: HashSet::new(),
        }
    }

    /// An allow-list that keeps nothing readable (for tests and strict settings).
    pub fn empty() -> AllowList {
        AllowList::default()
    }

    /// Adds an organisation's own account (with or without `@`).
    pub fn add_handle(&mut self, handle: &str) {
        let normalised = normalise_handle(handle);
        if !normalised.is_empty() {
            self.handles.insert(normalised);
        }
    }

    /// Adds the name of a public office holder the organisation allowed, with justification kept
    /// by the caller (visible to the FG).
    pub fn add_person(&mut self, name: &str) {
        let normalised = name.trim().to_lowercase();
        if !normalised.is_empty() {
            self.persons.insert(normalised);
        }
    }

    /// Whether `handle` (with or without `@`, Mastodon `@user@instance` allowed) is an
    /// organisational account.
    pub fn allows_handle(&self, handle: &str) -> bool {
        let normalised = normalise_handle(handle);
        let user = normalised.split('@').next().unwrap_or_default();
        self.handles.contains(&normalised) || self.handles.contains(user)
    }

    /// Whether `address` is a functional mailbox (`info@…`, `klantcontact@…`).
    pub fn allows_email(&self, address: &str) -> bool {
        let lower = address.to_lowercase();
        let local = lower.split('@').next().unwrap_or_default();
        self.mailbox_local_parts.contains(local)
    }

    /// Whether `name` is an allowed public office holder.
    pub fn allows_person(&self, name: &str) -> bool {
        self.persons.contains(&name.trim().to_lowercase())
    }

    /// Whether the digits of a phone number form an organisational service number: 0800/0900/
    /// 0906/0909 numbers and the municipal 14 + area code numbers (`14 030`).
    pub fn is_service_number(digits: &str) -> bool {
        let national = digits
            .strip_prefix("0031")
            .or_else(|| digits.strip_prefix("31"))
            .map(|rest| format!("0{rest}"))
            .unwrap_or_else(|| digits.to_string());
        let premium = ["0800", "0900", "0906", "0909"]
            .iter()
            .any(|prefix| national.starts_with(prefix));
        let municipal = national.starts_with("140") && (5..=6).contains(&national.len());
        premium || municipal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisational_identifiers_are_recognised() {
        let mut allow = AllowList::dutch_defaults();
        assert!(allow.allows_handle("@RIVM"));
        assert!(!allow.allows_handle("@pietjansen"));
        allow.add_handle("@Voorbeeldstad");
        assert!(allow.allows_handle("voorbeeldstad"));
        assert!(allow.allows_email("Info@utrecht.nl"));
        assert!(!allow.allows_email("j.jansen@utrecht.nl"));
        assert!(AllowList::is_service_number("08000543"));
        assert!(AllowList::is_service_number("14030"));
        assert!(!AllowList::is_service_number("0612345678"));
    }
}
