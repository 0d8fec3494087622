//! Generated documents (DPIA draft, processing register, algorithm register, transparency page)
//! from the live configuration of one organisation.
//!
//! The facts come from the store as configured now (workspaces, monitors, allow-list, counts)
//! and from this installation's safeguards; `peil-docs` renders them. This module must never pass
//! another organisation's configuration to the renderer.

use peil_docs::{DocumentInput, DocumentKind, Language, Safeguards, WorkspaceFacts};

use crate::operation::Operation;
use crate::{object_of, Actor, Service, ServiceError};

/// The output format of a generated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Markdown,
    Html,
    /// Only for the transparency page.
    Json,
}

/// The live configuration of `organisation` and this installation's safeguards, as the
/// documents are generated from them.
pub(crate) fn document_input(
    stores: &mut crate::data_plane::Stores<'_>,
    organisation: &peil_model::Organisation,
) -> Result<DocumentInput, ServiceError> {
    let mut workspaces = Vec::new();
    for (_, workspace) in stores.control.workspaces()? {
        if workspace.organisation_id != organisation.id {
            continue;
        }
        let posts_stored = stores.post_count(workspace.id)?;
        let store = &mut *stores.control;
        let monitors = store.monitors(workspace.id)?;
        let key_periods_live = store.keys().keys_of(workspace.id)?.len();
        workspaces.push(WorkspaceFacts {
            workspace,
            monitors,
            posts_stored,
            key_periods_live,
        });
    }
    let mut safeguards = Safeguards::peil_defaults();
    safeguards.sentiment_accuracy_nl = Some(peil_policy::SENTIMENT_ACCURACY_NL.to_string());
    safeguards.sentiment_accuracy_en = Some(peil_policy::SENTIMENT_ACCURACY_NOTE.to_string());
    Ok(DocumentInput {
        allow_list: stores.control.allow_entries(organisation.id)?,
        organisation: organisation.clone(),
        workspaces,
        generated_at: chrono::Utc::now(),
        peil_version: env!("CARGO_PKG_VERSION").to_string(),
        safeguards,
    })
}

impl Service {
    /// Renders `kind` for `organisation` in `language` and `format`.
    pub fn generate_document(
        &mut self,
        actor: &Actor,
        organisation: &str,
        kind: DocumentKind,
        language: Language,
        format: DocumentFormat,
    ) -> Result<String, ServiceError> {
        let organisation =
            self.organisation_for(actor, Operation::GenerateDocument, organisation)?;
        self.perform_on_data(
            actor,
            Operation::GenerateDocument,
            Some(organisation.id),
            &object_of("document", kind.code()),
            |stores, _| {
                let input = document_input(stores, &organisation)?;
                let rendered = match format {
                    DocumentFormat::Markdown => peil_docs::render_markdown_in(kind, &input, language),
                    DocumentFormat::Html => peil_docs::render_html_in(kind, &input, language),
                    DocumentFormat::Json => {
                        if kind != DocumentKind::Transparency {
                            return Err(ServiceError::InvalidInput(
                                "JSON is er alleen voor de transparantiepagina / JSON is only available for the transparency page".to_string(),
                            ));
                        }
                        peil_docs::transparency_json_in(&input, language).and_then(|value| {
                            serde_json::to_string_pretty(&value)
                                .map_err(|error| peil_docs::DocsError::Json(error.to_string()))
                        })
                    }
                };
                rendered.map_err(|error| ServiceError::InvalidInput(error.to_string()))
            },
            |_| None,
        )
    }
}
