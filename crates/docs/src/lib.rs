//! Peil's generated documents (DESIGN.md invariant 9): the DPIA draft (Model DPIA Rijksdienst,
//! parts A–D), the art. 30 processing-register entry, the algorithm-register entry and the public
//! transparency page, all generated from the live configuration of one organisation.
//!
//! A pure library: input is plain data ([`DocumentInput`]), output is strings (Markdown, a
//! standalone HTML page) or JSON. Every document is built once as a neutral tree and then
//! rendered, so the Markdown and HTML versions carry the same facts. The DPIA and both register
//! entries are in Dutch only; the transparency page is in Dutch or English.
//!
//! What Peil cannot know (the organisation's own weighing of subsidiarity, its hosting location
//! when not configured, …) is marked `[IN TE VULLEN DOOR DE ORGANISATIE: …]`, never invented.
//! This crate must never put personal data in a document: no names of office holders from the
//! allow-list (only their number), no authors, no pseudonyms, no post text. It never does I/O.
//!
//! ```
//! # use chrono::{TimeZone, Utc};
//! # use peil_model::Organisation;
//! use peil_docs::{render_html, render_markdown, DocumentInput, DocumentKind, Safeguards};
//! # let Some(now) = Utc.with_ymd_and_hms(2025, 5, 1, 9, 0, 0).single() else { return Ok(()); };
//! let input = DocumentInput {
//!     organisation: Organisation { id: 1, name: "Gemeente Voorbeeld".into(), created_at: now },
//!     workspaces: vec![],
//!     allow_list: vec![],
//!     generated_at: now,
//!     peil_version: "0.1.0".into(),
//!     safeguards: Safeguards::peil_defaults(),
//! };
//! let page = render_markdown(DocumentKind::Transparency, &input)?;
//! assert!(page.contains("Gemeente Voorbeeld"));
//! let html = render_html(DocumentKind::Dpia, &input)?;
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! # Ok::<(), peil_docs::DocsError>(())
//! ```

mod algorithm;
mod common;
mod document;
mod dpia;
mod html;
mod input;
mod markdown;
mod register;
mod transparency;
mod vocabulary;

use std::fmt;
use std::str::FromStr;

pub use input::{AuditLogFacts, DocumentInput, Safeguards, WorkspaceFacts};
pub use transparency::TRANSPARENCY_SCHEMA;
pub use vocabulary::SUPPORTED_SOURCES;

/// The language of a generated document. (Distinct from `peil_model::Language`, which names the
/// languages of posts.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

impl FromStr for Language {
    type Err = DocsError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "nl" => Ok(Language::Nl),
            "en" => Ok(Language::En),
            _ => Err(DocsError::UnknownLanguage(text.to_string())),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// Which document to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// DPIA draft following the Model DPIA Rijksdienst (Dutch only).
    Dpia,
    /// Art. 30 AVG processing-register entries, one per workspace (Dutch only).
    Register,
    /// Algorithm-register entry (Dutch only).
    AlgorithmRegister,
    /// The public transparency page (Dutch or English).
    Transparency,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Dpia,
        DocumentKind::Register,
        DocumentKind::AlgorithmRegister,
        DocumentKind::Transparency,
    ];

    /// The name used on the command line: `dpia`, `register`, `algorithm-register`,
    /// `transparency`.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Dpia => "dpia",
            DocumentKind::Register => "register",
            DocumentKind::AlgorithmRegister => "algorithm-register",
            DocumentKind::Transparency => "transparency",
        }
    }

    /// The languages this document is generated in.
    pub fn languages(self) -> &'static [Language] {
        match self {
            DocumentKind::Transparency => &[Language::Nl, Language::En],
            DocumentKind::Dpia | DocumentKind::Register | DocumentKind::AlgorithmRegister => {
                &[Language::Nl]
            }
        }
    }

    /// Whether the document is meant for publication (and so must hold no personal data at
    /// all). The DPIA is internal, but holds none either.
    pub fn is_public(self) -> bool {
        !matches!(self, DocumentKind::Dpia)
    }
}

impl FromStr for DocumentKind {
    type Err = DocsError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DocumentKind::ALL
            .into_iter()
            .find(|kind| kind.code() == text.trim())
            .ok_or_else(|| DocsError::UnknownKind(text.to_string()))
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// Why a document could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocsError {
    #[error("the {kind} document is generated in Dutch only (asked: {language})")]
    LanguageNotSupported {
        kind: DocumentKind,
        language: Language,
    },
    #[error("unknown document `{0}`: expected dpia, register, algorithm-register or transparency")]
    UnknownKind(String),
    #[error("unknown document language `{0}`: expected nl or en")]
    UnknownLanguage(String),
    #[error("the organisation has no name")]
    EmptyOrganisationName,
    #[error("workspace {workspace_id} belongs to another organisation")]
    ForeignWorkspace { workspace_id: i64 },
    #[error("monitor {monitor_id} does not belong to workspace {workspace_id}")]
    ForeignMonitor { monitor_id: i64, workspace_id: i64 },
    #[error("allow-list entry {entry_id} belongs to another organisation")]
    ForeignAllowEntry { entry_id: i64 },
    #[error("k = {k} is below the floor of {minimum} (workspace {workspace_id:?})")]
    KBelowFloor {
        workspace_id: Option<i64>,
        k: u32,
        minimum: u32,
    },
    #[error("the transparency data could not be turned into JSON: {0}")]
    Json(String),
}

/// Renders `kind` as Markdown, in Dutch.
pub fn render_markdown(kind: DocumentKind, input: &DocumentInput) -> Result<String, DocsError> {
    render_markdown_in(kind, input, Language::Nl)
}

/// Renders `kind` as Markdown in `language` (English only for the transparency page).
pub fn render_markdown_in(
    kind: DocumentKind,
    input: &DocumentInput,
    language: Language,
) -> Result<String, DocsError> {
    let document = build(kind, input, language)?;
    Ok(markdown::render(&document))
}

/// Renders `kind` as a standalone HTML page, in Dutch.
pub fn render_html(kind: DocumentKind, input: &DocumentInput) -> Result<String, DocsError> {
    render_html_in(kind, input, language_default())
}

/// Renders `kind` as a standalone HTML page in `language`: `lang` set, no script or style of
/// any kind (it fits a `default-src 'self'` policy), headings in order, tables with caption and
/// scoped headers, every value escaped.
pub fn render_html_in(
    kind: DocumentKind,
    input: &DocumentInput,
    language: Language,
) -> Result<String, DocsError> {
    let document = build(kind, input, language)?;
    let generator = format!("Peil {}", input.peil_version);
    Ok(html::render(&document, &generator))
}

/// The transparency page as JSON, in Dutch (schema [`TRANSPARENCY_SCHEMA`], fields documented
/// on `transparency::transparency_value`).
pub fn transparency_json(input: &DocumentInput) -> Result<serde_json::Value, DocsError> {
    transparency_json_in(input, language_default())
}

/// The transparency page as JSON, with its texts in `language`.
pub fn transparency_json_in(
    input: &DocumentInput,
    language: Language,
) -> Result<serde_json::Value, DocsError> {
    input.validate()?;
    transparency::transparency_value(input, language)
}

fn language_default() -> Language {
    Language::Nl
}

fn build(
    kind: DocumentKind,
    input: &DocumentInput,
    language: Language,
) -> Result<document::Document, DocsError> {
    if !kind.languages().contains(&language) {
        return Err(DocsError::LanguageNotSupported { kind, language });
    }
    input.validate()?;
    let document = match kind {
        DocumentKind::Dpia => dpia::build(input),
        DocumentKind::Register => register::build(input),
        DocumentKind::AlgorithmRegister => algorithm::build(input),
        DocumentKind::Transparency => transparency::build(input, language),
    };
    Ok(document)
}
