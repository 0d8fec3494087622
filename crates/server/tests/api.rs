//! The HTTP API end to end on the router (`tower::ServiceExt::oneshot`, no socket): login,
//! TOTP, lockout, sessions, CSRF, security headers, roles per route, tenant isolation, API tokens,
//! body limits, the route table and the committed OpenAPI document.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use peil_model::{Purpose, Role, WorkspaceDraft, WorkspaceStatus};
use peil_server::{AppState, ServerSettings, ROUTES};
use peil_service::{totp_code_at, totp_secret_of_uri, Actor, Service, ServiceError};
use serde_json::{json, Value};
use tower::ServiceExt;

const PASSWORD: &str = "een heel lang wachtwoord";

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
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 5,
        allowed_sources: Vec::new(),
        own_accounts: vec!["@gemeente".to_string()],
        fg_contact: Some("fg@gemeente.example".to_string()),
        ends_at: None,
    }
}

/// Two organisations with users, passwords and TOTP, and workspaces; the router over them.
struct Fixture {
    _directory: tempfile::TempDir,
    data_dir: std::path::PathBuf,
    app: Router,
    /// user name → base32 TOTP secret.
    secrets: HashMap<String, String>,
    /// user name → TOTP logins so far (each login uses the next time step).
    totp_uses: Mutex<HashMap<String, i64>>,
    afval: i64,
    verkeer: i64,
    other_organisation: i64,
    /// The state behind `app` (to start the configured connectors).
    state: AppState,
}

fn fixture_with(settings: ServerSettings) -> Fixture {
    fixture_with_connectors(settings, Vec::new())
}

fn fixture_with_connectors(
    settings: ServerSettings,
    connectors: Vec<peil_connectors_live::ConnectorSpec>,
) -> Fixture {
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
    ok(service.add_user(&admin, "Gemeente Een", "wim", Role::Webcare, "webcare"));
    let fg = ok(service.actor(Some("fenna")));
    let analyst = ok(service.actor(Some("bas")));
    let afval = ok(service.create_workspace(&admin, "Gemeente Een", &draft("afval"), "test")).id;
    let verkeer =
        ok(service.create_workspace(&admin, "Gemeente Een", &draft("verkeer"), "test")).id;
    let other_organisation =
        ok(service.create_workspace(&other_admin, "Gemeente Twee", &draft("geheim"), "test")).id;
    ok(service.set_workspace_status(&fg, "afval", None, WorkspaceStatus::Approved, "akkoord"));
    ok(service.set_workspace_status(&admin, "afval", None, WorkspaceStatus::Active, "start"));
    ok(service.add_monitor(&analyst, "afval", None, "afval OR container*", "evaluatie"));
    let mut secrets = HashMap::new();
    for name in ["anna", "bas", "fenna", "wim", "otto"] {
        ok(service.set_password(&operator, name, PASSWORD));
    }
    for name in ["anna", "fenna", "otto"] {
        let enrolment = ok(service.enrol_totp(&operator, name));
        let Some(secret) = totp_secret_of_uri(&enrolment.otpauth_uri) else {
            panic!("no secret in the otpauth URI");
        };
        secrets.insert(name.to_string(), secret);
    }
    let data_dir = directory.path().to_path_buf();
    let state = AppState::new(service, None, settings).with_connectors(connectors);
    let app = peil_server::router(state.clone());
    Fixture {
        _directory: directory,
        data_dir,
        app,
        secrets,
        totp_uses: Mutex::new(HashMap::new()),
        afval,
        verkeer,
        other_organisation,
        state,
    }
}

fn fixture() -> Fixture {
    fixture_with(ServerSettings::default())
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

/// A logged-in session: the cookie header and the CSRF token.
struct Login {
    cookie: String,
    csrf: String,
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
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match body {
            Some(value) => {
                builder = builder.header(CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        match builder.body(body) {
            Ok(request) => self.send(request).await,
            Err(error) => panic!("request: {error}"),
        }
    }

    /// The next unused TOTP code of `name` (each login moves one time step on).
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

    async fn try_login(&self, name: &str, password: &str, totp: Option<String>) -> Reply {
        self.request(
            Method::POST,
            "/api/v1/session",
            Some(json!({"name": name, "password": password, "totp": totp})),
            &[],
        )
        .await
    }

    async fn login(&self, name: &str) -> Login {
        let code = self.secrets.contains_key(name).then(|| self.totp(name));
        let reply = self.try_login(name, PASSWORD, code).await;
        assert_eq!(reply.status, StatusCode::OK, "login {name}: {}", reply.body);
        let cookie = reply
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("__Host-peil-session="))
            .and_then(|value| value.split(';').next())
            .unwrap_or_default()
            .to_string();
        let csrf = reply.body["csrf_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(!cookie.is_empty() && !csrf.is_empty());
        Login { cookie, csrf }
    }

    async fn get(&self, path: &str, login: &Login) -> Reply {
        self.request(Method::GET, path, None, &[("cookie", &login.cookie)])
            .await
    }

    async fn post(&self, path: &str, login: &Login, body: Value) -> Reply {
        self.request(
            Method::POST,
            path,
            Some(body),
            &[("cookie", &login.cookie), ("x-csrf-token", &login.csrf)],
        )
        .await
    }
}

fn assert_security_headers(reply: &Reply) {
    let header = |name: &str| {
        reply
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        header("strict-transport-security").contains("max-age="),
        "HSTS"
    );
    let policy = header("content-security-policy");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"),
        "{policy}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert_eq!(header("cache-control"), "no-store");
}

fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.code(), code, "{}", reply.body);
    assert!(reply.body["type"].is_string() && reply.body["message"].is_string());
    assert_security_headers(reply);
}

#[tokio::test]
async fn login_sets_a_host_only_secure_session_cookie_that_authenticates() {
    let fixture = fixture();
    let reply = fixture.try_login("bas", PASSWORD, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_security_headers(&reply);
    let cookies: Vec<&str> = reply
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    let Some(session) = cookies
        .iter()
        .find(|cookie| cookie.starts_with("__Host-peil-session="))
    else {
        panic!("no session cookie: {cookies:?}");
    };
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Domain="), "{session}");
    assert_eq!(reply.body["role"], "analyst");
    assert_eq!(reply.body["organisation"], "Gemeente Een");
    let login = fixture.login("bas").await;
    let list = fixture.get("/api/v1/workspaces", &login).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let names: BTreeSet<&str> = list
        .body
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, BTreeSet::from(["afval", "verkeer"]));
    // A new login is a new token.
    let again = fixture.login("bas").await;
    assert_ne!(again.cookie, login.cookie);
}

#[tokio::test]
async fn wrong_passwords_fail_then_lock_the_account_and_never_reach_the_audit_log() {
    let fixture = fixture();
    let unknown = fixture.try_login("niemand", "wat dan ook 123", None).await;
    assert_error(&unknown, StatusCode::UNAUTHORIZED, "invalid_credentials");
    for attempt in 0..5 {
        let reply = fixture
            .try_login("bas", &format!("geheim-fout-{attempt}-xyz"), None)
            .await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let locked = fixture.try_login("bas", PASSWORD, None).await;
    assert_error(&locked, StatusCode::TOO_MANY_REQUESTS, "locked_out");
    let log =
        std::fs::read_to_string(fixture.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("\"login"), "logins are audited");
    assert!(log.contains("\"refused\""));
    assert!(
        !log.contains("geheim-fout"),
        "a password reached the audit log"
    );
    assert!(!log.contains(PASSWORD));
    assert!(
        !log.contains("niemand"),
        "an unknown name reached the audit log"
    );
}

#[tokio::test]
async fn logins_from_one_address_are_rate_limited() {
    let settings = ServerSettings {
        login_attempts_per_window: 2,
        ..ServerSettings::default()
    };
    let fixture = fixture_with(settings);
    for _ in 0..2 {
        let reply = fixture.try_login("niemand", "wat dan ook 123", None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let limited = fixture.try_login("bas", PASSWORD, None).await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

#[tokio::test]
async fn admin_and_fg_need_a_totp_code() {
    let fixture = fixture();
    for name in ["anna", "fenna"] {
        let without = fixture.try_login(name, PASSWORD, None).await;
        assert_error(&without, StatusCode::UNAUTHORIZED, "invalid_credentials");
        let wrong = fixture
            .try_login(name, PASSWORD, Some("000000".to_string()))
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        fixture.login(name).await;
    }
    // A code is accepted once.
    let secret = fixture.secrets.get("otto").cloned().unwrap_or_default();
    let code = totp_code_at(&secret, Utc::now());
    let first = fixture.try_login("otto", PASSWORD, code.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let replay = fixture.try_login("otto", PASSWORD, code).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let mut settings = ServerSettings::default();
    settings.policy.idle_timeout = chrono::Duration::seconds(1);
    let fixture = fixture_with(settings);
    let login = fixture.login("bas").await;
    assert_eq!(
        fixture.get("/api/v1/workspaces", &login).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let expired = fixture.get("/api/v1/workspaces", &login).await;
    assert_error(&expired, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn logout_needs_the_csrf_token_and_ends_the_session() {
    let fixture = fixture();
    let login = fixture.login("bas").await;
    let without_csrf = fixture
        .request(
            Method::DELETE,
            "/api/v1/session",
            None,
            &[("cookie", &login.cookie)],
        )
        .await;
    assert_error(&without_csrf, StatusCode::FORBIDDEN, "csrf_rejected");
    let logout = fixture
        .request(
            Method::DELETE,
            "/api/v1/session",
            None,
            &[("cookie", &login.cookie), ("x-csrf-token", &login.csrf)],
        )
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert_security_headers(&logout);
    let after = fixture.get("/api/v1/workspaces", &login).await;
    assert_error(&after, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn state_changes_with_a_session_need_the_matching_csrf_header() {
    let fixture = fixture();
    let login = fixture.login("bas").await;
    let path = format!("/api/v1/workspaces/{}/monitors", fixture.afval);
    let body = json!({"query": "container*", "justification": "evaluatie"});
    let missing = fixture
        .request(
            Method::POST,
            &path,
            Some(body.clone()),
            &[("cookie", &login.cookie)],
        )
        .await;
    assert_error(&missing, StatusCode::FORBIDDEN, "csrf_rejected");
    let wrong = fixture
        .request(
            Method::POST,
            &path,
            Some(body.clone()),
            &[("cookie", &login.cookie), ("x-csrf-token", "0000")],
        )
        .await;
    assert_error(&wrong, StatusCode::FORBIDDEN, "csrf_rejected");
    let other_session = fixture.login("bas").await;
    let foreign = fixture
        .request(
            Method::POST,
            &path,
            Some(body.clone()),
            &[
                ("cookie", &login.cookie),
                ("x-csrf-token", &other_session.csrf),
            ],
        )
        .await;
    assert_error(&foreign, StatusCode::FORBIDDEN, "csrf_rejected");
    let right = fixture.post(&path, &login, body).await;
    assert_eq!(right.status, StatusCode::CREATED, "{}", right.body);
    // Reads need no CSRF token.
    assert_eq!(fixture.get(&path, &login).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_monitor_check_gives_the_guards_verdict_without_saving_and_needs_the_csrf_header() {
    let fixture = fixture();
    let login = fixture.login("bas").await;
    let path = format!("/api/v1/workspaces/{}/monitors/check", fixture.afval);
    let monitors = format!("/api/v1/workspaces/{}/monitors", fixture.afval);
    let before = fixture.get(&monitors, &login).await.body.to_string();

    let refused = fixture
        .post(&path, &login, json!({"query": "from:@jan OR afval"}))
        .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
    assert_eq!(refused.body["accepted"], json!(false));
    assert_eq!(refused.body["reasons"][0]["code"], json!("person_operator"));
    let dutch = refused.body["reasons"][0]["message_nl"]
        .as_str()
        .unwrap_or_default();
    let english = refused.body["reasons"][0]["message_en"]
        .as_str()
        .unwrap_or_default();
    assert!(dutch.contains("Peil zoekt niet naar personen"), "{dutch}");
    assert!(
        english.contains("Peil does not search for persons"),
        "{english}"
    );
    assert!(
        !refused.body.to_string().contains("@jan"),
        "the query is echoed"
    );

    let accepted = fixture
        .post(&path, &login, json!({"query": "zwerfvuil OR #gft"}))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.body["accepted"], json!(true));
    assert_eq!(accepted.body["reasons"], json!([]));
    // Nothing was saved.
    assert_eq!(
        fixture.get(&monitors, &login).await.body.to_string(),
        before
    );

    let missing = fixture
        .request(
            Method::POST,
            &path,
            Some(json!({"query": "afval"})),
            &[("cookie", &login.cookie)],
        )
        .await;
    assert_error(&missing, StatusCode::FORBIDDEN, "csrf_rejected");
    let foreign = fixture
        .post(
            &format!(
                "/api/v1/workspaces/{}/monitors/check",
                fixture.other_organisation
            ),
            &login,
            json!({"query": "afval"}),
        )
        .await;
    assert_error(&foreign, StatusCode::NOT_FOUND, "not_found");

    let log =
        std::fs::read_to_string(fixture.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("refused: person_operator"), "{log}");
    assert!(!log.contains("@jan") && !log.contains("zwerfvuil"), "{log}");
}

#[tokio::test]
async fn monitor_checks_are_rate_limited_per_user() {
    let settings = ServerSettings {
        monitor_checks_per_window: 2,
        ..ServerSettings::default()
    };
    let fixture = fixture_with(settings);
    let analyst = fixture.login("bas").await;
    let path = format!("/api/v1/workspaces/{}/monitors/check", fixture.afval);
    for _ in 0..2 {
        let reply = fixture
            .post(&path, &analyst, json!({"query": "afval"}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let limited = fixture
        .post(&path, &analyst, json!({"query": "afval"}))
        .await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // Another user has their own allowance.
    let admin = fixture.login("anna").await;
    let other = fixture.post(&path, &admin, json!({"query": "afval"})).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
}

#[tokio::test]
async fn security_headers_are_on_every_response_errors_included() {
    let fixture = fixture();
    let ok = fixture.request(Method::GET, "/healthz", None, &[]).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_security_headers(&ok);
    let unauthenticated = fixture
        .request(Method::GET, "/api/v1/workspaces", None, &[])
        .await;
    assert_error(
        &unauthenticated,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let missing = fixture.request(Method::GET, "/nergens", None, &[]).await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
    let method = fixture
        .request(Method::PUT, "/api/v1/workspaces", None, &[])
        .await;
    assert_error(
        &method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    // A handler that panics answers 500 with our body and the same headers.
    let panicking = peil_server::headers::apply(
        Router::new().route(
            "/boom",
            axum::routing::get(|| async {
                if Utc::now().timestamp() > 0 {
                    panic!("boom");
                }
                "never"
            }),
        ),
        1024,
    );
    let Ok(request) = Request::builder().uri("/boom").body(Body::empty()) else {
        panic!("request");
    };
    let response = match panicking.oneshot(request).await {
        Ok(response) => response,
        Err(error) => match error {},
    };
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let reply = Reply {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    };
    assert_error(&reply, StatusCode::INTERNAL_SERVER_ERROR, "internal");
}

#[tokio::test]
async fn each_role_reaches_only_the_routes_its_operations_allow() {
    let fixture = fixture();
    let analyst = fixture.login("bas").await;
    let fg = fixture.login("fenna").await;
    let webcare = fixture.login("wim").await;
    let approve = format!("/api/v1/workspaces/{}/approve", fixture.verkeer);
    let refused = fixture
        .post(&approve, &analyst, json!({"why": "zelf"}))
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let created = fixture
        .post(
            "/api/v1/workspaces",
            &fg,
            json!({"name": "fg-ruimte", "purpose": "trend_policy_analysis",
                "purpose_text": "x", "legal_basis": "AVG art. 6(1)(e)",
                "retention_days_posts": 30, "retention_days_aggregates": 365, "why": "x"}),
        )
        .await;
    assert_error(&created, StatusCode::FORBIDDEN, "forbidden");
    let query = format!("/api/v1/workspaces/{}/query", fixture.afval);
    let webcare_query = fixture
        .post(&query, &webcare, json!({"text": "afval"}))
        .await;
    assert_error(&webcare_query, StatusCode::FORBIDDEN, "forbidden");
    let webcare_audit = fixture.get("/api/v1/audit/entries", &webcare).await;
    assert_error(&webcare_audit, StatusCode::FORBIDDEN, "forbidden");
    // What the roles may do, they can.
    let approved = fixture.post(&approve, &fg, json!({"why": "akkoord"})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    let answer = fixture
        .post(&query, &analyst, json!({"text": "afval"}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["workspace"], "afval");
    assert!(answer.body["caveat"].is_object());
    let person = fixture
        .post(&query, &analyst, json!({"text": "@jan_de_vries"}))
        .await;
    assert_error(&person, StatusCode::UNPROCESSABLE_ENTITY, "query_refused");
    let audit = fixture.get("/api/v1/audit/entries", &fg).await;
    assert_eq!(audit.status, StatusCode::OK);
    let verify = fixture.get("/api/v1/audit/verify", &fg).await;
    assert_eq!(verify.status, StatusCode::OK, "{}", verify.body);
    let admin = fixture.login("anna").await;
    let create = fixture
        .post(
            "/api/v1/workspaces",
            &admin,
            json!({"name": "nieuw", "purpose": "trend_policy_analysis",
                "purpose_text": "x", "legal_basis": "AVG art. 6(1)(e)",
                "retention_days_posts": 30, "retention_days_aggregates": 365, "why": "x",
                "organisation": "Gemeente Twee"}),
        )
        .await;
    assert_eq!(create.status, StatusCode::CREATED, "{}", create.body);
    // The tenant comes from the session, never from the body.
    assert_eq!(create.body["organisation"], "Gemeente Een");
}

#[tokio::test]
async fn another_organisations_ids_answer_not_found() {
    let fixture = fixture();
    let outsider = fixture.login("otto").await;
    let one = fixture
        .get(&format!("/api/v1/workspaces/{}", fixture.afval), &outsider)
        .await;
    assert_error(&one, StatusCode::NOT_FOUND, "not_found");
    let monitors = fixture
        .get(
            &format!("/api/v1/workspaces/{}/monitors", fixture.afval),
            &outsider,
        )
        .await;
    assert_error(&monitors, StatusCode::NOT_FOUND, "not_found");
    let close = fixture
        .post(
            &format!("/api/v1/workspaces/{}/close", fixture.afval),
            &outsider,
            json!({"why": "x"}),
        )
        .await;
    assert_error(&close, StatusCode::NOT_FOUND, "not_found");
    let token = fixture
        .post(
            &format!("/api/v1/workspaces/{}/tokens", fixture.afval),
            &outsider,
            json!({"role": "analyst"}),
        )
        .await;
    assert_error(&token, StatusCode::NOT_FOUND, "not_found");
    let list = fixture.get("/api/v1/workspaces", &outsider).await;
    let ids: Vec<i64> = list
        .body
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["id"].as_i64())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(ids, vec![fixture.other_organisation]);
    // A missing id looks the same as a foreign one.
    let missing = fixture.get("/api/v1/workspaces/999999", &outsider).await;
    assert_eq!(missing.body["code"], one.body["code"]);
}

#[tokio::test]
async fn an_api_token_acts_only_on_its_workspace_and_role() {
    let fixture = fixture();
    let admin = fixture.login("anna").await;
    let issued = fixture
        .post(
            &format!("/api/v1/workspaces/{}/tokens", fixture.afval),
            &admin,
            json!({"role": "analyst"}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let token = issued.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let bearer = format!("Bearer {token}");
    let fg_token = fixture
        .post(
            &format!("/api/v1/workspaces/{}/tokens", fixture.afval),
            &admin,
            json!({"role": "fg"}),
        )
        .await;
    assert_error(&fg_token, StatusCode::FORBIDDEN, "forbidden");
    let auth = [("authorization", bearer.as_str())];
    let own = fixture
        .request(
            Method::GET,
            &format!("/api/v1/workspaces/{}", fixture.afval),
            None,
            &auth,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let list = fixture
        .request(Method::GET, "/api/v1/workspaces", None, &auth)
        .await;
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    let query = fixture
        .request(
            Method::POST,
            &format!("/api/v1/workspaces/{}/query", fixture.afval),
            Some(json!({"text": "afval"})),
            &auth,
        )
        .await;
    assert_eq!(query.status, StatusCode::OK, "{}", query.body);
    // The report carries the sentiment series and how many of its cells are suppressed (no
    // posts here: no bucket, so no cell, and none suppressed).
    assert_eq!(query.body["report"]["sentiment_series"], json!([]));
    assert_eq!(
        query.body["report"]["sentiment_series_suppressed"],
        json!(0)
    );
    let sibling = fixture
        .request(
            Method::GET,
            &format!("/api/v1/workspaces/{}", fixture.verkeer),
            None,
            &auth,
        )
        .await;
    assert_error(&sibling, StatusCode::NOT_FOUND, "not_found");
    let sibling_query = fixture
        .request(
            Method::POST,
            &format!("/api/v1/workspaces/{}/query", fixture.verkeer),
            Some(json!({"text": "afval"})),
            &auth,
        )
        .await;
    assert_error(&sibling_query, StatusCode::NOT_FOUND, "not_found");
    let audit = fixture
        .request(Method::GET, "/api/v1/audit/entries", None, &auth)
        .await;
    assert_error(&audit, StatusCode::FORBIDDEN, "token_not_allowed");
    let approve = fixture
        .request(
            Method::POST,
            &format!("/api/v1/workspaces/{}/close", fixture.afval),
            Some(json!({"why": "x"})),
            &auth,
        )
        .await;
    assert_error(&approve, StatusCode::FORBIDDEN, "token_not_allowed");
    let wrong = fixture
        .request(
            Method::GET,
            "/api/v1/workspaces",
            None,
            &[("authorization", "Bearer 00ff")],
        )
        .await;
    assert_error(&wrong, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn bodies_over_the_limit_and_malformed_json_answer_our_error_body() {
    let fixture = fixture();
    let large = "x".repeat(2 * 1024 * 1024);
    let too_large = fixture
        .request(
            Method::POST,
            "/api/v1/session",
            Some(json!({"name": "bas", "password": large})),
            &[],
        )
        .await;
    assert_error(
        &too_large,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    let Ok(request) = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
    else {
        panic!("request");
    };
    let malformed = fixture.send(request).await;
    assert_error(&malformed, StatusCode::BAD_REQUEST, "malformed_json");
    let Ok(request) = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=bas"))
    else {
        panic!("request");
    };
    let form = fixture.send(request).await;
    assert_error(
        &form,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let login = fixture.login("bas").await;
    let Ok(request) = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/workspaces/{}/query", fixture.afval))
        .header(CONTENT_TYPE, "application/json")
        .header(COOKIE, &login.cookie)
        .header("x-csrf-token", &login.csrf)
        .body(Body::from(r#"{"text": 5}"#))
    else {
        panic!("request");
    };
    let wrong_type = fixture.send(request).await;
    assert_error(&wrong_type, StatusCode::BAD_REQUEST, "malformed_json");
}

#[tokio::test]
async fn the_route_table_lists_every_route_and_every_row_is_routable() {
    let registered: BTreeSet<(String, String)> = peil_server::routes::all()
        .iter()
        .map(|route| (route.method.to_string(), route.path.to_string()))
        .collect();
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|row| (row.method.to_string(), row.path.to_string()))
        .collect();
    assert_eq!(registered, table, "routes::all() and table::ROUTES differ");
    assert_eq!(table.len(), ROUTES.len(), "a row appears twice");
    let fixture = fixture();
    for row in ROUTES {
        let path = row
            .path
            .replace("{id}", &fixture.afval.to_string())
            .replace("{name}", "afval")
            .replace("{org}", "Gemeente%20Een")
            .replace("{kind}", "dpia")
            .replace("{*path}", "peil.css");
        let method = match Method::from_bytes(row.method.as_bytes()) {
            Ok(method) => method,
            Err(error) => panic!("{}: {error}", row.method),
        };
        let reply = fixture.request(method, &path, Some(json!({})), &[]).await;
        if row.access.is_page() {
            // A screen without a session sends the browser to the login form.
            assert_eq!(
                reply.status,
                StatusCode::SEE_OTHER,
                "{} {}",
                row.method,
                row.path
            );
            assert_eq!(
                reply.headers.get("location").and_then(|v| v.to_str().ok()),
                Some("/login"),
                "{} {}",
                row.method,
                row.path
            );
            assert_security_headers(&reply);
            continue;
        }
        if row.path.starts_with("/static/") {
            assert_eq!(reply.status, StatusCode::OK, "{}", row.path);
            continue;
        }
        assert_ne!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{} {}",
            row.method,
            row.path
        );
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {}",
            row.method,
            row.path
        );
        if row.access.requires_authentication() {
            assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
        }
        assert_security_headers(&reply);
    }
}

#[test]
fn the_error_table_has_unique_codes_and_sensible_statuses() {
    let codes = peil_server::ApiErrorCode::all();
    let names: BTreeSet<&str> = codes.iter().map(|code| code.code()).collect();
    assert_eq!(names.len(), codes.len());
    for code in codes {
        let (_, kind, status) = code.describe();
        assert!((400..600).contains(&status));
        assert_eq!(
            status >= 500,
            kind == peil_service::ErrorType::Internal,
            "{}",
            code.code()
        );
    }
}

#[test]
fn the_committed_openapi_document_is_current() {
    let generated = match peil_server::openapi::document_json() {
        Ok(text) => text,
        Err(error) => panic!("cannot generate the OpenAPI document: {error}"),
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("PEIL_UPDATE_OPENAPI").is_some() {
        if let Err(error) = std::fs::write(&path, &generated) {
            panic!("cannot write {}: {error}", path.display());
        }
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/server/openapi.json is out of date; regenerate it with:\n  PEIL_UPDATE_OPENAPI=1 cargo test -p peil-server --test api the_committed_openapi_document_is_current"
    );
    let document: Value = serde_json::from_str(&generated).unwrap_or(Value::Null);
    // The HTML screens and their public companions are not part of the JSON API.
    for row in ROUTES.iter().filter(|row| {
        !row.access.is_page() && (row.path.starts_with("/api/") || row.path == "/healthz")
    }) {
        let method = row.method.to_lowercase();
        assert!(
            document["paths"][row.path][&method].is_object(),
            "{} {} is not in the OpenAPI document",
            row.method,
            row.path
        );
    }
}

/// Every operation that reads a JSON body documents what the HTTP layer answers for a bad one
/// (400 malformed, 413 too large, 415 wrong content type), whatever its method: schemathesis
/// found a PATCH route without its 415 once.
#[test]
fn every_operation_with_a_body_documents_the_body_errors_whatever_its_method() {
    let generated = match peil_server::openapi::document_json() {
        Ok(text) => text,
        Err(error) => panic!("cannot generate the OpenAPI document: {error}"),
    };
    let document: Value = serde_json::from_str(&generated).unwrap_or(Value::Null);
    let Some(paths) = document["paths"].as_object() else {
        panic!("the OpenAPI document has no paths");
    };
    let mut checked = 0;
    for (path, item) in paths {
        let Some(operations) = item.as_object() else {
            continue;
        };
        for (method, operation) in operations {
            if operation.get("requestBody").is_none() {
                continue;
            }
            checked += 1;
            for status in ["400", "413", "415"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} reads a body but does not document {status}"
                );
            }
        }
    }
    let methods_with_bodies: std::collections::BTreeSet<&str> = paths
        .values()
        .filter_map(|item| item.as_object())
        .flat_map(|operations| {
            operations
                .iter()
                .filter(|(_, operation)| operation.get("requestBody").is_some())
                .map(|(method, _)| method.as_str())
        })
        .collect();
    assert!(checked > 5, "only {checked} operations with a body");
    assert!(
        methods_with_bodies.contains("patch"),
        "the document has no PATCH operation with a body any more: {methods_with_bodies:?}"
    );
}

#[tokio::test]
async fn the_scheduled_retention_run_is_the_audited_service_operation() {
    let directory = match tempfile::tempdir() {
        Ok(directory) => directory,
        Err(error) => panic!("no temp dir: {error}"),
    };
    let service = match peil_service::Service::open(directory.path(), None, "test") {
        Ok(service) => service,
        Err(error) => panic!("cannot open: {error}"),
    };
    let state = peil_server::AppState::new(service, None, ServerSettings::default());
    let outcome = peil_server::retention::run_retention_once(&state).await;
    assert!(outcome.is_ok(), "{:?}", outcome.err());
    let log =
        std::fs::read_to_string(directory.path().join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("retention_run"), "{log}");
    assert!(log.contains("local-operator"));
}

/// Jetstream frames of `count` posts about waste (they match the `afval` monitor) by ten
/// made-up authors, then deletions of the first `deletes` of them.
fn jetstream_frames(count: usize, deletes: usize) -> Vec<String> {
    let start = Utc::now().timestamp_micros() - 60_000_000;
    let mut frames: Vec<String> = (0..count)
        .map(|number| {
            json!({
                "did": format!("did:plc:auteur{}", number % 10),
                "time_us": start + number as i64,
                "kind": "commit",
                "commit": {
                    "rev": "3l3qo2vutsw2b",
                    "operation": "create",
                    "collection": "app.bsky.feed.post",
                    "rkey": format!("3l3qo2vuowo2{number}"),
                    "record": {
                        "$type": "app.bsky.feed.post",
                        "text": format!("Het afval in wijk {number} is weer niet opgehaald"),
                        "createdAt": Utc::now().to_rfc3339(),
                        "langs": ["nl"],
                    },
                    "cid": "bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4",
                },
            })
            .to_string()
        })
        .collect();
    for number in 0..deletes {
        frames.push(
            json!({
                "did": format!("did:plc:auteur{}", number % 10),
                "time_us": start + (count + number) as i64,
                "kind": "commit",
                "commit": {"rev": "3l3qo2vutsw2c", "operation": "delete",
                    "collection": "app.bsky.feed.post", "rkey": format!("3l3qo2vuowo2{number}")},
            })
            .to_string(),
        );
    }
    frames
}

/// Polls `GET /api/v1/connectors` as `login` until `done` holds (at most 30 s).
async fn connectors_until(
    fixture: &Fixture,
    login: &Login,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let reply = fixture.get("/api/v1/connectors", login).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        if done(&reply.body) {
            return reply.body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "connectors did not get there: {}",
            reply.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn connector<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["connectors"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == name))
        .unwrap_or(&Value::Null)
}

fn connector_names(body: &Value) -> BTreeSet<String> {
    body["connectors"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|row| row["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_connectors_run_in_the_server_resume_stop_cleanly_and_show_no_other_tenant() {
    use peil_connectors_live::replay::{serve_jetstream, Faults};
    use peil_connectors_live::{ConnectorKind, ConnectorSpec};

    let frames = jetstream_frames(40, 3);
    let replay = match serve_jetstream(frames.clone(), Faults::default()).await {
        Ok(replay) => replay,
        Err(error) => panic!("replay: {error}"),
    };
    let dead = match std::net::TcpListener::bind("127.0.0.1:0") {
        Ok(listener) => listener,
        Err(error) => panic!("bind: {error}"),
    };
    let dead_feed = format!(
        "http://{}/feed",
        dead.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    drop(dead);
    let specs = vec![
        // Every organisation: Bluesky (the loopback Jetstream).
        ConnectorSpec {
            name: "bluesky".to_string(),
            kind: ConnectorKind::Jetstream,
            endpoints: vec![replay.endpoint()],
            ..ConnectorSpec::default()
        },
        // Gemeente Twee's own feed: never shown to Gemeente Een.
        ConnectorSpec {
            name: "twee-feed".to_string(),
            kind: ConnectorKind::Rss,
            endpoints: vec![dead_feed],
            organisation: Some("Gemeente Twee".to_string()),
            ..ConnectorSpec::default()
        },
        // Fails at once (its app token is not set): started again with backoff.
        ConnectorSpec {
            name: "kapot".to_string(),
            kind: ConnectorKind::Mastodon,
            endpoints: vec!["http://127.0.0.1:9/".to_string()],
            token_env: Some("PEIL_TEST_TOKEN_THAT_IS_NOT_SET".to_string()),
            token_kind: Some("app".to_string()),
            ..ConnectorSpec::default()
        },
    ];
    assert!(peil_server::connectors::check_configuration(&specs).is_ok());
    let settings = ServerSettings {
        connector_restart_backoff: (
            std::time::Duration::from_millis(50),
            std::time::Duration::from_millis(200),
        ),
        ..ServerSettings::default()
    };
    let fixture = fixture_with_connectors(settings, specs);
    let tasks = peil_server::connectors::start(&fixture.state);
    let fg = fixture.login("fenna").await;
    let body = connectors_until(&fixture, &fg, |body| {
        connector(body, "bluesky")["received"].as_u64() >= Some(43)
            && connector(body, "kapot")["restarts"].as_u64() >= Some(2)
    })
    .await;
    // Sealed tenants: Gemeente Een sees the shared connectors, not Twee's, and no count of what
    // the pipeline decided.
    assert_eq!(
        connector_names(&body),
        BTreeSet::from(["bluesky".to_string(), "kapot".to_string()])
    );
    let text = body["connectors"].to_string();
    for withheld in [
        "matched", "dropped", "stored", "cursor\"", "token", "hashtag", "auteur",
    ] {
        assert!(!text.contains(withheld), "{withheld}: {text}");
    }
    let bluesky = connector(&body, "bluesky");
    assert_eq!(bluesky["state"], "running");
    assert_eq!(bluesky["scope"], "installation");
    assert_eq!(bluesky["hosts"], json!(["127.0.0.1"]));
    assert_eq!(bluesky["deletions_at_source"], 3);
    assert_eq!(bluesky["errors"], 0);
    assert!(bluesky["last_event_at"].is_string() && bluesky["cursor_age_seconds"].is_i64());
    assert!(bluesky["lag_ms"].is_i64());
    let kapot = connector(&body, "kapot");
    assert!(kapot["restarts"].as_u64() >= Some(2), "{kapot}");
    let other = fixture.login("otto").await;
    let theirs = fixture.get("/api/v1/connectors", &other).await;
    assert_eq!(
        connector_names(&theirs.body),
        BTreeSet::from([
            "bluesky".to_string(),
            "kapot".to_string(),
            "twee-feed".to_string()
        ])
    );
    assert_eq!(
        connector(&theirs.body, "twee-feed")["scope"],
        "organisation"
    );
    let analyst = fixture.login("bas").await;
    let refused = fixture.get("/api/v1/connectors", &analyst).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");

    // A clean stop: the last batch written, the cursor saved, each session closed in the log.
    tasks.stop().await;
    let stopped = fixture.get("/api/v1/connectors", &fg).await;
    for name in ["bluesky", "kapot"] {
        assert_eq!(connector(&stopped.body, name)["state"], "stopped", "{name}");
    }
    let (cursor, posts) = match fixture
        .state
        .call(|service| {
            let states = service.connector_states(&Actor::LocalOperator)?;
            let check = service.check_store(&Actor::LocalOperator)?;
            Ok((states, check.posts_in_database))
        })
        .await
    {
        Ok((states, posts)) => (
            states
                .iter()
                .find(|state| state.name == "bluesky")
                .and_then(|state| state.cursor.clone()),
            posts,
        ),
        Err(error) => panic!("{error}"),
    };
    assert_eq!(
        posts, 37,
        "40 matching posts stored, 3 deleted at the source"
    );
    let last_time_us = frames
        .iter()
        .filter_map(|frame| serde_json::from_str::<Value>(frame).ok())
        .filter_map(|value| value["time_us"].as_i64())
        .max();
    assert_eq!(cursor, last_time_us.map(|time| time.to_string()));
    let log =
        std::fs::read_to_string(fixture.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default();
    let bluesky_entries: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("connector:bluesky"))
        .collect();
    assert_eq!(
        bluesky_entries.len(),
        2,
        "one entry at the start, one at the end"
    );
    assert!(
        bluesky_entries[1].contains("stop: read 43 stored 40"),
        "{}",
        bluesky_entries[1]
    );
    assert!(
        log.lines()
            .filter(|line| line.contains("connector:kapot"))
            .count()
            >= 4
    );

    // Started again (a server restart): resumes from the saved cursor, stores nothing twice.
    let again = peil_server::connectors::start(&fixture.state);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while replay.requests().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no second connection");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        replay.requests()[1].contains(&format!("cursor={}", cursor.unwrap_or_default())),
        "{:?}",
        replay.requests()
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    again.stop().await;
    let posts = fixture
        .state
        .call(|service| {
            Ok(service
                .check_store(&Actor::LocalOperator)?
                .posts_in_database)
        })
        .await;
    assert_eq!(posts.ok(), Some(37));
}

#[tokio::test]
async fn a_workspace_id_that_is_not_a_number_answers_invalid_input_not_a_plain_text_400() {
    let fixture = fixture();
    let analyst = fixture.login("bas").await;
    for id in ["abc", "1.5", "99999999999999999999", "%00"] {
        let reply = fixture
            .get(&format!("/api/v1/workspaces/{id}/monitors"), &analyst)
            .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert!(
            !reply.body.to_string().contains(id),
            "the value is echoed: {}",
            reply.body
        );
        let query = fixture
            .post(
                &format!("/api/v1/workspaces/{id}/query"),
                &analyst,
                json!({"text": "afval"}),
            )
            .await;
        assert_error(&query, StatusCode::BAD_REQUEST, "invalid_input");
    }
}

#[tokio::test]
async fn the_audit_entries_page_back_with_before_and_limit() {
    let fixture = fixture();
    let fg = fixture.login("fenna").await;
    let index_list = |reply: &Reply| -> Vec<u64> {
        reply
            .body
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item["index"].as_u64())
                    .collect()
            })
            .unwrap_or_default()
    };
    let newest = fixture.get("/api/v1/audit/entries?limit=3", &fg).await;
    assert_eq!(newest.status, StatusCode::OK, "{}", newest.body);
    let newest_indexes = index_list(&newest);
    // Every entry now: those of the page, then the page's own view entry.
    let all = fixture.get("/api/v1/audit/entries", &fg).await;
    let every = index_list(&all);
    assert!(every.len() > 7, "{every:?}");
    let end = every.len() - 1;
    // Oldest first within the page; the page is the newest three.
    assert_eq!(newest_indexes, every[end - 3..end].to_vec());
    let before = newest_indexes[0];
    let older = fixture
        .get(
            &format!("/api/v1/audit/entries?before={before}&limit=3"),
            &fg,
        )
        .await;
    assert_eq!(index_list(&older), every[end - 6..end - 3].to_vec());
    for bad in [
        "limit=0",
        "limit=1001",
        "limit=x",
        "before=-1",
        "before=abc",
    ] {
        let reply = fixture
            .get(&format!("/api/v1/audit/entries?{bad}"), &fg)
            .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    }
}

/// Who calls in the route × role × tenant matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Admin,
    Analyst,
    Webcare,
    Fg,
    /// A user of Gemeente Twee with the role the operation allows (so a refusal can only come
    /// from the tenant seal, not from the role table), with ids of Gemeente Een.
    OtherOrganisation,
    Anonymous,
}

const CALLERS: [Caller; 6] = [
    Caller::Admin,
    Caller::Analyst,
    Caller::Webcare,
    Caller::Fg,
    Caller::OtherOrganisation,
    Caller::Anonymous,
];

/// Every JSON API route with the status each caller gets:
/// [admin, analyst, webcare, fg, other organisation, anonymous].
const ROUTE_MATRIX: &[(&str, &str, [u16; 6])] = &[
    ("GET", "/healthz", [200, 200, 200, 200, 200, 200]),
    (
        "GET",
        "/api/v1/openapi.json",
        [200, 200, 200, 200, 200, 200],
    ),
    // Each caller logs in again as itself; nobody presents a wrong password.
    ("POST", "/api/v1/session", [200, 200, 200, 200, 200, 401]),
    ("DELETE", "/api/v1/session", [204, 204, 204, 204, 204, 401]),
    ("GET", "/api/v1/workspaces", [200, 200, 200, 200, 200, 401]),
    ("POST", "/api/v1/workspaces", [201, 403, 403, 403, 201, 401]),
    (
        "GET",
        "/api/v1/workspaces/{id}",
        [200, 200, 200, 200, 404, 401],
    ),
    (
        "PATCH",
        "/api/v1/workspaces/{id}",
        [200, 403, 403, 403, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/renew",
        [200, 403, 403, 403, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/approve",
        [403, 403, 403, 200, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/activate",
        [200, 403, 403, 403, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/close",
        [200, 403, 403, 200, 404, 401],
    ),
    (
        "GET",
        "/api/v1/workspaces/{id}/monitors",
        [200, 200, 403, 200, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/monitors",
        [201, 201, 403, 403, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/monitors/check",
        [200, 200, 403, 403, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/query",
        [403, 200, 403, 200, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/tokens",
        [201, 403, 403, 403, 404, 401],
    ),
    (
        "GET",
        "/api/v1/audit/entries",
        [200, 403, 403, 200, 200, 401],
    ),
    (
        "GET",
        "/api/v1/audit/verify",
        [200, 403, 403, 200, 200, 401],
    ),
    ("GET", "/api/v1/connectors", [200, 403, 403, 200, 200, 401]),
    (
        "GET",
        "/api/v1/workspaces/{id}/webcare",
        [403, 403, 200, 403, 404, 401],
    ),
    (
        "POST",
        "/api/v1/workspaces/{id}/webcare/{message}",
        [403, 403, 200, 403, 404, 401],
    ),
];

/// Adds `name` with `role` to Gemeente Twee (password, and TOTP where the role needs it).
async fn add_other_user(fixture: &mut Fixture, name: &'static str, role: Role) {
    let secret = fixture
        .state
        .call(move |service| {
            let other_admin = service.actor(Some("otto"))?;
            service.add_user(&other_admin, "Gemeente Twee", name, role, "matrix")?;
            service.set_password(&Actor::LocalOperator, name, PASSWORD)?;
            if role == Role::Fg {
                let enrolment = service.enrol_totp(&Actor::LocalOperator, name)?;
                return Ok(totp_secret_of_uri(&enrolment.otpauth_uri));
            }
            Ok(None)
        })
        .await;
    match secret {
        Ok(Some(secret)) => {
            fixture.secrets.insert(name.to_string(), secret);
        }
        Ok(None) => {}
        Err(error) => panic!("add {name}: {error}"),
    }
}

/// An active public-order picture of Gemeente Een (to renew), ending in five days.
async fn public_order_workspace(fixture: &Fixture, name: &'static str) -> i64 {
    let created = fixture
        .state
        .call(move |service| {
            let admin = service.actor(Some("anna"))?;
            let fg = service.actor(Some("fenna"))?;
            let mut public_order = draft(name);
            public_order.purpose = Purpose::PublicOrderGeneralPicture;
            public_order.lead = Some("aangekondigde demonstratie".to_string());
            public_order.ends_at = Some(chrono::Utc::now() + chrono::Duration::days(5));
            let workspace = service.create_workspace(&admin, "Gemeente Een", &public_order, "x")?;
            service.set_workspace_status(&fg, name, None, WorkspaceStatus::Approved, "x")?;
            service.set_workspace_status(&admin, name, None, WorkspaceStatus::Active, "x")?;
            Ok(workspace.id)
        })
        .await;
    match created {
        Ok(id) => id,
        Err(error) => panic!("workspace {name}: {error}"),
    }
}

/// A workspace of Gemeente Een created (and optionally approved) for one cell of the matrix.
async fn matrix_workspace(fixture: &Fixture, name: &'static str, approve: bool) -> i64 {
    let created = fixture
        .state
        .call(move |service| {
            let admin = service.actor(Some("anna"))?;
            let workspace = service.create_workspace(&admin, "Gemeente Een", &draft(name), "x")?;
            if approve {
                let fg = service.actor(Some("fenna"))?;
                service.set_workspace_status(&fg, name, None, WorkspaceStatus::Approved, "x")?;
            }
            Ok(workspace.id)
        })
        .await;
    match created {
        Ok(id) => id,
        Err(error) => panic!("workspace {name}: {error}"),
    }
}

#[tokio::test]
async fn every_api_route_answers_each_role_another_tenant_and_nobody_as_the_matrix_says() {
    let mut fixture = fixture();
    add_other_user(&mut fixture, "olga", Role::Fg).await;
    add_other_user(&mut fixture, "oscar", Role::Analyst).await;
    add_other_user(&mut fixture, "olaf", Role::Webcare).await;
    // The webcare inbox: a webcare workspace with messages, and the id of one to mark.
    let webcare_id = webcare_workspace(&fixture).await;
    let webcare_session = fixture.login("wim").await;
    let inbox = fixture
        .get(
            &format!("/api/v1/workspaces/{webcare_id}/webcare"),
            &webcare_session,
        )
        .await;
    let Some(message_id) = inbox.body["messages"][0]["id"].as_i64() else {
        panic!("no webcare message to mark: {}", inbox.body);
    };
    // Targets whose state lets the allowed role succeed: a draft to approve, an approved
    // workspace to activate, one workspace for each role that may close.
    let to_approve = fixture.verkeer;
    let to_activate = matrix_workspace(&fixture, "te-activeren", true).await;
    let close_admin = matrix_workspace(&fixture, "sluiten-beheer", false).await;
    let close_fg = matrix_workspace(&fixture, "sluiten-fg", false).await;
    let to_renew = public_order_workspace(&fixture, "verlengen").await;

    // Every JSON API row of the route table has a row in the matrix, and the matrix agrees with
    // the service's role table: a role outside an operation's row gets 403, a role inside never.
    let api_rows: Vec<_> = ROUTES.iter().filter(|row| !row.access.is_page()).collect();
    for row in ROUTES.iter().filter(|row| !row.access.is_page()) {
        if row.path.starts_with("/static/")
            || row.path.starts_with("/login")
            || row.path.starts_with("/transparency/")
        {
            continue;
        }
        assert!(
            ROUTE_MATRIX
                .iter()
                .any(|(method, path, _)| *method == row.method && *path == row.path),
            "{} {} is missing from ROUTE_MATRIX",
            row.method,
            row.path
        );
    }
    assert!(api_rows.len() >= ROUTE_MATRIX.len());
    for (method, path, expected) in ROUTE_MATRIX {
        let Some(row) = peil_server::table::lookup(method, path) else {
            panic!("{method} {path} is in ROUTE_MATRIX but not in the route table");
        };
        let Some(operation) = row.access.operation() else {
            continue;
        };
        if matches!(
            operation,
            peil_service::Operation::Login | peil_service::Operation::Logout
        ) {
            continue;
        }
        for (index, role) in [Role::Admin, Role::Analyst, Role::Webcare, Role::Fg]
            .into_iter()
            .enumerate()
        {
            let allowed = operation.allowed_roles().contains(&role);
            assert_eq!(
                expected[index] == 403,
                !allowed,
                "{method} {path}: the matrix and the role table disagree for {role:?}"
            );
        }
    }

    let mut sessions: HashMap<&str, Login> = HashMap::new();
    for name in [
        "anna", "bas", "wim", "fenna", "otto", "olga", "oscar", "olaf",
    ] {
        sessions.insert(name, fixture.login(name).await);
    }
    for (method, path, expected) in ROUTE_MATRIX {
        let operation =
            peil_server::table::lookup(method, path).and_then(|row| row.access.operation());
        for (caller, status) in CALLERS.iter().zip(expected) {
            let name = match caller {
                Caller::Admin => "anna",
                Caller::Analyst => "bas",
                Caller::Webcare => "wim",
                Caller::Fg => "fenna",
                Caller::Anonymous => "",
                Caller::OtherOrganisation => {
                    match operation.and_then(|operation| operation.allowed_roles().first()) {
                        Some(Role::Fg) => "olga",
                        Some(Role::Analyst) => "oscar",
                        Some(Role::Webcare) => "olaf",
                        _ => "otto",
                    }
                }
            };
            let id = match (*path, caller) {
                ("/api/v1/workspaces/{id}/approve", _) => to_approve,
                ("/api/v1/workspaces/{id}/activate", _) => to_activate,
                ("/api/v1/workspaces/{id}/close", Caller::Fg) => close_fg,
                ("/api/v1/workspaces/{id}/close", _) => close_admin,
                ("/api/v1/workspaces/{id}/renew", _) => to_renew,
                ("/api/v1/workspaces/{id}/webcare", _)
                | ("/api/v1/workspaces/{id}/webcare/{message}", _) => webcare_id,
                _ => fixture.afval,
            };
            let url = path
                .replace("{id}", &id.to_string())
                .replace("{message}", &message_id.to_string());
            let body = match *path {
                "/api/v1/session" if *method == "POST" => {
                    let totp = fixture
                        .secrets
                        .contains_key(name)
                        .then(|| fixture.totp(name));
                    let password = if name.is_empty() {
                        "fout wachtwoord 123"
                    } else {
                        PASSWORD
                    };
                    Some(
                        json!({"name": if name.is_empty() { "niemand" } else { name },
                        "password": password, "totp": totp}),
                    )
                }
                "/api/v1/workspaces" if *method == "POST" => Some(json!({
                    "name": format!("matrix-{caller:?}").to_lowercase(),
                    "purpose": "trend_policy_analysis", "purpose_text": "x",
                    "legal_basis": "AVG art. 6(1)(e)", "retention_days_posts": 30,
                    "retention_days_aggregates": 365, "why": "matrix"})),
                "/api/v1/workspaces/{id}/monitors" if *method == "POST" => Some(json!({
                    "query": format!("matrix{} OR afval", *caller as u8), "justification": "matrix"})),
                "/api/v1/workspaces/{id}/monitors/check" => Some(json!({"query": "afval"})),
                "/api/v1/workspaces/{id}/query" => Some(json!({"text": "afval"})),
                "/api/v1/workspaces/{id}/tokens" => Some(json!({"role": "analyst"})),
                "/api/v1/workspaces/{id}/webcare/{message}" => {
                    Some(json!({"status": "answered", "why": "matrix"}))
                }
                // A new FG contact narrows nothing and widens nothing: `afval` stays active.
                "/api/v1/workspaces/{id}" if *method == "PATCH" => Some(json!({
                    "fg_contact": "fg-matrix@gemeente.example", "why": "matrix"})),
                "/api/v1/workspaces/{id}/renew" => Some(json!({
                    "ends_at": (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339(),
                    "lead": "nieuwe aankondiging", "why": "matrix"})),
                _ if *method == "POST" => Some(json!({"why": "matrix"})),
                _ => None,
            };
            // The logout ends the session it is sent with: a fresh one.
            let fresh;
            let login = if name.is_empty() || *method == "POST" && *path == "/api/v1/session" {
                None
            } else if *method == "DELETE" {
                fresh = fixture.login(name).await;
                Some(&fresh)
            } else {
                sessions.get(name)
            };
            let mut headers: Vec<(&str, &str)> = Vec::new();
            if let Some(login) = login {
                headers.push(("cookie", &login.cookie));
                headers.push(("x-csrf-token", &login.csrf));
            }
            let verb = match Method::from_bytes(method.as_bytes()) {
                Ok(verb) => verb,
                Err(error) => panic!("{method}: {error}"),
            };
            let reply = fixture.request(verb, &url, body, &headers).await;
            let cell = format!("{method} {path} as {caller:?} ({name})");
            assert_eq!(reply.status.as_u16(), *status, "{cell}: {}", reply.body);
            assert_security_headers(&reply);
            if *status >= 400 {
                let code = match status {
                    401 if name.is_empty() && *method == "POST" && *path == "/api/v1/session" => {
                        "invalid_credentials"
                    }
                    401 => "unauthenticated",
                    403 => "forbidden",
                    404 => "not_found",
                    _ => "",
                };
                assert_eq!(reply.code(), code, "{cell}: {}", reply.body);
            }
            if *caller == Caller::OtherOrganisation {
                let text = reply.body.to_string();
                assert!(!text.contains("Gemeente Een"), "{cell} leaks: {text}");
                for own in [fixture.afval, fixture.verkeer, to_activate, close_admin] {
                    assert!(
                        !text.contains(&format!("\"workspace:{own}\""))
                            && !text.contains(&format!("\"id\":{own},")),
                        "{cell} names workspace {own} of Gemeente Een: {text}"
                    );
                }
            }
        }
    }
}

/// Adds an active webcare workspace `webcare` (own account `@gemeente`) to Gemeente Een with
/// three messages addressed to it and two that are not; returns its id.
async fn webcare_workspace(fixture: &Fixture) -> i64 {
    let created = fixture
        .state
        .call(|service| {
            let admin = service.actor(Some("anna"))?;
            let fg = service.actor(Some("fenna"))?;
            let mut webcare_draft = draft("webcare");
            webcare_draft.purpose = Purpose::CommunicationWebcare;
            webcare_draft.retention_days_posts = 7;
            let workspace =
                service.create_workspace(&admin, "Gemeente Een", &webcare_draft, "webcare")?;
            service.set_workspace_status(&fg, "webcare", None, WorkspaceStatus::Approved, "ok")?;
            service.set_workspace_status(&admin, "webcare", None, WorkspaceStatus::Active, "go")?;
            service.add_monitor(&admin, "webcare", None, "afval", "vragen over afval")?;
            let mut lines = String::new();
            for number in 0..5 {
                let text = if number < 3 {
                    format!("@gemeente waar blijft het afval {number}")
                } else {
                    format!("afval op straat {number}")
                };
                lines.push_str(
                    &json!({
                        "id": format!("w{number}"),
                        "created_at": (Utc::now() - chrono::Duration::minutes(number)).to_rfc3339(),
                        "text": text,
                        "author_id": format!("inwoner-{number}"),
                        "lang": "nl",
                        "url": format!("https://social.example/@inwoner{number}/{number}0077"),
                    })
                    .to_string(),
                );
                lines.push('\n');
            }
            let records = peil_connectors::read_records(
                std::io::Cursor::new(lines.into_bytes()),
                peil_connectors::ImportFormat::Jsonl,
            );
            let scope = peil_service::ImportScope::Organisation("Gemeente Een".to_string());
            service.import(&admin, &scope, 100, records, &mut |_| {})?;
            Ok(workspace.id)
        })
        .await;
    match created {
        Ok(id) => id,
        Err(error) => panic!("webcare workspace: {error}"),
    }
}

#[tokio::test]
async fn the_webcare_inbox_answers_only_the_webcare_role_of_its_own_organisation() {
    let fixture = fixture();
    let workspace = webcare_workspace(&fixture).await;
    let inbox_path = format!("/api/v1/workspaces/{workspace}/webcare");
    let webcare = fixture.login("wim").await;
    let inbox = fixture.get(&inbox_path, &webcare).await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert_eq!(inbox.body["total"], 3);
    assert_eq!(inbox.body["open"], 3);
    let links: Vec<&str> = inbox.body["messages"]
        .as_array()
        .map(|messages| {
            messages
                .iter()
                .filter_map(|message| message["answer_link"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        links,
        vec![
            "https://social.example/@inwoner0/00077",
            "https://social.example/@inwoner1/10077",
            "https://social.example/@inwoner2/20077",
        ],
        "newest first"
    );
    // Other roles: refused (and audited by the service); another organisation: not found.
    for name in ["bas", "anna", "fenna"] {
        let login = fixture.login(name).await;
        let refused = fixture.get(&inbox_path, &login).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        assert!(!refused.body.to_string().contains("social.example"));
    }
    let otto = fixture.login("otto").await;
    let foreign = fixture.get(&inbox_path, &otto).await;
    assert_error(&foreign, StatusCode::NOT_FOUND, "not_found");
    // A trend workspace has no inbox.
    let trend = fixture
        .get(
            &format!("/api/v1/workspaces/{}/webcare", fixture.afval),
            &webcare,
        )
        .await;
    assert_error(&trend, StatusCode::BAD_REQUEST, "invalid_input");

    // Marking: CSRF needed, a why note needed, then the status changes.
    let first = inbox.body["messages"][0]["id"].as_i64().unwrap_or_default();
    let mark_path = format!("{inbox_path}/{first}");
    let without_csrf = fixture
        .request(
            Method::POST,
            &mark_path,
            Some(json!({"status": "answered", "why": "beantwoord"})),
            &[("cookie", &webcare.cookie)],
        )
        .await;
    assert_eq!(without_csrf.status, StatusCode::FORBIDDEN);
    let without_why = fixture
        .post(
            &mark_path,
            &webcare,
            json!({"status": "answered", "why": " "}),
        )
        .await;
    assert_error(&without_why, StatusCode::BAD_REQUEST, "invalid_input");
    let unknown_status = fixture
        .post(&mark_path, &webcare, json!({"status": "weg", "why": "x"}))
        .await;
    assert_error(&unknown_status, StatusCode::BAD_REQUEST, "invalid_input");
    let analyst = fixture.login("bas").await;
    let by_analyst = fixture
        .post(
            &mark_path,
            &analyst,
            json!({"status": "closed", "why": "x"}),
        )
        .await;
    assert_error(&by_analyst, StatusCode::FORBIDDEN, "forbidden");
    let foreign_mark = fixture
        .post(&mark_path, &otto, json!({"status": "closed", "why": "x"}))
        .await;
    assert_error(&foreign_mark, StatusCode::NOT_FOUND, "not_found");
    let marked = fixture
        .post(
            &mark_path,
            &webcare,
            json!({"status": "answered", "why": "antwoord gegeven"}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(marked.body["status"], "answered");
    let after = fixture.get(&inbox_path, &webcare).await;
    assert_eq!(after.body["open"], 2);
    assert_eq!(after.body["messages"][0]["status"], "answered");
    // The plain links are in no file of the data directory.
    for number in 0..5 {
        let link = format!("https://social.example/@inwoner{number}/{number}0077");
        assert!(
            !any_file_contains(&fixture.data_dir, link.as_bytes()),
            "plain link {number} on disk"
        );
    }
}

fn any_file_contains(directory: &std::path::Path, needle: &[u8]) -> bool {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            any_file_contains(&path, needle)
        } else {
            std::fs::read(&path)
                .map(|bytes| bytes.windows(needle.len()).any(|window| window == needle))
                .unwrap_or(false)
        }
    })
}

#[tokio::test]
async fn patching_a_workspace_edits_it_in_place_but_never_its_purpose() {
    let fixture = fixture();
    let admin = fixture.login("anna").await;
    let url = format!("/api/v1/workspaces/{}", fixture.afval);
    let patch = |body: Value| {
        let admin = &admin;
        let url = &url;
        let fixture = &fixture;
        async move {
            fixture
                .request(
                    Method::PATCH,
                    url,
                    Some(body),
                    &[("cookie", &admin.cookie), ("x-csrf-token", &admin.csrf)],
                )
                .await
        }
    };
    // Narrowing: stays active.
    let narrowed = patch(json!({"retention_days_posts": 14, "k": 7, "why": "strenger"})).await;
    assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.body);
    assert_eq!(narrowed.body["retention_days_posts"], 14);
    assert_eq!(narrowed.body["k"], 7);
    assert_eq!(narrowed.body["status"], "active");
    // Widening: back to draft for the FG.
    let widened = patch(
        json!({"allowed_sources": [], "own_accounts": ["@gemeente", "@stadsbeheer"],
        "why": "meer bronnen"}),
    )
    .await;
    assert_eq!(widened.status, StatusCode::OK, "{}", widened.body);
    assert_eq!(widened.body["status"], "draft");
    // Never the purpose, never below k 5, never without a why note or without a change.
    for (body, code) in [
        (
            json!({"purpose": "public_order_general_picture", "why": "ander doel"}),
            "rule_violation",
        ),
        (json!({"k": 3, "why": "x"}), "rule_violation"),
        (json!({"k": 9, "why": " "}), "rule_violation"),
        (json!({"k": 7, "why": "niets"}), "rule_violation"),
        (json!({"purpose": "marketing", "why": "x"}), "invalid_input"),
    ] {
        let refused = patch(body.clone()).await;
        assert_eq!(refused.code(), code, "{body}: {}", refused.body);
    }
    let refused = patch(json!({"purpose": "public_order_general_picture", "why": "x"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("new workspace"),
        "{}",
        refused.body
    );
    // Renewing a trend workspace is refused: only public-order pictures have an end date to extend.
    let renew = fixture
        .post(
            &format!("/api/v1/workspaces/{}/renew", fixture.afval),
            &admin,
            json!({"ends_at": (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339(),
                "lead": "x", "why": "x"}),
        )
        .await;
    assert_eq!(renew.code(), "rule_violation", "{}", renew.body);
}
