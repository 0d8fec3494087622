//! The engine: runs every detector, resolves overlaps and writes placeholders.

use std::collections::BTreeMap;

use peil_model::PlaceholderKind;

use crate::detectors::{default_detectors, Detector};
use crate::span::{render, resolve};
use crate::{AllowList, RedactedSpan};

/// How many values of each kind were redacted in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedactionCounts {
    pub by_kind: BTreeMap<PlaceholderKind, usize>,
}

impl RedactionCounts {
    pub fn total(&self) -> usize {
        self.by_kind.values().sum()
    }
}

/// The result of de-identifying one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub text: String,
    pub counts: RedactionCounts,
    /// What was redacted, in byte offsets of the input (for evaluation; never shown).
    pub spans: Vec<RedactedSpan>,
}

/// Redacts personal data from text. Build once, share between threads.
pub struct Deidentifier {
    allow: AllowList,
    detectors: Vec<Box<dyn Detector>>,
}

impl std::fmt::Debug for Deidentifier {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .detectors
            .iter()
            .map(|detector| detector.name())
            .collect();
        formatter
            .debug_struct("Deidentifier")
            .field("detectors", &names)
            .finish_non_exhaustive()
    }
}

impl Default for Deidentifier {
    fn default() -> Self {
        Deidentifier::with_allow_list(AllowList::dutch_defaults())
    }
}

impl Deidentifier {
    /// The default engine plus organisations' own accounts (handles, with or without `@`), which
    /// stay readable so webcare can see what is addressed to them.
    pub fn new<'a>(own_accounts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut allow = AllowList::dutch_defaults();
        for handle in own_accounts {
            allow.add_handle(handle);
        }
        Deidentifier::with_allow_list(allow)
    }

    /// The default detectors with a given allow-list.
    pub fn with_allow_list(allow: AllowList) -> Self {
        Deidentifier {
            allow,
            detectors: default_detectors(),
        }
    }

    /// Returns `text` with every detected piece of personal data replaced by a placeholder.
    /// Redacting the output again changes nothing.
    pub fn redact(&self, text: &str) -> Redaction {
        let mut spans = Vec::new();
        for detector in &self.detectors {
            detector.detect(text, &self.allow, &mut spans);
        }
        if spans.is_empty() {
            // The common case: nothing to redact, no overlap resolution or rendering needed.
            return Redaction {
                text: text.to_string(),
                counts: RedactionCounts::default(),
                spans: Vec::new(),
            };
        }
        let resolved = resolve(text, spans);
        let (redacted_text, redacted_spans) = render(text, &resolved);
        let mut counts = RedactionCounts::default();
        for span in &redacted_spans {
            *counts.by_kind.entry(span.kind).or_insert(0) += 1;
        }
        Redaction {
            text: redacted_text,
            counts,
            spans: redacted_spans,
        }
    }
}
