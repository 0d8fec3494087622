//! The DPIA draft, following the headings of the Model DPIA Rijksdienst: A (facts of the
//! processing, sections 1–9), B (lawfulness, 10–14), C (risks, 15) and D (measures, 16). Dutch
//! only.
//!
//! Facts of the configuration and of Peil are filled in; every judgement that is the
//! organisation's (interests, subsidiarity, likelihood and impact of risks, the FG's advice) is
//! left as `[IN TE VULLEN DOOR DE ORGANISATIE: …]`. This module must never invent such a
//! judgement, and never state a safeguard other than as configured.

use peil_model::{Purpose, WorkspaceStatus};

use crate::common::{active_monitors, representativeness, Context};
use crate::document::{code, plain, strong, text, to_fill, Document, Inline};
use crate::input::DocumentInput;
use crate::vocabulary::{
    days, format_date, format_date_time, names_count, purpose_explanation, purpose_label,
    status_label,
};
use crate::Language;

/// Builds the DPIA draft.
pub(crate) fn build(input: &DocumentInput) -> Document {
    let context = Context::new(input, Language::Nl);
    let organisation = context.organisation_name();
    let mut document = Document::new(
        Language::Nl,
        format!("DPIA (concept): monitoring van openbare sociale media met Peil — {organisation}"),
    );
    document.text(format!(
        "Conceptversie, gegenereerd door Peil {} op {} uit de actuele configuratie van {organisation}. Dit concept volgt de indeling van het Model DPIA Rijksdienst (delen A tot en met D). Feiten over de configuratie en de werking van Peil zijn ingevuld zoals ze nu zijn ingesteld; wat alleen de organisatie kan beoordelen, is gemarkeerd als [IN TE VULLEN DOOR DE ORGANISATIE: …]. Dit document wordt alleen in het Nederlands gegenereerd.",
        input.peil_version.trim(),
        format_date_time(&input.generated_at, Language::Nl)
    ));
    push_overview(&context, &mut document);

    document.heading(2, "A. Beschrijving kenmerken gegevensverwerkingen");
    push_proposal(&context, &mut document);
    push_personal_data(&context, &mut document);
    push_processing(&context, &mut document);
    push_purposes(&context, &mut document);
    push_parties(&context, &mut document);
    push_interests(&mut document);
    push_locations(&context, &mut document);
    push_legal_framework(&context, &mut document);
    push_retention(&context, &mut document);

    document.heading(2, "B. Beoordeling rechtmatigheid gegevensverwerkingen");
    push_legal_basis(&context, &mut document);
    push_special_categories(&mut document);
    push_purpose_limitation(&mut document);
    push_necessity(&context, &mut document);
    push_rights(&context, &mut document);

    document.heading(
        2,
        "C. Beschrijving en beoordeling risico's voor de betrokkenen",
    );
    push_risks(&mut document);

    document.heading(2, "D. Beschrijving voorgenomen maatregelen");
    push_measures(&context, &mut document);
    document
}

fn push_overview(context: &Context<'_>, document: &mut Document) {
    let input = context.input;
    document.facts(
        "Reikwijdte van deze DPIA",
        vec![
            (
                "Verwerkingsverantwoordelijke".to_string(),
                plain(context.organisation_name()),
            ),
            (
                "Aantal werkruimtes (verwerkingen)".to_string(),
                plain(input.workspaces.len().to_string()),
            ),
            (
                "Peil-versie".to_string(),
                plain(input.peil_version.trim().to_string()),
            ),
            (
                "Gegenereerd op".to_string(),
                plain(format_date_time(&input.generated_at, Language::Nl)),
            ),
            (
                "Vastgesteld op, door".to_string(),
                to_fill("datum van vaststelling en wie de DPIA vaststelt"),
            ),
        ],
    );
    if input.workspaces.is_empty() {
        document.text("Er zijn nog geen werkruimtes ingericht; deze DPIA beschrijft alleen de werking van Peil.");
        return;
    }
    let rows = input
        .workspaces
        .iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            vec![
                plain(context.workspace_name(workspace)),
                context.purpose_inline(workspace.purpose),
                context.status_inline(workspace),
                context.end_date_inline(workspace),
            ]
        })
        .collect();
    document.table(
        "Werkruimtes in deze DPIA",
        vec![
            "Werkruimte".to_string(),
            "Doel".to_string(),
            "Status".to_string(),
            "Einddatum".to_string(),
        ],
        rows,
    );
}

fn push_proposal(context: &Context<'_>, document: &mut Document) {
    document.heading(3, "1. Voorstel");
    document.text(format!(
        "{} gebruikt Peil om te volgen wat er in de samenleving leeft op openbare sociale media: volumes, onderwerpen en stemming, zonder profielen van personen en zonder naar personen te zoeken. Elke werkruimte in Peil is één verwerking met één vast doel; een doel verandert nooit, een nieuw doel is een nieuwe werkruimte.",
        context.organisation_name()
    ));
    document.fill_in_paragraph("aanleiding en achtergrond van het voorstel, het beleidsdoel, de betrokken afdelingen en de beoogde startdatum");
    for facts in &context.input.workspaces {
        let workspace = &facts.workspace;
        let name = context.workspace_name(workspace);
        document.heading(4, format!("Werkruimte {name}"));
        let mut rows: Vec<(String, Vec<Inline>)> = vec![
            ("Naam".to_string(), plain(name.clone())),
            (
                "Doel".to_string(),
                context.purpose_inline(workspace.purpose),
            ),
            (
                "Omschrijving van het doel".to_string(),
                context.purpose_text_inline(workspace),
            ),
        ];
        if let Some(lead) = context.lead_inline(workspace) {
            rows.push(("Aanleiding".to_string(), lead));
        }
        rows.extend([
            ("Status".to_string(), context.status_inline(workspace)),
            (
                "Aangemaakt op".to_string(),
                plain(format_date(&workspace.created_at, Language::Nl)),
            ),
            ("Einddatum".to_string(), context.end_date_inline(workspace)),
            (
                "Actieve monitors (zoekvragen)".to_string(),
                plain(facts.active_monitors().count().to_string()),
            ),
            (
                "Contact FG".to_string(),
                context.fg_contact_inline(workspace),
            ),
        ]);
        document.facts(format!("Kenmerken van werkruimte {name}"), rows);
    }
}

fn push_personal_data(context: &Context<'_>, document: &mut Document) {
    let input = context.input;
    let safeguards = &input.safeguards;
    document.heading(3, "2. Persoonsgegevens");
    document.text("Peil verwerkt openbare berichten van sociale media. De tabel noemt per categorie betrokkenen welke persoonsgegevens erin kunnen voorkomen en wat Peil ermee doet.");
    let authors = "Auteurs van openbare berichten die bij een monitor passen";
    let mut rows: Vec<Vec<Vec<Inline>>> = vec![
        vec![
            plain(authors),
            plain("Tekst van het bericht"),
            plain(format!(
                "Alleen opgeslagen na de-identificatie: {} worden vóór opslag vervangen door een placeholder zoals [PERSOON-1].",
                context.detectors_sentence()
            )),
        ],
        vec![
            plain(authors),
            plain("Account-id van de auteur"),
            plain(format!(
                "Nooit opgeslagen. Alleen een sleutel-pseudoniem ({}, sleutel per werkruimte en per {}) om unieke auteurs te tellen; pseudoniemen worden nooit getoond, geëxporteerd of doorzoekbaar gemaakt.",
                safeguards.pseudonym_method.trim(),
                context.key_period()
            )),
        ],
        vec![
            plain(authors),
            plain("Publicatietijd, taal en bron van het bericht"),
            plain("Opgeslagen bij het bericht, voor tellingen per periode, taal en bron."),
        ],
        vec![
            plain(authors),
            plain("Afgeleide gegevens: stemming (sentiment), termen, passende monitors"),
            plain("Per bericht berekend op de gede-identificeerde tekst; alleen als totalen getoond."),
        ],
        vec![
            plain("Personen die in berichten worden genoemd"),
            plain("Namen, accountnamen, contactgegevens en andere identificerende gegevens in de tekst"),
            plain(format!(
                "Vervangen door placeholders vóór opslag. Namen van publieke ambtsdragers blijven alleen leesbaar via de allow-list van de organisatie, met een verantwoording die de FG kan inzien; daarop staan nu {} (niet in dit document opgenomen).",
                names_count(input.office_holder_count(), Language::Nl)
            )),
        ],
    ];
    let has_webcare = input
        .workspaces
        .iter()
        .any(|facts| facts.workspace.purpose == Purpose::CommunicationWebcare);
    if has_webcare {
        rows.push(vec![
            plain("Personen die een bericht aan de eigen accounts van de organisatie richten"),
            plain("Verwijzing naar het bericht (URI), nodig om te antwoorden"),
            plain("Versleuteld met de werkruimtesleutel, alleen zichtbaar voor de rol webcare, verwijderd met het bericht."),
        ]);
    }
    rows.push(vec![
        plain("Medewerkers van de organisatie (gebruikers van Peil)"),
        plain("Naam, rol, handelingen in het auditlog"),
        plain("Nodig voor toegangsbeheer en verantwoording. Het auditlog bevat geen persoonsgegevens van auteurs."),
    ]);
    document.table(
        "Categorieën betrokkenen en persoonsgegevens",
        vec![
            "Categorie betrokkenen".to_string(),
            "Persoonsgegevens".to_string(),
            "Wat Peil ermee doet".to_string(),
        ],
        rows,
    );
    document.text("Niet opgeslagen: weergavenamen, bio's, profielfoto's, volgers en gevolgden, locatiegegevens, en ruwe account-id's, accountnamen of profiellinks van personen. Het ruwe bericht bestaat alleen in het werkgeheugen. Over bijzondere persoonsgegevens: zie 11.");
}

fn push_processing(context: &Context<'_>, document: &mut Document) {
    let input = context.input;
    document.heading(3, "3. Gegevensverwerking");
    document.text("Gegevens gaan in één richting door Peil, zonder omwegen:");
    let mut steps = vec![
        plain("Ophalen: een connector leest openbare berichten via de officiële API van het platform, een openbare feed of een importbestand. Het ruwe bericht blijft in het werkgeheugen."),
        plain(format!(
            "De-identificeren: {} worden vervangen door placeholders; de account-id wordt omgezet in een sleutel-pseudoniem.",
            context.detectors_sentence()
        )),
        plain("Selecteren: alleen berichten die passen bij een actieve, verantwoorde monitor van een actieve werkruimte worden bewaard; alle andere worden direct weggegooid."),
        plain("Analyseren: taal, stemming (sentiment) en termen worden bepaald op de gede-identificeerde tekst."),
        plain(format!(
            "Opslaan: per werkruimte, in de opslag van de installatie: {}.",
            input.safeguards.storage_backend.trim()
        )),
        plain("Opvragen: inloggen, rol, doelregels van de werkruimte, querybewaking (geen zoeken op personen), k-drempel op elke uitkomst, vastlegging in het auditlog."),
        plain("Verwijderen: na de bewaartermijn worden berichten echt gewist, en wordt de pseudoniemsleutel van de periode vernietigd."),
    ];
    if !input.safeguards.secure_deletion {
        steps.pop();
        steps.push(to_fill("hoe verlopen gegevens worden verwijderd (veilig wissen staat in deze installatie niet aan)"));
    }
    document.bullets(steps);

    let mut monitor_rows: Vec<Vec<Vec<Inline>>> = Vec::new();
    for facts in &input.workspaces {
        for monitor in active_monitors(facts) {
            let (query, justification) = context.monitor_cells(monitor);
            monitor_rows.push(vec![
                plain(context.workspace_name(&facts.workspace)),
                query,
                justification,
                plain(format_date(&monitor.created_at, Language::Nl)),
            ]);
        }
    }
    if monitor_rows.is_empty() {
        document.text("Er zijn nog geen actieve monitors.");
    } else {
        document.table(
            "Actieve monitors (wat wordt gevolgd en waarom)",
            vec![
                "Werkruimte".to_string(),
                "Zoekvraag".to_string(),
                "Verantwoording".to_string(),
                "Sinds".to_string(),
            ],
            monitor_rows,
        );
    }
    let count_rows = input
        .workspaces
        .iter()
        .map(|facts| {
            vec![
                plain(context.workspace_name(&facts.workspace)),
                plain(facts.posts_stored.to_string()),
                plain(facts.key_periods_live.to_string()),
                plain(
                    facts
                        .monitors
                        .iter()
                        .filter(|monitor| !monitor.active)
                        .count()
                        .to_string(),
                ),
            ]
        })
        .collect();
    document.table(
        format!(
            "Omvang op {}",
            format_date(&input.generated_at, Language::Nl)
        ),
        vec![
            "Werkruimte".to_string(),
            "Opgeslagen berichten".to_string(),
            "Bestaande pseudoniemsleutels (periodes)".to_string(),
            "Uitgeschakelde monitors".to_string(),
        ],
        count_rows,
    );
}

fn push_purposes(context: &Context<'_>, document: &mut Document) {
    document.heading(3, "4. Verwerkingsdoeleinden");
    document.text("Peil kent drie doelen. Elke werkruimte heeft er precies één, en Peil dwingt per doel af wat getoond mag worden.");
    let mut items = Vec::new();
    for facts in &context.input.workspaces {
        let workspace = &facts.workspace;
        let mut item = vec![
            strong(context.workspace_name(workspace)),
            text(": "),
            text(purpose_label(workspace.purpose, Language::Nl)),
            text(" ("),
            code(workspace.purpose.code()),
            text("). "),
            text(purpose_explanation(workspace.purpose, Language::Nl)),
            text(" Omschrijving door de organisatie: "),
        ];
        item.extend(context.purpose_text_inline(workspace));
        if let Some(lead) = context.lead_inline(workspace) {
            item.push(text(" — aanleiding: "));
            item.extend(lead);
        }
        items.push(item);
    }
    if items.is_empty() {
        document.fill_in_paragraph("doelen van de verwerking (nog geen werkruimtes)");
        return;
    }
    document.bullets(items);
}

fn push_parties(context: &Context<'_>, document: &mut Document) {
    let safeguards = &context.input.safeguards;
    document.heading(3, "5. Betrokken partijen");
    let processor = match safeguards
        .processor
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        Some(value) => plain(value),
        None => {
            to_fill("wie de installatie host of beheert (verwerker), met verwerkersovereenkomst")
        }
    };
    let rows = vec![
        vec![
            plain(context.organisation_name()),
            plain("Verwerkingsverantwoordelijke"),
            plain("Bepaalt doel en middelen per werkruimte."),
        ],
        vec![
            plain("Functionaris gegevensbescherming (FG)"),
            plain("Toezicht"),
            plain("Leest alles binnen de organisatie, ook het auditlog; keurt werkruimtes goed; kan geen gegevens wijzigen."),
        ],
        vec![
            plain("Medewerkers met rol admin"),
            plain("Gebruiker"),
            plain("Beheert werkruimtes en gebruikers."),
        ],
        vec![
            plain("Medewerkers met rol analyst"),
            plain("Gebruiker"),
            plain("Beheert monitors, bekijkt dashboards en rapporten (alleen totalen boven de k-drempel)."),
        ],
        vec![
            plain("Medewerkers met rol webcare"),
            plain("Gebruiker"),
            plain("Beantwoordt berichten aan de eigen accounts (alleen in werkruimtes voor communicatie en webcare)."),
        ],
        vec![
            plain("Hosting en beheer"),
            plain("Verwerker"),
            processor,
        ],
        vec![
            plain("Platforms en feeds (bronnen)"),
            plain("Bron, geen ontvanger"),
            plain("Peil leest openbare berichten; Peil stuurt geen gegevens naar de platforms."),
        ],
    ];
    document.table(
        "Partijen en hun rol",
        vec!["Partij".to_string(), "Rol".to_string(), "Taak".to_string()],
        rows,
    );
}

fn push_interests(document: &mut Document) {
    document.heading(3, "6. Belangen bij de gegevensverwerking");
    document.text("Betrokkenen hebben er belang bij dat de overheid hen niet volgt of profileert om wat zij openbaar schrijven, en dat zij vrij kunnen blijven posten (geen 'chilling effect'). Peil is daarop ingericht: geen zoeken op personen, geen profielen, alleen totalen.");
    document.fill_in_paragraph("de belangen van de organisatie bij deze verwerking en de belangen van andere betrokken partijen");
}

fn push_locations(context: &Context<'_>, document: &mut Document) {
    let safeguards = &context.input.safeguards;
    document.heading(3, "7. Verwerkingslocaties");
    let hosting = match safeguards
        .hosting_location
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        Some(value) => plain(value),
        None => to_fill("waar de installatie draait (land, datacenter of eigen omgeving)"),
    };
    document.facts(
        "Waar gegevens worden verwerkt",
        vec![
            ("Locatie van de installatie".to_string(), hosting),
            (
                "Opslag".to_string(),
                plain(safeguards.storage_backend.trim()),
            ),
            (
                "Pseudoniemsleutels".to_string(),
                plain(if safeguards.keys_stored_apart {
                    "In een aparte sleutelopslag, gescheiden van de gegevens."
                } else {
                    "Bij de gegevens (niet apart opgeslagen)."
                }),
            ),
            (
                "Doorgifte".to_string(),
                plain("Peil stuurt geen persoonsgegevens naar derden; verbindingen naar buiten dienen alleen om openbare berichten op te halen."),
            ),
        ],
    );
}

fn push_legal_framework(context: &Context<'_>, document: &mut Document) {
    document.heading(3, "8. Juridisch en beleidsmatig kader");
    let mut items = vec![
        plain("Algemene verordening gegevensbescherming (AVG), in het bijzonder de beginselen van art. 5 (rechtmatigheid, doelbinding, minimale gegevensverwerking, opslagbeperking), art. 6 (rechtsgrond), art. 14 (informatie aan betrokkenen), art. 30 (verwerkingsregister) en art. 35 (DPIA)."),
        plain("Kamerbrieven en antwoorden (2021–2023) over online onderzoek door de overheid en de handreiking voor gemeenten over online onderzoek (2023): alleen openbare bronnen, geen stelselmatig onderzoek naar personen zonder specifieke wettelijke grondslag, geen profielen, alleen conclusies op hoofdlijnen."),
    ];
    for facts in &context.input.workspaces {
        let workspace = &facts.workspace;
        let mut item = vec![
            text("Rechtsgrond van werkruimte "),
            strong(context.workspace_name(workspace)),
            text(": "),
        ];
        item.extend(context.legal_basis_inline(workspace));
        items.push(item);
    }
    document.bullets(items);
    document.fill_in_paragraph("sectorale wetgeving, intern beleid (bijvoorbeeld een protocol online onderzoek) en afspraken die voor deze verwerking gelden");
}

fn push_retention(context: &Context<'_>, document: &mut Document) {
    document.heading(3, "9. Bewaartermijnen");
    document.text(format!(
        "Verlopen berichten worden echt gewist: uit databasepagina's en logbestanden, uit de zoekindex en uit exports die Peil bewaart. De pseudoniemsleutel van een periode wordt vernietigd als de bewaartermijn van die periode afloopt (één sleutel per werkruimte per {}); daarna zijn resterende totalen niet meer aan pseudoniemen te koppelen.",
        context.key_period()
    ));
    let rows = context
        .input
        .workspaces
        .iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            vec![
                plain(context.workspace_name(workspace)),
                plain(days(workspace.retention_days_posts, Language::Nl)),
                plain(days(workspace.retention_days_aggregates, Language::Nl)),
                context.end_date_inline(workspace),
            ]
        })
        .collect();
    document.table(
        "Bewaartermijnen per werkruimte",
        vec![
            "Werkruimte".to_string(),
            "Berichten".to_string(),
            "Totalen (aggregaten)".to_string(),
            "Einddatum werkruimte".to_string(),
        ],
        rows,
    );
    document.fill_in_paragraph("onderbouwing van de gekozen bewaartermijnen");
}

fn push_legal_basis(context: &Context<'_>, document: &mut Document) {
    document.heading(3, "10. Rechtsgrond");
    let rows = context
        .input
        .workspaces
        .iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            vec![
                plain(context.workspace_name(workspace)),
                context.purpose_inline(workspace.purpose),
                context.legal_basis_inline(workspace),
            ]
        })
        .collect();
    document.table(
        "Rechtsgrond per werkruimte (zoals ingesteld)",
        vec![
            "Werkruimte".to_string(),
            "Doel".to_string(),
            "Rechtsgrond".to_string(),
        ],
        rows,
    );
    document.fill_in_paragraph(
        "toelichting waarom de publieke taak deze verwerking nodig maakt, per werkruimte",
    );
}

fn push_special_categories(document: &mut Document) {
    document.heading(3, "11. Bijzondere persoonsgegevens");
    document.text("Openbare berichten kunnen bijzondere persoonsgegevens bevatten of prijsgeven, zoals politieke opvattingen, religie of gezondheid, en soms strafrechtelijke gegevens. Peil selecteert daar niet op en herkent ze niet afzonderlijk; het verwijdert identificerende gegevens vóór opslag en toont alleen totalen boven de k-drempel (bij trend- en beleidsanalyse hooguit drie gede-identificeerde voorbeeldcitaten).");
    document.fill_in_paragraph("beoordeling of art. 9 en 10 AVG van toepassing zijn bij de gekozen onderwerpen, en zo ja welke uitzondering geldt");
}

fn push_purpose_limitation(document: &mut Document) {
    document.heading(3, "12. Doelbinding");
    document.bullets(vec![
        plain("Elke werkruimte heeft één doel, dat nooit wordt gewijzigd; een nieuw doel vraagt een nieuwe werkruimte (en een aanvulling op deze DPIA)."),
        plain("Een monitor kan alleen worden aangemaakt met een verantwoording; berichten die bij geen actieve monitor passen, worden niet opgeslagen (geen bijvangst)."),
        plain("Berichten van de ene werkruimte worden niet gebruikt in een andere; organisaties kunnen elkaars gegevens niet lezen, tellen of afleiden."),
        plain("Elke wijziging van een werkruimte vraagt een toelichting (waarom) en wordt vastgelegd."),
    ]);
}

fn push_necessity(context: &Context<'_>, document: &mut Document) {
    document.heading(3, "13. Noodzaak en evenredigheid");
    document.heading(4, "Proportionaliteit");
    document.text("Wat Peil per werkruimte doet om de inbreuk klein te houden, zoals ingesteld:");
    let rows = context
        .input
        .workspaces
        .iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            let shows = match workspace.purpose {
                Purpose::TrendPolicyAnalysis => {
                    "Totalen en hooguit drie gede-identificeerde voorbeeldcitaten"
                }
                Purpose::PublicOrderGeneralPicture => "Alleen totalen",
                Purpose::CommunicationWebcare => {
                    "Alleen berichten aan de eigen accounts, voor de rol webcare"
                }
            };
            vec![
                plain(context.workspace_name(workspace)),
                plain(shows),
                plain(workspace.k.to_string()),
                plain(facts.active_monitors().count().to_string()),
                plain(days(workspace.retention_days_posts, Language::Nl)),
            ]
        })
        .collect();
    document.table(
        "Beperkingen per werkruimte",
        vec![
            "Werkruimte".to_string(),
            "Wat getoond wordt".to_string(),
            "k".to_string(),
            "Actieve monitors".to_string(),
            "Bewaartermijn berichten".to_string(),
        ],
        rows,
    );
    document.fill_in_paragraph("afweging of de inbreuk op de persoonlijke levenssfeer in verhouding staat tot het doel, per werkruimte");
    document.heading(4, "Subsidiariteit");
    document.fill_in_paragraph("waarom het doel niet met minder ingrijpende middelen kan worden bereikt (bijvoorbeeld enquêtes, klantcontactgegevens, openbare statistieken of berichten aan de eigen accounts alleen)");
}

fn push_rights(context: &Context<'_>, document: &mut Document) {
    let safeguards = &context.input.safeguards;
    document.heading(3, "14. Rechten van de betrokkenen");
    let objection = if safeguards.objection_drop_by_keyed_hash {
        "Bezwaar (art. 21 AVG): Peil kan toekomstige berichten van wie bezwaar maakt weglaten via een sleutel-hash van het account; het account zelf wordt niet bewaard."
    } else {
        "Bezwaar (art. 21 AVG): deze installatie kan toekomstige berichten van een persoon niet automatisch weglaten; zie de procedure hieronder."
    };
    document.bullets(vec![
        plain("Informatie (art. 14 AVG): Peil genereert een openbare transparantiepagina per organisatie met de actieve werkruimtes, hun doel, rechtsgrond, gevolgde onderwerpen, bronnen, bewaartermijnen, FG-contact en hoe bezwaar te maken."),
        plain("Inzage, rectificatie en wissing (art. 15–17 AVG): Peil zoekt bewust niet op personen; opgeslagen berichten zijn niet op account terug te vinden en pseudoniemen zijn niet doorzoekbaar. De organisatie kan daardoor meestal niet vaststellen welke berichten van een verzoeker zijn (art. 11 AVG). Berichten worden na de bewaartermijn automatisch gewist."),
        plain(objection),
        plain("Geautomatiseerde besluitvorming (art. 22 AVG): niet van toepassing; Peil neemt geen besluiten over personen, de uitkomsten zijn totalen voor menselijke analyse."),
    ]);
    document.fill_in_paragraph("procedure en termijnen voor verzoeken van betrokkenen, en waar de transparantiepagina wordt gepubliceerd");
}

fn push_risks(document: &mut Document) {
    document.heading(3, "15. Risico's");
    document.text("Peil noemt de risico's die bij deze verwerking horen. Kans en ernst hangen af van de onderwerpen en de context, en worden door de organisatie beoordeeld.");
    let risk_rows: Vec<Vec<Vec<Inline>>> = RISKS
        .iter()
        .map(|(identifier, risk, description, _)| {
            vec![
                plain(*identifier),
                plain(*risk),
                plain(*description),
                to_fill("kans en ernst"),
            ]
        })
        .collect();
    document.table(
        "Risico's voor betrokkenen",
        vec![
            "Nr.".to_string(),
            "Risico".to_string(),
            "Beschrijving".to_string(),
            "Kans en ernst".to_string(),
        ],
        risk_rows,
    );
    document.text(representativeness(Language::Nl));
}

/// `(id, risk, description, measure summary)`; the measures are stated with configured values
/// in part D.
const RISKS: [(&str, &str, &str, &str); 9] = [
    ("R1", "Heridentificatie van auteurs", "Een auteur is te herkennen uit een citaat of uit een kleine groep in een telling.", "De-identificatie vóór opslag; k-drempel op elke cel; citaten alleen bij trend- en beleidsanalyse, hooguit drie."),
    ("R2", "Stelselmatig volgen of profileren van personen", "De verwerking wordt gebruikt om te zien wat bepaalde personen schrijven.", "Querybewaking weigert zoeken op personen; geen profielen; pseudoniemen niet doorzoekbaar."),
    ("R3", "Bijvangst en doelverschuiving", "Gegevens voor het ene doel worden voor een ander gebruikt, of er wordt meer bewaard dan nodig.", "Eén doel per werkruimte; alleen berichten die bij een verantwoorde monitor passen; scheiding tussen werkruimtes en organisaties."),
    ("R4", "Verkeerde conclusies", "Sociale media zijn niet representatief en sentiment is een grof signaal; besluiten kunnen op een vertekend beeld rusten.", "Elke uitvoer vermeldt bronnen, aantallen, k, onderdrukte cellen, nauwkeurigheid van sentiment en dat sociale media niet representatief zijn."),
    ("R5", "Onbevoegde toegang of datalek", "Iemand zonder bevoegdheid leest of exporteert gegevens.", "Rollen per organisatie; FG-toezicht; auditlog dat niet ongemerkt te veranderen is; sleutels apart van de gegevens."),
    ("R6", "Te lang bewaren", "Gegevens blijven langer bestaan dan de bewaartermijn.", "Bewaartermijnen per werkruimte; echt wissen; vernietigen van pseudoniemsleutels."),
    ("R7", "Bijzondere persoonsgegevens in berichten", "Berichten onthullen politieke opvattingen, religie of gezondheid.", "Alleen totalen boven k; geen selectie op zulke kenmerken; de-identificatie vóór opslag."),
    ("R8", "Afschrikwekkend effect", "Mensen voelen zich door de overheid gevolgd en posten minder vrij.", "Transparantiepagina; alleen totalen; openbaar zichtbare onderwerpen en verantwoording."),
    ("R9", "Rechten moeilijk uit te oefenen", "Omdat Peil niet op personen zoekt, kan een betrokkene zijn eigen berichten niet laten opzoeken.", "Bezwaar via de FG; weglaten van toekomstige berichten via een sleutel-hash (als ingesteld); automatisch wissen na de bewaartermijn."),
];

fn push_measures(context: &Context<'_>, document: &mut Document) {
    let input = context.input;
    let safeguards = &input.safeguards;
    document.heading(3, "16. Maatregelen");
    document.text("Maatregelen die Peil zelf uitvoert, zoals ze in deze installatie en per werkruimte zijn ingesteld.");
    let measure_rows: Vec<Vec<Vec<Inline>>> = RISKS
        .iter()
        .map(|(identifier, risk, _, measure)| {
            vec![plain(*identifier), plain(*risk), plain(*measure)]
        })
        .collect();
    document.table(
        "Maatregelen per risico",
        vec![
            "Nr.".to_string(),
            "Risico".to_string(),
            "Maatregel in Peil".to_string(),
        ],
        measure_rows,
    );

    let audit = match &safeguards.audit_log {
        Some(audit_log) => plain(format!(
            "Elke inlog, zoekvraag, weergave, export, configuratiewijziging, bewaartermijnrun en verwijdering wordt vastgelegd in een log dat niet ongemerkt te veranderen is ({}, ondertekende controlepunten met {}); de FG kan het controleren. Het log bevat geen persoonsgegevens van auteurs.",
            audit_log.hash_tree.trim(),
            audit_log.checkpoint_signature.trim()
        )),
        None => to_fill("hoe handelingen worden vastgelegd (deze installatie heeft geen auditlog ingesteld)"),
    };
    let guard = if safeguards.person_targeting_guard {
        plain("Aan: zoekvragen met author:/from:/user:/mention:, @accountnamen (behalve de eigen accounts), profiellinks, pseudoniemen, e-mailadressen, telefoonnummers en namen van personen worden geweigerd, met uitleg. Namen van ambtsdragers alleen via de allow-list met verantwoording.")
    } else {
        to_fill("hoe zoeken op personen wordt voorkomen (de querybewaking staat in deze installatie niet aan)")
    };
    let deletion = if safeguards.secure_deletion {
        plain("Aan: verlopen berichten verdwijnen uit databasepagina's en logbestanden, zoekindex en exports.")
    } else {
        to_fill("hoe verlopen gegevens worden gewist (veilig wissen staat niet aan)")
    };
    let objection = if safeguards.objection_drop_by_keyed_hash {
        plain("Aan: toekomstige berichten van wie bezwaar maakt worden vóór opslag weggegooid, op basis van een sleutel-hash van het account.")
    } else {
        plain("Niet ingesteld.")
    };
    document.facts(
        "Waarborgen van de installatie",
        vec![
            (
                "De-identificatie vóór opslag".to_string(),
                plain(format!("Vervangt {}.", context.detectors_sentence())),
            ),
            (
                "Pseudoniemen".to_string(),
                plain(format!(
                    "{} met een geheime sleutel per werkruimte en per {}; {}; sleutel vernietigd als de bewaartermijn van de periode afloopt.",
                    safeguards.pseudonym_method.trim(),
                    context.key_period(),
                    if safeguards.keys_stored_apart {
                        "sleutels apart van de gegevens opgeslagen"
                    } else {
                        "sleutels bij de gegevens opgeslagen"
                    }
                )),
            ),
            (
                "Ondergrens k".to_string(),
                plain(format!(
                    "Geen werkruimte kan een k lager dan {} hebben; cellen met minder dan k verschillende auteurs worden aan de serverkant onderdrukt, ook bij overlappende zoekvragen.",
                    safeguards.minimum_k
                )),
            ),
            ("Geen zoeken op personen".to_string(), guard),
            ("Auditlog".to_string(), audit),
            ("Echt wissen".to_string(), deletion),
            ("Bezwaar".to_string(), objection),
            (
                "Nauwkeurigheid sentiment".to_string(),
                context.sentiment_accuracy(),
            ),
        ],
    );

    let rows = input
        .workspaces
        .iter()
        .map(|facts| {
            let workspace = &facts.workspace;
            vec![
                plain(context.workspace_name(workspace)),
                plain(workspace.k.to_string()),
                plain(days(workspace.retention_days_posts, Language::Nl)),
                plain(days(workspace.retention_days_aggregates, Language::Nl)),
                context.sources_inline(workspace),
                plain(status_label(workspace.status, Language::Nl)),
                context.end_date_inline(workspace),
            ]
        })
        .collect();
    document.table(
        "Ingestelde waarborgen per werkruimte",
        vec![
            "Werkruimte".to_string(),
            "k".to_string(),
            "Bewaartermijn berichten".to_string(),
            "Bewaartermijn totalen".to_string(),
            "Bronnen".to_string(),
            "Status".to_string(),
            "Einddatum".to_string(),
        ],
        rows,
    );
    let needs_fg_approval = input.workspaces.iter().any(|facts| {
        facts.workspace.purpose == Purpose::PublicOrderGeneralPicture
            && facts.workspace.status == WorkspaceStatus::Draft
    });
    if needs_fg_approval {
        document.text("Let op: een werkruimte voor een algemeen beeld openbare orde staat nog in concept en kan pas starten na goedkeuring door de FG.");
    }
    document.fill_in_paragraph("organisatorische maatregelen: autorisatiebeheer, instructie van medewerkers, periodieke evaluatie (datum), en het advies van de FG");
    document.fill_in_paragraph("restrisico's en conclusie");
}
