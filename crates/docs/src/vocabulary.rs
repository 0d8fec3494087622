//! The fixed wording the documents share: purposes explained in plain language, status labels,
//! source names, dates, and the marker for what only the organisation can fill in.
//!
//! Everything here is a fact of Peil itself (how a purpose is enforced, which sources exist). This
//! module must never state something about an organisation's own situation: that comes from the
//! configuration, or is left as a to-fill marker.

use chrono::{DateTime, Datelike, Timelike, Utc};
use peil_model::{Purpose, WorkspaceStatus};

use crate::Language;

/// Every source Peil supports, as `(source code, Dutch label, English label)`. An empty
/// `allowed_sources` list in a workspace means all of these.
pub const SUPPORTED_SOURCES: [(&str, &str, &str); 4] = [
    (
        "mastodon",
        "Mastodon (openbare berichten via de officiële API)",
        "Mastodon (public posts via the official API)",
    ),
    (
        "bluesky",
        "Bluesky (openbare berichten via de officiële API)",
        "Bluesky (public posts via the official API)",
    ),
    (
        "rss",
        "RSS/Atom-feeds (openbare feeds)",
        "RSS/Atom feeds (public feeds)",
    ),
    (
        "import",
        "Import van JSONL/CSV-bestanden (openbare berichten, door de organisatie aangeleverd)",
        "Import of JSONL/CSV files (public posts, supplied by the organisation)",
    ),
];

/// The readable name of a source code; unknown codes are shown as they are.
pub(crate) fn source_label(code: &str, language: Language) -> String {
    let normalised = code.trim().to_ascii_lowercase();
    let lookup_code = if normalised == "atom" {
        "rss"
    } else {
        normalised.as_str()
    };
    for (known_code, dutch, english) in SUPPORTED_SOURCES {
        if known_code == lookup_code {
            return match language {
                Language::Nl => dutch.to_string(),
                Language::En => english.to_string(),
            };
        }
    }
    code.trim().to_string()
}

/// The sources a workspace may use, as `(code, label)`: its own list, or every supported source
/// when the list is empty.
pub(crate) fn workspace_sources(
    allowed_sources: &[String],
    language: Language,
) -> Vec<(String, String)> {
    if allowed_sources.is_empty() {
        return SUPPORTED_SOURCES
            .iter()
            .map(|(code, _, _)| (code.to_string(), source_label(code, language)))
            .collect();
    }
    allowed_sources
        .iter()
        .map(|code| (code.trim().to_string(), source_label(code, language)))
        .collect()
}

/// Short name of a purpose.
pub(crate) fn purpose_label(purpose: Purpose, language: Language) -> &'static str {
    match (purpose, language) {
        (Purpose::CommunicationWebcare, Language::Nl) => "Communicatie en webcare",
        (Purpose::TrendPolicyAnalysis, Language::Nl) => "Trend- en beleidsanalyse",
        (Purpose::PublicOrderGeneralPicture, Language::Nl) => "Algemeen beeld openbare orde",
        (Purpose::CommunicationWebcare, Language::En) => "Communication and webcare",
        (Purpose::TrendPolicyAnalysis, Language::En) => "Trend and policy analysis",
        (Purpose::PublicOrderGeneralPicture, Language::En) => "General picture of public order",
    }
}

/// What a purpose means and what Peil lets it show, in plain language.
pub(crate) fn purpose_explanation(purpose: Purpose, language: Language) -> &'static str {
    match (purpose, language) {
        (Purpose::CommunicationWebcare, Language::Nl) => {
            "Berichten beantwoorden die mensen zelf aan de eigen accounts van de organisatie richten, zoals vragen en klachten. Alleen berichten aan die eigen accounts worden getoond, alleen aan medewerkers met de rol webcare, en ze worden kort bewaard."
        }
        (Purpose::TrendPolicyAnalysis, Language::Nl) => {
            "Volgen hoeveel en hoe er in openbare berichten over een beleidsonderwerp wordt gesproken, om beleid en communicatie te verbeteren. De uitkomsten zijn totalen: aantallen, onderwerpen en stemming, met hooguit drie voorbeeldcitaten waaruit persoonsgegevens zijn verwijderd."
        }
        (Purpose::PublicOrderGeneralPicture, Language::Nl) => {
            "Bij een concrete aanleiding, zoals een aangekondigde demonstratie of een groot evenement, tijdelijk een algemeen beeld krijgen van wat daarover in openbare berichten speelt, voor de taak van het bevoegd gezag voor de openbare orde. Alleen totalen, geen berichten of citaten; de functionaris gegevensbescherming (FG) moet de werkruimte goedkeuren, er moet een aanleiding zijn en de werkruimte loopt af op een einddatum."
        }
        (Purpose::CommunicationWebcare, Language::En) => {
            "Answering messages that people address to the organisation's own accounts themselves, such as questions and complaints. Only messages to those own accounts are shown, only to staff with the webcare role, and they are kept briefly."
        }
        (Purpose::TrendPolicyAnalysis, Language::En) => {
            "Following how much and how a policy topic is discussed in public posts, to improve policy and communication. The results are totals: counts, topics and sentiment, with at most three example quotes from which personal data has been removed."
        }
        (Purpose::PublicOrderGeneralPicture, Language::En) => {
            "With a concrete lead, such as an announced demonstration or a large event, temporarily getting a general picture of what is said about it in public posts, for the competent authority's task for public order. Totals only, no posts or quotes; the data protection officer (FG) must approve the workspace, there must be a lead, and the workspace ends on an end date."
        }
    }
}

/// Readable status of a workspace.
pub(crate) fn status_label(status: WorkspaceStatus, language: Language) -> &'static str {
    match (status, language) {
        (WorkspaceStatus::Draft, Language::Nl) => "concept",
        (WorkspaceStatus::Approved, Language::Nl) => "goedgekeurd, nog niet gestart",
        (WorkspaceStatus::Active, Language::Nl) => "actief",
        (WorkspaceStatus::Closed, Language::Nl) => "afgerond (gesloten)",
        (WorkspaceStatus::Draft, Language::En) => "draft",
        (WorkspaceStatus::Approved, Language::En) => "approved, not yet started",
        (WorkspaceStatus::Active, Language::En) => "active",
        (WorkspaceStatus::Closed, Language::En) => "completed (closed)",
    }
}

/// The visible marker for what only the organisation can state.
pub(crate) fn to_fill_marker(language: Language, what: &str) -> String {
    match language {
        Language::Nl => format!("[IN TE VULLEN DOOR DE ORGANISATIE: {what}]"),
        Language::En => format!("[TO BE COMPLETED BY THE ORGANISATION: {what}]"),
    }
}

const DUTCH_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date such as `12 mei 2025` / `12 May 2025` (UTC).
pub(crate) fn format_date(moment: &DateTime<Utc>, language: Language) -> String {
    let month_index = usize::try_from(moment.month0()).unwrap_or(0);
    let month_name = match language {
        Language::Nl => DUTCH_MONTHS.get(month_index).copied().unwrap_or("?"),
        Language::En => ENGLISH_MONTHS.get(month_index).copied().unwrap_or("?"),
    };
    format!("{} {} {}", moment.day(), month_name, moment.year())
}

/// A date and time such as `12 mei 2025, 14:03 UTC`.
pub(crate) fn format_date_time(moment: &DateTime<Utc>, language: Language) -> String {
    format!(
        "{}, {:02}:{:02} UTC",
        format_date(moment, language),
        moment.hour(),
        moment.minute()
    )
}

/// `1 dag` / `30 dagen` / `1 day` / `30 days`.
pub(crate) fn days(count: u32, language: Language) -> String {
    match (language, count) {
        (Language::Nl, 1) => "1 dag".to_string(),
        (Language::Nl, other) => format!("{other} dagen"),
        (Language::En, 1) => "1 day".to_string(),
        (Language::En, other) => format!("{other} days"),
    }
}

/// `1 naam` / `3 namen` / `1 name` / `3 names`.
pub(crate) fn names_count(count: usize, language: Language) -> String {
    match (language, count) {
        (Language::Nl, 1) => "1 naam".to_string(),
        (Language::Nl, other) => format!("{other} namen"),
        (Language::En, 1) => "1 name".to_string(),
        (Language::En, other) => format!("{other} names"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_read_naturally() {
        let Some(moment) = Utc.with_ymd_and_hms(2025, 5, 12, 14, 3, 0).single() else {
            panic!("valid test date");
        };
        assert_eq!(format_date(&moment, Language::Nl), "12 mei 2025");
        assert_eq!(
            format_date_time(&moment, Language::En),
            "12 May 2025, 14:03 UTC"
        );
    }

    #[test]
    fn empty_source_list_means_every_supported_source() {
        let all = workspace_sources(&[], Language::Nl);
        assert_eq!(all.len(), SUPPORTED_SOURCES.len());
        let one = workspace_sources(&["Mastodon".to_string()], Language::En);
        assert_eq!(one[0].1, "Mastodon (public posts via the official API)");
        assert_eq!(source_label("demo", Language::Nl), "demo");
    }
}
