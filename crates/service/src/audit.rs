//! The audit log as the FG reads it: entries, verification, export for an outside witness.
//!
//! Writing entries happens in one place only, `Service::perform`. Verification reads the files
//! without the signing key and without opening the store, so it also works when the log is
//! damaged (that is when it matters). A user sees the entries of their own organisation and those
//! of the installation (retention runs); never another organisation's.

use std::path::Path;

use peil_audit::{IndexedEntry, VerificationReport};

use crate::operation::Operation;
use crate::{Actor, Service, ServiceError};

/// Verifies every entry, every checkpoint's signature and their consistency, the signed head in
/// the key directory and, when given, a witness export. Needs no signing key and no store.
pub fn verify_audit(
    data_dir: &Path,
    key_dir: Option<&Path>,
    witness: Option<&Path>,
) -> Result<VerificationReport, ServiceError> {
    let default_key_dir = data_dir.join(peil_store::KEYS_DIR);
    let key_directory = key_dir.unwrap_or(&default_key_dir);
    Ok(peil_audit::verify(data_dir, key_directory, witness)?)
}

/// Whether an entry's object belongs to `organisation_id` or to the installation as a whole.
fn visible_to(entry: &IndexedEntry, organisation_id: i64) -> bool {
    let own_marker = format!("organisation:{organisation_id} ");
    let object = format!("{} ", entry.entry.object);
    object.contains(&own_marker) || !object.contains("organisation:")
}

impl Service {
    /// The audit entries `actor` may read, oldest first.
    pub fn audit_entries(&mut self, actor: &Actor) -> Result<Vec<IndexedEntry>, ServiceError> {
        let visible = actor.organisation_id();
        let entries = self.audit.entries()?;
        self.perform(
            actor,
            Operation::ViewAudit,
            None,
            "audit-log",
            None,
            |_, _| {
                Ok(entries
                    .into_iter()
                    .filter(|entry| visible.is_none_or(|own| visible_to(entry, own)))
                    .collect())
            },
        )
    }

    /// Records that `actor` verified the log (after `verify_audit`, with its outcome).
    pub fn record_audit_verification(
        &mut self,
        actor: &Actor,
        report: &VerificationReport,
    ) -> Result<(), ServiceError> {
        let summary = format!(
            "valid={} entries={} checkpoints={}",
            report.is_valid(),
            report.entries_verified,
            report.checkpoints_verified
        );
        self.perform(
            actor,
            Operation::VerifyAudit,
            None,
            "audit-log",
            Some(&summary),
            |_, _| Ok(()),
        )
    }

    /// Writes the signed checkpoints to `out` for an outside witness; returns how many.
    pub fn export_audit(&mut self, actor: &Actor, out: &Path) -> Result<usize, ServiceError> {
        // The export writes a file, so it runs only once the role table allows it.
        let export = match crate::actor::authorize(&self.store, actor, Operation::ExportAudit, None)
        {
            Ok(()) => self
                .audit
                .export_checkpoints(out)
                .map_err(ServiceError::from),
            Err(refusal) => Err(refusal),
        };
        self.perform(
            actor,
            Operation::ExportAudit,
            None,
            "audit-log",
            None,
            |_, _| export,
        )
    }
}
