//! The webcare inbox screen (`/inbox`, role webcare only): the messages addressed to the
//! organisation's own accounts in one of its `communication_webcare` workspaces (chosen with
//! `?workspace=`, else the first), paged with `?page=`, and the form that marks a message
//! answered or closed with a why note (POST, CSRF field checked before the handler runs).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use peil_model::Purpose;
use peil_service::{Operation, ServiceError, WebcareStatus};
use peil_web::{webcare_page, Key, Notice, WebcareView};

use super::workspaces::summaries;
use super::{message_in, query_parameter, FormData, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/inbox", get(show)),
        Route::new(Method::POST, "/inbox", post(mark)),
    ]
}

/// Renders the inbox of `chosen` (or the first webcare workspace) at `page_number`.
async fn render(
    page: &PageRequest,
    state: &AppState,
    chosen: Option<String>,
    page_number: usize,
    notice: Option<Notice>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    page.require(Operation::ViewWebcareInbox)?;
    let workspaces: Vec<String> = summaries(page, state)
        .await?
        .into_iter()
        .filter(|summary| summary.workspace.purpose == Purpose::CommunicationWebcare)
        .map(|summary| summary.workspace.name)
        .collect();
    let Some(workspace) = chosen.or_else(|| workspaces.first().cloned()) else {
        let view = WebcareView {
            workspaces,
            inbox: None,
            notice,
        };
        return Ok(page.html(status, webcare_page(&page.context(), &view)));
    };
    let actor = page.principal()?.actor.clone();
    let inbox = state
        .call(move |service| {
            service
                .view_webcare_inbox(&actor, &workspace, None, page_number)
                .map_err(ApiError::from)
        })
        .await?;
    let view = WebcareView {
        workspaces,
        inbox: Some(inbox),
        notice,
    };
    Ok(page.html(status, webcare_page(&page.context(), &view)))
}

/// The inbox.
pub async fn show(
    page: PageRequest,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let workspace = query_parameter(query.as_deref(), "workspace")
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty());
    let page_number = query_parameter(query.as_deref(), "page")
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(1);
    let result = render(&page, &state, workspace, page_number, None, StatusCode::OK).await;
    page.finish(result)
}

/// Marks a message answered or closed; the inbox again with what happened.
pub async fn mark(page: PageRequest, State(state): State<AppState>, body: Bytes) -> Response {
    let result = async {
        page.require(Operation::MarkWebcareMessage)?;
        let fields = FormData::parse(&body);
        let workspace = fields.get("workspace").trim().to_string();
        let message: i64 = fields.get("message").trim().parse().map_err(|_| {
            ApiError::from(ServiceError::InvalidInput(
                "onbekend bericht / unknown message".to_string(),
            ))
        })?;
        let status: WebcareStatus = fields
            .get("status")
            .parse()
            .map_err(|error| ApiError::from(ServiceError::InvalidInput(format!("{error}"))))?;
        let why = fields.get("why").to_string();
        let actor = page.principal()?.actor.clone();
        let target = workspace.clone();
        let marked = state
            .call(move |service| {
                Ok(service.mark_webcare_message(&actor, &target, None, message, status, &why))
            })
            .await?;
        let (notice, code) = match marked {
            Ok(()) => (
                Notice::Success(peil_web::text(page.language, Key::WebcareMarked).to_string()),
                StatusCode::OK,
            ),
            Err(ServiceError::InvalidInput(text)) => (
                Notice::Error(message_in(page.language, &text)),
                StatusCode::BAD_REQUEST,
            ),
            Err(error) => return Err(error.into()),
        };
        render(&page, &state, Some(workspace), 1, Some(notice), code).await
    }
    .await;
    page.finish(result)
}
