//! Property tests (fuzzing with proptest) for the structured-identifier detectors and the engine
//! around them: no detector panics on arbitrary input, every span lies in bounds and on character
//! boundaries, planted identifiers are removed, and redaction is idempotent.

use proptest::prelude::*;

use super::{
    AddressDetector, BsnDetector, DateOfBirthDetector, Detector, EmailDetector, HandleDetector,
    IbanDetector, IpDetector, LicensePlateDetector, PhoneDetector, PostcodeDetector,
    ProfileUrlDetector,
};
use crate::{AllowList, Deidentifier};

fn structured_detectors() -> Vec<Box<dyn Detector>> {
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
    ]
}

/// Redacts with the structured detectors only (the person detector is tested on its own).
fn redact_structured(text: &str) -> String {
    let allow = AllowList::dutch_defaults();
    let mut spans = Vec::new();
    for detector in structured_detectors() {
        detector.detect(text, &allow, &mut spans);
    }
    let resolved = crate::span::resolve(text, spans);
    crate::span::render(text, &resolved).0
}

fn assert_spans_valid(text: &str) -> Result<(), TestCaseError> {
    let allow = AllowList::dutch_defaults();
    for detector in structured_detectors() {
        let mut spans = Vec::new();
        detector.detect(text, &allow, &mut spans);
        for span in spans {
            prop_assert!(
                span.start < span.end,
                "{} gave an empty span",
                detector.name()
            );
            prop_assert!(span.end <= text.len(), "{} out of bounds", detector.name());
            prop_assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{} split a character",
                detector.name()
            );
        }
    }
    Ok(())
}

/// Text built from the pieces the detectors look for, so the fuzzing reaches their inner paths.
fn identifier_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("@".to_string()),
        Just(" at ".to_string()),
        Just("[dot]".to_string()),
        Just("+31 ".to_string()),
        Just("(0)".to_string()),
        Just("06-".to_string()),
        Just("NL91 ".to_string()),
        Just("straat ".to_string()),
        Just("Laan van ".to_string()),
        Just("geboren op ".to_string()),
        Just("kenteken ".to_string()),
        Just("https://x.com/".to_string()),
        Just("bsky.social".to_string()),
        Just("::".to_string()),
        Just(", 3521 GH ".to_string()),
        "[0-9]{1,5}",
        "[A-Za-z]{1,6}",
        "[ .,:/()\\-]{1,2}",
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #[test]
    fn detectors_never_panic_on_arbitrary_text(text in "\\PC{0,200}") {
        assert_spans_valid(&text)?;
    }

    #[test]
    fn detectors_never_panic_on_identifier_like_text(text in identifier_like_text()) {
        assert_spans_valid(&text)?;
    }

    #[test]
    fn structured_redaction_is_idempotent_on_identifier_like_text(text in identifier_like_text()) {
        let once = redact_structured(&text);
        let twice = redact_structured(&once);
        prop_assert_eq!(&once, &twice);
    }

    #[test]
    fn never_panics_and_removes_planted_emails(prefix in "\\PC{0,40}", suffix in "\\PC{0,40}") {
        let text = format!("{prefix} canary.person@example.org {suffix}");
        let redaction = Deidentifier::default().redact(&text);
        prop_assert!(!redaction.text.contains("canary.person@example.org"));
    }

    #[test]
    fn planted_numbers_are_removed(prefix in "[a-z ]{0,20}", suffix in "[a-z ]{0,20}") {
        let text = format!("{prefix} bel 06-12345678 of mail naar NL91ABNA0417164300, BSN 111222333 {suffix}");
        let redaction = Deidentifier::default().redact(&text);
        prop_assert!(!redaction.text.contains("12345678"));
        prop_assert!(!redaction.text.contains("0417164300"));
        prop_assert!(!redaction.text.contains("111222333"));
    }

    #[test]
    fn arbitrary_text_never_panics_and_redaction_is_idempotent(text in "\\PC{0,200}") {
        let engine = Deidentifier::default();
        let once = engine.redact(&text);
        let twice = engine.redact(&once.text);
        prop_assert_eq!(&once.text, &twice.text);
    }
}

#[test]
fn text_glued_to_a_handle_stays_opaque_when_redacted_twice() {
    let engine = Deidentifier::default();
    for text in [
        "ϒ\u{11c92}{ⴧ^@a ",
        "Hoi Xyz@anna_b kom je",
        "Zie Abc/https://x.com/piet",
    ] {
        let once = engine.redact(text);
        let twice = engine.redact(&once.text);
        assert_eq!(once.text, twice.text);
    }
}

fn redact(text: &str) -> String {
    Deidentifier::new(["gemeenteutrecht"]).redact(text).text
}

#[test]
fn typed_placeholders_per_kind() {
    assert_eq!(
        redact("Mail jan.jansen+afval@voorbeeld.nl of info@x.org."),
        "Mail [E-MAIL-1] of info@x.org."
    );
    assert_eq!(
        redact("zie https://x.com/janjansen en https://nos.nl/artikel/123-afval."),
        "zie [URL-1] en https://nos.nl/artikel/123-afval."
    );
    assert_eq!(
        redact("@piet_p en @kees@mastodon.social vragen @GemeenteUtrecht iets. @piet_p!"),
        "[GEBRUIKER-1] en [GEBRUIKER-2] vragen @GemeenteUtrecht iets. [GEBRUIKER-1]!"
    );
    assert_eq!(redact("bel 06-12345678 nu"), "bel [TELEFOON-1] nu");
    assert_eq!(redact("BSN 111222333."), "BSN [BSN-1].");
    assert_eq!(redact("naar NL91 ABNA 0417 1643 00."), "naar [IBAN-1].");
    assert_eq!(redact("kenteken BN-73-XT"), "kenteken [KENTEKEN-1]");
    assert_eq!(
        redact("vanaf 84.241.17.203 ingelogd"),
        "vanaf [IP-1] ingelogd"
    );
    assert_eq!(
        redact("geboren op 14-03-1987 en"),
        "geboren op [GEBOORTEDATUM-1] en"
    );
    assert_eq!(
        redact("storing in 3581 KP sinds"),
        "storing in [POSTCODE-1] sinds"
    );
}

#[test]
fn an_address_wins_over_the_postcode_inside_it() {
    let redaction =
        Deidentifier::default().redact("bij ons op Vondellaan 23, 3521 GH Utrecht de fiets");
    assert_eq!(redaction.text, "bij ons op [ADRES-1] de fiets");
}

#[test]
fn counts_per_kind() {
    let redaction =
        Deidentifier::default().redact("a@b.nl @c 0612345678 https://nos.nl 0800-0543 @rivm");
    assert_eq!(redaction.counts.total(), 3);
    assert_eq!(redaction.spans.len(), 3);
}

#[test]
fn numbers_that_are_not_personal_stay() {
    for text in [
        "in 2024 waren er 1500 klachten",
        "op 12-10-2026 om 14:00",
        "bedrag € 1.234,56 betaald",
        "A12 richting Den Haag, daarna de N201",
        "ordernr 802201721",
        "artikel 172 Gemeentewet",
        "bel 0900-8844 of 14 030",
    ] {
        assert_eq!(redact(text), text);
    }
}
