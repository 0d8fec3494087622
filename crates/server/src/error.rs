//! The one error table of the API: every error answers `{"code", "type", "message"}` with the
//! status of its row. The service's own rows (`peil_service::ErrorCode`) come first, unchanged;
//! the rows below them belong to HTTP (authentication, CSRF, body, routing).
//!
//! Messages never contain passwords, tokens, post text or handles: service messages are already
//! safe, and internal errors answer a fixed text (the detail goes to the operator's log).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use peil_service::{AuthError, ErrorCode, ErrorType, ServiceError};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error code the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorCode {
    /// A row of the service's table.
    Service(ErrorCode),
    InvalidCredentials,
    LockedOut,
    Unauthenticated,
    CsrfRejected,
    TokenNotAllowed,
    RateLimited,
    PayloadTooLarge,
    MalformedJson,
    UnsupportedMediaType,
    MethodNotAllowed,
    RequestTimeout,
}

impl ApiErrorCode {
    /// The rows that HTTP adds to the service's table.
    pub const HTTP: [ApiErrorCode; 11] = [
        ApiErrorCode::InvalidCredentials,
        ApiErrorCode::LockedOut,
        ApiErrorCode::Unauthenticated,
        ApiErrorCode::CsrfRejected,
        ApiErrorCode::TokenNotAllowed,
        ApiErrorCode::RateLimited,
        ApiErrorCode::PayloadTooLarge,
        ApiErrorCode::MalformedJson,
        ApiErrorCode::UnsupportedMediaType,
        ApiErrorCode::MethodNotAllowed,
        ApiErrorCode::RequestTimeout,
    ];

    /// Every code: the service's rows, then HTTP's.
    pub fn all() -> Vec<ApiErrorCode> {
        ErrorCode::ALL
            .into_iter()
            .map(ApiErrorCode::Service)
            .chain(ApiErrorCode::HTTP)
            .collect()
    }

    /// The table: code, type, HTTP status.
    pub fn describe(self) -> (&'static str, ErrorType, u16) {
        use ErrorType::{Auth, InvalidRequest};
        match self {
            ApiErrorCode::Service(code) => code.describe(),
            ApiErrorCode::InvalidCredentials => ("invalid_credentials", Auth, 401),
            ApiErrorCode::LockedOut => ("locked_out", Auth, 429),
            ApiErrorCode::Unauthenticated => ("unauthenticated", Auth, 401),
            ApiErrorCode::CsrfRejected => ("csrf_rejected", Auth, 403),
            ApiErrorCode::TokenNotAllowed => ("token_not_allowed", Auth, 403),
            ApiErrorCode::RateLimited => ("rate_limited", Auth, 429),
            ApiErrorCode::PayloadTooLarge => ("payload_too_large", InvalidRequest, 413),
            ApiErrorCode::MalformedJson => ("malformed_json", InvalidRequest, 400),
            ApiErrorCode::UnsupportedMediaType => ("unsupported_media_type", InvalidRequest, 415),
            ApiErrorCode::MethodNotAllowed => ("method_not_allowed", InvalidRequest, 405),
            ApiErrorCode::RequestTimeout => ("request_timeout", InvalidRequest, 408),
        }
    }

    pub fn code(self) -> &'static str {
        self.describe().0
    }

    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.describe().2).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code from the error table (e.g. `not_found`, `csrf_rejected`).
    pub code: String,
    /// Group of the code: `invalid_request`, `auth`, `guard` or `internal`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    /// Explanation for people (Dutch / English).
    pub message: String,
}

/// Everything a handler or middleware can answer instead of a result.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("niet ingelogd / not logged in")]
    Unauthenticated,
    #[error("CSRF-token ontbreekt of klopt niet (kopregel X-CSRF-Token) / missing or wrong CSRF token (X-CSRF-Token header)")]
    CsrfRejected,
    #[error("API-tokens worden hier niet aanvaard / API tokens are not accepted here")]
    TokenNotAllowed,
    #[error("te veel inlogpogingen vanaf dit adres; wacht even / too many login attempts from this address; wait a moment")]
    RateLimited,
    #[error("te veel controles van zoekvragen; wacht even / too many query checks; wait a moment")]
    TooManyChecks,
    #[error("het verzoek is te groot / the request body is too large")]
    PayloadTooLarge,
    #[error("ongeldige JSON / malformed JSON: {0}")]
    MalformedJson(String),
    #[error("verwacht Content-Type: application/json / expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("methode niet toegestaan / method not allowed")]
    MethodNotAllowed,
    #[error("niet gevonden / not found")]
    RouteNotFound,
    #[error("het verzoek duurde te lang / the request took too long")]
    RequestTimeout,
    /// Detail for the operator's log only; the client sees a fixed text.
    #[error("interne fout / internal error")]
    Internal(String),
}

impl ApiError {
    /// The row of the table this error belongs to.
    pub fn code(&self) -> ApiErrorCode {
        match self {
            ApiError::Service(error) => ApiErrorCode::Service(error.code()),
            ApiError::Auth(AuthError::InvalidCredentials) => ApiErrorCode::InvalidCredentials,
            ApiError::Auth(AuthError::LockedOut { .. }) => ApiErrorCode::LockedOut,
            ApiError::Auth(AuthError::Unauthenticated) | ApiError::Unauthenticated => {
                ApiErrorCode::Unauthenticated
            }
            ApiError::Auth(AuthError::Service(error)) => ApiErrorCode::Service(error.code()),
            ApiError::CsrfRejected => ApiErrorCode::CsrfRejected,
            ApiError::TokenNotAllowed => ApiErrorCode::TokenNotAllowed,
            ApiError::RateLimited | ApiError::TooManyChecks => ApiErrorCode::RateLimited,
            ApiError::PayloadTooLarge => ApiErrorCode::PayloadTooLarge,
            ApiError::MalformedJson(_) => ApiErrorCode::MalformedJson,
            ApiError::UnsupportedMediaType => ApiErrorCode::UnsupportedMediaType,
            ApiError::MethodNotAllowed => ApiErrorCode::MethodNotAllowed,
            ApiError::RouteNotFound => ApiErrorCode::Service(ErrorCode::NotFound),
            ApiError::RequestTimeout => ApiErrorCode::RequestTimeout,
            ApiError::Internal(_) => ApiErrorCode::Service(ErrorCode::Internal),
        }
    }

    /// The body answered for this error.
    pub fn body(&self) -> ErrorBody {
        let code = self.code();
        let (name, kind, _) = code.describe();
        let message = if kind == ErrorType::Internal
            && code != ApiErrorCode::Service(ErrorCode::AuditUnavailable)
        {
            "interne fout; de beheerder vindt de details in het serverlog / internal error; the operator finds the details in the server log".to_string()
        } else {
            self.to_string()
        };
        ErrorBody {
            code: name.to_string(),
            kind: serde_json::to_value(kind)
                .ok()
                .and_then(|value| value.as_str().map(str::to_string))
                .unwrap_or_default(),
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        if code.describe().1 == ErrorType::Internal {
            tracing::error!(code = code.code(), detail = %self, internal = ?internal_detail(&self), "request failed");
        }
        (code.status(), Json(self.body())).into_response()
    }
}

fn internal_detail(error: &ApiError) -> Option<&str> {
    match error {
        ApiError::Internal(detail) => Some(detail),
        _ => None,
    }
}
