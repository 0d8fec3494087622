//! The de-identification step of Peil's data path (DESIGN.md, invariants 1 and 3).
//!
//! It turns raw post text into de-identified text — every detected piece of personal data replaced
//! by a typed placeholder numbered per post (`[PERSOON-1]`, `[GEBRUIKER-1]`, `[E-MAIL-1]` …) — and
//! raw author ids into keyed pseudonyms (HMAC-SHA256 under the key of a workspace and period).
//!
//! Structure: each detector (`detectors/`) reports byte spans; the engine (`engine.rs`) asks every
//! detector, drops spans the allow-list (`allowlist.rs`) marks as organisational, resolves overlaps
//! and writes the placeholders (`span.rs`).
//!
//! This crate works in memory only. It must never log, print, store or put into an error any of
//! the text or ids it receives, and it must never hand back a raw id: what leaves it is redacted.

mod allowlist;
pub mod detectors;
mod engine;
mod organisation;
mod pseudonym;
mod span;

pub use allowlist::AllowList;
pub use engine::{Deidentifier, Redaction, RedactionCounts};
pub use organisation::{organisation_allow_list, organisation_engine};
pub use pseudonym::{author_pseudonym, source_reference, PeriodKey, KEY_BYTES};
pub use span::{RedactedSpan, Span};
