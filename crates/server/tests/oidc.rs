//! OIDC login end to end against a local test issuer (axum on 127.0.0.1:0, an ES256 key
//! generated per run): discovery, JWKS, an authorization endpoint that sends the browser straight
//! back with a code, and a token endpoint that checks the client's credentials and the PKCE
//! verifier and answers a signed ID token. Client credentials are a secret (client_secret_basic)
//! or, for private_key_jwt, the client's registered public keys: the issuer verifies the client
//! assertion's signature (jsonwebtoken), `iss` = `sub` = the client, `aud` = its token endpoint,
//! `exp` (at most five minutes after `iat`) and a `jti` it has not seen before. Peil's router runs in process (`oneshot`); its calls to
//! the issuer go over the socket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header::{AUTHORIZATION, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use peil_model::Role;
use peil_server::{AppState, ServerSettings};
use peil_service::{Actor, ClientCredential, OidcSettings, Service, ServiceError};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const REDIRECT_URI: &str = "https://peil.test/login/oidc/callback";
const ANNA_SUBJECT: &str = "sub-anna-5b1f0c";
const OTTO_SUBJECT: &str = "sub-otto-9e27aa";
const STRANGER_SUBJECT: &str = "sub-stranger-41d2";
const SECRET_EEN: &str = "geheim client secret een";
const SECRET_TWEE: &str = "geheim client secret twee";

fn ok<T>(result: Result<T, ServiceError>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// How the issuer makes its next ID token.
#[derive(Clone, Default)]
struct Mint {
    subject: String,
    /// Replaces the nonce of the authorization request.
    nonce: Option<String>,
    /// Replaces the audience (the requesting client).
    audience: Option<String>,
    /// Seconds added to `exp` (default: one hour ahead) and `iat` (default: now).
    expires_in: Option<i64>,
    issued_ago: i64,
    /// Sign with a key that is not in the JWKS (same `kid`).
    foreign_key: bool,
    /// Remember a different PKCE challenge than the one sent (the verifier will not match).
    spoil_challenge: bool,
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    nonce: String,
    challenge: String,
    method: String,
}

/// A client registered at the issuer.
#[derive(Clone)]
enum Registered {
    Secret(String),
    /// private_key_jwt: the client's public keys (JWKs).
    Keys(Vec<Value>),
}

struct Issuer {
    base: String,
    key: EncodingKey,
    foreign: EncodingKey,
    jwks: Value,
    clients: Mutex<HashMap<String, Registered>>,
    /// `jti`s of every client assertion accepted (a replay is refused).
    seen_jtis: Mutex<std::collections::HashSet<String>>,
    /// The claims of every client assertion accepted.
    assertions: Mutex<Vec<Value>>,
    /// Why the token endpoint refused a client (fixed texts).
    client_refusals: Mutex<Vec<&'static str>>,
    mint: Mutex<Mint>,
    codes: Mutex<HashMap<String, Grant>>,
    /// Parameters of every authorization request and token request seen.
    authorizations: Mutex<Vec<HashMap<String, String>>>,
    token_requests: Mutex<Vec<HashMap<String, String>>>,
}

fn es256_key() -> (EncodingKey, Vec<u8>) {
    let random = SystemRandom::new();
    let Ok(pkcs8) = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &random) else {
        panic!("no key");
    };
    let Ok(pair) =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &random)
    else {
        panic!("no key pair");
    };
    (
        EncodingKey::from_ec_der(pkcs8.as_ref()),
        pair.public_key().as_ref().to_vec(),
    )
}

fn pairs(text: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

async fn discovery(State(issuer): State<Arc<Issuer>>) -> Json<Value> {
    let base = &issuer.base;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
    }))
}

async fn serve_jwks(State(issuer): State<Arc<Issuer>>) -> Json<Value> {
    Json(issuer.jwks.clone())
}

async fn authorize(State(issuer): State<Arc<Issuer>>, RawQuery(query): RawQuery) -> Response {
    let request = pairs(query.unwrap_or_default().as_bytes());
    let get = |name: &str| request.get(name).cloned().unwrap_or_default();
    let mut challenge = get("code_challenge");
    if issuer
        .mint
        .lock()
        .map(|mint| mint.spoil_challenge)
        .unwrap_or(false)
    {
        challenge = b64url(&Sha256::digest(b"another verifier"));
    }
    let code = b64url(&Sha256::digest(format!("code {}", get("state")).as_bytes()));
    if let Ok(mut codes) = issuer.codes.lock() {
        codes.insert(
            code.clone(),
            Grant {
                client_id: get("client_id"),
                redirect_uri: get("redirect_uri"),
                nonce: get("nonce"),
                challenge,
                method: get("code_challenge_method"),
            },
        );
    }
    let location = format!(
        "{}?{}",
        get("redirect_uri"),
        serde_urlencoded::to_string([("code", code.as_str()), ("state", get("state").as_str())])
            .unwrap_or_default()
    );
    if let Ok(mut seen) = issuer.authorizations.lock() {
        seen.push(request);
    }
    (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
}

fn client_error() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "invalid_client"})),
    )
        .into_response()
}

/// Checks a private_key_jwt client assertion (RFC 7523 3, OIDC Core 9) and returns its client.
fn check_assertion(
    issuer: &Issuer,
    request: &HashMap<String, String>,
) -> Result<String, &'static str> {
    let get = |name: &str| request.get(name).cloned().unwrap_or_default();
    if get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
        return Err("assertion type");
    }
    let assertion = get("client_assertion");
    let header = jsonwebtoken::decode_header(&assertion).map_err(|_| "malformed")?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) || header.kid.is_none() {
        return Err("algorithm");
    }
    // The claimed client (unverified) picks the keys to verify with.
    let claimed = assertion
        .split('.')
        .nth(1)
        .and_then(|part| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|claims| claims["iss"].as_str().map(str::to_string))
        .ok_or("malformed")?;
    let registered = issuer
        .clients
        .lock()
        .ok()
        .and_then(|clients| clients.get(&claimed).cloned());
    let Some(Registered::Keys(keys)) = registered else {
        return Err("unknown client");
    };
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[format!("{}/token", issuer.base)]);
    validation.set_issuer(&[claimed.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    let claims = keys
        .iter()
        .filter_map(|jwk| serde_json::from_value::<jsonwebtoken::jwk::Jwk>(jwk.clone()).ok())
        .filter_map(|jwk| jsonwebtoken::DecodingKey::from_jwk(&jwk).ok())
        .find_map(|key| jsonwebtoken::decode::<Value>(&assertion, &key, &validation).ok())
        .map(|data| data.claims)
        .ok_or("signature")?;
    if claims["sub"].as_str() != Some(claimed.as_str())
        || request
            .get("client_id")
            .is_some_and(|client_id| *client_id != claimed)
    {
        return Err("subject");
    }
    let now = chrono::Utc::now().timestamp();
    let (Some(issued_at), Some(expires)) = (claims["iat"].as_i64(), claims["exp"].as_i64()) else {
        return Err("lifetime");
    };
    if expires - issued_at > 300 || issued_at > now + 5 {
        return Err("lifetime");
    }
    let jti = claims["jti"].as_str().unwrap_or_default().to_string();
    if jti.is_empty() {
        return Err("jti");
    }
    let fresh = issuer
        .seen_jtis
        .lock()
        .map(|mut seen| seen.insert(jti))
        .unwrap_or(false);
    if !fresh {
        return Err("replayed jti");
    }
    if let Ok(mut accepted) = issuer.assertions.lock() {
        accepted.push(claims);
    }
    Ok(claimed)
}

fn token_error() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "invalid_grant"})),
    )
        .into_response()
}

async fn token(State(issuer): State<Arc<Issuer>>, headers: HeaderMap, body: Bytes) -> Response {
    let request = pairs(&body);
    if let Ok(mut seen) = issuer.token_requests.lock() {
        seen.push(request.clone());
    }
    let client_id = if request.contains_key("client_assertion") {
        // private_key_jwt: no secret may come along.
        if headers.contains_key(AUTHORIZATION) {
            return client_error();
        }
        match check_assertion(&issuer, &request) {
            Ok(client_id) => client_id,
            Err(reason) => {
                if let Ok(mut refusals) = issuer.client_refusals.lock() {
                    refusals.push(reason);
                }
                return client_error();
            }
        }
    } else {
        // client_secret_basic
        let credentials = headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Basic "))
            .and_then(|value| base64::engine::general_purpose::STANDARD.decode(value).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default();
        let Some((client_id, secret)) = credentials.split_once(':') else {
            return token_error();
        };
        let secret = secret.replace('+', " ");
        let registered = issuer
            .clients
            .lock()
            .ok()
            .and_then(|clients| clients.get(client_id).cloned());
        if !matches!(registered, Some(Registered::Secret(known)) if known == secret) {
            return token_error();
        }
        client_id.to_string()
    };
    let client_id = client_id.as_str();
    let get = |name: &str| request.get(name).cloned().unwrap_or_default();
    let grant = issuer
        .codes
        .lock()
        .ok()
        .and_then(|mut codes| codes.remove(&get("code")));
    let Some(grant) = grant else {
        return token_error();
    };
    let verifier = get("code_verifier");
    let pkce_ok = grant.method == "S256"
        && !verifier.is_empty()
        && b64url(&Sha256::digest(verifier.as_bytes())) == grant.challenge;
    if get("grant_type") != "authorization_code"
        || grant.client_id != client_id
        || grant.redirect_uri != get("redirect_uri")
        || !pkce_ok
    {
        return token_error();
    }
    let mint = issuer
        .mint
        .lock()
        .map(|mint| mint.clone())
        .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": issuer.base,
        "sub": mint.subject,
        "aud": mint.audience.clone().unwrap_or(grant.client_id.clone()),
        "exp": now + mint.expires_in.unwrap_or(3600),
        "iat": now - mint.issued_ago,
        "nonce": mint.nonce.clone().unwrap_or(grant.nonce.clone()),
        "acr": "http://eidas.europa.eu/LoA/substantial",
    });
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("test-key-1".to_string());
    let key = if mint.foreign_key {
        &issuer.foreign
    } else {
        &issuer.key
    };
    let Ok(id_token) = jsonwebtoken::encode(&header, &claims, key) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response();
    };
    Json(json!({
        "access_token": "opaque-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

async fn start_issuer() -> Arc<Issuer> {
    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
        panic!("cannot listen");
    };
    let Ok(address) = listener.local_addr() else {
        panic!("no address");
    };
    let (key, public) = es256_key();
    let (foreign, _) = es256_key();
    let jwks = json!({"keys": [
        // A key of another kind first: skipped, not fatal.
        {"kty": "oct", "kid": "symmetric", "k": "c2VjcmV0"},
        {"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "test-key-1",
         "x": b64url(&public[1..33]), "y": b64url(&public[33..65])},
    ]});
    let issuer = Arc::new(Issuer {
        base: format!("http://{address}/realms/test"),
        key,
        foreign,
        jwks,
        clients: Mutex::new(HashMap::from([
            (
                "peil-een".to_string(),
                Registered::Secret(SECRET_EEN.to_string()),
            ),
            (
                "peil-twee".to_string(),
                Registered::Secret(SECRET_TWEE.to_string()),
            ),
        ])),
        seen_jtis: Mutex::new(std::collections::HashSet::new()),
        assertions: Mutex::new(Vec::new()),
        client_refusals: Mutex::new(Vec::new()),
        mint: Mutex::new(Mint::default()),
        codes: Mutex::new(HashMap::new()),
        authorizations: Mutex::new(Vec::new()),
        token_requests: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route(
            "/realms/test/.well-known/openid-configuration",
            get(discovery),
        )
        .route("/realms/test/jwks", get(serve_jwks))
        .route("/realms/test/authorize", get(authorize))
        .route("/realms/test/token", post(token))
        .with_state(Arc::clone(&issuer));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    issuer
}

struct Fixture {
    _directory: tempfile::TempDir,
    data_dir: std::path::PathBuf,
    app: Router,
    state: AppState,
    issuer: Arc<Issuer>,
}

async fn fixture() -> Fixture {
    let issuer = start_issuer().await;
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
    let anna = ok(service.actor(Some("anna")));
    ok(service.add_user(&anna, "Gemeente Een", "bas", Role::Analyst, "analist"));
    ok(service.configure_oidc(
        &operator,
        "Gemeente Een",
        &OidcSettings {
            issuer: &issuer.base,
            client_id: "peil-een",
            credential: ClientCredential::Secret(SECRET_EEN.as_bytes()),
            redirect_uri: REDIRECT_URI,
            subject_claim: None,
        },
        "inloggen via de eigen organisatie",
    ));
    // The other organisation uses the same issuer with its own client.
    ok(service.configure_oidc(
        &operator,
        "Gemeente Twee",
        &OidcSettings {
            issuer: &issuer.base,
            client_id: "peil-twee",
            credential: ClientCredential::Secret(format!("{SECRET_TWEE}\n").as_bytes()),
            redirect_uri: REDIRECT_URI,
            subject_claim: None,
        },
        "inloggen via de eigen organisatie",
    ));
    ok(service.link_oidc_subject(&anna, "Gemeente Een", "anna", ANNA_SUBJECT, "koppeling"));
    ok(service.link_oidc_subject(
        &operator,
        "Gemeente Twee",
        "otto",
        OTTO_SUBJECT,
        "koppeling",
    ));
    let data_dir = directory.path().to_path_buf();
    let state = AppState::new(service, None, ServerSettings::default());
    let app = peil_server::router(state.clone());
    Fixture {
        _directory: directory,
        data_dir,
        app,
        state,
        issuer,
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_string)
            .collect()
    }

    /// `name=value` of the cookie called `name` set by this reply.
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies()
            .into_iter()
            .filter_map(|cookie| cookie.split(';').next().map(str::to_string))
            .find(|pair| pair.starts_with(&format!("{name}=")))
    }
}

impl Fixture {
    async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::builder().method("GET").uri(path);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let Ok(request) = request.body(Body::empty()) else {
            panic!("bad request");
        };
        let Ok(response) = self.app.clone().oneshot(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Starts a login for `organisation` and lets the issuer answer: the pre-login cookie and
    /// the query string the issuer sends the browser back with.
    async fn start(&self, organisation: &str, mint: Mint) -> (String, String) {
        if let Ok(mut current) = self.issuer.mint.lock() {
            *current = mint;
        }
        let path = format!("/login/oidc/{}", organisation.replace(' ', "%20"));
        let started = self.get(&path, None).await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        let Some(cookie) = started.cookie("__Host-peil-oidc") else {
            panic!("no pre-login cookie: {:?}", started.cookies());
        };
        let Some(set) = started
            .cookies()
            .into_iter()
            .find(|cookie| cookie.starts_with("__Host-peil-oidc="))
        else {
            panic!("no cookie");
        };
        assert!(set.contains("SameSite=Lax") && set.contains("HttpOnly") && set.contains("Secure"));
        let location = started
            .headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(location.starts_with(&format!("{}/authorize?", self.issuer.base)));
        let Ok(client) = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
        else {
            panic!("no client");
        };
        let Ok(answer) = client.get(&location).send().await else {
            panic!("issuer unreachable");
        };
        assert_eq!(answer.status().as_u16(), 303);
        let back = answer
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let Some(query) = back.strip_prefix(&format!("{REDIRECT_URI}?")) else {
            panic!("the issuer did not send the browser back: {back}");
        };
        (cookie, query.to_string())
    }

    async fn callback(&self, query: &str, cookie: Option<&str>) -> Reply {
        self.get(&format!("/login/oidc/callback?{query}"), cookie)
            .await
    }

    async fn login(&self, organisation: &str, mint: Mint) -> Reply {
        let (cookie, query) = self.start(organisation, mint).await;
        self.callback(&query, Some(&cookie)).await
    }

    fn audit_log(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("audit/audit-log.jsonl")).unwrap_or_default()
    }

    /// The audit log holds a refused OIDC login with `reason`, and no subject, secret or code.
    fn assert_refusal_audited(&self, reason: &str) {
        let log = self.audit_log();
        let found = log.lines().any(|line| {
            line.contains("\"login")
                && line.contains("refused")
                && line.contains(&format!("oidc: {reason}"))
        });
        assert!(
            found,
            "no refused login with `oidc: {reason}` in the audit log:\n{log}"
        );
        self.assert_nothing_secret_in_the_log();
    }

    fn assert_nothing_secret_in_the_log(&self) {
        let log = self.audit_log();
        for secret in [
            ANNA_SUBJECT,
            OTTO_SUBJECT,
            STRANGER_SUBJECT,
            SECRET_EEN,
            SECRET_TWEE,
            "opaque-access-token",
        ] {
            assert!(!log.contains(secret), "`{secret}` reached the audit log");
        }
        for request in self
            .issuer
            .token_requests
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
        {
            for value in request.values().filter(|value| value.len() > 20) {
                assert!(
                    !log.contains(value.as_str()),
                    "a code or verifier reached the audit log"
                );
            }
        }
    }
}

fn mint(subject: &str) -> Mint {
    Mint {
        subject: subject.to_string(),
        ..Mint::default()
    }
}

fn assert_refused(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(
        reply
            .cookie("__Host-peil-session")
            .is_none_or(|pair| pair.ends_with('=')),
        "a refused login set a session"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_subject_logs_in_and_the_overview_loads() {
    let fixture = fixture().await;
    let reply = fixture.login("Gemeente Een", mint(ANNA_SUBJECT)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("http-equiv=\"refresh\""));
    let Some(session) = reply.cookie("__Host-peil-session") else {
        panic!("no session cookie: {:?}", reply.cookies());
    };
    let Some(csrf) = reply.cookie("__Host-peil-csrf") else {
        panic!("no CSRF cookie");
    };
    let cleared = reply
        .cookies()
        .into_iter()
        .any(|cookie| cookie.starts_with("__Host-peil-oidc=;") && cookie.contains("Max-Age=0"));
    assert!(cleared, "the pre-login cookie is cleared");
    // The session works for the screens (same session as a password login, no TOTP asked).
    let overview = fixture.get("/", Some(&format!("{session}; {csrf}"))).await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert!(overview.body.contains("anna"));
    // The authorization request: code flow, openid, S256 PKCE, state and nonce.
    let authorizations = fixture
        .issuer
        .authorizations
        .lock()
        .map(|seen| seen.clone())
        .unwrap_or_default();
    let Some(request) = authorizations.last() else {
        panic!("no authorization request");
    };
    assert_eq!(
        request.get("response_type").map(String::as_str),
        Some("code")
    );
    assert_eq!(request.get("scope").map(String::as_str), Some("openid"));
    assert_eq!(
        request.get("client_id").map(String::as_str),
        Some("peil-een")
    );
    assert_eq!(
        request.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    for name in ["state", "nonce", "code_challenge"] {
        assert!(
            request.get(name).is_some_and(|value| value.len() >= 43),
            "{name}"
        );
    }
    let log = fixture.audit_log();
    assert!(log.lines().any(|line| line.contains("\"login")
        && line.contains("succeeded")
        && line.contains("oidc")));
    fixture.assert_nothing_secret_in_the_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_state_is_refused_and_the_pending_login_is_spent() {
    let fixture = fixture().await;
    let (cookie, query) = fixture.start("Gemeente Een", mint(ANNA_SUBJECT)).await;
    let tampered: String = query
        .split('&')
        .map(|pair| {
            if pair.starts_with("state=") {
                "state=forged".to_string()
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    assert_refused(&fixture.callback(&tampered, Some(&cookie)).await);
    fixture.assert_refusal_audited("state");
    // The pending login was single use: the right state does not help afterwards.
    assert_refused(&fixture.callback(&query, Some(&cookie)).await);
    fixture.assert_refusal_audited("no pre-login state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_without_the_pre_login_cookie_is_refused() {
    let fixture = fixture().await;
    let (_, query) = fixture.start("Gemeente Een", mint(ANNA_SUBJECT)).await;
    assert_refused(&fixture.callback(&query, None).await);
    assert_refused(
        &fixture
            .callback(&query, Some("__Host-peil-oidc=someone-elses"))
            .await,
    );
    fixture.assert_refusal_audited("no pre-login state");
    // Nothing was exchanged at the token endpoint.
    assert!(fixture
        .issuer
        .token_requests
        .lock()
        .map(|seen| seen.is_empty())
        .unwrap_or(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_nonce_is_refused() {
    let fixture = fixture().await;
    let reply = fixture
        .login(
            "Gemeente Een",
            Mint {
                nonce: Some("a-replayed-nonce".to_string()),
                ..mint(ANNA_SUBJECT)
            },
        )
        .await;
    assert_refused(&reply);
    fixture.assert_refusal_audited("nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_for_another_audience_is_refused() {
    let fixture = fixture().await;
    let reply = fixture
        .login(
            "Gemeente Een",
            Mint {
                audience: Some("another-client".to_string()),
                ..mint(ANNA_SUBJECT)
            },
        )
        .await;
    assert_refused(&reply);
    fixture.assert_refusal_audited("audience");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_old_token_is_refused() {
    let fixture = fixture().await;
    let expired = Mint {
        expires_in: Some(-3600),
        issued_ago: 300,
        ..mint(ANNA_SUBJECT)
    };
    assert_refused(&fixture.login("Gemeente Een", expired).await);
    fixture.assert_refusal_audited("expired");
    let old = Mint {
        issued_ago: 7200,
        ..mint(ANNA_SUBJECT)
    };
    assert_refused(&fixture.login("Gemeente Een", old).await);
    fixture.assert_refusal_audited("issued at");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_with_another_key_is_refused() {
    let fixture = fixture().await;
    let reply = fixture
        .login(
            "Gemeente Een",
            Mint {
                foreign_key: true,
                ..mint(ANNA_SUBJECT)
            },
        )
        .await;
    assert_refused(&reply);
    fixture.assert_refusal_audited("signature");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_without_the_matching_pkce_verifier_is_refused() {
    let fixture = fixture().await;
    let reply = fixture
        .login(
            "Gemeente Een",
            Mint {
                spoil_challenge: true,
                ..mint(ANNA_SUBJECT)
            },
        )
        .await;
    assert_refused(&reply);
    fixture.assert_refusal_audited("token request");
    // Peil did send a verifier (43 characters of base64url) and its credentials.
    let requests = fixture
        .issuer
        .token_requests
        .lock()
        .map(|seen| seen.clone())
        .unwrap_or_default();
    assert!(requests.iter().all(|request| request
        .get("code_verifier")
        .is_some_and(|value| value.len() == 43)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_subject_is_refused_without_provisioning() {
    let fixture = fixture().await;
    assert_refused(&fixture.login("Gemeente Een", mint(STRANGER_SUBJECT)).await);
    fixture.assert_refusal_audited("unknown subject");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisations_user_cannot_log_in_through_this_organisations_issuer() {
    let fixture = fixture().await;
    // Otto (Gemeente Twee) at the same issuer, but through Gemeente Een's login.
    assert_refused(&fixture.login("Gemeente Een", mint(OTTO_SUBJECT)).await);
    fixture.assert_refusal_audited("unknown subject");
    // Through his own organisation he gets in, into his own organisation.
    let reply = fixture.login("Gemeente Twee", mint(OTTO_SUBJECT)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let Some(session) = reply.cookie("__Host-peil-session") else {
        panic!("no session");
    };
    let overview = fixture.get("/", Some(&session)).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("otto"));
    // And anna's subject does not open Gemeente Twee.
    assert_refused(&fixture.login("Gemeente Twee", mint(ANNA_SUBJECT)).await);
    fixture.assert_nothing_secret_in_the_log();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_and_configuration_stay_inside_the_organisation() {
    let fixture = fixture().await;
    drop(fixture.app);
    drop(fixture.state);
    let directory = fixture._directory;
    // A fresh service on the same data (the router above is gone).
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let anna = ok(service.actor(Some("anna")));
    let bas = ok(service.actor(Some("bas")));
    // Anna cannot link Otto (another organisation) nor configure Gemeente Twee.
    assert!(service
        .link_oidc_subject(&anna, "Gemeente Een", "otto", "x", "poging")
        .is_err());
    assert!(service
        .link_oidc_subject(&anna, "Gemeente Twee", "otto", "x", "poging")
        .is_err());
    let settings = OidcSettings {
        issuer: "https://idp.example",
        client_id: "c",
        credential: ClientCredential::Secret(b"s"),
        redirect_uri: REDIRECT_URI,
        subject_claim: None,
    };
    assert!(service
        .configure_oidc(&anna, "Gemeente Twee", &settings, "poging")
        .is_err());
    // An analyst configures nothing.
    assert!(service
        .configure_oidc(&bas, "Gemeente Een", &settings, "poging")
        .is_err());
    // Plain http to another host is refused.
    let insecure = OidcSettings {
        issuer: "http://idp.example",
        ..settings
    };
    assert!(service
        .configure_oidc(&anna, "Gemeente Een", &insecure, "poging")
        .is_err());
    let client = ok(service.oidc_client("Gemeente Twee"));
    assert_eq!(
        client.client_secret(),
        Some(SECRET_TWEE),
        "the secret file's newline is trimmed"
    );
    assert!(!format!("{client:?}").contains(SECRET_TWEE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_without_an_issuer_has_no_oidc_login() {
    let fixture = fixture().await;
    // Unknown organisations and organisations without an issuer get the same answer: the
    // password form.
    for path in ["/login/oidc/Gemeente%20Drie", "/login/oidc/nergens"] {
        let reply = fixture.get(path, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            reply
                .headers
                .get(LOCATION)
                .and_then(|value| value.to_str().ok()),
            Some("/login")
        );
        assert!(reply.cookie("__Host-peil-oidc").is_none());
    }
}

// --- private_key_jwt (OpenID.NLGov) ---------------------------------------------------------

/// An RSA test key (2048 bits, PKCS#8 PEM, made for these tests only) and another one.
const RSA_CLIENT_KEY: &str = include_str!("data/oidc-client-rsa-test-key.pem");
const RSA_OTHER_KEY: &str = include_str!("data/oidc-other-rsa-test-key.pem");

fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|line| !line.starts_with("-----"))
        .collect::<String>()
}

fn pkcs8_of(pem: &str) -> Vec<u8> {
    match base64::engine::general_purpose::STANDARD.decode(pem_body(pem)) {
        Ok(der) => der,
        Err(error) => panic!("test key: {error}"),
    }
}

/// A fresh EC P-256 key as PKCS#8 PEM.
fn ec_client_pem() -> String {
    let Ok(pkcs8) =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
    else {
        panic!("no key");
    };
    let body = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
    format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n")
}

/// The public JWK of a PEM key, derived here (not by Peil), as an operator's tool would.
fn public_jwk(pem: &str) -> Value {
    let der = pkcs8_of(pem);
    if let Ok(pair) = ring::signature::RsaKeyPair::from_pkcs8(&der) {
        let components = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
        return json!({"kty": "RSA", "alg": "RS256", "n": b64url(&components.n),
                      "e": b64url(&components.e)});
    }
    let Ok(pair) =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &SystemRandom::new())
    else {
        panic!("not an RSA or P-256 key");
    };
    let point = pair.public_key().as_ref();
    json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "x": b64url(&point[1..33]),
           "y": b64url(&point[33..65])})
}

impl Fixture {
    /// Configures `organisation`'s client `client_id` with private_key_jwt and `pem`.
    async fn configure_private_key(
        &self,
        organisation: &'static str,
        client_id: &'static str,
        pem: &str,
    ) {
        let issuer = self.issuer.base.clone();
        let pem = pem.as_bytes().to_vec();
        let configured = self
            .state
            .call(move |service| {
                service
                    .configure_oidc(
                        &Actor::LocalOperator,
                        organisation,
                        &OidcSettings {
                            issuer: &issuer,
                            client_id,
                            credential: ClientCredential::PrivateKeyPem(&pem),
                            redirect_uri: REDIRECT_URI,
                            subject_claim: None,
                        },
                        "OpenID.NLGov: private_key_jwt",
                    )
                    .map_err(peil_server::ApiError::from)
            })
            .await;
        if let Err(error) = configured {
            panic!("configure {organisation}: {error}");
        }
    }

    /// Registers `client_id` at the issuer with the public key of `pem`.
    fn register_key(&self, client_id: &str, pem: &str) {
        if let Ok(mut clients) = self.issuer.clients.lock() {
            clients.insert(
                client_id.to_string(),
                Registered::Keys(vec![public_jwk(pem)]),
            );
        }
    }

    fn accepted_assertions(&self) -> Vec<Value> {
        self.issuer
            .assertions
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
    }

    /// Neither a private key nor a client assertion reached the audit log.
    fn assert_no_key_material_in_the_log(&self, pems: &[&str]) {
        let log = self.audit_log();
        for pem in pems {
            let body = pem_body(pem);
            assert!(
                !log.contains(&body[..40]),
                "a private key reached the audit log"
            );
        }
        for request in self
            .issuer
            .token_requests
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
        {
            if let Some(assertion) = request.get("client_assertion") {
                assert!(
                    !log.contains(assertion.as_str()),
                    "a client assertion reached the log"
                );
                let signature = assertion.rsplit('.').next().unwrap_or_default();
                assert!(
                    !log.contains(signature),
                    "an assertion's signature reached the log"
                );
            }
        }
        self.assert_nothing_secret_in_the_log();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_key_jwt_logs_in_end_to_end_with_an_rsa_and_an_ec_key() {
    let fixture = fixture().await;
    // Gemeente Een: an RSA key; Gemeente Twee: an EC P-256 key. Both registered at the issuer
    // with only their public keys (the secrets are no longer accepted for these clients).
    let ec_pem = ec_client_pem();
    fixture.register_key("peil-een", RSA_CLIENT_KEY);
    fixture.register_key("peil-twee", &ec_pem);
    fixture
        .configure_private_key("Gemeente Een", "peil-een", RSA_CLIENT_KEY)
        .await;
    fixture
        .configure_private_key("Gemeente Twee", "peil-twee", &ec_pem)
        .await;

    let reply = fixture.login("Gemeente Een", mint(ANNA_SUBJECT)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let Some(session) = reply.cookie("__Host-peil-session") else {
        panic!("no session cookie");
    };
    let overview = fixture.get("/", Some(&session)).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("anna"));
    let reply = fixture.login("Gemeente Twee", mint(OTTO_SUBJECT)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // The token requests carried assertions, not secrets; the issuer checked them.
    let requests = fixture
        .issuer
        .token_requests
        .lock()
        .map(|seen| seen.clone())
        .unwrap_or_default();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request.get("client_assertion_type").map(String::as_str),
            Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        );
        assert!(request
            .get("client_assertion")
            .is_some_and(|value| value.split('.').count() == 3));
    }
    let token_endpoint = format!("{}/token", fixture.issuer.base);
    let assertions = fixture.accepted_assertions();
    let clients: Vec<&str> = assertions
        .iter()
        .filter_map(|claims| claims["iss"].as_str())
        .collect();
    assert_eq!(clients, ["peil-een", "peil-twee"]);
    for claims in &assertions {
        assert_eq!(claims["aud"].as_str(), Some(token_endpoint.as_str()));
        let lifetime =
            claims["exp"].as_i64().unwrap_or(i64::MAX) - claims["iat"].as_i64().unwrap_or(0);
        assert!(
            (1..=300).contains(&lifetime),
            "assertion lifetime {lifetime}"
        );
    }
    // The configuration change is audited with the method and the key id, never the key.
    let log = fixture.audit_log();
    assert!(
        log.lines()
            .any(|line| line.contains("configure_oidc")
                && line.contains("private_key_jwt RS256 kid "))
    );
    assert!(log
        .lines()
        .any(|line| line.contains("private_key_jwt ES256 kid ")));
    fixture.assert_no_key_material_in_the_log(&[RSA_CLIENT_KEY, ec_pem.as_str()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_key_the_issuer_does_not_know_is_refused_with_a_clear_reason() {
    let fixture = fixture().await;
    // The issuer has the RSA client key registered; Peil signs with another key.
    fixture.register_key("peil-een", RSA_CLIENT_KEY);
    fixture
        .configure_private_key("Gemeente Een", "peil-een", RSA_OTHER_KEY)
        .await;
    let reply = fixture.login("Gemeente Een", mint(ANNA_SUBJECT)).await;
    assert_refused(&reply);
    assert!(!reply.body.contains(&pem_body(RSA_OTHER_KEY)[..40]));
    fixture.assert_refusal_audited("client authentication");
    assert_eq!(
        fixture
            .issuer
            .client_refusals
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default(),
        ["signature"]
    );
    assert!(fixture.accepted_assertions().is_empty());
    // A client still configured with a secret is refused by the issuer once it expects a key.
    fixture.register_key("peil-twee", RSA_CLIENT_KEY);
    assert_refused(&fixture.login("Gemeente Twee", mint(OTTO_SUBJECT)).await);
    fixture.assert_refusal_audited("token request");
    fixture.assert_no_key_material_in_the_log(&[RSA_CLIENT_KEY, RSA_OTHER_KEY]);
    // With the matching key configured the same login works.
    fixture
        .configure_private_key("Gemeente Een", "peil-een", RSA_CLIENT_KEY)
        .await;
    let reply = fixture.login("Gemeente Een", mint(ANNA_SUBJECT)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_token_request_gets_a_fresh_assertion_and_the_issuer_refuses_a_replay() {
    let fixture = fixture().await;
    let ec_pem = ec_client_pem();
    fixture.register_key("peil-een", &ec_pem);
    fixture
        .configure_private_key("Gemeente Een", "peil-een", &ec_pem)
        .await;
    for _ in 0..2 {
        let reply = fixture.login("Gemeente Een", mint(ANNA_SUBJECT)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let assertions = fixture.accepted_assertions();
    assert_eq!(assertions.len(), 2);
    assert_ne!(assertions[0]["jti"], assertions[1]["jti"]);
    assert!(assertions
        .iter()
        .all(|claims| claims["jti"].as_str().is_some_and(|jti| jti.len() >= 32)));
    let sent: Vec<String> = fixture
        .issuer
        .token_requests
        .lock()
        .map(|seen| {
            seen.iter()
                .filter_map(|request| request.get("client_assertion").cloned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(sent.len(), 2);
    assert_ne!(sent[0], sent[1]);
    // Replaying the first assertion with a new code: the issuer refuses the client.
    let (_, query) = fixture.start("Gemeente Een", mint(ANNA_SUBJECT)).await;
    let back = pairs(query.as_bytes());
    let Ok(client) = reqwest::Client::builder().build() else {
        panic!("no client");
    };
    let replay = client
        .post(format!("{}/token", fixture.issuer.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([
                ("grant_type", "authorization_code"),
                (
                    "code",
                    back.get("code").map(String::as_str).unwrap_or_default(),
                ),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", "unknown"),
                ("client_id", "peil-een"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", sent[0].as_str()),
            ])
            .unwrap_or_default(),
        )
        .send()
        .await;
    let Ok(replay) = replay else {
        panic!("issuer unreachable");
    };
    assert_eq!(replay.status().as_u16(), 401);
    assert_eq!(
        fixture
            .issuer
            .client_refusals
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default(),
        ["replayed jti"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_jwks_is_shown_to_the_admin_and_the_private_key_never() {
    let fixture = fixture().await;
    fixture
        .configure_private_key("Gemeente Een", "peil-een", RSA_CLIENT_KEY)
        .await;
    // Peil serves the same public JWKS for the issuer (`jwks_uri`); one answer, no keys, for a
    // secret client and an unknown organisation.
    let served = fixture
        .get("/login/oidc/Gemeente%20Een/jwks.json", None)
        .await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.body);
    assert!(served
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("application/json")));
    let served: Value = serde_json::from_str(&served.body).unwrap_or_default();
    let secret = fixture
        .get("/login/oidc/Gemeente%20Twee/jwks.json", None)
        .await;
    let unknown = fixture.get("/login/oidc/Nergens/jwks.json", None).await;
    assert_eq!(secret.status, StatusCode::OK);
    assert_eq!(secret.body, unknown.body);
    let empty: Value = serde_json::from_str(&secret.body).unwrap_or_default();
    assert_eq!(empty, json!({"keys": []}));
    drop(fixture.app);
    drop(fixture.state);
    let directory = fixture._directory;
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let anna = ok(service.actor(Some("anna")));
    let bas = ok(service.actor(Some("bas")));
    let otto = ok(service.actor(Some("otto")));
    let jwks = ok(service.oidc_client_jwks(&anna, "Gemeente Een"));
    let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
    assert_eq!(keys.len(), 1);
    let expected = public_jwk(RSA_CLIENT_KEY);
    assert_eq!(keys[0]["n"], expected["n"]);
    assert_eq!(keys[0]["e"], expected["e"]);
    assert_eq!(keys[0]["alg"], "RS256");
    assert_eq!(keys[0]["use"], "sig");
    assert!(keys[0]["kid"].as_str().is_some_and(|kid| kid.len() == 43));
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(keys[0].get(private).is_none(), "the JWKS holds `{private}`");
    }
    assert_eq!(served, jwks);
    // Only the admin of the organisation (or the operator); a secret client has no JWKS.
    assert!(service.oidc_client_jwks(&bas, "Gemeente Een").is_err());
    assert!(service.oidc_client_jwks(&otto, "Gemeente Een").is_err());
    assert!(service.oidc_client_jwks(&otto, "Gemeente Twee").is_err());
    // The key is in the key store, not in the data database; the client's Debug hides it.
    let body = pkcs8_of(RSA_CLIENT_KEY);
    let database = std::fs::read(directory.path().join("peil.sqlite")).unwrap_or_default();
    assert!(!database
        .windows(64)
        .any(|window| window == &body[body.len() - 64..]));
    let client = ok(service.oidc_client("Gemeente Een"));
    assert_eq!(client.client_secret(), None);
    assert_eq!(client.authentication_method(), "private_key_jwt");
    assert!(!format!("{client:?}").contains(&pem_body(RSA_CLIENT_KEY)[..40]));
    // A file that is not PKCS#8 is refused with the conversion hint, without echoing it.
    let pkcs1 =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzzz\n-----END RSA PRIVATE KEY-----\n";
    let refused = service.configure_oidc(
        &anna,
        "Gemeente Een",
        &OidcSettings {
            issuer: "https://idp.example",
            client_id: "peil-een",
            credential: ClientCredential::PrivateKeyPem(pkcs1.as_bytes()),
            redirect_uri: REDIRECT_URI,
            subject_claim: None,
        },
        "poging",
    );
    let message = refused
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(message.contains("openssl pkcs8 -topk8"), "{message}");
    assert!(!message.contains("MIIEowIBAAKCAQEAzzz"));
}
