//! The data protection officer's screens: the console (workspaces awaiting approval with the
//! approve form, links to the generated documents), the audit log with its verification, the
//! data-subject lookup (the handle is used once and never shown, logged or audited) and the
//! generated documents.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use peil_service::{
    DataSubject, DocumentFormat, DocumentKind, DocumentLanguage, Operation, ServiceError,
};
use peil_web::{
    audit_log_page_paged, audit_page_of, fg_console_page, subject_request_page, transparency_page,
    DocumentLink, Language, SubjectRequestView, AUDIT_PAGE_SIZE,
};

use super::public::document_language;
use super::workspaces::summaries;
use super::{message_in, pick, query_parameter, FormData, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/fg", get(console)),
        Route::new(Method::GET, "/fg/audit", get(audit)),
        Route::new(Method::POST, "/fg/audit", post(verify)),
        Route::new(Method::GET, "/fg/subject-requests", get(subject_form)),
        Route::new(Method::POST, "/fg/subject-requests", post(subject_lookup)),
        Route::new(Method::GET, "/fg/documents/{kind}", get(document)),
    ]
}

/// The FG console.
pub async fn console(page: PageRequest, State(state): State<AppState>) -> Response {
    let result = async {
        page.require(Operation::ApproveWorkspace)?;
        let workspaces = summaries(&page, &state).await?;
        Ok(page.html(
            StatusCode::OK,
            fg_console_page(&page.context(), &workspaces, &DocumentLink::all()),
        ))
    }
    .await;
    page.finish(result)
}

async fn audit_page(
    page: &PageRequest,
    state: &AppState,
    verify: bool,
    before: Option<u64>,
) -> Result<Response, ApiError> {
    let actor = page.principal()?.actor.clone();
    let key_dir = state.key_dir.clone();
    let (entries, report) = state
        .call(move |service| {
            let report = if verify {
                // As the API: verification reads only the log files; the role check and the
                // audit entry follow in `record_audit_verification`.
                let report =
                    peil_service::verify_audit(service.data_dir(), key_dir.as_deref(), None)?;
                service.record_audit_verification(&actor, &report)?;
                Some(report)
            } else {
                None
            };
            let entries = service.audit_entries(&actor)?;
            Ok((entries, report))
        })
        .await?;
    let audit_page = audit_page_of(entries, before, Some(AUDIT_PAGE_SIZE));
    Ok(page.html(
        StatusCode::OK,
        audit_log_page_paged(&page.context(), &audit_page, report.as_ref()),
    ))
}

/// The audit log, one page (`?before=INDEX`: the page of entries older than INDEX; a value that
/// is not a number shows the newest page).
pub async fn audit(
    page: PageRequest,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let before = query_parameter(query.as_deref(), "before").and_then(|value| value.parse().ok());
    let result = audit_page(&page, &state, false, before).await;
    page.finish(result)
}

/// The audit log after verifying it.
pub async fn verify(page: PageRequest, State(state): State<AppState>) -> Response {
    let result = audit_page(&page, &state, true, None).await;
    page.finish(result)
}

/// The data-subject lookup form.
pub async fn subject_form(page: PageRequest) -> Response {
    let result = page.require(Operation::SubjectLookup).map(|()| {
        page.html(
            StatusCode::OK,
            subject_request_page(&page.context(), &SubjectRequestView::default()),
        )
    });
    page.finish(result)
}

/// Looks up which workspaces hold posts by the person (counts only). The handle is never
/// rendered again, logged or written to the audit log.
pub async fn subject_lookup(
    page: PageRequest,
    State(state): State<AppState>,
    body: Bytes,
) -> Response {
    let result = async {
        page.require(Operation::SubjectLookup)?;
        let principal = page.principal()?.clone();
        let fields = FormData::parse(&body);
        let platform = fields.get("platform").trim().to_string();
        let handle = fields.get("handle").trim().to_string();
        let mut view = SubjectRequestView {
            platform: platform.clone(),
            holdings: None,
            error: None,
        };
        if platform.is_empty() || handle.is_empty() {
            view.error = Some(pick(
                page.language,
                "Noem het platform en de handle of het auteur-id.",
                "Name the platform and the handle or author id.",
            ));
            return Ok(page.html(
                StatusCode::BAD_REQUEST,
                subject_request_page(&page.context(), &view),
            ));
        }
        let subject = DataSubject {
            platform,
            handles: vec![handle],
            author_ids: Vec::new(),
        };
        let looked_up = state
            .call(move |service| {
                Ok(service.subject_lookup(&principal.actor, &principal.organisation, &subject))
            })
            .await?;
        match looked_up {
            Ok(holdings) => {
                view.holdings = Some(holdings);
                Ok(page.html(StatusCode::OK, subject_request_page(&page.context(), &view)))
            }
            Err(ServiceError::InvalidInput(message)) => {
                view.error = Some(message_in(page.language, &message));
                Ok(page.html(
                    StatusCode::BAD_REQUEST,
                    subject_request_page(&page.context(), &view),
                ))
            }
            Err(error) => Err(error.into()),
        }
    }
    .await;
    page.finish(result)
}

/// A generated document (DPIA draft, register entry, algorithm register, transparency page)
/// of the principal's organisation, in Peil's frame. Documents generated in Dutch only are
/// shown in Dutch.
pub async fn document(
    page: PageRequest,
    State(state): State<AppState>,
    Path(kind): Path<String>,
) -> Response {
    let result = async {
        let kind: DocumentKind = kind.parse().map_err(|_| ServiceError::NotFound {
            what: "document",
            name: kind.clone(),
        })?;
        let mut language = document_language(page.language);
        if !kind.languages().contains(&language) {
            language = DocumentLanguage::Nl;
        }
        let principal = page.principal()?.clone();
        let html = state
            .call(move |service| {
                service
                    .generate_document(
                        &principal.actor,
                        &principal.organisation,
                        kind,
                        language,
                        DocumentFormat::Html,
                    )
                    .map_err(ApiError::from)
            })
            .await?;
        let mut context = page.context();
        context.language = match language {
            DocumentLanguage::Nl => Language::Nl,
            DocumentLanguage::En => Language::En,
        };
        let framed = transparency_page(&context, &html)
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        Ok(page.html(StatusCode::OK, framed))
    }
    .await;
    page.finish(result)
}
