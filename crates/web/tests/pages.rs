//! Every page: a well-formed document (balanced tags), landmarks, one `<h1>`, `lang`, a label for
//! every control, ids unique and referenced ids present, no script or style, every dynamic value
//! escaped, suppressed cells shown as `<k` and never as a number, both languages.

use std::collections::{HashMap, HashSet};

use chrono::{TimeZone, Utc};
use peil_audit::{AuditAction, AuditEntry, AuditResult, IndexedEntry, VerificationReport};
use peil_model::{Monitor, Purpose, Role, Workspace, WorkspaceStatus};
use peil_service::{
    AggregateReport, Burst, Cell, GatedShare, Interval, QueryAnswer, Representativeness,
    RisingTerm, RisingTerms, RisingUnavailable, SeriesCell, Significance, SourceCoverage,
    SubjectHolding, TermCell, TermCluster, TermList, WebcareInbox, WebcareMessage, WebcareStatus,
    WorkspaceSummary,
};
use peil_web::{
    audit_log_page, audit_log_page_paged, audit_page_of, dashboard_page, error_page,
    fg_console_page, login_page, monitors_page, overview_page, report_csv, report_print_page,
    subject_request_page, transparency_page, workspace_form_page, DashboardView, DocumentLink,
    FieldError, GuardFeedback, Language, LoginForm, MonitorForm, PageContext, QueryForm,
    SubjectRequestView, WebcareView, WorkspaceField, WorkspaceForm, WorkspaceFormMode,
};

const HOSTILE: &str = "<img src=x onerror=alert(1)>\"'&";

fn context(language: Language, role: Option<Role>) -> PageContext {
    PageContext {
        language,
        user_label: role.map(|_| format!("analist{HOSTILE}")),
        role,
        csrf_token: role.map(|_| "tok\"en<".to_string()),
        current_path: format!("/workspaces?x={HOSTILE}"),
    }
}

fn at(day: u32) -> chrono::DateTime<Utc> {
    at_hour(day, 0)
}

fn at_hour(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 5, day, hour, 0, 0)
        .single()
        .unwrap_or_default()
}

fn workspace(status: WorkspaceStatus) -> Workspace {
    Workspace {
        id: 1,
        organisation_id: 1,
        name: format!("afval{HOSTILE}"),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: format!("reacties op afvalbeleid {HOSTILE}"),
        legal_basis: "AVG art. 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 10,
        allowed_sources: vec!["mastodon".into()],
        own_accounts: vec!["@gemeente".into()],
        fg_contact: Some("fg@gemeente.example".into()),
        ends_at: Some(at(30)),
        status,
        created_at: at(1),
    }
}

fn cell(key: &str, posts: Option<u64>, share: Option<f64>) -> Cell {
    Cell {
        key: key.into(),
        posts,
        share,
        suppressed: posts.is_none(),
    }
}

/// A suppressed count chosen so that it would be easy to spot if it leaked.
const SECRET: u64 = 7_777;

fn series_cell(day: &str, class: &str, posts: Option<u64>, share: Option<f64>) -> SeriesCell {
    SeriesCell {
        bucket: format!("{day}T00:00:00Z"),
        sentiment: class.into(),
        posts,
        share,
        suppressed: posts.is_none(),
    }
}

/// `answer()` with every day and its sentiment series shown.
fn answer_with_sentiment_series() -> QueryAnswer {
    let mut answer = answer();
    answer.report.volume[1] = cell("2025-05-02", Some(0), None);
    answer.report.volume[1].key = "2025-05-02T00:00:00Z".into();
    let days = [
        ("2025-05-01", 30u64),
        ("2025-05-02", 0),
        ("2025-05-03", 64),
        ("2025-05-04", 26),
    ];
    let mut series = Vec::new();
    for (day, total) in days {
        let negative = total / 2;
        let neutral = total / 4;
        let positive = total - negative - neutral;
        for (class, posts) in [
            ("negative", negative),
            ("neutral", neutral),
            ("positive", positive),
        ] {
            let share = (total > 0).then(|| posts as f64 / total as f64);
            series.push(series_cell(day, class, Some(posts), share));
        }
    }
    answer.report.sentiment_series = series;
    answer.report.sentiment_series_suppressed = 0;
    answer
}

fn answer() -> QueryAnswer {
    let report = AggregateReport {
        k: 10,
        interval: Interval::Day,
        from: Some(at(1)),
        to: Some(at(5)),
        totals: peil_store::Totals {
            posts: Some(120),
            authors_at_least: Some(40),
            suppressed: false,
        },
        volume: vec![
            cell("2025-05-01T00:00:00Z", Some(30), Some(0.25)),
            cell("2025-05-02T00:00:00Z", None, None),
            cell("2025-05-03T00:00:00Z", Some(64), Some(0.53)),
            cell("2025-05-04T00:00:00Z", Some(26), Some(0.22)),
        ],
        sentiment: vec![
            cell("negative", Some(48), Some(0.4)),
            cell("neutral", None, None),
            cell("positive", Some(42), Some(0.35)),
        ],
        languages: vec![cell("nl", Some(100), Some(0.83)), cell("en", None, None)],
        sources: vec![cell(&format!("mastodon{HOSTILE}"), Some(120), Some(1.0))],
        // As the store gives it here: a volume day is suppressed, so the whole series is.
        sentiment_series: ["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04"]
            .into_iter()
            .flat_map(|day| {
                ["negative", "neutral", "positive"]
                    .into_iter()
                    .map(move |class| series_cell(day, class, None, None))
            })
            .collect(),
        sentiment_series_suppressed: 12,
        terms: TermList {
            items: vec![
                TermCell {
                    term: format!("afval{HOSTILE}"),
                    posts: 50,
                },
                TermCell {
                    term: "=cmd|' /C calc'!A0".into(),
                    posts: 20,
                },
            ],
            suppressed: 4,
        },
        hashtags: TermList {
            items: vec![TermCell {
                term: "afvalbeleid".into(),
                posts: 25,
            }],
            suppressed: 0,
        },
        bigrams: TermList {
            items: vec![],
            suppressed: 2,
        },
        suppressed_cells: 9,
        rising: RisingTerms {
            baseline_from: Utc.with_ymd_and_hms(2025, 4, 27, 0, 0, 0).single(),
            baseline_to: Some(at(1)),
            unavailable: None,
            terms: vec![
                RisingTerm {
                    term: format!("statiegeld{HOSTILE}"),
                    posts: 31,
                    significance: Significance::P0001,
                },
                RisingTerm {
                    term: "=container".into(),
                    posts: 12,
                    significance: Significance::P001,
                },
            ],
            hashtags: vec![RisingTerm {
                term: "gft".into(),
                posts: 18,
                significance: Significance::P001,
            }],
            bigrams: vec![],
        },
        bursts: vec![Burst {
            start: at_hour(3, 9),
            peak: at_hour(3, 11),
            end: at_hour(3, 14),
            peak_posts: None,
        }],
        clusters: vec![TermCluster {
            terms: vec![
                format!("afval{HOSTILE}"),
                "afvalbeleid".into(),
                "container".into(),
            ],
        }],
        representativeness: Some(Representativeness {
            reposts: GatedShare {
                percent: Some(12),
                suppressed: false,
            },
            high_frequency_authors: GatedShare {
                percent: None,
                suppressed: true,
            },
            high_frequency_posts_per_day: 10,
            source_coverage: vec![SourceCoverage {
                source: format!("mastodon{HOSTILE}"),
                hours_in_window: 96,
                hours_without_data: 5,
            }],
        }),
        differencing_refusal: None,
    };
    let caveat = peil_policy::Caveat::for_report(&report);
    QueryAnswer {
        organisation: format!("Gemeente {HOSTILE}"),
        workspace: format!("afval{HOSTILE}"),
        purpose: "trend_policy_analysis".into(),
        query: format!("afval AND {HOSTILE}"),
        report,
        caveat,
    }
}

/// Checks what every page must satisfy and returns the page for further checks.
fn check_page(page: &str, language: Language) -> &str {
    assert!(page.starts_with("<!DOCTYPE html>\n"), "doctype");
    assert!(
        page.contains(&format!("<html lang=\"{}\"", language.code())),
        "lang attribute"
    );
    assert_eq!(page.matches("<h1").count(), 1, "exactly one h1");
    for landmark in [
        "<header",
        "<main id=\"inhoud\"",
        "<footer",
        "href=\"#inhoud\"",
    ] {
        assert!(page.contains(landmark), "missing {landmark}");
    }
    // The one script any page may load: the monitor editor's, external and deferred.
    let allowed_script = format!(
        "<script src=\"{}\" defer></script>\n",
        peil_web::MONITOR_CHECK_SCRIPT
    );
    assert!(page.matches(&allowed_script).count() <= 1, "script twice");
    let lowered = page.replacen(&allowed_script, "", 1).to_ascii_lowercase();
    for forbidden in [
        "style=",
        "<script",
        "<style",
        "javascript:",
        "<img",
        "onerror=alert",
    ] {
        // `onerror=alert` may appear only escaped inside text, never as an attribute: the
        // escaped form keeps `<` as `&lt;`, so `<img` never appears.
        if forbidden == "onerror=alert" {
            continue;
        }
        assert!(!lowered.contains(forbidden), "found {forbidden}");
    }
    check_balanced(page);
    check_labels_and_ids(page);
    page
}

const VOID: [&str; 8] = ["meta", "link", "input", "br", "hr", "img", "col", "source"];

/// A tiny tag checker: every opened element is closed in order (void elements and `/>` aside).
fn check_balanced(page: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            panic!("unterminated tag");
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            let Some(open) = stack.pop() else {
                panic!("closing {name} without opening");
            };
            assert_eq!(open, name, "closing {name} while {open} is open");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|character| character.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(!name.is_empty(), "odd tag <{tag}>");
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

fn tags<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    let opening = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find(&opening) {
        let after = &rest[start + opening.len()..];
        let Some(end) = after.find('>') else { break };
        if after.starts_with([' ', '>']) {
            found.push(&after[..end]);
        }
        rest = &after[end..];
    }
    found
}

fn check_labels_and_ids(page: &str) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut rest = page;
    while let Some(position) = rest.find(" id=\"") {
        let after = &rest[position + 5..];
        let end = after.find('"').unwrap_or(0);
        *ids.entry(&after[..end]).or_default() += 1;
        rest = &after[end..];
    }
    for (id, count) in &ids {
        assert_eq!(*count, 1, "id {id} is not unique");
    }
    let labelled: HashSet<&str> = tags(page, "label")
        .into_iter()
        .filter_map(|tag| attribute(tag, "for"))
        .collect();
    for name in ["input", "textarea", "select"] {
        for tag in tags(page, name) {
            if attribute(tag, "type").is_some_and(|kind| kind == "hidden" || kind == "submit") {
                continue;
            }
            let Some(id) = attribute(tag, "id") else {
                panic!("<{name}{tag}> has no id");
            };
            assert!(labelled.contains(id), "<{name} id={id}> has no label");
        }
    }
    for tag in tags(page, "label") {
        if let Some(target) = attribute(tag, "for") {
            assert!(ids.contains_key(target), "label for missing id {target}");
        }
    }
    let mut rest = page;
    while let Some(position) = rest.find("aria-describedby=\"") {
        let after = &rest[position + 18..];
        let end = after.find('"').unwrap_or(0);
        for id in after[..end].split_whitespace() {
            assert!(
                ids.contains_key(id),
                "aria-describedby names missing id {id}"
            );
        }
        rest = &after[end..];
    }
}

fn assert_hostile_escaped(page: &str) {
    assert!(!page.contains(HOSTILE));
    assert!(!page.contains("<img"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"));
}

const LANGUAGES: [Language; 2] = [Language::Nl, Language::En];

#[test]
fn login_page_labels_autocomplete_and_error() {
    for language in LANGUAGES {
        let context = PageContext::anonymous(language, "/login");
        let page = login_page(
            &context,
            &LoginForm {
                username: HOSTILE.into(),
                failed: true,
            },
        );
        check_page(&page, language);
        assert_hostile_escaped(&page);
        assert!(page.contains("autocomplete=\"username\""));
        assert!(page.contains("autocomplete=\"current-password\""));
        assert!(page.contains("role=\"alert\""));
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(!page.contains("<nav"), "no navigation when signed out");
        // The password is never echoed.
        assert!(page.contains("type=\"password\" id=\"password\" name=\"password\" required aria-required=\"true\" aria-invalid=\"true\" aria-describedby=\"password-error\" autocomplete=\"current-password\" value=\"\""));
    }
    let english = login_page(
        &PageContext::anonymous(Language::En, "/login"),
        &LoginForm::default(),
    );
    assert!(english.contains("Sign in"));
    assert!(english.contains("href=\"/login?lang=nl\""));
}

#[test]
fn overview_lists_workspaces_and_navigation_follows_the_role() {
    let summary = WorkspaceSummary {
        organisation: format!("Gemeente {HOSTILE}"),
        workspace: workspace(WorkspaceStatus::Active),
        posts: 1234,
    };
    for language in LANGUAGES {
        for role in [Role::Admin, Role::Analyst, Role::Webcare, Role::Fg] {
            let context = context(language, Some(role));
            let page = overview_page(
                &context,
                &summary.organisation,
                std::slice::from_ref(&summary),
            );
            check_page(&page, language);
            assert_hostile_escaped(&page);
            assert!(page.contains("<td>1234</td>"));
            assert!(page.contains("name=\"csrf_token\" value=\"tok&quot;en&lt;\""));
            assert_eq!(page.contains("href=\"/fg\""), role == Role::Fg);
            assert_eq!(
                page.contains("href=\"/workspaces/new\""),
                role == Role::Admin
            );
            assert_eq!(page.contains("href=\"/inbox\""), role == Role::Webcare);
            assert_eq!(
                page.contains("/dashboard\""),
                matches!(role, Role::Analyst | Role::Fg)
            );
        }
    }
    let page = overview_page(&context(Language::Nl, Some(Role::Analyst)), "G", &[]);
    assert!(page.contains("Er zijn nog geen werkruimtes."));
    assert!(page.contains("aria-current=\"page\""));
}

#[test]
fn workspace_form_has_every_field_and_links_errors() {
    for language in LANGUAGES {
        let context = context(language, Some(Role::Admin));
        let form = WorkspaceForm {
            name: HOSTILE.into(),
            purpose: "public_order_general_picture".into(),
            ..WorkspaceForm::default()
        };
        let errors = vec![
            FieldError {
                field: WorkspaceField::Lead,
                message: format!("lead {HOSTILE}"),
            },
            FieldError {
                field: WorkspaceField::Purpose,
                message: "purpose".into(),
            },
            FieldError {
                field: WorkspaceField::Why,
                message: "why".into(),
            },
        ];
        let page = workspace_form_page(&context, WorkspaceFormMode::Create, &form, &errors);
        check_page(&page, language);
        assert_hostile_escaped(&page);
        for field in WorkspaceField::ALL {
            assert!(
                page.contains(&format!("name=\"{}\"", field.name())),
                "missing field {field:?}"
            );
        }
        assert!(page.contains("href=\"#ws-lead\""));
        assert!(page.contains("href=\"#ws-purpose-public-order-general-picture\""));
        assert!(page.contains("aria-describedby=\"ws-lead-help ws-lead-error\""));
        assert!(page.contains("value=\"public_order_general_picture\" required aria-describedby=\"ws-purpose-public-order-general-picture-help\" checked"));
        assert!(page.contains("class=\"peil-required\""));

        let existing = workspace(WorkspaceStatus::Draft);
        let edit = workspace_form_page(
            &context,
            WorkspaceFormMode::Edit {
                name: &existing.name,
            },
            &WorkspaceForm::from_workspace(&existing),
            &[],
        );
        check_page(&edit, language);
        assert_hostile_escaped(&edit);
        assert!(!edit.contains("name=\"purpose\""), "the purpose is fixed");
        // The end date is shown, not edited: a public-order picture is renewed with its form.
        assert!(edit.contains("<dd>2025-05-30"));
        assert!(!edit.contains("name=\"ends_at\""));
        assert!(edit.contains("id=\"ws-edit-note\""));
        let renew = workspace_form_page(
            &context,
            WorkspaceFormMode::Renew {
                name: &existing.name,
            },
            &WorkspaceForm::from_workspace(&existing),
            &[FieldError {
                field: WorkspaceField::EndsAt,
                message: "te ver".into(),
            }],
        );
        check_page(&renew, language);
        assert_hostile_escaped(&renew);
        for field in [
            WorkspaceField::EndsAt,
            WorkspaceField::Lead,
            WorkspaceField::Why,
        ] {
            assert!(renew.contains(&format!("name=\"{}\"", field.name())));
        }
        assert!(
            !renew.contains("name=\"k\""),
            "renewal changes nothing else"
        );
        assert!(renew.contains("href=\"#ws-ends-at\""));
        assert!(renew.contains("aria-describedby=\"ws-ends-at-help ws-ends-at-error\""));
        assert!(renew.contains("/renew\""));
    }
}

#[test]
fn monitor_editor_shows_guard_feedback() {
    let existing = workspace(WorkspaceStatus::Active);
    let monitors = vec![Monitor {
        id: 1,
        workspace_id: 1,
        query: format!("#afval OR {HOSTILE}"),
        justification: "beleid".into(),
        active: true,
        created_at: at(2),
    }];
    let refused = GuardFeedback::Refused {
        dutch: "Zoeken op een persoon (author:) is niet toegestaan.".into(),
        english: "Searching for a person (author:) is not allowed.".into(),
    };
    for language in LANGUAGES {
        let context = context(language, Some(Role::Analyst));
        let form = MonitorForm {
            query: format!("author:{HOSTILE}"),
            justification: "test".into(),
        };
        let page = monitors_page(&context, &existing, &monitors, &form, Some(&refused));
        check_page(&page, language);
        assert_hostile_escaped(&page);
        assert!(page.contains("role=\"alert\""));
        let expected = match language {
            Language::Nl => "Zoeken op een persoon",
            Language::En => "Searching for a person",
        };
        assert!(page.contains(expected));
        assert!(page.contains("aria-describedby=\"monitor-query-help monitor-query-error\""));
        let accepted = monitors_page(
            &context,
            &existing,
            &monitors,
            &MonitorForm::default(),
            Some(&GuardFeedback::Accepted),
        );
        check_page(&accepted, language);
        assert!(accepted.contains("peil-notice--success"));
        // The FG sees the monitors, not the form.
        let fg = monitors_page(
            &PageContext {
                role: Some(Role::Fg),
                ..context.clone()
            },
            &existing,
            &monitors,
            &MonitorForm::default(),
            None,
        );
        check_page(&fg, language);
        assert!(!fg.contains("<form class=\"peil-form\""));
        // No form, no script.
        assert!(!fg.contains("<script"));
    }
}

#[test]
fn the_monitor_editor_alone_loads_the_live_check_script_with_a_polite_live_region() {
    let existing = workspace(WorkspaceStatus::Active);
    for language in LANGUAGES {
        let context = context(language, Some(Role::Analyst));
        let page = monitors_page(&context, &existing, &[], &MonitorForm::default(), None);
        check_page(&page, language);
        let tag = "<script src=\"/static/js/monitor-check.js\" defer></script>";
        assert_eq!(page.matches("<script").count(), 1);
        assert!(page.contains(tag));
        let head_end = page.find("</head>").unwrap_or_default();
        assert!(
            page.find(tag).is_some_and(|at| at < head_end),
            "in the head"
        );
        assert!(page.contains("data-check-url=\"/api/v1/workspaces/1/monitors/check\""));
        // The live region sits right after the query field, polite, and empty without script.
        let region = page.find("<div id=\"guard-live\"").unwrap_or_default();
        let query = page.find("id=\"monitor-query\"").unwrap_or_default();
        let justification = page
            .find("id=\"monitor-justification\"")
            .unwrap_or_default();
        assert!(query < region && region < justification);
        assert!(page[region..]
            .starts_with("<div id=\"guard-live\" class=\"peil-guard-live\" aria-live=\"polite\""));
        let expected = match language {
            Language::Nl => "data-refused=\"Geweigerd\"",
            Language::En => "data-refused=\"Refused\"",
        };
        assert!(page.contains(expected));
        // Other screens load no script.
        let overview = overview_page(&context, "Gemeente Een", &[]);
        assert!(!overview.contains("<script"));
    }
    assert!(peil_web::CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(!peil_web::CONTENT_SECURITY_POLICY.contains("unsafe"));
}

/// The text between `<tr><th scope="row">{key}</th>` and the row's end.
fn row_of<'a>(page: &'a str, key: &str) -> Vec<&'a str> {
    let start = format!("<tr><th scope=\"row\">{key}</th>");
    page.match_indices(&start)
        .map(|(position, _)| {
            let row = &page[position..];
            &row[..row.find("</tr>").unwrap_or(row.len())]
        })
        .collect()
}

#[test]
fn dashboard_shows_every_part_and_suppressed_cells_as_less_than_k() {
    let answer = answer();
    let quotes = vec![format!("Het afval wordt niet opgehaald {HOSTILE}"); 5];
    let form = QueryForm {
        text: answer.query.clone(),
        from: "2025-05-01".into(),
        to: "2025-05-05".into(),
        interval: Interval::Day,
    };
    for language in LANGUAGES {
        let context = context(language, Some(Role::Analyst));
        let view = DashboardView {
            workspace: &answer.workspace,
            form: &form,
            answer: Some(&answer),
            refusal: None,
            example_quotes: &quotes,
        };
        let page = dashboard_page(&context, &view);
        check_page(&page, language);
        assert_hostile_escaped(&page);
        assert!(!page.contains(&SECRET.to_string()));
        // Suppressed volume bucket, sentiment class and language: `<k` in every table row.
        for key in ["2025-05-02", "en"] {
            let rows = row_of(&page, key);
            assert!(!rows.is_empty(), "no row for {key}");
            for row in rows {
                assert!(row.contains("&lt;k"), "{row}");
                assert!(
                    !row.chars().any(|character| character.is_ascii_digit())
                        || row.contains("2025-05-02"),
                    "a number in a suppressed row: {row}"
                );
            }
        }
        // The sentiment table: the suppressed class is `<k`, the others share and count.
        let whole = match language {
            Language::Nl => "hele selectie",
            Language::En => "whole selection",
        };
        let sentiment_row = row_of(&page, whole);
        assert_eq!(sentiment_row.len(), 1);
        assert!(sentiment_row[0].ends_with(
            "<td>40% (48)</td><td class=\"peil-suppressed\">&lt;k</td><td>35% (42)</td>"
        ));
        let volume_row = row_of(section_of(&page, "dash-volume"), "2025-05-02");
        assert_eq!(volume_row.len(), 1);
        assert!(volume_row[0].ends_with("<td class=\"peil-suppressed\">&lt;k</td><td></td>"));
        // Chart, title, desc and table agree.
        assert!(page.contains("role=\"img\""));
        assert!(page.contains("<title id=\"chart-dash-volume-title\">"));
        assert!(page.contains("<desc id=\"chart-dash-volume-desc\">"));
        assert!(page.contains("26") && page.contains("64"));
        assert!(row_of(&page, "2025-05-03")[0].contains("<td>64</td>"));
        // Caveat block and k explanation.
        assert!(page.contains("class=\"peil-caveat\""));
        assert!(page.contains("k = 10"));
        // At most three quotes, and only for trend analysis.
        assert_eq!(page.matches("<blockquote").count(), 3);
        // Terms; suppressed terms counted, not named.
        assert!(page.contains("<td>50</td>"));
        assert!(page.contains("#afvalbeleid"));
        // Export links carry the query.
        assert!(page.contains("/report.csv?q=afval%20AND%20"));
    }

    let mut public_order = answer.clone();
    public_order.purpose = "public_order_general_picture".into();
    let view = DashboardView {
        workspace: &public_order.workspace,
        form: &form,
        answer: Some(&public_order),
        refusal: None,
        example_quotes: &quotes,
    };
    let page = dashboard_page(&context(Language::Nl, Some(Role::Analyst)), &view);
    assert!(!page.contains("<blockquote"), "no quotes for public order");
}

/// The section labelled by the heading `id`, up to its end.
fn section_of<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!("aria-labelledby=\"{id}\"");
    let Some(start) = page.find(&marker) else {
        panic!("no section {id}");
    };
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The texts between `open` and the next `close`, in order.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else { break };
        found.push(&after[..end]);
        rest = &after[end..];
    }
    found
}

fn dashboard_of(answer: &QueryAnswer, language: Language) -> String {
    let form = QueryForm::default();
    let context = context(language, Some(Role::Analyst));
    let page = dashboard_page(
        &context,
        &DashboardView {
            workspace: &answer.workspace,
            form: &form,
            answer: Some(answer),
            refusal: None,
            example_quotes: &[],
        },
    );
    check_page(&page, language);
    assert_hostile_escaped(&page);
    page
}

#[test]
fn dashboard_and_report_show_rising_terms_bursts_clusters_and_representativeness() {
    let answer = answer();
    let report = &answer.report;
    for language in LANGUAGES {
        let nl = language == Language::Nl;
        let dashboard = dashboard_of(&answer, language);
        let print = report_print_page(&context(language, Some(Role::Analyst)), &answer, at(6));
        check_page(&print, language);
        assert_hostile_escaped(&print);
        for (page, prefix) in [(&dashboard, "dash"), (&print, "rep")] {
            // Rising terms: the baseline window, each term with posts and significance, and
            // nothing that the report does not name.
            let rising = section_of(page, &format!("{prefix}-rising"));
            assert!(rising.contains(if nl {
                ">Stijgende termen</h2>"
            } else {
                ">Rising terms</h2>"
            }));
            assert!(rising.contains(if nl {
                "Vergeleken met de periode ervoor: 2025-04-27 00:00 – 2025-05-01 00:00 UTC."
            } else {
                "Compared with the period before: 2025-04-27 00:00 – 2025-05-01 00:00 UTC."
            }));
            assert!(rising.contains(if nl {
                "<caption>Stijgende hashtags</caption>"
            } else {
                "<caption>Rising hashtags</caption>"
            }));
            assert!(rising.contains(if nl { "Significantie" } else { "Significance" }));
            let expected: Vec<String> = report
                .rising
                .terms
                .iter()
                .chain(report.rising.bigrams.iter())
                .map(|item| peil_web::escape::html(&item.term))
                .chain(
                    report
                        .rising
                        .hashtags
                        .iter()
                        .map(|item| format!("#{}", peil_web::escape::html(&item.term))),
                )
                .collect();
            let shown = between(rising, "<th scope=\"row\">", "</th>");
            assert_eq!(shown.len(), expected.len(), "{shown:?}");
            for term in &shown {
                assert!(
                    expected.iter().any(|known| known == term),
                    "{term} is not in the report"
                );
            }
            let statiegeld = format!(
                "<tr><th scope=\"row\">{}</th><td>31</td><td>p&lt;0.0001</td></tr>",
                peil_web::escape::html(&format!("statiegeld{HOSTILE}"))
            );
            assert!(rising.contains(&statiegeld), "{rising}");
            assert!(rising
                .contains("<tr><th scope=\"row\">#gft</th><td>18</td><td>p&lt;0.001</td></tr>"));
            // No rising word pair: said so, not left blank.
            assert!(rising.contains(if nl {
                "Geen significante stijging."
            } else {
                "No significant rise."
            }));

            // Bursts: start, peak and end as the store found them; the day of the peak marked.
            let bursts = section_of(page, &format!("{prefix}-bursts"));
            assert!(bursts.contains(if nl { ">Pieken</h2>" } else { ">Bursts</h2>" }));
            assert!(bursts.contains(
                "<tr><th scope=\"row\">2025-05-03 09:00</th><td>2025-05-03 11:00</td><td>2025-05-03 14:00</td></tr>"
            ));
            assert!(bursts.contains(if nl {
                "<th scope=\"col\">Hoogste uur</th>"
            } else {
                "<th scope=\"col\">Peak hour</th>"
            }));
            assert!(bursts.contains(if nl {
                "alleen in een overzicht per uur"
            } else {
                "only in an hourly view"
            }));
            assert!(page.contains(if nl {
                "Pieken gemarkeerd: 2025-05-03."
            } else {
                "Bursts marked: 2025-05-03."
            }));
            let marked = if nl {
                "<td>piek</td>"
            } else {
                "<td>burst</td>"
            };
            let marked_rows: Vec<&str> = ["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04"]
                .into_iter()
                .filter(|day| row_of(page, day).iter().any(|row| row.ends_with(marked)))
                .collect();
            assert_eq!(marked_rows, vec!["2025-05-03"]);

            // Related terms: the groups as the report has them, nothing else.
            let clusters = section_of(page, &format!("{prefix}-clusters"));
            assert!(clusters.contains(if nl {
                ">Samenhangende termen</h2>"
            } else {
                ">Related terms</h2>"
            }));
            let shown = between(clusters, "<span class=\"peil-term\">", "</span>");
            let expected: Vec<String> = report
                .clusters
                .iter()
                .flat_map(|cluster| cluster.terms.iter())
                .map(|term| peil_web::escape::html(term))
                .collect();
            assert_eq!(shown, expected);
            assert_eq!(clusters.matches("<li>").count(), 1);

            // Representativeness, after the caveat: mixes, reposts, very active authors with
            // the threshold (withheld: `<k` and why), hours without data per source.
            let caveat = page.find("class=\"peil-caveat\"").unwrap_or(usize::MAX);
            let block = page
                .find("class=\"peil-caveat peil-representativeness\"")
                .unwrap_or(0);
            assert!(
                caveat < block,
                "the representativeness block follows the caveat"
            );
            let representativeness = section_of(page, &format!("{prefix}-representativeness"));
            assert!(representativeness.contains(if nl {
                ">Representativiteit</h2>"
            } else {
                ">Representativeness</h2>"
            }));
            assert!(representativeness.contains(&format!(
                "<dd>{} 100%</dd>",
                peil_web::escape::html(&format!("mastodon{HOSTILE}"))
            )));
            assert!(representativeness.contains(&format!(
                "<dd aria-describedby=\"{prefix}-k\">nl 83%, en &lt;k</dd>"
            )));
            assert!(representativeness.contains(if nl {
                "<dt>Aandeel reposts (doorgestuurde berichten)</dt><dd>12% "
            } else {
                "<dt>Share of reposts (boosts)</dt><dd>12% "
            }));
            assert!(representativeness.contains(&format!(
                "<dt>{}</dt><dd><span class=\"peil-suppressed\" aria-describedby=\"{prefix}-rep-k\">&lt;k</span>",
                if nl {
                    "Aandeel berichten van zeer actieve auteurs (≥ 10 berichten per dag)"
                } else {
                    "Share of posts from very active authors (≥ 10 posts per day)"
                }
            )));
            assert!(representativeness.contains(&format!(
                "<p id=\"{prefix}-rep-k\">{}</p>",
                if nl {
                    "&lt;k: dit aandeel wordt niet getoond, omdat de groep of de rest van minder dan k = 10 auteurs komt."
                } else {
                    "&lt;k: this share is withheld because the group or the rest comes from fewer than k = 10 authors."
                }
            )));
            assert!(representativeness.contains(if nl {
                "<caption>Uren zonder gegevens per bron</caption>"
            } else {
                "<caption>Hours without data per source</caption>"
            }));
            assert!(representativeness.contains(&format!(
                "<tr><th scope=\"row\">{}</th><td>96</td><td>5</td></tr>",
                peil_web::escape::html(&format!("mastodon{HOSTILE}"))
            )));
            // A withheld share is never a number.
            let high_frequency = representativeness
                .split("<dt>")
                .find(|part| part.contains("≥ 10"))
                .unwrap_or_default();
            let value = &high_frequency[high_frequency.find("<dd>").unwrap_or(0)..];
            let value = &value[..value.find("</dd>").unwrap_or(value.len())];
            assert!(
                !value.chars().any(|character| character.is_ascii_digit()),
                "{value}"
            );
        }
    }
}

#[test]
fn rising_terms_that_could_not_be_computed_say_why() {
    let mut no_window = answer();
    no_window.report.rising = RisingTerms {
        baseline_from: None,
        baseline_to: None,
        unavailable: Some(RisingUnavailable::NoWindow),
        terms: vec![],
        hashtags: vec![],
        bigrams: vec![],
    };
    let mut too_small = answer();
    too_small.report.rising.unavailable = Some(RisingUnavailable::BaselineTooSmall);
    // Even if terms came with an unavailable list, none is shown.
    for language in LANGUAGES {
        let nl = language == Language::Nl;
        let page = dashboard_of(&no_window, language);
        let rising = section_of(&page, "dash-rising");
        assert!(rising.contains(if nl {
            "Kies een begin- en einddatum om te vergelijken met de periode ervoor."
        } else {
            "Choose a start and an end date to compare with the period before."
        }));
        assert!(!rising.contains("<table"));
        assert!(!rising.contains(if nl {
            "Vergeleken met"
        } else {
            "Compared with"
        }));

        let page = dashboard_of(&too_small, language);
        let rising = section_of(&page, "dash-rising");
        assert!(rising.contains(if nl {
            "De periode ervoor heeft te weinig berichten (minder dan k = 10 auteurs) om mee te vergelijken."
        } else {
            "The period before has too few posts (fewer than k = 10 authors) to compare with."
        }));
        assert!(rising.contains("2025-04-27 00:00 – 2025-05-01 00:00 UTC"));
        assert!(!rising.contains("<table"));
        assert!(
            !page.contains("statiegeld"),
            "a term of an unavailable list was shown"
        );

        for (answer, reason) in [
            (&no_window, "no_window"),
            (&too_small, "baseline_too_small"),
        ] {
            let records = parse_csv(&report_csv(language, answer));
            assert!(records
                .iter()
                .any(|record| record[0] == "rising_unavailable" && record[1] == reason));
            assert!(!records
                .iter()
                .any(|record| record[0].starts_with("rising_term")));
            let comment = if reason == "no_window" {
                if nl {
                    "Kies een begin- en einddatum"
                } else {
                    "Choose a start and an end date"
                }
            } else if nl {
                "te weinig berichten"
            } else {
                "too few posts"
            };
            assert!(records
                .iter()
                .any(|record| record[0] == "#" && record[1].contains(comment)));
        }
    }
}

#[test]
fn hourly_bursts_mark_every_hour_and_show_the_peak_posts() {
    let mut hourly = answer();
    hourly.report.interval = Interval::Hour;
    hourly.report.volume = (7..15)
        .map(|hour| {
            let key = at_hour(3, hour).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let posts = if (9..12).contains(&hour) { 40 } else { 11 };
            cell(&key, Some(posts), None)
        })
        .collect();
    hourly.report.bursts = vec![Burst {
        start: at_hour(3, 9),
        peak: at_hour(3, 10),
        end: at_hour(3, 12),
        peak_posts: Some(40),
    }];
    for language in LANGUAGES {
        let nl = language == Language::Nl;
        let page = dashboard_of(&hourly, language);
        let marked = if nl {
            "<td>piek</td>"
        } else {
            "<td>burst</td>"
        };
        for hour in 7..15 {
            let key = format!("2025-05-03 {hour:02}:00");
            let rows = row_of(&page, &key);
            let volume_row = rows
                .iter()
                .find(|row| row.contains("</th><td>11</td>") || row.contains("</th><td>40</td>"));
            let Some(volume_row) = volume_row else {
                panic!("no volume row for {key}");
            };
            assert_eq!(
                volume_row.ends_with(marked),
                (9..12).contains(&hour),
                "{volume_row}"
            );
        }
        let bursts = section_of(&page, "dash-bursts");
        assert!(bursts.contains(if nl {
            "<th scope=\"col\">Berichten in het hoogste uur</th>"
        } else {
            "<th scope=\"col\">Posts in the peak hour</th>"
        }));
        assert!(bursts.contains(
            "<tr><th scope=\"row\">2025-05-03 09:00</th><td>2025-05-03 10:00</td><td>2025-05-03 12:00</td><td>40</td></tr>"
        ));
        let records = parse_csv(&report_csv(language, &hourly));
        assert!(records.iter().any(|record| record
            == &vec![
                "burst".to_string(),
                "2025-05-03T09:00:00Z/2025-05-03T12:00:00Z".to_string(),
                "40".to_string(),
                "2025-05-03T10:00:00Z".to_string(),
            ]));
    }
}

#[test]
fn dashboard_with_everything_suppressed_or_refused() {
    let mut hidden = answer();
    hidden.report.totals = peil_store::Totals {
        posts: None,
        authors_at_least: None,
        suppressed: true,
    };
    for cell in hidden
        .report
        .volume
        .iter_mut()
        .chain(hidden.report.sentiment.iter_mut())
    {
        cell.posts = None;
        cell.share = None;
        cell.suppressed = true;
    }
    hidden.report.representativeness = None;
    hidden.caveat = peil_policy::Caveat::for_report(&hidden.report);
    let form = QueryForm::default();
    let refusal = GuardFeedback::Refused {
        dutch: format!("geweigerd {HOSTILE}"),
        english: format!("refused {HOSTILE}"),
    };
    for language in LANGUAGES {
        let context = context(language, Some(Role::Fg));
        let page = dashboard_page(
            &context,
            &DashboardView {
                workspace: &hidden.workspace,
                form: &form,
                answer: Some(&hidden),
                refusal: None,
                example_quotes: &[],
            },
        );
        check_page(&page, language);
        assert!(
            page.contains("<dd class=\"peil-suppressed\" aria-describedby=\"dash-k\">&lt;k</dd>")
        );
        // A withheld report shows none of its signals, and says so.
        let withheld = match language {
            Language::Nl => "Niet beschikbaar: deze selectie toont geen cijfers.",
            Language::En => "Not available: this selection shows no figures.",
        };
        for id in [
            "dash-rising",
            "dash-bursts",
            "dash-clusters",
            "dash-representativeness",
        ] {
            assert!(section_of(&page, id).contains(withheld), "{id}");
        }
        assert!(!page.contains("statiegeld"));
        assert!(!page.contains("peil-term\""));
        assert!(!page.contains("12%"));
        for key in ["2025-05-01", "2025-05-03", "2025-05-04"] {
            assert!(row_of(&page, key)[0].contains("&lt;k"));
        }
        let refused = dashboard_page(
            &context,
            &DashboardView {
                workspace: &hidden.workspace,
                form: &form,
                answer: None,
                refusal: Some(&refusal),
                example_quotes: &[],
            },
        );
        check_page(&refused, language);
        assert_hostile_escaped(&refused);
        assert!(refused.contains("role=\"alert\""));
        assert!(!refused.contains("peil-caveat"));
    }
}

#[test]
fn print_report_carries_the_caveat_and_no_navigation() {
    let answer = answer();
    for language in LANGUAGES {
        let context = context(language, Some(Role::Analyst));
        let page = report_print_page(&context, &answer, at(6));
        check_page(&page, language);
        assert_hostile_escaped(&page);
        assert!(page.contains("peil--print"));
        assert!(!page.contains("<nav"));
        assert!(!page.contains("<form"));
        assert!(page.contains("class=\"peil-caveat\""));
        assert!(page.contains("2025-05-06 00:00 UTC"));
    }
}

/// Splits CSV text into records (RFC 4180 quoting), enough for the test.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match (quoted, character) {
            (true, '"') if characters.peek() == Some(&'"') => {
                field.push('"');
                characters.next();
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, other) => field.push(other),
        }
    }
    records
}

#[test]
fn csv_report_escapes_neutralises_and_suppresses() {
    let mut answer = answer();
    answer.report.sources[0].key = "bron, met \"quotes\"\nen regel".into();
    answer.report.languages[0].key = "+nl".into();
    answer.report.hashtags.items[0].term = "@SUM(1)".into();
    answer.report.bigrams.items.push(TermCell {
        term: "-2+3".into(),
        posts: 11,
    });
    for language in LANGUAGES {
        let csv = report_csv(language, &answer);
        assert!(csv.starts_with("#,"));
        assert!(!csv.contains(&SECRET.to_string()));
        let records = parse_csv(&csv);
        for record in &records {
            assert_eq!(record.len(), 4, "{record:?}");
            for field in record {
                assert!(
                    !field.starts_with(['=', '+', '-', '@']),
                    "formula not neutralised: {field}"
                );
            }
        }
        let comments = records.iter().take_while(|record| record[0] == "#").count();
        assert!(comments >= 8, "caveat rows first");
        let find = |section: &str, key: &str| {
            records
                .iter()
                .find(|record| record[0] == section && record[1] == key)
                .cloned()
        };
        assert_eq!(
            find("volume_day", "2025-05-02T00:00:00Z").map(|record| record[2].clone()),
            Some("<k".to_string())
        );
        assert_eq!(
            find("sentiment", "neutral").map(|record| (record[2].clone(), record[3].clone())),
            Some(("<k".to_string(), "<k".to_string()))
        );
        assert_eq!(
            find("source", "bron, met \"quotes\"\nen regel").map(|record| record[2].clone()),
            Some("120".to_string())
        );
        assert!(find("language", "'+nl").is_some());
        assert!(find("hashtag", "'@SUM(1)").is_some());
        assert!(find("bigram", "'-2+3").is_some());
        assert!(find("term", "'=cmd|' /C calc'!A0").is_some());
        assert!(records
            .iter()
            .any(|record| record[0] == "#" && record[1].contains("k = 10")));
        // Rising terms, bursts, related terms and representativeness.
        let row = |section: &str, key: &str| {
            find(section, key).map(|record| (record[2].clone(), record[3].clone()))
        };
        assert_eq!(
            row(
                "rising_baseline",
                "2025-04-27T00:00:00Z/2025-05-01T00:00:00Z"
            ),
            Some((String::new(), String::new()))
        );
        assert_eq!(
            row("rising_term", &format!("statiegeld{HOSTILE}")),
            Some(("31".to_string(), "p<0.0001".to_string()))
        );
        assert_eq!(
            row("rising_term", "'=container"),
            Some(("12".to_string(), "p<0.001".to_string()))
        );
        assert_eq!(
            row("rising_hashtag", "gft"),
            Some(("18".to_string(), "p<0.001".to_string()))
        );
        let rising_terms = records
            .iter()
            .filter(|record| record[0].starts_with("rising_") && !record[0].contains("baseline"))
            .count();
        assert_eq!(rising_terms, 3, "only the report's rising terms");
        assert_eq!(
            row("burst", "2025-05-03T09:00:00Z/2025-05-03T14:00:00Z"),
            Some((String::new(), "2025-05-03T11:00:00Z".to_string()))
        );
        for term in [
            format!("afval{HOSTILE}"),
            "afvalbeleid".into(),
            "container".into(),
        ] {
            assert!(find("cluster_1", &term).is_some(), "{term}");
        }
        assert_eq!(
            row("repost_share", ""),
            Some((String::new(), "0.12".to_string()))
        );
        assert_eq!(
            row("high_frequency_share", "posts_per_day>=10"),
            Some((String::new(), "<k".to_string()))
        );
        let source = format!("mastodon{HOSTILE}");
        assert_eq!(
            row("hours_in_window", &source),
            Some(("96".to_string(), String::new()))
        );
        assert_eq!(
            row("hours_without_data", &source),
            Some(("5".to_string(), "0.0521".to_string()))
        );
        let explained = match language {
            Language::Nl => "vierde kolom = significantie",
            Language::En => "fourth column = significance",
        };
        assert!(records
            .iter()
            .take(comments)
            .any(|record| record[1].contains(explained)));
    }
    // A withheld report lists none of them.
    let mut hidden = answer.clone();
    hidden.report.representativeness = None;
    let csv = report_csv(Language::Nl, &hidden);
    for section in ["rising_", "burst", "cluster_", "repost_share", "hours_"] {
        assert!(
            !csv.lines().any(|line| line.starts_with(section)),
            "{section} in a withheld report"
        );
    }
}

#[test]
fn fg_console_audit_log_and_subject_requests() {
    let pending = WorkspaceSummary {
        organisation: "G".into(),
        workspace: workspace(WorkspaceStatus::Draft),
        posts: 0,
    };
    let mut second = pending.clone();
    second.workspace.name = "tweede".into();
    let active = WorkspaceSummary {
        organisation: "G".into(),
        workspace: workspace(WorkspaceStatus::Active),
        posts: 5,
    };
    let entries = vec![
        IndexedEntry {
            index: 0,
            entry: AuditEntry {
                action: AuditAction::Query,
                object: format!("workspace:{HOSTILE}"),
                result: AuditResult::Succeeded,
                actor: "user:3".into(),
                origin: "web".into(),
                at: at(2),
                detail: Some(format!("#afval {HOSTILE}")),
            },
        },
        IndexedEntry {
            index: 1,
            entry: AuditEntry {
                action: AuditAction::Approval,
                object: "workspace:x".into(),
                result: AuditResult::Refused,
                actor: "user:4".into(),
                origin: "web".into(),
                at: at(3),
                detail: None,
            },
        },
    ];
    let mut broken = VerificationReport::default();
    broken.problems.push(peil_audit::VerificationProblem {
        kind: peil_audit::ProblemKind::RootMismatch,
        file: "audit-log.jsonl".into(),
        line: Some(2),
        message: format!("root {HOSTILE}"),
    });
    for language in LANGUAGES {
        let context = context(language, Some(Role::Fg));
        let console = fg_console_page(
            &context,
            &[pending.clone(), second.clone(), active.clone()],
            &DocumentLink::all(),
        );
        check_page(&console, language);
        assert_hostile_escaped(&console);
        assert_eq!(
            console.matches("name=\"why\"").count(),
            2,
            "one form per draft"
        );
        assert!(console.contains("/status\""));
        assert!(console.contains("/fg/documents/dpia?lang="));

        let valid = audit_log_page(&context, &entries, Some(&VerificationReport::default()));
        check_page(&valid, language);
        assert_hostile_escaped(&valid);
        assert!(valid.contains("peil-notice--success"));
        let newest = valid.find("<th scope=\"row\">1</th>").unwrap_or(usize::MAX);
        let oldest = valid.find("<th scope=\"row\">0</th>").unwrap_or(0);
        assert!(newest < oldest, "newest first");
        let invalid = audit_log_page(&context, &entries, Some(&broken));
        check_page(&invalid, language);
        assert!(invalid.contains("role=\"alert\""));
        assert!(invalid.contains("audit-log.jsonl"));
        let unverified = audit_log_page(&context, &[], None);
        check_page(&unverified, language);

        let view = SubjectRequestView {
            platform: "mastodon".into(),
            holdings: Some(vec![SubjectHolding {
                organisation_id: 1,
                workspace_id: 1,
                workspace_name: format!("afval{HOSTILE}"),
                posts: 3,
                live_keys_searched: 2,
            }]),
            error: None,
        };
        let subjects = subject_request_page(&context, &view);
        check_page(&subjects, language);
        assert_hostile_escaped(&subjects);
        assert!(subjects.contains("id=\"subject-handle\" name=\"handle\" required aria-required=\"true\" aria-describedby=\"subject-handle-help\" autocomplete=\"off\" value=\"\""));
    }
}

#[test]
fn error_pages_in_both_languages() {
    for language in LANGUAGES {
        for status in [400u16, 403, 404, 500, 502] {
            let page = error_page(&context(language, Some(Role::Analyst)), status);
            check_page(&page, language);
            assert!(page.contains(&status.to_string()));
        }
    }
    let english = error_page(&PageContext::anonymous(Language::En, "/x"), 404);
    assert!(english.contains("Page not found"));
    let dutch = error_page(&PageContext::anonymous(Language::Nl, "/x"), 404);
    assert!(dutch.contains("Pagina niet gevonden"));
}

#[test]
fn transparency_page_wraps_the_generated_document() {
    let input = peil_docs::DocumentInput {
        organisation: peil_model::Organisation {
            id: 1,
            name: format!("Gemeente {HOSTILE}"),
            created_at: at(1),
        },
        workspaces: vec![peil_docs::WorkspaceFacts {
            workspace: workspace(WorkspaceStatus::Active),
            monitors: vec![],
            posts_stored: 0,
            key_periods_live: 1,
        }],
        allow_list: vec![],
        generated_at: at(2),
        peil_version: "0.1.0".into(),
        safeguards: peil_docs::Safeguards::peil_defaults(),
    };
    for (language, docs_language) in [
        (Language::Nl, peil_docs::Language::Nl),
        (Language::En, peil_docs::Language::En),
    ] {
        let Ok(docs) =
            peil_docs::render_html_in(peil_docs::DocumentKind::Transparency, &input, docs_language)
        else {
            panic!("peil-docs did not render");
        };
        let context = PageContext::anonymous(language, "/transparency/gemeente");
        let Ok(page) = transparency_page(&context, &docs) else {
            panic!("not wrapped");
        };
        check_page(&page, language);
        assert!(!page.contains("<img"));
        assert!(page.contains("peil-transparency"));
    }
    let context = PageContext::anonymous(Language::Nl, "/t");
    assert!(transparency_page(&context, "<p>no main</p>").is_err());
    assert!(
        transparency_page(&context, "<main><h1>x</h1><script>alert(1)</script></main>").is_err()
    );
}

fn audit_entries(indexes: impl IntoIterator<Item = u64>) -> Vec<IndexedEntry> {
    indexes
        .into_iter()
        .map(|index| IndexedEntry {
            index,
            entry: AuditEntry {
                action: AuditAction::View,
                object: "workspaces".into(),
                result: AuditResult::Succeeded,
                actor: "user:1".into(),
                origin: "web".into(),
                at: Utc
                    .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
                    .single()
                    .unwrap_or_default(),
                detail: None,
            },
        })
        .collect()
}

fn indexes(page: &peil_web::AuditPage) -> Vec<u64> {
    page.entries.iter().map(|entry| entry.index).collect()
}

#[test]
fn the_audit_log_pages_back_and_forth_by_index() {
    // Visible entries need not be contiguous (other organisations' entries are filtered out).
    let visible: Vec<u64> = (0..25).map(|n| n * 2).collect(); // 0, 2, …, 48
    let newest = audit_page_of(audit_entries(visible.clone()), None, Some(10));
    assert_eq!(
        indexes(&newest),
        (15..25).map(|n| n * 2).collect::<Vec<_>>()
    );
    assert_eq!(newest.newer, None, "the newest page has no newer page");
    assert_eq!(newest.older, Some(30));
    let middle = audit_page_of(audit_entries(visible.clone()), newest.older, Some(10));
    assert_eq!(indexes(&middle), (5..15).map(|n| n * 2).collect::<Vec<_>>());
    assert_eq!(
        middle.newer,
        Some(None),
        "one page newer is the newest page"
    );
    assert_eq!(middle.older, Some(10));
    let oldest = audit_page_of(audit_entries(visible.clone()), middle.older, Some(10));
    assert_eq!(indexes(&oldest), (0..5).map(|n| n * 2).collect::<Vec<_>>());
    assert_eq!(oldest.older, None, "the oldest page has no older page");
    assert_eq!(oldest.newer, Some(Some(30)));
    // Back from the oldest page: the same page as `middle`.
    let back = audit_page_of(audit_entries(visible.clone()), Some(30), Some(10));
    assert_eq!(indexes(&back), indexes(&middle));
    // A `before` between indexes, past the end or before the start.
    assert_eq!(
        indexes(&audit_page_of(
            audit_entries(visible.clone()),
            Some(5),
            Some(10)
        )),
        vec![0, 2, 4]
    );
    assert_eq!(
        indexes(&audit_page_of(
            audit_entries(visible.clone()),
            Some(1000),
            Some(3)
        )),
        vec![44, 46, 48]
    );
    assert!(
        audit_page_of(audit_entries(visible.clone()), Some(0), Some(3))
            .entries
            .is_empty()
    );
    // Without a limit: everything before `before`, no links.
    let all = audit_page_of(audit_entries(visible), None, None);
    assert_eq!(all.entries.len(), 25);
    assert_eq!((all.older, all.newer), (None, None));

    for language in LANGUAGES {
        let context = context(language, Some(Role::Fg));
        let page = check_page(&audit_log_page_paged(&context, &middle, None), language).to_string();
        let nav = page
            .split("<nav class=\"peil-pagination\"")
            .nth(1)
            .unwrap_or_default();
        assert!(
            nav.starts_with(" aria-label=\""),
            "a named navigation region"
        );
        assert!(nav.contains("href=\"/fg/audit\" rel=\"prev\""), "{nav}");
        assert!(
            nav.contains("href=\"/fg/audit?before=10\" rel=\"next\""),
            "{nav}"
        );
        let single = audit_log_page_paged(&context, &all_on_one_page(), None);
        assert!(
            !single.contains("peil-pagination"),
            "no links when all fits"
        );
    }
}

fn all_on_one_page() -> peil_web::AuditPage {
    audit_page_of(audit_entries(0..3), None, Some(50))
}

fn webcare_message(id: i64, status: WebcareStatus, link: &str) -> WebcareMessage {
    WebcareMessage {
        id,
        published_at: at(3),
        source: "mastodon".to_string(),
        language: peil_model::Language::Nl,
        text: format!("@gemeente {HOSTILE}"),
        sentiment: peil_model::SentimentLabel::Negative,
        status,
        handled_at: (status != WebcareStatus::Open).then(|| at(4)),
        answer_link: link.to_string(),
    }
}

#[test]
fn the_webcare_inbox_escapes_messages_links_only_to_web_addresses_and_labels_its_forms() {
    let inbox = WebcareInbox {
        organisation: "Gemeente Een".to_string(),
        workspace: format!("webcare{HOSTILE}"),
        workspace_id: 7,
        page: 1,
        page_size: 25,
        total: 30,
        open: 1,
        messages: vec![
            webcare_message(11, WebcareStatus::Open, "https://social.example/@a/1?x=\"<"),
            webcare_message(12, WebcareStatus::Answered, "javascript:alert(1)"),
            webcare_message(13, WebcareStatus::Closed, "https://social.example/@c/3"),
        ],
    };
    for language in LANGUAGES {
        let context = context(language, Some(Role::Webcare));
        let view = WebcareView {
            workspaces: vec!["een".to_string(), inbox.workspace.clone()],
            inbox: Some(inbox.clone()),
            notice: None,
        };
        let page = peil_web::webcare_page(&context, &view);
        check_page(&page, language);
        assert_hostile_escaped(&page);
        assert!(page.contains("href=\"https://social.example/@a/1?x=&quot;&lt;\""));
        assert!(!page.contains("javascript:"), "only http(s) links");
        let open_text = match language {
            Language::Nl => "Open om te beantwoorden",
            Language::En => "Open to answer",
        };
        assert_eq!(page.matches(open_text).count(), 2);
        // Forms for the open and the answered message, none for the closed one; each why field
        // labelled; only the open one can still be marked answered.
        assert_eq!(page.matches("name=\"why\"").count(), 2);
        assert!(page.contains("<label class=\"utrecht-form-label\" for=\"why-11\">"));
        assert_eq!(page.matches("value=\"answered\"").count(), 1);
        assert_eq!(
            page.matches("name=\"csrf_token\"").count(),
            3,
            "two forms and logout"
        );
        // Two pages of 25: a link to the next one.
        assert!(page.contains("page=2"));
        assert!(page.contains("aria-current=\"page\""));
    }
    let empty = WebcareView::default();
    let page = peil_web::webcare_page(&context(Language::Nl, Some(Role::Webcare)), &empty);
    check_page(&page, Language::Nl);
    assert!(page.contains("geen webcare-werkruimte"));
}

#[test]
fn dashboard_print_report_and_csv_show_sentiment_over_time() {
    let shown = answer_with_sentiment_series();
    for language in LANGUAGES {
        let page = dashboard_of(&shown, language);
        let section = section_of(&page, "dash-sentiment-series");
        let (heading, title) = match language {
            Language::Nl => ("Sentiment door de tijd", "Aandeel sentiment per periode"),
            Language::En => ("Sentiment over time", "Sentiment shares per period"),
        };
        assert!(section.contains(heading), "{section}");
        assert!(section.contains(&format!(
            "<title id=\"chart-dash-sentiment-series-title\">{title}</title>"
        )));
        assert!(section.contains("<desc id=\"chart-dash-sentiment-series-desc\">"));
        // Day 1: 15 negative, 7 neutral, 8 positive of 30; the empty day is 0%, not hidden.
        let day_one = row_of(section, "2025-05-01");
        assert_eq!(day_one.len(), 1, "{section}");
        assert!(day_one[0].ends_with("<td>50% (15)</td><td>23% (7)</td><td>27% (8)</td>"));
        let empty_day = row_of(section, "2025-05-02");
        assert!(empty_day[0].ends_with("<td>0% (0)</td><td>0% (0)</td><td>0% (0)</td>"));
        assert!(!section.contains("<title>&lt;k</title>"), "nothing hatched");
        // The sentiment accuracy caveat stays beside the chart.
        let accuracy = match language {
            Language::Nl => &shown.caveat.sentiment_accuracy_nl,
            Language::En => &shown.caveat.sentiment_accuracy_en,
        };
        assert!(section.contains(&peil_web_escape(accuracy)));

        let print = report_print_page(&context(language, Some(Role::Analyst)), &shown, at(6));
        let print_section = section_of(&print, "rep-sentiment-series");
        assert!(print_section.contains("<td>50% (15)</td>"));

        let records = parse_csv(&report_csv(language, &shown));
        let day_one_negative: Vec<&Vec<String>> = records
            .iter()
            .filter(|record| {
                record
                    .first()
                    .is_some_and(|section| section == "sentiment_series")
            })
            .collect();
        assert_eq!(day_one_negative.len(), 12, "one row per day and class");
        assert!(records.contains(&vec![
            "sentiment_series".to_string(),
            "2025-05-01T00:00:00Z/negative".to_string(),
            "15".to_string(),
            "0.5000".to_string(),
        ]));
    }

    // Suppressed: every cell `<k` in the chart's table and in the CSV, no number of a class.
    let hidden = answer();
    for language in LANGUAGES {
        let page = dashboard_of(&hidden, language);
        let section = section_of(&page, "dash-sentiment-series");
        assert!(section.contains("fill=\"url(#chart-dash-sentiment-series-hatch)\""));
        assert!(section.contains(">&lt;k</text>"));
        for day in ["2025-05-01", "2025-05-03"] {
            let row = row_of(section, day);
            assert!(row[0].ends_with(
                "<td class=\"peil-suppressed\">&lt;k</td><td class=\"peil-suppressed\">&lt;k</td><td class=\"peil-suppressed\">&lt;k</td>"
            ));
        }
        assert!(
            section.contains(": 12."),
            "suppressed cells counted: {section}"
        );
        let records = parse_csv(&report_csv(language, &hidden));
        for record in records.iter().filter(|record| {
            record
                .first()
                .is_some_and(|section| section == "sentiment_series")
        }) {
            assert_eq!(&record[2..], &["<k".to_string(), "<k".to_string()]);
        }
        assert!(records.contains(&vec![
            "sentiment_series_suppressed".to_string(),
            String::new(),
            "12".to_string(),
            String::new(),
        ]));
    }
}

/// The text as the pages escape it (enough for the caveat sentences).
fn peil_web_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
