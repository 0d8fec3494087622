//! Peil's tamper-evident audit log (design invariant 8: everything is accountable).
//!
//! An append-only Merkle tree log with RFC 6962 hashing and signed checkpoints. Every login,
//! query, view, export, configuration change, approval, retention run, erasure and key rotation
//! is appended as an [`AuditEntry`] with the fields the BIO asks for (action, object, result,
//! actor, origin, time) and an optional detail; the FG checks the whole log with [`verify`].
//!
//! # Files
//! Under the data directory (all names contain `audit`, so operators find and back them up):
//! - `<data_dir>/audit/audit-log.jsonl`: one JSON entry per line; the leaf of entry *i* is the
//!   exact bytes of line *i* (without the newline), which carries `"index": i`.
//! - `<data_dir>/audit/audit-checkpoints.jsonl`: one signed checkpoint per append (tree size,
//!   root hash, time, key id, Ed25519 signature over a fixed text, see [`SignedCheckpoint`]).
//! - `<data_dir>/audit/audit.lock`: the lock that serialises appends of several processes.
//! - `<data_dir>/audit/audit-public-key.txt`: a copy of the public key for witnesses; never
//!   trusted by verification.
//!
//! In the key directory, kept apart from the data (refused if it is the data directory itself
//! or inside its audit folder): `audit-signing.key` (hex seed, 0600, directory 0700),
//! `audit-signing.pub` (the public key verification trusts) and `audit-head.json` (a copy of
//! the latest signed checkpoint, so that truncating both data files is still detected).
//!
//! # API
//! ```no_run
//! use peil_audit::{AuditAction, AuditEntry, AuditLog, AuditResult};
//! # fn main() -> Result<(), peil_audit::AuditError> {
//! # let (data_dir, key_dir) = (std::path::Path::new("data"), std::path::Path::new("keys"));
//! let mut log = AuditLog::open(data_dir, key_dir)?;
//! let entry = AuditEntry::new(AuditAction::Query, "workspace:7", AuditResult::Allowed, "user:12", "web")
//!     .with_detail("#afval AND leeuwarden"); // only a query text the guard allowed
//! let index: u64 = log.append(&entry)?;
//! let all = log.entries()?; // Vec<IndexedEntry> for the FG console
//! let exported: usize = log.export_checkpoints(std::path::Path::new("witness.json"))?;
//! let report = peil_audit::verify(data_dir, key_dir, None)?;
//! if !report.is_valid() { eprintln!("{report}"); }
//! # Ok(()) }
//! ```
//! - [`AuditLog::open`], [`AuditLog::append`], [`AuditLog::entries`],
//!   [`AuditLog::export_checkpoints`]; without a signing key: [`read_entries`],
//!   [`export_checkpoints`], [`verify`] (`peil audit verify`: exit non-zero unless
//!   [`VerificationReport::is_valid`]).
//! - [`merkle`]: RFC 6962 hashes, [`merkle::CompactRange`], [`merkle::MerkleTree`] proofs and
//!   [`merkle::verify_inclusion`] / [`merkle::verify_consistency`].
//!
//! # No personal data
//! Callers pass ids or names of workspaces, users, monitors and actions only, and the channel as
//! origin (`web`, `cli`, `api`, `scheduler`). A query text goes into `detail` only when the
//! query guard allowed it. Fields are refused (typed [`AuditError::InvalidField`], never echoing
//! the value) when empty (object, actor, origin), too long, holding control characters, shaped
//! like an e-mail address (actor, origin) or like an IP address (actor, origin).
//!
//! # What this crate must never do
//! Rewrite or truncate its files, sign a tree that contradicts the signed head (appends fail
//! closed instead), trust a key or head found beside the data, or put entry content, key
//! material or personal data into errors, reports or logs.
//!
//! # Failure behaviour
//! An append writes the entry (fsync), then a checkpoint (fsync), then the head copy (atomic
//! rename). A crash between the first two leaves entries that `verify` reports as unsigned until
//! the next append signs them. A line cut in the middle, a malformed line or a log that
//! contradicts the signed head makes `open` and `append` fail until an operator restores the
//! files from a backup; `verify` names the lines involved.

pub mod checkpoint;
pub mod entry;
pub mod error;
pub mod files;
mod keys;
pub mod log;
pub mod merkle;
pub mod verify;

pub use checkpoint::{CheckpointProblem, SignedCheckpoint, WitnessExport, WITNESS_EXPORT_FORMAT};
pub use entry::{AuditAction, AuditEntry, AuditResult, IndexedEntry};
pub use error::{AuditError, FieldProblem};
pub use files::AuditPaths;
pub use log::{export_checkpoints, read_entries, AuditLog};
pub use merkle::Hash;
pub use verify::{verify, ProblemKind, VerificationProblem, VerificationReport};
