//! The URLs the pages link to and post to. The server routes these paths; keeping them in one
//! place lets it mount the pages without guessing. Names typed by users are percent-encoded.

use crate::escape::path_segment;

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const WORKSPACES: &str = "/workspaces";
pub const NEW_WORKSPACE: &str = "/workspaces/new";
pub const WEBCARE_INBOX: &str = "/inbox";
pub const FG_CONSOLE: &str = "/fg";
pub const FG_AUDIT: &str = "/fg/audit";
pub const FG_SUBJECT_REQUESTS: &str = "/fg/subject-requests";
pub const STATIC_PREFIX: &str = "/static/";

/// One workspace's settings (GET shows the edit form, POST saves it).
pub fn workspace(name: &str) -> String {
    format!("/workspaces/{}", path_segment(name))
}

/// A public-order workspace's renewal (GET shows the form, POST renews).
pub fn workspace_renew(name: &str) -> String {
    format!("/workspaces/{}/renew", path_segment(name))
}

/// A workspace's lifecycle change (POST `status` and `why`), used by the FG's approve form.
pub fn workspace_status(name: &str) -> String {
    format!("/workspaces/{}/status", path_segment(name))
}

/// A workspace's monitors (GET lists them with the form, POST adds one).
/// The JSON API route of the monitor editor's live check (by workspace id).
pub fn monitor_check_api(workspace_id: i64) -> String {
    format!("/api/v1/workspaces/{workspace_id}/monitors/check")
}

pub fn monitors(name: &str) -> String {
    format!("/workspaces/{}/monitors", path_segment(name))
}

/// A workspace's dashboard (GET with `q`, `from`, `to`, `interval`).
pub fn dashboard(name: &str) -> String {
    format!("/workspaces/{}/dashboard", path_segment(name))
}

/// The dashboard's report as CSV (same query parameters).
pub fn report_csv(name: &str) -> String {
    format!("/workspaces/{}/report.csv", path_segment(name))
}

/// The dashboard's report as print-ready HTML (same query parameters).
pub fn report_print(name: &str) -> String {
    format!("/workspaces/{}/report", path_segment(name))
}

/// A generated document (`dpia`, `register`, `algorithm-register`, `transparency`).
pub fn document(kind_code: &str) -> String {
    format!("/fg/documents/{}", path_segment(kind_code))
}

/// The public transparency page of an organisation.
pub fn transparency(organisation: &str) -> String {
    format!("/transparency/{}", path_segment(organisation))
}

/// `current` (a path with an optional query) with its `lang` parameter set to `language_code`,
/// other parameters kept.
pub fn with_language(current: &str, language_code: &str) -> String {
    let (path, query) = match current.split_once('?') {
        Some((path, query)) => (path, query),
        None => (current, ""),
    };
    // Only a local path may be the target: anything else becomes the home page.
    let path = if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') {
        path
    } else {
        HOME
    };
    let mut parameters: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang=") && *pair != "lang")
        .collect();
    let language_pair = format!("lang={}", path_segment(language_code));
    parameters.push(&language_pair);
    format!("{path}?{}", parameters.join("&"))
}

/// The path of `current` without its query.
pub(crate) fn path_only(current: &str) -> &str {
    current.split('?').next().unwrap_or(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_toggle_keeps_other_parameters() {
        assert_eq!(with_language("/fg", "en"), "/fg?lang=en");
        assert_eq!(
            with_language("/w/a/dashboard?q=x&lang=nl&interval=day", "en"),
            "/w/a/dashboard?q=x&interval=day&lang=en"
        );
        assert_eq!(with_language("//evil.example/x", "en"), "/?lang=en");
        assert_eq!(with_language("https://evil.example/", "en"), "/?lang=en");
    }

    #[test]
    fn names_are_encoded() {
        assert_eq!(dashboard("a b/c"), "/workspaces/a%20b%2Fc/dashboard");
    }
}
