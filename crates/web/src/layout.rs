//! The shared page frame (head with the stylesheets, skip link, header, navigation, main,
//! footer) and small building blocks for forms, notices and tables.

use peil_model::Role;
use peil_service::Operation;

use crate::escape::html;
use crate::i18n::Key;
use crate::{paths, PageContext, STYLESHEETS};

/// A message shown at the top of a page's main content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Something worked (`role="status"`).
    Success(String),
    /// Something was refused or failed (`role="alert"`).
    Error(String),
    /// Neutral information (`role="status"`).
    Info(String),
}

impl Notice {
    pub(crate) fn render(&self) -> String {
        let (class, role, message) = match self {
            Notice::Success(message) => ("peil-notice peil-notice--success", "status", message),
            Notice::Error(message) => ("peil-notice peil-notice--error", "alert", message),
            Notice::Info(message) => ("peil-notice peil-notice--info", "status", message),
        };
        format!(
            "<div class=\"{class}\" role=\"{role}\"><p>{}</p></div>\n",
            html(message)
        )
    }
}

/// Which frame a page gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    /// Header, navigation, footer.
    Full,
    /// A print-ready document: a small header, no navigation.
    Print,
}

/// Whether the context's role may perform `operation` (the service's role table decides; the
/// server checks again on every request, this only hides what would be refused).
pub(crate) fn may(context: &PageContext, operation: Operation) -> bool {
    context
        .role
        .is_some_and(|role| operation.allowed_roles().contains(&role))
}

/// The navigation items the context's role may use: (path, label).
fn navigation(context: &PageContext) -> Vec<(&'static str, Key)> {
    let mut items = Vec::new();
    if may(context, Operation::ListWorkspaces) {
        items.push((paths::WORKSPACES, Key::NavOverview));
    }
    if may(context, Operation::CreateWorkspace) {
        items.push((paths::NEW_WORKSPACE, Key::NavNewWorkspace));
    }
    if context.role == Some(Role::Webcare) {
        items.push((paths::WEBCARE_INBOX, Key::NavInbox));
    }
    if may(context, Operation::ApproveWorkspace) {
        items.push((paths::FG_CONSOLE, Key::NavFgConsole));
    }
    if may(context, Operation::ViewAudit) {
        items.push((paths::FG_AUDIT, Key::NavAudit));
    }
    if may(context, Operation::SubjectLookup) {
        items.push((paths::FG_SUBJECT_REQUESTS, Key::NavSubjectRequests));
    }
    items
}

pub(crate) fn role_label(context: &PageContext, role: Role) -> &'static str {
    context.t(match role {
        Role::Admin => Key::RoleAdmin,
        Role::Analyst => Key::RoleAnalyst,
        Role::Webcare => Key::RoleWebcare,
        Role::Fg => Key::RoleFg,
    })
}

/// A complete HTML document. `body` is trusted markup built by this crate (it holds the `<h1>`);
/// `title` is escaped here.
pub(crate) fn page(context: &PageContext, title: &str, body: &str, frame: Frame) -> String {
    page_with_script(context, title, body, frame, None)
}

/// [`page`], loading `script` (a path under `/static/`, never inline code) with `defer`.
pub(crate) fn page_with_script(
    context: &PageContext,
    title: &str,
    body: &str,
    frame: Frame,
    script: Option<&str>,
) -> String {
    let language = context.language;
    let mut out = String::with_capacity(body.len() + 4096);
    out.push_str("<!DOCTYPE html>\n");
    out.push_str(&format!(
        "<html lang=\"{}\" class=\"voorbeeld-theme\">\n<head>\n<meta charset=\"utf-8\">\n",
        language.code()
    ));
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str(&format!(
        "<title>{} — {}</title>\n",
        html(title),
        context.t(Key::SiteName)
    ));
    for sheet in STYLESHEETS {
        out.push_str(&format!("<link rel=\"stylesheet\" href=\"{sheet}\">\n"));
    }
    if let Some(script) = script {
        out.push_str(&format!(
            "<script src=\"{}\" defer></script>\n",
            html(script)
        ));
    }
    let body_class = match frame {
        Frame::Full => "utrecht-html peil",
        Frame::Print => "utrecht-html peil peil--print",
    };
    out.push_str(&format!("</head>\n<body class=\"{body_class}\">\n"));
    out.push_str(&format!(
        "<a class=\"peil-skip-link\" href=\"#inhoud\">{}</a>\n",
        context.t(Key::SkipLink)
    ));
    out.push_str("<header class=\"peil-header\">\n");
    out.push_str(&format!(
        "<p class=\"peil-brand\"><a href=\"{}\">{}</a></p>\n",
        paths::HOME,
        context.t(Key::SiteName)
    ));
    if frame == Frame::Full {
        out.push_str("<div class=\"peil-header__tools\">\n");
        let other = language.other();
        out.push_str(&format!(
            "<a class=\"peil-language\" href=\"{}\" hreflang=\"{code}\" lang=\"{code}\" title=\"{hint}\">{label}</a>\n",
            html(&paths::with_language(&context.current_path, other.code())),
            code = other.code(),
            hint = crate::text(other, Key::LanguageToggleHint),
            label = context.t(Key::LanguageToggle),
        ));
        if let Some(user) = &context.user_label {
            let role = context
                .role
                .map(|role| format!(" ({})", role_label(context, role)))
                .unwrap_or_default();
            out.push_str(&format!(
                "<p class=\"peil-user\">{} <strong>{}</strong>{}</p>\n",
                context.t(Key::SignedInAs),
                html(user),
                html(&role)
            ));
            out.push_str(&format!(
                "<form class=\"peil-logout\" method=\"post\" action=\"{}\">{}<button type=\"submit\" class=\"utrecht-button utrecht-button--secondary-action\">{}</button></form>\n",
                paths::LOGOUT,
                csrf_field(context),
                context.t(Key::Logout)
            ));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</header>\n");
    let items = navigation(context);
    if frame == Frame::Full && !items.is_empty() {
        let current = paths::path_only(&context.current_path);
        out.push_str(&format!(
            "<nav class=\"peil-nav\" aria-label=\"{}\">\n<ul>\n",
            context.t(Key::MainNavigation)
        ));
        for (path, label) in items {
            let aria_current = if current == path {
                " aria-current=\"page\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<li><a href=\"{path}\"{aria_current}>{}</a></li>\n",
                context.t(label)
            ));
        }
        out.push_str("</ul>\n</nav>\n");
    }
    out.push_str("<main id=\"inhoud\" class=\"peil-main\" tabindex=\"-1\">\n");
    out.push_str(body);
    out.push_str("</main>\n");
    out.push_str("<footer class=\"peil-footer\">\n");
    out.push_str(&format!("<p>{}</p>\n", context.t(Key::FooterText)));
    if frame == Frame::Full {
        out.push_str(&format!(
            "<p><a href=\"{}LICENSES.md\">{}</a></p>\n",
            paths::STATIC_PREFIX,
            context.t(Key::FooterLicences)
        ));
    }
    out.push_str("</footer>\n</body>\n</html>\n");
    out
}

/// The hidden CSRF field of a form that posts (empty when the context has no token).
pub(crate) fn csrf_field(context: &PageContext) -> String {
    match &context.csrf_token {
        Some(token) => format!(
            "<input type=\"hidden\" name=\"csrf_token\" value=\"{}\">",
            html(token)
        ),
        None => String::new(),
    }
}

/// The kind of control of a form field.
pub(crate) enum Control<'a> {
    Input {
        input_type: &'a str,
        value: &'a str,
        autocomplete: Option<&'a str>,
        extra: &'a str,
    },
    TextArea {
        value: &'a str,
        rows: u8,
    },
}

/// One labelled form field with help text and error message, linked by `aria-describedby`.
pub(crate) struct Field<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub help: Option<&'a str>,
    pub required: bool,
    pub error: Option<&'a str>,
    pub control: Control<'a>,
}

impl Field<'_> {
    pub(crate) fn render(&self, context: &PageContext) -> String {
        let id = html(self.id);
        let mut described_by = Vec::new();
        let mut out = String::new();
        let invalid_class = if self.error.is_some() {
            " utrecht-form-field--invalid peil-field--invalid"
        } else {
            ""
        };
        out.push_str(&format!(
            "<div class=\"utrecht-form-field peil-field{invalid_class}\">\n"
        ));
        let marker = if self.required {
            format!(
                " <span class=\"peil-required\">({})</span>",
                context.t(Key::Required)
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "<label class=\"utrecht-form-label\" for=\"{id}\">{}{marker}</label>\n",
            html(self.label)
        ));
        if let Some(help) = self.help {
            out.push_str(&format!(
                "<p class=\"utrecht-form-field-description\" id=\"{id}-help\">{}</p>\n",
                html(help)
            ));
            described_by.push(format!("{id}-help"));
        }
        if let Some(error) = self.error {
            out.push_str(&format!(
                "<p class=\"utrecht-form-field-error-message peil-error\" id=\"{id}-error\">{}</p>\n",
                html(error)
            ));
            described_by.push(format!("{id}-error"));
        }
        let mut attributes = format!("id=\"{id}\" name=\"{}\"", html(self.name));
        if self.required {
            attributes.push_str(" required aria-required=\"true\"");
        }
        if self.error.is_some() {
            attributes.push_str(" aria-invalid=\"true\"");
        }
        if !described_by.is_empty() {
            attributes.push_str(&format!(" aria-describedby=\"{}\"", described_by.join(" ")));
        }
        match &self.control {
            Control::Input {
                input_type,
                value,
                autocomplete,
                extra,
            } => {
                if let Some(autocomplete) = autocomplete {
                    attributes.push_str(&format!(" autocomplete=\"{autocomplete}\""));
                }
                out.push_str(&format!(
                    "<input class=\"utrecht-textbox\" type=\"{input_type}\" {attributes} value=\"{}\"{extra}>\n",
                    html(value)
                ));
            }
            Control::TextArea { value, rows } => {
                out.push_str(&format!(
                    "<textarea class=\"utrecht-textarea\" rows=\"{rows}\" {attributes}>{}</textarea>\n",
                    html(value)
                ));
            }
        }
        out.push_str("</div>\n");
        out
    }
}

/// A `<th scope="col">` header row.
pub(crate) fn header_row(labels: &[&str]) -> String {
    let cells: String = labels
        .iter()
        .map(|label| format!("<th scope=\"col\">{}</th>", html(label)))
        .collect();
    format!("<thead>\n<tr>{cells}</tr>\n</thead>\n")
}

/// A date as `YYYY-MM-DD` (UTC).
pub(crate) fn date(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.format("%Y-%m-%d").to_string()
}

/// A time as `YYYY-MM-DD HH:MM` (UTC).
pub(crate) fn date_time(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.format("%Y-%m-%d %H:%M").to_string()
}
