//! Building blocks the four documents share: how a workspace's purpose, sources, retention, end
//! date, lead and FG contact are stated, and the context (input, language, redactor) they are
//! stated in.
//!
//! Every configured free text passes through `Context::free_text`, which removes office-holder
//! names. This module must never put a configured text into a document any other way.

use peil_model::{Monitor, Purpose, Workspace};

use crate::document::{code, strong, text, Inline};
use crate::input::{detector_label, DocumentInput, Redactor, WorkspaceFacts};
use crate::vocabulary::{
    days, format_date, purpose_label, status_label, to_fill_marker, workspace_sources,
};
use crate::Language;

/// What every document builder works with.
pub(crate) struct Context<'input> {
    pub input: &'input DocumentInput,
    pub language: Language,
    redactor: Redactor,
}

impl<'input> Context<'input> {
    pub fn new(input: &'input DocumentInput, language: Language) -> Context<'input> {
        Context {
            input,
            language,
            redactor: Redactor::new(&input.allow_list, language),
        }
    }

    /// Picks the Dutch or English wording.
    pub fn say(&self, dutch: &str, english: &str) -> String {
        match self.language {
            Language::Nl => dutch.to_string(),
            Language::En => english.to_string(),
        }
    }

    /// A configured free text, trimmed, with office-holder names removed.
    pub fn free_text(&self, value: &str) -> String {
        self.redactor.redact(value.trim())
    }

    /// The organisation's name (never redacted: it is the controller).
    pub fn organisation_name(&self) -> String {
        self.input.organisation.name.trim().to_string()
    }

    pub fn workspace_name(&self, workspace: &Workspace) -> String {
        self.free_text(&workspace.name)
    }

    /// `Trend- en beleidsanalyse (trend_policy_analysis)`.
    pub fn purpose_inline(&self, purpose: Purpose) -> Vec<Inline> {
        vec![
            strong(purpose_label(purpose, self.language)),
            text(" ("),
            code(purpose.code()),
            text(")"),
        ]
    }

    pub fn status_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        vec![
            text(status_label(workspace.status, self.language)),
            text(" ("),
            code(workspace.status.code()),
            text(")"),
        ]
    }

    pub fn purpose_text_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        let purpose_text = self.free_text(&workspace.purpose_text);
        if purpose_text.is_empty() {
            return vec![Inline::ToFill(self.say(
                "omschrijving van het doel van deze werkruimte",
                "description of this workspace's purpose",
            ))];
        }
        vec![text(purpose_text)]
    }

    pub fn legal_basis_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        let basis = self.free_text(&workspace.legal_basis);
        if basis.is_empty() {
            return vec![Inline::ToFill(self.say("rechtsgrond", "legal basis"))];
        }
        vec![text(basis)]
    }

    /// The lead; `None` when the purpose needs none and none is set.
    pub fn lead_inline(&self, workspace: &Workspace) -> Option<Vec<Inline>> {
        let lead = workspace
            .lead
            .as_deref()
            .map(|value| self.free_text(value))
            .filter(|value| !value.is_empty());
        match lead {
            Some(value) => Some(vec![text(value)]),
            None if workspace.purpose.requires_lead() => Some(vec![Inline::ToFill(self.say(
                "aanleiding (verplicht voor dit doel)",
                "lead (required for this purpose)",
            ))]),
            None => None,
        }
    }

    pub fn end_date_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        match workspace.ends_at {
            Some(ends_at) => {
                let date = format_date(&ends_at, self.language);
                let still_open = workspace.status != peil_model::WorkspaceStatus::Closed;
                if still_open && ends_at < self.input.generated_at {
                    return vec![text(format!(
                        "{date} {}",
                        self.say("(verstreken)", "(passed)")
                    ))];
                }
                vec![text(date)]
            }
            None if workspace.purpose == Purpose::PublicOrderGeneralPicture => {
                vec![Inline::ToFill(self.say(
                    "einddatum (verplicht voor dit doel, uiterlijk 30 dagen na goedkeuring)",
                    "end date (required for this purpose, at most 30 days after approval)",
                ))]
            }
            None => vec![text(
                self.say("geen einddatum ingesteld", "no end date set"),
            )],
        }
    }

    pub fn fg_contact_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        let contact = workspace
            .fg_contact
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty());
        match contact {
            Some(value) => vec![text(value)],
            None => vec![Inline::ToFill(self.say(
                "contactgegevens van de functionaris gegevensbescherming (FG)",
                "contact details of the data protection officer (FG)",
            ))],
        }
    }

    /// The sources, by name; when the list is empty, every supported source, said so.
    pub fn sources_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        let labels: Vec<String> = workspace_sources(&workspace.allowed_sources, self.language)
            .into_iter()
            .map(|(_, label)| label)
            .collect();
        let mut inlines = vec![text(labels.join("; "))];
        if workspace.allowed_sources.is_empty() {
            inlines.push(text(self.say(
                " (alle bronnen die Peil ondersteunt; de werkruimte beperkt ze niet)",
                " (every source Peil supports; the workspace does not restrict them)",
            )));
        }
        inlines
    }

    pub fn own_accounts_inline(&self, workspace: &Workspace) -> Vec<Inline> {
        let accounts: Vec<&str> = workspace
            .own_accounts
            .iter()
            .map(|account| account.trim())
            .filter(|account| !account.is_empty())
            .collect();
        if accounts.is_empty() {
            return vec![text(self.say("geen", "none"))];
        }
        let mut inlines = Vec::new();
        for (position, account) in accounts.iter().enumerate() {
            if position > 0 {
                inlines.push(text(", "));
            }
            inlines.push(code(self.free_text(account)));
        }
        inlines
    }

    pub fn retention_posts(&self, workspace: &Workspace) -> String {
        days(workspace.retention_days_posts, self.language)
    }

    pub fn retention_aggregates(&self, workspace: &Workspace) -> String {
        days(workspace.retention_days_aggregates, self.language)
    }

    /// The query and justification of a monitor, redacted.
    pub fn monitor_cells(&self, monitor: &Monitor) -> (Vec<Inline>, Vec<Inline>) {
        let query = vec![code(self.free_text(&monitor.query))];
        let justification_text = self.free_text(&monitor.justification);
        let justification = if justification_text.is_empty() {
            vec![Inline::ToFill(self.say(
                "verantwoording van deze monitor",
                "justification of this monitor",
            ))]
        } else {
            vec![text(justification_text)]
        };
        (query, justification)
    }

    /// `namen van personen, accountnamen (@handles), …`.
    pub fn detectors_sentence(&self) -> String {
        let labels: Vec<&str> = self
            .input
            .safeguards
            .deidentification_detectors
            .iter()
            .map(|kind| detector_label(*kind, self.language))
            .collect();
        if labels.is_empty() {
            return to_fill_marker(
                self.language,
                &self.say(
                    "welke persoonsgegevens de-identificatie verwijdert",
                    "which personal data de-identification removes",
                ),
            );
        }
        labels.join(", ")
    }

    /// `maand` / `3 maanden` / `month` / `3 months`.
    pub fn key_period(&self) -> String {
        let months = self.input.safeguards.pseudonym_key_period_months;
        match (self.language, months) {
            (Language::Nl, 1) => "maand".to_string(),
            (Language::Nl, other) => format!("{other} maanden"),
            (Language::En, 1) => "month".to_string(),
            (Language::En, other) => format!("{other} months"),
        }
    }

    /// The security measures as configured, in one Dutch sentence; `k_clause` states the k.
    pub fn security_summary(&self, k_clause: &str) -> String {
        let safeguards = &self.input.safeguards;
        let mut measures = vec![
            "de-identificatie vóór opslag".to_string(),
            format!(
                "sleutel-pseudoniemen ({}) per werkruimte en per {}",
                safeguards.pseudonym_method.trim(),
                self.key_period()
            ),
            k_clause.to_string(),
        ];
        if safeguards.person_targeting_guard {
            measures.push("geen zoeken op personen (querybewaking)".to_string());
        }
        measures.push("rollen en FG-toezicht".to_string());
        if safeguards.audit_log.is_some() {
            measures.push("auditlog dat niet ongemerkt te veranderen is".to_string());
        }
        if safeguards.secure_deletion {
            measures.push("echt wissen na de bewaartermijn".to_string());
        }
        let sentence = measures.join("; ");
        let mut characters = sentence.chars();
        match characters.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), characters.as_str()),
            None => String::new(),
        }
    }

    /// The sentiment accuracy as configured, or a to-fill marker.
    pub fn sentiment_accuracy(&self) -> Vec<Inline> {
        let configured = match self.language {
            Language::Nl => self.input.safeguards.sentiment_accuracy_nl.as_deref(),
            Language::En => self.input.safeguards.sentiment_accuracy_en.as_deref(),
        };
        match configured.map(str::trim).filter(|value| !value.is_empty()) {
            Some(value) => vec![text(value)],
            None => vec![Inline::ToFill(self.say(
                "gemeten nauwkeurigheid van de sentimentbepaling (zie de kanttekening bij elke uitvoer van Peil)",
                "measured accuracy of sentiment (see the caveat on every Peil output)",
            ))],
        }
    }
}

/// The representativeness caveat every document carries (invariant 10).
pub(crate) fn representativeness(language: Language) -> &'static str {
    match language {
        Language::Nl => "Sociale media zijn niet representatief voor de bevolking: wie er post, is een selectie, en algoritmes van platforms bepalen mede wat zichtbaar is. De uitkomsten van Peil zijn een signaal, geen peiling.",
        Language::En => "Social media are not representative of the population: who posts is a selection, and platform algorithms shape what is visible. Peil's results are a signal, not a poll.",
    }
}

/// Monitors of a workspace that are active, in input order.
pub(crate) fn active_monitors(facts: &WorkspaceFacts) -> Vec<&Monitor> {
    facts.active_monitors().collect()
}
