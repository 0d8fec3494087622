//! The art. 30 AVG processing-register entries of one organisation: one entry per workspace that
//! is, or was, a processing activity (approved, active or closed; a draft processes nothing yet).
//! Dutch only, with the fields of the government's public processing register.
//!
//! This is a public document: it must never carry personal data (office-holder names appear only
//! as a count, stored-post counts and pseudonym facts stay in the DPIA).

use peil_model::{Purpose, WorkspaceStatus};

use crate::common::{representativeness, Context};
use crate::document::{plain, text, to_fill, Document, Inline};
use crate::input::DocumentInput;
use crate::vocabulary::{days, format_date, format_date_time, purpose_explanation};
use crate::Language;

const REGISTERED_STATUSES: [WorkspaceStatus; 3] = [
    WorkspaceStatus::Approved,
    WorkspaceStatus::Active,
    WorkspaceStatus::Closed,
];

/// Builds the register entries.
pub(crate) fn build(input: &DocumentInput) -> Document {
    let context = Context::new(input, Language::Nl);
    let organisation = context.organisation_name();
    let mut document = Document::new(
        Language::Nl,
        format!("Verwerkingsregister (art. 30 AVG): sociale-media-monitoring — {organisation}"),
    );
    document.text(format!(
        "Gegenereerd door Peil {} op {} uit de actuele configuratie. Elke werkruimte in Peil is één verwerking; hieronder staat per werkruimte de registratie. Werkruimtes in concept staan er niet in: daarin worden nog geen gegevens verwerkt. Dit document wordt alleen in het Nederlands gegenereerd.",
        input.peil_version.trim(),
        format_date_time(&input.generated_at, Language::Nl)
    ));
    let registered = input.workspaces_with(&REGISTERED_STATUSES);
    if registered.is_empty() {
        document.text("Er zijn geen goedgekeurde, actieve of afgeronde werkruimtes, en dus geen verwerkingen te registreren.");
        return document;
    }
    for facts in registered {
        let workspace = &facts.workspace;
        let name = context.workspace_name(workspace);
        document.heading(2, name.clone());
        let mut purpose = context.purpose_inline(workspace.purpose);
        purpose.push(text(": "));
        purpose.extend(context.purpose_text_inline(workspace));
        let mut retention = plain(format!(
            "Berichten {}; totalen (aggregaten) {}. Pseudoniemsleutels worden vernietigd als de bewaartermijn van hun periode afloopt.",
            days(workspace.retention_days_posts, Language::Nl),
            days(workspace.retention_days_aggregates, Language::Nl)
        ));
        if workspace.purpose == Purpose::PublicOrderGeneralPicture {
            retention.push(text(" De werkruimte eindigt op: "));
            retention.extend(context.end_date_inline(workspace));
        }
        let mut categories = plain(format!(
            "Gede-identificeerde tekst van openbare berichten (vóór opslag verwijderd: {}); publicatietijd, taal en bron; sleutel-pseudoniem van de auteur, alleen om unieke auteurs te tellen; afgeleide stemming en termen.",
            context.detectors_sentence()
        ));
        if workspace.purpose == Purpose::CommunicationWebcare {
            categories.push(text(" Bij berichten aan de eigen accounts: de versleutelde verwijzing naar het bericht, nodig om te antwoorden."));
        }
        let mut rows: Vec<(String, Vec<Inline>)> = vec![
            ("Naam van de verwerking".to_string(), plain(name.clone())),
            (
                "Verwerkingsverantwoordelijke".to_string(),
                plain(organisation.clone()),
            ),
            (
                "Contactgegevens FG".to_string(),
                context.fg_contact_inline(workspace),
            ),
            ("Doel van de verwerking".to_string(), purpose),
            (
                "Toelichting op het doel".to_string(),
                plain(purpose_explanation(workspace.purpose, Language::Nl)),
            ),
            (
                "Categorieën betrokkenen".to_string(),
                plain(data_subjects(workspace.purpose)),
            ),
            ("Categorieën persoonsgegevens".to_string(), categories),
            (
                "Bijzondere persoonsgegevens".to_string(),
                vec![
                    text("Kunnen in berichtteksten voorkomen (bijvoorbeeld politieke opvattingen); er wordt niet op geselecteerd en alleen totalen boven de k-drempel worden getoond. "),
                    Inline::ToFill("beoordeling art. 9 AVG".to_string()),
                ],
            ),
            ("Bron van de gegevens".to_string(), {
                let mut source = vec![text("Openbare sociale media: ")];
                source.extend(context.sources_inline(workspace));
                source
            }),
            (
                "Rechtsgrond".to_string(),
                context.legal_basis_inline(workspace),
            ),
            (
                "Ontvangers".to_string(),
                vec![
                    text("Geen ontvangers buiten de organisatie. Binnen de organisatie: medewerkers met een rol in Peil en de FG; gedeelde rapporten bevatten alleen totalen. Verwerker: "),
                    processor_inline(&context),
                ],
            ),
            (
                "Geautomatiseerde besluitvorming".to_string(),
                plain("Nee. Peil neemt geen besluiten over personen en maakt geen profielen (art. 22 AVG niet van toepassing)."),
            ),
            (
                "Doorgifte buiten de EER".to_string(),
                vec![
                    text("Peil geeft geen persoonsgegevens door. Locatie van de installatie: "),
                    hosting_inline(&context),
                ],
            ),
            ("Bewaartermijn".to_string(), retention),
            (
                "Beveiligingsmaatregelen (algemeen)".to_string(),
                plain(context.security_summary(&format!(
                    "k-drempel van {} op elke uitkomst",
                    workspace.k
                ))),
            ),
            ("Status".to_string(), context.status_inline(workspace)),
            (
                "Werkruimte aangemaakt op".to_string(),
                plain(format_date(&workspace.created_at, Language::Nl)),
            ),
            ("DPIA".to_string(), to_fill("datum en kenmerk van de vastgestelde DPIA")),
        ];
        if workspace.purpose != Purpose::PublicOrderGeneralPicture {
            rows.push(("Einddatum".to_string(), context.end_date_inline(workspace)));
        }
        if let Some(lead) = context.lead_inline(workspace) {
            rows.insert(4, ("Aanleiding".to_string(), lead));
        }
        document.facts(format!("Registratie van {name}"), rows);
    }
    document.heading(2, "Kanttekening");
    document.text(representativeness(Language::Nl));
    document
}

fn data_subjects(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::CommunicationWebcare => "Personen die een openbaar bericht aan de eigen accounts van de organisatie richten; personen die daarin worden genoemd.",
        Purpose::TrendPolicyAnalysis | Purpose::PublicOrderGeneralPicture => "Auteurs van openbare berichten die passen bij een gevolgd onderwerp; personen die in die berichten worden genoemd.",
    }
}

fn processor_inline(context: &Context<'_>) -> Inline {
    match context
        .input
        .safeguards
        .processor
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        Some(value) => text(value),
        None => Inline::ToFill("verwerker die de installatie host of beheert".to_string()),
    }
}

fn hosting_inline(context: &Context<'_>) -> Inline {
    match context
        .input
        .safeguards
        .hosting_location
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        Some(value) => text(value),
        None => Inline::ToFill("locatie van de installatie".to_string()),
    }
}
