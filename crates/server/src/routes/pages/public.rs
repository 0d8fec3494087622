//! What anyone may read without an account: the stylesheets (and their licences) under
//! `/static/`, and each organisation's public transparency page.
//!
//! The transparency page shows exactly what `peil-docs` puts on it (active workspaces: purpose,
//! legal basis, monitored topics, sources, retention, FG contact, how to object), rendered by
//! `Service::public_transparency_page` as the installation (the local operator) and audited
//! there; it is wrapped in Peil's frame by `peil_web::transparency_page`, which refuses any
//! script or style markup.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use peil_service::DocumentLanguage;
use peil_web::{transparency_page, Language, PageContext};

use super::{status_page, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::state::AppState;

/// Cache lifetime of the static assets (one week; they change only with a new Peil version).
pub const STATIC_CACHE_CONTROL: &str = "public, max-age=604800";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/static/{*path}", get(asset)),
        Route::new(Method::GET, "/transparency/{org}", get(transparency)),
    ]
}

/// A stylesheet or licence file of `peil-web`, with its content type and a long cache.
pub async fn asset(page: PageRequest, Path(path): Path<String>) -> Response {
    let Some((bytes, content_type)) = peil_web::static_asset(&path) else {
        return status_page(page.language, None, StatusCode::NOT_FOUND);
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(STATIC_CACHE_CONTROL),
    );
    response
}

/// The documents' language for the interface language.
pub(crate) fn document_language(language: Language) -> DocumentLanguage {
    match language {
        Language::Nl => DocumentLanguage::Nl,
        Language::En => DocumentLanguage::En,
    }
}

/// The public transparency page of an organisation (no login).
pub async fn transparency(
    page: PageRequest,
    State(state): State<AppState>,
    Path(organisation): Path<String>,
) -> Response {
    let language = page.language;
    let result = async {
        let document = state
            .call(move |service| {
                service
                    .public_transparency_page(&organisation, document_language(language))
                    .map_err(ApiError::from)
            })
            .await?;
        // A public page: no user, no forms, whoever may be signed in.
        let context = PageContext::anonymous(language, &page.current_path);
        let html = transparency_page(&context, &document)
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        Ok(page.html(StatusCode::OK, html))
    }
    .await;
    match result {
        Ok(response) => response,
        Err(error) => super::error_response(
            language,
            Some(PageContext::anonymous(language, &page.current_path)),
            &error,
        ),
    }
}
