//! The webcare inbox of a `communication_webcare` workspace (role `webcare` only): messages
//! addressed to the organisation's own accounts, de-identified, newest first, each with the link
//! to answer it at the source; and marking a message answered or closed with a why note.

use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::routing::{get, post};
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_service::{WebcareInbox, WebcareMessage, WebcareStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{workspace_name, Route};
use crate::error::{ApiError, ErrorBody};
use crate::json::ApiJson;
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/workspaces/{id}/webcare", get(inbox)),
        Route::new(
            Method::POST,
            "/api/v1/workspaces/{id}/webcare/{message}",
            post(mark),
        ),
    ]
}

/// One message of the inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebcareMessageView {
    /// The message id (for marking it).
    pub id: i64,
    pub published_at: DateTime<Utc>,
    pub source: String,
    pub language: String,
    /// De-identified text (the organisation's own accounts stay readable).
    pub text: String,
    /// `negative`, `neutral` or `positive`.
    pub sentiment: String,
    /// `open`, `answered` or `closed`.
    pub status: String,
    pub handled_at: Option<DateTime<Utc>>,
    /// The post's URI at the source, to open and answer it there (webcare role only).
    pub answer_link: String,
}

impl From<WebcareMessage> for WebcareMessageView {
    fn from(message: WebcareMessage) -> WebcareMessageView {
        WebcareMessageView {
            id: message.id,
            published_at: message.published_at,
            source: message.source,
            language: message.language.code().to_string(),
            text: message.text,
            sentiment: message.sentiment.code().to_string(),
            status: message.status.code().to_string(),
            handled_at: message.handled_at,
            answer_link: message.answer_link,
        }
    }
}

/// One page of the inbox, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebcareInboxView {
    pub workspace_id: i64,
    pub workspace: String,
    /// 1-based page number.
    pub page: usize,
    pub page_size: usize,
    /// Messages in the inbox, every status.
    pub total: u64,
    /// Messages still open.
    pub open: u64,
    pub messages: Vec<WebcareMessageView>,
}

impl From<WebcareInbox> for WebcareInboxView {
    fn from(inbox: WebcareInbox) -> WebcareInboxView {
        WebcareInboxView {
            workspace_id: inbox.workspace_id,
            workspace: inbox.workspace,
            page: inbox.page,
            page_size: inbox.page_size,
            total: inbox.total,
            open: inbox.open,
            messages: inbox
                .messages
                .into_iter()
                .map(WebcareMessageView::from)
                .collect(),
        }
    }
}

/// Which page of the inbox (documentation of the query string; parsed leniently).
#[derive(Debug, Deserialize, IntoParams)]
#[allow(dead_code)]
pub struct InboxPage {
    /// 1-based page number (default 1; 25 messages a page).
    pub page: Option<usize>,
}

/// Marks a message answered or closed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebcareMark {
    /// `answered` or `closed`.
    pub status: String,
    /// Why (kept in the audit log).
    pub why: String,
}

/// The marked message's new status.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebcareMarked {
    pub id: i64,
    pub status: String,
}

/// The webcare inbox of a `communication_webcare` workspace (webcare role only).
#[utoipa::path(get, path = "/api/v1/workspaces/{id}/webcare", tag = "webcare",
    params(("id" = i64, Path, description = "Workspace id"), InboxPage),
    responses(
        (status = 200, description = "One page of the inbox, newest first", body = WebcareInboxView),
        (status = 400, description = "Not a webcare workspace", body = ErrorBody),
        (status = 403, description = "Only the webcare role sees the inbox", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<WebcareInboxView>, ApiError> {
    let name = workspace_name(&state, &principal, id).await?;
    let page = super::pages::query_parameter(query.as_deref(), "page")
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(1);
    let actor = principal.actor.clone();
    let inbox = state
        .call(move |service| {
            service
                .view_webcare_inbox(&actor, &name, None, page)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(WebcareInboxView::from(inbox)))
}

/// Marks a message of the inbox answered or closed, with a why note (webcare role only).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/webcare/{message}", tag = "webcare",
    request_body = WebcareMark,
    params(("id" = i64, Path, description = "Workspace id"),
        ("message" = i64, Path, description = "Message id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token (sessions only)")),
    responses(
        (status = 200, description = "Marked", body = WebcareMarked),
        (status = 400, description = "Unknown status, no why note, or not a webcare workspace", body = ErrorBody),
        (status = 403, description = "Only the webcare role handles the inbox", body = ErrorBody),
        (status = 404, description = "No such workspace or message in this organisation", body = ErrorBody)))]
pub async fn mark(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path((id, message)): Path<(i64, i64)>,
    ApiJson(request): ApiJson<WebcareMark>,
) -> Result<ApiJson<WebcareMarked>, ApiError> {
    let name = workspace_name(&state, &principal, id).await?;
    let status: WebcareStatus = request.status.parse().map_err(|error| {
        ApiError::from(peil_service::ServiceError::InvalidInput(format!("{error}")))
    })?;
    let actor = principal.actor.clone();
    state
        .call(move |service| {
            service
                .mark_webcare_message(&actor, &name, None, message, status, &request.why)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(WebcareMarked {
        id: message,
        status: status.code().to_string(),
    }))
}
