//! Escaping for HTML text and attribute values, URL path segments and CSV fields.
//!
//! Every value that did not come from this crate's own string constants passes through one of
//! these functions before it reaches the output.

/// Escapes `text` for use in HTML text and in double- or single-quoted attribute values.
pub fn html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            // Control characters other than tab and newlines have no place in a page.
            control if control.is_control() && !matches!(control, '\t' | '\n' | '\r') => {
                escaped.push('\u{FFFD}')
            }
            other => escaped.push(other),
        }
    }
    escaped
}

/// Percent-encodes `segment` for one path segment of a URL (RFC 3986 unreserved characters stay).
pub fn path_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Percent-encodes `value` for a query-string value.
pub fn query_value(value: &str) -> String {
    path_segment(value)
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, with quotes
/// doubled; a value that a spreadsheet would read as a formula (leading `=`, `+`, `-`, `@`, tab or
/// carriage return) gets a leading apostrophe so it stays text.
pub fn csv_field(value: &str) -> String {
    let neutralised = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if neutralised.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", neutralised.replace('"', "\"\""))
    } else {
        neutralised
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<img src=x onerror=\"alert('1')\">&"),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(html("a\u{0}b"), "a\u{FFFD}b");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("afval 2024/ü"), "afval%202024%2F%C3%BC");
        assert_eq!(path_segment("a-b_c.d~e"), "a-b_c.d~e");
    }

    #[test]
    fn csv_fields_are_quoted_and_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("+31"), "'+31");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("@cmd"), "'@cmd");
        assert_eq!(
            csv_field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
    }
}
