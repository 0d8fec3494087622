//! Snapshot-like tests of the generated documents on a realistic fixture: a municipality with a
//! trend-analysis workspace, a public-order workspace with a lead and end date, a closed, an
//! approved and a draft workspace, and an office holder on the allow-list.

use chrono::{DateTime, TimeZone, Utc};
use peil_docs::{
    render_html, render_html_in, render_markdown, render_markdown_in, transparency_json,
    transparency_json_in, DocsError, DocumentInput, DocumentKind, Language, Safeguards,
    WorkspaceFacts,
};
use peil_model::{
    AllowEntry, AllowKind, Monitor, Organisation, Purpose, Workspace, WorkspaceStatus,
};

const ORGANISATION: &str = "Gemeente Zwolle";
const TREND_NAME: &str = "Afvalbeleid en diftar";
const TREND_LEGAL_BASIS: &str =
    "AVG art. 6 lid 1 onder e (taak van algemeen belang), art. 160 Gemeentewet";
const TREND_QUERY: &str = "afval* AND (diftar OR container OR \"ondergrondse container\")";
const TREND_JUSTIFICATION: &str = "Reacties op de invoering van diftar volgen";
const HASHTAG_QUERY: &str = "#afvalzwolle";
const OFFICE_HOLDER: &str = "Jan de Vries";
const OFFICE_HOLDER_QUERY: &str = "\"Jan de Vries\" AND afval";
const INACTIVE_QUERY: &str = "zwerfvuil";
const ORDER_NAME: &str = "Demonstratie Grote Markt";
const ORDER_LEGAL_BASIS: &str =
    "AVG art. 6 lid 1 onder e, in samenhang met art. 172 lid 1 Gemeentewet";
const ORDER_LEAD: &str = "Aangekondigde demonstratie op de Grote Markt op 14 juni 2025";
const ORDER_QUERY: &str = "demonstratie AND (\"Grote Markt\" OR #zwolle)";
const ORDER_JUSTIFICATION: &str = "Algemeen beeld voor de burgemeester rond de demonstratie";
const CLOSED_NAME: &str = "Evaluatie Koningsdag 2024";
const APPROVED_NAME: &str = "Nieuwe fietsenstallingen";
const DRAFT_NAME: &str = "Concept parkeerbeleid";
const FG_CONTACT: &str = "fg@zwolle.example, 038 498 0000";
const OWN_ACCOUNT: &str = "@gemeentezwolle@social.example";
const HOSTILE_NAME: &str = "<script>alert('x')</script> & \"afval\"";

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    match Utc.with_ymd_and_hms(year, month, day, 9, 30, 0).single() {
        Some(moment) => moment,
        None => panic!("fixture dates are valid"),
    }
}

#[allow(clippy::too_many_arguments)]
fn workspace(
    id: i64,
    name: &str,
    purpose: Purpose,
    status: WorkspaceStatus,
    legal_basis: &str,
    lead: Option<&str>,
    retention: (u32, u32),
    k: u32,
    allowed_sources: &[&str],
    ends_at: Option<DateTime<Utc>>,
) -> Workspace {
    Workspace {
        id,
        organisation_id: 7,
        name: name.to_string(),
        purpose,
        purpose_text: format!("Doel van {name}"),
        legal_basis: legal_basis.to_string(),
        lead: lead.map(str::to_string),
        retention_days_posts: retention.0,
        retention_days_aggregates: retention.1,
        k,
        allowed_sources: allowed_sources
            .iter()
            .map(|source| source.to_string())
            .collect(),
        own_accounts: vec![OWN_ACCOUNT.to_string()],
        fg_contact: Some(FG_CONTACT.to_string()),
        ends_at,
        status,
        created_at: at(2025, 3, 1),
    }
}

fn monitor(id: i64, workspace_id: i64, query: &str, justification: &str, active: bool) -> Monitor {
    Monitor {
        id,
        workspace_id,
        query: query.to_string(),
        justification: justification.to_string(),
        active,
        created_at: at(2025, 3, 2),
    }
}

fn facts(workspace: Workspace, monitors: Vec<Monitor>) -> WorkspaceFacts {
    WorkspaceFacts {
        workspace,
        monitors,
        posts_stored: 1234,
        key_periods_live: 2,
    }
}

fn fixture() -> DocumentInput {
    let trend = workspace(
        1,
        TREND_NAME,
        Purpose::TrendPolicyAnalysis,
        WorkspaceStatus::Active,
        TREND_LEGAL_BASIS,
        None,
        (30, 365),
        10,
        &[],
        None,
    );
    let order = workspace(
        2,
        ORDER_NAME,
        Purpose::PublicOrderGeneralPicture,
        WorkspaceStatus::Active,
        ORDER_LEGAL_BASIS,
        Some(ORDER_LEAD),
        (14, 90),
        20,
        &["mastodon", "bluesky"],
        Some(at(2025, 6, 20)),
    );
    let closed = workspace(
        3,
        CLOSED_NAME,
        Purpose::TrendPolicyAnalysis,
        WorkspaceStatus::Closed,
        TREND_LEGAL_BASIS,
        None,
        (30, 180),
        10,
        &["rss"],
        Some(at(2024, 5, 31)),
    );
    let approved = workspace(
        4,
        APPROVED_NAME,
        Purpose::TrendPolicyAnalysis,
        WorkspaceStatus::Approved,
        TREND_LEGAL_BASIS,
        None,
        (30, 365),
        10,
        &["import"],
        None,
    );
    let draft = workspace(
        5,
        DRAFT_NAME,
        Purpose::TrendPolicyAnalysis,
        WorkspaceStatus::Draft,
        TREND_LEGAL_BASIS,
        None,
        (30, 365),
        10,
        &[],
        None,
    );
    let mut safeguards = Safeguards::peil_defaults();
    safeguards.sentiment_accuracy_nl =
        Some("Sentiment is een grof signaal: macro-F1 0,61.".to_string());
    safeguards.sentiment_accuracy_en =
        Some("Sentiment is a rough signal: macro-F1 0.61.".to_string());
    DocumentInput {
        organisation: Organisation {
            id: 7,
            name: ORGANISATION.to_string(),
            created_at: at(2025, 1, 1),
        },
        workspaces: vec![
            facts(
                trend,
                vec![
                    monitor(11, 1, TREND_QUERY, TREND_JUSTIFICATION, true),
                    monitor(12, 1, HASHTAG_QUERY, "Eigen campagnehashtag", true),
                    monitor(
                        13,
                        1,
                        OFFICE_HOLDER_QUERY,
                        "Reacties op wethouder Jan de Vries",
                        true,
                    ),
                    monitor(14, 1, INACTIVE_QUERY, "Uitgezet", false),
                ],
            ),
            facts(
                order,
                vec![monitor(21, 2, ORDER_QUERY, ORDER_JUSTIFICATION, true)],
            ),
            facts(
                closed,
                vec![monitor(31, 3, "koningsdag", "Evaluatie", true)],
            ),
            facts(
                approved,
                vec![monitor(41, 4, "fietsenstalling*", "Nieuw beleid", true)],
            ),
            facts(draft, vec![]),
        ],
        allow_list: vec![
            AllowEntry {
                id: 1,
                organisation_id: 7,
                kind: AllowKind::Person,
                value: OFFICE_HOLDER.to_string(),
                justification: "Wethouder afval".to_string(),
                created_at: at(2025, 2, 1),
            },
            AllowEntry {
                id: 2,
                organisation_id: 7,
                kind: AllowKind::Handle,
                value: OWN_ACCOUNT.to_string(),
                justification: "Eigen account".to_string(),
                created_at: at(2025, 2, 1),
            },
        ],
        generated_at: at(2025, 6, 1),
        peil_version: "0.1.0".to_string(),
        safeguards,
    }
}

fn markdown(kind: DocumentKind, input: &DocumentInput) -> String {
    match render_markdown(kind, input) {
        Ok(text) => text,
        Err(error) => panic!("{kind} markdown failed: {error}"),
    }
}

fn html(kind: DocumentKind, input: &DocumentInput) -> String {
    match render_html(kind, input) {
        Ok(text) => text,
        Err(error) => panic!("{kind} html failed: {error}"),
    }
}

fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Checks `needle` in both renderings (Markdown literally or backslash-escaped, HTML escaped).
fn assert_in_both(kind: DocumentKind, markdown_text: &str, html_text: &str, needle: &str) {
    let markdown_plain = strip_markdown(markdown_text);
    assert!(
        markdown_text.contains(needle) || markdown_plain.contains(needle),
        "{kind} markdown lacks {needle:?}"
    );
    assert!(
        html_text.contains(&escape(needle)),
        "{kind} html lacks {needle:?}"
    );
}

/// Markdown to text: entities decoded, backslash escapes removed, emphasis and code marks
/// removed.
fn strip_markdown(markdown_text: &str) -> String {
    let mut output = String::new();
    let mut characters = markdown_text.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\\' {
            if let Some(next) = characters.next() {
                output.push(next);
            }
            continue;
        }
        if character == '*' || character == '`' {
            continue;
        }
        output.push(character);
    }
    output
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// HTML to text: tags removed, entities decoded.
fn strip_html(html_text: &str) -> String {
    let mut output = String::new();
    let mut inside_tag = false;
    for character in html_text.chars() {
        match character {
            '<' => inside_tag = true,
            '>' if inside_tag => {
                inside_tag = false;
                output.push(' ');
            }
            _ if inside_tag => {}
            other => output.push(other),
        }
    }
    output
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn html_heading_levels(html_text: &str) -> Vec<u8> {
    let mut levels = Vec::new();
    let bytes = html_text.as_bytes();
    for index in 0..bytes.len().saturating_sub(2) {
        if bytes[index] == b'<' && bytes[index + 1] == b'h' && bytes[index + 2].is_ascii_digit() {
            levels.push(bytes[index + 2] - b'0');
        }
    }
    levels
}

fn markdown_heading_levels(markdown_text: &str) -> Vec<u8> {
    markdown_text
        .lines()
        .filter_map(|line| {
            let hashes = line
                .chars()
                .take_while(|character| *character == '#')
                .count();
            if hashes == 0 || !line[hashes..].starts_with(' ') {
                return None;
            }
            u8::try_from(hashes).ok()
        })
        .collect()
}

fn assert_headings_nested(kind: DocumentKind, levels: &[u8]) {
    assert_eq!(levels.first(), Some(&1), "{kind}: starts with h1");
    assert_eq!(
        levels.iter().filter(|level| **level == 1).count(),
        1,
        "{kind}: exactly one h1"
    );
    for pair in levels.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "{kind}: heading jumps from h{} to h{}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn every_document_carries_the_configured_facts() {
    let input = fixture();
    let common_facts = [
        ORGANISATION,
        TREND_NAME,
        ORDER_NAME,
        TREND_LEGAL_BASIS,
        ORDER_LEGAL_BASIS,
        ORDER_LEAD,
        "trend_policy_analysis",
        "public_order_general_picture",
        "Trend- en beleidsanalyse",
        "Algemeen beeld openbare orde",
        "20 juni 2025",
        FG_CONTACT,
        "Doel van Afvalbeleid en diftar",
    ];
    for kind in DocumentKind::ALL {
        let markdown_text = markdown(kind, &input);
        let html_text = html(kind, &input);
        for needle in common_facts {
            if kind == DocumentKind::AlgorithmRegister
                && [ORDER_LEAD, "Doel van Afvalbeleid en diftar"].contains(&needle)
            {
                continue;
            }
            assert_in_both(kind, &markdown_text, &html_text, needle);
        }
        assert!(markdown_text.contains("0.1.0"), "{kind}: peil version");
        assert!(
            markdown_text.contains("1 juni 2025"),
            "{kind}: generated date"
        );
    }

    let transparency_facts = [
        TREND_QUERY,
        HASHTAG_QUERY,
        TREND_JUSTIFICATION,
        ORDER_QUERY,
        ORDER_JUSTIFICATION,
        OWN_ACCOUNT,
        "30 dagen",
        "365 dagen",
        "14 dagen",
        "90 dagen",
        "Mastodon",
        "Bluesky",
        "RSS/Atom",
        "JSONL/CSV",
        "alle bronnen die Peil ondersteunt",
        "Minimale groepsgrootte (k)",
        "actief",
        "Afgeronde werkruimtes",
        "Bezwaar maken",
        "sleutel",
        "Autoriteit Persoonsgegevens",
        "niet representatief",
        "macro-F1 0,61",
    ];
    let markdown_text = markdown(DocumentKind::Transparency, &input);
    let html_text = html(DocumentKind::Transparency, &input);
    for needle in transparency_facts {
        assert_in_both(
            DocumentKind::Transparency,
            &markdown_text,
            &html_text,
            needle,
        );
    }
    // The k of each workspace is stated in its own table row.
    assert!(markdown_text.contains("| **Minimale groepsgrootte (k)** | 10 |"));
    assert!(markdown_text.contains("| **Minimale groepsgrootte (k)** | 20 |"));
    // A disabled monitor is not a monitored topic.
    assert!(!markdown_text.contains(INACTIVE_QUERY));

    let register_facts = [
        "Verwerkingsverantwoordelijke",
        "Categorieën betrokkenen",
        "Categorieën persoonsgegevens",
        "Doel van de verwerking",
        "Bewaartermijn",
        "Bron van de gegevens",
        "Rechtsgrond",
        "Ontvangers",
        "Geautomatiseerde besluitvorming",
        "Doorgifte buiten de EER",
        "Berichten 14 dagen; totalen (aggregaten) 90 dagen",
    ];
    let markdown_text = markdown(DocumentKind::Register, &input);
    let html_text = html(DocumentKind::Register, &input);
    for needle in register_facts {
        assert_in_both(DocumentKind::Register, &markdown_text, &html_text, needle);
    }
    assert!(
        !markdown_text.contains(DRAFT_NAME),
        "drafts are not registered"
    );
    assert!(
        markdown_text.contains(CLOSED_NAME),
        "closed processing stays registered"
    );

    let algorithm_facts = [
        "Type algoritme",
        "Menselijke tussenkomst",
        "Wettelijke basis",
        "In gebruik",
        "EUPL-1.2",
        "Publicatiecategorie",
        "[IN TE VULLEN DOOR DE ORGANISATIE: impactvol algoritme of overig algoritme]",
    ];
    let markdown_text = markdown(DocumentKind::AlgorithmRegister, &input);
    let html_text = html(DocumentKind::AlgorithmRegister, &input);
    for needle in algorithm_facts {
        assert_in_both(
            DocumentKind::AlgorithmRegister,
            &markdown_text,
            &html_text,
            needle,
        );
    }
}

#[test]
fn the_dpia_follows_the_model_dpia_rijksdienst_and_states_safeguards_as_configured() {
    let input = fixture();
    let markdown_text = markdown(DocumentKind::Dpia, &input);
    let html_text = html(DocumentKind::Dpia, &input);
    let headings = [
        "## A. Beschrijving kenmerken gegevensverwerkingen",
        "### 1. Voorstel",
        "### 2. Persoonsgegevens",
        "### 3. Gegevensverwerking",
        "### 4. Verwerkingsdoeleinden",
        "### 5. Betrokken partijen",
        "### 6. Belangen bij de gegevensverwerking",
        "### 7. Verwerkingslocaties",
        "### 8. Juridisch en beleidsmatig kader",
        "### 9. Bewaartermijnen",
        "## B. Beoordeling rechtmatigheid gegevensverwerkingen",
        "### 10. Rechtsgrond",
        "### 11. Bijzondere persoonsgegevens",
        "### 12. Doelbinding",
        "### 13. Noodzaak en evenredigheid",
        "#### Proportionaliteit",
        "#### Subsidiariteit",
        "### 14. Rechten van de betrokkenen",
        "## C. Beschrijving en beoordeling risico\\'s voor de betrokkenen",
        "### 15. Risico\\'s",
        "## D. Beschrijving voorgenomen maatregelen",
        "### 16. Maatregelen",
    ];
    let mut last_position = 0usize;
    for heading in headings {
        let expected = heading.replace("\\'", "'");
        let Some(position) = markdown_text.find(&format!("{expected}\n")) else {
            panic!("DPIA lacks heading {expected:?}");
        };
        assert!(position > last_position, "{expected:?} out of order");
        last_position = position;
    }
    for needle in [
        "[IN TE VULLEN DOOR DE ORGANISATIE: waarom het doel niet met minder ingrijpende middelen",
        "[IN TE VULLEN DOOR DE ORGANISATIE: waar de installatie draait",
        "[IN TE VULLEN DOOR DE ORGANISATIE: kans en ernst]",
        "HMAC-SHA256 met een geheime sleutel per werkruimte en per maand",
        "Merkle-boom volgens RFC 6962, ondertekende controlepunten met Ed25519",
        "Geen werkruimte kan een k lager dan 5 hebben",
        "namen van personen, accountnamen (@handles)",
        "1234",
        "Alleen totalen",
        "hooguit drie",
        "Ingestelde waarborgen per werkruimte",
        "Uitgeschakelde monitors",
        "dit document wordt alleen in het nederlands gegenereerd",
    ] {
        let lower_markdown = strip_markdown(&markdown_text).to_lowercase();
        assert!(
            lower_markdown.contains(&needle.to_lowercase()),
            "DPIA lacks {needle:?}"
        );
    }
    // Part D states the configured k and retention per workspace (rows of the last table).
    let part_d = match markdown_text.split("### 16. Maatregelen").nth(1) {
        Some(part) => part.to_string(),
        None => panic!("no part D"),
    };
    assert!(part_d.contains(&format!("| {ORDER_NAME} | 20 | 14 dagen | 90 dagen |")));
    assert!(part_d.contains(&format!("| {TREND_NAME} | 10 | 30 dagen | 365 dagen |")));
    assert!(html_text.contains("<caption>Ingestelde waarborgen per werkruimte</caption>"));
}

#[test]
fn hostile_values_are_escaped_and_pages_carry_no_script_or_style() {
    let mut input = fixture();
    input.workspaces[0].workspace.name = HOSTILE_NAME.to_string();
    input.workspaces[0].monitors[0].query = "afval | `x` <b>".to_string();
    for kind in DocumentKind::ALL {
        for language in kind.languages() {
            let html_text = match render_html_in(kind, &input, *language) {
                Ok(text) => text,
                Err(error) => panic!("{kind}: {error}"),
            };
            let lowered = html_text.to_lowercase();
            assert!(!lowered.contains("<script"), "{kind}: script tag");
            assert!(!lowered.contains("<style"), "{kind}: style element");
            assert!(!lowered.contains("style="), "{kind}: style attribute");
            assert!(!lowered.contains("<b>"), "{kind}: raw tag from a query");
            assert!(
                html_text.contains(
                    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;afval&quot;"
                ),
                "{kind}: escaped name"
            );
            assert!(html_text.starts_with("<!DOCTYPE html>\n"));
            assert!(html_text.contains(&format!("<html lang=\"{}\">", language.code())));
            assert!(html_text.contains("content=\"default-src 'self'\""));

            let markdown_text = match render_markdown_in(kind, &input, *language) {
                Ok(text) => text,
                Err(error) => panic!("{kind}: {error}"),
            };
            assert!(
                !markdown_text.contains("<script"),
                "{kind}: markdown script"
            );
            // `<b>` may appear only inside a code span, where Markdown shows it literally.
            for (position, _) in markdown_text.match_indices("<b>") {
                assert_eq!(
                    markdown_text.get(position + 3..position + 4),
                    Some("`"),
                    "{kind}"
                );
            }
        }
    }
    let transparency = markdown(DocumentKind::Transparency, &input);
    // The pipe inside a code span is escaped so it cannot split the table cell.
    assert!(
        transparency.contains("`afval \\| \\`x\\` <b>`")
            || transparency.contains("``afval \\| `x` <b>``")
    );
}

#[test]
fn headings_are_in_order_and_tables_are_accessible() {
    let input = fixture();
    for kind in DocumentKind::ALL {
        for language in kind.languages() {
            let html_text = match render_html_in(kind, &input, *language) {
                Ok(text) => text,
                Err(error) => panic!("{kind}: {error}"),
            };
            assert_headings_nested(kind, &html_heading_levels(&html_text));
            let tables = html_text.matches("<table>").count();
            assert!(tables > 0, "{kind}: has tables");
            assert_eq!(
                html_text.matches("<caption>").count(),
                tables,
                "{kind}: captions"
            );
            assert!(html_text.contains("<th scope=\"col\">"));
            assert!(html_text.contains("<th scope=\"row\">"));
            assert!(!html_text.contains("<th>"), "{kind}: every th has a scope");

            let markdown_text = match render_markdown_in(kind, &input, *language) {
                Ok(text) => text,
                Err(error) => panic!("{kind}: {error}"),
            };
            let markdown_levels = markdown_heading_levels(&markdown_text);
            assert_headings_nested(kind, &markdown_levels);
            assert_eq!(
                markdown_levels,
                html_heading_levels(&html_text),
                "{kind}: same outline in both formats"
            );
        }
    }
}

#[test]
fn markdown_and_html_carry_the_same_words() {
    let mut input = fixture();
    input.workspaces[0].workspace.name = HOSTILE_NAME.to_string();
    for kind in DocumentKind::ALL {
        for language in kind.languages() {
            let markdown_text = match render_markdown_in(kind, &input, *language) {
                Ok(text) => text,
                Err(error) => panic!("{kind}: {error}"),
            };
            let html_text = match render_html_in(kind, &input, *language) {
                Ok(text) => text,
                Err(error) => panic!("{kind}: {error}"),
            };
            let markdown_words = words(&strip_markdown(&markdown_text));
            let html_words = words(&strip_html(&html_text));
            let only_in_markdown: Vec<_> = markdown_words.difference(&html_words).collect();
            let only_in_html: Vec<_> = html_words.difference(&markdown_words).collect();
            assert!(
                only_in_markdown.is_empty() && only_in_html.is_empty(),
                "{kind} {language}: only in markdown {only_in_markdown:?}, only in html {only_in_html:?}"
            );
        }
    }
}

#[test]
fn no_document_names_an_office_holder() {
    let input = fixture();
    for kind in DocumentKind::ALL {
        for language in kind.languages() {
            for rendered in [
                render_markdown_in(kind, &input, *language),
                render_html_in(kind, &input, *language),
            ] {
                let text = match rendered {
                    Ok(text) => text,
                    Err(error) => panic!("{kind}: {error}"),
                };
                assert!(
                    !text.to_lowercase().contains("jan de vries"),
                    "{kind} {language} names the office holder"
                );
            }
        }
    }
    let transparency = markdown(DocumentKind::Transparency, &input);
    assert!(transparency.contains("`\"[AMBTSDRAGER]\" AND afval`"));
    assert!(transparency.contains("Op die lijst staan nu 1 naam;"));
    let json = match transparency_json(&input) {
        Ok(value) => value.to_string(),
        Err(error) => panic!("{error}"),
    };
    assert!(!json.to_lowercase().contains("jan de vries"));
    // Public documents do not state stored-post counts; the DPIA does.
    for kind in [
        DocumentKind::Transparency,
        DocumentKind::Register,
        DocumentKind::AlgorithmRegister,
    ] {
        assert!(!markdown(kind, &input).contains("1234"), "{kind}");
    }
}

#[test]
fn transparency_lists_active_and_approved_workspaces_and_closed_ones_apart() {
    let input = fixture();
    for language in [Language::Nl, Language::En] {
        let markdown_text = match render_markdown_in(DocumentKind::Transparency, &input, language) {
            Ok(text) => text,
            Err(error) => panic!("{error}"),
        };
        let (active_heading, completed_heading) = match language {
            Language::Nl => ("## Actieve werkruimtes\n", "## Afgeronde werkruimtes\n"),
            Language::En => ("## Active workspaces\n", "## Completed workspaces\n"),
        };
        let Some(active_start) = markdown_text.find(active_heading) else {
            panic!("no active section");
        };
        let Some(completed_start) = markdown_text.find(completed_heading) else {
            panic!("no completed section");
        };
        let active_section = &markdown_text[active_start..completed_start];
        let rest = &markdown_text[completed_start..];
        assert!(active_section.contains(&format!("### {TREND_NAME}")));
        assert!(active_section.contains(&format!("### {ORDER_NAME}")));
        assert!(active_section.contains(&format!("### {APPROVED_NAME}")));
        assert!(!active_section.contains(CLOSED_NAME));
        assert!(rest.contains(CLOSED_NAME));
        assert!(
            !markdown_text.contains(DRAFT_NAME),
            "drafts are not published"
        );
    }

    let json = match transparency_json(&input) {
        Ok(value) => value,
        Err(error) => panic!("{error}"),
    };
    let active_names: Vec<&str> = json["active_workspaces"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|entry| entry["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(active_names, vec![TREND_NAME, ORDER_NAME, APPROVED_NAME]);
    let completed_names: Vec<&str> = json["completed_workspaces"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|entry| entry["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(completed_names, vec![CLOSED_NAME]);
}

#[test]
fn transparency_json_has_the_documented_fields() {
    let input = fixture();
    let json = match transparency_json(&input) {
        Ok(value) => value,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(json["schema"], peil_docs::TRANSPARENCY_SCHEMA);
    assert_eq!(json["language"], "nl");
    assert_eq!(json["organisation"]["name"], ORGANISATION);
    assert_eq!(json["generated_at"], "2025-06-01T09:30:00Z");
    assert_eq!(json["peil_version"], "0.1.0");
    let trend = &json["active_workspaces"][0];
    for field in [
        "name",
        "status",
        "status_label",
        "purpose",
        "purpose_description",
        "legal_basis",
        "lead",
        "monitored_topics",
        "sources",
        "sources_all_supported",
        "retention_days_posts",
        "retention_days_aggregates",
        "k",
        "own_accounts",
        "fg_contact",
        "ends_at",
    ] {
        assert!(trend.get(field).is_some(), "workspace field {field}");
    }
    assert_eq!(trend["purpose"]["code"], "trend_policy_analysis");
    assert_eq!(trend["legal_basis"], TREND_LEGAL_BASIS);
    assert_eq!(trend["sources_all_supported"], true);
    assert_eq!(trend["sources"].as_array().map(Vec::len), Some(4));
    assert_eq!(trend["monitored_topics"].as_array().map(Vec::len), Some(3));
    assert_eq!(trend["monitored_topics"][0]["query"], TREND_QUERY);
    assert_eq!(
        trend["monitored_topics"][0]["justification"],
        TREND_JUSTIFICATION
    );
    assert_eq!(trend["k"], 10);
    assert_eq!(trend["retention_days_posts"], 30);
    assert!(trend["lead"].is_null());
    let order = &json["active_workspaces"][1];
    assert_eq!(order["lead"], ORDER_LEAD);
    assert_eq!(order["ends_at"], "2025-06-20T09:30:00Z");
    assert_eq!(order["k"], 20);
    assert_eq!(order["sources_all_supported"], false);
    assert_eq!(order["sources"][0]["code"], "mastodon");
    assert_eq!(order["fg_contact"], FG_CONTACT);
    assert_eq!(json["how_to_object"]["fg_contacts"][0], FG_CONTACT);
    assert_eq!(
        json["how_to_object"]["drop_future_posts_by_keyed_hash"],
        true
    );
    assert!(json["how_to_object"]["text"]
        .as_str()
        .is_some_and(|text| text.contains(FG_CONTACT) && text.contains("hash")));
    assert_eq!(json["safeguards"]["minimum_k"], 5);
    assert_eq!(json["safeguards"]["office_holder_names_on_allow_list"], 1);
    assert_eq!(json["safeguards"]["pseudonym_key_period_months"], 1);
    assert!(json["caveat"]["representativeness"].is_string());

    let english = match transparency_json_in(&input, Language::En) {
        Ok(value) => value,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(english["language"], "en");
    assert_eq!(
        english["active_workspaces"][0]["purpose"]["label"],
        "Trend and policy analysis"
    );
}

#[test]
fn the_english_transparency_page_is_english_and_other_documents_are_dutch_only() {
    let input = fixture();
    let english = match render_markdown_in(DocumentKind::Transparency, &input, Language::En) {
        Ok(text) => text,
        Err(error) => panic!("{error}"),
    };
    assert!(english.starts_with("# Transparency about social media monitoring: Gemeente Zwolle"));
    assert!(english.contains("How to object"));
    assert!(english.contains("20 June 2025"));
    assert!(english.contains("[OFFICE HOLDER]"));
    for kind in [
        DocumentKind::Dpia,
        DocumentKind::Register,
        DocumentKind::AlgorithmRegister,
    ] {
        assert_eq!(
            render_html_in(kind, &input, Language::En),
            Err(DocsError::LanguageNotSupported {
                kind,
                language: Language::En
            })
        );
    }
}

#[test]
fn configuration_of_another_organisation_or_below_the_k_floor_is_refused() {
    let mut foreign = fixture();
    foreign.workspaces[1].workspace.organisation_id = 8;
    assert_eq!(
        render_markdown(DocumentKind::Transparency, &foreign),
        Err(DocsError::ForeignWorkspace { workspace_id: 2 })
    );
    assert!(transparency_json(&foreign).is_err());

    let mut wrong_monitor = fixture();
    wrong_monitor.workspaces[0].monitors[0].workspace_id = 2;
    assert_eq!(
        render_html(DocumentKind::Dpia, &wrong_monitor),
        Err(DocsError::ForeignMonitor {
            monitor_id: 11,
            workspace_id: 1
        })
    );

    let mut small_k = fixture();
    small_k.workspaces[0].workspace.k = 3;
    assert!(matches!(
        render_markdown(DocumentKind::Register, &small_k),
        Err(DocsError::KBelowFloor { k: 3, .. })
    ));
}

#[test]
fn missing_facts_become_visible_to_fill_markers_not_inventions() {
    let mut input = fixture();
    for facts in &mut input.workspaces {
        facts.workspace.fg_contact = None;
    }
    input.workspaces[1].workspace.lead = None;
    input.workspaces[1].workspace.ends_at = None;
    input.safeguards.sentiment_accuracy_nl = None;
    let transparency = markdown(DocumentKind::Transparency, &input);
    assert!(transparency.contains(
        "**[IN TE VULLEN DOOR DE ORGANISATIE: contactgegevens van de functionaris gegevensbescherming (FG)]**"
    ));
    assert!(transparency
        .contains("[IN TE VULLEN DOOR DE ORGANISATIE: aanleiding (verplicht voor dit doel)]"));
    assert!(transparency.contains("[IN TE VULLEN DOOR DE ORGANISATIE: einddatum"));
    assert!(transparency.contains("[IN TE VULLEN DOOR DE ORGANISATIE: gemeten nauwkeurigheid"));
    let html_text = html(DocumentKind::Transparency, &input);
    assert!(html_text
        .contains("<mark>[IN TE VULLEN DOOR DE ORGANISATIE: contactgegevens van de FG]</mark>"));
}

#[test]
fn kinds_and_languages_parse_from_their_codes() {
    for kind in DocumentKind::ALL {
        assert_eq!(kind.code().parse::<DocumentKind>(), Ok(kind));
    }
    assert_eq!(
        "algorithm-register".parse(),
        Ok(DocumentKind::AlgorithmRegister)
    );
    assert!("profiel".parse::<DocumentKind>().is_err());
    assert_eq!("EN".parse(), Ok(Language::En));
    assert!("de".parse::<Language>().is_err());
    assert!(DocumentKind::Transparency.is_public());
    assert!(!DocumentKind::Dpia.is_public());
}
