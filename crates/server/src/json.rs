//! `ApiJson<T>`: the JSON body extractor of every route, answering our error body (400 malformed
//! JSON, 413 too large, 415 wrong content type) instead of axum's plain-text rejections. Requiring
//! `application/json` also keeps cross-site HTML forms (which cannot send it) away from the API.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
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
