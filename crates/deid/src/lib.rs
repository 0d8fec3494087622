//! The de-identification step of Peil's data path (DESIGN.md, invariant 1 and 3).
//!
//! It turns raw post text into de-identified text (e-mail addresses, URLs, @handles and phone
//! numbers replaced by numbered placeholders such as `[EMAIL-1]`) and raw author ids into keyed
//! pseudonyms (HMAC-SHA256 under the key of a workspace and period).
//!
//! This crate works in memory only. It must never log, print, store or put into an error any of
//! the text or ids it receives, and it must never hand back a raw id: what leaves it is redacted.
//! The full Dutch detector suite (names, BSN, IBAN, addresses, plates …) plugs in here later.

mod detectors;
mod pseudonym;

pub use detectors::{Deidentifier, Redaction, RedactionCounts};
pub use pseudonym::{author_pseudonym, source_reference, PeriodKey, KEY_BYTES};
