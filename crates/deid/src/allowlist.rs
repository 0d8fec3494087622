//! What is *not* personal data although it looks like it: organisations' accounts, functional
//! mailboxes, organisational service numbers, organisations' own addresses, and (only through an
//! organisation's own allow-list, with justification) names of public office holders.
//!
//! The default lists live in `data/organisation-handles.txt` and `data/functional-mailboxes.txt`
//! (written by hand for Peil, EUPL-1.2) and are compiled into the binary. Look-ups do not allocate
//! for ASCII input of ordinary length.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

/// FNV-1a: a fast, non-cryptographic hash for the short, fixed word lists below (the lists are
/// compiled in, so hash flooding is not a concern).
#[derive(Default, Clone, Copy)]
struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A set of words with cheap look-ups by `&str`.
#[derive(Debug, Clone, Default)]
struct WordSet {
    words: HashSet<String, BuildHasherDefault<FnvHasher>>,
}

impl WordSet {
    fn insert(&mut self, word: String) {
        self.words.insert(word);
    }

    fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = &String> {
        self.words.iter()
    }
}

impl FromIterator<String> for WordSet {
    fn from_iter<I: IntoIterator<Item = String>>(entries: I) -> Self {
        WordSet {
            words: entries.into_iter().collect(),
        }
    }
}

/// Accounts of Dutch public bodies, news organisations, parties and large public-service
/// organisations (one per line, `#` comments), compared case-insensitively without `@`.
const DEFAULT_ORGANISATION_HANDLES: &str = include_str!("../data/organisation-handles.txt");

/// Functional mailbox local parts, and `suffix:` lines for words that name an organisation.
const DEFAULT_FUNCTIONAL_MAILBOXES: &str = include_str!("../data/functional-mailboxes.txt");

/// Handles that start with one of these words are accounts of public bodies (`@gemeenteAlmere`,
/// `@politie_zeist`, `@provincieNH`, `@ggdhm`, `@brandweer_adam`), unless the word continues into
/// another one (see `ORGANISATION_HANDLE_PREFIX_EXCEPTIONS`).
const ORGANISATION_HANDLE_PREFIXES: &[&str] = &[
    "gemeente",
    "gem_",
    "provincie",
    "politie",
    "brandweer",
    "ggd",
    "veiligheidsregio",
    "waterschap",
    "hoogheemraadschap",
    "wetterskip",
    "omroep",
    "rtv",
    "ministerie",
    "stadsdeel",
    "rijkswaterstaat",
    "rws_",
    "nos_",
    "rivm_",
    "npo_",
    "knmi_",
];

/// Handles that end with one of these words are accounts of institutions or news desks
/// (`@AuschwitzMuseum`, `@uwvnieuws`).
const ORGANISATION_HANDLE_SUFFIXES: &[&str] =
    &["museum", "nieuws", "_nieuws", "omroep", "gemeente"];

/// Beginnings that look like an organisational prefix but are ordinary words of persons' handles
/// (`@politiekjunkie`, `@gemeenteraadslid_jan`).
const ORGANISATION_HANDLE_PREFIX_EXCEPTIONS: &[&str] =
    &["politiek", "gemeenteraadslid", "gemeenteraadslidmaatschap"];

/// The longest ASCII text that the look-ups lower-case on the stack.
const STACK_LOWERCASE_BYTES: usize = 128;

/// The allow-list a `Deidentifier` consults before redacting.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    handles: WordSet,
    organisation_handle_prefixes: bool,
    mailbox_local_parts: WordSet,
    mailbox_suffixes: Vec<String>,
    addresses: WordSet,
    persons: WordSet,
}

/// The entries of a list file: trimmed, lower-cased, without comments and empty lines.
fn list_entries(list: &str) -> impl Iterator<Item = String> + '_ {
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_lowercase)
}

/// Calls `action` with `text` lower-cased, on the stack when it is short ASCII.
fn with_lowercase<R>(text: &str, action: impl FnOnce(&str) -> R) -> R {
    let bytes = text.as_bytes();
    if bytes.len() <= STACK_LOWERCASE_BYTES && bytes.is_ascii() {
        let mut buffer = [0u8; STACK_LOWERCASE_BYTES];
        let Some(target) = buffer.get_mut(..bytes.len()) else {
            return action(&text.to_lowercase());
        };
        target.copy_from_slice(bytes);
        target.make_ascii_lowercase();
        return match std::str::from_utf8(target) {
            Ok(lower) => action(lower),
            Err(_) => action(&text.to_lowercase()),
        };
    }
    action(&text.to_lowercase())
}

fn normalise_handle(handle: &str) -> &str {
    handle.trim().trim_start_matches('@')
}

fn normalise_address(address: &str) -> String {
    address
        .split(|character: char| character.is_whitespace() || character == ',')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl AllowList {
    /// Peil's defaults: Dutch public bodies' and news organisations' accounts (listed, and by
    /// organisational prefix) and functional mailboxes. Organisational service numbers are
    /// recognised by pattern (`is_service_number`).
    pub fn dutch_defaults() -> AllowList {
        let mut mailbox_local_parts = WordSet::default();
        let mut mailbox_suffixes = Vec::new();
        for entry in list_entries(DEFAULT_FUNCTIONAL_MAILBOXES) {
            match entry.strip_prefix("suffix:") {
                Some(suffix) => mailbox_suffixes.push(suffix.to_string()),
                None => {
                    mailbox_local_parts.insert(entry);
                }
            }
        }
        AllowList {
            handles: list_entries(DEFAULT_ORGANISATION_HANDLES).collect(),
            organisation_handle_prefixes: true,
            mailbox_local_parts,
            mailbox_suffixes,
            addresses: WordSet::default(),
            persons: WordSet::default(),
        }
    }

    /// An allow-list that keeps nothing readable (for tests and strict settings).
    pub fn empty() -> AllowList {
        AllowList::default()
    }

    /// Adds an organisation's own account (with or without `@`).
    pub fn add_handle(&mut self, handle: &str) {
        let normalised = normalise_handle(handle).to_lowercase();
        if !normalised.is_empty() {
            self.handles.insert(normalised);
        }
    }

    /// Adds a functional mailbox: a whole address (`meldpunt@voorbeeld.nl`) or a local part.
    pub fn add_mailbox(&mut self, mailbox: &str) {
        let local_part = mailbox.split('@').next().unwrap_or_default().trim();
        if !local_part.is_empty() {
            self.mailbox_local_parts.insert(local_part.to_lowercase());
        }
    }

    /// Adds an organisation's own visiting or postal address (`Stadsplateau 1`), which then stays
    /// readable wherever it is written.
    pub fn add_address(&mut self, address: &str) {
        let normalised = normalise_address(address);
        if !normalised.is_empty() {
            self.addresses.insert(normalised);
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

    /// Whether `handle` (with or without `@`; Mastodon `@user@instance` and Bluesky
    /// `user.bsky.social` allowed) is an organisational account.
    pub fn allows_handle(&self, handle: &str) -> bool {
        let normalised = normalise_handle(handle);
        if normalised.is_empty() {
            return false;
        }
        with_lowercase(normalised, |lower| {
            if self.allows_lowercase_account(lower) {
                return true;
            }
            let user = lower.split('@').next().unwrap_or_default();
            if user != lower && self.allows_lowercase_account(user) {
                return true;
            }
            let first_label = user.split('.').next().unwrap_or_default();
            first_label != user && self.allows_lowercase_account(first_label)
        })
    }

    fn allows_lowercase_account(&self, account: &str) -> bool {
        if account.is_empty() {
            return false;
        }
        if self.handles.contains(account) {
            return true;
        }
        if !self.organisation_handle_prefixes {
            return false;
        }
        let starts_with_exception = ORGANISATION_HANDLE_PREFIX_EXCEPTIONS
            .iter()
            .any(|exception| account.starts_with(exception));
        if starts_with_exception {
            return false;
        }
        ORGANISATION_HANDLE_PREFIXES
            .iter()
            .any(|prefix| account.starts_with(prefix))
            || ORGANISATION_HANDLE_SUFFIXES
                .iter()
                .any(|suffix| account.len() > suffix.len() && account.ends_with(suffix))
    }

    /// Whether `address` is a functional mailbox (`info@…`, `klantcontact@…`).
    pub fn allows_email(&self, address: &str) -> bool {
        let local_part = address.split('@').next().unwrap_or_default();
        self.allows_mailbox_local_part(local_part)
    }

    /// Whether the local part of an address (before the `@`, or before a spelled-out `[at]`)
    /// names a functional mailbox: its first part (split on `.`, `_`, `-`, `+`) is a listed
    /// mailbox word, ends in a word naming an organisation, or the whole local part was added.
    pub fn allows_mailbox_local_part(&self, local_part: &str) -> bool {
        let local_part = local_part.trim();
        if local_part.is_empty() {
            return false;
        }
        with_lowercase(local_part, |lower| {
            if self.mailbox_local_parts.contains(lower) {
                return true;
            }
            let first_part = lower.split(['.', '_', '-', '+']).next().unwrap_or_default();
            if first_part.is_empty() {
                return false;
            }
            if self.mailbox_local_parts.contains(first_part) {
                return true;
            }
            self.mailbox_suffixes
                .iter()
                .any(|suffix| first_part.len() > suffix.len() && first_part.ends_with(suffix))
        })
    }

    /// Whether `address` (street and number, as written) is an organisation's own address added
    /// with `add_address`.
    pub fn allows_address(&self, address: &str) -> bool {
        if self.addresses.is_empty() {
            return false;
        }
        let normalised = normalise_address(address);
        self.addresses.contains(&normalised)
            || self
                .addresses
                .iter()
                .any(|allowed| normalised.starts_with(allowed.as_str()))
    }

    /// Whether `name` is an allowed public office holder.
    pub fn allows_person(&self, name: &str) -> bool {
        if self.persons.is_empty() {
            return false;
        }
        self.persons.contains(&name.trim().to_lowercase())
    }

    /// Whether the digits of a phone number (national `0…`, or international `0031…`/`31…`)
    /// form an organisational service number: 0800/0900/0906/0909 numbers and the municipal
    /// 14 + area code numbers (`14 030`).
    pub fn is_service_number(digits: &str) -> bool {
        let after_country_code = digits
            .strip_prefix("0031")
            .or_else(|| digits.strip_prefix("31"));
        let (subscriber, national_length) = match after_country_code {
            Some(rest) => {
                let rest = rest.strip_prefix('0').unwrap_or(rest);
                (rest, rest.len() + 1)
            }
            None => match digits.strip_prefix('0') {
                Some(rest) => (rest, digits.len()),
                None => {
                    let municipal = digits.starts_with("14") && (5..=6).contains(&digits.len());
                    return municipal;
                }
            },
        };
        let premium = ["800", "900", "906", "909"]
            .iter()
            .any(|prefix| subscriber.starts_with(prefix));
        let municipal = subscriber.starts_with("140") && (5..=6).contains(&national_length);
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
        assert!(AllowList::is_service_number("0031900123456"));
        assert!(!AllowList::is_service_number("0612345678"));
        assert!(!AllowList::is_service_number("31612345678"));
    }

    #[test]
    fn organisational_prefixes_and_listed_accounts() {
        let allow = AllowList::dutch_defaults();
        for handle in [
            "@politie_zeist",
            "@gemeenteAlmere",
            "@Gemeente_Amsterdam",
            "@provincieNH",
            "@NS_online",
            "@Qbuzz",
            "@SVB_nl",
            "@Rijkswaterstaat",
            "@brandweer",
            "@NOS",
            "@VPROTegenlicht",
            "@SPnl",
            "rivm.bsky.social",
            "@nos@mastodon.nl",
            "@Het_OM",
            "@AuschwitzMuseum",
            "@dtvnieuws",
        ] {
            assert!(allow.allows_handle(handle), "{handle}");
        }
        for handle in [
            "@wethouderKramer",
            "@phendriks_nl",
            "@politiekjunkie",
            "@femke_bouwt",
            "@anouk@mastodon.social",
            "hannah-kuiper.bsky.social",
            "@",
            "",
        ] {
            assert!(!allow.allows_handle(handle), "{handle}");
        }
        assert!(!AllowList::empty().allows_handle("@gemeenteutrecht"));
    }

    #[test]
    fn functional_mailboxes() {
        let mut allow = AllowList::dutch_defaults();
        assert!(allow.allows_mailbox_local_part("repaircafe.zeist"));
        assert!(allow.allows_mailbox_local_part("buurtvereniging_oost"));
        assert!(allow.allows_mailbox_local_part("nieuwsbrief"));
        assert!(!allow.allows_mailbox_local_part("annemarie.wijkraad"));
        assert!(!allow.allows_mailbox_local_part("nijhuis"));
        assert!(!allow.allows_mailbox_local_part("koenraad"));
        assert!(!allow.allows_mailbox_local_part("j.postma"));
        allow.add_mailbox("Meldpunt.Overlast@voorbeeld.nl");
        assert!(allow.allows_email("meldpunt.overlast@voorbeeld.nl"));
    }

    #[test]
    fn organisations_add_their_addresses_and_office_holders() {
        let mut allow = AllowList::dutch_defaults();
        assert!(!allow.allows_address("Stadsplateau 1"));
        allow.add_address("Stadsplateau  1");
        assert!(allow.allows_address("stadsplateau 1"));
        assert!(allow.allows_address("Stadsplateau 1, 3521 AZ Utrecht"));
        allow.add_person("Burgemeester Voorbeeld");
        assert!(allow.allows_person(" burgemeester voorbeeld "));
    }

    #[test]
    fn non_ascii_and_long_input_is_handled() {
        let allow = AllowList::dutch_defaults();
        assert!(!allow.allows_handle("@ëlise"));
        let long = "a".repeat(500);
        assert!(!allow.allows_handle(&long));
        assert!(!allow.allows_mailbox_local_part(&long));
    }
}
