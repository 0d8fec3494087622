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
    let mut redacted: Vec<RedactedSpan> = Vec::with_capacity(spans.len());
    // Continue numbering after placeholders already in the text, so a second pass never writes a
    // second `[PERSOON-1]` for another person. One counter per kind, in the order of `ALL_KINDS`.
    let mut last_ordinal = [0usize; ALL_KINDS.len()];
    for (start, end) in existing_placeholders(text) {
        let inner = &text[start + 1..end - 1];
        let Some((label, ordinal)) = inner.rsplit_once('-') else {
            continue;
        };
        let Ok(ordinal) = ordinal.parse::<usize>() else {
            continue;
        };
        let known_kind = ALL_KINDS.iter().find(|kind| kind.label() == label);
        if let Some(counter) = known_kind.and_then(|kind| last_ordinal.get_mut(kind_index(*kind))) {
            *counter = (*counter).max(ordinal);
        }
    }
    let mut cursor = 0;
    for span in spans {
        if span.start < cursor {
            continue;
        }
        output.push_str(&text[cursor..span.start]);
        let value = &text[span.start..span.end];
        // A post has a handful of spans at most: the value is compared with the ones written
        // before it, in place, instead of being copied into a map.
        let earlier_placeholder = redacted
            .iter()
            .find(|earlier| {
                earlier.kind == span.kind && same_value(&text[earlier.start..earlier.end], value)
            })
            .map(|earlier| earlier.placeholder.clone());
        let placeholder = match earlier_placeholder {
            Some(placeholder) => placeholder,
            None => {
                // `kind_index` is always in bounds; the fallback only keeps this panic-free.
                let ordinal = match last_ordinal.get_mut(kind_index(span.kind)) {
                    Some(counter) => {
                        *counter += 1;
                        *counter
                    }
                    None => 1,
                };
                placeholder_text(span.kind, ordinal)
            }
        };
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

/// The position of `kind` in `ALL_KINDS`. The match names every kind, so a new kind does not
/// compile until it has a counter of its own.
fn kind_index(kind: PlaceholderKind) -> usize {
    match kind {
        PlaceholderKind::Email => 0,
        PlaceholderKind::Url => 1,
        PlaceholderKind::Handle => 2,
        PlaceholderKind::Phone => 3,
        PlaceholderKind::Person => 4,
        PlaceholderKind::Bsn => 5,
        PlaceholderKind::Iban => 6,
        PlaceholderKind::Postcode => 7,
        PlaceholderKind::Address => 8,
        PlaceholderKind::LicensePlate => 9,
        PlaceholderKind::Ip => 10,
        PlaceholderKind::DateOfBirth => 11,
    }
}

/// Whether two redacted values are the same value: equal in lower case, whitespace ignored.
fn same_value(left: &str, right: &str) -> bool {
    comparable_characters(left).eq(comparable_characters(right))
}

/// The characters of `value` as it is compared for numbering: lower case, without whitespace.
fn comparable_characters(value: &str) -> impl Iterator<Item = char> + '_ {
    value
        .chars()
        .filter(|character| !character.is_whitespace())
        .flat_map(char::to_lowercase)
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
    fn every_kind_has_its_own_counter() {
        for (index, kind) in ALL_KINDS.iter().enumerate() {
            assert_eq!(kind_index(*kind), index);
        }
    }

    #[test]
    fn values_are_compared_in_lower_case_without_whitespace() {
        assert!(same_value("Jan  de\u{a0}VRIES\tÉÉN", "jandevrieséén"));
        assert!(same_value("İ", "i\u{307}"));
        assert!(!same_value("Jan", "Jans"));
    }

    #[test]
    fn the_same_value_gets_the_same_number() {
        let text = "Jan de Vries, JAN DE VRIES en Piet";
        let spans = vec![
            Span::new(0, 12, PlaceholderKind::Person),
            Span::new(14, 26, PlaceholderKind::Person),
            Span::new(30, 34, PlaceholderKind::Person),
        ];
        let (rendered, _) = render(text, &spans);
        assert_eq!(rendered, "[PERSOON-1], [PERSOON-1] en [PERSOON-2]");
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
