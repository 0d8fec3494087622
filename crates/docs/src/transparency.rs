//! The public transparency page of one organisation (DESIGN.md invariant 9), in Dutch or English,
//! as a document tree (for Markdown and HTML) and as JSON.
//!
//! Choice: the page lists workspaces that are `active` or `approved` (approved by the FG, about to
//! start) as current processing; `closed` workspaces appear in a separate section "Afgeronde
//! werkruimtes", because their data lives on until its retention ends; `draft` workspaces are not
//! shown, since nothing is collected for them. This module must never put personal data on the
//! page: office holders on the allow-list appear as a count, stored-post counts and pseudonym
//! facts are left to the internal DPIA.

use chrono::{DateTime, Utc};
use peil_model::WorkspaceStatus;
use serde::Serialize;

use crate::common::{active_monitors, representativeness, Context};
use crate::document::{plain, text, Document, Inline};
use crate::input::{detector_label, DocumentInput, WorkspaceFacts};
use crate::vocabulary::{
    format_date_time, names_count, purpose_explanation, purpose_label, status_label,
    to_fill_marker, workspace_sources,
};
use crate::{DocsError, Language};

/// The `schema` field of the transparency JSON.
pub const TRANSPARENCY_SCHEMA: &str = "peil.transparency/1";

const CURRENT_STATUSES: [WorkspaceStatus; 2] = [WorkspaceStatus::Active, WorkspaceStatus::Approved];
const COMPLETED_STATUSES: [WorkspaceStatus; 1] = [WorkspaceStatus::Closed];
const PUBLISHED_STATUSES: [WorkspaceStatus; 3] = [
    WorkspaceStatus::Active,
    WorkspaceStatus::Approved,
    WorkspaceStatus::Closed,
];

/// Builds the page.
pub(crate) fn build(input: &DocumentInput, language: Language) -> Document {
    let context = Context::new(input, language);
    let organisation = context.organisation_name();
    let mut document = Document::new(
        language,
        context.say(
            &format!("Transparantie over sociale-media-monitoring: {organisation}"),
            &format!("Transparency about social media monitoring: {organisation}"),
        ),
    );
    document.text(context.say(
        &format!("{organisation} volgt met Peil wat er in de samenleving leeft op openbare sociale media: hoeveel er over een onderwerp wordt gepost, welke onderwerpen spelen en wat de stemming is. Deze pagina vertelt welke werkruimtes daarvoor nu in gebruik zijn, met welk doel en op welke rechtsgrond, welke onderwerpen worden gevolgd, uit welke bronnen, hoe lang gegevens worden bewaard en hoe u bezwaar kunt maken."),
        &format!("{organisation} uses Peil to follow what lives in society on public social media: how much is posted about a topic, which topics come up and what the sentiment is. This page tells which workspaces are in use for this now, for which purpose and on which legal basis, which topics are followed, from which sources, how long data is kept and how you can object."),
    ));
    document.text(context.say(
        &format!(
            "Bijgewerkt op {}, gegenereerd uit de actuele configuratie door Peil {}.",
            format_date_time(&input.generated_at, language),
            input.peil_version.trim()
        ),
        &format!(
            "Updated on {}, generated from the live configuration by Peil {}.",
            format_date_time(&input.generated_at, language),
            input.peil_version.trim()
        ),
    ));

    push_what_we_do(&context, &mut document);
    push_current_workspaces(&context, &mut document);
    push_completed_workspaces(&context, &mut document);
    push_how_to_object(&context, &mut document);

    document.heading(2, context.say("Kanttekeningen", "Caveats"));
    document.text(representativeness(language));
    document.paragraph(context.sentiment_accuracy());
    document
}

fn push_what_we_do(context: &Context<'_>, document: &mut Document) {
    let safeguards = &context.input.safeguards;
    document.heading(
        2,
        context.say("Wat wij wel en niet doen", "What we do and do not do"),
    );
    let mut items: Vec<Vec<Inline>> = vec![
        plain(context.say(
            "Alleen openbare berichten, via de officiële koppelingen van de platforms of openbare feeds. Geen besloten groepen, geen privéberichten, geen nep-accounts.",
            "Only public posts, via the platforms' official interfaces or public feeds. No closed groups, no private messages, no fake accounts.",
        )),
        plain(context.say(
            "Alleen berichten die passen bij een gevolgd onderwerp (hieronder per werkruimte) worden bewaard; alle andere berichten worden direct weggegooid.",
            "Only posts that match a followed topic (listed per workspace below) are kept; every other post is dropped at once.",
        )),
        plain(context.say(
            &format!(
                "Persoonsgegevens in berichten worden verwijderd vóórdat er iets wordt opgeslagen ({}).",
                context.detectors_sentence()
            ),
            &format!(
                "Personal data in posts is removed before anything is stored ({}).",
                context.detectors_sentence()
            ),
        )),
        plain(context.say(
            &format!(
                "Wie een bericht schreef, wordt niet bewaard: alleen een pseudoniem met een geheime sleutel ({}) per werkruimte en per {}, om unieke auteurs te kunnen tellen. Pseudoniemen worden nooit getoond, en de sleutel wordt vernietigd als de bewaartermijn afloopt.",
                safeguards.pseudonym_method.trim(),
                context.key_period()
            ),
            &format!(
                "Who wrote a post is not kept: only a pseudonym under a secret key ({}) per workspace and per {}, to count distinct authors. Pseudonyms are never shown, and the key is destroyed when the retention period ends.",
                safeguards.pseudonym_method.trim(),
                context.key_period()
            ),
        )),
        plain(context.say(
            &format!(
                "Uitkomsten zijn totalen. Een getal over minder dan k verschillende auteurs wordt niet getoond; k is per werkruimte ingesteld en nooit lager dan {}.",
                safeguards.minimum_k
            ),
            &format!(
                "Results are totals. A figure about fewer than k distinct authors is not shown; k is set per workspace and never lower than {}.",
                safeguards.minimum_k
            ),
        )),
    ];
    if safeguards.person_targeting_guard {
        items.push(plain(context.say(
            "Er worden geen profielen van personen gemaakt en er wordt niet naar personen gezocht: zoekvragen op accounts, profiellinks, e-mailadressen, telefoonnummers of namen van personen worden door Peil geweigerd.",
            "No profiles of people are made and nobody is searched for: searches for accounts, profile links, e-mail addresses, phone numbers or names of persons are refused by Peil.",
        )));
    }
    items.push(plain(context.say(
        &format!(
            "Namen van publieke ambtsdragers (bijvoorbeeld een burgemeester) blijven alleen leesbaar of zoekbaar via een lijst met verantwoording die de FG kan inzien. Op die lijst staan nu {}; welke, staat niet op deze pagina (in zoekvragen hieronder staat dan [AMBTSDRAGER]).",
            names_count(context.input.office_holder_count(), Language::Nl)
        ),
        &format!(
            "Names of public office holders (for example a mayor) stay readable or searchable only through a list with a justification the FG can see. The list now holds {}; which ones is not on this page (in the searches below they read [OFFICE HOLDER]).",
            names_count(context.input.office_holder_count(), Language::En)
        ),
    )));
    if safeguards.audit_log.is_some() {
        items.push(plain(context.say(
            "Elke inlog, zoekvraag, export, wijziging en verwijdering wordt vastgelegd in een logboek dat niet ongemerkt te veranderen is en dat de FG kan controleren.",
            "Every login, search, export, change and deletion is recorded in a log that cannot be changed unnoticed and that the FG can verify.",
        )));
    }
    document.bullets(items);
}

fn push_current_workspaces(context: &Context<'_>, document: &mut Document) {
    let current = context.input.workspaces_with(&CURRENT_STATUSES);
    document.heading(2, context.say("Actieve werkruimtes", "Active workspaces"));
    document.text(context.say(
        "Een werkruimte is één verwerking met één doel. Hier staan de werkruimtes die actief zijn of door de FG zijn goedgekeurd en binnenkort starten. Werkruimtes in concept staan hier niet: daarvoor worden geen berichten verzameld.",
        "A workspace is one processing activity with one purpose. Listed here are the workspaces that are active or approved by the FG and about to start. Draft workspaces are not listed: no posts are collected for them.",
    ));
    if current.is_empty() {
        document.text(context.say(
            "Er zijn op dit moment geen actieve werkruimtes.",
            "There are no active workspaces at the moment.",
        ));
        return;
    }
    for facts in current {
        push_workspace(context, facts, document);
    }
}

fn push_workspace(context: &Context<'_>, facts: &WorkspaceFacts, document: &mut Document) {
    let workspace = &facts.workspace;
    let name = context.workspace_name(workspace);
    document.heading(3, name.clone());
    document.text(purpose_explanation(workspace.purpose, context.language));
    let mut rows: Vec<(String, Vec<Inline>)> = vec![
        (
            context.say("Doel", "Purpose"),
            context.purpose_inline(workspace.purpose),
        ),
        (
            context.say("Omschrijving van het doel", "Description of the purpose"),
            context.purpose_text_inline(workspace),
        ),
    ];
    if let Some(lead) = context.lead_inline(workspace) {
        rows.push((context.say("Aanleiding", "Lead"), lead));
    }
    rows.extend([
        (
            context.say("Rechtsgrond", "Legal basis"),
            context.legal_basis_inline(workspace),
        ),
        (
            context.say("Status", "Status"),
            context.status_inline(workspace),
        ),
        (
            context.say("Einddatum", "End date"),
            context.end_date_inline(workspace),
        ),
        (
            context.say("Bronnen", "Sources"),
            context.sources_inline(workspace),
        ),
        (
            context.say("Bewaartermijn berichten", "Retention of posts"),
            plain(context.retention_posts(workspace)),
        ),
        (
            context.say(
                "Bewaartermijn totalen (aggregaten)",
                "Retention of totals (aggregates)",
            ),
            plain(context.retention_aggregates(workspace)),
        ),
        (
            context.say("Minimale groepsgrootte (k)", "Minimum group size (k)"),
            plain(workspace.k.to_string()),
        ),
        (
            context.say("Eigen accounts", "Own accounts"),
            context.own_accounts_inline(workspace),
        ),
        (
            context.say("Contact FG", "FG contact"),
            context.fg_contact_inline(workspace),
        ),
    ]);
    document.facts(
        context.say(&format!("Werkruimte {name}"), &format!("Workspace {name}")),
        rows,
    );
    let monitors = active_monitors(facts);
    if monitors.is_empty() {
        document.text(context.say(
            "Deze werkruimte volgt nog geen onderwerpen.",
            "This workspace does not follow any topics yet.",
        ));
        return;
    }
    let rows = monitors
        .into_iter()
        .map(|monitor| {
            let (query, justification) = context.monitor_cells(monitor);
            vec![query, justification]
        })
        .collect();
    document.table(
        context.say(
            &format!("Gevolgde onderwerpen in {name}"),
            &format!("Topics followed in {name}"),
        ),
        vec![
            context.say("Zoekvraag", "Search"),
            context.say("Waarom", "Why"),
        ],
        rows,
    );
}

fn push_completed_workspaces(context: &Context<'_>, document: &mut Document) {
    let completed = context.input.workspaces_with(&COMPLETED_STATUSES);
    document.heading(
        2,
        context.say("Afgeronde werkruimtes", "Completed workspaces"),
    );
    if completed.is_empty() {
        document.text(context.say(
            "Er zijn geen afgeronde werkruimtes.",
            "There are no completed workspaces.",
        ));
        return;
    }
    document.text(context.say(
        "Deze werkruimtes verzamelen niets meer. Wat ervan is opgeslagen, wordt verwijderd zodra de bewaartermijn afloopt.",
        "These workspaces no longer collect anything. What they stored is deleted when its retention period ends.",
    ));
    let rows = completed
        .into_iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            vec![
                plain(context.workspace_name(workspace)),
                context.purpose_inline(workspace.purpose),
                context.end_date_inline(workspace),
                plain(context.retention_posts(workspace)),
                plain(context.retention_aggregates(workspace)),
            ]
        })
        .collect();
    document.table(
        context.say("Afgeronde werkruimtes", "Completed workspaces"),
        vec![
            context.say("Werkruimte", "Workspace"),
            context.say("Doel", "Purpose"),
            context.say("Einddatum", "End date"),
            context.say("Bewaartermijn berichten", "Retention of posts"),
            context.say("Bewaartermijn totalen", "Retention of totals"),
        ],
        rows,
    );
}

fn push_how_to_object(context: &Context<'_>, document: &mut Document) {
    let published = context.input.workspaces_with(&PUBLISHED_STATUSES);
    let contacts = context.input.fg_contacts(&published);
    let organisation = context.organisation_name();
    document.heading(
        2,
        context.say(
            "Bezwaar maken en uw rechten",
            "How to object, and your rights",
        ),
    );
    let mut contact_paragraph = vec![text(context.say(
        &format!("Wilt u niet dat uw openbare berichten hierin worden meegenomen, of wilt u een ander recht uit de AVG uitoefenen? Neem contact op met de functionaris gegevensbescherming (FG) van {organisation}: "),
        &format!("Do you not want your public posts to be included, or do you want to exercise another right under the GDPR? Contact the data protection officer (FG) of {organisation}: "),
    ))];
    if contacts.is_empty() {
        contact_paragraph.push(Inline::ToFill(
            context.say("contactgegevens van de FG", "contact details of the FG"),
        ));
    } else {
        contact_paragraph.push(text(contacts.join("; ")));
    }
    contact_paragraph.push(text("."));
    document.paragraph(contact_paragraph);
    if context.input.safeguards.objection_drop_by_keyed_hash {
        document.text(context.say(
            "Peil kan uw toekomstige berichten weglaten. Uw account wordt daarvoor niet zelf bewaard, alleen een hash ervan met een geheime sleutel; nieuwe berichten van een account met die hash worden weggegooid voordat er iets wordt opgeslagen.",
            "Peil can leave out your future posts. Your account itself is not kept for this, only a hash of it under a secret key; new posts from an account with that hash are dropped before anything is stored.",
        ));
    }
    document.text(context.say(
        "Peil zoekt bewust niet op personen: opgeslagen berichten zijn niet op account terug te vinden, en pseudoniemen zijn niet doorzoekbaar. Daarom kan de organisatie meestal niet vaststellen welke opgeslagen berichten van u zijn (artikel 11 AVG); ze worden wel automatisch verwijderd als de bewaartermijn afloopt.",
        "Peil deliberately does not search for persons: stored posts cannot be found by account, and pseudonyms cannot be searched. The organisation therefore usually cannot establish which stored posts are yours (article 11 GDPR); they are deleted automatically when the retention period ends.",
    ));
    document.text(context.say(
        "Bent u het niet eens met hoe uw bezwaar of verzoek is behandeld, dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens.",
        "If you disagree with how your objection or request was handled, you can file a complaint with the Dutch Data Protection Authority (Autoriteit Persoonsgegevens).",
    ));
}

#[derive(Serialize)]
struct PurposeJson {
    code: &'static str,
    label: &'static str,
    explanation: &'static str,
}

#[derive(Serialize)]
struct TopicJson {
    query: String,
    justification: String,
}

#[derive(Serialize)]
struct SourceJson {
    code: String,
    label: String,
}

#[derive(Serialize)]
struct WorkspaceJson {
    name: String,
    status: &'static str,
    status_label: &'static str,
    purpose: PurposeJson,
    purpose_description: String,
    legal_basis: String,
    lead: Option<String>,
    monitored_topics: Vec<TopicJson>,
    sources: Vec<SourceJson>,
    sources_all_supported: bool,
    retention_days_posts: u32,
    retention_days_aggregates: u32,
    k: u32,
    own_accounts: Vec<String>,
    fg_contact: Option<String>,
    ends_at: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct CompletedJson {
    name: String,
    purpose: PurposeJson,
    ends_at: Option<DateTime<Utc>>,
    retention_days_posts: u32,
    retention_days_aggregates: u32,
    fg_contact: Option<String>,
}

#[derive(Serialize)]
struct ObjectJson {
    text: String,
    fg_contacts: Vec<String>,
    drop_future_posts_by_keyed_hash: bool,
    supervisory_authority: &'static str,
}

#[derive(Serialize)]
struct SafeguardsJson {
    minimum_k: u32,
    deidentification: Vec<&'static str>,
    pseudonym_method: String,
    pseudonym_key_period_months: u32,
    person_targeting_guard: bool,
    audit_log: bool,
    office_holder_names_on_allow_list: usize,
}

#[derive(Serialize)]
struct CaveatJson {
    representativeness: &'static str,
    sentiment_accuracy: Option<String>,
}

#[derive(Serialize)]
struct OrganisationJson {
    name: String,
}

#[derive(Serialize)]
struct TransparencyJson {
    schema: &'static str,
    language: &'static str,
    organisation: OrganisationJson,
    generated_at: DateTime<Utc>,
    peil_version: String,
    active_workspaces: Vec<WorkspaceJson>,
    completed_workspaces: Vec<CompletedJson>,
    how_to_object: ObjectJson,
    safeguards: SafeguardsJson,
    caveat: CaveatJson,
}

/// The transparency page as JSON. Fields (schema `peil.transparency/1`):
/// `schema`, `language`, `organisation.name`, `generated_at` (RFC 3339), `peil_version`,
/// `active_workspaces[]` (status `active` or `approved`: `name`, `status`, `status_label`,
/// `purpose{code,label,explanation}`, `purpose_description`, `legal_basis`, `lead`,
/// `monitored_topics[]{query,justification}`, `sources[]{code,label}`, `sources_all_supported`,
/// `retention_days_posts`, `retention_days_aggregates`, `k`, `own_accounts[]`, `fg_contact`,
/// `ends_at`), `completed_workspaces[]` (status `closed`: `name`, `purpose`, `ends_at`,
/// `retention_days_posts`, `retention_days_aggregates`, `fg_contact`),
/// `how_to_object{text,fg_contacts[],drop_future_posts_by_keyed_hash,supervisory_authority}`,
/// `safeguards{minimum_k,deidentification[],pseudonym_method,pseudonym_key_period_months,
/// person_targeting_guard,audit_log,office_holder_names_on_allow_list}`,
/// `caveat{representativeness,sentiment_accuracy}`. Free texts are redacted like the page.
pub(crate) fn transparency_value(
    input: &DocumentInput,
    language: Language,
) -> Result<serde_json::Value, DocsError> {
    let context = Context::new(input, language);
    let current = input.workspaces_with(&CURRENT_STATUSES);
    let completed = input.workspaces_with(&COMPLETED_STATUSES);
    let published = input.workspaces_with(&PUBLISHED_STATUSES);
    let fg_contacts = input.fg_contacts(&published);
    let safeguards = &input.safeguards;

    let active_workspaces = current
        .iter()
        .map(|facts| workspace_json(&context, facts))
        .collect();
    let completed_workspaces = completed
        .iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            CompletedJson {
                name: context.workspace_name(workspace),
                purpose: purpose_json(workspace.purpose, language),
                ends_at: workspace.ends_at,
                retention_days_posts: workspace.retention_days_posts,
                retention_days_aggregates: workspace.retention_days_aggregates,
                fg_contact: trimmed_option(workspace.fg_contact.as_deref()),
            }
        })
        .collect();
    let objection_text = object_text(&context, &fg_contacts);
    let sentiment_accuracy = match language {
        Language::Nl => safeguards.sentiment_accuracy_nl.clone(),
        Language::En => safeguards.sentiment_accuracy_en.clone(),
    };
    let page = TransparencyJson {
        schema: TRANSPARENCY_SCHEMA,
        language: language.code(),
        organisation: OrganisationJson {
            name: context.organisation_name(),
        },
        generated_at: input.generated_at,
        peil_version: input.peil_version.trim().to_string(),
        active_workspaces,
        completed_workspaces,
        how_to_object: ObjectJson {
            text: objection_text,
            fg_contacts,
            drop_future_posts_by_keyed_hash: safeguards.objection_drop_by_keyed_hash,
            supervisory_authority: "Autoriteit Persoonsgegevens",
        },
        safeguards: SafeguardsJson {
            minimum_k: safeguards.minimum_k,
            deidentification: safeguards
                .deidentification_detectors
                .iter()
                .map(|kind| detector_label(*kind, language))
                .collect(),
            pseudonym_method: safeguards.pseudonym_method.trim().to_string(),
            pseudonym_key_period_months: safeguards.pseudonym_key_period_months,
            person_targeting_guard: safeguards.person_targeting_guard,
            audit_log: safeguards.audit_log.is_some(),
            office_holder_names_on_allow_list: input.office_holder_count(),
        },
        caveat: CaveatJson {
            representativeness: representativeness(language),
            sentiment_accuracy,
        },
    };
    serde_json::to_value(page).map_err(|error| DocsError::Json(error.to_string()))
}

fn workspace_json(context: &Context<'_>, facts: &WorkspaceFacts) -> WorkspaceJson {
    let workspace = &facts.workspace;
    let language = context.language;
    WorkspaceJson {
        name: context.workspace_name(workspace),
        status: workspace.status.code(),
        status_label: status_label(workspace.status, language),
        purpose: purpose_json(workspace.purpose, language),
        purpose_description: context.free_text(&workspace.purpose_text),
        legal_basis: context.free_text(&workspace.legal_basis),
        lead: workspace
            .lead
            .as_deref()
            .map(|lead| context.free_text(lead))
            .filter(|lead| !lead.is_empty()),
        monitored_topics: active_monitors(facts)
            .into_iter()
            .map(|monitor| TopicJson {
                query: context.free_text(&monitor.query),
                justification: context.free_text(&monitor.justification),
            })
            .collect(),
        sources: workspace_sources(&workspace.allowed_sources, language)
            .into_iter()
            .map(|(code, label)| SourceJson { code, label })
            .collect(),
        sources_all_supported: workspace.allowed_sources.is_empty(),
        retention_days_posts: workspace.retention_days_posts,
        retention_days_aggregates: workspace.retention_days_aggregates,
        k: workspace.k,
        own_accounts: workspace
            .own_accounts
            .iter()
            .map(|account| context.free_text(account))
            .filter(|account| !account.is_empty())
            .collect(),
        fg_contact: trimmed_option(workspace.fg_contact.as_deref()),
        ends_at: workspace.ends_at,
    }
}

fn purpose_json(purpose: peil_model::Purpose, language: Language) -> PurposeJson {
    PurposeJson {
        code: purpose.code(),
        label: purpose_label(purpose, language),
        explanation: purpose_explanation(purpose, language),
    }
}

fn trimmed_option(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|trimmed| !trimmed.is_empty())
        .map(str::to_string)
}

fn object_text(context: &Context<'_>, fg_contacts: &[String]) -> String {
    let contact = if fg_contacts.is_empty() {
        to_fill_marker(
            context.language,
            &context.say("contactgegevens van de FG", "contact details of the FG"),
        )
    } else {
        fg_contacts.join("; ")
    };
    let mut sentence = context.say(
        &format!("Bezwaar of een ander verzoek: neem contact op met de functionaris gegevensbescherming (FG) van {}: {contact}.", context.organisation_name()),
        &format!("To object or make another request, contact the data protection officer (FG) of {}: {contact}.", context.organisation_name()),
    );
    if context.input.safeguards.objection_drop_by_keyed_hash {
        sentence.push(' ');
        sentence.push_str(&context.say(
            "Peil kan toekomstige berichten van wie bezwaar maakt weglaten via een hash van het account met een geheime sleutel; het account zelf wordt niet bewaard.",
            "Peil can drop future posts of a person who objects via a keyed hash of their account; the account itself is not kept.",
        ));
    }
    sentence
}
