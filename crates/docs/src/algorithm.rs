//! The algorithm-register entry of one organisation for Peil, with the fields of the Dutch
//! government's algorithm register (name, organisation, description, status, type, purpose and
//! impact, considerations, human intervention, risk management, legal basis, data, technical
//! working, provider, impact assessments, contact, dates). Dutch only.
//!
//! A public document: it must never carry personal data, and never claim a weighing (publication
//! category, IAMA) that only the organisation can make.

use chrono::{DateTime, Utc};
use peil_model::WorkspaceStatus;

use crate::common::{representativeness, Context};
use crate::document::{plain, text, to_fill, Document, Inline};
use crate::input::DocumentInput;
use crate::vocabulary::{format_date, format_date_time, workspace_sources, SUPPORTED_SOURCES};
use crate::Language;

const IN_USE_STATUSES: [WorkspaceStatus; 3] = [
    WorkspaceStatus::Approved,
    WorkspaceStatus::Active,
    WorkspaceStatus::Closed,
];

/// Builds the entry.
pub(crate) fn build(input: &DocumentInput) -> Document {
    let context = Context::new(input, Language::Nl);
    let organisation = context.organisation_name();
    let mut document = Document::new(
        Language::Nl,
        format!("Algoritmeregister: Peil, monitoring van openbare sociale media — {organisation}"),
    );
    document.text(format!(
        "Gegenereerd door Peil {} op {} uit de actuele configuratie. Dit document wordt alleen in het Nederlands gegenereerd.",
        input.peil_version.trim(),
        format_date_time(&input.generated_at, Language::Nl)
    ));

    let used_in = input.workspaces_with(&IN_USE_STATUSES);
    let legal_bases = distinct_legal_bases(&context, &used_in);
    let fg_contacts = input.fg_contacts(&used_in);
    let contact = if fg_contacts.is_empty() {
        to_fill("contactgegevens voor vragen over dit algoritme")
    } else {
        vec![
            text(format!("FG: {}. ", fg_contacts.join("; "))),
            Inline::ToFill("contact van de afdeling die het algoritme inzet".to_string()),
        ]
    };
    let legal_basis = if legal_bases.is_empty() {
        to_fill("wettelijke basis")
    } else {
        plain(legal_bases.join("; "))
    };
    let begin_date = used_in
        .iter()
        .map(|facts| facts.workspace.created_at)
        .min()
        .map(|moment| plain(format_date(&moment, Language::Nl)))
        .unwrap_or_else(|| plain("nog niet in gebruik"));
    let rows: Vec<(String, Vec<Inline>)> = vec![
        (
            "Naam".to_string(),
            plain("Peil: monitoring van openbare sociale media"),
        ),
        ("Organisatie".to_string(), plain(organisation.clone())),
        (
            "Korte omschrijving".to_string(),
            plain("Peil telt en analyseert openbare berichten op sociale media over onderwerpen die de organisatie volgt (volumes, onderwerpen, stemming), zonder profielen van personen en zonder naar personen te zoeken. Uitkomsten zijn totalen."),
        ),
        ("Status".to_string(), plain(usage_status(input))),
        (
            "Type algoritme".to_string(),
            plain("Regel- en woordenlijstgebaseerd, met vaste statistische taalprofielen voor taalherkenning. Geen zelflerend model dat leert van de gegevens van de organisatie; geen profilering."),
        ),
        (
            "Doel en impact".to_string(),
            plain("Zicht op wat er in de samenleving leeft, als signaal voor beleid, communicatie of (bij een concrete aanleiding) een algemeen beeld van de openbare orde. Er worden geen besluiten over personen genomen; de uitkomsten zijn één van de bronnen voor menselijke afweging."),
        ),
        (
            "Afwegingen".to_string(),
            vec![
                text("Sociale media zijn niet representatief en stemming is een grof signaal; dat staat bij elke uitkomst. "),
                Inline::ToFill("afweging van de organisatie waarom dit algoritme passend is".to_string()),
            ],
        ),
        (
            "Menselijke tussenkomst".to_string(),
            plain("Analisten stellen de zoekvragen (monitors) op, elk met verantwoording, en interpreteren de totalen. De FG keurt werkruimtes goed en ziet het auditlog in. Het algoritme neemt zelf geen besluiten."),
        ),
        (
            "Risicobeheer".to_string(),
            plain(format!(
                "{} Zie de DPIA.",
                context.security_summary(&format!(
                    "k-drempel (per werkruimte, minimaal {}) op elke uitkomst",
                    input.safeguards.minimum_k
                ))
            )),
        ),
        ("Wettelijke basis".to_string(), legal_basis),
        (
            "Gegevens".to_string(),
            plain(format!(
                "Openbare berichten uit: {}. Alleen berichten die bij een gevolgd onderwerp passen worden bewaard, zonder {}.",
                sources_in_use(&used_in).join("; "),
                context.detectors_sentence()
            )),
        ),
        ("Technische werking".to_string(), technical_working(&context)),
        (
            "Leverancier en broncode".to_string(),
            vec![
                text(format!(
                    "Peil {}, open source onder de EUPL-1.2. ",
                    input.peil_version.trim()
                )),
                Inline::ToFill("link naar de broncode en wie de installatie levert of beheert".to_string()),
            ],
        ),
        (
            "Impacttoetsen".to_string(),
            vec![
                text("DPIA: concept gegenereerd door Peil. "),
                Inline::ToFill("datum van vaststelling van de DPIA en of een IAMA is uitgevoerd".to_string()),
            ],
        ),
        (
            "Publicatiecategorie".to_string(),
            to_fill("impactvol algoritme of overig algoritme"),
        ),
        ("Contact".to_string(), contact),
        ("Begindatum".to_string(), begin_date),
        ("Einddatum".to_string(), end_date(input)),
    ];
    document.facts("Registratie van het algoritme", rows);

    document.heading(2, "Inzet per werkruimte");
    if used_in.is_empty() {
        document.text("Peil wordt nog in geen enkele goedgekeurde of actieve werkruimte ingezet.");
    } else {
        let workspace_rows = used_in
            .iter()
            .map(|facts| {
                let workspace = &facts.workspace;
                vec![
                    plain(context.workspace_name(workspace)),
                    context.purpose_inline(workspace.purpose),
                    context.status_inline(workspace),
                    plain(workspace.k.to_string()),
                    plain(format_date(&workspace.created_at, Language::Nl)),
                    context.end_date_inline(workspace),
                ]
            })
            .collect();
        document.table(
            "Werkruimtes waarin Peil wordt ingezet",
            vec![
                "Werkruimte".to_string(),
                "Doel".to_string(),
                "Status".to_string(),
                "k".to_string(),
                "Sinds".to_string(),
                "Einddatum".to_string(),
            ],
            workspace_rows,
        );
    }
    document.heading(2, "Kanttekening");
    document.text(representativeness(Language::Nl));
    document.paragraph(context.sentiment_accuracy());
    document
}

fn technical_working(context: &Context<'_>) -> Vec<Inline> {
    let mut inlines = vec![text(format!(
        "1) De-identificatie: herkenners voor {} vervangen die gegevens door placeholders. 2) Selectie: Booleaanse zoekvragen (woorden, zinsdelen, EN/OF/NIET, jokertekens, #hashtags, taal- en bronfilters) bepalen welke berichten worden bewaard. 3) Taalherkenning met vaste tekenprofielen. 4) Stemming (sentiment) met een woordenlijst: ",
        context.detectors_sentence()
    ))];
    inlines.extend(context.sentiment_accuracy());
    inlines.push(text(" 5) Termen en hashtags tellen. 6) k-drempel: elke cel met minder dan k verschillende auteurs wordt onderdrukt."));
    inlines
}

fn usage_status(input: &DocumentInput) -> &'static str {
    let statuses: Vec<WorkspaceStatus> = input
        .workspaces
        .iter()
        .map(|facts| facts.workspace.status)
        .collect();
    if statuses.contains(&WorkspaceStatus::Active) {
        return "In gebruik";
    }
    if statuses
        .iter()
        .any(|status| matches!(status, WorkspaceStatus::Draft | WorkspaceStatus::Approved))
    {
        return "In ontwikkeling";
    }
    if statuses.is_empty() {
        return "Niet in gebruik (geen werkruimtes)";
    }
    "Buiten gebruik"
}

fn end_date(input: &DocumentInput) -> Vec<Inline> {
    let all_closed = !input.workspaces.is_empty()
        && input
            .workspaces
            .iter()
            .all(|facts| facts.workspace.status == WorkspaceStatus::Closed);
    if !all_closed {
        return plain("geen (in gebruik of in ontwikkeling)");
    }
    let latest: Option<DateTime<Utc>> = input
        .workspaces
        .iter()
        .filter_map(|facts| facts.workspace.ends_at)
        .max();
    match latest {
        Some(moment) => plain(format_date(&moment, Language::Nl)),
        None => to_fill("datum waarop het gebruik is beëindigd"),
    }
}

fn distinct_legal_bases(
    context: &Context<'_>,
    workspaces: &[&crate::input::WorkspaceFacts],
) -> Vec<String> {
    let mut bases: Vec<String> = Vec::new();
    for facts in workspaces {
        let basis = context.free_text(&facts.workspace.legal_basis);
        if basis.is_empty() || bases.contains(&basis) {
            continue;
        }
        bases.push(basis);
    }
    bases
}

/// The readable names of the sources the workspaces in use may read (every supported source
/// when none is in use yet), without repeats.
fn sources_in_use(workspaces: &[&crate::input::WorkspaceFacts]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for facts in workspaces {
        for (_, label) in workspace_sources(&facts.workspace.allowed_sources, Language::Nl) {
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    if labels.is_empty() {
        return SUPPORTED_SOURCES
            .iter()
            .map(|(_, dutch, _)| dutch.to_string())
            .collect();
    }
    labels
}
