//! Workspace create / edit / renew form: purpose, description, legal basis, lead, retention, k,
//! sources, own accounts, FG contact, end date and the "why" note, each with label and help text;
//! errors are listed in a summary at the top and linked to their fields with `aria-describedby`.
//! The edit form never offers the purpose (shown read-only: a new purpose is a new workspace) nor
//! the end date (a public-order picture is renewed with its own form, new end date and lead).

use peil_model::{Purpose, Workspace, DEFAULT_K};

use crate::escape::html;
use crate::i18n::{fill, Key};
use crate::layout::{csrf_field, page, Control, Field, Frame};
use crate::pages::purpose_label;
use crate::{paths, PageContext};

/// The values of the form as typed (strings, so a wrong value can be shown again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceForm {
    pub name: String,
    /// A purpose code (`trend_policy_analysis` …).
    pub purpose: String,
    pub purpose_text: String,
    pub legal_basis: String,
    pub lead: String,
    pub retention_days_posts: String,
    pub retention_days_aggregates: String,
    pub k: String,
    /// Comma-separated.
    pub allowed_sources: String,
    /// Comma-separated handles of the organisation's own accounts.
    pub own_accounts: String,
    pub fg_contact: String,
    /// `YYYY-MM-DD`, empty for none.
    pub ends_at: String,
    pub why: String,
}

impl Default for WorkspaceForm {
    fn default() -> Self {
        WorkspaceForm {
            name: String::new(),
            purpose: Purpose::TrendPolicyAnalysis.code().to_string(),
            purpose_text: String::new(),
            legal_basis: String::new(),
            lead: String::new(),
            retention_days_posts: "30".to_string(),
            retention_days_aggregates: "365".to_string(),
            k: DEFAULT_K.to_string(),
            allowed_sources: String::new(),
            own_accounts: String::new(),
            fg_contact: String::new(),
            ends_at: String::new(),
            why: String::new(),
        }
    }
}

impl WorkspaceForm {
    /// The form filled with an existing workspace (the "why" note empty: every change needs a
    /// new one).
    pub fn from_workspace(workspace: &Workspace) -> WorkspaceForm {
        WorkspaceForm {
            name: workspace.name.clone(),
            purpose: workspace.purpose.code().to_string(),
            purpose_text: workspace.purpose_text.clone(),
            legal_basis: workspace.legal_basis.clone(),
            lead: workspace.lead.clone().unwrap_or_default(),
            retention_days_posts: workspace.retention_days_posts.to_string(),
            retention_days_aggregates: workspace.retention_days_aggregates.to_string(),
            k: workspace.k.to_string(),
            allowed_sources: workspace.allowed_sources.join(", "),
            own_accounts: workspace.own_accounts.join(", "),
            fg_contact: workspace.fg_contact.clone().unwrap_or_default(),
            ends_at: workspace
                .ends_at
                .map(|end| end.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            why: String::new(),
        }
    }
}

/// A field of the workspace form; [`WorkspaceField::name`] is the form field's name the server
/// reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkspaceField {
    Name,
    Purpose,
    PurposeText,
    LegalBasis,
    Lead,
    RetentionPosts,
    RetentionAggregates,
    K,
    Sources,
    OwnAccounts,
    FgContact,
    EndsAt,
    Why,
}

impl WorkspaceField {
    pub const ALL: [WorkspaceField; 13] = [
        WorkspaceField::Name,
        WorkspaceField::Purpose,
        WorkspaceField::PurposeText,
        WorkspaceField::LegalBasis,
        WorkspaceField::Lead,
        WorkspaceField::RetentionPosts,
        WorkspaceField::RetentionAggregates,
        WorkspaceField::K,
        WorkspaceField::Sources,
        WorkspaceField::OwnAccounts,
        WorkspaceField::FgContact,
        WorkspaceField::EndsAt,
        WorkspaceField::Why,
    ];

    /// The form field name (also the element id, prefixed with `ws-`).
    pub fn name(self) -> &'static str {
        match self {
            WorkspaceField::Name => "name",
            WorkspaceField::Purpose => "purpose",
            WorkspaceField::PurposeText => "purpose_text",
            WorkspaceField::LegalBasis => "legal_basis",
            WorkspaceField::Lead => "lead",
            WorkspaceField::RetentionPosts => "retention_days_posts",
            WorkspaceField::RetentionAggregates => "retention_days_aggregates",
            WorkspaceField::K => "k",
            WorkspaceField::Sources => "allowed_sources",
            WorkspaceField::OwnAccounts => "own_accounts",
            WorkspaceField::FgContact => "fg_contact",
            WorkspaceField::EndsAt => "ends_at",
            WorkspaceField::Why => "why",
        }
    }

    fn id(self) -> String {
        format!("ws-{}", self.name().replace('_', "-"))
    }

    fn label(self) -> Key {
        match self {
            WorkspaceField::Name => Key::FieldName,
            WorkspaceField::Purpose => Key::FieldPurpose,
            WorkspaceField::PurposeText => Key::FieldPurposeText,
            WorkspaceField::LegalBasis => Key::FieldLegalBasis,
            WorkspaceField::Lead => Key::FieldLead,
            WorkspaceField::RetentionPosts => Key::FieldRetentionPosts,
            WorkspaceField::RetentionAggregates => Key::FieldRetentionAggregates,
            WorkspaceField::K => Key::FieldK,
            WorkspaceField::Sources => Key::FieldSources,
            WorkspaceField::OwnAccounts => Key::FieldOwnAccounts,
            WorkspaceField::FgContact => Key::FieldFgContact,
            WorkspaceField::EndsAt => Key::FieldEndsAt,
            WorkspaceField::Why => Key::FieldWhy,
        }
    }
}

/// A message about one field (from validation or the service), already in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: WorkspaceField,
    pub message: String,
}

/// Whether the form creates a workspace or edits an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceFormMode<'a> {
    /// Posts to [`paths::WORKSPACES`].
    Create,
    /// Posts to [`paths::workspace`] of `name`; name, purpose and end date are fixed.
    Edit { name: &'a str },
    /// Posts to [`paths::workspace_renew`] of `name`: only end date, lead and why.
    Renew { name: &'a str },
}

/// The workspace form, filled with `form` and showing `errors`.
pub fn workspace_form_page(
    context: &PageContext,
    mode: WorkspaceFormMode<'_>,
    form: &WorkspaceForm,
    errors: &[FieldError],
) -> String {
    let title = match mode {
        WorkspaceFormMode::Create => context.t(Key::WorkspaceNewTitle).to_string(),
        WorkspaceFormMode::Edit { name } => {
            fill(context.t(Key::WorkspaceEditTitle), &[("name", name)])
        }
        WorkspaceFormMode::Renew { name } => {
            fill(context.t(Key::WorkspaceRenewTitle), &[("name", name)])
        }
    };
    let error_of = |field: WorkspaceField| {
        errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    };
    let mut body = format!("<h1>{}</h1>\n", html(&title));
    if !errors.is_empty() {
        body.push_str(&format!(
            "<div class=\"peil-error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">\n<h2 id=\"error-summary-title\">{}</h2>\n<ul>\n",
            context.t(Key::ErrorSummaryTitle)
        ));
        for error in errors {
            body.push_str(&format!(
                "<li><a href=\"#{}\">{}: {}</a></li>\n",
                error_target(error.field, form),
                html(context.t(error.field.label())),
                html(&error.message)
            ));
        }
        body.push_str("</ul>\n</div>\n");
    }
    let action = match mode {
        WorkspaceFormMode::Create => paths::WORKSPACES.to_string(),
        WorkspaceFormMode::Edit { name } => paths::workspace(name),
        WorkspaceFormMode::Renew { name } => paths::workspace_renew(name),
    };
    body.push_str(&format!(
        "<form class=\"peil-form\" method=\"post\" action=\"{}\" novalidate>\n{}\n",
        html(&action),
        csrf_field(context)
    ));

    let text_field = |field: WorkspaceField,
                      help: Key,
                      required: bool,
                      value: &str,
                      input_type: &str,
                      extra: &str| {
        Field {
            id: &field.id(),
            name: field.name(),
            label: context.t(field.label()),
            help: Some(context.t(help)),
            required,
            error: error_of(field),
            control: Control::Input {
                input_type,
                value,
                autocomplete: Some("off"),
                extra,
            },
        }
        .render(context)
    };
    let area_field = |field: WorkspaceField, help: Key, required: bool, value: &str| {
        Field {
            id: &field.id(),
            name: field.name(),
            label: context.t(field.label()),
            help: Some(context.t(help)),
            required,
            error: error_of(field),
            control: Control::TextArea { value, rows: 3 },
        }
        .render(context)
    };

    if let WorkspaceFormMode::Renew { .. } = mode {
        body.push_str(&format!(
            "<p class=\"peil-muted\">{}</p>\n",
            context.t(Key::RenewNote)
        ));
        body.push_str(&text_field(
            WorkspaceField::EndsAt,
            Key::FieldEndsAtRenewHelp,
            true,
            &form.ends_at,
            "date",
            "",
        ));
        body.push_str(&area_field(
            WorkspaceField::Lead,
            Key::FieldLeadHelp,
            true,
            &form.lead,
        ));
        body.push_str(&area_field(
            WorkspaceField::Why,
            Key::FieldWhyHelp,
            true,
            &form.why,
        ));
        body.push_str(&format!(
            "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</form>\n",
            context.t(Key::SaveRenewal)
        ));
        return page(context, &title, &body, Frame::Full);
    }
    if let WorkspaceFormMode::Edit { .. } = mode {
        body.push_str(&format!(
            "<p class=\"peil-muted\" id=\"ws-edit-note\">{}</p>\n",
            context.t(Key::EditWidensNote)
        ));
    }
    body.push_str(&format!(
        "<fieldset class=\"peil-fieldset\">\n<legend>{}</legend>\n",
        context.t(Key::WorkspaceSettingsLegend)
    ));
    match mode {
        WorkspaceFormMode::Create => {
            body.push_str(&text_field(
                WorkspaceField::Name,
                Key::FieldNameHelp,
                true,
                &form.name,
                "text",
                " maxlength=\"80\"",
            ));
            body.push_str(&purpose_radios(
                context,
                form,
                error_of(WorkspaceField::Purpose),
            ));
        }
        WorkspaceFormMode::Edit { name } => {
            let purpose = form
                .purpose
                .parse::<Purpose>()
                .map(|purpose| purpose_label(context, purpose).to_string())
                .unwrap_or_else(|_| form.purpose.clone());
            let end_date = if form.ends_at.is_empty() {
                String::new()
            } else {
                let renew = if form.purpose == Purpose::PublicOrderGeneralPicture.code() {
                    format!(
                        " <a href=\"{}\">{}</a>",
                        html(&paths::workspace_renew(name)),
                        context.t(Key::LinkRenew)
                    )
                } else {
                    String::new()
                };
                format!(
                    "<dt>{}</dt><dd>{}{renew}</dd>",
                    context.t(Key::FieldEndsAt),
                    html(&form.ends_at)
                )
            };
            body.push_str(&format!(
                "<dl class=\"peil-facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}<br><span class=\"peil-muted\">{}</span></dd>{end_date}</dl>\n",
                context.t(Key::FieldName),
                html(name),
                context.t(Key::FieldPurpose),
                html(&purpose),
                context.t(Key::PurposeFixed)
            ));
        }
        WorkspaceFormMode::Renew { .. } => {}
    }
    body.push_str(&area_field(
        WorkspaceField::PurposeText,
        Key::FieldPurposeTextHelp,
        true,
        &form.purpose_text,
    ));
    body.push_str(&text_field(
        WorkspaceField::LegalBasis,
        Key::FieldLegalBasisHelp,
        true,
        &form.legal_basis,
        "text",
        "",
    ));
    body.push_str(&area_field(
        WorkspaceField::Lead,
        Key::FieldLeadHelp,
        false,
        &form.lead,
    ));
    if mode == WorkspaceFormMode::Create {
        body.push_str(&text_field(
            WorkspaceField::EndsAt,
            Key::FieldEndsAtHelp,
            false,
            &form.ends_at,
            "date",
            "",
        ));
    }
    body.push_str("</fieldset>\n");

    body.push_str(&format!(
        "<fieldset class=\"peil-fieldset\">\n<legend>{}</legend>\n",
        context.t(Key::WorkspaceSafeguardsLegend)
    ));
    body.push_str(&text_field(
        WorkspaceField::RetentionPosts,
        Key::FieldRetentionPostsHelp,
        true,
        &form.retention_days_posts,
        "number",
        " min=\"1\" inputmode=\"numeric\"",
    ));
    body.push_str(&text_field(
        WorkspaceField::RetentionAggregates,
        Key::FieldRetentionAggregatesHelp,
        true,
        &form.retention_days_aggregates,
        "number",
        " min=\"1\" inputmode=\"numeric\"",
    ));
    body.push_str(&text_field(
        WorkspaceField::K,
        Key::FieldKHelp,
        true,
        &form.k,
        "number",
        &format!(" min=\"{}\" inputmode=\"numeric\"", peil_model::MINIMUM_K),
    ));
    body.push_str("</fieldset>\n");

    body.push_str(&format!(
        "<fieldset class=\"peil-fieldset\">\n<legend>{}</legend>\n",
        context.t(Key::WorkspaceSourcesLegend)
    ));
    body.push_str(&text_field(
        WorkspaceField::Sources,
        Key::FieldSourcesHelp,
        false,
        &form.allowed_sources,
        "text",
        "",
    ));
    body.push_str(&text_field(
        WorkspaceField::OwnAccounts,
        Key::FieldOwnAccountsHelp,
        false,
        &form.own_accounts,
        "text",
        "",
    ));
    body.push_str(&text_field(
        WorkspaceField::FgContact,
        Key::FieldFgContactHelp,
        false,
        &form.fg_contact,
        "text",
        "",
    ));
    body.push_str("</fieldset>\n");

    body.push_str(&area_field(
        WorkspaceField::Why,
        Key::FieldWhyHelp,
        true,
        &form.why,
    ));
    body.push_str(&format!(
        "<button type=\"submit\" class=\"utrecht-button utrecht-button--primary-action\">{}</button>\n</form>\n",
        context.t(Key::SaveWorkspace)
    ));
    page(context, &title, &body, Frame::Full)
}

/// The element an error summary entry links to.
fn error_target(field: WorkspaceField, form: &WorkspaceForm) -> String {
    if field == WorkspaceField::Purpose {
        let selected = form
            .purpose
            .parse::<Purpose>()
            .unwrap_or(Purpose::TrendPolicyAnalysis);
        return purpose_radio_id(selected);
    }
    field.id()
}

fn purpose_radio_id(purpose: Purpose) -> String {
    format!("ws-purpose-{}", purpose.code().replace('_', "-"))
}

fn purpose_radios(context: &PageContext, form: &WorkspaceForm, error: Option<&str>) -> String {
    let mut described_by = vec!["ws-purpose-help".to_string()];
    let mut out = String::new();
    let error_html = match error {
        Some(message) => {
            described_by.push("ws-purpose-error".to_string());
            format!(
                "<p class=\"utrecht-form-field-error-message peil-error\" id=\"ws-purpose-error\">{}</p>\n",
                html(message)
            )
        }
        None => String::new(),
    };
    let invalid = if error.is_some() {
        " aria-invalid=\"true\""
    } else {
        ""
    };
    out.push_str(&format!(
        "<fieldset class=\"peil-radio-group\" aria-describedby=\"{}\"{invalid}>\n<legend>{} <span class=\"peil-required\">({})</span></legend>\n<p class=\"utrecht-form-field-description\" id=\"ws-purpose-help\">{}</p>\n{error_html}",
        described_by.join(" "),
        context.t(Key::FieldPurpose),
        context.t(Key::Required),
        context.t(Key::FieldPurposeHelp)
    ));
    for purpose in Purpose::ALL {
        let id = purpose_radio_id(purpose);
        let help = match purpose {
            Purpose::CommunicationWebcare => Key::PurposeWebcareHelp,
            Purpose::TrendPolicyAnalysis => Key::PurposeTrendHelp,
            Purpose::PublicOrderGeneralPicture => Key::PurposePublicOrderHelp,
        };
        let checked = if form.purpose == purpose.code() {
            " checked"
        } else {
            ""
        };
        out.push_str(&format!(
            "<div class=\"peil-radio\"><input type=\"radio\" id=\"{id}\" name=\"purpose\" value=\"{}\" required aria-describedby=\"{id}-help\"{checked}>\n<label for=\"{id}\">{}</label>\n<p class=\"peil-radio__help\" id=\"{id}-help\">{}</p></div>\n",
            purpose.code(),
            purpose_label(context, purpose),
            context.t(help)
        ));
    }
    out.push_str("</fieldset>\n");
    out
}
