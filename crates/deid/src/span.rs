//! Spans reported by detectors, overlap resolution and placeholder rendering.

use std::collections::BTreeMap;

use peil_model::PlaceholderKind;

const ALL_KINDS: [PlaceholderKind; 12] = [
    PlaceholderKind::Email,
    PlaceholderKind::Url,
    PlaceholderKind::Handle,
    PlaceholderKind::Phone,
    PlaceholderKind::Person,
    PlaceholderKind::Bsn,
    PlaceholderKind::Iban,
    PlaceholderKind::Postcode,
    PlaceholderKind::Address,
    PlaceholderKind::LicensePlate,
    PlaceholderKind::Ip,
    PlaceholderKind::DateOfBirth,
];

/// A byte range of the input that a detector found to be personal data of `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: PlaceholderKind,
}

impl Span {
    pub fn new(start: usize, end: usize, kind: PlaceholderKind) -> Span {
        Span { start, end, kind }
    }

    fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A span that was redacted, in byte offsets of the input, with the placeholder written for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedSpan {
    pub start: usize,
    pub end: usize,
    pub kind: PlaceholderKind,
    pub placeholder: String,
}

/// Byte ranges of placeholders already present in `text` (so redaction is idempotent and never
/// nests a placeholder in another).
pub fn existing_placeholders(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    if !text.contains('[') {
        return ranges;
    }
    let mut offset = 0;
    while let Some(open) = text[offset..].find('[') {
        let start = offset + open;
        let Some(close) = text[start..].find(']') else {
            break;
        };
        let end = start + close + 1;
        if peil_model::is_placeholder(&text[start..end]) {
            ranges.push((start, end));
            offset = end;
        } else {
            offset = start + 1;
        }
    }
    ranges
}

/// Keeps a set of non-overlapping spans: longer spans win (an address beats the postcode inside
/// it, an e-mail address beats the name inside it), then earlier ones. Spans that are empty, out of
/// bounds, not on character boundaries, or that touch an existing placeholder are dropped.
pub fn resolve(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    let placeholders = existing_placeholders(text);
    spans.retain(|span| {
        span.start < span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
            && !placeholders
                .iter()
                .any(|(start, end)| span.start < *end && *start < span.end)
    });
    spans.sort_by(|left, right| {
        (right.end - right.start)
            .cmp(&(left.end - left.start))
            .then(left.start.cmp(&right.start))
    });
    let mut accepted: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        if accepted.iter().all(|kept| !kept.overlaps(&span)) {
            accepted.push(span);
        }
    }
    accepted.sort_by_key(|span| span.start);
    accepted
}

/// Writes `text` with every span replaced by its placeholder. The same value (compared
/// case-insensitively, ignoring spaces) gets the same number within one text.
pub fn render(text: &str, spans: &[Span]) -> (String, Vec<RedactedSpan>) {
    let mut output = String::with_capacity(text.len());
    let mut redacted = Vec::with_capacity(spans.len());
    let mut ordinals: BTreeMap<(PlaceholderKind, String), usize> = BTreeMap::new();
    // Continue numbering after placeholders already in the text, so a second pass never writes a
    // second `[PERSOON-1]` for another person.
    let mut next_ordinal: BTreeMap<PlaceholderKind, usize> = BTreeMap::new();
    for (start, end) in existing_placeholders(text) {
        let inner = &text[start + 1..end - 1];
        let Some((label, ordinal)) = inner.rsplit_once('-') else {
            continue;
        };
        let Ok(ordinal) = ordinal.parse::<usize>() else {
            continue;
        };
        if let Some(kind) = ALL_KINDS.iter().find(|kind| kind.label() == label) {
            let counter = next_ordinal.entry(*kind).or_insert(0);
            *counter = (*counter).max(ordinal);
        }
    }
    let mut cursor = 0;
    for span in spans {
        if span.start < cursor {
            continue;
        }
        output.push_str(&text[cursor..span.start]);
        let value: String = text[span.start..span.end]
            .chars()
            .filter(|character| !character.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        let ordinal = match ordinals.get(&(span.kind, value.clone())) {
            Some(ordinal) => *ordinal,
            None => {
                let counter = next_ordinal.entry(span.kind).or_insert(0);
                *counter += 1;
                ordinals.insert((span.kind, value), *counter);
                *counter
            }
        };
        let placeholder = span.kind.render(ordinal);
        output.push_str(&placeholder);
        redacted.push(RedactedSpan {
            start: span.start,
            end: span.end,
            kind: span.kind,
            placeholder,
        });
        cursor = span.end;
    }
    output.push_str(&text[cursor..]);
    (output, redacted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_continues_after_existing_placeholders() {
        let text = "[PERSOON-1] en Piet";
        let start = text.len() - 4;
        let spans = resolve(
            text,
            vec![Span::new(start, text.len(), PlaceholderKind::Person)],
        );
        let (rendered, _) = render(text, &spans);
        assert_eq!(rendered, "[PERSOON-1] en [PERSOON-2]");
    }

    #[test]
    fn spans_touching_placeholders_are_dropped_and_longest_wins() {
        let text = "[E-MAIL-1] Vondellaan 23";
        let spans = resolve(
            text,
            vec![
                Span::new(1, 7, PlaceholderKind::Person),
                Span::new(11, 24, PlaceholderKind::Address),
                Span::new(11, 21, PlaceholderKind::Person),
            ],
        );
        assert_eq!(spans, vec![Span::new(11, 24, PlaceholderKind::Address)]);
    }
}
