//! Peil's HTTP server: a versioned JSON API (`/api/v1`) and the web screens over
//! `peil_service::Service`.
//!
//! ```text
//! request ─▶ security headers (every response) ─▶ body limit ─▶ route table (table.rs):
//!         authenticate (session cookie + CSRF, or API token) ─▶ handler ─▶ Service (role, guard,
//!         k gate, audit) ─▶ JSON (errors: one table in error.rs)
//! ```
//!
//! The server never opens the store: every read or change is one `Service` call, which checks
//! the actor's role against the operation table and writes the audit entry. The tenant comes from
//! the session (or token), never from a request parameter; ids of another organisation answer
//! 404. The service is synchronous (SQLite): one `Service` per process behind a `Mutex`, called
//! from `spawn_blocking`.
//!
//! The web screens of `peil-web` are mounted by `routes::pages` (server-rendered HTML that works
//! without JavaScript): `/login`, `/`, `/workspaces…`, `/fg…`, the public `/transparency/{org}` and
//! the stylesheets (and the monitor editor's one small script) under `/static/`. They share the session with the API; their forms carry the CSRF
//! token in a hidden field (`Access::Page` in the route table) and HTML responses get the pages'
//! own Content-Security-Policy (`headers.rs`).
//!
//! Adding routes: add a module under `routes/`, list its routes in its `routes()` function and
//! in `routes::all()`, and give each a row in `table::ROUTES`; the tests fail until both agree.

pub mod connectors;
pub mod error;
pub mod headers;
pub mod json;
pub mod oidc;
pub mod openapi;
pub mod retention;
pub mod routes;
pub mod session;
pub mod state;
pub mod table;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;

pub use error::{ApiError, ApiErrorCode};
pub use state::{AppState, CookieMode, ServerSettings};
pub use table::{Access, RouteRule, ROUTES};

/// Everything `peil serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub key_dir: Option<PathBuf>,
    /// Where the data plane lives (`--store`): embedded, or PostgreSQL.
    pub store: peil_service::StoreLocation,
    pub settings: ServerSettings,
    /// Live connectors to run inside the server (`--connectors FILE`).
    pub connectors: Vec<peil_connectors_live::ConnectorSpec>,
}

/// Errors of starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot open the service: {0}")]
    Service(#[from] peil_service::ServiceError),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
    /// A configured connector reaches beyond public sources (nothing was started).
    #[error(transparent)]
    Refused(#[from] peil_connectors_live::Refusal),
}

/// The whole application: every route of `routes::all()` with the route table's authentication,
/// the body limit, error normalisation and the security headers.
pub fn router(state: AppState) -> Router {
    let mut api = Router::new();
    for route in routes::all() {
        api = api.route(route.path, route.handler);
    }
    let api = api
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::authenticate,
        ))
        .fallback(routes::not_found)
        .with_state(state.clone());
    headers::apply(api, state.settings.body_limit_bytes)
}

/// Opens the service and serves until Ctrl-C or SIGTERM. Configured connectors are checked
/// (public sources only) before anything opens or connects, run as background tasks, and are
/// stopped (last batch written, cursor saved, session closed) after the last request.
pub async fn serve(config: ServerConfig) -> Result<(), ServerError> {
    connectors::check_configuration(&config.connectors)?;
    let origin = format!("http {}", config.listen);
    // Opened on a blocking thread: the PostgreSQL client runs a runtime of its own.
    let (data_dir, key_dir, store) = (
        config.data_dir.clone(),
        config.key_dir.clone(),
        config.store.clone(),
    );
    let mut service = tokio::task::spawn_blocking(move || {
        peil_service::Service::open_at(&data_dir, key_dir.as_deref(), &origin, &store)
    })
    .await
    .map_err(|error| std::io::Error::other(format!("opening the service failed: {error}")))??;
    // A connector for an organisation that does not exist would fail on every start: refuse it.
    for organisation in config
        .connectors
        .iter()
        .filter_map(|spec| spec.organisation.clone())
    {
        service.monitored_workspaces(&peil_service::ImportScope::Organisation(organisation))?;
    }
    let state = AppState::new(service, config.key_dir.clone(), config.settings.clone())
        .with_connectors(config.connectors.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Listen {
            address: config.listen,
            source,
        })?;
    tracing::info!(address = %config.listen, "peil serve listening");
    if let Some(interval) = config.settings.retention_interval {
        tokio::spawn(retention::retention_schedule(state.clone(), interval));
    }
    let connector_tasks = connectors::start(&state);
    let closing = state.clone();
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    connector_tasks.stop().await;
    // The PostgreSQL connection closes on a blocking thread (its client blocks on close).
    if let Err(error) = closing
        .call(|service| {
            service.close_data_plane();
            Ok(())
        })
        .await
    {
        tracing::warn!(%error, "closing the data plane failed");
    }
    served?;
    Ok(())
}

/// `serve` on a new multi-threaded runtime (for the command line).
pub fn run(config: ServerConfig) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(config))
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
