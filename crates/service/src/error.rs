//! Errors of the service and the one table that maps each to a code, a type and an HTTP status
//! (the server answers with these; the command line prints the message).
//!
//! Messages never contain post text, author ids, handles or profile URLs: the refusal of a query
//! names the kind of thing found, never the thing.

use peil_model::ModelError;
use peil_store::StoreError;
use peil_store_postgres::{BindingRefusal, PostgresStoreError};
use serde::Serialize;

/// The public code of an error, stable across versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    ActorRequired,
    Forbidden,
    QueryRefused,
    InvalidQuery,
    InvalidInput,
    RuleViolation,
    AlreadyExists,
    AuditUnavailable,
    DataPlaneRefused,
    Internal,
}

/// What kind of problem an error code is, for clients that group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    InvalidRequest,
    Auth,
    Guard,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::NotFound,
        ErrorCode::ActorRequired,
        ErrorCode::Forbidden,
        ErrorCode::QueryRefused,
        ErrorCode::InvalidQuery,
        ErrorCode::InvalidInput,
        ErrorCode::RuleViolation,
        ErrorCode::AlreadyExists,
        ErrorCode::AuditUnavailable,
        ErrorCode::DataPlaneRefused,
        ErrorCode::Internal,
    ];

    /// The table: code, type, HTTP status.
    pub fn describe(self) -> (&'static str, ErrorType, u16) {
        match self {
            ErrorCode::NotFound => ("not_found", ErrorType::InvalidRequest, 404),
            ErrorCode::ActorRequired => ("actor_required", ErrorType::Auth, 401),
            ErrorCode::Forbidden => ("forbidden", ErrorType::Auth, 403),
            ErrorCode::QueryRefused => ("query_refused", ErrorType::Guard, 422),
            ErrorCode::InvalidQuery => ("invalid_query", ErrorType::InvalidRequest, 400),
            ErrorCode::InvalidInput => ("invalid_input", ErrorType::InvalidRequest, 400),
            ErrorCode::RuleViolation => ("rule_violation", ErrorType::InvalidRequest, 422),
            ErrorCode::AlreadyExists => ("already_exists", ErrorType::InvalidRequest, 409),
            ErrorCode::AuditUnavailable => ("audit_unavailable", ErrorType::Internal, 503),
            ErrorCode::DataPlaneRefused => ("data_plane_refused", ErrorType::Internal, 503),
            ErrorCode::Internal => ("internal", ErrorType::Internal, 500),
        }
    }

    pub fn code(self) -> &'static str {
        self.describe().0
    }

    pub fn error_type(self) -> ErrorType {
        self.describe().1
    }

    pub fn http_status(self) -> u16 {
        self.describe().2
    }
}

/// Everything the service can answer instead of a result.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("niet gevonden / not found: {what} `{name}`")]
    NotFound { what: &'static str, name: String },
    #[error("deze organisatie heeft gebruikers: handel als een van hen met --as NAAM / this organisation has users: act as one of them with --as NAME ({operation})")]
    ActorRequired { operation: &'static str },
    #[error("{0}")]
    Forbidden(String),
    /// The query guard refused (Dutch and English explanation).
    #[error("{dutch} / {english}")]
    QueryRefused { dutch: String, english: String },
    #[error("de zoekvraag is ongeldig / the query is invalid: {0}")]
    InvalidQuery(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    Rule(#[from] ModelError),
    #[error("{what} `{name}` bestaat al / already exists")]
    AlreadyExists { what: &'static str, name: String },
    /// The audit log could not record the operation; Peil fails closed.
    #[error("het auditlog is niet beschikbaar; de handeling is niet uitgevoerd of niet vastgelegd / the audit log is unavailable: {0}")]
    Audit(#[from] peil_audit::AuditError),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Pipeline(#[from] peil_pipeline::PipelineError),
    /// The PostgreSQL database belongs to another data directory (or holds posts of none):
    /// refused before any post was read or written. Names neither ids nor the URL.
    #[error("{}", binding_refusal_message(*.0))]
    DataPlaneRefused(BindingRefusal),
    /// The PostgreSQL data plane failed (its error carries no values of rows).
    #[error(transparent)]
    DataPlane(PostgresStoreError),
}

impl From<PostgresStoreError> for ServiceError {
    fn from(error: PostgresStoreError) -> ServiceError {
        match error {
            PostgresStoreError::Gate(store_error) => ServiceError::from(store_error),
            PostgresStoreError::BindingRefused(refusal) => ServiceError::DataPlaneRefused(refusal),
            other => ServiceError::DataPlane(other),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> ServiceError {
        match error {
            StoreError::NotFound { what, name } => ServiceError::NotFound { what, name },
            StoreError::AlreadyExists { what, name } => ServiceError::AlreadyExists { what, name },
            StoreError::Model(rule) => ServiceError::Rule(rule),
            StoreError::Ambiguous(name) => ServiceError::InvalidInput(format!(
                "de naam `{name}` bestaat in meerdere organisaties; noem de organisatie / name the organisation (--org)"
            )),
            other => ServiceError::Store(other),
        }
    }
}

/// The Dutch and English explanation of a refused PostgreSQL database.
fn binding_refusal_message(refusal: BindingRefusal) -> &'static str {
    match refusal {
        BindingRefusal::AnotherInstallation => {
            "de PostgreSQL-database hoort bij een andere datamap (installatie); er is niets gelezen of geschreven. Gebruik de datamap die bij deze database hoort, of een eigen database / the PostgreSQL database belongs to another data directory (installation); nothing was read or written. Use the data directory that belongs to this database, or a database of its own"
        }
        BindingRefusal::RealInstallation => {
            "de PostgreSQL-database hoort bij een echte installatie (geen demo); de demo wist die nooit. Gebruik een lege database voor de demo / the PostgreSQL database belongs to a real installation (not a demo); the demo never clears it. Use an empty database for the demo"
        }
        BindingRefusal::UnboundWithPosts => {
            "de PostgreSQL-database bevat al berichten maar hoort bij geen datamap; er is niets gelezen of geschreven. Gebruik een lege database / the PostgreSQL database already holds posts but belongs to no data directory; nothing was read or written. Use an empty database"
        }
    }
}

impl ServiceError {
    /// The row of the error table this error belongs to.
    pub fn code(&self) -> ErrorCode {
        match self {
            ServiceError::NotFound { .. } => ErrorCode::NotFound,
            ServiceError::ActorRequired { .. } => ErrorCode::ActorRequired,
            ServiceError::Forbidden(_) => ErrorCode::Forbidden,
            ServiceError::QueryRefused { .. } => ErrorCode::QueryRefused,
            ServiceError::InvalidQuery(_) => ErrorCode::InvalidQuery,
            ServiceError::InvalidInput(_) => ErrorCode::InvalidInput,
            ServiceError::Rule(_) => ErrorCode::RuleViolation,
            ServiceError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            ServiceError::Audit(_) => ErrorCode::AuditUnavailable,
            ServiceError::DataPlaneRefused(_) => ErrorCode::DataPlaneRefused,
            ServiceError::Store(_) | ServiceError::Pipeline(_) | ServiceError::DataPlane(_) => {
                ErrorCode::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_has_a_unique_name_and_a_sensible_status() {
        let names: HashSet<&str> = ErrorCode::ALL.iter().map(|code| code.code()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            let status = code.http_status();
            assert!((400..600).contains(&status), "{status}");
            let server_side = status >= 500;
            assert_eq!(server_side, code.error_type() == ErrorType::Internal);
        }
    }
}
