//! Spans reported by detectors, overlap resolution and placeholder rendering.

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
    // A post has a handful of spans at most: small vectors searched in order beat maps here.
    let mut ordinals: Vec<(PlaceholderKind, String, usize)> = Vec::with_capacity(spans.len());
    // Continue numbering after placeholders already in the text, so a second pass never writes a
    // second `[PERSOON-1]` for another person.
    let mut next_ordinal: Vec<(PlaceholderKind, usize)> = Vec::new();
    for (start, end) in existing_placeholders(text) {
        let inner = &text[start + 1..end - 1];
        let Some((label, ordinal)) = inner.rsplit_once('-') else {
            continue;
        };
        let Ok(ordinal) = ordinal.parse::<usize>() else {
            continue;
        };
        if let Some(kind) = ALL_KINDS.iter().find(|kind| kind.label() == label) {
            let counter = ordinal_counter(&mut next_ordinal, *kind);
            *counter = (*counter).max(ordinal);
        }
    }
    let mut cursor = 0;
    for span in spans {
        if span.start < cursor {
            continue;
        }
        output.push_str(&text[cursor..span.start]);
        let value = normalised_value(&text[span.start..span.end]);
        let known = ordinals
            .iter()
            .find(|(kind, known_value, _)| *kind == span.kind && *known_value == value)
            .map(|(_, _, ordinal)| *ordinal);
        let ordinal = match known {
            Some(ordinal) => ordinal,
            None => {
                let counter = ordinal_counter(&mut next_ordinal, span.kind);
                *counter += 1;
                let ordinal = *counter;
                ordinals.push((span.kind, value, ordinal));
                ordinal
            }
        };
        let placeholder = placeholder_text(span.kind, ordinal);
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

/// The last ordinal used for `kind` (0 before the first).
fn ordinal_counter(
    counters: &mut Vec<(PlaceholderKind, usize)>,
    kind: PlaceholderKind,
) -> &mut usize {
    let index = match counters.iter().position(|(known, _)| *known == kind) {
        Some(index) => index,
        None => {
            counters.push((kind, 0));
            counters.len() - 1
        }
    };
    &mut counters[index].1
}

/// A redacted value as it is compared for numbering: lower case, without whitespace.
fn normalised_value(value: &str) -> String {
    let mut normalised = String::with_capacity(value.len());
    for character in value.chars() {
        if character.is_whitespace() {
            continue;
        }
        if character.is_ascii() {
            normalised.push(character.to_ascii_lowercase());
        } else {
            normalised.extend(character.to_lowercase());
        }
    }
    normalised
}

/// `kind.render(ordinal)` (`[PERSOON-2]`) written straight into a string of the right size,
/// without the formatting machinery; a unit test keeps the two equal.
fn placeholder_text(kind: PlaceholderKind, ordinal: usize) -> String {
    let label = kind.label();
    let mut divisor = 1;
    let mut digit_count = 1;
    while ordinal / divisor >= 10 {
        divisor *= 10;
        digit_count += 1;
    }
    let mut placeholder = String::with_capacity(label.len() + digit_count + 3);
    placeholder.push('[');
    placeholder.push_str(label);
    placeholder.push('-');
    while divisor > 0 {
        let digit = (ordinal / divisor % 10) as u8;
        placeholder.push(char::from(b'0' + digit));
        divisor /= 10;
    }
    placeholder.push(']');
    placeholder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_text_is_what_the_model_renders() {
        for kind in ALL_KINDS {
            for ordinal in (0..1200).chain([9_999, 10_000, 123_456_789, usize::MAX]) {
                assert_eq!(placeholder_text(kind, ordinal), kind.render(ordinal));
            }
        }
    }

    #[test]
    fn values_are_compared_in_lower_case_without_whitespace() {
        assert_eq!(normalised_value("Jan  de\u{a0}VRIES\tÉÉN"), "jandevrieséén");
        assert_eq!(normalised_value("İ"), "i\u{307}");
    }

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
