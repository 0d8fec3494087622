//! The organisation overview (`/` and `/workspaces`), the workspace form (create; edit in place
//! for an existing workspace, never its purpose), the renewal form of a public-order picture
//! (`/workspaces/{name}/renew`) and the lifecycle form (`/workspaces/{name}/status`, used by the
//! FG's approve form).
//!
//! Field errors are shown next to their fields: first the form's own checks (numbers, dates,
//! the purpose, required texts), then the domain rules of the service (`ServiceError::Rule`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use peil_model::{ModelError, Purpose, Workspace, WorkspaceDraft, WorkspaceEdit, WorkspaceStatus};
use peil_service::{Operation, ServiceError, WorkspaceSummary};
use peil_web::{
    overview_page, workspace_form_page, FieldError, Language, WorkspaceField, WorkspaceForm,
    WorkspaceFormMode,
};

use super::{pick, see_other, FormData, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/", get(overview)),
        Route::new(Method::GET, "/workspaces", get(overview)),
        Route::new(Method::POST, "/workspaces", post(create)),
        Route::new(Method::GET, "/workspaces/new", get(new_form)),
        Route::new(Method::GET, "/workspaces/{name}", get(settings)),
        Route::new(Method::POST, "/workspaces/{name}", post(save)),
        Route::new(Method::POST, "/workspaces/{name}/status", post(status)),
        Route::new(Method::GET, "/workspaces/{name}/renew", get(renew_form)),
        Route::new(Method::POST, "/workspaces/{name}/renew", post(renew)),
    ]
}

/// The workspaces of the principal's organisation.
pub(crate) async fn summaries(
    page: &PageRequest,
    state: &AppState,
) -> Result<Vec<WorkspaceSummary>, ApiError> {
    let actor = page.principal()?.actor.clone();
    state
        .call(move |service| service.workspaces(&actor).map_err(ApiError::from))
        .await
}

/// One workspace of the principal's organisation by name; any other answers "not found".
pub(crate) async fn workspace_named(
    page: &PageRequest,
    state: &AppState,
    name: &str,
) -> Result<Workspace, ApiError> {
    summaries(page, state)
        .await?
        .into_iter()
        .map(|summary| summary.workspace)
        .find(|workspace| workspace.name == name)
        .ok_or_else(|| {
            ServiceError::NotFound {
                what: "workspace",
                name: name.to_string(),
            }
            .into()
        })
}

/// The organisation overview.
pub async fn overview(page: PageRequest, State(state): State<AppState>) -> Response {
    let result = async {
        let organisation = page.principal()?.organisation.clone();
        let workspaces = summaries(&page, &state).await?;
        Ok(page.html(
            StatusCode::OK,
            overview_page(&page.context(), &organisation, &workspaces),
        ))
    }
    .await;
    page.finish(result)
}

/// The empty create form (admin).
pub async fn new_form(page: PageRequest) -> Response {
    let result = page.require(Operation::CreateWorkspace).map(|()| {
        page.html(
            StatusCode::OK,
            workspace_form_page(
                &page.context(),
                WorkspaceFormMode::Create,
                &WorkspaceForm::default(),
                &[],
            ),
        )
    });
    page.finish(result)
}

fn form_of(fields: &FormData) -> WorkspaceForm {
    let text = |field: WorkspaceField| fields.get(field.name()).trim().to_string();
    WorkspaceForm {
        name: text(WorkspaceField::Name),
        purpose: text(WorkspaceField::Purpose),
        purpose_text: text(WorkspaceField::PurposeText),
        legal_basis: text(WorkspaceField::LegalBasis),
        lead: text(WorkspaceField::Lead),
        retention_days_posts: text(WorkspaceField::RetentionPosts),
        retention_days_aggregates: text(WorkspaceField::RetentionAggregates),
        k: text(WorkspaceField::K),
        allowed_sources: text(WorkspaceField::Sources),
        own_accounts: text(WorkspaceField::OwnAccounts),
        fg_contact: text(WorkspaceField::FgContact),
        ends_at: text(WorkspaceField::EndsAt),
        why: text(WorkspaceField::Why),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// A `YYYY-MM-DD` date as the end of that day (UTC), for an end date.
fn end_of_day(text: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(23, 59, 59)
        .map(|time| time.and_utc())
}

/// The draft of a filled-in form, or the errors of its fields.
fn draft_of(language: Language, form: &WorkspaceForm) -> Result<WorkspaceDraft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut error = |field, dutch: &str, english: &str| {
        errors.push(FieldError {
            field,
            message: pick(language, dutch, english),
        });
    };
    let required = [
        (WorkspaceField::Name, &form.name),
        (WorkspaceField::PurposeText, &form.purpose_text),
        (WorkspaceField::LegalBasis, &form.legal_basis),
        (WorkspaceField::Why, &form.why),
    ];
    for (field, value) in required {
        if value.is_empty() {
            error(field, "Vul dit veld in.", "Fill in this field.");
        }
    }
    let purpose = form.purpose.parse::<Purpose>().ok();
    if purpose.is_none() {
        error(
            WorkspaceField::Purpose,
            "Kies een doel.",
            "Choose a purpose.",
        );
    }
    let mut number = |field, value: &str| match value.parse::<u32>() {
        Ok(number) if number > 0 => Some(number),
        _ => {
            error(
                field,
                "Vul een heel getal groter dan 0 in.",
                "Enter a whole number greater than 0.",
            );
            None
        }
    };
    let retention_posts = number(WorkspaceField::RetentionPosts, &form.retention_days_posts);
    let retention_aggregates = number(
        WorkspaceField::RetentionAggregates,
        &form.retention_days_aggregates,
    );
    let k = number(WorkspaceField::K, &form.k);
    let ends_at = if form.ends_at.is_empty() {
        None
    } else {
        let parsed = end_of_day(&form.ends_at);
        if parsed.is_none() {
            error(
                WorkspaceField::EndsAt,
                "Vul een datum in als JJJJ-MM-DD.",
                "Enter a date as YYYY-MM-DD.",
            );
        }
        parsed
    };
    match (purpose, retention_posts, retention_aggregates, k) {
        (Some(purpose), Some(posts), Some(aggregates), Some(k)) if errors.is_empty() => {
            Ok(WorkspaceDraft {
                name: form.name.clone(),
                purpose,
                purpose_text: form.purpose_text.clone(),
                legal_basis: form.legal_basis.clone(),
                lead: (!form.lead.is_empty()).then(|| form.lead.clone()),
                retention_days_posts: posts,
                retention_days_aggregates: aggregates,
                k,
                allowed_sources: list(&form.allowed_sources),
                own_accounts: list(&form.own_accounts),
                fg_contact: (!form.fg_contact.is_empty()).then(|| form.fg_contact.clone()),
                ends_at,
            })
        }
        _ => Err(errors),
    }
}

/// The field a domain rule of the service is about, with its message in `language`.
/// The answer to a saved workspace form: home when the service did it; the form again with the
/// field error when a domain rule refused it (`render_errors` draws the form); else the error.
fn home_or_field_errors<T>(
    language: Language,
    outcome: Result<T, ServiceError>,
    render_errors: impl FnOnce(StatusCode, &[FieldError]) -> Response,
) -> Result<Response, ApiError> {
    let error = match outcome {
        Ok(_) => return Ok(see_other(peil_web::paths::HOME)),
        Err(error) => error,
    };
    let Some(field_error) = rule_error(language, &error) else {
        return Err(error.into());
    };
    let status = ApiError::from(error).code().status();
    Ok(render_errors(status, &[field_error]))
}

fn rule_error(language: Language, error: &ServiceError) -> Option<FieldError> {
    let (field, dutch, english) = match error {
        ServiceError::Rule(rule) => match rule {
            ModelError::KTooSmall { minimum, .. } => (
                WorkspaceField::K,
                format!("k moet minstens {minimum} zijn."),
                format!("k must be at least {minimum}."),
            ),
            ModelError::RetentionTooShort(_) => (
                WorkspaceField::RetentionPosts,
                "De bewaartermijn is minstens één dag.".to_string(),
                "Retention is at least one day.".to_string(),
            ),
            ModelError::MissingWhy => (
                WorkspaceField::Why,
                "Geef aan waarom.".to_string(),
                "Say why.".to_string(),
            ),
            ModelError::MissingLead => (
                WorkspaceField::Lead,
                "Dit doel vraagt een aanleiding.".to_string(),
                "This purpose needs a lead.".to_string(),
            ),
            ModelError::MissingEndDate { max_days } => (
                WorkspaceField::EndsAt,
                format!("Dit doel vraagt een einddatum, hooguit {max_days} dagen vooruit."),
                format!("This purpose needs an end date, at most {max_days} days ahead."),
            ),
            ModelError::EndDateTooFar { max_days } => (
                WorkspaceField::EndsAt,
                format!("De einddatum ligt meer dan {max_days} dagen vooruit."),
                format!("The end date lies more than {max_days} days ahead."),
            ),
            ModelError::EndDatePassed => (
                WorkspaceField::EndsAt,
                "De einddatum is al voorbij.".to_string(),
                "The end date has passed.".to_string(),
            ),
            ModelError::UnknownPurpose(_) => (
                WorkspaceField::Purpose,
                "Kies een doel.".to_string(),
                "Choose a purpose.".to_string(),
            ),
            ModelError::EmptyField { field } => {
                let target = match *field {
                    "purpose description" => WorkspaceField::PurposeText,
                    "legal basis" => WorkspaceField::LegalBasis,
                    other => WorkspaceField::ALL
                        .into_iter()
                        .find(|candidate| candidate.name() == other)
                        .unwrap_or(WorkspaceField::Name),
                };
                (
                    target,
                    "Vul dit veld in.".to_string(),
                    "Fill in this field.".to_string(),
                )
            }
            ModelError::PurposeIsFixed => (
                WorkspaceField::Why,
                "Het doel verandert niet; maak voor een nieuw doel een nieuwe werkruimte."
                    .to_string(),
                "The purpose does not change; create a new workspace for a new purpose."
                    .to_string(),
            ),
            ModelError::ClosedWorkspace => (
                WorkspaceField::Why,
                "Een gesloten werkruimte wijzigt niet meer.".to_string(),
                "A closed workspace no longer changes.".to_string(),
            ),
            ModelError::NothingChanged => (
                WorkspaceField::Why,
                "Er is niets gewijzigd.".to_string(),
                "Nothing was changed.".to_string(),
            ),
            ModelError::NotRenewable => (
                WorkspaceField::Why,
                "Alleen een algemeen beeld openbare orde wordt verlengd.".to_string(),
                "Only a public order general picture is renewed.".to_string(),
            ),
            other => (WorkspaceField::Why, other.to_string(), other.to_string()),
        },
        ServiceError::AlreadyExists { .. } => (
            WorkspaceField::Name,
            "Er is al een werkruimte met deze naam.".to_string(),
            "A workspace with this name already exists.".to_string(),
        ),
        ServiceError::InvalidInput(message) => (
            WorkspaceField::Name,
            super::message_in(Language::Nl, message),
            super::message_in(Language::En, message),
        ),
        _ => return None,
    };
    Some(FieldError {
        field,
        message: pick(language, &dutch, &english),
    })
}

/// Creates a workspace from the form (admin): back to the overview, or the form again with the
/// errors next to their fields.
pub async fn create(page: PageRequest, State(state): State<AppState>, body: Bytes) -> Response {
    let result = async {
        page.require(Operation::CreateWorkspace)?;
        let principal = page.principal()?.clone();
        let form = form_of(&FormData::parse(&body));
        let render_errors = |status: StatusCode, errors: &[FieldError]| {
            page.html(
                status,
                workspace_form_page(&page.context(), WorkspaceFormMode::Create, &form, errors),
            )
        };
        let draft = match draft_of(page.language, &form) {
            Ok(draft) => draft,
            Err(errors) => return Ok(render_errors(StatusCode::BAD_REQUEST, &errors)),
        };
        let why = form.why.clone();
        let created = state
            .call(move |service| {
                Ok(service.create_workspace(
                    &principal.actor,
                    &principal.organisation,
                    &draft,
                    &why,
                ))
            })
            .await?;
        home_or_field_errors(page.language, created, render_errors)
    }
    .await;
    page.finish(result)
}

/// The settings of a workspace in the form (admin), prefilled. Name, purpose and end date are
/// fixed.
pub async fn settings(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Response {
    let result = async {
        page.require(Operation::EditWorkspace)?;
        let workspace = workspace_named(&page, &state, &name).await?;
        Ok(page.html(
            StatusCode::OK,
            workspace_form_page(
                &page.context(),
                WorkspaceFormMode::Edit {
                    name: &workspace.name,
                },
                &WorkspaceForm::from_workspace(&workspace),
                &[],
            ),
        ))
    }
    .await;
    page.finish(result)
}

/// The edit of a filled-in settings form against `current`, or the errors of its fields. Every
/// field is passed on; the model records only those that changed.
fn edit_of(language: Language, form: &WorkspaceForm) -> Result<WorkspaceEdit, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut error = |field, dutch: &str, english: &str| {
        errors.push(FieldError {
            field,
            message: pick(language, dutch, english),
        });
    };
    for (field, value) in [
        (WorkspaceField::PurposeText, &form.purpose_text),
        (WorkspaceField::LegalBasis, &form.legal_basis),
        (WorkspaceField::Why, &form.why),
    ] {
        if value.is_empty() {
            error(field, "Vul dit veld in.", "Fill in this field.");
        }
    }
    let mut number = |field, value: &str| match value.parse::<u32>() {
        Ok(number) if number > 0 => Some(number),
        _ => {
            error(
                field,
                "Vul een heel getal groter dan 0 in.",
                "Enter a whole number greater than 0.",
            );
            None
        }
    };
    let retention_posts = number(WorkspaceField::RetentionPosts, &form.retention_days_posts);
    let retention_aggregates = number(
        WorkspaceField::RetentionAggregates,
        &form.retention_days_aggregates,
    );
    let k = number(WorkspaceField::K, &form.k);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(WorkspaceEdit {
        purpose: None,
        purpose_text: Some(form.purpose_text.clone()),
        legal_basis: Some(form.legal_basis.clone()),
        lead: Some(form.lead.clone()),
        retention_days_posts: retention_posts,
        retention_days_aggregates: retention_aggregates,
        k,
        allowed_sources: Some(list(&form.allowed_sources)),
        own_accounts: Some(list(&form.own_accounts)),
        fg_contact: Some(form.fg_contact.clone()),
    })
}

/// Saves changed settings (admin): back to the overview (a widening change has put the workspace
/// back to draft for the FG), or the form again with the errors next to their fields.
pub async fn save(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        page.require(Operation::EditWorkspace)?;
        let principal = page.principal()?.clone();
        let workspace = workspace_named(&page, &state, &name).await?;
        let mut form = form_of(&FormData::parse(&body));
        form.name = workspace.name.clone();
        form.purpose = workspace.purpose.code().to_string();
        form.ends_at = workspace
            .ends_at
            .map(|end| end.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let render_errors = |status: StatusCode, errors: &[FieldError]| {
            page.html(
                status,
                workspace_form_page(
                    &page.context(),
                    WorkspaceFormMode::Edit {
                        name: &workspace.name,
                    },
                    &form,
                    errors,
                ),
            )
        };
        let edit = match edit_of(page.language, &form) {
            Ok(edit) => edit,
            Err(errors) => return Ok(render_errors(StatusCode::BAD_REQUEST, &errors)),
        };
        let why = form.why.clone();
        let workspace_name = workspace.name.clone();
        let edited = state
            .call(move |service| {
                Ok(service.edit_workspace(&principal.actor, &workspace_name, None, &edit, &why))
            })
            .await?;
        home_or_field_errors(page.language, edited, render_errors)
    }
    .await;
    page.finish(result)
}

/// The renewal form of a public-order picture (admin), with the current lead.
pub async fn renew_form(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Response {
    let result = async {
        page.require(Operation::RenewWorkspace)?;
        let workspace = workspace_named(&page, &state, &name).await?;
        let form = WorkspaceForm {
            ends_at: String::new(),
            ..WorkspaceForm::from_workspace(&workspace)
        };
        Ok(page.html(
            StatusCode::OK,
            workspace_form_page(
                &page.context(),
                WorkspaceFormMode::Renew {
                    name: &workspace.name,
                },
                &form,
                &[],
            ),
        ))
    }
    .await;
    page.finish(result)
}

/// Renews a public-order picture from the form (admin): new end date, lead and why; back to the
/// overview (the workspace is a draft awaiting the FG), or the form with the errors.
pub async fn renew(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        page.require(Operation::RenewWorkspace)?;
        let principal = page.principal()?.clone();
        let workspace = workspace_named(&page, &state, &name).await?;
        let typed = form_of(&FormData::parse(&body));
        let form = WorkspaceForm {
            ends_at: typed.ends_at,
            lead: typed.lead,
            why: typed.why,
            ..WorkspaceForm::from_workspace(&workspace)
        };
        let render_errors = |status: StatusCode, errors: &[FieldError]| {
            page.html(
                status,
                workspace_form_page(
                    &page.context(),
                    WorkspaceFormMode::Renew {
                        name: &workspace.name,
                    },
                    &form,
                    errors,
                ),
            )
        };
        let mut errors = Vec::new();
        let ends_at = end_of_day(&form.ends_at);
        if ends_at.is_none() {
            errors.push(FieldError {
                field: WorkspaceField::EndsAt,
                message: pick(
                    page.language,
                    "Vul een datum in als JJJJ-MM-DD.",
                    "Enter a date as YYYY-MM-DD.",
                ),
            });
        }
        for (field, value) in [
            (WorkspaceField::Lead, &form.lead),
            (WorkspaceField::Why, &form.why),
        ] {
            if value.is_empty() {
                errors.push(FieldError {
                    field,
                    message: pick(page.language, "Vul dit veld in.", "Fill in this field."),
                });
            }
        }
        let Some(ends_at) = ends_at.filter(|_| errors.is_empty()) else {
            return Ok(render_errors(StatusCode::BAD_REQUEST, &errors));
        };
        let (lead, why) = (form.lead.clone(), form.why.clone());
        let workspace_name = workspace.name.clone();
        let renewed = state
            .call(move |service| {
                Ok(service.renew_workspace(
                    &principal.actor,
                    &workspace_name,
                    None,
                    ends_at,
                    &lead,
                    &why,
                ))
            })
            .await?;
        home_or_field_errors(page.language, renewed, render_errors)
    }
    .await;
    page.finish(result)
}

/// A lifecycle step from a form (`status` = `approved`, `active` or `closed`, and `why`); the
/// service decides who may take which step.
pub async fn status(
    page: PageRequest,
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = async {
        let principal = page.principal()?.clone();
        let fields = FormData::parse(&body);
        let next = fields
            .get("status")
            .trim()
            .parse::<WorkspaceStatus>()
            .map_err(|error| ServiceError::InvalidInput(error.to_string()))?;
        let why = fields.get("why").trim().to_string();
        state
            .call(move |service| {
                service
                    .set_workspace_status(&principal.actor, &name, None, next, &why)
                    .map_err(ApiError::from)
            })
            .await?;
        let back = if page.may(Operation::ApproveWorkspace) {
            peil_web::paths::FG_CONSOLE
        } else {
            peil_web::paths::HOME
        };
        Ok(see_other(back))
    }
    .await;
    page.finish(result)
}
