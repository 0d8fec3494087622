//! Peil's request path, in one place:
//!
//! ```text
//! request ─▶ actor & role (operation.rs table) ─▶ guard (peil-policy) ─▶ store with k gate
//!         ─▶ audit entry (peil-audit), whatever the outcome
//! ```
//!
//! The command line and the HTTP server are thin shells over `Service`: every read or change of
//! data is one `Operation`, performed through `Service::perform`, which checks the actor against
//! the operation's row in the role table, runs the body, and appends the audit entry (action,
//! object, result, actor, origin, time). Queries pass the person-targeting guard before they reach
//! the store, and aggregates leave the store only through its k gate.
//!
//! This crate must never hand out the store itself, never perform an operation without writing its
//! audit entry (if the audit log fails, the operation answers an error), never put a refused
//! query's text into the audit log, and never let a user act on another organisation (such
//! requests answer "not found", as if the data did not exist).

mod actor;
mod audit;
mod auth;
mod catalog;
mod data_plane;
mod documents;
mod error;
mod ingest;
mod installation;
mod keys;
mod oidc;
mod oidc_client_key;
mod operation;
mod query;
mod subjects;
mod watch;
mod web_support;
mod webcare;

use std::path::{Path, PathBuf};

use peil_audit::{AuditEntry, AuditLog, AuditResult};
use peil_store::Store;
use peil_store_postgres::PostgresStore;

use crate::data_plane::Stores;

pub use actor::{Actor, LOCAL_OPERATOR};
pub use audit::verify_audit;
pub use auth::{
    check_password_policy, token_hash, totp_code_at, totp_secret_of_uri, AuthError, AuthPolicy,
    IssuedApiToken, LoginAttempt, NewSession, SessionActor, TokenActor, TotpEnrolment,
    MINIMUM_PASSWORD_CHARACTERS,
};
pub use catalog::{MonitorCheck, MonitorCheckReason, WorkspaceSummary};
pub use data_plane::{redact_url, DataPlaneCheck, StoreLocation};
pub use documents::DocumentFormat;
pub use error::{ErrorCode, ErrorType, ServiceError};
pub use ingest::{ImportProgress, ImportScope};
pub use oidc::{
    base64_url, is_acceptable_url, ClientCredential, OidcClient, OidcLoginAttempt, OidcSettings,
    TokenRefusal, TokenRequestCredentials, ACCEPTED_ALGORITHMS, CLOCK_SKEW_SECONDS,
    MAXIMUM_ID_TOKEN_AGE_SECONDS,
};
pub use oidc_client_key::{
    ClientKeyAlgorithm, ClientKeyError, ClientSigningKey, CLIENT_ASSERTION_SECONDS,
    CLIENT_ASSERTION_TYPE,
};
pub use operation::{Operation, Reach};
pub use peil_audit::{IndexedEntry, VerificationReport};
pub use peil_docs::{DocumentKind, Language as DocumentLanguage};
pub use query::{QueryAnswer, QueryRequest};
pub use subjects::{author_ids_for, DataSubject};
pub use watch::{ConfiguredConnector, ConnectorHealth, PipelineCounts, WatchBatch, WatchSession};
pub use webcare::{WebcareInbox, WEBCARE_PAGE_SIZE};
// What callers need of the store's types, without access to the store itself.
pub use peil_store::{
    create_private_dir, AggregateReport, Burst, Cell, ConnectorState, ErasureReport, GatedShare,
    Interval, KeyInfo, Representativeness, RetentionReport, RisingTerm, RisingTerms,
    RisingUnavailable, SeriesCell, Significance, SourceCoverage, StoreCheck, SubjectHolding,
    TermCell, TermCluster, TermList, WebcareMessage, WebcareStatus, HIGH_FREQUENCY_POSTS_PER_DAY,
};

/// The service over one data directory: store, key store and audit log; with PostgreSQL the
/// data directory holds the control plane and PostgreSQL the data plane (`data_plane.rs`).
pub struct Service {
    store: Store,
    /// The data plane on PostgreSQL; `None`: the posts live in `store` (embedded).
    postgres: Option<PostgresStore>,
    /// How the PostgreSQL database was found bound to this data directory when opened.
    binding: Option<peil_store_postgres::Binding>,
    location: StoreLocation,
    audit: AuditLog,
    origin: String,
    /// Whether imports analyse posts (sentiment, terms). Off only for the benchmark's baseline
    /// run, which measures what analysis costs; see [`Service::skip_analysis_for_benchmark`].
    analysis: bool,
}

impl Service {
    /// Opens the store in `data_dir` (keys in `key_dir`, default `<data_dir>/keys`) and the audit
    /// log; `origin` is recorded in every audit entry (e.g. `cli`, `http 127.0.0.1`).
    pub fn open(
        data_dir: &Path,
        key_dir: Option<&Path>,
        origin: &str,
    ) -> Result<Service, ServiceError> {
        Service::open_at(data_dir, key_dir, origin, &StoreLocation::Embedded)
    }

    /// `open`, with the data plane at `location`: embedded, or PostgreSQL (connected and
    /// migrated here; the control plane stays in `data_dir`).
    ///
    /// A PostgreSQL database belongs to one data directory (invariant 11): an unbound database
    /// without posts is bound to this one, the same directory is accepted, anything else is
    /// refused (`ServiceError::DataPlaneRefused`) before any post is read or written.
    pub fn open_at(
        data_dir: &Path,
        key_dir: Option<&Path>,
        origin: &str,
        location: &StoreLocation,
    ) -> Result<Service, ServiceError> {
        Service::open_bound(data_dir, key_dir, origin, location, false)
    }

    /// `open_at` for `peil demo`, whose directory is wiped and refilled on every run: a new
    /// directory is marked as a demo installation, and a PostgreSQL database bound to an earlier
    /// *demo* installation is cleared and bound to this one. A database bound to a real
    /// installation is refused like in `open_at`, never cleared.
    pub fn open_demo_at(
        data_dir: &Path,
        key_dir: Option<&Path>,
        origin: &str,
        location: &StoreLocation,
    ) -> Result<Service, ServiceError> {
        Service::open_bound(data_dir, key_dir, origin, location, true)
    }

    fn open_bound(
        data_dir: &Path,
        key_dir: Option<&Path>,
        origin: &str,
        location: &StoreLocation,
        demo: bool,
    ) -> Result<Service, ServiceError> {
        // PostgreSQL first: an unreachable data plane leaves the data directory untouched.
        let mut postgres = match location {
            StoreLocation::Embedded => None,
            StoreLocation::Postgres { url } => Some(PostgresStore::connect(url)?),
        };
        let store = Store::open_with_key_dir(data_dir, key_dir)?;
        let audit_key_dir: PathBuf = key_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| data_dir.join(peil_store::KEYS_DIR));
        let mut audit = AuditLog::open(data_dir, &audit_key_dir)?;
        let mut binding = None;
        if let Some(postgres) = postgres.as_mut() {
            // Before anything reads or writes posts: the database must belong to this directory.
            let installation = installation::installation_of(data_dir, demo)?;
            let outcome = postgres.bind_installation(&installation, demo);
            record_binding(&mut audit, origin, &outcome)?;
            binding = Some(outcome?);
            // The webcare answer links are sealed with keys of the control plane's key store;
            // the data plane opens them with its own handle on the same store.
            postgres.use_key_store(peil_store::KeyStore::open(&audit_key_dir)?);
        }
        Ok(Service {
            store,
            postgres,
            binding,
            location: location.clone(),
            audit,
            origin: origin.to_string(),
            analysis: true,
        })
    }

    /// Makes later imports of this service store posts without sentiment and terms: the
    /// baseline of `peil bench`, which reports what analysis adds to ingest time. Nothing else
    /// may use it (a workspace fed this way has no sentiment or terms).
    pub fn skip_analysis_for_benchmark(&mut self) {
        self.analysis = false;
    }

    /// Whether opening (`open_demo_at`) cleared the PostgreSQL database of an earlier demo.
    pub fn replaced_an_earlier_demo(&self) -> bool {
        self.binding == Some(peil_store_postgres::Binding::ReplacedEarlierDemo)
    }

    /// Where the data plane lives.
    pub fn store_location(&self) -> &StoreLocation {
        &self.location
    }

    /// Closes the connection to a PostgreSQL data plane (call it off the async runtime, e.g. at
    /// the end of `peil serve`); every later operation on posts answers an error, never an
    /// answer from the embedded store.
    pub fn close_data_plane(&mut self) {
        self.postgres = None;
    }

    /// An error when the data plane is PostgreSQL and its connection was closed.
    fn data_plane_open(&self) -> Result<(), ServiceError> {
        match (&self.location, &self.postgres) {
            (StoreLocation::Postgres { .. }, None) => Err(ServiceError::DataPlane(
                peil_store_postgres::PostgresStoreError::Client(
                    "the PostgreSQL data plane is closed".to_string(),
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The one door: checks `actor` against `operation` for `organisation_id`, runs `body` on the
    /// store and records the audit entry. `detail` is recorded only when the body succeeded (a
    /// refused query's text never reaches the log).
    fn perform<T>(
        &mut self,
        actor: &Actor,
        operation: Operation,
        organisation_id: Option<i64>,
        object: &str,
        detail: Option<&str>,
        body: impl FnOnce(&mut Store, &str) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        self.perform_described(actor, operation, organisation_id, object, body, |_| {
            detail.map(str::to_string)
        })
    }

    /// `perform`, with the audit detail computed from a successful result (counts of a
    /// retention run or an erasure; never personal data).
    fn perform_described<T>(
        &mut self,
        actor: &Actor,
        operation: Operation,
        organisation_id: Option<i64>,
        object: &str,
        body: impl FnOnce(&mut Store, &str) -> Result<T, ServiceError>,
        describe: impl FnOnce(&T) -> Option<String>,
    ) -> Result<T, ServiceError> {
        self.perform_judged(
            actor,
            operation,
            organisation_id,
            object,
            |stores, label| body(stores.control, label),
            describe,
            |_| false,
        )
    }

    /// `perform` for a body that reads or writes posts: it gets the control store and the data
    /// plane (`data_plane.rs`), with the catalog registered in PostgreSQL first.
    fn perform_on_data<T>(
        &mut self,
        actor: &Actor,
        operation: Operation,
        organisation_id: Option<i64>,
        object: &str,
        body: impl FnOnce(&mut Stores<'_>, &str) -> Result<T, ServiceError>,
        describe: impl FnOnce(&T) -> Option<String>,
    ) -> Result<T, ServiceError> {
        let open = self.data_plane_open();
        self.perform_judged(
            actor,
            operation,
            organisation_id,
            object,
            |stores, label| {
                open?;
                stores.register_catalog()?;
                body(stores, label)
            },
            describe,
            |_| false,
        )
    }

    /// The stores outside the one door, for what is not an operation of its own: the batches of
    /// a watch session that an audited start handed out.
    fn stores(&mut self) -> Result<Stores<'_>, ServiceError> {
        self.data_plane_open()?;
        Ok(Stores::new(&mut self.store, self.postgres.as_mut()))
    }

    /// The one place that authorizes, runs and audits an operation. `refused` says whether a
    /// successful answer is itself a refusal (the monitor check's verdict), which the entry then
    /// records as its result.
    #[allow(clippy::too_many_arguments)]
    fn perform_judged<T>(
        &mut self,
        actor: &Actor,
        operation: Operation,
        organisation_id: Option<i64>,
        object: &str,
        body: impl FnOnce(&mut Stores<'_>, &str) -> Result<T, ServiceError>,
        describe: impl FnOnce(&T) -> Option<String>,
        refused: impl FnOnce(&T) -> bool,
    ) -> Result<T, ServiceError> {
        let outcome = match actor::authorize(&self.store, actor, operation, organisation_id) {
            Ok(()) => {
                let mut stores = Stores::new(&mut self.store, self.postgres.as_mut());
                body(&mut stores, &actor.label())
            }
            Err(refusal) => Err(refusal),
        };
        let result = match &outcome {
            Ok(value) if refused(value) => AuditResult::Refused,
            Ok(_) => AuditResult::Succeeded,
            Err(error) if error.code().error_type() == ErrorType::Internal => AuditResult::Failed,
            Err(_) => AuditResult::Refused,
        };
        // An entry is scoped to the organisation acted on, else to the acting user's own
        // organisation: a refused lookup or an installation-wide read by a user of one
        // organisation must never show up in another organisation's audit view (invariant 11).
        let scope = organisation_id.or_else(|| actor.organisation_id());
        let scoped_object = match scope {
            Some(id) => format!("{} organisation:{id} {object}", operation.code()),
            None => format!("{} {object}", operation.code()),
        };
        let entry = AuditEntry {
            action: operation.audit_action(),
            object: audit_text(&scoped_object, 256),
            result,
            actor: audit_text(&actor.audit_label(), 128),
            origin: audit_text(&self.origin, 128),
            at: chrono::Utc::now(),
            detail: match &outcome {
                Ok(value) => describe(value)
                    .filter(|text| !text.trim().is_empty())
                    .map(|text| audit_text(&text, 2048)),
                Err(_) => None,
            },
        };
        self.audit.append(&entry)?;
        tracing::debug!(operation = operation.code(), result = ?result, "performed");
        outcome
    }

    /// The data directory of the store.
    pub fn data_dir(&self) -> &Path {
        self.store.data_dir()
    }
}

/// Records a binding that changed something (a database newly bound, or an earlier demo's
/// cleared and taken over) or was refused, as the operation `bind_data_plane` of the local
/// operator; accepting the same directory again records nothing (it changes nothing). Holds no
/// id and no URL.
fn record_binding(
    audit: &mut AuditLog,
    origin: &str,
    outcome: &Result<peil_store_postgres::Binding, peil_store_postgres::PostgresStoreError>,
) -> Result<(), ServiceError> {
    use peil_store_postgres::{Binding, PostgresStoreError};
    let (result, detail) = match outcome {
        Ok(Binding::Same) => return Ok(()),
        Ok(Binding::NewlyBound) => (AuditResult::Succeeded, "bound to this data directory"),
        Ok(Binding::ReplacedEarlierDemo) => (
            AuditResult::Succeeded,
            "cleared the data of an earlier demo and bound to this demo directory",
        ),
        Err(PostgresStoreError::BindingRefused(refusal)) => (
            AuditResult::Refused,
            match refusal {
                peil_store_postgres::BindingRefusal::AnotherInstallation => {
                    "refused: bound to another data directory"
                }
                peil_store_postgres::BindingRefusal::RealInstallation => {
                    "refused: bound to a real installation, a demo never clears it"
                }
                peil_store_postgres::BindingRefusal::UnboundWithPosts => {
                    "refused: holds posts of no data directory"
                }
            },
        ),
        Err(_) => (AuditResult::Failed, ""),
    };
    let operation = Operation::BindDataPlane;
    let entry = AuditEntry {
        action: operation.audit_action(),
        object: format!("{} data_plane:postgres", operation.code()),
        result,
        actor: audit_text(&Actor::LocalOperator.audit_label(), 128),
        origin: audit_text(origin, 128),
        at: chrono::Utc::now(),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
    };
    audit.append(&entry)?;
    Ok(())
}

/// Makes a value safe for an audit field: control characters become spaces and the length is
/// capped (names typed by users can be anything).
fn audit_text(text: &str, maximum_characters: usize) -> String {
    text.chars()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .take(maximum_characters)
        .collect()
}

/// Quotes a name from input for an audit object (`workspace:afval`).
fn object_of(kind: &str, name: &str) -> String {
    format!("{kind}:{name}")
}
