//! The web screens end to end on the router (`tower::ServiceExt::oneshot`, no socket, a temp data
//! directory): login form and session, the overview, the dashboard with `<k` cells and the
//! caveat, guard refusals, CSV export, CSRF of HTML forms, the public transparency page, the
//! CSP of every HTML response, static assets, language and tenant isolation.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use peil_connectors::{RawPost, Record};
use peil_model::{Purpose, Role, WorkspaceDraft, WorkspaceStatus};
use peil_server::table::ROUTES;
use peil_server::{AppState, ServerSettings};
use peil_service::{totp_code_at, totp_secret_of_uri, Actor, ImportScope, Service, ServiceError};
use tower::ServiceExt;

const PASSWORD: &str = "een heel lang wachtwoord";
const FORM: &str = "application/x-www-form-urlencoded";

fn ok<T>(result: Result<T, ServiceError>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

fn draft(name: &str) -> WorkspaceDraft {
    WorkspaceDraft {
        name: name.to_string(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "reacties op afvalbeleid".to_string(),
        legal_basis: "AVG art. 6(1)(e)".to_string(),
        lead: None,
        retention_days_posts: 3650,
        retention_days_aggregates: 3650,
        k: 5,
        allowed_sources: Vec::new(),
        own_accounts: vec!["@gemeente".to_string()],
        fg_contact: Some("fg@gemeente.example".to_string()),
        ends_at: None,
    }
}

fn raw_post(number: u32, day: u32, author: &str, text: &str) -> Record {
    raw_post_at(number, day, 12, author, text)
}

fn raw_post_at(number: u32, day: u32, hour: u32, author: &str, text: &str) -> Record {
    Record::Post(RawPost {
        source: "mastodon".into(),
        source_id: format!("https://social.example/statuses/{number}"),
        created_at: Utc
            .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .unwrap_or_default(),
        text: text.into(),
        author_id: author.into(),
        language: Some("nl".into()),
        url: None,
        reply_to_author_id: None,
        is_repost: false,
    })
}

struct Fixture {
    _directory: tempfile::TempDir,
    data_dir: std::path::PathBuf,
    app: Router,
    secrets: HashMap<String, String>,
    totp_uses: Mutex<HashMap<String, i64>>,
}

fn fixture() -> Fixture {
    let directory = match tempfile::tempdir() {
        Ok(directory) => directory,
        Err(error) => panic!("no temp dir: {error}"),
    };
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let operator = Actor::LocalOperator;
    ok(service.create_organisation(&operator, "Gemeente Een", "test"));
    ok(service.create_organisation(&operator, "Gemeente Twee", "test"));
    ok(service.add_user(&operator, "Gemeente Een", "anna", Role::Admin, "beheer"));
    ok(service.add_user(&operator, "Gemeente Twee", "otto", Role::Admin, "beheer"));
    let admin = ok(service.actor(Some("anna")));
    let other_admin = ok(service.actor(Some("otto")));
    ok(service.add_user(&admin, "Gemeente Een", "bas", Role::Analyst, "analist"));
    ok(service.add_user(&admin, "Gemeente Een", "fenna", Role::Fg, "FG"));
    ok(service.add_user(
        &other_admin,
        "Gemeente Twee",
        "olaf",
        Role::Analyst,
        "analist",
    ));
    // Gemeente Twee's FG and webcare user (the route matrix's other organisation).
    ok(service.add_user(&other_admin, "Gemeente Twee", "olga", Role::Fg, "FG"));
    ok(service.add_user(
        &other_admin,
        "Gemeente Twee",
        "oskar",
        Role::Webcare,
        "webcare",
    ));
    let fg = ok(service.actor(Some("fenna")));
    let analyst = ok(service.actor(Some("bas")));
    ok(service.create_workspace(&admin, "Gemeente Een", &draft("afval"), "test"));
    ok(service.create_workspace(&admin, "Gemeente Een", &draft("verkeer"), "test"));
    ok(service.create_workspace(&other_admin, "Gemeente Twee", &draft("geheim"), "test"));
    ok(service.set_workspace_status(&fg, "afval", None, WorkspaceStatus::Approved, "akkoord"));
    ok(service.set_workspace_status(&admin, "afval", None, WorkspaceStatus::Active, "start"));
    ok(service.add_monitor(&analyst, "afval", None, "afval OR container*", "evaluatie"));
    // Day 2: twelve authors (visible); day 3: two authors (below k = 5, suppressed).
    let mut records = Vec::new();
    for author in 0..12 {
        records.push(raw_post(
            author,
            2,
            &format!("https://social.example/@bewoner{author}"),
            "De afval container staat weer vol in de straat",
        ));
    }
    for author in 0..2 {
        records.push(raw_post(
            100 + author,
            3,
            &format!("https://social.example/@buur{author}"),
            "Waarom wordt het afval niet opgehaald",
        ));
    }
    // Day 10, 12:00: six authors (visible) after days of silence, a burst in hourly volume.
    for author in 0..6 {
        records.push(raw_post(
            200 + author,
            10,
            &format!("https://social.example/@fietser{author}"),
            "De container bij het station is weer vol met afval",
        ));
    }
    // Day 20: five authors one per hour (each hour below k, no burst); the smallest visible day,
    // so the store's complementary suppression of day 3 hides this day rather than day 10.
    for author in 0..5 {
        records.push(raw_post_at(
            300 + author,
            20,
            8 + author,
            &format!("https://social.example/@wandelaar{author}"),
            "Het afval in het park wordt niet opgehaald",
        ));
    }
    ok(service.import(
        &operator,
        &ImportScope::Installation,
        100,
        records.into_iter().map(Ok),
        &mut |_| {},
    ));
    // A webcare workspace: two messages addressed to the own account `@gemeente`, one not.
    ok(service.add_user(&admin, "Gemeente Een", "wim", Role::Webcare, "webcare"));
    let mut webcare_draft = draft("webcare");
    webcare_draft.purpose = Purpose::CommunicationWebcare;
    ok(service.create_workspace(&admin, "Gemeente Een", &webcare_draft, "webcare"));
    ok(service.set_workspace_status(&fg, "webcare", None, WorkspaceStatus::Approved, "akkoord"));
    ok(service.set_workspace_status(&admin, "webcare", None, WorkspaceStatus::Active, "start"));
    ok(service.add_monitor(&admin, "webcare", None, "vuilnis", "vragen over vuilnis"));
    let webcare_records = vec![
        raw_post(400, 21, "inwoner-a", "@gemeente de vuilnis ligt er nog"),
        raw_post(
            401,
            22,
            "inwoner-b",
            "@Gemeente wanneer komt de vuilnisauto? vuilnis",
        ),
        raw_post(402, 22, "inwoner-c", "vuilnis op straat"),
    ];
    ok(service.import(
        &operator,
        &ImportScope::Installation,
        100,
        webcare_records.into_iter().map(Ok),
        &mut |_| {},
    ));
    let mut secrets = HashMap::new();
    for name in [
        "anna", "bas", "fenna", "otto", "olaf", "wim", "olga", "oskar",
    ] {
        ok(service.set_password(&operator, name, PASSWORD));
    }
    for name in ["anna", "fenna", "otto", "olga"] {
        let enrolment = ok(service.enrol_totp(&operator, name));
        let Some(secret) = totp_secret_of_uri(&enrolment.otpauth_uri) else {
            panic!("no secret in the otpauth URI");
        };
        secrets.insert(name.to_string(), secret);
    }
    let data_dir = directory.path().to_path_buf();
    let app = peil_server::router(AppState::new(service, None, ServerSettings::default()));
    Fixture {
        _directory: directory,
        data_dir,
        app,
        secrets,
        totp_uses: Mutex::new(HashMap::new()),
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    fn is_html(&self) -> bool {
        self.header("content-type").starts_with("text/html")
    }
}

/// A browser: a cookie jar.
#[derive(Default, Clone)]
struct Browser {
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Some((pair, attributes)) = text.split_once(';') else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if attributes.contains("Max-Age=0") || value.is_empty() {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_string(), value.trim().to_string());
            }
        }
    }

    /// The session's CSRF token (the CSRF cookie).
    fn csrf(&self) -> String {
        self.cookies
            .get("__Host-peil-csrf")
            .cloned()
            .unwrap_or_default()
    }
}

/// The value of the hidden `csrf_token` field in a page.
fn form_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    html.find(marker)
        .and_then(|start| {
            let rest = &html[start + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .unwrap_or_default()
}

fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| {
            let encoded: String = value
                .bytes()
                .map(|byte| match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                        (byte as char).to_string()
                    }
                    b' ' => "+".to_string(),
                    other => format!("%{other:02X}"),
                })
                .collect();
            format!("{name}={encoded}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Every HTML response: the web CSP (nothing inline) and no inline style or script.
fn assert_html_is_strict(reply: &Reply) {
    assert!(
        reply.is_html(),
        "not HTML: {}",
        reply.header("content-type")
    );
    let policy = reply.header("content-security-policy");
    assert_eq!(policy, peil_web::CONTENT_SECURITY_POLICY);
    assert!(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"));
    assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"));
    assert_eq!(reply.header("x-content-type-options"), "nosniff");
    // The one script a page may load: the monitor editor's, from /static/, deferred.
    let allowed_script = format!(
        "<script src=\"{}\" defer></script>",
        peil_web::MONITOR_CHECK_SCRIPT
    );
    let lowered = reply
        .body
        .replacen(&allowed_script, "", 1)
        .to_ascii_lowercase();
    assert!(!lowered.contains("style="), "inline style");
    assert!(!lowered.contains("<script"), "script");
    assert!(!lowered.contains("<style"), "style element");
}

impl Fixture {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = match self.app.clone().oneshot(request).await {
            Ok(response) => response,
            Err(error) => match error {},
        };
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = match axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await {
            Ok(bytes) => bytes,
            Err(error) => panic!("body: {error}"),
        };
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
        }
    }

    async fn get(&self, browser: &mut Browser, path: &str) -> Reply {
        let mut builder = Request::builder().method(Method::GET).uri(path);
        if !browser.cookies.is_empty() {
            builder = builder.header(COOKIE, browser.cookie_header());
        }
        let Ok(request) = builder.body(Body::empty()) else {
            panic!("request");
        };
        let reply = self.send(request).await;
        browser.remember(&reply.headers);
        reply
    }

    async fn post(&self, browser: &mut Browser, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(CONTENT_TYPE, FORM);
        if !browser.cookies.is_empty() {
            builder = builder.header(COOKIE, browser.cookie_header());
        }
        let Ok(request) = builder.body(Body::from(encode(fields))) else {
            panic!("request");
        };
        let reply = self.send(request).await;
        browser.remember(&reply.headers);
        reply
    }

    fn totp(&self, name: &str) -> String {
        let Some(secret) = self.secrets.get(name) else {
            return String::new();
        };
        let mut uses = match self.totp_uses.lock() {
            Ok(uses) => uses,
            Err(poisoned) => poisoned.into_inner(),
        };
        let used = uses.entry(name.to_string()).or_insert(0);
        let at = Utc::now() + chrono::Duration::seconds(30 * (*used - 1));
        *used += 1;
        totp_code_at(secret, at).unwrap_or_default()
    }

    /// Logs in through the HTML form, as a browser would.
    async fn login(&self, name: &str) -> Browser {
        let mut browser = Browser::default();
        let form = self.get(&mut browser, "/login").await;
        assert_eq!(form.status, StatusCode::OK);
        assert_html_is_strict(&form);
        let token = form_token(&form.body);
        assert!(!token.is_empty(), "the login form has no token");
        let totp = self.totp(name);
        let reply = self
            .post(
                &mut browser,
                "/login",
                &[
                    ("csrf_token", &token),
                    ("username", name),
                    ("password", PASSWORD),
                    ("totp", &totp),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "login {name}: {}",
            reply.body
        );
        assert_eq!(reply.header("location"), "/");
        assert!(browser.cookies.contains_key("__Host-peil-session"));
        assert!(!browser.csrf().is_empty());
        browser
    }
}

#[tokio::test]
async fn the_login_form_starts_a_session_and_the_overview_shows_the_workspaces() {
    let fixture = fixture();
    let mut anonymous = Browser::default();
    let root = fixture.get(&mut anonymous, "/").await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.header("location"), "/login");

    // A wrong password: the form again, 401, the name kept, the password not.
    let mut browser = Browser::default();
    let form = fixture.get(&mut browser, "/login").await;
    let token = form_token(&form.body);
    let failed = fixture
        .post(
            &mut browser,
            "/login",
            &[
                ("csrf_token", &token),
                ("username", "bas"),
                ("password", "geheim-fout-123456"),
            ],
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    assert_html_is_strict(&failed);
    assert!(failed.body.contains("value=\"bas\""));
    assert!(!failed.body.contains("geheim-fout"));
    assert!(!browser.cookies.contains_key("__Host-peil-session"));

    // The login form without its pre-session token is refused.
    let mut stranger = Browser::default();
    let forged = fixture
        .post(
            &mut stranger,
            "/login",
            &[("username", "bas"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_html_is_strict(&forged);

    let mut browser = fixture.login("bas").await;
    let browser_token = browser.csrf();
    let session_cookie = browser
        .cookies
        .get("__Host-peil-session")
        .cloned()
        .unwrap_or_default();
    assert_eq!(session_cookie.len(), 64);
    let overview = fixture.get(&mut browser, "/").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert_html_is_strict(&overview);
    assert!(overview.body.contains("afval"));
    assert!(overview.body.contains("verkeer"));
    assert!(
        !overview.body.contains("geheim"),
        "another organisation's workspace"
    );
    // The logout form carries the session's CSRF token.
    assert_eq!(form_token(&overview.body), browser.csrf());

    let logout = fixture
        .post(&mut browser, "/logout", &[("csrf_token", &browser_token)])
        .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(logout.header("location"), "/login");
    let after = fixture.get(&mut browser, "/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_dashboard_shows_suppressed_cells_as_below_k_with_the_caveat() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    let dashboard = fixture
        .get(
            &mut browser,
            "/workspaces/afval/dashboard?q=afval&from=2026-03-01&to=2026-03-31&interval=day",
        )
        .await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.body);
    assert_html_is_strict(&dashboard);
    // Day 3 has two authors (k = 5): its cell is `<k`, day 2 (twelve authors) a number.
    assert!(
        dashboard
            .body
            .contains("<td class=\"peil-suppressed\">&lt;k</td>"),
        "no suppressed cell shown"
    );
    assert!(
        dashboard.body.contains("<td>12</td>"),
        "the visible day is missing"
    );
    assert!(dashboard.body.contains("peil-caveat"), "no caveat block");
    assert!(dashboard.body.contains("<svg"), "no chart");
    assert!(
        !dashboard.body.contains("bewoner"),
        "an author id reached the page"
    );
    let print = fixture
        .get(
            &mut browser,
            "/workspaces/afval/report?q=afval&interval=day",
        )
        .await;
    assert_eq!(print.status, StatusCode::OK);
    assert_html_is_strict(&print);
    assert!(print.body.contains("peil-caveat"));
}

/// The text between `<tr><th scope="row">{key}</th>` and the row's end, for every such row.
fn rows_of<'a>(page: &'a str, key: &str) -> Vec<&'a str> {
    let start = format!("<tr><th scope=\"row\">{key}</th>");
    page.match_indices(&start)
        .map(|(position, _)| {
            let row = &page[position..];
            &row[..row.find("</tr>").unwrap_or(row.len())]
        })
        .collect()
}

#[tokio::test]
async fn the_dashboard_marks_and_lists_the_stores_bursts_and_shows_the_new_sections() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    let daily = fixture
        .get(
            &mut browser,
            "/workspaces/afval/dashboard?q=afval&from=2026-03-01&to=2026-03-31&interval=day",
        )
        .await;
    assert_eq!(daily.status, StatusCode::OK, "{}", daily.body);
    assert_html_is_strict(&daily);
    // The store found one burst (day 10, 12:00–13:00); its day is marked, and day 2 (the
    // largest day, which mean + 2σ over the days would have marked) is not.
    let marked = |page: &str, key: &str| {
        rows_of(page, key)
            .first()
            .is_some_and(|row| row.ends_with("<td>piek</td>"))
    };
    assert!(
        marked(&daily.body, "2026-03-10"),
        "the burst's day is not marked"
    );
    assert!(!marked(&daily.body, "2026-03-02"));
    assert!(daily.body.contains("Pieken gemarkeerd: 2026-03-10."));
    assert!(daily.body.contains(
        "<tr><th scope=\"row\">2026-03-10 12:00</th><td>2026-03-10 12:00</td><td>2026-03-10 13:00</td></tr>"
    ));
    // The other sections, in Dutch; the window before holds no posts, which is said.
    for heading in [
        ">Stijgende termen</h2>",
        ">Pieken</h2>",
        ">Samenhangende termen</h2>",
        ">Representativiteit</h2>",
    ] {
        assert!(daily.body.contains(heading), "no {heading}");
    }
    assert!(daily
        .body
        .contains("De periode ervoor heeft te weinig berichten (minder dan k = 5 auteurs)"));
    assert!(daily.body.contains("≥ 10 berichten per dag"));
    assert!(daily
        .body
        .contains("<caption>Uren zonder gegevens per bron</caption>"));
    assert!(!daily.body.contains("fietser") && !daily.body.contains("bewoner"));

    // Per hour: the burst's hour is marked with its posts, the hours around it are not.
    let hourly = fixture
        .get(
            &mut browser,
            "/workspaces/afval/dashboard?q=afval&from=2026-03-01&to=2026-03-31&interval=hour&lang=en",
        )
        .await;
    assert_eq!(hourly.status, StatusCode::OK, "{}", hourly.body);
    assert_html_is_strict(&hourly);
    let burst_hour = rows_of(&hourly.body, "2026-03-10 12:00");
    assert!(
        burst_hour
            .iter()
            .any(|row| row.ends_with("<td>6</td><td>burst</td>")),
        "{burst_hour:?}"
    );
    for quiet in ["2026-03-10 11:00", "2026-03-10 13:00"] {
        assert!(rows_of(&hourly.body, quiet)
            .iter()
            .all(|row| !row.ends_with("<td>burst</td>")));
    }
    assert!(hourly
        .body
        .contains("<td>2026-03-10 13:00</td><td>6</td></tr>"));
    assert!(hourly.body.contains(">Rising terms</h2>"));
    assert!(hourly.body.contains(">Related terms</h2>"));
    assert!(hourly.body.contains("≥ 10 posts per day"));

    // Without a window there is nothing to compare with, which the report says (in Dutch
    // again: the English choice above is kept in a cookie).
    let print = fixture
        .get(
            &mut browser,
            "/workspaces/afval/report?q=afval&interval=day&lang=nl",
        )
        .await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(print
        .body
        .contains("Kies een begin- en einddatum om te vergelijken met de periode ervoor."));
    let csv = fixture
        .get(
            &mut browser,
            "/workspaces/afval/report.csv?q=afval&interval=day",
        )
        .await;
    assert!(
        csv.body.contains("rising_unavailable,no_window"),
        "{}",
        csv.body
    );
    assert!(csv
        .body
        .contains("burst,2026-03-10T12:00:00Z/2026-03-10T13:00:00Z,,2026-03-10T12:00:00Z"));
}

#[tokio::test]
async fn a_refused_query_shows_the_refusal_and_its_text_stays_out_of_the_audit_log() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    let browser_token = browser.csrf();
    let refused = fixture
        .get(
            &mut browser,
            "/workspaces/afval/dashboard?q=%40kanarie_piet77&interval=day",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_html_is_strict(&refused);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(
        !refused.body.contains("peil-caveat"),
        "figures shown for a refused query"
    );
    // The monitor editor shows the guard's verdict too, with the typed values kept.
    let monitor = fixture
        .post(
            &mut browser,
            "/workspaces/afval/monitors",
            &[
                ("csrf_token", &browser_token),
                ("query", "@kanarie_piet77"),
                ("justification", "wat zegt deze persoon"),
            ],
        )
        .await;
    assert_eq!(
        monitor.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        monitor.body
    );
    assert_html_is_strict(&monitor);
    assert!(monitor.body.contains("peil-notice--error"));
    let accepted = fixture
        .post(
            &mut browser,
            "/workspaces/afval/monitors",
            &[
                ("csrf_token", &browser_token),
                ("query", "gft OR statiegeld"),
                ("justification", "evaluatie van het inzamelbeleid"),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert!(accepted.body.contains("peil-notice--success"));
    assert!(accepted.body.contains("statiegeld"));
    let log =
        std::fs::read_to_string(fixture.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("\"query"), "queries are audited");
    assert!(
        !log.contains("kanarie"),
        "a refused query's text reached the audit log"
    );
}

#[tokio::test]
async fn the_csv_export_is_an_attachment_with_the_caveat_rows() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    let csv = fixture
        .get(
            &mut browser,
            "/workspaces/afval/report.csv?q=afval&interval=day",
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let disposition = csv.header("content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"peil-afval-"),
        "{disposition}"
    );
    assert!(csv.body.starts_with("#,"), "caveat rows come first");
    assert!(csv.body.contains("k = 5"));
    assert!(csv.body.contains("volume_day,2026-03-03"), "{}", csv.body);
    assert!(csv.body.contains(",<k,"), "no suppressed cell in the CSV");
    assert!(!csv.body.contains("bewoner"));
}

#[tokio::test]
async fn html_forms_without_the_right_csrf_token_get_the_403_page() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    let fields = [
        ("query", "container*"),
        ("justification", "evaluatie van het inzamelbeleid"),
    ];
    let missing = fixture
        .post(&mut browser, "/workspaces/afval/monitors", &fields)
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert_html_is_strict(&missing);
    let mut wrong_fields = fields.to_vec();
    wrong_fields.push(("csrf_token", "0000"));
    let wrong = fixture
        .post(&mut browser, "/workspaces/afval/monitors", &wrong_fields)
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_html_is_strict(&wrong);
    let other = fixture.login("bas").await;
    let mut foreign_fields = fields.to_vec();
    let other_token = other.csrf();
    foreign_fields.push(("csrf_token", &other_token));
    let foreign = fixture
        .post(&mut browser, "/workspaces/afval/monitors", &foreign_fields)
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let logout = fixture.post(&mut browser, "/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    // Nothing was added.
    let page = fixture
        .get(&mut browser, "/workspaces/afval/monitors")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<code>container*</code>"));
}

#[tokio::test]
async fn the_transparency_page_is_public() {
    let fixture = fixture();
    let mut anonymous = Browser::default();
    let page = fixture
        .get(&mut anonymous, "/transparency/Gemeente%20Een")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_html_is_strict(&page);
    assert!(page.body.contains("Gemeente Een"));
    assert!(!page.body.contains("Gemeente Twee"));
    assert!(!page.body.contains("csrf_token"));
    let english = fixture
        .get(&mut anonymous, "/transparency/Gemeente%20Een?lang=en")
        .await;
    assert_eq!(english.status, StatusCode::OK);
    assert!(english.body.contains("<html lang=\"en\""));
    let missing = fixture.get(&mut anonymous, "/transparency/Nergens").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_html_is_strict(&missing);
}

#[tokio::test]
async fn static_stylesheets_are_served_as_css_with_a_long_cache() {
    let fixture = fixture();
    let mut anonymous = Browser::default();
    let css = fixture.get(&mut anonymous, "/static/peil.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("max-age="));
    assert_eq!(css.header("x-content-type-options"), "nosniff");
    for sheet in peil_web::STYLESHEETS {
        assert_eq!(
            fixture.get(&mut anonymous, sheet).await.status,
            StatusCode::OK
        );
    }
    let Ok(head) = Request::builder()
        .method(Method::HEAD)
        .uri("/static/peil.css")
        .body(Body::empty())
    else {
        panic!("request");
    };
    let head = fixture.send(head).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.header("content-type").starts_with("text/css"));
    let missing = fixture.get(&mut anonymous, "/static/../Cargo.toml").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_monitor_check_script_is_served_as_javascript_with_a_long_cache() {
    let fixture = fixture();
    let mut anonymous = Browser::default();
    let script = fixture
        .get(&mut anonymous, peil_web::MONITOR_CHECK_SCRIPT)
        .await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.header("cache-control").contains("max-age="));
    assert_eq!(script.header("x-content-type-options"), "nosniff");
    assert!(script
        .body
        .starts_with("// SPDX-License-Identifier: EUPL-1.2"));
    // It reads the CSRF token from the page's form and sends it as the API's header.
    assert!(script.body.contains("'X-CSRF-Token'"));
    assert!(script.body.contains("input[name=\"csrf_token\"]"));
    // No markup from answers: text only; nothing evaluated.
    assert!(!script.body.contains("innerHTML") && !script.body.contains("eval("));
    // The editor loads it; the HTML CSP allows exactly 'self' scripts and same-origin fetch.
    let mut analyst = fixture.login("bas").await;
    let editor = fixture
        .get(&mut analyst, "/workspaces/afval/monitors")
        .await;
    assert_html_is_strict(&editor);
    assert!(editor
        .body
        .contains("<script src=\"/static/js/monitor-check.js\" defer></script>"));
    let policy = editor.header("content-security-policy");
    assert!(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"));
    let overview = fixture.get(&mut analyst, "/workspaces").await;
    assert!(!overview.body.contains("<script"));
}

#[tokio::test]
async fn another_organisations_workspace_gets_the_404_page() {
    let fixture = fixture();
    let mut outsider = fixture.login("olaf").await;
    for path in [
        "/workspaces/afval/dashboard",
        "/workspaces/afval/monitors",
        "/workspaces/afval/report.csv",
        "/workspaces/afval/report",
    ] {
        let reply = fixture.get(&mut outsider, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_html_is_strict(&reply);
        assert!(!reply.body.contains("afval container"));
    }
    let missing = fixture
        .get(&mut outsider, "/workspaces/bestaat-niet/dashboard")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let own = fixture
        .get(&mut outsider, "/workspaces/geheim/dashboard")
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
}

#[tokio::test]
async fn the_language_is_chosen_with_lang_and_kept_in_a_cookie() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    let dutch = fixture.get(&mut browser, "/").await;
    assert!(dutch.body.contains("<html lang=\"nl\""));
    let english = fixture.get(&mut browser, "/?lang=en").await;
    assert!(english.body.contains("<html lang=\"en\""));
    assert!(
        english.body.contains("href=\"/?lang=nl\""),
        "the toggle links back"
    );
    let kept = fixture
        .get(&mut browser, "/workspaces/afval/monitors")
        .await;
    assert!(kept.body.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn admins_create_workspaces_with_field_errors_shown_and_others_may_not() {
    let fixture = fixture();
    let mut analyst = fixture.login("bas").await;
    let refused = fixture.get(&mut analyst, "/workspaces/new").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_html_is_strict(&refused);

    let mut admin = fixture.login("anna").await;
    let form = fixture.get(&mut admin, "/workspaces/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_html_is_strict(&form);
    let token = admin.csrf();
    let invalid = fixture
        .post(
            &mut admin,
            "/workspaces",
            &[
                ("csrf_token", &token),
                ("name", "parkeren"),
                ("purpose", "trend_policy_analysis"),
                ("retention_days_posts", "dertig"),
                ("retention_days_aggregates", "365"),
                ("k", "2"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert_html_is_strict(&invalid);
    assert!(invalid.body.contains("peil-error-summary"));
    assert!(
        invalid.body.contains("value=\"parkeren\""),
        "typed values are kept"
    );
    let too_small_k = fixture
        .post(
            &mut admin,
            "/workspaces",
            &[
                ("csrf_token", &token),
                ("name", "parkeren"),
                ("purpose", "trend_policy_analysis"),
                ("purpose_text", "reacties op parkeerbeleid"),
                ("legal_basis", "AVG art. 6(1)(e)"),
                ("retention_days_posts", "30"),
                ("retention_days_aggregates", "365"),
                ("k", "2"),
                ("why", "evaluatie"),
            ],
        )
        .await;
    assert_eq!(
        too_small_k.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_small_k.body
    );
    assert!(too_small_k.body.contains("ws-k-error"));
    let created = fixture
        .post(
            &mut admin,
            "/workspaces",
            &[
                ("csrf_token", &token),
                ("name", "parkeren"),
                ("purpose", "trend_policy_analysis"),
                ("purpose_text", "reacties op parkeerbeleid"),
                ("legal_basis", "AVG art. 6(1)(e)"),
                ("retention_days_posts", "30"),
                ("retention_days_aggregates", "365"),
                ("k", "10"),
                ("why", "evaluatie"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let overview = fixture.get(&mut admin, "/").await;
    assert!(overview.body.contains("parkeren"));
    let settings = fixture.get(&mut admin, "/workspaces/parkeren").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert_html_is_strict(&settings);
}

#[tokio::test]
async fn the_fg_approves_verifies_the_audit_log_and_looks_up_a_subject_without_echoing_it() {
    let fixture = fixture();
    let mut fg = fixture.login("fenna").await;
    let fg_token = fg.csrf();
    let console = fixture.get(&mut fg, "/fg").await;
    assert_eq!(console.status, StatusCode::OK, "{}", console.body);
    assert_html_is_strict(&console);
    assert!(console.body.contains("/workspaces/verkeer/status"));
    let approved = fixture
        .post(
            &mut fg,
            "/workspaces/verkeer/status",
            &[
                ("csrf_token", &fg_token),
                ("status", "approved"),
                ("why", "DPIA gelezen, akkoord"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert_eq!(approved.header("location"), "/fg");
    let after = fixture.get(&mut fg, "/fg").await;
    assert!(!after.body.contains("/workspaces/verkeer/status"));

    let audit = fixture.get(&mut fg, "/fg/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert_html_is_strict(&audit);
    let verified = fixture
        .post(
            &mut fg,
            "/fg/audit",
            &[("csrf_token", &fg_token), ("verify", "1")],
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    assert!(verified.body.contains("peil-notice--success"));

    let lookup = fixture
        .post(
            &mut fg,
            "/fg/subject-requests",
            &[
                ("csrf_token", &fg_token),
                ("platform", "mastodon"),
                ("handle", "https://social.example/@bewoner3"),
            ],
        )
        .await;
    assert_eq!(lookup.status, StatusCode::OK, "{}", lookup.body);
    assert_html_is_strict(&lookup);
    assert!(!lookup.body.contains("bewoner3"), "the handle was echoed");
    assert!(lookup.body.contains("<th scope=\"row\">afval</th>"));
    let log =
        std::fs::read_to_string(fixture.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(!log.contains("bewoner3"));

    let dpia = fixture.get(&mut fg, "/fg/documents/dpia").await;
    assert_eq!(dpia.status, StatusCode::OK, "{}", dpia.body);
    assert_html_is_strict(&dpia);
    let unknown = fixture.get(&mut fg, "/fg/documents/geheim").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // An analyst has no FG console.
    let mut analyst = fixture.login("bas").await;
    let refused = fixture.get(&mut analyst, "/fg").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let audit = fixture.get(&mut analyst, "/fg/audit").await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_login_form_locks_an_account_after_repeated_failures_like_the_api() {
    let fixture = fixture();
    let mut browser = Browser::default();
    let form = fixture.get(&mut browser, "/login").await;
    let token = form_token(&form.body);
    for attempt in 0..5 {
        let password = format!("geheim-fout-{attempt}-xyz");
        let reply = fixture
            .post(
                &mut browser,
                "/login",
                &[
                    ("csrf_token", &token),
                    ("username", "bas"),
                    ("password", &password),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let locked = fixture
        .post(
            &mut browser,
            "/login",
            &[
                ("csrf_token", &token),
                ("username", "bas"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_html_is_strict(&locked);
    assert!(!browser.cookies.contains_key("__Host-peil-session"));
    let log =
        std::fs::read_to_string(fixture.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(
        !log.contains("geheim-fout"),
        "a password reached the audit log"
    );
}

/// The value of the first hidden `message` field in a page.
fn message_field(html: &str) -> String {
    let marker = "name=\"message\" value=\"";
    html.find(marker)
        .and_then(|start| {
            let rest = &html[start + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_webcare_inbox_screen_lists_messages_with_answer_links_for_webcare_only() {
    let fixture = fixture();
    let mut browser = fixture.login("wim").await;
    let home = fixture.get(&mut browser, "/").await;
    assert!(
        home.body.contains("href=\"/inbox\""),
        "navigation links the inbox"
    );
    let inbox = fixture.get(&mut browser, "/inbox").await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert_html_is_strict(&inbox);
    assert!(inbox.body.contains("<h1>Webcare-inbox</h1>"));
    assert!(inbox.body.contains("Open om te beantwoorden"));
    assert!(inbox
        .body
        .contains("href=\"https://social.example/statuses/401\""));
    assert!(inbox
        .body
        .contains("href=\"https://social.example/statuses/400\""));
    assert!(!inbox.body.contains("statuses/402"), "not addressed");
    assert!(!inbox.body.contains("inwoner-"), "no author ids");
    // Newest first.
    let newest = inbox.body.find("statuses/401").unwrap_or(usize::MAX);
    let older = inbox.body.find("statuses/400").unwrap_or(0);
    assert!(newest < older);
    let english = fixture.get(&mut browser, "/inbox?lang=en").await;
    assert!(english.body.contains("Open to answer"));
    assert!(english.body.contains("Mark answered"));
    let _ = fixture.get(&mut browser, "/inbox?lang=nl").await;

    // Marking answered: without the CSRF field refused, with it the status changes.
    let message = message_field(&inbox.body);
    assert!(!message.is_empty());
    let fields = [
        ("workspace", "webcare"),
        ("message", message.as_str()),
        ("status", "answered"),
        ("why", "antwoord gegeven"),
    ];
    let forged = fixture.post(&mut browser, "/inbox", &fields).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let token = form_token(&inbox.body);
    let mut with_token = fields.to_vec();
    with_token.push(("csrf_token", &token));
    let marked = fixture.post(&mut browser, "/inbox", &with_token).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_html_is_strict(&marked);
    assert!(marked.body.contains("Het bericht is bijgewerkt."));
    assert!(marked.body.contains("<dd>beantwoord</dd>"));
    let mut without_why = with_token.clone();
    without_why.retain(|(name, _)| *name != "why");
    let refused = fixture.post(&mut browser, "/inbox", &without_why).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("peil-notice--error"));

    // Other roles get the 403 page without any link; the navigation does not offer the inbox.
    let mut analyst = fixture.login("bas").await;
    let home = fixture.get(&mut analyst, "/").await;
    assert!(!home.body.contains("href=\"/inbox\""));
    let forbidden = fixture.get(&mut analyst, "/inbox").await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_html_is_strict(&forbidden);
    assert!(!forbidden.body.contains("social.example"));
    // Another organisation's workspace name answers the 404 page.
    let foreign = fixture.get(&mut browser, "/inbox?workspace=geheim").await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

/// The settings form of `afval` as the browser sends it, with `changes` applied.
fn afval_settings<'a>(token: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf_token", token),
        ("purpose_text", "reacties op afvalbeleid"),
        ("legal_basis", "AVG art. 6(1)(e)"),
        ("lead", ""),
        ("retention_days_posts", "3650"),
        ("retention_days_aggregates", "3650"),
        ("k", "5"),
        ("allowed_sources", ""),
        ("own_accounts", "@gemeente"),
        ("fg_contact", "fg@gemeente.example"),
        ("why", ""),
    ];
    for (name, value) in changes {
        for field in fields.iter_mut() {
            if field.0 == *name {
                field.1 = value;
            }
        }
    }
    fields
}

#[tokio::test]
async fn an_admin_edits_a_workspace_through_the_form_and_widening_needs_the_fg_again() {
    let fixture = fixture();
    let mut admin = fixture.login("anna").await;
    let token = admin.csrf();
    let form = fixture.get(&mut admin, "/workspaces/afval").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_html_is_strict(&form);
    assert!(form.body.contains("id=\"ws-edit-note\""));
    assert!(form.body.contains("reacties op afvalbeleid"), "prefilled");
    assert!(
        !form.body.contains("name=\"purpose\""),
        "the purpose is shown, never offered"
    );
    // Without a why note: the error next to the field, in the summary, described by.
    let no_why = fixture
        .post(
            &mut admin,
            "/workspaces/afval",
            &afval_settings(&token, &[("k", "8")]),
        )
        .await;
    assert_eq!(no_why.status, StatusCode::BAD_REQUEST, "{}", no_why.body);
    assert_html_is_strict(&no_why);
    assert!(no_why.body.contains("peil-error-summary"));
    assert!(no_why.body.contains("href=\"#ws-why\""));
    assert!(no_why.body.contains("id=\"ws-why-error\""));
    assert!(no_why
        .body
        .contains("aria-describedby=\"ws-why-help ws-why-error\""));
    // Narrowing (k 5 -> 8): saved, still active (not waiting for the FG).
    let narrowed = fixture
        .post(
            &mut admin,
            "/workspaces/afval",
            &afval_settings(&token, &[("k", "8"), ("why", "strenger")]),
        )
        .await;
    assert_eq!(narrowed.status, StatusCode::SEE_OTHER, "{}", narrowed.body);
    let saved = fixture.get(&mut admin, "/workspaces/afval").await;
    assert!(saved.body.contains("id=\"ws-k\"") && saved.body.contains("value=\"8\""));
    let mut fg = fixture.login("fenna").await;
    let console = fixture.get(&mut fg, "/fg").await;
    assert!(!console.body.contains("/workspaces/afval/status"));
    // Unchanged: refused with an explanation at the why note.
    let unchanged = fixture
        .post(
            &mut admin,
            "/workspaces/afval",
            &afval_settings(&token, &[("k", "8"), ("why", "niets")]),
        )
        .await;
    assert_eq!(unchanged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchanged.body.contains("Er is niets gewijzigd."));
    // Widening (longer retention): saved, and back before the FG.
    let widened = fixture
        .post(
            &mut admin,
            "/workspaces/afval",
            &afval_settings(
                &token,
                &[
                    ("k", "8"),
                    ("retention_days_posts", "4000"),
                    ("why", "langer nodig"),
                ],
            ),
        )
        .await;
    assert_eq!(widened.status, StatusCode::SEE_OTHER, "{}", widened.body);
    let console = fixture.get(&mut fg, "/fg").await;
    assert!(console.body.contains("/workspaces/afval/status"));
    // An analyst cannot open the form; another organisation's workspace is not found.
    let mut analyst = fixture.login("bas").await;
    let refused = fixture.get(&mut analyst, "/workspaces/afval").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let foreign = fixture.get(&mut admin, "/workspaces/geheim").await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_admin_renews_a_public_order_picture_through_the_form() {
    let fixture = fixture();
    let mut admin = fixture.login("anna").await;
    let token = admin.csrf();
    let day = |days: i64| {
        (Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (soon, later, too_far) = (day(5), day(20), day(45));
    let created = fixture
        .post(
            &mut admin,
            "/workspaces",
            &[
                ("csrf_token", &token),
                ("name", "demonstratie"),
                ("purpose", "public_order_general_picture"),
                (
                    "purpose_text",
                    "algemeen beeld rond de aangekondigde demonstratie",
                ),
                ("legal_basis", "art. 172 Gemeentewet"),
                ("lead", "aangekondigde demonstratie"),
                ("retention_days_posts", "7"),
                ("retention_days_aggregates", "30"),
                ("k", "10"),
                ("ends_at", &soon),
                ("why", "openbare orde"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let overview = fixture.get(&mut admin, "/").await;
    assert!(overview
        .body
        .contains("href=\"/workspaces/demonstratie/renew\""));
    let form = fixture
        .get(&mut admin, "/workspaces/demonstratie/renew")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_html_is_strict(&form);
    assert!(
        form.body.contains("aangekondigde demonstratie"),
        "lead prefilled"
    );
    let refused = fixture
        .post(
            &mut admin,
            "/workspaces/demonstratie/renew",
            &[
                ("csrf_token", &token),
                ("ends_at", &too_far),
                ("lead", "tweede demonstratie"),
                ("why", "nieuwe aankondiging"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"ws-ends-at-error\""));
    let renewed = fixture
        .post(
            &mut admin,
            "/workspaces/demonstratie/renew",
            &[
                ("csrf_token", &token),
                ("ends_at", &later),
                ("lead", "tweede demonstratie"),
                ("why", "nieuwe aankondiging"),
            ],
        )
        .await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    let overview = fixture.get(&mut admin, "/").await;
    assert!(overview.body.contains(&later), "the new end date is listed");
}

// --- route × role × tenant matrix of the HTML screens ----------------------------------------

/// Every HTML screen behind a session (`Access::Page` in the route table) with the status each
/// caller gets: [admin, analyst, webcare, fg, another organisation's user, nobody]. Nobody is
/// always sent to the login form (303 to `/login`). Another organisation's user asks for
/// Gemeente Een's workspaces (by name, in the path, the query or the form) and must get what a
/// name that does not exist gets: the 404 page; screens without a workspace show their own
/// organisation. `POST /logout` is last: it ends the sessions.
const PAGE_MATRIX: &[(&str, &str, [u16; 6])] = &[
    ("GET", "/", [200, 200, 200, 200, 200, 303]),
    ("GET", "/workspaces", [200, 200, 200, 200, 200, 303]),
    ("POST", "/workspaces", [303, 403, 403, 403, 303, 303]),
    ("GET", "/workspaces/new", [200, 403, 403, 403, 200, 303]),
    ("GET", "/workspaces/{name}", [200, 403, 403, 403, 404, 303]),
    ("POST", "/workspaces/{name}", [400, 403, 403, 403, 404, 303]),
    (
        "GET",
        "/workspaces/{name}/renew",
        [200, 403, 403, 403, 404, 303],
    ),
    (
        "POST",
        "/workspaces/{name}/renew",
        [400, 403, 403, 403, 404, 303],
    ),
    (
        "POST",
        "/workspaces/{name}/status",
        [303, 403, 403, 303, 404, 303],
    ),
    (
        "GET",
        "/workspaces/{name}/monitors",
        [200, 200, 403, 200, 404, 303],
    ),
    (
        "POST",
        "/workspaces/{name}/monitors",
        [200, 200, 403, 403, 404, 303],
    ),
    (
        "GET",
        "/workspaces/{name}/dashboard",
        [403, 200, 403, 200, 404, 303],
    ),
    (
        "GET",
        "/workspaces/{name}/report.csv",
        [403, 200, 403, 200, 404, 303],
    ),
    (
        "GET",
        "/workspaces/{name}/report",
        [403, 200, 403, 200, 404, 303],
    ),
    ("GET", "/inbox", [403, 403, 200, 403, 404, 303]),
    ("POST", "/inbox", [403, 403, 200, 403, 404, 303]),
    ("GET", "/fg", [403, 403, 403, 200, 200, 303]),
    ("GET", "/fg/audit", [200, 403, 403, 200, 200, 303]),
    ("POST", "/fg/audit", [200, 403, 403, 200, 200, 303]),
    (
        "GET",
        "/fg/subject-requests",
        [403, 403, 403, 200, 200, 303],
    ),
    (
        "POST",
        "/fg/subject-requests",
        [403, 403, 403, 200, 200, 303],
    ),
    (
        "GET",
        "/fg/documents/{kind}",
        [200, 403, 403, 200, 200, 303],
    ),
    ("POST", "/logout", [303, 303, 303, 303, 303, 303]),
];

/// The screens reachable without a session, with what nobody gets: the stylesheets, the login
/// form and its submission (a wrong password), the OIDC start (no issuer: the password form),
/// callback (no pre-login state: 403) and client JWKS (no client key: no keys), and the public
/// transparency page.
const PUBLIC_SCREENS: &[(&str, &str, u16)] = &[
    ("GET", "/static/{*path}", 200),
    ("GET", "/login", 200),
    ("POST", "/login", 401),
    ("GET", "/login/oidc/{org}", 303),
    ("GET", "/login/oidc/callback", 403),
    // No client key configured here: an empty key set, as for an unknown organisation.
    ("GET", "/login/oidc/{org}/jwks.json", 200),
    ("GET", "/transparency/{org}", 200),
];

/// A form that may take several lifecycle steps: the roles the service lets take one of them
/// (approve: fg; activate: admin; close: admin and fg).
const MULTI_OPERATION_SCREENS: &[(&str, &str, &[Role])] = &[(
    "POST",
    "/workspaces/{name}/status",
    &[Role::Admin, Role::Fg],
)];

/// Creates a draft workspace of Gemeente Een through the form, as anna.
async fn create_through_the_form(fixture: &Fixture, admin: &mut Browser, name: &str) {
    let token = admin.csrf();
    let created = fixture
        .post(
            admin,
            "/workspaces",
            &[
                ("csrf_token", &token),
                ("name", name),
                ("purpose", "trend_policy_analysis"),
                ("purpose_text", "reacties op parkeerbeleid"),
                ("legal_basis", "AVG art. 6(1)(e)"),
                ("retention_days_posts", "30"),
                ("retention_days_aggregates", "365"),
                ("k", "10"),
                ("why", "matrix"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}

#[tokio::test]
async fn every_screen_answers_each_role_another_tenant_and_nobody_as_the_matrix_says() {
    let fixture = fixture();
    // Every screen route of the route table has a row (a new screen without one fails here).
    for row in ROUTES {
        if row.path.starts_with("/api/") || row.path == "/healthz" {
            continue;
        }
        let in_matrix = PAGE_MATRIX
            .iter()
            .any(|(method, path, _)| *method == row.method && *path == row.path);
        let public = PUBLIC_SCREENS
            .iter()
            .any(|(method, path, _)| *method == row.method && *path == row.path);
        assert!(
            in_matrix == row.access.is_page() && (in_matrix || public),
            "{} {} has no (fitting) row in PAGE_MATRIX or PUBLIC_SCREENS",
            row.method,
            row.path
        );
    }
    // The matrix agrees with the role table: a role outside the screen's operation gets 403,
    // a role inside never.
    for (method, path, expected) in PAGE_MATRIX {
        let Some(row) = peil_server::table::lookup(method, path) else {
            panic!("{method} {path} is in PAGE_MATRIX but not in the route table");
        };
        let Some(operation) = row.access.operation() else {
            panic!("{method} {path} has no operation");
        };
        let allowed: &[Role] = MULTI_OPERATION_SCREENS
            .iter()
            .find(|(screen_method, screen_path, _)| screen_method == method && screen_path == path)
            .map(|(_, _, roles)| *roles)
            .unwrap_or(operation.allowed_roles());
        for (index, role) in [Role::Admin, Role::Analyst, Role::Webcare, Role::Fg]
            .into_iter()
            .enumerate()
        {
            assert_eq!(
                expected[index] == 403,
                !allowed.contains(&role),
                "{method} {path}: the matrix and the role table disagree for {role:?}"
            );
        }
    }

    // The public screens answer nobody without a session.
    for (method, path, status) in PUBLIC_SCREENS {
        let mut nobody = Browser::default();
        let url = match *path {
            "/static/{*path}" => "/static/peil.css".to_string(),
            "/login/oidc/{org}" => "/login/oidc/Gemeente%20Een".to_string(),
            "/login/oidc/callback" => "/login/oidc/callback?code=c&state=s".to_string(),
            "/login/oidc/{org}/jwks.json" => "/login/oidc/Gemeente%20Een/jwks.json".to_string(),
            "/transparency/{org}" => "/transparency/Gemeente%20Een".to_string(),
            other => other.to_string(),
        };
        let reply = if *method == "POST" {
            let form = fixture.get(&mut nobody, "/login").await;
            let token = form_token(&form.body);
            fixture
                .post(
                    &mut nobody,
                    &url,
                    &[
                        ("csrf_token", &token),
                        ("username", "bas"),
                        ("password", "fout wachtwoord 123"),
                    ],
                )
                .await
        } else {
            fixture.get(&mut nobody, &url).await
        };
        assert_eq!(
            reply.status.as_u16(),
            *status,
            "{method} {url}: {}",
            reply.body
        );
        assert!(!nobody.cookies.contains_key("__Host-peil-session"));
    }

    // Targets: drafts for the lifecycle form, a webcare message to mark.
    let mut admin = fixture.login("anna").await;
    create_through_the_form(&fixture, &mut admin, "matrix-beheer").await;
    create_through_the_form(&fixture, &mut admin, "matrix-fg").await;
    let mut webcare = fixture.login("wim").await;
    let inbox = fixture.get(&mut webcare, "/inbox?workspace=webcare").await;
    let message = message_field(&inbox.body);
    assert!(!message.is_empty(), "no webcare message to mark");
    // A refused request of Gemeente Een (a name only it used) is audited; the other
    // organisation's audit view must not show it.
    let mut fenna = fixture.login("fenna").await;
    let token = fenna.csrf();
    let refused = fixture
        .post(
            &mut fenna,
            "/workspaces/alleen-een-kent-dit/status",
            &[
                ("csrf_token", &token),
                ("status", "approved"),
                ("why", "matrix"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    let mut browsers: HashMap<&str, Browser> = HashMap::new();
    browsers.insert("fenna", fenna);
    browsers.insert("anna", admin);
    browsers.insert("wim", webcare);
    for name in ["bas", "otto", "olaf", "olga", "oskar"] {
        browsers.insert(name, fixture.login(name).await);
    }

    let mut mismatches: Vec<String> = Vec::new();
    for (method, path, expected) in PAGE_MATRIX {
        let operation =
            peil_server::table::lookup(method, path).and_then(|row| row.access.operation());
        for (column, status) in expected.iter().enumerate() {
            let name = match column {
                0 => "anna",
                1 => "bas",
                2 => "wim",
                3 => "fenna",
                4 => match operation.and_then(|operation| operation.allowed_roles().first()) {
                    Some(Role::Fg) => "olga",
                    Some(Role::Analyst) => "olaf",
                    Some(Role::Webcare) => "oskar",
                    _ => "otto",
                },
                _ => "",
            };
            let other_organisation = column == 4;
            // The request for a workspace `target` (Gemeente Een's, or one that does not exist).
            let request_for = |target: &str| -> (String, Vec<(String, String)>) {
                let workspace = |default: &str| {
                    if target.is_empty() {
                        default.to_string()
                    } else {
                        target.to_string()
                    }
                };
                let url = match *path {
                    "/workspaces/{name}/status" => {
                        let default = if column == 0 {
                            "matrix-beheer"
                        } else {
                            "matrix-fg"
                        };
                        format!("/workspaces/{}/status", workspace(default))
                    }
                    "/inbox" if *method == "GET" => {
                        format!("/inbox?workspace={}", workspace("webcare"))
                    }
                    "/fg/documents/{kind}" => "/fg/documents/dpia".to_string(),
                    other => other.replace("{name}", &workspace("afval")),
                };
                let fields: Vec<(&str, String)> = match (*method, *path) {
                    ("POST", "/workspaces") => vec![
                        ("name", format!("matrix-nieuw-{column}")),
                        ("purpose", "trend_policy_analysis".into()),
                        ("purpose_text", "reacties op parkeerbeleid".into()),
                        ("legal_basis", "AVG art. 6(1)(e)".into()),
                        ("retention_days_posts", "30".into()),
                        ("retention_days_aggregates", "365".into()),
                        ("k", "10".into()),
                        ("why", "matrix".into()),
                    ],
                    ("POST", "/workspaces/{name}") => vec![("why", "matrix".into())],
                    ("POST", "/workspaces/{name}/renew") => vec![("why", "matrix".into())],
                    ("POST", "/workspaces/{name}/status") => vec![
                        (
                            "status",
                            if column == 0 { "closed" } else { "approved" }.into(),
                        ),
                        ("why", "matrix".into()),
                    ],
                    ("POST", "/workspaces/{name}/monitors") => vec![
                        ("query", format!("matrix{column} OR afval")),
                        ("justification", "matrix".into()),
                    ],
                    ("POST", "/inbox") => vec![
                        ("workspace", workspace("webcare")),
                        ("message", message.clone()),
                        ("status", "answered".into()),
                        ("why", "matrix".into()),
                    ],
                    ("POST", "/fg/audit") => vec![("verify", "1".into())],
                    ("POST", "/fg/subject-requests") => vec![
                        ("platform", "mastodon".into()),
                        ("handle", "https://social.example/@bewoner3".into()),
                    ],
                    _ => Vec::new(),
                };
                let fields = fields
                    .into_iter()
                    .map(|(field, value)| (field.to_string(), value))
                    .collect();
                (url, fields)
            };
            let mut browser = browsers.get(name).cloned().unwrap_or_default();
            let send = |browser: &mut Browser, url: String, mut fields: Vec<(String, String)>| {
                let csrf = browser.csrf();
                if !csrf.is_empty() {
                    fields.push(("csrf_token".to_string(), csrf));
                }
                let fixture = &fixture;
                let mut browser = browser.clone();
                async move {
                    if *method == "POST" {
                        let borrowed: Vec<(&str, &str)> = fields
                            .iter()
                            .map(|(field, value)| (field.as_str(), value.as_str()))
                            .collect();
                        fixture.post(&mut browser, &url, &borrowed).await
                    } else {
                        fixture.get(&mut browser, &url).await
                    }
                }
            };
            let (url, fields) = request_for("");
            // What the caller named itself (an error page may repeat it; that tells nothing).
            let requested = format!("{url} {fields:?}");
            let reply = send(&mut browser, url.clone(), fields).await;
            let cell = format!("{method} {path} ({url}) as {name:?}");
            if reply.status.as_u16() != *status {
                mismatches.push(format!("{cell}: {} instead of {status}", reply.status));
                continue;
            }
            if name.is_empty() {
                assert_eq!(reply.header("location"), "/login", "{cell}");
            }
            if reply.is_html() {
                assert_html_is_strict(&reply);
            }
            if other_organisation {
                assert!(
                    !reply.body.contains("Gemeente Een"),
                    "{cell} shows the other organisation"
                );
                for own in [
                    "matrix-beheer",
                    "verkeer",
                    "/statuses/",
                    "alleen-een-kent-dit",
                ] {
                    assert!(
                        requested.contains(own) || !reply.body.contains(own),
                        "{cell} shows `{own}` of Gemeente Een: {}",
                        reply
                            .body
                            .find(own)
                            .and_then(|at| reply.body.get(at.saturating_sub(300)..at + 100))
                            .unwrap_or_default()
                    );
                }
                // Another organisation's workspace answers like one that does not exist.
                let names_a_workspace = path.contains("{name}") || *path == "/inbox";
                let (missing_url, missing_fields) = request_for("bestaat-niet");
                if names_a_workspace {
                    let missing = send(&mut browser, missing_url, missing_fields).await;
                    assert_eq!(
                        missing.status, reply.status,
                        "{cell}: another organisation's workspace and a missing one differ"
                    );
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "cells that differ from PAGE_MATRIX:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn the_dashboard_and_csv_show_sentiment_over_time_only_behind_the_k_gate() {
    let fixture = fixture();
    let mut browser = fixture.login("bas").await;
    // Day 2 alone: twelve authors, every cell of the series passes the gate.
    let day_two = fixture
        .get(
            &mut browser,
            "/workspaces/afval/dashboard?q=afval&from=2026-03-02&to=2026-03-02&interval=day",
        )
        .await;
    assert_eq!(day_two.status, StatusCode::OK, "{}", day_two.body);
    assert_html_is_strict(&day_two);
    let section_start = day_two
        .body
        .find("aria-labelledby=\"dash-sentiment-series\"")
        .unwrap_or(0);
    let section = &day_two.body[section_start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    assert!(section.contains("Sentiment door de tijd"), "{section}");
    assert!(section.contains("<title id=\"chart-dash-sentiment-series-title\">"));
    let rows = rows_of(section, "2026-03-02");
    assert_eq!(rows.len(), 1, "{section}");
    assert!(rows[0].contains("100% (12)"), "{}", rows[0]);
    assert!(section.contains("Onderdrukte cellen"));

    // The whole month: day 3 (two authors) is suppressed, so every cell of the series is.
    let month = fixture
        .get(
            &mut browser,
            "/workspaces/afval/dashboard?q=afval&from=2026-03-01&to=2026-03-31&interval=day",
        )
        .await;
    assert_eq!(month.status, StatusCode::OK, "{}", month.body);
    let section_start = month
        .body
        .find("aria-labelledby=\"dash-sentiment-series\"")
        .unwrap_or(0);
    let section = &month.body[section_start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    for day in ["2026-03-02", "2026-03-03", "2026-03-10"] {
        let rows = rows_of(section, day);
        assert_eq!(rows.len(), 1, "{day}: {section}");
        assert_eq!(rows[0].matches("&lt;k").count(), 3, "{}", rows[0]);
        assert!(!rows[0].contains("(12)"), "{}", rows[0]);
    }
    let csv = fixture
        .get(
            &mut browser,
            "/workspaces/afval/report.csv?q=afval&from=2026-03-01&to=2026-03-31&interval=day",
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    for class in ["negative", "neutral", "positive"] {
        let line = format!("sentiment_series,2026-03-03T00:00:00Z/{class},<k,<k");
        assert!(csv.body.contains(&line), "{line} missing: {}", csv.body);
    }
    assert!(!csv.body.contains("bewoner"));
}
