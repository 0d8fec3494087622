//! Peil's web screens as a pure library: data in, complete HTML documents (and SVG charts, CSV)
//! out, plus the static assets they link to. The HTTP server (`peil-server`) owns routes,
//! sessions, authentication and the CSRF check; it calls these functions with data it obtained
//! through `peil_service::Service` and serves [`static_asset`] under `/static/`.
//!
//! Rules every page keeps:
//! * Dutch by default, English on request ([`Language`]); every string comes from the message
//!   table in [`i18n`], whose macro makes a missing translation a compile error.
//! * WCAG 2.1 AA: `<html lang>`, a skip link, header / nav / main / footer landmarks, one `<h1>`,
//!   a `<label for>` for every control, errors linked with `aria-describedby`, charts as
//!   `role="img"` SVG with `<title>` and `<desc>` followed by an equivalent data table.
//! * A strict Content-Security-Policy ([`CONTENT_SECURITY_POLICY`]): no inline `<script>`, no
//!   `<style>`, no `style=` attribute; all CSS lives in files under `/static/`. The only script
//!   is the small hand-written [`MONITOR_CHECK_SCRIPT`] (`script-src 'self'`, loaded with
//!   `defer` on the monitor editor only); every page works without it.
//! * Every dynamic value passes [`escape::html`]. Suppressed aggregate cells (`posts: None`) are
//!   shown as `<k`, never as a number. No page renders pseudonyms, raw post text or handles of
//!   people; example quotes are de-identified text and appear only where the purpose allows.

pub mod charts;
pub mod escape;
pub mod i18n;
mod layout;
pub mod pages;
pub mod paths;

pub use i18n::{text, Key};
pub use layout::Notice;
pub use pages::dashboard::{dashboard_page, DashboardView, QueryForm};
pub use pages::error::error_page;
pub use pages::export::{report_csv, report_print_page};
pub use pages::fg::{
    audit_log_page, audit_log_page_paged, audit_page_of, fg_console_page, subject_request_page,
    AuditPage, DocumentLink, SubjectRequestView, AUDIT_PAGE_SIZE,
};
pub use pages::login::{login_page, LoginForm};
pub use pages::monitors::{monitors_page, GuardFeedback, MonitorForm};
pub use pages::overview::overview_page;
pub use pages::transparency::{transparency_page, TransparencyError};
pub use pages::webcare::{webcare_page, WebcareView};
pub use pages::workspace_form::{
    workspace_form_page, FieldError, WorkspaceField, WorkspaceForm, WorkspaceFormMode,
};
pub use peil_model::Role;

/// The Content-Security-Policy every page of this crate satisfies (the server sends it).
/// Scripts only from Peil's own `/static/` (never inline, never evaluated); `connect-src 'self'`
/// for the monitor editor's live check.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     connect-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The monitor editor's live guard feedback: the one script, served from `/static/`.
pub const MONITOR_CHECK_SCRIPT: &str = "/static/js/monitor-check.js";

/// The language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    /// The BCP 47 code used in `lang` attributes and in the `lang` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    /// The language of a `lang` query parameter or cookie value; Dutch for anything unknown.
    pub fn from_code(code: &str) -> Language {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Language::En,
            _ => Language::Nl,
        }
    }

    /// The other language (the toggle's target).
    pub fn other(self) -> Language {
        match self {
            Language::Nl => Language::En,
            Language::En => Language::Nl,
        }
    }
}

/// What every page needs to know about the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageContext {
    pub language: Language,
    /// How the signed-in user is shown in the header (their user name); `None` when signed out.
    pub user_label: Option<String>,
    /// The signed-in user's role; decides which screens the navigation offers.
    pub role: Option<Role>,
    /// The session's CSRF token, put into every form that posts.
    pub csrf_token: Option<String>,
    /// Path and query of this request (`/werkruimtes?lang=en`), for the language toggle and the
    /// current navigation item.
    pub current_path: String,
}

impl PageContext {
    /// A context for a visitor who is not signed in.
    pub fn anonymous(language: Language, current_path: &str) -> PageContext {
        PageContext {
            language,
            user_label: None,
            role: None,
            csrf_token: None,
            current_path: current_path.to_string(),
        }
    }

    pub(crate) fn t(&self, key: Key) -> &'static str {
        text(self.language, key)
    }
}

/// A static asset by its path below `/static/` (`peil.css`, `nlds/voorbeeld-theme.css`, …): its
/// bytes and content type. `None` for anything else.
pub fn static_asset(path: &str) -> Option<(&'static [u8], &'static str)> {
    const CSS: &str = "text/css; charset=utf-8";
    const TEXT: &str = "text/markdown; charset=utf-8";
    match path.trim_start_matches('/') {
        "peil.css" => Some((include_bytes!("../assets/peil.css"), CSS)),
        "nlds/voorbeeld-theme.css" => {
            Some((include_bytes!("../assets/nlds/voorbeeld-theme.css"), CSS))
        }
        "nlds/utrecht-html.css" => Some((include_bytes!("../assets/nlds/utrecht-html.css"), CSS)),
        "js/monitor-check.js" => Some((
            include_bytes!("../assets/js/monitor-check.js"),
            "text/javascript; charset=utf-8",
        )),
        "LICENSES.md" => Some((include_bytes!("../assets/LICENSES.md"), TEXT)),
        "nlds/LICENSE-voorbeeld-design-tokens.md" => Some((
            include_bytes!("../assets/nlds/LICENSE-voorbeeld-design-tokens.md"),
            TEXT,
        )),
        "nlds/LICENSE-utrecht-component-library-css.md" => Some((
            include_bytes!("../assets/nlds/LICENSE-utrecht-component-library-css.md"),
            TEXT,
        )),
        _ => None,
    }
}

/// The stylesheets every page links, in order (theme tokens, NL Design System HTML styles, Peil).
pub const STYLESHEETS: [&str; 3] = [
    "/static/nlds/voorbeeld-theme.css",
    "/static/nlds/utrecht-html.css",
    "/static/peil.css",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_linked_stylesheet_is_served() {
        for sheet in STYLESHEETS {
            let path = sheet.trim_start_matches("/static/");
            let Some((bytes, content_type)) = static_asset(path) else {
                panic!("{sheet} is not served");
            };
            assert!(!bytes.is_empty());
            assert!(content_type.starts_with("text/css"));
        }
        let script = MONITOR_CHECK_SCRIPT.trim_start_matches("/static/");
        let Some((bytes, content_type)) = static_asset(script) else {
            panic!("{MONITOR_CHECK_SCRIPT} is not served");
        };
        assert!(content_type.starts_with("text/javascript"));
        assert!(bytes.starts_with(b"// SPDX-License-Identifier: EUPL-1.2"));
        assert!(static_asset("../Cargo.toml").is_none());
        assert!(static_asset("").is_none());
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::from_code("EN"), Language::En);
        assert_eq!(Language::from_code("xx"), Language::Nl);
        assert_eq!(Language::Nl.other(), Language::En);
    }
}
