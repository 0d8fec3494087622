//! Shared state: the one `Service` of the process (behind a mutex) and the server's settings.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use peil_connectors_live::ConnectorSpec;
use peil_service::{AuthPolicy, Service};

use crate::connectors::Connectors;

use crate::error::ApiError;

/// How session cookies are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieMode {
    /// `__Host-` prefix, `Secure`: the server sits behind TLS (a reverse proxy). The default.
    Secure,
    /// No prefix, no `Secure`: only for local testing over plain http (`--insecure-dev-cookies`).
    InsecureDev,
}

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub policy: AuthPolicy,
    pub cookies: CookieMode,
    /// Largest request body accepted (413 above).
    pub body_limit_bytes: usize,
    /// Login attempts allowed per client address per `login_window` (429 above).
    pub login_attempts_per_window: u32,
    pub login_window: Duration,
    /// Monitor checks (the editor's live guard feedback) allowed per user per `check_window`
    /// (429 above); the editor asks at most once per pause in typing.
    pub monitor_checks_per_window: u32,
    pub check_window: Duration,
    /// How often the server applies retention (`None`: never; then run `peil retention run`
    /// from cron).
    pub retention_interval: Option<Duration>,
    /// How long a failed connector waits before it is started again: the first delay and the
    /// cap of the exponential backoff (with jitter).
    pub connector_restart_backoff: (Duration, Duration),
}

impl Default for ServerSettings {
    fn default() -> ServerSettings {
        ServerSettings {
            policy: AuthPolicy::default(),
            cookies: CookieMode::Secure,
            body_limit_bytes: 1024 * 1024,
            login_attempts_per_window: 20,
            login_window: Duration::from_secs(60),
            monitor_checks_per_window: 120,
            check_window: Duration::from_secs(60),
            retention_interval: Some(Duration::from_secs(24 * 60 * 60)),
            connector_restart_backoff: (Duration::from_secs(1), Duration::from_secs(300)),
        }
    }
}

/// Login attempts per client address: start of the window and the count in it.
type LoginAttempts = HashMap<Option<IpAddr>, (Instant, u32)>;

/// Monitor checks per actor (audit label): start of the window and the count in it.
type MonitorChecks = HashMap<String, (Instant, u32)>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    service: Arc<Mutex<Service>>,
    pub key_dir: Option<PathBuf>,
    pub settings: Arc<ServerSettings>,
    /// The live connectors of the configuration (`peil serve --connectors`), empty without.
    pub connectors: Connectors,
    login_attempts: Arc<Mutex<LoginAttempts>>,
    monitor_checks: Arc<Mutex<MonitorChecks>>,
}

impl AppState {
    pub fn new(service: Service, key_dir: Option<PathBuf>, settings: ServerSettings) -> AppState {
        AppState {
            service: Arc::new(Mutex::new(service)),
            key_dir,
            settings: Arc::new(settings),
            connectors: Connectors::default(),
            login_attempts: Arc::new(Mutex::new(HashMap::new())),
            monitor_checks: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The state with the live connectors `specs` (checked public with
    /// [`crate::connectors::check_configuration`]); start them with [`crate::connectors::start`].
    pub fn with_connectors(mut self, specs: Vec<ConnectorSpec>) -> AppState {
        self.connectors = Connectors::new(specs);
        self
    }

    /// Runs `call` on the service on a blocking thread (the service is synchronous).
    pub async fn call<T, F>(&self, call: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Service) -> Result<T, ApiError> + Send + 'static,
    {
        let service = Arc::clone(&self.service);
        tokio::task::spawn_blocking(move || {
            let mut guard = service
                .lock()
                .map_err(|_| ApiError::Internal("service lock poisoned".to_string()))?;
            call(&mut guard)
        })
        .await
        .map_err(|error| ApiError::Internal(format!("service task failed: {error}")))?
    }

    /// Counts a login attempt from `client`; `Err(RateLimited)` past the limit of the window.
    pub fn count_login_attempt(&self, client: Option<IpAddr>) -> Result<(), ApiError> {
        let mut attempts = self
            .login_attempts
            .lock()
            .map_err(|_| ApiError::Internal("rate limiter lock poisoned".to_string()))?;
        let now = Instant::now();
        let window = self.settings.login_window;
        attempts.retain(|_, (start, _)| now.duration_since(*start) < window);
        let entry = attempts.entry(client).or_insert((now, 0));
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > self.settings.login_attempts_per_window {
            return Err(ApiError::RateLimited);
        }
        Ok(())
    }

    /// Counts a monitor check by `actor_label`; `Err(TooManyChecks)` past the limit of the
    /// window. Keyed by the actor's audit label (`user:…`), never by anything typed.
    pub fn count_monitor_check(&self, actor_label: &str) -> Result<(), ApiError> {
        let mut checks = self
            .monitor_checks
            .lock()
            .map_err(|_| ApiError::Internal("rate limiter lock poisoned".to_string()))?;
        let now = Instant::now();
        let window = self.settings.check_window;
        checks.retain(|_, (start, _)| now.duration_since(*start) < window);
        let entry = checks.entry(actor_label.to_string()).or_insert((now, 0));
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > self.settings.monitor_checks_per_window {
            return Err(ApiError::TooManyChecks);
        }
        Ok(())
    }
}
