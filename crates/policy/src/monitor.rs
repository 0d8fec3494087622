//! Admission of monitors: a monitor must be justified, must search for a topic (not only filters
//! or negations, which would store everything) and must not target a person.
//!
//! The person check is the query guard (`guard/`): identifiers, operators and person names
//! however written, with the organisation's own accounts and allow-list.
//!
//! Nothing here logs or stores query text; refusals name the kind of thing found, not the thing.

use peil_model::{AllowEntry, Workspace, WorkspaceStatus};
use peil_query::Query;

use crate::guard::QueryGuard;

/// Why a monitor was refused, in Dutch and English, with what is allowed instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{dutch} / {english}")]
pub struct Refusal {
    pub dutch: String,
    pub english: String,
}

fn refusal(dutch: &str, english: &str) -> Refusal {
    Refusal {
        dutch: dutch.to_string(),
        english: english.to_string(),
    }
}

/// Checks that `query` (already parsed from `query_text`) with `justification` may become a
/// monitor of `workspace`.
pub fn admit_monitor(
    workspace: &Workspace,
    allow_entries: &[AllowEntry],
    query_text: &str,
    query: &Query,
    justification: &str,
) -> Result<(), Refusal> {
    if justification.trim().is_empty() {
        return Err(refusal(
            "Een monitor heeft een verantwoording nodig (--why): waarom is deze zoekvraag nodig voor het doel van de werkruimte?",
            "A monitor needs a justification (--why): why is this search needed for the workspace's purpose?",
        ));
    }
    if workspace.status == WorkspaceStatus::Closed {
        return Err(closed_workspace_refusal());
    }
    if !query.has_positive_content() {
        return Err(no_topic_refusal());
    }
    refuse_person_targeting(workspace, allow_entries, query_text)?;
    Ok(())
}

fn closed_workspace_refusal() -> Refusal {
    refusal(
        "Deze werkruimte is gesloten; maak een nieuwe werkruimte voor nieuw werk.",
        "This workspace is closed; create a new workspace for new work.",
    )
}

fn no_topic_refusal() -> Refusal {
    refusal(
        "De zoekvraag moet minstens één onderwerp bevatten (een woord, \"zinsdeel\" of #hashtag); alleen filters of NOT zouden alle berichten opslaan.",
        "The query must contain at least one topic (a word, \"phrase\" or #hashtag); filters or NOT alone would store every post.",
    )
}

/// One reason why a typed query would not become a monitor: a stable code that names the kind
/// of problem (never the query or a part of it) and the explanation the submit path gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCheckReason {
    pub code: &'static str,
    pub refusal: Refusal,
}

/// What the monitor editor would answer on submit about `query_text` alone (the justification
/// is typed separately and checked on submit): the query guard, the parser and the purpose rules
/// (a closed workspace, a query without a topic). Empty when the query would be admitted. Saves
/// nothing and never puts the query text into a code.
pub fn check_monitor_query(
    workspace: &Workspace,
    allow_entries: &[AllowEntry],
    query_text: &str,
) -> Vec<QueryCheckReason> {
    let trimmed = query_text.trim();
    let mut reasons = Vec::new();
    if workspace.status == WorkspaceStatus::Closed {
        reasons.push(QueryCheckReason {
            code: "workspace_closed",
            refusal: closed_workspace_refusal(),
        });
    }
    if trimmed.is_empty() {
        reasons.push(QueryCheckReason {
            code: "empty_query",
            refusal: refusal(
                "een monitor heeft een zoekvraag nodig",
                "a monitor needs a query",
            ),
        });
        return reasons;
    }
    if let Some(finding) = QueryGuard::for_workspace(workspace, allow_entries).find(trimmed) {
        reasons.push(QueryCheckReason {
            code: finding.code(),
            refusal: crate::guard::refusal_for(finding),
        });
        return reasons;
    }
    match peil_query::parse(trimmed) {
        Err(error) if error.message.contains("niet op personen") => {
            reasons.push(QueryCheckReason {
                code: "person_operator",
                refusal: Refusal {
                    dutch: error.message.clone(),
                    english: error.message,
                },
            });
        }
        Err(error) => reasons.push(QueryCheckReason {
            code: "invalid_query",
            refusal: Refusal {
                dutch: format!("de zoekvraag is ongeldig: {}", error.message),
                english: format!("the query is invalid: {}", error.message),
            },
        }),
        Ok(query) if !query.has_positive_content() => reasons.push(QueryCheckReason {
            code: "no_topic",
            refusal: no_topic_refusal(),
        }),
        Ok(_) => {}
    }
    reasons
}

/// The whole query guard on raw query text: person-targeting content (below) and person
/// operators (`author:`, `from:` …, refused by the parser). Syntax errors are not refusals.
pub fn screen_query(
    workspace: &Workspace,
    allow_entries: &[AllowEntry],
    query_text: &str,
) -> Result<(), Refusal> {
    refuse_person_targeting(workspace, allow_entries, query_text)?;
    match peil_query::parse(query_text) {
        Err(error) if error.message.contains("niet op personen") => Err(Refusal {
            dutch: error.message.clone(),
            english: error.message,
        }),
        _ => Ok(()),
    }
}

/// Refuses query text that targets a person (the query guard, see [`crate::QueryGuard`]):
/// person operators, @handles and user names (other than the organisation's own accounts),
/// profile URLs, e-mail addresses, phone numbers, addresses, pseudonym-like ids and person names
/// however written (names of office holders on the allow-list pass). Runs on the raw query text,
/// before parsing, so the analyst gets this explanation rather than a syntax error.
pub fn refuse_person_targeting(
    workspace: &Workspace,
    allow_entries: &[AllowEntry],
    query_text: &str,
) -> Result<(), Refusal> {
    QueryGuard::for_workspace(workspace, allow_entries).check(query_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use peil_model::Purpose;

    fn workspace() -> Workspace {
        Workspace {
            id: 1,
            organisation_id: 1,
            name: "afval".into(),
            purpose: Purpose::TrendPolicyAnalysis,
            purpose_text: "afvalbeleid".into(),
            legal_basis: "AVG 6(1)(e)".into(),
            lead: None,
            retention_days_posts: 30,
            retention_days_aggregates: 365,
            k: 10,
            allowed_sources: vec![],
            own_accounts: vec!["@gemeente".into()],
            fg_contact: None,
            ends_at: None,
            status: WorkspaceStatus::Active,
            created_at: Utc::now(),
        }
    }

    fn admit(text: &str) -> Result<(), Refusal> {
        let Ok(query) = peil_query::parse(text) else {
            return Err(refusal("parse", "parse"));
        };
        admit_monitor(&workspace(), &[], text, &query, "afvalbeleid volgen")
    }

    #[test]
    fn topics_are_admitted() {
        assert_eq!(admit("afval OR #gft"), Ok(()));
        assert_eq!(admit("\"ondergrondse container\" lang:nl"), Ok(()));
        assert_eq!(admit("@gemeente afval"), Ok(()));
    }

    #[test]
    fn person_targeting_is_refused() {
        for text in [
            "@pietjansen",
            "afval jan@voorbeeld.nl",
            "0612345678",
            "https://x.com/piet",
        ] {
            assert!(admit(text).is_err(), "{text}");
        }
    }

    #[test]
    fn the_check_gives_the_submit_paths_verdict_with_a_code_and_never_the_query() {
        let codes = |text: &str| -> Vec<&'static str> {
            check_monitor_query(&workspace(), &[], text)
                .into_iter()
                .map(|reason| reason.code)
                .collect()
        };
        assert_eq!(codes("afval OR #gft"), Vec::<&str>::new());
        assert_eq!(codes("@gemeente afval"), Vec::<&str>::new());
        assert_eq!(codes("from:@jan OR afval"), vec!["person_operator"]);
        assert_eq!(codes("@pietjansen"), vec!["handle"]);
        assert_eq!(codes("afval jan@voorbeeld.nl"), vec!["email"]);
        assert_eq!(codes("0612345678"), vec!["phone"]);
        assert_eq!(codes("lang:nl"), vec!["no_topic"]);
        assert_eq!(codes("afval AND ("), vec!["invalid_query"]);
        assert_eq!(codes("   "), vec!["empty_query"]);
        let reasons = check_monitor_query(&workspace(), &[], "@pietjansen afval");
        let Some(reason) = reasons.first() else {
            panic!("a handle must be refused");
        };
        let Err(submitted) = admit("@pietjansen afval") else {
            panic!("the submit path must refuse it too");
        };
        assert_eq!(reason.refusal, submitted);
        assert!(!reason.refusal.dutch.contains("pietjansen"));
        let mut closed = workspace();
        closed.status = WorkspaceStatus::Closed;
        let closed_codes: Vec<&str> = check_monitor_query(&closed, &[], "afval")
            .into_iter()
            .map(|reason| reason.code)
            .collect();
        assert_eq!(closed_codes, vec!["workspace_closed"]);
    }

    #[test]
    fn filter_only_and_unjustified_monitors_are_refused() {
        assert!(admit("lang:nl").is_err());
        assert!(admit("NOT afval").is_err());
        let Ok(query) = peil_query::parse("afval") else {
            panic!("parse");
        };
        assert!(admit_monitor(&workspace(), &[], "afval", &query, "  ").is_err());
    }
}
