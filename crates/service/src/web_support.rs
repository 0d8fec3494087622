//! What the web screens need beyond the other modules: the public transparency page.
//!
//! An organisation's transparency page (DESIGN.md invariant 9) is public: anyone may read it
//! without an account. It is published by the installation, so it is rendered as the local
//! operator — whoever runs the server on the machine holding the data directory — through
//! `perform` with `Operation::GenerateDocument`, across the installation (no user's organisation
//! is implied), and only ever for `DocumentKind::Transparency`. The audit entry names the
//! organisation by its internal id (so its FG sees the views) and never the name a visitor typed
//! for an organisation that does not exist (it could be anything).

use peil_docs::{DocumentKind, Language};

use crate::operation::Operation;
use crate::{Actor, Service, ServiceError};

impl Service {
    /// The public transparency page of `organisation` as the standalone HTML page `peil-docs`
    /// renders, in `language`. Unknown organisations answer "not found".
    pub fn public_transparency_page(
        &mut self,
        organisation: &str,
        language: Language,
    ) -> Result<String, ServiceError> {
        let publisher = Actor::LocalOperator;
        let found = match self.store.organisation(organisation) {
            Ok(found) => Some(found),
            Err(peil_store::StoreError::NotFound { .. }) => None,
            Err(other) => return Err(other.into()),
        };
        let Some(organisation) = found else {
            let missing = organisation.to_string();
            return self.perform(
                &publisher,
                Operation::GenerateDocument,
                None,
                "public document:transparency",
                None,
                |_, _| {
                    Err(ServiceError::NotFound {
                        what: "organisation",
                        name: missing,
                    })
                },
            );
        };
        let object = format!(
            "organisation:{} public document:transparency",
            organisation.id
        );
        self.perform_on_data(
            &publisher,
            Operation::GenerateDocument,
            None,
            &object,
            |stores, _| {
                let input = crate::documents::document_input(stores, &organisation)?;
                peil_docs::render_html_in(DocumentKind::Transparency, &input, language)
                    .map_err(|error| ServiceError::InvalidInput(error.to_string()))
            },
            |_| None,
        )
    }
}
