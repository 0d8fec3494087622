//! The query guard (DESIGN.md invariant 4): in front of every query and monitor it refuses
//! search text that targets a person, and explains in Dutch and English what kind of thing was
//! found and what the analyst may search for instead.
//!
//! It refuses person operators (`author:`, `from:`, `user:`, `mention:`, `to:` …), @handles and
//! user names without `@` (except the organisation's own accounts and listed organisations),
//! profile URLs, e-mail addresses, phone numbers, street plus house number, pseudonym-like ids,
//! other personal numbers, and person names however written (see `person_names.rs`). It does
//! not refuse topics, places, organisations, policies and events. Names of public office holders
//! pass only through the organisation's allow-list (`AllowEntry` of kind `Person`, whose
//! justification the FG sees).
//!
//! Query text is not a sentence, so the guard analyses the query itself (`query_words.rs`): its
//! words, which stand next to each other, and which must occur together in a matching post.
//!
//! The guard must never log, print, store or put into an error the query text or any part of it:
//! a refusal names the kind of thing found, never the thing.

mod allow_list;
mod identifiers;
mod known_entities;
mod name_words;
mod person_names;
mod query_words;

use std::sync::LazyLock;

use peil_deid::AllowList;
use peil_model::{AllowEntry, AllowKind, Workspace};

pub use allow_list::{allow_list_overview, validate_allow_entry, AllowListLine};
pub use identifiers::IdentifierKind;
pub use person_names::NameForm;

use crate::monitor::Refusal;
use person_names::{find_person_name, AllowedPersons};
use query_words::QueryWords;

/// Peil's default allow-list (organisations' accounts, functional mailboxes), parsed once; each
/// guard adds its organisation's own accounts and entries to a copy, as
/// `peil_deid::organisation_allow_list` does.
static DUTCH_DEFAULT_ALLOW_LIST: LazyLock<AllowList> = LazyLock::new(AllowList::dutch_defaults);

/// What the guard found that targets a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardFinding {
    /// An identifier: operator, handle, URL, e-mail address, phone number, address, id.
    Identifier(IdentifierKind),
    /// A person's name, and how it was written.
    PersonName(NameForm),
}

impl GuardFinding {
    /// A stable code for the kind of thing found (API answers, audit details); never the thing.
    pub fn code(self) -> &'static str {
        match self {
            GuardFinding::Identifier(IdentifierKind::PersonOperator) => "person_operator",
            GuardFinding::Identifier(IdentifierKind::Handle) => "handle",
            GuardFinding::Identifier(IdentifierKind::ProfileUrl) => "profile_url",
            GuardFinding::Identifier(IdentifierKind::Email) => "email",
            GuardFinding::Identifier(IdentifierKind::Phone) => "phone",
            GuardFinding::Identifier(IdentifierKind::Address) => "address",
            GuardFinding::Identifier(IdentifierKind::Pseudonym) => "pseudonym",
            GuardFinding::Identifier(IdentifierKind::PersonalNumber) => "personal_number",
            GuardFinding::PersonName(NameForm::UserName) => "user_name",
            GuardFinding::PersonName(_) => "person_name",
        }
    }
}

/// The query guard of one organisation: its own accounts and its allow-list.
#[derive(Debug, Clone)]
pub struct QueryGuard {
    allow: AllowList,
    allowed_persons: AllowedPersons,
}

impl QueryGuard {
    /// The guard of an organisation with `own_accounts` and allow-list `entries`.
    pub fn for_organisation<'a>(
        own_accounts: impl IntoIterator<Item = &'a str>,
        entries: &[AllowEntry],
    ) -> QueryGuard {
        let mut allowed_persons = AllowedPersons::default();
        for entry in entries {
            if entry.kind == AllowKind::Person {
                allowed_persons.add(&entry.value);
            }
        }
        let mut allow = DUTCH_DEFAULT_ALLOW_LIST.clone();
        for handle in own_accounts {
            allow.add_handle(handle);
        }
        for entry in entries {
            match entry.kind {
                AllowKind::Handle => allow.add_handle(&entry.value),
                AllowKind::Person => allow.add_person(&entry.value),
            }
        }
        QueryGuard {
            allow,
            allowed_persons,
        }
    }

    /// The guard of `workspace` (its own accounts) with the organisation's allow-list `entries`.
    pub fn for_workspace(workspace: &Workspace, entries: &[AllowEntry]) -> QueryGuard {
        QueryGuard::for_organisation(workspace.own_accounts.iter().map(String::as_str), entries)
    }

    /// The first thing in `query_text` that targets a person, if any.
    pub fn find(&self, query_text: &str) -> Option<GuardFinding> {
        if let Some(kind) = identifiers::find_identifier(query_text, &self.allow) {
            return Some(GuardFinding::Identifier(kind));
        }
        let query_words = QueryWords::split(query_text);
        find_person_name(&query_words, &self.allowed_persons, &self.allow)
            .map(GuardFinding::PersonName)
    }

    /// `Ok` when `query_text` targets no person; otherwise the refusal with its explanation.
    pub fn check(&self, query_text: &str) -> Result<(), Refusal> {
        match self.find(query_text) {
            None => Ok(()),
            Some(finding) => Err(refusal_for(finding)),
        }
    }
}

/// What was found, in Dutch and English (the kind, never the value).
fn what_was_found(finding: GuardFinding) -> (&'static str, &'static str) {
    match finding {
        GuardFinding::Identifier(IdentifierKind::PersonOperator) => (
            "een zoekoperator die op personen of accounts zoekt (zoals author:, from:, user:, mention: of to:)",
            "a search operator that looks for persons or accounts (such as author:, from:, user:, mention: or to:)",
        ),
        GuardFinding::Identifier(IdentifierKind::Handle) => (
            "een account van een persoon (@naam, of een Bluesky- of Mastodon-naam)",
            "a person's account (@name, or a Bluesky or Mastodon name)",
        ),
        GuardFinding::Identifier(IdentifierKind::ProfileUrl) => (
            "een link naar het profiel of account van een persoon",
            "a link to a person's profile or account",
        ),
        GuardFinding::Identifier(IdentifierKind::Email) => (
            "een e-mailadres van een persoon",
            "a person's e-mail address",
        ),
        GuardFinding::Identifier(IdentifierKind::Phone) => ("een telefoonnummer", "a phone number"),
        GuardFinding::Identifier(IdentifierKind::Address) => (
            "een adres (straat met huisnummer, of een volledige postcode)",
            "an address (street with house number, or a full postcode)",
        ),
        GuardFinding::Identifier(IdentifierKind::Pseudonym) => (
            "een pseudoniem of ander identificatienummer (een lange code of een lang nummer)",
            "a pseudonym or other identifier (a long code or a long number)",
        ),
        GuardFinding::Identifier(IdentifierKind::PersonalNumber) => (
            "een persoonsgebonden gegeven (BSN, rekeningnummer, kenteken, IP-adres of geboortedatum)",
            "personal data (citizen service number, bank account, licence plate, IP address or date of birth)",
        ),
        GuardFinding::PersonName(NameForm::FirstNameAndSurname) => (
            "een persoonsnaam (voornaam en achternaam, ook verdeeld over AND-termen)",
            "a person's name (first name and surname, also when split over AND terms)",
        ),
        GuardFinding::PersonName(NameForm::InitialsAndSurname) => (
            "een persoonsnaam (voorletters en achternaam)",
            "a person's name (initials and surname)",
        ),
        GuardFinding::PersonName(NameForm::TitleAndName) => (
            "een aanspreekvorm, functie of familierelatie met een naam, die naar één persoon wijst",
            "a form of address, role or family relation with a name, which points to one person",
        ),
        GuardFinding::PersonName(NameForm::SpacedOutLetters) => (
            "een persoonsnaam in losse of gescheiden letters",
            "a person's name written in spaced-out or separated letters",
        ),
        GuardFinding::PersonName(NameForm::OneWord) => (
            "een persoonsnaam die als één woord is geschreven",
            "a person's name written as one word",
        ),
        GuardFinding::PersonName(NameForm::UserName) => (
            "een gebruikersnaam van een persoon (ook zonder @)",
            "a person's user name (also without @)",
        ),
    }
}

/// What the analyst may search for instead, in Dutch and English.
fn what_is_allowed_instead(finding: GuardFinding) -> (&'static str, &'static str) {
    match finding {
        GuardFinding::Identifier(IdentifierKind::PersonOperator) => (
            "Zoek op het onderwerp van de berichten: woorden, \"zinsdelen\" of #hashtags, eventueel met lang: of source:.",
            "Search for the topic of the posts: words, \"phrases\" or #hashtags, optionally with lang: or source:.",
        ),
        GuardFinding::Identifier(IdentifierKind::Handle)
        | GuardFinding::PersonName(NameForm::UserName) => (
            "Zoek op het onderwerp, een plaats of een #hashtag. Accounts van de eigen organisatie en van organisaties op de allow-list zijn wel toegestaan.",
            "Search for the topic, a place or a #hashtag. The organisation's own accounts and organisations on the allow-list are allowed.",
        ),
        GuardFinding::Identifier(IdentifierKind::ProfileUrl) => (
            "Zoek op het onderwerp of een #hashtag; links naar nieuws- of overheidspagina's zijn wel toegestaan.",
            "Search for the topic or a #hashtag; links to news or government pages are allowed.",
        ),
        GuardFinding::Identifier(IdentifierKind::Email) => (
            "Zoek op het onderwerp; functionele adressen van organisaties (zoals info@…) zijn wel toegestaan.",
            "Search for the topic; functional addresses of organisations (such as info@…) are allowed.",
        ),
        GuardFinding::Identifier(IdentifierKind::Phone) => (
            "Zoek op het onderwerp; servicenummers van organisaties (0800, 0900, 14 + netnummer) zijn wel toegestaan.",
            "Search for the topic; service numbers of organisations (0800, 0900, 14 + area code) are allowed.",
        ),
        GuardFinding::Identifier(IdentifierKind::Address) => (
            "Zoek op de straat zonder huisnummer, de wijk of de plaats, samen met het onderwerp.",
            "Search for the street without house number, the neighbourhood or the place, together with the topic.",
        ),
        GuardFinding::Identifier(IdentifierKind::Pseudonym)
        | GuardFinding::Identifier(IdentifierKind::PersonalNumber) => (
            "Pseudoniemen en persoonsnummers zijn nooit doorzoekbaar; zoek op het onderwerp, een plaats of een #hashtag.",
            "Pseudonyms and personal numbers are never searchable; search for the topic, a place or a #hashtag.",
        ),
        GuardFinding::PersonName(_) => (
            "Zoek op het onderwerp, het beleid, de plaats, de organisatie of de gebeurtenis. Namen van ambtsdragers (zoals een burgemeester of wethouder) kunnen alleen via de allow-list van de organisatie, met een verantwoording die de FG ziet.",
            "Search for the topic, the policy, the place, the organisation or the event. Names of office holders (such as a mayor or alderman) are possible only through the organisation's allow-list, with a justification the FG sees.",
        ),
    }
}

/// The refusal for `finding`: what was found and what is allowed instead.
pub fn refusal_for(finding: GuardFinding) -> Refusal {
    let (dutch_what, english_what) = what_was_found(finding);
    let (dutch_instead, english_instead) = what_is_allowed_instead(finding);
    Refusal {
        dutch: format!(
            "Peil zoekt niet naar personen: de zoekvraag bevat {dutch_what}. {dutch_instead}"
        ),
        english: format!(
            "Peil does not search for persons: the query contains {english_what}. {english_instead}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn person_entry(name: &str) -> AllowEntry {
        AllowEntry {
            id: 1,
            organisation_id: 1,
            kind: AllowKind::Person,
            value: name.to_string(),
            justification: "burgemeester, publieke functie".to_string(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn refusals_explain_the_kind_without_repeating_the_query() {
        let guard = QueryGuard::for_organisation(["@gemeente"], &[]);
        let query_text = "\"Marloes Jansen\" AND afval";
        let Err(refusal) = guard.check(query_text) else {
            panic!("a name must be refused");
        };
        assert!(refusal.dutch.contains("persoonsnaam"));
        assert!(refusal.english.contains("person's name"));
        assert!(!refusal.dutch.contains("Marloes"));
        assert!(!refusal.english.contains("Jansen"));
        assert!(refusal.dutch.contains("Zoek op"));
    }

    #[test]
    fn own_accounts_and_allowed_office_holders_pass() {
        let guard =
            QueryGuard::for_organisation(["@gemeentezeist"], &[person_entry("Femke Halsema")]);
        assert_eq!(guard.find("@gemeentezeist AND afval"), None);
        assert_eq!(guard.find("\"Femke Halsema\" AND woningbouw"), None);
        assert_eq!(guard.find("\"burgemeester Halsema\" AND vuurwerk"), None);
        assert!(guard
            .find("\"burgemeester Aboutaleb\" AND vuurwerk")
            .is_some());
        assert!(guard.find("@pietjansen").is_some());
    }

    #[test]
    fn a_query_is_judged_quickly() {
        let guard = QueryGuard::for_organisation(["@gemeente"], &[]);
        let queries = [
            "thijs mulder woningnood",
            "\"Wet open overheid\" AND (woo OR openbaarheid) NOT Amsterdam",
            "k o e n  w i l l e m s",
            "afvalinzameling OR containers OR ondergrondse OR restafval OR gft OR verpakkingen",
        ];
        for query_text in queries {
            let _warm = guard.find(query_text);
        }
        let started = std::time::Instant::now();
        let rounds = 200;
        for _ in 0..rounds {
            for query_text in queries {
                let _finding = guard.find(query_text);
            }
        }
        let per_query = started.elapsed() / (rounds * queries.len() as u32);
        println!("query guard: {per_query:?} per query");
        let built = std::time::Instant::now();
        for _ in 0..rounds {
            let _guard = QueryGuard::for_organisation(["@gemeente"], &[]);
        }
        let per_build = built.elapsed() / rounds;
        println!("query guard: {per_build:?} to build for an organisation");
        assert!(
            per_build < std::time::Duration::from_millis(5),
            "{per_build:?}"
        );
        // Debug builds are slow; release builds judge a query in a few microseconds.
        assert!(
            per_query < std::time::Duration::from_millis(5),
            "{per_query:?}"
        );
    }
}
