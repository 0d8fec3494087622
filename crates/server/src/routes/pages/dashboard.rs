//! The dashboard of a workspace (`GET …/dashboard?q=&from=&to=&interval=`) and its exports: the
//! CSV (`…/report.csv`, as an attachment, caveat rows first) and the print-ready page
//! (`…/report`). Each runs `Service::query` (guard, k gate, audit); a refused query renders the
//! dashboard with the refusal next to the form and no figures.
//!
//! Dates are `YYYY-MM-DD` (UTC); `to` is inclusive (the whole day). Bursts are the ones the store
//! detected on gated hourly volume (`report.bursts`); `peil-web` marks them on the volume chart
//! and lists them, so this module computes none of its own.

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use peil_service::{Interval, QueryAnswer, QueryRequest};
use peil_web::pages::export::CSV_CONTENT_TYPE;
use peil_web::{
    dashboard_page, report_csv, report_print_page, DashboardView, GuardFeedback, Language,
    QueryForm,
};

use super::monitors::feedback_of;
use super::{pick, query_parameter, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::state::AppState;

/// How many terms, hashtags and bigrams the dashboard lists.
const TOP: usize = 15;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/workspaces/{name}/dashboard", get(dashboard)),
        Route::new(Method::GET, "/workspaces/{name}/report.csv", get(csv)),
        Route::new(Method::GET, "/workspaces/{name}/report", get(print)),
    ]
}

/// The query form as typed in the URL.
fn form_of(query: Option<&str>) -> QueryForm {
    let text = |name| query_parameter(query, name).unwrap_or_default();
    QueryForm {
        text: text("q").trim().to_string(),
        from: text("from").trim().to_string(),
        to: text("to").trim().to_string(),
        interval: match text("interval").trim() {
            "hour" => Interval::Hour,
            _ => Interval::Day,
        },
    }
}

fn day_start(text: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|time| time.and_utc())
}

/// The service request of a form, or what is wrong with its dates.
fn request_of(
    language: Language,
    workspace: &str,
    form: &QueryForm,
) -> Result<QueryRequest, GuardFeedback> {
    let date = |text: &str| -> Result<Option<DateTime<Utc>>, GuardFeedback> {
        if text.is_empty() {
            return Ok(None);
        }
        day_start(text).map(Some).ok_or_else(|| {
            GuardFeedback::Invalid(pick(
                language,
                "vul datums in als JJJJ-MM-DD",
                "enter dates as YYYY-MM-DD",
            ))
        })
    };
    let from = date(&form.from)?;
    let to = date(&form.to)?.map(|start| start + Duration::days(1));
    Ok(QueryRequest {
        workspace: workspace.to_string(),
        organisation: None,
        text: form.text.clone(),
        from,
        to,
        interval: form.interval,
        top: TOP,
    })
}

/// The answer to the request in the URL, or the verdict to show next to the form (with its
/// status); other errors (not found, forbidden, internal) as `Err`.
async fn answer(
    page: &PageRequest,
    state: &AppState,
    name: &str,
    form: &QueryForm,
) -> Result<Result<QueryAnswer, (GuardFeedback, StatusCode)>, ApiError> {
    let request = match request_of(page.language, name, form) {
        Ok(request) => request,
        Err(feedback) => return Ok(Err((feedback, StatusCode::BAD_REQUEST))),
    };
    let actor = page.principal()?.actor.clone();
    let outcome = state
        .call(move |service| Ok(service.query(&actor, &request)))
        .await?;
    match outcome {
        Ok(answer) => Ok(Ok(answer)),
        Err(error) => match feedback_of(page.language, &error) {
            Some(feedback) => {
                let status = ApiError::from(error).code().status();
                Ok(Err((feedback, status)))
            }
            None => Err(error.into()),
        },
    }
}

fn render_dashboard(
    page: &PageRequest,
    name: &str,
    form: &QueryForm,
    outcome: &Result<QueryAnswer, (GuardFeedback, StatusCode)>,
) -> Response {
    let (answer, refusal, status) = match outcome {
        Ok(answer) => (Some(answer), None, StatusCode::OK),
        Err((feedback, status)) => (None, Some(feedback), *status),
    };
    let view = DashboardView {
        workspace: answer.map_or(name, |answer| answer.workspace.as_str()),
        form,
        answer,
        refusal,
        example_quotes: &[],
    };
    page.html(status, dashboard_page(&page.context(), &view))
}

/// The dashboard.
pub async fn dashboard(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let form = form_of(query.as_deref());
        let outcome = answer(&page, &state, &name, &form).await?;
        Ok(render_dashboard(&page, &name, &form, &outcome))
    }
    .await;
    page.finish(result)
}

/// A file name part made of letters, digits and dashes.
fn file_name_part(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "werkruimte".to_string()
    } else {
        trimmed.chars().take(60).collect()
    }
}

/// The report as CSV, as a download.
pub async fn csv(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let form = form_of(query.as_deref());
        let outcome = answer(&page, &state, &name, &form).await?;
        let Ok(answer) = &outcome else {
            return Ok(render_dashboard(&page, &name, &form, &outcome));
        };
        let body = report_csv(page.language, answer);
        let mut response = (StatusCode::OK, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(CSV_CONTENT_TYPE));
        let file_name = format!(
            "peil-{}-{}.csv",
            file_name_part(&answer.workspace),
            Utc::now().format("%Y%m%d-%H%M")
        );
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
        Ok(response)
    }
    .await;
    page.finish(result)
}

/// The print-ready report.
pub async fn print(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let form = form_of(query.as_deref());
        let outcome = answer(&page, &state, &name, &form).await?;
        let Ok(answer) = &outcome else {
            return Ok(render_dashboard(&page, &name, &form, &outcome));
        };
        Ok(page.html(
            StatusCode::OK,
            report_print_page(&page.context(), answer, Utc::now()),
        ))
    }
    .await;
    page.finish(result)
}
