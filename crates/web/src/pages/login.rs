//! The login screen.

use crate::escape::html;
use crate::i18n::Key;
use crate::layout::{csrf_field, page, Control, Field, Frame, Notice};
use crate::{paths, PageContext};

/// What the login form shows again after a failed attempt (never the password).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginForm {
    pub username: String,
    /// Set after a failed attempt: one message that does not say which of the two was wrong.
    pub failed: bool,
}

/// The login page; posts `username`, `password`, the optional `totp` code (and `csrf_token`
/// when the context has one) to [`paths::LOGIN`].
pub fn login_page(context: &PageContext, form: &LoginForm) -> String {
    let title = context.t(Key::LoginTitle);
    let mut body = format!("<h1>{}</h1>\n", html(title));
    if form.failed {
        body.push_str(&Notice::Error(context.t(Key::LoginFailed).to_string()).render());
    }
    body.push_str(&format!("<p>{}</p>\n", context.t(Key::LoginIntro)));
    body.push_str(&format!(
        "<form class=\"peil-form\" method=\"post\" action=\"{}\">\n{}\n",
        paths::LOGIN,
        csrf_field(context)
    ));
    let failure = form.failed.then(|| context.t(Key::LoginFailed));
    body.push_str(
        &Field {
            id: "username",
            name: "username",
            label: context.t(Key::Username),
            help: Some(context.t(Key::UsernameHelp)),
            required: true,
            error: None,
            control: Control::Input {
                input_type: "text",
                value: &form.username,
                autocomplete: Some("username"),
                extra: " autocapitalize=\"none\" spellcheck=\"false\"",
            },
        }
        .render(context),
    );
    body.push_str(
        &Field {
            id: "password",
            name: "password",
            label: context.t(Key::Password),
            help: None,
            required: true,
            error: failure,
            control: Control::Input {
                input_type: "password",
                value: "",
                autocomplete: Some("current-password"),
                extra: "",
            },
        }
        .render(context),
    );
    // Admin and fg log in with a TOTP code as well (the server reads the optional `totp` field).
    body.push_str(
        &Field {
            id: "totp",
            name: "totp",
            label: context.t(Key::TotpCode),
            help: Some(context.t(Key::TotpCodeHelp)),
            required: false,
            error: None,
            control: Control::Input {
                input_type: "text",
                value: "",
                autocomplete: Some("one-time-code"),
                extra: " inputmode=\"numeric\" maxlength=\"6\" spellcheck=\"false\"",
            },
        }
        .render(context),
    );
    body.push_str(&format!(
        "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</form>\n",
        context.t(Key::LoginButton)
    ));
    // Login with the organisation's own issuer (OIDC, server routes/oidc.rs).
    body.push_str(&format!("<p>{}</p>\n", context.t(Key::LoginOidc)));
    page(context, title, &body, Frame::Full)
}
