//! Fuzzes the de-identification engine: no panic, valid UTF-8 out, idempotent, no nested
//! placeholders, and every reported span inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use peil_deid::Deidentifier;
use std::sync::LazyLock;

static ENGINE: LazyLock<Deidentifier> = LazyLock::new(Deidentifier::default);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = ENGINE.redact(&text);
    for span in &once.spans {
        assert!(span.start < span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }
    let twice = ENGINE.redact(&once.text);
    assert_eq!(once.text, twice.text, "redaction must be idempotent");
    assert!(!once.text.contains("[[") || text.contains("[["), "no nested placeholders");
    let stripped = peil_model::strip_placeholders(&once.text);
    assert!(!stripped.contains("-1]") || text.contains("-1]"), "no placeholder fragments");
});
