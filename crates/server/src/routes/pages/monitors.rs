//! The monitor editor of a workspace: its monitors and the add form. The guard's verdict
//! (`ServiceError::QueryRefused`, or an unparsable query) is shown next to the form with the
//! typed values kept; no JavaScript needed.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use peil_service::ServiceError;
use peil_web::{monitors_page, GuardFeedback, Language, MonitorForm};

use super::workspaces::workspace_named;
use super::{message_in, FormData, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/workspaces/{name}/monitors", get(show)),
        Route::new(Method::POST, "/workspaces/{name}/monitors", post(add)),
    ]
}

/// What the page says about a service refusal of a typed query; `None` for errors that get the
/// error page (not found, forbidden, internal).
pub(crate) fn feedback_of(language: Language, error: &ServiceError) -> Option<GuardFeedback> {
    match error {
        ServiceError::QueryRefused { dutch, english } => Some(GuardFeedback::Refused {
            dutch: dutch.clone(),
            english: english.clone(),
        }),
        ServiceError::InvalidQuery(message) => Some(GuardFeedback::Invalid(match language {
            Language::Nl => format!("de zoekvraag is ongeldig: {message}"),
            Language::En => format!("the query is invalid: {message}"),
        })),
        ServiceError::InvalidInput(message) => {
            Some(GuardFeedback::Invalid(message_in(language, message)))
        }
        ServiceError::Rule(rule) => Some(GuardFeedback::Invalid(rule.to_string())),
        _ => None,
    }
}

async fn render(
    page: &PageRequest,
    state: &AppState,
    name: &str,
    form: &MonitorForm,
    feedback: Option<&GuardFeedback>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let workspace = workspace_named(page, state, name).await?;
    let actor = page.principal()?.actor.clone();
    let workspace_name = workspace.name.clone();
    let monitors = state
        .call(move |service| {
            service
                .monitors(&actor, &workspace_name, None)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(page.html(
        status,
        monitors_page(&page.context(), &workspace, &monitors, form, feedback),
    ))
}

/// The monitors with the add form.
pub async fn show(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Response {
    let result = render(
        &page,
        &state,
        &name,
        &MonitorForm::default(),
        None,
        StatusCode::OK,
    )
    .await;
    page.finish(result)
}

/// Adds a monitor (analyst, admin) after the guard; the page again with its verdict.
pub async fn add(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let fields = FormData::parse(&body);
        let form = MonitorForm {
            query: fields.get("query").trim().to_string(),
            justification: fields.get("justification").trim().to_string(),
        };
        // Not found first: a foreign workspace answers the 404 page, not a guard verdict.
        workspace_named(&page, &state, &name).await?;
        let actor = page.principal()?.actor.clone();
        let workspace = name.clone();
        let submitted = form.clone();
        let added = state
            .call(move |service| {
                Ok(service.add_monitor(
                    &actor,
                    &workspace,
                    None,
                    &submitted.query,
                    &submitted.justification,
                ))
            })
            .await?;
        match added {
            Ok(_) => {
                render(
                    &page,
                    &state,
                    &name,
                    &MonitorForm::default(),
                    Some(&GuardFeedback::Accepted),
                    StatusCode::OK,
                )
                .await
            }
            Err(error) => match feedback_of(page.language, &error) {
                Some(feedback) => {
                    let status = ApiError::from(error).code().status();
                    render(&page, &state, &name, &form, Some(&feedback), status).await
                }
                None => Err(error.into()),
            },
        }
    }
    .await;
    page.finish(result)
}
