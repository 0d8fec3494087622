//! Detectors: each finds one family of personal data and reports byte spans. They never keep,
//! log or return the text they look at.

mod address;
mod bsn;
mod date_of_birth;
mod email;
mod handle;
mod iban;
mod ip;
mod license_plate;
mod person;
mod person_lexicon;
mod person_tokens;
mod phone;
mod postcode;
mod profile_url;
#[cfg(test)]
mod properties;
mod scan;

pub use address::AddressDetector;
pub use bsn::BsnDetector;
pub use date_of_birth::DateOfBirthDetector;
pub use email::EmailDetector;
pub use handle::HandleDetector;
pub use iban::IbanDetector;
pub use ip::IpDetector;
pub use license_plate::LicensePlateDetector;
pub use person::{detect_person_names, PersonNameDetector};
pub use phone::PhoneDetector;
pub use postcode::PostcodeDetector;
pub use profile_url::ProfileUrlDetector;

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
        Box::new(BsnDetector),
        Box::new(IbanDetector),
        Box::new(PostcodeDetector),
        Box::new(AddressDetector),
        Box::new(LicensePlateDetector),
        Box::new(IpDetector),
        Box::new(DateOfBirthDetector),
        Box::new(PersonNameDetector),
    ]
}
