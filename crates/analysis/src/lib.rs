//! The analysis step of Peil's data path: tokenization, language detection, sentiment and term
//! extraction of **de-identified** text.
//!
//! Input is always text that has already passed `peil-deid`; this crate must never receive raw
//! posts, never log text, and never emit a placeholder such as `[PERSOON-1]` as a term.

pub mod text;
