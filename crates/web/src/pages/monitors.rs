//! The monitor editor: the workspace's monitors and a form to add one. Guard feedback without
//! JavaScript: the server runs the guard on submit and renders this page again with the guard's
//! acceptance or refusal next to the form, the typed values kept. With JavaScript, the small
//! vendored [`crate::MONITOR_CHECK_SCRIPT`] also shows the verdict while typing, in the polite
//! live region `#guard-live` under the query field; it never blocks submit (the server decides).

use peil_model::{Monitor, Workspace};
use peil_service::Operation;

use crate::escape::html;
use crate::i18n::{fill, Key};
use crate::layout::{csrf_field, date, header_row, may, page_with_script, Control, Field, Frame};
use crate::{paths, Language, PageContext, MONITOR_CHECK_SCRIPT};

/// The values typed into the monitor form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonitorForm {
    pub query: String,
    pub justification: String,
}

/// What the guard (and the purpose rules) said about the submitted monitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardFeedback {
    /// The monitor passed and was added.
    Accepted,
    /// The guard or the purpose rules refused it; the explanation in both languages, as
    /// `ServiceError::QueryRefused` carries it.
    Refused { dutch: String, english: String },
    /// Another problem (an unparsable query, a missing justification), already in the page's
    /// language.
    Invalid(String),
}

/// The monitors of `workspace` with the add form.
pub fn monitors_page(
    context: &PageContext,
    workspace: &Workspace,
    monitors: &[Monitor],
    form: &MonitorForm,
    feedback: Option<&GuardFeedback>,
) -> String {
    let title = fill(context.t(Key::MonitorsTitle), &[("name", &workspace.name)]);
    let mut body = format!("<h1>{}</h1>\n", html(&title));
    body.push_str(&format!("<p>{}</p>\n", context.t(Key::MonitorsIntro)));

    if may(context, Operation::AddMonitor) {
        let (query_error, justification_error) = match feedback {
            Some(GuardFeedback::Refused { dutch, english }) => {
                let message = match context.language {
                    Language::Nl => dutch.as_str(),
                    Language::En => english.as_str(),
                };
                (Some(message), None)
            }
            Some(GuardFeedback::Invalid(message)) => (Some(message.as_str()), None),
            _ => (None, None::<&str>),
        };
        body.push_str("<section class=\"peil-section\" aria-labelledby=\"monitor-form-title\">\n");
        body.push_str(&format!(
            "<h2 id=\"monitor-form-title\">{}</h2>\n",
            context.t(Key::AddMonitor)
        ));
        // The guard's verdict, announced when the page loads after a submit.
        body.push_str("<div id=\"guard-feedback\" class=\"peil-guard-feedback\">\n");
        match feedback {
            Some(GuardFeedback::Accepted) => body.push_str(&format!(
                "<div class=\"peil-notice peil-notice--success\" role=\"status\"><p>{}</p></div>\n",
                context.t(Key::GuardAccepted)
            )),
            Some(GuardFeedback::Refused { .. }) | Some(GuardFeedback::Invalid(_)) => {
                body.push_str(&format!(
                    "<div class=\"peil-notice peil-notice--error\" role=\"alert\"><p><strong>{}</strong>: {}</p></div>\n",
                    context.t(Key::GuardRefused),
                    html(query_error.unwrap_or_default())
                ))
            }
            None => {}
        }
        body.push_str("</div>\n");
        body.push_str(&format!(
            "<form class=\"peil-form\" method=\"post\" action=\"{}#guard-feedback\" data-check-url=\"{}\">\n{}\n",
            html(&paths::monitors(&workspace.name)),
            html(&paths::monitor_check_api(workspace.id)),
            csrf_field(context)
        ));
        body.push_str(
            &Field {
                id: "monitor-query",
                name: "query",
                label: context.t(Key::MonitorQuery),
                help: Some(context.t(Key::MonitorQueryHelp)),
                required: true,
                error: query_error,
                control: Control::TextArea {
                    value: &form.query,
                    rows: 3,
                },
            }
            .render(context),
        );
        // The live verdict while typing (filled by the script, as text); empty without it.
        body.push_str(&format!(
            "<div id=\"guard-live\" class=\"peil-guard-live\" aria-live=\"polite\" data-accepted=\"{}\" data-refused=\"{}\" data-unavailable=\"{}\"></div>\n",
            html(context.t(Key::GuardLiveAccepted)),
            html(context.t(Key::GuardLiveRefused)),
            html(context.t(Key::GuardLiveUnavailable))
        ));
        body.push_str(
            &Field {
                id: "monitor-justification",
                name: "justification",
                label: context.t(Key::MonitorWhy),
                help: Some(context.t(Key::MonitorWhyHelp)),
                required: true,
                error: justification_error,
                control: Control::TextArea {
                    value: &form.justification,
                    rows: 3,
                },
            }
            .render(context),
        );
        body.push_str(&format!(
            "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</form>\n</section>\n",
            context.t(Key::AddMonitor)
        ));
    }

    body.push_str("<section class=\"peil-section\" aria-labelledby=\"monitor-list-title\">\n");
    body.push_str(&format!(
        "<h2 id=\"monitor-list-title\">{}</h2>\n",
        context.t(Key::ExistingMonitors)
    ));
    if monitors.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", context.t(Key::NoMonitors)));
    } else {
        body.push_str("<div class=\"peil-table-wrapper\">\n<table class=\"utrecht-table\">\n");
        body.push_str(&format!(
            "<caption>{}</caption>\n",
            html(context.t(Key::ExistingMonitors))
        ));
        body.push_str(&header_row(&[
            context.t(Key::ColQuery),
            context.t(Key::ColJustification),
            context.t(Key::ColActive),
            context.t(Key::ColCreated),
        ]));
        body.push_str("<tbody>\n");
        for monitor in monitors {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                html(&monitor.query),
                html(&monitor.justification),
                context.t(if monitor.active { Key::Yes } else { Key::No }),
                date(&monitor.created_at)
            ));
        }
        body.push_str("</tbody>\n</table>\n</div>\n");
    }
    body.push_str("</section>\n");
    // The script only where it has a form to serve.
    let script = may(context, Operation::AddMonitor).then_some(MONITOR_CHECK_SCRIPT);
    page_with_script(context, &title, &body, Frame::Full, script)
}
