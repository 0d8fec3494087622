//! Detectors: each finds one family of personal data and reports byte spans. They never keep,
//! log or return the text they look at.

mod contact;

pub use contact::{EmailDetector, HandleDetector, PhoneDetector, ProfileUrlDetector};

use crate::{AllowList, Span};

/// One family of personal data.
pub trait Detector: Send + Sync {
    /// A short name for diagnostics (never text).
    fn name(&self) -> &'static str;
    /// Appends the spans of personal data found in `text` (skipping what `allow` keeps readable).
    fn detect(&self, text: &str, allow: &AllowList, spans: &mut Vec<Span>);
}

/// Every detector Peil runs, in no particular order (overlaps are resolved by the engine).
pub fn default_detectors() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(ProfileUrlDetector),
        Box::new(EmailDetector),
        Box::new(HandleDetector),
        Box::new(PhoneDetector),
    ]
}
