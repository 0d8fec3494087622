//! The organisation overview: the workspaces with status, purpose, k, retention, end date and
//! number of stored posts.

use peil_model::WorkspaceStatus;
use peil_service::{Operation, WorkspaceSummary};

use crate::escape::html;
use crate::i18n::{fill, Key};
use crate::layout::{date, header_row, may, page, Frame};
use crate::pages::{purpose_label, status_label};
use crate::{paths, PageContext};

/// The overview of `organisation`'s workspaces (as `Service::workspaces` lists them).
pub fn overview_page(
    context: &PageContext,
    organisation: &str,
    workspaces: &[WorkspaceSummary],
) -> String {
    let title = context.t(Key::OverviewTitle);
    let mut body = format!("<h1>{}</h1>\n", html(title));
    body.push_str(&format!("<p>{}</p>\n", context.t(Key::OverviewIntro)));
    if may(context, Operation::CreateWorkspace) {
        body.push_str(&format!(
            "<p><a class=\"utrecht-button-link utrecht-button-link--primary-action\" href=\"{}\">{}</a></p>\n",
            paths::NEW_WORKSPACE,
            context.t(Key::NavNewWorkspace)
        ));
    }
    if workspaces.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", context.t(Key::NoWorkspaces)));
        return page(context, title, &body, Frame::Full);
    }
    body.push_str("<div class=\"peil-table-wrapper\">\n<table class=\"utrecht-table\">\n");
    body.push_str(&format!(
        "<caption>{}</caption>\n",
        html(&fill(
            context.t(Key::WorkspacesCaption),
            &[("organisation", organisation)]
        ))
    ));
    body.push_str(&header_row(&[
        context.t(Key::ColName),
        context.t(Key::ColStatus),
        context.t(Key::ColPurpose),
        context.t(Key::ColK),
        context.t(Key::ColRetention),
        context.t(Key::ColEndDate),
        context.t(Key::ColPosts),
        context.t(Key::ColActions),
    ]));
    body.push_str("<tbody>\n");
    for summary in workspaces {
        let workspace = &summary.workspace;
        let retention = fill(
            context.t(Key::RetentionValue),
            &[
                ("posts", &workspace.retention_days_posts.to_string()),
                (
                    "aggregates",
                    &workspace.retention_days_aggregates.to_string(),
                ),
            ],
        );
        let end = workspace
            .ends_at
            .as_ref()
            .map(date)
            .unwrap_or_else(|| context.t(Key::None_).to_string());
        let mut actions = Vec::new();
        if may(context, Operation::Query) {
            actions.push(format!(
                "<a href=\"{}\">{}</a>",
                html(&paths::dashboard(&workspace.name)),
                context.t(Key::LinkDashboard)
            ));
        }
        if may(context, Operation::ListMonitors) {
            actions.push(format!(
                "<a href=\"{}\">{}</a>",
                html(&paths::monitors(&workspace.name)),
                context.t(Key::LinkMonitors)
            ));
        }
        if may(context, Operation::EditWorkspace) && workspace.status != WorkspaceStatus::Closed {
            actions.push(format!(
                "<a href=\"{}\">{}</a>",
                html(&paths::workspace(&workspace.name)),
                context.t(Key::LinkSettings)
            ));
        }
        if may(context, Operation::RenewWorkspace)
            && workspace.purpose.requires_lead()
            && workspace.status != WorkspaceStatus::Closed
        {
            actions.push(format!(
                "<a href=\"{}\">{}</a>",
                html(&paths::workspace_renew(&workspace.name)),
                context.t(Key::LinkRenew)
            ));
        }
        body.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td><span class=\"peil-status peil-status--{}\">{}</span></td><td>{}<br><span class=\"peil-muted\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><ul class=\"peil-actions\">{}</ul></td></tr>\n",
            html(&workspace.name),
            workspace.status.code(),
            status_label(context, workspace.status),
            purpose_label(context, workspace.purpose),
            html(&workspace.purpose_text),
            workspace.k,
            html(&retention),
            html(&end),
            summary.posts,
            actions
                .iter()
                .map(|action| format!("<li>{action}</li>"))
                .collect::<String>()
        ));
    }
    body.push_str("</tbody>\n</table>\n</div>\n");
    page(context, title, &body, Frame::Full)
}
