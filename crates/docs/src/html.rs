//! Writes a document tree as a standalone, accessible HTML page.
//!
//! The page declares its language, keeps headings in order (one `h1`, then `h2`…`h4` without
//! skipping a level), gives every table a `<caption>` and `<th scope>` headers, and carries a
//! Content-Security-Policy of `default-src 'self'`. This module must never emit a `<script>`,
//! a `<style>`, a `style=` attribute or any value that has not passed through `escape_html`.

use crate::document::{Block, Document, Inline};
use crate::vocabulary::to_fill_marker;
use crate::Language;

/// Renders the whole document as an HTML page.
pub(crate) fn render(document: &Document, generator: &str) -> String {
    let mut output = String::new();
    output.push_str("<!DOCTYPE html>\n");
    output.push_str(&format!("<html lang=\"{}\">\n", document.language.code()));
    output.push_str("<head>\n<meta charset=\"utf-8\">\n");
    output
        .push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\n");
    output.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    output.push_str(&format!(
        "<meta name=\"generator\" content=\"{}\">\n",
        escape_html(generator)
    ));
    output.push_str(&format!(
        "<title>{}</title>\n</head>\n<body>\n<main>\n",
        escape_html(&document.title)
    ));
    output.push_str(&format!("<h1>{}</h1>\n", escape_html(&document.title)));
    for block in &document.blocks {
        render_block(document, block, &mut output);
    }
    output.push_str("</main>\n</body>\n</html>\n");
    output
}

fn render_block(document: &Document, block: &Block, output: &mut String) {
    match block {
        Block::Heading { level, text } => {
            let bounded_level = (*level).clamp(2, 6);
            output.push_str(&format!(
                "<h{bounded_level}>{}</h{bounded_level}>\n",
                escape_html(text)
            ));
        }
        Block::Paragraph(inlines) => {
            output.push_str("<p>");
            output.push_str(&render_inlines(document, inlines));
            output.push_str("</p>\n");
        }
        Block::BulletList(items) => {
            output.push_str("<ul>\n");
            for item in items {
                output.push_str("<li>");
                output.push_str(&render_inlines(document, item));
                output.push_str("</li>\n");
            }
            output.push_str("</ul>\n");
        }
        Block::Facts { caption, rows } => {
            let headers = match document.language {
                Language::Nl => ["Gegeven", "Waarde"],
                Language::En => ["Item", "Value"],
            };
            output.push_str("<table>\n");
            output.push_str(&format!("<caption>{}</caption>\n", escape_html(caption)));
            output.push_str(&format!(
                "<thead>\n<tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>\n</thead>\n<tbody>\n",
                headers[0], headers[1]
            ));
            for (label, value) in rows {
                output.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                    escape_html(label),
                    render_inlines(document, value)
                ));
            }
            output.push_str("</tbody>\n</table>\n");
        }
        Block::Table {
            caption,
            headers,
            rows,
        } => {
            output.push_str("<table>\n");
            output.push_str(&format!("<caption>{}</caption>\n", escape_html(caption)));
            output.push_str("<thead>\n<tr>");
            for header in headers {
                output.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(header)));
            }
            output.push_str("</tr>\n</thead>\n<tbody>\n");
            for row in rows {
                output.push_str("<tr>");
                for (column, cell) in row.iter().enumerate() {
                    let rendered = render_inlines(document, cell);
                    if column == 0 {
                        output.push_str(&format!("<th scope=\"row\">{rendered}</th>"));
                    } else {
                        output.push_str(&format!("<td>{rendered}</td>"));
                    }
                }
                output.push_str("</tr>\n");
            }
            output.push_str("</tbody>\n</table>\n");
        }
    }
}

fn render_inlines(document: &Document, inlines: &[Inline]) -> String {
    let mut output = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(value) => output.push_str(&escape_html(value)),
            Inline::Strong(value) => {
                output.push_str("<strong>");
                output.push_str(&escape_html(value));
                output.push_str("</strong>");
            }
            Inline::Code(value) => {
                output.push_str("<code>");
                output.push_str(&escape_html(value));
                output.push_str("</code>");
            }
            Inline::ToFill(what) => {
                output.push_str("<mark>");
                output.push_str(&escape_html(&to_fill_marker(document.language, what)));
                output.push_str("</mark>");
            }
        }
    }
    output
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub(crate) fn escape_html(value: &str) -> String {
    let mut output = String::with_capacity(value.len() + 8);
    for character in value.chars() {
        match character {
            '&' => output.push_str("&amp;"),
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '"' => output.push_str("&quot;"),
            '\'' => output.push_str("&#39;"),
            other => output.push(other),
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            escape_html("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
