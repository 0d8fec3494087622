//! The webcare inbox: messages addressed to the organisation's own accounts in a
//! `communication_webcare` workspace, newest first, each with the link that opens it at the
//! source ("Open om te beantwoorden") and a form to mark it answered or closed with a why note.
//! Only the webcare role reaches this screen (the server and the service check it).

use peil_service::{WebcareInbox, WebcareStatus};

use crate::escape::{html, path_segment};
use crate::i18n::{fill, Key};
use crate::layout::{csrf_field, date_time, page, Control, Field, Frame, Notice};
use crate::{paths, PageContext};

/// The screen's data: the webcare workspaces of the organisation and the inbox of the chosen one.
#[derive(Debug, Clone, Default)]
pub struct WebcareView {
    /// Names of the organisation's `communication_webcare` workspaces.
    pub workspaces: Vec<String>,
    /// The inbox of the chosen workspace (none when the organisation has no webcare workspace).
    pub inbox: Option<WebcareInbox>,
    /// What the last action did.
    pub notice: Option<Notice>,
}

fn status_text(context: &PageContext, status: WebcareStatus) -> &'static str {
    context.t(match status {
        WebcareStatus::Open => Key::WebcareStatusOpen,
        WebcareStatus::Answered => Key::WebcareStatusAnswered,
        WebcareStatus::Closed => Key::WebcareStatusClosed,
    })
}

/// A link that may go into `href`: http(s) only (the service stores nothing else; checked again).
fn safe_link(link: &str) -> Option<&str> {
    (link.starts_with("https://") || link.starts_with("http://")).then_some(link)
}

/// The inbox page of `workspace` with `page` (1-based).
fn inbox_path(workspace: &str, page: usize) -> String {
    let mut path = format!(
        "{}?workspace={}",
        paths::WEBCARE_INBOX,
        path_segment(workspace)
    );
    if page > 1 {
        path.push_str(&format!("&page={page}"));
    }
    path
}

/// The webcare inbox screen.
pub fn webcare_page(context: &PageContext, view: &WebcareView) -> String {
    let t = |key| context.t(key);
    let title = t(Key::NavInbox);
    let mut body = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        html(title),
        t(Key::WebcareIntro)
    );
    if let Some(notice) = &view.notice {
        body.push_str(&notice.render());
    }
    if view.workspaces.len() > 1 {
        body.push_str(&format!(
            "<nav aria-label=\"{}\"><ul class=\"peil-actions\">\n",
            html(t(Key::WebcareWorkspaces))
        ));
        for name in &view.workspaces {
            let current = view
                .inbox
                .as_ref()
                .is_some_and(|inbox| &inbox.workspace == name);
            body.push_str(&format!(
                "<li><a class=\"utrecht-link\" href=\"{}\"{}>{}</a></li>\n",
                html(&inbox_path(name, 1)),
                if current {
                    " aria-current=\"page\""
                } else {
                    ""
                },
                html(name)
            ));
        }
        body.push_str("</ul></nav>\n");
    }
    let Some(inbox) = &view.inbox else {
        body.push_str(&format!("<p>{}</p>\n", t(Key::WebcareNoWorkspace)));
        return page(context, title, &body, Frame::Full);
    };
    body.push_str("<section class=\"peil-section\" aria-labelledby=\"webcare-messages-title\">\n");
    body.push_str(&format!(
        "<h2 id=\"webcare-messages-title\">{}</h2>\n<p>{}</p>\n",
        html(&fill(
            t(Key::WebcareMessagesTitle),
            &[("name", &inbox.workspace)]
        )),
        html(&fill(
            t(Key::WebcareCounts),
            &[
                ("open", &inbox.open.to_string()),
                ("total", &inbox.total.to_string())
            ]
        ))
    ));
    if inbox.messages.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", t(Key::WebcareEmpty)));
    }
    for message in &inbox.messages {
        let id = message.id;
        body.push_str(&format!(
            "<article class=\"peil-card\" aria-labelledby=\"message-{id}\">\n<h3 id=\"message-{id}\">{} · {}</h3>\n",
            html(&date_time(&message.published_at)),
            html(&message.source)
        ));
        body.push_str(&format!(
            "<blockquote class=\"peil-quote\" lang=\"{}\"><p>{}</p></blockquote>\n",
            html(message.language.code()),
            html(&message.text)
        ));
        body.push_str(&format!(
            "<dl class=\"peil-facts\">\n<dt>{}</dt><dd>{}</dd>\n",
            html(t(Key::ColStatus)),
            html(status_text(context, message.status))
        ));
        if let Some(handled_at) = &message.handled_at {
            body.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>\n",
                html(t(Key::WebcareHandledAt)),
                html(&date_time(handled_at))
            ));
        }
        body.push_str("</dl>\n");
        if let Some(link) = safe_link(&message.answer_link) {
            body.push_str(&format!(
                "<p><a class=\"utrecht-link\" href=\"{}\" rel=\"noopener noreferrer\" aria-describedby=\"message-{id}\">{}</a></p>\n",
                html(link),
                t(Key::WebcareOpenToAnswer)
            ));
        }
        if message.status != WebcareStatus::Closed {
            let field_id = format!("why-{id}");
            body.push_str(&format!(
                "<form class=\"peil-form\" method=\"post\" action=\"{}\">\n{}\n<input type=\"hidden\" name=\"workspace\" value=\"{}\">\n<input type=\"hidden\" name=\"message\" value=\"{id}\">\n",
                html(paths::WEBCARE_INBOX),
                csrf_field(context),
                html(&inbox.workspace)
            ));
            body.push_str(
                &Field {
                    id: &field_id,
                    name: "why",
                    label: t(Key::WebcareWhy),
                    help: None,
                    required: true,
                    error: None,
                    control: Control::Input {
                        input_type: "text",
                        value: "",
                        autocomplete: Some("off"),
                        extra: "",
                    },
                }
                .render(context),
            );
            if message.status == WebcareStatus::Open {
                body.push_str(&format!(
                    "<button type=\"submit\" name=\"status\" value=\"answered\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n",
                    t(Key::WebcareMarkAnswered)
                ));
            }
            body.push_str(&format!(
                "<button type=\"submit\" name=\"status\" value=\"closed\" class=\"utrecht-button utrecht-button--secondary-action\">{}</button>\n</form>\n",
                t(Key::WebcareMarkClosed)
            ));
        }
        body.push_str("</article>\n");
    }
    let pages = (inbox.total as usize).div_ceil(inbox.page_size.max(1));
    if pages > 1 {
        body.push_str(&format!(
            "<nav aria-label=\"{}\"><ul class=\"peil-actions\">\n",
            html(t(Key::WebcarePages))
        ));
        if inbox.page > 1 {
            body.push_str(&format!(
                "<li><a class=\"utrecht-link\" href=\"{}\">{}</a></li>\n",
                html(&inbox_path(&inbox.workspace, inbox.page - 1)),
                t(Key::WebcarePrevious)
            ));
        }
        if inbox.page < pages {
            body.push_str(&format!(
                "<li><a class=\"utrecht-link\" href=\"{}\">{}</a></li>\n",
                html(&inbox_path(&inbox.workspace, inbox.page + 1)),
                t(Key::WebcareNext)
            ));
        }
        body.push_str("</ul></nav>\n");
    }
    body.push_str("</section>\n");
    page(context, title, &body, Frame::Full)
}
