//! `ApiJson<T>`: the JSON body extractor of every route, answering our error body (400 malformed
//! JSON, 413 too large, 415 wrong content type) instead of axum's plain-text rejections. Requiring
//! `application/json` also keeps cross-site HTML forms (which cannot send it) away from the API.
//! `ApiPath<T>` does the same for path parameters: an id that is not a number answers 400
//! `invalid_input` from the error table, not axum's plain-text rejection; `ApiQuery<T>` for the
//! query string.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use peil_service::ServiceError;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

/// A JSON request (or response) body.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(rejection_error(&rejection)),
        }
    }
}

fn rejection_error(rejection: &JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        _ => match rejection {
            // serde's message names the field and position, never the value.
            JsonRejection::JsonDataError(error) => ApiError::MalformedJson(error.body_text()),
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::MalformedJson("syntax error".to_string())
            }
            _ => ApiError::MalformedJson("the body could not be read".to_string()),
        },
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// A path parameter (the workspace id of `/api/v1/workspaces/{id}/…`).
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            // The value is not echoed: a fixed text names what was expected.
            Err(_) => Err(ServiceError::InvalidInput(
                "het pad bevat geen geldig nummer / the path does not hold a valid number (a 64-bit integer)"
                    .to_string(),
            )
            .into()),
        }
    }
}

/// The query string (`?before=…&limit=…`).
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(_) => Err(ServiceError::InvalidInput(
                "de zoekparameters kloppen niet (zie de OpenAPI-beschrijving) / the query parameters are invalid (see the OpenAPI document)"
                    .to_string(),
            )
            .into()),
        }
    }
}
