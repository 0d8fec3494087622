//! The data protection officer's console: workspaces awaiting approval (approve form with the
//! "why" note), generated documents, the audit log with its verification result, and
//! data-subject requests (counts only; the handle is never shown again).

use peil_audit::{IndexedEntry, VerificationReport};
use peil_model::WorkspaceStatus;
use peil_service::{DocumentKind, Operation, SubjectHolding, WorkspaceSummary};

use crate::escape::html;
use crate::i18n::{fill, Key};
use crate::layout::{csrf_field, date, date_time, header_row, may, page, Control, Field, Frame};
use crate::pages::{purpose_label, status_label};
use crate::{paths, PageContext};

/// A link to a generated document, as the console lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentLink {
    pub kind: DocumentKind,
}

impl DocumentLink {
    /// Every document Peil generates.
    pub fn all() -> Vec<DocumentLink> {
        DocumentKind::ALL
            .into_iter()
            .map(|kind| DocumentLink { kind })
            .collect()
    }

    fn label(self) -> Key {
        match self.kind {
            DocumentKind::Dpia => Key::DocDpia,
            DocumentKind::Register => Key::DocRegister,
            DocumentKind::AlgorithmRegister => Key::DocAlgorithm,
            DocumentKind::Transparency => Key::DocTransparency,
        }
    }
}

/// The FG console: of `workspaces`, those in `draft` await approval; `documents` are linked.
pub fn fg_console_page(
    context: &PageContext,
    workspaces: &[WorkspaceSummary],
    documents: &[DocumentLink],
) -> String {
    let t = |key| context.t(key);
    let title = t(Key::FgTitle);
    let mut body = format!("<h1>{}</h1>\n<p>{}</p>\n", html(title), t(Key::FgIntro));

    body.push_str(&format!(
        "<section class=\"peil-section\" aria-labelledby=\"pending-title\">\n<h2 id=\"pending-title\">{}</h2>\n",
        t(Key::PendingTitle)
    ));
    let pending: Vec<&WorkspaceSummary> = workspaces
        .iter()
        .filter(|summary| summary.workspace.status == WorkspaceStatus::Draft)
        .collect();
    if pending.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", t(Key::NoPending)));
    }
    for (index, summary) in pending.iter().enumerate() {
        let workspace = &summary.workspace;
        body.push_str(&format!(
            "<article class=\"peil-card\" aria-labelledby=\"pending-{index}\">\n<h3 id=\"pending-{index}\">{}</h3>\n<dl class=\"peil-facts\">\n",
            html(&workspace.name)
        ));
        let facts = [
            (
                t(Key::ColStatus),
                status_label(context, workspace.status).to_string(),
            ),
            (
                t(Key::FieldPurpose),
                purpose_label(context, workspace.purpose).to_string(),
            ),
            (t(Key::FieldPurposeText), workspace.purpose_text.clone()),
            (t(Key::FieldLegalBasis), workspace.legal_basis.clone()),
            (
                t(Key::FieldLead),
                workspace
                    .lead
                    .clone()
                    .unwrap_or_else(|| t(Key::None_).to_string()),
            ),
            (t(Key::FieldK), workspace.k.to_string()),
            (
                t(Key::ColRetention),
                fill(
                    t(Key::RetentionValue),
                    &[
                        ("posts", &workspace.retention_days_posts.to_string()),
                        (
                            "aggregates",
                            &workspace.retention_days_aggregates.to_string(),
                        ),
                    ],
                ),
            ),
            (
                t(Key::FieldEndsAt),
                workspace
                    .ends_at
                    .as_ref()
                    .map(date)
                    .unwrap_or_else(|| t(Key::None_).to_string()),
            ),
            (
                t(Key::FieldSources),
                if workspace.allowed_sources.is_empty() {
                    "*".to_string()
                } else {
                    workspace.allowed_sources.join(", ")
                },
            ),
        ];
        for (label, value) in facts {
            body.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>\n",
                html(label),
                html(&value)
            ));
        }
        body.push_str("</dl>\n");
        if may(context, Operation::ApproveWorkspace) {
            let legend = fill(t(Key::ApproveLegend), &[("name", &workspace.name)]);
            body.push_str(&format!(
                "<form class=\"peil-form\" method=\"post\" action=\"{}\">\n{}\n<input type=\"hidden\" name=\"status\" value=\"approved\">\n<fieldset class=\"peil-fieldset\">\n<legend>{}</legend>\n",
                html(&paths::workspace_status(&workspace.name)),
                csrf_field(context),
                html(&legend)
            ));
            body.push_str(
                &Field {
                    id: &format!("approve-why-{index}"),
                    name: "why",
                    label: t(Key::ApproveWhy),
                    help: Some(t(Key::ApproveWhyHelp)),
                    required: true,
                    error: None,
                    control: Control::TextArea { value: "", rows: 2 },
                }
                .render(context),
            );
            body.push_str(&format!(
                "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</fieldset>\n</form>\n",
                t(Key::ApproveButton)
            ));
        }
        body.push_str("</article>\n");
    }
    body.push_str("</section>\n");

    body.push_str(&format!(
        "<section class=\"peil-section\" aria-labelledby=\"documents-title\">\n<h2 id=\"documents-title\">{}</h2>\n<ul>\n",
        t(Key::DocumentsTitle)
    ));
    for document in documents {
        body.push_str(&format!(
            "<li><a href=\"{}?lang={}\">{}</a></li>\n",
            html(&paths::document(document.kind.code())),
            context.language.code(),
            t(document.label())
        ));
    }
    body.push_str("</ul>\n</section>\n");
    body.push_str(&format!(
        "<p><a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></p>\n",
        paths::FG_AUDIT,
        t(Key::NavAudit),
        paths::FG_SUBJECT_REQUESTS,
        t(Key::NavSubjectRequests)
    ));
    page(context, title, &body, Frame::Full)
}

/// Entries per page of the audit screen.
pub const AUDIT_PAGE_SIZE: usize = 50;

/// One page of the audit log: the newest `limit` entries with an index below `before`, with the
/// way to the next older and newer page. Shared by the screen and `GET /api/v1/audit/entries`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditPage {
    /// The entries of the page, oldest first.
    pub entries: Vec<IndexedEntry>,
    /// `before` of the next older page (`None`: this page holds the oldest entry).
    pub older: Option<u64>,
    /// The next newer page: `Some(None)` is the newest page (no `before`), `Some(Some(n))` the
    /// page before `n`; `None`: this is the newest page.
    pub newer: Option<Option<u64>>,
}

/// The page of `entries` (any order) before index `before` (all when `None`) holding at most
/// `limit` entries (all when `None`).
pub fn audit_page_of(
    mut entries: Vec<IndexedEntry>,
    before: Option<u64>,
    limit: Option<usize>,
) -> AuditPage {
    entries.sort_by_key(|entry| entry.index);
    let end = before.map_or(entries.len(), |before| {
        entries.partition_point(|entry| entry.index < before)
    });
    let limit = limit.unwrap_or(entries.len()).max(1);
    let start = end.saturating_sub(limit);
    let older = entries
        .get(start)
        .filter(|_| start > 0)
        .map(|entry| entry.index);
    let newer = (end < entries.len()).then(|| entries.get(end + limit).map(|entry| entry.index));
    entries.truncate(end);
    entries.drain(..start);
    AuditPage {
        entries,
        older,
        newer,
    }
}

/// The audit log, newest first, with the result of a verification when one was run.
pub fn audit_log_page(
    context: &PageContext,
    entries: &[IndexedEntry],
    verification: Option<&VerificationReport>,
) -> String {
    let page = AuditPage {
        entries: entries.to_vec(),
        older: None,
        newer: None,
    };
    audit_log_page_paged(context, &page, verification)
}

/// One page of the audit log, newest first, with links to the older and newer pages.
pub fn audit_log_page_paged(
    context: &PageContext,
    audit_page: &AuditPage,
    verification: Option<&VerificationReport>,
) -> String {
    let entries = &audit_page.entries;
    let t = |key| context.t(key);
    let title = t(Key::AuditTitle);
    let mut body = format!("<h1>{}</h1>\n<p>{}</p>\n", html(title), t(Key::AuditIntro));
    match verification {
        Some(report) if report.is_valid() => {
            body.push_str(&format!(
                "<div class=\"peil-notice peil-notice--success\" role=\"status\"><p>{}</p></div>\n",
                html(&fill(
                    t(Key::AuditValid),
                    &[
                        ("verified", &report.entries_verified.to_string()),
                        ("entries", &report.entries_in_log.to_string()),
                        ("checkpoints", &report.checkpoints_verified.to_string()),
                    ]
                ))
            ));
        }
        Some(report) => {
            let count = report.problems.len() as u64 + report.problems_not_listed;
            body.push_str(&format!(
                "<div class=\"peil-notice peil-notice--error\" role=\"alert\"><p>{}</p></div>\n",
                html(&fill(
                    t(Key::AuditInvalid),
                    &[("count", &count.to_string())]
                ))
            ));
            body.push_str(&format!(
                "<table class=\"utrecht-table\">\n<caption>{}</caption>\n",
                t(Key::ProblemsCaption)
            ));
            body.push_str(&header_row(&[
                t(Key::ColProblemFile),
                t(Key::ColProblemLine),
                t(Key::ColProblem),
            ]));
            body.push_str("<tbody>\n");
            for problem in &report.problems {
                body.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
                    html(&problem.file),
                    problem
                        .line
                        .map(|line| line.to_string())
                        .unwrap_or_default(),
                    html(&problem.message)
                ));
            }
            body.push_str("</tbody>\n</table>\n");
        }
        None => body.push_str(&format!(
            "<div class=\"peil-notice peil-notice--info\" role=\"status\"><p>{}</p></div>\n",
            t(Key::AuditNotVerified)
        )),
    }
    if may(context, Operation::VerifyAudit) {
        body.push_str(&format!(
            "<form class=\"peil-form\" method=\"post\" action=\"{}\">\n{}\n<input type=\"hidden\" name=\"verify\" value=\"1\">\n<button type=\"submit\" class=\"utrecht-button utrecht-button--secondary-action\">{}</button>\n</form>\n",
            paths::FG_AUDIT,
            csrf_field(context),
            t(Key::AuditVerifyButton)
        ));
    }
    if entries.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", t(Key::NoAuditEntries)));
        return page(context, title, &body, Frame::Full);
    }
    let mut ordered: Vec<&IndexedEntry> = entries.iter().collect();
    ordered.sort_by_key(|entry| std::cmp::Reverse(entry.index));
    body.push_str(&format!(
        "<div class=\"peil-table-wrapper\">\n<table class=\"utrecht-table peil-audit\">\n<caption>{}</caption>\n",
        t(Key::AuditCaption)
    ));
    body.push_str(&header_row(&[
        t(Key::ColIndex),
        t(Key::ColTime),
        t(Key::ColAction),
        t(Key::ColObject),
        t(Key::ColResult),
        t(Key::ColActor),
        t(Key::ColOrigin),
        t(Key::ColDetail),
    ]));
    body.push_str("<tbody>\n");
    for indexed in ordered {
        let entry = &indexed.entry;
        body.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td><span class=\"peil-result peil-result--{}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            indexed.index,
            date_time(&entry.at),
            entry.action.code(),
            html(&entry.object),
            entry.result.code(),
            entry.result.code(),
            html(&entry.actor),
            html(&entry.origin),
            entry.detail.as_deref().map(html).unwrap_or_default()
        ));
    }
    body.push_str("</tbody>\n</table>\n</div>\n");
    body.push_str(&audit_pagination(context, audit_page));
    page(context, title, &body, Frame::Full)
}

/// The links to the newer and older pages of the audit log (none when everything fits).
fn audit_pagination(context: &PageContext, audit_page: &AuditPage) -> String {
    let t = |key| context.t(key);
    let mut links = Vec::new();
    if let Some(newer) = audit_page.newer {
        let href = match newer {
            Some(before) => format!("{}?before={before}", paths::FG_AUDIT),
            None => paths::FG_AUDIT.to_string(),
        };
        links.push(format!(
            "<li><a href=\"{}\" rel=\"prev\">{}</a></li>",
            html(&href),
            t(Key::AuditNewer)
        ));
    }
    if let Some(older) = audit_page.older {
        links.push(format!(
            "<li><a href=\"{}?before={older}\" rel=\"next\">{}</a></li>",
            paths::FG_AUDIT,
            t(Key::AuditOlder)
        ));
    }
    if links.is_empty() {
        return String::new();
    }
    format!(
        "<nav class=\"peil-pagination\" aria-label=\"{}\">\n<ul>\n{}\n</ul>\n</nav>\n",
        html(t(Key::AuditPagination)),
        links.join("\n")
    )
}

/// What the data-subject request page shows. The handle typed by the FG is deliberately absent:
/// it is used once to count and never rendered again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubjectRequestView {
    /// The platform as typed (not personal data).
    pub platform: String,
    /// The result of a lookup, when one was made.
    pub holdings: Option<Vec<SubjectHolding>>,
    /// A message about the request (missing platform or handle), in the page's language.
    pub error: Option<String>,
}

/// The data-subject request page: a lookup form and, after a lookup, counts per workspace.
pub fn subject_request_page(context: &PageContext, view: &SubjectRequestView) -> String {
    let t = |key| context.t(key);
    let title = t(Key::SubjectTitle);
    let mut body = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        html(title),
        t(Key::SubjectIntro)
    );
    body.push_str(&format!(
        "<form class=\"peil-form\" method=\"post\" action=\"{}\" autocomplete=\"off\">\n{}\n",
        paths::FG_SUBJECT_REQUESTS,
        csrf_field(context)
    ));
    body.push_str(
        &Field {
            id: "subject-platform",
            name: "platform",
            label: t(Key::Platform),
            help: Some(t(Key::PlatformHelp)),
            required: true,
            error: None,
            control: Control::Input {
                input_type: "text",
                value: &view.platform,
                autocomplete: Some("off"),
                extra: "",
            },
        }
        .render(context),
    );
    body.push_str(
        &Field {
            id: "subject-handle",
            name: "handle",
            label: t(Key::Handle),
            help: Some(t(Key::HandleHelp)),
            required: true,
            error: view.error.as_deref(),
            control: Control::Input {
                input_type: "text",
                value: "",
                autocomplete: Some("off"),
                extra: " spellcheck=\"false\"",
            },
        }
        .render(context),
    );
    body.push_str(&format!(
        "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</form>\n",
        t(Key::LookUp)
    ));
    if let Some(holdings) = &view.holdings {
        let holding: Vec<&SubjectHolding> = holdings
            .iter()
            .filter(|holding| holding.posts > 0)
            .collect();
        if holding.is_empty() {
            body.push_str(&format!(
                "<div class=\"peil-notice peil-notice--info\" role=\"status\"><p>{}</p></div>\n",
                t(Key::SubjectNone)
            ));
        } else {
            body.push_str(&format!(
                "<table class=\"utrecht-table\">\n<caption>{}</caption>\n",
                t(Key::SubjectResultCaption)
            ));
            body.push_str(&header_row(&[
                t(Key::ColWorkspace),
                t(Key::ColPosts),
                t(Key::ColLiveKeys),
            ]));
            body.push_str("<tbody>\n");
            for entry in holding {
                body.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
                    html(&entry.workspace_name),
                    entry.posts,
                    entry.live_keys_searched
                ));
            }
            body.push_str("</tbody>\n</table>\n");
        }
    }
    page(context, title, &body, Frame::Full)
}
