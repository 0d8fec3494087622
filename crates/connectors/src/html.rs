//! Mastodon's status HTML to plain text.
//!
//! Mastodon sends a small, sanitised subset of HTML: `<p>`, `<br>`, `<a>`, `<span>` and a few
//! more. Tags are dropped, `<br>` becomes a line break, paragraphs are separated by a blank line,
//! the `quote-inline` paragraph ("RE: link", a fallback for quote posts) is left out, and the
//! common character references are decoded.

/// Converts status HTML to plain text.
pub fn html_to_text(html: &str) -> String {
    let mut output = String::with_capacity(html.len());
    let mut skipping_quote_fallback = false;
    let mut rest = html;
    while let Some(position) = rest.find(['<', '&']) {
        let (plain, marked) = rest.split_at(position);
        if !skipping_quote_fallback {
            output.push_str(plain);
        }
        if let Some(after_open) = marked.strip_prefix('<') {
            let Some(close) = after_open.find('>') else {
                // A lone `<` is text.
                if !skipping_quote_fallback {
                    output.push('<');
                }
                rest = after_open;
                continue;
            };
            let (tag, after_tag) = after_open.split_at(close);
            rest = after_tag.strip_prefix('>').unwrap_or(after_tag);
            apply_tag(tag, &mut output, &mut skipping_quote_fallback);
            continue;
        }
        let after_ampersand = marked.strip_prefix('&').unwrap_or(marked);
        match decode_reference(after_ampersand) {
            Some((decoded, length)) => {
                if !skipping_quote_fallback {
                    output.push(decoded);
                }
                rest = after_ampersand.get(length..).unwrap_or_default();
            }
            None => {
                if !skipping_quote_fallback {
                    output.push('&');
                }
                rest = after_ampersand;
            }
        }
    }
    if !skipping_quote_fallback {
        output.push_str(rest);
    }
    tidy_whitespace(&output)
}

fn apply_tag(tag: &str, output: &mut String, skipping_quote_fallback: &mut bool) {
    let is_closing = tag.starts_with('/');
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|character| character.to_ascii_lowercase())
        .collect();
    match (name.as_str(), is_closing) {
        ("p", false) if tag.contains("quote-inline") => *skipping_quote_fallback = true,
        ("p", true) if *skipping_quote_fallback => *skipping_quote_fallback = false,
        _ if *skipping_quote_fallback => {}
        ("p" | "blockquote" | "pre" | "ul" | "ol", true) => output.push_str("\n\n"),
        ("br", _) | ("li", true) => output.push('\n'),
        _ => {}
    }
}

/// Decodes the character reference at the start of `text` (the part after `&`). Returns the
/// character and the length of the reference including its `;`.
fn decode_reference(text: &str) -> Option<(char, usize)> {
    let semicolon = text.bytes().take(12).position(|byte| byte == b';')?;
    let name = text.get(..semicolon)?;
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => decode_numeric_reference(name)?,
    };
    Some((decoded, semicolon + 1))
}

fn decode_numeric_reference(name: &str) -> Option<char> {
    let number = name.strip_prefix('#')?;
    let code_point = match number.strip_prefix(['x', 'X']) {
        Some(hexadecimal) => u32::from_str_radix(hexadecimal, 16).ok()?,
        None => number.parse::<u32>().ok()?,
    };
    if code_point == 0 {
        return Some(char::REPLACEMENT_CHARACTER);
    }
    if code_point == 0xA0 {
        return Some(' ');
    }
    Some(char::from_u32(code_point).unwrap_or(char::REPLACEMENT_CHARACTER))
}

/// Trims trailing spaces from lines, keeps at most one blank line in a row, and trims the ends.
fn tidy_whitespace(text: &str) -> String {
    let mut tidy = String::with_capacity(text.len());
    let mut pending_newlines = 0usize;
    for line in text.split('\n') {
        let trimmed = line.trim_end();
        if trimmed.trim_start().is_empty() {
            pending_newlines += 1;
            continue;
        }
        if !tidy.is_empty() {
            let newlines = (pending_newlines + 1).min(2);
            tidy.extend(std::iter::repeat_n('\n', newlines));
        }
        pending_newlines = 0;
        tidy.push_str(trimmed);
    }
    tidy.trim_start().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_separates_paragraphs() {
        assert_eq!(
            html_to_text(
                "<p>Eerste alinea<br>met regel</p><p>Tweede <a href=\"https://x\">link</a></p>"
            ),
            "Eerste alinea\nmet regel\n\nTweede link"
        );
        assert_eq!(html_to_text("<p>a<br/><br />b</p>"), "a\n\nb");
        assert_eq!(html_to_text(""), "");
        assert_eq!(html_to_text("<p></p>"), "");
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(
            html_to_text("&amp; &lt;b&gt; &quot;x&quot; it&#39;s &#x1F600; &#233;t&eacute; &amp;ééééé a&nbsp;b &#0; &#xD800;"),
            "& <b> \"x\" it's 😀 ét&eacute; &ééééé a b \u{FFFD} \u{FFFD}"
        );
        assert_eq!(html_to_text("AT&T & co;"), "AT&T & co;");
        assert_eq!(html_to_text("&#99999999999;"), "&#99999999999;");
    }

    #[test]
    fn keeps_mastodon_link_text_and_drops_the_quote_fallback() {
        let html = "<p class=\"quote-inline\">RE: <a href=\"http://localhost:3000/@someone/1\">http://localhost:3000/@someone/1</a></p><p>Kijk <a href=\"http://example.org/\"><span class=\"invisible\">http://</span><span class=\"\">example.org/</span><span class=\"invisible\"></span></a></p>";
        assert_eq!(html_to_text(html), "Kijk http://example.org/");
    }

    #[test]
    fn survives_broken_markup() {
        assert_eq!(html_to_text("a < b"), "a < b");
        assert_eq!(html_to_text("<p>open"), "open");
        assert_eq!(html_to_text("x</p"), "x</p");
        assert_eq!(html_to_text("&"), "&");
        assert_eq!(html_to_text("&#;"), "&#;");
        assert_eq!(html_to_text("<<<>>>"), ">>");
    }
}
